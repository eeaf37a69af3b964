"""`make demo`: the model-guardrails lifecycle on seeded synthetic fraud data, end to end,
through the local runtime (the plugin's real recipe.py / check.py / runnable.py files)."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, os.path.join(ROOT, "python-lib"), HERE]

import pandas as pd  # noqa: E402

import make_data  # noqa: E402
from model_guardrails import reports  # noqa: E402
import stage_checks  # noqa: E402
import stage_fairness  # noqa: E402
import stage_gate  # noqa: E402
import stage_lifecycle  # noqa: E402
import stage_reports  # noqa: E402
from dss_local.runtime import run_recipe  # noqa: E402

OUTPUT = os.path.join(HERE, "output")
KINDS = ("drift", "fairness", "performance")
DRIFT_EXCLUDED = ["transaction_id", "transaction_date"]


def banner(title):
    print("\n== {} ==".format(title))


def drift_summary(path):
    metrics = pd.read_csv(path, keep_default_na=False, na_values=[""])
    scores = metrics[metrics.metric == "drift_score"].sort_values("value", ascending=False)
    share = metrics[metrics.metric == "drift_share"].iloc[0]
    lines = ["{:<18} {:<12} {:>8}  {:<8} {}".format("feature", "type", "score", "status", "decided on")]
    for _, row in scores.iterrows():
        value = "" if pd.isna(row.value) else "{:.3f}".format(row.value)
        lines.append("{:<18} {:<12} {:>8}  {:<8} {}".format(row.feature, row.feature_type, value, row.status,
                                                            row.reason))
    lines.append("drift_share = {:.2f} -> {} ({} of {} features drifted)".format(
        share.value, share.status, int(metrics[metrics.metric == "drifted_features"].value.iloc[0]), len(scores)))
    return "\n".join(lines)


def stage_drift(data):
    banner("1. compute-drift: reference vs drifted current")
    drift = os.path.join(OUTPUT, "drift_metrics.csv")
    config = {"excluded_columns": DRIFT_EXCLUDED}
    run_recipe("compute-drift", [("reference", data["reference"]), ("current", data["current"])],
               [("metrics", drift)], config=config)
    print(drift_summary(drift))
    banner("1b. compute-drift: reference vs itself (the clean run)")
    clean = os.path.join(OUTPUT, "drift_metrics_clean.csv")
    run_recipe("compute-drift", [("reference", data["reference"]), ("current", data["reference"])],
               [("metrics", clean)], config=config)
    print(drift_summary(clean).splitlines()[-1])
    metrics = pd.read_csv(drift)
    missing = metrics[(metrics.metric == "missing_share_current")].sort_values("value").iloc[-1]
    psi = metrics[(metrics.feature == missing.feature) & (metrics.metric == "psi")].iloc[0]
    print("Missing values: {} is missing in {:.0%} of current rows; its PSI (missing bin included) = {:.2f} -> {}".format(
        missing.feature, missing.value, psi.value, psi.status))
    return drift, clean


def stage_fairness_and_performance(data):
    banner("2. compute-fairness (with bias shift vs the reference period) and evaluate-model")
    for line in stage_fairness.run(os.path.dirname(data["reference"]), OUTPUT):
        print(line)


def metrics_paths():
    return {kind: os.path.join(OUTPUT, kind + "_metrics.csv") for kind in KINDS}


def stage_recipe_reports():
    banner("2b. The recipes' HTML reports (the three recipes run again with their report folder)")
    lines = stage_reports.run(metrics_paths(), os.path.join(OUTPUT, "reports"))
    for line in lines[:len(KINDS)]:  # the model-health page comes in step 5, with the checks and the gate
        print(line)


def stage_scenario_checks(outputs):
    banner("3. Checks, as a scenario's 'Verify rules or run checks' step runs them")
    for line in stage_checks.run(outputs, OUTPUT):
        print(line)


def stage_governance(data):
    """The gate (qualification rules and sign-off), prune and status, the rollback to the previous
    approved bundle, then, on the same emulator, the production model's monitoring runs added to a
    Model Evaluation Store and its status published to Govern by publish-model-status."""
    banner("4. Govern-gated bundle: qualification rules and sign-off (create-approved-bundle), prune, status, "
           "rollback, Model Evaluation Store and status publication")
    then = lambda emu: stage_lifecycle.run(os.path.join(OUTPUT, "lifecycle"), data, emu=emu)  # noqa: E731
    for line in stage_gate.run(os.path.join(OUTPUT, "gate"), then=then):
        print(line)


def stage_model_health():
    """Two model-health pages: the monitored (drifted) model, from the very files the scenario's checks
    judged (no approval: the gate refused it), and the approved (retrained) model, from the evidence
    the gate judged, with its qualification rules and the sign-off. No page shows APPROVED beside a
    failing required rule."""
    banner("5. The model-health pages")
    with open(os.path.join(OUTPUT, "checks.json")) as f:
        checks = [(r["check"], r["outcome"], r["message"]) for r in json.load(f)]
    with open(os.path.join(OUTPUT, "gate", "gate.json")) as f:
        gate = json.load(f)
    frames = {k: pd.read_csv(path, keep_default_na=False, na_values=[""]) for k, path in metrics_paths().items()}
    page = reports.model_health_report(checks=checks, approval=None, bundle_id="", project_key="FRAUD_DETECTION",
                                       model="fraud scorer (demo), monitored: refused by the gate",
                                       links={k: "{}/report.html".format(k) for k in KINDS}, **frames)
    path = os.path.join(OUTPUT, "reports", "model-health.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    print("  model health (monitored model, not approved) {}".format(path))
    approved = {k: pd.read_csv(gate["evidence"][k + "_metrics"], keep_default_na=False, na_values=[""]) for k in KINDS}
    page = reports.model_health_report(checks=[tuple(c) for c in gate["checks"]], approval=gate["approval"],
                                       bundle_id=gate["bundle_id"], project_key="FRAUD_DETECTION",
                                       model="fraud scorer (demo), retrained and approved", gate_rules=gate["rules"],
                                       **approved)
    path = os.path.join(OUTPUT, "reports", "model-health-approved.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    print("  model health (approved model, with the gate's rules) {}".format(path))
    print("HTML reports: {}".format(os.path.dirname(path)))


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    data = make_data.write(os.path.join(OUTPUT, "data"))
    print("Synthetic fraud data (reference, drifted current): {}".format(os.path.dirname(data["reference"])))
    clean = stage_drift(data)[1]
    stage_fairness_and_performance(data)
    stage_recipe_reports()  # rewrites the three metrics datasets (new run ids): before the checks read them
    stage_scenario_checks(dict(metrics_paths(), drift_clean=clean))
    stage_governance(data)
    stage_model_health()
    print("\nAll outputs are in {}".format(OUTPUT))


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    main()

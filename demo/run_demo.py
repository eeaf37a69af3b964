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
import stage_checks  # noqa: E402
import stage_fairness  # noqa: E402
import stage_gate  # noqa: E402
import stage_reports  # noqa: E402
from dss_local.runtime import run_recipe  # noqa: E402

OUTPUT = os.path.join(HERE, "output")
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


def stage_scenario_checks(outputs):
    banner("3. Checks, as a scenario's 'Verify rules or run checks' step runs them")
    for line in stage_checks.run(outputs, OUTPUT):
        print(line)


def stage_governance():
    banner("4. Govern-gated bundle: create-approved-bundle, prune-bundles, governance-status")
    for line in stage_gate.run(os.path.join(OUTPUT, "gate")):
        print(line)


def stage_html_reports():
    banner("5. HTML reports and the model-health page")
    with open(os.path.join(OUTPUT, "checks.json")) as f:
        checks = [(r["check"], r["outcome"], r["message"]) for r in json.load(f)]
    with open(os.path.join(OUTPUT, "gate", "gate.json")) as f:
        gate = json.load(f)
    outputs = {kind: os.path.join(OUTPUT, kind + "_metrics.csv") for kind in ("drift", "fairness", "performance")}
    for line in stage_reports.run(outputs, os.path.join(OUTPUT, "reports"), checks=checks,
                                  approval=gate["approval"], bundle_id=gate["bundle_id"]):
        print(line)


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    data = make_data.write(os.path.join(OUTPUT, "data"))
    print("Synthetic fraud data (reference, drifted current): {}".format(os.path.dirname(data["reference"])))
    drift, clean = stage_drift(data)
    stage_fairness_and_performance(data)
    stage_scenario_checks({"drift": drift, "drift_clean": clean,
                           "fairness": os.path.join(OUTPUT, "fairness_metrics.csv"),
                           "performance": os.path.join(OUTPUT, "performance_metrics.csv")})
    stage_governance()
    stage_html_reports()
    print("\nAll outputs are in {}".format(OUTPUT))


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    main()

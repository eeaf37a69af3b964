"""Demo stage: the Govern gate end to end against the local DSS/Govern emulator.

    python demo/stage_gate.py [OUTPUT_DIR]

Starts the emulator on a free loopback port with project FRAUD_DETECTION laid out as Govern's
standard templates lay it out: the Govern model version governing saved model fraud_model's active
version has its sign-off on step 'review' WAITING_FOR_APPROVAL. Runs create-approved-bundle with
the default qualification policy on the metrics of the drifted model (it refuses, naming the
failing evidence rules), then on the metrics of a retrained model (the rules pass; the sign-off
still waits, so it refuses again), approves that sign-off in the emulator state, runs it a third
time (bundle created; publication waits for the review of the Govern bundle governing it),
approves that review, publishes with publish-approved-bundle, prunes (dry run, then for real) and
writes the governance status. The evidence datasets are given as ``dss-local macro --dataset``
gives them: the emulator holds each one with its check's latest outcome. The HTML results go to
OUTPUT_DIR; the returned lines summarise what happened.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (os.path.join(ROOT, "python-lib"), ROOT):
    if path not in sys.path:
        sys.path.insert(0, path)

from dss_local.emulator import Emulator, demo_state  # noqa: E402
from dss_local.emulator.state import MODEL_VERSION_ARTIFACT, sync_bundle  # noqa: E402
from dss_local.macro import run_macro  # noqa: E402
from dss_local.runtime import run_recipe  # noqa: E402
from model_guardrails.errors import GuardrailsError  # noqa: E402
from model_guardrails.gate import policy  # noqa: E402
from demo import stage_deploy  # noqa: E402  (after the gate: second approved bundle, deployment, rollback)

PROJECT = "FRAUD_DETECTION"
DSS_KEY = "dss-demo-key"
GOVERN_KEY = "govern-demo-key"


def _old_bundles(state):
    """Three earlier, manually created bundles, synced to Govern whose reviews never started; the
    oldest is deployed to production."""
    project = state["dss"]["projects"][PROJECT]
    deployer = state["dss"]["deployer"]
    deployer["projects"][PROJECT] = {"packages": []}
    day = 86400000
    base = 1760000000000  # 2025-10-09, epoch milliseconds
    for i in range(1, 4):
        bundle_id = "v0.{}".format(i)
        project["bundles"].append({"bundleId": bundle_id, "state": "BUILT", "exportManifest": {
            "exportUserInfo": {"exportedBy": "data.scientist", "exportedOn": base + i * day, "releaseNotes": ""}}})
        deployer["projects"][PROJECT]["packages"].append(
            {"id": bundle_id, "publishedOn": base + i * day + 3600000, "publishedBy": "data.scientist"})
        sync_bundle(state, PROJECT, bundle_id)
    deployer["deployments"]["fraud-detection-prod"] = {
        "publishedProjectKey": PROJECT, "infraId": "production", "bundleId": "v0.1"}
    deployer["infras"]["production"] = {"stage": "production", "governCheckPolicy": "PREVENT"}
    return state


EVIDENCE = ("drift_metrics", "fairness_metrics", "performance_metrics")
DRIFT = {"excluded_columns": ["transaction_id", "transaction_date"]}
FAIRNESS = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                sensitive_columns=["gender", "age_band"], intersectional=False)
PERFORMANCE = dict(target_column="is_fraud", prediction_column="prediction", score_column="score")


def evidence(output_dir, rows=8000):
    """{"drifted": {dataset: path}, "retrained": {dataset: path}}: the metrics of the model scoring the
    drifted current period, and of a retrained model (scored on data like its training data)."""
    from demo import make_data

    data = make_data.write(os.path.join(output_dir, "data"), n_rows=rows)
    out = {}
    for label, current in (("drifted", data["current"]), ("retrained", data["reference"])):
        folder = os.path.join(output_dir, label)
        os.makedirs(folder, exist_ok=True)
        paths = {name: os.path.join(folder, name + ".csv") for name in EVIDENCE}
        baseline = os.path.join(folder, "performance_baseline.csv")
        run_recipe("compute-drift", [("reference", data["reference"]), ("current", current)],
                   [("metrics", paths["drift_metrics"])], config=DRIFT)
        run_recipe("compute-fairness", [("scored", current), ("reference", data["reference"])],
                   [("metrics", paths["fairness_metrics"])], config=FAIRNESS)
        run_recipe("evaluate-model", [("scored", data["reference"])], [("metrics", baseline)], config=PERFORMANCE)
        run_recipe("evaluate-model", [("scored", current), ("baseline", baseline)],
                   [("metrics", paths["performance_metrics"])], config=PERFORMANCE)
        out[label] = paths
    return out


def _failing_rules(refusal):
    """The rules a refusal names as failing, e.g. 'evidence (drift_metrics)'."""
    return re.findall(r"((?:{})(?: \([^)]*\))?) FAIL:".format("|".join(policy.RULES)), str(refusal))


def run(output_dir, metrics=None, then=None):
    os.makedirs(output_dir, exist_ok=True)
    lines = []
    metrics = metrics or evidence(output_dir)

    def write(name, html):
        path = os.path.join(output_dir, name)
        with open(path, "w") as f:
            f.write(html)
        return path

    with Emulator(_old_bundles(demo_state(PROJECT, DSS_KEY, GOVERN_KEY))) as emu:
        conn = {"govern_url": emu.url, "api_key": GOVERN_KEY, "timeout_seconds": 10}

        def macro(macro_id, datasets=None, **config):
            config["govern_connection"] = conn
            return run_macro(macro_id, PROJECT, config=config, dss_url=emu.url, dss_api_key=DSS_KEY,
                             plugin_dir=ROOT, datasets=datasets)

        gate_config = dict(version="1.0", publish=True, release_notes="Fraud model, quarterly retrain.",
                           evidence_datasets=list(EVIDENCE))
        try:
            macro("create-approved-bundle", datasets=metrics["drifted"], **gate_config)
            lines.append("gate: UNEXPECTED approval of the drifted model")
        except GuardrailsError as refusal:
            lines.append("gate refused the drifted model on its evidence, failing rules: {}".format(
                ", ".join(_failing_rules(refusal))))
            lines.append("  " + str(refusal))
        try:
            macro("create-approved-bundle", datasets=metrics["retrained"], **gate_config)
            lines.append("gate: UNEXPECTED approval while the sign-off waits")
        except GuardrailsError as refusal:
            lines.append("gate refused the retrained model (its rules pass{}; the sign-off waits): {}".format(
                "" if not _failing_rules(refusal) else ", but NOT all: " + ", ".join(_failing_rules(refusal)),
                refusal))

        emu.state.set_signoff(MODEL_VERSION_ARTIFACT, "review", "APPROVED", approver="risk.officer",
                              comment="Drift and fairness evidence reviewed.")
        lines.append("Govern: model version sign-off on step 'review' approved by risk.officer (emulator state)")
        path = write("gate_approved.html", macro("create-approved-bundle", datasets=metrics["retrained"],
                                                 **gate_config))
        state = emu.state.snapshot()
        created = state["dss"]["projects"][PROJECT]["bundles"][-1]["bundleId"]
        lines.append("gate approved: bundle {} created, waiting for its Govern bundle review before "
                     "publication -> {}".format(created, path))
        governed = [a for a in state["govern"]["artifacts"].values() if a["fields"].get("bundle_id") == created]
        emu.state.set_signoff(governed[0]["fields"]["governed_by"], "review", "APPROVED", approver="deploy.manager")
        path = write("publish.html", macro("publish-approved-bundle"))
        published = [p["id"] for p in emu.state.snapshot()["dss"]["deployer"]["projects"][PROJECT]["packages"]]
        lines.append("Govern bundle review approved by deploy.manager; publish-approved-bundle: {} -> {}".format(
            "published to the Project Deployer" if created in published else "NOT published", path))
        record = emu.state.snapshot()["dss"]["projects"][PROJECT]["variables"]["local"][
            "model_guardrails_approvals"][created]
        with open(os.path.join(output_dir, "gate.json"), "w") as f:  # for the model-health report: the gate's record
            datasets = emu.state.snapshot()["dss"]["projects"][PROJECT]["datasets"]
            json.dump({"bundle_id": created, "approval": {
                "status": record["signoffStatus"], "approver": record["approver"], "step": record["signoffStep"],
                "approved_on": record["approvedOn"], "item": record["governedItem"]},
                "rules": record["rules"], "evidence": metrics["retrained"],
                "checks": [[r["name"], r["outcome"], r["message"]] for name in EVIDENCE
                           for r in datasets[name]["last_rules_results"]]}, f)

        lines.append("qualification rules recorded with the approval: {}".format(", ".join(
            "{} {}".format(r["rule"] + (" ({})".format(r["subject"]) if r["subject"] else ""), r["status"])
            for r in record["rules"])))

        path = write("prune_dry_run.html", macro("prune-bundles", keep=2))
        lines.append("prune (dry run, keep 2): nothing deleted -> {}".format(path))
        before = [b["bundleId"] for b in emu.state.snapshot()["dss"]["projects"][PROJECT]["bundles"]]
        path = write("prune.html", macro("prune-bundles", keep=2, dry_run=False))
        after = [b["bundleId"] for b in emu.state.snapshot()["dss"]["projects"][PROJECT]["bundles"]]
        lines.append("prune (keep 2): deleted {}; kept {} (v0.1 is deployed) -> {}".format(
            ", ".join(sorted(set(before) - set(after))) or "nothing", ", ".join(after), path))

        html = macro("governance-status")
        path = write("governance_status.html", html)
        flagged = html.count("WITHOUT APPROVAL</td>")
        lines.append("governance status: {} bundle(s) flagged published/deployed without approval -> {}".format(
            flagged, path))
        lines += stage_deploy.run(emu, macro, write, lambda version: macro(
            "create-approved-bundle", datasets=metrics["retrained"], **dict(gate_config, version=version)), created,
            DSS_KEY)
        if then is not None:  # the next stage, on this emulator (make demo: the status publication)
            lines += then(emu)
        audit = emu.state.snapshot()["dss"]["audit"]
        lines.append("audit: {} entries in the DSS audit trail (customMsgType model-guardrails-gate)".format(
            len(audit)))
    return lines


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "demo", "output", "gate")
    for line in run(out):
        print(line)

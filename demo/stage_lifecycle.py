"""Demo stage after the gate (issue 18): the production model monitored and its status published.

    python demo/stage_lifecycle.py [OUTPUT_DIR]

``run(output_dir, data, emu=None)``: without ``emu`` it starts its own emulator; with one (the gate
stage's, called last by ``make demo``, after the rollback) it adds the store to that emulator's state
and publishes the status of the deployments already there.

Starts the emulator with the project's approved bundle deployed on the Project Deployer's production
infrastructure and a Model Evaluation Store ``fraud_monitoring``. The monitoring recipes run on the
drifted current period as a scheduled scenario would (compute-drift, compute-fairness, evaluate-model
with the model's reference period as baseline), each adding its run's headline metrics to the store as
a custom model evaluation linked to saved model version fraud_model/v2; then publish-model-status
publishes the production deployment's drift, fairness, performance and approval to Govern. The
returned lines summarise what happened and what the emulator's state holds."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (os.path.join(ROOT, "python-lib"), ROOT, os.path.join(ROOT, "demo")):
    if path not in sys.path:
        sys.path.insert(0, path)

from dss_local.emulator import Emulator, demo_state  # noqa: E402
from dss_local.emulator.state import MODEL_ID, MODEL_VERSION, sync_bundle  # noqa: E402
from dss_local.macro import run_macro  # noqa: E402
from dss_local.runtime import run_recipe  # noqa: E402
from model_guardrails.errors import GuardrailsError  # noqa: E402
from model_guardrails.gate import model_status  # noqa: E402
from stage_gate import DRIFT, DSS_KEY, EVIDENCE, FAIRNESS, GOVERN_KEY, PERFORMANCE, PROJECT  # noqa: E402

STORE = "fraud_monitoring"
BUNDLE = "FRAUD_DETECTION-v1.0-approved"
DEPLOYMENT = "fraud-detection-prod"
MES = dict(evaluation_store_id=STORE, evaluation_saved_model=MODEL_ID, evaluation_model_version=MODEL_VERSION)


def production_state():
    """The demo project with its approved bundle published and deployed to production (Govern bundle
    review APPROVED), a staging deployment of the same bundle, and an empty Model Evaluation Store."""
    state = demo_state(PROJECT, DSS_KEY, GOVERN_KEY)
    state["dss"]["projects"][PROJECT]["bundles"].append({"bundleId": BUNDLE, "state": "BUILT"})
    deploy(state, BUNDLE)
    sync_bundle(state, PROJECT, BUNDLE, status="APPROVED")
    return state


def add_store(doc):
    """Add the (empty) Model Evaluation Store to an emulator state ``doc``."""
    project = doc["dss"]["projects"][PROJECT]
    project.setdefault("evaluation_stores", {}).setdefault(STORE, {"name": "Fraud monitoring", "evaluations": []})
    return doc


def deploy(doc, bundle_id):
    """Add to an emulator state ``doc``: the Model Evaluation Store, ``bundle_id`` published on the
    Project Deployer, the production and staging infrastructures and one deployment of the bundle on
    each (what exists already is kept; the bundle's Govern item is the caller's)."""
    add_store(doc)
    deployer = doc["dss"]["deployer"]
    packages = deployer["projects"].setdefault(PROJECT, {"packages": []})["packages"]
    if not any(p.get("id") == bundle_id for p in packages):
        packages.append({"id": bundle_id})
    deployer["infras"].setdefault("production", {"stage": "Production", "governCheckPolicy": "PREVENT"})
    deployer["infras"].setdefault("staging", {"stage": "Test"})
    deployer["deployments"].update({
        DEPLOYMENT: {"publishedProjectKey": PROJECT, "infraId": "production", "bundleId": bundle_id},
        "fraud-detection-staging": {"publishedProjectKey": PROJECT, "infraId": "staging", "bundleId": bundle_id}})
    return doc


def _monitor(emu, data, folder):
    """The scheduled monitoring run: the three metrics datasets, each run added to the store."""
    paths = {name: os.path.join(folder, name + ".csv") for name in EVIDENCE}
    baseline = os.path.join(folder, "performance_baseline.csv")
    remote = dict(dss_url=emu.url, dss_api_key=DSS_KEY, project_key=PROJECT)
    run_recipe("compute-drift", [("reference", data["reference"]), ("current", data["current"])],
               [("metrics", paths["drift_metrics"])], config=dict(DRIFT, **MES), **remote)
    run_recipe("compute-fairness", [("scored", data["current"]), ("reference", data["reference"])],
               [("metrics", paths["fairness_metrics"])], config=dict(FAIRNESS, **MES), **remote)
    run_recipe("evaluate-model", [("scored", data["reference"])], [("metrics", baseline)], config=PERFORMANCE)
    run_recipe("evaluate-model", [("scored", data["current"]), ("baseline", baseline)],
               [("metrics", paths["performance_metrics"])], config=dict(PERFORMANCE, **MES), **remote)
    return paths


SHOWN = {"compute-drift": ("max_ks_statistic", "max_drift_score", "drift_share"),
         "compute-fairness": ("min_disparate_impact",), "evaluate-model": ("roc_auc",)}


def run(output_dir, data=None, emu=None):
    """The stage's lines; on its own emulator (the approved bundle deployed to production and
    staging), or on ``emu``, an emulator already running with its deployments (the gate stage's,
    after its rollback), to which only the store is added."""
    from demo import make_data

    os.makedirs(output_dir, exist_ok=True)
    data = data or make_data.write(os.path.join(output_dir, "data"))
    if emu is None:
        with Emulator(production_state()) as own:
            return _run(own, data, output_dir)
    emu.state.update(add_store)
    return _run(emu, data, output_dir)


def _run(emu, data, output_dir):
    lines = []
    paths = _monitor(emu, data, output_dir)
    stored = emu.state.snapshot()["dss"]["projects"][PROJECT]["evaluation_stores"][STORE]["evaluations"]
    for evaluation in stored:
        labels = {lb["key"]: lb["value"] for lb in evaluation["userMeta"]["labels"]}
        recipe = labels["custom:guardrails_recipe"]
        lines.append("MES {}: {} added {} ({}; rule {}; model {}; verdict {})".format(
            STORE, recipe, evaluation["ref"]["evaluationId"], ", ".join(
                "{}={:.4f}".format(code, evaluation["metrics"][code]) for code in SHOWN[recipe]
                if code in evaluation["metrics"]), labels["custom:guardrails_decision_rule"],
            evaluation["modelRef"]["fullId"], labels["custom:guardrails_worst_status"]))
    config = {"govern_connection": {"govern_url": emu.url, "api_key": GOVERN_KEY, "timeout_seconds": 10},
              "evidence_datasets": list(EVIDENCE)}
    try:
        html = run_macro("publish-model-status", PROJECT, config=config, dss_url=emu.url, dss_api_key=DSS_KEY,
                         plugin_dir=ROOT, datasets=paths)
        path = os.path.join(output_dir, "model_status.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)
        outcome = "-> " + path
    except GuardrailsError as err:  # a publication that failed: said, never hidden
        outcome = "FAILED: {}".format(err)
    state = emu.state.snapshot()
    entries = [e["customMsgParams"] for e in state["govern"]["audit"]
               if e["customMsgType"] == model_status.AUDIT_TYPE]
    for entry in entries:
        lines.append("publish-model-status: {} ({} stage, bundle {}) {}: drift {}, fairness {}, performance {}, "
                     "approval {}".format(entry["deploymentId"], entry["stage"], entry["bundleId"],
                                          entry["overall"], entry["drift"], entry["fairness"],
                                          entry["performance"], entry["approval"]))
    lines.append("publish-model-status {}".format(outcome))
    lines.append("emulator state: {} evaluations in Model Evaluation Store {}; {} Govern audit entries "
                 "(customMsgType {}); {} DSS audit entries".format(
                     len(stored), STORE, len(entries), model_status.AUDIT_TYPE, len(state["dss"]["audit"])))
    return lines


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "demo", "output", "lifecycle")
    for line in run(out):
        print(line)

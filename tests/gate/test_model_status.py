"""publish-model-status (issue 18 item 4): the real runnable.py through the local runtime, the real
dataikuapi client over HTTP against the emulator, for each path: published statuses, a deployment not
in production, an unknown deployment, unreadable evidence, Govern down, a Govern field write refused."""
import pytest

from dss_local.emulator.state import sync_bundle
from gate_fixtures import DSS_KEY, GOVERN_KEY, PROJECT, all_logs, connection, emu  # noqa: F401  (fixtures)
from dss_local.macro import run_macro
from model_guardrails import gate
from model_guardrails.gate import model_status as ms

pytestmark = pytest.mark.client_matrix
EVIDENCE = ("drift_metrics", "fairness_metrics", "performance_metrics")


@pytest.fixture(scope="module")
def metrics(tmp_path_factory):
    from demo.stage_gate import evidence

    return evidence(str(tmp_path_factory.mktemp("status")), rows=3000)


def deployed(emu, approved=True):
    """Bundle b1 published and deployed on a Production and a Development infrastructure; its Govern
    bundle review APPROVED (or NOT_STARTED)."""
    def change(doc):
        project = doc["dss"]["projects"][PROJECT]
        project["bundles"].append({"bundleId": "b1", "state": "BUILT"})
        deployer = doc["dss"]["deployer"]
        deployer["projects"][PROJECT] = {"packages": [{"id": "b1"}]}
        deployer["infras"].update({"prod": {"stage": "Production"}, "dev": {"stage": "Development"}})
        deployer["deployments"].update({
            "fraud-prod": {"publishedProjectKey": PROJECT, "infraId": "prod", "bundleId": "b1"},
            "fraud-dev": {"publishedProjectKey": PROJECT, "infraId": "dev", "bundleId": "b1"}})
        sync_bundle(doc, PROJECT, "b1", status="APPROVED" if approved else "NOT_STARTED")
    emu.state.update(change)


def publish(emu, metrics=None, **config):
    config.setdefault("govern_connection", connection(emu))
    config.setdefault("evidence_datasets", list(EVIDENCE))
    return run_macro("publish-model-status", PROJECT, config=config, dss_url=emu.url, dss_api_key=DSS_KEY,
                     datasets=metrics)


def status_entries(emu):
    return [e for e in emu.state.snapshot()["govern"]["audit"] if e["customMsgType"] == ms.AUDIT_TYPE]


def test_each_production_deployment_is_published_with_the_gates_judgement(emu, metrics, all_logs):
    deployed(emu)
    html = publish(emu, metrics["retrained"])
    entries = status_entries(emu)
    assert [e["customMsgParams"]["deploymentId"] for e in entries] == ["fraud-prod"]  # not fraud-dev
    entry = entries[0]["customMsgParams"]
    assert entry["approval"] == ms.APPROVED and entry["bundleId"] == "b1" and entry["stage"] == "Production"
    assert entry["drift"] == ms.OK and entry["performance"] == ms.OK
    assert entry["overall"] == max((entry[k] for k in ms.KINDS), key=ms.RANK.get)
    assert "fraud-dev" in html and "Development" in html and "Model status of " + PROJECT in html
    assert GOVERN_KEY not in html and GOVERN_KEY not in all_logs.text and GOVERN_KEY not in str(entries)


@pytest.mark.parametrize("model", ["retrained", "drifted"])
def test_one_truth_with_the_gate(emu, metrics, model):
    """What the status publishes for each metrics dataset is what create-approved-bundle's evidence
    rule decides on the same dataset: ERROR exactly where the gate FAILs it (the drifted model fails
    at least one kind, so the comparison is not between two empty sets)."""
    from gate_fixtures import EVIDENCE_POLICY, run

    deployed(emu)
    publish(emu, metrics[model])
    entry = status_entries(emu)[0]["customMsgParams"]
    emu.state.set_signoff("ar.6", "review", "APPROVED", approver="risk.officer")
    try:
        run(emu, evidence_datasets=list(EVIDENCE), datasets=metrics[model], policy=EVIDENCE_POLICY, dry_run=True)
        failing = set()
    except gate.GateRefused as refusal:
        failing = {kind for kind in ms.KINDS if "evidence ({}_metrics) FAIL".format(kind) in str(refusal)}
    assert failing == {kind for kind in ms.KINDS if entry[kind] == ms.ERROR}
    if model == "drifted":
        assert failing


def test_the_drifted_model_is_published_as_error_with_the_same_rows_the_gate_fails(emu, metrics):
    deployed(emu)
    publish(emu, metrics["drifted"])
    entry = status_entries(emu)[0]["customMsgParams"]
    assert entry["drift"] == ms.ERROR and entry["overall"] == ms.ERROR
    assert "drift_metrics" in entry["driftDetail"]


def test_an_unapproved_bundle_is_error_never_ok(emu, metrics):
    deployed(emu, approved=False)
    publish(emu, metrics["retrained"])
    entry = status_entries(emu)[0]["customMsgParams"]
    assert entry["approval"] == ms.NOT_APPROVED and entry["overall"] == ms.ERROR


def test_unreadable_evidence_is_unknown(emu, metrics):
    deployed(emu)
    publish(emu, {"drift_metrics": metrics["retrained"]["drift_metrics"]})  # the two others not readable
    entry = status_entries(emu)[0]["customMsgParams"]
    assert entry["overall"] == ms.UNKNOWN
    assert ms.UNKNOWN in (entry["fairness"], entry["performance"])


def test_a_fourth_named_dataset_not_readable_makes_every_kind_unknown(emu, metrics):
    deployed(emu)
    publish(emu, metrics["retrained"], evidence_datasets=list(EVIDENCE) + ["old_metrics"])  # not readable
    entry = status_entries(emu)[0]["customMsgParams"]
    assert entry["overall"] == ms.UNKNOWN and all(entry[k] == ms.UNKNOWN for k in ms.KINDS)
    assert "old_metrics" in entry["driftDetail"]


def test_evidence_older_than_the_limit_is_unknown(emu, metrics):
    deployed(emu)
    publish(emu, metrics["retrained"], max_evidence_age_hours=0.0001)  # the runs are seconds to minutes old
    entry = status_entries(emu)[0]["customMsgParams"]
    assert all(entry[k] == ms.UNKNOWN for k in ms.KINDS) and "max_evidence_age_hours" in entry["performanceDetail"]


def test_stage_from_the_listing_when_infra_settings_are_forbidden(emu, metrics):
    deployed(emu)
    emu.state.add_fault(node="dss", method="GET", path=r"/project-deployer/infras/[^/]+/settings", status=403,
                        body={"errorType": "com.dataiku.dip.exceptions.UnauthorizedException",
                              "message": "You may not administer this infrastructure"})
    publish(emu, metrics["retrained"])
    entries = [e["customMsgParams"] for e in status_entries(emu)]
    assert [e["deploymentId"] for e in entries] == ["fraud-prod"] and entries[0]["stage"] == "Production"
    assert entries[0]["overall"] != ms.UNKNOWN


def test_deployer_errors_refuse_never_publish_no_deployment(emu, metrics):
    deployed(emu)
    emu.state.add_fault(node="dss", method="GET", path=r"/project-deployer/projects/[^/]+$", status=500,
                        body={"errorType": "java.lang.IllegalStateException", "message": "boom"})
    with pytest.raises(gate.GateError):
        publish(emu, metrics["retrained"])
    assert status_entries(emu) == []


def test_a_deployer_404_while_bundles_say_published_refuses(emu, metrics):
    deployed(emu)
    emu.state.update(lambda doc: doc["dss"]["projects"][PROJECT]["bundles"][-1].__setitem__(
        "publishedBundleState", {"publishedOn": 1767225600000, "publishedBy": "admin"}))
    emu.state.update(lambda doc: doc["dss"]["deployer"]["projects"].pop(PROJECT))
    with pytest.raises(gate.GateError, match="say they were published"):
        publish(emu, metrics["retrained"])
    assert status_entries(emu) == []


def test_approval_record_or_govern_project_not_read(emu, metrics):
    deployed(emu, approved=False)  # Govern: NOT_STARTED, so only the gate's record could approve it
    emu.state.add_fault(node="dss", method="GET", path=r"/projects/[^/]+/variables", status=500,
                        body={"errorType": "java.lang.IllegalStateException", "message": "variables down"})
    publish(emu, metrics["retrained"])
    entry = status_entries(emu)[0]["customMsgParams"]
    assert entry["approval"] == ms.UNKNOWN and "gate approval record not read" in entry["approvalDetail"]
    emu.state.clear_faults()
    deployed(emu)  # Govern: APPROVED, but the project and bundle lookups fail below
    emu.state.add_fault(node="govern", method="POST", path=r"/artifacts/search", status=500, body="search down")
    publish(emu, metrics["retrained"])
    entry = status_entries(emu)[-1]["customMsgParams"]
    assert entry["approval"] == ms.UNKNOWN and entry["overall"] == ms.UNKNOWN


def test_unknown_deployment_is_unknown(emu, metrics):
    deployed(emu)
    emu.state.update(lambda doc: doc["dss"]["deployer"]["deployments"].pop("fraud-prod"))
    emu.state.update(lambda doc: doc["dss"]["deployer"]["deployments"].__setitem__(
        "fraud-prod", {"publishedProjectKey": PROJECT, "infraId": "prod"}))  # listed, settings read below fail
    emu.state.add_fault(node="dss", method="GET", path=r"/project-deployer/deployments/fraud-prod/settings",
                        status=404, body={"errorType": "com.dataiku.dip.exceptions.NotFoundException",
                                          "message": "Deployment fraud-prod not found"})
    publish(emu, metrics["retrained"])
    entry = status_entries(emu)[0]["customMsgParams"]
    assert entry["overall"] == ms.UNKNOWN and all(entry[k] == ms.UNKNOWN for k in ms.KINDS + ("approval",))
    assert "not found" in entry["approvalDetail"].lower()


def test_govern_down_fails_the_macro_and_says_what_was_not_published(emu, metrics, all_logs):
    deployed(emu)
    emu.state.add_fault(node="govern", status=503, body="down")
    with pytest.raises(gate.GateError) as err:
        publish(emu, metrics["retrained"])
    text = str(err.value)
    assert "fraud-prod" in text and "not fully published" in text and "audit entry not written" in text
    assert "fraud-prod UNKNOWN" in text  # the approval could not be read from Govern: never OK
    assert status_entries(emu) == []
    assert GOVERN_KEY not in text and GOVERN_KEY not in all_logs.text


def _bundle_items(emu):
    return [a for a in emu.state.snapshot()["govern"]["artifacts"].values()
            if a["blueprintVersionId"]["blueprintId"] == "bp.system.govern_bundle"]


def test_status_field_of_the_govern_bundle_item(emu, metrics):
    deployed(emu)
    html = publish(emu, metrics["retrained"], govern_status_field="model_status")  # dry run by default
    assert "model_status" not in _bundle_items(emu)[0]["fields"] and "NOT written (dry run" in html
    assert len(status_entries(emu)) == 1  # the audit entry is published in a dry run too
    with pytest.raises(gate.GateError, match="field model_status of the Govern bundle item not written"):
        publish(emu, metrics["retrained"], govern_status_field="model_status", dry_run=False)  # not in the blueprint
    emu.state.update(lambda doc: doc["govern"]["blueprint_fields"]["bp.system.govern_bundle"].append("model_status"))
    publish(emu, metrics["retrained"], govern_status_field="model_status", dry_run=False)  # a custom field added
    items = _bundle_items(emu)
    assert items[0]["fields"]["model_status"].startswith(status_entries(emu)[-1]["customMsgParams"]["overall"])


def test_no_deployment_publishes_nothing(emu):
    html = publish(emu)
    assert "NO PRODUCTION DEPLOYMENT" in html and status_entries(emu) == []


def test_an_infrastructure_whose_stage_cannot_be_read_keeps_its_deployment_as_unknown(emu, metrics):
    deployed(emu)
    emu.state.update(lambda doc: doc["dss"]["deployer"]["infras"]["dev"].pop("stage"))
    publish(emu, metrics["retrained"])
    entries = {e["customMsgParams"]["deploymentId"]: e["customMsgParams"] for e in status_entries(emu)}
    assert entries["fraud-dev"]["overall"] == ms.UNKNOWN and "name no stage" in entries["fraud-dev"]["driftDetail"]
    assert entries["fraud-prod"]["overall"] != ms.UNKNOWN

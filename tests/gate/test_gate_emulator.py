"""Every decision path of the gate macros, running the real runnable.py files through dss_local
against the emulator over loopback HTTP with the real dataikuapi client.

Each refusal proves: the macro raised (so a scenario step fails), no bundle was created, an audit
entry records the decision, and the Govern API key is nowhere in logs, errors, results or audit."""
import html
import json
import socket
from urllib.parse import quote, quote_plus

import dataikuapi
import pandas as pd
import pytest
from dataikuapi.utils import DataikuException

from dss_local.emulator import signoff
from dss_local.emulator.state import MODEL_VERSION_ARTIFACT
from dss_local.macro import run_project_standards_check
from gate_fixtures import (DSS_KEY, EVIDENCE_POLICY, GOVERN_KEY, OPEN_POLICY, PROJECT, all_logs, audit, bundles,  # noqa: F401
                           connection, emu, plugin_policy, run)
from dku_guardrails.gate.dss_gateway import accepts
from model_guardrails import gate
from model_guardrails.gate import ledger
from model_guardrails.errors import GuardrailsError

pytestmark = pytest.mark.client_matrix

ERROR_500_HTML = "<html><body><h1>HTTP ERROR 500</h1></body></html>"


def assert_no_secret(emu, logs, *texts):
    everything = [logs.text, json.dumps(emu.state.snapshot()["dss"]["audit"]),
                  json.dumps(emu.state.snapshot()["govern"]["audit"])] + [str(t) for t in texts]
    forms = {GOVERN_KEY, html.escape(GOVERN_KEY), html.escape(GOVERN_KEY, quote=False), quote(GOVERN_KEY, safe=""),
             quote_plus(GOVERN_KEY)}
    for text in everything:
        for form in forms:
            assert form not in text


def refused(emu, logs, code, **config):
    with pytest.raises(GuardrailsError) as err:
        run(emu, **config)
    assert bundles(emu) == [], "a bundle was created on refusal"
    entries = audit(emu)
    assert entries and entries[-1]["decision"] == "REFUSE" and entries[-1]["code"] == code, entries
    assert entries[-1]["reason"] and entries[-1]["actor"] == "data.scientist"
    assert_no_secret(emu, logs, err.value, err.value.__cause__, err.value.__context__)
    return str(err.value)


MODEL_VERSION = "saved model version FRAUD_DETECTION.fraud_model/v2"
# What the dataikuapi under test can do (the client matrix runs these tests with each DSS line's client).
RELEASE_NOTES = accepts(dataikuapi.dss.project.DSSProject.export_bundle, "release_notes")
GOVERN_CLIENT_FROM_DSS = hasattr(dataikuapi.DSSClient, "get_govern_client")


def approve(emu, final="APPROVED"):
    emu.state.set_signoff(MODEL_VERSION_ARTIFACT, "review", "APPROVED", approver="risk.officer", comment="fine",
                          final_status=final)


def records(emu):
    local = emu.state.snapshot()["dss"]["projects"][PROJECT]["variables"]["local"]
    return local.get(ledger.VARIABLE, {})


def govern_bundle(emu, bundle_id):
    """The Govern bundle the emulator's sync created for ``bundle_id``."""
    artifacts = emu.state.snapshot()["govern"]["artifacts"].values()
    (item,) = [a for a in artifacts if a["fields"].get(gate.FIELD_BUNDLE_ID) == bundle_id]
    return item["fields"]["governed_by"]


# -- approve --------------------------------------------------------------------------------

def test_standard_templates_model_version_approves_bundle_review_publishes(emu, all_logs):
    """Issue 10: creation gated on the Govern model version, publication on the Govern bundle."""
    approve(emu)
    html = run(emu, publish=True, release_notes="Quarterly retrain")
    state = emu.state.snapshot()
    (bundle,) = state["dss"]["projects"][PROJECT]["bundles"]
    bundle_id = bundle["bundleId"]
    assert bundle_id.startswith("FRAUD_DETECTION-v1.0-approved-")
    assert "CREATED, WAITING FOR GOVERN REVIEW" in html and "NOT_STARTED" in html
    assert PROJECT not in state["dss"]["deployer"]["projects"]  # nothing published while the review waits
    record = records(emu)[bundle_id]
    assert (record["state"], record["approver"], record["governArtifactId"]) == ("exported", "risk.officer", "ar.6")
    assert record["publication"]["status"] == ledger.WAITING_FOR_REVIEW
    decision, outcome = audit(emu)
    assert (decision["decision"], decision["approver"], decision["bundleId"]) == ("APPROVE", "risk.officer", bundle_id)
    assert outcome["action"] == "exported"
    with pytest.raises(GuardrailsError, match="Publication of bundle .* refused: .*NOT_STARTED"):
        run(emu, "publish-approved-bundle")
    emu.state.set_signoff(govern_bundle(emu, bundle_id), "review", "APPROVED", approver="deploy.manager")
    html = run(emu, "publish-approved-bundle")
    state = emu.state.snapshot()
    assert [p["id"] for p in state["dss"]["deployer"]["projects"][PROJECT]["packages"]] == [bundle_id]
    assert "PUBLISHED" in html and records(emu)[bundle_id]["publication"]["status"] == ledger.PUBLISHED
    assert audit(emu)[-1]["action"] == "published"
    with pytest.raises(GuardrailsError, match="no bundle created by create-approved-bundle waits"):
        run(emu, "publish-approved-bundle")
    assert_no_secret(emu, all_logs, html)


def test_bundle_approved_at_sync_is_published_at_once(emu, all_logs):
    approve(emu)
    emu.state.update(lambda d: d["govern"].__setitem__("new_bundle_signoff", "APPROVED"))
    html = run(emu, publish=True, release_notes="Quarterly retrain")
    state = emu.state.snapshot()
    (bundle,) = state["dss"]["projects"][PROJECT]["bundles"]
    notes = bundle["exportManifest"]["exportUserInfo"]["releaseNotes"]
    if RELEASE_NOTES:  # DSS 13.2+ (client 13.2.1): attached; before: kept in the record, said in the result
        # the gate's mark first (review finding 8: notes cut from the end keep it), the user's notes last
        assert notes.startswith("Approved by the model-guardrails gate on") and notes.endswith("Quarterly retrain")
        assert "risk.officer" in notes
    else:
        assert notes == "" and "Release notes not attached" in html and "DSS 13.2 or later" in html
    assert bundle["exportManifest"]["projectStandardsSkipped"] is False
    assert [p["id"] for p in state["dss"]["deployer"]["projects"][PROJECT]["packages"]] == [bundle["bundleId"]]
    assert audit(emu)[-1]["action"] == "published"
    assert 'class="mg-gate"' in html and "APPROVED" in html and bundle["bundleId"] in html
    assert_no_secret(emu, all_logs, html)


def test_publish_refuses_a_bundle_the_gate_did_not_create(emu, all_logs):
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["bundles"].append(
        {"bundleId": "manual", "exportManifest": {"exportUserInfo": {"exportedOn": 1}}}))
    with pytest.raises(GuardrailsError, match="was not created by create-approved-bundle"):
        run(emu, "publish-approved-bundle", bundle_id="manual")
    assert PROJECT not in emu.state.snapshot()["dss"]["deployer"]["projects"]


def test_dry_run_decides_and_audits_without_creating(emu, all_logs):
    approve(emu)
    html = run(emu, dry_run=True, publish=True)
    assert bundles(emu) == [] and "DRY RUN" in html
    assert audit(emu)[-1]["action"] == "dry-run decision"


def test_collision_with_an_existing_bundle_refuses(emu, all_logs):
    approve(emu)
    run(emu)
    with pytest.raises(gate.GateRefused, match="already exists") as err:
        run(emu)
    assert len(bundles(emu)) == 1 and audit(emu)[-1]["code"] == gate.REFUSE_BUNDLE_ID
    assert_no_secret(emu, all_logs, err.value)


def test_final_approval_can_be_waived(emu, all_logs):
    emu.state.update(lambda d: d["govern"]["signoffs"]["ar.6"].__setitem__("review", signoff("APPROVED")))
    refused(emu, all_logs, gate.REFUSE_FINAL)
    run(emu, require_final_approval=False)
    assert len(bundles(emu)) == 1


# -- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["NOT_STARTED", "WAITING_FOR_FEEDBACK", "WAITING_FOR_APPROVAL", "REJECTED",
                                    "ABANDONED"])
def test_each_non_approved_status_refuses(emu, all_logs, status):
    emu.state.set_signoff("ar.6", "review", status, approver="risk.officer" if status == "REJECTED" else None)
    message = refused(emu, all_logs, gate.REFUSE_STATUS)
    assert "step 'review' of {} is {}".format(MODEL_VERSION, status) in message


def test_final_approval_missing(emu, all_logs):
    approve(emu, final="REJECTED")
    assert "final approver response of REJECTED" in refused(emu, all_logs, gate.REFUSE_FINAL)


def test_not_governed(emu, all_logs):
    emu.state.update(lambda d: d["govern"]["artifacts"]["ar.5"]["fields"].pop("governed_by"))
    assert "is not governed" in refused(emu, all_logs, gate.REFUSE_NOT_GOVERNED)


def test_model_version_not_in_govern(emu, all_logs):
    emu.state.update(lambda d: d["govern"]["artifacts"]["ar.5"].__setitem__("archived", True))
    assert "not synced" in refused(emu, all_logs, gate.REFUSE_NOT_FOUND)


def test_govern_artifact_missing(emu, all_logs):
    emu.state.update(lambda d: d["govern"]["artifacts"].pop("ar.6"))
    assert "Artifact not found: ar.6" in refused(emu, all_logs, gate.REFUSE_NOT_FOUND)


def test_no_signoff_on_the_step(emu, all_logs):
    message = refused(emu, all_logs, gate.REFUSE_NO_SIGNOFF, signoff_step="qualification")
    assert "no sign-off on step 'qualification'" in message and "its sign-offs are on step(s) review" in message


def test_a_standard_govern_project_has_no_signoff_and_refuses(emu, all_logs):
    """Issue 10: a Govern project of the standard template has steps but no sign-off."""
    message = refused(emu, all_logs, gate.REFUSE_NO_SIGNOFF, governed_item="project")
    assert "Govern project 'Fraud detection' (ar.2) has no sign-off in its Govern template" in message


def test_a_custom_project_template_with_a_signoff_is_used_when_asked(emu, all_logs):
    emu.state.set_signoff("ar.2", "validation", "APPROVED", approver="risk.officer")
    html = run(emu, governed_item="project")
    assert len(bundles(emu)) == 1 and "validation" in html


def test_signoff_steps_are_discovered_in_both_shapes(emu, all_logs):
    """Before Govern 12.2, sign-off list items carried stepId; after, signoffId.stepId."""
    approve(emu)
    emu.state.update(lambda d: d["govern"].__setitem__("signoff_shape", "before-12.2"))
    run(emu)
    assert len(bundles(emu)) == 1


def test_every_signoff_of_a_template_with_two_must_approve(emu, all_logs):
    approve(emu)
    emu.state.set_signoff("ar.6", "compliance", "WAITING_FOR_APPROVAL")
    message = refused(emu, all_logs, gate.REFUSE_STATUS)
    assert "1 of the 2 sign-offs" in message and "compliance" in message


def test_the_only_saved_model_is_found_and_several_must_be_chosen(emu, all_logs):
    approve(emu)
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["saved_models"].__setitem__(
        "churn_model", {"versions": [{"id": "v1", "active": True}]}))
    assert "choose the one whose version is governed" in refused(emu, all_logs, gate.REFUSE_AMBIGUOUS)
    run(emu, saved_model_id="fraud_model")
    assert len(bundles(emu)) == 1


def test_bad_govern_key_401(emu, all_logs):
    approve(emu)
    message = refused(emu, all_logs, gate.REFUSE_AUTH,
                      govern_connection=connection(emu, api_key="wrong-" + GOVERN_KEY))
    assert "Govern rejected the API key" in message and "Unknown API Key" in message
    assert ("wrong-" + GOVERN_KEY) not in message


def test_forbidden_403(emu, all_logs):
    approve(emu)
    emu.state.add_fault(node="govern", path=r"^/artifacts/search$", status=403,
                        body={"errorType": "com.dataiku.dip.exceptions.UnauthorizedException",
                              "message": "Not allowed to read artifacts"})
    assert "refused access" in refused(emu, all_logs, gate.REFUSE_FORBIDDEN)


def test_server_error_500_with_html_body(emu, all_logs):
    approve(emu)
    emu.state.add_fault(node="govern", path="/signoff$", status=500, body=ERROR_500_HTML)
    assert "Unknown error" in refused(emu, all_logs, gate.REFUSE_SERVER)


def test_timeout(emu, all_logs):
    approve(emu)
    emu.state.add_fault(node="govern", path="/signoff$", delay=3)
    message = refused(emu, all_logs, gate.REFUSE_TIMEOUT,
                      govern_connection=connection(emu, timeout_seconds=0.3))
    assert "did not answer in time" in message


def test_connection_refused(emu, all_logs):
    approve(emu)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    message = refused(emu, all_logs, gate.REFUSE_UNREACHABLE,
                      govern_connection=connection(emu, govern_url="http://127.0.0.1:{}".format(closed_port)))
    assert "unreachable" in message


@pytest.mark.parametrize("body", ["{not json", ""])
def test_malformed_json(emu, all_logs, body):
    approve(emu)
    emu.state.add_fault(node="govern", path="/signoff$", status=200, body=body, content_type="application/json")
    refused(emu, all_logs, gate.REFUSE_MALFORMED)


def test_signoff_answer_without_status(emu, all_logs):
    emu.state.add_fault(node="govern", path="/signoff$", status=200, body={"approverResponse": {"status": "APPROVED"}})
    refused(emu, all_logs, gate.REFUSE_MALFORMED)


@pytest.mark.parametrize("outcome", ["EMPTY", "FAILED", "SKIPPED"])
def test_evidence_outcome_that_is_not_ok_or_warning_refuses(emu, all_logs, outcome):
    """Issue 11 item 2: before the fix only ERROR, empty or null refused."""
    approve(emu)
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["datasets"].update({
        "drift_metrics": {"last_rules_results": [{"id": "r1", "name": "drift-check", "outcome": outcome}]}}))
    message = refused(emu, all_logs, gate.REFUSE_EVIDENCE, evidence_datasets=["drift_metrics"],
                      policy=EVIDENCE_POLICY)
    assert "dataset drift_metrics: rule 'drift-check' outcome " + outcome in message


def test_evidence_dataset_in_error_refuses(emu, all_logs, tmp_path):
    approve(emu)
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["datasets"].update({
        "drift_metrics": {"last_rules_results": [{"id": "r1", "name": "drift-check", "outcome": "ERROR",
                                                  "message": "3/25 features drifted"}]},
        "fairness_metrics": {"last_rules_results": [{"id": "r2", "name": "fairness-check", "outcome": "OK"}]}}))
    message = refused(emu, all_logs, gate.REFUSE_EVIDENCE, evidence_datasets=["drift_metrics", "fairness_metrics"],
                      policy=EVIDENCE_POLICY)
    assert "3/25 features drifted" in message
    # coverage restored (review finding 12): the same project approves once the evidence named passes
    # (rows now readable: issue 17 judges them, not only the stored outcome)
    fairness = tmp_path / "fairness_metrics.csv"
    pd.DataFrame([{"run_id": "r1", "run_time": "2026-01-01T00:00:00Z", "attribute": "gender", "group": "__summary__",
                   "metric": "disparate_impact", "value": 0.95, "n": 1000, "direction": "below",
                   "warning_threshold": 0.9, "error_threshold": 0.8, "status": "OK", "reason": ""}]).to_csv(
        fairness, index=False)
    run(emu, evidence_datasets=["fairness_metrics"], datasets={"fairness_metrics": str(fairness)},
        policy=dict(EVIDENCE_POLICY, required_evidence=["fairness"]))
    assert len(bundles(emu)) == 1


def test_approval_report_shows_model_health_of_the_evidence(emu, all_logs, tmp_path, frames):
    from dss_local.runtime import run_recipe

    reference, _ = frames  # a current period like the reference: no drift, the evidence rule passes
    for name, frame in (("reference", reference), ("current", reference)):
        frame.to_csv(tmp_path / (name + ".csv"), index=False)
    drift_path = str(tmp_path / "drift_metrics.csv")
    run_recipe("compute-drift", [("reference", str(tmp_path / "reference.csv")),
                                 ("current", str(tmp_path / "current.csv"))], [("metrics", drift_path)])
    approve(emu)
    drift_only = dict(EVIDENCE_POLICY, required_evidence=["drift"])  # an admin's policy needing drift evidence only
    html = run(emu, evidence_datasets=["drift_metrics"], datasets={"drift_metrics": drift_path}, policy=drift_only)
    # dss-local macro --dataset: the emulator holds the dataset with its drift-check outcome, as DSS would
    (held,) = emu.state.snapshot()["dss"]["projects"][PROJECT]["datasets"]["drift_metrics"]["last_rules_results"]
    assert held["name"] == "drift-check" and held["outcome"] == "OK"
    assert "Model health" in html and "Qualification rules" in html and "drift-check" in html
    drift = pd.read_csv(drift_path)
    share = drift[drift.metric == "drift_share"].value.iloc[0]
    assert "{:.1%}".format(share) in html  # the drift share of the evidence dataset's latest run
    assert len(bundles(emu)) == 1


def test_approval_report_shows_the_stored_warning_message(emu, all_logs, tmp_path, frames, monkeypatch):
    """Coverage restored (review finding 12): a stored WARNING outcome passes (WARNING evidence passes
    by default) and its message is shown on the model-health section of the approval page."""
    import dss_local.macro as local_macro
    from dss_local.runtime import run_recipe

    reference, _ = frames
    for name, frame in (("reference", reference), ("current", reference)):
        frame.to_csv(tmp_path / (name + ".csv"), index=False)
    drift_path = str(tmp_path / "drift_metrics.csv")
    run_recipe("compute-drift", [("reference", str(tmp_path / "reference.csv")),
                                 ("current", str(tmp_path / "current.csv"))], [("metrics", drift_path)])
    held = local_macro.hold_in_emulator

    def hold_then_warn(*args, **kwargs):  # the data-quality rule DSS ran last said WARNING
        out = held(*args, **kwargs)
        emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["datasets"]["drift_metrics"].__setitem__(
            "last_rules_results", [{"id": "r1", "name": "drift-check", "outcome": "WARNING",
                                    "message": "1/3 features drifted"}]))
        return out

    monkeypatch.setattr(local_macro, "hold_in_emulator", hold_then_warn)
    approve(emu)
    html = run(emu, evidence_datasets=["drift_metrics"], datasets={"drift_metrics": drift_path},
               policy=dict(EVIDENCE_POLICY, required_evidence=["drift"]))
    assert "Model health" in html and "drift-check" in html and "1/3 features drifted" in html
    assert len(bundles(emu)) == 1


def test_unreadable_evidence_dataset_refuses(emu, all_logs):
    """Issue 17: fail closed. Stored outcomes OK are not enough: rows that cannot be judged refuse."""
    approve(emu)
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["datasets"].update({
        "drift_metrics": {"last_rules_results": [{"id": "r1", "name": "drift-check", "outcome": "OK"}]}}))
    message = refused(emu, all_logs, gate.REFUSE_EVIDENCE, evidence_datasets=["drift_metrics"],
                      policy=EVIDENCE_POLICY)  # not readable through the internal API here
    assert "evidence (drift_metrics) FAIL: rows not read" in message


# -- audit ----------------------------------------------------------------------------------

def test_audit_falls_back_to_govern_then_blocks_when_nowhere(emu, all_logs):
    approve(emu)
    emu.state.update(lambda d: d["dss"].__setitem__("audit_requires_admin", True))
    html = run(emu, dry_run=True)
    assert "Govern audit trail" in html and audit(emu, "govern")[-1]["decision"] == "APPROVE"
    emu.state.add_fault(node="govern", path="^/admin/audit", status=403,
                        body={"errorType": "com.dataiku.dip.exceptions.UnauthorizedException", "message": "no"})
    with pytest.raises(gate.GateRefused, match="audit entry could not be written"):
        run(emu)
    assert bundles(emu) == []
    html = run(emu, audit_required=False)
    assert len(bundles(emu)) == 1 and "could not be written" in html
    assert_no_secret(emu, all_logs, html)


def test_publish_failure_after_export_is_reported_and_audited(emu, all_logs):
    approve(emu)
    emu.state.update(lambda d: d["govern"].__setitem__("new_bundle_signoff", "APPROVED"))
    emu.state.add_fault(node="dss", path="/publish$", status=500, body=ERROR_500_HTML)
    with pytest.raises(GuardrailsError, match="was exported, but publishing it to the Project Deployer failed"):
        run(emu, publish=True)
    assert len(bundles(emu)) == 1
    assert audit(emu)[-1]["action"] == "exported, publish failed"


def test_export_gets_its_own_timeout(emu, all_logs):
    """Issue 10: a slow export (2.5 s) succeeds under a 1 s request timeout when the export timeout allows it."""
    approve(emu)
    emu.state.add_fault(node="dss", method="PUT", path="/bundles/exported/", delay=2.5)
    run(emu, govern_connection=connection(emu, timeout_seconds=1), bundle_timeout_seconds=10)
    assert len(bundles(emu)) == 1


def test_no_bundle_without_its_approval_record(emu, all_logs):
    """The record is written before the export: if it cannot be written, nothing is created."""
    approve(emu)
    emu.state.add_fault(node="dss", method="PUT", path="/variables", status=500, body=ERROR_500_HTML, times=1)
    with pytest.raises(GuardrailsError, match="approval record could not be written.*nothing was created") as err:
        run(emu)
    assert bundles(emu) == [] and audit(emu)[-1]["action"] == "approval record not written"
    assert_no_secret(emu, all_logs, err.value)


def test_timed_out_export_says_whether_the_bundle_exists_and_keeps_it_protected(emu, all_logs):
    approve(emu)
    emu.state.add_fault(node="dss", method="PUT", path="/bundles/exported/", delay=2.5)
    with pytest.raises(GuardrailsError, match="did not answer in time.*the bundle may still appear") as err:
        run(emu, bundle_timeout_seconds=1, publish=True)
    assert_no_secret(emu, all_logs, err.value)
    (record,) = records(emu).values()
    assert record["state"] == ledger.EXPORTING and ledger.gate_approved(record)  # prune keeps it
    assert audit(emu)[-1]["action"] == "export failed"
    assert PROJECT not in emu.state.snapshot()["dss"]["deployer"]["projects"]


def test_long_release_notes_are_cut_to_fit_the_url(emu, all_logs):
    approve(emu)
    html = run(emu, release_notes="Änderung & Größe. " * 3000)
    (bundle,) = emu.state.snapshot()["dss"]["projects"][PROJECT]["bundles"]
    notes = bundle["exportManifest"]["exportUserInfo"]["releaseNotes"]
    if RELEASE_NOTES:
        assert "[Cut here" in notes and len(notes) < 6000
    assert "Release notes cut" in html or not RELEASE_NOTES


def test_a_key_in_govern_answers_or_parameters_is_redacted_everywhere(emu, all_logs):
    """Issue 11 item 3: on the approve path the HTML result and release notes carried a key echoed by
    Govern (an approver's comment here); a key in govern_url's query string was echoed in the error."""
    emu.state.set_signoff(MODEL_VERSION_ARTIFACT, "review", "APPROVED", approver="risk.officer",
                          comment="ok, key " + GOVERN_KEY + " & <" + GOVERN_KEY + ">")
    html = run(emu, release_notes="notes")
    (bundle,) = emu.state.snapshot()["dss"]["projects"][PROJECT]["bundles"]
    assert_no_secret(emu, all_logs, html, json.dumps(bundle), json.dumps(records(emu)))
    with pytest.raises(GuardrailsError) as err:
        run(emu, govern_connection=connection(emu, govern_url=emu.url + "/?apiKey=" + GOVERN_KEY))
    assert_no_secret(emu, all_logs, err.value)
    with pytest.raises(GuardrailsError) as err:
        run(emu, govern_connection=connection(emu, govern_url=emu.url + "/?apiKey=other-" + GOVERN_KEY[::-1]))
    assert GOVERN_KEY[::-1] not in str(err.value)


# -- Govern node from DSS, saved model versions --------------------------------------------

def test_dss_govern_node_needs_admin(emu, all_logs):
    approve(emu)
    if not GOVERN_CLIENT_FROM_DSS:
        assert "needs DSS 13.3.2 or later" in refused(emu, all_logs, gate.REFUSE_UNSUPPORTED, use_dss_govern_node=True,
                                                      govern_connection=None)
        return
    assert "DSS refused access" in refused(emu, all_logs, gate.REFUSE_FORBIDDEN, use_dss_govern_node=True,
                                           govern_connection=None)


def test_dss_govern_node_for_admins(emu, all_logs):
    approve(emu)
    emu.state.update(lambda d: (d["dss"]["api_keys"].__setitem__("admin-key", {"login": "admin", "admin": True}),
                                d["dss"].__setitem__("govern_node", {"enabled": True, "nodeUrl": emu.url,
                                                                     "apiKey": GOVERN_KEY})))
    if not GOVERN_CLIENT_FROM_DSS:  # clients before 13.3.2 have no get_govern_client
        with pytest.raises(GuardrailsError, match="needs DSS 13.3.2 or later"):
            run(emu, key="admin-key", use_dss_govern_node=True, govern_connection=None)
        assert bundles(emu) == [] and audit(emu)[-1]["code"] == gate.REFUSE_UNSUPPORTED
        return
    html = run(emu, key="admin-key", use_dss_govern_node=True, govern_connection=None)
    assert len(bundles(emu)) == 1 and "configured in DSS" in html
    assert_no_secret(emu, all_logs, html)


def test_saved_model_version_active_version(emu, all_logs):
    emu.state.set_signoff("ar.6", "review", "APPROVED", approver="model.validator")
    message = refused(emu, all_logs, gate.REFUSE_NOT_FOUND, saved_model_id="fraud_model", saved_model_version="v1")
    assert "fraud_model/v1" in message  # v1 is not in Govern
    html = run(emu, saved_model_id="fraud_model")
    assert "saved model version FRAUD_DETECTION.fraud_model/v2" in html and "model.validator" in html


# -- prune and status -------------------------------------------------------------------------

def _history(emu):
    """Five bundles v1..v5 (v5 newest), all published, each synced to Govern (Dataiku bundle ar.2i0
    governed by Govern bundle ar.2i1); v1 deployed; v2's Govern bundle approved, the others NOT_STARTED."""
    def setup(d):
        project = d["dss"]["projects"][PROJECT]
        deployer = d["dss"]["deployer"]
        deployer["projects"][PROJECT] = {"packages": []}
        g = d["govern"]
        for i in range(1, 6):
            bundle_id, when = "v{}".format(i), 1700000000000 + i * 86400000
            project["bundles"].append({"bundleId": bundle_id, "exportManifest": {"exportUserInfo": {
                "exportedBy": "ds", "exportedOn": when, "releaseNotes": ""}}, "publishedBundleState": {
                "publishedOn": when, "publishedBy": "ds"}})
            deployer["projects"][PROJECT]["packages"].append({"id": bundle_id, "publishedOn": when, "publishedBy": "ds"})
            item, governed = "ar.{}0".format(i + 1), "ar.{}1".format(i + 1)
            g["artifacts"][item] = {"id": item, "name": bundle_id, "archived": False, "workflow": {"steps": {}},
                                    "blueprintVersionId": {"blueprintId": gate.BP_DATAIKU_BUNDLE, "versionId": "x"},
                                    "fields": {"node_id": d["dss"]["node_id"], "project_key": PROJECT,
                                               "bundle_id": bundle_id, "governed_by": governed}}
            g["artifacts"][governed] = {"id": governed, "name": bundle_id, "archived": False,
                                        "workflow": {"steps": {"review": {"status": "ONGOING"}}},
                                        "blueprintVersionId": {"blueprintId": "bp.system.govern_bundle",
                                                               "versionId": "x"}, "fields": {}}
            g["signoffs"][governed] = {"review": signoff("APPROVED", approver="risk.officer") if i == 2
                                       else signoff("NOT_STARTED")}
        deployer["deployments"]["fraud-prod"] = {"publishedProjectKey": PROJECT, "infraId": "prod", "bundleId": "v1"}
    emu.state.update(setup)


def _packages(emu):
    return [p["id"] for p in emu.state.snapshot()["dss"]["deployer"]["projects"][PROJECT]["packages"]]


def test_prune_dry_run_then_real_never_deletes_deployed_or_newest_approved(emu, all_logs):
    _history(emu)
    html = run(emu, "prune-bundles", keep=2)
    assert bundles(emu) == ["v1", "v2", "v3", "v4", "v5"] and "would delete" in html
    run(emu, "prune-bundles", keep=2, dry_run=False)
    assert bundles(emu) == ["v1", "v2", "v4", "v5"] and _packages(emu) == ["v1", "v2", "v4", "v5"]
    assert audit(emu)[-1]["deleted"] == "v3, v3"


@pytest.mark.parametrize("fault", [
    dict(path=r"^/artifact/ar\.31/workflow/step/review/signoff$", status=404,
         body={"errorType": "com.dataiku.dip.exceptions.NotFoundException", "message": "Sign-off not found"}),
    dict(path=r"^/artifact/ar\.31$", status=404,
         body={"errorType": "com.dataiku.dip.exceptions.NotFoundException", "message": "Artifact not found"}),
    dict(path=r"^/artifacts/search$", status=200, body={"uiArtifacts": [], "hasNextPage": False}),
    dict(path=r"^/artifacts/search$", status=200, body={"hits": []}),
    dict(path=r"^/artifact/ar\.31/signoffs$", status=200, body=[{"status": "APPROVED"}]),
])
def test_prune_keeps_the_newest_approved_bundle_when_govern_cannot_say(emu, all_logs, fault):
    """Issue 11 item 1: a 404 for the sign-off or item of the newest approved bundle (v2), an empty or
    malformed search, an unreadable sign-off list: before the fix, v2 was deleted ("not found" read as
    "not approved")."""
    _history(emu)  # v2's Govern bundle is ar.31
    emu.state.add_fault(node="govern", **fault)
    html = run(emu, "prune-bundles", keep=2, dry_run=False)
    assert "v2" in bundles(emu) and "v2" in _packages(emu)
    assert "approval could not be established" in html


def test_prune_deletes_a_bundle_only_on_a_readable_not_approved_answer(emu, all_logs):
    _history(emu)
    emu.state.update(lambda d: d["govern"]["artifacts"]["ar.40"].__setitem__("archived", True))  # v3 not synced
    run(emu, "prune-bundles", keep=2, dry_run=False)
    assert bundles(emu) == ["v1", "v2", "v3", "v4", "v5"]  # v3's approval is unknown: kept
    emu.state.update(lambda d: d["govern"]["artifacts"]["ar.1"]["fields"].pop("governed_by"))  # project ungoverned
    run(emu, "prune-bundles", keep=2, dry_run=False)
    assert bundles(emu) == ["v1", "v2", "v4", "v5"]


def test_prune_keeps_gate_created_bundles_waiting_for_review(emu, all_logs):
    """The gate's approval record protects a bundle whose Govern bundle still waits (NOT_STARTED)."""
    _history(emu)
    emu.state.set_signoff("ar.31", "review", "NOT_STARTED")  # no bundle approved in Govern
    approve(emu)
    run(emu, version="2.0")
    created = bundles(emu)[-1]
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["bundles"][-1]["exportManifest"][
        "exportUserInfo"].__setitem__("exportedOn", 1700000000000 + 2 * 86400000 + 1))  # between v2 and v3
    run(emu, "prune-bundles", keep=1, dry_run=False)
    assert bundles(emu) == ["v1", "v5", created]  # deployed, newest, newest approved (the gate's record)


@pytest.mark.parametrize("status", [500, 403, 404])
def test_prune_deletes_nothing_when_the_deployer_cannot_be_read(emu, all_logs, status):
    """Issue 11 item 4: a Project Deployer error must never read as "nothing is deployed" (v1 is
    deployed; treating the error as empty deletes it). 404 is refused because bundles say they were
    published."""
    _history(emu)
    emu.state.add_fault(node="dss", method="GET", path=r"^/project-deployer/projects/FRAUD_DETECTION$",
                        status=status, body={"errorType": "com.dataiku.dip.exceptions.CodedException",
                                             "message": "deployer unavailable"})
    with pytest.raises(GuardrailsError):
        run(emu, "prune-bundles", keep=1, dry_run=False)
    assert len(bundles(emu)) == 5 and len(_packages(emu)) == 5


def test_prune_deletes_nothing_when_govern_is_down(emu, all_logs):
    _history(emu)
    emu.state.add_fault(node="govern", status=500, body=ERROR_500_HTML)
    html = run(emu, "prune-bundles", keep=1, dry_run=False)
    assert len(bundles(emu)) == 5 and "approval could not be established" in html
    emu.state.clear_faults()
    emu.state.add_fault(node="govern", delay=3)
    with pytest.raises(GuardrailsError, match="nothing is deleted"):
        run(emu, "prune-bundles", keep=1, dry_run=False, govern_connection=connection(emu, timeout_seconds=0.3))
    assert len(bundles(emu)) == 5


def test_prune_deletes_nothing_when_the_approval_record_is_unreadable(emu, all_logs):
    _history(emu)
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["variables"]["local"].__setitem__(
        ledger.VARIABLE, "corrupted"))
    with pytest.raises(GuardrailsError, match="approval record cannot be read"):
        run(emu, "prune-bundles", keep=1, dry_run=False)
    assert len(bundles(emu)) == 5


def test_governance_status_flags_unapproved_deployments(emu, all_logs):
    _history(emu)
    html = run(emu, "governance-status")
    assert "DEPLOYED WITHOUT APPROVAL" in html and "PUBLISHED WITHOUT APPROVAL" in html
    assert "4 FLAGGED" in html  # v1 deployed, v3-v5 published without approval; v2 approved in Govern
    assert_no_secret(emu, all_logs, html)


# -- Project Standards check ----------------------------------------------------------------

def test_project_standards_check(emu, all_logs):
    cfg = {"govern_connection": connection(emu)}
    result = run_project_standards_check("govern-approval", PROJECT, cfg, dss_url=emu.url, dss_api_key=DSS_KEY)
    assert (result["status"], result["severity"]) == ("RUN_SUCCESS", 5)
    assert "WAITING_FOR_APPROVAL" in result["message"]
    approve(emu)
    result = run_project_standards_check("govern-approval", PROJECT, cfg, dss_url=emu.url, dss_api_key=DSS_KEY)
    assert (result["status"], result["severity"]) == ("RUN_SUCCESS", 0)
    assert_no_secret(emu, all_logs, result)


# -- emulator fidelity ------------------------------------------------------------------------

def test_emulator_speaks_the_real_client(emu):
    dss = dataikuapi.DSSClient(emu.url, DSS_KEY)
    assert dss.get_instance_info().node_type == "DESIGN"
    assert dss.get_project(PROJECT).list_exported_bundles() == {"bundles": []}
    with pytest.raises(DataikuException, match="NotAuthenticatedException: Unknown API Key"):
        dataikuapi.DSSClient(emu.url, "nope").get_auth_info()
    gov = dataikuapi.GovernClient(emu.url, GOVERN_KEY)
    art = gov.get_artifact("ar.6")
    assert art.get_definition().get_raw()["name"] == "Fraud model v2"
    art.get_signoff("review").add_approval("APPROVED", comment="ok")
    assert art.get_signoff("review").get_approval().get_definition().get_raw()["status"] == "APPROVED"
    assert [s.get_raw()["status"] for s in art.list_signoffs()] == ["APPROVED"]
    # A path-breaking id reaches another endpoint (the client does not escape): the gate validates first.
    with pytest.raises(DataikuException, match="NotFoundException"):
        dss.get_project(PROJECT).delete_exported_bundle("a/b")


def test_macros_report_progress_up_to_their_target(emu, all_logs):
    from dss_local.macro import run_macro
    from dku_guardrails.gate import create, inventory
    from gate_fixtures import connection as conn

    approve(emu)
    for macro, target, extra in (("create-approved-bundle", create.STEPS, {"version": "1.0"}),
                                 ("governance-status", inventory.STATUS_STEPS, {}),
                                 ("prune-bundles", inventory.PRUNE_STEPS, {})):
        seen = []
        run_macro(macro, PROJECT, config=dict(extra, govern_connection=conn(emu)), dss_url=emu.url,
                  dss_api_key=DSS_KEY, progress=seen.append, plugin_config=plugin_policy(OPEN_POLICY))
        assert seen == sorted(seen) and seen[-1] == target, (macro, seen)


def test_prune_keeps_a_bundle_whose_govern_link_is_unreadable(emu, all_logs):
    """Review finding: a malformed Dataiku bundle item read as "not governed" made it deletable."""
    from dku_guardrails.gate.govern_gateway import GovernGateway
    from dku_guardrails.gate.http import Redactor

    govern = GovernGateway(None, gate.GovernNames(), Redactor(), PROJECT)
    for malformed in ({"id": "ar.9"}, {"id": "ar.9", "fields": "x"}):
        with pytest.raises(gate.GateError) as err:
            govern.governed_by(malformed, "bundle v3")
        assert err.value.code == gate.REFUSE_MALFORMED
    _history(emu)
    emu.state.update(lambda d: d["govern"]["artifacts"]["ar.40"]["fields"].__setitem__("governed_by", ["ar.1", "ar.2"]))
    run(emu, "prune-bundles", keep=2, dry_run=False)
    assert "v3" in bundles(emu)


def test_prune_keeps_a_bundle_whose_govern_bundle_is_missing_in_an_ungoverned_project(emu, all_logs):
    """The "project not governed" shortcut applies only when the bundle's search finds nothing."""
    _history(emu)
    emu.state.update(lambda d: (d["govern"]["artifacts"].pop("ar.41"),
                                d["govern"]["artifacts"]["ar.1"]["fields"].pop("governed_by")))
    run(emu, "prune-bundles", keep=2, dry_run=False)
    assert "v3" in bundles(emu)


def test_publish_refuses_when_the_audit_entry_cannot_be_written(emu, all_logs):
    approve(emu)
    run(emu)
    (bundle_id,) = bundles(emu)
    emu.state.set_signoff(govern_bundle(emu, bundle_id), "review", "APPROVED", approver="deploy.manager")
    emu.state.update(lambda d: d["dss"].__setitem__("audit_requires_admin", True))
    emu.state.add_fault(node="govern", path="^/admin/audit", status=403,
                        body={"errorType": "com.dataiku.dip.exceptions.UnauthorizedException", "message": "no"})
    with pytest.raises(gate.GateRefused, match="audit entry could not be written"):
        run(emu, "publish-approved-bundle")
    assert PROJECT not in emu.state.snapshot()["dss"]["deployer"]["projects"]


# -- issue 17: the qualification rules against the emulator (each refusal, through the real client) ----

ALL_ON = {"sensitivity_tags_level": "required", "model_card_level": "required", "evidence_level": "off",
          "allowed_code_envs": ["py311_fraud"]}


def _project(emu, fn):
    emu.state.update(lambda d: fn(d["dss"]["projects"][PROJECT]))


def _card(emu, modified):
    _project(emu, lambda p: p["managed_folders"]["model_cards"]["files"].update(
        {"/model-health-fraud_model.html": {"size": 100, "lastModified": modified}}))


def test_every_rule_passes_on_a_qualified_project_and_the_version_is_labelled(emu, all_logs):
    approve(emu)
    emu.state.update(lambda d: d["dss"].__setitem__("keeps_version_labels", True))  # a DSS that keeps them
    _card(emu, 1770000000000)
    html = run(emu, policy=ALL_ON, model_card_folder="model_cards")
    record = records(emu)[bundles(emu)[0]]
    statuses = {r["rule"]: r["status"] for r in record["rules"]}
    # before DSS 13.2 exports carry no release notes: the decision trail cannot judge, a WARN (finding 8)
    assert statuses == {"evidence": "NOT APPLICABLE", "sensitivity_tags": "PASS", "code_env": "PASS",
                        "rollback": "WARN", "model_card": "PASS", "decision_trail": "PASS" if RELEASE_NOTES else "WARN"}
    assert '"rule": "sensitivity_tags"' in audit(emu)[0]["rules"]
    version = emu.state.snapshot()["dss"]["projects"][PROJECT]["saved_models"]["fraud_model"]["versions"][1]
    assert {"key": "model-guardrails:label", "value": "v1.0-prod-candidate"} in version["userMeta"]["labels"]
    assert "set and read back" in html and "Qualification rules" in html


def test_label_not_kept_by_dss_is_reported(emu, all_logs):
    approve(emu)
    # the emulator's default: that DSS keeps labels on saved model versions is UNCONFIRMED (finding 11)
    html = run(emu)
    assert "NOT read back" in html and len(bundles(emu)) == 1


@pytest.mark.parametrize("rule, change, says", [
    ("sensitivity_tags", lambda p: p["datasets"]["transactions"].__setitem__("tags", []), "untagged: transactions"),
    ("sensitivity_tags", lambda p: p["datasets"]["fraud_train"].__setitem__("tags", ["sensitivity:PHI"]),
     "blocking class without exemption: fraud_train"),
    ("sensitivity_tags", lambda p: p["flow"].pop("fraud_model"), "fraud_model is not in the project's Flow graph"),
    ("sensitivity_tags", lambda p: p["flow"]["fraud_model"].__setitem__("predecessors", []),
     "no dataset found upstream"),
    ("code_env", lambda p: p["settings"]["codeEnvs"]["python"].update(envName="py39_dev"),
     "project code env py39_dev is not allowed"),
    ("code_env", lambda p: p["settings"]["codeEnvs"].__setitem__("python", {"mode": "INHERIT"}),
     "inherits the instance default, which could not be read"),  # general settings: admin only
    ("code_env", lambda p: p["saved_models"]["fraud_model"].pop("lastExportedFrom"), "has no origin ML task"),
])
def test_sensitivity_and_code_env_refusals(emu, all_logs, rule, change, says):
    approve(emu)
    _card(emu, 1770000000000)
    _project(emu, change)
    message = refused(emu, all_logs, gate.REFUSE_QUALIFICATION, policy=ALL_ON,
                      model_card_folder="model_cards")
    assert rule + " FAIL" in message and says in message


ADMIN_KEY = "admin-key-91"


@pytest.mark.parametrize("general, says", [
    ({"codeEnvs": "x"}, "no codeEnvs object"),
    ({}, "no codeEnvs object"),
    ([], "no codeEnvs object"),
    ({"codeEnvs": {"defaultPythonEnv": None}}, "defaultPythonEnv is not a text"),
    ({"codeEnvs": {"defaultPythonEnv": 7}}, "defaultPythonEnv is not a text"),
])
def test_a_malformed_instance_default_env_is_never_the_built_in_one(emu, all_logs, general, says):
    """Review finding 6: the built-in env is allowed, the project inherits, and the general settings
    are malformed: a refusal naming why, never a PASS and never a crash."""
    approve(emu)
    emu.state.update(lambda d: (d["dss"]["api_keys"].__setitem__(ADMIN_KEY, {"login": "admin", "admin": True}),
                                d["dss"].__setitem__("general_settings", general)))
    _project(emu, lambda p: p["settings"]["codeEnvs"].__setitem__("python", {"mode": "INHERIT"}))
    policy = dict(OPEN_POLICY, allowed_code_envs=["(DSS built-in environment)", "py311_fraud"])
    with pytest.raises(GuardrailsError) as err:
        run(emu, key=ADMIN_KEY, policy=policy)
    assert "code_env FAIL" in str(err.value) and says in str(err.value) and bundles(emu) == []
    # a well-formed codeEnvs without defaultPythonEnv is the built-in env (allowed here)
    emu.state.update(lambda d: d["dss"].__setitem__("general_settings", {"codeEnvs": {}}))
    run(emu, key=ADMIN_KEY, policy=policy)
    assert len(bundles(emu)) == 1


@pytest.mark.parametrize("settings", [{"codeEnvs": []}, {"codeEnvs": {"python": "INHERIT"}}])
def test_malformed_project_settings_refuse_on_code_env(emu, all_logs, settings):
    approve(emu)
    _project(emu, lambda p: p.__setitem__("settings", settings))
    with pytest.raises(GuardrailsError, match="code_env FAIL: project code env unresolvable"):
        run(emu, policy=dict(OPEN_POLICY, allowed_code_envs=["py311_fraud"]))


@pytest.mark.parametrize("labels", ["v1", 7, {"key": "x"}])
def test_unreadable_version_labels_after_the_export_are_reported_not_fatal(emu, all_logs, labels):
    """Review finding 6: the label is written after the export; an unknown labels shape is reported
    (label not set, with why) and the macro still ends with its outcome audit entry."""
    approve(emu)
    _project(emu, lambda p: p["saved_models"]["fraud_model"]["versions"][1].__setitem__(
        "userMeta", {"name": "v2", "labels": labels}))
    html = run(emu)
    assert "not set on fraud_model/v2" in html and "labels are not a list" in html and len(bundles(emu)) == 1
    assert audit(emu)[-1]["action"] == "exported"


@pytest.mark.parametrize("modified, folder, says", [
    (None, "model_cards", "no model-health page"),
    (1750000000000, "model_cards", "older than version v2"),
    (1770000000000, "no_such_folder", "folder not read"),
    (1770000000000, None, "no managed folder named"),
])
def test_model_card_refusals(emu, all_logs, modified, folder, says):
    approve(emu)
    if modified:
        _card(emu, modified)
    extra = {"model_card_folder": folder} if folder else {}
    message = refused(emu, all_logs, gate.REFUSE_QUALIFICATION, policy=ALL_ON, **extra)
    assert "model_card FAIL" in message and says in message


def test_required_rollback_refuses_a_first_release_then_passes(emu, all_logs):
    approve(emu)
    message = refused(emu, all_logs, gate.REFUSE_QUALIFICATION, required_rules=["rollback"])
    assert "rollback FAIL: no previous approved bundle (first release)" in message
    run(emu, version="1.0")
    run(emu, version="1.1", required_rules=["rollback"])
    assert len(bundles(emu)) == 2


def test_decision_trail_refuses_when_a_gate_bundle_lost_its_record(emu, all_logs):
    approve(emu)
    run(emu, version="1.0")
    _project(emu, lambda p: p["variables"]["local"].pop(ledger.VARIABLE))
    if not RELEASE_NOTES:  # before 13.2 the notes (the gate's mark) are not attached: the rule says it cannot judge
        html = run(emu, version="1.1")
        (row,) = [r for r in records(emu)[bundles(emu)[-1]]["rules"] if r["rule"] == "decision_trail"]
        assert row["status"] == "WARN" and "before DSS 13.2" in row["value"] and "decision_trail" in html
        return
    with pytest.raises(GuardrailsError, match="decision_trail FAIL: gate-created bundle"):
        run(emu, version="1.1")


def test_a_metrics_dataset_with_no_run_refuses(emu, all_logs, tmp_path):
    approve(emu)
    empty = tmp_path / "perf.csv"
    empty.write_text("run_id,run_time,metric,value,warning_threshold,error_threshold,direction,status,reason,window\n")
    message = refused(emu, all_logs, gate.REFUSE_EVIDENCE, evidence_datasets=["perf"], datasets={"perf": str(empty)},
                      policy=EVIDENCE_POLICY)
    assert "evidence (perf) FAIL" in message


def test_the_emulator_is_never_more_lenient_than_dss(emu):
    """Review finding 11: unknown query parameters are refused on the older routes too; reading a
    version's details changes nothing; the Flow graph must agree with the datasets and saved models
    held (and shows every held dataset); labels are dropped unless the state says DSS keeps them."""
    dss = dataikuapi.DSSClient(emu.url, DSS_KEY)
    for path in ("/projects/{}/savedmodels/".format(PROJECT),
                 "/projects/{}/datasets/transactions/data-quality/last-rules-result".format(PROJECT)):
        with pytest.raises(DataikuException, match="Unknown parameter nosuch"):
            dss._perform_json("GET", path, params={"nosuch": "1"})
    before = emu.state.snapshot()
    dss.get_project(PROJECT).get_saved_model("fraud_model").get_version_details("v1")
    assert emu.state.snapshot() == before
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["datasets"].__setitem__("orphan", {"tags": []}))
    assert dss.get_project(PROJECT).get_flow().get_graph().nodes["orphan"]["predecessors"] == []
    for change, says in ((lambda p: p["datasets"].pop("fraud_train"), "fraud_train is not a dataset"),
                         (lambda p: p["flow"]["fraud_model"].__setitem__("predecessors", ["fraud_train"]),
                          "does not alternate")):
        saved = emu.state.snapshot()
        emu.state.update(lambda d: change(d["dss"]["projects"][PROJECT]))
        with pytest.raises(DataikuException, match=says):
            dss.get_project(PROJECT).get_flow().get_graph()
        emu.state.update(lambda d, saved=saved: d.__setitem__("dss", saved["dss"]))


def test_dss_local_holds_datasets_only_in_the_emulator(emu, tmp_path, monkeypatch):
    """Review nit 18: --dataset never sends the emulator's control requests to another server, and
    writes only the dataset it holds (the rest of the state is untouched)."""
    import requests

    import dss_local.macro as local_macro

    path = tmp_path / "notes.csv"
    path.write_text("a\n1\n")
    sent = []
    monkeypatch.setattr(requests, "get", lambda url, **kw: sent.append(url))
    assert local_macro.hold_in_emulator("https://dss.example.com:11200", PROJECT, {"notes": str(path)}) == []
    assert sent == []
    monkeypatch.undo()
    before = emu.state.snapshot()
    local_macro.hold_in_emulator(emu.url, PROJECT, {"notes": str(path)})
    after = emu.state.snapshot()
    assert after["dss"]["projects"][PROJECT]["datasets"].pop("notes") == {}
    assert after == before

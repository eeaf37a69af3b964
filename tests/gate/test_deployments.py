"""rollback-deployment, decommission-inactive and the live-in-production record: the real runnable.py
files through dss_local, against the emulator over loopback HTTP with the real dataikuapi client
(once per supported client: client_matrix)."""
import html as html_lib
import re

import dataikuapi
import pytest

from dss_local.emulator.deployment_routes import deployed_bundle
from dss_local.emulator.state import now_ms
from gate_fixtures import DSS_KEY, GOVERN_KEY, PROJECT, all_logs, audit, emu, run  # noqa: F401
from model_guardrails import gate
from model_guardrails.deployments.live import LIVE
from model_guardrails.errors import ConfigError
from model_guardrails.gate import ledger

pytestmark = pytest.mark.client_matrix

ADMIN_KEY = "dss-admin-key-1a2b"
DAY = 86400000
# the history: b1 < b2 < b3 < b4 (decidedOn); b2 has no approval record (made by hand); b4 is deployed
APPROVED = {"b1": "2026-01-01T00:00:00Z", "b3": "2026-02-01T00:00:00Z", "b4": "2026-03-01T00:00:00Z"}
UPDATES_CLIENT = hasattr(dataikuapi.dss.projectdeployer.DSSProjectDeployerDeployment, "get_update")


def _record(bundle_id, decided):
    return {"bundleId": bundle_id, "projectKey": PROJECT, "decision": "APPROVE", "state": ledger.EXPORTED,
            "decidedOn": decided, "actor": "data.scientist", "approver": "risk.officer", "signoffStatus": "APPROVED",
            "signoffStep": "review", "approvedOn": decided, "publication": {"status": ledger.PUBLISHED}}


def history(emu, deployed="b4", records=None, last_update=None):
    records = APPROVED if records is None else records

    def setup(doc):
        d = doc["dss"]
        d["api_keys"][ADMIN_KEY] = {"login": "dss.admin", "admin": True}
        project = d["projects"][PROJECT]
        deployer = d["deployer"]
        deployer["projects"][PROJECT] = {"packages": []}
        for i, bundle_id in enumerate(("b1", "b2", "b3", "b4")):
            when = now_ms() - (40 - i) * DAY
            project["bundles"].append({"bundleId": bundle_id, "state": "BUILT", "exportManifest": {
                "exportUserInfo": {"exportedBy": "ds", "exportedOn": when}}})
            deployer["projects"][PROJECT]["packages"].append({"id": bundle_id, "publishedOn": when})
        project["variables"]["local"][ledger.VARIABLE] = {b: _record(b, t) for b, t in records.items()}
        deployer["infras"]["prod"] = {"stage": "production", "governCheckPolicy": "NO_CHECK"}
        deployer["deployments"]["fraud-prod"] = {"publishedProjectKey": PROJECT, "infraId": "prod",
                                                 "bundleId": deployed, "enabled": True}
        if last_update is not None:
            deployer["updates"] = {"fraud-prod": [{"startTimestamp": last_update, "endTimestamp": last_update + 1000,
                                                   "type": "UPDATE", "status": "SUCCESS", "requester": "ds",
                                                   "bundleId": deployed, "logs": {"lines": []}}]}
    emu.state.update(setup)


def deployment(emu, dep_id="fraud-prod"):
    return emu.state.snapshot()["dss"]["deployer"]["deployments"][dep_id]


def deployed(emu, dep_id="fraud-prod"):
    """The bundle the emulator last ran for the deployment (its own state, not in the settings)."""
    return deployed_bundle(emu.state.snapshot()["dss"]["deployer"], dep_id)


def row(page, kind, item_id):
    """The cells of the result table's row for (kind, id), as text; fails when there is none."""
    for tr in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = [html_lib.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if cells[:2] == [kind, item_id]:
            return cells
    raise AssertionError("no row for {} {} in the result".format(kind, item_id))


def behave(emu, behaviour, dep_id="fraud-prod"):
    emu.state.update(lambda d: d["dss"]["deployer"].setdefault("update_behaviour", {}).update({dep_id: behaviour}))


def entries(emu, node="dss", action=None):
    return [e for e in audit(emu, node) if action is None or e.get("action") == action]


def rollback(emu, key=DSS_KEY, **config):
    config.setdefault("deployment_id", "fraud-prod")
    return run(emu, "rollback-deployment", key=key, **config)


def refused(emu, code, key=DSS_KEY, **config):
    before = deployment(emu)
    with pytest.raises(gate.GateRefused) as err:
        rollback(emu, key=key, dry_run=False, **config)
    assert err.value.decision.code == code, err.value
    assert deployment(emu) == before, "a refused rollback changed the deployment"
    assert entries(emu)[-1]["decision"] == "REFUSE" and entries(emu)[-1]["code"] == code
    assert not entries(emu, action=LIVE)
    return str(err.value)


# -- rollback ---------------------------------------------------------------------------------

def test_dry_run_names_both_bundles_and_changes_nothing(emu):
    history(emu)
    html = rollback(emu)
    assert "DRY RUN: WOULD ROLL BACK" in html and "b4" in html and "b3" in html
    assert "approved by the gate on 2026-02-01" in html and "approved by the gate on 2026-03-01" in html
    assert deployment(emu)["bundleId"] == "b4"
    assert entries(emu)[-1]["action"] == "dry-run rollback decision" and entries(emu)[-1]["bundleId"] == "b3"
    assert not entries(emu, action=LIVE)


def test_rollback_switches_to_the_previous_approved_bundle_and_records_it_live(emu):
    history(emu)
    html = rollback(emu, dry_run=False)
    assert "ROLLED BACK" in html and "finished without error. Audit entry written to the DSS audit trail" in html
    dep = deployment(emu)
    assert dep["bundleId"] == "b3" and deployed(emu) == "b3"  # b2 (no record) skipped
    assert [e["action"] for e in entries(emu)][-3:] == ["rollback decision", "rolled back", LIVE]
    (live,) = entries(emu, action=LIVE)
    assert (live["bundleId"], live["previousBundleId"], live["deploymentId"], live["infraId"], live["approver"],
            live["projectKey"], live["actor"], live["how"]) == (
        "b3", "b4", "fraud-prod", "prod", "risk.officer", PROJECT, "data.scientist", "rolled back")
    assert entries(emu, "govern", action=LIVE) == [live]
    assert GOVERN_KEY not in html


def test_govern_down_does_not_undo_the_rollback_and_is_reported(emu):
    history(emu)
    emu.state.add_fault(node="govern", path=r"^/admin/audit/custom/", status=500, body="<html>down</html>")
    html = rollback(emu, dry_run=False)
    assert deployment(emu)["bundleId"] == "b3"
    assert "Govern: NOT written" in html and "what was done stands" in html
    assert entries(emu, action=LIVE) and not entries(emu, "govern", action=LIVE)


def test_without_govern_the_live_record_is_dss_only(emu):
    history(emu)
    html = rollback(emu, dry_run=False, govern_connection=None)
    assert deployment(emu)["bundleId"] == "b3" and "recorded in DSS only" in html
    assert entries(emu, action=LIVE) and not entries(emu, "govern")


def test_unknown_deployment_is_refused_and_a_bad_id_never_reaches_a_url(emu):
    history(emu)
    assert "not found" in refused(emu, gate.REFUSE_NOT_FOUND, deployment_id="no-such-deployment").lower()
    with pytest.raises(ConfigError, match="deployment_id"):
        rollback(emu, deployment_id="../admin")
    with pytest.raises(ConfigError, match="deployment_id"):
        rollback(emu, deployment_id="")


def test_no_approved_previous_bundle_is_refused(emu):
    history(emu, deployed="b1")
    assert "no bundle older than b1" in refused(emu, gate.REFUSE_NOT_FOUND)


def test_a_deployed_bundle_without_record_has_no_previous(emu):
    history(emu, deployed="b2")
    assert "has no approval record" in refused(emu, gate.REFUSE_NOT_FOUND)


def test_an_unapproved_target_is_refused_and_only_an_admin_may_force_it(emu):
    history(emu)
    refused(emu, gate.REFUSE_STATUS, target_bundle_id="b2")
    text = refused(emu, gate.REFUSE_FORBIDDEN, target_bundle_id="b2", force=True,
                   force_reason="Hotfix: b3 and b4 both mis-score.")
    assert "only a DSS administrator" in text
    with pytest.raises(ConfigError, match="force_reason"):
        rollback(emu, target_bundle_id="b2", force=True, force_reason="")
    with pytest.raises(ConfigError, match="target_bundle_id"):
        rollback(emu, force=True, force_reason="Hotfix: b3 and b4 both mis-score.")
    html = rollback(emu, key=ADMIN_KEY, dry_run=False, target_bundle_id="b2", force=True,
                    force_reason="Hotfix: b3 and b4 both mis-score.")
    assert deployment(emu)["bundleId"] == "b2" and "Forced by an administrator" in html
    (live,) = entries(emu, action=LIVE)
    assert live["actor"] == "dss.admin" and "forced: Hotfix" in live["detail"]


def test_a_failing_update_puts_the_settings_back_and_fails_the_macro(emu):
    history(emu)
    emu.state.update(lambda d: d["dss"]["deployer"].setdefault("update_behaviour", {}).update({"fraud-prod": "fail"}))
    with pytest.raises(gate.GateError) as err:
        rollback(emu, dry_run=False)
    assert "not confirmed" in str(err.value) and "put back to bundle b4" in str(err.value)
    assert deployment(emu)["bundleId"] == "b4"
    assert entries(emu)[-1]["action"] == "rollback update failed" and not entries(emu, action=LIVE)


def test_an_update_without_result_times_out_under_the_macros_deadline(emu):
    history(emu)
    emu.state.update(lambda d: d["dss"]["deployer"].setdefault("update_behaviour", {}).update({"fraud-prod": "hang"}))
    with pytest.raises(gate.GateError) as err:
        rollback(emu, dry_run=False, update_timeout_seconds=1)
    assert err.value.code == gate.REFUSE_TIMEOUT and "may still be running" in str(err.value)
    assert deployment(emu)["bundleId"] == "b3"  # the update may finish: the settings are left as saved
    assert not entries(emu, action=LIVE)


@pytest.mark.parametrize("behaviour", ["fail_result", "dead"])
def test_an_update_dss_says_failed_puts_the_settings_back(emu, behaviour):
    history(emu)
    behave(emu, behaviour)  # a result with error: true; a future that ends without a result
    with pytest.raises(gate.GateError) as err:
        rollback(emu, dry_run=False)
    assert "put back to bundle b4" in str(err.value) and "Audit entry written to the DSS" in str(err.value)
    assert deployment(emu)["bundleId"] == "b4"
    last = entries(emu)[-1]
    assert last["action"] == "rollback update failed" and "put back to bundle b4" in last["detail"]


@pytest.mark.parametrize("fault", [
    {"status": 502, "body": "<html>bad gateway</html>"},  # a proxy's page, not DSS's answer
    {"drop": True},  # connection reset
    {"status": 200, "body": "{not json", "content_type": "application/json"},
])
def test_a_poll_without_dss_answer_leaves_the_settings_and_says_the_state_is_unknown(emu, fault):
    history(emu)
    behave(emu, "hang")
    emu.state.add_fault(node="dss", method="GET", path=r"^/futures/", **fault)
    with pytest.raises(gate.GateError) as err:
        rollback(emu, dry_run=False, update_timeout_seconds=5)
    assert "state is unknown" in str(err.value) and "left naming bundle b3" in str(err.value)
    assert deployment(emu)["bundleId"] == "b3"
    last = entries(emu)[-1]
    assert last["action"] == "rollback update state unknown" and "left naming bundle b3" in last["detail"]


def test_a_dss_error_on_the_poll_is_confirmed_with_the_last_update_before_reverting(emu):
    history(emu)
    behave(emu, "hang")  # the update still runs (status RUNNING) ...
    emu.state.add_fault(node="dss", method="GET", path=r"^/futures/", status=500,  # ... but the poll says failed
                        body={"errorType": "com.dataiku.dip.exceptions.CodedException", "message": "boom"})
    with pytest.raises(gate.GateError) as err:
        rollback(emu, dry_run=False)
    if UPDATES_CLIENT:  # 14.3+: the last update does not say FAILED: left as saved
        assert "does not say FAILED" in str(err.value) and deployment(emu)["bundleId"] == "b3"
    else:  # no way to confirm: DSS's own error is taken as the failure
        assert "put back to bundle b4" in str(err.value) and deployment(emu)["bundleId"] == "b4"


def test_a_deployment_changed_after_the_decision_is_not_switched(emu):
    history(emu)
    changed = {"id": "fraud-prod", "publishedProjectKey": PROJECT, "infraId": "prod", "bundleId": "b1",
               "enabled": True}
    # the macro reads the settings twice before deciding (the deployment, the project's deployments)
    emu.state.add_fault(node="dss", method="GET", path=r"^/project-deployer/deployments/fraud-prod/settings$",
                        skip=2, times=1, status=200, body=changed)
    with pytest.raises(gate.GateError) as err:
        rollback(emu, dry_run=False)
    assert err.value.code == gate.REFUSE_AMBIGUOUS and "changed in between" in str(err.value)
    assert deployment(emu)["bundleId"] == "b4" and entries(emu)[-1]["action"] == "rollback refused"


def test_an_admin_check_failing_otherwise_than_403_refuses_the_forced_rollback(emu):
    history(emu)
    emu.state.add_fault(node="dss", path=r"^/admin/general-settings", status=500, body="<html>boom</html>")
    text = refused(emu, gate.REFUSE_FORBIDDEN, key=ADMIN_KEY, target_bundle_id="b2", force=True,
                   force_reason="Hotfix: b3 and b4 both mis-score.")
    assert "could not be read" in text


def test_a_rollback_whose_decision_cannot_be_audited_is_not_done(emu):
    history(emu)
    emu.state.add_fault(method="POST", path=r"^/admin/audit/custom/", status=500, body="<html>down</html>")
    with pytest.raises(gate.GateRefused) as err:
        rollback(emu, dry_run=False)
    assert err.value.decision.code == gate.REFUSE_AUDIT
    assert "the rollback is allowed but its audit entry could not be written" in str(err.value)
    assert "sign-off" not in err.value.decision.reason
    assert deployment(emu)["bundleId"] == "b4" and deployed(emu) == "b4"


@pytest.mark.parametrize("policy", ["PREVENT", "WARN"])
def test_the_infrastructures_govern_check_refuses_a_forced_unapproved_bundle(emu, policy):
    from dss_local.emulator.state import sync_bundle

    history(emu)
    emu.state.update(lambda d: d["dss"]["deployer"]["infras"]["prod"].update(governCheckPolicy=policy))
    with pytest.raises(gate.GateError) as err:  # WARN too: the macro never passes ignore_warnings=True
        rollback(emu, key=ADMIN_KEY, dry_run=False, target_bundle_id="b2", force=True,
                 force_reason="Hotfix: b3 and b4 both mis-score.")
    assert "was not changed" in str(err.value) and policy in str(err.value)
    assert deployment(emu)["bundleId"] == "b4" and entries(emu)[-1]["action"] == "rollback failed"
    assert not entries(emu, action=LIVE)
    emu.state.update(lambda d: sync_bundle(d, PROJECT, "b3", status="APPROVED"))  # approved in Govern: passes
    rollback(emu, dry_run=False)
    assert deployment(emu)["bundleId"] == "b3" and deployed(emu) == "b3"


def test_unreadable_approval_record_refuses(emu):
    history(emu)
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["variables"]["local"].update({ledger.VARIABLE: []}))
    refused(emu, gate.REFUSE_MALFORMED)


# -- the live record on publication ---------------------------------------------------------------

def test_publish_approved_bundle_records_the_model_live(emu):
    from dss_local.emulator.state import MODEL_VERSION_ARTIFACT

    emu.state.set_signoff(MODEL_VERSION_ARTIFACT, "review", "APPROVED", approver="risk.officer")
    run(emu, version="2.0")
    (bundle_id,) = [b["bundleId"] for b in emu.state.snapshot()["dss"]["projects"][PROJECT]["bundles"]]
    artifacts = emu.state.snapshot()["govern"]["artifacts"].values()
    (item,) = [a for a in artifacts if a["fields"].get(gate.FIELD_BUNDLE_ID) == bundle_id]
    emu.state.set_signoff(item["fields"]["governed_by"], "review", "APPROVED", approver="deploy.manager")
    html = run(emu, "publish-approved-bundle")
    assert "Live-in-production record" in html
    (live,) = entries(emu, action=LIVE)
    assert live["bundleId"] == bundle_id and live["approver"] == "deploy.manager" and "published" in live["how"]
    assert entries(emu, "govern", action=LIVE) == [live]


# -- decommission-inactive --------------------------------------------------------------------

DISABLE = {"deployment_action": "disable", "disable_deployments_that_may_still_serve": True}


def decommission(emu, **config):
    return run(emu, "decommission-inactive", **config)


def test_decommission_dry_run_lists_with_evidence_and_keeps_a_model_in_use(emu):
    history(emu, last_update=now_ms() - 200 * DAY)
    html = decommission(emu)
    assert "DRY RUN" in html and "trainDate" in html
    assert deployment(emu)["enabled"] is True
    if UPDATES_CLIENT:
        assert "would archive (dry run)" in html and "get_update" in html
    else:
        assert "cannot read deployment updates" in html and "would archive" not in html
    assert "served by deployment fraud-prod" in html  # the saved model of a deployed project is kept
    assert entries(emu)[-1]["action"] == "dry-run decommission listing"


def test_decommission_disables_an_inactive_deployment_and_labels_models_only_when_told(emu):
    history(emu, last_update=now_ms() - 200 * DAY)
    html = decommission(emu, dry_run=False)
    assert deployment(emu)["enabled"] is True and "disabled" not in html  # default: deployments only listed
    html = decommission(emu, dry_run=False, **DISABLE)
    assert "served by deployment fraud-prod" in html and "labelled" not in html  # in use: kept unless told
    if UPDATES_CLIENT:
        assert deployment(emu)["enabled"] is False and "disabled and updated" in html
        (done,) = entries(emu, action="decommissioned")
        assert done["detail"].startswith("deployment fraud-prod: disabled and updated")
    else:
        assert deployment(emu)["enabled"] is True and row(html, "deployment", "fraud-prod")[2] == "UNKNOWN"
    emu.state.update(lambda d: d["dss"].__setitem__("keeps_version_labels", True))  # UNCONFIRMED that DSS keeps them
    html = decommission(emu, dry_run=False, include_models_in_use=True, model_action="label", **DISABLE)
    version = emu.state.snapshot()["dss"]["projects"][PROJECT]["saved_models"]["fraud_model"]["versions"][1]
    assert any(lb["key"] == "model-guardrails:archived" for lb in version["userMeta"]["labels"]), version
    assert entries(emu, action="decommissioned")[-1]["detail"].startswith("saved model fraud_model: labelled")
    if UPDATES_CLIENT:  # the disabling update is activity: not acted on twice
        assert [e["detail"].split(":")[0] for e in entries(emu, action="decommissioned")] == [
            "deployment fraud-prod", "saved model fraud_model"]


def test_a_recent_update_is_activity_and_unreadable_activity_is_never_archived(emu):
    history(emu, last_update=now_ms() - 2 * DAY)
    emu.state.add_fault(node="dss", path=r"/savedmodels/fraud_model/versions/v2/snippet", status=500,
                        body="<html>boom</html>")
    html = decommission(emu, dry_run=False, include_models_in_use=True, model_action="label", **DISABLE)
    assert deployment(emu)["enabled"] is True
    model = row(html, "saved model", "fraud_model")
    assert model[2] == "UNKNOWN" and "never archived" in model[5] and model[6] == "untouched", model
    labels = emu.state.snapshot()["dss"]["projects"][PROJECT]["saved_models"]["fraud_model"]["versions"][1]
    assert not labels.get("userMeta", {}).get("labels")
    assert not entries(emu, action="decommissioned")
    if UPDATES_CLIENT:
        assert row(html, "deployment", "fraud-prod")[2] == "ACTIVE"


def test_a_model_of_a_project_with_an_api_service_is_in_use_and_unreadable_services_are_unknown(emu):
    history(emu)
    emu.state.update(lambda d: d["dss"]["deployer"].__setitem__("deployments", {}))  # no Project Deployer use
    html = decommission(emu, dry_run=False, model_action="label")
    assert row(html, "saved model", "fraud_model")[6] == "labelled model-guardrails:archived on version v2 (NOT read " \
        "back) (audit entry: DSS audit trail (customMsgType 'model-guardrails-gate'))"
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT].__setitem__(
        "api_services", {"fraud_api": {"endpoints": [{"id": "score"}]}}))
    html = decommission(emu, dry_run=False, model_action="label")
    model = row(html, "saved model", "fraud_model")
    assert "served by API service fraud_api" in model[5] and model[6] == "untouched"
    emu.state.add_fault(node="dss", path=r"/apiservices/$", status=500, body="<html>boom</html>")
    html = decommission(emu, dry_run=False, model_action="label", include_models_in_use=True)
    model = row(html, "saved model", "fraud_model")
    assert model[2] == "UNKNOWN" and "API services could not be read" in model[5] and model[6] == "untouched"


def test_decommission_with_unreadable_deployments_touches_no_model(emu):
    history(emu, last_update=now_ms() - 200 * DAY)
    emu.state.add_fault(node="dss", method="GET", path=r"^/project-deployer/projects/" + PROJECT + "$", status=500,
                        body="<html>boom</html>")
    html = decommission(emu, dry_run=False, include_models_in_use=True, model_action="label")
    assert "whether it is in use is unknown" in html and not entries(emu, action="decommissioned")


@pytest.mark.parametrize("behaviour, after", [("fail_result", "put back to enabled"),
                                              ("hang", "left disabled (enabled=false)")])
def test_a_disabled_deployment_whose_update_does_not_finish(emu, behaviour, after):
    history(emu, last_update=now_ms() - 200 * DAY)
    behave(emu, behaviour)
    html = decommission(emu, dry_run=False, update_timeout_seconds=1, **DISABLE)
    if not UPDATES_CLIENT:  # before 14.3 (no get_update) the deployment's activity is unknown: never disabled
        assert row(html, "deployment", "fraud-prod")[2] == "UNKNOWN" and deployment(emu)["enabled"] is True
        assert not entries(emu, action="decommission failed") and not entries(emu, action="decommissioned")
        return
    assert deployment(emu)["enabled"] is (behaviour == "fail_result")
    action = row(html, "deployment", "fraud-prod")[6]
    assert action.startswith("NOT archived") and after in action and "(audit entry: DSS audit trail" in action
    (failed,) = entries(emu, action="decommission failed")
    assert after in failed["detail"]


def published(emu):
    return [p["id"] for p in emu.state.snapshot()["dss"]["deployer"]["projects"][PROJECT]["packages"]]


def test_bundle_deletion_of_an_inactive_published_project(emu):
    # published 37-40 days ago, last update 200 days ago: inactive for 30 days
    history(emu, last_update=now_ms() - 200 * DAY)
    html = decommission(emu, inactive_days=30, bundle_action="delete")
    assert published(emu) == ["b1", "b2", "b3", "b4"]
    if not UPDATES_CLIENT:  # the deployments' activity is unknown, so the published project's too
        assert row(html, "published project", PROJECT)[2] == "UNKNOWN"
        assert all(row(html, "published bundle", b)[2] == "KEEP" for b in ("b1", "b2", "b3", "b4"))
        return
    assert row(html, "published project", PROJECT)[2] == "INACTIVE"
    assert [row(html, "published bundle", b)[6] for b in ("b1", "b2")] == ["would delete (dry run)"] * 2
    assert row(html, "published bundle", "b3")[5] == "the rollback target of the newest approved bundle b4"
    assert row(html, "published bundle", "b4")[5] == "used by deployment(s) fraud-prod"
    assert "published bundle b1 delete" in entries(emu)[-1]["detail"] and entries(emu)[-1]["decision"] == "LISTING"
    emu.state.add_fault(node="dss", method="DELETE", path=r"^/project-deployer/projects/[^/]+/bundles/b2$",
                        status=500, body={"errorType": "com.dataiku.dip.exceptions.CodedException", "message": "no"})
    html = decommission(emu, inactive_days=30, bundle_action="delete", dry_run=False)
    assert published(emu) == ["b2", "b3", "b4"] and deployment(emu)["bundleId"] == "b4"
    assert row(html, "published bundle", "b1")[6].startswith("deleted from the Project Deployer (audit entry: DSS")
    assert row(html, "published bundle", "b2")[6].startswith("NOT deleted")
    done = [e["detail"] for e in entries(emu, action="decommissioned")]
    assert len(done) == 1 and done[0].startswith("published bundle b1: deleted")
    (failed,) = entries(emu, action="decommission failed")
    assert failed["detail"].startswith("published bundle b2: NOT deleted")


def test_no_bundle_is_deleted_when_the_approval_record_or_the_project_is_not_known_inactive(emu):
    history(emu, last_update=now_ms() - 200 * DAY)
    decommission(emu, bundle_action="delete", dry_run=False)  # 90 days: published 37-40 days ago is activity
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["variables"]["local"].update({ledger.VARIABLE: []}))
    html = decommission(emu, inactive_days=30, bundle_action="delete", dry_run=False)
    assert published(emu) == ["b1", "b2", "b3", "b4"] and not entries(emu, action="decommissioned")
    if UPDATES_CLIENT:
        assert "approval record cannot be read" in row(html, "published bundle", "b1")[5]


def test_update_futures_answer_like_dss(emu):
    history(emu)
    dep = dataikuapi.DSSClient(emu.url, DSS_KEY).get_projectdeployer().get_deployment("fraud-prod")
    for behaviour in (None, "fail", "fail_result", "dead", "hang"):
        behave(emu, behaviour)
        future = dep.start_update()
        assert future.state == {"jobId": future.job_id, "alive": True, "hasResult": False}, behaviour
        if behaviour == "fail":  # the failure shows on the poll only (UNCONFIRMED body)
            with pytest.raises(dataikuapi.utils.DataikuException, match="CodedException"):
                future.get_state()
            continue
        state = future.get_state()
        assert "failure" not in state
        assert (state["alive"], state["hasResult"]) == {None: (False, True), "fail_result": (False, True),
                                                        "dead": (False, False), "hang": (True, False)}[behaviour]
        if state["hasResult"]:
            assert state["result"]["error"] is (behaviour == "fail_result")


def test_settings_keep_no_emulator_state_and_a_key_without_deploy_rights_is_refused(emu):
    history(emu)
    dep = dataikuapi.DSSClient(emu.url, DSS_KEY).get_projectdeployer().get_deployment("fraud-prod")
    settings = dep.get_settings()
    settings.bundle_id = "b3"
    settings.save()
    assert set(dep.get_settings().get_raw()) == {"id", "publishedProjectKey", "infraId", "bundleId", "enabled"}
    assert deployed(emu) == "b4"  # not updated yet
    emu.state.update(lambda d: d["dss"]["api_keys"][DSS_KEY].update(can_deploy=False))
    with pytest.raises(dataikuapi.utils.DataikuException, match="Unauthorized"):
        settings.save()
    with pytest.raises(dataikuapi.utils.DataikuException, match="Unauthorized"):
        dep.start_update()


def test_update_route_is_strict(emu):
    history(emu)
    client = dataikuapi.DSSClient(emu.url, DSS_KEY)
    dep = client.get_projectdeployer().get_deployment("fraud-prod")
    settings = dep.get_settings()
    settings.bundle_id = "no-such-bundle"
    with pytest.raises(dataikuapi.utils.DataikuException, match="NotFound"):
        settings.save()
    settings.get_raw()["infraId"] = "other"
    settings.bundle_id = "b3"
    with pytest.raises(dataikuapi.utils.DataikuException, match="cannot be changed"):
        settings.save()
    with pytest.raises(dataikuapi.utils.DataikuException, match="NotFound"):
        client.get_projectdeployer().get_deployment("nope").start_update()


# -- decommission-inactive: the last Model Evaluation Store evaluation as activity ---------------

def evaluate(emu, model, store="monitoring"):
    """One custom evaluation added through the real client (created now), linked to ``model``."""
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT].setdefault("evaluation_stores", {}).setdefault(
        store, {"name": "Monitoring", "evaluations": []}))
    mes = dataikuapi.DSSClient(emu.url, DSS_KEY).get_project(PROJECT).get_model_evaluation_store(store)
    mes.add_custom_model_evaluation([{"metricCode": "auc", "value": 0.91, "name": "AUC", "description": ""}],
                                    evaluation_id="daily{}".format(len(stores(emu).get(store, {}).get("evaluations", []))),
                                    model=model)


def stores(emu):
    return emu.state.snapshot()["dss"]["projects"][PROJECT].get("evaluation_stores", {})


def unused_model(emu):
    history(emu)
    emu.state.update(lambda d: d["dss"]["deployer"].__setitem__("deployments", {}))  # not in use
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["saved_models"].__setitem__("other_model", {
        "name": "other", "versions": [{"id": "v1", "active": True, "snippet": {"trainDate": now_ms() - 400 * DAY}}]}))


def test_a_recent_evaluation_of_the_model_is_activity_even_without_retraining(emu):
    unused_model(emu)
    model = row(decommission(emu), "saved model", "fraud_model")
    assert model[2] == "INACTIVE" and "Model Evaluation Store evaluation linked to it (created): none" in model[4]
    evaluate(emu, "S-{}-other_model-v1".format(PROJECT))  # another model's evaluation does not count
    evaluate(emu, None)                                   # nor one linked to no model
    html = decommission(emu, dry_run=False, model_action="label")
    model = row(html, "saved model", "fraud_model")
    assert model[2] == "INACTIVE" and "labelled" in model[6], model
    assert row(html, "saved model", "other_model")[2] == "ACTIVE"
    evaluate(emu, "S-{}-fraud_model-v1".format(PROJECT))  # an evaluation of any of its versions counts
    html = decommission(emu, dry_run=False, model_action="label")
    model = row(html, "saved model", "fraud_model")
    assert model[2] == "ACTIVE" and model[6] == "untouched", model
    assert "store monitoring, evaluation daily2, " + model[3] in model[4], model
    assert len(entries(emu, action="decommissioned")) == 1  # only the first, INACTIVE run labelled it


def test_unreadable_stores_or_an_implausible_evaluation_date_make_every_model_unknown(emu):
    unused_model(emu)
    evaluate(emu, "S-{}-fraud_model-v2".format(PROJECT))
    emu.state.add_fault(node="dss", method="GET", path=r"/(model)?evaluationstores/?$", status=500,
                        body="<html>boom</html>")
    html = decommission(emu, dry_run=False, model_action="label")
    for model_id in ("fraud_model", "other_model"):
        model = row(html, "saved model", model_id)
        assert model[2] == "UNKNOWN" and "Model Evaluation Stores could not be read" in model[5], model
        assert model[6] == "untouched"
    assert not entries(emu, action="decommissioned")


def test_an_evaluation_date_in_seconds_is_unknown_never_inactive(emu):
    unused_model(emu)
    evaluate(emu, "S-{}-fraud_model-v2".format(PROJECT))
    emu.state.update(lambda d: d["dss"]["projects"][PROJECT]["evaluation_stores"]["monitoring"]["evaluations"][0]
                     .__setitem__("created", (now_ms() - 200 * DAY) // 1000))
    html = decommission(emu, dry_run=False, model_action="label")
    model = row(html, "saved model", "fraud_model")
    assert model[2] == "UNKNOWN" and "not epoch milliseconds" in model[5] and model[6] == "untouched", model
    assert row(html, "saved model", "other_model")[2] == "INACTIVE"


def test_evaluation_store_reads_are_strict(emu):
    project = dataikuapi.DSSClient(emu.url, DSS_KEY).get_project(PROJECT)
    assert project.list_model_evaluation_stores() == []
    evaluate(emu, None)
    (store,) = project.list_model_evaluation_stores()
    assert (getattr(store, "mes_id", None) or store.id) == "monitoring"
    for call in (lambda: project.get_model_evaluation_store("nope").list_model_evaluations(),
                 lambda: project.get_model_evaluation_store("monitoring").get_model_evaluation("nope").get_full_info()):
        with pytest.raises(dataikuapi.utils.DataikuException) as err:
            call()
        assert "404" in str(err.value) or "not found" in str(err.value).lower(), err.value
    client = dataikuapi.DSSClient(emu.url, DSS_KEY)
    for path, flavor in (("evaluationstores", "BAD"), ("modelevaluationstores", "TABULAR")):  # 14.3+ / before
        with pytest.raises(dataikuapi.utils.DataikuException) as err:
            client._perform_json("GET", "/projects/{}/{}/".format(PROJECT, path), params={"flavor": flavor})
        assert "400" in str(err.value) or "flavor" in str(err.value), err.value
    assert [s["mesFlavor"] for s in client._perform_json("GET", "/projects/{}/evaluationstores/".format(PROJECT),
                                                         params={"flavor": "LLM"})] == []

"""Pure gate logic: sign-off decision, parameters, bundle ids, prune selection, status flags."""
from datetime import datetime, timezone

import pytest

from model_guardrails import gate
from model_guardrails.gate import bundles as b, bundle_ids
from model_guardrails.errors import ConfigError
import helpers

ITEM = gate.GovernedItem(kind="project", dss_label="project FRAUD_DETECTION", dataiku_artifact_id="ar.1",
                         govern_artifact_id="ar.2", govern_name="Fraud detection")
NOW = datetime(2025, 10, 27, 9, 30, tzinfo=timezone.utc)


def signoff(status, final=None, user="risk.officer"):
    body = {"status": status, "feedbackResponses": [], "approverResponse": None}
    if final:
        body["approverResponse"] = {"status": final, "user": user, "date": 1761557400000}
    return body


def test_only_approved_with_final_approval_approves():
    decision = gate.decide_signoff(signoff("APPROVED", "APPROVED"), ITEM, "review")
    assert decision.approved and decision.code == gate.APPROVE
    assert decision.approver == "risk.officer"
    assert decision.approved_on == "2025-10-27 09:30 UTC"  # 1761557400000 ms since the epoch


@pytest.mark.parametrize("status", ["NOT_STARTED", "WAITING_FOR_FEEDBACK", "WAITING_FOR_APPROVAL", "REJECTED",
                                    "ABANDONED", "approved", "SOMETHING_NEW"])
def test_every_other_status_refuses_and_says_why(status):
    decision = gate.decide_signoff(signoff(status, "APPROVED"), ITEM, "review")
    assert not decision.approved and decision.code == gate.REFUSE_STATUS
    assert "step 'review' of project FRAUD_DETECTION is {}".format(status) in decision.reason


def test_waiting_for_approval_message_names_who_must_sign():
    decision = gate.decide_signoff(signoff("WAITING_FOR_APPROVAL"), ITEM, "review")
    assert decision.reason == ("Govern sign-off on step 'review' of project FRAUD_DETECTION is WAITING_FOR_APPROVAL: "
                               "the approvers of the Govern project 'Fraud detection' (ar.2) must approve it before "
                               "a bundle can be created.")


@pytest.mark.parametrize("final", [None, "REJECTED", "ABANDONED"])
def test_final_approval_required_by_default(final):
    decision = gate.decide_signoff(signoff("APPROVED", final), ITEM, "review")
    assert not decision.approved and decision.code == gate.REFUSE_FINAL
    assert gate.decide_signoff(signoff("APPROVED", final), ITEM, "review", require_final_approval=False).approved


@pytest.mark.parametrize("raw", [None, [], "APPROVED", {}, {"status": None}, {"status": 1}])
def test_unreadable_signoff_refuses(raw):
    decision = gate.decide_signoff(raw, ITEM, "review")
    assert not decision.approved and decision.code == gate.REFUSE_MALFORMED


def test_connection_preset_validation_never_echoes_the_key():
    with pytest.raises(ConfigError, match="govern_url"):
        gate.parse_govern_connection({"govern_url": "ftp://x", "api_key": "k"})
    with pytest.raises(ConfigError, match="without user or password") as err:
        gate.parse_govern_connection({"govern_url": "https://u:topsecret@govern", "api_key": "k"})
    assert "topsecret" not in str(err.value)
    with pytest.raises(ConfigError, match="api_key") as err:
        gate.parse_govern_connection({"govern_url": "https://govern", "api_key": 12345})
    assert "12345" not in str(err.value)
    conn = gate.parse_govern_connection({"govern_url": "https://govern/", "api_key": " k1 "})
    assert (conn.govern_url, conn.api_key, conn.verify_tls, conn.timeout_seconds) == ("https://govern", "k1", True, 30.0)
    assert "k1" not in repr(conn)
    with pytest.raises(ConfigError, match="govern_connection"):
        gate.parse_gate_params({"version": "1"})


def test_bundle_id_template():
    assert bundle_ids.render_bundle_id(gate.DEFAULT_TEMPLATE, "FRAUD_DETECTION", "1.0", now=NOW) == \
        "FRAUD_DETECTION-v1.0-approved-2025-10-27"
    assert bundle_ids.render_bundle_id("{project_slug}-v{version}-{status}-{date}", "FRAUD_DETECTION", "1.0", now=NOW) == \
        "fraud-detection-v1.0-approved-2025-10-27"


@pytest.mark.parametrize("version", ["1/0", "1?x", "1#2", "1%2F", "1 0", "../1", "1\\0", "é"])
def test_bundle_id_with_path_breaking_characters_is_rejected(version):
    with pytest.raises(ConfigError, match="bundle_id_template"):
        bundle_ids.render_bundle_id(gate.DEFAULT_TEMPLATE, "P", version, now=NOW)


@pytest.mark.parametrize("template", ["{project}-{version}", "{version", "x{version}}", "{__class__}"])
def test_unknown_or_broken_placeholders_are_rejected(template):
    with pytest.raises(ConfigError, match="bundle_id_template"):
        bundle_ids.check_template(template, "1")


def test_version_required_when_template_uses_it():
    with pytest.raises(ConfigError, match="'version'"):
        gate.parse_gate_params({"govern_connection": {"govern_url": "http://g", "api_key": "k"}})


def _bundle(bundle_id, day, location="design", notes=""):
    return b.BundleInfo(bundle_id, location, created_ms=day * 86400000.0, release_notes=notes)


def _approvals(approved=(), not_approved=(), unknown=()):
    out = {i: b.BundleApproval(gate.APPROVED, "APPROVED") for i in approved}
    out.update({i: b.BundleApproval(b.NOT_APPROVED, "NOT_STARTED") for i in not_approved})
    out.update({i: b.BundleApproval(b.UNKNOWN, note="Govern has no item for bundle " + i) for i in unknown})
    return out


def test_prune_keeps_newest_deployed_and_newest_approved():
    exported = [_bundle("v{}".format(i), i) for i in range(1, 8)]
    published = [_bundle("v{}".format(i), i, "deployer") for i in (1, 2, 6, 7)]
    approvals = _approvals(approved={"v2"}, not_approved={"v1", "v4", "v5", "v6", "v7"})
    plan = b.plan_prune(exported, published, {"v1": ["prod"]}, approvals, {"v3"}, keep=2)
    deleted = {(i.location, i.bundle_id) for i in plan if i.action == "delete"}
    assert deleted == {("design", "v2"), ("design", "v4"), ("design", "v5"), ("deployer", "v2")}
    reasons = {(i.location, i.bundle_id): i.reason for i in plan}
    assert reasons[("design", "v1")] == "used by deployment prod"
    assert reasons[("deployer", "v1")] == "used by deployment prod"
    assert reasons[("design", "v3")] == "newest approved bundle"  # gate record; v3 is newer than v2


def test_prune_keeps_every_bundle_whose_approval_is_unknown():
    """Issue 11 item 1: 'not found' or an unreadable answer is never 'not approved'."""
    exported = [_bundle("v{}".format(i), i) for i in range(1, 6)]
    approvals = _approvals(not_approved={"v1", "v2"}, unknown={"v3", "v4", "v5"})
    plan = b.plan_prune(exported, [], {}, approvals, set(), keep=1)
    assert {i.bundle_id for i in plan if i.action == "delete"} == {"v1", "v2"}
    reasons = {i.bundle_id: i.reason for i in plan}
    assert reasons["v4"].startswith("approval could not be established (Govern has no item for bundle v4)")
    plan = b.plan_prune(exported, [], {}, {}, set(), keep=1)  # nothing looked up: nothing deleted
    assert {i.action for i in plan} == {"keep"}


def test_prune_never_deletes_undated_or_unsafe_ids():
    exported = [_bundle("new", 9), b.BundleInfo("undated", "design", None), _bundle("bad/id", 1)]
    plan = b.plan_prune(exported, [], {}, _approvals(not_approved={"new", "undated", "bad/id"}), set(), keep=1)
    assert [i.action for i in plan] == ["keep", "keep", "keep"]


def test_status_flags_published_or_deployed_without_approval():
    exported = [_bundle("gated", 3), _bundle("manual", 2), _bundle("draft", 1)]
    published = [_bundle("gated", 3, "deployer"), _bundle("manual", 2, "deployer")]
    rows = b.status_rows(exported, published, {"manual": ["prod"]}, {}, {"gated"})
    flags = {r.bundle_id: r.flag for r in rows}
    assert flags == {"gated": "", "manual": "DEPLOYED WITHOUT APPROVAL", "draft": ""}
    rows = b.status_rows(exported, published, {}, _approvals(approved={"manual"}), set())
    assert {r.bundle_id: r.flag for r in rows} == {"gated": "PUBLISHED WITHOUT APPROVAL", "manual": "", "draft": ""}


def test_evidence():
    ok, lines = gate.evaluate_evidence({"drift": [{"name": "drift", "outcome": "WARNING"}]})
    assert ok
    ok, lines = gate.evaluate_evidence({"drift": [{"name": "drift", "outcome": "WARNING"}]}, allow_warning=False)
    assert not ok and "outcome WARNING" in lines[0]
    ok, lines = gate.evaluate_evidence({"drift": [{"name": "psi", "outcome": "ERROR", "message": "psi=0.4"}]})
    assert not ok and "ERROR" in lines[0] and "psi=0.4" in lines[0]
    ok, lines = gate.evaluate_evidence({"drift": []})
    assert not ok and "no check" in lines[0]


@pytest.mark.parametrize("outcome", ["EMPTY", "FAILED", "SKIPPED", "", None, "SOMETHING_NEW"])
def test_evidence_refuses_every_outcome_it_cannot_read_as_passing(outcome):
    """Issue 11 item 2: only OK and WARNING pass; the refusal names the dataset, rule and outcome."""
    ok, lines = gate.evaluate_evidence({"drift_metrics": [{"name": "drift-check", "outcome": "OK"},
                                                          {"name": "psi-rule", "outcome": outcome}]})
    assert not ok
    assert lines[0].startswith("dataset drift_metrics: rule 'psi-rule' outcome {}".format(outcome or "missing"))


def test_signoff_steps_read_both_shapes():
    assert gate.signoff_steps([{"signoffId": {"artifactId": "ar.6", "stepId": "review"}, "status": "APPROVED"},
                               {"stepId": "approval"}]) == ["review", "approval"]
    for bad in ({"signoffs": []}, [{"status": "APPROVED"}], ["review"]):
        with pytest.raises(ValueError):
            gate.signoff_steps(bad)


def test_every_signoff_of_the_item_must_approve():
    approved = signoff("APPROVED", "APPROVED")
    assert gate.decide_signoffs([("review", approved), ("approval", approved)], ITEM).approved
    decision = gate.decide_signoffs([("review", approved), ("approval", signoff("WAITING_FOR_APPROVAL"))], ITEM)
    assert not decision.approved and decision.reason.startswith("1 of the 2 sign-offs")
    decision = gate.decide_signoffs([], ITEM)
    assert not decision.approved and decision.code == gate.REFUSE_NO_SIGNOFF and "no sign-off" in decision.reason


def test_release_notes_fit_the_url_and_say_where_they_were_cut():
    from urllib.parse import quote_plus

    short, cut = gate.fit_release_notes("Quarterly retrain")
    assert (short, cut) == ("Quarterly retrain", False)
    text = "Änderung & Größe: " * 2000  # encodes to ~3x its length
    notes, cut = gate.fit_release_notes(text)
    assert cut and len(quote_plus(notes)) <= gate.RELEASE_NOTES_MAX_ENCODED
    assert text.startswith(notes[:notes.index("\n[Cut here")]) and "36000 characters" in notes


def test_a_query_in_the_govern_url_is_never_echoed():
    with pytest.raises(ConfigError) as err:
        gate.parse_govern_connection({"govern_url": "https://govern.example.com/?apiKey=s3cr3t", "api_key": "k"})
    assert "s3cr3t" not in str(err.value) and "<hidden>" in str(err.value)


def test_approval_record():
    from model_guardrails.gate import ledger

    approved = gate.decide_signoff(signoff("APPROVED", "APPROVED"), ITEM, "review")
    record = ledger.entry("FRAUD_DETECTION", "b1", approved, ITEM, "ds", NOW)
    variables = ledger.written({"standard": {"x": 1}, "local": {}}, record)
    assert variables["standard"] == {"x": 1} and ledger.gate_approved(ledger.read(variables)["b1"])
    variables = ledger.written(variables, ledger.with_state(record, ledger.EXPORT_FAILED))
    assert not ledger.gate_approved(ledger.read(variables)["b1"])
    with pytest.raises(ValueError, match="unreadable entry"):
        ledger.read({"standard": {}, "local": {ledger.VARIABLE: {"b1": {"bundleId": "other"}}}})
    assert ledger.read({"standard": {}, "local": {}}) == {}


@pytest.mark.parametrize("url", ["govern.example.com/?api_key=s3cr3t", "ftp://h/?api_key=s3cr3t",
                                 "https://:s3cr3t@/x", "https://user:s3cr3t@govern.example.com",
                                 "https://govern.example.com/#s3cr3t"])
def test_no_bad_govern_url_is_echoed_with_its_secret(url):
    with pytest.raises(ConfigError) as err:
        gate.check_url(url, "govern_connection.govern_url")
    assert "s3cr3t" not in str(err.value)


def test_unreadable_feedback_does_not_break_the_decision():
    body = dict(signoff("APPROVED", "APPROVED"), feedbackResponses=5)
    assert gate.decide_signoff(body, ITEM, "review").approved


def test_govern_names_default_to_the_plugin_settings_defaults():
    import json
    import os

    root = helpers.ROOT
    with open(os.path.join(root, "plugin.json")) as f:
        settings = {p["name"]: p.get("defaultValue") for p in json.load(f)["params"]
                    if p["type"] != "SEPARATOR" and not p["name"].startswith("policy_")}  # policy: its own test
    defaults = gate.GovernNames()
    assert settings == {"govern_" + k: v for k, v in vars(defaults).items()}
    assert gate.parse_govern_names({}) == defaults == gate.parse_govern_names({"govern_bp_bundle": "  "})
    custom = gate.parse_govern_names({"govern_field_bundle_id": "bundleId"})
    assert custom.field_bundle_id == "bundleId" and custom.changed() == {"govern_field_bundle_id": "bundleId"}


def test_what_govern_holds_instead_is_described():
    lacking = gate.describe_found_fields("bp.x", {"node_id": "n", "version_id": "v2"},
                                         [{"node_id": "n", "versionId": "v2"}])
    assert "no field 'version_id'" in lacking and "versionId" in lacking
    values = gate.describe_found_fields("bp.x", {"project_key": "P"}, [{"project_key": "Q"}])
    assert "none with project_key=P" in values and "Q" in values
    raw = [{"blueprint": {"id": "bp.system.dataiku_bundle"}}, {"blueprint": {"id": "bp.system.govern_bundle"}}, {}]
    assert gate.describe_found_blueprints("bp.custom", raw).endswith("its Dataiku blueprints are: bp.system.dataiku_bundle")
    assert "exists but has no item" in gate.describe_found_blueprints("bp.system.dataiku_bundle", raw)


def test_each_id_kind_describes_itself():
    """Kinds sharing a pattern keep their own words (re.compile caches equal patterns as one object)."""
    with pytest.raises(ConfigError) as err:
        gate.parse_step({"signoff_step": "a/b"})
    assert "workflow step id" in str(err.value) and "audit" not in str(err.value)


# -- the creation and publication decisions, over fetched facts (no HTTP) ----------------------

APPROVED_SIGNOFF = gate.decide_signoff(signoff("APPROVED", "APPROVED"), ITEM, "review")


def creation_params(policy=None, **config):
    """Gate params with ``policy`` ({field: value}) as the plugin settings' qualification policy."""
    config.setdefault("govern_connection", {"govern_url": "https://govern.example.com", "api_key": "k"})
    config.setdefault("version", "1.0")
    return gate.parse_gate_params(config, {"policy_" + k: v for k, v in (policy or {}).items()})


# A preset whose rules all pass on an empty project (the admin turned the evidence, tags and card rules off).
OPEN_POLICY = {"evidence_level": "off", "sensitivity_tags_level": "off", "model_card_level": "off"}
QUALIFIED = gate.QualificationFacts(records={}, bundles=())


def test_creation_needs_every_rule_to_pass():
    params = creation_params(policy=OPEN_POLICY)
    ok = gate.decide_creation(gate.CreationFacts(APPROVED_SIGNOFF, "FRAUD", frozenset(), QUALIFIED), params, NOW)
    assert ok.decision.approved and ok.bundle_id == "FRAUD-v1.0-approved-2025-10-27"
    # the sign-off refusal is the decision, untouched
    waiting = gate.decide_signoff(signoff("WAITING_FOR_APPROVAL"), ITEM, "review")
    assert gate.decide_creation(gate.CreationFacts(waiting, "FRAUD"), params, NOW).decision == waiting
    # a fetch that failed after the sign-offs, a collision, a template giving no valid id
    failed = gate.decide_creation(gate.CreationFacts(APPROVED_SIGNOFF, "FRAUD", failure=(gate.REFUSE_TIMEOUT, "slow")),
                                  params, NOW).decision
    assert not failed.approved and failed.code == gate.REFUSE_TIMEOUT and failed.signoff_status == "APPROVED"
    taken = gate.decide_creation(gate.CreationFacts(APPROVED_SIGNOFF, "FRAUD", frozenset([ok.bundle_id]), QUALIFIED),
                                 params, NOW).decision
    assert not taken.approved and taken.code == gate.REFUSE_BUNDLE_ID and "already exists" in taken.reason
    bad = gate.decide_creation(gate.CreationFacts(APPROVED_SIGNOFF, "FRAUD", frozenset(), QUALIFIED),
                               creation_params(version="1/0", policy=OPEN_POLICY), NOW).decision
    assert not bad.approved and bad.code == gate.REFUSE_BUNDLE_ID
    unlisted = gate.decide_creation(gate.CreationFacts(APPROVED_SIGNOFF, "FRAUD", None, QUALIFIED), params,
                                    NOW).decision
    assert not unlisted.approved
    # the rules' data not fetched at all: refused
    unfetched = gate.decide_creation(gate.CreationFacts(APPROVED_SIGNOFF, "FRAUD", frozenset()), params, NOW).decision
    assert not unfetched.approved and unfetched.code == gate.REFUSE_MALFORMED


def test_an_unaudited_approval_is_withdrawn():
    withdrawn = gate.withdraw_unaudited(APPROVED_SIGNOFF, False, "nowhere", audit_required=True)
    assert not withdrawn.approved and withdrawn.code == gate.REFUSE_AUDIT and "audit_required" in withdrawn.reason
    assert "audit_required" not in gate.withdraw_unaudited(APPROVED_SIGNOFF, False, "nowhere").reason
    assert gate.withdraw_unaudited(APPROVED_SIGNOFF, False, "nowhere", audit_required=False) is APPROVED_SIGNOFF
    assert gate.withdraw_unaudited(APPROVED_SIGNOFF, True, "DSS") is APPROVED_SIGNOFF


def test_publication_needs_the_bundle_its_record_and_its_govern_approval():
    assert gate.decide_publication("b1", "P", True, True, APPROVED_SIGNOFF) is APPROVED_SIGNOFF
    assert not gate.decide_publication("b1", "P", True, True, None).approved
    for exists, recorded in ((False, True), (True, False)):
        decision = gate.decide_publication("b1", "P", exists, recorded, APPROVED_SIGNOFF)
        assert not decision.approved and decision.code == gate.REFUSE_NOT_FOUND


def test_gate_component_params_are_their_descriptors_and_unknown_keys_are_logged(caplog):
    import glob
    import json
    import os

    root = helpers.ROOT
    found = {}
    for path in glob.glob(os.path.join(root, "python-runnables", "*", "runnable.json")) + glob.glob(
            os.path.join(root, "python-project-standards-check-specs", "*", "project_standards_check_spec.json")):
        with open(path) as f:
            found[os.path.basename(os.path.dirname(path))] = {
                p["name"] for p in json.load(f)["params"] if p.get("type") != "SEPARATOR"}
    assert found == {k: set(v) for k, v in gate.COMPONENT_PARAMS.items()}
    with caplog.at_level("WARNING"):
        assert gate.warn_unknown_params({"legacy_option": 1, "keep": 3}, "prune-bundles") == ["legacy_option"]
    assert "prune-bundles: unknown parameter 'legacy_option', ignored" in caplog.text
    # a misspelt parameter would take its default (create's dry_run default is a real run): refused
    with pytest.raises(ConfigError, match=r"'dryrun' \(did you mean 'dry_run'\?\)"):
        gate.warn_unknown_params({"dryrun": True, "version": "1"}, "create-approved-bundle")
    with pytest.raises(ConfigError) as err:
        gate.warn_unknown_params({"govern_conection": {"api_key": "k-SECRET"}}, "governance-status")
    assert "k-SECRET" not in str(err.value)

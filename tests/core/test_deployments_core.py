"""The pure decisions after the gate: which bundle a rollback goes to, and which items are inactive."""
import pytest

from model_guardrails import gate
from model_guardrails.deployments import inactivity as ina
from model_guardrails.deployments.params import parse_decommission_params, parse_rollback_params
from model_guardrails.deployments.rollback import FORCED, RollbackFacts, decide_rollback
from model_guardrails.errors import ConfigError
from model_guardrails.gate import ledger


def rec(bundle_id, decided, decision="APPROVE", state=ledger.EXPORTED):
    return {"bundleId": bundle_id, "decision": decision, "state": state, "decidedOn": decided, "approver": "ro",
            "signoffStatus": "APPROVED", "signoffStep": "review"}


RECORDS = {"a": rec("a", "2026-01-01T00:00:00Z"), "b": rec("b", "2026-02-01T00:00:00Z", decision="REFUSE"),
           "c": rec("c", "2026-03-01T00:00:00Z", state=ledger.EXPORT_FAILED), "d": rec("d", "2026-04-01T00:00:00Z"),
           "e": rec("e", "2026-05-01T00:00:00Z")}
ALL = frozenset("abcdefx")


def facts(**kw):
    base = dict(deployment_id="dep", project_key="P", infra_id="prod", current="e", records=RECORDS, exported=ALL,
                published=ALL)
    base.update(kw)
    return RollbackFacts(**base)


def test_previous_is_the_newest_approved_exported_published_older_bundle():
    plan = decide_rollback(facts())
    assert plan.allowed and plan.target == "d" and plan.current == "e" and plan.target_record["bundleId"] == "d"
    # refused and failed exports are skipped; an unpublished or deleted one too
    assert decide_rollback(facts(current="d")).target == "a"
    assert decide_rollback(facts(published=ALL - {"d"})).target == "a"
    assert decide_rollback(facts(exported=ALL - {"d"})).target == "a"


@pytest.mark.parametrize("kw, code, words", [
    (dict(records=None, records_error="bad"), gate.REFUSE_MALFORMED, "cannot be read (bad)"),
    (dict(current="a"), gate.REFUSE_NOT_FOUND, "no bundle older than a"),
    (dict(current="x"), gate.REFUSE_NOT_FOUND, "no approval record"),
    (dict(target="e"), gate.REFUSE_NOT_FOUND, "already runs"),
    (dict(target="zz"), gate.REFUSE_NOT_FOUND, "does not exist"),
    (dict(target="a", published=ALL - {"a"}), gate.REFUSE_NOT_FOUND, "not published"),
    (dict(target="b"), gate.REFUSE_STATUS, "only goes to a bundle the gate approved"),
    (dict(target="x", force=True, force_reason="incident 42", is_admin=False), gate.REFUSE_FORBIDDEN,
     "only a DSS administrator"),
    (dict(target="x", force=True, force_reason="incident 42", is_admin=None), gate.REFUSE_FORBIDDEN,
     "could not be read"),
])
def test_refusals(kw, code, words):
    plan = decide_rollback(facts(**kw))
    assert not plan.allowed and plan.decision.code == code and words in plan.decision.reason


def test_two_decisions_in_the_same_second_are_ordered_by_export_time():
    same = {"a": rec("a", "2026-01-01T00:00:00Z"), "b": rec("b", "2026-01-01T00:00:00Z")}
    assert decide_rollback(facts(records=same, current="b", exported_on={"a": 1.0, "b": 2.0})).target == "a"
    assert not decide_rollback(facts(records=same, current="b", exported_on={"a": 3.0, "b": 2.0})).allowed


def test_only_an_admin_forces_and_an_approved_target_needs_no_force():
    plan = decide_rollback(facts(target="x", force=True, force_reason="incident 42", is_admin=True))
    assert plan.allowed and plan.forced and plan.decision.code == FORCED and "incident 42" in plan.decision.reason
    plan = decide_rollback(facts(target="a", force=True, force_reason="incident 42", is_admin=False))
    assert plan.allowed and not plan.forced


def test_rollback_params_are_validated():
    assert parse_rollback_params({"deployment_id": "dep-1"}).dry_run is True
    for config, field in [({}, "deployment_id"), ({"deployment_id": "a/b"}, "deployment_id"),
                          ({"deployment_id": "d", "target_bundle_id": "x?y"}, "target_bundle_id"),
                          ({"deployment_id": "d", "force": True, "target_bundle_id": "b"}, "force_reason"),
                          ({"deployment_id": "d", "force": True, "force_reason": "a long reason"}, "target_bundle_id")]:
        with pytest.raises(ConfigError, match=field):
            parse_rollback_params(config)
    assert parse_decommission_params({}).inactive_days == 90 and parse_decommission_params({}).dry_run
    with pytest.raises(ConfigError, match="deployment_action"):
        parse_decommission_params({"deployment_action": "delete"})


def test_deployments_are_only_listed_by_default_and_disabling_needs_the_opt_in_naming_the_risk():
    assert parse_decommission_params({}).deployment_action == "none"
    assert parse_decommission_params({}).model_action == "none" and parse_decommission_params({}).bundle_action == "none"
    with pytest.raises(ConfigError, match="disable_deployments_that_may_still_serve") as err:
        parse_decommission_params({"deployment_action": "disable"})
    assert "still serves" in str(err.value) and "UNCONFIRMED" in str(err.value)
    assert parse_decommission_params({"deployment_action": "disable",
                                      "disable_deployments_that_may_still_serve": True}).deployment_action == "disable"


NOW = 1_800_000_000_000.0


def act(kind=ina.DEPLOYMENT, age_days=100.0, error="", used_by=(), enabled=True, last=None):
    last = NOW - age_days * ina.DAY_MS if last is None and age_days is not None else last
    return ina.Activity(kind, "id", last, "evidence", error, used_by, enabled)


@pytest.mark.parametrize("activity, verdict, action", [
    (act(age_days=100), ina.INACTIVE, ina.ARCHIVE),
    (act(age_days=89.9), ina.ACTIVE, ina.KEEP),
    (act(age_days=None), ina.UNKNOWN, ina.KEEP),
    (act(error="HTTP 500"), ina.UNKNOWN, ina.KEEP),
    (act(last=NOW + 2 * ina.DAY_MS), ina.UNKNOWN, ina.KEEP),
    (act(enabled=False), ina.INACTIVE, ina.KEEP),
    (act(kind=ina.SAVED_MODEL, used_by=("dep",)), ina.INACTIVE, ina.KEEP),
    (act(kind=ina.SAVED_MODEL), ina.INACTIVE, ina.ARCHIVE),
])
def test_judgement(activity, verdict, action):
    j = ina.judge(activity, NOW, 90)
    assert (j.verdict, j.action) == (verdict, action), j.reason


def test_a_model_in_use_is_archived_only_when_told():
    assert ina.judge(act(kind=ina.SAVED_MODEL, used_by=("dep",)), NOW, 90, include_in_use=True).action == ina.ARCHIVE
    assert ina.newest_ms([None, True, "x", NOW - 5, NOW - 7.0]) == (NOW - 5, "") and ina.newest_ms([]) == (None, "")


@pytest.mark.parametrize("value", [1_700_000_000, 5, -1, 2e13])  # seconds, tiny, negative, beyond 2286
def test_a_date_not_plausible_as_epoch_ms_is_unknown_never_inactive(value):
    last, error = ina.newest_ms([NOW - 5, value])
    assert last is None and "not epoch milliseconds" in error and "UNCONFIRMED" in error
    j = ina.judge(act(last=value), NOW, 90)
    assert (j.verdict, j.action) == (ina.UNKNOWN, ina.KEEP) and "not epoch milliseconds" in j.reason


def test_decided_on_is_parsed_and_an_unreadable_one_is_never_a_candidate():
    # "2026-04-01T..." > "" as strings: a record without decidedOn used to read as the oldest candidate
    records = dict(RECORDS, d=dict(rec("d", "2026-04-01T00:00:00Z"), decidedOn=""),
                   a=dict(rec("a", "2026-01-01T00:00:00Z"), decidedOn="1 Jan 2026"))
    plan = decide_rollback(facts(records=records))
    assert not plan.allowed and plan.decision.code == gate.REFUSE_NOT_FOUND
    assert "a, d skipped" in plan.decision.reason and "decidedOn" in plan.decision.reason
    # the other candidates still count: only the unreadable one is skipped
    plan = decide_rollback(facts(records=dict(RECORDS, d=dict(rec("d", "x"), decidedOn=None))))
    assert plan.allowed and plan.target == "a"
    current = dict(RECORDS, e=dict(rec("e", "2026-05-01T00:00:00Z"), decidedOn="May 2026"))
    plan = decide_rollback(facts(records=current))
    assert not plan.allowed and "no readable decidedOn ('May 2026'" in plan.decision.reason


def test_a_named_target_newer_than_the_deployed_bundle_is_refused():
    plan = decide_rollback(facts(current="d", target="e"))
    assert not plan.allowed and plan.decision.code == gate.REFUSE_STATUS and "only goes to an older" in \
        plan.decision.reason
    assert decide_rollback(facts(current="e", target="a")).allowed
    records = dict(RECORDS, a=dict(rec("a", "?"), decidedOn="?"))
    plan = decide_rollback(facts(target="a", records=records))
    assert not plan.allowed and plan.decision.code == gate.REFUSE_MALFORMED and "decidedOn of a" in plan.decision.reason


# -- bundle deletion (bundle_action 'delete') ------------------------------------------------------

def project_judgement(age_days=100.0, error=""):
    return ina.judge(act(kind=ina.PUBLISHED_PROJECT, age_days=age_days, error=error), NOW, 90)


def test_only_unused_bundles_that_are_neither_the_newest_approved_nor_a_rollback_target_are_deleted():
    from model_guardrails.deployments.retire import DELETE, plan_bundle_deletion

    published = ["a", "b", "c", "d", "e", "x"]
    plans = {p.bundle_id: p for p in plan_bundle_deletion(project_judgement(), published, {"a": ("dep",)}, RECORDS)}
    assert {b for b, p in plans.items() if p.action == DELETE} == {"b", "c", "x"}
    assert plans["e"].reason == "the newest approved bundle"
    assert "rollback target of the newest approved bundle e" in plans["d"].reason
    assert plans["a"].reason == "used by deployment(s) dep"
    # a deployment's own rollback target is kept too
    plans = {p.bundle_id: p for p in plan_bundle_deletion(project_judgement(), published, {"d": ("dep",)}, RECORDS)}
    assert "rollback target of deployment(s) dep" in plans["a"].reason


@pytest.mark.parametrize("judgement, records, words", [
    (project_judgement(age_days=10), RECORDS, "is ACTIVE"),
    (project_judgement(error="HTTP 500"), RECORDS, "is UNKNOWN"),
    (project_judgement(), None, "approval record cannot be read"),
    (project_judgement(), dict(RECORDS, d=dict(rec("d", "?"), decidedOn="April")), "decidedOn of approved bundle(s) d"),
])
def test_nothing_is_deleted_when_anything_is_unknown(judgement, records, words):
    from model_guardrails.deployments.retire import KEEP, plan_bundle_deletion

    plans = plan_bundle_deletion(judgement, ["a", "b", "d", "x"], {}, records)
    assert [p.action for p in plans] == [KEEP] * 4 and all(words in p.reason for p in plans), plans


def test_an_unsafe_bundle_id_is_never_deleted():
    from model_guardrails.deployments.retire import KEEP, plan_bundle_deletion

    (plan,) = plan_bundle_deletion(project_judgement(), ["../x"], {}, {})
    assert plan.action == KEEP and "corrupt the API URL" in plan.reason


def evaluation(model="S-P-m-v1", created_days=1.0, store="mes", ev="e1", created=...):
    return ina.Evaluation(store, ev, NOW - created_days * ina.DAY_MS if created is ... else created, model)


def model_judgement(evaluations, train_age=200.0, evaluations_error="", used_by=()):
    activity = ina.saved_model_activity("P", "m", [NOW - train_age * ina.DAY_MS], "trainDate", evaluations,
                                        evaluations_error, used_by=used_by)
    return ina.judge(activity, NOW, 90)


def test_a_recent_evaluation_of_a_version_makes_an_untrained_model_active_with_its_evidence():
    assert model_judgement([]).verdict == ina.INACTIVE
    j = model_judgement([evaluation(created_days=100), evaluation(model="S-P-m-v7", created_days=2, ev="e2")])
    assert j.verdict == ina.ACTIVE and j.activity.last_ms == NOW - 2 * ina.DAY_MS
    assert "store mes, evaluation e2, " + j.last_seen in j.activity.evidence
    assert model_judgement([evaluation(created_days=95)]).verdict == ina.INACTIVE  # an old evaluation is no activity


@pytest.mark.parametrize("model", [None, "S-P-other-v1", "S-Q-m-v1", "S-P-m-", "S-P-mm-v1", "ME-P-m-v1", "S-P-m"])
def test_an_evaluation_of_another_model_or_of_none_does_not_count(model):
    j = model_judgement([evaluation(model=model)])
    assert j.verdict == ina.INACTIVE and "evaluation linked to it (created): none" in j.activity.evidence


def test_unreadable_stores_or_an_undated_or_implausible_evaluation_make_the_model_unknown():
    j = model_judgement([], evaluations_error="HTTP 500", train_age=1)
    assert j.verdict == ina.UNKNOWN and "Model Evaluation Stores could not be read (HTTP 500)" in j.reason
    j = model_judgement([evaluation(created=None)])
    assert j.verdict == ina.UNKNOWN and "evaluation e1 of store mes has no creation date" in j.reason
    j = model_judgement([evaluation(created=(NOW - 200 * ina.DAY_MS) / 1000)])  # seconds
    assert j.verdict == ina.UNKNOWN and "not epoch milliseconds" in j.reason
    # another model's implausible date is not this model's concern
    assert model_judgement([evaluation(model="S-P-x-v1", created=5.0)]).verdict == ina.INACTIVE

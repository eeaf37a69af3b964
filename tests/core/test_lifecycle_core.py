"""Issue 18, the pure parts: what a run adds to a Model Evaluation Store, and how a deployment's
status is decided (never OK with anything unknown)."""
import pandas as pd
import pytest

from model_guardrails.errors import ConfigError
from model_guardrails.evaluation_store import StoreTarget, evaluation_of
from model_guardrails.gate import bundles, ledger
from model_guardrails.gate import model_status as ms


def _performance(auc, run_id="r1"):
    return pd.DataFrame({"run_id": [run_id] * 2, "run_time": ["2026-01-01T00:00:00Z"] * 2, "window": ["__all__"] * 2,
                         "metric": ["roc_auc", "accuracy"], "value": [auc, 0.9], "warning_threshold": [None, None],
                         "error_threshold": [0.88, None], "direction": ["below", "below"],
                         "status": ["ERROR" if auc < 0.88 else "OK", "OK"], "reason": ["", ""]})


def test_evaluation_is_the_headline_of_the_run():
    evaluation = evaluation_of(_performance(0.8668), "evaluate-model", "0.1.0")
    assert evaluation.metric("roc_auc") == 0.8668 and evaluation.metric("accuracy") == 0.9
    labels = dict(evaluation.labels)
    assert labels == {"custom:guardrails_run_id": "r1", "custom:guardrails_recipe": "evaluate-model",
                      "custom:guardrails_worst_status": "ERROR", "custom:guardrails_decision_rule": "model-guardrails 0.1.0"}
    assert evaluation.evaluation_id == "evaluate_model-r1"
    from model_guardrails.checks import verdict

    frame = _performance(0.95)
    assert dict(evaluation_of(frame, "evaluate-model").labels)["custom:guardrails_worst_status"] == verdict(frame).outcome


def test_store_target_checks_ids_and_pairs():
    assert not StoreTarget.from_config({}).enabled
    target = StoreTarget.from_config({"evaluation_store_id": "mes1", "evaluation_saved_model": "m",
                                      "evaluation_model_version": "v2"})
    assert target.full_model_id("P") == "S-P-m-v2"
    for bad in ({"evaluation_store_id": "a/b"}, {"evaluation_saved_model": "m", "evaluation_model_version": "v"},
                {"evaluation_store_id": "s", "evaluation_saved_model": "m"}):
        with pytest.raises(ConfigError):
            StoreTarget.from_config(bad)


@pytest.mark.parametrize("parts, expected", [
    ({"drift": ms.OK, "fairness": ms.OK, "performance": ms.OK, "approval": ms.APPROVED}, ms.OK),
    ({"drift": ms.WARNING, "fairness": ms.NOT_MONITORED, "performance": ms.OK, "approval": ms.APPROVED}, ms.WARNING),
    ({"drift": ms.OK, "fairness": ms.OK, "performance": ms.OK, "approval": ms.NOT_APPROVED}, ms.ERROR),
    ({"drift": ms.ERROR, "fairness": ms.UNKNOWN, "performance": ms.OK, "approval": ms.APPROVED}, ms.UNKNOWN),
    ({"drift": ms.OK, "fairness": ms.OK, "performance": ms.OK, "approval": ms.UNKNOWN}, ms.UNKNOWN),
])
def test_overall_is_never_ok_with_anything_unknown(parts, expected):
    assert ms.overall({k: ms.Part(v) for k, v in parts.items()}) == expected
    assert ms.overall({k: ms.Part(v) for k, v in parts.items()}, read_error="settings not read") == ms.UNKNOWN


def test_approval_from_govern_or_the_gate_record():
    approved = bundles.BundleApproval(bundles.APPROVED, "APPROVED")
    refused = bundles.BundleApproval(bundles.NOT_APPROVED, "REJECTED")
    record = {"decision": "APPROVE", "state": ledger.EXPORTED}
    assert ms.judge_approval("b", approved, None).outcome == ms.APPROVED
    waiting = bundles.BundleApproval(bundles.NOT_APPROVED, "WAITING_FOR_APPROVAL")
    assert ms.judge_approval("b", waiting, record).outcome == ms.APPROVED  # the gate approved its creation
    for status in ("REJECTED", "ABANDONED"):  # Govern's readable refusal wins over the gate's record
        part = ms.judge_approval("b", bundles.BundleApproval(bundles.NOT_APPROVED, status), record)
        assert part.outcome == ms.NOT_APPROVED and "gate approval record: approved" in part.detail
    assert ms.judge_approval("b", None, record, govern_error="unreachable").outcome == ms.APPROVED
    assert ms.judge_approval("b", refused, None).outcome == ms.NOT_APPROVED
    assert ms.judge_approval("b", None, None, govern_error="unreachable").outcome == ms.UNKNOWN
    assert ms.judge_approval("b", bundles.BundleApproval(), None).outcome == ms.UNKNOWN


def test_monitoring_kinds_missing_or_unread():
    from model_guardrails.gate import EvidenceFacts, parse_plugin_policy

    policy = parse_plugin_policy({"policy_required_evidence": ["performance"]})
    parts = ms.judge_monitoring({}, (), policy)
    assert parts["performance"].outcome == ms.UNKNOWN and parts["drift"].outcome == ms.NOT_MONITORED
    parts = ms.judge_monitoring({"x": EvidenceFacts(read_error="timeout")}, ("x",), policy)
    assert {p.outcome for p in parts.values()} == {ms.UNKNOWN} and "timeout" in parts["drift"].detail


def test_is_approved_is_one_rule_for_status_prune_and_model_status():
    rejected = bundles.BundleApproval(bundles.NOT_APPROVED, "REJECTED")
    assert bundles.is_approved(bundles.BundleApproval(bundles.APPROVED, "APPROVED"), False)
    assert bundles.is_approved(bundles.BundleApproval(), True)
    assert not bundles.is_approved(rejected, True) and not bundles.is_approved(bundles.BundleApproval(), False)
    old = bundles.BundleInfo("b1", "design", 1.0)
    rows = bundles.status_rows([old], [], {"b1": ["d1"]}, {"b1": rejected}, {"b1"})
    assert rows[0].flag == "DEPLOYED WITHOUT APPROVAL" and not rows[0].approved
    newer = [bundles.BundleInfo("b{}".format(i), "design", float(i)) for i in range(2, 5)]
    plan = {item.bundle_id: item for item in bundles.plan_prune([old] + newer, [], {}, {"b1": rejected}, {"b1"}, 1)}
    assert plan["b1"].action == "delete"  # a rejected bundle is not "the newest approved" kept for rollback


def _facts(frame, **kw):
    from model_guardrails.gate import EvidenceFacts
    return EvidenceFacts(frame, stored=[], **kw)


NOW = pd.Timestamp("2026-01-01T12:00:00Z").to_pydatetime()


def test_an_unread_fourth_dataset_makes_every_kind_unknown():
    from model_guardrails.gate import EvidenceFacts, parse_plugin_policy

    policy = parse_plugin_policy({"policy_required_evidence": ["performance"]})
    evidence = {"perf": _facts(_performance(0.95)), "gone": EvidenceFacts(read_error="dataset not found")}
    fine = ms.judge_monitoring({"perf": evidence["perf"]}, ("perf",), policy, now=NOW)
    assert fine["performance"].outcome != ms.UNKNOWN and "2026-01-01T00:00:00Z" in fine["performance"].detail
    parts = ms.judge_monitoring(evidence, ("perf", "gone"), policy, now=NOW)
    assert {p.outcome for p in parts.values()} == {ms.UNKNOWN}
    assert "dataset not found" in parts["performance"].detail


def test_stored_rules_not_read_is_unknown_not_error():
    from model_guardrails.gate import parse_plugin_policy

    policy = parse_plugin_policy({"policy_required_evidence": ["performance"]})
    parts = ms.judge_monitoring({"perf": _facts(_performance(0.95), stored_error="403")}, ("perf",), policy, now=NOW)
    assert parts["performance"].outcome == ms.UNKNOWN and "403" in parts["performance"].detail


@pytest.mark.parametrize("hours, limit, stale", [(47, 48, False), (49, 48, True), (5000, 0, False)])
def test_evidence_older_than_the_limit_is_unknown(hours, limit, stale):
    from model_guardrails.gate import parse_plugin_policy

    policy = parse_plugin_policy({"policy_required_evidence": ["performance"]})
    now = pd.Timestamp("2026-01-01T00:00:00Z").to_pydatetime() + pd.Timedelta(hours=hours).to_pytimedelta()
    parts = ms.judge_monitoring({"perf": _facts(_performance(0.95))}, ("perf",), policy, now=now,
                                max_age_hours=limit)
    assert (parts["performance"].outcome == ms.UNKNOWN) == stale  # fresh: judged (this frame judges ERROR)
    assert ("max_evidence_age_hours" in parts["performance"].detail) == stale


def test_max_evidence_age_parameter():
    assert ms.parse_max_age({}) == 48 and ms.parse_max_age({"max_evidence_age_hours": 0}) == 0
    for bad in (-1, "soon", float("nan")):
        with pytest.raises(ConfigError):
            ms.parse_max_age({"max_evidence_age_hours": bad})

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
    assert labels == {"guardrails:run_id": "r1", "guardrails:recipe": "evaluate-model",
                      "guardrails:worst_status": "ERROR", "guardrails:decision_rule": "model-guardrails 0.1.0"}
    assert evaluation.evaluation_id == "evaluate_model-r1"
    from model_guardrails.checks import verdict

    frame = _performance(0.95)
    assert dict(evaluation_of(frame, "evaluate-model").labels)["guardrails:worst_status"] == verdict(frame).outcome


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
    assert ms.judge_approval("b", refused, record).outcome == ms.APPROVED  # the gate approved its creation
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

"""Checks: turn a metrics dataset written by our recipes into OK / WARNING / ERROR (SPEC §4).

One function per check kind takes the metrics DataFrame and a validated rule set (built from the
raw check config by ``XxxCheckParams.from_config``) and returns an :class:`Outcome`.
"""
import dataclasses

from .core import SEVERITY, Offender, Outcome, error_outcome, kind_of, shorten, worst
from .drift import DriftCheckParams, check_drift
from .fairness import FairnessCheckParams, check_fairness
from .performance import PerformanceCheckParams, check_performance

CHECKS = {
    "drift-check": (DriftCheckParams, check_drift),
    "fairness-check": (FairnessCheckParams, check_fairness),
    "performance-check": (PerformanceCheckParams, check_performance),
}


def run(check_id, metrics, config, now=None):
    """Parse ``config`` and judge ``metrics``; a bad config is an ERROR outcome naming the field."""
    from ..errors import GuardrailsError
    from .core import error_outcome

    params_class, function = CHECKS[check_id]
    try:
        rules = params_class.from_config(config or {})
    except GuardrailsError as exc:
        return error_outcome("{} configuration: {}".format(check_id, exc))
    return function(metrics, rules, now=now)


def verdict(metrics, not_evaluable="WARNING"):
    """THE status of a metrics table's latest run, as every part of the plugin states it (report
    badges, the model-health page, the headline-metrics probe): what the table's check answers with
    its default settings (recorded bounds; not evaluable -> ``not_evaluable``, never OK). Checks
    with their own settings reach the same per-run rule, :func:`core.run_status`."""
    kind = kind_of(metrics) if hasattr(metrics, "columns") else None
    if kind is None:
        return error_outcome("not a metrics dataset of model-guardrails (compute-drift, compute-fairness or "
                             "evaluate-model)")
    return _never_milder_than_rows(run(kind.check, metrics, {"not_evaluable_outcome": not_evaluable}), metrics,
                                   kind)


def _never_milder_than_rows(outcome, metrics, kind):
    """The default settings judge some metrics only (e.g. disparate_impact): a row of the judged run
    that the recipe recorded worse (e.g. an equal_opportunity_difference ERROR) makes the verdict
    that bad too, so that a badge or the probe never reads milder than a row."""
    if not outcome.run_ids or "status" not in metrics.columns:
        return outcome
    rows = metrics[metrics["run_id"].astype(str).isin(outcome.run_ids)]
    recorded = worst(rows["status"].astype(str))
    if SEVERITY[recorded] <= SEVERITY.get(outcome.outcome, 0):
        return outcome
    bad = rows[rows["status"].astype(str) == recorded]
    subject = [c for c in kind.subject if c in bad.columns]
    named = ", ".join(" ".join(str(r[c]) for c in subject) + " " + str(r["metric"]) for _, r in bad.head(3).iterrows())
    note = "; the recipe recorded {} {} row(s) the check's default settings do not judge (e.g. {})".format(
        len(bad), recorded, named)
    return dataclasses.replace(outcome, outcome=recorded, message=shorten(outcome.message + note))


__all__ = ["CHECKS", "DriftCheckParams", "FairnessCheckParams", "Offender", "Outcome", "PerformanceCheckParams",
           "check_drift", "check_fairness", "check_performance", "run", "verdict"]

"""drift-check: judge a compute-drift metrics dataset.

A feature *drifted* when its decision metric (``drift_score`` by default) is ``ERROR`` under the
bounds in force; the check recomputes ``drift_share`` = drifted / evaluable features within its
scope and compares it with the drift-share bounds (the run's recorded ones unless overridden).
"""
from dataclasses import dataclass, field, replace
from typing import Dict, Optional, Tuple

from ..contract import DATASET, DECISION_RULE, decided_on
from .. import params as p
from ..drift.metrics import PVALUE_DECISION_BOUND, SPECS
from ..drift.params import DEFAULT_DRIFT_SHARE_BOUND
from ..errors import ConfigError, InputError
from ..table import ABOVE, BELOW, EMPTY, ERROR, Bound
from . import core

FEATURE_METRICS = ("drift_score",) + tuple(SPECS)
DECIDE_ON = ("features_and_share", "share")
FALLBACK_METRICS = ("missing_share_reference", "missing_share_current", "js_distance")


def _direction(metric):
    return SPECS[metric].direction if metric in SPECS else ABOVE


def _default_bound(metric):
    spec = SPECS.get(metric)
    if spec is None:
        return None
    return spec.default_bound or (PVALUE_DECISION_BOUND if spec.is_pvalue else None)


@dataclass(frozen=True)
class DriftCheckParams:
    common: core.CommonRules = core.CommonRules()
    decision_metric: str = "drift_score"
    also_check: Tuple[str, ...] = ()
    bounds: Dict[str, Bound] = field(default_factory=dict)
    drift_share_bound: Optional[Bound] = None
    decide_on: str = "features_and_share"
    features: Tuple[str, ...] = ()
    excluded_features: Tuple[str, ...] = ()
    NAMES = core.CommonRules.NAMES + ("decision_metric", "also_check_metrics", "bounds", "drift_share_warning",
                                      "drift_share_error", "decide_on", "features", "excluded_features")

    @classmethod
    def from_config(cls, config):
        p.warn_unknown(config, cls.NAMES, "drift-check")
        decision = p.get_str(config, "decision_metric", "drift_score")
        if decision not in FEATURE_METRICS:
            raise ConfigError("decision_metric", decision, "a metric name, one of " + ", ".join(FEATURE_METRICS))
        also = core.parse_metrics(config, "also_check_metrics", (), FEATURE_METRICS)
        return cls(
            common=core.CommonRules.from_config(config),
            decision_metric=decision,
            also_check=tuple(m for m in also if m != decision),
            bounds=core.parse_bound_overrides(config, "bounds", FEATURE_METRICS, _direction),
            drift_share_bound=core.parse_bound_pair(config, "drift_share_warning", "drift_share_error", ABOVE,
                                                    minimum=0.0),
            decide_on=p.get_choice(config, "decide_on", "features_and_share", DECIDE_ON),
            features=tuple(p.get_list(config, "features")),
            excluded_features=tuple(p.get_list(config, "excluded_features")),
        )

    def in_scope(self, feature):
        return (not self.features or feature in self.features) and feature not in self.excluded_features


def _judge_rows(rows, metric, rules, run_id, with_source=False):
    """[(feature, level, offender or None, reason, value missing)] for ``metric`` rows."""
    out = []
    for _, row in rows[rows["metric"] == metric].iterrows():
        bound = core.resolve_bound(rules.bounds, metric, row, _default_bound(metric))
        level, breached = core.judge(row["value"], bound)
        missing = core.is_missing(row["value"])
        if bound is None and not missing:
            out.append((row["feature"], EMPTY, None, "no bound on {}: set one in 'bounds'".format(metric), False))
            continue
        offender = None
        if breached is not None:
            source = decided_on(row) if with_source else ""
            offender = core.Offender(row["feature"], metric, float(row["value"]), breached, bound.direction,
                                     level, run_id, "({})".format(source) if source else "")
        out.append((row["feature"], level, offender, row.get("reason", "") or "value is empty", missing))
    return out


def _undefined_decision(values, feature, rules, run_id):
    """(level, offender or None) for a feature whose decision value is empty, when its other rows
    (``values``: indexed by metric) decide; None when they cannot. A feature with no value left on
    one side (it stopped, or started, arriving) drifted; otherwise its js_distance decides (defined
    whenever both sides have rows, a constant reference included, missing values counted as a bin
    of their own)."""
    if values is None:
        return None
    reference, current = (values["value"].get(m) for m in ("missing_share_reference", "missing_share_current"))
    if not core.is_missing(reference) and not core.is_missing(current):
        if reference >= 1 and current >= 1:
            return None  # no value on either side: nothing to compare
        if reference >= 1 or current >= 1:
            gone = current >= 1
            note = "(no value left in the {} data: the feature {} arriving)".format(
                "current" if gone else "reference", "stopped" if gone else "started")
            return ERROR, core.Offender(feature, "missing_share_current", float(current), float(reference),
                                        ABOVE if gone else BELOW, ERROR, run_id, note)
    if "js_distance" in values.index and rules.decision_metric != "js_distance":
        row = values.loc["js_distance"]
        bound = core.resolve_bound(rules.bounds, "js_distance", row, _default_bound("js_distance"))
        level, breached = core.judge(row["value"], bound)
        if level != EMPTY:
            offender = None if breached is None else core.Offender(
                feature, "js_distance", float(row["value"]), breached, bound.direction, level, run_id,
                "({} undefined, decided on js_distance)".format(rules.decision_metric))
            return level, offender
    return None


def judge_run(rows, run_id, context, rules):
    verdict = core.RunVerdict(run_id)
    features = rows[(rows["feature"] != DATASET) & rows["feature"].map(rules.in_scope)]
    decided = _judge_rows(features, rules.decision_metric, rules, run_id, with_source=True)
    if not decided:
        verdict.not_evaluable = "no {} rows for the features in scope".format(rules.decision_metric)
        return verdict
    undefined = features[features["feature"].isin([d[0] for d in decided if d[4]])
                         & features["metric"].isin(FALLBACK_METRICS)]
    others = {f: group.set_index("metric") for f, group in undefined.groupby("feature", sort=False)}
    evaluable, missed = [], []
    for feature, level, offender, reason, missing in decided:
        if level == EMPTY and missing:
            level, offender = _undefined_decision(others.get(feature), feature, rules, run_id) or (EMPTY, None)
        if level == EMPTY:
            missed.append("{} ({})".format(feature, core.shorten(reason, 60)))
        else:
            evaluable.append((feature, level, offender))
    if not evaluable:
        verdict.not_evaluable = _nothing_judged(rules, decided, missed)
        return verdict
    drifted = [d for d in evaluable if d[1] == ERROR]
    share = len(drifted) / len(evaluable)
    share_bound = rules.drift_share_bound or _recorded_share_bound(rows) or DEFAULT_DRIFT_SHARE_BOUND
    share_level, share_breached = core.judge(share, share_bound)
    if share_breached is not None:
        share_text = "drift_share {} > {}".format(core.fmt(share, share_breached), core.fmt(share_breached, share))
    else:
        share_text = "drift_share {} within {}".format(core.fmt(share), core.fmt(core.display_bound(share_bound)))
    verdict.headline = "{}/{} features drifted ({})".format(len(drifted), len(evaluable), share_text)
    offenders = [d[2] for d in evaluable if d[2] is not None]
    feature_levels = [d[1] for d in evaluable]
    for metric in rules.also_check:
        for feature, level, offender, reason, _ in _judge_rows(features, metric, rules, run_id):
            if level == EMPTY:
                missed.append("{} {} ({})".format(feature, metric, core.shorten(reason, 60)))
                continue
            verdict.evaluated += 1
            feature_levels.append(level)
            if offender is not None:
                offenders.append(offender)
    verdict.offenders = offenders
    verdict.evaluated += len(evaluable)
    levels = [share_level] + (feature_levels if rules.decide_on == "features_and_share" else [])
    verdict.level = core.worst(levels)
    verdict.missed(missed, rules.common.not_evaluable)
    return verdict


def _nothing_judged(rules, decided, missed):
    """Why no feature could be judged on the decision metric, naming every feature left out:
    ``decided`` and ``missed`` (one item per feature) are aligned when nothing was evaluable."""
    metric = rules.decision_metric
    unbounded = [d[0] for d in decided if not d[4]]  # a value, but no bound in force
    empty = [item for item, d in zip(missed, decided) if d[4]]
    parts = []
    if unbounded:
        why = ("'bounds' marks it ignore" if metric in rules.bounds else
               "it has no default bound and the metrics rows record none")
        parts.append("no bound on {} ({}): set one in 'bounds'; {} feature(s) with a value left out: {}".format(
            metric, why, len(unbounded), ", ".join(unbounded)))
    if empty:
        parts.append("{} is empty for {} feature(s): {}".format(metric, len(empty), "; ".join(empty)))
    return "; ".join(parts)


def _recorded_share_bound(rows):
    share = rows[(rows["feature"] == DATASET) & (rows["metric"] == "drift_share")]
    return core.recorded_bound(share.iloc[0]) if len(share) else None


def check_drift(metrics, rules, now=None):
    """Judge a compute-drift metrics DataFrame with ``rules`` (a DriftCheckParams) -> Outcome."""
    try:
        _check_scope(metrics, rules)
    except InputError as exc:
        return core.error_outcome(str(exc))
    decisions = []

    def judge(rows, run_id, ctx):
        decisions.append((run_id, run_decisions(rows, rules)))
        return judge_run(rows, run_id, ctx, rules)

    outcome = core.evaluate(metrics, core.DRIFT, rules, judge, now=now)
    note = mixed_decisions_note(decisions)
    if not note:
        return outcome
    return replace(outcome, message=core.shorten(outcome.message, core.MESSAGE_LIMIT - len(note) - 2) + ". " + note)


def run_decisions(rows, rules):
    """What a run's drift_score rows were decided with: (metrics decided on, decision_rule values)."""
    scores = rows[(rows["metric"] == "drift_score") & (rows["feature"] != DATASET)]
    scores = scores[[rules.in_scope(f) for f in scores["feature"]]]
    metrics = sorted({decided_on(row) for _, row in scores.iterrows()} - {""})
    versions = scores[DECISION_RULE] if DECISION_RULE in scores.columns else ()
    return tuple(metrics), tuple(sorted({v for v in versions if isinstance(v, str) and v}))


def mixed_decisions_note(decisions):
    """A note when the judged runs were decided on different metrics or decision rules ("" if not)."""
    distinct = []
    for run_id, decision in decisions:
        if decision not in [d for _, d in distinct]:
            distinct.append((run_id, decision))
    if len(distinct) < 2:
        return ""

    def describe(run_id, decision):
        metrics, versions = decision
        return "run {}: {}, rule {}".format(run_id, "/".join(metrics) or "?", "/".join(versions) or "none")

    return "note: the judged runs were decided differently ({}), their statuses are not comparable".format(
        "; ".join(describe(*d) for d in (distinct[0], distinct[-1])))


def _check_scope(metrics, rules):
    if "feature" not in getattr(metrics, "columns", ()) or not (rules.features or rules.excluded_features):
        return
    known = set(metrics["feature"].dropna().astype(str)) - {DATASET}
    unknown = [f for f in rules.features + rules.excluded_features if f not in known]
    if unknown and known:
        raise InputError("feature {} is not in the dataset (parameter '{}'); features: {}".format(
            unknown[0], "features" if unknown[0] in rules.features else "excluded_features",
            ", ".join(sorted(known)[:20]) + (", ..." if len(known) > 20 else "")))
    if rules.features and not any(rules.in_scope(f) for f in known):
        raise InputError("parameters 'features'/'excluded_features' leave no feature to check")

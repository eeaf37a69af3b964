"""fairness-check: judge a compute-fairness metrics dataset.

Summary rows (``group = __summary__``) of the chosen metrics — parity summaries and their
``*_shift`` bias-shift rows — are judged with the recorded bounds unless overridden; optionally each
group's ratio to the reference group is bounded too. Groups smaller than ``min_group_size`` are
skipped and named.
"""
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from ..contract import OVERALL, SUMMARY
from .. import params as p
from ..errors import ConfigError, InputError
from ..fairness import BOUND_DEFAULTS, EXTRA_SUMMARY_METRICS, GROUP_METRICS, METRICS, RATIO_METRICS, SUMMARY_METRICS
from ..table import ABOVE, BELOW, EMPTY, Bound
from . import core

BASE_SUMMARIES = SUMMARY_METRICS + EXTRA_SUMMARY_METRICS
CHECKABLE = BASE_SUMMARIES + tuple(m + "_shift" for m in BASE_SUMMARIES)
RATIO_GROUP_METRICS = tuple(m for m in GROUP_METRICS if m != "count")
RATIO_SIDES = ("both", "below")
SMALL_GROUP_NOTE = "fewer than min_group_size"


def _direction(metric):
    base = metric[:-len("_shift")] if metric.endswith("_shift") else metric
    return BELOW if base in RATIO_METRICS else ABOVE


def _default_bound(metric):
    """Only used when a row records no bound (the recipe's defaults, from its metric table)."""
    shift = metric.endswith("_shift")
    direction = _direction(metric)
    warning, error = BOUND_DEFAULTS["shift"] if shift else METRICS[metric].default_bounds
    if shift and direction == BELOW:
        warning, error = -warning, -error
    return Bound(direction, warning, error)


@dataclass(frozen=True)
class FairnessCheckParams:
    common: core.CommonRules = core.CommonRules()
    metrics: Tuple[str, ...] = ("disparate_impact",)
    bounds: Dict[str, Bound] = field(default_factory=dict)
    attributes: Tuple[str, ...] = ()
    excluded_attributes: Tuple[str, ...] = ()
    group_ratio_metrics: Tuple[str, ...] = ()
    group_ratio_bound: Optional[Bound] = None
    group_ratio_sides: str = "both"
    min_group_size: int = 30
    NAMES = core.CommonRules.NAMES + ("metrics", "bounds", "group_ratio_metrics", "group_ratio_warning",
                                      "group_ratio_error", "group_ratio_sides", "min_group_size", "attributes",
                                      "excluded_attributes")

    @classmethod
    def from_config(cls, config):
        p.warn_unknown(config, cls.NAMES, "fairness-check")
        ratio_metrics = core.parse_metrics(config, "group_ratio_metrics", (), RATIO_GROUP_METRICS)
        ratio_bound = core.parse_bound_pair(config, "group_ratio_warning", "group_ratio_error", BELOW, minimum=0.0)
        if ratio_metrics and ratio_bound is None:
            raise ConfigError("group_ratio_error", None, "a bound on the ratio to the reference group (e.g. 0.8) "
                              "when 'group_ratio_metrics' is set")
        return cls(
            common=core.CommonRules.from_config(config),
            metrics=core.parse_metrics(config, "metrics", ("disparate_impact",), CHECKABLE),
            bounds=core.parse_bound_overrides(config, "bounds", CHECKABLE, _direction),
            attributes=tuple(p.get_list(config, "attributes")),
            excluded_attributes=tuple(p.get_list(config, "excluded_attributes")),
            group_ratio_metrics=ratio_metrics,
            group_ratio_bound=ratio_bound,
            group_ratio_sides=p.get_choice(config, "group_ratio_sides", "both", RATIO_SIDES),
            min_group_size=p.get_int(config, "min_group_size", 30, minimum=0),
        )

    def in_scope(self, attribute):
        return (not self.attributes or attribute in self.attributes) and attribute not in self.excluded_attributes


def judge_run(rows, run_id, context, rules):
    verdict = core.RunVerdict(run_id)
    rows = rows[rows["attribute"].map(rules.in_scope)]
    groups = rows[~rows["group"].isin([SUMMARY, OVERALL])]
    members = groups.drop_duplicates(["attribute", "group"])
    left_out = members["reason"].str.contains(SMALL_GROUP_NOTE, regex=False)  # by the recipe, from its summaries
    below = members["n"] < rules.min_group_size
    small = members[below | left_out]
    verdict.skipped = ["{}={} ({} rows)".format(r.attribute, r.group, core.fmt(r.n)) for r in small.itertuples()]
    included = members[below & ~left_out]  # small groups the recipe's summaries were computed with
    levels, missed, attributes, rerun = [], [], set(), ""
    summaries = rows[(rows["group"] == SUMMARY) & rows["metric"].isin(rules.metrics)]
    for _, row in summaries.iterrows():
        metric, attribute = row["metric"], row["attribute"]
        too_small = included[included["attribute"] == attribute]
        if len(too_small):
            missed.append("{} {} (computed with groups below {} rows: {})".format(
                attribute, metric, rules.min_group_size, ", ".join(
                    "{} ({} rows)".format(r.group, core.fmt(r.n)) for r in too_small.head(2).itertuples())))
            rerun = ("to judge it, re-run compute-fairness with min_group_size {} or lower this check's"
                     .format(rules.min_group_size))
            continue
        bound = core.resolve_bound(rules.bounds, metric, row, _default_bound(metric))
        level, breached = core.judge(row["value"], bound)
        if level == EMPTY:
            missed.append("{} {} ({})".format(attribute, metric, core.shorten(row["reason"] or "value is empty", 60)))
            continue
        levels.append(level)
        attributes.add(attribute)
        if breached is not None:
            verdict.offenders.append(core.Offender(attribute, metric, float(row["value"]), breached,
                                                   bound.direction, level, run_id))
    ratio_count = _judge_group_ratios(groups, small, rules, run_id, verdict, levels, attributes)
    verdict.evaluated = len(levels)
    if not levels:
        present = sorted(set(rows.loc[rows["group"] == SUMMARY, "metric"]))
        verdict.not_evaluable = ("no {} rows in scope (summary metrics present: {})".format(
            ", ".join(rules.metrics), ", ".join(present) or "none") if not len(summaries) and not ratio_count
            else "every selected value is empty or not judged")
        verdict.not_evaluable += (": " + ", ".join(missed[:3]) if missed else "") + ("; " + rerun if rerun else "")
        return verdict
    verdict.missed(missed, rules.common.not_evaluable)
    if rerun:
        verdict.notes.append(rerun)
    if verdict.skipped:
        verdict.notes.append("skipped groups below min_group_size {} (or the recipe's own): {}".format(
            rules.min_group_size, ", ".join(verdict.skipped[:4]))
            + (" and {} more".format(len(verdict.skipped) - 4) if len(verdict.skipped) > 4 else ""))
    breaches = len(verdict.offenders)
    verdict.headline = "{}/{} fairness values breach over {} attribute{}".format(
        breaches, len(levels), len(attributes) or "no", "" if len(attributes) == 1 else "s")
    verdict.level = core.worst(levels)
    return verdict


def _judge_group_ratios(groups, small, rules, run_id, verdict, levels, attributes):
    if not rules.group_ratio_metrics:
        return 0
    bound = rules.group_ratio_bound
    skip = set(zip(small["attribute"], small["group"]))
    chosen = groups[groups["metric"].isin(rules.group_ratio_metrics)]
    count = 0
    for _, row in chosen.iterrows():
        if (row["attribute"], row["group"]) in skip:
            continue
        count += 1
        ratio = row["ratio_to_reference"]
        folded = ratio if rules.group_ratio_sides == "below" or core.is_missing(ratio) or ratio <= 1 else (
            1.0 / ratio if ratio > 0 else ratio)
        level, breached = core.judge(folded, bound)
        if level == EMPTY:
            continue
        levels.append(level)
        attributes.add(row["attribute"])
        if breached is not None:
            note = "(ratio {} to {})".format(core.fmt(ratio), row.get("reference_group") or "reference") \
                if folded != ratio else "(to {})".format(row.get("reference_group") or "reference")
            verdict.offenders.append(core.Offender("{}={}".format(row["attribute"], row["group"]),
                                                   row["metric"] + "_ratio", float(folded), breached, BELOW,
                                                   level, run_id, note))
    return count


def check_fairness(metrics, rules, now=None):
    """Judge a compute-fairness metrics DataFrame with ``rules`` (FairnessCheckParams) -> Outcome."""
    try:
        _check_scope(metrics, rules)
    except InputError as exc:
        return core.error_outcome(str(exc))
    extra = ("ratio_to_reference",) if rules.group_ratio_metrics else ()
    return core.evaluate(metrics, core.FAIRNESS, rules,
                         lambda rows, run_id, ctx: judge_run(rows, run_id, ctx, rules), now=now, extra_required=extra)


def _check_scope(metrics, rules):
    if "attribute" not in getattr(metrics, "columns", ()) or not (rules.attributes or rules.excluded_attributes):
        return
    known = set(metrics["attribute"].dropna().astype(str))
    unknown = [a for a in rules.attributes + rules.excluded_attributes if a not in known]
    if unknown and known:
        raise InputError("attribute {} is not in the dataset (parameter '{}'); attributes: {}".format(
            unknown[0], "attributes" if unknown[0] in rules.attributes else "excluded_attributes",
            ", ".join(sorted(known))))

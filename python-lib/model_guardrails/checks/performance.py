"""performance-check: judge an evaluate-model metrics dataset.

Two rules per chosen metric, on the overall window (or each / the latest time window):

- an absolute bound (the recorded one unless overridden; ``roc_auc`` ERROR below 0.88 by default);
- a drop against a baseline, relative (``value < (1 - d) × baseline``) or in absolute points
  (``baseline - value > d``), mirrored for metrics where lower is better (losses, errors). The
  baseline is the row's ``baseline_value``, a fixed value, the first run of the history, a named
  run, or the best of the last N runs.

With ``consecutive_windows`` N > 1 a breach counts only when N consecutive windows breach (the
run's time windows, or with ``windows = overall`` the last N runs).
"""
import re
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from .. import params as p
from ..contract import ALL_WINDOWS
from ..errors import ConfigError, InputError
from ..performance.metrics import BINARY_METRICS, REGRESSION_METRICS, direction_of
from ..table import BELOW, EMPTY, OK, Bound
from . import core

METRICS = BINARY_METRICS + REGRESSION_METRICS
WINDOW_MODES = ("overall", "each", "latest_window")
DROP_MODES = ("relative", "absolute", "none")
BASELINE_SOURCES = ("baseline_value_column", "fixed", "first_run", "run_id", "best_of_last_runs")
DEFAULT_BOUNDS = {"roc_auc": Bound(BELOW, None, 0.88)}
DIGITS = 12  # drop bounds are rounded so that a value exactly at the bound (as written) is not beyond it


@dataclass(frozen=True)
class PerformanceCheckParams:
    common: core.CommonRules = core.CommonRules()
    metrics: Tuple[str, ...] = ("roc_auc",)
    bounds: Dict[str, Bound] = field(default_factory=dict)
    windows: str = "overall"
    consecutive_windows: int = 1
    drop_mode: str = "relative"
    drop_warning: Optional[float] = None
    drop_error: Optional[float] = 0.05
    baseline_source: str = "baseline_value_column"
    baseline_values: Dict[str, float] = field(default_factory=dict)
    baseline_run_id: str = ""
    baseline_runs: int = 5
    NAMES = core.CommonRules.NAMES + ("metrics", "bounds", "windows", "consecutive_windows", "drop_mode",
                                      "drop_warning", "drop_error", "baseline_source", "baseline_value",
                                      "baseline_run_id", "baseline_runs")

    @classmethod
    def from_config(cls, config):
        p.warn_unknown(config, cls.NAMES, "performance-check")
        metrics = core.parse_metrics(config, "metrics", ("roc_auc",), METRICS)
        drop_mode = p.get_choice(config, "drop_mode", "relative", DROP_MODES)
        top = 1.0 if drop_mode == "relative" else None
        drop_warning = p.get_float(config, "drop_warning", None, minimum=0.0, maximum=top)
        drop_error = p.get_float(config, "drop_error", 0.05 if "drop_error" not in config else None,
                                 minimum=0.0, maximum=top)
        if drop_warning is not None and drop_error is not None and drop_warning > drop_error:
            raise ConfigError("drop_warning", drop_warning, "a drop no larger than drop_error ({}): the warning "
                              "must come before the error".format(drop_error))
        if drop_mode != "none" and drop_warning is None and drop_error is None:
            raise ConfigError("drop_error", None, "a drop bound (drop_warning, drop_error or both), or drop_mode 'none'")
        source = p.get_choice(config, "baseline_source", "baseline_value_column", BASELINE_SOURCES)
        run_id = p.get_str(config, "baseline_run_id", "")
        if drop_mode != "none" and source == "run_id" and not run_id:
            raise ConfigError("baseline_run_id", run_id, "the run_id whose values are the baseline")
        values = _parse_fixed(config.get("baseline_value"), metrics) if source == "fixed" else {}
        if drop_mode != "none" and source == "fixed" and not values:
            raise ConfigError("baseline_value", config.get("baseline_value"), "the baseline value(s) (baseline_source 'fixed')")
        return cls(
            common=core.CommonRules.from_config(config),
            metrics=metrics,
            bounds=core.parse_bound_overrides(config, "bounds", METRICS, direction_of),
            windows=p.get_choice(config, "windows", "overall", WINDOW_MODES),
            consecutive_windows=p.get_int(config, "consecutive_windows", 1, minimum=1, maximum=1000),
            drop_mode=drop_mode, drop_warning=drop_warning, drop_error=drop_error,
            baseline_source=source, baseline_values=values, baseline_run_id=run_id,
            baseline_runs=p.get_int(config, "baseline_runs", 5, minimum=1),
        )

    def drop_bound(self, metric, baseline):
        """The Bound on the metric's value implied by the drop rule and ``baseline`` (None if none)."""
        if self.drop_mode == "none" or core.is_missing(baseline):
            return None
        direction = direction_of(metric)
        sign = -1.0 if direction == BELOW else 1.0  # a drop lowers a score, raises a loss

        def limit(d):
            if d is None:
                return None
            raw = baseline * (1.0 + sign * d) if self.drop_mode == "relative" else baseline + sign * d
            return round(raw, DIGITS)

        return Bound(direction, limit(self.drop_warning), limit(self.drop_error))


def _parse_fixed(value, metrics):
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        pairs = [(m, value) for m in metrics]
    elif isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, str):
        try:
            pairs = [(m, float(value)) for m in metrics]
        except ValueError:
            pairs = [tuple(re.split(r"\s*[=:]\s*", part.strip(), maxsplit=1)) for part in re.split(r"[,;]", value)
                     if part.strip()]
    else:
        raise ConfigError("baseline_value", value, "a number or 'metric=value' pairs")
    if len(metrics) > 1 and isinstance(value, (int, float)):
        raise ConfigError("baseline_value", value, "'metric=value' pairs, one per checked metric ({})".format(
            ", ".join(metrics)))
    out = {}
    for pair in pairs:
        if len(pair) != 2 or str(pair[0]).strip() not in METRICS:
            raise ConfigError("baseline_value", value, "a number or pairs such as 'roc_auc=0.91, f1=0.6' naming "
                              "metrics among " + ", ".join(METRICS))
        try:
            out[str(pair[0]).strip()] = float(pair[1])
        except (TypeError, ValueError):
            raise ConfigError("baseline_value", value, "numbers after each metric name") from None
    return out


# -- judging -------------------------------------------------------------------------------------

@dataclass
class _Point:
    window: str
    level: str
    offenders: list
    judged: bool


class _History:
    """``__all__`` values of every run, by (run_id, metric)."""

    def __init__(self, frame, runs):
        overall = frame[frame["window"] == ALL_WINDOWS]
        self.values = {(r, m): v for r, m, v in zip(overall["run_id"], overall["metric"], overall["value"])}
        self.runs = runs

    def value(self, run_id, metric):
        return self.values.get((run_id, metric))


def _baseline(row, metric, run_id, rules, history):
    source = rules.baseline_source
    if source == "baseline_value_column":
        return row["baseline_value"], "no baseline_value (give evaluate-model a baseline input)"
    if source == "fixed":
        value = rules.baseline_values.get(metric)
        return value, "no fixed baseline for {}".format(metric)
    ids = history.runs.ids
    if source == "first_run":
        return history.value(ids[0], metric), "the first run has no {} value".format(metric)
    if source == "run_id":
        if rules.baseline_run_id not in ids:
            raise InputError("baseline_run_id {} is not in the dataset; latest runs: {}".format(
                rules.baseline_run_id, history.runs.describe_latest()))
        return history.value(rules.baseline_run_id, metric), "run {} has no {} value".format(
            rules.baseline_run_id, metric)
    earlier = ids[max(0, ids.index(run_id) - rules.baseline_runs):ids.index(run_id)]
    values = [v for v in (history.value(r, metric) for r in earlier) if not core.is_missing(v)]
    if not values:
        return None, "no earlier run with a {} value".format(metric)
    return (max(values) if direction_of(metric) == BELOW else min(values)), ""


def _judge_point(row, metric, run_id, rules, history, notes):
    subject = "" if row["window"] == ALL_WINDOWS else "window " + row["window"]
    value = row["value"]
    levels, offenders = [], []
    bound = core.resolve_bound(rules.bounds, metric, row, DEFAULT_BOUNDS.get(metric))
    if bound is not None:
        level, breached = core.judge(value, bound)
        if level != EMPTY:
            levels.append(level)
            if breached is not None:
                offenders.append((core.Offender(subject, metric, float(value), breached, bound.direction, level,
                                                run_id), bound, ""))
    if rules.drop_mode != "none" and not core.is_missing(value):
        baseline, missing = _baseline(row, metric, run_id, rules, history)
        if core.is_missing(baseline):
            notes.add("drop not evaluated: " + missing)
        elif rules.drop_mode == "relative" and baseline <= 0:
            notes.add("relative drop not evaluated: baseline {} is not positive".format(core.fmt(baseline)))
        else:
            drop = rules.drop_bound(metric, baseline)
            level, breached = core.judge(value, drop)
            levels.append(level)
            if breached is not None:
                offenders.append((core.Offender(subject, metric, float(value), breached, drop.direction, level,
                                                run_id), drop, baseline))
    label = "run " + run_id if row["window"] == ALL_WINDOWS else "window " + row["window"]
    return _Point(label, core.worst(levels), offenders, bool(levels))


def _describe_drop(rules, offender, bound, baseline):
    d = rules.drop_error if offender.bound == bound.error else rules.drop_warning
    if rules.drop_mode == "relative":
        return "(drop > {}% of baseline {})".format(core.fmt(100 * d), core.fmt(baseline))
    return "(drop > {} from baseline {})".format(core.fmt(d), core.fmt(baseline))


def _finish(point_offenders, level, rules, incomplete=False):
    """Offenders of a point, capped at ``level`` (a streak is as severe as its mildest window; an
    incomplete streak keeps the bounds its points breach, at the level it counts as)."""
    out = []
    for offender, bound, baseline in point_offenders:
        if core.SEVERITY[offender.level] > core.SEVERITY[level]:
            if not incomplete and (level == OK or bound.warning is None
                                   or not bound.beyond(offender.value, bound.warning)):
                continue
            offender = core.Offender(offender.subject, offender.metric, offender.value,
                                     offender.bound if incomplete else bound.warning, offender.direction, level,
                                     offender.run_id)
        note = _describe_drop(rules, offender, bound, baseline) if baseline != "" else ""
        out.append(core.Offender(offender.subject, offender.metric, offender.value, offender.bound,
                                 offender.direction, offender.level, offender.run_id,
                                 note))
    return out


def judge_run(rows, run_id, context, rules):
    verdict = core.RunVerdict(run_id)
    history = getattr(context, "history", None)
    if history is None:
        history = context.history = _History(context.frame, context.runs)
    notes, levels, missed, present = set(), [], [], set(rows["metric"])
    n = rules.consecutive_windows
    for metric in rules.metrics:
        if metric not in present:
            continue
        if rules.windows == "overall" and n > 1:  # the last n runs
            ids = history.runs.ids[:history.runs.ids.index(run_id) + 1][-n:]
            series = []
            for r in ids:
                rrows = context.frame[(context.frame["run_id"] == r) & (context.frame["metric"] == metric)
                                      & (context.frame["window"] == ALL_WINDOWS)]
                if len(rrows):
                    series.append(_judge_point(rrows.iloc[0], metric, r, rules, history, notes))
            _streaks(series, n, [len(series) - 1], "runs", verdict, levels, missed, rules, notes, metric)
            continue
        if rules.windows == "overall":
            chosen = rows[(rows["metric"] == metric) & (rows["window"] == ALL_WINDOWS)]
        else:
            chosen = rows[(rows["metric"] == metric) & (rows["window"] != ALL_WINDOWS)].sort_values("window")
            if not len(chosen):
                notes.add("no time windows for {} (set a time column in evaluate-model)".format(metric))
                continue
        series = [_judge_point(row, metric, run_id, rules, history, notes) for _, row in chosen.iterrows()]
        last = [len(series) - 1]
        ends = last if rules.windows != "each" or len(series) < n else list(range(n - 1, len(series)))
        _streaks(series, n, ends, "windows", verdict, levels, missed, rules, notes, metric)
    verdict.evaluated = len(levels)
    verdict.notes = sorted(notes)
    if not levels:
        absent = [m for m in rules.metrics if m not in present]
        verdict.not_evaluable = ("no {} rows (metrics present: {})".format(", ".join(absent), ", ".join(sorted(present)))
                                 if absent and len(absent) == len(rules.metrics) else
                                 "no value could be judged" + "".join("; " + x for x in missed[:3] + sorted(notes)))
        return verdict
    verdict.level = core.worst(levels)
    verdict.missed(missed, rules.common.not_evaluable)
    unit = "values" if rules.windows == "overall" else "windows"
    streak = "" if n == 1 else ", {} consecutive {} required".format(n, "runs" if rules.windows == "overall" else "windows")
    verdict.headline = "{}/{} {} of {} breach{}".format(
        len({(o.subject, o.metric) for o in verdict.offenders}), len(levels), unit, ", ".join(
            m for m in rules.metrics if m in present), streak)
    return verdict


def _streaks(series, n, ends, unit, verdict, levels, missed, rules, notes, metric):
    """Judge the streaks of ``n`` consecutive points of ``series`` ending at each of ``ends``.

    A judged point within its bounds breaks every streak through it (OK). A full streak is as
    severe as its mildest point. A streak that cannot be seen in full (fewer points than ``n`` so
    far, or a point whose value could not be judged) while every point seen breaches is not OK:
    it counts as the not_evaluable_outcome, capped at the mildest breach seen (a bad model is
    never OK during its first n - 1 runs)."""
    for end in ends:
        window = series[max(0, end - n + 1):end + 1]
        judged = [s for s in window if s.judged]
        if not judged:
            missed.append("{} {} (no value could be judged)".format(metric, window[-1].window))
            continue
        level = min((s.level for s in judged), key=core.SEVERITY.get)
        incomplete = level != OK and len(judged) < n
        if incomplete:
            level = min(level, rules.common.not_evaluable, key=core.SEVERITY.get)
            notes.add("{}: {} of the {} consecutive {} needed could be judged, all breaching: counted as {}".format(
                metric, len(judged), n, unit, level))
        elif len(window) < n:
            notes.add("{}: only {} of the {} consecutive {} needed".format(metric, len(window), n, unit))
        levels.append(level)
        if level != OK:
            verdict.offenders += _finish(judged[-1].offenders, level, rules, incomplete)


def check_performance(metrics, rules, now=None):
    """Judge an evaluate-model metrics DataFrame with ``rules`` (PerformanceCheckParams) -> Outcome."""
    extra = ("baseline_value",) if rules.drop_mode != "none" and rules.baseline_source == "baseline_value_column" else ()
    return core.evaluate(metrics, core.PERFORMANCE, rules,
                         lambda rows, run_id, ctx: judge_run(rows, run_id, ctx, rules), now=now, extra_required=extra)

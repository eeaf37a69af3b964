"""What every check shares: the outcome object, recognising our metrics datasets, choosing the
runs to judge, resolving bounds, and the short message a scenario report or e-mail shows.

Nothing here reads DSS: a check is a function of a metrics DataFrame and a validated rule set.
"""
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Tuple

import pandas as pd

from .. import params as p, text as text_
from ..bounds import naming, parse_bounds
from ..errors import ConfigError, InputError
from ..table import ABOVE, DIRECTIONS, EMPTY, ERROR, OK, WARNING, Bound, is_missing

SEVERITY = {OK: 0, WARNING: 1, ERROR: 2}
OUTCOMES = (OK, WARNING, ERROR)
MESSAGE_LIMIT = 500
COMMON_REQUIRED = ("run_id", "run_time", "metric", "value", "warning_threshold", "error_threshold",
                   "direction", "status")
NUMERIC_COLUMNS = ("value", "warning_threshold", "error_threshold", "n", "baseline_value", "ratio_to_reference")

RUN_MODES = ("latest", "run_id", "after_run", "recent", "all")


def worst(levels):
    levels = [lvl for lvl in levels if lvl in SEVERITY]
    return max(levels, key=SEVERITY.get) if levels else OK


def fmt(number, other=None):
    """A short number; more digits when it would print the same as ``other``."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return "empty"
    for digits in (4, 6, 8, 12):
        text = "{:.{}g}".format(number, digits)
        if other is None or is_missing(other) or text != "{:.{}g}".format(other, digits):
            return text
    return text


# -- the result ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Offender:
    """One value beyond a bound: ``value`` is ``direction`` of ``bound`` (strictly)."""

    subject: str
    metric: str
    value: float
    bound: float
    direction: str
    level: str
    run_id: str = ""
    note: str = ""

    @property
    def excess(self):
        """How far beyond the bound, relative to the bound's size (for ordering)."""
        gap = self.value - self.bound if self.direction == ABOVE else self.bound - self.value
        return gap / max(abs(self.bound), 1e-9)

    def describe(self):
        op = ">" if self.direction == ABOVE else "<"
        text = "{}{}={} {} {}".format(self.subject + " " if self.subject else "", self.metric,
                                      fmt(self.value, self.bound), op, fmt(self.bound, self.value))
        return text + (" " + self.note if self.note else "")


def rank(offenders):
    """Worst first: ERROR before WARNING, then the largest relative excess."""
    return sorted(offenders, key=lambda o: (-SEVERITY[o.level], -o.excess))


@dataclass(frozen=True)
class Outcome:
    """What a check returns to DSS (``outcome``, ``message``) plus the detail tests and callers
    use: the offenders (worst first), how many values were evaluated, the runs judged."""

    outcome: str
    message: str
    offenders: Tuple[Offender, ...] = ()
    evaluated: int = 0
    run_ids: Tuple[str, ...] = ()
    skipped: Tuple[str, ...] = ()

    def as_tuple(self):
        return self.outcome, self.message


def error_outcome(message):
    return Outcome(ERROR, shorten("ERROR: " + message))


def shorten(text, limit=MESSAGE_LIMIT):
    """A check's message within DSS's limit (cut at a word boundary)."""
    return text_.shorten(text, limit)


def compose(level, headline, offenders, notes=(), limit=MESSAGE_LIMIT):
    """``LEVEL: headline: worst; next; ... and N more. note. note`` within ``limit`` characters."""
    head = "{}: {}".format(level, headline)
    tail = "".join(". " + n for n in notes if n)
    parts = [o.describe() for o in offenders]
    shown = []
    for i, part in enumerate(parts):
        rest = len(parts) - i - 1
        more = "; ... and {} more".format(rest) if rest else ""
        candidate = "; ".join(shown + [part])
        if len(head) + 2 + len(candidate) + len(more) + len(tail) > limit and shown:
            break
        shown.append(part)
    text = head
    if shown:
        text += ": " + "; ".join(shown)
        if len(shown) < len(parts):
            text += "; ... and {} more".format(len(parts) - len(shown))
    return shorten(text + tail, limit)


# -- parameters shared by the three checks -----------------------------------------------------

@dataclass(frozen=True)
class RunSelection:
    """Which runs of the metrics history to judge (param ``runs``)."""

    mode: str = "latest"
    run_id: str = ""
    after_run_id: str = ""
    recent_hours: float = 24.0

    @classmethod
    def from_config(cls, config):
        mode = p.get_choice(config, "runs", "latest", RUN_MODES)
        run_id = p.get_str(config, "run_id", "")
        after = p.get_str(config, "after_run_id", "")
        if mode == "run_id" and not run_id:
            raise ConfigError("run_id", run_id, "the run_id to check (runs = 'run_id')")
        if mode == "after_run" and not after:
            raise ConfigError("after_run_id", after, "the run_id of the last run already reviewed (runs = 'after_run')")
        hours = p.get_float(config, "recent_hours", 24.0)
        if hours <= 0:
            raise ConfigError("recent_hours", hours, "a positive number of hours")
        return cls(mode=mode, run_id=run_id, after_run_id=after, recent_hours=hours)


@dataclass(frozen=True)
class CommonRules:
    runs: RunSelection = RunSelection()
    not_evaluable: str = WARNING
    # Parameters of every check (check.json): metrics_file is read by dku_guardrails.checks.
    NAMES = ("runs", "run_id", "after_run_id", "recent_hours", "not_evaluable_outcome", "metrics_file")

    @classmethod
    def from_config(cls, config):
        return cls(runs=RunSelection.from_config(config),
                   not_evaluable=p.get_choice(config, "not_evaluable_outcome", WARNING, (WARNING, ERROR)))


def parse_bound_overrides(config, name, valid, direction_of):
    """``bounds``: the list form shared with the recipes, plus ``direction`` and ``ignore``."""
    return parse_bounds(config.get(name), {m: direction_of(m) for m in valid}, name, overrides=True)


def parse_metrics(config, name, default, valid):
    chosen = p.get_list(config, name)
    unknown = [m for m in chosen if m not in valid]
    if unknown:
        raise ConfigError(name, unknown[0], "a metric name, one of " + ", ".join(valid))
    return tuple(chosen) or tuple(default)


def parse_bound_pair(config, warning_name, error_name, direction, minimum=None):
    warning = p.get_float(config, warning_name, None, minimum=minimum)
    error = p.get_float(config, error_name, None, minimum=minimum)
    if warning is None and error is None:
        return None
    with naming("{} / {}".format(warning_name, error_name)):
        return Bound(direction, warning, error)


# -- the dataset -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    """One of our metrics datasets, recognised by its columns."""

    recipe: str
    check: str
    keys: Tuple[str, ...]
    subject: Tuple[str, ...]
    required: Tuple[str, ...]


DRIFT = Kind("compute-drift", "drift-check", ("feature",), ("feature",), COMMON_REQUIRED + ("feature",))
FAIRNESS = Kind("compute-fairness", "fairness-check", ("attribute", "group"), ("attribute", "group"),
                COMMON_REQUIRED + ("attribute", "group", "n"))
PERFORMANCE = Kind("evaluate-model", "performance-check", ("window",), ("window",), COMMON_REQUIRED + ("window",))
KINDS = (DRIFT, FAIRNESS, PERFORMANCE)


def kind_of(frame):
    """The Kind whose metrics dataset ``frame`` is (by its columns), or None."""
    present = {str(c) for c in frame.columns}
    for kind in KINDS:
        if all(k in present for k in kind.keys) and {"metric", "value"} <= present:
            return kind
    return None


def recognise(frame, kind, extra_required=()):
    """Normalised copy of ``frame`` if it is ``kind``'s output, else InputError saying what was
    expected (or which check fits the dataset instead)."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError("expected a dataset (a table of rows), got a {}".format(type(frame).__name__))
    columns = [str(c) for c in frame.columns]
    present = set(columns)
    required = tuple(kind.required) + tuple(c for c in extra_required if c not in kind.required)
    if not all(k in present for k in kind.keys) or not {"metric", "value"} <= present:
        for other in KINDS:
            if other is not kind and all(k in present for k in other.keys) and {"metric", "value"} <= present:
                raise InputError("this is the metrics dataset of {}: attach {} to it, not {}".format(
                    other.recipe, other.check, kind.check))
        shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "") if columns else "no column"
        raise InputError("not a metrics dataset of {}: expected the columns {}; found {}".format(
            kind.recipe, ", ".join(required), shown))
    check_one_recipe(frame.set_axis(columns, axis=1), kind)
    missing = [c for c in required if c not in present]
    if missing:
        raise InputError("the {} metrics dataset lacks the column{} {}: it was written by an older version "
                         "of the recipe (or columns were removed). Re-run {} with this plugin version to "
                         "rewrite it".format(kind.recipe, "s" if len(missing) > 1 else "", ", ".join(missing),
                                             kind.recipe))
    frame = frame.copy()
    frame.columns = columns
    for name in NUMERIC_COLUMNS:
        if name in frame.columns:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("run_id", "run_time", "metric", "direction", "status", "reason") + kind.subject:
        if name in frame.columns:
            frame[name] = frame[name].map(lambda v: "" if is_missing(v) else str(v).strip())
    return frame


def _rows_of(frame, kind):
    """Rows carrying ``kind``'s subject (every key column filled): rows its recipe wrote."""
    mask = pd.Series(True, index=frame.index)
    for key in kind.keys:
        mask &= frame[key].map(lambda v: not is_missing(v) and str(v).strip() != "")
    return mask


def check_one_recipe(frame, kind):
    """InputError when the rows of several recipes share the dataset (a recipe's output appended
    into another's dataset: the union of both tables' columns, each row filling its own subject),
    naming the recipes, their rows and runs, and what to do."""
    present = set(frame.columns)
    owned = {k: _rows_of(frame, k) for k in KINDS if set(k.keys) <= present}
    mixed = []
    for k, mask in owned.items():
        alone = mask.copy()
        for other, other_mask in owned.items():
            alone &= other_mask if other is k else ~other_mask
        if alone.any():
            run_ids = list(dict.fromkeys(frame.loc[alone, "run_id"].map(str))) if "run_id" in present else []
            mixed.append((k, int(alone.sum()), run_ids))
    if len(mixed) < 2:
        return
    parts = ["{} ({} rows, run{} {}{})".format(k.recipe, n, "s" if len(ids) > 1 else "", ", ".join(ids[:3]),
                                              " and {} more".format(len(ids) - 3) if len(ids) > 3 else "")
             for k, n, ids in mixed]
    others = [k.recipe for k, _, _ in mixed if k is not kind]
    raise InputError(
        "this metrics dataset mixes the rows of {}: each recipe needs its own output dataset. Give {} an "
        "output dataset of its own, then rebuild this one without its rows (one run without 'Append instead of "
        "overwrite', or keep only the rows where {} is filled); attach {} to the {} dataset".format(
            " and ".join(parts), " and ".join(others), kind.keys[0], kind.check, kind.recipe))


# -- runs --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Runs:
    """The runs of a metrics history in chronological order (run_time, then position)."""

    ids: Tuple[str, ...]
    times: Tuple[object, ...]  # pandas Timestamp (UTC) or NaT
    labels: Dict[str, str] = field(default_factory=dict)

    def describe_latest(self, count=3):
        latest = list(self.ids[-count:])[::-1]
        return ", ".join("{} ({})".format(r, self.labels.get(r) or "no run_time") for r in latest) or "none"


def runs_of(frame, kind):
    if not len(frame):
        return Runs((), ())
    blank = (frame["run_id"] == "").sum()
    if blank:
        raise InputError("{} row{} of the {} metrics dataset have no run_id: every row must carry the id of "
                         "the run that wrote it".format(blank, "s" if blank > 1 else "", kind.recipe))
    position = pd.Series(range(len(frame)), index=frame.index)
    first = position.groupby(frame["run_id"], sort=False).min()
    times = frame.groupby("run_id", sort=False)["run_time"].agg(lambda s: sorted(set(s)))
    duplicated = [(r, t) for r, t in times.items() if len(t) > 1]
    if duplicated:
        run_id, stamps = duplicated[0]
        raise InputError("run_id {} is duplicated: its rows carry {} different run_time values ({}). Two runs "
                         "wrote the same run_id; remove one of them or re-run {}".format(
                             run_id, len(stamps), ", ".join(stamps[:3]), kind.recipe))
    parsed = pd.to_datetime(pd.Series([t[0] for t in times.values], index=times.index), utc=True, errors="coerce")
    order = sorted(times.index, key=lambda r: (parsed[r].value if not pd.isna(parsed[r]) else -2 ** 62, first[r]))
    return Runs(tuple(order), tuple(parsed[r] for r in order), {r: times[r][0] for r in order})


def check_duplicates(rows, kind, run_id):
    keys = list(kind.subject) + ["metric"]
    dup = rows[rows.duplicated(keys, keep=False)]
    if len(dup):
        first = dup.iloc[0]
        subject = ", ".join("{}={}".format(k, first[k]) for k in keys)
        raise InputError("run_id {} is duplicated: {} rows for ({}). The same run was appended twice, or two "
                         "recipes write into this dataset with the same run_id".format(
                             run_id, int((rows[keys] == first[keys]).all(axis=1).sum()), subject))


def select_runs(runs, selection, now=None):
    """(run ids to judge, why nothing was selected)."""
    if not runs.ids:
        return [], "the dataset has no rows yet (build it first)"
    if selection.mode == "latest":
        return [runs.ids[-1]], ""
    if selection.mode == "all":
        return list(runs.ids), ""
    if selection.mode == "run_id":
        if selection.run_id not in runs.ids:
            raise InputError("run_id {} is not in the dataset; latest runs: {}".format(
                selection.run_id, runs.describe_latest()))
        return [selection.run_id], ""
    if selection.mode == "after_run":
        if selection.after_run_id not in runs.ids:
            raise InputError("after_run_id {} is not in the dataset; latest runs: {}".format(
                selection.after_run_id, runs.describe_latest()))
        chosen = list(runs.ids[runs.ids.index(selection.after_run_id) + 1:])
        return chosen, "" if chosen else "no run after {}".format(selection.after_run_id)
    now = pd.Timestamp(now or datetime.now(timezone.utc))
    now = now.tz_localize("UTC") if now.tzinfo is None else now
    since = now - timedelta(hours=selection.recent_hours)
    chosen = [r for r, t in zip(runs.ids, runs.times) if not pd.isna(t) and t >= since]
    return chosen, "" if chosen else "no run started in the last {} hours (latest: {})".format(
        fmt(selection.recent_hours), runs.describe_latest(1))


# -- bounds ------------------------------------------------------------------------------------

def recorded_bound(row):
    """The bounds recorded in a metrics row, or None."""
    warning, error = row.get("warning_threshold"), row.get("error_threshold")
    direction = row.get("direction", "")
    if direction not in DIRECTIONS or (is_missing(warning) and is_missing(error)):
        return None
    try:
        return Bound(direction, None if is_missing(warning) else float(warning),
                     None if is_missing(error) else float(error))
    except ConfigError as exc:
        raise InputError("a row for metric {} records invalid bounds ({}): expected {}".format(
            row.get("metric"), exc.received, exc.expected)) from None


def resolve_bound(overrides, metric, row, default=None):
    """The bound in force for a row: the check's override (``None`` = explicitly no bound), else
    the bounds recorded in the row, else ``default``."""
    if metric in overrides:
        return overrides[metric]
    return recorded_bound(row) or default


def judge(value, bound):
    """(level, bound value breached) with ``bound``; level EMPTY for a missing value."""
    if bound is None or is_missing(value):
        return EMPTY, None
    return bound.status(value), bound.breached(value)


def display_bound(bound):
    """The bound to show next to a value that breaches nothing: the strictest one."""
    return bound.warning if bound.warning is not None else bound.error


# -- one run at a time, then all selected runs -------------------------------------------------

@dataclass
class RunVerdict:
    run_id: str
    level: str = OK           # the worst breach among the evaluated values
    headline: str = ""
    offenders: List[Offender] = field(default_factory=list)
    evaluated: int = 0
    notes: List[str] = field(default_factory=list)
    not_evaluable: str = ""   # why nothing could be evaluated
    skipped: List[str] = field(default_factory=list)
    not_evaluated: List[str] = field(default_factory=list)  # selected subjects that could not be judged

    def missed(self, items, level):
        """Record ``items`` ("subject (why)") as selected but not judged; they count as ``level``."""
        if not items:
            return
        self.not_evaluated += items
        self.notes.append("{} not evaluable, counted as {}: {}".format(len(items), level, ", ".join(items[:3]))
                          + (" and {} more".format(len(items) - 3) if len(items) > 3 else ""))


def run_status(verdict, not_evaluable):
    """THE status of one run, from its judged rows (every check, the probe, the reports and the
    model-health page come here): the worst breach; ``not_evaluable`` (the user's
    not_evaluable_outcome, WARNING by default) when nothing, or some selected feature, summary,
    window or streak, could not be evaluated. Never OK for what was not evaluated."""
    if not verdict.evaluated:
        return not_evaluable
    return worst([verdict.level] + ([not_evaluable] if verdict.not_evaluated else []))


def evaluate(frame, kind, rules, judge_run, now=None, extra_required=()):
    """Recognise the dataset, choose the runs, judge each with ``judge_run(rows, run_id, context)``
    and fold the verdicts into one Outcome. Bad data gives an ERROR outcome, never an exception."""
    try:
        frame = recognise(frame, kind, extra_required)
        runs = runs_of(frame, kind)
        chosen, why_none = select_runs(runs, rules.common.runs, now)
        if not chosen:
            return _not_evaluable(rules.common.not_evaluable, why_none, ())
        context = Context(frame=frame, runs=runs)
        verdicts = []
        for run_id in chosen:
            rows = frame[frame["run_id"] == run_id]
            check_duplicates(rows, kind, run_id)
            verdicts.append(judge_run(rows, run_id, context))
    except (InputError, ConfigError) as exc:
        return error_outcome(str(exc))
    return fold(verdicts, rules.common.not_evaluable)


@dataclass
class Context:
    frame: pd.DataFrame
    runs: Runs


def _not_evaluable(level, why, run_ids, evaluated=0):
    return Outcome(level, shorten("{}: nothing to evaluate: {}".format(level, why)), (), evaluated, tuple(run_ids))


def fold(verdicts, not_evaluable_level):
    run_ids = tuple(v.run_id for v in verdicts)
    usable = [v for v in verdicts if v.evaluated]
    skipped = tuple(s for v in verdicts for s in v.skipped)
    if not usable:
        reasons = "; ".join("run {}: {}".format(v.run_id, v.not_evaluable or "no value could be evaluated")
                            for v in verdicts[-3:])
        return _not_evaluable(not_evaluable_level, reasons, run_ids)
    level = worst(run_status(v, not_evaluable_level) for v in verdicts)
    evaluated = sum(v.evaluated for v in usable)
    if len(verdicts) == 1:
        v = verdicts[0]
        offenders = rank(v.offenders)
        message = compose(level, "{} in run {}".format(v.headline, v.run_id), offenders, v.notes)
        return Outcome(level, message, tuple(offenders), evaluated, run_ids, skipped)
    breaching = [v for v in usable if v.level != OK]
    lost = len(verdicts) - len(usable)
    notes = ["{} run{} not evaluable, counted as {}".format(lost, "s" if lost > 1 else "", not_evaluable_level)] \
        if lost else []
    partial = [v for v in usable if v.not_evaluated]
    if partial:
        last = partial[-1]
        notes.append("{} run{} partly not evaluable, counted as {} (run {}: {})".format(
            len(partial), "s" if len(partial) > 1 else "", not_evaluable_level, last.run_id,
            ", ".join(last.not_evaluated[:2]) + (" ..." if len(last.not_evaluated) > 2 else "")))
    if not breaching:
        message = compose(level, "{} runs checked ({} to {}), none breaches".format(
            len(usable), usable[0].run_id, usable[-1].run_id), [], notes)
        return Outcome(level, message, (), evaluated, run_ids, skipped)
    top = max(breaching, key=lambda v: (SEVERITY[v.level], verdicts.index(v)))
    offenders = rank(top.offenders)
    others = [v for v in breaching if v is not top]
    if others:
        notes.insert(0, "also breaching: " + ", ".join("run {} ({})".format(v.run_id, v.level) for v in others[-3:])
                     + (" and {} more".format(len(others) - 3) if len(others) > 3 else ""))
    headline = "{}/{} runs breach; worst: run {}: {}".format(len(breaching), len(usable), top.run_id, top.headline)
    all_offenders = tuple(rank([o for v in breaching for o in v.offenders]))
    return Outcome(level, compose(level, headline, offenders, notes + top.notes), all_offenders,
                   evaluated, run_ids, skipped)

"""Model performance on a scored dataset, overall and per time window, against a baseline.

Entry point: :func:`evaluate_model` (scored frame, :class:`PerformanceParams`, optional baseline
metrics frame) → the tidy metrics table of SPEC §2 with ``window``, ``n``, ``ci_low``, ``ci_high``,
``baseline_value``, ``change``, ``change_relative``. Designed to be appended run after run.

Numbers equal scikit-learn's (``roc_auc_score``, ``average_precision_score``, ``log_loss``,
``brier_score_loss``, ``accuracy_score``, ``precision_score``, ``recall_score``, ``f1_score``,
``root_mean_squared_error``, ``mean_absolute_error``, ``r2_score``) wherever those are defined;
where scikit-learn would return 0 with a warning (0/0), the row is EMPTY with a reason. All windows
are computed in one grouped pass (bincount, one sort for AUC and average precision). Formulas and
intervals: ``docs/performance.md``.
"""
import logging
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from .contract import PERFORMANCE_EXTRA, PERFORMANCE_SUBJECT
from .stats import binary, groups as groupstats, intervals
from .errors import ConfigError, InputError
from .params import get_choice, get_float, get_list, get_str, warn_unknown
from .bounds import naming, parse_bounds
from .stats.curves import (CALIBRATION_BINS, calibration_bins, calibration_from_sums, performance_curves, predicted_vs_actual,
                     roc_from_counts)
from .table import ABOVE, BELOW, EMPTY, Bound, RunInfo, metric_row, to_frame

log = logging.getLogger(__name__)

ALL_WINDOWS = "__all__"
BINARY_METRICS = ("roc_auc", "average_precision", "log_loss", "brier_score", "accuracy", "precision",
                  "recall", "f1")
REGRESSION_METRICS = ("rmse", "mae", "r2")
METRICS = {"binary": BINARY_METRICS, "regression": REGRESSION_METRICS}
SCORE_METRICS = ("roc_auc", "average_precision", "log_loss", "brier_score")
HIGHER_IS_BETTER = ("roc_auc", "average_precision", "accuracy", "precision", "recall", "f1", "r2")
PRIMARY = {"binary": "roc_auc", "regression": "rmse"}
GRANULARITIES = {"day": "D", "week": "W", "month": "M"}
TIME_UNITS = {"dates": None, "epoch_seconds": "s", "epoch_milliseconds": "ms"}  # time_unit -> pandas unit
DATE_FORMS = ("dates or timestamps (a DSS date column, or text such as 2024-05-01 or 2024-05-01T13:45:00Z); "
              "numbers only with time_unit epoch_seconds or epoch_milliseconds")



def direction_of(metric):
    return BELOW if metric in HIGHER_IS_BETTER else ABOVE


@dataclass(frozen=True)
class PerformanceParams:
    target_column: str
    task: str = "binary"
    positive_class: str = ""
    prediction_column: str = ""
    score_column: str = ""
    threshold: float = 0.5
    time_column: str = ""
    time_granularity: str = "day"
    time_unit: str = "dates"
    baseline_values: Dict[str, float] = field(default_factory=dict)
    confidence_level: float = 0.95
    metrics: Tuple[str, ...] = BINARY_METRICS
    bounds: Dict[str, Bound] = field(default_factory=dict)
    # The recipe's parameter names (recipe.json), the engine's (read by dku_guardrails) included.
    NAMES = ("task", "target_column", "positive_class", "score_column", "prediction_column", "threshold",
             "time_column", "time_granularity", "time_unit", "baseline_value", "metrics", "confidence_level",
             "roc_auc_warning", "roc_auc_error", "bounds", "max_rows_in_memory", "chunk_size")

    @classmethod
    def from_config(cls, config):
        warn_unknown(config, cls.NAMES, "evaluate-model")
        task = get_choice(config, "task", "binary", tuple(METRICS))
        target = get_str(config, "target_column")
        if not target:
            raise ConfigError("target_column", target, "the name of the ground-truth column")
        prediction, score = get_str(config, "prediction_column"), get_str(config, "score_column")
        if task == "binary" and not prediction and not score:
            raise ConfigError("score_column", score, "a score (probability) column or a prediction column")
        if task == "regression" and not prediction:
            raise ConfigError("prediction_column", prediction, "the column of predicted values (regression)")
        metrics = get_list(config, "metrics")
        unknown = [m for m in metrics if m not in METRICS[task]]
        if unknown:
            raise ConfigError("metrics", unknown[0], "{} metrics: {}".format(task, ", ".join(METRICS[task])))
        return cls(
            target_column=target,
            task=task,
            positive_class=get_str(config, "positive_class"),
            prediction_column=prediction,
            score_column=score if task == "binary" else "",
            threshold=get_float(config, "threshold", 0.5, minimum=0.0, maximum=1.0),
            time_column=get_str(config, "time_column"),
            time_granularity=get_choice(config, "time_granularity", "day", tuple(GRANULARITIES)),
            time_unit=get_choice(config, "time_unit", "dates", tuple(TIME_UNITS)),
            baseline_values=_parse_baseline(config.get("baseline_value"), task),
            confidence_level=get_float(config, "confidence_level", 0.95, minimum=0.5, maximum=0.999),
            metrics=tuple(m for m in METRICS[task] if m in metrics) if metrics else METRICS[task],
            bounds=_parse_bounds(config, task),
        )

    @property
    def columns(self):
        wanted = [self.target_column, self.prediction_column, self.score_column, self.time_column]
        return [c for i, c in enumerate(wanted) if c and c not in wanted[:i]]


def _parse_baseline(value, task):
    """``baseline_value``: empty, a number (for roc_auc / rmse), or 'metric=value' pairs."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {PRIMARY[task]: float(value)}
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, str):
        text = value.strip()
        try:
            return {PRIMARY[task]: float(text)}
        except ValueError:
            pairs = [re.split(r"\s*[=:]\s*", part.strip(), maxsplit=1) for part in re.split(r"[,;]", text)
                     if part.strip()]
    else:
        raise ConfigError("baseline_value", value, "a number or 'metric=value' pairs")
    baseline = {}
    for pair in pairs:
        if len(pair) != 2 or str(pair[0]).strip() not in METRICS[task]:
            raise ConfigError("baseline_value", value, "a number (baseline {}) or pairs such as "
                              "'roc_auc=0.91, f1=0.6' naming {} metrics".format(PRIMARY[task], task))
        try:
            baseline[str(pair[0]).strip()] = float(pair[1])
        except (TypeError, ValueError):
            raise ConfigError("baseline_value", value, "numbers after each metric name") from None
    return baseline


def _parse_bounds(config, task):
    bounds = {}
    if task == "binary":
        warning = get_float(config, "roc_auc_warning", None, minimum=0.0, maximum=1.0)
        error = get_float(config, "roc_auc_error", 0.88, minimum=0.0, maximum=1.0)
        if warning is not None or error is not None:
            with naming("roc_auc_warning / roc_auc_error"):
                bounds["roc_auc"] = Bound(BELOW, warning, error)
    bounds.update(parse_bounds(config.get("bounds"), {m: direction_of(m) for m in METRICS[task]}))
    return bounds


# -- inputs ----------------------------------------------------------------------------------

@dataclass
class _Prepared:
    y: np.ndarray
    prediction: Optional[np.ndarray]
    score: Optional[np.ndarray]
    windows: np.ndarray  # code per row, -1 when the time is missing
    window_labels: list
    notes: list
    absent: str = ""


def _prepare(frame, params):
    if len(frame) == 0:
        raise InputError("The scored dataset is empty: nothing to evaluate.")
    binary.require_columns(frame, params.columns)
    score = prediction = None
    absent = ""
    if params.task == "binary":
        y, score, prediction, absent = binary.binary_outcomes(frame, params.target_column, params.positive_class,
                                                      params.score_column, params.prediction_column,
                                                      params.threshold)
    else:
        y = binary.numbers(frame[params.target_column], params.target_column, "Target")
        prediction = binary.numbers(frame[params.prediction_column], params.prediction_column, "Prediction")
    valid, excluded = binary.usable_rows(len(frame), [(params.target_column, y), (params.prediction_column, prediction),
                                                      (params.score_column, score)], "scored")
    notes = [excluded] if excluded else []
    if excluded:
        log.warning(excluded)
    windows, labels = np.full(int(valid.sum()), -1, dtype="int64"), []
    if params.time_column:
        windows, labels, note = _windows(frame[params.time_column][valid], params)
        notes.extend([note] if note else [])
    return _Prepared(
        y=y[valid], prediction=None if prediction is None else prediction[valid],
        score=None if score is None else score[valid], windows=windows, window_labels=labels, notes=notes,
        absent=_absent_note(absent))


def _times(series, params):
    """The time column as UTC timestamps (NaT where missing or unparseable). Numbers are epoch times
    only when time_unit says which: read as dates, 1700000000 would be 1.7 s after 1970-01-01."""
    unit = TIME_UNITS[params.time_unit]
    stored_numbers = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
    if unit is None:
        if stored_numbers and series.notna().any():
            raise InputError("Time column '{}' holds numbers (e.g. {!r}), not dates. Accepted: {}. If these are epoch "
                             "times, set time_unit to the unit they count since 1970-01-01 UTC.".format(
                                 params.time_column, series[series.notna()].iloc[:1].tolist()[0], DATE_FORMS))
        return pd.to_datetime(series, errors="coerce", utc=True)
    if pd.api.types.is_datetime64_any_dtype(series) and series.notna().any():
        raise InputError("Time column '{}' holds dates (e.g. {!r}) but time_unit is {}: set time_unit to dates.".format(
            params.time_column, str(series[series.notna()].iloc[0]), params.time_unit))
    numbers = series if stored_numbers else pd.to_numeric(series, errors="coerce")
    return pd.to_datetime(numbers.astype("float64"), unit=unit, errors="coerce", utc=True)


def _window_labels(series, params):
    """Window label per row (NaN where the time is missing or unparseable) and the unparseable rows."""
    times = _times(series, params)
    bad = times.isna() & series.notna()
    naive = times.dt.tz_convert(None)
    if params.time_granularity == "day":
        start, form = naive.dt.normalize(), "%Y-%m-%d"
    elif params.time_granularity == "week":
        start, form = naive.dt.normalize() - pd.to_timedelta(naive.dt.dayofweek, unit="D"), "%Y-%m-%d"
    else:
        start, form = naive.dt.normalize() - pd.to_timedelta(naive.dt.day - 1, unit="D"), "%Y-%m"
    codes, uniques = pd.factorize(start)  # format each window once, not each row
    text = np.append(np.asarray(pd.DatetimeIndex(uniques).strftime(form), dtype=object), np.nan)
    return pd.Series(text[codes], index=series.index, dtype=object), bad


def _no_parseable_time(params, example):
    dates = TIME_UNITS[params.time_unit] is None
    return InputError("Time column '{}' has no parseable {} (e.g. {!r}). Accepted: {}.".format(
        params.time_column, "date" if dates else "number", example,
        DATE_FORMS if dates else "numbers (time_unit is {})".format(params.time_unit)))


def _missing_time_note(missing, params):
    note = "{} rows without a usable '{}' are in {} only".format(missing, params.time_column, ALL_WINDOWS)
    log.warning(note)
    return note


def _windows(series, params):
    """Window code per row (−1 when the time is missing) and the window labels, in time order."""
    labels, bad = _window_labels(series, params)
    if bad.all() and series.notna().any():
        raise _no_parseable_time(params, series[bad].iloc[0])
    codes, uniques = pd.factorize(labels, sort=True)
    missing = int((codes == -1).sum())
    note = _missing_time_note(missing, params) if missing else ""
    return codes.astype("int64"), [str(u) for u in uniques], note


# -- metrics per window ----------------------------------------------------------------------

@dataclass
class BinarySums:
    """Sufficient statistics of a binary model per group: confusion counts, ROC AUC and average
    precision (values, DeLong variance or positives, notes on approximate values), sums and sums of
    squares of the per-row log loss and Brier terms. Every engine produces these."""
    cells: tuple
    auc: Optional[tuple] = None
    ap: Optional[tuple] = None
    log_loss: Optional[tuple] = None
    brier: Optional[tuple] = None


@dataclass
class RegressionSums:
    n: np.ndarray
    abs_error: tuple      # Σ|e|, Σe²
    squared_error: tuple  # Σe², Σe⁴
    r2: tuple             # Σe², Σd, Σe⁴, Σd², Σe²d with d = (y − ȳ)²


def _binary_sums(codes, n_groups, data):
    y, prediction, score = data.y, data.prediction, data.score
    sums = BinarySums(cells=binary.confusion_counts(codes, n_groups, y, prediction))
    if score is None:
        return sums
    sums.auc = binary.roc_auc_by_group(codes, n_groups, y, score) + (None,)
    sums.ap = binary.average_precision_by_group(codes, n_groups, y, score) + (None,)
    eps = np.finfo("float64").eps
    loss = -(y * np.log(np.clip(score, eps, 1 - eps)) + (1 - y) * np.log(np.clip(1 - score, eps, 1 - eps)))
    sums.log_loss = _sums(codes, n_groups, loss)
    sums.brier = _sums(codes, n_groups, (score - y) ** 2)
    return sums


def _sums(codes, n_groups, per_row):
    return (np.bincount(codes, weights=per_row, minlength=n_groups),
            np.bincount(codes, weights=per_row * per_row, minlength=n_groups))


def _binary_metrics(sums, level):
    """metric -> (values, ci_low, ci_high, reasons) arrays over the groups."""
    tn, fp, fn, tp = sums.cells
    n = tn + fp + fn + tp
    n_groups = len(n)
    out = {}

    def rate(metric, numerator, denominator, reason):
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(denominator > 0, numerator / denominator, np.nan)
        low, high = intervals.wilson(numerator, denominator, level)
        out[metric] = (values, low, high, np.where(denominator > 0, "", reason))

    rate("accuracy", tp + tn, n, "no rows")
    rate("precision", tp, tp + fp, "no predicted positives, precision is undefined")
    rate("recall", tp, tp + fn, "no actual positives, recall is undefined")
    f1, low, high = intervals.ratio_of_means(2 * tp, 2 * tp + fp + fn, 4 * tp, 4 * tp + fp + fn, 4 * tp, n, level)
    defined = (2 * tp + fp + fn) > 0
    out["f1"] = (np.where(defined, f1, np.nan), low, high,
                 np.where(defined, "", "no actual or predicted positives, F1 is undefined"))
    if sums.auc is None:
        reason = "needs a score column (probability of the positive class)"
        for metric in SCORE_METRICS:
            out[metric] = (np.full(n_groups, np.nan), None, None, np.full(n_groups, reason, dtype=object))
        return out
    positives = tp + fn
    one_class = np.where(positives == 0, "no actual positives", "no actual negatives")
    auc, variance, notes = sums.auc
    low, high = intervals.normal(auc, np.sqrt(variance), level, 0.0, 1.0)
    out["roc_auc"] = (auc, low, high, _with_notes(np.where(np.isnan(auc), np.char.add(one_class, ", ROC AUC is "
                                                                                                   "undefined"), ""), notes))
    ap, n_pos, notes = sums.ap
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = intervals.logit(ap, 1.0 / np.sqrt(n_pos * ap * (1.0 - ap)), level)
    out["average_precision"] = (ap, low, high, _with_notes(np.where(np.isnan(ap), "no actual positives, average "
                                                                                  "precision is undefined", ""), notes))
    out["log_loss"] = _mean_metric(*sums.log_loss, n, level, lower=0.0)
    out["brier_score"] = _mean_metric(*sums.brier, n, level, lower=0.0)
    return out


def _with_notes(reasons, notes):
    """Undefined values keep their reason; defined ones get the note on their approximation."""
    if notes is None:
        return reasons
    return np.array([r or note for r, note in zip(reasons, notes)], dtype=object)


def _mean_metric(total, squares, n, level, lower=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
    low, high = intervals.normal(mean, intervals.mean_standard_error(total, squares, n), level, lower)
    return mean, low, high, np.where(n > 0, "", "no rows")


def _regression_sums(codes, n_groups, data):
    y, prediction = data.y, data.prediction
    n = np.bincount(codes, minlength=n_groups).astype("float64")
    error = prediction - y
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_y = np.bincount(codes, weights=y, minlength=n_groups) / n
    deviation = (y - mean_y[codes]) ** 2
    squared = error * error
    r2 = tuple(np.bincount(codes, weights=w, minlength=n_groups)
               for w in (squared, deviation, squared * squared, deviation * deviation, squared * deviation))
    return RegressionSums(n, _sums(codes, n_groups, np.abs(error)), _sums(codes, n_groups, squared), r2)


def _regression_metrics(sums, level):
    n = sums.n
    out = {"mae": _mean_metric(*sums.abs_error, n, level, lower=0.0)}
    mse, low, high, reason = _mean_metric(*sums.squared_error, n, level, lower=0.0)
    out["rmse"] = (np.sqrt(mse), np.sqrt(low), np.sqrt(high), reason)
    ratio, low, high = intervals.ratio_of_means(*sums.r2, n, level)
    constant = sums.r2[1] == 0
    out["r2"] = (np.where(constant, np.nan, 1.0 - ratio), 1.0 - high, 1.0 - low,
                 np.where(constant, "target is constant, R² is undefined", ""))
    return out


# -- baseline --------------------------------------------------------------------------------

def baseline_from_metrics(frame):
    """metric -> value from an earlier evaluate-model output: the rows of window ``__all__`` of
    its latest run."""
    if frame is None or len(frame) == 0:
        return {}
    for column in ("metric", "value"):
        if column not in frame.columns:
            raise InputError("Baseline dataset has no '{}' column: expected the metrics dataset of an earlier "
                             "evaluate-model run (columns: {}).".format(column, ", ".join(map(str, frame.columns))))
    rows = frame
    if "window" in rows.columns:
        rows = rows[rows["window"].astype(str) == ALL_WINDOWS]
    if "run_time" in rows.columns and len(rows):
        rows = rows[rows["run_time"].astype(str) == rows["run_time"].astype(str).max()]
    values = pd.to_numeric(rows["value"], errors="coerce")
    return {str(m): float(v) for m, v in zip(rows["metric"], values) if not np.isnan(v)}


# -- entry point -----------------------------------------------------------------------------

@dataclass
class PerformanceStats:
    """What every engine hands to the table: the labels (``__all__`` then the windows) and, per part
    (``__all__``; the windows), the sufficient statistics and the row counts of its groups."""
    labels: List[str]
    parts: list   # [(BinarySums | RegressionSums, n per group)]
    notes: List[str]
    absent: str = ""   # binary.absent_positive's note: the positive class does not occur


def _absent_note(absent):
    if absent:
        log.warning(absent)
    return absent


def evaluate_model(scored, params, baseline=None, run=None, curves=None):
    """The performance metrics table of ``scored``: window ``__all__`` then one set of rows per
    time window; ``baseline`` is an earlier run's metrics frame (overridden by baseline_value).
    ``curves``: a dict that receives the ROC and calibration curves (:mod:`.curves`) for the report."""
    data = _prepare(scored, params)
    if curves is not None:
        curves.update(performance_curves(params.task, data.y, data.score, data.prediction))
    return performance_table(stats_from_prepared(data, params), params, baseline, run)


def stats_from_prepared(data, params):
    """The exact statistics of in-memory data: group 0 is __all__, the windows are the groups 1.."""
    sums = _binary_sums if params.task == "binary" else _regression_sums
    parts = [(sums(np.zeros(len(data.y), dtype="int64"), 1, data), np.array([len(data.y)], dtype="float64"))]
    if data.window_labels:
        in_window = data.windows >= 0
        windowed = _Prepared(*(None if a is None else a[in_window] for a in (data.y, data.prediction, data.score)),
                             windows=None, window_labels=None, notes=None)
        codes = data.windows[in_window]
        n_windows = len(data.window_labels)
        parts.append((sums(codes, n_windows, windowed),
                      np.bincount(codes, minlength=n_windows).astype("float64")))
    return PerformanceStats([ALL_WINDOWS] + data.window_labels, parts, data.notes, data.absent)


def performance_table(stats, params, baseline=None, run=None):
    """The metrics table from :class:`PerformanceStats`: the finish every engine shares."""
    run = run or RunInfo.new()
    baselines = dict(baseline_from_metrics(baseline))
    baselines.update(params.baseline_values)
    compute = _binary_metrics if params.task == "binary" else _regression_metrics
    results = [compute(sums, params.confidence_level) for sums, _ in stats.parts]
    counts = [n for _, n in stats.parts]
    labels = stats.labels
    rows = []
    note = "; ".join(stats.notes)
    for metric in params.metrics:
        bound = params.bounds.get(metric)
        base = baselines.get(metric)
        offset = 0
        for result, n in zip(results, counts):
            values, low, high, reasons = result[metric]
            for i in range(len(values)):
                window = labels[offset + i]
                value = values[i]
                reason = reasons[i] if np.isnan(value) or reasons[i].startswith("streaming") else ""
                if window == ALL_WINDOWS and note:
                    reason = "; ".join(r for r in (reason, note) if r)
                row = metric_row(metric, value, bound, reason=reason, window=window)
                change = relative = None
                if base is not None and not np.isnan(value):
                    change = value - base
                    relative = change / abs(base) if base != 0 else None
                row.update(n=n[i], ci_low=None if low is None else low[i], ci_high=None if high is None else high[i],
                           baseline_value=base, change=change, change_relative=relative)
                rows.append(row)
            offset += len(values)
    if not rows:
        raise InputError("No metric selected.")
    binary.explain_empty(rows, stats.absent)
    frame = to_frame(rows, run, PERFORMANCE_SUBJECT, PERFORMANCE_EXTRA)
    if (frame["status"] == EMPTY).all():
        log.warning("Every metric is EMPTY: %s", frame["reason"].iloc[0])
    return frame


# -- streaming -------------------------------------------------------------------------------

def stats_from_chunks(chunks, params, curves=None):
    """:class:`PerformanceStats` from an iterable of DataFrame chunks, in memory bounded by the number
    of windows (docs/scale.md). ``curves`` receives the report's curves (ROC at the score grid's
    points, exact calibration bins; regression: predicted vs actual of the first chunk)."""
    is_binary = params.task == "binary"
    outcomes = groupstats.Outcomes(params.target_column, params.positive_class, params.score_column,
                                   params.prediction_column, params.threshold, "scored")
    make = groupstats.BinaryGroups if is_binary else groupstats.RegressionGroups
    overall, windowed = make(), make()
    windows = {}                 # window label -> first-seen code
    time_rows = time_bad = 0
    time_example = None
    calibration = np.zeros((3, CALIBRATION_BINS)) if is_binary and params.score_column else None
    first = None
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        binary.require_columns(chunk, params.columns)
        if is_binary:
            y, score, prediction, valid = outcomes.read(chunk)
        else:
            y, prediction, score = (_chunk_numbers(chunk, params.target_column, "Target"),
                                    _chunk_numbers(chunk, params.prediction_column, "Prediction"), None)
            missing = {c: int(np.isnan(v).sum()) for c, v in ((params.target_column, y),
                                                               (params.prediction_column, prediction))}
            valid = ~(np.isnan(y) | np.isnan(prediction))
            outcomes.add_counts(len(chunk), int((~valid).sum()), missing)
        y, prediction = y[valid], prediction[valid]
        score = None if score is None else score[valid]
        zeros = np.zeros(len(y), dtype="int64")
        if is_binary:
            overall.add(zeros, y, prediction, score)
            if calibration is not None:
                index = calibration_bins(score)
                for row, weights in enumerate((None, score, y)):
                    calibration[row] += np.bincount(index, weights=weights, minlength=CALIBRATION_BINS)
        else:
            overall.add(zeros, y, prediction)
            first = first if first is not None else (y, prediction)
        if params.time_column:
            series = chunk[params.time_column][valid]
            labels, bad = _window_labels(series, params)
            time_rows, time_bad = time_rows + len(series), time_bad + int(bad.sum())
            if time_example is None and bad.any():
                time_example = series[bad].iloc[0]
            codes, uniques = pd.factorize(labels)
            mapping = np.array([windows.setdefault(str(u), len(windows)) for u in uniques] + [-1], dtype="int64")
            codes = mapping[codes]
            kept = codes >= 0
            windowed.add(codes[kept], y[kept], prediction[kept], *(() if not is_binary else (score[kept],)
                                                                  if score is not None else ()))
    excluded = outcomes.finish() if is_binary else _regression_note(outcomes)
    notes = [excluded] if excluded else []
    if excluded:
        log.warning(excluded)
    if params.time_column and time_rows and time_bad == time_rows:
        raise _no_parseable_time(params, time_example)
    finish = _binary_from_groups if is_binary else _regression_from_groups
    parts = [finish(overall, np.zeros(1, dtype="int64"), 1)]
    labels = sorted(windows)
    if labels:
        rank = np.empty(len(labels), dtype="int64")
        rank[[windows[label] for label in labels]] = np.arange(len(labels))
        parts.append(finish(windowed, rank, len(labels)))
    missing_time = int(parts[0][1][0] - (parts[1][1].sum() if labels else 0)) if params.time_column else 0
    if missing_time:
        notes.append(_missing_time_note(missing_time, params))
    if curves is not None:
        curves.update(_streamed_curves(params, overall, calibration, first))
    return PerformanceStats([ALL_WINDOWS] + labels, parts, notes, _absent_note(outcomes.absent))


def _chunk_numbers(chunk, column, field):
    try:
        return binary.numbers(chunk[column], column, field)
    except InputError as exc:
        raise InputError("{} (in a chunk of the scored dataset)".format(exc)) from None


def _regression_note(outcomes):
    if outcomes.rows == 0:
        raise InputError("The scored dataset is empty: nothing to evaluate.")
    return groupstats.excluded_note(outcomes.rows, outcomes.invalid, outcomes.missing, "scored")


def _binary_from_groups(groups, rank, n_groups):
    tn, fp, fn, tp = groups.confusion(rank, n_groups)
    sums = BinarySums(cells=(tn, fp, fn, tp))
    if groups.has_score:
        exact = groups.single_valued
        auc, variance, low, high = groups.roc_auc(rank, n_groups)
        sums.auc = (auc, variance, None if exact else _grid_notes("ROC AUC", auc, low, high))
        ap, n_pos, low, high = groups.average_precision(rank, n_groups)
        sums.ap = (ap, n_pos, None if exact else _grid_notes("average precision", ap, low, high))
        sums.log_loss = groups.loss_sums("log_loss", rank, n_groups)
        sums.brier = groups.loss_sums("brier", rank, n_groups)
    return sums, tn + fp + fn + tp


def _grid_notes(metric, values, low, high):
    return np.array([groupstats.grid_reason(metric, lo, hi) if not np.isnan(v) else ""
                     for v, lo, hi in zip(values, low, high)], dtype=object)


def _regression_from_groups(groups, rank, n_groups):
    n, abs_error, squared_error, r2 = groups.finish(rank, n_groups)
    return RegressionSums(n, abs_error, squared_error, r2), n


def _streamed_curves(params, overall, calibration, first):
    if params.task == "regression":
        if first is None:
            return {"predicted_vs_actual": None}
        return {"predicted_vs_actual": predicted_vs_actual(*first),
                "note": "predicted vs actual of the first {} rows (the data were streamed)".format(len(first[0]))}
    if calibration is None:
        return performance_curves("binary", None)
    fp, tp = overall.roc_points()
    return {"roc": roc_from_counts(fp, tp), "calibration": calibration_from_sums(*calibration),
            "note": "ROC curve at the points of the {}-bin score grid (the data were streamed)".format(
                groupstats.SCORE_BINS)}


__all__ = ["BINARY_METRICS", "PerformanceParams", "PerformanceStats", "REGRESSION_METRICS", "baseline_from_metrics",
           "evaluate_model", "performance_table", "stats_from_chunks"]

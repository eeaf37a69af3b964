"""The evaluate-model table writer: the metrics table of SPEC §2 from the statistics of any engine
(one row per window and metric, with ``n``, the interval and the comparison with the baseline), the
baseline read from an earlier run's table, and :class:`PerformanceResult` (the table and the report's
curves)."""
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..contract import ALL_WINDOWS, PERFORMANCE_EXTRA, PERFORMANCE_SUBJECT
from ..errors import InputError
from ..stats import binary
from ..table import EMPTY, RunInfo, metric_row, to_frame
from .metrics import BY_NAME

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PerformanceResult:
    """The metrics table (SPEC §2) and the report's curves (:mod:`model_guardrails.stats.curves`)."""
    table: pd.DataFrame
    curves: dict


def performance_result(output, params, baseline=None, run=None):
    """:class:`PerformanceResult` of an engine's output (:class:`.sums.EngineOutput`)."""
    return PerformanceResult(performance_table(output.stats, params, baseline, run), output.curves)


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


def performance_table(stats, params, baseline=None, run=None):
    """The metrics table from :class:`~.sums.PerformanceStats`: the finish every engine shares.
    ``baseline`` is an earlier run's metrics frame (overridden by baseline_value)."""
    run = run or RunInfo.new()
    baselines = dict(baseline_from_metrics(baseline))
    baselines.update(params.baseline_values)
    labels = stats.labels
    rows = []
    note = "; ".join(stats.notes)
    for metric in params.metrics:
        compute = BY_NAME[metric].compute
        bound = params.bounds.get(metric)
        base = baselines.get(metric)
        offset = 0
        for sums, n in stats.parts:
            values, low, high, reasons = compute(sums, params.confidence_level)
            for i in range(len(values)):
                window = labels[offset + i]
                rows.append(_row(metric, values[i], reasons[i], window, note, bound, base, n[i],
                                 None if low is None else low[i], None if high is None else high[i]))
            offset += len(values)
    if not rows:
        raise InputError("No metric selected.")
    binary.explain_empty(rows, stats.absent)
    frame = to_frame(rows, run, PERFORMANCE_SUBJECT, PERFORMANCE_EXTRA)
    if (frame["status"] == EMPTY).all():
        log.warning("Every metric is EMPTY: %s", frame["reason"].iloc[0])
    return frame


def _row(metric, value, reason, window, note, bound, base, n, low, high):
    """One window's row of one metric: its reason (and the notes on __all__), bounds and the
    change from the baseline."""
    reason = reason if np.isnan(value) or reason.startswith("streaming") else ""
    if window == ALL_WINDOWS and note:
        reason = "; ".join(r for r in (reason, note) if r)
    row = metric_row(metric, value, bound, reason=reason, window=window)
    change = relative = None
    if base is not None and not np.isnan(value):
        change = value - base
        relative = change / abs(base) if base != 0 else None
    row.update(n=n, ci_low=low, ci_high=high, baseline_value=base, change=change, change_relative=relative)
    return row

"""The in-memory engine of evaluate-model: the whole scored dataset as one DataFrame, every
statistic exact and every window in one grouped pass (bincount, one sort for ROC AUC and average
precision); the report's curves from all the rows."""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ...contract import ALL_WINDOWS
from ...stats import binary, ranking
from ...stats.curves import performance_curves
from ..metrics import BINARY
from ..sums import BinarySums, EngineOutput, PerformanceStats, RegressionSums, logged_note
from ..windows import windows


@dataclass
class _Prepared:
    y: np.ndarray
    prediction: Optional[np.ndarray]
    score: Optional[np.ndarray]
    windows: np.ndarray  # code per row, -1 when the time is missing
    window_labels: list
    notes: list
    absent: str = ""


def statistics(source, params):
    """The engine's entry (:class:`.Engine`): the source read whole."""
    return stats_from_frame(source.frame(), params)


def stats_from_frame(frame, params) -> EngineOutput:
    """:class:`EngineOutput` of the scored DataFrame: group 0 is __all__, the windows are the
    groups 1.., and the curves of all its usable rows."""
    data = _prepare(frame, params)
    sums = _binary_sums if params.task == BINARY else _regression_sums
    # one sort of all the scores (``ranked``): the overall AUC and average precision and the ROC curve share it
    overall, ranked = sums(None, 1, data)
    curves = performance_curves(params.task, data.y, data.score, data.prediction, ranked)
    del ranked
    parts = [(overall, np.array([len(data.y)], dtype="float64"))]
    if data.window_labels:
        in_window = data.windows >= 0
        windowed = _Prepared(*(None if a is None else a[in_window] for a in (data.y, data.prediction, data.score)),
                             windows=None, window_labels=None, notes=None)
        codes = data.windows[in_window]
        n_windows = len(data.window_labels)
        parts.append((sums(codes, n_windows, windowed)[0],
                      np.bincount(codes, minlength=n_windows).astype("float64")))
    return EngineOutput(PerformanceStats([ALL_WINDOWS] + data.window_labels, parts, data.notes, data.absent), curves)


def _prepare(frame, params):
    if len(frame) == 0:
        raise binary.empty_dataset("scored")
    binary.require_columns(frame, params.columns)
    score = prediction = None
    absent = ""
    if params.task == BINARY:
        y, score, prediction, absent = binary.binary_outcomes(frame, params.target_column, params.positive_class,
                                                              params.score_column, params.prediction_column,
                                                              params.threshold)
    else:
        y = binary.numbers(frame[params.target_column], params.target_column, "Target")
        prediction = binary.numbers(frame[params.prediction_column], params.prediction_column, "Prediction")
    valid, excluded = binary.usable_rows(len(frame), [(params.target_column, y),
                                                      (params.prediction_column, prediction),
                                                      (params.score_column, score)], "scored")
    notes = [logged_note(excluded)] if excluded else []
    codes, labels = None, []
    if params.time_column:
        codes, labels, note = windows(frame[params.time_column][valid], params)
        notes.extend([note] if note else [])
    if valid.all():
        valid = slice(None)  # every row: views, not copies
    if params.task == BINARY:  # 0/1 once the missing are out: a byte a row
        y, prediction = y[valid].astype(np.int8), prediction[valid].astype(np.int8)
    else:
        y, prediction = y[valid], prediction[valid]
    return _Prepared(y=y, prediction=prediction, score=None if score is None else score[valid], windows=codes,
                     window_labels=labels, notes=notes, absent=logged_note(absent))


def _binary_sums(codes, n_groups, data):
    """(sums, ranked): ``codes``, each row's group (none for one group); ``ranked``, the rows by score
    (ranking.Ranked), sorted once the sums that need no order are done (less memory held at once)."""
    y, prediction, score = data.y, data.prediction, data.score
    sums = BinarySums(cells=binary.confusion_counts(codes, n_groups, y, prediction))
    if score is None:
        return sums, None
    # log loss: -log of the probability given to the actual class, clipped to [eps, 1 - eps]
    eps = np.finfo("float64").eps
    loss = np.subtract(1.0, score)
    np.copyto(loss, score, where=y == 1)
    np.clip(loss, eps, 1 - eps, out=loss)
    np.log(loss, out=loss)
    np.negative(loss, out=loss)
    sums.log_loss = _sums(codes, n_groups, loss)
    np.subtract(score, y, out=loss)
    np.square(loss, out=loss)
    sums.brier = _sums(codes, n_groups, loss)
    del loss
    ranked = ranking.Ranked.of(score, y)
    grouped = ranking.Grouped.of(ranked, codes, n_groups)
    sums.auc = grouped.roc_auc() + (None,)
    sums.ap = grouped.average_precision() + (None,)
    return sums, ranked


def _sums(codes, n_groups, per_row):
    """Σ and Σ² of a per-row term in each group (``codes``: none for one group), added in row order."""
    codes = np.zeros(len(per_row), dtype=np.int8) if codes is None else codes
    return (np.bincount(codes, weights=per_row, minlength=n_groups),
            np.bincount(codes, weights=per_row * per_row, minlength=n_groups))


def _regression_sums(codes, n_groups, data):
    """(sums, None): a regression needs no score order."""
    y, prediction = data.y, data.prediction
    codes = np.zeros(len(y), dtype=np.intp) if codes is None else codes
    n = np.bincount(codes, minlength=n_groups).astype("float64")
    error = prediction - y
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_y = np.bincount(codes, weights=y, minlength=n_groups) / n
    deviation = (y - mean_y[codes]) ** 2
    squared = error * error
    r2 = tuple(np.bincount(codes, weights=w, minlength=n_groups)
               for w in (squared, deviation, squared * squared, deviation * deviation, squared * deviation))
    return RegressionSums(n, _sums(codes, n_groups, np.abs(error)), _sums(codes, n_groups, squared), r2), None

"""The chunked engine of evaluate-model: a scored dataset of more than ``max_rows_in_memory`` rows,
streamed in chunks into mergeable statistics, in memory bounded by the number of windows
(docs/scale.md). Counts and sums are exact; ROC AUC and average precision come from a score grid
(exact when the scores have at most 4 decimals, else with a note giving the bracket)."""
import numpy as np
import pandas as pd

from ...contract import ALL_WINDOWS
from ...errors import InputError
from ...read_ahead import read_ahead
from ...stats import binary, groups
from ...stats.curves import (CALIBRATION_BINS, calibration_bins, calibration_from_sums, performance_curves,
                             predicted_vs_actual, roc_from_counts)
from ..metrics import BINARY, REGRESSION
from ..sums import BinarySums, EngineOutput, PerformanceStats, RegressionSums, logged_note
from ..windows import missing_time_note, require_parseable, window_labels


def statistics(source, params):
    """The engine's entry (:class:`.Engine`): the source streamed in chunks."""
    return stats_from_chunks(read_ahead(source.chunks()), params)


def stats_from_chunks(chunks, params) -> EngineOutput:
    """:class:`EngineOutput` of an iterable of DataFrame chunks: the statistics of __all__ and the
    windows, and the report's curves (ROC at the score grid's points, exact calibration bins;
    regression: predicted vs actual of the first chunk)."""
    is_binary = params.task == BINARY
    outcomes = groups.Outcomes(params.target_column, params.positive_class, params.score_column,
                               params.prediction_column, params.threshold, "scored")
    make = groups.BinaryGroups if is_binary else groups.RegressionGroups
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
            labels, bad = window_labels(series, params)
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
    notes = [logged_note(excluded)] if excluded else []
    require_parseable(time_rows, time_bad, time_example, params)
    finish = _binary_from_groups if is_binary else _regression_from_groups
    parts = [finish(overall, np.zeros(1, dtype="int64"), 1)]
    labels = sorted(windows)
    if labels:
        rank = np.empty(len(labels), dtype="int64")
        rank[[windows[label] for label in labels]] = np.arange(len(labels))
        parts.append(finish(windowed, rank, len(labels)))
    missing_time = int(parts[0][1][0] - (parts[1][1].sum() if labels else 0)) if params.time_column else 0
    if missing_time:
        notes.append(missing_time_note(missing_time, params))
    curves = _streamed_curves(params, overall, calibration, first)
    return EngineOutput(PerformanceStats([ALL_WINDOWS] + labels, parts, notes, logged_note(outcomes.absent)), curves)


def _chunk_numbers(chunk, column, field):
    try:
        return binary.numbers(chunk[column], column, field)
    except InputError as exc:
        raise InputError("{} (in a chunk of the scored dataset)".format(exc)) from None


def _regression_note(outcomes):
    if outcomes.rows == 0:
        raise binary.empty_dataset("scored")
    return groups.excluded_note(outcomes.rows, outcomes.invalid, outcomes.missing, "scored")


def _binary_from_groups(merged, rank, n_groups):
    tn, fp, fn, tp = merged.confusion(rank, n_groups)
    sums = BinarySums(cells=(tn, fp, fn, tp))
    if merged.has_score:
        exact = merged.single_valued
        auc, variance, low, high = merged.roc_auc(rank, n_groups)
        sums.auc = (auc, variance, None if exact else _grid_notes("ROC AUC", auc, low, high))
        ap, n_pos, low, high = merged.average_precision(rank, n_groups)
        sums.ap = (ap, n_pos, None if exact else _grid_notes("average precision", ap, low, high))
        sums.log_loss = merged.loss_sums("log_loss", rank, n_groups)
        sums.brier = merged.loss_sums("brier", rank, n_groups)
    return sums, tn + fp + fn + tp


def _grid_notes(metric, values, low, high):
    return np.array([groups.grid_reason(metric, lo, hi) if not np.isnan(v) else ""
                     for v, lo, hi in zip(values, low, high)], dtype=object)


def _regression_from_groups(merged, rank, n_groups):
    n, abs_error, squared_error, r2 = merged.finish(rank, n_groups)
    return RegressionSums(n, abs_error, squared_error, r2), n


def _streamed_curves(params, overall, calibration, first):
    if params.task == REGRESSION:
        if first is None:
            return {"predicted_vs_actual": None}
        return {"predicted_vs_actual": predicted_vs_actual(*first),
                "note": "predicted vs actual of the first {} rows (the data were streamed)".format(len(first[0]))}
    if calibration is None:
        return performance_curves(BINARY, None)
    fp, tp = overall.roc_points()
    return {"roc": roc_from_counts(fp, tp), "calibration": calibration_from_sums(*calibration),
            "note": "ROC curve at the points of the {}-bin score grid (the data were streamed)".format(
                groups.SCORE_BINS)}

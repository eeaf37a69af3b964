"""Curves for the performance report: ROC and calibration (reliability) of a binary model, and
predicted-vs-actual bins of a regression. Small by construction: at most ``MAX_ROC_POINTS``
ROC points and ``CALIBRATION_BINS`` bins, whatever the number of rows."""
import numpy as np

from .ranking import Ranked

MAX_ROC_POINTS = 200
CALIBRATION_BINS = 10


def roc_curve(y, score, max_points=MAX_ROC_POINTS, ranked=None):
    """ROC points (fpr, tpr) at every distinct score threshold, from (0, 0) to (1, 1), thinned
    to at most ``max_points`` (the corners always kept). None when a class is absent.
    ``ranked``: the rows by ascending score (:class:`.ranking.Ranked`), when already sorted."""
    if ranked is None:
        ranked = Ranked.of(np.asarray(score, dtype="float64"), np.asarray(y, dtype="float64"))
    s, t = ranked.score[::-1], ranked.y[::-1]  # by descending score: the thresholds in turn
    n_pos = np.count_nonzero(t)
    if n_pos == 0 or n_pos == len(t):
        return None
    last = np.ones(len(s), dtype=bool)  # each threshold's last row
    np.not_equal(s[1:], s[:-1], out=last[:-1])
    ends = np.flatnonzero(last)
    del last
    kept = _kept(len(ends) + 1, max_points)  # points: (0, 0), then one per threshold
    ends = ends[kept[1:] - 1]
    # positives up to each kept threshold: sums of the runs between them, added up
    tp = np.cumsum(np.add.reduceat(t, np.append(0, ends[:-1] + 1), dtype=np.int64))
    fp = ends + 1 - tp
    return {"fpr": np.append(0.0, fp / float(len(t) - n_pos)).round(6).tolist(),
            "tpr": np.append(0.0, tp / float(n_pos)).round(6).tolist()}


def _kept(n_points, max_points):
    """The indices of the points a curve keeps: all of them, or ``max_points`` evenly spread (the
    first and the last always)."""
    if n_points <= max_points:
        return np.arange(n_points)
    return np.unique(np.round(np.linspace(0, n_points - 1, max_points)).astype(int))


def roc_from_counts(fp, tp, max_points=MAX_ROC_POINTS):
    """ROC points from cumulative false and true positives at decreasing thresholds (the last
    entries are the class totals); None when a class is absent."""
    if len(fp) == 0 or fp[-1] == 0 or tp[-1] == 0:
        return None
    fpr = np.concatenate(([0.0], fp / fp[-1]))
    tpr = np.concatenate(([0.0], tp / tp[-1]))
    kept = _kept(len(fpr), max_points)
    return {"fpr": fpr[kept].round(6).tolist(), "tpr": tpr[kept].round(6).tolist()}


def calibration_bins(score, bins=CALIBRATION_BINS):
    """Bin of each score in [0, 1] among ``bins`` equal-width bins closed on the right: [0, e1],
    (e1, e2], ..., as scikit-learn's calibration_curve since 1.1 (``np.searchsorted(edges[1:-1],
    y_prob)``; 1.0 closed them on the left)."""
    return np.searchsorted(_inner_edges(bins), score)


def _inner_edges(bins):
    return np.linspace(0.0, 1.0, bins + 1)[1:-1]


def calibration_curve(y, score, bins=CALIBRATION_BINS, ranked=None):
    """Reliability diagram on ``bins`` equal-width score bins over [0, 1] (:func:`calibration_bins`):
    per non-empty bin the mean score, the observed positive rate and the count (equal to
    scikit-learn's calibration_curve, strategy 'uniform', plus the counts). ``ranked``: the rows by
    ascending score (:class:`.ranking.Ranked`), when already sorted: each bin is then a run of it,
    found by a search of the edges instead of a search per row."""
    if ranked is not None and len(ranked.score) and 0.0 <= ranked.score[0] and ranked.score[-1] <= 1.0:
        n = len(ranked.score)
        bounds = np.concatenate(([0], np.searchsorted(ranked.score, _inner_edges(bins), side="right"), [n]))
        count = np.diff(bounds)
        starts = bounds[:-1][count > 0]
        positives = np.zeros(bins)
        positives[count > 0] = np.add.reduceat(ranked.y, starts, dtype=np.int64)  # counts: exact in any order
        # the scores added in row order, as scikit-learn adds them: the same means to the last bit
        index = np.empty(n, dtype=np.int8 if bins <= np.iinfo(np.int8).max else np.int64)
        index[ranked.order] = np.repeat(np.arange(bins, dtype=index.dtype), count)
        return calibration_from_sums(count, np.bincount(index, weights=score, minlength=bins), positives)
    y = np.asarray(y, dtype="float64")
    score = np.clip(np.asarray(score, dtype="float64"), 0.0, 1.0)
    index = calibration_bins(score, bins)
    return calibration_from_sums(np.bincount(index, minlength=bins), np.bincount(index, weights=score, minlength=bins),
                                 np.bincount(index, weights=y, minlength=bins))


def calibration_from_sums(count, score_sums, positives):
    """The reliability diagram from per-bin counts, score sums and positives (mergeable)."""
    bins = len(count)
    count, score_sums, positives = (np.asarray(a, dtype="float64") for a in (count, score_sums, positives))
    filled = count > 0
    return {"mean_score": (score_sums[filled] / count[filled]).round(6).tolist(),
            "observed_rate": (positives[filled] / count[filled]).round(6).tolist(),
            "count": count[filled].astype(int).tolist(), "bins": bins}


def predicted_vs_actual(y, prediction, bins=CALIBRATION_BINS):
    """Regression: mean prediction and mean actual value per prediction-quantile bin."""
    y = np.asarray(y, dtype="float64")
    prediction = np.asarray(prediction, dtype="float64")
    if len(y) == 0:
        return None
    edges = np.unique(np.quantile(prediction, np.arange(1, bins) / bins))
    index = np.searchsorted(edges, prediction, side="right")
    size = len(edges) + 1
    count = np.bincount(index, minlength=size)
    filled = count > 0
    return {"mean_prediction": (np.bincount(index, weights=prediction, minlength=size)[filled]
                                / count[filled]).tolist(),
            "mean_actual": (np.bincount(index, weights=y, minlength=size)[filled] / count[filled]).tolist(),
            "count": count[filled].astype(int).tolist()}


def performance_curves(task, y, score=None, prediction=None, ranked=None):
    """The curves of the whole scored dataset (window ``__all__``) for the report (``ranked``: the
    rows by ascending score, :class:`.ranking.Ranked`, when already sorted)."""
    if task == "regression":
        return {"predicted_vs_actual": predicted_vs_actual(y, prediction)}
    if score is None:
        return {"roc": None, "calibration": None,
                "note": "ROC and calibration need a score column (probability of the positive class)"}
    return {"roc": roc_curve(y, score, ranked=ranked), "calibration": calibration_curve(y, score, ranked=ranked)}

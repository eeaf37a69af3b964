"""Mergeable sufficient statistics of a model's outcomes per group, for bounded-memory streaming.

The fairness and performance engines need, per group (a sensitive value, an intersection, a time
window): the confusion counts, the score distribution of each class (ROC AUC, average
precision), and sums of per-row losses. All are sums over rows, so chunks (or Spark partitions)
can be summarised one at a time and merged:

- :class:`Outcomes` reads the target, prediction and score of a chunk as
  :func:`..binary.binary_outcomes` reads a whole frame, keeping the label checks global (two
  classes over every chunk, a positive class that can be the target's, predictions among its labels);
- :class:`BinaryGroups` keeps confusion counts, per-class score histograms on a fixed grid
  (:data:`SCORE_BINS` equal bins of [0, 1]) and loss sums; :class:`RegressionGroups` keeps error
  sums and shifted power sums of the target.

Exactness (docs/scale.md): counts, rates, their Wilson intervals and every parity summary are
exact; log loss, Brier score, RMSE, MAE and R² are exact sums (up to floating-point summation
order). ROC AUC and average precision come from the score grid: exact when each grid bin holds
one distinct score (scores with at most 4 decimals), otherwise the value treats the scores of a
bin as tied and the row's ``reason`` gives the interval that contains the exact value.
"""
import numpy as np
import pandas as pd

from . import binary, ranking
from ..errors import InputError

SCORE_BINS = 10_000
GRID_SIZE = SCORE_BINS + 1                       # bin 0 holds score 0; bin k the scores in (k-1, k] / SCORE_BINS
EDGES = np.arange(GRID_SIZE) / SCORE_BINS        # correctly rounded k / SCORE_BINS: 4-decimal scores sit on edges
_DENSE_LIMIT = 1 << 21   # SparseCounts adds by a dense bincount below this many keys


def score_bins(score):
    """Grid bin of each score in [0, 1]: searchsorted on the edges, so bin k is (e[k-1], e[k]]."""
    return np.searchsorted(EDGES, score, side="left").astype("int64")


class SparseCounts:
    """Counts (or weighted counts) keyed by non-negative int64 keys; only non-empty keys are kept."""

    def __init__(self):
        self.keys = np.empty(0, dtype="int64")
        self.counts = np.empty(0, dtype="float64")

    def add(self, keys, weights=None):
        if len(keys) == 0:
            return
        top = int(max(keys.max(), self.keys[-1] if len(self.keys) else 0)) + 1
        if top <= _DENSE_LIMIT:  # small key space: dense bincount, no sort
            counts = np.bincount(keys, weights=weights, minlength=top).astype("float64")
            if len(self.keys):
                counts[self.keys] += self.counts
            self.keys = np.flatnonzero(counts)
            self.counts = counts[self.keys]
            return
        keys, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse, weights=weights, minlength=len(keys)).astype("float64")
        if len(self.keys):
            keys, inverse = np.unique(np.concatenate((self.keys, keys)), return_inverse=True)
            counts = np.bincount(inverse, weights=np.concatenate((self.counts, counts)), minlength=len(keys))
        self.keys, self.counts = keys, counts


def _grow(array, size):
    if len(array) >= size:
        return array
    return np.concatenate((array, np.zeros(size - len(array))))


class _Sums:
    """Named per-group float sums that grow as groups appear."""

    def __init__(self, names):
        self.values = {n: np.zeros(0) for n in names}

    def add(self, codes, n_groups, weights=None, **per_row):
        for name, values in per_row.items():
            w = values if weights is None else values * weights
            self.values[name] = _grow(self.values[name], n_groups) + np.bincount(codes, weights=w, minlength=n_groups)

    def ordered(self, name, rank, n_groups):
        out = np.zeros(n_groups)
        values = _grow(self.values[name], len(rank))
        out[rank] = values[:len(rank)]
        return out


# -- outcomes --------------------------------------------------------------------------------

class Outcomes:
    """Target, prediction and score of each chunk as 0/1/NaN arrays (binary_outcomes, chunk by
    chunk). Label checks use every chunk's labels; counts of excluded rows are kept for the note."""

    def __init__(self, target_column, positive_class, score_column, prediction_column, threshold, dataset):
        self.target_column, self.positive_class = target_column, positive_class
        self.score_column, self.prediction_column, self.threshold = score_column, prediction_column, threshold
        self.dataset = dataset
        self.target_values, self.prediction_values = {}, {}   # label key -> first raw value
        self.rows, self.invalid = 0, 0
        self.absent = ""
        self.missing = {c: 0 for c in (target_column, prediction_column, score_column) if c}

    def labels(self, series, seen, column, field):
        codes, keys, values = binary.factorize_labels(series)
        for key, value in zip(keys, values):
            seen.setdefault(key, value)
        binary.positive_indicator(pd.Series(list(seen.values()), dtype=object), self._positive_class(), column,
                                  field=field, allow_absent=True)  # more than two classes, positive_class unset
        return codes, keys

    def _positive_class(self):
        return self.positive_class if self.positive_class not in (None, "") else (
            "1" if set(self.target_values) <= {"0", "1"} else "")

    def indicator(self, codes, keys):
        wanted = binary.label_key(self._positive_class())
        positive = np.array([k == wanted for k in keys] + [False])
        y = positive[codes].astype("float64")
        y[codes == -1] = np.nan
        return y

    def read(self, chunk):
        """(y, score, prediction, valid) of a chunk."""
        codes, keys = self.labels(chunk[self.target_column], self.target_values, self.target_column, "target")
        y = self.indicator(codes, keys)
        score = None
        if self.score_column:
            try:
                score = binary.probabilities(chunk[self.score_column], self.score_column)
            except InputError as exc:
                raise InputError("{} (in a chunk of the {} dataset)".format(exc, self.dataset)) from None
        if self.prediction_column:
            codes, keys = self.labels(chunk[self.prediction_column], self.prediction_values, self.prediction_column,
                                       "prediction")
            prediction = self.indicator(codes, keys)
        else:
            prediction = np.where(np.isnan(score), np.nan, (score >= self.threshold).astype("float64"))
        invalid = np.zeros(len(chunk), dtype=bool)
        for column, values in ((self.target_column, y), (self.prediction_column, prediction),
                               (self.score_column, score)):
            if column and values is not None:
                mask = np.isnan(values)
                self.missing[column] += int(mask.sum())
                invalid |= mask
        self.rows += len(chunk)
        self.invalid += int(invalid.sum())
        return y, score, prediction, ~invalid

    def add_counts(self, rows, invalid, missing):
        """Counts computed elsewhere (Spark): rows, excluded rows, missing per column."""
        self.rows += rows
        self.invalid += invalid
        for column, count in missing.items():
            self.missing[column] += count

    def finish(self):
        """Checks that need every chunk (the positive class can be the target's; predictions are
        target labels) and the note on excluded rows, as binary.usable_rows words it. Sets
        ``absent``, binary.absent_positive's note on a positive class absent from every chunk."""
        if self.rows == 0:
            raise binary.empty_dataset(self.dataset)
        targets = pd.Series(list(self.target_values.values()), dtype=object)
        _, positive, keys, self.absent = binary.positive_indicator(targets, self.positive_class, self.target_column)
        if self.prediction_column:
            binary.prediction_indicator(pd.Series(list(self.prediction_values.values()), dtype=object), positive,
                                        self.prediction_column, keys)
        return excluded_note(self.rows, self.invalid, self.missing, self.dataset)


def excluded_note(rows, invalid, missing, dataset):
    """binary.usable_rows's note (and error when no row is usable) from counts."""
    notes = ["{} rows with missing '{}'".format(n, c) for c, n in missing.items() if n]
    if invalid == rows:
        raise InputError("No usable row in the {} dataset: {}.".format(dataset, "; ".join(notes)))
    return "{} of {} rows excluded ({})".format(invalid, rows, "; ".join(notes)) if invalid else ""


# -- binary statistics -----------------------------------------------------------------------

class BinaryGroups:
    """Per group: confusion cells, per-class score histograms on the grid, per-bin score extremes
    (to know whether a bin holds one distinct score), and sums of per-row log loss and Brier terms."""

    LOSSES = ("log_loss", "log_loss_sq", "brier", "brier_sq")

    def __init__(self):
        self.cells = SparseCounts()      # key: group * 4 + y * 2 + prediction
        self.histogram = SparseCounts()  # key: (group * 2 + y) * GRID_SIZE + bin
        self.low = np.full(GRID_SIZE, np.inf)
        self.high = np.full(GRID_SIZE, -np.inf)
        self.sums = _Sums(self.LOSSES)
        self.n_groups = 0
        self.has_score = False

    def add(self, codes, y, prediction, score=None, weights=None, losses=True):
        """Rows (all usable): group codes, 0/1 y and prediction, score in [0, 1] or None."""
        if len(codes) == 0:
            return
        self.n_groups = max(self.n_groups, int(codes.max()) + 1)
        yi = y.astype("int64")
        self.cells.add(codes * 4 + yi * 2 + prediction.astype("int64"), weights)
        if score is None:
            return
        self.has_score = True
        bins = score_bins(score)
        self.add_histogram(codes, yi, bins, weights)
        np.minimum.at(self.low, bins, score)
        np.maximum.at(self.high, bins, score)
        if losses:
            eps = np.finfo("float64").eps
            loss = -(y * np.log(np.clip(score, eps, 1 - eps)) + (1 - y) * np.log(np.clip(1 - score, eps, 1 - eps)))
            brier = (score - y) ** 2
            self.sums.add(codes, self.n_groups, weights, log_loss=loss, log_loss_sq=loss * loss, brier=brier,
                          brier_sq=brier * brier)

    def add_histogram(self, codes, yi, bins, weights=None):
        self.n_groups = max(self.n_groups, int(codes.max()) + 1) if len(codes) else self.n_groups
        self.histogram.add((codes * 2 + yi) * GRID_SIZE + bins, weights)

    def add_extremes(self, bins, low, high):
        np.minimum.at(self.low, bins, low)
        np.maximum.at(self.high, bins, high)

    @property
    def single_valued(self):
        """True when no grid bin holds two distinct scores: the grid's ties are the data's ties."""
        filled = np.isfinite(self.low)
        return bool((self.low[filled] == self.high[filled]).all())

    def confusion(self, rank, n_groups):
        """(tn, fp, fn, tp) float arrays in final group order."""
        keys = rank[self.cells.keys // 4] * 4 + self.cells.keys % 4
        cells = np.bincount(keys, weights=self.cells.counts, minlength=4 * n_groups).reshape(n_groups, 4)
        return cells[:, 0], cells[:, 1], cells[:, 2], cells[:, 3]

    def _blocks(self, rank, descending=False):
        """Non-empty (group, bin) blocks in group order, bins ascending (or descending): positives,
        negatives and the group of each block."""
        keys = self.histogram.keys
        group, y, bins = rank[keys // (2 * GRID_SIZE)], (keys // GRID_SIZE) % 2, keys % GRID_SIZE
        block_keys, inverse = np.unique(group * GRID_SIZE + (GRID_SIZE - 1 - bins if descending else bins),
                                        return_inverse=True)
        pos = np.bincount(inverse, weights=self.histogram.counts * (y == 1), minlength=len(block_keys))
        neg = np.bincount(inverse, weights=self.histogram.counts * (y == 0), minlength=len(block_keys))
        return pos, neg, block_keys // GRID_SIZE

    def roc_auc(self, rank, n_groups):
        """(auc, variance, low, high) per group: the AUC with the pairs of one bin counted as ties, and the
        bounds of the exact AUC (pairs of one bin all ordered one way or the other)."""
        pos, neg, group = self._blocks(rank)
        auc, variance = ranking.ClassBlocks.from_counts(pos, neg, group, n_groups).roc_auc()
        n_pos = np.bincount(group, weights=pos, minlength=n_groups)
        n_neg = np.bincount(group, weights=neg, minlength=n_groups)
        below = ranking.cumsum_before(neg, group, n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            low = np.bincount(group, weights=pos * below, minlength=n_groups) / (n_pos * n_neg)
            high = low + np.bincount(group, weights=pos * neg, minlength=n_groups) / (n_pos * n_neg)
        return auc, variance, low, high

    def average_precision(self, rank, n_groups):
        """(ap, positives, low, high) per group: blocks of one bin as ties (scikit-learn's rule for tied
        scores), and bounds over every order of a bin's rows."""
        from scipy.special import digamma  # when needed: scipy.special takes ~0.3 s to import

        pos, neg, group = self._blocks(rank)
        blocks = ranking.ClassBlocks.from_counts(pos, neg, group, n_groups, label=1)
        ap, n_pos = blocks.average_precision()
        pos, neg, group = blocks.own, blocks.other_tie, blocks.group
        tp_before, seen_before = blocks.own_above, blocks.own_above + blocks.other_above  # rows above the bin
        with np.errstate(divide="ignore", invalid="ignore"):
            # best: the bin's positives first, all tied; worst: its negatives first, then its positives one by one
            best = pos * (tp_before + pos) / (seen_before + pos)
            gap = seen_before + neg - tp_before
            worst = pos - gap * (digamma(seen_before + neg + pos + 1) - digamma(seen_before + neg + 1))
            # added by descending score, as the average precision itself
            low = np.bincount(group[::-1], weights=worst[::-1], minlength=n_groups) / n_pos
            high = np.bincount(group[::-1], weights=best[::-1], minlength=n_groups) / n_pos
        return ap, n_pos, np.minimum(low, ap), np.maximum(high, ap)

    def loss_sums(self, name, rank, n_groups):
        return self.sums.ordered(name, rank, n_groups), self.sums.ordered(name + "_sq", rank, n_groups)

    def roc_points(self, rank=None):
        """Cumulative (fp, tp) at each bin end, scores descending, for group 0 (the ROC curve)."""
        pos, neg, group = self._blocks(np.zeros(max(self.n_groups, 1), dtype="int64") if rank is None else rank,
                                       descending=True)
        return np.cumsum(neg[group == 0]), np.cumsum(pos[group == 0])


def grid_reason(metric, low, high):
    """The reason of a grid estimate; the bounds rounded outwards to 6 decimals."""
    return ("streaming estimate: scores binned on a {}-bin grid of [0, 1], scores of one bin counted as ties; the "
            "exact {} is in [{:.6f}, {:.6f}]".format(SCORE_BINS, metric, np.floor(low * 1e6) / 1e6,
                                                      np.ceil(high * 1e6) / 1e6))


# -- regression statistics -------------------------------------------------------------------

class RegressionGroups:
    """Per group: error sums and power sums of the target shifted by the first chunk's mean, enough
    for RMSE, MAE and R² and their intervals without a second pass."""

    NAMES = ("n", "abs", "sq", "sq_sq", "u", "u2", "u3", "u4", "sq_u", "sq_u2")

    def __init__(self):
        self.sums = _Sums(self.NAMES)
        self.shift = None
        self.n_groups = 0

    def add(self, codes, y, prediction):
        if len(codes) == 0:
            return
        if self.shift is None:
            self.shift = float(np.mean(y))
        self.n_groups = max(self.n_groups, int(codes.max()) + 1)
        error = prediction - y
        sq = error * error
        u = y - self.shift
        u2 = u * u
        self.sums.add(codes, self.n_groups, n=np.ones(len(codes)), abs=np.abs(error), sq=sq, sq_sq=sq * sq, u=u, u2=u2,
                      u3=u2 * u, u4=u2 * u2, sq_u=sq * u, sq_u2=sq * u2)

    def finish(self, rank, n_groups):
        """n, (Σ|e|, Σe²), (Σe², Σe⁴), and the R² sums (Σe², Σd, Σe⁴, Σd², Σe²d) with d = (y − ȳ)²."""
        s = {name: self.sums.ordered(name, rank, n_groups) for name in self.NAMES}
        n = s["n"]
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.where(n > 0, s["u"] / n, 0.0)  # ȳ − shift per group
        dev = s["u2"] - 2 * m * s["u"] + n * m * m
        dev_sq = s["u4"] - 4 * m * s["u3"] + 6 * m * m * s["u2"] - 4 * m ** 3 * s["u"] + n * m ** 4
        sq_dev = s["sq_u2"] - 2 * m * s["sq_u"] + m * m * s["sq"]
        return n, (s["abs"], s["sq"]), (s["sq"], s["sq_sq"]), (s["sq"], np.maximum(dev, 0.0), s["sq_sq"],
                                                              np.maximum(dev_sq, 0.0), sq_dev)

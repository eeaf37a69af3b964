"""Each evaluate-model metric from the sufficient statistics of its groups (:mod:`.sums`): its value,
interval and reason, as arrays over the groups. One function per metric, named in the metric table
(:mod:`.metrics`); formulas and intervals: docs/performance.md, section Metrics.

Every function takes (sums, confidence level) and returns (values, ci_low, ci_high, reasons); a
reason is given where the value is undefined (NaN), or a note on an approximated value."""
import functools

import numpy as np

from ..stats import intervals

NEEDS_SCORE = "needs a score column (probability of the positive class)"


def _rows(sums):
    tn, fp, fn, tp = sums.cells
    return tn + fp + fn + tp


def _rate(numerator, denominator, level, reason):
    """A proportion with its Wilson interval; ``reason`` where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denominator > 0, numerator / denominator, np.nan)
    low, high = intervals.wilson(numerator, denominator, level)
    return values, low, high, np.where(denominator > 0, "", reason)


def _mean(total, squares, n, level, lower=None):
    """The mean of a per-row term from its sum and sum of squares, with its normal interval."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
    low, high = intervals.normal(mean, intervals.mean_standard_error(total, squares, n), level, lower)
    return mean, low, high, np.where(n > 0, "", "no rows")


def _with_notes(reasons, notes):
    """Undefined values keep their reason; defined ones get the note on their approximation."""
    if notes is None:
        return reasons
    return np.array([r or note for r, note in zip(reasons, notes)], dtype=object)


def _needs_score(formula):
    """A metric of the score: EMPTY with NEEDS_SCORE in every group when there is no score column."""
    @functools.wraps(formula)
    def with_score(sums, level):
        if sums.auc is None:
            n_groups = len(_rows(sums))
            return np.full(n_groups, np.nan), None, None, np.full(n_groups, NEEDS_SCORE, dtype=object)
        return formula(sums, level)
    return with_score


# -- binary ----------------------------------------------------------------------------------

def accuracy(sums, level):
    tn, fp, fn, tp = sums.cells
    return _rate(tp + tn, _rows(sums), level, "no rows")


def precision(sums, level):
    tn, fp, fn, tp = sums.cells
    return _rate(tp, tp + fp, level, "no predicted positives, precision is undefined")


def recall(sums, level):
    tn, fp, fn, tp = sums.cells
    return _rate(tp, tp + fn, level, "no actual positives, recall is undefined")


def f1(sums, level):
    tn, fp, fn, tp = sums.cells
    values, low, high = intervals.ratio_of_means(2 * tp, 2 * tp + fp + fn, 4 * tp, 4 * tp + fp + fn, 4 * tp,
                                                 _rows(sums), level)
    defined = (2 * tp + fp + fn) > 0
    return (np.where(defined, values, np.nan), low, high,
            np.where(defined, "", "no actual or predicted positives, F1 is undefined"))


@_needs_score
def roc_auc(sums, level):
    tn, fp, fn, tp = sums.cells
    one_class = np.where(tp + fn == 0, "no actual positives", "no actual negatives")
    auc, variance, notes = sums.auc
    low, high = intervals.normal(auc, np.sqrt(variance), level, 0.0, 1.0)
    undefined = np.where(np.isnan(auc), np.char.add(one_class, ", ROC AUC is undefined"), "")
    return auc, low, high, _with_notes(undefined, notes)


@_needs_score
def average_precision(sums, level):
    ap, n_pos, notes = sums.ap
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = intervals.logit(ap, 1.0 / np.sqrt(n_pos * ap * (1.0 - ap)), level)
    undefined = np.where(np.isnan(ap), "no actual positives, average precision is undefined", "")
    return ap, low, high, _with_notes(undefined, notes)


@_needs_score
def log_loss(sums, level):
    return _mean(*sums.log_loss, _rows(sums), level, lower=0.0)


@_needs_score
def brier_score(sums, level):
    return _mean(*sums.brier, _rows(sums), level, lower=0.0)


# -- regression ------------------------------------------------------------------------------

def mae(sums, level):
    return _mean(*sums.abs_error, sums.n, level, lower=0.0)


def rmse(sums, level):
    mse, low, high, reason = _mean(*sums.squared_error, sums.n, level, lower=0.0)
    return np.sqrt(mse), np.sqrt(low), np.sqrt(high), reason


def r2(sums, level):
    ratio, low, high = intervals.ratio_of_means(*sums.r2, sums.n, level)
    constant = sums.r2[1] == 0
    return (np.where(constant, np.nan, 1.0 - ratio), 1.0 - high, 1.0 - low,
            np.where(constant, "target is constant, R² is undefined", ""))

"""Binary-classification inputs shared by the fairness and performance engines.

Two halves:

- turning the user's columns into arrays: a target or prediction column of any label type
  (text, boolean, number) into 0/1 floats given the positive class, a score column into
  probabilities checked to lie in [0, 1] (the messages every engine's checks share);
- statistics for many groups at once from one grouped pass: confusion counts with
  ``np.bincount``, ROC AUC with its DeLong variance and average precision from one sort.

Missing values stay NaN in the arrays; callers decide which rows to exclude and report them.
"""
import difflib
import math

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError


# -- labels ----------------------------------------------------------------------------------

def label_key(value):
    """Canonical text of a label, so that 1, 1.0, "1", True and "true" compare equal."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return str(int(number))
        return repr(number)
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return "1" if text.lower() == "true" else "0"
    try:
        return label_key(float(text))
    except ValueError:
        return text


def display(value):
    """A label as users see it in the output (integral floats without '.0')."""
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def _describe(values, limit=10):
    shown = ", ".join(repr(display(v)) for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def factorize_labels(series):
    """Codes of the series' distinct labels after canonicalisation; -1 for missing."""
    codes, uniques = pd.factorize(series)
    keys = [label_key(u) for u in uniques]
    distinct = sorted(set(keys))
    remap = np.array([distinct.index(k) for k in keys] + [-1], dtype="int64")
    first = {}
    for key, value in zip(keys, uniques):
        first.setdefault(key, value)
    return remap[codes], distinct, [first[k] for k in distinct]


def positive_indicator(series, positive_class, column, field="target", allow_absent=False):
    """(y, positive_label, keys, absent): y is 1.0 where the label is the positive class, 0.0 for
    the other class and NaN where missing; ``absent`` is :func:`absent_positive`'s note ("" when the
    positive class occurs). Raises InputError for more than two classes, a ConfigError when the
    positive class is needed but not set."""
    codes, keys, values = factorize_labels(series)
    if len(keys) > 2:
        raise InputError(
            "{} column '{}' has {} distinct values ({}): expected a binary label with exactly "
            "two classes.".format(field.capitalize(), column, len(keys), _describe(values)))
    if positive_class in (None, ""):
        if set(keys) <= {"0", "1"}:
            positive_class = "1"
        else:
            raise ConfigError("positive_class", positive_class,
                              "the positive label of {} column '{}' (values seen: {})".format(
                                  field, column, _describe(values)))
    wanted = label_key(positive_class)
    position = keys.index(wanted) if wanted in keys else -2
    absent = "" if position >= 0 or allow_absent else absent_positive(positive_class, column, keys, values)
    y = (codes == position).astype("float64")
    y[codes == -1] = np.nan
    label = display(values[position]) if position >= 0 else str(positive_class)
    return y, label, keys, absent


def _is_number(key):
    try:
        float(key)
    except ValueError:
        return False
    return True


def absent_positive(positive_class, column, keys, values):
    """The note on a target column in which the positive class does not occur (a fraud window
    without fraud): its rates that need actual positives are EMPTY, and their reason says why.
    Raises InputError when ``positive_class`` cannot be this target's positive class: the column has
    two classes and it is neither, or it is text for a column of numbers or booleans (or a number
    for a column of text)."""
    if not keys:
        return ""  # every target missing: binary.usable_rows says so
    seen = _describe(values)
    if len(keys) == 2:
        raise InputError("Positive class {!r} does not occur in target column '{}', which has the two classes {}: "
                         "set positive_class to one of them.".format(positive_class, column, seen))
    numeric = _is_number(keys[0])
    if numeric != _is_number(label_key(positive_class)):
        raise InputError("Positive class {!r} cannot be a class of target column '{}', which holds {} (values seen: "
                         "{}): set positive_class to the positive label (a {}), even if it does not occur in this "
                         "dataset.".format(positive_class, column, "numbers or booleans" if numeric else "text",
                                           seen, "number, or true/false" if numeric else "text"))
    wanted, only = str(display(positive_class)), str(display(values[0]))
    if not numeric and (wanted.strip().lower() == only.strip().lower()
                        or difflib.get_close_matches(wanted, [only], n=1, cutoff=0.8)):
        raise InputError("Positive class {!r} does not occur in target column '{}', whose only class is {!r}: did "
                         "you mean {!r}? (labels are compared exactly)".format(positive_class, column, only, only))
    return "positive class {!r} does not occur in target column '{}' (classes seen: {})".format(
        display(positive_class), column, seen)


def explain_empty(rows, note):
    """Append ``note`` (a cause shared by the whole run, e.g. :func:`absent_positive`'s) to the
    reason of every row without a value."""
    for row in rows if note else ():
        if row["value"] is None:
            row["reason"] = "; ".join(r for r in (row["reason"], note) if r)
    return rows


def prediction_indicator(series, positive_class, column, target_keys):
    """1.0 where the predicted label is the positive class, 0.0 otherwise, NaN where missing.
    The predicted labels, the target labels and the positive class are two labels at most."""
    y, _, keys, _ = positive_indicator(series, positive_class, column, field="prediction", allow_absent=True)
    positive = label_key(positive_class)
    unknown = sorted(set(keys) - set(target_keys) - {positive})
    if unknown and len(set(keys) | set(target_keys) | {positive}) > 2:
        raise InputError(
            "Prediction column '{}' has labels that are not target labels ({}); expected the same "
            "two classes as the target ({}).".format(column, ", ".join(map(repr, unknown)),
                                                     ", ".join(map(repr, sorted(set(target_keys) | {positive})))))
    return y


def empty_dataset(dataset):
    """The error on a dataset without rows (every engine's message)."""
    return InputError("The {} dataset is empty: nothing to evaluate.".format(dataset))


def non_numeric(field, column, example, count):
    """The error on a column with ``count`` non-numeric values (every engine's message)."""
    return InputError("{} column '{}' has non-numeric values (e.g. {!r} in {} rows): expected "
                      "numbers.".format(field, column, example, count))


def infinite(field, column, count):
    """The error on a column with ``count`` infinite values (every engine's message)."""
    return InputError("{} column '{}' has {} infinite values: expected finite numbers.".format(field, column, count))


def not_probabilities(column, count, example):
    """The error on a score column with ``count`` values outside [0, 1] (every engine's message)."""
    return InputError(
        "Score column '{}' has {} values outside [0, 1] (e.g. {}): expected the probability of "
        "the positive class. Use a probability column, or a prediction column instead.".format(column, count, example))


def numbers(series, column, field="Score"):
    """A column as float64 (NaN where missing); non-numeric values raise InputError naming the
    column and an offending value."""
    converted = pd.to_numeric(series, errors="coerce")
    bad = converted.isna() & series.notna()
    if bad.any():
        raise non_numeric(field, column, series[bad].iloc[0], int(bad.sum()))
    values = converted.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(values).any():
        raise infinite(field, column, int(np.isinf(values).sum()))
    return values


def probabilities(series, column):
    """A score column as float64 probabilities, checked to lie in [0, 1]."""
    values = numbers(series, column, "Score")
    finite = values[~np.isnan(values)]
    outside = (finite < 0) | (finite > 1)
    if outside.any():
        raise not_probabilities(column, int(outside.sum()), finite[outside][0])
    return values


def binary_outcomes(frame, target_column, positive_class, score_column, prediction_column, threshold):
    """Ground truth, score and prediction of a binary classifier as float arrays (1.0 positive,
    0.0 negative, NaN missing), and the note on a positive class absent from the target (""); the
    prediction is score >= threshold when no prediction column."""
    y, positive, keys, absent = positive_indicator(frame[target_column], positive_class, target_column)
    score = probabilities(frame[score_column], score_column) if score_column else None
    if prediction_column:
        prediction = prediction_indicator(frame[prediction_column], positive, prediction_column, keys)
    else:
        prediction = np.where(np.isnan(score), np.nan, (score >= threshold).astype("float64"))
    return y, score, prediction, absent


def usable_rows(n_rows, columns, dataset):
    """Rows where none of the (column name, values) pairs is missing, and a note counting the
    rows left out by column; raises when no row is left."""
    invalid = np.zeros(n_rows, dtype=bool)
    notes = []
    for column, values in columns:
        if column and values is not None:
            mask = np.isnan(values)
            if mask.any():
                notes.append("{} rows with missing '{}'".format(int(mask.sum()), column))
            invalid |= mask
    if invalid.all():
        raise InputError("No usable row in the {} dataset: {}.".format(dataset, "; ".join(notes)))
    excluded = ("{} of {} rows excluded ({})".format(int(invalid.sum()), n_rows, "; ".join(notes))
                if invalid.any() else "")
    return ~invalid, excluded


def require_columns(available, columns, dataset="scored"):
    """Raise InputError naming the columns of ``columns`` not in ``available`` (names, or a frame)."""
    available = [str(c) for c in getattr(available, "columns", available)]
    missing = [c for c in columns if c and c not in available]
    if missing:
        raise InputError("Column{} {} not found in the {} dataset (columns: {}).".format(
            "s" if len(missing) > 1 else "", ", ".join(repr(c) for c in missing), dataset,
            ", ".join(available[:30]) + (", ..." if len(available) > 30 else "")))


# -- grouped statistics ----------------------------------------------------------------------

def confusion_counts(codes, n_groups, y, prediction):
    """(tn, fp, fn, tp) arrays of length n_groups from integer 0/1 arrays, in one bincount."""
    outcome = y.astype(np.int8, copy=False) * 2 + prediction.astype(np.int8, copy=False)  # 0..3, one byte a row
    cells = np.bincount(codes * 4 + outcome, minlength=4 * n_groups).reshape(n_groups, 4).astype("float64")
    return cells[:, 0], cells[:, 1], cells[:, 2], cells[:, 3]


def score_order(score, descending=False):
    """Row indices by score (descending: by -score), ties in row order: the one sort that every
    grouping's tie blocks (:func:`_tie_blocks`, through :class:`Ranked`) can share.

    The same permutation as ``np.argsort(±score, kind="stable")``, in two stable passes: a radix sort
    of a 16-bit key that never decreases with the score (its rank on a grid of the range), then a
    stable sort of the scores in that order, which is nearly sorted (timsort takes it in ~1/3 of the
    time of the whole sort)."""
    values = -score if descending else score
    if len(values) < 2:
        return np.arange(len(values))
    low, high = values.min(), values.max()
    if not (np.isfinite(low) and np.isfinite(high)) or low == high:
        return np.argsort(values, kind="stable")
    # (v - low) and the product by a positive constant never decrease with v (rounding is monotone)
    key = ((values - low) * (60000.0 / (high - low))).astype(np.uint16)
    coarse = np.argsort(key, kind="stable")
    del key
    return coarse[np.argsort(values[coarse], kind="stable")]


class Ranked:
    """The rows in one score order (:func:`score_order`) with their scores and 0/1 outcomes in
    that order: every grouping's tie blocks (:func:`_tie_blocks`) read them in sequence instead of
    gathering them at random again."""

    def __init__(self, order, score, y):
        self.order, self.score, self.y = order, score, y

    @classmethod
    def of(cls, score, y, descending=False):
        order = score_order(score, descending)
        return cls(order, score[order], y[order])

    def reversed(self):
        """The opposite order (views): ties then come in reverse row order, which no tie block's
        counts depend on."""
        return Ranked(self.order[::-1], self.score[::-1], self.y[::-1])


def _tie_blocks(codes, ranked):
    """Sort rows by (group, score) and cut them into blocks of equal (group, score).
    Returns (positives, rows, group) of each block, in that order. ``ranked``: a :class:`Ranked`
    (rows by ±score, ties in row order); a stable sort by group of that order is
    np.lexsort((±score, codes))."""
    n = len(ranked.order)
    if n > 1 and codes.min() != codes.max():
        key = codes[ranked.order]
        if key.min() >= np.iinfo(np.int16).min and key.max() <= np.iinfo(np.int16).max:
            key = key.astype(np.int16)  # a stable sort of 16-bit integers is a radix sort
        by_group = np.argsort(key, kind="stable")
        sorted_codes, sorted_scores, y_sorted = key[by_group], ranked.score[by_group], ranked.y[by_group]
        del key, by_group
    else:
        sorted_codes, sorted_scores, y_sorted = codes, ranked.score, ranked.y  # one group: codes all equal
    new_block = np.ones(n, dtype=bool)
    if n > 1:
        np.not_equal(sorted_scores[1:], sorted_scores[:-1], out=new_block[1:])
        new_block[1:] |= sorted_codes[1:] != sorted_codes[:-1]
    del sorted_scores
    if new_block.all():  # no ties: a block per row
        return y_sorted.astype("float64"), np.ones(n, dtype="float64"), np.asarray(sorted_codes)
    last = np.empty(n, dtype=bool)  # a block's last row
    last[:-1], last[-1] = new_block[1:], True
    # 0/1 counts from the running counts at each block's last row (exact in any order)
    positives = np.diff(np.cumsum(y_sorted)[last], prepend=0).astype("float64")
    rows = np.diff(np.flatnonzero(last), prepend=-1).astype("float64")
    return positives, rows, sorted_codes[new_block]


def within_group_cumsum(per_block, block_group, n_groups, inclusive):
    """Cumulative sums of per-block values restarting at each group."""
    cumulative = np.cumsum(per_block)
    group_total = np.bincount(block_group, weights=per_block, minlength=n_groups)
    before_group = np.cumsum(group_total) - group_total
    result = cumulative - before_group[block_group]
    return result if inclusive else result - per_block


def roc_auc_by_group(codes, n_groups, y, score, ranked=None):
    """(auc, variance) per group: the Mann–Whitney AUC (ties count ½, equal to scikit-learn's
    roc_auc_score) and its DeLong variance, from one sort (``ranked``: Ranked.of(score, y), shared
    by several groupings). NaN where a group lacks a class."""
    pos_in, rows, block_group = _tie_blocks(codes, Ranked.of(score, y) if ranked is None else ranked)
    rows -= pos_in
    return auc_from_blocks(pos_in, rows, block_group, n_groups)


def _weighing(counts):
    """The blocks whose ``counts`` are not zero: their indices when they are less than half of the
    blocks (the others add exact zeros to a sequential sum), else every block (a slice, no copy)."""
    if np.count_nonzero(counts) < len(counts) // 2:
        return np.flatnonzero(counts)
    return slice(None)


def auc_from_blocks(pos_in, neg_in, block_group, n_groups):
    """(auc, variance) per group from tie blocks: the positives and negatives (counts) of each block of
    equal (group, score), blocks sorted by group then ascending score. The streaming engine
    passes score-grid bins as blocks (docs/scale.md).

    A DeLong placement is computed only for the blocks that hold the rows it weighs when they are
    few (v10 for blocks with positives, v01 for blocks with negatives): the blocks left out add
    exact zeros to the same sequential sums, so the floats are those of the whole-array
    computation, operation for operation."""
    n_pos = np.bincount(block_group, weights=pos_in, minlength=n_groups)
    n_neg = np.bincount(block_group, weights=neg_in, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        # v10 of each positive: (negatives below it in its group + half its block's) / n_neg
        blocks = _weighing(pos_in)
        group, weight = block_group[blocks], pos_in[blocks]
        below = np.cumsum(neg_in)[blocks]
        below -= (np.cumsum(n_neg) - n_neg)[group]  # the negatives of the groups before
        own = neg_in[blocks]
        below -= own
        below += 0.5 * own
        below /= n_neg[group]
        weighted = weight * below
        auc = np.bincount(group, weights=weighted, minlength=n_groups) / n_pos
        weighted *= below
        s10 = (np.bincount(group, weights=weighted, minlength=n_groups) - n_pos * auc * auc) / (n_pos - 1.0)
        del below, weighted, own
        # v01 of each negative: (positives above it in its group + half its block's) / n_pos
        blocks = _weighing(neg_in)
        group, weight = block_group[blocks], neg_in[blocks]
        # n_pos - (positives up to it in its group) = (positives of its group and those before) - its running
        # count: the same integer (counts below 2**53 add exactly in any order)
        above = np.cumsum(n_pos)[group]
        above -= np.cumsum(pos_in)[blocks]
        above += 0.5 * pos_in[blocks]
        above /= n_pos[group]
        weighted = weight * above
        mean01 = np.bincount(group, weights=weighted, minlength=n_groups) / n_neg
        weighted *= above
        s01 = (np.bincount(group, weights=weighted, minlength=n_groups) - n_neg * mean01 * mean01) / (n_neg - 1.0)
        variance = np.maximum(s10, 0.0) / n_pos + np.maximum(s01, 0.0) / n_neg
    undefined = ~((n_pos > 0) & (n_neg > 0))
    auc[undefined] = np.nan
    variance[undefined | ~((n_pos > 1) & (n_neg > 1))] = np.nan
    return auc, variance


def average_precision_by_group(codes, n_groups, y, score, ranked=None):
    """Average precision per group, Σ (R_k − R_{k−1}) P_k over distinct score thresholds
    (scikit-learn's average_precision_score), from one sort (``ranked``: Ranked.of(score, y,
    descending=True), when shared). NaN where a group has no positive."""
    pos_in, all_in, block_group = _tie_blocks(codes, Ranked.of(score, y, descending=True) if ranked is None else ranked)
    return ap_from_blocks(pos_in, all_in, block_group, n_groups)


def ap_from_blocks(pos_in, all_in, block_group, n_groups):
    """(average precision, positives) per group from tie blocks sorted by group then descending
    score: each block's positives count at the precision reached at the block's end."""
    tp = within_group_cumsum(pos_in, block_group, n_groups, inclusive=True)
    seen = within_group_cumsum(all_in, block_group, n_groups, inclusive=True)
    n_pos = np.bincount(block_group, weights=pos_in, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        ap = np.bincount(block_group, weights=pos_in * (tp / seen), minlength=n_groups) / n_pos
    ap[~(n_pos > 0)] = np.nan
    return ap, n_pos

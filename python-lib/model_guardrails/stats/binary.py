"""Binary-classification inputs shared by the fairness and performance engines.

Two halves:

- turning the user's columns into arrays: a target or prediction column of any label type
  (text, boolean, number) into 0/1 floats given the positive class, a score column into
  probabilities checked to lie in [0, 1] (the messages every engine's checks share);
- confusion counts of many groups at once, in one ``np.bincount`` (the order-based statistics,
  ROC AUC and average precision, are in :mod:`.ranking`).

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
    """(codes, keys, values): the series' distinct labels after canonicalisation (``keys`` sorted,
    ``values`` the first raw value of each) and each row's index among them, -1 for missing; the
    codes are 8-bit integers when the labels are few (a label column: two)."""
    raw = series.to_numpy()
    counted = (raw.dtype.kind == "i" or (raw.dtype.kind == "u" and raw.dtype.itemsize < 8)) and len(raw) > 0 \
        and int(raw.max()) - int(raw.min()) < 4096
    if counted:  # small integers (a 0/1 label): counted, not hashed
        low = int(raw.min())
        shifted = np.subtract(raw, low, dtype=np.intp, casting="unsafe")  # exact: the spread is small
        present = np.flatnonzero(np.bincount(shifted))
        uniques = [int(v) + low for v in present]
    else:
        codes, uniques = pd.factorize(series)
    keys = [label_key(u) for u in uniques]
    distinct = sorted(set(keys))
    code_type = np.int8 if len(distinct) < 127 else np.int64
    remap = np.array([distinct.index(k) for k in keys] + [-1], dtype=code_type)
    if counted:
        lookup = np.full(present[-1] + 1, -1, dtype=code_type)
        lookup[present] = remap[:-1]
        codes = lookup[shifted]
    else:
        codes = remap[codes]
    first = {}
    for key, value in zip(keys, uniques):
        first.setdefault(key, value)
    return codes, distinct, [first[k] for k in distinct]


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


# -- grouped counts --------------------------------------------------------------------------

def confusion_counts(codes, n_groups, y, prediction):
    """(tn, fp, fn, tp) arrays of length n_groups from integer 0/1 arrays, in one bincount
    (``codes``: each row's group, none for one group)."""
    outcome = y.astype(np.int8, copy=False) * 2 + prediction.astype(np.int8, copy=False)  # 0..3, one byte a row
    if codes is None:
        key = outcome
    else:
        key = np.multiply(codes, 4, dtype=np.int32 if 4 * n_groups <= np.iinfo(np.int32).max else np.int64)
        key += outcome
    cells = np.bincount(key, minlength=4 * n_groups).reshape(n_groups, 4).astype("float64")
    return cells[:, 0], cells[:, 1], cells[:, 2], cells[:, 3]

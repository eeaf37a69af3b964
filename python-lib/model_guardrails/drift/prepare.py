"""Column selection and feature typing (numeric vs categorical), with the reason for each
choice. A column that cannot be used becomes a Feature with an ``error``: its rows are EMPTY and
the run goes on for the others."""
import heapq
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np
import pandas as pd

from ..errors import InputError
from .metrics import CATEGORICAL, NUMERIC


@dataclass
class Feature:
    name: str
    type: str
    reference: Optional[pd.Series] = None
    current: Optional[pd.Series] = None
    notes: List[str] = field(default_factory=list)
    error: str = ""
    counts: Optional[tuple] = None  # (reference, current) value_counts when typing already counted them


def select_columns(reference_columns, current_columns, params):
    """The features to compute, in reference order, and the columns left out (for the log).

    With ``columns`` empty, every column present in both datasets is used; an explicitly named
    column (``columns``, ``numeric_columns``, ``categorical_columns``) missing on a side is kept
    so that it is reported as EMPTY rather than silently skipped."""
    ref, cur = list(map(str, reference_columns)), list(map(str, current_columns))
    ref_set, cur_set = set(ref), set(cur)
    excluded = set(params.excluded_columns)
    if params.columns:
        named = list(params.columns)
    else:
        named = [c for c in ref if c in cur_set]
        named += [c for c in params.numeric_columns + params.categorical_columns if c not in named]
    selected = [c for c in named if c not in excluded]
    one_sided = sorted((ref_set ^ cur_set) - set(selected) - excluded)
    return selected, one_sided


def require_rows(role, n_rows):
    """The error of every engine on an empty side (``role``: "reference" or "current")."""
    if n_rows == 0:
        raise InputError("The {} dataset is empty: drift needs rows on both sides.".format(role))


def require_features(names, reference_columns, current_columns):
    """The error of every engine when no column is left to compare."""
    if not names:
        raise InputError("No column to compare: the reference and current datasets share no column "
                         "(after excluded_columns). Reference columns: {}; current columns: {}.".format(
                             ", ".join(map(str, reference_columns)), ", ".join(map(str, current_columns))))


def missing_side_error(name, in_reference, in_current):
    if not in_reference and not in_current:
        return "column '{}' is in neither the reference nor the current dataset".format(name)
    side = "current" if in_reference else "reference"
    return "column '{}' is missing from the {} dataset".format(name, side)


def as_text(series, inferred=None):
    """Values as strings, missing values kept as NaN (None counts as missing too). Whole numbers
    read as floats print without '.0' ("3", not "3.0"), so that a column of codes gives the same
    labels whether or not a chunk of it holds a missing value (which makes pandas read floats).
    ``inferred``: the series' :func:`inferred_type` when already known."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2 ** 53)
        text = series.astype(str).astype(object)
        text[whole] = values[whole].astype("int64").astype(str)
        return text.where(series.notna(), np.nan)
    if (inferred_type(series) if inferred is None else inferred) in ("string", "empty"):
        return series
    return series.astype(str).astype(object).where(series.notna(), np.nan)


def as_float(series):
    """A chunk of a numeric feature as float64 (its values were checked: numbers, or booleans when forced)."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


EXAMPLES = 3
MIX_FIX = ("list it in categorical_columns to compare its values as categories, or make its text values empty "
           "(missing) before this recipe to compare it as numbers")
FORCED_FIX = "make them empty (missing) before this recipe, or list the column in categorical_columns instead"


@dataclass(frozen=True)
class ValueScan:
    """What one side of a column holds, as the type rule reads it. Scans of chunks add up (``+``),
    so that every engine (in memory, streaming, Spark) describes the same column the same way."""
    kinds: frozenset = frozenset()  # how the values are stored: "number", "bool", "text"
    numbers: int = 0                # non-missing values that are numbers (text that parses as one included)
    texts: int = 0                  # non-missing values that are not numbers
    examples: tuple = ()            # the smallest few of those, as text, sorted

    def __add__(self, other):
        return ValueScan(self.kinds | other.kinds, self.numbers + other.numbers, self.texts + other.texts,
                         tuple(sorted(set(self.examples) | set(other.examples))[:EXAMPLES]))


def inferred_type(series):
    """pandas' infer_dtype of the non-missing values (a scan of an object column)."""
    return pd.api.types.infer_dtype(series, skipna=True)


def value_kind(series, inferred=None):
    """How a column's values are stored: "bool", "number" or "text". Booleans with missing values
    (a CSV boolean column with empty cells: pandas reads True, False and NaN as objects) are "bool".
    ``inferred``: the series' :func:`inferred_type` when already known."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    if series.dtype == object and (inferred_type(series) if inferred is None else inferred) == "boolean":
        return "bool"
    return "text"


def scan_series(series, counts=None, kind=None):
    """ValueScan of a pandas column (or chunk). Text is parsed on its distinct values only
    (``counts``: its value_counts when already computed; ``kind``: its value_kind, likewise)."""
    if len(series) == 0:
        return ValueScan()
    kind = value_kind(series) if kind is None else kind
    if kind != "text":
        return ValueScan(frozenset([kind]), numbers=int(series.notna().sum()))
    counts = series.value_counts(dropna=True) if counts is None else counts
    parsed = pd.to_numeric(pd.Series(counts.index, dtype=object), errors="coerce").to_numpy(dtype="float64")
    bad = np.isnan(parsed)
    n = counts.to_numpy()
    examples = heapq.nsmallest(EXAMPLES, {str(v) for v in counts.index[bad]})
    return ValueScan(frozenset([kind]), int(n[~bad].sum()), int(n[bad].sum()), tuple(examples))


def _texts(scan):
    return "{} {} (e.g. {})".format(scan.texts, "value that is not a number" if scan.texts == 1
                                    else "values that are not numbers", ", ".join(repr(v) for v in scan.examples))


def _not_numbers(name, forced, side, scan):
    why, fix = (("is listed in numeric_columns", FORCED_FIX) if forced == NUMERIC
                else ("is numeric in the reference dataset", MIX_FIX))
    return "column '{}' {} but the {} dataset has {}: not compared; {}".format(
        name, why, side, _texts(scan), fix)


def decide_type(name, forced, reference):
    """The feature-type rule of every engine (in memory, streaming, Spark), from the reference's
    ValueScan: (type, notes, error). ``forced``: NUMERIC, CATEGORICAL or None (forced_type).
    A column mixing numbers and text is not guessed: it is an error naming the fix."""
    if forced == CATEGORICAL:
        return CATEGORICAL, ["forced categorical"], ""
    if "bool" in reference.kinds and forced != NUMERIC:
        return CATEGORICAL, ["boolean values"], ""
    if not reference.texts:
        if reference.kinds <= {"number"}:
            return NUMERIC, [], ""
        if forced == NUMERIC:
            return NUMERIC, ["forced numeric"], ""
        return NUMERIC, ["numbers stored as text were parsed as numbers"] if reference.numbers else [], ""
    if forced == NUMERIC:
        return NUMERIC, [], _not_numbers(name, forced, "reference", reference)
    if reference.numbers:
        return "", [], ("column '{}' mixes numbers and text: the reference dataset has {} numbers and {}: not "
                        "compared; {}".format(name, reference.numbers, _texts(reference), MIX_FIX))
    return CATEGORICAL, [], ""


def check_current(name, forced, feature_type, current):
    """The current side against the type decided on the reference (every engine): "" when its
    values fit, else the error. Any values fit a categorical feature (they are compared as text)."""
    if feature_type != NUMERIC:
        return ""
    if "bool" in current.kinds and forced != NUMERIC:
        return ("column '{}' is numeric in the reference dataset but boolean in the current dataset: not compared; "
                "list it in categorical_columns to compare its values as categories".format(name))
    return _not_numbers(name, forced, "current", current) if current.texts else ""


def forced_type(name, numeric_columns, categorical_columns):
    return NUMERIC if name in numeric_columns else CATEGORICAL if name in categorical_columns else None


def type_feature(name, reference, current, forced=None):
    """Decide the feature type of one column (decide_type, check_current) and convert both sides."""
    sides = (reference, current)
    # each side's values scanned once (an object column): for its kind and, if categorical, its text
    inferred = [inferred_type(s) if s.dtype == object else None for s in sides]
    kinds = [value_kind(s, i) for s, i in zip(sides, inferred)]
    if kinds == ["number", "number"] and forced != CATEGORICAL:
        # decide_type and check_current on numbers, without counting them; the original dtype is kept:
        # Evidently's bins depend on it
        return Feature(name, NUMERIC, reference, current)
    counts = [s.value_counts(dropna=True) if k == "text" else None for s, k in zip(sides, kinds)]
    feature_type, notes, error = decide_type(name, forced, scan_series(reference, counts[0], kinds[0]))
    error = error or check_current(name, forced, feature_type, scan_series(current, counts[1], kinds[1]))
    if error:
        return Feature(name, feature_type, error=error)
    if feature_type == NUMERIC:  # text or booleans parsed as numbers
        parsed = [pd.to_numeric(s, errors="coerce").astype("float64") for s in sides]
        return Feature(name, NUMERIC, parsed[0], parsed[1], notes)
    texts = tuple(as_text(s, i) for s, i in zip(sides, inferred))
    reuse = tuple(counts) if all(c is not None and t is s for c, t, s in zip(counts, texts, sides)) else None
    return Feature(name, CATEGORICAL, texts[0], texts[1], notes, counts=reuse)


def prepare_feature(name, reference, current, params):
    """The Feature of column ``name`` of two DataFrames: typed and converted (type_feature), or an
    error when a side lacks it."""
    in_ref, in_cur = name in reference.columns, name in current.columns
    if not (in_ref and in_cur):
        return Feature(name, "", error=missing_side_error(name, in_ref, in_cur))
    return type_feature(name, reference[name], current[name], params.forced_type(name))

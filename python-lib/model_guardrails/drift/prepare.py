"""Column selection and feature typing (numeric vs categorical), with the reason for each
choice. A column that cannot be used becomes a Feature with an ``error``: its rows are EMPTY and
the run goes on for the others."""
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np
import pandas as pd

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


def missing_side_error(name, in_reference, in_current):
    if not in_reference and not in_current:
        return "column '{}' is in neither the reference nor the current dataset".format(name)
    side = "current" if in_reference else "reference"
    return "column '{}' is missing from the {} dataset".format(name, side)


def _text(series):
    """Values as strings, missing values kept as NaN (None counts as missing too). Whole numbers
    read as floats print without '.0' ("3", not "3.0"), so that a column of codes gives the same
    labels whether or not a chunk of it holds a missing value (which makes pandas read floats)."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2 ** 53)
        text = series.astype(str).astype(object)
        text[whole] = values[whole].astype("int64").astype(str)
        return text.where(series.notna(), np.nan)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return series
    return series.astype(str).astype(object).where(series.notna(), np.nan)


def _parse_uniques(series, counts=None):
    """Parse the distinct values only (categorical columns have few): the count of values that
    are not numbers, a few examples, and how many values are numbers."""
    counts = series.value_counts(dropna=True) if counts is None else counts
    parsed = pd.to_numeric(pd.Series(counts.index, dtype=object), errors="coerce").to_numpy()
    bad = np.isnan(parsed)
    return int(counts.to_numpy()[bad].sum()), [str(v) for v in counts.index[bad][:3]], int(counts.to_numpy()[~bad].sum())


def value_kind(series):
    """How a column's values are stored: "bool", "number" or "text"."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    return "number" if pd.api.types.is_numeric_dtype(series) else "text"


def decide_type(name, kinds, forced, scan):
    """The feature-type rule every engine applies (in memory, streaming, Spark).

    ``kinds``: the value kinds seen in the column (see value_kind); ``forced``: NUMERIC,
    CATEGORICAL or None; ``scan()``: (count of values that are not numbers, a few of them, count
    of values that are numbers), called only for text columns. Returns (type, notes, error)."""
    if forced == CATEGORICAL:
        return CATEGORICAL, ["forced categorical"], ""
    if kinds <= {"number"}:
        return NUMERIC, [], ""
    if "bool" in kinds and forced != NUMERIC:
        return CATEGORICAL, ["boolean values"], ""
    n_bad, examples, n_numbers = scan()
    if n_bad == 0:
        return NUMERIC, ["forced numeric" if forced == NUMERIC else "numbers stored as text were parsed as numbers"], ""
    shown = ", ".join(repr(v) for v in list(examples)[:3])
    if forced == NUMERIC:
        return NUMERIC, [], ("column '{}' is listed in numeric_columns but {} values are not numbers (e.g. {})"
                             .format(name, n_bad, shown))
    notes = ["mixed types: {} numbers and {} text values (e.g. {}); treated as categorical".format(
        n_numbers, n_bad, shown)] if n_numbers else []
    return CATEGORICAL, notes, ""


def type_feature(name, reference, current, forced=None):
    """Decide the feature type of one column (decide_type) and convert both sides accordingly."""
    sides = (reference, current)
    kinds = {value_kind(s) for s in sides}
    counts = []

    def scan():
        counts.extend(s.value_counts(dropna=True) for s in sides)
        scans = [_parse_uniques(s, c) for s, c in zip(sides, counts)]
        return scans[0][0] + scans[1][0], scans[0][1] + scans[1][1], scans[0][2] + scans[1][2]

    feature_type, notes, error = decide_type(name, kinds, forced, scan)
    if error:
        return Feature(name, feature_type, error=error)
    if feature_type == NUMERIC:
        if kinds <= {"number"}:
            return Feature(name, NUMERIC, reference, current, notes)  # original dtype: Evidently's bins depend on it
        parsed = [pd.to_numeric(s, errors="coerce").astype("float64") for s in sides]
        return Feature(name, NUMERIC, parsed[0], parsed[1], notes)
    texts = (_text(reference), _text(current))
    reuse = tuple(counts) if counts and all(t is s for t, s in zip(texts, sides)) else None
    return Feature(name, CATEGORICAL, texts[0], texts[1], notes, counts=reuse)


def prepare_features(reference, current, params):
    """Features to compute plus the columns left out (present on one side only)."""
    selected, one_sided = select_columns(reference.columns, current.columns, params)
    features = []
    for name in selected:
        in_ref, in_cur = name in reference.columns, name in current.columns
        if not (in_ref and in_cur):
            features.append(Feature(name, "", error=missing_side_error(name, in_ref, in_cur)))
            continue
        forced = (NUMERIC if name in params.numeric_columns
                  else CATEGORICAL if name in params.categorical_columns else None)
        features.append(type_feature(name, reference[name], current[name], forced))
    return features, one_sided

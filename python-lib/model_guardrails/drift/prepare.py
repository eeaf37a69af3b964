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


def type_feature(name, reference, current, forced=None):
    """Decide the feature type of one column and convert both sides accordingly."""
    if forced == CATEGORICAL:
        return Feature(name, CATEGORICAL, _text(reference), _text(current), ["forced categorical"])
    numeric_dtypes = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
                         for s in (reference, current))
    if numeric_dtypes:
        return Feature(name, NUMERIC, reference, current)  # original dtype: Evidently's bins depend on it
    if any(pd.api.types.is_bool_dtype(s) for s in (reference, current)) and forced != NUMERIC:
        return Feature(name, CATEGORICAL, _text(reference), _text(current), ["boolean values"])
    counts = [s.value_counts(dropna=True) for s in (reference, current)]
    scans = [_parse_uniques(s, c) for s, c in zip((reference, current), counts)]
    n_bad = scans[0][0] + scans[1][0]
    if n_bad == 0:
        note = "forced numeric" if forced == NUMERIC else "numbers stored as text were parsed as numbers"
        parsed = [pd.to_numeric(s, errors="coerce").astype("float64") for s in (reference, current)]
        return Feature(name, NUMERIC, parsed[0], parsed[1], [note])
    examples = ", ".join(repr(v) for v in (scans[0][1] + scans[1][1])[:3])
    if forced == NUMERIC:
        return Feature(name, NUMERIC, error="column '{}' is listed in numeric_columns but {} values are not "
                       "numbers (e.g. {})".format(name, n_bad, examples))
    n_numbers = scans[0][2] + scans[1][2]
    notes = ["mixed types: {} numbers and {} text values (e.g. {}); treated as categorical".format(
        n_numbers, n_bad, examples)] if n_numbers else []
    texts = (_text(reference), _text(current))
    reuse = tuple(counts) if all(t is s for t, s in zip(texts, (reference, current))) else None
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

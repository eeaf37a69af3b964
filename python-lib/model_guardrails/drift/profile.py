"""The drift sufficient statistics and the reference profile's JSON: what every engine computes.

:class:`NumericStats` (a numeric feature's counts and value sums on a fine grid, extremes and
moments) and :class:`CategoricalStats` (category counts) hold one side of a feature; a
:class:`ReferenceProfile` holds the reference's, in bounded size, and can be saved and reused
(docs/scale.md). The engines (``engines/``) fill them; :mod:`.finish` turns them into the table.
"""
import json
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from ..errors import InputError
from .mass import DECISION_RULE
from .metrics import NUMERIC
from .prepare import forced_type

PROFILE_FORMAT = 1
GRID_SUB_BINS = 200       # equal-width sub-bins per PSI bin: the grid KS and Wasserstein are bracketed on
PART_COMPARE_MAX = 64     # grid_index finds the PSI bin by comparisons up to this many edges (uint8 counts)


def make_grid(edges, low, high, sub_bins=GRID_SUB_BINS):
    """The fine grid: the PSI edges plus ``sub_bins`` equal-width steps inside each PSI bin, the
    outer bins closed at the reference minimum and maximum. Deterministic from (edges, min, max),
    so every engine builds the same grid."""
    if not np.isfinite(low) or not np.isfinite(high):
        return np.asarray(edges, dtype="float64")
    bounds = np.concatenate(([low], edges, [high]))
    parts = [np.linspace(a, b, sub_bins + 1) for a, b in zip(bounds[:-1], bounds[1:])]
    return np.unique(np.concatenate(parts + [np.asarray(edges, dtype="float64")]))


def count_below(inner, x):
    """``np.searchsorted(inner, x, side="left")`` (the number of ``inner`` below each ``x``): by one
    comparison per bound when there are few (a PSI bin count's edges), ~10x faster than the search."""
    if len(inner) > PART_COMPARE_MAX:
        return np.searchsorted(inner, x, side="left")
    part = np.zeros(len(x), dtype=np.uint8)
    above = np.empty(len(x), dtype=bool)
    for bound in inner:
        np.greater(x, bound, out=above)
        np.add(part, above.view(np.uint8), out=part)
    return part.astype(np.intp)


def grid_index(grid, x):
    """``np.searchsorted(grid, x, side="left")`` for finite ``x``, ~2x faster on a grid of
    :func:`make_grid`: the PSI bin by a search among the edges, the step inside it by arithmetic
    (its GRID_SUB_BINS steps are equal), then corrected against the grid points themselves, so the
    result is exact on any grid (a grid of another shape is searched as is)."""
    parts = (len(grid) - 1) // GRID_SUB_BINS
    if parts < 1 or len(grid) != parts * GRID_SUB_BINS + 1:
        return np.searchsorted(grid, x, side="left")
    bounds = grid[::GRID_SUB_BINS]
    width = np.diff(bounds)
    part = count_below(bounds[1:-1], x)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):  # subnormal widths: corrected below
        scale = np.divide(GRID_SUB_BINS, width, out=np.zeros_like(width), where=width > 0)
        step = np.ceil((x - bounds[part]) * scale[part])
    where = np.fmin(np.fmax(step, 0), GRID_SUB_BINS + 1).astype(np.intp) + part * GRID_SUB_BINS  # NaN -> 0
    padded = np.concatenate(([-np.inf], grid, [np.inf]))  # padded[i] = grid[i - 1]
    for _ in range(4):  # the number of grid points below x: grid[where - 1] < x <= grid[where]
        down, up = x <= padded[where], x > padded[where + 1]
        if not (down.any() or up.any()):
            return where
        where += up
        where -= down
    wrong = (x <= padded[where]) | (x > padded[where + 1])
    where[wrong] = np.searchsorted(grid, x[wrong], side="left")
    return where


@dataclass
class NumericStats:
    """One side of a numeric feature on a grid: counts and value sums of the bins
    (-inf, g1], (g1, g2], ..., (gk, inf), the missing count, extremes and moments."""
    grid: np.ndarray
    counts: np.ndarray = None
    sums: np.ndarray = None
    total: int = 0
    missing: int = 0
    low: float = np.inf
    high: float = -np.inf
    mean: float = 0.0
    m2: float = 0.0

    def __post_init__(self):
        size = len(self.grid) + 1
        self.counts = np.zeros(size, dtype="int64") if self.counts is None else np.asarray(self.counts, dtype="int64")
        self.sums = np.zeros(size) if self.sums is None else np.asarray(self.sums, dtype="float64")

    @property
    def n(self):
        return self.total - self.missing

    def add(self, values, bins=True):
        """Add a chunk of float64 values (NaN and +/-inf count as missing). ``bins=False``: all but
        the bins' counts and sums (a pass that only needs the totals, extremes and moments)."""
        values = np.asarray(values, dtype="float64")
        finite = values[np.isfinite(values)]
        self.total += len(values)
        self.missing += len(values) - len(finite)
        if len(finite) == 0:
            return
        if bins:
            where = grid_index(self.grid, finite)
            size = len(self.grid) + 1
            self.counts += np.bincount(where, minlength=size)
            self.sums += np.bincount(where, weights=finite, minlength=size)
        self.low, self.high = min(self.low, float(finite.min())), max(self.high, float(finite.max()))
        self._merge_moments(len(finite), float(finite.mean()), float(((finite - finite.mean()) ** 2).sum()))

    def _merge_moments(self, n_b, mean_b, m2_b):
        n_a = self.n - n_b
        if n_a == 0:
            self.mean, self.m2 = mean_b, m2_b
            return
        delta = mean_b - self.mean
        n = n_a + n_b
        self.mean += delta * n_b / n
        self.m2 += m2_b + delta * delta * n_a * n_b / n

    @property
    def std(self):
        return float(np.sqrt(self.m2 / self.n)) if self.n else 0.0

    def to_dict(self):
        return dict(counts=self.counts.tolist(), sums=self.sums.tolist(), total=self.total, missing=self.missing,
                    low=self.low, high=self.high, mean=self.mean, m2=self.m2)


@dataclass
class CategoricalStats:
    counts: pd.Series = None
    total: int = 0
    missing: int = 0

    def __post_init__(self):
        if self.counts is None:
            self.counts = pd.Series(dtype="int64")

    def add(self, text):
        """Add a chunk of category labels (text, NaN for missing); new categories at any chunk."""
        counts = text.value_counts(dropna=True)
        self.add_counts(len(text), len(text) - int(counts.sum()), counts)

    def add_counts(self, total, missing, counts):
        """Add a chunk already counted: its row count, missing count and label counts (value_counts)."""
        self.total += total
        self.missing += missing
        self.counts = counts if self.counts.empty else self.counts.add(counts, fill_value=0)

    def integer_counts(self):
        return self.counts.astype("int64")

    def to_dict(self):
        counts = self.integer_counts()
        return dict(categories=[str(k) for k in counts.index], counts=counts.tolist(), total=self.total,
                    missing=self.missing)


@dataclass
class FeatureProfile:
    name: str
    type: str
    notes: List[str] = field(default_factory=list)
    error: str = ""
    edges: Optional[np.ndarray] = None
    std: float = 0.0
    numeric: Optional[NumericStats] = None
    categorical: Optional[CategoricalStats] = None

    def to_dict(self):
        out = dict(name=self.name, type=self.type, notes=self.notes, error=self.error)
        if self.numeric is not None:
            out.update(edges=self.edges.tolist(), std=self.std, grid=self.numeric.grid.tolist(),
                       stats=self.numeric.to_dict())
        if self.categorical is not None:
            out.update(stats=self.categorical.to_dict())
        return out

    @classmethod
    def from_dict(cls, raw):
        profile = cls(raw["name"], raw["type"], list(raw.get("notes", [])), raw.get("error", ""))
        stats = raw.get("stats")
        if stats and raw["type"] == NUMERIC:
            profile.edges, profile.std = np.asarray(raw["edges"], dtype="float64"), float(raw["std"])
            profile.numeric = NumericStats(np.asarray(raw["grid"], dtype="float64"), **stats)
        elif stats:
            counts = pd.Series(stats["counts"], index=pd.Index(stats["categories"], dtype=object), dtype="int64")
            profile.categorical = CategoricalStats(counts, stats["total"], stats["missing"])
        return profile


@dataclass
class ReferenceProfile:
    """Everything the drift computation needs from the reference, in bounded size."""
    plugin_version: str
    settings: Dict[str, object]
    n_rows: int
    features: Dict[str, FeatureProfile]
    columns: List[str]

    def to_json(self):
        return json.dumps(dict(format=PROFILE_FORMAT, kind="model-guardrails drift reference profile",
                               plugin_version=self.plugin_version, settings=self.settings, n_rows=self.n_rows,
                               columns=self.columns,
                               features=[f.to_dict() for f in self.features.values()]))

    @classmethod
    def from_json(cls, text, plugin_version, settings, where="the reference profile"):
        """Load a saved profile; a clear InputError when it was made by another plugin version,
        another format or with other settings."""
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise InputError("{} is not valid JSON ({}): delete it to rebuild it from the reference.".format(where, exc))
        if raw.get("format") != PROFILE_FORMAT:
            raise InputError("{} has format {!r}, this plugin reads format {}: delete it (or set profile_mode "
                             "to 'rebuild') to rebuild it from the reference.".format(where, raw.get("format"),
                                                                                       PROFILE_FORMAT))
        if raw.get("plugin_version") != plugin_version:
            raise InputError("{} was saved by plugin version {}, this is version {}: set profile_mode to "
                             "'rebuild' (or delete it) to rebuild it from the reference.".format(
                                 where, raw.get("plugin_version"), plugin_version))
        saved = raw.get("settings", {})
        changed = sorted(k for k in set(saved) | set(settings) if saved.get(k) != settings.get(k))
        if changed:
            raise InputError("{} was built with other settings ({}): set profile_mode to 'rebuild' to rebuild it "
                             "with the current ones.".format(where, "; ".join(
                                 "{}: saved {!r}, now {!r}".format(k, saved.get(k), settings.get(k)) for k in changed)))
        features = [FeatureProfile.from_dict(f) for f in raw["features"]]
        return cls(raw["plugin_version"], saved, raw["n_rows"], {f.name: f for f in features}, raw["columns"])

    def forced_type(self, name):
        """The type ``name`` was forced to when the profile was built (prepare.forced_type)."""
        return forced_type(name, self.settings.get("numeric_columns", ()), self.settings.get("categorical_columns", ()))

    def check_features(self, names, where="the reference profile"):
        absent = [n for n in names if n not in self.features and n in self.columns]
        unknown = [n for n in names if n not in self.columns]
        if absent or unknown:
            raise InputError("{} does not cover the columns to compare: {}{}(profiled columns: {}). Set profile_mode "
                             "to 'rebuild' to rebuild it for these columns.".format(
                                 where, "not profiled: {}; ".format(", ".join(absent)) if absent else "",
                                 "not in the profiled reference: {}; ".format(", ".join(unknown)) if unknown else "",
                                 ", ".join(self.features)))


def profile_settings(params):
    """The parameters a saved profile depends on: a change forces a rebuild."""
    return dict(psi_bins=params.psi_bins, grid_sub_bins=GRID_SUB_BINS, convention=params.convention,
                decision_rule=DECISION_RULE,
                numeric_columns=sorted(params.numeric_columns), categorical_columns=sorted(params.categorical_columns))

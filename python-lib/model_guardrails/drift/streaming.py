"""Drift from mergeable sufficient statistics: bounded memory whatever the row count.

The reference is summarised once into a :class:`ReferenceProfile` (per numeric feature: the exact
PSI edges, a fine grid, per-grid-bin counts and sums, moments; per categorical feature: category
counts), which can be saved and reused. The current data are then read chunk by chunk into
:class:`NumericStats` / :class:`CategoricalStats` on the reference's grid, and
:func:`finish_drift` turns both into the same table as :func:`..engine.compute_drift`.

Exactness (docs/scale.md): missing shares, unseen share, PSI, JS, Hellinger, KL and chi-square
are computed from the same integer counts as the in-memory engine and are identical to it. KS and
Wasserstein compare whole distributions: from the grid they are bracketed, not exact; each row
gives the value, and its ``reason`` the interval that contains the exact value.

Building a profile from a reference that is itself too large for memory reads it several times
(typing, counts and extremes, exact order statistics by successive histograms, grid counts),
each pass holding only per-bin arrays.
"""
import json
import logging
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import pandas as pd

from ..errors import InputError
from .categorical import aligned_counts, metrics_from_counts
from .metrics import NUMERIC
from .numeric import (KS_EXACT_MAX_N, binned_metrics, ks_pvalue_asymptotic, no_values, normalised,
                      quantile_edges, Sample)
from .prepare import (Feature, ValueScan, as_text, check_current, decide_type, forced_type, missing_side_error,
                      scan_series, type_feature)

log = logging.getLogger(__name__)

PROFILE_FORMAT = 1
GRID_SUB_BINS = 200       # equal-width sub-bins per PSI bin: the grid KS and Wasserstein are bracketed on
SELECT_BINS = 4096        # histogram resolution of one order-statistic search pass
SELECT_COLLECT = 20_000   # collect the values of a search interval once it holds at most this many
SELECT_MAX_PASSES = 6     # after this many narrowing passes, collect distinct values with counts


# -- statistics ------------------------------------------------------------------------------

def make_grid(edges, low, high, sub_bins=GRID_SUB_BINS):
    """The fine grid: the PSI edges plus ``sub_bins`` equal-width steps inside each PSI bin, the
    outer bins closed at the reference minimum and maximum. Deterministic from (edges, min, max),
    so every engine builds the same grid."""
    if not np.isfinite(low) or not np.isfinite(high):
        return np.asarray(edges, dtype="float64")
    bounds = np.concatenate(([low], edges, [high]))
    parts = [np.linspace(a, b, sub_bins + 1) for a, b in zip(bounds[:-1], bounds[1:])]
    return np.unique(np.concatenate(parts + [np.asarray(edges, dtype="float64")]))


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

    def add(self, values):
        """Add a chunk of float64 values (NaN and +/-inf count as missing)."""
        values = np.asarray(values, dtype="float64")
        finite = values[np.isfinite(values)]
        self.total += len(values)
        self.missing += len(values) - len(finite)
        if len(finite) == 0:
            return
        where = np.searchsorted(self.grid, finite, side="left")
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
        self.total += len(text)
        self.missing += int(text.isna().sum())
        chunk = text.value_counts(dropna=True)
        self.counts = chunk if self.counts.empty else self.counts.add(chunk, fill_value=0)

    def integer_counts(self):
        return self.counts.astype("int64")

    def to_dict(self):
        counts = self.integer_counts()
        return dict(categories=[str(k) for k in counts.index], counts=counts.tolist(), total=self.total,
                    missing=self.missing)


# -- the reference profile -------------------------------------------------------------------

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
                numeric_columns=sorted(params.numeric_columns), categorical_columns=sorted(params.categorical_columns))


def forced(name, params):
    return forced_type(name, params.numeric_columns, params.categorical_columns)


def profile_from_frame(reference, names, params, plugin_version):
    """Profile of an in-memory reference: exact edges and standard deviations from sorted values."""
    features = {}
    for name in names:
        if name not in reference.columns:
            continue
        typed = type_feature(name, reference[name], reference[name].iloc[:0], forced(name, params))
        features[name] = _profile_feature(typed, params)
    return ReferenceProfile(plugin_version, profile_settings(params), len(reference), features,
                            [str(c) for c in reference.columns])


def _profile_feature(typed, params):
    profile = FeatureProfile(typed.name, typed.type, list(typed.notes), typed.error)
    if typed.error:
        return profile
    if typed.type == NUMERIC:
        sample = Sample(typed.reference)
        profile.edges = quantile_edges(sample.sorted, params.psi_bins)
        profile.std = float(np.std(sample.sorted)) if sample.n else 0.0
        grid = make_grid(profile.edges, sample.sorted[0], sample.sorted[-1]) if sample.n else profile.edges
        stats = NumericStats(grid)
        stats.add(sample.sorted)
        stats.total, stats.missing = sample.total, sample.missing
        profile.numeric = stats
    else:
        stats = CategoricalStats()
        stats.add(typed.reference)
        profile.categorical = stats
    return profile


# -- reading chunks --------------------------------------------------------------------------

def as_float(series):
    """A chunk of a numeric feature as float64 (its values were checked: numbers, or booleans when forced)."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


class _Side:
    """Statistics of one side, fed chunk by chunk. The values of each numeric feature are scanned
    over all chunks (ValueScan) and checked with check_current, as the in-memory engine checks the
    whole column: ``errors`` names the features whose values do not fit, with the same reason."""

    def __init__(self, profile, names):
        self.rows, self.columns, self.stats, self.scans = 0, [], {}, {}
        self.settings = profile.settings
        for name in names:
            feature = profile.features.get(name)
            if feature is None or feature.error:
                continue
            self.stats[name] = (NumericStats(feature.numeric.grid) if feature.type == NUMERIC else CategoricalStats())

    def _error(self, name, scan):
        forced = forced_type(name, self.settings.get("numeric_columns", ()), self.settings.get("categorical_columns", ()))
        return check_current(name, forced, NUMERIC, scan)

    @property
    def errors(self):
        found = {name: self._error(name, scan) for name, scan in self.scans.items()}
        return {name: error for name, error in found.items() if error}

    def add(self, chunk):
        self.rows += len(chunk)
        self.columns += [str(c) for c in chunk.columns if str(c) not in self.columns]
        if len(chunk) == 0:
            return
        for name, stats in self.stats.items():
            if name not in chunk.columns:
                continue
            series = chunk[name]
            if isinstance(stats, CategoricalStats):
                stats.add(as_text(series))
                continue
            scan = scan_series(series)
            self.scans[name] = self.scans.get(name, ValueScan()) + scan
            if not self._error(name, scan):
                stats.add(as_float(series))


def stream_current(profile, names, chunks):
    """Statistics of the current data read from an iterable of DataFrame chunks."""
    side = _Side(profile, names)
    for chunk in chunks:
        side.add(chunk)
    return side


# -- profile of a reference too large for memory ---------------------------------------------

def profile_from_chunks(read_chunks, names, params, plugin_version):
    """Profile of a reference read with ``read_chunks()`` (a fresh iterator of DataFrame chunks on each
    call), in several passes of bounded memory. Exactly the in-memory profile's edges and counts."""
    # pass 1: column typing over all chunks (dtypes can differ from chunk to chunk)
    scans, rows, columns = {}, 0, None
    for chunk in read_chunks():
        rows += len(chunk)
        columns = columns or [str(c) for c in chunk.columns]
        for name in names:
            if name in chunk.columns and len(chunk):
                scans[name] = scans.get(name, ValueScan()) + scan_series(chunk[name])
    if rows == 0:
        raise InputError("The reference dataset is empty: drift needs rows on both sides.")
    features = {}
    for name in names:
        if name not in scans and name not in (columns or []):
            continue
        features[name] = FeatureProfile(name, *decide_type(name, forced(name, params), scans.get(name, ValueScan())))
    profile = ReferenceProfile(plugin_version, profile_settings(params), rows, features, columns or [])
    # pass 2: categories, missing counts, extremes (numeric features read on a grid-less NumericStats)
    usable = [n for n, f in features.items() if not f.error]
    first = _Side(profile, [])
    first.stats = {n: (NumericStats(np.array([])) if features[n].type == NUMERIC else CategoricalStats()) for n in usable}
    for chunk in read_chunks():
        first.add(chunk)
    for name, stats in first.stats.items():
        if isinstance(stats, CategoricalStats):
            features[name].categorical = stats
    numeric = {n: first.stats[n] for n in usable if features[n].type == NUMERIC}
    # passes 3+: exact order statistics for the PSI edges
    edges = _exact_edges(read_chunks, numeric, params.psi_bins)
    grids = {}
    for name, stats in numeric.items():
        features[name].edges = edges[name]
        features[name].std = stats.std
        grids[name] = make_grid(edges[name], stats.low, stats.high) if stats.n else edges[name]
    # last pass: grid counts and sums
    final = _Side(profile, [])
    final.stats = {n: NumericStats(g) for n, g in grids.items()}
    for chunk in read_chunks():
        final.add(chunk)
    for name, stats in final.stats.items():
        stats.mean, stats.m2 = numeric[name].mean, numeric[name].m2  # pass-2 moments (same values)
        features[name].numeric = stats
    return profile


def _exact_edges(read_chunks, numeric, psi_bins):
    """np.quantile(values, k / psi_bins) (linear interpolation, duplicates removed) of each column,
    from order statistics found by successive histograms, without holding the column."""
    qs = np.arange(1, psi_bins) / psi_bins
    targets = {}   # (name, rank) -> search state
    plans = {}
    for name, stats in numeric.items():
        if stats.n == 0:
            continue
        virtual = (stats.n - 1) * qs
        below = np.floor(virtual).astype("int64")
        above = np.minimum(below + 1, stats.n - 1)
        plans[name] = (virtual - below, below, above)
        for rank in set(below.tolist()) | set(above.tolist()):
            targets[(name, rank)] = dict(low=-np.inf, high=np.inf, start=0, lo=stats.low, hi=stats.high,
                                         value=None, passes=0)
    for state in targets.values():
        if state["lo"] == state["hi"]:
            state["value"] = state["lo"]
    while any(t["value"] is None for t in targets.values()):
        _search_pass(read_chunks, {k: t for k, t in targets.items() if t["value"] is None})
    edges = {}
    for name, stats in numeric.items():
        if name not in plans:
            edges[name] = np.array([])
            continue
        gamma, below, above = plans[name]
        values = [np.quantile(np.array([targets[(name, b)]["value"], targets[(name, a)]["value"]]), g)
                  for g, b, a in zip(gamma, below.tolist(), above.tolist())]
        edges[name] = np.unique(np.asarray(values, dtype="float64"))
    return edges


def _search_pass(read_chunks, targets):
    """One read: for each target rank, either histogram its interval (low, high] on SELECT_BINS
    bins between the interval's known extremes, or collect the values in it and finish."""
    work = {}
    for key, t in targets.items():
        collect = t.get("count", np.inf) <= SELECT_COLLECT or t["passes"] >= SELECT_MAX_PASSES
        cuts = None if collect else np.linspace(t["lo"], t["hi"], SELECT_BINS + 1)[1:-1]
        work[key] = dict(collect=collect, cuts=cuts, counts=np.zeros(SELECT_BINS, dtype="int64"), values=[],
                         weights=[], lo=np.inf, hi=-np.inf)
    names = sorted({k[0] for k in targets})
    for chunk in read_chunks():
        if len(chunk) == 0:
            continue
        arrays = {}
        for name in names:
            if name in chunk.columns:
                x = as_float(chunk[name])
                arrays[name] = x[np.isfinite(x)]
        for (name, rank), w in work.items():
            if name not in arrays:
                continue
            t = targets[(name, rank)]
            x = arrays[name]
            x = x[(x > t["low"]) & (x <= t["high"])]
            if len(x) == 0:
                continue
            if w["collect"]:  # distinct values with counts, as numpy arrays (16 bytes each)
                uniques, counts = np.unique(x, return_counts=True)
                w["values"].append(uniques)
                w["weights"].append(counts)
            else:
                w["counts"] += np.bincount(np.searchsorted(w["cuts"], x, side="left"), minlength=SELECT_BINS)
    for key, w in work.items():
        t = targets[key]
        t["passes"] += 1
        offset = key[1] - t["start"]
        if w["collect"]:
            if w["values"]:
                values, where = np.unique(np.concatenate(w["values"]), return_inverse=True)
                seen = np.cumsum(np.bincount(where.ravel(), weights=np.concatenate(w["weights"])))
                t["value"] = float(values[int(np.searchsorted(seen, offset, side="right"))])
            continue
        cumulative = np.cumsum(w["counts"])
        b = int(np.searchsorted(cumulative, offset, side="right"))
        bounds = np.concatenate(([t["low"]], w["cuts"], [t["high"]]))
        t["start"] += int(cumulative[b - 1]) if b > 0 else 0
        t["low"], t["high"] = float(bounds[b]), float(bounds[b + 1])
        t["count"] = int(w["counts"][b])
        t["lo"] = max(t["lo"], t["low"]) if np.isfinite(t["low"]) else t["lo"]
        t["hi"] = min(t["hi"], t["high"])


# -- finishing: the metric values ------------------------------------------------------------

def _grid_cdfs(ref, cur):
    """Both empirical CDFs at the grid points, the bin widths between the outer extremes."""
    r = np.cumsum(ref.counts) / ref.n
    c = np.cumsum(cur.counts) / cur.n
    low, high = min(ref.low, cur.low), max(ref.high, cur.high)
    points = np.concatenate(([low], np.clip(ref.grid, low, high), [high]))
    return r, c, points


def _step_model(ref, cur):
    """Per grid bin: ends (a, b], each CDF before and after the bin, and the CDF gap on the three
    segments of the estimate that puts each side's values of the bin at their mean (exact when a
    bin holds one distinct value, as with rounded or coded data)."""
    r, c, points = _grid_cdfs(ref, cur)
    r0, c0 = np.concatenate(([0.0], r[:-1])), np.concatenate(([0.0], c[:-1]))
    a, b = points[:-1], points[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        mr = np.where(ref.counts > 0, ref.sums / np.maximum(ref.counts, 1), a)
        mc = np.where(cur.counts > 0, cur.sums / np.maximum(cur.counts, 1), a)
    mr, mc = np.clip(mr, a, b), np.clip(mc, a, b)
    p1, p2 = np.minimum(mr, mc), np.maximum(mr, mc)
    middle = np.where(mr < mc, r - c0, r0 - c)
    return dict(r=r, c=c, r0=r0, c0=c0, a=a, b=b, p1=p1, p2=p2, middle=middle)


def ks_bracket(ref, cur):
    """(lower, upper) of the exact KS statistic from grid counts: the CDF gap at the grid points is
    exact and is the lower bound (and the reported value); inside a bin each CDF stays between its
    values at the bin's ends, which gives the upper bound."""
    r, c, _ = _grid_cdfs(ref, cur)
    r0, c0 = np.concatenate(([0.0], r[:-1])), np.concatenate(([0.0], c[:-1]))
    lower = float(np.max(np.abs(r - c)))
    upper = float(max(lower, np.max(r - c0), np.max(c - r0)))
    return lower, upper


def wasserstein_bracket(ref, cur):
    """(lower, upper, estimate) of the Wasserstein-1 distance, the integral of |R(x) - C(x)| dx, from
    grid counts and sums. Per bin the signed integral of R - C is exact (from the value sums), so its
    absolute value is a lower bound of the bin's share, exact where the CDFs do not cross inside the
    bin; the width times the largest possible gap is an upper bound; the estimate integrates the
    step model."""
    m = _step_model(ref, cur)
    r, c, r0, c0, a, b = m["r"], m["c"], m["r0"], m["c0"], m["a"], m["b"]
    width = b - a
    with np.errstate(invalid="ignore"):
        # integral over (a, b] of F = b F(b) - a F(a) - (sum of values in the bin) / n
        signed = np.where(width > 0, (b * r - a * r0 - ref.sums / ref.n) - (b * c - a * c0 - cur.sums / cur.n), 0.0)
    exact_part = np.abs(signed)
    apart = (np.minimum(r0, r) >= np.maximum(c0, c)) | (np.minimum(c0, c) >= np.maximum(r0, r))
    worst = width * np.maximum(np.abs(r - c0), np.abs(c - r0))
    lower = float(np.sum(exact_part))
    upper = float(np.sum(np.where(apart, exact_part, np.maximum(worst, exact_part))))
    step = ((m["p1"] - a) * np.abs(r0 - c0) + (m["p2"] - m["p1"]) * np.abs(m["middle"])
            + (b - m["p2"]) * np.abs(r - c))
    estimate = float(np.sum(np.where(apart, exact_part, step)))
    return lower, upper, min(max(estimate, lower), upper)


def _approx_reason(name, low, high):
    return ("streaming estimate: the exact {} is in [{:.6g}, {:.6g}] (from {}-bin grid counts of the reference "
            "quantile bins)".format(name, low, high, GRID_SUB_BINS))


def numeric_values(profile, cur):
    ref = profile.numeric
    coarse = np.searchsorted(ref.grid, profile.edges, side="left")  # grid index of each PSI edge
    def psi_counts(stats):
        cum = np.concatenate(([0], np.cumsum(stats.counts)))
        cuts = cum[coarse + 1]
        return np.append(np.diff(np.concatenate(([0], cuts, [stats.n]))), stats.missing)
    out = binned_metrics(psi_counts(ref), ref.total, psi_counts(cur), cur.total, edges=profile.edges)
    if ref.n == 0 or cur.n == 0:
        return dict(out, **no_values(ref.n, cur.n))
    d_low, d_high = ks_bracket(ref, cur)
    w_low, w_high, w_mid = wasserstein_bracket(ref, cur)
    ks_note = _approx_reason("KS statistic", d_low, d_high)
    out["ks_statistic"] = (d_low, ks_note)
    out["ks_pvalue"] = (ks_pvalue_asymptotic(d_low, ref.n, cur.n),
                        "streaming estimate from the KS statistic's lower bound; " + ks_note
                        + (" (asymptotic p-value)" if max(ref.n, cur.n) <= KS_EXACT_MAX_N else ""))
    w_note = _approx_reason("Wasserstein distance", w_low, w_high)
    out["wasserstein"] = (w_mid, w_note)
    std = profile.std
    out["wasserstein_norm"] = normalised(w_mid, std, "" if std <= 0 else _approx_reason(
        "normalised Wasserstein", w_low / std, w_high / std))
    return out


def categorical_values(profile, cur, max_categories):
    ref = profile.categorical
    aligned = aligned_counts(ref.integer_counts(), cur.integer_counts(), ref.missing, cur.missing, max_categories)
    return metrics_from_counts(aligned, ref.total, cur.total)


def features_and_values(profile, current_side, names, params):
    """[(Feature, {metric: (value, reason)})] as the in-memory engine's _compute_features."""
    computed = []
    for name in names:
        feature_profile = profile.features.get(name)
        in_ref, in_cur = feature_profile is not None, name in current_side.columns
        if not (in_ref and in_cur):
            computed.append((Feature(name, "", error=missing_side_error(name, in_ref, in_cur)), {}))
            continue
        feature = Feature(name, feature_profile.type, notes=list(feature_profile.notes),
                          error=feature_profile.error or current_side.errors.get(name, ""))
        if feature.error:
            computed.append((feature, {}))
        elif feature.type == NUMERIC:
            computed.append((feature, numeric_values(feature_profile, current_side.stats[name])))
        else:
            computed.append((feature, categorical_values(feature_profile, current_side.stats[name],
                                                         params.max_categories)))
    return computed

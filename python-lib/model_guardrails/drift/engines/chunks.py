"""The chunk engine: datasets too large for memory, read as pandas chunks into mergeable statistics.

:class:`ChunkSide` is the current side fed chunk by chunk; :func:`profile_from_chunks` builds the
reference profile in two passes of bounded memory (typing with counts, extremes, key counts and
the values around the quantiles, which most often give the exact order statistics; grid counts),
a third between them only for the order statistics the first pass missed (rank_search).
"""
import numpy as np

from ...read_ahead import read_ahead
from ..metrics import CATEGORICAL, NUMERIC
from ..numeric import edge_ranks, edges_from_order_statistics
from ..prepare import (ValueScan, as_float, as_text, check_current, decide_type, require_rows, scan_series,
                       value_kind)
from ..profile import CategoricalStats, FeatureProfile, NumericStats, ReferenceProfile, make_grid, profile_settings
from . import CurrentSide
from .rank_search import KeyCounts, RankWindows, key_bits, order_statistics


class ChunkSide(CurrentSide):
    """Statistics of one side, fed chunk by chunk (``stats``: the empty statistics per feature). The
    values of each numeric feature are scanned over all chunks (ValueScan) and checked with
    check_current, as the in-memory engine checks the whole column: ``errors`` names the features
    whose values do not fit, with the same reason. ``forced_type``: name -> the type it is forced to."""

    def __init__(self, stats, forced_type):
        self.rows, self.columns, self.stats, self.scans = 0, [], stats, {}
        self.forced_type = forced_type

    @classmethod
    def for_profile(cls, profile, names):
        """The current side of ``names`` on the grids of ``profile``."""
        stats = {}
        for name in names:
            feature = profile.features.get(name)
            if feature is None or feature.error:
                continue
            stats[name] = (NumericStats(feature.numeric.grid) if feature.type == NUMERIC else CategoricalStats())
        return cls(stats, profile.forced_type)

    def _error(self, name, scan):
        return check_current(name, self.forced_type(name), NUMERIC, scan)

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
    side = ChunkSide.for_profile(profile, names)
    for chunk in read_ahead(chunks):
        side.add(chunk)
    return side


def _expected_type(series, forced):
    """The type a column is expected to get from its first chunk (decide_type decides on all of
    them): numeric when forced so, or when its values are stored as numbers and it is not forced
    categorical."""
    if forced == CATEGORICAL:
        return CATEGORICAL
    if forced == NUMERIC or value_kind(series) == "number":
        return NUMERIC
    return CATEGORICAL


def profile_from_chunks(read_chunks, names, params, plugin_version, read_columns=None):
    """Profile of a reference read with ``read_chunks()`` (a fresh iterator of DataFrame chunks on each
    call), in passes of bounded memory. Exactly the in-memory profile's edges and counts.
    ``read_columns(columns)``, when given: a fresh iterator of chunks of those columns only (the
    passes after the first read only the numeric columns).

    Pass 1 types the columns and, for the type each column is expected to get, gathers its counts,
    extremes and moments, the key counts of the order-statistic search and the values of its
    RankWindows (rank_search); a column whose type turns out otherwise (a later chunk changed it) is
    read again on its own. The exact PSI edges come from the windows; the ranks outside them are
    searched (one read, more only for values crowded into one key bucket). The last pass counts the
    values on the grid."""
    scans, rows, columns, guessed = {}, 0, None, None
    for chunk in read_ahead(read_chunks()):
        rows += len(chunk)
        columns = columns or [str(c) for c in chunk.columns]
        if not len(chunk):
            continue
        if guessed is None:
            guessed = _Pass1({n: _expected_type(chunk[n], params.forced_type(n)) for n in names if n in chunk.columns},
                             params.forced_type, params.psi_bins)
        for name in names:
            if name in chunk.columns:
                scans[name] = scans.get(name, ValueScan()) + guessed.add(name, chunk[name])
    require_rows("reference", rows)
    features = {}
    for name in names:
        if name not in scans and name not in (columns or []):
            continue
        features[name] = FeatureProfile(name, *decide_type(name, params.forced_type(name),
                                                           scans.get(name, ValueScan())))
    profile = ReferenceProfile(plugin_version, profile_settings(params), rows, features, columns or [])
    usable = {n: f.type for n, f in features.items() if not f.error}
    stats, keys, windows = guessed.result(usable) if guessed else ({}, {}, {})
    missed = [n for n in usable if n not in stats]
    if missed:  # expected otherwise from the first chunk: read again, these columns only
        again = _Pass1({n: usable[n] for n in missed}, params.forced_type, params.psi_bins)
        for chunk in read_ahead(read_columns(missed) if read_columns is not None else read_chunks()):
            for name in missed:
                if name in chunk.columns and len(chunk):
                    again.add(name, chunk[name])
        more_stats, more_keys, more_windows = again.result(usable)
        stats.update(more_stats)
        keys.update(more_keys)
        windows.update(more_windows)
    for name, found in stats.items():
        if isinstance(found, CategoricalStats):
            features[name].categorical = found
    numeric = {n: stats[n] for n in usable if usable[n] == NUMERIC}
    if read_columns is not None:
        def read_chunks():
            return read_columns(list(numeric))
    # exact order statistics for the PSI edges: from the windows, a search read for the others
    edges = _exact_edges(read_chunks, numeric, keys, windows, params.psi_bins)
    grids = {}
    for name, found in numeric.items():
        features[name].edges = edges[name]
        features[name].std = found.std
        grids[name] = make_grid(edges[name], found.low, found.high) if found.n else edges[name]
    # last pass: grid counts and sums
    final = ChunkSide({n: NumericStats(g) for n, g in grids.items()}, params.forced_type)
    if grids:
        for chunk in read_ahead(read_chunks()):
            final.add(chunk)
    for name, found in final.stats.items():
        found.mean, found.m2 = numeric[name].mean, numeric[name].m2  # pass-1 moments (same values)
        features[name].numeric = found
    return profile


class _Pass1:
    """The first pass's statistics of each column for its expected type: category counts, or the
    grid-less NumericStats (counts, extremes, moments) and KeyCounts of a numeric column, whose
    chunks are checked as ChunkSide checks them."""

    def __init__(self, expected, forced_type, psi_bins):
        self.expected, self.forced_type = expected, forced_type
        self.stats = {n: NumericStats(np.array([])) if t == NUMERIC else CategoricalStats() for n, t in expected.items()}
        numeric = [n for n, t in expected.items() if t == NUMERIC]
        self.keys = {n: KeyCounts(key_bits(len(numeric))) for n in numeric}
        self.windows = RankWindows(np.arange(1, psi_bins) / psi_bins)
        self.fits = dict.fromkeys(expected, True)

    def add(self, name, series):
        """Add one chunk of a column; its ValueScan."""
        stats = self.stats.get(name)
        if isinstance(stats, CategoricalStats):
            text = as_text(series)
            counts = text.value_counts(dropna=True)
            stats.add_counts(len(text), len(text) - int(counts.sum()), counts)
            return scan_series(series, counts if text is series else None)
        scan = scan_series(series)
        if stats is None:
            return scan
        if check_current(name, self.forced_type(name), NUMERIC, scan):
            self.fits[name] = False  # a chunk ChunkSide would skip: not this column's type
        else:
            values = as_float(series)
            stats.add(values, bins=False)  # the bins are counted on the grid, in the last pass
            self.keys[name].add(values)
            self.windows.add(name, values)
        return scan

    def result(self, decided):
        """(stats, key counts, {column: its RankWindows}) of the columns whose decided type is the
        expected one."""
        kept = {n for n, t in decided.items() if n in self.expected and self.expected[n] == t
                and (t != NUMERIC or self.fits[n])}
        return ({n: s for n, s in self.stats.items() if n in kept},
                {n: k for n, k in self.keys.items() if n in kept},
                {n: self.windows for n in self.keys if n in kept})


def _exact_edges(read_chunks, numeric, keys, windows, psi_bins):
    """The quantile edges of each column (numeric.edges_from_order_statistics) from its order
    statistics: picked from the first pass's windows, or searched without holding the column
    (rank_search)."""
    wanted = {name: (edge_ranks(stats.n, psi_bins), stats.low, stats.high) for name, stats in numeric.items()}
    found, _ = order_statistics(read_chunks, {name: w for name, w in wanted.items() if w[0]}, keys, windows)
    return {name: edges_from_order_statistics(stats.n, psi_bins, {r: found[(name, r)] for r in wanted[name][0]})
            for name, stats in numeric.items()}

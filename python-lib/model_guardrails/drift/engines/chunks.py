"""The chunk engine: datasets too large for memory, read as pandas chunks into mergeable statistics.

:class:`ChunkSide` is the current side fed chunk by chunk; :func:`profile_from_chunks` builds the
reference profile in several passes of bounded memory (typing, counts and extremes, exact order
statistics by successive histograms, grid counts), each pass holding only per-bin arrays.
"""
import numpy as np

from ..metrics import NUMERIC
from ..numeric import edge_ranks, edges_from_order_statistics
from ..prepare import ValueScan, as_float, as_text, check_current, decide_type, require_rows, scan_series
from ..profile import CategoricalStats, FeatureProfile, NumericStats, ReferenceProfile, make_grid, profile_settings
from . import CurrentSide
from .rank_search import order_statistics


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
    for chunk in chunks:
        side.add(chunk)
    return side


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
    require_rows("reference", rows)
    features = {}
    for name in names:
        if name not in scans and name not in (columns or []):
            continue
        features[name] = FeatureProfile(name, *decide_type(name, params.forced_type(name),
                                                           scans.get(name, ValueScan())))
    profile = ReferenceProfile(plugin_version, profile_settings(params), rows, features, columns or [])
    # pass 2: categories, missing counts, extremes (numeric features read on a grid-less NumericStats)
    usable = [n for n, f in features.items() if not f.error]
    first = ChunkSide({n: (NumericStats(np.array([])) if features[n].type == NUMERIC else CategoricalStats())
                       for n in usable}, params.forced_type)
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
    final = ChunkSide({n: NumericStats(g) for n, g in grids.items()}, params.forced_type)
    for chunk in read_chunks():
        final.add(chunk)
    for name, stats in final.stats.items():
        stats.mean, stats.m2 = numeric[name].mean, numeric[name].m2  # pass-2 moments (same values)
        features[name].numeric = stats
    return profile


def _exact_edges(read_chunks, numeric, psi_bins):
    """The quantile edges of each column (numeric.edges_from_order_statistics) from its order
    statistics, searched without holding the column (rank_search)."""
    wanted = {name: (edge_ranks(stats.n, psi_bins), stats.low, stats.high) for name, stats in numeric.items()}
    found = order_statistics(read_chunks, {name: w for name, w in wanted.items() if w[0]})
    return {name: edges_from_order_statistics(stats.n, psi_bins, {r: found[(name, r)] for r in wanted[name][0]})
            for name, stats in numeric.items()}

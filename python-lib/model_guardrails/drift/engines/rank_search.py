"""Exact order statistics of columns read in chunks, without holding a column: successive
histograms narrow an interval around each wanted rank until few enough values are left in it to
collect (docs/scale.md). The chunk engine's reference profile gets its quantile edges from here."""
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from ..prepare import as_float

SELECT_BINS = 4096        # histogram resolution of one order-statistic search pass
SELECT_COLLECT = 20_000   # collect the values of a search interval once it holds at most this many
SELECT_MAX_PASSES = 6     # after this many narrowing passes, collect distinct values with counts


@dataclass
class RankSearch:
    """The search for the value of 0-based rank ``rank`` among a column's finite values: it lies in
    the interval (low, high], which holds ``count`` values, ``start`` values lying at or below ``low``;
    the values in the interval are known to be between ``smallest`` and ``largest``. ``value``: the
    value once found."""
    rank: int
    smallest: float
    largest: float
    low: float = -np.inf
    high: float = np.inf
    start: int = 0
    count: float = np.inf
    passes: int = 0
    value: Optional[float] = None

    def __post_init__(self):
        if self.smallest == self.largest:
            self.value = self.smallest


@dataclass
class _Tally:
    """What one pass gathers for one search: a histogram of its interval, or its values."""
    collect: bool
    cuts: Optional[np.ndarray]
    counts: np.ndarray = field(default_factory=lambda: np.zeros(SELECT_BINS, dtype="int64"))
    values: List[np.ndarray] = field(default_factory=list)
    weights: List[np.ndarray] = field(default_factory=list)


def order_statistics(read_chunks, wanted):
    """{(column, rank): value} for ``wanted`` {column: (ranks, minimum, maximum)} of the finite values.
    ``read_chunks()``: a fresh iterator of DataFrame chunks on each call."""
    searches = {(name, rank): RankSearch(rank, low, high)
                for name, (ranks, low, high) in wanted.items() for rank in ranks}
    while any(s.value is None for s in searches.values()):
        _search_pass(read_chunks, {k: s for k, s in searches.items() if s.value is None})
    return {key: s.value for key, s in searches.items()}


def _search_pass(read_chunks, searches):
    """One read: for each search, either histogram its interval (low, high] on SELECT_BINS bins
    between the interval's known extremes, or collect the values in it and finish."""
    work = {}
    for key, s in searches.items():
        collect = s.count <= SELECT_COLLECT or s.passes >= SELECT_MAX_PASSES
        work[key] = _Tally(collect, None if collect else np.linspace(s.smallest, s.largest, SELECT_BINS + 1)[1:-1])
    names = sorted({k[0] for k in searches})
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
            s = searches[(name, rank)]
            x = arrays[name]
            x = x[(x > s.low) & (x <= s.high)]
            if len(x) == 0:
                continue
            if w.collect:  # distinct values with counts, as numpy arrays (16 bytes each)
                uniques, counts = np.unique(x, return_counts=True)
                w.values.append(uniques)
                w.weights.append(counts)
            else:
                w.counts += np.bincount(np.searchsorted(w.cuts, x, side="left"), minlength=SELECT_BINS)
    for key, w in work.items():
        _narrow(searches[key], w)


def _narrow(s, w):
    """The search after one pass: its value found (collected), or its interval narrowed to one bin."""
    s.passes += 1
    offset = s.rank - s.start
    if w.collect:
        if w.values:
            values, where = np.unique(np.concatenate(w.values), return_inverse=True)
            seen = np.cumsum(np.bincount(where.ravel(), weights=np.concatenate(w.weights)))
            s.value = float(values[int(np.searchsorted(seen, offset, side="right"))])
        return
    cumulative = np.cumsum(w.counts)
    b = int(np.searchsorted(cumulative, offset, side="right"))
    bounds = np.concatenate(([s.low], w.cuts, [s.high]))
    s.start += int(cumulative[b - 1]) if b > 0 else 0
    s.low, s.high = float(bounds[b]), float(bounds[b + 1])
    s.count = int(w.counts[b])
    s.smallest = max(s.smallest, s.low) if np.isfinite(s.low) else s.smallest
    s.largest = min(s.largest, s.high)

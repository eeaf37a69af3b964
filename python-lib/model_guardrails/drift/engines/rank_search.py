"""Exact order statistics of columns read in chunks, without holding a column (docs/scale.md).

The first pass (shared with the profile's counts pass) counts each column's finite values in
buckets of their order-preserving bit pattern (:class:`KeyCounts`: no extremes needed, so it runs
in the same pass that finds them; 2^20 buckets, 8 MiB, a column, fewer when there are more than 32
numeric columns: KEY_COUNTS_BUDGET in all). That gives, for each wanted rank, the bucket holding it
and how many values lie below that bucket. The second pass collects the distinct values (with counts)
of those buckets and picks each rank exactly. So the search reads the data twice, unless a bucket
holding a wanted rank has more than SELECT_COLLECT values (or the buckets to collect more than
SELECT_BUDGET together): those ranks are narrowed by successive histograms of their bucket
(4,096 bins a pass), one more read each, until few enough values are left to collect.

Most often no search read is needed at all: the first pass also collects, for each column, the
values of :class:`RankWindows`, value intervals around the quantiles of the column's first chunk,
and counts the values below each; a wanted rank that falls inside a window is picked there after
the first pass. Only the ranks outside every window (a first chunk unlike the rest, e.g. sorted
data) or windows that would hold too many values (SELECT_COLLECT a window, WINDOW_BUDGET in all)
are searched as above.
"""
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np

from ...read_ahead import read_ahead
from ..prepare import as_float

KEY_BITS = (12, 20)             # a bucket: the top 12 to 20 bits of the order-preserving key (sign, exponent, 0-8 bits)
KEY_COUNTS_BUDGET = 256 << 20   # bytes of key counts for all the columns together
SELECT_BINS = 4096             # histogram resolution of one narrowing pass
SELECT_COLLECT = 2_000_000     # collect the values of a bucket (or interval) once it holds at most this many
SELECT_BUDGET = 8_000_000      # ... and the buckets collected in one pass at most this many values together
SELECT_MAX_PASSES = 6          # after this many narrowing passes, collect distinct values with counts
WINDOW_SIGMAS = 4.0             # a window's half-width: this many standard errors of the first chunk's quantile
WINDOW_BUDGET = 32_000_000      # values the windows of all the columns collect together (8 bytes each, and 1)
_SIGN = np.uint64(1 << 63)


def _finite(x):
    """The finite values of a float64 array, -0.0 read as 0.0 (numpy sorts them as equal)."""
    return x[np.isfinite(x)] + 0.0


def value_keys(x):
    """Order-preserving uint64 keys of finite float64 values: a < b exactly when key(a) < key(b)."""
    bits = np.ascontiguousarray(x, dtype="float64").view(np.uint64)
    return np.where(bits & _SIGN, ~bits, bits | _SIGN)


def _key_value(key):
    """The float64 whose key is ``key`` (a Python int)."""
    key = np.uint64(key)
    bits = key & ~_SIGN if key & _SIGN else ~key
    return float(np.array([bits], dtype=np.uint64).view("float64")[0])


def key_bits(n_columns):
    """The bits of a key bucket when ``n_columns`` columns are counted at once (KEY_COUNTS_BUDGET)."""
    fits = int(np.log2(max(KEY_COUNTS_BUDGET // 8 // max(n_columns, 1), 1)))
    return max(KEY_BITS[0], min(KEY_BITS[1], fits))


class KeyCounts:
    """Counts of a column's finite values per key bucket (the top ``bits`` bits of the key), fed
    chunk by chunk."""

    def __init__(self, bits=KEY_BITS[1]):
        self.shift = 64 - bits
        self.counts = np.zeros(1 << bits, dtype="int64")

    def add(self, values):
        """Add a chunk of float64 values (non-finite values are skipped). The bucket of value_keys is
        counted from the value's own top bits (magnitude and sign): only the magnitudes the chunk
        spans are counted (a few thousand buckets, not all of them), then laid out in key order
        (``half + m`` for a positive magnitude bucket m, ``half - 1 - m`` for a negative)."""
        x = _finite(np.asarray(values, dtype="float64"))
        if not len(x):
            return
        bits = len(self.counts).bit_length() - 1
        top = x.view(np.uint64) >> np.uint64(self.shift)
        half = len(self.counts) >> 1
        slot = ((top & np.uint64(half - 1)) << np.uint64(1)) | (top >> np.uint64(bits - 1))  # 2 m + negative
        slot = slot.astype(np.intp)
        low, high = int(slot.min()) >> 1, int(slot.max()) >> 1
        both = np.bincount(slot - 2 * low, minlength=2 * (high - low + 1))
        self.counts[half + low:half + high + 1] += both[0::2]
        self.counts[half - 1 - high:half - low] += both[1::2][::-1]


class RankWindows:
    """Value windows around the ``quantiles`` of each column, fed chunk by chunk with the columns'
    float64 values (all of them, from the first chunk on). A column's windows are the closed
    intervals around its first chunk's quantiles (WINDOW_SIGMAS standard errors of each, merged when
    they overlap); every later value is counted below, inside (collected) or above them. A column's
    windows are dropped when they would hold more than SELECT_COLLECT values each on average, all the
    columns' windows when they would hold more than WINDOW_BUDGET together."""

    def __init__(self, quantiles):
        self.quantiles = np.asarray(quantiles, dtype="float64")
        self.bounds, self.below, self.values, self.slots, self.size = {}, {}, {}, {}, {}
        self.dropped, self.full = set(), False

    def add(self, name, values):
        if self.full or name in self.dropped:
            return
        x = _finite(np.asarray(values, dtype="float64"))
        if not len(x):
            return
        if name not in self.bounds:
            self._open(name, x)
        bounds = self.bounds[name]
        slot, passed = np.zeros(len(x), dtype=np.uint8), np.empty(len(x), dtype=bool)
        for i, bound in enumerate(bounds):  # 2 i + 1: bounds[2 i] <= x <= bounds[2 i + 1] (<= 254)
            (np.greater if i % 2 else np.greater_equal)(x, bound, out=passed)
            np.add(slot, passed.view(np.uint8), out=slot)
        self.below[name] += np.bincount(slot, minlength=len(bounds) + 1)
        inside = (slot & 1).view(bool)
        self.values[name].append(x[inside])
        self.slots[name].append(slot[inside] >> 1)
        self.size[name] += int(inside.sum())
        if self.size[name] > SELECT_COLLECT * (len(bounds) // 2):
            self._drop(name)
        elif sum(self.size.values()) > WINDOW_BUDGET:
            self.full = True
            for other in list(self.bounds):
                self._drop(other)

    def _open(self, name, x):
        ordered = np.sort(x)
        m = len(ordered)
        half = WINDOW_SIGMAS * np.sqrt(self.quantiles * (1 - self.quantiles) / m) + 2.0 / m
        low = ordered[np.clip(np.floor((self.quantiles - half) * (m - 1)), 0, m - 1).astype(np.intp)]
        high = ordered[np.clip(np.ceil((self.quantiles + half) * (m - 1)), 0, m - 1).astype(np.intp)]
        merged = []
        for a, b in sorted(zip(low.tolist(), high.tolist())):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        if len(merged) > 127:  # slots are kept as uint8
            merged = [[merged[0][0], merged[-1][1]]]
        self.bounds[name] = np.array([v for pair in merged for v in pair], dtype="float64")
        self.below[name] = np.zeros(len(self.bounds[name]) + 1, dtype="int64")
        self.values[name], self.slots[name], self.size[name] = [], [], 0

    def _drop(self, name):
        self.dropped.add(name)
        for held in (self.bounds, self.below, self.values, self.slots, self.size):
            held.pop(name, None)

    def pick(self, name, ranks):
        """{rank: value} for the 0-based ``ranks`` of the column's finite values that lie in its
        windows (the others are not returned)."""
        if name not in self.bounds:
            return {}
        start = np.cumsum(self.below[name])  # start[2 i]: the values below window i
        values = np.concatenate(self.values[name])
        slots = np.concatenate(self.slots[name])
        picked = {}
        for i in range(len(self.bounds[name]) // 2):
            first, count = int(start[2 * i]), int(self.below[name][2 * i + 1])
            inside = [rank for rank in ranks if first <= rank < first + count]
            if inside:
                held = np.partition(values[slots == i], [rank - first for rank in inside])
                picked.update({rank: float(held[rank - first]) for rank in inside})
        return picked


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
    bucket: Optional[tuple] = None  # (bucket, shift): the key bucket the interval is, until narrowed

    def __post_init__(self):
        if self.smallest == self.largest:
            self.value = self.smallest


def _bucket_search(rank, keys, cumulative, smallest, largest):
    """The RankSearch of ``rank`` narrowed to the key bucket that holds it (KeyCounts ``keys``;
    ``cumulative``: the cumulative sums of their counts)."""
    counts, shift = keys.counts, keys.shift
    b = int(np.searchsorted(cumulative, rank, side="right"))
    first = _key_value(b << shift) if b else -np.inf                # smallest float of the bucket
    last = _key_value(((b + 1) << shift) - 1) if b + 1 < len(counts) else np.inf  # largest
    if last == 0.0:  # the bucket just below zero ends at -0.0, which would take in the zeros
        last = -float(np.nextafter(0.0, 1.0))
    lo, hi = max(first, smallest), min(last, largest)
    return RankSearch(rank, lo, hi, low=float(np.nextafter(lo, -np.inf)), high=hi,
                      start=int(cumulative[b - 1]) if b else 0, count=int(counts[b]), bucket=(b, shift))


@dataclass
class _Tally:
    """What one pass gathers for one search: a histogram of its interval, or its values."""
    collect: bool
    cuts: Optional[np.ndarray]
    counts: np.ndarray = field(default_factory=lambda: np.zeros(SELECT_BINS, dtype="int64"))
    values: List[np.ndarray] = field(default_factory=list)
    weights: List[np.ndarray] = field(default_factory=list)


def order_statistics(read_chunks, wanted, key_counts, windows=None):
    """{(column, rank): value} for ``wanted`` {column: (ranks, minimum, maximum)} of the finite values.
    ``read_chunks()``: a fresh iterator of DataFrame chunks on each call; ``key_counts``: {column:
    KeyCounts} of the same values (gathered in an earlier pass), ``windows`` (optional): {column:
    the RankWindows of that pass holding it}, whose ranks need no read. ``passes``: the reads it made."""
    searches, found = {}, {}
    for name, (ranks, low, high) in wanted.items():
        picked = windows[name].pick(name, ranks) if name in (windows or {}) else {}
        found.update({(name, rank): value for rank, value in picked.items()})
        ranks = [rank for rank in ranks if rank not in picked]
        if not ranks:
            continue
        cumulative = np.cumsum(key_counts[name].counts)
        searches.update({(name, rank): _bucket_search(rank, key_counts[name], cumulative, low, high)
                         for rank in ranks})
    passes = 0
    while any(s.value is None for s in searches.values()):
        _search_pass(read_chunks, {k: s for k, s in searches.items() if s.value is None})
        passes += 1
    found.update({key: s.value for key, s in searches.items()})
    return found, passes


def _collectable(searches):
    """Which open searches collect their values this pass: those of at most SELECT_COLLECT values
    (or after SELECT_MAX_PASSES narrowing passes), the smallest first, within SELECT_BUDGET values
    together (searches of the same interval share their values)."""
    chosen, used, seen = set(), 0, set()
    for key, s in sorted(searches.items(), key=lambda kv: kv[1].count):
        interval = (key[0], s.low, s.high)
        forced = s.passes >= SELECT_MAX_PASSES
        if interval in seen or forced or (s.count <= SELECT_COLLECT and used + s.count <= SELECT_BUDGET):
            chosen.add(key)
            used += 0 if interval in seen or forced else s.count
            seen.add(interval)
    return chosen


def _search_pass(read_chunks, searches):
    """One read: for each search, either collect the distinct values of its interval (low, high] and
    finish, or histogram the interval on SELECT_BINS bins between its known extremes. Searches of the
    same column and interval share one tally."""
    collect = _collectable(searches)
    tallies, of = {}, {}
    for key, s in searches.items():
        interval = (key[0], s.low, s.high)
        if interval not in tallies:
            tallies[interval] = _Tally(key in collect, None if key in collect
                                       else np.linspace(s.smallest, s.largest, SELECT_BINS + 1)[1:-1])
        of[key] = interval
    by_column = {}
    for interval, w in sorted(tallies.items(), key=lambda kv: kv[0][1]):  # disjoint intervals, in order
        by_column.setdefault(interval[0], []).append((interval, w))
    bucket_of = {(k[0], s.low, s.high): s.bucket for k, s in searches.items()}
    where = {name: _slots(parts, bucket_of) for name, parts in by_column.items()}
    for chunk in read_ahead(read_chunks()):
        if len(chunk) == 0:
            continue
        for name, parts in by_column.items():
            if name not in chunk.columns:
                continue
            x, slot = where[name](as_float(chunk[name]))
            for i, (_, w) in enumerate(parts):
                values = x[slot == i]
                if len(values) == 0:
                    continue
                if w.collect:  # distinct values with counts, as numpy arrays (16 bytes each)
                    uniques, counts = np.unique(values, return_counts=True)
                    w.values.append(uniques)
                    w.weights.append(counts)
                else:
                    w.counts += np.bincount(np.searchsorted(w.cuts, values, side="left"), minlength=SELECT_BINS)
    for key, s in searches.items():
        _narrow(s, tallies[of[key]])


def _slots(parts, bucket_of):
    """A function of a chunk's float64 values: (the finite values inside one of the disjoint, ordered
    intervals of ``parts``, the index of the interval of each). Key buckets are looked up in a table."""
    buckets = [bucket_of[interval] for interval, _ in parts]
    if all(b is not None for b in buckets):
        shift = buckets[0][1]
        table = np.full(1 << (64 - shift), -1, dtype="int16" if len(parts) < 2 ** 15 else "int64")  # <= 2 MiB
        table[[b for b, _ in buckets]] = np.arange(len(parts))

        def by_bucket(x):
            x = x + 0.0  # -0.0 as 0.0; NaN and infinities fall in buckets never looked for
            slot = table[value_keys(x) >> np.uint64(shift)]
            inside = slot >= 0
            return x[inside], slot[inside]
        return by_bucket
    bounds = np.array([b for (_, low, high), _ in parts for b in (low, high)])

    def by_interval(x):
        x = _finite(x)
        slot = np.searchsorted(bounds, x, side="left")  # 2 i + 1: x in (low_i, high_i]
        inside = (slot & 1).astype(bool)
        return x[inside], slot[inside] // 2
    return by_interval


def _narrow(s, w):
    """The search after one pass: its value found (collected), or its interval narrowed to one bin."""
    s.passes += 1
    s.bucket = None
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

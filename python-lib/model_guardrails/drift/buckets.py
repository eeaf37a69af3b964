"""Exact KS statistic and Wasserstein-1 distance of two large samples without sorting them (issue 19).

Sorting a million values costs far more than counting them. Both samples' finite values are
bucketed on one fine grid of equal-width buckets (a monotone map: every value of a bucket is below
every value of the next), counted with ``bincount``, and only the few buckets where the answer can
hide are sorted:

- KS: F − G at the end of each bucket is a value of F − G at a data point (the last one at or
  before it), so the largest of them, L, is a lower bound of D. Inside a bucket |F − G| cannot
  exceed its counts' bound; the buckets whose bound reaches L are sorted and read exactly, as
  numeric.ks_and_wasserstein does. D is the same float (the same count ratios).
- Wasserstein: ∫|F − G| over a bucket where F − G keeps one sign is |∫F − ∫G|, and ∫F over a
  bucket is (its width × the count before it + Σ (end − value) of its values) / n, from per-bucket
  sums; the buckets where F − G may change sign are sorted and integrated step by step. The value
  equals numeric.ks_and_wasserstein's up to floating-point summation order.

When the grid separates the values badly (a few distinct values, extreme outliers), too many
buckets would need sorting: :func:`ks_and_wasserstein` returns None and the caller sorts.
"""
import numpy as np

MIN_ROWS = 100_000      # below this, sorting both samples is as fast
N_BUCKETS = 1 << 16     # grid buckets between the robust low and high (plus one below, one above)
SAMPLE = 8192           # values per side to choose the grid's range
TRIM = 0.001            # the grid spans the [TRIM, 1 - TRIM] quantiles of that sample
# share of the values that may be sorted before sorting everything is cheaper: sorting a quarter of the
# values inside their buckets costs ~0.12 s at 1M a side, sorting and merging everything ~0.43 s (issue 19;
# two identical distributions make F − G change sign in many buckets)
MAX_REFINED = 0.5
MARGIN = 1e-9           # floating-point slack of the bounds (counts / n are exact to ~1e-16)


def _grid(ref, cur):
    """(low, scale) of the equal-width grid, or None when the sample has no spread."""
    sample = np.concatenate((ref[:: max(1, len(ref) // SAMPLE)], cur[:: max(1, len(cur) // SAMPLE)]))
    k = int(TRIM * (len(sample) - 1))
    part = np.partition(sample, [k, len(sample) - 1 - k])
    low, high = float(part[k]), float(part[len(sample) - 1 - k])
    if not high > low or not np.isfinite(high - low):
        return None
    scale = N_BUCKETS / (high - low)
    return (low, scale) if np.isfinite(scale) else None  # a spread below ~4e-304: the sorted path


def _bucket(values, low, scale):
    """(bucket, value − low) of each value; bucket 0 below low, 1..N_BUCKETS on the grid,
    N_BUCKETS + 1 at and above its high end (a monotone map: rounding never reorders two values).
    Sums are taken of value − low: no cancellation when the values sit far from 0."""
    offset = values - low
    index = offset * scale
    index += 1.0
    np.clip(index, 0.0, N_BUCKETS + 1, out=index)
    return index.astype(np.int64), offset


class Grid:
    """Both samples (arrays of finite values, unsorted, n >= 1 each) counted on one bucket grid.
    ``ok``: False when the values have no spread to build it (then sort)."""

    def __init__(self, ref, cur):
        self.ref, self.cur = ref, cur
        grid = _grid(ref, cur)
        self.ok = grid is not None
        if not self.ok:
            return
        self.low, self.scale = grid
        size = N_BUCKETS + 2
        self.ref_bucket, ref_offset = _bucket(ref, self.low, self.scale)
        self.count_r = np.bincount(self.ref_bucket, minlength=size)
        self.sum_r = np.bincount(self.ref_bucket, weights=ref_offset, minlength=size)
        self.cur_bucket, cur_offset = _bucket(cur, self.low, self.scale)
        self.count_c = np.bincount(self.cur_bucket, minlength=size)
        self.sum_c = np.bincount(self.cur_bucket, weights=cur_offset, minlength=size)
        self.offset_range = (min(float(ref_offset.min()), float(cur_offset.min())),
                             max(float(ref_offset.max()), float(cur_offset.max())))
        self.upto_r, self.upto_c = np.cumsum(self.count_r), np.cumsum(self.count_c)  # this bucket or before
        self.before_r, self.before_c = self.upto_r - self.count_r, self.upto_c - self.count_c

    def order_statistics(self, ranks):
        """{rank: value} of the reference's order statistics (0-based ranks): only the buckets
        that hold them are sorted."""
        ranks = np.array(sorted(ranks), dtype=np.int64)
        if len(ranks) == 0:
            return {}
        bucket = np.searchsorted(self.upto_r, ranks, side="right")  # before_r <= rank < upto_r
        need = np.zeros(len(self.count_r), dtype=bool)
        need[bucket] = True
        values = self.ref[need[self.ref_bucket]]
        values.sort()
        gathered = self.count_r * need
        position = ranks - self.before_r[bucket] + (np.cumsum(gathered) - gathered)[bucket]
        return dict(zip(ranks.tolist(), values[position].tolist()))

    def ks_and_wasserstein(self):
        """(KS statistic, Wasserstein-1 distance), or None when too much would need sorting."""
        ref, cur, n, m = self.ref, self.cur, len(self.ref), len(self.cur)
        count_r, count_c, upto_r, upto_c = self.count_r, self.count_c, self.upto_r, self.upto_c
        before_r, before_c = self.before_r, self.before_c
        end_gap = np.abs(upto_r / n - upto_c / m)                 # F − G after each bucket's last value
        high_diff = upto_r / n - before_c / m                      # F − G within the bucket lies in
        low_diff = before_r / n - upto_c / m                       # [low_diff, high_diff]
        bound = np.maximum(high_diff, -low_diff)
        lower = float(end_gap.max())
        filled = (count_r + count_c) > 0
        refine = filled & ((bound >= lower - MARGIN) | ((low_diff < MARGIN) & (high_diff > -MARGIN)))
        n_refined = int(count_r[refine].sum() + count_c[refine].sum())
        if n_refined > MAX_REFINED * (n + m):
            return None

        # bucket spans (as offsets from low): the grid's edges, the outer buckets out to the extremes
        edges = np.arange(N_BUCKETS + 1) / self.scale
        start = np.concatenate(([min(self.offset_range[0], 0.0)], edges))
        end = np.concatenate((edges, [max(self.offset_range[1], float(edges[-1]))]))
        width = end - start
        sum_r, sum_c = self.sum_r, self.sum_c
        definite = filled & ~refine
        integral = (before_r * width + count_r * end - sum_r) / n - (before_c * width + count_c * end - sum_c) / m
        gap_before = np.abs(before_r / n - before_c / m)  # empty buckets: F − G is constant over them
        wasserstein = float(np.sum(np.abs(integral[definite])) + np.sum((gap_before * width)[~filled]))
        d = lower
        if n_refined:
            d_refined, w_refined = _refined(ref[refine[self.ref_bucket]], cur[refine[self.cur_bucket]], self.low,
                                            self.scale, before_r, before_c, count_r * refine, count_c * refine,
                                            start, end, n, m)
            d = max(d, d_refined)
            wasserstein += w_refined
        return d, wasserstein


def ks_and_wasserstein(ref, cur):
    """(KS statistic, Wasserstein-1 distance) of two arrays of finite values (unsorted, n >= 1
    each), or None when the grid cannot be built or would leave too much to sort."""
    grid = Grid(ref, cur)
    return grid.ks_and_wasserstein() if grid.ok else None


def _refined(ref, cur, low, scale, before_r, before_c, gathered_r, gathered_c, start, end, n, m):
    """(largest |F − G| at a run end, ∫|F − G|) over the refined buckets, from their values sorted."""
    ref.sort()
    cur.sort()
    both = np.concatenate((ref, cur))
    order = np.argsort(both, kind="stable")
    merged = both[order]
    bucket, position = _bucket(merged, low, scale)  # positions as offsets from low, as the spans
    # values of each side at or before a merged value: the gathered ones so far, plus those of the
    # buckets not gathered before its bucket
    gathered_before_r = np.cumsum(gathered_r) - gathered_r
    gathered_before_c = np.cumsum(gathered_c) - gathered_c
    count_r = np.cumsum(order < len(ref)) + (before_r - gathered_before_r)[bucket]
    count_c = np.arange(1, len(merged) + 1) - np.cumsum(order < len(ref)) + (before_c - gathered_before_c)[bucket]
    gaps = np.abs(count_r / n - count_c / m)
    run_ends = np.append(merged[1:] != merged[:-1], True)
    d = float(gaps[run_ends].max())
    # ∫ over each refined bucket: from its start to its first value at the gap before it, then step by step
    first = np.append(True, bucket[1:] != bucket[:-1])
    last = np.append(bucket[1:] != bucket[:-1], True)
    following = np.append(position[1:], 0.0)
    following[last] = end[bucket[last]]
    steps = np.sum(gaps * (following - position))
    lead_bucket = bucket[first]
    lead = np.abs(before_r[lead_bucket] / n - before_c[lead_bucket] / m) * (position[first] - start[lead_bucket])
    return d, float(steps + np.sum(lead))

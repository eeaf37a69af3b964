"""Drift metrics of a numeric feature, ``default`` convention.

Small samples: each side is sorted once; KS, Wasserstein and the PSI bins all read the sorted
arrays. Large samples (buckets.MIN_ROWS values) are not sorted: the edges' order statistics, KS
and Wasserstein come from one bucket grid (buckets.py), the bins from counts; exact.
Missing values (NaN, and +/-inf under ``default``) form their own bin in the binned metrics
(PSI, JS, Hellinger, KL) and are left out of KS and Wasserstein, which compare values.
"""
import numpy as np
import pandas as pd

from ..stats.pvalues import kstwo_sf
from . import buckets, distances, distribution
from .mass import mass_values

PSI_FLOOR = 0.001  # empty-bin proportion, as DSS's drift analysis
KS_EXACT_MAX_N = 10000  # scipy ks_2samp(method="auto") uses the exact distribution up to here


class Sample:
    """One side of a numeric feature: its finite values (``sorted``: sorted, on first use) and the
    missing count. ``sort=False`` leaves ``values`` in any order until ``sorted`` is read."""

    def __init__(self, values, sort=True):
        values = np.asarray(pd.Series(values).astype("float64", copy=False).to_numpy())
        finite = np.isfinite(values)
        self.total = len(values)
        self.values = values[finite]  # a copy: sorting it in place leaves the caller's data alone
        self.missing = self.total - len(self.values)
        self.is_sorted = False
        if sort:
            self.values.sort()
            self.is_sorted = True

    @property
    def sorted(self):
        if not self.is_sorted:
            self.values.sort()
            self.is_sorted = True
        return self.values

    @property
    def n(self):
        return len(self.values)


def _interpolation(n, n_bins):
    """Per interior edge k / n_bins: the 0-based ranks of the two order statistics numpy's linear
    interpolation reads, and the weight of the upper one as the exact fraction (numerator, n_bins).
    The position (n - 1) k / n_bins is computed in integers: in floating point (n - 1) * (k / n_bins)
    can fall a hair below a whole rank (90 * 0.7 = 62.99999999999999), which made the edge a hair
    below a data value, and that value one bin higher than the exact quantile puts it."""
    positions = [(n - 1) * k for k in range(1, n_bins)]
    below = [p // n_bins for p in positions]
    above = [min(b + 1, n - 1) for b in below]
    return [p % n_bins for p in positions], below, above


def edge_ranks(n, n_bins):
    """The 0-based ranks of the order statistics of ``n`` finite values that the quantile edges need
    (every engine: sorted in memory, searched over chunks, sorted by Spark)."""
    if n == 0:
        return set()
    _, below, above = _interpolation(n, n_bins)
    return set(below) | set(above)


def _exact(edge, low, high):
    """An interpolated edge that equals one of its two order statistics up to floating-point error
    (a few units in the last place) is that value."""
    for value in (low, high):
        if abs(edge - value) <= 4 * np.spacing(abs(value)):
            return value
    return edge


def edges_from_order_statistics(n, n_bins, values):
    """Interior edges at the k/n_bins quantiles of ``n`` finite values (linear interpolation, as
    numpy's default), duplicates removed; outer edges are open (-inf, +inf). ``values``: rank ->
    value for the ranks of :func:`edge_ranks` (the sorted array itself in memory). Each edge is
    numpy's interpolation between its two order statistics with the exact weight; a whole position
    is the order statistic itself, and an edge within floating-point error of a data value is that
    value (:func:`_exact`), so that every engine gets the same edges and a value equal to an edge
    falls in the bin the exact quantile puts it in."""
    if n == 0:
        return np.array([])
    remainders, below, above = _interpolation(n, n_bins)
    edges = []
    for r, b, a in zip(remainders, below, above):
        low, high = float(values[b]), float(values[a])
        if r == 0 or low == high:
            edges.append(low)
        else:
            edges.append(_exact(float(np.quantile(np.array([low, high]), r / n_bins)), low, high))
    # + 0.0 turns -0.0 into 0.0: which zero an order statistic is depends on the sort, not the data
    return np.unique(np.asarray(edges, dtype="float64") + 0.0)


def quantile_edges(sorted_values, n_bins):
    """The quantile edges of sorted finite values (:func:`edges_from_order_statistics`)."""
    return edges_from_order_statistics(len(sorted_values), n_bins, sorted_values)


def ks_pvalue_asymptotic(d, n_ref, n_cur):
    """scipy's ks_2samp(method="auto") p-value above KS_EXACT_MAX_N: kstwo.sf(d, round(m n / (m + n)))."""
    m, n = sorted([float(n_ref), float(n_cur)], reverse=True)
    return float(np.clip(kstwo_sf(d, np.round(m * n / (m + n))), 0, 1))


def ks_and_wasserstein(ref, cur):
    """KS statistic and p-value (as scipy.stats.ks_2samp, method auto) and the Wasserstein-1
    distance (as scipy.stats.wasserstein_distance), from the sorted samples.

    One stable merge of the two sorted samples gives both empirical CDFs by cumulative counts;
    inside a run of tied values the CDF gap is multiplied by a zero width (Wasserstein) or not
    evaluated (KS, which reads the end of each run), so the sums equal scipy's term by term."""
    both = np.concatenate((ref.sorted, cur.sorted))
    order = np.argsort(both, kind="stable")
    merged = both[order]
    count_ref = np.cumsum(order < ref.n)
    gaps = np.abs(count_ref / ref.n - (np.arange(1, len(merged) + 1) - count_ref) / cur.n)
    run_ends = np.append(merged[1:] != merged[:-1], True)
    d = float(gaps[run_ends].max())
    wasserstein = float(np.sum(gaps[:-1] * np.diff(merged)))
    return d, ks_pvalue(d, ref.n, cur.n, ref, cur), wasserstein


def ks_pvalue(d, n_ref, n_cur, ref=None, cur=None):
    """ks_2samp's p-value (method auto): the exact distribution up to KS_EXACT_MAX_N values a side
    (from the Samples ``ref`` and ``cur``), else the asymptotic one."""
    if max(n_ref, n_cur) <= KS_EXACT_MAX_N:
        from scipy import stats

        return float(stats.ks_2samp(ref.sorted, cur.sorted, method="auto").pvalue)
    return ks_pvalue_asymptotic(d, n_ref, n_cur)


def numeric_metrics(reference, current, psi_bins):
    """The :class:`~.distribution.Measured` metrics of one numeric feature. Large samples are not
    sorted (buckets.py): the edges' order statistics, KS and Wasserstein from one bucket grid."""
    ref, cur = Sample(reference, sort=False), Sample(current, sort=False)
    grid = None
    if ref.n + cur.n >= buckets.MIN_ROWS and ref.n and cur.n:
        grid = buckets.Grid(ref.values, cur.values)
    if grid is not None and grid.ok:
        edges = edges_from_order_statistics(ref.n, psi_bins, grid.order_statistics(edge_ranks(ref.n, psi_bins)))
    else:
        edges = quantile_edges(ref.sorted, psi_bins)
    out = binned_metrics(bin_counts(ref, edges), ref.total, bin_counts(cur, edges), cur.total, edges=edges)
    if ref.n == 0 or cur.n == 0:
        out.values.update(no_values(ref.n, cur.n))
        return out
    found = grid.ks_and_wasserstein() if grid is not None and grid.ok else None
    if found is None:
        d, pvalue, wasserstein = ks_and_wasserstein(ref, cur)
    else:
        (d, wasserstein), pvalue = found, ks_pvalue(found[0], ref.n, cur.n)
    out.values["ks_statistic"] = (d, "")
    out.values["ks_pvalue"] = (pvalue, "")
    out.values["wasserstein"] = (wasserstein, "")
    out.values["wasserstein_norm"] = normalised(wasserstein, float(np.std(ref.values)))
    return out


def bin_counts(sample, edges):
    """Counts of the bins (-inf, e1], (e1, e2], ..., (ek, inf), then the missing count."""
    if not sample.is_sorted:  # values at or below each edge, counted without sorting
        cuts = np.array([np.count_nonzero(sample.values <= e) for e in edges], dtype="int64")
        counts = np.diff(np.concatenate(([0], cuts, [sample.n])))
        return np.append(counts, sample.missing)
    cuts = np.searchsorted(sample.sorted, edges, side="right")
    counts = np.diff(np.concatenate(([0], cuts, [sample.n])))
    return np.append(counts, sample.missing)


def binned_metrics(ref_counts, ref_total, cur_counts, cur_total, reason="", edges=None):
    """Missing shares and the binned distances from bin counts (missing last) of both sides:
    the in-memory and the streaming engines both end here, so their values are identical. With
    the interior ``edges``, the counts go with the values, for the report (a Measured)."""
    p, q = ref_counts / ref_total, cur_counts / cur_total
    values = {
        "missing_share_reference": (ref_counts[-1] / ref_total, ""),
        "missing_share_current": (cur_counts[-1] / cur_total, ""),
        "psi": (distances.psi(distances.floor_zeros(p, PSI_FLOOR), distances.floor_zeros(q, PSI_FLOOR)), reason),
        "kl_divergence": (distances.kl_divergence(*renormalised_floor(p, q)), reason),
        "js_distance": (distances.js_distance(p, q, base=2), reason),
        "hellinger": (distances.hellinger(p, q), reason),
    }
    values.update(mass_values(ref_counts, cur_counts, reason))
    binned = None if edges is None else distribution.numeric(
        edges, ref_counts, cur_counts, ref_total, cur_total,
        "{} bins at reference quantiles, open outer edges".format(len(edges) + 1))
    return distribution.Measured(values, binned)


def no_values(n_ref, n_cur):
    side = "reference" if n_ref == 0 else "current"
    reason = "no non-missing values in the {} dataset".format(side)
    return {name: (None, reason) for name in ("ks_statistic", "ks_pvalue", "wasserstein", "wasserstein_norm")}


def normalised(wasserstein, std, reason=""):
    if std > 0:
        return wasserstein / std, reason
    return None, "reference standard deviation is 0 (constant column): normalised Wasserstein is undefined"


def renormalised_floor(p, q):
    """KL needs no empty bins: floor them at PSI_FLOOR and renormalise, so KL stays >= 0."""
    p, q = distances.floor_zeros(p, PSI_FLOOR), distances.floor_zeros(q, PSI_FLOOR)
    return p / p.sum(), q / q.sum()

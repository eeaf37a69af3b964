"""Drift metrics of a numeric feature, ``default`` convention.

Each side is sorted once; KS, Wasserstein and the PSI bins all read the sorted arrays.
Missing values (NaN, and +/-inf under ``default``) form their own bin in the binned metrics
(PSI, JS, Hellinger, KL) and are left out of KS and Wasserstein, which compare values.
"""
import numpy as np
import pandas as pd
from scipy import stats

from . import distances, distribution

PSI_FLOOR = 0.001  # empty-bin proportion, as DSS's drift analysis
KS_EXACT_MAX_N = 10000  # scipy ks_2samp(method="auto") uses the exact distribution up to here


class Sample:
    """One side of a numeric feature: sorted finite values and the missing count."""

    def __init__(self, values):
        values = pd.Series(values).astype("float64").to_numpy()
        finite = np.isfinite(values)
        self.total = len(values)
        self.sorted = np.sort(values[finite])
        self.missing = self.total - len(self.sorted)

    @property
    def n(self):
        return len(self.sorted)


def quantile_edges(sorted_values, n_bins):
    """Interior edges at the reference's k/n_bins quantiles (linear interpolation, as numpy's
    default), duplicates removed; outer edges are open (-inf, +inf)."""
    if len(sorted_values) == 0:
        return np.array([])
    qs = np.arange(1, n_bins) / n_bins
    return np.unique(np.quantile(sorted_values, qs))


def binned_counts(sample, edges):
    """Counts of the bins (-inf, e1], (e1, e2], ..., (ek, inf), missing."""
    cuts = np.searchsorted(sample.sorted, edges, side="right")
    counts = np.diff(np.concatenate(([0], cuts, [sample.n])))
    return np.append(counts, sample.missing)


def binned_proportions(sample, edges):
    """Proportions over all rows of the bins (-inf, e1], (e1, e2], ..., (ek, inf), missing."""
    return binned_counts(sample, edges) / sample.total


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
    if max(ref.n, cur.n) <= KS_EXACT_MAX_N:
        pvalue = float(stats.ks_2samp(ref.sorted, cur.sorted, method="auto").pvalue)
    else:
        m, n = sorted([float(ref.n), float(cur.n)], reverse=True)
        pvalue = float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0, 1))
    return d, pvalue, wasserstein


def numeric_metrics(reference, current, psi_bins, distribution_out=None):
    """{metric: (value or None, reason)} for one numeric feature. ``distribution_out``: a list that
    receives the binned counts (:class:`.distribution.Distribution`) of the PSI bins."""
    ref, cur = Sample(reference), Sample(current)
    out = {
        "missing_share_reference": (ref.missing / ref.total, ""),
        "missing_share_current": (cur.missing / cur.total, ""),
    }
    edges = quantile_edges(ref.sorted, psi_bins)
    ref_counts, cur_counts = binned_counts(ref, edges), binned_counts(cur, edges)
    p, q = ref_counts / ref.total, cur_counts / cur.total
    if distribution_out is not None:
        distribution_out.append(distribution.numeric(
            edges, ref_counts, cur_counts, ref.total, cur.total,
            "{} bins at reference quantiles (psi_bins {}), open outer edges".format(len(edges) + 1, psi_bins)))
    out["psi"] = (distances.psi(distances.floor_zeros(p, PSI_FLOOR), distances.floor_zeros(q, PSI_FLOOR)), "")
    out["kl_divergence"] = (distances.kl_divergence(*_renormalised_floor(p, q)), "")
    out["js_distance"] = (distances.js_distance(p, q, base=2), "")
    out["hellinger"] = (distances.hellinger(p, q), "")
    if ref.n == 0 or cur.n == 0:
        side = "reference" if ref.n == 0 else "current"
        reason = "no non-missing values in the {} dataset".format(side)
        for name in ("ks_statistic", "ks_pvalue", "wasserstein", "wasserstein_norm"):
            out[name] = (None, reason)
        return out
    d, pvalue, wasserstein = ks_and_wasserstein(ref, cur)
    out["ks_statistic"] = (d, "")
    out["ks_pvalue"] = (pvalue, "")
    out["wasserstein"] = (wasserstein, "")
    std = float(np.std(ref.sorted))
    out["wasserstein_norm"] = ((wasserstein / std, "") if std > 0 else
                               (None, "reference standard deviation is 0 (constant column): "
                                      "normalised Wasserstein is undefined"))
    return out


def _renormalised_floor(p, q):
    """KL needs no empty bins: floor them at PSI_FLOOR and renormalise, so KL stays >= 0."""
    p, q = distances.floor_zeros(p, PSI_FLOOR), distances.floor_zeros(q, PSI_FLOOR)
    return p / p.sum(), q / q.sum()

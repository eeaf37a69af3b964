"""The ``evidently`` convention: the numbers of Evidently 0.7's drift stat tests
(``evidently.legacy.calculations.stattests``), reproduced step by step from its source; see
docs/evidently-convention-notes.md. Verified against Evidently 0.7.23 itself
(tests/reference/evidently_drift.json).

Evidently turns +/-inf into NaN and drops missing values before any test, so every proportion
here is over the non-missing values; missing shares are still reported in their own rows.
"""
import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

from . import distribution
from .metrics import NUMERIC
from .numeric import Sample, ks_and_wasserstein

DISTINCT_VALUE_BINS_MAX = 20  # numeric columns with at most this many reference values: a bin per value
STD_FLOOR = 0.001


def _clean(series):
    return series.replace([np.inf, -np.inf], np.nan).dropna()


def _fill_zeros(proportions):
    """Each side on its own: empty bins get 1e-4, or min non-zero / 1e6 when that is <= 1e-4."""
    smallest = proportions[proportions != 0].min()
    eps = smallest / 10 ** 6 if smallest <= 0.0001 else 0.0001
    return np.where(proportions == 0, eps, proportions)


def binned(ref, cur, numeric, bins_out=None):
    """Proportions of Evidently's get_binned_data (without zero fill). ``bins_out``: a dict that
    receives the bin ``edges`` (histogram) or ``keys`` (one bin per value)."""
    if numeric and ref.nunique() > DISTINCT_VALUE_BINS_MAX:
        edges = np.histogram_bin_edges(np.asarray(pd.concat([ref, cur]).values), bins="sturges")
        if bins_out is not None:
            bins_out["edges"] = edges
        return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur)
    keys = list(set(ref.unique()) | set(cur.unique()))
    if bins_out is not None:
        bins_out["keys"] = keys
    ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
    return (ref_counts.reindex(keys, fill_value=0).to_numpy() / len(ref),
            cur_counts.reindex(keys, fill_value=0).to_numpy() / len(cur))


def hellinger(ref, cur, numeric):
    if not numeric:
        p, q = binned(ref, cur, numeric=False)
        bc = float(np.clip(np.sum(np.sqrt(p * q)), 0, 1))
        return float(np.sqrt(1 - bc))
    # Sturges over the distinct values, not the data (Evidently passes a list of the union of
    # both sides' values; only their count, range and dtype matter, which union1d keeps)
    edges = np.histogram_bin_edges(np.union1d(ref.to_numpy(), cur.to_numpy()), bins="sturges")
    h_ref = np.histogram(ref, edges, density=True)[0]
    h_cur = np.histogram(cur, edges, density=True)[0]
    width = (edges.max() - edges.min()) / (len(edges) - 1)
    bc = float(np.clip(np.sum(np.sqrt(h_ref * h_cur)) * width, 0, 1))
    return float(np.sqrt(1 - bc))


def chisquare(ref, cur):
    """Goodness of fit of current counts to reference proportions (reference taken as exact)."""
    keys = list(set(ref.unique()) | set(cur.unique()))
    f_obs = cur.value_counts().reindex(keys, fill_value=0).to_numpy()
    f_exp = ref.value_counts().reindex(keys, fill_value=0).to_numpy() * (len(cur) / len(ref))
    if len(keys) < 2:
        reason = "a single category on both sides: the chi-square test needs two"
        return (None, reason), (None, reason)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic, pvalue = stats.chisquare(f_obs, f_exp)
    if not np.isfinite(statistic):
        return (None, "infinite: current has categories absent from the reference"), (float(pvalue), "")
    return (float(statistic), ""), (float(pvalue), "")


def _distribution(bins, ref_counts, cur_counts, ref, cur, raw_ref, raw_cur, numeric):
    """The bins above plus the missing values Evidently drops, for the report."""
    missing = (len(raw_ref) - len(ref), len(raw_cur) - len(cur))
    n = (len(raw_ref), len(raw_cur))
    if "edges" in bins:
        edges = bins["edges"]
        labels = ["{:.3g} – {:.3g}".format(a, b) for a, b in zip(edges[:-1], edges[1:])] + ["(missing)"]
        kinds = [distribution.VALUE] * (len(labels) - 1) + [distribution.MISSING]
        return distribution.Distribution(
            "", NUMERIC, labels, kinds, list(ref_counts) + [missing[0]], list(cur_counts) + [missing[1]], *n,
            edges=[float(e) for e in edges], binning="Sturges histogram over reference and current values")
    keys = bins["keys"]
    seen = set(ref.unique())
    if numeric:
        order = sorted(range(len(keys)), key=lambda i: keys[i])
        labels = ["{:.4g}".format(keys[i]) for i in order] + ["(missing)"]
        kinds = [distribution.VALUE if keys[i] in seen else distribution.UNSEEN for i in order]
        return distribution.Distribution(
            "", NUMERIC, labels, kinds + [distribution.MISSING], [float(ref_counts[i]) for i in order] + [missing[0]],
            [float(cur_counts[i]) for i in order] + [missing[1]], *n,
            binning="one bin per distinct value (at most {} in the reference)".format(DISTINCT_VALUE_BINS_MAX))
    in_ref = np.array([k in seen for k in keys], dtype=bool)
    unseen = float(cur_counts[~in_ref].sum())
    return distribution.categorical([k for k, s in zip(keys, in_ref) if s], ref_counts[in_ref], cur_counts[in_ref],
                                    0.0, unseen, unseen, missing[0], missing[1], "one bin per category")


def feature_metrics(feature):
    """The :class:`~.distribution.Measured` metrics of one feature, Evidently's way, with the binned
    counts of the bins used (plus the missing values) for the report."""
    numeric = feature.type == NUMERIC
    raw_ref, raw_cur = feature.reference, feature.current
    ref, cur = _clean(raw_ref), _clean(raw_cur)
    out = {
        "missing_share_reference": (1 - len(ref) / len(raw_ref), ""),
        "missing_share_current": (1 - len(cur) / len(raw_cur), ""),
    }
    if not numeric:
        out["unseen_share"] = (float((~cur.isin(set(ref.unique()))).sum()) / len(raw_cur), "")
    if len(ref) == 0 or len(cur) == 0:
        reason = "no non-missing values in the {} dataset (Evidently drops missing and infinite values)".format(
            "reference" if len(ref) == 0 else "current")
        for name in ("psi", "js_distance", "kl_divergence", "hellinger", "ks_statistic", "ks_pvalue",
                     "wasserstein", "wasserstein_norm", "chi2_statistic", "chi2_pvalue"):
            out[name] = (None, reason)
        return distribution.Measured(out)
    bins = {}
    p, q = binned(ref, cur, numeric, bins)
    counts = _distribution(bins, np.round(p * len(ref)), np.round(q * len(cur)), ref, cur, raw_ref, raw_cur, numeric)
    p_filled, q_filled = _fill_zeros(p), _fill_zeros(q)
    out["psi"] = (float(np.sum((p_filled - q_filled) * np.log(p_filled / q_filled))), "")
    out["kl_divergence"] = (float(stats.entropy(p_filled, q_filled)), "")
    out["js_distance"] = (float(jensenshannon(p, q)), "")  # natural log, no zero fill
    out["hellinger"] = (hellinger(ref, cur, numeric), "")
    if numeric:
        d, pvalue, wasserstein = ks_and_wasserstein(Sample(ref), Sample(cur))
        out["ks_statistic"], out["ks_pvalue"] = (d, ""), (pvalue, "")
        out["wasserstein"] = (wasserstein, "")
        out["wasserstein_norm"] = (wasserstein / max(float(np.std(ref.to_numpy())), STD_FLOOR), "")
    else:
        out["chi2_statistic"], out["chi2_pvalue"] = chisquare(ref, cur)
    return distribution.Measured(out, counts)


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


def binned(ref, cur, numeric):
    """Proportions of Evidently's get_binned_data (without zero fill)."""
    if numeric and ref.nunique() > DISTINCT_VALUE_BINS_MAX:
        edges = np.histogram_bin_edges(np.asarray(pd.concat([ref, cur]).values), bins="sturges")
        return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur)
    keys = list(set(ref.unique()) | set(cur.unique()))
    ref_counts, cur_counts = ref.value_counts(), cur.value_counts()
    return (ref_counts.reindex(keys, fill_value=0).to_numpy() / len(ref),
            cur_counts.reindex(keys, fill_value=0).to_numpy() / len(cur))


def hellinger(ref, cur, numeric):
    if not numeric:
        p, q = binned(ref, cur, numeric=False)
        bc = float(np.clip(np.sum(np.sqrt(p * q)), 0, 1))
        return float(np.sqrt(1 - bc))
    keys = list(set(ref.unique()) | set(cur.unique()))
    edges = np.histogram_bin_edges(keys, bins="sturges")  # Sturges over distinct values, not data
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


def feature_metrics(feature):
    """{metric: (value or None, reason)} for one feature, Evidently's way."""
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
        return out
    p, q = binned(ref, cur, numeric)
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
    return out


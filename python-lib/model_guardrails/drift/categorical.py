"""Drift metrics of a categorical feature, ``default`` convention.

Reference categories beyond the ``max_categories`` most frequent, and current categories never
seen in the reference, are pooled into ``__other__``; missing values are their own bin.
"""
import numpy as np
from scipy import stats

from . import distances, distribution
from .numeric import PSI_FLOOR, _renormalised_floor

OTHER, MISSING = "__other__", "(missing)"


def category_counts(reference, current, max_categories, kept_out=None):
    """Aligned count vectors (reference, current) over kept categories + __other__ + missing,
    the unseen count and a note when pooling happened. ``kept_out``: a list that receives the
    kept categories, in vector order."""
    ref_counts = reference.value_counts(dropna=True)
    cur_counts = current.value_counts(dropna=True)
    # most frequent first, ties by name: the kept set does not depend on row order
    ranked = sorted(ref_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = [k for k, _ in ranked[:max_categories]]
    if kept_out is not None:
        kept_out.extend(kept)
    pooled = len(ranked) - len(kept)
    unseen = int(cur_counts[~cur_counts.index.isin(ref_counts.index)].sum())
    ref_kept = ref_counts.reindex(kept, fill_value=0).to_numpy()
    cur_kept = cur_counts.reindex(kept, fill_value=0).to_numpy()
    ref_vec = np.concatenate((ref_kept, [ref_counts.sum() - ref_kept.sum(), reference.isna().sum()]))
    cur_vec = np.concatenate((cur_kept, [cur_counts.sum() - cur_kept.sum(), current.isna().sum()]))
    note = ("pooled {} reference categories beyond the {} most frequent into {}".format(
        pooled, max_categories, OTHER) if pooled else "")
    return ref_vec.astype("float64"), cur_vec.astype("float64"), unseen, note


def categorical_metrics(reference, current, max_categories, distribution_out=None):
    """{metric: (value or None, reason)} for one categorical feature. ``distribution_out``: a list
    that receives the binned counts (:class:`.distribution.Distribution`) of the category bins."""
    kept = []
    ref_vec, cur_vec, unseen, note = category_counts(reference, current, max_categories, kept)
    n_ref, n_cur = len(reference), len(current)
    p, q = ref_vec / n_ref, cur_vec / n_cur
    out = {
        "missing_share_reference": (ref_vec[-1] / n_ref, ""),
        "missing_share_current": (cur_vec[-1] / n_cur, ""),
        "unseen_share": (unseen / n_cur, ""),
        "psi": (distances.psi(distances.floor_zeros(p, PSI_FLOOR), distances.floor_zeros(q, PSI_FLOOR)), note),
        "kl_divergence": (distances.kl_divergence(*_renormalised_floor(p, q)), note),
        "js_distance": (distances.js_distance(p, q, base=2), note),
        "hellinger": (distances.hellinger(p, q), note),
    }
    if distribution_out is not None:
        distribution_out.append(distribution.categorical(
            kept, ref_vec[:-2], cur_vec[:-2], ref_vec[-2], cur_vec[-2], unseen, ref_vec[-1], cur_vec[-1],
            "one bin per reference category (the {} most frequent), {}, missing".format(max_categories, OTHER)))
    table = np.vstack((ref_vec, cur_vec))
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        reason = "a single category (missing included) on both sides: the chi-square test needs two"
        out["chi2_statistic"] = out["chi2_pvalue"] = (None, reason)
    else:
        result = stats.chi2_contingency(table)
        out["chi2_statistic"] = (float(result[0]), note)
        out["chi2_pvalue"] = (float(result[1]), note)
    return out

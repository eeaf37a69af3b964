"""Drift metrics of a categorical feature, ``default`` convention.

Reference categories beyond the ``max_categories`` most frequent, and current categories never
seen in the reference, are pooled into ``__other__``; missing values are their own bin.
"""
import numpy as np

from ..stats.pvalues import chi2_independence
from . import distances, distribution
from .mass import mass_values, pooled_category_counts, top_ranked
from .numeric import PSI_FLOOR, renormalised_floor

OTHER, MISSING = "__other__", "(missing)"


def category_counts(reference, current, max_categories):
    """Aligned count vectors (reference, current) over kept categories + __other__ + missing,
    the unseen count, a note when pooling happened and the kept categories."""
    return aligned_counts(reference.value_counts(dropna=True), current.value_counts(dropna=True),
                          int(reference.isna().sum()), int(current.isna().sum()), max_categories)


def aligned_counts(ref_counts, cur_counts, ref_missing, cur_missing, max_categories):
    """category_counts from per-category counts (Series: category -> count) and missing counts; last,
    the count vectors of the decision's bins (mass.pooled_category_counts)."""
    # most frequent first, ties by name: the kept set does not depend on row order
    labels = np.asarray(ref_counts.index, dtype=object)
    kept = labels[top_ranked(labels, ref_counts.to_numpy("float64"), max_categories)].tolist()
    pooled = len(labels) - len(kept)
    unseen = int(cur_counts[~cur_counts.index.isin(ref_counts.index)].sum())
    ref_kept = ref_counts.reindex(kept, fill_value=0).to_numpy()
    cur_kept = cur_counts.reindex(kept, fill_value=0).to_numpy()
    ref_vec = np.concatenate((ref_kept, [ref_counts.sum() - ref_kept.sum(), ref_missing]))
    cur_vec = np.concatenate((cur_kept, [cur_counts.sum() - cur_kept.sum(), cur_missing]))
    note = ("pooled {} reference categories beyond the {} most frequent into {}".format(
        pooled, max_categories, OTHER) if pooled else "")
    both = pooled_category_counts(ref_counts, cur_counts, ref_missing, cur_missing, max_categories)
    return ref_vec.astype("float64"), cur_vec.astype("float64"), unseen, note, kept, both


def categorical_metrics(reference, current, max_categories):
    return metrics_from_counts(category_counts(reference, current, max_categories), len(reference), len(current))


def metrics_from_counts(aligned, n_ref, n_cur):
    """The :class:`~.distribution.Measured` metrics from aligned_counts' result and the row counts."""
    ref_vec, cur_vec, unseen, note, kept, both = aligned
    p, q = ref_vec / n_ref, cur_vec / n_cur
    out = {
        "missing_share_reference": (ref_vec[-1] / n_ref, ""),
        "missing_share_current": (cur_vec[-1] / n_cur, ""),
        "unseen_share": (unseen / n_cur, ""),
        "psi": (distances.psi(distances.floor_zeros(p, PSI_FLOOR), distances.floor_zeros(q, PSI_FLOOR)), note),
        "kl_divergence": (distances.kl_divergence(*renormalised_floor(p, q)), note),
        "js_distance": (distances.js_distance(p, q, base=2), note),
        "hellinger": (distances.hellinger(p, q), note),
    }
    out.update(mass_values(*both))
    table = np.vstack((ref_vec, cur_vec))
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        reason = "a single category (missing included) on both sides: the chi-square test needs two"
        out["chi2_statistic"] = out["chi2_pvalue"] = (None, reason)
    else:
        statistic, pvalue = chi2_independence(table)
        out["chi2_statistic"] = (statistic, note)
        out["chi2_pvalue"] = (pvalue, note)
    return distribution.Measured(out, distribution.categorical(  # bounded by the categories, for the report
        kept, ref_vec[:-2], cur_vec[:-2], ref_vec[-2], cur_vec[-2], unseen, ref_vec[-1], cur_vec[-1],
        "the {} most frequent reference categories, the rest pooled".format(len(kept))))

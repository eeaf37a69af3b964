"""The drift table from sufficient statistics: a reference profile (profile.py) and a current side
(engines.CurrentSide) from any engine, chunks or Spark.

Missing shares, unseen share, PSI, JS, Hellinger, KL and chi-square come from the same integer
counts as the in-memory engine's and are identical to it; KS and Wasserstein are bracketed
(brackets.py): each row gives the value, and its ``reason`` the interval that contains the exact value.
"""
import numpy as np

from .brackets import bracket_reason, ks_bracket, wasserstein_bracket
from .categorical import aligned_counts, metrics_from_counts
from .metrics import NUMERIC
from .numeric import KS_EXACT_MAX_N, binned_metrics, ks_pvalue_asymptotic, no_values, normalised
from .prepare import Feature, missing_side_error, require_features, require_rows
from .table import drift_result


def compute_drift_from_profile(profile, current_side, names, params, run):
    """The DriftResult from a reference profile and the current side's statistics (the same table as
    engines.memory.compute_drift, KS and Wasserstein bracketed)."""
    require_rows("current", current_side.rows)
    require_features(names, profile.columns, current_side.columns)
    common = dict(n_reference=profile.n_rows, n_current=current_side.rows, convention=params.convention)
    return drift_result(features_and_values(profile, current_side, names, params), common, params, run)


def numeric_values(profile, cur):
    ref = profile.numeric
    coarse = np.searchsorted(ref.grid, profile.edges, side="left")  # grid index of each PSI edge
    def psi_counts(stats):
        cum = np.concatenate(([0], np.cumsum(stats.counts)))
        cuts = cum[coarse + 1]
        return np.append(np.diff(np.concatenate(([0], cuts, [stats.n]))), stats.missing)
    out = binned_metrics(psi_counts(ref), ref.total, psi_counts(cur), cur.total, edges=profile.edges)
    if ref.n == 0 or cur.n == 0:
        return dict(out, **no_values(ref.n, cur.n))
    d_low, d_high = ks_bracket(ref, cur)
    w_low, w_high, w_mid = wasserstein_bracket(ref, cur)
    ks_note = bracket_reason("KS statistic", d_low, d_high)
    out["ks_statistic"] = (d_low, ks_note)
    out["ks_pvalue"] = (ks_pvalue_asymptotic(d_low, ref.n, cur.n),
                        "streaming estimate from the KS statistic's lower bound; " + ks_note
                        + (" (asymptotic p-value)" if max(ref.n, cur.n) <= KS_EXACT_MAX_N else ""))
    w_note = bracket_reason("Wasserstein distance", w_low, w_high)
    out["wasserstein"] = (w_mid, w_note)
    std = profile.std
    out["wasserstein_norm"] = normalised(w_mid, std, "" if std <= 0 else bracket_reason(
        "normalised Wasserstein", w_low / std, w_high / std))
    return out


def categorical_values(profile, cur, max_categories):
    ref = profile.categorical
    aligned = aligned_counts(ref.integer_counts(), cur.integer_counts(), ref.missing, cur.missing, max_categories)
    return metrics_from_counts(aligned, ref.total, cur.total)


def features_and_values(profile, current_side, names, params):
    """[(Feature, {metric: (value, reason)})] as the in-memory engine's _compute_features."""
    computed = []
    for name in names:
        feature_profile = profile.features.get(name)
        in_ref, in_cur = feature_profile is not None, name in current_side.columns
        if not (in_ref and in_cur):
            computed.append((Feature(name, "", error=missing_side_error(name, in_ref, in_cur)), {}))
            continue
        feature = Feature(name, feature_profile.type, notes=list(feature_profile.notes),
                          error=feature_profile.error or current_side.errors.get(name, ""))
        if feature.error:
            computed.append((feature, {}))
        elif feature.type == NUMERIC:
            computed.append((feature, numeric_values(feature_profile, current_side.stats[name])))
        else:
            computed.append((feature, categorical_values(feature_profile, current_side.stats[name],
                                                         params.max_categories)))
    return computed

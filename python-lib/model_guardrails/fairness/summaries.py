"""The parity summaries of one attribute (``group = __summary__``) in each convention, and their
bias shift against the reference data: metric -> (value or None, reason). Formulas:
docs/fairness.md, "Summary metrics"; a new summary metric is a line in :func:`_between_groups`'s
and :func:`_privileged_vs_rest`'s dicts."""
import numpy as np

from .metrics import CELLS, EXTRA_SUMMARY_METRICS, RATES, SUMMARY_METRICS

# The rates the summaries compare, as their reasons name them.
RATE_NAMES = {"selection_rate": "selection rate", "tpr": "TPR", "fpr": "FPR", "ppv": "PPV"}


def _spread(values, metric):
    defined = values[~np.isnan(values)]
    if len(defined) < 2:
        return None, "fewer than two groups with a defined {}".format(RATE_NAMES[metric])
    return float(defined.max() - defined.min()), ""


def _min_max_ratio(values, metric):
    defined = values[~np.isnan(values)]
    if len(defined) < 2:
        return None, "fewer than two groups with a defined {}".format(RATE_NAMES[metric])
    if defined.max() == 0:
        return None, "{} is 0 in every group".format(RATE_NAMES[metric])
    return float(defined.min() / defined.max()), ""


def _to_overall_difference(values, overall, metric):
    defined = values[~np.isnan(values)]
    if len(defined) == 0 or np.isnan(overall):
        return None, "no group with a defined {}".format(RATE_NAMES[metric])
    return float(np.abs(defined - overall).max()), ""


def _to_overall_ratio(values, overall, metric):
    defined = values[~np.isnan(values)]
    if len(defined) == 0 or np.isnan(overall):
        return None, "no group with a defined {}".format(RATE_NAMES[metric])
    if overall == 0:
        return None, "overall {} is 0".format(RATE_NAMES[metric])
    ratios = defined / overall
    return float(np.where(ratios > 1, 1.0 / ratios, ratios).min()), ""


def _combine(first, second, how):
    (a, reason_a), (b, reason_b) = first, second
    if a is None or b is None:
        return None, reason_a or reason_b
    return (max(a, b) if how == "max" else min(a, b) if how == "min" else (a + b) / 2.0), ""


def _between_groups(stats, eligible, spread, ratio):
    rates = {m: stats.values[m][:-1][eligible] for m in RATE_NAMES}
    tpr_gap, fpr_gap = spread(rates["tpr"], "tpr"), spread(rates["fpr"], "fpr")
    return {
        "disparate_impact": ratio(rates["selection_rate"], "selection_rate"),
        "demographic_parity_difference": spread(rates["selection_rate"], "selection_rate"),
        "equal_opportunity_difference": tpr_gap,
        "equalized_odds_difference": _combine(tpr_gap, fpr_gap, "max"),
        "average_odds_difference": _combine(tpr_gap, fpr_gap, "mean"),
        "predictive_parity_difference": spread(rates["ppv"], "ppv"),
        "equal_opportunity_ratio": ratio(rates["tpr"], "tpr"),
        "equalized_odds_ratio": _combine(ratio(rates["tpr"], "tpr"), ratio(rates["fpr"], "fpr"), "min"),
    }


def _privileged_vs_rest(stats, eligible, reference):
    """AIF360: signed unprivileged − privileged, the unprivileged being all other eligible groups."""
    others = eligible.copy()
    others[reference] = False
    if not others.any():
        reason = "no unprivileged group with at least the minimum size"
        return {m: (None, reason) for m in SUMMARY_METRICS + EXTRA_SUMMARY_METRICS}
    pooled = {c: (stats.cells[c][:-1][others].sum(), stats.cells[c][reference]) for c in CELLS}

    def rate(metric):
        numerator, denominator, _ = RATES[metric]
        result = []
        for side in (0, 1):
            den = sum(pooled[c][side] for c in denominator)
            result.append(sum(pooled[c][side] for c in numerator) / den if den else None)
        return result

    def gap(metric, signed=True):
        unprivileged, privileged = rate(metric)
        if unprivileged is None or privileged is None:
            side = "unprivileged groups" if unprivileged is None else "privileged group"
            return None, "{} undefined for the {}".format(RATE_NAMES[metric], side)
        return (unprivileged - privileged) if signed else abs(unprivileged - privileged), ""

    sr_u, sr_p = rate("selection_rate")
    if sr_p == 0:
        impact = (None, "selection rate of the privileged group is 0")
    else:
        impact = (sr_u / sr_p, "")
    tpr, fpr = gap("tpr"), gap("fpr")
    not_defined = (None, "not defined in the aif360 convention")
    return {
        "disparate_impact": impact,
        "demographic_parity_difference": gap("selection_rate"),
        "equal_opportunity_difference": tpr,
        "equalized_odds_difference": _combine(gap("tpr", False), gap("fpr", False), "max"),
        "average_odds_difference": _combine(fpr, tpr, "mean"),
        "predictive_parity_difference": gap("ppv"),
        "equal_opportunity_ratio": not_defined,
        "equalized_odds_ratio": not_defined,
    }


def summaries(stats, eligible, reference, params):
    """metric -> (value or None, reason) over the ``eligible`` groups of ``stats`` (a
    :class:`.rates.GroupStats`), ``reference`` the reference group's index."""
    if eligible.sum() < 2:
        names = [stats.labels[i] for i in np.flatnonzero(eligible)]
        reason = ("only one group ({!r}) with at least {} rows: nothing to compare".format(names[0], params.min_group_size)
                  if names else "no group with at least {} rows".format(params.min_group_size))
        return {m: (None, reason) for m in SUMMARY_METRICS + EXTRA_SUMMARY_METRICS}
    if params.convention == "aif360":
        return _privileged_vs_rest(stats, eligible, reference)
    if params.convention == "fairlearn" and params.reference_group == "overall":
        overall = {m: stats.values[m][-1] for m in RATE_NAMES}
        return _between_groups(
            stats, eligible,
            lambda values, m: _to_overall_difference(values, overall[m], m),
            lambda values, m: _to_overall_ratio(values, overall[m], m))
    return _between_groups(stats, eligible, _spread, _min_max_ratio)


def shifts(current, previous):
    """The bias shift of each summary: ``current`` minus ``previous``, the reference data's summaries
    of the same attribute (None: the attribute is not usable there)."""
    if previous is None:
        reason = "attribute not usable in the reference dataset"
        return {m: (None, reason) for m in current}
    result = {}
    for metric, (value, reason) in current.items():
        old, old_reason = previous[metric]
        if value is None:
            result[metric] = (None, "undefined in the scored data: " + reason)
        elif old is None:
            result[metric] = (None, "undefined in the reference data: " + old_reason)
        else:
            result[metric] = (value - old, "")
    return result

"""Per-group values of one attribute from its :class:`.counts.GroupCounts`: every rate of the
metric table with its Wilson interval, ROC AUC with its DeLong interval, why a value is undefined,
and the reference group."""
import logging
from dataclasses import dataclass

import numpy as np

from ..contract import OVERALL
from ..stats import binary, intervals
from .metrics import CELLS, RATES
from .params import HIGHEST_SELECTION_RATE

log = logging.getLogger(__name__)


@dataclass
class GroupStats:
    """One value per group, the overall population last."""
    labels: list
    n: np.ndarray
    cells: dict
    values: dict
    ci: dict
    auc_defined: bool
    notes: dict


def group_stats(counts, level):
    """The values of :class:`GroupStats` from one attribute's counts at confidence ``level``."""
    cells = {c: np.append(counts.cells[c], counts.cells[c].sum()) for c in CELLS}
    n = cells["tn"] + cells["fp"] + cells["fn"] + cells["tp"]
    values, ci, notes = {"count": n}, {}, {}
    for metric, (numerator, denominator, _) in RATES.items():
        num = sum(cells[c] for c in numerator)
        den = sum(cells[c] for c in denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            values[metric] = np.where(den > 0, num / den, np.nan)
        ci[metric] = intervals.wilson(num, den, level)
    if counts.auc is not None:
        auc, variance, auc_notes = counts.auc
        values["roc_auc"] = auc
        ci["roc_auc"] = intervals.normal(auc, np.sqrt(variance), level, 0.0, 1.0)
        if auc_notes is not None:
            notes["roc_auc"] = auc_notes
    return GroupStats(labels=list(counts.labels) + [OVERALL], n=n, cells=cells, values=values, ci=ci,
                      auc_defined=counts.auc is not None, notes=notes)


def _auc_reason(stats, i):
    positives = stats.cells["tp"][i] + stats.cells["fn"][i]
    negatives = stats.cells["tn"][i] + stats.cells["fp"][i]
    if positives == 0:
        return "no actual positives, ROC AUC is undefined"
    if negatives == 0:
        return "no actual negatives, ROC AUC is undefined"
    return ""


def undefined_reason(stats, metric, i):
    if metric == "roc_auc":
        return _auc_reason(stats, i)
    return RATES[metric][2] if metric in RATES else ""


def reference_index(stats, eligible, params, attribute_name):
    """Index of the reference group in ``stats`` (the overall population is the last index)."""
    overall = len(stats.labels) - 1
    strategy = params.reference_group
    if strategy == "overall":
        return overall
    if strategy != HIGHEST_SELECTION_RATE:
        wanted = binary.label_key(strategy)
        for i, label in enumerate(stats.labels[:-1]):
            if label == strategy or binary.label_key(label) == wanted:
                return i
        log.warning("Reference group %r is not a group of '%s': using the highest selection rate.",
                    strategy, attribute_name)
    rates = np.where(eligible, stats.values["selection_rate"][:-1], -np.inf)
    if not eligible.any():
        return None
    return int(np.argmax(rates))

"""The fairness metric table: one entry per metric, in output order.

Each entry names the metric, its formula and the ``docs/fairness.md`` section that documents it,
its direction and the parameter pair that sets its bounds (with the default values). A new
metric is one entry here plus its statistic: a per-group rate needs only its confusion cells
(``cells``), a summary its line in :mod:`.summaries`.
"""
from dataclasses import dataclass
from typing import Tuple

from ..table import ABOVE, BELOW

GROUP, SUMMARY, EXTRA = "group", "summary", "extra"   # a value per group; per attribute; per attribute, opt-in
GROUP_SECTION = "Per-group metrics"
SUMMARY_SECTION = "Summary metrics (`group = __summary__`)"
# The parameter pairs that set the bounds: name -> (default warning, default error).
BOUND_DEFAULTS = {"disparate_impact": (0.9, 0.8), "difference": (0.1, 0.2), "shift": (0.05, 0.1)}
CELLS = ("tn", "fp", "fn", "tp")


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    formula: str
    direction: str = ""                  # "" for per-group values (no bounds); ABOVE or BELOW for summaries
    bounds: str = ""                     # the BOUND_DEFAULTS pair that bounds a summary
    signed_in_aif360: bool = False       # a signed difference (unprivileged − privileged) in convention aif360
    cells: Tuple[Tuple[str, ...], Tuple[str, ...]] = ((), ())   # a per-group rate: numerator, denominator cells
    undefined: str = ""                  # a per-group rate: the reason when its denominator is 0

    @property
    def section(self):
        """The docs/fairness.md section that documents the metric."""
        return GROUP_SECTION if self.kind == GROUP else SUMMARY_SECTION

    @property
    def default_bounds(self):
        """(warning, error) by default, or None for a per-group value."""
        return BOUND_DEFAULTS.get(self.bounds)


def _rate(name, formula, numerator, denominator, undefined):
    return Metric(name, GROUP, formula, cells=(numerator, denominator), undefined=undefined)


def _difference(name, formula, signed=True):
    return Metric(name, SUMMARY, formula, ABOVE, "difference", signed_in_aif360=signed)


TABLE = (
    Metric("count", GROUP, "TP + FP + TN + FN"),
    _rate("base_rate", "(TP + FN) / count", ("fn", "tp"), CELLS, "no rows"),
    _rate("selection_rate", "(TP + FP) / count", ("fp", "tp"), CELLS, "no rows"),
    _rate("tpr", "TP / (TP + FN)", ("tp",), ("tp", "fn"), "no actual positives, TPR is undefined"),
    _rate("fpr", "FP / (FP + TN)", ("fp",), ("fp", "tn"), "no actual negatives, FPR is undefined"),
    _rate("tnr", "TN / (FP + TN)", ("tn",), ("fp", "tn"), "no actual negatives, TNR is undefined"),
    _rate("fnr", "FN / (TP + FN)", ("fn",), ("tp", "fn"), "no actual positives, FNR is undefined"),
    _rate("ppv", "TP / (TP + FP)", ("tp",), ("tp", "fp"), "no predicted positives, PPV is undefined"),
    _rate("npv", "TN / (TN + FN)", ("tn",), ("tn", "fn"), "no predicted negatives, NPV is undefined"),
    _rate("accuracy", "(TP + TN) / count", ("tp", "tn"), CELLS, "no rows"),
    Metric("roc_auc", GROUP, "Mann–Whitney AUC of the score (ties count ½), DeLong variance"),
    Metric("disparate_impact", SUMMARY, "min SR / max SR (aif360: SR_u / SR_p)", BELOW, "disparate_impact"),
    _difference("demographic_parity_difference", "max SR − min SR (aif360: SR_u − SR_p)"),
    _difference("equal_opportunity_difference", "max TPR − min TPR (aif360: TPR_u − TPR_p)"),
    _difference("equalized_odds_difference", "max(TPR spread, FPR spread) (aif360: max(|ΔFPR|, |ΔTPR|))",
                signed=False),
    _difference("average_odds_difference", "mean(TPR spread, FPR spread) (aif360: ½[ΔFPR + ΔTPR])"),
    _difference("predictive_parity_difference", "max PPV − min PPV (aif360: PPV_u − PPV_p)"),
    Metric("equal_opportunity_ratio", EXTRA, "min TPR / max TPR", BELOW, "disparate_impact"),
    Metric("equalized_odds_ratio", EXTRA, "min(TPR ratio, FPR ratio)", BELOW, "disparate_impact"),
)
METRICS = {m.name: m for m in TABLE}

GROUP_METRICS = tuple(m.name for m in TABLE if m.kind == GROUP)
SUMMARY_METRICS = tuple(m.name for m in TABLE if m.kind == SUMMARY)
EXTRA_SUMMARY_METRICS = tuple(m.name for m in TABLE if m.kind == EXTRA)
ALL_METRICS = GROUP_METRICS + SUMMARY_METRICS + EXTRA_SUMMARY_METRICS
DEFAULT_METRICS = GROUP_METRICS + SUMMARY_METRICS
RATIO_METRICS = tuple(m.name for m in TABLE if m.kind != GROUP and m.direction == BELOW)
# Per-group rates: metric -> (numerator cells, denominator cells, why undefined when 0/0).
RATES = {m.name: m.cells + (m.undefined,) for m in TABLE if m.cells[1]}

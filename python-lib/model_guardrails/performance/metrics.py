"""The evaluate-model metric table: one entry per metric with its task, formula (as in
docs/performance.md, section Metrics), the direction that breaches, its default bounds and the
function that computes it (:mod:`.formulas`).

Adding a metric is one entry here plus its statistic: a formula over the sufficient statistics
(:mod:`.sums`), which the engines fill. The order of the table is the order of the output rows."""
from dataclasses import dataclass
from typing import Callable, Optional, Tuple

from ..table import ABOVE, BELOW
from . import formulas

BINARY, REGRESSION = "binary", "regression"
TASKS = (BINARY, REGRESSION)


@dataclass(frozen=True)
class Metric:
    name: str
    task: str
    formula: str
    direction: str          # the side that breaches: scores below, losses and errors above
    compute: Callable       # (sums, confidence level) -> (values, ci_low, ci_high, reasons) over the groups
    # (warning, error) in [0, 1], set by the recipe parameters <name>_warning / <name>_error (recipe.json);
    # None: bounded through the `bounds` parameter only
    default_bounds: Optional[Tuple[Optional[float], Optional[float]]] = None


TABLE = (
    Metric("roc_auc", BINARY, "Mann–Whitney AUC, ties ½", BELOW, formulas.roc_auc, default_bounds=(None, 0.88)),
    Metric("average_precision", BINARY, "Σ (R_k − R_{k−1}) P_k over distinct thresholds", BELOW,
           formulas.average_precision),
    Metric("log_loss", BINARY, "mean −[y ln p + (1−y) ln(1−p)], p clipped to [ε, 1−ε]", ABOVE,
           formulas.log_loss),
    Metric("brier_score", BINARY, "mean (p − y)²", ABOVE, formulas.brier_score),
    Metric("accuracy", BINARY, "(TP + TN) / n", BELOW, formulas.accuracy),
    Metric("precision", BINARY, "TP / (TP + FP)", BELOW, formulas.precision),
    Metric("recall", BINARY, "TP / (TP + FN)", BELOW, formulas.recall),
    Metric("f1", BINARY, "2TP / (2TP + FP + FN)", BELOW, formulas.f1),
    Metric("rmse", REGRESSION, "√(mean (ŷ − y)²)", ABOVE, formulas.rmse),
    Metric("mae", REGRESSION, "mean |ŷ − y|", ABOVE, formulas.mae),
    Metric("r2", REGRESSION, "1 − Σ(ŷ−y)² / Σ(y−ȳ)²", BELOW, formulas.r2),
)
BY_NAME = {metric.name: metric for metric in TABLE}
METRICS = {task: tuple(metric.name for metric in TABLE if metric.task == task) for task in TASKS}
BINARY_METRICS, REGRESSION_METRICS = METRICS[BINARY], METRICS[REGRESSION]
PRIMARY = {BINARY: "roc_auc", REGRESSION: "rmse"}   # the metric of a bare number in baseline_value
BOUND_PARAMETERS = tuple(metric.name + side for metric in TABLE if metric.default_bounds
                         for side in ("_warning", "_error"))


def direction_of(metric):
    """The side that breaches (a metric of no table entry: above)."""
    entry = BY_NAME.get(metric)
    return entry.direction if entry else ABOVE

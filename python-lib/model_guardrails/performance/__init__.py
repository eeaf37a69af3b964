"""Model performance on a scored dataset, overall and per time window, against a baseline
(evaluate-model; formulas and intervals: docs/performance.md).

:func:`evaluate` (a scored source, :class:`PerformanceParams`, optional baseline metrics frame)
as the glue found it → :class:`PerformanceResult`: the tidy metrics table of SPEC §2 with ``window``, ``n``,
``ci_low``, ``ci_high``, ``baseline_value``, ``change``, ``change_relative`` (designed to be
appended run after run) and the report's curves. :func:`evaluate_model` is the same for a
DataFrame in memory.

Numbers equal scikit-learn's (``roc_auc_score``, ``average_precision_score``, ``log_loss``,
``brier_score_loss``, ``accuracy_score``, ``precision_score``, ``recall_score``, ``f1_score``,
``root_mean_squared_error``, ``mean_absolute_error``, ``r2_score``) wherever those are defined;
where scikit-learn would return 0 with a warning (0/0), the row is EMPTY with a reason.

Modules: ``params`` (the recipe's parameters), ``metrics`` (the metric table) and ``formulas``
(each metric from the sufficient statistics), ``sums`` (the sufficient statistics and what an
engine supplies), ``windows`` (time windows), ``engines/`` (memory, chunks, and which one runs),
``table`` (the table writer, the baseline and :class:`PerformanceResult`), ``evaluation`` (the
entry points)."""
from .evaluation import evaluate, evaluate_model
from .params import PerformanceParams
from .sums import BinarySums, PerformanceStats, RegressionSums
from .table import PerformanceResult, baseline_from_metrics, performance_table

__all__ = ["BinarySums", "PerformanceParams", "PerformanceResult", "PerformanceStats", "RegressionSums",
           "baseline_from_metrics", "evaluate", "evaluate_model", "performance_table"]

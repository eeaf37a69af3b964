"""evaluate-model's core: the statistics of the scored dataset by the engine its size calls for
(:mod:`.engines`), then the table writer; the result is the metrics table and the report's curves."""
from .engines import statistics_of
from .engines.memory import stats_from_frame
from .table import performance_result


def evaluate(source, params, baseline=None, run=None):
    """The :class:`~.table.PerformanceResult` of a scored source (:class:`...engines.Source`) as the
    glue found it; ``baseline`` is an earlier run's metrics frame (overridden by baseline_value)."""
    return performance_result(statistics_of(source, params), params, baseline, run)


def evaluate_model(scored, params, baseline=None, run=None):
    """The :class:`~.table.PerformanceResult` of a scored DataFrame, by the in-memory engine: window
    ``__all__`` then one set of rows per time window."""
    return performance_result(stats_from_frame(scored, params), params, baseline, run)

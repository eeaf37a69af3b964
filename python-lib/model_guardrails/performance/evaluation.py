"""evaluate-model's core: the engine chosen from the params' engine settings and what the glue
found, then the table writer; the result is the metrics table and the report's curves."""
from ..engines import MEMORY
from .engines.chunks import stats_from_chunks
from .engines.memory import stats_from_frame
from .table import performance_result


def evaluate(source, params, baseline=None, run=None):
    """The result of a scored source (:class:`.engines.Source`): in memory when ``source.frame``
    holds the rows and the engine settings allow it, else streamed from ``source.chunks()``."""
    n_rows = None if source.frame is None else len(source.frame)
    if params.engine.engine_for(n_rows) == MEMORY:
        return evaluate_model(source.frame, params, baseline, run)
    return performance_result(stats_from_chunks(source.chunks(), params), params, baseline, run)


def evaluate_model(scored, params, baseline=None, run=None):
    """The result of the scored DataFrame, by the in-memory engine: window ``__all__`` then one set
    of rows per time window; ``baseline`` is an earlier run's metrics frame (overridden by
    baseline_value)."""
    return performance_result(stats_from_frame(scored, params), params, baseline, run)

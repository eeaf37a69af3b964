"""The engines of evaluate-model and the boundary they share: each turns a :class:`...engines.Source` into an
:class:`~..sums.EngineOutput` (the sufficient statistics of the table and the report's curves).

- :mod:`.memory`: the whole scored dataset as one DataFrame; exact.
- :mod:`.chunks`: a scored dataset of more than ``max_rows_in_memory`` rows, streamed in chunks into
  mergeable statistics (docs/scale.md); ROC AUC and average precision from a score grid.

There is no Spark engine for performance: evaluate-model has no Spark recipe (compute-drift and
compute-fairness have one). Which engine runs is decided here, from what the glue found
(:func:`statistics_of`), by the recipe's :class:`...engines.EngineSettings` carried in the params.
"""
from typing import Protocol

from ... import engines
from ...engines import Source
from ..sums import EngineOutput
from . import chunks, memory


class Engine(Protocol):
    """What an engine supplies: the statistics and curves of the scored dataset."""

    def statistics(self, source: Source, params) -> EngineOutput:
        ...


ENGINES = {engines.MEMORY: memory, engines.CHUNKS: chunks}


def engine_for(params, n_rows) -> Engine:
    """The engine for a scored dataset of ``n_rows`` rows (None: more than max_rows_in_memory)."""
    return ENGINES[params.engine.engine_for(n_rows)]


def statistics_of(source: Source, params) -> EngineOutput:
    """The :class:`~..sums.EngineOutput` of ``source`` by the engine its size calls for."""
    return engine_for(params, source.n_rows).statistics(source, params)

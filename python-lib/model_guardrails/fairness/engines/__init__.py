"""The fairness engines and the boundary they share: each turns a :class:`Source` into the
:class:`..counts.FairnessCounts` the table writer finishes (:class:`Engine`).

- :mod:`.memory`: the whole dataset as one DataFrame, exact;
- :mod:`.chunks`: a dataset larger than ``max_rows_in_memory`` rows, streamed in chunks;
- :mod:`.spark`: Spark aggregations (compute-fairness-spark).

Which one runs is decided here, from what the glue found (:func:`counts_of`), by the recipe's
:class:`...engines.EngineSettings` carried in the parameters.
"""
from typing import Iterable, Optional, Protocol

from ... import engines
from ..counts import FairnessCounts
from . import chunks, memory, spark


class Source(Protocol):
    """A dataset as the glue found it. Each engine reads it one way: ``frame()`` (memory),
    ``chunks()`` (chunks) or ``dataframe``, a Spark DataFrame (spark; a Spark recipe's sources only)."""
    n_rows: Optional[int]   # its row count; None: more than max_rows_in_memory, or not counted (Spark, limit 0)

    def frame(self):
        """The whole dataset as a pandas DataFrame."""

    def chunks(self) -> Iterable:
        """A fresh pass over the dataset in pandas DataFrame chunks."""


class Engine(Protocol):
    """What an engine supplies: the statistics of one dataset (``dataset``: its role, for messages)."""

    def counts(self, source: Source, params, dataset: str) -> FairnessCounts:
        ...


ENGINES = {engines.MEMORY: memory, engines.CHUNKS: chunks, engines.SPARK: spark}


def engine_for(params, n_rows) -> Engine:
    """The engine for a dataset of ``n_rows`` rows (None: more than max_rows_in_memory)."""
    return ENGINES[params.engine.engine_for(n_rows)]


def counts_of(source: Source, params, dataset="scored") -> FairnessCounts:
    """The :class:`FairnessCounts` of ``source`` by the engine its size calls for."""
    return engine_for(params, source.n_rows).counts(source, params, dataset)

"""The engines of evaluate-model: each reads the scored rows into the sufficient statistics of the
table (:class:`~model_guardrails.performance.sums.PerformanceStats`) and the report's curves.

- ``memory``: the whole scored dataset as one DataFrame; exact.
- ``chunks``: a scored dataset of more than ``max_rows_in_memory`` rows, streamed in chunks into
  mergeable statistics (docs/scale.md); ROC AUC and average precision from a score grid.

There is no Spark engine for performance: evaluate-model has no Spark recipe (compute-drift and
compute-fairness have one). Which engine runs is decided in :func:`..evaluation.evaluate` from the
params' :class:`~model_guardrails.engines.EngineSettings`."""
import logging
from typing import Iterable, NamedTuple, Optional, Protocol

import pandas as pd

from ..sums import PerformanceStats

log = logging.getLogger(__name__)


class EngineOutput(NamedTuple):
    """What an engine supplies: the statistics of the table and the report's curves
    (:mod:`model_guardrails.stats.curves`: ROC, calibration, or predicted vs actual)."""
    stats: PerformanceStats
    curves: dict


class Engine(Protocol):
    """An engine: its source of scored rows (a DataFrame, or an iterable of DataFrame chunks) and
    the params to the statistics and curves."""

    def __call__(self, source, params, /) -> EngineOutput: ...


class Source(Protocol):
    """What the glue found: the scored rows in memory (``frame``), or ``frame`` None when there are
    more than ``max_rows_in_memory`` of them, and ``chunks()`` a fresh pass over them in chunks."""
    frame: Optional[pd.DataFrame]

    def chunks(self) -> Iterable[pd.DataFrame]: ...


def logged(note):
    """A note of the statistics (rows excluded, positive class absent), logged as a warning when set."""
    if note:
        log.warning(note)
    return note

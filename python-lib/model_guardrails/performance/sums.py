"""The sufficient statistics of evaluate-model, what every engine hands to the table writer
(:mod:`.table`): per group (``__all__``, or the time windows), :class:`BinarySums` or
:class:`RegressionSums`, gathered with the labels and notes in :class:`PerformanceStats`; with the
report's curves, an :class:`EngineOutput`. The formulas (:mod:`.formulas`) need nothing else."""
import logging
from dataclasses import dataclass
from typing import List, NamedTuple, Optional

import numpy as np

log = logging.getLogger(__name__)


@dataclass
class BinarySums:
    """Sufficient statistics of a binary model per group: confusion counts, ROC AUC and average
    precision (values, DeLong variance or positives, notes on approximate values), sums and sums of
    squares of the per-row log loss and Brier terms. Every engine produces these."""
    cells: tuple
    auc: Optional[tuple] = None
    ap: Optional[tuple] = None
    log_loss: Optional[tuple] = None
    brier: Optional[tuple] = None


@dataclass
class RegressionSums:
    n: np.ndarray
    abs_error: tuple      # Σ|e|, Σe²
    squared_error: tuple  # Σe², Σe⁴
    r2: tuple             # Σe², Σd, Σe⁴, Σd², Σe²d with d = (y − ȳ)²


@dataclass
class PerformanceStats:
    """What every engine hands to the table: the labels (``__all__`` then the windows) and, per part
    (``__all__``; the windows), the sufficient statistics and the row counts of its groups."""
    labels: List[str]
    parts: list   # [(BinarySums | RegressionSums, n per group)]
    notes: List[str]
    absent: str = ""   # binary.absent_positive's note: the positive class does not occur


class EngineOutput(NamedTuple):
    """What an engine supplies: the statistics of the table and the report's curves
    (:mod:`model_guardrails.stats.curves`: ROC, calibration, or predicted vs actual)."""
    stats: PerformanceStats
    curves: dict


def logged_note(note):
    """A note of the statistics (rows excluded, positive class absent), logged as a warning when set."""
    if note:
        log.warning(note)
    return note

"""The fairness sufficient statistics: what every engine (memory, chunks, Spark) hands to the
table writer. The rates, intervals and summaries are computed from these alone."""
import logging
from dataclasses import dataclass
from typing import List, Optional

log = logging.getLogger(__name__)


@dataclass
class GroupCounts:
    """One attribute's statistics: confusion counts per group and, with a score, ROC AUC per group
    then overall (values, DeLong variances, notes on approximate values). Every engine (in memory,
    streaming, Spark) produces these; the rates, intervals and summaries are computed from them."""
    name: str
    labels: list
    cells: Optional[dict] = None   # tn, fp, fn, tp: float arrays over the groups
    auc: Optional[tuple] = None    # (values, variances, notes) over the groups then overall
    skipped: str = ""


@dataclass
class FairnessCounts:
    attributes: List[GroupCounts]
    excluded: str
    absent: str = ""   # binary.absent_positive's note: the positive class does not occur


def dataset_note(note, dataset):
    """Log a note on a dataset (rows excluded, a positive class absent) as a warning; return it."""
    if note:
        log.warning("%s dataset: %s", dataset, note)
    return note

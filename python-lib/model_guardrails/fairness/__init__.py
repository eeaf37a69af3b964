"""Fairness of a binary classifier per group of one or more sensitive attributes.

Entry points: :func:`compute_fairness` (a scored frame in memory) and, for the recipes,
:func:`counts_of` (one dataset's statistics by the engine its size calls for) then
:func:`fairness_table`: the tidy metrics table of SPEC §2 with ``attribute``, ``group``, ``n``,
``ci_low``, ``ci_high``, ``reference_group``, ``ratio_to_reference``,
``difference_to_reference`` and ``convention``. Formulas, conventions and bounds are documented
in ``docs/fairness.md``.

- ``params.py``: :class:`FairnessParams` (engine settings included), parsed once;
- ``metrics.py``: the metric table (name, formula, direction, default bounds);
- ``counts.py``: the sufficient statistics every engine hands over (:class:`FairnessCounts`);
- ``attributes.py``: sensitive columns as groups, and the bookkeeping the engines share;
- ``engines/``: memory, chunks and Spark, behind one :class:`~.engines.Engine` protocol;
- ``rates.py``, ``summaries.py``, ``table.py``: per-group values, parity summaries and bias
  shift, and the table writer.
"""
from .counts import FairnessCounts, GroupCounts
from .engines import Engine, Source, counts_of, engine_for
from .engines.chunks import counts_from_chunks
from .engines.memory import counts_from_frame
from .metrics import (ALL_METRICS, BOUND_DEFAULTS, EXTRA_SUMMARY_METRICS, GROUP_METRICS, METRICS, RATIO_METRICS,
                      SUMMARY_METRICS, Metric)
from .params import FairnessParams
from .table import check_named_reference, fairness_table


def compute_fairness(scored, params, reference=None, run=None):
    """The fairness metrics table of ``scored`` (and bias shift against ``reference``), in memory."""
    current = counts_from_frame(scored, params, "scored")
    check_named_reference(current, params)
    previous = None if reference is None else counts_from_frame(reference, params, "reference")
    return fairness_table(current, params, previous, run)


__all__ = ["ALL_METRICS", "BOUND_DEFAULTS", "EXTRA_SUMMARY_METRICS", "Engine", "FairnessCounts", "FairnessParams",
           "GROUP_METRICS", "GroupCounts", "METRICS", "Metric", "RATIO_METRICS", "SUMMARY_METRICS", "Source",
           "check_named_reference", "compute_fairness", "counts_from_chunks", "counts_from_frame", "counts_of",
           "engine_for", "fairness_table"]

"""compute-fairness / evaluate-model I/O: the exact in-memory engine up to ``max_rows_in_memory``
rows, the chunked engine beyond (mergeable statistics, docs/scale.md); compute-fairness-spark's
Spark aggregations. The same parameters and row limit as compute-drift."""
import logging

from dku_guardrails.drift_io import ChunkedInput
from dku_guardrails.recipe_io import read_frame
from model_guardrails import fairness, performance
from model_guardrails.engines import EngineSettings
from model_guardrails.stats.binary import require_columns

log = logging.getLogger("model_guardrails.outcomes_io")  # one namespace: model_guardrails


def _input(dataset, columns, role, settings):
    require_columns([c["name"] for c in dataset.read_schema()], columns, role)
    return ChunkedInput(dataset, columns, settings)


class _Dataset:
    """A DSS dataset for compute-fairness (a fairness.Source): read whole when it has at most
    max_rows_in_memory rows, else streamed."""

    def __init__(self, dataset, params, role):
        self.input = _input(dataset, params.columns, role, params.engine)
        self.n_rows = None if self.input.frame is None else len(self.input.frame)

    def frame(self):
        return self.input.frame

    def chunks(self):
        return self.input.chunks()


def compute_fairness(params, scored_dataset, reference_dataset=None, run=None):
    """The fairness table; each dataset is read whole or streamed depending on its row count."""
    scored = _Dataset(scored_dataset, params, "scored")
    reference = _Dataset(reference_dataset, params, "reference") if reference_dataset else None
    current = fairness.counts_of(scored, params, "scored")
    previous = fairness.counts_of(reference, params, "reference") if reference is not None else None
    return fairness.fairness_table(current, params, previous, run)


def evaluate_model(params, config, scored_dataset, baseline_dataset=None, run=None, curves=None):
    """The performance table, in memory or streamed; ``curves`` receives the report's curves."""
    settings = EngineSettings.from_config(config)
    scored = _input(scored_dataset, params.columns, "scored", settings)
    baseline = read_frame(baseline_dataset) if baseline_dataset else None
    if scored.frame is not None:
        return performance.evaluate_model(scored.frame, params, baseline=baseline, run=run, curves=curves)
    stats = performance.stats_from_chunks(scored.chunks(), params, curves)
    return performance.performance_table(stats, params, baseline, run)


class _SparkDataset:
    """A DSS dataset as a Spark DataFrame for compute-fairness-spark (a fairness.Source): counted
    unless max_rows_in_memory is 0 (never collected), collected to the driver by ``frame()``."""

    def __init__(self, spark, dataset, params, role):
        from dku_guardrails.spark_io import dataframe

        require_columns([c["name"] for c in dataset.read_schema()], params.columns, role)
        self.dataframe = dataframe(spark, dataset, params.columns)
        self.role, self.limit = role, params.engine.max_rows_in_memory
        self.n_rows = self.dataframe.count() if self.limit else None

    def frame(self):
        log.info("%s has at most %d rows: collected to the driver, exact in-memory engine", self.role, self.limit)
        return self.dataframe.toPandas()


def compute_fairness_spark(spark, params, scored_dataset, reference_dataset=None, run=None):
    """The fairness table on Spark: collected and exact in memory when a dataset has at most
    max_rows_in_memory rows (default 0 here: never), else from Spark aggregations."""
    current = fairness.counts_of(_SparkDataset(spark, scored_dataset, params, "scored"), params, "scored")
    previous = None
    if reference_dataset is not None:  # read once the scored statistics are computed
        previous = fairness.counts_of(_SparkDataset(spark, reference_dataset, params, "reference"), params, "reference")
    return fairness.fairness_table(current, params, previous, run)

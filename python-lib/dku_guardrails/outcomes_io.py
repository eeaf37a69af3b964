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


def _fairness_counts(source, params, role):
    if source.frame is not None:
        return fairness.counts_from_frame(source.frame, params, role)
    return fairness.counts_from_chunks(source.chunks(), params, role)


def compute_fairness(params, config, scored_dataset, reference_dataset=None, run=None):
    """The fairness table; each dataset is read whole or streamed depending on its row count."""
    settings = EngineSettings.from_config(config)
    scored = _input(scored_dataset, params.columns, "scored", settings)
    reference = _input(reference_dataset, params.columns, "reference", settings) if reference_dataset else None
    current = _fairness_counts(scored, params, "scored")
    previous = _fairness_counts(reference, params, "reference") if reference is not None else None
    return fairness.fairness_table(current, params, previous, run)


def evaluate_model(params, scored_dataset, baseline_dataset=None, run=None):
    """The performance result (table and curves): the scored dataset read whole, or streamed when
    it has more than max_rows_in_memory rows; the engine is chosen in the core."""
    scored = _input(scored_dataset, params.columns, "scored", params.engine)
    baseline = read_frame(baseline_dataset) if baseline_dataset else None
    return performance.evaluate(scored, params, baseline, run)


def compute_fairness_spark(spark, params, config, scored_dataset, reference_dataset=None, run=None):
    """The fairness table on Spark: collected and exact in memory when a dataset has at most
    max_rows_in_memory rows (default 0 here: never), else from Spark aggregations."""
    from dku_guardrails.spark_io import dataframe
    from model_guardrails import fairness_spark

    settings = EngineSettings.from_config(config, spark=True)
    counts = []
    for dataset, role in ((scored_dataset, "scored"), (reference_dataset, "reference")):
        if dataset is None:
            counts.append(None)
            continue
        require_columns([c["name"] for c in dataset.read_schema()], params.columns, role)
        df = dataframe(spark, dataset, params.columns)
        limit = settings.max_rows_in_memory
        if limit and df.count() <= limit:
            log.info("%s has at most %d rows: collected to the driver, exact in-memory engine", role, limit)
            counts.append(fairness.counts_from_frame(df.toPandas(), params, role))
        else:
            counts.append(fairness_spark.counts_from_spark(df, params, role))
    return fairness.fairness_table(counts[0], params, counts[1], run)

"""compute-fairness-spark: compute-fairness on Spark. The sufficient statistics (confusion counts and
score-grid histograms per group) are Spark aggregations; the same core finishes them (docs/scale.md)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import evaluation_store, outcomes_io, spark_io
from dku_guardrails.recipe_io import input_dataset, output_dataset, setup_logging, write_metrics
from dku_guardrails.report_output import write_report
from model_guardrails.fairness import FairnessParams

setup_logging()
config = get_recipe_config()
params = FairnessParams.from_config(config, spark=True)
store = evaluation_store.target(config)
metrics = outcomes_io.compute_fairness_spark(spark_io.session(), params, input_dataset("scored"),
                                             input_dataset("reference", required=False))
write_metrics(output_dataset("metrics"), metrics)
write_report("fairness", metrics)
evaluation_store.post(store, "compute-fairness-spark", metrics)  # after the dataset is written

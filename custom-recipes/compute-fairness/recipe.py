"""compute-fairness: per-group fairness metrics and parity summaries of a scored dataset.

Exact in memory up to max_rows_in_memory rows, streamed in chunks beyond (docs/scale.md)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import evaluation_store, outcomes_io
from dku_guardrails.recipe_io import input_dataset, output_dataset, setup_logging, write_metrics
from dku_guardrails.report_output import write_report
from model_guardrails.fairness import FairnessParams

setup_logging()
config = get_recipe_config()
params = FairnessParams.from_config(config)
store = evaluation_store.target(config)
metrics = outcomes_io.compute_fairness(params, input_dataset("scored"),
                                       input_dataset("reference", required=False))
write_metrics(output_dataset("metrics"), metrics)
write_report("fairness", metrics)
evaluation_store.post(store, "compute-fairness", metrics)  # after the dataset is written

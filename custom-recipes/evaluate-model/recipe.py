"""evaluate-model: performance metrics of a scored dataset, per time window, against a baseline.

Exact in memory up to max_rows_in_memory rows, streamed in chunks beyond (docs/scale.md)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import evaluation_store, outcomes_io
from dku_guardrails.recipe_io import input_dataset, output_dataset, setup_logging, write_metrics
from dku_guardrails.report_output import write_report
from model_guardrails.performance import PerformanceParams

setup_logging()
params = PerformanceParams.from_config(get_recipe_config())
store = evaluation_store.target(get_recipe_config())
result = outcomes_io.evaluate_model(params, input_dataset("scored"), input_dataset("baseline", required=False))
write_metrics(output_dataset("metrics"), result.table)
write_report("performance", result.table, curves=result.curves)
evaluation_store.post(store, "evaluate-model", result.table)  # after the dataset is written

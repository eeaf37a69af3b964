"""evaluate-model: performance metrics of a scored dataset, per time window, against a baseline.

Exact in memory up to max_rows_in_memory rows, streamed in chunks beyond (docs/scale.md)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import outcomes_io
from dku_guardrails.recipe_io import input_dataset, output_dataset, setup_logging, write_metrics
from dku_guardrails.report_output import write_report
from model_guardrails.performance import PerformanceParams

setup_logging()
config = get_recipe_config()
params = PerformanceParams.from_config(config)
curves = {}  # ROC and calibration, for the optional HTML report
metrics = outcomes_io.evaluate_model(params, config, input_dataset("scored"), input_dataset("baseline", required=False),
                                     curves=curves)
write_metrics(output_dataset("metrics"), metrics)
write_report("performance", metrics, curves=curves)

"""evaluate-model: performance metrics of a scored dataset, per time window, against a baseline."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails.recipe_io import input_dataset, output_dataset, read_frame, setup_logging, write_metrics
from dku_guardrails.report_output import write_report
from model_guardrails.binary import require_columns
from model_guardrails.performance import PerformanceParams, evaluate_model

setup_logging()
params = PerformanceParams.from_config(get_recipe_config())

scored_dataset = input_dataset("scored")
require_columns([c["name"] for c in scored_dataset.read_schema()], params.columns)
scored = read_frame(scored_dataset, columns=params.columns)
baseline_dataset = input_dataset("baseline", required=False)
baseline = read_frame(baseline_dataset) if baseline_dataset else None

curves = {}  # ROC and calibration, for the optional HTML report
metrics = evaluate_model(scored, params, baseline=baseline, curves=curves)
write_metrics(output_dataset("metrics"), metrics)
write_report("performance", metrics, curves=curves)

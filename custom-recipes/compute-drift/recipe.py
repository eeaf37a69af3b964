"""compute-drift: reference vs current -> tidy drift metrics (see the plugin README)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import recipe_io
from dku_guardrails.report_output import write_report
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.table import RunInfo

recipe_io.setup_logging()
params = DriftParams.from_config(get_recipe_config())
reference = recipe_io.read_frame(recipe_io.input_dataset("reference"))
current = recipe_io.read_frame(recipe_io.input_dataset("current"))
distributions = []  # binned counts per feature, for the optional HTML report
metrics = compute_drift(reference, current, params, RunInfo.new(), distributions=distributions)
recipe_io.write_metrics(recipe_io.output_dataset("metrics"), metrics)
write_report("drift", metrics, distributions=distributions)

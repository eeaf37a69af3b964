"""compute-drift: reference vs current -> tidy drift metrics (see the plugin README)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import recipe_io
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.table import RunInfo

recipe_io.setup_logging()
params = DriftParams.from_config(get_recipe_config())
reference = recipe_io.read_frame(recipe_io.input_dataset("reference"))
current = recipe_io.read_frame(recipe_io.input_dataset("current"))
metrics = compute_drift(reference, current, params, RunInfo.new())
recipe_io.write_metrics(recipe_io.output_dataset("metrics"), metrics)

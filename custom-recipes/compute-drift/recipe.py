"""compute-drift: reference vs current -> tidy drift metrics (see the plugin README).

Exact in memory up to max_rows_in_memory rows, streamed in chunks beyond (docs/scale.md)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import drift_io, evaluation_store, recipe_io
from dku_guardrails.report_output import write_report
from model_guardrails.drift import DriftParams
from model_guardrails.table import RunInfo

recipe_io.setup_logging()
params = DriftParams.from_config(get_recipe_config())
store = evaluation_store.target(get_recipe_config())
result = drift_io.compute(params, recipe_io.input_dataset("reference"), recipe_io.input_dataset("current"),
                          recipe_io.output_folder("profile", required=False), RunInfo.new())
recipe_io.write_metrics(recipe_io.output_dataset("metrics"), result.table)
write_report("drift", result.table, distributions=result.distributions)  # binned counts per feature
evaluation_store.post(store, "compute-drift", result.table)  # after the dataset is written

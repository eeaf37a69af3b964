"""compute-drift-spark: compute-drift on Spark. The sufficient statistics (bin counts, category
counts, moments) are Spark aggregations; the same core finishes them (docs/scale.md)."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails import drift_io, evaluation_store, recipe_io, spark_io
from model_guardrails.drift import DriftParams
from model_guardrails.table import RunInfo

recipe_io.setup_logging()
params = DriftParams.from_config(get_recipe_config(), spark=True)
store = evaluation_store.target(get_recipe_config())
spark = spark_io.session()
result = drift_io.compute_spark(spark, params, recipe_io.input_dataset("reference"), recipe_io.input_dataset("current"),
                                recipe_io.output_folder("profile", required=False), RunInfo.new())
recipe_io.write_metrics(recipe_io.output_dataset("metrics"), result.table)
evaluation_store.post(store, "compute-drift-spark", result.table)  # after the dataset is written

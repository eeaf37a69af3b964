"""compute-fairness: per-group fairness metrics and parity summaries of a scored dataset."""
from dataiku.customrecipe import get_recipe_config

from dku_guardrails.recipe_io import input_dataset, output_dataset, read_frame, setup_logging, write_metrics
from dku_guardrails.report_output import write_report
from model_guardrails.binary import require_columns
from model_guardrails.fairness import FairnessParams, compute_fairness


def load(dataset, role):
    require_columns([c["name"] for c in dataset.read_schema()], params.columns, role)
    return read_frame(dataset, columns=params.columns)


setup_logging()
params = FairnessParams.from_config(get_recipe_config())
reference_dataset = input_dataset("reference", required=False)

scored = load(input_dataset("scored"), "scored")
reference = load(reference_dataset, "reference") if reference_dataset else None

metrics = compute_fairness(scored, params, reference=reference)
write_metrics(output_dataset("metrics"), metrics)
write_report("fairness", metrics)

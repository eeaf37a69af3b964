"""The recipe parameters of the optional Model Evaluation Store output (one place, imported by each
family's params and by :mod:`model_guardrails.evaluation_store`, which imports the checks)."""

NAMES = ("evaluation_store_id", "evaluation_saved_model", "evaluation_model_version")

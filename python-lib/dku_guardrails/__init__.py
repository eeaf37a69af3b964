"""Thin DSS adapters of model-guardrails: roles, I/O and logging. Everything here touches the
``dataiku`` package; all computation lives in ``model_guardrails``."""

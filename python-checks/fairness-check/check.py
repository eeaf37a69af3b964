"""fairness-check: OK / WARNING / ERROR from a metrics dataset (see docs/checks.md).

DSS injects the module globals `config` (this check's parameters) and `plugin_config`."""
from dku_guardrails.checks import run_check


def process(last_values, dataset, partition_id):
    return run_check("fairness-check", dataset, partition_id, config)  # noqa: F821 (injected by DSS)

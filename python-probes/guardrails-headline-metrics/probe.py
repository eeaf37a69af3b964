"""guardrails-headline-metrics: the latest run's headline numbers as typed DSS metrics."""
from dataiku.metric import MetricDataTypes

from dku_guardrails.checks import read_metrics
from model_guardrails.checks.headline import headline_metrics


def process(dataset, partition_id):
    values = headline_metrics(read_metrics(dataset, partition_id, {}))
    return {name: (value, getattr(MetricDataTypes, kind)) for name, (value, kind) in values.items()}

"""Local stand-in for DSS's internal ``dataiku`` package (the subset model-guardrails uses).

Every public signature is DSS's own (tests/reference/dataiku_signatures.json, with sources; checked
by tests/project/test_stub_signatures.py); storage is a CSV or Parquet file per dataset (a directory of
per-partition files for a partitioned one) and a directory per managed folder.
"""

from . import _flow
from . import metric  # noqa: F401  (dataiku.metric.MetricDataTypes)
from ._dataset import Dataset  # noqa: F401
from ._folder import Folder  # noqa: F401

dku_flow_variables = {}


def default_project_key():
    return _flow.PROJECT_KEY


def api_client():
    """The public-API client of the local DSS (``--dss-url`` / ``--dss-api-key``)."""
    factory = _flow.state["api_client"]
    if factory is None:
        raise RuntimeError("No DSS API client configured: pass --dss-url and --dss-api-key to dss-local.")
    return factory()

"""DSS side of the checks: read the checked object as a metrics DataFrame, run the core check,
hand DSS ``(outcome, message)``. Never raises: any failure is an ``ERROR`` outcome with a message
(DSS shows the message in the data-quality rule / check result and the scenario report)."""
import io
import logging

import pandas as pd

from dku_guardrails.recipe_io import FLOAT_PRECISION
from model_guardrails import checks
from model_guardrails.checks.core import error_outcome
from model_guardrails.errors import GuardrailsError

log = logging.getLogger("model_guardrails.checks_io")  # one namespace: model_guardrails
WHOLE = (None, "", "NP", "ALL")


def read_metrics(obj, partition_id, config):
    """A dataset's rows, or a CSV/Parquet file of a managed folder (param ``metrics_file``)."""
    if hasattr(obj, "get_dataframe"):
        if partition_id not in WHOLE and hasattr(obj, "add_read_partitions"):
            obj.add_read_partitions(partition_id)
        # Empty cells are missing values; texts such as "NA" stay texts (group or feature names).
        return obj.get_dataframe(keep_default_na=False, na_values=[""], float_precision=FLOAT_PRECISION)
    if hasattr(obj, "get_download_stream") and hasattr(obj, "list_paths_in_partition"):
        return _read_folder_file(obj, (config or {}).get("metrics_file") or "")
    raise GuardrailsError("this check reads a metrics dataset written by the plugin's recipes; it is attached "
                          "to a {} — attach it to the metrics dataset (Data Quality > plugin rule) or to a "
                          "managed folder holding the metrics file".format(type(obj).__name__))


def _read_folder_file(folder, path):
    files = [f for f in folder.list_paths_in_partition() if f.lower().endswith((".csv", ".parquet"))]
    if not path:
        if len(files) != 1:
            raise GuardrailsError("parameter 'metrics_file': name the metrics file (CSV or Parquet) of the managed "
                                  "folder to check; it holds {}".format(", ".join(files[:10]) or "no CSV/Parquet file"))
        path = files[0]
    if ("/" + path.lstrip("/")) not in files:
        raise GuardrailsError("parameter 'metrics_file': {} is not a CSV/Parquet file of the folder (files: {})".format(
            path, ", ".join(files[:10]) or "none"))
    with folder.get_download_stream(path) as stream:
        data = stream.read()
    if path.lower().endswith(".parquet"):
        return pd.read_parquet(io.BytesIO(data))
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""], low_memory=False,
                       float_precision=FLOAT_PRECISION)


def run_check(check_id, obj, partition_id, config):
    """What a check.py returns to DSS: ``(outcome, message)``."""
    try:
        frame = read_metrics(obj, partition_id, config)
        outcome = checks.run(check_id, frame, config)
    except GuardrailsError as exc:
        outcome = error_outcome(str(exc))
    except Exception as exc:  # a check must answer ERROR with a message, never crash the rule
        log.exception("%s failed", check_id)
        outcome = error_outcome("{} could not run: {}: {}".format(check_id, type(exc).__name__, exc))
    log.info("%s: %s", check_id, outcome.message)
    return outcome.as_tuple()

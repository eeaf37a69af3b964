"""The evidence datasets' rows, read through the internal API exactly as the checks read them
(``dku_guardrails.checks.read_metrics``), for the gate's evidence rule and its model-health section."""
import logging

import dataiku

from ..checks import read_metrics

log = logging.getLogger("model_guardrails.gate")


def read_frames(names):
    """{name: (DataFrame or None, why it could not be read)}."""
    out = {}
    for name in names:
        try:
            out[name] = (read_metrics(dataiku.Dataset(name), None, {}), "")
        except Exception as exc:  # noqa: BLE001 -- any read failure makes the evidence rule FAIL, named
            log.warning("Evidence dataset %s not read: %s", name, exc)
            out[name] = (None, "{}: {}".format(type(exc).__name__, str(exc)[:300]))
    return out

"""The evidence datasets' rows, read through the internal API exactly as the checks read them
(``dku_guardrails.checks.read_metrics``), for the gate's evidence rule and its model-health section.
Each read runs under the macro's deadline: it is not started once the deadline has passed, and one
that does not finish in the time left is abandoned (its rule FAILs "rows not read: timeout")."""
import logging
import threading

import dataiku

from ..checks import read_metrics

log = logging.getLogger("model_guardrails.gate")


def _read_within(name, seconds):
    """(DataFrame or None, why not read) of dataset ``name``, given at most ``seconds``."""
    result = {}

    def read():
        try:
            result["frame"] = read_metrics(dataiku.Dataset(name), None, {})
        except Exception as exc:  # noqa: BLE001 -- any read failure makes the evidence rule FAIL, named
            result["error"] = "{}: {}".format(type(exc).__name__, str(exc)[:300])

    worker = threading.Thread(target=read, name="evidence-read-" + name, daemon=True)  # abandoned on timeout
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        return None, "timeout: not read within {:.0f} s (the macro's deadline)".format(seconds)
    if "error" in result:
        return None, result["error"]
    return result.get("frame"), "" if "frame" in result else "not read"


def read_frames(names, deadline):
    """{name: (DataFrame or None, why it could not be read)}, each read bounded by ``deadline``
    (an http.Deadline: the time left of the macro's run)."""
    out = {}
    for name in names:
        left = deadline.remaining()
        out[name] = (None, "not read: the macro's deadline had passed") if left <= 0 else _read_within(name, left)
        if out[name][0] is None:
            log.warning("Evidence dataset %s not read: %s", name, out[name][1])
    return out

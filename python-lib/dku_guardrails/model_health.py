"""The model-health section of the gate's approval report: the evidence datasets' latest metrics
(read through the internal API), their check outcomes and the Govern approval, on one page."""
import logging
from html import escape

import dataiku

from model_guardrails import reports
from model_guardrails.checks.core import DRIFT, FAIRNESS, PERFORMANCE, kind_of

from .checks import read_metrics

log = logging.getLogger("model_guardrails.model_health")  # one namespace: model_guardrails
FRAME_ARGUMENT = {DRIFT: "drift", FAIRNESS: "fairness", PERFORMANCE: "performance"}


def section(datasets, rule_results, approval, bundle_id, project_key):
    """(heading, html) for the approval report, or None when no evidence dataset is one of ours.
    The decision is already taken: a dataset that cannot be read is named, never fatal."""
    frames, unread = {}, []
    for name in datasets:
        try:
            frame = read_metrics(dataiku.Dataset(name), None, {})  # read as the checks read it
        except Exception as exc:  # noqa: BLE001 -- informational section; any read failure is reported
            log.warning("Model health: cannot read evidence dataset %s: %s", name, exc)
            unread.append(name)
            continue
        kind = kind_of(frame)
        if kind is not None:
            frames[FRAME_ARGUMENT[kind]] = frame
    if not frames:
        return None
    checks = [(r.get("name") or r.get("id") or "rule", str(r.get("outcome", "")).upper(), r.get("message", ""))
              for results in rule_results.values() if isinstance(results, list)
              for r in results if isinstance(r, dict)]
    heading, html = reports.model_health_section(checks=checks, approval=approval, bundle_id=bundle_id,
                                                 project_key=project_key, **frames)
    if unread:
        html += "<p>Not read: {}.</p>".format(", ".join(escape(n) for n in unread))
    return heading, html

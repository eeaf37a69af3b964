"""The optional ``report`` output of the recipes: a managed folder that receives report.html (the
self-contained HTML report) and metrics.json (the run's metrics and the chart data)."""
import logging

import dataiku
from dataiku.customrecipe import get_output_names_for_role

from model_guardrails import reports

ROLE = "report"
BUILDERS = {
    "drift": (reports.drift_report, reports.drift_json, ("distributions",)),
    "fairness": (reports.fairness_report, reports.fairness_json, ()),
    "performance": (reports.performance_report, reports.performance_json, ("curves",)),
}


def report_folder(role=ROLE):
    names = get_output_names_for_role(role)
    return dataiku.Folder(names[0]) if names else None


def write_report(kind, metrics, **chart_data):
    """Write report.html and metrics.json into the ``report`` folder when the role is set."""
    folder = report_folder()
    if folder is None:
        return None
    build_html, build_json, keys = BUILDERS[kind]
    extra = {k: chart_data.get(k) for k in keys}
    html = build_html(metrics, **extra)
    folder.upload_data("report.html", html.encode("utf-8"))
    folder.upload_data("metrics.json", build_json(metrics, **extra).encode("utf-8"))
    logging.info("Wrote the %s report (report.html, %d KB; metrics.json) to folder %s", kind, len(html) // 1024,
                 folder.get_name() if hasattr(folder, "get_name") else ROLE)
    return html

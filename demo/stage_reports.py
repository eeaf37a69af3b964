"""Demo stage: every HTML report in one folder.

``run(outputs, output_dir)``: ``outputs`` maps "drift", "fairness" and "performance" to the metrics
datasets the earlier stages wrote (demo/output/*.csv). The stage reruns the three recipes through
the local runtime with the same configs plus their optional ``report`` folder role, so the reports
come from the plugin's real recipe.py files (the metrics datasets are rewritten with identical
numbers under a new run id). The input data is read from ``data_dir`` (default: the ``data``
folder beside the drift metrics, as demo/make_data.py writes it); the performance baseline from
``performance_baseline.csv`` beside the performance metrics when present.

Layout of ``output_dir``: drift/, fairness/, performance/ (each report.html + metrics.json),
model-health.html and index.html. Returns the lines to print, the folder path last.
"""
import os

import pandas as pd

import stage_fairness
from dss_local.runtime import run_recipe
from model_guardrails import reports
from model_guardrails.reports.html import worst_status

DRIFT = dict(excluded_columns=["transaction_id", "transaction_date"])
KINDS = ("drift", "fairness", "performance")


def _read(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _statuses(kind, frame):
    """(check, outcome, message) from the latest run's statuses, until the checks are wired in."""
    if kind == "drift":
        rows = frame[frame["metric"] == "drift_share"]
    elif kind == "fairness":
        rows = frame[frame["group"] == "__summary__"]
    else:
        rows = frame[frame["window"] == "__all__"]
    bad = rows[rows["status"].isin(["ERROR", "WARNING"])]
    outcome = worst_status(rows["status"].tolist())
    subject = "feature" if kind == "drift" else "attribute" if kind == "fairness" else "window"
    detail = "; ".join("{} {} {:.3g} ({})".format(r[subject], r["metric"], r["value"], r["status"])
                       for _, r in bad.head(4).iterrows())
    return ("{} metrics (worst status)".format(kind), outcome, detail or "no breach")


def run(outputs, output_dir, data_dir=None, checks=None, approval=None, bundle_id="", project_key="FRAUD_DETECTION"):
    os.makedirs(output_dir, exist_ok=True)
    data_dir = data_dir or os.path.join(os.path.dirname(os.path.abspath(outputs["drift"])), "data")
    reference = os.path.join(data_dir, "reference.parquet")
    current = os.path.join(data_dir, "current.parquet")
    folders = {k: os.path.join(output_dir, k) + os.sep for k in KINDS}
    run_recipe("compute-drift", [("reference", reference), ("current", current)],
               [("metrics", outputs["drift"]), ("report", folders["drift"])], config=DRIFT)
    run_recipe("compute-fairness", [("scored", current), ("reference", reference)],
               [("metrics", outputs["fairness"]), ("report", folders["fairness"])], config=stage_fairness.FAIRNESS)
    baseline = os.path.join(os.path.dirname(os.path.abspath(outputs["performance"])), "performance_baseline.csv")
    inputs = [("scored", current)] + ([("baseline", baseline)] if os.path.exists(baseline) else [])
    run_recipe("evaluate-model", inputs, [("metrics", outputs["performance"]), ("report", folders["performance"])],
               config=stage_fairness.PERFORMANCE)
    frames = {k: _read(outputs[k]) for k in KINDS}
    outcomes = list(checks) if checks is not None else [_statuses(k, frames[k]) for k in KINDS]
    health = reports.model_health_report(
        drift=frames["drift"], fairness=frames["fairness"], performance=frames["performance"], checks=outcomes,
        approval=approval, bundle_id=bundle_id, project_key=project_key, model="fraud scorer (demo)",
        links={k: "{}/report.html".format(k) for k in KINDS})
    with open(os.path.join(output_dir, "model-health.html"), "w", encoding="utf-8") as f:
        f.write(health)
    index = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>model-guardrails reports</title>'
             '</head><body style="font-family:Arial,sans-serif"><h3>model-guardrails demo reports</h3><ul>{}</ul>'
             '</body></html>\n').format("".join('<li><a href="{0}">{0}</a></li>'.format(p) for p in (
                 "model-health.html", "drift/report.html", "fairness/report.html", "performance/report.html")))
    with open(os.path.join(output_dir, "index.html"), "w", encoding="utf-8") as f:
        f.write(index)
    lines = []
    for k in KINDS:
        size = os.path.getsize(os.path.join(folders[k], "report.html"))
        lines.append("  {:<12} {}report.html ({} KB) + metrics.json".format(k, folders[k], size // 1024))
    lines.append("  model health {}".format(os.path.join(output_dir, "model-health.html")))
    lines.append("HTML reports: {}".format(os.path.abspath(output_dir)))
    return lines


if __name__ == "__main__":
    import sys

    root = sys.argv[1] if len(sys.argv) > 1 else "demo/output"
    for line in run({k: os.path.join(root, "{}_metrics.csv".format(k)) for k in KINDS},
                    os.path.join(root, "reports")):
        print(line)

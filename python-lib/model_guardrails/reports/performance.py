"""The performance report: metrics with their intervals against the baseline and bounds, ROC and
calibration curves, and the trend over time windows (or over the runs of an appended history)
with the bounds drawn."""
from html import escape

from ..contract import ALL_WINDOWS
from . import svg
from .common import latest_run, metrics_json, run_line, run_verdict
from .html import (COLORS, Cell, document, fmt, is_number, legend, num_cell, page, rich_table, SORT_SCRIPT,
                   status_badge, status_cell, worst_status)

UNIT_METRICS = ("roc_auc", "average_precision", "accuracy", "precision", "recall", "f1", "brier_score")
NOTES = [
    "Numbers equal scikit-learn's where those are defined; undefined values (0/0, a single class) are EMPTY "
    "with a reason, never OK.",
    "Intervals at the run's confidence level: Wilson for accuracy, precision and recall; DeLong for ROC AUC; "
    "logit for average precision; delta method for F1, R² and the means (log loss, Brier, MAE, RMSE).",
    "Status: a value breaches a bound when strictly beyond it (higher-is-better metrics: below the bound).",
    "Baseline: an earlier evaluate-model run (its __all__ rows) or the baseline_value parameter; change = value − "
    "baseline.",
    "ROC and calibration are computed on all scored rows of this run (calibration: 10 equal-width score bins, "
    "point size by row count).",
]


def _bounds_lines(row):
    lines = []
    for key, colour, name in (("warning_threshold", COLORS["WARNING"], "warning"),
                              ("error_threshold", COLORS["ERROR"], "error")):
        if is_number(row.get(key)):
            lines.append((row[key], colour, "5 3", "{} {}".format(name, fmt(row[key]))))
    if is_number(row.get("baseline_value")):
        lines.append((row["baseline_value"], COLORS["baseline"], "2 2", "baseline " + fmt(row["baseline_value"])))
    return lines


def _metrics_section(overall):
    columns = [("metric", "metric"), ("value", "value"), ("ci", "interval"), ("baseline", "baseline"),
               ("change", "change"), ("warning", "warning"), ("error", "error"), ("status", "status"),
               ("n", "rows"), ("reason", "reason")]
    rows = []
    for r in overall:
        interval = ("{} – {}".format(fmt(r.get("ci_low")), fmt(r.get("ci_high")))
                    if is_number(r.get("ci_low")) and is_number(r.get("ci_high")) else "")
        change = r.get("change")
        rows.append([Cell(r["metric"]), num_cell(r.get("value"), r["status"]), Cell(interval, cls="mg-num"),
                     num_cell(r.get("baseline_value")), Cell("{:+.4f}".format(change) if is_number(change) else "",
                                                             sort=change if is_number(change) else "", cls="mg-num"),
                     num_cell(r.get("warning_threshold")), num_cell(r.get("error_threshold")),
                     status_cell(r["status"]), num_cell(r.get("n")), Cell(r.get("reason", ""), cls="mg-reason")])
    html = rich_table(columns, rows, row_status=[r["status"] for r in overall])
    dots = []
    for r in overall:
        if r["metric"] not in UNIT_METRICS:
            continue
        marks = [(v, c, t) for v, c, _, t in _bounds_lines(r)]
        dots.append((r["metric"], r.get("value"), r.get("ci_low"), r.get("ci_high"),
                     COLORS.get(r["status"], COLORS["EMPTY"]), False, marks))
    if dots:
        html += "<h5>Metrics with their intervals</h5>"
        html += legend([(COLORS["OK"], "value and interval (colour = status)"), (COLORS["baseline"], "baseline"),
                        (COLORS["WARNING"], "warning bound"), (COLORS["ERROR"], "error bound")])
        html += svg.interval_dots("perf-metrics", dots, domain=(0.0, 1.0), width=620, row_h=24,
                                  label="metrics with intervals, baseline and bounds", x_label="value (0–1)")
    return html


def _curves_section(curves):
    if not curves:
        return ""
    panels = []
    roc = curves.get("roc")
    if roc:
        chart = svg.xy_plot("perf-roc", curves=[(roc["fpr"], roc["tpr"], COLORS["current"], None)],
                            label="ROC curve", x_label="false positive rate", y_label="true positive rate")
        panels.append('<div class="mg-panel"><h5>ROC curve</h5>{}</div>'.format(chart))
    cal = curves.get("calibration")
    if cal and cal.get("count"):
        biggest = max(cal["count"])
        points = [(x, y, 2.5 + 5.5 * (c / biggest) ** 0.5, COLORS["current"],
                   "mean score {}: observed rate {} ({} rows)".format(fmt(x), fmt(y), fmt(c)))
                  for x, y, c in zip(cal["mean_score"], cal["observed_rate"], cal["count"])]
        chart = svg.xy_plot("perf-calibration", curves=[(cal["mean_score"], cal["observed_rate"],
                                                         COLORS["current"], None)], points=points,
                            label="calibration curve", x_label="mean predicted score", y_label="observed positive rate")
        panels.append('<div class="mg-panel"><h5>Calibration</h5>{}</div>'.format(chart))
    pva = curves.get("predicted_vs_actual")
    if pva and pva.get("count"):
        values = pva["mean_prediction"] + pva["mean_actual"]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.05 or 1.0
        chart = svg.xy_plot("perf-pva", curves=[(pva["mean_prediction"], pva["mean_actual"], COLORS["current"], None)],
                            domain=(lo - pad, hi + pad), label="mean actual by prediction bin",
                            x_label="mean prediction", y_label="mean actual")
        panels.append('<div class="mg-panel"><h5>Predicted vs actual (decile bins)</h5>{}</div>'.format(chart))
    if curves.get("note"):
        panels.append('<p class="mg-meta">{}</p>'.format(escape(curves["note"])))
    return '<div class="mg-grid">{}</div>'.format("".join(panels))


def _trend_section(frame, latest):
    """Windows of the latest run; else the runs of the history (window __all__)."""
    windows = latest[latest["window"].astype(str) != ALL_WINDOWS]
    if len(windows):
        source, axis, what = windows, "window", "time window"
    else:
        history = frame[frame["window"].astype(str) == ALL_WINDOWS]
        if history["run_id"].nunique() < 2:
            return ""
        source, axis, what = history.sort_values("run_time"), "run_time", "run"
    panels = []
    for i, metric in enumerate(dict.fromkeys(source["metric"].astype(str))):
        rows = source[source["metric"].astype(str) == metric].to_dict("records")
        if axis == "window":
            rows = sorted(rows, key=lambda r: str(r["window"]))
        labels = [str(r[axis]).replace("T", " ")[:16] for r in rows]
        current = latest[(latest["metric"].astype(str) == metric) & (latest["window"].astype(str) == ALL_WINDOWS)]
        ref_row = current.to_dict("records")[0] if len(current) else rows[-1]
        chart = svg.trend("perf-trend-{}".format(i), labels, [r.get("value") for r in rows],
                          [r.get("ci_low") for r in rows], [r.get("ci_high") for r in rows],
                          hlines=_bounds_lines(ref_row), width=354,
                          point_colours=[COLORS.get(r["status"], COLORS["EMPTY"]) for r in rows],
                          label="{} by {}".format(metric, what))
        status = worst_status([r["status"] for r in rows])
        panels.append('<div class="mg-panel"><h5><span>{}</span>{}</h5>{}</div>'.format(
            escape(metric), status_badge(status), chart))
    intro = "<p>{} by {} ({} points); band = interval, dots coloured by status, dashed lines = bounds and " \
            "baseline.</p>".format("Each metric", what, source[axis].nunique())
    return intro + '<div class="mg-grid">{}</div>'.format("".join(panels))


def performance_fragment(metrics, curves=None, title="Model performance"):
    latest = latest_run(metrics)
    overall = latest[latest["window"].astype(str) == ALL_WINDOWS].to_dict("records")
    status, verdict_html = run_verdict(metrics)
    sections = [("Metrics (all rows)", _metrics_section(overall))]
    curve_html = _curves_section(curves)
    if curve_html:
        sections.append(("Curves", curve_html))
    trend = _trend_section(metrics, latest)
    if trend:
        sections.append(("Trend", trend))
    n = next((r.get("n") for r in overall if is_number(r.get("n"))), None)
    meta = run_line(latest, [("rows", fmt(n))]) + "<br>" + verdict_html
    return page(title, status_badge(status), sections, meta_html=meta, extra_class="mg-performance",
                footer_items=[escape(x) for x in NOTES])


def performance_report(metrics, curves=None, title="Model performance report"):
    return document(title, performance_fragment(metrics, curves, title), script=SORT_SCRIPT)


def performance_json(metrics, curves=None):
    return metrics_json("performance", latest_run(metrics), {"curves": curves or {}})

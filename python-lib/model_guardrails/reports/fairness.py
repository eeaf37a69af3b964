"""The fairness report: per sensitive attribute, each group's rates with their confidence
intervals and the reference group marked, the disparate-impact view with the four-fifths line,
the parity summaries with their bounds and, when a reference dataset was given, the bias shift."""
from html import escape

from ..contract import OVERALL, SUMMARY
from . import svg
from .common import latest_run, metrics_json, run_line, run_verdict
from .html import (COLORS, Cell, document, fmt, is_number, legend, num_cell, page, rich_table, SORT_SCRIPT,
                   status_badge, status_cell, worst_status)

RATE_PANELS = (("selection_rate", "Selection rate (predicted positive)"),
               ("tpr", "True positive rate (equal opportunity)"),
               ("fpr", "False positive rate (equalized odds)"))
FOUR_FIFTHS = 0.8

CONVENTIONS = {
    "default": "groups compared with the reference group; disparate_impact = min / max selection rate "
               "(the four-fifths rule); *_difference = largest gap between groups.",
    "fairlearn_between_groups": "Fairlearn between_groups: spreads max − min and ratios min / max over groups, "
                                "equalized odds as the worst of the TPR and FPR gaps.",
    "fairlearn_to_overall": "Fairlearn to_overall: largest gap (or smallest ratio) between a group and the whole "
                            "population.",
    "aif360": "AIF360: signed unprivileged − privileged differences and unprivileged / privileged ratios, the "
              "reference group being the privileged one.",
}
NOTES = [
    "Intervals: Wilson score intervals for rates at the run's confidence level; ROC AUC with DeLong's variance.",
    "Status: a summary breaches a bound when strictly beyond it (disparate_impact: below; differences: above). "
    "EMPTY means undefined (e.g. a group without positives) and is never OK.",
    "Bias shift (*_shift rows): current value minus the value on the reference dataset, judged by its own bounds.",
]


def _groups(rows):
    return [r for r in rows if r["group"] not in (OVERALL, SUMMARY)]


def _label(row):
    n = row.get("n")
    return "{} (n={})".format(row["group"], fmt(n)) if is_number(n) else str(row["group"])


class Attribute:
    def __init__(self, name, rows):
        self.name = name
        self.by_metric = {}
        for row in rows:
            self.by_metric.setdefault(row["metric"], []).append(row)
        refs = [r.get("reference_group") for r in rows if isinstance(r.get("reference_group"), str)
                and r.get("reference_group")]
        self.reference = refs[0] if refs else ""
        self.summary = [r for r in rows if r["group"] == SUMMARY and not r["metric"].endswith("_shift")]
        self.shifts = {r["metric"][:-len("_shift")]: r for r in rows
                       if r["group"] == SUMMARY and r["metric"].endswith("_shift")}
        self.status = worst_status([r["status"] for r in self.summary] + [r["status"] for r in self.shifts.values()])


def _rate_panel(attribute, metric, title, index):
    rows = attribute.by_metric.get(metric, [])
    groups = _groups(rows)
    if not groups:
        return ""
    overall = next((r for r in rows if r["group"] == OVERALL), None)
    values = [v for r in groups for v in (r.get("value"), r.get("ci_low"), r.get("ci_high")) if is_number(v)]
    high = svg.nice_max(max(values + [0.05]) * 1.05)
    dots = []
    for r in groups:
        is_ref = str(r["group"]) == attribute.reference
        colour = COLORS["reference"] if is_ref else COLORS["current"]
        dots.append((_label(r) + (" ★" if is_ref else ""), r.get("value"), r.get("ci_low"), r.get("ci_high"),
                     colour, is_ref))
    lines = []
    if overall is not None and is_number(overall.get("value")):
        lines.append((overall["value"], COLORS["axis"], "4 3", "overall " + fmt(overall["value"])))
    chart = svg.interval_dots("fair-{}-{}".format(metric, index), dots, domain=(0.0, min(high, 1.0)), lines=lines,
                              width=360, label="{} by group of {}".format(metric, attribute.name), x_label=metric)
    return '<div class="mg-panel"><h5>{}</h5>{}</div>'.format(escape(title), chart)


def _impact_panel(attribute, index):
    rows = _groups(attribute.by_metric.get("selection_rate", []))
    if not rows:
        return ""
    di = next((r for r in attribute.summary if r["metric"] == "disparate_impact"), {})
    warning = di.get("warning_threshold")
    bars = []
    for r in rows:
        ratio = r.get("ratio_to_reference")
        is_ref = str(r["group"]) == attribute.reference
        status = ("EMPTY" if not is_number(ratio) else "ERROR" if ratio < FOUR_FIFTHS
                  else "WARNING" if is_number(warning) and ratio < warning else "OK")
        bars.append((_label(r) + (" ★" if is_ref else ""), ratio,
                     COLORS["reference"] if is_ref else COLORS[status], []))
    lines = [(FOUR_FIFTHS, COLORS["ERROR"], "5 3", "four-fifths 0.8")]
    if is_number(warning) and abs(warning - FOUR_FIFTHS) > 1e-9 and abs(warning - 1.0) > 0.04:
        lines.append((warning, COLORS["WARNING"], "5 3", "warning " + fmt(warning)))
    lines.append((1.0, COLORS["axis"], "2 2", "" if len(lines) == 2 else "1.0"))
    chart = svg.hbars("fair-di-{}".format(index), bars, width=420, lines=lines,
                      label="selection rate ratio to the reference group, {}".format(attribute.name),
                      x_label="selection rate / reference group's (disparate impact view)")
    caption = "disparate_impact {} {}".format(fmt(di.get("value")), di.get("status", "")) if di else ""
    return '<div class="mg-panel"><h5>Disparate impact view</h5>{}<div class="mg-caption">{}</div></div>'.format(
        chart, escape(caption))


def _summary_table(attribute):
    columns = [("metric", "metric"), ("value", "value"), ("warning", "warning"), ("error", "error"),
               ("direction", "direction"), ("status", "status")]
    has_shift = bool(attribute.shifts)
    if has_shift:
        columns += [("before", "on reference data"), ("shift", "shift"), ("shift_status", "shift status")]
    columns.append(("reason", "reason"))
    rows, statuses = [], []
    for r in attribute.summary:
        cells = [Cell(r["metric"]), num_cell(r.get("value"), r["status"]), num_cell(r.get("warning_threshold")),
                 num_cell(r.get("error_threshold")), Cell(r.get("direction", "")), status_cell(r["status"])]
        status = r["status"]
        if has_shift:
            s = attribute.shifts.get(r["metric"])
            before = (r["value"] - s["value"]) if s and is_number(s.get("value")) and is_number(r.get("value")) else None
            cells += [num_cell(before), num_cell(s.get("value") if s else None, s["status"] if s else ""),
                      status_cell(s["status"]) if s else Cell("")]
            status = worst_status([status, s["status"]]) if s else status
        cells.append(Cell(r.get("reason", ""), cls="mg-reason"))
        rows.append(cells)
        statuses.append(status)
    return rich_table(columns, rows, row_status=statuses)


def _shift_panel(attribute, index):
    rows = []
    for r in attribute.summary:
        s = attribute.shifts.get(r["metric"])
        if s is None or not is_number(s.get("value")) or not is_number(r.get("value")):
            continue
        rows.append((r["metric"], r["value"] - s["value"], r["value"], COLORS.get(s["status"], COLORS["EMPTY"])))
    if not rows:
        return ""
    high = svg.nice_max(max([max(b, a) for _, b, a, _ in rows] + [0.1]) * 1.05)
    chart = svg.dumbbell("fair-shift-{}".format(index), rows, domain=(0.0, high), width=520,
                         label="bias shift of {}".format(attribute.name),
                         x_label="reference data (blue) → current data (colour = shift status)")
    return '<div class="mg-panel"><h5>Bias shift vs the reference dataset</h5>{}</div>'.format(chart)


def fairness_fragment(metrics, title="Fairness"):
    frame = latest_run(metrics)
    records = frame.to_dict("records")
    names = list(dict.fromkeys(str(r["attribute"]) for r in records))
    attributes = [Attribute(n, [r for r in records if str(r["attribute"]) == n]) for n in names]
    sections = []
    overview = []
    for a in attributes:
        di = next((r for r in a.summary if r["metric"] == "disparate_impact"), {})
        breaches = [r["metric"] for r in a.summary + list(a.shifts.values()) if r["status"] in ("ERROR", "WARNING")]
        overview.append([Cell(a.name), status_cell(a.status), Cell(a.reference), num_cell(di.get("value"),
                                                                                          di.get("status", "")),
                         Cell(", ".join(breaches) or "none", cls="mg-reason")])
    sections.append(("Summary", rich_table([("attribute", "attribute"), ("status", "status"),
                                            ("reference", "reference group"), ("di", "disparate_impact"),
                                            ("breaches", "breaches")], overview,
                                           row_status=[a.status for a in attributes])))
    for i, a in enumerate(attributes):
        panels = [_rate_panel(a, m, t, i) for m, t in RATE_PANELS]
        panels += [_impact_panel(a, i), _shift_panel(a, i)]
        body = ('<p class="mg-meta">Reference group: <b>{}</b> (★, highlighted). Intervals: {} confidence.</p>'
                .format(escape(a.reference or "none"), "the run's"))
        body += legend([(COLORS["reference"], "reference group"), (COLORS["current"], "other groups"),
                        (COLORS["axis"], "overall population (dashed)")])
        body += '<div class="mg-grid">{}</div>'.format("".join(p for p in panels if p))
        body += "<h5>Parity summaries{}</h5>".format(" and bias shift" if a.shifts else "") + _summary_table(a)
        sections.append(("Attribute: {}".format(a.name), body, status_badge(a.status)))
    conventions = frame["convention"].dropna().astype(str).unique() if "convention" in frame else []
    convention = conventions[0] if len(conventions) else "default"
    footer = ["Convention <b>{}</b>: {}".format(escape(convention), escape(CONVENTIONS.get(
        convention, "see docs/fairness.md")))] + [escape(n) for n in NOTES]
    status, verdict_html = run_verdict(metrics)
    return page(title, status_badge(status), sections,
                meta_html=run_line(frame, [("convention", convention)]) + "<br>" + verdict_html,
                extra_class="mg-fairness", footer_items=footer)


def fairness_report(metrics, title="Fairness report"):
    return document(title, fairness_fragment(metrics, title), script=SORT_SCRIPT)


def fairness_json(metrics):
    return metrics_json("fairness", latest_run(metrics))

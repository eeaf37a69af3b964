"""The drift report: summary, worst offenders, a sortable per-feature table and, per feature, the
reference and current distributions over the bins the metrics used (missing and unseen bins
included)."""
from html import escape

from ..contract import DATASET, decided_on
from . import svg
from .common import latest_run, metrics_json, run_line, run_verdict
from .html import (COLORS, STATUS_RANK, Cell, cards, document, fmt, is_number, legend, num_cell, page, pct,
                   rich_table, SORT_SCRIPT, status_badge, status_cell)

TABLE_METRICS = ("drift_mass", "total_variation", "psi", "js_distance", "wasserstein_norm", "ks_pvalue", "chi2_pvalue", "hellinger",
                 "missing_share_reference", "missing_share_current", "unseen_share")
SHORT = {"missing_share_reference": "missing ref.", "missing_share_current": "missing cur.",
         "unseen_share": "unseen", "wasserstein_norm": "wasserstein_norm", "js_distance": "js_distance",
         "total_variation": "TV"}
WORST_SHOWN = 15

CONVENTIONS = {
    "default": [
        "Default decision (drift_mass, rule mass-1): total_variation (TV) is the share of the probability mass "
        "that moved, on the reference's decile bins (numeric) or on the max_categories most frequent "
        "categories of both sides together plus one pooled bin (categorical), missing values a bin of their "
        "own; drift_mass is TV minus a noise floor that sampling alone exceeds about once in a thousand runs "
        "for these sizes and bins; ERROR above 0.01. EMPTY when too few rows to decide (floor at least 0.99).",
        "PSI on reference-quantile bins (psi_bins, default 10) with open outer edges; empty bins floored at "
        "0.001; missing values are a bin of their own.",
        "Jensen-Shannon distance in base 2 (0–1); Hellinger and KL on the PSI bins; KS as scipy ks_2samp; "
        "Wasserstein-1 raw and divided by the reference standard deviation (wasserstein_norm).",
        "Categorical: one bin per reference category (the max_categories most frequent), the rest and unseen "
        "current values pooled into __other__, missing values their own bin; chi-square is a contingency test.",
    ],
    "evidently": [
        "Evidently 0.7 stattests: missing and infinite values dropped before each test (their shares are "
        "reported separately); numeric bins by Sturges over both samples (one bin per value when the reference "
        "has at most 20 distinct values).",
        "Jensen-Shannon in natural log; PSI/KL with Evidently's empty-bin epsilon; chi-square goodness of fit; "
        "Wasserstein divided by the reference standard deviation (ddof 0).",
    ],
}
COMMON_NOTES = [
    "Status: a value breaches a bound when it is strictly beyond it (direction 'above': value > bound; "
    "'below': value < bound). EMPTY means the value could not be computed (see its reason); it is never OK.",
    "A feature has drifted when its drift_score (the decision metric of its type, p-values corrected for "
    "multiple testing) is in ERROR; drift_share is the share of evaluable features that drifted.",
    "Distributions: bar heights are shares of all rows of each side (missing included), over the same bins "
    "as the metrics. Shaded slots are the special bins: pooled categories, unseen values, missing values.",
]




def _as_dict(distribution):
    return distribution.to_dict() if hasattr(distribution, "to_dict") else dict(distribution)


def _severity(row):
    """Sort key, worst first: status, then how far beyond its error bound the value is."""
    value, bound = row.get("value"), row.get("error_threshold")
    ratio = 0.0
    if is_number(value) and is_number(bound) and bound:
        ratio = value / bound if row.get("direction") != "below" else (bound / value if value else 1e9)
    return (-STATUS_RANK.get(row.get("status"), 0), -ratio, str(row.get("feature")))


def _bound_marks(row):
    marks = []
    for key, colour, name in (("warning_threshold", COLORS["WARNING"], "warning"),
                              ("error_threshold", COLORS["ERROR"], "error")):
        if is_number(row.get(key)):
            marks.append((row[key], colour, "{} bound {} ({})".format(name, fmt(row[key]), row.get("direction"))))
    return marks


class DriftData:
    """The latest run of a drift metrics frame, by feature."""

    def __init__(self, metrics):
        frame = latest_run(metrics)
        self.frame = frame
        features = frame[frame["feature"].astype(str) != DATASET]
        self.dataset = {r["metric"]: r for r in frame[frame["feature"].astype(str) == DATASET].to_dict("records")}
        self.by_feature = {}
        self.types = {}
        for row in features.to_dict("records"):
            name = str(row["feature"])
            self.by_feature.setdefault(name, {})[row["metric"]] = row
            self.types[name] = row.get("feature_type") if isinstance(row.get("feature_type"), str) else ""
        scores = [self.by_feature[f].get("drift_score") or {"feature": f, "status": "EMPTY", "value": None}
                  for f in self.by_feature]
        self.scores = sorted(scores, key=_severity)
        self.order = [str(s["feature"]) for s in self.scores]
        self.metrics_present = [m for m in TABLE_METRICS if any(m in v for v in self.by_feature.values())]
        conventions = frame["convention"].dropna().astype(str).unique() if "convention" in frame else []
        self.convention = conventions[0] if len(conventions) else "default"
        self.n_reference = _first(frame, "n_reference")
        self.n_current = _first(frame, "n_current")


def _first(frame, column):
    if column in frame.columns and len(frame):
        value = frame[column].iloc[0]
        return int(value) if is_number(value) else None
    return None


def _summary(data, status):
    """The summary cards (the recipe's counts; ``status``: the run's verdict) and the worst features."""
    share = data.dataset.get("drift_share", {})
    drifted = data.dataset.get("drifted_features", {})
    evaluable = [s for s in data.scores if s.get("status") != "EMPTY"]
    items = [
        ("{} / {}".format(fmt(drifted.get("value")) or "–", len(evaluable)), "features drifted (drift_score ERROR)",
         status),
        (pct(share.get("value")) or "–", "drift share (bounds {} / {})".format(
            pct(share.get("warning_threshold"), 0), pct(share.get("error_threshold"), 0)),
         share.get("status", "EMPTY")),
        (sum(1 for s in data.scores if s.get("status") == "WARNING"), "features in WARNING", ""),
        (len(data.scores) - len(evaluable), "features not evaluable (EMPTY)", ""),
        ("{} / {}".format(fmt(data.n_reference), fmt(data.n_current)), "rows reference / current", ""),
    ]
    html = cards(items)
    worst = [s for s in data.scores[:WORST_SHOWN]]
    if worst:
        rows = []
        for s in worst:
            metric = decided_on(s)
            rows.append(("{} ({})".format(s["feature"], metric) if metric else s["feature"], s.get("value"),
                         COLORS.get(s.get("status"), COLORS["EMPTY"]), _bound_marks(s)))
        html += "<h5>Worst offenders: drift_score by feature{}</h5>".format(
            "" if len(data.scores) <= WORST_SHOWN else " (top {} of {})".format(WORST_SHOWN, len(data.scores)))
        html += svg.hbars("drift-worst", rows, width=640, label="drift score of the worst features",
                          x_label="drift_score (ticks: warning and error bounds)")
    return html


def _table(data):
    columns = [("feature", "feature"), ("type", "type"), ("status", "status"), ("drift_score", "drift_score"),
               ("decided_on", "decided on")]
    columns += [(m, SHORT.get(m, m)) for m in data.metrics_present] + [("reason", "reason")]
    rows, statuses = [], []
    for name in data.order:
        metrics = data.by_feature[name]
        score = metrics.get("drift_score", {})
        status = score.get("status", "EMPTY")
        cells = [Cell(name), Cell(data.types.get(name, "")), status_cell(status),
                 num_cell(score.get("value"), status), Cell(decided_on(score))]
        for m in data.metrics_present:
            row = metrics.get(m)
            if row is None:
                cells.append(Cell("", sort=""))
            else:
                cells.append(num_cell(row.get("value"), row.get("status", "")))
        cells.append(Cell(score.get("reason", ""), cls="mg-reason"))
        rows.append(cells)
        statuses.append(status)
    return '<div class="mg-scroll">{}</div>'.format(
        rich_table(columns, rows, sortable=True, row_status=statuses, table_class="mg-features"))


def _panel(name, data, distribution, index):
    metrics = data.by_feature.get(name, {})
    score = metrics.get("drift_score", {})
    status = score.get("status", "EMPTY")
    facts = []
    metric = decided_on(score)
    if is_number(score.get("value")):
        facts.append("drift_score {} ({})".format(fmt(score["value"]), metric))
    for m in ("psi", "missing_share_current", "unseen_share"):
        row = metrics.get(m)
        if row is not None and is_number(row.get("value")) and (m == "psi" or row["value"] > 0):
            if m == "missing_share_current":
                ref = metrics.get("missing_share_reference", {}).get("value")
                facts.append("missing {} → {}".format(pct(ref), pct(row["value"])))
            else:
                facts.append("{} {}".format(SHORT.get(m, m), fmt(row["value"]) if m == "psi" else pct(row["value"])))
    head = '<h5><span>{}</span>{}</h5><div class="mg-caption">{}</div>'.format(
        escape(name), status_badge(status), escape(" · ".join(facts)))
    if distribution is None:
        reason = score.get("reason") or "no distribution recorded for this feature"
        return '<div class="mg-panel" style="width:380px">{}<p class="mg-caption">{}</p></div>'.format(
            head, escape(reason))
    d = distribution
    n_ref, n_cur = max(d["n_reference"], 1), max(d["n_current"], 1)
    ref = [c / n_ref for c in d["reference"]]
    cur = [c / n_cur for c in d["current"]]
    tips = ["{}: reference {} ({}), current {} ({})".format(lab, pct(r), fmt(rc), pct(c), fmt(cc))
            for lab, r, rc, c, cc in zip(d["labels"], ref, d["reference"], cur, d["current"])]
    chart = svg.grouped_bars("drift-dist-{}".format(index), d["labels"],
                             [("reference", COLORS["reference"], ref), ("current", COLORS["current"], cur)],
                             kinds=d["kinds"], width=364, label="distribution of {}".format(name), tooltips=tips)
    notes = [d.get("binning", "")] + list(d.get("notes") or [])
    return '<div class="mg-panel" style="width:380px">{}{}<div class="mg-caption">{}</div></div>'.format(
        head, chart, escape("; ".join(n for n in notes if n)))


def _distributions(data, distributions, max_charts):
    found = {}
    for d in distributions or []:
        d = _as_dict(d)
        found[str(d["feature"])] = d
    names = data.order if max_charts is None else data.order[:max_charts]
    panels = [_panel(name, data, found.get(name), i) for i, name in enumerate(names)]
    more = ""
    if len(names) < len(data.order):
        more = "<p>Distributions of the {} other features are left out (max_charts={}).</p>".format(
            len(data.order) - len(names), max_charts)
    return (legend([(COLORS["reference"], "reference"), (COLORS["current"], "current"),
                    (COLORS["band"], "special bin: pooled / unseen / missing")])
            + '<div class="mg-grid">{}</div>'.format("".join(panels)) + more)


def drift_fragment(metrics, distributions=None, title="Data drift", max_charts=None):
    """The drift report as a scoped HTML fragment (for a macro result or a larger page)."""
    data = DriftData(metrics)
    status, verdict_html = run_verdict(metrics)
    summary = _summary(data, status)
    sections = [("Summary", summary), ("Features", _table(data))]
    if distributions is not None:
        sections.append(("Distributions: reference vs current", _distributions(data, distributions, max_charts)))
    footer = ["Convention <b>{}</b>: {}".format(escape(data.convention), escape(" ".join(
        CONVENTIONS.get(data.convention, ["see docs/drift.md"]))))] + [escape(n) for n in COMMON_NOTES]
    meta = run_line(data.frame, [("convention", data.convention)]) + "<br>" + verdict_html
    return page(title, status_badge(status), sections, meta_html=meta, extra_class="mg-drift", footer_items=footer)


def drift_report(metrics, distributions=None, title="Data drift report", max_charts=None):
    """A self-contained HTML document (inline SVG, one small inline script to sort the table)."""
    return document(title, drift_fragment(metrics, distributions, title, max_charts), script=SORT_SCRIPT)


def drift_json(metrics, distributions=None):
    return metrics_json("drift", latest_run(metrics),
                        {"distributions": [_as_dict(d) for d in distributions or []]})

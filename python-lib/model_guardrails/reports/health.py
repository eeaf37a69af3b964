"""The model-health report, the "model card" of the lifecycle: one page joining the latest drift,
fairness and performance runs with their check outcomes, the Govern approval state when known
and the bundle the model was gated into.

Check outcomes are plain (check, outcome, message) triples, so any check runner can feed them.
"""
from html import escape

from ..contract import ALL_WINDOWS, SUMMARY, decided_on
from . import svg
from .common import latest_run, run_of, run_verdict
from .drift import DriftData
from .html import (COLORS, Cell, cards, document, fmt, is_number, key_values_html, num_cell, page, pct, rich_table,
                   status_badge, status_cell, worst_status)

OUTCOMES = ("OK", "WARNING", "ERROR", "EMPTY")
PRIMARY = ("roc_auc", "rmse", "r2", "accuracy")


def _approval_status(approval):
    if not approval:
        return "UNKNOWN"
    return str(approval.get("status") or approval.get("signoff_status") or "UNKNOWN").upper()


def _drift_part(drift, link):
    if drift is None or len(drift) == 0:
        return None, "EMPTY", ("–", "drift: no run", "")
    data = DriftData(drift)
    share = data.dataset.get("drift_share", {})
    status, verdict_html = run_verdict(drift)
    drifted = data.dataset.get("drifted_features", {}).get("value")
    evaluable = sum(1 for s in data.scores if s.get("status") != "EMPTY")
    rows = []
    for s in data.scores[:5]:
        rows.append([Cell(s["feature"]), status_cell(s.get("status", "EMPTY")),
                     num_cell(s.get("value"), s.get("status", "")), Cell(decided_on(s))])
    html = "<p>{} of {} evaluable features drifted (drift share {}, bounds {} / {}).{}</p>".format(
        fmt(drifted) or "–", evaluable, pct(share.get("value")) or "–", pct(share.get("warning_threshold"), 0),
        pct(share.get("error_threshold"), 0), _link(link)) + "<p>{}</p>".format(verdict_html)
    html += "<h5>Worst features</h5>" + rich_table(
        [("feature", "feature"), ("status", "status"), ("drift_score", "drift_score"), ("on", "decided on")], rows,
        row_status=[s.get("status", "EMPTY") for s in data.scores[:5]])
    card = (pct(share.get("value")) or "–", "drift share ({} / {} features)".format(fmt(drifted) or "–", evaluable),
            status)
    return html, status, card


def _fairness_part(fairness, link):
    if fairness is None or len(fairness) == 0:
        return None, "EMPTY", ("–", "fairness: no run", "")
    frame = latest_run(fairness)
    summary = frame[frame["group"].astype(str) == SUMMARY].to_dict("records")
    rows, statuses, di_values = [], [], []
    for attribute in dict.fromkeys(str(r["attribute"]) for r in summary):
        mine = [r for r in summary if str(r["attribute"]) == attribute]
        di = next((r for r in mine if r["metric"] == "disparate_impact"), {})
        if is_number(di.get("value")):
            di_values.append(di["value"])
        breaches = ["{} {}".format(r["metric"], fmt(r.get("value"))) for r in mine
                    if r["status"] in ("ERROR", "WARNING")]
        status = worst_status([r["status"] for r in mine])
        rows.append([Cell(attribute), status_cell(status), num_cell(di.get("value"), di.get("status", "")),
                     Cell(", ".join(breaches[:4]) + (" …" if len(breaches) > 4 else "") or "none", cls="mg-reason")])
        statuses.append(status)
    status, verdict_html = run_verdict(fairness)
    html = ("<p>{} sensitive attribute(s); {} with a breach.{}</p><p>{}</p>".format(
        len(rows), sum(1 for s in statuses if s in ("ERROR", "WARNING")), _link(link), verdict_html)
        + rich_table([("attribute", "attribute"), ("status", "status"), ("di", "disparate_impact"),
                      ("breaches", "breaches")], rows, row_status=statuses))
    card = (fmt(min(di_values)) if di_values else "–", "lowest disparate impact", status)
    return html, status, card


def _performance_part(performance, link):
    if performance is None or len(performance) == 0:
        return None, "EMPTY", ("–", "performance: no run", "")
    frame = latest_run(performance)
    overall = frame[frame["window"].astype(str) == ALL_WINDOWS].to_dict("records")
    status, verdict_html = run_verdict(performance)
    primary = next((r for m in PRIMARY for r in overall if r["metric"] == m), overall[0] if overall else {})
    rows = []
    for r in overall:
        interval = ("{} – {}".format(fmt(r.get("ci_low")), fmt(r.get("ci_high")))
                    if is_number(r.get("ci_low")) and is_number(r.get("ci_high")) else "")
        rows.append([Cell(r["metric"]), num_cell(r.get("value"), r["status"]), Cell(interval, cls="mg-num"),
                     num_cell(r.get("baseline_value")), status_cell(r["status"])])
    html = "<p>{} = {}{} on {} rows.{}</p>".format(
        escape(str(primary.get("metric", ""))), fmt(primary.get("value")),
        " (baseline {})".format(fmt(primary["baseline_value"])) if is_number(primary.get("baseline_value")) else "",
        fmt(primary.get("n")), _link(link)) + "<p>{}</p>".format(verdict_html)
    html += rich_table([("metric", "metric"), ("value", "value"), ("ci", "interval"), ("baseline", "baseline"),
                        ("status", "status")], rows, row_status=[r["status"] for r in overall])
    windows = frame[(frame["window"].astype(str) != ALL_WINDOWS) & (frame["metric"] == primary.get("metric"))]
    if len(windows) > 1:
        windows = windows.sort_values("window")
        hlines = [(primary.get(k), c, "5 3", "{} {}".format(n, fmt(primary.get(k))))
                  for k, c, n in (("error_threshold", COLORS["ERROR"], "error"),
                                  ("warning_threshold", COLORS["WARNING"], "warning"))]
        html += "<h5>{} by window</h5>".format(escape(str(primary.get("metric")))) + svg.trend(
            "health-trend", windows["window"].astype(str).tolist(), windows["value"].tolist(),
            windows["ci_low"].tolist(), windows["ci_high"].tolist(), hlines=hlines, width=520,
            point_colours=[COLORS.get(s, COLORS["EMPTY"]) for s in windows["status"]],
            label="primary metric by window")
    card = (fmt(primary.get("value")) or "–", str(primary.get("metric", "performance")), status)
    return html, status, card


def _link(href):
    return ' <a href="{}">Full report</a>.'.format(escape(href)) if href else ""


def _checks_part(checks):
    rows, statuses = [], []
    for check, outcome, message in checks:
        outcome = str(outcome).upper()
        rows.append([Cell(check), status_cell(outcome if outcome in OUTCOMES else "EMPTY"),
                     Cell(message, cls="mg-reason")])
        statuses.append(outcome if outcome in OUTCOMES else "EMPTY")
    return rich_table([("check", "check"), ("outcome", "outcome"), ("message", "message")], rows,
                      row_status=statuses), statuses


# A gate row's status as a page status: NOT APPLICABLE is shown empty; an unknown status is an ERROR.
GATE_STATUS = {"PASS": "OK", "WARN": "WARNING", "FAIL": "ERROR", "NOT APPLICABLE": "EMPTY"}
GATE_PASSING = ("PASS", "WARN", "NOT APPLICABLE")


def gate_part(gate_rules):
    """The gate's qualification rows ({rule, subject, status, level, value, bound, source}) as a table, and
    the gate's verdict: REFUSED when a row FAILs or has a status the page does not know (fail closed),
    so no page shows APPROVED beside it."""
    statuses = [GATE_STATUS.get(r.get("status"), "ERROR") for r in gate_rules]
    rows = [[Cell(str(r.get("rule", "")) + (" ({})".format(r["subject"]) if r.get("subject") else "")),
             status_cell(status), Cell(str(r.get("status", ""))), Cell(str(r.get("level", ""))),
             Cell(str(r.get("value", ""))), Cell(str(r.get("bound", ""))), Cell(str(r.get("source", "")))]
            for r, status in zip(gate_rules, statuses)]
    html = rich_table([("rule", "rule"), ("", "outcome"), ("result", "result"), ("level", "level"),
                       ("value", "value"), ("bound (the qualification policy's)", "bound"), ("source", "source")],
                      rows, row_status=statuses)
    return html, ("PASSED" if all(r.get("status") in GATE_PASSING for r in gate_rules) else "REFUSED")


def model_health_fragment(drift=None, fairness=None, performance=None, checks=(), approval=None, bundle_id="",
                          project_key="", model="", links=None, title="Model health", gate_rules=()):
    """The model-health page as a scoped fragment. ``drift``/``fairness``/``performance``: metrics
    frames (the latest run of each is used); ``checks``: (check, outcome, message) triples;
    ``approval``: Govern sign-off as a dict (status, approver, step, approved_on, item) or None
    when unknown; ``links``: optional hrefs of the full reports by kind; ``gate_rules``: the
    qualification rows of create-approved-bundle (dicts), judged with the policy's bounds."""
    links = links or {}
    checks = list(checks or [])
    parts = [("Drift", _drift_part(drift, links.get("drift"))),
             ("Fairness", _fairness_part(fairness, links.get("fairness"))),
             ("Performance", _performance_part(performance, links.get("performance")))]
    checks_html, check_statuses = _checks_part(checks)
    approval_status = _approval_status(approval)
    approval_kind = {"APPROVED": "OK", "REJECTED": "ERROR", "ABANDONED": "ERROR"}.get(approval_status, "WARNING")
    overall = worst_status(check_statuses + [p[1][1] for p in parts if p[1][0] is not None])
    summary_cards = [card for _, (_, _, card) in parts]
    gate_rules = list(gate_rules or [])
    gate_html, gate_verdict = gate_part(gate_rules) if gate_rules else (None, "")
    if gate_verdict == "REFUSED" and approval_status == "APPROVED":
        approval_status, approval_kind = "APPROVED, GATE REFUSED", "ERROR"
    summary_cards.append((approval_status, "Govern sign-off", approval_kind if approval else ""))
    if gate_verdict == "REFUSED":
        overall = "ERROR"
    if gate_rules:
        summary_cards.append((gate_verdict, "qualification rules", "ERROR" if gate_verdict == "REFUSED" else "OK"))
    summary_cards.append((bundle_id or "none", "bundle", ""))
    approval = approval or {}
    lifecycle = [("Project", escape(project_key or "–")), ("Model", escape(model or "–")),
                 ("Govern sign-off", status_badge(approval_kind, approval_status) if approval else
                  "unknown (Govern was not consulted)"),
                 ("Approver", escape(str(approval.get("approver") or "–"))),
                 ("Workflow step", escape(str(approval.get("step") or "–"))),
                 ("Approved on", escape(str(approval.get("approved_on") or ("(not reported)" if approval else
                                                                             "–")))),
                 ("Governed item", escape(str(approval.get("item") or "–"))),
                 ("Bundle", escape(bundle_id or "not gated into a bundle yet"))]
    sections = [("Summary", cards(summary_cards)), ("Lifecycle", key_values_html(lifecycle)),
                ("Checks", checks_html if checks else "<p>No check outcome was given.</p>",
                 status_badge(worst_status(check_statuses)) if checks else "")]
    if gate_rules:
        sections.append(("Qualification rules (create-approved-bundle, the policy's bounds)", gate_html,
                         status_badge("ERROR" if gate_verdict == "REFUSED" else "OK", gate_verdict)))
    for name, (html, status, _) in parts:
        sections.append((name, html if html is not None else "<p>No {} run was given.</p>".format(name.lower()),
                         status_badge(status) if html is not None else ""))
    sources = []
    for name, frame in (("drift", drift), ("fairness", fairness), ("performance", performance)):
        run_id, run_time = run_of(latest_run(frame)) if frame is not None and len(frame) else ("", "")
        if run_id:
            sources.append("{} run <code>{}</code> started {}".format(name, escape(run_id), escape(run_time)))
    footer = sources + [escape("Overall status: the worst of the check outcomes given and of the latest runs' "
                               "verdicts (ERROR > WARNING > OK). A run's verdict is what its check answers with "
                               "default settings: what could not be evaluated counts as WARNING, never OK. The "
                               "Govern sign-off is shown as reported and does not change the status.")]
    meta = " · ".join(escape(x) for x in (project_key, model, bundle_id) if x)
    return page(title, status_badge(overall), sections, meta_html=meta, extra_class="mg-health",
                footer_items=footer)


def model_health_report(title="Model health report", **kwargs):
    """A self-contained HTML document; same arguments as :func:`model_health_fragment`."""
    return document(title, model_health_fragment(title=title, **kwargs))


def model_health_section(**kwargs):
    """(heading, html) to add to a macro's HTML result (e.g. the gate's evidence)."""
    return "Model health", model_health_fragment(**kwargs)

"""The model-health section of the gate's approval report: the evidence datasets' latest metrics
(as the gate read them, see ``gate/evidence.py``), their check outcomes, the gate's qualification
rules and the Govern approval, on one page."""
from html import escape

from model_guardrails import reports
from model_guardrails.checks.core import DRIFT, FAIRNESS, PERFORMANCE, kind_of

FRAME_ARGUMENT = {DRIFT: "drift", FAIRNESS: "fairness", PERFORMANCE: "performance"}


def section(frames_by_name, rule_results, approval, bundle_id, project_key, gate_rules=()):
    """(heading, html) for the approval report, or None when no evidence dataset is one of ours.
    ``frames_by_name``: {dataset: (DataFrame or None, why not read)} as the gate read them;
    ``gate_rules``: the gate's qualification rows (dicts), shown beside the sign-off."""
    frames, unread = {}, []
    for name, (frame, _) in frames_by_name.items():
        kind = kind_of(frame) if frame is not None else None
        if frame is None:
            unread.append(name)
        elif kind is not None:
            frames[FRAME_ARGUMENT[kind]] = frame
    if not frames:
        return None
    checks = [(r.get("name") or r.get("id") or "rule", str(r.get("outcome", "")).upper(), r.get("message", ""))
              for results in rule_results.values() if isinstance(results, list)
              for r in results if isinstance(r, dict)]
    heading, html = reports.model_health_section(checks=checks, approval=approval, bundle_id=bundle_id,
                                                 project_key=project_key, gate_rules=gate_rules, **frames)
    if unread:
        html += "<p>Not read: {}.</p>".format(", ".join(escape(n) for n in unread))
    return heading, html

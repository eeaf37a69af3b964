"""What an approval leaves behind: the bundle's release notes and the audit entry's parameters."""
import json
from datetime import datetime, timezone
from urllib.parse import quote_plus


def release_notes(decision, item, user_notes="", now=None):
    """Release notes of an approved bundle: who approved what, and when, then the user's notes. The
    gate's mark comes first, so that notes cut to fit the export call's URL (cut from the end)
    always keep it: the decision-trail rule recognises the gate's bundles by it."""
    now = now or datetime.now(timezone.utc)
    lines = ["Approved by the model-guardrails gate on {}.".format(now.strftime("%Y-%m-%d %H:%M UTC"))]
    lines.append("Govern item: {}; sign-off step '{}': {}".format(item.govern_label, decision.step,
                                                                  decision.signoff_status))
    lines.append("Final approval: {}{}".format(decision.approver or "(approver not reported by Govern)",
                                              " on " + decision.approved_on if decision.approved_on else ""))
    if decision.approver_comment:
        lines.append("Approver's comment: " + decision.approver_comment)
    for entry in decision.feedback:
        lines.append("Feedback: " + entry)
    if user_notes:
        lines += ["", user_notes]
    return "\n".join(lines)


# Release notes travel in the export call's query string (dataikuapi sends them as ``releaseNotes``):
# web servers commonly refuse request lines beyond 8 KiB, so the encoded notes are kept under this.
RELEASE_NOTES_MAX_ENCODED = 6000
_CUT_NOTE = ("\n[Cut here: the full notes ({} characters) were too long for the export call's URL; they are in "
             "the gate's approval record, project variable model_guardrails_approvals.]")


def fit_release_notes(text, limit=RELEASE_NOTES_MAX_ENCODED):
    """``(notes, cut)``: ``text`` itself when its URL-encoded form fits ``limit``, else its longest
    prefix that fits with a note saying where it was cut."""
    if len(quote_plus(text)) <= limit:
        return text, False
    note = _CUT_NOTE.format(len(text))
    low, high = 0, len(text)
    while low < high:  # longest prefix whose encoded length, note included, fits
        mid = (low + high + 1) // 2
        if len(quote_plus(text[:mid] + note)) <= limit:
            low = mid
        else:
            high = mid - 1
    return text[:low] + note, True


def audit_params(actor, project_key, decision, item=None, bundle_id="", action="decision", detail="", now=None,
                 rules=()):
    """The customMsgParams of the audit entry: only plain, secret-free values (``rules``: the
    qualification rows as dicts, kept as one JSON text so every value stays plain)."""
    now = now or datetime.now(timezone.utc)
    return {
        "actor": actor or "",
        "projectKey": project_key,
        "action": action,
        "decision": "APPROVE" if decision.approved else "REFUSE",
        "code": decision.code,
        "reason": decision.reason,
        "governedItem": item.govern_label if item else "",
        "dataikuItem": item.dss_label if item else "",
        "signoffStep": decision.step,
        "signoffStatus": decision.signoff_status,
        "approver": decision.approver,
        "approvedOn": decision.approved_on,
        "bundleId": bundle_id,
        "detail": detail,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rules": json.dumps([dict(r) for r in rules], sort_keys=True) if rules else "",
    }

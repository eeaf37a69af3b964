"""Reading Govern sign-offs: only an explicit ``APPROVED`` (and, by default, a final approver
response ``APPROVED``) approves; anything else refuses with what was found and what to do."""
import dataclasses
from datetime import datetime, timezone

from .codes import (ABANDONED, APPROVE, APPROVED, NOT_STARTED, REFUSE_FINAL, REFUSE_MALFORMED, REFUSE_NO_SIGNOFF,
                    REFUSE_STATUS, REJECTED, WAITING_FOR_APPROVAL, WAITING_FOR_FEEDBACK, Decision,
                    refuse, stripped)


_GUIDANCE = {
    NOT_STARTED: "the sign-off has not been requested: the owner of the {item} must request feedback or "
                 "approval in Govern, then its approvers must approve it before a bundle can be created",
    WAITING_FOR_FEEDBACK: "the reviewers of the feedback groups of the {item} must give their feedback, then "
                          "its approvers must approve it before a bundle can be created",
    WAITING_FOR_APPROVAL: "the approvers of the {item} must approve it before a bundle can be created",
    REJECTED: "an approver rejected it; the sign-off must be reset in Govern and approved again before a "
              "bundle can be created",
    ABANDONED: "it was abandoned; the sign-off must be reset in Govern and approved again before a bundle "
               "can be created",
}


def _first(mapping, keys):
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_time(value)
        if isinstance(value, dict):  # e.g. {"login": ..., "displayName": ...}
            inner = _first(value, ("login", "userLogin", "displayName", "name"))
            if inner:
                return inner
    return ""


# The approver/date keys of approverResponse are not documented; these are read in this order.
APPROVER_KEYS = ("user", "login", "userLogin", "author", "approver", "lastModifiedBy", "createdBy")
DATE_KEYS = ("date", "lastModifiedOn", "lastModificationDate", "updatedOn", "createdOn", "timestamp")


def format_time(value):
    """Epoch milliseconds or an ISO string to 'YYYY-MM-DD HH:MM UTC' (text returned as given)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value / 1000.0, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        except (OverflowError, OSError, ValueError):
            return ""
    return value if isinstance(value, str) else ""


def decide_signoff(signoff, item, step, require_final_approval=True):
    """Approve only on ``status == APPROVED`` (and final approver response APPROVED if required).

    ``signoff`` is the raw JSON of GET /artifact/{id}/workflow/step/{step}/signoff.
    """
    where = "Govern sign-off on step '{}' of {}".format(step, item.govern_label)
    if not isinstance(signoff, dict):
        return refuse(REFUSE_MALFORMED, "{} could not be read: Govern answered {} instead of a sign-off "
                      "object; the gate refuses when it cannot read the sign-off.".format(
                          where, type(signoff).__name__), step)
    status = signoff.get("status")
    if not isinstance(status, str) or not status:
        return refuse(REFUSE_MALFORMED, "{} has no status in Govern's answer; the gate refuses when it cannot "
                      "read the sign-off.".format(where), step)
    responses = signoff.get("feedbackResponses")
    feedback = tuple("{}: {}".format(_first(f, APPROVER_KEYS) or "reviewer", stripped(f.get("status")))
                     for f in (responses if isinstance(responses, list) else []) if isinstance(f, dict))
    response = signoff.get("approverResponse")
    response = response if isinstance(response, dict) else None
    approver = _first(response, APPROVER_KEYS) if response else ""
    approved_on = _first(response, DATE_KEYS) if response else ""
    comment = stripped(response.get("comment")) if response else ""
    common = dict(step=step, signoff_status=status, approver=approver, approved_on=approved_on,
                  approver_comment=comment, feedback=feedback)
    if status != APPROVED:
        if status in _GUIDANCE:
            guidance = _GUIDANCE[status].format(item=item.govern_label)
        else:
            guidance = ("this is not a sign-off status the gate knows; only {} allows a bundle to be "
                        "created".format(APPROVED))
        reason = "{} of {} is {}: {}.".format(
            "Govern sign-off on step '{}'".format(step), item.dss_label, status, guidance)
        if status == REJECTED and comment:
            reason += " Approver's comment: {!r}.".format(comment)
        return Decision(approved=False, code=REFUSE_STATUS, reason=reason, **common)
    if require_final_approval:
        final = stripped(response.get("status")) if response else ""
        if final != APPROVED:
            found = "no final approver response" if not final else "a final approver response of {}".format(final)
            reason = ("{} is APPROVED but has {}: an approver of the {} must give the final approval "
                      "(or set 'require_final_approval' to false).").format(
                          "Govern sign-off on step '{}' of {}".format(step, item.dss_label), found, item.govern_label)
            return Decision(approved=False, code=REFUSE_FINAL, reason=reason, **common)
    who = " by {}".format(approver) if approver else ""
    when = " on {}".format(approved_on) if approved_on else ""
    reason = "Govern sign-off on step '{}' of {} is APPROVED{}{}.".format(step, item.dss_label, who, when)
    return Decision(approved=True, code=APPROVE, reason=reason, **common)


def signoff_steps(items):
    """Step ids of the items of GET /artifact/{id}/signoffs, in Govern's order. An item names its step
    in ``signoffId.stepId`` (Govern 12.2 and later) or in ``stepId`` (before 12.2).
    ValueError when the answer is not a list or an item names no step."""
    if not isinstance(items, list):
        raise ValueError("the sign-off list is {} instead of a list".format(type(items).__name__))
    steps = []
    for entry in items:
        if not isinstance(entry, dict):
            raise ValueError("a sign-off of the list is {} instead of an object".format(type(entry).__name__))
        ref = entry.get("signoffId")
        step = ref.get("stepId") if isinstance(ref, dict) else entry.get("stepId")
        if not isinstance(step, str) or not step:
            raise ValueError("a sign-off of the list names no workflow step")
        if step not in steps:
            steps.append(step)
    return steps


def decide_signoffs(signoffs, item, require_final_approval=True):
    """``[(step, raw sign-off)]`` of one Govern item to one Decision: approve only when every
    sign-off approves (a template with several sign-offs needs all of them); none is a refusal."""
    if not signoffs:
        return refuse(REFUSE_NO_SIGNOFF, "{} has no sign-off in its Govern template, so nothing can approve it: "
                      "choose the governed item whose template has the sign-off (in Govern's standard templates, "
                      "model versions and bundles have one, on step 'review'; projects have none).".format(
                          item.govern_label))
    decisions = [decide_signoff(raw, item, step, require_final_approval) for step, raw in signoffs]
    refused = [d for d in decisions if not d.approved]
    if refused:
        first = refused[0]
        if len(decisions) == 1:
            return first
        return dataclasses.replace(first, reason="{} of the {} sign-offs of {} ({}) not approved. {}".format(
            len(refused), len(decisions), item.govern_label, ", ".join(d.step for d in refused), first.reason))
    if len(decisions) == 1:
        return decisions[0]
    last = decisions[-1]
    return dataclasses.replace(last, step=", ".join(d.step for d in decisions),
                               reason=" ".join(d.reason for d in decisions),
                               feedback=tuple(f for d in decisions for f in d.feedback))

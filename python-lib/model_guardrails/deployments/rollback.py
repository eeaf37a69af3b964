"""Which bundle a deployment rolls back to, and whether it may: a pure decision over what the
adapters read (the gate's approval record, the exported and published bundles, who runs the macro).

"Previous" is the newest bundle, older than the one deployed now, that the gate approved and
exported (its approval record: ``ledger.gate_approved`` and state ``exported``), that still exists
on the Design node and is published to the Project Deployer. Age is the record's ``decidedOn``
parsed with the ledger's ``TIME_FORMAT`` (the gate's clock, written before each export), so the
deployed bundle must have a readable one too: without it, "older" is undefined and the rollback is
refused unless a target is named. A record whose ``decidedOn`` cannot be parsed is never a
candidate (the refusal names it). A named target decided after the deployed bundle is refused (a
rollback goes back, never forward).

A bundle without an approval record is never a target — unless a DSS administrator forces it with a
written reason (``force``); a forced rollback always names its target. Anything unknown (record
unreadable, administrator status unreadable) refuses.
"""
from dataclasses import dataclass
from typing import Optional

from ..gate import (APPROVE, REFUSE_FORBIDDEN, REFUSE_MALFORMED, REFUSE_NOT_FOUND, REFUSE_STATUS, Decision,
                    refuse)
from ..gate import ledger

FORCED = "FORCED_BY_ADMIN"


@dataclass(frozen=True)
class RollbackFacts:
    deployment_id: str
    project_key: str               # the deployment's published project
    infra_id: str
    current: str                   # the bundle deployed now (settings bundleId)
    records: Optional[dict]        # {bundle_id: approval record}, None when unreadable
    records_error: str = ""
    exported: frozenset = frozenset()
    published: frozenset = frozenset()
    target: str = ""               # named by the user, or "" for "the previous approved"
    force: bool = False
    force_reason: str = ""
    is_admin: Optional[bool] = None  # None: could not be read
    exported_on: Optional[dict] = None  # {bundle id: export time in epoch ms} where the listing gives it


@dataclass(frozen=True)
class RollbackPlan:
    decision: Decision
    current: str
    target: str = ""
    current_record: Optional[dict] = None
    target_record: Optional[dict] = None
    forced: bool = False

    @property
    def allowed(self):
        return self.decision.approved


def approved_exported(record):
    return ledger.gate_approved(record) and record.get("state") == ledger.EXPORTED


def approval_text(record):
    """One line on a bundle's approval, for the result and the audit entry."""
    if not isinstance(record, dict):
        return "no approval record (not created by create-approved-bundle)"
    if not approved_exported(record):
        return "approval record says {} / {} (not an approved, exported bundle)".format(
            record.get("decision", "?"), record.get("state", "?"))
    who = record.get("approver") or "approver not reported by Govern"
    return "approved by the gate on {} (sign-off {} by {}, step '{}')".format(
        record.get("decidedOn", "?"), record.get("signoffStatus", "?"), who, record.get("signoffStep", ""))


def approval_age(record, exported_on):
    """Sort key of an approval record: its ``decidedOn`` parsed with the ledger's format (to the
    second), then the bundle's export time in ms (two decisions in the same second); None when
    ``decidedOn`` is missing or unparsable (then the record's age is unknown)."""
    decided = ledger.decided_on(record)
    return None if decided is None else (decided, exported_on.get(record.get("bundleId")) or 0.0)


def previous_approved(records, current, exported, published, exported_on=None):
    """(the newest approved, exported bundle older than ``current`` that exists and is published, or
    None; the ids of approved records skipped because their ``decidedOn`` cannot be read)."""
    exported_on = exported_on or {}
    cutoff = approval_age(records.get(current), exported_on)
    if cutoff is None:
        return None, ()
    candidates, unreadable = [], []
    for bid, record in sorted(records.items()):
        if bid == current or not approved_exported(record) or bid not in exported or bid not in published:
            continue
        age = approval_age(record, exported_on)
        if age is None:
            unreadable.append(bid)
        elif age < cutoff:
            candidates.append((age, record))
    found = max(candidates, key=lambda c: c[0])[1] if candidates else None
    return found, tuple(unreadable)


def decide_rollback(facts):
    """RollbackPlan: the target and an approving Decision, or a refusal saying why."""
    current, records = facts.current, facts.records
    if records is None:
        return RollbackPlan(refuse(REFUSE_MALFORMED, "the gate's approval record cannot be read ({}), so no bundle's "
                                   "approval is known.".format(facts.records_error)), current)
    current_record = records.get(current)

    def plan(decision, target="", forced=False):
        return RollbackPlan(decision, current, target, current_record, records.get(target) if target else None,
                            forced)

    if facts.target:
        target = facts.target
    else:
        found, unreadable = previous_approved(records, current, facts.exported, facts.published, facts.exported_on)
        skipped = "; approval record(s) of {} skipped: their decidedOn is missing or not {}".format(
            ", ".join(unreadable), ledger.TIME_FORMAT) if unreadable else ""
        if found is None:
            if not isinstance(current_record, dict):
                why = ("the deployed bundle {} has no approval record, so no bundle is known to be older: name the "
                       "bundle in target_bundle_id".format(current))
            elif ledger.decided_on(current_record) is None:
                why = ("the approval record of the deployed bundle {} has no readable decidedOn ({!r}, expected {}), "
                       "so no bundle is known to be older: name the bundle in target_bundle_id".format(
                           current, current_record.get("decidedOn"), ledger.TIME_FORMAT))
            else:
                why = "no bundle older than {} is approved by the gate, exported and published".format(current)
            return plan(refuse(REFUSE_NOT_FOUND, "Deployment {}: {}{}.".format(facts.deployment_id, why, skipped)))
        target = found["bundleId"]
    if target == current:
        return plan(refuse(REFUSE_NOT_FOUND, "Deployment {} already runs bundle {}.".format(facts.deployment_id,
                                                                                            target)), target)
    if target not in facts.exported:
        return plan(refuse(REFUSE_NOT_FOUND, "bundle {} does not exist in project {}.".format(target, facts.project_key)),
                    target)
    if target not in facts.published:
        return plan(refuse(REFUSE_NOT_FOUND, "bundle {} is not published to the Project Deployer (published project "
                           "{}): publish it with publish-approved-bundle first.".format(target, facts.project_key)),
                    target)
    record = records.get(target)
    if facts.target and isinstance(record, dict) and isinstance(current_record, dict):
        mine, theirs = approval_age(record, facts.exported_on or {}), approval_age(current_record, facts.exported_on or {})
        if mine is None or theirs is None:
            return plan(refuse(REFUSE_MALFORMED, "whether bundle {} is older than the deployed {} cannot be told: the "
                               "decidedOn of {} is missing or not {}.".format(
                                   target, current, target if mine is None else current, ledger.TIME_FORMAT)), target)
        if mine > theirs:
            return plan(refuse(REFUSE_STATUS, "bundle {} was decided after the deployed {} ({} > {}): a rollback only "
                               "goes to an older bundle; release a newer one through your deployment process."
                               .format(target, current, record.get("decidedOn"), current_record.get("decidedOn"))),
                        target)
    if approved_exported(record):
        return plan(Decision(True, APPROVE, "bundle {} is {}.".format(target, approval_text(record)),
                             signoff_status=record.get("signoffStatus", ""), approver=record.get("approver", ""),
                             approved_on=record.get("approvedOn", "")), target)
    unapproved = "bundle {} has {}".format(target, approval_text(record))
    if not facts.force:
        return plan(refuse(REFUSE_STATUS, unapproved + ": a rollback only goes to a bundle the gate approved (a DSS "
                           "administrator can force it with a written reason)."), target)
    if facts.is_admin is None:
        return plan(refuse(REFUSE_FORBIDDEN, unapproved + ", and whether you are a DSS administrator could not be "
                           "read: the forced rollback is refused."), target)
    if not facts.is_admin:
        return plan(refuse(REFUSE_FORBIDDEN, unapproved + ": only a DSS administrator may force it."), target)
    return plan(Decision(True, FORCED, unapproved + "; forced by a DSS administrator: " + facts.force_reason),
                target, forced=True)

"""The gate's decisions over what the macros fetched — pure, so every refusal is unit-testable
without HTTP. Creation needs the Govern sign-off to approve AND no required qualification rule
(:mod:`.rules`, under the policy of :mod:`.policy`) to FAIL; the rules are judged even while the
sign-off waits, so a refusal names every rule that would still stop the bundle."""
import dataclasses
from dataclasses import dataclass
from typing import Optional, Tuple

from ..errors import ConfigError
from .bundle_ids import render_bundle_id
from .codes import (REFUSE_AUDIT, REFUSE_BUNDLE_ID, REFUSE_EVIDENCE, REFUSE_MALFORMED, REFUSE_NOT_FOUND,
                    REFUSE_QUALIFICATION, Decision, refuse)
from .policy import EVIDENCE
from .rules import failing, qualify


@dataclass(frozen=True)
class CreationFacts:
    """What create-approved-bundle fetched. ``existing_bundle_ids`` is None when the bundles were not
    listed; ``qualification`` (rules.QualificationFacts) None when the rules' data was not fetched;
    ``failure`` is (code, reason) of a fetch that failed after the sign-offs were read."""

    signoffs: Decision
    project_key: str
    existing_bundle_ids: Optional[frozenset] = None
    qualification: Optional[object] = None
    failure: Optional[Tuple[str, str]] = None


@dataclass(frozen=True)
class Creation:
    decision: Decision
    bundle_id: str = ""
    rules: Tuple[object, ...] = ()             # results.RuleResult rows, in the policy's rule order


def _refused(previous, code, reason):
    """``previous`` (an approving sign-off decision) turned into a refusal that keeps its sign-off facts."""
    return dataclasses.replace(previous, approved=False, code=code, reason=reason)


def _failing_text(rows):
    return "; ".join(r.describe() for r in failing(rows))


def decide_creation(facts, params, now):
    """Approve the creation of a bundle only when the sign-offs approve, nothing failed to be
    fetched, the bundle id template gives a valid id that does not exist yet, and no required
    qualification rule FAILs (WARN rows are reported and do not block)."""
    decision = facts.signoffs
    policy = params.policy
    bundle_id = ""
    if decision.approved and facts.failure is None:
        try:
            bundle_id = render_bundle_id(params.bundle_id_template, facts.project_key, params.version,
                                         decision.signoff_status, now)
        except ConfigError as err:
            return Creation(_refused(decision, REFUSE_BUNDLE_ID, str(err)))
    rows = qualify(facts.qualification, policy, params.evidence_datasets, bundle_id) \
        if facts.qualification is not None else ()
    if not decision.approved:
        if failing(rows):
            decision = dataclasses.replace(decision, reason="{} Qualification rules failing as well: {}.".format(
                decision.reason, _failing_text(rows)))
        return Creation(decision, rules=rows)
    if facts.failure is not None:
        return Creation(_refused(decision, *facts.failure), rules=rows)
    if facts.existing_bundle_ids is None:
        return Creation(_refused(decision, REFUSE_MALFORMED, "the project's bundles were not listed."), bundle_id,
                        rows)
    if bundle_id in facts.existing_bundle_ids:
        return Creation(_refused(decision, REFUSE_BUNDLE_ID, "Bundle {} already exists in project {}: raise 'version' "
                                 "or change 'bundle_id_template' (for instance add {{date}}).".format(
                                     bundle_id, facts.project_key)), bundle_id, rows)
    if facts.qualification is None:
        return Creation(_refused(decision, REFUSE_MALFORMED, "the qualification rules' data was not fetched."),
                        bundle_id)
    bad = failing(rows)
    if bad:
        only_evidence = all(r.rule == EVIDENCE for r in bad)
        what = "the evidence fails" if only_evidence else "required qualification rules fail"
        return Creation(_refused(decision, REFUSE_EVIDENCE if only_evidence else REFUSE_QUALIFICATION,
                                 "The sign-off is approved but {} (policy {}): {}.".format(
                                     what, policy.preset, _failing_text(rows))), bundle_id, rows)
    return Creation(decision, bundle_id, rows)


def withdraw_unaudited(decision, written, where, audit_required=None, action=""):
    """An approval whose audit entry could not be written is withdrawn. ``audit_required``: the
    create macro's parameter (False lets it proceed without the entry); None where there is none.
    ``action``: what is withdrawn, when it is not a sign-off's approval (e.g. "the rollback")."""
    if not decision.approved or written or audit_required is False:
        return decision
    hint = ("; set 'audit_required' to false to proceed without it, or run the macro as a user allowed to write "
            "audit entries" if audit_required else "")
    what = ("{} is allowed but its audit entry could not be written, so it is not done".format(action) if action
            else "the sign-off is approved but the audit entry could not be written")
    return refuse(REFUSE_AUDIT, "{} ({}){}.".format(what, where, hint), decision.step, decision.signoff_status)


def decide_publication(bundle_id, project_key, exists, gate_approved, bundle_signoffs, step=""):
    """Publish a bundle only when it exists, the gate created it on an approval (its approval record),
    and the sign-offs of the Govern bundle governing it approve (``bundle_signoffs``, a Decision)."""
    if bundle_signoffs is None and exists and gate_approved:
        return refuse(REFUSE_MALFORMED, "the sign-offs of the Govern bundle governing {} were not read.".format(
            bundle_id), step)
    if not exists:
        return refuse(REFUSE_NOT_FOUND, "bundle {} does not exist in project {}.".format(bundle_id, project_key), step)
    if not gate_approved:
        return refuse(REFUSE_NOT_FOUND, "bundle {} was not created by create-approved-bundle on an approval (the gate's "
                      "approval record of project {} has no approval for it).".format(bundle_id, project_key), step)
    return bundle_signoffs

"""The gate's decisions over what the macros fetched — pure, so every refusal is unit-testable
without HTTP. A decision is a chain of rules, each passing or refusing with its reason; the first
refusal decides. The sign-off rule comes first; rules beyond it (evidence today, an admin's
qualification policy tomorrow) are entries in the chain."""
import dataclasses
from dataclasses import dataclass
from typing import Optional, Tuple

from ..errors import ConfigError
from ..text import shorten
from .bundle_ids import render_bundle_id
from .codes import (REFUSE_AUDIT, REFUSE_BUNDLE_ID, REFUSE_EVIDENCE, REFUSE_MALFORMED, REFUSE_NOT_FOUND, Decision,
                    refuse, stripped)


@dataclass(frozen=True)
class CreationFacts:
    """What create-approved-bundle fetched. ``existing_bundle_ids`` and ``evidence`` are fetched only
    once the sign-offs approve (None: not fetched); ``failure`` is (code, reason) of a fetch that
    failed after the sign-offs were read."""

    signoffs: Decision
    project_key: str
    existing_bundle_ids: Optional[frozenset] = None
    evidence: Optional[dict] = None            # {dataset: raw last-rules-result list}
    failure: Optional[Tuple[str, str]] = None


@dataclass(frozen=True)
class Creation:
    decision: Decision
    bundle_id: str = ""
    evidence: Tuple[str, ...] = ()             # one line per evidence dataset


def _refused(previous, code, reason):
    """``previous`` (an approving sign-off decision) turned into a refusal that keeps its sign-off facts."""
    return dataclasses.replace(previous, approved=False, code=code, reason=reason)


def decide_creation(facts, params, now):
    """Approve the creation of a bundle only when every rule passes: the sign-offs approve, nothing
    failed to be fetched, the bundle id template gives a valid id that does not exist yet, and the
    evidence datasets pass (when named)."""
    decision = facts.signoffs
    if not decision.approved:
        return Creation(decision)
    if facts.failure is not None:
        return Creation(_refused(decision, *facts.failure))
    try:
        bundle_id = render_bundle_id(params.bundle_id_template, facts.project_key, params.version,
                                     decision.signoff_status, now)
    except ConfigError as err:
        return Creation(_refused(decision, REFUSE_BUNDLE_ID, str(err)))
    if facts.existing_bundle_ids is None:
        return Creation(_refused(decision, REFUSE_MALFORMED, "the project's bundles were not listed."), bundle_id)
    if bundle_id in facts.existing_bundle_ids:
        return Creation(_refused(decision, REFUSE_BUNDLE_ID, "Bundle {} already exists in project {}: raise 'version' "
                                 "or change 'bundle_id_template' (for instance add {{date}}).".format(
                                     bundle_id, facts.project_key)), bundle_id)
    if not params.evidence_datasets:
        return Creation(decision, bundle_id)
    fetched = facts.evidence or {}  # every named dataset is judged: one not fetched has no readable results
    ok, lines = evaluate_evidence({name: fetched.get(name) for name in params.evidence_datasets},
                                  params.evidence_allow_warning)
    if not ok:
        return Creation(_refused(decision, REFUSE_EVIDENCE, "The sign-off is approved but the evidence fails: " +
                                 "; ".join(lines) + "."), bundle_id, tuple(lines))
    return Creation(decision, bundle_id, tuple(lines))


def withdraw_unaudited(decision, written, where, audit_required=None):
    """An approval whose audit entry could not be written is withdrawn. ``audit_required``: the
    create macro's parameter (False lets it proceed without the entry); None where there is none."""
    if not decision.approved or written or audit_required is False:
        return decision
    hint = ("; set 'audit_required' to false to proceed without it, or run the macro as a user allowed to write "
            "audit entries" if audit_required else "")
    return refuse(REFUSE_AUDIT, "the sign-off is approved but the audit entry could not be written ({}){}.".format(
        where, hint), decision.step, decision.signoff_status)


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


def evaluate_evidence(results_by_dataset, allow_warning=True):
    """``{dataset: [rule results]}`` (raw last-rules-result items) to (ok, lines).

    A dataset passes when it has at least one rule result and every outcome is OK (or WARNING when
    ``allow_warning``). Any other outcome — ERROR, EMPTY, FAILED, SKIPPED, an unknown word, none —
    refuses: the gate only passes evidence it can read as passing."""
    passing = ("OK", "WARNING") if allow_warning else ("OK",)
    lines, ok = [], True
    for name, results in results_by_dataset.items():
        if not isinstance(results, list):
            ok = False
            lines.append("dataset {}: its check results could not be read".format(name))
            continue
        if not results:
            ok = False
            lines.append("dataset {}: no check/data-quality result yet — build it and run its checks "
                         "before creating the bundle".format(name))
            continue
        outcomes = [stripped(r.get("outcome")).upper() if isinstance(r, dict) else "" for r in results]
        bad = [(r, o) for r, o in zip(results, outcomes) if o not in passing]
        if bad:
            ok = False
            shown = "; ".join("rule {} outcome {}{}".format(
                _rule_name(r), o or "missing", " ({})".format(shorten(stripped(r.get("message")), 120))
                if isinstance(r, dict) and stripped(r.get("message")) else "") for r, o in bad[:3])
            lines.append("dataset {}: {} (passing outcomes: {})".format(name, shown, " or ".join(passing)))
        else:
            lines.append("dataset {}: latest outcomes {}".format(name, "/".join(sorted(set(outcomes)))))
    return ok, lines


def _rule_name(result):
    if not isinstance(result, dict):
        return "(unreadable)"
    return "'{}'".format(stripped(result.get("name")) or stripped(result.get("id")) or "?")

"""The qualification rules of create-approved-bundle, judged over what the macro fetched (pure).

Each rule gives one or more rows: PASS / WARN / FAIL / NOT APPLICABLE, with the value found, the
bound it was judged against and the source it was read from. A rule's policy level then applies:
``required`` keeps a FAIL, ``warn`` reports it as WARN, ``off`` makes the rule NOT APPLICABLE.
Everything fails closed: a rule whose data is missing, unreadable or not evaluable FAILs.

The evidence rule judges each named metrics dataset's latest run with the very check functions the
scenarios run (:mod:`model_guardrails.checks`): with the policy's bounds, and with the recorded
ones through :func:`checks.verdict` (the model-health page's verdict), the worse of the two
winning, so the gate is never milder than the page; it also requires the dataset's stored rule
outcomes (its data-quality rules, as DSS recorded them) to pass, and a named dataset for each
evidence kind the policy requires."""
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import pandas as pd

from .. import checks
from ..checks.core import DRIFT, FAIRNESS, PERFORMANCE, SEVERITY, kind_of, worst
from ..checks.performance import ALL_WINDOWS
from ..text import shorten
from . import environments, ledger, model_card, sensitivity
from .codes import stripped
from .policy import CODE_ENV, DECISION_TRAIL, EVIDENCE, OFF, ROLLBACK, RULES, SENSITIVITY, WARN_ONLY
from .results import FAIL, NOT_APPLICABLE, PASS, WARN, RuleResult

GATE_NOTES_MARK = "Approved by the model-guardrails gate on"  # notes.release_notes writes it
KIND_NAMES = {DRIFT: "drift", FAIRNESS: "fairness", PERFORMANCE: "performance"}


@dataclass(frozen=True)
class EvidenceFacts:
    """One named metrics dataset: its rows (a DataFrame, read as the checks read it) or why they
    could not be read, and its stored data-quality rule results (the public API's last rules
    result list) or None when they could not be read."""

    frame: object = None
    read_error: str = ""
    stored: Optional[list] = None
    stored_error: str = ""


@dataclass(frozen=True)
class QualificationFacts:
    """What the macro fetched for the rules. A rule whose facts are None was not fetched (its
    reason in ``failures``)."""

    evidence: Dict[str, EvidenceFacts] = field(default_factory=dict)
    records: Optional[dict] = None            # the gate's approval record {bundle_id: entry}
    bundles: Optional[tuple] = None           # bundles.BundleInfo of the exported bundles
    sensitivity: Optional[object] = None      # sensitivity.SensitivityFacts
    code_envs: Optional[object] = None        # environments.CodeEnvFacts
    model_card: Optional[object] = None       # model_card.ModelCardFacts
    failures: Dict[str, str] = field(default_factory=dict)
    release_notes_attached: bool = True       # False before DSS 13.2 (exports carry no release notes)


def _with_level(result, level):
    if level == OFF:
        return RuleResult(result.rule, NOT_APPLICABLE, "off in the qualification policy", "", result.source, level,
                          result.subject)
    if level == WARN_ONLY and result.status == FAIL:
        return RuleResult(result.rule, WARN, result.value, result.bound, result.source, level, result.subject)
    return RuleResult(result.rule, result.status, result.value, result.bound, result.source, level, result.subject)


# -- evidence -------------------------------------------------------------------------------------

def check_config(kind, policy):
    """The check parameters that judge ``kind``'s latest run with the policy's bounds; a run that
    cannot be evaluated is an ERROR (fail closed)."""
    config = {"runs": "latest", "not_evaluable_outcome": "ERROR"}
    if kind is FAIRNESS:
        config.update(metrics=["disparate_impact"],
                      bounds=[{"metric": "disparate_impact", "error_threshold": policy.min_disparate_impact}])
    elif kind is PERFORMANCE:
        config.update(metrics=["roc_auc"], bounds=[{"metric": "roc_auc", "error_threshold": policy.min_roc_auc}],
                      drop_mode="relative", drop_error=policy.max_auc_drop)
    return config


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


def _stored_problem(name, facts, allow_warning):
    """Why the dataset's stored rule outcomes do not pass, or ""."""
    if not isinstance(facts.stored, list) and facts.stored_error:
        return "dataset {}: its data-quality rule results could not be read ({})".format(name, facts.stored_error)
    ok, lines = evaluate_evidence({name: facts.stored}, allow_warning)
    return "" if ok else "; ".join(lines)


def _drop_not_judged(frame, run_ids):
    """Why the policy's roc_auc drop bound could not be judged on the runs ``run_ids`` (no positive
    baseline_value on an overall roc_auc row), or "" when every such row has one."""
    if not run_ids or not {"run_id", "metric", "window"} <= set(frame.columns):
        return "no judged run"
    rows = frame[frame["run_id"].astype(str).isin(run_ids) & (frame["metric"] == "roc_auc")
                 & (frame["window"] == ALL_WINDOWS)]
    if not len(rows):
        return "no roc_auc row in run {}".format(", ".join(run_ids))
    if "baseline_value" not in rows.columns:
        return "no baseline_value column (give evaluate-model a baseline input)"
    baselines = pd.to_numeric(rows["baseline_value"], errors="coerce")
    if baselines.isna().any():
        return "no readable baseline_value (give evaluate-model a baseline input)"
    if (baselines <= 0).any():
        return "baseline_value {} is not positive".format(baselines[baselines <= 0].iloc[0])
    return ""


def judge_evidence(name, facts, policy):
    """One row for one named metrics dataset: its latest run judged by its check with, for each
    value, the stricter of the policy's bound and the bound recorded in the row (the check run with
    the policy's bounds, and :func:`checks.verdict` — what the model-health page shows, never
    milder than a recorded row — the worse of the two wins), and its stored rule outcomes; FAIL
    when either fails or cannot be read, and when the policy's drop bound cannot be judged."""
    facts = facts or EvidenceFacts(read_error="not fetched", stored_error="not fetched")
    stored = _stored_problem(name, facts, not policy.evidence_warning_fails)
    source = ("dataset {}: latest run judged by {} with the stricter of the policy's and the recorded bounds, and "
              "its stored rule outcomes")
    kind = kind_of(facts.frame) if hasattr(facts.frame, "columns") else None
    if kind is None:
        why = ("rows not read: " + (facts.read_error or "not fetched") if facts.frame is None else
               "not a metrics dataset of compute-drift, compute-fairness or evaluate-model")
        return RuleResult(EVIDENCE, FAIL, shorten("; ".join(x for x in (why, stored) if x), 400), "",
                          source.format(name, "its check"), subject=name)
    outcome = checks.run(kind.check, facts.frame, check_config(kind, policy))
    page = checks.verdict(facts.frame, not_evaluable="ERROR")
    messages = [outcome.message]
    known = {outcome.outcome, page.outcome} <= set(SEVERITY)
    level = worst([outcome.outcome, page.outcome]) if known else "ERROR"  # an unknown word never passes
    if page.outcome != outcome.outcome and (not known or SEVERITY[page.outcome] > SEVERITY[outcome.outcome]):
        messages.append("with the bounds recorded in the rows ({}, as the model-health page shows): {}".format(
            kind.check, page.message))
    status = {"OK": PASS, "WARNING": WARN, "ERROR": FAIL}.get(level, FAIL)
    if status == WARN and (policy.evidence_warning_fails or (kind is DRIFT and policy.drift_fails_on == "WARNING")):
        status = FAIL
    if kind is PERFORMANCE:
        unjudged = _drop_not_judged(facts.frame, outcome.run_ids)
        if unjudged:
            status = FAIL
            messages.append("the policy's drop bound (at most {:g}% below baseline) could not be judged: {}".format(
                100 * policy.max_auc_drop, unjudged))
    if stored:
        status = FAIL
    src = source.format(name, kind.check) + (" (run {})".format(", ".join(outcome.run_ids)) if outcome.run_ids else "")
    return RuleResult(EVIDENCE, status, shorten("; ".join(x for x in messages + [stored] if x), 400),
                      policy.describe_bound(KIND_NAMES[kind]), src, subject=name)


def judge_all_evidence(evidence, names, policy):
    """One row per named dataset, and a FAIL row for each evidence kind the policy requires that no
    named dataset (read as that kind) provides."""
    if not names:
        return [RuleResult(EVIDENCE, FAIL, "no metrics dataset named: the qualification policy requires evidence "
                           "(name the {} metrics datasets in 'evidence_datasets')".format(
                               ", ".join(policy.required_evidence)), "", "macro parameter evidence_datasets")]
    rows = [judge_evidence(name, evidence.get(name), policy) for name in names]
    provided = {KIND_NAMES[kind_of(ev.frame)] for ev in (evidence.get(n) for n in names)
                if ev is not None and hasattr(ev.frame, "columns") and kind_of(ev.frame) is not None}
    for kind in policy.required_evidence:
        if kind not in provided:
            rows.append(RuleResult(EVIDENCE, FAIL, "no {} metrics dataset among evidence_datasets ({}), or its rows "
                                   "could not be read: the qualification policy requires {} evidence".format(
                                       kind, ", ".join(names), kind), policy.describe_bound(kind),
                                   "macro parameter evidence_datasets", subject=kind))
    return rows


# -- rollback and decision trail -------------------------------------------------------------------

def judge_rollback(records, exported, bundle_id=""):
    """A previous bundle the gate approved and exported, still in the project (a rollback target)."""
    source = "the gate's approval record (project variable {}) and the exported bundle list".format(ledger.VARIABLE)
    if records is None or exported is None:
        return RuleResult(ROLLBACK, FAIL, "approval record or bundle list not read", "", source)
    present = {b.bundle_id for b in exported}
    previous = sorted((r for r in records.values() if ledger.gate_approved(r) and r.get("state") == ledger.EXPORTED
                       and r["bundleId"] in present and r["bundleId"] != bundle_id),
                      key=lambda r: str(r.get("decidedOn", "")), reverse=True)
    if not previous:
        return RuleResult(ROLLBACK, FAIL, "no previous approved bundle (first release)", "at least one", source)
    return RuleResult(ROLLBACK, PASS, "previous approved bundle {} ({})".format(
        previous[0]["bundleId"], previous[0].get("decidedOn", "")), "at least one", source)


def judge_decision_trail(records, exported, notes_attached=True):
    """Every bundle of the project the gate created has its approval record, and no record is left
    half-written. The public API cannot read the audit trail back, so the record is what is read;
    a bundle whose release notes carry the gate's mark is one the gate created. Where this DSS
    exports without release notes (before 13.2, ``notes_attached`` False) the gate's bundles cannot
    be told apart: the rule is a WARN saying so (never a PASS), unless a record is half-written."""
    source = "the gate's approval record (project variable {}) and the bundles' release notes".format(
        ledger.VARIABLE)
    if records is None or exported is None:
        return RuleResult(DECISION_TRAIL, FAIL, "approval record or bundle list not read", "", source)
    present = {b.bundle_id for b in exported}
    missing = [b.bundle_id for b in exported if GATE_NOTES_MARK in b.release_notes
               and not ledger.gate_approved(records.get(b.bundle_id))]
    if not notes_attached:
        missing = []
    unfinished = [r["bundleId"] for r in records.values() if r.get("decision") == "APPROVE"
                  and r.get("state") == ledger.EXPORTING and r["bundleId"] in present]
    problems = []
    if missing:
        problems.append("gate-created bundle(s) without an approval: {}".format(", ".join(missing[:5])))
    if unfinished:
        problems.append("bundle(s) whose record never recorded the export's outcome: {}".format(
            ", ".join(unfinished[:5])))
    if problems:
        return RuleResult(DECISION_TRAIL, FAIL, "; ".join(problems), "every gate-created bundle recorded", source)
    if not notes_attached:
        return RuleResult(DECISION_TRAIL, WARN, "not judged: this DSS exports bundles without release notes (before "
                          "DSS 13.2), so the gate's bundles cannot be told from others and a bundle without its "
                          "approval record cannot be found; only the records' states were checked",
                          "every gate-created bundle recorded", source)
    gated = sum(1 for b in exported if b.bundle_id in records)
    return RuleResult(DECISION_TRAIL, PASS, "{} gate-created bundle(s), each with its approval record".format(gated),
                      "every gate-created bundle recorded", source)


# -- all rules -----------------------------------------------------------------------------------

def _not_fetched(rule, facts):
    return RuleResult(rule, FAIL, "not evaluated: {}".format(facts.failures.get(rule, "its data was not fetched")))


def qualify(facts, policy, evidence_names=(), bundle_id=""):
    """Every rule's rows, in the order of RULES, with the policy's levels applied."""
    rows = []
    for rule in RULES:
        level = policy.level(rule)
        if level == OFF:
            raw = [RuleResult(rule, NOT_APPLICABLE)]
        elif rule in facts.failures:
            raw = [_not_fetched(rule, facts)]
        elif rule == EVIDENCE:
            raw = judge_all_evidence(facts.evidence, evidence_names, policy)
        elif rule == ROLLBACK:
            raw = [judge_rollback(facts.records, facts.bundles, bundle_id)]
        elif rule == DECISION_TRAIL:
            raw = [judge_decision_trail(facts.records, facts.bundles, facts.release_notes_attached)]
        elif rule == SENSITIVITY:
            raw = [sensitivity.judge(facts.sensitivity, policy)]
        elif rule == CODE_ENV:
            raw = [environments.judge(facts.code_envs, policy)]
        else:
            raw = [model_card.judge(facts.model_card, policy)]
        rows += [_with_level(r, level) for r in raw]
    return tuple(rows)


def failing(results):
    return [r for r in results if r.blocks]


"""publish-model-status, the pure part: the status of one production deployment from what the macro
read — its metrics datasets judged by the gate's own evidence rule (:func:`rules.judge_evidence`: the
plugin's checks with the qualification policy's bounds and the stored rule outcomes, one truth with
create-approved-bundle) and its bundle's approval (the Govern bundle sign-off, or the gate's approval
record) — and what is published (the Govern audit entry, the governed item's field text).

Fail closed: anything not read, not evaluable or missing is UNKNOWN, and a deployment with an UNKNOWN
part is UNKNOWN overall, never OK."""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Tuple

from ..checks.core import kind_of
from ..errors import ConfigError
from ..reports.common import latest_run, run_of
from . import bundles, ledger
from .results import FAIL, PASS, WARN
from .rules import KIND_NAMES, judge_evidence

OK, WARNING, ERROR, UNKNOWN, NOT_MONITORED = "OK", "WARNING", "ERROR", "UNKNOWN", "NOT MONITORED"
RANK = {OK: 0, NOT_MONITORED: 0, WARNING: 1, ERROR: 2, UNKNOWN: 3}  # UNKNOWN is never better than ERROR
KINDS = ("drift", "fairness", "performance")
APPROVED, NOT_APPROVED = "APPROVED", "NOT APPROVED"
AUDIT_TYPE = "model-guardrails-model-status"
DEFAULT_STAGES = ("Production",)
DEFAULT_MAX_AGE_HOURS = 48.0


@dataclass(frozen=True)
class Part:
    """One part of a deployment's status: drift, fairness, performance or approval."""

    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class DeploymentStatus:
    deployment_id: str
    infra_id: str
    stage: str
    bundle_id: str
    parts: Tuple[Tuple[str, Part], ...]
    overall: str
    note: str = ""

    def part(self, name):
        return dict(self.parts).get(name, Part(UNKNOWN, "not read"))


def judge_monitoring(evidence, names, policy, now=None, max_age_hours=DEFAULT_MAX_AGE_HOURS):
    """{kind: Part} for drift, fairness and performance from the named metrics datasets
    (``evidence``: {name: rules.EvidenceFacts}). Fail closed:

    - a named dataset not read (or not one of the plugin's metrics datasets) makes every kind UNKNOWN,
      the kinds read too (the unread one could be any of them), with the reasons in the detail;
    - stored rule outcomes not read make that dataset's kind UNKNOWN (not ERROR);
    - a latest run older than ``max_age_hours`` (0: no limit), or whose run_time cannot be read, makes
      that dataset's kind UNKNOWN; the run time is in every detail;
    - a kind the policy requires with no dataset is UNKNOWN; one it does not require is NOT MONITORED;
      several datasets of a kind: the worst."""
    now = now or datetime.now(timezone.utc)
    found = {}
    unread = []
    for name in names:
        facts = evidence.get(name)
        frame = getattr(facts, "frame", None)
        kind = kind_of(frame) if hasattr(frame, "columns") else None
        if kind is None:
            why = getattr(facts, "read_error", "") or "not one of the plugin's metrics datasets"
            unread.append("{}: {}".format(name, why))
            continue
        run_time = latest_run_time(frame)
        stale = staleness(run_time, now, max_age_hours)
        if getattr(facts, "stored_error", ""):
            part = Part(UNKNOWN, "{} (run of {}): stored rule outcomes not read: {}".format(
                name, run_time or "?", facts.stored_error))
        elif stale:
            part = Part(UNKNOWN, "{}: {}".format(name, stale))
        else:
            row = judge_evidence(name, facts, policy)
            outcome = {PASS: OK, WARN: WARNING, FAIL: ERROR}.get(row.status, UNKNOWN)
            part = Part(outcome, "{} (run of {}): {}".format(name, run_time, row.value))
        found.setdefault(KIND_NAMES[kind], []).append(part)
    parts = {}
    for kind in KINDS:
        if kind in found:
            worst = max(found[kind], key=lambda part: RANK[part.outcome])
            detail = "; ".join(p.detail for p in found[kind])
            if unread:
                parts[kind] = Part(UNKNOWN, "not every named dataset read ({}); read: {}".format(
                    "; ".join(unread), detail))
            else:
                parts[kind] = Part(worst.outcome, detail)
        elif unread:
            parts[kind] = Part(UNKNOWN, "not read: " + "; ".join(unread))
        elif kind in policy.required_evidence:
            parts[kind] = Part(UNKNOWN, "no {} metrics dataset among evidence_datasets (the qualification policy "
                                        "requires {} evidence)".format(kind, kind))
        else:
            parts[kind] = Part(NOT_MONITORED, "no {} metrics dataset named; not required by the policy".format(kind))
    return parts


def latest_run_time(frame):
    """The run_time text of the frame's latest run ("" when not readable)."""
    if frame is None or len(frame) == 0 or "run_time" not in frame.columns or "run_id" not in frame.columns:
        return ""
    _, run_time = run_of(latest_run(frame))
    return run_time if run_time not in ("", "nan", "None", "NaT") else ""


def staleness(run_time, now, max_age_hours):
    """Why a latest run is too old to count ("" when fresh, or when ``max_age_hours`` is 0)."""
    if not max_age_hours:
        return ""
    if not run_time:
        return "run time not readable: its age cannot be judged"
    try:
        when = datetime.fromisoformat(run_time.replace("Z", "+00:00"))
    except ValueError:
        return "run time {!r} not readable: its age cannot be judged".format(run_time)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    age = (now - when).total_seconds() / 3600.0
    if age > max_age_hours:
        return "latest run of {} is {:.0f} h old, older than max_evidence_age_hours = {:g}".format(
            run_time, age, max_age_hours)
    return ""


def parse_max_age(config):
    """max_evidence_age_hours: a number >= 0 (0: no limit), default 48."""
    raw = config.get("max_evidence_age_hours") if isinstance(config, dict) else None
    if raw in (None, ""):
        return DEFAULT_MAX_AGE_HOURS
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not value >= 0 or value != value:
        raise ConfigError("max_evidence_age_hours", raw, "a number of hours >= 0 (0: no age limit)")
    return value


def judge_approval(bundle_id, govern_approval, record, govern_error=""):
    """The Part of a deployed bundle's approval (:func:`bundles.is_approved`): APPROVED when its Govern
    bundle's sign-off is approved, or the gate's approval record says the gate approved its creation and
    Govern has not since REJECTED or ABANDONED it; NOT APPROVED on a readable "no" from Govern (a
    REJECTED/ABANDONED sign-off wins over the gate's record, which is noted); UNKNOWN otherwise (Govern
    not reachable, lookups that failed)."""
    gate_ok = ledger.gate_approved(record)
    state = getattr(govern_approval, "state", bundles.UNKNOWN)
    signoff = "Govern sign-off {}".format(getattr(govern_approval, "status", "") or "not read")
    if govern_error:
        signoff = "Govern not read: " + govern_error
    elif getattr(govern_approval, "note", ""):
        signoff += " ({})".format(govern_approval.note)
    text = "{}; gate approval record: {}".format(signoff, "approved" if gate_ok else "none")
    if bundles.is_approved(None if govern_error else govern_approval, gate_ok):
        return Part(APPROVED, text)
    if state == bundles.NOT_APPROVED and not govern_error:
        if gate_ok:
            text += " (Govern's {} wins over the gate's record)".format(govern_approval.status)
        return Part(NOT_APPROVED, text)
    return Part(UNKNOWN, text)


def overall(parts, read_error=""):
    """The deployment's overall outcome: UNKNOWN when anything is unknown (or ``read_error``), ERROR when
    its bundle is not approved or a part is ERROR, else the worst part (NOT MONITORED counts as OK)."""
    if read_error:
        return UNKNOWN
    outcomes = [part.outcome for part in parts.values()]
    if UNKNOWN in outcomes:
        return UNKNOWN
    if NOT_APPROVED in outcomes or ERROR in outcomes:
        return ERROR
    return WARNING if WARNING in outcomes else OK


def status_of(deployment_id, infra_id, stage, bundle_id, monitoring, approval, read_error=""):
    parts = dict(monitoring, approval=approval)
    if read_error:
        parts = {name: Part(UNKNOWN, read_error) for name in KINDS + ("approval",)}
    return DeploymentStatus(deployment_id, infra_id, stage, bundle_id, tuple(parts.items()),
                            overall(parts, read_error), read_error)


def now_text(now=None):
    return (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def audit_params(status, project_key, actor, checked_at):
    """The Govern custom audit entry of one deployment's status (no secret: ids, outcomes, texts)."""
    out = {"projectKey": project_key, "deploymentId": status.deployment_id, "infraId": status.infra_id,
           "stage": status.stage, "bundleId": status.bundle_id, "overall": status.overall, "checkedBy": actor,
           "checkedAt": checked_at}
    for name, part in status.parts:
        out[name] = part.outcome
        out[name + "Detail"] = part.detail[:500]
    return out


def field_text(status, checked_at):
    """The one-line status written to the governed item's field."""
    parts = ", ".join("{} {}".format(name, part.outcome) for name, part in status.parts)
    return "{} on {} ({}) at {}: {} [{}]".format(status.overall, status.deployment_id, status.bundle_id or "?",
                                                 checked_at, parts, "model-guardrails publish-model-status")


PAGE_COLUMNS = ("Deployment", "Infrastructure", "Stage", "Bundle", "Overall", "Drift", "Fairness", "Performance",
                "Approval", "Published to Govern")


def worst_overall(statuses):
    """The worst overall outcome of the statuses (None when there is none)."""
    return max([s.overall for s in statuses], key=lambda o: RANK.get(o, RANK[UNKNOWN])) if statuses else None


def page_rows(statuses, published, field, dry_run):
    """The report's rows (:data:`PAGE_COLUMNS`): one per status, with what was published of it
    (``published``: the failure texts of each, in order)."""
    rows = []
    for status, failures in zip(statuses, published):
        if failures:
            wrote = "; ".join(failures)
        elif field and status.bundle_id:
            wrote = "audit entry" + (" (field {} not written: dry run)".format(field) if dry_run
                                     else " and field " + field)
        else:
            wrote = "audit entry"
        rows.append((status.deployment_id, status.infra_id, status.stage, status.bundle_id, status.overall) + tuple(
            "{} — {}".format(status.part(k).outcome, status.part(k).detail) for k in KINDS + ("approval",))
            + (wrote,))
    return rows

"""The gate's approval record: one entry per bundle the gate created, kept in the project.

Release notes cannot carry it (DSS before 13.2 cannot attach them: dataiku-api-client 13.2.0 adds release_notes) and
the public API cannot read audit entries back, so the record lives in the project's **local
variables** (``DSSProject.get_variables()["local"]``, present in every supported client; local
variables are not exported with bundles). prune-bundles, governance-status and
publish-approved-bundle read it back on every DSS line.

The entry is written *before* the export (state ``exporting``) so that a bundle can never exist
without its record, then updated (``exported`` or ``export_failed``), and again when the bundle is
published or waits for its Govern review. Functions here work on plain dicts; the adapter reads and
writes the variable.

The record says what the gate decided; it is not proof against a project administrator editing the
variables (nor is anything else stored in the project). governance-status shows it beside the
bundle's own Govern sign-off.
"""
from datetime import datetime, timezone

VARIABLE = "model_guardrails_approvals"
MAX_ENTRIES = 200
EXPORTING, EXPORTED, EXPORT_FAILED = "exporting", "exported", "export_failed"
PUBLISHED, WAITING_FOR_REVIEW, PUBLISH_FAILED = "published", "waiting_for_review", "publish_failed"


TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # decidedOn, approvedOn, ... (UTC, to the second)


def _now_text(now=None):
    return (now or datetime.now(timezone.utc)).strftime(TIME_FORMAT)


def decided_on(record):
    """The record's ``decidedOn`` as an aware UTC datetime, or None when missing or not in TIME_FORMAT."""
    value = record.get("decidedOn") if isinstance(record, dict) else None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=timezone.utc) if isinstance(value, str) else None
    except ValueError:
        return None


MAX_NOTES = 20000


def entry(project_key, bundle_id, decision, item, actor, now=None, notes="", rules=()):
    """A new record of an approval, before the export (``notes``: the release notes in full, kept
    here also where DSS cannot attach them or they were cut for the URL; ``rules``: the
    qualification rows, as dicts)."""
    return {
        "bundleId": bundle_id, "projectKey": project_key, "decision": "APPROVE" if decision.approved else "REFUSE",
        "state": EXPORTING, "decidedOn": _now_text(now), "actor": actor or "",
        "governedItem": item.govern_label, "governArtifactId": item.govern_artifact_id,
        "dataikuItem": item.dss_label, "signoffStep": decision.step, "signoffStatus": decision.signoff_status,
        "approver": decision.approver, "approvedOn": decision.approved_on, "publication": {},
        "releaseNotes": notes[:MAX_NOTES], "rules": [dict(r) for r in rules],
    }


def with_state(record, state, detail="", now=None):
    return dict(record, state=state, stateDetail=detail, stateOn=_now_text(now))


def with_publication(record, status, detail="", approver="", govern_item="", now=None):
    return dict(record, publication={"status": status, "detail": detail, "approver": approver,
                                     "governedItem": govern_item, "on": _now_text(now)})


def read(variables):
    """{bundle_id: record} from the project's variables (the whole get_variables() answer).
    ValueError when the record exists but cannot be read: callers must then act as if every
    bundle's approval were unknown."""
    if not isinstance(variables, dict) or not isinstance(variables.get("local"), dict):
        raise ValueError("the project's variables have no 'local' object")
    records = variables["local"].get(VARIABLE)
    if records is None:
        return {}
    if not isinstance(records, dict):
        raise ValueError("project variable '{}' is {} instead of an object keyed by bundle id".format(
            VARIABLE, type(records).__name__))
    for bundle_id, record in records.items():
        if not isinstance(record, dict) or record.get("bundleId") != bundle_id:
            raise ValueError("project variable '{}' has an unreadable entry for {!r}".format(VARIABLE, bundle_id))
    return records


def written(variables, record, keep=None):
    """A copy of ``variables`` with ``record`` stored. Beyond MAX_ENTRIES the oldest entries are
    dropped, except ``record`` and the records of bundles in ``keep`` (the bundles that still exist:
    the decision-trail rule needs their records); ``keep`` None (existing bundles unknown) drops
    nothing. The variable may then hold more than MAX_ENTRIES entries."""
    records = dict(read(variables))
    records[record["bundleId"]] = record
    if len(records) > MAX_ENTRIES and keep is not None:
        kept = set(keep) | {record["bundleId"]}
        droppable = sorted((r for r in records.values() if r["bundleId"] not in kept),
                           key=lambda r: str(r.get("decidedOn", "")))
        for old in droppable[:len(records) - MAX_ENTRIES]:
            del records[old["bundleId"]]
    local = dict(variables["local"], **{VARIABLE: records})
    return dict(variables, local=local)


def gate_approved(record):
    """True when the gate approved this bundle's creation and the bundle may exist."""
    return (isinstance(record, dict) and record.get("decision") == "APPROVE"
            and record.get("state") in (EXPORTING, EXPORTED))


def waiting_for_publication(records):
    """Gate-approved, exported bundles not yet published, newest first."""
    waiting = [r for r in records.values() if gate_approved(r) and r.get("state") == EXPORTED
               and (r.get("publication") or {}).get("status") != PUBLISHED]
    return sorted(waiting, key=lambda r: str(r.get("decidedOn", "")), reverse=True)

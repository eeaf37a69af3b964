"""publish-model-status: for each deployment of this project on a production infrastructure of the
Project Deployer, the latest drift, fairness and performance outcomes (the named metrics datasets read
and judged as create-approved-bundle reads and judges them) and the approval of its bundle, published
to Govern (one custom audit entry per deployment, and optionally a field of the Govern bundle item)
and returned as an HTML page. Writes nothing to DSS. A deployment whose status cannot be read is
UNKNOWN; a publication that fails makes the macro fail, naming it, after everything was attempted."""
import logging

from model_guardrails import gate, ids, params as p
from model_guardrails.errors import ConfigError
from model_guardrails.gate import model_status as ms, report

from . import evidence
from .http import Deadline
from .run import api_client, guarded, open_gateways, step_counter

log = logging.getLogger("model_guardrails.gate")
STEPS = 5  # connect, deployments, evidence, approvals, publish
BADGE = {ms.OK: "ok", ms.WARNING: "warn", ms.ERROR: "err", ms.UNKNOWN: "err"}


def publish_model_status(project_key, config, dss=None, progress=None, plugin_config=None):
    def work(redactor):
        source = gate.parse_govern_source(config, plugin_config)
        policy = gate.parse_policy(config, plugin_config)
        stages = tuple(p.get_list(config, "production_stages")) or ms.DEFAULT_STAGES
        names = tuple(ids.check(ids.DATASET_NAME, n, "evidence_datasets") for n in p.get_list(config, "evidence_datasets"))
        field = p.get_str(config, "govern_status_field", "").strip()
        if field:
            ids.check(ids.GOVERN_NAME, field, "govern_status_field")
        step = gate.parse_step(config)
        max_age = ms.parse_max_age(config)
        dry_run = p.get_bool(config, "dry_run", True)
        advance = step_counter(progress)
        gw = open_gateways(api_client(dss), project_key, source, redactor)
        advance(1)
        return _publish(gw, stages, names, policy, step, field, dry_run, advance, source.deadline_seconds,
                        max_age)
    return guarded("publish-model-status", config, work)


def _call(gw, service, what, fn, *args):
    return gw.dss.redactor.call(service, what, fn, *args)


def production_deployments(gw, stages):
    """[(deployment id, infra id, stage, bundle id, why not read)] of the project's deployments whose
    infrastructure's stage is one of ``stages`` (or cannot be read: then kept, UNKNOWN), and the
    (deployment, infra, stage) of the others, for the report. The deployments through
    :meth:`DSSGateway.deployments` (a Deployer 404 while exported bundles say they were published is
    refused, never "no deployment"); the stages through :meth:`DSSGateway.infra_stages`."""
    exported = gw.dss.list_exported()
    _packages, rows = gw.dss.deployments(expect_published=any(b.published_on for b in exported))
    stage_of = gw.dss.infra_stages(sorted({infra for _d, infra, _b, error in rows if infra and error is None}))
    wanted = {s.lower() for s in stages}  # stage ids compared case-insensitively
    kept, others = [], []
    for dep_id, infra, bundle_id, error in rows:
        if error is not None:
            kept.append((dep_id, infra, "?", "", str(error)))
            continue
        stage, why = stage_of.get(infra, ("", "infrastructure {} not read".format(infra)))
        if why:
            kept.append((dep_id, infra, "?", bundle_id, why))
        elif stage.lower() in wanted:
            kept.append((dep_id, infra, stage, bundle_id, ""))
        else:
            others.append((dep_id, infra, stage))
    return kept, others


def _evidence(gw, names, deadline_seconds):
    frames = evidence.read_frames(names, Deadline(deadline_seconds)) if names else {}
    out = {}
    for name in names:
        frame, why = frames[name]
        try:
            stored, stored_error = gw.dss.stored_rule_results(name), ""
        except (gate.GateError, ConfigError) as err:
            stored, stored_error = None, str(err)
        out[name] = gate.EvidenceFacts(frame, why, stored, stored_error)
    return out


def _approval(gw, bundle_id, step, records, governed):
    try:
        return ms.judge_approval(bundle_id, gw.govern.bundle_approval(bundle_id, step, governed),
                                 (records or {}).get(bundle_id))
    except gate.GateError as err:
        return ms.judge_approval(bundle_id, None, (records or {}).get(bundle_id), govern_error=str(err))


def _publish(gw, stages, names, policy, step, field, dry_run, advance, deadline_seconds, max_age):
    deployments, others = production_deployments(gw, stages)
    advance(2)
    monitoring = (ms.judge_monitoring(_evidence(gw, names, deadline_seconds), names, policy,
                                      max_age_hours=max_age) if deployments else {})
    advance(3)
    try:
        records, records_error = gw.dss.read_records(), ""
    except gate.GateError as err:
        records, records_error = None, str(err)
    try:
        governed = gw.govern.project_governed() if deployments else None
    except gate.GateError as err:
        governed = None
        log.warning("Govern not read: %s", err)
    statuses = []
    for dep_id, infra, stage, bundle, why in deployments:
        approval = _approval(gw, bundle, step, records, governed) if not why else None
        if approval is not None and records_error and approval.outcome != ms.APPROVED:
            approval = ms.Part(ms.UNKNOWN, approval.detail + "; gate approval record not read: " + records_error)
        statuses.append(ms.status_of(dep_id, infra, stage, bundle, monitoring, approval, why))
    advance(4)
    checked_at = ms.now_text()
    published = [_publish_one(gw, s, checked_at, field, dry_run) for s in statuses]
    advance(STEPS)
    failures = ["{}: {}".format(s.deployment_id, "; ".join(f)) for s, f in zip(statuses, published) if f]
    html = _page(gw, statuses, published, others, stages, field, dry_run, checked_at)
    if failures:
        raise gate.GateError(gate.REFUSE_SERVER, "The status of {} deployment(s) was not fully published to Govern: {}. "
                             "Statuses: {}.".format(len(failures), " | ".join(failures), ", ".join(
                                 "{} {}".format(s.deployment_id, s.overall) for s in statuses)))
    return html


def _publish_one(gw, status, checked_at, field, dry_run):
    """The failures (texts) of publishing one deployment's status: the Govern audit entry (written in a
    dry run too: it only adds to Govern's audit log), then the field (only when not a dry run: a
    read-modify-write of the whole Govern item, see docs/lifecycle.md)."""
    failures = []
    params = gw.dss.redactor.scrub_value(ms.audit_params(status, gw.dss.project_key, gw.actor, checked_at))
    try:
        _call(gw, "Govern", "writing the status audit entry", gw.govern.client.log_custom_audit, ms.AUDIT_TYPE, params)
    except gate.GateError as err:
        failures.append("Govern audit entry not written: {}".format(err))
    if field and status.bundle_id and not dry_run:
        try:
            item = gw.govern.resolve_bundle(status.bundle_id)
            artifact = _call(gw, "Govern", "reading Govern item " + item.govern_artifact_id,
                             gw.govern.client.get_artifact(item.govern_artifact_id).get_definition)
            artifact.get_raw().setdefault("fields", {})[field] = ms.field_text(status, checked_at)
            _call(gw, "Govern", "writing field {} of Govern item {}".format(field, item.govern_artifact_id), artifact.save)
        except (gate.GateError, ConfigError) as err:
            failures.append("field {} of the Govern bundle item not written: {}".format(field, err))
    return failures


def _page(gw, statuses, published, others, stages, field, dry_run, checked_at):
    worst = ms.worst_overall(statuses)
    badge = report.badge("{} production deployment(s): {}".format(len(statuses), worst) if statuses
                         else "NO PRODUCTION DEPLOYMENT", BADGE.get(worst, "info"))
    field_line = ""
    if field:
        field_line = (", and field '{}' of the Govern bundle item governing its bundle".format(field) if not dry_run
                      else "; field '{}' NOT written (dry run: set dry_run to false to write it)".format(field))
    return report.page("Model status of {}".format(gw.dss.project_key), badge, [
        ("Production deployments", report.table(list(ms.PAGE_COLUMNS), ms.page_rows(statuses, published, field,
                                                                                    dry_run))),
        ("Other deployments (not published)", report.table(["Deployment", "Infrastructure", "Stage"], others)),
        ("What this macro wrote", report.ordered([
            "Govern: one custom audit entry '{}' per production deployment{}.".format(ms.AUDIT_TYPE, field_line),
            "DSS: nothing. Production stages: {}. Checked by {} at {}.".format(", ".join(stages), gw.actor, checked_at),
            "UNKNOWN means a part could not be read; it is never shown as OK."]))])

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
        advance = step_counter(progress)
        gw = open_gateways(api_client(dss), project_key, source, redactor)
        advance(1)
        return _publish(gw, stages, names, policy, step, field, advance, source.deadline_seconds)
    return guarded("publish-model-status", config, work)


def _call(gw, service, what, fn, *args):
    return gw.dss.redactor.call(service, what, fn, *args)


def production_deployments(gw, stages):
    """[(deployment id, infra id, stage, bundle id, why not read)] of the project's deployments whose
    infrastructure's stage is one of ``stages`` (or cannot be read: then kept, UNKNOWN) and the stages of
    the others, for the report. UNCONFIRMED: the stage is read from the infrastructure settings' ``stage``
    key (the key of the create-infra body)."""
    deployer = gw.dss.client.get_projectdeployer()
    key = gw.dss.project_key
    try:
        status = _call(gw, "DSS", "reading published project {} on the Project Deployer".format(key),
                       deployer.get_project(key).get_status)
    except gate.GateError as err:
        if err.code == gate.REFUSE_NOT_FOUND:
            return [], []  # never published: no deployment
        raise
    raw = status.get_raw()
    listed = raw.get("deployments") if isinstance(raw, dict) else None
    if not isinstance(listed, list):
        raise gate.GateError(gate.REFUSE_MALFORMED, "The Project Deployer's project status has no deployment list.")
    kept, others, infra_stage = [], [], {}
    for dep in listed:
        dep_id = dep.get("id") if isinstance(dep, dict) else None
        infra = dep.get("infraId") if isinstance(dep, dict) else None
        try:
            ids.check(ids.DEPLOYMENT_ID, dep_id, "deployment id")
            ids.check(ids.DEPLOYMENT_ID, infra, "infrastructure id of deployment {}".format(dep_id))
            if infra not in infra_stage:
                settings = _call(gw, "DSS", "reading the settings of infrastructure " + infra,
                                 lambda: deployer.get_infra(infra).get_settings().get_raw())
                stage = settings.get("stage") if isinstance(settings, dict) else None
                if not isinstance(stage, str) or not stage:
                    raise gate.GateError(gate.REFUSE_MALFORMED, "infrastructure {} settings name no stage".format(infra))
                infra_stage[infra] = stage
            stage = infra_stage[infra]
            if stage.lower() not in {s.lower() for s in stages}:  # stage ids compared case-insensitively
                others.append((dep_id, infra, stage))
                continue
            settings = _call(gw, "DSS", "reading the settings of deployment " + dep_id,
                             deployer.get_deployment(dep_id).get_settings)
            bundle = ids.check(ids.BUNDLE_ID, _call(gw, "DSS", "reading the bundle of deployment " + dep_id,
                                                    lambda: settings.bundle_id), "bundle of deployment " + dep_id)
            kept.append((dep_id, infra, stage, bundle, ""))
        except (gate.GateError, ConfigError) as err:
            kept.append((str(dep_id), str(infra or ""), infra_stage.get(infra, "?"), "", str(err)))
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


def _publish(gw, stages, names, policy, step, field, advance, deadline_seconds):
    deployments, others = production_deployments(gw, stages)
    advance(2)
    monitoring = ms.judge_monitoring(_evidence(gw, names, deadline_seconds), names, policy) if deployments else {}
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
    published = [_publish_one(gw, s, checked_at, field) for s in statuses]
    advance(STEPS)
    failures = ["{}: {}".format(s.deployment_id, "; ".join(f)) for s, f in zip(statuses, published) if f]
    html = _page(gw, statuses, published, others, stages, field, checked_at)
    if failures:
        raise gate.GateError(gate.REFUSE_SERVER, "The status of {} deployment(s) was not fully published to Govern: {}. "
                             "Statuses: {}.".format(len(failures), " | ".join(failures), ", ".join(
                                 "{} {}".format(s.deployment_id, s.overall) for s in statuses)))
    return html


def _publish_one(gw, status, checked_at, field):
    """The failures (texts) of publishing one deployment's status: the Govern audit entry, then the field."""
    failures = []
    params = gw.dss.redactor.scrub_value(ms.audit_params(status, gw.dss.project_key, gw.actor, checked_at))
    try:
        _call(gw, "Govern", "writing the status audit entry", gw.govern.client.log_custom_audit, ms.AUDIT_TYPE, params)
    except gate.GateError as err:
        failures.append("Govern audit entry not written: {}".format(err))
    if field and status.bundle_id:
        try:
            item = gw.govern.resolve_bundle(status.bundle_id)
            artifact = _call(gw, "Govern", "reading Govern item " + item.govern_artifact_id,
                             gw.govern.client.get_artifact(item.govern_artifact_id).get_definition)
            artifact.get_raw().setdefault("fields", {})[field] = ms.field_text(status, checked_at)
            _call(gw, "Govern", "writing field {} of Govern item {}".format(field, item.govern_artifact_id), artifact.save)
        except (gate.GateError, ConfigError) as err:
            failures.append("field {} of the Govern bundle item not written: {}".format(field, err))
    return failures


def _page(gw, statuses, published, others, stages, field, checked_at):
    worst = max([s.overall for s in statuses], key=lambda o: ms.RANK.get(o, 3)) if statuses else None
    badge = report.badge("{} production deployment(s): {}".format(len(statuses), worst) if statuses
                         else "NO PRODUCTION DEPLOYMENT", BADGE.get(worst, "info"))
    rows = [(s.deployment_id, s.infra_id, s.stage, s.bundle_id, s.overall) + tuple(
        "{} — {}".format(s.part(k).outcome, s.part(k).detail) for k in ms.KINDS + ("approval",))
        + ("; ".join(f) if f else "audit entry" + (" and field " + field if field and s.bundle_id else ""),)
        for s, f in zip(statuses, published)]
    return report.page("Model status of {}".format(gw.dss.project_key), badge, [
        ("Production deployments", report.table(
            ["Deployment", "Infrastructure", "Stage", "Bundle", "Overall", "Drift", "Fairness", "Performance",
             "Approval", "Published to Govern"], rows)),
        ("Other deployments (not published)", report.table(["Deployment", "Infrastructure", "Stage"], others)),
        ("What this macro wrote", report.ordered([
            "Govern: one custom audit entry '{}' per production deployment{}.".format(
                ms.AUDIT_TYPE, ", and field '{}' of the Govern bundle item governing its bundle".format(field)
                if field else ""),
            "DSS: nothing. Production stages: {}. Checked by {} at {}.".format(", ".join(stages), gw.actor, checked_at),
            "UNKNOWN means a part could not be read; it is never shown as OK."]))])

"""decommission-inactive: read each deployment's and saved model's last activity (a saved model's:
its versions' train dates and its Model Evaluation Store evaluations, ``dku_evaluations``) through
the public API → judge (``deployments.inactivity``) → audit → when confirmed (dry run off), archive the
inactive ones (disable + update a deployment; label a saved model's active version), auditing each
action → report. An item whose activity cannot be read is UNKNOWN and never touched."""
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from model_guardrails import gate
from model_guardrails.deployments import inactivity as ina
from model_guardrails.deployments import retire
from model_guardrails.deployments.params import parse_decommission_params
from model_guardrails.errors import ConfigError
from model_guardrails.gate import report

from ..gate.dss_gateway import DssGateway
from ..gate.http import Deadline
from ..gate.run import api_client, guarded, step_counter
from .deployer import Deployer, UpdateNotConfirmed
from .dku_evaluations import project_evaluations
from .live import optional_govern

STEPS = 4  # connect, read activity, judge and audit, act
ARCHIVED_LABEL = "model-guardrails:archived"
LISTING = "LISTING"  # the audit entry's decision for a listing (dry run or before acting)
TRAIN_EVIDENCE = "the newest train date of its versions (version snippet trainDate)"
EVALUATIONS = "its versions' train dates (trainDate) and Model Evaluation Store evaluations (created, modelRef)"
PROJECT_EVIDENCE = ("the newest of its deployments' last updates (get_update) and its bundles' publication "
                    "(Project Deployer publishedOn)")
BUNDLE = "published bundle"


def decommission_inactive(project_key, config, dss=None, now=None, progress=None, plugin_config=None):
    def work(redactor):
        params = parse_decommission_params(config, plugin_config)
        return _decommission(project_key, params, api_client(dss), redactor, now or datetime.now(timezone.utc),
                             step_counter(progress))
    return guarded("decommission-inactive", config, work)


@dataclass
class DeployerView:
    """What the Project Deployer says of the project's published project."""
    activities: list                   # [Activity] of its deployments
    enabled: Optional[tuple]           # ids of its enabled deployments; None when unreadable
    error: str = ""
    published: list = field(default_factory=list)  # [BundleInfo]
    used: dict = field(default_factory=dict)       # {bundle id: (deployment ids)} from the settings' bundleId


def _deployment_activity(deployer):
    try:
        published, deployments = deployer.project_deployments(deployer.dss.project_key)
    except (gate.GateError, ConfigError) as err:  # ConfigError: an id DSS returned that is not valid
        return DeployerView([], None, str(err))
    out, enabled, used = [], [], {}
    for dep_id, raw in deployments:
        flag = raw.get("enabled") if isinstance(raw.get("enabled"), bool) else None
        if flag is not False:
            enabled.append(dep_id)
        used.setdefault(str(raw.get("bundleId")), []).append(dep_id)
        last, evidence, error = deployer.last_update_ms(dep_id)
        out.append(ina.Activity(ina.DEPLOYMENT, dep_id, last, evidence, error, enabled=flag))
    return DeployerView(out, tuple(enabled), "", published, {b: tuple(d) for b, d in used.items()})


def _published_project_activity(project_key, view):
    """The published project's Activity: the newest of its deployments' last updates and its
    bundles' publication dates; unreadable when any of them is."""
    if view.enabled is None:
        return ina.Activity(ina.PUBLISHED_PROJECT, project_key, None, PROJECT_EVIDENCE, view.error)
    broken = [a for a in view.activities if a.error or a.last_ms is None]
    undated = [b.bundle_id for b in view.published if b.created_ms is None]
    error = ("the last update of deployment {} is unreadable ({})".format(broken[0].item_id, broken[0].error)
             if broken else "the publication date of bundle(s) {} is unreadable".format(", ".join(undated))
             if undated else "")
    last, wrong = ina.newest_ms([a.last_ms for a in view.activities] + [b.created_ms for b in view.published])
    return ina.Activity(ina.PUBLISHED_PROJECT, project_key, last, PROJECT_EVIDENCE, error or wrong)


def _model_activity(dss, deployer, enabled, deployments_error):
    try:
        models = dss.saved_models()
    except gate.GateError as err:
        return [ina.Activity(ina.SAVED_MODEL, "(all saved models)", None, EVALUATIONS, str(err))]
    try:
        evaluations, evaluations_error = project_evaluations(dss), ""
    except (gate.GateError, ConfigError) as err:  # ConfigError: a store or evaluation id DSS listed is not valid
        evaluations, evaluations_error = [], str(err)
    services, services_error = deployer.api_services()
    used_by = None if enabled is None or services is None else \
        tuple("deployment " + d for d in enabled) + tuple("API service " + s for s in services)
    out = []
    for model in models:
        model_id, error, dates = model["id"], "", []
        try:
            for version in dss.model_versions(model_id):
                dates.append(dss.train_date_ms(dss.version_details(model_id, version["id"])))
        except (gate.GateError, ConfigError) as err:
            error = str(err)
        if used_by is None:
            error = error or "the project's {} could not be read, so whether it is in use is unknown ({})".format(
                "deployments" if enabled is None else "API services",
                deployments_error if enabled is None else services_error)
        out.append(ina.saved_model_activity(dss.project_key, model_id, dates, TRAIN_EVIDENCE, evaluations,
                                            evaluations_error, error, used_by or ()))
    return out


def _decommission(project_key, params, client, redactor, now, step):
    deadline = Deadline(params.source.deadline_seconds)
    dss = DssGateway(client, project_key, params.source, deadline, redactor)
    actor, node_id = dss.identity()
    govern = optional_govern(params.source, dss, deadline, node_id)[0]
    deployer = Deployer(dss)
    step(1)
    view = _deployment_activity(deployer)
    activities = view.activities + _model_activity(dss, deployer, view.enabled, view.error)
    if params.bundle_action == "delete":
        activities.append(_published_project_activity(project_key, view))
    step(2)
    now_ms = now.timestamp() * 1000.0
    judgements = ina.judge_all(activities, now_ms, params.inactive_days, params.include_models_in_use)
    plans = _bundle_plans(dss, judgements, view)
    to_archive = [j for j in judgements if j.action == ina.ARCHIVE and _configured(params, j)]
    to_delete = [b for b in plans if b.action == retire.DELETE]
    decision = gate.Decision(True, "DECOMMISSION", "{} item(s) inactive for {} days or more to archive, {} published "
                             "bundle(s) to delete".format(len(to_archive), params.inactive_days, len(to_delete)))

    def audit(action, item="", detail="", outcome=decision, label=None):
        entry = gate.audit_params(actor, project_key, outcome, None, "", action=action,
                                  detail=(item + ": " if item else "") + detail, now=now)
        if label:
            entry["decision"] = label  # a listing decides nothing: neither APPROVE nor REFUSE
        return dss.write_audit(entry, govern)

    written, where = audit("dry-run decommission listing" if params.dry_run else "decommission listing",
                           detail="; ".join(["{} {} {}".format(j.activity.kind, j.activity.item_id, j.verdict)
                                             for j in judgements] + ["{} {} {}".format(BUNDLE, b.bundle_id, b.action)
                                                                     for b in plans]), label=LISTING)
    step(3)
    outcomes = {}
    if not params.dry_run and (to_archive or to_delete):
        if not written:
            raise gate.GateRefused(gate.withdraw_unaudited(decision, written, where, action="decommissioning"),
                                   what="Decommissioning")
        for j in to_archive:
            outcomes[(j.activity.kind, j.activity.item_id)] = _archive(dss, deployer, params, j, audit, now)
        outcomes.update(_delete_bundles(dss, deployer, to_delete, audit))
    step(STEPS)
    return _report(project_key, params, judgements, plans, outcomes, written, where, now)


def _bundle_plans(dss, judgements, view):
    """[BundlePlan] of the published bundles when bundle_action is 'delete' (its published project
    judged), else []."""
    project = [j for j in judgements if j.activity.kind == ina.PUBLISHED_PROJECT]
    if not project:
        return []
    try:
        records = dss.read_records()
    except gate.GateError:
        records = None
    return retire.plan_bundle_deletion(project[0], [b.bundle_id for b in view.published], view.used, records,
                                       {b.bundle_id: b.created_ms for b in view.published if b.created_ms})


def _delete_bundles(dss, deployer, to_delete, audit):
    """Delete each planned bundle from the Project Deployer after reading the deployments again (a
    bundle a deployment now names is kept; deployments unreadable: nothing is deleted). Returns
    {(BUNDLE, id): outcome text with where its audit entry went}."""
    if not to_delete:
        return {}
    try:
        _, deployments = deployer.project_deployments(dss.project_key)
        now_used = {str(raw.get("bundleId")) for _, raw in deployments}
    except (gate.GateError, ConfigError) as err:
        now_used, unreadable = None, str(err)
    outcomes = {}
    for plan in to_delete:
        name = "{} {}".format(BUNDLE, plan.bundle_id)
        try:
            if now_used is None:
                raise gate.GateError(gate.REFUSE_MALFORMED, "the deployments could not be read again before deleting "
                                     "({})".format(unreadable))
            if plan.bundle_id in now_used:
                raise gate.GateError(gate.REFUSE_AMBIGUOUS, "a deployment now uses it")
            dss.delete_published(plan.bundle_id)
        except (gate.GateError, ConfigError) as err:
            text = "NOT deleted: {}".format(err)
            outcomes[(BUNDLE, plan.bundle_id)] = text + " " + _audit_note(audit(
                "decommission failed", name, text, gate.refuse(getattr(err, "code", gate.REFUSE_MALFORMED), text)))
            continue
        text = "deleted from the Project Deployer"
        outcomes[(BUNDLE, plan.bundle_id)] = text + " " + _audit_note(audit("decommissioned", name, "{} ({})".format(
            text, plan.reason)))
    return outcomes


def _configured(params, judgement):
    kind = judgement.activity.kind
    return (kind == ina.DEPLOYMENT and params.deployment_action == "disable") or \
        (kind == ina.SAVED_MODEL and params.model_action == "label")


def _archive(dss, deployer, params, judgement, audit, now):
    """Archive one item; returns the outcome text, with where its audit entry went (never raises:
    the next item still runs)."""
    item = judgement.activity
    name = "{} {}".format(item.kind, item.item_id)
    try:
        if item.kind == ina.DEPLOYMENT:
            text = _disable(deployer, params, item.item_id)
        else:
            version = dss.active_model_version(item.item_id)
            value = "inactive since {}; archived {}".format(judgement.last_seen, now.strftime("%Y-%m-%d"))
            back = dss.label_version(item.item_id, version, ARCHIVED_LABEL, value)
            kept = any(isinstance(lb, dict) and lb.get("key") == ARCHIVED_LABEL for lb in back)
            text = "labelled {} on version {}{}".format(ARCHIVED_LABEL, version, "" if kept else " (NOT read back)")
    except (gate.GateError, ConfigError) as err:
        text = "NOT archived: {}".format(err)
        return text + " " + _audit_note(audit("decommission failed", name, text,
                                              gate.refuse(getattr(err, "code", gate.REFUSE_MALFORMED), text)))
    return text + " " + _audit_note(audit("decommissioned", name, text + " ({})".format(judgement.reason)))


def _disable(deployer, params, deployment_id):
    """Disable, then update. After an update without result, enabled is put back only when DSS said
    the update failed (GateError with that sentence); on an unknown state the settings stay disabled
    and the error says so."""
    deployer.save_enabled(deployment_id, deployer.settings(deployment_id), False)
    try:
        deployer.update_and_wait(deployment_id, params.update_timeout_seconds)
    except UpdateNotConfirmed as err:
        said = deployer.after_failed_update(
            deployment_id, err, lambda: deployer.save_enabled(deployment_id, deployer.settings(deployment_id), True),
            "its settings were put back to enabled", "its settings are left disabled (enabled=false)")
        raise gate.GateError(err.code, "{} After it, {}.".format(err, said)) from None
    return "disabled and updated"


def _audit_note(written_where):
    written, where = written_where
    return "(audit entry: {})".format(where if written else "NOT written: " + where)


def _report(project_key, params, judgements, plans, outcomes, written, where, now):
    rows = []
    for j in judgements:
        key = (j.activity.kind, j.activity.item_id)
        if key in outcomes:
            action = outcomes[key]
        elif j.activity.kind == ina.PUBLISHED_PROJECT:
            action = "its bundles: below"
        elif j.action == ina.ARCHIVE:
            action = "would archive (dry run)" if params.dry_run else "listed only (action 'none')"
        else:
            action = "untouched"
        rows.append([j.activity.kind, j.activity.item_id, j.verdict, j.last_seen or "(unreadable)",
                     j.activity.evidence, j.reason, action])
    for plan in plans:
        key = (BUNDLE, plan.bundle_id)
        action = outcomes.get(key) or ("would delete (dry run)" if plan.action == retire.DELETE and params.dry_run
                                       else "untouched")
        rows.append([BUNDLE, plan.bundle_id, plan.action.upper(), "", "the published project's verdict; the gate's "
                     "approval record; the deployments' bundleId", plan.reason, action])
    inactive = sum(1 for j in judgements if j.verdict == ina.INACTIVE)
    unknown = sum(1 for j in judgements if j.verdict == ina.UNKNOWN)
    status = report.badge("{}{} INACTIVE, {} UNKNOWN".format("DRY RUN: " if params.dry_run else "", inactive, unknown),
                          "info" if params.dry_run else "ok")
    sections = [("Items (no activity for {} days or more is inactive)".format(params.inactive_days),
                 report.table(["Kind", "Id", "Verdict", "Last activity", "Evidence", "Reason", "Action"], rows)),
                ("Audit", report.key_values([("Listing record", "Audit entry written to the {}.".format(where)
                                              if written else "Not written ({}).".format(where)),
                                             ("Decided at", now.strftime("%Y-%m-%d %H:%M:%S UTC"))]))]
    return report.page("Inactive models and deployments of {}".format(project_key), status, sections)

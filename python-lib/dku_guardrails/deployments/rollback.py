"""rollback-deployment: fetch (the deployment's settings, the approval record, the exported and
published bundles, whether the user is an administrator when forcing) → decide
(``deployments.rollback.decide_rollback``) → audit (no unaudited switch) → switch the bundle, update,
wait under the macro's deadline → record "model live in production" → report. Dry run by default."""
from datetime import datetime, timezone

from model_guardrails import gate
from model_guardrails.deployments import rollback
from model_guardrails.deployments.live import live_params
from model_guardrails.deployments.params import parse_rollback_params
from model_guardrails.errors import ConfigError
from model_guardrails.gate import report

from ..gate.dss_gateway import DssGateway
from ..gate.http import Deadline
from ..gate.run import api_client, guarded, step_counter
from .deployer import Deployer, UpdateNotConfirmed
from .live import optional_govern, record_live

STEPS = 5  # connect, read, decide + audit, update, record


def rollback_deployment(project_key, config, dss=None, now=None, progress=None, plugin_config=None):
    def work(redactor):
        params = parse_rollback_params(config, plugin_config)
        return _rollback(project_key, params, api_client(dss), redactor, now or datetime.now(timezone.utc),
                         step_counter(progress))
    return guarded("rollback-deployment", config, work)


def _facts(dss, deployer, params, settings):
    raw = settings.get_raw()
    records, records_error = None, ""
    try:
        records = dss.read_records()
    except gate.GateError as err:
        records_error = str(err)
    listed = dss.list_exported()
    exported = frozenset(b.bundle_id for b in listed)
    published = frozenset(b.bundle_id for b in dss.deployer_state(expect_published=True)[0])
    is_admin = deployer.is_admin() if params.force else None
    return rollback.RollbackFacts(params.deployment_id, raw.get("publishedProjectKey", ""), str(raw.get("infraId", "")),
                                  raw["bundleId"], records, records_error, exported, published,
                                  params.target_bundle_id, params.force, params.force_reason, is_admin,
                                  {b.bundle_id: b.created_ms for b in listed if b.created_ms is not None})


def _rollback(project_key, params, client, redactor, now, step):
    deadline = Deadline(params.source.deadline_seconds)
    dss = DssGateway(client, project_key, params.source, deadline, redactor)
    actor, node_id = dss.identity()
    govern, govern_note = optional_govern(params.source, dss, deadline, node_id)
    deployer = Deployer(dss)
    step(1)
    what = "Rollback of deployment " + params.deployment_id

    def audit(decision, action, target="", detail=""):
        return dss.write_audit(gate.audit_params(actor, project_key, decision, None, target, action=action,
                                                 detail=detail, now=now), govern)

    try:
        settings = deployer.settings(params.deployment_id)
        if settings.get_raw().get("publishedProjectKey") != project_key:
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "deployment {} deploys published project {}, not project {}: "
                                 "run the macro from that project.".format(params.deployment_id,
                                                                          settings.get_raw().get("publishedProjectKey"),
                                                                          project_key))
        facts = _facts(dss, deployer, params, settings)
    except (gate.GateError, ConfigError) as err:  # ConfigError: an id DSS returned that is not valid
        decision = gate.refuse(getattr(err, "code", gate.REFUSE_MALFORMED), str(err))
        written, where = audit(decision, "rollback decision")
        raise gate.GateRefused(decision, _audit_note(written, where), what=what) from None
    step(2)
    plan = rollback.decide_rollback(facts)
    detail = "deployment {} on {}: {} -> {}{}".format(params.deployment_id, facts.infra_id, plan.current,
                                                      plan.target or "(none)",
                                                      "; forced: " + params.force_reason if plan.forced else "")
    written, where = audit(plan.decision, "dry-run rollback decision" if params.dry_run else "rollback decision",
                           plan.target, detail)
    if not plan.allowed:
        raise gate.GateRefused(plan.decision, _audit_note(written, where), what=what)
    audited = gate.withdraw_unaudited(plan.decision, written, where, action="the rollback")  # no unaudited switch
    if not audited.approved:
        raise gate.GateRefused(audited, what=what)
    step(3)
    outcome = []
    if not params.dry_run:
        outcome = _switch(deployer, params, plan, audit)
        step(4)
        live = live_params(actor, project_key, plan.target, params.deployment_id, facts.infra_id,
                           (plan.target_record or {}).get("approver", ""), how="rolled back",
                           detail=detail, now=now, previous_bundle_id=plan.current)
        outcome.append("Live-in-production record: " + " ".join(record_live(dss, govern, live, govern_note)))
    step(STEPS)
    return _report(project_key, params, plan, facts, outcome, _audit_note(written, where), now)


def _switch(deployer, params, plan, audit):
    """Save the target bundle, update, wait. Refused when the deployment changed since the decision.
    After an update without result the settings are put back only when DSS said it failed
    (``Deployer.after_failed_update``); otherwise they are left naming the target (state unknown).
    Each outcome is audited and where its entry went is part of the outcome."""
    dep = params.deployment_id
    settings = deployer.settings(dep)
    running = settings.get_raw().get("bundleId")
    if running != plan.current:
        text = ("deployment {} now names bundle {}, not {} as when the rollback was decided: it changed in between, "
                "so it was not switched".format(dep, running, plan.current))
        note = _audit_note(*audit(gate.refuse(gate.REFUSE_AMBIGUOUS, text), "rollback refused", plan.target, text))
        raise gate.GateError(gate.REFUSE_AMBIGUOUS, "Rollback of deployment {} refused: {}. {}".format(dep, text, note))
    try:
        deployer.save_bundle(dep, settings, plan.target)
    except gate.GateError as err:
        note = _audit_note(*audit(gate.refuse(err.code, str(err)), "rollback failed", plan.target,
                                  "settings not saved"))
        raise gate.GateError(err.code, "Deployment {} was not changed: saving bundle {} failed: {} {}".format(
            dep, plan.target, err, note)) from None
    try:
        result = deployer.update_and_wait(dep, params.update_timeout_seconds)
    except UpdateNotConfirmed as err:
        said = deployer.after_failed_update(
            dep, err, lambda: deployer.save_bundle(dep, deployer.settings(dep), plan.current),
            "its settings were put back to bundle {}".format(plan.current),
            "its settings are left naming bundle {}".format(plan.target))
        note = _audit_note(*audit(gate.refuse(err.code, str(err)), "rollback update failed" if err.failed
                                  else "rollback update state unknown", plan.target, "{}: {}".format(err, said)))
        raise gate.GateError(err.code, "Rollback of deployment {} from {} to {} not confirmed: {} After it, {}. {}"
                             .format(dep, plan.current, plan.target, err, said, note)) from None
    note = _audit_note(*audit(plan.decision, "rolled back", plan.target, "deployment {} updated: {} -> {}".format(
        dep, plan.current, plan.target)))
    return ["Deployment {} now runs bundle {} (was {}); the update finished{}. {}".format(
        dep, plan.target, plan.current, "" if result is None else " without error", note)]


def _audit_note(written, where):
    return "Audit entry written to the {}.".format(where) if written else \
        "The audit entry could NOT be written ({}).".format(where)


def _report(project_key, params, plan, facts, outcome, audit_note, now):
    status = report.badge("DRY RUN: WOULD ROLL BACK" if params.dry_run else "ROLLED BACK",
                          "info" if params.dry_run else "ok")
    rows = [("Deployment", params.deployment_id), ("Infrastructure", facts.infra_id),
            ("From (deployed now)", plan.current), ("Its approval", rollback.approval_text(plan.current_record)),
            ("To", plan.target), ("Its approval", rollback.approval_text(plan.target_record)),
            ("Reason", plan.decision.reason), ("Decided at", now.strftime("%Y-%m-%d %H:%M:%S UTC"))]
    if plan.forced:
        rows.append(("Forced by an administrator", params.force_reason))
    sections = [("Decision", report.key_values(rows))]
    if outcome:
        sections.append(("Outcome", report.ordered(outcome)))
    sections.append(("Audit", report.key_values([("Decision record", audit_note)])))
    return report.page("Rollback of deployment {} ({})".format(params.deployment_id, project_key), status, sections)

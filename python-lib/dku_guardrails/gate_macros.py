"""The three gate macros: create-approved-bundle, prune-bundles, governance-status.

Each function takes the project key and the raw macro config, talks to DSS and Govern through the
adapters and returns the HTML result; the decisions themselves are in ``model_guardrails``.
"""
import dataclasses
import logging
from datetime import datetime, timezone

from model_guardrails import bundles as core_bundles, gate, ids, params as p, report
from model_guardrails.errors import ConfigError, GuardrailsError

from . import bundles as dss_side, govern, model_health
from .http import Deadline, harden, redacted_logs, scrub

log = logging.getLogger("model_guardrails.gate")

# Progress steps reported through the macro's progress_callback (get_progress_target: (STEPS, "NONE")).
CREATE_STEPS, PRUNE_STEPS, STATUS_STEPS = 6, 4, 4


def _progress(callback):
    """A step counter calling DSS's progress_callback(current); never lets it fail the macro."""
    state = {"step": 0}

    def advance(to=None):
        state["step"] = state["step"] + 1 if to is None else to
        if callback is not None:
            try:
                callback(state["step"])
            except Exception:  # progress is cosmetic
                log.debug("progress callback failed", exc_info=True)
    return advance


def _api_client(dss):
    if dss is not None:
        return dss
    import dataiku  # only inside DSS or the local runtime

    return dataiku.api_client()


def _guarded(secrets, fn, *args):
    """Run ``fn`` with secrets removed from every log record; an exception whose text would carry
    a secret is replaced by a scrubbed one."""
    with redacted_logs(secrets):
        try:
            return fn(*args)
        except Exception as exc:  # re-raised below; only its text may change
            text = str(exc)
            if any(s and s in text for s in secrets):
                raise gate.GateError(gate.REFUSE_SERVER, scrub(text, secrets)) from None
            raise


# -- create-approved-bundle --------------------------------------------------------------------

def create_approved_bundle(project_key, config, dss=None, now=None, progress=None):
    params = gate.parse_gate_params(config)
    ids.check(ids.PROJECT_KEY, project_key, "project key")
    secrets = [params.source.connection.api_key] if params.source.connection else []
    now = now or datetime.now(timezone.utc)
    return _guarded(secrets, _create, project_key, params, _api_client(dss), secrets, now, _progress(progress))


def _create(project_key, params, dss, secrets, now, step=lambda to=None: None):
    deadline = Deadline(params.source.deadline_seconds)
    harden(dss, params.source.timeout_seconds, deadline)
    project = dss.get_project(project_key)
    actor, item, gc, bundle_id, chain, evidence, health = "", None, None, "", [], [], None
    decision = None
    try:
        actor, node_id = dss_side.identity(dss, secrets)
        chain.append("DSS project {} on node {}, macro run by {}".format(project_key, node_id, actor))
        step(1)
        gc = govern.connect(params.source, dss, deadline, secrets)
        chain.append("Govern reached through " + params.source.label)
        step(2)
        version = params.saved_model_version
        if params.governed_item == "saved_model_version" and not version:
            version = dss_side.active_model_version(project, params.saved_model_id, secrets)
        item = govern.resolve_item(gc, params, project_key, node_id, version, secrets)
        chain.append("{} is synced to Govern as {} ({})".format(
            item.dss_label, item.dataiku_artifact_id, gate.BP_DATAIKU_PROJECT if item.kind == "project"
            else gate.BP_DATAIKU_MODEL_VERSION))
        chain.append("{} is governed by {}".format(item.dataiku_artifact_id, item.govern_label))
        raw = govern.read_signoff(gc, item, params.signoff_step, secrets)
        step(3)
        decision = gate.decide_signoff(raw, item, params.signoff_step, params.require_final_approval)
        chain.append("sign-off on step '{}': {}{}".format(
            params.signoff_step, decision.signoff_status,
            ", final approval by " + decision.approver if decision.approver else ""))
        if decision.approved:
            decision, bundle_id, evidence, health = _pre_export_checks(project, project_key, params, decision,
                                                                       secrets, now)
    except gate.GateError as err:
        decision = _refusal(decision, err.code, str(err), params.signoff_step)
    except ConfigError as err:  # an id from DSS or Govern that cannot go into a URL
        decision = _refusal(decision, gate.REFUSE_MALFORMED, str(err), params.signoff_step)

    action = "dry-run decision" if params.dry_run else "decision"
    written, where = dss_side.write_audit(dss, gc, gate.audit_params(
        actor, project_key, decision, item, bundle_id, action=action, now=now), secrets)
    audit_note = ("Audit entry written to the {}.".format(where) if written
                  else "The audit entry could not be written ({}).".format(where))
    log.info("Gate decision for %s: %s (%s). %s", project_key, decision.code, decision.reason, audit_note)
    step(4)
    if not decision.approved:
        raise gate.GateRefused(decision, audit_note)
    if not written and params.audit_required:
        refused = gate.refuse(gate.REFUSE_AUDIT, "the sign-off is approved but the audit entry could not be written "
                              "({}); set 'audit_required' to false to proceed without it, or run the macro as a user "
                              "allowed to write audit entries.".format(where), params.signoff_step,
                              decision.signoff_status)
        raise gate.GateRefused(refused)

    outcome = []
    if not params.dry_run:
        notes = gate.release_notes(decision, item, params.release_notes, now)
        try:
            dss_side.export_bundle(project, bundle_id, notes, secrets)
        except gate.GateError as err:
            _audit_outcome(dss, gc, actor, project_key, decision, item, bundle_id, "export failed", str(err), secrets, now)
            raise gate.GateError(err.code, "Approved, but exporting bundle {} failed: {} Check the project's bundle "
                                 "list: a timed-out export may still have completed. Nothing was published."
                                 .format(bundle_id, err)) from None
        outcome.append("Bundle {} exported on the Design node.".format(bundle_id))
        step(5)
        if params.publish:
            try:
                result = dss_side.publish_bundle(project, bundle_id, secrets)
            except gate.GateError as err:
                _audit_outcome(dss, gc, actor, project_key, decision, item, bundle_id, "exported, publish failed",
                               str(err), secrets, now)
                raise gate.GateError(err.code, "Bundle {} was exported, but publishing it to the Project Deployer "
                                     "failed: {} Publish it from the project's Bundles page once the cause is "
                                     "fixed.".format(bundle_id, err)) from None
            key = result.get("publishedProjectKey", project_key) if isinstance(result, dict) else project_key
            outcome.append("Published to the Project Deployer as project {}.".format(key))
        ok, where2 = _audit_outcome(dss, gc, actor, project_key, decision, item, bundle_id,
                                    "published" if params.publish else "exported", " ".join(outcome), secrets, now)
        outcome.append("Outcome audit entry: " + (where2 if ok else "not written ({})".format(where2)) + ".")
    step(CREATE_STEPS)
    return _approval_report(project_key, params, decision, item, bundle_id, chain, evidence, outcome, audit_note, now,
                            health)


def _refusal(previous, code, reason, step):
    if previous is not None:
        return dataclasses.replace(previous, approved=False, code=code, reason=reason)
    return gate.refuse(code, reason, step)


def _pre_export_checks(project, project_key, params, decision, secrets, now):
    """Bundle id (template, validity, no collision) and evidence datasets (with their model-health
    section for the report)."""
    try:
        bundle_id = core_bundles.render_bundle_id(params.bundle_id_template, project_key, params.version,
                                                  decision.signoff_status, now)
    except ConfigError as err:
        return _refusal(decision, gate.REFUSE_BUNDLE_ID, str(err), params.signoff_step), "", [], None
    existing = {b.bundle_id for b in dss_side.list_exported(project, secrets)}
    if bundle_id in existing:
        return _refusal(decision, gate.REFUSE_BUNDLE_ID, "Bundle {} already exists in project {}: raise 'version' or "
                        "change 'bundle_id_template' (for instance add {{date}}).".format(bundle_id, project_key),
                        params.signoff_step), bundle_id, [], None
    evidence, health = [], None
    if params.evidence_datasets:
        results = dss_side.evidence_results(project, params.evidence_datasets, secrets)
        ok, evidence = gate.evaluate_evidence(results)
        if not ok:
            return _refusal(decision, gate.REFUSE_EVIDENCE, "The sign-off is approved but the evidence fails: " +
                            "; ".join(evidence) + ".", params.signoff_step), bundle_id, evidence, None
        approval = {"status": decision.signoff_status, "approver": decision.approver, "step": decision.step,
                    "approved_on": decision.approved_on}
        health = model_health.section(params.evidence_datasets, results, approval, bundle_id, project_key)
    return decision, bundle_id, evidence, health


def _audit_outcome(dss, gc, actor, project_key, decision, item, bundle_id, action, detail, secrets, now):
    return dss_side.write_audit(dss, gc, gate.audit_params(actor, project_key, decision, item, bundle_id,
                                                           action=action, detail=detail, now=now), secrets)


def _approval_report(project_key, params, decision, item, bundle_id, chain, evidence, outcome, audit_note, now,
                     health=None):
    status = report.badge("DRY RUN: WOULD APPROVE" if params.dry_run else "APPROVED", "info" if params.dry_run else "ok")
    signoff = [("Govern item", item.govern_label), ("Workflow step", decision.step),
               ("Sign-off status", decision.signoff_status),
               ("Final approval", decision.approver or "(approver not reported by Govern)"),
               ("Approved on", decision.approved_on or "(not reported)")]
    if decision.approver_comment:
        signoff.append(("Approver's comment", decision.approver_comment))
    bundle = [("Bundle id", bundle_id), ("Template", params.bundle_id_template),
              ("Action", "none (dry run)" if params.dry_run else ("export and publish" if params.publish else "export"))]
    sections = [("Decision", report.key_values([("Project", project_key), ("Reason", decision.reason),
                                                ("Decided at", now.strftime("%Y-%m-%d %H:%M:%S UTC"))])),
                ("Evidence chain", report.ordered(chain)),
                ("Sign-off", report.key_values(signoff))]
    if evidence:
        sections.append(("Evidence datasets", report.ordered(evidence)))
    sections.append(("Bundle", report.key_values(bundle)))
    if outcome:
        sections.append(("Outcome", report.ordered(outcome)))
    sections.append(("Audit", report.key_values([("Decision record", audit_note)])))
    if health:
        sections.append(health)
    return report.page("Govern-gated bundle for {}".format(project_key), status, sections)


# -- prune-bundles and governance-status -------------------------------------------------------

def _connect_both(project_key, source, dss, secrets):
    ids.check(ids.PROJECT_KEY, project_key, "project key")
    deadline = Deadline(source.deadline_seconds)
    harden(dss, source.timeout_seconds, deadline)
    actor, node_id = dss_side.identity(dss, secrets)
    gc = govern.connect(source, dss, deadline, secrets)
    return actor, node_id, gc


def _approvals(gc, node_id, project_key, bundle_ids, step, secrets, strict):
    """{bundle_id: BundleApproval}. ``strict``: a transport/auth error aborts (prune must know)."""
    out = {}
    for bundle_id in bundle_ids:
        try:
            decision = govern.bundle_approval(gc, node_id, project_key, bundle_id, step, secrets)
            out[bundle_id] = core_bundles.BundleApproval(decision.signoff_status, decision.approver,
                                                         "" if decision.code in (gate.APPROVE, gate.REFUSE_STATUS)
                                                         else decision.reason)
        except gate.GateError as err:
            if err.code in (gate.REFUSE_NOT_FOUND, gate.REFUSE_NOT_GOVERNED, gate.REFUSE_NO_SIGNOFF):
                note = {gate.REFUSE_NOT_FOUND: "not in Govern (not synced yet?)",
                        gate.REFUSE_NOT_GOVERNED: "not governed in Govern",
                        gate.REFUSE_NO_SIGNOFF: "no sign-off on step '{}'".format(step)}[err.code]
                out[bundle_id] = core_bundles.BundleApproval("", "", note)
            elif strict:
                raise gate.GateError(err.code, "Cannot tell which bundles are approved, so nothing is deleted: " +
                                     str(err)) from None
            else:
                out[bundle_id] = core_bundles.BundleApproval("", "", "lookup failed: " + str(err))
    return out


def prune_bundles(project_key, config, dss=None, progress=None):
    source = gate.parse_govern_source(config)
    keep = p.get_int(config, "keep", 3, minimum=1, maximum=1000)
    dry_run = p.get_bool(config, "dry_run", True)
    step = ids.check(ids.STEP_ID, p.get_str(config, "signoff_step", gate.DEFAULT_STEP), "signoff_step")
    secrets = [source.connection.api_key] if source.connection else []
    return _guarded(secrets, _prune, project_key, source, keep, dry_run, step, _api_client(dss), secrets,
                    _progress(progress))


@dataclasses.dataclass
class _Bundles:
    """Every copy of the project's bundles (exported, published, deployed) and their approvals."""
    actor: str
    node_id: str
    gc: object
    project: object
    exported: list
    published: list
    deployed: list
    approvals: dict


def _bundles(project_key, source, step, dss, secrets, strict, advance):
    actor, node_id, gc = _connect_both(project_key, source, dss, secrets)
    advance(1)
    project = dss.get_project(project_key)
    exported = dss_side.list_exported(project, secrets)
    published, deployed = dss_side.deployer_state(dss, project_key, secrets)
    all_ids = sorted({b.bundle_id for b in exported + published})
    approvals = _approvals(gc, node_id, project_key, all_ids, step, secrets, strict=strict)
    advance(2)
    return _Bundles(actor, node_id, gc, project, exported, published, deployed, approvals)


def _prune(project_key, source, keep, dry_run, step, dss, secrets, advance=lambda to=None: None):
    found = _bundles(project_key, source, step, dss, secrets, True, advance)
    actor, gc, project, exported, published, deployed, approvals = (
        found.actor, found.gc, found.project, found.exported, found.published, found.deployed, found.approvals)
    approved = {b for b, a in approvals.items() if a.status == gate.APPROVED}
    approved |= {b.bundle_id for b in exported if b.gate_approved}
    plan = core_bundles.plan_prune(exported, published, deployed, approved, keep)
    done = []
    for item in plan:
        if item.action != "delete" or dry_run:
            done.append((item, "would delete" if item.action == "delete" else "kept"))
            continue
        try:
            if item.location == "design":
                dss_side.delete_exported(project, item.bundle_id, secrets)
            else:
                dss_side.delete_published(dss, project_key, item.bundle_id, secrets)
            done.append((item, "deleted"))
        except gate.GateError as err:
            done.append((item, "delete failed: {}".format(err)))
    advance(3)
    deleted = [i.bundle_id for i, r in done if r == "deleted"]
    detail = "{} bundle copies {}".format(sum(1 for _, r in done if r in ("deleted", "would delete")),
                                          "would be deleted (dry run)" if dry_run else "deleted")
    written, where = dss_side.write_audit(dss, gc, {
        "actor": actor, "projectKey": project_key, "action": "prune" + (" (dry run)" if dry_run else ""),
        "deleted": ", ".join(deleted), "keep": keep,
        "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}, secrets)
    rows = [(i.bundle_id, "Design node (exported)" if i.location == "design" else "Project Deployer (published)",
             i.created, result, i.reason) for i, result in done]
    failed = any(r.startswith("delete failed") for _, r in done)
    advance(PRUNE_STEPS)
    status = report.badge("DRY RUN" if dry_run else ("PARTIAL FAILURE" if failed else "DONE"),
                          "info" if dry_run else ("err" if failed else "ok"))
    html = report.page("Prune bundles of {}".format(project_key), status, [
        ("Summary", report.key_values([("Keep newest", keep), ("Result", detail),
                                       ("Audit", where if written else "not written ({})".format(where))])),
        ("Bundles", report.table(["Bundle", "Where", "Created", "Action", "Why"], rows))])
    if failed:
        raise gate.GateError(gate.REFUSE_SERVER, "Some deletions failed: " + "; ".join(
            "{} ({})".format(i.bundle_id, r) for i, r in done if r.startswith("delete failed")))
    return html


def governance_status(project_key, config, dss=None, progress=None):
    source = gate.parse_govern_source(config)
    step = ids.check(ids.STEP_ID, p.get_str(config, "signoff_step", gate.DEFAULT_STEP), "signoff_step")
    secrets = [source.connection.api_key] if source.connection else []
    return _guarded(secrets, _status, project_key, source, step, _api_client(dss), secrets, _progress(progress))


def _status(project_key, source, step, dss, secrets, advance=lambda to=None: None):
    found = _bundles(project_key, source, step, dss, secrets, False, advance)
    actor, node_id, gc, exported, published, deployed, approvals = (
        found.actor, found.node_id, found.gc, found.exported, found.published, found.deployed, found.approvals)
    rows = core_bundles.status_rows(exported, published, deployed, approvals)
    # The project's own sign-off, as create-approved-bundle would read it.
    params = gate.GateParams(source=source, signoff_step=step)
    try:
        item = govern.resolve_item(gc, params, project_key, node_id, "", secrets)
        project_decision = gate.decide_signoff(govern.read_signoff(gc, item, step, secrets), item, step)
    except gate.GateError as err:
        project_decision = gate.refuse(err.code, str(err), step)
    advance(STATUS_STEPS)
    flagged = [r for r in rows if r.flag]
    status = report.badge("{} FLAGGED".format(len(flagged)) if flagged else "NO FLAG", "err" if flagged else "ok")
    table_rows = [(r.bundle_id, r.exported, r.exported_by, r.govern_status, r.approver,
                   "yes" if r.gate_record else "", r.published, r.deployments, r.flag, r.note) for r in rows]
    return report.page("Governance status of {}".format(project_key), status, [
        ("Project sign-off", report.key_values([
            ("Step", step), ("Status", project_decision.signoff_status or "UNKNOWN"),
            ("Gate would", "approve" if project_decision.approved else "refuse"),
            ("Reason", project_decision.reason)])),
        ("Bundles", report.table(["Bundle", "Exported", "By", "Govern sign-off", "Approver", "Gate record",
                                  "Published", "Deployments", "Flag", "Note"], table_rows, flag_column=8)),
        ("How to read", report.ordered([
            "A bundle counts as approved when its own Govern sign-off is APPROVED, or when it was created by "
            "create-approved-bundle (its release notes carry the gate's approval record).",
            "Flags: published or deployed bundles without either approval.",
            "Checked by {} on {}.".format(actor, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))]))])


# -- Project Standards check -------------------------------------------------------------------

def project_signoff_decision(project, config, dss):
    """(approved, message) for the Project Standards check: the project's Govern sign-off."""
    source = gate.parse_govern_source(config)
    step = ids.check(ids.STEP_ID, p.get_str(config, "signoff_step", gate.DEFAULT_STEP), "signoff_step")
    require_final = p.get_bool(config, "require_final_approval", True)
    secrets = [source.connection.api_key] if source.connection else []

    def decide():
        try:
            _, node_id, gc = _connect_both(project.project_key, source, dss, secrets)
            params = gate.GateParams(source=source, signoff_step=step)
            item = govern.resolve_item(gc, params, project.project_key, node_id, "", secrets)
            decision = gate.decide_signoff(govern.read_signoff(gc, item, step, secrets), item, step, require_final)
        except (gate.GateError, ConfigError) as err:
            decision = gate.refuse(getattr(err, "code", gate.REFUSE_MALFORMED), str(err), step)
        return decision.approved, decision.reason

    return _guarded(secrets, decide)


__all__ = ["create_approved_bundle", "prune_bundles", "governance_status", "project_signoff_decision",
           "GuardrailsError"]

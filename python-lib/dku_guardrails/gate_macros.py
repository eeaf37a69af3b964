"""The gate macros: create-approved-bundle, publish-approved-bundle, prune-bundles, governance-status
(and the govern-approval Project Standards check).

Each function takes the project key and the raw macro config, talks to DSS and Govern through the
adapters and returns the HTML result; the decisions themselves are in ``model_guardrails``.
"""
import dataclasses
import logging
from datetime import datetime, timezone

from model_guardrails import bundles as core_bundles, gate, ids, ledger, params as p, report
from model_guardrails.errors import ConfigError, GuardrailsError

from . import bundles as dss_side, govern, model_health
from .http import Deadline, harden, private_copy, redacted_logs, scrub

log = logging.getLogger("model_guardrails.gate")

# Progress steps reported through the macro's progress_callback (get_progress_target: (STEPS, "NONE")).
CREATE_STEPS, PRUNE_STEPS, STATUS_STEPS, PUBLISH_STEPS = 6, 4, 4, 4


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
            result = fn(*args)
        except Exception as exc:  # re-raised below; only its text may change
            text = str(exc)
            clean = scrub(text, secrets)
            if clean != text:
                raise gate.GateError(getattr(exc, "code", gate.REFUSE_SERVER), clean) from None
            raise
    return scrub(result, secrets) if isinstance(result, str) else result


# -- create-approved-bundle --------------------------------------------------------------------

def secrets_of(config):
    """The Govern key of the raw config, before parsing: a parameter error must not echo it either."""
    conn = config.get("govern_connection") if isinstance(config, dict) else None
    key = conn.get("api_key") if isinstance(conn, dict) else None
    return [key.strip()] if isinstance(key, str) and key.strip() else []


def create_approved_bundle(project_key, config, dss=None, now=None, progress=None, plugin_config=None):
    secrets = secrets_of(config)

    def run():
        params = gate.parse_gate_params(config, plugin_config)
        ids.check(ids.PROJECT_KEY, project_key, "project key")
        return _create(project_key, params, _api_client(dss), secrets, now or datetime.now(timezone.utc),
                       _progress(progress))
    return _guarded(secrets, run)


def governed_item(project, gc, params, project_key, node_id, secrets):
    """The Govern item whose sign-offs decide bundle creation: the Govern model version governing
    the chosen (or only) saved model's chosen (or active) version, or the Govern project."""
    if params.governed_item != "saved_model_version":
        return govern.resolve_item(gc, "project", project_key, node_id, secrets, params.source.names)
    model_id = params.saved_model_id or dss_side.only_saved_model(project, secrets)
    version = params.saved_model_version or dss_side.active_model_version(project, model_id, secrets)
    return govern.resolve_item(gc, "saved_model_version", project_key, node_id, secrets, params.source.names,
                               model_id, version)


def _create(project_key, params, dss, secrets, now, step=lambda to=None: None):
    deadline = Deadline(params.source.deadline_seconds)
    harden(dss, params.source.timeout_seconds, deadline)
    project = dss.get_project(project_key)
    actor, node_id, item, gc, bundle_id, chain, evidence, health = "", "", None, None, "", [], [], None
    decision = None
    try:
        actor, node_id = dss_side.identity(dss, secrets)
        chain.append("DSS project {} on node {}, macro run by {}".format(project_key, node_id, actor))
        step(1)
        gc = govern.connect(params.source, dss, deadline, secrets)
        chain.append("Govern reached through " + params.source.label)
        step(2)
        item = governed_item(project, gc, params, project_key, node_id, secrets)
        chain.append("{} is synced to Govern as {}".format(item.dss_label, item.dataiku_artifact_id))
        chain.append("{} is governed by {}".format(item.dataiku_artifact_id, item.govern_label))
        signoffs = govern.read_signoffs(gc, item, params.signoff_step, secrets)
        step(3)
        decision = gate.decide_signoffs(signoffs, item, params.require_final_approval)
        chain.append("sign-off on step '{}': {}{}".format(
            decision.step, decision.signoff_status,
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
                              "allowed to write audit entries.".format(where), decision.step,
                              decision.signoff_status)
        raise gate.GateRefused(refused)

    outcome = []
    if not params.dry_run:
        outcome = _export(dss, gc, project, project_key, node_id, params, decision, item, bundle_id, actor, secrets,
                          now, step)
    step(CREATE_STEPS)
    return _approval_report(project_key, params, decision, item, bundle_id, chain, evidence, outcome, audit_note, now,
                            health)


def _export(dss, gc, project, project_key, node_id, params, decision, item, bundle_id, actor, secrets, now, step):
    """Record the approval, export, record the outcome, then publish if the Govern bundle is approved."""
    def audit(action, detail):
        return _audit_outcome(dss, gc, actor, project_key, decision, item, bundle_id, action, detail, secrets, now)

    full_notes = scrub(gate.release_notes(decision, item, params.release_notes, now), secrets)
    record = ledger.entry(project_key, bundle_id, decision, item, actor, now, full_notes)
    try:
        dss_side.write_record(project, record, secrets)
    except gate.GateError as err:
        audit("approval record not written", str(err))
        raise gate.GateRefused(gate.refuse(gate.REFUSE_RECORD, "the sign-off is approved but the gate's approval "
                                           "record could not be written ({}); nothing was created.".format(err),
                                           decision.step, decision.signoff_status)) from None
    notes, cut = gate.fit_release_notes(full_notes)
    try:
        limits = dss_side.export_bundle(project, dss, bundle_id, notes, params.bundle_timeout_seconds, secrets)
    except gate.GateError as err:
        _after_failed_export(dss, gc, project, bundle_id, record, err, audit, secrets)
    dss_side.write_record(project, ledger.with_state(record, ledger.EXPORTED), secrets)
    outcome = ["Bundle {} exported on the Design node.".format(bundle_id)] + limits
    if cut:
        outcome.append("Release notes cut to fit the export call's URL; the full text is in the approval record "
                       "(project variable {}).".format(ledger.VARIABLE))
    step(5)
    if params.publish:
        outcome.append(_publish_when_approved(dss, gc, project, project_key, node_id, bundle_id,
                                              params.publish_signoff_step, params.require_final_approval,
                                              params.bundle_timeout_seconds, secrets, params.source.names, now,
                                              lambda action, detail: audit(action, detail)))
    ok, where = audit("published" if any(o.startswith("Published") for o in outcome) else "exported",
                      " ".join(outcome))
    outcome.append("Outcome audit entry: " + (where if ok else "not written ({})".format(where)) + ".")
    return outcome


def _after_failed_export(dss, gc, project, bundle_id, record, err, audit, secrets):
    """Say whether the bundle exists after a failed or timed-out export; keep the record safe."""
    exists = dss_side.bundle_exists(project, bundle_id, secrets)
    if err.code == gate.REFUSE_TIMEOUT and exists is not False:
        state, said = ledger.EXPORTED if exists else ledger.EXPORTING, (
            "the bundle exists now: it completed after the timeout" if exists
            else "whether the bundle exists could not be read: check the project's bundle list")
    elif exists:
        state, said = ledger.EXPORTED, "the bundle exists despite the error"
    else:
        state, said = (ledger.EXPORTING, "the bundle may still appear: check the project's bundle list") \
            if err.code == gate.REFUSE_TIMEOUT else (ledger.EXPORT_FAILED, "no bundle was created")
    try:
        dss_side.write_record(project, ledger.with_state(record, state, str(err)), secrets)
    except gate.GateError:
        log.warning("The approval record of %s could not be updated after the failed export", bundle_id)
    audit("export failed", "{} ({})".format(err, said))
    raise gate.GateError(err.code, "Approved, but exporting bundle {} failed: {} After the failure {}. Nothing was "
                         "published; publish-approved-bundle publishes it once it exists and its Govern review "
                         "approves it.".format(bundle_id, err, said)) from None


def _publish_when_approved(dss, gc, project, project_key, node_id, bundle_id, step, require_final, timeout, secrets,
                           names, now, audit):
    """Publish ``bundle_id`` when the sign-offs of the Govern bundle governing it approve; otherwise
    say it waits for its Govern review (the Project Deployer checks that same sign-off). A failed
    publish call raises; a Govern answer that does not approve publishes nothing."""
    decision, label = _bundle_decision(gc, node_id, project_key, bundle_id, step, require_final, secrets, names)
    records = dss_side.read_records(project, secrets)
    record = records.get(bundle_id)
    if not decision.approved:
        if record is not None:
            dss_side.write_record(project, ledger.with_publication(record, ledger.WAITING_FOR_REVIEW, decision.reason,
                                                                   govern_item=label, now=now), secrets)
        return ("Created, waiting for its Govern review: not published, because {} Once the Govern bundle is "
                "approved, run publish-approved-bundle (or this macro again with a new version).".format(
                    decision.reason))
    try:
        result = dss_side.publish_bundle(project, dss, bundle_id, timeout, secrets)
    except gate.GateError as err:
        if record is not None:
            dss_side.write_record(project, ledger.with_publication(record, ledger.PUBLISH_FAILED, str(err),
                                                                   govern_item=label, now=now), secrets)
        audit("exported, publish failed", str(err))
        raise gate.GateError(err.code, "Bundle {} was exported, but publishing it to the Project Deployer failed: {} "
                             "Run publish-approved-bundle once the cause is fixed.".format(bundle_id, err)) from None
    key = result.get("publishedProjectKey", project_key) if isinstance(result, dict) else project_key
    if record is not None:
        dss_side.write_record(project, ledger.with_publication(record, ledger.PUBLISHED, decision.reason,
                                                               decision.approver, label, now), secrets)
    return "Published to the Project Deployer as project {}: {}".format(key, decision.reason)


def _bundle_decision(gc, node_id, project_key, bundle_id, step, require_final, secrets, names):
    """(Decision, Govern item label) of the Govern bundle governing ``bundle_id``."""
    try:
        item = govern.resolve_bundle(gc, node_id, project_key, bundle_id, secrets, names)
        return gate.decide_signoffs(govern.read_signoffs(gc, item, step, secrets), item, require_final), \
            item.govern_label
    except ConfigError as err:  # an id from Govern that cannot go into a URL
        return gate.refuse(gate.REFUSE_MALFORMED, str(err), step), ""
    except gate.GateError as err:
        reason = str(err)
        if err.code == gate.REFUSE_NOT_FOUND:
            reason = ("bundle {} is not in Govern yet (DSS syncs new bundles to Govern shortly after their export; "
                      "a DSS administrator can force the sync): {}".format(bundle_id, err))
        return gate.refuse(err.code, reason, step), ""


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
        ok, evidence = gate.evaluate_evidence(results, params.evidence_allow_warning)
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
    waiting = any(o.startswith("Created, waiting") for o in outcome)
    status = report.badge("DRY RUN: WOULD APPROVE" if params.dry_run else
                          ("CREATED, WAITING FOR GOVERN REVIEW" if waiting else "APPROVED"),
                          "info" if params.dry_run or waiting else "ok")
    signoff = [("Govern item", item.govern_label), ("Workflow step", decision.step),
               ("Sign-off status", decision.signoff_status),
               ("Final approval", decision.approver or "(approver not reported by Govern)"),
               ("Approved on", decision.approved_on or "(not reported)")]
    if decision.approver_comment:
        signoff.append(("Approver's comment", decision.approver_comment))
    if params.release_notes:
        signoff.append(("Release notes", params.release_notes))
    bundle = [("Bundle id", bundle_id), ("Template", params.bundle_id_template),
              ("Action", "none (dry run)" if params.dry_run else
               ("export, then publish once its Govern bundle is approved" if params.publish else "export"))]
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


# -- publish-approved-bundle -------------------------------------------------------------------

def publish_approved_bundle(project_key, config, dss=None, now=None, progress=None, plugin_config=None):
    """Publish a bundle create-approved-bundle created, once the Govern bundle governing it is approved."""
    secrets = secrets_of(config)

    def run():
        source = gate.parse_govern_source(config, plugin_config)
        bundle_id = p.get_str(config, "bundle_id", "").strip()
        if bundle_id:
            ids.check(ids.BUNDLE_ID, bundle_id, "bundle_id")
        return _publish(project_key, source, bundle_id, gate.parse_step(config),
                        p.get_bool(config, "require_final_approval", True),
                        gate.parse_long_call_seconds(config, "bundle_timeout_seconds"), _api_client(dss), secrets,
                        now or datetime.now(timezone.utc), _progress(progress))
    return _guarded(secrets, run)


def _publish(project_key, source, bundle_id, step, require_final, timeout, dss, secrets, now, advance):
    actor, node_id, gc = _connect_both(project_key, source, dss, secrets)
    advance(1)
    project = dss.get_project(project_key)
    records = dss_side.read_records(project, secrets)
    if not bundle_id:
        waiting = ledger.waiting_for_publication(records)
        if not waiting:
            raise gate.GateRefused(gate.refuse(gate.REFUSE_NOT_FOUND, "no bundle created by create-approved-bundle "
                                               "waits for publication in project {}.".format(project_key), step),
                                   what="Publication")
        bundle_id = waiting[0]["bundleId"]
    record = records.get(bundle_id)
    exists = bundle_id in {b.bundle_id for b in dss_side.list_exported(project, secrets)}
    if not ledger.gate_approved(record) or not exists:
        why = ("bundle {} does not exist in project {}".format(bundle_id, project_key) if not exists else
               "bundle {} was not created by create-approved-bundle on an approval (the gate's approval record of "
               "project {} has no approval for it)".format(bundle_id, project_key))
        decision = gate.refuse(gate.REFUSE_NOT_FOUND, why + ".", step)
    else:
        decision, _ = _bundle_decision(gc, node_id, project_key, bundle_id, step, require_final, secrets,
                                       source.names)
    advance(2)
    written, where = dss_side.write_audit(dss, gc, gate.audit_params(actor, project_key, decision, None, bundle_id,
                                                                     action="publication decision", now=now), secrets)
    audit_note = "Audit entry written to the {}.".format(where) if written else \
        "The audit entry could not be written ({}).".format(where)
    if not decision.approved:
        if record is not None and exists:
            dss_side.write_record(project, ledger.with_publication(record, ledger.WAITING_FOR_REVIEW, decision.reason,
                                                                   now=now), secrets)
        raise gate.GateRefused(decision, audit_note, what="Publication of bundle " + bundle_id)
    if not written:  # as create-approved-bundle with audit_required: no unaudited publication
        raise gate.GateRefused(gate.refuse(gate.REFUSE_AUDIT, "the Govern bundle is approved but the audit entry "
                                           "could not be written ({}).".format(where), step,
                                           decision.signoff_status), what="Publication of bundle " + bundle_id)
    advance(3)
    message = _publish_when_approved(dss, gc, project, project_key, node_id, bundle_id, step, require_final, timeout,
                                     secrets, source.names, now, lambda action, detail: _audit_outcome(
                                         dss, gc, actor, project_key, decision, None, bundle_id, action, detail,
                                         secrets, now))
    published = message.startswith("Published")
    _audit_outcome(dss, gc, actor, project_key, decision, None, bundle_id,
                   "published" if published else "waiting for Govern review", message, secrets, now)
    advance(PUBLISH_STEPS)
    return report.page("Publish approved bundle {}".format(bundle_id),
                       report.badge("PUBLISHED" if published else "WAITING FOR GOVERN REVIEW",
                                    "ok" if published else "info"),
                       [("Decision", report.key_values([("Project", project_key), ("Bundle", bundle_id),
                                                        ("Reason", decision.reason), ("Outcome", message),
                                                        ("Decided at", now.strftime("%Y-%m-%d %H:%M:%S UTC"))])),
                        ("Audit", report.key_values([("Decision record", audit_note)]))])


# -- prune-bundles and governance-status -------------------------------------------------------

def _connect_both(project_key, source, dss, secrets):
    ids.check(ids.PROJECT_KEY, project_key, "project key")
    deadline = Deadline(source.deadline_seconds)
    harden(dss, source.timeout_seconds, deadline)
    actor, node_id = dss_side.identity(dss, secrets)
    gc = govern.connect(source, dss, deadline, secrets)
    return actor, node_id, gc


def _approvals(gc, node_id, project_key, bundle_ids, step, secrets, names, strict):
    """{bundle_id: BundleApproval}. ``strict`` (prune): an error reaching Govern aborts, so that
    nothing is deleted on a guess; otherwise it is noted per bundle."""
    try:
        governed = govern.project_governed(gc, node_id, project_key, secrets, names)
        out = {}
        for bundle_id in bundle_ids:
            out[bundle_id] = govern.bundle_approval(gc, node_id, project_key, bundle_id, step, secrets, names,
                                                    governed)
        return out
    except gate.GateError as err:
        if strict:
            raise gate.GateError(err.code, "Cannot tell which bundles are approved, so nothing is deleted: " +
                                 str(err)) from None
        return {b: core_bundles.BundleApproval(note="lookup failed: " + str(err)) for b in bundle_ids}


def prune_bundles(project_key, config, dss=None, progress=None, plugin_config=None):
    secrets = secrets_of(config)

    def run():
        source = gate.parse_govern_source(config, plugin_config)
        keep = p.get_int(config, "keep", 3, minimum=1, maximum=1000)
        dry_run = p.get_bool(config, "dry_run", True)
        return _prune(project_key, source, keep, dry_run, gate.parse_step(config), _api_client(dss), secrets,
                      _progress(progress))
    return _guarded(secrets, run)


@dataclasses.dataclass
class _Bundles:
    """Every copy of the project's bundles (exported, published, deployed), their Govern approvals
    and the gate's approval record."""
    actor: str
    node_id: str
    gc: object
    project: object
    exported: list
    published: list
    deployed: dict
    approvals: dict
    records: dict

    @property
    def gate_approved(self):
        return {b for b, r in self.records.items() if ledger.gate_approved(r)}


def _bundles(project_key, source, step, dss, secrets, strict, advance):
    actor, node_id, gc = _connect_both(project_key, source, dss, secrets)
    advance(1)
    project = dss.get_project(project_key)
    exported = dss_side.list_exported(project, secrets)
    published, deployed = dss_side.deployer_state(dss, project_key, secrets,
                                                  expect_published=any(b.published_on for b in exported))
    records = dss_side.read_records(project, secrets)
    all_ids = sorted({b.bundle_id for b in exported + published})
    approvals = _approvals(gc, node_id, project_key, all_ids, step, secrets, source.names, strict=strict)
    advance(2)
    return _Bundles(actor, node_id, gc, project, exported, published, deployed, approvals, records)


def _prune(project_key, source, keep, dry_run, step, dss, secrets, advance=lambda to=None: None):
    found = _bundles(project_key, source, step, dss, secrets, True, advance)
    plan = core_bundles.plan_prune(found.exported, found.published, found.deployed, found.approvals,
                                   found.gate_approved, keep)
    done = []
    for item in plan:
        if item.action != "delete" or dry_run:
            done.append((item, "would delete" if item.action == "delete" else "kept"))
            continue
        try:
            if item.location == "design":
                dss_side.delete_exported(found.project, item.bundle_id, secrets)
            else:
                dss_side.delete_published(dss, project_key, item.bundle_id, secrets)
            done.append((item, "deleted"))
        except gate.GateError as err:
            done.append((item, "delete failed: {}".format(err)))
    advance(3)
    deleted = [i.bundle_id for i, r in done if r == "deleted"]
    detail = "{} bundle copies {}".format(sum(1 for _, r in done if r in ("deleted", "would delete")),
                                          "would be deleted (dry run)" if dry_run else "deleted")
    written, where = dss_side.write_audit(dss, found.gc, {
        "actor": found.actor, "projectKey": project_key, "action": "prune" + (" (dry run)" if dry_run else ""),
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


def governance_status(project_key, config, dss=None, progress=None, plugin_config=None):
    secrets = secrets_of(config)

    def run():
        source = gate.parse_govern_source(config, plugin_config)
        return _status(project_key, source, gate.parse_step(config), _api_client(dss), secrets, _progress(progress))
    return _guarded(secrets, run)


def _status(project_key, source, step, dss, secrets, advance=lambda to=None: None):
    found = _bundles(project_key, source, step, dss, secrets, False, advance)
    rows = core_bundles.status_rows(found.exported, found.published, found.deployed, found.approvals,
                                    found.gate_approved)
    waiting = [r["bundleId"] for r in ledger.waiting_for_publication(found.records)]
    advance(STATUS_STEPS)
    flagged = [r for r in rows if r.flag]
    status = report.badge("{} FLAGGED".format(len(flagged)) if flagged else "NO FLAG", "err" if flagged else "ok")
    table_rows = [(r.bundle_id, r.exported, r.exported_by, r.govern_status, r.approver,
                   "yes" if r.gate_record else "", r.published, r.deployments, r.flag, r.note) for r in rows]
    return report.page("Governance status of {}".format(project_key), status, [
        ("Bundles", report.table(["Bundle", "Exported", "By", "Govern bundle sign-off", "Approver", "Gate record",
                                  "Published", "Deployments", "Flag", "Note"], table_rows, flag_column=8)),
        ("Gate's approval record", report.key_values([
            ("Bundles created on an approval", len(found.gate_approved)),
            ("Waiting for their Govern review before publication", ", ".join(waiting) or "none")])),
        ("How to read", report.ordered([
            "A bundle counts as approved when the sign-off of the Govern bundle governing it is APPROVED, or when "
            "create-approved-bundle created it on an approved Govern item (the gate's approval record, kept in the "
            "project's local variable '{}').".format(ledger.VARIABLE),
            "Flags: published or deployed bundles without either approval.",
            "Checked by {} on {}.".format(found.actor, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))]))])


# -- Project Standards check -------------------------------------------------------------------

def project_signoff_decision(project, config, plugin_config=None):
    """(approved, message) for the Project Standards check: the same Govern item and sign-offs the
    gate's bundle creation uses (by default the Govern model version of the project's saved model)."""
    secrets = secrets_of(config)

    params = gate.parse_gate_params(dict(config, version="0"), plugin_config)  # ConfigError: the check is misconfigured

    def decide():
        step = params.signoff_step
        try:
            dss = private_copy(project.client)  # DSS's own client stays as DSS gave it
            _, node_id, gc = _connect_both(project.project_key, params.source, dss, secrets)
            own_project = dss.get_project(project.project_key)
            item = governed_item(own_project, gc, params, project.project_key, node_id, secrets)
            decision = gate.decide_signoffs(govern.read_signoffs(gc, item, step, secrets), item,
                                            params.require_final_approval)
        except (gate.GateError, ConfigError) as err:
            decision = gate.refuse(getattr(err, "code", gate.REFUSE_MALFORMED), str(err), step)
        return decision.approved, decision.reason

    return _guarded(secrets, decide)


__all__ = ["create_approved_bundle", "publish_approved_bundle", "prune_bundles", "governance_status",
           "project_signoff_decision", "GuardrailsError"]

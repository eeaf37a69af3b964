"""publish-approved-bundle: fetch (the approval record, the bundle list, the Govern bundle's
sign-offs) → decide (``gate.decide_publication``) → audit (no unaudited publication) → publish →
report. ``publish_when_approved`` is also create-approved-bundle's last step."""
from datetime import datetime, timezone

from model_guardrails import gate, ids, params as p
from model_guardrails.deployments.live import live_params
from model_guardrails.errors import ConfigError
from model_guardrails.gate import ledger, report

from ..deployments.live import record_live
from .run import api_client, guarded, open_gateways, step_counter

STEPS = 4  # connect, Govern, decide, publish


def publish_approved_bundle(project_key, config, dss=None, now=None, progress=None, plugin_config=None):
    """Publish a bundle create-approved-bundle created, once the Govern bundle governing it is approved."""
    def work(redactor):
        source = gate.parse_govern_source(config, plugin_config)
        bundle_id = p.get_str(config, "bundle_id", "").strip()
        if bundle_id:
            ids.check(ids.BUNDLE_ID, bundle_id, "bundle_id")
        return _publish(open_gateways(api_client(dss), project_key, source, redactor), bundle_id,
                        gate.parse_step(config), p.get_bool(config, "require_final_approval", True),
                        gate.parse_long_call_seconds(config, "bundle_timeout_seconds"),
                        now or datetime.now(timezone.utc), step_counter(progress))
    return guarded("publish-approved-bundle", config, work)


def bundle_decision(govern, bundle_id, step, require_final):
    """(Decision, Govern item label) of the Govern bundle governing ``bundle_id``."""
    try:
        item = govern.resolve_bundle(bundle_id)
        return gate.decide_signoffs(govern.read_signoffs(item, step), item, require_final), item.govern_label
    except ConfigError as err:  # an id from Govern that cannot go into a URL
        return gate.refuse(gate.REFUSE_MALFORMED, str(err), step), ""
    except gate.GateError as err:
        reason = str(err)
        if err.code == gate.REFUSE_NOT_FOUND:
            reason = ("bundle {} is not in Govern yet (DSS syncs new bundles to Govern shortly after their export; "
                      "a DSS administrator can force the sync): {}".format(bundle_id, err))
        return gate.refuse(err.code, reason, step), ""


def publish_when_approved(dss, govern, bundle_id, step, require_final, timeout, now, audit, actor=""):
    """Publish ``bundle_id`` when the sign-offs of the Govern bundle governing it approve; otherwise
    say it waits for its Govern review (the Project Deployer checks that same sign-off). A failed
    publish call raises; a Govern answer that does not approve publishes nothing. A publication is
    recorded as "model live in production" in DSS and Govern (a fault there is reported only)."""
    decision, label = bundle_decision(govern, bundle_id, step, require_final)
    record = dss.read_records().get(bundle_id)
    if not decision.approved:
        if record is not None:
            dss.write_record(ledger.with_publication(record, ledger.WAITING_FOR_REVIEW, decision.reason,
                                                     govern_item=label, now=now))
        return ("Created, waiting for its Govern review: not published, because {} Once the Govern bundle is "
                "approved, run publish-approved-bundle (or this macro again with a new version).".format(
                    decision.reason))
    try:
        result = dss.publish_bundle(bundle_id, timeout)
    except gate.GateError as err:
        if record is not None:
            dss.write_record(ledger.with_publication(record, ledger.PUBLISH_FAILED, str(err), govern_item=label,
                                                     now=now))
        audit("exported, publish failed", str(err))
        raise gate.GateError(err.code, "Bundle {} was exported, but publishing it to the Project Deployer failed: {} "
                             "Run publish-approved-bundle once the cause is fixed.".format(bundle_id, err)) from None
    key = result.get("publishedProjectKey", dss.project_key) if isinstance(result, dict) else dss.project_key
    if record is not None:
        dss.write_record(ledger.with_publication(record, ledger.PUBLISHED, decision.reason, decision.approver, label,
                                                 now))
    notes = record_live(dss, govern, live_params(actor, dss.project_key, bundle_id, approver=decision.approver,
                                                 how="published to the Project Deployer as project " + str(key),
                                                 now=now))
    return "Published to the Project Deployer as project {}: {} Live-in-production record: {}".format(
        key, decision.reason, " ".join(notes))


def _publish(gw, bundle_id, step, require_final, timeout, now, advance):
    advance(1)
    dss, project_key = gw.dss, gw.dss.project_key
    records = dss.read_records()
    if not bundle_id:
        waiting = ledger.waiting_for_publication(records)
        if not waiting:
            raise gate.GateRefused(gate.refuse(gate.REFUSE_NOT_FOUND, "no bundle created by create-approved-bundle "
                                               "waits for publication in project {}.".format(project_key), step),
                                   what="Publication")
        bundle_id = waiting[0]["bundleId"]
    record = records.get(bundle_id)
    exists = bundle_id in {b.bundle_id for b in dss.list_exported()}
    approved_by_gate = ledger.gate_approved(record)
    signoffs = bundle_decision(gw.govern, bundle_id, step, require_final)[0] if exists and approved_by_gate else None
    decision = gate.decide_publication(bundle_id, project_key, exists, approved_by_gate, signoffs, step)
    advance(2)

    def audit(action, detail=""):
        return gw.audit(gate.audit_params(gw.actor, project_key, decision, None, bundle_id, action=action,
                                          detail=detail, now=now))

    written, where = audit("publication decision")
    audit_note = "Audit entry written to the {}.".format(where) if written else \
        "The audit entry could not be written ({}).".format(where)
    what = "Publication of bundle " + bundle_id
    if not decision.approved:
        if record is not None and exists:
            dss.write_record(ledger.with_publication(record, ledger.WAITING_FOR_REVIEW, decision.reason, now=now))
        raise gate.GateRefused(decision, audit_note, what=what)
    audited = gate.withdraw_unaudited(decision, written, where)  # no unaudited publication
    if not audited.approved:
        raise gate.GateRefused(audited, what=what)
    advance(3)
    message = publish_when_approved(dss, gw.govern, bundle_id, step, require_final, timeout, now, audit, gw.actor)
    published = message.startswith("Published")
    audit("published" if published else "waiting for Govern review", message)
    advance(STEPS)
    return report.page("Publish approved bundle {}".format(bundle_id),
                       report.badge("PUBLISHED" if published else "WAITING FOR GOVERN REVIEW",
                                    "ok" if published else "info"),
                       [("Decision", report.key_values([("Project", project_key), ("Bundle", bundle_id),
                                                        ("Reason", decision.reason), ("Outcome", message),
                                                        ("Decided at", now.strftime("%Y-%m-%d %H:%M:%S UTC"))])),
                        ("Audit", report.key_values([("Decision record", audit_note)]))])

"""prune-bundles and governance-status: every copy of the project's bundles (exported, published,
deployed) with its Govern approval and the gate's approval record; prune deletes only what
``bundles.plan_prune`` allows, status flags what was published or deployed without approval."""
from dataclasses import dataclass
from datetime import datetime, timezone

from model_guardrails import gate, params as p
from model_guardrails.gate import bundles, ledger, report

from .run import Gateways, api_client, guarded, open_gateways, step_counter

PRUNE_STEPS, STATUS_STEPS = 4, 4  # connect, Govern, decide, act


@dataclass
class Inventory:
    gateways: Gateways
    exported: list
    published: list
    deployed: dict
    approvals: dict
    records: dict

    @property
    def gate_approved(self):
        return {b for b, r in self.records.items() if ledger.gate_approved(r)}


def _approvals(govern, bundle_ids, step, strict):
    """{bundle_id: BundleApproval}. ``strict`` (prune): an error reaching Govern aborts, so that
    nothing is deleted on a guess; otherwise it is noted per bundle."""
    try:
        governed = govern.project_governed()
        return {bundle_id: govern.bundle_approval(bundle_id, step, governed) for bundle_id in bundle_ids}
    except gate.GateError as err:
        if strict:
            raise gate.GateError(err.code, "Cannot tell which bundles are approved, so nothing is deleted: " +
                                 str(err)) from None
        return {b: bundles.BundleApproval(note="lookup failed: " + str(err)) for b in bundle_ids}


def inventory(gw, step, strict, advance):
    advance(1)
    exported = gw.dss.list_exported()
    published, deployed = gw.dss.deployer_state(expect_published=any(b.published_on for b in exported))
    records = gw.dss.read_records()
    all_ids = sorted({b.bundle_id for b in exported + published})
    approvals = _approvals(gw.govern, all_ids, step, strict=strict)
    advance(2)
    return Inventory(gw, exported, published, deployed, approvals, records)


# -- prune-bundles -----------------------------------------------------------------------------

def prune_bundles(project_key, config, dss=None, progress=None, plugin_config=None):
    def work(redactor):
        source = gate.parse_govern_source(config, plugin_config)
        keep = p.get_int(config, "keep", 3, minimum=1, maximum=1000)
        dry_run = p.get_bool(config, "dry_run", True)
        gw = open_gateways(api_client(dss), project_key, source, redactor)
        return _prune(gw, keep, dry_run, gate.parse_step(config), step_counter(progress))
    return guarded("prune-bundles", config, work)


def _prune(gw, keep, dry_run, step, advance):
    found = inventory(gw, step, True, advance)
    plan = bundles.plan_prune(found.exported, found.published, found.deployed, found.approvals,
                              found.gate_approved, keep)
    done = []
    for item in plan:
        if item.action != "delete" or dry_run:
            done.append((item, "would delete" if item.action == "delete" else "kept"))
            continue
        try:
            (gw.dss.delete_exported if item.location == "design" else gw.dss.delete_published)(item.bundle_id)
            done.append((item, "deleted"))
        except gate.GateError as err:
            done.append((item, "delete failed: {}".format(err)))
    advance(3)
    deleted = [i.bundle_id for i, r in done if r == "deleted"]
    detail = "{} bundle copies {}".format(sum(1 for _, r in done if r in ("deleted", "would delete")),
                                          "would be deleted (dry run)" if dry_run else "deleted")
    written, where = gw.audit({
        "actor": gw.actor, "projectKey": gw.dss.project_key, "action": "prune" + (" (dry run)" if dry_run else ""),
        "deleted": ", ".join(deleted), "keep": keep,
        "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")})
    rows = [(i.bundle_id, "Design node (exported)" if i.location == "design" else "Project Deployer (published)",
             i.created, result, i.reason) for i, result in done]
    failed = any(r.startswith("delete failed") for _, r in done)
    advance(PRUNE_STEPS)
    status = report.badge("DRY RUN" if dry_run else ("PARTIAL FAILURE" if failed else "DONE"),
                          "info" if dry_run else ("err" if failed else "ok"))
    html = report.page("Prune bundles of {}".format(gw.dss.project_key), status, [
        ("Summary", report.key_values([("Keep newest", keep), ("Result", detail),
                                       ("Audit", where if written else "not written ({})".format(where))])),
        ("Bundles", report.table(["Bundle", "Where", "Created", "Action", "Why"], rows))])
    if failed:
        raise gate.GateError(gate.REFUSE_SERVER, "Some deletions failed: " + "; ".join(
            "{} ({})".format(i.bundle_id, r) for i, r in done if r.startswith("delete failed")))
    return html


# -- governance-status -------------------------------------------------------------------------

def governance_status(project_key, config, dss=None, progress=None, plugin_config=None):
    def work(redactor):
        source = gate.parse_govern_source(config, plugin_config)
        gw = open_gateways(api_client(dss), project_key, source, redactor)
        return _status(gw, gate.parse_step(config), step_counter(progress))
    return guarded("governance-status", config, work)


def _status(gw, step, advance):
    found = inventory(gw, step, False, advance)
    rows = bundles.status_rows(found.exported, found.published, found.deployed, found.approvals, found.gate_approved)
    waiting = [r["bundleId"] for r in ledger.waiting_for_publication(found.records)]
    advance(STATUS_STEPS)
    flagged = [r for r in rows if r.flag]
    status = report.badge("{} FLAGGED".format(len(flagged)) if flagged else "NO FLAG", "err" if flagged else "ok")
    table_rows = [(r.bundle_id, r.exported, r.exported_by, r.govern_status, r.approver,
                   "yes" if r.gate_record else "", r.published, r.deployments, r.flag, r.note) for r in rows]
    return report.page("Governance status of {}".format(gw.dss.project_key), status, [
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
            "Checked by {} on {}.".format(gw.actor, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))]))])

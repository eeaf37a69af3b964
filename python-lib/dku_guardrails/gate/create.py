"""create-approved-bundle: fetch (the governed item's sign-offs, the project's bundles, the evidence)
→ decide (``gate.decide_creation``) → audit (an approval whose audit entry cannot be written is
withdrawn) → act (record, export, publish once the Govern bundle approves) → report."""
import html
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from model_guardrails import gate, ids
from model_guardrails.errors import ConfigError
from model_guardrails.text import shorten
from model_guardrails.gate import environments, ledger, model_card, policy, report, sensitivity

from .. import model_health
from . import evidence, govern_gateway
from .dss_gateway import DssGateway
from .http import Deadline
from .publish import publish_when_approved
from .run import api_client, guarded, step_counter

log = logging.getLogger("model_guardrails.gate")
LABEL_KEY = "model-guardrails:label"
STEPS = 6  # connect, Govern, decide, audit, export, publish


def rules_table(rows):
    return report.table(["Rule", "Result", "Level", "Value", "Bound", "Source"],
                        [[r.name, r.status, r.level, r.value, r.bound, r.source] for r in rows])


def create_approved_bundle(project_key, config, dss=None, now=None, progress=None, plugin_config=None):
    def run(redactor):
        params = gate.parse_gate_params(config, plugin_config)
        ids.check(ids.PROJECT_KEY, project_key, "project key")
        return _create(project_key, params, api_client(dss), redactor, now or datetime.now(timezone.utc),
                       step_counter(progress))
    return guarded("create-approved-bundle", config, run)


def chosen_model(dss, params):
    """(saved model id, version id): the chosen (or only) saved model's chosen (or active) version."""
    model_id = params.saved_model_id or dss.only_saved_model()
    return model_id, params.saved_model_version or dss.active_model_version(model_id)


def governed_item(dss, govern, params, model=None):
    """The Govern item whose sign-offs decide bundle creation: the Govern model version governing
    the chosen (or only) saved model's chosen (or active) version, or the Govern project."""
    if params.governed_item != "saved_model_version":
        return govern.resolve_item("project")
    return govern.resolve_item("saved_model_version", *(model or chosen_model(dss, params)))


@dataclass
class _Found:
    """What was learnt on the way, for the audit entry and the report."""
    actor: str = ""
    govern: Optional[govern_gateway.GovernGateway] = None
    item: Optional[gate.GovernedItem] = None
    chain: list = field(default_factory=list)
    model: tuple = ()                     # (saved model id, version) when known
    frames: dict = field(default_factory=dict)  # evidence rows {dataset: (frame or None, why)}


def _fetch(dss, params, deadline, step):
    """(CreationFacts, _Found). A failure before the sign-offs are read is a refusal on its own; after,
    it is the facts' ``failure``."""
    found, signoffs = _Found(), None
    try:
        found.actor, node_id = dss.identity()
        found.chain.append("DSS project {} on node {}, macro run by {}".format(dss.project_key, node_id, found.actor))
        step(1)
        found.govern = govern_gateway.connect(params.source, dss, deadline, node_id)
        found.chain.append("Govern reached through " + params.source.label)
        step(2)
        if params.governed_item == "saved_model_version":
            found.model = chosen_model(dss, params)
        found.item = governed_item(dss, found.govern, params, found.model or None)
        found.chain.append("{} is synced to Govern as {}".format(found.item.dss_label, found.item.dataiku_artifact_id))
        found.chain.append("{} is governed by {}".format(found.item.dataiku_artifact_id, found.item.govern_label))
        raw = found.govern.read_signoffs(found.item, params.signoff_step)
        step(3)
        signoffs = gate.decide_signoffs(raw, found.item, params.require_final_approval)
        found.chain.append("sign-off on step '{}': {}{}".format(
            signoffs.step, signoffs.signoff_status,
            ", final approval by " + signoffs.approver if signoffs.approver else ""))
        qualification, exported = qualification_facts(dss, params, found, deadline)
        existing = frozenset(b.bundle_id for b in exported) if exported is not None else None
        return gate.CreationFacts(signoffs, dss.project_key, existing, qualification), found
    except gate.GateError as err:
        failure = (err.code, str(err))
    except ConfigError as err:  # an id from DSS or Govern that cannot go into a URL
        failure = (gate.REFUSE_MALFORMED, str(err))
    if signoffs is None:
        return gate.CreationFacts(gate.refuse(*failure, step=params.signoff_step), dss.project_key), found
    return gate.CreationFacts(signoffs, dss.project_key, failure=failure), found


def _attempt(facts, rule, fn, *args):
    """``fn(*args)``, or None with the rule's failure recorded (the rule then FAILs, naming it)."""
    try:
        return fn(*args)
    except (gate.GateError, ConfigError) as err:
        facts.setdefault(rule, str(err))
    return None


def qualification_facts(dss, params, found, deadline):
    """(QualificationFacts, exported bundles or None): what the qualification rules read. A read that
    fails makes its rule FAIL with the reason; it never stops the other rules from being judged."""
    rules, failures = params.policy, {}
    exported = _attempt(failures, "bundles", dss.list_exported)
    records = _attempt(failures, "records", dss.read_records)
    for rule in (policy.ROLLBACK, policy.DECISION_TRAIL):
        for part in ("bundles", "records"):
            if part in failures:
                failures.setdefault(rule, failures[part])
    found.frames = evidence.read_frames(params.evidence_datasets, deadline) if params.evidence_datasets else {}
    ev = {}
    for name in params.evidence_datasets:
        errors = {}
        stored = _attempt(errors, "stored", dss.stored_rule_results, name)
        frame, why = found.frames[name]
        ev[name] = gate.EvidenceFacts(frame, why, stored, errors.get("stored", ""))
    on = {rule: rules.level(rule) != policy.OFF for rule in policy.RULES}
    tags = _sensitivity(dss, rules, found, failures) if on[policy.SENSITIVITY] else None
    envs = _code_envs(dss, found) if on[policy.CODE_ENV] and rules.allowed_code_envs else None
    card = _model_card(dss, rules, found) if on[policy.MODEL_CARD] else None
    failures = {k: v for k, v in failures.items() if k in policy.RULES}
    return gate.QualificationFacts(ev, records, tuple(exported) if exported is not None else None, tags, envs, card,
                                   failures, dss.attaches_release_notes()), exported


def _sensitivity(dss, rules, found, failures):
    nodes = _attempt(failures, policy.SENSITIVITY, dss.flow_graph_nodes)
    if nodes is None:
        return None
    if rules.sensitivity_scope == "saved_model":
        if not found.model:
            return sensitivity.SensitivityFacts("the project", error="no saved model is governed (governed_item "
                                                     "'project'): set sensitivity_scope to project_outputs")
        starts, target = (found.model[0],), "saved model " + found.model[0]
    else:
        starts, target = sensitivity.project_outputs(nodes), "the project's outputs"
    try:
        upstream = sensitivity.upstream_datasets(nodes, starts)
    except ValueError as err:
        return sensitivity.SensitivityFacts(target, error=str(err))
    tags = _attempt(failures, policy.SENSITIVITY, dss.dataset_tags)
    return sensitivity.SensitivityFacts(target, upstream, {n: (tags or {}).get(n) for n in upstream}) \
        if tags is not None else None


def _code_envs(dss, found):
    errors = {}
    project = _attempt(errors, "project", dss.project_python_env)
    default = None
    if isinstance(project, dict) and project.get("mode") == "INHERIT":
        default = _attempt(errors, "default", dss.instance_default_python_env)
    model = _attempt(errors, "model", dss.saved_model_env, found.model[0]) if found.model else None
    if not found.model:
        errors["model"] = "no saved model is governed (governed_item 'project')"
    return environments.CodeEnvFacts(project, errors.get("project", ""), default, errors.get("default", ""),
                                          model, errors.get("model", ""))


def _model_card(dss, rules, found):
    if not rules.model_card_folder:
        return model_card.ModelCardFacts()
    errors = {}
    items = _attempt(errors, "folder", dss.folder_items, rules.model_card_folder)
    train, version = None, ""
    if found.model:
        version = found.model[1]
        details = _attempt(errors, "train", dss.version_details, *found.model)
        train = _attempt(errors, "train", dss.train_date_ms, details) if details is not None else None
    else:
        errors["train"] = "no saved model version is governed"
    return model_card.ModelCardFacts(rules.model_card_folder, items, errors.get("folder", ""), train,
                                     errors.get("train", "" if train is not None else "no trainDate reported"),
                                     version, found.model[0] if found.model else "")


def _create(project_key, params, client, redactor, now, step):
    deadline = Deadline(params.source.deadline_seconds)
    dss = DssGateway(client, project_key, params.source, deadline, redactor)
    facts, found = _fetch(dss, params, deadline, step)
    creation = gate.decide_creation(facts, params, now)
    decision, bundle_id = creation.decision, creation.bundle_id
    rows = [r.as_dict() for r in creation.rules]
    written, where = dss.write_audit(gate.audit_params(
        found.actor, project_key, decision, found.item, bundle_id,
        action="dry-run decision" if params.dry_run else "decision", now=now, rules=rows), found.govern)
    audit_note = ("Audit entry written to the {}.".format(where) if written
                  else "The audit entry could not be written ({}).".format(where))
    log.info("Gate decision for %s: %s (%s). %s", project_key, decision.code, decision.reason, audit_note)
    step(4)
    if not decision.approved:
        raise gate.GateRefused(decision, audit_note)
    audited = gate.withdraw_unaudited(decision, written, where, params.audit_required)
    if not audited.approved:
        raise gate.GateRefused(audited)
    health = _health(params, facts, found, decision, bundle_id, project_key, rows)  # before acting
    outcome = [] if params.dry_run else _export(dss, found, params, decision, bundle_id, now, step, rows)
    step(STEPS)
    return _approval_report(project_key, params, decision, found, creation, outcome, audit_note, now, health)


def _health(params, facts, found, decision, bundle_id, project_key, rows):
    """The model-health section of the report (informational: the decision is taken), or None."""
    if not params.evidence_datasets:
        return None
    approval = {"status": decision.signoff_status, "approver": decision.approver, "step": decision.step,
                "approved_on": decision.approved_on}
    stored = {name: ev.stored for name, ev in (facts.qualification.evidence if facts.qualification else {}).items()}
    try:
        return model_health.section(found.frames, stored, approval, bundle_id, project_key, rows)
    except Exception as exc:  # noqa: BLE001 -- a page section must not stop an approved creation
        log.warning("Model health section not built: %s", exc, exc_info=True)
        return "Model health", "<p>Not built: {}.</p>".format(html.escape(shorten(str(exc), 300)))


def _label(dss, found, params, outcome):
    """The saved model version's semantic label on approval (policy ``version_label``), read back;
    a DSS line or server that does not keep it is reported, never fatal (the bundle exists)."""
    template = params.policy.version_label
    if not template or not found.model:
        return
    value = template.replace("{version}", params.version or found.model[1])
    try:
        back = dss.label_version(found.model[0], found.model[1], LABEL_KEY, value)
    except Exception as err:  # noqa: BLE001 -- after the export: report the label as not set, never crash
        why = str(err) if isinstance(err, gate.GateError) else "{}: {}".format(type(err).__name__, shorten(str(err), 300))
        outcome.append("Version label {}={} not set on {}/{}: {}".format(LABEL_KEY, value, *found.model, why))
        return
    kept = any(isinstance(lb, dict) and lb.get("key") == LABEL_KEY and lb.get("value") == value for lb in back)
    outcome.append("Version label {}={} {} on saved model version {}/{}.".format(
        LABEL_KEY, value, "set and read back" if kept else "written but NOT read back (this DSS does not keep "
        "labels on saved model versions)", *found.model))


def _export(dss, found, params, decision, bundle_id, now, step, rows=()):
    """Record the approval, export, record the outcome, then publish if the Govern bundle is approved."""
    def audit(action, detail):
        return dss.write_audit(gate.audit_params(found.actor, dss.project_key, decision, found.item, bundle_id,
                                                 action=action, detail=detail, now=now), found.govern)

    full_notes = dss.redactor.scrub(gate.release_notes(decision, found.item, params.release_notes, now))
    record = ledger.entry(dss.project_key, bundle_id, decision, found.item, found.actor, now, full_notes, rows)
    try:
        dss.write_record(record)
    except gate.GateError as err:
        audit("approval record not written", str(err))
        raise gate.GateRefused(gate.refuse(gate.REFUSE_RECORD, "the sign-off is approved but the gate's approval "
                                           "record could not be written ({}); nothing was created.".format(err),
                                           decision.step, decision.signoff_status)) from None
    notes, cut = gate.fit_release_notes(full_notes)
    try:
        limits = dss.export_bundle(bundle_id, notes, params.bundle_timeout_seconds)
    except gate.GateError as err:
        _after_failed_export(dss, bundle_id, record, err, audit)
    outcome = ["Bundle {} exported on the Design node.".format(bundle_id)] + limits
    try:
        dss.write_record(ledger.with_state(record, ledger.EXPORTED))
    except gate.GateError as err:  # after the export: report it (the decision trail will flag the record)
        outcome.append("The approval record could not be updated to 'exported' ({}); it still says 'exporting'."
                       .format(err))
    if cut:
        outcome.append("Release notes cut to fit the export call's URL; the full text is in the approval record "
                       "(project variable {}).".format(ledger.VARIABLE))
    _label(dss, found, params, outcome)
    step(5)
    if params.publish:
        outcome.append(publish_when_approved(dss, found.govern, bundle_id, params.publish_signoff_step,
                                             params.require_final_approval, params.bundle_timeout_seconds, now, audit,
                                             found.actor))
    ok, where = audit("published" if any(o.startswith("Published") for o in outcome) else "exported",
                      " ".join(outcome))
    outcome.append("Outcome audit entry: " + (where if ok else "not written ({})".format(where)) + ".")
    return outcome


def _after_failed_export(dss, bundle_id, record, err, audit):
    """Say whether the bundle exists after a failed or timed-out export; keep the record safe."""
    exists = dss.bundle_exists(bundle_id)
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
        dss.write_record(ledger.with_state(record, state, str(err)))
    except gate.GateError:
        log.warning("The approval record of %s could not be updated after the failed export", bundle_id)
    audit("export failed", "{} ({})".format(err, said))
    raise gate.GateError(err.code, "Approved, but exporting bundle {} failed: {} After the failure {}. Nothing was "
                         "published; publish-approved-bundle publishes it once it exists and its Govern review "
                         "approves it.".format(bundle_id, err, said)) from None


def _approval_report(project_key, params, decision, found, creation, outcome, audit_note, now, health=None):
    waiting = any(o.startswith("Created, waiting") for o in outcome)
    status = report.badge("DRY RUN: WOULD APPROVE" if params.dry_run else
                          ("CREATED, WAITING FOR GOVERN REVIEW" if waiting else "APPROVED"),
                          "info" if params.dry_run or waiting else "ok")
    signoff = [("Govern item", found.item.govern_label), ("Workflow step", decision.step),
               ("Sign-off status", decision.signoff_status),
               ("Final approval", decision.approver or "(approver not reported by Govern)"),
               ("Approved on", decision.approved_on or "(not reported)")]
    if decision.approver_comment:
        signoff.append(("Approver's comment", decision.approver_comment))
    if params.release_notes:
        signoff.append(("Release notes", params.release_notes))
    bundle = [("Bundle id", creation.bundle_id), ("Template", params.bundle_id_template),
              ("Action", "none (dry run)" if params.dry_run else
               ("export, then publish once its Govern bundle is approved" if params.publish else "export"))]
    sections = [("Decision", report.key_values([("Project", project_key), ("Reason", decision.reason),
                                                ("Decided at", now.strftime("%Y-%m-%d %H:%M:%S UTC"))])),
                ("Evidence chain", report.ordered(found.chain)),
                ("Sign-off", report.key_values(signoff))]
    sections.append(("Qualification rules (policy: {}; bounds are the policy's)".format(params.policy.preset),
                     rules_table(creation.rules)))
    sections.append(("Bundle", report.key_values(bundle)))
    if outcome:
        sections.append(("Outcome", report.ordered(outcome)))
    sections.append(("Audit", report.key_values([("Decision record", audit_note)])))
    if health:
        sections.append(health)
    return report.page("Govern-gated bundle for {}".format(project_key), status, sections)

"""Govern lookups through the public ``dataikuapi.GovernClient``: DSS item → synced Dataiku item
→ ``governed_by`` → Govern item → sign-off of a workflow step (dataiku-api.md §4-§5)."""
import logging

from dataikuapi import GovernClient
from dataikuapi.govern.artifact_search import (
    GovernArtifactFilterArchivedStatus, GovernArtifactFilterBlueprints, GovernArtifactFilterFieldValue,
    GovernArtifactSearchQuery)

from model_guardrails import bundles as core, gate, ids
from model_guardrails.errors import ConfigError

from .http import call, harden

log = logging.getLogger("model_guardrails.gate")
MAX_HITS = 20


def connect(source, dss, deadline, secrets):
    """A hardened GovernClient from the preset, or from the DSS Govern integration settings.
    Adds the key in use to ``secrets`` so it is scrubbed from everything the macro emits."""
    timeout = source.timeout_seconds
    if source.use_dss_govern_node:
        if not hasattr(dss, "get_govern_client"):
            raise gate.GateError(gate.REFUSE_UNSUPPORTED, "Using the Govern node configured in DSS needs DSS 13.3.2 or "
                                 "later (this DSS's client has no get_govern_client): choose a govern-connection "
                                 "preset instead.")
        client = call("DSS", "reading the Govern node configured in DSS (needs DSS administrator rights)",
                      secrets, dss.get_govern_client)
        if client is None:
            raise gate.GateError(gate.REFUSE_NOT_FOUND, "DSS has no enabled Govern node (Administration > Settings > "
                                 "Govern integration): use a govern-connection preset instead.")
        if getattr(client, "api_key", None):
            secrets.append(client.api_key)
        return harden(client, timeout, deadline)
    conn = source.connection
    secrets.append(conn.api_key)
    client = GovernClient(conn.govern_url, conn.api_key)
    return harden(client, timeout, deadline, verify_tls=conn.verify_tls, ca_bundle=conn.ca_bundle)


def _field(field_id, value):
    return GovernArtifactFilterFieldValue("EQUALS", condition=value, field_id=field_id, case_sensitive=True)


def search_dataiku_item(gc, blueprint, fields, label, secrets):
    """The single, non-archived synced artifact of ``blueprint`` whose fields equal ``fields``."""
    query = GovernArtifactSearchQuery(artifact_filters=[
        GovernArtifactFilterBlueprints([blueprint]), GovernArtifactFilterArchivedStatus(False)]
        + [_field(k, v) for k, v in fields.items()])
    request = gc.new_artifact_search_request(query)
    response = call("Govern", "searching the Govern artifact of " + label, secrets,
                    request.fetch_next_batch, page_size=MAX_HITS)
    raw = response.get_raw()
    hits = raw.get("uiArtifacts") if isinstance(raw, dict) else None
    if not isinstance(hits, list):
        raise gate.GateError(gate.REFUSE_MALFORMED, "Govern's artifact search answer has no 'uiArtifacts' list "
                             "(searching {}).".format(label))
    artifacts = [h.get("artifact") for h in hits if isinstance(h, dict)]
    artifacts = [a for a in artifacts if isinstance(a, dict) and isinstance(a.get("id"), str)]
    if len(artifacts) != len(hits):
        raise gate.GateError(gate.REFUSE_MALFORMED, "Govern's artifact search returned hits without an artifact id "
                             "(searching {}).".format(label))
    if not artifacts:
        raise gate.GateError(gate.REFUSE_NOT_FOUND, "Govern has no item for {}: it is not synced to Govern yet "
                             "(a DSS administrator can run the Govern sync) or the node id differs{}.".format(
                                 label, _found_instead(gc, blueprint, fields, secrets)))
    if len(artifacts) > 1:
        raise gate.GateError(gate.REFUSE_AMBIGUOUS, "Govern has {} items for {} ({}); the gate needs exactly one."
                             .format(len(artifacts), label, ", ".join(a["id"] for a in artifacts[:5])))
    return artifacts[0]


def _found_instead(gc, blueprint, fields, secrets):
    """What Govern holds instead, for a search that found nothing: the fields of a few items of
    ``blueprint`` (naming the searched fields they lack), or the Dataiku blueprints of the node."""
    try:
        query = GovernArtifactSearchQuery(artifact_filters=[GovernArtifactFilterBlueprints([blueprint])])
        raw = call("Govern", "listing items of " + blueprint, secrets,
                   gc.new_artifact_search_request(query).fetch_next_batch, page_size=5).get_raw()
        hits = [h.get("artifact") for h in raw.get("uiArtifacts") or [] if isinstance(h, dict)]
        found = [a.get("fields") for a in hits if isinstance(a, dict) and isinstance(a.get("fields"), dict)]
        if found:
            return gate.describe_found_fields(blueprint, fields, found)
        blueprints = call("Govern", "listing blueprints", secrets, gc.list_blueprints)
        return gate.describe_found_blueprints(blueprint, [b.get_raw() for b in blueprints])
    except (gate.GateError, AttributeError, TypeError) as err:  # a hint only: the refusal stands without it
        log.debug("no hint for the empty search of %s: %s", blueprint, err)
        return ""


def governed_by(dataiku_artifact, label, field):
    """The Govern item ``dataiku_artifact`` is governed by. NOT_GOVERNED only on a readable answer
    (the field absent or empty); anything else it cannot read is MALFORMED."""
    fields = dataiku_artifact.get("fields")
    if not isinstance(fields, dict):
        raise gate.GateError(gate.REFUSE_MALFORMED, "Govern item {} of {} has no readable 'fields'.".format(
            dataiku_artifact.get("id"), label))
    target = fields.get(field)
    if isinstance(target, list):  # tolerate a one-element list
        if len(target) > 1:
            raise gate.GateError(gate.REFUSE_AMBIGUOUS, "{} is governed by {} Govern items; the gate needs one.".format(
                label, len(target)))
        target = target[0] if target else None
    if not target:
        raise gate.GateError(gate.REFUSE_NOT_GOVERNED, "{} is not governed in Govern (its Govern item {} has no "
                             "'{}' link): a Govern user must govern it before a bundle can be created{}.".format(
                                 label, dataiku_artifact.get("id"), field,
                                 "" if field in fields else gate.describe_fields(fields)))
    if not ids.is_valid(ids.ARTIFACT_ID, target):
        raise gate.GateError(gate.REFUSE_MALFORMED, "{} is governed by {!r}, which is not a Govern artifact id."
                             .format(label, target))
    return target


def get_artifact(gc, artifact_id, secrets):
    ids.check(ids.ARTIFACT_ID, artifact_id, "Govern artifact id")
    definition = call("Govern", "reading Govern artifact " + artifact_id, secrets,
                      gc.get_artifact(artifact_id).get_definition)
    raw = definition.get_raw()
    if not isinstance(raw, dict):
        raise gate.GateError(gate.REFUSE_MALFORMED, "Govern artifact {} is not an object.".format(artifact_id))
    return raw


def resolve_item(gc, kind, project_key, node_id, secrets, names, saved_model_id="", model_version=""):
    """The GovernedItem of this project (``kind`` "project") or of a saved-model version."""
    if kind == "saved_model_version":
        label = "saved model version {}.{}/{}".format(project_key, saved_model_id, model_version)
        fields = {names.field_node_id: node_id, names.field_project_key: project_key,
                  names.field_saved_model_id: saved_model_id, names.field_version_id: model_version}
        blueprint = names.bp_model_version
    else:
        label = "project " + project_key
        fields = {names.field_node_id: node_id, names.field_project_key: project_key}
        blueprint = names.bp_project
    dataiku_item = search_dataiku_item(gc, blueprint, fields, label, secrets)
    target = governed_by(dataiku_item, label, names.field_governed_by)
    govern_item = get_artifact(gc, target, secrets)
    bpv = govern_item.get("blueprintVersionId") if isinstance(govern_item.get("blueprintVersionId"), dict) else {}
    return gate.GovernedItem(kind=kind, dss_label=label, dataiku_artifact_id=dataiku_item["id"],
                             govern_artifact_id=target, govern_name=str(govern_item.get("name") or ""),
                             govern_blueprint=str(bpv.get("blueprintId") or ""))


def _bundle_label(bundle_id, project_key):
    return "bundle {} of project {}".format(bundle_id, project_key)


def _bundle_artifact(gc, node_id, project_key, bundle_id, secrets, names):
    return search_dataiku_item(gc, names.bp_bundle, {
        names.field_node_id: node_id, names.field_project_key: project_key, names.field_bundle_id: bundle_id},
        _bundle_label(bundle_id, project_key), secrets)


def resolve_bundle(gc, node_id, project_key, bundle_id, secrets, names, artifact=None):
    """The GovernedItem of a bundle: Dataiku bundle → ``governed_by`` → Govern bundle (the item the
    Project Deployer's Govern check policy looks at)."""
    label = _bundle_label(bundle_id, project_key)
    artifact = artifact or _bundle_artifact(gc, node_id, project_key, bundle_id, secrets, names)
    target = governed_by(artifact, label, names.field_governed_by)
    govern_item = get_artifact(gc, target, secrets)
    return gate.GovernedItem(kind="bundle", dss_label=label, dataiku_artifact_id=artifact["id"],
                             govern_artifact_id=target, govern_name=str(govern_item.get("name") or ""))


def read_signoffs(gc, item, step, secrets):
    """``[(step, raw sign-off)]`` that decide for ``item``: the named step's, or — ``step`` empty —
    every sign-off the item has (Govern creates the sign-offs of all steps with the artifact, from
    its template), discovered with list_signoffs."""
    if step:
        return [(step, read_signoff(gc, item, step, secrets))]
    return [(s, read_signoff(gc, item, s, secrets)) for s in signoff_steps(gc, item, secrets)]


def signoff_steps(gc, item, secrets):
    listed = call("Govern", "listing the sign-offs of " + item.govern_label, secrets,
                  gc.get_artifact(item.govern_artifact_id).list_signoffs)
    try:
        steps = gate.signoff_steps([entry.get_raw() for entry in listed])
    except (ValueError, AttributeError, TypeError) as err:
        raise gate.GateError(gate.REFUSE_MALFORMED, "Govern listed the sign-offs of {} in a shape the gate cannot "
                             "read ({}).".format(item.govern_label, err)) from None
    for step in steps:
        ids.check(ids.STEP_ID, step, "sign-off step of " + item.govern_label)
    return steps


def read_signoff(gc, item, step, secrets):
    """Raw sign-off JSON of ``step``; a 404 means the step has no sign-off."""
    ids.check(ids.STEP_ID, step, "signoff_step")
    signoff = gc.get_artifact(item.govern_artifact_id).get_signoff(step)
    try:
        definition = call("Govern", "reading the sign-off on step '{}' of {}".format(step, item.govern_label),
                          secrets, signoff.get_definition)
    except gate.GateError as err:
        if err.code == gate.REFUSE_NOT_FOUND:
            raise gate.GateError(gate.REFUSE_NO_SIGNOFF, "{} has no sign-off on step '{}' ({}){}: check the sign-off "
                                 "step parameter, or leave it empty to use the sign-offs the item has.".format(
                                     item.govern_label, step, err, _steps_hint(gc, item, secrets))) from None
        raise
    return definition.get_raw()


def _steps_hint(gc, item, secrets):
    try:
        steps = signoff_steps(gc, item, secrets)
    except gate.GateError:
        return ""
    return "; its sign-offs are on step(s) {}".format(", ".join(steps)) if steps else "; it has no sign-off"


# Errors that say nothing about one bundle but about reaching Govern: prune stops on them.
TRANSPORT_CODES = (gate.REFUSE_AUTH, gate.REFUSE_FORBIDDEN, gate.REFUSE_TIMEOUT, gate.REFUSE_UNREACHABLE,
                   gate.REFUSE_TLS)


def bundle_approval(gc, node_id, project_key, bundle_id, step, secrets, names, project_governed=None):
    """The BundleApproval of a bundle's own Govern item. NOT_APPROVED only on a readable answer: a
    known sign-off status other than APPROVED (or APPROVED without the final approval), a Dataiku
    bundle that is not governed, or — when the bundle is not in Govern — a project known not to be
    governed (``project_governed`` False). Anything else is UNKNOWN with the reason; transport
    errors (auth, timeout, unreachable, TLS) are raised."""
    try:
        artifact = _bundle_artifact(gc, node_id, project_key, bundle_id, secrets, names)
    except gate.GateError as err:
        if err.code in TRANSPORT_CODES:
            raise
        if err.code == gate.REFUSE_NOT_FOUND and project_governed is False:  # the search found nothing
            return core.BundleApproval(core.NOT_APPROVED, note="not in Govern; the project is not governed")
        return core.BundleApproval(core.UNKNOWN, note=str(err))
    try:
        item = resolve_bundle(gc, node_id, project_key, bundle_id, secrets, names, artifact)
        decision = gate.decide_signoffs(read_signoffs(gc, item, step, secrets), item, require_final_approval=True)
    except gate.GateError as err:
        if err.code in TRANSPORT_CODES:
            raise
        if err.code == gate.REFUSE_NOT_GOVERNED:
            return core.BundleApproval(core.NOT_APPROVED, note="not governed in Govern")
        return core.BundleApproval(core.UNKNOWN, note=str(err))
    except ConfigError as err:  # an id from Govern that cannot go into a URL
        return core.BundleApproval(core.UNKNOWN, note=str(err))
    if decision.approved:
        return core.BundleApproval(gate.APPROVED, decision.signoff_status, decision.approver)
    readable = decision.code == gate.REFUSE_FINAL or (
        decision.code == gate.REFUSE_STATUS and decision.signoff_status in gate.SIGNOFF_STATUSES)
    return core.BundleApproval(core.NOT_APPROVED if readable else core.UNKNOWN, decision.signoff_status,
                               decision.approver, "" if readable else decision.reason)


def project_governed(gc, node_id, project_key, secrets, names):
    """True / False when Govern answers readably whether the project is governed; None otherwise."""
    label = "project " + project_key
    try:
        artifact = search_dataiku_item(gc, names.bp_project, {
            names.field_node_id: node_id, names.field_project_key: project_key}, label, secrets)
        governed_by(artifact, label, names.field_governed_by)
    except gate.GateError as err:
        if err.code in TRANSPORT_CODES:
            raise
        return False if err.code == gate.REFUSE_NOT_GOVERNED else None
    except ConfigError:
        return None
    return True

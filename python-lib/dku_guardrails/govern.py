"""Govern lookups through the public ``dataikuapi.GovernClient``: DSS item → synced Dataiku item
→ ``governed_by`` → Govern item → sign-off of a workflow step (dataiku-api.md §4-§5)."""
from dataikuapi import GovernClient
from dataikuapi.govern.artifact_search import (
    GovernArtifactFilterArchivedStatus, GovernArtifactFilterBlueprints, GovernArtifactFilterFieldValue,
    GovernArtifactSearchQuery)

from model_guardrails import gate, ids

from .http import call, harden

MAX_HITS = 20


def connect(source, dss, deadline, secrets):
    """A hardened GovernClient from the preset, or from the DSS Govern integration settings.
    Adds the key in use to ``secrets`` so it is scrubbed from everything the macro emits."""
    timeout = source.timeout_seconds
    if source.use_dss_govern_node:
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
                             "(a DSS administrator can run the Govern sync) or the node id differs.".format(label))
    if len(artifacts) > 1:
        raise gate.GateError(gate.REFUSE_AMBIGUOUS, "Govern has {} items for {} ({}); the gate needs exactly one."
                             .format(len(artifacts), label, ", ".join(a["id"] for a in artifacts[:5])))
    return artifacts[0]


def governed_by(dataiku_artifact, label):
    fields = dataiku_artifact.get("fields")
    target = fields.get(gate.FIELD_GOVERNED_BY) if isinstance(fields, dict) else None
    if isinstance(target, list):  # tolerate a one-element list
        target = target[0] if len(target) == 1 else None
    if not target:
        raise gate.GateError(gate.REFUSE_NOT_GOVERNED, "{} is not governed in Govern (its Govern item {} has no "
                             "'governed_by' link): a Govern user must govern it before a bundle can be "
                             "created.".format(label, dataiku_artifact.get("id")))
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


def resolve_item(gc, params, project_key, node_id, model_version, secrets):
    """The GovernedItem of this project or of a saved-model version."""
    if params.governed_item == "saved_model_version":
        label = "saved model version {}.{}/{}".format(project_key, params.saved_model_id, model_version)
        fields = {gate.FIELD_NODE_ID: node_id, gate.FIELD_PROJECT_KEY: project_key,
                  gate.FIELD_SAVED_MODEL_ID: params.saved_model_id, gate.FIELD_VERSION_ID: model_version}
        blueprint = gate.BP_DATAIKU_MODEL_VERSION
    else:
        label = "project " + project_key
        fields = {gate.FIELD_NODE_ID: node_id, gate.FIELD_PROJECT_KEY: project_key}
        blueprint = gate.BP_DATAIKU_PROJECT
    dataiku_item = search_dataiku_item(gc, blueprint, fields, label, secrets)
    target = governed_by(dataiku_item, label)
    govern_item = get_artifact(gc, target, secrets)
    bpv = govern_item.get("blueprintVersionId") if isinstance(govern_item.get("blueprintVersionId"), dict) else {}
    return gate.GovernedItem(kind=params.governed_item, dss_label=label, dataiku_artifact_id=dataiku_item["id"],
                             govern_artifact_id=target, govern_name=str(govern_item.get("name") or ""),
                             govern_blueprint=str(bpv.get("blueprintId") or ""))


def read_signoff(gc, item, step, secrets):
    """Raw sign-off JSON of ``step``; a 404 means the step has no sign-off."""
    ids.check(ids.STEP_ID, step, "signoff_step")
    signoff = gc.get_artifact(item.govern_artifact_id).get_signoff(step)
    try:
        definition = call("Govern", "reading the sign-off on step '{}' of {}".format(step, item.govern_label),
                          secrets, signoff.get_definition)
    except gate.GateError as err:
        if err.code == gate.REFUSE_NOT_FOUND:
            raise gate.GateError(gate.REFUSE_NO_SIGNOFF, "{} has no sign-off on step '{}' ({}): check 'signoff_step' "
                                 "against the Govern blueprint's workflow.".format(item.govern_label, step, err)) from None
        raise
    return definition.get_raw()


def bundle_approval(gc, node_id, project_key, bundle_id, step, secrets):
    """Sign-off status and approver of a bundle's own Govern item, via its synced Dataiku bundle."""
    label = "bundle {} of project {}".format(bundle_id, project_key)
    artifact = search_dataiku_item(gc, gate.BP_DATAIKU_BUNDLE, {
        gate.FIELD_NODE_ID: node_id, gate.FIELD_PROJECT_KEY: project_key, gate.FIELD_BUNDLE_ID: bundle_id},
        label, secrets)
    target = governed_by(artifact, label)
    item = gate.GovernedItem(kind="bundle", dss_label=label, dataiku_artifact_id=artifact["id"],
                             govern_artifact_id=target)
    raw = read_signoff(gc, item, step, secrets)
    return gate.decide_signoff(raw, item, step, require_final_approval=True)

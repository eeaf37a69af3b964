"""DSS side of the gate through the public ``dataikuapi.DSSClient``: identity, exported bundles,
Project Deployer, data-quality evidence and custom audit entries (dataiku-api.md §3, §6, §7)."""
from model_guardrails import bundles as core, gate, ids

from .http import call


def identity(dss, secrets):
    """(actor login or key id, DSS node id)."""
    info = call("DSS", "reading who runs the macro", secrets, dss.get_auth_info)
    node = call("DSS", "reading the DSS node id", secrets, dss.get_instance_info)
    actor = info.get("authIdentifier") if isinstance(info, dict) else None
    node_id = call("DSS", "reading the DSS node id", secrets, lambda: node.node_id)
    if not isinstance(actor, str) or not isinstance(node_id, str) or not node_id:
        raise gate.GateError(gate.REFUSE_MALFORMED, "DSS did not report the user or the node id.")
    return actor, node_id


def list_exported(project, secrets):
    raw = call("DSS", "listing the exported bundles of project " + project.project_key, secrets,
               project.list_exported_bundles)
    return call("DSS", "reading the exported bundle list", secrets, core.exported_bundles, raw)


def active_model_version(project, saved_model_id, secrets):
    versions = call("DSS", "listing the versions of saved model " + saved_model_id, secrets,
                    project.get_saved_model(saved_model_id).list_versions)
    if not isinstance(versions, list):
        raise gate.GateError(gate.REFUSE_MALFORMED, "DSS listed the saved model versions in an unknown shape.")
    active = [v for v in versions if isinstance(v, dict) and v.get("active") is True and isinstance(v.get("id"), str)]
    if not active:
        raise gate.GateError(gate.REFUSE_NOT_FOUND, "Saved model {} has no active version: set one, or name the "
                             "version in 'saved_model_version'.".format(saved_model_id))
    return ids.check(ids.MODEL_VERSION_ID, active[0]["id"], "active version of saved model " + saved_model_id)


def evidence_results(project, datasets, secrets):
    """{dataset: raw last-rules-result list}."""
    out = {}
    for name in datasets:
        ids.check(ids.DATASET_NAME, name, "evidence_datasets")
        rules = project.get_dataset(name).get_data_quality_rules()
        results = call("DSS", "reading the latest check results of dataset " + name, secrets,
                       rules.get_last_rules_results)
        out[name] = [r.get_raw() for r in results]
    return out


def export_bundle(project, bundle_id, notes, secrets):
    ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
    return call("DSS", "exporting bundle " + bundle_id, secrets, project.export_bundle, bundle_id,
                release_notes=notes, evaluate_project_standards_checks=True)


def publish_bundle(project, bundle_id, secrets):
    ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
    return call("DSS", "publishing bundle {} to the Project Deployer".format(bundle_id), secrets,
                project.publish_bundle, bundle_id)


def deployer_state(dss, published_project_key, secrets):
    """(published bundles, {bundle_id: [deployment ids]}) of the deployer project; empty when the
    project was never published (NotFound)."""
    ids.check(ids.PROJECT_KEY, published_project_key, "published project key")
    deployer = dss.get_projectdeployer()
    try:
        status = call("DSS", "reading published project {} on the Project Deployer".format(published_project_key),
                      secrets, deployer.get_project(published_project_key).get_status)
    except gate.GateError as err:
        if err.code == gate.REFUSE_NOT_FOUND:
            return [], {}
        raise
    raw = status.get_raw()
    published = call("DSS", "reading the published bundles", secrets, core.published_bundles,
                     raw.get("packages") if isinstance(raw, dict) else None)
    deployments = raw.get("deployments") if isinstance(raw, dict) else None
    if not isinstance(deployments, list):
        raise gate.GateError(gate.REFUSE_MALFORMED, "The Project Deployer's project status has no deployment list.")
    used = {}
    for dep in deployments:
        dep_id = dep.get("id") if isinstance(dep, dict) else None
        ids.check(ids.DEPLOYMENT_ID, dep_id, "deployment id")
        settings = call("DSS", "reading the settings of deployment " + dep_id, secrets,
                        deployer.get_deployment(dep_id).get_settings)
        bundle_id = call("DSS", "reading the bundle of deployment " + dep_id, secrets, lambda: settings.bundle_id)
        used.setdefault(bundle_id, []).append(dep_id)
    return published, used


def delete_exported(project, bundle_id, secrets):
    ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
    call("DSS", "deleting exported bundle " + bundle_id, secrets, project.delete_exported_bundle, bundle_id)


def delete_published(dss, published_project_key, bundle_id, secrets):
    ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
    call("DSS", "deleting published bundle " + bundle_id, secrets,
         dss.get_projectdeployer().get_project(published_project_key).delete_bundle, bundle_id)


def write_audit(dss, govern, params, secrets):
    """Write one custom audit entry: DSS audit trail first, else the Govern audit trail.
    Returns (written, where) — ``where`` is a sentence for the result and the error messages."""
    ids.check(ids.AUDIT_TYPE, gate.AUDIT_TYPE, "audit type")
    clean = {k: _scrub_value(v, secrets) for k, v in params.items()}
    failures = []
    for name, client in (("DSS", dss), ("Govern", govern)):
        if client is None:
            continue
        try:
            call(name, "writing the audit entry", secrets, client.log_custom_audit, gate.AUDIT_TYPE, clean)
            return True, "{} audit trail (customMsgType '{}')".format(name, gate.AUDIT_TYPE)
        except gate.GateError as err:
            failures.append(str(err))
    return False, "nowhere: " + " ".join(failures) if failures else "nowhere: no audit trail available"


def _scrub_value(value, secrets):
    if isinstance(value, str):
        for secret in secrets:
            if secret:
                value = value.replace(secret, "<redacted>")
    return value


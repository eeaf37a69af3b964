"""DSS side of the gate through the public ``dataikuapi.DSSClient``: identity, saved models,
exported bundles, Project Deployer, data-quality evidence, the approval record and custom audit
entries (dataiku-api.md §3, §6, §7).

Calls whose signature changed between DSS lines are feature-detected on the client in use (the
client DSS ships with each release; docs/compatibility.md lists which release has what)."""
import inspect

from model_guardrails import bundles as core, gate, ids, ledger

from .http import call, long_call, scrub

# Keyword arguments of DSSProject.export_bundle and the first DSS release whose client has them
# (dataiku-api-client 13.1.4: export_bundle(bundle_id); 13.2.1 adds release_notes; 14.1.0 adds
# evaluate_project_standards_checks).
EXPORT_RELEASE_NOTES = ("release_notes", "13.2")
EXPORT_PROJECT_STANDARDS = ("evaluate_project_standards_checks", "14.1")


def accepts(fn, name):
    """True when callable ``fn`` takes a parameter ``name`` (feature detection on the DSS client)."""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


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


def only_saved_model(project, secrets):
    """The id of the project's only saved model (refusal naming them when there are none or several)."""
    models = call("DSS", "listing the saved models of project " + project.project_key, secrets,
                  project.list_saved_models)
    if not isinstance(models, list):
        raise gate.GateError(gate.REFUSE_MALFORMED, "DSS listed the saved models in an unknown shape.")
    found = [m.get("id") for m in models if isinstance(m, dict) and isinstance(m.get("id"), str)]
    if len(found) == 1:
        return ids.check(ids.SAVED_MODEL_ID, found[0], "saved model of project " + project.project_key)
    if not found:
        raise gate.GateError(gate.REFUSE_NOT_FOUND, "Project {} has no saved model, so no Govern model version can "
                             "approve a bundle: deploy a model to the Flow, or set 'governed_item' to 'project' if "
                             "your Govern project template has a sign-off.".format(project.project_key))
    raise gate.GateError(gate.REFUSE_AMBIGUOUS, "Project {} has {} saved models ({}): choose the one whose version "
                         "is governed in 'saved_model_id'.".format(project.project_key, len(found), ", ".join(found[:10])))


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


def export_bundle(project, dss, bundle_id, notes, timeout, secrets):
    """Export with the keyword arguments this DSS's client has. Returns the notes on what this DSS
    line could not do (e.g. release notes before 13.2). ``timeout``: seconds allowed for the call."""
    ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
    kwargs, missing = {}, []
    for (name, since), value in ((EXPORT_RELEASE_NOTES, notes), (EXPORT_PROJECT_STANDARDS, True)):
        if accepts(project.export_bundle, name):
            kwargs[name] = value
        else:
            missing.append((name, since))
    with long_call(dss, timeout):
        call("DSS", "exporting bundle " + bundle_id, secrets, project.export_bundle, bundle_id, **kwargs)
    notes_out = []
    for name, since in missing:
        if name == EXPORT_RELEASE_NOTES[0]:
            notes_out.append("Release notes not attached: this DSS's client exports without them (DSS {} or later "
                             "attaches them); they are kept in the gate's approval record (project variable {}).".format(
                                 since, ledger.VARIABLE))
        else:
            notes_out.append("Project Standards checks at export need DSS {} or later; not evaluated here.".format(since))
    return notes_out


def bundle_exists(project, bundle_id, secrets):
    """True / False, or None when the list cannot be read (after a timed-out export)."""
    try:
        return bundle_id in {b.bundle_id for b in list_exported(project, secrets)}
    except gate.GateError:
        return None


def publish_bundle(project, dss, bundle_id, timeout, secrets):
    ids.check(ids.BUNDLE_ID, bundle_id, "bundle id")
    with long_call(dss, timeout):
        return call("DSS", "publishing bundle {} to the Project Deployer".format(bundle_id), secrets,
                    project.publish_bundle, bundle_id)


def read_records(project, secrets):
    """{bundle_id: record} of the gate's approval record (project local variables)."""
    variables = call("DSS", "reading the variables of project {} (the gate's approval record)".format(
        project.project_key), secrets, project.get_variables)
    try:
        return ledger.read(variables)
    except ValueError as err:
        raise gate.GateError(gate.REFUSE_MALFORMED, "The gate's approval record cannot be read: {}. Fix or remove the "
                             "local variable '{}' of project {}.".format(err, ledger.VARIABLE,
                                                                        project.project_key)) from None


def write_record(project, record, secrets):
    """Store one record (read-modify-write of the project's local variables)."""
    clean = {k: _scrub_value(v, secrets) for k, v in record.items()}
    what = "writing the gate's approval record into the variables of project " + project.project_key
    variables = call("DSS", what, secrets, project.get_variables)
    try:
        updated = ledger.written(variables, clean)
    except ValueError as err:
        raise gate.GateError(gate.REFUSE_MALFORMED, "The gate's approval record cannot be read: {}.".format(err)) from None
    call("DSS", what, secrets, project.set_variables, updated)


def deployer_state(dss, published_project_key, secrets, expect_published=False):
    """(published bundles, {bundle_id: [deployment ids]}) of the deployer project; empty when the
    project was never published (NotFound, and no exported bundle says it was published). Any other
    error is raised: "nothing is deployed" is never a guess."""
    ids.check(ids.PROJECT_KEY, published_project_key, "published project key")
    deployer = dss.get_projectdeployer()
    try:
        status = call("DSS", "reading published project {} on the Project Deployer".format(published_project_key),
                      secrets, deployer.get_project(published_project_key).get_status)
    except gate.GateError as err:
        if err.code == gate.REFUSE_NOT_FOUND and not expect_published:
            return [], {}
        if err.code == gate.REFUSE_NOT_FOUND:
            raise gate.GateError(err.code, "The Project Deployer does not know published project {}, yet bundles of "
                                 "the project say they were published: {}".format(published_project_key, err)) from None
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
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {k: _scrub_value(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub_value(v, secrets) for v in value]
    return value


"""govern-diagnostics: what the Govern node holds for a project, looked up exactly as the gate looks
it up (same blueprints, fields and links). Read only; it decides nothing."""
from datetime import datetime, timezone

from model_guardrails import diagnostics, gate, ids
from model_guardrails.errors import ConfigError

from . import bundles as dss_side, govern
from .gate_macros import _api_client, _connect_both, _guarded, _progress, secrets_of
from .http import call

STEPS = 4
MAX_MODELS, MAX_VERSIONS, MAX_BUNDLES = 10, 5, 10


def govern_diagnostics(project_key, config, dss=None, progress=None, plugin_config=None):
    secrets = secrets_of(config)

    def run():
        source = gate.parse_govern_source(config, plugin_config)
        ids.check(ids.PROJECT_KEY, project_key, "project key")
        return _diagnose(project_key, source, _api_client(dss), secrets, _progress(progress))
    return _guarded(secrets, run)


def _diagnose(project_key, source, dss, secrets, advance):
    names = source.names
    _, node_id, gc = _connect_both(project_key, source, dss, secrets)
    advance(1)
    try:
        blueprints, bp_error = diagnostics.dataiku_blueprints(
            [b.get_raw() for b in call("Govern", "listing blueprints", secrets, gc.list_blueprints)]), ""
    except gate.GateError as err:
        blueprints, bp_error = [], str(err)
    project = dss.get_project(project_key)
    wanted, dss_problems = _wanted(project, project_key, node_id, names, secrets)
    advance(2)
    lookups = [_lookup(gc, label, bp, fields, names, secrets) for label, bp, fields in wanted] + dss_problems
    advance(3)
    html = diagnostics.page(project_key, node_id, source.label, names, blueprints, lookups, bp_error,
                            datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    advance(STEPS)
    return html


def _wanted(project, project_key, node_id, names, secrets):
    """[(label, blueprint, searched fields)] of the project, its saved model versions and newest
    bundles; plus Lookups for what DSS itself could not list."""
    base = {names.field_node_id: node_id, names.field_project_key: project_key}
    wanted, failed = [("project " + project_key, names.bp_project, dict(base))], []
    try:
        models = call("DSS", "listing the saved models", secrets, project.list_saved_models)
        for model in [m for m in models if isinstance(m, dict) and isinstance(m.get("id"), str)][:MAX_MODELS]:
            versions = call("DSS", "listing the versions of saved model " + model["id"], secrets,
                            project.get_saved_model(ids.check(ids.SAVED_MODEL_ID, model["id"], "saved model id"))
                            .list_versions)
            for version in [v for v in versions if isinstance(v, dict) and isinstance(v.get("id"), str)][-MAX_VERSIONS:]:
                wanted.append(("saved model version {}/{}{}".format(model["id"], version["id"],
                                                                    " (active)" if version.get("active") else ""),
                               names.bp_model_version, dict(base, **{names.field_saved_model_id: model["id"],
                                                                     names.field_version_id: version["id"]})))
    except (gate.GateError, ConfigError, TypeError) as err:
        failed.append(diagnostics.Lookup("saved models", names.bp_model_version, {}, problem=str(err)))
    try:
        bundles = sorted(dss_side.list_exported(project, secrets), key=lambda b: b.created_ms or 0)[-MAX_BUNDLES:]
        wanted += [("bundle " + b.bundle_id, names.bp_bundle, dict(base, **{names.field_bundle_id: b.bundle_id}))
                   for b in bundles]
    except gate.GateError as err:
        failed.append(diagnostics.Lookup("bundles", names.bp_bundle, {}, problem=str(err)))
    return wanted, failed


def _lookup(gc, label, blueprint, fields, names, secrets):
    found = diagnostics.Lookup(label, blueprint, fields)
    try:
        artifact = govern.search_dataiku_item(gc, blueprint, fields, label, secrets)
        found.dataiku_id, found.fields = artifact["id"], dict(artifact.get("fields") or {})
        found.governed_by = govern.governed_by(artifact, label, names.field_governed_by)
        govern_item = govern.get_artifact(gc, found.governed_by, secrets)
        bpv = govern_item.get("blueprintVersionId") if isinstance(govern_item.get("blueprintVersionId"), dict) else {}
        found.govern_id, found.govern_name = found.governed_by, str(govern_item.get("name") or "")
        found.govern_blueprint, found.steps = str(bpv.get("blueprintId") or ""), diagnostics.workflow_steps(govern_item)
        listed = call("Govern", "listing the sign-offs of " + found.governed_by, secrets,
                      gc.get_artifact(found.governed_by).list_signoffs)
        found.signoffs = diagnostics.listed_signoffs([entry.get_raw() for entry in listed])
        if not found.signoffs and blueprint != names.bp_project:  # a standard Govern project has none
            found.problem = "its Govern item {} has no sign-off, so it cannot approve a bundle".format(found.govern_id)
    except (gate.GateError, ConfigError) as err:
        found.problem = str(err)
    return found


__all__ = ["govern_diagnostics", "STEPS"]

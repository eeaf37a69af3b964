"""govern-diagnostics: what the Govern node holds for a project, looked up exactly as the gate looks
it up (same blueprints, fields and links). Read only; it decides nothing."""
from datetime import datetime, timezone

from model_guardrails import gate
from model_guardrails.errors import ConfigError
from model_guardrails.gate import diagnostics

from .run import api_client, guarded, open_gateways, step_counter

STEPS = 4  # connect, blueprints and DSS items, Govern items, page
MAX_MODELS, MAX_VERSIONS, MAX_BUNDLES = 10, 5, 10


def govern_diagnostics(project_key, config, dss=None, progress=None, plugin_config=None):
    def work(redactor):
        source = gate.parse_govern_source(config, plugin_config)
        return _diagnose(open_gateways(api_client(dss), project_key, source, redactor), source, step_counter(progress))
    return guarded("govern-diagnostics", config, work)


def _diagnose(gw, source, advance):
    advance(1)
    try:
        blueprints, bp_error = diagnostics.dataiku_blueprints(gw.govern.list_blueprints()), ""
    except gate.GateError as err:
        blueprints, bp_error = [], str(err)
    wanted, dss_problems = _wanted(gw)
    advance(2)
    lookups = [_lookup(gw.govern, *lookup) for lookup in wanted] + dss_problems
    advance(3)
    html = diagnostics.page(gw.dss.project_key, gw.govern.node_id, source.label, gw.govern.names, blueprints, lookups,
                            bp_error, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    advance(STEPS)
    return html


def _wanted(gw):
    """[(kind, label, blueprint, searched fields)] of the project, its saved model versions and newest
    bundles; plus Lookups for what DSS itself could not list."""
    govern, names = gw.govern, gw.govern.names
    wanted, failed = [("project",) + govern.item_lookup("project")], []
    try:
        for model in gw.dss.saved_models()[:MAX_MODELS]:
            for version in gw.dss.model_versions(model["id"])[-MAX_VERSIONS:]:
                label, blueprint, fields = govern.item_lookup("saved_model_version", model["id"], version["id"])
                wanted.append(("saved_model_version", label + (" (active)" if version.get("active") else ""),
                               blueprint, fields))
    except (gate.GateError, ConfigError) as err:
        failed.append(diagnostics.Lookup("saved models", names.bp_model_version, {}, problem=str(err)))
    try:
        newest = sorted(gw.dss.list_exported(), key=lambda b: b.created_ms or 0)[-MAX_BUNDLES:]
        wanted += [("bundle",) + govern.item_lookup("bundle", b.bundle_id) for b in newest]
    except gate.GateError as err:
        failed.append(diagnostics.Lookup("bundles", names.bp_bundle, {}, problem=str(err)))
    return wanted, failed


def _lookup(govern, kind, label, blueprint, fields):
    found = diagnostics.Lookup(label, blueprint, fields)
    try:
        artifact = govern.search_dataiku_item(blueprint, fields, label)
        found.dataiku_id, found.fields = artifact["id"], dict(artifact.get("fields") or {})
        found.governed_by = govern.governed_by(artifact, label)
        govern_item = govern.get_artifact(found.governed_by)
        bpv = govern_item.get("blueprintVersionId") if isinstance(govern_item.get("blueprintVersionId"), dict) else {}
        found.govern_id, found.govern_name = found.governed_by, str(govern_item.get("name") or "")
        found.govern_blueprint, found.steps = str(bpv.get("blueprintId") or ""), diagnostics.workflow_steps(govern_item)
        found.signoffs = diagnostics.listed_signoffs(govern.listed_signoffs(found.governed_by))
        if not found.signoffs and kind != "project":  # a standard Govern project has none
            found.problem = "its Govern item {} has no sign-off, so it cannot approve a bundle".format(found.govern_id)
    except (gate.GateError, ConfigError) as err:
        found.problem = str(err)
    return found

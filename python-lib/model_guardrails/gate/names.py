"""The Govern blueprint and field ids the gate searches with (plugin settings), and the words a
refusal uses to say what Govern holds instead of what was searched."""
import dataclasses
from dataclasses import dataclass

from .. import ids, params as p


# Govern blueprints and fields (dataiku-api.md §4.1). The saved-model-version blueprint and its field ids
# are not confirmed by Dataiku's documentation: they are defaults of the plugin settings below, which an
# administrator corrects (Plugins > model-guardrails > Settings) after running govern-diagnostics.
BP_DATAIKU_PROJECT = "bp.system.dataiku_project"
BP_DATAIKU_BUNDLE = "bp.system.dataiku_bundle"
BP_DATAIKU_MODEL_VERSION = "bp.system.dataiku_saved_model_version"
FIELD_NODE_ID = "node_id"
FIELD_PROJECT_KEY = "project_key"
FIELD_BUNDLE_ID = "bundle_id"
FIELD_SAVED_MODEL_ID = "saved_model_id"
FIELD_VERSION_ID = "version_id"
FIELD_GOVERNED_BY = "governed_by"


@dataclass(frozen=True)
class GovernNames:
    """The Govern blueprint and field ids the gate searches with; each is a plugin setting whose
    name is ``govern_`` + the attribute (e.g. ``govern_bp_bundle``)."""

    bp_project: str = BP_DATAIKU_PROJECT
    bp_model_version: str = BP_DATAIKU_MODEL_VERSION
    bp_bundle: str = BP_DATAIKU_BUNDLE
    field_node_id: str = FIELD_NODE_ID
    field_project_key: str = FIELD_PROJECT_KEY
    field_saved_model_id: str = FIELD_SAVED_MODEL_ID
    field_version_id: str = FIELD_VERSION_ID
    field_bundle_id: str = FIELD_BUNDLE_ID
    field_governed_by: str = FIELD_GOVERNED_BY

    def changed(self):
        """{setting: value} of the settings that differ from their defaults."""
        default = GovernNames()
        return {"govern_" + f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}


def parse_govern_names(plugin_config):
    """The plugin settings ``govern_bp_*`` / ``govern_field_*``; empty or absent keeps the default."""
    plugin_config = plugin_config if isinstance(plugin_config, dict) else {}
    values = {}
    for f in dataclasses.fields(GovernNames):
        setting = "govern_" + f.name
        value = p.get_str(plugin_config, setting, "").strip()
        if value:
            values[f.name] = ids.check(ids.GOVERN_NAME, value, "plugin setting " + setting)
    return GovernNames(**values)


def describe_fields(fields, limit=12):
    """"; its fields are a, b, c" — what a Govern item has, for a refusal that looked for another."""
    names = sorted(str(k) for k in fields) if isinstance(fields, dict) else []
    more = " (+{} more)".format(len(names) - limit) if len(names) > limit else ""
    return "; its fields are: {}{}".format(", ".join(names[:limit]) or "none", more)


def describe_found_fields(blueprint, searched, found_fields):
    """For a search of ``blueprint`` items with ``searched`` {field: value} that found none, given the
    fields of some items of that blueprint: which searched fields they lack, or that the values differ."""
    present = set().union(*[set(f) for f in found_fields])
    lacking = [name for name in searched if name not in present]
    if lacking:
        return ("; Govern's items of blueprint {} have no field {} (they have: {}): if your Govern names it "
                "differently, set the plugin setting for it (run the govern-diagnostics macro to see the "
                "fields)".format(blueprint, ", ".join(repr(n) for n in lacking), ", ".join(sorted(present)[:15])))
    seen = sorted({str(f.get(name)) for f in found_fields for name in searched if f.get(name) is not None})
    return "; items of blueprint {} exist but none with {} (values seen: {})".format(
        blueprint, ", ".join("{}={}".format(k, v) for k, v in searched.items()), ", ".join(seen[:10]))


def describe_found_blueprints(blueprint, raw_list):
    """For a blueprint with no item at all: the Dataiku blueprints the Govern node has."""
    found = []
    for raw in raw_list:
        bp = raw.get("blueprint") if isinstance(raw, dict) else None
        if isinstance(bp, dict) and isinstance(bp.get("id"), str) and bp["id"].startswith("bp.system.dataiku_"):
            found.append(bp["id"])
    if blueprint in found:
        return "; blueprint {} exists but has no item yet".format(blueprint)
    return "; Govern has no item of blueprint {}; its Dataiku blueprints are: {}".format(
        blueprint, ", ".join(sorted(found)) or "none")

__all__ = ["BP_DATAIKU_PROJECT", "BP_DATAIKU_BUNDLE", "BP_DATAIKU_MODEL_VERSION", "FIELD_NODE_ID", "FIELD_PROJECT_KEY", "FIELD_BUNDLE_ID", "FIELD_SAVED_MODEL_ID", "FIELD_VERSION_ID", "FIELD_GOVERNED_BY", "GovernNames", "parse_govern_names", "describe_fields", "describe_found_fields", "describe_found_blueprints"]

"""The gate macros' parameters, validated: where Govern is, what to search, how to decide."""
from dataclasses import dataclass, field
from typing import Optional, Tuple
from urllib.parse import urlsplit

from .. import ids, params as p
from ..errors import ConfigError
from .bundle_ids import check_template
from .codes import DEFAULT_LONG_CALL_SECONDS, DEFAULT_STEP, DEFAULT_TEMPLATE, DEFAULT_TIMEOUT_SECONDS, \
    DEADLINE_FACTOR, DEADLINE_MAX, DEADLINE_MIN
from .names import GovernNames, parse_govern_names
from .policy import PROJECT_PARAMS, QualificationPolicy, parse_plugin_policy, parse_policy


@dataclass(frozen=True)
class GovernConnection:
    """Values of a govern-connection preset. The key is kept out of repr()."""

    govern_url: str
    api_key: str = field(repr=False)
    verify_tls: bool = True
    ca_bundle: str = ""
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS


def parse_govern_connection(raw, name="govern_connection"):
    """The preset dict DSS hands over (None when no preset was chosen)."""
    if raw is None or raw == "" or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise ConfigError(name, "<{}>".format(type(raw).__name__),
                          "a govern-connection preset (a JSON object with govern_url and api_key)")
    url = p.get_str(raw, "govern_url")
    check_url(url, name + ".govern_url")
    key = raw.get("api_key")
    if not isinstance(key, str) or not key.strip():
        # Never echo the value: it may be a mistyped secret.
        raise ConfigError(name + ".api_key", "<hidden>", "the API key of a Govern user or a Govern global API key")
    return GovernConnection(
        govern_url=url.rstrip("/"),
        api_key=key.strip(),
        verify_tls=p.get_bool(raw, "verify_tls", True),
        ca_bundle=p.get_str(raw, "ca_bundle", ""),
        timeout_seconds=p.get_float(raw, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, minimum=0.1, maximum=600),
    )


def check_url(url, name):
    """A Govern base URL. Errors never echo credentials, a query or a fragment (they may hold a key)."""
    try:
        parts = urlsplit(url if isinstance(url, str) else "")
        host = parts.hostname
    except ValueError:
        raise ConfigError(name, "<unreadable URL>", "the base URL of the Govern node") from None
    shown = "{}://{}{}{}".format(parts.scheme, (host or "") + (":{}".format(parts.port) if parts.port else ""),
                                 parts.path, "?<hidden>" if parts.query or parts.fragment else "")
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(name, shown, "the base URL of the Govern node, such as https://govern.example.com:8443")
    if parts.username or parts.password:
        raise ConfigError(name, shown, "a URL without user or password (put the key in api_key)")
    if parts.query or parts.fragment:
        raise ConfigError(name, shown, "a base URL without '?' query or '#' fragment (put the key in api_key)")
    return url


@dataclass(frozen=True)
class GovernSource:
    """Where Govern credentials come from: a preset, or the DSS-configured Govern node."""

    connection: Optional[GovernConnection]
    use_dss_govern_node: bool
    names: GovernNames = GovernNames()

    @property
    def timeout_seconds(self):
        return self.connection.timeout_seconds if self.connection else DEFAULT_TIMEOUT_SECONDS

    @property
    def deadline_seconds(self):
        return deadline_for(self.timeout_seconds)

    @property
    def label(self):
        if self.use_dss_govern_node:
            return "the Govern node configured in DSS (Administration > Settings > Govern)"
        return "preset govern_connection ({})".format(self.connection.govern_url)


# Each gate component's parameters (its JSON descriptor; a test keeps them equal). Inside DSS a config key
# that is not among them is logged as unknown, never an error (a saved configuration keeps old keys).
_SOURCE = ("use_dss_govern_node", "govern_connection")
_ITEM = ("governed_item", "saved_model_id", "saved_model_version", "signoff_step", "require_final_approval")
COMPONENT_PARAMS = {
    "create-approved-bundle": _SOURCE + _ITEM + (
        "bundle_id_template", "version", "release_notes", "evidence_datasets", "publish",
        "publish_signoff_step", "bundle_timeout_seconds", "dry_run", "audit_required") + PROJECT_PARAMS,
    "publish-approved-bundle": _SOURCE + ("signoff_step", "require_final_approval", "bundle_id",
                                          "bundle_timeout_seconds"),
    "prune-bundles": _SOURCE + ("signoff_step", "keep", "dry_run"),
    "governance-status": _SOURCE + ("signoff_step",),
    "publish-model-status": _SOURCE + ("evidence_datasets", "production_stages", "signoff_step", "govern_status_field",
                                              "max_evidence_age_hours", "dry_run"),
    "govern-diagnostics": _SOURCE,
    "govern-approval": _SOURCE + _ITEM,
    # after the gate (model_guardrails.deployments): Govern optional, for the live-in-production record
    "rollback-deployment": _SOURCE + ("deployment_id", "target_bundle_id", "force", "force_reason",
                                      "update_timeout_seconds", "dry_run"),
    "decommission-inactive": _SOURCE + ("inactive_days", "deployment_action", "disable_deployments_that_may_still_serve",
                                        "model_action",
                                        "include_models_in_use", "bundle_action", "update_timeout_seconds",
                                        "dry_run"),
}


def warn_unknown_params(config, component):
    """Keys of ``config`` the gate component does not have. One that closely matches a parameter (a
    misspelt ``dry_run`` would mean a real run) refuses the macro, naming it: the gate fails closed.
    Any other is logged and ignored."""
    config = config if isinstance(config, dict) else {}
    unknown, suggestions = p.unknown_names(config, COMPONENT_PARAMS[component])
    close = [name for name in unknown if suggestions.get(name)]
    if close:
        # the value is never shown: a misspelt govern_connection would hold an API key
        raise ConfigError(close[0], "(value not shown)", "a parameter of {} ({}); a misspelt parameter would take its "
                          "default, so the macro does not run".format(
                              component, p.describe_unknown(close, suggestions)))
    return p.warn_unknown(config, COMPONENT_PARAMS[component], component)


def deadline_for(timeout_seconds):
    return min(DEADLINE_MAX, max(DEADLINE_MIN, DEADLINE_FACTOR * timeout_seconds))


def parse_govern_source(config, plugin_config=None):
    """Where to reach Govern (the macro's config) and what to search it for (the plugin settings)."""
    use_node = p.get_bool(config, "use_dss_govern_node", False)
    connection = parse_govern_connection(config.get("govern_connection"))
    if not use_node and connection is None:
        raise ConfigError("govern_connection", config.get("govern_connection"),
                          "a govern-connection preset, or 'use_dss_govern_node' set to true (DSS administrators only)")
    return GovernSource(connection=connection, use_dss_govern_node=use_node, names=parse_govern_names(plugin_config))


def parse_step(config, name="signoff_step"):
    """A workflow step id, or "" to discover the Govern item's sign-offs."""
    step = p.get_str(config, name, DEFAULT_STEP).strip()
    return ids.check(ids.STEP_ID, step, name) if step else ""


def parse_long_call_seconds(config, name):
    return p.get_float(config, name, DEFAULT_LONG_CALL_SECONDS, minimum=1, maximum=6 * 3600)


@dataclass(frozen=True)
class GateParams:
    source: GovernSource
    governed_item: str = "saved_model_version"
    saved_model_id: str = ""
    saved_model_version: str = ""
    signoff_step: str = DEFAULT_STEP
    require_final_approval: bool = True
    bundle_id_template: str = DEFAULT_TEMPLATE
    version: str = ""
    release_notes: str = ""
    evidence_datasets: Tuple[str, ...] = ()
    policy: QualificationPolicy = field(default_factory=lambda: parse_plugin_policy(None))
    publish: bool = False
    publish_signoff_step: str = DEFAULT_STEP
    bundle_timeout_seconds: float = DEFAULT_LONG_CALL_SECONDS
    dry_run: bool = False
    audit_required: bool = True


def parse_gate_params(config, plugin_config=None):
    """create-approved-bundle's config (SPEC §5, issue item 9) to a validated GateParams."""
    source = parse_govern_source(config, plugin_config)
    item = p.get_choice(config, "governed_item", "saved_model_version", ("project", "saved_model_version"))
    model_id = p.get_str(config, "saved_model_id", "")
    model_version = p.get_str(config, "saved_model_version", "")
    if item == "saved_model_version":
        if model_id:  # empty: the project's only saved model
            ids.check(ids.SAVED_MODEL_ID, model_id, "saved_model_id")
        if model_version:
            ids.check(ids.MODEL_VERSION_ID, model_version, "saved_model_version")
    step = parse_step(config)
    template = p.get_str(config, "bundle_id_template", DEFAULT_TEMPLATE)
    version = p.get_str(config, "version", "")
    check_template(template, version)
    datasets = tuple(ids.check(ids.DATASET_NAME, name, "evidence_datasets")
                     for name in p.get_list(config, "evidence_datasets"))
    return GateParams(
        source=source, governed_item=item, saved_model_id=model_id, saved_model_version=model_version,
        signoff_step=step, require_final_approval=p.get_bool(config, "require_final_approval", True),
        bundle_id_template=template, version=version, release_notes=p.get_str(config, "release_notes", ""),
        evidence_datasets=datasets, policy=parse_policy(config, plugin_config),
        publish=p.get_bool(config, "publish", False), publish_signoff_step=parse_step(config, "publish_signoff_step"),
        bundle_timeout_seconds=parse_long_call_seconds(config, "bundle_timeout_seconds"),
        dry_run=p.get_bool(config, "dry_run", False), audit_required=p.get_bool(config, "audit_required", True),
    )

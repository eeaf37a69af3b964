"""The parameters of rollback-deployment and decommission-inactive, validated."""
from dataclasses import dataclass

from .. import ids, params as p
from ..errors import ConfigError
from ..gate import GovernSource, parse_govern_connection
from ..gate.names import parse_govern_names

DEPLOYMENT_ACTIONS = ("none", "disable")
# the opt-in that disabling needs: the only evidence of a deployment's activity is the start of its last
# update, so a stable production deployment still serving but not updated for N days looks inactive
DISABLE_OPT_IN = "disable_deployments_that_may_still_serve"
# labelling is opt-in: a bundle of the project published under another published project key, or a
# model served otherwise than through this project's API services, is not seen as "in use"
MODEL_ACTIONS = ("none", "label")
BUNDLE_ACTIONS = ("none", "delete")
DEFAULT_UPDATE_SECONDS = 600.0


def parse_optional_govern_source(config, plugin_config=None):
    """Govern is optional here (the approval record lives in DSS): a preset, the DSS-configured
    node, or neither (then the live-in-production record goes to DSS only)."""
    return GovernSource(connection=parse_govern_connection(config.get("govern_connection")),
                        use_dss_govern_node=p.get_bool(config, "use_dss_govern_node", False),
                        names=parse_govern_names(plugin_config))


def has_govern(source):
    return source.use_dss_govern_node or source.connection is not None


@dataclass(frozen=True)
class RollbackParams:
    source: GovernSource
    deployment_id: str
    target_bundle_id: str = ""
    force: bool = False
    force_reason: str = ""
    update_timeout_seconds: float = DEFAULT_UPDATE_SECONDS
    dry_run: bool = True


def parse_rollback_params(config, plugin_config=None):
    config = config if isinstance(config, dict) else {}
    deployment_id = p.get_str(config, "deployment_id", "").strip()
    if not deployment_id:
        raise ConfigError("deployment_id", deployment_id, "the id of a Project Deployer deployment of this project")
    ids.check(ids.DEPLOYMENT_ID, deployment_id, "deployment_id")
    target = p.get_str(config, "target_bundle_id", "").strip()
    if target:
        ids.check(ids.BUNDLE_ID, target, "target_bundle_id")
    force = p.get_bool(config, "force", False)
    reason = p.get_str(config, "force_reason", "").strip()
    if force and len(reason) < 10:
        raise ConfigError("force_reason", reason, "a written reason of at least 10 characters when 'force' is set")
    if force and not target:
        raise ConfigError("target_bundle_id", target, "the bundle to force (a forced rollback never picks one itself)")
    return RollbackParams(parse_optional_govern_source(config, plugin_config), deployment_id, target, force,
                          reason[:2000],
                          p.get_float(config, "update_timeout_seconds", DEFAULT_UPDATE_SECONDS, minimum=1,
                                      maximum=6 * 3600),
                          p.get_bool(config, "dry_run", True))


@dataclass(frozen=True)
class DecommissionParams:
    source: GovernSource
    inactive_days: int = 90
    deployment_action: str = "none"
    model_action: str = "none"
    include_models_in_use: bool = False
    update_timeout_seconds: float = DEFAULT_UPDATE_SECONDS
    dry_run: bool = True
    bundle_action: str = "none"


def parse_decommission_params(config, plugin_config=None):
    config = config if isinstance(config, dict) else {}
    deployment_action = p.get_choice(config, "deployment_action", "none", DEPLOYMENT_ACTIONS)
    if deployment_action == "disable" and not p.get_bool(config, DISABLE_OPT_IN, False):
        raise ConfigError(DISABLE_OPT_IN, config.get(DISABLE_OPT_IN, False),
                          "true to disable deployments: a deployment's only activity evidence is the start of its "
                          "last update, so a production deployment that still serves but was not updated for "
                          "inactive_days is disabled too (and what disabling + updating does on the Automation node "
                          "is UNCONFIRMED)")
    return DecommissionParams(
        parse_optional_govern_source(config, plugin_config),
        p.get_int(config, "inactive_days", 90, minimum=1, maximum=3650),
        deployment_action,
        p.get_choice(config, "model_action", "none", MODEL_ACTIONS),
        p.get_bool(config, "include_models_in_use", False),
        p.get_float(config, "update_timeout_seconds", DEFAULT_UPDATE_SECONDS, minimum=1, maximum=6 * 3600),
        p.get_bool(config, "dry_run", True),
        p.get_choice(config, "bundle_action", "none", BUNDLE_ACTIONS))

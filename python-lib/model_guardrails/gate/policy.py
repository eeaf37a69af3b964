"""The qualification policy of create-approved-bundle (issue 17): which rules a bundle must pass
beside the Govern sign-off, each ``required`` (a FAIL refuses), ``warn`` (a FAIL is reported as
WARN and does not refuse) or ``off`` (NOT APPLICABLE), with the bounds of the evidence rule.

An administrator defines it once for the instance in the **plugin settings** (plugin.json params
``policy_<field>``, handed to the macro as ``plugin_config``); empty settings mean the defaults
below. A project cannot choose another policy: its macro parameters can only **tighten** this
one — a stricter bound, a warn rule made required, a rule or evidence kind added as required, a
shorter list of allowed code environments, more blocking tags. Anything that would loosen it is a
ConfigError naming the parameter — a project cannot disable a rule or relax a bound.

The evidence bounds are *qualification* bounds, stricter than monitoring ones by design (qualify
at roc_auc 0.90, alert in production below 0.88)."""
from dataclasses import dataclass, replace
from typing import Dict, Tuple

from .. import ids, params as p
from ..errors import ConfigError

EVIDENCE, SENSITIVITY, CODE_ENV, ROLLBACK, MODEL_CARD, DECISION_TRAIL = (
    "evidence", "sensitivity_tags", "code_env", "rollback", "model_card", "decision_trail")
RULES = (EVIDENCE, SENSITIVITY, CODE_ENV, ROLLBACK, MODEL_CARD, DECISION_TRAIL)
OFF, WARN_ONLY, REQUIRED = "off", "warn", "required"
LEVELS = (OFF, WARN_ONLY, REQUIRED)  # loosest first
DRIFT_LEVELS = ("ERROR", "WARNING")  # the drift-check outcome that fails: ERROR, or already WARNING (stricter)
SCOPES = ("saved_model", "project_outputs")
EVIDENCE_KINDS = ("drift", "fairness", "performance")
NONE = "none"  # the value that switches off the version label or the blocking classes
PLUGIN_PREFIX = "policy_"  # plugin.json names each policy field policy_<field>

DEFAULT_LEVELS = {EVIDENCE: REQUIRED, SENSITIVITY: WARN_ONLY, CODE_ENV: REQUIRED, ROLLBACK: WARN_ONLY,
                  MODEL_CARD: WARN_ONLY, DECISION_TRAIL: REQUIRED}
DEFAULT_VOCABULARY = ("sensitivity:none", "sensitivity:PII", "sensitivity:PHI", "sensitivity:PCI")
DEFAULT_BLOCKING = ("sensitivity:PHI",)
DEFAULT_EXEMPTION = "sensitivity:exempt"
DEFAULT_LABEL = "v{version}-prod-candidate"
BUILTIN_ENV = "(DSS built-in environment)"  # how the allowed list and the code-env rule name the built-in env


def _check_env(name, field):
    return name if name == BUILTIN_ENV else ids.check(ids.CODE_ENV_NAME, name, field)


def level_param(rule):
    return rule + "_level"


@dataclass(frozen=True)
class QualificationPolicy:
    levels: Dict[str, str]
    drift_fails_on: str = "ERROR"
    min_disparate_impact: float = 0.8
    min_roc_auc: float = 0.90
    max_auc_drop: float = 0.05                 # relative to the baseline recorded by evaluate-model
    evidence_warning_fails: bool = False
    sensitivity_vocabulary: Tuple[str, ...] = DEFAULT_VOCABULARY
    sensitivity_blocking: Tuple[str, ...] = DEFAULT_BLOCKING
    sensitivity_exemption: str = DEFAULT_EXEMPTION
    sensitivity_scope: str = "saved_model"
    allowed_code_envs: Tuple[str, ...] = ()    # empty: the code-env rule is NOT APPLICABLE
    model_card_folder: str = ""
    version_label: str = DEFAULT_LABEL         # empty: no label is set on the saved model version
    required_evidence: Tuple[str, ...] = EVIDENCE_KINDS  # each needs a named metrics dataset of that kind
    preset: str = "built-in defaults"          # where the policy came from, for the report ("plugin settings")

    def level(self, rule):
        return self.levels.get(rule, OFF)

    def describe_bound(self, kind):
        """The policy's bound on one kind of evidence, as every page that shows it says it."""
        return {"drift": "no drift-check {} (policy)".format(
                    "ERROR" if self.drift_fails_on == "ERROR" else "WARNING or ERROR"),
                "fairness": "disparate_impact >= {:g} (policy)".format(self.min_disparate_impact),
                "performance": "roc_auc >= {:g} and at most {:g}% below baseline (policy)".format(
                    self.min_roc_auc, 100 * self.max_auc_drop)}[kind]


# The policy's fields; plugin.json holds each as policy_<field> (a test keeps them equal).
POLICY_FIELDS = tuple(level_param(r) for r in RULES) + (
    "drift_fails_on", "min_disparate_impact", "min_roc_auc", "max_auc_drop", "evidence_warning_fails",
    "required_evidence", "sensitivity_vocabulary", "sensitivity_blocking_tags", "sensitivity_exemption_tag",
    "sensitivity_scope", "allowed_code_envs", "version_label")
PLUGIN_PARAMS = tuple(PLUGIN_PREFIX + name for name in POLICY_FIELDS)
# The project's tightening parameters of create-approved-bundle.
PROJECT_PARAMS = ("required_rules", "required_evidence", "min_roc_auc", "min_disparate_impact", "drift_fails_on",
                  "max_auc_drop", "evidence_allow_warning", "allowed_code_envs", "sensitivity_blocking_tags",
                  "model_card_folder")


def _tags(config, name, default):
    value = config.get(name)
    if value is None or value == "" or value == []:
        return tuple(default)
    items = value if isinstance(value, list) else str(value).replace("\n", ",").split(",")
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(name, item, "a list of texts")
        if item.strip():
            out.append(item.strip())
    return tuple(dict.fromkeys(out))


def _policy_settings(plugin_config):
    """{field: value} of the plugin settings' policy_<field> entries; ConfigError naming an unknown one."""
    plugin_config = plugin_config if isinstance(plugin_config, dict) else {}
    raw = {k[len(PLUGIN_PREFIX):]: v for k, v in plugin_config.items()
           if isinstance(k, str) and k.startswith(PLUGIN_PREFIX)}
    unknown, suggestions = p.unknown_names(raw, POLICY_FIELDS)
    if unknown:
        raise ConfigError("plugin setting " + PLUGIN_PREFIX + unknown[0], "(value not shown)", "a field of the "
                          "qualification policy ({})".format(p.describe_unknown(unknown, suggestions)))
    return raw


def _switchable(raw, name, default):
    """A text whose value 'none' switches the feature off (returns ""), empty giving ``default``."""
    value = p.get_str(raw, name, default)
    return "" if value.lower() == NONE else value


def parse_plugin_policy(plugin_config):
    """The binding policy: the plugin settings (``plugin_config``; empty: the defaults)."""
    raw = _policy_settings(plugin_config)
    if not any(v not in (None, "", []) for v in raw.values()):
        return QualificationPolicy(levels=dict(DEFAULT_LEVELS))
    name = "plugin setting " + PLUGIN_PREFIX
    levels = {r: p.get_choice(raw, level_param(r), DEFAULT_LEVELS[r], LEVELS) for r in RULES}
    envs = _tags(raw, "allowed_code_envs", ())
    for env in envs:
        _check_env(env, name + "allowed_code_envs")
    blocking = _tags(raw, "sensitivity_blocking_tags", DEFAULT_BLOCKING)
    return QualificationPolicy(
        levels=levels,
        drift_fails_on=p.get_choice(raw, "drift_fails_on", "ERROR", DRIFT_LEVELS),
        min_disparate_impact=p.get_float(raw, "min_disparate_impact", 0.8, minimum=0.0, maximum=1.0),
        min_roc_auc=p.get_float(raw, "min_roc_auc", 0.90, minimum=0.0, maximum=1.0),
        max_auc_drop=p.get_float(raw, "max_auc_drop", 0.05, minimum=0.0, maximum=1.0),
        evidence_warning_fails=p.get_bool(raw, "evidence_warning_fails", False),
        required_evidence=tuple(p.get_list(raw, "required_evidence", EVIDENCE_KINDS)) or EVIDENCE_KINDS,
        sensitivity_vocabulary=_tags(raw, "sensitivity_vocabulary", DEFAULT_VOCABULARY),
        sensitivity_blocking=() if tuple(b.lower() for b in blocking) == (NONE,) else blocking,
        sensitivity_exemption=p.get_str(raw, "sensitivity_exemption_tag", DEFAULT_EXEMPTION),
        sensitivity_scope=p.get_choice(raw, "sensitivity_scope", "saved_model", SCOPES),
        allowed_code_envs=envs,
        version_label=_switchable(raw, "version_label", DEFAULT_LABEL),
        preset="plugin settings",
    )


def _looser(field, given, policy_value, expected):
    return ConfigError(field, given, "{} (the qualification policy's value is {}: a project can only tighten "
                       "the policy)".format(expected, policy_value))


def parse_policy(config, plugin_config=None):
    """The policy in force for one macro run: the plugin settings' policy (:func:`parse_plugin_policy`)
    tightened by the project's parameters. ConfigError naming the parameter for anything that would
    loosen it."""
    policy = parse_plugin_policy(plugin_config)
    levels = dict(policy.levels)
    for rule in p.get_list(config, "required_rules", RULES):
        levels[rule] = REQUIRED
    changes = {"levels": levels}
    kinds = p.get_list(config, "required_evidence", EVIDENCE_KINDS)
    if kinds:
        changes["required_evidence"] = tuple(k for k in EVIDENCE_KINDS if k in policy.required_evidence or k in kinds)
    for name, attr in (("min_roc_auc", "min_roc_auc"), ("min_disparate_impact", "min_disparate_impact")):
        value = p.get_float(config, name, None, minimum=0.0, maximum=1.0)
        if value is not None:
            if value < getattr(policy, attr):
                raise _looser(name, value, getattr(policy, attr), "a bound of at least the policy's")
            changes[attr] = value
    drop = p.get_float(config, "max_auc_drop", None, minimum=0.0, maximum=1.0)
    if drop is not None:
        if drop > policy.max_auc_drop:
            raise _looser("max_auc_drop", drop, policy.max_auc_drop, "a drop of at most the policy's")
        changes["max_auc_drop"] = drop
    drift = p.get_str(config, "drift_fails_on", "")
    if drift:
        drift = p.get_choice(config, "drift_fails_on", "ERROR", DRIFT_LEVELS)
        if drift == "ERROR" and policy.drift_fails_on == "WARNING":
            raise _looser("drift_fails_on", drift, policy.drift_fails_on, "WARNING")
        changes["drift_fails_on"] = drift
    if not p.get_bool(config, "evidence_allow_warning", True):
        changes["evidence_warning_fails"] = True
    envs = _tags(config, "allowed_code_envs", ())
    if envs:
        for env in envs:
            _check_env(env, "allowed_code_envs")
        wider = [e for e in envs if policy.allowed_code_envs and e not in policy.allowed_code_envs]
        if wider:
            raise _looser("allowed_code_envs", wider[0], ", ".join(policy.allowed_code_envs),
                          "code environments among the policy's")
        changes["allowed_code_envs"] = envs
    extra = _tags(config, "sensitivity_blocking_tags", ())
    if extra:
        changes["sensitivity_blocking"] = tuple(dict.fromkeys(policy.sensitivity_blocking + extra))
    folder = p.get_str(config, "model_card_folder", "")
    if folder:
        changes["model_card_folder"] = ids.check(ids.FOLDER_ID, folder, "model_card_folder")
    return replace(policy, **changes)

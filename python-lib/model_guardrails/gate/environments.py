"""The code-environment rule (pure): the project's Python code env and the saved model's are in the
policy's allowed list, when one is given (no list: NOT APPLICABLE).

Sources (dataiku-api-client 12.6.4 … 15.2.0): the project's ``get_settings().get_raw()
["settings"]["codeEnvs"]["python"]`` (``mode`` INHERIT / USE_BUILTIN_MODE / EXPLICIT_ENV,
``envName``; ``dataikuapi/dss/project.py`` DSSProjectSettings); INHERIT resolves through
``client.get_general_settings()`` ``codeEnvs.defaultPythonEnv``, an admin-only read; the saved
model's through its origin ML task's settings ``envSelection`` (``envMode``, ``envName``), where
INHERIT means the **project's** code env (resolved as above), not the instance default. What
cannot be resolved FAILs when a list is given, saying why.

The ML task's settings are its *current* ones: the public API does not say which code env a
saved model version was trained with, so the rule judges what the next training would use, not
necessarily what the version was trained with (said in the row's source)."""
from dataclasses import dataclass
from typing import Optional

from .results import FAIL, NOT_APPLICABLE, PASS, RuleResult
from .policy import BUILTIN_ENV, CODE_ENV

@dataclass(frozen=True)
class CodeEnvFacts:
    project: Optional[dict] = None       # codeEnvs.python of the project settings
    project_error: str = ""
    instance_default: Optional[str] = None  # "" = the built-in env; None = not resolved (why in default_error)
    # (read only when the project INHERITs; an ML task's INHERIT means the project's env)
    default_error: str = ""
    saved_model: Optional[dict] = None   # envSelection of the saved model's origin ML task
    saved_model_error: str = ""


def resolve(selection, mode_key, inherited, inherit_error, inherits_what="the instance default", verb="read"):
    """(env name, why unresolved): BUILTIN_ENV for the built-in env; None with a reason otherwise.
    INHERIT takes ``inherited`` ("" = the built-in env; None: unresolved, why in ``inherit_error``)."""
    if not isinstance(selection, dict):
        return None, "no code env selection"
    mode = selection.get(mode_key)
    if mode == "EXPLICIT_ENV":
        name = selection.get("envName")
        return (name, "") if isinstance(name, str) and name else (None, "EXPLICIT_ENV without envName")
    if mode == "USE_BUILTIN_MODE":
        return BUILTIN_ENV, ""
    if mode == "INHERIT":
        if inherited is None:
            return None, "inherits {}, which could not be {} ({})".format(
                inherits_what, verb, inherit_error or "admin rights needed")
        return inherited or BUILTIN_ENV, ""
    return None, "unknown mode {!r}".format(mode)


def judge(facts, policy):
    source = ("project settings codeEnvs.python; the saved model's origin ML task envSelection (its current "
              "settings, not necessarily what the version was trained with; INHERIT: the project's env)")
    if not policy.allowed_code_envs:
        return RuleResult(CODE_ENV, NOT_APPLICABLE, "no allowed list in the policy", "", source)
    bound = "one of " + ", ".join(policy.allowed_code_envs)
    facts = facts or CodeEnvFacts(project_error="not fetched", saved_model_error="not fetched")
    found, problems = [], []
    if facts.project is None:
        project, project_why = None, "not read: " + (facts.project_error or "not fetched")
    else:
        project, project_why = resolve(facts.project, "mode", facts.instance_default, facts.default_error)
    for what, raw, error in (("project", facts.project, facts.project_error),
                             ("saved model", facts.saved_model, facts.saved_model_error)):
        if raw is None:
            problems.append("{} code env unresolvable: {}".format(what, error or "not read"))
            continue
        if what == "project":
            name, why = project, project_why
        else:
            name, why = resolve(raw, "envMode", project, project_why, "the project's code env", "resolved")
        if name is None:
            problems.append("{} code env unresolvable: {}".format(what, why))
        elif name not in policy.allowed_code_envs:
            problems.append("{} code env {} is not allowed".format(what, name))
        else:
            found.append("{} {}".format(what, name))
    if problems:
        return RuleResult(CODE_ENV, FAIL, "; ".join(problems + found), bound, source)
    return RuleResult(CODE_ENV, PASS, "; ".join(found), bound, source)

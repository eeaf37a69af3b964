"""The local flow: which dataset / folder names map to which files, plus the component's
configuration. Filled by dss_local.runtime before a component runs."""
import os

PROJECT_KEY = os.environ.get("DKU_CURRENT_PROJECT_KEY", "LOCAL")

state = {
    "inputs": [],          # [{"role", "fullName", "smartName", "kind"}]
    "outputs": [],
    "paths": {},           # fullName -> filesystem path
    "append": set(),       # fullNames written in append mode
    "recipe_config": {},
    "plugin_config": {},
    "resource_folder": "",
    "api_client": None,    # factory returning a dataikuapi.DSSClient
    "in_flow": False,      # True while a recipe runs: DSS's dataiku.core.flow.FLOW is set
}


def full_name(name):
    return name if "." in name else "{}.{}".format(PROJECT_KEY, name)


def role_of(full):
    """(readable, writable) of a dataset inside a recipe: DSS reads only declared inputs and
    writes only declared outputs (public copy of DSS 9.0.5 dataiku/core/dataset.py, Dataset.__init__)."""
    return (any(item["fullName"] == full for item in state["inputs"]),
            any(item["fullName"] == full for item in state["outputs"]))


def path_of(name, kind):
    full = full_name(name)
    try:
        return state["paths"][full]
    except KeyError:
        known = ", ".join(sorted(state["paths"])) or "none"
        raise ValueError("{} '{}' is not part of this local flow (known: {}).".format(
            kind, name, known)) from None

"""Local ``dataiku.customrecipe``: roles and configuration of the running recipe (public copy of
DSS 9.0.5, badribaindla/dataiku-soft@95bd4d95 dataiku-dss-9.0.5/python/dataiku/customrecipe/__init__.py:
roles come from the Flow spec and the configs are parsed from JSON at each call, so they exist only
inside a recipe and a caller's changes to a returned dict are not seen by the next call)."""
import copy

from . import _flow


def _recipe_state(key):
    if not _flow.state["in_flow"]:
        raise Exception("dataiku.customrecipe is only available inside a recipe (DSS reads the recipe's Flow "
                        "spec and configuration from its environment)")
    return _flow.state[key]


def _names(items, full, role=None):
    return [item["fullName" if full else "smartName"] for item in items if role is None or item["role"] == role]


def get_input_names(full=True):
    return _names(_recipe_state("inputs"), full)


def get_output_names(full=True):
    return _names(_recipe_state("outputs"), full)


def get_input_names_for_role(role, full=True):
    return _names(_recipe_state("inputs"), full, role)


def get_output_names_for_role(role, full=True):
    return _names(_recipe_state("outputs"), full, role)


def get_recipe_config():
    return copy.deepcopy(_recipe_state("recipe_config"))


def get_plugin_config():
    return copy.deepcopy(_recipe_state("plugin_config"))


def get_recipe_resource():
    return _recipe_state("resource_folder")

"""Local ``dataiku.customrecipe``: roles and configuration of the running recipe."""
from . import _flow


def _names(items, role, full):
    return [item["fullName"] if full else item["smartName"] for item in items if item["role"] == role]


def get_input_names_for_role(role, full=True):
    return _names(_flow.state["inputs"], role, full)


def get_output_names_for_role(role, full=True):
    return _names(_flow.state["outputs"], role, full)


def get_input_names(full=True):
    return [item["fullName"] if full else item["smartName"] for item in _flow.state["inputs"]]


def get_output_names(full=True):
    return [item["fullName"] if full else item["smartName"] for item in _flow.state["outputs"]]


def get_recipe_config():
    return _flow.state["recipe_config"]


def get_plugin_config():
    return _flow.state["plugin_config"]


def get_recipe_resource():
    return _flow.state["resource_folder"]

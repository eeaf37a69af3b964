"""Identifiers that end up inside public-API URLs.

The ``dataikuapi`` client inserts ids into paths with ``%`` formatting, unescaped: a ``/``, ``?``,
``#`` or ``%`` in a bundle id or artifact id silently changes which endpoint is called. Every id
is checked here before any adapter puts it into a URL.
"""
import re

from .errors import ConfigError

# DSS project keys: letters, digits, underscores.
PROJECT_KEY = re.compile(r"^[A-Za-z0-9_]{1,100}$")
# Bundle ids we create or delete: starts with a letter or digit; then letters, digits, '.', '_', '-'.
BUNDLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Govern artifact ids look like "ar.1337"; workflow step ids like "review".
ARTIFACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
STEP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SAVED_MODEL_ID = re.compile(r"^[A-Za-z0-9_]{1,100}$")
MODEL_VERSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DATASET_NAME = re.compile(r"^[A-Za-z0-9_]{1,200}$")
DEPLOYMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
AUDIT_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

_DESCRIPTIONS = {
    PROJECT_KEY: "a DSS project key (letters, digits and underscores)",
    BUNDLE_ID: "a bundle id of at most 100 characters: letters, digits, '.', '_' and '-', "
               "starting with a letter or digit (no '/', '?', '#', '%' or spaces)",
    ARTIFACT_ID: "a Govern artifact id such as 'ar.12' (letters, digits, '.', '_', '-')",
    STEP_ID: "a Govern workflow step id such as 'review' (letters, digits, '.', '_', '-')",
    SAVED_MODEL_ID: "a saved model id (letters, digits and underscores)",
    MODEL_VERSION_ID: "a saved model version id (letters, digits, '.', '_', '-')",
    DATASET_NAME: "a dataset name of this project (letters, digits and underscores)",
    DEPLOYMENT_ID: "a Project Deployer deployment id (letters, digits, '.', '_', '-')",
    AUDIT_TYPE: "an audit message type (letters, digits, '.', '_', '-')",
}


def is_valid(pattern, value):
    return isinstance(value, str) and pattern.match(value) is not None


def check(pattern, value, field):
    """``value`` if it matches ``pattern``; else ConfigError naming ``field``."""
    if not is_valid(pattern, value):
        raise ConfigError(field, value, _DESCRIPTIONS[pattern])
    return value

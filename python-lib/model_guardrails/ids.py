"""Identifiers that end up inside public-API URLs.

The ``dataikuapi`` client inserts ids into paths with ``%`` formatting, unescaped: a ``/``, ``?``,
``#`` or ``%`` in a bundle id or artifact id silently changes which endpoint is called. Every id
is checked here before any adapter puts it into a URL.
"""
import re

from .errors import ConfigError


class IdKind:
    """A kind of identifier: its pattern and how an error message describes it. (Kinds with the same
    pattern stay distinct: ``re.compile`` returns one cached object for equal patterns.)"""

    def __init__(self, pattern, description):
        self.regex = re.compile(pattern)
        self.description = description

    def match(self, value):
        return self.regex.match(value)

    def __repr__(self):
        return "IdKind({!r})".format(self.description)


_DOTTED = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_DOTTED_LONG = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"

PROJECT_KEY = IdKind(r"^[A-Za-z0-9_]{1,100}$", "a DSS project key (letters, digits and underscores)")
# Bundle ids we create or delete: starts with a letter or digit; then letters, digits, '.', '_', '-'.
BUNDLE_ID = IdKind(_DOTTED, "a bundle id of at most 100 characters: letters, digits, '.', '_' and '-', "
                            "starting with a letter or digit (no '/', '?', '#', '%' or spaces)")
# Govern artifact ids look like "ar.1337"; workflow step ids like "review".
ARTIFACT_ID = IdKind(_DOTTED_LONG, "a Govern artifact id such as 'ar.12' (letters, digits, '.', '_', '-')")
STEP_ID = IdKind(_DOTTED, "a Govern workflow step id such as 'review' (letters, digits, '.', '_', '-')")
SAVED_MODEL_ID = IdKind(r"^[A-Za-z0-9_]{1,100}$", "a saved model id (letters, digits and underscores)")
MODEL_VERSION_ID = IdKind(_DOTTED, "a saved model version id (letters, digits, '.', '_', '-')")
DATASET_NAME = IdKind(r"^[A-Za-z0-9_]{1,200}$", "a dataset name of this project (letters, digits and underscores)")
DEPLOYMENT_ID = IdKind(_DOTTED_LONG, "a Project Deployer deployment id (letters, digits, '.', '_', '-')")
FOLDER_ID = IdKind(r"^[A-Za-z0-9_]{1,100}$", "a managed folder id of this project (letters, digits and underscores)")
CODE_ENV_NAME = IdKind(_DOTTED, "a code environment name (letters, digits, '.', '_', '-')")
# A Model Evaluation Store id ("7vFZWNck" in Dataiku's examples; DSS generates letters and digits).
EVALUATION_STORE_ID = IdKind(r"^[A-Za-z0-9_]{1,100}$", "a Model Evaluation Store id of this project, as shown in "
                                                      "its URL (letters, digits and underscores)")
# A Model Evaluation id, as a store lists it (DSS generates letters and digits; custom ones are given
# to add_custom_model_evaluation): it goes into the evaluation's URL.
EVALUATION_ID = IdKind(_DOTTED_LONG, "a model evaluation id (letters, digits, '.', '_', '-')")
AUDIT_TYPE = IdKind(_DOTTED, "an audit message type (letters, digits, '.', '_', '-')")
# A Govern blueprint or field id (bp.system.dataiku_bundle, bundle_id): a search filter value.
GOVERN_NAME = IdKind(_DOTTED_LONG, "a Govern blueprint or field id such as 'bp.system.dataiku_bundle' or "
                                   "'bundle_id' (letters, digits, '.', '_', '-')")


def is_valid(kind, value):
    return isinstance(value, str) and kind.match(value) is not None


def check(kind, value, field):
    """``value`` if it is a valid ``kind``; else ConfigError naming ``field``."""
    if not is_valid(kind, value):
        raise ConfigError(field, value, kind.description)
    return value

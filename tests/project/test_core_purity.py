"""The core package must never import dataiku or an HTTP library (SPEC §1)."""
import ast
import os
import subprocess
import sys

import pytest
import helpers

ROOT = helpers.ROOT
CORE = os.path.join(ROOT, "python-lib", "model_guardrails")
FORBIDDEN = ("dataiku", "dataikuapi", "requests", "urllib3", "http.client")


def test_core_modules_import_without_dataiku_or_http():
    modules = sorted(
        "model_guardrails." + os.path.relpath(os.path.join(root, name), CORE)[:-3].replace(os.sep, ".")
        for root, _, files in os.walk(CORE) for name in files
        if name.endswith(".py") and name != "__init__.py"
    )
    assert modules, "no core module found"
    code = (
        "import sys, importlib\n"
        "for m in {!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('dataiku', 'dataikuapi', 'requests', 'urllib3') "
        "or m == 'http.client']\n"
        "print(','.join(sorted(bad)))\n"
    ).format(modules)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python-lib"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", "core imports forbidden modules: " + out.stdout


def forbidden_imports(source):
    """The modules a source imports (import a.b, from a import b, from a.b import c) that are or sit
    under a forbidden one: ``import http.client`` and ``from http import client`` both name http.client."""
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported += [node.module] + ["{}.{}".format(node.module, alias.name) for alias in node.names]
    return [name for name in imported if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)]


@pytest.mark.parametrize("source", ["import http.client", "import os, http.client as hc", "from http import client",
                                    "from http.client import HTTPSConnection", "import dataiku",
                                    "from dataikuapi import DSSClient", "def f():\n    import requests.adapters",
                                    "import urllib3"])
def test_forbidden_imports_are_recognised(source):
    assert forbidden_imports(source), source


@pytest.mark.parametrize("source", ["import http", "from http import HTTPStatus", "import dataiku_tools",
                                    "from . import requests", "import json  # not requests"])
def test_allowed_imports_are_not_flagged(source):
    assert not forbidden_imports(source), source


def test_core_source_never_imports_forbidden_modules():
    for root, _, files in os.walk(CORE):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    found = forbidden_imports(f.read())
                assert not found, "{}: imports {}".format(os.path.join(root, name), ", ".join(found))

"""The plugin as DSS sees it: descriptors parse, ids and roles are the contract's, the zip ships
only what DSS needs."""
import glob
import json
import os
import re
import shutil
import subprocess
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    with open(os.path.join(ROOT, path)) as f:
        return json.load(f)


def test_plugin_descriptor():
    plugin = load("plugin.json")
    assert plugin["id"] == "model-guardrails"
    assert re.fullmatch(r"\d+\.\d+\.\d+", plugin["version"])
    for key in ("label", "description", "author", "icon", "tags", "licenseInfo"):
        assert plugin["meta"].get(key), key


def test_code_env_interpreters_cover_the_test_python():
    import sys

    desc = load("code-env/python/desc.json")
    assert "PYTHON{}{}".format(*sys.version_info[:2]) in desc["acceptedPythonInterpreters"]
    assert desc["installCorePackages"] is True


COMPONENT_FILES = {"custom-recipes": ("recipe.json", "recipe.py"), "python-checks": ("check.json", "check.py"),
                   "python-runnables": ("runnable.json", "runnable.py"), "python-probes": ("probe.json", "probe.py")}


@pytest.mark.parametrize("kind", sorted(COMPONENT_FILES))
def test_components_are_complete_and_params_well_formed(kind):
    descriptor, code = COMPONENT_FILES[kind]
    for folder in glob.glob(os.path.join(ROOT, kind, "*")):
        assert os.path.isfile(os.path.join(folder, code)), folder
        spec = load(os.path.join(folder, descriptor))
        assert spec["meta"]["label"] and spec["meta"].get("description"), folder
        names = [p["name"] for p in spec.get("params", []) if p["type"] != "SEPARATOR"]
        assert len(names) == len(set(names)), folder
        for param in spec.get("params", []):
            assert param.get("label"), (folder, param)
            if param["type"] in ("SELECT", "MULTISELECT"):
                assert param["selectChoices"], (folder, param["name"])


def test_compute_drift_contract_names():
    recipe = load("custom-recipes/compute-drift/recipe.json")
    assert [r["name"] for r in recipe["inputRoles"]] == ["reference", "current"]
    roles = {r["name"]: r for r in recipe["outputRoles"]}
    assert recipe["outputRoles"][0]["name"] == "metrics" and recipe["outputRoles"][0]["required"]
    for optional_folder in ("profile", "report"):
        assert not roles[optional_folder]["required"] and roles[optional_folder]["acceptsManagedFolder"]
    names = {p.get("name") for p in recipe["params"]}
    assert {"columns", "excluded_columns", "numeric_columns", "categorical_columns", "methods", "convention",
            "psi_bins", "multiple_testing"} <= names


@pytest.mark.skipif(not shutil.which("git") or not os.path.isdir(os.path.join(ROOT, ".git")), reason="needs a git checkout")
def test_plugin_zip_ships_only_what_dss_needs():
    subprocess.run(["make", "-s", "plugin"], cwd=ROOT, check=True, capture_output=True)
    version = load("plugin.json")["version"]
    with zipfile.ZipFile(os.path.join(ROOT, "dist", "dss-plugin-model-guardrails-{}.zip".format(version))) as z:
        names = z.namelist()
    assert "plugin.json" in names and "custom-recipes/compute-drift/recipe.py" in names
    assert not [n for n in names if n.startswith(("tests/", "dss_local/", "bench/", "demo/", ".ci/", ".venv/"))]


@pytest.mark.parametrize("recipe_id", ["compute-drift", "compute-fairness", "evaluate-model"])
def test_recipes_have_an_optional_report_folder_role(recipe_id):
    roles = {r["name"]: r for r in load("custom-recipes/{}/recipe.json".format(recipe_id))["outputRoles"]}
    report = roles["report"]
    assert report["acceptsManagedFolder"] is True and report["acceptsDataset"] is False
    assert report["required"] is False and report["arity"] == "UNARY"

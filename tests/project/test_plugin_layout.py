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
import helpers

ROOT = helpers.ROOT


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


def test_pyproject_license_is_an_spdx_expression():
    """setuptools deprecates `project.license` as a table (removal from February 2027); the SPDX string
    form needs setuptools 77 or later to build."""
    tomllib = pytest.importorskip("tomllib")
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        pyproject = tomllib.load(f)
    assert pyproject["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in pyproject["build-system"]["requires"]


def _git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com"] + list(args),
                          cwd=str(cwd), check=True, capture_output=True, text=True).stdout


@pytest.fixture
def committed_copy(tmp_path):
    """A git repository under tmp_path holding this working tree's files (tracked and untracked, not
    ignored), committed: `make plugin` runs there, so the test writes nothing into the checkout."""
    repo = tmp_path / "repo"
    for rel in _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0"):
        if rel and os.path.isfile(os.path.join(ROOT, rel)):
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.join(ROOT, rel), str(repo / rel))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot")
    return repo


def make_plugin(repo, dist):
    return subprocess.run(["make", "-s", "plugin", "DIST={}".format(dist)], cwd=str(repo), capture_output=True,
                          text=True)


NEEDS_GIT = pytest.mark.skipif(not shutil.which("git") or not shutil.which("make") or
                               not os.path.exists(os.path.join(ROOT, ".git")), reason="needs git, make and a checkout")


@NEEDS_GIT
def test_plugin_zip_ships_only_what_dss_needs(committed_copy, tmp_path):
    dist = tmp_path / "out"
    done = make_plugin(committed_copy, dist)
    assert done.returncode == 0, done.stderr
    version = load("plugin.json")["version"]
    assert os.listdir(str(dist)) == ["dss-plugin-model-guardrails-{}.zip".format(version)]
    with zipfile.ZipFile(str(dist / "dss-plugin-model-guardrails-{}.zip".format(version))) as z:
        names = z.namelist()
        readme = z.read("README.md").decode("utf-8")
    assert "plugin.json" in names and "custom-recipes/compute-drift/recipe.py" in names
    assert not [n for n in names if n.startswith(("tests/", "dss_local/", "bench/", "demo/", ".ci/", ".venv/",
                                                   "dss/", "docs/"))]
    with open(os.path.join(ROOT, "dss", "README.md"), encoding="utf-8") as f:
        assert readme == f.read()  # the DSS users' README, not the developers'


@NEEDS_GIT
@pytest.mark.parametrize("change", ["modified", "untracked", "user_readme"])
def test_plugin_refuses_when_a_shipped_path_differs_from_the_commit(committed_copy, tmp_path, change):
    path = {"modified": "python-lib/model_guardrails/__init__.py", "untracked": "custom-recipes/compute-drift/new.py",
            "user_readme": "dss/README.md"}[change]
    with open(str(committed_copy / path), "a") as f:
        f.write("\n# not committed\n")
    (committed_copy / "tests" / "scratch.txt").write_text("not shipped: does not block")
    dist = tmp_path / "out"
    done = make_plugin(committed_copy, dist)
    assert done.returncode != 0
    assert path in done.stderr and "Commit" in done.stderr
    assert "tests/scratch.txt" not in done.stderr
    assert not dist.exists() or not os.listdir(str(dist))


def _rendered_default(param):
    """How dss/README.md writes a parameter's default: the JSON value as text, a list as its items,
    or, when shorter, "all but" the choices left out."""
    value = param.get("defaultValue")
    if isinstance(value, bool):
        return {"true" if value else "false"}
    if isinstance(value, list):
        left_out = [c["value"] for c in param.get("selectChoices", []) if c["value"] not in value]
        return {", ".join(value), "all but " + ", ".join(left_out)}
    return {"" if value in (None, "") else str(value)}


def test_dss_readme_names_every_component_role_and_parameter_with_its_default():
    with open(os.path.join(ROOT, "dss", "README.md"), encoding="utf-8") as f:
        text = " ".join(f.read().split())
    defaults = {}
    descriptors = [os.path.join(ROOT, "plugin.json")] + [
        path for kind in ("custom-recipes", "python-checks", "python-probes", "python-runnables",
                          "python-project-standards-check-specs", "parameter-sets")
        for path in glob.glob(os.path.join(ROOT, kind, "*", "*.json"))]
    for path in descriptors:
        spec = load(path)
        if path.endswith(os.sep + "plugin.json"):
            names = []
        else:
            names = [os.path.basename(os.path.dirname(path))]
        names += [r["name"] for r in spec.get("inputRoles", []) + spec.get("outputRoles", [])]
        for param in spec.get("params", []):
            if param["type"] != "SEPARATOR":
                names.append(param["name"])
                defaults.setdefault(param["name"], set()).update(_rendered_default(param))
        missing = [n for n in names if "`{}`".format(n) not in text]
        assert not missing, (path, missing)
    written = re.findall(r"`(\w+)` \(([^)]*)\)", text)
    wrong = [(name, value, defaults[name]) for name, value in written if name in defaults
             and value not in defaults[name]]
    assert written and not wrong


@pytest.mark.parametrize("recipe_id", ["compute-drift", "compute-fairness", "evaluate-model"])
def test_recipes_have_an_optional_report_folder_role(recipe_id):
    roles = {r["name"]: r for r in load("custom-recipes/{}/recipe.json".format(recipe_id))["outputRoles"]}
    report = roles["report"]
    assert report["acceptsManagedFolder"] is True and report["acceptsDataset"] is False
    assert report["required"] is False and report["arity"] == "UNARY"

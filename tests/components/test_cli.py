"""The dss-local command line: a component's --help lists what its JSON descriptor declares; a macro
run without a DSS to reach ends with one line naming the options to pass."""
import glob
import json
import os

import pytest

from dss_local import cli
import helpers

ROOT = helpers.ROOT
DESCRIPTORS = {"recipe": "custom-recipes/*/recipe.json", "check": "python-checks/*/check.json",
               "probe": "python-probes/*/probe.json", "macro": "python-runnables/*/runnable.json"}
COMPONENTS = [(command, path) for command, pattern in sorted(DESCRIPTORS.items())
              for path in sorted(glob.glob(os.path.join(ROOT, pattern)))]


def help_text(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


@pytest.mark.parametrize("command,path", COMPONENTS, ids=[os.path.relpath(p, ROOT) for _, p in COMPONENTS])
def test_component_help_lists_its_roles_and_parameters(capsys, command, path):
    with open(path) as f:
        spec = json.load(f)
    code, out, _ = help_text(capsys, command, os.path.basename(os.path.dirname(path)), "--help")
    assert code == 0 and out.startswith("usage: dss-local " + command)
    roles_part, _, params_part = out.partition("\nparameters")
    for role in spec.get("inputRoles", []) + spec.get("outputRoles", []):
        line = next(l for l in roles_part.splitlines() if l.split()[:1] == [role["name"]])
        assert ("required" if role.get("required", False) else "optional") in line and role["label"] in line
    params = [p for p in spec.get("params", []) if p["type"] != "SEPARATOR"]
    for param in params:
        line = next(l for l in params_part.splitlines() if l.split()[:1] == [param["name"]])
        default = json.dumps(param["defaultValue"]) if "defaultValue" in param else "-"
        assert line.split()[1:4] == [param["type"], "default", default.split()[0]], line
        assert line.rstrip().endswith(param["label"]), line
    if not params:
        assert "parameters: none" in out


def test_help_before_the_id_is_the_command_help_and_an_unknown_id_says_which_exist(capsys):
    code, out, _ = help_text(capsys, "recipe", "--help")
    assert code == 0 and "RECIPE_ID" in out and "parameters (--param" not in out
    code, _, err = help_text(capsys, "check", "drift-chek", "--help")
    assert code == 2 and "Unknown component 'drift-chek'" in err and "drift-check" in err


def test_macro_without_dss_url_is_one_line_naming_the_options(capsys):
    code = cli.main(["macro", "governance-status", "--project-key", "P", "--param", "use_dss_govern_node=true"])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("dss-local: error:")]
    assert code == 2 and "Traceback" not in err
    assert len(errors) == 1 and "--dss-url" in errors[0] and "--dss-api-key" in errors[0], err

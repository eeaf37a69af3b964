"""The acceptance kit (`dss-local accept`) end to end against the in-process emulator, with the real
dataikuapi client: plugin zip of this checkout uploaded, throwaway project, demo-shaped data,
recipes run through dss_local.runtime, checks as data-quality rules, macros run through
dss_local.macro against the emulator itself.

Untested here (the emulator does not serve it): the probe (dataset metrics settings and
computeMetrics), plugin code envs, Spark recipes, and everything a real DSS decides on its own
(the plugin rule and probe types, where a plugin recipe keeps its parameters, how a failing macro is
reported). Those rows show SKIP with the reason."""
import html
import json
import os
import re
import sys
import zipfile
from urllib.parse import quote, quote_plus

import pytest

from dss_local import cli
from dss_local.emulator import Emulator, demo_state
import helpers


ROOT = helpers.ROOT
DSS_KEY = "dss-ACCEPT+key&<9f1>"
GOVERN_KEY = "govern-ACCEPT+key&<3c2>"
SHIPPED = re.compile(r"^(plugin\.json|CHANGELOG\.md|LICENSE|code-env|custom-recipes|python-checks|"
                     r"python-runnables|python-probes|parameter-sets|python-project-standards-check-specs|"
                     r"python-lib|resource)$")  # the Makefile's `plugin` target ships these, and dss/README.md
NOT_SERVED = "not served by the emulator"
DSS_LINE = os.path.basename(os.environ.get("MG_DATAIKU_CLIENT", "").rstrip("/")) or "14.3.3"


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    """The upload zip of this checkout's working tree (`make plugin` archives HEAD)."""
    path = tmp_path_factory.mktemp("zip") / "plugin.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(os.path.join(ROOT, "dss", "README.md"), "README.md")
        for top in sorted(os.listdir(ROOT)):
            if not SHIPPED.match(top):
                continue
            if os.path.isfile(os.path.join(ROOT, top)):
                archive.write(os.path.join(ROOT, top), top)
            for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
                dirs[:] = [d for d in dirs if d != "__pycache__"]
                for name in files:
                    full = os.path.join(folder, name)
                    archive.write(full, os.path.relpath(full, ROOT))
    return str(path)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """reference / current as demo/make_data.py makes them, 1500 rows each (fast)."""
    sys.path.insert(0, os.path.join(ROOT, "demo"))
    import make_data

    folder = tmp_path_factory.mktemp("data")
    for name, seed, drifted in (("reference", 42, False), ("current", 43, True)):
        make_data.make_period(1500, seed, drifted).to_csv(folder / (name + ".csv"), index=False)
    return str(folder)


@pytest.fixture
def emu():
    state = demo_state("FRAUD_DETECTION", dss_key=DSS_KEY, govern_key=GOVERN_KEY)
    state["dss"]["dss_version"] = DSS_LINE  # the line of the client under test: the emulator serves its paths
    emulator = Emulator(state).start()
    try:
        yield emulator
    finally:
        emulator.stop()


def accept(emu, plugin_zip, data_dir, monkeypatch, capsys, *extra):
    monkeypatch.setenv("DKU_API_KEY", DSS_KEY)
    monkeypatch.setenv("DKU_GOVERN_API_KEY", GOVERN_KEY)
    code = cli.main(["accept", emu.url, "--govern-url", emu.url, "--plugin-zip", plugin_zip, "--data", data_dir,
                     "--step-timeout", "60", "--skip", "probe guardrails-headline-metrics:" + NOT_SERVED] + list(extra))
    out, err = capsys.readouterr()
    rows = {}
    for line in out.splitlines():
        match = re.match(r"^(\S.*?)\s{2,}(PASS|FAIL|SKIP|NOT SUPPORTED)\s{2,}(.*)$", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return code, out, err, rows


def assert_no_key(*texts):
    for secret in (DSS_KEY, GOVERN_KEY):
        forms = {secret, html.escape(secret), html.escape(secret, quote=False), quote(secret, safe=""),
                 quote_plus(secret)}
        for text in texts:
            for form in forms:
                assert form not in text


@pytest.mark.client_matrix  # every client call of the kit, with each DSS line's client
def test_kit_passes_end_to_end_on_the_emulator(emu, plugin_zip, data_dir, monkeypatch, capsys, caplog):
    caplog.set_level("DEBUG")
    code, out, err, rows = accept(emu, plugin_zip, data_dir, monkeypatch, capsys)
    assert "DSS version {}".format(DSS_LINE) in out
    passed = ["connect", "upload plugin", "create project", "upload dataset reference", "upload dataset current",
              "recipe compute-drift", "recipe compute-fairness", "recipe evaluate-model (baseline)",
              "recipe evaluate-model", "check drift-check", "check fairness-check", "check performance-check",
              "macro governance-status", "macro govern-diagnostics (read only)", "macro prune-bundles (dry run)", "macro create-approved-bundle (dry run)",
              "macro publish-approved-bundle (no such bundle)", "macro publish-model-status (dry run)",
              "recipe evaluate-model -> Model Evaluation Store", "deployer infrastructure stages (read only)",
              "delete project"]
    assert {name: rows.get(name, ("missing",))[0] for name in passed} == {name: "PASS" for name in passed}, out
    assert rows["probe guardrails-headline-metrics"] == ("SKIP", NOT_SERVED)
    assert rows["recipe compute-drift-spark"][0] == rows["recipe compute-fairness-spark"][0] == "SKIP"
    # the checks ran the real check.py on the metrics the real recipes wrote: the demo data breaches
    assert "drift-check on drift_metrics: ERROR" in rows["check drift-check"][1]
    # the gate macros, on a throwaway project Govern does not know, fail closed
    assert "failed closed (GateRefused)" in rows["macro publish-approved-bundle (no such bundle)"][1]
    assert [(n, r) for n, r in rows.items() if r[0] == "FAIL"] == [] and code == 0
    assert list(emu.state.snapshot()["dss"]["projects"]) == ["FRAUD_DETECTION"], "throwaway project not deleted"
    assert_no_key(out, err, caplog.text, json.dumps(emu.state.snapshot()["dss"]["audit"]))


def test_a_failing_step_makes_the_exit_code_non_zero(emu, plugin_zip, data_dir, monkeypatch, capsys):
    emu.state.add_fault(node="dss", method="POST", path=r"/jobs/?$", times=1, status=500,
                        body={"errorType": "com.dataiku.dip.exceptions.CodedException", "message": "disk full"})
    code, out, err, rows = accept(emu, plugin_zip, data_dir, monkeypatch, capsys, "--keep")
    assert code == 1
    assert rows["recipe compute-drift"][0] == "FAIL" and "disk full" in rows["recipe compute-drift"][1]
    assert rows["check drift-check"] == ("FAIL", "not run: its dataset was not built")
    assert "disk full" not in rows["recipe compute-fairness"][1]  # the other steps still run, on their own
    kept = [k for k in emu.state.snapshot()["dss"]["projects"] if k.startswith("MG_ACCEPT_")]
    assert len(kept) == 1 and rows["delete project"] == ("SKIP", "kept (--keep): " + kept[0])
    assert_no_key(out, err)


def test_a_refusal_a_throwaway_project_does_not_explain_fails_the_step(emu, plugin_zip, data_dir, monkeypatch,
                                                                       capsys):
    """A gate macro that refuses because Govern's answer cannot be read is not "failed closed as
    expected": an incompatibility between the gate and a DSS/Govern line must show as FAIL."""
    emu.state.add_fault(node="govern", method="POST", path=r"/artifacts/search$", status=200,
                        body="<html>maintenance</html>", content_type="text/html")
    code, out, err, rows = accept(emu, plugin_zip, data_dir, monkeypatch, capsys)
    status, detail = rows["macro create-approved-bundle (dry run)"]
    assert code == 1 and status == "FAIL" and "does not explain" in detail, out
    assert rows["macro publish-approved-bundle (no such bundle)"][0] == "PASS"  # refused before asking Govern
    assert_no_key(out, err)


def test_a_wrong_key_fails_the_connect_step_without_showing_it(emu, plugin_zip, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("DKU_API_KEY", "wrong-SECRET+key")
    code = cli.main(["accept", emu.url, "--plugin-zip", plugin_zip, "--data", data_dir, "--step-timeout", "10"])
    out, err = capsys.readouterr()
    assert code == 1 and "connect" in out and "FAIL" in out and "Unknown API Key" in out
    assert "wrong-SECRET+key" not in out + err


def test_a_call_missing_from_the_client_is_reported_not_supported(emu, plugin_zip, data_dir, monkeypatch, capsys):
    import dataikuapi

    monkeypatch.delattr(dataikuapi.DSSClient, "list_plugins")
    code, out, err, rows = accept(emu, plugin_zip, data_dir, monkeypatch, capsys)
    status, detail = rows["upload plugin"]
    assert status == "NOT SUPPORTED" and detail.startswith("not supported on this line: DSSClient.list_plugins()")
    assert rows["connect"][0] == rows["create project"][0] == rows["delete project"][0] == "PASS"

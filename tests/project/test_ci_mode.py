"""Under CI=true a test that cannot run fails instead of skipping (issue 15 item 5): tests/conftest.py
turns skips (pytest.skip, skipif, a module's importorskip) into failures."""
import os
import shutil
import subprocess
import sys

import pytest
import helpers

TESTS = helpers.TESTS
SKIPPING = '''import pytest


def test_needs_java():
    pytest.skip("no Java runtime")


@pytest.mark.skipif(True, reason="chromium is not installed")
def test_needs_chromium():
    pass
'''


def run_inner(tmp_path, ci, module=SKIPPING):
    folder = tmp_path / "tests"
    folder.mkdir(exist_ok=True)
    shutil.copy(os.path.join(TESTS, "conftest.py"), folder / "conftest.py")
    (folder / "test_inner.py").write_text(module)
    env = dict(os.environ, CI=ci)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ci", ["", "false"])
def test_outside_ci_the_tests_skip(tmp_path, ci):
    out = run_inner(tmp_path, ci)
    assert out.returncode == 0 and "2 skipped" in out.stdout, out.stdout


def test_under_ci_a_skip_is_a_failure(tmp_path):
    out = run_inner(tmp_path, "true")
    assert out.returncode == 1 and "CI=true: this test must run, not skip: Skipped: no Java runtime" in out.stdout
    assert "CI=true: this test must run, not skip: Skipped: chromium is not installed" in out.stdout, out.stdout
    assert "skipped" not in out.stdout.splitlines()[-1], out.stdout


def test_under_ci_a_module_skipped_at_import_is_a_failure(tmp_path):
    out = run_inner(tmp_path, "true", 'import pytest\n\nPIL = pytest.importorskip("not_a_module_at_all")\n\n\n'
                                      'def test_x():\n    pass\n')
    assert out.returncode != 0 and "CI=true: this test must run, not skip" in out.stdout, out.stdout

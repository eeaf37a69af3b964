"""The core package must never import dataiku or an HTTP library (SPEC §1)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


def test_core_source_never_mentions_forbidden_imports():
    for root, _, files in os.walk(CORE):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(root, name)) as f:
                    for line in f:
                        stripped = line.strip()
                        if stripped.startswith(("import ", "from ")):
                            target = stripped.split()[1].split(".")[0]
                            assert target not in FORBIDDEN, "{}: {}".format(name, stripped)

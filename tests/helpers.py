"""What tests in every layer folder share: where things are, and whether a Java runtime is here
(the Spark engine tests need one). Importable from any test (pytest puts tests/ on sys.path for
conftest.py)."""
import os
import shutil
import subprocess

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
PYTHON_LIB = os.path.join(ROOT, "python-lib")
DATA = os.path.join(TESTS, "data")
REFERENCE = os.path.join(TESTS, "reference")


def java_available():
    if shutil.which("java") is None:
        return False
    return subprocess.run(["java", "-version"], capture_output=True).returncode == 0

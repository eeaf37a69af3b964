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


def demo_periods(folder, rows):
    """The demo's reference period and its drifted current period (demo/make_data.py), ``rows`` rows
    each, as Parquet files in ``folder``: their paths."""
    import sys

    sys.path.insert(0, os.path.join(ROOT, "demo"))
    import make_data

    reference, current = os.path.join(str(folder), "reference.parquet"), os.path.join(str(folder), "current.parquet")
    make_data.make_period(rows, 11, drifted=False).to_parquet(reference)
    make_data.make_period(rows, 12, drifted=True).to_parquet(current)
    return reference, current


def write_pair(folder, pair):
    """A (reference, current) pair of DataFrames as reference.parquet and current.parquet in ``folder``."""
    pair[0].to_parquet(os.path.join(str(folder), "reference.parquet"), index=False)
    pair[1].to_parquet(os.path.join(str(folder), "current.parquet"), index=False)
    return folder


def java_available():
    if shutil.which("java") is None:
        return False
    return subprocess.run(["java", "-version"], capture_output=True).returncode == 0

"""Shared fixtures: drift frames, and a small scored table with a built-in gap for one group."""
import os
import sys

import numpy as np
import pandas as pd
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (ROOT, os.path.join(ROOT, "python-lib")):
    if path not in sys.path:
        sys.path.insert(0, path)

# MG_DATAIKU_CLIENT=<folder>: run against the dataiku-api-client installed in <folder> (pip --target,
# see `make clients` and tests/client_matrix.py) instead of the venv's. The folder goes first on
# sys.path before anything imports dataikuapi; a client imported from anywhere else is an error.
CLIENT_DIR = os.environ.get("MG_DATAIKU_CLIENT") or None


def _client_version(folder=None):
    from importlib import metadata
    if folder is None:
        try:
            return metadata.version("dataiku-api-client")
        except metadata.PackageNotFoundError:
            return "not installed"
    for dist in metadata.distributions(path=[folder]):
        if (dist.metadata["Name"] or "").lower().replace("_", "-") == "dataiku-api-client":
            return dist.version
    return "unknown"


def _foreign_client_modules(folder):
    """dataikuapi modules loaded from outside folder (empty when the override holds)."""
    prefix = os.path.join(folder, "")
    return sorted(name for name, module in list(sys.modules.items())
                  if (name == "dataikuapi" or name.startswith("dataikuapi."))
                  and getattr(module, "__file__", None)
                  and not os.path.realpath(module.__file__).startswith(prefix))


if CLIENT_DIR:
    CLIENT_DIR = os.path.realpath(CLIENT_DIR)
    if not os.path.isfile(os.path.join(CLIENT_DIR, "dataikuapi", "__init__.py")):
        raise RuntimeError("MG_DATAIKU_CLIENT=%s: no dataikuapi package in that folder" % CLIENT_DIR)
    if _foreign_client_modules(CLIENT_DIR):  # (this module may be imported twice: also as tests.conftest)
        raise RuntimeError("MG_DATAIKU_CLIENT=%s: dataikuapi was imported before tests/conftest.py (from %s)"
                           % (CLIENT_DIR, sys.modules["dataikuapi"].__file__))
    while CLIENT_DIR in sys.path:
        sys.path.remove(CLIENT_DIR)
    sys.path.insert(0, CLIENT_DIR)
    import dataikuapi  # noqa: E402

    if _foreign_client_modules(CLIENT_DIR):
        raise RuntimeError("MG_DATAIKU_CLIENT=%s: dataikuapi was imported from %s instead"
                           % (CLIENT_DIR, dataikuapi.__file__))
    CLIENT_VERSION = _client_version(CLIENT_DIR)
else:
    CLIENT_VERSION = _client_version()


def pytest_report_header(config):
    return "dataiku-api-client: %s (%s)" % (CLIENT_VERSION, CLIENT_DIR or "venv")


def pytest_sessionstart(session):
    """-q hides the header; with MG_DATAIKU_CLIENT the client line is printed anyway (client_matrix.py checks it)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if CLIENT_DIR and reporter is not None and session.config.get_verbosity() < 0:
        reporter.write_line(pytest_report_header(session.config))


def pytest_sessionfinish(session, exitstatus):
    """With MG_DATAIKU_CLIENT, fail the run if any test pulled a dataikuapi module from elsewhere."""
    if CLIENT_DIR:
        foreign = _foreign_client_modules(CLIENT_DIR)
        if foreign:
            sys.stderr.write("\nMG_DATAIKU_CLIENT=%s: modules loaded from elsewhere: %s\n"
                             % (CLIENT_DIR, ", ".join(foreign)))
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


# CI=true (GitHub Actions, GitLab CI and .ci/run set it): a test that cannot run fails instead of
# skipping, so a CI run without Java (Spark engine), Chromium (browser tests) or PySpark cannot pass.
ON_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _failed_instead_of_skipped(report):
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = "CI=true: this test must run, not skip: %s" % reason


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if ON_CI and report.skipped and not hasattr(report, "wasxfail"):
        _failed_instead_of_skipped(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A module skipped as a whole (pytest.importorskip at import) fails too."""
    outcome = yield
    report = outcome.get_result()
    if ON_CI and report.skipped:
        _failed_instead_of_skipped(report)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


@pytest.fixture
def frames(rng):
    """A small reference/current pair with numeric and categorical columns and a known shift."""
    n = 3000
    reference = pd.DataFrame({
        "x": rng.normal(0, 1, n),
        "y": rng.exponential(2.0, n),
        "cat": rng.choice(list("abcd"), n, p=[0.4, 0.3, 0.2, 0.1]),
    })
    current = pd.DataFrame({
        "x": rng.normal(0.5, 1, n),
        "y": rng.exponential(2.0, n),
        "cat": rng.choice(list("abcde"), n, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
    })
    return reference, current


def make_scored(n=4000, seed=7, gap=0.15):
    """Synthetic fraud scores: gender F/M, age_band (5 levels), is_fraud, score, prediction,
    transaction_date; women over 55 get lower scores (a selection-rate gap)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "gender": rng.choice(["F", "M"], n),
        "age_band": rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], n),
        "is_fraud": (rng.random(n) < 0.3).astype(int),
        "transaction_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
    })
    penalty = np.where(frame["gender"] == "F", gap, 0.0)
    frame["score"] = np.clip(0.3 + 0.35 * frame["is_fraud"] - penalty + rng.normal(0, 0.15, n), 0, 1)
    frame["prediction"] = (frame["score"] >= 0.5).astype(int)
    return frame


@pytest.fixture
def scored():
    return make_scored()

"""The real custom-recipes/compute-drift/recipe.py, run through the local runtime."""
import os
import subprocess
import sys

import pandas as pd
import pytest

from dss_local.runtime import run_recipe
import helpers

ROOT = helpers.ROOT


@pytest.fixture(params=["csv", "parquet"])
def inputs(request, tmp_path, frames):
    reference, current = frames
    paths = {}
    for name, frame in (("reference", reference), ("current", current)):
        paths[name] = str(tmp_path / "{}.{}".format(name, request.param))
        if request.param == "csv":
            frame.to_csv(paths[name], index=False)
        else:
            frame.to_parquet(paths[name], index=False)
    return paths


def read(path):
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path, keep_default_na=False, na_values=[""])


def test_recipe_writes_the_metrics_table(inputs, tmp_path):
    out = str(tmp_path / "metrics.parquet")
    run_recipe("compute-drift", [("reference", inputs["reference"]), ("current", inputs["current"])],
               [("metrics", out)], config={"psi_bins": 10.0})
    table = read(out)
    assert {"x", "y", "cat", "__dataset__"} == set(table.feature)
    assert table.run_id.nunique() == 1
    score = table[(table.feature == "x") & (table.metric == "drift_score")].iloc[0]
    assert score.status == "ERROR"


def test_append_mode_accumulates_runs(inputs, tmp_path):
    out = str(tmp_path / "history.csv")
    for _ in range(2):
        run_recipe("compute-drift", [("reference", inputs["reference"]), ("current", inputs["current"])],
                   [("metrics", out)], append=True)
    table = read(out)
    assert table.run_id.nunique() == 2
    assert len(table) == 2 * (len(table) // 2)


def test_missing_required_role_is_reported(inputs, tmp_path):
    with pytest.raises(ValueError, match="role 'current' is required"):
        run_recipe("compute-drift", [("reference", inputs["reference"])], [("metrics", str(tmp_path / "m.csv"))])


def cli(*args):
    return subprocess.run([sys.executable, "-m", "dss_local.cli"] + list(args), cwd=ROOT,
                          capture_output=True, text=True)


def test_cli_logs_on_stderr_only(inputs, tmp_path):
    out = str(tmp_path / "m.csv")
    result = cli("recipe", "compute-drift", "--input", "reference=" + inputs["reference"],
                 "--input", "current=" + inputs["current"], "--output", "metrics=" + out,
                 "--param", 'excluded_columns=["y"]', "--param", "convention=default")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "Feature 1/2 x" in result.stderr
    assert "y" not in set(read(out).feature)


def test_cli_bad_param_exits_with_a_message(inputs, tmp_path):
    result = cli("recipe", "compute-drift", "--input", "reference=" + inputs["reference"],
                 "--input", "current=" + inputs["current"], "--output", "metrics=" + str(tmp_path / "m.csv"),
                 "--param", "psi_bins=many")
    assert result.returncode == 2
    assert "Parameter 'psi_bins': expected an integer, got 'many'" in result.stderr
    assert "Traceback" not in result.stderr

"""Our numbers next to the peers' own, on the fixed datasets of tests/data/drift.

Reference values: tests/reference/evidently_drift.json, produced by bench/make_drift_reference.py
with Evidently 0.7.23 and SciPy 1.17.1 (provenance block inside the file).
"""
import json
import os

import pandas as pd
import pytest
from scipy import stats

from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.table import RunInfo

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "reference", "evidently_drift.json")) as f:
    REFERENCE = json.load(f)
NUMERIC = [k for k, v in REFERENCE["values"].items() if v["feature_type"] == "numerical"]
CATEGORICAL = [k for k, v in REFERENCE["values"].items() if v["feature_type"] == "categorical"]
EVIDENTLY_TO_OURS = {"ks": "ks_pvalue", "psi": "psi", "jensenshannon": "js_distance", "kl_div": "kl_divergence",
                     "wasserstein": "wasserstein_norm", "hellinger": "hellinger", "chisquare": "chi2_pvalue"}


def load(name, categorical):
    kwargs = (dict(dtype={"x": object}, keep_default_na=False, na_values=[""]) if categorical
              else dict(dtype={"x": "float64"}, float_precision="round_trip"))
    return [pd.read_csv(os.path.join(HERE, "data", "drift", "{}.{}.csv".format(name, side)), **kwargs)
            for side in ("reference", "current")]


def ours(name, categorical=False, **config):
    reference, current = load(name, categorical and name in CATEGORICAL)
    if categorical:
        config["categorical_columns"] = ["x"]
    table = compute_drift(reference, current, DriftParams.from_config(config), RunInfo.new()).table
    return table[table.feature == "x"].set_index("metric").value.to_dict()


@pytest.mark.parametrize("name", NUMERIC + CATEGORICAL)
def test_evidently_convention_matches_evidently(name):
    expected = REFERENCE["values"][name]
    got = ours(name, categorical=name in CATEGORICAL, convention="evidently")
    compared = 0
    for theirs, mine in EVIDENTLY_TO_OURS.items():
        if theirs not in expected or (theirs == "chisquare" and name in NUMERIC):
            continue
        assert got[mine] == pytest.approx(expected[theirs], rel=1e-9, abs=1e-12), (name, mine)
        compared += 1
    assert compared >= 5


@pytest.mark.parametrize("name", ["num_lowcard", "constant"])
def test_evidently_chisquare_on_numeric_codes_as_categories(name):
    got = ours(name, categorical=True, convention="evidently")
    assert got["chi2_pvalue"] == pytest.approx(REFERENCE["values"][name]["chisquare"], rel=1e-9, abs=1e-12)


def test_evidently_pipeline_check_agrees_with_direct_calls():
    # the generator ran the same methods through Evidently's Report + ValueDrift on raw data
    assert REFERENCE["provenance"]["pipeline_max_abs_diff"] == 0.0


@pytest.mark.parametrize("name", NUMERIC)
def test_default_convention_ks_and_wasserstein_match_scipy(name):
    expected = REFERENCE["scipy"][name]
    got = ours(name)
    assert got["ks_statistic"] == pytest.approx(expected["ks_statistic"], rel=1e-12)
    assert got["ks_pvalue"] == pytest.approx(expected["ks_pvalue"], rel=1e-6, abs=1e-15)
    assert got["wasserstein"] == pytest.approx(expected["wasserstein_distance"], rel=1e-12)


def test_default_convention_chi2_is_scipy_contingency():
    expected = REFERENCE["scipy"]["cat_binary"]  # no missing values: the tables are the same
    got = ours("cat_binary", categorical=True)
    assert got["chi2_statistic"] == pytest.approx(expected["chi2_statistic"], rel=1e-9)
    assert got["chi2_pvalue"] == pytest.approx(expected["chi2_pvalue"], rel=1e-6)


def test_default_convention_chi2_counts_missing_values_as_a_category():
    # cat_new's current side has 30 missing values: under `default` they are one more column
    table = [row + [missing] for row, missing in zip(REFERENCE["scipy"]["cat_new"]["chi2_table"], (0, 30))]
    expected = stats.chi2_contingency(table)
    got = ours("cat_new", categorical=True)
    assert got["chi2_statistic"] == pytest.approx(expected[0], rel=1e-9)
    assert got["chi2_pvalue"] == pytest.approx(expected[1], rel=1e-6)

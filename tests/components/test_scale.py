"""Streaming and Spark drift engines: identical binned metrics, bracketed KS/Wasserstein, bounded
reads, reference profiles, bad chunks."""
import json
import os
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import helpers
from helpers import java_available

from dss_local.runtime import run_recipe
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.drift.brackets import ks_bracket, wasserstein_bracket
from model_guardrails.drift.engines import rank_search
from model_guardrails.drift.engines.chunks import profile_from_chunks, stream_current
from model_guardrails.drift.engines.memory import profile_from_frame
from model_guardrails.drift.finish import compute_drift_from_profile
from model_guardrails.drift.profile import ReferenceProfile, profile_settings
from model_guardrails.drift.numeric import Sample, ks_and_wasserstein
from model_guardrails.errors import InputError
from model_guardrails.table import RunInfo

RUN = RunInfo("run-1", "2026-11-26T00:00:00Z")
EXACT = ["psi", "js_distance", "hellinger", "kl_divergence", "chi2_statistic", "chi2_pvalue",
         "missing_share_reference", "missing_share_current", "unseen_share", "total_variation", "drift_mass",
         "drift_score"]  # drift_score: the default decision is on drift_mass, from the same counts


def make(n, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(shift, 1, n)
    x[rng.random(n) < 0.05] = np.nan
    cat = pd.Series(rng.choice(list("abcdefg"), n), dtype=object)
    cat[rng.random(n) < 0.02] = None
    return pd.DataFrame({"x": x, "z": np.round(rng.normal(shift, 1, n), 1), "cat": cat,
                         "code": rng.integers(0, 5, n)})


def chunks(frame, size=1500):
    return [frame.iloc[i:i + size] for i in range(0, len(frame), size)]


def by_key(table):
    return table.set_index(["feature", "metric"])


@pytest.fixture
def pair():
    return make(9000, 1), make(8000, 2, 0.2)


@pytest.mark.parametrize("profile_source", ["frame", "chunks"])
def test_streaming_equals_in_memory_for_binned_metrics(pair, profile_source, monkeypatch):
    reference, current = pair
    params = DriftParams.from_config({"categorical_columns": ["code"]})
    names = list(reference.columns)
    if profile_source == "frame":
        profile = profile_from_frame(reference, names, params, "0.1.0")
    else:
        monkeypatch.setattr(rank_search, "SELECT_COLLECT", 300)  # force several order-statistic passes
        profile = profile_from_chunks(lambda: iter(chunks(reference)), names, params, "0.1.0")
        profile = ReferenceProfile.from_json(profile.to_json(), "0.1.0", profile_settings(params))
    side = stream_current(profile, names, chunks(current) + [current.iloc[:0]])  # an empty chunk too
    streamed = by_key(compute_drift_from_profile(profile, side, names, params, RUN).table)
    exact = by_key(compute_drift(reference, current, params, RUN).table)
    assert sorted(streamed.index) == sorted(exact.index)
    rows = [k for k in exact.index if k[1] in EXACT]
    assert len(rows) > 20
    for key in rows:
        assert streamed.value[key] == exact.value[key] or (pd.isna(streamed.value[key]) and pd.isna(exact.value[key])), key
    assert (streamed.status == exact.status.reindex(streamed.index)).all()
    assert streamed.n_reference.iloc[0] == 9000 and streamed.n_current.iloc[0] == 8000


def test_ks_and_wasserstein_are_bracketed(pair):
    reference, current = pair
    params = DriftParams()
    profile = profile_from_frame(reference, ["x", "z"], params, "0.1.0")
    side = stream_current(profile, ["x", "z"], chunks(current))
    for name in ("x", "z"):
        d, _, w = ks_and_wasserstein(Sample(reference[name]), Sample(current[name]))
        low, high = ks_bracket(profile.features[name].numeric, side.stats[name])
        assert low - 1e-12 <= d <= high + 1e-12
        w_low, w_high, w_est = wasserstein_bracket(profile.features[name].numeric, side.stats[name])
        assert w_low - 1e-9 <= w <= w_high + 1e-9
        assert abs(w_est - w) <= max(1e-3 * w, 1e-9)
    table = by_key(compute_drift_from_profile(profile, side, ["x", "z"], params, RUN).table)
    assert table.reason[("x", "ks_statistic")].startswith("streaming estimate: the exact KS statistic is in [")


def test_category_first_seen_late_and_chunk_dtypes_disagree(pair):
    reference, current = pair
    params = DriftParams.from_config({"categorical_columns": ["code"]})
    profile = profile_from_frame(reference, ["cat", "code", "x"], params, "0.1.0")
    parts = chunks(current)
    parts[-1] = parts[-1].assign(cat="brand-new")                  # unseen category in the last chunk only
    parts[1] = parts[1].assign(code=parts[1]["code"].astype(float))  # floats in one chunk: same labels
    parts[2] = parts[2].assign(x=parts[2]["x"].astype(object))
    parts[2].loc[parts[2].index[0], "x"] = "n/a"                    # text in a numeric column
    side = stream_current(profile, ["cat", "code", "x"], parts)
    table = by_key(compute_drift_from_profile(profile, side, ["cat", "code", "x"], params, RUN).table)
    assert table.value[("cat", "unseen_share")] == pytest.approx(len(parts[-1]) / len(current))
    assert table.status[("code", "js_distance")] != "EMPTY"
    assert side.stats["code"].counts.index.tolist().count("1") == 1
    assert table.status[("x", "drift_score")] == "EMPTY"
    assert table.reason[("x", "drift_score")].startswith("column 'x' is numeric in the reference dataset but the "
                                                         "current dataset has 1 value that is not a number (e.g. 'n/a')")


def test_profile_mismatches_are_named(pair):
    reference, _ = pair
    params = DriftParams()
    text = profile_from_frame(reference, ["x", "cat"], params, "0.1.0").to_json()
    with pytest.raises(InputError, match="saved by plugin version 0.1.0, this is version 0.2.0"):
        ReferenceProfile.from_json(text, "0.2.0", profile_settings(params))
    with pytest.raises(InputError, match="psi_bins: saved 10, now 20"):
        ReferenceProfile.from_json(text, "0.1.0", profile_settings(DriftParams(psi_bins=20)))
    with pytest.raises(InputError, match="format"):
        ReferenceProfile.from_json(json.dumps({"format": 99}), "0.1.0", {})
    profile = ReferenceProfile.from_json(text, "0.1.0", profile_settings(params))
    with pytest.raises(InputError, match="not profiled: z"):
        profile.check_features(["x", "z"])
    with pytest.raises(InputError, match="not in the profiled reference: other"):
        profile.check_features(["x", "other"])


def _run(tmp_path, name, recipe="compute-drift", profile=None, **config):
    out = str(tmp_path / (name + ".csv"))
    outputs = [("metrics", out)] + ([("profile", profile)] if profile else [])
    run_recipe(recipe, [("reference", str(tmp_path / "reference.parquet")), ("current", str(tmp_path / "current.parquet"))],
               outputs, config=config)
    return pd.read_csv(out)


@pytest.fixture
def files(tmp_path, pair):
    return helpers.write_pair(tmp_path, pair)


def test_recipe_streams_beyond_the_row_limit_and_reuses_its_profile(files):
    exact = by_key(_run(files, "exact"))
    streamed = by_key(_run(files, "streamed", max_rows_in_memory=1000, chunk_size=1000, profile=str(files / "profile")))
    assert os.path.exists(files / "profile" / st_file())
    for key in [k for k in exact.index if k[1] in EXACT]:
        assert streamed.value[key] == pytest.approx(exact.value[key], rel=0, abs=0) or pd.isna(exact.value[key])
    os.remove(files / "reference.parquet")  # the saved profile replaces the reference
    reused = by_key(_run(files, "reused", max_rows_in_memory=1000, chunk_size=1000, profile=str(files / "profile")))
    assert (reused.value.fillna(-1) == streamed.value.fillna(-1)).all()
    with pytest.raises(InputError, match="other settings"):
        _run(files, "bad", max_rows_in_memory=1000, psi_bins=5, profile=str(files / "profile"))


def st_file():
    from dku_guardrails.drift_io import PROFILE_FILE

    return PROFILE_FILE


@pytest.mark.spark
def test_spark_and_pandas_engines_give_the_same_rows(files):
    pytest.importorskip("pyspark", reason="PySpark is not installed (make install installs it)")
    if not java_available():
        pytest.skip("no Java runtime: install one (apt-get install -y default-jre-headless) to run the Spark engine")
    pandas_rows = _run(files, "pandas", max_rows_in_memory=0, chunk_size=2000, categorical_columns=["code"])
    spark_rows = _run(files, "spark", recipe="compute-drift-spark", categorical_columns=["code"])
    key = ["feature", "metric"]
    left, right = pandas_rows.set_index(key).sort_index(), spark_rows.set_index(key).sort_index()
    assert list(left.index) == list(right.index)
    for column in ("status", "feature_type", "n_reference", "n_current"):
        assert (left[column].fillna("") == right[column].fillna("")).all(), column
    assert np.allclose(left.value.fillna(-1), right.value.fillna(-1), rtol=1e-9, atol=1e-12)
    exact = left[left.index.get_level_values("metric").isin(EXACT)]
    assert (exact.value.fillna(-1) == right.value.reindex(exact.index).fillna(-1)).all()
    in_memory = _run(files, "spark_small", recipe="compute-drift-spark", max_rows_in_memory=100000)
    assert np.allclose(in_memory.set_index(key).sort_index().value.fillna(-1),
                       _run(files, "pandas_small").set_index(key).sort_index().value.fillna(-1), rtol=0, atol=0)

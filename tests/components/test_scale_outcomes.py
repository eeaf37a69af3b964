"""Streaming and Spark engines of compute-fairness and evaluate-model: counts exact, score metrics
bracketed (exact on 4-decimal scores), bad chunks, recipes choosing the engine by row count."""
import json
import os

import numpy as np
import pandas as pd
import pytest

from dss_local.runtime import run_recipe
from model_guardrails.stats import groups as groupstats, ranking
from model_guardrails.errors import ConfigError, InputError
from model_guardrails.fairness import FairnessParams, compute_fairness, counts_from_chunks, fairness_table
from model_guardrails.performance import PerformanceParams, evaluate_model, performance_table
from model_guardrails.performance.engines.chunks import stats_from_chunks
from model_guardrails.table import RunInfo

from helpers import java_available

RUN = RunInfo("run-1", "2026-11-26T00:00:00Z")
FAIRNESS_KEY = ["attribute", "group", "metric"]
PERFORMANCE_KEY = ["window", "metric"]
SCORE_METRICS = ("roc_auc", "average_precision")
TABLE_COLUMNS = ("value", "ci_low", "ci_high", "n", "status", "reason", "reference_group", "ratio_to_reference",
                 "difference_to_reference", "warning_threshold", "error_threshold")


def scored(n, seed, decimals=None):
    rng = np.random.default_rng(seed)
    gender = pd.Series(rng.choice(["F", "M", "X"], n, p=[0.45, 0.45, 0.1]), dtype=object)
    age = rng.choice([18.0, 30.0, 45.0, 60.0], n)
    age[rng.random(n) < 0.02] = np.nan                      # the group (missing)
    y = (rng.random(n) < 0.3 + 0.1 * (gender == "F")).astype(float)
    score = np.clip(0.35 * y + rng.beta(2, 3, n) * 0.65, 0, 1)
    score = np.round(score, decimals) if decimals else score
    frame = pd.DataFrame({"y": y, "score": score, "gender": gender, "age": age,
                          "time": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 40, n), unit="D"),
                          "amount": rng.gamma(2, 50, n)})
    frame["predicted_amount"] = frame.amount * rng.normal(1, 0.2, n) + rng.normal(0, 5, n)
    frame.loc[rng.random(n) < 0.01, "y"] = np.nan
    frame.loc[rng.random(n) < 0.01, "score"] = np.nan
    frame.loc[rng.random(n) < 0.01, "time"] = pd.NaT
    return frame


def chunks(frame, size=1700):
    return [frame.iloc[i:i + size] for i in range(0, len(frame), size)]


def same(left, right, column):
    a, b = left[column], right[column].reindex(left.index)
    if a.dtype == object or b.dtype == object:
        return (a.fillna("").astype(str) == b.fillna("").astype(str))
    return (a == b) | (a.isna() & b.isna())


FAIRNESS = {"target_column": "y", "score_column": "score", "sensitive_columns": ["gender", "age"],
            "metrics": ["count", "base_rate", "selection_rate", "tpr", "fpr", "tnr", "fnr", "ppv", "npv", "accuracy",
                        "roc_auc", "disparate_impact", "demographic_parity_difference", "equal_opportunity_difference",
                        "equalized_odds_difference", "average_odds_difference", "predictive_parity_difference",
                        "equal_opportunity_ratio", "equalized_odds_ratio"]}


@pytest.mark.parametrize("convention", ["default", "aif360"])
def test_streamed_fairness_equals_in_memory(convention):
    current, reference = scored(12000, 1), scored(9000, 2)
    params = FairnessParams.from_config(dict(FAIRNESS, convention=convention))
    exact = compute_fairness(current, params, reference, RUN).set_index(FAIRNESS_KEY)
    parts = chunks(current)
    parts.insert(3, current.iloc[:0])                                      # an empty chunk
    streamed = fairness_table(counts_from_chunks(parts, params), params,
                              counts_from_chunks(chunks(reference), params, "reference"), RUN).set_index(FAIRNESS_KEY)
    assert list(streamed.index) == list(exact.index)
    counted = ~exact.index.get_level_values("metric").isin(["roc_auc"])
    assert counted.sum() > 200 and (exact.index.get_level_values("metric") == "disparate_impact_shift").any()
    for column in TABLE_COLUMNS:
        assert same(exact[counted], streamed, column).all(), column
    auc = streamed[~counted & (streamed.status != "EMPTY")]  # small groups' reasons say they are too small
    bounds = auc.reason.str.extract(r"the exact ROC AUC is in \[([^,]+), ([^\]]+)\]").astype(float)
    truth = exact.value.reindex(auc.index)
    assert len(auc) > 10 and bounds.notna().all().all()
    assert ((bounds[0] <= truth + 1e-12) & (truth <= bounds[1] + 1e-12)).all()
    assert (auc.value - truth).abs().max() < 2e-4


def test_fairness_on_four_decimal_scores_is_exact_everywhere():
    frame = scored(8000, 3, decimals=4)
    params = FairnessParams.from_config(FAIRNESS)
    exact = compute_fairness(frame, params, run=RUN).set_index(FAIRNESS_KEY)
    streamed = fairness_table(counts_from_chunks(chunks(frame), params), params, run=RUN).set_index(FAIRNESS_KEY)
    for column in TABLE_COLUMNS:
        assert same(exact, streamed, column).all(), column


@pytest.mark.parametrize("decimals", [None, 4])
def test_streamed_binary_performance_equals_in_memory(decimals):
    frame = scored(12000, 4, decimals)
    params = PerformanceParams.from_config({"target_column": "y", "score_column": "score", "time_column": "time",
                                            "time_granularity": "week"})
    exact_result = evaluate_model(frame, params, run=RUN)
    exact, curves = exact_result.table.set_index(PERFORMANCE_KEY), exact_result.curves
    streamed_stats, streamed_curves = stats_from_chunks(chunks(frame), params)
    streamed = performance_table(streamed_stats, params, run=RUN).set_index(PERFORMANCE_KEY)
    assert list(streamed.index) == list(exact.index) and len(exact.index.unique("window")) == 8
    metric = exact.index.get_level_values("metric")
    counted = metric.isin(["accuracy", "precision", "recall", "f1"])
    for column in ("value", "ci_low", "ci_high", "n", "status", "reason"):
        assert same(exact[counted], streamed, column).all(), column
    sums = metric.isin(["log_loss", "brier_score"])
    assert np.allclose(exact.value[sums], streamed.value[sums], rtol=1e-12, atol=0)
    scores = metric.isin(SCORE_METRICS)
    for key, values in curves["calibration"].items():  # sums in another order, rounded to 6 decimals
        assert np.allclose(streamed_curves["calibration"][key], values, rtol=0, atol=1.1e-6), key
    if decimals:  # one distinct score per grid bin: the grid's ties are the data's ties
        for column in ("value", "ci_low", "ci_high", "reason"):
            assert same(exact[scores], streamed, column).all(), column
        assert streamed_curves["roc"] == curves["roc"]
        return
    for name in ("ROC AUC", "average precision"):
        rows = streamed[metric.isin(["roc_auc" if name == "ROC AUC" else "average_precision"])]
        bounds = rows.reason.str.extract(r"the exact {} is in \[([^,]+), ([^\]]+)\]".format(name)).astype(float)
        truth = exact.value.reindex(rows.index)
        assert ((bounds[0] <= truth + 1e-9) & (truth <= bounds[1] + 1e-9)).all(), name
        assert (rows.value - truth).abs().max() < 1e-3, name


def test_streamed_regression_equals_in_memory():
    frame = scored(12000, 5)
    params = PerformanceParams.from_config({"task": "regression", "target_column": "amount",
                                            "prediction_column": "predicted_amount", "time_column": "time"})
    exact = evaluate_model(frame, params, run=RUN).table.set_index(PERFORMANCE_KEY)
    streamed = performance_table(stats_from_chunks(chunks(frame), params).stats, params,
                                 run=RUN).set_index(PERFORMANCE_KEY)
    assert list(streamed.index) == list(exact.index)
    for column in ("value", "ci_low", "ci_high"):
        assert np.allclose(exact[column], streamed[column], rtol=1e-9, atol=0), column
    for column in ("n", "reason", "status"):
        assert same(exact, streamed, column).all(), column


def test_grid_bounds_contain_the_exact_values_with_ties():
    rng = np.random.default_rng(9)
    n = 4000
    codes = rng.integers(0, 3, n)
    y = (rng.random(n) < 0.4).astype(float)
    score = np.clip(np.round(rng.random(n) * 0.7 + 0.3 * y, 6), 0, 1)  # 6 decimals: several scores per bin
    score[:200] = 0.5                                                      # and heavy ties
    groups = groupstats.BinaryGroups()
    groups.add(codes, y, y, score)
    rank = np.arange(3)
    auc, _, low, high = groups.roc_auc(rank, 3)
    exact_auc, _ = ranking.Grouped.of(ranking.Ranked.of(score, y), codes, 3).roc_auc()
    assert (low <= exact_auc + 1e-12).all() and (exact_auc <= high + 1e-12).all() and not groups.single_valued
    ap, _, low, high = groups.average_precision(rank, 3)
    exact_ap, _ = ranking.Grouped.of(ranking.Ranked.of(score, y), codes, 3).average_precision()
    assert (low <= exact_ap + 1e-12).all() and (exact_ap <= high + 1e-12).all()
    assert np.abs(auc - exact_auc).max() < 1e-3 and np.abs(ap - exact_ap).max() < 1e-3


def test_grid_bins_match_a_searchsorted_on_exact_edges():
    values = np.concatenate((np.arange(10001) / 10000, np.nextafter(np.arange(10001) / 10000, 2), [0.0, 1.0]))
    values = values[values <= 1]
    bins = groupstats.score_bins(values)
    edges = groupstats.EDGES
    inside = (bins == 0) | ((edges[np.maximum(bins - 1, 0)] < values) & (values <= edges[bins]))
    assert inside.all() and bins.max() == groupstats.SCORE_BINS


# -- bad input -------------------------------------------------------------------------------

def test_chunks_whose_dtypes_disagree_and_groups_first_seen_late():
    frame = scored(6000, 6, decimals=4)
    params = FairnessParams.from_config(FAIRNESS)
    exact = compute_fairness(frame, params, run=RUN).set_index(FAIRNESS_KEY)
    parts = chunks(frame, 1000)
    parts[1] = parts[1].assign(y=parts[1]["y"].map({1.0: "1", 0.0: "0"}))              # target as text
    parts[2] = parts[2].assign(score=parts[2]["score"].astype(str).replace("nan", None))  # scores as text
    parts[3] = parts[3].assign(age=parts[3]["age"].fillna(18.0).astype("int64"))        # ints, then floats
    parts[3].loc[parts[3].index[:5], "age"] = 99                                        # a group seen late
    streamed = fairness_table(counts_from_chunks(parts, params), params, run=RUN).set_index(FAIRNESS_KEY)
    groups = streamed.xs("age", level="attribute").index.unique("group")
    assert list(groups) == ["18", "30", "45", "60", "99", "(missing)", "__overall__", "__summary__"]
    gender = streamed.xs("gender", level="attribute")
    assert same(exact.xs("gender", level="attribute"), gender, "value").all()
    assert streamed.value[("age", "99", "count")] == 5


def test_bad_chunks_get_clear_errors():
    frame = scored(3000, 7)
    params = FairnessParams.from_config(FAIRNESS)
    parts = chunks(frame, 1000)
    bad = parts[2].assign(score=parts[2]["score"].astype(object))
    bad.loc[bad.index[0], "score"] = "n/a"
    with pytest.raises(InputError, match=r"Score column 'score' has non-numeric values .* \(in a chunk of the scored"):
        counts_from_chunks(parts[:2] + [bad], params)
    third = parts[2].assign(y=parts[2]["y"].replace(1.0, 2.0))                 # a third class, late
    with pytest.raises(InputError, match="Target column 'y' has 3 distinct values"):
        counts_from_chunks(parts[:2] + [third], params)
    words = parts[2].assign(y=parts[2]["y"].map({1.0: "yes", 0.0: "no"}))
    with pytest.raises(ConfigError, match="positive_class"):
        counts_from_chunks([words], params)
    with pytest.raises(InputError, match="Positive class 'yes' does not occur in target column 'y'"):
        counts_from_chunks(parts, FairnessParams.from_config(dict(FAIRNESS, positive_class="yes")))
    with pytest.raises(InputError, match="The scored dataset is empty"):
        counts_from_chunks([frame.iloc[:0], frame.iloc[:0]], params)
    with pytest.raises(InputError, match="Column 'gender' not found in the scored dataset"):
        counts_from_chunks([frame.drop(columns="gender")], params)
    many = frame.assign(age=np.arange(len(frame)))
    table = fairness_table(counts_from_chunks(chunks(many), params), params, run=RUN)
    reasons = table[table.attribute == "age"].reason.unique()
    assert any("Column 'age' has more than 500 distinct values" in r for r in reasons)
    assert (table.attribute == "gender").any()
    regression = PerformanceParams.from_config({"task": "regression", "target_column": "amount",
                                                "prediction_column": "predicted_amount"})
    text = parts[1].assign(amount=parts[1]["amount"].astype(object))
    text.loc[text.index[3], "amount"] = "unknown"
    with pytest.raises(InputError, match=r"Target column 'amount' has non-numeric values .* \(in a chunk"):
        stats_from_chunks([parts[0], text], regression)


# -- recipes ---------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    for name, n, seed in (("scored", 6000, 8), ("reference", 5000, 9)):
        frame = scored(n, seed)
        frame["time"] = frame["time"].astype("datetime64[us]")  # Spark reads no nanosecond Parquet timestamps
        frame["predicted"] = np.where(frame.score.isna(), np.nan, (frame.score >= 0.4).astype(float))
        frame["customer"] = np.arange(n) % 700                 # too many groups for a sensitive attribute
        frame.to_parquet(tmp_path / (name + ".parquet"), index=False)
    return tmp_path


def _fairness(files, name, recipe="compute-fairness", report=None, **config):
    out = str(files / (name + ".csv"))
    inputs = [("scored", str(files / "scored.parquet")), ("reference", str(files / "reference.parquet"))]
    outputs = [("metrics", out)] + ([("report", str(report))] if report else [])
    run_recipe(recipe, inputs, outputs, config=dict(FAIRNESS, **config))
    return pd.read_csv(out).set_index(FAIRNESS_KEY)


def test_recipes_stream_beyond_the_row_limit(files):
    exact = _fairness(files, "exact")
    streamed = _fairness(files, "streamed", max_rows_in_memory=1000, chunk_size=1000, report=files / "report")
    counted = ~exact.index.get_level_values("metric").isin(["roc_auc"])
    assert same(exact[counted], streamed, "value").all() and same(exact[counted], streamed, "status").all()
    assert os.path.exists(files / "report" / "report.html")
    config = {"target_column": "y", "score_column": "score", "time_column": "time", "max_rows_in_memory": 1000,
              "chunk_size": 1000}
    out, report = str(files / "performance.csv"), files / "performance_report"
    run_recipe("evaluate-model", [("scored", str(files / "scored.parquet"))], [("metrics", out), ("report", str(report))],
               config=config)
    table = pd.read_csv(out)
    assert "exact ROC AUC is in [" in table.reason[(table.metric == "roc_auc") & (table.window == "__all__")].iloc[0]
    with open(report / "metrics.json") as f:
        assert "streamed" in json.load(f)["charts"]["curves"]["note"]


@pytest.mark.spark
def test_spark_and_pandas_engines_give_the_same_fairness_rows(files):
    pytest.importorskip("pyspark", reason="PySpark is not installed (make test installs it)")
    if not java_available():
        pytest.skip("no Java runtime: install one (apt-get install -y default-jre-headless) to run the Spark engine")
    streamed = _fairness(files, "pandas", max_rows_in_memory=0, chunk_size=1000)
    spark = _fairness(files, "spark", recipe="compute-fairness-spark")
    assert list(spark.index) == list(streamed.index)
    assert (spark.index.get_level_values("metric") == "disparate_impact_shift").any()
    for column in TABLE_COLUMNS + ("convention",):
        assert same(streamed, spark, column).all(), column
    config = dict(sensitive_columns=["gender", "customer"], prediction_column="predicted")
    streamed = _fairness(files, "pandas2", max_rows_in_memory=0, chunk_size=1000, **config)
    spark = _fairness(files, "spark2", recipe="compute-fairness-spark", **config)
    assert streamed.reason.str.contains("Column 'customer' has more than 500 distinct values").any()
    assert list(spark.index) == list(streamed.index)
    for column in TABLE_COLUMNS:
        assert same(streamed, spark, column).all(), column

"""Performance engine: equal to scikit-learn, windows, baseline, bad input."""
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from model_guardrails.errors import ConfigError, InputError
from model_guardrails.performance import PerformanceParams, evaluate_model
from model_guardrails.table import RunInfo

RUN = RunInfo(run_id="r1", run_time="2025-01-01T00:00:00Z")


def log_loss(y, p):
    try:
        return skm.log_loss(y, y_proba=p)
    except TypeError:  # scikit-learn < 1.9
        return skm.log_loss(y, p)


SKLEARN = {
    "roc_auc": lambda y, p, s: skm.roc_auc_score(y, s),
    "average_precision": lambda y, p, s: skm.average_precision_score(y, s),
    "log_loss": lambda y, p, s: log_loss(y, s),
    "brier_score": lambda y, p, s: skm.brier_score_loss(y, s),
    "accuracy": lambda y, p, s: skm.accuracy_score(y, p),
    "precision": lambda y, p, s: skm.precision_score(y, p),
    "recall": lambda y, p, s: skm.recall_score(y, p),
    "f1": lambda y, p, s: skm.f1_score(y, p),
}


def params(**config):
    base = dict(target_column="is_fraud", score_column="score", prediction_column="prediction")
    base.update(config)
    return PerformanceParams.from_config(base)


def rows(frame, window="__all__"):
    return frame[frame["window"] == window].set_index("metric")


@pytest.mark.parametrize("metric", sorted(SKLEARN))
def test_binary_metrics_equal_scikit_learn_overall_and_per_window(scored, metric):
    # Rounded scores create ties, which AUC and average precision must handle as scikit-learn does.
    scored = scored.assign(score=scored["score"].round(2))
    out = evaluate_model(scored, params(time_column="transaction_date", time_granularity="month"), run=RUN).table
    expected = SKLEARN[metric](scored["is_fraud"], scored["prediction"], scored["score"].to_numpy())
    row = rows(out).loc[metric]
    assert row["value"] == pytest.approx(expected, abs=1e-9)
    assert row["ci_low"] <= row["value"] <= row["ci_high"]
    months = scored["transaction_date"].dt.strftime("%Y-%m")
    for month, part in scored.groupby(months):
        expected = SKLEARN[metric](part["is_fraud"], part["prediction"], part["score"].to_numpy())
        assert rows(out, month).loc[metric, "value"] == pytest.approx(expected, abs=1e-9), month
        assert rows(out, month).loc[metric, "n"] == len(part)


def test_regression_metrics_equal_scikit_learn():
    rng = np.random.default_rng(3)
    y = rng.normal(100, 20, 3000)
    frame = pd.DataFrame({"y": y, "yhat": y + rng.normal(0, 8, 3000), "day": pd.Timestamp("2024-03-01")
                          + pd.to_timedelta(rng.integers(0, 21, 3000), unit="D")})
    out = evaluate_model(frame, PerformanceParams.from_config(dict(
        task="regression", target_column="y", prediction_column="yhat", time_column="day",
        time_granularity="week", bounds=[{"metric": "rmse", "warning_threshold": 8.5, "error_threshold": 9}])),
        run=RUN).table
    overall = rows(out)
    assert overall.loc["rmse", "value"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, frame["yhat"])), abs=1e-9)
    assert overall.loc["mae", "value"] == pytest.approx(skm.mean_absolute_error(y, frame["yhat"]), abs=1e-9)
    assert overall.loc["r2", "value"] == pytest.approx(skm.r2_score(y, frame["yhat"]), abs=1e-9)
    assert overall.loc["r2", "ci_low"] < overall.loc["r2", "value"] < overall.loc["r2", "ci_high"]
    assert overall.loc["rmse", "direction"] == "above"
    weeks = sorted(set(out["window"]) - {"__all__"})
    assert weeks[0] == "2024-02-26"  # 2024-03-01 is a Friday: its week starts on Monday 26 Feb
    monday = frame["day"] - pd.to_timedelta(frame["day"].dt.dayofweek, unit="D")
    part = frame[monday == pd.Timestamp("2024-03-04")]
    assert rows(out, "2024-03-04").loc["r2", "value"] == pytest.approx(skm.r2_score(part["y"], part["yhat"]), abs=1e-9)


def test_default_bound_and_baseline_value(scored):
    out = evaluate_model(scored, params(baseline_value="roc_auc=0.99, f1: 0.5"), run=RUN).table
    auc = rows(out).loc["roc_auc"]
    assert auc["error_threshold"] == 0.88 and auc["direction"] == "below"
    assert auc["status"] == ("ERROR" if auc["value"] < 0.88 else "OK")
    assert auc["baseline_value"] == 0.99 and auc["change"] == pytest.approx(auc["value"] - 0.99)
    assert auc["change_relative"] == pytest.approx((auc["value"] - 0.99) / 0.99)
    assert rows(out).loc["f1", "baseline_value"] == 0.5
    assert np.isnan(rows(out).loc["accuracy", "baseline_value"])


def test_baseline_from_an_earlier_run(scored):
    earlier = pd.concat([
        evaluate_model(scored, params(), run=RunInfo("old", "2024-01-01T00:00:00Z")).table.assign(value=0.5),
        evaluate_model(scored, params(), run=RunInfo("new", "2024-06-01T00:00:00Z")).table.assign(value=0.7),
    ])
    out = evaluate_model(scored, params(baseline_value=0.95), baseline=earlier, run=RUN).table
    assert rows(out).loc["roc_auc", "baseline_value"] == 0.95  # the parameter wins
    assert rows(out).loc["f1", "baseline_value"] == 0.7  # the latest run of the baseline dataset
    with pytest.raises(InputError, match="Baseline dataset has no 'metric' column"):
        evaluate_model(scored, params(), baseline=pd.DataFrame({"x": [1]}), run=RUN)


def test_prediction_only_leaves_score_metrics_empty(scored):
    out = evaluate_model(scored, params(score_column=""), run=RUN).table
    auc = rows(out).loc["roc_auc"]
    assert auc["status"] == "EMPTY" and "needs a score column" in auc["reason"]
    assert rows(out).loc["accuracy", "status"] != "EMPTY"


def test_single_class_target_makes_auc_empty(scored):
    part = scored[scored["is_fraud"] == 1]
    out = evaluate_model(part, params(), run=RUN).table
    auc = rows(out).loc["roc_auc"]
    assert auc["status"] == "EMPTY" and "no actual negatives" in auc["reason"]
    assert rows(out).loc["recall", "status"] != "EMPTY"


def test_missing_values_are_excluded_and_counted(scored):
    scored = scored.copy()
    scored.loc[:9, "score"] = np.nan
    scored.loc[10:14, "is_fraud"] = np.nan
    out = evaluate_model(scored, params(), run=RUN).table
    row = rows(out).loc["roc_auc"]
    assert row["n"] == len(scored) - 15 and "15 of 4000 rows excluded" in row["reason"]


def test_threshold_on_score(scored):
    out = evaluate_model(scored, params(prediction_column="", threshold=0.3), run=RUN).table
    expected = skm.recall_score(scored["is_fraud"], scored["score"] >= 0.3)
    assert rows(out).loc["recall", "value"] == pytest.approx(expected)


@pytest.mark.parametrize("change,message", [
    (dict(score=lambda f: f["score"] * 2), "Score column 'score' has .* values outside \\[0, 1\\]"),
    (dict(is_fraud=lambda f: f["is_fraud"] + np.arange(len(f)) % 3), "Target column 'is_fraud' has 4 distinct"),
    (dict(transaction_date="not a date"), "Time column 'transaction_date' has no parseable date"),
])
def test_bad_inputs(scored, change, message):
    with pytest.raises(InputError, match=message):
        evaluate_model(scored.assign(**change), params(time_column="transaction_date"), run=RUN)


@pytest.mark.parametrize("config,field", [
    (dict(task="multiclass"), "task"),
    (dict(score_column="", prediction_column=""), "score_column"),
    (dict(task="regression", prediction_column=""), "prediction_column"),
    (dict(metrics=["rmse"]), "metrics"),
    (dict(baseline_value="auc=0.9"), "baseline_value"),
    (dict(bounds={"f1": "0.5"}), "bounds"),
    (dict(bounds=[{"metric": "rmse", "error_threshold": 9}]), r"bounds\[\]\.metric"),
    (dict(bounds=[{"metric": "f1", "warning_threshold": 0.5, "error_threshold": 0.6}]), r"bounds\[f1\]"),
    (dict(time_granularity="hour"), "time_granularity"),
    (dict(time_unit="epoch_hours"), "time_unit"),
])
def test_bad_config_names_the_field(config, field):
    with pytest.raises(ConfigError, match="Parameter '{}'".format(field)):
        params(**config)


# -- time columns holding numbers (issue 14, item 5) -----------------------------------------

def _epoch(scored, per_second=1, as_text=False):
    seconds = (scored["transaction_date"] - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s")
    values = seconds * per_second
    return scored.assign(transaction_date=values.astype(str) if as_text else values)


def _windows(frame):
    return frame[frame["window"] != "__all__"].set_index(["window", "metric"])[["value", "n", "status"]]


def _both_engines(frame, **config):
    """The in-memory table and the streamed one (chunks of 700 rows)."""
    from model_guardrails.performance import performance_table
    from model_guardrails.performance.engines.chunks import stats_from_chunks

    p = params(time_column="transaction_date", time_granularity="month", **config)
    streamed = performance_table(
        stats_from_chunks([frame.iloc[i:i + 700] for i in range(0, len(frame), 700)], p).stats, p, run=RUN)
    return evaluate_model(frame, p, run=RUN).table, streamed


def test_evaluate_chooses_the_engine_from_the_params_engine_settings(scored):
    """evaluate: the in-memory engine when the glue found the rows in memory within the params'
    max_rows_in_memory, else the chunked engine over the source's chunks."""
    from types import SimpleNamespace

    from model_guardrails.performance import evaluate, performance_table
    from model_guardrails.performance.engines.chunks import stats_from_chunks

    parts = [scored.iloc[i:i + 700] for i in range(0, len(scored), 700)]

    def source(n_rows):
        return SimpleNamespace(n_rows=n_rows, frame=lambda: scored, chunks=lambda: parts)

    p = params(max_rows_in_memory=len(scored))
    assert p.engine.max_rows_in_memory == len(scored)
    in_memory = evaluate(source(len(scored)), p, run=RUN)
    pd.testing.assert_frame_equal(in_memory.table, evaluate_model(scored, p, run=RUN).table)
    assert "note" not in in_memory.curves
    streamed = evaluate(source(None), p, run=RUN)
    pd.testing.assert_frame_equal(streamed.table, performance_table(stats_from_chunks(parts, p).stats, p, run=RUN))
    assert "streamed" in streamed.curves["note"]
    too_many = evaluate(source(len(scored)), params(max_rows_in_memory=len(scored) - 1), run=RUN)
    assert "streamed" in too_many.curves["note"]


def test_epoch_numbers_are_refused_unless_time_unit_says_so(scored):
    # read as dates, 1704067200 (2024-01-01) would be 1.7 s after 1970-01-01: every row in window 1970-01
    message = ("Time column 'transaction_date' holds numbers \\(e.g. 17[0-9]{8}\\), not dates. Accepted: dates or "
               "timestamps \\(a DSS date column, or text such as 2024-05-01 .*numbers only with time_unit "
               "epoch_seconds or epoch_milliseconds")
    for engine in (0, 1):
        with pytest.raises(InputError, match=message):
            _both_engines(_epoch(scored))[engine]
    with pytest.raises(InputError, match="has no parseable date \\(e.g. '17[0-9]{8}'\\). Accepted: dates or"):
        _both_engines(_epoch(scored, as_text=True))
    with pytest.raises(InputError, match="holds dates .* but time_unit is epoch_seconds: set time_unit to dates"):
        _both_engines(scored, time_unit="epoch_seconds")


@pytest.mark.parametrize("unit,per_second,as_text", [("epoch_seconds", 1, False), ("epoch_milliseconds", 1000, False),
                                                     ("epoch_seconds", 1, True)])
def test_epoch_numbers_with_time_unit_give_the_date_windows(scored, unit, per_second, as_text):
    for dates, epochs in zip(_both_engines(scored), _both_engines(_epoch(scored, per_second, as_text), time_unit=unit)):
        expected = _windows(dates)
        assert sorted(set(expected.index.get_level_values("window"))) == ["2024-01", "2024-02", "2024-03"]
        assert _windows(epochs).equals(expected)


def test_recipe_reads_time_unit(scored, tmp_path):
    from dss_local.runtime import run_recipe

    _epoch(scored, 1000).to_parquet(tmp_path / "scored.parquet", index=False)
    out = str(tmp_path / "metrics.csv")
    run_recipe("evaluate-model", [("scored", str(tmp_path / "scored.parquet"))], [("metrics", out)],
               config=dict(target_column="is_fraud", score_column="score", time_column="transaction_date",
                           time_granularity="month", time_unit="epoch_milliseconds"))
    assert sorted(set(pd.read_csv(out)["window"])) == ["2024-01", "2024-02", "2024-03", "__all__"]


# -- interval widths against a bootstrap (issue 15 item 4) -------------------------------------
# The delta-method standard error of F1 and R² must match the spread of the statistic over seeded
# bootstrap resamples of the rows. Tolerance 6%: with B = 4000 resamples the bootstrap standard
# deviation has a relative Monte Carlo error of about 1/sqrt(2B) = 1.1% (so 6% is > 5 of them), and
# the delta method and the bootstrap agree to O(1/n) at these n; an interval missing its covariance
# term is 2-3 times too wide.
BOOTSTRAP = 4000


def half_width_in_standard_errors(row):
    from model_guardrails.stats.intervals import z_value

    return (row["ci_high"] - row["ci_low"]) / (2 * z_value(0.95))


@pytest.mark.parametrize("window", ["__all__", "2024-02"])
def test_f1_interval_width_matches_a_bootstrap(scored, window):
    out = evaluate_model(scored, params(time_column="transaction_date", time_granularity="month"), run=RUN).table
    if window != "__all__":
        scored = scored[scored["transaction_date"].dt.strftime("%Y-%m") == window]
    y, p = scored["is_fraud"].to_numpy(), scored["prediction"].to_numpy()
    # resampling rows = drawing the four confusion cells' counts from a multinomial
    cells = np.array([((y == 0) & (p == 0)).sum(), ((y == 0) & (p == 1)).sum(), ((y == 1) & (p == 0)).sum(),
                      ((y == 1) & (p == 1)).sum()])
    tn, fp, fn, tp = np.random.default_rng(11).multinomial(cells.sum(), cells / cells.sum(), size=BOOTSTRAP).T
    spread = (2 * tp / (2 * tp + fp + fn)).std(ddof=1)
    assert half_width_in_standard_errors(rows(out, window).loc["f1"]) == pytest.approx(spread, rel=0.06)


def test_r2_interval_width_matches_a_bootstrap():
    rng = np.random.default_rng(3)
    y = rng.normal(100, 20, 3000)
    yhat = y + rng.normal(0, 1, 3000) * 0.4 * np.abs(y - 100)  # errors grow with |y - ȳ|: Σe² and Σd covary
    out = evaluate_model(pd.DataFrame({"y": y, "yhat": yhat}), PerformanceParams.from_config(dict(
        task="regression", target_column="y", prediction_column="yhat")), run=RUN).table
    index = np.random.default_rng(12).integers(0, len(y), size=(BOOTSTRAP, len(y)))
    ys, errors = y[index], (yhat - y)[index]
    r2 = 1 - (errors ** 2).sum(axis=1) / ((ys - ys.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    assert half_width_in_standard_errors(rows(out).loc["r2"]) == pytest.approx(r2.std(ddof=1), rel=0.06)


# -- a window without the positive class (issue 15, item 1) -----------------------------------

def test_positive_class_absent_from_the_run_degrades_to_empty(scored):
    frame = scored.assign(is_fraud=0)
    note = "positive class '1' does not occur in target column 'is_fraud' (classes seen: '0')"
    for out in _both_engines(frame):
        for window in ("__all__", "2024-02"):
            table = rows(out, window)
            for metric in ("roc_auc", "average_precision", "recall"):
                row = table.loc[metric]
                assert row["status"] == "EMPTY" and note in row["reason"], (window, metric, row["reason"])
            assert table.loc["accuracy", "status"] != "EMPTY" and note not in table.loc["accuracy", "reason"]
            assert table.loc["log_loss", "status"] != "EMPTY"


def test_misconfigured_positive_class_still_fails(scored):
    with pytest.raises(InputError, match="which has the two classes '0', '1': set positive_class to one of them"):
        evaluate_model(scored, params(positive_class="yes"), run=RUN)
    with pytest.raises(InputError, match="cannot be a class of target column 'is_fraud', which holds numbers"):
        evaluate_model(scored.assign(is_fraud=0), params(positive_class="yes"), run=RUN)

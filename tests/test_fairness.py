"""Fairness engine: hand-checked toy data, invariances, bad input, bias shift."""
import numpy as np
import pandas as pd
import pytest

from model_guardrails.errors import ConfigError, InputError
from model_guardrails.fairness import FairnessParams, compute_fairness
from model_guardrails.table import RunInfo

RUN = RunInfo(run_id="r1", run_time="2025-01-01T00:00:00Z")

# Toy table checkable by hand. Group a: 4 rows, TP=2 FN=0 FP=1 TN=1; group b: 4 rows, TP=1 FN=1 FP=0 TN=2.
TOY = pd.DataFrame({
    "g":    ["a", "a", "a", "a", "b", "b", "b", "b"],
    "y":    [1,   1,   0,   0,   1,   1,   0,   0],
    "pred": [1,   1,   1,   0,   1,   0,   0,   0],
    "s":    [0.9, 0.8, 0.7, 0.2, 0.6, 0.4, 0.5, 0.1],
})


def params(**config):
    base = dict(target_column="y", prediction_column="pred", sensitive_columns=["g"], min_group_size=1)
    base.update(config)
    return FairnessParams.from_config(base)


def value(frame, group, metric, attribute=None):
    rows = frame[(frame["group"] == group) & (frame["metric"] == metric)]
    if attribute is not None:
        rows = rows[rows["attribute"] == attribute]
    assert len(rows) == 1, (group, metric, len(rows))
    return rows.iloc[0]


def test_toy_group_rates_by_hand():
    out = compute_fairness(TOY, params(score_column="s"), run=RUN)
    expected = {  # (group, metric): value
        ("a", "selection_rate"): 3 / 4, ("b", "selection_rate"): 1 / 4,
        ("a", "base_rate"): 2 / 4, ("a", "tpr"): 1.0, ("b", "tpr"): 0.5,
        ("a", "fpr"): 0.5, ("b", "fpr"): 0.0, ("a", "tnr"): 0.5, ("b", "fnr"): 0.5,
        ("a", "ppv"): 2 / 3, ("b", "ppv"): 1.0, ("a", "npv"): 1.0, ("b", "npv"): 2 / 3,
        ("a", "accuracy"): 3 / 4, ("b", "accuracy"): 3 / 4, ("a", "count"): 4,
        ("a", "roc_auc"): 1.0, ("b", "roc_auc"): 0.75, ("__overall__", "selection_rate"): 0.5,
    }
    for (group, metric), number in expected.items():
        assert value(out, group, metric)["value"] == pytest.approx(number), (group, metric)
    # Reference = highest selection rate = a; b's selection rate is a third of a's.
    row = value(out, "b", "selection_rate")
    assert row["reference_group"] == "a"
    assert row["ratio_to_reference"] == pytest.approx(1 / 3)
    assert row["difference_to_reference"] == pytest.approx(-0.5)
    assert row["ci_low"] < 0.25 < row["ci_high"]


def test_toy_summaries_by_hand():
    out = compute_fairness(TOY, params(), run=RUN)
    summary = out[out["group"] == "__summary__"].set_index("metric")
    assert summary.loc["disparate_impact", "value"] == pytest.approx(1 / 3)
    assert summary.loc["disparate_impact", "status"] == "ERROR"
    assert summary.loc["demographic_parity_difference", "value"] == pytest.approx(0.5)
    assert summary.loc["equal_opportunity_difference", "value"] == pytest.approx(0.5)
    assert summary.loc["equalized_odds_difference", "value"] == pytest.approx(0.5)
    assert summary.loc["average_odds_difference", "value"] == pytest.approx(0.5)
    assert summary.loc["predictive_parity_difference", "value"] == pytest.approx(1 / 3)
    assert summary.loc["predictive_parity_difference", "status"] == "ERROR"
    assert list(out.columns) == [
        "run_id", "run_time", "attribute", "group", "metric", "value", "warning_threshold", "error_threshold",
        "direction", "status", "reason", "n", "ci_low", "ci_high", "reference_group", "ratio_to_reference",
        "difference_to_reference", "convention"]


def test_aif360_convention_is_signed_unprivileged_minus_privileged():
    out = compute_fairness(TOY, params(convention="aif360", reference_group="a"), run=RUN)
    summary = out[out["group"] == "__summary__"].set_index("metric")["value"]
    assert summary["disparate_impact"] == pytest.approx(1 / 3)
    assert summary["demographic_parity_difference"] == pytest.approx(-0.5)
    assert summary["average_odds_difference"] == pytest.approx(0.5 * ((0 - 0.5) + (0.5 - 1)))


def test_string_and_boolean_labels():
    frame = TOY.assign(y=np.where(TOY["y"] == 1, "fraud", "ok"), pred=np.where(TOY["pred"] == 1, "fraud", "ok"))
    out = compute_fairness(frame, params(positive_class="fraud"), run=RUN)
    assert value(out, "b", "tpr")["value"] == 0.5
    frame = TOY.assign(y=TOY["y"] == 1, pred=TOY["pred"] == 1)
    out = compute_fairness(frame, params(), run=RUN)  # booleans: positive class inferred as true
    assert value(out, "b", "tpr")["value"] == 0.5


def test_threshold_on_score_when_no_prediction_column():
    out = compute_fairness(TOY, params(prediction_column="", score_column="s", threshold=0.5), run=RUN)
    assert value(out, "b", "selection_rate")["value"] == 0.5  # 0.6 and 0.5 are >= 0.5


def summaries(frame):
    rows = frame[frame["group"] == "__summary__"]
    return dict(zip(rows["attribute"] + "/" + rows["metric"], rows["value"]))


def test_permuting_rows_changes_nothing(scored):
    p = params(target_column="is_fraud", prediction_column="prediction", score_column="score",
               sensitive_columns=["gender", "age_band"], min_group_size=30)
    a = compute_fairness(scored, p, run=RUN)
    b = compute_fairness(scored.sample(frac=1, random_state=3).reset_index(drop=True), p, run=RUN)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_relabelling_groups_changes_no_summary(scored):
    p = params(target_column="is_fraud", prediction_column="prediction", score_column="score",
               sensitive_columns=["gender"], min_group_size=30)
    a = summaries(compute_fairness(scored, p, run=RUN))
    b = summaries(compute_fairness(scored.assign(gender=scored["gender"].map({"F": "zz", "M": "aa"})), p, run=RUN))
    assert a == pytest.approx(b)


def test_identical_groups_give_disparate_impact_one(scored):
    doubled = pd.concat([scored.assign(group="x"), scored.assign(group="y")], ignore_index=True)
    out = compute_fairness(doubled, params(target_column="is_fraud", prediction_column="prediction",
                                           sensitive_columns=["group"]), run=RUN)
    s = out[out["group"] == "__summary__"].set_index("metric")["value"]
    assert s["disparate_impact"] == 1.0
    assert s["demographic_parity_difference"] == 0.0 and s["equalized_odds_difference"] == 0.0


def test_built_in_gap_is_flagged(scored):
    out = compute_fairness(scored, params(target_column="is_fraud", prediction_column="prediction",
                                          sensitive_columns=["gender", "age_band"], min_group_size=30), run=RUN)
    row = value(out, "__summary__", "disparate_impact", attribute="gender")
    assert row["status"] == "ERROR" and row["reference_group"] == "M"
    assert value(out, "__summary__", "disparate_impact", attribute="age_band")["status"] != "ERROR"
    assert "gender & age_band" in set(out["attribute"])


def test_missing_sensitive_values_form_their_own_group():
    frame = TOY.assign(g=["a", None, "a", "a", "b", "b", np.nan, "b"])
    out = compute_fairness(frame, params(), run=RUN)
    assert value(out, "(missing)", "count")["value"] == 2


def test_small_groups_are_reported_empty_and_left_out():
    frame = pd.concat([TOY] * 10, ignore_index=True)
    frame.loc[:2, "g"] = "tiny"
    out = compute_fairness(frame, params(min_group_size=5), run=RUN)
    tiny = value(out, "tiny", "selection_rate")
    assert tiny["status"] == "EMPTY" and "min_group_size 5" in tiny["reason"] and tiny["value"] == 1.0
    di = value(out, "__summary__", "disparate_impact")
    assert "'tiny' (3 rows)" in di["reason"] and di["status"] == "ERROR"


def test_group_without_positives_gets_empty_tpr_not_zero():
    frame = TOY.assign(y=[1, 1, 0, 0, 0, 0, 0, 0])
    out = compute_fairness(frame, params(score_column="s"), run=RUN)
    tpr = value(out, "b", "tpr")
    assert np.isnan(tpr["value"]) and tpr["status"] == "EMPTY" and "no actual positives" in tpr["reason"]
    auc = value(out, "b", "roc_auc")
    assert auc["status"] == "EMPTY" and "ROC AUC is undefined" in auc["reason"]


def test_single_group_gives_empty_summaries():
    out = compute_fairness(TOY.assign(g="a"), params(), run=RUN)
    di = value(out, "__summary__", "disparate_impact")
    assert di["status"] == "EMPTY" and "only one group ('a')" in di["reason"]


def test_all_predictions_negative():
    out = compute_fairness(TOY.assign(pred=0), params(), run=RUN)
    di = value(out, "__summary__", "disparate_impact")
    assert di["status"] == "EMPTY" and "selection rate is 0 in every group" in di["reason"]
    assert value(out, "a", "ppv")["status"] == "EMPTY"


def test_rows_with_missing_target_or_score_are_excluded_and_counted():
    frame = TOY.assign(y=[1, None, 0, 0, 1, 1, 0, 0], s=[0.9, 0.8, 0.7, np.nan, 0.6, 0.4, 0.5, 0.1])
    out = compute_fairness(frame, params(score_column="s"), run=RUN)
    row = value(out, "__overall__", "count")
    assert row["value"] == 6 and "2 of 8 rows excluded" in row["reason"]
    assert "1 rows with missing 'y'" in row["reason"] and "1 rows with missing 's'" in row["reason"]


def test_high_cardinality_column_is_capped_with_a_message():
    frame = pd.concat([TOY] * 80, ignore_index=True)
    frame["zip"] = np.arange(len(frame)).astype(str)
    out = compute_fairness(frame, params(sensitive_columns=["g", "zip"]), run=RUN)
    row = value(out, "__summary__", "disparate_impact", attribute="zip")
    assert row["status"] == "EMPTY" and "Column 'zip' has 640 distinct values" in row["reason"]
    assert value(out, "__summary__", "disparate_impact", attribute="g")["status"] == "ERROR"
    with pytest.raises(InputError, match="Column 'zip' has 640 distinct values"):
        compute_fairness(frame, params(sensitive_columns=["zip"]), run=RUN)


@pytest.mark.parametrize("change,message", [
    (dict(y=[0, 1, 2, 0, 1, 1, 0, 0]), "Target column 'y' has 3 distinct values"),
    (dict(y=["p", "q", "p", "q", "p", "q", "p", "q"]), "Parameter 'positive_class'"),
    (dict(s=[0.9, 0.8, 1.7, 0.2, 0.6, 0.4, 0.5, 0.1]), "Score column 's' has 1 values outside \\[0, 1\\]"),
    (dict(s=["x", 0.8, 0.7, 0.2, 0.6, 0.4, 0.5, 0.1]), "Score column 's' has non-numeric values \\(e.g. 'x'"),
    (dict(pred=[0, 1, 2, 1, 0, 1, 0, 1]), "Prediction column 'pred' has 3 distinct values"),
])
def test_bad_inputs_name_the_column(change, message):
    with pytest.raises((InputError, ConfigError), match=message):
        compute_fairness(TOY.assign(**change), params(score_column="s"), run=RUN)


def test_absent_positive_class_and_missing_columns():
    with pytest.raises(InputError, match="Positive class 'yes' does not occur in target column 'y'"):
        compute_fairness(TOY, params(positive_class="yes"), run=RUN)
    with pytest.raises(InputError, match="Column 'nope' not found in the scored dataset"):
        compute_fairness(TOY, params(sensitive_columns=["nope"]), run=RUN)
    with pytest.raises(InputError, match="scored dataset is empty"):
        compute_fairness(TOY.iloc[:0], params(), run=RUN)


@pytest.mark.parametrize("config,field", [
    (dict(target_column=""), "target_column"),
    (dict(prediction_column=""), "prediction_column"),
    (dict(sensitive_columns=[]), "sensitive_columns"),
    (dict(metrics=["bogus"]), "metrics"),
    (dict(convention="aif360", reference_group="overall"), "reference_group"),
    (dict(min_group_size=0), "min_group_size"),
    (dict(confidence_level=1.5), "confidence_level"),
    (dict(disparate_impact_warning=0.7, disparate_impact_error=0.8), "disparate_impact_warning / disparate_impact_error"),
])
def test_bad_config_names_the_field(config, field):
    with pytest.raises(ConfigError, match="Parameter '{}'".format(field)):
        params(**config)


def test_unknown_named_reference_group():
    with pytest.raises(ConfigError, match="Parameter 'reference_group'.*groups: 'a', 'b'"):
        compute_fairness(TOY, params(reference_group="zz"), run=RUN)


def test_named_and_overall_reference_groups():
    out = compute_fairness(TOY, params(reference_group="b"), run=RUN)
    assert value(out, "a", "selection_rate")["ratio_to_reference"] == pytest.approx(3.0)
    out = compute_fairness(TOY, params(reference_group="overall"), run=RUN)
    row = value(out, "a", "selection_rate")
    assert row["reference_group"] == "__overall__" and row["difference_to_reference"] == pytest.approx(0.25)


def test_int_params_arriving_as_floats():
    assert params(min_group_size=30.0).min_group_size == 30


def test_bias_shift_rows(scored):
    p = params(target_column="is_fraud", prediction_column="prediction", sensitive_columns=["gender"],
               min_group_size=30)
    from tests.conftest import make_scored
    fair_reference = make_scored(gap=0.0, seed=8)
    out = compute_fairness(scored, p, reference=fair_reference, run=RUN)
    shift = value(out, "__summary__", "disparate_impact_shift")
    assert shift["value"] < -0.1 and shift["status"] == "ERROR" and shift["direction"] == "below"
    dpd = value(out, "__summary__", "demographic_parity_difference_shift")
    assert dpd["value"] > 0.1 and dpd["status"] == "ERROR" and dpd["direction"] == "above"
    same = compute_fairness(scored, p, reference=scored, run=RUN)
    assert value(same, "__summary__", "disparate_impact_shift")["value"] == 0.0


# -- a window without the positive class (issue 15, item 1) -----------------------------------

NO_FRAUD = TOY.assign(y=["legit"] * 8)
NO_FRAUD_NOTE = "positive class 'fraud' does not occur in target column 'y' (classes seen: 'legit')"


def _fairness_engines(frame, p, tmp_path):
    """The in-memory table, the streamed one (chunks of 3 rows) and, when Spark runs here, Spark's."""
    from model_guardrails.fairness import counts_from_chunks, fairness_table

    tables = {"memory": compute_fairness(frame, p, run=RUN),
              "chunks": fairness_table(counts_from_chunks([frame.iloc[i:i + 3] for i in range(0, len(frame), 3)], p),
                                       p, run=RUN)}
    try:
        import pyspark  # noqa: F401
        from test_scale import _java
        java = _java()
    except ImportError:
        java = False
    if java:
        from dss_local.runtime import run_recipe

        frame.to_parquet(tmp_path / "scored.parquet", index=False)
        config = {k: v for k, v in vars(p).items() if k in ("target_column", "positive_class", "prediction_column",
                                                           "score_column", "min_group_size")}
        run_recipe("compute-fairness-spark", [("scored", str(tmp_path / "scored.parquet"))],
                   [("metrics", str(tmp_path / "spark.csv"))], config=dict(config, sensitive_columns=["g"]))
        tables["spark"] = pd.read_csv(tmp_path / "spark.csv", keep_default_na=False)
    return tables


def test_positive_class_absent_from_the_run_degrades_to_empty(tmp_path):
    p = params(score_column="s", positive_class="fraud", prediction_column="")
    for engine, out in _fairness_engines(NO_FRAUD, p, tmp_path).items():
        auc, tpr = value(out, "__overall__", "roc_auc"), value(out, "a", "tpr")
        for row in (auc, tpr, value(out, "__summary__", "equal_opportunity_difference")):
            assert row["status"] == "EMPTY" and NO_FRAUD_NOTE in row["reason"], (engine, row.to_dict())
        assert "no actual positives" in auc["reason"], engine
        assert value(out, "a", "selection_rate")["status"] == "OK", engine
        assert float(value(out, "b", "fpr")["value"]) == pytest.approx(0.5), engine   # 0.6 and 0.5 ≥ 0.5 in b
        assert NO_FRAUD_NOTE not in value(out, "a", "fpr")["reason"], engine  # defined rows say nothing


def test_zero_one_target_without_positives_degrades_with_the_inferred_class():
    out = compute_fairness(TOY.assign(y=0), params(score_column="s"), run=RUN)
    row = value(out, "__overall__", "roc_auc")
    assert row["status"] == "EMPTY"
    assert "positive class '1' does not occur in target column 'y' (classes seen: '0')" in row["reason"]


@pytest.mark.parametrize("frame,positive,message", [
    (TOY, "yes", r"Positive class 'yes' does not occur in target column 'y', which has the two classes '0', '1': "
                 r"set positive_class to one of them"),
    (TOY.assign(y=0), "yes", r"Positive class 'yes' cannot be a class of target column 'y', which holds numbers or "
                             r"booleans \(values seen: '0'\): set positive_class to the positive label \(a number"),
    (NO_FRAUD, "1", r"Positive class '1' cannot be a class of target column 'y', which holds text \(values seen: "
                    r"'legit'\): set positive_class to the positive label \(a text"),
    # review finding: a one-class target whose class differs from positive_class only by case is a typo,
    # not a window without positives (its positives would be counted as negatives)
    (NO_FRAUD.assign(y="Fraud"), "fraud", r"whose only class is 'Fraud': did you mean 'Fraud'\?"),
])
def test_misconfigured_positive_class_still_fails_with_the_right_advice(frame, positive, message):
    with pytest.raises(InputError, match=message):
        compute_fairness(frame, params(positive_class=positive), run=RUN)


def test_prediction_labels_other_than_the_two_classes_are_refused_when_the_positive_is_absent():
    with pytest.raises(InputError, match="Prediction column 'pred' has labels that are not target labels"):
        compute_fairness(NO_FRAUD.assign(pred="other"), params(positive_class="fraud"), run=RUN)
    out = compute_fairness(NO_FRAUD.assign(pred=["fraud", "legit"] * 4), params(positive_class="fraud"), run=RUN)
    assert value(out, "__overall__", "selection_rate")["value"] == pytest.approx(0.5)


def test_reference_without_the_positive_class_explains_the_empty_shifts():
    scored = TOY.assign(y=TOY["y"].map({1: "fraud", 0: "legit"}))
    out = compute_fairness(scored, params(score_column="s", positive_class="fraud", prediction_column=""),
                           reference=NO_FRAUD, run=RUN)
    shift = value(out, "__summary__", "equal_opportunity_difference_shift")
    assert shift["status"] == "EMPTY" and "reference dataset: " + NO_FRAUD_NOTE in shift["reason"]
    assert value(out, "a", "tpr")["status"] == "OK" and NO_FRAUD_NOTE not in value(out, "a", "tpr")["reason"]


# -- the engine choice (fairness.counts_of) ----------------------------------------------------

class _Source:
    """A dataset as the glue reports it; records which way it is read."""

    def __init__(self, frame, n_rows, chunk_rows=3):
        self.data, self.n_rows, self.chunk_rows, self.read = frame, n_rows, chunk_rows, []

    def frame(self):
        self.read.append("frame")
        return self.data

    def chunks(self):
        self.read.append("chunks")
        return [self.data.iloc[i:i + self.chunk_rows] for i in range(0, len(self.data), self.chunk_rows)]


def test_the_core_chooses_the_engine_from_what_the_glue_found():
    from model_guardrails.fairness import counts_of, engine_for, fairness_table
    from model_guardrails.fairness.engines import chunks, memory, spark

    p = params(score_column="s", max_rows_in_memory=8)
    assert p.engine.max_rows_in_memory == 8 and not p.engine.spark
    assert (engine_for(p, 8), engine_for(p, 0), engine_for(p, None)) == (memory, memory, chunks)
    on_spark = FairnessParams.from_config(dict(target_column="y", prediction_column="pred", sensitive_columns=["g"]),
                                          spark=True)
    assert on_spark.engine.max_rows_in_memory == 0 and on_spark.engine.spark
    assert (engine_for(on_spark, 0), engine_for(on_spark, None)) == (spark, spark)
    spark_limit = FairnessParams.from_config(dict(target_column="y", prediction_column="pred", sensitive_columns=["g"],
                                                  max_rows_in_memory=8), spark=True)
    assert (engine_for(spark_limit, 8), engine_for(spark_limit, 9)) == (memory, spark)
    expected = compute_fairness(TOY, p, run=RUN)
    for n_rows, read in ((8, ["frame"]), (None, ["chunks"])):
        source = _Source(TOY, n_rows)
        pd.testing.assert_frame_equal(fairness_table(counts_of(source, p, "scored"), p, run=RUN), expected)
        assert source.read == read

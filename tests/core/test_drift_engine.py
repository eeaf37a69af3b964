"""compute_drift: the table, the decision rule, multiple testing and bad input."""
import numpy as np
import pandas as pd
import pytest

from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.drift.table import SMALL_SAMPLE, adjust_pvalues
from model_guardrails.errors import ConfigError, InputError
from model_guardrails.table import RunInfo

RUN = RunInfo("run-1", "2026-11-26T00:00:00Z")
# the decision before issue 16, still available by name
OLD_DECISION = dict(numeric_decision_metric="wasserstein_norm", categorical_decision_metric="js_distance")


def drift(reference, current, **config):
    return compute_drift(reference, current, DriftParams.from_config(config), RUN).table


def row(table, feature, metric):
    found = table[(table.feature == feature) & (table.metric == metric)]
    assert len(found) == 1, (feature, metric)
    return found.iloc[0]


def test_table_contract(frames):
    table = drift(*frames)
    assert list(table.columns) == ["run_id", "run_time", "feature", "feature_type", "metric", "value",
                                   "warning_threshold", "error_threshold", "direction", "status", "reason",
                                   "n_reference", "n_current", "convention", "decided_on", "decision_rule"]
    assert set(table.status) <= {"OK", "WARNING", "ERROR", "EMPTY"}
    assert (table.run_id == "run-1").all()
    assert (table.decision_rule == "mass-1").all()
    assert set(table.feature) == {"x", "y", "cat", "__dataset__"}
    assert row(table, "x", "drift_score").reason.startswith("decided on drift_mass; total variation ")
    assert row(table, "cat", "drift_score").reason.startswith("decided on drift_mass; total variation ")
    assert row(table, "x", "drift_score").decided_on == "drift_mass"
    assert row(table, "cat", "drift_score").decided_on == "drift_mass"
    old = drift(*frames, **OLD_DECISION)
    assert row(old, "x", "drift_score").reason == "decided on wasserstein_norm"
    assert row(old, "cat", "drift_score").reason == "decided on js_distance"
    assert row(old, "x", "drift_score").decided_on == "wasserstein_norm"
    assert row(old, "cat", "drift_score").decided_on == "js_distance"
    for frame in (table, old):
        assert (frame[frame.metric != "drift_score"].decided_on == "").all()
        assert (frame[frame.status == "EMPTY"].reason != "").all()


def test_default_decision_flags_the_shift_only(frames):
    table = drift(*frames)
    assert row(table, "x", "drift_score").status == "ERROR"   # mean shift of half a std
    assert row(table, "y", "drift_score").status == "OK"      # same distribution
    share = row(table, "__dataset__", "drift_share")
    assert share.value == pytest.approx(2 / 3)                 # x and cat (new category e)
    assert row(table, "__dataset__", "drifted_features").value == 2


def test_default_decision_ignores_noise_on_large_samples(rng):
    # 200k rows, no real change: p-values would flag some columns, the default rule must not
    n = 200_000
    ref = pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(list("abcdefgh"), n)})
    cur = pd.DataFrame({"a": rng.normal(size=n), "b": rng.choice(list("abcdefgh"), n)})
    table = drift(ref, cur)
    assert row(table, "__dataset__", "drift_share").value == 0.0


def test_selected_column_missing_on_one_side_is_empty_not_fatal(frames):
    reference, current = frames
    table = drift(reference, current.drop(columns=["y"]), columns=["x", "y"])
    y = table[table.feature == "y"]
    assert (y.status == "EMPTY").all() and y.reason.str.contains("missing from the current dataset").all()
    assert row(table, "x", "drift_score").status == "ERROR"


def test_extra_columns_are_ignored_when_comparing_all(frames):
    reference, current = frames
    table = drift(reference, current.assign(extra=1.0))
    assert "extra" not in set(table.feature)


def test_empty_dataset_is_a_clear_error(frames):
    reference, current = frames
    with pytest.raises(InputError, match="current dataset is empty"):
        drift(reference, current.iloc[:0])


def test_all_missing_and_constant_columns(frames):
    reference, current = frames
    reference = reference.assign(gone=1.0, const=3.0)
    current = current.assign(gone=np.nan, const=3.0)
    default = drift(reference, current)
    # the mass rule: a column that stopped arriving moved all its mass; a constant that stays put none
    assert row(default, "gone", "drift_score").status == "ERROR"
    assert row(default, "gone", "total_variation").value == 1.0
    assert row(default, "const", "drift_score").status == "OK" and row(default, "const", "drift_mass").value == 0
    assert row(default, "__dataset__", "drifted_features").value == 3  # x, cat and gone
    table = drift(reference, current, **OLD_DECISION)
    assert row(table, "gone", "missing_share_current").value == 1.0
    assert row(table, "gone", "ks_pvalue").status == "EMPTY"
    assert "no non-missing values in the current dataset" in row(table, "gone", "ks_pvalue").reason
    assert row(table, "gone", "js_distance").value == pytest.approx(1.0)  # all mass moved to the missing bin
    score = row(table, "const", "drift_score")
    assert score.status == "EMPTY" and "constant" in score.reason
    assert row(table, "const", "psi").value == 0.0


def test_numbers_stored_as_text_and_mixed_types(frames):
    reference, current = frames
    reference = reference.assign(txt=reference.x.astype(str), mixed=["1", "2", "x"] * 1000)
    current = current.assign(txt=current.x.astype(str), mixed=["1", "2", "y"] * 1000)
    table = drift(reference, current)
    assert row(table, "txt", "drift_score").feature_type == "numeric"
    assert "parsed as numbers" in row(table, "txt", "ks_statistic").reason
    mixed = row(table, "mixed", "drift_score")
    assert mixed.status == "EMPTY" and mixed.reason.startswith(
        "column 'mixed' mixes numbers and text: the reference dataset has 2000 numbers and 1000 values that are not "
        "numbers (e.g. 'x')")
    assert "categorical_columns" in mixed.reason
    forced = drift(reference, current, categorical_columns=["mixed"])
    assert row(forced, "mixed", "js_distance").feature_type == "categorical"


def test_booleans_with_missing_values_are_categorical(frames):
    """A CSV boolean column with empty cells reaches pandas as objects (True, False, NaN): it is
    boolean, so categorical, on both sides (it used to be parsed as numbers 0 / 1)."""
    reference, current = frames
    flags = np.tile(np.array([True, False, np.nan, False], dtype=object), 750)
    reference = reference.assign(flag=flags)
    current = current.assign(flag=np.roll(flags, 1))
    table = drift(reference, current)
    flag = row(table, "flag", "drift_score")
    assert flag.feature_type == "categorical" and "boolean values" in flag.reason
    assert row(table, "flag", "missing_share_current").value == 0.25
    forced = drift(reference, current, numeric_columns=["flag"])
    assert row(forced, "flag", "drift_score").feature_type == "numeric"


def test_forced_types(frames):
    reference, current = frames
    reference = reference.assign(code=np.tile([10, 20, 30], 1000), word=["a"] * 3000)
    current = current.assign(code=np.tile([10, 20, 40], 1000), word=["b"] * 3000)
    table = drift(reference, current, categorical_columns=["code"], numeric_columns=["word"])
    assert row(table, "code", "chi2_pvalue").feature_type == "categorical"
    word = row(table, "word", "drift_score")
    assert word.status == "EMPTY" and "numeric_columns" in word.reason and "'a'" in word.reason


def test_pvalue_decision_uses_bonferroni_by_default(frames):
    table = drift(*frames, numeric_decision_metric="ks_pvalue")
    raw = row(table, "x", "ks_pvalue").value
    score = row(table, "x", "drift_score")
    assert score.value == pytest.approx(min(raw * 2, 1.0))  # two numeric p-value decisions (x, y)
    assert score.direction == "below" and score.error_threshold == 0.05
    assert "Bonferroni" in score.reason


def test_adjusted_pvalues_by_hand():
    assert adjust_pvalues([0.01, 0.04, 0.03], "bonferroni") == pytest.approx([0.03, 0.12, 0.09])
    # BH: sorted 0.01, 0.03, 0.04 -> 0.03, 0.045, 0.04 -> step-up min -> 0.03, 0.04, 0.04
    assert adjust_pvalues([0.01, 0.04, 0.03], "fdr_bh") == pytest.approx([0.03, 0.04, 0.04])


def test_user_bounds_apply_to_rows_and_decision(frames):
    table = drift(*frames, bounds=[{"metric": "wasserstein_norm", "warning_threshold": 5, "error_threshold": 10},
                                   {"metric": "psi", "error_threshold": 0.0}], **OLD_DECISION)
    assert row(table, "x", "drift_score").status == "OK"
    assert row(table, "x", "psi").status == "ERROR"
    table = drift(*frames, bounds=[{"metric": "drift_mass", "warning_threshold": 0.5, "error_threshold": 0.6}])
    assert row(table, "x", "drift_score").status == "OK" and row(table, "x", "drift_mass").status == "OK"


@pytest.mark.parametrize("config,field", [
    ({"methods": ["psi", "entropy"]}, "methods"),
    ({"convention": "nannyml"}, "convention"),
    ({"psi_bins": 1}, "psi_bins"),
    ({"psi_bins": "ten"}, "psi_bins"),
    ({"multiple_testing": "holm"}, "multiple_testing"),
    ({"numeric_decision_metric": "chi2_pvalue"}, "numeric_decision_metric"),
    ({"bounds": [{"metric": "psi", "warning_threshold": 0.3, "error_threshold": 0.2}]}, "bounds[psi]"),
    ({"bounds": [{"metric": "auc", "error_threshold": 0.2}]}, "bounds[].metric"),
    ({"numeric_columns": ["a"], "categorical_columns": ["a"]}, "categorical_columns"),
    ({"numeric_decision_metric": "ks_statistic"}, "bounds"),
])
def test_bad_config_names_the_field(frames, config, field):
    with pytest.raises(ConfigError, match=r"Parameter '{}'".format(field.replace("[", r"\[").replace("]", r"\]"))):
        drift(*frames, **config)


def test_int_params_arriving_as_floats(frames):
    assert DriftParams.from_config({"psi_bins": 20.0, "max_categories": 50.0}).psi_bins == 20


def test_methods_subset(frames):
    table = drift(*frames, methods=["psi"])
    assert set(table.metric) == {"psi", "drift_score", "drift_share", "drifted_features"}


# -- small samples (issue 15, item 3) --------------------------------------------------------

def test_rows_from_very_few_rows_say_so_without_changing_the_verdict(frames, tmp_path):
    from dss_local.runtime import run_recipe

    reference, current = frames
    one = current.iloc[:1]
    note = "small sample: the current dataset has 1 row (fewer than {})".format(SMALL_SAMPLE)
    table = drift(reference, one, **OLD_DECISION)
    scores = table[table.metric == "drift_score"]
    assert (scores.status == "ERROR").all()          # the verdict stays what the numbers say
    feature_rows = table[table.feature != "__dataset__"]
    assert feature_rows.reason.str.contains(note, regex=False).all(), feature_rows.reason.tolist()
    assert row(table, "x", "drift_score").reason.startswith("decided on wasserstein_norm")
    # the mass rule's noise floor for 1 row is above 1 - EFFECT: no verdict from one row, and not a silent OK
    default = drift(reference, one)
    scores = default[default.metric == "drift_score"]
    assert (scores.status == "EMPTY").all() and scores.value.isna().all()
    assert scores.reason.str.contains("too few rows to decide: noise floor", regex=False).all()
    assert row(default, "x", "drift_mass").status == "EMPTY"
    assert row(default, "x", "total_variation").status != "EMPTY"
    assert default[default.feature != "__dataset__"].reason.str.contains(note, regex=False).all()
    assert row(table, "__dataset__", "drift_share").reason.endswith(note + "; sampling noise alone can breach "
                                                                    "the bounds")
    few = drift(reference.iloc[:SMALL_SAMPLE - 1], current.iloc[:SMALL_SAMPLE])
    assert few.reason.str.contains("small sample: the reference dataset has {} rows (fewer than {})".format(
        SMALL_SAMPLE - 1, SMALL_SAMPLE), regex=False).all()
    assert not drift(*frames).reason.str.contains("small sample").any()
    # a few current rows and a column that stopped arriving: the check's fallback makes it ERROR
    from model_guardrails import checks

    stopped = current.iloc[:5].copy()
    stopped[stopped.columns[0]] = np.nan
    out = checks.run("drift-check", drift(reference, stopped), {})
    assert out.outcome == "ERROR", out.message
    assert "{} missing_share_current=1".format(stopped.columns[0]) in out.message, out.message
    reference.to_parquet(tmp_path / "reference.parquet", index=False)
    one.to_parquet(tmp_path / "current.parquet", index=False)
    run_recipe("compute-drift", [("reference", str(tmp_path / "reference.parquet")),
                                 ("current", str(tmp_path / "current.parquet"))],
               [("metrics", str(tmp_path / "out.csv"))], config={"max_rows_in_memory": 1, "chunk_size": 1000})
    streamed = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert streamed.reason.str.contains(note, regex=False).all()

"""Check core: every outcome path of drift-, fairness- and performance-check, the drop arithmetic
at and around its bound, run selection, and every bad input as a clear ERROR outcome."""
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest

from model_guardrails import checks
from model_guardrails.checks import core
from model_guardrails.checks.headline import headline_metrics
from conftest import make_scored
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.fairness import FairnessParams, compute_fairness
from model_guardrails.table import RunInfo

NAN = float("nan")


def rows(kind_columns, records, run_id="r1", run_time="2025-01-01T00:00:00Z"):
    out = []
    for rec in records:
        row = dict(run_id=run_id, run_time=run_time, warning_threshold=NAN, error_threshold=NAN, direction="",
                   status="OK", reason="")
        row.update(rec)
        out.append(row)
    frame = pd.DataFrame(out)
    for c in kind_columns:
        if c not in frame:
            frame[c] = ""
    return frame


# -- drift --------------------------------------------------------------------------------------

def drift_frame(scores, run_id="r1", run_time="2025-01-01T00:00:00Z", share_bounds=(0.1, 0.3), extra=()):
    """scores: {feature: value} for drift_score with bounds 0.05 / 0.1 above."""
    recs = [dict(feature=f, feature_type="numeric", metric="drift_score", value=v, warning_threshold=0.05,
                 error_threshold=0.1, direction="above", reason="decided on wasserstein_norm",
                 decided_on="wasserstein_norm")
            for f, v in scores.items()]
    recs += [dict(feature=f, feature_type="numeric", metric=m, value=v, warning_threshold=w, error_threshold=e,
                  direction="above") for f, m, v, w, e in extra]
    recs.append(dict(feature="__dataset__", metric="drift_share", value=NAN, warning_threshold=share_bounds[0],
                     error_threshold=share_bounds[1], direction="above"))
    return rows(["feature"], recs, run_id, run_time)


def drift(frame, **config):
    return checks.run("drift-check", frame, config, now=datetime(2025, 1, 3, tzinfo=timezone.utc))


TEN_OK = {"f{}".format(i): 0.01 for i in range(10)}


def test_drift_ok():
    out = drift(drift_frame(TEN_OK))
    assert out.outcome == "OK" and out.evaluated == 10 and not out.offenders
    assert out.message.startswith("OK: 0/10 features drifted") and "run r1" in out.message


def test_drift_warning_from_a_feature_warning():
    out = drift(drift_frame(dict(TEN_OK, f3=0.07)))
    assert out.outcome == "WARNING"
    assert out.offenders[0].subject == "f3" and out.offenders[0].bound == 0.05 and out.offenders[0].level == "WARNING"
    assert "f3 drift_score=0.07 > 0.05 (wasserstein_norm)" in out.message


def test_drift_rows_written_before_the_decided_on_column_are_judged_the_same():
    """History written by a version without ``decided_on``: the same outcome, only the source is not named
    (the reason's prose is not parsed)."""
    old = drift_frame(dict(TEN_OK, f3=0.07)).drop(columns=["decided_on"])
    out = drift(old)
    assert out.outcome == "WARNING" and out.offenders[0].subject == "f3"
    assert "f3 drift_score=0.07 > 0.05" in out.message and "(wasserstein_norm)" not in out.message


def test_drift_error_names_worst_first_with_share():
    out = drift(drift_frame(dict(TEN_OK, f1=0.2, f2=0.55, f3=0.07)))
    assert out.outcome == "ERROR"
    assert [o.subject for o in out.offenders] == ["f2", "f1", "f3"]
    assert out.message.startswith("ERROR: 2/10 features drifted (drift_share 0.2 > 0.1) in run r1: f2 drift_score=0.55 > 0.1")


def test_drift_share_only_mode_and_share_overrides():
    frame = drift_frame(dict(TEN_OK, f1=0.2))
    assert drift(frame).outcome == "ERROR"
    assert drift(frame, decide_on="share").outcome == "OK"  # 1/10 = 0.1 is not beyond 0.1
    assert drift(frame, decide_on="share", drift_share_warning=0.05).outcome == "WARNING"
    assert drift(frame, decide_on="share", drift_share_error=0.09).outcome == "ERROR"


def test_drift_bound_override_on_any_metric():
    frame = drift_frame(TEN_OK, extra=[("f1", "psi", 0.3, 0.1, 0.25), ("f2", "psi", 0.2, 0.1, 0.25)])
    assert drift(frame).outcome == "OK"  # psi is not judged unless asked
    out = drift(frame, also_check_metrics=["psi"])
    assert out.outcome == "ERROR" and out.offenders[0].metric == "psi"
    out = drift(frame, decision_metric="psi", bounds=[{"metric": "psi", "warning_threshold": 0.1, "error_threshold": 0.35}])
    assert out.outcome == "WARNING" and out.message.startswith("WARNING: 0/2 features drifted")
    out = drift(frame, decision_metric="psi", bounds=[{"metric": "psi", "error_threshold": 0.25}])
    assert out.outcome == "ERROR" and "f1 psi=0.3 > 0.25" in out.message


def test_drift_scope():
    frame = drift_frame(dict(TEN_OK, f1=0.2))
    assert drift(frame, excluded_features=["f1"]).outcome == "OK"
    assert drift(frame, features=["f1", "f2"]).message.startswith("ERROR: 1/2 features drifted")
    out = drift(frame, features=["nope"])
    assert out.outcome == "ERROR" and "feature nope is not in the dataset" in out.message and "f1" in out.message


def test_drift_message_is_capped_and_counts_the_rest():
    frame = drift_frame({"feature_with_a_long_name_{}".format(i): 0.2 + i / 100 for i in range(40)})
    out = drift(frame)
    assert len(out.message) <= core.MESSAGE_LIMIT and out.message.endswith("more")
    shown = out.message.count("drift_score=")
    assert "... and {} more".format(40 - shown) in out.message
    assert out.message.index("_39 ") < out.message.index("_38 ")  # worst first


@pytest.mark.parametrize("setting, expected", [({}, "WARNING"), ({"not_evaluable_outcome": "ERROR"}, "ERROR")])
def test_drift_nothing_evaluable_is_never_ok(setting, expected):
    empty_values = drift_frame({"a": NAN, "b": NAN})
    empty_values.loc[empty_values.metric == "drift_score", "status"] = "EMPTY"
    no_rows = drift_frame({}).iloc[0:0]
    only_dataset_row = drift_frame({})
    for frame in (empty_values, no_rows, only_dataset_row):
        out = drift(frame, **setting)
        assert out.outcome == expected and "nothing to evaluate" in out.message, out.message


def test_drift_partially_evaluable_is_the_not_evaluable_outcome_and_names_the_empty_features():
    frame = drift_frame(dict(a=0.01, b=NAN))
    out = drift(frame)
    assert out.outcome == "WARNING" and out.evaluated == 1 and "1 not evaluable, counted as WARNING: b" in out.message
    assert drift(frame, not_evaluable_outcome="ERROR").outcome == "ERROR"
    assert drift(frame, excluded_features=["b"]).outcome == "OK"


def _recipe_drift(params=None, **columns):
    """compute-drift on 2,000 rows: a numeric and a categorical column alike on both sides (shuffled),
    plus ``columns`` as (reference, current) generators. ``params``: DriftParams (default: the default)."""
    rng = np.random.default_rng(0)
    n = 2000
    ref = {"steady": rng.normal(size=n), "kind": rng.choice(list("xyz"), n)}
    cur = {k: rng.permutation(v) for k, v in ref.items()}
    for name, (r, c) in columns.items():
        ref[name], cur[name] = r(n, rng), c(n, rng)
    run = RunInfo("r1", "2025-01-01T00:00:00Z")
    return compute_drift(pd.DataFrame(ref), pd.DataFrame(cur), params or DriftParams(), run).table


# the decision before issue 16 (wasserstein_norm / js_distance), under which these columns are EMPTY
OLD_DECISION = DriftParams(numeric_decision_metric="wasserstein_norm", categorical_decision_metric="js_distance")


def normal(n, rng):
    return rng.normal(size=n)


def nothing(n, rng):
    return np.full(n, np.nan)


def ones(n, rng):
    return np.ones(n)


def test_a_feature_that_stops_arriving_or_leaves_a_constant_reference_is_drift():
    """Issue 14 item 1: under a decision on wasserstein_norm the recipe's drift_score is EMPTY for both
    (undefined); the check used to leave them out and answer OK. Under the default decision (issue 16)
    the recipe itself says ERROR, and the check agrees."""
    generators = dict(gone=(normal, nothing), moved=(ones, lambda n, rng: rng.normal(5, 1, n)))
    default = _recipe_drift(**generators)
    assert set(default[default.metric == "drift_score"].set_index("feature").status[["gone", "moved"]]) == {"ERROR"}
    out = drift(default)
    assert out.outcome == "ERROR" and out.message.startswith("ERROR: 2/4 features drifted (drift_share 0.5 > 0.3)")
    table = _recipe_drift(OLD_DECISION, **generators)
    assert set(table[table.metric == "drift_score"].set_index("feature").status[["gone", "moved"]]) == {"EMPTY"}
    for config in ({}, {"not_evaluable_outcome": "ERROR"}, {"decide_on": "share"}):
        out = drift(table, **config)
        assert out.outcome == "ERROR", out.message
        assert out.message.startswith("ERROR: 2/4 features drifted (drift_share 0.5 > 0.3)")
    out = drift(table)
    assert {o.subject for o in out.offenders} == {"gone", "moved"}
    assert "gone missing_share_current=1 > 0 (no value left in the current data: the feature stopped arriving)" \
        in out.message
    assert "moved js_distance=1 > 0.1 (drift_score undefined, decided on js_distance)" in out.message
    appeared = drift(_recipe_drift(OLD_DECISION, new=(nothing, normal)))
    assert appeared.outcome == "ERROR" and "new missing_share_current=0 < 1" in appeared.message


def test_a_constant_that_stays_put_is_no_drift_and_a_column_empty_on_both_sides_is_not_evaluable():
    out = drift(_recipe_drift(flag=(ones, ones)))
    assert out.outcome == "OK" and out.message.startswith("OK: 0/3 features drifted"), out.message
    table = _recipe_drift(OLD_DECISION, blank=(nothing, nothing))
    out = drift(table)
    assert out.outcome == "WARNING" and "1 not evaluable, counted as WARNING: blank (" in out.message
    assert drift(table, not_evaluable_outcome="ERROR").outcome == "ERROR"
    # the default decision: missing on both sides, no mass moved (the missing share is the same 100%)
    assert drift(_recipe_drift(blank=(nothing, nothing))).outcome == "OK"


def test_foreign_dataset_names_expected_columns():
    out = drift(pd.DataFrame({"customer": [1], "amount": [2.0]}))
    assert out.outcome == "ERROR"
    assert "not a metrics dataset of compute-drift: expected the columns run_id, run_time, metric" in out.message
    assert "found customer, amount" in out.message


def test_other_kind_says_which_check_to_attach():
    out = drift(perf_frame([("__all__", "roc_auc", 0.9, 0.9)]))
    assert out.outcome == "ERROR" and "attach performance-check to it, not drift-check" in out.message


def test_older_dataset_missing_columns():
    frame = drift_frame(TEN_OK).drop(columns=["status", "direction"])
    out = drift(frame)
    assert out.outcome == "ERROR"
    assert "lacks the columns direction, status" in out.message and "older version" in out.message


def test_duplicated_run_ids():
    a = drift_frame(TEN_OK, run_id="r1", run_time="2025-01-01T00:00:00Z")
    b = drift_frame(TEN_OK, run_id="r1", run_time="2025-01-02T00:00:00Z")
    out = drift(pd.concat([a, b]))
    assert out.outcome == "ERROR" and "run_id r1 is duplicated" in out.message and "2 different run_time" in out.message
    out = drift(pd.concat([a, a]))
    assert out.outcome == "ERROR" and "run_id r1 is duplicated: 2 rows for (feature=f0, metric=drift_score)" in out.message


def history():
    return pd.concat([
        drift_frame(dict(TEN_OK, f1=0.5), "old", "2025-01-01T00:00:00Z"),
        drift_frame(dict(TEN_OK, f1=0.07), "mid", "2025-01-02T00:00:00Z"),
        drift_frame(TEN_OK, "new", "2025-01-02T12:00:00Z"),
    ])


def test_runs_decided_differently_are_named_in_the_message():
    before = _recipe_drift(OLD_DECISION).assign(run_id="before", run_time="2025-01-01T00:00:00Z")
    after = _recipe_drift().assign(run_id="after", run_time="2025-01-02T00:00:00Z")
    assert set(before.decision_rule) == {""} and set(after.decision_rule) == {"mass-1"}
    out = drift(pd.concat([before, after]), runs="all")
    assert ("note: the judged runs were decided differently (run before: js_distance/wasserstein_norm, rule none; "
            "run after: drift_mass, rule mass-1)") in out.message, out.message
    assert "decided differently" not in drift(after).message
    assert "decided differently" not in drift(pd.concat([after, after.assign(run_id="again")]), runs="all").message


def test_run_selection():
    frame = history()
    assert drift(frame).outcome == "OK" and drift(frame).run_ids == ("new",)
    # the latest run is found by run_time, not by row order
    assert drift(frame.iloc[::-1]).run_ids == ("new",)
    assert drift(frame, runs="run_id", run_id="old").outcome == "ERROR"
    out = drift(frame, runs="run_id", run_id="nope")
    assert out.outcome == "ERROR" and "run_id nope is not in the dataset; latest runs: new (2025-01-02T12:00:00Z), mid" in out.message
    out = drift(frame, runs="after_run", after_run_id="old")
    assert out.outcome == "WARNING" and out.run_ids == ("mid", "new") and "1/2 runs breach; worst: run mid" in out.message
    assert drift(frame, runs="after_run", after_run_id="new").outcome == "WARNING"  # nothing new: never OK
    assert drift(frame, runs="recent", recent_hours=30).run_ids == ("mid", "new")
    out = drift(frame, runs="all")
    assert out.outcome == "ERROR" and "2/3 runs breach; worst: run old" in out.message and "also breaching: run mid" in out.message


@pytest.mark.parametrize("config, field", [
    ({"bounds": [{"metric": "psi", "warning_threshold": 0.3, "error_threshold": 0.2}]}, "bounds[psi]"),  # warning stricter than error
    ({"bounds": [{"metric": "nope", "warning_threshold": 0.1, "error_threshold": 0.2}]}, "bounds[].metric"),  # unknown metric
    ({"decision_metric": "psy"}, "decision_metric"),
    ({"also_check_metrics": ["psi", "zzz"]}, "also_check_metrics"),
    ({"drift_share_warning": 0.5, "drift_share_error": 0.2}, "drift_share_warning / drift_share_error"),
    ({"drift_share_error": -1}, "drift_share_error"),
    ({"runs": "run_id"}, "run_id"),
    ({"runs": "recent", "recent_hours": -3}, "recent_hours"),
    ({"runs": "sometimes"}, "runs"),
])
def test_drift_bad_config_is_an_error_naming_the_field(config, field):
    out = drift(drift_frame(TEN_OK), **config)
    assert out.outcome == "ERROR" and "Parameter '{}'".format(field) in out.message, out.message


def test_unknown_metric_lists_valid_ones():
    out = drift(drift_frame(TEN_OK), bounds=[{"metric": "nope", "warning_threshold": 0.1, "error_threshold": 0.2}])
    assert "one of chi2_pvalue, chi2_statistic, drift_mass, drift_score" in out.message
    assert "wasserstein_norm" in out.message


# -- fairness -----------------------------------------------------------------------------------

FAIR_COLUMNS = ["attribute", "group", "n", "reference_group", "ratio_to_reference"]


def fairness_frame(di=None, shift=None, groups=(), run_id="r1"):
    recs = []
    for attribute, value in (di or {}).items():
        recs.append(dict(attribute=attribute, group="__summary__", metric="disparate_impact", value=value,
                         warning_threshold=0.9, error_threshold=0.8, direction="below", n=1000))
    for attribute, value in (shift or {}).items():
        recs.append(dict(attribute=attribute, group="__summary__", metric="disparate_impact_shift", value=value,
                         warning_threshold=-0.05, error_threshold=-0.1, direction="below", n=1000))
    for attribute, group, n, ratio in groups:
        recs.append(dict(attribute=attribute, group=group, metric="selection_rate", value=0.1, n=n,
                         ratio_to_reference=ratio, reference_group="A"))
    return rows(FAIR_COLUMNS, recs, run_id)


def fairness(frame, **config):
    return checks.run("fairness-check", frame, config)


@pytest.mark.parametrize("value, outcome", [(0.95, "OK"), (0.9, "OK"), (0.85, "WARNING"), (0.8, "WARNING"),
                                            (0.7999, "ERROR")])
def test_fairness_default_rule_is_disparate_impact(value, outcome):
    out = fairness(fairness_frame({"gender": value}))
    assert out.outcome == outcome
    if outcome == "ERROR":
        assert "gender disparate_impact=0.7999 < 0.8" in out.message


def test_fairness_shift_and_other_metrics():
    frame = fairness_frame({"gender": 0.95}, shift={"gender": -0.2})
    assert fairness(frame).outcome == "OK"
    out = fairness(frame, metrics=["disparate_impact", "disparate_impact_shift"])
    assert out.outcome == "ERROR" and "gender disparate_impact_shift=-0.2 < -0.1" in out.message
    out = fairness(frame, metrics=["disparate_impact_shift"], bounds=[{"metric": "disparate_impact_shift", "warning_threshold": -0.25, "error_threshold": -0.3}])
    assert out.outcome == "OK"


def test_fairness_group_ratios_and_small_groups():
    frame = fairness_frame({"age": 0.95}, groups=[("age", "A", 500, 1.0), ("age", "B", 400, 1.3),
                                                   ("age", "C", 12, 0.2), ("age", "D", 300, 0.85)])
    config = dict(group_ratio_metrics=["selection_rate"], group_ratio_warning=0.9, group_ratio_error=0.8)
    out = fairness(frame, **config)
    assert out.outcome == "ERROR"
    assert out.offenders[0].subject == "age=B" and out.offenders[0].value == pytest.approx(1 / 1.3)
    assert [o.subject for o in out.offenders] == ["age=B", "age=D"]
    assert "skipped groups below min_group_size 30 (or the recipe's own): age=C (12 rows)" in out.message
    assert fairness(frame, group_ratio_sides="below", **config).outcome == "WARNING"
    assert fairness(frame, min_group_size=5, **config).offenders[0].subject == "age=C"


def _recipe_fairness(recipe_min_group_size):
    """compute-fairness where region Z has 12 rows, none predicted positive: disparate_impact 0
    when Z enters the summaries, about 0.94 without it."""
    scored = make_scored(n=3000)
    scored["region"] = np.random.default_rng(1).choice(["A", "B"], len(scored))
    scored.loc[:11, "region"], scored.loc[:11, "prediction"] = "Z", 0
    params = FairnessParams.from_config(dict(target_column="is_fraud", prediction_column="prediction",
                                             score_column="score", sensitive_columns=["region"],
                                             min_group_size=recipe_min_group_size))
    return compute_fairness(scored, params, run=RunInfo("r1", "2025-01-01T00:00:00Z"))


def test_fairness_never_judges_a_summary_computed_from_groups_it_says_it_skips():
    """Issue 14 item 7: 'skipped groups below 30 rows: region=Z' beside region disparate_impact=0, a value
    computed from Z (the recipe ran with min_group_size 5)."""
    table = _recipe_fairness(5)
    out = fairness(table)
    assert out.outcome == "WARNING" and "disparate_impact=" not in out.message, out.message
    assert "region disparate_impact (computed with groups below 30 rows: Z (12 rows))" in out.message
    assert "re-run compute-fairness with min_group_size 30 or lower this check's" in out.message
    assert fairness(table, not_evaluable_outcome="ERROR").outcome == "ERROR"
    out = fairness(table, min_group_size=5)  # the check's minimum matches the recipe's: judged, Z included
    assert out.outcome == "ERROR" and "region disparate_impact=0 < 0.8" in out.message and "skipped" not in out.message
    # the recipe left Z out of its summaries: the check judges them and names Z as skipped
    out = fairness(_recipe_fairness(30))
    assert out.outcome == "OK" and "skipped groups below min_group_size 30 (or the recipe's own): region=Z (12 rows)" \
        in out.message
    out = fairness(_recipe_fairness(30), min_group_size=10)  # Z (12 rows) left out by the recipe, not by the check
    assert out.outcome == "OK" and "region=Z (12 rows)" in out.message


def test_fairness_empty_summary_beside_a_judged_one_is_the_not_evaluable_outcome():
    frame = fairness_frame({"gender": 0.95, "age": NAN})
    out = fairness(frame)
    assert out.outcome == "WARNING" and "1 not evaluable, counted as WARNING: age disparate_impact" in out.message
    assert fairness(frame, not_evaluable_outcome="ERROR").outcome == "ERROR"


def test_fairness_scope_and_not_evaluable():
    frame = fairness_frame({"gender": 0.95, "age": 0.5})
    assert fairness(frame, attributes=["gender"]).outcome == "OK"
    assert fairness(frame, excluded_attributes=["gender"]).outcome == "ERROR"
    out = fairness(frame, attributes=["race"])
    assert out.outcome == "ERROR" and "attribute race is not in the dataset" in out.message and "age, gender" in out.message
    out = fairness(fairness_frame({"gender": NAN}))
    assert out.outcome == "WARNING" and "nothing to evaluate" in out.message
    out = fairness(frame, metrics=["equal_opportunity_difference"], not_evaluable_outcome="ERROR")
    assert out.outcome == "ERROR" and "no equal_opportunity_difference rows" in out.message


@pytest.mark.parametrize("config, field", [
    ({"min_group_size": -1}, "min_group_size"),
    ({"metrics": ["disparate_impactt"]}, "metrics"),
    ({"group_ratio_metrics": ["selection_rate"], "group_ratio_warning": 0.7, "group_ratio_error": 0.8},
     "group_ratio_warning / group_ratio_error"),
    ({"bounds": [{"metric": "disparate_impact", "warning_threshold": 0.7, "error_threshold": 0.8}]}, "bounds[disparate_impact]"),
])
def test_fairness_bad_config(config, field):
    out = fairness(fairness_frame({"gender": 0.95}), **config)
    assert out.outcome == "ERROR" and "Parameter '{}'".format(field) in out.message, out.message


def test_fairness_foreign_and_older():
    assert "not a metrics dataset of compute-fairness" in fairness(pd.DataFrame({"a": [1]})).message
    out = fairness(fairness_frame({"gender": 0.95}).drop(columns=["n"]))
    assert out.outcome == "ERROR" and "lacks the column n" in out.message


# -- performance --------------------------------------------------------------------------------

PERF_COLUMNS = ["window", "n", "baseline_value"]


def perf_frame(points, run_id="r1", run_time="2025-01-01T00:00:00Z", recorded=True):
    """points: (window, metric, value, baseline_value)."""
    recs = []
    for window, metric, value, base in points:
        rec = dict(window=window, metric=metric, value=value, baseline_value=base, n=1000)
        if recorded and metric == "roc_auc":
            rec.update(error_threshold=0.88, direction="below")
        recs.append(rec)
    return rows(PERF_COLUMNS, recs, run_id, run_time)


def perf(frame, **config):
    return checks.run("performance-check", frame, config)


@pytest.mark.parametrize("value, outcome", [(0.88, "OK"), (0.8799, "ERROR"), (0.9, "OK")])
def test_performance_absolute_default(value, outcome):
    out = perf(perf_frame([("__all__", "roc_auc", value, NAN)], recorded=False))
    assert out.outcome == outcome
    assert "drop not evaluated: no baseline_value" in out.message


@pytest.mark.parametrize("mode, d, baseline, value, outcome", [
    ("relative", 0.05, 0.9, 0.855, "OK"),        # exactly (1 - 0.05) x 0.9: not beyond
    ("relative", 0.05, 0.9, 0.8549, "ERROR"),
    ("relative", 0.05, 0.9, 0.8551, "OK"),
    ("relative", 0.1, 0.882, 0.7938, "OK"),       # 0.9 x 0.882 computes to 0.7938000000000001
    ("relative", 0.1, 0.882, 0.79379999, "ERROR"),
    ("absolute", 0.05, 0.95, 0.9, "OK"),          # baseline - value = 0.05: not beyond
    ("absolute", 0.05, 0.95, 0.8999, "ERROR"),
    ("absolute", 0.05, 0.95, 0.9001, "OK"),
    ("absolute", 0.05, 0.53, 0.48, "OK"),         # 0.53 - 0.05 computes to 0.48000000000000004
    ("absolute", 0.05, 0.53, 0.47999999, "ERROR"),
])
def test_drop_arithmetic_at_and_around_the_bound(mode, d, baseline, value, outcome):
    frame = perf_frame([("__all__", "roc_auc", value, baseline)], recorded=False)
    out = perf(frame, drop_mode=mode, drop_error=d, bounds=[{"metric": "roc_auc", "error_threshold": 0.1}])
    assert out.outcome == outcome, out.message
    if outcome == "ERROR":
        offender = out.offenders[0]
        assert offender.direction == "below" and offender.value == value
        expected = (1 - d) * baseline if mode == "relative" else baseline - d
        assert offender.bound == pytest.approx(expected, abs=1e-12)
        assert ("% of baseline" if mode == "relative" else "from baseline") in out.message


@pytest.mark.parametrize("mode, value, outcome", [("relative", 0.22, "OK"), ("relative", 0.2201, "ERROR"),
                                                  ("absolute", 0.25, "OK"), ("absolute", 0.2501, "ERROR")])
def test_drop_of_a_loss_is_a_rise(mode, value, outcome):
    frame = perf_frame([("__all__", "log_loss", value, 0.2)])
    out = perf(frame, metrics=["log_loss"], drop_mode=mode, drop_error=0.1 if mode == "relative" else 0.05)
    assert out.outcome == outcome, out.message
    if outcome == "ERROR":
        assert out.offenders[0].direction == "above"


def test_drop_warning_then_error():
    frame = perf_frame([("__all__", "roc_auc", 0.93, 1.0)], recorded=False)
    assert perf(frame, drop_warning=0.05, drop_error=0.1).outcome == "WARNING"
    assert perf(frame, drop_warning=0.05, drop_error=0.06).outcome == "ERROR"


def perf_history():
    return pd.concat([
        perf_frame([("__all__", "roc_auc", 0.95, NAN)], "r1", "2025-01-01T00:00:00Z"),
        perf_frame([("__all__", "roc_auc", 0.97, NAN)], "r2", "2025-01-02T00:00:00Z"),
        perf_frame([("__all__", "roc_auc", 0.92, NAN)], "r3", "2025-01-03T00:00:00Z"),
        perf_frame([("__all__", "roc_auc", 0.91, NAN)], "r4", "2025-01-04T00:00:00Z"),
    ])


def test_baseline_sources():
    frame = perf_history()
    # r4 = 0.91: first run 0.95 -> bound 0.9025: OK; best of the last 3 (0.97) -> bound 0.9215: ERROR
    assert perf(frame, baseline_source="first_run").outcome == "OK"
    out = perf(frame, baseline_source="best_of_last_runs", baseline_runs=3)
    assert out.outcome == "ERROR" and "baseline 0.97" in out.message
    assert perf(frame, baseline_source="best_of_last_runs", baseline_runs=1).outcome == "OK"
    assert perf(frame, baseline_source="run_id", baseline_run_id="r2").outcome == "ERROR"
    assert perf(frame, baseline_source="fixed", baseline_value=0.95).outcome == "OK"
    assert perf(frame, baseline_source="fixed", baseline_value="roc_auc=0.99").outcome == "ERROR"
    out = perf(frame, baseline_source="run_id", baseline_run_id="r9")
    assert out.outcome == "ERROR" and "baseline_run_id r9 is not in the dataset; latest runs: r4" in out.message


def test_consecutive_windows():
    windows = [("2025-01-0{}".format(i), "roc_auc", v, 0.9) for i, v in enumerate([0.95, 0.85, 0.95, 0.85, 0.86], 1)]
    frame = perf_frame([("__all__", "roc_auc", 0.9, 0.9)] + windows)
    assert perf(frame, windows="each").outcome == "ERROR"
    assert perf(frame, windows="each", consecutive_windows=2).outcome == "ERROR"  # windows 4 and 5
    assert perf(frame, windows="each", consecutive_windows=3).outcome == "OK"
    assert perf(frame, windows="latest_window", consecutive_windows=2, drop_mode="none").outcome == "ERROR"
    out = perf(frame, windows="each", consecutive_windows=9)
    assert out.outcome == "OK" and "only 5 of the 9" in out.message
    # overall: the last N runs
    history = perf_history()
    assert perf(history, drop_mode="none", bounds=[{"metric": "roc_auc", "error_threshold": 0.93}]).outcome == "ERROR"
    assert perf(history, drop_mode="none", bounds=[{"metric": "roc_auc", "error_threshold": 0.93}], consecutive_windows=2).outcome == "ERROR"
    assert perf(history, drop_mode="none", bounds=[{"metric": "roc_auc", "error_threshold": 0.925}], consecutive_windows=3).outcome == "OK"


def test_a_fresh_bad_model_is_never_ok_while_its_streak_is_incomplete():
    """Issue 14 item 2: with consecutive_windows 3, a model below its bound passed its first 2 runs."""
    aucs = [0.85, 0.84, 0.83]
    runs = [perf_frame([("__all__", "roc_auc", v, NAN)], "r{}".format(i), "2025-01-0{}T00:00:00Z".format(i))
            for i, v in enumerate(aucs, 1)]
    config = dict(consecutive_windows=3, drop_mode="none")
    for k in (1, 2):
        history = pd.concat(runs[:k])
        out = perf(history, **config)
        assert out.outcome == "WARNING", out.message
        assert "roc_auc={} < 0.88".format(aucs[k - 1]) in out.message
        assert "roc_auc: {} of the 3 consecutive runs needed could be judged, all breaching: counted as WARNING".format(
            k) in out.message
        assert perf(history, not_evaluable_outcome="ERROR", **config).outcome == "ERROR"
    assert perf(pd.concat(runs), **config).outcome == "ERROR"  # the full streak
    recovered = pd.concat([runs[0], perf_frame([("__all__", "roc_auc", 0.9, NAN)], "r2", "2025-01-02T00:00:00Z")])
    out = perf(recovered, **config)
    assert out.outcome == "OK" and "only 2 of the 3 consecutive runs needed" in out.message  # a good run breaks it
    # time windows: two weekly windows, both breaching, three needed
    windows = perf_frame([("__all__", "roc_auc", 0.85, NAN), ("2025-01-01", "roc_auc", 0.85, NAN),
                          ("2025-01-08", "roc_auc", 0.86, NAN)])
    for mode in ("each", "latest_window"):
        assert perf(windows, windows=mode, **config).outcome == "WARNING"
    # a window whose value is empty cannot complete a streak of breaching windows
    gap = perf_frame([("2025-01-01", "roc_auc", 0.85, NAN), ("2025-01-08", "roc_auc", NAN, NAN),
                      ("2025-01-15", "roc_auc", 0.86, NAN)])
    assert perf(gap, windows="each", consecutive_windows=2, drop_mode="none").outcome == "WARNING"
    # and a window that cannot be judged is never left out of a window-by-window verdict
    out = perf(gap, windows="each", drop_mode="none")
    assert out.outcome == "ERROR" and "counted as WARNING: roc_auc window 2025-01-08" in out.message
    ok_gap = perf_frame([("2025-01-01", "roc_auc", 0.95, NAN), ("2025-01-08", "roc_auc", NAN, NAN)])
    assert perf(ok_gap, windows="each", drop_mode="none").outcome == "WARNING"


def test_consecutive_streak_is_as_severe_as_its_mildest_window():
    windows = [("2025-01-01", "roc_auc", 0.89, NAN), ("2025-01-02", "roc_auc", 0.80, NAN)]
    frame = perf_frame(windows, recorded=False)
    out = perf(frame, windows="each", consecutive_windows=2, drop_mode="none", bounds=[{"metric": "roc_auc", "warning_threshold": 0.9, "error_threshold": 0.85}])
    assert out.outcome == "WARNING" and out.offenders[0].bound == 0.9


def test_performance_not_evaluable_and_missing_windows():
    out = perf(perf_frame([("__all__", "roc_auc", NAN, 0.9)]))
    assert out.outcome == "WARNING" and "nothing to evaluate" in out.message
    out = perf(perf_frame([("__all__", "roc_auc", 0.9, 0.9)]), windows="each", not_evaluable_outcome="ERROR")
    assert out.outcome == "ERROR" and "no time windows" in out.message
    out = perf(perf_frame([("__all__", "f1", 0.9, 0.9)]))
    assert out.outcome == "WARNING" and "no roc_auc rows (metrics present: f1)" in out.message


@pytest.mark.parametrize("config, field", [
    ({"drop_warning": 0.1, "drop_error": 0.05}, "drop_warning"),
    ({"drop_error": -0.05}, "drop_error"),
    ({"drop_mode": "relative", "drop_error": 1.5}, "drop_error"),
    ({"metrics": ["auc"]}, "metrics"),
    ({"consecutive_windows": 0}, "consecutive_windows"),
    ({"consecutive_windows": -2}, "consecutive_windows"),
    ({"baseline_runs": -1}, "baseline_runs"),
    ({"baseline_source": "run_id"}, "baseline_run_id"),
    ({"baseline_source": "fixed"}, "baseline_value"),
    ({"baseline_source": "fixed", "baseline_value": "auc=0.9"}, "baseline_value"),
    ({"bounds": [{"metric": "roc_auc", "warning_threshold": 0.85, "error_threshold": 0.9}]}, "bounds[roc_auc]"),
])
def test_performance_bad_config(config, field):
    out = perf(perf_frame([("__all__", "roc_auc", 0.9, 0.9)]), **config)
    assert out.outcome == "ERROR" and "Parameter '{}'".format(field) in out.message, out.message


def test_performance_older_dataset_without_baseline_column():
    frame = perf_frame([("__all__", "roc_auc", 0.9, 0.9)]).drop(columns=["baseline_value"])
    out = perf(frame)
    assert out.outcome == "ERROR" and "lacks the column baseline_value" in out.message
    assert perf(frame, drop_mode="none").outcome == "OK"


# -- probe core ---------------------------------------------------------------------------------

def test_headline_metrics_of_the_latest_run():
    values = headline_metrics(history())
    assert values["run_id"] == ("new", "STRING")
    assert values["max_drift_score"] == (0.01, "DOUBLE")
    values = headline_metrics(perf_history())
    assert values["roc_auc"] == (0.91, "DOUBLE") and values["runs"] == (4, "BIGINT")
    values = headline_metrics(fairness_frame({"gender": 0.95, "age": 0.7}))
    assert values["min_disparate_impact"] == (0.7, "DOUBLE")
    assert values["min_disparate_impact_attribute"] == ("age", "STRING")
    with pytest.raises(Exception, match="not a metrics dataset of model-guardrails"):
        headline_metrics(pd.DataFrame({"x": [1]}))


@pytest.mark.parametrize("setting, expected", [({}, "WARNING"), ({"not_evaluable_outcome": "ERROR"}, "ERROR")])
def test_an_all_empty_run_is_never_ok_in_the_probe_nor_in_the_checks(setting, expected):
    """Issue 14 item 3: the probe said worst_status OK for a run in which every row is EMPTY."""
    drift_rows = drift_frame({"a": NAN, "b": NAN})
    fair_rows = fairness_frame({"gender": NAN, "age": NAN})
    perf_rows = perf_frame([("__all__", "roc_auc", NAN, NAN), ("__all__", "f1", NAN, NAN)])
    for frame, check in ((drift_rows, "drift-check"), (fair_rows, "fairness-check"), (perf_rows, "performance-check")):
        frame = frame.assign(status="EMPTY")
        assert headline_metrics(frame)["worst_status"] == ("WARNING", "STRING")
        assert headline_metrics(frame)["empty_rows"] == (len(frame), "BIGINT")
        assert checks.run(check, frame, setting).outcome == expected
        assert checks.verdict(frame, **{"not_evaluable": setting.get("not_evaluable_outcome", "WARNING")}).outcome \
            == expected


def test_number_formatting_never_prints_value_equal_to_bound():
    assert core.fmt(0.88) == "0.88"
    assert core.fmt(0.879999, 0.88) != core.fmt(0.88, 0.879999)
    assert [core.fmt(v) for v in (NAN, np.float64("nan"), None)] == ["empty"] * 3
    assert core.fmt(0.88, NAN) == "0.88"  # an empty other needs no extra digits


def test_bound_override_none_removes_the_absolute_bound():
    frame = perf_frame([("__all__", "roc_auc", 0.85, 0.9)])
    assert perf(frame, drop_mode="none").outcome == "ERROR"               # recorded 0.88
    out = perf(frame, drop_mode="none", bounds=[{"metric": "roc_auc", "ignore": True}])
    assert out.outcome == "WARNING" and "nothing to evaluate" in out.message  # no rule left: never OK
    out = perf(frame, bounds=[{"metric": "roc_auc", "ignore": True}], drop_warning=0.05, drop_error="")
    assert out.outcome == "WARNING" and "drop > 5% of baseline 0.9" in out.message


def test_drift_decision_metric_without_bound_says_so_and_names_every_feature():
    """ks_statistic has values but no bound (no default, none recorded): the message says the bound
    is missing, not that the values are empty, and names every feature it left out."""
    features = ["f{}".format(i) for i in range(5)]
    frame = drift_frame({}, extra=[(f, "ks_statistic", 0.2, NAN, NAN) for f in features])
    out = drift(frame, decision_metric="ks_statistic")
    assert out.outcome == "WARNING" and "is empty" not in out.message
    assert ("no bound on ks_statistic (it has no default bound and the metrics rows record none): set one in "
            "'bounds'; 5 feature(s) with a value left out: f0, f1, f2, f3, f4") in out.message
    ignored = drift(frame, decision_metric="ks_statistic", bounds=[{"metric": "ks_statistic", "ignore": True}])
    assert "no bound on ks_statistic ('bounds' marks it ignore)" in ignored.message


def test_messages_cut_at_a_word_boundary():
    assert core.shorten("no non-missing values in the reference dataset", 20) == "no non-missing..."
    assert core.shorten("no non-missing values", 21) == "no non-missing values"
    assert core.shorten("abc def ghi", 10) == "abc def..."
    assert core.shorten("abcdefghijkl", 10) == "abcdefg..."
    # a long last word (a URL) is cut, not dropped with half the room (review finding)
    assert core.shorten("Not Found for url: https://govern.example.com/public/api/artifacts", 40) == \
        "Not Found for url: https://govern.exa..."
    reason = "no non-missing values in the reference dataset (Evidently drops missing and infinite values)"
    frame = drift_frame(dict(a=0.01, b=NAN))
    frame.loc[frame.feature == "b", "reason"] = reason
    out = drift(frame)
    assert "b (no non-missing values in the reference dataset (Evidently...)" in out.message


# -- one dataset, two recipes (issue 15, item 3) -----------------------------------------------

def test_a_metrics_dataset_mixing_two_recipes_names_them(frames):
    drift_rows = compute_drift(*frames, DriftParams(), RunInfo("d1", "2025-01-01T00:00:00Z")).table
    fair_rows = compute_fairness(make_scored(600), FairnessParams.from_config(dict(
        target_column="is_fraud", prediction_column="prediction", sensitive_columns=["gender"])),
        run=RunInfo("f1", "2025-01-02T00:00:00Z"))
    mixed = pd.concat([drift_rows, fair_rows], ignore_index=True)   # appended into the drift dataset
    expected = ("this metrics dataset mixes the rows of compute-drift ({} rows, run d1) and compute-fairness ({} rows, "
                "run f1)".format(len(drift_rows), len(fair_rows)))
    for out in (drift(mixed), fairness(mixed), checks.verdict(mixed)):
        assert out.outcome == "ERROR" and expected in out.message, out.message
        assert "duplicated" not in out.message
        assert "own output dataset" in out.message
    with pytest.raises(core.InputError, match="mixes the rows of compute-drift"):
        headline_metrics(mixed)
    assert "mixes" not in drift(drift_rows).message and "mixes" not in fairness(fair_rows).message

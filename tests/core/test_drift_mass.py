"""The default drift decision (issue 16): the probability mass that moved beyond sampling noise.
Exact flagged sets only where the power is essentially 1 (the rates near the thresholds are measured
over many seeds by bench/detection.py, docs/drift.md)."""
import math

import numpy as np
import pandas as pd
import pytest

from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.drift.categorical import aligned_counts
from model_guardrails.drift.mass import DECISION_RULE, mass_values, noise_floor, pooled_category_counts
from model_guardrails.drift.profile import profile_settings
from model_guardrails.errors import ConfigError
from model_guardrails.table import RunInfo

RUN = RunInfo("run-1", "2026-12-01T00:00:00Z")


def scores(reference, current, **config):
    table = compute_drift(pd.DataFrame(reference), pd.DataFrame(current), DriftParams.from_config(config), RUN).table
    return table[table.metric == "drift_score"].set_index("feature")


def flagged(reference, current, **config):
    found = scores(reference, current, **config)
    return {f for f, s in found.status.items() if s == "ERROR" and f != "__dataset__"}


def test_noise_floor_by_hand():
    ref, cur = np.array([60.0, 40.0, 0.0]), np.array([30.0, 50.0, 20.0])
    pooled = (ref + cur) / 200
    spread = 1 / 100 + 1 / 100
    expected = 0.5 * np.sqrt(pooled * (1 - pooled) * spread * 200 / 199).sum() + math.sqrt(math.log(1000) * spread / 2)
    assert noise_floor(ref, cur) == pytest.approx(expected, rel=1e-12)
    values = mass_values(ref, cur)
    assert values["total_variation"][0] == pytest.approx(0.3)
    assert values["drift_mass"][0] == max(0.0, 0.3 - expected) == 0.0  # 100 rows a side: 0.3 is within the noise


def test_each_scenario_class_is_decided_right_where_power_is_essentially_one():
    rng = np.random.default_rng(16)
    n = 20000
    labels = np.array(["c{:04d}".format(i) for i in range(1000)], dtype=object)

    def normal(missing=0.0):
        x = rng.normal(size=n)
        x[rng.random(n) < missing] = np.nan
        return x

    reference = {
        "same": normal(), "same_missing": normal(0.05), "tiny_shift": normal(), "mean_shift": normal(),
        "scale": normal(), "cauchy": rng.standard_cauchy(n), "missing_rises": normal(0.05), "stopped": normal(),
        "lognormal_same": rng.lognormal(0, 2.5, n),
        "new_category": rng.choice(list("abcde"), n, p=[.4, .25, .15, .1, .1]),
        "shares": rng.choice(list("abcd"), n, p=[.4, .3, .2, .1]), "flag": rng.random(n) < 0.05,
        "flag_same": rng.random(n) < 0.05, "uniform_1000": labels[rng.integers(0, 1000, n)],
    }
    current = {
        "same": normal(), "same_missing": normal(0.05), "tiny_shift": normal() + 0.02, "mean_shift": normal() + 0.5,
        "scale": normal() * 1.5, "cauchy": rng.standard_cauchy(n) + 1, "missing_rises": normal(0.30),
        "stopped": np.full(n, np.nan), "lognormal_same": rng.lognormal(0, 2.5, n),
        "new_category": rng.choice(list("abcdef"), n, p=[.34, .2125, .1275, .085, .085, .15]),
        "shares": rng.choice(list("abcd"), n, p=[.25, .3, .2, .25]), "flag": rng.random(n) < 0.20,
        "flag_same": rng.random(n) < 0.05, "uniform_1000": labels[rng.integers(0, 1000, n)],
    }
    assert flagged(reference, current) == {"mean_shift", "scale", "cauchy", "missing_rises", "stopped",
                                           "new_category", "shares", "flag"}
    # a monotone transformation (log of a positive column, a change of units) decides the same
    positive = {"a": np.exp(reference["cauchy"] / 10)}
    moved = {"a": np.exp(current["cauchy"] / 10)}
    logged = {k: np.log(v) for k, v in positive.items()}, {k: np.log(v) for k, v in moved.items()}
    euros = {k: v * 0.92 for k, v in positive.items()}, {k: v * 0.92 for k, v in moved.items()}
    masses = [scores(*pair).value["a"] for pair in ((positive, moved), logged, euros)]
    assert masses[0] == pytest.approx(masses[1], abs=1e-3) == pytest.approx(masses[2], abs=1e-3)
    assert masses[0] > 0.2


def test_high_cardinality_noise_is_not_flagged_at_small_sizes():
    rng = np.random.default_rng(7)
    labels = np.array(["k{}".format(i) for i in range(5000)], dtype=object)
    zipf = 1 / np.arange(1, 5001) ** 1.1
    zipf /= zipf.sum()
    for n in (1000, 2000, 10000):
        reference = {"uniform": labels[rng.integers(0, 1000, n)], "zipf": rng.choice(labels, n, p=zipf)}
        current = {"uniform": labels[rng.integers(0, 1000, n)], "zipf": rng.choice(labels, n, p=zipf)}
        assert flagged(reference, current) == set(), n


def test_categories_ranked_on_both_sides_with_the_rest_pooled():
    ref = pd.Series({"a": 5, "b": 3, "c": 1})
    cur = pd.Series({"c": 6, "d": 4})
    r, c = pooled_category_counts(ref, cur, 1, 0, 2)  # pooled: c 7, a 5, then d 4 and b 3 pooled; missing last
    assert r.tolist() == [1, 5, 3, 1] and c.tolist() == [6, 0, 4, 0]


def _pooled_by_hand(ref, cur, ref_missing, cur_missing, k):
    """The straightforward implementation: add the counts, sort everything by (-count, label)."""
    both = ref.add(cur, fill_value=0)
    kept = [label for label, _ in sorted(both.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
    out = []
    for counts, missing in ((ref, ref_missing), (cur, cur_missing)):
        values = counts.reindex(kept, fill_value=0).to_numpy("float64")
        out.append(np.concatenate((values, [float(counts.sum()) - values.sum(), float(missing)])))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_pooled_counts_match_the_straightforward_ranking_with_ties(seed):
    rng = np.random.default_rng(seed)
    for make in (lambda i: "c{}".format(i), int):
        labels = np.array([make(i) for i in rng.permutation(300)], dtype=object)
        ref = pd.Series(rng.integers(1, 4, 200), index=labels[:200])  # few distinct counts: many ties
        cur = pd.Series(rng.integers(1, 4, 150), index=labels[150:])
        for k in (1, 5, 37, 100, 299, 300, 1000):
            got = pooled_category_counts(ref, cur, 3, 2, k)
            want = _pooled_by_hand(ref, cur, 3, 2, k)
            assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist(), (make, k)
            kept = aligned_counts(ref, cur, 3, 2, k)[4]
            assert kept == [label for label, _ in sorted(ref.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def test_every_row_names_the_rule_and_profiles_carry_it():
    rng = np.random.default_rng(1)
    table = compute_drift(pd.DataFrame({"x": rng.normal(size=500)}), pd.DataFrame({"x": rng.normal(size=500)}),
                          DriftParams(), RUN).table
    assert (table.decision_rule == DECISION_RULE).all() and list(table.columns)[-1] == "decision_rule"
    assert profile_settings(DriftParams())["decision_rule"] == DECISION_RULE


def test_evidently_convention_keeps_its_decision_and_rows():
    rng = np.random.default_rng(2)
    reference = pd.DataFrame({"x": rng.normal(size=2000), "c": rng.choice(list("abc"), 2000)})
    current = pd.DataFrame({"x": rng.normal(size=2000), "c": rng.choice(list("abc"), 2000)})
    table = compute_drift(reference, current, DriftParams.from_config({"convention": "evidently"}), RUN).table
    assert not table.metric.isin(["total_variation", "drift_mass"]).any()
    assert (table.decision_rule == "").all()  # decided on wasserstein_norm / js_distance: not the mass rule
    mixed = compute_drift(reference, current, DriftParams.from_config({"categorical_decision_metric": "js_distance"}),
                          RUN).table
    assert set(mixed[mixed.feature == "x"].decision_rule) == {DECISION_RULE}
    assert set(mixed[mixed.feature == "c"].decision_rule) == {""}
    assert set(mixed[mixed.feature == "__dataset__"].decision_rule) == {DECISION_RULE}
    decided = table[table.metric == "drift_score"].set_index("feature").decided_on
    assert decided["x"] == "wasserstein_norm" and decided["c"] == "js_distance"
    with pytest.raises(ConfigError, match="numeric_decision_metric"):
        DriftParams.from_config({"convention": "evidently", "numeric_decision_metric": "drift_mass"})

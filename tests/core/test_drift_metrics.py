"""Per-feature drift metrics (default convention) against scipy and hand-checkable toy data."""
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from model_guardrails.drift.categorical import categorical_metrics
from model_guardrails.drift.numeric import numeric_metrics, quantile_edges


def values(metrics):
    return {k: v[0] for k, v in metrics.values.items()}


@pytest.mark.parametrize("n_ref,n_cur", [(300, 250), (4000, 3000), (12000, 15000)])
def test_ks_and_wasserstein_equal_scipy(rng, n_ref, n_cur):
    # sizes cover scipy's exact p-value (max n <= 10000) and asymptotic (above) branches
    ref = rng.normal(0, 1, n_ref).round(2)  # ties on purpose
    cur = rng.normal(0.1, 1.1, n_cur).round(2)
    got = values(numeric_metrics(pd.Series(ref), pd.Series(cur), 10))
    ks = stats.ks_2samp(ref, cur, method="auto")
    assert got["ks_statistic"] == pytest.approx(ks.statistic, abs=1e-12)
    assert got["ks_pvalue"] == pytest.approx(ks.pvalue, rel=1e-9, abs=1e-15)
    assert got["wasserstein"] == pytest.approx(stats.wasserstein_distance(ref, cur), rel=1e-12)
    assert got["wasserstein_norm"] == pytest.approx(stats.wasserstein_distance(ref, cur) / np.std(ref), rel=1e-12)


def test_psi_by_hand_on_deciles():
    # reference 1..100: each decile bin holds 10%; current all 1: everything in the first bin.
    got = values(numeric_metrics(pd.Series(np.arange(1.0, 101.0)), pd.Series(np.ones(50)), 10))
    expected = (0.1 - 1.0) * math.log(0.1 / 1.0) + 9 * (0.1 - 0.001) * math.log(0.1 / 0.001)
    assert got["psi"] == pytest.approx(expected, rel=1e-12)


def test_quantile_edges_are_reference_deciles_and_collapse_ties():
    assert np.allclose(quantile_edges(np.arange(1.0, 101.0), 10), np.quantile(np.arange(1.0, 101.0), np.arange(1, 10) / 10))
    # positions 0.3..2.7 of [1, 1, 1, 2]: the first six quantiles tie at 1.0 and collapse to one edge
    assert quantile_edges(np.array([1.0, 1.0, 1.0, 2.0]), 10) == pytest.approx([1.0, 1.1, 1.4, 1.7])
    assert quantile_edges(np.array([5.0] * 10), 10).tolist() == [5.0]


def test_quantile_edges_are_exact_where_the_position_is_a_whole_rank():
    # reference 0..90: the 0.7 quantile is exactly 63 (position 90 * 7 / 10 = 63); computed as
    # 90 * 0.7 in floating point it was 62.99999999999999, and the value 63 fell one bin higher
    reference = np.arange(0.0, 91.0)
    edges = quantile_edges(reference, 10)
    assert edges.tolist() == [9.0, 18.0, 27.0, 36.0, 45.0, 54.0, 63.0, 72.0, 81.0]
    assert np.searchsorted(edges, 63.0, side="left") == 6  # (54, 63]: the 7th decile, as the exact quantile
    # between two order statistics the edge is numpy's interpolation
    assert quantile_edges(np.arange(1.0, 12.0), 4).tolist() == [3.5, 6.0, 8.5]
    # an interpolated edge within floating-point error of a data value is that value
    close = np.array([0.1, np.nextafter(0.1, 1), np.nextafter(np.nextafter(0.1, 1), 1)])
    assert set(quantile_edges(close, 10).tolist()) <= set(close.tolist())


def test_psi_floor_is_not_monotone_and_documented():
    """docs/drift.md: PSI floors only the exactly-empty bins at 0.001 (DSS's rule), so moving one
    current row into an empty bin can nearly double it (0.021 -> 0.038) while the distributions got
    closer; JS (no floor) goes down. KL is KL(reference || current) with floored, renormalised bins."""
    reference = pd.Series(np.r_[np.arange(990.0), [np.nan] * 10])  # 1% missing
    current = pd.Series(np.arange(5000.0) * 990 / 5000)  # the same deciles, no missing value
    moved = current.copy()
    moved.iloc[0] = np.nan  # one current row into the (empty) missing bin: 0.02% instead of the 0.1% floor
    before, after = values(numeric_metrics(reference, current, 10)), values(numeric_metrics(reference, moved, 10))
    assert round(before["psi"], 3) == 0.021 and round(after["psi"], 3) == 0.038
    assert after["js_distance"] < before["js_distance"]
    bins = numeric_metrics(reference, current, 10).distribution
    p, q = np.array(bins.reference) / 1000, np.array(bins.current) / 5000
    assert q[-1] == 0
    q = np.where(q == 0, 0.001, q)
    q = q / q.sum()  # p has no empty bin: the floor changes only q
    assert before["kl_divergence"] == pytest.approx(float(np.sum(p * np.log(p / q))), rel=1e-9)


def test_missing_values_are_their_own_bin():
    ref = pd.Series(np.arange(100.0))
    cur = pd.Series(np.r_[np.arange(100.0), [np.nan] * 100])
    got = values(numeric_metrics(ref, cur, 10))
    assert got["missing_share_current"] == 0.5 and got["missing_share_reference"] == 0.0
    # same values, half of current missing: binned metrics see it, KS/Wasserstein compare values only
    assert got["psi"] > 0.1 and got["js_distance"] > 0.1
    assert got["ks_statistic"] == 0.0 and got["wasserstein"] == 0.0


def test_infinities_count_as_missing_under_default():
    got = values(numeric_metrics(pd.Series([1.0, 2.0, 3.0, 4.0]), pd.Series([1.0, 2.0, np.inf, -np.inf]), 2))
    assert got["missing_share_current"] == 0.5


def test_disjoint_categories_have_maximal_distances():
    got = values(categorical_metrics(pd.Series(["a"] * 50), pd.Series(["b"] * 40), 1000))
    assert got["js_distance"] == pytest.approx(1.0)
    assert got["hellinger"] == pytest.approx(1.0)
    assert got["unseen_share"] == 1.0


def test_chi2_is_the_contingency_test_on_counts():
    ref = pd.Series(list("a" * 50 + "b" * 30 + "c" * 20))
    cur = pd.Series(list("a" * 30 + "b" * 30 + "c" * 30 + "d" * 10))
    got = values(categorical_metrics(ref, cur, 1000))
    # bins: a, b, c (kept), __other__ (d, unseen), missing (empty on both sides: dropped)
    expected = stats.chi2_contingency([[50, 30, 20, 0], [30, 30, 30, 10]])
    assert got["chi2_statistic"] == pytest.approx(expected[0], rel=1e-12)
    assert got["chi2_pvalue"] == pytest.approx(expected[1], rel=1e-9)
    assert got["unseen_share"] == 0.1


def test_single_category_makes_chi2_empty_with_reason():
    metrics = categorical_metrics(pd.Series(["a"] * 10), pd.Series(["a"] * 10), 1000).values
    assert metrics["chi2_pvalue"][0] is None and "single category" in metrics["chi2_pvalue"][1]
    assert metrics["js_distance"][0] == 0.0


def test_high_cardinality_is_pooled_and_said(rng):
    ref = pd.Series(rng.integers(0, 5000, 20000).astype(str))
    cur = pd.Series(rng.integers(0, 5000, 20000).astype(str))
    metrics = categorical_metrics(ref, cur, 1000).values
    assert "pooled" in metrics["js_distance"][1] and "__other__" in metrics["js_distance"][1]
    pooled = metrics["js_distance"][0]
    unpooled = categorical_metrics(ref, cur, 10000).values["js_distance"][0]
    assert pooled < unpooled  # pooling rare categories damps sampling noise


@pytest.mark.parametrize("kind", ["numeric", "categorical"])
def test_identical_inputs_give_zero_drift(rng, kind):
    data = pd.Series(rng.normal(size=2000)) if kind == "numeric" else pd.Series(rng.choice(list("abc"), 2000))
    got = values(numeric_metrics(data, data, 10) if kind == "numeric" else categorical_metrics(data, data, 1000))
    for name in ("psi", "js_distance", "hellinger", "kl_divergence"):
        assert got[name] == pytest.approx(0.0, abs=1e-12), name
    if kind == "numeric":
        assert got["ks_statistic"] == 0 and got["ks_pvalue"] == 1.0 and got["wasserstein"] == 0.0


def test_row_order_does_not_matter(rng, frames):
    reference, current = frames
    for column, fn in (("x", lambda r, c: numeric_metrics(r, c, 10)), ("cat", lambda r, c: categorical_metrics(r, c, 1000))):
        a = values(fn(reference[column], current[column]))
        b = values(fn(reference[column].sample(frac=1, random_state=1), current[column].sample(frac=1, random_state=2)))
        for name in a:
            assert a[name] == pytest.approx(b[name], rel=1e-12, abs=1e-15), (column, name)


def test_symmetric_metrics_on_shared_categories(rng):
    a = pd.Series(rng.choice(list("abc"), 1000, p=[0.5, 0.3, 0.2]))
    b = pd.Series(rng.choice(list("abc"), 1000, p=[0.2, 0.3, 0.5]))
    ab, ba = values(categorical_metrics(a, b, 1000)), values(categorical_metrics(b, a, 1000))
    for name in ("psi", "js_distance", "hellinger", "chi2_statistic"):
        assert ab[name] == pytest.approx(ba[name], rel=1e-12), name


def test_bounded_metrics_stay_in_range(rng):
    for shift in (0.0, 0.5, 5.0, 50.0):
        got = values(numeric_metrics(pd.Series(rng.normal(size=500)), pd.Series(rng.normal(shift, 1, 500)), 10))
        assert 0.0 <= got["js_distance"] <= 1.0
        assert 0.0 <= got["hellinger"] <= 1.0
        assert got["psi"] >= 0.0 and got["kl_divergence"] >= 0.0
        assert 0.0 <= got["ks_pvalue"] <= 1.0


def test_constant_reference_makes_normalised_wasserstein_empty():
    metrics = numeric_metrics(pd.Series([5.0] * 100), pd.Series([5.0] * 90 + [6.0] * 10), 10).values
    assert metrics["wasserstein_norm"][0] is None and "constant" in metrics["wasserstein_norm"][1]
    assert metrics["wasserstein"][0] == pytest.approx(0.1)
    assert metrics["psi"][0] > 0

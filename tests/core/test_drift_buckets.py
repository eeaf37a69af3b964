"""Large numeric samples without sorting (drift/buckets.py): the same KS statistic, Wasserstein up
to summation order and the same PSI edges as the sorted computation, and scipy's p-values from
scipy.special (stats/pvalues.py). Equality only; speed is measured by `make bench` (bench/core_runs.py)."""
import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

from model_guardrails.drift import buckets
from model_guardrails.drift.distances import js_distance
from model_guardrails.drift.numeric import Sample, edge_ranks, ks_and_wasserstein, numeric_metrics
from model_guardrails.stats.intervals import Z_OF_LEVEL, z_value
from model_guardrails.stats.pvalues import chi2_independence, kstwo_sf

N = 120_000


def _pairs(rng):
    return {
        "normal": (rng.normal(0, 1, N), rng.normal(0, 1, N)),
        "shifted, unequal sizes": (rng.normal(0, 1, N), rng.normal(0.3, 1.2, N // 2)),
        "lognormal": (rng.lognormal(0, 1, N), rng.lognormal(0.05, 1, N)),
        "identical lognormal": (rng.lognormal(0, 1, N), rng.lognormal(0, 1, N)),  # F − G changes sign often
        "far from zero": (1e6 + rng.normal(0, 1, N), 1e6 + rng.normal(0.01, 1, N)),
        "one extreme outlier": (np.append(rng.normal(0, 1, N), [1e12]), rng.normal(0, 1, N)),
        "disjoint": (rng.normal(0, 1, N), rng.normal(100, 1, N)),
        "ties": (rng.normal(0, 1, N).round(3), rng.normal(0.02, 1, N).round(3)),
    }


@pytest.mark.parametrize("case", ["normal", "shifted, unequal sizes", "lognormal", "identical lognormal", "far from zero",
                                  "one extreme outlier", "disjoint", "ties"])
def test_buckets_equal_the_sorted_computation(case):
    ref, cur = _pairs(np.random.default_rng(7))[case]
    d, _, wasserstein = ks_and_wasserstein(Sample(ref), Sample(cur))
    found = buckets.ks_and_wasserstein(ref.copy(), cur.copy())
    assert found is not None
    assert found[0] == d  # the same float: the same count ratios
    assert found[1] == pytest.approx(wasserstein, rel=1e-12)
    grid = buckets.Grid(ref.copy(), cur.copy())
    ranks = edge_ranks(len(ref), 10)
    ordered = np.sort(ref)
    assert grid.order_statistics(ranks) == {r: ordered[r] for r in ranks}


def test_few_distinct_values_fall_back_to_sorting():
    rng = np.random.default_rng(3)
    ref, cur = rng.integers(0, 50, N).astype(float), rng.integers(0, 52, N).astype(float)
    assert buckets.ks_and_wasserstein(ref, cur) is None  # too much to sort within buckets
    constant = np.ones(N)
    assert buckets.ks_and_wasserstein(constant, constant.copy()) is None  # no spread for a grid


@pytest.mark.parametrize("case", ["shifted, unequal sizes", "ties"])
def test_numeric_metrics_of_large_samples_equal_the_sorted_path(case, monkeypatch):
    ref, cur = _pairs(np.random.default_rng(11))[case]
    ref[::50] = np.nan
    fast = numeric_metrics(pd.Series(ref), pd.Series(cur), 10).values
    monkeypatch.setattr(buckets, "MIN_ROWS", 10 ** 12)  # every sample sorted
    sorted_path = numeric_metrics(pd.Series(ref), pd.Series(cur), 10).values
    assert fast.keys() == sorted_path.keys()
    for name, (value, reason) in sorted_path.items():
        assert fast[name][1] == reason
        if name.startswith("wasserstein"):
            assert fast[name][0] == pytest.approx(value, rel=1e-12)
        else:
            assert fast[name][0] == value, name


@pytest.mark.parametrize("n", [141, 5000, 50_000, 100_001, 500_000])
def test_kstwo_sf_equals_scipy(n):
    for x in np.concatenate((np.linspace(1e-4, 0.999, 300), [0.5 / n, 1.0 / n, 1.5 / n])):
        assert kstwo_sf(x, float(n)) == float(np.clip(stats.kstwo.sf(x, float(n)), 0, 1))


def test_chi2_independence_and_js_distance_equal_scipy():
    rng = np.random.default_rng(5)
    for _ in range(300):
        table = rng.integers(1, rng.choice([6, 1000, 10 ** 6]), (2, rng.integers(2, 12)))
        result = stats.chi2_contingency(table)
        assert chi2_independence(table) == (float(result[0]), float(result[1]))
        p, q = rng.random(table.shape[1]), rng.random(table.shape[1])
        p[rng.random(len(p)) < 0.3] = 0
        p[0] = max(p[0], 0.01)  # not all empty
        assert js_distance(p, q, base=2) == float(jensenshannon(p, q, base=2))


@pytest.mark.parametrize("level", sorted(Z_OF_LEVEL) + [0.5, 0.75, 0.925])
def test_z_value_is_the_normal_quantile(level):
    assert z_value(level) == float(stats.norm.ppf(0.5 + level / 2.0)) == float(special.ndtri(0.5 + level / 2.0))


def test_a_spread_too_small_for_a_grid_falls_back_to_sorting():
    """A spread below ~4e-304 makes the grid's scale infinite: the sorted path, not a crash."""
    rng = np.random.default_rng(5)
    ref, cur = rng.integers(0, 100, N) * 5e-324, rng.integers(0, 100, N) * 5e-324
    assert buckets.ks_and_wasserstein(ref, cur) is None
    assert np.isfinite(numeric_metrics(pd.Series(ref), pd.Series(cur), 10).values["psi"][0])


def test_edges_never_hold_negative_zero(monkeypatch):
    """Which zero an order statistic is depends on the sort (the grid sorts within buckets, a full
    sort the whole column): edges are canonical, so both paths give the same edges and labels."""
    rng = np.random.default_rng(1)  # a seed whose median edge the grid's partial sort found as -0.0
    ref, cur = np.round(rng.normal(size=200_000), 2), np.round(rng.normal(size=200_000), 2)
    fast = numeric_metrics(pd.Series(ref), pd.Series(cur), 10).distribution
    monkeypatch.setattr(buckets, "MIN_ROWS", 10 ** 12)  # every sample sorted
    sorted_path = numeric_metrics(pd.Series(ref), pd.Series(cur), 10).distribution
    fast_edges, sorted_edges = np.asarray(fast.edges, dtype=float), np.asarray(sorted_path.edges, dtype=float)
    for edges in (fast_edges, sorted_edges):
        assert 0.0 in edges and not np.any(np.signbit(edges) & (edges == 0))
    assert fast_edges.tobytes() == sorted_edges.tobytes()

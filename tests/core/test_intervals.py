"""Shared confidence intervals."""
import numpy as np
import pytest

from model_guardrails.stats import intervals


def test_wilson_matches_textbook_values():
    # Wilson score interval for 8/10 at 95% (Newcombe 1998, Table I style): (0.4902, 0.9433).
    low, high = intervals.wilson([8], [10], 0.95)
    assert low[0] == pytest.approx(0.4902, abs=1e-4) and high[0] == pytest.approx(0.9433, abs=1e-4)


def test_wilson_edges_and_undefined():
    low, high = intervals.wilson([0, 5, 0], [10, 5, 0], 0.95)
    assert low[0] == 0.0 and 0 < high[0] < 0.35
    assert high[1] == pytest.approx(1.0) and low[1] < 1
    assert np.isnan(low[2]) and np.isnan(high[2])


def test_ratio_of_means_is_centred_on_the_ratio():
    rng = np.random.default_rng(0)
    a, b = rng.random(500), rng.random(500) + 1
    ratio, low, high = intervals.ratio_of_means(a.sum(), b.sum(), (a * a).sum(), (b * b).sum(), (a * b).sum(),
                                                500, 0.95)
    assert ratio == pytest.approx(a.sum() / b.sum())
    assert low < ratio < high and high - low < 0.1


def test_logit_interval_stays_inside_zero_one():
    low, high = intervals.logit([0.99, 0.5, 1.0], [0.5, 0.1, 0.1], 0.95)
    assert 0 < low[0] < 0.99 < high[0] < 1
    assert np.isnan(low[2])


# -- widths against independent computations (issue 15 item 4) --------------------------------
# `ci_low <= value <= ci_high` lets a variance missing a term through; these compare the variance
# or the width itself with a computation that shares no code with the engines.

def naive_delong_variance(y, score):
    """DeLong et al. (1988) from the structural components computed pair by pair, O(n²):
    V10_i = mean_j ψ(x_i, y_j) per positive, V01_j = mean_i ψ(x_i, y_j) per negative, ψ = 1, ½, 0
    for x > y, x = y, x < y; variance = var(V10)/m + var(V01)/n (ddof 1)."""
    pos, neg = score[y == 1], score[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    return psi.mean(), psi.mean(axis=1).var(ddof=1) / len(pos) + psi.mean(axis=0).var(ddof=1) / len(neg)


def delong_sample(seed, n=700, decimals=2):
    """Scores with ties (rounded) and unequal class sizes, in three groups of different separations."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 3, n)
    y = (rng.random(n) < 0.3).astype("float64")
    score = np.clip(0.35 + (0.1 + 0.1 * codes) * y + rng.normal(0, 0.2, n), 0, 1).round(decimals)
    return codes, y, score


@pytest.mark.parametrize("seed", [1, 2])
def test_delong_variance_equals_the_naive_pairwise_computation(seed):
    from model_guardrails.stats import ranking

    codes, y, score = delong_sample(seed)
    auc, variance = ranking.Grouped.of(ranking.Ranked.of(score, y), codes, 3).roc_auc()
    for group in range(3):
        expected_auc, expected_variance = naive_delong_variance(y[codes == group], score[codes == group])
        assert auc[group] == pytest.approx(expected_auc, rel=1e-12)
        assert variance[group] == pytest.approx(expected_variance, rel=1e-9), group


def test_streamed_delong_variance_equals_the_naive_computation_on_four_decimal_scores():
    """The streaming engine's score grid holds one distinct 4-decimal score per bin: the exact variance."""
    from model_guardrails.stats.groups import BinaryGroups

    codes, y, score = delong_sample(3, decimals=4)
    groups = BinaryGroups()
    for part in np.array_split(np.arange(len(y)), 3):
        groups.add(codes[part], y[part], (score[part] >= 0.5).astype("float64"), score[part])
    auc, variance, low, high = groups.roc_auc(np.arange(3), 3)
    for group in range(3):
        expected_auc, expected_variance = naive_delong_variance(y[codes == group], score[codes == group])
        assert auc[group] == pytest.approx(expected_auc, rel=1e-12)
        assert variance[group] == pytest.approx(expected_variance, rel=1e-9), group


def test_roc_auc_intervals_of_both_engines_are_auc_plus_minus_z_naive_standard_errors(scored):
    from model_guardrails.fairness import FairnessParams, compute_fairness
    from model_guardrails.performance import PerformanceParams, evaluate_model

    scored = scored.assign(score=scored["score"].round(2))
    y, score = scored["is_fraud"].to_numpy(), scored["score"].to_numpy()
    z = intervals.z_value(0.95)
    performance = evaluate_model(scored, PerformanceParams.from_config(dict(
        target_column="is_fraud", score_column="score", prediction_column="prediction"))).table
    row = performance[(performance["window"] == "__all__") & (performance["metric"] == "roc_auc")].iloc[0]
    auc, variance = naive_delong_variance(y, score)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((auc - z * np.sqrt(variance), auc + z * np.sqrt(variance)),
                                                            rel=1e-9)
    fairness = compute_fairness(scored, FairnessParams.from_config(dict(
        target_column="is_fraud", score_column="score", prediction_column="prediction",
        sensitive_columns=["gender"])))
    for gender in ("F", "M"):
        part = (scored["gender"] == gender).to_numpy()
        row = fairness[(fairness["group"] == gender) & (fairness["metric"] == "roc_auc")].iloc[0]
        auc, variance = naive_delong_variance(y[part], score[part])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(
            (auc - z * np.sqrt(variance), auc + z * np.sqrt(variance)), rel=1e-9), gender

"""The shared score order (binary.score_order, binary.Ranked) and the grouped AUC built on it."""
import numpy as np
import pytest

from model_guardrails.stats import binary


def _samples():
    rng = np.random.default_rng(7)
    yield rng.random(5000)                                   # distinct scores
    yield np.round(rng.random(5000), 2)                      # many ties
    yield rng.integers(0, 3, 4000).astype("float64")         # three values
    yield np.concatenate([rng.random(300), [0.5] * 50, [-0.0, 0.0, -0.0]])  # -0.0 ties 0.0
    yield np.concatenate([rng.normal(size=300), [1e300, -1e300]])           # a skewed range
    yield np.array([np.nan, 0.2, 0.1, np.nan, 0.2])           # NaN: the plain sort
    yield np.full(10, 0.3)                                    # one value
    yield np.array([0.4])
    yield np.array([])


@pytest.mark.parametrize("descending", [False, True])
def test_score_order_is_the_stable_argsort(descending):
    for score in _samples():
        expected = np.argsort(-score if descending else score, kind="stable")
        assert np.array_equal(binary.score_order(score, descending), expected)


def _pairwise_auc(y, score):
    """Mann–Whitney AUC by counting every (positive, negative) pair, ties ½."""
    pos, neg = score[y == 1], score[y == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))


def test_grouped_auc_from_the_shared_order_counts_every_pair():
    rng = np.random.default_rng(3)
    n = 1500
    codes = rng.integers(0, 4, n)
    y = (rng.random(n) < 0.3).astype("int8")
    score = np.round(rng.random(n), 2)  # ties inside and across groups
    ranked = binary.Ranked.of(score, y)
    auc, variance = binary.roc_auc_by_group(codes, 4, y, score, ranked)
    for g in range(4):
        assert auc[g] == pytest.approx(_pairwise_auc(y[codes == g], score[codes == g]), abs=1e-12)
    # the descending order reversed gives the same floats (ties then come in reverse row order)
    descending = binary.Ranked.of(score, y, descending=True)
    reversed_auc, reversed_variance = binary.roc_auc_by_group(codes, 4, y, score, descending.reversed())
    assert np.array_equal(auc, reversed_auc) and np.array_equal(variance, reversed_variance)

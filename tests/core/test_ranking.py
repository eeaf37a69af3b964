"""The shared score order (ranking.score_order, Ranked) and the grouped statistics built on it
(Grouped, ClassBlocks): AUC and DeLong variance against every (positive, negative) pair counted one
by one, average precision against scikit-learn, whichever class is the rarer one."""
import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from model_guardrails.stats import ranking
from test_intervals import naive_delong_variance


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


def test_score_order_is_the_stable_argsort():
    for score in _samples():
        assert np.array_equal(ranking.score_order(score), np.argsort(score, kind="stable"))


def _sample(positive_rate, n=1200, seed=3):
    """Four groups: ties inside and across groups (2-decimal scores, a block of 0.5), a group of one
    row, and one without a positive when the positives are rare."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, n)
    y = (rng.random(n) < positive_rate).astype("int8")
    score = np.round(np.clip(rng.random(n) * 0.8 + 0.2 * y, 0, 1), 2)
    score[:60] = 0.5
    codes[codes == 3] = 2
    codes[0] = 3
    return codes, y, score


@pytest.mark.parametrize("positive_rate", [0.05, 0.3, 0.7, 0.97])
def test_grouped_auc_and_delong_variance_count_every_pair(positive_rate):
    codes, y, score = _sample(positive_rate)
    auc, variance = ranking.roc_auc_by_group(codes, 5, y, score)
    for g in range(5):
        rows = codes == g
        n_pos, n_neg = int(y[rows].sum()), int((1 - y[rows]).sum())
        if n_pos == 0 or n_neg == 0:
            assert np.isnan(auc[g]) and np.isnan(variance[g]), g
            continue
        expected_auc, expected_variance = naive_delong_variance(y[rows], score[rows])
        assert auc[g] == pytest.approx(expected_auc, rel=1e-12, abs=1e-15), g
        if n_pos > 1 and n_neg > 1:
            assert variance[g] == pytest.approx(expected_variance, rel=1e-9), g
        else:
            assert np.isnan(variance[g]), g
    assert np.isnan(auc[3]) and np.isnan(auc[4])  # one row; no row


@pytest.mark.parametrize("positive_rate", [0.05, 0.3, 0.7, 0.97])
def test_grouped_average_precision_is_scikit_learns(positive_rate):
    codes, y, score = _sample(positive_rate)
    ap, positives = ranking.average_precision_by_group(codes, 5, y, score)
    for g in range(5):
        rows = codes == g
        assert positives[g] == y[rows].sum()
        if y[rows].sum() == 0:
            assert np.isnan(ap[g])
        else:
            assert ap[g] == pytest.approx(average_precision_score(y[rows], score[rows]), rel=1e-12), g


@pytest.mark.parametrize("positive_rate", [0.3, 0.7])
def test_the_order_of_tied_rows_does_not_move_a_bit(positive_rate):
    """Every grouping shares one order; ties may come in any row order (here reversed) and the
    floats stay the same: each statistic depends on a tie block's counts only."""
    codes, y, score = _sample(positive_rate)
    reverse_ties = np.argsort(-score, kind="stable")[::-1]
    for ranked in (ranking.Ranked.of(score, y), ranking.Ranked(reverse_ties, score[reverse_ties], y[reverse_ties])):
        grouped = ranking.Grouped.of(ranked, codes, 5)
        auc, variance = grouped.roc_auc()
        ap, _ = grouped.average_precision()
        if ranked.order is reverse_ties:
            assert np.array_equal(auc, first[0], equal_nan=True) and np.array_equal(variance, first[1], equal_nan=True)
            assert np.array_equal(ap, first[2], equal_nan=True)
        first = auc, variance, ap


def test_one_group_needs_no_codes():
    codes, y, score = _sample(0.3)
    ranked = ranking.Ranked.of(score, y)
    alone = ranking.Grouped.of(ranked).roc_auc()
    coded = ranking.roc_auc_by_group(np.zeros(len(y), dtype="int64"), 1, y, score, ranked)
    assert np.array_equal(alone[0], coded[0]) and np.array_equal(alone[1], coded[1])
    assert alone[0][0] == pytest.approx(naive_delong_variance(y, score)[0], rel=1e-12)

"""The shared score order (ranking.Ranked) and the grouped statistics built on it (Grouped,
ClassBlocks): AUC and DeLong variance against every (positive, negative) pair counted one by one,
average precision against scikit-learn, whichever class is the rarer one; and the labels and
group codes the engines feed them (binary.factorize_labels, attributes.group_codes, combine_codes)."""
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from model_guardrails.fairness import attributes
from model_guardrails.stats import binary, ranking
from test_intervals import naive_delong_variance


def grouped_auc(codes, n_groups, y, score):
    return ranking.Grouped.of(ranking.Ranked.of(score, y), codes, n_groups).roc_auc()


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


def test_the_shared_order_is_the_stable_argsort():
    for score in _samples():
        ranked = ranking.Ranked.of(score, np.zeros(len(score)))
        expected = np.argsort(score, kind="stable")
        assert np.array_equal(ranked.order, expected) and np.array_equal(ranked.score, score[expected], equal_nan=True)


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
    auc, variance = grouped_auc(codes, 5, y, score)
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
    ap, positives = ranking.Grouped.of(ranking.Ranked.of(score, y), codes, 5).average_precision()
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
    coded = ranking.Grouped.of(ranked, np.zeros(len(y), dtype="int64"), 1).roc_auc()
    assert np.array_equal(alone[0], coded[0]) and np.array_equal(alone[1], coded[1])
    assert alone[0][0] == pytest.approx(naive_delong_variance(y, score)[0], rel=1e-12)


@pytest.mark.parametrize("positive_rate", [0.3, 0.7])
def test_the_auc_is_the_correctly_rounded_u_statistic_from_either_class(positive_rate):
    """U / (n_pos n_neg) with U counted exactly: the same float from the positives' blocks and from
    the negatives' (the rarer class is the one used), and the float nearest the exact fraction."""
    codes, y, score = _sample(positive_rate, n=400)
    grouped = ranking.Grouped.of(ranking.Ranked.of(score, y), codes, 5)
    from_positives, from_negatives = grouped.blocks(1).roc_auc(), grouped.blocks(0).roc_auc()
    assert np.array_equal(from_positives[0], from_negatives[0], equal_nan=True)
    np.testing.assert_allclose(from_positives[1], from_negatives[1], rtol=1e-12)
    for g in range(3):
        pos, neg = score[(codes == g) & (y == 1)], score[(codes == g) & (y == 0)]
        u = Fraction(int((pos[:, None] > neg[None, :]).sum() * 2 + (pos[:, None] == neg[None, :]).sum()), 2)
        assert from_positives[0][g] == float(u / (len(pos) * len(neg))), g
    y, score = np.array([1, 0, 0, 1, 0, 1, 1], dtype="int8"), np.array([0.8, 1.0, 0.8, 0.0, 0.5, 0.6, 0.9])
    assert grouped_auc(np.zeros(7, dtype="int64"), 1, y, score)[0][0] == 0.375  # a sum of placements: 0.37499999999999994


def test_thousands_of_groups_with_ties_in_few_passes():
    """Day windows over years: the blocks are found without a loop over the groups."""
    rng = np.random.default_rng(11)
    n, n_groups = 60000, 3000
    codes = rng.integers(0, n_groups, n)
    y = (rng.random(n) < 0.4).astype("int8")
    score = np.round(rng.random(n) * 0.7 + 0.3 * y, 2)
    auc, _ = grouped_auc(codes, n_groups, y, score)
    for g in rng.choice(n_groups, 25, replace=False):
        rows = codes == g
        expected = roc_auc_score(y[rows], score[rows]) if 0 < y[rows].sum() < rows.sum() else np.nan
        np.testing.assert_allclose(auc[g], expected, rtol=1e-12)


# -- the labels and group codes the engines pass in --------------------------------------------

@pytest.mark.parametrize("values, keys", [
    (np.array([-100, 100, 100, -100], dtype="int8"), ["-100", "100"]),     # a tinyint spread over 127
    (np.array([1, 0, 1], dtype="uint64"), ["0", "1"]),                      # hashed, as before
    (np.array([1, 0, 1], dtype="uint16"), ["0", "1"]),
    (np.array([-(2 ** 62), 2 ** 62]), [str(-(2 ** 62)), str(2 ** 62)]),     # a wide spread: hashed
    (np.array([3, 10, 3]), ["10", "3"]),                                    # keys sort as text
    (np.array([True, False]), ["0", "1"]),
    (pd.array([1, None, 0], dtype="Int64"), ["0", "1"]),
    (np.array(["b", None, "a"], dtype=object), ["a", "b"]),
])
def test_factorize_labels_counts_small_integers_and_hashes_the_rest(values, keys):
    series = pd.Series(values)
    codes, got, firsts = binary.factorize_labels(series)
    assert got == keys
    expected_codes, uniques = pd.factorize(series)
    expected = np.array([keys.index(binary.label_key(uniques[c])) if c >= 0 else -1 for c in expected_codes])
    assert np.array_equal(codes, expected)
    assert [binary.label_key(v) for v in firsts] == keys


def test_factorize_labels_keeps_wide_codes_for_many_labels():
    codes, keys, _ = binary.factorize_labels(pd.Series(np.arange(300)))
    assert codes.dtype == np.int64 and len(keys) == 300 and keys[codes[299]] == "299"


@pytest.mark.parametrize("values", [
    np.array(["b", None, "a", "b"], dtype=object),
    np.array([3, 1, 2, 1]),
    np.array([1.5, np.nan, 0.5]),
    np.array(["x", 1, 2.5, "a"], dtype=object),   # mixed: sorted as pandas sorts them
    np.array([None, None], dtype=object),
    np.array([], dtype=object),
])
def test_group_codes_sort_as_pandas_and_put_missing_last(values):
    codes, labels = attributes.group_codes(values)
    expected, uniques = pd.factorize(values, sort=True)
    missing = expected == -1
    assert labels[:len(uniques)] == [binary.display(u) for u in uniques]
    assert labels[len(uniques):] == (["(missing)"] if missing.any() else [])
    assert np.array_equal(codes, np.where(missing, len(uniques), expected)) and codes.dtype == np.int16


def test_combine_codes_numbers_the_observed_pairs():
    first, first_labels = np.array([0, 1, 1, 0, 2], dtype=np.int16), ["a", "b", "c"]
    second, second_labels = np.array([1, 0, 0, 1, 1], dtype=np.int16), ["x", "y"]
    codes, labels = attributes.combine_codes(first, first_labels, second, second_labels)
    assert labels == ["a & y", "b & x", "c & y"] and codes.tolist() == [0, 1, 1, 0, 2]


@pytest.mark.parametrize("label", [0, 1])
def test_a_single_class_leaves_every_statistic_undefined(label):
    y, score = np.full(50, label, dtype="int8"), np.round(np.linspace(0, 1, 50), 1)
    grouped = ranking.Grouped.of(ranking.Ranked.of(score, y), np.arange(50) % 3, 3)
    auc, variance = grouped.roc_auc()
    ap, positives = grouped.average_precision()
    assert np.isnan(auc).all() and np.isnan(variance).all()
    assert (np.isnan(ap).all() and (positives == 0).all()) if label == 0 else (ap == 1).all()

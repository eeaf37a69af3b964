"""Shared confidence intervals."""
import numpy as np
import pytest

from model_guardrails import intervals


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

"""Report curves against scikit-learn (issue 15 item 4). Left out of the oldest-libraries run (Makefile
CORE_TESTS): scikit-learn 1.0's calibration_curve closed its bins on the left (np.digitize), 1.1 and
later on the right (np.searchsorted on the inner edges), which the plugin follows."""
import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.calibration import calibration_curve as sklearn_calibration_curve

from sklearn.metrics import roc_curve as sklearn_roc_curve

from model_guardrails.stats.curves import calibration_curve, roc_curve
from model_guardrails.performance import PerformanceParams, performance_table
from model_guardrails.performance.engines.chunks import stats_from_chunks
from model_guardrails.performance.engines.memory import stats_from_frame


def two_decimal_scores(n=20000, seed=5):
    """Scores on a 0.01 grid, so a tenth of them sit exactly on a bin edge (0, 0.1, ..., 1)."""
    rng = np.random.default_rng(seed)
    score = rng.beta(0.6, 2.5, n).round(2)
    return (rng.random(n) < score).astype(int), score


def test_scikit_learn_closes_calibration_bins_on_the_right():
    assert tuple(int(v) for v in sklearn.__version__.split(".")[:2]) >= (1, 1), \
        "scikit-learn %s: before 1.1 calibration_curve closed its bins on the left" % sklearn.__version__


@pytest.mark.parametrize("engine", ["function", "in-memory", "streamed"])
def test_calibration_curve_equals_scikit_learn_on_scores_at_bin_edges(engine):
    y, score = two_decimal_scores()
    frame = pd.DataFrame({"y": y, "score": score})
    params = PerformanceParams.from_config({"target_column": "y", "score_column": "score"})
    if engine == "function":
        curve = calibration_curve(y, score)
    elif engine == "in-memory":  # bins as runs of the sorted scores
        curve = stats_from_frame(frame, params).curves["calibration"]
    else:
        stats, curves = stats_from_chunks([frame[i:i + 3000] for i in range(0, len(frame), 3000)], params)
        performance_table(stats, params)
        curve = curves["calibration"]
    observed, predicted = sklearn_calibration_curve(y, score, n_bins=10, strategy="uniform")
    np.testing.assert_allclose(curve["observed_rate"], observed, rtol=0, atol=1e-6)
    np.testing.assert_allclose(curve["mean_score"], predicted, rtol=0, atol=1e-6)
    assert sum(curve["count"]) == len(y) and len(curve["count"]) == len(observed)


@pytest.mark.parametrize("engine", ["function", "in-memory"])
def test_roc_curve_is_scikit_learns_at_every_threshold_then_thinned(engine):
    y, score = two_decimal_scores(5000)
    fpr, tpr, _ = sklearn_roc_curve(y, score, drop_intermediate=False)
    if engine == "function":
        whole = roc_curve(y, score, max_points=10 ** 6)
        np.testing.assert_allclose(whole["fpr"], fpr, rtol=0, atol=5e-7)
        np.testing.assert_allclose(whole["tpr"], tpr, rtol=0, atol=5e-7)
        curve = roc_curve(y, score, max_points=20)
    else:
        frame = pd.DataFrame({"y": y, "score": score})
        curve = stats_from_frame(frame, PerformanceParams.from_config({"target_column": "y", "score_column": "score"})).curves["roc"]
    kept = np.unique(np.round(np.linspace(0, len(fpr) - 1, 20 if engine == "function" else 200)).astype(int))
    assert len(fpr) > 20 and curve["fpr"][0] == 0 and curve["tpr"][-1] == 1
    np.testing.assert_allclose(curve["fpr"], fpr[kept], rtol=0, atol=5e-7)
    np.testing.assert_allclose(curve["tpr"], tpr[kept], rtol=0, atol=5e-7)

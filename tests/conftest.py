"""Shared fixtures: drift frames, and a small scored table with a built-in gap for one group."""
import os
import sys

import numpy as np
import pandas as pd
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (ROOT, os.path.join(ROOT, "python-lib")):
    if path not in sys.path:
        sys.path.insert(0, path)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


@pytest.fixture
def frames(rng):
    """A small reference/current pair with numeric and categorical columns and a known shift."""
    n = 3000
    reference = pd.DataFrame({
        "x": rng.normal(0, 1, n),
        "y": rng.exponential(2.0, n),
        "cat": rng.choice(list("abcd"), n, p=[0.4, 0.3, 0.2, 0.1]),
    })
    current = pd.DataFrame({
        "x": rng.normal(0.5, 1, n),
        "y": rng.exponential(2.0, n),
        "cat": rng.choice(list("abcde"), n, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
    })
    return reference, current


def make_scored(n=4000, seed=7, gap=0.15):
    """Synthetic fraud scores: gender F/M, age_band (5 levels), is_fraud, score, prediction,
    transaction_date; women over 55 get lower scores (a selection-rate gap)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "gender": rng.choice(["F", "M"], n),
        "age_band": rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], n),
        "is_fraud": (rng.random(n) < 0.3).astype(int),
        "transaction_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
    })
    penalty = np.where(frame["gender"] == "F", gap, 0.0)
    frame["score"] = np.clip(0.3 + 0.35 * frame["is_fraud"] - penalty + rng.normal(0, 0.15, n), 0, 1)
    frame["prediction"] = (frame["score"] >= 0.5).astype(int)
    return frame


@pytest.fixture
def scored():
    return make_scored()

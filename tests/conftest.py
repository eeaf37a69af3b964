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

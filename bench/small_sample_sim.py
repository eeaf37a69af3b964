"""Share of drift_score rows flagged (WARNING or ERROR) when the current sample comes from the
reference distribution itself, default settings, 50 repetitions per size."""
import sys
sys.path.insert(0, "python-lib")  # run from the repository root: .venv/bin/python bench/small_sample_sim.py
import numpy as np
import pandas as pd
from model_guardrails.drift import DriftParams, compute_drift
from model_guardrails.table import RunInfo
rng = np.random.default_rng(15)
ref = pd.DataFrame({"x": rng.normal(size=5000), "e": rng.exponential(size=5000), "c": rng.choice(list("abcd"), 5000, p=[.4, .3, .2, .1])})
p = DriftParams.from_config({})
for n in [int(a) for a in sys.argv[1:]] or (1, 10, 30, 100, 300, 500, 1000):
    flagged = []
    for _ in range(50):
        cur = pd.DataFrame({"x": rng.normal(size=n), "e": rng.exponential(size=n), "c": rng.choice(list("abcd"), n, p=[.4, .3, .2, .1])})
        t = compute_drift(ref, cur, p, RunInfo("r", "t")).table
        flagged.extend(t[t.metric == "drift_score"].status != "OK")
    print(n, round(float(np.mean(flagged)), 2))

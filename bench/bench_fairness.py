"""Benchmarks of compute-fairness and evaluate-model against fairlearn's MetricFrame.

Each measurement runs in a fresh subprocess (wall time with time.perf_counter around load +
compute + write, peak RSS from resource.getrusage), so numbers do not leak between runs:

    rows = bench_rows(1_000_000)        # list of dicts: workload, rows, seconds, peak_rss_mib

Ours runs through the local runtime (the real recipe.py); fairlearn runs in the peer environment
(PEER_PYTHON, default /work/peers/bin/python) on the same Parquet file, computing the same
metrics: 8 per-group metrics on gender, age_band and their intersection, plus demographic parity,
equalized odds and equal opportunity differences/ratios.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER_PYTHON = os.environ.get("PEER_PYTHON", "/work/peers/bin/python")

_PRELUDE = """
import json, resource, sys, time
sys.path[:0] = {paths!r}
start = time.perf_counter()
"""
_EPILOGUE = """
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))
"""

OURS_FAIRNESS = """
from dss_local.runtime import run_recipe
run_recipe("compute-fairness", inputs=[("scored", {data!r})], outputs=[("metrics", {out!r})],
           config=dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                       sensitive_columns=["gender", "age_band"], intersectional=True), plugin_dir={root!r})
"""

OURS_PERFORMANCE = """
from dss_local.runtime import run_recipe
run_recipe("evaluate-model", inputs=[("scored", {data!r})], outputs=[("metrics", {out!r})],
           config=dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                       time_column="transaction_date", time_granularity="week"), plugin_dir={root!r})
"""

FAIRLEARN = """
import pandas as pd
from fairlearn import metrics as flm
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score
frame = pd.read_parquet({data!r}, columns=["gender", "age_band", "is_fraud", "prediction", "score"])
y, pred = frame["is_fraud"], frame["prediction"]
metrics = dict(count=flm.count, selection_rate=flm.selection_rate, tpr=flm.true_positive_rate,
               fpr=flm.false_positive_rate, tnr=flm.true_negative_rate, fnr=flm.false_negative_rate,
               ppv=precision_score, accuracy=accuracy_score)
results = []
for sensitive in (frame["gender"], frame["age_band"], frame[["gender", "age_band"]]):
    mf = flm.MetricFrame(metrics=metrics, y_true=y, y_pred=pred, sensitive_features=sensitive)
    auc = flm.MetricFrame(metrics=roc_auc_score, y_true=y, y_pred=frame["score"], sensitive_features=sensitive)
    results.append((mf.by_group, auc.by_group, mf.difference(), mf.ratio(),
                    flm.equalized_odds_difference(y, pred, sensitive_features=sensitive),
                    flm.equal_opportunity_difference(y, pred, sensitive_features=sensitive)))
"""


def make_data(rows, path, seed=0):
    """The benchmark table: gender (2), age_band (5), is_fraud, score, prediction, transaction_date."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "gender": rng.choice(["F", "M"], rows),
        "age_band": rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], rows),
        "is_fraud": (rng.random(rows) < 0.05).astype("int64"),
        "transaction_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 180, rows), unit="D"),
    })
    score = 0.2 + 0.4 * frame["is_fraud"] - np.where(frame["gender"] == "F", 0.05, 0) + rng.normal(0, 0.15, rows)
    frame["score"] = np.clip(score, 0, 1)
    frame["prediction"] = (frame["score"] >= 0.5).astype("int64")
    frame.to_parquet(path, index=False)
    return path


def measure(template, python=sys.executable, **values):
    """Run one workload in a fresh interpreter; returns {seconds, peak_rss_mib}."""
    values.setdefault("root", ROOT)
    code = (_PRELUDE.format(paths=[os.path.join(ROOT, "python-lib"), ROOT]) + template.format(**values)
            + _EPILOGUE)
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError("benchmark failed:\n" + done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_fairness(data, workdir, python=sys.executable):
    return measure(OURS_FAIRNESS, python, data=data, out=os.path.join(workdir, "fairness.parquet"))


def bench_performance(data, workdir, python=sys.executable):
    return measure(OURS_PERFORMANCE, python, data=data, out=os.path.join(workdir, "performance.parquet"))


def bench_fairlearn(data, python=PEER_PYTHON):
    return measure(FAIRLEARN, python, data=data)


def bench_rows(rows=1_000_000, peers=True):
    """Table rows for `make bench`: ours (fairness, evaluate-model) and fairlearn on the same data."""
    with tempfile.TemporaryDirectory() as workdir:
        data = make_data(rows, os.path.join(workdir, "scored.parquet"))
        table = [
            dict(workload="compute-fairness (2 attributes + intersection)", rows=rows, **bench_fairness(data, workdir)),
            dict(workload="evaluate-model (binary, weekly windows)", rows=rows, **bench_performance(data, workdir)),
        ]
        if peers and os.path.exists(PEER_PYTHON):
            table.append(dict(workload="fairlearn MetricFrame (same metrics)", rows=rows, **bench_fairlearn(data)))
    return table


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    for row in bench_rows(count):
        print("{workload:50s} {rows:>9,d} rows  {seconds:8.2f} s  {peak_rss_mib:8.0f} MiB".format(**row))

"""The core path against its read floor (issue 19, item 1), in fresh processes, paired and alternated.

``ours``: a fresh process that imports what the recipe's glue imports from the core, reads the bench
Parquet file(s) with pandas (the columns the recipe reads), makes the core calls the glue makes
(parameters from the recipe config, compute, the output frame) and writes the output Parquet.
``floor``: a fresh process that imports pandas and reads the same columns of the same file(s),
keeping each frame to the end as ours does (drift holds both datasets in memory).
The local runtime (dss_local) reads datasets through CSV text as DSS streams them, so a whole
``dss-local recipe`` run measures that stand-in read; this measures what the plugin controls.

Each pair runs the floor and ours back to back (the order flips every pair); the ratio is the
median of the paired ratios (single floor timings vary by +-30% on a shared machine). Wall time,
CPU time (user + sys of the child) and peak RSS come from os.wait4.

    python bench/core_ratio.py                       # drift, fairness, evaluate at 100k and 1M, 5 pairs
    python bench/core_ratio.py --rows 1000000 --pairs 7 --workloads drift

Importable: :func:`core_ratios` returns the numbers (bench/run_bench.py can reuse it).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import make_bench_data as data  # noqa: E402

BUILD = os.path.join(ROOT, "build", "bench")
OUT = os.path.join(BUILD, "out")
SENSITIVE = ["gender", "age_band"]
# compute-fairness restricted to what fairlearn's MetricFrame computes (as bench/run_bench.py's ours_fairness)
FAIRNESS_METRICS = ["count", "selection_rate", "tpr", "fpr", "tnr", "fnr", "ppv", "accuracy", "roc_auc",
                    "disparate_impact", "demographic_parity_difference", "equal_opportunity_difference",
                    "equal_opportunity_ratio", "equalized_odds_difference", "equalized_odds_ratio"]
CONFIGS = {
    "drift": {"columns": data.FEATURES, "convention": "default"},
    "fairness": dict(target_column="label", prediction_column="prediction", score_column="score",
                     sensitive_columns=SENSITIVE, intersectional=True, convention="fairlearn", min_group_size=1,
                     metrics=FAIRNESS_METRICS),
    "evaluate": dict(task="binary", target_column="label", score_column="score", prediction_column="prediction"),
}
OUTCOME_COLUMNS = ["label", "prediction", "score"] + SENSITIVE  # what fairness and evaluate read


def _columns(workload):
    return data.FEATURES if workload == "drift" else OUTCOME_COLUMNS


def _inputs(workload, paths):
    return [paths["reference"], paths["current"]] if workload == "drift" else [paths["current"]]


# ------------------------------------------------------------------------------------------------
# the two child processes
# ------------------------------------------------------------------------------------------------
def _floor(workload, inputs):
    """Read the input as ours does: every file's frame kept until the end (drift holds both)."""
    import pandas as pd

    frames = [pd.read_parquet(path, columns=_columns(workload)) for path in inputs]
    return len(frames)


class _Frame:
    """A read frame as the glue's DatasetSource hands it to the core (in memory)."""

    def __init__(self, frame):
        self._frame, self.n_rows = frame, len(frame)

    def frame(self):
        return self._frame


def _ours(workload, inputs, output):
    import pandas as pd

    from model_guardrails.table import RunInfo

    config = CONFIGS[workload]
    if workload == "drift":
        from model_guardrails.drift import DriftParams, compute_drift
        from model_guardrails.drift.engines.memory import warm_imports

        params = DriftParams.from_config(dict(config, columns=",".join(config["columns"])))
        warm_imports()  # as the glue (dku_guardrails.drift_io.compute)
        reference, current = (pd.read_parquet(path, columns=_columns(workload)) for path in inputs)
        table = compute_drift(reference, current, params, RunInfo.new()).table
    elif workload == "fairness":
        from model_guardrails import fairness

        params = fairness.FairnessParams.from_config(config)
        scored = _Frame(pd.read_parquet(inputs[0], columns=params.columns))
        table = fairness.fairness_table(fairness.counts_of(scored, params, "scored"), params, None, None)
    else:
        from model_guardrails import performance

        params = performance.PerformanceParams.from_config(config)
        scored = _Frame(pd.read_parquet(inputs[0], columns=params.columns))
        table = performance.evaluate(scored, params, None, None).table
    table.to_parquet(output, index=False)


# ------------------------------------------------------------------------------------------------
# the parent: pairs of fresh processes
# ------------------------------------------------------------------------------------------------
def _run(args):
    """Wall s, CPU s (user + sys) and peak RSS MiB of one fresh child process."""
    # an inherited PYTHONPATH comes first: another copy of python-lib can be measured (before / after)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"),
                                                                    os.path.join(ROOT, "python-lib"), ROOT])))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__)] + args, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("{} failed".format(" ".join(args)))
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024.0}


def core_ratios(workload, n_rows, pairs=5, folder=BUILD, log=None):
    """Paired runs of the floor and ours for ``workload`` ("drift", "fairness" or "evaluate") at
    ``n_rows`` rows. Returns medians of the paired ratios (wall, cpu, rss), the medians of each side
    and every pair."""
    paths = data.write(folder, n_rows)
    os.makedirs(OUT, exist_ok=True)
    output = os.path.join(OUT, "core_{}_{}.parquet".format(workload, n_rows))
    inputs = _inputs(workload, paths)
    runs = []
    for k in range(pairs):
        order = ("floor", "ours") if k % 2 == 0 else ("ours", "floor")
        pair = {}
        for side in order:
            args = ["--child", side, workload, output] + inputs
            pair[side] = _run(args)
        runs.append(pair)
        if log:
            log("  {} {:,} pair {}: ours {wall:.2f} s cpu {cpu:.2f} s {rss:.0f} MiB".format(
                workload, n_rows, k + 1, **pair["ours"]) + " | floor {wall:.2f} s cpu {cpu:.2f} s {rss:.0f} MiB".format(
                **pair["floor"]))
    ratio = {key: statistics.median(p["ours"][key] / p["floor"][key] for p in runs) for key in ("wall", "cpu", "rss")}
    medians = {side: {key: statistics.median(p[side][key] for p in runs) for key in ("wall", "cpu", "rss")}
               for side in ("ours", "floor")}
    return {"workload": workload, "rows": n_rows, "pairs": pairs, "ratio": ratio, "median": medians, "runs": runs}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        side, workload, output, inputs = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
        return _floor(workload, inputs) if side == "floor" else _ours(workload, inputs, output)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--workloads", nargs="+", default=["drift", "fairness", "evaluate"])
    parser.add_argument("--folder", default=BUILD, help="where the bench Parquet files are (made when missing)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = []
    for n in args.rows:
        for workload in args.workloads:
            result = core_ratios(workload, n, args.pairs, args.folder, log=lambda m: print(m, file=sys.stderr))
            results.append(result)
            r, m = result["ratio"], result["median"]
            print("{:<9s} {:>9,} rows: ours/floor wall {:.2f}x cpu {:.2f}x rss {:.2f}x | ours {:.2f} s {:.0f} MiB, "
                  "floor {:.2f} s {:.0f} MiB".format(workload, n, r["wall"], r["cpu"], r["rss"], m["ours"]["wall"],
                                                     m["ours"]["rss"], m["floor"]["wall"], m["floor"]["rss"]),
                  flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()

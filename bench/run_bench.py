"""`make bench`: our recipes through the local runtime against the peers, on the same seeded Parquet
files, in one session. A benchmark, run on demand; never part of the tests.

Every workload is a fresh subprocess; bench/timed.py measures its wall time and peak RSS (os.wait4).
Ours and the peers alternate within each repetition (the order flips every repetition). The peers
run in their own environment (build/peers, made by `make bench` from bench/peers-requirements.txt)
and write their numbers to JSON; the parent compares them with our rows in the matching convention.

    python bench/run_bench.py                                  # 100k x3, 1M x2, 10M streaming x1
    python bench/run_bench.py --rows 100000 --reps 1 --stream-rows 0 --no-doc   # a quick look
"""
import argparse
import json
import math
import os
import platform
import re
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
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
SENSITIVE = ["gender", "age_band"]
# compute-fairness restricted to what fairlearn's MetricFrame computes (bench/peers/fairlearn_fairness.py)
FAIRNESS_METRICS = ["count", "selection_rate", "tpr", "fpr", "tnr", "fnr", "ppv", "accuracy", "roc_auc",
                    "disparate_impact", "demographic_parity_difference", "equal_opportunity_difference",
                    "equal_opportunity_ratio", "equalized_odds_difference", "equalized_odds_ratio"]
# Evidently's method names (DataDriftPreset, default tests) -> our metric in the evidently convention
EVIDENTLY_METHODS = {"Wasserstein distance (normed)": "wasserstein_norm", "Jensen-Shannon distance": "js_distance",
                     "PSI": "psi", "K-L divergence": "kl_divergence", "Hellinger distance (normed)": "hellinger",
                     "K-S p_value": "ks_pvalue", "chi-square p_value": "chi2_pvalue"}


# ------------------------------------------------------------------------------------------------
# measuring
# ------------------------------------------------------------------------------------------------
def measure(command):
    """Run ``command`` under bench/timed.py; wall seconds and peak RSS (MiB) of that process."""
    done = subprocess.run([sys.executable, os.path.join(HERE, "timed.py")] + command,
                          capture_output=True, text=True, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"exit": done.returncode}
    if done.returncode != 0 or result["exit"] != 0:
        raise RuntimeError("{} failed:\n{}".format(" ".join(command), done.stderr[-3000:]))
    return result["wall"], result["peak_rss_mib"]


def recipe(recipe_id, inputs, output, params):
    command = [sys.executable, "-m", "dss_local.cli", "recipe", recipe_id, "--output", "metrics=" + output]
    for role, path in inputs.items():
        command += ["--input", "{}={}".format(role, path)]
    for name, value in params.items():
        command += ["--param", "{}={}".format(name, value if isinstance(value, str) else json.dumps(value))]
    return command


# ------------------------------------------------------------------------------------------------
# workloads: each returns (command, output path)
# ------------------------------------------------------------------------------------------------
def ours_drift(paths, n, convention, max_rows_in_memory=None):
    params = {"columns": ",".join(data.FEATURES), "convention": convention}
    name = "drift_{}".format(convention)
    if max_rows_in_memory:
        params["max_rows_in_memory"] = max_rows_in_memory
        name = "drift_streaming"
    out = os.path.join(OUT, "{}_{}.parquet".format(name, n))
    return recipe("compute-drift", paths, out, params), out


def evidently_drift(paths, n, peer_python):
    out = os.path.join(OUT, "evidently_{}.json".format(n))
    return [peer_python, os.path.join(HERE, "peers", "evidently_drift.py"), paths["reference"], paths["current"],
            out, "--numeric", ",".join(data.NUMERIC), "--categorical", ",".join(data.CATEGORICAL)], out


def ours_fairness(paths, n):
    out = os.path.join(OUT, "fairness_{}.parquet".format(n))
    params = dict(target_column="label", prediction_column="prediction", score_column="score",
                  sensitive_columns=SENSITIVE, intersectional=True, convention="fairlearn", min_group_size=1,
                  metrics=FAIRNESS_METRICS)
    return recipe("compute-fairness", {"scored": paths["current"]}, out, params), out


def fairlearn_fairness(paths, n, peer_python):
    out = os.path.join(OUT, "fairlearn_{}.json".format(n))
    return [peer_python, os.path.join(HERE, "peers", "fairlearn_fairness.py"), paths["current"], out,
            "--sensitive", ",".join(SENSITIVE)], out


def ours_evaluate(paths, n):
    out = os.path.join(OUT, "evaluate_{}.parquet".format(n))
    params = dict(task="binary", target_column="label", score_column="score", prediction_column="prediction")
    return recipe("evaluate-model", {"scored": paths["current"]}, out, params), out


# ------------------------------------------------------------------------------------------------
# parity: largest |ours - peer| in the matching convention
# ------------------------------------------------------------------------------------------------
def _max_diff(pairs):
    """pairs: (label, ours, peer). Both undefined counts as equal; one undefined is an infinite diff."""
    worst, where = 0.0, None
    for label, ours, peer in pairs:
        ours_nan, peer_nan = ours is None or math.isnan(ours), peer is None or math.isnan(peer)
        diff = 0.0 if ours_nan and peer_nan else math.inf if ours_nan or peer_nan else abs(ours - peer)
        if diff > worst or where is None:
            worst, where = diff, label
    return worst, where, len(pairs)


def drift_diff(ours_path, peer_path):
    import pandas as pd

    rows = pd.read_parquet(ours_path)
    ours = {(f, m): v for f, m, v in zip(rows["feature"], rows["metric"], rows["value"])}
    with open(peer_path) as f:
        peer = json.load(f)["columns"]
    return _max_diff([("{} {}".format(column, EVIDENTLY_METHODS[item["method"]]),
                       ours.get((column, EVIDENTLY_METHODS[item["method"]])), item["value"])
                      for column, item in peer.items()])


def fairness_diff(ours_path, peer_path):
    import pandas as pd

    rows = pd.read_parquet(ours_path)
    ours = {(a, g, m): v for a, g, m, v in zip(rows["attribute"], rows["group"], rows["metric"], rows["value"])}
    with open(peer_path) as f:
        peer = json.load(f)["attributes"]
    pairs = []
    for attribute, numbers in peer.items():
        for metric, groups in numbers["groups"].items():
            pairs += [("{} {} {}".format(attribute, group, metric), ours.get((attribute, group, metric)), value)
                      for group, value in groups.items()]
        pairs += [("{} {}".format(attribute, metric), ours.get((attribute, "__summary__", metric)), value)
                  for metric, value in numbers["summary"].items()]
    return _max_diff(pairs)


# ------------------------------------------------------------------------------------------------
# the session
# ------------------------------------------------------------------------------------------------
STREAMING = "compute-drift streaming, default convention"
PEER_OF = {"compute-drift, default convention": "Evidently DataDriftPreset",
           "compute-drift, evidently convention": "Evidently DataDriftPreset",
           "compute-fairness, fairlearn convention": "fairlearn MetricFrame"}
PARITY = {"compute-drift, evidently convention": drift_diff, "compute-fairness, fairlearn convention": fairness_diff}


def workloads(n, peer_python, max_rows_in_memory):
    """The workloads at ``n`` rows, in running order: {name: function(paths) -> (command, output)}."""
    return {
        "compute-drift, default convention": lambda p: ours_drift(p, n, "default"),
        "Evidently DataDriftPreset": lambda p: evidently_drift(p, n, peer_python),
        "compute-drift, evidently convention": lambda p: ours_drift(p, n, "evidently"),
        "compute-fairness, fairlearn convention": lambda p: ours_fairness(p, n),
        "fairlearn MetricFrame": lambda p: fairlearn_fairness(p, n, peer_python),
        "evaluate-model, binary": lambda p: ours_evaluate(p, n),
        STREAMING: lambda p: ours_drift(p, n, "default", max_rows_in_memory),
    }


def run_session(plan, peer_python, max_rows_in_memory):
    """plan: [(rows, repetitions, workload names)]. Returns the measurements
    {(workload, rows): [(wall, rss), ...]} and parity {(workload, rows): (diff, where, count)}."""
    times, parity = {}, {}
    os.makedirs(OUT, exist_ok=True)
    for n, repetitions, names in plan:
        log("data: {:,} rows".format(n))
        paths = data.write(BUILD, n)
        factories = workloads(n, peer_python, max_rows_in_memory)
        outputs = {}
        for rep in range(repetitions):
            for name in (names if rep % 2 == 0 else names[::-1]):  # alternate who goes first
                command, outputs[name] = factories[name](paths)
                wall, rss = measure(command)
                times.setdefault((name, n), []).append((wall, rss))
                log("  {:,} rows, rep {}: {:<45s} {:8.2f} s {:8.0f} MiB".format(n, rep + 1, name, wall, rss))
        for name in names:
            if name in PARITY and PEER_OF[name] in names:
                parity[(name, n)] = PARITY[name](outputs[name], outputs[PEER_OF[name]])
                log("  parity {}: max |diff| {:.3g} at {} ({} values)".format(name, *parity[(name, n)]))
    return times, parity


def table(times, parity):
    lines = ["| workload | rows | median wall s | peak RSS MiB | peer time / our time | max \\|diff\\| vs peer |",
             "|---|---:|---:|---:|---:|---|"]
    for (name, n), runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        peer = times.get((PEER_OF.get(name), n))
        ratio = "{:.1f}x".format(statistics.median(w for w, _ in peer) / wall) if peer else "—"
        if (name, n) in parity:
            worst, where, count = parity[(name, n)]
            diff = "{:.1e} (largest of {} values: {})".format(worst, count, where)
        elif name in PEER_OF.values():
            diff = "(peer)"
        else:
            diff = "— (other convention)" if name in PEER_OF else "— (no peer)"
        lines.append("| {} | {:,} | {:.2f} ({} run{}) | {:.0f} | {} | {} |".format(
            name, n, wall, len(runs), "s" if len(runs) > 1 else "", max(r for _, r in runs), ratio, diff))
    return "\n".join(lines)


def machine(peer_python):
    import numpy
    import pandas
    import pyarrow

    model = "unknown"
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    with open("/proc/meminfo") as f:
        mem_kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
    peer = subprocess.run([peer_python, "-c", "import evidently, fairlearn, pandas, numpy, scipy, sklearn;"
                           "print('evidently {} · fairlearn {} · pandas {} · numpy {} · scipy {} · scikit-learn {}'.format("
                           "evidently.__version__, fairlearn.__version__, pandas.__version__, numpy.__version__,"
                           "scipy.__version__, sklearn.__version__))"], capture_output=True, text=True).stdout.strip()
    return "\n".join([
        "- CPU: {} — {} cores visible (`os.cpu_count()`)".format(model, os.cpu_count()),
        "- RAM: {:.1f} GiB".format(mem_kib / 1024 ** 2),
        "- OS: {} {}".format(platform.system(), platform.release()),
        "- ours: Python {} · numpy {} · pandas {} · pyarrow {}".format(
            platform.python_version(), numpy.__version__, pandas.__version__, pyarrow.__version__),
        "- peers (`build/peers`): {}".format(peer),
    ])


def write_doc(text):
    """Replace the generated block of docs/benchmarks.md (between the markers), keep the prose."""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    with open(DOC) as f:
        doc = f.read()
    if start not in doc or end not in doc:
        raise SystemExit("{} has no {} ... {} block".format(DOC, start, end))
    doc = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: start + "\n" + text + "\n" + end, doc, flags=re.S)
    with open(DOC, "w") as f:
        f.write(doc)


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--reps", type=int, nargs="+", default=[3, 2], help="repetitions per --rows entry")
    parser.add_argument("--stream-rows", type=int, default=10_000_000, help="0 to skip the streaming rows")
    parser.add_argument("--stream-reps", type=int, default=1)
    parser.add_argument("--max-rows-in-memory", type=int, default=500_000,
                        help="for the streaming rows: below the largest --rows, so that it streams too")
    parser.add_argument("--peer-python", default=os.path.join(ROOT, "build", "peers", "bin", "python"))
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    reps = (args.reps + args.reps[-1:] * len(args.rows))[:len(args.rows)]
    if not os.path.exists(args.peer_python):
        raise SystemExit("no peer environment at {}: run `make bench` (it creates build/peers from "
                         "bench/peers-requirements.txt) or pass --peer-python".format(args.peer_python))

    main_names = [name for name in workloads(0, None, None) if name != STREAMING]
    plan = [(n, r, main_names + ([STREAMING] if n > args.max_rows_in_memory and args.stream_rows else []))
            for n, r in zip(args.rows, reps)]
    if args.stream_rows:
        plan.append((args.stream_rows, args.stream_reps, [STREAMING]))
    started = time.time()
    times, parity = run_session(plan, args.peer_python, args.max_rows_in_memory)
    result = table(times, parity)
    print(result)
    if not args.no_doc:
        stamp = time.strftime("%Y-%m-%d", time.gmtime(started))
        write_doc("Measured {} in one `make bench` session ({:.0f} min), streaming rows with "
                  "`max_rows_in_memory = {:,}`:\n\n{}\n\n{}".format(
                      stamp, (time.time() - started) / 60, args.max_rows_in_memory, machine(args.peer_python), result))
        log("wrote " + os.path.relpath(DOC, ROOT))


if __name__ == "__main__":
    main()

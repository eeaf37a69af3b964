"""`make bench`: our recipes' core path against the time to read their input, and against the
peers, on the same seeded Parquet files, in one session. A benchmark, run on demand; never part of
the tests (docs/benchmarks.md).

Every run is a fresh process; bench/timed.py measures its wall time and peak RSS (os.wait4). For
each workload, bench/core_runs.py runs the read floor (the same read alone) right before ours, so
ours / floor is a median of paired ratios; the peers (Evidently, fairlearn: their own environment,
build/peers, made by `make bench` from bench/peers-requirements.txt) run once per repetition in
memory and write their numbers to JSON, compared with our rows in the matching convention. The
order of the workloads flips every repetition.

    python bench/run_bench.py                          # 100k x3, 1M x2 in memory, 10M streamed x1
    python bench/run_bench.py --rows 100000 --reps 1 --stream-rows 0 --no-doc     # a quick look
    python bench/run_bench.py --rows 0 --stream-rows 1000000 --no-peers --no-doc  # streaming only
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
from core_runs import SENSITIVE  # noqa: E402
# Evidently's method names (DataDriftPreset, default tests) -> our metric in the evidently convention
EVIDENTLY_METHODS = {"Wasserstein distance (normed)": "wasserstein_norm", "Jensen-Shannon distance": "js_distance",
                     "PSI": "psi", "K-L divergence": "kl_divergence", "Hellinger distance (normed)": "hellinger",
                     "K-S p_value": "ks_pvalue", "chi-square p_value": "chi2_pvalue"}


# ------------------------------------------------------------------------------------------------
# measuring
# ------------------------------------------------------------------------------------------------
def measure(command):
    """Run ``command`` under bench/timed.py; wall seconds, peak RSS (MiB) and CPU seconds of that process."""
    done = subprocess.run([sys.executable, os.path.join(HERE, "timed.py")] + command,
                          capture_output=True, text=True, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"exit": done.returncode}
    if done.returncode != 0 or result["exit"] != 0:
        raise RuntimeError("{} failed:\n{}".format(" ".join(command), done.stderr[-3000:]))
    return result["wall"], result["peak_rss_mib"], result["cpu"]


# ------------------------------------------------------------------------------------------------
# workloads: each returns (command, output path); ours and its floor through bench/core_runs.py
# ------------------------------------------------------------------------------------------------
def core(workload, mode, paths, n, max_rows_in_memory):
    """bench/core_runs.py: the recipe's core path (``ours``) or its read floor (``floor``)."""
    inputs = [paths["reference"], paths["current"]] if workload.startswith("drift") else [paths["current"]]
    suffix = "_streamed" if max_rows_in_memory else ""
    out = os.path.join(OUT, "{}{}_{}.parquet".format(workload, suffix, n)) if mode == "ours" else "-"
    command = [sys.executable, os.path.join(HERE, "core_runs.py"), workload, mode, out] + inputs
    if max_rows_in_memory:
        command += ["--max-rows-in-memory", str(max_rows_in_memory)]
    return command, out


def evidently_drift(paths, n, peer_python):
    out = os.path.join(OUT, "evidently_{}.json".format(n))
    return [peer_python, os.path.join(HERE, "peers", "evidently_drift.py"), paths["reference"], paths["current"],
            out, "--numeric", ",".join(data.NUMERIC), "--categorical", ",".join(data.CATEGORICAL)], out


def fairlearn_fairness(paths, n, peer_python):
    out = os.path.join(OUT, "fairlearn_{}.json".format(n))
    return [peer_python, os.path.join(HERE, "peers", "fairlearn_fairness.py"), paths["current"], out,
            "--sensitive", ",".join(SENSITIVE)], out


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
# (label, core_runs workload, peer label, parity); the peers only in memory
WORKLOADS = [("compute-drift, default convention", "drift", "Evidently DataDriftPreset", None),
             ("compute-drift, evidently convention", "drift-evidently", "Evidently DataDriftPreset", drift_diff),
             ("compute-fairness, fairlearn convention", "fairness", "fairlearn MetricFrame", fairness_diff),
             ("evaluate-model, binary", "evaluate", None, None)]
STREAMED = ("drift", "fairness", "evaluate")  # the streamed rows: no evidently convention (it needs memory)
PEERS = {"Evidently DataDriftPreset": evidently_drift, "fairlearn MetricFrame": fairlearn_fairness}


def run_session(plan, peer_python):
    """plan: [(rows, repetitions, max_rows_in_memory or None: in memory, with peers)]. Every repetition
    runs each workload's floor right before it, and each peer once; the order of the workloads flips
    every repetition. Returns {(label, rows, engine): {"ours": [(wall, rss)], "floor": [...],
    "peer": [...], "peer_label": ..., "parity": ...}}."""
    results = {}
    os.makedirs(OUT, exist_ok=True)
    for n, repetitions, streamed in plan:
        log("data: {:,} rows".format(n))
        paths = data.write(BUILD, n)
        engine = "streamed" if streamed else "in memory"
        items = [w for w in WORKLOADS if not streamed or w[1] in STREAMED]
        peers_run, outputs = {}, {}
        for rep in range(repetitions):
            for label, workload, peer, parity in (items if rep % 2 == 0 else items[::-1]):
                entry = results.setdefault((label, n, engine), {"ours": [], "floor": [], "peer": [],
                                                                "peer_label": None, "parity": None})
                for mode in ("floor", "ours"):  # the floor right before ours: paired ratios
                    command, out = core(workload, mode, paths, n, streamed)
                    entry[mode].append(measure(command))
                    log("  {:,} rows {}, rep {}: {:<40s} {:<5s} {:8.2f} s {:8.0f} MiB {:8.2f} s CPU".format(
                        n, engine, rep + 1, label, mode, *entry[mode][-1]))
                outputs[label] = out
                if peer and peer_python and not streamed:
                    entry["peer_label"] = peer
                    if (peer, rep) not in peers_run:
                        command, outputs[peer] = PEERS[peer](paths, n, peer_python)
                        peers_run[(peer, rep)] = measure(command)
                        log("  {:,} rows, rep {}: {:<46s} {:8.2f} s {:8.0f} MiB {:8.2f} s CPU".format(
                            n, rep + 1, peer, *peers_run[(peer, rep)]))
                    entry["peer"].append(peers_run[(peer, rep)])
        for label, workload, peer, parity in items:
            entry = results[(label, n, engine)]
            if parity and entry["peer"]:
                entry["parity"] = parity(outputs[label], outputs[peer])
                log("  parity {}: max |diff| {:.3g} at {} ({} values)".format(label, *entry["parity"]))
    return results


def _median(runs):
    return statistics.median(run[0] for run in runs)


def _paired(ours, floor, field):
    """The median of the paired ratios ours / floor of one measurement (0 wall, 1 RSS, 2 CPU)."""
    return statistics.median(o[field] / f[field] for o, f in zip(ours, floor))


def table(results):
    lines = ["| workload | rows | engine | ours s | read floor s | ours / floor | CPU ours / floor "
             "| peak RSS MiB ours (floor) | RSS ours / floor | peer s | ours / peer | max \\|diff\\| vs peer |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for (label, n, engine), entry in results.items():
        ours, floor = entry["ours"], entry["floor"]
        paired = _paired(ours, floor, 0)
        peer = entry["peer"]
        if entry["parity"]:
            worst, where, count = entry["parity"]
            diff = "{:.1e} ({} values; largest: {})".format(worst, count, where)
        else:
            diff = "— (other convention)" if peer else "—"
        lines.append("| {} | {:,} | {} | {:.2f} ({} run{}) | {:.2f} | **{:.2f}x** | {:.2f}x | {:.0f} ({:.0f}) | {:.2f}x "
                     "| {} | {} | {} |".format(
            label, n, engine, _median(ours), len(ours), "s" if len(ours) > 1 else "", _median(floor), paired,
            _paired(ours, floor, 2), max(r[1] for r in ours), max(r[1] for r in floor), _paired(ours, floor, 1),
            "{:.2f} ({})".format(_median(peer), entry["peer_label"]) if peer else "—",
            "{:.3f}x".format(_median(ours) / _median(peer)) if peer else "—", diff))
    return "\n".join(lines)


PEER_VERSIONS = ("import evidently, fairlearn, pandas, numpy, scipy, sklearn; print(' · '.join('{} {}'.format(n, "
                 "m.__version__) for n, m in [('evidently', evidently), ('fairlearn', fairlearn), ('pandas', pandas), "
                 "('numpy', numpy), ('scipy', scipy), ('scikit-learn', sklearn)]))")


def machine(peer_python):
    """The machine and the library versions, as Markdown bullets."""
    import numpy
    import pandas
    import pyarrow

    model = "unknown"
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    with open("/proc/meminfo") as f:
        mem_kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
    peer = "not run"
    if peer_python:
        peer = subprocess.run([peer_python, "-c", PEER_VERSIONS], capture_output=True, text=True).stdout.strip()
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
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000], help="in memory, 0 for none")
    parser.add_argument("--reps", type=int, nargs="+", default=[3, 2], help="repetitions per --rows entry")
    parser.add_argument("--stream-rows", type=int, nargs="+", default=[10_000_000], help="0 to skip streaming")
    parser.add_argument("--stream-reps", type=int, default=1)
    parser.add_argument("--max-rows-in-memory", type=int, default=500_000,
                        help="for the streamed rows: below their row count, so that both inputs stream")
    parser.add_argument("--peer-python", default=os.path.join(ROOT, "build", "peers", "bin", "python"))
    parser.add_argument("--no-peers", action="store_true", help="ours and the floors only")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    rows = [n for n in args.rows if n]
    reps = (args.reps + args.reps[-1:] * len(rows))[:len(rows)]
    peer_python = None if args.no_peers else args.peer_python
    if peer_python and not os.path.exists(peer_python):
        raise SystemExit("no peer environment at {}: run `make bench` (it creates build/peers from "
                         "bench/peers-requirements.txt), pass --peer-python or --no-peers".format(peer_python))
    plan = [(n, r, None) for n, r in zip(rows, reps)]
    plan += [(n, args.stream_reps, args.max_rows_in_memory) for n in args.stream_rows if n]
    started = time.time()
    results = run_session(plan, peer_python)
    result = table(results)
    print(result)
    if not args.no_doc:
        stamp = time.strftime("%Y-%m-%d", time.gmtime(started))
        command = " ".join(["python bench/run_bench.py"] + sys.argv[1:])
        write_doc("Measured {} in one session ({:.0f} min; `{}`), streamed rows with `max_rows_in_memory = {:,}` "
                  "and `chunk_size = 200,000`:\n\n{}\n\n{}".format(
                      stamp, (time.time() - started) / 60, command, args.max_rows_in_memory,
                      machine(peer_python), result))
        log("wrote " + os.path.relpath(DOC, ROOT))


if __name__ == "__main__":
    main()

"""`make bench`: wall time and peak memory of our recipes through the local runtime, on seeded
data (build/bench/). A benchmark, run on demand; never part of the tests.

Usage: python bench/run_bench.py [--rows 1000000 ...]
"""
import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import make_bench_data  # noqa: E402

BUILD = os.path.join(ROOT, "build", "bench")


def measure(command):
    """Run ``command``; wall seconds and peak RSS (MiB) of that process alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("{} failed:\n{}".format(" ".join(command), stderr[-2000:]))
    return wall, usage.ru_maxrss / 1024.0


def drift_command(paths, output):
    return [sys.executable, "-m", "dss_local.cli", "recipe", "compute-drift",
            "--input", "reference=" + paths["reference"], "--input", "current=" + paths["current"],
            "--output", "metrics=" + output,
            "--param", "columns=" + ",".join(make_bench_data.FEATURES)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    print("| workload | rows | wall s | peak RSS MiB |")
    print("|---|---|---|---|")
    for n in args.rows:
        paths = make_bench_data.write(BUILD, n)
        wall, rss = measure(drift_command(paths, os.path.join(BUILD, "drift_{}.parquet".format(n))))
        print("| compute-drift, 25 features (20 numeric, 5 categorical) | {:,} | {:.2f} | {:.0f} |".format(n, wall, rss))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

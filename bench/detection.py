"""Detection suite (issue 16): how often a drift decision flags a feature, on scenarios whose truth is
stated in probability terms, at 1k to 1M rows per side, over many seeds. Run on demand, never in the
tests (docs/drift.md, "Detection"):

    .venv/bin/python bench/detection.py                       # ours, the previous default, Evidently
    .venv/bin/python bench/detection.py --what ours --sizes 1000,2000 --seeds "ours:200,0,0,0"

Three decisions are measured on the same data:

- ``ours``: the product's default decision, through ``model_guardrails.drift.compute_drift`` with
  default parameters (a feature is flagged when its ``drift_score`` status is ``ERROR``): since
  issue 16, ``drift_mass`` (drift/mass.py);
- ``previous``: the default before issue 16, the same call deciding on ``wasserstein_norm`` (numeric)
  and ``js_distance`` (categorical) at 0.1;
- ``evidently``: Evidently's ``DataDriftPreset()`` with its default per-column test, run in the peer
  environment (build/peers, ``make build/peers/.installed``) by ``bench/peers/evidently_decisions.py``.

Each scenario column is one (scenario, seed) pair; a decision's rate is the share of seeds flagged.
Results go to build/detection/results.json and are printed as Markdown tables.
"""
import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "python-lib"))

from model_guardrails.drift import DriftParams, compute_drift  # noqa: E402
from model_guardrails.table import RunInfo  # noqa: E402

OUT = os.path.join(ROOT, "build", "detection")
PEER_PYTHON = os.path.join(ROOT, "build", "peers", "bin", "python")
PEER_SCRIPT = os.path.join(HERE, "peers", "evidently_decisions.py")
RUN = RunInfo("detection", "2026-01-01T00:00:00Z")

# ------------------------------------------------------------------------------------------------
# scenarios
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str            # "numeric" or "categorical"
    tv: float            # total variation distance between the true distributions, missing counted
    truth: str           # the shift in words
    draw: Callable       # draw(rng, n, current) -> values (numpy array)


def _normal(shift=0.0, scale=1.0, missing_ref=0.0, missing_cur=0.0):
    def draw(rng, n, current):
        x = rng.normal(size=n)
        if current:
            x = x * scale + shift
        missing = missing_cur if current else missing_ref
        if missing:
            x[rng.random(n) < missing] = np.nan
        return x
    return draw


def _shift_tv(shift):  # TV of N(0, 1) against N(shift, 1)
    return 2 * stats.norm.cdf(abs(shift) / 2) - 1


def _shift_for_tv(tv):
    return 2 * stats.norm.ppf((1 + tv) / 2)


def _scale_tv(scale):  # TV of N(0, 1) against N(0, scale^2), scale > 1: the densities cross at +-x
    x = math.sqrt(2 * math.log(scale) / (1 - 1 / scale ** 2))
    return 2 * (stats.norm.cdf(x) - stats.norm.cdf(x / scale))


def _cauchy(shift):
    def draw(rng, n, current):
        return rng.standard_cauchy(n) + (shift if current else 0.0)
    return draw


def _lognormal(sigma, factor):
    def draw(rng, n, current):
        return rng.lognormal(mean=math.log(factor) if current else 0.0, sigma=sigma, size=n)
    return draw


def _labels(k):
    return np.array(["c{:04d}".format(i) for i in range(k)], dtype=object)


def _categories(ref_p, cur_p, labels=None):
    ref_p, cur_p = np.asarray(ref_p, float), np.asarray(cur_p, float)
    labels = _labels(len(ref_p)) if labels is None else labels

    def draw(rng, n, current):
        p = cur_p if current else ref_p
        return labels[rng.choice(len(p), size=n, p=p / p.sum())]
    return draw


def _flag(ref_rate, cur_rate):
    def draw(rng, n, current):
        return rng.random(n) < (cur_rate if current else ref_rate)
    return draw


def _zipf(k, s):
    p = 1.0 / np.arange(1, k + 1) ** s
    return p / p.sum()


SHIFT_10, SHIFT_15 = _shift_for_tv(0.10), _shift_for_tv(0.15)
SCENARIOS = [
    Scenario("same normal", "numeric", 0.0, "N(0,1) both sides", _normal()),
    Scenario("same normal, 5% missing", "numeric", 0.0, "N(0,1), 5% missing, both sides",
             _normal(missing_ref=0.05, missing_cur=0.05)),
    Scenario("same lognormal (sigma 2.5)", "numeric", 0.0, "lognormal sigma 2.5 both sides", _lognormal(2.5, 1.0)),
    Scenario("tiny shift 0.02 sd", "numeric", _shift_tv(0.02), "N(0,1) -> N(0.02,1)", _normal(shift=0.02)),
    Scenario("mean shift, TV 0.10", "numeric", 0.10, "N(0,1) -> N({:.3f},1)".format(SHIFT_10), _normal(SHIFT_10)),
    Scenario("mean shift, TV 0.15", "numeric", 0.15, "N(0,1) -> N({:.3f},1)".format(SHIFT_15), _normal(SHIFT_15)),
    Scenario("mean shift 0.5 sd", "numeric", _shift_tv(0.5), "N(0,1) -> N(0.5,1)", _normal(0.5)),
    Scenario("scale x1.5", "numeric", _scale_tv(1.5), "N(0,1) -> N(0,1.5^2)", _normal(scale=1.5)),
    Scenario("Cauchy shift 1 scale", "numeric", 2 / math.pi * math.atan(0.5), "Cauchy(0,1) -> Cauchy(1,1)",
             _cauchy(1.0)),
    Scenario("lognormal median x1.65", "numeric", _shift_tv(math.log(1.65) / 2.5),
             "lognormal(0, 2.5) -> lognormal(ln 1.65, 2.5)", _lognormal(2.5, 1.65)),
    Scenario("missing 5% -> 30%", "numeric", 0.25, "N(0,1), missing 5% -> 30%",
             _normal(missing_ref=0.05, missing_cur=0.30)),
    Scenario("stopped arriving", "numeric", 1.0, "N(0,1) -> 100% missing", _normal(missing_cur=1.0)),
    Scenario("same 5 categories", "categorical", 0.0, "shares .4 .25 .15 .1 .1 both sides",
             _categories([.4, .25, .15, .1, .1], [.4, .25, .15, .1, .1])),
    Scenario("new category (0.15)", "categorical", 0.15, "5 categories -> a 6th with 15%, the rest x0.85",
             _categories([.4, .25, .15, .1, .1, 0], [.34, .2125, .1275, .085, .085, .15])),
    Scenario("category shares, TV 0.10", "categorical", 0.10, ".4 .3 .2 .1 -> .3 .3 .2 .2",
             _categories([.4, .3, .2, .1], [.3, .3, .2, .2])),
    Scenario("category shares, TV 0.15", "categorical", 0.15, ".4 .3 .2 .1 -> .25 .3 .2 .25",
             _categories([.4, .3, .2, .1], [.25, .3, .2, .25])),
    Scenario("same flag 5%", "categorical", 0.0, "flag rate 5% both sides", _flag(0.05, 0.05)),
    Scenario("flag rate 5% -> 15%", "categorical", 0.10, "boolean, True 5% -> 15%", _flag(0.05, 0.15)),
    Scenario("flag rate 5% -> 20%", "categorical", 0.15, "boolean, True 5% -> 20%", _flag(0.05, 0.20)),
    Scenario("same uniform, 1,000 categories", "categorical", 0.0, "uniform over 1,000 both sides",
             _categories(np.ones(1000), np.ones(1000))),
    Scenario("same Zipf, 5,000 categories", "categorical", 0.0, "p_k ~ 1/k^1.1 over 5,000 both sides",
             _categories(_zipf(5000, 1.1), _zipf(5000, 1.1))),
]
NAMES = {s.name: s for s in SCENARIOS}


def column(i, seed):
    return "s{:02d}_{:05d}".format(i, seed)


def make_data(size, seeds, scenarios, base_seed=16):
    """(reference, current) DataFrames with one column per (scenario, seed), and the column map."""
    ref, cur, where = {}, {}, {}
    for i, scenario in enumerate(SCENARIOS):
        if scenario.name not in scenarios:
            continue
        for seed in seeds:
            rng = np.random.default_rng([base_seed, i, size, seed])
            name = column(i, seed)
            ref[name] = scenario.draw(rng, size, False)
            cur[name] = scenario.draw(rng, size, True)
            where[name] = scenario.name
    return pd.DataFrame(ref), pd.DataFrame(cur), where


# ------------------------------------------------------------------------------------------------
# decisions
# ------------------------------------------------------------------------------------------------
def ours(reference, current, where, **decision):
    """{column: flagged, or "EMPTY"} by drift_score (ERROR), through compute_drift."""
    table = compute_drift(reference, current, DriftParams(methods=("psi",), **decision), RUN).table
    scores = table[table.metric == "drift_score"]
    return {f: "EMPTY" if s == "EMPTY" else s == "ERROR" for f, s in zip(scores.feature, scores.status)}


def previous(reference, current, where):
    """The default before issue 16: wasserstein_norm (numeric) and js_distance (categorical) above 0.1."""
    return ours(reference, current, where, numeric_decision_metric="wasserstein_norm",
                categorical_decision_metric="js_distance")


def evidently(reference, current, where):
    """{column: flagged, or the error text} by Evidently's DataDriftPreset in the peer environment."""
    numeric = [c for c in where if NAMES[where[c]].kind == "numeric"]
    categorical = [c for c in where if NAMES[where[c]].kind == "categorical"]
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, n) for n in ("reference.parquet", "current.parquet", "out.json")]
        reference.to_parquet(paths[0])
        current.to_parquet(paths[1])
        done = subprocess.run([PEER_PYTHON, PEER_SCRIPT] + paths + ["--numeric", ",".join(numeric),
                                                                    "--categorical", ",".join(categorical)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        with open(paths[2]) as f:
            result = json.load(f)
    if "error" in result:
        return {c: result["error"] for c in where}
    return {c: result["columns"][c]["drifted"] for c in where}


def run(what, sizes, seeds_for, scenarios, batch):
    results = {}  # decision -> scenario -> size -> list of outcomes
    for size in sizes:
        for decision in what:
            n_seeds = seeds_for(decision, size)
            if not n_seeds:
                continue
            seeds = list(range(n_seeds))
            started = time.time()
            chosen = [s for s in scenarios if not (decision == "evidently" and s == "stopped arriving")]
            groups = [chosen]
            if decision == "evidently" and "stopped arriving" in scenarios:
                groups.append(["stopped arriving"])  # Evidently fails the whole report on it: alone
            for group in groups:
                per_call = max(1, batch // (len(group) * max(size, 1000) // 1000)) if size > 0 else 1
                group_seeds = seeds if group != ["stopped arriving"] or decision != "evidently" else seeds[:1]
                for start in range(0, len(group_seeds), per_call):
                    reference, current, where = make_data(size, group_seeds[start:start + per_call], group)
                    outcome = {"ours": ours, "previous": previous, "evidently": evidently}[decision](
                        reference, current, where)
                    for name, value in outcome.items():
                        results.setdefault(decision, {}).setdefault(where[name], {}).setdefault(
                            str(size), []).append(value)
            print("{} at {:,} rows: {} seeds, {:.0f} s".format(decision, size, n_seeds, time.time() - started),
                  file=sys.stderr, flush=True)
    return results


# ------------------------------------------------------------------------------------------------
# tables
# ------------------------------------------------------------------------------------------------
def rate(outcomes):
    if not outcomes:
        return ""
    if all(o == "EMPTY" for o in outcomes):
        return "EMPTY"
    if any(isinstance(o, str) for o in outcomes):
        return "crash"
    flags = [bool(o) for o in outcomes]
    return "{:.0%} ({})".format(np.mean(flags), len(flags)) if len(flags) < 100 else "{:.1%}".format(np.mean(flags))


def table(results, sizes, decisions):
    head = "| scenario | TV | " + " | ".join("{:,}".format(s) for s in sizes) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(sizes)]
    for s in SCENARIOS:
        if not any(s.name in results.get(d, {}) for d in decisions):
            continue
        cells = []
        for size in sizes:
            cells.append(" / ".join(rate(results.get(d, {}).get(s.name, {}).get(str(size), [])) or "·"
                                    for d in decisions))
        lines.append("| {} | {:.3f} | {} |".format(s.name, s.tv, " | ".join(cells)))
    return "\n".join(lines)


def machine():
    mem = ""
    if os.path.exists("/proc/meminfo"):
        with open("/proc/meminfo") as f:
            mem = "{:.1f} GiB".format(int(f.readline().split()[1]) / 2 ** 20)
    return "{} cores, {} RAM, Python {}, numpy {}, pandas {}".format(
        os.cpu_count(), mem, platform.python_version(), np.__version__, pd.__version__)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--what", default="ours,previous,evidently")
    parser.add_argument("--sizes", default="1000,2000,10000,100000,1000000")
    parser.add_argument("--seeds", default="ours:2000,200,10,2;previous:200,40,3,1;evidently:40,8,1,0",
                        help="per decision, seeds at 10k rows and below, at 100k, at 1M, above 1M")
    parser.add_argument("--scenarios", default="", help="names separated by ';' (default: all)")
    parser.add_argument("--batch", type=int, default=400, help="thousands of rows x columns per call")
    parser.add_argument("--out", default=os.path.join(OUT, "results.json"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    what = args.what.split(",")
    scenarios = args.scenarios.split(";") if args.scenarios else [s.name for s in SCENARIOS]

    counts = {d: [int(n) for n in spec.split(",")] for d, spec in
              (part.split(":") for part in args.seeds.split(";"))}

    def seeds_for(decision, size):
        return counts[decision][0 if size <= 10000 else 1 if size <= 100000 else 2 if size <= 1000000 else 3]

    started = time.time()
    results = run(what, sizes, seeds_for,
                  scenarios, args.batch)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"machine": machine(), "sizes": sizes, "results": results}, f, default=float)
    print("Machine: {}; {:.0f} s\n".format(machine(), time.time() - started))
    print("Flagged share per scenario and rows per side ({}):\n".format(" / ".join(what)))
    print(table(results, sizes, what))


if __name__ == "__main__":
    main()

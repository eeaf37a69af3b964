"""Reference values for our drift metrics, taken from Evidently itself.

Run with the peer environment (see bench/peers-requirements.txt), never with the plugin's code env:

    /work/peers/bin/python bench/make_drift_reference.py                # recompute the JSON
    /work/peers/bin/python bench/make_drift_reference.py --write-data   # regenerate the CSVs first

It reads the fixed CSV datasets in tests/data/drift/ (see the README there), calls Evidently 0.7.23's
legacy stat tests directly on each dataset (after the same cleaning as Evidently's pipeline: +-inf to
NaN, NaN dropped per side), re-runs every method through the current API (`Report` + `ValueDrift`,
and `DataDriftPreset` once) to confirm the pipeline gives the same number, adds the SciPy-only values
our `default` convention needs, and writes tests/reference/evidently_drift.json with provenance.

The CSVs are the source of truth: tests never regenerate them, so they never depend on RNG stability.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "tests" / "data" / "drift"
OUT = ROOT / "tests" / "reference" / "evidently_drift.json"

NUMERIC_METHODS = ["ks", "psi", "jensenshannon", "kl_div", "wasserstein", "hellinger"]
CATEGORICAL_METHODS = ["chisquare", "psi", "jensenshannon", "kl_div", "hellinger"]
# Extra methods that Evidently's default selector applies to some numeric columns
# (chi-square for 3..5 distinct values, z for <= 2, when the reference has <= 1000 rows).
EXTRA_METHODS = {"num_lowcard": ["chisquare"], "constant": ["chisquare", "z"], "cat_binary": ["z"]}

# dataset name -> feature type ("numerical" / "categorical", Evidently's ColumnType values)
DATASETS = {
    "num_shift": "numerical",
    "num_lowcard": "numerical",
    "num_heavy": "numerical",
    "cat_new": "categorical",
    "cat_binary": "categorical",
    "num_small": "numerical",
    "constant": "numerical",
}


# --------------------------------------------------------------------------------------------------
# Data generation (run once; the committed CSVs are the source of truth)
# --------------------------------------------------------------------------------------------------
def _generate() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    rng = np.random.default_rng(101)
    ref = rng.normal(0.0, 1.0, 2000)
    cur = rng.normal(0.3, 1.2, 1500)
    cur[rng.choice(1500, size=6, replace=False)] = np.nan
    cur[np.flatnonzero(~np.isnan(cur))[rng.integers(0, 1400)]] = np.inf
    out["num_shift"] = (ref, cur)

    rng = np.random.default_rng(102)
    levels = np.array([0.5, 1.5, 2.5, 4.0])
    out["num_lowcard"] = (
        rng.choice(levels, size=2000, p=[0.4, 0.3, 0.2, 0.1]),
        rng.choice(levels, size=1500, p=[0.3, 0.3, 0.25, 0.15]),
    )

    rng = np.random.default_rng(103)
    out["num_heavy"] = (rng.lognormal(0.0, 1.5, 2000), rng.lognormal(0.35, 1.5, 1500))

    rng = np.random.default_rng(104)
    ref = rng.choice(list("abcde"), size=2000, p=[0.35, 0.25, 0.2, 0.15, 0.05]).astype(object)
    cur = rng.choice(list("abcdef"), size=1500, p=[0.30, 0.25, 0.2, 0.12, 0.05, 0.08]).astype(object)
    cur[rng.choice(1500, size=30, replace=False)] = None
    out["cat_new"] = (ref, cur)

    rng = np.random.default_rng(105)
    out["cat_binary"] = (
        rng.choice(["no", "yes"], size=2000, p=[0.7, 0.3]).astype(object),
        rng.choice(["no", "yes"], size=1500, p=[0.64, 0.36]).astype(object),
    )

    rng = np.random.default_rng(106)
    out["num_small"] = (rng.normal(0.0, 1.0, 300), rng.normal(0.25, 1.0, 250))

    rng = np.random.default_rng(107)
    cur = np.full(1000, 5.0)
    cur[rng.choice(1000, size=50, replace=False)] = 6.0
    out["constant"] = (np.full(1200, 5.0), cur)
    return out


def write_data() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for name, (ref, cur) in _generate().items():
        for side, values in (("reference", ref), ("current", cur)):
            frame = pd.DataFrame({"x": values})
            path = DATA_DIR / f"{name}.{side}.csv"
            if DATASETS[name] == "numerical":
                # 6 significant digits keep files small; the CSV text is what every test reads.
                frame.to_csv(path, index=False, float_format="%.6g", na_rep="")
            else:
                frame.to_csv(path, index=False, na_rep="")
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


# --------------------------------------------------------------------------------------------------
# Loading (the documented way every consumer must read these files)
# --------------------------------------------------------------------------------------------------
def load(name: str) -> tuple[pd.Series, pd.Series]:
    sides = []
    for side in ("reference", "current"):
        path = DATA_DIR / f"{name}.{side}.csv"
        if DATASETS[name] == "numerical":
            frame = pd.read_csv(path, dtype={"x": "float64"}, float_precision="round_trip")
        else:
            frame = pd.read_csv(path, dtype={"x": object}, keep_default_na=False, na_values=[""])
        sides.append(frame["x"])
    return sides[0], sides[1]


def clean(series: pd.Series) -> pd.Series:
    """What Evidently's get_one_column_drift does before any stat test."""
    return series.replace([-np.inf, np.inf], np.nan).dropna()


# --------------------------------------------------------------------------------------------------
# Evidently: direct stat-test calls and whole-pipeline calls
# --------------------------------------------------------------------------------------------------
def evidently_direct(ref: pd.Series, cur: pd.Series, feature_type: str, methods: list[str]) -> dict:
    from evidently.legacy.calculations import stattests
    from evidently.legacy.core import ColumnType

    tests = {
        "ks": stattests.ks_stat_test,
        "psi": stattests.psi_stat_test,
        "jensenshannon": stattests.jensenshannon_stat_test,
        "kl_div": stattests.kl_div_stat_test,
        "wasserstein": stattests.wasserstein_stat_test,
        "hellinger": stattests.hellinger_stat_test,
        "chisquare": stattests.chi_stat_test,
        "z": stattests.z_stat_test,
    }
    ctype = ColumnType.Numerical if feature_type == "numerical" else ColumnType.Categorical
    out = {}
    for method in methods:
        # fresh copies: hellinger drops NaN in place on its inputs
        res = tests[method](clean(ref).copy(), clean(cur).copy(), ctype, None)
        out[method] = {
            "value": float(res.drift_score),
            "drifted": bool(res.drifted),
            "threshold": float(res.actual_threshold),
        }
    return out


def _datasets_for_pipeline(ref: pd.Series, cur: pd.Series, feature_type: str):
    from evidently import DataDefinition, Dataset

    if feature_type == "numerical":
        definition = DataDefinition(numerical_columns=["x"])
    else:
        definition = DataDefinition(categorical_columns=["x"])
    r = Dataset.from_pandas(pd.DataFrame({"x": ref}), data_definition=definition)
    c = Dataset.from_pandas(pd.DataFrame({"x": cur}), data_definition=definition)
    return r, c


def evidently_pipeline(ref: pd.Series, cur: pd.Series, feature_type: str, methods: list[str]) -> dict:
    """Every method through Report + ValueDrift on the raw (uncleaned) data, plus the auto method."""
    from evidently import Report
    from evidently.metrics import ValueDrift

    from evidently.legacy.calculations.stattests.registry import _registered_stat_tests
    from evidently.legacy.core import ColumnType

    # the pipeline refuses a method *by name* for a type it is not registered for (chisquare/z on numeric)
    ctype = ColumnType.Numerical if feature_type == "numerical" else ColumnType.Categorical
    methods = [m for m in methods if ctype in _registered_stat_tests[m]]
    r, c = _datasets_for_pipeline(ref, cur, feature_type)
    metrics = [ValueDrift(column="x", method=m) for m in methods] + [ValueDrift(column="x")]
    snapshot = Report(metrics).run(current_data=c, reference_data=r).dict()["metrics"]
    out = {m: float(item["value"]) for m, item in zip(methods, snapshot)}
    auto = snapshot[-1]
    out["__auto__"] = {"method_display_name": auto["config"]["method"], "value": float(auto["value"])}
    return out


def evidently_preset(ref: pd.Series, cur: pd.Series, feature_type: str, method: str) -> float:
    from evidently import Report
    from evidently.presets import DataDriftPreset

    r, c = _datasets_for_pipeline(ref, cur, feature_type)
    snapshot = Report([DataDriftPreset(method=method)]).run(current_data=c, reference_data=r).dict()["metrics"]
    values = [item["value"] for item in snapshot if item["config"]["type"].endswith("ValueDrift")]
    assert len(values) == 1
    return float(values[0])


def default_method_name(ref: pd.Series, cur: pd.Series, feature_type: str) -> str:
    from evidently.legacy.calculations.stattests.registry import get_stattest

    from evidently.legacy.core import ColumnType

    ctype = ColumnType.Numerical if feature_type == "numerical" else ColumnType.Categorical
    return get_stattest(clean(ref), clean(cur), ctype, None).name


# --------------------------------------------------------------------------------------------------
# SciPy-only values (for our `default` convention), computed after dropping NaN/inf
# --------------------------------------------------------------------------------------------------
def scipy_values(ref: pd.Series, cur: pd.Series, feature_type: str) -> dict:
    from scipy import stats

    r, c = clean(ref), clean(cur)
    out: dict = {}
    if feature_type == "numerical":
        ks = stats.ks_2samp(r.to_numpy(), c.to_numpy())  # method="auto"
        out["ks_statistic"] = float(ks.statistic)
        out["ks_pvalue"] = float(ks.pvalue)
        n_max = max(len(r), len(c))
        out["ks_method_used"] = "exact" if n_max <= 10000 else "asymp"  # scipy's MAX_AUTO_N rule
        out["ks_pvalue_asymp"] = float(stats.ks_2samp(r.to_numpy(), c.to_numpy(), method="asymp").pvalue)
        out["wasserstein_distance"] = float(stats.wasserstein_distance(r.to_numpy(), c.to_numpy()))
        out["reference_std_ddof0"] = float(np.std(r.to_numpy()))
    if feature_type == "categorical" or r.nunique() <= 20:
        # 2 x K table of counts over the sorted union of non-missing categories
        cats = sorted(set(r.unique()) | set(c.unique()))
        table = np.array([[int((r == k).sum()) for k in cats], [int((c == k).sum()) for k in cats]])
        chi = stats.chi2_contingency(table)  # correction=True: Yates applies only when dof == 1
        out["chi2_categories"] = [str(k) for k in cats]
        out["chi2_table"] = table.tolist()
        out["chi2_statistic"] = float(chi.statistic)
        out["chi2_pvalue"] = float(chi.pvalue)
        out["chi2_dof"] = int(chi.dof)
        if chi.dof == 1:
            raw = stats.chi2_contingency(table, correction=False)
            out["chi2_statistic_no_yates"] = float(raw.statistic)
            out["chi2_pvalue_no_yates"] = float(raw.pvalue)
    return out


def binning_info(ref: pd.Series, cur: pd.Series, feature_type: str) -> dict:
    """How Evidently's get_binned_data bins this dataset (for debugging a reimplementation)."""
    r, c = clean(ref), clean(cur)
    if feature_type == "numerical" and r.nunique() > 20:
        edges = np.histogram_bin_edges(np.asarray(pd.concat([r, c]).values), bins="sturges")
        return {"rule": "sturges_pooled", "n_bins": len(edges) - 1, "first_edge": float(edges[0]),
                "last_edge": float(edges[-1])}
    keys = set(r.unique()) | set(c.unique())
    return {"rule": "distinct_values", "n_bins": len(keys)}


# --------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-data", action="store_true", help="regenerate the CSVs first")
    args = parser.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Evidently iterates categories in Python-set order (string hashing is randomised per process),
        # which moves sums by ~1e-16; pin the hash seed so the committed JSON is byte-reproducible.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    if args.write_data:
        write_data()

    import scipy
    import evidently

    warnings.filterwarnings("ignore")
    values: dict = {}
    decisions: dict = {}
    scipy_out: dict = {}
    pipeline_check: dict = {}
    max_diff = 0.0

    for name, ftype in DATASETS.items():
        ref, cur = load(name)
        methods = (NUMERIC_METHODS if ftype == "numerical" else CATEGORICAL_METHODS) + EXTRA_METHODS.get(name, [])
        direct = evidently_direct(ref, cur, ftype, methods)
        piped = evidently_pipeline(ref, cur, ftype, methods)

        entry = {
            "feature_type": ftype,
            "n_reference_rows": int(len(ref)),
            "n_current_rows": int(len(cur)),
            "n_reference_used": int(len(clean(ref))),
            "n_current_used": int(len(clean(cur))),
            "default_method": default_method_name(ref, cur, ftype),
            "binning": binning_info(ref, cur, ftype),
        }
        entry.update({m: direct[m]["value"] for m in methods})
        values[name] = entry
        decisions[name] = {m: {"drifted": direct[m]["drifted"], "threshold": direct[m]["threshold"]} for m in methods}
        scipy_out[name] = scipy_values(ref, cur, ftype)

        checks = {}
        for m in methods:
            if m not in piped:
                checks[m] = {"pipeline": None, "note": "not allowed by name for this feature type"}
                continue
            diff = abs(piped[m] - direct[m]["value"])
            max_diff = max(max_diff, diff)
            checks[m] = {"pipeline": piped[m], "abs_diff": diff}
        auto = piped["__auto__"]
        auto_direct = direct.get(entry["default_method"], {}).get("value")
        checks["__auto__"] = {"display_name": auto["method_display_name"], "pipeline": auto["value"],
                              "matches_direct": auto_direct == auto["value"]}
        pipeline_check[name] = checks

    preset_psi = evidently_preset(*load("num_shift"), "numerical", "psi")
    pipeline_check["num_shift"]["__DataDriftPreset_psi__"] = {
        "pipeline": preset_psi, "abs_diff": abs(preset_psi - values["num_shift"]["psi"])}
    max_diff = max(max_diff, pipeline_check["num_shift"]["__DataDriftPreset_psi__"]["abs_diff"])

    doc = {
        "provenance": {
            "library": "evidently",
            "version": evidently.__version__,
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "generated_by": "bench/make_drift_reference.py",
            "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": "tests/data/drift/<name>.{reference,current}.csv (see README there)",
            "how": "values: Evidently legacy StatTest objects called directly, threshold=None (defaults), "
                   "on each side after +-inf->NaN and dropna, exactly as get_one_column_drift does; "
                   "pipeline_check: same method through Report+ValueDrift on the raw data.",
            "pipeline_max_abs_diff": max_diff,
            "pythonhashseed": os.environ.get("PYTHONHASHSEED"),
            "category_order_note": "categorical values move by up to ~3e-16 with PYTHONHASHSEED (set order); "
                                   "compare with a tolerance, not bit equality",
        },
        "values": values,
        "decisions": decisions,
        "scipy": scipy_out,
        "pipeline_check": pipeline_check,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}; pipeline vs direct max abs diff = {max_diff!r}")
    return 0 if max_diff <= 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())

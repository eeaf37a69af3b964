"""Demo stage: the three checks, run as a scenario's "Verify rules or run checks" step would, on
the metrics datasets the recipes wrote.

``run(outputs, output_dir)``: ``outputs`` maps "drift", "drift_clean", "fairness", "performance" to
metrics dataset paths. Runs the real python-checks/*/check.py files through dss_local and returns
the lines to print. ``output_dir`` receives checks.json (outcome and message per check).
"""
import json
import os

from dss_local.runtime import run_check, run_probe

STEPS = (
    ("drift", "drift-check", {}, "drift, reference vs drifted current"),
    ("drift_clean", "drift-check", {}, "drift, reference vs itself (clean run)"),
    ("fairness", "fairness-check", {}, "fairness, default rule: disparate_impact ERROR below 0.8"),
    ("fairness", "fairness-check", {"metrics": ["disparate_impact_shift"]}, "fairness, bias shift vs the reference"),
    ("performance", "performance-check", {}, "performance: roc_auc below 0.88, or 5% below its baseline"),
)


def run(outputs, output_dir):
    os.makedirs(output_dir, exist_ok=True)
    lines, results = [], []
    for key, check_id, config, title in STEPS:
        outcome, message = run_check(check_id, outputs[key], config=config)
        results.append({"check": check_id, "dataset": outputs[key], "config": config, "outcome": outcome,
                        "message": message})
        lines.append("{:<8} {} ({})".format(outcome, check_id, title))
        lines.append("         " + message)
    failed = [r for r in results if r["outcome"] == "ERROR"]
    lines.append("A scenario 'Verify rules or run checks' step on these datasets would FAIL ({} ERROR outcome{})."
                 .format(len(failed), "s" if len(failed) != 1 else "") if failed else
                 "A scenario 'Verify rules or run checks' step on these datasets would pass.")
    probe = run_probe("guardrails-headline-metrics", outputs["drift"])
    lines.append("probe guardrails-headline-metrics on the drift metrics: " + ", ".join(
        "{}={}".format(name, "{:.3f}".format(probe[name][0]) if isinstance(probe[name][0], float) else probe[name][0])
        for name in ("max_psi", "max_drift_score", "drift_share", "drifted_features") if name in probe))
    with open(os.path.join(output_dir, "checks.json"), "w") as f:
        json.dump(results, f, indent=2)
    return lines


if __name__ == "__main__":
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:0] = [os.path.dirname(here), os.path.join(os.path.dirname(here), "python-lib")]
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "output")
    paths = {"drift": "drift_metrics.csv", "drift_clean": "drift_metrics_clean.csv",
             "fairness": "fairness_metrics.csv", "performance": "performance_metrics.csv"}
    for line in run({k: os.path.join(base, v) for k, v in paths.items()}, base):
        print(line)

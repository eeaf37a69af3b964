"""Demo stage: compute-fairness and evaluate-model on the synthetic fraud data.

``run(data_dir, output_dir)`` expects data_dir/reference.parquet and data_dir/current.parquet
(demo/make_data.py: gender, age_band, is_fraud, score, prediction, transaction_date), runs both
recipes through the local runtime and returns the headline lines to print.
"""
import os

import pandas as pd

from dss_local.runtime import run_recipe

FAIRNESS = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                sensitive_columns=["gender", "age_band"], intersectional=True)
PERFORMANCE = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                   time_column="transaction_date", time_granularity="week")


def _fairness_lines(metrics):
    summary = metrics[(metrics["group"] == "__summary__") & ~metrics["metric"].str.endswith("_shift")]
    shifts = metrics[metrics["metric"].str.endswith("_shift")]
    lines = []
    di = summary[summary["metric"] == "disparate_impact"]
    for row in di.itertuples():
        lines.append("  {:<20} disparate_impact {:.3f} ({}, reference group {})".format(
            row.attribute, row.value, row.status, row.reference_group))
    worst = (summary[summary["status"].isin(["ERROR", "WARNING"])]
             .sort_values(["status", "value"], ascending=[True, False]).head(3))
    for row in worst.itertuples():
        lines.append("  breach: {} {} = {:.3f} ({} bound {})".format(
            row.attribute, row.metric, row.value, row.direction,
            row.error_threshold if row.status == "ERROR" else row.warning_threshold))
    low = metrics[(metrics["metric"] == "selection_rate") & (metrics["attribute"] == "age_band")
                  & ~metrics["group"].isin(["__overall__"])]
    if len(low):
        top = low.sort_values("value").iloc[-1]
        lines.append("  age_band selection rate highest for {} ({:.3f}, 95% CI {:.3f}-{:.3f})".format(
            top["group"], top["value"], top["ci_low"], top["ci_high"]))
    breached = shifts[shifts["status"].isin(["ERROR", "WARNING"])]
    lines.append("  bias shift vs reference: {} of {} shift rows breach their bounds".format(len(breached), len(shifts)))
    return lines


def _performance_lines(metrics):
    overall = metrics[metrics["window"] == "__all__"].set_index("metric")
    auc = overall.loc["roc_auc"]
    lines = ["  roc_auc {:.3f} (95% CI {:.3f}-{:.3f}) vs baseline {:.3f}: change {:+.3f} -> {}".format(
        auc["value"], auc["ci_low"], auc["ci_high"], auc["baseline_value"], auc["change"], auc["status"])]
    for name in ("average_precision", "recall", "f1"):
        lines.append("  {} {:.3f} (baseline {:.3f})".format(name, overall.loc[name, "value"],
                                                              overall.loc[name, "baseline_value"]))
    weekly = metrics[(metrics["window"] != "__all__") & (metrics["metric"] == "roc_auc")]
    if len(weekly):
        lines.append("  weekly roc_auc over {} weeks: min {:.3f}, max {:.3f}".format(
            len(weekly), weekly["value"].min(), weekly["value"].max()))
    return lines


def run(data_dir, output_dir):
    os.makedirs(output_dir, exist_ok=True)
    reference = os.path.join(data_dir, "reference.parquet")
    current = os.path.join(data_dir, "current.parquet")
    fairness_out = os.path.join(output_dir, "fairness_metrics.csv")
    run_recipe("compute-fairness", inputs=[("scored", current), ("reference", reference)],
               outputs=[("metrics", fairness_out)], config=FAIRNESS)
    baseline_out = os.path.join(output_dir, "performance_baseline.csv")
    run_recipe("evaluate-model", inputs=[("scored", reference)], outputs=[("metrics", baseline_out)],
               config=PERFORMANCE)
    performance_out = os.path.join(output_dir, "performance_metrics.csv")
    run_recipe("evaluate-model", inputs=[("scored", current), ("baseline", baseline_out)],
               outputs=[("metrics", performance_out)], config=PERFORMANCE)
    lines = ["compute-fairness -> {}".format(fairness_out)]
    lines += _fairness_lines(pd.read_csv(fairness_out))
    lines.append("evaluate-model (baseline = reference period) -> {}".format(performance_out))
    lines += _performance_lines(pd.read_csv(performance_out))
    return lines


if __name__ == "__main__":
    import sys

    for line in run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "demo/output"):
        print(line)

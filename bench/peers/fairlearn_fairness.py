"""Peer workload: fairlearn's MetricFrame on one Parquet file, the metrics compute-fairness reports in
its fairlearn convention: 8 per-group metrics and ROC AUC on each sensitive column and their
intersection, plus the between-groups differences and ratios (demographic parity, equal opportunity,
equalized odds), taken from the same MetricFrame as fairlearn's own functions do.

Run with the peer environment's Python (build/peers), never the plugin's:

    python fairlearn_fairness.py SCORED OUT_JSON --sensitive gender,age_band
"""
import argparse
import json
import warnings

import pandas as pd


def label(key):
    return " & ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def numbers(y, pred, score, sensitive):
    from fairlearn import metrics as flm
    from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

    metrics = dict(count=flm.count, selection_rate=flm.selection_rate, tpr=flm.true_positive_rate,
                   fpr=flm.false_positive_rate, tnr=flm.true_negative_rate, fnr=flm.false_negative_rate,
                   ppv=precision_score, accuracy=accuracy_score)
    frame = flm.MetricFrame(metrics=metrics, y_true=y, y_pred=pred, sensitive_features=sensitive)
    auc = flm.MetricFrame(metrics={"roc_auc": roc_auc_score}, y_true=y, y_pred=score, sensitive_features=sensitive)
    groups = {}
    for mf in (frame, auc):
        for metric in mf.by_group.columns:
            groups[metric] = {label(k): float(v) for k, v in mf.by_group[metric].items()}
            groups[metric]["__overall__"] = float(mf.overall[metric])
    difference, ratio = frame.difference(method="between_groups"), frame.ratio(method="between_groups")
    summary = {
        "disparate_impact": ratio["selection_rate"],  # demographic_parity_ratio
        "demographic_parity_difference": difference["selection_rate"],
        "equal_opportunity_difference": difference["tpr"],
        "equal_opportunity_ratio": ratio["tpr"],
        "equalized_odds_difference": max(difference["tpr"], difference["fpr"]),
        "equalized_odds_ratio": min(ratio["tpr"], ratio["fpr"]),
    }
    return {"groups": groups, "summary": {k: float(v) for k, v in summary.items()}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scored")
    parser.add_argument("out")
    parser.add_argument("--sensitive", required=True)
    parser.add_argument("--target", default="label")
    parser.add_argument("--prediction", default="prediction")
    parser.add_argument("--score", default="score")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import fairlearn

    sensitive = args.sensitive.split(",")
    frame = pd.read_parquet(args.scored, columns=sensitive + [args.target, args.prediction, args.score])
    y, pred, score = frame[args.target], frame[args.prediction], frame[args.score]
    attributes = {column: numbers(y, pred, score, frame[column]) for column in sensitive}
    attributes[" & ".join(sensitive)] = numbers(y, pred, score, frame[sensitive])
    with open(args.out, "w") as f:
        json.dump({"fairlearn": fairlearn.__version__, "attributes": attributes}, f, indent=1)  # NaN stays NaN (Python's json reads it)


if __name__ == "__main__":
    main()

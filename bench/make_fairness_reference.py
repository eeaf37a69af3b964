"""Reference fairness numbers from the peer libraries themselves (Fairlearn, AIF360).

Run with the peer environment's interpreter (not the plugin's code env):

    /work/peers/bin/python bench/make_fairness_reference.py

It generates the small deterministic datasets under tests/data/fairness/ once (seeded; kept when
they already exist, so the committed CSVs are what the numbers refer to), computes with Fairlearn's
``MetricFrame`` and fairness functions and with AIF360's ``ClassificationMetric``, and writes
tests/reference/fairness_peers.json with provenance. tests/core/test_fairness_peers.py compares our
numbers with it at 1e-9.
"""
import datetime
import json
import os
import platform
import sys

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "tests", "data", "fairness")
OUT = os.path.join(ROOT, "tests", "reference", "fairness_peers.json")

# dataset -> (sensitive columns, privileged value per column for AIF360)
DATASETS = {
    "two_attributes": (["sex", "race"], {"sex": "M", "race": "white"}),
    "five_bands": (["age_band"], {"age_band": "35-44"}),
}


def generate(name, seed):
    """A scored binary-classification table with a selection-rate and error-rate gap by group."""
    rng = np.random.default_rng(seed)
    if name == "two_attributes":
        n = 800
        frame = pd.DataFrame({
            "sex": rng.choice(["F", "M"], n, p=[0.45, 0.55]),
            "race": rng.choice(["white", "black", "asian"], n, p=[0.6, 0.25, 0.15]),
        })
        shift = np.where(frame["sex"] == "F", -0.08, 0.0) + np.where(frame["race"] == "black", -0.05, 0.0)
    else:
        n = 600
        bands = ["18-24", "25-34", "35-44", "45-54", "55+"]
        frame = pd.DataFrame({"age_band": rng.choice(bands, n, p=[0.1, 0.25, 0.3, 0.2, 0.15])})
        shift = np.where(frame["age_band"] == "18-24", -0.12, 0.0)
    y = (rng.random(n) < 0.35).astype(int)
    score = np.clip(0.25 + 0.35 * y + shift + rng.normal(0, 0.18, n), 0, 1).round(4)
    frame["label"] = np.where(y == 1, "yes", "no")
    frame["score"] = score
    frame["prediction"] = np.where(score >= 0.5, "yes", "no")
    return frame


def load(name, seed):
    path = os.path.join(DATA_DIR, name + ".csv")
    if not os.path.exists(path):
        os.makedirs(DATA_DIR, exist_ok=True)
        generate(name, seed).to_csv(path, index=False)
    return pd.read_csv(path)


def fairlearn_numbers(frame, columns):
    from fairlearn import metrics as flm
    from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

    y = (frame["label"] == "yes").astype(int)
    pred = (frame["prediction"] == "yes").astype(int)
    sensitive = frame[columns] if len(columns) > 1 else frame[columns[0]]
    metric_fns = {
        "count": flm.count,
        "selection_rate": flm.selection_rate,
        "tpr": flm.true_positive_rate,
        "fpr": flm.false_positive_rate,
        "tnr": flm.true_negative_rate,
        "fnr": flm.false_negative_rate,
        "ppv": precision_score,
        "accuracy": accuracy_score,
    }
    frame_pred = flm.MetricFrame(metrics=metric_fns, y_true=y, y_pred=pred, sensitive_features=sensitive)
    frame_score = flm.MetricFrame(metrics={"roc_auc": roc_auc_score}, y_true=y, y_pred=frame["score"],
                                  sensitive_features=sensitive)

    def label(key):
        return " & ".join(map(str, key)) if isinstance(key, tuple) else str(key)

    by_group = {}
    for mf in (frame_pred, frame_score):
        for metric in mf.by_group.columns:
            by_group[metric] = {label(k): float(v) for k, v in mf.by_group[metric].items()}
            by_group[metric]["__overall__"] = float(mf.overall[metric])
    aggregates = {}
    for method in ("between_groups", "to_overall"):
        kwargs = dict(sensitive_features=sensitive, method=method)
        aggregates[method] = {
            "demographic_parity_difference": flm.demographic_parity_difference(y, pred, **kwargs),
            "demographic_parity_ratio": flm.demographic_parity_ratio(y, pred, **kwargs),
            "equalized_odds_difference": flm.equalized_odds_difference(y, pred, **kwargs),
            "equalized_odds_difference_mean": flm.equalized_odds_difference(y, pred, agg="mean", **kwargs),
            "equalized_odds_ratio": flm.equalized_odds_ratio(y, pred, **kwargs),
            "equal_opportunity_difference": flm.equal_opportunity_difference(y, pred, **kwargs),
            "equal_opportunity_ratio": flm.equal_opportunity_ratio(y, pred, **kwargs),
            "precision_difference": frame_pred.difference(method=method)["ppv"],
        }
        aggregates[method] = {k: float(v) for k, v in aggregates[method].items()}
    return {"by_group": by_group, "aggregates": aggregates}


def aif360_numbers(frame, columns, privileged):
    from aif360.datasets import BinaryLabelDataset
    from aif360.metrics import ClassificationMetric

    encoded = pd.DataFrame({"label": (frame["label"] == "yes").astype(float)})
    codes = {}
    for column in columns:
        values = sorted(frame[column].unique())
        codes[column] = {v: float(i) for i, v in enumerate(values)}
        encoded[column] = frame[column].map(codes[column])
    truth = BinaryLabelDataset(df=encoded, label_names=["label"], protected_attribute_names=columns,
                               favorable_label=1.0, unfavorable_label=0.0)
    predicted = truth.copy(deepcopy=True)
    predicted.labels = (frame["prediction"] == "yes").astype(float).to_numpy().reshape(-1, 1)

    privileged_group = {c: codes[c][privileged[c]] for c in columns}
    # Unprivileged = every other observed combination (a union of conjunctions).
    combos = frame[columns].drop_duplicates().to_dict("records")
    unprivileged = [{c: codes[c][r[c]] for c in columns} for r in combos
                    if any(r[c] != privileged[c] for c in columns)]
    metric = ClassificationMetric(truth, predicted, unprivileged_groups=unprivileged,
                                  privileged_groups=[privileged_group])
    return {
        "privileged": " & ".join(privileged[c] for c in columns),
        "disparate_impact": float(metric.disparate_impact()),
        "statistical_parity_difference": float(metric.statistical_parity_difference()),
        "equal_opportunity_difference": float(metric.equal_opportunity_difference()),
        "average_odds_difference": float(metric.average_odds_difference()),
        "equalized_odds_difference": float(metric.equalized_odds_difference()),
        "positive_predictive_value_difference": float(metric.difference(metric.positive_predictive_value)),
    }


def main():
    import aif360
    import fairlearn
    import sklearn

    result = {
        "provenance": {
            "script": "bench/make_fairness_reference.py",
            "generated": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "python": platform.python_version(),
            "fairlearn": fairlearn.__version__,
            "aif360": aif360.__version__,
            "scikit-learn": sklearn.__version__,
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "note": "Group labels as model-guardrails writes them (intersection values joined with ' & '). "
                    "Label 'yes' is the positive class.",
        },
        "datasets": {},
    }
    for seed, (name, (columns, privileged)) in enumerate(DATASETS.items(), start=11):
        frame = load(name, seed)
        entry = {"file": "tests/data/fairness/{}.csv".format(name), "rows": len(frame), "attributes": {}}
        attribute_sets = [[c] for c in columns] + ([columns] if len(columns) > 1 else [])
        for attribute_columns in attribute_sets:
            key = " & ".join(attribute_columns)
            entry["attributes"][key] = {
                "fairlearn": fairlearn_numbers(frame, attribute_columns),
                "aif360": aif360_numbers(frame, attribute_columns, privileged),
            }
        result["datasets"][name] = entry
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()

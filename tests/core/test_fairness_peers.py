"""Our fairness numbers against Fairlearn 0.15 and AIF360 0.6.1, computed by those libraries on the
committed datasets (tests/reference/fairness_peers.json, made by bench/make_fairness_reference.py)."""
import json
import os

import pandas as pd
import pytest

from model_guardrails.fairness import FairnessParams, compute_fairness
import helpers

ROOT = helpers.TESTS
with open(os.path.join(ROOT, "reference", "fairness_peers.json")) as f:
    PEERS = json.load(f)

CASES = [(dataset, attribute) for dataset, entry in sorted(PEERS["datasets"].items())
         for attribute in sorted(entry["attributes"])]
# Fairlearn aggregate name -> our summary metric.
FAIRLEARN_SUMMARIES = {
    "demographic_parity_difference": "demographic_parity_difference",
    "demographic_parity_ratio": "disparate_impact",
    "equalized_odds_difference": "equalized_odds_difference",
    "equalized_odds_difference_mean": "average_odds_difference",
    "equalized_odds_ratio": "equalized_odds_ratio",
    "equal_opportunity_difference": "equal_opportunity_difference",
    "equal_opportunity_ratio": "equal_opportunity_ratio",
    "precision_difference": "predictive_parity_difference",
}
AIF360_SUMMARIES = {
    "disparate_impact": "disparate_impact",
    "statistical_parity_difference": "demographic_parity_difference",
    "equal_opportunity_difference": "equal_opportunity_difference",
    "average_odds_difference": "average_odds_difference",
    "equalized_odds_difference": "equalized_odds_difference",
    "positive_predictive_value_difference": "predictive_parity_difference",
}


def run(dataset, attribute, **config):
    frame = pd.read_csv(os.path.join(ROOT, "data", "fairness", dataset + ".csv"))
    columns = attribute.split(" & ")
    config = dict(dict(target_column="label", positive_class="yes", prediction_column="prediction",
                       score_column="score", sensitive_columns=columns, intersectional=len(columns) > 1,
                       min_group_size=1, metrics=list(FAIRLEARN_SUMMARIES.values()) + [
                           "count", "selection_rate", "tpr", "fpr", "tnr", "fnr", "ppv", "accuracy", "roc_auc"]),
                  **config)
    result = compute_fairness(frame, FairnessParams.from_config(config))
    return result[result["attribute"] == attribute]


def values(result, group):
    rows = result[result["group"] == group]
    return dict(zip(rows["metric"], rows["value"]))


@pytest.mark.parametrize("dataset,attribute", CASES)
def test_group_values_match_fairlearn_metricframe(dataset, attribute):
    expected = PEERS["datasets"][dataset]["attributes"][attribute]["fairlearn"]["by_group"]
    result = run(dataset, attribute, convention="fairlearn")
    for metric, groups in expected.items():
        for group, value in groups.items():
            assert values(result, group)[metric] == pytest.approx(value, abs=1e-9), (metric, group)


@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
@pytest.mark.parametrize("dataset,attribute", CASES)
def test_summaries_match_fairlearn(dataset, attribute, method):
    expected = PEERS["datasets"][dataset]["attributes"][attribute]["fairlearn"]["aggregates"][method]
    reference_group = "overall" if method == "to_overall" else "highest_selection_rate"
    result = run(dataset, attribute, convention="fairlearn", reference_group=reference_group)
    ours = values(result, "__summary__")
    assert set(result["convention"]) == {"fairlearn_" + method}
    for name, metric in FAIRLEARN_SUMMARIES.items():
        assert ours[metric] == pytest.approx(expected[name], abs=1e-9), name


@pytest.mark.parametrize("dataset,attribute", CASES)
def test_summaries_match_aif360_classification_metric(dataset, attribute):
    expected = PEERS["datasets"][dataset]["attributes"][attribute]["aif360"]
    result = run(dataset, attribute, convention="aif360", reference_group=expected["privileged"],
                 metrics=list(AIF360_SUMMARIES.values()))
    ours = values(result, "__summary__")
    assert set(result.loc[result["group"] == "__summary__", "reference_group"]) == {expected["privileged"]}
    for name, metric in AIF360_SUMMARIES.items():
        assert ours[metric] == pytest.approx(expected[name], abs=1e-9), name


def test_provenance_is_recorded():
    provenance = PEERS["provenance"]
    assert provenance["fairlearn"] == "0.15.0" and provenance["aif360"] == "0.6.1"
    assert provenance["script"] == "bench/make_fairness_reference.py"

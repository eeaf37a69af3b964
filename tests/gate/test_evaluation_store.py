"""Issue 18 item 1: the recipes' Model Evaluation Store output. The real recipe.py files run through
the local runtime and post through the real dataikuapi client over HTTP to the emulator; the
evaluations are read back with dataikuapi. The posted values are the headline numbers of the
dataset the recipe wrote (one truth)."""
import os

import pandas as pd
import pytest

from dss_local.emulator import Emulator, demo_state
from dss_local.runtime import run_recipe
from helpers import demo_periods

PROJECT, KEY, STORE = "FRAUD_DETECTION", "dss-key-mes", "fraud_mes"
PERFORMANCE = dict(target_column="is_fraud", prediction_column="prediction", score_column="score")
FAIRNESS = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                sensitive_columns=["gender", "age_band"], intersectional=False)
DRIFT = {"excluded_columns": ["transaction_id", "transaction_date"]}

pytestmark = pytest.mark.client_matrix


@pytest.fixture
def emu():
    state = demo_state(PROJECT, dss_key=KEY)
    state["dss"]["projects"][PROJECT]["evaluation_stores"] = {STORE: {"name": "Fraud monitoring", "evaluations": []}}
    emulator = Emulator(state).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def periods(tmp_path_factory):
    return demo_periods(tmp_path_factory.mktemp("mes"), 3000)


def run_to_store(emu, recipe, inputs, out, **config):
    run_recipe(recipe, inputs, [("metrics", out)], config=config, dss_url=emu.url, dss_api_key=KEY,
               project_key=PROJECT)
    return pd.read_csv(out)


def stored_evaluations(emu, store_id=STORE):
    import dataikuapi

    store = dataikuapi.DSSClient(emu.url, KEY).get_project(PROJECT).get_model_evaluation_store(store_id)
    return [e.get_full_info() for e in store.list_model_evaluations()]


def evaluation_labels(info):
    return {lb["key"]: lb["value"] for lb in info.user_meta["labels"]}


def test_evaluate_model_adds_one_evaluation_per_run_with_the_dataset_values(emu, periods, tmp_path):
    from model_guardrails.checks.headline import headline_metrics

    out = str(tmp_path / "perf.csv")
    table = run_to_store(emu, "evaluate-model", [("scored", periods[1])], out, evaluation_store_id=STORE,
                 evaluation_saved_model="fraud_model", evaluation_model_version="v2", **PERFORMANCE)
    found = stored_evaluations(emu)
    assert len(found) == 1
    info, headline = found[0], headline_metrics(table)
    assert info.metrics["roc_auc"] == pytest.approx(headline["roc_auc"][0], abs=1e-12)
    labels = evaluation_labels(info)
    assert labels["custom:guardrails_run_id"] == table["run_id"].iloc[0] == headline["run_id"][0]
    assert labels["custom:guardrails_worst_status"] == headline["worst_status"][0]
    assert labels["custom:guardrails_decision_rule"].startswith("model-guardrails ")
    assert info.model_full_id == "S-{}-fraud_model-v2".format(PROJECT)
    run_to_store(emu, "evaluate-model", [("scored", periods[0])], str(tmp_path / "perf2.csv"), evaluation_store_id=STORE,
         **PERFORMANCE)
    assert len(stored_evaluations(emu)) == 2  # one per run


def test_drift_and_fairness_post_their_headline_numbers(emu, periods, tmp_path):
    drift = run_to_store(emu, "compute-drift", [("reference", periods[0]), ("current", periods[1])],
                 str(tmp_path / "drift.csv"), evaluation_store_id=STORE, **DRIFT)
    fairness = run_to_store(emu, "compute-fairness", [("scored", periods[1])], str(tmp_path / "fair.csv"),
                    evaluation_store_id=STORE, **FAIRNESS)
    by_recipe = {evaluation_labels(i)["custom:guardrails_recipe"]: i for i in stored_evaluations(emu)}
    features = drift[(drift.metric == "ks_statistic")]
    assert by_recipe["compute-drift"].metrics["max_ks_statistic"] == pytest.approx(features.value.max(), abs=1e-12)
    assert by_recipe["compute-drift"].metrics["max_drift_score"] == pytest.approx(
        drift[(drift.metric == "drift_score") & (drift.feature != "__dataset__")].value.max(), abs=1e-12)
    assert "drift_share" in by_recipe["compute-drift"].metrics
    assert evaluation_labels(by_recipe["compute-drift"])["custom:guardrails_decision_rule"] == "mass-1"  # the default decision
    summary = fairness[(fairness.group == "__summary__") & (fairness.metric == "disparate_impact")]
    assert by_recipe["compute-fairness"].metrics["min_disparate_impact"] == pytest.approx(summary.value.min(), abs=1e-12)


def test_unknown_store_fails_the_recipe_naming_it_after_the_dataset_is_written(emu, periods, tmp_path):
    out = str(tmp_path / "perf.csv")
    with pytest.raises(Exception) as err:
        run_to_store(emu, "evaluate-model", [("scored", periods[1])], out, evaluation_store_id="no_such_store", **PERFORMANCE)
    assert "no_such_store" in str(err.value) and "metrics dataset was written" in str(err.value)
    assert os.path.exists(out) and len(pd.read_csv(out))  # the output is not lost
    assert stored_evaluations(emu) == []


def test_unknown_model_version_and_bad_ids(emu, periods, tmp_path):
    with pytest.raises(Exception) as err:
        run_to_store(emu, "evaluate-model", [("scored", periods[1])], str(tmp_path / "a.csv"), evaluation_store_id=STORE,
             evaluation_saved_model="fraud_model", evaluation_model_version="v9", **PERFORMANCE)
    assert "S-{}-fraud_model-v9".format(PROJECT) in str(err.value)
    out = str(tmp_path / "b.csv")
    with pytest.raises(Exception) as err:  # refused before anything is computed or written
        run_to_store(emu, "evaluate-model", [("scored", periods[1])], out, evaluation_store_id="a/b", **PERFORMANCE)
    assert "evaluation_store_id" in str(err.value) and not os.path.exists(out)
    with pytest.raises(Exception) as err:
        run_to_store(emu, "evaluate-model", [("scored", periods[1])], out, evaluation_store_id=STORE,
             evaluation_saved_model="fraud_model", **PERFORMANCE)
    assert "evaluation_model_version" in str(err.value)


def test_emulator_refusals_unconfirmed_for_dss(emu):
    """What the emulator refuses: a non-numeric value and an empty metric list (400: UNCONFIRMED how DSS
    answers these), a reused evaluation id (400: UNCONFIRMED too)."""
    import dataikuapi
    from dataikuapi.utils import DataikuException

    store = dataikuapi.DSSClient(emu.url, KEY).get_project(PROJECT).get_model_evaluation_store(STORE)
    metric = store.MetricDefinition("auc", 0.9, "AUC")
    with pytest.raises(DataikuException, match="not a number"):
        store.add_custom_model_evaluation([store.MetricDefinition("auc", "high")])
    with pytest.raises(DataikuException, match="non-empty"):
        store.add_custom_model_evaluation([])
    store.add_custom_model_evaluation([metric], evaluation_id="e1")
    with pytest.raises(DataikuException, match="already exists"):
        store.add_custom_model_evaluation([metric], evaluation_id="e1")


def test_off_by_default_posts_nothing(emu, periods, tmp_path):
    run_to_store(emu, "evaluate-model", [("scored", periods[1])], str(tmp_path / "p.csv"), **PERFORMANCE)
    assert stored_evaluations(emu) == []


def _client_line():
    path = os.environ.get("MG_DATAIKU_CLIENT", "")
    return os.path.basename(path.rstrip("/")) if path else ""


@pytest.mark.parametrize("pinned", [True, False])
def test_a_pinned_dss_line_serves_only_its_path_family(emu, pinned):
    """With the DSS line named in the state the emulator serves only that line's path family (the
    client of that line posts; the other family is a 404); unnamed, both (the documented leniency)."""
    import dataikuapi
    import requests

    line = _client_line() or "15.2.0"
    if pinned:
        emu.state.update(lambda doc: doc["dss"].__setitem__("dss_version", line))
    store = dataikuapi.DSSClient(emu.url, KEY).get_project(PROJECT).get_model_evaluation_store(STORE)
    store.add_custom_model_evaluation([store.MetricDefinition("auc", 0.9, "AUC")], evaluation_id="e1")
    new = tuple(int(x) for x in line.split(".")[:2]) >= (14, 3)
    other = "modelevaluationstores" if new else "evaluationstores"
    answer = requests.get("{}/dip/publicapi/projects/{}/{}/{}".format(emu.url, PROJECT, other, STORE),
                          auth=(KEY, ""), timeout=10)
    assert answer.status_code == (404 if pinned else 200)


def test_a_run_with_no_rows_names_the_store_and_the_written_dataset(emu):
    from dku_guardrails import evaluation_store
    from model_guardrails.errors import InputError

    import dataikuapi

    empty = pd.DataFrame({c: [] for c in ("run_id", "run_time", "metric", "value", "status")})
    with pytest.raises(InputError) as err:
        evaluation_store.post(evaluation_store.target({"evaluation_store_id": STORE}), "evaluate-model", empty,
                              client=dataikuapi.DSSClient(emu.url, KEY), project_key=PROJECT)
    assert STORE in str(err.value) and "dataset was written" in str(err.value)

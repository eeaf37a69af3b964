"""compute-fairness and evaluate-model through the local runtime (real recipe.py, CSV and Parquet)."""
import pandas as pd
import pytest

from dss_local.runtime import run_recipe
from tests.conftest import make_scored

FAIRNESS = dict(target_column="is_fraud", prediction_column="prediction", score_column="score",
                sensitive_columns=["gender", "age_band"])
PERFORMANCE = dict(target_column="is_fraud", score_column="score", prediction_column="prediction",
                   time_column="transaction_date", time_granularity="month")


def read(path):
    return pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_csv(path)


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_compute_fairness_recipe(tmp_path, ext):
    scored, reference = tmp_path / ("current." + ext), tmp_path / ("reference." + ext)
    frame = make_scored().assign(extra_column=1)
    frame.to_csv(scored, index=False) if ext == "csv" else frame.to_parquet(scored, index=False)
    ref = make_scored(gap=0.0, seed=9)
    ref.to_csv(reference, index=False) if ext == "csv" else ref.to_parquet(reference, index=False)
    out = tmp_path / ("metrics." + ext)
    run_recipe("compute-fairness", inputs=[("scored", str(scored)), ("reference", str(reference))],
               outputs=[("metrics", str(out))], config=FAIRNESS)
    metrics = read(out)
    assert set(metrics["attribute"]) == {"gender", "age_band", "gender & age_band"}
    di = metrics[(metrics["attribute"] == "gender") & (metrics["metric"] == "disparate_impact")].iloc[0]
    assert di["status"] == "ERROR" and di["group"] == "__summary__"
    assert (metrics["metric"] == "disparate_impact_shift").sum() == 3
    assert metrics["run_id"].nunique() == 1


def test_compute_fairness_defaults_come_from_recipe_json(tmp_path):
    scored = tmp_path / "scored.csv"
    make_scored().to_csv(scored, index=False)
    out = tmp_path / "metrics.csv"
    run_recipe("compute-fairness", inputs=[("scored", str(scored))], outputs=[("metrics", str(out))],
               config=dict(target_column="is_fraud", score_column="score", sensitive_columns="gender"))
    metrics = read(out)
    summary = metrics[metrics["group"] == "__summary__"].set_index("metric")
    assert summary.loc["disparate_impact", "error_threshold"] == 0.8
    assert summary.loc["demographic_parity_difference", "warning_threshold"] == 0.1
    assert "roc_auc" in set(metrics["metric"]) and set(metrics["convention"]) == {"default"}


def test_compute_fairness_reports_a_missing_column(tmp_path):
    scored = tmp_path / "scored.csv"
    make_scored().to_csv(scored, index=False)
    with pytest.raises(ValueError, match="Column 'race' not found in the scored dataset"):
        run_recipe("compute-fairness", inputs=[("scored", str(scored))],
                   outputs=[("metrics", str(tmp_path / "m.csv"))],
                   config=dict(FAIRNESS, sensitive_columns=["race"]))


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_evaluate_model_recipe_appends_history_and_uses_baseline(tmp_path, ext):
    scored = tmp_path / ("scored." + ext)
    frame = make_scored()
    frame.to_csv(scored, index=False) if ext == "csv" else frame.to_parquet(scored, index=False)
    history = tmp_path / ("history." + ext)
    run_recipe("evaluate-model", inputs=[("scored", str(scored))], outputs=[("metrics", str(history))],
               config=PERFORMANCE, append=True)
    run_recipe("evaluate-model", inputs=[("scored", str(scored))], outputs=[("metrics", str(history))],
               config=PERFORMANCE, append=True)
    metrics = read(history)
    assert metrics["run_id"].nunique() == 2
    assert set(metrics["window"]) == {"__all__", "2024-01", "2024-02", "2024-03"}
    out = tmp_path / ("latest." + ext)
    run_recipe("evaluate-model", inputs=[("scored", str(scored)), ("baseline", str(history))],
               outputs=[("metrics", str(out))], config=PERFORMANCE)
    latest = read(out)
    auc = latest[(latest["window"] == "__all__") & (latest["metric"] == "roc_auc")].iloc[0]
    assert auc["baseline_value"] == pytest.approx(auc["value"]) and auc["change"] == pytest.approx(0.0)

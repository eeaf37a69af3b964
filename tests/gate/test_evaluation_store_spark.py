"""Issue 18 item 1, the Spark variant: compute-drift-spark posts its run to the Model Evaluation Store.
Once, outside the client matrix: the post is the same glue as the pandas recipes', whose tests run
against every client (tests/gate/test_evaluation_store.py); what this adds is the Spark recipe."""
import pytest

from test_evaluation_store import DRIFT, STORE, emu, evaluation_labels, periods, run_to_store, stored_evaluations  # noqa: F401


@pytest.mark.spark
def test_the_spark_drift_variant_posts_its_run(emu, periods, tmp_path):
    from helpers import java_available

    pytest.importorskip("pyspark", reason="PySpark is not installed (make install installs it)")
    if not java_available():
        pytest.skip("no Java runtime: install one (apt-get install -y default-jre-headless) to run the Spark engine")
    drift = run_to_store(emu, "compute-drift-spark", [("reference", periods[0]), ("current", periods[1])],
                 str(tmp_path / "drift.csv"), evaluation_store_id=STORE, **DRIFT)
    found = stored_evaluations(emu)
    assert len(found) == 1 and evaluation_labels(found[0])["custom:guardrails_recipe"] == "compute-drift-spark"
    assert evaluation_labels(found[0])["custom:guardrails_run_id"] == drift["run_id"].iloc[0]
    assert found[0].metrics["max_drift_score"] == pytest.approx(
        drift[(drift.metric == "drift_score") & (drift.feature != "__dataset__")].value.max(), abs=1e-12)

"""The demo stage runs end to end (it is what `make demo` shows)."""
import os

import pytest

from demo.stage_gate import run

pytestmark = pytest.mark.client_matrix


def test_demo_stage(tmp_path):
    lines = run(str(tmp_path))
    # issue 17: the drifted model is refused on its evidence, naming the rules
    assert lines[0] == ("gate refused the drifted model on its evidence, failing rules: evidence (drift_metrics), "
                        "evidence (fairness_metrics), evidence (performance_metrics)")
    assert "disparate_impact >= 0.8 (policy)" in lines[1] and "roc_auc" in lines[1]
    # the retrained model passes the rules; only the sign-off still waits
    assert lines[2].startswith("gate refused the retrained model (its rules pass; the sign-off waits): Bundle "
                               "creation refused: Govern sign-off on step 'review' of saved model version "
                               "FRAUD_DETECTION.fraud_model/v2 is WAITING_FOR_APPROVAL")
    assert "waiting for its Govern bundle review" in lines[4]
    assert "published to the Project Deployer" in lines[5]
    assert "evidence (drift_metrics) PASS" in lines[6] and "FAIL" not in lines[6]
    assert "deleted v0.2;" in lines[8] and "v0.1" in lines[8]
    assert sorted(f for f in os.listdir(tmp_path) if "." in f) == [
        "gate.json", "gate_approved.html", "governance_status.html", "prune.html", "prune_dry_run.html",
        "publish.html"]
    approved = (tmp_path / "gate_approved.html").read_text()
    assert "Qualification rules" in approved and ">FAIL<" not in approved

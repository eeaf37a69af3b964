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
    # issue 18: a second approved bundle, a deployment released to it, and the rollback to the first
    text = "\n".join(lines)
    first = lines[4].split()[3]
    assert "second approved bundle" in text and "released to" in text
    rolled = [line for line in lines if line.startswith("rollback-deployment: ")]
    assert rolled and "now runs {} (update done)".format(first) in rolled[0]
    assert "{} rolled back".format(first) in text
    assert sorted(f for f in os.listdir(tmp_path) if "." in f) == [
        "gate.json", "gate_approved.html", "governance_status.html", "prune.html", "prune_dry_run.html",
        "publish.html", "rollback.html", "rollback_dry_run.html"]
    approved = (tmp_path / "gate_approved.html").read_text()
    assert "Qualification rules" in approved and ">FAIL<" not in approved

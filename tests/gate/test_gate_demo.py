"""The demo stage runs end to end (it is what `make demo` shows)."""
import os

import pytest

from demo.stage_gate import run

pytestmark = pytest.mark.client_matrix


def test_demo_stage(tmp_path):
    lines = run(str(tmp_path))
    assert lines[0].startswith("gate refused (sign-off waiting): Bundle creation refused: Govern sign-off on step "
                               "'review' of saved model version FRAUD_DETECTION.fraud_model/v2 is WAITING_FOR_APPROVAL")
    assert "waiting for its Govern bundle review" in lines[2]
    assert "published to the Project Deployer" in lines[3]
    assert "deleted v0.2;" in lines[5] and "v0.1" in lines[5]
    assert sorted(os.listdir(tmp_path)) == ["gate.json", "gate_approved.html", "governance_status.html", "prune.html",
                                            "prune_dry_run.html", "publish.html"]

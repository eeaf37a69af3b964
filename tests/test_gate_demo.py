"""The demo stage runs end to end (it is what `make demo` shows)."""
import os

from demo.stage_gate import run


def test_demo_stage(tmp_path):
    lines = run(str(tmp_path))
    assert lines[0].startswith("gate refused (sign-off waiting): Bundle creation refused: Govern sign-off on step "
                               "'review' of project FRAUD_DETECTION is WAITING_FOR_APPROVAL")
    assert "created and published to the Project Deployer" in lines[2]
    assert "deleted v0.2;" in lines[4] and "v0.1" in lines[4]
    assert sorted(os.listdir(tmp_path)) == ["gate.json", "gate_approved.html", "governance_status.html", "prune.html",
                                            "prune_dry_run.html"]

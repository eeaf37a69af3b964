"""The demo's production stage (issue 18): MES evaluations posted by the recipes and the status
publication, read back from the emulator's state (what `make demo` prints)."""
import os

import pytest

from demo.stage_lifecycle import run

pytestmark = pytest.mark.client_matrix


def test_demo_lifecycle_stage(tmp_path):
    lines = run(str(tmp_path))
    mes = [line for line in lines if line.startswith("MES fraud_monitoring: ")]
    assert [line.split()[2] for line in mes] == ["compute-drift", "compute-fairness", "evaluate-model"]
    assert all("model S-FRAUD_DETECTION-fraud_model-v2" in line for line in mes)
    assert "rule mass-1" in mes[0] and "verdict ERROR" in mes[0]  # the drifted period
    assert any(line.startswith("publish-model-status: fraud-detection-prod (Production stage") and
               "approval APPROVED" in line and ") ERROR:" in line for line in lines)
    assert not any("fraud-detection-staging" in line for line in lines if line.startswith("publish-model-status:"))
    assert lines[-1].startswith("emulator state: 3 evaluations in Model Evaluation Store fraud_monitoring; "
                                "1 Govern audit entries")
    assert os.path.exists(tmp_path / "model_status.html")


def test_demo_lifecycle_stage_on_an_existing_emulator(tmp_path):
    """`make demo` calls the stage last on the gate's emulator: the stage adds only its store and
    publishes the status of the deployments already there."""
    from demo.stage_gate import DSS_KEY, GOVERN_KEY, PROJECT
    from demo.stage_lifecycle import STORE, deploy
    from dss_local.emulator import Emulator, demo_state
    from dss_local.emulator.state import sync_bundle

    state = demo_state(PROJECT, DSS_KEY, GOVERN_KEY)
    state["dss"]["projects"][PROJECT]["bundles"].append({"bundleId": "gate-bundle-7", "state": "BUILT"})
    deploy(state, "gate-bundle-7")
    del state["dss"]["projects"][PROJECT]["evaluation_stores"]
    sync_bundle(state, PROJECT, "gate-bundle-7", status="APPROVED")
    with Emulator(state) as emu:
        lines = run(str(tmp_path), emu=emu)
        after = emu.state.snapshot()
    assert len(after["dss"]["projects"][PROJECT]["evaluation_stores"][STORE]["evaluations"]) == 3
    assert after["dss"]["deployer"]["deployments"]["fraud-detection-prod"]["bundleId"] == "gate-bundle-7"
    assert any(line.startswith("publish-model-status: fraud-detection-prod (Production stage, bundle gate-bundle-7)")
               and "approval APPROVED" in line for line in lines)

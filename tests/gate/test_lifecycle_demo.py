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

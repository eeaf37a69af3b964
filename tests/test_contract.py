"""The output contract is named once (model_guardrails/contract.py): no other module of python-lib
spells a marker row, and every writer's table has the contract's columns."""
import os

from model_guardrails import contract

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python-lib")
MARKERS = (contract.DATASET, contract.SUMMARY, contract.OVERALL)


def test_only_the_contract_spells_the_marker_rows():
    spelled = []
    for folder, _, files in os.walk(ROOT):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith(".py") or path.endswith(os.path.join("model_guardrails", "contract.py")):
                continue
            with open(path) as f:
                for number, line in enumerate(f, 1):
                    if any('"{}"'.format(m) in line or "'{}'".format(m) in line for m in MARKERS):
                        spelled.append("{}:{}".format(os.path.relpath(path, ROOT), number))
    assert spelled == []


def test_writers_follow_the_contract(frames):
    from model_guardrails.drift import DriftParams, compute_drift
    from model_guardrails.table import RunInfo

    reference, current = frames
    table = compute_drift(reference, current, DriftParams(), RunInfo("r1", "2025-01-01T00:00:00Z")).table
    assert list(table.columns) == (["run_id", "run_time"] + list(contract.DRIFT_SUBJECT) + contract.COMMON_COLUMNS[2:]
                                   + list(contract.DRIFT_EXTRA))
    assert contract.DATASET in set(table["feature"])

import math

import pytest

from model_guardrails.errors import ConfigError
from model_guardrails.table import ABOVE, BELOW, EMPTY, ERROR, OK, WARNING, Bound, RunInfo, metric_row, to_frame


@pytest.mark.parametrize("value,expected", [
    (0.05, OK), (0.1, OK), (0.1000001, WARNING), (0.25, WARNING), (0.2500001, ERROR), (9.0, ERROR),
])
def test_above_bound_breaches_strictly(value, expected):
    assert Bound(ABOVE, 0.1, 0.25).status(value) == expected


@pytest.mark.parametrize("value,expected", [(0.9, OK), (0.88, OK), (0.8799, WARNING), (0.8, WARNING), (0.7999, ERROR)])
def test_below_bound_breaches_strictly(value, expected):
    assert Bound(BELOW, 0.88, 0.8).status(value) == expected


def test_undefined_value_is_empty_never_ok():
    assert Bound(ABOVE, 0.1, 0.2).status(float("nan")) == EMPTY
    assert Bound(ABOVE, 0.1, 0.2).status(None) == EMPTY
    row = metric_row("psi", float("inf"), Bound(ABOVE, 0.1, 0.2), feature="x")
    assert row["status"] == EMPTY and row["value"] is None and "infinite" in row["reason"]


def test_empty_row_always_has_a_reason():
    row = metric_row("psi", None, None)
    assert row["status"] == EMPTY and row["reason"]


@pytest.mark.parametrize("direction,warning,error", [(ABOVE, 0.3, 0.2), (BELOW, 0.8, 0.9)])
def test_warning_stricter_than_error_is_rejected(direction, warning, error):
    with pytest.raises(ConfigError, match="warning bound"):
        Bound(direction, warning, error)


def test_bad_direction_and_infinite_bound_are_rejected():
    with pytest.raises(ConfigError, match="direction"):
        Bound("sideways", 0.1, 0.2)
    with pytest.raises(ConfigError, match="finite"):
        Bound(ABOVE, math.inf, None)


def test_frame_has_contract_columns_in_order():
    run = RunInfo.new()
    frame = to_frame([metric_row("psi", 0.3, Bound(ABOVE, 0.1, 0.25), feature="x", feature_type="numeric")],
                     run, ["feature", "feature_type"], ["convention"])
    assert list(frame.columns) == ["run_id", "run_time", "feature", "feature_type", "metric", "value",
                                   "warning_threshold", "error_threshold", "direction", "status", "reason",
                                   "convention"]
    assert frame.loc[0, "status"] == ERROR and frame.loc[0, "run_id"] == run.run_id
    assert run.run_time.endswith("Z")

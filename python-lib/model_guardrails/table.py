"""The tidy metrics table every recipe writes (SPEC §2): one row per (subject, metric).

A row's ``status`` is derived from its ``value`` and its bounds by :class:`Bound`; an undefined
value is ``EMPTY`` with a ``reason``, never ``OK``.
"""
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

import pandas as pd

from .contract import COMMON_COLUMNS
from .errors import ConfigError

OK, WARNING, ERROR, EMPTY = "OK", "WARNING", "ERROR", "EMPTY"
STATUSES = (OK, WARNING, ERROR, EMPTY)
ABOVE, BELOW = "above", "below"
DIRECTIONS = (ABOVE, BELOW)



def is_missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Bound:
    """Warning and error bounds on one metric. ``direction`` says which side breaches:
    ``above`` breaches when value > bound, ``below`` when value < bound (strictly)."""

    direction: str
    warning: Optional[float] = None
    error: Optional[float] = None

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ConfigError("direction", self.direction, "'above' or 'below'")
        for name in ("warning", "error"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ConfigError(name + " bound", value, "a finite number")
        if self.warning is not None and self.error is not None and self.beyond(self.warning, self.error):
            raise ConfigError(
                "bounds", "warning {} / error {}".format(self.warning, self.error),
                "a warning bound that is not stricter than the error bound: with direction "
                "'{}' the warning bound must be {} the error bound".format(
                    self.direction, "at most" if self.direction == ABOVE else "at least"),
            )

    def beyond(self, value, bound):
        return value > bound if self.direction == ABOVE else value < bound

    def status(self, value):
        """OK / WARNING / ERROR for a defined value; EMPTY for an undefined one."""
        if is_missing(value):
            return EMPTY
        if self.error is not None and self.beyond(value, self.error):
            return ERROR
        if self.warning is not None and self.beyond(value, self.warning):
            return WARNING
        return OK

    def breached(self, value):
        """The bound ``value`` breaches (the error bound first), or None."""
        for bound in (self.error, self.warning):
            if bound is not None and not is_missing(value) and self.beyond(value, bound):
                return bound
        return None


def metric_row(metric, value, bound=None, reason="", **subject):
    """One metrics-table row. ``value`` None/NaN makes the row EMPTY; ``reason`` must say why."""
    value = None if is_missing(value) else float(value)
    if value is not None and not math.isfinite(value):
        reason = reason or "value is infinite"
        value = None
    if value is None:
        status = EMPTY
        reason = reason or "value could not be computed"
    elif bound is None:
        status = OK
    else:
        status = bound.status(value)
    row = dict(subject)
    row.update(
        metric=metric,
        value=value,
        warning_threshold=None if bound is None else bound.warning,
        error_threshold=None if bound is None else bound.error,
        direction="" if bound is None else bound.direction,
        status=status,
        reason=reason,
    )
    return row


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    run_time: str

    @classmethod
    def new(cls, now=None):
        now = now or datetime.now(timezone.utc)
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        return cls(run_id="{}-{}".format(stamp, uuid.uuid4().hex[:8]),
                   run_time=now.strftime("%Y-%m-%dT%H:%M:%SZ"))


def to_frame(rows, run, subject_columns, extra_columns=()):
    """Rows (dicts) to a DataFrame with the contract's column order and dtypes."""
    columns = (["run_id", "run_time"] + list(subject_columns) + COMMON_COLUMNS[2:]
               + list(extra_columns))
    frame = pd.DataFrame(rows).reindex(columns=columns)
    frame["run_id"] = run.run_id
    frame["run_time"] = run.run_time
    for name in ("value", "warning_threshold", "error_threshold"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("direction", "status", "reason"):
        frame[name] = frame[name].fillna("").astype(str)
    return frame

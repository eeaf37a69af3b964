"""What every report shares: picking the latest run, the run line, the run's verdict, metrics as JSON."""
import json
import math
from html import escape

import pandas as pd

from ..checks import verdict
from ..checks.core import kind_of
from .html import is_number

GENERATOR = "model-guardrails"


def latest_run(frame):
    """The rows of the latest run (greatest run_time, then run_id) of a possibly appended
    metrics dataset."""
    if frame is None or len(frame) == 0 or "run_id" not in frame.columns:
        return frame
    runs = frame[["run_time", "run_id"]].astype(str).drop_duplicates().sort_values(["run_time", "run_id"])
    latest = runs.iloc[-1]["run_id"]
    return frame[frame["run_id"].astype(str) == latest]


def run_of(frame):
    """(run_id, run_time) of a single-run frame."""
    if frame is None or len(frame) == 0:
        return "", ""
    return str(frame["run_id"].iloc[0]), str(frame["run_time"].iloc[0])


def run_line(frame, extra=()):
    """The meta line under a report title: run id and time, then ``extra`` (label, value) pairs."""
    run_id, run_time = run_of(frame)
    parts = ["run <code>{}</code>".format(escape(run_id)), "started {}".format(escape(run_time.replace("T", " ")))]
    parts += ["{} {}".format(escape(k), escape(str(v))) for k, v in extra if v not in (None, "")]
    return " · ".join(parts)


def value(x):
    """A JSON-safe scalar (NaN and infinities become null)."""
    if x is None:
        return None
    if isinstance(x, float) or (hasattr(x, "dtype") and getattr(x.dtype, "kind", "") == "f"):
        x = float(x)
        return x if math.isfinite(x) else None
    if hasattr(x, "item"):
        return x.item()
    return x


def records(frame):
    if frame is None:
        return []
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({k: (None if (not isinstance(v, str) and v is not None and not is_number(v) and pd.isna(v))
                        else value(v)) for k, v in row.items()})
    return out


def metrics_json(kind, frame, charts=None):
    """The run's metrics (and the chart data of the report) as a JSON string."""
    run_id, run_time = run_of(frame)
    payload = {"generator": GENERATOR, "kind": kind, "run_id": run_id, "run_time": run_time,
               "rows": records(frame)}
    if charts is not None:
        payload["charts"] = charts
    return json.dumps(payload, indent=1, allow_nan=False, default=value)


def rows_where(frame, **equal):
    mask = pd.Series(True, index=frame.index)
    for column, wanted in equal.items():
        mask &= frame[column].astype(str) == str(wanted)
    return frame[mask]


def status_of(row):
    status = row.get("status") if hasattr(row, "get") else None
    return status if isinstance(status, str) and status else "EMPTY"


def run_verdict(metrics):
    """(status, html) of the latest run's verdict, :func:`model_guardrails.checks.verdict`: the badge
    of every report and of the model-health page, and the line saying which check decided it."""
    outcome = verdict(metrics)
    kind = kind_of(metrics) if metrics is not None else None
    who = "{} with default settings".format(kind.check) if kind is not None else "verdict"
    return outcome.outcome, '<span class="mg-verdict">{}: {}</span>'.format(escape(who), escape(outcome.message))

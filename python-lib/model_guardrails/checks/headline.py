"""Headline numbers of a metrics dataset's latest run, for the guardrails-headline-metrics probe:
DSS stores them in the dataset's metrics history, where charts, dashboards and DSS's built-in
metric rules can use them.

Returns ``{name: (value, type)}`` with type one of ``DOUBLE``, ``BIGINT``, ``STRING``; a value that
is undefined in the run is left out (DSS would otherwise store a misleading 0 or text).
``worst_status`` is the run's verdict (:func:`model_guardrails.checks.verdict`: what the dataset's
check answers with default settings), so a run nothing could be evaluated in is WARNING, never OK.
"""
import math

from ..contract import ALL_WINDOWS, DATASET, SUMMARY
from ..errors import InputError
from ..table import EMPTY, ERROR, WARNING
from . import core, verdict

DOUBLE, BIGINT, STRING = "DOUBLE", "BIGINT", "STRING"


def _kind_of(frame):
    columns = set(map(str, frame.columns))
    for kind in core.KINDS:
        if set(kind.keys) <= columns:
            return kind
    raise InputError("not a metrics dataset of model-guardrails: expected the columns of compute-drift (feature, "
                     "metric, value, ...), compute-fairness (attribute, group, ...) or evaluate-model (window, ...); "
                     "found " + ", ".join(sorted(columns)[:12]))


def _put(out, name, value, kind=DOUBLE):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return
    out[name] = (int(value) if kind == BIGINT else float(value) if kind == DOUBLE else str(value), kind)


def _extreme(rows, metric, largest=True, label_column=None):
    chosen = rows[(rows["metric"] == metric) & rows["value"].notna()]
    if not len(chosen):
        return None, None
    row = chosen.loc[chosen["value"].idxmax() if largest else chosen["value"].idxmin()]
    return row["value"], (row[label_column] if label_column else None)


def headline_metrics(frame):
    kind = _kind_of(frame)
    frame = core.recognise(frame, kind)
    runs = core.runs_of(frame, kind)
    out = {}
    if not runs.ids:
        return {"rows": (0, BIGINT)}
    run_id = runs.ids[-1]
    rows = frame[frame["run_id"] == run_id]
    _put(out, "run_id", run_id, STRING)
    _put(out, "run_time", runs.labels.get(run_id, ""), STRING)
    _put(out, "runs", len(runs.ids), BIGINT)
    statuses = rows["status"]
    _put(out, "worst_status", verdict(frame).outcome, STRING)
    _put(out, "error_rows", int((statuses == ERROR).sum()), BIGINT)
    _put(out, "warning_rows", int((statuses == WARNING).sum()), BIGINT)
    _put(out, "empty_rows", int((statuses == EMPTY).sum()), BIGINT)
    if kind is core.DRIFT:
        features = rows[rows["feature"] != DATASET]
        for metric in ("psi", "drift_score", "js_distance", "wasserstein_norm", "ks_statistic"):
            value, feature = _extreme(features, metric, True, "feature")
            _put(out, "max_" + metric, value)
            if metric == "drift_score":
                _put(out, "max_drift_score_feature", feature, STRING)
        dataset = rows[rows["feature"] == DATASET].set_index("metric")["value"]
        _put(out, "drift_share", dataset.get("drift_share"))
        _put(out, "drifted_features", dataset.get("drifted_features"), BIGINT)
        _put(out, "features", features["feature"].nunique(), BIGINT)
    elif kind is core.FAIRNESS:
        summary = rows[rows["group"] == SUMMARY]
        value, attribute = _extreme(summary, "disparate_impact", False, "attribute")
        _put(out, "min_disparate_impact", value)
        _put(out, "min_disparate_impact_attribute", attribute, STRING)
        for metric in ("demographic_parity_difference", "equal_opportunity_difference", "equalized_odds_difference"):
            _put(out, "max_" + metric, _extreme(summary, metric, True)[0])
        _put(out, "min_disparate_impact_shift", _extreme(summary, "disparate_impact_shift", False)[0])
        _put(out, "attributes", summary["attribute"].nunique(), BIGINT)
    else:
        overall = rows[rows["window"] == ALL_WINDOWS]
        for row in overall.itertuples():
            _put(out, row.metric, row.value)
            if row.metric in ("roc_auc", "rmse") and "change_relative" in overall.columns:
                _put(out, row.metric + "_change_relative", getattr(row, "change_relative"))
        windows = rows[(rows["window"] != ALL_WINDOWS) & (rows["metric"] == "roc_auc") & rows["value"].notna()]
        if len(windows):
            _put(out, "min_window_roc_auc", windows["value"].min())
    return out

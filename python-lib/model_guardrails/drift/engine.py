"""compute_drift: reference vs current, one row per (feature, metric) plus dataset-level rows."""
import logging

import numpy as np

from ..errors import InputError
from ..table import ERROR, EMPTY, metric_row, to_frame
from . import evidently
from .categorical import categorical_metrics
from .distribution import DISTRIBUTION, collect
from .metrics import NUMERIC, SPECS
from .numeric import numeric_metrics
from .prepare import prepare_features

log = logging.getLogger(__name__)

DATASET = "__dataset__"
SUBJECT_COLUMNS = ["feature", "feature_type"]
EXTRA_COLUMNS = ["n_reference", "n_current", "convention"]


def compute_drift(reference, current, params, run, distributions=None):
    """The drift metrics table (SPEC §2) of ``current`` against ``reference``. ``distributions``:
    a list that receives each feature's binned counts (:mod:`.distribution`) for the report."""
    for role, frame in (("reference", reference), ("current", current)):
        if len(frame) == 0:
            raise InputError("The {} dataset is empty: drift needs rows on both sides.".format(role))
    features, one_sided = prepare_features(reference, current, params)
    if one_sided:
        log.info("Columns present on one side only, not compared: %s", ", ".join(one_sided))
    if not features:
        raise InputError("No column to compare: the reference and current datasets share no column "
                         "(after excluded_columns). Reference columns: {}; current columns: {}.".format(
                             ", ".join(map(str, reference.columns)), ", ".join(map(str, current.columns))))
    common = dict(n_reference=len(reference), n_current=len(current), convention=params.convention)
    computed = _compute_features(features, params)
    if distributions is not None:
        distributions.extend(collect(computed))
    rows = []
    for feature, values in computed:
        subject = _subject(common, feature)
        for metric in params.methods:
            if feature.error or feature.type in SPECS[metric].types:
                value, reason = values.get(metric, (None, feature.error))
                rows.append(metric_row(metric, value, params.bound(metric), _join(reason, *feature.notes),
                                       **subject))
    rows += _decision_rows(computed, common, params)
    rows += _dataset_rows(rows, common, params)
    return to_frame(rows, run, SUBJECT_COLUMNS, EXTRA_COLUMNS)


def _subject(common, feature):
    return dict(common, feature=feature.name, feature_type=feature.type)


def _compute_features(features, params):
    """[(feature, {metric: (value, reason)})] in feature order, with progress in the log."""
    computed = []
    for i, feature in enumerate(features):
        log.info("Feature %d/%d %s (%s)%s", i + 1, len(features), feature.name, feature.type or "?",
                 ": " + feature.error if feature.error else "")
        computed.append((feature, _feature_values(feature, params)))
    return computed


def _feature_values(feature, params):
    if feature.error:
        return {}
    found = []  # the binned counts, for the report
    if params.convention == "evidently":
        values = evidently.feature_metrics(feature, found)
    elif feature.type == NUMERIC:
        values = numeric_metrics(feature.reference, feature.current, params.psi_bins, found)
    else:
        values = categorical_metrics(feature.reference, feature.current, params.max_categories, found)
    if found:
        values[DISTRIBUTION] = found[0]
    return values


def _join(*parts):
    return "; ".join(p for p in parts if p)


def _decision_rows(computed, common, params):
    """drift_score per feature: the decision metric's value (p-values adjusted across features
    for multiple testing) judged by the decision bounds."""
    picked = []
    for feature, values in computed:
        metric = "" if feature.error else params.decision_metric(feature.type)
        value, reason = values.get(metric, (None, feature.error))
        picked.append([_subject(common, feature), metric, value, reason, "; ".join(feature.notes)])
    pvalue_rows = [r for r in picked if r[1] and SPECS[r[1]].is_pvalue and r[2] is not None]
    if pvalue_rows and params.multiple_testing != "none":
        adjusted = adjust_pvalues([r[2] for r in pvalue_rows], params.multiple_testing)
        for r, value in zip(pvalue_rows, adjusted):
            r[2] = value
            r[3] = _join(r[3], "{} {}-adjusted over {} p-value decisions".format(
                r[1], "Bonferroni" if params.multiple_testing == "bonferroni" else "Benjamini-Hochberg",
                len(pvalue_rows)))
    rows = []
    for subject, metric, value, reason, note in picked:
        if not metric:  # unusable column: its error is the reason
            rows.append(metric_row("drift_score", None, None, reason, **subject))
            continue
        if value is None:
            reason = "decision metric {} is undefined: {}".format(metric, reason or "not computed")
        elif not reason:
            reason = "decided on " + metric
        rows.append(metric_row("drift_score", value, params.decision_bound(metric), _join(reason, note), **subject))
    return rows


def adjust_pvalues(pvalues, method):
    """Bonferroni (p * m, capped at 1) or Benjamini-Hochberg step-up adjusted p-values."""
    p = np.asarray(pvalues, dtype="float64")
    m = len(p)
    if method == "bonferroni":
        return np.minimum(p * m, 1.0).tolist()
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    return out.tolist()


def _dataset_rows(rows, common, params):
    scores = [r for r in rows if r["metric"] == "drift_score"]
    evaluated = [r for r in scores if r["status"] != EMPTY]
    drifted = [r for r in evaluated if r["status"] == ERROR]
    subject = dict(common, feature=DATASET, feature_type="")
    empty_note = "{} feature(s) not evaluable: {}".format(
        len(scores) - len(evaluated), ", ".join(r["feature"] for r in scores if r["status"] == EMPTY)
    ) if len(evaluated) < len(scores) else ""
    if not evaluated:
        share, reason = None, "no feature could be evaluated"
    else:
        share, reason = len(drifted) / len(evaluated), empty_note
    return [
        metric_row("drift_share", share, params.bound("drift_share"), reason, **subject),
        metric_row("drifted_features", len(drifted) if evaluated else None, None, reason, **subject),
    ]

"""compute_drift: reference vs current, one row per (feature, metric) plus dataset-level rows."""
import logging
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..contract import DATASET, DECIDED_ON, DRIFT_EXTRA, DRIFT_SUBJECT
from ..errors import InputError
from ..table import ERROR, EMPTY, metric_row, to_frame
from .categorical import aligned_counts, categorical_metrics, metrics_from_counts
from .distribution import collect
from .metrics import NUMERIC, SPECS
from .numeric import numeric_metrics
from .prepare import prepare_features

log = logging.getLogger(__name__)

MAX_WORKERS = 4
# Fewer rows than this on a side and every row gets a note: sampling noise alone breaches the
# default bounds for most features (docs/drift.md, "Small samples"). The status is not changed.
SMALL_SAMPLE = 500


def compute_drift(reference, current, params, run, distributions=None):
    """The drift metrics table (SPEC §2) of ``current`` against ``reference``. ``distributions``:
    a list that receives each feature's binned counts (:mod:`.distribution`), for the report."""
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
    return drift_table(_compute_features(features, params), common, params, run, distributions)


def compute_drift_streaming(profile, current_side, names, params, run, distributions=None):
    """The same table from a reference profile and the current data's chunk statistics
    (model_guardrails.drift.streaming)."""
    from .streaming import features_and_values

    if current_side.rows == 0:
        raise InputError("The current dataset is empty: drift needs rows on both sides.")
    if not names:
        raise InputError("No column to compare: the reference and current datasets share no column "
                         "(after excluded_columns). Reference columns: {}; current columns: {}.".format(
                             ", ".join(profile.columns), ", ".join(current_side.columns)))
    common = dict(n_reference=profile.n_rows, n_current=current_side.rows, convention=params.convention)
    return drift_table(features_and_values(profile, current_side, names, params), common, params, run,
                       distributions)


def drift_table(computed, common, params, run, distributions=None):
    """Rows of [(feature, {metric: (value, reason)})]: per-feature metrics, decisions, dataset rows."""
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
    note = small_sample_note(common["n_reference"], common["n_current"])
    for row in rows if note else ():
        row["reason"] = _join(row["reason"], note)
    frame = to_frame(rows, run, DRIFT_SUBJECT, DRIFT_EXTRA)
    frame[DECIDED_ON] = frame[DECIDED_ON].fillna("").astype(str)
    return frame


def small_sample_note(n_reference, n_current):
    """The note on rows computed from fewer than SMALL_SAMPLE rows on a side ("" otherwise)."""
    small = ["the {} dataset has {} row{}".format(side, n, "" if n == 1 else "s")
             for side, n in (("reference", n_reference), ("current", n_current)) if n < SMALL_SAMPLE]
    if not small:
        return ""
    return "small sample: {} (fewer than {}); sampling noise alone can breach the bounds".format(
        " and ".join(small), SMALL_SAMPLE)


def _subject(common, feature):
    return dict(common, feature=feature.name, feature_type=feature.type)


def _compute_features(features, params):
    """[(feature, {metric: (value, reason)})] in feature order, with progress in the log.

    Features are computed on a small thread pool: the heavy steps (sorting, merging, counting)
    are numpy calls that release the GIL, so the cores share the columns."""
    def one(i, feature):
        log.info("Feature %d/%d %s (%s)%s", i + 1, len(features), feature.name, feature.type or "?",
                 ": " + feature.error if feature.error else "")
        return feature, _feature_values(feature, params)

    workers = min(len(features), os.cpu_count() or 1, MAX_WORKERS)
    if workers <= 1:
        return [one(i, f) for i, f in enumerate(features)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(len(features)), features))


def _feature_values(feature, params):
    if feature.error:
        return {}
    if params.convention == "evidently":
        from . import evidently  # scipy.stats is slow to import: only when this convention is used

        return evidently.feature_metrics(feature)
    if feature.type == NUMERIC:
        return numeric_metrics(feature.reference, feature.current, params.psi_bins)
    if feature.counts is not None:  # typing counted the values already
        aligned = aligned_counts(feature.counts[0], feature.counts[1], int(feature.reference.isna().sum()),
                                 int(feature.current.isna().sum()), params.max_categories)
        return metrics_from_counts(aligned, len(feature.reference), len(feature.current))
    return categorical_metrics(feature.reference, feature.current, params.max_categories)


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
        rows.append(metric_row("drift_score", value, params.decision_bound(metric), _join(reason, note),
                               **dict(subject, **{DECIDED_ON: metric})))
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

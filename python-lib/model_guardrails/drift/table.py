"""The drift table writer: per-feature metric rows, drift_score decisions (multiple-testing
adjusted) and the dataset rows, from [(feature, Measured)] of any engine."""
from dataclasses import dataclass
from typing import List

import numpy as np
import pandas as pd

from ..contract import DATASET, DECIDED_ON, DECISION_RULE, DRIFT_EXTRA, DRIFT_SUBJECT
from ..table import ERROR, EMPTY, metric_row, to_frame
from .distribution import Distribution, collect
from .mass import DECISION_RULE as RULE_VERSION
from .metrics import MASS_METRICS, SPECS

# Fewer rows than this on a side and every row gets a note: sampling noise alone breaches the
# default bounds for most features (docs/drift.md, "Small samples"). The status is not changed.
SMALL_SAMPLE = 500


@dataclass
class DriftResult:
    """What a drift computation returns: the metrics table (SPEC §2) and each feature's binned
    counts (:mod:`.distribution`), for the report."""
    table: pd.DataFrame
    distributions: List[Distribution]


def drift_result(computed, common, params, run):
    """The DriftResult of [(feature, Measured)] (every engine ends here)."""
    return DriftResult(drift_table(computed, common, params, run), collect(computed))


def drift_table(computed, common, params, run):
    """Rows of [(feature, Measured)]: per-feature metrics, decisions, dataset rows."""
    rows = []
    for feature, measured in computed:
        subject = _subject(common, feature)
        for metric in params.methods:
            if params.convention == "evidently" and metric in MASS_METRICS:
                continue  # the default convention's bins only
            if feature.error or feature.type in SPECS[metric].types:
                value, reason = measured.values.get(metric, (None, feature.error))
                rows.append(metric_row(metric, value, params.bound(metric), _join(reason, *feature.notes),
                                       **subject))
    rows += _decision_rows(computed, common, params)
    rows += _dataset_rows(rows, common, params)
    note = small_sample_note(common["n_reference"], common["n_current"])
    for row in rows if note else ():
        row["reason"] = _join(row["reason"], note)
    frame = to_frame(rows, run, DRIFT_SUBJECT, DRIFT_EXTRA)
    frame[DECIDED_ON] = frame[DECIDED_ON].fillna("").astype(str)
    frame[DECISION_RULE] = _rule_versions(frame)
    return frame


def _rule_versions(frame):
    """RULE_VERSION on the rows of the features decided on drift_mass (and on the dataset rows
    when any is), "" elsewhere: a run decided on another metric does not claim the mass rule."""
    scores = frame[frame.metric == "drift_score"]
    by_mass = set(scores.feature[scores[DECIDED_ON] == "drift_mass"])
    rows = frame.feature.isin(by_mass) | ((frame.feature == DATASET) & bool(by_mass))
    return np.where(rows, RULE_VERSION, "").astype(object)


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


def _join(*parts):
    return "; ".join(p for p in parts if p)


def _decision_rows(computed, common, params):
    """drift_score per feature: the decision metric's value (p-values adjusted across features
    for multiple testing) judged by the decision bounds."""
    picked = []
    for feature, measured in computed:
        metric = "" if feature.error else params.decision_metric(feature.type)
        value, reason = measured.values.get(metric, (None, feature.error))
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
        elif metric in MASS_METRICS:
            reason = _join("decided on " + metric, reason)
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

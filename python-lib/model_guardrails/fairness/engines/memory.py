"""The in-memory engine: the exact :class:`..counts.FairnessCounts` of a whole DataFrame, from one
grouped pass per attribute (confusion counts with ``np.bincount``, ROC AUC per group from the one
sort of the scores every attribute shares)."""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ...stats import binary, ranking
from .. import attributes as attrs
from ..counts import FairnessCounts, GroupCounts, dataset_note


@dataclass
class _Attribute:
    name: str
    codes: Optional[np.ndarray]
    labels: list
    skipped: str = ""


@dataclass
class _Prepared:
    y: np.ndarray
    prediction: np.ndarray
    score: Optional[np.ndarray]
    attributes: list
    excluded: str
    absent: str


def _prepare(frame, params, dataset):
    if len(frame) == 0:
        raise binary.empty_dataset(dataset)
    binary.require_columns(frame, params.columns, dataset)
    y, score, prediction, absent = binary.binary_outcomes(frame, params.target_column, params.positive_class,
                                                          params.score_column, params.prediction_column,
                                                          params.threshold)
    valid, excluded = binary.usable_rows(len(frame), [(params.target_column, y), (params.prediction_column, prediction),
                                                      (params.score_column, score)], dataset)
    dataset_note(excluded, dataset)
    if valid.all():
        valid = slice(None)  # every row: views, not copies
    attributes = []
    for column in params.sensitive_columns:
        codes, labels = attrs.group_codes(frame[column].to_numpy()[valid])
        attributes.append(_attribute(column, codes, labels))
    if params.intersectional and len(attributes) > 1:
        attributes.append(_intersection(attributes))
    attrs.require_usable(attributes, dataset)
    return _Prepared(y=y[valid].astype("int8"), prediction=prediction[valid].astype("int8"),
                     score=None if score is None else score[valid], attributes=attributes,
                     excluded=excluded, absent=dataset_note(absent, dataset))


def _attribute(name, codes, labels):
    if len(labels) > attrs.MAX_GROUPS:
        return _Attribute(name, None, labels, skipped=attrs.too_many_groups(name, len(labels)))
    return _Attribute(name, codes, labels)


def _intersection(attributes):
    name = " & ".join(a.name for a in attributes)
    skipped = [a.name for a in attributes if a.skipped]
    if skipped:
        counts = attrs.skipped_intersection(name, skipped)
        return _Attribute(name, None, [], skipped=counts.skipped)
    codes, labels = attributes[0].codes, attributes[0].labels
    for other in attributes[1:]:
        codes, labels = attrs.combine_codes(codes, labels, other.codes, other.labels)
    return _attribute(name, codes, labels)


def counts_from_frame(frame, params, dataset="scored"):
    """The exact statistics of an in-memory frame."""
    data = _prepare(frame, params, dataset)
    attributes = []
    ranked = overall = None
    if data.score is not None:  # one sort of the scores for every attribute, and the overall AUC once
        ranked = ranking.Ranked.of(data.score, data.y)
        overall = ranking.Grouped.of(ranked).roc_auc()
    for attribute in data.attributes:
        if attribute.skipped:
            attributes.append(GroupCounts(attribute.name, list(attribute.labels), skipped=attribute.skipped))
            continue
        n_groups = len(attribute.labels)
        tn, fp, fn, tp = binary.confusion_counts(attribute.codes, n_groups, data.y, data.prediction)
        auc = None
        if data.score is not None:
            values, variance = ranking.Grouped.of(ranked, attribute.codes, n_groups).roc_auc()
            auc = (np.append(values, overall[0]), np.append(variance, overall[1]), None)
        attributes.append(GroupCounts(attribute.name, list(attribute.labels), dict(tn=tn, fp=fp, fn=fn, tp=tp), auc))
    return FairnessCounts(attributes, data.excluded, data.absent)


def counts(source, params, dataset):
    """The engine's entry (:class:`.Engine`): the source read whole."""
    return counts_from_frame(source.frame(), params, dataset)

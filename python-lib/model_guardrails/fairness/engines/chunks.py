"""The chunked engine: :class:`..counts.FairnessCounts` from DataFrame chunks, in memory bounded by
the number of groups (docs/scale.md): counts exact, ROC AUC from per-class score histograms."""
import numpy as np

from ...read_ahead import read_ahead
from ...stats import binary, groups
from .. import attributes as attrs
from ..counts import FairnessCounts, dataset_note


def counts_from_chunks(chunks, params, dataset="scored"):
    """The same statistics as the in-memory engine's from an iterable of DataFrame chunks."""
    outcomes = groups.Outcomes(params.target_column, params.positive_class, params.score_column,
                                   params.prediction_column, params.threshold, dataset)
    names = list(params.sensitive_columns)
    indexes = [attrs.LabelIndex() for _ in names]
    stats = [groups.BinaryGroups() for _ in names]
    combo = attrs.ComboIndex() if params.intersectional and len(names) > 1 else None
    combo_stats, overall = groups.BinaryGroups(), groups.BinaryGroups()
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        binary.require_columns(chunk, params.columns, dataset)
        y, score, prediction, valid = outcomes.read(chunk)
        y, prediction, score = y[valid], prediction[valid], None if score is None else score[valid]
        codes = []
        for index, group_stats, name in zip(indexes, stats, names):
            if not index.overflow:
                codes.append(index.encode(chunk[name].to_numpy()[valid]))
                if not index.overflow:
                    group_stats.add(codes[-1], y, prediction, score, losses=False)
        if combo is not None and not combo.overflow and not any(i.overflow for i in indexes):
            combined = combo.encode(codes)
            if not combo.overflow:
                combo_stats.add(combined, y, prediction, score, losses=False)
        overall.add(np.zeros(len(y), dtype="int64"), y, prediction, score, losses=False)
    excluded = dataset_note(outcomes.finish(), dataset)
    attributes = [attrs.streamed_attribute(name, index, s, overall) for name, index, s in zip(names, indexes, stats)]
    if combo is not None:
        name = " & ".join(names)
        if any(i.overflow for i in indexes):
            attributes.append(attrs.skipped_intersection(name, [n for n, i in zip(names, indexes) if i.overflow]))
        else:
            attributes.append(attrs.streamed_attribute(name, combo, combo_stats, overall, indexes))
    attrs.require_usable(attributes, dataset)
    return FairnessCounts(attributes, excluded, dataset_note(outcomes.absent, dataset))


def counts(source, params, dataset):
    """The engine's entry (:class:`.Engine`): the source streamed in chunks."""
    return counts_from_chunks(read_ahead(source.chunks()), params, dataset)

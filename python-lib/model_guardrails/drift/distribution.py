"""Per-feature binned counts for the drift report, taken from the bins the metrics use.

The metric functions return a :class:`Measured`: the feature's metric values and, beside them,
the :class:`Distribution` of the bins they used; the drift result hands the distributions to the
report (``DriftResult.distributions``). A distribution's size is bounded by the number of bins (numeric: ``psi_bins`` + missing; categorical: at most
:data:`MAX_CATEGORY_BARS` categories + pooled + unseen + missing), never by the number of rows.
"""
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

MAX_CATEGORY_BARS = 12

VALUE, MISSING, UNSEEN, OTHER = "value", "missing", "unseen", "other"


@dataclass
class Distribution:
    """Reference and current counts per bin. ``kinds`` tells value bins from the special ones
    (``missing``, ``unseen`` current values, ``other`` pooled categories); ``edges`` are the
    interior edges of numeric bins (bins are (-inf, e1], (e1, e2], ..., (ek, +inf))."""

    feature: str
    feature_type: str
    labels: List[str]
    kinds: List[str]
    reference: List[float]
    current: List[float]
    n_reference: int
    n_current: int
    edges: Optional[List[float]] = None
    binning: str = ""
    notes: List[str] = field(default_factory=list)

    def __post_init__(self):
        self.reference = _floats(self.reference)
        self.current = _floats(self.current)
        self.n_reference, self.n_current = int(self.n_reference), int(self.n_current)

    def to_dict(self):
        return asdict(self)


def _num(value):
    return "{:.3g}".format(float(value))


def interval_labels(edges):
    """Labels of the bins (-inf, e1], (e1, e2], ..., (ek, +inf)."""
    edges = [float(e) for e in edges]
    if not edges:
        return ["all values"]
    labels = ["≤ " + _num(edges[0])]
    labels += ["{} – {}".format(_num(a), _num(b)) for a, b in zip(edges[:-1], edges[1:])]
    labels.append("> " + _num(edges[-1]))
    return labels


def numeric(edges, ref_counts, cur_counts, n_reference, n_current, binning):
    """``ref_counts``/``cur_counts``: value bins then the missing bin (as binned by the metrics)."""
    labels = interval_labels(edges) + ["(missing)"]
    kinds = [VALUE] * (len(labels) - 1) + [MISSING]
    return Distribution("", "numeric", labels, kinds, _floats(ref_counts), _floats(cur_counts),
                        int(n_reference), int(n_current), edges=[float(e) for e in edges], binning=binning)


def categorical(categories, ref_counts, cur_counts, ref_other, cur_other, cur_unseen, ref_missing, cur_missing,
                binning):
    """Category bars (the most frequent :data:`MAX_CATEGORY_BARS` over both sides, the rest
    pooled), then pooled reference categories, unseen current values and missing values.
    ``cur_other`` includes ``cur_unseen``; only the part seen in the reference stays in "other"."""
    ref_counts, cur_counts = np.asarray(ref_counts, "float64"), np.asarray(cur_counts, "float64")
    notes = []
    order = np.argsort(-(ref_counts + cur_counts), kind="stable")
    shown, rest = order[:MAX_CATEGORY_BARS], order[MAX_CATEGORY_BARS:]
    labels = [str(categories[i]) for i in shown]
    ref = list(ref_counts[shown])
    cur = list(cur_counts[shown])
    ref_other = float(ref_other) + float(ref_counts[rest].sum())
    cur_seen_other = float(cur_other) - float(cur_unseen) + float(cur_counts[rest].sum())
    kinds = [VALUE] * len(shown)
    if len(rest):
        notes.append("{} less frequent categories drawn together as (other categories)".format(len(rest)))
    if len(rest) or ref_other > 0 or cur_seen_other > 0:
        labels.append("(other categories)")
        ref.append(ref_other)
        cur.append(cur_seen_other)
        kinds.append(OTHER)
    labels += ["(unseen)", "(missing)"]
    ref += [0.0, float(ref_missing)]
    cur += [float(cur_unseen), float(cur_missing)]
    kinds += [UNSEEN, MISSING]
    n_ref = float(sum(ref))
    n_cur = float(sum(cur))
    return Distribution("", "categorical", labels, kinds, _floats(ref), _floats(cur), int(round(n_ref)),
                        int(round(n_cur)), binning=binning, notes=notes)


def _floats(values):
    return [float(v) for v in values]


@dataclass
class Measured:
    """One feature's metric values ``{metric: (value or None, reason)}`` and the binned counts they
    were computed on (None when no bins were computed: an unusable column, no values)."""
    values: Dict[str, Tuple[Optional[float], str]] = field(default_factory=dict)
    distribution: Optional["Distribution"] = None


def collect(computed):
    """The distributions of [(feature, Measured)], named after their feature."""
    out = []
    for feature, measured in computed:
        if measured.distribution is not None:
            measured.distribution.feature = feature.name
            out.append(measured.distribution)
    return out

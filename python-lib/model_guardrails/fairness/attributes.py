"""Sensitive attributes as groups, and the bookkeeping every fairness engine shares.

A sensitive column becomes group codes: in memory by :func:`group_codes` and
:func:`combine_codes` (the intersection), across chunks or Spark rows by :class:`LabelIndex` and
:class:`ComboIndex` (first-seen codes, then the in-memory order). An attribute with more than
:data:`MAX_GROUPS` groups is skipped, and so is an intersection of a skipped column; the
:class:`.counts.GroupCounts` of a streamed attribute come from :func:`streamed_attribute`.
"""
import logging

import numpy as np
import pandas as pd

from ..errors import InputError
from ..stats import binary, groups
from .counts import GroupCounts

log = logging.getLogger(__name__)

MAX_GROUPS = 500
MISSING_GROUP = "(missing)"
_COMBO_BASE = 1 << 10   # attribute codes stay below MAX_GROUPS + 1 < 1024 while an intersection is kept


# -- in memory -------------------------------------------------------------------------------

def group_codes(series):
    """(codes, labels): sorted distinct values as text, missing values as the group
    ``(missing)`` (placed last)."""
    codes, uniques = pd.factorize(series)
    # sorted as pd.factorize(series, sort=True) sorts, without a second pass over the rows' codes
    rank, uniques = pd.factorize(np.asarray(uniques), sort=True) if len(uniques) else (np.arange(0), uniques)
    labels = [binary.display(u) for u in uniques]
    missing = (codes == -1).any()
    lookup = _small(np.append(rank, len(labels)), len(labels) + 1)  # a missing value's -1 reads the last entry
    if missing:
        labels.append(MISSING_GROUP)
    return lookup[codes], labels


def combine_codes(first, first_labels, second, second_labels):
    """The observed combinations of two groupings, labels joined with ' & '."""
    n_combined = len(first_labels) * len(second_labels)
    combined = first.astype(np.int32 if n_combined <= np.iinfo(np.int32).max else np.int64)
    combined *= len(second_labels)
    combined += second
    # np.unique(combined, return_inverse=True) without its sort: the codes are small integers
    seen = np.bincount(combined, minlength=n_combined) > 0
    observed = np.flatnonzero(seen)
    codes = _small(np.cumsum(seen) - 1, len(observed))[combined]
    labels = ["{} & {}".format(first_labels[c // len(second_labels)], second_labels[c % len(second_labels)])
              for c in observed]
    return codes, labels


def _small(codes, n_groups):
    """Group codes in 16 bits when they fit (they are read once per grouping)."""
    return codes.astype(np.int16 if n_groups <= np.iinfo(np.int16).max else np.int64, copy=False)


# -- across chunks ---------------------------------------------------------------------------

def _sorted_positions(raw):
    """Positions of ``raw`` (one representative value per label) in the order pd.factorize(sort=True)
    gives: numbers numerically, text as text; mixed types by their text."""
    series = pd.Series(raw) if raw else pd.Series([], dtype=object)
    try:
        if series.dtype != object:
            return list(np.argsort(series.to_numpy(), kind="stable"))
        return sorted(range(len(raw)), key=lambda i: raw[i])
    except TypeError:
        return sorted(range(len(raw)), key=lambda i: binary.display(raw[i]))


class LabelIndex:
    """Group labels (display text, missing as ``(missing)``) with first-seen codes across chunks;
    ``overflow`` once more than MAX_GROUPS labels were seen (the attribute is then skipped)."""

    def __init__(self, limit=MAX_GROUPS):
        self.limit, self.codes, self.raw, self.labels, self.overflow = limit, {}, [], [], False

    def _code(self, label, raw):
        code = self.codes.get(label)
        if code is None:
            code = self.codes[label] = len(self.labels)
            self.labels.append(label)
            self.raw.append(raw)
            self.overflow = self.overflow or len(self.labels) > self.limit
        return code

    def encode(self, values):
        codes, uniques = pd.factorize(pd.Series(values))
        mapping = [self._code(binary.display(u), u) for u in uniques]
        if (codes == -1).any():
            mapping.append(self._code(MISSING_GROUP, None))  # code -1 takes the last entry
        return np.asarray(mapping, dtype="int64")[codes] if mapping else np.zeros(0, dtype="int64")

    def order(self):
        """(rank of each first-seen code, labels in the final order): as group_codes, sorted
        values then ``(missing)`` last."""
        present = [i for i, label in enumerate(self.labels) if label != MISSING_GROUP]
        positions = [present[p] for p in _sorted_positions([self.raw[i] for i in present])]
        positions += [i for i, label in enumerate(self.labels) if label == MISSING_GROUP]
        rank = np.empty(len(self.labels), dtype="int64")
        rank[positions] = np.arange(len(positions))
        return rank, [self.labels[i] for i in positions]


class ComboIndex:
    """Observed combinations of several LabelIndex codes (the intersection), first-seen codes."""

    def __init__(self, limit=MAX_GROUPS):
        self.limit, self.codes, self.keys, self.overflow = limit, {}, [], False

    def encode(self, columns):
        if len(columns) <= 6:
            combined = np.zeros(len(columns[0]), dtype="int64")
            for codes in columns:
                combined = combined * _COMBO_BASE + codes
            uniques, inverse = np.unique(combined, return_inverse=True)
            keys = []
            for value in uniques.tolist():
                parts = []
                for _ in columns:
                    parts.append(value % _COMBO_BASE)
                    value //= _COMBO_BASE
                keys.append(tuple(reversed(parts)))
        else:
            uniques, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
            keys = [tuple(row) for row in uniques.tolist()]
        mapping = np.empty(len(keys), dtype="int64")
        for i, key in enumerate(keys):
            code = self.codes.get(key)
            if code is None:
                code = self.codes[key] = len(self.keys)
                self.keys.append(key)
                self.overflow = self.overflow or len(self.keys) > self.limit
            mapping[i] = code
        return mapping[np.ravel(inverse)]

    def order(self, indexes):
        ranks_labels = [index.order() for index in indexes]
        sort_keys = [tuple(int(ranks_labels[j][0][c]) for j, c in enumerate(key)) for key in self.keys]
        positions = sorted(range(len(self.keys)), key=lambda i: sort_keys[i])
        rank = np.empty(len(self.keys), dtype="int64")
        rank[positions] = np.arange(len(positions))
        labels = [" & ".join(indexes[j].labels[c] for j, c in enumerate(self.keys[i])) for i in positions]
        return rank, labels


# -- bookkeeping shared by the engines -------------------------------------------------------

def too_many_groups(name, count):
    reason = ("Column '{}' has {} distinct values{}: too many groups for a sensitive attribute; bin it into fewer "
              "groups first.".format(name, count, "" if str(count).startswith("more") else
                                     " (more than {})".format(MAX_GROUPS)))
    log.warning(reason)
    return reason


def skipped_intersection(name, columns):
    return GroupCounts(name, [], skipped="Intersection '{}' not computed: column {} has too many values.".format(
        name, ", ".join(columns)))


def require_usable(attributes, dataset):
    """Raise InputError when every attribute is skipped."""
    if all(a.skipped for a in attributes):
        raise InputError("No usable sensitive attribute in the {} dataset: {}".format(
            dataset, " ".join(a.skipped for a in attributes)))


def streamed_attribute(name, index, stats, overall, parts=None):
    """The :class:`GroupCounts` of an attribute from its streamed statistics (a
    :class:`..stats.groups.BinaryGroups` per group and overall); ``parts``: an intersection's indexes."""
    if index.overflow:
        return GroupCounts(name, [], skipped=too_many_groups(name, "more than {}".format(MAX_GROUPS)))
    rank, labels = index.order(parts) if parts else index.order()
    n_groups = len(labels)
    tn, fp, fn, tp = stats.confusion(rank, n_groups)
    auc = None
    if stats.has_score:
        zero = np.zeros(1, dtype="int64")
        values, variance, low, high = (np.append(a, b) for a, b in zip(stats.roc_auc(rank, n_groups),
                                                                         overall.roc_auc(zero, 1)))
        notes = None
        if not overall.single_valued:
            notes = np.array([groups.grid_reason("ROC AUC", lo, hi) if not np.isnan(v) else ""
                              for v, lo, hi in zip(values, low, high)], dtype=object)
        auc = (values, variance, notes)
    return GroupCounts(name, labels, dict(tn=tn, fp=fp, fn=fn, tp=tp), auc)

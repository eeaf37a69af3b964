"""Statistics of rows in score order, for many groups at once: ROC AUC (the Mann–Whitney statistic,
ties counting ½, equal to scikit-learn's roc_auc_score) with its DeLong variance, and average
precision (scikit-learn's average_precision_score).

In memory, the scores are sorted once (:class:`Ranked`) and every grouping shares that sort: a
radix sort of its group codes regroups the order (:class:`Grouped`, rows by group then ascending
score). The statistics then need only the tie blocks (rows of one group with one score) that hold
rows of the rarer class (:class:`ClassBlocks`, found in a few vectorised passes over the rows):
the placements of the other class's rows follow from the counts between those blocks, so the
arithmetic runs on the rarer class's blocks only (a tenth of the rows for a model with 10%
positives), and ties are exact whatever their number.

Streamed, the engines count rows per (group, score-grid bin) and pass the bins as tie blocks of
both classes (:meth:`ClassBlocks.from_counts`, docs/scale.md): the same formulas, so when the bins
are the data's ties both engines give the same floats.
"""
import numpy as np


def _sorted(score):
    """(order, score[order]): the rows by ascending score, ties in row order, equal to
    ``np.argsort(score, kind="stable")``.

    Two stable passes instead of one comparison sort: a radix sort (numpy's stable sort of 16-bit
    integers) by a key that never decreases with the score (its rank on a grid of the range), then a
    stable sort of the scores in that order, which is nearly sorted (timsort takes it in ~1/3 of the
    time of the whole sort, and reads the scores nearly in sequence)."""
    if len(score) < 2:
        return np.arange(len(score)), score.copy()
    low, high = score.min(), score.max()
    scale = 60000.0 / (high - low) if np.isfinite(low) and np.isfinite(high) and high > low else np.inf
    if not np.isfinite(scale):  # NaN, infinite or one value, or a spread too narrow for the grid
        order = np.argsort(score, kind="stable")
        return order, score[order]
    # (v - low) and the product by a positive constant never decrease with v (rounding is monotone)
    order = np.argsort(((score - low) * scale).astype(np.uint16), kind="stable")
    values = score[order]
    fix = np.argsort(values, kind="stable")
    order = order[fix]  # one at a time: less memory held at once
    return order, values[fix]


class Ranked:
    """The rows by ascending score (:func:`_sorted`), with their scores and 0/1 outcomes in that
    order: every grouping (:class:`Grouped`) reads them in sequence instead of gathering them at
    random again."""

    def __init__(self, order, score, y):
        self.order, self.score, self.y = order, score, y

    @classmethod
    def of(cls, score, y):
        order, ordered = _sorted(score)
        return cls(order, ordered, y[order])


class Grouped:
    """The rows of a :class:`Ranked` regrouped: by group, then ascending score (ties in the ranked
    order, which no statistic here depends on). ``starts[g]`` is the first row of group g and
    ``starts[-1]`` the number of rows."""

    def __init__(self, score, y, starts):
        self.score, self.y, self.starts = score, y, starts
        self._blocks = {}

    @classmethod
    def of(cls, ranked, codes=None, n_groups=1):
        """``codes``: the group (0 .. n_groups - 1) of each row in row order; none for one group."""
        if n_groups == 1:
            return cls(ranked.score, ranked.y, np.array([0, len(ranked.order)]))
        starts = np.zeros(n_groups + 1, dtype=np.int64)
        np.cumsum(np.bincount(codes, minlength=n_groups), out=starts[1:])
        small = np.int16 if n_groups <= np.iinfo(np.int16).max else np.int64
        key = codes[ranked.order].astype(small, copy=False)
        by_group = np.argsort(key, kind="stable")  # of 16-bit integers: a radix sort
        del key
        return cls(ranked.score[by_group], ranked.y[by_group], starts)

    def blocks(self, cls):
        """The :class:`ClassBlocks` of class ``cls`` (1: positives, 0: negatives)."""
        if cls not in self._blocks:
            self._blocks[cls] = ClassBlocks.of(self, cls)
        return self._blocks[cls]

    def roc_auc(self):
        """(auc, variance) per group: the Mann–Whitney AUC and its DeLong variance; NaN where a group
        lacks a class (the variance also where it has a single row of a class)."""
        rarer = 1 if 2 * np.count_nonzero(self.y) <= len(self.y) else 0
        return self.blocks(rarer).roc_auc()

    def average_precision(self):
        """(average precision, positives) per group; NaN where a group has no positive."""
        return self.blocks(1).average_precision()


class ClassBlocks:
    """The tie blocks that hold rows of class ``cls`` (1: positives, 0: negatives), by group then
    ascending score. Per block: its ``group``, its rows of the class (``own``) and of the other class
    (``other_tie``), and the rows of its group below and above it by class (``own_below``,
    ``own_above``, ``other_below``, ``other_above``). Per group: ``n_own`` and ``n_other``."""

    def __init__(self, cls, group, own, other_tie, below, above, n_own, n_other):
        self.cls, self.group, self.own, self.other_tie = cls, group, own, other_tie
        (self.own_below, self.other_below), (self.own_above, self.other_above) = below, above
        self.n_own, self.n_other = n_own, n_other

    @classmethod
    def of(cls, grouped, label):
        """The blocks of class ``label`` in a :class:`Grouped`, in a few passes whatever the number of
        groups: the runs of equal (group, score) are numbered along the rows, and the blocks are the
        runs that the class's rows fall in."""
        score, starts = grouped.score, grouped.starts
        n = len(score)
        rows = np.flatnonzero(grouped.y == label)
        new_run = np.ones(n, dtype=bool)  # a row whose score or group differs from the previous row's
        np.not_equal(score[1:], score[:-1], out=new_run[1:])
        new_run[starts[:-1][starts[:-1] < n]] = True
        run = np.cumsum(new_run, dtype=np.int64 if n > np.iinfo(np.int32).max else np.int32)
        del new_run
        runs = run[rows]  # the run of each row of the class, non-decreasing
        first_of_block = np.ones(len(rows), dtype=bool)  # a block's first row of the class
        np.not_equal(runs[1:], runs[:-1], out=first_of_block[1:])
        block = np.flatnonzero(first_of_block)
        own = np.diff(np.append(block, len(rows)))
        first = np.searchsorted(run, runs[block], "left")   # the block: rows first .. end - 1
        end = np.searchsorted(run, runs[block], "right")
        del run, runs
        group = np.searchsorted(starts, first, "right") - 1
        bounds = np.searchsorted(rows, starts)  # rows[bounds[g]:bounds[g + 1]]: the class's rows of group g
        n_own = np.diff(bounds)
        own_below, own_above = block - bounds[group], bounds[group + 1] - block - own
        return cls(label, group, own, end - first - own, (own_below, first - starts[group] - own_below),
                   (own_above, starts[group + 1] - end - own_above), n_own, np.diff(starts) - n_own)

    @classmethod
    def from_counts(cls, pos_in, neg_in, block_group, n_groups, label=None):
        """The blocks of class ``label`` (default: the rarer one) among blocks of both classes: the
        positives and negatives of each block of equal (group, score), sorted by group then ascending
        score (the streaming engines' score-grid bins, docs/scale.md)."""
        n_pos = np.bincount(block_group, weights=pos_in, minlength=n_groups)
        n_neg = np.bincount(block_group, weights=neg_in, minlength=n_groups)
        if label is None:
            label = 1 if n_pos.sum() <= n_neg.sum() else 0
        (own_in, n_own), (other_in, n_other) = ((pos_in, n_pos), (neg_in, n_neg))[::1 if label == 1 else -1]
        keep = np.flatnonzero(own_in)
        group, own, other_tie = block_group[keep], own_in[keep], other_in[keep]
        own_below = cumsum_before(own_in, block_group, n_groups)[keep]
        other_below = cumsum_before(other_in, block_group, n_groups)[keep]
        return cls(label, group, own, other_tie, (own_below, other_below),
                   (n_own[group] - own_below - own, n_other[group] - other_below - other_tie), n_own, n_other)

    def _sums(self, weights):
        return np.bincount(self.group, weights=weights, minlength=len(self.n_own))

    def roc_auc(self):
        """(auc, variance) per group, from DeLong's placements: v10 of a positive is the share of its
        group's negatives below it (tied ones ½), v01 of a negative the share of positives above it;
        the AUC is the mean v10 (computed as U / (n_pos n_neg)) and the variance
        s10 / n_pos + s01 / n_neg (sample variances)."""
        g, positives = self.group, self.cls == 1
        n_own, n_other = self.n_own.astype("float64"), self.n_other.astype("float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            # the class's rows, a block at a time: the other class's rows on the side a placement counts
            counted = (self.other_below if positives else self.other_above) + 0.5 * self.other_tie
            # the Mann–Whitney U, the pairs in order plus ½ per tied pair: half-integers, added exactly
            # (below 2**53), so the AUC is the correctly rounded U / (n_pos n_neg) from either class
            u = self._sums(self.own * counted)
            mine = counted / n_other[g]
            weighted = self.own * mine
            own_sums = self._sums(weighted), self._sums(weighted * mine)
            # the other class's rows: those tied with a block, and those between it and the previous
            # block of its group on the far side (positives: below it; negatives: above it)
            beyond = self.own_above if positives else self.own_below
            tied = (beyond + 0.5 * self.own) / n_own[g]
            between = (beyond + self.own) / n_own[g]
            far = self.other_below if positives else self.other_above
            gap = far.copy()
            same = g[1:] == g[:-1]
            if positives:
                gap[1:][same] -= (far[:-1] + self.other_tie[:-1])[same]
            else:
                gap[:-1][same] -= (far[1:] + self.other_tie[1:])[same]
            other_sums = (self._sums(self.other_tie * tied + gap * between),
                          self._sums(self.other_tie * tied * tied + gap * between * between))
            (pos1, pos2), (neg1, neg2) = (own_sums, other_sums) if positives else (other_sums, own_sums)
            n_pos, n_neg = (n_own, n_other) if positives else (n_other, n_own)
            auc = u / (n_pos * n_neg)
            s10 = (pos2 - n_pos * auc * auc) / (n_pos - 1.0)
            mean01 = neg1 / n_neg
            s01 = (neg2 - n_neg * mean01 * mean01) / (n_neg - 1.0)
            variance = np.maximum(s10, 0.0) / n_pos + np.maximum(s01, 0.0) / n_neg
        auc[~((n_pos > 0) & (n_neg > 0))] = np.nan
        variance[~((n_pos > 1) & (n_neg > 1))] = np.nan
        return auc, variance

    def average_precision(self):
        """(average precision, positives) per group: Σ (R_k − R_{k−1}) P_k over distinct score thresholds,
        i.e. each block's positives counted at the precision of the rows at or above its score. The
        blocks are added by descending score, as scikit-learn walks the thresholds."""
        if self.cls != 1:
            raise ValueError("average precision needs the blocks of the positives")
        at_or_above = self.own_above + self.own
        precision = at_or_above / (at_or_above + self.other_above + self.other_tie)
        n_pos = self.n_own.astype("float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            ap = np.bincount(self.group[::-1], weights=(self.own * precision)[::-1], minlength=len(n_pos)) / n_pos
        ap[~(n_pos > 0)] = np.nan
        return ap, n_pos


# -- streamed: (group, score-grid bin) blocks of both classes ---------------------------------

def cumsum_before(per_block, block_group, n_groups):
    """Per block, the sum of the values of the blocks before it in its group."""
    cumulative = np.cumsum(per_block)
    group_total = np.bincount(block_group, weights=per_block, minlength=n_groups)
    before_group = np.cumsum(group_total) - group_total
    return cumulative - before_group[block_group] - per_block

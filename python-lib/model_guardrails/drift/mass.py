"""The default drift decision (docs/drift.md, "The drift decision"): the probability mass that moved,
beyond sampling noise.

``total_variation`` = 1/2 sum |r_i / n_r - c_i / n_c| over the bins (numeric: the reference's
decile bins and the missing bin; categorical: the ``max_categories`` most frequent categories of
both sides together, one pooled bin, the missing bin). ``drift_mass`` = max(0, total_variation -
floor), the floor being what sampling alone reaches with probability at most ALPHA for these sample
sizes and bins (E + t below); ERROR above EFFECT. When the floor is at least 1 - EFFECT no total
variation (at most 1) can be flagged: drift_mass is then empty (too few rows to decide), never a
silent OK. Integer counts only, so every engine decides the same.
"""
import heapq
import math

import numpy as np
import pandas as pd

ALPHA = 0.001  # chance that identical distributions exceed the floor
EFFECT = 0.01  # share of the mass below which a drift is never flagged
# The version of the default decision, recorded on the rows it decided (contract.DECISION_RULE) and in saved
# reference profiles: rows or profiles of another rule are never mixed silently.
DECISION_RULE = "mass-1"


def noise_floor(ref_counts, cur_counts, alpha=ALPHA):
    """E + t: E = 1/2 sum sd_i, sd_i^2 = pi_i (1 - pi_i) (1/n_r + 1/n_c) N / (N - 1) the variance of
    r_i / n_r - c_i / n_c when the pooled rows are shared at random between the sides (pi: pooled
    shares; E bounds the mean total variation under that null, by Jensen); t = sqrt(ln(1/alpha)
    (1/n_r + 1/n_c) / 2), McDiarmid's deviation (one row moves the total variation by at most 1/n)."""
    r, c = np.asarray(ref_counts, "float64"), np.asarray(cur_counts, "float64")
    n_r, n_c = float(r.sum()), float(c.sum())
    total = n_r + n_c
    pooled = (r + c) / total
    spread = 1.0 / n_r + 1.0 / n_c
    expected = 0.5 * float(np.sqrt(pooled * (1 - pooled) * spread * total / max(total - 1.0, 1.0)).sum())
    return expected + math.sqrt(math.log(1.0 / alpha) * spread / 2)


def mass_values(ref_counts, cur_counts, note=""):
    """{"total_variation", "drift_mass"}: (value, reason) from two count vectors over the same bins."""
    r, c = np.asarray(ref_counts, "float64"), np.asarray(cur_counts, "float64")
    tv = 0.5 * float(np.abs(r / r.sum() - c / c.sum()).sum())
    floor = noise_floor(r, c)
    reason = "total variation {:.4g} minus the noise floor {:.4g} ({} bins; sampling alone exceeds it with " \
             "probability {:g})".format(tv, floor, len(r), ALPHA)
    if floor >= 1 - EFFECT:  # fail closed: no value of the total variation could reach ERROR
        return {"total_variation": (tv, note), "drift_mass": (None, "; ".join(p for p in (
            "too few rows to decide: noise floor {:.4g} >= {:g}, no drift of the mass can be flagged".format(
                floor, 1 - EFFECT), note) if p))}
    mass = max(0.0, tv - floor)
    return {"total_variation": (tv, note), "drift_mass": (mass, "; ".join(p for p in (reason, note) if p))}


def pooled_category_counts(ref_counts, cur_counts, ref_missing, cur_missing, max_categories):
    """Count vectors (reference, current) over the ``max_categories`` most frequent categories of
    both sides together (ties by name, as categorical.aligned_counts), one bin pooling the rest and
    the missing bin. Ranked on the pooled counts so that the bins do not depend on which side a row
    is on (the noise floor's null): ranked on a small reference alone, the categories it happened to
    draw are kept and the current's draws of the others all land in the pooled bin, a difference
    sampling alone makes. ``ref_counts`` / ``cur_counts``: Series category -> count (unique index).
    Vectorised: one factorize of both indexes, a partition for the top ones, only the ties at the
    cut-off compared by name."""
    codes, labels = pd.factorize(ref_counts.index.append(cur_counts.index))
    labels = np.asarray(labels, dtype=object)
    n_ref = len(ref_counts)
    sides = []
    for part, counts in ((codes[:n_ref], ref_counts), (codes[n_ref:], cur_counts)):
        side = np.zeros(len(labels))
        side[part] = counts.to_numpy("float64")
        sides.append(side)
    kept = top_ranked(labels, sides[0] + sides[1], max_categories)
    vectors = []
    for side, missing in zip(sides, (ref_missing, cur_missing)):
        values = side[kept]
        vectors.append(np.concatenate((values, [side.sum() - values.sum(), float(missing)])))
    return vectors[0], vectors[1]


def top_ranked(labels, counts, k):
    """Positions of the ``k`` largest ``counts``, most first, ties by label (a label's natural order,
    its text when labels of different types do not compare)."""
    n = len(counts)
    if k < n:
        cut = np.partition(counts, n - k)[n - k]  # the k-th largest count
        above = np.flatnonzero(counts > cut)
        ties = np.flatnonzero(counts == cut)
        wanted = k - len(above)
        if wanted < len(ties):
            tied = labels[ties].tolist()
            try:
                picked = heapq.nsmallest(wanted, range(len(tied)), key=tied.__getitem__)
            except TypeError:
                picked = heapq.nsmallest(wanted, range(len(tied)), key=lambda i: str(tied[i]))
            ties = ties[np.asarray(picked, dtype="int64")]
        chosen = np.concatenate((above, ties)).astype("int64")
    else:
        chosen = np.arange(n)
    return chosen[np.lexsort((_label_keys(labels[chosen]), -counts[chosen]))]


def _label_keys(labels):
    """An array sorting as the labels do (their text when labels of different types do not compare)."""
    keys = np.asarray(labels.tolist())
    if keys.dtype == object or len(keys) != len(labels) or keys.ndim != 1:
        keys = np.asarray([str(x) for x in labels])
    return keys

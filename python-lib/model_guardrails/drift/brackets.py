"""KS and Wasserstein from grid statistics: brackets that contain the exact values.

KS and Wasserstein compare whole distributions, so from the reference's grid (:func:`.profile.make_grid`)
they are bracketed, not exact (docs/scale.md): each function returns the interval that contains the
exact value, and the value the row reports.
"""
import numpy as np

from .profile import GRID_SUB_BINS


def _grid_cdfs(ref, cur):
    """Both empirical CDFs at the grid points, the bin widths between the outer extremes."""
    r = np.cumsum(ref.counts) / ref.n
    c = np.cumsum(cur.counts) / cur.n
    low, high = min(ref.low, cur.low), max(ref.high, cur.high)
    points = np.concatenate(([low], np.clip(ref.grid, low, high), [high]))
    return r, c, points


def _step_model(ref, cur):
    """Per grid bin: ends (a, b], each CDF before and after the bin, and the CDF gap on the three
    segments of the estimate that puts each side's values of the bin at their mean (exact when a
    bin holds one distinct value, as with rounded or coded data)."""
    r, c, points = _grid_cdfs(ref, cur)
    r0, c0 = np.concatenate(([0.0], r[:-1])), np.concatenate(([0.0], c[:-1]))
    a, b = points[:-1], points[1:]
    with np.errstate(invalid="ignore", divide="ignore"):
        mr = np.where(ref.counts > 0, ref.sums / np.maximum(ref.counts, 1), a)
        mc = np.where(cur.counts > 0, cur.sums / np.maximum(cur.counts, 1), a)
    mr, mc = np.clip(mr, a, b), np.clip(mc, a, b)
    p1, p2 = np.minimum(mr, mc), np.maximum(mr, mc)
    middle = np.where(mr < mc, r - c0, r0 - c)
    return dict(r=r, c=c, r0=r0, c0=c0, a=a, b=b, p1=p1, p2=p2, middle=middle)


def ks_bracket(ref, cur):
    """(lower, upper) of the exact KS statistic from grid counts: the CDF gap at the grid points is
    exact and is the lower bound (and the reported value); inside a bin each CDF stays between its
    values at the bin's ends, which gives the upper bound."""
    r, c, _ = _grid_cdfs(ref, cur)
    r0, c0 = np.concatenate(([0.0], r[:-1])), np.concatenate(([0.0], c[:-1]))
    lower = float(np.max(np.abs(r - c)))
    upper = float(max(lower, np.max(r - c0), np.max(c - r0)))
    return lower, upper


def wasserstein_bracket(ref, cur):
    """(lower, upper, estimate) of the Wasserstein-1 distance, the integral of |R(x) - C(x)| dx, from
    grid counts and sums. Per bin the signed integral of R - C is exact (from the value sums), so its
    absolute value is a lower bound of the bin's share, exact where the CDFs do not cross inside the
    bin; the width times the largest possible gap is an upper bound; the estimate integrates the
    step model."""
    m = _step_model(ref, cur)
    r, c, r0, c0, a, b = m["r"], m["c"], m["r0"], m["c0"], m["a"], m["b"]
    width = b - a
    with np.errstate(invalid="ignore"):
        # integral over (a, b] of F = b F(b) - a F(a) - (sum of values in the bin) / n
        signed = np.where(width > 0, (b * r - a * r0 - ref.sums / ref.n) - (b * c - a * c0 - cur.sums / cur.n), 0.0)
    exact_part = np.abs(signed)
    apart = (np.minimum(r0, r) >= np.maximum(c0, c)) | (np.minimum(c0, c) >= np.maximum(r0, r))
    worst = width * np.maximum(np.abs(r - c0), np.abs(c - r0))
    lower = float(np.sum(exact_part))
    upper = float(np.sum(np.where(apart, exact_part, np.maximum(worst, exact_part))))
    step = ((m["p1"] - a) * np.abs(r0 - c0) + (m["p2"] - m["p1"]) * np.abs(m["middle"])
            + (b - m["p2"]) * np.abs(r - c))
    estimate = float(np.sum(np.where(apart, exact_part, step)))
    return lower, upper, min(max(estimate, lower), upper)


def bracket_reason(name, low, high):
    """The reason of a bracketed row: the interval that holds the exact value."""
    return ("streaming estimate: the exact {} is in [{:.6g}, {:.6g}] (from {}-bin grid counts of the reference "
            "quantile bins)".format(name, low, high, GRID_SUB_BINS))

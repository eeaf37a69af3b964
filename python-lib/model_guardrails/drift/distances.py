"""Distances between two binned distributions given as proportion vectors over the same bins."""
import numpy as np


def floor_zeros(proportions, floor):
    """Replace empty bins by ``floor`` (no renormalisation), as DSS's PSI does with 0.001."""
    return np.where(proportions == 0, floor, proportions)


def psi(ref, cur):
    """Population stability index, natural log: sum (ref - cur) * ln(ref / cur).
    Both vectors must be free of zeros (see floor_zeros)."""
    return float(np.sum((ref - cur) * np.log(ref / cur)))


def kl_divergence(ref, cur):
    """KL(ref || cur), natural log. Both vectors must be free of zeros."""
    return float(np.sum(ref * np.log(ref / cur)))


def js_distance(ref, cur, base=2.0):
    """Jensen-Shannon distance sqrt(JSD) as scipy computes it (inputs normalised to sum to 1,
    zeros allowed); base 2 gives a value in [0, 1], base e (None) in [0, sqrt(ln 2)]. Written with
    scipy.spatial.distance.jensenshannon's operations in its order (importing scipy.spatial takes ~0.5 s)."""
    from scipy.special import rel_entr

    p, q = np.asarray(ref), np.asarray(cur)
    p = p / np.sum(p, axis=0, keepdims=True)
    q = q / np.sum(q, axis=0, keepdims=True)
    m = (p + q) / 2.0
    js = np.sum(rel_entr(p, m), axis=0) + np.sum(rel_entr(q, m), axis=0)
    if base is not None:
        js /= np.log(base)
    return float(np.sqrt(js / 2.0))


def hellinger(ref, cur):
    """Hellinger distance sqrt(1 - sum sqrt(p q)) on normalised vectors, in [0, 1]."""
    p = ref / ref.sum()
    q = cur / cur.sum()
    return float(np.sqrt(max(1.0 - np.sum(np.sqrt(p * q)), 0.0)))

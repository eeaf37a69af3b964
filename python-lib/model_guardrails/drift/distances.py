"""Distances between two binned distributions given as proportion vectors over the same bins."""
import numpy as np
from scipy.spatial.distance import jensenshannon


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
    zeros allowed); base 2 gives a value in [0, 1], base e (None) in [0, sqrt(ln 2)]."""
    return float(jensenshannon(ref, cur, base=base))


def hellinger(ref, cur):
    """Hellinger distance sqrt(1 - sum sqrt(p q)) on normalised vectors, in [0, 1]."""
    p = ref / ref.sum()
    q = cur / cur.sum()
    return float(np.sqrt(max(1.0 - np.sum(np.sqrt(p * q)), 0.0)))

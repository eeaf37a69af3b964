"""Confidence intervals shared by the fairness and performance engines.

All functions are vectorised: they take arrays (one entry per group or window) and return
``(low, high)`` arrays, with NaN wherever the interval is undefined (no observation, undefined
estimate). Every interval is two-sided at ``level`` (e.g. 0.95).

- :func:`wilson` — Wilson score interval for a proportion k/n (rates: TPR, selection rate, ...).
- :func:`normal` — estimate ± z·standard error, optionally clipped (means of per-row losses,
  ROC AUC with the DeLong variance).
- :func:`ratio_of_means` — delta-method interval for Σa/Σb (F1, R²).
- :func:`logit` — logit-normal interval for a quantity in (0, 1) with a given standard error on
  the logit scale (average precision, Boyd et al. 2013).
"""
import numpy as np


# ndtri(0.5 + level / 2) of the usual levels, as scipy.special computes them (a test checks each):
# the common runs need not import scipy.special (~0.3 s)
Z_OF_LEVEL = {0.8: 1.2815515655446004, 0.9: 1.6448536269514722, 0.95: 1.959963984540054,
              0.98: 2.3263478740408408, 0.99: 2.5758293035489004, 0.995: 2.807033768343811,
              0.999: 3.2905267314919255}


def z_value(level):
    """The two-sided standard-normal quantile for a confidence level in (0, 1): scipy.stats.norm.ppf,
    which is scipy.special.ndtri (scipy.stats takes ~1 s to import)."""
    if level in Z_OF_LEVEL:
        return Z_OF_LEVEL[level]
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2.0))


def _as_float(values):
    return np.atleast_1d(np.asarray(values, dtype="float64"))


def wilson(successes, trials, level):
    """Wilson score interval of successes/trials; NaN where trials is 0."""
    k, n = _as_float(successes), _as_float(trials)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low, high = centre - half, centre + half
    undefined = ~(n > 0)
    low[undefined] = np.nan
    high[undefined] = np.nan
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def normal(estimate, standard_error, level, lower=None, upper=None):
    """estimate ± z·standard_error, clipped to [lower, upper] when given."""
    estimate, se = _as_float(estimate), _as_float(standard_error)
    z = z_value(level)
    low, high = estimate - z * se, estimate + z * se
    if lower is not None or upper is not None:
        low, high = np.clip(low, lower, upper), np.clip(high, lower, upper)
    return low, high


def mean_standard_error(total, total_of_squares, count):
    """Standard error of a mean from Σx, Σx² and n (sample variance, ddof 1); NaN when n < 2."""
    s, ss, n = _as_float(total), _as_float(total_of_squares), _as_float(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = (ss - s * s / n) / (n - 1.0)
        se = np.sqrt(np.maximum(variance, 0.0) / n)
    se[~(n > 1)] = np.nan
    return se


def ratio_of_means(sum_a, sum_b, sum_aa, sum_bb, sum_ab, count, level):
    """Delta-method interval for R = Σa / Σb from per-row pairs (a_i, b_i) summarised by their
    sums, sums of squares and cross products. Returns (estimate, low, high)."""
    sa, sb = _as_float(sum_a), _as_float(sum_b)
    saa, sbb, sab, n = _as_float(sum_aa), _as_float(sum_bb), _as_float(sum_ab), _as_float(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        ma, mb = sa / n, sb / n
        var_a = (saa - n * ma * ma) / (n - 1.0)
        var_b = (sbb - n * mb * mb) / (n - 1.0)
        cov_ab = (sab - n * ma * mb) / (n - 1.0)
        ratio = sa / sb
        variance = (var_a - 2.0 * ratio * cov_ab + ratio * ratio * var_b) / (n * mb * mb)
        se = np.sqrt(np.maximum(variance, 0.0))
    low, high = normal(ratio, se, level)
    undefined = ~(n > 1) | ~np.isfinite(ratio)
    low[undefined] = np.nan
    high[undefined] = np.nan
    return ratio, low, high


def logit(estimate, logit_standard_error, level):
    """Interval expit(logit(p) ± z·se) for p in (0, 1); NaN at p = 0 or 1 or undefined se."""
    p, se = _as_float(estimate), _as_float(logit_standard_error)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(p / (1.0 - p))
        low = 1.0 / (1.0 + np.exp(-(centre - z * se)))
        high = 1.0 / (1.0 + np.exp(-(centre + z * se)))
    undefined = ~((p > 0) & (p < 1) & np.isfinite(se))
    low[undefined] = np.nan
    high[undefined] = np.nan
    return low, high

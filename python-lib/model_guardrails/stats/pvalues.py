"""P-values equal to scipy.stats' without importing scipy.stats (~1 s), from ``scipy.special`` alone
(imported when first needed). What only scipy.stats computes falls back to it, imported then.

- :func:`chi2_independence`: scipy.stats.chi2_contingency (Yates' correction on 2 x 2 tables).
- :func:`kstwo_sf`: scipy.stats.kstwo.sf, the asymptotic two-sample KS p-value of ks_2samp above
  its exact range. The branches of scipy's ``_ksstats._kolmogn`` that a large sample takes are
  written here with scipy's operations in scipy's order (``2 * smirnov(n, x)`` and the Pelz-Good
  approximation, from scipy/stats/_ksstats.py, BSD-3-Clause, scipy 1.9-1.17); the others (n <= 140,
  n x <= 1, the Durbin matrix for n <= 100000 and small n x^1.5) call scipy.stats.kstwo.
"""
import numpy as np

_SQRT2PI = np.sqrt(2 * np.pi)
_SQRT3 = np.sqrt(3)
_MIN_LOG = -708
_PI_SQUARED = np.pi ** 2
_PI_FOUR = np.pi ** 4
_PI_SIX = np.pi ** 6


def chi2_independence(observed):
    """(statistic, p-value) of the chi-square test of independence of a two-way table of counts
    with no empty row or column, as scipy.stats.chi2_contingency(observed) (correction=True)."""
    from scipy.special import chdtrc

    observed = np.asarray(observed)
    table = np.asarray(observed, dtype=np.float64)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum() ** (table.ndim - 1)
    dof = expected.size - sum(expected.shape) + expected.ndim - 1
    if dof == 0:
        return 0.0, 1.0
    if dof == 1:  # Yates' correction for continuity, no bigger than the difference (scipy gh-13875)
        diff = expected - observed
        observed = observed + np.minimum(0.5, np.abs(diff)) * np.sign(diff)
    f_obs = np.asarray(observed, dtype=np.float64).ravel()
    terms = (f_obs - expected.ravel()) ** 2 / expected.ravel()
    statistic = np.sum(terms)
    return float(statistic), float(chdtrc(np.float64(dof), statistic))


def kstwo_sf(x, n):
    """P(D_n >= x) of the two-sided one-sample KS statistic, as scipy.stats.kstwo.sf(x, n) (n whole)."""
    n = int(n)
    if x >= 1.0:
        return 0.0
    if x <= 0.5 / n:
        return 1.0
    t = n * x
    nxsquared = t * x
    if t <= 1.0 or n <= 140 or (x < 0.5 and nxsquared < 2.2 and n <= 100000 and n * x ** 1.5 <= 1.4):
        from scipy import stats  # the branches not written here

        return float(stats.kstwo.sf(x, n))
    if t >= n - 1:
        return float(np.clip(2 * (1.0 - x) ** n, 0.0, 1.0))
    if x >= 0.5 or nxsquared >= 2.2:
        if x < 0.5 and nxsquared >= 370.0:
            return 0.0
        from scipy.special import smirnov

        return float(np.clip(2 * smirnov(n, x), 0.0, 1.0))
    return float(np.clip(1.0 - _pelz_good_cdf(n, x), 0.0, 1.0))


def _pelz_good_cdf(n, x):
    """The Pelz-Good approximation of P(D_n <= x), 0 < x < 1 (scipy's _kolmogn_PelzGood, cdf=True)."""
    z = np.sqrt(n) * x
    zsquared, zthree, zfour, zsix = z**2, z**3, z**4, z**6
    qlog = -_PI_SQUARED / 8 / zsquared
    if qlog < _MIN_LOG:
        return 0.0
    q = np.exp(qlog)
    k1a = -zsquared
    k1b = _PI_SQUARED / 4
    k2a = 6 * zsix + 2 * zfour
    k2b = (2 * zfour - 5 * zsquared) * _PI_SQUARED / 4
    k2c = _PI_FOUR * (1 - 2 * zsquared) / 16
    k3d = _PI_SIX * (5 - 30 * zsquared) / 64
    k3c = _PI_FOUR * (-60 * zsquared + 212 * zfour) / 16
    k3b = _PI_SQUARED * (135 * zfour - 96 * zsix) / 4
    k3a = -30 * zsix - 90 * z**8
    terms = np.zeros(4)
    maxk = int(np.ceil(16 * z / np.pi))
    for k in range(maxk, 0, -1):  # Horner scheme over the odd integers
        m = 2 * k - 1
        msquared, mfour, msix = m**2, m**4, m**6
        qpower = np.power(q, 8 * k)
        coeffs = np.array([1.0, k1a + k1b * msquared, k2a + k2b * msquared + k2c * mfour,
                           k3a + k3b * msquared + k3c * mfour + k3d * msix])
        terms *= qpower
        terms += coeffs
    terms *= q
    terms *= _SQRT2PI
    terms /= np.array([z, 6 * zfour, 72 * z**7, 6480 * z**10])
    q = np.exp(-_PI_SQUARED / 2 / zsquared)
    ks = np.arange(maxk, 0, -1)
    ksquared = ks ** 2
    sqrt3z = _SQRT3 * z
    kspi = np.pi * ks
    qpowers = q ** ksquared
    k2extra = np.sum(ksquared * qpowers)
    k2extra *= _PI_SQUARED * _SQRT2PI / (-36 * zthree)
    terms[2] += k2extra
    k3extra = np.sum((sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpowers)
    k3extra *= _PI_SQUARED * _SQRT2PI / (216 * zsix)
    terms[3] += k3extra
    terms /= np.power(n * 1.0, np.arange(len(terms)) / 2.0)
    return sum(terms)

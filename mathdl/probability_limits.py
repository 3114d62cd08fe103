"""Chapter "Probability and statistics for deep learning" — limit theorems and inequalities.

The law of large numbers (running means), the central limit theorem (standardised means and their Kolmogorov
distance to the standard normal), Jensen's inequality for a finite distribution, and Hoeffding's inequality with
the sample size it implies. The claim ids are declared in :data:`mathdl.probability.CLAIMS`.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.special import ndtr

from mathdl.validate import real_array as _real

__all__ = [
    "chebyshev_bound",
    "clt_ks_distances",
    "hoeffding_bound",
    "hoeffding_sample_size",
    "jensen_gap",
    "ks_distance_to_normal",
    "running_mean",
    "standardized_means",
    "tail_frequency",
]


def _positive(value: object, name: str, func: str) -> float:
    arr = _real(value, name, func)
    if arr.ndim != 0 or not float(arr) > 0:
        raise ValueError(f"{func}: {name} must be a positive scalar; got {value!r}.")
    return float(arr)


def _count(n: object, name: str, func: str) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{func}: {name} must be an integer >= 1; got {n!r}.")
    return int(n)


# ------------------------------------------------------------------------------------ law of large numbers

def running_mean(x: np.ndarray) -> np.ndarray:
    r"""The running means :math:`\bar x_k = \frac1k\sum_{i\le k} x_i`, :math:`k = 1, \dots, n`.

    Parameters
    ----------
    x : ndarray, shape (n,)

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    Book: Probability, "The law of large numbers" (claim ``probability.law-of-large-numbers``).

    Examples
    --------
    >>> running_mean(np.array([1.0, 3.0, 2.0]))
    array([1., 2., 2.])
    """
    x = _real(x, "x", "running_mean")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"running_mean: x must be a non-empty 1-D array; got shape {x.shape}. Use x.ravel().")
    return np.cumsum(x) / np.arange(1, x.size + 1)


def chebyshev_bound(n: int, t: float, variance: float) -> float:
    r"""Chebyshev's bound on the mean of ``n`` draws, :math:`P(|\bar x_n - \mu|\ge t) \le \sigma^2/(n t^2)`.

    Parameters
    ----------
    n : int >= 1
    t : float > 0
    variance : float > 0

    Returns
    -------
    float (may exceed 1, when the bound says nothing)

    References
    ----------
    Book: Probability, "The law of large numbers" (claim ``probability.law-of-large-numbers``).

    Examples
    --------
    >>> chebyshev_bound(100, 0.1, 1.0)
    1.0
    """
    n = _count(n, "n", "chebyshev_bound")
    t = _positive(t, "t", "chebyshev_bound")
    variance = _positive(variance, "variance", "chebyshev_bound")
    return variance / (n * t * t)


def tail_frequency(means: np.ndarray, mu: float, t: float) -> float:
    r"""Fraction of the sample means that miss :math:`\mu` by at least ``t``: :math:`\frac1m\#\{|\bar x - \mu|\ge t\}`.

    Parameters
    ----------
    means : ndarray, shape (m,)
    mu : float
    t : float > 0

    Returns
    -------
    float in [0, 1]

    References
    ----------
    Book: Probability, "Concentration: Hoeffding's inequality" (claims ``probability.hoeffding``,
    ``probability.law-of-large-numbers``).

    Examples
    --------
    >>> tail_frequency(np.array([0.0, 0.5, 1.0, 0.45]), 0.5, 0.2)
    0.5
    """
    means = _real(means, "means", "tail_frequency")
    if means.ndim != 1 or means.size == 0:
        raise ValueError(f"tail_frequency: means must be a non-empty 1-D array; got shape {means.shape}.")
    mu = float(_real(mu, "mu", "tail_frequency"))
    t = _positive(t, "t", "tail_frequency")
    return float(np.mean(np.abs(means - mu) >= t))


# ---------------------------------------------------------------------------------- central limit theorem

def standardized_means(draws: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    r"""Standardised means :math:`\sqrt n(\bar x - \mu)/\sigma`, one per row of ``draws``.

    Parameters
    ----------
    draws : ndarray, shape (trials, n)
    mu : float
        The mean of one draw.
    sigma : float > 0
        The standard deviation of one draw.

    Returns
    -------
    ndarray, shape (trials,)

    References
    ----------
    Book: Probability, "The central limit theorem" (claim ``probability.central-limit``).

    Examples
    --------
    >>> standardized_means(np.array([[1.0, 3.0], [2.0, 2.0]]), 2.0, 1.0)
    array([0., 0.])
    """
    draws = _real(draws, "draws", "standardized_means")
    if draws.ndim != 2 or draws.size == 0:
        raise ValueError(f"standardized_means: draws must be 2-D (trials, n); got shape {draws.shape}.")
    mu = float(_real(mu, "mu", "standardized_means"))
    sigma = _positive(sigma, "sigma", "standardized_means")
    return math.sqrt(draws.shape[1]) * (draws.mean(axis=1) - mu) / sigma


def ks_distance_to_normal(z: np.ndarray) -> float:
    r"""Kolmogorov distance :math:`\sup_x |F_m(x) - \Phi(x)|` of the empirical CDF of ``z`` to the standard normal.

    Parameters
    ----------
    z : ndarray, shape (m,)

    Returns
    -------
    float in [0, 1]

    Notes
    -----
    With :math:`z_{(1)}\le\dots\le z_{(m)}`: :math:`\max_i \max\big(i/m - \Phi(z_{(i)}),\ \Phi(z_{(i)}) - (i-1)/m\big)`.

    References
    ----------
    Book: Probability, "The central limit theorem" (claim ``probability.central-limit``).

    Examples
    --------
    >>> round(ks_distance_to_normal(np.array([0.0])), 6)
    0.5
    """
    z = _real(z, "z", "ks_distance_to_normal")
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"ks_distance_to_normal: z must be a non-empty 1-D array; got shape {z.shape}.")
    cdf = ndtr(np.sort(z))
    m = z.size
    upper = np.arange(1, m + 1) / m - cdf
    lower = cdf - np.arange(0, m) / m
    return float(max(upper.max(), lower.max()))


def clt_ks_distances(ns: np.ndarray, trials: int, seed: int = 0) -> np.ndarray:
    r"""Kolmogorov distance to :math:`\Phi` of ``trials`` standardised means of ``n`` Exponential(1) draws, per n.

    Parameters
    ----------
    ns : ndarray of int, shape (k,)
        Sample sizes.
    trials : int >= 1
    seed : int

    Returns
    -------
    ndarray, shape (k,)

    Notes
    -----
    The exponential (mean 1, standard deviation 1, skewness 2) is drawn by the inverse CDF
    :math:`-\log(1-u)`; the Berry–Esseen theorem bounds the distance by :math:`C\rho/\sqrt n`.

    References
    ----------
    Book: Probability, "The central limit theorem" (claim ``probability.central-limit``).

    Examples
    --------
    >>> clt_ks_distances(np.array([1, 64]), 20_000, seed=0).round(2)
    array([0.16, 0.02])
    """
    ns = np.asarray(ns)
    if ns.ndim != 1 or ns.size == 0 or not np.issubdtype(ns.dtype, np.integer) or np.any(ns < 1):
        raise ValueError(f"clt_ks_distances: ns must be a non-empty 1-D array of integers >= 1; got {ns!r}.")
    trials = _count(trials, "trials", "clt_ks_distances")
    rng = np.random.default_rng(seed)
    out = []
    for n in ns:
        draws = -np.log1p(-rng.random((trials, int(n))))
        out.append(ks_distance_to_normal(standardized_means(draws, 1.0, 1.0)))
    return np.array(out)


# ------------------------------------------------------------------------------------ Jensen and Hoeffding

def jensen_gap(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, p: np.ndarray) -> float:
    r"""Jensen gap :math:`\sum_i p_i f(x_i) - f\big(\sum_i p_i x_i\big)` of a finite distribution.

    Parameters
    ----------
    f : callable, entrywise
    x : ndarray, shape (n,)
        The support points.
    p : ndarray, shape (n,)
        Probabilities (non-negative, summing to 1).

    Returns
    -------
    float; ``>= 0`` for convex ``f``, ``<= 0`` for concave ``f``

    References
    ----------
    Book: Probability, "Jensen's inequality" (claim ``probability.jensen``).

    Examples
    --------
    >>> jensen_gap(np.square, np.array([0.0, 2.0]), np.array([0.5, 0.5]))
    1.0
    """
    if not callable(f):
        raise TypeError(f"jensen_gap: f must be callable; got {type(f).__name__}.")
    x = _real(x, "x", "jensen_gap")
    p = _real(p, "p", "jensen_gap")
    if x.ndim != 1 or p.shape != x.shape:
        raise ValueError(f"jensen_gap: x and p must be 1-D of one shape; got {x.shape} and {p.shape}.")
    if np.any(p < 0) or abs(float(p.sum()) - 1.0) > 1e-9:
        raise ValueError(f"jensen_gap: p must be non-negative and sum to 1; got sum {float(p.sum())!r}. "
                         "Normalise with p / p.sum().")
    return float(np.dot(p, np.asarray(f(x), dtype=float)) - float(f(np.dot(p, x))))


def hoeffding_bound(n: int, t: float, a: float = 0.0, b: float = 1.0) -> float:
    r"""Hoeffding's bound :math:`P(|\bar x_n - \mu| \ge t) \le 2\exp\!\big(-2nt^2/(b-a)^2\big)` for draws in [a, b].

    Parameters
    ----------
    n : int >= 1
    t : float > 0
    a, b : float, a < b
        The range of one draw.

    Returns
    -------
    float

    References
    ----------
    Book: Probability, "Concentration: Hoeffding's inequality" (claim ``probability.hoeffding``).

    Examples
    --------
    >>> round(hoeffding_bound(100, 0.1), 6)
    0.270671
    """
    n = _count(n, "n", "hoeffding_bound")
    t = _positive(t, "t", "hoeffding_bound")
    if not float(b) > float(a):
        raise ValueError(f"hoeffding_bound: need a < b (the range of a draw); got a={a!r}, b={b!r}.")
    return 2.0 * math.exp(-2.0 * n * t * t / (float(b) - float(a)) ** 2)


def hoeffding_sample_size(t: float, delta: float, a: float = 0.0, b: float = 1.0) -> int:
    r"""Hoeffding's sample size :math:`\lceil (b-a)^2\log(2/\delta)/2t^2\rceil` (accuracy t, confidence 1 - delta).

    Parameters
    ----------
    t : float > 0
    delta : float in (0, 1)
    a, b : float, a < b

    Returns
    -------
    int

    References
    ----------
    Book: Probability, "Concentration: Hoeffding's inequality" (claim ``probability.hoeffding``).

    Examples
    --------
    >>> hoeffding_sample_size(0.01, 0.05)
    18445
    """
    t = _positive(t, "t", "hoeffding_sample_size")
    delta = _positive(delta, "delta", "hoeffding_sample_size")
    if not delta < 1:
        raise ValueError(f"hoeffding_sample_size: delta must be in (0, 1); got {delta!r}.")
    if not float(b) > float(a):
        raise ValueError(f"hoeffding_sample_size: need a < b; got a={a!r}, b={b!r}.")
    return math.ceil((float(b) - float(a)) ** 2 * math.log(2.0 / delta) / (2.0 * t * t))

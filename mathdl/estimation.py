r"""Part of the "Probability and statistics" chapter: estimators — maximum likelihood and the unbiased variance,
MAP estimation (priors are penalties; the MAP weights are the ridge solution), the Bayesian linear posterior and
its evidence, and Monte Carlo estimates with their n^(-1/2) rate.

Rows are examples: a sample ``x`` has shape (n,); a linear-regression design ``X`` has shape (n, d) with weights
``w`` of shape (d,) and targets ``y`` of shape (n,). The densities and likelihoods these estimators are built from
are in :mod:`mathdl.probability`, which also declares the chapter's claim ids (``probability.*``) in
:data:`mathdl.probability.CLAIMS`; every function here is checked in ``book/probability.ipynb`` and
``tests/test_estimation.py``.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mathdl.probability import (
    _ndim,
    _positive,
    gaussian_log_density,
    gaussian_log_likelihood,
    laplace_log_density,
    mvn_log_density,
)

__all__ = [
    "bayesian_linear_posterior",
    "linear_log_evidence",
    "log_trapezoid",
    "loglog_slope",
    "map_linear_gaussian",
    "map_penalty_strength",
    "mle_gaussian",
    "monte_carlo_mean",
    "monte_carlo_rmse",
    "neg_log_posterior_linear",
    "neg_log_posterior_linear_grad",
    "ridge_solution",
    "sample_variance_estimates",
    "unbiased_variance",
]


# ------------------------------------------------------------------------------------------ validation

def _sample(x: object, name: str, func: str, minimum: int) -> np.ndarray:
    arr = _ndim(x, name, func, 1, f"Use {name}.ravel() to pool all entries.")
    if arr.size < minimum:
        raise ValueError(f"{func}: {name} needs at least {minimum} values; got {arr.size}.")
    return arr


# -------------------------------------------------------------------------------------- estimators

def mle_gaussian(x: np.ndarray) -> tuple[float, float]:
    r"""Maximum-likelihood mean and variance of a Gaussian sample.

    Parameters
    ----------
    x : ndarray, shape (n,)

    Returns
    -------
    mean : float
        :math:`\hat\mu = \frac1n\sum_i x_i`.
    variance : float
        :math:`\hat\sigma^2 = \frac1n\sum_i (x_i-\hat\mu)^2`, biased low by the factor (n-1)/n.

    References
    ----------
    Book: Probability, "Maximum likelihood" (claims ``probability.mle-gaussian-mean``,
    ``probability.mle-gaussian-variance``, ``probability.mle-variance-bias``).

    Examples
    --------
    >>> mle_gaussian(np.array([1.0, 2.0, 3.0, 6.0]))
    (3.0, 3.5)
    """
    x = _sample(x, "x", "mle_gaussian", 1)
    mean = float(np.mean(x))
    return mean, float(np.mean((x - mean) ** 2))


def unbiased_variance(x: np.ndarray) -> float:
    r"""The bias-corrected variance :math:`s^2 = \frac{1}{n-1}\sum_i (x_i - \bar x)^2 = \frac{n}{n-1}\hat\sigma^2`.

    Parameters
    ----------
    x : ndarray, shape (n,), n >= 2

    Returns
    -------
    float

    References
    ----------
    Book: Probability, "The bias of the MLE variance" (claims ``probability.mle-variance-bias``,
    ``probability.variance-identity``).

    Examples
    --------
    >>> unbiased_variance(np.array([1.0, 2.0, 3.0, 6.0]))
    4.666666666666667
    """
    x = _sample(x, "x", "unbiased_variance", 2)
    return float(np.sum((x - np.mean(x)) ** 2) / (x.size - 1))


def sample_variance_estimates(n: int, trials: int, mu: float = 0.0, sigma: float = 1.0, seed: int = 0
                              ) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw ``trials`` Gaussian samples of size ``n``; return each one's MLE and unbiased variance.

    Returns
    -------
    mle, unbiased : ndarray, shape (trials,)
        Their means estimate :math:`\frac{n-1}{n}\sigma^2` and :math:`\sigma^2`.

    References
    ----------
    Book: Probability, "The bias of the MLE variance" (claim ``probability.mle-variance-bias``).
    """
    func = "sample_variance_estimates"
    for name, value, low in (("n", n, 2), ("trials", trials, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{func}: {name} must be an int >= {low}; got {value!r}.")
    sigma = _positive(sigma, "sigma", func, "the standard deviation")
    x = float(_ndim(mu, "mu", func, 0)) + sigma * np.random.default_rng(seed).standard_normal((trials, n))
    squares = np.sum((x - x.mean(axis=1, keepdims=True)) ** 2, axis=1)
    return squares / n, squares / (n - 1)


# --------------------------------------------------------------------------------------------- MAP

def _linear(w: object, X: object, y: object, func: str) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    X = _ndim(X, "X", func, 2, "Use X[:, None] for one feature.")
    y = _ndim(y, "y", func, 1, "Targets are one number per example; use y.ravel() for an (n, 1) column.")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{func}: y must have shape ({X.shape[0]},), one target per row of X; got {y.shape}.")
    if w is None:
        return None, X, y
    w = _ndim(w, "w", func, 1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"{func}: w must have shape ({X.shape[1]},), one weight per column of X; got {w.shape}.")
    return w, X, y


_PRIORS = ("gaussian", "laplace")


def _prior(prior: object, func: str) -> str:
    if prior not in _PRIORS:
        raise ValueError(f"{func}: prior must be one of {_PRIORS}; got {prior!r}.")
    return str(prior)


def neg_log_posterior_linear(w: np.ndarray, X: np.ndarray, y: np.ndarray, sigma: float,
                             prior: str = "gaussian", scale: float = 1.0) -> float:
    r"""Unnormalised negative log-posterior of linear-regression weights, built from the log-densities.

    Parameters
    ----------
    w : ndarray, shape (d,)
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    sigma : float > 0
        Noise standard deviation: :math:`y_i \sim \mathcal N(x_i^\top w, \sigma^2)`.
    prior : {"gaussian", "laplace"}
        Each weight independently :math:`\mathcal N(0, \tau^2)` or :math:`\mathrm{Lap}(0, b)`.
    scale : float > 0
        :math:`\tau` or :math:`b`.

    Returns
    -------
    float
        :math:`-\sum_i \log\mathcal N(y_i; x_i^\top w, \sigma^2) - \sum_j \log p(w_j)`, which equals
        :math:`\frac{1}{\sigma^2}\big(\tfrac12\lVert y-Xw\rVert^2 + \lambda R(w)\big) + \text{const}` with
        :math:`R = \tfrac12\lVert w\rVert_2^2` or :math:`\lVert w\rVert_1` and :math:`\lambda` from
        :func:`map_penalty_strength`.

    References
    ----------
    Book: Probability, "MAP estimation" (claims ``probability.map-gaussian-is-l2``, ``probability.map-laplace-is-l1``).
    """
    func = "neg_log_posterior_linear"
    w, X, y = _linear(w, X, y, func)
    sigma = _positive(sigma, "sigma", func, "the noise standard deviation")
    scale = _positive(scale, "scale", func, "the prior scale")
    log_prior = (gaussian_log_density if _prior(prior, func) == "gaussian" else laplace_log_density)(w, 0.0, scale)
    return -gaussian_log_likelihood(y, X @ w, sigma) - float(np.sum(log_prior))


def neg_log_posterior_linear_grad(w: np.ndarray, X: np.ndarray, y: np.ndarray, sigma: float,
                                  prior: str = "gaussian", scale: float = 1.0) -> np.ndarray:
    r"""Gradient of :func:`neg_log_posterior_linear` in ``w``.

    Returns
    -------
    ndarray, shape (d,)
        :math:`-X^\top(y - Xw)/\sigma^2 + w/\tau^2` (Gaussian) or :math:`+\operatorname{sign}(w)/b` (Laplace;
        at :math:`w_j = 0` the subgradient 0 is returned).

    References
    ----------
    Book: Probability, "MAP estimation" (claims ``probability.map-gaussian-is-l2``, ``probability.map-laplace-is-l1``).
    """
    func = "neg_log_posterior_linear_grad"
    w, X, y = _linear(w, X, y, func)
    sigma = _positive(sigma, "sigma", func, "the noise standard deviation")
    scale = _positive(scale, "scale", func, "the prior scale")
    data = -X.T @ (y - X @ w) / sigma**2
    return data + (w / scale**2 if _prior(prior, func) == "gaussian" else np.sign(w) / scale)


def map_penalty_strength(sigma: float, scale: float, prior: str = "gaussian") -> float:
    r"""The regularisation strength a prior implies: :math:`\lambda = \sigma^2/\tau^2` (Gaussian) or
    :math:`\sigma^2/b` (Laplace).

    References
    ----------
    Book: Probability, "MAP estimation" (claims ``probability.map-gaussian-is-l2``, ``probability.map-laplace-is-l1``).

    Examples
    --------
    >>> map_penalty_strength(0.5, 2.0)
    0.0625
    """
    func = "map_penalty_strength"
    sigma = _positive(sigma, "sigma", func, "the noise standard deviation")
    scale = _positive(scale, "scale", func, "the prior scale")
    return sigma**2 / scale**2 if _prior(prior, func) == "gaussian" else sigma**2 / scale


def ridge_solution(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    r"""The minimiser of :math:`\tfrac12\lVert y - Xw\rVert^2 + \tfrac\lambda2\lVert w\rVert^2`:
    :math:`(X^\top X+\lambda I)^{-1}X^\top y`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float > 0

    Returns
    -------
    ndarray, shape (d,)
        Solved with a Cholesky factorisation of :math:`X^\top X + \lambda I` (positive definite for
        :math:`\lambda > 0`), not an explicit inverse.

    References
    ----------
    Book: Probability, "MAP estimation" (claim ``probability.map-ridge``).
    """
    _, X, y = _linear(None, X, y, "ridge_solution")
    lam = _positive(lam, "lam", "ridge_solution", "the penalty strength")
    L = np.linalg.cholesky(X.T @ X + lam * np.eye(X.shape[1]))
    return np.linalg.solve(L.T, np.linalg.solve(L, X.T @ y))


def map_linear_gaussian(X: np.ndarray, y: np.ndarray, sigma: float, tau: float) -> np.ndarray:
    r"""MAP weights under :math:`w\sim\mathcal N(0,\tau^2 I)`, computed by conditioning the joint Gaussian of (w, y).

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    sigma, tau : float > 0

    Returns
    -------
    ndarray, shape (d,)
        :math:`\mathbb E[w\mid y] = \tau^2 X^\top(\tau^2XX^\top + \sigma^2 I_n)^{-1} y` — an (n, n) solve, a
        different route to the same vector as :func:`ridge_solution` with :math:`\lambda=\sigma^2/\tau^2`
        (the posterior is Gaussian, so its mode is its mean).

    References
    ----------
    Book: Probability, "MAP estimation" (claim ``probability.map-ridge``).
    """
    _, X, y = _linear(None, X, y, "map_linear_gaussian")
    sigma = _positive(sigma, "sigma", "map_linear_gaussian", "the noise standard deviation")
    tau = _positive(tau, "tau", "map_linear_gaussian", "the prior standard deviation")
    K = tau**2 * X @ X.T + sigma**2 * np.eye(X.shape[0])
    return tau**2 * X.T @ np.linalg.solve(K, y)


def bayesian_linear_posterior(X: np.ndarray, y: np.ndarray, sigma: float, tau: float
                              ) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact posterior :math:`p(w\mid X, y) = \mathcal N(m, S)` of Bayesian linear regression.

    Returns
    -------
    m : ndarray, shape (d,)
        :math:`S X^\top y / \sigma^2`.
    S : ndarray, shape (d, d)
        :math:`(X^\top X/\sigma^2 + I/\tau^2)^{-1}`.

    References
    ----------
    Book: Probability, "Bayesian neural networks" (claim ``probability.map-ridge``).
    """
    _, X, y = _linear(None, X, y, "bayesian_linear_posterior")
    sigma = _positive(sigma, "sigma", "bayesian_linear_posterior", "the noise standard deviation")
    tau = _positive(tau, "tau", "bayesian_linear_posterior", "the prior standard deviation")
    S = np.linalg.inv(X.T @ X / sigma**2 + np.eye(X.shape[1]) / tau**2)
    S = 0.5 * (S + S.T)
    return S @ X.T @ y / sigma**2, S


def linear_log_evidence(X: np.ndarray, y: np.ndarray, sigma: float, tau: float) -> float:
    r"""Log-evidence :math:`\log p(y\mid X) = \log\mathcal N(y; 0, \sigma^2 I + \tau^2 XX^\top)` of Bayesian linear
    regression.

    References
    ----------
    Book: Probability, "Bayesian neural networks" (claim ``probability.linear-evidence``).
    """
    _, X, y = _linear(None, X, y, "linear_log_evidence")
    sigma = _positive(sigma, "sigma", "linear_log_evidence", "the noise standard deviation")
    tau = _positive(tau, "tau", "linear_log_evidence", "the prior standard deviation")
    cov = sigma**2 * np.eye(X.shape[0]) + tau**2 * X @ X.T
    return float(mvn_log_density(y[None, :], np.zeros(X.shape[0]), 0.5 * (cov + cov.T))[0])


def log_trapezoid(log_values: np.ndarray, grid: np.ndarray) -> float:
    r""":math:`\log\int e^{f(w)}\,dw` by the trapezoid rule on ``grid``, shifted by :math:`\max f` so nothing overflows.

    Parameters
    ----------
    log_values : ndarray, shape (g,)
        :math:`f` at the grid points.
    grid : ndarray, shape (g,)
        Increasing.

    References
    ----------
    Book: Probability, "Bayesian neural networks" (claim ``probability.linear-evidence``).
    """
    f = _ndim(log_values, "log_values", "log_trapezoid", 1)
    grid = _ndim(grid, "grid", "log_trapezoid", 1)
    if grid.shape != f.shape or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError(f"log_trapezoid: grid must be increasing with log_values' shape {f.shape} (>= 2 points); "
                         f"got shape {grid.shape}.")
    top = float(f.max())
    e = np.exp(f - top)
    return top + math.log(float(np.sum(0.5 * (e[1:] + e[:-1]) * np.diff(grid))))


# ------------------------------------------------------------------------------------- Monte Carlo

def monte_carlo_mean(values: np.ndarray) -> tuple[float, float]:
    r"""Monte Carlo estimate of :math:`\mathbb E[f]` from draws :math:`f_i`, with its standard error.

    Parameters
    ----------
    values : ndarray, shape (n,), n >= 2

    Returns
    -------
    estimate : float
        :math:`\bar f = \frac1n\sum_i f_i`.
    standard_error : float
        :math:`s/\sqrt n`, with :math:`s^2` the unbiased variance — the estimate of
        :math:`\sqrt{\operatorname{Var}\bar f} = \sigma/\sqrt n`.

    References
    ----------
    Book: Probability, "Monte Carlo" (claim ``probability.monte-carlo-rate``).

    Examples
    --------
    >>> monte_carlo_mean(np.array([1.0, 3.0]))
    (2.0, 1.0)
    """
    values = _sample(values, "values", "monte_carlo_mean", 2)
    return float(np.mean(values)), math.sqrt(unbiased_variance(values) / values.size)


def monte_carlo_rmse(f: Callable[[np.ndarray], np.ndarray], truth: float, ns: np.ndarray, trials: int = 200,
                     seed: int = 0) -> np.ndarray:
    r"""Root-mean-square error of the n-sample Monte Carlo mean of :math:`f(z)`, :math:`z\sim\mathcal N(0,1)`.

    Parameters
    ----------
    f : callable
        Vectorised: maps an array of standard-normal draws to an array of the same shape.
    truth : float
        :math:`\mathbb E f(z)`.
    ns : ndarray of int, shape (m,)
        Sample sizes.
    trials : int
        Independent estimates per sample size.
    seed : int

    Returns
    -------
    ndarray, shape (m,)
        :math:`\sqrt{\frac{1}{T}\sum_t(\bar f^{(t)}_n - \mathbb E f)^2}`, close to :math:`\sigma_f/\sqrt n`.

    References
    ----------
    Book: Probability, "Monte Carlo" (claim ``probability.monte-carlo-rate``).
    """
    func = "monte_carlo_rmse"
    if not callable(f):
        raise TypeError(f"{func}: f must be callable (a vectorised function of the draws); got {type(f).__name__}.")
    ns_arr = np.asarray(ns)
    if ns_arr.ndim != 1 or ns_arr.dtype.kind not in "iu" or ns_arr.size == 0 or np.any(ns_arr < 1):
        raise ValueError(f"{func}: ns must be a 1-D array of positive ints; got {ns!r}.")
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 2:
        raise ValueError(f"{func}: trials must be an int >= 2; got {trials!r}.")
    truth = float(_ndim(truth, "truth", func, 0))
    rng = np.random.default_rng(seed)
    out = np.empty(ns_arr.size)
    for k, n in enumerate(ns_arr):
        z = rng.standard_normal((trials, int(n)))
        fz = np.asarray(f(z), dtype=float)
        if fz.shape != z.shape:
            raise ValueError(f"{func}: f must return an array of its input's shape {z.shape}; got {fz.shape}.")
        out[k] = math.sqrt(float(np.mean((fz.mean(axis=1) - truth) ** 2)))
    return out


def loglog_slope(ns: np.ndarray, errors: np.ndarray) -> float:
    r"""Least-squares slope of :math:`\log(\text{error})` against :math:`\log n` (-1/2 for Monte Carlo).

    References
    ----------
    Book: Probability, "Monte Carlo" (claim ``probability.monte-carlo-rate``).

    Examples
    --------
    >>> round(loglog_slope(np.array([1, 4, 16]), np.array([1.0, 0.5, 0.25])), 12)
    -0.5
    """
    ns = _ndim(ns, "ns", "loglog_slope", 1)
    errors = _ndim(errors, "errors", "loglog_slope", 1)
    if ns.shape != errors.shape or ns.size < 2 or np.any(ns <= 0) or np.any(errors <= 0):
        raise ValueError("loglog_slope: ns and errors must be positive 1-D arrays of one shape with >= 2 entries; "
                         f"got shapes {ns.shape} and {errors.shape}.")
    return float(np.polyfit(np.log(ns), np.log(errors), 1)[0])

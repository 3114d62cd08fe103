"""Chapter "Probability and statistics for deep learning" — densities, likelihoods, estimators, MAP, Monte Carlo.

Rows are examples: a sample of vectors ``X`` has shape (n, d); a linear-regression design ``X`` has shape (n, d)
with weights ``w`` of shape (d,) and targets ``y`` of shape (n,). Every function implements a formula derived in
``book/probability.ipynb`` and is checked against it in ``tests/test_probability.py``; the claim ids in
:data:`CLAIMS` name those facts.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS",
    "SYMMETRY_RTOL",
    "bayes_posterior",
    "bayesian_linear_posterior",
    "expand_sums",
    "categorical_log_likelihood",
    "categorical_log_pmf",
    "gaussian_density",
    "gaussian_log_density",
    "gaussian_log_likelihood",
    "gaussian_log_likelihood_vjp",
    "laplace_density",
    "laplace_log_density",
    "linear_log_evidence",
    "log_trapezoid",
    "loglog_slope",
    "map_linear_gaussian",
    "map_penalty_strength",
    "mle_gaussian",
    "monte_carlo_mean",
    "monte_carlo_rmse",
    "mvn_density",
    "mvn_log_density",
    "mvn_sample",
    "neg_log_posterior_linear",
    "neg_log_posterior_linear_grad",
    "ridge_solution",
    "sample_variance_estimates",
    "unbiased_variance",
]

#: The facts of this chapter, by claim id. The book, the tests and the ledger use these ids.
CLAIMS = {
    "probability.variance-identity": "Var[X] = E[X^2] - E[X]^2, Var[X + Y] = Var[X] + Var[Y] + 2 Cov(X, Y), "
                                     "and Cov(X, Y) = 0 for independent X, Y",
    "probability.gaussian-normalised": "N(x; mu, sigma^2) = exp(-(x - mu)^2 / 2 sigma^2) / sqrt(2 pi sigma^2) "
                                       "integrates to 1 over the real line",
    "probability.gaussian-moments": "under N(mu, sigma^2): E[x] = mu and E[(x - mu)^2] = sigma^2",
    "probability.laplace-normalised": "Lap(x; mu, b) = exp(-|x - mu| / b) / 2b integrates to 1",
    "probability.mvn-normalised": "the 2-D Gaussian with any symmetric positive-definite covariance integrates to 1",
    "probability.mvn-cholesky": "with Sigma = L L^T: log N(x; mu, Sigma) = -|L^{-1}(x - mu)|^2 / 2 - sum_i log L_ii "
                                "- (d/2) log 2 pi, and mu + L z with z ~ N(0, I) has covariance Sigma",
    "probability.bayes-rule": "P(A | B) = P(B | A) P(A) / (P(B | A) P(A) + P(B | not A) P(not A))",
    "probability.gaussian-loglik-gradient": "d/dmu sum log N = sum (x_i - mu) / sigma^2, d/dsigma = -n/sigma + "
                                            "sum (x_i - mu)^2 / sigma^3, d/dx_i = -(x_i - mu) / sigma^2",
    "probability.mle-gaussian-mean": "the Gaussian log-likelihood is maximised at mu = (1/n) sum x_i",
    "probability.mle-gaussian-variance": "the Gaussian log-likelihood is maximised at sigma^2 = (1/n) sum (x_i - mu)^2",
    "probability.mle-variance-bias": "E[(1/n) sum (x_i - xbar)^2] = (n - 1)/n sigma^2, so n/(n - 1) times it is unbiased",
    "probability.map-gaussian-is-l2": "a N(0, tau^2) prior on each weight adds (lambda/2)|w|^2 to (1/2)|y - Xw|^2, "
                                      "lambda = sigma^2 / tau^2 (weight decay)",
    "probability.map-laplace-is-l1": "a Laplace(0, b) prior on each weight adds lambda |w|_1 to (1/2)|y - Xw|^2, "
                                     "lambda = sigma^2 / b",
    "probability.map-ridge": "the MAP weights of linear regression under a N(0, tau^2 I) prior are the ridge solution "
                             "(X^T X + lambda I)^{-1} X^T y, which is also the posterior mean",
    "probability.linear-evidence": "the evidence of Bayesian linear regression is N(y; 0, sigma^2 I + tau^2 X X^T)",
    "probability.monte-carlo-rate": "the mean of n i.i.d. draws has variance sigma^2 / n: its RMSE falls like n^(-1/2)",
}

#: Relative asymmetry ``max|C - C^T| / max|C|`` above which a covariance is refused as not symmetric.
SYMMETRY_RTOL = 1e-10
#: How far a probability row may sum from 1.
PROBABILITY_SUM_ATOL = 1e-8
_LOG_2PI = math.log(2.0 * math.pi)


# ------------------------------------------------------------------------------------------ validation



def _ndim(x: object, name: str, func: str, ndim: int, hint: str = "") -> np.ndarray:
    arr = _real(x, name, func)
    if arr.ndim != ndim:
        raise ValueError(f"{func}: {name} must be {ndim}-D; got shape {arr.shape}.{(' ' + hint) if hint else ''}")
    return arr


def _positive(value: object, name: str, func: str, what: str) -> float:
    arr = _real(value, name, func)
    if arr.ndim != 0:
        raise ValueError(f"{func}: {name} ({what}) must be a scalar; got shape {arr.shape}.")
    if not float(arr) > 0:
        raise ValueError(f"{func}: {name} ({what}) must be > 0; got {float(arr)!r}. A scale of 0 is a point "
                         "mass with no density; pass a small positive value instead.")
    return float(arr)


def _location(mu: object, x: np.ndarray, func: str) -> np.ndarray:
    mu = _real(mu, "mu", func)
    if mu.ndim != 0 and mu.shape != x.shape:
        raise ValueError(f"{func}: mu must be a scalar or have x's shape {x.shape}; got {mu.shape}.")
    return mu


def _sample(x: object, name: str, func: str, minimum: int) -> np.ndarray:
    arr = _ndim(x, name, func, 1, f"Use {name}.ravel() to pool all entries.")
    if arr.size < minimum:
        raise ValueError(f"{func}: {name} needs at least {minimum} values; got {arr.size}.")
    return arr


# ---------------------------------------------------------------------------------------- univariate

def gaussian_log_density(x: np.ndarray, mu: float | np.ndarray = 0.0, sigma: float = 1.0) -> np.ndarray:
    r"""Log-density of :math:`\mathcal N(\mu, \sigma^2)`, entrywise.

    Parameters
    ----------
    x : ndarray, any shape
    mu : float, or ndarray of x's shape
    sigma : float > 0
        Standard deviation.

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \log \mathcal N(x; \mu, \sigma^2) = -\frac{(x-\mu)^2}{2\sigma^2} - \log\sigma - \tfrac12\log 2\pi .

    References
    ----------
    Book: Probability, "The Gaussian" (claim ``probability.gaussian-normalised``).

    Examples
    --------
    >>> gaussian_log_density(np.array([0.0, 1.0])).round(6)
    array([-0.918939, -1.418939])
    """
    x = _real(x, "x", "gaussian_log_density")
    mu = _location(mu, x, "gaussian_log_density")
    sigma = _positive(sigma, "sigma", "gaussian_log_density", "the standard deviation")
    return -0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma) - 0.5 * _LOG_2PI


def gaussian_density(x: np.ndarray, mu: float | np.ndarray = 0.0, sigma: float = 1.0) -> np.ndarray:
    r"""Density :math:`\mathcal N(x; \mu, \sigma^2) = e^{-(x-\mu)^2/2\sigma^2} / \sqrt{2\pi\sigma^2}`, entrywise.

    Parameters and shapes as :func:`gaussian_log_density`.

    References
    ----------
    Book: Probability, "The Gaussian" (claims ``probability.gaussian-normalised``, ``probability.gaussian-moments``).
    """
    return np.exp(gaussian_log_density(x, mu, sigma))


def laplace_log_density(x: np.ndarray, mu: float | np.ndarray = 0.0, b: float = 1.0) -> np.ndarray:
    r"""Log-density of the Laplace distribution, :math:`-|x-\mu|/b - \log 2b`, entrywise.

    Parameters
    ----------
    x : ndarray, any shape
    mu : float, or ndarray of x's shape
    b : float > 0
        Scale (the mean absolute deviation).

    Returns
    -------
    ndarray, shape of ``x``

    References
    ----------
    Book: Probability, "MAP estimation" (claims ``probability.laplace-normalised``, ``probability.map-laplace-is-l1``).

    Examples
    --------
    >>> laplace_log_density(np.array([0.0, 1.0])).round(6)
    array([-0.693147, -1.693147])
    """
    x = _real(x, "x", "laplace_log_density")
    mu = _location(mu, x, "laplace_log_density")
    b = _positive(b, "b", "laplace_log_density", "the scale")
    return -np.abs(x - mu) / b - math.log(2.0 * b)


def laplace_density(x: np.ndarray, mu: float | np.ndarray = 0.0, b: float = 1.0) -> np.ndarray:
    r"""Density :math:`e^{-|x-\mu|/b} / 2b`, entrywise; parameters as :func:`laplace_log_density`.

    References
    ----------
    Book: Probability, "MAP estimation" (claim ``probability.laplace-normalised``).
    """
    return np.exp(laplace_log_density(x, mu, b))


# -------------------------------------------------------------------------------------- multivariate

def _cholesky(cov: object, d: int, func: str) -> np.ndarray:
    cov = _ndim(cov, "cov", func, 2)
    if cov.shape != (d, d):
        raise ValueError(f"{func}: cov must be ({d}, {d}) to match the mean; got {cov.shape}.")
    asym = float(np.max(np.abs(cov - cov.T), initial=0.0))
    if asym > SYMMETRY_RTOL * max(1.0, float(np.max(np.abs(cov), initial=0.0))):
        raise ValueError(f"{func}: cov must be symmetric; got max |cov - cov.T| = {asym:.3g}. "
                         "Symmetrise it with (cov + cov.T) / 2 if the asymmetry is round-off.")
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        smallest = float(np.linalg.eigvalsh(cov)[0])
        raise ValueError(f"{func}: cov must be positive definite; its smallest eigenvalue is {smallest:.3g}. "
                         "A covariance estimated from fewer samples than dimensions is singular: add a small "
                         "ridge, cov + 1e-6 * np.eye(d).") from None


def mvn_log_density(X: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    r"""Log-density of :math:`\mathcal N(\mu, \Sigma)` at each row of ``X``, through the Cholesky factor.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Points, one per row.
    mean : ndarray, shape (d,)
    cov : ndarray, shape (d, d)
        Symmetric positive definite.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        ``cov`` not symmetric or not positive definite (the message gives the smallest eigenvalue), or shapes
        that do not match.

    Notes
    -----
    With :math:`\Sigma = LL^\top` (L lower triangular, positive diagonal) and :math:`z = L^{-1}(x-\mu)`,

    .. math:: \log \mathcal N(x; \mu, \Sigma) = -\tfrac12 \lVert z\rVert^2 - \sum_i \log L_{ii}
              - \tfrac d2 \log 2\pi ,

    since :math:`(x-\mu)^\top\Sigma^{-1}(x-\mu) = \lVert z\rVert^2` and :math:`\log\det\Sigma = 2\sum_i\log L_{ii}`.
    No inverse or determinant is formed.

    References
    ----------
    Book: Probability, "The multivariate Gaussian" (claims ``probability.mvn-cholesky``,
    ``probability.mvn-normalised``).

    Examples
    --------
    >>> mvn_log_density(np.zeros((1, 2)), np.zeros(2), np.eye(2)).round(6)  # -log(2 pi)
    array([-1.837877])
    """
    mean = _ndim(mean, "mean", "mvn_log_density", 1)
    X = _ndim(X, "X", "mvn_log_density", 2, "Use X[None, :] for one point.")
    d = mean.size
    if X.shape[1] != d:
        raise ValueError(f"mvn_log_density: X must have {d} columns to match mean {mean.shape}; got {X.shape}.")
    L = _cholesky(cov, d, "mvn_log_density")
    Z = np.linalg.solve(L, (X - mean).T)  # (d, n): column i is L^{-1}(x_i - mu)
    return -0.5 * np.sum(Z * Z, axis=0) - float(np.sum(np.log(np.diag(L)))) - 0.5 * d * _LOG_2PI


def mvn_density(X: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    r"""Density :math:`\mathcal N(x; \mu, \Sigma)` at each row of ``X``; parameters as :func:`mvn_log_density`.

    References
    ----------
    Book: Probability, "The multivariate Gaussian" (claim ``probability.mvn-normalised``).
    """
    return np.exp(mvn_log_density(X, mean, cov))


def mvn_sample(mean: np.ndarray, cov: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    r"""Draw ``n`` rows from :math:`\mathcal N(\mu, \Sigma)` as :math:`x = \mu + Lz`, :math:`z\sim\mathcal N(0, I)`.

    Parameters
    ----------
    mean : ndarray, shape (d,)
    cov : ndarray, shape (d, d)
        Symmetric positive definite.
    n : int
    seed : int

    Returns
    -------
    ndarray, shape (n, d)
        Row form: ``mean + Z @ L.T``.

    References
    ----------
    Book: Probability, "The multivariate Gaussian" (claim ``probability.mvn-cholesky``:
    :math:`\operatorname{Cov}(\mu + Lz) = L I L^\top = \Sigma`).
    """
    mean = _ndim(mean, "mean", "mvn_sample", 1)
    L = _cholesky(cov, mean.size, "mvn_sample")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"mvn_sample: n must be a positive int; got {n!r}.")
    Z = np.random.default_rng(seed).standard_normal((int(n), mean.size))
    return mean + Z @ L.T


# --------------------------------------------------------------------------------------- categorical

def _categorical(labels: object, probs: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    P = _ndim(probs, "probs", func, 2, "Use probs[None, :] for one example.")
    labels_arr = np.asarray(labels)
    if labels_arr.dtype.kind not in "iu" or labels_arr.shape != (P.shape[0],):
        raise ValueError(f"{func}: labels must be integers of shape ({P.shape[0]},), one class per row of probs; "
                         f"got dtype {labels_arr.dtype}, shape {labels_arr.shape}.")
    if labels_arr.size and (labels_arr.min() < 0 or labels_arr.max() >= P.shape[1]):
        raise ValueError(f"{func}: labels must lie in [0, {P.shape[1]}); got values from {labels_arr.min()} "
                         f"to {labels_arr.max()}.")
    if np.any(P < 0) or np.any(np.abs(P.sum(axis=1) - 1.0) > PROBABILITY_SUM_ATOL):
        raise ValueError(f"{func}: each row of probs must be a distribution (entries >= 0 summing to 1); "
                         "apply a softmax to logits first.")
    return labels_arr.astype(np.intp), P


def categorical_log_pmf(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    r"""Log-probability of each label under its row's categorical distribution, :math:`\log p_{i, y_i}`.

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Classes in ``[0, k)``.
    probs : ndarray, shape (n, k)
        Rows are distributions.

    Returns
    -------
    ndarray, shape (n,)
        ``-inf`` where the label has probability 0 (an impossible observation), never NaN.

    References
    ----------
    Book: Probability, "Cross-entropy is a categorical likelihood" (claim ``losses.cross-entropy-is-categorical-nll``).

    Examples
    --------
    >>> categorical_log_pmf(np.array([1]), np.array([[0.75, 0.25]])).round(6)
    array([-1.386294])
    """
    labels, P = _categorical(labels, probs, "categorical_log_pmf")
    with np.errstate(divide="ignore"):
        return np.log(P[np.arange(P.shape[0]), labels])


def categorical_log_likelihood(labels: np.ndarray, probs: np.ndarray) -> float:
    r"""Log-likelihood of labels under independent categoricals, :math:`\sum_i \log p_{i, y_i}`.

    Parameters as :func:`categorical_log_pmf`. Minus this, divided by n, is the cross-entropy loss.

    References
    ----------
    Book: Probability, "Cross-entropy is a categorical likelihood" (claim ``losses.cross-entropy-is-categorical-nll``).
    """
    return float(np.sum(categorical_log_pmf(labels, probs)))


# ------------------------------------------------------------------------------------- likelihoods

def gaussian_log_likelihood(x: np.ndarray, mu: float | np.ndarray, sigma: float) -> float:
    r"""Log-likelihood of i.i.d. Gaussian observations, :math:`\ell = \sum_i \log\mathcal N(x_i; \mu_i, \sigma^2)`.

    Parameters
    ----------
    x : ndarray, any shape
        Observations.
    mu : float, or ndarray of x's shape
        One mean for all (estimation) or one per observation (regression: the predictions).
    sigma : float > 0

    Returns
    -------
    float

    Notes
    -----
    .. math:: \ell = -\frac{1}{2\sigma^2}\sum_i (x_i - \mu_i)^2 - m\log\sigma - \frac m2\log 2\pi
              \quad (m = \text{number of entries}).

    References
    ----------
    Book: Probability, "Maximum likelihood" (claims ``probability.mle-gaussian-mean``,
    ``probability.mle-gaussian-variance``, ``losses.mse-is-gaussian-nll``).
    """
    return float(np.sum(gaussian_log_density(x, mu, sigma)))


def gaussian_log_likelihood_vjp(u: float, x: np.ndarray, mu: float | np.ndarray, sigma: float
                                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Gradients of :func:`gaussian_log_likelihood`, scaled by the upstream gradient ``u``.

    Parameters
    ----------
    u : float
        Upstream gradient (cotangent of the scalar output).
    x, mu, sigma
        As :func:`gaussian_log_likelihood`.

    Returns
    -------
    dx : ndarray, shape of ``x``
        :math:`-u (x_i - \mu_i)/\sigma^2`.
    dmu : ndarray, shape of ``mu``
        :math:`u (x_i - \mu_i)/\sigma^2`, summed over ``x`` when ``mu`` is a scalar.
    dsigma : ndarray, shape ()
        :math:`u\,\big(-m/\sigma + \sum_i (x_i-\mu_i)^2/\sigma^3\big)`.

    References
    ----------
    Book: Probability, "Maximum likelihood" (claim ``probability.gaussian-loglik-gradient``).
    """
    func = "gaussian_log_likelihood_vjp"
    u = float(_ndim(u, "u", func, 0, "The output is a scalar, so its cotangent is a scalar."))
    x = _real(x, "x", func)
    mu = _location(mu, x, func)
    sigma = _positive(sigma, "sigma", func, "the standard deviation")
    r = (x - mu) / sigma**2
    dmu = u * (np.sum(r) if mu.ndim == 0 else r)
    dsigma = u * (-x.size / sigma + float(np.sum((x - mu) ** 2)) / sigma**3)
    return -u * r, np.asarray(dmu, dtype=float), np.asarray(dsigma, dtype=float)


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


def expand_sums(expr):
    r"""Rewrite a SymPy expression by the linearity of finite sums, for derivations that manipulate :math:`\sum_i`.

    Each ``Sum(a_i + c b_i + k)`` becomes ``Sum(a_i) + c Sum(b_i) + n k``: the summand is expanded (logs of
    products split, which needs the positivity assumptions the symbols carry), split into terms, constant
    factors are pulled out and sums of constants are evaluated. Every rewrite is an identity, so it can serve as
    a ``hint=`` of :func:`mathdl.verify.derive` without proving anything by itself.

    Parameters
    ----------
    expr : sympy expression

    Returns
    -------
    sympy expression, equal to ``expr``

    References
    ----------
    Book: Probability, "Maximum likelihood" (claims ``probability.mle-gaussian-mean``,
    ``probability.map-gaussian-is-l2``).

    Examples
    --------
    >>> import sympy as sp
    >>> i, n = sp.symbols("i n", integer=True, positive=True)
    >>> x = sp.IndexedBase("x")
    >>> expand_sums(sp.Sum(2 * x[i] + 3, (i, 1, n)))
    3*n + 2*Sum(x[i], (i, 1, n))
    """
    import sympy as sp

    def linear(s: sp.Sum) -> sp.Expr:
        indices = [limit[0] for limit in s.limits]
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(s.function)):
            const, rest = term.as_independent(*indices, as_Add=False)
            out += const * sp.Sum(rest, *s.limits).doit()
        return out

    if not isinstance(expr, sp.Basic):
        raise TypeError(f"expand_sums: expr must be a SymPy expression; got {type(expr).__name__}.")
    expanded = sp.expand(sp.expand_log(expr))
    return sp.expand(expanded.replace(lambda e: isinstance(e, sp.Sum), linear))


# ------------------------------------------------------------------------------------------- Bayes

def bayes_posterior(prior: np.ndarray, likelihood: np.ndarray) -> np.ndarray:
    r"""Posterior over k hypotheses after one observation: :math:`p(h\mid e) = p(e\mid h)p(h) / \sum_{h'} p(e\mid h')p(h')`.

    Parameters
    ----------
    prior : ndarray, shape (k,)
        Non-negative, summing to 1.
    likelihood : ndarray, shape (k,)
        :math:`p(e\mid h)` for each hypothesis, non-negative.

    Returns
    -------
    ndarray, shape (k,)

    Raises
    ------
    ValueError
        The evidence :math:`p(e) = \sum_h p(e\mid h)p(h)` is 0: the observation is impossible under the prior.

    References
    ----------
    Book: Probability, "Bayes' rule" (claim ``probability.bayes-rule``).

    Examples
    --------
    >>> bayes_posterior(np.array([0.5, 0.5]), np.array([0.9, 0.3]))
    array([0.75, 0.25])
    """
    prior = _ndim(prior, "prior", "bayes_posterior", 1)
    likelihood = _ndim(likelihood, "likelihood", "bayes_posterior", 1)
    if likelihood.shape != prior.shape:
        raise ValueError(f"bayes_posterior: likelihood must have prior's shape {prior.shape}; got {likelihood.shape}.")
    if np.any(prior < 0) or abs(float(prior.sum()) - 1.0) > PROBABILITY_SUM_ATOL:
        raise ValueError("bayes_posterior: prior must be non-negative and sum to 1; normalise it with prior / prior.sum().")
    if np.any(likelihood < 0):
        raise ValueError("bayes_posterior: likelihood values p(e | h) must be >= 0.")
    joint = likelihood * prior
    evidence = float(joint.sum())
    if evidence == 0.0:
        raise ValueError("bayes_posterior: the evidence p(e) is 0 (the observation is impossible under every "
                         "hypothesis with prior mass), so the posterior is undefined; check the likelihoods.")
    return joint / evidence


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
    r"""The regularisation strength a prior implies: :math:`\lambda = \sigma^2/\tau^2` (Gaussian) or :math:`\sigma^2/b` (Laplace).

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
    r"""The minimiser of :math:`\tfrac12\lVert y - Xw\rVert^2 + \tfrac\lambda2\lVert w\rVert^2`: :math:`(X^\top X+\lambda I)^{-1}X^\top y`.

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
    r"""Log-evidence :math:`\log p(y\mid X) = \log\mathcal N(y; 0, \sigma^2 I + \tau^2 XX^\top)` of Bayesian linear regression.

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

"""Chapter "Probability and statistics for deep learning" — densities, likelihoods, Bayes' rule.

Rows are examples: a sample of vectors ``X`` has shape (n, d). Every function implements a formula derived in
``book/probability.ipynb`` and is checked against it in ``tests/test_probability.py``; the claim ids in
:data:`CLAIMS` name those facts. The chapter's estimators (maximum likelihood, MAP and ridge, the Bayesian linear
posterior and its evidence, Monte Carlo) are in :mod:`mathdl.estimation`.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS",
    "SYMMETRY_RTOL",
    "bayes_posterior",
    "categorical_log_likelihood",
    "categorical_log_pmf",
    "gaussian_density",
    "gaussian_log_density",
    "gaussian_log_likelihood",
    "gaussian_log_likelihood_vjp",
    "laplace_density",
    "laplace_log_density",
    "mvn_density",
    "mvn_log_density",
    "mvn_sample",
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
    "probability.mvn-cholesky": "with Sigma = L L^T (L invertible): Sigma^{-1} = L^{-T} L^{-1} (any size), so "
                                "log N(x; mu, Sigma) = -|L^{-1}(x - mu)|^2 / 2 - sum_i log L_ii - (d/2) log 2 pi "
                                "(proved for d = 3, checked numerically for every 2 x 2 covariance), and mu + L z "
                                "with z ~ N(0, I) has covariance L L^T = Sigma",
    "probability.bayes-rule": "P(A | B) = P(B | A) P(A) / (P(B | A) P(A) + P(B | not A) P(not A))",
    "probability.gaussian-loglik-gradient": "d/dmu sum log N = sum (x_i - mu) / sigma^2, d/dsigma = -n/sigma + "
                                            "sum (x_i - mu)^2 / sigma^3, d/dx_i = -(x_i - mu) / sigma^2",
    "probability.mle-gaussian-mean": "the Gaussian log-likelihood is maximised at mu = (1/n) sum x_i",
    "probability.mle-gaussian-variance": "the Gaussian log-likelihood is maximised at sigma^2 = (1/n) sum (x_i - mu)^2",
    "probability.mle-variance-bias": "for independent x_i with mean mu and variance sigma^2: "
                                     "E[(1/n) sum (x_i - xbar)^2] = (n - 1)/n sigma^2, and "
                                     "s^2 = (1/(n - 1)) sum (x_i - xbar)^2 has E[s^2] = sigma^2 (n >= 2)",
    "probability.map-gaussian-is-l2": "a N(0, tau^2) prior on each weight adds (lambda/2)|w|^2 to (1/2)|y - Xw|^2, "
                                      "lambda = sigma^2 / tau^2 (weight decay)",
    "probability.map-laplace-is-l1": "a Laplace(0, b) prior on each weight adds lambda |w|_1 to (1/2)|y - Xw|^2, "
                                     "lambda = sigma^2 / b",
    "probability.map-ridge": "the MAP weights of linear regression under a N(0, tau^2 I) prior are the ridge solution "
                             "(X^T X + lambda I)^{-1} X^T y, which is also the posterior mean",
    "probability.linear-evidence": "the evidence of Bayesian linear regression is N(y; 0, sigma^2 I + tau^2 X X^T)",
    "probability.monte-carlo-rate": "the mean of n independent draws of variance sigma^2 has variance sigma^2 / n "
                                    "(proved from the first two moments), so its RMSE is sigma / sqrt(n); the log-log "
                                    "slope -1/2 is also measured",
    "probability.exp-family-bernoulli": "Bernoulli(p) is an exponential family: log p(x) = x eta - log(1 + e^eta) "
                                        "with eta = log(p / (1 - p)), and A'(eta) = sigmoid(eta) = p (its mean)",
    "probability.exp-family-softmax": "the categorical with natural parameters eta has p_k = exp(eta_k) / sum_j "
                                      "exp(eta_j) = softmax(eta)_k, the gradient of A(eta) = log sum_j exp(eta_j) "
                                      "(proved for K = 3), and adding a constant to every eta_k changes nothing",
    "probability.exp-family-gaussian": "N(mu, sigma^2) is an exponential family with T(x) = (x, x^2), eta = (mu / "
                                       "sigma^2, -1 / (2 sigma^2)), A = -eta_1^2 / (4 eta_2) - log(-2 eta_2) / 2, "
                                       "and dA/deta_1 = mu, dA/deta_2 = mu^2 + sigma^2",
    "probability.change-of-variables": "for y = g(x) with g increasing and differentiable, p_Y(y) = p_X(g^{-1}(y)) "
                                       "(g^{-1})'(y); for y = exp(x), x ~ N(mu, sigma^2) this is the log-normal",
    "probability.inverse-cdf-sampling": "if U ~ Uniform(0, 1) and F is a continuous increasing CDF then F^{-1}(U) "
                                        "has CDF F; for the exponential F^{-1}(u) = -log(1 - u) / lambda",
    "probability.reparameterization": "z = mu + sigma eps with eps ~ N(0, 1) has density N(z; mu, sigma^2), and "
                                      "d/dmu E[z^2] = E[2 z] = 2 mu, d/dsigma E[z^2] = E[2 z eps] = 2 sigma",
    "probability.law-of-large-numbers": "the running mean of independent draws converges to the expectation "
                                        "(Chebyshev: P(|mean - mu| >= t) <= sigma^2 / (n t^2); measured)",
    "probability.central-limit": "the standardised mean sqrt(n)(mean - mu)/sigma of independent draws approaches "
                                 "N(0, 1): the Kolmogorov distance to Phi falls like 1/sqrt(n) for exponential draws "
                                 "(measured)",
    "probability.jensen": "for convex f and a finite distribution p: sum_i p_i f(x_i) - f(sum_i p_i x_i) = sum_i p_i "
                          "B_f(x_i, m) >= 0 with B_f the tangent gap (proved for n = 3 points; the linearity "
                          "step for any n); hence log E[w] >= "
                          "E[log w]",
    "probability.hoeffding": "for n independent draws in [a, b]: P(|mean - mu| >= t) <= 2 exp(-2 n t^2 / (b - a)^2) "
                             "(stated; checked by simulation), so n >= (b - a)^2 log(2 / delta) / (2 t^2) draws "
                             "suffice for accuracy t with probability 1 - delta",
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


# ------------------------------------------------------------------------------------------- Bayes

def bayes_posterior(prior: np.ndarray, likelihood: np.ndarray) -> np.ndarray:
    r"""Posterior over k hypotheses after one observation:
    :math:`p(h\mid e) = p(e\mid h)p(h) / \sum_{h'} p(e\mid h')p(h')`.

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
        raise ValueError("bayes_posterior: prior must be non-negative and sum to 1; "
                         "normalise it with prior / prior.sum().")
    if np.any(likelihood < 0):
        raise ValueError("bayes_posterior: likelihood values p(e | h) must be >= 0.")
    joint = likelihood * prior
    evidence = float(joint.sum())
    if evidence == 0.0:
        raise ValueError("bayes_posterior: the evidence p(e) is 0 (the observation is impossible under every "
                         "hypothesis with prior mass), so the posterior is undefined; check the likelihoods.")
    return joint / evidence


"""Chapter "Probability and statistics for deep learning" — exponential families, change of variables, sampling.

The Bernoulli, categorical and Gaussian distributions written in natural parameters (whose log-partition
gradients are the sigmoid, the softmax and the Gaussian moments), the density of a monotone transform of a random
variable, and the two ways of sampling used by deep learning: the inverse CDF and the reparameterisation
``z = mu + sigma * eps``. The claim ids are declared in :data:`mathdl.probability.CLAIMS`.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mathdl.validate import real_array as _real

__all__ = [
    "bernoulli_log_partition",
    "bernoulli_log_pmf_natural",
    "bernoulli_natural_parameter",
    "categorical_log_partition",
    "categorical_mean",
    "exponential_inverse_cdf",
    "gaussian_log_density_natural",
    "gaussian_log_partition",
    "gaussian_natural_parameters",
    "inverse_cdf_sample",
    "lognormal_log_density",
    "monotone_transform_log_density",
    "reparameterized_gaussian",
    "reparameterized_gradient",
]

_LOG_2PI = math.log(2.0 * math.pi)


def _positive_scalar(value: object, name: str, func: str) -> float:
    arr = _real(value, name, func)
    if arr.ndim != 0 or not float(arr) > 0:
        raise ValueError(f"{func}: {name} must be a positive scalar; got {value!r}. Pass a number > 0.")
    return float(arr)


# ----------------------------------------------------------------------------------- exponential families

def bernoulli_natural_parameter(p: np.ndarray) -> np.ndarray:
    r"""The Bernoulli's natural parameter, the log-odds :math:`\eta = \log\frac{p}{1-p}` (the logit), entrywise.

    Parameters
    ----------
    p : ndarray, any shape, entries in (0, 1)

    Returns
    -------
    ndarray, shape of ``p``

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-bernoulli``).

    Examples
    --------
    >>> bernoulli_natural_parameter(np.array([0.5, 0.8])).round(6)
    array([0.      , 1.386294])
    """
    p = _real(p, "p", "bernoulli_natural_parameter")
    if np.any(p <= 0) or np.any(p >= 1):
        raise ValueError("bernoulli_natural_parameter: p must lie strictly in (0, 1); got values in "
                         f"[{float(p.min())}, {float(p.max())}]. Clip p to [eps, 1 - eps] first.")
    return np.log(p) - np.log1p(-p)


def bernoulli_log_partition(eta: np.ndarray) -> np.ndarray:
    r"""The Bernoulli's log-partition :math:`A(\eta) = \log(1 + e^\eta)` (the softplus), entrywise and stably.

    Parameters
    ----------
    eta : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``eta``

    Notes
    -----
    .. math:: A(\eta) = \max(\eta, 0) + \log(1 + e^{-|\eta|}), \qquad A'(\eta) = \sigma(\eta) = p .

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-bernoulli``).

    Examples
    --------
    >>> bernoulli_log_partition(np.array([0.0, 1000.0])).round(6).tolist()
    [0.693147, 1000.0]
    """
    eta = _real(eta, "eta", "bernoulli_log_partition")
    return np.maximum(eta, 0.0) + np.log1p(np.exp(-np.abs(eta)))


def bernoulli_log_pmf_natural(x: np.ndarray, eta: np.ndarray) -> np.ndarray:
    r"""Bernoulli log-probability in natural form, :math:`\log p(x) = x\eta - A(\eta)`, entrywise.

    Parameters
    ----------
    x : ndarray of 0/1, any shape
    eta : ndarray, shape of ``x`` or scalar
        The log-odds (a network's logit).

    Returns
    -------
    ndarray, the broadcast shape

    Notes
    -----
    Equals :math:`x\log p + (1-x)\log(1-p)` with :math:`p = \sigma(\eta)`; its negative is the binary
    cross-entropy with logits.

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-bernoulli``).

    Examples
    --------
    >>> bernoulli_log_pmf_natural(np.array([1.0, 0.0]), np.array([0.0, 0.0])).round(6)
    array([-0.693147, -0.693147])
    """
    x = _real(x, "x", "bernoulli_log_pmf_natural")
    eta = _real(eta, "eta", "bernoulli_log_pmf_natural")
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("bernoulli_log_pmf_natural: x must contain only 0 and 1; got other values. "
                         "Threshold or one-hot encode the targets first.")
    return x * eta - bernoulli_log_partition(eta)


def categorical_log_partition(eta: np.ndarray) -> np.ndarray:
    r"""The categorical log-partition :math:`A(\eta) = \log\sum_k e^{\eta_k}` per row (log-sum-exp, stably).

    Parameters
    ----------
    eta : ndarray, shape (n, K)
        Natural parameters (logits), one row per example.

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    .. math:: A(\eta) = c + \log\sum_k e^{\eta_k - c}, \quad c = \max_k \eta_k;
        \qquad \nabla A(\eta) = \operatorname{softmax}(\eta).

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-softmax``).

    Examples
    --------
    >>> categorical_log_partition(np.array([[0.0, 0.0], [1000.0, 0.0]])).round(6).tolist()
    [0.693147, 1000.0]
    """
    eta = _real(eta, "eta", "categorical_log_partition")
    if eta.ndim != 2 or eta.shape[1] == 0:
        raise ValueError(f"categorical_log_partition: eta must be 2-D (n, K) with K >= 1; got shape {eta.shape}. "
                         "Reshape a single row with eta[None, :].")
    top = eta.max(axis=1)
    return top + np.log(np.exp(eta - top[:, None]).sum(axis=1))


def categorical_mean(eta: np.ndarray) -> np.ndarray:
    r"""The categorical mean parameters :math:`p = \nabla A(\eta) = \operatorname{softmax}(\eta)`, per row.

    Parameters
    ----------
    eta : ndarray, shape (n, K)

    Returns
    -------
    ndarray, shape (n, K); rows sum to 1

    Notes
    -----
    .. math:: p_k = e^{\eta_k - A(\eta)} = \frac{e^{\eta_k}}{\sum_j e^{\eta_j}} .

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-softmax``).

    Examples
    --------
    >>> categorical_mean(np.array([[0.0, np.log(3.0)]])).round(6)
    array([[0.25, 0.75]])
    """
    eta = _real(eta, "eta", "categorical_mean")
    return np.exp(eta - categorical_log_partition(eta)[:, None])


def gaussian_natural_parameters(mu: float | np.ndarray, sigma: float) -> tuple[np.ndarray, float]:
    r"""Natural parameters of :math:`\mathcal N(\mu, \sigma^2)`, :math:`(\mu/\sigma^2, -1/2\sigma^2)`.

    Parameters
    ----------
    mu : float or ndarray
    sigma : float > 0

    Returns
    -------
    eta1 : ndarray, shape of ``mu``
    eta2 : float < 0

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-gaussian``).

    Examples
    --------
    >>> [float(v) for v in gaussian_natural_parameters(1.0, 2.0)]
    [0.25, -0.125]
    """
    mu = _real(mu, "mu", "gaussian_natural_parameters")
    sigma = _positive_scalar(sigma, "sigma", "gaussian_natural_parameters")
    return mu / sigma**2, -0.5 / sigma**2


def _eta2(eta2: object, func: str) -> float:
    arr = _real(eta2, "eta2", func)
    if arr.ndim != 0 or not float(arr) < 0:
        raise ValueError(f"{func}: eta2 must be a negative scalar (eta2 = -1/(2 sigma^2)); got {eta2!r}. "
                         "A non-negative eta2 gives no normalisable density.")
    return float(arr)


def gaussian_log_partition(eta1: float | np.ndarray, eta2: float) -> np.ndarray:
    r"""The Gaussian log-partition :math:`A(\eta) = -\eta_1^2/(4\eta_2) - \tfrac12\log(-2\eta_2)`.

    Parameters
    ----------
    eta1 : float or ndarray
    eta2 : float < 0

    Returns
    -------
    ndarray, shape of ``eta1``

    Notes
    -----
    With :math:`h(x) = (2\pi)^{-1/2}`: :math:`\partial A/\partial\eta_1 = -\eta_1/2\eta_2 = \mu` and
    :math:`\partial A/\partial\eta_2 = \eta_1^2/4\eta_2^2 - 1/2\eta_2 = \mu^2 + \sigma^2`.

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-gaussian``).

    Examples
    --------
    >>> float(gaussian_log_partition(0.0, -0.5))
    0.0
    """
    eta1 = _real(eta1, "eta1", "gaussian_log_partition")
    eta2 = _eta2(eta2, "gaussian_log_partition")
    return -(eta1**2) / (4.0 * eta2) - 0.5 * math.log(-2.0 * eta2)


def gaussian_log_density_natural(x: np.ndarray, eta1: float, eta2: float) -> np.ndarray:
    r"""Gaussian log-density in natural form, :math:`\eta_1 x + \eta_2 x^2 - A(\eta) - \tfrac12\log 2\pi`.

    Parameters
    ----------
    x : ndarray, any shape
    eta1 : float
    eta2 : float < 0

    Returns
    -------
    ndarray, shape of ``x``

    References
    ----------
    Book: Probability, "Exponential families and the softmax link" (claim ``probability.exp-family-gaussian``).

    Examples
    --------
    >>> gaussian_log_density_natural(np.array([0.0]), 0.0, -0.5).round(6)
    array([-0.918939])
    """
    x = _real(x, "x", "gaussian_log_density_natural")
    eta1 = _real(eta1, "eta1", "gaussian_log_density_natural")
    if eta1.ndim != 0:
        raise ValueError(f"gaussian_log_density_natural: eta1 must be a scalar; got shape {eta1.shape}.")
    eta2 = _eta2(eta2, "gaussian_log_density_natural")
    return eta1 * x + eta2 * x**2 - gaussian_log_partition(eta1, eta2) - 0.5 * _LOG_2PI


# ---------------------------------------------------------------------------------- change of variables

def monotone_transform_log_density(y: np.ndarray, log_density_x: Callable[[np.ndarray], np.ndarray],
                                   inverse: Callable[[np.ndarray], np.ndarray],
                                   log_abs_inverse_derivative: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    r"""Log-density of :math:`Y = g(X)` for a monotone differentiable :math:`g`, by the change of variables.

    Parameters
    ----------
    y : ndarray, any shape
        Points in the range of ``g``.
    log_density_x : callable
        :math:`\log p_X`, entrywise.
    inverse : callable
        :math:`g^{-1}`, entrywise.
    log_abs_inverse_derivative : callable
        :math:`\log|(g^{-1})'(y)|`, entrywise.

    Returns
    -------
    ndarray, shape of ``y``

    Notes
    -----
    .. math:: \log p_Y(y) = \log p_X\big(g^{-1}(y)\big) + \log\big|(g^{-1})'(y)\big| .

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claim ``probability.change-of-variables``).

    Examples
    --------
    >>> from mathdl.probability import gaussian_log_density
    >>> monotone_transform_log_density(np.array([1.0]), gaussian_log_density, np.log, lambda v: -np.log(v)).round(6)
    array([-0.918939])
    """
    y = _real(y, "y", "monotone_transform_log_density")
    for name, fn in (("log_density_x", log_density_x), ("inverse", inverse),
                     ("log_abs_inverse_derivative", log_abs_inverse_derivative)):
        if not callable(fn):
            raise TypeError(f"monotone_transform_log_density: {name} must be callable; got {type(fn).__name__}.")
    with np.errstate(invalid="ignore", divide="ignore"):  # a y outside the range of g is reported below
        out = (np.asarray(log_density_x(inverse(y)), dtype=float)
               + np.asarray(log_abs_inverse_derivative(y), dtype=float))
    if out.shape != y.shape or np.any(np.isnan(out)):
        raise ValueError("monotone_transform_log_density: the callables returned NaN or a wrong shape "
                         f"({out.shape} for y of shape {y.shape}); is every y in the range of g?")
    return out


def lognormal_log_density(y: np.ndarray, mu: float = 0.0, sigma: float = 1.0) -> np.ndarray:
    r"""Log-density of :math:`Y = e^X`, :math:`X\sim\mathcal N(\mu,\sigma^2)` (the log-normal), entrywise.

    Parameters
    ----------
    y : ndarray, any shape, entries > 0
    mu : float
    sigma : float > 0

    Returns
    -------
    ndarray, shape of ``y``

    Notes
    -----
    .. math:: \log p_Y(y) = \log\mathcal N(\log y; \mu, \sigma^2) - \log y .

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claim ``probability.change-of-variables``).

    Examples
    --------
    >>> lognormal_log_density(np.array([1.0])).round(6)
    array([-0.918939])
    """
    y = _real(y, "y", "lognormal_log_density")
    if np.any(y <= 0):
        raise ValueError(f"lognormal_log_density: y must be > 0 (the range of exp); got min {float(y.min())}.")
    mu = float(_real(mu, "mu", "lognormal_log_density"))
    sigma = _positive_scalar(sigma, "sigma", "lognormal_log_density")
    logy = np.log(y)
    return -0.5 * ((logy - mu) / sigma) ** 2 - math.log(sigma) - 0.5 * _LOG_2PI - logy


# --------------------------------------------------------------------------------------------- sampling

def exponential_inverse_cdf(u: np.ndarray, rate: float = 1.0) -> np.ndarray:
    r"""The exponential distribution's quantile function :math:`F^{-1}(u) = -\log(1-u)/\lambda`, entrywise.

    Parameters
    ----------
    u : ndarray, any shape, entries in [0, 1)
    rate : float > 0
        :math:`\lambda`; the mean is :math:`1/\lambda`.

    Returns
    -------
    ndarray, shape of ``u``

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claim ``probability.inverse-cdf-sampling``).

    Examples
    --------
    >>> exponential_inverse_cdf(np.array([0.0, 0.5]), 2.0).round(6)
    array([0.      , 0.346574])
    """
    u = _real(u, "u", "exponential_inverse_cdf")
    if np.any(u < 0) or np.any(u >= 1):
        raise ValueError("exponential_inverse_cdf: u must lie in [0, 1); got values in "
                         f"[{float(u.min())}, {float(u.max())}]. Draw u with rng.random().")
    rate = _positive_scalar(rate, "rate", "exponential_inverse_cdf")
    return -np.log1p(-u) / rate


def inverse_cdf_sample(inverse_cdf: Callable[[np.ndarray], np.ndarray], n: int, seed: int = 0) -> np.ndarray:
    r"""Draw ``n`` samples :math:`F^{-1}(U)`, :math:`U\sim\mathrm{Uniform}[0,1)`.

    Parameters
    ----------
    inverse_cdf : callable
        The quantile function :math:`F^{-1}`, entrywise.
    n : int >= 1
    seed : int

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    :math:`P(F^{-1}(U)\le x) = P(U \le F(x)) = F(x)` for a continuous increasing :math:`F`.

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claim ``probability.inverse-cdf-sampling``).

    Examples
    --------
    >>> inverse_cdf_sample(exponential_inverse_cdf, 3, seed=0).round(3)
    array([1.013, 0.314, 0.042])
    """
    if not callable(inverse_cdf):
        raise TypeError(f"inverse_cdf_sample: inverse_cdf must be callable; got {type(inverse_cdf).__name__}.")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"inverse_cdf_sample: n must be an integer >= 1; got {n!r}.")
    u = np.random.default_rng(seed).random(int(n))
    return np.asarray(inverse_cdf(u), dtype=float)


def reparameterized_gaussian(mu: float | np.ndarray, sigma: float | np.ndarray, eps: np.ndarray) -> np.ndarray:
    r"""The reparameterised Gaussian sample :math:`z = \mu + \sigma\varepsilon`.

    Parameters
    ----------
    mu, sigma : float or ndarray broadcastable with ``eps``; sigma > 0
    eps : ndarray
        Standard normal noise, drawn outside (so that z is a differentiable function of mu and sigma).

    Returns
    -------
    ndarray, the broadcast shape

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claim ``probability.reparameterization``).

    Examples
    --------
    >>> reparameterized_gaussian(1.0, 2.0, np.array([0.0, 1.0]))
    array([1., 3.])
    """
    mu = _real(mu, "mu", "reparameterized_gaussian")
    sigma = _real(sigma, "sigma", "reparameterized_gaussian")
    eps = _real(eps, "eps", "reparameterized_gaussian")
    if np.any(sigma <= 0):
        raise ValueError("reparameterized_gaussian: sigma must be > 0; got a value <= 0. Parameterise it as "
                         "exp(log_sigma) or softplus(.) to keep it positive.")
    return mu + sigma * eps


def reparameterized_gradient(df: Callable[[np.ndarray], np.ndarray], mu: float, sigma: float, n: int,
                             seed: int = 0) -> np.ndarray:
    r"""Monte Carlo pathwise gradient of :math:`\mathbb E_{z\sim\mathcal N(\mu,\sigma^2)}[f(z)]` in (mu, sigma).

    Parameters
    ----------
    df : callable
        :math:`f'`, entrywise.
    mu : float
    sigma : float > 0
    n : int >= 1
        Number of draws of :math:`\varepsilon`.
    seed : int

    Returns
    -------
    ndarray, shape (2,)
        :math:`\big(\tfrac1n\sum_k f'(z_k),\ \tfrac1n\sum_k f'(z_k)\varepsilon_k\big)` with
        :math:`z_k = \mu+\sigma\varepsilon_k`.

    Notes
    -----
    Differentiating under the expectation of :math:`f(\mu+\sigma\varepsilon)`: :math:`\partial_\mu = \mathbb E f'(z)`,
    :math:`\partial_\sigma = \mathbb E[f'(z)\varepsilon]`.

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claim ``probability.reparameterization``).

    Examples
    --------
    >>> reparameterized_gradient(lambda z: 2 * z, 1.0, 0.5, 200_000, seed=0).round(2)
    array([2., 1.])
    """
    if not callable(df):
        raise TypeError(f"reparameterized_gradient: df must be callable; got {type(df).__name__}.")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"reparameterized_gradient: n must be an integer >= 1; got {n!r}.")
    mu = float(_real(mu, "mu", "reparameterized_gradient"))
    sigma = _positive_scalar(sigma, "sigma", "reparameterized_gradient")
    eps = np.random.default_rng(seed).standard_normal(int(n))
    slopes = np.asarray(df(reparameterized_gaussian(mu, sigma, eps)), dtype=float)
    return np.array([slopes.mean(), (slopes * eps).mean()])

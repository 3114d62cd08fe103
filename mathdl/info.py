"""Chapter — Information theory: entropy, KL divergence, mutual information, and source 000's eqs (1)-(2).

Discrete distributions are numpy arrays of probabilities: a 1-D array ``p`` of shape (k,) is a distribution on k
outcomes; a 2-D joint table ``pxy`` of shape (n_x, n_y) has rows indexed by x and columns by y. Every discrete
function validates its input (non-negative, summing to 1 within :data:`PROB_ATOL`, matching shapes) and treats
``0 log 0 = 0`` explicitly. Units are nats; pass ``base=2`` for bits.

The continuous pieces are the Gaussian KL divergences (univariate, diagonal, full covariance), the Bayesian
linear regression on which eq (2) of source 000 is checked, the information bottleneck (IB) of Tishby et al.,
information dropout (Achille & Soatto) and the deep variational IB loss (Alemi et al.). Every function implements
a formula derived in ``book/information.ipynb`` and is checked in ``tests/test_info.py``; :data:`CLAIMS` names them.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathdl.activations import log_softmax, softmax
from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS", "PROB_ATOL", "IBResult",
    "entropy", "cross_entropy", "kl_divergence", "conditional_entropy", "mutual_information",
    "markov_chain_joint", "gaussian_entropy", "kl_gaussian", "kl_diagonal_gaussian", "kl_diagonal_gaussian_vjp",
    "kl_mvn", "empirical_cross_entropy", "bayes_linear_posterior", "bayes_linear_log_evidence",
    "bayes_linear_negative_elbo", "ib_information", "ib_lagrangian", "iterative_ib", "ib_tradeoff",
    "information_dropout", "information_dropout_vjp", "information_dropout_kl_log_uniform",
    "information_dropout_kl_log_normal", "vib_loss", "vib_loss_vjp",
]

#: The facts of this chapter, by claim id. The book, the tests and the ledger use these ids.
CLAIMS = {
    "info.entropy-chain-rule": "H(X, Y) = H(X) + H(Y | X)",
    "info.gibbs-inequality": "KL(p || q) >= 0, with equality iff p = q (from log x <= x - 1)",
    "info.cross-entropy-decomposition": "H(p, q) = H(p) + KL(p || q)",
    "info.mi-symmetric": "I(X; Y) = H(X) - H(X | Y) = H(Y) - H(Y | X) = H(X) + H(Y) - H(X, Y) = I(Y; X)",
    "info.data-processing": "for a Markov chain X -> Y -> Z, I(X; Z) <= I(X; Y)",
    "info.kl-gaussian": "KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2",
    "info.kl-diagonal-gaussian": "the KL between diagonal Gaussians is the sum of the per-coordinate KLs",
    "info.eq1-empirical-nll": "eq (1): E_P(X,Y)[-log Phi(X, W)] on the empirical distribution is the average "
                              "negative log-likelihood of the labels",
    "info.eq2-negative-elbo": "eq (2) with lambda = 1 is the negative ELBO: E_q[-log p(Y|X,W)] + KL(q || p(W)) "
                              "= -log p(Y|X) + KL(q || p(W|X,Y)) >= -log p(Y|X)",
    "info.ib-lagrangian": "the self-consistent IB iteration never increases I(X;T) - beta I(T;Y), and its "
                          "solutions satisfy I(T;Y) <= min(I(X;T), I(X;Y))",
    "info.information-dropout-kl": "information dropout's KL: -log alpha + const for a log-uniform prior; for a "
                                   "log-normal prior, the KL between the Gaussians of the logs",
    "info.vib-loss": "deep VIB loss: E_eps[-log q(y | mu + sigma eps)] + beta KL(N(mu, sigma^2) || N(0, I)), "
                     "with its reparameterised gradient",
}

#: How far from 1 the entries of a distribution (or a row of a conditional table) may sum.
PROB_ATOL = 1e-9


# ------------------------------------------------------------------------------------------ validation



def _distribution(p: object, name: str, func: str, ndim: int | None = None) -> np.ndarray:
    """A probability array: finite, non-negative, summing to 1 within PROB_ATOL."""
    p = _real(p, name, func)
    if ndim is not None and p.ndim != ndim:
        raise ValueError(f"{func}: {name} must be {ndim}-D; got shape {p.shape}.")
    if p.size == 0 or p.ndim == 0:
        raise ValueError(f"{func}: {name} must be a non-empty array of probabilities; got shape {p.shape}.")
    if np.any(p < 0):
        raise ValueError(f"{func}: {name} has negative entries (min {p.min():.3g}); probabilities must be >= 0.")
    total = float(p.sum())
    if abs(total - 1.0) > PROB_ATOL:
        raise ValueError(f"{func}: {name} sums to {total:.6g}, not 1 (tolerance {PROB_ATOL:g}). "
                         f"Normalise it first: {name} / {name}.sum().")
    return p


def _conditional(table: object, name: str, func: str) -> np.ndarray:
    """A conditional table p(b | a) of shape (n_a, n_b): non-negative rows each summing to 1."""
    table = _real(table, name, func)
    if table.ndim != 2 or table.size == 0:
        raise ValueError(f"{func}: {name} must be a 2-D conditional table (n_a, n_b); got shape {table.shape}.")
    if np.any(table < 0):
        raise ValueError(f"{func}: {name} has negative entries (min {table.min():.3g}); probabilities must be >= 0.")
    worst = float(np.max(np.abs(table.sum(axis=1) - 1.0)))
    if worst > PROB_ATOL:
        raise ValueError(f"{func}: every row of {name} must sum to 1 (tolerance {PROB_ATOL:g}); the worst row is "
                         f"off by {worst:.3g}. Normalise rows: {name} / {name}.sum(axis=1, keepdims=True).")
    return table


def _same_shape(a: np.ndarray, b: np.ndarray, names: str, func: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{func}: {names} must have the same shape (the same support); got {a.shape} and "
                         f"{b.shape}.")


def _scale(base: object, func: str) -> float:
    """Divide nats by this to get units of ``base`` (None or e: nats; 2: bits)."""
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, (int, float, np.integer, np.floating)) \
            or not base > 0 or base == 1 or not math.isfinite(base):
        raise ValueError(f"{func}: base must be a positive number other than 1 (2 for bits, None for nats); "
                         f"got {base!r}.")
    return math.log(base)


def _positive(x: object, name: str, func: str) -> np.ndarray:
    x = _real(x, name, func)
    if np.any(x <= 0):
        raise ValueError(f"{func}: {name} must be > 0 (a standard deviation or scale); got min {x.min():.3g}.")
    return x


def _plogp_ratio(p: np.ndarray, q: np.ndarray) -> float:
    """sum over p > 0 of p log(p / q): 0 log 0 = 0, +inf where q = 0 < p (no warnings, no NaN)."""
    mask = p > 0
    if np.any(q[mask] == 0):
        return math.inf
    return float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask]))))


# -------------------------------------------------------------------------------- discrete quantities

def entropy(p: np.ndarray, base: float | None = None) -> float:
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \log p_i`, with :math:`0 \log 0 = 0`.

    Parameters
    ----------
    p : ndarray, any shape (k,) or (n_x, n_y, ...)
        Probabilities summing to 1; a joint table gives the joint entropy :math:`H(X, Y, \dots)`.
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float, >= 0

    Raises
    ------
    ValueError
        Negative entries, a sum other than 1, an empty array, or a bad base.

    References
    ----------
    Book: Information theory, "Entropy" (claim ``info.entropy-chain-rule``).

    Examples
    --------
    >>> entropy(np.array([0.5, 0.5]), base=2)
    1.0
    >>> entropy(np.array([1.0, 0.0]))
    0.0
    """
    scale = _scale(base, "entropy")
    p = _distribution(p, "p", "entropy")
    mask = p > 0
    return float(-np.sum(p[mask] * np.log(p[mask]))) / scale + 0.0


def cross_entropy(p: np.ndarray, q: np.ndarray, base: float | None = None) -> float:
    r"""Cross-entropy :math:`H(p, q) = -\sum_i p_i \log q_i` (terms with :math:`p_i = 0` are 0).

    Parameters
    ----------
    p, q : ndarray, same shape
        Distributions on the same support.
    base : float, optional

    Returns
    -------
    float
        ``+inf`` when some :math:`q_i = 0 < p_i` (never NaN).

    Raises
    ------
    ValueError
        Invalid distributions or mismatched shapes.

    Notes
    -----
    .. math:: H(p, q) = H(p) + \operatorname{KL}(p \,\|\, q).

    References
    ----------
    Book: Information theory, "Cross-entropy and KL divergence" (claim ``info.cross-entropy-decomposition``).

    Examples
    --------
    >>> round(cross_entropy(np.array([0.5, 0.5]), np.array([0.25, 0.75]), base=2), 6)
    1.207519
    """
    scale = _scale(base, "cross_entropy")
    p, q = _distribution(p, "p", "cross_entropy"), _distribution(q, "q", "cross_entropy")
    _same_shape(p, q, "p and q", "cross_entropy")
    mask = p > 0
    if np.any(q[mask] == 0):
        return math.inf
    return float(-np.sum(p[mask] * np.log(q[mask]))) / scale


def kl_divergence(p: np.ndarray, q: np.ndarray, base: float | None = None) -> float:
    r"""Kullback-Leibler divergence :math:`\operatorname{KL}(p\,\|\,q) = \sum_i p_i \log(p_i / q_i)`.

    Parameters
    ----------
    p, q : ndarray, same shape
        Distributions on the same support.
    base : float, optional

    Returns
    -------
    float, >= 0 (Gibbs' inequality)
        ``+inf`` when :math:`q_i = 0` for some :math:`p_i > 0` (p is not absolutely continuous with respect to
        q): stated, not a NaN. Terms with :math:`p_i = 0` contribute 0 whatever :math:`q_i` is.

    Raises
    ------
    ValueError
        Invalid distributions or mismatched shapes.

    References
    ----------
    Book: Information theory, "Gibbs' inequality" (claims ``info.gibbs-inequality``,
    ``info.cross-entropy-decomposition``).

    Examples
    --------
    >>> kl_divergence(np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    0.0
    >>> kl_divergence(np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    inf
    """
    scale = _scale(base, "kl_divergence")
    p, q = _distribution(p, "p", "kl_divergence"), _distribution(q, "q", "kl_divergence")
    _same_shape(p, q, "p and q", "kl_divergence")
    return _plogp_ratio(p, q) / scale


def conditional_entropy(pxy: np.ndarray, base: float | None = None) -> float:
    r"""Conditional entropy :math:`H(Y\mid X) = -\sum_{x,y} p(x,y)\log p(y\mid x)` from a joint table.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
        Joint distribution, rows indexed by x. Use ``pxy.T`` for :math:`H(X \mid Y)`.
    base : float, optional

    Returns
    -------
    float, >= 0

    References
    ----------
    Book: Information theory, "Joint and conditional entropy" (claim ``info.entropy-chain-rule``).

    Examples
    --------
    >>> conditional_entropy(np.array([[0.5, 0.0], [0.0, 0.5]]))
    0.0
    """
    scale = _scale(base, "conditional_entropy")
    pxy = _distribution(pxy, "pxy", "conditional_entropy", ndim=2)
    px = np.broadcast_to(pxy.sum(axis=1, keepdims=True), pxy.shape)
    mask = pxy > 0
    return float(-np.sum(pxy[mask] * (np.log(pxy[mask]) - np.log(px[mask])))) / scale + 0.0


def mutual_information(pxy: np.ndarray, base: float | None = None) -> float:
    r"""Mutual information :math:`I(X;Y) = \sum_{x,y} p(x,y) \log\frac{p(x,y)}{p(x)p(y)}` from a joint table.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
    base : float, optional

    Returns
    -------
    float, >= 0
        :math:`\operatorname{KL}(p(x,y)\,\|\,p(x)p(y))`; symmetric: ``mutual_information(pxy.T)`` is the same.

    References
    ----------
    Book: Information theory, "Mutual information" (claim ``info.mi-symmetric``).

    Examples
    --------
    >>> round(mutual_information(np.array([[0.5, 0.0], [0.0, 0.5]]), base=2), 12)
    1.0
    """
    scale = _scale(base, "mutual_information")
    pxy = _distribution(pxy, "pxy", "mutual_information", ndim=2)
    independent = np.outer(pxy.sum(axis=1), pxy.sum(axis=0))
    return _plogp_ratio(pxy, independent) / scale


def markov_chain_joint(px: np.ndarray, py_given_x: np.ndarray, pz_given_y: np.ndarray) -> np.ndarray:
    r"""Joint table :math:`p(x, y, z) = p(x)\,p(y\mid x)\,p(z\mid y)` of a Markov chain :math:`X \to Y \to Z`.

    Parameters
    ----------
    px : ndarray, shape (n_x,)
    py_given_x : ndarray, shape (n_x, n_y)
        Rows sum to 1.
    pz_given_y : ndarray, shape (n_y, n_z)
        Rows sum to 1.

    Returns
    -------
    ndarray, shape (n_x, n_y, n_z)

    References
    ----------
    Book: Information theory, "The data-processing inequality" (claim ``info.data-processing``).

    Examples
    --------
    >>> markov_chain_joint(np.array([1.0]), np.array([[0.5, 0.5]]), np.eye(2)).shape
    (1, 2, 2)
    """
    px = _distribution(px, "px", "markov_chain_joint", ndim=1)
    pyx = _conditional(py_given_x, "py_given_x", "markov_chain_joint")
    pzy = _conditional(pz_given_y, "pz_given_y", "markov_chain_joint")
    if pyx.shape[0] != px.shape[0] or pzy.shape[0] != pyx.shape[1]:
        raise ValueError(f"markov_chain_joint: shapes do not chain: px {px.shape}, py_given_x {pyx.shape}, "
                         f"pz_given_y {pzy.shape}; need (n_x,), (n_x, n_y), (n_y, n_z).")
    return px[:, None, None] * pyx[:, :, None] * pzy[None, :, :]


# -------------------------------------------------------------------------------------------- Gaussians

def _gaussian_args(func: str, *pairs: tuple[object, str]) -> list[np.ndarray]:
    arrays = [(_positive(x, name, func) if name.startswith("sigma") else _real(x, name, func)) for x, name in pairs]
    shape = arrays[0].shape
    for arr, (_, name) in zip(arrays, pairs):
        if arr.shape != shape:
            raise ValueError(f"{func}: all arguments must have the same shape; {pairs[0][1]} has {shape} but "
                             f"{name} has {arr.shape}. Broadcast explicitly (numpy.broadcast_to) if you mean it.")
    return arrays


def gaussian_entropy(sigma: np.ndarray) -> np.ndarray:
    r"""Differential entropy of :math:`N(\mu, \sigma^2)`: :math:`\tfrac12 \log(2\pi e \sigma^2)` nats.

    Parameters
    ----------
    sigma : float or ndarray, any shape, > 0

    Returns
    -------
    float or ndarray, same shape (may be negative: differential entropy)

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).

    Examples
    --------
    >>> round(float(gaussian_entropy(1.0)), 6)
    1.418939
    """
    sigma = _positive(sigma, "sigma", "gaussian_entropy")
    return 0.5 * np.log(2 * np.pi * np.e) + np.log(sigma)


def kl_gaussian(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> np.ndarray:
    r"""Elementwise :math:`\operatorname{KL}(N(\mu_1, \sigma_1^2)\,\|\,N(\mu_2, \sigma_2^2))`.

    Parameters
    ----------
    mu1, sigma1, mu2, sigma2 : float or ndarray, all the same shape
        Means and standard deviations (sigmas > 0).

    Returns
    -------
    float or ndarray, same shape, >= 0

    Notes
    -----
    .. math:: \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12 .

    References
    ----------
    Book: Information theory, "KL between Gaussians" (claim ``info.kl-gaussian``).

    Examples
    --------
    >>> float(kl_gaussian(0.0, 1.0, 0.0, 1.0))
    0.0
    """
    m1, s1, m2, s2 = _gaussian_args("kl_gaussian", (mu1, "mu1"), (sigma1, "sigma1"), (mu2, "mu2"),
                                    (sigma2, "sigma2"))
    return np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


def kl_diagonal_gaussian(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> np.ndarray:
    r"""KL between Gaussians with diagonal covariances, summed over the last axis.

    Parameters
    ----------
    mu1, sigma1, mu2, sigma2 : ndarray, shape (..., d), all the same shape
        One d-dimensional Gaussian per leading index (e.g. (n, d): one per example).

    Returns
    -------
    float or ndarray, shape (...)
        A float for 1-D inputs.

    Notes
    -----
    .. math:: \sum_{j=1}^d \Bigl[\log\frac{\sigma_{2j}}{\sigma_{1j}}
              + \frac{\sigma_{1j}^2 + (\mu_{1j}-\mu_{2j})^2}{2\sigma_{2j}^2} - \frac12\Bigr].

    References
    ----------
    Book: Information theory, "KL between Gaussians" (claim ``info.kl-diagonal-gaussian``).

    Examples
    --------
    >>> float(kl_diagonal_gaussian(np.zeros(3), np.ones(3), np.ones(3), np.ones(3)))
    1.5
    """
    m1, s1, m2, s2 = _gaussian_args("kl_diagonal_gaussian", (mu1, "mu1"), (sigma1, "sigma1"), (mu2, "mu2"),
                                    (sigma2, "sigma2"))
    if m1.ndim == 0:
        raise ValueError("kl_diagonal_gaussian: the arguments must be at least 1-D (..., d); got scalars. "
                         "Use kl_gaussian for one coordinate.")
    out = np.sum(np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5, axis=-1)
    return float(out) if out.ndim == 0 else out


def kl_diagonal_gaussian_vjp(u: np.ndarray, mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray,
                             sigma2: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Vector-Jacobian product of :func:`kl_diagonal_gaussian` with respect to all four arguments.

    Parameters
    ----------
    u : float or ndarray, shape (...)
        Cotangent of the output.
    mu1, sigma1, mu2, sigma2 : ndarray, shape (..., d)

    Returns
    -------
    d_mu1, d_sigma1, d_mu2, d_sigma2 : ndarray, shape (..., d)

    Notes
    -----
    .. math:: \partial_{\mu_1} = \frac{\mu_1-\mu_2}{\sigma_2^2} = -\partial_{\mu_2},\quad
              \partial_{\sigma_1} = \frac{\sigma_1}{\sigma_2^2} - \frac1{\sigma_1},\quad
              \partial_{\sigma_2} = \frac1{\sigma_2} - \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{\sigma_2^3}.

    References
    ----------
    Book: Information theory, "KL between Gaussians" (claim ``info.kl-diagonal-gaussian``).
    """
    out = np.asarray(kl_diagonal_gaussian(mu1, sigma1, mu2, sigma2))
    u = _real(u, "u", "kl_diagonal_gaussian_vjp")
    if u.shape != out.shape:
        raise ValueError(f"kl_diagonal_gaussian_vjp: u must have the output's shape {out.shape}; got {u.shape}.")
    m1, s1, m2, s2 = (np.asarray(a, dtype=float) for a in (mu1, sigma1, mu2, sigma2))
    u = u[..., None]
    d_mu1 = u * (m1 - m2) / s2**2
    return (d_mu1, u * (s1 / s2**2 - 1 / s1), -d_mu1, u * (1 / s2 - (s1**2 + (m1 - m2) ** 2) / s2**3))


def _spd(S: object, name: str, d: int, func: str) -> np.ndarray:
    S = _real(S, name, func)
    if S.shape != (d, d):
        raise ValueError(f"{func}: {name} must be ({d}, {d}) to match the mean; got {S.shape}.")
    if not np.allclose(S, S.T, rtol=0, atol=1e-12 * max(1.0, float(np.abs(S).max()))):
        raise ValueError(f"{func}: {name} must be symmetric; use (S + S.T) / 2.")
    try:
        return np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        raise ValueError(f"{func}: {name} must be positive definite (a covariance); its Cholesky factorisation "
                         "failed.") from None


def kl_mvn(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    r""":math:`\operatorname{KL}(N(\mu_1,\Sigma_1)\,\|\,N(\mu_2,\Sigma_2))` for full covariances.

    Parameters
    ----------
    mu1, mu2 : ndarray, shape (d,)
    cov1, cov2 : ndarray, shape (d, d)
        Symmetric positive definite.

    Returns
    -------
    float, >= 0

    Notes
    -----
    .. math:: \tfrac12\bigl[\operatorname{tr}(\Sigma_2^{-1}\Sigma_1) + (\mu_2-\mu_1)^\top\Sigma_2^{-1}(\mu_2-\mu_1)
              - d + \log\det\Sigma_2 - \log\det\Sigma_1\bigr],

    computed with Cholesky factors (no explicit inverse). For diagonal covariances it equals
    :func:`kl_diagonal_gaussian`.

    References
    ----------
    Book: Information theory, "Eq (2) is the negative ELBO" (claim ``info.eq2-negative-elbo``).

    Examples
    --------
    >>> kl_mvn(np.zeros(2), np.eye(2), np.zeros(2), np.eye(2))
    0.0
    """
    m1, m2 = _real(mu1, "mu1", "kl_mvn"), _real(mu2, "mu2", "kl_mvn")
    if m1.ndim != 1 or m1.shape != m2.shape:
        raise ValueError(f"kl_mvn: mu1 and mu2 must be 1-D of the same length; got {m1.shape} and {m2.shape}.")
    d = m1.shape[0]
    L1, L2 = _spd(cov1, "cov1", d, "kl_mvn"), _spd(cov2, "cov2", d, "kl_mvn")
    A = np.linalg.solve(L2, L1)                       # L2^{-1} L1: tr(S2^{-1} S1) = ||A||_F^2
    r = np.linalg.solve(L2, m2 - m1)
    logdet = 2 * (np.sum(np.log(np.diag(L2))) - np.sum(np.log(np.diag(L1))))
    return float(0.5 * (np.sum(A**2) + r @ r - d + logdet))


# ------------------------------------------------------------------------------ eq (1) and eq (2)

def empirical_cross_entropy(phi: np.ndarray, y: np.ndarray) -> float:
    r"""Source 000's eq (1): :math:`l(W) = \mathbb E_{\hat P(X,Y)}[-\log \Phi(X,W)_Y]` on n examples.

    Parameters
    ----------
    phi : ndarray, shape (n, k)
        Model probabilities :math:`\Phi(x_i, W)`, one row per example, rows summing to 1.
    y : ndarray of int, shape (n,)
        Labels in ``[0, k)``.

    Returns
    -------
    float
        The average of :math:`H(e_{y_i}, \Phi(x_i, W)) = -\log \Phi(x_i,W)_{y_i}` over the empirical distribution
        (``+inf`` if a label has probability 0).

    References
    ----------
    Book: Information theory, "Eq (1): the empirical cross-entropy" (claim ``info.eq1-empirical-nll``).

    Examples
    --------
    >>> round(empirical_cross_entropy(np.array([[0.5, 0.5], [0.25, 0.75]]), np.array([0, 1])), 6)
    0.490415
    """
    phi = _conditional(phi, "phi", "empirical_cross_entropy")
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != (phi.shape[0],):
        raise ValueError(f"empirical_cross_entropy: y must be integer labels of shape ({phi.shape[0]},); got "
                         f"dtype {y.dtype}, shape {y.shape}.")
    if y.size and (y.min() < 0 or y.max() >= phi.shape[1]):
        raise ValueError(f"empirical_cross_entropy: labels must lie in [0, {phi.shape[1]}); got "
                         f"[{y.min()}, {y.max()}].")
    n = phi.shape[0]
    onehot = np.zeros_like(phi)
    onehot[np.arange(n), y] = 1.0
    return float(np.mean([cross_entropy(onehot[i], phi[i]) for i in range(n)]))


def _regression(X: object, y: object, noise_var: object, prior_var: object, func: str):
    X, y = _real(X, "X", func), _real(y, "y", func)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"{func}: need X (n, d) and y (n,); got X {X.shape}, y {y.shape}.")
    s2, p2 = (float(_positive(v, name, func)) for v, name in ((noise_var, "noise_var"), (prior_var, "prior_var")))
    return X, y, s2, p2


def bayes_linear_posterior(X: np.ndarray, y: np.ndarray, noise_var: float, prior_var: float
                           ) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact posterior :math:`p(w\mid X,y) = N(m, S)` of :math:`y = Xw + \varepsilon`, :math:`w\sim N(0, s^2 I)`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    noise_var : float
        :math:`\sigma^2`, the known noise variance.
    prior_var : float
        :math:`s^2`, the prior variance of each weight.

    Returns
    -------
    m : ndarray, shape (d,)
    S : ndarray, shape (d, d)

    Notes
    -----
    .. math:: S = (X^\top X/\sigma^2 + I/s^2)^{-1}, \qquad m = S X^\top y / \sigma^2 .

    References
    ----------
    Book: Information theory, "Eq (2) is the negative ELBO" (claim ``info.eq2-negative-elbo``).
    """
    X, y, s2, p2 = _regression(X, y, noise_var, prior_var, "bayes_linear_posterior")
    S = np.linalg.inv(X.T @ X / s2 + np.eye(X.shape[1]) / p2)
    S = (S + S.T) / 2
    return S @ X.T @ y / s2, S


def bayes_linear_log_evidence(X: np.ndarray, y: np.ndarray, noise_var: float, prior_var: float) -> float:
    r"""Exact log evidence :math:`\log p(y\mid X) = \log N(y;\,0,\,\sigma^2 I + s^2 X X^\top)`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    noise_var, prior_var : float

    Returns
    -------
    float

    References
    ----------
    Book: Information theory, "Eq (2) is the negative ELBO" (claim ``info.eq2-negative-elbo``).
    """
    X, y, s2, p2 = _regression(X, y, noise_var, prior_var, "bayes_linear_log_evidence")
    C = s2 * np.eye(X.shape[0]) + p2 * X @ X.T
    L = np.linalg.cholesky(C)
    r = np.linalg.solve(L, y)
    return float(-0.5 * (X.shape[0] * np.log(2 * np.pi) + 2 * np.sum(np.log(np.diag(L))) + r @ r))


def bayes_linear_negative_elbo(X: np.ndarray, y: np.ndarray, noise_var: float, prior_var: float,
                               q_mean: np.ndarray, q_cov: np.ndarray, lam: float = 1.0) -> float:
    r"""Source 000's eq (2) for Bayesian linear regression with a Gaussian :math:`q(w) = N(\mu, \Sigma)`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    noise_var, prior_var : float
    q_mean : ndarray, shape (d,)
    q_cov : ndarray, shape (d, d)
    lam : float
        :math:`\lambda \ge 0`; with :math:`\lambda = 1` this is the negative evidence lower bound.

    Returns
    -------
    float

    Notes
    -----
    .. math:: \mathbb E_q[-\log p(y\mid X,w)] + \lambda\,\operatorname{KL}(q\,\|\,N(0, s^2 I)), \qquad
              \mathbb E_q[-\log p(y\mid X,w)] = \tfrac n2\log(2\pi\sigma^2)
              + \frac{\lVert y - X\mu\rVert^2 + \operatorname{tr}(X\Sigma X^\top)}{2\sigma^2}.

    For :math:`\lambda = 1` it equals :math:`-\log p(y\mid X) + \operatorname{KL}(q\,\|\,p(w\mid X,y))`.

    References
    ----------
    Book: Information theory, "Eq (2) is the negative ELBO" (claim ``info.eq2-negative-elbo``).
    """
    func = "bayes_linear_negative_elbo"
    X, y, s2, p2 = _regression(X, y, noise_var, prior_var, func)
    mu = _real(q_mean, "q_mean", func)
    if mu.shape != (X.shape[1],):
        raise ValueError(f"{func}: q_mean must have shape ({X.shape[1]},); got {mu.shape}.")
    lam_arr = _real(lam, "lam", func)
    if lam_arr.ndim != 0 or lam_arr < 0:
        raise ValueError(f"{func}: lam must be a number >= 0; got {lam!r}.")
    d = X.shape[1]
    kl = kl_mvn(mu, q_cov, np.zeros(d), p2 * np.eye(d))
    S = np.asarray(q_cov, dtype=float)
    resid = y - X @ mu
    expected_nll = 0.5 * X.shape[0] * np.log(2 * np.pi * s2) + (resid @ resid + np.trace(X @ S @ X.T)) / (2 * s2)
    return float(expected_nll + float(lam_arr) * kl)


# ------------------------------------------------------------------------------ information bottleneck

@dataclasses.dataclass(frozen=True)
class IBResult:
    """A solution of the iterative IB: the encoder p(t|x), its two informations, and the Lagrangian's history."""

    encoder: np.ndarray          # (n_x, n_t) p(t | x), rows sum to 1
    ixt: float                   # I(X; T), nats
    ity: float                   # I(T; Y), nats
    lagrangian: np.ndarray       # (iterations + 1,) I(X;T) - beta I(T;Y) after each iteration
    iterations: int
    converged: bool


def _ib_joint(pxy: object, func: str) -> np.ndarray:
    pxy = _distribution(pxy, "pxy", func, ndim=2)
    if np.any(pxy.sum(axis=1) == 0):
        raise ValueError(f"{func}: every x must have p(x) > 0 (p(y|x) is undefined otherwise); drop the empty "
                         "rows of pxy.")
    return pxy


def ib_information(pxy: np.ndarray, encoder: np.ndarray) -> tuple[float, float]:
    r"""The two informations of an encoder :math:`p(t\mid x)` under the Markov chain :math:`T - X - Y`.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
        Joint distribution with :math:`p(x) > 0` for every x.
    encoder : ndarray, shape (n_x, n_t)
        :math:`p(t\mid x)`, rows summing to 1.

    Returns
    -------
    ixt, ity : float
        :math:`I(X;T)` from :math:`p(x,t) = p(x)p(t\mid x)` and :math:`I(T;Y)` from
        :math:`p(t,y) = \sum_x p(t\mid x) p(x,y)`, in nats.

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).
    """
    pxy = _ib_joint(pxy, "ib_information")
    enc = _conditional(encoder, "encoder", "ib_information")
    if enc.shape[0] != pxy.shape[0]:
        raise ValueError(f"ib_information: encoder must have one row per x ({pxy.shape[0]}); got {enc.shape}.")
    return _ib_pair(pxy, enc)


def _mi_table(pab: np.ndarray) -> float:
    """I(A;B) of a valid joint table, without re-validation (inner loop of the IB iteration)."""
    return _plogp_ratio(pab, np.outer(pab.sum(axis=1), pab.sum(axis=0)))


def _ib_pair(pxy: np.ndarray, enc: np.ndarray) -> tuple[float, float]:
    pxt = pxy.sum(axis=1)[:, None] * enc
    pty = enc.T @ pxy
    return _mi_table(pxt / pxt.sum()), _mi_table(pty / pty.sum())


def ib_lagrangian(pxy: np.ndarray, encoder: np.ndarray, beta: float) -> float:
    r"""The IB Lagrangian :math:`\mathcal L = I(X;T) - \beta\, I(T;Y)` of Tishby, Pereira & Bialek (2000).

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
    encoder : ndarray, shape (n_x, n_t)
    beta : float, >= 0

    Returns
    -------
    float

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).

    Examples
    --------
    >>> pxy = np.array([[0.4, 0.1], [0.1, 0.4]])
    >>> round(ib_lagrangian(pxy, np.eye(2), beta=1.0), 6)
    0.500402
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)) or not beta >= 0:
        raise ValueError(f"ib_lagrangian: beta must be a number >= 0; got {beta!r}.")
    ixt, ity = ib_information(pxy, encoder)
    return ixt - float(beta) * ity


def iterative_ib(pxy: np.ndarray, beta: float, n_clusters: int, *, iters: int = 1000, tol: float = 1e-10,
                 seed: int = 0, init: np.ndarray | None = None) -> IBResult:
    r"""The self-consistent iterative IB algorithm of Tishby, Pereira & Bialek (2000).

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
        Joint distribution with :math:`p(x) > 0` for every x.
    beta : float, >= 0
        Trade-off: larger keeps more information about Y.
    n_clusters : int
        :math:`|T|`.
    iters : int
        Maximum number of iterations.
    tol : float
        Stop when no entry of the encoder moves by more than ``tol``.
    seed : int
        Seed of the random initial encoder (ignored when ``init`` is given).
    init : ndarray, shape (n_x, n_clusters), optional
        Initial encoder (rows sum to 1).

    Returns
    -------
    IBResult

    Notes
    -----
    Each iteration sets, with :math:`p(t)` and :math:`p(y\mid t)` the marginals of the current encoder,

    .. math:: p(t\mid x) \propto p(t)\, \exp\bigl(-\beta\,\operatorname{KL}(p(y\mid x)\,\|\,p(y\mid t))\bigr).

    It is an alternating minimisation of :math:`\sum_x p(x)\operatorname{KL}(p(t|x)\|p(t))
    + \beta\,\mathbb E\operatorname{KL}(p(y|x)\|p(y|t))`, which equals :math:`\mathcal L + \beta I(X;Y)` once the
    marginals are consistent, so the recorded Lagrangian never increases. The normalisation is done in the log
    domain (no overflow for large beta); a cluster with :math:`p(t) = 0` stays empty.

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).
    """
    func = "iterative_ib"
    pxy = _ib_joint(pxy, func)
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)) or not beta >= 0 \
            or not math.isfinite(beta):
        raise ValueError(f"{func}: beta must be a finite number >= 0; got {beta!r}.")
    for value, name in ((n_clusters, "n_clusters"), (iters, "iters")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{func}: {name} must be a positive int; got {value!r}.")
    px = pxy.sum(axis=1)
    py_x = pxy / px[:, None]
    log_py_x = np.zeros_like(py_x)
    np.log(py_x, out=log_py_x, where=py_x > 0)
    if init is None:
        enc = np.random.default_rng(seed).dirichlet(np.ones(n_clusters), size=pxy.shape[0])
    else:
        enc = _conditional(init, "init", func)
        if enc.shape != (pxy.shape[0], n_clusters):
            raise ValueError(f"{func}: init must have shape ({pxy.shape[0]}, {n_clusters}); got {enc.shape}.")
        enc = enc.copy()
    def lagrangian(e: np.ndarray) -> float:
        ixt, ity = _ib_pair(pxy, e)
        return ixt - beta * ity

    history = [lagrangian(enc)]
    converged = False
    it = 0
    for it in range(1, iters + 1):
        pt = px @ enc
        alive = pt > 0
        py_t = np.broadcast_to(pxy.sum(axis=0), (n_clusters, pxy.shape[1])).copy()
        py_t[alive] = (enc[:, alive] * px[:, None]).T @ py_x / pt[alive, None]
        log_py_t = np.full_like(py_t, -np.inf)
        np.log(py_t, out=log_py_t, where=py_t > 0)
        diff = log_py_x[:, None, :] - log_py_t[None, :, :]                   # (x, t, y), may be +inf
        terms = np.zeros_like(diff)
        np.multiply(py_x[:, None, :], diff, out=terms, where=py_x[:, None, :] > 0)
        kl = terms.sum(axis=2)                                               # KL(p(y|x) || p(y|t))
        logits = np.full_like(kl, -np.inf)
        finite = alive[None, :] & np.isfinite(kl)
        logits[finite] = (np.log(np.broadcast_to(pt, kl.shape)[finite]) - beta * kl[finite])
        new = enc.copy()
        rows = np.isfinite(logits).any(axis=1)                               # rows with a reachable cluster
        shifted = logits[rows] - logits[rows].max(axis=1, keepdims=True)
        with np.errstate(under="ignore"):                                   # exp(-large) -> 0 is intended
            weights = np.where(np.isfinite(shifted), np.exp(np.where(np.isfinite(shifted), shifted, 0.0)), 0.0)
        new[rows] = weights / weights.sum(axis=1, keepdims=True)
        step = float(np.max(np.abs(new - enc)))
        enc = new
        history.append(lagrangian(enc))
        if step < tol:
            converged = True
            break
    ixt, ity = _ib_pair(pxy, enc)
    return IBResult(encoder=enc, ixt=ixt, ity=ity, lagrangian=np.array(history), iterations=it,
                    converged=converged)


def ib_tradeoff(pxy: np.ndarray, betas: np.ndarray, n_clusters: int, *, restarts: int = 3, seed: int = 0,
                iters: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    r"""The IB trade-off curve: for each beta, the best of ``restarts`` runs of :func:`iterative_ib`.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
    betas : ndarray, shape (m,)
    n_clusters : int
    restarts : int
        Random initial encoders per beta (seeds ``seed``, ``seed + 1``, ...); the lowest Lagrangian wins.
    seed, iters : int

    Returns
    -------
    ixt, ity : ndarray, shape (m,)
        :math:`I(X;T)` and :math:`I(T;Y)` of the chosen solution for each beta (nats).

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).
    """
    betas = _real(betas, "betas", "ib_tradeoff")
    if betas.ndim != 1 or np.any(betas < 0):
        raise ValueError(f"ib_tradeoff: betas must be a 1-D array of numbers >= 0; got shape {betas.shape}.")
    if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
        raise ValueError(f"ib_tradeoff: restarts must be a positive int; got {restarts!r}.")
    ixt, ity = np.zeros(len(betas)), np.zeros(len(betas))
    for i, beta in enumerate(betas):
        runs = [iterative_ib(pxy, float(beta), n_clusters, seed=seed + r, iters=iters) for r in range(restarts)]
        best = min(runs, key=lambda res: res.lagrangian[-1])
        ixt[i], ity[i] = best.ixt, best.ity
    return ixt, ity


# ------------------------------------------------------------------------------ information dropout

def _same_shapes(func: str, *pairs: tuple[np.ndarray, str]) -> None:
    shape = pairs[0][0].shape
    for arr, name in pairs[1:]:
        if arr.shape != shape:
            raise ValueError(f"{func}: {name} must have {pairs[0][1]}'s shape {shape}; got {arr.shape}.")


def information_dropout(f: np.ndarray, alpha: np.ndarray, xi: np.ndarray) -> np.ndarray:
    r"""Information dropout: multiply activations by log-normal noise, :math:`z = f \odot e^{\alpha\odot\xi}`.

    Parameters
    ----------
    f : ndarray, any shape
        Activations :math:`f(x)` (ReLU or softplus outputs in the paper).
    alpha : ndarray, same shape, > 0
        Noise scales :math:`\alpha(x)`, themselves computed by the network.
    xi : ndarray, same shape
        Standard normal draws (passed in, so the op is deterministic and differentiable).

    Returns
    -------
    ndarray, same shape
        :math:`z`, with :math:`\log\varepsilon = \alpha\xi \sim N(0, \alpha^2)`.

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).

    Examples
    --------
    >>> information_dropout(np.array([2.0]), np.array([0.5]), np.array([0.0]))
    array([2.])
    """
    func = "information_dropout"
    f, alpha, xi = _real(f, "f", func), _positive(alpha, "alpha", func), _real(xi, "xi", func)
    _same_shapes(func, (f, "f"), (alpha, "alpha"), (xi, "xi"))
    return f * np.exp(alpha * xi)


def information_dropout_vjp(u: np.ndarray, f: np.ndarray, alpha: np.ndarray, xi: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    r"""VJP of :func:`information_dropout` with respect to ``f`` and ``alpha`` (reparameterised noise).

    Returns
    -------
    d_f, d_alpha : ndarray
        :math:`u\, e^{\alpha\xi}` and :math:`u\, f\, \xi\, e^{\alpha\xi}`.

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).
    """
    z = information_dropout(f, alpha, xi)
    u = _real(u, "u", "information_dropout_vjp")
    _same_shapes("information_dropout_vjp", (z, "f"), (u, "u"))
    noise = np.exp(np.asarray(alpha, dtype=float) * np.asarray(xi, dtype=float))
    return u * noise, u * z * np.asarray(xi, dtype=float)


def information_dropout_kl_log_uniform(alpha: np.ndarray) -> np.ndarray:
    r"""Information dropout's KL per unit for ReLU units and a log-uniform prior: :math:`-\log\alpha`.

    Parameters
    ----------
    alpha : ndarray, any shape, > 0

    Returns
    -------
    ndarray, same shape

    Notes
    -----
    With :math:`\log z \sim N(\log f, \alpha^2)` (for :math:`f > 0`) and the improper prior :math:`q(\log z) = c`,

    .. math:: \operatorname{KL} = -h\bigl(N(\log f,\alpha^2)\bigr) - \log c = -\log\alpha - \tfrac12\log(2\pi e)
              - \log c ;

    the constant does not depend on the network and is dropped, as in Achille & Soatto (2016), Prop. 3.

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).

    Examples
    --------
    >>> information_dropout_kl_log_uniform(np.array([1.0]))
    array([-0.])
    """
    return -np.log(_positive(alpha, "alpha", "information_dropout_kl_log_uniform"))


def information_dropout_kl_log_normal(f: np.ndarray, alpha: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    r"""Information dropout's KL per unit for a log-normal prior :math:`\log z \sim N(\mu, \sigma^2)`.

    Parameters
    ----------
    f : ndarray, any shape, > 0
        Activations (softplus outputs are positive).
    alpha : ndarray, same shape, > 0
    mu, sigma : float
        The prior's log-mean and log-standard deviation (sigma > 0).

    Returns
    -------
    ndarray, same shape

    Notes
    -----
    KL divergence is unchanged by the change of variable :math:`u = \log z`, so the KL between the two
    log-normals is the KL between the Gaussians of the logs:

    .. math:: \log\frac{\sigma}{\alpha} + \frac{\alpha^2 + (\log f - \mu)^2}{2\sigma^2} - \frac12 .

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).
    """
    func = "information_dropout_kl_log_normal"
    f, alpha = _positive(f, "f", func), _positive(alpha, "alpha", func)
    _same_shapes(func, (f, "f"), (alpha, "alpha"))
    mu_arr, sigma_arr = _real(mu, "mu", func), _positive(sigma, "sigma", func)
    if mu_arr.ndim or sigma_arr.ndim:
        raise ValueError(f"{func}: mu and sigma must be scalars (one prior for all units).")
    return kl_gaussian(np.log(f), alpha, np.full_like(f, float(mu_arr)), np.full_like(f, float(sigma_arr)))


# ------------------------------------------------------------------------------------- deep VIB

def _vib_args(mu, sigma, xi, W, b, y, beta, func):
    mu, sigma = _real(mu, "mu", func), _positive(sigma, "sigma", func)
    xi, W, b = _real(xi, "xi", func), _real(W, "W", func), _real(b, "b", func)
    if mu.ndim != 2 or sigma.shape != mu.shape:
        raise ValueError(f"{func}: mu and sigma must both be (n, k); got {mu.shape} and {sigma.shape}.")
    if xi.ndim != 3 or xi.shape[1:] != mu.shape:
        raise ValueError(f"{func}: xi must be (S, n, k) = (S, {mu.shape[0]}, {mu.shape[1]}), one standard normal "
                         f"draw per sample; got {xi.shape}.")
    if W.ndim != 2 or W.shape[0] != mu.shape[1] or b.shape != (W.shape[1],):
        raise ValueError(f"{func}: the decoder needs W (k, c) with k = {mu.shape[1]} and b (c,); got W {W.shape}, "
                         f"b {b.shape}.")
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != (mu.shape[0],) or (y.size and (y.min() < 0 or y.max() >= W.shape[1])):
        raise ValueError(f"{func}: y must be integer labels of shape ({mu.shape[0]},) in [0, {W.shape[1]}); got "
                         f"dtype {y.dtype}, shape {y.shape}.")
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)) or not beta >= 0:
        raise ValueError(f"{func}: beta must be a number >= 0; got {beta!r}.")
    return mu, sigma, xi, W, b, y, float(beta)


def vib_loss(mu: np.ndarray, sigma: np.ndarray, xi: np.ndarray, W: np.ndarray, b: np.ndarray, y: np.ndarray,
             beta: float) -> float:
    r"""The deep variational information bottleneck loss of Alemi et al. (2016), Monte Carlo with fixed draws.

    Parameters
    ----------
    mu, sigma : ndarray, shape (n, k)
        Encoder outputs: :math:`p(z\mid x_i) = N(\mu_i, \operatorname{diag}\sigma_i^2)`.
    xi : ndarray, shape (S, n, k)
        Standard normal draws; the samples are :math:`z = \mu + \sigma\odot\xi` (reparameterisation).
    W : ndarray, shape (k, c)
    b : ndarray, shape (c,)
        The softmax decoder :math:`q(y\mid z) = \operatorname{softmax}(zW + b)_y`.
    y : ndarray of int, shape (n,)
    beta : float, >= 0

    Returns
    -------
    float

    Notes
    -----
    .. math:: J = \frac1{nS}\sum_{i,s} -\log q(y_i \mid \mu_i + \sigma_i\odot\xi_{si})
              + \frac\beta n\sum_i \operatorname{KL}(N(\mu_i,\sigma_i^2)\,\|\,N(0, I)).

    References
    ----------
    Book: Information theory, "The deep variational information bottleneck" (claim ``info.vib-loss``).
    """
    mu, sigma, xi, W, b, y, beta = _vib_args(mu, sigma, xi, W, b, y, beta, "vib_loss")
    S, n, k = xi.shape
    logits = ((mu + sigma * xi) @ W + b).reshape(S * n, -1)
    nll = -log_softmax(logits)[np.arange(S * n), np.tile(y, S)]
    kl = kl_diagonal_gaussian(mu, sigma, np.zeros_like(mu), np.ones_like(sigma))
    return float(np.mean(nll) + beta * np.mean(kl))


def vib_loss_vjp(u: float, mu: np.ndarray, sigma: np.ndarray, xi: np.ndarray, W: np.ndarray, b: np.ndarray,
                 y: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""VJP of :func:`vib_loss` with respect to ``mu``, ``sigma``, ``W`` and ``b``.

    Returns
    -------
    d_mu, d_sigma : ndarray, shape (n, k)
    d_W : ndarray, shape (k, c)
    d_b : ndarray, shape (c,)

    Notes
    -----
    With :math:`G = u\,(\operatorname{softmax}(zW+b) - e_y)/(nS)` per sample and :math:`D = G W^\top`:

    .. math:: \partial_\mu = \sum_s D_s + \frac{u\beta}{n}\mu, \quad
              \partial_\sigma = \sum_s D_s\odot\xi_s + \frac{u\beta}{n}\Bigl(\sigma - \frac1\sigma\Bigr), \quad
              \partial_W = \sum_s z_s^\top G_s, \quad \partial_b = \sum_{s,i} G_{si}.

    The noise enters only through :math:`\xi`, so the gradient flows through the sample to :math:`\mu` and
    :math:`\sigma` (Kingma & Welling's reparameterisation).

    References
    ----------
    Book: Information theory, "The deep variational information bottleneck" (claim ``info.vib-loss``).
    """
    mu, sigma, xi, W, b, y, beta = _vib_args(mu, sigma, xi, W, b, y, beta, "vib_loss_vjp")
    u_arr = _real(u, "u", "vib_loss_vjp")
    if u_arr.ndim:
        raise ValueError(f"vib_loss_vjp: u must be a scalar (the loss is a scalar); got shape {u_arr.shape}.")
    u = float(u_arr)
    S, n, k = xi.shape
    z = mu + sigma * xi                                           # (S, n, k)
    G = softmax((z @ W + b).reshape(S * n, -1)).reshape(S, n, -1)
    G[:, np.arange(n), y] -= 1.0
    G *= u / (n * S)
    D = G @ W.T                                                   # (S, n, k)
    d_mu = D.sum(axis=0) + u * beta * mu / n
    d_sigma = (D * xi).sum(axis=0) + u * beta * (sigma - 1.0 / sigma) / n
    d_W = np.einsum("sik,sic->kc", z, G)
    return d_mu, d_sigma, d_W, G.sum(axis=(0, 1))

"""Chapter — Information theory: entropy, KL divergence, mutual information, and the review's eqs (1)-(2).

Discrete distributions are numpy arrays of probabilities: a 1-D array ``p`` of shape (k,) is a distribution on k
outcomes; a 2-D joint table ``pxy`` of shape (n_x, n_y) has rows indexed by x and columns by y. Every discrete
function validates its input (non-negative, summing to 1 within :data:`PROB_ATOL`, matching shapes) and treats
``0 log 0 = 0`` explicitly. Units are nats; pass ``base=2`` for bits.

The continuous pieces are the Gaussian KL divergences (univariate, diagonal, full covariance) and eq (2) of
the review for Bayesian linear regression (its exact posterior and evidence are in :mod:`mathdl.estimation`).
The information bottleneck, information dropout and the deep variational IB loss are in :mod:`mathdl.bottleneck`.
Every function implements a formula derived in ``book/information.ipynb`` and is checked in
``tests/test_info.py``; :data:`CLAIMS` names the facts of the whole chapter, including those
:mod:`mathdl.bottleneck` implements.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS", "PROB_ATOL",
    "entropy", "cross_entropy", "kl_divergence", "conditional_entropy", "mutual_information",
    "markov_chain_joint", "gaussian_entropy", "kl_gaussian", "kl_diagonal_gaussian", "kl_diagonal_gaussian_vjp",
    "kl_mvn", "empirical_cross_entropy", "bayes_linear_negative_elbo",
]

#: The facts of this chapter, by claim id. The book, the tests and the ledger use these ids.
CLAIMS = {
    "info.entropy-chain-rule": "H(X, Y) = H(X) + H(Y | X)",
    "info.gibbs-inequality": "KL(p || q) >= 0, with equality iff p = q (from log x <= x - 1; the identity "
                             "KL = sum p g(q/p) proved on the simplex for four outcomes)",
    "info.cross-entropy-decomposition": "H(p, q) = H(p) + KL(p || q)",
    "info.mi-symmetric": "I(X; Y) = H(X) - H(X | Y) = H(Y) - H(Y | X) = H(X) + H(Y) - H(X, Y) = I(Y; X)",
    "info.data-processing": "for a Markov chain X -> Y -> Z, I(X; Z | Y) = 0 (proved for three binary variables), "
                            "hence I(X; Z) <= I(X; Y)",
    "info.kl-gaussian": "KL(N(m1, s1^2) || N(m2, s2^2)) = log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2 "
                        "= ((r - 1 - log r) + (m1 - m2)^2 / s2^2) / 2 with r = s1^2 / s2^2 (computed without "
                        "cancellation, never negative)",
    "info.kl-diagonal-gaussian": "the KL between diagonal Gaussians is the sum of the per-coordinate KLs",
    "info.eq1-empirical-nll": "eq (1): E_P(X,Y)[-log Phi(X, W)] on the empirical distribution is the average "
                              "negative log-likelihood of the labels",
    "info.eq2-negative-elbo": "eq (2) with lambda = 1 and the summed NLL (n times eq (1)'s average) is the negative "
                              "ELBO: E_q[-log p(Y|X,W)] + KL(q || p(W)) = -log p(Y|X) + KL(q || p(W|X,Y)) "
                              ">= -log p(Y|X); with eq (1)'s average the ELBO has lambda = 1/n",
    "info.ib-lagrangian": "the IB update p(t|x) ~ p(t) exp(-beta KL(p(y|x) || p(y|t))) minimises the per-x "
                          "functional (proved for two clusters); that the self-consistent iteration never increases "
                          "I(X;T) - beta I(T;Y) is measured on a seeded problem",
    "info.information-dropout-kl": "information dropout's KL: -log alpha + const for a log-uniform prior; for a "
                                   "log-normal prior, the KL between the Gaussians of the logs",
    "info.vib-loss": "deep VIB loss: E_eps[-log q(y | mu + sigma eps)] + beta KL(N(mu, sigma^2) || N(0, I)), "
                     "with its reparameterised gradient",
    "info.jensen-log": "Jensen for the logarithm: log sum_i w_i x_i - sum_i w_i log x_i = KL(w || q) >= 0 with "
                       "q_i = w_i x_i / sum_j w_j x_j (proved in general from sums)",
    "info.max-entropy-uniform": "H(p) = log k - KL(p || uniform) <= log k on k outcomes, equality only for the "
                                "uniform distribution (proved in general and on the simplex for k = 3)",
    "info.max-entropy-gaussian": "among densities with variance sigma^2 the Gaussian has the largest differential "
                                 "entropy 1/2 log(2 pi e sigma^2); the gap is KL(f || N(mu, sigma^2)) (uniform, "
                                 "Laplace, logistic checked)",
    "info.differential-entropy-negative": "differential entropy can be negative (h(U[0, a]) = log a < 0 for a < 1) "
                                          "and shifts by log c under x -> c x; H(X_Delta) + log Delta -> h(X) "
                                          "(measured for a quantised Gaussian)",
    "info.gaussian-mi": "for a bivariate Gaussian with correlation rho, I(X; Y) = -1/2 log(1 - rho^2)",
    "info.mi-plugin-bias": "the plug-in MI estimate of independent variables is biased upwards by about "
                           "(k_x - 1)(k_y - 1) / (2N) nats (measured)",
    "info.infonce-bound": "InfoNCE: I(X; Y) = I_NCE(f) + E_Q KL(p(i|.) || q_f(i|.)) + KL(Q_K || R) >= I_NCE(f), "
                          "and I_NCE(f) <= log K (discrete case; the density ratio proved for K = 3, the "
                          "decomposition checked numerically; saturation at log K measured on Gaussians)",
    "info.rate-distortion-binary": "rate-distortion of a Bernoulli(p) source under Hamming distortion: "
                                   "R(D) = h(p) - h(D) for D < min(p, 1 - p), achieved by the test channel; "
                                   "Blahut-Arimoto reaches the curve",
    "info.information-plane-degenerate": "for a deterministic layer T = f(X) on n distinct inputs the binned "
                                         "I(X; T) = H(bin(T)) reaches log n once bins separate the inputs, and "
                                         "its 'compression' with coarse bins measures saturation, not "
                                         "forgetting (measured)",
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
    total = math.inf if np.any(q[mask] == 0) else float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask]))))
    return total


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
    nats = math.inf if np.any(q[mask] == 0) else float(-np.sum(p[mask] * np.log(q[mask])))
    return nats / scale


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

def _check_gaussian_args(func: str, *pairs: tuple[object, str]) -> None:
    """Check the arguments of a Gaussian KL: real, sigmas > 0, one common shape."""
    shape = None
    for x, name in pairs:
        arr = _positive(x, name, func) if name.startswith("sigma") else _real(x, name, func)
        shape = arr.shape if shape is None else shape
        if arr.shape != shape:
            raise ValueError(f"{func}: all arguments must have the same shape; {pairs[0][1]} has {shape} but "
                             f"{name} has {arr.shape}. Broadcast explicitly (numpy.broadcast_to) if you mean it.")


def _kl_gaussian_terms(m1: np.ndarray, s1: np.ndarray, m2: np.ndarray, s2: np.ndarray) -> np.ndarray:
    r"""Elementwise Gaussian KL in a form that cannot cancel below 0 (validated inputs).

    With :math:`r = \sigma_1^2/\sigma_2^2` and :math:`t = \log r`,

    .. math:: \operatorname{KL} = \tfrac12\Bigl[(r - 1 - \log r) + \frac{(\mu_1-\mu_2)^2}{\sigma_2^2}\Bigr],
              \qquad r - 1 - \log r = \operatorname{expm1}(t) - t .

    computed with :math:`t = 2\log(\sigma_1/\sigma_2)`. The exact :math:`e^t - 1` exceeds :math:`t` (a float) for
    :math:`t \ne 0`, so a faithfully rounded ``expm1(t)`` is a float :math:`\ge t` and ``expm1(t) - t`` is
    :math:`\ge 0`; the textbook form :math:`\log(\sigma_2/\sigma_1) + \sigma_1^2/(2\sigma_2^2) - \tfrac12`
    adds three terms of size about 1 to get a result near 0 and returns values like :math:`-2\cdot 10^{-16}`
    for :math:`\sigma_1 \approx \sigma_2`.
    """
    t = 2.0 * np.log(s1 / s2)
    return 0.5 * ((np.expm1(t) - t) + ((m1 - m2) / s2) ** 2)


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
    .. math:: \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12
              = \tfrac12\Bigl[(r - 1 - \log r) + \frac{(\mu_1-\mu_2)^2}{\sigma_2^2}\Bigr],
              \quad r = \frac{\sigma_1^2}{\sigma_2^2},

    computed in the second form with :math:`r - 1 - \log r = \operatorname{expm1}(t) - t`, :math:`t = \log r`, which
    is never negative in floating point (the first form cancels to about :math:`-10^{-16}` when
    :math:`\sigma_1 \approx \sigma_2`).

    References
    ----------
    Book: Information theory, "KL between Gaussians" (claim ``info.kl-gaussian``).

    Examples
    --------
    >>> float(kl_gaussian(0.0, 1.0, 0.0, 1.0))
    0.0
    """
    _check_gaussian_args("kl_gaussian", (mu1, "mu1"), (sigma1, "sigma1"), (mu2, "mu2"), (sigma2, "sigma2"))
    m1, s1, m2, s2 = (np.asarray(a, dtype=float) for a in (mu1, sigma1, mu2, sigma2))
    return _kl_gaussian_terms(m1, s1, m2, s2)


def kl_diagonal_gaussian(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> np.ndarray:
    r"""KL between Gaussians with diagonal covariances, summed over the last axis.

    Parameters
    ----------
    mu1, sigma1, mu2, sigma2 : ndarray, shape (..., d), all the same shape
        One d-dimensional Gaussian per leading index (e.g. (n, d): one per example).

    Returns
    -------
    float or ndarray, shape (...), >= 0
        A float for 1-D inputs.

    Notes
    -----
    .. math:: \sum_{j=1}^d \Bigl[\log\frac{\sigma_{2j}}{\sigma_{1j}}
              + \frac{\sigma_{1j}^2 + (\mu_{1j}-\mu_{2j})^2}{2\sigma_{2j}^2} - \frac12\Bigr],

    each term computed in the cancellation-free form of :func:`kl_gaussian`, so the result is never negative.

    References
    ----------
    Book: Information theory, "KL between Gaussians" (claim ``info.kl-diagonal-gaussian``).

    Examples
    --------
    >>> float(kl_diagonal_gaussian(np.zeros(3), np.ones(3), np.ones(3), np.ones(3)))
    1.5
    """
    _check_gaussian_args("kl_diagonal_gaussian", (mu1, "mu1"), (sigma1, "sigma1"), (mu2, "mu2"), (sigma2, "sigma2"))
    m1, s1, m2, s2 = (np.asarray(a, dtype=float) for a in (mu1, sigma1, mu2, sigma2))
    if m1.ndim == 0:
        raise ValueError("kl_diagonal_gaussian: the arguments must be at least 1-D (..., d); got scalars. "
                         "Use kl_gaussian for one coordinate.")
    out = np.sum(_kl_gaussian_terms(m1, s1, m2, s2), axis=-1)
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
    r"""The review's eq (1): :math:`l(W) = \mathbb E_{\hat P(X,Y)}[-\log \Phi(X,W)_Y]` on n examples.

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


def bayes_linear_negative_elbo(X: np.ndarray, y: np.ndarray, noise_var: float, prior_var: float,
                               q_mean: np.ndarray, q_cov: np.ndarray, lam: float = 1.0) -> float:
    r"""The review's eq (2) for Bayesian linear regression with a Gaussian :math:`q(w) = N(\mu, \Sigma)`.

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

    The first term is a *sum* over the n examples, n times the per-example average of eq (1) under q; with it,
    :math:`\lambda = 1` is the negative ELBO (divide by n for eq (1)'s normalisation: the ELBO then has
    :math:`\lambda = 1/n`). For :math:`\lambda = 1` it equals
    :math:`-\log p(y\mid X) + \operatorname{KL}(q\,\|\,p(w\mid X,y))`; the
    exact posterior and log evidence are :func:`mathdl.estimation.bayesian_linear_posterior` and
    :func:`mathdl.estimation.linear_log_evidence` with ``sigma = sqrt(noise_var)``, ``tau = sqrt(prior_var)``.

    References
    ----------
    Book: Information theory, "Eq (2) is the negative ELBO" (claim ``info.eq2-negative-elbo``).
    """
    func = "bayes_linear_negative_elbo"
    X, y = _real(X, "X", func), _real(y, "y", func)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"{func}: need X (n, d) and y (n,); got X {X.shape}, y {y.shape}.")
    s2, p2 = (float(_positive(v, name, func)) for v, name in ((noise_var, "noise_var"), (prior_var, "prior_var")))
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

"""Part of the Information theory chapter: Jensen's inequality for the logarithm, maximum entropy, differential entropy.

The discrete results (Jensen's gap for the logarithm, the entropy deficit of a distribution from the uniform one)
and the continuous ones (closed-form differential entropies of four families at a given standard deviation, of
which the Gaussian is the largest; the entropy of a quantised Gaussian, which links differential entropy to the
discrete kind). The chapter's claim ids are declared in :data:`mathdl.info.CLAIMS`. Every function implements a
formula derived in ``book/information.ipynb`` and is checked in ``tests/test_info_maxent.py``.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl.info import _distribution, _positive, _same_shape, _scale

__all__ = ["FAMILIES", "log_jensen_gap", "kl_from_uniform", "differential_entropy", "quantized_gaussian_entropy"]

#: The families :func:`differential_entropy` knows, each parameterised by its standard deviation.
FAMILIES = ("gaussian", "uniform", "laplace", "logistic")


def log_jensen_gap(x: np.ndarray, w: np.ndarray) -> float:
    r"""Jensen's gap for the logarithm: :math:`\log\sum_i w_i x_i - \sum_i w_i\log x_i \ge 0`.

    Parameters
    ----------
    x : ndarray, shape (k,), > 0
        The points.
    w : ndarray, shape (k,)
        A probability distribution over the points.

    Returns
    -------
    float, >= 0 (0 exactly when x is constant on the support of w)

    Raises
    ------
    ValueError
        A non-positive point, w not a distribution, or shapes that differ.

    Notes
    -----
    With :math:`S = \sum_i w_i x_i` and :math:`q_i = w_i x_i / S` (a distribution), the gap equals
    :math:`\operatorname{KL}(w\,\|\,q) = \sum_i w_i\log(S/x_i)`; it is computed in that form, term by term.

    References
    ----------
    Book: Information theory, "Jensen's inequality and maximum entropy" (claim ``info.jensen-log``).

    Examples
    --------
    >>> round(log_jensen_gap(np.array([1.0, 4.0]), np.array([0.5, 0.5])), 6)   # log 2.5 - log 2
    0.223144
    >>> log_jensen_gap(np.array([3.0, 3.0]), np.array([0.2, 0.8]))
    0.0
    """
    w = _distribution(w, "w", "log_jensen_gap", ndim=1)
    x = _positive(x, "x", "log_jensen_gap")
    _same_shape(x, w, "x and w", "log_jensen_gap")
    mask = w > 0
    s = float(np.sum(w[mask] * x[mask]))
    gap = float(np.sum(w[mask] * (math.log(s) - np.log(x[mask]))))
    return max(gap, 0.0) + 0.0


def kl_from_uniform(p: np.ndarray, base: float | None = None) -> float:
    r"""The entropy deficit :math:`\log k - H(p) = \operatorname{KL}(p\,\|\,u_k)` from the uniform distribution.

    Parameters
    ----------
    p : ndarray, shape (k,)
        A distribution on k outcomes (zeros allowed).
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float, >= 0, and 0 exactly for the uniform distribution

    Raises
    ------
    ValueError
        p not a 1-D distribution, or a bad base.

    Notes
    -----
    .. math:: \operatorname{KL}(p\,\|\,u_k) = \sum_{i:\,p_i > 0} p_i \log(k\,p_i) = \log k - H(p),

    so :math:`H(p) \le \log k` with equality only for :math:`p = u_k` (the maximum-entropy distribution on k
    outcomes). Computed as the sum, which never cancels below 0 for p near uniform by more than round-off.

    References
    ----------
    Book: Information theory, "Jensen's inequality and maximum entropy" (claim ``info.max-entropy-uniform``).

    Examples
    --------
    >>> kl_from_uniform(np.array([0.25, 0.25, 0.25, 0.25]))
    0.0
    >>> kl_from_uniform(np.array([1.0, 0.0, 0.0, 0.0]), base=2)   # log2 4 - 0
    2.0
    """
    scale = _scale(base, "kl_from_uniform")
    p = _distribution(p, "p", "kl_from_uniform", ndim=1)
    mask = p > 0
    total = float(np.sum(p[mask] * np.log(p.size * p[mask])))
    return max(total, 0.0) / scale + 0.0


def differential_entropy(family: str, std: np.ndarray) -> np.ndarray:
    r"""Closed-form differential entropy (nats) of a named family with standard deviation ``std``.

    Parameters
    ----------
    family : {"gaussian", "uniform", "laplace", "logistic"}
        The family; each is centred and scaled to the given standard deviation.
    std : float or ndarray, any shape, > 0
        Standard deviation :math:`\sigma`.

    Returns
    -------
    float or ndarray, same shape as ``std``; may be negative (differential entropy)

    Raises
    ------
    ValueError
        An unknown family or a non-positive std.

    Notes
    -----
    ============  ==========================  ===================================================
    family        parameter from :math:`\sigma`   :math:`h`
    ============  ==========================  ===================================================
    gaussian      :math:`\sigma`                  :math:`\tfrac12\log(2\pi e\sigma^2)`
    uniform       width :math:`a = \sqrt{12}\,\sigma`  :math:`\log a`
    laplace       scale :math:`b = \sigma/\sqrt2`   :math:`1 + \log(2b)`
    logistic      scale :math:`s = \sqrt3\,\sigma/\pi`  :math:`\log s + 2`
    ============  ==========================  ===================================================

    For every family :math:`h \le \tfrac12\log(2\pi e\sigma^2)`, the Gaussian's value (the maximum-entropy
    theorem); the difference is :math:`\operatorname{KL}(f\,\|\,N(0,\sigma^2))`.

    References
    ----------
    Book: Information theory, "Differential entropy and the Gaussian maximum" (claims
    ``info.max-entropy-gaussian``, ``info.differential-entropy-negative``).

    Examples
    --------
    >>> round(float(differential_entropy("gaussian", 1.0)), 6)
    1.418939
    >>> round(float(differential_entropy("uniform", 0.1)), 6)           # log(sqrt(12) / 10) < 0
    -1.060132
    """
    if family not in FAMILIES:
        raise ValueError(f"differential_entropy: family must be one of {FAMILIES}; got {family!r}.")
    sigma = _positive(std, "std", "differential_entropy")
    if family == "gaussian":
        return 0.5 * np.log(2 * np.pi * np.e) + np.log(sigma)
    if family == "uniform":
        return np.log(math.sqrt(12.0) * sigma)
    if family == "laplace":
        return 1.0 + np.log(math.sqrt(2.0) * sigma)
    return np.log(math.sqrt(3.0) * sigma / math.pi) + 2.0


def quantized_gaussian_entropy(sigma: float, delta: float, base: float | None = None) -> float:
    r"""Entropy of :math:`N(0, \sigma^2)` rounded to bins of width :math:`\Delta` (the discrete kind, >= 0).

    Parameters
    ----------
    sigma : float, > 0
        Standard deviation.
    delta : float, > 0
        Bin width; bins are :math:`[k\Delta, (k+1)\Delta)` for integer k, out to :math:`\pm 12\sigma` (the mass
        beyond is below :math:`10^{-32}`), at most :math:`2\cdot10^6` bins.
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float, >= 0

    Raises
    ------
    ValueError
        A non-positive sigma or delta, too many bins, or a bad base.

    Notes
    -----
    .. math:: H(X_\Delta) = -\sum_k P_k\log P_k, \qquad P_k = \Phi\bigl(\tfrac{(k+1)\Delta}{\sigma}\bigr)
              - \Phi\bigl(\tfrac{k\Delta}{\sigma}\bigr),

    and :math:`H(X_\Delta) + \log\Delta \to h(X)` as :math:`\Delta \to 0`: differential entropy is what is left of
    the discrete entropy of a fine quantisation after the divergent :math:`-\log\Delta` is removed.

    References
    ----------
    Book: Information theory, "Differential entropy and the Gaussian maximum" (claim
    ``info.differential-entropy-negative``).

    Examples
    --------
    >>> h = quantized_gaussian_entropy(1.0, 1e-3) + math.log(1e-3)
    >>> round(h, 5)                          # h(N(0, 1)) = 1.418939
    1.41894
    """
    scale = _scale(base, "quantized_gaussian_entropy")
    for value, name in ((sigma, "sigma"), (delta, "delta")):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not math.isfinite(value) or not value > 0:
            raise ValueError(f"quantized_gaussian_entropy: {name} must be a positive finite number; got {value!r}.")
    k_max = math.ceil(12.0 * sigma / delta)
    if 2 * k_max > 2_000_000:
        raise ValueError(f"quantized_gaussian_entropy: delta = {delta:g} gives {2 * k_max} bins for sigma = "
                         f"{sigma:g} (at most 2e6); use a larger delta.")
    edges = np.arange(-k_max, k_max + 1) * (delta / (sigma * math.sqrt(2.0)))
    # P_k from the complementary error function on each half-line (no cancellation in the tails)
    upper = 0.5 * np.array([math.erfc(v) for v in edges.tolist()])     # P(X > edge), exact in both tails
    probs = -np.diff(upper)
    probs = probs[probs > 0]
    probs = probs / probs.sum()
    return float(-np.sum(probs * np.log(probs))) / scale + 0.0

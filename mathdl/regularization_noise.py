r"""Part of the "Regularization and generalization" chapter: noise as a regularizer.

The expected squared error of a linear model under Gaussian input noise (:func:`gaussian_noise_expected_loss`) and
under input dropout (:func:`dropout_expected_loss`, checked by enumerating every mask in
:func:`dropout_loss_enumerated`), inverted dropout's moments (:func:`inverted_dropout_moments`), dropout as an
ensemble of :math:`2^n` sub-networks (:func:`dropout_ensemble`), and label smoothing -- noise on the targets
(:func:`label_smoothing`, :func:`label_smoothing_decomposition`). The claim ids are declared in
:data:`mathdl.regularization.CLAIMS`. Rows are examples: ``X`` has shape (n, d).
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from mathdl.regularization import _count, _data, _matrix, _nonneg, _unit_open, _weights
from mathdl.validate import real_array

__all__ = [
    "dropout_ensemble",
    "dropout_expected_loss",
    "dropout_loss_enumerated",
    "gaussian_noise_expected_loss",
    "inverted_dropout_moments",
    "label_smoothing",
    "label_smoothing_decomposition",
]


# ------------------------------------------------------------------------------------- noise and dropout

def gaussian_noise_expected_loss(X: Any, y: Any, w: Any, sigma: float) -> float:
    r"""Expected squared error of a linear model under Gaussian input noise: :math:`\lVert y - Xw\rVert^2 +
    n\sigma^2\lVert w\rVert^2`.

    Notes
    -----
    With :math:`\tilde x_i = x_i + \varepsilon_i`, :math:`\varepsilon_i \sim \mathcal N(0, \sigma^2 I)`:
    :math:`\mathbb E(y_i - \tilde x_i^\top w)^2 = (y_i - x_i^\top w)^2 + \sigma^2 \lVert w\rVert^2`, since the
    cross term has mean 0 and :math:`\mathbb E (\varepsilon^\top w)^2 = \sigma^2 \lVert w\rVert^2`. Training with
    noise is, in expectation, ridge with :math:`\lambda = n\sigma^2` (Bishop 1995).

    References
    ----------
    Book: Regularization and generalization, "Noise as a regularizer" (claim
    ``regularization.gaussian-noise-tikhonov``).

    Examples
    --------
    >>> gaussian_noise_expected_loss(np.eye(2), np.zeros(2), np.ones(2), 0.5)
    3.0
    """
    X, y = _data(X, y, "gaussian_noise_expected_loss")
    w = _weights(w, X.shape[1], "gaussian_noise_expected_loss")
    sigma = _nonneg(sigma, "sigma", "gaussian_noise_expected_loss")
    r = y - X @ w
    return float(r @ r + X.shape[0] * sigma**2 * (w @ w))


def dropout_expected_loss(X: Any, y: Any, w: Any, q: float) -> float:
    r"""Expected squared error of a linear model with input dropout (keep probability q), in closed form.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    w : ndarray, shape (d,)
    q : float
        Keep probability in [0, 1].

    Returns
    -------
    float

    Notes
    -----
    With one mask :math:`m \in \{0, 1\}^d`, :math:`m_j \sim \text{Bernoulli}(q)` independent, applied to the
    weights (equivalently to every input's features):

    .. math:: \mathbb E_m \lVert y - X(m \odot w)\rVert^2 = \lVert y - qXw\rVert^2
              + q(1 - q)\, w^\top \operatorname{diag}(X^\top X)\, w ,

    a ridge penalty whose weight per coordinate is the squared norm of that feature's column. Checked exactly
    against :func:`dropout_loss_enumerated`.

    References
    ----------
    Book: Regularization and generalization, "Noise as a regularizer" (claim ``regularization.input-dropout-linear``).

    Examples
    --------
    >>> dropout_expected_loss(np.eye(2), np.zeros(2), np.ones(2), 0.5)
    1.0
    """
    X, y = _data(X, y, "dropout_expected_loss")
    w = _weights(w, X.shape[1], "dropout_expected_loss")
    if isinstance(q, (bool, np.bool_)) or not isinstance(q, (int, float, np.number)) or not 0.0 <= q <= 1.0:
        raise ValueError(f"dropout_expected_loss: q (keep probability) must lie in [0, 1]; got {q!r}.")
    r = y - q * (X @ w)
    return float(r @ r + q * (1 - q) * np.sum(np.sum(X * X, axis=0) * w * w))


def dropout_loss_enumerated(X: Any, y: Any, w: Any, q: float) -> float:
    r"""The same expectation by enumerating all :math:`2^d` masks with their probabilities (d <= 16).

    Notes
    -----
    .. math:: \sum_{m \in \{0,1\}^d} q^{|m|} (1 - q)^{d - |m|}\, \lVert y - X(m \odot w)\rVert^2 .

    References
    ----------
    Book: Regularization and generalization, "Noise as a regularizer" (claim ``regularization.input-dropout-linear``).

    Examples
    --------
    >>> dropout_loss_enumerated(np.eye(2), np.zeros(2), np.ones(2), 0.5)
    1.0
    """
    X, y = _data(X, y, "dropout_loss_enumerated")
    d = X.shape[1]
    w = _weights(w, d, "dropout_loss_enumerated")
    if d > 16:
        raise ValueError(f"dropout_loss_enumerated: 2^d masks for d = {d} is too many; use d <= 16 or the closed "
                         "form dropout_expected_loss.")
    if isinstance(q, (bool, np.bool_)) or not isinstance(q, (int, float, np.number)) or not 0.0 <= q <= 1.0:
        raise ValueError(f"dropout_loss_enumerated: q (keep probability) must lie in [0, 1]; got {q!r}.")
    total = 0.0
    for bits in itertools.product((0.0, 1.0), repeat=d):
        m = np.array(bits)
        k = int(m.sum())
        r = y - X @ (m * w)
        total += q**k * (1 - q) ** (d - k) * float(r @ r)
    return total


def inverted_dropout_moments(x: Any, p: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Mean and variance of inverted dropout :math:`m x/(1 - p)`, :math:`m \sim \text{Bernoulli}(1 - p)`.

    Returns
    -------
    mean : ndarray
        :math:`x` (unbiased).
    variance : ndarray
        :math:`\frac{p}{1 - p} x^2`.

    References
    ----------
    Book: Regularization and generalization, "Dropout" (claim ``regularization.dropout-unbiased``).

    Examples
    --------
    >>> inverted_dropout_moments(np.array([2.0]), 0.5)
    (array([2.]), array([4.]))
    """
    x = real_array(x, "x", "inverted_dropout_moments")
    p = _unit_open(p, "p", "inverted_dropout_moments")
    keep = 1.0 - p
    mean = keep * x / keep
    return mean, keep * (x / keep) ** 2 - mean**2


def dropout_ensemble(X: Any, W1: Any, b1: Any, W2: Any, b2: Any, p: float, samples: int = 0,
                     seed: int = 0) -> dict[str, np.ndarray]:
    r"""A one-hidden-layer tanh network with inverted dropout on its n hidden units, as an ensemble of
    :math:`2^n` sub-networks: the exact ensemble mean, the weight-scaled network, and a Monte Carlo average.

    Parameters
    ----------
    X : ndarray, shape (m, d)
    W1 : ndarray, shape (d, n)
        n <= 16 hidden units (the ensemble is enumerated).
    b1 : ndarray, shape (n,)
    W2 : ndarray, shape (n, k)
    b2 : ndarray, shape (k,)
    p : float
        Drop probability in [0, 1).
    samples : int
        Monte Carlo masks (0: skip).
    seed : int
        Seed of the Monte Carlo masks.

    Returns
    -------
    dict of ndarray, shape (m, k)
        ``"ensemble"`` :math:`\sum_m P(m)\,\operatorname{softmax}(f_m(x))`, ``"scaled"`` the network without dropout
        (inverted dropout needs no scaling at test time), ``"geometric"`` the normalized weighted geometric mean
        of the sub-networks' probabilities, and ``"monte_carlo"`` the average over ``samples`` random
        masks (only with ``samples`` > 0).

    Notes
    -----
    With :math:`h = \tanh(x W_1 + b_1)` and a mask :math:`m`, :math:`f_m(x) = (m \odot h / (1 - p)) W_2 + b_2`,
    :math:`P(m) = (1 - p)^{|m|} p^{n - |m|}`. The logits' ensemble mean is exactly the no-dropout logits (they are
    linear in the mask); the probabilities' is not, because softmax is not linear: weight scaling is an
    approximation there, which the chapter measures. The normalized *geometric* mean is
    :math:`\propto \exp(\sum_m P(m) f_m(x)) = \exp(f(x))`: it equals the weight-scaled network exactly.

    References
    ----------
    Book: Regularization and generalization, "Dropout as an ensemble" (claim ``regularization.dropout-weight-scaling``).
    Srivastava et al. (2014).

    Examples
    --------
    >>> out = dropout_ensemble(np.ones((1, 2)), np.eye(2), np.zeros(2), np.eye(2), np.zeros(2), 0.0)
    >>> bool(np.allclose(out["ensemble"], out["scaled"]))
    True
    """
    func = "dropout_ensemble"
    X = _matrix(X, func)
    W1 = _matrix(W1, func, "W1")
    W2 = _matrix(W2, func, "W2")
    b1, b2 = real_array(b1, "b1", func), real_array(b2, "b2", func)
    d, n = W1.shape
    if X.shape[1] != d or W2.shape[0] != n or b1.shape != (n,) or b2.shape != (W2.shape[1],):
        raise ValueError(f"{func}: shapes must chain X (m, d) @ W1 (d, n) + b1 (n,), then @ W2 (n, k) + b2 (k,); "
                         f"got X {X.shape}, W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}.")
    if n > 16:
        raise ValueError(f"{func}: 2^n sub-networks for n = {n} hidden units is too many; use n <= 16.")
    p = _unit_open(p, "p", func)
    samples = _count(samples, "samples", func, low=0)
    H = np.tanh(X @ W1 + b1)

    def probs(masks: np.ndarray) -> np.ndarray:          # masks (r, n) -> softmax outputs (r, m, k)
        Z = (masks[:, None, :] * H[None] / (1.0 - p)) @ W2 + b2
        Z = Z - Z.max(axis=-1, keepdims=True)
        E = np.exp(Z)
        return E / E.sum(axis=-1, keepdims=True)

    masks = np.array(list(itertools.product((0.0, 1.0), repeat=n)))
    kept = masks.sum(axis=1)
    weights = (1.0 - p) ** kept * p ** (n - kept)
    P = probs(masks)
    log_geo = np.einsum("r,rmk->mk", weights, np.log(P))
    geo = np.exp(log_geo - log_geo.max(axis=-1, keepdims=True))
    out = {"ensemble": np.einsum("r,rmk->mk", weights, P),
           "geometric": geo / geo.sum(axis=-1, keepdims=True),
           "scaled": probs(np.full((1, n), 1.0 - p))[0]}
    if samples:
        rng = np.random.default_rng(seed)
        out["monte_carlo"] = probs((rng.random((samples, n)) >= p).astype(float)).mean(axis=0)
    return out


# ------------------------------------------------------------------------------------------ label smoothing

def label_smoothing(labels: Any, k: int, eps: float) -> np.ndarray:
    r"""Smoothed targets :math:`(1 - \varepsilon)\,e_y + \varepsilon/K`: a mixture with the uniform distribution.

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        In 0 .. k-1.
    k : int
        Number of classes K >= 2.
    eps : float
        In [0, 1).

    Returns
    -------
    ndarray, shape (n, k)
        Rows on the simplex.

    References
    ----------
    Book: Regularization and generalization, "Label smoothing" (claim ``regularization.label-smoothing``).
    Szegedy et al. (2016).

    Examples
    --------
    >>> label_smoothing(np.array([0]), 4, 0.2)
    array([[0.85, 0.05, 0.05, 0.05]])
    """
    k = _count(k, "k", "label_smoothing", low=2)
    eps = _unit_open(eps, "eps", "label_smoothing")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or (labels.size and (labels.min() < 0 or labels.max() >= k)):
        raise ValueError(f"label_smoothing: labels must be a 1-D int array with values in 0..{k - 1}; got "
                         f"dtype {labels.dtype}, shape {labels.shape}.")
    return (1.0 - eps) * np.eye(k)[labels] + eps / k


def label_smoothing_decomposition(probs: Any, labels: Any, eps: float) -> dict[str, np.ndarray]:
    r"""Cross-entropy against smoothed targets, and its three parts, per example.

    Parameters
    ----------
    probs : ndarray, shape (n, K)
        Predicted probabilities (> 0, rows sum to 1).
    labels : ndarray of int, shape (n,)
    eps : float
        In [0, 1).

    Returns
    -------
    dict of ndarray, shape (n,)
        ``"smoothed_ce"`` :math:`-\sum_k q_k \log p_k`, ``"ce"`` :math:`-\log p_y`, ``"kl_uniform"``
        :math:`\mathrm{KL}(u\,\Vert\,p)`, ``"log_k"``.

    Notes
    -----
    .. math:: H(q_\varepsilon, p) = (1 - \varepsilon)\,(-\log p_y) + \varepsilon\,\mathrm{KL}(u\,\Vert\,p)
              + \varepsilon \log K .

    References
    ----------
    Book: Regularization and generalization, "Label smoothing" (claim ``regularization.label-smoothing``).

    Examples
    --------
    >>> parts = label_smoothing_decomposition(np.array([[0.5, 0.5]]), np.array([0]), 0.1)
    >>> bool(np.isclose(parts["smoothed_ce"][0], np.log(2)))
    True
    """
    p = real_array(probs, "probs", "label_smoothing_decomposition")
    if p.ndim != 2 or np.any(p <= 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError("label_smoothing_decomposition: probs must be 2-D (n, K), positive, rows summing to 1; "
                         "use mathdl.softmax.softmax(logits).")
    n, k = p.shape
    q = label_smoothing(labels, k, eps)
    logp = np.log(p)
    labels = np.asarray(labels)
    return {"smoothed_ce": -(q * logp).sum(axis=1),
            "ce": -logp[np.arange(n), labels],
            "kl_uniform": (np.log(1.0 / k) - logp).sum(axis=1) / k,
            "log_k": np.full(n, math.log(k))}

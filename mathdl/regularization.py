r"""Regularization and generalization: penalties, proximal operators, ridge in the SVD basis, early stopping as a
spectral filter, and the expectations behind noise and dropout as regularizers.

Rows are examples: ``X`` has shape (n, d), ``y`` shape (n,), weights ``w`` shape (d,). The topics, and where their
code lives:

* this module -- the chapter's claim ids (:data:`CLAIMS`), penalties and the proximal operator of L1
  (:func:`soft_threshold`, :func:`ista`), ridge (:func:`ridge`, :func:`ridge_svd`, :func:`effective_dof`), and the
  spectral filters of ridge and of early-stopped gradient descent (:func:`ridge_filter`,
  :func:`early_stopping_filter`, :func:`gd_least_squares`);
* :mod:`mathdl.regularization_capacity` -- polynomial features and the bias-variance simulation;
* :mod:`mathdl.regularization_noise` -- the expected losses under input noise and input dropout, inverted dropout's
  moments and its ensemble of sub-networks, label smoothing;
* :mod:`mathdl.regularization_training` -- the digits experiment (one MLP trained with none / L2 / dropout /
  batch norm / early stopping);
* :mod:`mathdl.autodiff.normalization` -- dropout, batch norm and layer norm as engine ops with their VJPs;
* :func:`mathdl.optim_adaptive.adamw_step` -- AdamW's decoupled weight decay.

The filters are also SymPy expressions (:data:`RIDGE_FILTER`, :data:`EARLY_STOPPING_FILTER`), from which the
chapter's JavaScript explorer prints its formulas.

Book: ``book/regularization.ipynb``; every fact is named by a claim id in :data:`CLAIMS`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy as sp

from mathdl.validate import real_array

__all__ = [
    "CLAIMS",
    "EARLY_STOPPING_FILTER",
    "RIDGE_FILTER",
    "early_stopping_filter",
    "effective_dof",
    "equivalent_alpha",
    "gd_least_squares",
    "ista",
    "l1_penalty",
    "l2_penalty",
    "lasso_objective",
    "ridge",
    "ridge_filter",
    "ridge_svd",
    "soft_threshold",
]

CLAIMS = {
    "regularization.polynomial-overfitting": "least-squares polynomial fits on few points: the training error falls "
                                             "with the degree while the test error falls, then rises (measured)",
    "regularization.bias-variance": "E over data sets of (y - f_hat(x))^2 = sigma^2 + bias^2 + variance (proved); "
                                    "the three parts measured by simulation add up to the test error",
    "regularization.ridge-closed-form": "ridge w = (X^T X + lambda I)^{-1} X^T y minimizes |y - Xw|^2 + lambda |w|^2; "
                                        "it agrees with scikit-learn's Ridge",
    "regularization.ridge-svd-shrinkage": "in the SVD basis X = U D V^T ridge multiplies each direction's "
                                          "least-squares fit by d^2/(d^2 + lambda)",
    "regularization.ridge-effective-dof": "the trace of the ridge hat matrix is sum_j d_j^2/(d_j^2 + lambda)",
    "regularization.soft-threshold-prox": "the proximal operator of lambda |x| is soft-thresholding "
                                          "sign(v) max(|v| - lambda, 0) (subgradient condition)",
    "regularization.ista-lasso": "ISTA (gradient step, then soft-thresholding) converges to the lasso solution, "
                                 "with exact zeros; it agrees with scikit-learn's Lasso",
    "regularization.sgd-weight-decay-equals-l2": "for SGD one step on the L2-penalized loss equals one step of "
                                                 "decoupled weight decay p <- (1 - lr lambda) p - lr g",
    "regularization.adam-l2-not-decay": "for Adam they differ: at g = 0 Adam with an L2 penalty moves p by "
                                        "-lr sign(p) whatever lambda, AdamW by -lr lambda p",
    "regularization.adamw-decoupled": "adamw_step = p (1 - lr wd) followed by the Adam update with bias correction "
                                      "and eps outside the square root (torch.optim.AdamW)",
    "regularization.early-stopping-filter": "gradient descent from 0 on least squares: after tau steps each "
                                            "eigendirection's fit is multiplied by 1 - (1 - eta lambda)^tau",
    "regularization.early-stopping-ridge": "the early-stopping filter approximates ridge's lambda/(lambda + alpha) "
                                           "with alpha = 1/(eta tau); the approximation's error is measured",
    "regularization.gaussian-noise-tikhonov": "Gaussian input noise of variance sigma^2 adds sigma^2 |w|^2 per "
                                              "example to the expected squared error (Tikhonov)",
    "regularization.input-dropout-linear": "E over keep-masks m ~ Bernoulli(q) of |y - X(m * w)|^2 = "
                                           "|y - qXw|^2 + q(1 - q) w^T diag(X^T X) w (exact; all 2^d masks)",
    "regularization.dropout-unbiased": "inverted dropout m x/(1 - p) has mean x and variance p x^2/(1 - p)",
    "regularization.dropout-vjp": "dropout's VJP is g * m/(1 - p) with the forward mask (gradcheck)",
    "regularization.dropout-weight-scaling": "the dropout ensemble's mean over all 2^n masks is approximated by the "
                                             "weight-scaled (no-dropout) network; Monte Carlo averaging converges to "
                                             "the ensemble (measured)",
    "regularization.batchnorm-backward": "batch norm's VJP (1/(n sigma))(n g - sum g - xhat sum g xhat) per feature "
                                         "(derived for n = 3, gradcheck in general)",
    "regularization.batchnorm-identities": "batch norm's input cotangent sums to 0 over the batch and, for eps = 0, "
                                           "is orthogonal to xhat",
    "regularization.batchnorm-scale-invariance": "for eps = 0 and a > 0, BN(a W x) = BN(W x), hence "
                                                 "<grad_W L, W> = 0",
    "regularization.batchnorm-running-stats": "eval mode uses running statistics updated as (1 - m) r + m s with the "
                                              "unbiased batch variance (PyTorch's momentum convention)",
    "regularization.layernorm-vjp": "layer norm's VJP is batch norm's formula over each row's features (gradcheck)",
    "regularization.layernorm-jacobian-rank": "the Jacobian of layer norm's xhat annihilates 1 and (for eps = 0) "
                                              "xhat: rank d - 2 at eps = 0, d - 1 for eps > 0",
    "regularization.label-smoothing": "cross-entropy against (1 - eps) onehot + eps/K equals "
                                      "(1 - eps) CE + eps KL(u || p) + eps log K",
    "regularization.digits-experiment": "on 8x8 digits with a small training set one MLP trained with none / L2 / "
                                        "dropout / batch norm / early stopping: train and test accuracy measured",
}

#: Symbols of the spectral filters: an eigenvalue lambda of X^T X, ridge's alpha, the learning rate eta, steps tau.
lam, alpha, eta, tau = sp.symbols("lambda alpha eta tau", positive=True)
#: Ridge's filter factor of an eigendirection with eigenvalue lambda = d^2 of X^T X.
RIDGE_FILTER = lam / (lam + alpha)
#: Early stopping's filter factor after tau steps of gradient descent from 0 with learning rate eta.
EARLY_STOPPING_FILTER = 1 - (1 - eta * lam) ** tau


# ------------------------------------------------------------------------------------------ validation

def _matrix(X: Any, func: str, name: str = "X") -> np.ndarray:
    arr = real_array(X, name, func)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{func}: {name} must be 2-D (n, d) with rows as examples; got shape {arr.shape}. "
                         "Use x[:, None] for one feature.")
    return arr


def _data(X: Any, y: Any, func: str) -> tuple[np.ndarray, np.ndarray]:
    X = _matrix(X, func)
    y = real_array(y, "y", func)
    if y.shape != (X.shape[0],):
        raise ValueError(f"{func}: y must have shape ({X.shape[0]},), one target per row of X; got {y.shape}.")
    return X, y


def _weights(w: Any, d: int, func: str) -> np.ndarray:
    w = real_array(w, "w", func)
    if w.shape != (d,):
        raise ValueError(f"{func}: w must have shape ({d},), one weight per column of X; got {w.shape}.")
    return w


def _nonneg(v: Any, name: str, func: str, positive: bool = False) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v) \
            or v < 0 or (positive and v == 0):
        want = "> 0" if positive else ">= 0"
        raise ValueError(f"{func}: {name} must be a finite number {want}; got {v!r}.")
    return float(v)


def _count(v: Any, name: str, func: str, low: int = 1) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < low:
        raise ValueError(f"{func}: {name} must be an int >= {low}; got {v!r}.")
    return int(v)


def _unit_open(v: Any, name: str, func: str) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)) or not 0.0 <= v < 1.0:
        raise ValueError(f"{func}: {name} must lie in [0, 1); got {v!r}.")
    return float(v)


# ------------------------------------------------------------------------------------------ penalties

def l1_penalty(w: Any) -> float:
    r"""The L1 penalty :math:`\lVert w\rVert_1 = \sum_j |w_j|` (the lasso's; a Laplace prior's negative log).

    Examples
    --------
    >>> l1_penalty(np.array([1.0, -2.0]))
    3.0

    References
    ----------
    Book: Regularization and generalization, "L1: the lasso and soft-thresholding" (claim
    ``regularization.ista-lasso``).
    """
    return float(np.sum(np.abs(real_array(w, "w", "l1_penalty"))))


def l2_penalty(w: Any) -> float:
    r"""The L2 penalty :math:`\lVert w\rVert_2^2 = \sum_j w_j^2` (ridge's; a Gaussian prior's negative log).

    Examples
    --------
    >>> l2_penalty(np.array([1.0, -2.0]))
    5.0

    References
    ----------
    Book: Regularization and generalization, "L2: ridge regression" (claim ``regularization.ridge-closed-form``).
    """
    w = real_array(w, "w", "l2_penalty")
    return float(np.sum(w * w))


def soft_threshold(v: Any, lam: float) -> np.ndarray:
    r"""The proximal operator of :math:`\lambda|x|`, entrywise: soft-thresholding.

    Parameters
    ----------
    v : ndarray, any shape
    lam : float
        Threshold, >= 0.

    Returns
    -------
    ndarray, shape of ``v``

    Notes
    -----
    .. math:: \operatorname{prox}_{\lambda|\cdot|}(v) = \arg\min_x \tfrac12 (x - v)^2 + \lambda |x|
              = \operatorname{sign}(v)\max(|v| - \lambda, 0):

    the subgradient condition :math:`0 \in x - v + \lambda\,\partial|x|` gives :math:`x = v - \lambda` if
    :math:`v > \lambda`, :math:`x = v + \lambda` if :math:`v < -\lambda`, and :math:`x = 0` (exactly) when
    :math:`|v| \le \lambda`.

    References
    ----------
    Book: Regularization and generalization, "L1: the lasso and soft-thresholding" (claim
    ``regularization.soft-threshold-prox``).

    Examples
    --------
    >>> soft_threshold(np.array([-3.0, 0.5, 2.0]), 1.0)
    array([-2.,  0.,  1.])
    """
    v = real_array(v, "v", "soft_threshold")
    lam = _nonneg(lam, "lam", "soft_threshold")
    return np.sign(v) * np.maximum(np.abs(v) - lam, 0.0) + 0.0   # + 0.0 turns -0.0 into 0.0


def lasso_objective(X: Any, y: Any, w: Any, lam: float) -> float:
    r"""The lasso objective :math:`\tfrac12\lVert y - Xw\rVert^2 + \lambda\lVert w\rVert_1`.

    References
    ----------
    Book: Regularization and generalization, "L1: the lasso and soft-thresholding" (claim
    ``regularization.ista-lasso``).

    Examples
    --------
    >>> lasso_objective(np.eye(2), np.array([1.0, 0.0]), np.array([1.0, 0.0]), 0.5)
    0.5
    """
    X, y = _data(X, y, "lasso_objective")
    w = _weights(w, X.shape[1], "lasso_objective")
    lam = _nonneg(lam, "lam", "lasso_objective")
    r = y - X @ w
    return float(0.5 * r @ r + lam * np.sum(np.abs(w)))


def ista(X: Any, y: Any, lam: float, steps: int = 500, lr: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""ISTA (proximal gradient descent) on the lasso :math:`\tfrac12\lVert y - Xw\rVert^2 + \lambda\lVert w\rVert_1`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float
        >= 0.
    steps : int
        Number of iterations, >= 1.
    lr : float, optional
        Step size in (0, 1/L], :math:`L = \lVert X\rVert_2^2`; default 1/L.

    Returns
    -------
    w : ndarray, shape (d,)
        The last iterate (exact zeros where soft-thresholding cut).
    objective : ndarray, shape (steps + 1,)
        The lasso objective from :math:`w_0 = 0` on; it never increases for lr <= 1/L.

    Notes
    -----
    .. math:: w_{k+1} = \operatorname{prox}_{\eta\lambda\lVert\cdot\rVert_1}\bigl(w_k - \eta X^\top(X w_k - y)\bigr)
              = S_{\eta\lambda}\bigl(w_k + \eta X^\top (y - X w_k)\bigr)

    with :math:`S` = :func:`soft_threshold`. scikit-learn's ``Lasso(alpha)`` minimizes the same objective divided by
    n, so it corresponds to ``lam = n * alpha``.

    References
    ----------
    Book: Regularization and generalization, "L1: the lasso and soft-thresholding" (claim
    ``regularization.ista-lasso``).

    Examples
    --------
    >>> w, obj = ista(np.eye(2), np.array([3.0, 0.5]), 1.0, steps=5)
    >>> w
    array([2., 0.])
    """
    X, y = _data(X, y, "ista")
    lam = _nonneg(lam, "lam", "ista")
    steps = _count(steps, "steps", "ista")
    L = float(np.linalg.norm(X, 2) ** 2)
    if L == 0:
        raise ValueError("ista: X is zero; there is nothing to fit.")
    if lr is None:
        lr = 1.0 / L
    lr = _nonneg(lr, "lr", "ista", positive=True)
    if lr > 1.0 / L * (1 + 1e-12):
        raise ValueError(f"ista: lr must be <= 1/L = {1.0 / L:.4g} (L = |X|_2^2) for a monotone descent; got {lr!r}.")
    w = np.zeros(X.shape[1])
    objective = np.empty(steps + 1)
    objective[0] = 0.5 * y @ y
    for k in range(steps):
        w = soft_threshold(w + lr * (X.T @ (y - X @ w)), lr * lam)
        r = y - X @ w
        objective[k + 1] = 0.5 * r @ r + lam * np.sum(np.abs(w))
    return w, objective


# ------------------------------------------------------------------------------------------------ ridge

def ridge(X: Any, y: Any, lam: float) -> np.ndarray:
    r"""Ridge regression's closed form :math:`w = (X^\top X + \lambda I)^{-1} X^\top y` (no intercept).

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float
        > 0 (or >= 0 when :math:`X^\top X` is invertible).

    Returns
    -------
    ndarray, shape (d,)

    Notes
    -----
    The minimizer of :math:`\lVert y - Xw\rVert^2 + \lambda\lVert w\rVert^2`, whose gradient
    :math:`2X^\top(Xw - y) + 2\lambda w` vanishes exactly there. It is the MAP estimate under a Gaussian prior
    (Probability chapter, claim ``probability.map-gaussian-is-l2``). scikit-learn's ``Ridge(alpha=lam,
    fit_intercept=False)`` computes the same.

    References
    ----------
    Book: Regularization and generalization, "L2: ridge regression" (claim ``regularization.ridge-closed-form``).

    Examples
    --------
    >>> ridge(np.array([[1.0], [1.0]]), np.array([1.0, 3.0]), 2.0)
    array([1.])
    """
    X, y = _data(X, y, "ridge")
    lam = _nonneg(lam, "lam", "ridge")
    A = X.T @ X + lam * np.eye(X.shape[1])
    if lam == 0 and np.linalg.matrix_rank(A) < X.shape[1]:
        raise ValueError("ridge: lam = 0 and X^T X is singular (rank-deficient X); use lam > 0.")
    return np.linalg.solve(A, X.T @ y)


def ridge_svd(X: Any, y: Any, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Ridge in the SVD basis: the weights, the singular values and each direction's shrinkage factor.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lam : float
        > 0.

    Returns
    -------
    w : ndarray, shape (d,)
    d : ndarray, shape (min(n, d),)
        Singular values of X, decreasing.
    shrink : ndarray, shape (min(n, d),)
        :math:`d_j^2 / (d_j^2 + \lambda)`.

    Notes
    -----
    With the thin SVD :math:`X = U D V^\top`,

    .. math:: w = V \operatorname{diag}\Bigl(\frac{d_j}{d_j^2 + \lambda}\Bigr) U^\top y, \qquad
              X w = \sum_j \frac{d_j^2}{d_j^2 + \lambda}\, u_j u_j^\top y :

    along the left singular vector :math:`u_j` the least-squares fit :math:`u_j u_j^\top y` is multiplied by
    :math:`d_j^2/(d_j^2 + \lambda)` -- hardly changed where :math:`d_j^2 \gg \lambda`, suppressed where
    :math:`d_j^2 \ll \lambda`.

    References
    ----------
    Book: Regularization and generalization, "Ridge in the SVD basis" (claim ``regularization.ridge-svd-shrinkage``).

    Examples
    --------
    >>> w, d, s = ridge_svd(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([2.0, 1.0]), 1.0)
    >>> w, s
    (array([0.8, 0.5]), array([0.8, 0.5]))
    """
    X, y = _data(X, y, "ridge_svd")
    lam = _nonneg(lam, "lam", "ridge_svd", positive=True)
    U, d, Vt = np.linalg.svd(X, full_matrices=False)
    w = Vt.T @ (d / (d * d + lam) * (U.T @ y))
    return w, d, d * d / (d * d + lam)


def effective_dof(X: Any, lam: float) -> float:
    r"""Ridge's effective degrees of freedom :math:`\operatorname{tr} X(X^\top X + \lambda I)^{-1}X^\top =
    \sum_j d_j^2/(d_j^2 + \lambda)`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    lam : float
        > 0.

    Returns
    -------
    float
        Between 0 (lam -> infinity) and rank(X) (lam -> 0).

    References
    ----------
    Book: Regularization and generalization, "Ridge in the SVD basis" (claim ``regularization.ridge-effective-dof``).

    Examples
    --------
    >>> effective_dof(np.array([[1.0, 0.0], [0.0, 2.0]]), 1.0)
    1.3
    """
    X = _matrix(X, "effective_dof")
    lam = _nonneg(lam, "lam", "effective_dof", positive=True)
    d2 = np.linalg.svd(X, compute_uv=False) ** 2
    return float(np.sum(d2 / (d2 + lam)))


# ----------------------------------------------------------------------------------------- early stopping

def ridge_filter(eigs: Any, alpha: float) -> np.ndarray:
    r"""Ridge's filter factor per eigenvalue :math:`\lambda` of :math:`X^\top X`: :math:`\lambda/(\lambda + \alpha)`.

    Parameters
    ----------
    eigs : ndarray, any shape
        Eigenvalues :math:`\lambda = d^2 \ge 0`.
    alpha : float
        Ridge strength, > 0.

    Returns
    -------
    ndarray, shape of ``eigs``

    Notes
    -----
    The printed formula of :data:`RIDGE_FILTER` (the JavaScript explorer prints it with ``sympy.jscode``).

    References
    ----------
    Book: Regularization and generalization, "Early stopping is approximately ridge" (claims
    ``regularization.ridge-svd-shrinkage``, ``regularization.early-stopping-ridge``).

    Examples
    --------
    >>> ridge_filter(np.array([1.0, 3.0]), 1.0)
    array([0.5 , 0.75])
    """
    e = real_array(eigs, "eigs", "ridge_filter")
    if np.any(e < 0):
        raise ValueError("ridge_filter: eigs must be >= 0 (eigenvalues of X^T X).")
    a = _nonneg(alpha, "alpha", "ridge_filter", positive=True)
    return e / (e + a)


def early_stopping_filter(eigs: Any, lr: float, steps: int) -> np.ndarray:
    r"""Early stopping's filter factor per eigenvalue: :math:`1 - (1 - \eta\lambda)^\tau`.

    Parameters
    ----------
    eigs : ndarray, any shape
        Eigenvalues :math:`\lambda \ge 0` of :math:`X^\top X`.
    lr : float
        Learning rate :math:`\eta` > 0.
    steps : int
        Number of gradient steps :math:`\tau \ge 0`.

    Returns
    -------
    ndarray, shape of ``eigs``

    Notes
    -----
    Gradient descent :math:`w \leftarrow w - \eta X^\top(Xw - y)` from :math:`w_0 = 0` has, along the eigenvector
    :math:`v_j` of :math:`X^\top X`, the coefficient :math:`(1 - (1 - \eta\lambda_j)^\tau)` times the least-squares
    one (:func:`gd_least_squares`). The printed formula of :data:`EARLY_STOPPING_FILTER`.

    References
    ----------
    Book: Regularization and generalization, "Early stopping is approximately ridge" (claim
    ``regularization.early-stopping-filter``).

    Examples
    --------
    >>> early_stopping_filter(np.array([1.0, 0.5]), 0.5, 2)
    array([0.75  , 0.4375])
    """
    e = real_array(eigs, "eigs", "early_stopping_filter")
    if np.any(e < 0):
        raise ValueError("early_stopping_filter: eigs must be >= 0 (eigenvalues of X^T X).")
    lr = _nonneg(lr, "lr", "early_stopping_filter", positive=True)
    steps = _count(steps, "steps", "early_stopping_filter", low=0)
    return 1.0 - (1.0 - lr * e) ** steps


def equivalent_alpha(lr: float, steps: int) -> float:
    r"""The ridge strength matched to early stopping: :math:`\alpha = 1/(\eta\tau)`.

    Notes
    -----
    For :math:`\eta\lambda \ll 1`, :math:`(1 - \eta\lambda)^\tau \approx e^{-\eta\tau\lambda}`, and both
    :math:`1 - e^{-\lambda/\alpha}` and :math:`\lambda/(\lambda + \alpha)` are :math:`\approx \lambda/\alpha` for
    :math:`\lambda \ll \alpha` and :math:`\approx 1` for :math:`\lambda \gg \alpha`. An approximation, not an
    identity: the chapter measures its error.

    References
    ----------
    Book: Regularization and generalization, "Early stopping is approximately ridge" (claim
    ``regularization.early-stopping-ridge``).

    Examples
    --------
    >>> equivalent_alpha(0.01, 50)
    2.0
    """
    lr = _nonneg(lr, "lr", "equivalent_alpha", positive=True)
    steps = _count(steps, "steps", "equivalent_alpha")
    return 1.0 / (lr * steps)


def gd_least_squares(X: Any, y: Any, lr: float, steps: int) -> np.ndarray:
    r"""Plain gradient descent on :math:`\tfrac12\lVert y - Xw\rVert^2` from :math:`w_0 = 0`; all iterates.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n,)
    lr : float
        > 0 (converges for lr < 2 / |X|_2^2).
    steps : int
        >= 0.

    Returns
    -------
    ndarray, shape (steps + 1, d)
        :math:`w_0 = 0, w_1, \dots, w_\tau`.

    Notes
    -----
    :math:`w_{k+1} = w_k - \eta X^\top (X w_k - y)`.

    References
    ----------
    Book: Regularization and generalization, "Early stopping is approximately ridge" (claim
    ``regularization.early-stopping-filter``).

    Examples
    --------
    >>> gd_least_squares(np.eye(1), np.array([2.0]), 0.5, 2)[:, 0]
    array([0. , 1. , 1.5])
    """
    X, y = _data(X, y, "gd_least_squares")
    lr = _nonneg(lr, "lr", "gd_least_squares", positive=True)
    steps = _count(steps, "steps", "gd_least_squares", low=0)
    path = np.zeros((steps + 1, X.shape[1]))
    w = path[0].copy()
    for k in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):  # reported below, in words
            w = w - lr * (X.T @ (X @ w - y))
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e150:
            raise ValueError(f"gd_least_squares: the iterates overflowed at step {k + 1}; lr must be below "
                             f"2 / |X|_2^2 = {2 / np.linalg.norm(X, 2) ** 2:.4g}.")
        path[k + 1] = w
    return path

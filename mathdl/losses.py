"""Chapter "Neurons" — loss functions as negative log-likelihoods, with their gradients.

Every loss takes predictions (or logits) of shape (n, k), one example per row, and targets of shape (n, k)
-- or, for the categorical losses, integer labels of shape (n,). Each loss returns a Python float (the mean
over examples) and sits beside ``<loss>_grad``, its gradient with respect to the predictions, which is the
vector-Jacobian product with upstream gradient 1 (multiply by ``g`` for any scalar ``g``).

Derivations: ``book/neurons.ipynb``; checks: ``tests/test_losses.py``; claim ids in :data:`CLAIMS`.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl.activations import sigmoid
from mathdl.softmax import log_softmax, softmax
from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "gaussian_nll",
    "gaussian_nll_grad",
    "hinge",
    "hinge_grad",
    "huber",
    "huber_grad",
    "mean_squared_error",
    "mean_squared_error_grad",
    "one_hot",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
]

#: The facts of this chapter's loss half, by claim id.
CLAIMS = {
    "losses.mse-is-gaussian-nll": "the Gaussian NLL with fixed sigma is "
                                  "(k / 2 sigma^2) MSE + (k / 2) log(2 pi sigma^2): "
                                  "same minimiser, gradients proportional",
    "losses.mse-convex": "MSE has Hessian 2 I / (n k) in the predictions, so it is convex there",
    "losses.cross-entropy-is-categorical-nll": "maximising the categorical likelihood prod_i prod_j p_ij^{y_ij} "
                                               "is minimising the cross-entropy -(1/n) sum_ij y_ij log p_ij",
    "losses.softmax-ce-gradient": "d CE(softmax(z), y) / dz = p - y when the target row sums to 1",
    "losses.softmax-ce-convex": "the Hessian of CE(softmax(z), y) in z is diag(p) - p p^T, positive semidefinite",
    "losses.bce-logits-stable": "-y log sigma(z) - (1 - y) log(1 - sigma(z)) = max(z, 0) - z y + log(1 + e^{-|z|})",
    "losses.bce-logits-gradient": "d BCE(z, y) / dz = sigma(z) - y",
    "losses.hidden-layer-nonconvex": "the loss of a network with a hidden layer is not convex in the weights: "
                                     "two zero-loss weight settings have a midpoint with positive loss",
    "losses.huber-gradient": "Huber: r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond; its derivative is "
                             "clip(r, -delta, delta), and value and slope match at |r| = delta (C^1, convex)",
    "losses.huber-robust": "the Huber location estimate moves by a bounded amount when outliers are added, the "
                           "mean (the MSE minimiser) by an amount proportional to the outliers (measured)",
    "losses.hinge-subgradient": "hinge max(0, 1 - y z) (y = +-1) has derivative -y where y z < 1 and 0 where y z > 1; "
                                "at y z = 1 it has the subdifferential [-1, 0] times y",
    "losses.hinge-upper-bound": "hinge(z, y) >= 1[y z <= 0] and log2(1 + e^{-y z}) >= 1[y z <= 0]: both surrogates "
                                "bound the 0-1 loss from above",
}

#: How far a target row may sum from 1 and still count as a probability distribution.
TARGET_SUM_ATOL = 1e-8
#: How far a row of predicted probabilities (``cross_entropy``'s ``p``) may sum from 1.
PROBABILITY_SUM_ATOL = 1e-8


# ------------------------------------------------------------------------------------------ validation

def _delta(delta: object, func: str) -> float:
    if isinstance(delta, bool) or not isinstance(delta, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: delta must be a real number; got {type(delta).__name__}.")
    if not (0.0 < float(delta) < np.inf):
        raise ValueError(f"{func}: delta (where the loss turns from quadratic to linear) must be positive and finite; "
                         f"got {delta!r}.")
    return float(delta)


def _signs(y: object, z: np.ndarray, func: str) -> np.ndarray:
    y = _real(y, "y", func)
    if y.shape != z.shape:
        raise ValueError(f"{func}: y (the labels) must have z's shape {z.shape}; got {y.shape}.")
    if not np.all(np.abs(y) == 1.0):
        raise ValueError(f"{func}: y must hold labels -1 or +1; got values {np.unique(y)[:5]}. For labels in {{0, 1}} "
                         "pass 2 * y - 1.")
    return y



def _batch(x: object, name: str, func: str) -> np.ndarray:
    arr = _real(x, name, func)
    if arr.ndim != 2:
        hint = f" Use {name}[:, None] for one output per example, or {name}[None, :] for one example." \
            if arr.ndim == 1 else ""
        raise ValueError(f"{func}: {name} must be 2-D (n, k); got shape {arr.shape}.{hint}")
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(f"{func}: {name} must have at least one row and one column; got shape {arr.shape}.")
    return arr


def _same_shape(y: object, pred: np.ndarray, pred_name: str, func: str) -> np.ndarray:
    y = _real(y, "y", func)
    if y.shape != pred.shape:
        raise ValueError(f"{func}: y (the targets) must have {pred_name}'s shape {pred.shape}; got {y.shape}.")
    return y


def one_hot(labels: np.ndarray, k: int) -> np.ndarray:
    """Integer labels (n,) to one-hot rows (n, k).

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Class indices in ``[0, k)``.
    k : int
        Number of classes.

    Returns
    -------
    ndarray, shape (n, k), float64

    Raises
    ------
    TypeError, ValueError
        Non-integer labels or labels outside ``[0, k)``.

    Examples
    --------
    >>> one_hot(np.array([2, 0]), 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"one_hot: k (the number of classes) must be a positive int; got {k!r}.")
    if not isinstance(labels, (np.ndarray, list, tuple)) or np.ndim(labels) != 1:
        raise ValueError(f"one_hot: labels must be a 1-D integer array (n,); got {type(labels).__name__} "
                         f"of shape {np.shape(labels)}.")
    return _targets(labels, (len(labels), int(k)), "one_hot")


def _targets(y: object, shape: tuple[int, int], func: str) -> np.ndarray:
    """Targets for the categorical losses: integer labels (n,) or distributions (n, k), returned as (n, k)."""
    n, k = shape
    if isinstance(y, (bool, np.bool_)) or not isinstance(y, (np.ndarray, list, tuple)):
        raise TypeError(f"{func}: y must be integer labels of shape ({n},) or target rows of shape ({n}, {k}); "
                        f"got {type(y).__name__}.")
    arr = np.asarray(y)
    if arr.ndim == 1:
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{func}: labels must be integers in [0, {k}); got dtype {arr.dtype}. "
                            "Use y.astype(int) for class indices, or pass one-hot rows of shape (n, k).")
        if arr.shape != (n,):
            raise ValueError(f"{func}: labels must have shape ({n},), one per row of the predictions; "
                             f"got {arr.shape}.")
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            bad = arr[(arr < 0) | (arr >= k)]
            raise ValueError(f"{func}: labels must be integers in [0, {k}) (there are {k} classes); "
                             f"got {bad[:5].tolist()}.")
        return np.eye(k)[arr]
    arr = _real(arr, "y", func)
    if arr.shape != (n, k):
        raise ValueError(f"{func}: y must be integer labels of shape ({n},) or target rows of shape ({n}, {k}); "
                         f"got shape {arr.shape}.")
    if np.any(arr < 0) or np.any(np.abs(arr.sum(axis=1) - 1.0) > TARGET_SUM_ATOL):
        raise ValueError(f"{func}: each target row must be a probability distribution (entries >= 0, "
                         "summing to 1), e.g. one-hot; normalise y or pass integer labels.")
    return arr


# ---------------------------------------------------------------------------------------- squared error

def mean_squared_error(y_pred: np.ndarray, y: np.ndarray) -> float:
    r"""Mean squared error over all n k entries.

    Parameters
    ----------
    y_pred : ndarray, shape (n, k)
        Predictions.
    y : ndarray, shape (n, k)
        Targets.

    Returns
    -------
    float

    Notes
    -----
    .. math:: \operatorname{MSE}(\hat Y, Y) = \frac{1}{nk} \sum_{i,j} (\hat y_{ij} - y_{ij})^2 .

    MSE is convex in ``y_pred``, but not in the weights of a network with a hidden layer that computes
    ``y_pred``: the book evaluates this function along a segment between two zero-loss weight settings.

    References
    ----------
    Book: Neurons, "Squared error is a Gaussian likelihood" (claims ``losses.mse-is-gaussian-nll``,
    ``losses.mse-convex``); "Not convex in the weights of a hidden layer" (claim ``losses.hidden-layer-nonconvex``).

    Examples
    --------
    >>> mean_squared_error(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    2.5
    """
    y_pred = _batch(y_pred, "y_pred", "mean_squared_error")
    y = _same_shape(y, y_pred, "y_pred", "mean_squared_error")
    return float(np.mean((y_pred - y) ** 2))


def mean_squared_error_grad(y_pred: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`mean_squared_error` with respect to ``y_pred``.

    Parameters
    ----------
    y_pred, y : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \frac{\partial \operatorname{MSE}}{\partial \hat Y} = \frac{2}{nk}(\hat Y - Y) .

    References
    ----------
    Book: Neurons, "Squared error is a Gaussian likelihood" (claim ``losses.mse-is-gaussian-nll``).

    Examples
    --------
    >>> mean_squared_error_grad(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    array([[1., 2.]])
    """
    y_pred = _batch(y_pred, "y_pred", "mean_squared_error_grad")
    y = _same_shape(y, y_pred, "y_pred", "mean_squared_error_grad")
    return 2.0 * (y_pred - y) / y_pred.size


def _sigma(sigma: object, func: str) -> float:
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: sigma must be a positive real number; got {type(sigma).__name__}.")
    if not (math.isfinite(float(sigma)) and float(sigma) > 0):
        raise ValueError(f"{func}: sigma (the noise standard deviation) must be positive and finite; "
                         f"got {sigma!r}.")
    return float(sigma)


def gaussian_nll(y_pred: np.ndarray, y: np.ndarray, sigma: float = 1.0) -> float:
    r"""Negative log-likelihood of ``y`` under independent Gaussians centred at ``y_pred``, per example.

    Parameters
    ----------
    y_pred, y : ndarray, shape (n, k)
        Means (the network's predictions) and observations.
    sigma : float > 0
        Noise standard deviation, shared by all entries.

    Returns
    -------
    float

    Notes
    -----
    .. math:: -\frac1n \sum_{i} \log \prod_{j} \mathcal N(y_{ij}; \hat y_{ij}, \sigma^2)
              = \frac{k}{2\sigma^2}\operatorname{MSE}(\hat Y, Y) + \frac k2 \log(2\pi\sigma^2) .

    References
    ----------
    Book: Neurons, "Squared error is a Gaussian likelihood" (claim ``losses.mse-is-gaussian-nll``).

    Examples
    --------
    >>> round(gaussian_nll(np.zeros((1, 1)), np.zeros((1, 1))), 6)  # log(2 pi) / 2
    0.918939
    """
    y_pred = _batch(y_pred, "y_pred", "gaussian_nll")
    y = _same_shape(y, y_pred, "y_pred", "gaussian_nll")
    sigma = _sigma(sigma, "gaussian_nll")
    n, k = y_pred.shape
    squared = np.sum((y - y_pred) ** 2) / (2.0 * sigma**2)
    return float(squared / n + 0.5 * k * math.log(2.0 * math.pi * sigma**2))


def gaussian_nll_grad(y_pred: np.ndarray, y: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    r"""Gradient of :func:`gaussian_nll` with respect to ``y_pred``: ``(y_pred - y) / (n sigma^2)``.

    Parameters
    ----------
    y_pred, y : ndarray, shape (n, k)
    sigma : float > 0

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \frac{\partial}{\partial \hat Y} = \frac{\hat Y - Y}{n\sigma^2}
              = \frac{k}{2\sigma^2}\,\frac{\partial \operatorname{MSE}}{\partial \hat Y} .

    References
    ----------
    Book: Neurons, "Squared error is a Gaussian likelihood" (claim ``losses.mse-is-gaussian-nll``).

    Examples
    --------
    >>> gaussian_nll_grad(np.array([[2.0]]), np.array([[0.0]]), sigma=2.0)
    array([[0.5]])
    """
    y_pred = _batch(y_pred, "y_pred", "gaussian_nll_grad")
    y = _same_shape(y, y_pred, "y_pred", "gaussian_nll_grad")
    sigma = _sigma(sigma, "gaussian_nll_grad")
    return (y_pred - y) / (y_pred.shape[0] * sigma**2)


# --------------------------------------------------------------------------------------- cross-entropy

def cross_entropy(p: np.ndarray, y: np.ndarray) -> float:
    r"""Cross-entropy of predicted class probabilities against targets, averaged over examples.

    Parameters
    ----------
    p : ndarray, shape (n, k)
        Predicted probabilities, strictly positive, rows summing to 1.
    y : ndarray of int, shape (n,), or ndarray, shape (n, k)
        Integer labels in ``[0, k)``, or target distributions (one-hot rows).

    Returns
    -------
    float, >= 0 for one-hot targets

    Raises
    ------
    ValueError
        If some ``p`` is not in (0, 1] or a row does not sum to 1 within :data:`PROBABILITY_SUM_ATOL` (a zero
        probability would make the loss infinite: use :func:`softmax_cross_entropy` on logits instead), or
        if the targets are not valid labels or distributions.

    Notes
    -----
    .. math:: \operatorname{CE}(P, Y) = -\frac1n \sum_{i,j} y_{ij} \log p_{ij}
              = -\frac1n \log \prod_{i} \prod_j p_{ij}^{y_{ij}} .

    References
    ----------
    Book: Neurons, "Cross-entropy is a categorical likelihood" (claim ``losses.cross-entropy-is-categorical-nll``).

    Examples
    --------
    >>> round(cross_entropy(np.array([[0.5, 0.5]]), np.array([0])), 6)
    0.693147
    """
    p = _probabilities(p, "cross_entropy")
    sums = p.sum(axis=1)
    off = np.abs(sums - 1.0) > PROBABILITY_SUM_ATOL
    if np.any(off):
        i = int(np.argmax(off))
        raise ValueError(f"cross_entropy: each row of p must sum to 1 (within {PROBABILITY_SUM_ATOL:g}); row {i} "
                         f"sums to {sums[i]:.6g}. Normalise it (p / p.sum(axis=1, keepdims=True)), or pass the "
                         "logits to softmax_cross_entropy instead.")
    Y = _targets(y, p.shape, "cross_entropy")
    return float(-np.sum(Y * np.log(p)) / p.shape[0])


def cross_entropy_grad(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`cross_entropy` with respect to ``p``: ``-y / (n p)``.

    Parameters
    ----------
    p : ndarray, shape (n, k)
    y : ndarray of int, shape (n,), or ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \frac{\partial \operatorname{CE}}{\partial p_{ij}} = -\frac{y_{ij}}{n\,p_{ij}} .

    These are the partial derivatives of the formula in the ambient coordinates, so, unlike
    :func:`cross_entropy`, this function accepts any ``p`` in (0, 1] (finite differences step off the simplex).
    Only its inner product with directions whose rows sum to 0 is a derivative of the loss on the simplex.

    References
    ----------
    Book: Neurons, "Cross-entropy is a categorical likelihood" (claim ``losses.cross-entropy-is-categorical-nll``).

    Examples
    --------
    >>> cross_entropy_grad(np.array([[0.5, 0.5]]), np.array([0]))
    array([[-2., -0.]])
    """
    p = _probabilities(p, "cross_entropy_grad")
    Y = _targets(y, p.shape, "cross_entropy_grad")
    return -Y / (p.shape[0] * p)


def _probabilities(p: object, func: str) -> np.ndarray:
    p = _batch(p, "p", func)
    if np.any(p <= 0) or np.any(p > 1):
        raise ValueError(f"{func}: p must hold probabilities in (0, 1]; got values in "
                         f"[{p.min():.3g}, {p.max():.3g}]. A zero probability gives an infinite loss: "
                         "pass logits to softmax_cross_entropy instead.")
    return p


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    r"""Cross-entropy of ``softmax(z)`` against targets, computed from the logits with log-softmax.

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Logits.
    y : ndarray of int, shape (n,), or ndarray, shape (n, k)
        Integer labels in ``[0, k)``, or target distributions (one-hot rows).

    Returns
    -------
    float

    Notes
    -----
    .. math:: \operatorname{CE}(\operatorname{softmax}(z), y) = -\frac1n\sum_{i,j} y_{ij}
              \bigl(z_{ij} - \operatorname{lse}(z_i)\bigr) .

    Finite for any finite logits: the log-sum-exp never overflows and no probability is rounded to 0 before
    its logarithm is taken.

    References
    ----------
    Book: Neurons, "Cross-entropy is a categorical likelihood" (claims ``losses.softmax-ce-gradient``,
    ``losses.softmax-ce-convex``).

    Examples
    --------
    >>> softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))
    2000.0
    """
    z = _batch(z, "z", "softmax_cross_entropy")
    Y = _targets(y, z.shape, "softmax_cross_entropy")
    return float(-np.sum(Y * log_softmax(z)) / z.shape[0])


def softmax_cross_entropy_grad(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`softmax_cross_entropy` with respect to the logits: ``(p - y) / n``.

    Parameters
    ----------
    z : ndarray, shape (n, k)
    y : ndarray of int, shape (n,), or ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \frac{\partial \operatorname{CE}}{\partial z_i} = \frac{p_i - y_i}{n}, \qquad
              p_i = \operatorname{softmax}(z_i), \quad \textstyle\sum_j y_{ij} = 1 .

    References
    ----------
    Book: Neurons, "Cross-entropy is a categorical likelihood" (claim ``losses.softmax-ce-gradient``).

    Examples
    --------
    >>> softmax_cross_entropy_grad(np.zeros((1, 2)), np.array([0]))
    array([[-0.5,  0.5]])
    """
    z = _batch(z, "z", "softmax_cross_entropy_grad")
    Y = _targets(y, z.shape, "softmax_cross_entropy_grad")
    return (softmax(z) - Y) / z.shape[0]


# ------------------------------------------------------------------------------- binary cross-entropy

def _binary_targets(y: object, z: np.ndarray, func: str) -> np.ndarray:
    y = _same_shape(y, z, "z", func)
    if np.any(y < 0) or np.any(y > 1):
        raise ValueError(f"{func}: y must hold target probabilities in [0, 1] (0/1 labels); got values in "
                         f"[{y.min():.3g}, {y.max():.3g}].")
    return y


def binary_cross_entropy_with_logits(z: np.ndarray, y: np.ndarray) -> float:
    r"""Binary cross-entropy of ``sigmoid(z)`` against ``y``, from the logits, averaged over all n k entries.

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Logits (k independent binary outputs per example).
    y : ndarray, shape (n, k)
        Targets in [0, 1].

    Returns
    -------
    float

    Notes
    -----
    .. math:: -y\log\sigma(z) - (1-y)\log(1-\sigma(z)) = \max(z, 0) - z y + \log(1 + e^{-|z|}) .

    The right-hand side never exponentiates a positive number and never takes the log of a rounded-to-zero
    probability.

    References
    ----------
    Book: Neurons, "Binary cross-entropy from logits" (claims ``losses.bce-logits-stable``,
    ``losses.bce-logits-gradient``).

    Examples
    --------
    >>> binary_cross_entropy_with_logits(np.array([[1000.0]]), np.array([[0.0]]))
    1000.0
    """
    z = _batch(z, "z", "binary_cross_entropy_with_logits")
    y = _binary_targets(y, z, "binary_cross_entropy_with_logits")
    with np.errstate(under="ignore"):
        per_entry = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(per_entry))


def binary_cross_entropy_with_logits_grad(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`binary_cross_entropy_with_logits` with respect to ``z``: ``(sigmoid(z) - y) / (n k)``.

    Parameters
    ----------
    z, y : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \frac{\partial}{\partial z}\bigl[\max(z, 0) - z y + \log(1 + e^{-|z|})\bigr] = \sigma(z) - y .

    References
    ----------
    Book: Neurons, "Binary cross-entropy from logits" (claim ``losses.bce-logits-gradient``).

    Examples
    --------
    >>> binary_cross_entropy_with_logits_grad(np.zeros((1, 2)), np.array([[1.0, 0.0]]))
    array([[-0.25,  0.25]])
    """
    z = _batch(z, "z", "binary_cross_entropy_with_logits_grad")
    y = _binary_targets(y, z, "binary_cross_entropy_with_logits_grad")
    return (sigmoid(z) - y) / z.size


# --------------------------------------------------------------------------------------- Huber and hinge

def huber(y_pred: np.ndarray, y: np.ndarray, delta: float = 1.0) -> float:
    r"""Huber loss, averaged over all n k entries: quadratic for small residuals, linear for large ones.

    Parameters
    ----------
    y_pred, y : ndarray, shape (n, k)
    delta : float > 0

    Returns
    -------
    float

    Notes
    -----
    With :math:`r = \hat y - y`,

    .. math:: \ell_\delta(r) = \tfrac12 r^2 \ (|r| \le \delta), \qquad
              \delta\,(|r| - \tfrac12\delta) \ (|r| > \delta).

    References
    ----------
    Book: Neurons, "Huber and hinge losses" (claims ``losses.huber-gradient``, ``losses.huber-robust``).

    Examples
    --------
    >>> huber(np.array([[0.5, 3.0]]), np.zeros((1, 2)))
    1.3125
    """
    y_pred = _batch(y_pred, "y_pred", "huber")
    y = _same_shape(y, y_pred, "y_pred", "huber")
    delta = _delta(delta, "huber")
    a = np.abs(y_pred - y)
    return float(np.mean(np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))))


def huber_grad(y_pred: np.ndarray, y: np.ndarray, delta: float = 1.0) -> np.ndarray:
    r"""Gradient of :func:`huber` with respect to ``y_pred``: ``clip(r, -delta, delta) / (n k)``.

    Parameters
    ----------
    y_pred, y : ndarray, shape (n, k)
    delta : float > 0

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \ell_\delta'(r) = r \ (|r| \le \delta), \qquad \delta \operatorname{sign} r \ (|r| > \delta)
              \;=\; \operatorname{clip}(r, -\delta, \delta).

    Large residuals pull with force at most delta: the source of the loss's robustness.

    References
    ----------
    Book: Neurons, "Huber and hinge losses" (claim ``losses.huber-gradient``).

    Examples
    --------
    >>> huber_grad(np.array([[0.5, 3.0]]), np.zeros((1, 2)))
    array([[0.25, 0.5 ]])
    """
    y_pred = _batch(y_pred, "y_pred", "huber_grad")
    y = _same_shape(y, y_pred, "y_pred", "huber_grad")
    delta = _delta(delta, "huber_grad")
    return np.clip(y_pred - y, -delta, delta) / y_pred.size


def hinge(z: np.ndarray, y: np.ndarray) -> float:
    r"""Hinge loss of scores ``z`` against labels ``y`` in {-1, +1}, averaged over all n k entries.

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Scores (logits); the prediction is sign(z).
    y : ndarray, shape (n, k)
        Labels -1 or +1 (not 0/1: pass ``2 * y - 1``).

    Returns
    -------
    float

    Notes
    -----
    .. math:: \operatorname{hinge}(z, y) = \max(0, 1 - y z) \ \ge\ \mathbf 1[y z \le 0] .

    References
    ----------
    Book: Neurons, "Huber and hinge losses" (claims ``losses.hinge-subgradient``, ``losses.hinge-upper-bound``).

    Examples
    --------
    >>> hinge(np.array([[2.0, 0.5, -1.0]]), np.array([[1.0, 1.0, 1.0]]))
    0.8333333333333334
    """
    z = _batch(z, "z", "hinge")
    y = _signs(y, z, "hinge")
    return float(np.mean(np.maximum(0.0, 1.0 - y * z)))


def hinge_grad(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""A subgradient of :func:`hinge` with respect to ``z``: ``-y / (n k)`` where ``y z < 1``, else 0.

    Parameters
    ----------
    z, y : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \partial_z \max(0, 1 - y z) = -y \ (y z < 1), \qquad 0 \ (y z > 1);

    at the kink y z = 1 we take 0, one end of the subdifferential (a convention, like ``relu_vjp`` at 0).

    References
    ----------
    Book: Neurons, "Huber and hinge losses" (claim ``losses.hinge-subgradient``).

    Examples
    --------
    >>> hinge_grad(np.array([[2.0, 0.5]]), np.array([[1.0, -1.0]]))
    array([[0. , 0.5]])
    """
    z = _batch(z, "z", "hinge_grad")
    y = _signs(y, z, "hinge_grad")
    return np.where(y * z < 1.0, -y, 0.0) / z.size

r"""Part of the "Calculus and backpropagation" chapter: the first network trained by the autodiff engine.

* The toy data set: :func:`two_moons`.
* A multilayer perceptron with tanh hidden layers: its parameters (:func:`mlp_init`), its logits
  (:func:`mlp_logits`), its loss (:func:`mlp_loss`, an engine expression), full-batch gradient
  descent with gradients from the engine (:func:`train_mlp`), and its predictions (:func:`mlp_predict`).

The chapter's claims (``CLAIMS``), the Figure-1 network and finite differences live in :mod:`mathdl.calculus`;
the engine itself in :mod:`mathdl.autodiff`. Shapes follow the book: rows are examples, a layer is
``X @ W + b`` with ``W`` of shape (d_in, d_out).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from mathdl import autodiff as ad
from mathdl.calculus import _matrix

__all__ = [
    "mlp_init",
    "mlp_logits",
    "mlp_predict",
    "mlp_loss",
    "train_mlp",
    "two_moons",
]


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaving half circles in the plane, a classic toy classification problem.

    Parameters
    ----------
    n : int
        Number of points (half in each class; n >= 2).
    noise : float
        Standard deviation of Gaussian noise added to each coordinate (>= 0).
    seed : int

    Returns
    -------
    X : ndarray, shape (n, 2)
        Points; class 0 on :math:`(\cos t, \sin t)`, class 1 on :math:`(1 - \cos t, \tfrac12 - \sin t)`,
        :math:`t \in [0, \pi]`.
    labels : ndarray of int, shape (n,)

    Examples
    --------
    >>> X, labels = two_moons(6, seed=1)
    >>> X.shape, labels.tolist()
    ((6, 2), [0, 0, 0, 1, 1, 1])
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"two_moons: n must be an int >= 2; got {n!r}.")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not (0 <= noise < math.inf):
        raise ValueError(f"two_moons: noise must be a finite number >= 0; got {noise!r}.")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = rng.uniform(0.0, np.pi, n0)
    t1 = rng.uniform(0.0, np.pi, n - n0)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])])
    X += noise * rng.standard_normal(X.shape)
    return X, np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])


def mlp_init(widths: Sequence[int], seed: int = 0) -> list[np.ndarray]:
    r"""Parameters ``[W_1, b_1, ..., W_K, b_K]`` of an MLP, :math:`W_k \sim \mathcal N(0, 1/d_{k-1})`, :math:`b_k = 0`.

    Parameters
    ----------
    widths : sequence of int
        :math:`d_0, \dots, d_K` (input, hidden widths, number of classes).
    seed : int

    Returns
    -------
    list of ndarray
        ``W_k`` of shape (d_{k-1}, d_k) and ``b_k`` of shape (d_k,).
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or len(widths) < 2 or any(
            isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1 for w in widths):
        raise ValueError(f"mlp_init: widths must be at least two positive ints (d_0, ..., d_K); got {widths!r}.")
    rng = np.random.default_rng(seed)
    params: list[np.ndarray] = []
    for d_in, d_out in zip(widths[:-1], widths[1:]):
        params += [rng.standard_normal((d_in, d_out)) / math.sqrt(d_in), np.zeros(d_out)]
    return params


def mlp_logits(params: Sequence[ad.Tensor | np.ndarray], X: np.ndarray) -> ad.Tensor:
    r"""Logits of an MLP with tanh hidden layers, :math:`Z_K = \tanh(\cdots\tanh(X W_1 + b_1)\cdots) W_K + b_K`.

    Parameters
    ----------
    params : sequence of Tensor or ndarray
        ``[W_1, b_1, ..., W_K, b_K]`` as from :func:`mlp_init`.
    X : ndarray, shape (n, d_0)

    Returns
    -------
    Tensor, shape (n, d_K)
    """
    if len(params) < 2 or len(params) % 2:
        raise ValueError(f"mlp_logits: params must be [W_1, b_1, ..., W_K, b_K]; got {len(params)} arrays.")
    H: ad.Tensor | np.ndarray = X
    for k in range(0, len(params), 2):
        Z = H @ params[k] + params[k + 1]
        H = ad.tanh(Z) if k + 2 < len(params) else Z
    return H if isinstance(H, ad.Tensor) else ad.Tensor(H, requires_grad=False)


def mlp_loss(logits: ad.Tensor, labels: np.ndarray) -> ad.Tensor:
    r"""The MLP's training loss: mean cross-entropy of softmax probabilities against integer labels, as an
    engine expression (the numpy value of the same loss is :func:`mathdl.losses.softmax_cross_entropy`).

    Parameters
    ----------
    logits : Tensor, shape (n, k)
    labels : ndarray of int, shape (n,)
        Values in 0 .. k-1.

    Returns
    -------
    Tensor, shape ()

    Notes
    -----
    .. math:: L = \frac1n \sum_i \Big(\operatorname{logsumexp}(z_i) - z_{i, y_i}\Big)
              = -\frac1n \sum_i \log \operatorname{softmax}(z_i)_{y_i} ,

    whose gradient with respect to :math:`z_i` is :math:`(\operatorname{softmax}(z_i) - e_{y_i}) / n`
    (claim ``calculus.softmax-ce-delta``).
    """
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.shape != (logits.shape[0],):
        raise ValueError(f"mlp_loss: labels must be ints of shape ({logits.shape[0]},); got "
                         f"dtype {labels.dtype}, shape {labels.shape}.")
    k = logits.shape[1]
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"mlp_loss: labels must lie in 0..{k - 1}; got values from "
                         f"{labels.min()} to {labels.max()}.")
    onehot = np.eye(k)[labels]
    return (ad.logsumexp(logits, axis=1) - (logits * onehot).sum(axis=1)).mean()


def train_mlp(X: np.ndarray, labels: np.ndarray, hidden: Sequence[int] = (16, 16), steps: int = 600,
              lr: float = 0.5, seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    r"""Train an MLP classifier by full-batch gradient descent, with gradients from the autodiff engine.

    Parameters
    ----------
    X : ndarray, shape (n, d_0)
    labels : ndarray of int, shape (n,)
    hidden : sequence of int
        Hidden widths.
    steps : int
        Gradient steps.
    lr : float
        Learning rate :math:`\eta` of :math:`\theta \leftarrow \theta - \eta \nabla_\theta L`.
    seed : int
        Seed of the initial weights.

    Returns
    -------
    params : list of ndarray
        ``[W_1, b_1, ..., W_K, b_K]`` after training.
    losses : ndarray, shape (steps,)
        The loss before each step.

    References
    ----------
    Book: Calculus and backpropagation, "Watching the mathematics learn".
    """
    X = _matrix(X, "X", "train_mlp")
    labels = np.asarray(labels)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"train_mlp: steps must be a positive int; got {steps!r}.")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (0 < lr < math.inf):
        raise ValueError(f"train_mlp: lr must be a positive number; got {lr!r}.")
    classes = int(labels.max()) + 1 if labels.size and labels.dtype.kind in "iu" else 0
    params = mlp_init([X.shape[1], *hidden, max(classes, 2)], seed)
    loss_and_grads = ad.value_and_grad(lambda *p: mlp_loss(mlp_logits(p, X), labels))
    losses = np.empty(steps)
    for t in range(steps):
        losses[t], grads = loss_and_grads(*params)
        params = [p - lr * g for p, g in zip(params, grads)]
    return params, losses


def mlp_predict(params: Sequence[np.ndarray], X: np.ndarray) -> np.ndarray:
    """Predicted class of each row of ``X``: the arg-max of :func:`mlp_logits`.

    Parameters
    ----------
    params : sequence of ndarray
        As returned by :func:`train_mlp`.
    X : ndarray, shape (n, d_0)

    Returns
    -------
    ndarray of int, shape (n,)
    """
    X = _matrix(X, "X", "mlp_predict")
    return np.argmax(mlp_logits(list(params), X).value, axis=1)

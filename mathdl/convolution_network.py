r"""A small CNN on the 8×8 digits, and an MLP of about the same size, trained with mathdl.autodiff and Adam.

The CNN (NCHW, PyTorch's layout), for 1×8×8 inputs:

.. math:: x \xrightarrow{\ \mathrm{conv}\,3\times3,\ 8,\ p=1\ } \mathrm{ReLU} \xrightarrow{\ \max 2\times2\ }
          \xrightarrow{\ \mathrm{conv}\,3\times3,\ 16,\ p=1\ } \mathrm{ReLU} \xrightarrow{\ \max 2\times2\ }
          \mathrm{flatten}\ (64) \xrightarrow{\ \mathrm{dense}\ } 10 \text{ logits},

1,898 parameters; the MLP baseline 64 → 25 (tanh) → 10 has 1,885. Both are trained on the same minibatches with
:func:`mathdl.optim_adaptive.adam_step` on the mean cross-entropy (:func:`mathdl.mlp.mlp_loss`).

Book: Convolutional networks, "A CNN on real digits" (claims ``convolution.cnn-digits``,
``convolution.mlp-comparison``).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mathdl import autodiff as ad
from mathdl import mlp, optim_adaptive
from mathdl.autodiff.convolution import conv2d, max_pool2d

__all__ = ["CNN_CHANNELS", "accuracy", "translate", "cnn_features", "cnn_init", "cnn_logits", "count_parameters",
           "mlp_baseline_init", "mlp_baseline_logits", "train_classifier"]

#: Channels of the two convolution layers.
CNN_CHANNELS = (8, 16)


def cnn_init(seed: int = 0, channels: tuple[int, int] = CNN_CHANNELS) -> list[np.ndarray]:
    r"""He-initialized parameters ``[w1, b1, w2, b2, W3, b3]`` of the digits CNN.

    Returns
    -------
    list of ndarray
        ``w1`` (c1, 1, 3, 3), ``b1`` (c1,), ``w2`` (c2, c1, 3, 3), ``b2`` (c2,), ``W3`` (4 c2, 10), ``b3`` (10,);
        :math:`w \sim \mathcal N(0, 2/\mathrm{fan\_in})`.

    Examples
    --------
    >>> count_parameters(cnn_init())
    1898

    References
    ----------
    Book: Convolutional networks, "A CNN on real digits" (claim ``convolution.cnn-digits``).
    """
    c1, c2 = (int(c) for c in channels)
    if c1 < 1 or c2 < 1:
        raise ValueError(f"cnn_init: channels must be two positive ints; got {channels!r}.")
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((c1, 1, 3, 3)) * math.sqrt(2 / 9), np.zeros(c1),
            rng.standard_normal((c2, c1, 3, 3)) * math.sqrt(2 / (9 * c1)), np.zeros(c2),
            rng.standard_normal((4 * c2, 10)) * math.sqrt(1 / (4 * c2)), np.zeros(10)]


def _images(X: Any, func: str) -> np.ndarray:
    if not isinstance(X, np.ndarray) or X.dtype != np.float64 or X.ndim != 4 or X.shape[1:] != (1, 8, 8):
        raise ValueError(f"{func}: X must be a float64 array of shape (n, 1, 8, 8) (digits(..., images=True)); got "
                         f"{getattr(X, 'shape', type(X).__name__)}.")
    return X


def cnn_features(params: Sequence[Any], X: np.ndarray) -> tuple[ad.Tensor, ad.Tensor]:
    r"""The two feature maps after ReLU: :math:`h_1 = \mathrm{ReLU}(w_1 \star x + b_1)` (n, c1, 8, 8) and
    :math:`h_2 = \mathrm{ReLU}(w_2 \star \mathrm{maxpool}(h_1) + b_2)` (n, c2, 4, 4).

    References
    ----------
    Book: Convolutional networks, "A CNN on real digits" (claim ``convolution.cnn-digits``).
    """
    X = _images(X, "cnn_features")
    w1, b1, w2, b2 = params[:4]
    c1, c2 = w1.shape[0], w2.shape[0]
    h1 = ad.relu(conv2d(X, w1, padding=1) + ad.reshape(b1, (1, c1, 1, 1)))
    h2 = ad.relu(conv2d(max_pool2d(h1), w2, padding=1) + ad.reshape(b2, (1, c2, 1, 1)))
    return h1, h2


def cnn_logits(params: Sequence[Any], X: np.ndarray) -> ad.Tensor:
    r"""Logits of the digits CNN (module docstring), shape (n, 10).

    Examples
    --------
    >>> cnn_logits(cnn_init(), np.zeros((2, 1, 8, 8))).shape
    (2, 10)

    References
    ----------
    Book: Convolutional networks, "A CNN on real digits" (claim ``convolution.cnn-digits``).
    """
    _, h2 = cnn_features(params, X)
    pooled = max_pool2d(h2)                                   # (n, c2, 2, 2)
    flat = ad.reshape(pooled, (pooled.shape[0], -1))
    return flat @ params[4] + params[5]


def mlp_baseline_init(hidden: int = 25, seed: int = 0) -> list[np.ndarray]:
    """Parameters of the MLP baseline 64 → hidden (tanh) → 10 (:func:`mathdl.mlp.mlp_init`).

    Examples
    --------
    >>> count_parameters(mlp_baseline_init())
    1885

    References
    ----------
    Book: Convolutional networks, "A CNN on real digits" (claim ``convolution.mlp-comparison``).
    """
    return mlp.mlp_init([64, int(hidden), 10], seed)


def mlp_baseline_logits(params: Sequence[Any], X: np.ndarray) -> ad.Tensor:
    """Logits of the MLP baseline on images (n, 1, 8, 8), flattened to rows of 64 pixels (claim
    ``convolution.mlp-comparison``)."""
    X = _images(X, "mlp_baseline_logits")
    return mlp.mlp_logits(params, X.reshape(X.shape[0], 64))


def count_parameters(params: Sequence[np.ndarray]) -> int:
    """Total number of entries of a parameter list (claim ``convolution.parameter-count``).

    Examples
    --------
    >>> count_parameters([np.zeros((3, 4)), np.zeros(4)])
    16
    """
    return int(sum(np.size(p) for p in params))


def accuracy(logits_fn: Callable[..., ad.Tensor], params: Sequence[np.ndarray], X: np.ndarray,
             y: np.ndarray) -> float:
    """Fraction of rows whose arg-max logit is the label (claim ``convolution.cnn-digits``).

    Examples
    --------
    >>> accuracy(cnn_logits, cnn_init(), np.zeros((4, 1, 8, 8)), np.zeros(4, dtype=int)) in (0.0, 1.0)
    True
    """
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != (len(X),):
        raise ValueError(f"accuracy: y must be ints of shape ({len(X)},); got dtype {y.dtype}, shape {y.shape}.")
    return float(np.mean(np.argmax(logits_fn(params, X).value, axis=1) == y))


def train_classifier(logits_fn: Callable[..., ad.Tensor], params: Sequence[np.ndarray], X: np.ndarray,
                     y: np.ndarray, *, epochs: int = 8, batch: int = 32, lr: float = 0.01,
                     seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    r"""Minibatch Adam on the mean cross-entropy, gradients from the engine.

    Parameters
    ----------
    logits_fn : callable
        ``logits_fn(params, X) -> Tensor (n, 10)``: :func:`cnn_logits` or :func:`mlp_baseline_logits`.
    params : list of ndarray
        Initial parameters.
    X : ndarray, shape (n, 1, 8, 8)
    y : ndarray of int, shape (n,)
    epochs, batch : int
        Passes over the data and minibatch size; each epoch visits a fresh seeded permutation.
    lr : float
        Adam's step size (betas 0.9, 0.999).
    seed : int

    Returns
    -------
    params : list of ndarray
    losses : ndarray, shape (steps,)
        The minibatch loss before each step.

    Notes
    -----
    All parameters are flattened into one vector :math:`\theta` for :func:`mathdl.optim_adaptive.adam_step`:
    :math:`\theta \leftarrow \theta - \eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)`.

    References
    ----------
    Book: Convolutional networks, "A CNN on real digits" (claims ``convolution.cnn-digits``,
    ``convolution.mlp-comparison``).
    """
    X = _images(X, "train_classifier")
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != (X.shape[0],):
        raise ValueError(f"train_classifier: y must be ints of shape ({X.shape[0]},); got {y.dtype}, {y.shape}.")
    for name, v in (("epochs", epochs), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"train_classifier: {name} must be a positive int; got {v!r}.")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < math.inf:
        raise ValueError(f"train_classifier: lr must be a positive number; got {lr!r}.")
    shapes = [np.shape(p) for p in params]
    sizes = [int(np.prod(s)) for s in shapes]
    theta = np.concatenate([np.ravel(p) for p in params]).astype(np.float64)

    def unflatten(v: np.ndarray) -> list[np.ndarray]:
        return [c.reshape(s) for c, s in zip(np.split(v, np.cumsum(sizes)[:-1]), shapes)]

    rng = np.random.default_rng(seed)
    state, losses = None, []
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch):
            idx = order[start:start + batch]
            tensors = [ad.Tensor(p) for p in unflatten(theta)]
            loss = mlp.mlp_loss(logits_fn(tensors, X[idx]), y[idx])
            loss.backward()
            losses.append(float(loss.value))
            grads = np.concatenate([t.grad.ravel() for t in tensors])
            theta, state = optim_adaptive.adam_step(theta, grads, state, lr=lr)
    return unflatten(theta), np.array(losses)


def translate(X: np.ndarray, dy: int, dx: int) -> np.ndarray:
    r"""Images moved by ``(dy, dx)`` pixels (down, right), the vacated pixels set to 0 (no wrap-around).

    Parameters
    ----------
    X : ndarray, shape (n, C, H, W)
    dy, dx : int
        ``|dy| < H``, ``|dx| < W``.

    Returns
    -------
    ndarray, shape (n, C, H, W)
        :math:`(T_{dy,dx}X)_{nchw} = X_{nc,h-dy,w-dx}` where that index exists, else 0. Used to compare how the
        CNN and the MLP degrade under small translations (claim ``convolution.mlp-comparison``).

    Examples
    --------
    >>> translate(np.arange(4.0).reshape(1, 1, 2, 2), 0, 1)[0, 0]
    array([[0., 0.],
           [0., 2.]])
    """
    if not isinstance(X, np.ndarray) or X.ndim != 4:
        raise ValueError(f"translate: X must be a 4-D NCHW array; got {getattr(X, 'shape', type(X).__name__)}.")
    H, W = X.shape[2:]
    dy, dx = int(dy), int(dx)
    if abs(dy) >= H or abs(dx) >= W:
        raise ValueError(f"translate: shift ({dy}, {dx}) must be smaller than the image ({H}x{W}).")
    out = np.zeros_like(X)
    out[:, :, max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
        X[:, :, max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out

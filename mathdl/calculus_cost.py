r"""What reverse mode costs: the cheap-gradient principle, counted and measured, and checkpointing.

Part of the chapter "Calculus and backpropagation" (its claim ids are declared in :data:`mathdl.calculus.CLAIMS`).

* :func:`gradient_flops` and :func:`gradient_time_ratio`: the cheap-gradient principle, counted and measured.
* :func:`chain_gradients`: the gradient of a deep tanh chain (:func:`chain_loss`) by plain reverse mode or with
  checkpoints every ``segment`` layers, with the number of activations held at the peak; :func:`checkpoint_memory`
  is the model :math:`\lceil K/s \rceil + s`.

Forward mode (dual numbers, JVPs), Hessian-vector products and Taylor remainders are in
:mod:`mathdl.calculus_forward`.
"""
from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from mathdl import autodiff as ad
from mathdl.validate import real_array

__all__ = [
    "chain_gradients",
    "chain_loss",
    "checkpoint_memory",
    "gradient_flops",
    "gradient_time_ratio",
]


# --------------------------------------------------------------------------------- the cheap gradient

def _widths(widths: Any, func: str) -> list[int]:
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or len(widths) < 2:
        raise ValueError(f"{func}: widths must be a sequence d_0, ..., d_K of at least two ints; got {widths!r}.")
    for w in widths:
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1:
            raise ValueError(f"{func}: every width must be a positive int; got {widths!r}.")
    return [int(w) for w in widths]


def gradient_flops(widths: Sequence[int], batch: int) -> dict[str, int]:
    r"""Multiplications in the matrix products of an MLP's forward pass and of its backward pass.

    Parameters
    ----------
    widths : sequence of int
        :math:`d_0, \dots, d_K`; layer :math:`k` is :math:`X_{k-1} W_k` with :math:`W_k` of shape
        :math:`d_{k-1} \times d_k`.
    batch : int
        Rows :math:`n` of the input.

    Returns
    -------
    dict
        ``"forward"``: :math:`F = \sum_k n d_{k-1} d_k`; ``"backward"``: :math:`\bar W_k = X_{k-1}^\top \delta_k`
        for every layer plus :math:`\bar X_{k-1} = \delta_k W_k^\top` for :math:`k \ge 2` (the data is a
        constant), :math:`2F - n d_0 d_1`.

    Notes
    -----
    So :math:`(F + B)/F = 3 - n d_0 d_1 / F < 3`: the gradient costs less than three function evaluations.

    References
    ----------
    Book: Calculus and backpropagation, "The cheap-gradient principle" (claim ``calculus.cheap-gradient``).

    Examples
    --------
    >>> gradient_flops([784, 256, 10], 256)
    {'forward': 52035584, 'backward': 52690944}
    """
    w = _widths(widths, "gradient_flops")
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ValueError(f"gradient_flops: batch must be a positive int; got {batch!r}.")
    layers = [batch * w[k - 1] * w[k] for k in range(1, len(w))]
    return {"forward": int(sum(layers)), "backward": int(sum(layers) + sum(layers[1:]))}


def gradient_time_ratio(widths: Sequence[int], batch: int, repeats: int = 5, seed: int = 0) -> float:
    r"""Measured time of the engine's value and gradient over the time of the numpy function alone.

    Parameters
    ----------
    widths : sequence of int
        A ReLU MLP :math:`d_0 \to \dots \to d_K` with a mean-square loss.
    batch : int
    repeats : int
        Each side is timed ``repeats`` times, interleaved, with one BLAS thread; the minima are compared.
    seed : int

    Returns
    -------
    float
        :math:`\min t(\text{value and gradient}) / \min t(f)`.

    Notes
    -----
    The cheap-gradient principle says this is bounded by a small constant independent of the number of
    parameters; :func:`gradient_flops` gives the arithmetic part of that constant (< 3).

    References
    ----------
    Book: Calculus and backpropagation, "The cheap-gradient principle" (claim ``calculus.cheap-gradient``).

    Examples
    --------
    >>> 1.0 < gradient_time_ratio([64, 64, 1], 64, repeats=3) < 50.0
    True
    """
    w = _widths(widths, "gradient_time_ratio")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"gradient_time_ratio: repeats must be a positive int; got {repeats!r}.")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, w[0]))
    Ws = [rng.standard_normal((w[k - 1], w[k])) / math.sqrt(w[k - 1]) for k in range(1, len(w))]

    def numpy_loss(*weights: np.ndarray) -> float:
        h = X
        for W in weights[:-1]:
            h = np.maximum(h @ W, 0.0)
        return float(np.mean((h @ weights[-1]) ** 2))

    def engine_loss(*weights: ad.Tensor) -> ad.Tensor:
        h = X
        for W in weights[:-1]:
            h = ad.relu(h @ W)
        return ((h @ weights[-1]) ** 2).mean()

    value_and_grad = ad.value_and_grad(engine_loss)
    if not np.isclose(value_and_grad(*Ws)[0], numpy_loss(*Ws), rtol=1e-12, atol=0):
        raise RuntimeError("gradient_time_ratio: the engine and numpy losses differ; the timing would compare "
                           "different computations.")
    t_f, t_g = [], []
    with threadpool_limits(limits=1):   # one BLAS thread: both sides on equal terms, less noise
        for _ in range(repeats):
            start = time.perf_counter()
            numpy_loss(*Ws)
            t_f.append(time.perf_counter() - start)
            start = time.perf_counter()
            value_and_grad(*Ws)
            t_g.append(time.perf_counter() - start)
    return min(t_g) / min(t_f)


# ------------------------------------------------------------------------------------------ checkpointing

def checkpoint_memory(depth: int, segment: int | None = None) -> int:
    r"""Activations held at the peak of the backward pass of a chain of ``depth`` layers.

    Parameters
    ----------
    depth : int
        :math:`K` layers :math:`x_k = \tanh(x_{k-1} W_k)`.
    segment : int, optional
        Checkpoint every :math:`s` layers; ``None`` is plain reverse mode.

    Returns
    -------
    int
        Plain: :math:`K + 1` (every :math:`x_0, \dots, x_K`). Checkpointed: the :math:`\lceil K / s \rceil`
        checkpoints :math:`x_0, x_s, x_{2s}, \dots` plus the :math:`s` activations of one recomputed segment,
        :math:`\lceil K/s \rceil + s`, smallest near :math:`s = \sqrt K` where it is about :math:`2\sqrt K`.

    References
    ----------
    Book: Calculus and backpropagation, "Memory and checkpointing" (claim ``calculus.checkpoint-memory``).

    Examples
    --------
    >>> checkpoint_memory(100), checkpoint_memory(100, 10)
    (101, 20)
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"checkpoint_memory: depth must be a positive int; got {depth!r}.")
    if segment is None:
        return int(depth) + 1
    if isinstance(segment, bool) or not isinstance(segment, (int, np.integer)) or not 1 <= segment <= depth:
        raise ValueError(f"checkpoint_memory: segment must be an int in 1..depth={depth}; got {segment!r}.")
    return -(-int(depth) // int(segment)) + int(segment)


def chain_loss(x: np.ndarray, Ws: Sequence[ad.Tensor | np.ndarray]) -> ad.Tensor:
    r"""The loss :math:`\tfrac12 \lVert x_K \rVert^2` of the chain :math:`x_k = \tanh(x_{k-1} W_k)`, on the engine.

    References
    ----------
    Book: Calculus and backpropagation, "Memory and checkpointing" (claim ``calculus.checkpoint-gradients``).

    Examples
    --------
    >>> float(chain_loss(np.zeros((1, 2)), [np.eye(2)]).value)
    0.0
    """
    h = x
    for W in Ws:
        h = ad.tanh(h @ W)
    return 0.5 * (h * h).sum()


def chain_gradients(x: np.ndarray, Ws: Sequence[np.ndarray], segment: int | None = None
                    ) -> tuple[float, list[np.ndarray], dict[str, int]]:
    r"""Gradient of :func:`chain_loss` with respect to every :math:`W_k`, plain or with checkpoints.

    Parameters
    ----------
    x : (n, d) array
    Ws : sequence of (d, d) arrays
        :math:`W_1, \dots, W_K`.
    segment : int, optional
        ``None``: one engine graph over the whole chain. An int :math:`s`: a forward pass in numpy keeping only
        :math:`x_0, x_s, x_{2s}, \dots`; then, from the last segment to the first, rebuild that segment's graph
        from its checkpoint, and run its backward pass seeded with the cotangent of the segment's output.

    Returns
    -------
    loss : float
    grads : list of ndarray
        :math:`\partial L / \partial W_k`.
    counts : dict
        ``"peak_activations"``: activations held at once (as :func:`checkpoint_memory`);
        ``"layer_evaluations"``: layers evaluated, :math:`K` plain and :math:`2K` checkpointed.

    Notes
    -----
    The checkpointed gradient is the same computation in a different order: each segment's backward pass gets
    :math:`\bar x_{\text{end}}` and returns :math:`\bar W_k` and :math:`\bar x_{\text{start}}` by reverse
    accumulation; only the schedule of storing and recomputing changes.

    References
    ----------
    Book: Calculus and backpropagation, "Memory and checkpointing" (claims ``calculus.checkpoint-gradients``,
    ``calculus.checkpoint-memory``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, Ws = rng.standard_normal((2, 3)), [rng.standard_normal((3, 3)) for _ in range(4)]
    >>> _, g_plain, _ = chain_gradients(x, Ws)
    >>> _, g_ckpt, counts = chain_gradients(x, Ws, segment=2)
    >>> all(np.allclose(a, b, rtol=1e-13, atol=0) for a, b in zip(g_plain, g_ckpt)), counts
    (True, {'peak_activations': 4, 'layer_evaluations': 8})
    """
    x = real_array(x, "x", "chain_gradients")
    if x.ndim != 2:
        raise ValueError(f"chain_gradients: x must be an (n, d) array; got shape {x.shape}.")
    if isinstance(Ws, np.ndarray) or not isinstance(Ws, Sequence) or len(Ws) == 0:
        raise ValueError("chain_gradients: Ws must be a non-empty sequence of (d, d) arrays.")
    Ws = [real_array(W, f"Ws[{k}]", "chain_gradients") for k, W in enumerate(Ws)]
    d = x.shape[1]
    for k, W in enumerate(Ws):
        if W.shape != (d, d):
            raise ValueError(f"chain_gradients: Ws[{k}] must have shape ({d}, {d}); got {W.shape}.")
    K = len(Ws)
    if segment is None:
        tensors = [ad.Tensor(W, name=f"W{k + 1}") for k, W in enumerate(Ws)]
        loss = chain_loss(x, tensors)
        loss.backward()
        return float(loss.value), [t.grad for t in tensors], {"peak_activations": K + 1, "layer_evaluations": K}
    peak = checkpoint_memory(K, segment)
    starts = list(range(0, K, segment))
    checkpoints, h = {}, x
    for k, W in enumerate(Ws):       # forward: keep only the checkpoints
        if k in starts:
            checkpoints[k] = h
        h = np.tanh(h @ W)
    loss_value = 0.5 * float(np.sum(h * h))
    grads: list[np.ndarray] = [np.zeros((d, d))] * K
    cotangent = h                    # dL/dx_K for L = |x_K|^2 / 2
    for start in reversed(starts):   # backward: recompute one segment at a time
        stop = min(start + segment, K)
        x_in = ad.Tensor(checkpoints[start], name=f"x{start}")
        tensors = [ad.Tensor(Ws[k], name=f"W{k + 1}") for k in range(start, stop)]
        out = x_in
        for t in tensors:
            out = ad.tanh(out @ t)
        out.backward(seed=cotangent)
        for k, t in zip(range(start, stop), tensors):
            grads[k] = t.grad
        cotangent = x_in.grad
    return loss_value, grads, {"peak_activations": peak, "layer_evaluations": 2 * K}

r"""The primitive operations of the autodiff engine: each forward function with its vector-Jacobian product.

Every primitive is a pair of plain numpy functions, written next to each other so the chain rule reads in a
few lines:

``forward(*values, **params) -> ans``
    The operation on float64 arrays.
``forward_vjp(g, ans, *values, wants, **params) -> tuple``
    Given the cotangent ``g`` of the output (the upstream gradient :math:`\bar y = \partial L / \partial y`,
    shaped like ``ans``), return one cotangent per input, :math:`\bar x_i = \bar y^\top J_{x_i}`, shaped like
    that input. ``wants[i]`` is False when input ``i`` needs no gradient (a constant); the VJP then returns
    ``None`` in its place and skips the work -- for ``X @ W`` with data ``X`` that saves the largest product
    of the backward pass.

The docstring of each VJP states the formula it implements, :math:`\bar x = \partial \langle \bar y, f(x)
\rangle / \partial x`; the chapter "Calculus and backpropagation" derives those of ``matmul``, ``divide``,
``logsumexp`` and repeated ``getitem`` with SymPy at stated shapes (the others are elementary rules applied
entrywise, or relabellings of entries). :data:`OPS` collects the pairs as :class:`Op` records; the engine in
:mod:`mathdl.autodiff.engine` only ever calls these functions, and ``tests/test_autodiff.py`` checks every VJP
against central differences with :func:`mathdl.verify.gradcheck` (claim ``calculus.op-vjps``).

Broadcasting: an input that numpy broadcast along some axes received the same value in every position of
those axes, so its cotangent is the **sum** of the output cotangent over them (:func:`unbroadcast`, claim
``calculus.broadcast-reduction``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from mathdl import activations

__all__ = [
    "OPS",
    "Op",
    "add", "add_vjp",
    "concatenate", "concatenate_vjp",
    "divide", "divide_vjp",
    "make_op",
    "exp", "exp_vjp",
    "getitem", "getitem_vjp",
    "log", "log_vjp",
    "logsumexp", "logsumexp_vjp",
    "matmul", "matmul_vjp",
    "mean", "mean_vjp",
    "multiply", "multiply_vjp",
    "negative", "negative_vjp",
    "power", "power_vjp",
    "relu", "relu_vjp",
    "reshape", "reshape_vjp",
    "sigmoid", "sigmoid_vjp",
    "stack", "stack_vjp",
    "subtract", "subtract_vjp",
    "sum", "sum_vjp",
    "tanh", "tanh_vjp",
    "transpose", "transpose_vjp",
    "unbroadcast",
]

Grads = tuple[np.ndarray | None, ...]
_BOTH = (True, True)


class Op(NamedTuple):
    """A primitive: its name, forward function, VJP and the VJP formula in one line (for tables)."""

    name: str
    forward: Callable[..., np.ndarray]
    vjp: Callable[..., Grads]
    formula: str


# ------------------------------------------------------------------------------------------ broadcasting

def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    r"""Sum a cotangent over the axes along which an input of shape ``shape`` was broadcast.

    Parameters
    ----------
    g : ndarray, the broadcast output's shape
        Cotangent of the output.
    shape : tuple of int
        The input's shape before broadcasting.

    Returns
    -------
    ndarray, shape ``shape``
        ``g`` itself (no copy) when no broadcasting happened.

    Notes
    -----
    If :math:`y_{ij} = a_{ij} + b_j` (``b`` broadcast over rows), then
    :math:`\partial L/\partial b_j = \sum_i \partial L/\partial y_{ij}`: numpy's leading axes that were added
    are summed away, and axes of length 1 that were stretched are summed with ``keepdims``.

    References
    ----------
    Book: Calculus and backpropagation, "Broadcasting in the backward pass" (claim
    ``calculus.broadcast-reduction``).

    Examples
    --------
    >>> unbroadcast(np.ones((4, 3)), (3,))
    array([4., 4., 4.])
    >>> unbroadcast(np.ones((4, 3)), (4, 1)).shape
    (4, 1)
    """
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


def _shape(x: Any) -> tuple[int, ...]:
    return np.shape(x)


# ----------------------------------------------------------------------------------------- arithmetic

def add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` with numpy broadcasting."""
    return np.add(a, b)


def add_vjp(g: np.ndarray, ans: np.ndarray, a: np.ndarray, b: np.ndarray, wants: tuple[bool, ...] = _BOTH
            ) -> Grads:
    r"""VJP of :func:`add`: :math:`\bar a = \bar y,\ \bar b = \bar y` (each summed over its broadcast axes)."""
    return (unbroadcast(g, _shape(a)) if wants[0] else None,
            unbroadcast(g, _shape(b)) if wants[1] else None)


def subtract(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a - b`` with numpy broadcasting."""
    return np.subtract(a, b)


def subtract_vjp(g: np.ndarray, ans: np.ndarray, a: np.ndarray, b: np.ndarray,
                 wants: tuple[bool, ...] = _BOTH) -> Grads:
    r"""VJP of :func:`subtract`: :math:`\bar a = \bar y,\ \bar b = -\bar y` (summed over broadcast axes)."""
    return (unbroadcast(g, _shape(a)) if wants[0] else None,
            unbroadcast(-g, _shape(b)) if wants[1] else None)


def negative(x: np.ndarray) -> np.ndarray:
    """``-x``."""
    return np.negative(x)


def negative_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`negative`: :math:`\bar x = -\bar y`."""
    return (-g,)


def multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a * b`` entrywise, with numpy broadcasting."""
    return np.multiply(a, b)


def multiply_vjp(g: np.ndarray, ans: np.ndarray, a: np.ndarray, b: np.ndarray,
                 wants: tuple[bool, ...] = _BOTH) -> Grads:
    r"""VJP of :func:`multiply`: :math:`\bar a = \bar y \odot b,\ \bar b = \bar y \odot a` (product rule)."""
    return (unbroadcast(g * b, _shape(a)) if wants[0] else None,
            unbroadcast(g * a, _shape(b)) if wants[1] else None)


def divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` entrywise, with numpy broadcasting (``b`` must have no zero: the engine checks)."""
    return np.divide(a, b)


def divide_vjp(g: np.ndarray, ans: np.ndarray, a: np.ndarray, b: np.ndarray,
               wants: tuple[bool, ...] = _BOTH) -> Grads:
    r"""VJP of :func:`divide`: :math:`\bar a = \bar y / b,\ \bar b = -\bar y \odot a / b^2 = -\bar y \odot y / b`."""
    return (unbroadcast(g / b, _shape(a)) if wants[0] else None,
            unbroadcast(-g * ans / b, _shape(b)) if wants[1] else None)


def power(x: np.ndarray, p: float) -> np.ndarray:
    """``x ** p`` entrywise for a constant exponent ``p`` (the engine checks the domain)."""
    return np.power(x, p)


def power_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, p: float, wants: tuple[bool, ...] = (True,)
              ) -> Grads:
    r"""VJP of :func:`power`: :math:`\bar x = \bar y \odot p\, x^{p-1}` (the exponent is a constant; 0 for p = 0).

    For :math:`p = 0` the function is the constant 1, whose gradient is 0 everywhere -- also at :math:`x = 0`,
    where evaluating :math:`p\, x^{p-1}` would give :math:`0 \cdot \infty` = NaN.
    """
    if p == 0:
        return (np.zeros(np.broadcast_shapes(np.shape(g), np.shape(x))),)
    if p == 2:
        return (g * (2.0 * x),)
    return (g * (p * np.power(x, p - 1)),)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``; stacks of matrices broadcast over leading axes, 1-D operands follow numpy's rules."""
    return np.matmul(a, b)


def matmul_vjp(g: np.ndarray, ans: np.ndarray, a: np.ndarray, b: np.ndarray,
               wants: tuple[bool, ...] = _BOTH) -> Grads:
    r"""VJP of :func:`matmul`: :math:`\bar A = \bar Y B^\top,\ \bar B = A^\top \bar Y`.

    From :math:`Y_{ij} = \sum_k A_{ik} B_{kj}`: :math:`\partial L/\partial A_{ik} = \sum_j \bar Y_{ij} B_{kj}`
    and :math:`\partial L/\partial B_{kj} = \sum_i A_{ik} \bar Y_{ij}`. A 1-D operand is treated as a row
    (left) or column (right) matrix, and leading batch axes that were broadcast are summed away.
    """
    if a.ndim == 2 and b.ndim == 2:  # the common case, without reshaping
        return (g @ b.T if wants[0] else None, a.T @ g if wants[1] else None)
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = np.reshape(g, np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
    ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if wants[0] else None
    gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape) if wants[1] else None
    return ga, gb


# ------------------------------------------------------------------------------------ elementwise maps

def exp(x: np.ndarray) -> np.ndarray:
    """``e ** x`` entrywise (the engine refuses arguments that overflow)."""
    return np.exp(x)


def exp_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`exp`: :math:`\bar x = \bar y \odot e^{x} = \bar y \odot y` (reuses the output)."""
    return (g * ans,)


def log(x: np.ndarray) -> np.ndarray:
    """Natural logarithm entrywise (the engine requires ``x > 0``)."""
    return np.log(x)


def log_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`log`: :math:`\bar x = \bar y / x`."""
    return (g / x,)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, :func:`mathdl.activations.tanh`."""
    return activations.tanh(x)


def tanh_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`tanh`: :math:`\bar x = \bar y \odot (1 - \tanh^2 x)` (:func:`mathdl.activations.tanh_vjp`)."""
    return (activations.tanh_vjp(g, x),)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, :func:`mathdl.activations.sigmoid` (no overflow)."""
    return activations.sigmoid(x)


def sigmoid_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`sigmoid`: :math:`\bar x = \bar y \odot \sigma(x)(1 - \sigma(x))`
    (:func:`mathdl.activations.sigmoid_vjp`)."""
    return (activations.sigmoid_vjp(g, x),)


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(x, 0)``, :func:`mathdl.activations.relu`."""
    return activations.relu(x)


def relu_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`relu`: :math:`\bar x = \bar y \odot \mathbf 1[x > 0]` (subgradient 0 at the kink;
    :func:`mathdl.activations.relu_vjp`)."""
    return (activations.relu_vjp(g, x),)


# ------------------------------------------------------------------------------------------ reductions

def _restore_axes(g: np.ndarray, shape: tuple[int, ...], axis: int | tuple[int, ...] | None,
                  keepdims: bool) -> np.ndarray:
    """Reinsert the reduced axes of ``g`` (length 1) so it broadcasts against an input of ``shape``."""
    if keepdims or axis is None:
        return g
    axes = (axis,) if isinstance(axis, int) else axis
    return np.expand_dims(g, tuple(a % len(shape) for a in axes))


def sum(x: np.ndarray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> np.ndarray:
    """Sum over ``axis`` (all axes when None), like :func:`numpy.sum`."""
    return np.sum(x, axis=axis, keepdims=keepdims)


def sum_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, axis: int | tuple[int, ...] | None = None,
            keepdims: bool = False, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`sum`: :math:`\bar x_{i\dots} = \bar y` copied along the summed axes (a broadcast, no copy)."""
    return (np.broadcast_to(_restore_axes(g, x.shape, axis, keepdims), x.shape),)


def mean(x: np.ndarray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> np.ndarray:
    """Mean over ``axis`` (all axes when None), like :func:`numpy.mean`."""
    return np.mean(x, axis=axis, keepdims=keepdims)


def mean_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, axis: int | tuple[int, ...] | None = None,
             keepdims: bool = False, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`mean`: :math:`\bar x = \bar y / m` copied along the averaged axes (:math:`m` entries averaged)."""
    count = x.size // max(np.size(ans), 1) if x.size else 1
    return (np.broadcast_to(_restore_axes(g, x.shape, axis, keepdims) / count, x.shape),)


def logsumexp(x: np.ndarray, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> np.ndarray:
    r""":math:`\log \sum_i e^{x_i}` over ``axis``, computed as :math:`m + \log\sum_i e^{x_i - m}` with
    :math:`m = \max x` (no overflow)."""
    m = np.max(x, axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def logsumexp_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, axis: int | tuple[int, ...] | None = None,
                  keepdims: bool = False, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`logsumexp`: :math:`\bar x_i = \bar y\, e^{x_i - y} = \bar y\, \operatorname{softmax}(x)_i`."""
    with np.errstate(under="ignore"):
        p = np.exp(x - _restore_axes(ans, x.shape, axis, keepdims))
    return (_restore_axes(g, x.shape, axis, keepdims) * p,)


# ----------------------------------------------------------------------------------------------- shape

def reshape(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``x.reshape(shape)`` (a view: the entries are not moved)."""
    return np.reshape(x, shape)


def reshape_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, shape: tuple[int, ...],
                wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`reshape`: :math:`\bar x = \operatorname{reshape}(\bar y, \text{shape of } x)`
    (a permutation-free relabelling)."""
    return (np.reshape(g, x.shape),)


def transpose(x: np.ndarray, axes: tuple[int, ...] | None = None) -> np.ndarray:
    """``x.transpose(axes)``; reverses the axes when ``axes`` is None."""
    return np.transpose(x, axes)


def transpose_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, axes: tuple[int, ...] | None = None,
                  wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""VJP of :func:`transpose`: :math:`\bar x = \bar y` permuted back by the inverse permutation :math:`\pi^{-1}`."""
    if axes is None:
        return (np.transpose(g),)
    return (np.transpose(g, np.argsort(axes)),)


def _is_basic_index(index: Any) -> bool:
    """True for ints, slices, None and Ellipsis (numpy basic indexing: no entry is selected twice)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)


def getitem(x: np.ndarray, index: Any) -> np.ndarray:
    """``x[index]`` with numpy's basic or advanced (integer-array) indexing."""
    return x[index]


def getitem_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, index: Any, wants: tuple[bool, ...] = (True,)
                ) -> Grads:
    r"""VJP of :func:`getitem`: scatter-add, :math:`\bar x_j = \sum_{k : \text{index}_k = j} \bar y_k`
    (0 where unselected).

    An integer-array index may pick the same entry twice (``x[[0, 0]]``); its cotangents are then added with
    :func:`numpy.add.at`, which unlike ``out[index] += g`` accumulates repeated positions.
    """
    out = np.zeros(x.shape)
    if _is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return (out,)


def concatenate(*xs: np.ndarray, axis: int = 0) -> np.ndarray:
    """Join arrays along an existing axis, like :func:`numpy.concatenate`."""
    return np.concatenate(xs, axis=axis)


def concatenate_vjp(g: np.ndarray, ans: np.ndarray, *xs: np.ndarray, axis: int = 0,
                    wants: tuple[bool, ...] | None = None) -> Grads:
    r"""VJP of :func:`concatenate`: cut :math:`\bar y` back into the inputs' pieces along ``axis``."""
    bounds = np.cumsum([x.shape[axis] for x in xs])[:-1]
    pieces = np.split(g, bounds, axis=axis)
    return tuple(p if wants is None or w else None for p, w in zip(pieces, wants or [True] * len(xs)))


def stack(*xs: np.ndarray, axis: int = 0) -> np.ndarray:
    """Join same-shape arrays along a new axis, like :func:`numpy.stack`."""
    return np.stack(xs, axis=axis)


def stack_vjp(g: np.ndarray, ans: np.ndarray, *xs: np.ndarray, axis: int = 0,
              wants: tuple[bool, ...] | None = None) -> Grads:
    r"""VJP of :func:`stack`: :math:`\bar x_k = \bar y` indexed at position :math:`k` of the new axis."""
    moved = np.moveaxis(g, axis, 0)
    return tuple(moved[k] if wants is None or wants[k] else None for k in range(len(xs)))


def make_op(forward: Callable[..., np.ndarray], vjp: Callable[..., Grads]) -> Op:
    """The :class:`Op` record of a forward function and its VJP; the formula is the VJP docstring's summary.

    Op families (``mathdl.autodiff.<family>``) build their own ``OPS`` tables with it.
    """
    # The formula is the docstring's summary: its first paragraph, which may wrap over several lines.
    summary = (vjp.__doc__ or "").strip().split("\n\n", 1)[0]
    doc = " ".join(line.strip() for line in summary.splitlines())
    formula = doc.split(": ", 1)[1] if ": " in doc else doc
    return Op(forward.__name__, forward, vjp, formula)


#: Every primitive of the engine, by name: forward function, VJP, and the VJP's formula (from its docstring).
OPS: dict[str, Op] = {op.name: op for op in (
    make_op(add, add_vjp), make_op(subtract, subtract_vjp), make_op(negative, negative_vjp),
    make_op(multiply, multiply_vjp), make_op(divide, divide_vjp), make_op(power, power_vjp),
    make_op(matmul, matmul_vjp), make_op(exp, exp_vjp), make_op(log, log_vjp), make_op(tanh, tanh_vjp),
    make_op(sigmoid, sigmoid_vjp), make_op(relu, relu_vjp),
    make_op(sum, sum_vjp), make_op(mean, mean_vjp), make_op(logsumexp, logsumexp_vjp),
    make_op(reshape, reshape_vjp), make_op(transpose, transpose_vjp), make_op(getitem, getitem_vjp),
    make_op(concatenate, concatenate_vjp), make_op(stack, stack_vjp),
)}

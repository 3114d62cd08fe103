r"""Reverse-mode automatic differentiation: the book's own backpropagation.

A :class:`Tensor` is a node of a computation graph holding a float64 numpy array. Every operation on tensors
(``+ - * / @ **``, indexing, and the functions below) calls a primitive of :mod:`mathdl.autodiff.ops` -- a
forward function with its vector-Jacobian product written beside it -- and records the inputs. Calling
:meth:`Tensor.backward` on a scalar then runs the chain rule backwards through the graph, one VJP per node:

.. math:: \bar v = \sum_{w \,:\, v \to w} \bar w^\top \frac{\partial w}{\partial v}, \qquad
          \bar v := \frac{\partial L}{\partial v},

visiting the nodes in reverse topological order (each node after every node that uses it). Three details
make it correct where small engines often are not:

* the topological order is computed **iteratively** (an explicit stack), so a chain of 10,000 operations
  needs no recursion;
* cotangents are **accumulated**: a node used twice (``b = a + a``, ``f(x, x)``) receives the sum of both
  contributions, exactly the sum over :math:`w` above;
* broadcasting is undone in the backward pass by summing over the broadcast axes.

Two interfaces, for two styles of writing:

>>> x = Tensor(np.array([1.0, 2.0, 3.0]))
>>> loss = (x * x).sum()
>>> loss.backward()
>>> x.grad
array([2., 4., 6.])
>>> grad(lambda W: (W ** 3).sum())(np.array([1.0, 2.0]))
array([ 3., 12.])

Book: Calculus and backpropagation, "An automatic differentiation engine" (claims
``calculus.engine-matches-sympy``, ``calculus.op-vjps``).
"""
from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from mathdl.autodiff import ops
from mathdl.autodiff.ops import OPS, Op
from mathdl.verify import Report, gradcheck

__all__ = [
    "OPS",
    "Tensor",
    "apply",
    "concatenate",
    "exp",
    "gradcheck_op",
    "grad",
    "log",
    "logsumexp",
    "matmul",
    "mean",
    "relu",
    "reshape",
    "sigmoid",
    "stack",
    "sum",
    "tanh",
    "topological_order",
    "transpose",
    "value_and_grad",
]

#: Largest argument of ``exp`` that does not overflow float64 (``log`` of the largest double).
EXP_MAX = float(np.log(np.finfo(np.float64).max))


# ------------------------------------------------------------------------------------------ validation

def _leaf_array(value: Any, func: str, name: str) -> np.ndarray:
    """A float64 array for a new leaf; anything else is refused with the fix."""
    if isinstance(value, Tensor):
        return value.value
    if isinstance(value, float):
        value = np.float64(value)
    if not isinstance(value, (np.ndarray, np.floating)):
        raise TypeError(f"{func}: {name} must be a float64 numpy array; got {type(value).__name__}. "
                        "Use numpy.asarray(x, dtype=numpy.float64).")
    if value.dtype != np.float64:
        raise TypeError(f"{func}: {name} must be float64 (gradients are computed in float64); got dtype "
                        f"{value.dtype}. Use x.astype(numpy.float64).")
    arr = np.asarray(value)
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} contains NaN or infinity ({int(np.sum(~np.isfinite(arr)))} entries); "
                         "a gradient through it would be meaningless. Clean the input first.")
    return arr


def _operand(x: Any, func: str, name: str) -> Any:
    """A Tensor, a float64 array, or a Python number (a constant); refuses ints arrays, bools, lists."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        if x.dtype != np.float64:
            raise TypeError(f"{func}: {name} must be a Tensor or a float64 array; got an array of dtype "
                            f"{x.dtype}. Use x.astype(numpy.float64).")
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        return float(x)
    raise TypeError(f"{func}: {name} must be a Tensor, a float64 numpy array or a real number; got "
                    f"{type(x).__name__}. Use numpy.asarray(x, dtype=numpy.float64).")


def _value(x: Any) -> Any:
    return x.value if isinstance(x, Tensor) else x


def _broadcast(a: Any, b: Any, func: str) -> None:
    sa, sb = np.shape(a), np.shape(b)
    if sa != sb:
        try:
            np.broadcast_shapes(sa, sb)
        except ValueError:
            raise ValueError(f"{func}: shapes {sa} and {sb} do not broadcast (trailing axes must be equal or 1). "
                             "Reshape one operand, e.g. b.reshape(1, -1) for a row.") from None


# ------------------------------------------------------------------------------------------ the engine

class Tensor:
    r"""A node of the computation graph: a float64 array, how it was computed, and (after a backward pass) its gradient.

    Parameters
    ----------
    value : ndarray (float64, any shape) or float
        The array. Integer, boolean, float32 and non-finite values are refused.
    requires_grad : bool
        Whether the backward pass should compute :math:`\partial L/\partial` this tensor (default True).
    name : str, optional
        A label shown by ``repr``.

    Attributes
    ----------
    value : ndarray
        The array.
    grad : ndarray or None
        :math:`\partial L / \partial\,\text{value}` from the last :meth:`backward` through this tensor,
        same shape as ``value``; None before.
    op : str or None
        Name of the primitive that produced it (None for a leaf).

    Examples
    --------
    >>> a = Tensor(np.array([[1.0, 2.0]]), name="a")
    >>> b = a + a                      # a is used twice: its gradient accumulates
    >>> b.sum().backward()
    >>> a.grad
    array([[2., 2.]])
    """

    __slots__ = ("value", "grad", "requires_grad", "name", "_op", "_inputs", "_params")
    __array_ufunc__ = None  # ndarray (op) Tensor defers to the Tensor's reflected operator

    def __init__(self, value: Any, requires_grad: bool = True, name: str | None = None):
        self.value = _leaf_array(value, "Tensor", "value")
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._op: Op | None = None
        self._inputs: tuple[Any, ...] = ()
        self._params: dict[str, Any] = {}

    # -- properties ----------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def size(self) -> int:
        return self.value.size

    @property
    def op(self) -> str | None:
        return None if self._op is None else self._op.name

    @property
    def T(self) -> "Tensor":
        return transpose(self)

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name else ""
        how = f", op={self.op!r}" if self._op is not None else ""
        return f"Tensor({np.array2string(self.value, separator=', ')}{how}{label})"

    def __len__(self) -> int:
        return len(self.value)

    # -- backward ------------------------------------------------------------------------------------
    def backward(self, seed: np.ndarray | None = None) -> None:
        r"""Backpropagate from this tensor: set ``.grad`` of every tensor it depends on.

        Parameters
        ----------
        seed : ndarray, shape of ``self.value``, optional
            The cotangent :math:`\bar y` to start from. Required unless the tensor holds a single number,
            in which case it is 1 (so ``.grad`` is the ordinary gradient).

        Raises
        ------
        ValueError
            Non-scalar output without a seed, or a seed of the wrong shape.

        Notes
        -----
        Each call computes the gradients afresh (they are not added to those of an earlier call). A leaf's
        gradient is an array of its own (copied only if it would otherwise be shared or read-only);
        intermediate tensors keep the cotangent the pass computed (for
        example :math:`\delta_k = \partial L/\partial Z_k` of a layer), which should be treated as read-only.

        The pass is the chain rule for vector maps applied right to left: visiting nodes in reverse topological
        order, each node's cotangent :math:`\bar z` is pulled back through its op as :math:`\bar z^\top J`, and
        the contributions of every use of a node are added.

        References
        ----------
        Book: Calculus and backpropagation, "The chain rule" (claims ``calculus.chain-rule``,
        ``calculus.jacobian-chain-rule``).
        """
        if seed is None:
            if self.value.size != 1:
                raise ValueError(f"backward: the output has shape {self.shape}, not a single number, so "
                                 "its gradient needs a seed cotangent of that shape: call backward(seed=...), "
                                 "or reduce it to a scalar first (e.g. y.sum().backward()).")
            seed = np.ones(self.shape)
        else:
            seed = _leaf_array(seed, "backward", "seed")
            if seed.shape != self.shape:
                raise ValueError(f"backward: seed must have the output's shape {self.shape}; got {seed.shape}.")
        if not self.requires_grad:
            raise ValueError("backward: this tensor does not depend on any tensor with requires_grad=True, so "
                             "there is nothing to differentiate. Build it from Tensor(...) inputs.")
        grads: dict[Tensor, np.ndarray] = {self: seed}
        given: set[int] = set()  # arrays already handed out as some .grad in this pass
        for node in reversed(topological_order(self)):
            g = grads.pop(node)
            if node._op is None:  # a leaf: its gradient must be its own writable array
                if not g.flags.writeable or g.base is not None or id(g) in given:
                    g = g.copy()
                node.grad = g
                given.add(id(g))
                continue
            node.grad = g
            given.add(id(g))
            inputs = node._inputs
            wants = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
            parts = node._op.vjp(g, node.value, *[_value(x) for x in inputs], wants=wants, **node._params)
            for x, want, part in zip(inputs, wants, parts):
                if want:
                    grads[x] = part if x not in grads else grads[x] + part  # accumulate: x may be used twice

    # -- operators -----------------------------------------------------------------------------------
    def __add__(self, other: Any) -> "Tensor":
        return _binary(ops.add, self, other, "add (+)")

    def __radd__(self, other: Any) -> "Tensor":
        return _binary(ops.add, other, self, "add (+)")

    def __sub__(self, other: Any) -> "Tensor":
        return _binary(ops.subtract, self, other, "subtract (-)")

    def __rsub__(self, other: Any) -> "Tensor":
        return _binary(ops.subtract, other, self, "subtract (-)")

    def __mul__(self, other: Any) -> "Tensor":
        return _binary(ops.multiply, self, other, "multiply (*)")

    def __rmul__(self, other: Any) -> "Tensor":
        return _binary(ops.multiply, other, self, "multiply (*)")

    def __truediv__(self, other: Any) -> "Tensor":
        return divide(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return divide(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return matmul(other, self)

    def __pow__(self, p: Any) -> "Tensor":
        return power(self, p)

    def __neg__(self) -> "Tensor":
        return apply(OPS["negative"], (self,))

    def __getitem__(self, index: Any) -> "Tensor":
        if isinstance(index, Tensor):
            raise TypeError("Tensor.__getitem__: the index must be ints, slices or integer arrays, not a Tensor.")
        try:
            self.value[index]
        except (IndexError, TypeError) as err:
            raise IndexError(f"Tensor.__getitem__: index {index!r} is invalid for shape {self.shape}: {err}") from None
        return apply(OPS["getitem"], (self,), index=index)

    # -- methods mirroring numpy ---------------------------------------------------------------------
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> "Tensor":
        return sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> "Tensor":
        return mean(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: Any) -> "Tensor":
        return reshape(self, shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape)

    def transpose(self, *axes: int) -> "Tensor":
        return transpose(self, axes or None)


def apply(op: Op, inputs: tuple[Any, ...], **params: Any) -> Tensor:
    """Run a primitive forward and record it in the graph if any input needs a gradient.

    The one entry point of every operation, including those of the op families (``mathdl.autodiff.<family>``):
    a family module defines ``forward``/``forward_vjp`` pairs, wraps each with :func:`mathdl.autodiff.ops.make_op`,
    validates its arguments and returns ``apply(op, (x, w), stride=1)``; the engine then calls ``op.vjp`` in
    the backward pass with the same keyword parameters.

    Parameters
    ----------
    op : Op
        The primitive.
    inputs : tuple
        Tensors or arrays (constants), in the order of ``op.forward``'s positional arguments.
    **params
        Non-differentiable parameters, passed to both ``op.forward`` and ``op.vjp``.

    Returns
    -------
    Tensor
    """
    ans = op.forward(*[_value(x) for x in inputs], **params)
    node = Tensor.__new__(Tensor)
    node.value = ans if isinstance(ans, np.ndarray) else np.asarray(ans)
    node.grad = None
    node.name = None
    node.requires_grad = any(isinstance(x, Tensor) and x.requires_grad for x in inputs)
    if node.requires_grad:
        node._op, node._inputs, node._params = op, inputs, params
    else:  # nothing to differentiate: keep no history
        node._op, node._inputs, node._params = None, (), {}
    return node


def _binary(forward: Callable[..., np.ndarray], a: Any, b: Any, func: str) -> Tensor:
    a = _operand(a, func, "left operand")
    b = _operand(b, func, "right operand")
    _broadcast(_value(a), _value(b), func)
    return apply(OPS[forward.__name__], (a, b))


def topological_order(root: Tensor) -> list[Tensor]:
    """The tensors ``root`` depends on (through inputs that need gradients), each after all of its inputs.

    Parameters
    ----------
    root : Tensor

    Returns
    -------
    list of Tensor
        Inputs first, ``root`` last. Computed with an explicit stack (no recursion), so graphs of any depth
        work.

    Examples
    --------
    >>> x = Tensor(np.array(2.0), name="x")
    >>> [t.op or t.name for t in topological_order(exp(x * x))]
    ['x', 'multiply', 'exp']
    """
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:  # every input of node is already in order
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for x in node._inputs:
            if isinstance(x, Tensor) and x.requires_grad and id(x) not in visited:
                stack.append((x, False))
    return order


# --------------------------------------------------------------------------------- public operations

def divide(a: Any, b: Any) -> Tensor:
    """``a / b`` entrywise; ``b`` must have no zero entry."""
    a = _operand(a, "divide (/)", "numerator")
    b = _operand(b, "divide (/)", "denominator")
    _broadcast(_value(a), _value(b), "divide (/)")
    if np.any(_value(b) == 0):
        raise ValueError("divide (/): the denominator has a zero entry; the quotient and its gradient would be "
                         "infinite. Add a small positive constant or mask those entries.")
    return apply(OPS["divide"], (a, b))


def power(x: Any, p: Any) -> Tensor:
    r"""``x ** p`` entrywise for a constant real exponent ``p``.

    Raises
    ------
    TypeError
        ``p`` is a Tensor or an array (write :math:`x^y = e^{y \log x}` as ``exp(y * log(x))``).
    ValueError
        A negative base with a non-integer exponent, or a zero base with an exponent below 1 (infinite
        value or derivative).
    """
    x = _operand(x, "power (**)", "base")
    if isinstance(p, (Tensor, np.ndarray)) or not isinstance(p, numbers.Real) or isinstance(p, bool):
        raise TypeError(f"power (**): the exponent must be a constant real number; got {type(p).__name__}. "
                        "For a differentiable exponent y write exp(y * log(x)) (x > 0).")
    p = float(p)
    base = _value(x)
    if not p.is_integer() and np.any(base < 0):
        raise ValueError(f"power (**): a negative base with the non-integer exponent {p} is not real; "
                         "restrict the base to x > 0 (e.g. x ** 2 ** 0.5 -> (x ** 2) ** 0.5 = |x|).")
    if p < 1 and p != 0 and np.any(base == 0):
        raise ValueError(f"power (**): the base has a zero entry and the exponent {p} < 1, so the value or its "
                         "derivative is infinite there. Add a small positive constant to the base.")
    return apply(OPS["power"], (x,), p=p)


def matmul(a: Any, b: Any) -> Tensor:
    """``a @ b``: matrices (or stacks of matrices); rows are examples, ``X @ W`` with ``W`` (d_in, d_out)."""
    a = _operand(a, "matmul (@)", "left operand")
    b = _operand(b, "matmul (@)", "right operand")
    sa, sb = np.shape(_value(a)), np.shape(_value(b))
    if len(sa) == 0 or len(sb) == 0:
        raise ValueError(f"matmul (@): both operands need at least one axis; got shapes {sa} and {sb}. "
                         "Use * for a product with a scalar.")
    inner_a = sa[-1]
    inner_b = sb[0] if len(sb) == 1 else sb[-2]
    if inner_a != inner_b:
        raise ValueError(f"matmul (@): shapes {sa} and {sb} do not chain: the left operand has {inner_a} "
                         f"columns but the right one has {inner_b} rows. For X @ W, W must be (d_in, d_out) "
                         f"= ({inner_a}, ...); transpose the weight (W.T) if it is (d_out, d_in).")
    if len(sa) > 2 and len(sb) > 2:
        _broadcast(np.empty(sa[:-2]), np.empty(sb[:-2]), "matmul (@) batch axes")
    return apply(OPS["matmul"], (a, b))


def _unary(name: str, x: Any) -> Tensor:
    return apply(OPS[name], (_operand(x, name, "x"),))


def exp(x: Any) -> Tensor:
    """:math:`e^x` entrywise; arguments above ``EXP_MAX`` (about 709.78) would overflow and are refused."""
    x = _operand(x, "exp", "x")
    v = _value(x)
    if np.size(v) and np.max(v) > EXP_MAX:
        raise ValueError(f"exp: an argument is {float(np.max(v)):.4g} > {EXP_MAX:.2f}, where e^x overflows "
                         "float64. Rescale the input, or use logsumexp for log(sum(exp(x))).")
    return apply(OPS["exp"], (x,))


def log(x: Any) -> Tensor:
    """Natural logarithm entrywise; requires every entry ``> 0``."""
    x = _operand(x, "log", "x")
    v = _value(x)
    if np.size(v) and np.min(v) <= 0:
        raise ValueError(f"log: x must be positive everywhere; its smallest entry is {float(np.min(v)):.4g}. "
                         "Use log(x + eps) with a small eps > 0, or logsumexp / log-softmax forms.")
    return apply(OPS["log"], (x,))


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent entrywise (:func:`mathdl.activations.tanh`)."""
    return _unary("tanh", x)


def sigmoid(x: Any) -> Tensor:
    """Logistic sigmoid entrywise (:func:`mathdl.activations.sigmoid`)."""
    return _unary("sigmoid", x)


def relu(x: Any) -> Tensor:
    """``max(x, 0)`` entrywise (:func:`mathdl.activations.relu`)."""
    return _unary("relu", x)


def _axis(x: Any, axis: Any, func: str) -> int | tuple[int, ...] | None:
    ndim = np.ndim(_value(x))
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not -ndim <= a < ndim:
            raise ValueError(f"{func}: axis {a!r} is out of range for an input with {ndim} axes "
                             f"(shape {np.shape(_value(x))}); use an int in [{-ndim}, {ndim - 1}].")
    if len({int(a) % ndim for a in axes}) != len(axes):
        raise ValueError(f"{func}: axis {axis!r} repeats an axis.")
    return tuple(int(a) for a in axes) if isinstance(axis, tuple) else int(axis)


def sum(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (all when None), with ``keepdims`` as in numpy."""
    x = _operand(x, "sum", "x")
    return apply(OPS["sum"], (x,), axis=_axis(x, axis, "sum"), keepdims=bool(keepdims))


def mean(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis`` (all when None), with ``keepdims`` as in numpy."""
    x = _operand(x, "mean", "x")
    if np.size(_value(x)) == 0:
        raise ValueError("mean: the input is empty; the mean of no numbers is undefined.")
    return apply(OPS["mean"], (x,), axis=_axis(x, axis, "mean"), keepdims=bool(keepdims))


def logsumexp(x: Any, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
    r""":math:`\log\sum e^{x}` over ``axis``, without overflow; its gradient is the softmax."""
    x = _operand(x, "logsumexp", "x")
    if np.size(_value(x)) == 0:
        raise ValueError("logsumexp: the input is empty.")
    return apply(OPS["logsumexp"], (x,), axis=_axis(x, axis, "logsumexp"), keepdims=bool(keepdims))


def reshape(x: Any, shape: tuple[int, ...]) -> Tensor:
    """Same entries, new shape (``-1`` allowed once, as in numpy)."""
    x = _operand(x, "reshape", "x")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    try:
        return apply(OPS["reshape"], (x,), shape=shape)
    except (ValueError, TypeError) as err:
        raise ValueError(f"reshape: cannot reshape {np.shape(_value(x))} to {shape!r}: {err}") from None


def transpose(x: Any, axes: tuple[int, ...] | None = None) -> Tensor:
    """Permute the axes (reverse them when ``axes`` is None); ``x.T`` for a matrix."""
    x = _operand(x, "transpose", "x")
    ndim = np.ndim(_value(x))
    if axes is not None and sorted(int(a) % max(ndim, 1) for a in axes) != list(range(ndim)):
        raise ValueError(f"transpose: axes must be a permutation of range({ndim}); got {axes!r}.")
    return apply(OPS["transpose"], (x,), axes=None if axes is None else tuple(int(a) % ndim for a in axes))


def _joinable(xs: Sequence[Any], func: str) -> tuple[Any, ...]:
    if isinstance(xs, (Tensor, np.ndarray)) or not isinstance(xs, (list, tuple)) or len(xs) == 0:
        raise TypeError(f"{func}: pass a non-empty list of tensors, e.g. {func}([a, b], axis=0); "
                        f"got {type(xs).__name__}.")
    return tuple(_operand(x, func, f"item {i}") for i, x in enumerate(xs))


def concatenate(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (the other axes must agree)."""
    xs = _joinable(xs, "concatenate")
    try:
        return apply(OPS["concatenate"], xs, axis=int(axis))
    except (ValueError, np.exceptions.AxisError) as err:
        shapes = [np.shape(_value(x)) for x in xs]
        raise ValueError(f"concatenate: shapes {shapes} cannot be joined along axis {axis}: {err}") from None


def stack(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shape tensors along a new axis."""
    xs = _joinable(xs, "stack")
    shapes = {np.shape(_value(x)) for x in xs}
    if len(shapes) != 1:
        raise ValueError(f"stack: every item must have the same shape; got {sorted(shapes)}.")
    ndim = len(next(iter(shapes))) + 1
    if not -ndim <= axis < ndim:
        raise ValueError(f"stack: axis {axis} is out of range for the result's {ndim} axes.")
    return apply(OPS["stack"], xs, axis=int(axis) % ndim)


# ----------------------------------------------------------------------------------------- interfaces

def value_and_grad(f: Callable[..., Tensor], argnums: int | Sequence[int] | None = None
                   ) -> Callable[..., tuple[float | np.ndarray, Any]]:
    """Turn ``f(*tensors) -> scalar Tensor`` into ``(*arrays) -> (value, gradients)``.

    Parameters
    ----------
    f : callable
        Builds a single-number Tensor from its Tensor arguments with the operations of this module.
    argnums : int or sequence of int, optional
        Which arguments to differentiate (default: all). An int gives a bare gradient; a sequence a tuple.

    Returns
    -------
    callable
        ``g(*arrays) -> (value, grads)``: the value as a float, and :math:`\\partial f/\\partial` each chosen
        argument (same shapes as the arrays). Arguments not chosen enter as constants.

    Examples
    --------
    >>> value, g = value_and_grad(lambda x, y: (x * y).sum())(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    >>> value, g
    (11.0, (array([3., 4.]), array([1., 2.])))
    """
    if not callable(f):
        raise TypeError(f"value_and_grad: f must be callable; got {type(f).__name__}.")

    def wrapped(*arrays: Any) -> tuple[float | np.ndarray, Any]:
        chosen = range(len(arrays)) if argnums is None else ([argnums] if isinstance(argnums, int) else argnums)
        chosen = list(chosen)
        for i in chosen:
            if not (isinstance(i, int) and 0 <= i < len(arrays)):
                raise ValueError(f"value_and_grad: argnums holds {i!r}, not an index of the {len(arrays)} "
                                 "arguments.")
        args = [Tensor(a, requires_grad=i in chosen, name=f"arg{i}") for i, a in enumerate(arrays)]
        out = f(*args)
        if not isinstance(out, Tensor):
            raise TypeError(f"value_and_grad: f must return a Tensor built from its arguments; got "
                            f"{type(out).__name__}. Use the operations of mathdl.autodiff inside f.")
        if out.value.size != 1:
            raise ValueError(f"value_and_grad: f must return a single number; got shape {out.shape}. Reduce "
                             "it (e.g. .sum() or .mean()), or call .backward(seed=...) for a VJP.")
        if out.requires_grad:
            out.backward()
        grads = tuple(args[i].grad if args[i].grad is not None else np.zeros(args[i].shape) for i in chosen)
        return float(out.value.reshape(())), grads[0] if isinstance(argnums, int) else grads

    return wrapped


def grad(f: Callable[..., Tensor], argnums: int | Sequence[int] | None = None) -> Callable[..., Any]:
    """The gradient function of ``f``: ``grad(f)(*arrays)`` returns :math:`\\partial f/\\partial` each argument.

    A single argument gives a bare array, several a tuple (or choose with ``argnums`` as in
    :func:`value_and_grad`).

    Examples
    --------
    >>> grad(lambda x: (x * x).sum())(np.array([1.0, -2.0]))
    array([ 2., -4.])
    >>> grad(lambda x, y: (x * y).sum())(np.array([1.0]), np.array([5.0]))
    (array([5.]), array([1.]))
    """
    vg = value_and_grad(f, argnums)

    def gradient(*arrays: Any) -> Any:
        grads = vg(*arrays)[1]
        return grads[0] if argnums is None and len(arrays) == 1 else grads

    return gradient


def gradcheck_op(op: str | Op, inputs: Sequence[np.ndarray], *, claim: str | None = "calculus.op-vjps",
                 seed: int = 0, **params: Any) -> Report:
    """Check one primitive's VJP against central differences with :func:`mathdl.verify.gradcheck`.

    Parameters
    ----------
    op : str or Op
        A name in :data:`OPS` (``"matmul"``) or the record itself.
    inputs : sequence of ndarray (float64)
        The point to check at, one array per input of the primitive.
    claim : str, optional
        Recorded in the ledger (default ``calculus.op-vjps``).
    seed : int
        Seed of gradcheck's random directions.
    **params
        Non-differentiable parameters of the primitive (``axis=``, ``index=``, ``p=``, ...).

    Returns
    -------
    Report

    Examples
    --------
    >>> gradcheck_op("tanh", [np.array([0.3, -1.2])])
    gradcheck calculus.op-vjps: 5 directions + full Jacobian, max pointwise relative error < 1e-06: True
    """
    if isinstance(op, str):
        if op not in OPS:
            raise ValueError(f"gradcheck_op: unknown primitive {op!r}; choose one of {sorted(OPS)}.")
        op = OPS[op]

    def f(*xs: np.ndarray) -> np.ndarray:
        return op.forward(*xs, **params)

    def vjp(u: np.ndarray, *xs: np.ndarray) -> tuple[np.ndarray, ...]:
        return op.vjp(u, f(*xs), *xs, wants=(True,) * len(xs), **params)

    return gradcheck(f, vjp, list(inputs), seed=seed, claim=claim)

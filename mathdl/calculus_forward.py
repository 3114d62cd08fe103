r"""Forward mode, second order and memory: dual numbers, JVPs, Hessian-vector products, Taylor, checkpointing.

Part of the chapter "Calculus and backpropagation" (its claim ids are declared in :data:`mathdl.calculus.CLAIMS`).

* :class:`Dual` numbers :math:`a + b\varepsilon` with :math:`\varepsilon^2 = 0` carry a value and a tangent
  through numpy-like arithmetic; :func:`jvp` is forward-mode differentiation with them. The functions
  :func:`exp`, :func:`log`, :func:`tanh`, :func:`sigmoid` have the names of the engine's, so one network
  written against a namespace (:func:`tanh_network`) runs on engine Tensors (reverse mode) and on duals
  (forward mode).
* :func:`hvp`: Hessian-vector products by central differences of the engine's gradient, and the sharpness
  :func:`hessian_top_eigenvalue` by power iteration on them;
  :func:`taylor_remainders` uses it for the second-order Taylor polynomial.
* :func:`gradient_flops` and :func:`gradient_time_ratio`: the cheap-gradient principle, counted and measured.
* :func:`chain_gradients`: the gradient of a deep tanh chain by plain reverse mode or with checkpoints every
  ``segment`` layers, with the number of activations held at the peak; :func:`checkpoint_memory` is the model
  :math:`\lceil K/s \rceil + s`.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from mathdl import autodiff as ad

__all__ = [
    "Dual",
    "chain_gradients",
    "chain_loss",
    "checkpoint_memory",
    "exp",
    "gradient_flops",
    "gradient_time_ratio",
    "hessian_top_eigenvalue",
    "hvp",
    "jvp",
    "log",
    "sigmoid",
    "tanh",
    "tanh_network",
    "taylor_remainders",
]

#: Machine epsilon of float64, the spacing of floats at 1.
MACHINE_EPS = float(np.finfo(np.float64).eps)


def _float_array(x: Any, func: str, name: str) -> np.ndarray:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating, np.ndarray, list)):
        raise TypeError(f"{func}: {name} must be a float or a float array; got {type(x).__name__}. "
                        "Pass a numpy array.")
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite; got a value that is NaN or infinite. Check the input.")
    return arr


# ------------------------------------------------------------------------------------------ dual numbers

class Dual:
    r"""A dual number (or array of them) :math:`a + b\varepsilon` with :math:`\varepsilon^2 = 0`.

    Parameters
    ----------
    value : float or ndarray
        The primal part :math:`a`.
    tangent : float or ndarray, same shape as ``value``
        The tangent part :math:`b` (default zeros: a constant).

    Notes
    -----
    Arithmetic keeps the :math:`\varepsilon` part to first order, so for any differentiable :math:`f` built from
    the supported operations :math:`f(a + b\varepsilon) = f(a) + f'(a) b\,\varepsilon`:
    :math:`(a + b\varepsilon)(c + d\varepsilon) = ac + (ad + bc)\varepsilon`, :math:`(a + b\varepsilon)/(c +
    d\varepsilon) = a/c + (bc - ad)/c^2\,\varepsilon`, :math:`(a + b\varepsilon)^p = a^p + p a^{p-1} b\,\varepsilon`,
    and :math:`A B` of arrays is :math:`A_0 B_0 + (A_0 B_1 + A_1 B_0)\varepsilon`.

    References
    ----------
    Book: Calculus and backpropagation, "Forward mode with dual numbers" (claim ``calculus.dual-numbers``).

    Examples
    --------
    >>> y = Dual(3.0, 1.0) * Dual(3.0, 1.0) + 2.0 * Dual(3.0, 1.0)   # x^2 + 2x at x = 3, dx = 1
    >>> float(y.value), float(y.tangent)
    (15.0, 8.0)
    """

    __array_priority__ = 1000  # ndarray @ Dual and ndarray * Dual defer to Dual

    def __init__(self, value: Any, tangent: Any = None):
        self.value = _float_array(value, "Dual", "value")
        if tangent is None:
            self.tangent = np.zeros_like(self.value)
        else:
            self.tangent = _float_array(tangent, "Dual", "tangent")
            if self.tangent.shape != self.value.shape:
                raise ValueError(f"Dual: tangent must have the shape of value {self.value.shape}; got "
                                 f"{self.tangent.shape}. Pass one tangent entry per value entry.")

    @staticmethod
    def _lift(x: Any) -> Dual:
        return x if isinstance(x, Dual) else Dual(x)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def T(self) -> Dual:
        return Dual(self.value.T, self.tangent.T)

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    def __add__(self, other: Any) -> Dual:
        o = self._lift(other)
        return Dual(self.value + o.value, self.tangent + o.tangent)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.tangent)

    def __sub__(self, other: Any) -> Dual:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Dual:
        return self._lift(other) + (-self)

    def __mul__(self, other: Any) -> Dual:
        o = self._lift(other)
        return Dual(self.value * o.value, self.value * o.tangent + self.tangent * o.value)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        o = self._lift(other)
        if np.any(o.value == 0):
            raise ValueError("Dual.__truediv__: the divisor has a zero value part; a/0 is undefined. "
                             "Keep the divisor away from 0.")
        return Dual(self.value / o.value, (self.tangent * o.value - self.value * o.tangent) / o.value ** 2)

    def __rtruediv__(self, other: Any) -> Dual:
        return self._lift(other) / self

    def __pow__(self, p: Any) -> Dual:
        if isinstance(p, (Dual, bool)) or not isinstance(p, (int, float, np.integer, np.floating)):
            raise TypeError(f"Dual.__pow__: the exponent must be a real constant; got {type(p).__name__}. "
                            "Write x**y as exp(y * log(x)).")
        if p == 0:
            return Dual(np.ones_like(self.value))
        if p < 1 and np.any(self.value == 0):
            raise ValueError(f"Dual.__pow__: x**{p} has no derivative at x = 0. Keep x away from 0.")
        return Dual(self.value ** p, p * self.value ** (p - 1) * self.tangent)

    def __matmul__(self, other: Any) -> Dual:
        o = self._lift(other)
        return Dual(self.value @ o.value, self.value @ o.tangent + self.tangent @ o.value)

    def __rmatmul__(self, other: Any) -> Dual:
        return self._lift(other) @ self

    def sum(self, axis: int | None = None) -> Dual:
        return Dual(self.value.sum(axis=axis), self.tangent.sum(axis=axis))


def _unary_dual(x: Any, func: str) -> Dual:
    if isinstance(x, Dual):
        return x
    return Dual(_float_array(x, func, "x"))


def exp(x: Any) -> Dual:
    r"""Dual exponential: :math:`e^{a + b\varepsilon} = e^a + e^a b\,\varepsilon`.

    References
    ----------
    Book: Calculus and backpropagation, "Forward mode with dual numbers" (claim ``calculus.dual-numbers``).

    Examples
    --------
    >>> float(exp(Dual(0.0, 2.0)).tangent)
    2.0
    """
    d = _unary_dual(x, "exp")
    v = np.exp(d.value)
    return Dual(v, v * d.tangent)


def log(x: Any) -> Dual:
    r"""Dual logarithm: :math:`\log(a + b\varepsilon) = \log a + (b / a)\varepsilon`, for :math:`a > 0`.

    Examples
    --------
    >>> float(log(Dual(2.0, 1.0)).tangent)
    0.5
    """
    d = _unary_dual(x, "log")
    if np.any(d.value <= 0):
        raise ValueError("log: the value part must be positive; got an entry <= 0. Keep the argument positive.")
    return Dual(np.log(d.value), d.tangent / d.value)


def tanh(x: Any) -> Dual:
    r"""Dual tanh: :math:`\tanh(a + b\varepsilon) = \tanh a + (1 - \tanh^2 a) b\,\varepsilon`.

    References
    ----------
    Book: Calculus and backpropagation, "Forward mode with dual numbers" (claim ``calculus.jvp-vjp-duality``).

    Examples
    --------
    >>> float(tanh(Dual(0.0, 1.0)).tangent)
    1.0
    """
    d = _unary_dual(x, "tanh")
    v = np.tanh(d.value)
    return Dual(v, (1.0 - v * v) * d.tangent)


def sigmoid(x: Any) -> Dual:
    r"""Dual logistic sigmoid: :math:`\sigma(a + b\varepsilon) = \sigma(a) + \sigma(a)(1 - \sigma(a)) b\,\varepsilon`.

    Examples
    --------
    >>> float(sigmoid(Dual(0.0, 1.0)).tangent)
    0.25
    """
    d = _unary_dual(x, "sigmoid")
    v = 0.5 * (1.0 + np.tanh(0.5 * d.value))
    return Dual(v, v * (1.0 - v) * d.tangent)


def jvp(f: Callable[..., Dual], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    r"""Forward mode: the value :math:`f(x)` and the Jacobian-vector product :math:`J_f(x) v` in one pass.

    Parameters
    ----------
    f : callable
        ``f(*duals) -> Dual``, written with numpy-like arithmetic and the functions of this module.
    primals : sequence of ndarray
        The point :math:`x`, one array per argument.
    tangents : sequence of ndarray
        The direction :math:`v`, shaped like ``primals``.

    Returns
    -------
    value : ndarray
    tangent : ndarray
        :math:`J_f(x) v = \sum_i \partial f / \partial x_i \cdot v_i`, shaped like the output.

    Notes
    -----
    Each argument enters as :math:`x_i + v_i \varepsilon`; the :math:`\varepsilon` part of the output is the
    directional derivative :math:`\frac{d}{dt} f(x + t v)|_{t=0} = J_f(x) v`.

    References
    ----------
    Book: Calculus and backpropagation, "Forward mode with dual numbers" (claim ``calculus.jvp-vjp-duality``).

    Examples
    --------
    >>> value, tangent = jvp(lambda a, b: a * b, [np.array(2.0), np.array(5.0)], [np.array(1.0), np.array(0.0)])
    >>> float(value), float(tangent)
    (10.0, 5.0)
    """
    if not callable(f):
        raise TypeError(f"jvp: f must be callable; got {type(f).__name__}.")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: primals and tangents must have the same length; got {len(primals)} and "
                         f"{len(tangents)}. Pass one tangent per argument.")
    out = f(*(Dual(p, t) for p, t in zip(primals, tangents)))
    if not isinstance(out, Dual):
        raise TypeError(f"jvp: f must return a Dual built from its arguments; got {type(out).__name__}. Use the "
                        "functions of mathdl.calculus_forward inside f.")
    return out.value, out.tangent


def tanh_network(X: Any, W1: Any, W2: Any, lib: ModuleType) -> Any:
    r"""The two-layer network :math:`\tanh(X W_1) W_2`, written once for any namespace ``lib``.

    With ``lib = mathdl.autodiff`` and Tensor arguments it builds an engine graph (reverse mode); with
    ``lib = mathdl.calculus_forward`` and :class:`Dual` arguments it carries tangents (forward mode).

    Parameters
    ----------
    X : (n, d) array
    W1 : (d, h) array, Tensor or Dual
    W2 : (h, m) array, Tensor or Dual
    lib : module
        Provides ``tanh``.

    Returns
    -------
    (n, m) Tensor or Dual

    References
    ----------
    Book: Calculus and backpropagation, "Forward mode with dual numbers" (claim ``calculus.jvp-vjp-duality``).

    Examples
    --------
    >>> import mathdl.calculus_forward as fwd
    >>> out = tanh_network(np.ones((1, 2)), Dual(np.zeros((2, 3)), np.ones((2, 3))), np.ones((3, 1)), fwd)
    >>> out.tangent
    array([[6.]])
    """
    if not hasattr(lib, "tanh"):
        raise TypeError(f"tanh_network: lib must provide tanh (mathdl.autodiff or mathdl.calculus_forward); got "
                        f"{lib!r}.")
    return lib.tanh(X @ W1) @ W2


# ------------------------------------------------------------------------------- Hessian-vector products

def hvp(f: Callable[[ad.Tensor], ad.Tensor], x: np.ndarray, v: np.ndarray, h: float | None = None) -> np.ndarray:
    r"""Hessian-vector product :math:`H(x) v` by central differences of the engine's gradient.

    Parameters
    ----------
    f : callable
        ``f(Tensor) -> scalar Tensor`` with the engine's operations.
    x : ndarray
        The point.
    v : ndarray, shape of ``x``
        The direction (nonzero).
    h : float, optional
        Step along the unit direction; default :math:`\varepsilon^{1/3} \max(1, \lVert x \rVert_\infty)`.

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    With :math:`\hat v = v / \lVert v \rVert_\infty`,

    .. math:: H v \approx \lVert v \rVert_\infty \frac{\nabla f(x + h \hat v) - \nabla f(x - h \hat v)}{2h},

    exact when :math:`f` is a cubic polynomial, with error :math:`O(h^2)` otherwise. Two gradients: a small
    constant times the cost of :math:`f`, never the :math:`n^2` entries of :math:`H`.

    References
    ----------
    Book: Calculus and backpropagation, "Hessian-vector products" (claim ``calculus.hvp-central-difference``).

    Examples
    --------
    >>> f = lambda w: (w * w * w).sum() / 3.0            # H = diag(2 w)
    >>> hvp(f, np.array([1.0, 2.0]), np.array([1.0, 1.0])).round(8)
    array([2., 4.])
    """
    if not callable(f):
        raise TypeError(f"hvp: f must be callable; got {type(f).__name__}.")
    x = _float_array(x, "hvp", "x")
    v = _float_array(v, "hvp", "v")
    if v.shape != x.shape:
        raise ValueError(f"hvp: v must have the shape of x {x.shape}; got {v.shape}.")
    scale = float(np.max(np.abs(v))) if v.size else 0.0
    if scale == 0.0:
        raise ValueError("hvp: v must be nonzero; got the zero vector (H 0 = 0 needs no computation).")
    if h is None:
        h = MACHINE_EPS ** (1 / 3) * max(1.0, float(np.max(np.abs(x))))
    if not (isinstance(h, (int, float)) and h > 0 and math.isfinite(h)):
        raise ValueError(f"hvp: h must be a positive float; got {h!r}.")
    g = ad.grad(f)
    unit = v / scale
    return scale * (g(x + h * unit) - g(x - h * unit)) / (2.0 * h)


def taylor_remainders(f: Callable[[ad.Tensor], ad.Tensor], x: np.ndarray, d: np.ndarray,
                      ts: np.ndarray) -> dict[str, np.ndarray]:
    r"""Remainders of the first- and second-order Taylor polynomials of ``f`` along ``x + t d``.

    Parameters
    ----------
    f : callable
        ``f(Tensor) -> scalar Tensor``.
    x, d : ndarray, same shape
        Point and direction.
    ts : (k,) array of positive float
        Step lengths.

    Returns
    -------
    dict
        ``"first"``: :math:`|f(x + td) - f(x) - t \nabla f(x)^\top d|`; ``"second"``: the same minus
        :math:`\tfrac{t^2}{2} d^\top H(x) d` (with :math:`H d` from :func:`hvp`).

    Notes
    -----
    Taylor's theorem with the Hessian: the first remainder is :math:`O(t^2)`, the second :math:`O(t^3)`.

    References
    ----------
    Book: Calculus and backpropagation, "Taylor's theorem with the Hessian" (claim ``calculus.taylor-hessian``).

    Examples
    --------
    >>> r = taylor_remainders(lambda w: (w * w).sum(), np.array([1.0]), np.array([1.0]), np.array([0.1]))
    >>> float(r["first"][0].round(12)), float(r["second"][0].round(9))
    (0.01, 0.0)
    """
    x = _float_array(x, "taylor_remainders", "x")
    d = _float_array(d, "taylor_remainders", "d")
    ts = _float_array(ts, "taylor_remainders", "ts")
    if d.shape != x.shape:
        raise ValueError(f"taylor_remainders: d must have the shape of x {x.shape}; got {d.shape}.")
    if ts.ndim != 1 or np.any(ts <= 0):
        raise ValueError("taylor_remainders: ts must be a 1-d array of positive step lengths.")
    value, g = ad.value_and_grad(f)(x)
    slope = float(np.sum(g * d))
    curvature = float(np.sum(d * hvp(f, x, d)))
    fx = np.array([ad.value_and_grad(f)(x + t * d)[0] for t in ts])
    first = np.abs(fx - value - ts * slope)
    second = np.abs(fx - value - ts * slope - 0.5 * ts ** 2 * curvature)
    return {"first": first, "second": second}


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
    x = _float_array(x, "chain_gradients", "x")
    if x.ndim != 2:
        raise ValueError(f"chain_gradients: x must be an (n, d) array; got shape {x.shape}.")
    if isinstance(Ws, np.ndarray) or not isinstance(Ws, Sequence) or len(Ws) == 0:
        raise ValueError("chain_gradients: Ws must be a non-empty sequence of (d, d) arrays.")
    Ws = [_float_array(W, "chain_gradients", f"Ws[{k}]") for k, W in enumerate(Ws)]
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


def hessian_top_eigenvalue(f: Callable[[ad.Tensor], ad.Tensor], x: np.ndarray, iterations: int = 100,
                           seed: int = 0) -> tuple[float, np.ndarray]:
    r"""The eigenvalue of largest magnitude of :math:`H(x)` by power iteration on Hessian-vector products.

    Parameters
    ----------
    f : callable
        ``f(Tensor) -> scalar Tensor``.
    x : ndarray
        The point.
    iterations : int
        Power-iteration steps :math:`v \leftarrow Hv / \lVert Hv \rVert`.
    seed : int
        Seed of the random start vector.

    Returns
    -------
    eigenvalue : float
        The Rayleigh quotient :math:`v^\top H v` at the last unit vector :math:`v`.
    vector : ndarray, shape of ``x``

    Notes
    -----
    Each step costs one :func:`hvp` (two gradients); :math:`H` is never formed. The iteration converges to the
    eigenvalue of largest :math:`|\lambda|` at the rate :math:`|\lambda_2 / \lambda_1|` per step.

    References
    ----------
    Book: Calculus and backpropagation, "Hessian-vector products" (claim ``calculus.hvp-central-difference``).

    Examples
    --------
    >>> lam, _ = hessian_top_eigenvalue(lambda w: (w * w * np.array([1.0, 3.0])).sum(), np.zeros(2))
    >>> round(lam, 8)
    6.0
    """
    x = _float_array(x, "hessian_top_eigenvalue", "x")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"hessian_top_eigenvalue: iterations must be a positive int; got {iterations!r}.")
    v = np.random.default_rng(seed).standard_normal(x.shape)
    v /= np.linalg.norm(v)
    for _ in range(iterations):
        w = hvp(f, x, v)
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            return 0.0, v
        v = w / norm
    return float(np.sum(v * hvp(f, x, v))), v

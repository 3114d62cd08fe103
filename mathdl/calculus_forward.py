r"""Forward mode and second order: dual numbers, JVPs, Hessian-vector products, Taylor remainders.

Part of the chapter "Calculus and backpropagation" (its claim ids are declared in :data:`mathdl.calculus.CLAIMS`).

* :class:`Dual` numbers :math:`a + b\varepsilon` with :math:`\varepsilon^2 = 0` carry a value and a tangent
  through numpy-like arithmetic; :func:`jvp` is forward-mode differentiation with them. The functions
  :func:`exp`, :func:`log`, :func:`tanh`, :func:`sigmoid` have the names of the engine's, so one network
  written against a namespace (:func:`tanh_network`) runs on engine Tensors (reverse mode) and on duals
  (forward mode).
* :func:`hvp`: Hessian-vector products by central differences of the engine's gradient, and the sharpness
  :func:`hessian_top_eigenvalue` by power iteration on them;
  :func:`taylor_remainders` uses it for the second-order Taylor polynomial.

What reverse mode costs -- the cheap-gradient principle and checkpointing -- is in :mod:`mathdl.calculus_cost`.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from mathdl import autodiff as ad

__all__ = [
    "Dual",
    "exp",
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

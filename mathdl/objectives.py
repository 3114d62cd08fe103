"""The test functions of the optimization chapter and its gradient-descent explorer.

Each objective is defined **once**, as a SymPy expression in the two coordinates ``x`` and ``y``
(:data:`EXPRESSIONS`). From it come

* the hand-written numpy value, gradient and Hessian in :class:`Objective` (checked against the SymPy
  derivatives with ``agree`` in ``tests/test_objectives.py`` and in the chapter), and
* the JavaScript of the book's offline explorer, printed from the same expressions by SymPy's JavaScript code
  printer (:mod:`mathdl.figures.optimization_explorer`).

========================  ===============================================  ===================================
name                      f(x, y)                                          what it shows
========================  ===============================================  ===================================
``"quadratic"``           (x^2 + kappa y^2) / 2                            condition number kappa = L / mu
``"rosenbrock"``          (1 - x)^2 + 100 (y - x^2)^2                      a curved, narrow valley
``"saddle"``              x^2 / 2 + y^4 / 4 - y^2 / 2                      a saddle at 0 between two minima
``"wells"``               (x^2 - 1)^2 + (y^2 - 1)^2 + 3x/10 + y/5          four minima, only one global
========================  ===============================================  ===================================

Book: Optimization for deep learning, "The explorer's objectives" (claims ``objectives.*``).
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import sympy as sp

__all__ = [
    "CLAIMS",
    "EXPRESSIONS",
    "NAMES",
    "Objective",
    "get",
    "quadratic",
    "rosenbrock",
    "saddle",
    "symbolic_gradient",
    "symbolic_hessian",
    "wells",
    "x",
    "y",
    "kappa",
]

CLAIMS = {
    "objectives.quadratic-derivatives": "the gradient (x, kappa y) and Hessian diag(1, kappa) of (x^2 + kappa y^2)/2, "
                                        "derived by hand (each step proved by SymPy), agree with the numpy code; "
                                        "the Hessian's condition number is kappa",
    "objectives.rosenbrock-derivatives": "the gradient and Hessian of Rosenbrock's function, derived by hand (each "
                                         "step proved by SymPy), agree with the numpy code; its only stationary "
                                         "point is the minimum (1, 1)",
    "objectives.saddle-derivatives": "the gradient (x, y^3 - y) = (x, y(y - 1)(y + 1)) and Hessian diag(1, 3y^2 - 1) "
                                     "of x^2/2 + y^4/4 - y^2/2, derived by hand, agree with the numpy code; (0, 0) is "
                                     "a saddle (Hessian diag(1, -1)), (0, +-1) are minima",
    "objectives.wells-derivatives": "the gradient and Hessian of the tilted four-well function, derived by hand, "
                                    "agree with the numpy code; it has four local minima (located numerically) and "
                                    "one global minimum",
}

#: The two coordinates and the quadratic's condition number, as SymPy symbols.
x, y = sp.symbols("x y", real=True)
kappa = sp.Symbol("kappa", positive=True)

#: The objectives, defined once. ``kappa`` is the only parameter (of the quadratic).
EXPRESSIONS: dict[str, sp.Expr] = {
    "quadratic": (x**2 + kappa * y**2) / 2,
    "rosenbrock": (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "saddle": x**2 / 2 + y**4 / 4 - y**2 / 2,
    "wells": (x**2 - 1) ** 2 + (y**2 - 1) ** 2 + sp.Rational(3, 10) * x + sp.Rational(1, 5) * y,
}
NAMES = tuple(EXPRESSIONS)


def symbolic_gradient(name: str) -> sp.Matrix:
    """The gradient (df/dx, df/dy) of objective ``name`` as a SymPy column Matrix (kappa left symbolic)."""
    f = EXPRESSIONS[_checked_name(name, "symbolic_gradient")]
    return sp.Matrix([sp.diff(f, x), sp.diff(f, y)])


def symbolic_hessian(name: str) -> sp.Matrix:
    """The 2x2 Hessian of objective ``name`` as a SymPy Matrix (kappa left symbolic)."""
    f = EXPRESSIONS[_checked_name(name, "symbolic_hessian")]
    return sp.hessian(f, (x, y))


def _checked_name(name: object, func: str) -> str:
    if not isinstance(name, str) or name not in EXPRESSIONS:
        raise ValueError(f"{func}: name must be one of {list(NAMES)}; got {name!r}.")
    return name


# -------------------------------------------------------------------------------------------- the object

@dataclasses.dataclass(frozen=True)
class Objective:
    """A function of two variables with its numpy value, gradient and Hessian.

    Attributes
    ----------
    name : str
        One of :data:`NAMES`.
    params : dict
        Parameter values (``{"kappa": 10.0}`` for the quadratic, else empty).
    value : callable, ndarray shape (..., 2) -> ndarray shape (...)
        f at one point or on a grid of points (last axis holds (x, y)).
    grad : callable, ndarray shape (2,) -> ndarray shape (2,)
    hessian : callable, ndarray shape (2,) -> ndarray shape (2, 2)
    minimizers : ndarray, shape (m, 2)
        The local minimizers, global first.
    minimum : float
        The global minimum value f*.
    box : ((float, float), (float, float))
        The (x, y) window the explorer draws.
    start : (float, float)
        The explorer's default start point.
    """

    name: str
    params: dict
    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray]
    minimizers: np.ndarray
    minimum: float
    box: tuple[tuple[float, float], tuple[float, float]]
    start: tuple[float, float]

    @property
    def expression(self) -> sp.Expr:
        """The SymPy expression with the parameters substituted."""
        return EXPRESSIONS[self.name].subs({kappa: self.params.get("kappa", 1)})


def _point(p: object, func: str, grid: bool = False) -> np.ndarray:
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (np.ndarray, list, tuple)):
        raise TypeError(f"{func}: the point must be a numpy array of shape (2,); got {type(p).__name__}.")
    arr = np.asarray(p)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: the point must hold real numbers; got dtype {arr.dtype}.")
    ok = arr.ndim >= 1 and arr.shape[-1] == 2 if grid else arr.shape == (2,)
    if not ok:
        want = "(..., 2)" if grid else "(2,)"
        raise ValueError(f"{func}: the point must have shape {want} holding (x, y); got shape {arr.shape}.")
    return arr.astype(float, copy=False)


def _make(name: str, params: dict, value, grad, hessian, minimizers, box, start) -> Objective:
    def checked_value(p):
        q = _point(p, f"{name}.value", grid=True)
        return value(q[..., 0], q[..., 1])

    def checked_grad(p):
        q = _point(p, f"{name}.grad")
        return np.array(grad(q[0], q[1]), dtype=float)

    def checked_hessian(p):
        q = _point(p, f"{name}.hessian")
        return np.array(hessian(q[0], q[1]), dtype=float)

    mins = np.array(minimizers, dtype=float)
    values = [float(value(m[0], m[1])) for m in mins]
    order = np.argsort(values, kind="stable")
    return Objective(name=name, params=params, value=checked_value, grad=checked_grad, hessian=checked_hessian,
                     minimizers=mins[order], minimum=float(min(values)), box=box, start=start)


def quadratic(kappa: float = 10.0) -> Objective:
    r"""The ill-conditioned quadratic :math:`f(x, y) = \tfrac12 (x^2 + \kappa y^2)`.

    Parameters
    ----------
    kappa : float
        The condition number L / mu of the Hessian diag(1, kappa); at least 1.

    Returns
    -------
    Objective
        Minimum 0 at the origin.

    Raises
    ------
    ValueError
        If ``kappa`` is not a finite number >= 1.

    Notes
    -----
    .. math:: \nabla f = (x, \kappa y), \qquad \nabla^2 f = \operatorname{diag}(1, \kappa),
              \quad \mu = 1,\ L = \kappa .

    References
    ----------
    Book: Optimization, "Gradient descent on a quadratic" (claim ``objectives.quadratic-derivatives``).

    Examples
    --------
    >>> quadratic(4.0).grad(np.array([1.0, 1.0]))
    array([1., 4.])
    """
    if isinstance(kappa, bool) or not isinstance(kappa, (int, float, np.number)) or not math.isfinite(kappa) \
            or kappa < 1:
        raise ValueError(f"quadratic: kappa (the condition number) must be a finite number >= 1; got {kappa!r}.")
    k = float(kappa)
    return _make(
        "quadratic", {"kappa": k},
        value=lambda a, b: 0.5 * (a * a + k * b * b),
        grad=lambda a, b: (a, k * b),
        hessian=lambda a, b: ((1.0, 0.0), (0.0, k)),
        minimizers=[(0.0, 0.0)], box=((-2.0, 2.0), (-1.5, 1.5)), start=(-1.8, 1.0),
    )


def rosenbrock() -> Objective:
    r"""Rosenbrock's valley :math:`f(x, y) = (1 - x)^2 + 100 (y - x^2)^2`, minimum 0 at (1, 1).

    Notes
    -----
    .. math:: \nabla f = \bigl(-2(1 - x) - 400 x (y - x^2),\ 200 (y - x^2)\bigr), \qquad
              \nabla^2 f = \begin{pmatrix} 2 - 400 (y - x^2) + 800 x^2 & -400 x \\ -400 x & 200 \end{pmatrix}.

    References
    ----------
    Book: Optimization, "Non-convex landscapes" (claim ``objectives.rosenbrock-derivatives``).

    Examples
    --------
    >>> float(rosenbrock().value(np.array([1.0, 1.0])))
    0.0
    """
    return _make(
        "rosenbrock", {},
        value=lambda a, b: (1.0 - a) ** 2 + 100.0 * (b - a * a) ** 2,
        grad=lambda a, b: (-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)),
        hessian=lambda a, b: ((2.0 - 400.0 * (b - a * a) + 800.0 * a * a, -400.0 * a), (-400.0 * a, 200.0)),
        minimizers=[(1.0, 1.0)], box=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.2, 1.0),
    )


def saddle() -> Objective:
    r"""A saddle between two minima: :math:`f(x, y) = x^2/2 + y^4/4 - y^2/2`.

    The origin is a saddle point (Hessian diag(1, -1)); (0, 1) and (0, -1) are the minima, f* = -1/4. Gradient
    descent started on the x-axis (the saddle's stable manifold) never leaves it and converges to the saddle.

    Notes
    -----
    .. math:: \nabla f = (x,\ y^3 - y), \qquad \nabla^2 f = \operatorname{diag}(1,\ 3 y^2 - 1).

    References
    ----------
    Book: Optimization, "Saddle points" (claim ``objectives.saddle-derivatives``).

    Examples
    --------
    >>> saddle().hessian(np.array([0.0, 0.0]))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    return _make(
        "saddle", {},
        value=lambda a, b: 0.5 * a * a + 0.25 * b**4 - 0.5 * b * b,
        grad=lambda a, b: (a, b**3 - b),
        hessian=lambda a, b: ((1.0, 0.0), (0.0, 3.0 * b * b - 1.0)),
        minimizers=[(0.0, 1.0), (0.0, -1.0)], box=((-2.0, 2.0), (-2.0, 2.0)), start=(1.5, 0.0),
    )


def _well_roots(tilt: float) -> tuple[float, float]:
    """The two outer real roots of 4 t^3 - 4 t + tilt = 0 (the minimizers of (t^2 - 1)^2 + tilt t)."""
    roots = np.sort(np.real(np.roots([4.0, 0.0, -4.0, tilt])))
    return float(roots[0]), float(roots[2])


def wells() -> Objective:
    r"""Four wells, one global: :math:`f(x, y) = (x^2 - 1)^2 + (y^2 - 1)^2 + \tfrac{3}{10} x + \tfrac15 y`.

    Each coordinate is a tilted double well, so f has four local minima near (+-1, +-1); the tilt makes the
    one near (-1, -1) the global minimum. Between them lie four saddles and a local maximum.

    Notes
    -----
    .. math:: \nabla f = \bigl(4x^3 - 4x + \tfrac{3}{10},\ 4y^3 - 4y + \tfrac15\bigr), \qquad
              \nabla^2 f = \operatorname{diag}(12 x^2 - 4,\ 12 y^2 - 4).

    References
    ----------
    Book: Optimization, "SGD on a non-convex landscape" (claim ``objectives.wells-derivatives``).

    Examples
    --------
    >>> obj = wells()
    >>> bool(np.all(obj.minimizers[0] < 0))     # the global minimizer is the (-, -) well
    True
    """
    xs, ys = _well_roots(0.3), _well_roots(0.2)
    return _make(
        "wells", {},
        value=lambda a, b: (a * a - 1.0) ** 2 + (b * b - 1.0) ** 2 + 0.3 * a + 0.2 * b,
        grad=lambda a, b: (4.0 * a**3 - 4.0 * a + 0.3, 4.0 * b**3 - 4.0 * b + 0.2),
        hessian=lambda a, b: ((12.0 * a * a - 4.0, 0.0), (0.0, 12.0 * b * b - 4.0)),
        minimizers=[(px, py) for px in xs for py in ys], box=((-2.0, 2.0), (-2.0, 2.0)), start=(0.9, 1.6),
    )


_FACTORIES = {"quadratic": quadratic, "rosenbrock": rosenbrock, "saddle": saddle, "wells": wells}


def get(name: str, **params: float) -> Objective:
    """The objective called ``name`` (one of :data:`NAMES`); ``kappa=`` sets the quadratic's condition number.

    Raises
    ------
    ValueError
        For an unknown name, or a parameter the objective does not have.

    Examples
    --------
    >>> get("quadratic", kappa=25.0).params
    {'kappa': 25.0}
    """
    _checked_name(name, "get")
    if params and name != "quadratic":
        raise ValueError(f"get: objective {name!r} has no parameters; got {sorted(params)}. Only 'quadratic' "
                         "takes kappa=.")
    if set(params) - {"kappa"}:
        raise ValueError(f"get: the quadratic's only parameter is kappa; got {sorted(params)}.")
    return _FACTORIES[name](**params)

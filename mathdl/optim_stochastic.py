r"""Part of the "Optimization for deep learning" chapter: convergence guarantees beyond the quadratic.

SGD with decreasing steps on a strongly convex objective (the :math:`O(1/t)` rate), the noise floor of SGD with
a constant step, the stationarity bound of gradient descent on a smooth non-convex function, and linear
convergence under the Polyak-Lojasiewicz (PL) condition. Each bound is a plain function of its constants; the
test problems (a noisy quadratic, a rippled non-convex function, Karimi et al.'s PL function) come with their
gradients; the runs use :func:`mathdl.optim.sgd_step`.

Book: ``book/optimization.ipynb``; claim ids are declared in :data:`mathdl.optim.CLAIMS`.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathdl import optim

__all__ = [
    "RIPPLE_MIN",
    "DescentRecord",
    "descent_record",
    "noisy_quadratic_sgd",
    "pl_constant",
    "pl_function",
    "pl_rate",
    "ripple",
    "sgd_decreasing_bound",
    "sgd_noise_floor",
    "sgd_quadratic_error",
    "stationarity_bound",
]


def _positive(v: object, name: str, func: str, allow_zero: bool = False) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
        raise TypeError(f"{func}: {name} must be a finite real number; got {v!r}.")
    if v < 0 or (v == 0 and not allow_zero):
        want = ">= 0" if allow_zero else "> 0"
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{func}: {name} must be {want}; got {v!r}. Pass a {kind} number.")
    return float(v)


def _steps(t: object, name: str, func: str) -> np.ndarray:
    arr = np.asarray(t)
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr < 1):
        raise ValueError(f"{func}: {name} must be step counts >= 1; got {t!r}. Steps are numbered from 1.")
    return arr.astype(float)


def sgd_decreasing_bound(t: np.ndarray | int, initial_error: float, grad_bound_sq: float, mu: float) -> np.ndarray:
    r"""The bound :math:`\mathbb E\lVert x_t - x^*\rVert^2 \le \max(\lVert x_1 - x^*\rVert^2, 2G^2/\mu^2)/t`.

    Parameters
    ----------
    t : int or ndarray of int, any shape
        Step numbers, >= 1.
    initial_error : float
        :math:`\lVert x_1 - x^*\rVert^2 \ge 0`.
    grad_bound_sq : float
        :math:`G^2 > 0` with :math:`\mathbb E\lVert g_t\rVert^2 \le G^2`.
    mu : float
        Strong-convexity constant, > 0.

    Returns
    -------
    ndarray, the shape of ``t``

    Notes
    -----
    SGD with :math:`\eta_t = 1/(\mu t)` on a :math:`\mu`-strongly convex function with unbiased stochastic
    gradients satisfies :math:`a_{t+1} \le (1 - 2/t) a_t + G^2/(\mu^2 t^2)`, and by induction
    :math:`a_t \le Q/t` with :math:`Q = \max(a_1, 2G^2/\mu^2)`: at t = 1 the recursion gives
    :math:`a_2 \le G^2/\mu^2 \le Q/2`; for t >= 2, :math:`(1 - 2/t)Q/t + Q/(2t^2) \le Q(t - 1)/t^2 \le Q/(t + 1)`.

    References
    ----------
    Book: Optimization, "SGD with decreasing steps: the O(1/t) rate" (claim ``optim.sgd-decreasing-rate``).
    Rakhlin, Shamir & Sridharan (2012); Bottou, Curtis & Nocedal (2018).

    Examples
    --------
    >>> sgd_decreasing_bound(np.array([1, 10]), 4.0, 1.0, 1.0)
    array([4. , 0.4])
    >>> sgd_decreasing_bound(np.array([1, 10]), 1.0, 1.0, 1.0)    # 2 G^2/mu^2 = 2 dominates
    array([2. , 0.2])
    """
    func = "sgd_decreasing_bound"
    steps = _steps(t, "t", func)
    a1 = _positive(initial_error, "initial_error", func, allow_zero=True)
    g2 = _positive(grad_bound_sq, "grad_bound_sq", func)
    m = _positive(mu, "mu", func)
    return max(a1, 2.0 * g2 / m**2) / steps


def sgd_quadratic_error(t: np.ndarray | int, sigma2: float, mu: float, dim: int = 1) -> np.ndarray:
    r"""Exact :math:`\mathbb E\lVert x_{t+1}\rVert^2 = d\sigma^2/(\mu^2 t)` of SGD with :math:`\eta_t = 1/(\mu t)`.

    Parameters
    ----------
    t : int or ndarray of int, any shape
        Step numbers, >= 1 (the error after step t).
    sigma2 : float
        Variance :math:`\sigma^2 > 0` of the additive gradient noise per coordinate.
    mu : float
        Curvature, > 0.
    dim : int
        Dimension d >= 1.

    Returns
    -------
    ndarray, the shape of ``t``

    Notes
    -----
    On :math:`f(x) = \tfrac\mu2\lVert x\rVert^2` with :math:`g_t = \mu x_t + \sigma\xi_t`, the step
    :math:`\eta_t = 1/(\mu t)` gives :math:`t\,x_{t+1} = (t - 1)\,x_t - \sigma\xi_t/\mu`, so
    :math:`t\,x_{t+1} = -(\sigma/\mu)\sum_{k \le t}\xi_k` from any start and
    :math:`\mathbb E\lVert x_{t+1}\rVert^2 = d\sigma^2/(\mu^2 t)`: the running mean of the noise.

    References
    ----------
    Book: Optimization, "SGD with decreasing steps: the O(1/t) rate" (claim ``optim.sgd-decreasing-rate``).

    Examples
    --------
    >>> sgd_quadratic_error(np.array([1, 4]), 1.0, 2.0, dim=2)
    array([0.5  , 0.125])
    """
    func = "sgd_quadratic_error"
    steps = _steps(t, "t", func)
    s2 = _positive(sigma2, "sigma2", func)
    m = _positive(mu, "mu", func)
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise ValueError(f"{func}: dim must be an integer >= 1; got {dim!r}.")
    return dim * s2 / (m**2 * steps)


def sgd_noise_floor(lr: float, lam: float, sigma2: float) -> float:
    r"""Stationary :math:`\mathbb E[e^2] = \eta\sigma^2/(\lambda(2 - \eta\lambda))` of constant-step SGD.

    Parameters
    ----------
    lr : float
        Constant step :math:`\eta` with :math:`0 < \eta\lambda < 2`.
    lam : float
        Curvature :math:`\lambda > 0` of the coordinate.
    sigma2 : float
        Variance of the additive gradient noise, > 0.

    Returns
    -------
    float

    Notes
    -----
    :math:`e_{t+1} = (1 - \eta\lambda) e_t - \eta\sigma\xi_t` has the fixed point
    :math:`v = (1 - \eta\lambda)^2 v + \eta^2\sigma^2`, i.e. :math:`v = \eta\sigma^2/(\lambda(2 - \eta\lambda))
    \approx \eta\sigma^2/(2\lambda)`: proportional to :math:`\eta` for small steps.

    References
    ----------
    Book: Optimization, "The noise floor of a constant step" (claim ``optim.sgd-noise-floor``).

    Examples
    --------
    >>> sgd_noise_floor(0.5, 1.0, 1.0)
    0.3333333333333333
    """
    func = "sgd_noise_floor"
    eta, lm, s2 = _positive(lr, "lr", func), _positive(lam, "lam", func), _positive(sigma2, "sigma2", func)
    if eta * lm >= 2:
        raise ValueError(f"{func}: needs lr * lam < 2 (otherwise the iteration diverges); got lr * lam = "
                         f"{eta * lm!r}. Lower lr below 2/lam.")
    return eta * s2 / (lm * (2.0 - eta * lm))


def noisy_quadratic_sgd(schedule, steps: int, *, mu: float = 1.0, sigma: float = 1.0, dim: int = 1,
                        runs: int = 1000, x0: float = 1.0, seed: int = 0) -> np.ndarray:
    r"""Mean squared error :math:`\mathbb E\lVert x_t\rVert^2` of SGD on :math:`\tfrac\mu2\lVert x\rVert^2` + noise.

    Parameters
    ----------
    schedule : callable
        ``schedule(t) -> lr`` for steps t = 1, 2, ...
    steps : int
        Number of steps T >= 1.
    mu, sigma : float
        Curvature (> 0) and noise standard deviation (> 0): :math:`g_t = \mu x_t + \sigma\xi_t`.
    dim, runs : int
        Dimension and number of independent runs averaged (>= 1).
    x0 : float
        Every coordinate's start.
    seed : int
        Seed of the noise.

    Returns
    -------
    ndarray, shape (steps + 1,)
        Entry t is the mean over runs of :math:`\lVert x_{t+1}\rVert^2` (entry 0: the start).

    Notes
    -----
    Each step is :func:`mathdl.optim.sgd_step` on all runs at once (the update is coordinatewise).

    References
    ----------
    Book: Optimization, "SGD with decreasing steps: the O(1/t) rate" and "The noise floor of a constant step"
    (claims ``optim.sgd-decreasing-rate``, ``optim.sgd-noise-floor``).

    Examples
    --------
    >>> noisy_quadratic_sgd(lambda t: 0.0, 2, runs=3, x0=2.0)   # no step: the error stays 4
    array([4., 4., 4.])
    """
    func = "noisy_quadratic_sgd"
    if not callable(schedule):
        raise TypeError(f"{func}: schedule must be a callable t -> lr; got {type(schedule).__name__}.")
    for name, v in (("steps", steps), ("dim", dim), ("runs", runs)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{func}: {name} must be an integer >= 1; got {v!r}.")
    m, s = _positive(mu, "mu", func), _positive(sigma, "sigma", func)
    rng = np.random.default_rng(seed)
    x = np.full(runs * dim, float(x0))
    out = [float(np.mean(np.sum(x.reshape(runs, dim)**2, axis=1)))]
    state = None
    for t in range(1, steps + 1):
        g = m * x + s * rng.standard_normal(x.shape)
        x, state = optim.sgd_step(x, g, state, lr=schedule(t))
        out.append(float(np.mean(np.sum(x.reshape(runs, dim)**2, axis=1))))
    return np.array(out)


def stationarity_bound(L: float, gap: float, steps: int) -> float:
    r"""The bound :math:`\min_{t < T}\lVert\nabla f(x_t)\rVert^2 \le 2L(f(x_0) - f^*)/T` of GD with step 1/L.

    Parameters
    ----------
    L : float
        Smoothness constant (the gradient is L-Lipschitz), > 0.
    gap : float
        :math:`f(x_0) - f^* \ge 0`.
    steps : int
        T >= 1.

    Returns
    -------
    float

    Notes
    -----
    The descent lemma gives :math:`f(x_{t+1}) \le f(x_t) - \lVert\nabla f(x_t)\rVert^2/(2L)`; summing over
    :math:`t < T` telescopes to :math:`\sum_t \lVert\nabla f(x_t)\rVert^2 \le 2L(f(x_0) - f^*)`, and the minimum
    is at most the mean. No convexity is needed.

    References
    ----------
    Book: Optimization, "Non-convex objectives: what gradient descent guarantees" (claim
    ``optim.nonconvex-stationarity``). Nesterov (2004), §1.2.3.

    Examples
    --------
    >>> stationarity_bound(3.0, 2.0, 100)
    0.12
    """
    func = "stationarity_bound"
    lc, gp = _positive(L, "L", func), _positive(gap, "gap", func, allow_zero=True)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"{func}: steps must be an integer >= 1; got {steps!r}.")
    return 2.0 * lc * gp / steps


def ripple(x: np.ndarray) -> tuple[float, np.ndarray]:
    r"""A smooth non-convex test function :math:`f(x) = \sum_i (x_i^2/2 + 2\cos x_i)` and its gradient.

    Parameters
    ----------
    x : ndarray, shape (d,)

    Returns
    -------
    value : float
    grad : ndarray, shape (d,)
        :math:`x_i - 2\sin x_i`.

    Notes
    -----
    The Hessian is :math:`\operatorname{diag}(1 - 2\cos x_i)`, with eigenvalues in :math:`[-1, 3]`: the
    function is 3-smooth and not convex (a local maximum at 0 in every coordinate). Its minimum per coordinate
    is at :math:`x = \pm 1.8955` (the roots of :math:`x = 2\sin x`), with value :data:`RIPPLE_MIN`
    :math:`\approx 1.158` per coordinate.

    References
    ----------
    Book: Optimization, "Non-convex objectives: what gradient descent guarantees" (claim
    ``optim.nonconvex-stationarity``).

    Examples
    --------
    >>> ripple(np.array([0.0]))
    (2.0, array([0.]))
    """
    arr = optim._vector(x, "x", "ripple")
    if arr.ndim != 1:
        raise ValueError(f"ripple: x must be a vector, shape (d,); got shape {arr.shape}.")
    return float(np.sum(arr**2 / 2 + 2 * np.cos(arr))), arr - 2 * np.sin(arr)


def _ripple_min() -> float:
    x = 1.9
    for _ in range(50):                    # Newton on x - 2 sin x = 0
        x -= (x - 2 * math.sin(x)) / (1 - 2 * math.cos(x))
    return x**2 / 2 + 2 * math.cos(x)


#: The minimum of one coordinate of :func:`ripple`: x^2/2 + 2 cos x at its root of x = 2 sin x.
RIPPLE_MIN = _ripple_min()


def pl_function(x: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Karimi et al.'s PL but non-convex function :math:`f(x) = \sum_i (x_i^2 + 3\sin^2 x_i)` and its gradient.

    Parameters
    ----------
    x : ndarray, shape (d,)

    Returns
    -------
    value : float
    grad : ndarray, shape (d,)
        :math:`2x_i + 3\sin 2x_i`.

    Notes
    -----
    :math:`f'' = 2 + 6\cos 2x \in [-4, 8]`: 8-smooth, not convex, with :math:`f^* = 0` at 0 only, and it
    satisfies the PL inequality :math:`\tfrac12 f'(x)^2 \ge \mu f(x)` (see :func:`pl_constant`).

    References
    ----------
    Book: Optimization, "The Polyak-Lojasiewicz condition" (claim ``optim.pl-linear-rate``).
    Karimi, Nutini & Schmidt (2016).

    Examples
    --------
    >>> pl_function(np.array([0.0]))
    (0.0, array([0.]))
    """
    arr = optim._vector(x, "x", "pl_function")
    if arr.ndim != 1:
        raise ValueError(f"pl_function: x must be a vector, shape (d,); got shape {arr.shape}.")
    return float(np.sum(arr**2 + 3 * np.sin(arr)**2)), 2 * arr + 3 * np.sin(2 * arr)


def pl_constant(values: np.ndarray, grad_norms_sq: np.ndarray, f_star: float = 0.0) -> float:
    r"""Largest :math:`\mu` with :math:`\tfrac12\lVert\nabla f\rVert^2 \ge \mu (f - f^*)` at the given points.

    Parameters
    ----------
    values : ndarray, shape (n,)
        :math:`f(x_j)`; points with :math:`f(x_j) = f^*` are skipped.
    grad_norms_sq : ndarray, shape (n,)
        :math:`\lVert\nabla f(x_j)\rVert^2`.
    f_star : float
        The minimum value.

    Returns
    -------
    float
        :math:`\min_j \tfrac12\lVert\nabla f(x_j)\rVert^2 / (f(x_j) - f^*)`.

    References
    ----------
    Book: Optimization, "The Polyak-Lojasiewicz condition" (claim ``optim.pl-linear-rate``).

    Examples
    --------
    >>> pl_constant(np.array([1.0, 4.0]), np.array([4.0, 16.0]))     # f = x^2: mu = 2
    2.0
    """
    func = "pl_constant"
    f = optim._vector(values, "values", func)
    g2 = optim._vector(grad_norms_sq, "grad_norms_sq", func)
    if f.shape != g2.shape or f.ndim != 1:
        raise ValueError(f"{func}: values and grad_norms_sq must be vectors of one shape; got {f.shape}, {g2.shape}.")
    gap = f - float(f_star)
    if np.any(gap < 0):
        raise ValueError(f"{func}: some values lie below f_star={f_star!r}; pass the true minimum.")
    keep = gap > 0
    if not np.any(keep):
        raise ValueError(f"{func}: every point is a minimizer; pass points with f > f_star.")
    return float(np.min(0.5 * g2[keep] / gap[keep]))


def pl_rate(mu: float, L: float) -> float:
    r"""The per-step contraction :math:`1 - \mu/L` of :math:`f - f^*` for GD with :math:`\eta = 1/L` under PL.

    Parameters
    ----------
    mu : float
        PL constant, > 0.
    L : float
        Smoothness constant, >= mu.

    Returns
    -------
    float

    Notes
    -----
    :math:`f(x_{t+1}) - f^* \le f(x_t) - f^* - \lVert\nabla f\rVert^2/(2L) \le (1 - \mu/L)(f(x_t) - f^*)`.

    References
    ----------
    Book: Optimization, "The Polyak-Lojasiewicz condition" (claim ``optim.pl-linear-rate``).
    Polyak (1963); Karimi, Nutini & Schmidt (2016).

    Examples
    --------
    >>> pl_rate(1.0, 4.0)
    0.75
    """
    m, lc = _positive(mu, "mu", "pl_rate"), _positive(L, "L", "pl_rate")
    if m > lc:
        raise ValueError(f"pl_rate: needs mu <= L (the PL constant cannot exceed the smoothness); got mu={mu!r}, "
                         f"L={L!r}.")
    return 1.0 - m / lc


@dataclasses.dataclass(frozen=True)
class DescentRecord:
    """Gradient descent's values ``values[t] = f(x_t)`` and squared gradient norms, t = 0..T, and the path."""

    values: np.ndarray
    grad_norms_sq: np.ndarray
    path: np.ndarray


def descent_record(fn, x0: np.ndarray, lr: float, steps: int) -> DescentRecord:
    r"""Run plain gradient descent (:func:`mathdl.optim.sgd_step`) and record values and gradient norms.

    Parameters
    ----------
    fn : callable
        ``fn(x) -> (value, grad)`` such as :func:`ripple` or :func:`pl_function`.
    x0 : ndarray, shape (d,)
    lr : float
        Step size, > 0.
    steps : int
        T >= 1.

    Returns
    -------
    DescentRecord
        Arrays of length T + 1 (values, grad_norms_sq) and the path, shape (T + 1, d).

    References
    ----------
    Book: Optimization, "Non-convex objectives: what gradient descent guarantees" (claims
    ``optim.nonconvex-stationarity``, ``optim.pl-linear-rate``).

    Examples
    --------
    >>> descent_record(lambda x: (float(x @ x), 2 * x), np.array([1.0]), 0.25, 2).values
    array([1.    , 0.25  , 0.0625])
    """
    func = "descent_record"
    if not callable(fn):
        raise TypeError(f"{func}: fn must be a callable x -> (value, grad); got {type(fn).__name__}.")
    _positive(lr, "lr", func)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"{func}: steps must be an integer >= 1; got {steps!r}.")
    x = optim._vector(x0, "x0", func).copy()
    values, norms, path = [], [], [x]
    state = None
    for _ in range(steps):
        v, g = fn(x)
        values.append(float(v))
        norms.append(float(g @ g))
        x, state = optim.sgd_step(x, g, state, lr=lr)
        path.append(x)
    v, g = fn(x)
    values.append(float(v))
    norms.append(float(g @ g))
    return DescentRecord(np.array(values), np.array(norms), np.array(path))

r"""Part of the "Optimization for deep learning" chapter: learning-rate schedules, warm-up and line search.

The schedules of ``torch.optim.lr_scheduler`` in closed form (step decay, cosine annealing, linear warm-up),
the variance of Adam's bias-corrected second moment early in training (why warm-up helps Adam), and the
Armijo backtracking line search with its guaranteed step size on an L-smooth function.

Book: ``book/optimization.ipynb``; claim ids are declared in :data:`mathdl.optim.CLAIMS`.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl import optim

__all__ = [
    "adam_v_relative_variance",
    "armijo_backtracking",
    "armijo_lr_bound",
    "cosine_lr",
    "step_lr",
    "warmup_lr",
]


def _real(v: object, name: str, func: str) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
        raise TypeError(f"{func}: {name} must be a finite real number; got {v!r}.")
    return float(v)


def _count(v: object, name: str, func: str) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{func}: {name} must be an integer >= 1; got {v!r}.")
    return int(v)


def _times(t: object, func: str, low: float = 0.0) -> np.ndarray:
    arr = np.asarray(t)
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr < low):
        raise ValueError(f"{func}: t must be step numbers >= {low:g}; got {t!r}.")
    return arr.astype(float)


def step_lr(t: np.ndarray | int, lr: float, step_size: int, gamma: float = 0.1) -> np.ndarray:
    r"""Step decay :math:`\eta_t = \eta\,\gamma^{\lfloor t/s\rfloor}` (``torch.optim.lr_scheduler.StepLR``).

    Parameters
    ----------
    t : int or ndarray, any shape
        Step (or epoch) numbers, >= 0.
    lr : float
        Initial rate, > 0.
    step_size : int
        s >= 1: the rate drops every s steps.
    gamma : float
        Factor in (0, 1].

    Returns
    -------
    ndarray, the shape of ``t``

    References
    ----------
    Book: Optimization, "Learning-rate schedules" (claim ``optim.lr-schedules``).

    Examples
    --------
    >>> step_lr(np.array([0, 29, 30, 65]), 0.1, 30)
    array([0.1  , 0.1  , 0.01 , 0.001])
    """
    func = "step_lr"
    tt = _times(t, func)
    eta, gam, s = _real(lr, "lr", func), _real(gamma, "gamma", func), _count(step_size, "step_size", func)
    if eta <= 0 or not 0 < gam <= 1:
        raise ValueError(f"{func}: needs lr > 0 and 0 < gamma <= 1; got lr={lr!r}, gamma={gamma!r}.")
    return eta * gam ** np.floor(tt / s)


def cosine_lr(t: np.ndarray | int, lr: float, total: int, lr_min: float = 0.0) -> np.ndarray:
    r"""Cosine annealing :math:`\eta_t = \eta_{\min} + \tfrac12(\eta - \eta_{\min})(1 + \cos(\pi t/T))`.

    Parameters
    ----------
    t : int or ndarray, any shape
        Steps in [0, T].
    lr : float
        :math:`\eta = \eta_{\max} > 0`, the rate at t = 0.
    total : int
        T >= 1, the step at which the rate reaches ``lr_min``.
    lr_min : float
        :math:`0 \le \eta_{\min} \le \eta`.

    Returns
    -------
    ndarray, the shape of ``t``

    Notes
    -----
    The closed form of ``torch.optim.lr_scheduler.CosineAnnealingLR`` (Loshchilov & Hutter 2017). Its mean over
    :math:`[0, T]` is :math:`(\eta + \eta_{\min})/2`, and its slope is zero at both ends.

    References
    ----------
    Book: Optimization, "Learning-rate schedules" (claim ``optim.lr-schedules``).

    Examples
    --------
    >>> cosine_lr(np.array([0, 50, 100]), 0.1, 100)
    array([0.1 , 0.05, 0.  ])
    """
    func = "cosine_lr"
    tt = _times(t, func)
    eta, low, big_t = _real(lr, "lr", func), _real(lr_min, "lr_min", func), _count(total, "total", func)
    if eta <= 0 or not 0 <= low <= eta:
        raise ValueError(f"{func}: needs lr > 0 and 0 <= lr_min <= lr; got lr={lr!r}, lr_min={lr_min!r}.")
    if np.any(tt > big_t):
        raise ValueError(f"{func}: t must lie in [0, total={big_t}]; got max t = {tt.max():g}. Restart the cycle "
                         "(t mod total) for warm restarts.")
    return low + 0.5 * (eta - low) * (1.0 + np.cos(np.pi * tt / big_t))


def warmup_lr(t: np.ndarray | int, lr: float, warmup: int) -> np.ndarray:
    r"""Linear warm-up :math:`\eta_t = \eta \min(1, t/w)` for steps t = 1, 2, ...

    Parameters
    ----------
    t : int or ndarray, any shape
        Steps, >= 1.
    lr : float
        Target rate, > 0.
    warmup : int
        w >= 1: the rate reaches ``lr`` at step w.

    Returns
    -------
    ndarray, the shape of ``t``

    Notes
    -----
    The same ramp as ``torch.optim.lr_scheduler.LinearLR(start_factor=1/w, total_iters=w - 1)``. A rule of
    thumb for Adam is :math:`w = 2/(1 - \beta_2)` (Ma & Yarats 2021): the number of steps after which the second
    moment averages many gradients (:func:`adam_v_relative_variance`).

    References
    ----------
    Book: Optimization, "Warm-up and the variance of Adam's second moment" (claims ``optim.lr-schedules``,
    ``optim.adam-warmup-variance``).

    Examples
    --------
    >>> warmup_lr(np.array([1, 5, 10, 20]), 0.1, 10)
    array([0.01, 0.05, 0.1 , 0.1 ])
    """
    func = "warmup_lr"
    tt = _times(t, func, low=1.0)
    eta, w = _real(lr, "lr", func), _count(warmup, "warmup", func)
    if eta <= 0:
        raise ValueError(f"{func}: lr must be > 0; got {lr!r}.")
    return eta * np.minimum(1.0, tt / w)


def adam_v_relative_variance(t: np.ndarray | int, beta2: float) -> np.ndarray:
    r"""Relative variance :math:`\operatorname{Var}(\hat v_t)/\mathbb E[g^2]^2` of Adam's corrected second moment.

    Parameters
    ----------
    t : int or ndarray, any shape
        Steps, >= 1.
    beta2 : float
        In (0, 1).

    Returns
    -------
    ndarray, the shape of ``t``

    Notes
    -----
    For i.i.d. gradients :math:`g_k \sim \mathcal N(0, s)` (so :math:`\operatorname{Var} g^2 = 2s^2`),
    :math:`\hat v_t = \frac{1 - \beta}{1 - \beta^t}\sum_{k=1}^t \beta^{t-k} g_k^2` is unbiased and

    .. math:: \frac{\operatorname{Var}\hat v_t}{s^2} = \frac{2(1 - \beta)(1 + \beta^t)}{(1 + \beta)(1 - \beta^t)},

    which is 2 (one squared sample) at t = 1 and falls to :math:`2(1 - \beta)/(1 + \beta)` — the variance of
    an average of :math:`(1 + \beta)/(1 - \beta) \approx 2/(1 - \beta)` samples.

    References
    ----------
    Book: Optimization, "Warm-up and the variance of Adam's second moment" (claim ``optim.adam-warmup-variance``).
    Liu et al. (2020); Ma & Yarats (2021).

    Examples
    --------
    >>> adam_v_relative_variance(np.array([1]), 0.999)
    array([2.])
    """
    func = "adam_v_relative_variance"
    tt = _times(t, func, low=1.0)
    b = _real(beta2, "beta2", func)
    if not 0 < b < 1:
        raise ValueError(f"{func}: beta2 must lie in (0, 1); got {beta2!r}.")
    bt = b**tt
    return 2.0 * (1.0 - b) * (1.0 + bt) / ((1.0 + b) * (1.0 - bt))


def armijo_backtracking(fn, x: np.ndarray, *, lr0: float = 1.0, shrink: float = 0.5, c: float = 1e-4,
                        max_halvings: int = 60) -> tuple[float, np.ndarray, int]:
    r"""Backtracking line search: the first :math:`\eta = \eta_0 \rho^j` with Armijo's sufficient decrease.

    Parameters
    ----------
    fn : callable
        ``fn(x) -> (value, grad)``.
    x : ndarray, shape (d,)
        The current point.
    lr0 : float
        First trial step, > 0.
    shrink : float
        :math:`\rho \in (0, 1)`, the factor applied after each rejection.
    c : float
        :math:`c \in (0, 1)`, the fraction of the linear decrease demanded.
    max_halvings : int
        Give up (ValueError) after this many rejections.

    Returns
    -------
    lr : float
        The accepted step.
    x_new : ndarray, shape (d,)
        :math:`x - \eta\nabla f(x)`.
    evaluations : int
        Function evaluations used (>= 1).

    Notes
    -----
    Accept :math:`\eta` when :math:`f(x - \eta g) \le f(x) - c\,\eta\lVert g\rVert^2`. On an L-smooth function
    every :math:`\eta \le 2(1 - c)/L` is accepted, so the accepted step is at least
    :math:`\min(\eta_0, 2\rho(1 - c)/L)` (:func:`armijo_lr_bound`) and each step decreases f by at least
    :math:`c\,\eta\lVert g\rVert^2`.

    References
    ----------
    Book: Optimization, "Backtracking line search" (claim ``optim.armijo-guarantee``). Armijo (1966);
    Nocedal & Wright (2006), §3.1.

    Examples
    --------
    >>> lr, x1, n = armijo_backtracking(lambda x: (float(x @ x), 2 * x), np.array([1.0]))
    >>> lr, x1, n              # lr = 1 overshoots to -1 (no decrease); lr = 0.5 lands on 0
    (0.5, array([0.]), 3)
    """
    func = "armijo_backtracking"
    if not callable(fn):
        raise TypeError(f"{func}: fn must be a callable x -> (value, grad); got {type(fn).__name__}.")
    p = optim._vector(x, "x", func)
    eta, rho, cc = _real(lr0, "lr0", func), _real(shrink, "shrink", func), _real(c, "c", func)
    if eta <= 0 or not 0 < rho < 1 or not 0 < cc < 1:
        raise ValueError(f"{func}: needs lr0 > 0, 0 < shrink < 1, 0 < c < 1; got lr0={lr0!r}, shrink={shrink!r}, "
                         f"c={c!r}.")
    limit = _count(max_halvings, "max_halvings", func)
    f0, g = fn(p)
    g2 = float(g @ g)
    evaluations = 1
    for _ in range(limit + 1):
        trial = p - eta * g
        f1, _ = fn(trial)
        evaluations += 1
        if f1 <= f0 - cc * eta * g2:
            return eta, trial, evaluations
        eta *= rho
    raise ValueError(f"{func}: no step satisfied Armijo's condition after {limit} reductions; the gradient may "
                     "be wrong (check it with verify.gradcheck) or the function not smooth at x.")


def armijo_lr_bound(L: float, lr0: float = 1.0, shrink: float = 0.5, c: float = 1e-4) -> float:
    r"""The guaranteed accepted step :math:`\min(\eta_0, 2\rho(1 - c)/L)` of :func:`armijo_backtracking`.

    Parameters
    ----------
    L : float
        Smoothness constant, > 0.
    lr0, shrink, c : float
        As in :func:`armijo_backtracking`.

    Returns
    -------
    float

    Notes
    -----
    By the descent lemma :math:`f(x - \eta g) \le f(x) - \eta\lVert g\rVert^2 + \tfrac L2\eta^2\lVert g\rVert^2`,
    and this is :math:`\le f(x) - c\,\eta\lVert g\rVert^2` iff :math:`\eta \le 2(1 - c)/L`. A rejected trial
    is therefore :math:`> 2(1 - c)/L`, and the next one, :math:`\rho` times it, is accepted or larger still.

    References
    ----------
    Book: Optimization, "Backtracking line search" (claim ``optim.armijo-guarantee``).

    Examples
    --------
    >>> armijo_lr_bound(10.0, lr0=1.0, shrink=0.5, c=0.5)
    0.05
    """
    func = "armijo_lr_bound"
    lc, eta, rho, cc = (_real(v, n, func) for v, n in ((L, "L"), (lr0, "lr0"), (shrink, "shrink"), (c, "c")))
    if lc <= 0 or eta <= 0 or not 0 < rho < 1 or not 0 < cc < 1:
        raise ValueError(f"{func}: needs L > 0, lr0 > 0, 0 < shrink < 1, 0 < c < 1; got L={L!r}, lr0={lr0!r}, "
                         f"shrink={shrink!r}, c={c!r}.")
    return min(eta, 2.0 * rho * (1.0 - cc) / lc)

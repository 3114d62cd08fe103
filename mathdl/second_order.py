r"""Part of the Optimization chapter: second-order methods that model the Hessian instead of computing it.

Gauss-Newton keeps the :math:`J^\top J` part of the Hessian of a sum of squares (no second derivatives);
BFGS builds a Hessian approximation from gradient changes, one secant condition per step. The exact Newton
step, :func:`mathdl.optim.newton_step`, lives in :mod:`mathdl.optim` with the other step functions, because
:func:`mathdl.optim.trajectory` runs it.

The chapter's claim ids (``optim.*``) are declared in :data:`mathdl.optim.CLAIMS`; these functions are checked
in ``book/optimization.ipynb`` and ``tests/test_second_order.py``.
"""
from __future__ import annotations

import numpy as np

from mathdl.optim import _lr, _vector

__all__ = [
    "bfgs_update",
    "gauss_newton_step",
]


def gauss_newton_step(params: np.ndarray, residuals: np.ndarray, jacobian: np.ndarray, *,
                      lr: float = 1.0) -> np.ndarray:
    r"""One Gauss-Newton step for :math:`f(p) = \tfrac12 \lVert r(p) \rVert^2`.

    Parameters
    ----------
    params : ndarray, shape (d,)
    residuals : ndarray, shape (n,)
        r(p).
    jacobian : ndarray, shape (n, d)
        J = dr/dp, of full column rank.
    lr : float
        Damping, >= 0.

    Returns
    -------
    params : ndarray, shape (d,)

    Notes
    -----
    The Hessian of f is :math:`J^\top J + \sum_i r_i \nabla^2 r_i`; Gauss-Newton keeps only :math:`J^\top J`
    (no second derivatives) and solves the least-squares problem :math:`\min_\delta \lVert J\delta + r\rVert`:
    :math:`p \leftarrow p - \eta (J^\top J)^{-1} J^\top r`.

    References
    ----------
    Book: Optimization, "Second-order methods" (claim ``optim.gauss-newton-hessian``). Nocedal & Wright (2006),
    ch. 10.

    Examples
    --------
    >>> gauss_newton_step(np.array([0.0]), np.array([-2.0, -4.0]), np.array([[1.0], [2.0]]))
    array([2.])
    """
    func = "gauss_newton_step"
    p = _vector(params, "params", func)
    r = _vector(residuals, "residuals", func)
    J = _vector(jacobian, "jacobian", func)
    if p.ndim != 1 or r.ndim != 1 or J.shape != (r.size, p.size):
        raise ValueError(f"{func}: need params (d,), residuals (n,), jacobian (n, d); got {p.shape}, {r.shape}, "
                         f"{J.shape}.")
    if np.linalg.matrix_rank(J) < p.size:
        raise ValueError(f"{func}: the Jacobian has rank < {p.size}, so J^T J is singular; add data or damping.")
    delta, *_ = np.linalg.lstsq(J, r, rcond=None)
    return p - _lr(lr, func) * delta


def bfgs_update(B: np.ndarray, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""The BFGS update of a Hessian approximation B from a step s and gradient change y.

    Parameters
    ----------
    B : ndarray, shape (d, d)
        Symmetric positive-definite approximation of the Hessian.
    s : ndarray, shape (d,)
        The step :math:`x_{k+1} - x_k`.
    y : ndarray, shape (d,)
        The gradient change :math:`\nabla f(x_{k+1}) - \nabla f(x_k)`.

    Returns
    -------
    ndarray, shape (d, d)

    Raises
    ------
    ValueError
        If shapes differ, or the curvature condition :math:`y^\top s > 0` fails (then no positive-definite
        update satisfies the secant condition; a Wolfe line search guarantees it).

    Notes
    -----
    .. math:: B_{k+1} = B - \frac{B s s^\top B}{s^\top B s} + \frac{y y^\top}{y^\top s},
              \qquad B_{k+1} s = y \ \text{(secant condition)}.

    References
    ----------
    Book: Optimization, "Quasi-Newton" (claim ``optim.bfgs-secant``). Nocedal & Wright (2006), ch. 6.

    Examples
    --------
    >>> B1 = bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([2.0, 1.0]))
    >>> B1 @ np.array([1.0, 0.0])
    array([2., 1.])
    """
    func = "bfgs_update"
    B = _vector(B, "B", func)
    s = _vector(s, "s", func)
    y = _vector(y, "y", func)
    if s.ndim != 1 or y.shape != s.shape or B.shape != (s.size, s.size):
        raise ValueError(f"{func}: need B (d, d), s (d,), y (d,); got {B.shape}, {s.shape}, {y.shape}.")
    ys = float(y @ s)
    if not ys > 0:
        raise ValueError(f"{func}: the curvature condition y^T s > 0 fails (y^T s = {ys:.3g}); use a step "
                         "satisfying the Wolfe conditions or skip this update.")
    Bs = B @ s
    return B - np.outer(Bs, Bs) / float(s @ Bs) + np.outer(y, y) / ys

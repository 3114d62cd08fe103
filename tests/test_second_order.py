"""Tests of mathdl.second_order: Gauss-Newton and the BFGS update against their documented formulas.

Equation numbers refer to ``book/optimization.ipynb``; claim ids name the facts checked.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import optim, second_order
from mathdl.verify import derive

#: A step computed by hand vs the function (same operations up to order and a linear solve).
STEP_RTOL = 1e-12
#: Central differences (h = 1e-5) of an exact gradient vs the analytic Hessian.
FD_RTOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(1951)


# -------------------------------------------------------------------------------------- Gauss-Newton and BFGS

def test_gauss_newton_fits_linear_least_squares_in_one_step(rng):
    """For linear residuals r = X p - y, J = X and one Gauss-Newton step solves the normal equations."""
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    p0 = rng.standard_normal(3)
    p1 = second_order.gauss_newton_step(p0, X @ p0 - y, X)
    np.testing.assert_allclose(X.T @ (X @ p1 - y), 0.0, atol=1e-12)


def _exponential_model(p, t, y):
    """r_i = a e^{b t_i} - y_i, its Jacobian, and the Hessians of the r_i (written out by hand)."""
    a, b = p
    e = np.exp(b * t)
    J = np.column_stack([e, a * t * e])
    hess_r = np.array([[[0.0, ti * ei], [ti * ei, a * ti**2 * ei]] for ti, ei in zip(t, e)])
    return a * e - y, J, hess_r


def test_gauss_newton_hessian_decomposition(rng):
    """claim optim.gauss-newton-hessian: the Hessian of |r|^2/2 (central differences of its gradient J^T r) is
    J^T J + sum_i r_i Hess(r_i); gauss_newton_step is the Newton step with J^T J in place of that Hessian."""
    t, y = np.linspace(0.0, 1.0, 6), rng.standard_normal(6)
    p = np.array([1.3, -0.7])
    r, J, hess_r = _exponential_model(p, t, y)
    h = 1e-5

    def grad(q):
        r_q, J_q, _ = _exponential_model(q, t, y)
        return J_q.T @ r_q

    fd = np.column_stack([(grad(p + h * e) - grad(p - h * e)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(fd, J.T @ J + np.einsum("i,ijk->jk", r, hess_r), rtol=FD_RTOL)
    step = second_order.gauss_newton_step(p, r, J)
    np.testing.assert_allclose(step, p - np.linalg.solve(J.T @ J, J.T @ r), rtol=STEP_RTOL)
    np.testing.assert_allclose(step, optim.newton_step(p, J.T @ r, J.T @ J)[0], rtol=STEP_RTOL)
    half = second_order.gauss_newton_step(p, r, J, lr=0.5)
    np.testing.assert_allclose(half, p - 0.5 * np.linalg.solve(J.T @ J, J.T @ r), rtol=STEP_RTOL)


def test_gauss_newton_converges_quadratically_at_zero_residual():
    """claim optim.gauss-newton-hessian: with exact data the neglected sum_i r_i Hess(r_i) vanishes at the solution,
    so the error roughly squares at every step."""
    t = np.linspace(0.0, 1.0, 8)
    p_star = np.array([2.0, -1.5])
    y = p_star[0] * np.exp(p_star[1] * t)
    p, errors = np.array([1.8, -1.3]), []
    for _ in range(4):
        r, J, _ = _exponential_model(p, t, y)
        p = second_order.gauss_newton_step(p, r, J)
        errors.append(np.linalg.norm(p - p_star))
    assert errors[2] < 10 * errors[1] ** 2 and errors[3] < 1e-12


def test_bfgs_secant_condition_symbolic():
    """claim optim.bfgs-secant: B_{k+1} s = y and B_{k+1} symmetric, entrywise for a symbolic 3x3 B."""
    b = sp.symbols("b11 b12 b13 b22 b23 b33", real=True)
    B = sp.Matrix([[b[0], b[1], b[2]], [b[1], b[3], b[4]], [b[2], b[4], b[5]]])
    s, y = sp.Matrix(sp.symbols("s1:4", real=True)), sp.Matrix(sp.symbols("y1:4", real=True))
    sBs, ys = (s.T * B * s)[0], (y.T * s)[0]
    B1 = B - (B * s * s.T * B) / sBs + (y * y.T) / ys
    derive(B1 * s, (y, "cancel s^T B s and y^T s"), domain=[ys > 0, sBs > 0], instance="d = 3",
           claim="optim.bfgs-secant")


def test_bfgs_update_closed_form():
    """claim optim.bfgs-secant: the documented formula, entry by entry, on a small example."""
    B, s, y = np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([1.0, -1.0]), np.array([3.0, 1.0])
    Bs = B @ s                                           # (1.5, -0.5), s^T B s = 2, y^T s = 2
    expected = B - np.outer(Bs, Bs) / 2.0 + np.outer(y, y) / 2.0
    np.testing.assert_allclose(second_order.bfgs_update(B, s, y), expected, rtol=1e-15)
    np.testing.assert_allclose(expected @ s, y, rtol=1e-15)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6))
def test_bfgs_update_secant_and_positive_definite(seed, d):
    """claim optim.bfgs-secant: numerically, and B stays positive definite when y^T s > 0."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((d, d))
    B = M @ M.T + np.eye(d)
    s = rng.standard_normal(d)
    A = rng.standard_normal((d, d))
    y = (A @ A.T + 0.5 * np.eye(d)) @ s                 # gradient change of a convex quadratic: y^T s > 0
    B1 = second_order.bfgs_update(B, s, y)
    np.testing.assert_allclose(B1 @ s, y, rtol=1e-8, atol=1e-8 * np.linalg.norm(y))
    np.testing.assert_allclose(B1, B1.T, atol=1e-10 * np.max(np.abs(B1)))
    assert np.all(np.linalg.eigvalsh(B1) > 0)


# ---------------------------------------------------------------------------------------------- bad inputs

def test_bfgs_update_bad_input():
    with pytest.raises(ValueError, match="need B"):
        second_order.bfgs_update(np.eye(3), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="rank < 2"):
        second_order.gauss_newton_step(np.zeros(2), np.zeros(3), np.ones((3, 2)))
    with pytest.raises(ValueError, match="curvature condition"):
        second_order.bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([0.0, 1.0]))   # y^T s = 0
    with pytest.raises(ValueError, match="curvature condition"):
        second_order.bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))

"""Tests of mathdl.second_order: Gauss-Newton and the BFGS update against their documented formulas.

Equation numbers refer to ``book/optimization.ipynb``; claim ids name the facts checked.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import second_order
from mathdl.verify import derive


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


def test_gauss_newton_hessian_decomposition():
    """claim optim.gauss-newton-hessian: Hess(|r|^2 / 2) = J^T J + sum_i r_i Hess(r_i), for r_i = a e^{b t_i} - y_i."""
    a, bb = sp.symbols("a b", real=True)
    ts, ys = sp.symbols("t1:4", real=True), sp.symbols("y1:4", real=True)
    r = sp.Matrix([a * sp.exp(bb * ti) - yi for ti, yi in zip(ts, ys)])
    J = r.jacobian([a, bb])
    rhs = J.T * J + sum((ri * sp.hessian(ri, (a, bb)) for ri in r), sp.zeros(2, 2))
    derive(sp.hessian((r.T * r)[0] / 2, (a, bb)), (rhs, "product rule"), claim="optim.gauss-newton-hessian")


def test_bfgs_secant_condition_symbolic():
    """claim optim.bfgs-secant: B_{k+1} s = y and B_{k+1} symmetric, entrywise for a symbolic 3x3 B."""
    b = sp.symbols("b11 b12 b13 b22 b23 b33", real=True)
    B = sp.Matrix([[b[0], b[1], b[2]], [b[1], b[3], b[4]], [b[2], b[4], b[5]]])
    s, y = sp.Matrix(sp.symbols("s1:4", real=True)), sp.Matrix(sp.symbols("y1:4", real=True))
    B1 = B - (B * s * s.T * B) / (s.T * B * s)[0] + (y * y.T) / (y.T * s)[0]
    derive(B1 * s, (y, "cancel s^T B s and y^T s"), claim="optim.bfgs-secant")
    derive(B1 - B1.T, (sp.zeros(3, 3), "B symmetric"), claim="optim.bfgs-secant")


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
    with pytest.raises(ValueError, match="curvature condition"):
        second_order.bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))

"""Tests of mathdl.calculus_forward: dual numbers, JVPs, Hessian-vector products, Taylor remainders.

The cheap gradient and checkpointing (mathdl.calculus_cost) are tested in test_calculus_cost.py.

Book: Calculus and backpropagation. Each test names the claim it checks.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import autodiff as ad
from mathdl import calculus_forward as cf
from mathdl.verify import agree, derive

#: Largest relative error between two float64 computations of the same derivative.
EXACT_RTOL = 1e-12
#: Largest relative error of a central-difference Hessian-vector product (truncation O(h^2) + round-off).
HVP_RTOL = 1e-6


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(11)


def _network_point(rng: np.random.Generator):
    X = rng.standard_normal((5, 3))
    W1, V1 = rng.standard_normal((2, 3, 4))
    W2, V2 = rng.standard_normal((2, 4, 2))
    U = rng.standard_normal((5, 2))
    return X, W1, V1, W2, V2, U


# --------------------------------------------------------------------------------------------- dual numbers

def test_dual_arithmetic_is_the_matrix_representation():
    """calculus.dual-numbers: (a + b eps)(c + d eps) = ac + (ad + bc) eps, proved with a I + b N."""
    a, b, c, d = sp.symbols("a b c d", real=True)

    def D(p, q):
        return sp.Matrix([[p, q], [0, p]])

    proof = derive(sp.MatMul(D(a, b), D(c, d), evaluate=False), (D(a * c, a * d + b * c), "product"),
                   claim="calculus.dual-numbers")
    assert proof.result == D(a * c, a * d + b * c)   # derive raises if SymPy cannot prove the step
    y = cf.Dual(2.0, 3.0) * cf.Dual(5.0, 7.0)
    assert (float(y.value), float(y.tangent)) == (10.0, 2.0 * 7.0 + 3.0 * 5.0)


@pytest.mark.parametrize("fn, deriv", [
    (lambda x: x * x * x - 2.0 * x + 1.0, lambda a: 3 * a ** 2 - 2),
    (lambda x: 1.0 / (1.0 + x * x), lambda a: -2 * a / (1 + a ** 2) ** 2),
    (lambda x: cf.exp(x) - cf.log(x + 3.0), lambda a: math.exp(a) - 1 / (a + 3)),
    (lambda x: cf.tanh(x) * cf.sigmoid(x), lambda a: (1 - math.tanh(a) ** 2) / (1 + math.exp(-a))
     + math.tanh(a) * math.exp(-a) / (1 + math.exp(-a)) ** 2),
    (lambda x: (x + 2.0) ** 1.5 - (3.0 - x) / (x + 4.0), lambda a: 1.5 * (a + 2) ** 0.5 + 7 / (a + 4) ** 2),
    (lambda x: 5.0 - x + x ** 0, lambda a: -1.0),
])
@given(a=st.floats(-1.5, 1.5))
@settings(max_examples=25, deadline=None)
def test_dual_tangent_is_the_derivative(fn, deriv, a):
    """calculus.dual-numbers: f(a + eps) = f(a) + f'(a) eps for every supported operation."""
    y = fn(cf.Dual(a, 1.0))
    assert np.isclose(float(y.tangent), deriv(a), rtol=EXACT_RTOL, atol=1e-14)


def test_dual_matmul_sum_transpose_and_errors():
    """calculus.dual-numbers: the product rule for matrices, A B = A0 B0 + (A0 B1 + A1 B0) eps."""
    rng = np.random.default_rng(0)
    A0, A1, B0, B1 = rng.standard_normal((4, 3, 3))
    y = cf.Dual(A0, A1) @ cf.Dual(B0, B1)
    assert np.allclose(y.tangent, A0 @ B1 + A1 @ B0, rtol=EXACT_RTOL, atol=0)
    z = B0 @ cf.Dual(A0, A1)
    assert np.allclose(z.tangent, B0 @ A1, rtol=EXACT_RTOL, atol=0)
    assert np.allclose((cf.Dual(A0, A1).T.sum(axis=0)).tangent, A1.T.sum(axis=0), rtol=EXACT_RTOL, atol=0)
    assert np.allclose((3.0 - cf.Dual(A0, A1)).tangent, -A1) and cf.Dual(A0).shape == (3, 3)
    assert "Dual(value=" in repr(cf.Dual(1.0, 2.0))
    with pytest.raises(ValueError, match="Dual: tangent must have the shape"):
        cf.Dual(np.zeros(2), np.zeros(3))
    with pytest.raises(TypeError, match="Dual: value must be"):
        cf.Dual("x")
    with pytest.raises(ValueError, match="must be finite"):
        cf.Dual(np.nan)
    with pytest.raises(ValueError, match="divisor has a zero"):
        cf.Dual(1.0, 1.0) / 0.0
    with pytest.raises(TypeError, match="exponent must be a real constant"):
        cf.Dual(1.0, 1.0) ** cf.Dual(2.0)
    with pytest.raises(ValueError, match="no derivative at x = 0"):
        cf.Dual(0.0, 1.0) ** 0.5
    with pytest.raises(ValueError, match="log: the value part must be positive"):
        cf.log(cf.Dual(-1.0, 1.0))
    assert float(cf.exp(0.0).value) == 1.0


# -------------------------------------------------------------------------------------------------- JVPs

def test_jvp_equals_central_difference(rng):
    """calculus.jvp-vjp-duality: the dual tangent is the directional derivative J v."""
    X, W1, V1, W2, V2, _ = _network_point(rng)
    value, tangent = cf.jvp(lambda a, b: cf.tanh_network(X, a, b, cf), [W1, W2], [V1, V2])
    assert np.allclose(value, np.tanh(X @ W1) @ W2, rtol=EXACT_RTOL, atol=0)
    h = 1e-5
    fd = (np.tanh(X @ (W1 + h * V1)) @ (W2 + h * V2) - np.tanh(X @ (W1 - h * V1)) @ (W2 - h * V2)) / (2 * h)
    assert np.max(np.abs(fd - tangent)) <= 1e-7 * np.max(np.abs(tangent))


@pytest.mark.parametrize("seed", range(5))
def test_jvp_and_engine_vjp_are_adjoint(seed):
    """calculus.jvp-vjp-duality: <u, J v> from dual numbers = <J^T u, v> from the engine."""
    X, W1, V1, W2, V2, U = _network_point(np.random.default_rng(seed))
    _, JV = cf.jvp(lambda a, b: cf.tanh_network(X, a, b, cf), [W1, W2], [V1, V2])
    T1, T2 = ad.Tensor(W1), ad.Tensor(W2)
    cf.tanh_network(X, T1, T2, ad).backward(seed=U)
    lhs, rhs = np.sum(U * JV), np.sum(T1.grad * V1) + np.sum(T2.grad * V2)
    assert abs(lhs - rhs) <= EXACT_RTOL * max(abs(lhs), abs(rhs))


def test_jvp_validation():
    with pytest.raises(TypeError, match="jvp: f must be callable"):
        cf.jvp(3, [1.0], [1.0])
    with pytest.raises(ValueError, match="same length"):
        cf.jvp(lambda a: a, [1.0], [])
    with pytest.raises(TypeError, match="must return a Dual"):
        cf.jvp(lambda a: 1.0, [1.0], [1.0])
    with pytest.raises(TypeError, match="tanh_network: lib must provide tanh"):
        cf.tanh_network(np.ones((1, 1)), np.ones((1, 1)), np.ones((1, 1)), itertools)


# ------------------------------------------------------------------------------- Hessian-vector products

def test_hvp_is_exact_for_a_cubic_proved():
    """calculus.hvp-central-difference: for a cubic the central difference of the gradient is H v exactly."""
    x1, x2, v1, v2 = sp.symbols("x1 x2 v1 v2", real=True)
    h = sp.Symbol("h", real=True)
    c = sp.symbols("c0:10", real=True)
    monomials = [1, x1, x2, x1 ** 2, x1 * x2, x2 ** 2, x1 ** 3, x1 ** 2 * x2, x1 * x2 ** 2, x2 ** 3]
    f = sum(ci * m for ci, m in zip(c, monomials))
    grad = sp.Matrix([sp.diff(f, x1), sp.diff(f, x2)])
    H = sp.hessian(f, (x1, x2))

    def at(p):
        return grad.subs({x1: p[0], x2: p[1]}, simultaneous=True)

    xs, vs = sp.Matrix([x1, x2]), sp.Matrix([v1, v2])
    proof = derive((at(xs + h * vs) - at(xs - h * vs)) / (2 * h), (H * vs, "exact", "cancel"),
                   domain=[sp.Ne(h, 0)], claim="calculus.hvp-central-difference", instance="cubic, 2 variables")
    assert proof.result == H * vs   # derive raises if SymPy cannot prove the step


def test_hvp_of_a_cubic_numerically_and_against_the_explicit_hessian(rng):
    """calculus.hvp-central-difference: hvp = H v (cubic: to round-off; tanh loss: to O(h^2))."""
    A = rng.standard_normal((3, 3))
    x, v = rng.standard_normal(3), rng.standard_normal(3)
    got = cf.hvp(lambda w: (w * w * w).sum() / 6.0 + 0.5 * (w * (A @ w)).sum(), x, v)
    assert np.allclose(got, x * v + 0.5 * (A + A.T) @ v, rtol=1e-8, atol=1e-10)
    Xd, yd = rng.standard_normal((6, 3)), rng.standard_normal(6)
    w, u = sp.Matrix(sp.symbols("w1:4", real=True)), sp.Matrix(sp.symbols("u1:4", real=True))
    L = sum((sp.tanh((sp.Matrix(Xd[i]).T * w)[0]) - yd[i]) ** 2 for i in range(6)) / 2
    report = agree(sp.hessian(L, list(w)) * u,
                   lambda wv, uv: cf.hvp(lambda t: 0.5 * ((ad.tanh(Xd @ t) - yd) ** 2).sum(), wv.ravel(),
                                         uv.ravel()).reshape(3, 1),
                   [w, u], rtol=HVP_RTOL, claim="calculus.hvp-central-difference")
    assert report.passed


def test_hvp_validation():
    with pytest.raises(TypeError, match="hvp: f must be callable"):
        cf.hvp(None, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="hvp: v must have the shape"):
        cf.hvp(lambda w: (w * w).sum(), np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="hvp: v must be nonzero"):
        cf.hvp(lambda w: (w * w).sum(), np.ones(2), np.zeros(2))
    with pytest.raises(ValueError, match="hvp: h must be a positive float"):
        cf.hvp(lambda w: (w * w).sum(), np.ones(2), np.ones(2), h=-1.0)


# ------------------------------------------------------------------------------------------------ Taylor

def test_taylor_remainders_orders(rng):
    """calculus.taylor-hessian: the first remainder is O(t^2), the second O(t^3) (log-log slopes)."""
    X, W1, V1, W2, _, U = _network_point(rng)
    ts = np.logspace(-3.5, -1.5, 9)
    r = cf.taylor_remainders(lambda w: 0.5 * ((ad.tanh(X @ w.reshape(3, 4)) @ W2 - U) ** 2).sum(),
                             W1.ravel(), V1.ravel(), ts)
    assert abs(np.polyfit(np.log(ts), np.log(r["first"]), 1)[0] - 2.0) < 0.1
    assert abs(np.polyfit(np.log(ts), np.log(r["second"]), 1)[0] - 3.0) < 0.25


def test_taylor_remainders_of_a_quadratic_and_a_cubic():
    """calculus.taylor-hessian: first remainder of |w|^2 is t^2 |d|^2; second remainder of sum w^3 is t^3 sum d^3."""
    x, d, ts = np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([0.1, 0.2])
    r = cf.taylor_remainders(lambda w: (w * w).sum(), x, d, ts)
    assert np.allclose(r["first"], ts ** 2 * np.sum(d * d), rtol=1e-9, atol=0)
    r3 = cf.taylor_remainders(lambda w: (w * w * w).sum(), x, d, ts)
    assert np.allclose(r3["second"], ts ** 3 * abs(np.sum(d ** 3)), rtol=1e-6, atol=0)
    with pytest.raises(ValueError, match="d must have the shape"):
        cf.taylor_remainders(lambda w: (w * w).sum(), x, np.ones(3), ts)
    with pytest.raises(ValueError, match="ts must be a 1-d array of positive"):
        cf.taylor_remainders(lambda w: (w * w).sum(), x, d, np.array([0.0]))


def test_hessian_top_eigenvalue_matches_the_explicit_hessian(rng):
    """calculus.hvp-central-difference: power iteration on hvp finds the top eigenvalue of the explicit Hessian."""
    A = rng.standard_normal((4, 4))
    A = A @ A.T + np.diag([5.0, 0.0, 0.0, 0.0])
    lam, v = cf.hessian_top_eigenvalue(lambda w: 0.5 * (w * (A @ w)).sum(), np.zeros(4), iterations=200)
    assert np.isclose(lam, np.linalg.eigvalsh(A)[-1], rtol=1e-8, atol=0)
    assert np.allclose(A @ v, lam * v, rtol=0, atol=1e-6 * lam)
    lam0, v0 = cf.hessian_top_eigenvalue(lambda w: (w * 0.0).sum(), np.ones(2))
    assert lam0 == 0.0 and np.isclose(np.linalg.norm(v0), 1.0, rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match="iterations must be a positive int"):
        cf.hessian_top_eigenvalue(lambda w: (w * w).sum(), np.ones(2), iterations=0)

"""Tests of mathdl.linalg: each formula against SymPy (agree), finite differences (gradcheck), an invariant or
closed form, and bad input. Equation labels refer to book/linear_algebra.ipynb."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import linalg
from mathdl.verify import agree, derive, gradcheck

#: Relative tolerance for identities that hold to rounding error.
EXACT_RTOL = 1e-12
#: Allowed relative slack when a random pair is compared with a bound it may touch.
BOUND_SLACK = 1e-12

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def sym_matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}"))


# ----------------------------------------------------------------------------------- layers (la-layer)

def test_dense_agrees_with_sympy():
    """claim linalg.layer-shapes"""
    X, W, b = sym_matrix("x", 3, 2), sym_matrix("w", 2, 4), sym_matrix("b", 1, 4)
    agree(X * W + sp.ones(3, 1) * b, lambda X, W, b: linalg.dense(X, W, b.ravel()), [X, W, b],
          claim="linalg.layer-shapes")


def test_dense_vjp_gradcheck(rng):
    """claim linalg.dense-vjp (eq. la-dense-vjp), with and without bias"""
    X, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2)
    gradcheck(linalg.dense, linalg.dense_vjp, [X, W, b], claim="linalg.dense-vjp")
    gradcheck(linalg.dense, linalg.dense_vjp, [X, W], claim="linalg.dense-vjp")


def test_dense_vjp_with_a_reused_input(rng):
    """Z = X X: the same array as input and weight; the two gradients add up (product rule)."""
    X = rng.standard_normal((3, 3))

    def vjp(u, A):
        dX, dW = linalg.dense_vjp(u, A, A)
        return dX + dW

    gradcheck(lambda A: linalg.dense(A, A), vjp, [X], claim="linalg.dense-vjp")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_dense_rows_are_examples(n, d_in, d_out, seed):
    """claim linalg.layer-shapes: row i of the batch output is the layer applied to row i alone."""
    rng = np.random.default_rng(seed)
    X, W, b = rng.standard_normal((n, d_in)), rng.standard_normal((d_in, d_out)), rng.standard_normal(d_out)
    Z = linalg.dense(X, W, b)
    assert Z.shape == (n, d_out)
    for i in range(n):
        np.testing.assert_allclose(Z[i], linalg.dense(X[i:i + 1], W, b)[0], rtol=EXACT_RTOL, atol=1e-14)


def test_two_layer_network_is_figure_1(rng):
    x, W1, W2 = rng.standard_normal((1, 3)), rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    y = linalg.two_layer_network(x, W1, W2, hidden="tanh", output="sigmoid")
    expected = 1 / (1 + np.exp(-(np.tanh(x @ W1) @ W2)))
    np.testing.assert_allclose(y, expected, rtol=EXACT_RTOL)
    assert y.shape == (1, 2)


def test_sigmoid_activation_does_not_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = linalg.two_layer_network(np.array([[1000.0, -1000.0, 0.0]]), np.eye(3)[:, :3] * 1.0, np.eye(3)[:, :2],
                                       hidden="identity", output="sigmoid")
    np.testing.assert_allclose(out, [[1.0, 0.0]])


@pytest.mark.parametrize("call, message", [
    (lambda: linalg.dense(np.ones(3), np.ones((3, 2))), r"dense: X must be 2-D; got shape \(3,\)\. Use X\[None, :\]"),
    (lambda: linalg.dense(np.ones((2, 3)), np.ones((2, 2))), r"X has 3 columns but W has 2 rows"),
    (lambda: linalg.dense(np.ones((2, 3)), np.ones((3, 2)), np.ones(3)), r"b must have shape \(2,\)"),
    (lambda: linalg.dense(np.ones((2, 3)), np.full((3, 2), np.nan)), r"W contains NaN"),
    (lambda: linalg.dense([["a"]], np.ones((1, 1))), r"X must hold real numbers"),
    (lambda: linalg.dense("X", np.ones((1, 1))), r"X must be a numpy array of real numbers; got str"),
    (lambda: linalg.dense_vjp(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 2))), r"G must have the output's shape"),
    (lambda: linalg.two_layer_network(np.ones((1, 3)), np.ones((3, 4)), np.ones((4, 2)), hidden="swish"),
     r"hidden must be one of"),
    (lambda: linalg.two_layer_network(np.ones((1, 3)), np.ones((3, 4)), np.ones((3, 2))), r"W2 must be \(d_1, d_2\)"),
])
def test_layer_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# ------------------------------------------------------------------------------------------------- cost

def test_matmul_flops_counted_by_sympy():
    """claim linalg.matmul-cost: count the operations SymPy performs on symbolic matrices."""
    for n, k, m in [(1, 1, 1), (2, 3, 4), (3, 1, 2)]:
        ops = sum((e.count_ops(visual=True) for e in sym_matrix("a", n, k) * sym_matrix("b", k, m)), sp.Integer(0))
        counted = (int(ops.coeff(sp.Symbol("MUL"))), int(ops.coeff(sp.Symbol("ADD"))))
        assert counted == linalg.matmul_flops((n, k), (k, m))


def test_chain_order_costs():
    """claim linalg.matmul-cost: vector-first is cheaper by a factor ~k for a row vector through k x k factors."""
    k = 50
    shapes = [(1, k)] + [(k, k)] * 3
    assert linalg.chain_matmul_flops(shapes, "left") == 3 * k * k
    assert linalg.chain_matmul_flops(shapes, "right") == 2 * k**3 + k * k
    with pytest.raises(ValueError, match="inner dimensions differ"):
        linalg.chain_matmul_flops([(1, 2), (3, 4)])
    with pytest.raises(ValueError, match="order must be"):
        linalg.chain_matmul_flops(shapes, "middle")
    with pytest.raises(ValueError, match="positive int"):
        linalg.matmul_flops((0, 2), (2, 2))


# -------------------------------------------------------------------------------------- matrix calculus

def test_trace_inner_agrees_with_sympy():
    """claim linalg.trace-inner (eq. la-trace-inner)"""
    A, B = sym_matrix("a", 2, 3), sym_matrix("b", 2, 3)
    derive(sp.Trace(A.T * B), (sum(A[i, j] * B[i, j] for i in range(2) for j in range(3)), "diagonal"),
           claim="linalg.trace-inner")
    agree((A.T * B).trace(), linalg.trace_inner, [A, B], claim="linalg.trace-inner")
    with pytest.raises(ValueError, match="same shape"):
        linalg.trace_inner(np.ones((2, 3)), np.ones((3, 2)))


def test_frobenius_gradient_proved_for_any_shape_and_checked():
    """claim linalg.frobenius-gradient (eq. la-frobenius-gradient)"""
    n, d, k = sp.symbols("n d k", positive=True, integer=True)
    X, W, Y = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("W", d, k), sp.MatrixSymbol("Y", n, k)
    H = sp.MatrixSymbol("H", d, k)
    R = X * W - Y
    derive((X * (W + H) - Y).T * (X * (W + H) - Y) - R.T * R, (H.T * X.T * R + (H.T * X.T * R).T + H.T * X.T * X * H,
                                                                "expand"))
    Xe, We, Ye = sym_matrix("x", 3, 2), sym_matrix("w", 2, 2), sym_matrix("y", 3, 2)
    loss = sum(e**2 for e in Xe * We - Ye)
    grad = sp.Matrix(2, 2, lambda i, j: sp.diff(loss, We[i, j]))
    agree(grad, linalg.frobenius_loss_grad, [Xe, We, Ye], claim="linalg.frobenius-gradient")
    agree(loss, linalg.frobenius_loss, [Xe, We, Ye], claim="linalg.frobenius-gradient")


def test_frobenius_gradient_gradcheck(rng):
    """claim linalg.frobenius-gradient"""
    X, W, Y = rng.standard_normal((7, 3)), rng.standard_normal((3, 2)), rng.standard_normal((7, 2))
    gradcheck(lambda W: linalg.frobenius_loss(X, W, Y), lambda u, W: u * linalg.frobenius_loss_grad(X, W, Y), [W],
              claim="linalg.frobenius-gradient")


def test_frobenius_gradient_vanishes_at_least_squares_solution(rng):
    """Closed form: the normal equations X^T X W = X^T Y make the gradient zero."""
    X, Y = rng.standard_normal((20, 4)), rng.standard_normal((20, 3))
    W_star = np.linalg.solve(X.T @ X, X.T @ Y)
    assert np.max(np.abs(linalg.frobenius_loss_grad(X, W_star, Y))) < 1e-10


def test_quadratic_trace_gradient(rng):
    """claim linalg.quadratic-trace-gradient"""
    d = sp.Symbol("d", positive=True, integer=True)
    k = sp.Symbol("k", positive=True, integer=True)
    W, A = sp.MatrixSymbol("W", d, k), sp.MatrixSymbol("A", d, d)
    H = sp.MatrixSymbol("H", d, k)
    derive((W + H).T * A * (W + H) - W.T * A * W, (H.T * A * W + (H.T * A.T * W).T + H.T * A * H, "expand"))
    We, Ae = sym_matrix("w", 3, 2), sym_matrix("a", 3, 3)
    Le = (We.T * Ae * We).trace()
    derive(sp.Matrix(3, 2, lambda i, j: sp.diff(Le, We[i, j])), ((Ae + Ae.T) * We, "collect"),
           claim="linalg.quadratic-trace-gradient", instance="W 3 x 2, A 3 x 3")
    agree((Ae + Ae.T) * We, lambda W, A: linalg.quadratic_trace_grad(W, A), [We, Ae],
          claim="linalg.quadratic-trace-gradient")
    agree(Le, lambda W, A: linalg.quadratic_trace(W, A), [We, Ae], claim="linalg.quadratic-trace-gradient")
    Wn, An = rng.standard_normal((3, 2)), rng.standard_normal((3, 3))
    gradcheck(lambda W: linalg.quadratic_trace(W, An), lambda u, W: u * linalg.quadratic_trace_grad(W, An), [Wn],
              claim="linalg.quadratic-trace-gradient")
    with pytest.raises(ValueError, match=r"A must be square \(3, 3\)"):
        linalg.quadratic_trace(Wn, np.ones((2, 2)))


def test_wrong_gradient_is_caught(rng):
    """The check can fail: the transposed-looking formula X (XW - Y)^T ... is not the gradient."""
    X, W, Y = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    report = gradcheck(lambda W: linalg.frobenius_loss(X, W, Y), lambda u, W: u * 2 * (X @ W - Y).T @ X, [W],
                       check=False)
    assert not report.passed


# ----------------------------------------------------------------------------------- random projections

def test_jl_min_dim_formula():
    """claim linalg.johnson-lindenstrauss: the Dasgupta-Gupta dimension, and the per-pair failure bound it implies."""
    n, eps, kk = sp.symbols("n epsilon k", positive=True)
    k = 4 * sp.log(n) / (eps**2 * (3 - 2 * eps) / 6)  # = 4 ln n / (eps^2/2 - eps^3/3)
    # failure probability per pair 2 exp(-(eps^2/2 - eps^3/3) k / 2) equals 2 / n^2 at that k
    derive(sp.Subs(2 * sp.exp(-(eps**2 / 2 - eps**3 / 3) * kk / 2), kk, k), (2 / n**2, "substitute k"),
           domain=[("0 < eps < 1", [eps < 1, 2 * eps < 3])], claim="linalg.johnson-lindenstrauss")
    for n_, e_ in [(10, 0.1), (100, 0.5), (1000, 0.25)]:
        assert linalg.jl_min_dim(n_, e_) == int(np.ceil(float(k.subs({n: n_, eps: e_}))))
    with pytest.raises(ValueError, match="eps must be in"):
        linalg.jl_min_dim(10, 1.5)


def test_random_projection_respects_the_jl_guarantee(rng):
    """claim linalg.johnson-lindenstrauss: measured distortion below the guarantee in most draws."""
    X = rng.standard_normal((30, 500))
    eps = 0.5
    k = linalg.jl_min_dim(30, eps)
    distortions = [linalg.max_distortion(X, linalg.random_projection(X, k, seed=s)) for s in range(20)]
    # the lemma promises success probability >= 1/n per draw; in practice nearly every draw succeeds
    assert np.mean(np.array(distortions) <= eps) >= 0.9


def test_random_projection_preserves_norms_on_average(rng):
    x = rng.standard_normal((1, 50))
    sq = [np.sum(linalg.random_projection(x, 20, seed=s) ** 2) for s in range(2000)]
    assert abs(np.mean(sq) / np.sum(x**2) - 1) < 0.05  # E||xR||^2 = ||x||^2, 2000 draws: std err ~ 0.007


def test_distortion_bad_input():
    with pytest.raises(ValueError, match="repeated rows"):
        linalg.max_distortion(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="same number"):
        linalg.max_distortion(np.eye(3), np.eye(2))
    with pytest.raises(ValueError, match="k must be a positive int"):
        linalg.random_projection(np.eye(3), 0)


def test_pairwise_sq_distances(rng):
    X = rng.standard_normal((6, 4))
    D = linalg.pairwise_sq_distances(X)
    np.testing.assert_allclose(D[1, 4], np.sum((X[1] - X[4]) ** 2), rtol=EXACT_RTOL)
    assert np.all(np.diag(D) == 0) and np.allclose(D, D.T)


# ------------------------------------------------- deterministic cores of the statistical tests (issue 8)

def test_random_projection_is_x_times_the_seeded_gaussian_matrix(rng):
    """claim linalg.johnson-lindenstrauss: the deterministic core, exactly: X R with R = N(0,1)/sqrt(k) from seed."""
    X = rng.standard_normal((4, 6))
    R = np.random.default_rng(11).standard_normal((6, 3)) / np.sqrt(3)
    np.testing.assert_array_equal(linalg.random_projection(X, 3, seed=11), X @ R)
    # an identity that holds for every draw: the projection is linear in X
    np.testing.assert_allclose(linalg.random_projection(2.0 * X, 3, seed=11),
                               2.0 * linalg.random_projection(X, 3, seed=11), rtol=EXACT_RTOL)


def test_max_distortion_exact_values():
    """claim linalg.johnson-lindenstrauss: max_distortion on hand-computed pairs."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])  # squared distances 1, 4, 5
    Y = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])  # squared distances 4, 4, 8
    # ratios 4/1, 4/4, 8/5: worst |ratio - 1| = 3
    assert linalg.max_distortion(X, Y) == pytest.approx(3.0, rel=EXACT_RTOL)
    assert linalg.max_distortion(X, 0.5 * X) == pytest.approx(0.75, rel=EXACT_RTOL)
    assert linalg.max_distortion(X, X) == 0.0


def test_jl_union_bound_algebra():
    """claim linalg.johnson-lindenstrauss: n(n-1)/2 pairs times 2/n^2 leaves failure probability 1 - 1/n."""
    n = sp.Symbol("n", positive=True)
    derive(n * (n - 1) / 2 * (2 / n**2), (1 - 1 / n, "expand"), claim="linalg.johnson-lindenstrauss")
    # and jl_min_dim makes the per-pair bound at most 2/n^2 (equal up to the ceiling)
    for n_, e_ in [(10, 0.1), (50, 0.3)]:
        k = linalg.jl_min_dim(n_, e_)
        bound = 2 * np.exp(-k * (e_**2 / 2 - e_**3 / 3) / 2)
        assert bound <= 2 / n_**2 * (1 + EXACT_RTOL)
        assert 2 * np.exp(-(k - 1) * (e_**2 / 2 - e_**3 / 3) / 2) > 2 / n_**2


def test_layer_selector_identity(rng):
    """claim linalg.layer-shapes: e^T (X W + 1 b^T) = (e^T X) W + (e^T 1) b^T, numerically through dense."""
    X, W = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    b, e = rng.standard_normal(2), rng.standard_normal(4)
    np.testing.assert_allclose(e @ linalg.dense(X, W, b), (e @ X) @ W + e.sum() * b, rtol=EXACT_RTOL)

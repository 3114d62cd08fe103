"""Tests of mathdl.spectral (Linear algebra chapter): eigendecomposition, singular values, norms, the spectral
norm as a Lipschitz constant, power iteration. Each formula against SymPy (agree), an invariant or closed form,
and bad input. Equation labels refer to book/linear_algebra.ipynb."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathdl import spectral
from mathdl.verify import agree, derive

#: Relative tolerance for identities that hold to rounding error.
EXACT_RTOL = 1e-12
#: Allowed relative slack when a random pair is compared with a bound it may touch.
BOUND_SLACK = 1e-12

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def sym_matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}"))


# ----------------------------------------------------------------------------------- spectral theory

def test_symmetric_eig_agrees_with_closed_form():
    """claim linalg.symmetric-eig-2x2"""
    a, b, c = sp.symbols("a b c", real=True)
    root = sp.sqrt(((a - c) / 2) ** 2 + b**2)
    formula = sp.Matrix([(a + c) / 2 - root, (a + c) / 2 + root])
    for value in formula:
        derive((a - value) * (c - value) - b**2, (sp.Integer(0), "expand: det(A − λI) vanishes"),
               claim="linalg.symmetric-eig-2x2")
    agree(formula, lambda a, b, c: spectral.symmetric_eig(np.array([[a, b], [b, c]]))[0], [a, b, c],
          claim="linalg.symmetric-eig-2x2")


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (4, 4), elements=finite))
def test_symmetric_eig_reconstructs(M):
    A = (M + M.T) / 2
    vals, Q = spectral.symmetric_eig(A)
    scale = max(1.0, float(np.max(np.abs(A))))
    np.testing.assert_allclose(Q @ np.diag(vals) @ Q.T, A, atol=1e-12 * scale * 10)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-12)
    assert np.all(np.diff(vals) >= 0)


def test_symmetric_eig_refuses_non_symmetric():
    with pytest.raises(ValueError, match="must be symmetric.*singular_values"):
        spectral.symmetric_eig(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="must be square"):
        spectral.symmetric_eig(np.ones((2, 3)))


def test_singular_values_2x2_closed_form():
    """claim linalg.singular-values-2x2"""
    p, q, r, u = sp.symbols("p q r u", real=True)
    M = sp.Matrix([[p, q], [r, u]])
    s, delta, t = (M.T * M).trace(), M.det(), sp.Symbol("t")
    derive((M.T * M - t * sp.eye(2)).det(), (t**2 - s * t + delta**2, "expand"), claim="linalg.singular-values-2x2")
    disc = sp.sqrt(s**2 - 4 * delta**2)
    formula = sp.Matrix([sp.sqrt((s + disc) / 2), sp.sqrt((s - disc) / 2)])
    agree(formula, lambda p, q, r, u: spectral.singular_values_2x2(np.array([[p, q], [r, u]])), [p, q, r, u],
          claim="linalg.singular-values-2x2")


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (2, 2), elements=finite))
def test_singular_values_2x2_matches_lapack(A):
    expected = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(spectral.singular_values_2x2(A), expected, atol=1e-12 * max(1.0, expected[0]))


def test_singular_values_2x2_near_singular_keeps_relative_accuracy():
    A = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-9]])
    small = spectral.singular_values_2x2(A)[1]
    assert abs(small - np.linalg.svd(A, compute_uv=False)[1]) / small < 1e-6


def test_frobenius_norm_is_root_sum_of_squared_singular_values():
    """claim linalg.frobenius-singular"""
    A = sym_matrix("a", 3, 4)
    derive(sp.Trace(A.T * A), (sum(e**2 for e in A), "diagonal of A^T A"), claim="linalg.frobenius-singular")
    agree(sum(e**2 for e in A), lambda A: np.sum(spectral.singular_values(A) ** 2), [A],
          claim="linalg.frobenius-singular")


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_norm_inequalities(m, n, seed):
    A = np.random.default_rng(seed).standard_normal((m, n))
    s = spectral.singular_values(A)
    fro = np.linalg.norm(A)
    assert s[0] <= fro * (1 + EXACT_RTOL)
    assert fro <= np.sqrt(min(m, n)) * s[0] * (1 + EXACT_RTOL)


# -------------------------------------------------------------------------------------- Lipschitz & power

@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_spectral_norm_bounds_every_pair(d_in, d_out, seed):
    """claim linalg.spectral-lipschitz"""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((d_in, d_out))
    x, y = rng.standard_normal(d_in), rng.standard_normal(d_in)
    assert spectral.lipschitz_ratio(W, x, y) <= spectral.spectral_norm(W) * (1 + BOUND_SLACK)


def test_spectral_norm_is_attained(rng):
    """claim linalg.spectral-lipschitz: equality along the top left singular vector."""
    W = rng.standard_normal((5, 3))
    u1 = np.linalg.svd(W)[0][:, 0]
    x = rng.standard_normal(5)
    np.testing.assert_allclose(spectral.lipschitz_ratio(W, x + 2.5 * u1, x), spectral.spectral_norm(W), rtol=EXACT_RTOL)
    with pytest.raises(ValueError, match="x and y are equal"):
        spectral.lipschitz_ratio(W, x, x)


def test_power_iteration_converges_at_the_predicted_rate(rng):
    """claim linalg.power-iteration: relative error of sigma falls like (sigma_2/sigma_1)^(4t)."""
    U, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    V, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    spectrum = np.array([2.0, 1.5, 1.0, 0.8, 0.5, 0.3, 0.2, 0.1])
    W = U[:, :8] @ np.diag(spectrum) @ V.T
    sigma, v, _ = spectral.power_iteration(W, iters=500, tol=1e-15)
    np.testing.assert_allclose(sigma, 2.0, rtol=1e-12)
    np.testing.assert_allclose(abs(v @ V[:, 0]), 1.0, rtol=1e-6)
    errors = np.array([abs(spectral.power_iteration(W, iters=t, tol=1e-300)[0] - 2.0) / 2.0 for t in range(3, 15)])
    slope = np.polyfit(np.arange(3, 15), np.log(errors), 1)[0]
    predicted = 4 * np.log(1.5 / 2.0)
    assert abs(slope / predicted - 1) < 0.05, (slope, predicted)


def test_power_iteration_edge_cases():
    assert spectral.power_iteration(np.zeros((3, 2)))[0] == 0.0
    sigma, _, _ = spectral.power_iteration(np.array([[0.0, 4.0]]))
    assert sigma == pytest.approx(4.0, rel=1e-12)
    with pytest.raises(ValueError, match="iters must be a positive int"):
        spectral.power_iteration(np.eye(2), iters=0)
    with pytest.raises(ValueError, match="tol must be a positive number"):
        spectral.power_iteration(np.eye(2), tol=-1.0)


def test_unit_circle_image_circle_and_image():
    """The circle is the unit circle, traversed once, and the image is exactly circle @ A."""
    A = np.array([[2.0, 1.0], [0.5, -1.0]])
    circle, image = spectral.unit_circle_image(A, points=9)
    t = np.linspace(0.0, 2.0 * np.pi, 9)
    np.testing.assert_allclose(circle, np.column_stack([np.cos(t), np.sin(t)]), atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(circle, axis=1), 1.0, rtol=EXACT_RTOL)
    np.testing.assert_allclose(image, circle @ A, rtol=EXACT_RTOL, atol=1e-15)
    np.testing.assert_allclose(circle[2], [0.0, 1.0], atol=1e-15)  # t = pi/2
    with pytest.raises(ValueError, match=r"A must have shape \(2, 2\)"):
        spectral.unit_circle_image(np.eye(3))


def test_singular_values_2x2_exact_values():
    """claim linalg.singular-values-2x2: diag(3, -2) and a rotation-scaled matrix, exactly."""
    np.testing.assert_allclose(spectral.singular_values_2x2(np.diag([3.0, -2.0])), [3.0, 2.0], rtol=EXACT_RTOL)
    np.testing.assert_allclose(spectral.singular_values_2x2(np.array([[0.0, 2.0], [-2.0, 0.0]])), [2.0, 2.0],
                               rtol=EXACT_RTOL)
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        spectral.singular_values_2x2(np.eye(3))


def test_singular_values_discriminant_is_a_sum_of_squares():
    """claim linalg.singular-values-2x2: s^2 - 4 det^2 = (p^2 + r^2 - q^2 - u^2)^2 + 4 (pq + ru)^2."""
    p, q, r, u = sp.symbols("p q r u", real=True)
    M = sp.Matrix([[p, q], [r, u]])
    derive((M.T * M).trace() ** 2 - 4 * M.det() ** 2,
           ((p**2 + r**2 - q**2 - u**2) ** 2 + 4 * (p * q + r * u) ** 2, "expand"),
           claim="linalg.singular-values-2x2")


def test_lipschitz_ratio_exact_for_diagonal():
    """claim linalg.spectral-lipschitz: ratio = sqrt(sum c_i^2 s_i^2 / sum c_i^2) for W = diag(s)."""
    W = np.diag([3.0, 1.0])
    assert spectral.lipschitz_ratio(W, np.array([1.0, 1.0]), np.zeros(2)) == pytest.approx(np.sqrt(5.0),
                                                                                           rel=EXACT_RTOL)
    assert spectral.spectral_norm(W) == pytest.approx(3.0, rel=EXACT_RTOL)


def test_power_iteration_two_singular_values_closed_form():
    """claim linalg.power-iteration: for W = diag(s1, s2) the estimate after t steps is the closed form
    sigma_t^2 = (c1^2 s1^(4t+2) + c2^2 s2^(4t+2)) / (c1^2 s1^(4t) + c2^2 s2^(4t)), c = the seeded start."""
    s1, s2 = 2.0, 1.5
    W = np.diag([s1, s2])
    c = np.random.default_rng(0).standard_normal(2)
    c = c / np.linalg.norm(c)
    for t in (1, 2, 3, 5):
        sigma, v, steps = spectral.power_iteration(W, iters=t, tol=1e-300, seed=0)
        assert steps == t
        num = c[0]**2 * s1**(4 * t + 2) + c[1]**2 * s2**(4 * t + 2)
        den = c[0]**2 * s1**(4 * t) + c[1]**2 * s2**(4 * t)
        assert sigma == pytest.approx(np.sqrt(num / den), rel=EXACT_RTOL)
        np.testing.assert_allclose(np.abs(v), np.abs(c * np.array([s1, s2])**(2 * t)) / np.sqrt(den), rtol=1e-10)

"""Tests of mathdl.linalg_decompositions: rank and null space, orthogonal matrices and QR, the condition number,
PCA and Eckart--Young, vec/Kronecker/einsum and the layout convention. Each formula is compared with SymPy (agree),
finite differences (gradcheck), an independent numpy/LAPACK computation or an exact closed form, and bad input is
refused. Equation labels refer to book/linear_algebra.ipynb."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from mathdl import linalg
from mathdl import linalg_decompositions as ld
from mathdl.verify import agree, derive, gradcheck

EPS = np.finfo(float).eps


def sym_matrix(name, rows, cols):
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}{j}"))


def vec_sym(M):
    return M.T.reshape(M.rows * M.cols, 1)


# ------------------------------------------------------------------------------ composition, rank, null space

def test_collapse_linear_is_the_two_layers(rng):
    """claim linalg.linear-composition: (x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)."""
    x, W1, b1, W2, b2 = sym_matrix("x", 2, 3), sym_matrix("u", 3, 2), sym_matrix("c", 1, 2), sym_matrix("v", 2, 4), \
        sym_matrix("e", 1, 4)
    agree((x * W1 + sp.ones(2, 1) * b1) * W2 + sp.ones(2, 1) * b2,
          lambda x, W1, b1, W2, b2: linalg.dense(x, *ld.collapse_linear(W1, b1.ravel(), W2, b2.ravel())),
          [x, W1, b1, W2, b2], claim="linalg.linear-composition")
    W, b = ld.collapse_linear(np.eye(2), np.ones(2), 2 * np.eye(2), np.array([0.5, 0.0]))
    np.testing.assert_array_equal(W, 2 * np.eye(2))
    np.testing.assert_array_equal(b, [2.5, 2.0])


def test_composition_proved_for_every_shape():
    """claim linalg.linear-composition, with whole matrices as symbols."""
    d0, d1, d2 = sp.symbols("d_0 d_1 d_2", positive=True, integer=True)
    x, W1, W2 = sp.MatrixSymbol("x", 1, d0), sp.MatrixSymbol("W_1", d0, d1), sp.MatrixSymbol("W_2", d1, d2)
    b1, b2 = sp.MatrixSymbol("b_1", d1, 1), sp.MatrixSymbol("b_2", d2, 1)
    derive((x * W1 + b1.T) * W2 + b2.T, (x * (W1 * W2) + (b1.T * W2 + b2.T), "distribute"))


def test_rank_of_a_product_is_at_most_the_smaller_rank(rng):
    """claim linalg.linear-composition: rank(W1 W2) <= min(rank W1, rank W2), equal for generic factors."""
    for r1, r2 in [(2, 5), (5, 3), (1, 6)]:
        F1 = rng.standard_normal((8, r1)) @ rng.standard_normal((r1, 8))
        F2 = rng.standard_normal((8, r2)) @ rng.standard_normal((r2, 8))
        assert ld.numerical_rank(F1 @ F2) == min(r1, r2)


def test_rank_nullity(rng):
    """claim linalg.rank-nullity: rank + null-space dimension = d_in; null rows are orthonormal and annihilated."""
    for d_in, d_out, r in [(5, 3, 3), (6, 4, 2), (4, 7, 4), (8, 8, 5)]:
        W = rng.standard_normal((d_in, r)) @ rng.standard_normal((r, d_out))
        N = ld.null_space(W)
        assert ld.numerical_rank(W) == r
        assert N.shape == (d_in - r, d_in)
        np.testing.assert_allclose(N @ W, 0.0, atol=1e-12 * np.abs(W).max())
        np.testing.assert_allclose(N @ N.T, np.eye(d_in - r), atol=1e-12)


def test_null_space_exact_values():
    """claim linalg.rank-nullity: the null space of x -> x [1, 1]^T is spanned by (-1, 1)/sqrt 2."""
    np.testing.assert_allclose(ld.null_space(np.array([[1.0], [1.0]])), [[-np.sqrt(0.5), np.sqrt(0.5)]], rtol=1e-14)


def test_numerical_rank_threshold_is_max_dim_times_eps():
    """claim linalg.rank-nullity: a singular value just above max(m, n) eps sigma_1 counts, just below does not."""
    assert ld.numerical_rank(np.diag([1.0, 1.0005 * 2 * EPS])) == 2
    assert ld.numerical_rank(np.diag([1.0, 0.9995 * 2 * EPS])) == 1
    assert ld.numerical_rank(np.diag([1.0, 1e-3]), rtol=1e-2) == 1
    assert ld.numerical_rank(np.diag([1.0, 1.0005e-3]), rtol=1e-3) == 2  # an explicit rtol is used as given
    assert ld.numerical_rank(np.zeros((3, 2))) == 0


def test_affine_xor():
    """claim linalg.affine-xor: f(0,0) + f(1,1) = f(1,0) + f(0,1); the best affine fit to XOR is 1/2 everywhere."""
    w1, w2, b = sp.symbols("w_1 w_2 b", real=True)
    derive(sp.Add(b, w1 + w2 + b, -(w1 + b), -(w2 + b), evaluate=False), (sp.Integer(0), "cancel"))
    X = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    np.testing.assert_allclose(X @ ld.lstsq_qr(X, y), 0.5, rtol=1e-14)


# ----------------------------------------------------------------------------------- orthogonal and QR

def test_householder_is_an_orthogonal_reflection(rng):
    """claim linalg.orthogonal-isometry: H^T H = I, H v = -v, H x = x for x orthogonal to v, ||x H|| = ||x||."""
    v = rng.standard_normal(4)
    H = ld.householder(v)
    np.testing.assert_allclose(H.T @ H, np.eye(4), atol=1e-14)
    np.testing.assert_allclose(H @ v, -v, rtol=1e-13)
    x = rng.standard_normal(4)
    x_perp = x - (x @ v) / (v @ v) * v
    np.testing.assert_allclose(H @ x_perp, x_perp, rtol=1e-12, atol=1e-14)
    assert np.linalg.norm(x @ H) == pytest.approx(np.linalg.norm(x), rel=1e-13)
    np.testing.assert_array_equal(ld.householder(np.array([2.0, 0.0])), [[-1.0, 0.0], [0.0, 1.0]])


def test_householder_orthogonal_proved_for_r3():
    """claim linalg.orthogonal-isometry, the instance v in R^3."""
    v1, v2, v3 = sp.symbols("v_1 v_2 v_3", real=True)
    v = sp.Matrix([v1, v2, v3])
    vv = v1**2 + v2**2 + v3**2
    H = sp.eye(3) - 2 * v * v.T / vv
    derive(H.T * H, (sp.eye(3), "simplify", "simplify"), domain=[("v ≠ 0", vv > 0)], instance="v in R^3")


def test_householder_qr_single_column_agrees_with_sympy():
    """claim linalg.householder-qr: Q = (a, b)/sqrt(a^2 + b^2), R = sqrt(a^2 + b^2)."""
    a, b = sp.symbols("a b", real=True)
    n = sp.sqrt(a**2 + b**2)
    agree(sp.Matrix([a / n, b / n, n]),
          lambda a, b: np.concatenate([M.ravel() for M in ld.householder_qr(np.array([[a], [b]]))]), [a, b],
          claim="linalg.householder-qr")


@pytest.mark.parametrize("shape", [(6, 6), (50, 20), (7, 1)])
def test_householder_qr_properties_and_lapack(rng, shape):
    """claim linalg.householder-qr: A = QR, Q^T Q = I, R upper triangular with a non-negative diagonal, = LAPACK."""
    A = rng.standard_normal(shape)
    Q, R = ld.householder_qr(A)
    n = shape[1]
    assert Q.shape == shape and R.shape == (n, n)
    np.testing.assert_allclose(Q @ R, A, atol=1e-13 * np.abs(A).max())
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-13)
    np.testing.assert_array_equal(np.tril(R, -1), 0.0)
    assert np.all(np.diag(R) >= 0)
    Ql, Rl = np.linalg.qr(A)
    s = np.sign(np.diag(Rl))
    np.testing.assert_allclose(Q, Ql * s, atol=1e-12)
    np.testing.assert_allclose(R, Rl * s[:, None], atol=1e-12)


def test_householder_qr_handles_a_zero_column():
    Q, R = ld.householder_qr(np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 0.0]]))
    np.testing.assert_allclose(Q @ R, [[0.0, 1.0], [0.0, 1.0], [0.0, 0.0]], atol=1e-15)


def test_lstsq_qr_agrees_with_normal_equations_symbolically():
    """claim linalg.qr-least-squares: W = (X^T X)^-1 X^T Y."""
    X, Y = sym_matrix("x", 3, 2), sym_matrix("y", 3, 1)
    agree((X.T * X).inv() * X.T * Y, ld.lstsq_qr, [X, Y], rtol=1e-8, claim="linalg.qr-least-squares")


def test_lstsq_qr_is_more_accurate_than_normal_equations(rng):
    """claim linalg.qr-least-squares: on a degree-12 Vandermonde system (kappa ~ 1e8) QR loses far fewer digits."""
    X = np.vander(np.linspace(0, 1, 100), 12, increasing=True)
    W = rng.standard_normal((12, 2))
    Y = X @ W
    err_qr = np.linalg.norm(ld.lstsq_qr(X, Y) - W) / np.linalg.norm(W)
    err_ne = np.linalg.norm(np.linalg.solve(X.T @ X, X.T @ Y) - W) / np.linalg.norm(W)
    assert err_qr < 1e-6 < err_ne
    assert err_qr < 100 * ld.condition_number(X) * EPS


def test_lstsq_qr_exact_small_case():
    np.testing.assert_array_equal(ld.lstsq_qr(np.array([[1.0], [1.0]]), np.array([[1.0], [3.0]])), [[2.0]])


# -------------------------------------------------------------------------------------- condition number

def test_condition_number_values(rng):
    """claim linalg.condition-number: kappa = sigma_max / sigma_min, inf when singular, kappa(X^T X) = kappa(X)^2."""
    assert ld.condition_number(np.diag([4.0, 0.5])) == 8.0
    assert ld.condition_number(np.diag([3.0, 0.0])) == float("inf")
    assert ld.condition_number(np.eye(3)) == 1.0
    X = rng.standard_normal((10, 3)) * [1.0, 3.0, 10.0]
    assert ld.condition_number(X.T @ X) == pytest.approx(ld.condition_number(X) ** 2, rel=1e-12)


def test_condition_number_bound_is_attained(rng):
    """claim linalg.condition-number: ||dx||/||x|| <= kappa ||db||/||b||, equality along the singular vectors."""
    A = rng.standard_normal((5, 5))
    kappa = ld.condition_number(A)
    U = np.linalg.svd(A)[0]

    def amp(b, db):
        x = np.linalg.solve(A, b)
        dx = np.linalg.solve(A, b + db) - x
        return (np.linalg.norm(dx) / np.linalg.norm(x)) / (np.linalg.norm(db) / np.linalg.norm(b))

    assert all(amp(rng.standard_normal(5), 1e-7 * rng.standard_normal(5)) <= kappa * (1 + 1e-6) for _ in range(300))
    assert amp(U[:, 0], 1e-7 * U[:, -1]) == pytest.approx(kappa, rel=1e-6)


def test_condition_sum_identity_proved():
    """claim linalg.condition-number: ||db||^2/sigma_d^2 - ||dx||^2 = sum_i c_i^2 (1/sigma_d^2 - 1/sigma_i^2)."""
    i, d = sp.Symbol("i", integer=True, positive=True), sp.Symbol("d", integer=True, positive=True)
    c, s = sp.IndexedBase("c", real=True), sp.IndexedBase("sigma", positive=True)
    derive(sp.Sum(c[i]**2, (i, 1, d)) / s[d]**2 - sp.Sum(c[i]**2 / s[i]**2, (i, 1, d)),
           (sp.Sum(c[i]**2 * (1 / s[d]**2 - 1 / s[i]**2), (i, 1, d)), "one sum", "linearity_of_sums"))


# ------------------------------------------------------------------------------------ PCA, Eckart--Young

def test_pca_matches_covariance_eigendecomposition(rng):
    """claim linalg.pca-svd: components are covariance eigenvectors with eigenvalues sigma_i^2 / (n - 1)."""
    X = rng.standard_normal((40, 6)) @ rng.standard_normal((6, 6)) + 3.0
    comps, var, mean = ld.pca(X, 3)
    C = np.cov(X, rowvar=False)
    np.testing.assert_allclose(var, np.linalg.eigvalsh(C)[::-1][:3], rtol=1e-12)
    np.testing.assert_allclose(C @ comps.T, comps.T * var, atol=1e-12 * var[0])
    np.testing.assert_allclose(comps @ comps.T, np.eye(3), atol=1e-13)
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-14)
    assert np.all(comps[np.arange(3), np.argmax(np.abs(comps), axis=1)] > 0)


def test_pca_exact_values():
    comps, var, mean = ld.pca(np.array([[0.0, 0.0], [2.0, 0.0]]), 1)
    np.testing.assert_allclose(comps, [[1.0, 0.0]], atol=1e-15)
    assert var[0] == pytest.approx(2.0, rel=1e-14)
    np.testing.assert_array_equal(mean, [1.0, 0.0])


def test_eckart_young_error_is_the_tail_sum():
    """claim linalg.eckart-young: ||A - A_k||_F^2 = sigma_2^2 + sigma_3^2 for k = 1."""
    rng = np.random.default_rng(11)
    U, _ = np.linalg.qr(rng.standard_normal((5, 3)))
    V, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    s1, s2, s3 = sp.symbols("sigma_1 sigma_2 sigma_3", positive=True)

    def err(a, b, c):
        A = (U * [a, b, c]) @ V.T
        return np.linalg.norm(A - ld.best_rank_k(A, 1)) ** 2

    agree(s2**2 + s3**2, err, [s1, s2, s3], domain={0: (3.0, 4.0), 1: (1.5, 2.5), 2: (0.1, 1.0)},
          claim="linalg.eckart-young")


def test_eckart_young_no_competitor_wins(rng):
    """claim linalg.eckart-young: random rank-k candidates (best in one factor) never beat the truncated SVD."""
    A, k = rng.standard_normal((12, 8)), 2
    best = np.linalg.norm(A - ld.best_rank_k(A, k)) ** 2
    for _ in range(200):
        P = rng.standard_normal((12, k))
        assert np.linalg.norm(A - P @ np.linalg.lstsq(P, A, rcond=None)[0]) ** 2 >= best * (1 - 1e-12)
    np.testing.assert_array_equal(ld.best_rank_k(np.diag([3.0, 1.0]), 1), [[3.0, 0.0], [0.0, 0.0]])
    assert ld.numerical_rank(ld.best_rank_k(A, k)) == k


# ------------------------------------------------------------------------------ vec, Kronecker, einsum, layout

def test_vec_kronecker_identity(rng):
    """claim linalg.vec-kronecker: vec(AXB) = (B^T kron A) vec X, SymPy instance and numpy."""
    A, X, B = sym_matrix("a", 2, 2), sym_matrix("x", 2, 3), sym_matrix("b", 3, 2)
    agree(sp.kronecker_product(B.T, A) * vec_sym(X), lambda A, X, B: ld.vec(A @ X @ B), [A, X, B],
          claim="linalg.vec-kronecker")
    An, Xn, Bn = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal((2, 5))
    np.testing.assert_allclose(ld.vec(An @ Xn @ Bn), np.kron(Bn.T, An) @ ld.vec(Xn), rtol=1e-12, atol=1e-14)


def test_vec_unvec_exact_and_inverse(rng):
    """claim linalg.vec-kronecker: vec stacks columns; unvec undoes it."""
    np.testing.assert_array_equal(ld.vec(np.array([[1.0, 2.0], [3.0, 4.0]])), [1.0, 3.0, 2.0, 4.0])
    np.testing.assert_array_equal(ld.unvec(np.array([1.0, 3.0, 2.0, 4.0]), (2, 2)), [[1.0, 2.0], [3.0, 4.0]])
    M = rng.standard_normal((3, 5))
    np.testing.assert_array_equal(ld.unvec(ld.vec(M), (3, 5)), M)


def test_dense_jacobian_layout(rng):
    """claim linalg.layout: J = I kron X (numerator layout); J^T vec(G) = vec(X^T G) is the VJP of dense."""
    X = sym_matrix("x", 3, 2)
    agree(sp.kronecker_product(sp.eye(2), X), lambda X: ld.dense_jacobian(X, 2), [X], claim="linalg.layout")
    Xn, Wn, G = rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    J = ld.dense_jacobian(Xn, 2)
    assert J.shape == (4 * 2, 3 * 2)
    gradcheck(lambda W: linalg.dense(Xn, W), lambda u, W: ld.unvec(J.T @ ld.vec(u), W.shape), [Wn],
              claim="linalg.layout")
    np.testing.assert_allclose(ld.unvec(J.T @ ld.vec(G), (3, 2)), Xn.T @ G, rtol=1e-13)
    np.testing.assert_allclose(J @ ld.vec(Wn), ld.vec(Xn @ Wn), rtol=1e-13)


def test_jacobian_proved_for_an_instance():
    """claim linalg.layout: SymPy's entrywise Jacobian of vec(XW) is I kron X."""
    X, W = sym_matrix("x", 3, 2), sym_matrix("w", 2, 2)
    derive(vec_sym(X * W).jacobian(vec_sym(W)),
           (sp.KroneckerProduct(sp.ImmutableMatrix(sp.eye(2)), sp.ImmutableMatrix(X)), "entrywise"),
           instance="X 3 x 2")


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]), ("ii->", [(3, 3)]),
    ("i,j->ij", [(2,), (3,)]), ("bi,ij,bj->b", [(5, 3), (3, 4), (5, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 4, 6, 8), (2, 4, 7, 8)]), ("ij->ji", [(2, 7)]),
])
def test_einsum_shape_matches_numpy(rng, spec, shapes):
    """claim linalg.einsum-shapes: einsum_shape equals the shape np.einsum returns."""
    expected = np.einsum(spec, *(rng.standard_normal(s) for s in shapes)).shape
    got = ld.einsum_shape(spec, *shapes)
    assert got == expected
    assert all(isinstance(v, int) for v in got)


# ------------------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("call, message", [
    (lambda: ld.collapse_linear(np.ones((2, 3)), np.ones(3), np.ones((2, 2)), np.ones(2)), "must chain"),
    (lambda: ld.collapse_linear(np.ones((2, 3)), np.ones(2), np.ones((3, 2)), np.ones(2)), "b1 must be"),
    (lambda: ld.numerical_rank(np.ones((2, 2)), rtol=2.0), "rtol"),
    (lambda: ld.numerical_rank(np.ones(3)), "2-D"),
    (lambda: ld.householder(np.zeros(3)), "non-zero"),
    (lambda: ld.householder_qr(np.ones((2, 3))), "at least as many rows"),
    (lambda: ld.lstsq_qr(np.ones((3, 2)), np.ones((4, 1))), "same number of rows"),
    (lambda: ld.lstsq_qr(np.ones((3, 2)), np.ones((3, 1))), "rank-deficient"),
    (lambda: ld.lstsq_qr(np.ones((3, 2)), np.ones(3)), "y\\[:, None\\]"),
    (lambda: ld.condition_number(np.ones((0, 2))), "non-empty"),
    (lambda: ld.best_rank_k(np.ones((2, 3)), 3), "at most min"),
    (lambda: ld.best_rank_k(np.ones((2, 3)), 0), "positive int"),
    (lambda: ld.pca(np.ones((1, 3)), 1), "at least 2 rows"),
    (lambda: ld.pca(np.ones((4, 3)), 4), "at most min"),
    (lambda: ld.unvec(np.ones(5), (2, 2)), "needs 4"),
    (lambda: ld.unvec(np.ones(4), [2, 2]), "pair"),
    (lambda: ld.dense_jacobian(np.ones((2, 2)), 0), "positive int"),
    (lambda: ld.einsum_shape("ij,jk", (2, 3), (3, 4)), "explicit"),
    (lambda: ld.einsum_shape("ij,jk->ik", (2, 3)), "2 operands"),
    (lambda: ld.einsum_shape("ij,jk->ik", (2, 3), (4, 5)), "bound to sizes 3 and 4"),
    (lambda: ld.einsum_shape("ij->iz", (2, 3)), "distinct letters"),
    (lambda: ld.einsum_shape("ij->i", (2, 3, 4)), "has 2 indices"),
    (lambda: ld.einsum_shape("i1->i", (2, 3)), "only letters"),
    (lambda: ld.householder_qr(np.array([[np.nan], [1.0]])), "NaN"),
])
def test_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()

"""Tests of the chapter "Convolutional networks": mathdl.convolution, convolution_fourier, convolution_scattering
and convolution_network. Each claim id of mathdl.convolution.CLAIMS is re-checked here (the engine ops' VJPs in
tests/test_autodiff_convolution.py as well).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import convolution as cv
from mathdl import convolution_fourier as cf
from mathdl import convolution_network as cn
from mathdl import convolution_scattering as cs
from mathdl.autodiff.convolution import conv2d, conv2d_forward, conv2d_forward_vjp, pool2d_max
from mathdl.data import digits
from mathdl.verify import agree, derive, exact

#: Two float64 computations of the same sum in different orders.
EXACT_RTOL = 1e-12
#: FFT-based results against direct sums (rounding of O(n log n) operations).
FFT_ATOL = 1e-10


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261201)


def _close(a, b, tol=EXACT_RTOL) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and float(np.max(np.abs(a - b), initial=0.0)) <= tol * max(1.0, float(np.max(np.abs(b),
                                                                                                          initial=0.0)))


# ------------------------------------------------------------------------------- convolution.flip

def test_flip_symbolic_and_numeric(rng):
    """convolution.flip: convolution = correlation with the flipped kernel; mathdl vs the SymPy sum and numpy."""
    i, a, b = sp.symbols("i a b", integer=True, nonnegative=True)
    x, w = sp.IndexedBase("x"), sp.IndexedBase("w")
    derive(sp.Sum(w[a] * x[i + 2 - a], (a, 0, 2)), (sp.Sum(w[2 - b] * x[i + b], (b, 0, 2)), "a = 2 − b", "doit"),
           instance="k = 3", claim="convolution.flip")
    xs, ws = sp.Matrix(sp.symbols("x0:6", real=True)), sp.Matrix(sp.symbols("w0:3", real=True))
    expected = sp.Matrix([sum(ws[q] * xs[r + 2 - q] for q in range(3)) for r in range(4)])
    agree(expected, lambda X, W: cv.convolve1d(X.ravel(), W.ravel()), [xs, ws], claim="convolution.flip")
    X, W = rng.standard_normal(9), rng.standard_normal(4)
    assert _close(cv.convolve1d(X, W), np.convolve(X, W, "valid"))
    assert _close(cv.convolve1d(X, W), cv.correlate1d(X, W[::-1]))
    assert _close(cv.correlate1d(X, W), np.correlate(X, W, "valid"))


@given(st.integers(3, 12), st.integers(1, 3))
@settings(max_examples=25, deadline=None)
def test_flip_property(n, k):
    rng = np.random.default_rng(n * 7 + k)
    X, W = rng.standard_normal(n), rng.standard_normal(k)
    assert _close(cv.convolve1d(X, W), cv.correlate1d(X, W[::-1]))


# ------------------------------------------------------------------------------- matrices

def test_toeplitz(rng):
    """convolution.toeplitz: T x is the zero-padded correlation; T is constant along diagonals."""
    w, x = rng.standard_normal(3), rng.standard_normal(7)
    for p in (0, 1, 2):
        T = cv.toeplitz_matrix(w, 7, p)
        assert _close(T @ x, cv.zero_padded_correlate(x, w, p))
        assert _close(T @ x, np.correlate(np.pad(x, p), w, "valid"))
    T = cv.toeplitz_matrix([1.0, 2.0, 3.0], 5, 1)
    assert all(len(set(np.diagonal(T, d).tolist())) == 1 for d in range(-4, 5))
    exact(tuple(cv.toeplitz_matrix([1, 2, 3], 4, 1).astype(int).ravel().tolist()),
          (2, 3, 0, 0, 1, 2, 3, 0, 0, 1, 2, 3, 0, 0, 1, 2), claim="convolution.toeplitz",
          statement="Toeplitz matrix entries", instance="w = (1, 2, 3), n = 4, p = 1")


def test_conv2d_matrix_is_doubly_block_toeplitz(rng):
    """convolution.toeplitz (2-D): the conv matrix acting on a flattened image equals conv2d."""
    w, x = rng.standard_normal((2, 1, 3, 3)), rng.standard_normal((1, 1, 5, 4))
    K = cv.conv2d_matrix(w, (1, 5, 4), padding=1)
    assert _close(K @ x.ravel(), conv2d_forward(x, w, padding=1).ravel())
    K1 = cv.conv2d_matrix(np.arange(1.0, 5.0).reshape(1, 1, 2, 2), (1, 3, 3))
    assert K1.tolist() == [[1, 2, 0, 3, 4, 0, 0, 0, 0], [0, 1, 2, 0, 3, 4, 0, 0, 0],
                           [0, 0, 0, 1, 2, 0, 3, 4, 0], [0, 0, 0, 0, 1, 2, 0, 3, 4]]


def test_circulant(rng):
    """convolution.circulant: C x is circular convolution, by three routes."""
    w, x = rng.standard_normal(3), rng.standard_normal(8)
    C = cv.circulant_matrix(w, 8)
    assert _close(C @ x, cv.circular_convolve(x, w))
    assert _close(C[1:], np.roll(C, 1, axis=1)[:-1]) and _close(C[1], np.roll(C[0], 1))
    direct = np.array([sum(w[j] * x[(i - j) % 8] for j in range(3)) for i in range(8)])
    assert _close(cv.circular_convolve(x, w), direct)


# ------------------------------------------------------------------------------- sizes and counts

def test_output_size_matches_conv2d(rng):
    """convolution.output-size: the formula equals the shapes conv2d produces."""
    got, expected = [], []
    for n, k, s, p, d in [(8, 3, 1, 1, 1), (9, 3, 2, 0, 1), (10, 2, 3, 1, 2), (7, 3, 1, 0, 3), (32, 3, 2, 1, 1)]:
        y = conv2d_forward(np.zeros((1, 1, n, n)), np.zeros((1, 1, k, k)), s, p, d)
        got.append(y.shape[2])
        expected.append(cv.output_size(n, k, s, p, d))
    exact(tuple(got), tuple(expected), claim="convolution.output-size", statement="conv2d heights",
          instance="five settings")
    assert cv.output_size(32, 3, 2, 1) == 16 and cv.output_size(8, 3, 1, 0, 2) == 4 and cv.output_size(5, 5) == 1


def test_receptive_field():
    """convolution.receptive-field: the formula, dilation doubling 2^{L+1} - 1, and the support of a gradient."""
    L = sp.Symbol("L", integer=True, positive=True)
    l_ = sp.Symbol("l", integer=True, nonnegative=True)
    derive(1 + sp.Sum(2 * 2**l_, (l_, 0, L - 1)), (2**(L + 1) - 1, "geometric sum", "doit"),
           claim="convolution.receptive-field")
    for depth in range(1, 7):
        assert cv.receptive_field([3] * depth, dilations=[2**j for j in range(depth)]) == 2**(depth + 1) - 1
    assert cv.receptive_field([3, 3, 3]) == 7
    assert cv.receptive_field([3, 2, 3], strides=[1, 2, 1]) == 1 + 2 + 1 + 4
    # support of d y_centre / d x through a stack of dilated 1-D convolutions equals the formula
    x = np.zeros((1, 1, 1, 41))
    ys = x
    for d in (1, 2, 4):
        ys = conv2d_forward(ys, np.ones((1, 1, 1, 3)), 1, 0, d)
    g = np.zeros_like(ys)
    g[0, 0, 0, ys.shape[3] // 2] = 1.0
    for d in (4, 2, 1):
        shp = list(g.shape)
        shp[3] = shp[3] + 2 * d
        g = conv2d_forward_vjp(g, None, np.zeros(shp), np.ones((1, 1, 1, 3)), (True, False), 1, 0, d)[0]
    assert int(np.count_nonzero(g)) == cv.receptive_field([3, 3, 3], dilations=[1, 2, 4]) == 15


def test_parameter_counts():
    """convolution.parameter-count: c_out (c_in k^2 + 1) against a dense layer between the same tensors."""
    exact((cv.conv_parameters(3, 16, 3), cv.conv_parameters(16, 32, 3), cv.dense_parameters(64, 10)),
          (448, 4640, 650), claim="convolution.parameter-count", statement="parameter counts",
          instance="3→16, 16→32 (3×3), 64→10 dense")
    assert cv.conv_parameters(3, 16, 3, bias=False) == 432
    assert cv.dense_parameters(3 * 32 * 32, 16 * 32 * 32) == 16 * 32 * 32 * (3 * 32 * 32 + 1)
    assert cn.count_parameters(cn.cnn_init()) == cv.conv_parameters(1, 8, 3) + cv.conv_parameters(8, 16, 3) + \
        cv.dense_parameters(64, 10) == 1898


# ------------------------------------------------------------------------------- Fourier

def test_convolution_theorem(rng):
    """convolution.convolution-theorem: SymPy at n = 3 with roots of unity; FFT convolution = direct sum."""
    n = 3
    xs, ws = sp.symbols("x0:3", real=True), sp.symbols("w0:3", real=True)
    om = lambda e: sp.exp(-2 * sp.pi * sp.I * e / n)                                 # noqa: E731
    conv = [sum(ws[j] * xs[(m - j) % n] for j in range(n)) for m in range(n)]
    derive(sp.Matrix([sum(conv[m] * om(k * m) for m in range(n)) for k in range(n)]),
           (sp.Matrix([sum(ws[j] * om(k * j) for j in range(n)) * sum(xs[m] * om(k * m) for m in range(n))
                       for k in range(n)]), "factor the double sum", "expand"),
           instance="n = 3", claim="convolution.convolution-theorem")
    x, w = rng.standard_normal(16), rng.standard_normal(5)
    assert _close(cf.fft_circular_convolve(x, w), cv.circular_convolve(x, w), FFT_ATOL)
    assert _close(np.fft.fft(cv.circular_convolve(x, w)), np.fft.fft(x) * np.fft.fft(w, 16), FFT_ATOL)
    assert _close(cf.fft_convolve(x, w), np.convolve(x, w), FFT_ATOL)


def test_circulant_diagonalized(rng):
    """convolution.circulant-diagonalized: F C F^{-1} = diag(F w)."""
    N = 4
    c = sp.symbols("c0:4", real=True)
    C = sp.Matrix(N, N, lambda i, m: c[(i - m) % N])
    F = sp.Matrix(N, N, lambda k, m: sp.exp(-2 * sp.pi * sp.I * k * m / N))
    derive(sp.MatMul(F, C, F.inv(), evaluate=False), (sp.diag(*(F * sp.Matrix(c))), "F C F⁻¹ = diag(F w)", "simplify"),
           instance="n = 4", claim="convolution.circulant-diagonalized")
    w = rng.standard_normal(6)
    Fn = cf.dft_matrix(6)
    assert _close(Fn, np.fft.fft(np.eye(6), axis=0))
    D = Fn @ cv.circulant_matrix(w, 6) @ np.linalg.inv(Fn)
    assert _close(np.abs(D - np.diag(np.diag(D))), np.zeros((6, 6)), 1e-10)
    assert _close(np.diag(D).real, np.fft.fft(w).real, 1e-10)


def test_fft_costs():
    """convolution.fft-crossover: the counted costs and their crossover."""
    exact((cf.conv_cost_direct(1024, 3), cf.conv_cost_fft(1024, 3), cf.cost_crossover(1024)),
          (3072, 6 * 2048 * 11 + 4 * 2048, 141), claim="convolution.fft-crossover",
          statement="multiplication counts and crossover", instance="n = 1024")
    k = cf.cost_crossover(256)
    assert cf.conv_cost_fft(256, k) < cf.conv_cost_direct(256, k) and \
        cf.conv_cost_fft(256, k - 1) >= cf.conv_cost_direct(256, k - 1)
    direct, fft = cf.time_crossover(64, [2, 4], repeats=1)
    assert direct.shape == fft.shape == (2,) and np.all(direct > 0) and np.all(fft > 0)


def test_fourier_modulus_invariance(rng):
    """convolution.fourier-modulus-invariance: |DFT(T_s x)| = |DFT x| (SymPy at n = 4, and numerically)."""
    xs = sp.symbols("x0:4", real=True)
    F = sp.Matrix(4, 4, lambda k, m: sp.exp(-2 * sp.pi * sp.I * k * m / 4))
    shifted = sp.Matrix([xs[(m - 1) % 4] for m in range(4)])
    derive(sp.MatMul(F, shifted, evaluate=False),
           (sp.MatMul(sp.diag(*[sp.exp(-2 * sp.pi * sp.I * k / 4) for k in range(4)]), F, sp.Matrix(xs),
                      evaluate=False), "reindex m → m + 1"), instance="n = 4, s = 1",
           claim="convolution.fourier-modulus-invariance")
    x = rng.standard_normal(32)
    for s in (1, 5, 17):
        assert _close(cf.fourier_modulus(cv.shift(x, s)), cf.fourier_modulus(x), 1e-12)
    assert _close(cf.fourier_modulus([1.0, 0.0, 0.0, 0.0]), np.ones(4))


def test_parseval(rng):
    """convolution.parseval: sum |x|^2 = (1/n) sum |X|^2."""
    xs = sp.symbols("x0:4", real=True)
    X = [sum(xs[m] * sp.exp(-2 * sp.pi * sp.I * k * m / 4) for m in range(4)) for k in range(4)]
    derive(sp.Rational(1, 4) * sum(Xk * sp.conjugate(Xk) for Xk in X), (sum(v**2 for v in xs), "cross terms cancel",
                                                                         "expand"),
           instance="n = 4", claim="convolution.parseval")
    x = rng.standard_normal(50)
    assert np.isclose(np.sum(x**2), np.sum(cf.fourier_modulus(x) ** 2) / 50, rtol=1e-12)


# ------------------------------------------------------------------------------- equivariance

def test_translation_equivariance(rng):
    """convolution.translation-equivariance: circular convolution commutes with circular shifts."""
    c = sp.symbols("c0:4", real=True)
    v = sp.Matrix(sp.symbols("v0:4", real=True))
    C = sp.Matrix(4, 4, lambda i, m: c[(i - m) % 4])
    P = sp.Matrix(4, 4, lambda i, m: 1 if (i - m) % 4 == 1 else 0)
    derive(sp.MatMul(C, P, v, evaluate=False), (sp.MatMul(P, C, v, evaluate=False), "C P = P C"),
           instance="n = 4", claim="convolution.translation-equivariance")
    x, w = rng.standard_normal(20), rng.standard_normal(5)
    for s in (1, 3, -7):
        assert _close(cv.circular_convolve(cv.shift(x, s), w), cv.shift(cv.circular_convolve(x, w), s))
    img = rng.standard_normal((3, 9, 9))
    assert _close(cv.shift(img, (2, -1))[0], np.roll(img[0], (2, -1), axis=(0, 1)))


def test_border_effects():
    """convolution.border-effects: zero-padded correlation is equivariant except within reach of the border."""
    x = np.arange(1.0, 13.0)
    w = np.array([1.0, -2.0, 1.0])
    y, ys = cv.zero_padded_correlate(x, w, 1), cv.zero_padded_correlate(np.r_[0.0, x[:-1]], w, 1)
    exact(tuple(np.flatnonzero(ys != np.r_[0.0, y[:-1]]).tolist()), (0, 11), claim="convolution.border-effects",
          statement="positions where shift and padded correlation disagree", instance="n = 12, ramp, Laplacian")


def test_nonlinearity_and_pooling(rng):
    """convolution.nonlinearity-equivariance and convolution.pooling-invariance."""
    x, w = rng.standard_normal(16), rng.standard_normal(3)
    relu = lambda z: np.maximum(z, 0.0)                                               # noqa: E731
    assert _close(relu(cv.circular_convolve(cv.shift(x, 3), w)), cv.shift(relu(cv.circular_convolve(x, w)), 3))
    z = np.arange(-3, 3)
    exact(tuple(relu(cv.shift(z, 2)).astype(int).tolist()), tuple(cv.shift(relu(z), 2).astype(int).tolist()),
          claim="convolution.nonlinearity-equivariance", statement="ReLU(T x) = T ReLU(x)", instance="x = (-3..2)")
    img = np.zeros((1, 1, 8, 8))
    img[0, 0, 2, 2] = 1.0
    moved = np.roll(img, 1, axis=3)
    assert np.array_equal(pool2d_max(img), pool2d_max(moved))                         # inside one window
    moved2 = np.roll(img, 2, axis=3)
    assert not np.array_equal(pool2d_max(img), pool2d_max(moved2))
    assert np.array_equal(np.roll(pool2d_max(img), 1, axis=3), pool2d_max(moved2))   # stride-2 shift: equivariant
    exact(int(np.array_equal(pool2d_max(np.roll(img, 1, axis=3)), np.roll(pool2d_max(img), 1, axis=3))), 0,
          claim="convolution.pooling-invariance", statement="strided pooling commutes with a 1-pixel shift",
          instance="one bright pixel at (2, 2)")


def test_p4_equivariance(rng):
    """convolution.p4-equivariance: lift(R x)_r = R lift(x)_{r-1}, exactly on integer images."""
    x = rng.integers(-5, 6, (7, 7)).astype(float)
    w = rng.integers(-3, 4, (3, 3)).astype(float)
    y, yr = cv.lifting_correlation(x, w), cv.lifting_correlation(np.rot90(x), w)
    expected = np.stack([np.rot90(y[(r - 1) % 4]) for r in range(4)])
    exact(tuple(yr.astype(int).ravel().tolist()), tuple(expected.astype(int).ravel().tolist()),
          claim="convolution.p4-equivariance", statement="lifted maps of the rotated image", instance="7×7, 3×3")
    assert np.array_equal(yr, expected)
    for r in range(4):                                                               # each map, by the definition
        assert np.array_equal(y[r], cv.conv2d_naive(x[None, None], np.rot90(w, r)[None, None].copy())[0, 0])
    assert not np.array_equal(cv.lifting_correlation(np.rot90(x), w)[0], np.rot90(y[0]))   # the plain map is not


# ------------------------------------------------------------------------------- backward pass

def test_vjp_formulas(rng):
    """convolution.vjp-input-flipped and convolution.vjp-kernel-correlation: SymPy, then mathdl's VJP."""
    n, k = 5, 3
    xs, ws, gs = sp.symbols("x0:5", real=True), sp.symbols("w0:3", real=True), sp.symbols("g0:3", real=True)
    Lsym = sum(gs[i] * sum(ws[a] * xs[i + a] for a in range(k)) for i in range(n - k + 1))
    gpad = lambda j: gs[j] if 0 <= j < 3 else 0                                       # noqa: E731
    derive(sp.Matrix([sp.Derivative(Lsym, v) for v in xs]),
           (sp.Matrix([sum(ws[a] * gpad(m - a) for a in range(k)) for m in range(n)]), "∂yᵢ/∂xₘ = wₘ₋ᵢ", "doit"),
           instance="n = 5, k = 3", claim="convolution.vjp-input-flipped")
    derive(sp.Matrix([sp.Derivative(Lsym, v) for v in ws]),
           (sp.Matrix([sum(gs[i] * xs[i + a] for i in range(3)) for a in range(k)]), "∂yᵢ/∂wₐ = xᵢ₊ₐ", "doit"),
           instance="n = 5, k = 3", claim="convolution.vjp-kernel-correlation")
    x, w = rng.standard_normal((1, 1, 1, 9)), rng.standard_normal((1, 1, 1, 3))
    g = rng.standard_normal((1, 1, 1, 7))
    gx, gw = conv2d_forward_vjp(g, None, x, w)
    assert _close(gx.ravel(), np.convolve(g.ravel(), w.ravel(), "full"))              # full conv = flipped corr
    assert _close(gx.ravel(), cv.correlate1d(np.pad(g.ravel(), 2), w.ravel()[::-1]))
    assert _close(gw.ravel(), cv.correlate1d(x.ravel(), g.ravel()))


def test_adjoint(rng):
    """convolution.adjoint: <Kx, y> = <x, K^T y> and K^T y is conv2d's input VJP."""
    w = rng.standard_normal((2, 3, 3, 3))
    x, y = rng.standard_normal((1, 3, 6, 5)), rng.standard_normal((1, 2, 3, 3))
    K = cv.conv2d_matrix(w, (3, 6, 5), stride=2, padding=1)
    assert np.isclose(np.dot(K @ x.ravel(), y.ravel()), np.dot(x.ravel(), K.T @ y.ravel()), rtol=1e-12)
    gx = conv2d_forward_vjp(y, None, x, w, (True, False), 2, 1, 1)[0]
    assert _close(gx.ravel(), K.T @ y.ravel())


def test_checkerboard():
    """convolution.checkerboard: uneven overlap when k mod s != 0, even when s divides k."""
    exact(tuple(cv.transposed_overlap(4, 3, 2).tolist()), (1, 1, 2, 1, 2, 1, 2, 1, 1), claim="convolution.checkerboard",
          statement="overlap counts", instance="n = 4, k = 3, s = 2")
    for k, s in [(3, 2), (5, 2), (4, 3), (5, 3)]:
        c = cv.transposed_overlap(8, k, s)[k:-k]
        assert set(c.tolist()) == {k // s, -(-k // s)}
    for k, s in [(4, 2), (6, 3), (2, 2)]:
        assert set(cv.transposed_overlap(8, k, s)[k:-k].tolist()) == {k // s}


# ------------------------------------------------------------------------------- scattering

def test_littlewood_paley():
    """convolution.littlewood-paley: A(omega) <= 1 with max 1; positive frequencies up to xi_0 are covered."""
    bank = cs.filter_bank(256, 5)
    A = cs.littlewood_paley(bank)
    assert abs(A.max() - 1.0) < 1e-12
    omega = 2 * np.pi * np.fft.fftfreq(256)
    assert A[(omega >= 0) & (omega <= bank.xi[0])].min() > 0.3
    assert np.allclose(bank.xi, 0.75 * np.pi / 2.0 ** np.arange(5))
    assert np.all(bank.psi >= 0) and bank.phi[0] > 0


def test_wavelet_nonexpansive(rng):
    """convolution.wavelet-nonexpansive: ||Ux - Uy|| <= ||x - y||, and ||Ux|| <= ||x||."""
    bank = cs.filter_bank(128, 4)
    worst = 0.0
    for _ in range(50):
        x, y = rng.standard_normal(128), rng.standard_normal(128)
        (lx, hx), (ly, hy) = cs.wavelet_modulus(x, bank), cs.wavelet_modulus(y, bank)
        dist = np.sqrt(np.sum((lx - ly) ** 2) + np.sum((hx - hy) ** 2))
        worst = max(worst, dist / np.linalg.norm(x - y))
    assert worst <= 1.0
    x = rng.standard_normal(128)
    low, high = cs.wavelet_modulus(x, bank)
    energy = np.sum(low**2) + np.sum(high**2)
    assert np.isclose(energy, np.sum(cs.littlewood_paley(bank) * np.abs(np.fft.fft(x)) ** 2) / 128, rtol=1e-12)
    X = np.fft.fft(x)
    assert _close(high[1], np.abs(np.fft.ifft(X * bank.psi[1])))
    assert _close(low, np.fft.ifft(X * bank.phi).real)


def test_scattering_stability():
    """convolution.scattering-stability and convolution.fourier-modulus-unstable: scattering moves by O(eps), the
    Fourier modulus and the raw signal by O(1)."""
    n, bank = 256, cs.filter_bank(256, 5)
    x = cs.gabor_signal(n)
    S = cs.scattering1d(x, bank)
    assert S.shape == (16, n)
    for eps in (0.02, 0.05):
        y = cs.gabor_signal(n, eps=eps)
        d_scat = cs.relative_distance(S, cs.scattering1d(y, bank))
        assert d_scat < 3.0 * eps
        assert cs.relative_distance(cf.fourier_modulus(x), cf.fourier_modulus(y)) > 5 * d_scat
        assert cs.relative_distance(x, y) > 5 * d_scat
    assert cs.relative_distance(S, cs.scattering1d(cv.shift(x, 2), bank)) < 0.1
    assert _close(cs.scattering1d(cv.shift(x, 3), bank), cv.shift(S, 3), 1e-10)          # S commutes with shifts
    low, u1 = cs.wavelet_modulus(x, bank)
    assert _close(S[0], low) and _close(S[1], cs.wavelet_modulus(u1[0], bank)[0])
    u2 = cs.wavelet_modulus(u1[0], bank)[1]
    assert _close(S[1 + 5], np.fft.ifft(np.fft.fft(u2[1]) * bank.phi).real)
    assert np.isclose(cs.gabor_signal(64, shift=1.0)[33], 1.0) and cs.relative_distance([1.0, 0.0], [0.0, 0.0]) == 1.0


# ------------------------------------------------------------------------------- the network

def test_cnn_digits_and_mlp():
    """convolution.cnn-digits and convolution.mlp-comparison: small-budget runs of the chapter's training."""
    d = digits(600, 300, seed=0, images=True)
    params, losses = cn.train_classifier(cn.cnn_logits, cn.cnn_init(0), d.X_train, d.y_train, epochs=4, lr=0.01)
    assert losses[-20:].mean() < losses[:5].mean()
    assert cn.accuracy(cn.cnn_logits, params, d.X_test, d.y_test) > 0.85
    mparams, _ = cn.train_classifier(cn.mlp_baseline_logits, cn.mlp_baseline_init(), d.X_train, d.y_train, epochs=4)
    assert cn.accuracy(cn.mlp_baseline_logits, mparams, d.X_test, d.y_test) > 0.85
    assert abs(cn.count_parameters(cn.mlp_baseline_init()) - cn.count_parameters(cn.cnn_init())) < 50


def test_cnn_features_shapes_and_values(rng):
    params = cn.cnn_init(1)
    X = rng.uniform(0, 1, (3, 1, 8, 8))
    h1, h2 = cn.cnn_features(params, X)
    assert h1.shape == (3, 8, 8, 8) and h2.shape == (3, 16, 4, 4)
    ref = np.maximum(cv.conv2d_naive(X, params[0], padding=1) + params[1][None, :, None, None], 0)
    assert _close(h1.value, ref)
    logits = cn.cnn_logits(params, X).value
    flat = pool2d_max(h2.value).reshape(3, -1)
    assert _close(logits, flat @ params[4] + params[5])


def test_conv2d_naive_matches_engine(rng):
    """convolution.conv2d-vjp (forward half): im2col conv2d equals the seven-loop definition."""
    x, w = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2))
    for s, p, d in [(1, 0, 1), (2, 1, 1), (1, 2, 2)]:
        assert _close(conv2d(x, w, stride=s, padding=p, dilation=d).value, cv.conv2d_naive(x, w, s, p, d))


# ------------------------------------------------------------------------------- bad input

def test_bad_input():
    with pytest.raises(ValueError, match="correlate1d: the kernel"):
        cv.correlate1d([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="output_size: the dilated kernel"):
        cv.output_size(4, 3, dilation=3)
    with pytest.raises(ValueError, match="receptive_field: strides"):
        cv.receptive_field([3, 3], strides=[1])
    with pytest.raises(ValueError, match="conv_parameters: k"):
        cv.conv_parameters(3, 4, 0)
    with pytest.raises(ValueError, match="circulant_matrix"):
        cv.circulant_matrix([1.0, 2.0, 3.0], 2)
    with pytest.raises(ValueError, match="toeplitz_matrix"):
        cv.toeplitz_matrix([1.0, 2.0, 3.0], 1)
    with pytest.raises(ValueError, match="lifting_correlation"):
        cv.lifting_correlation(np.zeros((4, 4)), np.zeros((2, 3)))
    with pytest.raises(TypeError, match="shift"):
        cv.shift([1.0, 2.0], 1.5)
    with pytest.raises(ValueError, match="conv2d_naive"):
        cv.conv2d_naive(np.zeros((1, 2, 4, 4)), np.zeros((1, 3, 3, 3)))
    with pytest.raises(ValueError, match="filter_bank: J"):
        cs.filter_bank(32, 6)
    with pytest.raises(ValueError, match="scattering1d: x must be 1-D"):
        cs.scattering1d(np.zeros(10), cs.filter_bank(32, 2))
    with pytest.raises(ValueError, match="relative_distance: a is zero"):
        cs.relative_distance([0.0], [1.0])
    with pytest.raises(ValueError, match="gabor_signal"):
        cs.gabor_signal(64, eps=0.7)
    with pytest.raises(ValueError, match="fft_circular_convolve"):
        cf.fft_circular_convolve([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="cost_crossover"):
        cf.cost_crossover(2)
    with pytest.raises(ValueError, match="train_classifier: X"):
        cn.train_classifier(cn.cnn_logits, cn.cnn_init(), np.zeros((3, 64)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="accuracy: y"):
        cn.accuracy(cn.cnn_logits, cn.cnn_init(), np.zeros((2, 1, 8, 8)), np.zeros(2))
    with pytest.raises(ValueError, match="cnn_init"):
        cn.cnn_init(channels=(0, 4))
    with pytest.raises(ValueError, match="transposed_overlap"):
        cv.transposed_overlap(3, 2, 0)


def test_translate():
    X = np.arange(18.0).reshape(2, 1, 3, 3)
    T = cn.translate(X, 1, -1)
    assert np.array_equal(T[:, :, 1:, :-1], X[:, :, :-1, 1:])
    assert np.all(T[:, :, 0] == 0) and np.all(T[:, :, :, -1] == 0)
    assert np.array_equal(cn.translate(X, 0, 0), X)
    with pytest.raises(ValueError, match="translate"):
        cn.translate(X, 3, 0)


def test_inits_and_accuracy_exactly():
    """convolution.cnn-digits: the He initialization, the MLP baseline's init, and accuracy on a known case."""
    import math

    from mathdl import autodiff as ad
    from mathdl import mlp
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((8, 1, 3, 3)) * math.sqrt(2 / 9)
    b = rng.standard_normal((16, 8, 3, 3)) * math.sqrt(2 / 72)
    W3 = rng.standard_normal((64, 10)) * math.sqrt(1 / 64)
    p = cn.cnn_init(0)
    assert np.array_equal(p[0], w1) and np.array_equal(p[2], b) and np.array_equal(p[4], W3)
    assert all(np.array_equal(a, c) for a, c in zip(cn.mlp_baseline_init(25, 3), mlp.mlp_init([64, 25, 10], 3)))
    logits = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0]])
    fixed = lambda params, X: ad.Tensor(logits)                                     # noqa: E731
    assert cn.accuracy(fixed, [], np.zeros((4, 1, 8, 8)), np.array([0, 1, 1, 1])) == 0.75


def test_train_classifier_one_step_is_adam():
    """convolution.mlp-comparison: one full-batch step of train_classifier is one Adam step on the engine gradient."""
    from mathdl import autodiff as ad
    from mathdl import mlp, optim_adaptive
    d = digits(40, 10, seed=1, images=True)
    p0 = cn.mlp_baseline_init(5, seed=2)
    params, losses = cn.train_classifier(cn.mlp_baseline_logits, p0, d.X_train, d.y_train, epochs=1, batch=40, lr=0.05)
    tensors = [ad.Tensor(q) for q in p0]
    loss = mlp.mlp_loss(cn.mlp_baseline_logits(tensors, d.X_train), d.y_train)
    loss.backward()
    theta = np.concatenate([q.ravel() for q in p0])
    new, _ = optim_adaptive.adam_step(theta, np.concatenate([t.grad.ravel() for t in tensors]), None, lr=0.05)
    assert np.isclose(losses[0], float(loss.value), rtol=1e-12, atol=0)
    assert _close(np.concatenate([q.ravel() for q in params]), new)

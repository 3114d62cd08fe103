"""Tests of mathdl.losses against the chapter "Neurons" (book/neurons.ipynb): each loss against its SymPy
derivation, its gradient by gradcheck, its invariants, stability at huge logits, and bad input."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mathdl import losses as L
from mathdl.linalg import two_layer_network
from mathdl.softmax import softmax
from mathdl.verify import ProofError, agree, derive, gradcheck

pytestmark = pytest.mark.usefixtures("strict_floats")  # no overflow, no NaN, no warning

EXACT_TOL = 1e-12   # identities that hold to rounding
PSD_TOL = 1e-12     # smallest eigenvalue of a PSD matrix may be -PSD_TOL from rounding






def _scalar(loss):
    """A loss as a function returning a 0-d array, and its gradient as a VJP with a 0-d cotangent."""
    return lambda *a: np.asarray(loss(*a))


def _labels_and_onehot(rng, n, k):
    labels = rng.integers(0, k, size=n)
    return labels, np.eye(k)[labels]


# ------------------------------------------------------------------------------------------- squared error

def test_mse_is_gaussian_nll_symbolic():
    """losses.mse-is-gaussian-nll, for n = 2 examples of k = 2 outputs, then numerically against mathdl."""
    n, k = 2, 2
    Y = sp.Matrix(n, k, sp.symbols("y1:5", real=True))
    P = sp.Matrix(n, k, sp.symbols("q1:5", real=True))
    sigma = sp.Symbol("sigma", positive=True)
    density = [sp.exp(-(Y[i] - P[i]) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2) for i in range(n * k)]
    mse = sum((P[i] - Y[i]) ** 2 for i in range(n * k)) / (n * k)
    nll = -sp.log(sp.Mul(*density)) / n
    d = derive(nll, (sp.Rational(k, 2) / sigma**2 * mse + sp.Rational(k, 2) * sp.log(2 * sp.pi * sigma**2),
                     "log of a product; log of a Gaussian"), claim="losses.mse-is-gaussian-nll")
    agree(d, lambda q, y, s: L.gaussian_nll(q, y, s), [P, Y, sigma],
          domain={2: (0.3, 3.0)}, claim="losses.mse-is-gaussian-nll")
    agree(mse, lambda q, y: L.mean_squared_error(q, y), [P, Y], claim="losses.mse-is-gaussian-nll")
    grad = sp.Matrix(n, k, [sp.diff(nll, P[i]) for i in range(n * k)])
    derive(grad, (sp.Rational(k, 2) / sigma**2 * sp.Matrix(n, k, [sp.diff(mse, P[i]) for i in range(n * k)]),
                  "gradients proportional"), claim="losses.mse-is-gaussian-nll")


def test_mse_gradients(rng):
    q, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    gradcheck(_scalar(L.mean_squared_error), lambda g, a, b: g * L.mean_squared_error_grad(a, b), [q, y],
              wrt=[0], claim="losses.mse-is-gaussian-nll")
    gradcheck(_scalar(lambda a, b: L.gaussian_nll(a, b, 0.7)),
              lambda g, a, b: g * L.gaussian_nll_grad(a, b, 0.7), [q, y], wrt=[0])


def test_mse_convex_hessian(rng):
    """losses.mse-convex: the Hessian in the predictions is 2 I / (n k) (finite differences of the gradient)."""
    q, y = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    h = 1e-4
    cols = []
    for j in range(q.size):
        e = np.zeros(q.size)
        e[j] = h
        e = e.reshape(q.shape)
        cols.append(((L.mean_squared_error_grad(q + e, y) - L.mean_squared_error_grad(q - e, y)) / (2 * h)).ravel())
    np.testing.assert_allclose(np.array(cols), 2 * np.eye(q.size) / q.size, atol=1e-9)


def test_mse_zero_iff_equal(rng):
    y = rng.standard_normal((3, 2))
    assert L.mean_squared_error(y, y) == 0.0
    assert L.mean_squared_error(y + 0.1, y) == pytest.approx(0.01, rel=EXACT_TOL)


# ------------------------------------------------------------------------------------------ cross-entropy

def test_cross_entropy_is_categorical_nll_symbolic():
    """losses.cross-entropy-is-categorical-nll: -(1/n) log prod_i prod_j p_ij^{y_ij} = -(1/n) sum y log p."""
    n, k = 2, 3
    P = sp.Matrix(n, k, sp.symbols("p1:7", positive=True))
    Yv = sp.Matrix(n, k, sp.symbols("y1:7", nonnegative=True))
    likelihood = sp.Mul(*[P[i] ** Yv[i] for i in range(n * k)])
    ce = -sum(Yv[i] * sp.log(P[i]) for i in range(n * k)) / n
    d = derive(-sp.log(likelihood) / n, (ce, "log of a product of powers"),
               claim="losses.cross-entropy-is-categorical-nll")
    onehot = lambda rng, shape: np.eye(k)[rng.integers(0, k, size=n)]  # noqa: E731
    probs = lambda rng, shape: softmax(rng.standard_normal(shape))  # noqa: E731
    agree(d, lambda p, y: L.cross_entropy(p, y), [P, Yv], domain={0: probs, 1: onehot},
          claim="losses.cross-entropy-is-categorical-nll")


def test_categorical_mle_is_frequency():
    """losses.cross-entropy-is-categorical-nll: maximising sum_j c_j log p_j on the simplex gives c_j / N -- SymPy's
    solver finds one stationary point, and c_j / N with multiplier N satisfies the Lagrange conditions (proved)."""
    c1, c2, c3 = sp.symbols("c1:4", positive=True)
    p1, p2 = sp.symbols("p1 p2", positive=True)
    ll = c1 * sp.log(p1) + c2 * sp.log(p2) + c3 * sp.log(1 - p1 - p2)
    sol = sp.solve([sp.diff(ll, p1), sp.diff(ll, p2)], [p1, p2], dict=True)
    N = c1 + c2 + c3
    assert sol == [{p1: c1 / N, p2: c2 / N}]
    cs, qs, lam = (c1, c2, c3), sp.symbols("p1:4", positive=True), sp.Symbol("lambda", positive=True)
    lagrangian = sum(c * sp.log(q) for c, q in zip(cs, qs)) - lam * (sum(qs) - 1)
    point = (*qs, lam), (*(c / N for c in cs), N)
    derive(sp.Matrix([sp.Subs(sp.Derivative(lagrangian, q), *point) for q in qs]), (sp.zeros(3, 1), "c_j / p_j = N"),
           claim="losses.cross-entropy-is-categorical-nll", instance="k = 3")
    with pytest.raises(ProofError):  # a wrong multiplier is refused
        derive(sp.Matrix([sp.Subs(sp.Derivative(lagrangian, q), (*qs, lam), (*(c / N for c in cs), 2 * N))
                          for q in qs]), (sp.zeros(3, 1), "wrong"))
    counts = np.array([3.0, 1.0, 4.0])
    freq = counts / counts.sum()
    # with mathdl: the frequencies minimise the cross-entropy of the one-hot data among nearby distributions
    data = np.repeat(np.arange(3), counts.astype(int))
    best = L.cross_entropy(np.tile(freq, (8, 1)), data)
    rng = np.random.default_rng(0)
    for _ in range(20):
        v = rng.standard_normal(3)
        v -= v.mean()
        q = freq + 0.01 * v
        assert L.cross_entropy(np.tile(q, (8, 1)), data) > best


def test_softmax_ce_gradient_symbolic_and_gradcheck(rng):
    """losses.softmax-ce-gradient: d CE / dz = p - y for target rows summing to 1 (proved for k = 3)."""
    z = sp.Matrix(sp.symbols("z1:4", real=True))
    S = sum(sp.exp(zi) for zi in z)
    p = z.applyfunc(lambda zi: sp.exp(zi) / S)
    y1, y2 = sp.symbols("y1 y2", real=True)
    y = sp.Matrix([y1, y2, 1 - y1 - y2])
    ce = -sum(y[j] * sp.log(p[j]) for j in range(3))
    d = derive(sp.Matrix([sp.diff(ce, zi) for zi in z]), (p - y, "sum of y is 1"),
               claim="losses.softmax-ce-gradient")
    agree(d.result.T, lambda zz, a, b: L.softmax_cross_entropy_grad(zz.reshape(1, 3), np.array([[a, b, 1 - a - b]])),
          [z, y1, y2], domain={1: (0.0, 0.5), 2: (0.0, 0.5)}, claim="losses.softmax-ce-gradient")
    logits = rng.standard_normal((4, 5))
    labels, onehot = _labels_and_onehot(rng, 4, 5)
    for target in (labels, onehot):
        gradcheck(_scalar(lambda zz: L.softmax_cross_entropy(zz, target)),
                  lambda g, zz: g * L.softmax_cross_entropy_grad(zz, target), [logits],
                  claim="losses.softmax-ce-gradient")


def test_softmax_ce_convex_symbolic():
    """losses.softmax-ce-convex: Hessian = diag(p) - p p^T, and v^T H v is a variance, so >= 0 (SymPy proves)."""
    z = sp.Matrix(sp.symbols("z1:4", real=True))
    v = sp.Matrix(sp.symbols("v1:4", real=True))
    S = sum(sp.exp(zi) for zi in z)
    p = z.applyfunc(lambda zi: sp.exp(zi) / S)
    y1, y2 = sp.symbols("y1 y2", real=True)
    y = sp.Matrix([y1, y2, 1 - y1 - y2])
    ce = -sum(y[j] * sp.log(p[j]) for j in range(3))
    H = derive(sp.hessian(ce, list(z)), (sp.diag(*p) - p * p.T, "Jacobian of p - y"),
               claim="losses.softmax-ce-convex").result
    mean = sum(p[j] * v[j] for j in range(3))
    variance = sum(p[j] * (v[j] - mean) ** 2 for j in range(3))
    derive((v.T * H * v)[0], (variance, "sum p = 1"), claim="losses.softmax-ce-convex")
    assert variance.is_nonnegative is True
    assert (-variance).is_nonnegative is not True  # the assumption system does not prove everything


@settings(max_examples=30, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 8)),
                  elements=st.floats(-30, 30, allow_nan=False)))
def test_softmax_ce_hessian_psd_numerically(logits):
    """losses.softmax-ce-convex, checked numerically for k up to 8: eigenvalues of diag(p) - p p^T >= 0."""
    from mathdl.softmax import softmax_jacobian
    for H in softmax_jacobian(logits):
        assert np.linalg.eigvalsh(H).min() >= -PSD_TOL


# ---------------------------------------------------------------------------------------- binary CE

def test_bce_logits_stable_form_symbolic():
    """losses.bce-logits-stable: 1 - sigma(z) = sigma(-z), then both cases z > 0 and z < 0 proved, then agreement
    with mathdl; losses.bce-logits-gradient proved."""
    t = sp.Symbol("t", positive=True)
    y = sp.Symbol("y", real=True)
    zr = sp.Symbol("z", real=True)
    sig = lambda u: 1 / (1 + sp.exp(-u))  # noqa: E731
    derive(1 - sig(zr), (sig(-zr), "multiply by e^z"), claim="losses.bce-logits-stable")
    bce = lambda u: -y * sp.log(sig(u)) - (1 - y) * sp.log(sig(-u))  # noqa: E731
    derive(bce(t), (t - t * y + sp.log(1 + sp.exp(-t)), "z = t > 0: max = z, |z| = z", "expand_log"),
           claim="losses.bce-logits-stable")
    derive(bce(-t), (t * y + sp.log(1 + sp.exp(-t)), "z = -t < 0: max = 0, |z| = t", "expand_log"),
           claim="losses.bce-logits-stable")
    zs, ys = sp.symbols("z y_", real=True)
    stable = sp.Max(zs, 0) - zs * ys + sp.log(1 + sp.exp(-sp.Abs(zs)))
    agree(stable, lambda a, b: L.binary_cross_entropy_with_logits(np.array([[a]]), np.array([[b]])), [zs, ys],
          domain={0: (-30, 30), 1: (0, 1)}, claim="losses.bce-logits-stable")
    derive(sp.Derivative(bce(zr), zr), (-y * (1 - sig(zr)) + (1 - y) * sig(zr), "chain rule"), (sig(zr) - y, "collect"),
           claim="losses.bce-logits-gradient")


def test_bce_gradcheck(rng):
    z = rng.standard_normal((3, 4)) * 3
    y = rng.uniform(0, 1, size=(3, 4))
    gradcheck(_scalar(lambda a: L.binary_cross_entropy_with_logits(a, y)),
              lambda g, a: g * L.binary_cross_entropy_with_logits_grad(a, y), [z], claim="losses.bce-logits-gradient")


def test_losses_stable_at_huge_logits():
    with np.errstate(all="raise"):
        assert L.binary_cross_entropy_with_logits(np.array([[1000.0, -1000.0]]), np.array([[0.0, 1.0]])) == 1000.0
        assert L.binary_cross_entropy_with_logits(np.array([[1000.0, -1000.0]]), np.array([[1.0, 0.0]])) == 0.0
        assert L.softmax_cross_entropy(np.array([[1e4, -1e4, 0.0]]), np.array([1])) == pytest.approx(2e4)
        assert L.softmax_cross_entropy(np.array([[1e4, -1e4, 0.0]]), np.array([0])) == 0.0
        g = L.softmax_cross_entropy_grad(np.array([[1e300, -1e300]]), np.array([1]))
        np.testing.assert_array_equal(g, [[1.0, -1.0]])


# ----------------------------------------------------------------------------------- hidden layer

def test_hidden_layer_nonconvex_symbolic():
    """losses.hidden-layer-nonconvex: L(w1, w2) = (1 - w2 tanh(w1))^2 is 0 at +-(atanh 1/2, 2), 1 at the midpoint
    (proved), and mean_squared_error of the one-unit network gives the same three values."""
    w1, w2 = sp.symbols("w1 w2", real=True)
    loss = (1 - w2 * sp.tanh(w1)) ** 2
    a = sp.atanh(sp.Rational(1, 2))
    derive(sp.Subs(loss, (w1, w2), (a, 2)), (sp.Integer(0), "tanh(atanh 1/2) = 1/2"),
           claim="losses.hidden-layer-nonconvex")
    derive(sp.Subs(loss, (w1, w2), (-a, -2)), (sp.Integer(0), "tanh is odd"), claim="losses.hidden-layer-nonconvex")
    derive(sp.Subs(loss, (w1, w2), (0, 0)), (sp.Integer(1), "midpoint"), claim="losses.hidden-layer-nonconvex")
    net = lambda u1, u2: L.mean_squared_error(np.array([[u2 * np.tanh(u1)]]), np.array([[1.0]]))  # noqa: E731
    half = float(np.arctanh(0.5))
    assert net(half, 2.0) == pytest.approx(0.0, abs=EXACT_TOL)
    assert net(-half, -2.0) == pytest.approx(0.0, abs=EXACT_TOL)
    assert net(0.0, 0.0) == 1.0


def test_hidden_layer_nonconvex_permutation(rng):
    """losses.hidden-layer-nonconvex: swapping two hidden units leaves the loss unchanged; the midpoint is worse."""
    X = rng.standard_normal((40, 3))
    W1, W2 = rng.standard_normal((3, 2)), rng.standard_normal((2, 1))
    Y = two_layer_network(X, W1, W2)
    perm = [1, 0]
    W1p, W2p = W1[:, perm], W2[perm, :]
    loss = lambda a, b: L.mean_squared_error(two_layer_network(X, a, b), Y)  # noqa: E731
    assert loss(W1, W2) == 0.0
    assert loss(W1p, W2p) == pytest.approx(0.0, abs=EXACT_TOL)
    assert loss((W1 + W1p) / 2, (W2 + W2p) / 2) > 1e-3


# ------------------------------------------------------------------------------------------- bad input

def test_labels_validated(rng):
    z = rng.standard_normal((3, 4))
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: labels must be integers in \[0, 4\)"):
        L.softmax_cross_entropy(z, np.array([0, 4, 1]))
    with pytest.raises(TypeError,
                       match=r"softmax_cross_entropy: labels must be integers in \[0, 4\); got dtype float64"):
        L.softmax_cross_entropy(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        L.softmax_cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match="each target row must be a probability distribution"):
        L.softmax_cross_entropy(z, np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: z must be 2-D \(n, k\); got shape \(4,\)"):
        L.softmax_cross_entropy(z[0], np.array([1]))


def test_other_bad_input(rng):
    q = rng.standard_normal((2, 3))
    with pytest.raises(ValueError, match=r"mean_squared_error: y \(the targets\) must have y_pred's shape"):
        L.mean_squared_error(q, q[:1])
    with pytest.raises(ValueError, match="y_pred contains NaN or infinity"):
        L.mean_squared_error(np.full((1, 1), np.nan), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"cross_entropy: p must hold probabilities in \(0, 1\]"):
        L.cross_entropy(np.array([[1.0, 0.0]]), np.array([1]))
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: y must hold target probabilities"):
        L.binary_cross_entropy_with_logits(q, q)
    with pytest.raises(ValueError, match="gaussian_nll: sigma"):
        L.gaussian_nll(q, q, sigma=0.0)
    with pytest.raises(ValueError, match="one_hot: k"):
        L.one_hot(np.array([0]), 0)


# ---------------------------------------------------------------------------------- property tests

@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5), st.integers(2, 6), st.integers(0, 2**31 - 1), st.floats(0.1, 1e4))
def test_ce_nonnegative_and_matches_probability_form(n, k, seed, scale):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, k)) * scale
    labels = rng.integers(0, k, size=n)
    ce = L.softmax_cross_entropy(z, labels)
    assert ce >= 0 and np.isfinite(ce)
    assert ce == pytest.approx(L.softmax_cross_entropy(z, L.one_hot(labels, k)), rel=EXACT_TOL, abs=EXACT_TOL)
    p = softmax(z)
    # The probability form is accurate only while every probability is a normal float: a subnormal p (below
    # ~2.2e-308) has lost significant bits, so log p is off by far more than rounding.
    if np.all(p >= np.finfo(float).tiny):
        assert ce == pytest.approx(L.cross_entropy(p, labels), rel=1e-9, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=st.floats(-1e5, 1e5)),
       st.integers(0, 2**31 - 1))
def test_bce_nonnegative_and_symmetric(z, seed):
    y = np.random.default_rng(seed).integers(0, 2, size=z.shape).astype(float)
    value = L.binary_cross_entropy_with_logits(z, y)
    assert value >= 0 and np.isfinite(value)
    # flipping the logit and the label gives the same loss: BCE(z, y) = BCE(-z, 1 - y)
    assert value == pytest.approx(L.binary_cross_entropy_with_logits(-z, 1 - y), rel=1e-12, abs=1e-12)


# ------------------------------------------------------------------ cross_entropy on the simplex

#: Central-difference step along a direction tangent to the simplex, and the tolerance of that check.
FD_STEP = 1e-6
FD_TOL = 1e-7


def test_cross_entropy_grad_along_the_simplex(rng):
    """cross_entropy_grad is -y / (n p), and its inner product with a direction v whose rows sum to 0 (so p + h v
    stays a distribution) is the central difference of cross_entropy along v."""
    n, k = 3, 4
    p = softmax(rng.standard_normal((n, k)))
    labels, onehot = _labels_and_onehot(rng, n, k)
    soft = softmax(rng.standard_normal((n, k)))  # soft targets too
    for y, Y in ((labels, onehot), (soft, soft)):
        np.testing.assert_allclose(L.cross_entropy_grad(p, y), -Y / (n * p), rtol=EXACT_TOL, atol=0)
        v = rng.standard_normal((n, k))
        v -= v.mean(axis=1, keepdims=True)
        fd = (L.cross_entropy(p + FD_STEP * v, y) - L.cross_entropy(p - FD_STEP * v, y)) / (2 * FD_STEP)
        assert np.sum(L.cross_entropy_grad(p, y) * v) == pytest.approx(fd, rel=FD_TOL)


def test_cross_entropy_closed_form(rng):
    """losses.cross-entropy-is-categorical-nll with mathdl: CE of labels is the mean of -log p[label]."""
    p = softmax(rng.standard_normal((5, 3)))
    labels = rng.integers(0, 3, size=5)
    expected = -np.mean(np.log(p[np.arange(5), labels]))
    assert L.cross_entropy(p, labels) == pytest.approx(expected, rel=EXACT_TOL)


def test_cross_entropy_rejects_rows_not_summing_to_one():
    """The docstring promises it: a row of p that does not sum to 1 is refused, with the fix in the message."""
    p = np.array([[0.5, 0.5], [0.4, 0.4]])
    with pytest.raises(ValueError, match=r"cross_entropy: each row of p must sum to 1 .* row 1 sums to 0\.8.*"
                                         r"softmax_cross_entropy"):
        L.cross_entropy(p, np.array([0, 1]))
    # within the tolerance is accepted
    ok = np.array([[0.5, 0.5 + 0.1 * L.PROBABILITY_SUM_ATOL]])
    assert np.isfinite(L.cross_entropy(ok, np.array([0])))


#: Logits ~1e12 with O(1) differences (issue 8): z - lse(z) loses ~5 digits here unless the row max goes first.
LARGE_LOGITS = 1e12 + np.array([[0.0, 1.0, 2.0, -3.5], [0.5, -0.25, 0.0, 3.0]])
LARGE_LOGIT_RTOL = 1e-14


def _reference_softmax_ce(z: np.ndarray, labels: np.ndarray) -> float:
    from mpmath import mp

    mp.dps = 50
    total = mp.mpf(0)
    for row, j in zip(z, labels):
        vals = [mp.mpf(float(v)) for v in row]
        m = max(vals)
        total += m + mp.log(sum(mp.exp(v - m) for v in vals)) - vals[j]
    return float(total / len(labels))


def test_softmax_cross_entropy_accurate_at_large_logits():
    """softmax_cross_entropy and its gradient keep full relative accuracy at logits ~1e12."""
    labels = np.array([2, 0])
    expected = _reference_softmax_ce(LARGE_LOGITS, labels)
    assert L.softmax_cross_entropy(LARGE_LOGITS, labels) == pytest.approx(expected, rel=LARGE_LOGIT_RTOL)
    shifted = LARGE_LOGITS - 1e12  # exact in float64: the same problem at small logits
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(LARGE_LOGITS, labels),
                               L.softmax_cross_entropy_grad(shifted, labels), rtol=1e3 * LARGE_LOGIT_RTOL, atol=0)


# ------------------------------------------------------------------- closed forms, one per function

def test_one_hot_exact():
    np.testing.assert_array_equal(L.one_hot(np.array([2, 0, 1]), 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert L.one_hot(np.array([1]), 2).dtype == np.float64


def test_mse_and_gradient_closed_form():
    """losses.mse-is-gaussian-nll / losses.mse-convex with mathdl: exact values on a small example."""
    q = np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0]])
    y = np.array([[0.0, 2.0, 1.0], [1.0, 0.5, 0.0]])
    assert L.mean_squared_error(q, y) == pytest.approx((1 + 0 + 1 + 4 + 0 + 9) / 6, rel=EXACT_TOL)
    np.testing.assert_allclose(L.mean_squared_error_grad(q, y), 2 * (q - y) / 6, rtol=EXACT_TOL, atol=0)


def test_gaussian_nll_closed_form():
    """losses.mse-is-gaussian-nll with mathdl: NLL = (k / 2 sigma^2) MSE + (k / 2) log(2 pi sigma^2), sigma != 1."""
    q = np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.25]])
    y = np.array([[0.0, 1.0], [2.0, -1.0], [0.0, 0.0]])
    sigma, (n, k) = 0.7, q.shape
    mse = np.mean((q - y) ** 2)
    expected = k / (2 * sigma**2) * mse + k / 2 * np.log(2 * np.pi * sigma**2)
    assert L.gaussian_nll(q, y, sigma) == pytest.approx(expected, rel=EXACT_TOL)
    np.testing.assert_allclose(L.gaussian_nll_grad(q, y, sigma), (q - y) / (n * sigma**2), rtol=EXACT_TOL, atol=0)
    np.testing.assert_allclose(L.gaussian_nll_grad(q, y, sigma),
                               k / (2 * sigma**2) * L.mean_squared_error_grad(q, y), rtol=EXACT_TOL, atol=0)


def test_softmax_cross_entropy_closed_form():
    """losses.softmax-ce-gradient with mathdl: CE = mean(lse(z) - z[label]) and its gradient (p - y) / n, against
    50-digit references (soft targets too)."""
    z = np.array([[0.0, 1.0, 2.0], [3.0, -1.0, 0.5]])
    labels = np.array([1, 0])
    assert L.softmax_cross_entropy(z, labels) == pytest.approx(_reference_softmax_ce(z, labels), rel=EXACT_TOL)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    soft = np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(L.softmax_cross_entropy_grad(z, soft), (p - soft) / 2, rtol=1e-12, atol=0)
    assert L.softmax_cross_entropy(z, soft) == pytest.approx(-np.sum(soft * np.log(p)) / 2, rel=1e-12)


def test_bce_closed_form():
    """losses.bce-logits-stable / -gradient with mathdl: values and gradient against the definition."""
    z = np.array([[2.0, -1.0, 0.0], [0.5, -3.0, 4.0]])
    y = np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 0.6]])
    s = 1 / (1 + np.exp(-z))
    expected = np.mean(-y * np.log(s) - (1 - y) * np.log(1 - s))
    assert L.binary_cross_entropy_with_logits(z, y) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(L.binary_cross_entropy_with_logits_grad(z, y), (s - y) / z.size, rtol=1e-12, atol=0)


def test_label_validation_names_the_bad_labels():
    """The message lists exactly the out-of-range labels (negative and >= k), and k = 1 is a valid class count."""
    with pytest.raises(ValueError, match=r"got \[-1, 4\]\.$"):
        L.softmax_cross_entropy(np.zeros((4, 4)), np.array([-1, 0, 3, 4]))
    np.testing.assert_array_equal(L.one_hot(np.array([0, 0]), 1), [[1.0], [1.0]])


def test_cross_entropy_of_a_certain_prediction_is_zero():
    """p = 1 is a valid probability (the upper end of (0, 1]): one class, predicted with certainty, costs 0."""
    assert L.cross_entropy(np.array([[1.0], [1.0]]), np.array([0, 0])) == 0.0


# --------------------------------------------------------------------------------------- Huber and hinge

def test_huber_pieces_and_gradient():
    """losses.huber-gradient: value and slope match at |r| = delta; the gradient is clip(r, -delta, delta) / (n k)."""
    x, d = sp.Symbol("x", real=True), sp.Symbol("delta", positive=True)
    t = sp.Symbol("t", positive=True)
    hub = sp.Piecewise((d * (-x - d / 2), x < -d), (x ** 2 / 2, x <= d), (d * (x - d / 2), True))
    derive(sp.Subs(sp.Derivative(hub, x), x, d + t), (sp.Subs(sp.Derivative(d * (x - d / 2), x), x, d + t), "piece"),
           (d, "d/dx"), claim="losses.huber-gradient")
    for delta in (0.5, 1.0, 2.0):
        r = np.array([[-3.0, -delta, -0.2, 0.0, 0.3, delta, 4.0]])
        expected = np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))
        assert L.huber(r + 1.0, np.ones_like(r), delta) == pytest.approx(expected.mean(), rel=EXACT_TOL)
        np.testing.assert_allclose(L.huber_grad(r + 1.0, np.ones_like(r), delta), np.clip(r, -delta, delta) / r.size,
                                   rtol=1e-13, atol=1e-15)
        eps = 1e-7  # the two pieces glue with matching value and slope at r = delta
        inner = L.huber(np.array([[delta - eps]]), np.zeros((1, 1)), delta)
        outer = L.huber(np.array([[delta + eps]]), np.zeros((1, 1)), delta)
        assert (outer - inner) / (2 * eps) == pytest.approx(delta, rel=1e-6)
    rng = np.random.default_rng(40)
    y = rng.normal(size=(3, 4))
    pred = y + rng.choice([-1.0, 1.0], size=(3, 4)) * rng.uniform(0.1, 3.0, size=(3, 4))
    pred[np.abs(np.abs(pred - y) - 1.0) < 0.1] += 0.3
    gradcheck(_scalar(lambda a: L.huber(a, y)), lambda g, a: g * L.huber_grad(a, y), [pred],
              claim="losses.huber-gradient")


def test_huber_is_mse_half_for_small_residuals():
    """For |r| <= delta everywhere, Huber = MSE / 2."""
    rng = np.random.default_rng(41)
    y = rng.normal(size=(5, 3))
    pred = y + rng.uniform(-0.9, 0.9, size=(5, 3))
    assert L.huber(pred, y, 1.0) == pytest.approx(L.mean_squared_error(pred, y) / 2, rel=EXACT_TOL)


def test_huber_location_is_robust():
    """losses.huber-robust: outliers move the mean in proportion, the Huber location by a bounded amount."""
    rng = np.random.default_rng(15)
    clean = rng.normal(size=95)

    def location(data):
        lo, hi = data.min(), data.max()
        for _ in range(100):  # the gradient sum is monotone in m: bisection
            mid = 0.5 * (lo + hi)
            g = L.huber_grad(np.full((data.size, 1), mid), data[:, None]).sum()
            lo, hi = (mid, hi) if g < 0 else (lo, mid)
        return 0.5 * (lo + hi)

    shifts = [location(np.concatenate([clean, np.full(5, big)])) - location(clean) for big in (50.0, 5000.0)]
    assert 0 < shifts[0] < 0.1 and shifts[1] == pytest.approx(shifts[0], abs=1e-9)
    assert np.concatenate([clean, np.full(5, 50.0)]).mean() - clean.mean() == pytest.approx(2.5, abs=0.2)


def test_hinge_value_subgradient_and_bound():
    """losses.hinge-subgradient and losses.hinge-upper-bound."""
    t = sp.Symbol("t", positive=True)
    x = sp.Symbol("x", real=True)
    hinge_m = sp.Piecewise((1 - x, x < 1), (0, True))
    derive(sp.Subs(sp.Derivative(hinge_m, x), x, 1 - t), (sp.Subs(sp.Derivative(1 - x, x), x, 1 - t), "piece"),
           (-1, "d/dm"), claim="losses.hinge-subgradient")
    derive(sp.Subs(hinge_m, x, -t) - 1, (t, "m = -t"), claim="losses.hinge-upper-bound")
    z = np.array([[2.0, 0.5, -1.0, 1.5]])
    y = np.array([[1.0, 1.0, 1.0, -1.0]])
    assert L.hinge(z, y) == pytest.approx((0.0 + 0.5 + 2.0 + 2.5) / 4, rel=EXACT_TOL)
    np.testing.assert_array_equal(L.hinge_grad(z, y), np.array([[0.0, -1.0, -1.0, 1.0]]) / 4)
    np.testing.assert_array_equal(L.hinge_grad(np.array([[1.0]]), np.array([[1.0]])), [[0.0]])  # kink: 0
    rng = np.random.default_rng(42)
    yy = rng.choice([-1.0, 1.0], size=(3, 4))
    zz = yy * (1.0 + rng.choice([-1.0, 1.0], size=(3, 4)) * rng.uniform(0.1, 2.0, size=(3, 4)))
    gradcheck(_scalar(lambda a: L.hinge(a, yy)), lambda g, a: g * L.hinge_grad(a, yy), [zz],
              claim="losses.hinge-subgradient")
    m = np.linspace(-10, 10, 2001)
    per = np.array([L.hinge(np.array([[v]]), np.array([[1.0]])) for v in m])
    assert np.all(per >= (m <= 0)) and np.all(np.log1p(np.exp(-m)) / np.log(2) >= (m <= 0) - 1e-15)


@pytest.mark.parametrize("call,match", [
    (lambda: L.huber(np.ones((1, 2)), np.ones((1, 2)), delta=0.0), "huber: delta"),
    (lambda: L.huber_grad(np.ones((1, 2)), np.ones((1, 2)), delta="1"), "huber_grad: delta must be a real number"),
    (lambda: L.huber(np.ones((1, 2)), np.ones((1, 3))), "huber: y"),
    (lambda: L.hinge(np.ones((1, 2)), np.array([[0.0, 1.0]])), "hinge: y must hold labels -1 or \\+1"),
    (lambda: L.hinge_grad(np.ones((1, 2)), np.ones((2, 1))), "hinge_grad: y"),
])
def test_huber_hinge_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()

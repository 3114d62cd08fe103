"""Tests of mathdl.info_estimation: the Gaussian MI, the plug-in estimator, InfoNCE (batch estimator, exact
expectation and its decomposition), Blahut-Arimoto and binned entropies. Book: Information theory
(book/information.ipynb)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import info
from mathdl import info_estimation as ie
from mathdl.verify import agree, derive, gradcheck

#: Relative agreement of two numpy computations of one closed form.
CLOSED_FORM_RTOL = 1e-10
#: Round-off allowed on identities that hold exactly in exact arithmetic.
EXACT_ATOL = 1e-12

SETTINGS = settings(max_examples=25, deadline=None)


# -------------------------------------------------------------------------------------- Gaussian MI

def test_gaussian_mi_agrees_with_entropy_difference():
    """claim info.gaussian-mi: I = h(Y) - h(Y|X) = -1/2 log(1 - rho^2)."""
    rho = sp.Symbol("rho", real=True)
    d = derive(sp.log(2 * sp.pi * sp.E) / 2 - sp.log(2 * sp.pi * sp.E * (1 - rho**2)) / 2,
               (-sp.log(1 - rho**2) / 2, "log of a product", "expand_log"), domain=[("rho^2 < 1", 1 - rho**2 > 0)])
    agree(d, ie.gaussian_mutual_information, [rho], domain=(-0.99, 0.99), claim="info.gaussian-mi")
    assert float(ie.gaussian_mutual_information(0.6, base=2)) == pytest.approx(-math.log2(0.8), rel=CLOSED_FORM_RTOL)
    assert float(ie.gaussian_mutual_information(1e-9)) == pytest.approx(0.5e-18, rel=1e-6)   # no cancellation


def test_gaussian_mi_matches_discretised_table():
    """claim info.gaussian-mi: the MI of a fine 2-D histogram of the exact density approaches the formula."""
    rho = 0.7
    g = np.linspace(-7, 7, 701)
    X, Y = np.meshgrid(g, g, indexing="ij")
    dens = np.exp(-(X**2 - 2 * rho * X * Y + Y**2) / (2 * (1 - rho**2)))
    assert info.mutual_information(dens / dens.sum()) == pytest.approx(float(ie.gaussian_mutual_information(rho)),
                                                                      rel=1e-3)


def test_gaussian_mi_bad_input():
    with pytest.raises(ValueError, match="rho must lie in"):
        ie.gaussian_mutual_information(1.0)


# ---------------------------------------------------------------------------------------- plug-in MI

def test_plugin_mi_equals_table_mi_and_relabels(rng):
    """claim info.mi-plugin-bias: the estimate is the MI of the empirical table; labels may be any integers."""
    x, y = rng.integers(0, 3, 500), rng.integers(0, 4, 500)
    y = (y + x) % 4
    table = np.zeros((3, 4))
    np.add.at(table, (x, y), 1.0)
    expected = info.mutual_information(table / 500)
    assert ie.plugin_mutual_information(x, y) == pytest.approx(expected, rel=CLOSED_FORM_RTOL)
    assert ie.plugin_mutual_information(10 * x + 7, y) == pytest.approx(expected, rel=CLOSED_FORM_RTOL)
    assert ie.plugin_mutual_information(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]), base=2) == pytest.approx(1.0)


def test_plugin_mi_bias_on_independent_labels():
    """claim info.mi-plugin-bias: mean estimate ~ (kx - 1)(ky - 1) / (2N) for independent variables."""
    rng = np.random.default_rng(10)
    n = 1000
    est = [ie.plugin_mutual_information(rng.integers(0, 4, n), rng.integers(0, 5, n)) for _ in range(200)]
    assert np.mean(est) == pytest.approx(12 / (2 * n), rel=0.15)


def test_plugin_mi_bad_input():
    with pytest.raises(ValueError, match="integer labels"):
        ie.plugin_mutual_information(np.array([0.5, 1.0]), np.array([0, 1]))
    with pytest.raises(ValueError, match="one length"):
        ie.plugin_mutual_information(np.array([0, 1, 1]), np.array([0, 1]))


# ------------------------------------------------------------------------------------------- InfoNCE

def test_infonce_agrees_with_formula_and_gradcheck(rng):
    """claim info.infonce-bound: the batch estimator against its K = 2 formula; its VJP against differences."""
    S = sp.Matrix(2, 2, lambda a, b: sp.Symbol(f"S{a}{b}", real=True))
    formula = sp.log(2) + sum(S[a, a] - sp.log(sp.exp(S[a, 0]) + sp.exp(S[a, 1])) for a in range(2)) / 2
    agree(formula, ie.infonce, [S], domain=(-3.0, 3.0), claim="info.infonce-bound")
    gradcheck(ie.infonce, ie.infonce_vjp, [rng.standard_normal((4, 4))], claim="info.infonce-bound")
    g = ie.infonce_vjp(2.0, np.zeros((2, 2)))
    np.testing.assert_allclose(g, np.array([[0.5, -0.5], [-0.5, 0.5]]), rtol=1e-12)


def test_infonce_range():
    """claim info.infonce-bound: 0 for an uninformative critic, log K for a perfect one, never above log K."""
    assert ie.infonce(np.zeros((5, 5))) == pytest.approx(0.0, abs=EXACT_ATOL)
    assert ie.infonce(100 * np.eye(3)) == pytest.approx(math.log(3), rel=1e-12)
    rng = np.random.default_rng(3)
    assert all(ie.infonce(5 * rng.standard_normal((6, 6))) <= math.log(6) for _ in range(50))


def test_density_ratio_identity_is_proved_for_k3():
    """claim info.infonce-bound: P / Q_K = r_1 / ((1/K) sum_i r_i), proved for K = 3."""
    c, d = sp.symbols("c1:4", positive=True), sp.symbols("d1:4", positive=True)
    a = sp.Symbol("a", positive=True)
    P = a * c[0] * d[1] * d[2]
    Q = a * (c[0] * d[1] * d[2] + d[0] * c[1] * d[2] + d[0] * d[1] * c[2]) / 3
    r = [c[k] / d[k] for k in range(3)]
    assert derive(P / Q, (r[0] / (sum(r) / 3), "divide by p(x) p(y1) p(y2) p(y3)", "cancel"),
                  instance="K = 3").kind == "instance"


@SETTINGS
@given(st.integers(2, 3), st.integers(2, 3), st.integers(1, 4), st.integers(0, 10**6))
def test_infonce_decomposition_property(nx, ny, k, seed):
    """claim info.infonce-bound: I(X;Y) = I_NCE(f) + A + B with A, B >= 0 and I_NCE <= log K."""
    rng = np.random.default_rng(seed)
    pxy = rng.dirichlet(np.full(nx * ny, 0.6)).reshape(nx, ny)
    critic = 2 * rng.standard_normal((nx, ny))
    val = ie.infonce_exact(pxy, critic, k)
    a, b = ie.infonce_slack(pxy, critic, k)
    assert info.mutual_information(pxy) == pytest.approx(val + a + b, abs=1e-12)
    assert a >= 0 and b >= 0 and val <= math.log(k) + EXACT_ATOL


def test_infonce_exact_matches_monte_carlo(rng):
    """claim info.infonce-bound: the enumerated expectation equals the average of the batch estimator."""
    pxy = np.array([[0.3, 0.1], [0.05, 0.55]])
    critic = np.array([[1.0, -0.5], [0.2, 0.7]])
    k, batches = 3, 60000
    px = pxy.sum(axis=1)
    xs = rng.choice(2, size=batches, p=px)
    y1 = np.array([rng.choice(2, p=pxy[x] / px[x]) for x in xs])
    neg = rng.choice(2, size=(batches, k - 1), p=pxy.sum(axis=0))
    ys = np.concatenate([y1[:, None], neg], axis=1)
    scores = critic[xs[:, None], ys]
    terms = math.log(k) + scores[:, 0] - np.log(np.exp(scores).sum(axis=1))
    se = terms.std() / math.sqrt(batches)
    assert abs(terms.mean() - ie.infonce_exact(pxy, critic, k)) < 5 * se


def test_infonce_optimal_critic_and_k1():
    """claim info.infonce-bound: the log-ratio critic closes A; K = 1 gives 0 and B = I(X;Y)."""
    pxy = np.array([[0.4, 0.1, 0.0], [0.1, 0.2, 0.2]])
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    with np.errstate(divide="ignore"):
        critic = np.where(pxy > 0, np.log(np.where(pxy > 0, pxy, 1.0) / np.outer(px, py)), -30.0)
    a, b = ie.infonce_slack(pxy, critic, 3)
    assert a < 1e-10
    assert ie.infonce_exact(pxy, critic, 3) + b == pytest.approx(info.mutual_information(pxy), abs=1e-10)
    a1, b1 = ie.infonce_slack(pxy, critic, 1)
    assert a1 == 0.0 and b1 == pytest.approx(info.mutual_information(pxy), rel=1e-12)
    # B shrinks as K grows
    assert ie.infonce_slack(pxy, critic, 4)[1] < ie.infonce_slack(pxy, critic, 2)[1] < b1


def test_infonce_bad_input():
    with pytest.raises(ValueError, match="square"):
        ie.infonce(np.zeros((2, 3)))
    pxy = np.full((2, 2), 0.25)
    with pytest.raises(ValueError, match="critic must have the shape"):
        ie.infonce_exact(pxy, np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match="K must be an integer"):
        ie.infonce_slack(pxy, np.zeros((2, 2)), 0)
    with pytest.raises(ValueError, match="terms"):
        ie.infonce_exact(np.full((2, 10), 0.05), np.zeros((2, 10)), 7)


# -------------------------------------------------------------------------------- rate-distortion

def test_binary_rate_distortion_agrees_with_entropy_difference():
    """claim info.rate-distortion-binary: R(D) = h(p) - h(D) below min(p, 1-p), 0 above."""
    p, D = sp.symbols("p D", positive=True)

    def hb(v):
        return -v * sp.log(v) - (1 - v) * sp.log(1 - v)

    agree(hb(p) - hb(D), lambda p_, d_: ie.binary_rate_distortion(p_, d_), [p, D],
          domain={0: (0.3, 0.5), 1: (0.01, 0.29)}, claim="info.rate-distortion-binary")
    assert float(ie.binary_rate_distortion(0.3, 0.35)) == 0.0
    assert float(ie.binary_rate_distortion(0.5, 0.0, base=2)) == pytest.approx(1.0, rel=1e-12)


def test_test_channel_marginal_is_proved():
    """claim info.rate-distortion-binary: r(1 - D) + (1 - r) D = p for r = (p - D)/(1 - 2D)."""
    p, D = sp.symbols("p D", positive=True)
    r = (p - D) / (1 - 2 * D)
    assert derive(r * (1 - D) + (1 - r) * D, (p, "r", "cancel"), domain=[D < sp.Rational(1, 2)]).kind == "proved"


def test_test_channel_achieves_the_rate():
    """claim info.rate-distortion-binary: the test channel's joint table has I = h(p) - h(D) and distortion D."""
    p, D = 0.3, 0.1
    r = (p - D) / (1 - 2 * D)
    joint = np.array([[(1 - r) * (1 - D), r * D], [(1 - r) * D, r * (1 - D)]])    # rows x, columns x_hat
    assert joint.sum(axis=1)[1] == pytest.approx(p, rel=1e-12)
    assert info.mutual_information(joint) == pytest.approx(float(ie.binary_rate_distortion(p, D)), rel=1e-12)
    assert joint[0, 1] + joint[1, 0] == pytest.approx(D, rel=1e-12)


def test_blahut_arimoto_lands_on_the_curve():
    """claim info.rate-distortion-binary: Blahut-Arimoto points lie on h(p) - h(D); D = 1 / (1 + e^s)."""
    for s in (1.0, 2.0, 4.0):
        pt = ie.blahut_arimoto(np.array([0.7, 0.3]), 1.0 - np.eye(2), s)
        assert pt.rate == pytest.approx(float(ie.binary_rate_distortion(0.3, pt.distortion)), rel=1e-9, abs=1e-12)
        assert pt.distortion == pytest.approx(1 / (1 + math.exp(s)), rel=1e-9)
        np.testing.assert_allclose(pt.channel.sum(axis=1), 1.0, rtol=1e-12)
    zero = ie.blahut_arimoto(np.array([0.7, 0.3]), 1.0 - np.eye(2), 0.0)
    assert zero.rate == pytest.approx(0.0, abs=EXACT_ATOL) and zero.distortion == pytest.approx(0.5)


def test_blahut_arimoto_bad_input():
    with pytest.raises(ValueError, match="distortion must have shape"):
        ie.blahut_arimoto(np.array([0.5, 0.5]), np.zeros((3, 2)), 1.0)
    with pytest.raises(ValueError, match="s must be a finite number >= 0"):
        ie.blahut_arimoto(np.array([0.5, 0.5]), np.zeros((2, 2)), -1.0)
    with pytest.raises(ValueError, match="distortion must be >= 0"):
        ie.blahut_arimoto(np.array([0.5, 0.5]), -np.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="p must be a probability"):
        ie.binary_rate_distortion(1.5, 0.1)


# --------------------------------------------------------------------------------- information plane

def test_binned_entropy_values_and_degeneracy(rng):
    """claim info.information-plane-degenerate: fine bins give log n for distinct rows; coarse bins less."""
    T = np.array([[0.1], [0.2], [0.9]])
    assert ie.binned_entropy(T, 2, 0.0, 1.0) == pytest.approx(
        info.entropy(np.array([2 / 3, 1 / 3])), rel=CLOSED_FORM_RTOL)
    X = rng.standard_normal((200, 5))
    W = rng.standard_normal((5, 4))
    assert ie.binned_entropy(np.tanh(X @ W), 10**6, -1.0, 1.0) == pytest.approx(math.log(200), rel=1e-12)
    assert ie.binned_entropy(np.tanh(50 * X @ W), 30, -1.0, 1.0) < math.log(200) - 0.5   # saturation
    assert ie.binned_entropy(T, 1, 0.0, 1.0) == 0.0


def test_binned_entropy_bad_input():
    with pytest.raises(ValueError, match="n_bins must be a positive integer"):
        ie.binned_entropy(np.zeros((2, 2)), 0, -1.0, 1.0)
    with pytest.raises(ValueError, match="low < high"):
        ie.binned_entropy(np.zeros((2, 2)), 3, 1.0, 1.0)
    with pytest.raises(ValueError, match="non-empty"):
        ie.binned_entropy(np.zeros(3), 3, -1.0, 1.0)

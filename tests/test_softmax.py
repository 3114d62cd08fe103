"""Tests of mathdl.softmax against the chapter "Neurons" (book/neurons.ipynb), section "Softmax".

Softmax, log-softmax and log-sum-exp: agreement with their SymPy forms, the Jacobian proved and checked,
shift invariance, gradcheck of the VJPs, stability at huge logits with floating-point errors raised, bad
input, and rows that are probability distributions (hypothesis).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mathdl import softmax as SM
from mathdl.verify import agree, derive, gradcheck

pytestmark = pytest.mark.usefixtures("strict_floats")  # no overflow, no NaN, no warning

AGREE_TOL = 1e-10       # lambdified SymPy vs numpy, relative max-norm
EXACT_TOL = 1e-12       # identities that hold to rounding (rows sum to 1, ...)






# ------------------------------------------------------------------------------------------ softmax

def _softmax_sympy(k: int):
    z = sp.Matrix(sp.symbols(f"z1:{k + 1}", real=True))
    S = sum(sp.exp(zi) for zi in z)
    return z, z.applyfunc(lambda zi: sp.exp(zi) / S)


def test_softmax_agrees_with_sympy():
    z, p = _softmax_sympy(3)
    agree(p.T, lambda v: SM.softmax(v.reshape(1, 3)), [z], domain=(-10, 10), rtol=AGREE_TOL)
    lse = sp.log(sum(sp.exp(zi) for zi in z))
    agree(lse, lambda v: SM.logsumexp(v.reshape(1, 3))[0], [z], domain=(-10, 10), rtol=AGREE_TOL,
          claim="activations.softmax-shift-invariance")


def test_softmax_jacobian_symbolic_and_numeric():
    """activations.softmax-jacobian: d p / d z = diag(p) - p p^T (3-vector, proved), then against mathdl."""
    z, p = _softmax_sympy(3)
    S = sum(sp.exp(zi) for zi in z)
    partials = sp.Matrix(3, 3, lambda i, j: sp.Derivative(p[i], z[j]))
    by_hand = sp.Matrix(3, 3, lambda i, j: ((1 if i == j else 0) * sp.exp(z[i]) * S - sp.exp(z[i] + z[j])) / S**2)
    d = derive(partials, (by_hand, "quotient rule"), (sp.diag(*p) - p * p.T, "split"),
               claim="activations.softmax-jacobian", instance="k = 3")
    agree(d, lambda v: SM.softmax_jacobian(v.reshape(1, 3))[0], [z], domain=(-5, 5),
          claim="activations.softmax-jacobian")


def test_softmax_shift_invariance(rng):
    """activations.softmax-shift-invariance."""
    z, p = _softmax_sympy(3)
    c = sp.Symbol("c", real=True)
    derive(p.subs({zi: zi + c for zi in z}, simultaneous=True), (p, "cancel e^c"),
           claim="activations.softmax-shift-invariance")
    logits = rng.standard_normal((4, 6))
    np.testing.assert_allclose(SM.softmax(logits + 123.0), SM.softmax(logits), rtol=EXACT_TOL)


def test_softmax_vjps_gradcheck(rng):
    logits = rng.standard_normal((3, 4))
    gradcheck(SM.softmax, SM.softmax_vjp, [logits], claim="activations.softmax-jacobian")
    gradcheck(SM.log_softmax, SM.log_softmax_vjp, [logits], claim="activations.log-softmax-jacobian")


def test_softmax_vjp_equals_jacobian_product(rng):
    logits, g = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    expected = np.einsum("ij,ijk->ik", g, SM.softmax_jacobian(logits))
    np.testing.assert_allclose(SM.softmax_vjp(g, logits), expected, atol=EXACT_TOL)


def test_softmax_stable_at_huge_logits():
    logits = np.array([[1000.0, 1000.0, -1000.0], [1e300, 0.0, -1e300], [-1000.0, -1000.0, -1000.0]])
    p = SM.softmax(logits)
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], atol=EXACT_TOL)
    assert np.all(np.isfinite(SM.log_softmax(logits)))
    assert SM.logsumexp(logits)[0] == pytest.approx(1000.0 + np.log(2.0), rel=EXACT_TOL)


# ------------------------------------------------------------------------------------------- bad input

def test_softmax_bad_input():
    with pytest.raises(ValueError, match=r"softmax: z \(the logits\) must be 2-D \(n, k\); got shape \(5,\)\. "
                                         r"Use z\[None, :\]"):
        SM.softmax(np.zeros(5))
    with pytest.raises(ValueError, match="softmax_vjp: g"):
        SM.softmax_vjp(np.zeros((2, 3)), np.zeros((3, 2)))


# ---------------------------------------------------------------------------------- property tests

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=finite))
def test_softmax_rows_are_distributions(logits):
    p = SM.softmax(logits)
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.exp(SM.log_softmax(logits)), p, atol=1e-12)


# ------------------------------------------------------------------------- accuracy at large logits

#: Logits of size ~1e12 whose differences are O(1): z - lse(z) cancels unless the row maximum is subtracted
#: first (issue 8: relative error 3e-5 before the fix).
LARGE_LOGITS = 1e12 + np.array([[0.0, 1.0, 2.0, -3.5], [-1e12 - 7.25, 0.5, -0.25, 0.0]])
#: Relative error allowed against 50-digit references at large logits: a few ulps of O(1) results.
LARGE_LOGIT_RTOL = 1e-14


def _reference_log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax in 50-digit arithmetic (mpmath), from the exact float64 inputs."""
    from mpmath import mp

    mp.dps = 50
    out = np.empty(z.shape)
    for i, row in enumerate(z):
        vals = [mp.mpf(float(v)) for v in row]
        m = max(vals)
        lse = m + mp.log(sum(mp.exp(v - m) for v in vals))
        out[i] = [float(v - lse) for v in vals]
    return out


def test_log_softmax_accurate_at_large_logits():
    """log_softmax at logits ~1e12 keeps full relative accuracy (fails for z - logsumexp(z))."""
    np.testing.assert_allclose(SM.log_softmax(LARGE_LOGITS), _reference_log_softmax(LARGE_LOGITS),
                               rtol=LARGE_LOGIT_RTOL, atol=0)


def test_softmax_and_jacobian_accurate_at_large_logits():
    """softmax, its Jacobian and both VJPs inherit the accuracy of log_softmax at logits ~1e12."""
    p_ref = np.exp(_reference_log_softmax(LARGE_LOGITS))
    np.testing.assert_allclose(SM.softmax(LARGE_LOGITS), p_ref, rtol=LARGE_LOGIT_RTOL, atol=0)
    jac_ref = np.einsum("ij,jk->ijk", p_ref, np.eye(p_ref.shape[1])) - p_ref[:, :, None] * p_ref[:, None, :]
    nonzero = np.abs(jac_ref) > 0
    np.testing.assert_allclose(SM.softmax_jacobian(LARGE_LOGITS)[nonzero], jac_ref[nonzero],
                               rtol=1e3 * LARGE_LOGIT_RTOL, atol=0)
    g = np.array([[1.0, -2.0, 0.5, 3.0], [0.25, 1.0, -1.0, 2.0]])
    np.testing.assert_allclose(SM.softmax_vjp(g, LARGE_LOGITS), np.einsum("ij,ijk->ik", g, jac_ref),
                               rtol=1e3 * LARGE_LOGIT_RTOL, atol=1e-15)
    np.testing.assert_allclose(SM.log_softmax_vjp(g, LARGE_LOGITS), g - g.sum(axis=1, keepdims=True) * p_ref,
                               rtol=1e3 * LARGE_LOGIT_RTOL, atol=1e-15)


# ------------------------------------------------------------------------------------------ calibration

def _synthetic(seed=13, n=6000, k=4):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 5)) @ rng.normal(size=(5, k))
    y = np.array([rng.choice(k, p=row) for row in SM.softmax(z)])
    return z, y


def test_calibration_bins_and_ece_by_hand():
    """activations.calibration: bins, accuracy, confidence and ECE recomputed by hand on a small case."""
    p = np.array([[0.9, 0.1], [0.3, 0.7], [0.55, 0.45], [0.2, 0.8]])
    labels = np.array([0, 0, 1, 1])
    conf, acc, count = SM.calibration_bins(p, labels, n_bins=2)
    np.testing.assert_array_equal(count, [0, 4])
    np.testing.assert_allclose(conf, [0.0, (0.9 + 0.7 + 0.55 + 0.8) / 4], rtol=1e-15)
    np.testing.assert_allclose(acc, [0.0, 0.5], rtol=1e-15)
    assert SM.expected_calibration_error(p, labels, n_bins=2) == pytest.approx(abs(0.5 - 2.95 / 4), rel=1e-14)
    conf5, _, count5 = SM.calibration_bins(p, labels, n_bins=5)
    np.testing.assert_array_equal(count5, [0, 0, 1, 2, 1])
    assert conf5[4] == pytest.approx(0.9, rel=1e-15)


def test_temperature_nll_matches_log_softmax():
    """temperature_nll is the mean NLL of softmax(z / T)."""
    rng = np.random.default_rng(30)
    z, y = rng.normal(size=(7, 3)), rng.integers(0, 3, size=7)
    for T in (0.5, 1.0, 3.0):
        expected = -np.mean(np.log(SM.softmax(z / T)[np.arange(7), y]))
        assert SM.temperature_nll(z, y, T) == pytest.approx(expected, rel=1e-13)


def test_temperature_scaling_calibrates_overconfident_logits():
    """activations.calibration: T recovers the overconfidence factor, ECE drops, argmax is unchanged."""
    z, y = _synthetic()
    over = 2.5 * z
    T = SM.fit_temperature(over[:3000], y[:3000])
    assert T == pytest.approx(2.5, abs=0.15)
    before = SM.expected_calibration_error(SM.softmax(over[3000:]), y[3000:])
    after = SM.expected_calibration_error(SM.softmax(over[3000:] / T), y[3000:])
    assert before > 0.1 and after < 0.03 and after < before / 4
    np.testing.assert_array_equal(over.argmax(axis=1), (over / T).argmax(axis=1))
    # the fitted T is a minimum of the NLL: nudging it either way does not help
    nll = SM.temperature_nll(over[:3000], y[:3000], T)
    assert nll <= SM.temperature_nll(over[:3000], y[:3000], T * 1.01)
    assert nll <= SM.temperature_nll(over[:3000], y[:3000], T / 1.01)


def test_fit_temperature_is_exact_on_a_known_minimum():
    """Golden section converges to the NLL minimiser to high precision (compared with a fine grid)."""
    z, y = _synthetic(seed=31, n=500, k=3)
    T = SM.fit_temperature(0.4 * z, y)
    grid = np.exp(np.linspace(np.log(T) - 0.01, np.log(T) + 0.01, 2001))
    best = grid[np.argmin([SM.temperature_nll(0.4 * z, y, g) for g in grid])]
    assert T == pytest.approx(best, rel=2e-5)


@pytest.mark.parametrize("call,match", [
    (lambda: SM.calibration_bins(np.array([[0.5, 0.6]]), np.array([0])), "calibration_bins: p must hold probability"),
    (lambda: SM.calibration_bins(np.array([[0.5, 0.5]]), np.array([2])), "calibration_bins: labels must lie in"),
    (lambda: SM.calibration_bins(np.array([[0.5, 0.5]]), np.array([0.0])), "calibration_bins: labels must be integers"),
    (lambda: SM.expected_calibration_error(np.array([[0.5, 0.5]]), np.array([0]), 0), "n_bins must be a positive"),
    (lambda: SM.temperature_nll(np.zeros((1, 2)), np.array([0]), 0.0), "temperature_nll: temperature must be a"),
    (lambda: SM.fit_temperature(np.zeros((1, 2)), np.array([0]), low=2.0, high=1.0), "fit_temperature: need 0 < low"),
    (lambda: SM.fit_temperature(np.zeros((1, 2)), np.array([0]), iterations=0), "fit_temperature: iterations"),
])
def test_calibration_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()

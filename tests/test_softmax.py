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

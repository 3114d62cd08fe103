"""Tests of mathdl.info_maxent: Jensen's gap for the logarithm, the maximum-entropy results and differential
entropy. Book: Information theory (book/information.ipynb)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import info, info_maxent
from mathdl.verify import agree, derive

#: Relative agreement of two numpy computations of one closed form.
CLOSED_FORM_RTOL = 1e-10
#: Round-off allowed on quantities that are 0 in exact arithmetic.
EXACT_ATOL = 1e-12

SETTINGS = settings(max_examples=40, deadline=None)


def dirichlet_sampler(rng, shape):
    return rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)


@st.composite
def weighted_points(draw):
    k = draw(st.integers(2, 6))
    # a weight is 0 or at least 1e-6: a subnormal weight makes the reference q = w x / S underflow to 0 (KL = inf)
    # while the gap itself is fine
    w = np.array(draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 10.0)), min_size=k, max_size=k)))
    if w.sum() == 0:
        w[0] = 1.0
    x = np.array(draw(st.lists(st.floats(1e-3, 1e3), min_size=k, max_size=k)))
    return x, w / w.sum()


# ------------------------------------------------------------------------------------------- Jensen

def test_log_jensen_gap_agrees_with_kl_form():
    """claim info.jensen-log: log sum w x - sum w log x = KL(w || q), q = w x / S, against SymPy (3 points)."""
    w = sp.Matrix(1, 3, sp.symbols("w1:4", positive=True))
    x = sp.Matrix(1, 3, sp.symbols("x1:4", positive=True))
    S = sum(w[k] * x[k] for k in range(3))
    kl = sum(w[k] * sp.log(w[k] / (w[k] * x[k] / S)) for k in range(3))
    agree(kl, lambda w_, x_: info_maxent.log_jensen_gap(x_.ravel(), w_.ravel()), [w, x],
          domain={0: dirichlet_sampler, 1: (0.05, 5.0)}, claim="info.jensen-log")


def test_log_jensen_gap_two_point_identity_is_proved():
    """claim info.jensen-log: the two-point identity is proved on the simplex (t < 1)."""
    t, a, b = sp.symbols("t a b", positive=True)
    S = t * a + (1 - t) * b
    d = derive(sp.log(S) - t * sp.log(a) - (1 - t) * sp.log(b),
               (t * sp.log(t / (t * a / S)) + (1 - t) * sp.log((1 - t) / ((1 - t) * b / S)), "KL form", "expand_log"),
               domain=[t < 1], instance="two points")
    assert d.kind == "instance"


def test_log_jensen_gap_closed_values():
    """claim info.jensen-log: log 2.5 - log 2 for w = (1/2, 1/2), x = (1, 4); 0 for constant x."""
    assert info_maxent.log_jensen_gap(np.array([1.0, 4.0]), np.array([0.5, 0.5])) == pytest.approx(
        math.log(2.5) - math.log(2.0), rel=CLOSED_FORM_RTOL)
    assert info_maxent.log_jensen_gap(np.array([3.0, 3.0, 3.0]), np.array([0.2, 0.3, 0.5])) == pytest.approx(
        0.0, abs=EXACT_ATOL)
    # points off the support of w do not count
    assert info_maxent.log_jensen_gap(np.array([2.0, 100.0]), np.array([1.0, 0.0])) == 0.0


@SETTINGS
@given(weighted_points())
def test_log_jensen_gap_property(pair):
    """claim info.jensen-log: the gap is >= 0 and equals KL(w || w x / S)."""
    x, w = pair
    gap = info_maxent.log_jensen_gap(x, w)
    assert gap >= 0.0
    q = w * x / np.sum(w * x)
    assert gap == pytest.approx(info.kl_divergence(w, q), rel=1e-8, abs=1e-10)


def test_log_jensen_gap_bad_input():
    with pytest.raises(ValueError, match="log_jensen_gap: x must be > 0"):
        info_maxent.log_jensen_gap(np.array([1.0, 0.0]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="log_jensen_gap: w sums to"):
        info_maxent.log_jensen_gap(np.array([1.0, 2.0]), np.array([0.5, 0.6]))
    with pytest.raises(ValueError, match="same shape"):
        info_maxent.log_jensen_gap(np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.5]))


# ------------------------------------------------------------------------------------ maximum entropy

def test_kl_from_uniform_agrees_with_sympy():
    """claim info.max-entropy-uniform: KL(p || u_3) = sum p log(3 p) = log 3 - H(p)."""
    p = sp.Matrix(1, 3, sp.symbols("p1:4", positive=True))
    agree(sum(p[k] * sp.log(3 * p[k]) for k in range(3)), lambda v: info_maxent.kl_from_uniform(v.ravel()), [p],
          domain=dirichlet_sampler, claim="info.max-entropy-uniform")
    agree(sp.log(3) + sum(p[k] * sp.log(p[k]) for k in range(3)),
          lambda v: math.log(3) - info.entropy(v.ravel()), [p], domain=dirichlet_sampler,
          claim="info.max-entropy-uniform")


def test_kl_from_uniform_closed_values_and_units():
    """claim info.max-entropy-uniform: 0 at the uniform distribution, log k at a point mass."""
    assert info_maxent.kl_from_uniform(np.full(4, 0.25)) == 0.0
    assert info_maxent.kl_from_uniform(np.array([0.0, 1.0, 0.0, 0.0]), base=2) == pytest.approx(2.0,
                                                                                              rel=CLOSED_FORM_RTOL)
    p = np.array([0.1, 0.2, 0.7])
    assert info_maxent.kl_from_uniform(p) == pytest.approx(math.log(3) - info.entropy(p), rel=CLOSED_FORM_RTOL)


@SETTINGS
@given(st.lists(st.floats(0.0, 10.0), min_size=2, max_size=7))
def test_entropy_at_most_log_k_property(weights):
    """claim info.max-entropy-uniform: H(p) <= log k, with the deficit KL(p || u_k)."""
    w = np.array(weights)
    if w.sum() == 0:
        w[0] = 1.0
    p = w / w.sum()
    assert info.entropy(p) <= math.log(p.size) + EXACT_ATOL
    assert info_maxent.kl_from_uniform(p) == pytest.approx(math.log(p.size) - info.entropy(p), abs=1e-12)


def test_kl_from_uniform_bad_input():
    with pytest.raises(ValueError, match="kl_from_uniform: p must be 1-D"):
        info_maxent.kl_from_uniform(np.full((2, 2), 0.25))
    with pytest.raises(ValueError, match="base"):
        info_maxent.kl_from_uniform(np.array([0.5, 0.5]), base=1)


# ------------------------------------------------------------------------------- differential entropy

@pytest.mark.parametrize("family, closed", [
    ("gaussian", lambda s: 0.5 * math.log(2 * math.pi * math.e * s**2)),
    ("uniform", lambda s: math.log(math.sqrt(12) * s)),
    ("laplace", lambda s: 1 + math.log(2 * s / math.sqrt(2))),
    ("logistic", lambda s: math.log(math.sqrt(3) * s / math.pi) + 2),
])
def test_differential_entropy_closed_forms(family, closed):
    """claims info.max-entropy-gaussian, info.differential-entropy-negative: the table of closed forms."""
    for s in (0.05, 0.3, 1.0, 2.7):
        assert float(info_maxent.differential_entropy(family, s)) == pytest.approx(closed(s), rel=CLOSED_FORM_RTOL)


def test_differential_entropy_by_numerical_integration():
    """claim info.max-entropy-gaussian: -int f log f matches the closed form, and h + KL(f || phi) = h(phi)."""
    grid = np.linspace(-40, 40, 400001)
    log_phi = -grid**2 / 2 - 0.5 * math.log(2 * math.pi)
    b, s = 1 / math.sqrt(2), math.sqrt(3) / math.pi
    for name, lf in {"laplace": -np.abs(grid) / b - math.log(2 * b),
                     "logistic": -grid / s - math.log(s) - 2 * np.logaddexp(0, -grid / s)}.items():
        f = np.exp(lf)
        h = np.trapezoid(-f * lf, grid)
        assert float(info_maxent.differential_entropy(name, 1.0)) == pytest.approx(h, rel=1e-7)
        kl = np.trapezoid(f * (lf - log_phi), grid)
        assert h + kl == pytest.approx(float(info.gaussian_entropy(1.0)), rel=1e-7)
        assert kl > 0


def test_gaussian_is_the_maximum_and_entropy_can_be_negative():
    """claims info.max-entropy-gaussian, info.differential-entropy-negative."""
    for s in (0.1, 1.0, 5.0):
        top = float(info_maxent.differential_entropy("gaussian", s))
        assert all(float(info_maxent.differential_entropy(f, s)) < top for f in ("uniform", "laplace", "logistic"))
    assert float(info_maxent.differential_entropy("uniform", 0.5 / math.sqrt(12))) == pytest.approx(-math.log(2))
    assert float(info_maxent.differential_entropy("gaussian", 0.1)) < 0
    # h(cX) = h(X) + log c for every family
    for f in info_maxent.FAMILIES:
        assert float(info_maxent.differential_entropy(f, 3.0)) == pytest.approx(
            float(info_maxent.differential_entropy(f, 1.0)) + math.log(3.0), rel=CLOSED_FORM_RTOL)


def test_laplace_entropy_integral_is_proved():
    """claim info.differential-entropy-negative: h(Laplace(b)) = 1 + log 2b, derived in general."""
    b, x = sp.symbols("b x", positive=True)
    lap = sp.exp(-x / b) / (2 * b)
    d = derive(2 * sp.Integral(-lap * sp.log(lap), (x, 0, sp.oo)),
               (2 * sp.Integral(lap * (x / b + sp.log(2 * b)), (x, 0, sp.oo)), "log of the density", "expand_log"),
               (1 + sp.log(2 * b), "moments", "doit"))
    agree(d.result.subs(b, x / sp.sqrt(2)), lambda s: info_maxent.differential_entropy("laplace", s), [x],
          domain=(0.05, 3.0), claim="info.differential-entropy-negative")


def test_differential_entropy_bad_input():
    with pytest.raises(ValueError, match="family must be one of"):
        info_maxent.differential_entropy("cauchy", 1.0)
    with pytest.raises(ValueError, match="std must be > 0"):
        info_maxent.differential_entropy("gaussian", 0.0)


def test_quantized_gaussian_entropy_converges_to_h():
    """claim info.differential-entropy-negative: H(X_Delta) + log Delta -> h(X), and H(X_Delta) >= 0."""
    for sigma in (0.1, 1.0, 3.0):
        h = float(info.gaussian_entropy(sigma))
        delta = sigma / 1000
        assert info_maxent.quantized_gaussian_entropy(sigma, delta) + math.log(delta) == pytest.approx(h, abs=1e-6)
    assert info_maxent.quantized_gaussian_entropy(0.1, 0.001) > 0 > float(info.gaussian_entropy(0.1))
    # one bin of width 1e3 around a narrow Gaussian: two bins [-1000, 0), [0, 1000) of mass 1/2 each
    assert info_maxent.quantized_gaussian_entropy(1.0, 1e3, base=2) == pytest.approx(1.0, rel=1e-12)


def test_quantized_gaussian_entropy_bad_input():
    with pytest.raises(ValueError, match="delta must be a positive"):
        info_maxent.quantized_gaussian_entropy(1.0, 0.0)
    with pytest.raises(ValueError, match="sigma must be a positive"):
        info_maxent.quantized_gaussian_entropy(float("nan"), 0.1)
    with pytest.raises(ValueError, match="bins"):
        info_maxent.quantized_gaussian_entropy(1.0, 1e-7)

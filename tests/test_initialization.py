"""Tests of mathdl.initialization against the chapter "Neurons" (book/neurons.ipynb), section "Initialization from
variance preservation": the Glorot and He scales (closed forms, the lemma behind them, sample variances), the
per-layer gain and the measured second moment through depth, and bad input."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from mathdl import initialization as I
from mathdl.verify import derive

pytestmark = pytest.mark.usefixtures("strict_floats")

EXACT_TOL = 1e-14     # closed forms evaluated in float64
SAMPLE_TOL = 0.03     # relative error of a sample variance over >= 30,000 draws
SLOPE_TOL = 0.1       # |measured - predicted| slope of log2 E[a^2] per layer


def test_glorot_closed_forms():
    """activations.glorot-init: v = 2 / (n_in + n_out), a = sqrt(6 / (n_in + n_out)) and a^2 / 3 = v."""
    for n_in, n_out in ((1, 1), (64, 64), (100, 300), (784, 10)):
        v = I.glorot_variance(n_in, n_out)
        assert v == pytest.approx(2.0 / (n_in + n_out), rel=EXACT_TOL, abs=0)
        a = I.glorot_uniform_limit(n_in, n_out)
        assert a == pytest.approx(math.sqrt(6.0 / (n_in + n_out)), rel=EXACT_TOL, abs=0)
        assert a * a / 3.0 == pytest.approx(v, rel=1e-13, abs=0)


def test_glorot_lemma_and_uniform_variance_symbolic():
    """activations.glorot-init: the second-moment lemma at n = 2 (finite expectation) and Var U(-a, a) = a^2 / 3."""
    c, u1, u2 = sp.symbols("c u1 u2", real=True)
    q = sp.Symbol("q", positive=True)
    pts = ((u1, q), (u2, 1 - q))
    terms = [sp.Rational(1, 4) * p1 * p2 * (s1 * x1 + s2 * x2) ** 2
             for s1, s2, (x1, p1), (x2, p2) in itertools.product((c, -c), (c, -c), pts, pts)]
    derive(sp.Add(*terms), (2 * c ** 2 * (q * u1 ** 2 + (1 - q) * u2 ** 2), "cross terms cancel"), domain=[q < 1],
           claim="activations.glorot-init", instance="n = 2")
    a, w = sp.Symbol("a", positive=True), sp.Symbol("w", real=True)
    derive(sp.Integral(w ** 2 / (2 * a), (w, -a, a)), (a ** 2 / 3, "integrate", "doit"),
           claim="activations.glorot-init")


def test_he_variance_and_relu_half_moment():
    """activations.he-init: v = 2 / n_in, and E[relu(a)^2] = s^2 / 2 for a ~ N(0, s^2) (proved, then sampled)."""
    for n in (1, 50, 256):
        assert I.he_variance(n) == pytest.approx(2.0 / n, rel=EXACT_TOL, abs=0)
    a, s = sp.Symbol("a", real=True), sp.Symbol("s", positive=True)
    dens = sp.exp(-a ** 2 / (2 * s ** 2)) / sp.sqrt(2 * sp.pi * s ** 2)
    derive(sp.Integral(a ** 2 * dens, (a, 0, sp.oo)), (s ** 2 / 2, "half the Gaussian moment", "doit"),
           claim="activations.he-init")
    draws = np.random.default_rng(0).normal(scale=2.0, size=400_000)
    assert np.mean(np.maximum(draws, 0.0) ** 2) / 4.0 == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize("scheme,distribution", list(itertools.product(I.SCHEMES, ("normal", "uniform"))))
def test_init_weights_has_the_scheme_variance(scheme, distribution):
    """activations.glorot-init / activations.he-init: sample variance of init_weights matches the scheme."""
    n_in, n_out = 300, 200
    W = I.init_weights(n_in, n_out, scheme, distribution, seed=1)
    target = I.glorot_variance(n_in, n_out) if scheme == "glorot" else I.he_variance(n_in)
    assert W.shape == (n_in, n_out)
    assert W.var() / target == pytest.approx(1.0, abs=SAMPLE_TOL)
    assert abs(W.mean()) < 0.01 * math.sqrt(target) * 10
    if distribution == "uniform":
        assert np.abs(W).max() <= math.sqrt(3.0 * target)
        assert np.abs(W).max() == pytest.approx(math.sqrt(3.0 * target), rel=1e-3)
    np.testing.assert_array_equal(W, I.init_weights(n_in, n_out, scheme, distribution, seed=1))  # seeded


def test_predicted_gain():
    """activations.init-depth: the per-layer factor n_in Var(w) c."""
    assert I.predicted_gain("relu", "he", 64, 64) == pytest.approx(1.0, rel=EXACT_TOL)
    assert I.predicted_gain("linear", "glorot", 64, 64) == pytest.approx(1.0, rel=EXACT_TOL)
    assert I.predicted_gain("relu", "glorot", 64, 64) == pytest.approx(0.5, rel=EXACT_TOL)
    assert I.predicted_gain("linear", "he", 64, 64) == pytest.approx(2.0, rel=EXACT_TOL)
    assert I.predicted_gain("linear", "glorot", 100, 300) == pytest.approx(0.5, rel=EXACT_TOL)


@pytest.mark.parametrize("activation,scheme", list(itertools.product(("linear", "relu"), I.SCHEMES)))
def test_second_moment_through_depth_follows_prediction(activation, scheme):
    """activations.init-depth: the measured slope of log2 E[a_l^2] is log2 of the predicted gain."""
    m = I.second_moment_through_depth(activation, scheme, depth=30, width=96, n=96, seed=0)
    assert m.shape == (31,)
    slope = np.polyfit(np.arange(31), np.log2(m), 1)[0]
    assert slope == pytest.approx(math.log2(I.predicted_gain(activation, scheme, 96, 96)), abs=SLOPE_TOL)


def test_second_moment_first_entries_exact():
    """Entry 0 is the inputs' mean square, entry l that of psi(a_{l-1}) @ W_l (psi(x) first), recomputed by hand."""
    m = I.second_moment_through_depth("relu", "he", depth=2, width=8, n=5, seed=3)
    x = np.random.default_rng(3).standard_normal((5, 8))
    a1 = np.maximum(x, 0.0) @ I.init_weights(8, 8, "he", "normal", seed=3 * 1000 + 1)  # x is the layer-0 input
    a2 = np.maximum(a1, 0.0) @ I.init_weights(8, 8, "he", "normal", seed=3 * 1000 + 2)
    np.testing.assert_allclose(m, [np.mean(x * x), np.mean(a1 * a1), np.mean(a2 * a2)], rtol=1e-13, atol=0)


@pytest.mark.parametrize("call,match", [
    (lambda: I.glorot_variance(0, 3), "glorot_variance: n_in must be a positive integer"),
    (lambda: I.glorot_uniform_limit(3, 2.5), "glorot_uniform_limit: n_out must be a positive integer"),
    (lambda: I.he_variance(True), "he_variance: n_in must be a positive integer"),
    (lambda: I.init_weights(3, 3, "kaiming"), "init_weights: scheme must be one of"),
    (lambda: I.init_weights(3, 3, "he", "cauchy"), "init_weights: distribution must be one of"),
    (lambda: I.init_weights(3, 3, seed=1.5), "init_weights: seed must be an integer"),
    (lambda: I.predicted_gain("tanh", "he", 3, 3), "predicted_gain: activation must be one of"),
    (lambda: I.second_moment_through_depth(depth=0), "second_moment_through_depth: depth must be a positive integer"),
    (lambda: I.second_moment_through_depth(seed="0"), "second_moment_through_depth: seed must be an integer"),
])
def test_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


def test_init_weights_is_the_seeded_draw():
    """init_weights reproduces numpy's seeded draw with the scheme's scale exactly."""
    v = I.he_variance(7)
    expected = np.random.default_rng(5).normal(scale=math.sqrt(v), size=(7, 3))
    np.testing.assert_allclose(I.init_weights(7, 3, "he", "normal", seed=5), expected, rtol=1e-15, atol=0)
    a = math.sqrt(3.0 * I.glorot_variance(7, 3))
    expected = np.random.default_rng(5).uniform(-a, a, size=(7, 3))
    np.testing.assert_allclose(I.init_weights(7, 3, "glorot", "uniform", seed=5), expected, rtol=1e-15, atol=0)

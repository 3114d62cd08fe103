"""Tests of mathdl.probability_families: exponential families (claims probability.exp-family-*), the change of
variables, inverse-CDF sampling and the reparameterisation. Equation labels refer to book/probability.ipynb."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from mathdl import losses, probability
from mathdl import probability_families as families
from mathdl.verify import agree, derive, gradcheck

#: Two float64 routes to one quantity that differ by round-off only.
ROUNDOFF_RTOL = 1e-12

x, mu, eta = sp.symbols("x mu eta", real=True)
sigma = sp.Symbol("sigma", positive=True)
GAUSS = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


# ------------------------------------------------------------------------------------------- Bernoulli

def test_bernoulli_natural_parameter_is_the_logit():
    """claim probability.exp-family-bernoulli: eta = log(p / (1 - p))."""
    p = sp.Symbol("p", positive=True)
    agree(sp.log(p / (1 - p)), families.bernoulli_natural_parameter, [p], domain={0: (0.01, 0.99)},
          claim="probability.exp-family-bernoulli")
    np.testing.assert_allclose(families.bernoulli_natural_parameter(np.array([0.8])), [math.log(4.0)], rtol=1e-14)


def test_bernoulli_log_partition_is_softplus_with_sigmoid_gradient():
    agree(sp.log(1 + sp.exp(eta)), families.bernoulli_log_partition, [eta], claim="probability.exp-family-bernoulli")
    e = np.linspace(-30.0, 30.0, 13)
    gradcheck(families.bernoulli_log_partition, lambda g, v: g / (1 + np.exp(-v)), [e],
              claim="probability.exp-family-bernoulli")
    assert families.bernoulli_log_partition(np.array([800.0]))[0] == 800.0  # no overflow


@pytest.mark.parametrize("label", [0, 1])
def test_bernoulli_log_pmf_natural_matches_sympy_and_bce(label):
    agree(label * eta - sp.log(1 + sp.exp(eta)),
          lambda e: families.bernoulli_log_pmf_natural(np.full_like(e, label), e), [eta],
          claim="probability.exp-family-bernoulli")
    z = np.array([[-2.0], [0.3], [4.0]])
    y = np.full_like(z, float(label))
    np.testing.assert_allclose(-families.bernoulli_log_pmf_natural(y, z).mean(),
                               losses.binary_cross_entropy_with_logits(z, y), rtol=ROUNDOFF_RTOL)


def test_bernoulli_proofs():
    odds, xb = sp.Symbol("r", positive=True), sp.Symbol("x", nonnegative=True)
    p, q = odds / (1 + odds), 1 / (1 + odds)
    derive(sp.log(p**xb * q ** (1 - xb)), (xb * sp.log(p) + (1 - xb) * sp.log(q), "log", "expand_log"),
           (xb * sp.log(p / q) + sp.log(q), "collect"), claim="probability.exp-family-bernoulli")
    derive(sp.Derivative(sp.log(1 + sp.exp(eta)), eta), (1 / (1 + sp.exp(-eta)), "sigmoid"),
           claim="probability.exp-family-bernoulli")


# ----------------------------------------------------------------------------------------- categorical

def test_softmax_is_the_gradient_of_log_sum_exp():
    """eq (pr-softmax-link): claim probability.exp-family-softmax."""
    e = sp.symbols("eta_1:4", real=True)
    partition = sum(sp.exp(v) for v in e)
    agree(sp.ImmutableMatrix([[sp.log(partition)]]), lambda m: families.categorical_log_partition(m)[:, None],
          [sp.ImmutableMatrix([list(e)])], claim="probability.exp-family-softmax")
    agree(sp.ImmutableMatrix([[sp.exp(v) / partition for v in e]]), families.categorical_mean,
          [sp.ImmutableMatrix([list(e)])], claim="probability.exp-family-softmax")
    logits = np.random.default_rng(0).normal(size=(3, 4))
    gradcheck(families.categorical_log_partition, lambda g, m: g[:, None] * families.categorical_mean(m), [logits],
              claim="probability.exp-family-softmax")
    derive(sp.Derivative(sp.log(partition), e[0]), (sp.exp(e[0]) / partition, "chain rule"), instance="K = 3",
           claim="probability.exp-family-softmax")


def test_softmax_shift_invariance_and_stability():
    logits = np.random.default_rng(1).normal(size=(2, 5))
    np.testing.assert_allclose(families.categorical_mean(logits + 7.5), families.categorical_mean(logits),
                               rtol=ROUNDOFF_RTOL)
    np.testing.assert_allclose(families.categorical_log_partition(logits + 7.5),
                               families.categorical_log_partition(logits) + 7.5, rtol=ROUNDOFF_RTOL)
    np.testing.assert_allclose(families.categorical_log_partition(np.array([[1000.0, 1000.0]])),
                               [1000.0 + math.log(2.0)], rtol=1e-15)
    np.testing.assert_allclose(families.categorical_mean(logits).sum(axis=1), 1.0, rtol=1e-14)


def test_softmax_cross_entropy_is_the_categorical_nll():
    logits = np.random.default_rng(2).normal(size=(4, 3))
    y = np.array([0, 2, 1, 1])
    nll = np.mean(families.categorical_log_partition(logits) - logits[np.arange(4), y])
    np.testing.assert_allclose(nll, losses.softmax_cross_entropy(logits, y), rtol=ROUNDOFF_RTOL)


# -------------------------------------------------------------------------------------------- Gaussian

def test_gaussian_natural_form_matches_the_density():
    """eq (pr-gauss-partition): claim probability.exp-family-gaussian."""
    e1, e2 = sp.Symbol("eta_1", real=True), sp.Symbol("eta_2", negative=True)
    A = -e1**2 / (4 * e2) - sp.log(-2 * e2) / 2
    agree(A, families.gaussian_log_partition, [e1, e2], domain={1: (-3.0, -0.05)},
          claim="probability.exp-family-gaussian")
    agree(e1 * x + e2 * x**2 - A - sp.log(2 * sp.pi) / 2, families.gaussian_log_density_natural, [x, e1, e2],
          domain={2: (-3.0, -0.05)}, claim="probability.exp-family-gaussian")
    for m, s in ((0.3, 0.7), (-1.2, 2.5)):
        e1v, e2v = families.gaussian_natural_parameters(m, s)
        np.testing.assert_allclose([e1v, e2v], [m / s**2, -0.5 / s**2], rtol=1e-15)
        grid = np.linspace(-3.0, 3.0, 7)
        np.testing.assert_allclose(families.gaussian_log_density_natural(grid, e1v, e2v),
                                   probability.gaussian_log_density(grid, m, s), rtol=ROUNDOFF_RTOL)


def test_gaussian_log_partition_gradient_is_the_mean_of_T():
    e1v, e2v = families.gaussian_natural_parameters(0.4, 1.3)
    h = 1e-6
    d1 = (families.gaussian_log_partition(e1v + h, e2v) - families.gaussian_log_partition(e1v - h, e2v)) / (2 * h)
    d2 = (families.gaussian_log_partition(e1v, e2v + h) - families.gaussian_log_partition(e1v, e2v - h)) / (2 * h)
    np.testing.assert_allclose([d1, d2], [0.4, 0.4**2 + 1.3**2], rtol=1e-7)


# ---------------------------------------------------------------------------------- change of variables

def test_lognormal_is_the_change_of_variables_of_the_gaussian():
    """eq (pr-change-of-variables): claim probability.change-of-variables."""
    y = sp.Symbol("y", positive=True)
    agree(sp.log(GAUSS.subs(x, sp.log(y)) / y), families.lognormal_log_density, [y, mu, sigma],
          domain={0: (0.05, 5.0), 2: (0.3, 2.0)}, claim="probability.change-of-variables")
    phi = (1 + sp.erf((sp.log(y) - mu) / (sigma * sp.sqrt(2)))) / 2
    derive(sp.Derivative(phi, y), (GAUSS.subs(x, sp.log(y)) / y, "chain rule"), claim="probability.change-of-variables")
    grid = np.linspace(1e-6, 80.0, 400_001)
    assert abs(np.trapezoid(np.exp(families.lognormal_log_density(grid, 0.2, 0.7)), grid) - 1.0) < 1e-6


def test_monotone_transform_equals_lognormal_and_affine():
    y = np.linspace(0.1, 5.0, 11)
    got = families.monotone_transform_log_density(y, probability.gaussian_log_density, np.log, lambda v: -np.log(v))
    np.testing.assert_allclose(got, families.lognormal_log_density(y), rtol=ROUNDOFF_RTOL)
    # y = 2x + 1 with x ~ N(0, 1) is N(1, 4)
    got = families.monotone_transform_log_density(y, probability.gaussian_log_density, lambda v: (v - 1) / 2,
                                                  lambda v: np.full_like(v, -math.log(2.0)))
    np.testing.assert_allclose(got, probability.gaussian_log_density(y, 1.0, 2.0), rtol=ROUNDOFF_RTOL)


# -------------------------------------------------------------------------------------------- sampling

def test_exponential_inverse_cdf_inverts_the_cdf():
    """claim probability.inverse-cdf-sampling."""
    u, lam = sp.Symbol("u", positive=True), sp.Symbol("lambda", positive=True)
    agree(-sp.log(1 - u) / lam, families.exponential_inverse_cdf, [u, lam], domain={0: (0.0, 0.99), 1: (0.2, 3.0)},
          claim="probability.inverse-cdf-sampling")
    uu = np.linspace(0.0, 0.999, 50)
    np.testing.assert_allclose(1 - np.exp(-2.0 * families.exponential_inverse_cdf(uu, 2.0)), uu, atol=1e-14)


def test_inverse_cdf_sample_has_the_target_distribution():
    draws = families.inverse_cdf_sample(lambda v: families.exponential_inverse_cdf(v, 2.0), 200_000, seed=1)
    assert draws.shape == (200_000,)
    assert abs(draws.mean() - 0.5) < 4 * draws.std() / math.sqrt(draws.size)
    assert abs(np.mean(draws < math.log(2) / 2) - 0.5) < 0.005
    np.testing.assert_allclose(families.inverse_cdf_sample(lambda v: v, 3, seed=0),
                               np.random.default_rng(0).random(3), rtol=1e-15)


def test_reparameterization():
    """eq (pr-reparam): claim probability.reparameterization."""
    np.testing.assert_allclose(families.reparameterized_gaussian(1.0, 2.0, np.array([-1.0, 0.5])), [-1.0, 2.0],
                               rtol=1e-15)
    z = families.reparameterized_gaussian(0.7, 1.3, np.random.default_rng(3).standard_normal(200_000))
    assert abs(z.mean() - 0.7) < 0.02 and abs(z.std() - 1.3) < 0.02
    grad = families.reparameterized_gradient(lambda v: 2 * v, 0.7, 1.3, 400_000, seed=13)
    np.testing.assert_allclose(grad, [1.4, 2.6], atol=0.02)
    # f linear: the pathwise gradient is exact for any draws, (E f', E f' eps) = (3, 3 mean(eps))
    eps_mean = np.random.default_rng(5).standard_normal(1000).mean()
    constant_slope = families.reparameterized_gradient(lambda v: np.full_like(v, 3.0), 0.0, 1.0, 1000, seed=5)
    np.testing.assert_allclose(constant_slope, [3.0, 3.0 * eps_mean], rtol=1e-12)


# --------------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, match", [
    (lambda: families.bernoulli_natural_parameter(np.array([0.0, 0.5])), "strictly in"),
    (lambda: families.bernoulli_log_pmf_natural(np.array([0.5]), np.array([0.0])), "only 0 and 1"),
    (lambda: families.categorical_log_partition(np.zeros(3)), "2-D"),
    (lambda: families.gaussian_natural_parameters(0.0, 0.0), "positive"),
    (lambda: families.gaussian_log_partition(0.0, 0.5), "negative"),
    (lambda: families.gaussian_log_density_natural(np.zeros(2), np.zeros(2), -0.5), "scalar"),
    (lambda: families.lognormal_log_density(np.array([-1.0])), "> 0"),
    (lambda: families.exponential_inverse_cdf(np.array([1.0])), r"\[0, 1\)"),
    (lambda: families.inverse_cdf_sample(families.exponential_inverse_cdf, 0), ">= 1"),
    (lambda: families.reparameterized_gaussian(0.0, -1.0, np.zeros(2)), "sigma must be > 0"),
    (lambda: families.reparameterized_gradient(np.square, 0.0, 1.0, 0), ">= 1"),
    (lambda: families.monotone_transform_log_density(np.array([-1.0]), probability.gaussian_log_density, np.log,
                                                     lambda v: -np.log(v)), "NaN"),
])
def test_bad_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call", [
    lambda: families.inverse_cdf_sample(3.0, 5),
    lambda: families.reparameterized_gradient("f", 0.0, 1.0, 5),
    lambda: families.monotone_transform_log_density(np.ones(2), None, np.log, np.log),
])
def test_non_callables_are_refused(call):
    with pytest.raises(TypeError, match="callable"):
        call()

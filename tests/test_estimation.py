"""Tests of mathdl.estimation: each estimator against SymPy (agree), gradients against finite differences
(gradcheck), a closed form or simulation, and bad input. Equation labels refer to book/probability.ipynb."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathdl import estimation, probability
from mathdl.verify import AgreementError, agree, derive, gradcheck

#: Agreement of two numpy routes to one quantity (ridge vs conditioning vs posterior mean).
ROUTE_RTOL = 1e-9
#: Monte Carlo: how many standard errors a simulated mean may stray from its expectation.
MC_SIGMAS = 4.0
#: Tolerance on the fitted log-log slope of the Monte Carlo RMSE (exact value -1/2).
SLOPE_ATOL = 0.05
#: Two float64 computations of the same formula, in the same order of operations.
EXACT_RTOL = 1e-15
#: Two float64 routes to one quantity that differ by round-off only.
ROUNDOFF_RTOL = 1e-11

x, mu = sp.symbols("x mu", real=True)
sigma, tau = sp.symbols("sigma tau", positive=True)
GAUSS = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


# ------------------------------------------------------------------ maximum likelihood, the unbiased variance

def test_mle_gaussian_is_the_stationary_point():
    """claims probability.mle-gaussian-mean and probability.mle-gaussian-variance, for symbolic n."""
    n, i = sp.Symbol("n", integer=True, positive=True), sp.Symbol("i", integer=True, positive=True)
    xs, v = sp.IndexedBase("x", real=True), sp.Symbol("v", positive=True)
    ll = sp.Sum(-(xs[i] - mu) ** 2 / (2 * v) - sp.log(2 * sp.pi * v) / 2, (i, 1, n))
    sum_x = sp.Sum(xs[i], (i, 1, n))
    score = derive(sp.Derivative(ll, mu), claim="probability.mle-gaussian-mean").step(
        (sum_x - n * mu) / v, "differentiate", rewrite="linearity_of_sums")
    assert sp.solve(score.result, mu) == [sum_x / n]
    S = sp.Sum((xs[i] - mu) ** 2, (i, 1, n))
    score_v = derive(sp.Derivative(ll, v), claim="probability.mle-gaussian-variance").step(
        -n / (2 * v) + S / (2 * v**2), "differentiate", rewrite="linearity_of_sums")
    Ssym = sp.Symbol("S", positive=True)
    assert sp.solve(score_v.result.subs(S, Ssym), v) == [Ssym / n]


def test_mle_gaussian_maximises_the_likelihood(rng):
    data = rng.normal(2.0, 0.5, 30)
    m, v = estimation.mle_gaussian(data)
    best = probability.gaussian_log_likelihood(data, m, math.sqrt(v))
    for dm, ds in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert probability.gaussian_log_likelihood(data, m + dm, math.sqrt(v) + ds) < best


def test_mle_and_unbiased_variance_closed_forms(rng):
    data = rng.normal(size=11)
    assert estimation.mle_gaussian(data)[1] == pytest.approx(np.var(data), rel=1e-13)
    assert estimation.unbiased_variance(data) == pytest.approx(np.var(data, ddof=1), rel=1e-13)


def test_mle_variance_bias_by_simulation():
    """claim probability.mle-variance-bias: E[MLE] = (n-1)/n sigma^2, E[s^2] = sigma^2."""
    n, s = 4, 2.0
    mle, unbiased = estimation.sample_variance_estimates(n, 200_000, mu=-1.0, sigma=s, seed=9)
    for est, target in ((mle, (n - 1) / n * s**2), (unbiased, s**2)):
        m, se = estimation.monte_carlo_mean(est)
        assert abs(m - target) < MC_SIGMAS * se
    m, se = estimation.monte_carlo_mean(mle)
    assert abs(m - s**2) > 10 * se  # the bias is real, not noise


def _all_samples(values, probs, n):
    """Every sample of size n from a finite distribution, with its probability (exact expectations, no sampling)."""
    for idx in itertools.product(range(len(values)), repeat=n):
        yield values[list(idx)], float(np.prod(probs[list(idx)]))


@pytest.mark.parametrize("n", [2, 3, 4])
def test_mle_variance_bias_exact_expectation(n):
    """claim probability.mle-variance-bias, exactly: E[sigma_hat^2] = (n-1)/n sigma^2 and E[s^2] = sigma^2, the
    expectations taken over every possible sample of a three-point distribution (no simulation)."""
    values, probs = np.array([-1.0, 0.5, 2.0]), np.array([0.2, 0.5, 0.3])
    mean = float(values @ probs)
    var = float(((values - mean) ** 2) @ probs)
    e_mle = sum(p * estimation.mle_gaussian(x)[1] for x, p in _all_samples(values, probs, n))
    e_unbiased = sum(p * estimation.unbiased_variance(x) for x, p in _all_samples(values, probs, n))
    assert e_mle == pytest.approx((n - 1) / n * var, rel=ROUNDOFF_RTOL)
    assert e_unbiased == pytest.approx(var, rel=ROUNDOFF_RTOL)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_variance_of_the_mean_exact_expectation(n):
    """claim probability.monte-carlo-rate, exactly: over every sample of size n, E[(mean - mu)^2] = sigma^2 / n, and
    the squared standard error of monte_carlo_mean is unbiased for it."""
    values, probs = np.array([0.0, 1.0, 3.0]), np.array([0.5, 0.3, 0.2])
    mu = float(values @ probs)
    var = float(((values - mu) ** 2) @ probs)
    mse = sum(p * (estimation.monte_carlo_mean(x)[0] - mu) ** 2 for x, p in _all_samples(values, probs, n))
    se2 = sum(p * estimation.monte_carlo_mean(x)[1] ** 2 for x, p in _all_samples(values, probs, n))
    assert mse == pytest.approx(var / n, rel=ROUNDOFF_RTOL)
    assert se2 == pytest.approx(var / n, rel=ROUNDOFF_RTOL)


def test_sample_variance_estimates_deterministic_core():
    """Each row is mu + sigma z with the seed's z; the estimates are its MLE and unbiased variances, exactly."""
    mle, unbiased = estimation.sample_variance_estimates(4, 7, mu=1.5, sigma=0.5, seed=2)
    x = 1.5 + 0.5 * np.random.default_rng(2).standard_normal((7, 4))
    np.testing.assert_allclose(mle, np.var(x, axis=1), rtol=ROUNDOFF_RTOL)
    np.testing.assert_allclose(unbiased, np.var(x, axis=1, ddof=1), rtol=ROUNDOFF_RTOL)
    np.testing.assert_allclose(mle, [estimation.mle_gaussian(row)[1] for row in x], rtol=ROUNDOFF_RTOL)


def test_estimators_bad_input():
    with pytest.raises(ValueError, match="at least 2 values"):
        estimation.unbiased_variance(np.array([1.0]))
    with pytest.raises(ValueError, match=r"x must be 1-D.*ravel"):
        estimation.mle_gaussian(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="n must be an int >= 2"):
        estimation.sample_variance_estimates(1, 10)


# -------------------------------------------------------------------------------------------------------- MAP

X32 = sp.ImmutableMatrix(3, 2, lambda r, k: sp.Symbol(f"x{r}{k}", real=True))
Y3 = sp.ImmutableMatrix(sp.symbols("y0:3", real=True))
W2 = sp.ImmutableMatrix(sp.symbols("w0:2", real=True))
RESID = Y3 - X32 * W2
SQ = (RESID.T * RESID)[0] / 2
CONST = sp.Rational(3, 2) * sp.log(2 * sp.pi * sigma**2)
MAP_DOMAIN = {3: (0.3, 2.0), 4: (0.3, 2.0)}


def _nlp(prior):
    return lambda w, X, y, s, t: estimation.neg_log_posterior_linear(w.ravel(), X, y.ravel(), s, prior, t)


def test_gaussian_prior_is_l2_penalty():
    """eq (pr-map): claim probability.map-gaussian-is-l2, lambda = sigma^2 / tau^2."""
    lam = sigma**2 / tau**2
    expr = (SQ + lam / 2 * (W2.T * W2)[0]) / sigma**2 + CONST + sp.log(2 * sp.pi * tau**2)
    agree(expr, _nlp("gaussian"), [W2, X32, Y3, sigma, tau], domain=MAP_DOMAIN, claim="probability.map-gaussian-is-l2")


def test_laplace_prior_is_l1_penalty():
    """eq (pr-map): claim probability.map-laplace-is-l1, lambda = sigma^2 / b."""
    lam = sigma**2 / tau
    expr = (SQ + lam * sum(sp.Abs(w) for w in W2)) / sigma**2 + CONST + 2 * sp.log(2 * tau)
    agree(expr, _nlp("laplace"), [W2, X32, Y3, sigma, tau], domain=MAP_DOMAIN, claim="probability.map-laplace-is-l1")


def test_a_wrong_penalty_strength_is_caught():
    expr = (SQ + tau**2 / sigma**2 / 2 * (W2.T * W2)[0]) / sigma**2 + CONST + sp.log(2 * sp.pi * tau**2)
    report = agree(expr, _nlp("gaussian"), [W2, X32, Y3, sigma, tau], domain=MAP_DOMAIN, check=False)
    assert not report.passed
    with pytest.raises(AgreementError):
        agree(expr, _nlp("gaussian"), [W2, X32, Y3, sigma, tau], domain=MAP_DOMAIN)


@pytest.mark.parametrize("prior, claim", [("gaussian", "probability.map-gaussian-is-l2"),
                                          ("laplace", "probability.map-laplace-is-l1")])
def test_neg_log_posterior_gradcheck(rng, prior, claim):
    X, y = rng.standard_normal((15, 3)), rng.standard_normal(15)
    w = rng.uniform(0.3, 1.0, 3) * np.array([1.0, -1.0, 1.0])  # away from the L1 kink at 0
    gradcheck(lambda w_: np.asarray(estimation.neg_log_posterior_linear(w_, X, y, 0.5, prior, 0.7)),
              lambda g, w_: g * estimation.neg_log_posterior_linear_grad(w_, X, y, 0.5, prior, 0.7), [w], claim=claim)


def test_map_equals_ridge_symbolically():
    """eq (pr-ridge): claim probability.map-ridge, conditioning route vs (X^T X + lambda I)^{-1} X^T y."""
    ridge = (X32.T * X32 + sigma**2 / tau**2 * sp.eye(2)).inv() * X32.T * Y3
    agree(ridge, lambda X, y, s, t: estimation.map_linear_gaussian(X, y.ravel(), s, t), [X32, Y3, sigma, tau],
          domain={2: (0.3, 2.0), 3: (0.3, 2.0)}, claim="probability.map-ridge")
    lam = sp.Symbol("lambda", positive=True)
    agree((X32.T * X32 + lam * sp.eye(2)).inv() * X32.T * Y3,
          lambda X, y, l_: estimation.ridge_solution(X, y.ravel(), l_), [X32, Y3, lam], domain={2: (0.1, 2.0)},
          claim="probability.map-ridge")


def test_map_routes_agree_and_gradient_vanishes(rng):
    X, y = rng.standard_normal((30, 6)), rng.standard_normal(30)
    s, t = 0.4, 0.9
    w_ridge = estimation.ridge_solution(X, y, estimation.map_penalty_strength(s, t))
    np.testing.assert_allclose(estimation.map_linear_gaussian(X, y, s, t), w_ridge, rtol=ROUTE_RTOL)
    np.testing.assert_allclose(estimation.bayesian_linear_posterior(X, y, s, t)[0], w_ridge, rtol=ROUTE_RTOL)
    grad = estimation.neg_log_posterior_linear_grad(w_ridge, X, y, s, "gaussian", t)
    assert np.max(np.abs(grad)) < 1e-9 * np.max(np.abs(X.T @ y)) / s**2


def test_map_penalty_strength_closed_forms():
    assert estimation.map_penalty_strength(0.1, 1.0) == pytest.approx(0.01)
    assert estimation.map_penalty_strength(0.5, 0.25, "laplace") == pytest.approx(1.0)


def test_map_bad_input(rng):
    X, y = rng.standard_normal((5, 2)), rng.standard_normal(5)
    with pytest.raises(ValueError, match=r"w must have shape \(2,\)"):
        estimation.neg_log_posterior_linear(np.zeros(3), X, y, 1.0)
    with pytest.raises(ValueError, match=r"y must have shape \(5,\)"):
        estimation.ridge_solution(X, np.zeros(4), 1.0)
    with pytest.raises(ValueError, match=r"y must be 1-D.*ravel"):
        estimation.ridge_solution(X, y[:, None], 1.0)
    with pytest.raises(ValueError, match="prior must be one of"):
        estimation.neg_log_posterior_linear(np.zeros(2), X, y, 1.0, prior="cauchy")
    with pytest.raises(ValueError, match="must be > 0"):
        estimation.ridge_solution(X, y, 0.0)
    with pytest.raises(ValueError, match="scale.*must be > 0"):
        estimation.neg_log_posterior_linear(np.zeros(2), X, y, 1.0, scale=-1.0)


# --------------------------------------------------------------------------------------------------- evidence

def test_linear_evidence_against_quadrature(rng):
    """claim probability.linear-evidence: closed form vs a trapezoid over the single weight."""
    xs = rng.uniform(-2, 2, 15)
    y = 0.6 * xs + 0.4 * rng.standard_normal(15)
    grid = np.linspace(-8, 8, 8001)
    log_joint = np.array([probability.gaussian_log_likelihood(y, w * xs, 0.4) for w in grid])
    log_joint += probability.gaussian_log_density(grid, 0.0, 1.2)
    closed_form = estimation.linear_log_evidence(xs[:, None], y, 0.4, 1.2)
    assert abs(estimation.log_trapezoid(log_joint, grid) - closed_form) < 1e-8


def test_linear_evidence_one_observation_agrees_with_sympy():
    xs, ys = sp.symbols("x y", real=True)
    formula = sp.log(GAUSS.subs({x: ys, mu: 0, sigma: sp.sqrt(sigma**2 + tau**2 * xs**2)}, simultaneous=True))
    agree(formula, lambda x_, y_, s, t: estimation.linear_log_evidence(np.array([[x_]]), np.array([y_]), s, t),
          [xs, ys, sigma, tau], domain={2: (0.3, 2.0), 3: (0.3, 2.0)}, claim="probability.linear-evidence")


def test_log_trapezoid_does_not_overflow():
    grid = np.linspace(0.0, 1.0, 11)
    assert estimation.log_trapezoid(np.full(11, 1000.0), grid) == pytest.approx(1000.0, abs=1e-12)
    with pytest.raises(ValueError, match="increasing"):
        estimation.log_trapezoid(np.zeros(3), np.array([0.0, 2.0, 1.0]))


def test_log_trapezoid_is_exact_for_a_linear_integrand():
    """The trapezoid rule integrates 1 + w exactly: log of the integral over [0, 2] is log 4."""
    grid = np.array([0.0, 0.5, 1.25, 2.0])
    assert estimation.log_trapezoid(np.log1p(grid), grid) == pytest.approx(math.log(4.0), rel=ROUNDOFF_RTOL)


def test_bayesian_linear_posterior_one_weight_closed_form(rng):
    """claim probability.map-ridge: for one weight the posterior precision is sum x^2 / sigma^2 + 1 / tau^2 and the
    mean is the precision-weighted data term."""
    xs, y = rng.normal(size=6), rng.normal(size=6)
    m, S = estimation.bayesian_linear_posterior(xs[:, None], y, 0.4, 1.3)
    precision = float(xs @ xs) / 0.4**2 + 1 / 1.3**2
    assert S.shape == (1, 1) and S[0, 0] == pytest.approx(1 / precision, rel=ROUNDOFF_RTOL)
    assert m[0] == pytest.approx(float(xs @ y) / 0.4**2 / precision, rel=ROUNDOFF_RTOL)


# ------------------------------------------------------------------------------------------------ Monte Carlo

def test_monte_carlo_rate_slope():
    """eq (pr-mc-rate): claim probability.monte-carlo-rate, RMSE ~ sigma_f / sqrt(n)."""
    ns = np.array([10, 40, 160, 640, 2560])
    rmse = estimation.monte_carlo_rmse(np.square, 1.0, ns, trials=300, seed=1)
    assert abs(estimation.loglog_slope(ns, rmse) + 0.5) < SLOPE_ATOL
    assert np.all(np.abs(rmse * np.sqrt(ns) / math.sqrt(2.0) - 1.0) < 0.15)


def test_monte_carlo_rmse_deterministic_core():
    """The RMSE is sqrt(mean over trials of (row mean of f(z) - truth)^2) with the seed's draws, exactly."""
    ns = np.array([3, 8])
    rmse = estimation.monte_carlo_rmse(np.square, 1.0, ns, trials=5, seed=3)
    rng = np.random.default_rng(3)
    expected = [math.sqrt(np.mean((np.square(rng.standard_normal((5, n))).mean(axis=1) - 1.0) ** 2)) for n in ns]
    np.testing.assert_allclose(rmse, expected, rtol=ROUNDOFF_RTOL)


def test_monte_carlo_rmse_of_a_constant_is_its_offset():
    """f(z) = c: every estimate is c, so the RMSE against truth t is |c - t| at every n (no randomness left)."""
    rmse = estimation.monte_carlo_rmse(lambda z: np.full(z.shape, 2.5), 1.0, np.array([1, 10]), trials=3)
    np.testing.assert_allclose(rmse, [1.5, 1.5], rtol=EXACT_RTOL)


def test_loglog_slope_and_monte_carlo_mean_exact():
    ns = np.array([1.0, 10.0, 100.0])
    assert estimation.loglog_slope(ns, 3.0 * ns**-0.5) == pytest.approx(-0.5, rel=ROUNDOFF_RTOL)
    assert estimation.loglog_slope(ns, 2.0 * ns) == pytest.approx(1.0, rel=ROUNDOFF_RTOL)
    assert estimation.monte_carlo_mean(np.array([1.0, 3.0, 8.0])) == pytest.approx((4.0, math.sqrt(13.0 / 3.0)),
                                                                                      rel=ROUNDOFF_RTOL)
    with pytest.raises(ValueError, match="positive 1-D arrays of one shape"):
        estimation.loglog_slope(ns, -ns)


def test_monte_carlo_mean_standard_error(rng):
    values = rng.normal(3.0, 2.0, 10_000)
    est, se = estimation.monte_carlo_mean(values)
    assert se == pytest.approx(np.std(values, ddof=1) / 100, rel=1e-12)
    assert abs(est - 3.0) < MC_SIGMAS * se


def test_monte_carlo_bad_input():
    with pytest.raises(ValueError, match="ns must be a 1-D array of positive ints"):
        estimation.monte_carlo_rmse(np.square, 1.0, np.array([0, 10]))
    with pytest.raises(TypeError, match="f must be callable"):
        estimation.monte_carlo_rmse(3.0, 1.0, np.array([10]))
    with pytest.raises(ValueError, match="f must return an array of its input's shape"):
        estimation.monte_carlo_rmse(lambda z: z.mean(axis=1), 0.0, np.array([10]))
    with pytest.raises(ValueError, match="at least 2 values"):
        estimation.monte_carlo_mean(np.array([1.0]))


# ------------------------------------------------------------------------------------------------- hypothesis

finite = st.floats(-50, 50, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(2, 30), elements=finite))
def test_unbiased_is_rescaled_mle(xs):
    n = xs.size
    assert estimation.unbiased_variance(xs) == pytest.approx(n / (n - 1) * estimation.mle_gaussian(xs)[1],
                                                              rel=1e-12, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.floats(0.05, 5), st.floats(0.05, 5), st.integers(0, 10_000))
def test_map_routes_agree_property(d, s, t, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((8, d)), rng.standard_normal(8)
    w_ridge = estimation.ridge_solution(X, y, estimation.map_penalty_strength(s, t))
    np.testing.assert_allclose(estimation.map_linear_gaussian(X, y, s, t), w_ridge, rtol=1e-7, atol=1e-10)


def test_boundary_sizes_are_accepted_and_degenerate_grids_refused():
    """The smallest valid inputs work; a grid with a repeated point, n <= 0 or a zero error is refused."""
    assert estimation.log_trapezoid(np.zeros(2), np.array([0.0, 2.0])) == pytest.approx(math.log(2.0), rel=EXACT_RTOL)
    with pytest.raises(ValueError, match="increasing"):
        estimation.log_trapezoid(np.zeros(3), np.array([0.0, 1.0, 1.0]))
    assert estimation.loglog_slope(np.array([1.0, 4.0]), np.array([1.0, 0.5])) == pytest.approx(-0.5, rel=ROUNDOFF_RTOL)
    for ns, errors in ((np.array([0.0, 4.0]), np.array([1.0, 0.5])), (np.array([1.0, 4.0]), np.array([1.0, 0.0]))):
        with pytest.raises(ValueError, match="positive 1-D arrays"):
            estimation.loglog_slope(ns, errors)
    assert estimation.monte_carlo_rmse(np.square, 1.0, np.array([4]), trials=2).shape == (1,)
    mle, unbiased = estimation.sample_variance_estimates(2, 1, seed=0)
    assert unbiased[0] == pytest.approx(2 * mle[0], rel=EXACT_RTOL)

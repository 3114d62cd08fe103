"""Tests of mathdl.probability: each formula against SymPy (agree), gradients against finite differences
(gradcheck), an invariant or closed form, and bad input. Equation labels refer to book/probability.ipynb."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mathdl import losses, probability
from mathdl.verify import AgreementError, agree, derive, gradcheck

#: Trapezoid integrals of smooth densities on fine grids.
QUADRATURE_ATOL = 1e-9
#: Agreement of two numpy routes to one quantity (ridge vs conditioning vs posterior mean).
ROUTE_RTOL = 1e-9
#: Monte Carlo: how many standard errors a simulated mean may stray from its expectation.
MC_SIGMAS = 4.0
#: Tolerance on the fitted log-log slope of the Monte Carlo RMSE (exact value -1/2).
SLOPE_ATOL = 0.05

x, mu = sp.symbols("x mu", real=True)
sigma, tau, b = sp.symbols("sigma tau b", positive=True)
GAUSS = sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
LAPLACE = sp.exp(-sp.Abs(x - mu) / b) / (2 * b)
POSITIVE = (0.2, 3.0)


# ------------------------------------------------------------------------------------------------ densities

def test_gaussian_log_density_agrees_with_sympy():
    """eq (pr-gauss): claim probability.gaussian-normalised."""
    agree(sp.log(GAUSS), probability.gaussian_log_density, [x, mu, sigma], domain={2: POSITIVE},
          claim="probability.gaussian-normalised")


def test_gaussian_density_agrees_with_sympy():
    agree(GAUSS, probability.gaussian_density, [x, mu, sigma], domain={2: POSITIVE},
          claim="probability.gaussian-normalised")


def test_laplace_log_density_agrees_with_sympy():
    agree(sp.log(LAPLACE), probability.laplace_log_density, [x, mu, b], domain={2: POSITIVE},
          claim="probability.laplace-normalised")


def test_gaussian_normalisation_and_moments_proved():
    line = (x, -sp.oo, sp.oo)
    derive(sp.Integral(GAUSS, line), (1, "Gaussian integral"), claim="probability.gaussian-normalised")
    derive(sp.Integral(x * GAUSS, line), (mu, "mean"), claim="probability.gaussian-moments")
    derive(sp.Integral((x - mu) ** 2 * GAUSS, line), (sigma**2, "variance"), claim="probability.gaussian-moments")
    derive(sp.Integral(LAPLACE, line), (1, "two tails"), claim="probability.laplace-normalised")


@pytest.mark.parametrize("density, loc, scale", [(probability.gaussian_density, 0.7, 1.3),
                                                  (probability.laplace_density, -0.4, 0.6)])
def test_densities_integrate_to_one_on_a_grid(density, loc, scale):
    grid = np.linspace(-40.0, 40.0, 400_001)
    assert abs(np.trapezoid(density(grid, loc, scale), grid) - 1.0) < 1e-8


def test_gaussian_moments_on_a_grid():
    """claim probability.gaussian-moments: E x = mu, Var x = sigma^2, numerically."""
    grid = np.linspace(-20.0, 20.0, 200_001)
    dens = probability.gaussian_density(grid, 0.7, 1.3)
    mean = np.trapezoid(grid * dens, grid)
    assert abs(mean - 0.7) < QUADRATURE_ATOL
    assert abs(np.trapezoid((grid - mean) ** 2 * dens, grid) - 1.3**2) < QUADRATURE_ATOL


def test_log_density_is_log_of_density(rng):
    pts = rng.uniform(-5, 5, 50)
    np.testing.assert_allclose(np.log(probability.gaussian_density(pts, 0.3, 0.8)),
                               probability.gaussian_log_density(pts, 0.3, 0.8), rtol=1e-13)
    np.testing.assert_allclose(np.log(probability.laplace_density(pts, 0.3, 0.8)),
                               probability.laplace_log_density(pts, 0.3, 0.8), rtol=1e-13)


def test_gaussian_log_density_far_in_the_tail_is_finite():
    assert probability.gaussian_log_density(np.array([100.0]))[0] == pytest.approx(-5000.0 - 0.5 * math.log(2 * math.pi))


@pytest.mark.parametrize("func", [probability.gaussian_log_density, probability.laplace_log_density])
@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_nonpositive_scale_is_refused(func, scale):
    with pytest.raises(ValueError, match="must be > 0"):
        func(np.zeros(3), 0.0, scale)


def test_location_of_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="mu must be a scalar or have x's shape"):
        probability.gaussian_log_density(np.zeros(3), np.zeros(2), 1.0)


def test_non_numeric_input_is_refused():
    with pytest.raises(TypeError, match="must be a numpy array"):
        probability.gaussian_log_density("0.5")
    with pytest.raises(ValueError, match="NaN or infinity"):
        probability.gaussian_log_density(np.array([np.nan]))


# --------------------------------------------------------------------------------------------- multivariate

def _spd(rng, d):
    A = rng.standard_normal((d, d))
    return A @ A.T + d * np.eye(d)


def test_mvn_log_density_agrees_with_sympy_for_general_2x2_covariance():
    """eq (pr-mvn) with Sigma = [[a, c], [c, (c^2 + Delta)/a]]: claim probability.mvn-cholesky."""
    a, Delta = sp.symbols("a Delta", positive=True)
    c = sp.Symbol("c", real=True)
    Sigma = sp.Matrix([[a, c], [c, (c**2 + Delta) / a]])
    xv = sp.ImmutableMatrix([sp.symbols("x_1 x_2", real=True)])
    mv = sp.ImmutableMatrix([sp.symbols("m_1 m_2", real=True)])
    r = (xv - mv).T
    formula = -(r.T * Sigma.inv() * r)[0] / 2 - sp.log(Sigma.det()) / 2 - sp.log(2 * sp.pi)
    agree(formula, lambda X, m, a_, c_, D: probability.mvn_log_density(X, m.ravel(), np.array([[a_, c_], [c_, (c_**2 + D) / a_]])),
          [xv, mv, a, c, Delta], domain={2: (0.3, 2.0), 3: (-1.0, 1.0), 4: (0.3, 2.0)}, claim="probability.mvn-cholesky")


def test_mvn_matches_product_of_univariates_for_diagonal_covariance(rng):
    X = rng.standard_normal((7, 3))
    scales = np.array([0.5, 1.0, 2.0])
    mean = np.array([0.1, -0.2, 0.3])
    expected = sum(probability.gaussian_log_density(X[:, k], mean[k], scales[k]) for k in range(3))
    np.testing.assert_allclose(probability.mvn_log_density(X, mean, np.diag(scales**2)), expected, rtol=1e-12)


def test_mvn_density_integrates_to_one_on_a_grid():
    """claim probability.mvn-normalised, numerically."""
    g = np.linspace(-12, 12, 801)
    G1, G2 = np.meshgrid(g, g, indexing="ij")
    pts = np.column_stack([G1.ravel(), G2.ravel()])
    dens = probability.mvn_density(pts, np.array([0.5, -0.3]), np.array([[2.0, 0.9], [0.9, 1.0]])).reshape(G1.shape)
    assert abs(np.trapezoid(np.trapezoid(dens, g, axis=1), g) - 1.0) < QUADRATURE_ATOL


def test_mvn_completed_square_proved():
    """Step (i) of the proof of claim probability.mvn-normalised, and step (iii)."""
    u, v, c = sp.symbols("u v c", real=True)
    a, Delta = sp.symbols("a Delta", positive=True)
    bb = (c**2 + Delta) / a
    Sigma = sp.Matrix([[a, c], [c, bb]])
    quad = (sp.Matrix([[u, v]]) * Sigma.inv() * sp.Matrix([u, v]))[0]
    derive(quad, (bb / Delta * (u - c * v / bb) ** 2 + v**2 / bb, "complete the square"),
           claim="probability.mvn-normalised")
    derive(sp.Integral(sp.sqrt(2 * sp.pi * Delta / bb) * sp.exp(-v**2 / (2 * bb)) / (2 * sp.pi * sp.sqrt(Delta)),
                       (v, -sp.oo, sp.oo)), (1, "Gaussian integral"), claim="probability.mvn-normalised")


def test_mvn_sample_has_the_requested_covariance(rng):
    """claim probability.mvn-cholesky: Cov(mu + L z) = Sigma."""
    cov = _spd(rng, 3)
    mean = rng.standard_normal(3)
    samples = probability.mvn_sample(mean, cov, 400_000, seed=11)
    assert np.max(np.abs(np.cov(samples.T) - cov)) < 0.03 * np.max(np.abs(cov))
    assert np.max(np.abs(samples.mean(axis=0) - mean)) < 0.02


def test_mvn_log_density_against_explicit_inverse_and_determinant(rng):
    cov, mean, X = _spd(rng, 4), rng.standard_normal(4), rng.standard_normal((5, 4))
    r = X - mean
    explicit = (-0.5 * np.einsum("ij,jk,ik->i", r, np.linalg.inv(cov), r) - 0.5 * np.log(np.linalg.det(cov))
                - 2 * np.log(2 * np.pi))
    np.testing.assert_allclose(probability.mvn_log_density(X, mean, cov), explicit, rtol=1e-11)


def test_non_positive_definite_covariance_is_refused():
    with pytest.raises(ValueError, match="positive definite.*smallest eigenvalue.*np.eye"):
        probability.mvn_log_density(np.zeros((1, 2)), np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="positive definite"):
        probability.mvn_sample(np.zeros(2), np.zeros((2, 2)), 3)


def test_asymmetric_covariance_is_refused():
    with pytest.raises(ValueError, match=r"symmetric.*\(cov \+ cov.T\) / 2"):
        probability.mvn_log_density(np.zeros((1, 2)), np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]))


def test_mvn_shape_mismatches_are_refused():
    with pytest.raises(ValueError, match="X must have 2 columns"):
        probability.mvn_log_density(np.zeros((1, 3)), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match=r"cov must be \(2, 2\)"):
        probability.mvn_log_density(np.zeros((1, 2)), np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match=r"X must be 2-D.*X\[None, :\]"):
        probability.mvn_log_density(np.zeros(2), np.zeros(2), np.eye(2))


# -------------------------------------------------------------------------------------------------- Bayes

def test_bayes_posterior_agrees_with_the_rule():
    """eq (pr-bayes): claim probability.bayes-rule."""
    p, s, f = sp.symbols("p s f", positive=True)
    agree(s * p / (s * p + f * (1 - p)),
          lambda p_, s_, f_: probability.bayes_posterior(np.array([p_, 1 - p_]), np.array([s_, f_]))[0],
          [p, s, f], domain=(0.01, 0.99), claim="probability.bayes-rule")


def test_bayes_rule_follows_from_the_joint_table():
    q11, q10, q01, q00 = sp.symbols("q11 q10 q01 q00", positive=True)
    pa, pna = q11 + q10, q01 + q00
    derive(q11 / (q11 + q01), (q11 / pa * pa / (q11 / pa * pa + q01 / pna * pna), "Bayes"), claim="probability.bayes-rule")


def test_diagnostic_example_is_exact():
    assert probability.bayes_posterior(np.array([0.01, 0.99]), np.array([0.95, 0.05]))[0] == pytest.approx(19 / 118,
                                                                                                          rel=1e-14)


def test_bayes_posterior_is_a_distribution(rng):
    prior = rng.dirichlet(np.ones(5))
    post = probability.bayes_posterior(prior, rng.uniform(0, 1, 5))
    assert np.all(post >= 0) and abs(post.sum() - 1) < 1e-14


def test_bayes_bad_input():
    with pytest.raises(ValueError, match="sum to 1"):
        probability.bayes_posterior(np.array([0.5, 0.6]), np.array([0.1, 0.1]))
    with pytest.raises(ValueError, match="evidence p\\(e\\) is 0"):
        probability.bayes_posterior(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="likelihood must have prior's shape"):
        probability.bayes_posterior(np.array([1.0]), np.array([0.5, 0.5]))


# ---------------------------------------------------------------------------------------- likelihoods, MLE

def test_mle_gaussian_is_the_stationary_point():
    """claims probability.mle-gaussian-mean and probability.mle-gaussian-variance, for symbolic n."""
    n, i = sp.Symbol("n", integer=True, positive=True), sp.Symbol("i", integer=True, positive=True)
    xs, v = sp.IndexedBase("x", real=True), sp.Symbol("v", positive=True)
    ll = sp.Sum(-(xs[i] - mu) ** 2 / (2 * v) - sp.log(2 * sp.pi * v) / 2, (i, 1, n))
    sum_x = sp.Sum(xs[i], (i, 1, n))
    score = derive(sp.Derivative(ll, mu), claim="probability.mle-gaussian-mean").step(
        (sum_x - n * mu) / v, "differentiate", hint=probability.expand_sums)
    assert sp.solve(score.result, mu) == [sum_x / n]
    S = sp.Sum((xs[i] - mu) ** 2, (i, 1, n))
    score_v = derive(sp.Derivative(ll, v), claim="probability.mle-gaussian-variance").step(
        -n / (2 * v) + S / (2 * v**2), "differentiate", hint=probability.expand_sums)
    Ssym = sp.Symbol("S", positive=True)
    assert sp.solve(score_v.result.subs(S, Ssym), v) == [Ssym / n]


def test_mle_gaussian_maximises_the_likelihood(rng):
    data = rng.normal(2.0, 0.5, 30)
    m, v = probability.mle_gaussian(data)
    best = probability.gaussian_log_likelihood(data, m, math.sqrt(v))
    for dm, ds in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert probability.gaussian_log_likelihood(data, m + dm, math.sqrt(v) + ds) < best


def test_gaussian_loglik_vjp_gradcheck(rng):
    """eq (pr-loglik-grad): claim probability.gaussian-loglik-gradient, scalar and per-example means."""
    data = rng.normal(0.5, 1.0, 6)
    f = lambda x_, m_, s_: np.asarray(probability.gaussian_log_likelihood(x_, m_, s_))
    vjp = lambda g, x_, m_, s_: probability.gaussian_log_likelihood_vjp(g, x_, m_, s_)
    gradcheck(f, vjp, [data, np.array(0.2), np.array(1.1)], claim="probability.gaussian-loglik-gradient")
    gradcheck(f, vjp, [data, rng.normal(size=6), np.array(0.7)], claim="probability.gaussian-loglik-gradient")


def test_gaussian_loglik_vjp_reused_input():
    """x used as both observation and mean: gradients of the two uses add up (to zero)."""
    data = np.array([0.3, -1.0, 2.0])
    f = lambda z: np.asarray(probability.gaussian_log_likelihood(z, z, 1.3))
    vjp = lambda g, z: sum(probability.gaussian_log_likelihood_vjp(g, z, z, 1.3)[:2])
    gradcheck(f, vjp, [data], claim="probability.gaussian-loglik-gradient")


def test_wrong_gradient_is_caught(rng):
    data = rng.normal(size=4)
    bad = lambda g, x_: -probability.gaussian_log_likelihood_vjp(g, x_, 0.0, 1.0)[0]
    report = gradcheck(lambda x_: np.asarray(probability.gaussian_log_likelihood(x_, 0.0, 1.0)), bad, [data],
                       check=False)
    assert not report.passed


def test_mle_and_unbiased_variance_closed_forms(rng):
    data = rng.normal(size=11)
    assert probability.mle_gaussian(data)[1] == pytest.approx(np.var(data), rel=1e-13)
    assert probability.unbiased_variance(data) == pytest.approx(np.var(data, ddof=1), rel=1e-13)


def test_variance_identity_proved():
    xs_, ps = sp.symbols("x1:4", real=True), sp.symbols("p1:3", nonnegative=True)
    probs = [ps[0], ps[1], 1 - ps[0] - ps[1]]
    E = lambda f: sum(p * f(v) for p, v in zip(probs, xs_))
    derive(E(lambda v: (v - E(lambda w: w)) ** 2), (E(lambda v: v**2) - E(lambda v: v) ** 2, "expand"),
           claim="probability.variance-identity")


def test_variance_identity_on_a_random_discrete_distribution(rng):
    """eq (pr-var-identities): claim probability.variance-identity."""
    vals_x, vals_y = rng.normal(size=3), rng.normal(size=4)
    P = rng.dirichlet(np.ones(12)).reshape(3, 4)
    X, Y = np.meshgrid(vals_x, vals_y, indexing="ij")
    E = lambda f: float(np.sum(P * f))
    var = lambda f: E((f - E(f)) ** 2)
    assert var(X) == pytest.approx(E(X**2) - E(X) ** 2, rel=1e-12)
    cov = E((X - E(X)) * (Y - E(Y)))
    assert var(X + Y) == pytest.approx(var(X) + var(Y) + 2 * cov, rel=1e-12)
    Pind = np.outer(rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(4)))
    E_ind = lambda f: float(np.sum(Pind * f))
    assert abs(E_ind((X - E_ind(X)) * (Y - E_ind(Y)))) < 1e-14


def test_mle_variance_bias_by_simulation():
    """claim probability.mle-variance-bias: E[MLE] = (n-1)/n sigma^2, E[s^2] = sigma^2."""
    n, s = 4, 2.0
    mle, unbiased = probability.sample_variance_estimates(n, 200_000, mu=-1.0, sigma=s, seed=9)
    for est, target in ((mle, (n - 1) / n * s**2), (unbiased, s**2)):
        m, se = probability.monte_carlo_mean(est)
        assert abs(m - target) < MC_SIGMAS * se
    m, se = probability.monte_carlo_mean(mle)
    assert abs(m - s**2) > 10 * se  # the bias is real, not noise


def test_mle_variance_bias_proved():
    n = sp.Symbol("n", integer=True, positive=True)
    derive((sigma**2 + mu**2) - (sigma**2 / n + mu**2), ((n - 1) / n * sigma**2, "collect"),
           claim="probability.mle-variance-bias")


def test_estimators_bad_input():
    with pytest.raises(ValueError, match="at least 2 values"):
        probability.unbiased_variance(np.array([1.0]))
    with pytest.raises(ValueError, match=r"x must be 1-D.*ravel"):
        probability.mle_gaussian(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="n must be an int >= 2"):
        probability.sample_variance_estimates(1, 10)


# ------------------------------------------------------------------------------------------ losses as NLL

def test_gaussian_nll_is_scaled_mse(rng):
    """claim losses.mse-is-gaussian-nll, against mathdl.losses."""
    y, yhat, s = rng.normal(size=(9, 1)), rng.normal(size=(9, 1)), 0.7
    nll = -probability.gaussian_log_likelihood(y, yhat, s)
    assert nll == pytest.approx(9 / (2 * s**2) * losses.mean_squared_error(yhat, y) + 4.5 * math.log(2 * math.pi * s**2),
                                rel=1e-13)


def test_categorical_nll_is_cross_entropy(rng):
    """claim losses.cross-entropy-is-categorical-nll, against mathdl.losses."""
    P = rng.dirichlet(np.ones(4), size=6)
    labels = rng.integers(0, 4, 6)
    assert -probability.categorical_log_likelihood(labels, P) / 6 == pytest.approx(losses.cross_entropy(P, labels),
                                                                                   rel=1e-13)


def test_categorical_log_pmf_impossible_label_is_minus_inf_not_nan():
    out = probability.categorical_log_pmf(np.array([0, 1]), np.array([[0.0, 1.0], [0.0, 1.0]]))
    assert out[0] == -np.inf and out[1] == 0.0


def test_categorical_bad_input():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        probability.categorical_log_pmf(np.array([2]), np.array([[0.5, 0.5]]))
    with pytest.raises(ValueError, match="distribution.*softmax"):
        probability.categorical_log_pmf(np.array([0]), np.array([[0.5, 0.6]]))
    with pytest.raises(ValueError, match="labels must be integers of shape"):
        probability.categorical_log_pmf(np.array([0.0]), np.array([[0.5, 0.5]]))


# ---------------------------------------------------------------------------------------------------- MAP

X32 = sp.ImmutableMatrix(3, 2, lambda r, k: sp.Symbol(f"x{r}{k}", real=True))
Y3 = sp.ImmutableMatrix(sp.symbols("y0:3", real=True))
W2 = sp.ImmutableMatrix(sp.symbols("w0:2", real=True))
RESID = Y3 - X32 * W2
SQ = (RESID.T * RESID)[0] / 2
CONST = sp.Rational(3, 2) * sp.log(2 * sp.pi * sigma**2)
MAP_DOMAIN = {3: (0.3, 2.0), 4: (0.3, 2.0)}


def _nlp(prior):
    return lambda w, X, y, s, t: probability.neg_log_posterior_linear(w.ravel(), X, y.ravel(), s, prior, t)


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
    gradcheck(lambda w_: np.asarray(probability.neg_log_posterior_linear(w_, X, y, 0.5, prior, 0.7)),
              lambda g, w_: g * probability.neg_log_posterior_linear_grad(w_, X, y, 0.5, prior, 0.7), [w], claim=claim)


def test_map_equals_ridge_symbolically():
    """eq (pr-ridge): claim probability.map-ridge, conditioning route vs (X^T X + lambda I)^{-1} X^T y."""
    ridge = (X32.T * X32 + sigma**2 / tau**2 * sp.eye(2)).inv() * X32.T * Y3
    agree(ridge, lambda X, y, s, t: probability.map_linear_gaussian(X, y.ravel(), s, t), [X32, Y3, sigma, tau],
          domain={2: (0.3, 2.0), 3: (0.3, 2.0)}, claim="probability.map-ridge")
    lam = sp.Symbol("lambda", positive=True)
    agree((X32.T * X32 + lam * sp.eye(2)).inv() * X32.T * Y3,
          lambda X, y, l_: probability.ridge_solution(X, y.ravel(), l_), [X32, Y3, lam], domain={2: (0.1, 2.0)},
          claim="probability.map-ridge")


def test_map_routes_agree_and_gradient_vanishes(rng):
    X, y = rng.standard_normal((30, 6)), rng.standard_normal(30)
    s, t = 0.4, 0.9
    w_ridge = probability.ridge_solution(X, y, probability.map_penalty_strength(s, t))
    np.testing.assert_allclose(probability.map_linear_gaussian(X, y, s, t), w_ridge, rtol=ROUTE_RTOL)
    np.testing.assert_allclose(probability.bayesian_linear_posterior(X, y, s, t)[0], w_ridge, rtol=ROUTE_RTOL)
    grad = probability.neg_log_posterior_linear_grad(w_ridge, X, y, s, "gaussian", t)
    assert np.max(np.abs(grad)) < 1e-9 * np.max(np.abs(X.T @ y)) / s**2


def test_map_penalty_strength_closed_forms():
    assert probability.map_penalty_strength(0.1, 1.0) == pytest.approx(0.01)
    assert probability.map_penalty_strength(0.5, 0.25, "laplace") == pytest.approx(1.0)


def test_map_bad_input(rng):
    X, y = rng.standard_normal((5, 2)), rng.standard_normal(5)
    with pytest.raises(ValueError, match=r"w must have shape \(2,\)"):
        probability.neg_log_posterior_linear(np.zeros(3), X, y, 1.0)
    with pytest.raises(ValueError, match=r"y must have shape \(5,\)"):
        probability.ridge_solution(X, np.zeros(4), 1.0)
    with pytest.raises(ValueError, match=r"y must be 1-D.*ravel"):
        probability.ridge_solution(X, y[:, None], 1.0)
    with pytest.raises(ValueError, match="prior must be one of"):
        probability.neg_log_posterior_linear(np.zeros(2), X, y, 1.0, prior="cauchy")
    with pytest.raises(ValueError, match="must be > 0"):
        probability.ridge_solution(X, y, 0.0)
    with pytest.raises(ValueError, match="scale.*must be > 0"):
        probability.neg_log_posterior_linear(np.zeros(2), X, y, 1.0, scale=-1.0)


# -------------------------------------------------------------------------------------- evidence, Monte Carlo

def test_linear_evidence_against_quadrature(rng):
    """claim probability.linear-evidence: closed form vs a trapezoid over the single weight."""
    xs = rng.uniform(-2, 2, 15)
    y = 0.6 * xs + 0.4 * rng.standard_normal(15)
    grid = np.linspace(-8, 8, 8001)
    log_joint = np.array([probability.gaussian_log_likelihood(y, w * xs, 0.4) for w in grid])
    log_joint += probability.gaussian_log_density(grid, 0.0, 1.2)
    assert abs(probability.log_trapezoid(log_joint, grid) - probability.linear_log_evidence(xs[:, None], y, 0.4, 1.2)) < 1e-8


def test_linear_evidence_one_observation_agrees_with_sympy():
    xs, ys = sp.symbols("x y", real=True)
    formula = sp.log(GAUSS.subs({x: ys, mu: 0, sigma: sp.sqrt(sigma**2 + tau**2 * xs**2)}, simultaneous=True))
    agree(formula, lambda x_, y_, s, t: probability.linear_log_evidence(np.array([[x_]]), np.array([y_]), s, t),
          [xs, ys, sigma, tau], domain={2: (0.3, 2.0), 3: (0.3, 2.0)}, claim="probability.linear-evidence")


def test_log_trapezoid_does_not_overflow():
    grid = np.linspace(0.0, 1.0, 11)
    assert probability.log_trapezoid(np.full(11, 1000.0), grid) == pytest.approx(1000.0, abs=1e-12)
    with pytest.raises(ValueError, match="increasing"):
        probability.log_trapezoid(np.zeros(3), np.array([0.0, 2.0, 1.0]))


def test_monte_carlo_rate_slope():
    """eq (pr-mc-rate): claim probability.monte-carlo-rate, RMSE ~ sigma_f / sqrt(n)."""
    ns = np.array([10, 40, 160, 640, 2560])
    rmse = probability.monte_carlo_rmse(np.square, 1.0, ns, trials=300, seed=1)
    assert abs(probability.loglog_slope(ns, rmse) + 0.5) < SLOPE_ATOL
    assert np.all(np.abs(rmse * np.sqrt(ns) / math.sqrt(2.0) - 1.0) < 0.15)


def test_variance_of_the_mean_proved():
    n = sp.Symbol("n", integer=True, positive=True)
    t = sp.Symbol("t", real=True)
    K = sp.Function("K")
    derive(sp.diff(n * K(t / n), t, 2).subs(t, 0), (sp.Subs(sp.Derivative(K(t), (t, 2)), t, 0) / n, "chain rule"),
           claim="probability.monte-carlo-rate")


def test_monte_carlo_mean_standard_error(rng):
    values = rng.normal(3.0, 2.0, 10_000)
    est, se = probability.monte_carlo_mean(values)
    assert se == pytest.approx(np.std(values, ddof=1) / 100, rel=1e-12)
    assert abs(est - 3.0) < MC_SIGMAS * se


def test_monte_carlo_bad_input():
    with pytest.raises(ValueError, match="ns must be a 1-D array of positive ints"):
        probability.monte_carlo_rmse(np.square, 1.0, np.array([0, 10]))
    with pytest.raises(TypeError, match="f must be callable"):
        probability.monte_carlo_rmse(3.0, 1.0, np.array([10]))
    with pytest.raises(ValueError, match="f must return an array of its input's shape"):
        probability.monte_carlo_rmse(lambda z: z.mean(axis=1), 0.0, np.array([10]))
    with pytest.raises(ValueError, match="at least 2 values"):
        probability.monte_carlo_mean(np.array([1.0]))


def test_expand_sums_preserves_value():
    n, i = sp.Symbol("n", integer=True, positive=True), sp.Symbol("i", integer=True, positive=True)
    xs = sp.IndexedBase("x", real=True)
    expr = sp.Sum((xs[i] - mu) ** 2 / (2 * sigma**2) + sp.log(2 * sp.pi * sigma**2) / 2, (i, 1, n))
    rewritten = probability.expand_sums(expr)
    assert rewritten != expr
    values = {mu: sp.Rational(1, 3), sigma: 2, **{xs[k]: sp.Rational(k, 7) for k in range(1, 5)}}
    assert sp.simplify(expr.subs(n, 4).doit().subs(values) - rewritten.subs(n, 4).doit().subs(values)) == 0


# ------------------------------------------------------------------------------------------------ hypothesis

finite = st.floats(-50, 50, allow_nan=False)
scales = st.floats(0.05, 20, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite), finite, scales)
def test_gaussian_log_density_properties(xs, m, s):
    out = probability.gaussian_log_density(xs, m, s)
    assert out.shape == xs.shape and np.all(np.isfinite(out))
    assert np.all(out <= -math.log(s) - 0.5 * math.log(2 * math.pi) + 1e-12)  # maximum at the mean
    np.testing.assert_allclose(out, probability.gaussian_log_density(2 * m - xs, m, s), rtol=1e-12, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(2, 30), elements=finite))
def test_unbiased_is_rescaled_mle(xs):
    n = xs.size
    assert probability.unbiased_variance(xs) == pytest.approx(n / (n - 1) * probability.mle_gaussian(xs)[1],
                                                              rel=1e-12, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 10_000))
def test_mvn_log_density_is_translation_invariant(d, seed):
    rng = np.random.default_rng(seed)
    cov, X, shift = _spd(rng, d), rng.standard_normal((3, d)), rng.standard_normal(d)
    np.testing.assert_allclose(probability.mvn_log_density(X + shift, shift, cov),
                               probability.mvn_log_density(X, np.zeros(d), cov), rtol=1e-10, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.floats(0.05, 5), st.floats(0.05, 5), st.integers(0, 10_000))
def test_map_routes_agree_property(d, s, t, seed):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((8, d)), rng.standard_normal(8)
    w_ridge = probability.ridge_solution(X, y, probability.map_penalty_strength(s, t))
    np.testing.assert_allclose(probability.map_linear_gaussian(X, y, s, t), w_ridge, rtol=1e-7, atol=1e-10)


# --------------------------------------------------------------------------------------------------- figures

def test_figures_draw_and_label():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mathdl.figures import probability as figures

    mle, unbiased = probability.sample_variance_estimates(5, 2000, seed=0)
    fig = figures.plot_variance_estimators(mle, unbiased, 1.0, 5)
    assert fig.axes[0].get_xlabel().startswith("variance estimate")
    plt.close(fig)
    ns = np.array([10, 100, 1000])
    rmse = probability.monte_carlo_rmse(np.square, 1.0, ns, trials=50)
    fig = figures.plot_monte_carlo_rate(ns, rmse, math.sqrt(2.0), probability.loglog_slope(ns, rmse))
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="one shape"):
        figures.plot_variance_estimators(mle, unbiased[:5], 1.0, 5)

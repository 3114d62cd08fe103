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

from mathdl import estimation, losses, probability
from mathdl.verify import agree, derive, gradcheck

#: Trapezoid integrals of smooth densities on fine grids.
QUADRATURE_ATOL = 1e-9
#: Two float64 computations of the same formula, in the same order of operations.
EXACT_RTOL = 1e-15
#: Two float64 routes to one quantity that differ by round-off only.
ROUNDOFF_RTOL = 1e-11

x, mu = sp.symbols("x mu", real=True)
sigma, b = sp.symbols("sigma b", positive=True)
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
    log_density = probability.gaussian_log_density(np.array([100.0]))[0]
    assert log_density == pytest.approx(-5000.0 - 0.5 * math.log(2 * math.pi))


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

    def mvn_log_density_2x2(X, m, a_, c_, D):
        return probability.mvn_log_density(X, m.ravel(), np.array([[a_, c_], [c_, (c_**2 + D) / a_]]))

    agree(formula, mvn_log_density_2x2, [xv, mv, a, c, Delta], domain={2: (0.3, 2.0), 3: (-1.0, 1.0), 4: (0.3, 2.0)},
          claim="probability.mvn-cholesky")


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


def test_mvn_sample_is_mean_plus_cholesky_times_standard_normals(rng):
    """Deterministic core of mvn_sample (claim probability.mvn-cholesky): x = mu + L z with the seed's z, exactly."""
    cov, mean = _spd(rng, 3), rng.standard_normal(3)
    samples = probability.mvn_sample(mean, cov, 50, seed=4)
    Z = np.random.default_rng(4).standard_normal((50, 3))
    L = np.linalg.cholesky(cov)
    np.testing.assert_allclose(samples, mean + Z @ L.T, rtol=EXACT_RTOL, atol=EXACT_RTOL)
    # a linear map of the draws: the sample covariance is L Cov(z) L^T to round-off, whatever the draws
    np.testing.assert_allclose(np.cov(samples.T), L @ np.cov(Z.T) @ L.T, rtol=ROUNDOFF_RTOL, atol=ROUNDOFF_RTOL)
    assert samples.shape == (50, 3)


def test_mvn_sample_bad_n():
    with pytest.raises(ValueError, match="n must be a positive int"):
        probability.mvn_sample(np.zeros(2), np.eye(2), 0)
    assert probability.mvn_sample(np.zeros(2), np.eye(2), 1).shape == (1, 2)


def test_round_off_asymmetry_is_tolerated_relative_to_the_scale():
    """Asymmetry below SYMMETRY_RTOL times the largest entry is round-off, not a reason to refuse."""
    cov = 1e4 * np.eye(2)
    cov[0, 1] = 5e-7
    assert np.isfinite(probability.mvn_log_density(np.zeros((1, 2)), np.zeros(2), cov)).all()


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


def test_bayes_posterior_is_the_conditional_of_a_joint_table(rng):
    """claim probability.bayes-rule against its definition: for any joint table P(h, e), the posterior computed from
    the prior P(h) and the likelihood P(e | h) is the column P(., e) renormalised, P(h | e) = P(h, e) / P(e)."""
    for k, m in ((2, 2), (4, 3)):
        table = rng.dirichlet(np.ones(k * m)).reshape(k, m)
        prior = table.sum(axis=1)
        for e in range(m):
            post = probability.bayes_posterior(prior, table[:, e] / prior)
            np.testing.assert_allclose(post, table[:, e] / table[:, e].sum(), rtol=EXACT_RTOL)


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


# ------------------------------------------------------------------------------ likelihoods, variance identity

def test_gaussian_loglik_vjp_gradcheck(rng):
    """eq (pr-loglik-grad): claim probability.gaussian-loglik-gradient, scalar and per-example means."""
    data = rng.normal(0.5, 1.0, 6)

    def log_likelihood(x_, m_, s_):
        return np.asarray(probability.gaussian_log_likelihood(x_, m_, s_))

    def log_likelihood_vjp(g, x_, m_, s_):
        return probability.gaussian_log_likelihood_vjp(g, x_, m_, s_)

    gradcheck(log_likelihood, log_likelihood_vjp, [data, np.array(0.2), np.array(1.1)],
              claim="probability.gaussian-loglik-gradient")
    gradcheck(log_likelihood, log_likelihood_vjp, [data, rng.normal(size=6), np.array(0.7)],
              claim="probability.gaussian-loglik-gradient")


def test_gaussian_loglik_vjp_reused_input():
    """x used as both observation and mean: gradients of the two uses add up (to zero)."""
    data = np.array([0.3, -1.0, 2.0])

    def log_likelihood_of_itself(z):
        return np.asarray(probability.gaussian_log_likelihood(z, z, 1.3))

    def log_likelihood_of_itself_vjp(g, z):
        return sum(probability.gaussian_log_likelihood_vjp(g, z, z, 1.3)[:2])

    gradcheck(log_likelihood_of_itself, log_likelihood_of_itself_vjp, [data],
              claim="probability.gaussian-loglik-gradient")


def test_wrong_gradient_is_caught(rng):
    data = rng.normal(size=4)

    def negated_vjp(g, x_):
        return -probability.gaussian_log_likelihood_vjp(g, x_, 0.0, 1.0)[0]

    report = gradcheck(lambda x_: np.asarray(probability.gaussian_log_likelihood(x_, 0.0, 1.0)), negated_vjp, [data],
                       check=False)
    assert not report.passed


def test_variance_shortcut_on_the_empirical_distribution(rng):
    """eq (pr-var-identities), Var = E[X^2] - (E X)^2, for the empirical distribution of a sample: the MLE variance
    (mathdl) equals mean(x^2) - mean(x)^2 and, rescaled, the unbiased variance (claim probability.variance-identity)."""
    x = rng.normal(0.3, 1.0, 40)
    var = estimation.mle_gaussian(x)[1]
    assert var == pytest.approx(np.mean(x**2) - np.mean(x) ** 2, rel=ROUNDOFF_RTOL)
    assert estimation.unbiased_variance(x) == pytest.approx(40 / 39 * (np.mean(x**2) - np.mean(x) ** 2),
                                                             rel=ROUNDOFF_RTOL)


def test_variance_of_a_sum_and_of_independent_terms(rng):
    """Var[X + Y] = Var X + Var Y + 2 Cov(X, Y) for paired draws (their empirical joint distribution), and Cov = 0
    when the joint is the product of the marginals (all pairs): claim probability.variance-identity."""
    x, y = rng.normal(size=30), rng.normal(size=30) + 0.5 * rng.normal(size=30)
    cov = float(np.mean((x - x.mean()) * (y - y.mean())))
    var = lambda v: estimation.mle_gaussian(v)[1]  # noqa: E731 - the MLE variance is the empirical variance
    assert var(x + y) == pytest.approx(var(x) + var(y) + 2 * cov, rel=ROUNDOFF_RTOL)
    assert abs(cov) > 0.1  # the covariance term matters here
    pairs = (x[:, None] + y[None, :]).ravel()  # X and Y independent: every pair equally likely
    assert var(pairs) == pytest.approx(var(x) + var(y), rel=ROUNDOFF_RTOL)


# ------------------------------------------------------------------------------------------ losses as NLL

def test_gaussian_nll_is_scaled_mse(rng):
    """claim losses.mse-is-gaussian-nll, against mathdl.losses."""
    y, yhat, s = rng.normal(size=(9, 1)), rng.normal(size=(9, 1)), 0.7
    nll = -probability.gaussian_log_likelihood(y, yhat, s)
    assert nll == pytest.approx(9 / (2 * s**2) * losses.mean_squared_error(yhat, y)
                                + 4.5 * math.log(2 * math.pi * s**2), rel=1e-13)


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


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(0, 10_000))
def test_mvn_log_density_is_translation_invariant(d, seed):
    rng = np.random.default_rng(seed)
    cov, X, shift = _spd(rng, d), rng.standard_normal((3, d)), rng.standard_normal(d)
    np.testing.assert_allclose(probability.mvn_log_density(X + shift, shift, cov),
                               probability.mvn_log_density(X, np.zeros(d), cov), rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------------------------------- figures

def test_figures_draw_and_label():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mathdl.figures import probability as figures

    mle, unbiased = estimation.sample_variance_estimates(5, 2000, seed=0)
    fig = figures.plot_variance_estimators(mle, unbiased, 1.0, 5)
    assert fig.axes[0].get_xlabel().startswith("variance estimate")
    plt.close(fig)
    ns = np.array([10, 100, 1000])
    rmse = estimation.monte_carlo_rmse(np.square, 1.0, ns, trials=50)
    fig = figures.plot_monte_carlo_rate(ns, rmse, math.sqrt(2.0), estimation.loglog_slope(ns, rmse))
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="one shape"):
        figures.plot_variance_estimators(mle, unbiased[:5], 1.0, 5)

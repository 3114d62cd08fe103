"""Tests of the Generative models chapter: mathdl.generative and its model modules (vae, gan, flow, diffusion).

Each test names the claim id it re-checks; the formulas are compared with an independent computation (a closed
form, scipy, finite differences or the SymPy expression), so a wrong constant or sign is caught.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from mathdl import autodiff as ad
from mathdl import generative as gen
from mathdl import generative_diffusion as diff
from mathdl import generative_flow as flow
from mathdl import generative_gan as gan
from mathdl import generative_vae as vae_mod
from mathdl import info
from mathdl.mlp import mlp_init, mlp_logits
from mathdl.verify import agree, gradcheck

#: Tolerance of identities that hold to rounding.
RTOL = 1e-10
#: Tolerance of finite-difference comparisons.
FD_RTOL = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# ------------------------------------------------------------------------------------------ ELBO, PPCA

def test_ppca_log_marginal_is_the_gaussian_logpdf(rng):
    """generative.ppca-elbo-exact: log p(x) = log N(x; b, w w^T + sigma^2 I)."""
    for _ in range(5):
        x, w, b = rng.normal(size=(3, 4))
        s = rng.uniform(0.3, 2.0)
        expected = stats.multivariate_normal(b, np.outer(w, w) + s**2 * np.eye(4)).logpdf(x)
        assert gen.ppca_log_marginal(x, w, b, s) == pytest.approx(expected, rel=RTOL)


def test_ppca_posterior_is_gaussian_conditioning(rng):
    """generative.ppca-elbo-exact: the posterior of z from the joint Gaussian of (z, x)."""
    x, w, b = rng.normal(size=(3, 3))
    s = 0.7
    cov_xx = np.outer(w, w) + s**2 * np.eye(3)
    m_expected = w @ np.linalg.solve(cov_xx, x - b)
    v_expected = 1.0 - w @ np.linalg.solve(cov_xx, w)
    m, std = gen.ppca_posterior(x, w, b, s)
    assert m == pytest.approx(m_expected, rel=RTOL)
    assert std**2 == pytest.approx(v_expected, rel=RTOL)


def test_elbo_plus_kl_is_log_evidence(rng):
    """generative.elbo-decomposition and generative.ppca-elbo-exact: ELBO(q) + KL(q || posterior) = log p(x)."""
    for _ in range(10):
        x, w, b = rng.normal(size=(3, 3))
        s, m, sq = rng.uniform(0.3, 2.0), rng.normal(), rng.uniform(0.2, 2.0)
        mp, sp_ = gen.ppca_posterior(x, w, b, s)
        total = gen.ppca_elbo(x, w, b, s, m, sq) + float(info.kl_gaussian(m, sq, mp, sp_))
        assert total == pytest.approx(gen.ppca_log_marginal(x, w, b, s), rel=RTOL)
        assert gen.ppca_elbo(x, w, b, s, m, sq) < gen.ppca_log_marginal(x, w, b, s)


def test_ppca_elbo_matches_monte_carlo(rng):
    """generative.elbo-decomposition: the closed-form ELBO is E_q[log p(x, z) - log q(z)]."""
    x, w, b, s, m, sq = np.array([1.0, -0.5]), np.array([0.8, 0.4]), np.array([0.1, 0.0]), 0.5, 0.3, 0.4
    z = m + sq * rng.standard_normal(400_000)
    log_joint = (stats.norm.logpdf(z) + stats.norm.logpdf(x[0], w[0] * z + b[0], s)
                 + stats.norm.logpdf(x[1], w[1] * z + b[1], s))
    mc = np.mean(log_joint - stats.norm.logpdf(z, m, sq))
    assert gen.ppca_elbo(x, w, b, s, m, sq) == pytest.approx(mc, abs=5e-3)


def test_ppca_bad_input():
    with pytest.raises(ValueError, match="ppca_log_marginal: x, w and b must be 1-D"):
        gen.ppca_log_marginal(np.zeros(2), np.zeros(3), np.zeros(3), 1.0)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        gen.ppca_posterior(np.zeros(2), np.zeros(2), np.zeros(2), 0.0)
    with pytest.raises(ValueError, match="s must be > 0"):
        gen.ppca_elbo(np.zeros(2), np.zeros(2), np.zeros(2), 1.0, 0.0, -1.0)


# ------------------------------------------------------------------------------------------ estimators

def test_estimator_samples_are_their_formulas(rng):
    """generative.estimators-unbiased: f'(mu + sigma eps) and f(z) eps / sigma, draw by draw."""
    eps = rng.standard_normal(50)
    mu, s = 0.4, 1.7
    z = mu + s * eps
    np.testing.assert_allclose(gen.reparam_gradient_samples(np.cos, mu, s, eps), np.cos(z), rtol=RTOL)
    np.testing.assert_allclose(gen.score_gradient_samples(np.sin, mu, s, eps), np.sin(z) * eps / s, rtol=RTOL)


def test_both_estimators_are_unbiased_for_a_cubic(rng):
    """generative.estimators-unbiased: both means approach d/dmu E[f] = a1 + 2 a2 mu + 3 a3 (mu^2 + sigma^2)."""
    a = np.array([0.5, -1.0, 0.7, 0.3])
    mu, s = 0.8, 0.6
    exact = a[1] + 2 * a[2] * mu + 3 * a[3] * (mu**2 + s**2)
    eps = rng.standard_normal(1_000_000)
    rep = gen.reparam_gradient_samples(lambda z: a[1] + 2 * a[2] * z + 3 * a[3] * z**2, mu, s, eps)
    sf = gen.score_gradient_samples(lambda z: a[0] + a[1] * z + a[2] * z**2 + a[3] * z**3, mu, s, eps)
    assert rep.mean() == pytest.approx(exact, abs=5 * rep.std() / 1000)
    assert sf.mean() == pytest.approx(exact, abs=5 * sf.std() / 1000)


def test_quadratic_variances_agree_with_sympy_and_monte_carlo(rng):
    """generative.estimator-variances: Var = 4 sigma^2 and (mu^4 + 14 mu^2 sigma^2 + 15 sigma^4) / sigma^2."""
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    agree(4 * s**2, lambda m, v: gen.quadratic_estimator_variances(m, v)[0], [mu, s], domain={1: (0.1, 3.0)})
    agree((mu**4 + 14 * mu**2 * s**2 + 15 * s**4) / s**2, lambda m, v: gen.quadratic_estimator_variances(m, v)[1],
          [mu, s], domain={1: (0.1, 3.0)})
    eps = rng.standard_normal(2_000_000)
    rep, sf = gen.quadratic_estimator_variances(1.2, 0.7)
    assert np.var(gen.reparam_gradient_samples(lambda z: 2 * z, 1.2, 0.7, eps)) == pytest.approx(rep, rel=0.01)
    assert np.var(gen.score_gradient_samples(lambda z: z**2, 1.2, 0.7, eps)) == pytest.approx(sf, rel=0.03)


def test_estimator_bad_input():
    with pytest.raises(ValueError, match="eps must be a non-empty 1-D"):
        gen.reparam_gradient_samples(np.cos, 0.0, 1.0, np.zeros((2, 2)))
    with pytest.raises(TypeError, match="df must be callable"):
        gen.reparam_gradient_samples(3.0, 0.0, 1.0, np.zeros(2))
    with pytest.raises(TypeError, match="f must be callable"):
        gen.score_gradient_samples(None, 0.0, 1.0, np.zeros(2))
    with pytest.raises(ValueError, match="sigma must be > 0"):
        gen.quadratic_estimator_variances(0.0, 0.0)


# ------------------------------------------------------------------------------------------ IWAE

def test_iwae_bound_formula_and_monotone(rng):
    """generative.iwae-monotone: L_K = mean(logsumexp - log K); nested averages increase in expectation."""
    lw = rng.normal(size=(7, 5)) * 3
    expected = np.mean(np.log(np.mean(np.exp(lw), axis=1)))
    assert gen.iwae_bound(lw) == pytest.approx(expected, rel=RTOL)
    assert gen.iwae_bound(lw[:, :1]) == pytest.approx(lw[:, 0].mean(), rel=RTOL)
    big = rng.normal(size=(20000, 8))
    bounds = [gen.iwae_bound(big[:, :K]) for K in (1, 2, 4, 8)]
    assert np.all(np.diff(bounds) > 0) and bounds[-1] < 0.5          # log E[e^N(0,1)] = 1/2


def test_iwae_on_ppca_is_below_the_evidence(rng):
    """generative.iwae-monotone: L_K <= log p(x), increasing towards it, on probabilistic PCA with q = prior."""
    x, w, b, s = np.array([1.0, 0.5]), np.array([1.0, 0.2]), np.zeros(2), 0.5
    z = rng.standard_normal((3000, 200))
    lw = (stats.norm.logpdf(x[0], w[0] * z, s) + stats.norm.logpdf(x[1], w[1] * z, s))
    bounds = [gen.iwae_bound(lw[:, :K]) for K in (1, 10, 200)]
    assert np.all(np.diff(bounds) > 0) and bounds[-1] < gen.ppca_log_marginal(x, w, b, s)


def test_iwae_bad_input():
    with pytest.raises(ValueError, match=r"iwae_bound: log_weights must be 2-D \(n, K\)"):
        gen.iwae_bound(np.zeros(3))


# ------------------------------------------------------------------------------------------ KL fits, softplus

def test_forward_kl_fit_matches_moments():
    """generative.kl-mode-behaviour: forward KL fit = moment matching."""
    x = np.linspace(-10, 10, 20001)
    p = 0.3 * np.exp(-0.5 * ((x + 2) / 0.5) ** 2) / 0.5 + 0.7 * np.exp(-0.5 * ((x - 1) / 0.8) ** 2) / 0.8
    mu, s = gen.fit_gaussian_forward_kl(x, p)
    m1 = 0.3 * -2 + 0.7 * 1
    m2 = 0.3 * (4 + 0.25) + 0.7 * (1 + 0.64)
    assert mu == pytest.approx(m1, rel=1e-6)
    assert s == pytest.approx(math.sqrt(m2 - m1**2), rel=1e-6)


def test_reverse_kl_fit_seeks_a_mode():
    """generative.kl-mode-behaviour: reverse KL recovers a Gaussian target and locks onto one mode of two."""
    x = np.linspace(-8, 8, 1601)
    m, s = gen.fit_gaussian_reverse_kl(x, np.exp(-0.5 * ((x - 1.5) / 0.7) ** 2), 0.0, 2.0, steps=2000, lr=0.05)
    assert m == pytest.approx(1.5, abs=1e-4) and s == pytest.approx(0.7, rel=1e-4)
    bimodal = np.exp(-0.5 * ((x + 2.5) / 0.6) ** 2) + np.exp(-0.5 * ((x - 2.5) / 0.6) ** 2) + 1e-300
    m, s = gen.fit_gaussian_reverse_kl(x, bimodal, 1.0, 1.0)
    assert m == pytest.approx(2.5, abs=1e-2) and s == pytest.approx(0.6, abs=1e-2)


def test_kl_fit_bad_input():
    x = np.linspace(-1, 1, 11)
    with pytest.raises(ValueError, match="equally spaced"):
        gen.fit_gaussian_forward_kl(x**3, np.ones(11))
    with pytest.raises(ValueError, match="p must be > 0 on the whole grid"):
        gen.fit_gaussian_reverse_kl(x, np.r_[0.0, np.ones(10)], 0.0, 1.0)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        gen.fit_gaussian_reverse_kl(x, np.ones(11), 0.0, 1.0, steps=0)


def test_softplus_value_and_gradient(rng):
    """generative.vae-loss: softplus(a) = log(1 + e^a) with gradient sigmoid(a), no overflow."""
    a = rng.normal(size=8) * 5
    value, g = ad.value_and_grad(lambda t: gen.softplus(t).sum())(a)
    assert value == pytest.approx(np.sum(np.logaddexp(0, a)), rel=RTOL)
    np.testing.assert_allclose(g[0], _sigmoid(a), rtol=RTOL)
    assert gen.softplus(ad.Tensor(np.array([800.0]))).value[0] == 800.0
    with pytest.raises(TypeError, match="softplus: a must be a mathdl.autodiff.Tensor"):
        gen.softplus(np.zeros(2))


# ------------------------------------------------------------------------------------------ GAN formulas

def test_optimal_discriminator_maximises_pointwise(rng):
    """generative.optimal-discriminator: D* beats every other D in p log D + q log(1 - D)."""
    p, q = rng.uniform(0.01, 2, size=50), rng.uniform(0.01, 2, size=50)
    d = gan.optimal_discriminator(p, q)
    np.testing.assert_allclose(d, p / (p + q), rtol=RTOL)
    def value(D):
        return p * np.log(D) + q * np.log1p(-D)
    for delta in (-1e-3, 1e-3):
        assert np.all(value(d) > value(np.clip(d + delta, 1e-9, 1 - 1e-9)))


def test_gan_value_is_minus_log4_plus_2js(rng):
    """generative.gan-value-js: V(D*, G) = -log 4 + 2 JS, JS from info.kl_divergence."""
    for k in (2, 3, 7):
        p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
        m = (p + q) / 2
        js = 0.5 * info.kl_divergence(p, m) + 0.5 * info.kl_divergence(q, m)
        assert gan.js_divergence(p, q) == pytest.approx(js, rel=RTOL)
        assert gan.gan_value(p, q) == pytest.approx(-math.log(4) + 2 * js, rel=RTOL)
        assert gan.gan_value(p, q, gan.optimal_discriminator(p, q)) == pytest.approx(gan.gan_value(p, q), rel=RTOL)
        D = rng.uniform(0.05, 0.95, size=k)
        assert gan.gan_value(p, q, D) == pytest.approx(np.sum(p * np.log(D) + q * np.log(1 - D)), rel=RTOL)
        assert gan.gan_value(p, q, D) < gan.gan_value(p, q)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10_000))
def test_js_is_symmetric_and_bounded(k, seed):
    """generative.gan-value-js: 0 <= JS <= log 2, symmetric."""
    r = np.random.default_rng(seed)
    p, q = r.dirichlet(np.ones(k)), r.dirichlet(np.ones(k))
    js = gan.js_divergence(p, q)
    assert 0 <= js <= math.log(2) + 1e-15
    assert js == pytest.approx(gan.js_divergence(q, p), rel=1e-12)


def test_js_of_gaussians_matches_quadrature():
    """generative.gan-value-js: the explorer's JS integral against scipy's adaptive quadrature."""
    for m1, s1, m2, s2 in ((0, 1, 2, 0.7), (-1, 0.3, 1.5, 2.0), (0, 1, 0, 1)):
        def p(x):
            return stats.norm.pdf(x, m1, s1)
        def q(x):
            return stats.norm.pdf(x, m2, s2)

        def f(x):
            a, b = p(x), q(x)
            m = (a + b) / 2
            return 0.5 * (a * np.log(a / m) if a > 0 else 0.0) + 0.5 * (b * np.log(b / m) if b > 0 else 0.0)
        ref = integrate.quad(f, -30, 30, points=[m1, m2], limit=200, epsabs=1e-13)[0]
        assert gan.js_divergence_gaussians(m1, s1, m2, s2) == pytest.approx(ref, abs=1e-7)
    with pytest.raises(ValueError, match="points must be an int >= 101"):
        gan.js_divergence_gaussians(0, 1, 0, 1, points=10)


def test_generator_loss_gradients_by_finite_differences(rng):
    """generative.generator-gradients: derivatives of log(1 - sigmoid(a)) and -log sigmoid(a)."""
    a, h = rng.normal(size=20) * 3, 1e-6
    sat, non = gan.generator_loss_gradients(a)
    def f_sat(x):
        return np.log1p(-_sigmoid(x))
    def f_non(x):
        return -np.log(_sigmoid(x))
    np.testing.assert_allclose(sat, (f_sat(a + h) - f_sat(a - h)) / (2 * h), rtol=FD_RTOL)
    np.testing.assert_allclose(non, (f_non(a + h) - f_non(a - h)) / (2 * h), rtol=FD_RTOL)
    s0, n0 = gan.generator_loss_gradients(np.array([-20.0]))
    assert abs(s0[0]) < 1e-8 and n0[0] == pytest.approx(-1.0)


def test_wasserstein_sorted_equals_the_coupling_lp(rng):
    """generative.wasserstein-sorted: sorted matching = optimal coupling; W1 of point masses is the distance."""
    for n in (1, 3, 8):
        x, y = rng.normal(size=n), rng.normal(2.0, 1.5, size=n)
        w = np.full(n, 1.0 / n)
        assert gan.wasserstein1_sorted(x, y) == pytest.approx(gan.wasserstein1_coupling(x, w, y, w), rel=1e-8)
        assert gan.wasserstein1_sorted(x, y) == pytest.approx(stats.wasserstein_distance(x, y), rel=1e-12)
    assert gan.wasserstein1_coupling(np.array([0.0, 1.0]), np.array([0.25, 0.75]), np.array([2.0]),
                                     np.array([1.0])) == pytest.approx(1.25, rel=1e-9)


def test_gan_formula_bad_input():
    with pytest.raises(ValueError, match="p_data \\+ p_g must be > 0"):
        gan.optimal_discriminator(np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="D must have shape"):
        gan.gan_value(np.array([0.5, 0.5]), np.array([0.5, 0.5]), np.array([0.0, 0.5]))
    with pytest.raises(ValueError, match="one shape"):
        gan.js_divergence(np.array([1.0]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="wasserstein1_sorted: x and y must be non-empty 1-D"):
        gan.wasserstein1_sorted(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="matching shapes"):
        gan.wasserstein1_coupling(np.zeros(2), np.array([1.0]), np.zeros(1), np.array([1.0]))


# ------------------------------------------------------------------------------------------ GAN training

def test_ring_and_mode_count():
    """generative.gan-modes: the ring's centres, and modes_covered on samples at the centres."""
    X, c = gan.ring_of_gaussians(4000, k=8, radius=2.0, std=0.1, seed=1)
    np.testing.assert_allclose(c[2], [0.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 2.0, rtol=RTOL)
    assert gan.modes_covered(X, c, 0.1) == (8, pytest.approx(np.mean(np.min(np.linalg.norm(
        X[:, None] - c[None], axis=2), axis=1) < 0.3)))
    assert gan.modes_covered(np.tile(c[:3], (10, 1)), c, 0.1) == (3, 1.0)
    assert abs(float(np.mean(np.linalg.norm(X, axis=1))) - 2.0) < 0.01


def test_train_gan_is_reproducible_and_its_outputs_are_its_networks():
    """generative.gan-modes: a short run; generate and discriminator_probability are the MLPs."""
    X, _ = gan.ring_of_gaussians(500, seed=0)
    run = gan.train_gan(X, steps=20, batch=32, hidden=8, checkpoints=3, grid_size=5, seed=3)
    again = gan.train_gan(X, steps=20, batch=32, hidden=8, checkpoints=3, grid_size=5, seed=3)
    np.testing.assert_array_equal(run.samples, again.samples)
    assert run.samples.shape == (3, 500, 2) and run.surface.shape == (3, 5, 5)
    G = run.generator
    by_hand = np.tanh(np.tanh(run.z_fixed @ G[0] + G[1]) @ G[2] + G[3]) @ G[4] + G[5]
    np.testing.assert_allclose(gan.generate(G, run.z_fixed), by_hand, rtol=RTOL)
    np.testing.assert_allclose(run.samples[-1], by_hand, rtol=RTOL)
    pts = np.array([[0.3, -0.2], [1.0, 1.0]])
    logits = mlp_logits(run.discriminator, pts).value[:, 0]
    np.testing.assert_allclose(gan.discriminator_probability(run.discriminator, pts), _sigmoid(logits), rtol=RTOL)
    gx, gy = run.grid
    np.testing.assert_allclose(run.surface[-1][1, 2], gan.discriminator_probability(
        run.discriminator, np.array([[gx[2], gy[1]]]))[0], rtol=RTOL)
    assert np.all(np.isfinite(run.d_loss)) and np.all(np.isfinite(run.g_loss))
    with pytest.raises(ValueError, match="loss must be"):
        gan.train_gan(X, steps=2, loss="wasserstein")
    with pytest.raises(ValueError, match="steps must be a positive int"):
        gan.train_gan(X, steps=0)


# ------------------------------------------------------------------------------------------ VAE

def test_vae_loss_is_reconstruction_plus_kl(rng):
    """generative.vae-loss: engine negative ELBO = numpy Bernoulli term + info.kl_diagonal_gaussian."""
    vae = vae_mod.vae_init(6, 5, 2, seed=1)
    X = rng.uniform(0, 1, size=(4, 6))
    eps = rng.standard_normal((4, 2))
    loss, recon, kl = vae_mod.vae_negative_elbo(vae.encoder, vae.decoder, X, eps, 2)
    r_np, kl_np = vae_mod.vae_terms(vae, X, eps)
    assert float(recon.value) == pytest.approx(r_np.mean(), rel=RTOL)
    assert float(kl.value) == pytest.approx(kl_np.mean(), rel=RTOL)
    assert float(loss.value) == pytest.approx(r_np.mean() + kl_np.mean(), rel=RTOL)
    mu, sigma = vae_mod.vae_encode(vae, X)
    h = np.tanh(X @ vae.encoder[0] + vae.encoder[1]) @ vae.encoder[2] + vae.encoder[3]
    np.testing.assert_allclose(mu, h[:, :2], rtol=RTOL)
    np.testing.assert_allclose(sigma, np.exp(h[:, 2:]), rtol=RTOL)
    z = mu + sigma * eps
    logits = np.tanh(z @ vae.decoder[0] + vae.decoder[1]) @ vae.decoder[2] + vae.decoder[3]
    np.testing.assert_allclose(vae_mod.vae_decode(vae, z), _sigmoid(logits), rtol=RTOL)
    np.testing.assert_allclose(r_np, -np.sum(X * np.log(_sigmoid(logits)) + (1 - X) * np.log(1 - _sigmoid(logits)),
                                             axis=1), rtol=1e-9)
    np.testing.assert_allclose(kl_np, 0.5 * np.sum(mu**2 + sigma**2 - 1 - np.log(sigma**2), axis=1), rtol=1e-9)


def test_vae_reparameterised_gradient_by_finite_differences(rng):
    """generative.vae-loss: the engine's gradient through z = mu + sigma eps matches central differences."""
    vae = vae_mod.vae_init(5, 4, 2, seed=3)
    X, eps = rng.uniform(0, 1, size=(6, 5)), rng.standard_normal((6, 2))
    enc, dec = vae.encoder, vae.decoder

    def loss(W, b):
        return vae_mod.vae_negative_elbo([W, *enc[1:]], [*dec[:3], b], X, eps, 2)[0]

    gradcheck(lambda W, b: np.asarray(loss(W, b).value),
              lambda u, W, b: tuple(u * g for g in ad.value_and_grad(loss)(W, b)[1]), [enc[0], dec[3]])


def test_vae_log_weights_are_log_joint_minus_log_q(rng):
    """generative.iwae-monotone: the importance log-weights, against scipy log-densities."""
    vae = vae_mod.vae_init(5, 4, 2, seed=2)
    X = rng.uniform(0, 1, size=(3, 5))
    lw = vae_mod.vae_log_weights(vae, X, 4, seed=7)
    mu, sigma = vae_mod.vae_encode(vae, X)
    eps = np.random.default_rng(7).standard_normal((3, 4, 2))
    z = mu[:, None] + sigma[:, None] * eps
    p = vae_mod.vae_decode(vae, z.reshape(-1, 2)).reshape(3, 4, 5)
    log_px_z = np.sum(X[:, None] * np.log(p) + (1 - X[:, None]) * np.log(1 - p), axis=2)
    log_pz = stats.norm.logpdf(z).sum(axis=2)
    log_q = stats.norm.logpdf(z, mu[:, None], sigma[:, None]).sum(axis=2)
    np.testing.assert_allclose(lw, log_px_z + log_pz - log_q, rtol=1e-9)


def test_train_vae_lowers_the_loss():
    """generative.vae-loss: a short training run lowers the minibatch negative ELBO."""
    X = np.repeat(np.array([[1.0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]]), 30, axis=0)      # two prototypes
    vae, hist = vae_mod.train_vae(X, steps=150, batch=20, hidden=8, d_z=2, lr=1e-2, seed=0)
    assert hist.shape == (150, 2)
    rng0 = np.random.default_rng(0)                          # the first minibatch and draws of the run
    idx = rng0.integers(0, 60, size=20)
    r0, k0 = vae_mod.vae_terms(vae_mod.vae_init(6, 8, 2, seed=0), X[idx], rng0.standard_normal((20, 2)))
    np.testing.assert_allclose(hist[0], [r0.mean(), k0.mean()], rtol=RTOL)
    assert hist[-20:].sum(axis=1).mean() < hist[:20].sum(axis=1).mean() - 1.0
    with pytest.raises(ValueError, match="pixel intensities in \\[0, 1\\]"):
        vae_mod.train_vae(X * 2, steps=1)
    with pytest.raises(ValueError, match="K must be a positive int"):
        vae_mod.vae_log_weights(vae, X, 0)
    with pytest.raises(ValueError, match="eps must have shape"):
        vae_mod.vae_terms(vae, X, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="Z must have shape"):
        vae_mod.vae_decode(vae, np.zeros((2, 3)))


# ------------------------------------------------------------------------------------------ flows

def test_coupling_forward_inverse_and_logdet(rng):
    """generative.coupling-logdet: y = (x1, x2 e^s + t), log det = s, inverse undoes it."""
    x, s, t = rng.normal(size=(5, 2)), rng.normal(size=5), rng.normal(size=5)
    y, ld = flow.coupling_forward(x, s, t, keep=0)
    np.testing.assert_allclose(y[:, 0], x[:, 0], rtol=RTOL)
    np.testing.assert_allclose(y[:, 1], x[:, 1] * np.exp(s) + t, rtol=RTOL)
    np.testing.assert_allclose(ld, s, rtol=RTOL)
    np.testing.assert_allclose(flow.coupling_inverse(y, s, t, keep=0), x, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="keep must be 0 or 1"):
        flow.coupling_forward(x, s, t, keep=2)


def test_flow_init_is_the_identity_flow():
    """generative.change-of-variables: mlp_init(seed + k) weights, zero output layer, so f = identity at start."""
    params = flow.flow_init(3, 4, seed=5)
    for k, p in enumerate(params):
        ref = mlp_init([1, 4, 4, 2], 5 + k)
        for a, b in zip(p[:4], ref[:4]):
            np.testing.assert_array_equal(a, b)
        assert np.all(p[4] == 0) and np.all(p[5] == 0)
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    z, ld = flow.flow_forward(params, x)
    np.testing.assert_array_equal(z.value, x)
    np.testing.assert_array_equal(ld.value, 0.0)


def test_flow_logdet_is_the_jacobian_determinant(rng):
    """generative.coupling-logdet: the summed s equals log |det| of the finite-difference Jacobian."""
    params = flow.flow_init(4, 6, seed=1)
    for p in params:
        p[-2] = rng.normal(size=p[-2].shape) * 0.5
    pts, h = rng.normal(size=(10, 2)), 1e-6
    def f(P):
        return flow.flow_forward(params, P)[0].value
    jac = np.stack([(f(pts + h * e) - f(pts - h * e)) / (2 * h) for e in np.eye(2)], axis=2)
    np.testing.assert_allclose(flow.flow_forward(params, pts)[1].value, np.log(np.abs(np.linalg.det(jac))),
                               rtol=1e-6, atol=1e-8)


def test_flow_density_and_sampling_invert_each_other(rng):
    """generative.change-of-variables: log p_X = log N(f(x)) + log det; f(sample) gives back the normals."""
    params = flow.flow_init(4, 6, seed=2)
    for p in params:
        p[-2] = rng.normal(size=p[-2].shape) * 0.5
    x = rng.normal(size=(6, 2))
    z, ld = flow.flow_forward(params, x)
    expected = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z.value) + ld.value
    np.testing.assert_allclose(flow.flow_log_density(params, x), expected, rtol=RTOL)
    samples = flow.flow_sample(params, 5, seed=9)
    np.testing.assert_allclose(flow.flow_forward(params, samples)[0].value,
                               np.random.default_rng(9).standard_normal((5, 2)), rtol=1e-9, atol=1e-12)


def test_trained_flow_density_integrates_to_one():
    """generative.change-of-variables: after training, the density integrates to 1 and the NLL fell."""
    X = np.random.default_rng(0).normal(size=(400, 2)) * np.array([1.0, 0.3]) + np.array([0.5, 0.0])
    params, nll = flow.train_flow(X, layers=2, hidden=8, steps=150, batch=100, lr=1e-2, seed=0)
    g = np.linspace(-5, 5, 201)
    G = np.column_stack([np.repeat(g, 201), np.tile(g, 201)])
    assert np.sum(np.exp(flow.flow_log_density(params, G))) * (g[1] - g[0]) ** 2 == pytest.approx(1.0, abs=0.01)
    assert nll[-20:].mean() < nll[:20].mean() - 0.3
    first = X[np.random.default_rng(0).integers(0, 400, size=100)]      # the identity flow's first minibatch NLL
    assert nll[0] == pytest.approx(np.mean(0.5 * np.sum(first**2, axis=1) + np.log(2 * np.pi)), rel=RTOL)
    with pytest.raises(ValueError, match="X must have shape \\(n, 2\\)"):
        flow.train_flow(np.zeros((3, 3)))


# ------------------------------------------------------------------------------------------ diffusion

def test_schedule_and_alpha_bar():
    """generative.diffusion-marginal: the linear schedule and abar_t = prod (1 - beta_s)."""
    b = diff.linear_beta_schedule(5, 0.1, 0.5)
    np.testing.assert_allclose(b, [0.1, 0.2, 0.3, 0.4, 0.5], rtol=RTOL)
    np.testing.assert_allclose(diff.alpha_bar(b), np.cumprod(1 - b), rtol=RTOL)
    with pytest.raises(ValueError, match="T must be an int >= 2"):
        diff.linear_beta_schedule(1)
    with pytest.raises(ValueError, match="entries in \\(0, 1\\)"):
        diff.alpha_bar(np.array([0.5, 1.0]))


def test_marginal_matches_the_simulated_chain(rng):
    """generative.diffusion-marginal: the closed form against step-by-step noising (mean and variance)."""
    b = diff.linear_beta_schedule(10, 0.01, 0.3)
    x0 = np.tile([1.0, -2.0], (100_000, 1))
    x = x0.copy()
    for t in range(10):
        x = np.sqrt(1 - b[t]) * x + np.sqrt(b[t]) * rng.standard_normal(x.shape)
    closed = diff.diffusion_marginal(x0, 10, b, rng.standard_normal(x0.shape))
    np.testing.assert_allclose(closed.mean(axis=0), x.mean(axis=0), atol=0.01)
    np.testing.assert_allclose(closed.var(axis=0), x.var(axis=0), rtol=0.02)
    e = rng.standard_normal((3, 2))
    ab = diff.alpha_bar(b)[3]
    np.testing.assert_allclose(diff.diffusion_marginal(x0[:3], 4, b, e), np.sqrt(ab) * x0[:3] + np.sqrt(1 - ab) * e,
                               rtol=RTOL)


def test_posterior_is_bayes_of_two_gaussians(rng):
    """generative.diffusion-posterior: product of q(x_t | x_{t-1}) and q(x_{t-1} | x_0), by precisions."""
    b = diff.linear_beta_schedule(6, 0.05, 0.4)
    ab = diff.alpha_bar(b)
    x0, xt = rng.normal(size=(2, 4, 2))
    for t in (2, 4, 6):
        prec = (1 - b[t - 1]) / b[t - 1] + 1 / (1 - ab[t - 2])
        mean = (np.sqrt(1 - b[t - 1]) / b[t - 1] * xt + np.sqrt(ab[t - 2]) / (1 - ab[t - 2]) * x0) / prec
        m, v = diff.diffusion_posterior(x0, xt, t, b)
        np.testing.assert_allclose(m, mean, rtol=1e-9)
        assert v == pytest.approx(1 / prec, rel=1e-12)
    with pytest.raises(ValueError, match="t must be >= 2"):
        diff.diffusion_posterior(x0, xt, 1, b)
    with pytest.raises(ValueError, match="t must be an int in 1..6"):
        diff.diffusion_posterior(x0, xt, 7, b)


def test_eps_parameterisation_and_score(rng):
    """generative.eps-score: score = -eps / sqrt(1 - abar); mu_tilde = (x_t - beta/sqrt(1 - abar) eps)/sqrt(alpha)."""
    b = diff.linear_beta_schedule(5, 0.05, 0.3)
    ab = diff.alpha_bar(b)
    x0, eps = rng.normal(size=(2, 3, 2))
    t = 4
    xt = diff.diffusion_marginal(x0, t, b, eps)
    h = 1e-6
    def logq(x):
        return -np.sum((x - np.sqrt(ab[t - 1]) * x0) ** 2, axis=1) / (2 * (1 - ab[t - 1]))
    fd = np.stack([(logq(xt + h * e) - logq(xt - h * e)) / (2 * h) for e in np.eye(2)], axis=1)
    np.testing.assert_allclose(diff.eps_to_score(eps, t, b), fd, rtol=FD_RTOL)
    m, _ = diff.diffusion_posterior(x0, xt, t, b)
    np.testing.assert_allclose(m, (xt - b[t - 1] / np.sqrt(1 - ab[t - 1]) * eps) / np.sqrt(1 - b[t - 1]), rtol=1e-9)


def test_time_features_predict_noise_and_sampler(rng):
    """generative.diffusion-trained: features, the network's output, and one ancestral step by hand."""
    T = 4
    np.testing.assert_allclose(diff.time_features(np.array([2]), T)[0],
                               [np.sin(0.5), np.cos(0.5), np.sin(1.5), np.cos(1.5), np.sin(4.5), np.cos(4.5)],
                               rtol=RTOL)
    b = diff.linear_beta_schedule(T, 0.05, 0.3)
    X = rng.normal(size=(200, 2))
    params, losses = diff.train_diffusion(X, b, steps=30, batch=32, hidden=8, seed=0)
    r0 = np.random.default_rng(0)                            # the first minibatch of the run, by hand
    x0b = X[r0.integers(0, 200, size=32)]
    tb = r0.integers(1, T + 1, size=32)
    eb = r0.standard_normal(x0b.shape)
    ab0 = diff.alpha_bar(b)[tb - 1][:, None]
    xtb = np.sqrt(ab0) * x0b + np.sqrt(1 - ab0) * eb
    out0 = mlp_logits(mlp_init([8, 8, 8, 2], 0), np.hstack([xtb, diff.time_features(tb, T)])).value
    assert losses[0] == pytest.approx(np.mean(np.sum((out0 - eb) ** 2, axis=1)), rel=RTOL)
    np.testing.assert_allclose(diff.predict_noise(params, xtb[:2], tb[:2], T)[0, 0], diff.predict_noise(
        diff.train_diffusion(X, b, steps=30, batch=32, hidden=8, seed=0)[0], xtb[:2], tb[:2], T)[0, 0], rtol=RTOL)
    xt, t = rng.normal(size=(3, 2)), np.array([1, 2, 4])
    np.testing.assert_allclose(diff.predict_noise(params, xt, t, T),
                               mlp_logits(params, np.hstack([xt, diff.time_features(t, T)])).value, rtol=RTOL)
    samples, path = diff.ddpm_sample(params, b, 3, seed=5, keep_path=True)
    r = np.random.default_rng(5)
    x = r.standard_normal((3, 2))
    np.testing.assert_allclose(path[T], x, rtol=RTOL)
    ab = diff.alpha_bar(b)
    e = diff.predict_noise(params, x, np.full(3, T), T)
    mean = (x - b[T - 1] / np.sqrt(1 - ab[T - 1]) * e) / np.sqrt(1 - b[T - 1])
    var = (1 - ab[T - 2]) / (1 - ab[T - 1]) * b[T - 1]
    np.testing.assert_allclose(path[T - 1], mean + np.sqrt(var) * r.standard_normal((3, 2)), rtol=1e-9)
    np.testing.assert_array_equal(samples, path[0])
    assert losses.shape == (30,) and np.all(np.isfinite(losses))


def test_sliced_w1(rng):
    """generative.diffusion-trained / generative.wasserstein-sorted: sliced W1 is the mean 1-D W1 of projections."""
    A, B = rng.normal(size=(50, 2)), rng.normal(1.0, 1.0, size=(50, 2))
    u = np.random.default_rng(3).standard_normal((2, 8))
    u /= np.linalg.norm(u, axis=0)
    expected = np.mean([gan.wasserstein1_sorted(A @ u[:, j], B @ u[:, j]) for j in range(8)])
    assert diff.sliced_w1(A, B, directions=8, seed=3) == pytest.approx(expected, rel=RTOL)
    with pytest.raises(ValueError, match="one shape"):
        diff.sliced_w1(A, B[:3])

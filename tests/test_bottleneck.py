"""Tests of mathdl.bottleneck: the information bottleneck, information dropout and the deep VIB, each against
SymPy (agree), its gradient (gradcheck), an invariant or closed form, and bad input.
Book: Information theory (book/information.ipynb)."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from mathdl import bottleneck, info
from mathdl.verify import agree, derive, gradcheck

#: Allowed excess of a quantity over its upper bound (IB monotonicity, I(T;Y) <= min(I(X;T), I(X;Y))).
BOUND_ATOL = 1e-12
#: Relative agreement of two numpy computations of one closed form.
CLOSED_FORM_RTOL = 1e-10
#: Monte Carlo checks: the estimate must lie within this many standard errors.
MC_SIGMAS = 5.0

#: KL(N(M1, S1^2) || N(M2, S2^2)) in closed form (claim info.kl-gaussian; derived in tests/test_info.py).
M1, M2 = sp.symbols("mu_1 mu_2", real=True)
S1, S2 = sp.symbols("sigma_1 sigma_2", positive=True)
KL_CLOSED = sp.log(S2 / S1) + (S1**2 + (M1 - M2) ** 2) / (2 * S2**2) - sp.Rational(1, 2)


# ----------------------------------------------------------------------------------- information bottleneck

def _joint(rng, nx=6, ny=3):
    return rng.dirichlet(np.ones(nx * ny)).reshape(nx, ny)


def test_ib_update_is_the_stationary_point_by_sympy():
    """claim info.ib-lagrangian: for two clusters the minimiser of r log(r/a1) + (1-r) log((1-r)/a2)
    + beta (r k1 + (1-r) k2) is r = a1 e^{-beta k1} / (a1 e^{-beta k1} + a2 e^{-beta k2})."""
    r = sp.Symbol("r", positive=True)
    a1, a2, beta = sp.symbols("a1 a2 beta", positive=True)
    k1, k2 = sp.symbols("k1 k2", real=True)
    F = r * sp.log(r / a1) + (1 - r) * sp.log((1 - r) / a2) + beta * (r * k1 + (1 - r) * k2)
    boltzmann = a1 * sp.exp(-beta * k1) / (a1 * sp.exp(-beta * k1) + a2 * sp.exp(-beta * k2))
    assert sp.simplify(sp.diff(F, r).subs(r, boltzmann)) == 0
    assert sp.simplify(sp.diff(F, r, 2) - (1 / r + 1 / (1 - r))) == 0


def test_ib_information_and_lagrangian_are_the_mutual_informations(rng):
    """claim info.ib-lagrangian: I(X;T) from p(x,t) = p(x) p(t|x), I(T;Y) from p(t,y) = sum_x p(t|x) p(x,y)."""
    pxy = _joint(rng)
    enc = rng.dirichlet(np.ones(4), size=pxy.shape[0])
    pxt = pxy.sum(axis=1)[:, None] * enc
    pty = np.einsum("xt,xy->ty", enc, pxy)
    ixt, ity = bottleneck.ib_information(pxy, enc)
    assert ixt == pytest.approx(info.mutual_information(pxt), rel=CLOSED_FORM_RTOL)
    assert ity == pytest.approx(info.mutual_information(pty), rel=CLOSED_FORM_RTOL)
    assert bottleneck.ib_lagrangian(pxy, enc, 2.5) == pytest.approx(ixt - 2.5 * ity, rel=CLOSED_FORM_RTOL)
    assert bottleneck.ib_information(pxy, np.eye(pxy.shape[0]))[0] == pytest.approx(     # T = X: I(X;T) = H(X)
        info.entropy(pxy.sum(axis=1)), rel=CLOSED_FORM_RTOL)


def test_iterative_ib_one_step_is_the_boltzmann_update(rng):
    """claim info.ib-lagrangian, deterministic core: one iteration from a given encoder is exactly
    p(t|x) = p(t) exp(-beta KL(p(y|x) || p(y|t))) / Z(x), with p(t), p(y|t) the current encoder's marginals."""
    pxy, beta = _joint(rng), 3.0
    enc0 = rng.dirichlet(np.ones(4), size=pxy.shape[0])
    px = pxy.sum(axis=1)
    pt = px @ enc0
    py_t = (enc0 * px[:, None]).T @ (pxy / px[:, None]) / pt[:, None]
    kl = np.array([[info.kl_divergence(pxy[x] / px[x], py_t[t]) for t in range(4)] for x in range(pxy.shape[0])])
    weights = pt * np.exp(-beta * kl)
    expected = weights / weights.sum(axis=1, keepdims=True)
    res = bottleneck.iterative_ib(pxy, beta, 4, init=enc0, iters=1)
    np.testing.assert_allclose(res.encoder, expected, rtol=CLOSED_FORM_RTOL, atol=0)
    assert res.iterations == 1 and not res.converged
    np.testing.assert_allclose(res.lagrangian, [bottleneck.ib_lagrangian(pxy, enc0, beta),
                                                bottleneck.ib_lagrangian(pxy, expected, beta)], rtol=CLOSED_FORM_RTOL)
    assert (res.ixt, res.ity) == pytest.approx(bottleneck.ib_information(pxy, expected), rel=CLOSED_FORM_RTOL)


def test_iterative_ib_decreases_lagrangian_and_respects_bounds(rng):
    """claim info.ib-lagrangian: the Lagrangian never increases; I(T;Y) <= min(I(X;T), I(X;Y))."""
    pxy = _joint(rng)
    ixy = info.mutual_information(pxy)
    for beta in (0.5, 3.0, 10.0, 200.0):
        res = bottleneck.iterative_ib(pxy, beta, 6, seed=3)
        assert np.all(np.diff(res.lagrangian) <= BOUND_ATOL)
        assert res.ity <= min(res.ixt, ixy) + BOUND_ATOL
        np.testing.assert_allclose(res.encoder.sum(axis=1), 1.0, atol=1e-12)
        assert bottleneck.ib_lagrangian(pxy, res.encoder, beta) == pytest.approx(res.lagrangian[-1], abs=1e-12)
    low = bottleneck.iterative_ib(pxy, 0.1, 6, seed=1)
    assert low.ixt < 1e-6                       # small beta: compress everything away
    _, ity_high = bottleneck.ib_tradeoff(pxy, np.array([500.0]), 6, restarts=5)
    assert ity_high[0] > 0.95 * ixy             # large beta (best of 5 starts): keep nearly all of I(X;Y)


def test_ib_tradeoff_is_the_best_of_seeded_runs_exactly(rng):
    """Deterministic core of ib_tradeoff: for each beta, the run (seeds seed, seed + 1, ...) with the lowest final
    Lagrangian, reproduced exactly from iterative_ib."""
    pxy = _joint(rng)
    betas = np.array([0.5, 4.0, 30.0])
    ixt, ity = bottleneck.ib_tradeoff(pxy, betas, 5, restarts=3, seed=11, iters=60)
    for i, beta in enumerate(betas):
        runs = [bottleneck.iterative_ib(pxy, float(beta), 5, seed=11 + r, iters=60) for r in range(3)]
        best = min(runs, key=lambda res: res.lagrangian[-1])
        assert (ixt[i], ity[i]) == (best.ixt, best.ity)
    again = bottleneck.ib_tradeoff(pxy, betas, 5, restarts=3, seed=11, iters=60)
    np.testing.assert_array_equal(again[0], ixt)                   # seeded: the same curve every time


def test_ib_tradeoff_curve_is_monotone_in_beta(rng):
    pxy = _joint(rng)
    betas = np.geomspace(0.5, 100, 10)
    ixt, ity = bottleneck.ib_tradeoff(pxy, betas, 6, restarts=2, iters=300)
    assert np.all(ity <= np.minimum(ixt, info.mutual_information(pxy)) + BOUND_ATOL)
    assert ity[-1] > ity[0]


def test_ib_large_beta_no_overflow(rng):
    pxy = _joint(rng)
    with np.errstate(all="raise"):
        res = bottleneck.iterative_ib(pxy, 1e6, 4, seed=0, iters=50)
    assert np.all(np.isfinite(res.encoder))


# --------------------------------------------------------------------------------- information dropout

def test_information_dropout_kl_log_uniform_is_minus_log_alpha_plus_constant():
    """claim info.information-dropout-kl: -h(N(m, alpha^2)) - log c = -log alpha - log(2 pi e)/2 - log c."""
    t = sp.Symbol("t", real=True)
    alpha = sp.Symbol("alpha", positive=True)
    phi = sp.exp(-t**2 / 2) / sp.sqrt(2 * sp.pi)
    h = sp.integrate(-phi * sp.expand_log(sp.log(phi / alpha)), (t, -sp.oo, sp.oo))   # alpha > 0, t real suffice
    assert sp.simplify(h - (sp.log(2 * sp.pi * sp.E) / 2 + sp.log(alpha))) == 0
    agree(-h + sp.log(2 * sp.pi * sp.E) / 2, bottleneck.information_dropout_kl_log_uniform, [alpha],
          domain=(0.05, 3.0), claim="info.information-dropout-kl")


def test_information_dropout_kl_log_normal_is_gaussian_kl_of_logs():
    """claim info.information-dropout-kl: the log-normal density is the Gaussian density of log z times the Jacobian
    1/z (the derivative of P(Z <= z) = Phi((log z - log f)/alpha)); the 1/z of the two densities cancel in the
    log-ratio, so the KL is the Gaussian KL of the logs, which mathdl computes."""
    z = sp.Symbol("z", positive=True)
    f, alpha, sigma = sp.symbols("f alpha sigma", positive=True)
    mu = sp.Symbol("mu", real=True)
    gauss = lambda a, m, s: sp.exp(-(a - m) ** 2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)  # noqa: E731
    cdf = (1 + sp.erf((sp.log(z) - sp.log(f)) / (alpha * sp.sqrt(2)))) / 2
    derive(sp.Derivative(cdf, z), (gauss(sp.log(z), sp.log(f), alpha) / z, "chain rule through log z"))
    closed = KL_CLOSED.subs({M1: sp.log(f), S1: alpha, M2: mu, S2: sigma})
    agree(closed, lambda f, a, m, s: bottleneck.information_dropout_kl_log_normal(np.array(f), np.array(a), m, s),
          [f, alpha, mu, sigma], domain={0: (0.1, 3), 1: (0.1, 2), 3: (0.3, 2)}, claim="info.information-dropout-kl")


def test_information_dropout_log_normal_kl_numeric_integral():
    """The z-space integral of p log(p/q) on a fine log grid matches the closed form (numeric check)."""
    f, alpha, mu, sigma = 1.7, 0.4, 0.2, 0.8
    u = np.linspace(np.log(f) - 12 * alpha, np.log(f) + 12 * alpha, 20001)
    z = np.exp(u)
    lp = -0.5 * ((u - np.log(f)) / alpha) ** 2 - np.log(alpha * np.sqrt(2 * np.pi)) - u
    lq = -0.5 * ((u - mu) / sigma) ** 2 - np.log(sigma * np.sqrt(2 * np.pi)) - u
    numeric = np.trapezoid(np.exp(lp) * (lp - lq), z)
    closed = float(bottleneck.information_dropout_kl_log_normal(np.array(f), np.array(alpha), mu, sigma))
    assert numeric == pytest.approx(closed, rel=1e-6)


def test_information_dropout_gradcheck_and_noise_law(rng):
    """claim info.information-dropout-kl: the op's VJP; log(z / f) = alpha xi has standard deviation alpha."""
    f, alpha, xi = rng.uniform(0.2, 2, (3, 4)), rng.uniform(0.2, 1, (3, 4)), rng.standard_normal((3, 4))
    gradcheck(lambda f, a: bottleneck.information_dropout(f, a, xi),
              lambda u, f, a: bottleneck.information_dropout_vjp(u, f, a, xi), [f, alpha],
              claim="info.information-dropout-kl")
    gradcheck(bottleneck.information_dropout_kl_log_uniform, lambda u, a: -u / a, [alpha],
              claim="info.information-dropout-kl")
    draws = rng.standard_normal(20000)
    logs = np.log(bottleneck.information_dropout(np.full(20000, 2.0), np.full(20000, 0.3), draws) / 2.0)
    assert abs(np.std(logs) - 0.3) < MC_SIGMAS * 0.3 / np.sqrt(2 * 20000)


# ------------------------------------------------------------------------------------------------ VIB

def _vib_setup(rng, n=4, k=3, c=5, S=2):
    return (rng.standard_normal((n, k)), rng.uniform(0.5, 1.5, (n, k)), rng.standard_normal((S, n, k)),
            rng.standard_normal((k, c)), rng.standard_normal(c), rng.integers(0, c, n))


def test_vib_loss_gradcheck(rng):
    """claim info.vib-loss: the reparameterised gradient of the VIB loss."""
    mu, sigma, xi, W, b, y = _vib_setup(rng)
    gradcheck(lambda m, s, W, b: bottleneck.vib_loss(m, s, xi, W, b, y, 0.3),
              lambda u, m, s, W, b: bottleneck.vib_loss_vjp(u, m, s, xi, W, b, y, 0.3), [mu, sigma, W, b],
              claim="info.vib-loss")


def test_vib_loss_pieces(rng):
    """claim info.vib-loss: xi = 0 gives the deterministic softmax CE plus beta times the mean Gaussian KL."""
    from mathdl import losses

    mu, sigma, xi, W, b, y = _vib_setup(rng, S=1)
    value = bottleneck.vib_loss(mu, sigma, np.zeros_like(xi), W, b, y, 0.7)
    kl = np.mean(info.kl_diagonal_gaussian(mu, sigma, np.zeros_like(mu), np.ones_like(sigma)))
    assert value == pytest.approx(losses.softmax_cross_entropy(mu @ W + b, y) + 0.7 * kl, rel=CLOSED_FORM_RTOL)


# ------------------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize("call, match", [
    (lambda: bottleneck.iterative_ib(np.array([[0.5, 0.5], [0.0, 0.0]]), 1.0, 2),
     r"every x must have p\(x\) > 0"),
    (lambda: bottleneck.iterative_ib(np.full((2, 2), 0.25), -1.0, 2),
     r"iterative_ib: beta must be a finite number >= 0"),
    (lambda: bottleneck.iterative_ib(np.full((2, 2), 0.25), 1.0, 0),
     r"iterative_ib: n_clusters must be a positive int"),
    (lambda: bottleneck.information_dropout(np.ones(3), np.zeros(3), np.ones(3)),
     r"information_dropout: alpha must be > 0"),
    (lambda: bottleneck.information_dropout(np.ones(3), np.ones(2), np.ones(3)), r"alpha must have f's shape"),
    (lambda: bottleneck.information_dropout_kl_log_normal(np.zeros(2), np.ones(2), 0.0, 1.0), r"f must be > 0"),
    (lambda: bottleneck.vib_loss(np.zeros((2, 3)), np.ones((2, 3)), np.zeros((2, 3)), np.zeros((3, 4)), np.zeros(4),
                                 np.array([0, 1]), 1.0), r"vib_loss: xi must be \(S, n, k\)"),
])
def test_bad_input_is_refused_with_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_boundary_values_are_accepted(rng):
    """beta = 0 is allowed (pure compression), a single restart is allowed, and a label must be < the class count."""
    pxy = _joint(rng)
    enc = rng.dirichlet(np.ones(3), size=pxy.shape[0])
    assert bottleneck.ib_lagrangian(pxy, enc, 0.0) == pytest.approx(bottleneck.ib_information(pxy, enc)[0],
                                                                    rel=CLOSED_FORM_RTOL)
    res = bottleneck.iterative_ib(pxy, 0.0, 3, seed=0, iters=200)
    assert res.ixt < 1e-6                                          # beta = 0: T forgets X
    ixt, ity = bottleneck.ib_tradeoff(pxy, np.array([0.0, 5.0]), 3, restarts=1, iters=50)
    assert ixt.shape == ity.shape == (2,)
    mu, sigma, xi, W, b, y = _vib_setup(rng)
    assert bottleneck.vib_loss(mu, sigma, xi, W, b, y, 0.0) == pytest.approx(
        bottleneck.vib_loss(mu, sigma, xi, W, b, y, 1.0)
        - np.mean(info.kl_diagonal_gaussian(mu, sigma, np.zeros_like(mu), np.ones_like(sigma))), rel=CLOSED_FORM_RTOL)
    with pytest.raises(ValueError, match="vib_loss: y must be integer labels"):
        bottleneck.vib_loss(mu, sigma, xi, W, b, np.full(len(y), W.shape[1]), 1.0)


def test_iterative_ib_handles_zero_probabilities_exactly(rng):
    """p(y|x) = 0 entries: 0 log 0 = 0 in the KL, no warnings, and one step is still the Boltzmann update."""
    pxy = _joint(rng, nx=4, ny=3)
    pxy[0, 1] = pxy[2, 0] = 0.0
    pxy /= pxy.sum()
    enc0 = rng.dirichlet(np.ones(3), size=4)
    with np.errstate(all="raise"):
        res = bottleneck.iterative_ib(pxy, 2.0, 3, init=enc0, iters=1)
    px = pxy.sum(axis=1)
    pt = px @ enc0
    py_t = (enc0 * px[:, None]).T @ (pxy / px[:, None]) / pt[:, None]
    kl = np.array([[info.kl_divergence(pxy[x] / px[x], py_t[t]) for t in range(3)] for x in range(4)])
    weights = pt * np.exp(-2.0 * kl)
    np.testing.assert_allclose(res.encoder, weights / weights.sum(axis=1, keepdims=True), rtol=CLOSED_FORM_RTOL)

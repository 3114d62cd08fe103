"""Tests of mathdl.optim: each update against its documented formula, each rate against simulation.

Equation numbers refer to ``book/optimization.ipynb``; claim ids name the facts checked.
"""
from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import objectives, optim
from mathdl.verify import agree, derive

#: One step computed from the formula by hand vs the step function (same float operations up to order).
STEP_RTOL = 1e-14
#: Measured asymptotic rate vs the predicted rate when the slowest mode is a simple eigenvalue.
RATE_RTOL = 1e-6
#: Measured vs predicted rate at heavy ball's optimum, where a double root makes e_k ~ k rho^k: the windowed
#: ratio overestimates rho by a factor (k / (k - w))^(1/w) ~ 1 + 1/k (k ~ 10^3 here).
DOUBLE_ROOT_RTOL = 5e-3
#: Measured vs predicted rate when the roots are complex: the error oscillates, so the rate is read from the
#: envelope (window maxima); where in its window the maximum falls shifts by up to a period P, an error of
#: about P |ln rho| / s over a span of s steps (s ~ 450 for kappa = 10).
ENVELOPE_RTOL = 5e-3
#: Monte Carlo tolerance for means and variances of minibatch gradients (about 6 standard errors).
MC_RTOL = 0.06


@pytest.fixture
def rng():
    return np.random.default_rng(1951)


def _errors(run: optim.Trajectory, x_star=(0.0, 0.0)) -> np.ndarray:
    return np.linalg.norm(run.path - np.asarray(x_star), axis=1)


# ------------------------------------------------------------------------------------------ update formulas

def test_sgd_step_matches_formula(rng):
    """Heavy ball with PyTorch's convention: v_1 = g_1, v_t = mu v + (1 - tau) g, p <- p - lr v."""
    p, lr, mu, tau, wd = rng.standard_normal(3), 0.1, 0.9, 0.25, 0.01
    g1, g2 = rng.standard_normal(3), rng.standard_normal(3)
    p1, s = optim.sgd_step(p, g1, lr=lr, momentum=mu, dampening=tau, weight_decay=wd)
    v1 = g1 + wd * p                                  # first step: the buffer is the gradient, undampened
    np.testing.assert_allclose(p1, p - lr * v1, rtol=STEP_RTOL)
    p2, _ = optim.sgd_step(p1, g2, s, lr=lr, momentum=mu, dampening=tau, weight_decay=wd)
    v2 = mu * v1 + (1 - tau) * (g2 + wd * p1)
    np.testing.assert_allclose(p2, p1 - lr * v2, rtol=STEP_RTOL)
    # Nesterov: d = g + mu v
    q1, s = optim.sgd_step(p, g1, lr=lr, momentum=mu, nesterov=True)
    np.testing.assert_allclose(q1, p - lr * (g1 + mu * g1), rtol=STEP_RTOL)
    q2, _ = optim.sgd_step(q1, g2, s, lr=lr, momentum=mu, nesterov=True)
    np.testing.assert_allclose(q2, q1 - lr * (g2 + mu * (mu * g1 + g2)), rtol=STEP_RTOL)
    # plain gradient descent
    np.testing.assert_allclose(optim.sgd_step(p, g1, lr=lr)[0], p - lr * g1, rtol=STEP_RTOL)


def test_rmsprop_step_matches_formula(rng):
    p, lr, alpha, eps, mu = rng.standard_normal(4), 0.01, 0.9, 1e-8, 0.5
    g1, g2 = rng.standard_normal(4), rng.standard_normal(4)
    p1, s = optim.rmsprop_step(p, g1, lr=lr, alpha=alpha, eps=eps)
    v1 = (1 - alpha) * g1**2
    np.testing.assert_allclose(p1, p - lr * g1 / (np.sqrt(v1) + eps), rtol=STEP_RTOL)
    p2, _ = optim.rmsprop_step(p1, g2, s, lr=lr, alpha=alpha, eps=eps)
    v2 = alpha * v1 + (1 - alpha) * g2**2
    np.testing.assert_allclose(p2, p1 - lr * g2 / (np.sqrt(v2) + eps), rtol=STEP_RTOL)
    # centered with momentum
    c1, s = optim.rmsprop_step(p, g1, lr=lr, alpha=alpha, eps=eps, momentum=mu, centered=True)
    gbar = (1 - alpha) * g1
    b1 = g1 / (np.sqrt(v1 - gbar**2) + eps)
    np.testing.assert_allclose(c1, p - lr * b1, rtol=STEP_RTOL)
    c2, _ = optim.rmsprop_step(c1, g2, s, lr=lr, alpha=alpha, eps=eps, momentum=mu, centered=True)
    gbar2 = alpha * gbar + (1 - alpha) * g2
    b2 = mu * b1 + g2 / (np.sqrt(v2 - gbar2**2) + eps)
    np.testing.assert_allclose(c2, c1 - lr * b2, rtol=STEP_RTOL)


def test_adam_step_matches_formula(rng):
    """claim optim.adam-bias-correction: the update divides the moments by 1 - beta^t."""
    p, lr, (b1, b2), eps = rng.standard_normal(3), 0.01, (0.8, 0.95), 1e-8
    grads = rng.standard_normal((3, 3))
    m = v = np.zeros(3)
    q, state = p, None
    for t, g in enumerate(grads, start=1):
        q_new, state = optim.adam_step(q, g, state, lr=lr, betas=(b1, b2), eps=eps)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        expected = q - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        np.testing.assert_allclose(q_new, expected, rtol=STEP_RTOL)
        q = q_new
    assert state.step == 3


def test_adam_first_step_is_lr_times_sign(rng):
    """With bias correction, m_hat_1 = g and v_hat_1 = g^2, so the first step is lr * g / (|g| + eps)."""
    g = rng.standard_normal(5) * 10.0 ** rng.integers(-3, 3, size=5)
    p1, _ = optim.adam_step(np.zeros(5), g, lr=0.1, eps=1e-300)
    np.testing.assert_allclose(p1, -0.1 * np.sign(g), rtol=1e-15)


def test_adam_bias_correction_symbolic_and_measured(rng):
    """claim optim.adam-bias-correction: E[m_t] = (1 - beta^t) E[g] (geometric sum), and by simulation."""
    beta = sp.Symbol("beta", positive=True)
    t, k = sp.symbols("t k", integer=True, positive=True)
    d = derive((1 - beta) * sp.Sum(beta ** (t - k), (k, 1, t)), (1 - beta**t, "geometric sum"),
               claim="optim.adam-bias-correction")
    assert d.result == 1 - beta**t
    # simulation: m_t averaged over many independent gradient streams with mean 2
    b1, T, streams = 0.9, 5, 200_000
    g = 2.0 + rng.standard_normal((T, streams))
    m = np.zeros(streams)
    for step in range(T):
        m = b1 * m + (1 - b1) * g[step]
    assert abs(m.mean() / (1 - b1**T) - 2.0) < 0.01
    assert abs(m.mean() - 2.0) > 0.8          # the uncorrected average is far from E[g]


def test_newton_one_step_on_quadratic(rng):
    """claim optim.newton-quadratic: symbolically (any n) and on a random SPD quadratic."""
    n = sp.Symbol("n", integer=True, positive=True)
    A, x, b = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("b", n, 1)
    derive(x - A.I * (A * x - b), (A.I * b, "A^{-1} A = I"), claim="optim.newton-quadratic")
    M = rng.standard_normal((5, 5))
    A_num = M @ M.T + 5 * np.eye(5)
    b_num = rng.standard_normal(5)
    x0 = rng.standard_normal(5)
    x1, _ = optim.newton_step(x0, A_num @ x0 - b_num, A_num)
    np.testing.assert_allclose(A_num @ x1, b_num, rtol=1e-12, atol=1e-12)


def test_gauss_newton_fits_linear_least_squares_in_one_step(rng):
    """For linear residuals r = X p - y, J = X and one Gauss-Newton step solves the normal equations."""
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    p0 = rng.standard_normal(3)
    p1 = optim.gauss_newton_step(p0, X @ p0 - y, X)
    np.testing.assert_allclose(X.T @ (X @ p1 - y), 0.0, atol=1e-12)


def test_gauss_newton_hessian_decomposition():
    """claim optim.gauss-newton-hessian: Hess(|r|^2 / 2) = J^T J + sum_i r_i Hess(r_i), for r_i = a e^{b t_i} - y_i."""
    a, bb = sp.symbols("a b", real=True)
    ts, ys = sp.symbols("t1:4", real=True), sp.symbols("y1:4", real=True)
    r = sp.Matrix([a * sp.exp(bb * ti) - yi for ti, yi in zip(ts, ys)])
    J = r.jacobian([a, bb])
    rhs = J.T * J + sum((ri * sp.hessian(ri, (a, bb)) for ri in r), sp.zeros(2, 2))
    derive(sp.hessian((r.T * r)[0] / 2, (a, bb)), (rhs, "product rule"), claim="optim.gauss-newton-hessian")


def test_bfgs_secant_condition_symbolic():
    """claim optim.bfgs-secant: B_{k+1} s = y and B_{k+1} symmetric, entrywise for a symbolic 3x3 B."""
    b = sp.symbols("b11 b12 b13 b22 b23 b33", real=True)
    B = sp.Matrix([[b[0], b[1], b[2]], [b[1], b[3], b[4]], [b[2], b[4], b[5]]])
    s, y = sp.Matrix(sp.symbols("s1:4", real=True)), sp.Matrix(sp.symbols("y1:4", real=True))
    B1 = B - (B * s * s.T * B) / (s.T * B * s)[0] + (y * y.T) / (y.T * s)[0]
    derive(B1 * s, (y, "cancel s^T B s and y^T s"), claim="optim.bfgs-secant")
    derive(B1 - B1.T, (sp.zeros(3, 3), "B symmetric"), claim="optim.bfgs-secant")


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6))
def test_bfgs_update_secant_and_positive_definite(seed, d):
    """claim optim.bfgs-secant: numerically, and B stays positive definite when y^T s > 0."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((d, d))
    B = M @ M.T + np.eye(d)
    s = rng.standard_normal(d)
    A = rng.standard_normal((d, d))
    y = (A @ A.T + 0.5 * np.eye(d)) @ s                 # gradient change of a convex quadratic: y^T s > 0
    B1 = optim.bfgs_update(B, s, y)
    np.testing.assert_allclose(B1 @ s, y, rtol=1e-8, atol=1e-8 * np.linalg.norm(y))
    np.testing.assert_allclose(B1, B1.T, atol=1e-10 * np.max(np.abs(B1)))
    assert np.all(np.linalg.eigvalsh(B1) > 0)


# -------------------------------------------------------------------------------------- rates on a quadratic

def test_gd_iteration_symbolic():
    """claim optim.gd-quadratic-rate: x_{k+1} - x* = (I - lr A)(x_k - x*) for any n (MatrixSymbol)."""
    n = sp.Symbol("n", integer=True, positive=True)
    A, xk, xs = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x_k", n, 1), sp.MatrixSymbol("x^*", n, 1)
    eta = sp.Symbol("eta", positive=True)
    derive(xk - eta * (A * xk - A * xs) - xs, ((sp.Identity(n) - eta * A) * (xk - xs), "factor"),
           claim="optim.gd-quadratic-rate")


def test_gd_step_condition_symbolic_and_simulated():
    """claim optim.gd-step-condition: |1 - lr L| < 1 iff 0 < lr < 2/L; 0.99 * 2/L converges, 1.01 * 2/L diverges."""
    eta, L = sp.symbols("eta L", positive=True)
    assert sp.solve_univariate_inequality(sp.Abs(1 - eta * L) < 1, eta, relational=False) == \
        sp.Interval.open(0, 2 / L)
    derive((1 - eta * L) ** 2 - 1, (eta * L * (eta * L - 2), "factor"), claim="optim.gd-step-condition")
    obj = objectives.quadratic(25.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        good = optim.trajectory(obj, "sgd", [1.0, 1.0], 3000, lr=0.99 * 2 / 25.0)
        bad = optim.trajectory(obj, "sgd", [1.0, 1.0], 3000, lr=1.01 * 2 / 25.0)
    assert good.status == "ok" and np.linalg.norm(good.path[-1]) < 1e-10
    assert bad.diverged and bad.stopped_at < 3000


def test_gd_measured_rate_agrees_with_prediction():
    """claim optim.gd-quadratic-rate: measured rate == max(|1 - lr|, |1 - lr kappa|), lr = 2 theta/(1 + kappa)."""
    theta, kap = sp.symbols("theta kappa", positive=True)
    lr = 2 * theta / (1 + kap)
    predicted = sp.Max(sp.Abs(1 - lr), sp.Abs(1 - lr * kap))

    def measured(th, k):
        run = optim.trajectory(objectives.quadratic(k), "sgd", [1.0, 1.0], 1500, lr=2 * th / (1 + k))
        return optim.measured_rate(_errors(run))

    agree(predicted, measured, [theta, kap], domain={0: (0.2, 0.8), 1: (2.0, 50.0)}, points=8,
          rtol=RATE_RTOL, claim="optim.gd-quadratic-rate")
    # at the optimal step both modes contract by (kappa - 1)/(kappa + 1): every step, not only asymptotically
    run = optim.trajectory(objectives.quadratic(9.0), "sgd", [1.0, 1.0], 40, lr=optim.gd_optimal_lr(1.0, 9.0))
    e = _errors(run)
    np.testing.assert_allclose(e[1:] / e[:-1], 0.8, rtol=1e-12)


def test_heavy_ball_symbolic():
    """claim optim.heavy-ball-rate: characteristic polynomial, double roots at mu and L, rate."""
    eta, beta, lam, z = sp.symbols("eta beta lambda z")
    M = sp.Matrix([[1 + beta - eta * lam, -beta], [1, 0]])
    derive(M.charpoly(z).as_expr(), (z**2 - (1 + beta - eta * lam) * z + beta, "det(z I - M)"),
           claim="optim.heavy-ball-rate")
    a, c, s = sp.symbols("a c s", positive=True)           # a = sqrt(mu), c = sqrt(L), s = sqrt(kappa)
    eta_opt, beta_opt = 4 / (c + a) ** 2, ((c - a) / (c + a)) ** 2
    disc = (1 + beta - eta * lam) ** 2 - 4 * beta
    for lam_val in (a**2, c**2):
        derive(disc.subs({eta: eta_opt, beta: beta_opt, lam: lam_val}), (0, "double root"),
               claim="optim.heavy-ball-rate")
    derive(((1 + beta - eta * lam) / 2).subs({eta: eta_opt, beta: beta_opt, lam: a**2}),
           ((c - a) / (c + a), "the double root at mu"), claim="optim.heavy-ball-rate")
    derive(((c - a) / (c + a)).subs(c, s * a), ((s - 1) / (s + 1), "kappa = L / mu = s^2"),
           claim="optim.heavy-ball-rate")


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_heavy_ball_measured_rate(kappa):
    """claim optim.heavy-ball-rate (and optim.momentum-convention): PyTorch-style momentum with Polyak's
    parameters contracts at (sqrt(kappa) - 1)/(sqrt(kappa) + 1); with a larger beta, at sqrt(beta)."""
    lr, beta, rho = optim.heavy_ball_optimal(1.0, kappa)
    run = optim.trajectory(objectives.quadratic(kappa), "sgd", [1.0, 1.0], 20000, lr=lr, momentum=beta)
    assert optim.measured_rate(_errors(run), window=50) == pytest.approx(rho, rel=DOUBLE_ROOT_RTOL)
    assert rho == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=1e-15)
    big = beta + 0.3 * (1.0 - beta)              # complex roots of modulus sqrt(big) at mu and at L
    run = optim.trajectory(objectives.quadratic(kappa), "sgd", [1.0, 1.0], 20000, lr=lr, momentum=big)
    assert optim.measured_rate(_errors(run), window=300) == pytest.approx(math.sqrt(big), rel=ENVELOPE_RTOL)
    assert optim.heavy_ball_rate(lr, big, [1.0, kappa]) == pytest.approx(math.sqrt(big), rel=1e-12)


def test_momentum_convention_is_heavy_ball(rng):
    """claim optim.momentum-convention: symbolically, and sgd_step reproduces the heavy-ball recursion."""
    p, p_prev, g, lr, mu = sp.symbols("p_k p_km1 g_k eta mu")
    v_prev = (p_prev - p) / lr                                 # from p_k = p_{k-1} - lr v_{k-1}
    derive(p - lr * (mu * v_prev + g), (p - lr * g + mu * (p - p_prev), "v_{k-1} = (p_{k-1} - p_k)/lr"),
           claim="optim.momentum-convention")
    A = np.diag([1.0, 7.0])
    x, x_prev = rng.standard_normal(2), None
    q, state = x.copy(), None
    for _ in range(30):
        q, state = optim.sgd_step(q, A @ q, state, lr=0.1, momentum=0.7)
        x, x_prev = x - 0.1 * (A @ x) + (0.0 if x_prev is None else 0.7 * (x - x_prev)), x
        np.testing.assert_allclose(q, x, rtol=1e-12, atol=1e-14)


def test_pytorch_nesterov_is_nesterovs_method(rng):
    """claim optim.momentum-convention: nesterov=True iterates the look-ahead point y_k of
    x_{k+1} = y_k - lr grad(y_k), y_{k+1} = x_{k+1} + mu (x_{k+1} - x_k)."""
    A = np.diag([1.0, 30.0])
    y0 = rng.standard_normal(2)
    x_prev, y = y0.copy(), y0.copy()
    q, state = y0.copy(), None
    for _ in range(40):
        q, state = optim.sgd_step(q, A @ q, state, lr=1 / 30.0, momentum=0.6, nesterov=True)
        x_new = y - (A @ y) / 30.0
        y, x_prev = x_new + 0.6 * (x_new - x_prev), x_new
        np.testing.assert_allclose(q, y, rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------------------------- minibatches

def _enumerated_moments(n: int, B: int, replace: bool):
    g = sp.symbols(f"g1:{n + 1}", real=True)
    batches = list(itertools.product(range(n), repeat=B)) if replace else list(itertools.combinations(range(n), B))
    means = [sum(g[i] for i in batch) / B for batch in batches]
    gbar = sum(g) / n
    expectation = sum(means) / len(batches)
    variance = sum((m - gbar) ** 2 for m in means) / len(batches)
    sigma2 = sum((gi - gbar) ** 2 for gi in g) / n
    return expectation, variance, gbar, sigma2


@pytest.mark.parametrize("n,B", [(4, 2), (4, 3), (5, 2)])
def test_minibatch_unbiased_and_variance_symbolic(n, B):
    """claims optim.sgd-unbiased, optim.sgd-variance: exact enumeration of all batches, symbolic gradients."""
    E, V, gbar, sigma2 = _enumerated_moments(n, B, replace=True)
    derive(E, (gbar, "every index is equally likely"), claim="optim.sgd-unbiased")
    derive(V, (sigma2 / B, "independent draws: variances add"), claim="optim.sgd-variance")
    E, V, gbar, sigma2 = _enumerated_moments(n, B, replace=False)
    derive(E, (gbar, "every subset is equally likely"), claim="optim.sgd-unbiased")
    derive(V, (sigma2 / B * sp.Rational(n - B, n - 1), "finite-population correction"), claim="optim.sgd-variance")


def test_minibatch_variance_measured(rng):
    """claims optim.sgd-unbiased, optim.sgd-variance: Monte Carlo mean and total variance vs tr(Sigma)/B."""
    G = rng.standard_normal((50, 3)) * np.array([1.0, 3.0, 0.5]) + 1.0
    full = G.mean(axis=0)
    trace_sigma = float(np.sum(G.var(axis=0)))
    for B, replace in ((1, True), (8, True), (8, False), (40, False)):
        draws = np.array([optim.minibatch_gradient(G, B, rng, replace=replace) for _ in range(6000)])
        predicted = trace_sigma / B * (1.0 if replace else (50 - B) / 49)
        assert np.all(np.abs(draws.mean(axis=0) - full) < 5 * np.sqrt(predicted / 6000))
        total_var = float(np.sum(np.mean((draws - full) ** 2, axis=0)))
        assert total_var == pytest.approx(predicted, rel=MC_RTOL)


# -------------------------------------------------------------------------------- trajectories and divergence

@pytest.mark.parametrize("optimizer,hyper", [
    ("sgd", {"lr": 50.0}), ("sgd", {"lr": 5.0, "momentum": 0.9}), ("rmsprop", {"lr": 1e3}),
    ("adam", {"lr": 1e5}), ("newton", {"lr": 1e8}),
])
@pytest.mark.parametrize("name", objectives.NAMES)
def test_extreme_settings_diverge_gracefully(name, optimizer, hyper):
    """A huge step gives a status, never an exception, a warning or a non-finite point."""
    obj = objectives.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = optim.trajectory(obj, optimizer, np.array(obj.start), 500, **hyper)
    assert np.all(np.isfinite(run.path)) and np.all(np.isfinite(run.losses))
    assert np.max(np.abs(run.path)) <= 1e6
    assert run.status == "ok" or run.status.startswith(("diverged at step", "stopped at step"))
    if optimizer in ("sgd", "newton") and name in ("rosenbrock", "wells"):
        assert run.diverged


def test_newton_singular_hessian_stops():
    """Rosenbrock's Hessian is singular on y = x^2 + 1/200; at (0, 0.005) it is exactly diag(0, 200)."""
    run = optim.trajectory(objectives.rosenbrock(), "newton", np.array([0.0, 0.005]), 10)
    assert run.status == "stopped at step 1: singular Hessian"
    assert run.path.shape == (1, 2)


def test_trajectory_noise_is_seeded():
    obj = objectives.saddle()
    a = optim.trajectory(obj, "sgd", [1.0, 0.0], 50, lr=0.1, grad_noise=0.01, seed=3)
    b = optim.trajectory(obj, "sgd", [1.0, 0.0], 50, lr=0.1, grad_noise=0.01, seed=3)
    np.testing.assert_array_equal(a.path, b.path)


def test_saddle_stable_manifold_and_escape():
    """GD started on y = 0 converges to the saddle (0, 0); a little gradient noise escapes to a minimum."""
    obj = objectives.saddle()
    stuck = optim.trajectory(obj, "sgd", [1.5, 0.0], 400, lr=0.1)
    assert np.all(stuck.path[:, 1] == 0.0) and np.linalg.norm(stuck.path[-1]) < 1e-15
    assert np.max(np.abs(obj.grad(stuck.path[-1]))) < 1e-15
    escaped = optim.trajectory(obj, "sgd", [1.5, 0.0], 400, lr=0.1, grad_noise=1e-3, seed=0)
    assert escaped.losses[-1] == pytest.approx(-0.25, abs=1e-6)


# ---------------------------------------------------------------------------------------------- bad inputs

def test_bad_hyperparameters_raise():
    p, g = np.zeros(2), np.ones(2)
    with pytest.raises(ValueError, match="sgd_step: lr must be >= 0"):
        optim.sgd_step(p, g, lr=-0.1)
    with pytest.raises(ValueError, match=r"momentum must lie in \[0, 1\)"):
        optim.sgd_step(p, g, lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        optim.sgd_step(p, g, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"betas\[1\] must lie in \[0, 1\)"):
        optim.adam_step(p, g, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim.adam_step(p, g, betas=0.9)
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim.adam_step(p, g, eps=0.0)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\)"):
        optim.rmsprop_step(p, g, alpha=-0.5)
    with pytest.raises(ValueError, match="eps must be > 0"):
        optim.rmsprop_step(p, g, eps=-1e-8)
    with pytest.raises(ValueError, match="weight_decay must be >= 0"):
        optim.sgd_step(p, g, lr=0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="lr must be a finite number"):
        optim.sgd_step(p, g, lr=float("nan"))


def test_bad_arrays_and_states_raise():
    with pytest.raises(ValueError, match="grads must have the shape of params"):
        optim.sgd_step(np.zeros(2), np.ones(3), lr=0.1)
    with pytest.raises(ValueError, match="contains NaN or infinity"):
        optim.adam_step(np.zeros(2), np.array([np.inf, 0.0]))
    with pytest.raises(TypeError, match="state must be None"):
        optim.adam_step(np.zeros(2), np.ones(2), optim.SGDState(None))
    with pytest.raises(ValueError, match="Hessian is singular"):
        optim.newton_step(np.zeros(2), np.ones(2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="curvature condition"):
        optim.bfgs_update(np.eye(2), np.array([1.0, 0.0]), np.array([-1.0, 0.0]))
    with pytest.raises(ValueError, match="batch_size must be an int"):
        optim.minibatch_gradient(np.ones((4, 2)), 5, np.random.default_rng(0), replace=False)
    with pytest.raises(TypeError, match="default_rng"):
        optim.minibatch_gradient(np.ones((4, 2)), 2, 0)
    with pytest.raises(ValueError, match="need at least 2 . window"):
        optim.measured_rate(np.ones(5))


def test_trajectory_bad_inputs():
    obj = objectives.quadratic()
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optim.trajectory(obj, "lbfgs", [1.0, 1.0], 10, lr=0.1)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        optim.trajectory(obj, "sgd", [1.0, 1.0], 10, lr=-1.0)
    with pytest.raises(ValueError, match="unexpected keyword"):
        optim.trajectory(obj, "adam", [1.0, 1.0], 10, lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="steps must be an int"):
        optim.trajectory(obj, "sgd", [1.0, 1.0], -3, lr=0.1)
    with pytest.raises(ValueError, match="inside"):
        optim.trajectory(obj, "sgd", [1e7, 1.0], 3, lr=0.1)

"""Tests of mathdl.optim: each update against its documented formula, each trajectory against its contract.

Equation numbers refer to ``book/optimization.ipynb``; claim ids name the facts checked. The adaptive methods
(mathdl.optim_adaptive: RMSProp, Adam, AdamW, AdaGrad) are tested in test_optim_adaptive.py.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import sympy as sp

from mathdl import objectives, optim
from mathdl.verify import derive

#: One step computed from the formula by hand vs the step function (same float operations up to order).
STEP_RTOL = 1e-14
#: Monte Carlo tolerance for means and variances of minibatch gradients (about 6 standard errors).
MC_RTOL = 0.06


@pytest.fixture
def rng():
    return np.random.default_rng(1951)


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


def test_newton_one_step_on_quadratic(rng):
    """claim optim.newton-quadratic: symbolically (any n) and on a random SPD quadratic."""
    n = sp.Symbol("n", integer=True, positive=True)
    A, x, b = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("b", n, 1)
    derive(x - A.I * (A * x - b), (A.I * b, "A^{-1} A = I"), domain=[sp.Q.positive_definite(A)],
           claim="optim.newton-quadratic")
    M = rng.standard_normal((5, 5))
    A_num = M @ M.T + 5 * np.eye(5)
    b_num = rng.standard_normal(5)
    x0 = rng.standard_normal(5)
    x1, _ = optim.newton_step(x0, A_num @ x0 - b_num, A_num)
    np.testing.assert_allclose(A_num @ x1, b_num, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------------ momentum conventions

def test_momentum_convention_is_heavy_ball(rng):
    """claim optim.momentum-convention: symbolically, and sgd_step reproduces the heavy-ball recursion."""
    p, p_prev, g = sp.symbols("p_k p_km1 g_k", real=True)
    lr, mu = sp.symbols("eta mu", positive=True)
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
    # the average over all batches, kept unevaluated (evaluated, it would already be gbar: nothing to prove)
    expectation = sp.Mul(sp.Rational(1, len(batches)), sp.Add(*means, evaluate=False), evaluate=False)
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


@pytest.mark.parametrize("replace", [True, False])
def test_minibatch_gradient_deterministic_core(replace):
    """claims optim.sgd-unbiased, optim.sgd-variance: with a fixed seed the minibatch gradient is exactly the mean
    of the rows rng.choice draws (the sampler's law is numpy's uniform choice)."""
    G = np.arange(40.0).reshape(10, 4) ** 1.5
    for seed, B in ((0, 1), (1, 3), (2, 10)):
        got = optim.minibatch_gradient(G, B, np.random.default_rng(seed), replace=replace)
        idx = np.random.default_rng(seed).choice(10, size=B, replace=replace)
        np.testing.assert_array_equal(got, G[idx].mean(axis=0))
    # one-hot rows: a batch of 1 returns one row exactly; without replacement, B = n returns the full mean
    one_hot = optim.minibatch_gradient(np.eye(5), 1, np.random.default_rng(4), replace=replace)
    assert sorted(one_hot.tolist()) == [0.0] * 4 + [1.0]
    if not replace:
        np.testing.assert_allclose(optim.minibatch_gradient(G, 10, np.random.default_rng(5), replace=False),
                                   G.mean(axis=0), rtol=1e-15)


def test_minibatch_exact_moments_by_enumeration():
    """claims optim.sgd-unbiased, optim.sgd-variance: averaging minibatch_gradient over *every* index sequence
    (a stub generator returns each in turn) gives exactly the full gradient and tr(Sigma)/B (n - B)/(n - 1)."""
    G = np.array([[1.0, -2.0], [4.0, 0.5], [-3.0, 2.0], [0.25, 1.0]])
    n, full, trace_sigma = 4, G.mean(axis=0), float(np.sum(G.var(axis=0)))

    class Stub(np.random.Generator):
        def __init__(self, idx):
            super().__init__(np.random.PCG64(0))
            self.idx = idx

        def choice(self, a, size=None, replace=True):
            return np.array(self.idx)

    for B, replace in ((2, True), (3, False)):
        batches = (list(itertools.product(range(n), repeat=B)) if replace
                   else list(itertools.permutations(range(n), B)))
        draws = np.array([optim.minibatch_gradient(G, B, Stub(b), replace=replace) for b in batches])
        np.testing.assert_allclose(draws.mean(axis=0), full, rtol=1e-14)
        predicted = trace_sigma / B * (1.0 if replace else (n - B) / (n - 1))
        assert float(np.sum(np.mean((draws - full) ** 2, axis=0))) == pytest.approx(predicted, rel=1e-13)


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
    with pytest.raises(ValueError, match="weight_decay must be >= 0"):
        optim.sgd_step(p, g, lr=0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="lr must be a finite number"):
        optim.sgd_step(p, g, lr=float("nan"))


def test_bad_arrays_and_states_raise():
    with pytest.raises(ValueError, match="grads must have the shape of params"):
        optim.sgd_step(np.zeros(2), np.ones(3), lr=0.1)
    with pytest.raises(ValueError, match="contains NaN or infinity"):
        optim.sgd_step(np.zeros(2), np.array([np.inf, 0.0]))
    with pytest.raises(TypeError, match="state must be None"):
        optim.sgd_step(np.zeros(2), np.ones(2), (np.zeros(2),), lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="Hessian is singular"):
        optim.newton_step(np.zeros(2), np.ones(2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="batch_size must be an int"):
        optim.minibatch_gradient(np.ones((4, 2)), 5, np.random.default_rng(0), replace=False)
    with pytest.raises(TypeError, match="default_rng"):
        optim.minibatch_gradient(np.ones((4, 2)), 2, 0)


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

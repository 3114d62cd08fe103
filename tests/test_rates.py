"""Tests of mathdl.rates: each convergence rate on a quadratic, symbolically and against simulation.

Equation numbers refer to ``book/optimization.ipynb``; claim ids name the facts checked.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import sympy as sp

from mathdl import objectives, optim, rates
from mathdl.verify import agree, derive

#: Measured asymptotic rate vs the predicted rate when the slowest mode is a simple eigenvalue.
RATE_RTOL = 1e-6
#: Measured vs predicted rate at heavy ball's optimum, where a double root makes e_k ~ k rho^k: the windowed
#: ratio overestimates rho by a factor (k / (k - w))^(1/w) ~ 1 + 1/k (k ~ 10^3 here).
DOUBLE_ROOT_RTOL = 5e-3
#: Measured vs predicted rate when the roots are complex: the error oscillates, so the rate is read from the
#: envelope (window maxima); where in its window the maximum falls shifts by up to a period P, an error of
#: about P |ln rho| / s over a span of s steps (s ~ 450 for kappa = 10).
ENVELOPE_RTOL = 5e-3
#: A double eigenvalue of a 2x2 matrix is computed to about sqrt(machine epsilon) ~ 1.5e-8.
DOUBLE_ROOT_EIG_ATOL = 1e-6
#: Nesterov's measured rate vs 1 - 1/sqrt(kappa): the double root makes e_k ~ k rho^k (about 1/k high).
NESTEROV_MEASURED_RTOL = 1e-2


def _errors(run: optim.Trajectory, x_star=(0.0, 0.0)) -> np.ndarray:
    return np.linalg.norm(run.path - np.asarray(x_star), axis=1)


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
        return rates.measured_rate(_errors(run))

    agree(predicted, measured, [theta, kap], domain={0: (0.2, 0.8), 1: (2.0, 50.0)}, points=8,
          rtol=RATE_RTOL, claim="optim.gd-quadratic-rate")
    # at the optimal step both modes contract by (kappa - 1)/(kappa + 1): every step, not only asymptotically
    run = optim.trajectory(objectives.quadratic(9.0), "sgd", [1.0, 1.0], 40, lr=rates.gd_optimal_lr(1.0, 9.0))
    e = _errors(run)
    np.testing.assert_allclose(e[1:] / e[:-1], 0.8, rtol=1e-12)


def test_gd_rate_and_optimal_lr_closed_forms():
    """claims optim.gd-quadratic-rate, optim.gd-step-condition: max_i |1 - lr lambda_i| and lr* = 2/(L + mu)."""
    assert rates.gd_rate(0.1, [1.0, 4.0, 30.0]) == pytest.approx(2.0, rel=1e-15)        # |1 - 3|
    assert rates.gd_rate(0.1, [2.0, 5.0]) == pytest.approx(0.8, rel=1e-15)              # |1 - 0.2|
    assert rates.gd_optimal_lr(0.5, 4.5) == pytest.approx(0.4, rel=1e-15)
    mu, L = 0.5, 4.5
    assert rates.gd_rate(rates.gd_optimal_lr(mu, L), [mu, 2.0, L]) == pytest.approx((L - mu) / (L + mu), rel=1e-14)
    assert rates.gd_rate(0.99 * 2 / L, [mu, L]) < 1 < rates.gd_rate(1.01 * 2 / L, [mu, L])
    with pytest.raises(ValueError, match="need 0 < mu <= L"):
        rates.gd_optimal_lr(2.0, 1.0)


@pytest.mark.parametrize("mu,L", [(0.25, 9.0), (4.0, 100.0), (2.0, 2.0)])
def test_heavy_ball_optimal_for_mu_not_one(mu, L):
    """claim optim.heavy-ball-rate: lr = 4/(sqrt L + sqrt mu)^2, rate = (sqrt(L/mu) - 1)/(sqrt(L/mu) + 1), beta = rate^2
    for mu != 1 (sqrt(L mu) in place of sqrt(L/mu) would fail)."""
    lr, beta, rate = rates.heavy_ball_optimal(mu, L)
    s = math.sqrt(L / mu)
    assert lr == pytest.approx(4 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rel=1e-14)
    assert rate == pytest.approx((s - 1) / (s + 1), rel=1e-14, abs=1e-15)
    assert beta == pytest.approx(((s - 1) / (s + 1)) ** 2, rel=1e-14, abs=1e-15)
    if mu == 0.25:
        assert (lr, beta, rate) == pytest.approx((4 / 12.25, 25 / 49, 5 / 7), rel=1e-14)
    # the spectral radius over [mu, L] is the rate (double roots at mu and L: eigvals accurate to ~sqrt(eps))
    assert rates.heavy_ball_rate(lr, beta, np.linspace(mu, L, 7)) == pytest.approx(rate, abs=DOUBLE_ROOT_EIG_ATOL)
    with pytest.raises(ValueError, match="need 0 < mu <= L"):
        rates.heavy_ball_optimal(L + 1.0, L)


def test_heavy_ball_matrix_characteristic_polynomial(rng):
    """claim optim.heavy-ball-rate: det(zI - M) = z^2 - (1 + beta - lr lambda) z + beta, and M propagates the
    error of sgd_step with momentum (PyTorch's buffer) along an eigen-direction."""
    lr, beta, lam = 0.07, 0.6, 3.0
    M = rates.heavy_ball_matrix(lr, beta, lam)
    np.testing.assert_allclose(np.poly(M), [1.0, -(1 + beta - lr * lam), beta], rtol=1e-14)
    x0 = rng.standard_normal()
    q, state, errors = np.array([x0]), None, [x0]
    for _ in range(12):
        q, state = optim.sgd_step(q, lam * q, state, lr=lr, momentum=beta)
        errors.append(float(q[0]))
    pair = np.array([errors[2], errors[1]])
    for k in range(2, 12):
        pair = M @ pair
        assert pair[0] == pytest.approx(errors[k + 1], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("kappa", [9.0, 100.0, 400.0])
def test_nesterov_matrix_and_rate(kappa):
    """claim optim.nesterov-quadratic-rate: nesterov_matrix propagates x_{k+1} = (1 - lr lam) y_k,
    y_k = x_k + beta (x_k - x_{k-1}); at lr = 1/L, beta = (s - 1)/(s + 1) the root at mu is double, 1 - 1/s."""
    s = math.sqrt(kappa)
    lr, beta = 1 / kappa, (s - 1) / (s + 1)
    M = rates.nesterov_matrix(lr, beta, 1.0)
    np.testing.assert_allclose(M, [[(1 - lr) * (1 + beta), -beta * (1 - lr)], [1.0, 0.0]], rtol=1e-15)
    trace, det = np.trace(M), np.linalg.det(M)
    assert trace**2 - 4 * det == pytest.approx(0.0, abs=1e-14)           # discriminant exactly 0 at lambda = mu
    assert trace / 2 == pytest.approx(1 - 1 / s, rel=1e-14)              # the double root
    assert rates.nesterov_rate(lr, beta, [1.0, 0.5 * (1 + kappa), kappa]) == pytest.approx(
        1 - 1 / s, abs=DOUBLE_ROOT_EIG_ATOL)
    x_prev, x = 1.0, 0.3
    pair = np.array([x, x_prev])
    for _ in range(20):
        y = x + beta * (x - x_prev)
        x_prev, x = x, (1 - lr * 1.0) * y
        pair = M @ pair
        assert pair[0] == pytest.approx(x, rel=1e-12)
    run = optim.trajectory(objectives.quadratic(kappa), "sgd", [1.0, 1.0], 4000, lr=lr, momentum=beta, nesterov=True)
    assert rates.measured_rate(_errors(run)) == pytest.approx(1 - 1 / s, rel=NESTEROV_MEASURED_RTOL)


def test_heavy_ball_symbolic():
    """claim optim.heavy-ball-rate: characteristic polynomial, double roots at mu and L, rate."""
    eta, beta, lam = sp.symbols("eta beta lambda", positive=True)
    z = sp.Symbol("z")
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
    lr, beta, rho = rates.heavy_ball_optimal(1.0, kappa)
    run = optim.trajectory(objectives.quadratic(kappa), "sgd", [1.0, 1.0], 20000, lr=lr, momentum=beta)
    assert rates.measured_rate(_errors(run), window=50) == pytest.approx(rho, rel=DOUBLE_ROOT_RTOL)
    assert rho == pytest.approx((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel=1e-15)
    big = beta + 0.3 * (1.0 - beta)              # complex roots of modulus sqrt(big) at mu and at L
    run = optim.trajectory(objectives.quadratic(kappa), "sgd", [1.0, 1.0], 20000, lr=lr, momentum=big)
    assert rates.measured_rate(_errors(run), window=300) == pytest.approx(math.sqrt(big), rel=ENVELOPE_RTOL)
    assert rates.heavy_ball_rate(lr, big, [1.0, kappa]) == pytest.approx(math.sqrt(big), rel=1e-12)


# ---------------------------------------------------------------------------------------------- bad inputs

def test_measured_rate_bad_input():
    with pytest.raises(ValueError, match="need at least 2 . window"):
        rates.measured_rate(np.ones(5))
    with pytest.raises(ValueError, match="errors must be a 1-D sequence"):
        rates.measured_rate(-np.ones(50))
    with pytest.raises(ValueError, match=r"momentum must lie in \[0, 1\)"):
        rates.nesterov_matrix(0.1, 1.0, 1.0)


def test_measured_rate_of_a_geometric_sequence_is_exact():
    assert rates.measured_rate(0.7 ** np.arange(200.0)) == pytest.approx(0.7, rel=1e-13)
    e = 0.5 ** np.arange(600.0)             # entries below the floor are ignored, not used
    assert rates.measured_rate(e, floor=1e-100) == pytest.approx(0.5, rel=1e-13)


def test_parameter_boundaries():
    """mu = L is allowed (kappa = 1: one step / no momentum); mu = 0 is not; span == window is enough data."""
    assert rates.gd_optimal_lr(3.0, 3.0) == pytest.approx(1 / 3, rel=1e-15)
    assert rates.heavy_ball_optimal(3.0, 3.0) == pytest.approx((1 / 3, 0.0, 0.0), rel=1e-15, abs=1e-15)
    for bad in (rates.gd_optimal_lr, rates.heavy_ball_optimal):
        with pytest.raises(ValueError, match="need 0 < mu <= L"):
            bad(0.0, 1.0)
    assert rates.measured_rate(0.9 ** np.arange(40.0), window=20) == pytest.approx(0.9, rel=1e-13)
    e = 0.5 ** np.arange(100.0)
    e[60:] = 0.0                                   # exact zeros (below the floor) end the usable part
    assert rates.measured_rate(e) == pytest.approx(0.5, rel=1e-13)
    assert rates.measured_rate(np.r_[np.full(10, 1e-120), 1e-200 * np.ones(5)], window=5, floor=1e-120) == 1.0

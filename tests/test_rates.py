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

"""The self-checks of the Optimization chapter's exercises: every registered solution recomputed independently
(from mathdl's optimizers and rates, SymPy from the definitions, root finding, simulation), and typical wrong
answers rejected with the hint a reader should get."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import brentq

from mathdl import objectives, optim, optim_adaptive, rates
from mathdl import optim_schedules as osch
from mathdl import optim_stochastic as ost
from mathdl.exercises import check, exercises
from mathdl.figures import optimization as figs

SOL = {e.id: e for e in exercises("optimization")}


def test_the_chapter_registers_its_self_checks():
    assert set(SOL) == {"ex-optimization-noise-floor", "ex-optimization-stationarity-steps",
                        "ex-optimization-adagrad-bug", "ex-optimization-warmup-length",
                        "ex-optimization-momentum-limit", "ex-optimization-hb-rate",
                        "ex-optimization-explorer-limits", "ex-optimization-gd-quadratic-steps",
                        "ex-optimization-adam-bias"}
    assert {e.kind for e in SOL.values()} == {"number", "expression", "function"}


# -- each solution recomputed ---------------------------------------------------------------------------------

def test_noise_floor_from_the_recursion_and_a_root_finder():
    # the stationary variance of e <- (1 - lr) e - lr xi: v = (1 - lr)^2 v + lr^2, iterated to its fixed point
    v = 0.0
    for _ in range(2000):
        v = (1 - 0.1) ** 2 * v + 0.1 ** 2
    assert v == pytest.approx(ost.sgd_noise_floor(0.1, 1.0, 1.0), rel=1e-12)
    lr = brentq(lambda e: ost.sgd_noise_floor(e, 1.0, 1.0) - 0.01, 1e-4, 1.0, xtol=1e-15)
    assert SOL["ex-optimization-noise-floor"].solution == pytest.approx((v, lr), rel=1e-10)


def test_stationarity_steps_solve_the_bound():
    L, gap, eps, T = sp.symbols("L gap eps T", positive=True)
    bound = 2 * L * gap / T                         # the theorem: min |grad|^2 <= 2 L (f(x0) - f*) / T
    (T_sol,) = sp.solve(sp.Eq(bound, eps**2), T)
    ex = SOL["ex-optimization-stationarity-steps"]
    assert sp.simplify(T_sol - ex.solution.subs(dict(zip(ex.symbols, (L, gap, eps))))) == 0
    steps = float(ex.solution.subs(dict(zip(ex.symbols, (3.0, 7.95, 1e-3)))))
    assert ost.stationarity_bound(3.0, 7.95, 1) / steps == pytest.approx(1e-6, rel=1e-12)


def test_adagrad_bug_ratio_by_running_both():
    p = q = np.zeros(1)
    G, state = np.zeros(1), None
    for _ in range(50):
        G = 9.0 * np.ones(1)                        # the bug: overwritten, not summed
        p_new = p - 0.1 * 3.0 / (np.sqrt(G) + 1e-10)
        q_new, state = optim_adaptive.adagrad_step(q, np.array([3.0]), state, lr=0.1, eps=1e-10)
        ratio = float((p - p_new)[0] / (q - q_new)[0])
        p, q = p_new, q_new
    assert SOL["ex-optimization-adagrad-bug"].solution == pytest.approx(ratio, rel=1e-8)


def test_warmup_length_by_search():
    limit = float(osch.adam_v_relative_variance(10_000, 0.99))          # beta^t negligible
    assert limit == pytest.approx(2 * 0.01 / 1.99, rel=1e-12)
    t = next(t for t in range(1, 5000) if osch.adam_v_relative_variance(t, 0.99) <= 1.1 * limit)
    assert SOL["ex-optimization-warmup-length"].solution == t


def test_momentum_limit_by_running_sgd_step(rng):
    ex = SOL["ex-optimization-momentum-limit"]
    eta, beta = ex.symbols
    t = sp.Symbol("t", positive=True)
    unrolled = eta * sum(beta**k for k in range(6))                    # v_6 / |g| from the recursion, lr times
    assert sp.expand(unrolled * (1 - beta) - eta * (1 - beta**6)) == 0
    assert sp.limit(eta * (1 - sp.Rational(1, 2) ** t) / (1 - sp.Rational(1, 2)), t, sp.oo) == \
        ex.solution.subs(beta, sp.Rational(1, 2))
    for _ in range(3):
        lr, mom, g = rng.uniform(0.01, 0.1), rng.uniform(0.1, 0.9), rng.uniform(0.5, 3.0)
        p, state = np.zeros(1), None
        for _ in range(600):
            p_new, state = optim.sgd_step(p, np.array([g]), state, lr=lr, momentum=mom)
            step, p = float(p[0] - p_new[0]), p_new
        assert step / g == pytest.approx(float(ex.solution.subs({eta: lr, beta: mom})), rel=1e-10)


def test_heavy_ball_contraction_against_the_eigenvalues(rng):
    rho = SOL["ex-optimization-hb-rate"].solution
    for lr, beta, lam in rng.uniform(0.05, 0.95, size=(300, 3)):
        assert rho(lr, beta, lam) == pytest.approx(rates.heavy_ball_rate(lr, beta, [lam]), rel=1e-6)
        roots = np.roots([1.0, -(1.0 + beta - lr * lam), beta])
        assert rho(lr, beta, lam) == pytest.approx(np.max(np.abs(roots)), rel=1e-6)
    assert rho(1.0, 0.25, 1.0) == pytest.approx(0.5)                  # complex pair: sqrt(beta)
    assert rho(1.9, 0.01, 1.0) == pytest.approx(max(abs(np.roots([1, 0.89, 0.01]))))


def test_explorer_limits_by_bisection_and_runs():
    def threshold(rate):
        lo, hi = 0.01, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if rate(mid) < 1 else (lo, mid)
        return lo

    found = (threshold(lambda lr: rates.gd_rate(lr, [1.0, 10.0])),
             threshold(lambda lr: rates.heavy_ball_rate(lr, 0.5, [1.0, 10.0])))
    assert SOL["ex-optimization-explorer-limits"].solution == pytest.approx(found, rel=1e-9)
    for optimizer, beta, limit in (("gd", 0.9, found[0]), ("momentum", 0.5, found[1])):
        assert figs.explorer_view(kappa=10.0, optimizer=optimizer, lr=0.97 * limit, beta=beta, steps=500).run.status \
            == "ok"
        assert figs.explorer_view(kappa=10.0, optimizer=optimizer, lr=1.03 * limit, beta=beta, steps=500).run.diverged


def test_steps_to_a_millionth_from_the_rates_and_a_run():
    rho_gd = rates.gd_rate(rates.gd_optimal_lr(1.0, 100.0), [1.0, 100.0])
    lr, beta, rho_hb = rates.heavy_ball_optimal(1.0, 100.0)
    assert rates.heavy_ball_rate(lr, beta, [1.0, 100.0]) == pytest.approx(rho_hb, rel=1e-6)
    predicted = tuple(math.ceil(math.log(1e-6) / math.log(r)) for r in (rho_gd, rho_hb))
    assert SOL["ex-optimization-gd-quadratic-steps"].solution == predicted
    run = optim.trajectory(objectives.quadratic(100.0), "sgd", [1.0, 1.0], 1000, lr=2 / 101)
    errors = np.linalg.norm(run.path, axis=1)
    assert int(np.argmax(errors <= 1e-6 * errors[0])) == predicted[0]  # gradient descent: exactly rho^k


def test_adam_bias_from_adam_steps_stored_moments():
    g = np.array([2.0, -0.5])
    p, state = optim_adaptive.adam_step(np.zeros(2), g, lr=1e-3, betas=(0.9, 0.999), eps=1e-15)
    factor = np.abs(g) / np.sqrt(state.exp_avg_sq)
    uncorrected = state.exp_avg / np.sqrt(state.exp_avg_sq)           # the step / lr without the corrections
    assert np.allclose(np.abs(p), 1e-3, rtol=1e-9)                      # the corrected step is lr sign(g)
    assert SOL["ex-optimization-adam-bias"].solution == pytest.approx((factor[0], abs(uncorrected[0])), rel=1e-9)
    assert np.allclose(factor, factor[0]) and np.allclose(np.abs(uncorrected), abs(uncorrected[0]))


# -- typical wrong answers and their hints -------------------------------------------------------------------

@pytest.mark.parametrize("exercise, answer, hint", [
    ("ex-optimization-noise-floor", (0.1 / 1.9, 0.02), "number 2 of 2 is off"),
    ("ex-optimization-stationarity-steps", "L*gap/eps**2", "factor 2"),
    ("ex-optimization-adagrad-bug", 7.07, "keep more digits"),
    ("ex-optimization-warmup-length", 302, "rounding"),
    ("ex-optimization-momentum-limit", "-eta/(1 - beta)", "sign"),
    ("ex-optimization-momentum-limit", "2*eta/(1 - beta)", "factor 2"),
    ("ex-optimization-explorer-limits", (0.2, 0.2), "number 2 of 2 is off"),
    ("ex-optimization-gd-quadratic-steps", (691, 93), "number 2 of 2 is off"),      # the run, not the rate
    ("ex-optimization-adam-bias", (31.6, 0.316), "number 2 of 2 is off"),
])
def test_typical_mistakes_get_a_hint(exercise, answer, hint):
    v = check(exercise, answer)
    assert not v.correct and hint in (v.hint or ""), v


def test_wrong_answers_without_a_ratio_are_rejected():
    assert not check("ex-optimization-momentum-limit", "eta/(1 + beta)").correct        # a sign inside
    assert not check("ex-optimization-stationarity-steps", "2*L*gap/eps").correct       # eps not squared
    assert not check("ex-optimization-adagrad-bug", 1 / math.sqrt(50)).correct          # the ratio upside down
    assert "does not define" in check("ex-optimization-stationarity-steps", "2*L*(f0 - fstar)/eps**2").message
    rho = SOL["ex-optimization-hb-rate"].solution
    assert not check("ex-optimization-hb-rate", lambda lr, b, lam: np.sqrt(b)).correct  # only the complex case
    assert not check("ex-optimization-hb-rate",                                         # 1 - beta for 1 + beta
                     lambda lr, b, lam: np.max(np.abs(np.roots([1.0, -(1.0 - b - lr * lam), b])))).correct
    assert "sign" in check("ex-optimization-hb-rate", lambda *a: -rho(*a)).hint


def test_a_correct_answer_in_another_form_is_accepted():
    assert check("ex-optimization-momentum-limit", "-eta/(beta - 1)").correct
    assert check("ex-optimization-stationarity-steps", "L*gap*2*eps**(-2)").correct
    assert check("ex-optimization-hb-rate",
                 lambda lr, b, lam: np.max(np.abs(np.roots([1.0, -(1.0 + b - lr * lam), b])))).correct
    assert check("ex-optimization-noise-floor", (sp.Rational(1, 19), sp.Rational(2, 101))).correct
    assert check("ex-optimization-adam-bias", (31.6, 3.16)).correct                     # 3 significant digits

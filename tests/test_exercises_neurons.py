"""The self-checks of the neurons chapter's exercises: every registered solution recomputed independently (from
mathdl's functions, SymPy from the definitions, a numerical search, or central differences), and the typical wrong
answer of each exercise rejected with the hint it should get."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from mathdl import activations as act
from mathdl import activations_smooth as act_smooth
from mathdl import exercises as E
from mathdl import initialization as init
from mathdl import losses
from mathdl import softmax as sm
from mathdl.data import digits
from mathdl.exercises import check
from mathdl.figures import neurons as figures
from mathdl.verify import gradcheck

NEURONS = {e.id: e for e in E.exercises("neurons")}


def test_the_chapter_registers_its_self_checks():
    assert set(NEURONS) == {"ex-neurons-he-uniform", "ex-neurons-leaky-he", "ex-neurons-silu-min",
                            "ex-neurons-explorer-relu", "ex-neurons-dead-bias", "ex-neurons-entropy-vjp",
                            "ex-neurons-ce-backward-bug"}
    assert {e.kind for e in NEURONS.values()} == {"expression", "number", "vjp"}


# -- the registered solutions, recomputed ------------------------------------------------------------------

def test_he_uniform_half_width_has_the_he_variance():
    ex = NEURONS["ex-neurons-he-uniform"]
    (n_in,) = ex.symbols
    w, a = sp.symbols("w a", positive=True)
    variance = sp.integrate(w ** 2 / (2 * a), (w, -a, a))                     # Var U(-a, a) from the density
    assert sp.simplify(variance.subs(a, ex.solution) - 2 / n_in) == 0
    assert float(ex.solution.subs(n_in, 256)) == pytest.approx(
        np.abs(init.init_weights(256, 128, "he", "uniform", seed=0)).max(), rel=1e-3)


def test_leaky_he_variance_preserves_the_second_moment():
    ex = NEURONS["ex-neurons-leaky-he"]
    n_in, alpha = ex.symbols
    a, s = sp.Symbol("a", real=True), sp.Symbol("s", positive=True)
    density = sp.exp(-a ** 2 / (2 * s ** 2)) / sp.sqrt(2 * sp.pi * s ** 2)
    second = sp.integrate(a ** 2 * density, (a, 0, sp.oo)) + alpha ** 2 * sp.integrate(a ** 2 * density,
                                                                                     (a, -sp.oo, 0))
    assert sp.simplify(n_in * ex.solution * second - s ** 2) == 0               # the lemma: n v E[h^2] = s^2
    assert ex.solution.subs(alpha, 0) == 2 / n_in                                # He
    assert ex.solution.subs(alpha, 1) == 1 / n_in                                # linear: Glorot's forward condition
    z = np.random.default_rng(0).standard_normal(400_000)                        # and by Monte Carlo at alpha = 0.3
    assert np.mean(act.leaky_relu(z, 0.3) ** 2) == pytest.approx((1 + 0.09) / 2, rel=1e-2)


def test_silu_minimiser_by_a_numerical_search():
    grid = np.linspace(-3.0, 0.0, 300_001)
    x_grid = grid[np.argmin(act_smooth.silu(grid))]
    x_star = NEURONS["ex-neurons-silu-min"].solution
    assert abs(x_star - x_grid) < 2e-5
    assert act_smooth.silu_vjp(np.ones(1), np.array([x_star]))[0] == pytest.approx(0.0, abs=1e-14)
    assert act_smooth.silu(np.array([x_star]))[0] == pytest.approx(x_star + 1, abs=1e-14)


def test_explorer_slope_is_the_backward_variance_factor():
    slope = NEURONS["ex-neurons-explorer-relu"].solution
    # E||g_{l-1}||^2 / E||g_l||^2 = gain^2 / 2 for relu: Monte Carlo over one wide layer, then the log10 of its root
    rng = np.random.default_rng(1)
    width = 2000
    g = rng.standard_normal((50, width))
    mask = rng.standard_normal((50, width)) > 0
    W = rng.standard_normal((width, width)) / np.sqrt(width)
    factor = np.mean(np.sum(((g * mask) @ W.T) ** 2, axis=1)) / np.mean(np.sum(g ** 2, axis=1))
    assert slope == pytest.approx(0.5 * np.log10(factor), abs=5e-3)
    # and the explorer itself, over three seeds
    slopes = [np.polyfit(p.layers, p.log10_norm, 1)[0] for p in
              (figures.depth_gradient_profile("relu", depth=200, width=64, gain=1.0, seed=s) for s in range(3))]
    assert np.mean(slopes) == pytest.approx(slope, abs=0.01)


def test_dead_bias_by_bisection_on_dead_unit_fraction():
    X, _, _, _ = digits(300, 100, seed=0)
    A = X @ init.init_weights(64, 64, "he", seed=1)
    lo, hi = 0.0, 5.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if act.dead_unit_fraction(A - mid) >= 0.5 else (mid, hi)
    assert NEURONS["ex-neurons-dead-bias"].solution == pytest.approx(hi, rel=1e-12)


def _entropy(z):
    return -np.sum(sm.softmax(z) * sm.log_softmax(z), axis=1)


def test_entropy_vjp_is_the_softmax_vjp_of_dH_dp(rng):
    ex = NEURONS["ex-neurons-entropy-vjp"]
    z, g = rng.normal(size=(3, 4)), rng.normal(size=3)
    np.testing.assert_allclose(ex.forward(z), _entropy(z), rtol=1e-13)
    via_chain = sm.softmax_vjp(g[:, None] * -(sm.log_softmax(z) + 1.0), z)       # dH/dp = -(log p + 1), then softmax
    np.testing.assert_allclose(ex.solution(g, z), via_chain, rtol=1e-10, atol=1e-14)
    gradcheck(_entropy, ex.solution, [z])


def test_ce_backward_solution_is_mathdl_gradient(rng):
    ex = NEURONS["ex-neurons-ce-backward-bug"]
    labels = np.array([2, 0, 4, 1])
    z = rng.normal(size=(4, 5))
    assert float(ex.forward(z)) == pytest.approx(losses.softmax_cross_entropy(z, labels), rel=1e-14)
    np.testing.assert_allclose(ex.solution(0.7, z), 0.7 * losses.softmax_cross_entropy_grad(z, labels), rtol=1e-12)
    gradcheck(lambda u: np.asarray(losses.softmax_cross_entropy(u, labels)), ex.solution, [z])


# -- the typical wrong answers and their hints ---------------------------------------------------------------

def test_expression_mistakes():
    v = check("ex-neurons-he-uniform", "sqrt(2/n_in)")                         # the normal's std, not the half-width
    assert not v.correct and "constant factor" in v.hint
    assert "does not define" in check("ex-neurons-he-uniform", "sqrt(6/n)").message
    assert check("ex-neurons-leaky-he", "2/(n_in + alpha**2*n_in)").correct
    v = check("ex-neurons-leaky-he", "1/((1 + alpha**2)*n_in)")                # forgot the factor 2 of the half-line
    assert not v.correct and "factor 2" in v.hint
    assert not check("ex-neurons-leaky-he", "2/n_in").correct                 # He, ignoring alpha
    assert not check("ex-neurons-leaky-he", "2/((1 + alpha)*n_in)").correct   # alpha instead of alpha**2


def test_number_mistakes():
    assert check("ex-neurons-silu-min", -1.278465).correct
    assert not check("ex-neurons-silu-min", -0.278465).correct                # the minimum value, not the minimiser
    assert "more digits" in check("ex-neurons-silu-min", -1.28).hint
    assert check("ex-neurons-explorer-relu", -0.15).correct
    assert "factor 2" in check("ex-neurons-explorer-relu", np.log10(0.5)).hint  # the slope of the squared norm
    assert "sign" in check("ex-neurons-explorer-relu", 0.1505149978).hint
    assert check("ex-neurons-dead-bias", 0.814).correct
    assert "more digits" in check("ex-neurons-dead-bias", 0.81).hint


def _ce_rows_only(g, z, labels=np.array([2, 0, 4, 1])):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return g * p


def _ce_buggy(g, z, labels=np.array([2, 0, 4, 1])):
    e = np.exp(z - z.max())
    p = e / e.sum(axis=0)
    p[np.arange(len(labels)), labels] -= 1
    return g * p


def test_vjp_mistakes():
    def entropy_vjp(g, z):
        p, log_p = sm.softmax(z), sm.log_softmax(z)
        return -g[:, None] * p * (log_p + _entropy(z)[:, None])

    assert check("ex-neurons-entropy-vjp", entropy_vjp).correct
    assert "sign" in check("ex-neurons-entropy-vjp", lambda g, z: -entropy_vjp(g, z)).hint
    assert "transpose" in check("ex-neurons-entropy-vjp", lambda g, z: entropy_vjp(g, z).T).hint
    no_chain = check("ex-neurons-entropy-vjp", lambda g, z: -g[:, None] * (sm.log_softmax(z) + 1))  # dH/dp only
    assert not no_chain.correct
    assert check("ex-neurons-ce-backward-bug", lambda g, z: _ce_rows_only(g, z) / 4).correct
    assert "constant factor" in check("ex-neurons-ce-backward-bug", _ce_rows_only).hint   # forgot the mean's 1/n
    assert not check("ex-neurons-ce-backward-bug", _ce_buggy).correct
    assert "raised" in check("ex-neurons-ce-backward-bug", lambda g, z: _ce_buggy(g, z, np.array([9]))).message

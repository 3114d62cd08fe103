"""Tests of mathdl.optim_schedules: schedules, Adam's second-moment variance, Armijo backtracking.

Claim ids: optim.lr-schedules, optim.adam-warmup-variance, optim.armijo-guarantee.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from mathdl import optim_adaptive
from mathdl import optim_schedules as osch
from mathdl import optim_stochastic as ost

RTOL = 1e-12


def test_step_lr():
    """optim.lr-schedules: lr gamma^floor(t/s), as StepLR."""
    t = np.arange(0, 100)
    np.testing.assert_allclose(osch.step_lr(t, 0.1, 30, 0.5), 0.1 * 0.5 ** (t // 30), rtol=RTOL)
    with pytest.raises(ValueError, match="0 < gamma <= 1"):
        osch.step_lr(1, 0.1, 10, 1.5)


def test_cosine_lr_values_mean_and_slope():
    """optim.lr-schedules: cosine annealing from lr to lr_min, mean (lr + lr_min)/2, flat at both ends."""
    T, lr, low = 200, 0.3, 0.01
    t = np.arange(0, T + 1)
    want = low + 0.5 * (lr - low) * (1 + np.cos(np.pi * t / T))
    np.testing.assert_allclose(osch.cosine_lr(t, lr, T, low), want, rtol=RTOL)
    fine = np.linspace(0, T, 200001)
    mean = np.trapezoid(osch.cosine_lr(fine, lr, T, low), fine) / T
    assert math.isclose(mean, (lr + low) / 2, rel_tol=1e-9)
    h = 1e-4
    assert abs(osch.cosine_lr(h, lr, T, low) - lr) < 1e-8
    with pytest.raises(ValueError, match="t must lie in"):
        osch.cosine_lr(T + 1, lr, T)


def test_warmup_lr():
    """optim.lr-schedules: lr min(1, t/w)."""
    t = np.arange(1, 50)
    np.testing.assert_allclose(osch.warmup_lr(t, 0.2, 20), 0.2 * np.minimum(1, t / 20), rtol=RTOL)
    with pytest.raises(ValueError, match="t must be step numbers >= 1"):
        osch.warmup_lr(0, 0.1, 10)


def test_adam_v_relative_variance_formula_and_measurement():
    """optim.adam-warmup-variance: 2 at t = 1, 2 (1 - b)/(1 + b) late; matches adam_step's v_t / (1 - b^t)."""
    b = 0.99
    t = np.arange(1, 400)
    want = 2 * (1 - b) * (1 + b**t) / ((1 + b) * (1 - b**t))
    np.testing.assert_allclose(osch.adam_v_relative_variance(t, b), want, rtol=RTOL)
    assert math.isclose(float(osch.adam_v_relative_variance(1, 0.999)), 2.0, rel_tol=RTOL)
    # direct: Var of sum of independent terms, w_k = (1 - b) b^(t - k)/(1 - b^t), Var g^2 = 2
    for tt in (2, 7, 50):
        w = (1 - b) * b ** (tt - np.arange(1, tt + 1)) / (1 - b**tt)
        assert math.isclose(float(osch.adam_v_relative_variance(tt, b)), 2 * float(np.sum(w**2)), rel_tol=1e-10)
    rng = np.random.default_rng(0)
    p, state = np.zeros(40000), None
    for step in range(1, 31):
        p, state = optim_adaptive.adam_step(p, rng.standard_normal(p.size), state, lr=0.0, betas=(0.9, b))
    v_hat = state.exp_avg_sq / (1 - b**30)
    assert abs(v_hat.var() / float(osch.adam_v_relative_variance(30, b)) - 1) < 0.05
    with pytest.raises(ValueError, match="beta2 must lie in"):
        osch.adam_v_relative_variance(1, 1.0)


def test_armijo_backtracking_and_bound():
    """optim.armijo-guarantee: accepted lr >= min(lr0, 2 rho (1 - c)/L), sufficient decrease holds."""
    assert math.isclose(osch.armijo_lr_bound(10.0, 1.0, 0.5, 0.5), 0.05, rel_tol=RTOL)
    assert math.isclose(osch.armijo_lr_bound(3.0, 4.0, 0.5, 1e-4), 2 * 0.5 * (1 - 1e-4) / 3, rel_tol=RTOL)
    assert osch.armijo_lr_bound(1.0, 0.01) == 0.01
    lr, x1, n = osch.armijo_backtracking(lambda x: (float(x @ x), 2 * x), np.array([1.0]))
    assert (lr, n) == (0.5, 3) and x1[0] == 0.0
    rng = np.random.default_rng(2)
    L = 3.0
    for _ in range(50):
        x = rng.uniform(-4, 4, size=5)
        f0, g = ost.ripple(x)
        lr, x1, n = osch.armijo_backtracking(ost.ripple, x, lr0=8.0, shrink=0.5, c=0.3)
        assert lr >= osch.armijo_lr_bound(L, 8.0, 0.5, 0.3)
        assert ost.ripple(x1)[0] <= f0 - 0.3 * lr * float(g @ g)
        np.testing.assert_allclose(x1, x - lr * g, rtol=RTOL)
    # quadratic f = L/2 x^2: the condition holds exactly for lr <= 2 (1 - c)/L
    L, c = 4.0, 0.25
    lr, _, _ = osch.armijo_backtracking(lambda x: (float(L / 2 * x @ x), L * x), np.array([1.0]), lr0=1.0,
                                        shrink=0.5, c=c)
    assert lr == 0.25                                    # 1, 0.5 rejected (> 2 (1 - c)/L = 0.375), 0.25 accepted
    with pytest.raises(ValueError, match="no step satisfied"):
        osch.armijo_backtracking(lambda x: (float(-(x @ x)), 2 * x), np.array([1.0]), max_halvings=5)
    with pytest.raises(ValueError, match="0 < shrink < 1"):
        osch.armijo_backtracking(ost.ripple, np.zeros(2), shrink=1.0)

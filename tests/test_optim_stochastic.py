"""Tests of mathdl.optim_stochastic: SGD rates, the noise floor, the non-convex and PL guarantees.

Claim ids: optim.sgd-decreasing-rate, optim.sgd-noise-floor, optim.nonconvex-stationarity, optim.pl-linear-rate.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from mathdl import optim
from mathdl import optim_stochastic as ost

RTOL = 1e-12


def test_sgd_decreasing_bound_formula_and_induction():
    """optim.sgd-decreasing-rate: Q/t with Q = max(a1, 2 G^2/mu^2); the recursion never exceeds it."""
    t = np.arange(1, 50)
    np.testing.assert_allclose(ost.sgd_decreasing_bound(t, 4.0, 1.0, 2.0), 4.0 / t, rtol=RTOL)
    np.testing.assert_allclose(ost.sgd_decreasing_bound(t, 0.1, 3.0, 0.5), 24.0 / t, rtol=RTOL)
    # worst case of the recursion a_{t+1} = (1 - 2/t)_+ a_t + G^2/(mu^2 t^2) stays below the bound
    a1, g2, mu = 0.3, 2.0, 0.7
    a, bound = a1, ost.sgd_decreasing_bound(np.arange(1, 400), a1, g2, mu)
    for step in range(1, 399):
        a = max(1 - 2 / step, 0.0) * a + g2 / (mu**2 * step**2)
        assert a <= bound[step] * (1 + 1e-12)
    with pytest.raises(ValueError, match="sgd_decreasing_bound: mu must be > 0"):
        ost.sgd_decreasing_bound(1, 1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="t must be step counts >= 1"):
        ost.sgd_decreasing_bound(0, 1.0, 1.0, 1.0)


def test_sgd_quadratic_error_exact_and_measured():
    """optim.sgd-decreasing-rate: E|x_{t+1}|^2 = d sigma^2/(mu^2 t) for lr_t = 1/(mu t)."""
    t = np.array([1, 2, 10])
    np.testing.assert_allclose(ost.sgd_quadratic_error(t, 2.0, 0.5, dim=3), 3 * 2.0 / (0.25 * t), rtol=RTOL)
    run = ost.noisy_quadratic_sgd(lambda s: 1 / (0.5 * s), 200, mu=0.5, sigma=1.0, dim=2, runs=4000, seed=3)
    ratio = run[1:] / ost.sgd_quadratic_error(np.arange(1, 201), 1.0, 0.5, dim=2)
    assert abs(ratio[20:].mean() - 1) < 0.06
    with pytest.raises(ValueError, match="dim must be an integer"):
        ost.sgd_quadratic_error(1, 1.0, 1.0, dim=0)


def test_noisy_quadratic_sgd_matches_a_hand_loop():
    """noisy_quadratic_sgd is sgd_step on mu x + sigma xi, same random stream."""
    got = ost.noisy_quadratic_sgd(lambda s: 0.1, 5, mu=2.0, sigma=0.5, dim=2, runs=3, x0=1.5, seed=9)
    rng = np.random.default_rng(9)
    x = np.full(6, 1.5)
    want = [float(np.mean(np.sum(x.reshape(3, 2)**2, axis=1)))]
    for _ in range(5):
        x = x - 0.1 * (2.0 * x + 0.5 * rng.standard_normal(6))
        want.append(float(np.mean(np.sum(x.reshape(3, 2)**2, axis=1))))
    np.testing.assert_allclose(got, want, rtol=RTOL)
    with pytest.raises(TypeError, match="schedule must be a callable"):
        ost.noisy_quadratic_sgd(0.1, 5)


def test_sgd_noise_floor_formula_fixed_point_and_measurement():
    """optim.sgd-noise-floor: v = (1 - lr lam)^2 v + lr^2 sigma^2, proportional to lr for small lr."""
    for lr, lam, s2 in ((0.1, 1.0, 1.0), (0.3, 2.5, 0.7), (0.01, 4.0, 3.0)):
        v = ost.sgd_noise_floor(lr, lam, s2)
        assert math.isclose(v, lr * s2 / (lam * (2 - lr * lam)), rel_tol=RTOL)
        assert math.isclose((1 - lr * lam)**2 * v + lr**2 * s2, v, rel_tol=RTOL)
    assert math.isclose(ost.sgd_noise_floor(1e-6, 1.0, 1.0) / 1e-6, 0.5, rel_tol=1e-5)
    run = ost.noisy_quadratic_sgd(lambda s: 0.2, 1500, mu=1.0, sigma=1.0, runs=3000, seed=1)
    assert abs(run[500:].mean() / ost.sgd_noise_floor(0.2, 1.0, 1.0) - 1) < 0.03
    with pytest.raises(ValueError, match="lr \\* lam < 2"):
        ost.sgd_noise_floor(2.0, 1.0, 1.0)


def test_stationarity_bound_and_ripple():
    """optim.nonconvex-stationarity: min |grad|^2 <= 2 L gap / T on the 3-smooth non-convex ripple."""
    assert math.isclose(ost.stationarity_bound(3.0, 2.0, 100), 0.12, rel_tol=RTOL)
    x = np.array([0.3, -1.0, 2.5])
    value, grad = ost.ripple(x)
    assert math.isclose(value, float(np.sum(x**2 / 2 + 2 * np.cos(x))), rel_tol=RTOL)
    h = 1e-6
    fd = [(ost.ripple(x + h * e)[0] - ost.ripple(x - h * e)[0]) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(grad, fd, rtol=1e-7)
    r = 1.8954942670339809                               # root of x = 2 sin x
    assert math.isclose(ost.RIPPLE_MIN, r**2 / 2 + 2 * math.cos(r), rel_tol=1e-12)
    assert math.isclose(ost._ripple_min(), r**2 / 2 + 2 * math.cos(r), rel_tol=1e-12)
    rec = ost.descent_record(ost.ripple, np.array([0.2, -0.1, 0.05, 0.3]), 1 / 3, 100)
    gap = rec.values[0] - 4 * ost.RIPPLE_MIN
    for T in (1, 10, 100):
        assert rec.grad_norms_sq[:T].min() <= ost.stationarity_bound(3.0, gap, T)
    # the descent lemma f(x_{t+1}) <= f(x_t) - |g_t|^2/(2L), step by step
    assert np.all(rec.values[1:] <= rec.values[:-1] - rec.grad_norms_sq[:-1] / 6 + 1e-12)
    with pytest.raises(ValueError, match="ripple: x must be a vector"):
        ost.ripple(np.zeros((2, 2)))


def test_pl_function_constant_and_rate():
    """optim.pl-linear-rate: GD with lr = 1/L contracts f - f* by at most 1 - mu/L per step."""
    x = np.array([0.7, -2.0])
    value, grad = ost.pl_function(x)
    assert math.isclose(value, float(np.sum(x**2 + 3 * np.sin(x)**2)), rel_tol=RTOL)
    np.testing.assert_allclose(grad, 2 * x + 3 * np.sin(2 * x), rtol=RTOL)
    assert ost.pl_constant(np.array([1.0, 4.0]), np.array([4.0, 16.0])) == 2.0
    assert ost.pl_constant(np.array([0.0, 2.0, 1.0]), np.array([0.0, 3.0, 1.0])) == 0.5
    assert math.isclose(ost.pl_rate(1.0, 4.0), 0.75, rel_tol=RTOL)
    xs = np.linspace(-10, 10, 20001)
    xs = xs[xs != 0]
    mu = ost.pl_constant(xs**2 + 3 * np.sin(xs)**2, (2 * xs + 3 * np.sin(2 * xs))**2)
    assert 0.17 < mu < 0.18
    rec = ost.descent_record(ost.pl_function, np.array([3.0]), 1 / 8, 200)
    live = rec.values[:-1] > 1e-200
    assert np.all(rec.values[1:][live] <= ost.pl_rate(mu, 8.0) * rec.values[:-1][live])
    with pytest.raises(ValueError, match="mu <= L"):
        ost.pl_rate(2.0, 1.0)
    with pytest.raises(ValueError, match="below f_star"):
        ost.pl_constant(np.array([-1.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="every point is a minimizer"):
        ost.pl_constant(np.array([0.0]), np.array([0.0]))


def test_descent_record_is_sgd_step():
    rec = ost.descent_record(lambda x: (float(x @ x), 2 * x), np.array([1.0, -2.0]), 0.1, 3)
    x = np.array([1.0, -2.0])
    for k in range(3):
        np.testing.assert_allclose(rec.path[k], x, rtol=RTOL)
        assert math.isclose(rec.values[k], float(x @ x), rel_tol=RTOL)
        assert math.isclose(rec.grad_norms_sq[k], float(4 * x @ x), rel_tol=RTOL)
        x, _ = optim.sgd_step(x, 2 * x, lr=0.1)
    np.testing.assert_allclose(rec.path[3], x, rtol=RTOL)
    assert math.isclose(rec.values[3], float(x @ x), rel_tol=RTOL)
    assert math.isclose(rec.grad_norms_sq[3], float(4 * x @ x), rel_tol=RTOL)
    with pytest.raises(TypeError, match="fn must be a callable"):
        ost.descent_record(None, np.zeros(1), 0.1, 1)

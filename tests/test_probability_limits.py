"""Tests of mathdl.probability_limits: the law of large numbers, the central limit theorem, Jensen's and
Hoeffding's inequalities (claims probability.law-of-large-numbers, probability.central-limit, probability.jensen,
probability.hoeffding). Equation labels refer to book/probability.ipynb."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy.special import ndtr

from mathdl import probability_limits as limits
from mathdl.verify import derive


def test_running_mean_is_the_cumulative_average():
    """claim probability.law-of-large-numbers."""
    x = np.array([2.0, 4.0, 0.0, 6.0])
    np.testing.assert_allclose(limits.running_mean(x), [2.0, 3.0, 2.0, 3.0], rtol=1e-15)
    draws = np.random.default_rng(0).exponential(size=200_000)
    assert abs(limits.running_mean(draws)[-1] - 1.0) < 0.01


def test_chebyshev_bound_and_tail_frequency():
    """eq (pr-chebyshev): claim probability.law-of-large-numbers."""
    assert limits.chebyshev_bound(100, 0.2, 1.0) == pytest.approx(0.25, rel=1e-15)
    assert limits.chebyshev_bound(7, 0.5, 3.0) == pytest.approx(3.0 / 1.75, rel=1e-15)
    assert limits.tail_frequency(np.array([0.0, 0.3, 0.5, 0.9]), 0.5, 0.3) == pytest.approx(0.5, rel=1e-15)
    means = np.random.default_rng(1).exponential(size=(20_000, 100)).mean(axis=1)
    assert limits.tail_frequency(means, 1.0, 0.2) <= limits.chebyshev_bound(100, 0.2, 1.0)


def test_standardized_means_and_ks_distance():
    """claim probability.central-limit."""
    draws = np.array([[1.0, 2.0, 3.0, 6.0], [3.0, 3.0, 3.0, 3.0]])
    np.testing.assert_allclose(limits.standardized_means(draws, 3.0, 2.0), [0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(limits.standardized_means(draws + 1.0, 3.0, 2.0), [1.0, 1.0], rtol=1e-15)
    # one point at 0: F jumps from 0 to 1 where Phi = 1/2
    assert limits.ks_distance_to_normal(np.array([0.0])) == pytest.approx(0.5, rel=1e-15)
    # two points: max over the four one-sided gaps, by hand
    z = np.array([-1.0, 0.5])
    expected = max(0.5 - ndtr(-1.0), ndtr(-1.0), 1.0 - ndtr(0.5), ndtr(0.5) - 0.5)
    assert limits.ks_distance_to_normal(z) == pytest.approx(expected, rel=1e-14)
    gaussian = np.random.default_rng(2).standard_normal(40_000)
    assert limits.ks_distance_to_normal(gaussian) < 0.01


def test_clt_distance_falls_like_one_over_sqrt_n():
    ns = np.array([1, 4, 16, 64])
    ks = limits.clt_ks_distances(ns, 40_000, seed=22)
    slope = np.polyfit(np.log(ns), np.log(ks), 1)[0]
    assert abs(slope + 0.5) < 0.1
    # n = 1: the standardised Exponential(1) has no mass below -1, where Phi(-1) = 0.1587: the sup is there
    assert abs(ks[0] - ndtr(-1.0)) < 0.01
    # the same computation by hand: inverse-CDF Exponential(1) draws, standardised, Kolmogorov distance
    rng = np.random.default_rng(4)
    by_hand = [limits.ks_distance_to_normal(limits.standardized_means(-np.log1p(-rng.random((500, n))), 1.0, 1.0))
               for n in (3, 5)]
    np.testing.assert_allclose(limits.clt_ks_distances(np.array([3, 5]), 500, seed=4), by_hand, rtol=1e-15)


def test_jensen_gap():
    """eq (pr-jensen): claim probability.jensen."""
    support, weights = np.array([1.0, 2.0, 4.0]), np.array([0.2, 0.5, 0.3])
    m = float(weights @ support)
    assert limits.jensen_gap(np.square, support, weights) == pytest.approx(float(weights @ (support - m) ** 2),
                                                                           rel=1e-13)
    assert limits.jensen_gap(np.log, support, weights) == pytest.approx(float(weights @ np.log(support)) - math.log(m),
                                                                        rel=1e-13)
    rng = np.random.default_rng(3)
    for _ in range(200):
        xs, ps = rng.uniform(0.1, 3.0, 5), rng.dirichlet(np.ones(5))
        assert limits.jensen_gap(np.exp, xs, ps) >= 0 >= limits.jensen_gap(np.log, xs, ps)
    p1, p2 = sp.symbols("p_1 p_2", positive=True)
    xs_s = sp.symbols("x_1:4", real=True)
    f, s = sp.Function("f"), sp.Symbol("s", real=True)
    ps_s = (p1, p2, 1 - p1 - p2)
    mean = sum(pk * xk for pk, xk in zip(ps_s, xs_s))
    derive(sum(pk * f(xk) for pk, xk in zip(ps_s, xs_s)) - f(mean),
           (sum(pk * (f(xk) - f(mean) - s * (xk - mean)) for pk, xk in zip(ps_s, xs_s)), "tangent gaps"),
           domain=[p1 + p2 < 1], instance="n = 3", claim="probability.jensen")


def test_elbo_gap_is_the_jensen_gap_and_the_kl():
    joint, q = np.array([0.02, 0.10, 0.05, 0.03]), np.array([0.1, 0.5, 0.3, 0.1])
    elbo = float(q @ np.log(joint / q))
    kl = float(q @ np.log(q / (joint / joint.sum())))
    gap = -limits.jensen_gap(np.log, joint / q, q)
    assert gap == pytest.approx(math.log(joint.sum()) - elbo, rel=1e-12)
    assert gap == pytest.approx(kl, rel=1e-10)


def test_hoeffding_bound_and_sample_size():
    """eq (pr-hoeffding): claim probability.hoeffding."""
    assert limits.hoeffding_bound(100, 0.1) == pytest.approx(2 * math.exp(-2.0), rel=1e-15)
    assert limits.hoeffding_bound(50, 0.5, -1.0, 3.0) == pytest.approx(2 * math.exp(-2 * 50 * 0.25 / 16), rel=1e-15)
    assert limits.hoeffding_sample_size(0.01, 0.05) == 18_445
    assert limits.hoeffding_sample_size(0.01, 0.005) == 29_958
    assert limits.hoeffding_sample_size(0.1, 0.05, 0.0, 2.0) == math.ceil(4 * math.log(40.0) / 0.02)
    n = limits.hoeffding_sample_size(0.05, 0.01)
    assert limits.hoeffding_bound(n, 0.05) <= 0.01 < limits.hoeffding_bound(n - 1, 0.05)
    w, t, d = sp.symbols("w t delta", positive=True)
    derive(sp.Subs(2 * sp.exp(-2 * sp.Symbol("n", positive=True) * t**2 / w**2), sp.Symbol("n", positive=True),
                   w**2 * sp.log(2 / d) / (2 * t**2)), (d, "substitute"), claim="probability.hoeffding")


def test_hoeffding_holds_in_simulation():
    rng = np.random.default_rng(24)
    for n in (20, 80, 320):
        freq = limits.tail_frequency(rng.binomial(n, 0.5, size=100_000) / n, 0.5, 0.1)
        assert freq <= limits.hoeffding_bound(n, 0.1)


@pytest.mark.parametrize("call, match", [
    (lambda: limits.running_mean(np.zeros((2, 2))), "1-D"),
    (lambda: limits.chebyshev_bound(0, 0.1, 1.0), ">= 1"),
    (lambda: limits.chebyshev_bound(5, -0.1, 1.0), "positive"),
    (lambda: limits.tail_frequency(np.array([]), 0.0, 0.1), "non-empty"),
    (lambda: limits.standardized_means(np.zeros(3), 0.0, 1.0), "2-D"),
    (lambda: limits.standardized_means(np.zeros((2, 3)), 0.0, 0.0), "positive"),
    (lambda: limits.ks_distance_to_normal(np.zeros((2, 2))), "1-D"),
    (lambda: limits.clt_ks_distances(np.array([0, 2]), 10), "integers >= 1"),
    (lambda: limits.clt_ks_distances(np.array([1.5]), 10), "integers >= 1"),
    (lambda: limits.jensen_gap(np.exp, np.ones(2), np.array([0.5, 0.6])), "sum to 1"),
    (lambda: limits.jensen_gap(np.exp, np.ones(2), np.ones(3) / 3), "one shape"),
    (lambda: limits.hoeffding_bound(10, 0.1, 1.0, 1.0), "a < b"),
    (lambda: limits.hoeffding_sample_size(0.1, 1.5), r"\(0, 1\)"),
    (lambda: limits.hoeffding_sample_size(0.1, 0.05, 2.0, 1.0), "a < b"),
])
def test_bad_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_jensen_gap_needs_a_callable():
    with pytest.raises(TypeError, match="callable"):
        limits.jensen_gap("log", np.ones(2), np.ones(2) / 2)

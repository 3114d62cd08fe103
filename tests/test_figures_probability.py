"""Tests of mathdl.figures.probability: each figure draws the data it is given, with mathtext labels, and refuses
mismatched shapes."""
from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from mathdl import estimation  # noqa: E402
from mathdl import probability_families as families  # noqa: E402
from mathdl import probability_limits as limits  # noqa: E402
from mathdl.figures import probability as figures  # noqa: E402


def test_variance_and_monte_carlo_figures():
    mle, unbiased = estimation.sample_variance_estimates(5, 2000, seed=0)
    fig = figures.plot_variance_estimators(mle, unbiased, 1.0, 5)
    assert fig.axes[0].get_xlabel().startswith("variance estimate")
    plt.close(fig)
    ns = np.array([10, 100, 1000])
    rmse = estimation.monte_carlo_rmse(np.square, 1.0, ns, trials=50)
    fig = figures.plot_monte_carlo_rate(ns, rmse, math.sqrt(2.0), estimation.loglog_slope(ns, rmse))
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), math.sqrt(2.0) / np.sqrt(ns), rtol=1e-15)
    plt.close(fig)


def test_limit_theorems_figure():
    """claims probability.law-of-large-numbers, probability.central-limit."""
    rng = np.random.default_rng(0)
    running = np.array([limits.running_mean(rng.exponential(size=500)) for _ in range(3)])
    ns = np.array([1, 4, 16])
    ks = np.array([0.16, 0.08, 0.04])
    z = rng.standard_normal(1000)
    fig = figures.plot_limit_theorems(running, 1.0, ns, ks, z, 16)
    left, middle, right = fig.axes
    assert len(left.lines) == 4 and left.get_xscale() == "log"
    np.testing.assert_allclose(left.lines[0].get_ydata(), running[0], rtol=1e-15)
    np.testing.assert_allclose(right.lines[1].get_ydata(), 0.16 / np.sqrt(ns), rtol=1e-15)
    grid = middle.lines[0].get_xdata()
    np.testing.assert_allclose(middle.lines[0].get_ydata(), np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), rtol=1e-15)
    assert "$" in right.get_ylabel() and "$" in middle.get_xlabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="one shape"):
        figures.plot_limit_theorems(running, 1.0, ns, ks[:2], z, 16)


def test_hoeffding_figure():
    """claim probability.hoeffding."""
    ns = np.array([10, 40, 160])
    hoeff = np.array([limits.hoeffding_bound(int(n), 0.1) for n in ns])
    cheb = np.array([limits.chebyshev_bound(int(n), 0.1, 0.25) for n in ns])
    freq = np.array([0.3, 0.0, 0.01])
    fig = figures.plot_hoeffding(ns, freq, hoeff, cheb, 0.1)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.minimum(cheb, 1.0), rtol=1e-15)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), np.minimum(hoeff, 1.0), rtol=1e-15)
    np.testing.assert_allclose(ax.lines[2].get_ydata(), [0.3, 0.01], rtol=1e-15)  # zero frequencies are not drawn
    assert ax.get_yscale() == "log" and "0.1" in ax.get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError, match="one shape"):
        figures.plot_hoeffding(ns, freq[:2], hoeff, cheb, 0.1)


def test_change_of_variables_figure():
    """claims probability.change-of-variables, probability.inverse-cdf-sampling."""
    y = np.exp(np.random.default_rng(1).standard_normal(20_000))
    grid = np.linspace(1e-3, 6.0, 100)
    density = np.exp(families.lognormal_log_density(grid))
    exp_draws = families.inverse_cdf_sample(families.exponential_inverse_cdf, 20_000, seed=2)
    fig = figures.plot_change_of_variables(y, grid, density, exp_draws, 1.0)
    left, right = fig.axes
    np.testing.assert_allclose(left.lines[0].get_ydata(), density, rtol=1e-15)
    xs = right.lines[0].get_xdata()
    np.testing.assert_allclose(right.lines[0].get_ydata(), np.exp(-xs), rtol=1e-15)
    # the histogram is a density of all draws: its bars sum to the fraction of draws inside the plotted range
    heights = np.array([patch.get_height() for patch in left.patches])
    width = left.patches[0].get_width()
    assert heights.sum() * width == pytest.approx(np.mean(y <= 6.0), rel=1e-9)
    plt.close(fig)
    with pytest.raises(ValueError, match="one shape"):
        figures.plot_change_of_variables(y, grid, density[:5], exp_draws, 1.0)

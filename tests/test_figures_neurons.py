"""Tests of the Neurons chapter's explorer logic (mathdl.figures.neurons), without a browser."""
from __future__ import annotations

import math
import warnings

import matplotlib
import numpy as np
import pytest

from mathdl.activations_smooth import ELEMENTWISE
from mathdl.figures import neurons as F

matplotlib.use("Agg")

BOUND_SLACK = 1e-9   # log10 slack for the inequality ||g_0|| / ||g_L|| <= bound (rounding in the norms)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(3)


@pytest.fixture(autouse=True)
def _floating_point_errors_raise():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


def _chain_gradient(name, depth, width, gain, seed):
    """The same chain, back-propagated without renormalisation (fine for moderate depth)."""
    f, f_vjp = ELEMENTWISE[name]
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((1, width))
    Ws, As = [], []
    for _ in range(depth):
        W = rng.standard_normal((width, width)) * (gain / math.sqrt(width))
        a = h @ W
        Ws.append(W)
        As.append(a)
        h = f(a)
    g = rng.standard_normal((1, width))
    g /= np.linalg.norm(g)
    norms = [1.0]
    for W, a in zip(reversed(Ws), reversed(As)):
        g = f_vjp(g, a) @ W.T
        norms.append(float(np.linalg.norm(g)))
    return np.log10(norms)


@pytest.mark.parametrize("name", F.ACTIVATION_NAMES)
def test_profile_matches_plain_backprop(name):
    prof = F.depth_gradient_profile(name, depth=12, width=8, gain=1.5, seed=4)
    np.testing.assert_allclose(prof.log10_norm, _chain_gradient(name, 12, 8, 1.5, 4), atol=1e-9)


@pytest.mark.parametrize("name", F.ACTIVATION_NAMES)
@pytest.mark.parametrize("gain", [0.1, 1.0, 4.0])
def test_vanishing_gradient_bound(name, gain):
    """activations.vanishing-gradient: ||g_0|| / ||g_L|| <= prod_l max|psi'| ||W_l||_2, layer by layer."""
    prof = F.depth_gradient_profile(name, depth=40, width=16, gain=gain, seed=1)
    finite = np.isfinite(prof.log10_norm)
    assert np.all(prof.log10_norm[finite] <= prof.log10_bound[finite] + BOUND_SLACK)


def test_sigmoid_gradient_vanishes_geometrically():
    """activations.vanishing-gradient: with unit gain the sigmoid chain loses > 0.3 decades per layer."""
    prof = F.depth_gradient_profile("sigmoid", depth=30, width=32, gain=1.0, seed=0)
    assert prof.log10_norm[-1] < -0.3 * 30
    assert "shrank" in prof.message


def test_scalar_chain_is_product_of_derivatives():
    """width = 1: the gradient is |prod_l w_l sigma'(a_l)| exactly."""
    rng = np.random.default_rng(9)
    h = rng.standard_normal((1, 1))
    product = 1.0
    for _ in range(10):
        w = rng.standard_normal((1, 1)) * 2.0
        a = h @ w
        product *= float(w[0, 0]) * float(ELEMENTWISE["tanh"][1](np.ones((1, 1)), a)[0, 0])
        h = np.tanh(a)
    prof = F.depth_gradient_profile("tanh", depth=10, width=1, gain=2.0, seed=9)
    assert prof.log10_norm[-1] == pytest.approx(math.log10(abs(product)), abs=1e-9)


@pytest.mark.parametrize("name", F.ACTIVATION_NAMES)
@pytest.mark.parametrize("depth,width,gain", [(300, 64, 1e3), (300, 1, 1e-3), (300, 64, 1e-3), (1, 1, 1.0)])
def test_extreme_settings_do_not_raise_or_warn(name, depth, width, gain):
    prof = F.depth_gradient_profile(name, depth=depth, width=width, gain=gain, seed=0)
    assert isinstance(prof.message, str) and prof.message
    assert len(prof.layers) == len(prof.log10_norm) == len(prof.log10_bound)
    assert not np.any(np.isnan(prof.log10_norm))


def test_overflow_is_reported_not_raised():
    prof = F.depth_gradient_profile("relu", depth=300, width=32, gain=1e3, seed=0)
    assert prof.stopped_at is not None and "overflowed at layer" in prof.message
    assert len(prof.layers) == prof.stopped_at  # layers 0 .. stopped_at - 1


def test_underflow_keeps_true_size():
    """Deep sigmoid chains shrink below 1e-308; renormalisation keeps the log-norm finite and exact."""
    prof = F.depth_gradient_profile("sigmoid", depth=300, width=16, gain=0.2, seed=0)
    assert np.isfinite(prof.log10_norm[-1]) and prof.log10_norm[-1] < -308


def test_bad_settings():
    with pytest.raises(ValueError, match="depth_gradient_profile: activation must be one of"):
        F.depth_gradient_profile("swish")
    with pytest.raises(ValueError, match=r"depth_gradient_profile: depth must be in \[1, 300\]"):
        F.depth_gradient_profile(depth=0)
    with pytest.raises(TypeError, match="depth_gradient_profile: width must be an int"):
        F.depth_gradient_profile(width=2.5)
    with pytest.raises(ValueError, match="gain must be in"):
        F.depth_gradient_profile(gain=0.0)


def test_figures_draw_headless():
    import matplotlib.pyplot as plt

    with np.errstate(under="ignore"):  # matplotlib's own rendering may underflow; our code does not
        fig = F.explorer_figure(**F.DEFAULTS)
        assert len(fig.axes) == 2 and "shrank" in fig.axes[1].get_title()
        plt.close(fig)
        fig = F.explorer_figure("relu", depth=300, width=64, gain=1e3, seed=0)
        assert "overflowed" in fig.axes[1].get_title()
        plt.close(fig)
        fig = F.activation_gallery()
        assert sum(ax.get_visible() for ax in fig.axes) == len(F.ACTIVATION_NAMES)
        plt.close(fig)


def test_live_explorer_builds():
    pytest.importorskip("ipywidgets")
    with np.errstate(under="ignore"):
        w = F.live_explorer()
    assert w.children[0].value == F.DEFAULTS["activation"]


def test_figure_labels_are_mathtext_and_faces_white():
    import matplotlib.pyplot as plt

    with np.errstate(under="ignore"):
        fig = F.explorer_figure(**F.DEFAULTS)
    left, right = fig.axes
    assert left.get_xlabel() == "$x$" and "$10^{" in right.get_title()
    assert all("$" in t.get_text() for t in left.get_legend().get_texts())
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert min(label.get_fontsize() for label in right.get_xticklabels()) >= F.TICK_SIZE
    plt.close(fig)
    fig = F.activation_gallery()
    assert all(ax.get_title().startswith("$") for ax in fig.axes if ax.get_visible())
    plt.close(fig)


def test_segment_loss_figure():
    import matplotlib.pyplot as plt

    s = np.linspace(0.0, 1.0, 11)
    fig = F.segment_loss_figure(s, s * (1 - s))
    (ax,) = fig.axes
    assert ax.get_xlabel() == "$s$" and len(ax.get_lines()) >= 2  # the loss, its chord (and the zero line)
    plt.close(fig)
    with pytest.raises(ValueError, match="segment_loss_figure: s and loss must be 1-D"):
        F.segment_loss_figure(s, s[:-1])


def test_curve_is_the_activation_and_its_derivative():
    x = np.linspace(-3.0, 3.0, 13)
    f, df = F._curve("sigmoid", x)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(f, s, rtol=1e-14)
    np.testing.assert_allclose(df, s * (1 - s), rtol=1e-13)


def test_new_figures_draw_with_mathtext_and_white_faces():
    import matplotlib.pyplot as plt

    from mathdl import initialization as I
    from mathdl import softmax as SM

    with np.errstate(under="ignore"):
        fig = F.smooth_activations_figure()
        assert len(fig.axes) == 2 and fig.axes[0].get_xlabel() == "$x$"
        assert all("$" in t.get_text() for t in fig.axes[1].get_legend().get_texts())
        assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
        plt.close(fig)
        fig = F.surrogate_losses_figure(delta=1.0)
        left, right = fig.axes
        assert "$yz$" in left.get_xlabel() and "$r" in right.get_xlabel()
        hinge_line = left.get_lines()[1]  # after the 0-1 loss (the zero line is drawn last)
        np.testing.assert_allclose(hinge_line.get_ydata(), np.maximum(0.0, 1.0 - hinge_line.get_xdata()), rtol=1e-14)
        plt.close(fig)
        prof = {"He, ReLU": I.second_moment_through_depth("relu", "he", depth=5, width=16, n=16)}
        fig = F.init_depth_figure(prof, {"He, ReLU": 1.0})
        (ax,) = fig.axes
        np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), np.log10(prof["He, ReLU"]), rtol=1e-14)
        assert ax.get_ylabel().startswith("$")
        plt.close(fig)
        rng = np.random.default_rng(0)
        p = SM.softmax(rng.normal(size=(200, 3)))
        y = rng.integers(0, 3, size=200)
        fig = F.reliability_figure(SM.calibration_bins(p, y), SM.calibration_bins(p, y))
        (ax,) = fig.axes
        conf, acc, count = SM.calibration_bins(p, y)
        np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), acc[count > 0], rtol=1e-14)
        plt.close(fig)
    with pytest.raises(ValueError, match="init_depth_figure: profiles and predicted"):
        F.init_depth_figure({"a": np.ones(3)}, {"b": 1.0})
    with pytest.raises(ValueError, match="init_depth_figure: profile 'a' must be"):
        F.init_depth_figure({"a": np.zeros(3)}, {"a": 1.0})


def test_the_leaky_relu_label_states_the_slope_that_is_plotted():
    import inspect
    import re

    from mathdl import activations
    from mathdl.figures import neurons as fig

    slope = float(re.search(r"_\{([0-9.]+)\}", fig.TEX_NAMES["leaky_relu"]).group(1))
    assert slope == inspect.signature(activations.leaky_relu).parameters["alpha"].default

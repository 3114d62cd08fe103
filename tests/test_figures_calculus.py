"""Tests of the new figures of the chapter "Calculus and backpropagation" (mathdl.figures.calculus).

Each figure is drawn headless and its plotted data are checked against mathdl.calculus_forward and mathdl.calculus_cost.
"""
from __future__ import annotations

import math

import matplotlib
import numpy as np

matplotlib.use("Agg")

from mathdl import calculus_cost, calculus_forward  # noqa: E402
from mathdl.figures import calculus as figures  # noqa: E402


def test_taylor_figure_plots_the_remainders():
    """calculus.taylor-hessian: the plotted points are the remainders of calculus_forward."""
    import matplotlib.pyplot as plt

    ts = np.logspace(-3, -1, 5)
    ax = figures.plot_taylor_remainders(ts)
    f, w, d = figures.taylor_example()
    r = calculus_forward.taylor_remainders(f, w, d, ts)
    first, second = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
    assert np.allclose(first, r["first"], rtol=1e-12, atol=0)
    assert np.allclose(second, r["second"], rtol=1e-12, atol=0)
    assert np.allclose(ax.lines[3].get_ydata(), r["second"][0] * (ts / ts[0]) ** 3, rtol=1e-12, atol=0)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((5, 3))
    W1, _ = rng.standard_normal((2, 3, 4))
    W2, U = rng.standard_normal((4, 2)), rng.standard_normal((5, 2))
    assert np.allclose(w, W1.ravel()) and np.isclose(float(f(w).value), 0.5 * np.sum((np.tanh(X @ W1) @ W2 - U) ** 2),
                                                     rtol=1e-12, atol=0)
    plt.close("all")


def test_checkpoint_figure_plots_the_counts():
    """calculus.checkpoint-memory: the curves are checkpoint_memory's counts and the 2 sqrt K bound."""
    import matplotlib.pyplot as plt

    left, right = figures.plot_checkpoint_memory(max_depth=50, depth_for_segments=16)
    assert list(left.lines[0].get_ydata()) == [K + 1 for K in range(1, 51)]
    assert list(left.lines[1].get_ydata()) == [calculus_cost.checkpoint_memory(K, math.ceil(math.sqrt(K)))
                                               for K in range(1, 51)]
    assert np.allclose(left.lines[2].get_ydata(), 2 * np.sqrt(np.arange(1, 51)), rtol=1e-12, atol=0)
    assert min(right.lines[0].get_ydata()) == 8
    plt.close("all")


def test_training_figure_reports_accuracy_and_divergence():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mathdl.figures import calculus as figures

    fig = figures.training_figure(steps=100)
    assert "training accuracy" in fig.axes[1].get_title() and fig._suptitle is None
    plt.close(fig)
    fig = figures.training_figure(lr=10.0, steps=100)   # finite, but the loss climbs: the figure says so
    assert fig._suptitle is not None and "diverged: the loss rose" in fig._suptitle.get_text()
    plt.close(fig)
    ax = figures.plot_difference_errors()
    assert ax.get_xscale() == "log"
    plt.close("all")


def test_training_figure_reports_divergence_and_the_other_figures_draw(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mathdl import mlp
    from mathdl.figures import calculus as figures

    def overflowing(*args, **kwargs):  # what train_mlp does when a step overflows under errstate(over="raise")
        raise FloatingPointError("overflow encountered in multiply")

    monkeypatch.setattr(mlp, "train_mlp", overflowing)
    fig = figures.training_figure(lr=5.0, steps=20)
    monkeypatch.undo()
    assert fig._suptitle is not None and "diverged" in fig._suptitle.get_text()
    plt.close(fig)
    ax = figures.plot_figure1_network()
    assert ax.figure is not None
    plt.close("all")
    explorer = figures.training_explorer()
    assert [w.description for w in explorer.children[:5]] == ["units", "layers", "learning rate", "steps", "noise"]
    plt.close("all")

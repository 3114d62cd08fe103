"""Tests of the explorer's update logic and widgets without a browser, and of the generated JavaScript page."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from mathdl import objectives, optim
from mathdl.figures import optimization as figs
from mathdl.figures import optimization_explorer as explorer_js

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def test_hyperparameter_mapping():
    assert figs.explorer_hyperparameters("gd", 0.1, 0.9) == ("sgd", {"lr": 0.1})
    assert figs.explorer_hyperparameters("momentum", 0.1, 0.9) == ("sgd", {"lr": 0.1, "momentum": 0.9})
    assert figs.explorer_hyperparameters("nesterov", 0.1, 0.9) == ("sgd", {"lr": 0.1, "momentum": 0.9,
                                                                         "nesterov": True})
    assert figs.explorer_hyperparameters("nesterov", 0.1, 0.0) == ("sgd", {"lr": 0.1})
    assert figs.explorer_hyperparameters("rmsprop", 0.1, 0.9) == ("rmsprop", {"lr": 0.1, "alpha": 0.9})
    assert figs.explorer_hyperparameters("newton", 1.0, 0.9) == ("newton", {"lr": 1.0})
    with pytest.raises(ValueError, match="optimizer must be one of"):
        figs.explorer_hyperparameters("lbfgs", 0.1, 0.9)


def test_beta_is_read_only_by_the_momentum_and_adaptive_optimizers():
    """uses_beta is True exactly for the optimizers whose hyper-parameters change with beta."""
    for label in figs.EXPLORER_OPTIMIZERS:
        reads_beta = figs.explorer_hyperparameters(label, 0.1, 0.5) != figs.explorer_hyperparameters(label, 0.1, 0.7)
        assert figs.uses_beta(label) == reads_beta, label
    assert not figs.uses_beta("gd") and not figs.uses_beta("newton")
    with pytest.raises(ValueError, match="uses_beta: optimizer must be one of"):
        figs.uses_beta("lbfgs")


def test_objective_defaults_lie_on_the_slider_grid_and_converge_for_gd():
    """Every objective has its own default (lr, beta), on the log-slider grid and inside the slider ranges, and
    gradient descent from the objective's start stays finite with it (Rosenbrock with the quadratic's 0.178
    diverges at step 2)."""
    assert set(figs.OBJECTIVE_DEFAULTS) == set(objectives.NAMES)
    for name in objectives.NAMES:
        d = figs.OBJECTIVE_DEFAULTS[name]
        assert figs.LOG10_LR_RANGE[0] <= d["log10_lr"] <= figs.LOG10_LR_RANGE[1]
        assert round(d["log10_lr"], 2) == d["log10_lr"]
        assert figs.BETA_RANGE[0] <= d["beta"] <= figs.BETA_RANGE[1]
        assert figs.objective_defaults(name) == {"lr": 10.0 ** d["log10_lr"], "beta": d["beta"]}
        for optimizer in figs.EXPLORER_OPTIMIZERS:
            view = figs.explorer_view(name, optimizer=optimizer, lr=None, beta=None, start=None)
            assert view.lr == 10.0 ** d["log10_lr"] and view.beta == d["beta"]
            if optimizer in ("gd", "momentum"):
                assert view.run.status == "ok", (name, optimizer, view.run.status)
            assert np.all(np.isfinite(view.run.path))
    assert figs.explorer_view("rosenbrock", lr=figs.DEFAULTS["lr"], start=None).message == "diverged at step 2"
    assert figs.DEFAULTS["lr"] == figs.objective_defaults(figs.DEFAULTS["objective"])["lr"]
    with pytest.raises(ValueError, match="objective_defaults: name must be one of"):
        figs.objective_defaults("himmelblau")


def test_explorer_view_is_the_optim_trajectory():
    view = figs.explorer_view("rosenbrock", optimizer="adam", lr=0.05, beta=0.8, steps=50, start=(-1.0, 2.0))
    run = optim.trajectory(objectives.rosenbrock(), "adam", np.array([-1.0, 2.0]), 50, lr=0.05, betas=(0.8, 0.999))
    np.testing.assert_array_equal(view.run.path, run.path)
    assert view.message.startswith("after 50 steps: f - f* = ")


@pytest.mark.parametrize("optimizer", list(figs.EXPLORER_OPTIMIZERS))
@pytest.mark.parametrize("name", objectives.NAMES)
def test_extreme_slider_settings_never_raise_or_warn(name, optimizer):
    """The largest learning rate and momentum on every objective: a status, no exception, no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view = figs.explorer_view(name, kappa=100.0, optimizer=optimizer, lr=10 ** figs.LOG10_LR_RANGE[1],
                                  beta=figs.BETA_RANGE[1], steps=figs.STEPS_RANGE[1], start=None)
    assert view.message == view.run.status or view.message.startswith("after")
    assert np.all(np.isfinite(view.run.path))
    gaps = figs.loss_gaps(view)
    assert np.all(gaps >= figs.GAP_FLOOR) and np.all(np.isfinite(gaps))


def test_divergence_message():
    view = figs.explorer_view(lr=0.25)              # 2/L = 0.2 for kappa = 10
    assert view.message == "diverged at step 35"   # y is multiplied by -1.5 per step, 1.5**35 > 1e6


def test_explorer_figure_updates_data_not_figure():
    fig = figs.ExplorerFigure(figs.explorer_view(steps=100))
    before = fig.rgba().copy()
    line_before = fig.path_line.get_xydata().copy()
    figure_id = id(fig.fig)
    fig.update(figs.explorer_view(steps=100, lr=0.01))
    assert id(fig.fig) == figure_id and fig.full_draws == 1          # same figure, static layer kept
    assert not np.array_equal(fig.path_line.get_xydata(), line_before)
    assert not np.array_equal(fig.rgba(), before)                    # the pixels changed
    fig.update(figs.explorer_view("wells", steps=100, start=None))
    assert fig.full_draws == 2                                        # a new objective redraws the contours


def test_blitted_frame_matches_a_full_draw():
    """The fast path (restore background + draw moving artists) gives the same pixels as drawing everything."""
    fig = figs.ExplorerFigure(figs.explorer_view(steps=80))
    fig.update(figs.explorer_view(steps=80, optimizer="momentum", beta=0.5))
    fast = fig.rgba().copy()
    for artist in fig.dynamic_artists:
        artist.set_animated(False)
    fig.fig.canvas.draw()
    assert np.mean(np.abs(fast.astype(int) - fig.rgba().astype(int)) > 0) < 1e-3


def test_widgets_drive_the_figure():
    pytest.importorskip("ipywidgets")
    explorer = figs.GDExplorer()
    first_path = explorer.figure.view.run.path.copy()
    first_image = explorer.image.value
    explorer.lr.value = 0.01
    assert not np.array_equal(explorer.figure.view.run.path, first_path)
    assert explorer.image.value != first_image and explorer.image.value[:2] == b"\xff\xd8"   # a JPEG
    explorer.optimizer.value = "adam"
    assert explorer.figure.view.optimizer == "adam"
    explorer.objective.value = "saddle"
    assert (explorer.x0.value, explorer.y0.value) == objectives.saddle().start
    assert explorer.kappa.disabled
    np.testing.assert_array_equal(explorer.figure.view.run.path[0], objectives.saddle().start)
    explorer.objective.value = "quadratic"
    explorer.optimizer.value = "gd"
    explorer.lr.value = 10 ** figs.LOG10_LR_RANGE[1]
    assert explorer.status.value.count("diverged at step") == 1


def test_widget_labels_match_readouts_and_beta_is_disabled_where_unused():
    pytest.importorskip("ipywidgets")
    explorer = figs.GDExplorer()
    # the learning-rate slider is a log slider: its value (what the readout shows) is eta, as its label says
    assert explorer.lr.description == figs.LR_LABEL and "η" in figs.LR_LABEL and "log10" not in figs.LR_LABEL
    assert explorer.lr.value == pytest.approx(figs.DEFAULTS["lr"]) and explorer.figure.view.lr == explorer.lr.value
    for label in figs.EXPLORER_OPTIMIZERS:
        explorer.optimizer.value = label
        assert explorer.beta.disabled == (label in ("gd", "newton")), label
    explorer.optimizer.value = "adam"
    assert "β" in explorer.title.value and "beta" not in explorer.title.value   # Unicode, not ASCII names


def test_widget_objective_change_applies_its_defaults():
    pytest.importorskip("ipywidgets")
    explorer = figs.GDExplorer()
    explorer.beta.value = 0.3
    for name in ("rosenbrock", "wells", "saddle", "quadratic"):
        explorer.objective.value = name
        d = figs.objective_defaults(name)
        assert explorer.lr.value == pytest.approx(d["lr"], rel=1e-12) and explorer.beta.value == d["beta"]
        assert explorer.figure.view.lr == explorer.lr.value
        assert "diverged" not in explorer.status.value, (name, explorer.status.value)
        assert np.all(np.isfinite(explorer.figure.view.run.path))
    explorer.objective.value = "rosenbrock"
    explorer.lr.value = 10 ** figs.LOG10_LR_RANGE[1]                 # extreme settings: divergence, shown
    explorer.beta.value = figs.BETA_RANGE[1]
    explorer.steps.value = figs.STEPS_RANGE[1]
    assert "diverged at step" in explorer.status.value


def test_figure_labels_are_mathtext_and_axes_have_ticks():
    import matplotlib.pyplot as plt

    fig = figs.draw_explorer()
    ax, loss_ax = fig.axes[:2]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x$", "$y$")
    assert loss_ax.get_xlabel() == "step $k$" and loss_ax.get_ylabel() == "$f(x_k) - f^*$"
    fig.canvas.draw()
    for axis in (ax.xaxis, ax.yaxis, loss_ax.xaxis, loss_ax.yaxis):
        labels = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
        assert len(labels) >= 3, labels
    steps = [float(t.get_text().replace("\u2212", "-")) for t in loss_ax.xaxis.get_ticklabels() if t.get_text()]
    assert all(s == int(s) for s in steps)                                   # integer step ticks
    assert "$\\eta$" in fig.texts[0].get_text()
    plt.close(fig)


def test_global_minimum_is_marked_distinctly():
    import matplotlib.pyplot as plt

    wells = objectives.wells()
    ax, _ = figs.draw_runs(wells, {"a": optim.trajectory(wells, "sgd", [0.5, 0.5], 5, lr=0.01)}, run_legend=False)
    glob = [ln for ln in ax.get_lines() if ln.get_label() == "global minimum"]
    local = [ln for ln in ax.get_lines() if ln.get_label() == "local minima"]
    np.testing.assert_array_equal(glob[0].get_xydata(), wells.minimizers[:1])
    np.testing.assert_array_equal(local[0].get_xydata(), wells.minimizers[1:])
    assert glob[0].get_marker() != local[0].get_marker()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["global minimum", "local minima"]
    plt.close("all")


def test_static_explorer_figure_shows_the_default_state():
    import matplotlib.pyplot as plt

    fig = figs.draw_explorer()
    ax = fig.axes[0]
    lines = [line for line in ax.get_lines() if line.get_label() == "trajectory"]
    np.testing.assert_array_equal(lines[0].get_xydata(), figs.explorer_view().run.path)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ the JS page

def test_js_objectives_are_printed_from_sympy():
    import sympy as sp

    js = explorer_js.objectives_js()
    for name in objectives.NAMES:
        assert sp.jscode(objectives.EXPRESSIONS[name]) in js
        for component in objectives.symbolic_gradient(name):
            assert sp.jscode(component) in js


def test_html_is_deterministic_offline_and_has_stable_ids():
    html = explorer_js.explorer_html()
    assert html == explorer_js.explorer_html()
    assert not re.search(r"(https?:)?//[a-z0-9]", html, flags=re.I), "no external URL may appear"
    for element in ("gd-explorer", "gd-objective", "gd-optimizer", "gd-lr", "gd-lr-label", "gd-lr-value",
                    "gd-beta", "gd-steps", "gd-kappa", "gd-x0", "gd-y0", "gd-path", "gd-contours", "gd-global-min",
                    "gd-minimizers", "gd-plot-axes", "gd-loss-path", "gd-loss-axes", "gd-status"):
        assert f'id="{element}"' in html
    assert "window.mathdlExplorer" in html
    assert "<script src" not in html and "<link" not in html


def test_html_labels_defaults_and_beta_state_come_from_python():
    html = explorer_js.explorer_html()
    assert "log<sub>10</sub>" not in html and figs.LR_LABEL in html     # the label names eta, the readout shows eta
    assert re.search(r'id="gd-beta" [^>]*disabled', html)              # the default optimizer, gd, ignores beta
    table = explorer_js.defaults_js()
    assert table in html
    for name, d in figs.OBJECTIVE_DEFAULTS.items():
        assert f"{name}: {{log10_lr: {d['log10_lr']!r}, beta: {d['beta']!r}}}" in table
    assert 'var BETA_OPTIMIZERS = ["momentum", "nesterov", "rmsprop", "adam"];' in table
    assert "applyObjectiveDefaults" in html and "ui.beta.disabled = !usesBeta" in html


def test_loss_gaps_contour_levels_and_grid_exact():
    """The drawn quantities: f - f* floored, the contour levels f* + span / 2^j, and the grid of values."""
    view = figs.explorer_view("saddle", lr=0.1, steps=5, start=(1.0, 0.5))
    np.testing.assert_allclose(figs.loss_gaps(view), np.maximum(view.run.losses + 0.25, figs.GAP_FLOOR), rtol=1e-15)
    obj = objectives.saddle()
    values = np.array([obj.minimum, 0.0, 1.75])
    levels = figs.contour_levels(obj, values)
    assert levels.shape == (figs.CONTOUR_LEVELS,)
    np.testing.assert_allclose(levels[-1], 1.75, rtol=1e-15)
    np.testing.assert_allclose(levels[0], -0.25 + 2.0 * 0.5 ** (figs.CONTOUR_LEVELS - 1), rtol=1e-15)
    X, Y, Z = figs._grid(obj)
    assert X.shape == Y.shape == Z.shape == (figs.CONTOUR_GRID, figs.CONTOUR_GRID)
    assert (X[0, 0], Y[0, 0], X[-1, -1], Y[-1, -1]) == (-2.0, -2.0, 2.0, 2.0)
    np.testing.assert_allclose(Z, obj.value(np.stack([X, Y], axis=-1)), rtol=1e-15)
    np.testing.assert_allclose(Z[0, 0], obj.value(np.array([-2.0, -2.0])), rtol=1e-15)


def test_draw_runs_plots_the_paths():
    import matplotlib.pyplot as plt

    obj = objectives.quadratic(4.0)
    run = optim.trajectory(obj, "sgd", [1.0, 1.0], 10, lr=0.1)
    ax, loss_ax = figs.draw_runs(obj, {"GD": run})
    assert ax.get_legend() is None and "GD" in [t.get_text() for t in loss_ax.get_legend().get_texts()]
    line = [ln for ln in ax.get_lines() if ln.get_label() == "GD"][0]
    np.testing.assert_array_equal(line.get_xydata(), run.path)
    loss_line = [ln for ln in loss_ax.get_lines() if ln.get_label() == "GD"][0]
    np.testing.assert_allclose(loss_line.get_ydata(), np.maximum(run.losses, figs.GAP_FLOOR), rtol=1e-15)
    assert ax.get_xlim() == obj.box[0]
    plt.close("all")


def test_gd_explorer_returns_the_live_explorer():
    pytest.importorskip("ipywidgets")
    explorer = figs.gd_explorer()
    assert isinstance(explorer, figs.GDExplorer)
    assert explorer.figure.view.run.path.shape[1] == 2


# ------------------------------------------------------------------------------------------ guarantee figures

def test_draw_sgd_rates_draws_measured_and_predicted():
    """optim.sgd-decreasing-rate, optim.sgd-noise-floor: both panels, one dashed floor per step size."""
    import matplotlib.pyplot as plt

    ts = np.arange(1, 11)
    fig = figs.draw_sgd_rates(1.0 / ts, 1.0 / ts, {0.1: np.full(20, 0.05), 0.05: np.full(20, 0.02)},
                              {0.1: 0.0526, 0.05: 0.0256})
    left, right = fig.axes
    assert len(left.lines) == 2 and len(right.lines) == 4
    np.testing.assert_allclose(left.lines[0].get_ydata(), 1.0 / ts)
    assert right.lines[1].get_ydata()[0] == 0.0526
    assert "$" in left.get_xlabel() and fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    plt.close(fig)


def test_draw_nonconvex_guarantees_envelope():
    """optim.pl-linear-rate: the dashed envelope is (1 - mu/L)^k times the first gap."""
    import matplotlib.pyplot as plt

    gaps = 2.0 * 0.5 ** np.arange(8)
    fig = figs.draw_nonconvex_guarantees(np.array([1.0, 0.5, 0.2]), np.array([2.0, 1.0, 0.6]), gaps, 0.9)
    left, right = fig.axes
    np.testing.assert_allclose(right.lines[1].get_ydata(), 2.0 * 0.9 ** np.arange(8), rtol=1e-12)
    np.testing.assert_allclose(left.lines[1].get_ydata(), [2.0, 1.0, 0.6])
    plt.close(fig)


def test_draw_schedules_warmup():
    """optim.lr-schedules, optim.adam-warmup-variance: one curve per schedule, markers, the warm-up line."""
    import matplotlib.pyplot as plt

    steps = np.arange(1, 11)
    fig = figs.draw_schedules_warmup(steps, {"a": steps * 0.1, "b": steps * 0.2}, np.array([1, 10]),
                                     np.array([2.0, 0.2]), np.array([2.0, 0.21]), 2000.0)
    left, right = fig.axes
    assert len(left.lines) == 2 and len(right.lines) == 3
    assert right.lines[2].get_xdata()[0] == 2000.0
    plt.close(fig)

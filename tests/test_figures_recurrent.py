"""mathdl.figures.recurrent and mathdl.figures.recurrent_explorer: the explorers' logic, tested without a browser."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from mathdl import recurrent as rec  # noqa: E402
from mathdl.figures import recurrent as figs  # noqa: E402
from mathdl.figures import recurrent_explorer as rnn_js  # noqa: E402


def test_gradient_flow_linear_is_exact():
    """recurrent.linear-jacobian: with phi linear and W = rho Q, ||dh_T/dh_t|| = rho^(T - t) = the bound."""
    v = figs.gradient_flow(0.9, "linear", 12)
    assert np.allclose(v.rnn, 0.9 ** (12 - v.t), rtol=1e-12)
    assert np.allclose(v.bound, 0.9 ** (12 - v.t), rtol=1e-15)
    assert v.rnn[-1] == 1.0 and v.lstm_cell[-1] == 1.0


def test_gradient_flow_tanh_below_bound():
    """recurrent.tanh-bound: the tanh curve lies below rho^(T - t) at every t."""
    v = figs.gradient_flow(1.2, "tanh", 30)
    assert np.all(v.rnn <= v.bound * (1 + 1e-12)) and v.rnn[0] < 0.5 * v.bound[0]


def test_gradient_flow_carousel_is_forget_product():
    """recurrent.lstm-carousel: the cell curve is the running product of the forget gates (max over units)."""
    v = figs.gradient_flow(1.0, "tanh", 10, forget_bias=2.0, seed=3)
    assert np.all(np.diff(v.lstm_cell) >= 0) and np.all(v.lstm_cell <= 1)
    hi = figs.gradient_flow(1.0, "tanh", 10, forget_bias=5.0, seed=3)
    lo = figs.gradient_flow(1.0, "tanh", 10, forget_bias=0.0, seed=3)
    assert hi.lstm_cell[0] > v.lstm_cell[0] > lo.lstm_cell[0]
    # one step back is the largest forget gate of the last step
    params = rec.init_params("lstm", figs.HIDDEN, figs.HIDDEN, seed=3, forget_bias=2.0)
    assert 0 < v.lstm_cell[-2] < 1 and params["b_ih"].shape == (4 * figs.HIDDEN,)


def test_gradient_flow_bad_input():
    with pytest.raises(ValueError, match="rho must be"):
        figs.gradient_flow(-1.0)
    with pytest.raises(ValueError, match="steps must be"):
        figs.gradient_flow(1.0, steps=0)
    with pytest.raises(ValueError, match="activation must be one of"):
        figs.gradient_flow(1.0, "sigmoid")


def test_figures_draw():
    import matplotlib.pyplot as plt

    ax = figs.draw_flow()
    assert len(ax.lines) == 3
    fig = figs.draw_gradient_vs_lag(radii=(0.9, 1.1), lag=10)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 4
    fig2 = figs.draw_memory({"rnn": {5: 1.0, 10: 0.5}}, {"rnn": np.ones((2, 6))})
    assert len(fig2.axes) == 2
    plt.close("all")


def test_flow_explorer_redraws():
    pytest.importorskip("ipywidgets")
    ex = figs.FlowExplorer()
    first = ex.image.value
    ex.rho.value = 1.3
    assert ex.view().rho == 1.3 and ex.image.value != first
    ex.activation.value = "linear"
    assert np.allclose(ex.view().rnn, 1.3 ** (ex.view().steps - ex.view().t), rtol=1e-12)


def test_explorer_matrix_and_series():
    """The explorer's matrix has eigenvalues rho e^(+-i theta) for every shear; series agrees with powers."""
    for rho, theta, s in ((0.9, 0.3, 3.0), (1.1, 2.0, 0.0), (0.7, 0.01, 1.5)):
        W = rnn_js.matrix(rho, theta, s)
        eig = np.sort_complex(np.linalg.eigvals(W))
        assert np.allclose(eig, np.sort_complex(rho * np.exp(np.array([1j, -1j]) * theta)), rtol=1e-9)
        out = rnn_js.series(rho, theta, s, 7)
        assert np.allclose(out["orbit"][7], np.linalg.matrix_power(W, 7)[0], rtol=1e-12)
        assert np.isclose(out["norms"][7], np.linalg.norm(np.linalg.matrix_power(W, 7), 2), rtol=1e-12)
    assert np.allclose(rnn_js.series(0.5, 1.0, 0.0, 4)["norms"], 0.5 ** np.arange(5), rtol=1e-12)


def test_explorer_expressions_match_numpy(rng):
    """The SymPy expressions the page prints equal the numpy functions."""
    f_w = sp.lambdify((rnn_js.rho, rnn_js.theta, rnn_js.shear), rnn_js.EXPRESSIONS["W"])
    f_n = sp.lambdify((rnn_js.m11, rnn_js.m12, rnn_js.m21, rnn_js.m22), rnn_js.EXPRESSIONS["norm2"])
    for _ in range(10):
        rho, theta, s = rng.uniform(0.5, 1.3), rng.uniform(0, 3.1), rng.uniform(0, 4)
        assert np.allclose(np.array(f_w(rho, theta, s), dtype=float), rnn_js.matrix(rho, theta, s), rtol=1e-12)
        M = rng.standard_normal((2, 2))
        assert np.isclose(f_n(*M.ravel()), np.linalg.norm(M, 2), rtol=1e-12)
    times = sp.lambdify((rnn_js.m11, rnn_js.m12, rnn_js.m21, rnn_js.m22, rnn_js.rho, rnn_js.theta, rnn_js.shear),
                        rnn_js.EXPRESSIONS["times_W"])
    M = rng.standard_normal((2, 2))
    assert np.allclose(np.array(times(*M.ravel(), 0.9, 0.4, 1.0), dtype=float), M @ rnn_js.matrix(0.9, 0.4, 1.0))


def test_explorer_html_is_offline_and_deterministic():
    html = rnn_js.explorer_html()
    assert html == rnn_js.explorer_html()
    assert "http" not in html and "<script src" not in html
    for ident in ("rnn-rho", "rnn-theta", "rnn-shear", "rnn-steps", "rnn-eigs", "rnn-orbit", "rnn-norm"):
        assert f'id="{ident}"' in html
    assert sp.jscode(rnn_js.EXPRESSIONS["W"][0, 1]) in html


def test_explorer_bad_input():
    with pytest.raises(ValueError, match="steps must be"):
        rnn_js.series(0.9, 0.1, 0.0, 0)
    with pytest.raises(ValueError, match="rho must be a finite"):
        rnn_js.matrix(float("nan"), 0.1, 0.0)


def test_flow_explorer_factory():
    pytest.importorskip("ipywidgets")
    ex = figs.flow_explorer()
    assert isinstance(ex, figs.FlowExplorer) and ex.view().rho == figs.DEFAULTS["rho"]

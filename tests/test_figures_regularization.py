"""Tests of the regularization chapter's figures, the live explorer's update logic (without a browser) and the
generated JavaScript page of the filter explorer."""
from __future__ import annotations

import re

import numpy as np
import pytest

from mathdl import regularization as reg
from mathdl import regularization_capacity as cap
from mathdl import regularization_training as rt
from mathdl.figures import regularization as figs
from mathdl.figures import regularization_explorer as explorer

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

#: Closed forms against the functions (same float operations up to order).
RTOL = 1e-10


def test_poly_data_is_seeded_and_shaped():
    a = figs.poly_data(9, 0.2, seed=3, n_test=11)
    b = figs.poly_data(9, 0.2, seed=3, n_test=11)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    x, y, xt, yt = a
    assert x.shape == (9,) and xt.shape == (11,) and np.all(np.diff(x) >= 0)
    np.testing.assert_allclose(xt, np.linspace(-1, 1, 11))
    noiseless = figs.poly_data(9, 0.0, seed=3)
    np.testing.assert_allclose(noiseless[1], np.sin(np.pi * noiseless[0]), rtol=RTOL)
    with pytest.raises(ValueError, match="n_train"):
        figs.poly_data(0)
    with pytest.raises(ValueError, match="noise"):
        figs.poly_data(3, -1.0)


def test_poly_fit_is_ridge_plus_expected_dropout():
    """claim regularization.input-dropout-linear: the fit minimizes the inverted-dropout expected loss + ridge."""
    x, y, _, _ = figs.poly_data(12, seed=1)
    P = cap.poly_features(x, 5)
    G = P.T @ P
    for lam, p in ((0.0, 0.0), (0.3, 0.0), (0.0, 0.4), (0.1, 0.2)):
        w = figs.poly_fit(x, y, 5, lam, p)
        grad = G @ w - P.T @ y + p / (1 - p) * np.diag(G) * w + lam * w
        np.testing.assert_allclose(grad, 0.0, atol=1e-9)
    w0 = figs.poly_fit(x, y, 5, 0.2, 0.0)
    np.testing.assert_allclose(w0, reg.ridge(P, y, 0.2), rtol=1e-9)
    with pytest.raises(ValueError, match="p must lie"):
        figs.poly_fit(x, y, 3, 0.0, 1.0)
    with pytest.raises(ValueError, match="lam must be"):
        figs.poly_fit(x, y, 3, -1.0)


def test_poly_explorer_view():
    v = figs.poly_explorer_view()
    assert v.train_mse < 0.01 and v.test_mse > 10           # the default overfits
    w = figs.poly_fit(v.x_train, v.y_train, 12, v.lam, v.p)
    np.testing.assert_allclose(v.weights, w, rtol=RTOL)
    np.testing.assert_allclose(v.curve, cap.poly_features(v.x_grid, 12) @ w, rtol=RTOL)
    assert v.train_mse == pytest.approx(np.mean((cap.poly_features(v.x_train, 12) @ w - v.y_train) ** 2), rel=RTOL)
    _, _, xt, yt = figs.poly_data(15, 0.3, 0)
    assert v.test_mse == pytest.approx(np.mean((cap.poly_features(xt, 12) @ w - yt) ** 2), rel=RTOL)
    good = figs.poly_explorer_view(-2.0, 0.0)
    assert good.test_mse < 0.5 and good.train_mse > v.train_mse
    assert np.linalg.norm(good.weights) < np.linalg.norm(v.weights)
    drop = figs.poly_explorer_view(-6.0, 0.5)
    assert drop.test_mse < v.test_mse and drop.p == 0.5
    with pytest.raises(ValueError, match="log10_lam"):
        figs.poly_explorer_view(5.0)
    with pytest.raises(ValueError, match="p must lie"):
        figs.poly_explorer_view(-2.0, 0.95)


def test_balls_solution():
    sol = figs.balls_solution(np.array([1.8, 0.4]), np.array([[1.0, 0.3], [0.3, 1.0]]), 1.0, "l1")
    np.testing.assert_allclose(sol, [1.0, 0.0], atol=1e-3)           # a corner: w2 = 0
    sol2 = figs.balls_solution(np.array([1.8, 0.4]), np.array([[1.0, 0.3], [0.3, 1.0]]), 1.0, "l2")
    assert np.linalg.norm(sol2) == pytest.approx(1.0, rel=1e-9) and abs(sol2[1]) > 0.2
    with pytest.raises(ValueError, match="kind"):
        figs.balls_solution(np.zeros(2), np.eye(2), 1.0, "l3")


def test_figures_draw():
    import matplotlib.pyplot as plt
    fig, res = figs.draw_overfitting(sweep=(1, 3), n_sets=5)
    assert set(res) == {1, 3} and len(fig.axes) == 2
    assert res[3] == cap.bias_variance(3, n_train=30, noise=0.3, n_sets=5, seed=0)
    for f in (figs.draw_balls(), figs.draw_filters(), figs.draw_poly_explorer()):
        assert len(f.axes) == 2
        assert f.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    runs = {m: rt.train_digits(m, n_train=40, n_val=20, n_test=40, epochs=2, hidden=8) for m in rt.METHODS}
    assert len(figs.draw_digits(runs).axes) == 2
    plt.close("all")


# ------------------------------------------------------------------------------------------ the JS page

def test_explorer_html_is_self_contained_and_prints_sympy():
    """claims regularization.early-stopping-filter, regularization.early-stopping-ridge: the page's formulas are
    SymPy's JavaScript printing of the module's expressions."""
    html = explorer.explorer_html()
    assert html == explorer.explorer_html()
    assert "http" not in html and "<script src" not in html
    assert "return lambda/(alpha + lambda);" in html
    assert "return 1 - Math.pow(-eta*lambda + 1, tau);" in html
    ids = set(re.findall(r'id="(reg-[a-z-]+)"', html))
    assert {"reg-explorer", "reg-alpha", "reg-eta", "reg-tau", "reg-ridge-path", "reg-early-path",
            "reg-matched-path", "reg-readout", "reg-axes"} <= ids
    assert all(i.startswith("reg-") for i in re.findall(r'id="([^"]+)"', html))


def test_explorer_ranges_keep_gradient_descent_stable():
    eta_max = 10 ** explorer.RANGES["log10_eta"][1]
    assert eta_max * explorer.EIGS.max() < 2.0
    assert explorer.EIGS.size == 121 and explorer.EIGS[0] == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="non-finite"):
        explorer._number(float("nan"))


def test_live_explorer_builds_and_redraws():
    pytest.importorskip("ipywidgets")
    import matplotlib.pyplot as plt
    explorer_widget = figs.poly_explorer()
    assert explorer_widget.lam.value == figs.DEFAULTS["log10_lam"] and explorer_widget.p.value == figs.DEFAULTS["p"]
    explorer_widget.lam.value = -2.0                      # observe() redraws without a front end
    explorer_widget.p.value = 0.3
    plt.close("all")

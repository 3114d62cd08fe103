"""Tests of the KL explorer's update logic (mathdl.figures.information) without a browser."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from mathdl import info
from mathdl.figures import information as fig

#: A trapezoid rule on the view's grid must reproduce the closed forms to this relative error.
GRID_RTOL = 1e-4


def _grid_kl(x, a, b):
    mask = a > 0
    integrand = np.zeros_like(a)
    integrand[mask] = a[mask] * (np.log(a[mask]) - np.log(b[mask]))
    return np.trapezoid(integrand, x)


def test_default_view_numbers_match_closed_forms_and_grid_integrals():
    view = fig.kl_view(*fig.DEFAULT_GAUSSIANS, points=4000)
    mu_p, s_p, mu_q, s_q = fig.DEFAULT_GAUSSIANS
    assert view.kl_pq == pytest.approx(float(info.kl_gaussian(mu_p, s_p, mu_q, s_q)))
    assert view.kl_pq == pytest.approx(_grid_kl(view.x, view.p, view.q), rel=GRID_RTOL)
    assert view.kl_qp == pytest.approx(_grid_kl(view.x, view.q, view.p), rel=GRID_RTOL)
    assert view.ce_pq == pytest.approx(view.h_p + view.kl_pq)
    assert view.kl_pq != pytest.approx(view.kl_qp)                # KL is not symmetric
    assert np.trapezoid(view.p, view.x) == pytest.approx(1.0, rel=GRID_RTOL)


def test_equal_gaussians_give_zero_divergence_and_ce_equals_entropy():
    view = fig.kl_view(0.5, 1.3, 0.5, 1.3)
    assert view.kl_pq == 0.0 and view.kl_qp == 0.0
    assert view.ce_pq == view.h_p


@pytest.mark.parametrize("setting", [(-4.0, 0.1, 4.0, 0.1), (4.0, 3.0, -4.0, 0.1), (0.0, 0.1, 0.0, 3.0)])
def test_extreme_slider_settings_stay_finite_without_warnings(setting):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view = fig.kl_view(*setting)
    assert np.isfinite([view.kl_pq, view.kl_qp, view.h_p, view.h_q]).all()
    assert view.kl_pq > 0 and view.kl_qp > 0
    assert len(view.lines) == 4


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="kl_gaussian: sigma1 must be > 0"):
        fig.kl_view(0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="kl_view: points must be an int >= 50"):
        fig.kl_view(0.0, 1.0, 0.0, 1.0, points=10)


def test_draw_functions_run_headless():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = fig.draw_kl(fig.kl_view(*fig.DEFAULT_GAUSSIANS))
    assert len(ax.lines) == 2
    texts = [t.get_text() for t in ax.texts]
    assert any(r"\mathrm{KL}(p\,\Vert\,q)" in t for t in texts)
    ax2 = fig.draw_ib_tradeoff(np.array([0.0, 0.5]), np.array([0.0, 0.2]), np.array([1.0, 10.0]), 0.3, 1.0)
    assert ax2.get_xlabel().startswith("$I(X;T)$")
    with pytest.raises(ValueError, match="draw_ib_tradeoff"):
        fig.draw_ib_tradeoff(np.zeros(2), np.zeros(3), np.ones(2), 0.3, 1.0)
    scales = np.geomspace(0.1, 10, 5)
    ax3 = fig.draw_elbo_scales(scales, scales + 1.0, scales + 2.0, 0.5)
    assert len(ax3.lines) == 3 and ax3.get_xscale() == "log"
    with pytest.raises(ValueError, match="draw_elbo_scales: scales must be > 0"):
        fig.draw_elbo_scales(np.array([0.0, 1.0]), np.ones(2), np.ones(2), 0.5)
    with pytest.raises(ValueError, match="draw_elbo_scales: scales, right_mean"):
        fig.draw_elbo_scales(np.ones(2), np.ones(3), np.ones(2), 0.5)
    plt.close("all")


def test_figure_labels_are_mathtext():
    """Axis labels, legends and colour bars are matplotlib mathtext, not ASCII such as 'log10 beta'."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = fig.draw_ib_tradeoff(np.array([0.0, 0.5]), np.array([0.0, 0.2]), np.array([1.0, 10.0]), 0.3, 1.0)
    labels = [ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.get_legend().get_texts())]
    labels += [a.get_ylabel() for a in ax.figure.axes if a is not ax]               # the colour bar
    assert all("$" in label for label in labels), labels
    assert not any("log10" in label or "beta" in label.replace("\\beta", "") for label in labels), labels
    plt.close("all")


def test_kl_explorer_builds_and_redraws_headless():
    """The live explorer: four sliders at the default Gaussians, and moving one redraws without error."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    box = fig.kl_explorer()
    sliders = [w for row in box.children[:2] for w in row.children]
    assert [s.description for s in sliders] == ["mu_p", "sigma_p", "mu_q", "sigma_q"]
    assert [s.value for s in sliders] == list(fig.DEFAULT_GAUSSIANS)
    sliders[1].value = 2.5                                         # triggers a redraw through observe
    assert sliders[1].value == 2.5
    plt.close("all")

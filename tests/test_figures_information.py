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


# ----------------------------------------------------------------------- figures of the added sections

def test_infonce_curves_track_truth_and_saturate():
    """claim info.infonce-bound: the figure's estimates lie below log K and near I(X;Y) when it is small."""
    from mathdl import info_estimation

    rhos = np.array([0.5, 0.999])
    curves = fig.infonce_curves(rhos, (4, 128), pairs=2048, seed=1)
    assert curves.shape == (2, 2)
    assert np.all(curves[0] <= np.log(4)) and np.all(curves[1] <= np.log(128))
    truth = info_estimation.gaussian_mutual_information(rhos)
    assert abs(curves[1, 0] - truth[0]) < 0.05
    assert curves[0, 1] < truth[1] - 1.5                       # saturated far below I = 3.1
    with pytest.raises(ValueError, match="rhos must be"):
        fig.infonce_curves(np.array([1.0]), (4,))
    with pytest.raises(ValueError, match="every K"):
        fig.infonce_curves(np.array([0.5]), (0,))


def test_new_figures_draw_without_warnings():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mathdl import info_estimation

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = fig.draw_infonce(np.array([0.1, 1.0]), np.array([[0.1, 0.9]]), (16,))
        assert len(ax.lines) == 3
        scales = np.array([0.1, 1.0, 10.0])
        ax = fig.draw_binned_plane(scales, {30: np.array([1.0, 2.0, 1.5])}, 300)
        assert "bins" in ax.get_legend().get_texts()[0].get_text()
        pts = [info_estimation.blahut_arimoto(np.array([0.7, 0.3]), 1 - np.eye(2), s) for s in (1.0, 3.0)]
        ax = fig.draw_rate_distortion(0.3, pts)
        assert ax.get_xlabel().startswith("distortion")
        ax = fig.draw_max_entropy(1.0)
        assert len(ax.lines) == 4
    plt.close("all")
    with pytest.raises(ValueError, match="estimates must have shape"):
        fig.draw_infonce(np.array([0.1]), np.zeros((2, 2)), (4,))
    with pytest.raises(ValueError, match="scales must be"):
        fig.draw_binned_plane(np.array([0.0, 1.0]), {}, 10)
    with pytest.raises(ValueError, match="std must be > 0"):
        fig.draw_max_entropy(0.0)


def test_infonce_curves_is_the_average_of_batch_estimates():
    """claim info.infonce-bound: each point is the mean of infonce() over pairs // K seeded batches."""
    from mathdl import info_estimation

    rho, k = 0.6, 4
    rng = np.random.default_rng(7)
    vals = []
    for _ in range(3):
        x = rng.standard_normal(k)
        y = rho * x + np.sqrt(1 - rho**2) * rng.standard_normal(k)
        dens_ratio = (-(y[None, :] - rho * x[:, None])**2 / (2 * (1 - rho**2)) + y[None, :]**2 / 2
                      - 0.5 * np.log1p(-rho**2))
        vals.append(info_estimation.infonce(dens_ratio))
    got = fig.infonce_curves(np.array([rho]), (k,), pairs=12, seed=7)
    assert got[0, 0] == pytest.approx(np.mean(vals), rel=1e-12)

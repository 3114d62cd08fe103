"""Tests of the figures added to the Linear algebra chapter for rank-k approximation and conditioning
(mathdl/figures/linalg.py): what is drawn is the data passed in, and bad input is refused."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mathdl import spectral  # noqa: E402
from mathdl.figures import linalg as linalg_figures  # noqa: E402


def test_eckart_young_figure_draws_tail_errors_and_images():
    """claim linalg.eckart-young (figure fig-linalg-eckart-young): the curve and points are the data given."""
    ks, errors, tails = [1, 2, 3], [0.5, 0.25, 0.125], [0.5, 0.25, 0.125]
    images = [np.full((8, 8), v) for v in (0.1, 0.5, 0.9)]
    fig = linalg_figures.eckart_young_figure(ks, errors, tails, images, ["a", "b", "c"])
    ax = fig.axes[0]
    curve, points = ax.lines[:2]
    np.testing.assert_array_equal(curve.get_ydata(), tails)
    np.testing.assert_array_equal(points.get_ydata(), errors)
    assert len(fig.axes) == 1 + len(images)
    assert [a.get_title() for a in fig.axes[1:]] == ["a", "b", "c"]
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), images[1])
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="one length"):
        linalg_figures.eckart_young_figure(ks, errors[:2], tails, images, ["a", "b", "c"])
    with pytest.raises(ValueError, match="one title per image"):
        linalg_figures.eckart_young_figure(ks, errors, tails, images, ["a"])
    plt.close("all")


def test_conditioning_figure_draws_errors_and_reference_slopes():
    """claim linalg.qr-least-squares (figure fig-linalg-conditioning): kappa^2 eps and kappa eps references."""
    kappas, err_qr, err_ne = [10.0, 100.0, 1000.0], [1e-15, 1e-14, 1e-13], [1e-14, 1e-12, 1e-10]
    ax = linalg_figures.conditioning_figure(kappas, err_qr, err_ne)
    ne, qr, sq, lin = ax.lines[:4]
    eps = np.finfo(float).eps
    np.testing.assert_array_equal(ne.get_ydata(), err_ne)
    np.testing.assert_array_equal(qr.get_ydata(), err_qr)
    np.testing.assert_allclose(sq.get_ydata(), np.array(kappas) ** 2 * eps, rtol=1e-14)
    np.testing.assert_allclose(lin.get_ydata(), np.array(kappas) * eps, rtol=1e-14)
    with pytest.raises(ValueError, match="one length"):
        linalg_figures.conditioning_figure(kappas, err_qr[:2], err_ne)
    plt.close("all")


# ------------------------------------------------------ the SVD explorer, power iteration and JL figures

def test_svd_view_semi_axes_are_singular_values(rng):
    A = rng.standard_normal((2, 2))
    view = linalg_figures.svd_view(*A.ravel())
    np.testing.assert_allclose(np.linalg.norm(view.axes, axis=1), spectral.singular_values(A), rtol=1e-12)
    np.testing.assert_allclose(view.inputs @ A, view.axes, atol=1e-12)  # u_i A = sigma_i v_i
    radii = np.linalg.norm(view.image, axis=1)
    assert radii.max() <= view.sigma[0] * (1 + 1e-9) and radii.min() >= view.sigma[1] * (1 - 1e-3)


def test_svd_view_changes_with_the_sliders_and_survives_singular_matrices():
    a = linalg_figures.svd_view(1.0, 0.0, 0.0, 1.0)
    b = linalg_figures.svd_view(2.0, 0.0, 0.0, 1.0)
    assert not np.allclose(a.image, b.image)
    singular = linalg_figures.svd_view(1.0, 1.0, 1.0, 1.0)
    assert singular.sigma[1] < 1e-12 and r"\infty" in singular.title


def test_draw_svd_draws(rng):
    ax = linalg_figures.draw_svd(linalg_figures.svd_view(1.5, 0.5, 0.8, 1.0))
    assert len(ax.lines) >= 2 and "sigma_1" in ax.get_title()
    plt.close("all")


def test_power_iteration_figure_draws_the_errors_and_the_predicted_rate():
    errors = 0.5 ** (4 * np.arange(1, 9)) * 3.0
    ax = linalg_figures.power_iteration_figure(errors, 0.5, anchor=2)
    measured, predicted = (line.get_ydata() for line in ax.lines[:2])
    np.testing.assert_array_equal(measured, errors)
    np.testing.assert_allclose(predicted, errors, rtol=1e-12)  # errors follow ratio**(4t) exactly here
    with pytest.raises(ValueError, match="ratio"):
        linalg_figures.power_iteration_figure(errors, 1.0)
    with pytest.raises(ValueError, match="at least"):
        linalg_figures.power_iteration_figure(errors[:2], 0.5)
    plt.close("all")


def test_jl_figure_draws_measured_guaranteed_and_reference_curves():
    ks, measured, guaranteed = [10, 40, 160], [0.9, 0.45, 0.2], [1.5, 0.8, 0.4]
    ax = linalg_figures.jl_figure(ks, measured, guaranteed, n=50)
    m, g, ref = ax.lines[:3]
    np.testing.assert_array_equal(m.get_ydata(), measured)
    np.testing.assert_array_equal(g.get_xdata(), [40, 160])  # no guarantee (eps >= 1) at k = 10: not drawn
    np.testing.assert_allclose(ref.get_ydata(), 3 * np.sqrt(np.log(50) / np.array(ks)), rtol=1e-12)
    with pytest.raises(ValueError, match="one length"):
        linalg_figures.jl_figure(ks, measured[:2], guaranteed, n=50)
    plt.close("all")


def test_svd_explorer_builds_its_four_sliders_headless():
    pytest.importorskip("ipywidgets")
    box = linalg_figures.svd_explorer()
    sliders = [w for row in box.children[:2] for w in row.children]
    assert len(sliders) == 4 and all(hasattr(w, "value") for w in sliders)

"""Tests of mathdl.figures.convolution and the offline explorer's HTML (mathdl.figures.convolution_explorer)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mathdl.autodiff.convolution import conv2d_forward  # noqa: E402
from mathdl.figures import convolution as figs  # noqa: E402
from mathdl.figures import convolution_explorer as ex  # noqa: E402


def test_explorer_state_equivariance():
    """convolution.translation-equivariance / convolution.border-effects as the live explorer reports them."""
    rng = np.random.default_rng(3)
    img = rng.uniform(0, 1, (8, 8))
    w = np.array(figs.KERNELS["vertical edge"])
    s = figs.explorer_state(img, w, (1, -1))
    assert s.interior_error < 1e-12 and s.border_error > 0.01
    assert np.allclose(s.feature, conv2d_forward(img[None, None], w[None, None], padding=1)[0, 0], rtol=0, atol=0)
    assert np.array_equal(s.shifted[1:, :-1], img[:-1, 1:]) and np.all(s.shifted[0] == 0)
    assert np.array_equal(s.pooled, s.feature.reshape(4, 2, 4, 2).max(axis=(1, 3)))
    assert np.allclose(s.feature_of_shifted, conv2d_forward(s.shifted[None, None], w[None, None], padding=1)[0, 0])
    s0 = figs.explorer_state(img, w, (0, 0))
    assert s0.border_error == 0.0 and s0.interior_error == 0.0
    with pytest.raises(ValueError, match="explorer_state"):
        figs.explorer_state(img, np.ones((2, 2)))
    with pytest.raises(ValueError, match="too large"):
        figs.explorer_state(img, w, (7, 0))


def test_figures_build():
    s = figs.explorer_state(np.eye(8), np.ones((3, 3)))
    for fig in (figs.fig_explorer_state(s), figs.fig_matrices(), figs.fig_checkerboard(),
                figs.fig_fft_costs(64, np.array([1, 2, 4]), np.array([64, 128, 256]), np.array([300, 300, 300])),
                figs.fig_filters(np.ones((2, 1, 3, 3)), np.eye(8), np.ones((2, 8, 8)))):
        assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    bank_psi, bank_phi = np.ones((2, 16)), np.ones(16)
    fig = figs.fig_stability(np.array([0.0, 0.1]), {"a": np.array([0.0, 1.0])}, np.ones(16), bank_psi, bank_phi)
    assert len(fig.axes) == 2


def test_explorer_html_is_offline_and_printed_from_sympy():
    page = ex.explorer_html()
    assert "http" not in page and "cdn" not in page.lower() and "<script src" not in page
    assert ex.pixel_js() in page
    for el in ("cnn-explorer", "cnn-digit", "cnn-preset", "cnn-padding", "cnn-k11", "cnn-image", "cnn-output"):
        assert f'id="{el}"' in page
    imgs = ex.explorer_digits()
    assert imgs.shape == (10, 8, 8) and imgs.min() >= 0 and imgs.max() <= 1

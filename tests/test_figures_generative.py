"""Tests of the Generative models chapter's figures and explorers (mathdl.figures.generative and
mathdl.figures.generative_explorer) without a browser: the live explorers' update functions, the static
figures' content, and the JavaScript page's structure and printed formulas."""
from __future__ import annotations

import json
import re

import matplotlib
import numpy as np
import pytest
import sympy as sp

from mathdl import generative_diffusion as diff
from mathdl import generative_gan as gan
from mathdl import generative_vae as vae_mod
from mathdl.figures import generative as figs
from mathdl.figures import generative_explorer as gx

matplotlib.use("Agg")

RTOL = 1e-12


@pytest.fixture(scope="module")
def small_vae():
    return vae_mod.vae_init(64, 8, 2, seed=0)


@pytest.fixture(scope="module")
def small_run():
    X, c = gan.ring_of_gaussians(300, seed=0)
    return gan.train_gan(X, steps=10, batch=16, hidden=8, checkpoints=3, grid_size=6, seed=0), c


def test_latent_view_decodes_the_point(small_vae):
    """The VAE explorer's update: (z1, z2) -> the decoder's 8x8 pixel means."""
    view = figs.vae_latent_view(small_vae, 0.5, -1.0)
    np.testing.assert_array_equal(view.z, [0.5, -1.0])
    np.testing.assert_allclose(view.image.ravel(), vae_mod.vae_decode(small_vae, np.array([[0.5, -1.0]]))[0],
                               rtol=RTOL)
    with pytest.raises(ValueError, match="2-D latent space"):
        figs.vae_latent_view(vae_mod.vae_init(64, 4, 3), 0.0, 0.0)
    with pytest.raises(ValueError, match="64 pixels"):
        figs.vae_latent_view(vae_mod.vae_init(10, 4, 2), 0.0, 0.0)


def test_gan_replay_view_is_the_checkpoint(small_run):
    """generative.gan-modes: the replay frame holds the checkpoint's samples, surface and mode count."""
    run, c = small_run
    frame = figs.gan_replay_view(run, 2, c, 0.1)
    assert frame.step == run.steps[2] == 10
    np.testing.assert_array_equal(frame.samples, run.samples[2])
    np.testing.assert_array_equal(frame.surface, run.surface[2])
    assert (frame.covered, frame.quality) == gan.modes_covered(run.samples[2], c, 0.1)
    with pytest.raises(ValueError, match="index must be an int in 0..2"):
        figs.gan_replay_view(run, 3, c, 0.1)


def test_static_figures_draw(small_vae, small_run):
    import matplotlib.pyplot as plt
    run, c = small_run
    X = np.random.default_rng(0).uniform(0, 1, size=(12, 64))
    ax = figs.draw_ppca_elbo(np.linspace(-1, 1, 5), np.linspace(-3, -2, 5), -1.5, 0.0)
    assert ax.get_xlabel() == r"mean $m$ of $q$"
    assert len(figs.draw_estimators([0.1, 1], [1, 2], [3, 4], [1, 2], [3, 4]).lines) == 4
    fig = figs.draw_vae_training(np.ones((60, 2)), window=10)
    assert len(fig.axes) == 2
    fig = figs.draw_vae_latent(small_vae, X, np.arange(12) % 10, grid=3)
    assert fig.axes[1].images[0].get_array().shape == (27, 27)
    assert len(figs.draw_vae_samples(small_vae, X, n=4).axes) == 12
    ax = figs.draw_iwae([1, 2, 5], [-3.0, -2.9, -2.85])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [-3.0, -2.9, -2.85])
    ax = figs.draw_discriminator(0.0, 1.0, 2.0, 0.7)
    js = gan.js_divergence_gaussians(0.0, 1.0, 2.0, 0.7)
    assert f"{js:.3f}" in ax.get_title()
    ax = figs.draw_generator_gradients()
    sat = ax.lines[0].get_ydata()
    assert sat[0] < 1e-2 and ax.lines[1].get_ydata()[0] > 0.99          # D -> 0: saturating vanishes
    assert len(figs.draw_gan_replay(run, c, 0.1, indices=[0, 2]).axes) == 2
    moons = np.random.default_rng(1).normal(size=(30, 2))
    fig = figs.draw_flow(lambda P: -0.5 * np.sum(P**2, axis=1) - np.log(2 * np.pi), moons, moons, grid=20)
    np.testing.assert_allclose(fig.axes[1].images[0].get_array().max(), 1 / (2 * np.pi), rtol=0.05)
    b = diff.linear_beta_schedule(10, 0.01, 0.3)
    fig = figs.draw_diffusion(moons, b, moons, [0, 10], moons)
    assert len(fig.axes) == 3 and f"{diff.alpha_bar(b)[-1]:.2f}" in fig.axes[1].get_title()
    x = np.linspace(-5, 5, 101)
    ax = figs.draw_kl_fits(x, np.exp(-x**2 / 2), (0.0, 1.0), [(0.5, 2.0)])
    assert len(ax.lines) == 2
    assert ax.lines[0].get_ydata().max() == pytest.approx(1 / np.sqrt(2 * np.pi), rel=1e-12)
    assert ax.lines[1].get_ydata().max() == pytest.approx(1 / (2.0 * np.sqrt(2 * np.pi)), rel=1e-3)
    with pytest.raises(ValueError, match="draw_vae_training: history must be"):
        figs.draw_vae_training(np.ones((5, 2)))
    plt.close("all")


def test_explorer_cloud_and_defaults():
    X0, eps = gx.cloud()
    assert X0.shape == eps.shape == (150, 2)
    np.testing.assert_allclose(X0.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X0.std(axis=0), 1, rtol=RTOL)
    np.testing.assert_array_equal(gx.BETAS, diff.linear_beta_schedule(40, 1e-3, 0.25))
    with pytest.raises(ValueError, match="n must be an int >= 2"):
        gx.cloud(1)


def test_explorer_formulas_are_printed_from_sympy():
    """generative.diffusion-marginal / generative.optimal-discriminator: the page's JavaScript is SymPy's jscode."""
    js = gx.formulas_js()
    for expr in (gx.MEAN_COEF, gx.STD_COEF, gx.LOG_DENSITY, gx.DSTAR, gx.JS_INTEGRAND):
        assert sp.jscode(expr) in js
    x, m, s = sp.symbols("x m s", real=True)
    density = sp.exp(gx.LOG_DENSITY)
    assert sp.simplify(density - sp.exp(-(x - m)**2 / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))) == 0


def test_explorer_html_is_self_contained():
    page = gx.explorer_html()
    assert "http" not in page and "<script src" not in page
    for key in ("gen-explorer", "gen-t", "gen-cloud", "gen-abar", "gen-m1", "gen-s1", "gen-m2", "gen-s2",
                "gen-curves", "gen-js"):
        assert f'id="{key}"' in page
    betas = json.loads(re.search(r"var BETAS = (\[[^\]]*\])", page).group(1))
    np.testing.assert_array_equal(betas, gx.BETAS)


def test_live_explorers_build_their_widgets(small_vae, small_run):
    """The ipywidgets layers: sliders at their defaults and an output area (the drawing is the tested views)."""
    import matplotlib.pyplot as plt
    run, c = small_run
    box = figs.vae_latent_explorer(small_vae, np.zeros((3, 2)), np.arange(3))
    sliders = box.children[0].children
    assert [s.description for s in sliders] == ["z1", "z2"] and sliders[0].value == 0.0
    box = figs.gan_replay_explorer(run, c, 0.1)
    assert box.children[0].value == len(run.steps) - 1
    box.children[0].value = 0                                     # redraws without error
    plt.close("all")

"""The Generative models chapter's offline explorer in headless Chromium: its JavaScript diffusion and
Jensen-Shannon numbers equal mathdl's, its sliders redraw the page, and it raises no console error.

The page is :func:`mathdl.figures.generative_explorer.explorer_html` written into a minimal standalone HTML file
(no book build needed); uses the ``browser`` fixture of ``tests/conftest.py``.
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import generative_diffusion as diff
from mathdl import generative_gan as gan
from mathdl.figures import generative_explorer as gx

from conftest import page_errors

pytestmark = pytest.mark.browser

#: JavaScript and numpy evaluate the same formulas in the same order up to printing: agreement to rounding.
JS_RTOL = 1e-9


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "explorer.html"
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>generative explorer</title>"
                    "<link rel='icon' href='data:,'></head><body>" + gx.explorer_html() + "</body></html>",
                    encoding="utf-8")
    browser.get_log("browser")
    browser.get(path.as_uri())
    return browser


def _set(browser, key, value):
    browser.execute_script(f"var s = document.getElementById('gen-{key}'); s.value = arguments[0];"
                           "s.dispatchEvent(new Event('input'));", str(value))


def test_no_console_errors(page):
    assert page_errors(page) == []


@pytest.mark.parametrize("t", [1, 5, 17, 40])
def test_diffusion_matches_mathdl(page, t):
    """generative.diffusion-marginal: the page's x_t is mathdl's closed form on the same cloud and noise."""
    X0, eps = gx.cloud()
    js_pts = np.array(page.execute_script(f"return window.genExplorer.diffuse({t});"))
    np.testing.assert_allclose(js_pts, diff.diffusion_marginal(X0, t, gx.BETAS, eps), rtol=JS_RTOL, atol=1e-12)
    ab = page.execute_script(f"return window.genExplorer.alphaBar({t});")
    assert ab == pytest.approx(diff.alpha_bar(gx.BETAS)[t - 1], rel=JS_RTOL)


@pytest.mark.parametrize("setting", [(0.0, 1.0, 2.0, 0.7), (-3.0, 0.3, 3.5, 2.5), (1.0, 1.2, 1.0, 1.2),
                                     (4.0, 0.2, -4.0, 3.0)])
def test_js_and_dstar_match_mathdl(page, setting):
    """generative.gan-value-js / generative.optimal-discriminator: JS value and D* against mathdl."""
    m1, s1, m2, s2 = setting
    js = page.execute_script("return window.genExplorer.js.apply(null, arguments);", m1, s1, m2, s2)
    assert js == pytest.approx(gan.js_divergence_gaussians(m1, s1, m2, s2), rel=JS_RTOL, abs=1e-15)
    for x in (-1.0, 0.3, 2.5):
        d = page.execute_script("return window.genExplorer.dstar.apply(null, arguments);", x, m1, s1, m2, s2)
        p = np.exp(-0.5 * ((x - m1) / s1) ** 2) / s1
        q = np.exp(-0.5 * ((x - m2) / s2) ** 2) / s2
        assert d == pytest.approx(float(gan.optimal_discriminator(np.array([p]), np.array([q]))[0]), rel=JS_RTOL)


def test_sliders_redraw(page):
    before = page.execute_script("return document.getElementById('gen-cloud').innerHTML;")
    _set(page, "t", 20)
    after = page.execute_script("return document.getElementById('gen-cloud').innerHTML;")
    assert before != after
    assert page.execute_script("return document.getElementById('gen-t-value').textContent;") == "20"
    assert float(page.execute_script("return document.getElementById('gen-abar').textContent;")) == pytest.approx(
        diff.alpha_bar(gx.BETAS)[19], abs=1e-4)
    js_before = page.execute_script("return document.getElementById('gen-js').textContent;")
    _set(page, "m2", -1.0)
    js_after = page.execute_script("return document.getElementById('gen-js').textContent;")
    assert js_before != js_after
    expected = gan.js_divergence_gaussians(*gx.DEFAULT_GAUSSIANS[:2], -1.0, gx.DEFAULT_GAUSSIANS[3])
    assert f"JS = {expected:.4f}" in js_after
    assert page_errors(page) == []

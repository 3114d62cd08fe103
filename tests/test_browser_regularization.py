"""The regularization chapter's offline filter explorer, in headless Chromium: its JavaScript filters equal
mathdl.regularization's, the sliders redraw the curves, the readout reports the matched ridge strength, and the
page raises no console error. The page is written standalone under tmp_path (no book build needed).
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import regularization as reg
from mathdl.figures import regularization_explorer as explorer

from conftest import page_errors

pytestmark = pytest.mark.browser

#: The JavaScript and numpy evaluate the same formula with the same float operations (Math.pow vs **).
JS_RTOL = 1e-12


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    path = tmp_path_factory.mktemp("reg") / "explorer.html"
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>filters</title>"
                    "<link rel='icon' href='data:,'></head><body>" + explorer.explorer_html() + "</body></html>")
    browser.get_log("browser")
    browser.get(path.as_uri())
    return browser


def _set(browser, key, value):
    browser.execute_script(f"var s = document.getElementById('reg-{key}'); s.value = arguments[0];"
                           "s.dispatchEvent(new Event('input'));", str(value))


def _d(browser, which):
    return browser.execute_script(f"return document.getElementById('reg-{which}-path').getAttribute('d')")


def test_page_loads_without_errors(page):
    assert page.execute_script("return typeof window.regExplorer") == "object"
    assert len(_d(page, "ridge")) > 500 and len(_d(page, "early")) > 500
    ticks = page.execute_script("return document.querySelectorAll('#reg-axes text').length")
    assert ticks == 11
    assert page_errors(page) == []


def test_js_filters_equal_mathdl(page):
    """claims regularization.early-stopping-filter, regularization.early-stopping-ridge: same numbers as mathdl."""
    eigs = list(explorer.EIGS)
    for alpha, eta, tau in ((0.1, 0.05, 100), (3e-3, 1e-3, 700), (2.0, 0.15, 1)):
        js = page.execute_script("var c = window.regExplorer.curves(arguments[0], arguments[1], arguments[2]);"
                                 "return [c.ridge, c.early, c.matched, c.alphaEq, c.maxGap];", alpha, eta, tau)
        ridge = reg.ridge_filter(explorer.EIGS, alpha)
        early = reg.early_stopping_filter(explorer.EIGS, eta, tau)
        matched = reg.ridge_filter(explorer.EIGS, reg.equivalent_alpha(eta, tau))
        np.testing.assert_allclose(js[0], ridge, rtol=JS_RTOL)
        np.testing.assert_allclose(js[1], early, rtol=JS_RTOL, atol=1e-15)
        np.testing.assert_allclose(js[2], matched, rtol=JS_RTOL)
        assert js[3] == pytest.approx(reg.equivalent_alpha(eta, tau), rel=JS_RTOL)
        assert js[4] == pytest.approx(np.max(np.abs(early - matched)), rel=1e-9)
    assert page.execute_script("return window.regExplorer.eigs") == pytest.approx(eigs, rel=0)


def test_sliders_redraw(page):
    before_ridge, before_early = _d(page, "ridge"), _d(page, "early")
    _set(page, "alpha", -3.0)
    assert _d(page, "ridge") != before_ridge and _d(page, "early") == before_early
    _set(page, "tau", 500)
    assert _d(page, "early") != before_early
    state = page.execute_script("return window.regExplorer.state()")
    assert state["alpha"] == pytest.approx(1e-3) and state["tau"] == 500
    eta = state["eta"]
    text = page.find_element("id", "reg-readout").text
    assert text.startswith("matched ridge strength 1/(eta tau) = ")
    assert float(text.split("= ")[1].split(";")[0]) == pytest.approx(1 / (eta * 500), rel=1e-2)
    assert page.find_element("id", "reg-tau-value").text == "500"
    assert page_errors(page) == []

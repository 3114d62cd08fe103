"""The offline kernel editor of the chapter "Convolutional networks", in headless Chromium: its JavaScript
convolution equals mathdl's conv2d to 1e-12, the controls react, and the page raises no console error.
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl.autodiff.convolution import conv2d
from mathdl.figures import convolution as figs
from mathdl.figures.convolution_explorer import explorer_digits, explorer_html

from conftest import page_errors

pytestmark = pytest.mark.browser

#: The JavaScript sums the nine products in the order SymPy printed them; numpy's matrix product may order them
#: differently, so results differ by rounding only.
JS_RTOL = 1e-12


@pytest.fixture
def page(browser, tmp_path):
    path = tmp_path / "cnn.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>cnn</title>"
                    f"<link rel='icon' href='data:,'></head><body>{explorer_html()}</body></html>")
    browser.get_log("browser")
    browser.get(path.as_uri())
    return browser


def _mathdl(image, kernel, padding):
    return conv2d(np.asarray(image, float)[None, None], np.asarray(kernel, float)[None, None],
                  padding=padding).value[0, 0]


def test_js_convolution_matches_mathdl(page):
    rng = np.random.default_rng(5)
    images = explorer_digits()
    for trial in range(6):
        image = images[trial] if trial < 3 else rng.standard_normal((8, 8))
        kernel = rng.standard_normal((3, 3))
        for padding in (0, 1):
            js = np.array(page.execute_script("return window.cnnExplorer.conv2d(arguments[0], arguments[1], "
                                              "arguments[2]);", image.tolist(), kernel.tolist(), padding))
            ref = _mathdl(image, kernel, padding)
            assert js.shape == ref.shape
            assert np.max(np.abs(js - ref)) <= JS_RTOL * max(1.0, np.max(np.abs(ref)))
    assert page_errors(page) == []


def test_controls_react(page):
    before = page.execute_script("return window.cnnExplorer.state();")
    ref = _mathdl(before["image"], before["kernel"], before["padding"])
    assert np.max(np.abs(np.array(before["output"]) - ref)) <= JS_RTOL * max(1.0, np.max(np.abs(ref)))
    svg_before = page.find_element("id", "cnn-output").get_attribute("innerHTML")
    page.execute_script("var s = document.getElementById('cnn-preset'); s.value = 'blur';"
                        "s.dispatchEvent(new Event('change'));")
    after = page.execute_script("return window.cnnExplorer.state();")
    assert np.allclose(after["kernel"], figs.KERNELS["blur"])
    assert page.find_element("id", "cnn-output").get_attribute("innerHTML") != svg_before
    page.execute_script("var d = document.getElementById('cnn-digit'); d.value = 4;"
                        "d.dispatchEvent(new Event('input'));"
                        "var p = document.getElementById('cnn-padding'); p.value = '0';"
                        "p.dispatchEvent(new Event('change'));")
    s = page.execute_script("return window.cnnExplorer.state();")
    assert np.array_equal(np.array(s["image"]), explorer_digits()[4]) and np.array(s["output"]).shape == (6, 6)
    ref = _mathdl(s["image"], s["kernel"], 0)
    assert np.max(np.abs(np.array(s["output"]) - ref)) <= JS_RTOL * max(1.0, np.max(np.abs(ref)))
    assert "6×6" in page.find_element("id", "cnn-status").text
    assert page_errors(page) == []

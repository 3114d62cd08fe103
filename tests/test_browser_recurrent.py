"""The Recurrent networks chapter's offline explorer (2-D linear RNN) in headless Chromium: it draws, reacts to its
sliders, raises no console error, and its JavaScript numbers -- orbit, norms of W^t, eigenvalues, all printed from
SymPy -- equal mathdl's numpy computation.

The explorer's HTML is written into a standalone page under ``tmp_path`` and opened as ``file://``: the test needs
no book build. Uses the session fixture ``browser`` of ``tests/conftest.py``.
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl.figures import recurrent_explorer as rnn_js

from conftest import page_errors

pytestmark = pytest.mark.browser

#: JavaScript and numpy run the same products in different (equal) algebraic forms: rounding only.
JS_RTOL = 1e-9
SETTINGS = [(0.95, 0.5, 0.0, 40), (0.9, 0.3, 3.0, 60), (1.1, 2.0, 1.0, 30), (0.5, 0.0, 0.0, 10), (1.3, 3.14, 4.0, 80)]


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    path = tmp_path_factory.mktemp("rnn") / "explorer.html"
    path.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
                    f"<title>rnn explorer</title></head><body>{rnn_js.explorer_html()}</body></html>",
                    encoding="utf-8")
    browser.get_log("browser")
    browser.get(path.as_uri())
    return browser


def _d(page, ident: str) -> str:
    return page.execute_script(f"return document.getElementById('{ident}').getAttribute('d')")


def _set(page, key: str, value) -> None:
    page.execute_script(f"var s = document.getElementById('rnn-{key}'); s.value = arguments[0];"
                        "s.dispatchEvent(new Event('input'));", str(value))


def test_page_draws(page):
    assert page.execute_script("return typeof window.rnnExplorer") == "object"
    for ident in ("rnn-eigs", "rnn-orbit", "rnn-norm", "rnn-ref"):
        assert len(_d(page, ident)) > 20, ident
    assert "spectral radius 0.95" in page.find_element("id", "rnn-readout").text


@pytest.mark.parametrize("setting", SETTINGS)
def test_js_numbers_equal_mathdl(page, setting):
    rho, theta, shear, steps = setting
    js = page.execute_script("return window.rnnExplorer.series(arguments[0], arguments[1], arguments[2], arguments[3])",
                             rho, theta, shear, steps)
    py = rnn_js.series(rho, theta, shear, steps)
    orbit_js, orbit_py = np.array(js["orbit"], dtype=float), np.array(py["orbit"])
    assert orbit_js.shape == orbit_py.shape
    assert np.max(np.abs(orbit_js - orbit_py)) <= JS_RTOL * np.max(np.abs(orbit_py))
    np.testing.assert_allclose(js["norms"], py["norms"], rtol=JS_RTOL)
    eig_js = sorted(np.array(js["eig"], dtype=float).tolist(), key=lambda e: -e[1])
    np.testing.assert_allclose(eig_js, py["eig"], rtol=JS_RTOL, atol=1e-12)


def test_sliders_redraw(page):
    before = {k: _d(page, f"rnn-{k}") for k in ("orbit", "norm", "eigs")}
    _set(page, "theta", 1.2)
    assert _d(page, "rnn-orbit") != before["orbit"] and _d(page, "rnn-eigs") != before["eigs"]
    _set(page, "shear", 3.0)
    assert _d(page, "rnn-norm") != before["norm"]
    _set(page, "rho", 1.2)
    assert "spectral radius 1.20" in page.find_element("id", "rnn-readout").text
    assert page.execute_script("return document.getElementById('rnn-rho-value').textContent") == "1.2"


def test_no_console_errors(page):
    errors = page_errors(page)
    assert not errors, errors

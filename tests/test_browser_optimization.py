"""The book's offline gradient-descent explorer, in headless Chromium: it reacts to its sliders, raises no console
error, and its JavaScript trajectories equal mathdl.optim's.

Uses the session fixtures ``book_url`` and ``browser`` of ``tests/conftest.py``.
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import objectives, optim
from mathdl.figures import optimization as figs

from conftest import page_errors

pytestmark = pytest.mark.browser

#: Worst difference between the JavaScript and the numpy trajectory, relative to the path's largest coordinate.
#: Both run the same float operations; the objectives' formulas are printed in different (equal) forms, so the
#: paths differ by rounding, about 1e-15 here.
JS_RTOL = 1e-9
PAGE = "book/optimization.html"

#: (objective, kappa, explorer optimizer, lr, beta, start, steps): well-conditioned runs of every optimizer.
#: (RMSProp runs that zigzag across Rosenbrock's valley from (-1.2, 1), or hover at a minimum, divide
#: gradients near zero by their own size and amplify rounding to ~1e-3: legitimate runs, but chaotic, so not a
#: test of agreement.)
SETTINGS = [
    ("quadratic", 20.0, "gd", 0.09, 0.0, (0.7, -0.6), 200),
    ("quadratic", 20.0, "momentum", 0.05, 0.8, (0.7, -0.6), 200),
    ("quadratic", 20.0, "nesterov", 0.05, 0.8, (0.7, -0.6), 200),
    ("quadratic", 20.0, "rmsprop", 0.01, 0.9, (0.7, -0.6), 200),
    ("quadratic", 20.0, "adam", 0.05, 0.9, (0.7, -0.6), 200),
    ("quadratic", 20.0, "newton", 0.5, 0.0, (0.7, -0.6), 50),
    ("rosenbrock", 1.0, "gd", 1e-3, 0.0, (-1.2, 1.0), 300),
    ("rosenbrock", 1.0, "momentum", 1e-3, 0.9, (-1.2, 1.0), 300),
    ("rosenbrock", 1.0, "nesterov", 1e-3, 0.9, (-1.2, 1.0), 300),
    ("rosenbrock", 1.0, "rmsprop", 1e-3, 0.9, (0.7, -0.6), 200),
    ("rosenbrock", 1.0, "adam", 0.02, 0.9, (-1.2, 1.0), 300),
    ("rosenbrock", 1.0, "newton", 1.0, 0.0, (-1.2, 1.0), 20),
    ("saddle", 1.0, "momentum", 0.1, 0.5, (1.2, 0.3), 200),
    ("wells", 1.0, "adam", 0.02, 0.9, (0.9, 1.6), 200),
    ("wells", 1.0, "gd", 10 ** figs.LOG10_LR_RANGE[1], 0.0, (0.9, 1.6), 200),     # diverges in both
]


@pytest.fixture(scope="module")
def page(browser, book_url):
    browser.get_log("browser")                                   # drop earlier entries
    browser.get(book_url + PAGE)
    browser.execute_script("document.getElementById('gd-explorer').scrollIntoView()")
    return browser


def _path_d(browser) -> str:
    return browser.execute_script("return document.getElementById('gd-path').getAttribute('d')")


def test_page_has_the_explorer(page):
    assert page.execute_script("return typeof window.mathdlExplorer") == "object"
    assert len(_path_d(page)) > 50
    assert page.execute_script("return document.getElementById('gd-contours').getAttribute('d').length") > 1000
    assert page.find_element("id", "gd-status").text.startswith("after 60 steps")


def test_moving_a_slider_redraws_the_trajectory(page):
    before = _path_d(page)
    page.execute_script("var s = document.getElementById('gd-lr'); s.value = '-1.5';"
                        "s.dispatchEvent(new Event('input'));")
    after = _path_d(page)
    assert after != before
    page.execute_script("var s = document.getElementById('gd-lr'); s.value = '0.5';"
                        "s.dispatchEvent(new Event('input'));")
    assert page.find_element("id", "gd-status").text.startswith("diverged at step")
    page.execute_script("var s = document.getElementById('gd-objective'); s.value = 'rosenbrock';"
                        "s.dispatchEvent(new Event('change'));")
    assert page.execute_script("return document.getElementById('gd-x0').value") == "-1.2"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: f"{s[0]}-{s[2]}" if isinstance(s, tuple) else "")
def test_js_trajectory_equals_mathdl(page, setting):
    name, kappa, label, lr, beta, start, steps = setting
    js_name, js_hyper = page.execute_script(
        "return window.mathdlExplorer.hyperparameters(arguments[0], arguments[1], arguments[2])", label, lr, beta)
    py_name, py_hyper = figs.explorer_hyperparameters(label, lr, beta)
    assert (js_name, js_hyper) == (py_name, {k: list(v) if isinstance(v, tuple) else v for k, v in py_hyper.items()})
    result = page.execute_script(
        "return window.mathdlExplorer.trajectory(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4])",
        {"name": name, "kappa": kappa}, js_name, js_hyper, list(start), steps)
    obj = objectives.get(name, kappa=kappa) if name == "quadratic" else objectives.get(name)
    run = optim.trajectory(obj, py_name, np.array(start), steps, **py_hyper)
    assert result["status"] == run.status
    js_path = np.array(result["path"], dtype=float)
    assert js_path.shape == run.path.shape
    scale = np.max(np.abs(run.path))
    assert np.max(np.abs(js_path - run.path)) <= JS_RTOL * scale
    np.testing.assert_allclose(result["losses"], run.losses, rtol=JS_RTOL, atol=JS_RTOL * np.max(np.abs(run.losses)))


def test_no_console_errors(page):
    """No JavaScript error since the page loaded (a missing favicon.ico, which Chromium requests on its own, is
    not the page's error)."""
    errors = page_errors(page)
    assert not errors, errors

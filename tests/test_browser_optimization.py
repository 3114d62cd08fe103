"""The book's offline gradient-descent explorer, in headless Chromium: it reacts to its sliders, raises no console
error, its JavaScript trajectories equal mathdl.optim's, the learning-rate readout shows what its label says, the
beta slider is disabled for the optimizers that ignore it, each objective brings its own defaults, and both plots
have axis ticks.

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


def _fresh(browser):
    """Reload the page: the explorer in its default state."""
    browser.get(browser.current_url)
    browser.execute_script("document.getElementById('gd-explorer').scrollIntoView()")
    return browser


def _set(browser, key: str, value, event: str = "input") -> None:
    browser.execute_script(f"var s = document.getElementById('gd-{key}'); s.value = arguments[0];"
                           f"s.dispatchEvent(new Event('{event}'));", str(value))


def _prop(browser, key: str, prop: str):
    return browser.execute_script(f"return document.getElementById('gd-{key}').{prop}")


def _ticks(browser, group: str, axis: str) -> list[str]:
    return browser.execute_script(
        f"return Array.from(document.querySelectorAll('#gd-{group}-axes text.gd-{axis}tick'))"
        ".map(function (e) { return e.textContent; })")


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


def test_lr_readout_shows_what_the_label_says(page):
    """The label names the learning rate eta (on a log scale); the readout shows eta = 10**slider, not log10 eta."""
    _fresh(page)
    label = page.find_element("id", "gd-lr-label").text
    assert "η" in label and "log" in label and "log10" not in label.replace(" ", "")
    assert figs.LR_LABEL in label
    for value in ("-0.75", "-3", "0.5", "-2.37"):
        _set(page, "lr", value)
        readout = float(_prop(page, "lr-value", "textContent"))
        assert readout == pytest.approx(10 ** float(value), rel=5e-3), (value, readout)
    _set(page, "lr", "-1.5")
    assert _prop(page, "lr-value", "textContent") == "0.0316"


def test_beta_disabled_for_gd_and_newton(page):
    _fresh(page)
    assert _prop(page, "optimizer", "value") == "gd" and _prop(page, "beta", "disabled") is True
    for label in figs.EXPLORER_OPTIMIZERS:
        _set(page, "optimizer", label, "change")
        assert _prop(page, "beta", "disabled") is (not figs.uses_beta(label)), label
    assert page.execute_script("return window.mathdlExplorer.betaOptimizers") == list(figs.BETA_OPTIMIZERS)


def test_switching_objective_applies_its_defaults(page):
    """Each objective's (lr, beta) from OBJECTIVE_DEFAULTS, the same table as the ipywidgets explorer; gradient
    descent on Rosenbrock with its default stays finite (with the quadratic's 0.178 it diverged at step 2)."""
    _fresh(page)
    assert page.execute_script("return window.mathdlExplorer.defaults") == {
        k: {"log10_lr": v["log10_lr"], "beta": v["beta"]} for k, v in figs.OBJECTIVE_DEFAULTS.items()}
    _set(page, "optimizer", "momentum", "change")
    _set(page, "beta", "0.3")
    for name in ("rosenbrock", "wells", "saddle", "quadratic"):
        _set(page, "objective", name, "change")
        d = figs.OBJECTIVE_DEFAULTS[name]
        assert float(_prop(page, "lr", "value")) == d["log10_lr"], name
        assert float(_prop(page, "beta", "value")) == pytest.approx(d["beta"]), name
        assert float(_prop(page, "lr-value", "textContent")) == pytest.approx(10 ** d["log10_lr"], rel=5e-3)
        assert page.find_element("id", "gd-status").get_attribute("data-status") == "ok", name
    _set(page, "optimizer", "gd", "change")
    _set(page, "objective", "rosenbrock", "change")
    status = page.find_element("id", "gd-status").text
    assert status.startswith("after 60 steps"), status
    path = _path_d(page)
    assert "NaN" not in path and "Infinity" not in path
    view = figs.explorer_view("rosenbrock", optimizer="gd", lr=None, beta=None, start=None)
    assert view.run.status == "ok" and status == view.message.replace("e+00", "e+0")


def test_extreme_settings_show_divergence(page):
    _fresh(page)
    _set(page, "objective", "rosenbrock", "change")
    _set(page, "lr", str(figs.LOG10_LR_RANGE[1]))
    assert page.find_element("id", "gd-status").text.startswith("diverged at step")
    assert page.find_element("id", "gd-status").get_attribute("data-status") == "stopped"


def _numbers(labels: list[str]) -> list[float]:
    return [float(t.replace("\u2212", "-")) for t in labels]


def test_both_plots_have_axis_ticks(page):
    """The contour plot has numbered x and y ticks spanning the objective's window; the loss plot has step ticks
    from 0 to the number of steps and log-scale gap ticks; changing objective or steps redraws them."""
    _fresh(page)
    (xa, xb), (ya, yb) = objectives.quadratic(10.0).box
    xs, ys = _numbers(_ticks(page, "plot", "x")), _numbers(_ticks(page, "plot", "y"))
    assert len(xs) >= 3 and len(ys) >= 3
    assert xa <= min(xs) and max(xs) <= xb and ya <= min(ys) and max(ys) <= yb
    steps = _numbers(_ticks(page, "loss", "x"))
    assert len(steps) >= 3 and steps[0] == 0 and max(steps) <= 60 and all(s == int(s) for s in steps)
    assert _ticks(page, "loss", "y")[:2] == ["1e-16", "1e-12"]
    _set(page, "steps", "500")
    steps = _numbers(_ticks(page, "loss", "x"))
    assert max(steps) == 500 and len(steps) >= 3
    _set(page, "objective", "rosenbrock", "change")
    (xa, xb), (ya, yb) = objectives.rosenbrock().box
    ys = _numbers(_ticks(page, "plot", "y"))
    assert min(ys) >= ya and max(ys) == yb
    # every tick label is drawn inside its SVG
    inside = page.execute_script(
        "return Array.from(document.querySelectorAll('#gd-explorer text.gd-tick')).every(function (t) {"
        " var b = t.getBBox(), svg = t.ownerSVGElement.viewBox.baseVal;"
        " return b.x >= 0 && b.y >= 0 && b.x + b.width <= svg.width && b.y + b.height <= svg.height; })")
    assert inside


def test_global_minimum_is_marked(page):
    _fresh(page)
    _set(page, "objective", "wells", "change")
    assert page.execute_script("return document.getElementById('gd-global-min').getAttribute('transform')") \
        != "translate(-20 -20)"
    assert page.execute_script("return document.getElementById('gd-minimizers').getAttribute('d').split('a5').length") \
        == 1 + 2 * (len(objectives.wells().minimizers) - 1)


def test_no_console_errors_after_the_controls(page):
    errors = page_errors(page)
    assert not errors, errors

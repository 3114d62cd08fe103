r"""The chapter's offline explorer of spectral filters: ridge against early stopping, in self-contained HTML + JS.

Three sliders -- ridge's :math:`\alpha` (log scale), the learning rate :math:`\eta` (log scale) and the number of
gradient steps :math:`\tau` -- and one SVG plot of the filter factor per eigendirection against the eigenvalue
:math:`\lambda` of :math:`X^\top X` (log scale): ridge's :math:`\lambda/(\lambda + \alpha)`, early stopping's
:math:`1 - (1 - \eta\lambda)^\tau`, and ridge at the matched :math:`\alpha = 1/(\eta\tau)`. The readout shows the
matched :math:`\alpha` and the largest gap between the two filters on the plotted eigenvalues.

The two filter functions are **printed from the SymPy expressions** :data:`mathdl.regularization.RIDGE_FILTER` and
:data:`mathdl.regularization.EARLY_STOPPING_FILTER` by :func:`sympy.jscode`; no CDN, no external URL. The page
exposes ``window.regExplorer`` with ``ridgeFilter(lam, alpha)``, ``earlyStoppingFilter(lam, eta, tau)``,
``equivalentAlpha(eta, tau)``, ``eigs`` and ``state()``; ``tests/test_browser_regularization.py`` compares them with
:func:`mathdl.regularization.ridge_filter` and :func:`~mathdl.regularization.early_stopping_filter` in Chromium.
Element ids start with ``reg-``: ``reg-explorer``, ``reg-alpha``, ``reg-eta``, ``reg-tau`` (each with
``-value``), ``reg-ridge-path``, ``reg-early-path``, ``reg-matched-path``, ``reg-axes``, ``reg-readout``.

Book: Regularization and generalization, "Early stopping is approximately ridge" (claims
``regularization.early-stopping-filter``, ``regularization.early-stopping-ridge``).
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from mathdl import regularization as reg

__all__ = ["DEFAULTS", "EIGS", "explorer_html", "filters_js"]

#: Default slider values: log10 alpha, log10 eta, tau.
DEFAULTS = {"log10_alpha": -1.0, "log10_eta": -1.3, "tau": 100}
#: Slider ranges (eta * lambda_max stays below 2 so gradient descent converges on every plotted direction).
RANGES = {"log10_alpha": (-4.0, 1.0, 0.05), "log10_eta": (-3.0, -0.8, 0.05), "tau": (1, 1000, 1)}
#: The plotted eigenvalues: 121 points log-spaced on [1e-4, 10].
EIGS = np.logspace(-4.0, 1.0, 121)


def _number(v: float) -> str:
    if not math.isfinite(v):
        raise ValueError(f"regularization_explorer: cannot print the non-finite number {v!r}.")
    return repr(float(v))


def filters_js() -> str:
    """The two filter functions in JavaScript, printed from the SymPy expressions.

    Examples
    --------
    >>> "Math.pow(-eta*lambda + 1, tau)" in filters_js()
    True
    """
    lam, alpha, eta, tau = reg.lam, reg.alpha, reg.eta, reg.tau
    return (f"function ridgeFilter(lambda, alpha) {{ return {sp.jscode(reg.RIDGE_FILTER)}; }}\n"
            f"function earlyStoppingFilter(lambda, eta, tau) {{ return {sp.jscode(reg.EARLY_STOPPING_FILTER)}; }}\n"
            f"function equivalentAlpha(eta, tau) {{ return {sp.jscode(1 / (eta * tau))}; }}\n"
            f"/* symbols: {lam}, {alpha}, {eta}, {tau} */")


_STYLE = """
#reg-explorer { font: 13px/1.4 sans-serif; border: 1px solid #ccc; border-radius: 6px; padding: 8px; }
#reg-explorer .reg-controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
  gap: 4px 14px; margin-bottom: 6px; }
#reg-explorer label { display: flex; align-items: center; gap: 6px; }
#reg-explorer input[type=range] { flex: 1; }
#reg-explorer output { min-width: 4em; font-variant-numeric: tabular-nums; }
#reg-explorer svg { background: #fff; border: 1px solid #eee; max-width: 100%; height: auto; }
#reg-explorer .reg-legend { font-size: 12px; margin: 2px 0; }
"""

_SCRIPT = r"""
var EIGS = %(eigs)s;
var X0 = 50, X1 = 620, Y0 = 250, Y1 = 15, LMIN = -4.0, LMAX = 1.0;
function sx(lam) { return X0 + (Math.log10(lam) - LMIN) / (LMAX - LMIN) * (X1 - X0); }
function sy(v) { return Y0 - v * (Y0 - Y1); }
function pathOf(values) {
  return values.map(function (v, i) {
    return (i ? "L" : "M") + sx(EIGS[i]).toFixed(2) + " " + sy(v).toFixed(2);
  }).join("");
}
function el(id) { return document.getElementById(id); }
function state() {
  return {alpha: Math.pow(10, parseFloat(el("reg-alpha").value)), eta: Math.pow(10, parseFloat(el("reg-eta").value)),
          tau: parseInt(el("reg-tau").value, 10)};
}
function axes() {
  var g = el("reg-axes"), s = "", k;
  s += '<line x1="' + X0 + '" y1="' + Y0 + '" x2="' + X1 + '" y2="' + Y0 + '" stroke="#444"/>';
  s += '<line x1="' + X0 + '" y1="' + Y0 + '" x2="' + X0 + '" y2="' + Y1 + '" stroke="#444"/>';
  for (k = -4; k <= 1; k++) {
    var x = sx(Math.pow(10, k));
    s += '<line x1="' + x + '" y1="' + Y0 + '" x2="' + x + '" y2="' + (Y0 + 4) + '" stroke="#444"/>';
    s += '<text class="reg-xtick" x="' + x + '" y="' + (Y0 + 16) + '" font-size="11" text-anchor="middle">1e' +
      k + '</text>';
  }
  for (k = 0; k <= 4; k++) {
    var y = sy(k / 4);
    s += '<line x1="' + (X0 - 4) + '" y1="' + y + '" x2="' + X0 + '" y2="' + y + '" stroke="#444"/>';
    s += '<text class="reg-ytick" x="' + (X0 - 7) + '" y="' + (y + 4) + '" font-size="11" text-anchor="end">' +
      (k / 4).toFixed(2) + '</text>';
  }
  g.innerHTML = s;
}
function curves(alpha, eta, tau) {
  var aEq = equivalentAlpha(eta, tau);
  var ridge = EIGS.map(function (l) { return ridgeFilter(l, alpha); });
  var early = EIGS.map(function (l) { return earlyStoppingFilter(l, eta, tau); });
  var matched = EIGS.map(function (l) { return ridgeFilter(l, aEq); });
  var gap = 0;
  for (var i = 0; i < EIGS.length; i++) { gap = Math.max(gap, Math.abs(early[i] - matched[i])); }
  return {ridge: ridge, early: early, matched: matched, alphaEq: aEq, maxGap: gap};
}
function redraw() {
  var s = state(), c = curves(s.alpha, s.eta, s.tau);
  el("reg-alpha-value").textContent = s.alpha.toPrecision(3);
  el("reg-eta-value").textContent = s.eta.toPrecision(3);
  el("reg-tau-value").textContent = String(s.tau);
  el("reg-ridge-path").setAttribute("d", pathOf(c.ridge));
  el("reg-early-path").setAttribute("d", pathOf(c.early));
  el("reg-matched-path").setAttribute("d", pathOf(c.matched));
  el("reg-readout").textContent = "matched ridge strength 1/(eta tau) = " + c.alphaEq.toPrecision(3) +
    "; largest gap between early stopping and matched ridge: " + c.maxGap.toFixed(3);
}
axes();
["reg-alpha", "reg-eta", "reg-tau"].forEach(function (id) { el(id).addEventListener("input", redraw); });
redraw();
window.regExplorer = {ridgeFilter: ridgeFilter, earlyStoppingFilter: earlyStoppingFilter,
                      equivalentAlpha: equivalentAlpha, eigs: EIGS, state: state, curves: curves};
"""


def _slider(key: str, label: str, value: float) -> str:
    lo, hi, step = RANGES[key.replace("alpha", "log10_alpha").replace("eta", "log10_eta")
                          if key in ("alpha", "eta") else key]
    return (f'<label for="reg-{key}">{label} <input type="range" id="reg-{key}" min="{lo!r}" max="{hi!r}" '
            f'step="{step!r}" value="{value!r}"><output id="reg-{key}-value" for="reg-{key}"></output></label>')


def explorer_html() -> str:
    """The complete, deterministic, self-contained HTML of the filter explorer (no external URL).

    Examples
    --------
    >>> html = explorer_html()
    >>> html == explorer_html(), "http" in html, 'id="reg-early-path"' in html
    (True, False, True)
    """
    d = DEFAULTS
    controls = "".join([
        _slider("alpha", "ridge &alpha; (log<sub>10</sub>)", d["log10_alpha"]),
        _slider("eta", "learning rate &eta; (log<sub>10</sub>)", d["log10_eta"]),
        _slider("tau", "steps &tau;", d["tau"]),
    ])
    svg = ('<svg id="reg-plot" width="640" height="285" viewBox="0 0 640 285" role="img" '
           'aria-label="filter factor per eigendirection against the eigenvalue, log scale">'
           '<g id="reg-axes"></g>'
           '<path id="reg-ridge-path" d="" fill="none" stroke="#1f77b4" stroke-width="1.8"/>'
           '<path id="reg-matched-path" d="" fill="none" stroke="#1f77b4" stroke-width="1.4" stroke-dasharray="5 4"/>'
           '<path id="reg-early-path" d="" fill="none" stroke="#c0392b" stroke-width="1.8"/>'
           '<text x="335" y="282" font-size="12" text-anchor="middle">eigenvalue <tspan font-style="italic">'
           '&lambda;</tspan> of X<tspan dy="-5" font-size="9">T</tspan><tspan dy="5">X (log scale)</tspan></text>'
           '<text x="60" y="12" font-size="12">filter factor</text></svg>')
    legend = ('<p class="reg-legend"><span style="color:#1f77b4">&#9473;</span> ridge &lambda;/(&lambda;+&alpha;) '
              '&nbsp; <span style="color:#1f77b4">&#9476;</span> ridge at &alpha; = 1/(&eta;&tau;) &nbsp; '
              '<span style="color:#c0392b">&#9473;</span> early stopping 1 &minus; (1 &minus; &eta;&lambda;)'
              '<sup>&tau;</sup></p>')
    eigs = "[" + ", ".join(_number(v) for v in EIGS) + "]"
    script = "\n".join(["(function () {", '"use strict";', filters_js(), _SCRIPT % {"eigs": eigs}, "})();"])
    return (f'<div id="reg-explorer"><style>{_STYLE}</style><div class="reg-controls">{controls}</div>{svg}'
            f'{legend}<p id="reg-readout"></p><script>\n{script}\n</script></div>')

"""The Generative models chapter's offline explorer: self-contained HTML + JavaScript generated from SymPy.

Two panels, no framework, no CDN, no external URL:

* **Forward diffusion.** A seeded 2-D point cloud :math:`x_0` (two moons) and fixed noise :math:`\\varepsilon`;
  a slider moves t and the page draws
  :math:`x_t = \\sqrt{\\bar\\alpha_t}\\,x_0 + \\sqrt{1 - \\bar\\alpha_t}\\,\\varepsilon`,
  the closed form of claim ``generative.diffusion-marginal``. The two coefficients are printed from SymPy
  expressions in :math:`\\bar\\alpha` with :func:`sympy.jscode`; :math:`\\bar\\alpha_t` is the running product of
  :math:`1 - \\beta_s` over the schedule of :func:`mathdl.generative_diffusion.linear_beta_schedule`.
* **Optimal discriminator.** Sliders for the means and widths of :math:`p_{\\mathrm{data}} = N(\\mu_1, \\sigma_1^2)`
  and :math:`p_g = N(\\mu_2, \\sigma_2^2)`; the page draws both densities and :math:`D^* = p/(p + q)` and prints
  :math:`\\mathrm{JS}` and :math:`V(D^*, G) = -\\log 4 + 2\\,\\mathrm{JS}` (claims ``generative.optimal-discriminator``,
  ``generative.gan-value-js``). Log-densities, :math:`D^*` and the JS integrand are printed from SymPy; the
  integral is the trapezoid rule on the grid of :func:`mathdl.generative_gan.js_divergence_gaussians`.

``window.genExplorer`` exposes ``alphaBar(t)``, ``diffuse(t)`` (the cloud at step t, a list of [x, y]),
``dstar(x, m1, s1, m2, s2)`` and ``js(m1, s1, m2, s2)``; ``tests/test_browser_generative.py`` compares them with
mathdl in headless Chromium. Element ids start with ``gen-``: ``gen-explorer``, ``gen-t``, ``gen-t-value``,
``gen-cloud``, ``gen-abar``, ``gen-m1``, ``gen-s1``, ``gen-m2``, ``gen-s2``, ``gen-curves``, ``gen-js``.

Book: Generative models, "Explorer: diffusion and the optimal discriminator".
"""
from __future__ import annotations

import json

import numpy as np
import sympy as sp

from mathdl import generative_diffusion as diffusion
from mathdl.mlp import two_moons

__all__ = ["BETAS", "CLOUD_SEED", "DEFAULT_GAUSSIANS", "JS_POINTS", "cloud", "formulas_js", "explorer_html"]

#: The explorer's schedule: T = 40 steps from 1e-3 to 0.25 (the chapter's diffusion model uses the same).
BETAS = diffusion.linear_beta_schedule(40, 1e-3, 0.25)
#: Seed of the point cloud and of its noise.
CLOUD_SEED = 3
#: (mu1, sigma1, mu2, sigma2) the discriminator panel starts from.
DEFAULT_GAUSSIANS = (0.0, 1.0, 2.0, 0.7)
#: Grid size of the JS integral (as :func:`mathdl.generative_gan.js_divergence_gaussians`' default).
JS_POINTS = 2001

_ab, _x, _m, _s = sp.symbols("abar x m s", real=True)
#: SymPy expressions the page prints: the marginal's two coefficients and a Gaussian log-density.
MEAN_COEF = sp.sqrt(_ab)
STD_COEF = sp.sqrt(1 - _ab)
LOG_DENSITY = -(_x - _m) ** 2 / (2 * _s**2) - sp.log(_s) - sp.log(2 * sp.pi) / 2
_p, _q, _lp, _lq, _lm = sp.symbols("p q lp lq lm", real=True)
DSTAR = _p / (_p + _q)
JS_INTEGRAND = (sp.exp(_lp) * (_lp - _lm) + sp.exp(_lq) * (_lq - _lm)) / 2


def cloud(n: int = 150) -> tuple[np.ndarray, np.ndarray]:
    """The explorer's point cloud x_0 (two moons, standardised) and its fixed noise, both (n, 2), seeded.

    Examples
    --------
    >>> [a.shape for a in cloud(10)]
    [(10, 2), (10, 2)]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"cloud: n must be an int >= 2; got {n!r}.")
    X, _ = two_moons(n, noise=0.05, seed=CLOUD_SEED)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, np.random.default_rng(CLOUD_SEED + 1).standard_normal(X.shape)


def formulas_js() -> str:
    """The page's formulas in JavaScript, printed from the SymPy expressions with ``sympy.jscode``.

    Examples
    --------
    >>> "Math.sqrt(1 - abar)" in formulas_js()
    True
    """
    return (f"function meanCoef(abar) {{ return {sp.jscode(MEAN_COEF)}; }}\n"
            f"function stdCoef(abar) {{ return {sp.jscode(STD_COEF)}; }}\n"
            f"function logDensity(x, m, s) {{ return {sp.jscode(LOG_DENSITY)}; }}\n"
            f"function dstarOf(p, q) {{ return {sp.jscode(DSTAR)}; }}\n"
            f"function jsIntegrand(lp, lq, lm) {{ return {sp.jscode(JS_INTEGRAND)}; }}\n")


_SCRIPT = r"""
(function () {
%(formulas)s
var BETAS = %(betas)s, X0 = %(x0)s, EPS = %(eps)s, JS_POINTS = %(points)d;
function alphaBar(t) { var a = 1.0; for (var s = 0; s < t; s++) { a = a * (1.0 - BETAS[s]); } return a; }
function diffuse(t) {
  if (t === 0) { return X0.map(function (p) { return p.slice(); }); }
  var ab = alphaBar(t), c = meanCoef(ab), d = stdCoef(ab);
  return X0.map(function (p, i) { return [c * p[0] + d * EPS[i][0], c * p[1] + d * EPS[i][1]]; });
}
function logaddexp(a, b) { var m = Math.max(a, b); return m + Math.log(Math.exp(a - m) + Math.exp(b - m)); }
function grid(m1, s1, m2, s2, n) {
  var lo = Math.min(m1 - 8 * s1, m2 - 8 * s2), hi = Math.max(m1 + 8 * s1, m2 + 8 * s2), xs = [];
  for (var i = 0; i < n; i++) { xs.push(lo + (hi - lo) * i / (n - 1)); }
  return xs;
}
function js(m1, s1, m2, s2) {
  var xs = grid(m1, s1, m2, s2, JS_POINTS), f = [], total = 0.0, i;
  for (i = 0; i < xs.length; i++) {
    var lp = logDensity(xs[i], m1, s1), lq = logDensity(xs[i], m2, s2);
    f.push(jsIntegrand(lp, lq, logaddexp(lp, lq) - Math.log(2.0)));
  }
  for (i = 1; i < xs.length; i++) { total += 0.5 * (f[i] + f[i - 1]); }
  return total * (xs[1] - xs[0]);
}
function dstar(x, m1, s1, m2, s2) { return dstarOf(Math.exp(logDensity(x, m1, s1)), Math.exp(logDensity(x, m2, s2))); }
function el(id) { return document.getElementById(id); }
var W = 300, H = 300, BOX = 3.5;
function drawCloud() {
  var t = parseInt(el("gen-t").value, 10), pts = diffuse(t), out = [];
  el("gen-t-value").textContent = String(t);
  el("gen-abar").textContent = (t === 0 ? 1.0 : alphaBar(t)).toFixed(4);
  pts.forEach(function (p) {
    var cx = (p[0] + BOX) / (2 * BOX) * W, cy = H - (p[1] + BOX) / (2 * BOX) * H;
    out.push('<circle cx="' + cx.toFixed(2) + '" cy="' + cy.toFixed(2) + '" r="2" fill="#1f77b4"></circle>');
  });
  el("gen-cloud").innerHTML = '<rect x="0" y="0" width="' + W + '" height="' + H +
    '" fill="none" stroke="#888"></rect>' + out.join("");
}
function polyline(xs, ys, ymax, color, dash) {
  var lo = xs[0], hi = xs[xs.length - 1];
  var pts = xs.map(function (x, i) {
    return ((x - lo) / (hi - lo) * 420).toFixed(2) + "," + (200 - ys[i] / ymax * 190).toFixed(2);
  });
  return '<polyline fill="none" stroke="' + color + '" stroke-width="2"' +
    (dash ? ' stroke-dasharray="5,3"' : "") + ' points="' + pts.join(" ") + '"></polyline>';
}
function drawCurves() {
  var v = ["m1", "s1", "m2", "s2"].map(function (k) {
    var x = parseFloat(el("gen-" + k).value);
    el("gen-" + k + "-value").textContent = x.toFixed(2);
    return x;
  });
  var lo = Math.min(v[0] - 4 * v[1], v[2] - 4 * v[3]), hi = Math.max(v[0] + 4 * v[1], v[2] + 4 * v[3]), xs = [];
  for (var i = 0; i < 300; i++) { xs.push(lo + (hi - lo) * i / 299); }
  var p = xs.map(function (x) { return Math.exp(logDensity(x, v[0], v[1])); });
  var q = xs.map(function (x) { return Math.exp(logDensity(x, v[2], v[3])); });
  var d = xs.map(function (x) { return dstar(x, v[0], v[1], v[2], v[3]); });
  var ymax = Math.max(Math.max.apply(null, p), Math.max.apply(null, q));
  el("gen-curves").innerHTML = polyline(xs, p, ymax, "#1f77b4", false) + polyline(xs, q, ymax, "#d62728", false) +
    polyline(xs, d, 1.0, "#333", true);
  var j = js(v[0], v[1], v[2], v[3]);
  el("gen-js").textContent = "JS = " + j.toFixed(4) + " nats,  V(D*, G) = -log 4 + 2 JS = " +
    (2 * j - Math.log(4)).toFixed(4);
}
window.genExplorer = {alphaBar: alphaBar, diffuse: diffuse, js: js, dstar: dstar};
el("gen-t").addEventListener("input", drawCloud);
["m1", "s1", "m2", "s2"].forEach(function (k) { el("gen-" + k).addEventListener("input", drawCurves); });
drawCloud(); drawCurves();
})();
"""


def _slider(key: str, label: str, lo: float, hi: float, step: float, value: float) -> str:
    return (f'<label style="margin-right:1em">{label} <input type="range" id="gen-{key}" min="{lo}" max="{hi}" '
            f'step="{step}" value="{value}"> <span id="gen-{key}-value">{value}</span></label>')


def explorer_html() -> str:
    """The explorer as one self-contained HTML fragment (a ``div`` with inline SVG and a ``script``).

    Examples
    --------
    >>> page = explorer_html()
    >>> "gen-explorer" in page and "http" not in page
    True
    """
    X0, eps = cloud()
    m1, s1, m2, s2 = DEFAULT_GAUSSIANS
    script = _SCRIPT % {"formulas": formulas_js(), "betas": json.dumps([float(b) for b in BETAS]),
                        "x0": json.dumps(X0.tolist()), "eps": json.dumps(eps.tolist()), "points": JS_POINTS}
    return (
        '<div id="gen-explorer" style="font-family:sans-serif;font-size:14px;background:#fff;color:#111;'
        'padding:8px;border:1px solid #ccc">'
        '<div style="display:flex;flex-wrap:wrap;gap:16px">'
        '<div><b>Forward diffusion</b> (closed form)<br>'
        + _slider("t", "t", 0, len(BETAS), 1, 0)
        + ' &nbsp; ᾱ<sub>t</sub> = <span id="gen-abar">1</span><br>'
        '<svg id="gen-cloud" width="300" height="300" viewBox="0 0 300 300"></svg></div>'
        '<div><b>Optimal discriminator</b><br>'
        + _slider("m1", "μ₁", -4, 4, 0.05, m1) + _slider("s1", "σ₁", 0.2, 3, 0.05, s1) + "<br>"
        + _slider("m2", "μ₂", -4, 4, 0.05, m2) + _slider("s2", "σ₂", 0.2, 3, 0.05, s2) + "<br>"
        '<svg id="gen-curves" width="420" height="200" viewBox="0 0 420 200" style="border:1px solid #888"></svg>'
        '<div><span style="color:#1f77b4">p<sub>data</sub></span>, <span style="color:#d62728">p<sub>g</sub>'
        '</span>, dashed: D*(x) on [0, 1]</div><div id="gen-js"></div></div></div>'
        f"<script>{script}</script></div>"
    )

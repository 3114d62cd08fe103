r"""The book's offline gradient-flow explorer for a 2-D linear RNN: self-contained HTML + JavaScript from SymPy.

The recurrence is :math:`h_t = h_{t-1} W` (row convention) with

.. math:: W(\rho, \theta, s) = \rho\, P R(\theta) P^{-1}, \quad
          R(\theta) = \begin{pmatrix} \cos\theta & \sin\theta \\ -\sin\theta & \cos\theta \end{pmatrix},
          \quad P = \begin{pmatrix} 1 & s \\ 0 & 1 \end{pmatrix},

so the eigenvalues are :math:`\rho e^{\pm i\theta}` for every shear :math:`s` (the spectral radius is the slider
:math:`\rho`), while :math:`s \ne 0` makes :math:`W` non-normal and lets :math:`\lVert W^t \rVert_2` exceed
:math:`\rho^t` for a while. The page shows the eigenvalues on the complex plane with the unit circle, the orbit
:math:`h_0, h_1, \dots, h_T` from :math:`h_0 = (1, 0)`, and :math:`\lVert W^t\rVert_2 = \lVert \partial h_t /
\partial h_0 \rVert_2` on a log scale against :math:`\rho^t`.

Every formula of the page is **printed from SymPy** with :func:`sympy.jscode`: the entries of :math:`W`, its
eigenvalues (real and imaginary parts), the product :math:`M W` used for both :math:`h_t` and :math:`W^t`,
and the spectral norm of a :math:`2 \times 2` matrix, :math:`\tfrac12(\sqrt{(m_{11}+m_{22})^2 + (m_{12}-m_{21})^2}
+ \sqrt{(m_{11}-m_{22})^2 + (m_{12}+m_{21})^2})` (the largest singular value; a form without cancellation).
The page exposes ``window.rnnExplorer.series(rho, theta,
shear, steps)`` (orbit, norms, eigenvalues), which ``tests/test_browser_recurrent.py`` compares with
:func:`series` in Chromium. Element ids start with ``rnn-``.

Book: Recurrent networks, "Vanishing and exploding gradients".
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

__all__ = ["DEFAULTS", "EXPRESSIONS", "explorer_html", "matrix", "series"]

rho, theta, shear = sp.symbols("rho theta s", real=True)
m11, m12, m21, m22 = sp.symbols("m11 m12 m21 m22", real=True)
_R = sp.Matrix([[sp.cos(theta), sp.sin(theta)], [-sp.sin(theta), sp.cos(theta)]])
_P = sp.Matrix([[1, shear], [0, 1]])
_W = sp.simplify(rho * _P * _R * _P.inv())
_M = sp.Matrix([[m11, m12], [m21, m22]])

#: The SymPy expressions the page prints: W's entries, the eigenvalue ρ e^{iθ}, the product M W, the 2x2 norm.
EXPRESSIONS = {
    "W": _W,
    "eig_re": rho * sp.cos(theta),
    "eig_im": rho * sp.sin(theta),
    "times_W": _M * _W,
    "norm2": (sp.sqrt((m11 + m22)**2 + (m12 - m21)**2) + sp.sqrt((m11 - m22)**2 + (m12 + m21)**2)) / 2,
}

#: Slider ranges and the default state.
DEFAULTS = {"rho": 0.95, "theta": 0.5, "shear": 0.0, "steps": 40}
RANGES = {"rho": (0.5, 1.3, 0.01), "theta": (0.0, 3.14, 0.01), "shear": (0.0, 4.0, 0.05), "steps": (5, 80, 1)}


def matrix(rho_value: float, theta_value: float, shear_value: float) -> np.ndarray:
    r""":math:`W(\rho, \theta, s) = \rho P R(\theta) P^{-1}` in numpy, ``(2, 2)``.

    Examples
    --------
    >>> bool(np.allclose(np.abs(np.linalg.eigvals(matrix(0.9, 1.0, 2.0))), 0.9))
    True
    """
    for name, v in (("rho", rho_value), ("theta", theta_value), ("shear", shear_value)):
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"matrix: {name} must be a finite number; got {v!r}.")
    c, s_ = np.cos(theta_value), np.sin(theta_value)
    P = np.array([[1.0, shear_value], [0.0, 1.0]])
    P_inv = np.array([[1.0, -shear_value], [0.0, 1.0]])
    return rho_value * P @ np.array([[c, s_], [-s_, c]]) @ P_inv


def series(rho_value: float, theta_value: float, shear_value: float, steps: int) -> dict:
    r"""What the page draws, computed with numpy: orbit :math:`h_t = h_0 W^t` from :math:`h_0 = (1, 0)`, the norms
    :math:`\lVert W^t \rVert_2` (``numpy.linalg.norm(., 2)``) for :math:`t = 0..T`, and the eigenvalues.

    Examples
    --------
    >>> out = series(0.5, 0.0, 0.0, 3)
    >>> out["norms"]
    [1.0, 0.5, 0.25, 0.125]
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"series: steps must be a positive integer; got {steps!r}.")
    W = matrix(rho_value, theta_value, shear_value)
    h, M = np.array([1.0, 0.0]), np.eye(2)
    orbit, norms = [h.tolist()], [1.0]
    for _ in range(int(steps)):
        h, M = h @ W, M @ W
        orbit.append(h.tolist())
        norms.append(float(np.linalg.norm(M, 2)))
    eig = np.linalg.eigvals(W)
    return {"orbit": orbit, "norms": norms, "eig": sorted([[float(e.real), float(e.imag)] for e in eig],
                                                          key=lambda e: -e[1])}


def _js(expr) -> str:
    return sp.jscode(expr)


def formulas_js() -> str:
    """The page's mathematics in JavaScript, printed from :data:`EXPRESSIONS` by ``sympy.jscode``.

    Examples
    --------
    >>> "Math.sqrt" in formulas_js()
    True
    """
    W, P = EXPRESSIONS["W"], EXPRESSIONS["times_W"]
    return "\n".join([
        "function matrixW(rho, theta, s) {",
        f"  return [[{_js(W[0, 0])}, {_js(W[0, 1])}], [{_js(W[1, 0])}, {_js(W[1, 1])}]];",
        "}",
        f"function eigen(rho, theta) {{ return [[{_js(EXPRESSIONS['eig_re'])}, {_js(EXPRESSIONS['eig_im'])}], "
        f"[{_js(EXPRESSIONS['eig_re'])}, -({_js(EXPRESSIONS['eig_im'])})]]; }}",
        "function timesW(m, rho, theta, s) {",
        "  var m11 = m[0][0], m12 = m[0][1], m21 = m[1][0], m22 = m[1][1];",
        f"  return [[{_js(P[0, 0])}, {_js(P[0, 1])}], [{_js(P[1, 0])}, {_js(P[1, 1])}]];",
        "}",
        "function norm2(m) {",
        "  var m11 = m[0][0], m12 = m[0][1], m21 = m[1][0], m22 = m[1][1];",
        f"  return {_js(EXPRESSIONS['norm2'])};",
        "}",
    ])


_SCRIPT = r"""
function series(rho, theta, s, steps) {
  // h_t = h_{t-1} W: the row (1, 0) times W^t is the first row of W^t, so carry M = W^t and read its rows.
  var M = [[1, 0], [0, 1]], orbit = [[1, 0]], norms = [1];
  for (var t = 0; t < steps; t++) {
    M = timesW(M, rho, theta, s);
    orbit.push([M[0][0], M[0][1]]);
    norms.push(norm2(M));
  }
  return {orbit: orbit, norms: norms, eig: eigen(rho, theta)};
}
function el(id) { return document.getElementById(id); }
function read() {
  return {rho: parseFloat(el("rnn-rho").value), theta: parseFloat(el("rnn-theta").value),
          s: parseFloat(el("rnn-shear").value), steps: parseInt(el("rnn-steps").value, 10)};
}
function fmt(v) {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(3);
}
function draw() {
  var p = read(), out = series(p.rho, p.theta, p.s, p.steps);
  ["rho", "theta", "shear", "steps"].forEach(function (k) {
    el("rnn-" + k + "-value").textContent = el("rnn-" + k).value;
  });
  // eigenvalues on the complex plane: [-1.5, 1.5]^2 in a 200 x 200 box
  var sc = function (v) { return 100 + 60 * v; };
  var eigPath = "";
  out.eig.forEach(function (e) {
    var x = sc(e[0]), y = sc(-e[1]);
    eigPath += "M" + (x - 4) + " " + (y - 4) + "L" + (x + 4) + " " + (y + 4) +
               "M" + (x - 4) + " " + (y + 4) + "L" + (x + 4) + " " + (y - 4);
  });
  el("rnn-eigs").setAttribute("d", eigPath);
  // orbit, scaled to its largest coordinate
  var big = 1e-12;
  out.orbit.forEach(function (h) { big = Math.max(big, Math.abs(h[0]), Math.abs(h[1])); });
  var orbitPath = "";
  out.orbit.forEach(function (h, i) {
    orbitPath += (i ? "L" : "M") + (100 + 85 * h[0] / big).toFixed(2) + " " + (100 - 85 * h[1] / big).toFixed(2);
  });
  el("rnn-orbit").setAttribute("d", orbitPath);
  el("rnn-orbit-scale").textContent = "scale: max |h| coordinate = " + fmt(big);
  // log10 norms against t
  var logs = out.norms.map(function (v) { return Math.log10(Math.max(v, 1e-300)); });
  var ref = out.norms.map(function (_, t) { return t * Math.log10(p.rho); });
  var lo = Math.min(Math.min.apply(null, logs), Math.min.apply(null, ref), -1);
  var hi = Math.max(Math.max.apply(null, logs), Math.max.apply(null, ref), 1);
  var X = function (t) { return 30 + 160 * t / p.steps; };
  var Y = function (v) { return 180 - 160 * (v - lo) / (hi - lo); };
  var normPath = "", refPath = "";
  logs.forEach(function (v, t) { normPath += (t ? "L" : "M") + X(t).toFixed(2) + " " + Y(v).toFixed(2); });
  ref.forEach(function (v, t) { refPath += (t ? "L" : "M") + X(t).toFixed(2) + " " + Y(v).toFixed(2); });
  el("rnn-norm").setAttribute("d", normPath);
  el("rnn-ref").setAttribute("d", refPath);
  el("rnn-norm-ticks").textContent = "log10: " + hi.toFixed(1) + " (top) to " + lo.toFixed(1) + " (bottom)";
  el("rnn-readout").textContent = "spectral radius " + p.rho.toFixed(2) +
    ", max_t ||W^t|| = " + fmt(Math.max.apply(null, out.norms)) + ", ||W^T|| = " + fmt(out.norms[p.steps]) +
    ", rho^T = " + fmt(Math.pow(p.rho, p.steps));
}
window.rnnExplorer = {series: series, matrixW: matrixW, norm2: norm2, draw: draw};
["rho", "theta", "shear", "steps"].forEach(function (k) { el("rnn-" + k).addEventListener("input", draw); });
draw();
"""

_STYLE = ("#rnn-explorer{font:13px sans-serif;color:#222;background:#fff;padding:6px;border:1px solid #ddd}"
          "#rnn-explorer label{display:inline-block;margin:2px 10px 2px 0}"
          "#rnn-explorer svg{background:#fff;border:1px solid #eee;margin:2px}")


def _slider(key: str, label: str) -> str:
    lo, hi, step = RANGES[key]
    return (f'<label for="rnn-{key}">{label} <input type="range" id="rnn-{key}" min="{lo!r}" max="{hi!r}" '
            f'step="{step!r}" value="{DEFAULTS[key]!r}"><output id="rnn-{key}-value" for="rnn-{key}"></output></label>')


def explorer_html() -> str:
    """The complete, deterministic, self-contained HTML of the explorer (no external URL).

    Examples
    --------
    >>> html = explorer_html()
    >>> html == explorer_html(), "http" in html, 'id="rnn-orbit"' in html
    (True, False, True)
    """
    controls = "".join([_slider("rho", "spectral radius &rho;"), _slider("theta", "rotation &theta;"),
                        _slider("shear", "shear s (non-normality)"), _slider("steps", "steps T")])
    circle = "".join(f"{'M' if i == 0 else 'L'}{100 + 60 * math.cos(2 * math.pi * i / 96):.2f} "
                     f"{100 + 60 * math.sin(2 * math.pi * i / 96):.2f}" for i in range(97))
    svgs = (
        '<svg id="rnn-eig-plot" width="200" height="200" viewBox="0 0 200 200" role="img" '
        'aria-label="eigenvalues of W on the complex plane with the unit circle">'
        f'<path d="{circle}" fill="none" stroke="#999"/><path d="M0 100H200M100 0V200" stroke="#ddd"/>'
        '<path id="rnn-eigs" d="" stroke="#c0392b" stroke-width="2"/>'
        '<text x="4" y="14" font-size="11">eigenvalues (unit circle)</text></svg>'
        '<svg id="rnn-orbit-plot" width="200" height="200" viewBox="0 0 200 200" role="img" '
        'aria-label="orbit of the hidden state">'
        '<path d="M0 100H200M100 0V200" stroke="#ddd"/>'
        '<path id="rnn-orbit" d="" fill="none" stroke="#1f77b4" stroke-width="1.3"/>'
        '<text x="4" y="14" font-size="11">orbit h_t = h_0 W^t</text>'
        '<text id="rnn-orbit-scale" x="4" y="195" font-size="10"></text></svg>'
        '<svg id="rnn-norm-plot" width="200" height="200" viewBox="0 0 200 200" role="img" '
        'aria-label="norm of W to the t on a log scale">'
        '<path d="M30 20V180H190" stroke="#999" fill="none"/>'
        '<path id="rnn-ref" d="" fill="none" stroke="#888" stroke-dasharray="4 3"/>'
        '<path id="rnn-norm" d="" fill="none" stroke="#c0392b" stroke-width="1.5"/>'
        '<text x="34" y="14" font-size="11">||W^t|| (red), rho^t (dashed)</text>'
        '<text id="rnn-norm-ticks" x="34" y="196" font-size="10"></text></svg>'
    )
    script = "\n".join(["(function () {", '"use strict";', formulas_js(), _SCRIPT, "})();"])
    return (f'<div id="rnn-explorer"><style>{_STYLE}</style><div class="rnn-controls">{controls}</div>'
            f'<div class="rnn-plots">{svgs}</div><p id="rnn-readout"></p><script>\n{script}\n</script></div>')

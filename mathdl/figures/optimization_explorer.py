"""The book's offline gradient-descent explorer: self-contained HTML + JavaScript generated from SymPy.

The rendered book has no Python kernel, so the chapter embeds this explorer instead: sliders, two SVG plots
and about two hundred lines of plain JavaScript (no framework, no CDN, no external URL). Its mathematics comes
from the same source as :mod:`mathdl.optim` and :mod:`mathdl.optim_adaptive`:

* each objective's value, gradient and Hessian are **printed from the SymPy expressions** of
  :data:`mathdl.objectives.EXPRESSIONS` by SymPy's JavaScript code printer (:func:`sympy.jscode`);
* the optimizer updates are the documented formulas of :func:`mathdl.optim.sgd_step`,
  :func:`~mathdl.optim_adaptive.rmsprop_step`, :func:`~mathdl.optim_adaptive.adam_step` and
  :func:`~mathdl.optim.newton_step`, written once more in JavaScript in the same order of floating-point
  operations (``tests/test_browser_optimization.py`` checks in Chromium that both give the same trajectories to
  1e-9).

The page exposes ``window.mathdlExplorer.trajectory(objective, optimizer, hyper, start, steps)`` (same
arguments and result as :func:`mathdl.optim.trajectory`) and ``window.mathdlExplorer.hyperparameters(label,
lr, beta)`` (as :func:`mathdl.figures.optimization.explorer_hyperparameters`), with ``defaults`` (each
objective's learning rate, as log10, and beta, printed from
:data:`mathdl.figures.optimization.OBJECTIVE_DEFAULTS` and applied when the objective changes) and
``betaOptimizers`` (the beta slider is disabled for the others). The learning-rate slider moves in log10 units;
its label and readout show the rate itself. Element ids are stable: ``gd-explorer``, ``gd-objective``,
``gd-optimizer``, ``gd-lr`` (``gd-lr-label``, ``gd-lr-value``), ``gd-beta``, ``gd-steps``, ``gd-kappa``,
``gd-x0``, ``gd-y0``, ``gd-path``, ``gd-contours``, ``gd-minimizers``, ``gd-global-min``, ``gd-plot-axes``,
``gd-loss-path``, ``gd-loss-axes`` (ticks: ``text.gd-xtick``, ``text.gd-ytick``), ``gd-status``.

Book: Optimization, "The gradient-descent explorer".
"""
from __future__ import annotations

import html
import math

import sympy as sp

from mathdl import objectives
from mathdl.figures import optimization as figures

__all__ = ["defaults_js", "explorer_html", "objectives_js"]

#: The bound of :func:`mathdl.optim.trajectory` (the JavaScript stops at the same place).
BOUND = 1e6


def _js(expr: sp.Expr) -> str:
    return sp.jscode(sp.sympify(expr))


def _number(v: float) -> str:
    """A float as JavaScript source: repr round-trips exactly, so both languages read the same double."""
    if not math.isfinite(v):
        raise ValueError(f"optimization_explorer: cannot print the non-finite number {v!r}.")
    return repr(float(v))


def objectives_js() -> str:
    """The ``OBJECTIVES`` table in JavaScript, printed from the SymPy expressions with ``sympy.jscode``.

    Examples
    --------
    >>> "Math.pow(1 - x, 2) + 100*Math.pow(-Math.pow(x, 2) + y, 2)" in objectives_js()
    True
    """
    entries = []
    for name in objectives.NAMES:
        f = objectives.EXPRESSIONS[name]
        g = objectives.symbolic_gradient(name)
        h = objectives.symbolic_hessian(name)
        obj = objectives.get(name)
        (xa, xb), (ya, yb) = obj.box
        mins = ", ".join(f"[{_number(m[0])}, {_number(m[1])}]" for m in obj.minimizers)
        minimum = "0.0" if name == "quadratic" else _number(obj.minimum)  # the quadratic's f* = 0 for every kappa
        entries.append(
            f"  {name}: {{\n"
            f"    value: function (x, y, kappa) {{ return {_js(f)}; }},\n"
            f"    grad: function (x, y, kappa) {{ return [{_js(g[0])}, {_js(g[1])}]; }},\n"
            f"    hessian: function (x, y, kappa) {{ return [[{_js(h[0, 0])}, {_js(h[0, 1])}], "
            f"[{_js(h[1, 0])}, {_js(h[1, 1])}]]; }},\n"
            f"    box: [[{_number(xa)}, {_number(xb)}], [{_number(ya)}, {_number(yb)}]],\n"
            f"    start: [{_number(obj.start[0])}, {_number(obj.start[1])}],\n"
            f"    minimizers: [{mins}],\n"
            f"    minimum: {minimum}\n"
            f"  }}"
        )
    return "var OBJECTIVES = {\n" + ",\n".join(entries) + "\n};"


# The optimizer updates and the trajectory loop: the formulas of mathdl.optim, operation for operation.
_OPTIMIZERS_JS = r"""
var BOUND = %(bound)s;

/* torch.optim.SGD: g <- g + wd p; v_1 = g, v_t = mu v_{t-1} + (1 - dampening) g; d = g + mu v (nesterov) or v;
   p <- p - lr d; without momentum d = g. */
function sgdStep(p, g, state, h) {
  var lr = h.lr, mu = h.momentum || 0, tau = h.dampening || 0, wd = h.weight_decay || 0, i, n = p.length;
  if (wd !== 0) { g = g.map(function (gi, j) { return gi + wd * p[j]; }); }
  if (mu === 0) { return [p.map(function (pi, j) { return pi - lr * g[j]; }), {momentum_buffer: null}]; }
  var buf = new Array(n), d = new Array(n), out = new Array(n);
  for (i = 0; i < n; i++) {
    buf[i] = (state === null || state.momentum_buffer === null) ? g[i] : mu * state.momentum_buffer[i] + (1.0 - tau) * g[i];
    d[i] = h.nesterov ? g[i] + mu * buf[i] : buf[i];
    out[i] = p[i] - lr * d[i];
  }
  return [out, {momentum_buffer: buf}];
}

/* torch.optim.RMSprop: v = alpha v + (1 - alpha) g^2; u = g / (sqrt(v - gbar^2 if centered) + eps);
   b = mu b + u (momentum); p <- p - lr u (or lr b). */
function rmspropStep(p, g, state, h) {
  var lr = h.lr, alpha = h.alpha === undefined ? 0.99 : h.alpha, eps = h.eps === undefined ? 1e-8 : h.eps;
  var wd = h.weight_decay || 0, mu = h.momentum || 0, n = p.length, i;
  var sq = new Array(n), ga = h.centered ? new Array(n) : null, buf = mu > 0 ? new Array(n) : null, out = new Array(n);
  for (i = 0; i < n; i++) {
    var gi = wd !== 0 ? g[i] + wd * p[i] : g[i];
    sq[i] = alpha * (state === null ? 0.0 : state.square_avg[i]) + (1.0 - alpha) * gi * gi;
    var denom;
    if (h.centered) {
      ga[i] = alpha * (state === null ? 0.0 : state.grad_avg[i]) + (1.0 - alpha) * gi;
      denom = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
    } else {
      denom = Math.sqrt(sq[i]) + eps;
    }
    var u = gi / denom;
    if (mu > 0) {
      buf[i] = mu * (state === null || state.momentum_buffer === null ? 0.0 : state.momentum_buffer[i]) + u;
      u = buf[i];
    }
    out[i] = p[i] - lr * u;
  }
  return [out, {square_avg: sq, grad_avg: ga, momentum_buffer: buf}];
}

/* torch.optim.Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; mhat = m / (1 - b1^t);
   vhat = v / (1 - b2^t); p <- p - lr mhat / (sqrt(vhat) + eps). */
function adamStep(p, g, state, h) {
  var lr = h.lr, betas = h.betas || [0.9, 0.999], b1 = betas[0], b2 = betas[1];
  var eps = h.eps === undefined ? 1e-8 : h.eps, wd = h.weight_decay || 0, n = p.length, i;
  var t = state === null ? 1 : state.step + 1, m = new Array(n), v = new Array(n), out = new Array(n);
  var c1 = 1.0 - Math.pow(b1, t), c2 = 1.0 - Math.pow(b2, t);
  for (i = 0; i < n; i++) {
    var gi = wd !== 0 ? g[i] + wd * p[i] : g[i];
    m[i] = b1 * (state === null ? 0.0 : state.exp_avg[i]) + (1.0 - b1) * gi;
    v[i] = b2 * (state === null ? 0.0 : state.exp_avg_sq[i]) + (1.0 - b2) * gi * gi;
    var mhat = m[i] / c1, vhat = v[i] / c2;
    out[i] = p[i] - lr * mhat / (Math.sqrt(vhat) + eps);
  }
  return [out, {step: t, exp_avg: m, exp_avg_sq: v}];
}

/* Newton: p <- p - lr H^{-1} g, H^{-1} g by Gaussian elimination with partial pivoting (2 x 2). */
function newtonStep(p, g, H, h) {
  var lr = h.lr === undefined ? 1.0 : h.lr, a = H[0][0], b = H[0][1], c = H[1][0], d = H[1][1], r0 = g[0], r1 = g[1];
  if (Math.abs(c) > Math.abs(a)) { var t; t = a; a = c; c = t; t = b; b = d; d = t; t = r0; r0 = r1; r1 = t; }
  if (a === 0) { return null; }
  var l = c / a, u = d - l * b;
  if (u === 0) { return null; }
  var s1 = (r1 - l * r0) / u, s0 = (r0 - b * s1) / a;
  return [[p[0] - lr * s0, p[1] - lr * s1], null];
}

function objectiveOf(objective) {
  var name = typeof objective === "string" ? objective : objective.name;
  var kappa = typeof objective === "string" || objective.kappa === undefined ? %(kappa)s : objective.kappa;
  var o = OBJECTIVES[name];
  if (o === undefined) { throw new Error("mathdlExplorer: unknown objective " + name); }
  return {
    value: function (p) { return o.value(p[0], p[1], kappa); },
    grad: function (p) { return o.grad(p[0], p[1], kappa); },
    hessian: function (p) { return o.hessian(p[0], p[1], kappa); },
    spec: o
  };
}

/* The loop of mathdl.optim.trajectory: stop with "diverged at step k" when a coordinate leaves
   [-BOUND, BOUND] or a value is not finite, before evaluating the objective there. */
function trajectory(objective, optimizer, hyper, start, steps) {
  var f = objectiveOf(objective), p = start.slice(), path = [p], losses = [f.value(p)];
  var state = null, status = "ok", stoppedAt = null, k;
  for (k = 1; k <= steps; k++) {
    var g = f.grad(p), res;
    if (optimizer === "sgd") { res = sgdStep(p, g, state, hyper); }
    else if (optimizer === "rmsprop") { res = rmspropStep(p, g, state, hyper); }
    else if (optimizer === "adam") { res = adamStep(p, g, state, hyper); }
    else if (optimizer === "newton") { res = newtonStep(p, g, f.hessian(p), hyper); }
    else { throw new Error("mathdlExplorer: unknown optimizer " + optimizer); }
    if (res === null) { status = "stopped at step " + k + ": singular Hessian"; stoppedAt = k; break; }
    var q = res[0], bad = false;
    for (var i = 0; i < q.length; i++) { if (!isFinite(q[i]) || Math.abs(q[i]) > BOUND) { bad = true; } }
    if (bad) { status = "diverged at step " + k; stoppedAt = k; break; }
    var loss = f.value(q);
    if (!isFinite(loss)) { status = "diverged at step " + k; stoppedAt = k; break; }
    p = q; state = res[1]; path.push(p); losses.push(loss);
  }
  return {path: path, losses: losses, status: status, stoppedAt: stoppedAt};
}

/* The explorer's (optimizer, lr, beta) -> (optimizer, hyper-parameters), as
   mathdl.figures.optimization.explorer_hyperparameters. */
function hyperparameters(label, lr, beta) {
  if (label === "gd" || (label === "nesterov" && beta === 0)) { return ["sgd", {lr: lr}]; }
  if (label === "momentum") { return ["sgd", {lr: lr, momentum: beta}]; }
  if (label === "nesterov") { return ["sgd", {lr: lr, momentum: beta, nesterov: true}]; }
  if (label === "rmsprop") { return ["rmsprop", {lr: lr, alpha: beta}]; }
  if (label === "adam") { return ["adam", {lr: lr, betas: [beta, 0.999]}]; }
  if (label === "newton") { return ["newton", {lr: lr}]; }
  throw new Error("mathdlExplorer: unknown optimizer label " + label);
}
"""  # noqa: E501 (embedded JavaScript, kept byte for byte)

# Drawing: contours by marching squares, the path, the loss curve on a log scale, axes with ticks, the status line.
_DRAWING_JS = r"""
var W = 360, H = 300, LW = 360, LH = 300, PADL = 44, PADB = 36, PADR = 14, TOP = 8, LTOP = 22;
var GRID = %(grid)s, NLEVELS = %(nlevels)s, FLOOR = %(floor)s, LOG_LO = -16, LOG_HI = 8;
var SVGNS = document.getElementById("gd-plot").namespaceURI;   /* the SVG namespace, read off the page */

function contourPath(f, box) {
  var xs = [], ys = [], z = [], i, j, lo = Infinity, hi = -Infinity;
  for (i = 0; i < GRID; i++) {
    xs.push(box[0][0] + (box[0][1] - box[0][0]) * i / (GRID - 1));
    ys.push(box[1][0] + (box[1][1] - box[1][0]) * i / (GRID - 1));
  }
  for (j = 0; j < GRID; j++) { z.push([]); for (i = 0; i < GRID; i++) {
    var v = f.value([xs[i], ys[j]]); z[j].push(v); if (v > hi) { hi = v; } } }
  var fmin = f.spec.minimum, parts = [];
  for (var l = 0; l < NLEVELS; l++) {
    var level = fmin + (hi - fmin) * Math.pow(0.5, NLEVELS - 1 - l);
    for (j = 0; j < GRID - 1; j++) { for (i = 0; i < GRID - 1; i++) {
      var c = [[xs[i], ys[j], z[j][i]], [xs[i + 1], ys[j], z[j][i + 1]],
               [xs[i + 1], ys[j + 1], z[j + 1][i + 1]], [xs[i], ys[j + 1], z[j + 1][i]]], pts = [];
      for (var e = 0; e < 4; e++) {
        var a = c[e], b = c[(e + 1) %% 4];
        if ((a[2] < level) !== (b[2] < level)) {
          var t = (level - a[2]) / (b[2] - a[2]);
          pts.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
        }
      }
      for (var s = 0; s + 1 < pts.length; s += 2) {
        var p0 = toScreen(pts[s], box), p1 = toScreen(pts[s + 1], box);
        parts.push("M" + p0[0].toFixed(1) + " " + p0[1].toFixed(1) + "L" + p1[0].toFixed(1) + " " + p1[1].toFixed(1));
      }
    } }
  }
  return parts.join("");
}

function toScreen(p, box) {
  return [PADL + (p[0] - box[0][0]) / (box[0][1] - box[0][0]) * (W - PADL - PADR),
          H - PADB - (p[1] - box[1][0]) / (box[1][1] - box[1][0]) * (H - PADB - TOP)];
}

function polyline(points) {
  return points.map(function (q, i) { return (i === 0 ? "M" : "L") + q[0].toFixed(2) + " " + q[1].toFixed(2); }).join("");
}

function lossX(k, steps) { return PADL + k / Math.max(1, steps) * (LW - PADL - PADR); }
function lossY(e) { return LH - PADB - (e - LOG_LO) / (LOG_HI - LOG_LO) * (LH - PADB - LTOP); }

function lossPoints(losses, fmin, steps) {
  return losses.map(function (v, k) {
    var gap = Math.max(v - fmin, FLOOR), y = Math.min(Math.max(Math.log10(gap), LOG_LO - 1), LOG_HI + 1);
    return [lossX(k, steps), lossY(y)];
  });
}

/* About n "nice" tick values (1, 2 or 5 times a power of ten) covering [lo, hi]; integers if integer is set. */
function niceTicks(lo, hi, n, integer) {
  var raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / mag;
  var step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag, out = [];
  if (integer) { step = Math.max(1, Math.round(step)); }
  for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) {
    out.push(Number((Math.round(v / step) * step).toFixed(10)));
  }
  return out;
}

function svgEl(tag, attrs, text) {
  var el = document.createElementNS(SVGNS, tag);
  Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
  if (text !== undefined) { el.textContent = text; }
  return el;
}

/* Fill group g with an axis frame, tick marks and labelled ticks: xt, yt are [[screen position, label], ...]. */
function drawAxes(g, x0, x1, y0, y1, xt, yt) {
  while (g.firstChild) { g.removeChild(g.firstChild); }
  g.appendChild(svgEl("path", {d: "M" + x0 + " " + y0 + "H" + x1 + "M" + x0 + " " + y0 + "V" + y1,
                               stroke: "#333", "stroke-width": "1", fill: "none"}));
  xt.forEach(function (t) {
    g.appendChild(svgEl("path", {d: "M" + t[0].toFixed(1) + " " + y0 + "v4", stroke: "#333"}));
    g.appendChild(svgEl("text", {x: t[0].toFixed(1), y: y0 + 15, "font-size": "10", "text-anchor": "middle",
                                 "class": "gd-tick gd-xtick"}, t[1]));
  });
  yt.forEach(function (t) {
    g.appendChild(svgEl("path", {d: "M" + x0 + " " + t[0].toFixed(1) + "h-4", stroke: "#333"}));
    g.appendChild(svgEl("text", {x: x0 - 6, y: (t[0] + 3.5).toFixed(1), "font-size": "10", "text-anchor": "end",
                                 "class": "gd-tick gd-ytick"}, t[1]));
  });
}

function plotAxes(box) {
  var xt = niceTicks(box[0][0], box[0][1], 4, false).map(function (v) { return [toScreen([v, box[1][0]], box)[0], String(v)]; });
  var yt = niceTicks(box[1][0], box[1][1], 4, false).map(function (v) { return [toScreen([box[0][0], v], box)[1], String(v)]; });
  drawAxes(document.getElementById("gd-plot-axes"), PADL, W - PADR, H - PADB, TOP, xt, yt);
}

function lossAxes(steps) {
  var xt = niceTicks(0, Math.max(1, steps), 5, true).map(function (k) { return [lossX(k, steps), String(k)]; });
  var yt = [];
  for (var e = LOG_LO; e <= LOG_HI; e += 4) { yt.push([lossY(e), "1e" + e]); }
  drawAxes(document.getElementById("gd-loss-axes"), PADL, LW - PADR, LH - PADB, LTOP, xt, yt);
}
"""  # noqa: E501 (embedded JavaScript, kept byte for byte)

_CONTROLS_JS = r"""
var ui = {}, cache = {key: null, steps: null};
["objective", "optimizer", "lr", "beta", "steps", "kappa", "x0", "y0"].forEach(function (k) {
  ui[k] = document.getElementById("gd-" + k);
});

function setText(id, text) { document.getElementById(id).textContent = text; }

function usesBeta(label) { return BETA_OPTIMIZERS.indexOf(label) >= 0; }

function redraw() {
  var name = ui.objective.value, kappa = Number(ui.kappa.value), lr = Math.pow(10, Number(ui.lr.value));
  var beta = Number(ui.beta.value), steps = Number(ui.steps.value), start = [Number(ui.x0.value), Number(ui.y0.value)];
  var f = objectiveOf({name: name, kappa: kappa}), box = f.spec.box, key = name + ":" + kappa;
  ui.kappa.disabled = name !== "quadratic";
  ui.beta.disabled = !usesBeta(ui.optimizer.value);
  setText("gd-lr-value", lr.toPrecision(3)); setText("gd-beta-value", beta.toFixed(2));
  setText("gd-steps-value", String(steps)); setText("gd-kappa-value", String(kappa));
  setText("gd-x0-value", start[0].toFixed(2)); setText("gd-y0-value", start[1].toFixed(2));
  if (cache.key !== key) {
    document.getElementById("gd-contours").setAttribute("d", contourPath(f, box));
    var mins = f.spec.minimizers, g0 = toScreen(mins[0], box);
    document.getElementById("gd-global-min").setAttribute("transform", "translate(" + g0[0].toFixed(2) + " " + g0[1].toFixed(2) + ")");
    document.getElementById("gd-minimizers").setAttribute("d", mins.slice(1).map(function (m) {
      var q = toScreen(m, box);
      return "M" + (q[0] + 5).toFixed(2) + " " + q[1].toFixed(2) + "a5 5 0 1 0 -10 0a5 5 0 1 0 10 0"; }).join(""));
    plotAxes(box);
    cache.key = key;
  }
  if (cache.steps !== steps) { lossAxes(steps); cache.steps = steps; }
  var hp = hyperparameters(ui.optimizer.value, lr, beta);
  var run = trajectory({name: name, kappa: kappa}, hp[0], hp[1], start, steps);
  document.getElementById("gd-path").setAttribute("d", polyline(run.path.map(function (q) { return toScreen(q, box); })));
  var s0 = toScreen(start, box);
  document.getElementById("gd-start").setAttribute("cx", s0[0].toFixed(2));
  document.getElementById("gd-start").setAttribute("cy", s0[1].toFixed(2));
  document.getElementById("gd-loss-path").setAttribute("d", polyline(lossPoints(run.losses, f.spec.minimum, steps)));
  var last = run.losses[run.losses.length - 1] - f.spec.minimum;
  setText("gd-status", run.status === "ok" ? "after " + steps + " steps: f - f* = " + last.toExponential(3) : run.status);
  document.getElementById("gd-status").setAttribute("data-status", run.status === "ok" ? "ok" : "stopped");
}

/* A new objective: its own learning rate and beta (OBJECTIVE_DEFAULTS), its window and default start. */
function applyObjectiveDefaults() {
  var name = ui.objective.value, spec = OBJECTIVES[name], d = OBJECTIVE_DEFAULTS[name];
  ui.lr.value = d.log10_lr; ui.beta.value = d.beta;
  ui.x0.min = spec.box[0][0]; ui.x0.max = spec.box[0][1]; ui.x0.value = spec.start[0];
  ui.y0.min = spec.box[1][0]; ui.y0.max = spec.box[1][1]; ui.y0.value = spec.start[1];
}

ui.objective.addEventListener("change", function () { applyObjectiveDefaults(); redraw(); });
ui.optimizer.addEventListener("change", redraw);
["lr", "beta", "steps", "kappa", "x0", "y0"].forEach(function (k) { ui[k].addEventListener("input", redraw); });
redraw();
"""  # noqa: E501 (embedded JavaScript, kept byte for byte)

_STYLE = """
#gd-explorer { font: 13px/1.4 sans-serif; border: 1px solid #ccc; border-radius: 6px; padding: 8px; }
#gd-explorer .gd-controls { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
  gap: 4px 14px; margin-bottom: 6px; }
#gd-explorer label { display: flex; align-items: center; gap: 6px; }
#gd-explorer input[type=range] { flex: 1; }
#gd-explorer input:disabled, #gd-explorer select:disabled { opacity: 0.4; }
#gd-explorer label:has(input:disabled) .gd-label, #gd-explorer label:has(input:disabled) output { opacity: 0.45; }
#gd-explorer .gd-legend { margin: 2px 0; font-size: 12px; }
#gd-explorer output { min-width: 3.5em; font-variant-numeric: tabular-nums; }
#gd-explorer .gd-plots { display: flex; flex-wrap: wrap; gap: 8px; }
#gd-explorer svg { background: #fff; border: 1px solid #eee; max-width: 100%; height: auto; }
#gd-status[data-status=stopped] { color: #c0392b; font-weight: bold; }
"""


def _slider(key: str, label: str, lo: float, hi: float, step: float, value: float, disabled: bool = False) -> str:
    attr = " disabled" if disabled else ""
    return (f'<label for="gd-{key}" id="gd-{key}-label"><span class="gd-label">{label}</span> <input type="range" '
            f'id="gd-{key}" min="{lo!r}" max="{hi!r}" step="{step!r}" value="{value!r}"{attr}>'
            f'<output id="gd-{key}-value" for="gd-{key}"></output></label>')


def defaults_js() -> str:
    """The per-objective defaults and the optimizers that read beta, printed from
    :data:`mathdl.figures.optimization.OBJECTIVE_DEFAULTS` and :data:`~mathdl.figures.optimization.BETA_OPTIMIZERS`.

    Examples
    --------
    >>> "rosenbrock: {log10_lr: -3.0, beta: 0.9}" in defaults_js()
    True
    """
    rows = ",\n".join(f"  {name}: {{log10_lr: {_number(v['log10_lr'])}, beta: {_number(v['beta'])}}}"
                      for name, v in figures.OBJECTIVE_DEFAULTS.items())
    opts = ", ".join(f'"{o}"' for o in figures.BETA_OPTIMIZERS)
    return f"var OBJECTIVE_DEFAULTS = {{\n{rows}\n}};\nvar BETA_OPTIMIZERS = [{opts}];"


def explorer_html() -> str:
    """The complete, deterministic, self-contained HTML of the explorer (no external URL).

    Examples
    --------
    >>> html = explorer_html()
    >>> html == explorer_html(), "http" in html, 'id="gd-path"' in html
    (True, False, True)
    """
    d = figures.DEFAULTS
    obj = objectives.get(d["objective"])
    (xa, xb), (ya, yb) = obj.box
    options = "".join(f'<option value="{n}"{" selected" if n == d["objective"] else ""}>{n}</option>'
                      for n in objectives.NAMES)
    opt_options = "".join(f'<option value="{k}"{" selected" if k == d["optimizer"] else ""}>{v}</option>'
                          for k, v in figures.EXPLORER_OPTIMIZERS.items())
    controls = "".join([
        f'<label for="gd-objective">objective <select id="gd-objective">{options}</select></label>',
        f'<label for="gd-optimizer">optimizer <select id="gd-optimizer">{opt_options}</select></label>',
        _slider("lr", html.escape(figures.LR_LABEL), *figures.LOG10_LR_RANGE, 0.01,
                figures.OBJECTIVE_DEFAULTS[d["objective"]]["log10_lr"]),
        _slider("beta", "momentum / &beta;", *figures.BETA_RANGE, 0.01, d["beta"],
                disabled=not figures.uses_beta(d["optimizer"])),
        _slider("steps", "steps", *figures.STEPS_RANGE, 1, d["steps"]),
        _slider("kappa", "condition number &kappa;", *figures.KAPPA_RANGE, 1.0, d["kappa"]),
        _slider("x0", "start x", xa, xb, 0.05, d["start"][0]),
        _slider("y0", "start y", ya, yb, 0.05, d["start"][1]),
    ])
    svg_plot = (
        '<svg id="gd-plot" width="360" height="300" viewBox="0 0 360 300" role="img" '
        'aria-label="contours of the objective with the optimizer\'s trajectory">'
        '<g id="gd-plot-axes"></g>'
        '<path id="gd-contours" d="" fill="none" stroke="#aaa" stroke-width="0.7"/>'
        '<path id="gd-minimizers" d="" fill="none" stroke="#000" stroke-width="1.5"/>'
        '<path id="gd-global-min" transform="translate(-20 -20)" d="M0 -8L2.4 -2.5L8.2 -2.5L3.5 1L5.3 6.6L0 3.3'
        'L-5.3 6.6L-3.5 1L-8.2 -2.5L-2.4 -2.5Z" fill="gold" stroke="#000" stroke-width="1"/>'
        '<path id="gd-path" d="" fill="none" stroke="#c0392b" stroke-width="1.4"/>'
        '<circle id="gd-start" r="3.5" cx="0" cy="0" fill="#000"/>'
        '<text x="200" y="296" font-size="12" font-style="italic" text-anchor="middle">x</text>'
        '<text x="8" y="150" font-size="12" font-style="italic">y</text></svg>'
    )
    svg_loss = (
        '<svg id="gd-loss" width="360" height="300" viewBox="0 0 360 300" role="img" '
        'aria-label="loss gap f - f* per step, log scale">'
        '<g id="gd-loss-axes"></g>'
        '<path id="gd-loss-path" d="" fill="none" stroke="#1f77b4" stroke-width="1.5"/>'
        '<text x="200" y="296" font-size="12" text-anchor="middle">step <tspan font-style="italic">k</tspan></text>'
        '<text x="200" y="15" font-size="12" text-anchor="middle">f(x<tspan font-size="9" dy="3">k</tspan>'
        '<tspan dy="-3">) − f* (log scale)</tspan></text></svg>'
    )
    legend = ('<p class="gd-legend"><span style="color:#b8860b">&#9733;</span> global minimum &nbsp; '
              '&#9675; local minima &nbsp; <span style="color:#c0392b">&#9473;</span> trajectory &nbsp; '
              '&#9679; start</p>')
    script = "\n".join([
        "(function () {",
        '"use strict";',
        objectives_js(),
        _OPTIMIZERS_JS % {"bound": _number(BOUND), "kappa": _number(d["kappa"])},
        defaults_js(),
        _DRAWING_JS % {"grid": figures.CONTOUR_GRID // 2, "nlevels": figures.CONTOUR_LEVELS,
                       "floor": _number(figures.GAP_FLOOR)},
        "window.mathdlExplorer = {trajectory: trajectory, hyperparameters: hyperparameters, objectives: OBJECTIVES,"
        " defaults: OBJECTIVE_DEFAULTS, betaOptimizers: BETA_OPTIMIZERS};",
        _CONTROLS_JS,
        "})();",
    ])
    return (
        f'<div id="gd-explorer"><style>{_STYLE}</style>'
        f'<div class="gd-controls">{controls}</div>'
        f'<div class="gd-plots">{svg_plot}{svg_loss}</div>{legend}'
        f'<p id="gd-status" data-status="ok"></p>'
        f"<script>\n{script}\n</script></div>"
    )

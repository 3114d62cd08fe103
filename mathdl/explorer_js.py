"""The book's offline gradient-descent explorer: self-contained HTML + JavaScript generated from SymPy.

The rendered book has no Python kernel, so the chapter embeds this explorer instead: sliders, two SVG plots
and about two hundred lines of plain JavaScript (no framework, no CDN, no external URL). Its mathematics comes
from the same source as :mod:`mathdl.optim`:

* each objective's value, gradient and Hessian are **printed from the SymPy expressions** of
  :data:`mathdl.objectives.EXPRESSIONS` by SymPy's JavaScript code printer (:func:`sympy.jscode`);
* the optimizer updates are the documented formulas of :func:`mathdl.optim.sgd_step`,
  :func:`~mathdl.optim.rmsprop_step`, :func:`~mathdl.optim.adam_step` and :func:`~mathdl.optim.newton_step`,
  written once more in JavaScript in the same order of floating-point operations (``tests/
  test_browser_optimization.py`` checks in Chromium that both give the same trajectories to 1e-9).

The page exposes ``window.mathdlExplorer.trajectory(objective, optimizer, hyper, start, steps)`` (same
arguments and result as :func:`mathdl.optim.trajectory`) and ``window.mathdlExplorer.hyperparameters(label,
lr, beta)`` (as :func:`mathdl.figures.optimization.explorer_hyperparameters`). Element ids are stable:
``gd-explorer``, ``gd-objective``, ``gd-optimizer``, ``gd-lr``, ``gd-beta``, ``gd-steps``, ``gd-kappa``,
``gd-x0``, ``gd-y0``, ``gd-path``, ``gd-contours``, ``gd-loss-path``, ``gd-status``.

Book: Optimization, "The gradient-descent explorer".
"""
from __future__ import annotations

import math

import sympy as sp

from mathdl import objectives
from mathdl.figures import optimization as figures

__all__ = ["explorer_html", "objectives_js"]

#: The bound of :func:`mathdl.optim.trajectory` (the JavaScript stops at the same place).
BOUND = 1e6


def _js(expr: sp.Expr) -> str:
    return sp.jscode(sp.sympify(expr))


def _number(v: float) -> str:
    """A float as JavaScript source: repr round-trips exactly, so both languages read the same double."""
    if not math.isfinite(v):
        raise ValueError(f"explorer_js: cannot print the non-finite number {v!r}.")
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

# Drawing: contours by marching squares, the path, the loss curve on a log scale, the status line.
_DRAWING_JS = r"""
var W = 360, H = 300, LW = 360, LH = 300, PAD = 34, GRID = %(grid)s, NLEVELS = %(nlevels)s, FLOOR = %(floor)s;

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
  return [PAD + (p[0] - box[0][0]) / (box[0][1] - box[0][0]) * (W - PAD - 6),
          H - PAD - (p[1] - box[1][0]) / (box[1][1] - box[1][0]) * (H - PAD - 6)];
}

function polyline(points) {
  return points.map(function (q, i) { return (i === 0 ? "M" : "L") + q[0].toFixed(2) + " " + q[1].toFixed(2); }).join("");
}

function lossPoints(losses, fmin, steps) {
  var LO = -16, HI = 8;
  return losses.map(function (v, k) {
    var gap = Math.max(v - fmin, FLOOR), y = Math.min(Math.max(Math.log10(gap), LO - 1), HI + 1);
    return [PAD + k / Math.max(1, steps) * (LW - PAD - 6), LH - PAD - (y - LO) / (HI - LO) * (LH - PAD - 6)];
  });
}
"""  # noqa: E501 (embedded JavaScript, kept byte for byte)

_CONTROLS_JS = r"""
var ui = {}, cache = {key: null};
["objective", "optimizer", "lr", "beta", "steps", "kappa", "x0", "y0"].forEach(function (k) {
  ui[k] = document.getElementById("gd-" + k);
});

function setText(id, text) { document.getElementById(id).textContent = text; }

function redraw() {
  var name = ui.objective.value, kappa = Number(ui.kappa.value), lr = Math.pow(10, Number(ui.lr.value));
  var beta = Number(ui.beta.value), steps = Number(ui.steps.value), start = [Number(ui.x0.value), Number(ui.y0.value)];
  var f = objectiveOf({name: name, kappa: kappa}), box = f.spec.box, key = name + ":" + kappa;
  ui.kappa.disabled = name !== "quadratic";
  setText("gd-lr-value", lr.toPrecision(3)); setText("gd-beta-value", beta.toFixed(2));
  setText("gd-steps-value", String(steps)); setText("gd-kappa-value", String(kappa));
  setText("gd-x0-value", start[0].toFixed(2)); setText("gd-y0-value", start[1].toFixed(2));
  if (cache.key !== key) {
    document.getElementById("gd-contours").setAttribute("d", contourPath(f, box));
    document.getElementById("gd-minimizers").setAttribute("d", f.spec.minimizers.map(function (m) {
      var s = toScreen(m, box); return "M" + (s[0] - 4) + " " + s[1] + "h8M" + s[0] + " " + (s[1] - 4) + "v8"; }).join(""));
    cache.key = key;
  }
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

function resetStart() {
  var spec = OBJECTIVES[ui.objective.value];
  ui.x0.min = spec.box[0][0]; ui.x0.max = spec.box[0][1]; ui.x0.value = spec.start[0];
  ui.y0.min = spec.box[1][0]; ui.y0.max = spec.box[1][1]; ui.y0.value = spec.start[1];
}

ui.objective.addEventListener("change", function () { resetStart(); redraw(); });
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
#gd-explorer output { min-width: 3.5em; font-variant-numeric: tabular-nums; }
#gd-explorer .gd-plots { display: flex; flex-wrap: wrap; gap: 8px; }
#gd-explorer svg { background: #fff; border: 1px solid #eee; max-width: 100%; height: auto; }
#gd-status[data-status=stopped] { color: #c0392b; font-weight: bold; }
"""


def _slider(key: str, label: str, lo: float, hi: float, step: float, value: float) -> str:
    return (f'<label for="gd-{key}">{label} <input type="range" id="gd-{key}" min="{lo!r}" max="{hi!r}" '
            f'step="{step!r}" value="{value!r}"><output id="gd-{key}-value"></output></label>')


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
        _slider("lr", "log<sub>10</sub> learning rate", *figures.LOG10_LR_RANGE, 0.01, round(math.log10(d["lr"]), 2)),
        _slider("beta", "momentum / &beta;", *figures.BETA_RANGE, 0.01, d["beta"]),
        _slider("steps", "steps", *figures.STEPS_RANGE, 1, d["steps"]),
        _slider("kappa", "condition number &kappa;", *figures.KAPPA_RANGE, 1.0, d["kappa"]),
        _slider("x0", "start x", xa, xb, 0.05, d["start"][0]),
        _slider("y0", "start y", ya, yb, 0.05, d["start"][1]),
    ])
    ticks = "".join(
        f'<text x="4" y="{300 - 34 - (e + 16) / 24 * (300 - 34 - 6) + 4:.1f}" font-size="10">1e{e}</text>'
        for e in range(-16, 9, 4))
    svg_plot = (
        '<svg id="gd-plot" width="360" height="300" viewBox="0 0 360 300" role="img" '
        'aria-label="contours of the objective with the optimizer\'s trajectory">'
        '<path id="gd-contours" d="" fill="none" stroke="#aaa" stroke-width="0.7"/>'
        '<path id="gd-minimizers" d="" stroke="#2e8b57" stroke-width="2"/>'
        '<path id="gd-path" d="" fill="none" stroke="#c0392b" stroke-width="1.4"/>'
        '<circle id="gd-start" r="3.5" cx="0" cy="0" fill="#000"/>'
        '<text x="200" y="296" font-size="11">x</text><text x="4" y="140" font-size="11">y</text></svg>'
    )
    svg_loss = (
        '<svg id="gd-loss" width="360" height="300" viewBox="0 0 360 300" role="img" '
        'aria-label="loss gap f - f* per step, log scale">'
        f'{ticks}<path id="gd-loss-path" d="" fill="none" stroke="#1f77b4" stroke-width="1.5"/>'
        '<text x="150" y="296" font-size="11">step k</text>'
        '<text x="150" y="14" font-size="11">f(x_k) - f* (log scale)</text></svg>'
    )
    script = "\n".join([
        "(function () {",
        '"use strict";',
        objectives_js(),
        _OPTIMIZERS_JS % {"bound": _number(BOUND), "kappa": _number(d["kappa"])},
        _DRAWING_JS % {"grid": figures.CONTOUR_GRID // 2, "nlevels": figures.CONTOUR_LEVELS,
                       "floor": _number(figures.GAP_FLOOR)},
        "window.mathdlExplorer = {trajectory: trajectory, hyperparameters: hyperparameters, objectives: OBJECTIVES};",
        _CONTROLS_JS,
        "})();",
    ])
    return (
        f'<div id="gd-explorer"><style>{_STYLE}</style>'
        f'<div class="gd-controls">{controls}</div>'
        f'<div class="gd-plots">{svg_plot}{svg_loss}</div>'
        f'<p id="gd-status" data-status="ok"></p>'
        f"<script>\n{script}\n</script></div>"
    )

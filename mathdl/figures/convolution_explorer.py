r"""The offline kernel editor of the chapter "Convolutional networks": self-contained HTML + JavaScript.

A digit of the bundled 8×8 set, nine number fields for a 3×3 kernel (with presets), a padding selector, and two
grids: the image and the feature map :math:`y = w \star x`, computed in the page. The formula of one output pixel,

.. math:: y_{ij} = \sum_{a=0}^{2}\sum_{b=0}^{2} w_{ab}\, \tilde x_{i+a,\, j+b},

is **printed from SymPy** by :func:`sympy.jscode` (:func:`pixel_js`), so the page and :func:`mathdl.autodiff.
convolution.conv2d` compute the same sum in the same order; ``tests/test_browser_convolution.py`` checks them
against each other in headless Chromium to 1e-12. No framework, no CDN, no external URL. Element ids start with
``cnn-``: ``cnn-explorer``, ``cnn-digit``, ``cnn-preset``, ``cnn-padding``, ``cnn-k00`` … ``cnn-k22``,
``cnn-image``, ``cnn-output``, ``cnn-status``. The page exposes ``window.cnnExplorer.conv2d(image, kernel,
padding)`` and ``window.cnnExplorer.state()``.

Book: Convolutional networks, "The kernel explorer".
"""
from __future__ import annotations

import json

import numpy as np
import sympy as sp

from mathdl.data import digits
from mathdl.figures.convolution import KERNELS

__all__ = ["explorer_digits", "explorer_html", "pixel_js"]

#: How many test digits the page carries (one per class).
N_DIGITS = 10


def pixel_js() -> str:
    """The JavaScript expression of one output pixel, printed by ``sympy.jscode`` from the SymPy sum.

    Examples
    --------
    >>> pixel_js().startswith("w[0][0]*x[i][j] + w[0][1]*x[i][j + 1]")
    True
    """
    w = [[sp.Symbol(f"W{a}{b}") for b in range(3)] for a in range(3)]
    x = [[sp.Symbol(f"X{a}{b}") for b in range(3)] for a in range(3)]
    expr = sp.Add(*[w[a][b] * x[a][b] for a in range(3) for b in range(3)], evaluate=False)
    code = sp.jscode(expr, order="none")
    for a in range(3):
        for b in range(3):
            di = "i" if a == 0 else f"i + {a}"
            dj = "j" if b == 0 else f"j + {b}"
            code = code.replace(f"W{a}{b}", f"w[{a}][{b}]").replace(f"X{a}{b}", f"x[{di}][{dj}]")
    return code


def explorer_digits() -> np.ndarray:
    """The page's images: the first test digit of each class, shape (10, 8, 8), pixels in [0, 1].

    Examples
    --------
    >>> explorer_digits().shape
    (10, 8, 8)
    """
    d = digits(200, 100, seed=0, images=True)
    return np.stack([d.X_test[np.flatnonzero(d.y_test == c)[0], 0] for c in range(N_DIGITS)])


def explorer_html() -> str:
    """The complete, deterministic, self-contained HTML of the kernel editor.

    Examples
    --------
    >>> page = explorer_html()
    >>> page == explorer_html(), "http" in page, 'id="cnn-output"' in page
    (True, False, True)
    """
    imgs = json.dumps(explorer_digits().tolist())
    presets = json.dumps(KERNELS)
    options = "".join(f'<option value="{k}">{k}</option>' for k in KERNELS)
    fields = "".join(f'<input id="cnn-k{a}{b}" type="number" step="0.1" value="{KERNELS["vertical edge"][a][b]}" '
                     f'style="width:4.5em" aria-label="kernel entry {a},{b}">' + ("<br>" if b == 2 else "")
                     for a in range(3) for b in range(3))
    return f"""<div id="cnn-explorer"
 style="font:14px sans-serif;color:#222;background:#fff;padding:8px;border:1px solid #ccc">
<div style="display:flex;gap:18px;flex-wrap:wrap;align-items:flex-start">
<div><label for="cnn-digit">digit
 <input id="cnn-digit" type="range" min="0" max="{N_DIGITS - 1}" step="1" value="0"></label><br>
<label for="cnn-preset">kernel <select id="cnn-preset">{options}</select></label><br>
<label for="cnn-padding">padding <select id="cnn-padding">
 <option value="1" selected>1 (same size)</option><option value="0">0 (valid)</option></select></label><br>
<div style="margin-top:6px">{fields}</div></div>
<div><div>input x</div>
 <svg id="cnn-image" width="160" height="160" viewBox="0 0 160 160" role="img" aria-label="input digit"></svg></div>
<div><div>feature map w &#8902; x</div>
 <svg id="cnn-output" width="160" height="160" viewBox="0 0 160 160" role="img" aria-label="feature map">
 </svg></div>
</div><div id="cnn-status" style="margin-top:4px"></div></div>
<script>
(function () {{
  var IMAGES = {imgs};
  var PRESETS = {presets};
  function conv2d(image, w, padding) {{
    var H = image.length, W = image[0].length, p = padding, x = [], y = [], i, j;
    for (i = 0; i < H + 2 * p; i++) {{
      x.push([]);
      for (j = 0; j < W + 2 * p; j++) {{
        var r = i - p, c = j - p;
        x[i].push(r >= 0 && r < H && c >= 0 && c < W ? image[r][c] : 0.0);
      }}
    }}
    for (i = 0; i < H + 2 * p - 2; i++) {{
      y.push([]);
      for (j = 0; j < W + 2 * p - 2; j++) {{
        y[i].push({pixel_js()});
      }}
    }}
    return y;
  }}
  function kernel() {{
    var w = [], a, b;
    for (a = 0; a < 3; a++) {{ w.push([]); for (b = 0; b < 3; b++) {{
      var v = parseFloat(document.getElementById('cnn-k' + a + b).value); w[a].push(isFinite(v) ? v : 0.0); }} }}
    return w;
  }}
  function draw(svg, grid, signed) {{
    var n = grid.length, m = grid[0].length, s = 160 / Math.max(n, m), out = '', lo = Infinity, hi = -Infinity, i, j;
    for (i = 0; i < n; i++) for (j = 0; j < m; j++) {{ lo = Math.min(lo, grid[i][j]); hi = Math.max(hi, grid[i][j]); }}
    var big = Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
    for (i = 0; i < n; i++) for (j = 0; j < m; j++) {{
      var v = grid[i][j], col;
      if (signed) {{
        var t = v / big, c = Math.round(255 * (1 - Math.abs(t)));
        col = t >= 0 ? 'rgb(255,' + c + ',' + c + ')' : 'rgb(' + c + ',' + c + ',255)';
      }}
      else {{ var g = Math.round(255 * (1 - v)); col = 'rgb(' + g + ',' + g + ',' + g + ')'; }}
      out += '<rect x="' + (j * s) + '" y="' + (i * s) + '" width="' + s + '" height="' + s + '" fill="' + col + '"/>';
    }}
    svg.innerHTML = out;
  }}
  function state() {{
    var image = IMAGES[parseInt(document.getElementById('cnn-digit').value, 10)];
    var padding = parseInt(document.getElementById('cnn-padding').value, 10);
    var w = kernel();
    return {{image: image, kernel: w, padding: padding, output: conv2d(image, w, padding)}};
  }}
  function update() {{
    var s = state();
    draw(document.getElementById('cnn-image'), s.image, false);
    draw(document.getElementById('cnn-output'), s.output, true);
    document.getElementById('cnn-status').textContent = 'output ' + s.output.length + '\\u00d7' + s.output[0].length
      + ' (red > 0, blue < 0); cross-correlation as conv2d, zero padding ' + s.padding;
  }}
  document.getElementById('cnn-preset').addEventListener('change', function () {{
    var k = PRESETS[this.value], a, b;
    for (a = 0; a < 3; a++) for (b = 0; b < 3; b++) document.getElementById('cnn-k' + a + b).value = k[a][b];
    update();
  }});
  ['cnn-digit', 'cnn-padding'].forEach(function (id) {{
    document.getElementById(id).addEventListener('input', update);
  }});
  document.getElementById('cnn-padding').addEventListener('change', update);
  for (var a = 0; a < 3; a++) for (var b = 0; b < 3; b++)
    document.getElementById('cnn-k' + a + b).addEventListener('input', update);
  window.cnnExplorer = {{conv2d: conv2d, state: state, images: IMAGES}};
  update();
}})();
</script>"""

"""Self-checks of the exercises of the chapter "Recurrent networks" (``book/recurrent.ipynb``)."""
from __future__ import annotations

import math

import sympy as sp

from mathdl.exercises import Exercise, register

_w, _u1, _u2, _h0, _c1, _c2 = sp.symbols("w u1 u2 h0 c1 c2", real=True)
_h1 = sp.tanh(_w * _h0 + _u1)
_h2 = sp.tanh(_w * _h1 + _u2)
# the solution's formula: dL/dw = h0 δ1 (1 - h1²) + h1 δ2 (1 - h2²), δ2 = c2, δ1 = c1 + δ2 (1 - h2²) w
_d2 = _c2
_d1 = _c1 + _d2 * (1 - _h2**2) * _w

register(Exercise(
    "ex-recurrent-bptt-two", "recurrent", "BPTT by hand for two steps", "expression",
    _h0 * _d1 * (1 - _h1**2) + _h1 * _d2 * (1 - _h2**2),
    "dL/dw as a formula in w, u1, u2, h0, c1, c2 (write h1 = tanh(w*h0 + u1), h2 = tanh(w*h1 + u2) out)",
    symbols=(_w, _u1, _u2, _h0, _c1, _c2)))

register(Exercise(
    "ex-recurrent-params", "recurrent", "Parameter budgets", "number", (416_768, 1_250_304, 1_667_072, 609),
    "four numbers: vanilla, GRU and LSTM parameter counts, then the largest GRU hidden size H"))

_q = 2 ** (-1 / 100)
register(Exercise(
    "ex-recurrent-forget-bias", "recurrent", "Opening the carousel", "number", math.log(_q / (1 - _q)),
    "the smallest forget-gate bias b (a number, to 3 significant digits)", rtol=2e-3))

register(Exercise(
    "ex-recurrent-transient", "recurrent", "Transient growth in the explorer", "number", (6.67895242047848, 10),
    "two numbers: the largest ||W^t||_2 (two significant digits), then the first t >= 1 with ||W^t||_2 < 1",
    rtol=(0.01, 0.0)))

"""Self-checks of the exercises of the chapter "Generative models" (``book/generative.ipynb``)."""
from __future__ import annotations

import sympy as sp

from mathdl.exercises import Exercise, register

register(Exercise(
    "ex-generative-baseline", "generative", "A baseline for the score-function estimator", "number", 10,
    "the variance of the estimator with baseline b = 1 (a number)"))

_a, _b = sp.symbols("a b", real=True)
register(Exercise(
    "ex-generative-w1-points", "generative", "W₁ between point masses", "expression", sp.Abs(_a - _b),
    "W1(delta_a, delta_b) as a formula in a and b", symbols=(_a, _b)))

_mu, _rho = sp.symbols("mu rho", real=True)
register(Exercise(
    "ex-generative-kl-grad", "generative", "Derive: the reparameterised gradient of the Gaussian KL", "expression",
    sp.exp(2 * _rho) - 1, "the derivative of the KL term with respect to rho = log(sigma), in mu and rho",
    symbols=(_mu, _rho)))

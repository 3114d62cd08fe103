"""Self-checks of the exercises of the chapter "Probability and statistics for deep learning"
(``book/probability.ipynb``)."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

# three positive tests: prior odds 1/99 times the likelihood ratio 0.95/0.05 = 19, three times
_odds = Fraction(1, 99) * Fraction(19) ** 3
register(Exercise(
    "ex-probability-three-tests", "probability", "Three positive tests", "number",
    float(_odds / (1 + _odds)), "P(ill | three positive tests), a number (exactly, or to 6 significant digits)",
    rtol=1e-6))

# Hoeffding below Chebyshev for good: 2 exp(-2 n t^2) < sigma^2/(n t^2) with t = 0.1, sigma^2 = 1/4, i.e.
# u e^(-u) < 1/4 with u = 2 n t^2 = n/50 on the decreasing branch u > 1: u = -W_{-1}(-1/4)
_u = -float(sp.LambertW(-sp.Rational(1, 4), -1).evalf(30))
register(Exercise(
    "ex-probability-crossover", "probability", "Where Hoeffding overtakes Chebyshev", "number",
    math.floor(50 * _u) + 1, "the smallest n from which on Hoeffding's bound stays below Chebyshev's (an integer)"))

_mu = sp.Symbol("mu", real=True)
_sigma = sp.Symbol("sigma", positive=True)
register(Exercise(
    "ex-probability-lognormal-variance", "probability", "The variance of the log-normal", "expression",
    (sp.exp(_sigma**2) - 1) * sp.exp(2 * _mu + _sigma**2),
    "Var[Y] for Y = exp(X), X ~ N(mu, sigma**2), as a formula in mu and sigma (sigma > 0)",
    symbols=(_mu, _sigma)))


def _score(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """The gradient (dl/dmu, dl/dsigma) of the Gaussian log-likelihood of the sample x."""
    r = np.asarray(x, dtype=float) - float(mu)
    s = float(sigma)
    return np.array([np.sum(r) / s**2, -r.size / s + np.sum(r**2) / s**3])


register(Exercise(
    "ex-probability-score-bug", "probability", "Find the bug: a score that inflates the variance", "function",
    _score, "a function score(x, mu, sigma) returning np.array([dl/dmu, dl/dsigma]) for x of shape (n,)",
    shapes=((6,), (), ()), low=0.3, high=2.0))

_eta = sp.Symbol("eta", real=True)
register(Exercise(
    "ex-probability-bernoulli-curvature", "probability", "The Bernoulli log-partition is convex", "expression",
    sp.exp(_eta) / (1 + sp.exp(_eta)) ** 2, "A''(eta) for A(eta) = log(1 + exp(eta)), as a formula in eta",
    symbols=(_eta,)))

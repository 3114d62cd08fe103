"""Self-checks of the exercises of the chapter "Optimization for deep learning" (``book/optimization.ipynb``)."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

_L, _gap, _eps = sp.symbols("L gap eps", positive=True)
_eta, _beta = sp.symbols("eta beta", positive=True)

register(Exercise(
    "ex-optimization-noise-floor", "optimization", "The noise floor by hand", "number",
    (1 / 19, 0.02 / 1.01),
    "a tuple (the floor at eta = 0.1, the eta whose floor is 0.01) of two numbers", rtol=1e-6))

register(Exercise(
    "ex-optimization-stationarity-steps", "optimization", "How many steps to a small gradient?", "expression",
    2 * _L * _gap / _eps**2,
    "T, the number of steps (without rounding up), as a formula in L, gap (= f(x0) - f*) and eps",
    symbols=(_L, _gap, _eps)))

register(Exercise(
    "ex-optimization-adagrad-bug", "optimization", "Find the bug: AdaGrad that forgets", "number",
    math.sqrt(50.0), "the 50th step of the buggy method divided by the 50th step of AdaGrad (a number)",
    rtol=1e-6))

register(Exercise(
    "ex-optimization-warmup-length", "optimization", "How long is Adam noisy?", "number",
    303, "the number of steps t (an integer)"))

register(Exercise(
    "ex-optimization-momentum-limit", "optimization", "Momentum multiplies the learning rate", "expression",
    _eta / (1 - _beta), "the limit of the step length divided by |g|, as a formula in eta and beta",
    symbols=(_eta, _beta), conditions=(_beta < 1,)))


def _heavy_ball_contraction(lr: np.ndarray, beta: np.ndarray, lam: np.ndarray) -> float:
    """The largest |root| of z**2 - (1 + beta - lr lam) z + beta, by the case split of the written solution."""
    lr, beta, lam = float(lr), float(beta), float(lam)
    a = 1.0 + beta - lr * lam
    disc = a * a - 4.0 * beta
    if disc < 0:
        return math.sqrt(beta)                     # complex pair: |z|**2 = product of the roots = beta
    root = math.sqrt(disc)
    return max(abs(a + root), abs(a - root)) / 2.0


register(Exercise(
    "ex-optimization-hb-rate", "optimization", "Heavy ball's contraction in one direction", "function",
    _heavy_ball_contraction,
    "a function rho(lr, beta, lam) of three floats returning the contraction factor (a float)",
    shapes=((), (), ()), low=0.05, high=0.95))

register(Exercise(
    "ex-optimization-explorer-limits", "optimization", "Where the explorer's runs blow up", "number",
    (0.2, 0.3), "a tuple (largest stable lr of gradient descent, largest stable lr of heavy ball with beta = 0.5)"))

register(Exercise(
    "ex-optimization-gd-quadratic-steps", "optimization", "Steps to a millionth", "number",
    (691, 69), "a tuple (steps of gradient descent, steps of heavy ball ignoring the factor k) of two integers"))

register(Exercise(
    "ex-optimization-adam-bias", "optimization", "Adam without bias correction", "number",
    (1 / math.sqrt(1e-3), 0.1 / math.sqrt(1e-3)),
    "a tuple (the factor by which sqrt(v_1) is too small, the uncorrected first step divided by lr) of two numbers, "
    "to 3 significant digits", rtol=1e-3))

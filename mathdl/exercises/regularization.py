"""Self-checks of the exercises of the chapter "Regularization and generalization" (``book/regularization.ipynb``)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

_eta, _lam, _n, _s = sp.symbols("eta lam n s", positive=True)

register(Exercise(
    "ex-regularization-half", "regularization", "How long until a direction is learned?", "expression",
    sp.log(2) / (-sp.log(1 - _eta * _lam)), "tau_half, the number of steps, as a formula in eta and lam",
    symbols=(_eta, _lam), conditions=(_eta * _lam < 1,)))

register(Exercise(
    "ex-regularization-running-bug", "regularization", "Find the bug: a biased running variance", "expression",
    (_n - 1) / _n * _s**2, "the limit of the biased running variance, in n (batch size) and s (the variance is s**2)",
    symbols=(_n, _s)))

register(Exercise(
    "ex-regularization-ls-optimum", "regularization", "The optimum of label smoothing", "number",
    float(np.log(91.0)), "the logit gap for K = 10, epsilon = 0.1 (a number)"))


def _prior_mean_ridge(X: np.ndarray, y: np.ndarray, lam: np.ndarray, w0: np.ndarray) -> np.ndarray:
    lam = float(lam)
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y + lam * w0)


register(Exercise(
    "ex-regularization-prior-mean", "regularization", "Ridge towards a prior mean", "function",
    _prior_mean_ridge, "a function minimizer(X, y, lam, w0) returning w of shape (d,)",
    shapes=((6, 3), (6,), (), (3,)), low=0.1, high=1.5))

register(Exercise(
    "ex-regularization-dof", "regularization", "Degrees of freedom on the digits", "number",
    73.59060726261019, "lambda, the ridge strength with df(lambda) = 10 on the 300 images (two significant digits)",
    rtol=0.02))

_p, _x = sp.symbols("p x", positive=True)
register(Exercise(
    "ex-regularization-dropout-bug", "regularization", "Find the bug: dropout that shrinks", "expression",
    (1 - _p) ** 2 * _x, "E[x * mask * (1 - p)], the expected training-time activation, as a formula in x and p",
    symbols=(_p, _x), conditions=(_p < 1,)))

"""Self-checks of the exercises of the chapter "Linear algebra for deep learning" (``book/linear_algebra.ipynb``).

Each registered solution is what the exercise's written solution derives; ``tests/test_exercises_linear_algebra.py``
recomputes every one of them independently.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

_eps, _rho = sp.symbols("eps rho", positive=True)

register(Exercise(
    "ex-linear_algebra-svd-collapse", "linear_algebra", "Explore: an ellipse that collapses", "number",
    (2.5, 0.0), "the pair (sigma_1, sigma_2) of A = [[1, 2], [0.5, 1]] (two numbers)"))

register(Exercise(
    "ex-linear_algebra-power-steps", "linear_algebra", "How many steps does power iteration need?", "expression",
    sp.log(_eps) / (4 * sp.log(_rho)),
    "the number of steps n that shrinks the error of sigma_hat**2 by the factor eps, as a formula in eps and rho "
    "(rho = sigma_2/sigma_1; 0 < eps, rho < 1)",
    symbols=(_eps, _rho), conditions=(_eps < 1, _rho < 1)))

register(Exercise(
    "ex-linear_algebra-jl-dims", "linear_algebra", "How many dimensions does Johnson–Lindenstrauss ask for?",
    "number",
    tuple(math.ceil(4 * math.log(n) / (e**2 / 2 - e**3 / 3)) for n, e in ((10**4, 0.1), (10**8, 0.1), (10**4, 0.05))),
    "the three integers (k for n = 10**4, eps = 0.1; k for n = 10**8, eps = 0.1; k for n = 10**4, eps = 0.05)"))


def _gram(X: np.ndarray) -> np.ndarray:
    return X.T @ X


def _gram_vjp(G: np.ndarray, X: np.ndarray) -> np.ndarray:
    return X @ (G + G.T)


register(Exercise(
    "ex-linear_algebra-gram-vjp", "linear_algebra", "The backward pass of a Gram matrix", "vjp",
    _gram_vjp, "a function vjp(G, X) returning the gradient with respect to X, shape (n, d), for X of shape (n, d) "
    "and a cotangent G of shape (d, d)",
    shapes=((5, 3),), forward=_gram))


def _dense_grad_w(X: np.ndarray, G: np.ndarray) -> np.ndarray:
    return X.T @ G


register(Exercise(
    "ex-linear_algebra-backward-bug", "linear_algebra", "Find the bug: a transpose that hides in square layers",
    "function", _dense_grad_w,
    "a function grad_W(X, G) returning dL/dW of shape (d_in, d_out), for X of shape (n, d_in) and G of shape "
    "(n, d_out)",
    shapes=((5, 3), (5, 3))))

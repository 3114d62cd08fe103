"""Self-checks of the exercises of the chapter "Calculus and backpropagation" (``book/calculus.ipynb``)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

# --- ex-calculus-third-layer: dL/dW1 of a three-layer tanh network by the backward recursion ---------------------


def _third_layer_grad_W1(x: np.ndarray, W1: np.ndarray, W2: np.ndarray, W3: np.ndarray,
                         y: np.ndarray) -> np.ndarray:
    Z1 = x @ W1
    X1 = np.tanh(Z1)
    Z2 = X1 @ W2
    X2 = np.tanh(Z2)
    delta3 = X2 @ W3 - y                          # L = ½‖Z3 − y‖², Z3 = X2 W3
    delta2 = (delta3 @ W3.T) * (1 - X2**2)        # tanh' = 1 − tanh²
    delta1 = (delta2 @ W2.T) * (1 - X1**2)
    return x.T @ delta1


register(Exercise(
    "ex-calculus-third-layer", "calculus", "Backpropagation through a third layer", "function",
    _third_layer_grad_W1,
    "a function grad_W1(x, W1, W2, W3, y) returning dL/dW1 of shape (3, 4), for tanh hidden units, "
    "L = 0.5 * ((tanh(tanh(x @ W1) @ W2) @ W3 - y)**2).sum(), x of shape (5, 3), W1 (3, 4), W2 (4, 4), "
    "W3 (4, 2), y (5, 2)",
    shapes=((5, 3), (3, 4), (4, 4), (4, 2), (5, 2)), rtol=1e-8))

# --- ex-calculus-forward-step: the optimal step of the forward difference ----------------------------------------

_M, _F, _eps = sp.symbols("M F eps", positive=True)
register(Exercise(
    "ex-calculus-forward-step", "calculus", "The optimal step of a forward difference", "expression",
    2 * sp.sqrt(_eps * _F / _M),
    "the minimiser h* of E(h) = M*h/2 + 2*eps*F/h, as a formula in M, F (for |f|) and eps (all positive)",
    symbols=(_M, _F, _eps)))

# --- ex-calculus-dual-quotient: the epsilon part of a quotient of dual numbers ------------------------------------

_a, _b, _c, _d = sp.symbols("a b c d", real=True)
register(Exercise(
    "ex-calculus-dual-quotient", "calculus", "The quotient rule from dual numbers", "expression",
    (_b * _c - _a * _d) / _c**2,
    "the coefficient of epsilon in (a + b*epsilon)/(c + d*epsilon), as a formula in a, b, c, d (c != 0)",
    symbols=(_a, _b, _c, _d), conditions=(sp.Ne(_c, 0),)))

# --- ex-calculus-checkpoint-budget: peak activations and the price of checkpointing -------------------------------

register(Exercise(
    "ex-calculus-checkpoint-budget", "calculus", "A checkpointing budget", "number", (101, 20, 10, 1 / 3),
    "four numbers: the peak activations of plain reverse mode and with s = 10, the minimising s, and the extra "
    "arithmetic of one training step as a fraction (to 3 significant digits)", rtol=2e-3))

# --- ex-calculus-flops: multiplications of the forward and the backward pass --------------------------------------

register(Exercise(
    "ex-calculus-flops", "calculus", "Counting the cheap gradient", "number", (34_242_560, 42_795_008),
    "two numbers: the multiplications F of the forward pass and B of the backward pass, widths "
    "784, 512, 256, 10 and batch 64"))

# --- ex-calculus-softmax-vjp: the VJP of softmax --------------------------------------------------------------


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - np.max(x))
    return e / e.sum()


def _softmax_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    y = _softmax(x)
    return y * (g - np.dot(g, y))                 # x̄ = y ⊙ (ȳ − ⟨ȳ, y⟩)


register(Exercise(
    "ex-calculus-softmax-vjp", "calculus", "The VJP of softmax", "vjp", _softmax_vjp,
    "a function vjp(g, x) returning the input cotangent of y = softmax(x) for x and g of shape (4,)",
    shapes=((4,),), forward=_softmax))

# --- ex-calculus-bias-bug: the bias cotangent must be summed over the broadcast axis ------------------------------

_A_BIAS = np.arange(12.0).reshape(3, 4) / 4 - 1


def _add_bias(b: np.ndarray) -> np.ndarray:
    return _A_BIAS + b


def _add_bias_vjp(g: np.ndarray, b: np.ndarray) -> np.ndarray:
    return g.sum(axis=0)


register(Exercise(
    "ex-calculus-bias-bug", "calculus", "Find the bug: a bias that only square matrices forgive", "vjp",
    _add_bias_vjp,
    "a corrected function bias_vjp(g, b) returning the cotangent of b, shape (4,), for Y = A + b with A of "
    "shape (3, 4) and g of shape (3, 4)",
    shapes=((4,),), forward=_add_bias))

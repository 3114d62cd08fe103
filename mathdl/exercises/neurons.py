"""Self-checks of the exercises of the chapter "Neurons: activation functions and loss functions"
(``book/neurons.ipynb``)."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

_n_in = sp.Symbol("n_in", positive=True)
_alpha = sp.Symbol("alpha", positive=True)

register(Exercise(
    "ex-neurons-he-uniform", "neurons", "He initialization with a uniform distribution", "expression",
    sp.sqrt(6 / _n_in), "the half-width a, as a formula in n_in (the fan-in)",
    symbols=(_n_in,)))

register(Exercise(
    "ex-neurons-leaky-he", "neurons", "He initialization for leaky ReLU", "expression",
    2 / ((1 + _alpha ** 2) * _n_in), "the weight variance v, as a formula in n_in (the fan-in) and alpha (the slope "
    "for x < 0)",
    symbols=(_n_in, _alpha), conditions=(_alpha < 1,)))

register(Exercise(
    "ex-neurons-silu-min", "neurons", "The minimum of SiLU", "number",
    -1.0 - float(sp.LambertW(sp.exp(-1))), "the minimiser x* of silu, a number (6 significant digits)",
    rtol=1e-6))

register(Exercise(
    "ex-neurons-explorer-relu", "neurons", "Explore: ReLU through depth", "number",
    math.log10(1 / math.sqrt(2)), "the predicted slope, in decades per layer, of log10 of the gradient-norm ratio "
    "for ReLU at gain 1 (a number, 3 significant digits)",
    rtol=5e-3))

register(Exercise(
    "ex-neurons-dead-bias", "neurons", "How far must the biases fall?", "number",
    0.8138452786765806, "the smallest shift b (a number, 3 significant digits) for which at least half of the 64 "
    "units are dead",
    rtol=1e-3))


def _softmax_rows(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p = softmax(z) and log p, row by row, from the row maximum (never overflows)."""
    s = z - z.max(axis=-1, keepdims=True)
    log_p = s - np.log(np.exp(s).sum(axis=-1, keepdims=True))
    return np.exp(log_p), log_p


def _entropy(z: np.ndarray) -> np.ndarray:
    p, log_p = _softmax_rows(z)
    return -(p * log_p).sum(axis=-1)


def _entropy_vjp(g: np.ndarray, z: np.ndarray) -> np.ndarray:
    p, log_p = _softmax_rows(z)
    H = -(p * log_p).sum(axis=-1, keepdims=True)
    return -np.asarray(g)[..., None] * p * (log_p + H)


register(Exercise(
    "ex-neurons-entropy-vjp", "neurons", "The backward pass of the softmax entropy", "vjp",
    _entropy_vjp, "a function vjp(g, z): z of shape (n, k) holds logits, g of shape (n,) the cotangent of the "
    "entropies H(softmax(z_i)); return the gradient, shape (n, k)",
    shapes=((3, 4),), forward=_entropy, low=-3.0, high=3.0))

#: The labels of the find-the-bug exercise's batch (n = 4 examples, k = 5 classes).
CE_LABELS = np.array([2, 0, 4, 1])


def _mean_ce(z: np.ndarray) -> np.ndarray:
    _, log_p = _softmax_rows(z)
    return np.asarray(-log_p[np.arange(len(CE_LABELS)), CE_LABELS].mean())


def _mean_ce_vjp(g: np.ndarray, z: np.ndarray) -> np.ndarray:
    p, _ = _softmax_rows(z)
    p[np.arange(len(CE_LABELS)), CE_LABELS] -= 1.0
    return float(g) * p / z.shape[0]


register(Exercise(
    "ex-neurons-ce-backward-bug", "neurons", "Find the bug: a softmax cross-entropy backward pass", "vjp",
    _mean_ce_vjp, "a corrected function ce_backward(g, z) for the labels (2, 0, 4, 1): z of shape (4, 5), g a "
    "scalar (the cotangent of the mean loss); return the gradient, shape (4, 5)",
    shapes=((4, 5),), forward=_mean_ce, low=-3.0, high=3.0))

"""Self-checks of the exercises of the chapter "Information theory" (``book/information.ipynb``)."""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from mathdl.exercises import Exercise, register

_lam = sp.Symbol("lam", positive=True)
_sigma = sp.Symbol("sigma", positive=True)


def _bits_through_two_flips() -> tuple[float, float]:
    # 1 - h(e) bits for one flip with e = 0.1, and for two flips, which compose to one with 2 e (1 - e) = 0.18
    h = lambda e: -e * math.log2(e) - (1 - e) * math.log2(1 - e)  # noqa: E731
    return 1 - h(0.1), 1 - h(0.18)


def _kl_gap_for_one_nat() -> float:
    # KL(N(0, 1) || N(d, 2^2)) = log 2 + (1 + d^2)/8 - 1/2 = 1  <=>  d^2 = 11 - 8 log 2
    return math.sqrt(11.0 - 8.0 * math.log(2.0))


def _one_bit_and_batch() -> tuple[float, int]:
    # -1/2 log2(1 - rho^2) = 1  <=>  rho = sqrt(3)/2;  log K >= -1/2 log(1 - 0.999^2)  <=>  K >= 22.36...
    return math.sqrt(3.0) / 2.0, math.ceil(math.exp(-0.5 * math.log(1.0 - 0.999**2)))


def _entropy_from_logits(z: np.ndarray) -> float:
    """H(softmax(z)) = logsumexp(z) - softmax(z) . z, shifted by max(z) so it never overflows."""
    z = np.asarray(z, dtype=float)
    s = z - np.max(z)
    lse = math.log(float(np.sum(np.exp(s))))
    p = np.exp(s - lse)
    return float(lse - p @ s)


def _infonce_forward(S: np.ndarray) -> float:
    S = np.asarray(S, dtype=float)
    k = S.shape[0]
    m = S.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(S - m).sum(axis=1, keepdims=True)))[:, 0]
    return float(math.log(k) + np.mean(np.diag(S) - lse))


def _infonce_vjp(g: np.ndarray, S: np.ndarray) -> np.ndarray:
    """g (I - softmax_rows(S)) / K: row i of the mean contributes (e_i - softmax(S_i.))/K."""
    S = np.asarray(S, dtype=float)
    k = S.shape[0]
    e = np.exp(S - S.max(axis=1, keepdims=True))
    return float(g) * (np.eye(k) - e / e.sum(axis=1, keepdims=True)) / k


register(Exercise(
    "ex-information-asymmetry", "information", "How asymmetric is the Gaussian KL?", "expression",
    -sp.log(_sigma) + _sigma**2 / 2 - sp.Rational(1, 2),
    "KL(q || p) for p = N(0, 1) and q = N(0, sigma**2), as a formula in sigma (sigma > 0)", symbols=(_sigma,)))

register(Exercise(
    "ex-information-dpi", "information", "Two noisy channels in a row", "number",
    _bits_through_two_flips(), "a tuple (I(X;Y), I(X;Z)) in bits, to 3 decimals", rtol=1e-3))

register(Exercise(
    "ex-information-kl-explorer", "information", "Explore: how far must q move?", "number",
    _kl_gap_for_one_nat(), "the mean difference d = mu_q - mu_p > 0 (a number, at least 3 significant digits)",
    rtol=3e-3))

register(Exercise(
    "ex-information-exponential", "information", "The entropy of the exponential distribution", "expression",
    1 - sp.log(_lam), "h in nats, as a formula in lam (the rate, lam > 0)", symbols=(_lam,)))

register(Exercise(
    "ex-information-one-bit", "information", "One bit of correlation", "number",
    _one_bit_and_batch(), "a tuple (rho, K): the correlation carrying 1 bit (at least 6 significant digits), and the "
    "smallest batch size K (an integer) for rho = 0.999", rtol=1e-5))

register(Exercise(
    "ex-information-logits-bug", "information", "Find the bug: entropy from logits", "function",
    _entropy_from_logits, "a function entropy_from_logits(z) taking logits z of shape (K,) and returning "
    "H(softmax(z)) in nats (a float)", shapes=((5,),), low=-3.0, high=3.0))

register(Exercise(
    "ex-information-infonce-grad", "information", "The gradient of InfoNCE", "vjp",
    _infonce_vjp, "a function vjp(g, S) taking a scalar cotangent g and scores S of shape (K, K) and returning "
    "g times the gradient of the InfoNCE estimate, shape (K, K)", shapes=((4, 4),), forward=_infonce_forward))

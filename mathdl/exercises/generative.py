"""Self-checks of the exercises of the chapter "Generative models" (``book/generative.ipynb``)."""
from __future__ import annotations

import numpy as np
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

register(Exercise(
    "ex-generative-prior-elbo", "generative", "The ELBO at the prior", "number",
    (-13.766005394982711, 9.230653007140312),
    "two numbers: the ELBO with q = p(z), then the gap KL(N(0, 1) || p(z | x)), for the figure's observation "
    "(three decimals)", rtol=1e-3))

register(Exercise(
    "ex-generative-explore", "generative", "Explore: the optimal discriminator", "number", float(np.log(2.0)),
    "the limit of JS(p_data, p_g) as mu2 moves far away (a number, in nats)", rtol=1e-3))

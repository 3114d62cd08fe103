"""Tests of mathdl.activations_smooth (GELU, SiLU, ELU, the registry ELEMENTWISE) against the chapter "Neurons".

For each activation: agreement with its SymPy form and derivative, gradcheck of the VJP, an identity or closed
form, stability at huge inputs with floating-point errors raised, and bad input. The sigmoid and ReLU families
(mathdl.activations) are tested in test_activations.py.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from activation_harness import AGREE_DOMAIN, AGREE_TOL, check_bad_input, check_tails, vjp_as_function
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mpmath import mp

from mathdl import activations as A
from mathdl import activations_smooth as S
from mathdl.verify import ProofError, agree, derive, gradcheck

pytestmark = pytest.mark.usefixtures("strict_floats")  # no overflow, no NaN, no warning

GRAD_TOL = 1e-6         # VJP vs central differences
EXACT_TOL = 1e-12       # identities that hold to rounding
HUGE = np.array([-1e300, -1000.0, -745.0, -40.0, 0.0, 40.0, 745.0, 1000.0, 1e300])

x = sp.Symbol("x", real=True)
SIGMOID = 1 / (1 + sp.exp(-x))
PHI = (1 + sp.erf(x / sp.sqrt(2))) / 2
SYMBOLIC = {"gelu": x * PHI}  # name -> SymPy form
#: The registry's activations that live in mathdl.activations_smooth (the others are tested in test_activations.py).
SMOOTH = {name: fs for name, fs in S.ELEMENTWISE.items() if fs[0].__module__ == "mathdl.activations_smooth"}
# AGREE_DOMAIN (activation_harness) is where the lambdified textbook forms are themselves accurate to
# AGREE_TOL in float64: beyond |x| ~ 4,
# 1 + erf(x / sqrt 2) loses digits to cancellation (mathdl uses the erfc form). The tails are checked against
# 50-digit mpmath evaluation instead (test_tails_against_high_precision).


def _vjp_as_function(name: str):
    return vjp_as_function(SMOOTH[name][1])


# ------------------------------------------------------------------------------------------- the registry

def test_registry_holds_both_modules_in_the_chapter_order():
    """ELEMENTWISE maps each name to (f, f_vjp) of the module that implements it, in the chapter's order."""
    assert list(S.ELEMENTWISE) == ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "gelu"]
    for name, (f, f_vjp) in S.ELEMENTWISE.items():
        module = S if name in SYMBOLIC else A
        assert (f, f_vjp) == (getattr(module, name), getattr(module, f"{name}_vjp"))
    assert sorted(SMOOTH) == sorted(SYMBOLIC)


# -------------------------------------------------------------------------------------------------- GELU

@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_function_agrees_with_sympy(name):
    f, _ = SMOOTH[name]
    agree(SYMBOLIC[name], f, [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL)


@pytest.mark.parametrize("name,claim", [("gelu", "activations.gelu-derivative")])
def test_derivative_agrees_with_sympy(name, claim):
    agree(sp.diff(SYMBOLIC[name], x), _vjp_as_function(name), [x], domain=AGREE_DOMAIN, points=40,
          rtol=AGREE_TOL, claim=claim)


def test_gelu_erf_and_erfc_forms_agree():
    """activations.gelu-derivative: Phi in its erf form is what normal_cdf computes (via erfc), gelu = x Phi, and
    gelu' = Phi + x phi (product rule written out) is what gelu_vjp computes."""
    agree(PHI, S.normal_cdf, [x], domain=AGREE_DOMAIN, rtol=AGREE_TOL)
    erfc_step = derive(x * PHI).step(x * sp.erfc(-x / sp.sqrt(2)) / 2, "erfc = 1 − erf, erf odd", rewrite="rewrite_erf")
    assert erfc_step.kind == "proved"  # erfc rewritten through erf: proved, not just checked
    with pytest.raises(ProofError):  # a wrong sign inside erfc is not proved by the same rewrite
        derive(x * PHI).step(x * sp.erfc(x / sp.sqrt(2)) / 2, "wrong sign", rewrite="rewrite_erf")
    phi = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
    d = derive(sp.Derivative(x * PHI, x), (PHI * sp.Derivative(x, x) + x * sp.Derivative(PHI, x), "product rule"),
               (PHI + x * phi, "Phi' = phi"), claim="activations.gelu-derivative")
    agree(d, _vjp_as_function("gelu"), [x], domain=AGREE_DOMAIN, claim="activations.gelu-derivative")
    g = np.array([0.5, -2.0, 3.0])
    v = np.array([-1.0, 0.5, 2.0])
    expected = g * (S.normal_cdf(v) + v * np.exp(-v**2 / 2) / np.sqrt(2 * np.pi))
    np.testing.assert_allclose(S.gelu_vjp(g, v), expected, rtol=EXACT_TOL, atol=0)


def test_normal_cdf_tails_keep_relative_accuracy():
    """Phi(-30) ~ 4.9e-198: the erfc form keeps it; 1 + erf(-30/sqrt 2) would round to 0."""
    value = S.normal_cdf(np.array([-30.0]))[0]
    exact = float(sp.N((1 + sp.erf(sp.Integer(-30) / sp.sqrt(2))) / 2, 30))
    assert value == pytest.approx(exact, rel=1e-12)

def _tail_reference(name: str, v: float) -> tuple[float, float]:
    """(f(v), f'(v)) in 50-digit arithmetic (mpmath, SymPy's numeric engine), in forms free of cancellation."""
    mp.dps = 50
    t = mp.mpf(v)
    forms = {
        "gelu": (lambda: t * mp.erfc(-t / mp.sqrt(2)) / 2,
                 lambda: mp.erfc(-t / mp.sqrt(2)) / 2 + t * mp.npdf(t)),
    }
    f, df = forms[name]
    return float(f()), float(df())


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_tails_against_high_precision(name):
    """Function and derivative at large |x| keep full relative accuracy (where float64 textbook forms cancel)."""
    check_tails(name, *SMOOTH[name], _tail_reference)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_elementwise_gradcheck(name, rng):
    f, f_vjp = SMOOTH[name]
    gradcheck(f, f_vjp, [rng.uniform(-4, 4, size=(3, 5))], rtol=GRAD_TOL)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_no_overflow_or_warning_at_huge_inputs(name):
    f, f_vjp = SMOOTH[name]
    with np.errstate(all="raise"):  # underflow too: the functions must handle it themselves
        y, dy = f(HUGE), f_vjp(np.ones_like(HUGE), HUGE)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_bad_input(name):
    check_bad_input(name, *SMOOTH[name])


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite))
def test_gelu_lies_below_relu(v):
    assert np.all(S.gelu(v) <= A.relu(v) + 1e-12)


# ------------------------------------------------------------------------------------------- SiLU, ELU

SILU = x * SIGMOID
ALPHA_E = sp.Symbol("alpha", positive=True)


def test_silu_agrees_with_sympy_and_derivative():
    """activations.silu-derivative: silu = x sigma, silu' = sigma (1 + x (1 - sigma)) (derived), both against mathdl."""
    agree(SILU, S.silu, [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL)
    d = derive(sp.Derivative(SILU, x),
               (SIGMOID + x * SIGMOID * (1 - SIGMOID), "product rule, sigma' = sigma (1 - sigma)"),
               (SIGMOID * (1 + x * (1 - SIGMOID)), "factor sigma"), claim="activations.silu-derivative")
    agree(d, lambda v: S.silu_vjp(np.ones_like(v), v), [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL,
          claim="activations.silu-derivative")
    rng = np.random.default_rng(20)
    gradcheck(S.silu, S.silu_vjp, [rng.normal(size=(4, 3))], claim="activations.silu-derivative")
    assert S.silu_vjp(np.ones(1), np.array([-2.0]))[0] == pytest.approx(
        float((1 - sp.E ** 2) / (1 + sp.E ** 2) ** 2), rel=EXACT_TOL)  # not monotone
    np.testing.assert_allclose(S.silu(np.array([1.0, -3.0])), [1 / (1 + math.e ** -1), -3 / (1 + math.e ** 3)],
                               rtol=EXACT_TOL)


def test_silu_minimum_identity():
    """activations.silu-derivative: at the minimiser x* = -1 - W(1/e), silu(x*) = x* + 1 and silu'(x*) = 0."""
    x_star = float(-1 - sp.LambertW(sp.exp(-1)))
    assert S.silu(np.array([x_star]))[0] == pytest.approx(x_star + 1, rel=1e-12)
    assert abs(S.silu_vjp(np.ones(1), np.array([x_star]))[0]) < 1e-15


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_pieces_and_derivative(alpha):
    """activations.elu-derivative: elu' = 1 (x > 0), alpha e^x = elu(x) + alpha (x < 0), off the kink."""
    t = sp.Symbol("t", positive=True)
    elu_sym = sp.Piecewise((x, x > 0), (ALPHA_E * (sp.exp(x) - 1), True))
    derive(sp.Subs(sp.Derivative(elu_sym, x), x, -t),
           (sp.Subs(sp.Derivative(ALPHA_E * (sp.exp(x) - 1), x), x, -t), "elu on x < 0"),
           (ALPHA_E * sp.exp(-t), "d/dx"), claim="activations.elu-derivative")
    a = sp.Float(alpha)
    agree(elu_sym.subs(ALPHA_E, a), lambda v: S.elu(v, alpha), [x], domain=(-3, 3), rtol=AGREE_TOL)
    v = np.array([-3.0, -0.5, -1e-3, 1e-3, 0.5, 3.0])
    np.testing.assert_allclose(S.elu_vjp(np.ones_like(v), v, alpha), np.where(v > 0, 1.0, alpha * np.exp(v)),
                               rtol=EXACT_TOL, atol=0)
    neg = v[v < 0]
    np.testing.assert_allclose(S.elu_vjp(np.ones_like(neg), neg, alpha), S.elu(neg, alpha) + alpha, rtol=1e-12)
    rng = np.random.default_rng(21)
    u = rng.uniform(0.1, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
    gradcheck(lambda w: S.elu(w, alpha), lambda g, w: S.elu_vjp(g, w, alpha), [u], claim="activations.elu-derivative")


def test_elu_silu_stable_and_at_kink():
    """Huge inputs raise nothing; elu -> -alpha; elu_vjp uses the left slope alpha at 0."""
    np.testing.assert_array_equal(S.elu(np.array([-1e300, 0.0, 1e300]), 2.0), [-2.0, 0.0, 1e300])
    np.testing.assert_array_equal(S.elu_vjp(np.ones(1), np.zeros(1), 0.3), [0.3])
    assert S.silu(np.array([-1e300]))[0] == 0.0
    assert S.elu(np.array([-1e-20]))[0] == pytest.approx(-1e-20, rel=1e-12)  # expm1 keeps the digits


@pytest.mark.parametrize("call,match", [
    (lambda: S.elu(np.ones(2), alpha=0.0), "elu: alpha"),
    (lambda: S.elu_vjp(np.ones(2), np.ones(2), alpha="1"), "elu_vjp: alpha must be a real number"),
    (lambda: S.silu_vjp(np.ones(3), np.ones(2)), "silu_vjp: g"),
    (lambda: S.silu(np.array([np.nan])), "silu: x contains NaN"),
])
def test_new_activations_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()

"""Tests of mathdl.activations (sigmoid, tanh, ReLU, leaky ReLU, softplus, dying ReLU) against "Neurons".

For each activation: agreement with its SymPy form and derivative, gradcheck of the VJP (away from kinks,
and with a reused input), an invariant or closed form, stability at huge inputs with floating-point errors
raised, and bad input. GELU, SiLU and ELU (mathdl.activations_smooth) are tested in test_activations_smooth.py.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from activation_harness import AGREE_DOMAIN, AGREE_TOL, check_bad_input, check_tails, vjp_as_function
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mpmath import mp

from mathdl import activations as A
from mathdl.activations_smooth import ELEMENTWISE, elu_vjp
from mathdl.verify import ProofError, agree, derive, gradcheck

pytestmark = pytest.mark.usefixtures("strict_floats")  # no overflow, no NaN, no warning

GRAD_TOL = 1e-6         # VJP vs central differences
EXACT_TOL = 1e-12       # identities that hold to rounding (rows sum to 1, ...)
ROUNDING = 1e-15        # relative slack for bounds met with equality in exact arithmetic (max sigma' = 1/4)
HUGE = np.array([-1e300, -1000.0, -745.0, -40.0, 0.0, 40.0, 745.0, 1000.0, 1e300])

x = sp.Symbol("x", real=True)
SIGMOID = 1 / (1 + sp.exp(-x))
SYMBOLIC = {  # name -> SymPy form on the domain where it is smooth
    "sigmoid": SIGMOID,
    "tanh": sp.tanh(x),
    "softplus": sp.log(1 + sp.exp(x)),
}
#: The registry's activations that live in mathdl.activations (the others are tested in test_activations_smooth.py).
BASIC = {name: fs for name, fs in ELEMENTWISE.items() if fs[0].__module__ == "mathdl.activations"}
# AGREE_DOMAIN (activation_harness) is where the lambdified textbook forms are themselves accurate to
# AGREE_TOL in float64: beyond |x| ~ 4,
# 1 - tanh(x)^2 and sigma (1 - sigma) lose digits to cancellation (mathdl uses stable forms). The tails are
# checked against 50-digit mpmath evaluation instead (test_tails_against_high_precision).


def _vjp_as_function(name: str):
    return vjp_as_function(BASIC[name][1])


# ------------------------------------------------------------------------------------ symbolic agreement

@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_function_agrees_with_sympy(name):
    f, _ = BASIC[name]
    agree(SYMBOLIC[name], f, [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL)


@pytest.mark.parametrize("name,claim", [("sigmoid", "activations.sigmoid-derivative"),
                                        ("tanh", "activations.tanh-derivative"),
                                        ("softplus", "activations.softplus-derivative")])
def test_derivative_agrees_with_sympy(name, claim):
    agree(sp.diff(SYMBOLIC[name], x), _vjp_as_function(name), [x], domain=AGREE_DOMAIN, points=40,
          rtol=AGREE_TOL, claim=claim)


def test_sigmoid_derivative_closed_form():
    """activations.sigmoid-derivative: sigma' = sigma (1 - sigma), proved and then checked numerically."""
    d = derive(sp.Derivative(SIGMOID, x), (SIGMOID * (1 - SIGMOID), "sigma' = sigma (1 - sigma)"),
               claim="activations.sigmoid-derivative")
    agree(d, _vjp_as_function("sigmoid"), [x], domain=AGREE_DOMAIN, claim="activations.sigmoid-derivative")


def test_sigmoid_derivative_max_is_quarter_at_zero():
    """activations.sigmoid-derivative-max: sigma'' = 0 only at 0, sigma''' (0) < 0, sigma'' = -sigma' tanh(x/2)."""
    d2 = sp.diff(SIGMOID, x, 2)
    assert sp.solveset(d2, x, sp.S.Reals) == sp.FiniteSet(0)
    assert sp.simplify(sp.diff(SIGMOID, x, 3).subs(x, 0)) == sp.Rational(-1, 8)
    derive(d2, (-sp.diff(SIGMOID, x) * sp.tanh(x / 2), "sigma'' = -sigma' tanh(x/2)"),
           claim="activations.sigmoid-derivative-max")
    grid = np.linspace(-50, 50, 200001)
    values = A.sigmoid_vjp(np.ones_like(grid), grid)
    assert values.max() == pytest.approx(0.25, abs=EXACT_TOL)
    assert grid[np.argmax(values)] == pytest.approx(0.0, abs=1e-3)


def _tail_reference(name: str, v: float) -> tuple[float, float]:
    """(f(v), f'(v)) in 50-digit arithmetic (mpmath, SymPy's numeric engine), in forms free of cancellation."""
    mp.dps = 50
    t = mp.mpf(v)
    forms = {
        "sigmoid": (lambda: 1 / (1 + mp.exp(-t)), lambda: mp.exp(-t) / (1 + mp.exp(-t)) ** 2),
        "tanh": (lambda: mp.tanh(t), lambda: mp.sech(t) ** 2),
        "softplus": (lambda: mp.log1p(mp.exp(t)), lambda: 1 / (1 + mp.exp(-t))),
    }
    f, df = forms[name]
    return float(f()), float(df())


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_tails_against_high_precision(name):
    """Function and derivative at large |x| keep full relative accuracy (where float64 textbook forms cancel)."""
    check_tails(name, *BASIC[name], _tail_reference)


def test_tanh_is_rescaled_sigmoid(rng):
    """activations.tanh-derivative: tanh(x) = 2 sigma(2x) - 1."""
    v = rng.uniform(-20, 20, size=100)
    np.testing.assert_allclose(A.tanh(v), 2 * A.sigmoid(2 * v) - 1, atol=EXACT_TOL)


def test_tanh_derivative_from_the_exponential_definition(rng):
    """activations.tanh-derivative: tanh' = 1 - tanh^2 proved from tanh = (e^x - e^-x)/(e^x + e^-x) with the
    quotient rule written out; then tanh_vjp (with a non-unit upstream gradient) against it and against the
    stable form 4 sigma'(2x)."""
    u, v = sp.exp(x) - sp.exp(-x), sp.exp(x) + sp.exp(-x)
    d = derive(sp.Derivative(u / v, x), ((v * v - u * u) / v**2, "quotient rule, u' = v, v' = u"),
               (1 - sp.tanh(x) ** 2, "u / v = tanh x"), claim="activations.tanh-derivative")
    agree(d, _vjp_as_function("tanh"), [x], domain=AGREE_DOMAIN, rtol=AGREE_TOL, claim="activations.tanh-derivative")
    pts = rng.uniform(-4, 4, size=50)
    g = rng.standard_normal(50)
    np.testing.assert_allclose(A.tanh_vjp(g, pts), g * (1 - np.tanh(pts) ** 2), rtol=1e-12, atol=0)
    np.testing.assert_allclose(A.tanh_vjp(g, pts), 4 * A.sigmoid_vjp(g, 2 * pts), rtol=EXACT_TOL, atol=0)
    assert A.tanh_vjp(np.array([3.0]), np.array([0.0]))[0] == 3.0  # tanh'(0) = 1, exactly


def test_relu_derivative_off_the_kink_and_refused_at_it():
    """activations.relu-derivative: relu'(t) = 1 and relu'(-t) = 0 for t > 0; the derivative at the kink is
    refused; relu_vjp passes g where x > 0, 0 where x < 0, and uses the subgradient 0 at x = 0."""
    t = sp.Symbol("t", positive=True)
    relu = sp.Piecewise((x, x > 0), (0, True))
    at = lambda f, point: sp.Subs(sp.Derivative(f, x), x, point)  # noqa: E731
    derive(at(relu, t), (at(x, t), "relu = x on x > 0"), (1, "d/dx x"), claim="activations.relu-derivative")
    derive(at(relu, -t), (at(sp.Integer(0), -t), "relu = 0 on x < 0"), (0, "d/dx 0"),
           claim="activations.relu-derivative")
    with pytest.raises(ProofError, match=r"undefined: a derivative of a Piecewise \(kink"):
        derive(at(relu, 0), (0, "convention"))
    with pytest.raises(ProofError, match=r"undefined: a derivative of a Piecewise \(kink"):
        derive(at(relu, 0), (sp.Rational(1, 2), "another convention"))
    np.testing.assert_array_equal(A.relu_vjp(np.full(3, 7.0), np.array([-1.0, 0.0, 1.0])), [0.0, 0.0, 7.0])
    np.testing.assert_array_equal(A.relu(np.array([-2.0, 0.0, 3.5])), [0.0, 0.0, 3.5])


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.2])
def test_leaky_relu_derivative(alpha):
    """activations.leaky-relu-derivative."""
    v = np.array([-3.0, -0.5, 0.5, 3.0])
    np.testing.assert_array_equal(A.leaky_relu(v, alpha), np.where(v > 0, v, alpha * v))
    np.testing.assert_array_equal(A.leaky_relu_vjp(np.ones(4), v, alpha), [alpha, alpha, 1.0, 1.0])


def test_softplus_derivative_is_sigmoid(rng):
    """activations.softplus-derivative."""
    v = rng.uniform(-50, 50, size=200)
    np.testing.assert_allclose(A.softplus_vjp(np.ones_like(v), v), A.sigmoid(v), rtol=EXACT_TOL)


# ------------------------------------------------------------------------------------------ gradcheck

@pytest.mark.parametrize("name", sorted(BASIC))
def test_elementwise_gradcheck(name, rng):
    f, f_vjp = BASIC[name]
    v = rng.uniform(-4, 4, size=(3, 5))
    v[np.abs(v) < 0.05] = 0.5  # away from the kink of relu / leaky relu
    gradcheck(f, f_vjp, [v], rtol=GRAD_TOL)


def test_gradcheck_catches_a_wrong_vjp(rng):
    v = rng.uniform(-2, 2, size=6)
    report = gradcheck(A.sigmoid, lambda g, z: g * A.sigmoid(z), [v], check=False)
    assert not report.passed


def test_reused_input_gradient(rng):
    """f(x) = sigmoid(x) * tanh(x) uses x twice; the product rule sums both VJPs."""
    v = rng.uniform(-3, 3, size=7)
    gradcheck(lambda z: A.sigmoid(z) * A.tanh(z),
              lambda g, z: A.sigmoid_vjp(g * A.tanh(z), z) + A.tanh_vjp(g * A.sigmoid(z), z), [v])


# ------------------------------------------------------------------------------------------- stability

@pytest.mark.parametrize("name", sorted(BASIC))
def test_no_overflow_or_warning_at_huge_inputs(name):
    f, f_vjp = BASIC[name]
    with np.errstate(all="raise"):  # underflow too: the functions must handle it themselves
        y, dy = f(HUGE), f_vjp(np.ones_like(HUGE), HUGE)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))


def test_saturated_values_are_exact():
    np.testing.assert_array_equal(A.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    np.testing.assert_array_equal(A.softplus(np.array([1000.0])), [1000.0])
    assert A.softplus(np.array([-1000.0]))[0] == 0.0
    # the tails keep relative accuracy: sigma(-700) = e^-700 / (1 + e^-700)
    assert A.sigmoid(np.array([-700.0]))[0] == pytest.approx(np.exp(-700.0), rel=1e-12)
    assert A.tanh_vjp(np.ones(1), np.array([30.0]))[0] == pytest.approx(4 * np.exp(-60.0), rel=1e-12)


# ------------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("name", sorted(BASIC))
def test_bad_input(name):
    check_bad_input(name, *BASIC[name])


def test_leaky_relu_bad_alpha():
    with pytest.raises(ValueError, match=r"leaky_relu: alpha .* must be in \[0, 1\)"):
        A.leaky_relu(np.zeros(2), alpha=1.5)
    with pytest.raises(ValueError, match=r"leaky_relu_vjp: alpha .* must be in \[0, 1\)"):
        A.leaky_relu_vjp(np.ones(2), np.zeros(2), alpha=1.0)  # the boundary 1 is excluded
    with pytest.raises(ValueError, match=r"leaky_relu: alpha"):
        A.leaky_relu(np.zeros(2), alpha=-0.1)


def test_subgradient_conventions_at_the_kink():
    """activations.relu-derivative / leaky-relu-derivative: at x = 0 there is no derivative; the VJPs use the
    subgradients 0 (relu) and alpha (leaky relu), the lower ends of the subdifferentials [0, 1] and [alpha, 1]."""
    g = np.array([2.0, -3.0])
    np.testing.assert_array_equal(A.relu_vjp(g, np.zeros(2)), [0.0, 0.0])
    np.testing.assert_array_equal(A.leaky_relu_vjp(g, np.zeros(2), alpha=0.25), 0.25 * g)
    assert A.leaky_relu(np.zeros(1), alpha=0.25)[0] == 0.0


def test_integer_input_gives_float64():
    assert A.relu(np.array([1, -2])).dtype == np.float64
    assert A.sigmoid(3).shape == ()


# ---------------------------------------------------------------------------------- property tests

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5), elements=finite))
def test_elementwise_ranges_and_monotone_bounds(v):
    s = A.sigmoid(v)
    assert np.all((0 <= s) & (s <= 1))
    assert np.all(np.abs(A.tanh(v)) <= 1)
    assert np.all(A.softplus(v) >= A.relu(v))
    assert np.all(A.sigmoid_vjp(np.ones_like(v), v) <= 0.25 * (1 + ROUNDING))


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=-30, max_value=30), st.floats(min_value=1e-3, max_value=5))
def test_sigmoid_and_softplus_monotone(a, step):
    lo, hi = np.array([a]), np.array([a + step])
    assert A.sigmoid(hi)[0] >= A.sigmoid(lo)[0]
    assert A.softplus(hi)[0] > A.softplus(lo)[0]


# ------------------------------------------------------------------------------------------- dying ReLU

def test_dead_unit_fraction_and_zero_gradient():
    """activations.dying-relu: a unit negative on every example gets exactly zero weight and bias gradient."""
    rng = np.random.default_rng(22)
    X = rng.normal(size=(50, 6))
    W = rng.normal(size=(6, 5))
    b = np.array([0.0, -100.0, 0.0, -100.0, 0.0])
    a = X @ W + b
    dead = np.all(a <= 0, axis=0)
    assert dead[1] and dead[3]
    assert A.dead_unit_fraction(a) == pytest.approx(dead.mean(), abs=0)
    assert A.dead_unit_fraction(np.array([[-1.0, 2.0, -3.0, 0.0]])) == 0.75
    g = rng.normal(size=a.shape)
    local = A.relu_vjp(g, a)
    gW, gb = X.T @ local, local.sum(axis=0)
    assert np.count_nonzero(gW[:, dead]) == 0 and np.count_nonzero(gb[dead]) == 0
    assert np.count_nonzero(A.leaky_relu_vjp(g, a, 0.1)[:, dead]) == dead.sum() * 50  # the leak passes gradient
    assert np.all(elu_vjp(np.ones_like(a), a)[:, dead] > 0)  # so does ELU


def test_dead_unit_fraction_bad_input():
    with pytest.raises(ValueError, match="dead_unit_fraction: a must be 2-D"):
        A.dead_unit_fraction(np.ones(3))


def test_proper_scoring_rule_symbolic_and_numeric():
    """activations.proper-scoring-rule: S'(p) = (p - q) / (p (1 - p)), S'' > 0, S(p) - S(q) = KL(q || p)."""
    p, q = sp.symbols("p q", positive=True)
    S = -q * sp.log(p) - (1 - q) * sp.log(1 - p)
    d = derive(sp.Derivative(S, p), (-q / p + (1 - q) / (1 - p), "(log u)' = u'/u"),
               ((p - q) / (p * (1 - p)), "together", "together"), domain=[p < 1, q < 1],
               claim="activations.proper-scoring-rule")
    assert sp.solve(sp.numer(sp.together(d.result)), p) == [q]
    grid = np.linspace(0.01, 0.99, 99)
    for qv in (0.1, 0.37, 0.8):
        s = -qv * np.log(grid) - (1 - qv) * np.log1p(-grid)
        assert grid[np.argmin(s)] == pytest.approx(qv, abs=0.006)

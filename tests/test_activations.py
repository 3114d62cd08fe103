"""Tests of mathdl.activations against the chapter "Neurons" (book/neurons.ipynb).

For each activation: agreement with its SymPy form and derivative, gradcheck of the VJP (away from kinks,
and with a reused input), an invariant or closed form, stability at huge inputs with floating-point errors
raised, and bad input.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mpmath import mp

from mathdl import activations as A
from mathdl.verify import ProofError, agree, derive, gradcheck

pytestmark = pytest.mark.usefixtures("strict_floats")  # no overflow, no NaN, no warning

AGREE_TOL = 1e-10       # lambdified SymPy vs numpy, relative max-norm
GRAD_TOL = 1e-6         # VJP vs central differences
EXACT_TOL = 1e-12       # identities that hold to rounding (rows sum to 1, ...)
TAIL_TOL = 1e-12        # relative error in the tails against 50-digit reference values
ROUNDING = 1e-15        # relative slack for bounds met with equality in exact arithmetic (max sigma' = 1/4)
HUGE = np.array([-1e300, -1000.0, -745.0, -40.0, 0.0, 40.0, 745.0, 1000.0, 1e300])

x = sp.Symbol("x", real=True)
SIGMOID = 1 / (1 + sp.exp(-x))
PHI = (1 + sp.erf(x / sp.sqrt(2))) / 2
SYMBOLIC = {  # name -> SymPy form on the domain where it is smooth
    "sigmoid": SIGMOID,
    "tanh": sp.tanh(x),
    "softplus": sp.log(1 + sp.exp(x)),
    "gelu": x * PHI,
}
#: Where the lambdified textbook forms are themselves accurate to AGREE_TOL in float64: beyond |x| ~ 4,
#: 1 - tanh(x)^2, sigma (1 - sigma) and 1 + erf(x / sqrt 2) lose digits to cancellation (mathdl uses stable
#: forms). The tails are checked against 30-digit SymPy evaluation instead (test_tails_against_high_precision).
AGREE_DOMAIN = (-4.0, 4.0)
TAIL_POINTS = (-600.0, -200.0, -37.0, -12.0, -6.0, 6.0, 12.0, 37.0, 200.0, 600.0)






def _vjp_as_function(name: str):
    _, f_vjp = A.ELEMENTWISE[name]
    return lambda v: f_vjp(np.ones_like(np.asarray(v, dtype=float)), v)


# ------------------------------------------------------------------------------------ symbolic agreement

@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_function_agrees_with_sympy(name):
    f, _ = A.ELEMENTWISE[name]
    agree(SYMBOLIC[name], f, [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL)


@pytest.mark.parametrize("name,claim", [("sigmoid", "activations.sigmoid-derivative"),
                                        ("tanh", "activations.tanh-derivative"),
                                        ("softplus", "activations.softplus-derivative"),
                                        ("gelu", "activations.gelu-derivative")])
def test_derivative_agrees_with_sympy(name, claim):
    agree(sp.diff(SYMBOLIC[name], x), _vjp_as_function(name), [x], domain=AGREE_DOMAIN, points=40,
          rtol=AGREE_TOL, claim=claim)


def test_sigmoid_derivative_closed_form():
    """activations.sigmoid-derivative: sigma' = sigma (1 - sigma), proved and then checked numerically."""
    d = derive(sp.Derivative(SIGMOID, x), (SIGMOID * (1 - SIGMOID), "sigma' = sigma (1 - sigma)"),
               claim="activations.sigmoid-derivative")
    agree(d, _vjp_as_function("sigmoid"), [x], domain=AGREE_DOMAIN, claim="activations.sigmoid-derivative")


def test_gelu_erf_and_erfc_forms_agree():
    """activations.gelu-derivative: Phi in its erf form is what normal_cdf computes (via erfc), gelu = x Phi, and
    gelu' = Phi + x phi (product rule written out) is what gelu_vjp computes."""
    agree(PHI, A.normal_cdf, [x], domain=AGREE_DOMAIN, rtol=AGREE_TOL)
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
    expected = g * (A.normal_cdf(v) + v * np.exp(-v**2 / 2) / np.sqrt(2 * np.pi))
    np.testing.assert_allclose(A.gelu_vjp(g, v), expected, rtol=EXACT_TOL, atol=0)


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
        "gelu": (lambda: t * mp.erfc(-t / mp.sqrt(2)) / 2,
                 lambda: mp.erfc(-t / mp.sqrt(2)) / 2 + t * mp.npdf(t)),
    }
    f, df = forms[name]
    return float(f()), float(df())


@pytest.mark.parametrize("name", sorted(SYMBOLIC))
def test_tails_against_high_precision(name):
    """Function and derivative at large |x| keep full relative accuracy (where float64 textbook forms cancel)."""
    f, _ = A.ELEMENTWISE[name]
    pts = np.array(TAIL_POINTS)
    expected = np.array([_tail_reference(name, v) for v in TAIL_POINTS])
    np.testing.assert_allclose(f(pts), expected[:, 0], rtol=TAIL_TOL, atol=0, err_msg=name)
    np.testing.assert_allclose(_vjp_as_function(name)(pts), expected[:, 1], rtol=TAIL_TOL, atol=0,
                               err_msg=f"{name}'")


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


def test_normal_cdf_tails_keep_relative_accuracy():
    """Phi(-30) ~ 4.9e-198: the erfc form keeps it; 1 + erf(-30/sqrt 2) would round to 0."""
    value = A.normal_cdf(np.array([-30.0]))[0]
    exact = float(sp.N((1 + sp.erf(sp.Integer(-30) / sp.sqrt(2))) / 2, 30))
    assert value == pytest.approx(exact, rel=1e-12)


# ------------------------------------------------------------------------------------------ gradcheck

@pytest.mark.parametrize("name", sorted(A.ELEMENTWISE))
def test_elementwise_gradcheck(name, rng):
    f, f_vjp = A.ELEMENTWISE[name]
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

@pytest.mark.parametrize("name", sorted(A.ELEMENTWISE))
def test_no_overflow_or_warning_at_huge_inputs(name):
    f, f_vjp = A.ELEMENTWISE[name]
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

@pytest.mark.parametrize("name", sorted(A.ELEMENTWISE))
def test_bad_input(name):
    f, f_vjp = A.ELEMENTWISE[name]
    with pytest.raises(ValueError, match=rf"{name}: x contains NaN or infinity"):
        f(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match=rf"{name}: x must hold real numbers"):
        f(np.array([1 + 2j]))
    with pytest.raises(TypeError, match=rf"{name}: x must be a numpy array"):
        f("1.0")
    with pytest.raises(ValueError, match=rf"{name}_vjp: g \(the upstream gradient\) must have x's shape \(3,\)"):
        f_vjp(np.ones(2), np.ones(3))


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
    assert np.all(A.gelu(v) <= A.relu(v) + 1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(min_value=-30, max_value=30), st.floats(min_value=1e-3, max_value=5))
def test_sigmoid_and_softplus_monotone(a, step):
    lo, hi = np.array([a]), np.array([a + step])
    assert A.sigmoid(hi)[0] >= A.sigmoid(lo)[0]
    assert A.softplus(hi)[0] > A.softplus(lo)[0]


# ------------------------------------------------------------------------------------- SiLU, ELU, dying ReLU

SILU = x * SIGMOID
ALPHA_E = sp.Symbol("alpha", positive=True)


def test_silu_agrees_with_sympy_and_derivative():
    """activations.silu-derivative: silu = x sigma, silu' = sigma (1 + x (1 - sigma)) (derived), both against mathdl."""
    agree(SILU, A.silu, [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL)
    d = derive(sp.Derivative(SILU, x),
               (SIGMOID + x * SIGMOID * (1 - SIGMOID), "product rule, sigma' = sigma (1 - sigma)"),
               (SIGMOID * (1 + x * (1 - SIGMOID)), "factor sigma"), claim="activations.silu-derivative")
    agree(d, lambda v: A.silu_vjp(np.ones_like(v), v), [x], domain=AGREE_DOMAIN, points=40, rtol=AGREE_TOL,
          claim="activations.silu-derivative")
    rng = np.random.default_rng(20)
    gradcheck(A.silu, A.silu_vjp, [rng.normal(size=(4, 3))], claim="activations.silu-derivative")
    assert A.silu_vjp(np.ones(1), np.array([-2.0]))[0] == pytest.approx(
        float((1 - sp.E ** 2) / (1 + sp.E ** 2) ** 2), rel=EXACT_TOL)  # not monotone
    np.testing.assert_allclose(A.silu(np.array([1.0, -3.0])), [1 / (1 + math.e ** -1), -3 / (1 + math.e ** 3)],
                               rtol=EXACT_TOL)


def test_silu_minimum_identity():
    """activations.silu-derivative: at the minimiser x* = -1 - W(1/e), silu(x*) = x* + 1 and silu'(x*) = 0."""
    x_star = float(-1 - sp.LambertW(sp.exp(-1)))
    assert A.silu(np.array([x_star]))[0] == pytest.approx(x_star + 1, rel=1e-12)
    assert abs(A.silu_vjp(np.ones(1), np.array([x_star]))[0]) < 1e-15


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_pieces_and_derivative(alpha):
    """activations.elu-derivative: elu' = 1 (x > 0), alpha e^x = elu(x) + alpha (x < 0), off the kink."""
    t = sp.Symbol("t", positive=True)
    elu_sym = sp.Piecewise((x, x > 0), (ALPHA_E * (sp.exp(x) - 1), True))
    derive(sp.Subs(sp.Derivative(elu_sym, x), x, -t),
           (sp.Subs(sp.Derivative(ALPHA_E * (sp.exp(x) - 1), x), x, -t), "elu on x < 0"),
           (ALPHA_E * sp.exp(-t), "d/dx"), claim="activations.elu-derivative")
    a = sp.Float(alpha)
    agree(elu_sym.subs(ALPHA_E, a), lambda v: A.elu(v, alpha), [x], domain=(-3, 3), rtol=AGREE_TOL)
    v = np.array([-3.0, -0.5, -1e-3, 1e-3, 0.5, 3.0])
    np.testing.assert_allclose(A.elu_vjp(np.ones_like(v), v, alpha), np.where(v > 0, 1.0, alpha * np.exp(v)),
                               rtol=EXACT_TOL, atol=0)
    neg = v[v < 0]
    np.testing.assert_allclose(A.elu_vjp(np.ones_like(neg), neg, alpha), A.elu(neg, alpha) + alpha, rtol=1e-12)
    rng = np.random.default_rng(21)
    u = rng.uniform(0.1, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
    gradcheck(lambda w: A.elu(w, alpha), lambda g, w: A.elu_vjp(g, w, alpha), [u], claim="activations.elu-derivative")


def test_elu_silu_stable_and_at_kink():
    """Huge inputs raise nothing; elu -> -alpha; elu_vjp uses the left slope alpha at 0."""
    np.testing.assert_array_equal(A.elu(np.array([-1e300, 0.0, 1e300]), 2.0), [-2.0, 0.0, 1e300])
    np.testing.assert_array_equal(A.elu_vjp(np.ones(1), np.zeros(1), 0.3), [0.3])
    assert A.silu(np.array([-1e300]))[0] == 0.0
    assert A.elu(np.array([-1e-20]))[0] == pytest.approx(-1e-20, rel=1e-12)  # expm1 keeps the digits


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
    assert np.all(A.elu_vjp(np.ones_like(a), a)[:, dead] > 0)  # so does ELU


@pytest.mark.parametrize("call,match", [
    (lambda: A.elu(np.ones(2), alpha=0.0), "elu: alpha"),
    (lambda: A.elu_vjp(np.ones(2), np.ones(2), alpha="1"), "elu_vjp: alpha must be a real number"),
    (lambda: A.silu_vjp(np.ones(3), np.ones(2)), "silu_vjp: g"),
    (lambda: A.silu(np.array([np.nan])), "silu: x contains NaN"),
    (lambda: A.dead_unit_fraction(np.ones(3)), "dead_unit_fraction: a must be 2-D"),
])
def test_new_activations_bad_input(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


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

"""Tests of mathdl.calculus: the chain rule, backpropagation of Figure 1, finite differences, figures.

Book: Calculus and backpropagation. Each test names the claim it checks.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import calculus
from mathdl.verify import ProofError, agree, derive, gradcheck

#: Largest relative error between a lambdified SymPy gradient and a numpy implementation.
SYMPY_RTOL = 1e-10
#: Largest relative error between two float64 computations of the same gradient.
EXACT_RTOL = 1e-12
#: How far (as a factor) the measured best step may be from the predicted one.
STEP_FACTOR = 30.0


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _figure1_point(rng: np.random.Generator, n: int = 5, probabilities: bool = False):
    X, W1, W2, Y = (rng.standard_normal(s) for s in [(n, 3), (3, 4), (4, 2), (n, 2)])
    if probabilities:
        Y = np.exp(Y) / np.exp(Y).sum(axis=1, keepdims=True)
    return X, W1, W2, Y


# --------------------------------------------------------------------------------------------- chain rule

def test_chain_rule_instance_through_mathdl_differences():
    """calculus.chain-rule, the book's instance f(u) = u^3, g(x) = x^2 + 1: mathdl's central difference of f o g
    equals f'(g(x)) g'(x) = 3 (x^2 + 1)^2 2x up to its O(h^2) truncation error, and the forward difference of
    f o g factors exactly as in the book (f's quotient at g(x) with step k = g(x+h) - g(x), times g's)."""
    for x in (-1.5, -0.3, 0.4, 1.2):
        h = 1e-4
        central = float(calculus.central_difference(lambda t: (t ** 2 + 1) ** 3, x, h))
        assert math.isclose(central, 3 * (x ** 2 + 1) ** 2 * 2 * x, rel_tol=1e-6)
    x, h = 0.5, 0.25  # dyadic: every quantity below is exact in float64
    k = (x + h) ** 2 - x ** 2
    forward = float(calculus.forward_difference(lambda t: (t ** 2 + 1) ** 3, x, h))
    outer = float(calculus.forward_difference(lambda u: u ** 3, x ** 2 + 1, k))
    inner = float(calculus.forward_difference(lambda t: t ** 2 + 1, x, h))
    assert forward == outer * inner == (3 * (x ** 2 + 1) ** 2 + 3 * (x ** 2 + 1) * k + k ** 2) * (2 * x + h)


def test_chain_rule_through_the_backprop_recursion(rng):
    """calculus.chain-rule and calculus.jacobian-chain-rule in mathdl code: figure1_backprop chains the layers'
    Jacobians by hand; its gradient equals mathdl's central differences of figure1_loss, entry by entry."""
    X, W1, W2, Y = _figure1_point(rng)
    dW1, _ = calculus.figure1_backprop(X, W1, W2, Y, "tanh")
    for i, j in [(0, 0), (1, 2), (2, 3)]:
        def loss_along(t, i=i, j=j):
            out = []
            for tk in np.atleast_1d(t):
                W = W1.copy()
                W[i, j] = tk
                out.append(calculus.figure1_loss(X, W, W2, Y, "tanh"))
            return np.array(out).reshape(np.shape(t))
        fd = float(calculus.central_difference(loss_along, float(W1[i, j]), 1e-5))
        assert math.isclose(dW1[i, j], fd, rel_tol=1e-7, abs_tol=1e-9)


def test_a_wrong_chain_rule_is_not_proved():
    """The instance proof can fail: dropping the inner factor g's quotient is refused."""
    x, h, u, k = sp.symbols("x h u k", real=True)
    with pytest.raises(ProofError):
        derive(((x + h) ** 2 + 1) ** 3 / h - (x ** 2 + 1) ** 3 / h,
               (sp.Subs(3 * u ** 2 + 3 * u * k + k ** 2, (u, k), (x ** 2 + 1, h * (2 * x + h))), "forgot g's quotient",
                "expand"), domain=[sp.Ne(h, 0)])


# -------------------------------------------------------------------------------------- backprop, Fig. 1

@pytest.mark.parametrize("hidden,loss", [("sigmoid", "squared"), ("tanh", "squared"), ("tanh", "cross-entropy")])
def test_backprop_recursion_equals_sympy_gradient(hidden, loss):
    """calculus.backprop-figure1: every entry of the recursion's dW1, dW2 is SymPy's derivative (proved)."""
    x, W1, W2, y = calculus.figure1_symbols()
    L = calculus.figure1_symbolic_loss(x, W1, W2, y, hidden, loss)
    rec = calculus.figure1_symbolic_backprop(x, W1, W2, y, hidden, loss)
    for W, key in ((W2, "dW2"), (W1, "dW1")):
        d = derive(calculus.symbolic_gradient(L, W, evaluate=False), claim="calculus.backprop-figure1")
        d.step(rec[key], "backward recursion", rewrite="together")
        assert d.result.shape == W.shape


def test_wrong_recursion_is_not_proved():
    """The proof can fail: dropping psi_1'(Z_1) from delta_1 is caught (one hidden unit, one output)."""
    x, w, v, y = sp.symbols("x w v y", real=True)
    L = (sp.tanh(x * w) * v - y) ** 2 / 2
    wrong = (sp.tanh(x * w) * v - y) * v * x  # forgot tanh'(xw) = 1 - tanh(xw)^2
    with pytest.raises(ProofError):
        derive(sp.Derivative(L, w), (wrong, "forgot psi'"))
    derive(sp.Derivative(L, w), (wrong * (1 - sp.tanh(x * w) ** 2), "with psi'"), claim="calculus.backprop-figure1")


@pytest.mark.parametrize("hidden,loss", [("sigmoid", "squared"), ("tanh", "squared"), ("sigmoid", "cross-entropy")])
def test_numpy_backprop_agrees_with_sympy(hidden, loss):
    """calculus.backprop-figure1: figure1_backprop against the lambdified symbolic gradient."""
    x, W1, W2, y = calculus.figure1_symbols()
    L = calculus.figure1_symbolic_loss(x, W1, W2, y, hidden, loss)
    for k, W in enumerate((W1, W2)):
        def numeric(xv, W1v, W2v, yv, k=k):
            Y = yv if loss == "squared" else np.array([[yv[0, 0], 1.0 - yv[0, 0]]])
            return calculus.figure1_backprop(xv, W1v, W2v, Y, hidden, loss)[k]
        report = agree(calculus.symbolic_gradient(L, W), numeric, [x, W1, W2, y], domain={3: (0.0, 1.0)},
                       points=8, rtol=SYMPY_RTOL, claim="calculus.backprop-figure1")
        assert report.passed


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh"])
@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_backprop_gradcheck_and_engine(rng, hidden, loss):
    """calculus.backprop-figure1 and calculus.engine-matches-sympy on a batch: gradcheck and equality."""
    X, W1, W2, Y = _figure1_point(rng, probabilities=loss == "cross-entropy")
    report = gradcheck(lambda a, b: np.array(calculus.figure1_loss(X, a, b, Y, hidden, loss)),
                       lambda u, a, b: tuple(u * g for g in calculus.figure1_backprop(X, a, b, Y, hidden, loss)),
                       [W1, W2], claim="calculus.backprop-figure1")
    assert report.passed
    for mine, engine in zip(calculus.figure1_backprop(X, W1, W2, Y, hidden, loss),
                            calculus.figure1_engine_gradients(X, W1, W2, Y, hidden, loss)):
        assert np.max(np.abs(mine - engine)) <= EXACT_RTOL * max(1.0, np.max(np.abs(mine)))


def test_softmax_cross_entropy_delta_in_figure1_backprop(rng):
    """calculus.softmax-ce-delta in mathdl code: with softmax outputs and rows of Y summing to 1, figure1_backprop's
    dW2 = X_1^T (softmax(Z_2) - Y) (the delta written out here), and the engine's dL/dZ_2 is softmax(Z_2) - Y."""
    from mathdl import softmax

    X, W1, W2, Y = _figure1_point(rng, probabilities=True)
    fwd = calculus.figure1_forward(X, W1, W2, "sigmoid", "cross-entropy")
    delta2 = softmax.softmax(fwd["Z2"]) - Y
    _, dW2 = calculus.figure1_backprop(X, W1, W2, Y, "sigmoid", "cross-entropy")
    assert np.max(np.abs(dW2 - fwd["X1"].T @ delta2)) <= EXACT_RTOL * max(1.0, np.max(np.abs(dW2)))
    from mathdl import autodiff as ad

    Z2 = ad.Tensor(fwd["Z2"])
    (Y * (ad.logsumexp(Z2, axis=1, keepdims=True) - Z2)).sum().backward()
    assert np.max(np.abs(Z2.grad - delta2)) <= EXACT_RTOL


def test_symbolic_backprop_intermediate_delta2(rng):
    """calculus.backprop-figure1: figure1_symbolic_backprop's delta_2 is Z_2 - y (squared) and softmax(Z_2) - t
    (cross-entropy): evaluated at a random point it equals the engine's cotangent of Z_2."""
    from mathdl import autodiff as ad

    x, W1, W2, y = calculus.figure1_symbols()
    xv, W1v, W2v = rng.standard_normal((1, 3)), rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    y1 = float(rng.uniform(0.1, 0.9))
    point = {**dict(zip(x, xv.ravel())), **dict(zip(W1, W1v.ravel())), **dict(zip(W2, W2v.ravel())),
             y[0]: y1, y[1]: 1.0 - y1}
    for hidden, loss in [("sigmoid", "squared"), ("tanh", "cross-entropy")]:
        rec = calculus.figure1_symbolic_backprop(x, W1, W2, y, hidden, loss)
        delta2 = np.array(rec["delta2"].subs(point).evalf(30), dtype=float)
        target = np.array([[y1, 1.0 - y1]])
        Z2 = ad.Tensor(calculus.figure1_forward(xv, W1v, W2v, hidden, loss)["Z2"])
        L = (0.5 * ((Z2 - target) ** 2).sum() if loss == "squared"
             else (target * (ad.logsumexp(Z2, axis=1, keepdims=True) - Z2)).sum())
        L.backward()
        assert np.max(np.abs(delta2 - Z2.grad)) <= SYMPY_RTOL, (hidden, loss)
        assert rec["delta1"].shape == (1, 4) and rec["dW1"].shape == (3, 4) and rec["dW2"].shape == (4, 2)


def test_figure1_forward_and_loss_exact(rng):
    """figure1_forward's intermediates and figure1_loss against the formulas written out in numpy."""
    X, W1, W2, Y = _figure1_point(rng, probabilities=True)
    for hidden, act in (("sigmoid", lambda z: 1 / (1 + np.exp(-z))), ("tanh", np.tanh)):
        fwd = calculus.figure1_forward(X, W1, W2, hidden, "cross-entropy")
        Z1 = X @ W1
        Z2 = act(Z1) @ W2
        P = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
        for key, ref in (("Z1", Z1), ("X1", act(Z1)), ("Z2", Z2), ("Yhat", P)):
            assert np.max(np.abs(fwd[key] - ref)) <= EXACT_RTOL * max(1.0, np.max(np.abs(ref))), key
        ce = calculus.figure1_loss(X, W1, W2, Y, hidden, "cross-entropy")
        assert math.isclose(ce, -np.sum(Y * np.log(P)), rel_tol=EXACT_RTOL)
        sq = calculus.figure1_loss(X, W1, W2, Y, hidden, "squared")
        assert math.isclose(sq, 0.5 * np.sum((Z2 - Y) ** 2), rel_tol=EXACT_RTOL)
        assert np.array_equal(calculus.figure1_forward(X, W1, W2, hidden, "squared")["Yhat"],
                              calculus.figure1_forward(X, W1, W2, hidden, "squared")["Z2"])


def test_figure1_invariants(rng):
    """Zero loss at a perfect fit gives zero gradient; the loss is a sum over examples."""
    X, W1, W2, _ = _figure1_point(rng)
    Y = calculus.figure1_forward(X, W1, W2, "tanh")["Yhat"]
    assert calculus.figure1_loss(X, W1, W2, Y, "tanh") == 0.0
    assert all(np.all(g == 0) for g in calculus.figure1_backprop(X, W1, W2, Y, "tanh"))
    X, W1, W2, Y = _figure1_point(rng)
    whole = calculus.figure1_loss(X, W1, W2, Y)
    parts = sum(calculus.figure1_loss(X[i:i + 1], W1, W2, Y[i:i + 1]) for i in range(len(X)))
    assert math.isclose(whole, parts, rel_tol=EXACT_RTOL)


def test_figure1_bad_input(rng):
    X, W1, W2, Y = _figure1_point(rng)
    with pytest.raises(ValueError, match="figure1_backprop: hidden must be one of"):
        calculus.figure1_backprop(X, W1, W2, Y, hidden="relu6")
    with pytest.raises(ValueError, match="figure1_loss: loss must be one of"):
        calculus.figure1_loss(X, W1, W2, Y, loss="hinge")
    with pytest.raises(ValueError, match=r"figure1_backprop: W1 must have 3 rows .* got shape \(4, 4\)"):
        calculus.figure1_backprop(X, np.ones((4, 4)), W2, Y)
    with pytest.raises(ValueError, match=r"X must be 2-D; got shape \(3,\). Use X\[None, :\]"):
        calculus.figure1_loss(X[0], W1, W2, Y)
    with pytest.raises(TypeError, match="must hold real numbers"):
        calculus.figure1_forward(X.astype(complex), W1, W2)


# ------------------------------------------------------------------------------------------ cost of modes

def test_vjp_cost_closed_form():
    """calculus.vjp-cost: counted multiplications equal d_K C (reverse) and d_0 C (forward)."""
    d = sp.symbols("d0:4", positive=True, integer=True)
    C = d[1] * d[0] + d[2] * d[1] + d[3] * d[2]

    def integers(rng, shape):
        return rng.integers(1, 60, size=shape).astype(float)

    for mode, factor in (("reverse", d[3]), ("forward", d[0])):
        report = agree(factor * C, lambda *w, mode=mode: calculus.jacobian_cost([int(v) for v in w], mode),
                       list(d), domain=integers, points=20, claim="calculus.vjp-cost")
        assert report.passed


@settings(max_examples=40, deadline=None)
@given(widths=st.lists(st.integers(1, 40), min_size=2, max_size=6))
def test_vjp_cost_property(widths):
    """calculus.vjp-cost: reverse/forward = d_K/d_0, so for a scalar output reverse mode is never worse."""
    C = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    assert calculus.jacobian_cost(widths, "reverse") == widths[-1] * C
    assert calculus.jacobian_cost(widths, "forward") == widths[0] * C
    assert calculus.jacobian_cost(widths[:-1] + [1], "reverse") <= calculus.jacobian_cost(widths[:-1] + [1],
                                                                                          "forward")


def test_vjp_cost_bad_input():
    with pytest.raises(ValueError, match="jacobian_cost: mode must be"):
        calculus.jacobian_cost([3, 2], "sideways")
    with pytest.raises(ValueError, match="every width must be a positive int"):
        calculus.jacobian_cost([3, 0, 2], "reverse")


# ------------------------------------------------------------------------------------ finite differences

def test_central_difference_truncation_error():
    """calculus.central-difference-error: odd Taylor terms survive the central difference (proved)."""
    h = sp.Symbol("h", positive=True)
    a = sp.symbols("a0:6", real=True)

    def p(t):
        return sum(a[k] * t ** k for k in range(6))

    derive((p(h) - p(-h)) / (2 * h), (a[1] + a[3] * h ** 2 + a[5] * h ** 4, "even powers cancel"),
           claim="calculus.central-difference-error")
    derive((p(h) - p(0)) / h, (a[1] + a[2] * h + a[3] * h ** 2 + a[4] * h ** 3 + a[5] * h ** 4,
                               "divide by h"), claim="calculus.central-difference-error")


def test_difference_errors_match_the_leading_term():
    """calculus.central-difference-error, numerically: at h = 1e-3, error/h^2 -> f'''/6 and error/h -> f''/2."""
    x, h = 0.3, 1e-3
    central = float(calculus.central_difference(np.exp, x, h)) - math.exp(x)
    forward = float(calculus.forward_difference(np.exp, x, h)) - math.exp(x)
    assert math.isclose(central / h ** 2, math.exp(x) / 6, rel_tol=1e-3)
    assert math.isclose(forward / h, math.exp(x) / 2, rel_tol=1e-2)


def test_optimal_step_is_the_minimiser():
    """calculus.optimal-step: SymPy's stationary point of the error model equals optimal_step; E'' > 0."""
    h, M, F, eps = sp.symbols("h M F varepsilon", positive=True)
    models = {"forward": M * h / 2 + 2 * eps * F / h, "central": M * h ** 2 / 6 + eps * F / h}
    for kind, E in models.items():
        (h_star,) = sp.solve(sp.diff(E, h), h)
        assert sp.simplify(sp.diff(E, h, 2).subs(h, h_star)).is_positive
        positive = {M: (0.1, 10.0), F: (0.1, 10.0), eps: (1e-17, 1e-14)}
        assert agree(h_star, lambda m, f, e, kind=kind: calculus.optimal_step(kind, m, f, e), [M, F, eps],
                     domain=positive, claim="calculus.optimal-step").passed
        assert agree(E, lambda hh, m, f, e, kind=kind: calculus.difference_error_model(hh, kind, m, f, e),
                     [h, M, F, eps], domain={h: (1e-8, 1e-2), **positive}, claim="calculus.optimal-step").passed


def test_measured_best_step_is_near_the_prediction():
    """calculus.optimal-step: the measured error of exp at x = 1 is smallest within a factor of the predicted h."""
    h = np.logspace(-14, -1, 131)
    errors = calculus.difference_errors(np.exp, math.e, 1.0, h)
    for kind in ("forward", "central"):
        best = h[np.argmin(errors[kind])]
        predicted = calculus.optimal_step(kind, math.e, math.e)
        assert predicted / STEP_FACTOR <= best <= predicted * STEP_FACTOR, (kind, best, predicted)
    assert np.min(errors["central"]) < np.min(errors["forward"])


def test_difference_errors_deterministic_core():
    """calculus.central-difference-error / optimal-step, exactly: for f(t) = t^3 at x = 1 with dyadic steps every
    value is exact in float64: forward error 3h + h^2, central error h^2."""
    h = np.array([0.5, 0.25, 0.125])
    errors = calculus.difference_errors(lambda t: t ** 3, 3.0, 1.0, h)
    assert np.array_equal(errors["forward"], 3 * h + h ** 2)
    assert np.array_equal(errors["central"], h ** 2)
    assert np.array_equal(calculus.forward_difference(lambda t: t ** 2, 3.0, h), 6.0 + h)
    assert np.array_equal(calculus.central_difference(lambda t: t ** 2, 3.0, h), np.full(3, 6.0))
    with pytest.raises(ValueError, match="difference_errors: dfdx must be a finite real number"):
        calculus.difference_errors(np.exp, math.nan, 1.0, h)


def test_error_model_and_optimal_step_exact_values():
    """calculus.optimal-step, exactly: E_fwd = M h / 2 + 2 eps |f| / h and E_cen = M h^2 / 6 + eps |f| / h at
    chosen numbers, and h* = 2 sqrt(eps |f| / M), (3 eps |f| / M)^(1/3)."""
    assert calculus.difference_error_model(0.5, "forward", 2.0, 1.0, 0.25) == 1.5
    assert calculus.difference_error_model(1.0, "central", 6.0, 2.0, 0.5) == 2.0
    assert np.array_equal(calculus.difference_error_model(np.array([1.0, 2.0]), "central", 6.0, 1.0, 1.0),
                          np.array([2.0, 4.5]))
    assert calculus.optimal_step("forward", 4.0, 1.0, 0.01) == 0.1
    assert math.isclose(calculus.optimal_step("central", 1.0, 8.0, 1.0 / 3.0), 2.0, rel_tol=1e-15)
    assert math.isclose(calculus.optimal_step("central", 1.0, 1.0), (3 * 2.0 ** -52) ** (1 / 3), rel_tol=1e-15)


def test_unit_roundoff_and_machine_epsilon():
    """u = 2^-53 is the unit round-off (1 + u rounds to 1, ties to even); eps = 2^-52 is the spacing at 1."""
    assert calculus.UNIT_ROUNDOFF == 2.0 ** -53 and calculus.MACHINE_EPS == 2.0 ** -52
    assert 1.0 + calculus.UNIT_ROUNDOFF == 1.0 and 1.0 + calculus.MACHINE_EPS > 1.0
    assert np.nextafter(1.0, 2.0) - 1.0 == calculus.MACHINE_EPS


def test_difference_bad_input():
    with pytest.raises(ValueError, match="central_difference: h must be positive"):
        calculus.central_difference(np.exp, 1.0, 0.0)
    with pytest.raises(TypeError, match="forward_difference: f must be a callable"):
        calculus.forward_difference(2.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="optimal_step: kind must be"):
        calculus.optimal_step("backward", 1.0, 1.0)
    with pytest.raises(ValueError, match="difference_error_model: M must be a positive"):
        calculus.difference_error_model(1e-3, "central", -1.0, 1.0)


# The figures of this chapter are tested in tests/test_figures_calculus.py.

def test_backprop_refuses_cross_entropy_targets_that_do_not_sum_to_one(rng):
    """calculus.softmax-ce-delta needs sum_j y_j = 1; figure1_backprop says so instead of returning a wrong delta."""
    X, W1, W2, Y = _figure1_point(rng, probabilities=True)
    with pytest.raises(ValueError, match="figure1_backprop: for cross-entropy every row of Y must sum to 1"):
        calculus.figure1_backprop(X, W1, W2, 2.0 * Y, "tanh", "cross-entropy")
    calculus.figure1_backprop(X, W1, W2, 2.0 * Y, "tanh", "squared")  # squared error has no such condition

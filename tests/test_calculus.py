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

def test_chain_rule_generic_and_concrete():
    """calculus.chain-rule: (f o g)' = f'(g) g' for undefined f, g and for sin(x^2)."""
    x, u = sp.Symbol("x", real=True), sp.Symbol("u", real=True)
    f, g = sp.Function("f"), sp.Function("g")
    derive(sp.Derivative(f(g(x)), x),
           (sp.Subs(sp.Derivative(f(u), u), u, g(x)) * sp.Derivative(g(x), x), "chain rule"),
           claim="calculus.chain-rule")
    derive(sp.Derivative(sp.exp(sp.sin(x)), x), (sp.exp(sp.sin(x)) * sp.cos(x), "chain rule"),
           claim="calculus.chain-rule")
    with pytest.raises(ProofError):  # the check can fail: forgetting the inner derivative
        derive(sp.Derivative(sp.exp(sp.sin(x)), x), (sp.exp(sp.sin(x)), "wrong on purpose"))


def test_jacobian_chain_rule():
    """calculus.jacobian-chain-rule: J_{f o g} = J_f(g(x)) J_g(x) for explicit maps R^2 -> R^3 -> R^2."""
    x = sp.Matrix(sp.symbols("x1 x2", real=True))
    v = sp.Matrix(sp.symbols("v1:4", real=True))
    g = sp.Matrix([x[0] * x[1], sp.tanh(x[0]), x[1] ** 3])
    f = sp.Matrix([v[0] * sp.exp(v[2]), v[1] ** 2 - v[0]])
    at_g = dict(zip(v, g))
    derive(f.subs(at_g).jacobian(x), (f.jacobian(v).subs(at_g) * g.jacobian(x), "Jacobians multiply"),
           claim="calculus.jacobian-chain-rule")


# -------------------------------------------------------------------------------------- backprop, Fig. 1

@pytest.mark.parametrize("hidden,loss", [("sigmoid", "squared"), ("tanh", "squared"), ("tanh", "cross-entropy")])
def test_backprop_recursion_equals_sympy_gradient(hidden, loss):
    """calculus.backprop-figure1: every entry of the recursion's dW1, dW2 is SymPy's derivative (proved)."""
    x, W1, W2, y = calculus.figure1_symbols()
    L = calculus.figure1_symbolic_loss(x, W1, W2, y, hidden, loss)
    rec = calculus.figure1_symbolic_backprop(x, W1, W2, y, hidden, loss)
    for W, key in ((W2, "dW2"), (W1, "dW1")):
        d = derive(calculus.symbolic_gradient(L, W), claim="calculus.backprop-figure1")
        d.step(rec[key], "backward recursion", hint=sp.together)
        assert d.result.shape == W.shape


def test_wrong_recursion_is_not_proved():
    """The proof can fail: dropping psi_1'(Z_1) from delta_1 is caught (one hidden unit, one output)."""
    x, w, v, y = sp.symbols("x w v y", real=True)
    L = (sp.tanh(x * w) * v - y) ** 2 / 2
    wrong = (sp.tanh(x * w) * v - y) * v * x  # forgot tanh'(xw) = 1 - tanh(xw)^2
    with pytest.raises(ProofError):
        derive(sp.diff(L, w), (wrong, "forgot psi'"))
    derive(sp.diff(L, w), (wrong * (1 - sp.tanh(x * w) ** 2), "with psi'"), claim="calculus.backprop-figure1")


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


def test_softmax_cross_entropy_delta():
    """calculus.softmax-ce-delta: dL/dz = softmax(z) - t when the targets sum to 1."""
    z = sp.Matrix(sp.symbols("z1:4", real=True))
    t1, t2 = sp.symbols("t1 t2", real=True)
    t = sp.Matrix([t1, t2, 1 - t1 - t2])
    total = sum(sp.exp(zi) for zi in z)
    L = -sum(t[j] * (z[j] - sp.log(total)) for j in range(3))
    derive(sp.Matrix([sp.diff(L, zj) for zj in z]), (z.applyfunc(lambda zi: sp.exp(zi) / total) - t,
                                                      "targets sum to 1"), claim="calculus.softmax-ce-delta")


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


def test_difference_bad_input():
    with pytest.raises(ValueError, match="central_difference: h must be positive"):
        calculus.central_difference(np.exp, 1.0, 0.0)
    with pytest.raises(TypeError, match="forward_difference: f must be a callable"):
        calculus.forward_difference(2.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="optimal_step: kind must be"):
        calculus.optimal_step("backward", 1.0, 1.0)
    with pytest.raises(ValueError, match="difference_error_model: M must be a positive"):
        calculus.difference_error_model(1e-3, "central", -1.0, 1.0)


# ---------------------------------------------------------------------------------------------- figures

def test_training_figure_reports_accuracy_and_divergence():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mathdl.figures import calculus as figures

    fig = figures.training_figure(steps=100)
    assert "training accuracy" in fig.axes[1].get_title()
    plt.close(fig)
    ax = figures.plot_difference_errors()
    assert ax.get_xscale() == "log"
    plt.close("all")

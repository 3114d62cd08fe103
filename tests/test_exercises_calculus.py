"""Tests of the self-checks of the chapter "Calculus and backpropagation" (``mathdl/exercises/calculus.py``).

Every registered solution is recomputed independently — by the engine, SymPy from definitions, enumeration, a
numerical minimiser or the chapter's mathdl functions — and typical wrong answers get the hint expected.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from mathdl import autodiff as ad
from mathdl import calculus_cost as cost
from mathdl import calculus_forward as cf
from mathdl import exercises as E
from mathdl.exercises import check
from mathdl.verify import gradcheck

CALC = E.exercises("calculus")


def _sol(name: str) -> E.Exercise:
    return E._get(f"ex-calculus-{name}")


def test_the_chapter_has_self_checks_of_every_answer_kind():
    assert len(CALC) >= 5
    assert {"expression", "number", "function", "vjp"} <= {e.kind for e in CALC}


# -- each registered solution recomputed independently ------------------------------------------------------------

def test_third_layer_solution_is_the_engine_gradient(rng):
    ex = _sol("third-layer")
    for _ in range(3):
        x, W1, W2, W3, y = (rng.standard_normal(s) for s in ex.shapes)
        engine = ad.grad(lambda A: 0.5 * ((ad.tanh(ad.tanh(x @ A) @ W2) @ W3 - y) ** 2).sum())(W1)
        assert np.allclose(ex.solution(x, W1, W2, W3, y), engine, rtol=1e-12, atol=1e-14)


def test_forward_step_solution_minimises_the_error_model():
    ex = _sol("forward-step")
    M, F, eps = ex.symbols
    h = sp.Symbol("h", positive=True)
    E_h = M * h / 2 + 2 * eps * F / h
    for point in ({M: 1.0, F: 1.0, eps: 2.0**-52}, {M: 3.0, F: 0.5, eps: 1e-10}):
        h_star = float(ex.solution.subs(point))
        E_num = sp.lambdify(h, E_h.subs(point))
        grid = h_star * np.linspace(0.5, 1.5, 100_001)
        assert grid[np.argmin(E_num(grid))] == pytest.approx(h_star, rel=1e-4)


def test_dual_quotient_solution_by_the_matrix_model_and_the_code():
    ex = _sol("dual-quotient")
    a, b, c, d = ex.symbols
    quotient = sp.Matrix([[a, b], [0, a]]) * sp.Matrix([[c, d], [0, c]]).inv()
    assert sp.simplify(quotient[0, 1] - ex.solution) == 0
    q = cf.Dual(1.3, -0.4) / cf.Dual(0.7, 2.1)
    assert float(ex.solution.subs({a: 1.3, b: -0.4, c: 0.7, d: 2.1})) == pytest.approx(q.tangent, rel=1e-13)


def test_checkpoint_budget_solution_by_enumeration_and_counting(rng):
    ex = _sol("checkpoint-budget")
    K = 100
    memory = {s: math.ceil(K / s) + s for s in range(1, K + 1)}
    best = min(memory, key=memory.get)
    assert list(memory.values()).count(memory[best]) == 1
    Ws = [rng.standard_normal((3, 3)) / 2 for _ in range(K)]
    x = rng.standard_normal((2, 3))
    plain = cost.chain_gradients(x, Ws)[2]
    ckpt = cost.chain_gradients(x, Ws, segment=10)[2]
    forward, backward = plain["layer_evaluations"], 2 * plain["layer_evaluations"]
    extra = (ckpt["layer_evaluations"] - forward) / (forward + backward)
    assert ex.solution == pytest.approx((plain["peak_activations"], ckpt["peak_activations"], best, extra),
                                        rel=1e-12)


def test_flops_solution_from_the_shapes_of_the_products():
    ex = _sol("flops")
    widths, n = [784, 512, 256, 10], 64
    layers = list(zip(widths[:-1], widths[1:]))
    forward = sum(n * i * o for i, o in layers)
    weight_grads = sum(i * n * o for i, o in layers)                   # X_{k-1}^T delta_k
    input_grads = sum(n * o * i for i, o in layers[1:])                # delta_k W_k^T, not for the data
    assert ex.solution == (forward, weight_grads + input_grads)
    assert ex.solution == tuple(cost.gradient_flops(widths, n).values())


def test_softmax_vjp_solution_is_the_transposed_jacobian_and_the_engine(rng):
    ex = _sol("softmax-vjp")
    x, g = rng.standard_normal(4), rng.standard_normal(4)
    y = np.exp(x) / np.exp(x).sum()
    J = np.diag(y) - np.outer(y, y)                                   # d y_i / d x_j, from the quotient rule
    assert np.allclose(ex.solution(g, x), J.T @ g, rtol=1e-12)
    x_t = ad.Tensor(x)
    ad.exp(x_t - ad.logsumexp(x_t)).backward(seed=g)
    assert np.allclose(ex.solution(g, x), x_t.grad, rtol=1e-12)
    gradcheck(ex.forward, ex.solution, [x])


def test_bias_bug_solution_is_the_engine_gradient(rng):
    ex = _sol("bias-bug")
    b, g = rng.standard_normal(4), rng.standard_normal((3, 4))
    b_t = ad.Tensor(b)
    (ad.Tensor(ex.forward(np.zeros(4))) + b_t).backward(seed=g)
    assert np.allclose(ex.solution(g, b), b_t.grad, rtol=1e-15)
    gradcheck(ex.forward, ex.solution, [b])


# -- typical wrong answers and their hints ------------------------------------------------------------------------

def test_third_layer_wrong_answers():
    sol = _sol("third-layer").solution

    def no_derivative(x, W1, W2, W3, y):                             # forgets the tanh' factors
        X1 = np.tanh(x @ W1)
        delta2 = (np.tanh(X1 @ W2) @ W3 - y) @ W3.T
        return x.T @ ((delta2 @ W2.T) * (1 - X1**2))

    assert "transpose" in check("ex-calculus-third-layer", lambda *a: sol(*a).T).hint
    v = check("ex-calculus-third-layer", no_derivative)
    assert not v.correct and "relative error" in v.hint
    assert "factor 2" in check("ex-calculus-third-layer", lambda *a: 2 * sol(*a)).hint


def test_forward_step_hints():
    assert check("ex-calculus-forward-step", "sqrt(4*eps*F/M)").correct
    assert "factor 2" in check("ex-calculus-forward-step", "sqrt(eps*F/M)").hint
    assert not check("ex-calculus-forward-step", "(3*eps*F/M)**(1/3)").correct     # the central step
    assert "does not define" in check("ex-calculus-forward-step", "2*sqrt(epsilon*F/M)").message


def test_dual_quotient_hints():
    assert check("ex-calculus-dual-quotient", "b/c - a*d/c**2").correct
    assert "sign" in check("ex-calculus-dual-quotient", "(a*d - b*c)/c**2").hint
    v = check("ex-calculus-dual-quotient", "(b*c - a*d)/c")
    assert not v.correct and "differs" in v.hint


def test_number_hints():
    assert check("ex-calculus-checkpoint-budget", (101, 20, 10, 0.333)).correct         # 3 significant digits
    assert "number 1 of 4 is off" in check("ex-calculus-checkpoint-budget", (100, 20, 10, 1 / 3)).hint
    assert "number 4 of 4 is off" in check("ex-calculus-checkpoint-budget", (101, 20, 10, 0.25)).hint
    F = 34_242_560
    assert "number 2 of 2 is off" in check("ex-calculus-flops", (F, 2 * F)).hint         # input gradient counted
    assert "expected 2 number(s)" in check("ex-calculus-flops", F).message


def test_vjp_hints():
    def softmax(x):
        return np.exp(x) / np.exp(x).sum()

    diagonal_only = check("ex-calculus-softmax-vjp", lambda g, x: g * softmax(x) * (1 - softmax(x)))
    assert not diagonal_only.correct and "relative error" in diagonal_only.hint
    assert "sign" in check("ex-calculus-softmax-vjp", lambda g, x: -softmax(x) * (g - g @ softmax(x))).hint
    assert "shape (3,)" in check("ex-calculus-bias-bug", lambda g, b: g.sum(axis=-1)).hint    # the bug itself
    assert "constant factor" in check("ex-calculus-bias-bug", lambda g, b: g.mean(axis=0)).hint
    assert "shape (3, 4)" in check("ex-calculus-bias-bug", lambda g, b: g).hint


@pytest.mark.parametrize("name", ["softmax-vjp", "bias-bug"])
def test_vjp_answers_are_checked_at_several_points(name):
    ex = _sol(name)
    calls = []

    def spy(g, x):
        calls.append(x.copy())
        return ex.solution(g, x)

    assert check(ex.id, spy).correct
    assert len(calls) == 5 and not any(np.allclose(p, q) for p, q in itertools.combinations(calls, 2))

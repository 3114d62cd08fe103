"""Tests of the reverse-mode autodiff engine (mathdl.autodiff, mathdl.autodiff.ops).

Book: Calculus and backpropagation, "An automatic differentiation engine". Every primitive VJP is checked
against central differences (claim calculus.op-vjps), including reused inputs and broadcasting (claim
calculus.broadcast-reduction); the engine's gradients of the Figure-1 loss are compared with SymPy's (claim
calculus.engine-matches-sympy).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mathdl import autodiff as ad
from mathdl import calculus
from mathdl.autodiff.ops import OPS, unbroadcast
from mathdl.verify import GradcheckError, agree, gradcheck

#: Largest relative error between two ways of computing the same gradient in float64 arithmetic.
EXACT_RTOL = 1e-12
#: Largest relative error between engine gradients and lambdified SymPy gradients.
SYMPY_RTOL = 1e-10


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240611)


def _close(a: np.ndarray, b: np.ndarray, rtol: float = EXACT_RTOL) -> bool:
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1.0)
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0)) <= rtol * scale


# ------------------------------------------------------------------------------------- every primitive

def _op_cases(rng: np.random.Generator) -> list[tuple[str, list[np.ndarray], dict]]:
    A = rng.standard_normal((3, 4))
    B = rng.standard_normal((4, 2))
    b = rng.standard_normal(4)
    col = rng.standard_normal((3, 1))
    pos = rng.uniform(0.5, 2.0, (3, 4))
    away_from_kink = np.where(np.abs(A) < 0.1, 0.5, A)  # relu is not differentiable at 0
    return [
        ("add", [A, b], {}), ("add", [A, col], {}), ("add", [A, A], {}),
        ("subtract", [b, A], {}), ("subtract", [col, A], {}),
        ("negative", [A], {}),
        ("multiply", [A, b], {}), ("multiply", [A, A], {}), ("multiply", [col, A], {}),
        ("divide", [A, pos], {}), ("divide", [b, pos], {}), ("divide", [A, pos[:, :1]], {}),
        ("power", [pos], {"p": 2.0}), ("power", [pos], {"p": -1.5}), ("power", [A], {"p": 3.0}),
        ("matmul", [A, B], {}), ("matmul", [b, B], {}), ("matmul", [A, b], {}), ("matmul", [b, b], {}),
        ("matmul", [rng.standard_normal((2, 3, 4)), B], {}),
        ("matmul", [rng.standard_normal((2, 1, 3, 4)), rng.standard_normal((3, 4, 2))], {}),
        ("exp", [A], {}), ("log", [pos], {}), ("tanh", [A], {}), ("sigmoid", [A], {}),
        ("relu", [away_from_kink], {}),
        ("sum", [A], {}), ("sum", [A], {"axis": 1}), ("sum", [A], {"axis": 0, "keepdims": True}),
        ("sum", [rng.standard_normal((2, 3, 4))], {"axis": (0, 2)}),
        ("mean", [A], {}), ("mean", [A], {"axis": -1}), ("mean", [A], {"axis": 0, "keepdims": True}),
        ("logsumexp", [A], {"axis": 1}), ("logsumexp", [A], {"axis": 0, "keepdims": True}),
        ("logsumexp", [A * 300.0], {}),
        ("reshape", [A], {"shape": (2, 6)}), ("reshape", [A], {"shape": (12,)}),
        ("transpose", [A], {"axes": None}), ("transpose", [rng.standard_normal((2, 3, 4))], {"axes": (2, 0, 1)}),
        ("getitem", [A], {"index": (slice(1, 3), slice(None, None, 2))}),
        ("getitem", [A], {"index": 2}),
        ("getitem", [A], {"index": (np.array([0, 2, 0]), np.array([1, 1, 1]))}),  # an entry picked 3 times
        ("getitem", [b], {"index": np.array([3, 3, 0])}),
        ("concatenate", [A, A[:1]], {"axis": 0}), ("concatenate", [A, col, A], {"axis": 1}),
        ("stack", [A, A, A], {"axis": 1}), ("stack", [b, b], {"axis": 0}),
    ]


def test_every_primitive_vjp_matches_central_differences(rng):
    """calculus.op-vjps: each VJP of OPS against central differences, with reused inputs and broadcasting."""
    cases = _op_cases(rng)
    assert {name for name, _, _ in cases} == set(OPS), "every primitive must have a gradcheck case"
    for name, inputs, params in cases:
        report = ad.gradcheck_op(name, inputs, claim="calculus.op-vjps", **params)
        assert report.passed, (name, params, report)


def test_gradcheck_of_a_wrong_vjp_fails(rng):
    """The check can fail: a VJP of multiply that forgets one factor is caught."""
    A, B = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    report = gradcheck(np.multiply, lambda u, a, b: (u * b, u), [A, B], check=False)
    assert not report.passed
    with pytest.raises(GradcheckError):
        gradcheck(np.multiply, lambda u, a, b: (u * b, u), [A, B])


def test_vjp_skips_inputs_that_need_no_gradient(rng):
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    ga, gb = OPS["matmul"].vjp(np.ones((3, 2)), A @ B, A, B, wants=(False, True))
    assert ga is None and _close(gb, A.T @ np.ones((3, 2)))


def test_unbroadcast_sums_over_broadcast_axes(rng):
    """calculus.broadcast-reduction: an input broadcast along axes gets the cotangent summed over them."""
    G = rng.standard_normal((2, 3, 4))
    assert _close(unbroadcast(G, (4,)), G.sum(axis=(0, 1)))
    assert _close(unbroadcast(G, (3, 1)), G.sum(axis=(0, 2))[:, None])
    assert unbroadcast(G, (2, 3, 4)) is G


# -------------------------------------------------------------------------------------------- the engine

def test_reused_node_accumulates(rng):
    x = rng.standard_normal((2, 3))
    a = ad.Tensor(x)
    (a + a).sum().backward()
    assert np.array_equal(a.grad, np.full((2, 3), 2.0))
    t = ad.Tensor(x)
    (t * t).sum().backward()  # f(x, x) with f = multiply
    assert _close(t.grad, 2 * x)


def test_diamond_graph(rng):
    """y = e^x used twice: z = y * y + y, dz/dx = 2 e^{2x} + e^x."""
    x = rng.standard_normal(5)
    t = ad.Tensor(x)
    y = ad.exp(t)
    (y * y + y).sum().backward()
    assert _close(t.grad, 2 * np.exp(2 * x) + np.exp(x))


def test_same_function_of_one_argument_twice():
    """grad(f)(x, x): two leaves with the same value are two variables."""
    x = np.array([1.0, 2.0])
    gx, gy = ad.grad(lambda a, b: (a * a * b).sum())(x, x)
    assert _close(gx, 2 * x * x) and _close(gy, x * x)


def test_deep_chain_without_recursion():
    """A chain of 10,000 operations: the topological order is iterative, so nothing recurses."""
    t = ad.Tensor(np.array(0.5))
    y = t
    for k in range(10_000):
        y = y * 1.0001 if k % 2 else y + 0.001
    y.backward()
    assert len(ad.topological_order(y)) == 10_001
    assert _close(t.grad, np.array(1.0001 ** 5000))


def test_topological_order_puts_inputs_first(rng):
    leaves = [ad.Tensor(rng.standard_normal(3)) for _ in range(4)]
    nodes = list(leaves)
    for k in range(30):  # a random DAG with shared sub-expressions
        i, j = rng.integers(0, len(nodes), 2)
        nodes.append(nodes[i] * nodes[j] if k % 2 else nodes[i] + nodes[j])
    root = ad.sum(ad.stack(nodes[-5:]))
    order = ad.topological_order(root)
    position = {id(n): k for k, n in enumerate(order)}
    assert len(position) == len(order) and order[-1] is root
    for node in order:
        for x in node._inputs:
            if isinstance(x, ad.Tensor) and x.requires_grad:
                assert position[id(x)] < position[id(node)]


def test_backward_is_fresh_each_call_and_leaf_grads_are_independent(rng):
    x, y = ad.Tensor(rng.standard_normal(3)), ad.Tensor(rng.standard_normal(3))
    out = (x + y).sum()
    out.backward()
    out.backward()
    assert np.array_equal(x.grad, np.ones(3))  # not 2: gradients are not summed across calls
    x.grad *= 5.0  # leaf gradients are writable and not shared
    assert np.array_equal(y.grad, np.ones(3))


def test_intermediate_cotangent_is_delta(rng):
    """The engine keeps dL/dZ on intermediate nodes: for squared error, Z2.grad = Z2 - Y = delta_2."""
    X, W1, W2, Y = (rng.standard_normal(s) for s in [(5, 3), (3, 4), (4, 2), (5, 2)])
    Z2 = ad.tanh(X @ ad.Tensor(W1)) @ ad.Tensor(W2)
    (0.5 * ((Z2 - Y) ** 2).sum()).backward()
    assert _close(Z2.grad, Z2.value - Y)


def test_constants_receive_no_gradient(rng):
    X = rng.standard_normal((4, 3))
    W = ad.Tensor(rng.standard_normal((3, 2)))
    c = ad.Tensor(rng.standard_normal(2), requires_grad=False)
    (X @ W + c).sum().backward()
    assert c.grad is None and _close(W.grad, X.T @ np.ones((4, 2)))
    assert (X @ W).op == "matmul" and ad.exp(c).op is None  # no history without a differentiable input


def test_array_on_the_left_defers_to_the_tensor(rng):
    x = rng.standard_normal(3)
    t = ad.Tensor(x)
    out = np.ones(3) * t + np.full(3, 2.0) - t / np.full(3, 4.0)
    assert isinstance(out, ad.Tensor)
    assert _close(out.value, x + 2.0 - x / 4.0)


def test_backward_with_a_seed_is_a_vjp(rng):
    A, B, U = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal((3, 2))
    a, b = ad.Tensor(A), ad.Tensor(B)
    (a @ b).backward(seed=U)
    assert _close(a.grad, U @ B.T) and _close(b.grad, A.T @ U)


def test_engine_matches_sympy_on_figure1():
    """calculus.engine-matches-sympy: engine gradients of the Figure-1 loss equal SymPy's, every entry."""
    x, W1, W2, y = calculus.figure1_symbols()
    for hidden, loss in [("sigmoid", "squared"), ("tanh", "squared"), ("tanh", "cross-entropy")]:
        L = calculus.figure1_symbolic_loss(x, W1, W2, y, hidden, loss)
        for k, W in enumerate((W1, W2)):
            def engine(xv, W1v, W2v, yv, k=k):
                Y = yv if loss == "squared" else np.array([[yv[0, 0], 1.0 - yv[0, 0]]])
                return calculus.figure1_engine_gradients(xv, W1v, W2v, Y, hidden, loss)[k]
            domain = {3: (0.0, 1.0)} if loss == "cross-entropy" else (-2.0, 2.0)
            report = agree(calculus.symbolic_gradient(L, W), engine, [x, W1, W2, y], domain=domain,
                           points=5, rtol=SYMPY_RTOL, claim="calculus.engine-matches-sympy")
            assert report.passed


def test_grad_and_value_and_grad_interfaces():
    value, g = ad.value_and_grad(lambda w: (w ** 2).sum(), argnums=0)(np.array([3.0, 4.0]))
    assert value == 25.0 and np.array_equal(g, np.array([6.0, 8.0]))
    g_unused = ad.grad(lambda a, b: (a * 2.0).sum())(np.ones(2), np.ones(3))
    assert np.array_equal(g_unused[1], np.zeros(3))  # an argument f ignores has gradient 0


@settings(max_examples=40, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       op=st.sampled_from(["add", "subtract", "multiply", "divide"]), seed=st.integers(0, 2**16))
def test_broadcasting_backward_property(shapes, op, seed):
    """calculus.broadcast-reduction: for any broadcastable shapes, the engine's VJP passes gradcheck."""
    rng = np.random.default_rng(seed)
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a = rng.standard_normal(sa)
    b = rng.uniform(0.5, 2.0, sb) * rng.choice([-1.0, 1.0], sb)  # away from 0 for divide

    def forward(x, y):
        return OPS[op].forward(x, y)

    def vjp(u, x, y):
        ta, tb = ad.Tensor(x), ad.Tensor(y)
        {"add": lambda: ta + tb, "subtract": lambda: ta - tb, "multiply": lambda: ta * tb,
         "divide": lambda: ta / tb}[op]().backward(seed=np.asarray(u, dtype=np.float64).reshape(out_shape))
        return ta.grad, tb.grad

    assert gradcheck(forward, vjp, [a, b], seed=seed, claim="calculus.broadcast-reduction").passed


# --------------------------------------------------------------------------------------------- bad input

def test_tensor_refuses_non_float64():
    with pytest.raises(TypeError, match="Tensor: value must be float64.*astype"):
        ad.Tensor(np.arange(3))
    with pytest.raises(TypeError, match="Tensor: value must be float64"):
        ad.Tensor(np.ones(3, dtype=np.float32))
    with pytest.raises(TypeError, match="Tensor: value must be a float64 numpy array; got list"):
        ad.Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="Tensor: value contains NaN"):
        ad.Tensor(np.array([1.0, np.nan]))


def test_operands_are_checked():
    t = ad.Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"add \(\+\): right operand .* dtype int64"):
        t + np.ones((2, 3), dtype=np.int64)
    with pytest.raises(TypeError, match="multiply"):
        t * "2"
    with pytest.raises(ValueError, match=r"subtract \(-\): shapes \(2, 3\) and \(2,\) do not broadcast"):
        t - np.ones(2)


def test_matmul_shape_mismatch_names_the_fix():
    with pytest.raises(ValueError, match=r"matmul \(@\): shapes \(2, 3\) and \(2, 4\) do not chain.*W.T"):
        ad.Tensor(np.ones((2, 3))) @ np.ones((2, 4))
    with pytest.raises(ValueError, match="at least one axis"):
        ad.matmul(ad.Tensor(np.ones(3)), 2.0)


def test_backward_on_non_scalar_needs_a_seed():
    y = ad.Tensor(np.ones((2, 2))) * 3.0
    with pytest.raises(ValueError, match=r"backward: the output has shape \(2, 2\).*backward\(seed=...\)"):
        y.backward()
    with pytest.raises(ValueError, match=r"seed must have the output's shape \(2, 2\)"):
        y.backward(seed=np.ones(3))
    with pytest.raises(ValueError, match="nothing to differentiate"):
        ad.Tensor(np.ones(1), requires_grad=False).sum().backward()


def test_domain_errors():
    with pytest.raises(ValueError, match="log: x must be positive"):
        ad.log(ad.Tensor(np.array([1.0, 0.0])))
    with pytest.raises(ValueError, match="divide .*zero entry"):
        ad.Tensor(np.ones(2)) / np.array([1.0, 0.0])
    with pytest.raises(ValueError, match="exp: an argument .* overflows"):
        ad.exp(ad.Tensor(np.array([800.0])))
    with pytest.raises(TypeError, match="exponent must be a constant.*exp\\(y \\* log\\(x\\)\\)"):
        ad.Tensor(np.ones(2)) ** ad.Tensor(np.ones(2))
    with pytest.raises(ValueError, match="negative base"):
        ad.Tensor(np.array([-1.0])) ** 0.5
    with pytest.raises(ValueError, match="zero entry and the exponent"):
        ad.Tensor(np.array([0.0])) ** 0.5


def test_shape_operation_errors():
    t = ad.Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of range .*\(shape \(2, 3\)\)"):
        t.sum(axis=2)
    with pytest.raises(ValueError, match="mean: axis .* repeats"):
        t.mean(axis=(1, -1))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape \(2, 3\) to \(4, 2\)"):
        t.reshape(4, 2)
    with pytest.raises(ValueError, match="transpose: axes must be a permutation"):
        t.transpose(0, 0)
    with pytest.raises(ValueError, match="concatenate: shapes"):
        ad.concatenate([t, ad.Tensor(np.ones((2, 2)))], axis=0)
    with pytest.raises(TypeError, match="concatenate: pass a non-empty list"):
        ad.concatenate(t)
    with pytest.raises(ValueError, match="stack: every item must have the same shape"):
        ad.stack([t, ad.Tensor(np.ones(3))])
    with pytest.raises(IndexError, match=r"index 5 is invalid for shape \(2, 3\)"):
        t[5]


def test_interface_errors():
    with pytest.raises(ValueError, match="value_and_grad: f must return a single number.*sum"):
        ad.grad(lambda x: x * 2.0)(np.ones(3))
    with pytest.raises(TypeError, match="f must return a Tensor"):
        ad.grad(lambda x: 1.0)(np.ones(3))
    with pytest.raises(ValueError, match="argnums holds 3"):
        ad.grad(lambda x: x.sum(), argnums=3)(np.ones(3))
    with pytest.raises(ValueError, match="gradcheck_op: unknown primitive 'cosh'"):
        ad.gradcheck_op("cosh", [np.ones(2)])
    with pytest.raises(TypeError, match="grad.*callable|value_and_grad: f must be callable"):
        ad.grad(3)



# ------------------------------------------------------------------------------------- special inputs

def test_power_zero_exponent_has_zero_gradient_at_zero():
    """x ** 0 = 1 is constant, so its gradient is 0 everywhere -- also at x = 0, where p x^(p-1) is 0 * inf."""
    x = np.array([0.0, 2.0, -3.0])
    g = ad.grad(lambda t: (t ** 0).sum())(x)
    assert np.array_equal(g, np.zeros(3))
    assert ad.gradcheck_op("power", [x], p=0.0).passed


# ------------------------------------------------------------------------ the public wrappers, run

def test_log_wrapper_value_and_gradient(rng):
    x = rng.uniform(0.5, 3.0, 4)
    t = ad.Tensor(x)
    y = ad.log(t)
    assert y.op == "log" and np.array_equal(y.value, np.log(x))
    y.sum().backward()
    assert _close(t.grad, 1.0 / x)


def test_relu_wrapper_value_and_gradient():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    t = ad.Tensor(x)
    y = ad.relu(t)
    assert y.op == "relu" and np.array_equal(y.value, np.array([0.0, 0.0, 0.0, 0.5, 3.0]))
    (y * np.arange(1.0, 6.0)).sum().backward()
    assert np.array_equal(t.grad, np.array([0.0, 0.0, 0.0, 4.0, 5.0]))  # subgradient 0 at the kink


def test_reshape_wrappers_move_values_and_cotangents(rng):
    A = rng.standard_normal((3, 4))
    U = rng.standard_normal((2, 6))
    for build in (lambda t: ad.reshape(t, (2, 6)), lambda t: t.reshape(2, 6), lambda t: t.reshape((2, 6)),
                  lambda t: t.reshape(2, -1)):
        t = ad.Tensor(A)
        y = build(t)
        assert y.op == "reshape" and np.array_equal(y.value, A.reshape(2, 6))
        y.backward(seed=U)
        assert np.array_equal(t.grad, U.reshape(3, 4))
    t = ad.Tensor(A)
    ad.reshape(t, 12).backward(seed=np.arange(12.0))
    assert np.array_equal(t.grad, np.arange(12.0).reshape(3, 4))


def test_transpose_wrappers_move_values_and_cotangents(rng):
    A = rng.standard_normal((3, 4))
    U = rng.standard_normal((4, 3))
    for build in (lambda t: ad.transpose(t), lambda t: t.transpose(), lambda t: t.T, lambda t: t.transpose(1, 0)):
        t = ad.Tensor(A)
        y = build(t)
        assert y.op == "transpose" and np.array_equal(y.value, A.T)
        y.backward(seed=U)
        assert np.array_equal(t.grad, U.T)
    C = rng.standard_normal((2, 3, 4))
    V = rng.standard_normal((4, 2, 3))
    t = ad.Tensor(C)
    y = ad.transpose(t, (-1, 0, 1))  # negative axes are allowed
    assert np.array_equal(y.value, np.transpose(C, (2, 0, 1)))
    y.backward(seed=V)
    assert np.array_equal(t.grad, np.transpose(V, (1, 2, 0)))


def test_concatenate_wrapper_splits_the_cotangent(rng):
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((3, 2))
    U = rng.standard_normal((3, 6))
    a, b = ad.Tensor(A), ad.Tensor(B)
    y = ad.concatenate([a, b], axis=1)
    assert y.op == "concatenate" and np.array_equal(y.value, np.concatenate([A, B], axis=1))
    y.backward(seed=U)
    assert np.array_equal(a.grad, U[:, :4]) and np.array_equal(b.grad, U[:, 4:])
    c = ad.Tensor(A)
    ad.concatenate([c, A, c], axis=0).backward(seed=np.ones((9, 4)))  # used twice, a constant between
    assert np.array_equal(c.grad, np.full((3, 4), 2.0))


def test_stack_wrapper_including_a_negative_axis(rng):
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    U = rng.standard_normal((3, 4, 2))
    a, b = ad.Tensor(A), ad.Tensor(B)
    y = ad.stack([a, b], axis=-1)
    assert y.op == "stack" and np.array_equal(y.value, np.stack([A, B], axis=-1))
    y.backward(seed=U)
    assert np.array_equal(a.grad, U[..., 0]) and np.array_equal(b.grad, U[..., 1])
    a = ad.Tensor(A)
    ad.stack([a, B], axis=0).backward(seed=np.stack([U[..., 1], U[..., 0]]))
    assert np.array_equal(a.grad, U[..., 1])
    with pytest.raises(ValueError, match="stack: axis -4 is out of range for the result's 3 axes"):
        ad.stack([a, b], axis=-4)


def test_mean_wrappers_value_and_gradient(rng):
    A = rng.standard_normal((3, 4))
    for build, expected_value, count in (
            (lambda t: ad.mean(t), A.mean(), 12), (lambda t: t.mean(), A.mean(), 12),
            (lambda t: t.mean(axis=0), A.mean(axis=0), 3), (lambda t: ad.mean(t, axis=-1, keepdims=True),
                                                            A.mean(axis=-1, keepdims=True), 4)):
        t = ad.Tensor(A)
        y = build(t)
        assert y.op == "mean" and _close(y.value, expected_value)
        y.sum().backward()
        assert _close(t.grad, np.full((3, 4), 1.0 / count))
    with pytest.raises(ValueError, match="mean: the input is empty"):
        ad.mean(ad.Tensor(np.ones((0, 2))))


def test_sum_wrapper_keepdims_and_tuple_axis(rng):
    C = rng.standard_normal((2, 3, 4))
    t = ad.Tensor(C)
    y = ad.sum(t, axis=(0, 2), keepdims=True)
    assert y.shape == (1, 3, 1) and _close(y.value, C.sum(axis=(0, 2), keepdims=True))
    y.backward(seed=np.array([[[1.0], [2.0], [3.0]]]))
    assert np.array_equal(t.grad, np.broadcast_to(np.array([1.0, 2.0, 3.0])[None, :, None], C.shape))


def test_matmul_batch_shapes_must_broadcast():
    with pytest.raises(ValueError, match=r"matmul \(@\) batch axes: shapes \(2,\) and \(3,\) do not broadcast"):
        ad.Tensor(np.ones((2, 3, 4))) @ np.ones((3, 4, 5))
    ok = ad.Tensor(np.ones((2, 1, 3, 4))) @ np.ones((5, 4, 2))  # (2, 1) and (5,) broadcast to (2, 5)
    assert ok.shape == (2, 5, 3, 2)


def test_power_exponents_one_and_two_and_negative(rng):
    x = rng.uniform(0.5, 2.0, 4)
    for p in (1.0, 2.0, 3.0, -1.5):
        g = ad.grad(lambda t, p=p: (t ** p).sum())(x)
        assert _close(g, p * x ** (p - 1)), p
    assert np.array_equal(ad.grad(lambda t: (t ** 1).sum())(np.array([0.0, 1.0])), np.ones(2))


def test_tanh_sigmoid_exp_wrappers(rng):
    x = rng.standard_normal(5)
    for fn, ref, dref in ((ad.tanh, np.tanh, lambda v: 1 - np.tanh(v) ** 2),
                          (ad.sigmoid, lambda v: 1 / (1 + np.exp(-v)), lambda v: np.exp(-v) / (1 + np.exp(-v)) ** 2),
                          (ad.exp, np.exp, np.exp)):
        t = ad.Tensor(x)
        y = fn(t)
        assert _close(y.value, ref(x))
        y.sum().backward()
        assert _close(t.grad, dref(x))


def test_logsumexp_wrapper_gradient_is_softmax(rng):
    from mathdl import softmax

    Z = rng.standard_normal((4, 3)) * 50.0
    t = ad.Tensor(Z)
    y = ad.logsumexp(t, axis=1)
    assert _close(y.value, np.log(np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1)) + Z.max(axis=1))
    y.sum().backward()
    assert _close(t.grad, softmax.softmax(Z))


# ------------------------------------------------------------ chain rules and the softmax delta, in code

def test_engine_applies_the_chain_rule():
    """calculus.chain-rule: the engine's derivative of exp(tanh(x)) is exp(tanh x) (1 - tanh^2 x), and the
    engine's derivative of (x^2 + 1)^3 is 3 (x^2 + 1)^2 2x -- the book's instance -- at many points."""
    x = np.linspace(-2.0, 2.0, 41)
    g = ad.grad(lambda t: ad.exp(ad.tanh(t)).sum())(x)
    assert _close(g, np.exp(np.tanh(x)) * (1 - np.tanh(x) ** 2))
    g = ad.grad(lambda t: ((t ** 2 + 1.0) ** 3).sum())(x)
    assert _close(g, 3 * (x ** 2 + 1) ** 2 * 2 * x)
    for x0 in (-1.3, 0.2, 0.9):  # and central differences of the composition agree with the engine
        fd = calculus.central_difference(lambda s: np.exp(np.tanh(s)), x0, 1e-5)
        assert abs(float(fd) - float(ad.grad(lambda t: ad.exp(ad.tanh(t)))(np.array(x0)))) < 1e-9


def test_engine_vjp_of_a_composition_is_the_product_of_jacobians(rng):
    """calculus.jacobian-chain-rule: for the book's g: R^2 -> R^3 and f: R^3 -> R^2, the engine's VJP u^T J_{f o g}
    equals u^T J_f(g(x)) J_g(x) built from the two Jacobians written out by hand."""
    for _ in range(5):
        x = rng.standard_normal(2)
        u = rng.standard_normal(2)
        t = ad.Tensor(x)
        x1, x2 = t[0], t[1]
        g = ad.stack([x1 * x2, x1 ** 2, x2 ** 2 - x1])
        v1, v2, v3 = g[0], g[1], g[2]
        ad.stack([v1 * v2 + v3, v1 * v3 ** 2]).backward(seed=u)
        gv = np.array([x[0] * x[1], x[0] ** 2, x[1] ** 2 - x[0]])
        J_g = np.array([[x[1], x[0]], [2 * x[0], 0.0], [-1.0, 2 * x[1]]])
        J_f = np.array([[gv[1], gv[0], 1.0], [gv[2] ** 2, 0.0, 2 * gv[0] * gv[2]]])
        assert _close(t.grad, u @ J_f @ J_g)


def test_engine_softmax_cross_entropy_delta(rng):
    """calculus.softmax-ce-delta: the engine's dL/dZ2 for cross-entropy is softmax(Z2) - Y when rows of Y sum
    to 1, and (row sum) softmax(Z2) - Y when they do not."""
    from mathdl import softmax

    Z = rng.standard_normal((5, 3))
    Y = softmax.softmax(rng.standard_normal((5, 3)))
    for targets, scale in ((Y, 1.0), (2.5 * Y, 2.5)):
        z = ad.Tensor(Z)
        (targets * (ad.logsumexp(z, axis=1, keepdims=True) - z)).sum().backward()
        assert _close(z.grad, scale * softmax.softmax(Z) - targets)


def test_reflected_operators_negation_and_properties(rng):
    x = rng.uniform(0.5, 2.0, 3)
    t = ad.Tensor(x, name="t")
    out = 2.0 + t
    assert np.array_equal(out.value, 2.0 + x)
    out = 2.0 - t
    assert np.array_equal(out.value, 2.0 - x)
    out = 2.0 / t
    assert np.array_equal(out.value, 2.0 / x)
    out.sum().backward()
    assert _close(t.grad, -2.0 / x ** 2)
    n = -t
    assert n.op == "negative" and np.array_equal(n.value, -x)
    n.backward(seed=np.arange(3.0))
    assert np.array_equal(t.grad, -np.arange(3.0))
    assert t.ndim == 1 and t.size == 3 and len(t) == 3 and t.shape == (3,)
    assert repr(t).startswith("Tensor([") and "name='t'" in repr(t) and "op='negative'" in repr(n)
    same = ad.Tensor(t)  # a Tensor as the value of a new leaf: its array, not its history
    assert np.array_equal(same.value, x) and same.op is None
    t.backward(seed=ad.Tensor(np.ones(3)))  # a Tensor seed is read as its array
    assert np.array_equal(t.grad, np.ones(3))


def test_join_with_constant_arrays_keeps_their_values(rng):
    A, B = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    a = ad.Tensor(A)
    assert np.array_equal(ad.concatenate([a, B], axis=0).value, np.concatenate([A, B], axis=0))
    assert np.array_equal(ad.stack([B, a], axis=-1).value, np.stack([B, A], axis=-1))
    assert np.array_equal(ad.concatenate([a, 2.5 * np.ones((2, 1))], axis=1).value[:, -1], np.full(2, 2.5))


def test_op_records_read_the_formula_from_the_vjp_docstring():
    from mathdl.autodiff import ops as autodiff_ops

    op = autodiff_ops.make_op(autodiff_ops.matmul, autodiff_ops.matmul_vjp)
    assert op.name == "matmul" and op.forward is autodiff_ops.matmul and op.vjp is autodiff_ops.matmul_vjp
    assert op.formula == r":math:`\bar A = \bar Y B^\top,\ \bar B = A^\top \bar Y`."
    assert OPS["power"].formula.endswith("(the exponent is a constant; 0 for p = 0).")

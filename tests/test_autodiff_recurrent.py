"""The recurrent op family: every fused cell and sequence VJP against central differences (claims
``recurrent.lstm-cell-vjp``, ``recurrent.gru-cell-vjp``, ``recurrent.bptt``), reused inputs, and bad input."""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import autodiff as ad
from mathdl.autodiff import gradcheck_op
from mathdl.autodiff import recurrent as rops

N, H, T = 2, 3, 4


def _r(rng, *shape, scale=0.7):
    return rng.standard_normal(shape) * scale


def test_lstm_cell_vjp(rng):
    assert gradcheck_op(rops.OPS["lstm_cell"], [_r(rng, N, 4 * H), _r(rng, N, H), _r(rng, N, H), _r(rng, H, 4 * H)],
                        claim="recurrent.lstm-cell-vjp").passed


def test_lstm_sequence_vjp(rng):
    assert gradcheck_op(rops.OPS["lstm_sequence"], [_r(rng, T, N, 4 * H), _r(rng, N, H), _r(rng, N, H),
                                                    _r(rng, H, 4 * H)], claim="recurrent.lstm-cell-vjp").passed


def test_lstm_sequence_vjp_when_only_h_and_c_are_used(rng):
    """The fast path (gate cotangents all zero, the usual case) against central differences of <g, f(x)> with such
    a g, and against the general path fed the same zeros."""
    from mathdl.verify import gradcheck

    gx, h0, c0, w = _r(rng, T, N, 4 * H), _r(rng, N, H), _r(rng, N, H), _r(rng, H, 4 * H)
    op = rops.OPS["lstm_sequence"]
    mask = np.zeros((T, N, 6 * H))
    mask[..., :2 * H] = 1.0                                  # cotangents on h_t and c_t only

    def f(*xs):
        return op.forward(*xs) * mask

    def vjp(u, *xs):
        return op.vjp(u * mask, op.forward(*xs), *xs, wants=(True,) * 4)

    assert gradcheck(f, vjp, [gx, h0, c0, w], claim="recurrent.lstm-cell-vjp").passed
    g = rng.standard_normal((T, N, 6 * H)) * mask
    ans = op.forward(gx, h0, c0, w)
    fast = op.vjp(g, ans, gx, h0, c0, w)
    g_general = g.copy()
    g_general[0, 0, 2 * H] = 1e-300                          # a non-zero gate cotangent: the general path
    general = op.vjp(g_general, ans, gx, h0, c0, w)
    for a, b in zip(fast, general):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-280)


def test_gru_cell_vjp(rng):
    assert gradcheck_op(rops.OPS["gru_cell"], [_r(rng, N, 3 * H), _r(rng, N, H), _r(rng, H, 3 * H), _r(rng, 3 * H)],
                        claim="recurrent.gru-cell-vjp").passed


def test_gru_sequence_vjp(rng):
    assert gradcheck_op(rops.OPS["gru_sequence"], [_r(rng, T, N, 3 * H), _r(rng, N, H), _r(rng, H, 3 * H),
                                                   _r(rng, 3 * H)], claim="recurrent.gru-cell-vjp").passed


@pytest.mark.parametrize("activation", ["tanh", "linear", "relu"])
def test_rnn_sequence_vjp(rng, activation):
    gx = _r(rng, T, N, H) + (0.3 if activation == "relu" else 0.0)
    assert gradcheck_op(rops.OPS["rnn_sequence"], [gx, _r(rng, N, H), _r(rng, H, H)], claim="recurrent.bptt",
                        activation=activation).passed


def test_cell_with_reused_input(rng):
    """h used as both the previous state and (through gx) the input: the engine must add both paths."""
    h = _r(rng, N, H)
    w_hh, proj = _r(rng, H, 4 * H), _r(rng, H, 4 * H)

    def f(h_val):
        t = ad.Tensor(h_val)
        out = rops.lstm_cell_op(t @ proj, t, t, w_hh)
        return t, out

    t, out = f(h)
    u = _r(rng, N, 6 * H)
    out.backward(u)
    eps = 1e-6
    num = np.zeros_like(h)
    for idx in np.ndindex(h.shape):
        e = np.zeros_like(h)
        e[idx] = eps
        num[idx] = (np.sum(u * f(h + e)[1].value) - np.sum(u * f(h - e)[1].value)) / (2 * eps)
    assert np.max(np.abs(num - t.grad)) < 1e-7 * max(1.0, np.max(np.abs(num)))


def test_sequence_equals_cells(rng):
    gx, h0, c0, w = _r(rng, T, N, 4 * H), _r(rng, N, H), _r(rng, N, H), _r(rng, H, 4 * H)
    seq = rops.lstm_sequence(gx, h0, c0, w)
    h, c = h0, c0
    for t in range(T):
        out = rops.lstm_cell(gx[t], h, c, w)
        assert np.array_equal(out, seq[t])
        h, c = out[:, :H], out[:, H:2 * H]


def test_sigmoid_is_exact_and_safe():
    x = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    assert np.allclose(rops._sigmoid(x), 1 / (1 + np.exp(-np.clip(x, -700, 700))), rtol=1e-14, atol=1e-300)


def test_bad_input():
    with pytest.raises(ValueError, match="lstm_cell: gx"):
        rops.lstm_cell_op(np.zeros((2, 5)), np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 12)))
    with pytest.raises(TypeError, match="gru_cell: h must be a Tensor or a float64"):
        rops.gru_cell_op(np.zeros((2, 9)), np.zeros((2, 3), dtype=int), np.zeros((3, 9)), np.zeros(9))
    with pytest.raises(ValueError, match="activation must be one of"):
        rops.rnn_sequence_op(np.zeros((2, 1, 3)), np.zeros((1, 3)), np.zeros((3, 3)), activation="sigmoid")
    with pytest.raises(ValueError, match="must have 3 axes"):
        rops.lstm_sequence_op(np.zeros((1, 12)), np.zeros((1, 3)), np.zeros((1, 3)), np.zeros((3, 12)))


@pytest.mark.parametrize("name", ["rnn_sequence", "lstm_cell", "lstm_sequence", "gru_cell", "gru_sequence"])
def test_tensor_level_functions(rng, name):
    """The Tensor-level functions record the op: values are the forward's, gradients the VJP's."""
    shapes = {"rnn_sequence": [(T, N, H), (N, H), (H, H)],
              "lstm_cell": [(N, 4 * H), (N, H), (N, H), (H, 4 * H)],
              "lstm_sequence": [(T, N, 4 * H), (N, H), (N, H), (H, 4 * H)],
              "gru_cell": [(N, 3 * H), (N, H), (H, 3 * H), (3 * H,)],
              "gru_sequence": [(T, N, 3 * H), (N, H), (H, 3 * H), (3 * H,)]}[name]
    arrays = [_r(rng, *s) for s in shapes]
    tensors = [ad.Tensor(a) for a in arrays]
    out = getattr(rops, f"{name}_op")(*tensors)
    op = rops.OPS[name]
    ans = op.forward(*arrays)
    assert np.array_equal(out.value, ans)
    u = _r(rng, *ans.shape)
    out.backward(u)
    for t, g in zip(tensors, op.vjp(u, ans, *arrays)):
        assert np.array_equal(t.grad, g)


def test_rnn_sequence_op_activation(rng):
    gx, h0, w = _r(rng, T, N, H), _r(rng, N, H), _r(rng, H, H)
    out = rops.rnn_sequence_op(ad.Tensor(gx), h0, w, activation="linear")
    assert np.allclose(out.value[0], h0 @ w + gx[0], rtol=1e-15)


def test_val_reads_tensor_values(rng):
    a = _r(rng, 2, 2)
    assert rops._val(ad.Tensor(a)) is not None and np.array_equal(rops._val(ad.Tensor(a)), a)
    assert rops._val(a) is a

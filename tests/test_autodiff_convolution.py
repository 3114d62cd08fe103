"""Tests of the convolution family of engine primitives (mathdl.autodiff.convolution): conv2d, max_pool2d,
avg_pool2d. Every VJP is gradchecked (claims convolution.conv2d-vjp, convolution.pool-vjp), including stride,
padding, dilation, a reused input and an engine graph; the forward pass is compared with the seven-loop definition.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import autodiff as ad
from mathdl.autodiff.convolution import OPS, avg_pool2d, col2im, conv2d, conv2d_output_shape, im2col, max_pool2d
from mathdl.autodiff.engine import gradcheck_op
from mathdl.convolution import conv2d_naive

#: Two float64 computations of the same sums in different orders.
EXACT_RTOL = 1e-12


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def _close(a, b, tol=EXACT_RTOL) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and float(np.max(np.abs(a - b), initial=0.0)) <= tol * max(1.0, float(np.max(np.abs(b))))


@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 1), (2, 0, 2)])
def test_conv2d_forward_and_vjp(rng, stride, padding, dilation):
    """convolution.conv2d-vjp: forward equals the definition; VJP matches central differences."""
    x, w = rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, 3, 2))
    y = conv2d(x, w, stride=stride, padding=padding, dilation=dilation).value
    assert _close(y, conv2d_naive(x, w, stride, padding, dilation))
    assert y.shape == conv2d_output_shape(x.shape, w.shape, stride, padding, dilation)
    report = gradcheck_op(OPS["conv2d_forward"], [x, w], claim="convolution.conv2d-vjp", stride=stride,
                          padding=padding, dilation=dilation)
    assert report.passed


def test_conv2d_vjp_full_jacobian_small(rng):
    x, w = rng.standard_normal((1, 1, 4, 4)), rng.standard_normal((1, 1, 2, 2))
    assert gradcheck_op(OPS["conv2d_forward"], [x, w], claim="convolution.conv2d-vjp", padding=1).passed


def test_conv2d_vjp_wants(rng):
    x, w = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((2, 2, 3, 3))
    g = rng.standard_normal((1, 2, 3, 3))
    vjp = OPS["conv2d_forward"].vjp
    gx, gw = vjp(g, None, x, w)
    assert vjp(g, None, x, w, wants=(False, True))[0] is None and _close(vjp(g, None, x, w, wants=(False, True))[1], gw)
    assert vjp(g, None, x, w, wants=(True, False))[1] is None and _close(vjp(g, None, x, w, wants=(True, False))[0], gx)


def test_reused_input_and_graph(rng):
    """A tensor used as input twice, and conv -> relu -> pool -> sum through the engine, against differences."""
    xv = rng.standard_normal((1, 1, 6, 6))
    w = ad.Tensor(rng.standard_normal((1, 1, 3, 3)))
    x = ad.Tensor(xv)
    loss = (conv2d(x, w, padding=1) * x).sum()
    loss.backward()
    h = 1e-6
    e = np.zeros_like(xv)
    e[0, 0, 2, 3] = 1.0

    def f(v):
        return float((conv2d(v, w.value, padding=1).value * v).sum())

    assert abs((f(xv + h * e) - f(xv - h * e)) / (2 * h) - x.grad[0, 0, 2, 3]) < 1e-7
    x2 = ad.Tensor(xv)
    out = avg_pool2d(max_pool2d(ad.relu(conv2d(x2, w, padding=1)), 2, 1), 2).sum()
    out.backward()
    assert x2.grad.shape == xv.shape and np.all(np.isfinite(x2.grad))


@pytest.mark.parametrize("kernel,stride", [(2, 2), (3, 1), (3, 2), (2, 1)])
def test_pool_vjps(rng, kernel, stride):
    """convolution.pool-vjp: max and average pooling VJPs against central differences (no ties)."""
    x = rng.standard_normal((2, 2, 6, 6))
    assert gradcheck_op(OPS["pool2d_max"], [x], claim="convolution.pool-vjp", kernel=kernel, stride=stride).passed
    assert gradcheck_op(OPS["pool2d_avg"], [x], claim="convolution.pool-vjp", kernel=kernel, stride=stride).passed


def test_pool_values_and_ties():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    assert max_pool2d(x).value.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert avg_pool2d(x).value.tolist() == [[[[2.5, 4.5], [10.5, 12.5]]]]
    t = ad.Tensor(np.ones((1, 1, 2, 2)))
    max_pool2d(t).sum().backward()
    assert t.grad.tolist() == [[[[1.0, 0.0], [0.0, 0.0]]]]                     # ties: the first maximum
    a = ad.Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    avg_pool2d(a).sum().backward()
    assert np.all(a.grad == 0.25)


@given(st.integers(1, 3), st.integers(0, 2), st.integers(1, 2), st.integers(5, 8))
@settings(max_examples=20, deadline=None)
def test_im2col_col2im_adjoint(stride, padding, dilation, n):
    """convolution.adjoint: <im2col(x), P> = <x, col2im(P)> for every setting."""
    rng = np.random.default_rng(stride * 100 + padding * 10 + dilation + n)
    x = rng.standard_normal((2, 2, n, n + 1))
    cols = im2col(x, 3, 2, stride, padding, dilation)
    P = rng.standard_normal(cols.shape)
    lhs = float(np.sum(cols * P))
    rhs = float(np.sum(x * col2im(P, x.shape, 3, 2, stride, padding, dilation)))
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, abs(lhs))


def test_bad_input():
    with pytest.raises(ValueError, match="conv2d: x must be 4-D"):
        conv2d(np.zeros((8, 8)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="conv2d: x has 2 channels"):
        conv2d(np.zeros((1, 2, 8, 8)), np.zeros((1, 3, 3, 3)))
    with pytest.raises(TypeError, match="conv2d: w must be float64"):
        conv2d(np.zeros((1, 1, 8, 8)), np.zeros((1, 1, 3, 3), dtype=int))
    with pytest.raises(ValueError, match="conv2d: stride"):
        conv2d(np.zeros((1, 1, 8, 8)), np.zeros((1, 1, 3, 3)), stride=0)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        conv2d(np.full((1, 1, 4, 4), np.nan), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="max_pool2d: kernel 5"):
        max_pool2d(np.zeros((1, 1, 4, 4)), 5)
    with pytest.raises(TypeError, match="avg_pool2d: x must be a Tensor"):
        avg_pool2d([[1.0]])

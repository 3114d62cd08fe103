"""Tests of mathdl.autodiff.normalization: dropout, batch norm (train and eval) and layer norm as engine ops.

Each VJP against central differences (gradcheck, including a reused input and use inside a network), each forward
against its definition, the identities of batch norm's backward pass, PyTorch's running-statistics convention, and
bad input. Claim ids name the facts checked (book/regularization.ipynb).
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import autodiff as ad
from mathdl.autodiff import gradcheck_op
from mathdl.autodiff import normalization as norm
from mathdl.verify import gradcheck

#: Forward passes computed two ways (same float operations up to order).
FORWARD_RTOL = 1e-12
#: Identities that hold exactly in exact arithmetic, in float64.
IDENTITY_ATOL = 1e-12


@pytest.fixture
def rng():
    return np.random.default_rng(2015)


def _bn_reference(x, gamma, beta, eps, axis):
    mu = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


# ------------------------------------------------------------------------------------------------ forward

def test_batch_norm_forward_normalizes_each_feature(rng):
    """claim regularization.batchnorm-backward: the forward pass is (x - mean)/sqrt(var + eps) per feature."""
    x = 3.0 + 2.0 * rng.standard_normal((8, 4))
    y = norm.batch_norm(x, np.ones(4), np.zeros(4), eps=0.0).value
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=IDENTITY_ATOL)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=FORWARD_RTOL)
    g, b = rng.standard_normal(4), rng.standard_normal(4)
    np.testing.assert_allclose(norm.batch_norm(x, g, b, eps=1e-3).value, _bn_reference(x, g, b, 1e-3, 0),
                               rtol=FORWARD_RTOL)


def test_layer_norm_forward_normalizes_each_row(rng):
    """claim regularization.layernorm-vjp: layer norm is batch norm's formula over each row."""
    x = rng.standard_normal((5, 6))
    g, b = rng.standard_normal(6), rng.standard_normal(6)
    np.testing.assert_allclose(norm.layer_norm(x, g, b, eps=1e-4).value, _bn_reference(x, g, b, 1e-4, 1),
                               rtol=FORWARD_RTOL)
    y = norm.layer_norm(x, np.ones(6), np.zeros(6), eps=0.0).value
    np.testing.assert_allclose(y.mean(axis=1), 0.0, atol=IDENTITY_ATOL)


def test_dropout_forward_and_mask(rng):
    """claim regularization.dropout-unbiased: kept units are scaled by 1/(1 - p); the mean over many masks is x."""
    x = rng.standard_normal((3, 4))
    mask = norm.dropout_mask(x.shape, 0.25, seed=3)
    assert set(np.unique(mask)) <= {0.0, 1.0}
    np.testing.assert_allclose(norm.dropout(x, mask, 0.25).value, x * mask / 0.75, rtol=FORWARD_RTOL)
    masks = norm.dropout_mask((200_000,), 0.25, seed=4)
    assert abs(masks.mean() - 0.75) < 5e-3                    # Bernoulli(1 - p): about 5 standard errors
    np.testing.assert_array_equal(norm.dropout_mask((4, 4), 0.5, seed=9), norm.dropout_mask((4, 4), 0.5, seed=9))


def test_batch_norm_eval_is_the_affine_map(rng):
    """claim regularization.batchnorm-running-stats: eval mode uses the running statistics, per example."""
    x = rng.standard_normal((6, 3))
    g, b, rm, rv = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal(3), rng.random(3) + 0.5
    y = norm.batch_norm_eval(x, g, b, rm, rv, eps=1e-5).value
    np.testing.assert_allclose(y, g * (x - rm) / np.sqrt(rv + 1e-5) + b, rtol=FORWARD_RTOL)
    y1 = norm.batch_norm_eval(x[:1], g, b, rm, rv, eps=1e-5).value       # one example alone: same output
    np.testing.assert_allclose(y1, y[:1], rtol=FORWARD_RTOL)


def test_running_stats_follow_pytorch(rng):
    """claim regularization.batchnorm-running-stats: r <- (1 - m) r + m s with the unbiased batch variance."""
    x = rng.standard_normal((7, 3))
    rm, rv = rng.standard_normal(3), rng.random(3)
    m = 0.1
    new_mean, new_var = norm.update_running_stats(rm, rv, x, momentum=m)
    np.testing.assert_allclose(new_mean, 0.9 * rm + 0.1 * x.mean(axis=0), rtol=FORWARD_RTOL)
    unbiased = ((x - x.mean(axis=0)) ** 2).sum(axis=0) / 6
    np.testing.assert_allclose(new_var, 0.9 * rv + 0.1 * unbiased, rtol=FORWARD_RTOL)
    # the biased variance would differ by the factor n/(n - 1): the test can tell them apart
    assert not np.allclose(new_var, 0.9 * rv + 0.1 * x.var(axis=0))
    # many updates on the same batch converge to its statistics
    r = (np.zeros(3), np.ones(3))
    for _ in range(400):
        r = norm.update_running_stats(*r, x)
    np.testing.assert_allclose(r[0], x.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(r[1], unbiased, rtol=1e-10)


# -------------------------------------------------------------------------------------------------- VJPs

def test_batch_norm_vjp_gradcheck(rng):
    """claim regularization.batchnorm-backward: the derived VJP against central differences."""
    x, g, b = rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal(3)
    for eps in (0.0, 1e-2):
        assert gradcheck_op(norm.OPS["batch_norm_forward"], [x, g, b], claim="regularization.batchnorm-backward",
                            eps=eps).passed


def test_batch_norm_eval_vjp_gradcheck(rng):
    """claim regularization.batchnorm-running-stats: the eval-mode op's VJP."""
    x, g, b = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal(3)
    assert gradcheck_op(norm.OPS["batch_norm_eval_forward"], [x, g, b], claim="regularization.batchnorm-running-stats",
                        running_mean=rng.standard_normal(3), running_var=rng.random(3) + 0.1, eps=1e-5).passed


def test_layer_norm_vjp_gradcheck(rng):
    """claim regularization.layernorm-vjp."""
    x, g, b = rng.standard_normal((3, 5)), rng.standard_normal(5), rng.standard_normal(5)
    for eps in (0.0, 1e-2):
        assert gradcheck_op(norm.OPS["layer_norm_forward"], [x, g, b], claim="regularization.layernorm-vjp",
                            eps=eps).passed


def test_dropout_vjp_gradcheck(rng):
    """claim regularization.dropout-vjp: g * m / (1 - p), dropped units pass no gradient."""
    x = rng.standard_normal((4, 3))
    mask = norm.dropout_mask(x.shape, 0.4, seed=1)
    assert gradcheck_op(norm.OPS["dropout_forward"], [x], claim="regularization.dropout-vjp", mask=mask,
                        p=0.4).passed
    (gx,) = norm.dropout_forward_vjp(np.ones_like(x), None, x, mask=mask, p=0.4)
    np.testing.assert_array_equal(gx == 0, mask == 0)


def test_ops_inside_a_network_with_reused_input(rng):
    """claims regularization.batchnorm-backward, regularization.layernorm-vjp, regularization.dropout-vjp: through
    the engine, with x used twice (the cotangents add) and broadcasting after the op."""
    X = rng.standard_normal((6, 4))
    W = rng.standard_normal((4, 4))
    mask = norm.dropout_mask((6, 4), 0.3, seed=2)
    c = rng.standard_normal((6, 4))

    def loss(W_, g_, b_):
        Z = X @ W_
        H = norm.batch_norm(Z, g_, b_, eps=1e-3) + norm.layer_norm(Z, g_, b_, eps=1e-3)
        return (ad.tanh(norm.dropout(H, mask, 0.3)) * c).sum()

    grad = ad.grad(loss)

    def f(W_, g_, b_):
        return np.array(loss(ad.Tensor(W_), ad.Tensor(g_), ad.Tensor(b_)).value)

    def vjp(u, W_, g_, b_):
        return tuple(float(u) * gi for gi in grad(W_, g_, b_))

    assert gradcheck(f, vjp, [W, rng.standard_normal(4), rng.standard_normal(4)],
                     claim="regularization.batchnorm-backward").passed


# -------------------------------------------------------------------------------- identities and invariance

def test_batch_norm_backward_identities(rng):
    """claim regularization.batchnorm-identities: sum_i xbar_i = 0 always; sum_i xbar_i xhat_i = 0 for eps = 0."""
    x, g, b = rng.standard_normal((9, 3)), rng.standard_normal(3), rng.standard_normal(3)
    u = rng.standard_normal((9, 3))
    gx, _, _ = norm.batch_norm_forward_vjp(u, None, x, g, b, eps=0.0)
    xhat = (x - x.mean(axis=0)) / x.std(axis=0)
    np.testing.assert_allclose(gx.sum(axis=0), 0.0, atol=IDENTITY_ATOL)
    np.testing.assert_allclose((gx * xhat).sum(axis=0), 0.0, atol=IDENTITY_ATOL)
    gx_eps, _, _ = norm.batch_norm_forward_vjp(u, None, x, g, b, eps=0.5)
    np.testing.assert_allclose(gx_eps.sum(axis=0), 0.0, atol=IDENTITY_ATOL)
    assert np.max(np.abs((gx_eps * xhat).sum(axis=0))) > 1e-3          # with eps > 0 the second one fails


def test_batch_norm_scale_invariance_and_orthogonal_gradient(rng):
    """claim regularization.batchnorm-scale-invariance: BN(a X W) = BN(X W) for a > 0, and <grad_W L, W> = 0."""
    X, W = rng.standard_normal((10, 5)), rng.standard_normal((5, 3))
    g, b, c = rng.standard_normal(3), rng.standard_normal(3), rng.standard_normal((10, 3))
    y1 = norm.batch_norm(X @ W, g, b, eps=0.0).value
    y2 = norm.batch_norm(X @ (3.7 * W), g, b, eps=0.0).value
    np.testing.assert_allclose(y1, y2, rtol=1e-12, atol=1e-12)
    gW = ad.grad(lambda W_: (ad.tanh(norm.batch_norm(X @ W_, g, b, eps=0.0)) * c).sum())(W)
    assert abs(np.sum(gW * W)) < 1e-12 * np.linalg.norm(gW) * np.linalg.norm(W) * 1e3
    assert np.linalg.norm(gW) > 1e-3                       # the gradient itself is not zero


def test_layer_norm_jacobian_rank(rng):
    """claim regularization.layernorm-jacobian-rank: rank d - 2 at eps = 0, d - 1 for eps > 0; J 1 = 0."""
    d = 6
    x = rng.standard_normal((1, d))
    for eps, rank in ((0.0, d - 2), (0.1, d - 1)):
        J = np.stack([norm.layer_norm_forward_vjp(np.eye(d)[[i]], None, x, np.ones(d), np.zeros(d), eps=eps)[0][0]
                      for i in range(d)])
        assert np.linalg.matrix_rank(J, tol=1e-10) == rank
        np.testing.assert_allclose(J @ np.ones(d), 0.0, atol=IDENTITY_ATOL)


# -------------------------------------------------------------------------------------------- bad input

def test_bad_input():
    x = np.ones((3, 2))
    with pytest.raises(ValueError, match="drop probability"):
        norm.dropout(x, np.ones((3, 2)), 1.0)
    with pytest.raises(ValueError, match="mask must have the shape"):
        norm.dropout(x, np.ones((2, 2)), 0.5)
    with pytest.raises(ValueError, match="0 \\(dropped\\) or 1"):
        norm.dropout(x, 2 * np.ones((3, 2)), 0.5)
    with pytest.raises(ValueError, match="must be 2-D"):
        norm.batch_norm(np.ones(3), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="at least 2 entries"):
        norm.batch_norm(np.ones((1, 3)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="shape \\(2,\\)"):
        norm.batch_norm(x, np.ones(3), np.zeros(2))
    with pytest.raises(ValueError, match="variance 0"):
        norm.layer_norm(x, np.ones(2), np.zeros(2), eps=0.0)
    with pytest.raises(ValueError, match="eps must be"):
        norm.batch_norm(np.eye(3), np.ones(3), np.zeros(3), eps=-1.0)
    with pytest.raises(ValueError, match="running_var \\+ eps"):
        norm.batch_norm_eval(x, np.ones(2), np.zeros(2), np.zeros(2), np.zeros(2), eps=0.0)
    with pytest.raises(ValueError, match="momentum"):
        norm.update_running_stats(np.zeros(2), np.ones(2), np.eye(2), momentum=1.5)
    with pytest.raises(ValueError, match="n >= 2"):
        norm.update_running_stats(np.zeros(2), np.ones(2), np.ones((1, 2)))
    with pytest.raises(ValueError, match="NaN"):
        norm.batch_norm(np.array([[np.nan, 1.0], [0.0, 1.0]]), np.ones(2), np.zeros(2))
    with pytest.raises(TypeError, match="Tensor or a numpy array"):
        norm.layer_norm("x", np.ones(2), np.zeros(2))
    with pytest.raises(ValueError, match="shape must be a tuple"):
        norm.dropout_mask([2, 2], 0.5)

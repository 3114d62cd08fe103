"""Tests of mathdl.mlp: the two-moons data and the MLP trained by the autodiff engine.

Book: Calculus and backpropagation, "Watching the mathematics learn".
"""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import mlp

#: Accuracy the two-moons MLP must reach on its training set.
MIN_TRAIN_ACCURACY = 0.95


def test_two_moons_is_seeded_and_balanced():
    X, labels = mlp.two_moons(101, noise=0.1, seed=3)
    X2, _ = mlp.two_moons(101, noise=0.1, seed=3)
    assert X.shape == (101, 2) and np.array_equal(X, X2)
    assert np.sum(labels == 0) == 50 and np.sum(labels == 1) == 51
    clean, lab = mlp.two_moons(50, noise=0.0, seed=0)
    r0 = np.linalg.norm(clean[lab == 0], axis=1)  # class 0 lies on the unit circle
    assert np.allclose(r0, 1.0)
    with pytest.raises(ValueError, match="two_moons: n must be an int >= 2"):
        mlp.two_moons(1)
    with pytest.raises(ValueError, match="two_moons: noise must be"):
        mlp.two_moons(10, noise=-0.1)


def test_training_reaches_high_accuracy():
    X, labels = mlp.two_moons(200, noise=0.1, seed=0)
    params, losses = mlp.train_mlp(X, labels, steps=300, seed=0)
    assert losses[-1] < 0.25 * losses[0]
    assert np.mean(mlp.mlp_predict(params, X) == labels) >= MIN_TRAIN_ACCURACY


def test_training_bad_input():
    X, labels = mlp.two_moons(20, seed=0)
    with pytest.raises(ValueError, match="train_mlp: lr must be a positive"):
        mlp.train_mlp(X, labels, lr=0.0)
    with pytest.raises(ValueError, match="train_mlp: steps must be a positive int"):
        mlp.train_mlp(X, labels, steps=0)
    with pytest.raises(ValueError, match="mlp_loss: labels must lie in 0..1"):
        mlp.mlp_loss(mlp.mlp_logits(mlp.mlp_init([2, 2]), X), labels + 1)
    with pytest.raises(ValueError, match="mlp_init: widths must be"):
        mlp.mlp_init([2])


# ------------------------------------------------------------------- the four MLP functions, exactly

#: Largest relative error between two float64 computations of the same quantity.
EXACT_RTOL = 1e-12


def _close(a, b, rtol: float = EXACT_RTOL) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and float(np.max(np.abs(a - b), initial=0.0)) <= rtol * max(1.0, float(np.max(np.abs(b))))


def _numpy_forward(params, X):
    H = X
    for k in range(0, len(params), 2):
        Z = H @ params[k] + params[k + 1]
        H = np.tanh(Z) if k + 2 < len(params) else Z
    return H


def test_mlp_init_scales_and_seed():
    params = mlp.mlp_init([3, 5, 2], seed=4)
    rng = np.random.default_rng(4)
    W1 = rng.standard_normal((3, 5)) / np.sqrt(3)
    W2 = rng.standard_normal((5, 2)) / np.sqrt(5)
    assert [p.shape for p in params] == [(3, 5), (5,), (5, 2), (2,)]
    assert np.array_equal(params[0], W1) and np.array_equal(params[2], W2)
    assert np.array_equal(params[1], np.zeros(5)) and np.array_equal(params[3], np.zeros(2))


def test_mlp_logits_and_predict_match_numpy(rng):
    params = mlp.mlp_init([2, 6, 4, 3], seed=1)
    params = [p + 0.1 * rng.standard_normal(p.shape) for p in params]  # nonzero biases
    X = rng.standard_normal((7, 2))
    logits = mlp.mlp_logits(params, X)
    assert _close(logits.value, _numpy_forward(params, X))
    assert not logits.requires_grad  # arrays in, a constant out
    assert np.array_equal(mlp.mlp_predict(params, X), np.argmax(_numpy_forward(params, X), axis=1))
    with pytest.raises(ValueError, match="mlp_logits: params must be"):
        mlp.mlp_logits(params[:3], X)


def test_mlp_loss_value_and_gradient_match_the_closed_form(rng):
    """calculus.softmax-ce-delta: mean cross-entropy, whose gradient in the logits is (softmax(z) - e_y) / n."""
    from mathdl import autodiff as ad
    from mathdl import softmax

    Z = rng.standard_normal((6, 3)) * 3.0
    labels = np.array([0, 2, 1, 1, 0, 2])
    P = softmax.softmax(Z)
    z = ad.Tensor(Z)
    loss = mlp.mlp_loss(z, labels)
    assert np.isclose(float(loss.value), -np.mean(np.log(P[np.arange(6), labels])), rtol=EXACT_RTOL, atol=0)
    loss.backward()
    assert _close(z.grad, (P - np.eye(3)[labels]) / 6)
    with pytest.raises(ValueError, match=r"mlp_loss: labels must be ints of shape \(6,\)"):
        mlp.mlp_loss(z, labels.astype(float))


def test_train_mlp_takes_gradient_steps():
    """train_mlp: each step is theta <- theta - lr grad, the loss recorded before the step; the gradient is the
    one written out by hand for a 2 -> 3 -> 2 tanh network."""
    X, labels = mlp.two_moons(12, noise=0.1, seed=2)
    lr = 0.3
    params, losses = mlp.train_mlp(X, labels, hidden=(3,), steps=2, lr=lr, seed=5)
    W1, b1, W2, b2 = mlp.mlp_init([2, 3, 2], seed=5)
    Y = np.eye(2)[labels]
    for step in range(2):
        H = np.tanh(X @ W1 + b1)
        Z = H @ W2 + b2
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        assert np.isclose(losses[step], -np.mean(np.sum(Y * np.log(P), axis=1)), rtol=EXACT_RTOL, atol=0)
        dZ = (P - Y) / len(X)
        dH = dZ @ W2.T * (1 - H ** 2)
        W1, b1, W2, b2 = W1 - lr * X.T @ dH, b1 - lr * dH.sum(0), W2 - lr * H.T @ dZ, b2 - lr * dZ.sum(0)
    for mine, ref in zip(params, (W1, b1, W2, b2)):
        assert _close(mine, ref)
    assert losses.shape == (2,)

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

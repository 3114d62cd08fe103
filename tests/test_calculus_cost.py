"""Tests of mathdl.calculus_cost: the cheap-gradient principle (counted and measured) and checkpointing.

Book: Calculus and backpropagation. Each test names the claim it checks.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

from mathdl import autodiff as ad
from mathdl import calculus_cost as cost
from mathdl.verify import derive

#: Largest relative error between two float64 computations of the same derivative.
EXACT_RTOL = 1e-12


# ---------------------------------------------------------------------------------------- cheap gradient

@pytest.mark.parametrize("widths, batch", [([784, 256, 10], 256), ([3, 5, 2, 1], 7), ([4, 4], 1)])
def test_gradient_flops_closed_form(widths, batch):
    """calculus.cheap-gradient: backward = 2F - n d0 d1, so (F + B)/F < 3."""
    flops = cost.gradient_flops(widths, batch)
    F = sum(batch * a * b for a, b in itertools.pairwise(widths))
    assert flops == {"forward": F, "backward": 2 * F - batch * widths[0] * widths[1]}
    assert (flops["forward"] + flops["backward"]) < 3 * flops["forward"]


def test_gradient_time_ratio_with_a_deterministic_clock(monkeypatch):
    """calculus.cheap-gradient: the ratio is min(gradient times) / min(function times)."""
    ticks = iter([0.0, 1.0, 1.0, 4.0, 10.0, 10.5, 20.0, 23.0])   # f: 1, 0.5; gradient: 3, 3
    monkeypatch.setattr(cost.time, "perf_counter", lambda: next(ticks))
    assert cost.gradient_time_ratio([4, 3, 1], 5, repeats=2) == 6.0


def test_gradient_time_ratio_is_a_small_constant_and_validates():
    """calculus.cheap-gradient: measured, the engine's gradient costs a bounded multiple of the function."""
    assert 1.0 < cost.gradient_time_ratio([64, 64, 1], 32, repeats=3) < 100.0
    with pytest.raises(ValueError, match="gradient_flops: batch must be a positive int"):
        cost.gradient_flops([3, 2], 0)
    with pytest.raises(ValueError, match="every width must be a positive int"):
        cost.gradient_flops([3, 0], 2)
    with pytest.raises(ValueError, match="widths must be a sequence"):
        cost.gradient_flops("32", 2)
    with pytest.raises(ValueError, match="repeats must be a positive int"):
        cost.gradient_time_ratio([3, 2], 2, repeats=0)


# ----------------------------------------------------------------------------------------- checkpointing

def test_checkpoint_memory_bound_proved_and_counted():
    """calculus.checkpoint-memory: K/s + s - 2 sqrt K = (s - sqrt K)^2 / s >= 0; counts ceil(K/s) + s."""
    K, s = sp.symbols("K s", positive=True)
    proof = derive(K / s + s - 2 * sp.sqrt(K), ((s - sp.sqrt(K)) ** 2 / s, "square", "together"),
                   claim="calculus.checkpoint-memory")
    assert proof.result == (s - sp.sqrt(K)) ** 2 / s
    assert cost.checkpoint_memory(100) == 101 and cost.checkpoint_memory(100, 10) == 20
    assert cost.checkpoint_memory(10, 3) == 4 + 3
    assert min(range(1, 65), key=lambda s_: cost.checkpoint_memory(64, s_)) == 8
    with pytest.raises(ValueError, match="depth must be a positive int"):
        cost.checkpoint_memory(0)
    with pytest.raises(ValueError, match="segment must be an int in 1..depth"):
        cost.checkpoint_memory(5, 6)


@pytest.mark.parametrize("depth, segment", [(1, 1), (7, 3), (12, 4), (12, 12)])
def test_checkpointed_gradients_equal_plain_reverse_mode(depth, segment):
    """calculus.checkpoint-gradients: same loss, same gradients; peak and evaluations as counted."""
    rng = np.random.default_rng(depth)
    x = rng.standard_normal((3, 4))
    Ws = [rng.standard_normal((4, 4)) / 2 for _ in range(depth)]
    loss, plain, counts = cost.chain_gradients(x, Ws)
    loss_c, ckpt, counts_c = cost.chain_gradients(x, Ws, segment=segment)
    assert loss == loss_c
    assert counts == {"peak_activations": depth + 1, "layer_evaluations": depth}
    assert counts_c == {"peak_activations": cost.checkpoint_memory(depth, segment), "layer_evaluations": 2 * depth}
    for a, b in zip(plain, ckpt):
        assert np.allclose(a, b, rtol=EXACT_RTOL, atol=1e-15)
    h = 1e-6
    E = np.zeros((4, 4))
    E[1, 2] = 1.0
    bumped = [W + (h * E if k == 0 else 0) for k, W in enumerate(Ws)]
    dropped = [W - (h * E if k == 0 else 0) for k, W in enumerate(Ws)]
    fd = (cost.chain_gradients(x, bumped)[0] - cost.chain_gradients(x, dropped)[0]) / (2 * h)
    assert np.isclose(ckpt[0][1, 2], fd, rtol=1e-5, atol=1e-9)


def test_engine_graph_grows_linearly_with_depth():
    """calculus.checkpoint-memory: plain reverse mode keeps 3K + 3 nodes for a K-layer chain."""
    rng = np.random.default_rng(0)
    for K in (1, 5, 20):
        loss = cost.chain_loss(rng.standard_normal((2, 3)), [ad.Tensor(rng.standard_normal((3, 3))) for _ in range(K)])
        assert len(ad.topological_order(loss)) == 3 * K + 3


def test_chain_gradients_validation():
    with pytest.raises(ValueError, match="x must be an \\(n, d\\) array"):
        cost.chain_gradients(np.ones(3), [np.eye(3)])
    with pytest.raises(ValueError, match="Ws must be a non-empty sequence"):
        cost.chain_gradients(np.ones((1, 3)), [])
    with pytest.raises(ValueError, match="Ws\\[0\\] must have shape"):
        cost.chain_gradients(np.ones((1, 3)), [np.eye(2)])

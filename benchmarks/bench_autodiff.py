"""Benchmark: the autodiff engine against hand-vectorized numpy on one MLP training step (printed, not a test).

The network is 784 -> 256 (ReLU) -> 10 with softmax cross-entropy, on a batch of 256 random examples: the
shape of an MNIST step. Both sides compute the loss and the gradients of W1, b1, W2, b2; the engine through
:class:`mathdl.autodiff.Tensor` and ``backward()``, the reference with the backward pass written out by hand
(the formulas of the chapter "Calculus and backpropagation"). The script first checks that both produce the
same gradients, then prints the median time of each over repeated runs and their ratio.

Run: ``.venv/bin/python benchmarks/bench_autodiff.py`` (from the repository root).
"""
from __future__ import annotations

import numpy as np
from paired import paired_times, same_loss_and_gradients

from mathdl import autodiff as ad

BATCH, D_IN, HIDDEN, CLASSES = 256, 784, 256, 10
REPEATS = 30
#: The target of the brief: the engine's step within this factor of the hand-vectorized one.
TARGET_RATIO = 1.5
#: Both implementations must give the same gradients to this relative accuracy before anything is timed.
SAME_GRADIENT_RTOL = 1e-10

Params = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray, Params]:
    """Random inputs, one-hot labels and He-initialised parameters."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((BATCH, D_IN))
    Y = np.eye(CLASSES)[rng.integers(0, CLASSES, BATCH)]
    W1 = rng.standard_normal((D_IN, HIDDEN)) * np.sqrt(2.0 / D_IN)
    W2 = rng.standard_normal((HIDDEN, CLASSES)) * np.sqrt(2.0 / HIDDEN)
    return X, Y, (W1, np.zeros(HIDDEN), W2, np.zeros(CLASSES))


def step_engine(X: np.ndarray, Y: np.ndarray, params: Params) -> tuple[float, list[np.ndarray]]:
    """Loss and gradients with the engine: write the forward pass, call backward()."""
    W1, b1, W2, b2 = (ad.Tensor(p) for p in params)
    Z2 = ad.relu(X @ W1 + b1) @ W2 + b2
    loss = (ad.logsumexp(Z2, axis=1) - (Z2 * Y).sum(axis=1)).mean()
    loss.backward()
    return float(loss.value), [W1.grad, b1.grad, W2.grad, b2.grad]


def step_by_hand(X: np.ndarray, Y: np.ndarray, params: Params) -> tuple[float, list[np.ndarray]]:
    """Loss and gradients with the backward pass written out in numpy."""
    W1, b1, W2, b2 = params
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    Z2 = H @ W2 + b2
    m = Z2.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(Z2 - m).sum(axis=1, keepdims=True))
    loss = float(np.mean(lse[:, 0] - (Z2 * Y).sum(axis=1)))
    delta2 = (np.exp(Z2 - lse) - Y) / X.shape[0]          # dL/dZ2 = (softmax - Y) / n
    delta1 = (delta2 @ W2.T) * (Z1 > 0)                   # dL/dZ1 = (delta2 W2^T) * relu'(Z1)
    return loss, [X.T @ delta1, delta1.sum(axis=0), H.T @ delta2, delta2.sum(axis=0)]


def main() -> None:
    X, Y, params = problem()
    loss_e, grads_e = step_engine(X, Y, params)
    loss_h, grads_h = step_by_hand(X, Y, params)
    same = same_loss_and_gradients(loss_e, grads_e, loss_h, grads_h, SAME_GRADIENT_RTOL)
    print(f"MLP {D_IN} -> {HIDDEN} (ReLU) -> {CLASSES}, softmax cross-entropy, batch {BATCH}")
    print(f"engine and hand-written gradients agree to {SAME_GRADIENT_RTOL:.0e}: {same}")
    if not same:
        raise SystemExit("the two implementations disagree; timing them would be meaningless")
    t_engine, t_hand = paired_times(step_engine, step_by_hand, X, Y, params, repeats=REPEATS)
    ratio = float(np.median(t_engine / t_hand))
    print(f"forward + backward, median of {REPEATS} alternating runs: engine {np.median(t_engine) * 1e3:.2f} ms, "
          f"hand-vectorized numpy {np.median(t_hand) * 1e3:.2f} ms")
    print(f"ratio engine / hand-vectorized (median of paired ratios): {ratio:.2f} "
          f"(target <= {TARGET_RATIO}: {ratio <= TARGET_RATIO})")

if __name__ == "__main__":
    main()

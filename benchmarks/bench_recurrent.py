"""Benchmark: an LSTM layer's forward and backward pass, the engine against hand-written numpy (printed, not a test).

T = 50 steps, batch 32, input 64, hidden 128, loss ``sum(H * G)`` for a fixed random cotangent ``G`` (so the
backward pass starts from the same ``dL/dh_t`` on both sides). The engine runs :func:`mathdl.recurrent.run`
(the input projection as one product over all steps, the recurrence as the fused ``lstm_sequence`` op with
its derived VJP) and ``backward()``; the floor is the same computation written out in numpy, gates cached in
the forward pass and backpropagation through time by hand. The script first checks that both give the same
gradients, then prints the median times of alternating runs and their ratio.

Run: ``.venv/bin/python benchmarks/bench_recurrent.py`` (from the repository root).
"""
from __future__ import annotations

import numpy as np
from paired import paired_times, same_loss_and_gradients

from mathdl import autodiff as ad
from mathdl import recurrent

T, BATCH, D_IN, HIDDEN = 50, 32, 64, 128
REPEATS = 15
#: The target of the issue: the engine within this factor of the hand-written numpy.
TARGET_RATIO = 1.3
SAME_GRADIENT_RTOL = 1e-10
KEYS = ("W_ih", "W_hh", "b_ih", "b_hh")


def problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((T, BATCH, D_IN))
    G = rng.standard_normal((T, BATCH, HIDDEN))
    return X, G, recurrent.init_params("lstm", D_IN, HIDDEN, seed=seed, forget_bias=1.0)


def step_engine(X: np.ndarray, G: np.ndarray, params: dict) -> tuple[float, list[np.ndarray]]:
    """Forward with the engine, then backward()."""
    tensors = {k: ad.Tensor(params[k]) for k in KEYS}
    hidden = recurrent.run("lstm", X, tensors).hidden
    loss = (hidden * G).sum()
    loss.backward()
    return float(loss.value), [tensors[k].grad for k in KEYS]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def step_by_hand(X: np.ndarray, G: np.ndarray, params: dict) -> tuple[float, list[np.ndarray]]:
    """The same LSTM forward and backward written out in numpy (gate order i, f, g, o)."""
    W_ih, W_hh, b_ih, b_hh = (params[k] for k in KEYS)
    steps, n, d = X.shape
    H = W_hh.shape[0]
    gx = (X.reshape(steps * n, d) @ W_ih + (b_ih + b_hh)).reshape(steps, n, 4 * H)
    hs, cs, gates = np.zeros((steps + 1, n, H)), np.zeros((steps + 1, n, H)), np.empty((steps, n, 4 * H))
    for t in range(steps):
        a = gx[t] + hs[t] @ W_hh
        gates[t, :, :2 * H] = _sigmoid(a[:, :2 * H])
        gates[t, :, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])
        gates[t, :, 3 * H:] = _sigmoid(a[:, 3 * H:])
        i, f, g, o = (gates[t, :, k * H:(k + 1) * H] for k in range(4))
        cs[t + 1] = f * cs[t] + i * g
        hs[t + 1] = o * np.tanh(cs[t + 1])
    loss = float(np.sum(hs[1:] * G))
    da = np.empty((steps, n, 4 * H))
    dh, dc = np.zeros((n, H)), np.zeros((n, H))
    for t in range(steps - 1, -1, -1):
        i, f, g, o = (gates[t, :, k * H:(k + 1) * H] for k in range(4))
        dh = dh + G[t]
        tc = np.tanh(cs[t + 1])
        dc = dc + dh * o * (1.0 - tc * tc)
        da[t, :, :H] = dc * g * i * (1.0 - i)
        da[t, :, H:2 * H] = dc * cs[t] * f * (1.0 - f)
        da[t, :, 2 * H:3 * H] = dc * i * (1.0 - g * g)
        da[t, :, 3 * H:] = dh * tc * o * (1.0 - o)
        dc = dc * f
        dh = da[t] @ W_hh.T
    da2 = da.reshape(steps * n, 4 * H)
    db = da2.sum(axis=0)
    return loss, [X.reshape(steps * n, d).T @ da2, hs[:-1].reshape(steps * n, H).T @ da2, db, db]


def main() -> None:
    X, G, params = problem()
    loss_e, grads_e = step_engine(X, G, params)
    loss_h, grads_h = step_by_hand(X, G, params)
    same = same_loss_and_gradients(loss_e, grads_e, loss_h, grads_h, SAME_GRADIENT_RTOL)
    print(f"LSTM forward + backward: T = {T}, batch {BATCH}, input {D_IN}, hidden {HIDDEN}")
    print(f"engine and hand-written gradients agree to {SAME_GRADIENT_RTOL:.0e}: {same}")
    if not same:
        raise SystemExit("the two implementations disagree; timing them would be meaningless")
    t_engine, t_hand = paired_times(step_engine, step_by_hand, X, G, params, repeats=REPEATS)
    ratio = float(np.median(t_engine / t_hand))
    print(f"median of {REPEATS} alternating runs: engine {np.median(t_engine) * 1e3:.1f} ms, "
          f"hand-written numpy {np.median(t_hand) * 1e3:.1f} ms")
    print(f"ratio engine / hand-written (median of paired ratios): {ratio:.2f} "
          f"(target <= {TARGET_RATIO}: {ratio <= TARGET_RATIO})")


if __name__ == "__main__":
    main()

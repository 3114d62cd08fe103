"""Benchmark: the engine's conv2d against the same im2col computation written directly in numpy, and a loop.

Two layer shapes of the chapter "Convolutional networks", batch 32, 3×3 kernels, padding 1, stride 1:
3×32×32 → 16 channels and 16×32×32 → 32 channels. For each, three implementations of the forward pass and of
forward + backward (input and kernel gradients for a given output cotangent):

* **engine** -- :func:`mathdl.autodiff.convolution.conv2d` on Tensors, then ``backward(seed=G)``;
* **direct numpy** -- im2col with ``sliding_window_view``, one matrix product, and col2im for the input gradient,
  written out here with no Tensor, no graph and no validation: the floor for this design;
* **loop** -- a loop over the output positions, each a small ``tensordot`` of the window with the kernel (and
  the corresponding scatter in the backward pass): the way the formula reads.

The script first checks that all three give the same outputs and gradients, then prints median times of
alternating runs and the ratios. The brief's target: engine within 1.3× of direct numpy.

Run: ``.venv/bin/python benchmarks/bench_convolution.py`` (``make bench`` pins BLAS to one thread first).
"""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mathdl import autodiff as ad
from mathdl.autodiff.convolution import conv2d

BATCH = 32
SHAPES = [(3, 16), (16, 32)]       # (C_in, C_out) on 32×32 images
SIZE, K, PAD = 32, 3, 1
REPEATS = 15
#: The target of the brief: the engine within this factor of the direct numpy im2col computation.
TARGET_RATIO = 1.3
#: The implementations must agree to this relative accuracy before anything is timed.
SAME_RTOL = 1e-10


def problem(c_in: int, c_out: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((BATCH, c_in, SIZE, SIZE)), rng.standard_normal((c_out, c_in, K, K)),
            rng.standard_normal((BATCH, c_out, SIZE, SIZE)))


# ------------------------------------------------------------------------------------------ engine

def engine_forward(x, w, g):
    return conv2d(x, w, padding=PAD).value


def engine_both(x, w, g):
    xt, wt = ad.Tensor(x), ad.Tensor(w)
    y = conv2d(xt, wt, padding=PAD)
    y.backward(seed=g)
    return y.value, xt.grad, wt.grad


# ------------------------------------------------------------------------------------------ direct numpy

def _cols(x):
    xp = np.pad(x, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
    win = sliding_window_view(xp, (K, K), axis=(2, 3))                    # (N, C, H, W, K, K)
    n, c, h, w_ = win.shape[:4]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * w_, c * K * K), h, w_


def direct_forward(x, w, g):
    cols, h, w_ = _cols(x)
    return (cols @ w.reshape(w.shape[0], -1).T).reshape(x.shape[0], h, w_, -1).transpose(0, 3, 1, 2)


def direct_both(x, w, g):
    cols, h, w_ = _cols(x)
    o = w.shape[0]
    W = w.reshape(o, -1)
    y = (cols @ W.T).reshape(x.shape[0], h, w_, o).transpose(0, 3, 1, 2)
    g2 = g.transpose(0, 2, 3, 1).reshape(-1, o)
    gw = (g2.T @ cols).reshape(w.shape)
    gcols = (g2 @ W).reshape(x.shape[0], h, w_, x.shape[1], K, K)
    gxp = np.zeros((x.shape[0], x.shape[1], h + K - 1, w_ + K - 1))
    for a in range(K):
        for b in range(K):
            gxp[:, :, a:a + h, b:b + w_] += gcols[:, :, :, :, a, b].transpose(0, 3, 1, 2)
    return y, gxp[:, :, PAD:PAD + x.shape[2], PAD:PAD + x.shape[3]], gw


# ------------------------------------------------------------------------------------------ loop

def loop_forward(x, w, g):
    xp = np.pad(x, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
    y = np.empty((x.shape[0], w.shape[0], SIZE, SIZE))
    for i in range(SIZE):
        for j in range(SIZE):
            y[:, :, i, j] = np.tensordot(xp[:, :, i:i + K, j:j + K], w, axes=([1, 2, 3], [1, 2, 3]))
    return y


def loop_both(x, w, g):
    y = loop_forward(x, w, g)
    xp = np.pad(x, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
    gxp, gw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(SIZE):
        for j in range(SIZE):
            gij = g[:, :, i, j]                                                 # (N, O)
            gw += np.tensordot(gij, xp[:, :, i:i + K, j:j + K], axes=([0], [0]))
            gxp[:, :, i:i + K, j:j + K] += np.tensordot(gij, w, axes=([1], [0]))
    return y, gxp[:, :, PAD:-PAD, PAD:-PAD], gw


# ------------------------------------------------------------------------------------------ timing

def median_times(fns: list[Callable[..., object]], *args: object, repeats: int = REPEATS) -> list[float]:
    """Median seconds of each function, run in rotating order ``repeats`` times (after one warm-up each)."""
    for f in fns:
        f(*args)
    times = [[] for _ in fns]
    for r in range(repeats):
        for k in range(len(fns)):
            idx = (k + r) % len(fns)
            start = time.perf_counter()
            fns[idx](*args)
            times[idx].append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


def _same(a, b) -> bool:
    return all(np.max(np.abs(p - q)) <= SAME_RTOL * max(1.0, np.max(np.abs(q))) for p, q in zip(a, b))


def main() -> None:
    print(f"conv2d, batch {BATCH}, {SIZE}×{SIZE} images, {K}×{K} kernels, padding {PAD}, stride 1")
    for c_in, c_out in SHAPES:
        x, w, g = problem(c_in, c_out)
        ref = direct_both(x, w, g)
        same = _same(engine_both(x, w, g), ref) and _same(loop_both(x, w, g), ref) and \
            _same([engine_forward(x, w, g), loop_forward(x, w, g)], [ref[0], ref[0]])
        print(f"\n{c_in}×{SIZE}×{SIZE} → {c_out} channels: engine, direct numpy and loop agree to "
              f"{SAME_RTOL:.0e}: {same}")
        if not same:
            raise SystemExit("the implementations disagree; timing them would be meaningless")
        for label, fns in (("forward", [engine_forward, direct_forward, loop_forward]),
                           ("forward + backward", [engine_both, direct_both, loop_both])):
            t_engine, t_direct, t_loop = median_times(fns, x, w, g, repeats=REPEATS if label == "forward" else 9)
            ratio = t_engine / t_direct
            print(f"  {label:18s} engine {t_engine * 1e3:7.2f} ms | direct numpy {t_direct * 1e3:7.2f} ms | "
                  f"loop {t_loop * 1e3:8.2f} ms | engine/direct {ratio:.2f} (target <= {TARGET_RATIO}: "
                  f"{ratio <= TARGET_RATIO}) | loop/direct {t_loop / t_direct:.1f}")


if __name__ == "__main__":
    main()

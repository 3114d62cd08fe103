"""Shared by the engine-vs-numpy benchmarks: time two implementations side by side, after checking they agree.

Not a benchmark itself (``benchmarks/run.py`` runs only ``bench_*.py``); the benchmark scripts import it, which
works both under ``make bench`` and when a script is run directly (its folder is then on ``sys.path``).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np


def paired_times(first: Callable[..., object], second: Callable[..., object], *args: object,
                 repeats: int) -> tuple[np.ndarray, np.ndarray]:
    """Wall-clock seconds of ``first(*args)`` and ``second(*args)``, run in alternation ``repeats`` times.

    Alternating (and swapping which goes first) exposes both to the same load on a shared machine, so
    their ratio is fairer than two separate medians taken minutes apart. One untimed warm-up call each.
    """
    first(*args)
    second(*args)
    a, b = np.empty(repeats), np.empty(repeats)
    for k in range(repeats):
        order = ((first, a), (second, b)) if k % 2 == 0 else ((second, b), (first, a))
        for step, times in order:
            start = time.perf_counter()
            step(*args)
            times[k] = time.perf_counter() - start
    return a, b


def same_loss_and_gradients(loss_a: float, grads_a: Sequence[np.ndarray], loss_b: float,
                            grads_b: Sequence[np.ndarray], rtol: float) -> bool:
    """Whether two implementations give the same loss and gradients, each to ``rtol`` relative to ``b``'s size."""
    worst = max(float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)) for a, b in zip(grads_a, grads_b))
    return abs(loss_a - loss_b) <= rtol * abs(loss_b) and worst <= rtol

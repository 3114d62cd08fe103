"""Benchmark: redraw latency of the live gradient-descent explorer (printed, not a test).

Measures the time from a slider change to a finished redraw with 200 steps: setting the learning-rate slider of
:class:`mathdl.figures.optimization.GDExplorer` fires its observer, which recomputes the run
(:func:`~mathdl.figures.optimization.explorer_view`), updates the figure's artists (the static layer —
axes, ticks, contours — is reused), renders them with Agg and encodes the frame into the image widget. That
is everything Python does before the front end can show the new picture. The figure is created once; only
a change of objective or of the number of steps redraws the static layer.

Run: ``.venv/bin/python benchmarks/bench_explorer.py`` (from the repository root).
"""
from __future__ import annotations

import time

import numpy as np

from mathdl.figures import optimization as figs

STEPS = 200
#: Learning rates the slider visits (log-spaced; some settings diverge, which is part of the job).
LEARNING_RATES = np.geomspace(1e-3, 0.3, 25)
#: The brief's target: median latency at most this many milliseconds on this machine.
TARGET_MS = 30.0


def slider_latencies(explorer: figs.GDExplorer, optimizer: str) -> np.ndarray:
    """Milliseconds from ``explorer.lr.value = ...`` to the finished redraw, for each learning rate."""
    explorer.optimizer.value = optimizer
    times = np.empty(LEARNING_RATES.size)
    for i, lr in enumerate(LEARNING_RATES):
        start = time.perf_counter()
        explorer.lr.value = float(lr)          # the observer runs the whole redraw synchronously
        times[i] = (time.perf_counter() - start) * 1e3
        if explorer.figure.view.run.path.shape[0] < 2:
            raise RuntimeError("the explorer did not compute a trajectory")
    return times


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    explorer = figs.GDExplorer()
    explorer.steps.value = STEPS
    full_draws_before = explorer.figure.full_draws
    print(f"gradient-descent explorer: slider change -> finished redraw, {STEPS} steps, quadratic kappa = 10")
    every = []
    for optimizer in figs.EXPLORER_OPTIMIZERS:
        t = slider_latencies(explorer, optimizer)
        every.append(t)
        print(f"  {optimizer:9s} median {np.median(t):6.1f} ms   90th percentile {np.percentile(t, 90):6.1f} ms")
    all_times = np.concatenate(every)
    median = float(np.median(all_times))
    print(f"  all       median {median:6.1f} ms   (target <= {TARGET_MS:.0f} ms: "
          f"{'met' if median <= TARGET_MS else 'NOT met'}); static layer redrawn "
          f"{explorer.figure.full_draws - full_draws_before} times for {all_times.size} slider changes")
    start = time.perf_counter()
    explorer.objective.value = "rosenbrock"
    print(f"  changing the objective (new contours, full draw): {(time.perf_counter() - start) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()

"""Figures and the live explorer of the chapter "Calculus and backpropagation".

matplotlib and ipywidgets are imported inside the functions, so importing this module is cheap. Each
function draws one figure of the chapter from :mod:`mathdl.calculus` or :mod:`mathdl.mlp`;
:func:`training_figure` is also the update logic of the live explorer :func:`training_explorer`, and is
tested without a browser.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from mathdl import autodiff as ad
from mathdl import calculus, calculus_cost, calculus_forward, mlp

__all__ = [
    "plot_checkpoint_memory",
    "plot_decision_boundary",
    "plot_difference_errors",
    "plot_figure1_network",
    "plot_taylor_remainders",
    "training_explorer",
    "training_figure",
]


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, facecolor="white")  # dark mode: no text on a transparent page
    return ax


def plot_difference_errors(x: float = 1.0, ax: Any = None) -> Any:
    r"""Log-log plot of the measured error of forward and central differences of :math:`e^x`, with the model.

    The measured errors :math:`|D_h f(x) - f'(x)|` for :math:`h = 10^{-16} \dots 10^0`, the error model of
    :func:`mathdl.calculus.difference_error_model` (dashed), and the predicted optimal steps
    :func:`mathdl.calculus.optimal_step` (dotted verticals). For :math:`f = \exp`,
    :math:`|f| = |f''| = |f'''| = e^x`.

    Parameters
    ----------
    x : float
        Where to differentiate.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (6.4, 4.2))
    h = np.logspace(-16, 0, 161)
    scale = float(np.exp(x))
    measured = calculus.difference_errors(np.exp, scale, x, h)
    colours = {"forward": "tab:blue", "central": "tab:orange"}
    for kind, colour in colours.items():
        err = np.maximum(measured[kind], 1e-18)  # exact zeros cannot be drawn on a log axis
        ax.loglog(h, err, ".", ms=3, color=colour, label=f"{kind} difference, measured")
        ax.loglog(h, calculus.difference_error_model(h, kind, scale, scale), "--", color=colour, lw=1,
                  label=f"{kind}: error model")
        h_star = calculus.optimal_step(kind, scale, scale)
        ax.axvline(h_star, color=colour, ls=":", lw=1.5)
        ax.annotate(f"$h^*_{{\\mathrm{{{kind[:3]}}}}}$", (h_star, 1e-14), color=colour, ha="left",
                    xytext=(3, 0), textcoords="offset points")
    ax.set_xlabel(r"step size $h$")
    ax.set_ylabel(r"$|D_h f(x) - f'(x)|$")
    ax.set_ylim(1e-15, 1e2)
    ax.set_title(r"Finite-difference error for $f = \exp$ at $x = %g$" % x)
    ax.legend(fontsize=9, loc="upper center")
    return ax


def plot_decision_boundary(params: Sequence[np.ndarray], X: np.ndarray, labels: np.ndarray, ax: Any = None,
                           resolution: int = 200) -> Any:
    """The classes an MLP predicts over the plane (shaded), its decision boundary, and the data.

    Parameters
    ----------
    params : sequence of ndarray
        As returned by :func:`mathdl.mlp.train_mlp`.
    X : ndarray, shape (n, 2)
    labels : ndarray of int, shape (n,)
    ax : matplotlib Axes, optional
    resolution : int
        Grid points per axis.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax, (5.0, 4.0))
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    logits = mlp.mlp_logits(list(params), grid).value
    margin = (logits[:, 1] - logits[:, 0]).reshape(gx.shape)  # > 0 where class 1 wins
    ax.contourf(gx, gy, margin > 0, levels=[-0.5, 0.5, 1.5], colors=["#cfe2f3", "#fde0c5"])
    ax.contour(gx, gy, margin, levels=[0.0], colors="k", linewidths=1.5)
    for k, colour in ((0, "tab:blue"), (1, "tab:orange")):
        pts = X[labels == k]
        ax.scatter(pts[:, 0], pts[:, 1], s=12, color=colour, edgecolor="k", linewidth=0.3, label=f"class {k}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=9, loc="lower left")
    return ax


def training_figure(hidden_units: int = 16, layers: int = 2, lr: float = 0.5, steps: int = 600,
                    noise: float = 0.1, seed: int = 0) -> Any:
    """Train an MLP on two moons and draw the loss curve and the decision boundary (the explorer's update).

    Parameters
    ----------
    hidden_units : int
        Width of each hidden layer.
    layers : int
        Number of hidden layers.
    lr : float
        Learning rate.
    steps : int
        Gradient steps.
    noise : float
        Noise of the two moons.
    seed : int
        Seed of the data and of the initial weights.

    Returns
    -------
    matplotlib Figure
        The title reports the training accuracy, or that training diverged: a step overflowed, or the loss
        ended above its starting value (the steps overshoot without overflowing, as at learning rate 10).
    """
    import matplotlib.pyplot as plt

    X, labels = mlp.two_moons(200, noise=noise, seed=seed)
    fig, (ax_loss, ax_data) = plt.subplots(1, 2, figsize=(10, 4), facecolor="white")
    try:
        with np.errstate(over="raise", invalid="raise"):
            params, losses = mlp.train_mlp(X, labels, hidden=(hidden_units,) * layers, steps=steps, lr=lr,
                                           seed=seed)
        finite = bool(np.all(np.isfinite(losses))) and all(np.all(np.isfinite(p)) for p in params)
    except (ValueError, FloatingPointError):
        finite = False
    if not finite:
        ax_loss.text(0.5, 0.5, f"diverged (learning rate {lr} too large)", ha="center", va="center",
                     transform=ax_loss.transAxes)
        ax_data.scatter(X[:, 0], X[:, 1], c=labels, cmap="coolwarm", s=12)
        fig.suptitle("training diverged: lower the learning rate")
        return fig
    ax_loss.semilogy(losses)
    if losses[-1] > losses[0]:  # finite, but the steps overshoot: the loss ends above where it started
        fig.suptitle(f"training diverged: the loss rose from {losses[0]:.2f} to {losses[-1]:.3g}; lower the "
                     "learning rate")
    ax_loss.set_xlabel(r"gradient step $t$", fontsize=12)
    ax_loss.set_ylabel(r"training loss $L(\theta_t)$", fontsize=12)
    ax_loss.set_title(r"cross-entropy $L(\theta_t)$", fontsize=12)
    for ax in (ax_loss, ax_data):
        ax.tick_params(labelsize=11)
    plot_decision_boundary(params, X, labels, ax=ax_data)
    accuracy = float(np.mean(mlp.mlp_predict(params, X) == labels))
    ax_data.set_title(f"decision boundary, training accuracy {accuracy:.2f}", fontsize=12)
    fig.tight_layout()
    return fig


def training_explorer() -> Any:
    """Sliders for :func:`training_figure` (needs a running Jupyter kernel)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(hidden_units: int, layers: int, lr: float, steps: int, noise: float) -> None:
        training_figure(hidden_units, layers, lr, steps, noise)
        plt.show()

    return widgets.interactive(
        show,
        hidden_units=widgets.IntSlider(value=16, min=2, max=64, step=2, description="units"),
        layers=widgets.IntSlider(value=2, min=1, max=3, description="layers"),
        lr=widgets.FloatLogSlider(value=0.5, base=10, min=-2, max=1.5, description="learning rate"),
        steps=widgets.IntSlider(value=600, min=50, max=2000, step=50, description="steps"),
        noise=widgets.FloatSlider(value=0.1, min=0.0, max=0.4, step=0.02, description="noise"),
    )


def plot_figure1_network(ax: Any = None) -> Any:
    r"""The Figure-1 network of source 000: 3 inputs, 4 hidden units, 2 outputs, with the forward quantities
    and the backward cotangents :math:`\delta_k` labelled.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.patches import Circle

    ax = _axes(ax, (7.0, 4.2))
    layers = [3, 4, 2]
    xs = [0.0, 2.4, 4.8]
    pos = [[(x, (n - 1) / 2 - i) for i in range(n)] for x, n in zip(xs, layers)]
    for left, right in zip(pos[:-1], pos[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color="0.7", lw=0.8, zorder=1)
    names = [[f"$x_{i + 1}$" for i in range(3)], [r"$\psi_1$" for _ in range(4)],
             [f"$\\hat y_{i + 1}$" for i in range(2)]]
    for layer, labels in zip(pos, names):
        for (x, y), text in zip(layer, labels):
            ax.add_patch(Circle((x, y), 0.3, facecolor="white", edgecolor="k", zorder=2))
            ax.text(x, y, text, ha="center", va="center", fontsize=10, zorder=3)
    ax.text(1.2, 2.1, r"$Z_1 = x W_1$" "\n" r"$W_1: 3 \times 4$", ha="center", fontsize=9)
    ax.text(3.6, 2.1, r"$Z_2 = \psi_1(Z_1) W_2$" "\n" r"$W_2: 4 \times 2$", ha="center", fontsize=9)
    ax.annotate("", xy=(0.8, -2.3), xytext=(4.0, -2.3),
                arrowprops={"arrowstyle": "->", "color": "tab:red"})
    ax.text(2.4, -2.85, r"backward: $\delta_2 = \hat y - y \;\to\; \delta_1 = (\delta_2 W_2^\top)\odot\psi_1'(Z_1)$",
            ha="center", fontsize=9, color="tab:red")
    ax.set_xlim(-0.6, 5.4)
    ax.set_ylim(-3.1, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def taylor_example(seed: int = 2) -> tuple[Any, np.ndarray, np.ndarray]:
    r"""The function, point and direction of the Taylor figure: the Figure-1-shaped loss in :math:`W_1`.

    :math:`f(w) = \tfrac12 \lVert \tanh(X W_1) W_2 - U \rVert^2` with :math:`W_1 = w` reshaped to
    :math:`3 \times 4` and :math:`X, W_2, U` drawn from ``seed``; returns ``(f, w, d)``.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 3))
    W1, V1 = rng.standard_normal((2, 3, 4))
    W2 = rng.standard_normal((4, 2))
    U = rng.standard_normal((5, 2))

    def f(w: Any) -> Any:
        return 0.5 * ((ad.tanh(X @ w.reshape(3, 4)) @ W2 - U) ** 2).sum()

    return f, W1.ravel(), V1.ravel()


def plot_taylor_remainders(ts: np.ndarray | None = None, ax: Any = None) -> Any:
    r"""Log-log plot of the first- and second-order Taylor remainders along a line, with slopes 2 and 3.

    The remainders come from :func:`mathdl.calculus_forward.taylor_remainders` on :func:`taylor_example`;
    the dashed reference lines :math:`c\,t^2` and :math:`c\,t^3` pass through the smallest step's values.
    """
    ts = np.logspace(-3.5, -0.5, 25) if ts is None else np.asarray(ts, dtype=float)
    f, w, d = taylor_example()
    r = calculus_forward.taylor_remainders(f, w, d, ts)
    ax = _axes(ax, (6.4, 4.2))
    ax.loglog(ts, r["first"], "o", color="C0", ms=4,
              label=r"$|f(x+td) - f(x) - t\,\nabla f^\top d|$")
    ax.loglog(ts, r["second"], "s", color="C3", ms=4,
              label=r"$|f(x+td) - f(x) - t\,\nabla f^\top d - \frac{t^2}{2} d^\top H d|$")
    ax.loglog(ts, r["first"][0] * (ts / ts[0]) ** 2, "--", color="C0", lw=1, label=r"slope 2: $O(t^2)$")
    ax.loglog(ts, r["second"][0] * (ts / ts[0]) ** 3, "--", color="C3", lw=1, label=r"slope 3: $O(t^3)$")
    ax.set_xlabel(r"step length $t$")
    ax.set_ylabel("Taylor remainder")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_checkpoint_memory(max_depth: int = 256, depth_for_segments: int = 64, axes: Any = None) -> Any:
    r"""Activations held at the peak of the backward pass: against depth (left) and against the segment (right).

    Left: plain reverse mode :math:`K + 1` and checkpointing every :math:`s = \lceil \sqrt K \rceil` layers,
    with the bound :math:`2\sqrt K`. Right: :math:`\lceil K/s \rceil + s` for :math:`K` = ``depth_for_segments``
    and every :math:`s`, minimal near :math:`\sqrt K`. All counts from
    :func:`mathdl.calculus_cost.checkpoint_memory`.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.0, 3.8), facecolor="white")
    depths = np.arange(1, max_depth + 1)
    plain = [calculus_cost.checkpoint_memory(int(K)) for K in depths]
    ckpt = [calculus_cost.checkpoint_memory(int(K), int(math.ceil(math.sqrt(K)))) for K in depths]
    left, right = axes
    left.plot(depths, plain, color="C3", label=r"reverse mode: $K + 1$")
    left.plot(depths, ckpt, color="C0", label=r"checkpoints, $s = \lceil\sqrt{K}\rceil$")
    left.plot(depths, 2 * np.sqrt(depths), ":", color="k", lw=1.2, zorder=3, label=r"$2\sqrt{K}$")
    left.set_xlabel(r"depth $K$ (layers)")
    left.set_ylabel("activations held at the peak")
    left.legend(fontsize=8)
    K = int(depth_for_segments)
    segments = np.arange(1, K + 1)
    memory = [calculus_cost.checkpoint_memory(K, int(s)) for s in segments]
    right.plot(segments, memory, "o-", ms=3, color="C0", label=rf"$\lceil {K}/s \rceil + s$")
    right.axvline(math.sqrt(K), ls=":", color="gray", label=rf"$s = \sqrt{{{K}}}$")
    right.axhline(K + 1, ls="--", color="C3", lw=1, label=rf"no checkpoints: ${K + 1}$")
    right.set_xscale("log", base=2)
    right.set_xlabel(r"segment length $s$")
    right.set_ylabel("activations held at the peak")
    right.legend(fontsize=8)
    left.figure.tight_layout()
    return axes

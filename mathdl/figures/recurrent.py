r"""Figures and the live gradient-flow explorer of the Recurrent networks chapter.

The explorer's update logic is :func:`gradient_flow`, a plain function from its settings (spectral radius,
nonlinearity, sequence length, LSTM forget-gate bias) to the curves it draws: :math:`\lVert \partial h_T /
\partial h_t \rVert_2` of a vanilla RNN with :math:`W_{hh} = \rho Q` (:math:`Q` orthogonal), the bound
:math:`\rho^{T-t}`, and the LSTM's cell path :math:`\lVert \partial c_T/\partial c_t \rVert_2 = \max_j
\prod_{s>t} f_{s,j}` along the carousel. :class:`FlowExplorer` wires ipywidgets to it.
"""
from __future__ import annotations

import dataclasses
import io

import numpy as np

from mathdl import recurrent
from mathdl.autodiff import recurrent as rops

__all__ = ["DEFAULTS", "FlowExplorer", "FlowView", "draw_flow", "draw_gradient_vs_lag", "draw_memory",
           "flow_explorer", "gradient_flow"]

#: The explorer's default state (the chapter's static figure).
DEFAULTS = {"rho": 1.0, "activation": "tanh", "steps": 40, "forget_bias": 2.0}
HIDDEN = 8


@dataclasses.dataclass(frozen=True)
class FlowView:
    """What the explorer draws for one setting."""

    rho: float
    activation: str
    steps: int
    forget_bias: float
    t: np.ndarray            # 0..T
    rnn: np.ndarray          # ||dh_T/dh_t||_2
    bound: np.ndarray        # (gamma ||W||_2)^(T - t) = rho^(T - t)
    lstm_cell: np.ndarray    # ||dc_T/dc_t||_2 along the cell path


def gradient_flow(rho: float = DEFAULTS["rho"], activation: str = DEFAULTS["activation"],
                  steps: int = DEFAULTS["steps"], forget_bias: float = DEFAULTS["forget_bias"],
                  seed: int = 0) -> FlowView:
    r"""The explorer's curves for one setting.

    The RNN has :math:`H = 8`, :math:`W = \rho Q` with :math:`Q` = :func:`mathdl.recurrent.orthogonal` (so
    :math:`\lVert W\rVert_2 = \rho(W) = \rho`) and is driven by inputs :math:`u_t \sim \mathcal N(0, 1)`
    (seeded). The LSTM (same size, PyTorch initialisation, forget-gate bias raised by ``forget_bias``) reads the
    same inputs; its cell path is :math:`\partial c_T/\partial c_t = \prod_{s=t+1}^T \mathrm{diag}(f_s)`.

    Parameters
    ----------
    rho : float
        Spectral radius, > 0.
    activation : {"tanh", "relu", "linear"}
    steps : int
        :math:`T \ge 1`.
    forget_bias : float
    seed : int

    Returns
    -------
    FlowView

    Examples
    --------
    >>> v = gradient_flow(0.9, "linear", 5)
    >>> bool(np.allclose(v.rnn, 0.9 ** (5 - v.t)))
    True
    """
    if not (isinstance(rho, (int, float)) and rho > 0 and np.isfinite(rho)):
        raise ValueError(f"gradient_flow: rho must be a positive number; got {rho!r}.")
    rng = np.random.default_rng(seed)
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"gradient_flow: steps must be >= 1; got {steps!r}.")
    W = rho * recurrent.orthogonal(HIDDEN, seed)
    u = rng.standard_normal((steps, HIDDEN))
    rnn = recurrent.jacobian_norms(W, steps, activation=activation, inputs=u)
    t = np.arange(steps + 1)
    params = recurrent.init_params("lstm", HIDDEN, HIDDEN, seed=seed, forget_bias=forget_bias)
    gx = u @ params["W_ih"] + params["b_ih"] + params["b_hh"]
    out = rops.lstm_sequence(gx[:, None, :], np.zeros((1, HIDDEN)), np.zeros((1, HIDDEN)), params["W_hh"])
    f = out[:, 0, 3 * HIDDEN:4 * HIDDEN]                       # (T, H)
    cell = np.ones(steps + 1)
    prod = np.ones(HIDDEN)
    for s in range(steps - 1, -1, -1):                         # dc_T/dc_s = prod_{r > s} diag(f_r)
        prod = prod * f[s]
        cell[s] = np.max(prod)
    return FlowView(float(rho), activation, steps, float(forget_bias), t, rnn, rho ** (steps - t).astype(float),
                    cell)


def draw_flow(view: FlowView | None = None, ax=None):
    """The explorer's picture: gradient norms reaching step t from step T, on a log scale."""
    import matplotlib.pyplot as plt

    view = gradient_flow() if view is None else view
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.6), facecolor="white")
    ax.semilogy(view.t, np.maximum(view.rnn, 1e-300), "C0-", lw=2,
                label=rf"RNN ({view.activation}) $\|\partial h_T/\partial h_t\|_2$")
    ax.semilogy(view.t, view.bound, "C0:", label=r"bound $(\gamma\|W\|_2)^{T-t} = \rho^{T-t}$")
    ax.semilogy(view.t, view.lstm_cell, "C1-", lw=2, label=r"LSTM cell path $\|\partial c_T/\partial c_t\|_2$")
    ax.set_xlabel(r"time step $t$")
    ax.set_ylabel("gradient norm")
    ax.set_title(rf"$\rho = {view.rho:g}$, $T = {view.steps}$, forget bias ${view.forget_bias:g}$", fontsize=10)
    ax.set_ylim(max(1e-12, min(np.min(view.rnn[view.rnn > 0], initial=1.0), np.min(view.lstm_cell)) / 3),
                max(3.0, float(np.max(view.bound)) * 3))
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return ax


def draw_gradient_vs_lag(radii=(0.8, 0.95, 1.0, 1.05), lag: int = 60, seed: int = 0):
    r"""Two panels: :math:`\lVert \partial h_T/\partial h_{T-k}\rVert_2` against the lag :math:`k` for the linear
    RNN (:math:`= \rho^k` exactly, orthogonal :math:`Q`) and for tanh driven by :math:`\mathcal N(0, 1)` inputs."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.6), facecolor="white", sharey=True)
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((lag, HIDDEN))
    for i, rho in enumerate(radii):
        W = rho * recurrent.orthogonal(HIDDEN, seed)
        for ax, act in zip(axes, ("linear", "tanh")):
            norms = recurrent.jacobian_norms(W, lag, activation=act, inputs=u)[::-1]     # index = lag k
            ax.semilogy(np.arange(lag + 1), norms, color=f"C{i}", lw=2, label=rf"$\rho = {rho:g}$")
            ax.semilogy(np.arange(lag + 1), rho ** np.arange(lag + 1.0), color=f"C{i}", ls=":", lw=1)
    for ax, title in zip(axes, ("linear: $W^k$", r"$\tanh$, inputs $\mathcal{N}(0,1)$")):
        ax.set_xlabel(r"lag $k = T - t$")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(r"$\|\partial h_T/\partial h_{T-k}\|_2$")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def draw_memory(results: dict, probes: dict | None = None):
    """Accuracy against lag per model (left) and, if given, the probed ||dL/dh_t|| per step (right)."""
    import matplotlib.pyplot as plt

    ncols = 2 if probes else 1
    fig, axes = plt.subplots(1, ncols, figsize=(9.0 if probes else 6.5, 3.6), facecolor="white", squeeze=False)
    ax = axes[0, 0]
    for i, (kind, accs) in enumerate(results.items()):
        lags = sorted(accs)
        ax.plot(lags, [accs[k] for k in lags], "o-", color=f"C{i}", lw=2, label=kind.upper())
    ax.axhline(0.25, color="0.5", ls=":", label="chance $1/K$")
    ax.set_xlabel(r"lag $T - 1$")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    if probes:
        ax = axes[0, 1]
        for i, (kind, rows) in enumerate(probes.items()):
            for j, row in enumerate(rows):
                ax.semilogy(np.arange(1, len(row) + 1), np.maximum(row, 1e-16), color=f"C{i}",
                            alpha=0.35 + 0.65 * j / max(1, len(rows) - 1),
                            label=kind.upper() if j == len(rows) - 1 else None)
        ax.set_xlabel(r"time step $t$")
        ax.set_ylabel(r"$\|\partial L/\partial h_t\|$")
        ax.set_title("darker = later in training", fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


class FlowExplorer:
    """The live explorer: sliders for rho, the nonlinearity, T and the forget bias; redraws :func:`draw_flow`."""

    def __init__(self):
        import ipywidgets as widgets
        import matplotlib

        matplotlib.use("Agg", force=False)
        d = DEFAULTS
        self.rho = widgets.FloatSlider(value=d["rho"], min=0.5, max=1.5, step=0.01, description="ρ")
        self.activation = widgets.Dropdown(options=list(rops.ACTIVATIONS), value=d["activation"],
                                           description="φ")
        self.steps = widgets.IntSlider(value=d["steps"], min=5, max=100, description="T")
        self.forget_bias = widgets.FloatSlider(value=d["forget_bias"], min=-2.0, max=5.0, step=0.1,
                                               description="forget bias")
        self.image = widgets.Image(format="png")
        for control in (self.rho, self.activation, self.steps, self.forget_bias):
            control.observe(self.redraw, names="value")
        self.redraw()
        self.widget = widgets.VBox([widgets.HBox([self.rho, self.activation]),
                                    widgets.HBox([self.steps, self.forget_bias]), self.image])

    def view(self) -> FlowView:
        return gradient_flow(self.rho.value, self.activation.value, self.steps.value, self.forget_bias.value)

    def redraw(self, _=None) -> None:
        import matplotlib.pyplot as plt

        ax = draw_flow(self.view())
        buf = io.BytesIO()
        ax.figure.savefig(buf, format="png", dpi=72)
        plt.close(ax.figure)
        self.image.value = buf.getvalue()

    def _ipython_display_(self):  # pragma: no cover - needs a Jupyter front end
        from IPython.display import display

        display(self.widget)


def flow_explorer() -> FlowExplorer:
    """The live gradient-flow explorer (run the chapter in Jupyter to use it)."""
    return FlowExplorer()

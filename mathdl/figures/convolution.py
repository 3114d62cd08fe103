r"""Figures and the live kernel explorer of the chapter "Convolutional networks".

Every figure returns a matplotlib Figure with a white face colour (readable in dark mode) and mathtext labels.
The live explorer (:func:`kernel_explorer`, ipywidgets) redraws from :func:`explorer_state`, a plain function
tested without a browser: pick a digit, edit a 3×3 kernel, shift the input, and watch the feature map, the
pooled map and the shift equivariance.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from mathdl.autodiff.convolution import conv2d_forward, pool2d_max
from mathdl.convolution import circulant_matrix, toeplitz_matrix, transposed_overlap
from mathdl.validate import real_array

__all__ = ["KERNELS", "ExplorerState", "explorer_state", "fig_checkerboard", "fig_explorer_state", "fig_fft_costs",
           "fig_filters", "fig_matrices", "fig_stability", "kernel_explorer"]

#: Named 3×3 kernels offered by the explorers (cross-correlation convention, as conv2d).
KERNELS: dict[str, list[list[float]]] = {
    "vertical edge": [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]],
    "horizontal edge": [[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
    "identity": [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]],
}


def _fig(ncols: int, width: float = 7.0, height: float = 2.6):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), facecolor="white")
    return fig, np.atleast_1d(axes)


class ExplorerState(NamedTuple):
    """What the kernel explorer shows: feature map, pooled map, the map of the shifted input and the
    equivariance error (max over the interior, where zero padding plays no role, and over the border)."""

    image: np.ndarray
    shifted: np.ndarray
    feature: np.ndarray
    pooled: np.ndarray
    feature_of_shifted: np.ndarray
    interior_error: float
    border_error: float


def explorer_state(image: Any, kernel: Any, shift: tuple[int, int] = (0, 1)) -> ExplorerState:
    r"""The explorer's update: :math:`F = w \star x` (zero padding 1), :math:`\mathrm{maxpool}_2(F)`, and
    :math:`w \star T_s x` compared with :math:`T_s (w \star x)`.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (3, 3)
    shift : (int, int)
        Non-circular shift (rows, columns) of the image; vacated pixels are 0.

    Returns
    -------
    ExplorerState
        ``interior_error`` is 0 up to rounding (equivariance, claim ``convolution.translation-equivariance``);
        ``border_error`` is where zero padding breaks it (claim ``convolution.border-effects``).

    Examples
    --------
    >>> s = explorer_state(np.eye(6), np.ones((3, 3)), (0, 1))
    >>> s.feature.shape, s.pooled.shape, s.interior_error
    ((6, 6), (3, 3), 0.0)
    """
    x = real_array(image, "image", "explorer_state")
    w = real_array(kernel, "kernel", "explorer_state")
    if x.ndim != 2 or w.shape != (3, 3) or min(x.shape) < 4:
        raise ValueError(f"explorer_state: image must be 2-D (>= 4x4) and kernel 3x3; got {x.shape}, {w.shape}.")
    dy, dx = (int(v) for v in shift)
    if abs(dy) >= x.shape[0] - 2 or abs(dx) >= x.shape[1] - 2:
        raise ValueError(f"explorer_state: shift {shift} is too large for a {x.shape} image.")
    shifted = np.zeros_like(x)
    H, W = x.shape
    shifted[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = x[max(-dy, 0):H - max(dy, 0),
                                                                      max(-dx, 0):W - max(dx, 0)]
    conv = lambda z: conv2d_forward(z[None, None], w[None, None], padding=1)[0, 0]   # noqa: E731
    feature, feature_s = conv(x), conv(shifted)
    moved = np.zeros_like(feature)
    moved[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = feature[max(-dy, 0):H - max(dy, 0),
                                                                          max(-dx, 0):W - max(dx, 0)]
    diff = np.abs(feature_s - moved)
    m = 1 + max(abs(dy), abs(dx))                    # pixels within reach of the border or the vacated strip
    interior = diff[m:H - m, m:W - m]
    border = diff.copy()
    border[m:H - m, m:W - m] = 0.0
    return ExplorerState(x, shifted, feature, pool2d_max(feature[None, None])[0, 0], feature_s,
                         float(interior.max(initial=0.0)), float(border.max(initial=0.0)))


def fig_explorer_state(state: ExplorerState):
    """The explorer's picture: input, shifted input, feature map, pooled map, feature map of the shifted input."""
    fig, axes = _fig(5, 7.0, 1.9)
    panels = [(state.image, r"input $x$"), (state.shifted, r"$T_s x$"), (state.feature, r"$w \star x$"),
              (state.pooled, r"$\max_{2\times2}(w \star x)$"), (state.feature_of_shifted, r"$w \star T_s x$")]
    scale = max(float(np.max(np.abs(state.feature))), float(np.max(np.abs(state.feature_of_shifted))), 1e-12)
    for ax, (img, title) in zip(axes, panels):
        if img is state.image or img is state.shifted:
            ax.imshow(img, cmap="gray")
        else:                                   # signed maps: white is 0, red positive, blue negative
            ax.imshow(img, cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    import matplotlib.pyplot as plt
    plt.close(fig)
    return fig


def kernel_explorer(images: np.ndarray):  # pragma: no cover - needs a Jupyter front end; logic in explorer_state
    """The live explorer: a digit slider, nine kernel fields, a preset menu and two shift sliders."""
    import ipywidgets as widgets
    from IPython.display import display

    out = widgets.Output()
    pick = widgets.IntSlider(0, 0, len(images) - 1, description="digit")
    preset = widgets.Dropdown(options=list(KERNELS), value="vertical edge", description="kernel")
    cells = [widgets.FloatText(KERNELS["vertical edge"][i][j], layout=widgets.Layout(width="70px"))
             for i in range(3) for j in range(3)]
    sy = widgets.IntSlider(0, -2, 2, description="shift rows")
    sx = widgets.IntSlider(1, -2, 2, description="shift cols")

    def redraw(_=None):
        kernel = np.array([c.value for c in cells], dtype=float).reshape(3, 3)
        state = explorer_state(images[pick.value, 0], kernel, (sy.value, sx.value))
        with out:
            out.clear_output(wait=True)
            display(fig_explorer_state(state))
            print(f"max |w*(T_s x) - T_s(w*x)| interior: {state.interior_error:.2e}, border: {state.border_error:.2f}")

    def load(_=None):
        for c, v in zip(cells, np.ravel(KERNELS[preset.value])):
            c.value = float(v)

    preset.observe(load, "value")
    for w in (pick, sy, sx, *cells):
        w.observe(redraw, "value")
    redraw()
    display(widgets.VBox([widgets.HBox([pick, preset]), widgets.GridBox(cells, layout=widgets.Layout(
        grid_template_columns="repeat(3, 80px)")), widgets.HBox([sy, sx]), out]))


def fig_matrices(w: Any = (1.0, 2.0, 3.0), n: int = 8):
    """Toeplitz (zero padding 1) and circulant matrices of a 3-tap kernel: banded, constant along diagonals."""
    import matplotlib.pyplot as plt
    fig, axes = _fig(2, 7.0, 3.3)
    for ax, M, title in ((axes[0], toeplitz_matrix(w, n, 1), r"Toeplitz $T$ (zero padding $p=1$)"),
                         (axes[1], circulant_matrix(np.roll(np.asarray(w, float), -1), n)[:, :],
                          r"circulant $C$ (circular padding)")):
        ax.imshow(M, cmap="viridis")
        for (i, j), v in np.ndenumerate(M):
            if v:
                ax.text(j, i, f"{v:g}", ha="center", va="center", color="white", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(r"input index $m$")
        ax.set_ylabel(r"output index $i$")
    fig.tight_layout()
    plt.close(fig)
    return fig


def fig_checkerboard(n: int = 6):
    """Overlap counts of 2-D transposed convolutions: k = 3, s = 2 (checkerboard) against k = 4, s = 2 (even)."""
    import matplotlib.pyplot as plt
    fig, axes = _fig(2, 7.0, 3.3)
    for ax, k in zip(axes, (3, 4)):
        c = transposed_overlap(n, k, 2)
        grid = np.outer(c, c)
        im = ax.imshow(grid, cmap="magma", vmin=0)
        ax.set_title(rf"$k = {k}$, $s = 2$: counts {sorted(set(grid[k:-k, k:-k].ravel().tolist()))}", fontsize=10)
        ax.set_xlabel(r"output column $w$")
        ax.set_ylabel(r"output row $h$")
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    plt.close(fig)
    return fig


def fig_fft_costs(n: int, kernels: np.ndarray, direct: np.ndarray, fft: np.ndarray):
    """Counted multiplications of direct and FFT convolution against the kernel length (log-log)."""
    import matplotlib.pyplot as plt
    fig, axes = _fig(1, 6.5, 3.4)
    ax = axes[0]
    ax.loglog(kernels, direct, "C0-o", ms=3, label=r"direct: $nk$")
    ax.loglog(kernels, fft, "C1-s", ms=3, label=r"FFT: $6N\log_2 N + 4N$")
    ax.set_xlabel(r"kernel length $k$")
    ax.set_ylabel("real multiplications")
    ax.set_title(rf"full convolution, $n = {n}$", fontsize=10)
    ax.legend()
    fig.tight_layout()
    plt.close(fig)
    return fig


def fig_stability(eps: np.ndarray, curves: dict[str, np.ndarray], bank_lp: np.ndarray, bank_psi: np.ndarray,
                  bank_phi: np.ndarray):
    """Left: the filter bank and its Littlewood–Paley sum. Right: relative change under dilation by ε."""
    import matplotlib.pyplot as plt
    fig, axes = _fig(2, 7.0, 3.2)
    n = bank_lp.size
    omega = 2 * np.pi * np.fft.fftfreq(n)
    order = np.argsort(omega)
    for j, psi in enumerate(bank_psi):
        axes[0].plot(omega[order], psi[order] ** 2, lw=1, label=r"$|\hat\psi_j|^2$" if j == 0 else None)
    axes[0].plot(omega[order], bank_phi[order] ** 2, "k--", lw=1, label=r"$|\hat\phi|^2$")
    axes[0].plot(omega[order], bank_lp[order], "k-", lw=1.6, label=r"$A(\omega)$")
    axes[0].set_xlabel(r"frequency $\omega$")
    axes[0].legend(fontsize=8)
    for (label, values), style in zip(curves.items(), ("C0-o", "C1-s", "C2-^")):
        axes[1].plot(eps, values, style, ms=4, label=label)
    axes[1].set_xlabel(r"dilation $\varepsilon$ ($\tau(t) = \varepsilon t$)")
    axes[1].set_ylabel(r"$\|\Phi(x_\tau) - \Phi(x)\| / \|\Phi(x)\|$")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def fig_filters(w1: np.ndarray, image: np.ndarray, maps: np.ndarray):
    """Top row: the learned first-layer 3×3 filters; bottom row: their ReLU feature maps on one digit."""
    import matplotlib.pyplot as plt
    c = w1.shape[0]
    fig, axes = plt.subplots(2, c + 1, figsize=(7.0, 2.2), facecolor="white")
    axes[0, 0].imshow(image, cmap="gray")
    axes[0, 0].set_title("digit", fontsize=9)
    axes[1, 0].axis("off")
    for i in range(c):
        m = max(float(np.max(np.abs(w1[i, 0]))), 1e-12)
        axes[0, i + 1].imshow(w1[i, 0], cmap="RdBu_r", vmin=-m, vmax=m)
        axes[0, i + 1].set_title(rf"$w_{{{i + 1}}}$", fontsize=9)
        axes[1, i + 1].imshow(maps[i], cmap="magma")
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    plt.close(fig)
    return fig

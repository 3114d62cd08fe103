"""Figures and the live SVD explorer of the Linear Algebra chapter.

The update logic is :func:`svd_view`, a plain function from the four entries of a 2x2 matrix to the data the
figure draws; :func:`draw_svd` draws it and :func:`svd_explorer` wires sliders to it in Jupyter.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mathdl import spectral

__all__ = ["SvdView", "conditioning_figure", "draw_svd", "eckart_young_figure", "jl_figure", "power_iteration_figure",
           "svd_explorer", "svd_view"]

#: Tick and label sizes that stay legible when a figure is scaled to the ~700 px text column.
LABEL_SIZE = 11
TICK_SIZE = 10


def _new_axes(figsize: tuple[float, float]):
    """A figure with a white face (readable in dark mode) and legible ticks."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, facecolor="white")
    ax.tick_params(labelsize=TICK_SIZE)
    return fig, ax

#: The matrix the explorer starts from (and the rendered book shows).
DEFAULT_MATRIX = ((1.5, 0.5), (0.8, 1.0))


@dataclasses.dataclass(frozen=True)
class SvdView:
    """What the SVD figure shows for one matrix ``A`` (row-vector convention ``x -> xA``)."""

    A: np.ndarray
    circle: np.ndarray          # (points, 2) the unit circle
    image: np.ndarray           # (points, 2) its image, an ellipse
    sigma: np.ndarray           # (2,) singular values, descending
    axes: np.ndarray            # (2, 2) rows sigma_i v_i: the ellipse's semi-axes
    inputs: np.ndarray          # (2, 2) rows u_i: the unit vectors sent to them

    @property
    def title(self) -> str:
        s1, s2 = self.sigma
        cond = r"\infty" if s2 <= 1e-12 * s1 else f"{s1 / s2:.2f}"  # numerically singular: infinite
        return (rf"$\sigma_1 = {s1:.3f},\ \sigma_2 = {s2:.3f},\ |\det A| = {s1 * s2:.3f},\ "
                rf"\sigma_1/\sigma_2 = {cond}$")


def svd_view(a: float, b: float, c: float, d: float, points: int = 200) -> SvdView:
    """Data of the SVD picture for ``A = [[a, b], [c, d]]``.

    With row vectors and numpy's ``A = U S V^T``, ``u_i^T A = sigma_i v_i^T``: the unit vectors ``u_i`` on the
    circle are sent to the semi-axes ``sigma_i v_i`` of the ellipse.

    Examples
    --------
    >>> view = svd_view(2.0, 0.0, 0.0, 0.5)
    >>> [round(float(s), 12) for s in view.sigma]
    [2.0, 0.5]
    """
    A = np.array([[a, b], [c, d]], dtype=float)
    circle, image = spectral.unit_circle_image(A, points)
    # numpy's A = U S V^T gives, for a row vector, (u_i^T) A = sigma_i v_i^T: the unit vectors u_i on the circle
    # are sent to the semi-axes sigma_i v_i of the ellipse.
    U, S, Vt = np.linalg.svd(A)
    inputs = U.T                     # rows u_i
    axes = S[:, None] * Vt           # rows sigma_i v_i
    return SvdView(A=A, circle=circle, image=image, sigma=S, axes=axes, inputs=inputs)


def draw_svd(view: SvdView, ax=None):
    """Draw the unit circle, its image ellipse, and the singular directions; returns the matplotlib Axes."""

    if ax is None:
        _, ax = _new_axes((5.5, 5.5))
    ax.plot(view.circle[:, 0], view.circle[:, 1], color="0.6", lw=1.5, label=r"unit circle $\|x\| = 1$")
    ax.plot(view.image[:, 0], view.image[:, 1], color="C0", lw=2, label=r"its image $\{xA\}$")
    for i, color in enumerate(("C3", "C2")):
        v, s = view.inputs[i], view.axes[i]
        ax.annotate("", xy=v, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=1.2, ls="--"))
        ax.annotate("", xy=s, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=2))
        ax.text(*(1.08 * s), f"$\\sigma_{i + 1} v_{i + 1}$", color=color, ha="center", va="center",
                fontsize=LABEL_SIZE)
        ax.text(*(1.12 * v), f"$u_{i + 1}$", color=color, ha="center", va="center", fontsize=LABEL_SIZE)
    lim = 1.25 * max(1.0, float(np.max(np.abs(view.image))))
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.85", lw=0.8)
    ax.axvline(0, color="0.85", lw=0.8)
    ax.set_xlabel(r"first coordinate $z_1$", fontsize=LABEL_SIZE)
    ax.set_ylabel(r"second coordinate $z_2$", fontsize=LABEL_SIZE)
    ax.set_title(view.title, fontsize=LABEL_SIZE - 1)
    ax.legend(loc="lower right", fontsize=TICK_SIZE, framealpha=0.9)
    return ax


def power_iteration_figure(errors, ratio: float, anchor: int = 5, ax=None):
    """Relative error of power iteration per step against the predicted rate ``ratio**(4t)``.

    Parameters
    ----------
    errors : sequence of float, length T
        Relative error of the estimate after steps ``t = 1 .. T``.
    ratio : float
        The spectral gap ``sigma_2 / sigma_1`` (in (0, 1)).
    anchor : int
        The step at which the predicted line is pinned to the measured error.

    Returns
    -------
    matplotlib Axes
    """
    errors = np.asarray(errors, dtype=float)
    if errors.ndim != 1 or errors.size < anchor:
        raise ValueError(f"power_iteration_figure: errors must be 1-D with at least {anchor} entries; "
                         f"got shape {errors.shape}.")
    if not 0 < ratio < 1:
        raise ValueError(f"power_iteration_figure: ratio must be sigma_2/sigma_1 in (0, 1); got {ratio}.")
    if ax is None:
        _, ax = _new_axes((6.5, 3.8))
    t = np.arange(1, errors.size + 1)
    ax.semilogy(t, errors, "o-", ms=3, label="measured")
    ax.semilogy(t, errors[anchor - 1] * ratio ** (4 * (t - anchor)), "--",
                label=r"predicted $\propto(\sigma_2/\sigma_1)^{4t}$")
    ax.set_xlabel(r"iteration $t$", fontsize=LABEL_SIZE)
    ax.set_ylabel(r"relative error of $\hat\sigma_t$", fontsize=LABEL_SIZE)
    ax.legend(fontsize=TICK_SIZE, loc="upper right")
    ax.figure.tight_layout()
    return ax


def jl_figure(ks, measured, guaranteed, n: int, ax=None):
    """Worst pairwise distortion of random projections against the Johnson–Lindenstrauss guarantee.

    Parameters
    ----------
    ks : sequence of int, length m
        Target dimensions.
    measured : sequence of float, length m
        Median (over draws) of the worst distortion at each ``k``.
    guaranteed : sequence of float, length m
        The guaranteed ``eps`` at each ``k``; values ``>= 1`` (no guarantee) are not drawn.
    n : int
        Number of points (for the reference curve ``3 sqrt(ln n / k)``).

    Returns
    -------
    matplotlib Axes
    """
    ks, measured, guaranteed = (np.asarray(v, dtype=float) for v in (ks, measured, guaranteed))
    if not (ks.shape == measured.shape == guaranteed.shape and ks.ndim == 1):
        raise ValueError(f"jl_figure: ks, measured and guaranteed must be 1-D of one length; got shapes "
                         f"{ks.shape}, {measured.shape}, {guaranteed.shape}.")
    if ax is None:
        _, ax = _new_axes((6.5, 3.8))
    ok = guaranteed < 0.999
    ax.loglog(ks, measured, "o-", label="measured worst distortion (median of draws)")
    ax.loglog(ks[ok], guaranteed[ok], "s--", label=r"guaranteed $\varepsilon$ (Johnson–Lindenstrauss)")
    ax.loglog(ks, 3 * np.sqrt(np.log(n) / ks), ":", label=r"$3\sqrt{\ln n / k}$")
    ax.set_xlabel(r"target dimension $k$", fontsize=LABEL_SIZE)
    ax.set_ylabel(r"worst distortion $\varepsilon_{\max}$", fontsize=LABEL_SIZE)
    ax.legend(fontsize=TICK_SIZE - 1, loc="lower left")
    ax.figure.tight_layout()
    return ax


def eckart_young_figure(ks, errors, tails, images, image_ks):
    """Rank-k approximation of centred data: measured error against the singular-value tail, and reconstructions.

    Parameters
    ----------
    ks : sequence of int, length m
        Ranks at which the error was measured.
    errors : sequence of float, length m
        Measured relative error ``||A - A_k||_F^2 / ||A||_F^2``.
    tails : sequence of float, length m
        Predicted ``sum_{i>k} sigma_i^2 / sum_i sigma_i^2``.
    images : sequence of ndarray (8, 8), length p
        One example reconstructed at each rank of ``image_ks`` (the last may be the original).
    image_ks : sequence of str, length p
        Panel titles.

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    ks, errors, tails = (np.asarray(v, dtype=float) for v in (ks, errors, tails))
    if not (ks.shape == errors.shape == tails.shape and ks.ndim == 1 and ks.size >= 2):
        raise ValueError(f"eckart_young_figure: ks, errors and tails must be 1-D of one length >= 2; got "
                         f"shapes {ks.shape}, {errors.shape}, {tails.shape}.")
    if len(images) != len(image_ks) or len(images) < 1:
        raise ValueError(f"eckart_young_figure: need one title per image; got {len(images)} images and "
                         f"{len(image_ks)} titles.")
    fig = plt.figure(figsize=(7.0, 4.6), facecolor="white")
    grid = fig.add_gridspec(2, len(images), height_ratios=(2.2, 1.0))
    ax = fig.add_subplot(grid[0, :])
    ax.tick_params(labelsize=TICK_SIZE)
    ax.semilogy(ks, tails, "-", lw=2, label=r"$\sum_{i>k}\sigma_i^2 / \sum_i \sigma_i^2$ (Eckart–Young)")
    ax.semilogy(ks, errors, "o", ms=4, label=r"measured $\|A - A_k\|_F^2 / \|A\|_F^2$")
    ax.set_xlabel(r"rank $k$", fontsize=LABEL_SIZE)
    ax.set_ylabel(r"relative error", fontsize=LABEL_SIZE)
    ax.legend(fontsize=TICK_SIZE, loc="upper right")
    for j, (img, title) in enumerate(zip(images, image_ks)):
        axi = fig.add_subplot(grid[1, j])
        axi.imshow(np.asarray(img, dtype=float), cmap="gray_r")
        axi.set_title(title, fontsize=TICK_SIZE)
        axi.set_xticks([])
        axi.set_yticks([])
    fig.tight_layout()
    return fig


def conditioning_figure(kappas, err_qr, err_normal, ax=None):
    """Least-squares error against the condition number: QR (~ kappa eps) vs normal equations (~ kappa^2 eps).

    Parameters
    ----------
    kappas : sequence of float, length m
        Condition numbers of the design matrices.
    err_qr, err_normal : sequence of float, length m
        Relative errors of the solution by QR and by the normal equations.

    Returns
    -------
    matplotlib Axes
    """
    kappas, err_qr, err_normal = (np.asarray(v, dtype=float) for v in (kappas, err_qr, err_normal))
    if not (kappas.shape == err_qr.shape == err_normal.shape and kappas.ndim == 1):
        raise ValueError(f"conditioning_figure: kappas, err_qr and err_normal must be 1-D of one length; got "
                         f"shapes {kappas.shape}, {err_qr.shape}, {err_normal.shape}.")
    if ax is None:
        _, ax = _new_axes((6.5, 3.8))
    eps = np.finfo(float).eps
    ax.loglog(kappas, err_normal, "s-", label=r"normal equations $X^\top X w = X^\top y$")
    ax.loglog(kappas, err_qr, "o-", label=r"QR: $R w = Q^\top y$")
    ax.loglog(kappas, kappas**2 * eps, ":", color="grey", label=r"$\kappa^2\,\epsilon_{\mathrm{mach}}$")
    ax.loglog(kappas, kappas * eps, "--", color="grey", label=r"$\kappa\,\epsilon_{\mathrm{mach}}$")
    ax.set_xlabel(r"condition number $\kappa(X)$", fontsize=LABEL_SIZE)
    ax.set_ylabel(r"relative error of $w$", fontsize=LABEL_SIZE)
    ax.legend(fontsize=TICK_SIZE - 1, loc="upper left")
    ax.figure.tight_layout()
    return ax


def svd_explorer():  # pragma: no cover - needs a Jupyter front end; the logic is svd_view, tested directly
    """Sliders for the four entries of ``A``; the figure redraws the circle, ellipse and singular axes."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    (a0, b0), (c0, d0) = DEFAULT_MATRIX
    sliders = {name: widgets.FloatSlider(value=v, min=-2.0, max=2.0, step=0.05, description=name)
               for name, v in zip("abcd", (a0, b0, c0, d0))}
    out = widgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            fig, ax = _new_axes((5.5, 5.5))
            draw_svd(svd_view(*(s.value for s in sliders.values())), ax)
            plt.show()

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(sliders.values())[:2]), widgets.HBox(list(sliders.values())[2:]), out])

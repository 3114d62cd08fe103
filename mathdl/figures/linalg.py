"""Figures and the live SVD explorer of the Linear Algebra chapter.

The update logic is :func:`svd_view`, a plain function from the four entries of a 2x2 matrix to the data the
figure draws; :func:`draw_svd` draws it and :func:`svd_explorer` wires sliders to it in Jupyter.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mathdl import spectral

__all__ = ["SvdView", "draw_svd", "svd_explorer", "svd_view"]

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
        cond = "inf" if s2 == 0 else f"{s1 / s2:.2f}"
        return f"sigma_1 = {s1:.3f}, sigma_2 = {s2:.3f}, |det A| = {s1 * s2:.3f}, condition number = {cond}"


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
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.plot(view.circle[:, 0], view.circle[:, 1], color="0.6", lw=1.5, label="unit circle")
    ax.plot(view.image[:, 0], view.image[:, 1], color="C0", lw=2, label="its image x A")
    for i, color in enumerate(("C3", "C2")):
        v, s = view.inputs[i], view.axes[i]
        ax.annotate("", xy=v, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=1.2, ls="--"))
        ax.annotate("", xy=s, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=color, lw=2))
        ax.text(*(1.08 * s), f"$\\sigma_{i + 1} v_{i + 1}$", color=color, ha="center", va="center")
    lim = 1.25 * max(1.0, float(np.max(np.abs(view.image))))
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.85", lw=0.8)
    ax.axvline(0, color="0.85", lw=0.8)
    ax.set_xlabel("first coordinate")
    ax.set_ylabel("second coordinate")
    ax.set_title(view.title, fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
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
            fig, ax = plt.subplots(figsize=(5.5, 5.5))
            draw_svd(svd_view(*(s.value for s in sliders.values())), ax)
            plt.show()

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(sliders.values())[:2]), widgets.HBox(list(sliders.values())[2:]), out])

r"""Figures and the live explorer of the "Regularization and generalization" chapter.

* :func:`draw_overfitting` -- polynomial fits of growing degree, and train/test error with the bias-variance parts;
* :func:`draw_balls` -- why L1 gives exact zeros: the L1 and L2 balls against the loss's elliptical contours;
* :func:`draw_filters` -- ridge's and early stopping's filter factors per eigendirection;
* :func:`draw_digits` -- the digits experiment's train and test curves;
* :func:`poly_explorer_view` / :func:`draw_poly_explorer` / :func:`poly_explorer` -- the live explorer: a degree-12
  polynomial fitted with ridge strength :math:`\lambda` and (in expectation) dropout rate :math:`p` on its features;
  the update logic is the plain function :func:`poly_explorer_view`.

Book: ``book/regularization.ipynb``.
"""
from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt
import numpy as np

from mathdl import regularization as reg
from mathdl import regularization_capacity as cap

__all__ = [
    "DEFAULTS",
    "PolyView",
    "balls_solution",
    "draw_balls",
    "draw_digits",
    "draw_filters",
    "draw_overfitting",
    "draw_poly_explorer",
    "poly_data",
    "poly_explorer",
    "poly_explorer_view",
    "poly_fit",
]

#: The live explorer's default state: degree, log10 of the ridge strength, dropout rate, seed of the data.
DEFAULTS = {"degree": 12, "log10_lam": -6.0, "p": 0.0, "seed": 0, "n_train": 15, "noise": 0.3}
#: Slider ranges.
LOG10_LAM_RANGE = (-8.0, 1.0)
P_RANGE = (0.0, 0.9)

_COLORS = {"none": "C0", "l2": "C1", "dropout": "C2", "batchnorm": "C3", "early": "C4"}
_NAMES = {"none": "none", "l2": "L2 (weight decay)", "dropout": "dropout $p = 0.5$", "batchnorm": "batch norm",
          "early": "early stopping"}


def poly_data(n_train: int = 15, noise: float = 0.3, seed: int = 0, n_test: int = 200
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""The explorer's data: :math:`y = \sin(\pi x) + \sigma\varepsilon`, x uniform on [-1, 1] (train) and a noisy
    test set on a grid.

    Returns
    -------
    x_train, y_train : ndarray, shape (n_train,)
    x_test, y_test : ndarray, shape (n_test,)

    Examples
    --------
    >>> [a.shape for a in poly_data(5, n_test=7)]
    [(5,), (5,), (7,), (7,)]
    """
    if isinstance(n_train, bool) or not isinstance(n_train, int) or n_train < 1:
        raise ValueError(f"poly_data: n_train must be a positive int; got {n_train!r}.")
    if not (isinstance(noise, (int, float)) and 0 <= noise < math.inf):
        raise ValueError(f"poly_data: noise must be a finite number >= 0; got {noise!r}.")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n_train))
    y = np.sin(np.pi * x) + noise * rng.standard_normal(n_train)
    x_test = np.linspace(-1.0, 1.0, n_test)
    y_test = np.sin(np.pi * x_test) + noise * rng.standard_normal(n_test)
    return x, y, x_test, y_test


def poly_fit(x: np.ndarray, y: np.ndarray, degree: int, lam: float, p: float = 0.0) -> np.ndarray:
    r"""Polynomial coefficients minimizing the expected squared error under inverted dropout on the features, plus
    a ridge penalty.

    Parameters
    ----------
    x, y : ndarray, shape (n,)
    degree : int
    lam : float
        Ridge strength, >= 0.
    p : float
        Drop probability of each feature, in [0, 1).

    Returns
    -------
    ndarray, shape (degree + 1,)
        Legendre coefficients (:func:`mathdl.regularization_capacity.poly_features`).

    Notes
    -----
    With inverted dropout (keep probability :math:`q = 1 - p`, kept features scaled by :math:`1/q`) the expected
    loss is :math:`\lVert y - \Phi w\rVert^2 + \frac{p}{1 - p} w^\top\operatorname{diag}(\Phi^\top\Phi) w`
    (claim ``regularization.input-dropout-linear`` with :math:`w/q` in place of :math:`w`), so

    .. math:: w = \Bigl(\Phi^\top\Phi + \tfrac{p}{1 - p}\operatorname{diag}(\Phi^\top\Phi) + \lambda I\Bigr)^{-1}
              \Phi^\top y .

    Examples
    --------
    >>> poly_fit(np.array([-1.0, 0.0, 1.0]), np.array([1.0, 0.0, 1.0]), 2, 0.0).round(6)   # x^2 = (P0 + 2 P2)/3
    array([0.333333, 0.      , 0.666667])
    """
    if not 0.0 <= p < 1.0:
        raise ValueError(f"poly_fit: p must lie in [0, 1); got {p!r}.")
    if not (isinstance(lam, (int, float)) and 0 <= lam < math.inf):
        raise ValueError(f"poly_fit: lam must be a finite number >= 0; got {lam!r}.")
    P = cap.poly_features(x, degree)
    G = P.T @ P
    A = G + p / (1.0 - p) * np.diag(np.diag(G)) + lam * np.eye(degree + 1)
    return np.linalg.lstsq(A, P.T @ np.asarray(y, dtype=float), rcond=None)[0]


@dataclasses.dataclass(frozen=True)
class PolyView:
    """One state of the live explorer: the data, the fitted curve, its weights and its errors."""

    lam: float
    p: float
    x_train: np.ndarray
    y_train: np.ndarray
    x_grid: np.ndarray
    curve: np.ndarray
    weights: np.ndarray
    train_mse: float
    test_mse: float


def poly_explorer_view(log10_lam: float = DEFAULTS["log10_lam"], p: float = DEFAULTS["p"],
                       degree: int = DEFAULTS["degree"], seed: int = DEFAULTS["seed"]) -> PolyView:
    """The explorer's update logic: fit with :func:`poly_fit` and evaluate (tested without a browser).

    Examples
    --------
    >>> v = poly_explorer_view(-6.0, 0.0)
    >>> v.train_mse < v.test_mse
    True
    """
    lo, hi = LOG10_LAM_RANGE
    if not lo <= log10_lam <= hi:
        raise ValueError(f"poly_explorer_view: log10_lam must lie in [{lo}, {hi}]; got {log10_lam!r}.")
    if not P_RANGE[0] <= p <= P_RANGE[1]:
        raise ValueError(f"poly_explorer_view: p must lie in {list(P_RANGE)}; got {p!r}.")
    x, y, x_test, y_test = poly_data(DEFAULTS["n_train"], DEFAULTS["noise"], seed)
    lam = 10.0 ** log10_lam
    w = poly_fit(x, y, degree, lam, p)
    grid = np.linspace(-1.0, 1.0, 300)
    return PolyView(lam, p, x, y, grid, cap.poly_features(grid, degree) @ w, w,
                    float(np.mean((cap.poly_features(x, degree) @ w - y) ** 2)),
                    float(np.mean((cap.poly_features(x_test, degree) @ w - y_test) ** 2)))


def draw_poly_explorer(view: PolyView | None = None, fig=None):
    """The explorer's figure: the fit (left) and the histogram of its weights (right)."""
    view = view or poly_explorer_view()
    if fig is None:
        fig = plt.figure(figsize=(9.0, 3.4), facecolor="white")
    fig.clear()
    ax, hx = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    ax.plot(view.x_grid, np.sin(np.pi * view.x_grid), color="0.6", ls="--", label=r"$\sin(\pi x)$")
    ax.plot(view.x_grid, view.curve, color="C0", label="fit")
    ax.plot(view.x_train, view.y_train, "o", color="k", ms=4, label="training points")
    ax.set_ylim(-2.0, 2.0)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"$y$")
    ax.set_title(rf"$\lambda = 10^{{{math.log10(view.lam):.1f}}}$, $p = {view.p:.2f}$: train MSE "
                 f"{view.train_mse:.3f}, test MSE {view.test_mse:.3f}", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    hx.hist(view.weights, bins=15, color="C1")
    hx.set_xlabel(r"weight $w_k$")
    hx.set_ylabel("count")
    hx.set_title(rf"$\|w\|_2 = {np.linalg.norm(view.weights):.3g}$", fontsize=10)
    fig.tight_layout()
    return fig


class PolyExplorer:  # pragma: no cover - needs a Jupyter front end; the logic is poly_explorer_view
    """ipywidgets sliders for log10 lambda and the dropout rate, redrawing :func:`draw_poly_explorer`."""

    def __init__(self):
        import ipywidgets as widgets

        self.lam = widgets.FloatSlider(value=DEFAULTS["log10_lam"], min=LOG10_LAM_RANGE[0], max=LOG10_LAM_RANGE[1],
                                       step=0.25, description="log10 λ", continuous_update=True)
        self.p = widgets.FloatSlider(value=DEFAULTS["p"], min=P_RANGE[0], max=P_RANGE[1], step=0.05,
                                     description="dropout p")
        self.out = widgets.Output()
        self.lam.observe(self.redraw, names="value")
        self.p.observe(self.redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.lam, self.p]), self.out])
        self.redraw()

    def redraw(self, _=None) -> None:
        from IPython.display import display

        with self.out:
            self.out.clear_output(wait=True)
            fig = draw_poly_explorer(poly_explorer_view(self.lam.value, self.p.value))
            display(fig)
            plt.close(fig)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


def poly_explorer() -> PolyExplorer:  # pragma: no cover - needs a Jupyter front end
    """The live explorer (Jupyter only)."""
    return PolyExplorer()


def draw_overfitting(degrees=(1, 3, 12), sweep=tuple(range(0, 11)), n_train: int = 30, n_sets: int = 100,
                     seed: int = 0):
    """Left: least-squares fits of several degrees to the explorer's points. Right: training and test error and
    the bias-variance parts against the degree (by simulation, :func:`mathdl.regularization_capacity.bias_variance`).

    Returns
    -------
    fig, results : Figure, dict degree -> dict
    """
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10.0, 3.8), facecolor="white")
    x, y, _, _ = poly_data()
    grid = np.linspace(-1.0, 1.0, 300)
    ax.plot(grid, np.sin(np.pi * grid), color="0.6", ls="--", label=r"$f(x) = \sin(\pi x)$")
    for k, deg in enumerate(degrees):
        w = poly_fit(x, y, deg, 0.0)
        ax.plot(grid, cap.poly_features(grid, deg) @ w, color=f"C{k}", label=f"degree {deg}")
    ax.plot(x, y, "o", color="k", ms=4)
    ax.set_ylim(-2.0, 2.0)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"$y$")
    ax.legend(fontsize=8, loc="lower right")
    results = {d: cap.bias_variance(d, n_train=n_train, noise=DEFAULTS["noise"], n_sets=n_sets,
                                    seed=seed) for d in sweep}
    ds = np.array(list(sweep))
    for key, label, style in (("train_mse", "training error", "o-"), ("test_mse", "test error", "s-"),
                              ("bias2", r"bias$^2$", "--"), ("variance", "variance", ":")):
        bx.semilogy(ds, [results[d][key] for d in ds], style, label=label)
    bx.axhline(DEFAULTS["noise"] ** 2, color="0.5", lw=0.8, label=r"noise $\sigma^2$")
    bx.set_xlabel("polynomial degree")
    bx.set_ylabel("mean squared error")
    bx.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return fig, results


def balls_solution(center: np.ndarray, H: np.ndarray, radius: float, kind: str, grid: int = 20001) -> np.ndarray:
    r"""Minimizer of :math:`(w - c)^\top H (w - c)` on the boundary of the L1 or L2 ball of the given radius in
    the plane (by a fine search of the boundary; the unconstrained minimizer ``center`` lies outside the ball).

    Examples
    --------
    >>> balls_solution(np.array([2.0, 0.5]), np.eye(2), 1.0, "l1").round(3)
    array([1., 0.])
    """
    if kind not in ("l1", "l2"):
        raise ValueError(f"balls_solution: kind must be 'l1' or 'l2'; got {kind!r}.")
    t = np.linspace(0.0, 2.0 * np.pi, grid)
    c, s = np.cos(t), np.sin(t)
    if kind == "l1":
        scale = radius / (np.abs(c) + np.abs(s))
    else:
        scale = np.full_like(t, radius)
    pts = np.column_stack([scale * c, scale * s])
    diff = pts - center
    values = np.einsum("ij,jk,ik->i", diff, H, diff)
    return pts[np.argmin(values)]


def draw_balls(center=(1.8, 0.4), H=((1.0, 0.3), (0.3, 1.0)), radius: float = 1.0):
    """The L1 ball (a diamond) and the L2 ball (a disc) of the same radius, and the loss contours touching each:
    the L1 solution sits on a corner (one weight exactly 0), the L2 one does not."""
    center, H = np.asarray(center, float), np.asarray(H, float)
    fig, axes = plt.subplots(1, 2, figsize=(8.0, 4.0), facecolor="white")
    g = np.linspace(-2.0, 2.5, 300)
    W1, W2 = np.meshgrid(g, g)
    D1, D2 = W1 - center[0], W2 - center[1]
    Q = H[0, 0] * D1**2 + 2 * H[0, 1] * D1 * D2 + H[1, 1] * D2**2
    t = np.linspace(0, 2 * np.pi, 400)
    for ax, kind, title in ((axes[0], "l1", r"L1: $|w_1| + |w_2| \leq 1$"),
                            (axes[1], "l2", r"L2: $w_1^2 + w_2^2 \leq 1$")):
        sol = balls_solution(center, H, radius, kind)
        level = (sol - center) @ H @ (sol - center)
        ax.contour(W1, W2, Q, levels=[level / 4, level, 2.2 * level], colors=["0.75", "C3", "0.75"])
        if kind == "l1":
            ax.fill([radius, 0, -radius, 0], [0, radius, 0, -radius], color="C0", alpha=0.3)
        else:
            ax.fill(radius * np.cos(t), radius * np.sin(t), color="C0", alpha=0.3)
        ax.plot(*center, "k+", ms=10)
        ax.annotate(r"$\hat w_{\mathrm{LS}}$", center, xytext=(5, 5), textcoords="offset points")
        ax.plot(*sol, "o", color="C3")
        ax.annotate(f"({sol[0]:.2f}, {sol[1]:.2f})", sol, xytext=(6, -14), textcoords="offset points", fontsize=9)
        ax.axhline(0, color="0.5", lw=0.6)
        ax.axvline(0, color="0.5", lw=0.6)
        ax.set_aspect("equal")
        ax.set_xlim(-1.6, 2.4)
        ax.set_ylim(-1.6, 2.4)
        ax.set_xlabel(r"$w_1$")
        ax.set_ylabel(r"$w_2$")
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def draw_filters(lr: float = 0.05, steps: int = 200):
    r"""Left: ridge's filter :math:`\lambda/(\lambda + \alpha)` and early stopping's :math:`1 - (1 - \eta\lambda)^\tau`
    against the eigenvalue, with :math:`\alpha = 1/(\eta\tau)` matched. Right: their difference."""
    eigs = np.logspace(-4, 1, 400)
    a_eq = reg.equivalent_alpha(lr, steps)
    es = reg.early_stopping_filter(eigs, lr, steps)
    rf = reg.ridge_filter(eigs, a_eq)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10.0, 3.6), facecolor="white")
    ax.semilogx(eigs, es, color="C3", label=rf"early stopping $1-(1-\eta\lambda)^\tau$, $\eta\tau = {lr * steps:g}$")
    ax.semilogx(eigs, rf, color="C0", ls="--", label=r"ridge $\lambda/(\lambda+\alpha)$, $\alpha = 1/(\eta\tau)$")
    ax.axvline(a_eq, color="0.6", lw=0.8)
    ax.set_xlabel(r"eigenvalue $\lambda = d^2$ of $X^\top X$")
    ax.set_ylabel("filter factor")
    ax.legend(fontsize=8, loc="upper left")
    bx.semilogx(eigs, es - rf, color="C4")
    bx.axhline(0, color="0.5", lw=0.6)
    bx.set_xlabel(r"eigenvalue $\lambda$")
    bx.set_ylabel("early stopping $-$ ridge")
    fig.tight_layout()
    return fig


def draw_digits(runs: dict):
    """Training (dashed) and test (solid) accuracy, and test cross-entropy, per epoch for each method; the
    early-stopping point is marked."""
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10.0, 3.8), facecolor="white")
    for name, run in runs.items():
        ep = np.arange(run.train_acc.size)
        color = _COLORS.get(name, "k")
        if name == "early":
            ax.axvline(run.stop, color=color, ls="-.", lw=1.0, label=f"early stop (epoch {run.stop})")
            bx.axvline(run.stop, color=color, ls="-.", lw=1.0)
            continue
        ax.plot(ep, run.train_acc, color=color, ls="--", lw=1.0)
        ax.plot(ep, run.test_acc, color=color, label=_NAMES.get(name, name))
        bx.plot(ep, run.test_loss, color=color, label=_NAMES.get(name, name))
        bx.plot(ep, run.train_loss, color=color, ls="--", lw=1.0)
    ax.set_ylim(0.8, 1.005)
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy (dashed: train, solid: test)")
    ax.legend(fontsize=8, loc="lower right")
    bx.set_yscale("log")
    bx.set_xlabel("epoch")
    bx.set_ylabel("cross-entropy (dashed: train, solid: test)")
    fig.tight_layout()
    return fig

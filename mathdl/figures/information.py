"""Figures and the live KL explorer of the Information Theory chapter.

The update logic is :func:`kl_view`, a plain function from the means and standard deviations of two Gaussians
p and q to everything the figure shows (densities on a grid, KL(p||q), KL(q||p), the entropies and the
cross-entropies); :func:`draw_kl` draws it and :func:`kl_explorer` wires sliders to it in Jupyter.
:func:`draw_ib_tradeoff` draws the information-bottleneck curve and :func:`draw_elbo_scales` the negative ELBO
of Gaussian q's around a posterior. Labels are matplotlib mathtext; figures have a white face so their text reads in
dark mode.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mathdl import info

__all__ = ["DEFAULT_GAUSSIANS", "SLIDER_RANGES", "KLView", "draw_binned_plane", "draw_elbo_scales", "draw_ib_tradeoff",
           "draw_infonce", "draw_kl", "draw_max_entropy", "draw_rate_distortion", "infonce_curves",
           "kl_explorer", "kl_view"]

#: (mu_p, sigma_p, mu_q, sigma_q) the explorer starts from (and the rendered book shows).
DEFAULT_GAUSSIANS = (0.0, 1.0, 1.0, 2.0)
#: Slider ranges: means in [-4, 4], standard deviations in [0.1, 3].
SLIDER_RANGES = {"mu": (-4.0, 4.0), "sigma": (0.1, 3.0)}


@dataclasses.dataclass(frozen=True)
class KLView:
    """What the KL figure shows for two Gaussians p = N(mu_p, sigma_p^2) and q = N(mu_q, sigma_q^2) (nats)."""

    x: np.ndarray        # (points,) grid covering both densities
    p: np.ndarray        # (points,) density of p on the grid
    q: np.ndarray        # (points,) density of q on the grid
    kl_pq: float         # KL(p || q)
    kl_qp: float         # KL(q || p)
    h_p: float           # differential entropy h(p)
    h_q: float           # differential entropy h(q)
    ce_pq: float         # cross-entropy h(p, q) = h(p) + KL(p || q)
    ce_qp: float         # cross-entropy h(q, p) = h(q) + KL(q || p)

    @property
    def lines(self) -> list[str]:
        """The numbers as stable, rounded text lines (what the figure prints beside the densities)."""
        return [f"KL(p||q) = {self.kl_pq:.3f}", f"KL(q||p) = {self.kl_qp:.3f}",
                f"h(p) = {self.h_p:.3f},  h(q) = {self.h_q:.3f}",
                f"h(p,q) = {self.ce_pq:.3f},  h(q,p) = {self.ce_qp:.3f}"]

    @property
    def math_lines(self) -> list[str]:
        """The same numbers as matplotlib mathtext (what the figure prints beside the densities)."""
        return [rf"$\mathrm{{KL}}(p\,\Vert\,q) = {self.kl_pq:.3f}$",
                rf"$\mathrm{{KL}}(q\,\Vert\,p) = {self.kl_qp:.3f}$",
                rf"$h(p) = {self.h_p:.3f},\ h(q) = {self.h_q:.3f}$",
                rf"$h(p,q) = {self.ce_pq:.3f},\ h(q,p) = {self.ce_qp:.3f}$"]


def kl_view(mu_p: float, sigma_p: float, mu_q: float, sigma_q: float, points: int = 400) -> KLView:
    """Data of the KL picture for p = N(mu_p, sigma_p^2) and q = N(mu_q, sigma_q^2).

    Parameters
    ----------
    mu_p, sigma_p, mu_q, sigma_q : float
        Means and standard deviations (sigmas > 0; the sliders keep them in :data:`SLIDER_RANGES`).
    points : int
        Grid size (at least 50).

    Returns
    -------
    KLView

    Raises
    ------
    ValueError
        A standard deviation <= 0 or too few points.

    Examples
    --------
    >>> view = kl_view(0.0, 1.0, 0.0, 1.0)
    >>> view.kl_pq, view.kl_qp
    (0.0, 0.0)
    """
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 50:
        raise ValueError(f"kl_view: points must be an int >= 50; got {points!r}.")
    kl_pq = float(info.kl_gaussian(mu_p, sigma_p, mu_q, sigma_q))
    kl_qp = float(info.kl_gaussian(mu_q, sigma_q, mu_p, sigma_p))
    h_p, h_q = float(info.gaussian_entropy(sigma_p)), float(info.gaussian_entropy(sigma_q))
    low = min(mu_p - 5 * sigma_p, mu_q - 5 * sigma_q)
    high = max(mu_p + 5 * sigma_p, mu_q + 5 * sigma_q)
    x = np.linspace(low, high, points)

    def density(mu: float, sigma: float) -> np.ndarray:
        return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))

    return KLView(x=x, p=density(mu_p, sigma_p), q=density(mu_q, sigma_q), kl_pq=kl_pq, kl_qp=kl_qp,
                  h_p=h_p, h_q=h_q, ce_pq=h_p + kl_pq, ce_qp=h_q + kl_qp)


def draw_kl(view: KLView, ax=None):
    """Draw the two densities and print the divergences beside them; returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), facecolor="white")
    ax.plot(view.x, view.p, color="C0", lw=2, label=r"$p$")
    ax.plot(view.x, view.q, color="C3", lw=2, label=r"$q$")
    ax.fill_between(view.x, view.p, color="C0", alpha=0.15)
    ax.fill_between(view.x, view.q, color="C3", alpha=0.15)
    ax.text(0.98, 0.95, "\n".join(view.math_lines), transform=ax.transAxes, ha="right", va="top", fontsize=10,
            color="black", bbox=dict(boxstyle="round", facecolor="white", alpha=0.85))
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"density $p(x)$, $q(x)$")
    ax.set_title(r"two Gaussians and their divergences (nats)", fontsize=10)
    ax.legend(loc="upper left")
    return ax


def kl_explorer():
    """Sliders for the means and standard deviations of p and q; the figure and the numbers update live."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    names = ("mu_p", "sigma_p", "mu_q", "sigma_q")
    sliders = {}
    for name, value in zip(names, DEFAULT_GAUSSIANS):
        low, high = SLIDER_RANGES[name.split("_")[0]]
        sliders[name] = widgets.FloatSlider(value=value, min=low, max=high, step=0.05, description=name)
    out = widgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            _, ax = plt.subplots(figsize=(7, 3.8), facecolor="white")
            draw_kl(kl_view(*(s.value for s in sliders.values())), ax)
            plt.show()

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([sliders["mu_p"], sliders["sigma_p"]]),
                         widgets.HBox([sliders["mu_q"], sliders["sigma_q"]]), out])


def draw_ib_tradeoff(ixt: np.ndarray, ity: np.ndarray, betas: np.ndarray, ixy: float, hx: float, ax=None):
    """Draw the IB curve I(T;Y) against I(X;T), coloured by beta, with the bounds I(T;Y) <= I(X;T), I(X;Y)."""
    import matplotlib.pyplot as plt

    ixt, ity, betas = (np.asarray(a, dtype=float) for a in (ixt, ity, betas))
    if not (ixt.shape == ity.shape == betas.shape) or ixt.ndim != 1:
        raise ValueError(f"draw_ib_tradeoff: ixt, ity and betas must be 1-D of one length; got {ixt.shape}, "
                         f"{ity.shape}, {betas.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4), facecolor="white")
    grid = np.sort(np.append(np.linspace(0, hx, 50), ixy))            # include the corner at I(X;Y)
    ax.plot(grid, np.minimum(grid, ixy), color="0.6", ls="--", lw=1, label=r"bound $\min(I(X;T),\,I(X;Y))$")
    ax.plot(ixt, ity, color="0.3", lw=1)
    points = ax.scatter(ixt, ity, c=np.log10(betas), cmap="viridis", s=22, zorder=3)
    plt.colorbar(points, ax=ax, label=r"$\log_{10}\beta$")
    ax.set_xlabel(r"$I(X;T)$  [nats]")
    ax.set_ylabel(r"$I(T;Y)$  [nats]")
    ax.set_title(r"information bottleneck trade-off, $\min\ I(X;T) - \beta\, I(T;Y)$", fontsize=10)
    ax.tick_params(labelsize=10)
    ax.legend(loc="lower right", fontsize=9)
    return ax


def draw_elbo_scales(scales: np.ndarray, right_mean: np.ndarray, shifted_mean: np.ndarray, neg_log_evidence: float,
                     shift: float = 0.1, ax=None):
    r"""Draw the negative ELBO of Gaussian q's :math:`N(m, cS)` and :math:`N(m + \delta, cS)` against the scale c.

    Parameters
    ----------
    scales : ndarray, shape (k,)
        The covariance scales c (positive; drawn on a log axis).
    right_mean, shifted_mean : ndarray, shape (k,)
        The negative ELBO (info-elbo-objective with :math:`\lambda = 1`) at each scale, with the posterior mean and
        with the mean shifted by ``shift``.
    neg_log_evidence : float
        :math:`-\log p(y\mid X)`, the floor every q lies above.
    shift : float
        The shift :math:`\delta` of the second family (for the legend).

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        Arrays of different shapes, not 1-D, or a non-positive scale.
    """
    import matplotlib.pyplot as plt

    scales, right_mean, shifted_mean = (np.asarray(a, dtype=float) for a in (scales, right_mean, shifted_mean))
    if not (scales.shape == right_mean.shape == shifted_mean.shape) or scales.ndim != 1:
        raise ValueError(f"draw_elbo_scales: scales, right_mean and shifted_mean must be 1-D of one length; got "
                         f"{scales.shape}, {right_mean.shape}, {shifted_mean.shape}.")
    if np.any(scales <= 0):
        raise ValueError("draw_elbo_scales: scales must be > 0 (they are drawn on a log axis).")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8), facecolor="white")
    ax.plot(scales, right_mean, label=r"$q = N(m,\, cS)$: posterior mean")
    ax.plot(scales, shifted_mean, label=rf"$q = N(m + {shift:g},\, cS)$: shifted mean")
    ax.axhline(neg_log_evidence, color="0.35", ls="--", lw=1, label=r"$-\log p(y\mid X)$")
    ax.set_xscale("log")
    ax.set_xlabel(r"covariance scale $c$")
    ax.set_ylabel(r"$\mathcal{F}(q)$ [nats]")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9, loc="upper center")
    return ax


def infonce_curves(rhos: np.ndarray, ks: tuple[int, ...], pairs: int = 2048, seed: int = 0) -> np.ndarray:
    r"""Sample InfoNCE estimates with the optimal critic on standard bivariate Gaussians.

    Parameters
    ----------
    rhos : ndarray, shape (m,), entries in (-1, 1)
        Correlations; the true information is :math:`-\tfrac12\log(1-\rho^2)`.
    ks : tuple of int
        Batch sizes K.
    pairs : int
        Pairs drawn per (rho, K): ``pairs // K`` batches of K.
    seed : int

    Returns
    -------
    ndarray, shape (len(ks), m)
        Mean of :func:`mathdl.info_estimation.infonce` over the batches, critic
        :math:`f(x, y) = \log p(y\mid x) - \log p(y)`.

    Raises
    ------
    ValueError
        A correlation outside (-1, 1), or a K < 1 or larger than ``pairs``.
    """
    from mathdl import info_estimation

    rhos = np.asarray(rhos, dtype=float)
    if rhos.ndim != 1 or np.any(np.abs(rhos) >= 1):
        raise ValueError(f"infonce_curves: rhos must be a 1-D array in (-1, 1); got {rhos!r}.")
    if any(int(k) < 1 or int(k) > pairs for k in ks):
        raise ValueError(f"infonce_curves: every K must lie in [1, pairs = {pairs}]; got {ks!r}.")
    rng = np.random.default_rng(seed)
    out = np.zeros((len(ks), rhos.size))
    for a, k in enumerate(ks):
        for b, rho in enumerate(rhos):
            vals = []
            for _ in range(pairs // k):
                x = rng.standard_normal(k)
                y = rho * x + np.sqrt(1 - rho**2) * rng.standard_normal(k)
                scores = (-(y[None, :] - rho * x[:, None])**2 / (2 * (1 - rho**2)) + y[None, :]**2 / 2
                          - 0.5 * np.log1p(-rho**2))
                vals.append(info_estimation.infonce(scores))
            out[a, b] = np.mean(vals)
    return out


def draw_infonce(true_mi: np.ndarray, estimates: np.ndarray, ks: tuple[int, ...], ax=None):
    """Draw InfoNCE estimates against the true mutual information, one curve per K, with the ceilings log K."""
    import matplotlib.pyplot as plt

    true_mi, estimates = np.asarray(true_mi, dtype=float), np.asarray(estimates, dtype=float)
    if estimates.shape != (len(ks), true_mi.size):
        raise ValueError(f"draw_infonce: estimates must have shape (len(ks), len(true_mi)) = ({len(ks)}, "
                         f"{true_mi.size}); got {estimates.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4), facecolor="white")
    ax.plot(true_mi, true_mi, color="0.4", ls="--", lw=1, label=r"$I(X;Y)$")
    for k, row in zip(ks, estimates):
        line, = ax.plot(true_mi, row, marker="o", ms=4, label=rf"$I_{{\mathrm{{NCE}}}}$, $K = {k}$")
        ax.axhline(np.log(k), color=line.get_color(), ls=":", lw=1)
    ax.set_xlabel(r"true $I(X;Y) = -\frac{1}{2}\log(1-\rho^2)$  [nats]")
    ax.set_ylabel(r"InfoNCE estimate  [nats]")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9, loc="upper left")
    return ax


def draw_binned_plane(scales: np.ndarray, binned: dict, n_inputs: int, ax=None):
    r"""Draw the binned :math:`I(X;T)` of a tanh layer against its weight scale, one curve per bin count.

    Parameters
    ----------
    scales : ndarray, shape (m,), > 0
        Weight scales c of :math:`T = \tanh(c\,XW)`.
    binned : dict of int -> ndarray, shape (m,)
        Bin count -> binned entropy at each scale (nats).
    n_inputs : int
        Number of distinct inputs; :math:`\log n` is the value for any injective map once bins separate them.
    """
    import matplotlib.pyplot as plt

    scales = np.asarray(scales, dtype=float)
    if np.any(scales <= 0) or scales.ndim != 1:
        raise ValueError("draw_binned_plane: scales must be a 1-D array of positive numbers (log axis).")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4), facecolor="white")
    for bins, values in binned.items():
        values = np.asarray(values, dtype=float)
        if values.shape != scales.shape:
            raise ValueError(f"draw_binned_plane: binned[{bins}] must have shape {scales.shape}; got {values.shape}.")
        ax.plot(scales, values, marker="o", ms=4, label=f"{bins} bins per unit")
    ax.axhline(np.log(n_inputs), color="0.3", ls="--", lw=1, label=rf"$\log n = \log {n_inputs}$")
    ax.set_xscale("log")
    ax.set_xlabel(r"weight scale $c$ in $T = \tanh(c\,XW)$")
    ax.set_ylabel(r"binned $\hat I(X;T) = H(\mathrm{bin}(T))$  [nats]")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9, loc="lower center")
    return ax


def draw_rate_distortion(p: float, points: list, ax=None):
    r"""Draw the binary rate-distortion curve :math:`h(p) - h(D)` with Blahut-Arimoto points (D, R) on it."""
    import matplotlib.pyplot as plt

    from mathdl import info_estimation

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8), facecolor="white")
    grid = np.linspace(0, 0.5, 300)
    ax.plot(grid, info_estimation.binary_rate_distortion(p, grid), color="0.3",
            label=rf"$R(D) = h({p:g}) - h(D)$, $D < {min(p, 1 - p):g}$")
    ax.scatter([pt.distortion for pt in points], [pt.rate for pt in points], color="C1", zorder=3, s=25,
               label="Blahut–Arimoto, one point per $s$")
    ax.set_xlabel(r"distortion $D = P(\hat X \neq X)$")
    ax.set_ylabel(r"rate $R(D)$  [nats]")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9)
    return ax


def draw_max_entropy(std: float = 1.0, ax=None):
    """Draw four densities with one standard deviation and print their differential entropies (the Gaussian's is
    the largest)."""
    import matplotlib.pyplot as plt

    from mathdl import info_maxent

    if not std > 0:
        raise ValueError(f"draw_max_entropy: std must be > 0; got {std!r}.")
    x = np.linspace(-4 * std, 4 * std, 801)
    a, b, s = np.sqrt(12) * std, std / np.sqrt(2), np.sqrt(3) * std / np.pi
    dens = {"gaussian": np.exp(-x**2 / (2 * std**2)) / np.sqrt(2 * np.pi * std**2),
            "uniform": np.where(np.abs(x) <= a / 2, 1 / a, 0.0),
            "laplace": np.exp(-np.abs(x) / b) / (2 * b),
            "logistic": np.exp(-x / s) / (s * (1 + np.exp(-x / s))**2)}
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.8), facecolor="white")
    for name, f in dens.items():
        h = float(info_maxent.differential_entropy(name, std))
        ax.plot(x, f, label=rf"{name}: $h = {h:.3f}$")
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"density $f(x)$, $\mathrm{Var} = %g$" % std**2)
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9)
    return ax

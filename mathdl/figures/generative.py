"""Figures and the live explorers of the Generative models chapter.

Two live explorers, each a plain tested update function plus an ipywidgets layer: :func:`vae_latent_view` (a
point of the VAE's 2-D latent space -> the decoded digit) with :func:`vae_latent_explorer`, and
:func:`gan_replay_view` (a training checkpoint -> generator samples and the discriminator's surface) with
:func:`gan_replay_explorer`. The ``draw_*`` functions draw the chapter's static figures. Labels are matplotlib
mathtext; figures have a white face so their text reads in dark mode.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mathdl import generative_diffusion as diffusion
from mathdl import generative_gan as gan
from mathdl import generative_vae as vae_mod

__all__ = ["LatentView", "GANFrame", "vae_latent_view", "gan_replay_view", "draw_ppca_elbo", "draw_estimators",
           "draw_vae_training", "draw_vae_latent", "draw_vae_samples", "draw_iwae", "draw_discriminator",
           "draw_generator_gradients", "draw_gan_replay", "draw_flow", "draw_diffusion", "draw_kl_fits",
           "vae_latent_explorer", "gan_replay_explorer"]


def _fig(figsize):
    import matplotlib.pyplot as plt
    return plt.subplots(1, 1, figsize=figsize, facecolor="white")


# ------------------------------------------------------------------------------------------ live explorers

@dataclasses.dataclass(frozen=True)
class LatentView:
    """What the latent explorer shows: the point z (2,) and its decoded image (8, 8) of pixel means."""

    z: np.ndarray
    image: np.ndarray


def vae_latent_view(vae: vae_mod.VAE, z1: float, z2: float) -> LatentView:
    """Decode the latent point (z1, z2) into an 8x8 image of pixel means.

    Parameters
    ----------
    vae : VAE
        With ``d_z == 2`` and 64 pixels.
    z1, z2 : float

    Returns
    -------
    LatentView

    Raises
    ------
    ValueError
        A VAE that is not 2-D latent / 8x8, or a non-finite coordinate.
    """
    if vae.d_z != 2:
        raise ValueError(f"vae_latent_view: the VAE must have a 2-D latent space; got d_z = {vae.d_z}.")
    z = np.array([[z1, z2]], dtype=float)
    img = vae_mod.vae_decode(vae, z)
    if img.shape[1] != 64:
        raise ValueError(f"vae_latent_view: the decoder must output 64 pixels (8x8); got {img.shape[1]}.")
    return LatentView(z[0], img.reshape(8, 8))


@dataclasses.dataclass(frozen=True)
class GANFrame:
    """One replay frame: the step, the generator's samples (m, 2), the discriminator surface (g, g) on the grid
    (gx, gy), and the modes covered / fraction of good samples (from :func:`mathdl.generative_gan.modes_covered`)."""

    step: int
    samples: np.ndarray
    surface: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    covered: int
    quality: float


def gan_replay_view(run: gan.GANRun, index: int, centres: np.ndarray, std: float) -> GANFrame:
    """The replay frame of checkpoint ``index`` of a GAN run.

    Parameters
    ----------
    run : GANRun
    index : int
        0 .. len(run.steps) - 1.
    centres : ndarray, shape (k, 2)
    std : float

    Returns
    -------
    GANFrame
    """
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(run.steps):
        raise ValueError(f"gan_replay_view: index must be an int in 0..{len(run.steps) - 1}; got {index!r}.")
    covered, quality = gan.modes_covered(run.samples[index], centres, std)
    return GANFrame(int(run.steps[index]), run.samples[index], run.surface[index], run.grid[0], run.grid[1],
                    covered, quality)


def _draw_frame(frame: GANFrame, centres, ax, data=None):
    ax.contourf(frame.gx, frame.gy, frame.surface, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
    if data is not None:
        ax.scatter(data[:, 0], data[:, 1], s=2, color="0.5", alpha=0.4)
    ax.scatter(frame.samples[:, 0], frame.samples[:, 1], s=3, color="black")
    ax.scatter(centres[:, 0], centres[:, 1], marker="x", color="C2", s=30)
    ax.set_title(f"step {frame.step}: {frame.covered}/{len(centres)} modes", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")


def vae_latent_explorer(vae: vae_mod.VAE, Z: np.ndarray, labels: np.ndarray):
    """Sliders for (z1, z2): the decoded digit and the point on the map of encoded test digits."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    s1 = widgets.FloatSlider(value=0.0, min=-3, max=3, step=0.1, description="z1")
    s2 = widgets.FloatSlider(value=0.0, min=-3, max=3, step=0.1, description="z2")
    out = widgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            view = vae_latent_view(vae, s1.value, s2.value)
            fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.6), facecolor="white")
            a.scatter(Z[:, 0], Z[:, 1], c=labels, cmap="tab10", s=6)
            a.plot(*view.z, "k*", ms=14)
            a.set_xlabel(r"$z_1$")
            a.set_ylabel(r"$z_2$")
            b.imshow(view.image, cmap="gray_r", vmin=0, vmax=1)
            b.set_axis_off()
            plt.show()

    for s in (s1, s2):
        s.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([s1, s2]), out])


def gan_replay_explorer(run: gan.GANRun, centres: np.ndarray, std: float, data=None):
    """A slider over the training checkpoints: generator samples over the discriminator's surface."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    slider = widgets.IntSlider(value=len(run.steps) - 1, min=0, max=len(run.steps) - 1, description="checkpoint")
    out = widgets.Output()

    def redraw(_=None):
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(4.5, 4.5), facecolor="white")
            _draw_frame(gan_replay_view(run, slider.value, centres, std), centres, ax, data)
            plt.show()

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, out])


# ------------------------------------------------------------------------------------------ static figures

def draw_ppca_elbo(ms: np.ndarray, elbos: np.ndarray, log_px: float, m_post: float):
    """ELBO of q = N(m, v_post) against m, with log p(x): the gap is KL(q || posterior)."""
    fig, ax = _fig((6.5, 3.6))
    ax.plot(ms, elbos, color="C0", label=r"$\mathrm{ELBO}(q)$, $q = N(m, v_{\mathrm{post}})$")
    ax.axhline(log_px, color="0.3", ls="--", label=r"$\log p(x)$")
    ax.fill_between(ms, elbos, log_px, color="C1", alpha=0.2, label=r"gap $=\mathrm{KL}(q\,\Vert\,p(z\mid x))$")
    ax.axvline(m_post, color="C3", ls=":", label=r"posterior mean")
    ax.set_xlabel(r"mean $m$ of $q$")
    ax.set_ylabel("nats")
    ax.legend(fontsize=9, loc="lower center")
    return ax


def draw_estimators(sigmas, exact_rep, exact_sf, meas_rep, meas_sf):
    """Variance of the two one-draw gradient estimators against sigma (log scale): formulas and measurements."""
    fig, ax = _fig((6.5, 3.6))
    ax.loglog(sigmas, exact_rep, "C0-", label=r"reparameterisation $4\sigma^2$")
    ax.loglog(sigmas, exact_sf, "C3-", label=r"score function $(\mu^4 + 14\mu^2\sigma^2 + 15\sigma^4)/\sigma^2$")
    ax.loglog(sigmas, meas_rep, "C0o", ms=4, label="measured")
    ax.loglog(sigmas, meas_sf, "C3s", ms=4, label="measured")
    ax.set_xlabel(r"$\sigma$ (with $\mu = 1$)")
    ax.set_ylabel(r"variance of the estimate of $\frac{d}{d\mu}\mathbb{E}[z^2]$")
    ax.legend(fontsize=8)
    return ax


def draw_vae_training(history: np.ndarray, window: int = 50):
    """The two terms of the negative ELBO over training (moving averages over ``window`` steps)."""
    import matplotlib.pyplot as plt
    history = np.asarray(history, dtype=float)
    if history.ndim != 2 or history.shape[1] != 2 or history.shape[0] < window:
        raise ValueError(f"draw_vae_training: history must be (steps >= {window}, 2); got {history.shape}.")
    kernel = np.ones(window) / window
    rec, kl = (np.convolve(history[:, i], kernel, mode="valid") for i in (0, 1))
    steps = np.arange(window, history.shape[0] + 1)
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.2), facecolor="white")
    a.plot(steps, rec + kl, color="0.2", label=r"$-\mathrm{ELBO}$")
    a.plot(steps, rec, color="C0", label="reconstruction")
    a.set_xlabel("step")
    a.set_ylabel("nats per image")
    a.legend(fontsize=9)
    b.plot(steps, kl, color="C3")
    b.set_xlabel("step")
    b.set_ylabel(r"$\mathrm{KL}(q(z\mid x)\,\Vert\,p(z))$")
    fig.tight_layout()
    return fig


def draw_vae_latent(vae: vae_mod.VAE, X: np.ndarray, labels: np.ndarray, grid: int = 10, span: float = 2.5):
    """Left: encoder means of test digits coloured by label; right: the decoder on a grid of latent points."""
    import matplotlib.pyplot as plt
    mu, _ = vae_mod.vae_encode(vae, X)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4.6), facecolor="white")
    pts = a.scatter(mu[:, 0], mu[:, 1], c=labels, cmap="tab10", s=8, vmin=-0.5, vmax=9.5)
    fig.colorbar(pts, ax=a, ticks=range(10), label="digit")
    a.set_xlabel(r"$\mu_1(x)$")
    a.set_ylabel(r"$\mu_2(x)$")
    a.set_xlim(-span - 0.5, span + 0.5)
    a.set_ylim(-span - 0.5, span + 0.5)
    g = np.linspace(-span, span, grid)
    Z = np.array([[u, v] for v in g[::-1] for u in g])
    imgs = vae_mod.vae_decode(vae, Z).reshape(grid, grid, 8, 8)
    imgs = np.pad(imgs, ((0, 0), (0, 0), (0, 1), (0, 1)))                # a blank pixel between cells
    canvas = imgs.transpose(0, 2, 1, 3).reshape(grid * 9, grid * 9)
    b.imshow(canvas, cmap="gray_r", extent=(-span, span, -span, span), vmin=0, vmax=1)
    b.set_xlabel(r"$z_1$")
    b.set_ylabel(r"$z_2$")
    fig.tight_layout()
    return fig


def draw_vae_samples(vae: vae_mod.VAE, X: np.ndarray, n: int = 10, seed: int = 0):
    """Rows: test digits, their reconstructions (decoder at the encoder mean), and samples z ~ N(0, I)."""
    import matplotlib.pyplot as plt
    mu, _ = vae_mod.vae_encode(vae, X[:n])
    rows = [X[:n], vae_mod.vae_decode(vae, mu),
            vae_mod.vae_decode(vae, np.random.default_rng(seed).standard_normal((n, 2)))]
    fig, axes = plt.subplots(3, n, figsize=(n * 0.75, 2.6), facecolor="white")
    for r, (row, name) in enumerate(zip(rows, ("data", "reconstruction", "sample"))):
        for c in range(n):
            axes[r, c].imshow(row[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(name, fontsize=8)
    return fig


def draw_iwae(Ks, bounds, elbo_label: str = r"$\mathcal{L}_1 = \mathrm{ELBO}$"):
    """The importance-weighted bound against K (log scale)."""
    fig, ax = _fig((6.0, 3.2))
    ax.semilogx(Ks, bounds, "o-", color="C0", label=r"$\mathcal{L}_K$")
    ax.axhline(bounds[0], color="0.5", ls=":", label=elbo_label)
    ax.set_xlabel(r"number of importance samples $K$")
    ax.set_ylabel("nats per image")
    ax.legend(fontsize=9)
    return ax


def draw_discriminator(mu1: float, s1: float, mu2: float, s2: float):
    """Two Gaussians p_data and p_g, the optimal discriminator D* and the JS value (the JS explorer's picture)."""
    x = np.linspace(min(mu1 - 4 * s1, mu2 - 4 * s2), max(mu1 + 4 * s1, mu2 + 4 * s2), 400)
    p = np.exp(-0.5 * ((x - mu1) / s1) ** 2) / (s1 * np.sqrt(2 * np.pi))
    q = np.exp(-0.5 * ((x - mu2) / s2) ** 2) / (s2 * np.sqrt(2 * np.pi))
    js = gan.js_divergence_gaussians(mu1, s1, mu2, s2)
    fig, ax = _fig((6.5, 3.6))
    ax.plot(x, p, color="C0", label=r"$p_{\mathrm{data}}$")
    ax.plot(x, q, color="C3", label=r"$p_g$")
    ax2 = ax.twinx()
    ax2.plot(x, gan.optimal_discriminator(p, q), color="0.2", ls="--", label=r"$D^*(x)$")
    ax2.set_ylim(-0.02, 1.02)
    ax2.set_ylabel(r"$D^*(x)$")
    ax.set_xlabel(r"$x$")
    ax.set_ylabel("density")
    ax.set_title(rf"$\mathrm{{JS}} = {js:.3f}$ nats,  $V(D^*, G) = {2 * js - np.log(4):.3f}$", fontsize=10)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=9, loc="upper left")
    return ax


def draw_generator_gradients():
    """|d loss / d logit| of the saturating and the non-saturating generator loss, against D(G(z))."""
    a = np.linspace(-7, 7, 300)
    sat, non = gan.generator_loss_gradients(a)
    D = 1 / (1 + np.exp(-a))
    fig, ax = _fig((6.0, 3.4))
    ax.plot(D, np.abs(sat), color="C3", label=r"saturating $\log(1 - D)$: $|{-\sigma(a)}|$")
    ax.plot(D, np.abs(non), color="C0", label=r"non-saturating $-\log D$: $|\sigma(a) - 1|$")
    ax.set_xlabel(r"$D(G(z)) = \sigma(a)$")
    ax.set_ylabel(r"$|\partial \mathrm{loss} / \partial a|$")
    ax.axvspan(0, 0.1, color="0.85", label="early training: D rejects fakes")
    ax.legend(fontsize=8)
    return ax


def draw_gan_replay(run: gan.GANRun, centres: np.ndarray, std: float, data=None, indices=None):
    """A row of checkpoints: generator samples (black) over the discriminator's probability (colour)."""
    import matplotlib.pyplot as plt
    indices = list(range(len(run.steps))) if indices is None else list(indices)
    fig, axes = plt.subplots(1, len(indices), figsize=(2.1 * len(indices), 2.4), facecolor="white")
    for ax, i in zip(np.atleast_1d(axes), indices):
        _draw_frame(gan_replay_view(run, i, centres, std), centres, ax, data)
    fig.tight_layout()
    return fig


def draw_flow(log_density, X: np.ndarray, samples: np.ndarray, box: float = 3.0, grid: int = 120):
    """Data, the flow's density exp(log p_X) on a grid, and its samples."""
    import matplotlib.pyplot as plt
    g = np.linspace(-box, box, grid)
    G = np.column_stack([np.tile(g, grid), np.repeat(g, grid)])
    dens = np.exp(log_density(G)).reshape(grid, grid)
    fig, axes = plt.subplots(1, 3, figsize=(9.5, 3.3), facecolor="white")
    axes[0].scatter(X[:, 0], X[:, 1], s=2, color="C0")
    axes[0].set_title("data", fontsize=10)
    axes[1].imshow(dens, origin="lower", extent=(-box, box, -box, box), cmap="viridis")
    axes[1].set_title(r"density $p_X(x)$", fontsize=10)
    axes[2].scatter(samples[:, 0], samples[:, 1], s=2, color="C3")
    axes[2].set_title(r"samples $f^{-1}(z)$", fontsize=10)
    for ax in axes:
        ax.set_xlim(-box, box)
        ax.set_ylim(-box, box)
        ax.set_aspect("equal")
        ax.set_xlabel(r"$x_1$")
    axes[0].set_ylabel(r"$x_2$")
    fig.tight_layout()
    return fig


def draw_diffusion(X0: np.ndarray, betas: np.ndarray, eps: np.ndarray, ts, samples: np.ndarray, box: float = 3.5):
    """Top: the forward process in closed form at the steps ``ts``; the last panel: the model's samples."""
    import matplotlib.pyplot as plt
    ab = diffusion.alpha_bar(betas)
    fig, axes = plt.subplots(1, len(ts) + 1, figsize=(2.2 * (len(ts) + 1), 2.5), facecolor="white")
    for ax, t in zip(axes, ts):
        pts = X0 if t == 0 else diffusion.diffusion_marginal(X0, int(t), betas, eps)
        ax.scatter(pts[:, 0], pts[:, 1], s=2, color="C0")
        ax.set_title(rf"$t = {t}$, $\bar\alpha_t = {1.0 if t == 0 else ab[t - 1]:.2f}$", fontsize=9)
    axes[-1].scatter(samples[:, 0], samples[:, 1], s=2, color="C3")
    axes[-1].set_title("reverse samples", fontsize=9)
    for ax in axes:
        ax.set_xlim(-box, box)
        ax.set_ylim(-box, box)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig


def draw_kl_fits(x: np.ndarray, p: np.ndarray, forward: tuple, reverse: list):
    """A bimodal density with its forward-KL Gaussian fit and reverse-KL fits from several starts."""
    fig, ax = _fig((6.5, 3.5))
    pn = p / (p.sum() * (x[1] - x[0]))
    ax.fill_between(x, pn, color="0.8", label=r"$p$ (bimodal)")

    def gauss(m, s):
        return np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))

    ax.plot(x, gauss(*forward), color="C0", lw=2, label=r"$\arg\min_q \mathrm{KL}(p\,\Vert\,q)$ (covers)")
    for i, (m, s) in enumerate(reverse):
        ax.plot(x, gauss(m, s), color="C3", lw=2, ls="--",
                label=r"$\arg\min_q \mathrm{KL}(q\,\Vert\,p)$ (seeks a mode)" if i == 0 else None)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel("density")
    ax.legend(fontsize=9)
    return ax

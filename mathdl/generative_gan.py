"""Generative adversarial networks: the optimal discriminator, Jensen-Shannon and Wasserstein-1, and a small GAN.

The formulas of the chapter's GAN sections (claims ``generative.optimal-discriminator``,
``generative.gan-value-js``, ``generative.generator-gradients``, ``generative.wasserstein-sorted``) and a GAN on a
ring of eight Gaussians trained with :mod:`mathdl.autodiff` and :func:`mathdl.optim_adaptive.adam_step`
(claim ``generative.gan-modes``). The claim ids are declared in :data:`mathdl.generative.CLAIMS`.

Book: Generative models, "Generative adversarial networks".
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathdl import autodiff as ad
from mathdl import info, optim_adaptive
from mathdl.generative import LOG2PI, _positive, softplus
from mathdl.mlp import mlp_init, mlp_logits
from mathdl.validate import real_array as _real

__all__ = [
    "optimal_discriminator", "gan_value", "js_divergence", "generator_loss_gradients", "wasserstein1_sorted",
    "wasserstein1_coupling", "js_divergence_gaussians", "ring_of_gaussians", "modes_covered", "GANRun",
    "train_gan", "discriminator_probability", "generate",
]


# ------------------------------------------------------------------------------------------ formulas

def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    r"""The optimal discriminator :math:`D^*(x) = p_{\mathrm{data}}(x) / (p_{\mathrm{data}}(x) + p_g(x))`.

    Parameters
    ----------
    p_data, p_g : ndarray, shape (...)
        Densities (or probabilities) at the same points, >= 0 with a positive sum.

    Returns
    -------
    ndarray, shape (...)

    References
    ----------
    Book: Generative models, "The optimal discriminator" (claim ``generative.optimal-discriminator``).
    Goodfellow et al. (2014), Proposition 1.

    Examples
    --------
    >>> optimal_discriminator(np.array([1.0, 0.0]), np.array([1.0, 2.0]))
    array([0.5, 0. ])
    """
    func = "optimal_discriminator"
    p, q = _real(p_data, "p_data", func), _real(p_g, "p_g", func)
    if p.shape != q.shape:
        raise ValueError(f"{func}: p_data and p_g must have one shape; got {p.shape} and {q.shape}.")
    if np.any(p < 0) or np.any(q < 0):
        raise ValueError(f"{func}: densities must be >= 0.")
    if np.any(p + q <= 0):
        raise ValueError(f"{func}: p_data + p_g must be > 0 everywhere (D* is undefined where both vanish); "
                         "drop those points.")
    return p / (p + q)


def _plogr(a: np.ndarray, b: np.ndarray) -> float:
    """sum a log(a / b) with 0 log 0 = 0 (b > 0 where a > 0)."""
    m = a > 0
    return float(np.sum(a[m] * np.log(a[m] / b[m])))


def gan_value(p_data: np.ndarray, p_g: np.ndarray, D: np.ndarray | None = None) -> float:
    r"""The GAN value :math:`V(D, G) = \sum_x p_{\mathrm{data}}\log D + p_g\log(1 - D)` on a discrete space.

    Parameters
    ----------
    p_data, p_g : ndarray, shape (k,)
        Probability vectors.
    D : ndarray, shape (k,), optional
        Discriminator outputs in (0, 1); default the optimum :func:`optimal_discriminator`.

    Returns
    -------
    float

    Notes
    -----
    At :math:`D^*` this is :math:`\sum p\log\frac{p}{p+q} + q\log\frac{q}{p+q} = -\log 4 + 2\,\mathrm{JS}(p\Vert q)`.

    References
    ----------
    Book: Generative models, "The optimal discriminator" (claim ``generative.gan-value-js``).

    Examples
    --------
    >>> bool(abs(gan_value(np.array([0.5, 0.5]), np.array([0.5, 0.5])) + np.log(4)) < 1e-12)
    True
    """
    p = info._distribution(p_data, "p_data", "gan_value", ndim=1)
    q = info._distribution(p_g, "p_g", "gan_value", ndim=1)
    if p.shape != q.shape:
        raise ValueError(f"gan_value: p_data and p_g must have one shape; got {p.shape} and {q.shape}.")
    if D is None:
        s = p + q
        m = s > 0
        return _plogr(p[m], s[m]) + _plogr(q[m], s[m])
    D = _real(D, "D", "gan_value")
    if D.shape != p.shape or np.any(D <= 0) or np.any(D >= 1):
        raise ValueError(f"gan_value: D must have shape {p.shape} with values in (0, 1).")
    return float(np.sum(p * np.log(D)) + np.sum(q * np.log1p(-D)))


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    r"""Jensen-Shannon divergence, in nats:
    :math:`\mathrm{JS}(p\Vert q) = \tfrac12\mathrm{KL}(p\Vert m) + \tfrac12\mathrm{KL}(q\Vert m)`,
    :math:`m = (p + q)/2`.

    Parameters
    ----------
    p, q : ndarray, shape (k,)
        Probability vectors.

    Returns
    -------
    float
        In :math:`[0, \log 2]`.

    References
    ----------
    Book: Generative models, "The optimal discriminator" (claim ``generative.gan-value-js``).

    Examples
    --------
    >>> bool(abs(js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])) - np.log(2)) < 1e-12)
    True
    """
    p = info._distribution(p, "p", "js_divergence", ndim=1)
    q = info._distribution(q, "q", "js_divergence", ndim=1)
    if p.shape != q.shape:
        raise ValueError(f"js_divergence: p and q must have one shape; got {p.shape} and {q.shape}.")
    m = 0.5 * (p + q)
    return 0.5 * _plogr(p, m) + 0.5 * _plogr(q, m)


def generator_loss_gradients(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients with respect to the discriminator's logit :math:`a` of the two generator losses.

    Parameters
    ----------
    logits : ndarray, shape (...)
        :math:`a = \operatorname{logit} D(G(z))`.

    Returns
    -------
    saturating : ndarray
        :math:`\frac{d}{da}\log(1 - \sigma(a)) = -\sigma(a)` (the minimax loss, minimised by G).
    non_saturating : ndarray
        :math:`\frac{d}{da}(-\log\sigma(a)) = \sigma(a) - 1`.

    References
    ----------
    Book: Generative models, "Saturating and non-saturating losses" (claim ``generative.generator-gradients``).

    Examples
    --------
    >>> generator_loss_gradients(np.array([0.0]))
    (array([-0.5]), array([-0.5]))
    """
    a = _real(logits, "logits", "generator_loss_gradients")
    sig = 0.5 * (1.0 + np.tanh(0.5 * a))
    return -sig, sig - 1.0


def wasserstein1_sorted(x: np.ndarray, y: np.ndarray) -> float:
    r"""Wasserstein-1 distance between two 1-D empirical distributions of n equally weighted points.

    Parameters
    ----------
    x, y : ndarray, shape (n,)

    Returns
    -------
    float
        :math:`\frac1n\sum_i |x_{(i)} - y_{(i)}|` over the sorted samples.

    References
    ----------
    Book: Generative models, "The Wasserstein-1 distance" (claim ``generative.wasserstein-sorted``).
    Arjovsky, Chintala & Bottou (2017).

    Examples
    --------
    >>> wasserstein1_sorted(np.array([0.0, 1.0]), np.array([3.0, 2.0]))
    2.0
    """
    x, y = _real(x, "x", "wasserstein1_sorted"), _real(y, "y", "wasserstein1_sorted")
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError(f"wasserstein1_sorted: x and y must be non-empty 1-D arrays of one length; got "
                         f"{x.shape} and {y.shape}.")
    return float(np.mean(np.abs(np.sort(x) - np.sort(y))))


def wasserstein1_coupling(x: np.ndarray, a: np.ndarray, y: np.ndarray, b: np.ndarray) -> float:
    r"""Wasserstein-1 by its definition: the optimal-transport linear program over couplings.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Support of the first distribution.
    a : ndarray, shape (n,)
        Its probabilities.
    y : ndarray, shape (m,)
    b : ndarray, shape (m,)

    Returns
    -------
    float
        :math:`\min_{\pi \ge 0,\ \pi 1 = a,\ \pi^\top 1 = b} \sum_{ij}\pi_{ij}|x_i - y_j|` (scipy's HiGHS solver).

    References
    ----------
    Book: Generative models, "The Wasserstein-1 distance" (claim ``generative.wasserstein-sorted``).

    Examples
    --------
    >>> round(wasserstein1_coupling(np.array([0.0, 1.0]), np.array([0.5, 0.5]), np.array([3.0]), np.array([1.0])), 9)
    2.5
    """
    from scipy.optimize import linprog

    x, y = _real(x, "x", "wasserstein1_coupling"), _real(y, "y", "wasserstein1_coupling")
    a = info._distribution(a, "a", "wasserstein1_coupling", ndim=1)
    b = info._distribution(b, "b", "wasserstein1_coupling", ndim=1)
    if x.shape != a.shape or y.shape != b.shape:
        raise ValueError(f"wasserstein1_coupling: x and a, y and b must have matching shapes; got {x.shape}, "
                         f"{a.shape}, {y.shape}, {b.shape}.")
    n, m = x.size, y.size
    cost = np.abs(x[:, None] - y[None, :]).ravel()
    rows = np.kron(np.eye(n), np.ones((1, m)))
    cols = np.kron(np.ones((1, n)), np.eye(m))
    res = linprog(cost, A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([a, b]), bounds=(0, None),
                  method="highs")
    if not res.success:
        raise ValueError(f"wasserstein1_coupling: the linear program failed: {res.message}")
    return float(res.fun)




def js_divergence_gaussians(mu1: float, sigma1: float, mu2: float, sigma2: float, points: int = 2001) -> float:
    r"""Jensen-Shannon divergence between :math:`N(\mu_1, \sigma_1^2)` and :math:`N(\mu_2, \sigma_2^2)`, by the
    trapezoid rule on an equally spaced grid covering both densities (no closed form exists).

    Parameters
    ----------
    mu1, sigma1, mu2, sigma2 : float
        Means and standard deviations (> 0).
    points : int
        Grid size, >= 101; the grid is :math:`[\min(\mu_i - 8\sigma_i), \max(\mu_i + 8\sigma_i)]`.

    Returns
    -------
    float
        :math:`\tfrac12\int p\log\frac{2p}{p+q} + q\log\frac{2q}{p+q}\,dx = \tfrac12(V(D^*, G) + \log 4)`, in
        :math:`[0, \log 2]`.

    References
    ----------
    Book: Generative models, "The optimal discriminator" (claim ``generative.gan-value-js``); the book's
    JavaScript explorer computes the same sum.

    Examples
    --------
    >>> abs(js_divergence_gaussians(0.0, 1.0, 0.0, 1.0)) < 1e-15
    True
    >>> bool(abs(js_divergence_gaussians(-20.0, 1.0, 20.0, 1.0) - np.log(2)) < 1e-9)
    True
    """
    func = "js_divergence_gaussians"
    m1, m2 = float(_real(mu1, "mu1", func)), float(_real(mu2, "mu2", func))
    s1, s2 = float(_positive(sigma1, "sigma1", func)), float(_positive(sigma2, "sigma2", func))
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 101:
        raise ValueError(f"{func}: points must be an int >= 101; got {points!r}.")
    x = np.linspace(min(m1 - 8 * s1, m2 - 8 * s2), max(m1 + 8 * s1, m2 + 8 * s2), points)
    logp = -0.5 * ((x - m1) / s1) ** 2 - math.log(s1) - 0.5 * LOG2PI
    logq = -0.5 * ((x - m2) / s2) ** 2 - math.log(s2) - 0.5 * LOG2PI
    logm = np.logaddexp(logp, logq) - math.log(2.0)
    f = 0.5 * (np.exp(logp) * (logp - logm) + np.exp(logq) * (logq - logm))
    return float(np.sum(0.5 * (f[1:] + f[:-1])) * (x[1] - x[0]))


# ------------------------------------------------------------------------------------------ a small GAN

def ring_of_gaussians(n: int, k: int = 8, radius: float = 2.0, std: float = 0.1, seed: int = 0
                      ) -> tuple[np.ndarray, np.ndarray]:
    r"""Samples of an equal mixture of k Gaussians :math:`N(c_j, \mathrm{std}^2 I)` with centres on a circle.

    Parameters
    ----------
    n : int
        Number of samples, >= 1.
    k : int
        Number of modes, >= 1; centre j at angle :math:`2\pi j/k`.
    radius, std : float
        > 0.
    seed : int

    Returns
    -------
    X : ndarray, shape (n, 2)
    centres : ndarray, shape (k, 2)

    References
    ----------
    Book: Generative models, "A GAN on a ring of Gaussians" (claim ``generative.gan-modes``).

    Examples
    --------
    >>> X, c = ring_of_gaussians(5, k=4, seed=1)
    >>> X.shape, c.round(6).tolist()[1]
    ((5, 2), [0.0, 2.0])
    """
    for name, v in (("n", n), ("k", k)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"ring_of_gaussians: {name} must be a positive int; got {v!r}.")
    radius = float(_positive(radius, "radius", "ring_of_gaussians"))
    std = float(_positive(std, "std", "ring_of_gaussians"))
    angles = 2 * np.pi * np.arange(k) / k
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    rng = np.random.default_rng(seed)
    return centres[rng.integers(0, k, size=n)] + std * rng.standard_normal((n, 2)), centres


def modes_covered(samples: np.ndarray, centres: np.ndarray, std: float, min_fraction: float = 0.02
                  ) -> tuple[int, float]:
    r"""How many modes a sample covers, and the fraction of samples that are near some mode.

    Parameters
    ----------
    samples : ndarray, shape (n, 2)
    centres : ndarray, shape (k, 2)
    std : float
        The modes' standard deviation; "near" is within 3 std of a centre.
    min_fraction : float
        A mode counts as covered when at least this fraction of the samples is near it.

    Returns
    -------
    covered : int
    quality : float
        Fraction of samples within 3 std of their nearest centre.

    References
    ----------
    Book: Generative models, "A GAN on a ring of Gaussians" (claim ``generative.gan-modes``).

    Examples
    --------
    >>> modes_covered(np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[0.0, 0.0], [1.0, 0.0]]), 0.1)
    (1, 0.5)
    """
    X, C = _real(samples, "samples", "modes_covered"), _real(centres, "centres", "modes_covered")
    if X.ndim != 2 or C.ndim != 2 or X.shape[1] != C.shape[1] or X.shape[0] == 0:
        raise ValueError(f"modes_covered: samples (n, d) and centres (k, d) must be 2-D with one d; got {X.shape} "
                         f"and {C.shape}.")
    std = float(_positive(std, "std", "modes_covered"))
    dist = np.linalg.norm(X[:, None, :] - C[None, :, :], axis=2)
    nearest, near = dist.argmin(axis=1), dist.min(axis=1) < 3 * std
    counts = np.bincount(nearest[near], minlength=C.shape[0])
    return int(np.sum(counts >= min_fraction * X.shape[0])), float(np.mean(near))


@dataclasses.dataclass
class GANRun:
    """A trained GAN and its training replay.

    ``generator`` and ``discriminator`` are MLP parameter lists (:func:`mathdl.mlp.mlp_init`); ``steps`` the
    checkpoint steps; ``samples[i]`` the generator's output on the fixed noise ``z_fixed`` at ``steps[i]``,
    shape (m, 2); ``surface[i]`` the discriminator's probability on the grid ``grid`` (g, g) x (g, g);
    ``d_loss`` and ``g_loss`` the losses per step.
    """

    generator: list
    discriminator: list
    steps: np.ndarray
    samples: np.ndarray
    surface: np.ndarray
    grid: tuple
    z_fixed: np.ndarray
    d_loss: np.ndarray
    g_loss: np.ndarray


def generate(generator: list, z: np.ndarray) -> np.ndarray:
    """The generator's samples G(z) = MLP(z) (tanh hidden layers, linear output).

    Parameters
    ----------
    generator : list of ndarray
        MLP parameters.
    z : ndarray, shape (m, d_z)

    Returns
    -------
    ndarray, shape (m, 2)

    References
    ----------
    Book: Generative models, "A GAN on a ring of Gaussians" (claim ``generative.gan-modes``).

    Examples
    --------
    >>> generate(mlp_init([2, 3, 2]), np.zeros((4, 2)))       # zero biases, zero input: zero output
    array([[0., 0.],
           [0., 0.],
           [0., 0.],
           [0., 0.]])
    """
    z = _real(z, "z", "generate")
    if z.ndim != 2:
        raise ValueError(f"generate: z must be 2-D (m, d_z); got shape {z.shape}.")
    return mlp_logits(list(generator), z).value


def discriminator_probability(discriminator: list, X: np.ndarray) -> np.ndarray:
    r"""The discriminator's probability :math:`D(x) = \sigma(\mathrm{MLP}(x))` that x is data.

    Parameters
    ----------
    discriminator : list of ndarray
    X : ndarray, shape (n, 2)

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    Book: Generative models, "A GAN on a ring of Gaussians" (claims ``generative.gan-modes``,
    ``generative.optimal-discriminator``).

    Examples
    --------
    >>> discriminator_probability(mlp_init([2, 3, 1]), np.zeros((2, 2)))   # logit 0: probability 1/2
    array([0.5, 0.5])
    """
    X = _real(X, "X", "discriminator_probability")
    if X.ndim != 2:
        raise ValueError(f"discriminator_probability: X must be 2-D (n, d); got shape {X.shape}.")
    a = mlp_logits(list(discriminator), X).value[:, 0]
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def train_gan(data: np.ndarray, steps: int = 2000, batch: int = 128, hidden: int = 64, d_z: int = 2,
              lr: float = 1e-3, checkpoints: int = 8, grid_size: int = 40, loss: str = "non-saturating",
              seed: int = 0) -> GANRun:
    r"""Train a GAN with the engine and Adam: alternate one discriminator and one generator step.

    Parameters
    ----------
    data : ndarray, shape (n, 2)
        The training samples (minibatches drawn with replacement).
    steps : int
    batch : int
    hidden : int
        Width of the two tanh hidden layers of both networks.
    d_z : int
        Noise dimension, :math:`z \sim N(0, I)`.
    lr : float
        Adam's learning rate (betas (0.5, 0.999)).
    checkpoints : int
        Number of replay snapshots (evenly spaced, the last at ``steps``).
    grid_size : int
        The discriminator surface is stored on a grid_size x grid_size grid over the data's box.
    loss : {"non-saturating", "saturating"}
        The generator's loss: :math:`-\log D(G(z))` or :math:`\log(1 - D(G(z)))`.
    seed : int

    Returns
    -------
    GANRun

    Notes
    -----
    With logits :math:`a = \mathrm{MLP}_D(x)`, :math:`D = \sigma(a)`: the discriminator minimises
    :math:`\mathrm{softplus}(-a_{\mathrm{real}}) + \mathrm{softplus}(a_{\mathrm{fake}})`
    (:math:`= -\log D(x) - \log(1 - D(G(z)))`); the generator minimises :math:`\mathrm{softplus}(-a_{\mathrm{fake}})`
    (non-saturating) or :math:`-\mathrm{softplus}(a_{\mathrm{fake}})` (saturating).

    References
    ----------
    Book: Generative models, "A GAN on a ring of Gaussians" (claim ``generative.gan-modes``).
    Goodfellow et al. (2014).

    Examples
    --------
    >>> X, _ = ring_of_gaussians(64, seed=0)
    >>> run = train_gan(X, steps=4, batch=8, hidden=4, checkpoints=2, grid_size=3)
    >>> run.samples.shape, run.surface.shape, run.steps.tolist()
    ((2, 500, 2), (2, 3, 3), [0, 4])
    """
    data = _real(data, "data", "train_gan")
    if data.ndim != 2 or data.shape[0] < 2:
        raise ValueError(f"train_gan: data must be 2-D (n, d) with n >= 2; got shape {data.shape}.")
    for name, v in (("steps", steps), ("batch", batch), ("hidden", hidden), ("d_z", d_z),
                    ("checkpoints", checkpoints), ("grid_size", grid_size)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"train_gan: {name} must be a positive int; got {v!r}.")
    if loss not in ("non-saturating", "saturating"):
        raise ValueError(f"train_gan: loss must be 'non-saturating' or 'saturating'; got {loss!r}.")
    rng = np.random.default_rng(seed)
    d = data.shape[1]
    G = mlp_init([d_z, hidden, hidden, d], seed=seed)
    D = mlp_init([d, hidden, hidden, 1], seed=seed + 1)
    n_g = len(G)

    def d_objective(*params):
        Dp, fake, real = params[:-2], params[-2], params[-1]
        return (softplus(-mlp_logits(Dp, real)).mean() + softplus(mlp_logits(Dp, fake)).mean())

    def g_objective(*params):
        Gp, Dp, z = params[:n_g], params[n_g:-1], params[-1]
        a = mlp_logits(Dp, mlp_logits(Gp, z))
        return softplus(-a).mean() if loss == "non-saturating" else -softplus(a).mean()

    d_vg = ad.value_and_grad(d_objective, argnums=list(range(len(D))))
    g_vg = ad.value_and_grad(g_objective, argnums=list(range(n_g)))
    d_state, g_state = [None] * len(D), [None] * n_g
    lo, hi = data.min(axis=0) - 0.5, data.max(axis=0) + 0.5
    gx, gy = np.linspace(lo[0], hi[0], grid_size), np.linspace(lo[1], hi[1], grid_size)
    grid_pts = np.column_stack([np.repeat(gx, grid_size), np.tile(gy, grid_size)])
    z_fixed = rng.standard_normal((500, d_z))
    marks = set(np.linspace(0, steps, checkpoints).round().astype(int).tolist())
    snap_steps, snaps, surfaces = [], [], []
    d_losses, g_losses = np.empty(steps), np.empty(steps)

    def snapshot(k):
        snap_steps.append(k)
        snaps.append(generate(G, z_fixed))
        surfaces.append(discriminator_probability(D, grid_pts).reshape(grid_size, grid_size).T)

    for k in range(steps):
        if k in marks:
            snapshot(k)
        real = data[rng.integers(0, data.shape[0], size=batch)]
        fake = generate(G, rng.standard_normal((batch, d_z)))
        d_losses[k], grads = d_vg(*D, fake, real)
        for i, g in enumerate(grads):
            D[i], d_state[i] = optim_adaptive.adam_step(D[i], g, d_state[i], lr=lr, betas=(0.5, 0.999))
        g_losses[k], grads = g_vg(*G, *D, rng.standard_normal((batch, d_z)))
        for i, g in enumerate(grads):
            G[i], g_state[i] = optim_adaptive.adam_step(G[i], g, g_state[i], lr=lr, betas=(0.5, 0.999))
    snapshot(steps)
    return GANRun(G, D, np.array(snap_steps), np.array(snaps), np.array(surfaces), (gx, gy), z_fixed,
                  d_losses, g_losses)

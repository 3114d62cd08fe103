"""Chapter — Generative models: latent variables and the ELBO, gradient estimators, GANs, flows and diffusion.

This module holds the chapter's claim ids (:data:`CLAIMS`, for the whole chapter ``book/generative.ipynb``) and
the formulas of its first part: the linear-Gaussian latent model (probabilistic PCA) where the ELBO and the
evidence are closed forms, the reparameterisation and score-function estimators of
:math:`\\nabla_\\mu \\mathbb E_{N(\\mu, \\sigma^2)}[f]`, the importance-weighted bound, the forward and
reverse KL fits of one Gaussian, and the engine's :func:`softplus`. The models, each with its own formulas, are
split by family:

* :mod:`mathdl.generative_vae` -- the VAE on the 8x8 digits, its ELBO terms and importance weights;
* :mod:`mathdl.generative_gan` -- the optimal discriminator, the GAN value, Jensen-Shannon and 1-D
  Wasserstein-1, the generator's two losses, and a GAN on a ring of Gaussians;
* :mod:`mathdl.generative_flow` -- affine coupling layers and a RealNVP-style flow;
* :mod:`mathdl.generative_diffusion` -- schedules, the forward marginal, the posterior, and a tiny DDPM.

Everything is checked in ``tests/test_generative.py``. Samples are rows of an ``(n, d)`` array; Gaussians are
given by means and standard deviations; units are nats.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl import info
from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS",
    "ppca_log_marginal", "ppca_posterior", "ppca_elbo",
    "reparam_gradient_samples", "score_gradient_samples", "quadratic_estimator_variances",
    "iwae_bound", "fit_gaussian_forward_kl", "fit_gaussian_reverse_kl", "softplus",
]

#: The facts of this chapter, by claim id. The book, the tests and the ledger use these ids.
CLAIMS = {
    "generative.elbo-decomposition": "log p(x) = ELBO(q) + KL(q(z|x) || p(z|x)) for every q (proved in general)",
    "generative.ppca-elbo-exact": "in probabilistic PCA the closed-form ELBO plus KL(q || posterior) equals the closed-"
                                  "form log p(x), and the ELBO at the exact posterior is log p(x) (proved for d = 1, "
                                  "checked numerically for d = 3)",
    "generative.estimators-unbiased": "for q = N(mu, sigma^2) and a cubic f, E[f'(mu + sigma eps)] and "
                                      "E[f(z)(z - mu)/sigma^2] both equal d/dmu E[f(z)] (proved)",
    "generative.estimator-variances": "for f(z) = z^2 the reparameterisation gradient has variance 4 sigma^2 and the "
                                      "score-function gradient (mu^4 + 14 mu^2 sigma^2 + 15 sigma^4) / sigma^2 "
                                      "(proved); for a non-polynomial f the ratio is measured",
    "generative.vae-loss": "the VAE's negative ELBO in the engine equals the Bernoulli reconstruction term plus "
                           "info.kl_diagonal_gaussian (checked numerically); training lowers it (measured)",
    "generative.iwae-monotone": "the importance-weighted bound L_K is non-decreasing in K, L_1 = ELBO, L_K <= log p(x) "
                                "(measured on probabilistic PCA and on the trained VAE)",
    "generative.optimal-discriminator": "D*(x) = p_data(x) / (p_data(x) + p_g(x)) maximises p log D + q log(1 - D) "
                                        "pointwise (proved)",
    "generative.gan-value-js": "V(D*, G) = -log 4 + 2 JS(p_data || p_g) (the pointwise identity proved in general; "
                               "checked numerically on discrete distributions against info.kl_divergence)",
    "generative.generator-gradients": "d/da log(1 - sigmoid(a)) = -sigmoid(a) vanishes as D -> 0 while "
                                      "d/da (-log sigmoid(a)) = sigmoid(a) - 1 -> -1 (proved)",
    "generative.gan-modes": "the GAN trained on a ring of 8 Gaussians: modes covered at checkpoints (measured)",
    "generative.wasserstein-sorted": "the 1-D W1 between two n-point empirical distributions is the mean of "
                                     "|x_(i) - y_(i)| over sorted samples, equal to the optimal-coupling linear "
                                     "program (checked numerically)",
    "generative.coupling-logdet": "the affine coupling layer's Jacobian is triangular with log |det| = sum s(x_1) "
                                  "(proved for d = 2 and d = 4; checked numerically against the Jacobian)",
    "generative.change-of-variables": "the flow's density p_X(x) = p_Z(f(x)) |det J_f(x)| integrates to 1 and "
                                      "training lowers the NLL (measured)",
    "generative.diffusion-marginal": "q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I) (proved by induction; "
                                     "checked against the simulated chain)",
    "generative.diffusion-posterior": "q(x_{t-1} | x_t, x_0) = N(mu_tilde, beta_tilde I) with the DDPM mean and "
                                      "variance (proved by completing the square)",
    "generative.eps-score": "the score of q(x_t | x_0) is -eps / sqrt(1 - abar_t) and mu_tilde = (x_t - beta_t "
                            "eps / sqrt(1 - abar_t)) / sqrt(alpha_t) (proved)",
    "generative.diffusion-trained": "the tiny diffusion model's samples are closer to the data than its noise "
                                    "(measured by sliced W1)",
    "generative.kl-mode-behaviour": "the forward-KL Gaussian fit matches the moments (proved) and covers both modes; "
                                    "the reverse-KL fit sits on one mode (measured)",
}

LOG2PI = math.log(2.0 * math.pi)


# ------------------------------------------------------------------------------------------ validation

def _positive(x: object, name: str, func: str) -> np.ndarray:
    arr = _real(x, name, func)
    if np.any(arr <= 0):
        raise ValueError(f"{func}: {name} must be > 0; got min {arr.min():.3g}.")
    return arr


def _ppca_args(x, w, b, sigma, func):
    x, w, b = _real(x, "x", func), _real(w, "w", func), _real(b, "b", func)
    sigma = float(_positive(sigma, "sigma", func))
    if w.ndim != 1 or x.shape != w.shape or b.shape != w.shape:
        raise ValueError(f"{func}: x, w and b must be 1-D arrays of one length d; got shapes {x.shape}, {w.shape}, "
                         f"{b.shape}.")
    return x, w, b, sigma


# ------------------------------------------------------------------------------------------ ELBO in PPCA

def ppca_log_marginal(x: np.ndarray, w: np.ndarray, b: np.ndarray, sigma: float) -> float:
    r"""Exact :math:`\log p(x)` of probabilistic PCA with one latent: :math:`z \sim N(0, 1)`,
    :math:`x \mid z \sim N(w z + b, \sigma^2 I)`.

    Parameters
    ----------
    x, w, b : ndarray, shape (d,)
    sigma : float
        Observation noise standard deviation, > 0.

    Returns
    -------
    float

    Notes
    -----
    :math:`x \sim N(b, C)` with :math:`C = w w^\top + \sigma^2 I`; by the matrix determinant lemma and
    Sherman-Morrison, :math:`\log\det C = d\log\sigma^2 + \log(1 + \lVert w\rVert^2/\sigma^2)` and
    :math:`r^\top C^{-1} r = (\lVert r\rVert^2 - (w^\top r)^2/(\sigma^2 + \lVert w\rVert^2))/\sigma^2`,
    :math:`r = x - b`.

    References
    ----------
    Book: Generative models, "Latent variables and the ELBO" (claim ``generative.ppca-elbo-exact``).

    Examples
    --------
    >>> round(ppca_log_marginal(np.zeros(1), np.zeros(1), np.zeros(1), 1.0), 6)   # log N(0; 0, 1)
    -0.918939
    """
    x, w, b, s = _ppca_args(x, w, b, sigma, "ppca_log_marginal")
    d, r, ww = x.size, x - b, float(w @ w)
    logdet = d * math.log(s**2) + math.log1p(ww / s**2)
    quad = (float(r @ r) - float(w @ r) ** 2 / (s**2 + ww)) / s**2
    return -0.5 * (d * LOG2PI + logdet + quad)


def ppca_posterior(x: np.ndarray, w: np.ndarray, b: np.ndarray, sigma: float) -> tuple[float, float]:
    r"""The exact posterior :math:`p(z \mid x) = N(m, v)` of probabilistic PCA with one latent.

    Parameters
    ----------
    x, w, b : ndarray, shape (d,)
    sigma : float

    Returns
    -------
    m : float
    std : float
        :math:`\sqrt v`.

    Notes
    -----
    .. math:: v = \frac{\sigma^2}{\sigma^2 + \lVert w\rVert^2}, \qquad m = \frac{v\, w^\top (x - b)}{\sigma^2}.

    References
    ----------
    Book: Generative models, "Latent variables and the ELBO" (claim ``generative.ppca-elbo-exact``).

    Examples
    --------
    >>> ppca_posterior(np.array([2.0]), np.array([1.0]), np.array([0.0]), 1.0)
    (1.0, 0.7071067811865476)
    """
    x, w, b, s = _ppca_args(x, w, b, sigma, "ppca_posterior")
    v = s**2 / (s**2 + float(w @ w))
    return v * float(w @ (x - b)) / s**2, math.sqrt(v)


def ppca_elbo(x: np.ndarray, w: np.ndarray, b: np.ndarray, sigma: float, m: float, s: float) -> float:
    r"""The ELBO of probabilistic PCA for :math:`q(z) = N(m, s^2)`, in closed form.

    Parameters
    ----------
    x, w, b : ndarray, shape (d,)
    sigma : float
    m : float
        Mean of q.
    s : float
        Standard deviation of q, > 0.

    Returns
    -------
    float

    Notes
    -----
    .. math:: \mathrm{ELBO} = -\tfrac d2\log(2\pi\sigma^2)
              - \frac{\lVert x - b - w m\rVert^2 + \lVert w\rVert^2 s^2}{2\sigma^2}
              - \mathrm{KL}(N(m, s^2)\,\Vert\,N(0, 1)),

    the expected log-likelihood (Gaussian moments) minus the Gaussian KL of claim ``info.kl-gaussian``.

    References
    ----------
    Book: Generative models, "Latent variables and the ELBO" (claims ``generative.ppca-elbo-exact``,
    ``generative.elbo-decomposition``).

    Examples
    --------
    >>> x, w, b = np.array([2.0, 1.0]), np.array([1.0, 0.5]), np.zeros(2)
    >>> m, s = ppca_posterior(x, w, b, 0.5)
    >>> bool(abs(ppca_elbo(x, w, b, 0.5, m, s) - ppca_log_marginal(x, w, b, 0.5)) < 1e-12)
    True
    """
    x, w, b, sig = _ppca_args(x, w, b, sigma, "ppca_elbo")
    m = float(_real(m, "m", "ppca_elbo"))
    s = float(_positive(s, "s", "ppca_elbo"))
    r = x - b - w * m
    expected_ll = -0.5 * x.size * (LOG2PI + math.log(sig**2)) - (float(r @ r) + float(w @ w) * s**2) / (2 * sig**2)
    return expected_ll - float(info.kl_gaussian(m, s, 0.0, 1.0))


# ------------------------------------------------------------------------------------------ estimators

def _gauss_args(mu, sigma, eps, func):
    mu = float(_real(mu, "mu", func))
    sigma = float(_positive(sigma, "sigma", func))
    eps = _real(eps, "eps", func)
    if eps.ndim != 1 or eps.size == 0:
        raise ValueError(f"{func}: eps must be a non-empty 1-D array of standard normal draws; got shape {eps.shape}.")
    return mu, sigma, eps


def reparam_gradient_samples(df, mu: float, sigma: float, eps: np.ndarray) -> np.ndarray:
    r"""Per-draw reparameterisation (pathwise) estimates of :math:`\frac{d}{d\mu}\mathbb E_{N(\mu,\sigma^2)}[f(z)]`.

    Parameters
    ----------
    df : callable
        :math:`f'`, vectorised over an ndarray.
    mu : float
    sigma : float
        > 0.
    eps : ndarray, shape (n,)
        Standard normal draws.

    Returns
    -------
    ndarray, shape (n,)
        :math:`f'(\mu + \sigma\varepsilon_i)`.

    References
    ----------
    Book: Generative models, "Gradients of expectations" (claims ``generative.estimators-unbiased``,
    ``generative.estimator-variances``).

    Examples
    --------
    >>> reparam_gradient_samples(lambda z: 2 * z, 1.0, 0.5, np.array([0.0, 2.0]))
    array([2., 4.])
    """
    mu, sigma, eps = _gauss_args(mu, sigma, eps, "reparam_gradient_samples")
    if not callable(df):
        raise TypeError(f"reparam_gradient_samples: df must be callable (f'); got {type(df).__name__}.")
    out = np.asarray(df(mu + sigma * eps), dtype=float)
    if out.shape != eps.shape or not np.all(np.isfinite(out)):
        raise ValueError("reparam_gradient_samples: df must return finite values of eps's shape.")
    return out


def score_gradient_samples(f, mu: float, sigma: float, eps: np.ndarray) -> np.ndarray:
    r"""Per-draw score-function (REINFORCE) estimates of :math:`\frac{d}{d\mu}\mathbb E_{N(\mu,\sigma^2)}[f(z)]`.

    Parameters
    ----------
    f : callable
        Vectorised over an ndarray.
    mu : float
    sigma : float
        > 0.
    eps : ndarray, shape (n,)
        Standard normal draws; :math:`z_i = \mu + \sigma\varepsilon_i`.

    Returns
    -------
    ndarray, shape (n,)
        :math:`f(z_i)\,\partial_\mu \log q(z_i) = f(z_i)(z_i - \mu)/\sigma^2 = f(z_i)\,\varepsilon_i/\sigma`.

    References
    ----------
    Book: Generative models, "Gradients of expectations" (claims ``generative.estimators-unbiased``,
    ``generative.estimator-variances``).

    Examples
    --------
    >>> score_gradient_samples(lambda z: z**2, 1.0, 0.5, np.array([0.0, 2.0]))
    array([ 0., 16.])
    """
    mu, sigma, eps = _gauss_args(mu, sigma, eps, "score_gradient_samples")
    if not callable(f):
        raise TypeError(f"score_gradient_samples: f must be callable; got {type(f).__name__}.")
    z = mu + sigma * eps
    fz = np.asarray(f(z), dtype=float)
    if fz.shape != eps.shape or not np.all(np.isfinite(fz)):
        raise ValueError("score_gradient_samples: f must return finite values of eps's shape.")
    return fz * (z - mu) / sigma**2


def quadratic_estimator_variances(mu: float, sigma: float) -> tuple[float, float]:
    r"""Exact variances of the two single-draw estimators of :math:`\frac{d}{d\mu}\mathbb E[z^2] = 2\mu`.

    Parameters
    ----------
    mu : float
    sigma : float
        > 0.

    Returns
    -------
    reparam : float
        :math:`4\sigma^2`.
    score : float
        :math:`(\mu^4 + 14\mu^2\sigma^2 + 15\sigma^4)/\sigma^2`.

    References
    ----------
    Book: Generative models, "Gradients of expectations" (claim ``generative.estimator-variances``).

    Examples
    --------
    >>> quadratic_estimator_variances(0.0, 1.0)
    (4.0, 15.0)
    """
    mu = float(_real(mu, "mu", "quadratic_estimator_variances"))
    s = float(_positive(sigma, "sigma", "quadratic_estimator_variances"))
    return 4.0 * s**2, (mu**4 + 14.0 * mu**2 * s**2 + 15.0 * s**4) / s**2


def iwae_bound(log_weights: np.ndarray) -> float:
    r"""The importance-weighted bound :math:`\mathcal L_K` averaged over examples.

    Parameters
    ----------
    log_weights : ndarray, shape (n, K)
        :math:`\log w_{ik} = \log p(x_i, z_{ik}) - \log q(z_{ik} \mid x_i)` for K draws per example.

    Returns
    -------
    float
        :math:`\frac1n\sum_i \bigl(\operatorname{logsumexp}_k \log w_{ik} - \log K\bigr)`; with K = 1 this is the
        (single-draw) ELBO.

    References
    ----------
    Book: Generative models, "The importance-weighted bound" (claim ``generative.iwae-monotone``).
    Burda, Grosse & Salakhutdinov (2016).

    Examples
    --------
    >>> iwae_bound(np.log(np.array([[1.0, 3.0]])))   # log of the mean weight, log 2
    0.6931471805599453
    """
    lw = _real(log_weights, "log_weights", "iwae_bound")
    if lw.ndim != 2 or lw.size == 0:
        raise ValueError(f"iwae_bound: log_weights must be 2-D (n, K); got shape {lw.shape}. "
                         "Use log_weights[None, :] for one example.")
    top = lw.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(lw - top).sum(axis=1))
    return float(np.mean(lse - math.log(lw.shape[1])))


# ------------------------------------------------------------------------------------------ KL fits

def fit_gaussian_forward_kl(x: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    r"""The Gaussian :math:`N(\mu, \sigma^2)` minimising :math:`\mathrm{KL}(p\Vert q)` for a density on a grid:
    moment matching.

    Parameters
    ----------
    x : ndarray, shape (k,)
        Equally spaced grid.
    p : ndarray, shape (k,)
        Density values on the grid (normalised here by the Riemann sum).

    Returns
    -------
    mu, sigma : float
        :math:`\mu = \mathbb E_p[x]`, :math:`\sigma^2 = \mathbb E_p[x^2] - \mu^2`.

    References
    ----------
    Book: Generative models, "Forward and reverse KL" (claim ``generative.kl-mode-behaviour``).

    Examples
    --------
    >>> x = np.linspace(-8, 8, 4001)
    >>> [round(v, 6) for v in fit_gaussian_forward_kl(x, np.exp(-(x - 1)**2 / 2))]
    [1.0, 1.0]
    """
    x, w = _grid_density(x, p, "fit_gaussian_forward_kl")
    mu = float(w @ x)
    return mu, math.sqrt(float(w @ (x - mu) ** 2))


def _grid_density(x, p, func):
    x, p = _real(x, "x", func), _real(p, "p", func)
    if x.ndim != 1 or x.shape != p.shape or x.size < 3:
        raise ValueError(f"{func}: x and p must be 1-D of one length >= 3; got {x.shape} and {p.shape}.")
    if np.any(p < 0) or p.sum() <= 0:
        raise ValueError(f"{func}: p must be >= 0 with a positive sum.")
    if not np.allclose(np.diff(x), x[1] - x[0]) or x[1] <= x[0]:
        raise ValueError(f"{func}: x must be an increasing, equally spaced grid.")
    return x, p / p.sum()


def fit_gaussian_reverse_kl(x: np.ndarray, p: np.ndarray, mu0: float, sigma0: float, steps: int = 400,
                            lr: float = 0.05) -> tuple[float, float]:
    r"""A Gaussian :math:`N(\mu, \sigma^2)` minimising :math:`\mathrm{KL}(q\Vert p)` on a grid, by Adam from
    :math:`(\mu_0, \sigma_0)`.

    Parameters
    ----------
    x : ndarray, shape (k,)
        Equally spaced grid.
    p : ndarray, shape (k,)
        Density values (> 0 on the grid).
    mu0, sigma0 : float
        Start (sigma0 > 0).
    steps : int
    lr : float

    Returns
    -------
    mu, sigma : float
        A local minimiser (reverse KL is mode seeking: the start decides which mode).

    Notes
    -----
    :math:`\mathrm{KL}(q\Vert p) = \sum_j q_j\log(q_j/p_j)` with :math:`q_j` the normalised Gaussian on the grid;
    the gradient in :math:`(\mu, \log\sigma)` comes from the autodiff engine, the step from
    :func:`mathdl.optim_adaptive.adam_step`.

    References
    ----------
    Book: Generative models, "Forward and reverse KL" (claim ``generative.kl-mode-behaviour``).

    Examples
    --------
    >>> x = np.linspace(-8, 8, 801)
    >>> [round(v, 3) for v in fit_gaussian_reverse_kl(x, np.exp(-(x - 1)**2 / 2), 0.0, 2.0, steps=600)]
    [1.0, 1.0]
    """
    from mathdl import autodiff as ad
    from mathdl import optim_adaptive

    x, pn = _grid_density(x, p, "fit_gaussian_reverse_kl")
    if np.any(pn <= 0):
        raise ValueError("fit_gaussian_reverse_kl: p must be > 0 on the whole grid (reverse KL is infinite "
                         "where q > 0 = p).")
    mu0 = float(_real(mu0, "mu0", "fit_gaussian_reverse_kl"))
    s0 = float(_positive(sigma0, "sigma0", "fit_gaussian_reverse_kl"))
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"fit_gaussian_reverse_kl: steps must be a positive int; got {steps!r}.")
    logp = np.log(pn)

    def kl(theta):
        logits = -0.5 * ((x - theta[0]) * ad.exp(-theta[1])) ** 2
        logq = logits - ad.logsumexp(logits)
        return (ad.exp(logq) * (logq - logp)).sum()

    vg = ad.value_and_grad(kl)
    theta, state = np.array([mu0, math.log(s0)]), None
    for _ in range(steps):
        _, g = vg(theta)
        theta, state = optim_adaptive.adam_step(theta, g[0], state, lr=lr)
    return float(theta[0]), float(math.exp(theta[1]))


def softplus(a):
    r"""Engine softplus :math:`\log(1 + e^a)`, as :math:`\operatorname{logsumexp}(0, a)` (no overflow).

    Parameters
    ----------
    a : Tensor, shape (...)

    Returns
    -------
    Tensor, shape (...)
        Its gradient is :math:`\sigma(a)`; :math:`-\log\sigma(a) = \operatorname{softplus}(-a)` and
        :math:`-\log(1 - \sigma(a)) = \operatorname{softplus}(a)` are the GAN and Bernoulli losses.

    References
    ----------
    Book: Generative models, "Saturating and non-saturating losses" (claims ``generative.generator-gradients``,
    ``generative.vae-loss``).

    Examples
    --------
    >>> from mathdl import autodiff as ad
    >>> softplus(ad.Tensor(np.array([0.0, 1000.0]))).value.round(6).tolist()
    [0.693147, 1000.0]
    """
    from mathdl import autodiff as ad

    if not isinstance(a, ad.Tensor):
        raise TypeError(f"softplus: a must be a mathdl.autodiff.Tensor; got {type(a).__name__}. "
                        "Wrap arrays with ad.Tensor(...).")
    return ad.logsumexp(ad.stack([a * 0.0, a], axis=-1), axis=-1)

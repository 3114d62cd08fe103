"""The variational autoencoder (Kingma & Welling 2014) on the 8x8 digits, with a 2-D latent space.

An encoder MLP maps an image x (64 pixels in [0, 1]) to the mean and log standard deviation of
:math:`q(z \\mid x) = N(\\mu(x), \\operatorname{diag}\\sigma(x)^2)`; a decoder MLP maps z to 64 Bernoulli logits.
The loss is the negative ELBO, reconstruction plus the Gaussian KL of claim ``info.kl-diagonal-gaussian``, with
the reparameterisation :math:`z = \\mu + \\sigma \\odot \\varepsilon`; everything runs on :mod:`mathdl.autodiff`
and :func:`mathdl.optim_adaptive.adam_step` (claims ``generative.vae-loss``, ``generative.iwae-monotone``, declared in
:data:`mathdl.generative.CLAIMS`).

Book: Generative models, "The variational autoencoder".
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathdl import autodiff as ad
from mathdl import info, optim_adaptive
from mathdl.generative import LOG2PI, softplus
from mathdl.mlp import mlp_init, mlp_logits
from mathdl.validate import real_array as _real

__all__ = ["VAE", "vae_init", "vae_negative_elbo", "vae_terms", "train_vae", "vae_encode", "vae_decode",
           "vae_log_weights"]


@dataclasses.dataclass
class VAE:
    """Encoder and decoder parameters (MLP lists as :func:`mathdl.mlp.mlp_init`) and the latent size."""

    encoder: list
    decoder: list
    d_z: int


def vae_init(d_x: int = 64, hidden: int = 64, d_z: int = 2, seed: int = 0) -> VAE:
    """A VAE with one tanh hidden layer in the encoder (d_x -> hidden -> 2 d_z) and decoder (d_z -> hidden -> d_x).

    Parameters
    ----------
    d_x, hidden, d_z : int
        Positive sizes.
    seed : int

    Returns
    -------
    VAE

    References
    ----------
    Book: Generative models, "The variational autoencoder" (claim ``generative.vae-loss``).

    Examples
    --------
    >>> [p.shape for p in vae_init(4, 3, 2).encoder]
    [(4, 3), (3,), (3, 4), (4,)]
    """
    for name, v in (("d_x", d_x), ("hidden", hidden), ("d_z", d_z)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"vae_init: {name} must be a positive int; got {v!r}.")
    return VAE(mlp_init([d_x, hidden, 2 * d_z], seed), mlp_init([d_z, hidden, d_x], seed + 1), int(d_z))


def _images(X, func):
    X = _real(X, "X", func)
    if X.ndim != 2:
        raise ValueError(f"{func}: X must be 2-D (n, d_x); got shape {X.shape}. Flatten images first.")
    if np.any(X < 0) or np.any(X > 1):
        raise ValueError(f"{func}: X must hold pixel intensities in [0, 1].")
    return X


def _eps(eps, n, d_z, func):
    eps = _real(eps, "eps", func)
    if eps.shape != (n, d_z):
        raise ValueError(f"{func}: eps must have shape ({n}, {d_z}) (standard normal draws); got {eps.shape}.")
    return eps


def vae_negative_elbo(encoder, decoder, X: np.ndarray, eps: np.ndarray, d_z: int):
    r"""The VAE's negative ELBO, averaged over the batch, as engine Tensors.

    Parameters
    ----------
    encoder, decoder : list of Tensor or ndarray
    X : ndarray, shape (n, d_x)
        Pixels in [0, 1].
    eps : ndarray, shape (n, d_z)
        Standard normal draws.
    d_z : int

    Returns
    -------
    loss : Tensor, shape ()
        ``recon + kl``.
    recon : Tensor, shape ()
        :math:`\frac1n\sum_i\sum_j \mathrm{softplus}(\ell_{ij}) - x_{ij}\ell_{ij}`, the Bernoulli cross-entropy of
        the decoder's logits :math:`\ell = \mathrm{dec}(\mu + \sigma\odot\varepsilon)`.
    kl : Tensor, shape ()
        :math:`\frac1n\sum_i \tfrac12\sum_k(\mu_{ik}^2 + \sigma_{ik}^2 - 1 - 2\log\sigma_{ik})`, claim
        ``info.kl-diagonal-gaussian`` with :math:`N(0, I)`.

    References
    ----------
    Book: Generative models, "The variational autoencoder" (claim ``generative.vae-loss``).

    Examples
    --------
    >>> vae = vae_init(4, 3, 2)
    >>> loss, recon, kl = vae_negative_elbo(vae.encoder, vae.decoder, np.full((2, 4), 0.5), np.zeros((2, 2)), 2)
    >>> bool(abs(float(loss.value) - float(recon.value) - float(kl.value)) < 1e-12)
    True
    """
    h = mlp_logits(encoder, X)
    mu, log_s = h[:, :d_z], h[:, d_z:]
    z = mu + ad.exp(log_s) * eps
    logits = mlp_logits(decoder, z)
    recon = (softplus(logits) - logits * X).sum(axis=1).mean()
    kl = (0.5 * (mu * mu + ad.exp(2.0 * log_s) - 1.0 - 2.0 * log_s)).sum(axis=1).mean()
    return recon + kl, recon, kl


def vae_encode(vae: VAE, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's mean and standard deviation of q(z | x).

    Parameters
    ----------
    vae : VAE
    X : ndarray, shape (n, d_x)

    Returns
    -------
    mu, sigma : ndarray, shape (n, d_z)

    References
    ----------
    Book: Generative models, "The variational autoencoder" (claim ``generative.vae-loss``).

    Examples
    --------
    >>> mu, sigma = vae_encode(vae_init(4, 3, 2), np.zeros((5, 4)))
    >>> mu.shape, bool(np.all(sigma > 0))
    ((5, 2), True)
    """
    X = _images(X, "vae_encode")
    h = mlp_logits(vae.encoder, X).value
    return h[:, :vae.d_z], np.exp(h[:, vae.d_z:])


def vae_decode(vae: VAE, Z: np.ndarray) -> np.ndarray:
    r"""The decoder's pixel means :math:`\sigma(\mathrm{dec}(z))`.

    Parameters
    ----------
    vae : VAE
    Z : ndarray, shape (m, d_z)

    Returns
    -------
    ndarray, shape (m, d_x)
        In (0, 1).

    References
    ----------
    Book: Generative models, "The variational autoencoder" (claim ``generative.vae-loss``).

    Examples
    --------
    >>> p = vae_decode(vae_init(4, 3, 2), np.zeros((1, 2)))
    >>> p.shape, bool(np.all((p > 0) & (p < 1)))
    ((1, 4), True)
    """
    Z = _real(Z, "Z", "vae_decode")
    if Z.ndim != 2 or Z.shape[1] != vae.d_z:
        raise ValueError(f"vae_decode: Z must have shape (m, {vae.d_z}); got {Z.shape}.")
    return 0.5 * (1.0 + np.tanh(0.5 * mlp_logits(vae.decoder, Z).value))


def vae_terms(vae: VAE, X: np.ndarray, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per-example reconstruction and KL terms of the negative ELBO, in numpy.

    Parameters
    ----------
    vae : VAE
    X : ndarray, shape (n, d_x)
    eps : ndarray, shape (n, d_z)

    Returns
    -------
    recon : ndarray, shape (n,)
        :math:`\sum_j \log(1 + e^{\ell_j}) - x_j\ell_j`.
    kl : ndarray, shape (n,)
        ``info.kl_diagonal_gaussian(mu, sigma, 0, 1)``.

    References
    ----------
    Book: Generative models, "The variational autoencoder" (claim ``generative.vae-loss``).

    Examples
    --------
    >>> recon, kl = vae_terms(vae_init(4, 3, 2), np.full((3, 4), 0.5), np.zeros((3, 2)))
    >>> recon.shape, bool(np.all(kl >= 0))
    ((3,), True)
    """
    X = _images(X, "vae_terms")
    eps = _eps(eps, X.shape[0], vae.d_z, "vae_terms")
    mu, sigma = vae_encode(vae, X)
    logits = mlp_logits(vae.decoder, mu + sigma * eps).value
    recon = np.sum(np.logaddexp(0.0, logits) - X * logits, axis=1)
    kl = info.kl_diagonal_gaussian(mu, sigma, np.zeros_like(mu), np.ones_like(sigma))
    return recon, np.asarray(kl, dtype=float).reshape(X.shape[0])


def vae_log_weights(vae: VAE, X: np.ndarray, K: int, seed: int = 0) -> np.ndarray:
    r"""Importance log-weights :math:`\log p(x, z_k) - \log q(z_k \mid x)` for K draws per example.

    Parameters
    ----------
    vae : VAE
    X : ndarray, shape (n, d_x)
    K : int
    seed : int

    Returns
    -------
    ndarray, shape (n, K)
        With :math:`\log p(x\mid z) = -\sum_j \mathrm{softplus}(\ell_j) - x_j\ell_j` (the Bernoulli form used in
        training), :math:`\log p(z) = \log N(z; 0, I)`, :math:`\log q = \log N(z; \mu, \sigma^2)`. Feed it to
        :func:`mathdl.generative.iwae_bound`.

    References
    ----------
    Book: Generative models, "The importance-weighted bound" (claim ``generative.iwae-monotone``).

    Examples
    --------
    >>> vae_log_weights(vae_init(4, 3, 2), np.full((3, 4), 0.5), K=5).shape
    (3, 5)
    """
    X = _images(X, "vae_log_weights")
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
        raise ValueError(f"vae_log_weights: K must be a positive int; got {K!r}.")
    mu, sigma = vae_encode(vae, X)
    eps = np.random.default_rng(seed).standard_normal((X.shape[0], K, vae.d_z))
    z = mu[:, None, :] + sigma[:, None, :] * eps
    logits = mlp_logits(vae.decoder, z.reshape(-1, vae.d_z)).value.reshape(X.shape[0], K, -1)
    log_px_z = -np.sum(np.logaddexp(0.0, logits) - X[:, None, :] * logits, axis=2)
    log_pz = -0.5 * np.sum(z**2, axis=2) - 0.5 * vae.d_z * LOG2PI
    log_q = -0.5 * np.sum(eps**2, axis=2) - np.sum(np.log(sigma), axis=1)[:, None] - 0.5 * vae.d_z * LOG2PI
    return log_px_z + log_pz - log_q


def train_vae(X: np.ndarray, steps: int = 1500, batch: int = 100, hidden: int = 64, d_z: int = 2,
              lr: float = 3e-3, seed: int = 0) -> tuple[VAE, np.ndarray]:
    r"""Train a VAE by Adam on minibatch estimates (one draw per example) of the negative ELBO.

    Parameters
    ----------
    X : ndarray, shape (n, d_x)
        Pixels in [0, 1].
    steps, batch, hidden, d_z : int
    lr : float
    seed : int

    Returns
    -------
    vae : VAE
    history : ndarray, shape (steps, 2)
        The minibatch reconstruction and KL terms before each step.

    References
    ----------
    Book: Generative models, "The variational autoencoder" (claim ``generative.vae-loss``).

    Examples
    --------
    >>> X = np.repeat(np.eye(2)[:, [0, 0, 1, 1]], 10, axis=0)
    >>> vae, history = train_vae(X, steps=5, batch=4, hidden=4)
    >>> history.shape
    (5, 2)
    """
    X = _images(X, "train_vae")
    for name, v in (("steps", steps), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"train_vae: {name} must be a positive int; got {v!r}.")
    if not (isinstance(lr, (int, float)) and not isinstance(lr, bool) and 0 < lr < math.inf):
        raise ValueError(f"train_vae: lr must be a positive number; got {lr!r}.")
    vae = vae_init(X.shape[1], hidden, d_z, seed)
    params = vae.encoder + vae.decoder
    n_enc = len(vae.encoder)
    rng = np.random.default_rng(seed)

    def objective(*p):
        loss, recon, kl = vae_negative_elbo(p[:n_enc], p[n_enc:-2], p[-2].value, p[-1].value, d_z)
        objective.terms = (float(recon.value), float(kl.value))
        return loss

    vg = ad.value_and_grad(objective, argnums=list(range(len(params))))
    states = [None] * len(params)
    history = np.empty((steps, 2))
    for k in range(steps):
        idx = rng.integers(0, X.shape[0], size=batch)
        _, grads = vg(*params, X[idx], rng.standard_normal((batch, d_z)))
        history[k] = objective.terms
        for i, g in enumerate(grads):
            params[i], states[i] = optim_adaptive.adam_step(params[i], g, states[i], lr=lr)
    return VAE(params[:n_enc], params[n_enc:], int(d_z)), history

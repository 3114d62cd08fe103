"""Part of the Information theory chapter: the information bottleneck, information dropout and the deep VIB.

The information bottleneck (IB) of Tishby, Pereira & Bialek on a discrete joint table ``pxy`` (its
Lagrangian, the self-consistent iterative algorithm and the trade-off curve), information dropout (Achille &
Soatto) with its two KL penalties, and the deep variational IB loss (Alemi et al.) with its reparameterised
gradient. The entropy, KL and Gaussian pieces they build on live in :mod:`mathdl.info`, which also holds the
chapter's :data:`~mathdl.info.CLAIMS` (ids ``info.ib-lagrangian``, ``info.information-dropout-kl``,
``info.vib-loss``). Every function implements a formula derived in ``book/information.ipynb`` and is checked in
``tests/test_bottleneck.py``.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathdl.info import _conditional, _distribution, _plogp_ratio, _positive, kl_diagonal_gaussian, kl_gaussian
from mathdl.softmax import log_softmax, softmax
from mathdl.validate import real_array as _real

__all__ = [
    "IBResult", "ib_information", "ib_lagrangian", "iterative_ib", "ib_tradeoff",
    "information_dropout", "information_dropout_vjp", "information_dropout_kl_log_uniform",
    "information_dropout_kl_log_normal", "vib_loss", "vib_loss_vjp",
]


# ------------------------------------------------------------------------------ information bottleneck

@dataclasses.dataclass(frozen=True)
class IBResult:
    """A solution of the iterative IB: the encoder p(t|x), its two informations, and the Lagrangian's history."""

    encoder: np.ndarray          # (n_x, n_t) p(t | x), rows sum to 1
    ixt: float                   # I(X; T), nats
    ity: float                   # I(T; Y), nats
    lagrangian: np.ndarray       # (iterations + 1,) I(X;T) - beta I(T;Y) after each iteration
    iterations: int
    converged: bool


def _ib_joint(pxy: object, func: str) -> np.ndarray:
    pxy = _distribution(pxy, "pxy", func, ndim=2)
    if np.any(pxy.sum(axis=1) == 0):
        raise ValueError(f"{func}: every x must have p(x) > 0 (p(y|x) is undefined otherwise); drop the empty "
                         "rows of pxy.")
    return pxy


def ib_information(pxy: np.ndarray, encoder: np.ndarray) -> tuple[float, float]:
    r"""The two informations of an encoder :math:`p(t\mid x)` under the Markov chain :math:`T - X - Y`.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
        Joint distribution with :math:`p(x) > 0` for every x.
    encoder : ndarray, shape (n_x, n_t)
        :math:`p(t\mid x)`, rows summing to 1.

    Returns
    -------
    ixt, ity : float
        :math:`I(X;T)` from :math:`p(x,t) = p(x)p(t\mid x)` and :math:`I(T;Y)` from
        :math:`p(t,y) = \sum_x p(t\mid x) p(x,y)`, in nats.

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).
    """
    pxy = _ib_joint(pxy, "ib_information")
    enc = _conditional(encoder, "encoder", "ib_information")
    if enc.shape[0] != pxy.shape[0]:
        raise ValueError(f"ib_information: encoder must have one row per x ({pxy.shape[0]}); got {enc.shape}.")
    return _ib_pair(pxy, enc)


def _mi_table(pab: np.ndarray) -> float:
    """I(A;B) of a valid joint table, without re-validation (inner loop of the IB iteration)."""
    return _plogp_ratio(pab, np.outer(pab.sum(axis=1), pab.sum(axis=0)))


def _ib_pair(pxy: np.ndarray, enc: np.ndarray) -> tuple[float, float]:
    pxt = pxy.sum(axis=1)[:, None] * enc
    pty = enc.T @ pxy
    return _mi_table(pxt), _mi_table(pty)


def ib_lagrangian(pxy: np.ndarray, encoder: np.ndarray, beta: float) -> float:
    r"""The IB Lagrangian :math:`\mathcal L = I(X;T) - \beta\, I(T;Y)` of Tishby, Pereira & Bialek (2000).

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
    encoder : ndarray, shape (n_x, n_t)
    beta : float, >= 0

    Returns
    -------
    float

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).

    Examples
    --------
    >>> pxy = np.array([[0.4, 0.1], [0.1, 0.4]])
    >>> round(ib_lagrangian(pxy, np.eye(2), beta=1.0), 6)
    0.500402
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)) or not beta >= 0:
        raise ValueError(f"ib_lagrangian: beta must be a number >= 0; got {beta!r}.")
    ixt, ity = ib_information(pxy, encoder)
    return ixt - float(beta) * ity


def iterative_ib(pxy: np.ndarray, beta: float, n_clusters: int, *, iters: int = 1000, tol: float = 1e-10,
                 seed: int = 0, init: np.ndarray | None = None) -> IBResult:
    r"""The self-consistent iterative IB algorithm of Tishby, Pereira & Bialek (2000).

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
        Joint distribution with :math:`p(x) > 0` for every x.
    beta : float, >= 0
        Trade-off: larger keeps more information about Y.
    n_clusters : int
        :math:`|T|`.
    iters : int
        Maximum number of iterations.
    tol : float
        Stop when no entry of the encoder moves by more than ``tol``.
    seed : int
        Seed of the random initial encoder (ignored when ``init`` is given).
    init : ndarray, shape (n_x, n_clusters), optional
        Initial encoder (rows sum to 1).

    Returns
    -------
    IBResult

    Notes
    -----
    Each iteration sets, with :math:`p(t)` and :math:`p(y\mid t)` the marginals of the current encoder,

    .. math:: p(t\mid x) \propto p(t)\, \exp\bigl(-\beta\,\operatorname{KL}(p(y\mid x)\,\|\,p(y\mid t))\bigr).

    It is an alternating minimisation of :math:`\sum_x p(x)\operatorname{KL}(p(t|x)\|p(t))
    + \beta\,\mathbb E\operatorname{KL}(p(y|x)\|p(y|t))`, which equals :math:`\mathcal L + \beta I(X;Y)` once the
    marginals are consistent, so the recorded Lagrangian never increases. The normalisation is done in the log
    domain (no overflow for large beta); a cluster with :math:`p(t) = 0` stays empty.

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).
    """
    func = "iterative_ib"
    pxy = _ib_joint(pxy, func)
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)) or not beta >= 0 \
            or not math.isfinite(beta):
        raise ValueError(f"{func}: beta must be a finite number >= 0; got {beta!r}.")
    for value, name in ((n_clusters, "n_clusters"), (iters, "iters")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{func}: {name} must be a positive int; got {value!r}.")
    px = pxy.sum(axis=1)
    py_x = pxy / px[:, None]
    log_py_x = np.zeros_like(py_x)
    np.log(py_x, out=log_py_x, where=py_x > 0)
    if init is None:
        enc = np.random.default_rng(seed).dirichlet(np.ones(n_clusters), size=pxy.shape[0])
    else:
        enc = _conditional(init, "init", func)
        if enc.shape != (pxy.shape[0], n_clusters):
            raise ValueError(f"{func}: init must have shape ({pxy.shape[0]}, {n_clusters}); got {enc.shape}.")
        enc = enc.copy()
    def lagrangian(e: np.ndarray) -> float:
        ixt, ity = _ib_pair(pxy, e)
        return ixt - beta * ity

    history = [lagrangian(enc)]
    converged = False
    it = 0
    for it in range(1, iters + 1):
        pt = px @ enc
        alive = pt > 0
        py_t = np.broadcast_to(pxy.sum(axis=0), (n_clusters, pxy.shape[1])).copy()
        py_t[alive] = (enc[:, alive] * px[:, None]).T @ py_x / pt[alive, None]
        log_py_t = np.full_like(py_t, -np.inf)
        np.log(py_t, out=log_py_t, where=py_t > 0)
        diff = log_py_x[:, None, :] - log_py_t[None, :, :]                   # (x, t, y), may be +inf
        terms = np.zeros_like(diff)
        np.multiply(py_x[:, None, :], diff, out=terms, where=py_x[:, None, :] > 0)
        kl = terms.sum(axis=2)                                               # KL(p(y|x) || p(y|t))
        logits = np.full_like(kl, -np.inf)
        finite = alive[None, :] & np.isfinite(kl)
        logits[finite] = (np.log(np.broadcast_to(pt, kl.shape)[finite]) - beta * kl[finite])
        new = enc.copy()
        rows = np.isfinite(logits).any(axis=1)                               # rows with a reachable cluster
        shifted = logits[rows] - logits[rows].max(axis=1, keepdims=True)
        with np.errstate(under="ignore"):                                   # exp(-large) -> 0 is intended
            weights = np.where(np.isfinite(shifted), np.exp(np.where(np.isfinite(shifted), shifted, 0.0)), 0.0)
        new[rows] = weights / weights.sum(axis=1, keepdims=True)
        step = float(np.max(np.abs(new - enc)))
        enc = new
        history.append(lagrangian(enc))
        if step < tol:
            converged = True
            break
    ixt, ity = _ib_pair(pxy, enc)
    return IBResult(encoder=enc, ixt=ixt, ity=ity, lagrangian=np.array(history), iterations=it,
                    converged=converged)


def ib_tradeoff(pxy: np.ndarray, betas: np.ndarray, n_clusters: int, *, restarts: int = 3, seed: int = 0,
                iters: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    r"""The IB trade-off curve: for each beta, the best of ``restarts`` runs of :func:`iterative_ib`.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
    betas : ndarray, shape (m,)
    n_clusters : int
    restarts : int
        Random initial encoders per beta (seeds ``seed``, ``seed + 1``, ...); the lowest Lagrangian wins.
    seed, iters : int

    Returns
    -------
    ixt, ity : ndarray, shape (m,)
        :math:`I(X;T)` and :math:`I(T;Y)` of the chosen solution for each beta (nats).

    References
    ----------
    Book: Information theory, "The information bottleneck" (claim ``info.ib-lagrangian``).
    """
    betas = _real(betas, "betas", "ib_tradeoff")
    if betas.ndim != 1 or np.any(betas < 0):
        raise ValueError(f"ib_tradeoff: betas must be a 1-D array of numbers >= 0; got shape {betas.shape}.")
    if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
        raise ValueError(f"ib_tradeoff: restarts must be a positive int; got {restarts!r}.")
    ixt, ity = np.zeros(len(betas)), np.zeros(len(betas))
    for i, beta in enumerate(betas):
        runs = [iterative_ib(pxy, float(beta), n_clusters, seed=seed + r, iters=iters) for r in range(restarts)]
        best = min(runs, key=lambda res: res.lagrangian[-1])
        ixt[i], ity[i] = best.ixt, best.ity
    return ixt, ity


# ------------------------------------------------------------------------------ information dropout

def _same_shapes(func: str, *pairs: tuple[np.ndarray, str]) -> None:
    shape = pairs[0][0].shape
    for arr, name in pairs[1:]:
        if arr.shape != shape:
            raise ValueError(f"{func}: {name} must have {pairs[0][1]}'s shape {shape}; got {arr.shape}.")


def information_dropout(f: np.ndarray, alpha: np.ndarray, xi: np.ndarray) -> np.ndarray:
    r"""Information dropout: multiply activations by log-normal noise, :math:`z = f \odot e^{\alpha\odot\xi}`.

    Parameters
    ----------
    f : ndarray, any shape
        Activations :math:`f(x)` (ReLU or softplus outputs in the paper).
    alpha : ndarray, same shape, > 0
        Noise scales :math:`\alpha(x)`, themselves computed by the network.
    xi : ndarray, same shape
        Standard normal draws (passed in, so the op is deterministic and differentiable).

    Returns
    -------
    ndarray, same shape
        :math:`z`, with :math:`\log\varepsilon = \alpha\xi \sim N(0, \alpha^2)`.

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).

    Examples
    --------
    >>> information_dropout(np.array([2.0]), np.array([0.5]), np.array([0.0]))
    array([2.])
    """
    func = "information_dropout"
    f, alpha, xi = _real(f, "f", func), _positive(alpha, "alpha", func), _real(xi, "xi", func)
    _same_shapes(func, (f, "f"), (alpha, "alpha"), (xi, "xi"))
    return f * np.exp(alpha * xi)


def information_dropout_vjp(u: np.ndarray, f: np.ndarray, alpha: np.ndarray, xi: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    r"""VJP of :func:`information_dropout` with respect to ``f`` and ``alpha`` (reparameterised noise).

    Returns
    -------
    d_f, d_alpha : ndarray
        :math:`u\, e^{\alpha\xi}` and :math:`u\, f\, \xi\, e^{\alpha\xi}`.

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).
    """
    z = information_dropout(f, alpha, xi)
    u = _real(u, "u", "information_dropout_vjp")
    _same_shapes("information_dropout_vjp", (z, "f"), (u, "u"))
    noise = np.exp(np.asarray(alpha, dtype=float) * np.asarray(xi, dtype=float))
    return u * noise, u * z * np.asarray(xi, dtype=float)


def information_dropout_kl_log_uniform(alpha: np.ndarray) -> np.ndarray:
    r"""Information dropout's KL per unit for ReLU units and a log-uniform prior: :math:`-\log\alpha`.

    Parameters
    ----------
    alpha : ndarray, any shape, > 0

    Returns
    -------
    ndarray, same shape

    Notes
    -----
    With :math:`\log z \sim N(\log f, \alpha^2)` (for :math:`f > 0`) and the improper prior :math:`q(\log z) = c`,

    .. math:: \operatorname{KL} = -h\bigl(N(\log f,\alpha^2)\bigr) - \log c = -\log\alpha - \tfrac12\log(2\pi e)
              - \log c ;

    the constant does not depend on the network and is dropped, as in Achille & Soatto (2016), Prop. 3.

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).

    Examples
    --------
    >>> information_dropout_kl_log_uniform(np.array([1.0]))
    array([-0.])
    """
    return -np.log(_positive(alpha, "alpha", "information_dropout_kl_log_uniform"))


def information_dropout_kl_log_normal(f: np.ndarray, alpha: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    r"""Information dropout's KL per unit for a log-normal prior :math:`\log z \sim N(\mu, \sigma^2)`.

    Parameters
    ----------
    f : ndarray, any shape, > 0
        Activations (softplus outputs are positive).
    alpha : ndarray, same shape, > 0
    mu, sigma : float
        The prior's log-mean and log-standard deviation (sigma > 0).

    Returns
    -------
    ndarray, same shape

    Notes
    -----
    KL divergence is unchanged by the change of variable :math:`u = \log z`, so the KL between the two
    log-normals is the KL between the Gaussians of the logs:

    .. math:: \log\frac{\sigma}{\alpha} + \frac{\alpha^2 + (\log f - \mu)^2}{2\sigma^2} - \frac12 .

    References
    ----------
    Book: Information theory, "Information dropout" (claim ``info.information-dropout-kl``).
    """
    func = "information_dropout_kl_log_normal"
    f, alpha = _positive(f, "f", func), _positive(alpha, "alpha", func)
    _same_shapes(func, (f, "f"), (alpha, "alpha"))
    mu_arr, sigma_arr = _real(mu, "mu", func), _positive(sigma, "sigma", func)
    if mu_arr.ndim or sigma_arr.ndim:
        raise ValueError(f"{func}: mu and sigma must be scalars (one prior for all units).")
    return kl_gaussian(np.log(f), alpha, np.full_like(f, float(mu_arr)), np.full_like(f, float(sigma_arr)))


# ------------------------------------------------------------------------------------- deep VIB

def _vib_args(mu, sigma, xi, W, b, y, beta, func):
    mu, sigma = _real(mu, "mu", func), _positive(sigma, "sigma", func)
    xi, W, b = _real(xi, "xi", func), _real(W, "W", func), _real(b, "b", func)
    if mu.ndim != 2 or sigma.shape != mu.shape:
        raise ValueError(f"{func}: mu and sigma must both be (n, k); got {mu.shape} and {sigma.shape}.")
    if xi.ndim != 3 or xi.shape[1:] != mu.shape:
        raise ValueError(f"{func}: xi must be (S, n, k) = (S, {mu.shape[0]}, {mu.shape[1]}), one standard normal "
                         f"draw per sample; got {xi.shape}.")
    if W.ndim != 2 or W.shape[0] != mu.shape[1] or b.shape != (W.shape[1],):
        raise ValueError(f"{func}: the decoder needs W (k, c) with k = {mu.shape[1]} and b (c,); got W {W.shape}, "
                         f"b {b.shape}.")
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != (mu.shape[0],) or (y.size and (y.min() < 0 or y.max() >= W.shape[1])):
        raise ValueError(f"{func}: y must be integer labels of shape ({mu.shape[0]},) in [0, {W.shape[1]}); got "
                         f"dtype {y.dtype}, shape {y.shape}.")
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)) or not beta >= 0:
        raise ValueError(f"{func}: beta must be a number >= 0; got {beta!r}.")
    return mu, sigma, xi, W, b, y, float(beta)


def vib_loss(mu: np.ndarray, sigma: np.ndarray, xi: np.ndarray, W: np.ndarray, b: np.ndarray, y: np.ndarray,
             beta: float) -> float:
    r"""The deep variational information bottleneck loss of Alemi et al. (2016), Monte Carlo with fixed draws.

    Parameters
    ----------
    mu, sigma : ndarray, shape (n, k)
        Encoder outputs: :math:`p(z\mid x_i) = N(\mu_i, \operatorname{diag}\sigma_i^2)`.
    xi : ndarray, shape (S, n, k)
        Standard normal draws; the samples are :math:`z = \mu + \sigma\odot\xi` (reparameterisation).
    W : ndarray, shape (k, c)
    b : ndarray, shape (c,)
        The softmax decoder :math:`q(y\mid z) = \operatorname{softmax}(zW + b)_y`.
    y : ndarray of int, shape (n,)
    beta : float, >= 0
        The weight of the compression (KL) term: :math:`\gamma` in the book (Alemi et al. call it
        :math:`\beta`; it is :math:`1/\beta` of the information-bottleneck Lagrangian, see book/notation.md).

    Returns
    -------
    float

    Notes
    -----
    .. math:: J = \frac1{nS}\sum_{i,s} -\log q(y_i \mid \mu_i + \sigma_i\odot\xi_{si})
              + \frac\gamma n\sum_i \operatorname{KL}(N(\mu_i,\sigma_i^2)\,\|\,N(0, I)).

    References
    ----------
    Book: Information theory, "The deep variational information bottleneck" (claim ``info.vib-loss``).
    """
    mu, sigma, xi, W, b, y, beta = _vib_args(mu, sigma, xi, W, b, y, beta, "vib_loss")
    S, n, k = xi.shape
    logits = ((mu + sigma * xi) @ W + b).reshape(S * n, -1)
    nll = -log_softmax(logits)[np.arange(S * n), np.tile(y, S)]
    kl = kl_diagonal_gaussian(mu, sigma, np.zeros_like(mu), np.ones_like(sigma))
    return float(np.mean(nll) + beta * np.mean(kl))


def vib_loss_vjp(u: float, mu: np.ndarray, sigma: np.ndarray, xi: np.ndarray, W: np.ndarray, b: np.ndarray,
                 y: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""VJP of :func:`vib_loss` with respect to ``mu``, ``sigma``, ``W`` and ``b``.

    Returns
    -------
    d_mu, d_sigma : ndarray, shape (n, k)
    d_W : ndarray, shape (k, c)
    d_b : ndarray, shape (c,)

    Notes
    -----
    With :math:`G = u\,(\operatorname{softmax}(zW+b) - e_y)/(nS)` per sample and :math:`D = G W^\top`:

    .. math:: \partial_\mu = \sum_s D_s + \frac{u\beta}{n}\mu, \quad
              \partial_\sigma = \sum_s D_s\odot\xi_s + \frac{u\beta}{n}\Bigl(\sigma - \frac1\sigma\Bigr), \quad
              \partial_W = \sum_s z_s^\top G_s, \quad \partial_b = \sum_{s,i} G_{si}.

    The noise enters only through :math:`\xi`, so the gradient flows through the sample to :math:`\mu` and
    :math:`\sigma` (Kingma & Welling's reparameterisation).

    References
    ----------
    Book: Information theory, "The deep variational information bottleneck" (claim ``info.vib-loss``).
    """
    mu, sigma, xi, W, b, y, beta = _vib_args(mu, sigma, xi, W, b, y, beta, "vib_loss_vjp")
    u_arr = _real(u, "u", "vib_loss_vjp")
    if u_arr.ndim:
        raise ValueError(f"vib_loss_vjp: u must be a scalar (the loss is a scalar); got shape {u_arr.shape}.")
    u = float(u_arr)
    S, n, k = xi.shape
    z = mu + sigma * xi                                           # (S, n, k)
    G = softmax((z @ W + b).reshape(S * n, -1)).reshape(S, n, -1)
    G[:, np.arange(n), y] -= 1.0
    G *= u / (n * S)
    D = G @ W.T                                                   # (S, n, k)
    d_mu = D.sum(axis=0) + u * beta * mu / n
    d_sigma = (D * xi).sum(axis=0) + u * beta * (sigma - 1.0 / sigma) / n
    d_W = np.einsum("sik,sic->kc", z, G)
    return d_mu, d_sigma, d_W, G.sum(axis=(0, 1))

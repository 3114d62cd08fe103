"""Part of the Information theory chapter: estimating mutual information, InfoNCE, rate-distortion, binning.

The plug-in (histogram) estimator of mutual information and its bias; the InfoNCE lower bound, as the batch
estimator used in contrastive learning (with its gradient) and as an exact expectation for discrete joint tables,
together with the two divergences by which it falls short of :math:`I(X;Y)`; the Blahut-Arimoto algorithm for the
rate-distortion function; and the binned entropy of a layer's activations that information-plane plots use. The
chapter's claim ids are declared in :data:`mathdl.info.CLAIMS`. Every function implements a formula derived in
``book/information.ipynb`` and is checked in ``tests/test_info_estimation.py``.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from mathdl.info import _distribution, _scale, entropy, mutual_information
from mathdl.softmax import log_softmax, softmax
from mathdl.validate import real_array as _real

__all__ = [
    "gaussian_mutual_information", "plugin_mutual_information", "infonce", "infonce_vjp", "infonce_exact",
    "infonce_slack", "RDPoint", "blahut_arimoto", "binary_rate_distortion", "binned_entropy",
]

#: The largest number of terms (n_x * n_y**K) the exact InfoNCE enumerates.
MAX_TERMS = 2_000_000


def _labels(v: object, name: str, func: str) -> np.ndarray:
    arr = np.asarray(v)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise ValueError(f"{func}: {name} must be a non-empty 1-D array of integer labels; got dtype {arr.dtype}, "
                         f"shape {arr.shape}. Map the values to integers first, e.g. numpy.unique(v, "
                         "return_inverse=True)[1].")
    return arr


def gaussian_mutual_information(rho: np.ndarray, base: float | None = None) -> np.ndarray:
    r"""Mutual information of a bivariate Gaussian with correlation :math:`\rho`: :math:`-\tfrac12\log(1-\rho^2)`.

    Parameters
    ----------
    rho : float or ndarray, any shape, in (-1, 1)
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float or ndarray, same shape, >= 0

    Raises
    ------
    ValueError
        :math:`|\rho| \ge 1` (the information is infinite: Y is a function of X) or a bad base.

    Notes
    -----
    :math:`I(X;Y) = h(Y) - h(Y\mid X) = \tfrac12\log(2\pi e) - \tfrac12\log(2\pi e(1-\rho^2))` for standardised
    X, Y; computed as ``-0.5 * log1p(-rho**2)``.

    References
    ----------
    Book: Information theory, "Estimating mutual information" (claim ``info.gaussian-mi``).

    Examples
    --------
    >>> round(float(gaussian_mutual_information(0.6)), 6)     # -log(0.8)
    0.223144
    """
    scale = _scale(base, "gaussian_mutual_information")
    rho = _real(rho, "rho", "gaussian_mutual_information")
    if np.any(np.abs(rho) >= 1):
        raise ValueError("gaussian_mutual_information: rho must lie in (-1, 1) (|rho| = 1 makes Y a function of X "
                         f"and the information infinite); got max |rho| = {np.max(np.abs(rho)):.3g}.")
    return -0.5 * np.log1p(-rho**2) / scale + 0.0


def plugin_mutual_information(x: np.ndarray, y: np.ndarray, base: float | None = None) -> float:
    r"""The plug-in estimate of :math:`I(X;Y)` from paired integer samples: the MI of their empirical table.

    Parameters
    ----------
    x, y : ndarray of int, shape (N,)
        Paired samples (labels).
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float, >= 0

    Raises
    ------
    ValueError
        Non-integer or empty labels, or lengths that differ.

    Notes
    -----
    .. math:: \hat I = \sum_{a,b} \hat p(a,b)\log\frac{\hat p(a,b)}{\hat p(a)\hat p(b)},
              \qquad \hat p(a, b) = \frac{\#\{n : x_n = a, y_n = b\}}{N}.

    It is biased upwards: for independent X and Y with :math:`k_x`, :math:`k_y` values,
    :math:`\mathbb E\hat I \approx (k_x - 1)(k_y - 1)/(2N)` nats (Miller-Madow).

    References
    ----------
    Book: Information theory, "Estimating mutual information" (claim ``info.mi-plugin-bias``).

    Examples
    --------
    >>> plugin_mutual_information(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]), base=2)
    1.0
    """
    x = _labels(x, "x", "plugin_mutual_information")
    y = _labels(y, "y", "plugin_mutual_information")
    if x.shape != y.shape:
        raise ValueError(f"plugin_mutual_information: x and y must be paired samples of one length; got {x.size} "
                         f"and {y.size}.")
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    table = np.zeros((xi.max() + 1, yi.max() + 1))
    np.add.at(table, (xi, yi), 1.0)
    return mutual_information(table / x.size, base=base)


def _scores(scores: object, func: str) -> np.ndarray:
    s = _real(scores, "scores", func)
    if s.ndim != 2 or s.shape[0] != s.shape[1] or s.shape[0] < 1:
        raise ValueError(f"{func}: scores must be a square (K, K) matrix S[i, j] = f(x_i, y_j) with the positive "
                         f"pairs on the diagonal; got shape {s.shape}.")
    return s


def infonce(scores: np.ndarray) -> float:
    r"""The batch InfoNCE estimate :math:`\log K + \frac1K\sum_i \bigl(S_{ii} - \log\sum_j e^{S_{ij}}\bigr)`.

    Parameters
    ----------
    scores : ndarray, shape (K, K)
        Critic values :math:`S_{ij} = f(x_i, y_j)`; :math:`(x_i, y_i)` are draws from the joint, so the diagonal
        holds the positive pairs and row i's other entries are negatives.

    Returns
    -------
    float, <= log K

    Raises
    ------
    ValueError
        scores not square or not finite.

    Notes
    -----
    Each term is :math:`\log K + \log\operatorname{softmax}(S_{i\cdot})_i`: the log-probability that a K-way
    classifier picks the positive, plus :math:`\log K`. Its expectation is a lower bound on :math:`I(X;Y)` for
    every critic f, and it can never exceed :math:`\log K`.

    References
    ----------
    Book: Information theory, "The InfoNCE lower bound" (claim ``info.infonce-bound``).

    Examples
    --------
    >>> infonce(np.zeros((4, 4)))            # a critic that cannot tell: 0
    0.0
    >>> round(infonce(np.diag([50.0, 50.0])), 6)     # a perfect critic: log 2
    0.693147
    """
    s = _scores(scores, "infonce")
    k = s.shape[0]
    return float(math.log(k) + np.mean(np.diag(log_softmax(s)))) + 0.0


def infonce_vjp(u: float, scores: np.ndarray) -> np.ndarray:
    r"""InfoNCE VJP: :math:`u\,(I - \operatorname{softmax}(S))/K`, the row-wise softmax of the scores.

    Parameters
    ----------
    u : float
        Cotangent of the scalar output.
    scores : ndarray, shape (K, K)

    Returns
    -------
    ndarray, shape (K, K)

    References
    ----------
    Book: Information theory, "The InfoNCE lower bound" (claim ``info.infonce-bound``).

    Examples
    --------
    >>> infonce_vjp(1.0, np.zeros((2, 2)))
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    s = _scores(scores, "infonce_vjp")
    u = float(_real(u, "u", "infonce_vjp"))
    k = s.shape[0]
    return u * (np.eye(k) - softmax(s)) / k


def _infonce_setup(pxy: object, critic: object, k: int, func: str):
    pxy = _distribution(pxy, "pxy", func, ndim=2)
    critic = _real(critic, "critic", func)
    if critic.shape != pxy.shape:
        raise ValueError(f"{func}: critic must have the shape of pxy (one score f(x, y) per cell); got "
                         f"{critic.shape} and {pxy.shape}.")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{func}: K must be an integer >= 1 (the positive plus K - 1 negatives); got {k!r}.")
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    keep_x, keep_y = px > 0, py > 0                      # outcomes of probability 0 never occur
    pxy, critic = pxy[keep_x][:, keep_y], critic[keep_x][:, keep_y]
    px, py = px[keep_x], py[keep_y]
    ny = py.size
    if px.size * ny**k > MAX_TERMS:
        raise ValueError(f"{func}: the exact expectation has n_x * n_y**K = {px.size * ny**k} terms (at most "
                         f"{MAX_TERMS}); use a smaller K or table, or the sample estimate infonce().")
    ys = np.stack(np.meshgrid(*[np.arange(ny)] * k, indexing="ij"), axis=-1).reshape(-1, k)   # (ny**K, K)
    ratio = pxy / (px[:, None] * py[None, :])            # r(x, y) = p(y|x) / p(y)
    weight_neg = np.prod(py[ys], axis=1)                 # prod_j p(y_j), (ny**K,)
    return pxy, critic, px, py, ys, ratio, weight_neg


def infonce_exact(pxy: np.ndarray, critic: np.ndarray, k: int) -> float:
    r"""The exact InfoNCE bound :math:`\log K + \mathbb E\log\frac{e^{f(x,y_1)}}{\sum_{j=1}^K e^{f(x,y_j)}}`.

    Parameters
    ----------
    pxy : ndarray, shape (n_x, n_y)
        Joint distribution.
    critic : ndarray, shape (n_x, n_y)
        The critic :math:`f(x, y)`, any real numbers.
    k : int, >= 1
        Batch size K: one positive :math:`y_1 \sim p(y\mid x)` and K - 1 negatives :math:`y_j \sim p(y)`.

    Returns
    -------
    float, <= min(I(X;Y), log K)

    Raises
    ------
    ValueError
        pxy not a distribution, a critic of another shape, K < 1, or more than :data:`MAX_TERMS` terms.

    Notes
    -----
    The expectation is over :math:`P = p(x)\,p(y_1\mid x)\prod_{j\ge2}p(y_j)`, computed by enumerating every
    :math:`(x, y_1, \dots, y_K)`. :func:`infonce_slack` gives the two divergences by which it falls short of
    :math:`I(X;Y)`.

    References
    ----------
    Book: Information theory, "The InfoNCE lower bound" (claim ``info.infonce-bound``).

    Examples
    --------
    >>> pxy = np.array([[0.4, 0.1], [0.1, 0.4]])
    >>> abs(infonce_exact(pxy, np.zeros((2, 2)), 3)) < 1e-12          # a constant critic gives 0
    True
    """
    pxy, critic, px, py, ys, ratio, weight_neg = _infonce_setup(pxy, critic, k, "infonce_exact")
    total = 0.0
    for x in range(px.size):
        logq = critic[x, ys[:, 0]] - _logsumexp_rows(critic[x][ys])           # log q_f(1 | x, y_1:K)
        weight = px[x] * ratio[x, ys[:, 0]] * weight_neg                      # P(x, y_1:K)
        mask = weight > 0
        total += float(np.sum(weight[mask] * logq[mask]))
    return math.log(k) + total + 0.0


def infonce_slack(pxy: np.ndarray, critic: np.ndarray, k: int) -> tuple[float, float]:
    r"""The two divergences by which InfoNCE falls short: :math:`I(X;Y) = I_{\mathrm{NCE}}(f) + A + B`.

    Parameters
    ----------
    pxy, critic, k
        As for :func:`infonce_exact`.

    Returns
    -------
    (A, B) : tuple of float, both >= 0
        A: the critic's error, :math:`\mathbb E_{Q_K}\operatorname{KL}(p(i\mid x, y_{1:K})\,\|\,q_f(i\mid x,
        y_{1:K}))`; B: the finite-batch error, :math:`\operatorname{KL}(Q_K\,\|\,R)`.

    Notes
    -----
    With :math:`r(x,y) = p(y\mid x)/p(y)`, :math:`R = p(x)\prod_j p(y_j)` (all independent) and its mixture
    :math:`Q_K = R\cdot\frac1K\sum_i r(x, y_i)` (the positive at a uniformly random position), the posterior of the
    positive's position is :math:`p(i\mid x, y_{1:K}) = r(x,y_i)/\sum_j r(x,y_j)` and the critic's guess is
    :math:`q_f(i\mid\cdot) = \operatorname{softmax}_i f(x, y_i)`. A vanishes for :math:`f = \log r + c(x)`;
    B vanishes as :math:`K\to\infty` only if :math:`I(X;Y) \le \log K` allows it.

    References
    ----------
    Book: Information theory, "The InfoNCE lower bound" (claim ``info.infonce-bound``).

    Examples
    --------
    >>> pxy = np.array([[0.4, 0.1], [0.1, 0.4]])
    >>> a, b = infonce_slack(pxy, np.log(pxy / 0.25), 2)     # the optimal critic: A = 0
    >>> round(a, 12), round(b, 4)
    (0.0, 0.0964)
    """
    pxy, critic, px, py, ys, ratio, weight_neg = _infonce_setup(pxy, critic, k, "infonce_slack")
    a_total, b_total = 0.0, 0.0
    for x in range(px.size):
        r = ratio[x][ys]                                                      # (ny**K, K)
        mean_r = r.mean(axis=1)
        q_k = px[x] * weight_neg * mean_r                                     # Q_K(x, y_1:K)
        mask = q_k > 0
        post = r[mask] / r[mask].sum(axis=1, keepdims=True)                   # p(i | x, y_1:K)
        logq = critic[x][ys[mask]] - _logsumexp_rows(critic[x][ys[mask]])[:, None]
        with np.errstate(divide="ignore"):
            kl_rows = np.sum(np.where(post > 0, post * (np.log(np.where(post > 0, post, 1.0)) - logq), 0.0), axis=1)
        a_total += float(np.sum(q_k[mask] * kl_rows))
        b_total += float(np.sum(q_k[mask] * np.log(mean_r[mask])))
    return max(a_total, 0.0) + 0.0, max(b_total, 0.0) + 0.0


def _logsumexp_rows(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=1)
    return m + np.log(np.sum(np.exp(a - m[:, None]), axis=1))


@dataclasses.dataclass(frozen=True)
class RDPoint:
    """One point of the rate-distortion curve found by Blahut-Arimoto at slope parameter s."""

    rate: float                 # I(X; X_hat), nats
    distortion: float           # E d(X, X_hat)
    channel: np.ndarray         # (n_x, n_xhat) q(x_hat | x), rows sum to 1
    iterations: int


def blahut_arimoto(px: np.ndarray, distortion: np.ndarray, s: float, *, iters: int = 2000,
                   tol: float = 1e-13) -> RDPoint:
    r"""The Blahut-Arimoto algorithm: a point :math:`(D, R(D))` of the rate-distortion curve at slope :math:`-s`.

    Parameters
    ----------
    px : ndarray, shape (n_x,)
        Source distribution.
    distortion : ndarray, shape (n_x, n_xhat), >= 0
        :math:`d(x, \hat x)`.
    s : float, >= 0
        Lagrange multiplier of the distortion (the curve's slope is :math:`-s` at the returned point).
    iters : int
        Maximum number of iterations.
    tol : float
        Stop when no entry of the reproduction marginal moves by more than this.

    Returns
    -------
    RDPoint

    Raises
    ------
    ValueError
        px not a distribution, a negative or mis-shaped distortion, s < 0, or iters < 1.

    Notes
    -----
    Alternate, from the uniform :math:`q(\hat x)`,

    .. math:: q(\hat x\mid x) = \frac{q(\hat x)\,e^{-s\,d(x,\hat x)}}{\sum_{\hat x'} q(\hat x')\,e^{-s\,d(x,\hat x')}},
              \qquad q(\hat x) = \sum_x p(x)\,q(\hat x\mid x),

    which minimises :math:`I(X;\hat X) + s\,\mathbb E\,d(X,\hat X)`. The information bottleneck's update is this
    one with :math:`d(x, t) = \operatorname{KL}(p(y\mid x)\,\|\,p(y\mid t))`.

    References
    ----------
    Book: Information theory, "Rate-distortion: the bottleneck's ancestor" (claim ``info.rate-distortion-binary``).

    Examples
    --------
    >>> pt = blahut_arimoto(np.array([0.5, 0.5]), 1.0 - np.eye(2), s=math.log(9.0))
    >>> round(pt.distortion, 6), round(pt.rate, 6)          # D = 0.1, R = log 2 - h(0.1)
    (0.1, 0.368064)
    """
    px = _distribution(px, "px", "blahut_arimoto", ndim=1)
    d = _real(distortion, "distortion", "blahut_arimoto")
    if d.ndim != 2 or d.shape[0] != px.size or d.shape[1] < 1:
        raise ValueError(f"blahut_arimoto: distortion must have shape (n_x, n_xhat) = ({px.size}, m); got {d.shape}.")
    if np.any(d < 0):
        raise ValueError(f"blahut_arimoto: distortion must be >= 0; got min {d.min():.3g}.")
    if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)) or not math.isfinite(s) \
            or s < 0:
        raise ValueError(f"blahut_arimoto: s must be a finite number >= 0 (the slope parameter); got {s!r}.")
    if isinstance(iters, bool) or not isinstance(iters, (int, np.integer)) or iters < 1:
        raise ValueError(f"blahut_arimoto: iters must be a positive integer; got {iters!r}.")
    log_kernel = -float(s) * (d - d.min(axis=1, keepdims=True))          # shift each row: no underflow
    q = np.full(d.shape[1], 1.0 / d.shape[1])
    it = 0
    for it in range(1, iters + 1):
        with np.errstate(divide="ignore"):
            logits = np.log(q)[None, :] + log_kernel
        channel = softmax(logits)
        q_new = px @ channel
        moved = float(np.max(np.abs(q_new - q)))
        q = q_new
        if moved <= tol:
            break
    with np.errstate(divide="ignore"):
        channel = softmax(np.log(q)[None, :] + log_kernel)
    joint = px[:, None] * channel
    rate = mutual_information(joint / joint.sum())
    return RDPoint(rate=rate, distortion=float(np.sum(joint * d)), channel=channel, iterations=it)


def binary_rate_distortion(p: float, D: np.ndarray, base: float | None = None) -> np.ndarray:
    r"""Rate-distortion function of a Bernoulli(p) source under Hamming distortion.

    Parameters
    ----------
    p : float, in [0, 1]
        :math:`P(X = 1)`.
    D : float or ndarray, any shape, >= 0
        Allowed expected distortion (probability of a wrong bit).
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float or ndarray, same shape as D

    Raises
    ------
    ValueError
        p outside [0, 1], a negative D, or a bad base.

    Notes
    -----
    .. math:: R(D) = h_b(p) - h_b(D) \ \text{ for } D < \min(p, 1-p), \qquad R(D) = 0 \text{ otherwise},

    with :math:`h_b` the binary entropy. It is achieved by the test channel :math:`X = \hat X \oplus Z`,
    :math:`Z\sim\mathrm{Bernoulli}(D)`, :math:`\hat X\sim\mathrm{Bernoulli}((p - D)/(1 - 2D))`.

    References
    ----------
    Book: Information theory, "Rate-distortion: the bottleneck's ancestor" (claim ``info.rate-distortion-binary``).

    Examples
    --------
    >>> round(float(binary_rate_distortion(0.5, 0.1, base=2)), 6)       # 1 - h(0.1) bits
    0.531004
    >>> float(binary_rate_distortion(0.5, 0.6))
    0.0
    """
    scale = _scale(base, "binary_rate_distortion")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or not 0 <= p <= 1:
        raise ValueError(f"binary_rate_distortion: p must be a probability in [0, 1]; got {p!r}.")
    D = _real(D, "D", "binary_rate_distortion")
    if np.any(D < 0):
        raise ValueError(f"binary_rate_distortion: D must be >= 0 (an error probability); got min {D.min():.3g}.")
    hp = entropy(np.array([p, 1.0 - p]))
    below = D < min(p, 1.0 - p)
    Dc = np.where(below, D, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        hd = -(np.where(Dc > 0, Dc * np.log(np.where(Dc > 0, Dc, 1.0)), 0.0) + (1 - Dc) * np.log(1 - Dc))
    out = np.where(below, hp - hd, 0.0) / scale
    return out + 0.0


def binned_entropy(T: np.ndarray, n_bins: int, low: float, high: float, base: float | None = None) -> float:
    r"""Entropy of a layer's activations after binning each unit into ``n_bins`` equal bins on [low, high].

    Parameters
    ----------
    T : ndarray, shape (n, units)
        Activations of n inputs, each input equally likely (the empirical distribution).
    n_bins : int, >= 1
    low, high : float, low < high
        Range of the bins; values outside are clipped into the end bins.
    base : float, optional
        Logarithm base (None: nats; 2: bits).

    Returns
    -------
    float, in [0, log n]

    Raises
    ------
    ValueError
        T not 2-D and finite, n_bins < 1, or low >= high.

    Notes
    -----
    For a deterministic layer :math:`T = f(X)` and X uniform on n inputs, :math:`H(T\mid X) = 0`, so this is the
    information-plane estimate :math:`\hat I(X;T) = H(\operatorname{bin}(T))`. It reaches :math:`\log n` as soon as
    the bins separate the n activation vectors, whatever the network learned: for continuous inputs the true
    :math:`I(X;T)` of an injective deterministic map is infinite, and the binned value measures the binning.

    References
    ----------
    Book: Information theory, "The information plane and its caveat" (claim ``info.information-plane-degenerate``).

    Examples
    --------
    >>> T = np.array([[0.1], [0.2], [0.9]])
    >>> round(binned_entropy(T, 2, 0.0, 1.0, base=2), 6)      # bins {0.1, 0.2} and {0.9}
    0.918296
    """
    scale = _scale(base, "binned_entropy")
    T = _real(T, "T", "binned_entropy")
    if T.ndim != 2 or T.size == 0:
        raise ValueError(f"binned_entropy: T must be a non-empty (n, units) array; got shape {T.shape}.")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"binned_entropy: n_bins must be a positive integer; got {n_bins!r}.")
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"binned_entropy: need finite low < high; got low = {low!r}, high = {high!r}.")
    idx = np.clip(np.floor((T - low) / (high - low) * n_bins), 0, n_bins - 1).astype(np.int64)
    _, counts = np.unique(idx, axis=0, return_counts=True)
    probs = counts / T.shape[0]
    return float(-np.sum(probs * np.log(probs))) / scale + 0.0

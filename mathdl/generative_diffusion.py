"""Diffusion models (Ho, Jain & Abbeel 2020): the forward process, its posterior, and a tiny DDPM in 2-D.

The forward process adds Gaussian noise, :math:`q(x_t \\mid x_{t-1}) = N(\\sqrt{\\alpha_t}\\,x_{t-1}, \\beta_t I)`,
:math:`\\alpha_t = 1 - \\beta_t`; its marginal is :math:`N(\\sqrt{\\bar\\alpha_t}\\,x_0, (1 - \\bar\\alpha_t)I)`
(claim ``generative.diffusion-marginal``) and its posterior given :math:`x_0` is Gaussian with the mean and variance
of :func:`diffusion_posterior` (claim ``generative.diffusion-posterior``). A network
:math:`\\varepsilon_\\theta(x_t, t)` trained to predict the noise estimates the score (claim
``generative.eps-score``) and drives ancestral sampling (claim ``generative.diffusion-trained``). Claim ids are
declared in :data:`mathdl.generative.CLAIMS`.

Book: Generative models, "Diffusion models".
"""
from __future__ import annotations

import math

import numpy as np

from mathdl import autodiff as ad
from mathdl import optim_adaptive
from mathdl.mlp import mlp_init, mlp_logits
from mathdl.validate import real_array as _real

__all__ = ["linear_beta_schedule", "alpha_bar", "diffusion_marginal", "diffusion_posterior", "eps_to_score",
           "time_features", "train_diffusion", "predict_noise", "ddpm_sample", "sliced_w1"]


def linear_beta_schedule(T: int, beta_1: float = 1e-3, beta_T: float = 0.2) -> np.ndarray:
    r"""The linear variance schedule :math:`\beta_t = \beta_1 + (t - 1)(\beta_T - \beta_1)/(T - 1)`, t = 1..T.

    Parameters
    ----------
    T : int
        Number of steps, >= 2.
    beta_1, beta_T : float
        In (0, 1).

    Returns
    -------
    ndarray, shape (T,)

    References
    ----------
    Book: Generative models, "Diffusion" (claim ``generative.diffusion-marginal``). Ho, Jain & Abbeel (2020).

    Examples
    --------
    >>> linear_beta_schedule(3, 0.1, 0.3)
    array([0.1, 0.2, 0.3])
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 2:
        raise ValueError(f"linear_beta_schedule: T must be an int >= 2; got {T!r}.")
    for name, v in (("beta_1", beta_1), ("beta_T", beta_T)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1:
            raise ValueError(f"linear_beta_schedule: {name} must be in (0, 1); got {v!r}.")
    return np.linspace(beta_1, beta_T, T)


def _betas(betas, func):
    b = _real(betas, "betas", func)
    if b.ndim != 1 or b.size == 0 or np.any(b <= 0) or np.any(b >= 1):
        raise ValueError(f"{func}: betas must be a non-empty 1-D array with entries in (0, 1); got shape "
                         f"{b.shape}.")
    return b


def alpha_bar(betas: np.ndarray) -> np.ndarray:
    r""":math:`\bar\alpha_t = \prod_{s \le t}(1 - \beta_s)`, t = 1..T.

    Parameters
    ----------
    betas : ndarray, shape (T,)

    Returns
    -------
    ndarray, shape (T,)

    References
    ----------
    Book: Generative models, "Diffusion" (claim ``generative.diffusion-marginal``).

    Examples
    --------
    >>> alpha_bar(np.array([0.5, 0.5]))
    array([0.5 , 0.25])
    """
    return np.cumprod(1.0 - _betas(betas, "alpha_bar"))


def _step(t, T, func):
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= T:
        raise ValueError(f"{func}: t must be an int in 1..{T}; got {t!r}.")
    return int(t)


def diffusion_marginal(x0: np.ndarray, t: int, betas: np.ndarray, eps: np.ndarray) -> np.ndarray:
    r"""A draw of :math:`x_t \sim q(x_t \mid x_0) = N(\sqrt{\bar\alpha_t}\,x_0, (1 - \bar\alpha_t) I)`.

    Parameters
    ----------
    x0 : ndarray, shape (n, d)
    t : int
        In 1..T.
    betas : ndarray, shape (T,)
    eps : ndarray, shape (n, d)
        Standard normal draws.

    Returns
    -------
    ndarray, shape (n, d)
        :math:`\sqrt{\bar\alpha_t}\,x_0 + \sqrt{1 - \bar\alpha_t}\,\varepsilon`.

    References
    ----------
    Book: Generative models, "Diffusion" (claim ``generative.diffusion-marginal``).

    Examples
    --------
    >>> diffusion_marginal(np.array([[2.0]]), 1, np.array([0.75]), np.array([[1.0]]))
    array([[1.8660254]])
    """
    b = _betas(betas, "diffusion_marginal")
    t = _step(t, b.size, "diffusion_marginal")
    x0, eps = _real(x0, "x0", "diffusion_marginal"), _real(eps, "eps", "diffusion_marginal")
    if x0.shape != eps.shape:
        raise ValueError(f"diffusion_marginal: x0 and eps must have one shape; got {x0.shape} and {eps.shape}.")
    ab = alpha_bar(b)[t - 1]
    return math.sqrt(ab) * x0 + math.sqrt(1.0 - ab) * eps


def diffusion_posterior(x0: np.ndarray, xt: np.ndarray, t: int, betas: np.ndarray) -> tuple[np.ndarray, float]:
    r"""Mean and variance of :math:`q(x_{t-1} \mid x_t, x_0) = N(\tilde\mu_t, \tilde\beta_t I)`, t >= 2.

    Parameters
    ----------
    x0, xt : ndarray, shape (n, d)
    t : int
        In 2..T.
    betas : ndarray, shape (T,)

    Returns
    -------
    mean : ndarray, shape (n, d)
        :math:`\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1 - \bar\alpha_t}x_0
        + \frac{\sqrt{\alpha_t}(1 - \bar\alpha_{t-1})}{1 - \bar\alpha_t}x_t`.
    var : float
        :math:`\tilde\beta_t = \frac{1 - \bar\alpha_{t-1}}{1 - \bar\alpha_t}\beta_t`.

    References
    ----------
    Book: Generative models, "Diffusion" (claim ``generative.diffusion-posterior``). Ho, Jain & Abbeel (2020),
    eq. (7).

    Examples
    --------
    >>> m, v = diffusion_posterior(np.zeros((1, 1)), np.ones((1, 1)), 2, np.array([0.5, 0.5]))
    >>> m, round(v, 6)
    (array([[0.47140452]]), 0.333333)
    """
    b = _betas(betas, "diffusion_posterior")
    t = _step(t, b.size, "diffusion_posterior")
    if t < 2:
        raise ValueError("diffusion_posterior: t must be >= 2 (at t = 1 the reverse step returns x_0's mean).")
    x0, xt = _real(x0, "x0", "diffusion_posterior"), _real(xt, "xt", "diffusion_posterior")
    if x0.shape != xt.shape:
        raise ValueError(f"diffusion_posterior: x0 and xt must have one shape; got {x0.shape} and {xt.shape}.")
    ab = alpha_bar(b)
    ab_t, ab_prev, beta = ab[t - 1], ab[t - 2], b[t - 1]
    mean = (math.sqrt(ab_prev) * beta * x0 + math.sqrt(1.0 - beta) * (1.0 - ab_prev) * xt) / (1.0 - ab_t)
    return mean, float((1.0 - ab_prev) / (1.0 - ab_t) * beta)


def eps_to_score(eps: np.ndarray, t: int, betas: np.ndarray) -> np.ndarray:
    r"""The score of :math:`q(x_t \mid x_0)` from the noise:
    :math:`\nabla_{x_t}\log q = -\varepsilon/\sqrt{1 - \bar\alpha_t}`.

    Parameters
    ----------
    eps : ndarray, shape (n, d)
    t : int
        In 1..T.
    betas : ndarray, shape (T,)

    Returns
    -------
    ndarray, shape (n, d)

    References
    ----------
    Book: Generative models, "Diffusion" (claim ``generative.eps-score``).

    Examples
    --------
    >>> eps_to_score(np.array([[1.0]]), 1, np.array([0.75]))
    array([[-1.15470054]])
    """
    b = _betas(betas, "eps_to_score")
    t = _step(t, b.size, "eps_to_score")
    return -_real(eps, "eps", "eps_to_score") / math.sqrt(1.0 - alpha_bar(b)[t - 1])


# ------------------------------------------------------------------------------------------ a tiny DDPM

#: Angular frequencies of the sinusoidal time features.
FREQUENCIES = (1.0, 3.0, 9.0)


def time_features(t: np.ndarray, T: int) -> np.ndarray:
    r"""Sinusoidal features of the step: :math:`(\sin\omega\tau, \cos\omega\tau)_{\omega}` with :math:`\tau = t/T`.

    Parameters
    ----------
    t : ndarray of int, shape (n,)
        Steps in 1..T.
    T : int

    Returns
    -------
    ndarray, shape (n, 6)

    References
    ----------
    Book: Generative models, "Diffusion models" (claim ``generative.diffusion-trained``).

    Examples
    --------
    >>> time_features(np.array([0]), 4)[0].tolist()
    [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]
    """
    t = np.asarray(t)
    if t.dtype.kind not in "iu" or t.ndim != 1:
        raise ValueError(f"time_features: t must be a 1-D int array; got dtype {t.dtype}, shape {t.shape}.")
    tau = t / float(T)
    return np.column_stack([f(w * tau) for w in FREQUENCIES for f in (np.sin, np.cos)])


def predict_noise(params, xt: np.ndarray, t: np.ndarray, T: int) -> np.ndarray:
    r"""The trained :math:`\varepsilon_\theta(x_t, t)`: an MLP of :math:`(x_t, \text{time features})`.

    Parameters
    ----------
    params : list of ndarray
    xt : ndarray, shape (n, 2)
    t : ndarray of int, shape (n,)
    T : int

    Returns
    -------
    ndarray, shape (n, 2)

    References
    ----------
    Book: Generative models, "Diffusion models" (claims ``generative.eps-score``, ``generative.diffusion-trained``).

    Examples
    --------
    >>> params = mlp_init([8, 4, 2])
    >>> predict_noise(params, np.zeros((3, 2)), np.array([1, 2, 3]), 3).shape
    (3, 2)
    """
    xt = _real(xt, "xt", "predict_noise")
    return mlp_logits(list(params), np.hstack([xt, time_features(t, T)])).value


def train_diffusion(X: np.ndarray, betas: np.ndarray, steps: int = 3000, batch: int = 256, hidden: int = 64,
                    lr: float = 3e-3, seed: int = 0) -> tuple[list, np.ndarray]:
    r"""Train :math:`\varepsilon_\theta` by Adam on :math:`\mathbb E_{t, x_0, \varepsilon}\lVert\varepsilon -
    \varepsilon_\theta(\sqrt{\bar\alpha_t}x_0 + \sqrt{1 - \bar\alpha_t}\varepsilon, t)\rVert^2` (DDPM's simple loss).

    Parameters
    ----------
    X : ndarray, shape (n, 2)
    betas : ndarray, shape (T,)
    steps, batch, hidden : int
    lr : float
    seed : int

    Returns
    -------
    params : list of ndarray
        MLP (2 + 6) -> hidden -> hidden -> 2.
    losses : ndarray, shape (steps,)

    References
    ----------
    Book: Generative models, "Diffusion models" (claim ``generative.diffusion-trained``).

    Examples
    --------
    >>> b = linear_beta_schedule(5, 0.01, 0.3)
    >>> params, losses = train_diffusion(np.zeros((20, 2)), b, steps=3, batch=4, hidden=4)
    >>> losses.shape
    (3,)
    """
    X = _real(X, "X", "train_diffusion")
    if X.ndim != 2:
        raise ValueError(f"train_diffusion: X must be 2-D (n, d); got shape {X.shape}.")
    b = _betas(betas, "train_diffusion")
    for name, v in (("steps", steps), ("batch", batch), ("hidden", hidden)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"train_diffusion: {name} must be a positive int; got {v!r}.")
    T, ab = b.size, alpha_bar(b)
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    params = mlp_init([d + 2 * len(FREQUENCIES), hidden, hidden, d], seed)
    loss_vg = ad.value_and_grad(lambda *p: ((mlp_logits(p[:-2], p[-2].value) - p[-1].value) ** 2)
                                .sum(axis=1).mean(), argnums=list(range(len(params))))
    states = [None] * len(params)
    losses = np.empty(steps)
    for k in range(steps):
        x0 = X[rng.integers(0, X.shape[0], size=batch)]
        t = rng.integers(1, T + 1, size=batch)
        eps = rng.standard_normal(x0.shape)
        a = ab[t - 1][:, None]
        xt = np.sqrt(a) * x0 + np.sqrt(1.0 - a) * eps
        losses[k], grads = loss_vg(*params, np.hstack([xt, time_features(t, T)]), eps)
        for i, g in enumerate(grads):
            params[i], states[i] = optim_adaptive.adam_step(params[i], g, states[i], lr=lr)
    return params, losses


def ddpm_sample(params, betas: np.ndarray, n: int, seed: int = 0, keep_path: bool = False):
    r"""Ancestral sampling: :math:`x_T \sim N(0, I)`, then for t = T..1
    :math:`x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\bigl(x_t - \frac{\beta_t}{\sqrt{1 - \bar\alpha_t}}
    \varepsilon_\theta(x_t, t)\bigr) + \sqrt{\tilde\beta_t}\,z` (no noise at t = 1).

    Parameters
    ----------
    params : list of ndarray
    betas : ndarray, shape (T,)
    n : int
    seed : int
    keep_path : bool
        Also return every :math:`x_t`, shape (T + 1, n, 2), index t.

    Returns
    -------
    ndarray, shape (n, 2), or (samples, path)

    References
    ----------
    Book: Generative models, "Diffusion models" (claims ``generative.eps-score``, ``generative.diffusion-trained``).

    Examples
    --------
    >>> b = linear_beta_schedule(5, 0.01, 0.3)
    >>> x, path = ddpm_sample(mlp_init([8, 4, 2]), b, 4, keep_path=True)
    >>> x.shape, path.shape, bool(np.array_equal(path[0], x))
    ((4, 2), (6, 4, 2), True)
    """
    b = _betas(betas, "ddpm_sample")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"ddpm_sample: n must be a positive int; got {n!r}.")
    T, ab = b.size, alpha_bar(b)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 2))
    path = [x]
    for t in range(T, 0, -1):
        eps = predict_noise(params, x, np.full(n, t), T)
        mean = (x - b[t - 1] / math.sqrt(1.0 - ab[t - 1]) * eps) / math.sqrt(1.0 - b[t - 1])
        if t > 1:
            var = (1.0 - ab[t - 2]) / (1.0 - ab[t - 1]) * b[t - 1]
            x = mean + math.sqrt(var) * rng.standard_normal((n, 2))
        else:
            x = mean
        path.append(x)
    return (x, np.array(path[::-1])) if keep_path else x


def sliced_w1(A: np.ndarray, B: np.ndarray, directions: int = 64, seed: int = 0) -> float:
    r"""Sliced Wasserstein-1: the mean over random unit directions u of the 1-D :math:`W_1(u^\top A, u^\top B)`.

    Parameters
    ----------
    A, B : ndarray, shape (n, d)
        Two samples of one size.
    directions : int
    seed : int

    Returns
    -------
    float

    References
    ----------
    Book: Generative models, "Diffusion models" (claims ``generative.diffusion-trained``,
    ``generative.wasserstein-sorted``).

    Examples
    --------
    >>> sliced_w1(np.zeros((3, 2)), np.zeros((3, 2)))
    0.0
    """
    A, B = _real(A, "A", "sliced_w1"), _real(B, "B", "sliced_w1")
    if A.ndim != 2 or A.shape != B.shape:
        raise ValueError(f"sliced_w1: A and B must be 2-D of one shape; got {A.shape} and {B.shape}.")
    u = np.random.default_rng(seed).standard_normal((A.shape[1], directions))
    u /= np.linalg.norm(u, axis=0)
    return float(np.mean(np.abs(np.sort(A @ u, axis=0) - np.sort(B @ u, axis=0))))

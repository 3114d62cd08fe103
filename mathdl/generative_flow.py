"""Normalizing flows: the affine coupling layer and a RealNVP-style flow in two dimensions.

A flow is an invertible map :math:`f` from data x to a latent :math:`z = f(x)` with a simple density; by the
change of variables, :math:`\\log p_X(x) = \\log p_Z(f(x)) + \\log|\\det J_f(x)|`. An affine coupling layer
(Dinh, Sohl-Dickstein & Bengio 2017) keeps one part of its input, :math:`y_1 = x_1`, and moves the other,
:math:`y_2 = x_2 \\odot e^{s(x_1)} + t(x_1)`: its Jacobian is triangular and :math:`\\log|\\det| = \\sum s(x_1)`
(claim ``generative.coupling-logdet``). The flow here alternates which coordinate is kept; :math:`s` and
:math:`t` come from one small MLP per layer, with :math:`s = \\tanh(\\cdot)` bounded. Training is exact maximum
likelihood with :mod:`mathdl.autodiff` and :func:`mathdl.optim_adaptive.adam_step` (claim
``generative.change-of-variables``).
Claim ids are declared in :data:`mathdl.generative.CLAIMS`.

Book: Generative models, "Normalizing flows".
"""
from __future__ import annotations

import math

import numpy as np

from mathdl import autodiff as ad
from mathdl import optim_adaptive
from mathdl.generative import LOG2PI
from mathdl.mlp import mlp_init, mlp_logits
from mathdl.validate import real_array as _real

__all__ = ["coupling_forward", "coupling_inverse", "flow_init", "flow_forward", "flow_log_density", "flow_sample",
           "train_flow"]


def _pair(X, func):
    X = _real(X, "X", func)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{func}: X must have shape (n, 2); got {X.shape}.")
    return X


def coupling_forward(x: np.ndarray, s: np.ndarray, t: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    r"""One affine coupling step with given scale and shift values.

    Parameters
    ----------
    x : ndarray, shape (n, 2)
    s, t : ndarray, shape (n,)
        :math:`s(x_{\mathrm{keep}})` and :math:`t(x_{\mathrm{keep}})`, already evaluated.
    keep : {0, 1}
        The coordinate passed through unchanged.

    Returns
    -------
    y : ndarray, shape (n, 2)
        :math:`y_{\mathrm{keep}} = x_{\mathrm{keep}}`, :math:`y_{\mathrm{other}} = x_{\mathrm{other}} e^{s} + t`.
    logdet : ndarray, shape (n,)
        :math:`\log|\det \partial y/\partial x| = s`.

    References
    ----------
    Book: Generative models, "Normalizing flows" (claim ``generative.coupling-logdet``).

    Examples
    --------
    >>> coupling_forward(np.array([[1.0, 2.0]]), np.array([np.log(3.0)]), np.array([1.0]), keep=0)[0]
    array([[1., 7.]])
    """
    x = _pair(x, "coupling_forward")
    s, t = _real(s, "s", "coupling_forward"), _real(t, "t", "coupling_forward")
    if keep not in (0, 1) or isinstance(keep, bool):
        raise ValueError(f"coupling_forward: keep must be 0 or 1; got {keep!r}.")
    if s.shape != (x.shape[0],) or t.shape != (x.shape[0],):
        raise ValueError(f"coupling_forward: s and t must have shape ({x.shape[0]},); got {s.shape}, {t.shape}.")
    y = x.copy()
    y[:, 1 - keep] = x[:, 1 - keep] * np.exp(s) + t
    return y, s.copy()


def coupling_inverse(y: np.ndarray, s: np.ndarray, t: np.ndarray, keep: int) -> np.ndarray:
    r"""Inverse of :func:`coupling_forward`: :math:`x_{\mathrm{other}} = (y_{\mathrm{other}} - t)e^{-s}`.

    Parameters
    ----------
    y : ndarray, shape (n, 2)
    s, t : ndarray, shape (n,)
        Evaluated at :math:`y_{\mathrm{keep}} = x_{\mathrm{keep}}`.
    keep : {0, 1}

    Returns
    -------
    ndarray, shape (n, 2)

    References
    ----------
    Book: Generative models, "Normalizing flows" (claim ``generative.coupling-logdet``).

    Examples
    --------
    >>> coupling_inverse(np.array([[1.0, 7.0]]), np.array([np.log(3.0)]), np.array([1.0]), keep=0)
    array([[1., 2.]])
    """
    y = _pair(y, "coupling_inverse")
    s, t = _real(s, "s", "coupling_inverse"), _real(t, "t", "coupling_inverse")
    if keep not in (0, 1) or isinstance(keep, bool):
        raise ValueError(f"coupling_inverse: keep must be 0 or 1; got {keep!r}.")
    if s.shape != (y.shape[0],) or t.shape != (y.shape[0],):
        raise ValueError(f"coupling_inverse: s and t must have shape ({y.shape[0]},); got {s.shape}, {t.shape}.")
    x = y.copy()
    x[:, 1 - keep] = (y[:, 1 - keep] - t) * np.exp(-s)
    return x


def flow_init(layers: int = 6, hidden: int = 32, seed: int = 0) -> list[list[np.ndarray]]:
    """Parameters of ``layers`` coupling layers, each an MLP 1 -> hidden -> hidden -> 2 giving (s_raw, t).

    Layer k keeps coordinate ``k % 2``. The output layer starts at zero, so the untrained flow is the identity.

    Parameters
    ----------
    layers, hidden : int
    seed : int

    Returns
    -------
    list of list of ndarray

    References
    ----------
    Book: Generative models, "Normalizing flows" (claim ``generative.change-of-variables``).

    Examples
    --------
    >>> len(flow_init(4, 8)), [p.shape for p in flow_init(4, 8)[0]][-2:]
    (4, [(8, 2), (2,)])
    """
    for name, v in (("layers", layers), ("hidden", hidden)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"flow_init: {name} must be a positive int; got {v!r}.")
    out = []
    for k in range(layers):
        p = mlp_init([1, hidden, hidden, 2], seed + k)
        p[-2] = np.zeros_like(p[-2])
        out.append(p)
    return out


def flow_forward(params, X):
    r"""Push data through the flow: :math:`z = f(x)` and :math:`\sum_k \log|\det J_k|`, as engine Tensors.

    Parameters
    ----------
    params : list of list of Tensor or ndarray
        As :func:`flow_init`.
    X : ndarray or Tensor, shape (n, 2)

    Returns
    -------
    z : Tensor, shape (n, 2)
    logdet : Tensor, shape (n,)

    Notes
    -----
    Layer k with kept coordinate c: :math:`(s_{\mathrm{raw}}, t) = \mathrm{MLP}_k(x_c)`,
    :math:`s = \tanh s_{\mathrm{raw}}`, :math:`x_{1-c} \leftarrow x_{1-c}e^s + t`, logdet += s.

    References
    ----------
    Book: Generative models, "Normalizing flows" (claims ``generative.coupling-logdet``,
    ``generative.change-of-variables``).

    Examples
    --------
    >>> z, logdet = flow_forward(flow_init(2, 4), np.array([[0.5, -1.0]]))   # the untrained flow is the identity
    >>> z.value, logdet.value
    (array([[ 0.5, -1. ]]), array([0.]))
    """
    h = X if isinstance(X, ad.Tensor) else ad.Tensor(_pair(X, "flow_forward"), requires_grad=False)
    logdet = None
    for k, p in enumerate(params):
        c = k % 2
        kept = h[:, c:c + 1]
        st = mlp_logits(p, kept.value if not kept.requires_grad else kept)
        s, t = ad.tanh(st[:, 0:1]), st[:, 1:2]
        moved = h[:, 1 - c:2 - c] * ad.exp(s) + t
        h = ad.concatenate([kept, moved] if c == 0 else [moved, kept], axis=1)
        logdet = s[:, 0] if logdet is None else logdet + s[:, 0]
    return h, logdet


def flow_log_density(params, X: np.ndarray) -> np.ndarray:
    r""":math:`\log p_X(x) = \log N(f(x); 0, I) + \log|\det J_f(x)|`.

    Parameters
    ----------
    params : list of list of ndarray
    X : ndarray, shape (n, 2)

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    Book: Generative models, "Normalizing flows" (claim ``generative.change-of-variables``).

    Examples
    --------
    >>> round(float(flow_log_density(flow_init(2, 4), np.zeros((1, 2)))[0]), 6)   # identity flow: log N(0; 0, I)
    -1.837877
    """
    X = _pair(X, "flow_log_density")
    z, logdet = flow_forward([list(p) for p in params], X)
    return -0.5 * np.sum(z.value**2, axis=1) - LOG2PI + logdet.value


def flow_sample(params, n: int, seed: int = 0) -> np.ndarray:
    r"""Samples :math:`x = f^{-1}(z)`, :math:`z \sim N(0, I)`, inverting the layers in reverse order.

    Parameters
    ----------
    params : list of list of ndarray
    n : int
    seed : int

    Returns
    -------
    ndarray, shape (n, 2)

    References
    ----------
    Book: Generative models, "Normalizing flows" (claim ``generative.change-of-variables``).

    Examples
    --------
    >>> flow_sample(flow_init(2, 4), 3, seed=0).shape
    (3, 2)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"flow_sample: n must be a positive int; got {n!r}.")
    x = np.random.default_rng(seed).standard_normal((n, 2))
    for k in reversed(range(len(params))):
        c = k % 2
        st = mlp_logits(list(params[k]), x[:, c:c + 1]).value
        x = coupling_inverse(x, np.tanh(st[:, 0]), st[:, 1], keep=c)
    return x


def train_flow(X: np.ndarray, layers: int = 6, hidden: int = 32, steps: int = 800, batch: int = 256,
               lr: float = 5e-3, seed: int = 0) -> tuple[list, np.ndarray]:
    r"""Fit the flow by exact maximum likelihood: Adam on the minibatch mean of :math:`-\log p_X(x)`.

    Parameters
    ----------
    X : ndarray, shape (n, 2)
    layers, hidden, steps, batch : int
    lr : float
    seed : int

    Returns
    -------
    params : list of list of ndarray
    nll : ndarray, shape (steps,)
        Minibatch negative log-likelihood before each step.

    References
    ----------
    Book: Generative models, "Normalizing flows" (claim ``generative.change-of-variables``).

    Examples
    --------
    >>> params, nll = train_flow(np.random.default_rng(0).normal(size=(50, 2)), layers=2, hidden=4, steps=3, batch=10)
    >>> len(params), nll.shape
    (2, (3,))
    """
    X = _pair(X, "train_flow")
    for name, v in (("steps", steps), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"train_flow: {name} must be a positive int; got {v!r}.")
    if not (isinstance(lr, (int, float)) and not isinstance(lr, bool) and 0 < lr < math.inf):
        raise ValueError(f"train_flow: lr must be a positive number; got {lr!r}.")
    params = flow_init(layers, hidden, seed)
    sizes = [len(p) for p in params]
    flat = [a for p in params for a in p]
    rng = np.random.default_rng(seed)

    def nll(*arrs):
        xb, arrs = arrs[-1].value, arrs[:-1]
        nested, i = [], 0
        for m in sizes:
            nested.append(list(arrs[i:i + m]))
            i += m
        z, logdet = flow_forward(nested, xb)
        return (0.5 * (z * z).sum(axis=1) + LOG2PI - logdet).mean()

    vg = ad.value_and_grad(nll, argnums=list(range(len(flat))))
    states = [None] * len(flat)
    history = np.empty(steps)
    for k in range(steps):
        history[k], grads = vg(*flat, X[rng.integers(0, X.shape[0], size=batch)])
        for i, g in enumerate(grads):
            flat[i], states[i] = optim_adaptive.adam_step(flat[i], g, states[i], lr=lr)
    out, i = [], 0
    for m in sizes:
        out.append(flat[i:i + m])
        i += m
    return out, history

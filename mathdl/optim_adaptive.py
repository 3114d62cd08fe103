"""Optimization for deep learning: the adaptive methods RMSProp, Adam, AdamW and AdaGrad as pure step functions.

Each is a pure function ``step(params, grads, state, **hyper) -> (params, state)`` with ``state = None`` before the
first step, named and updated as in PyTorch's ``torch.optim`` (``RMSprop``, ``Adam``, ``AdamW``, ``Adagrad``; ``lr``,
``alpha``, ``betas``, ``eps``, ``weight_decay``, ...), so a reader can compare with PyTorch line by line; each
divides the step coordinatewise by a root of past squared gradients.

Plain and momentum SGD, Newton's step, minibatch gradients and :func:`mathdl.optim.trajectory` (which runs
``"rmsprop"`` and ``"adam"`` from here by name) live in :mod:`mathdl.optim`, with the input checks used here and the
chapter's claim ids in :data:`mathdl.optim.CLAIMS`. Book: ``book/optimization.ipynb``; :func:`adamw_step`
(decoupled weight decay) belongs to ``book/regularization.ipynb``, whose claims it names.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mathdl.optim import _decay, _lr, _number, _params_grads, _state, _unit

__all__ = [
    "AdagradState",
    "AdamState",
    "RMSpropState",
    "adagrad_step",
    "adam_step",
    "adamw_step",
    "rmsprop_step",
]


def _eps(eps: object, func: str) -> float:
    value = _number(eps, "eps", func)
    if value <= 0:
        raise ValueError(f"{func}: eps must be > 0 (it keeps the denominator away from zero); got {eps!r}. "
                         "PyTorch's default is 1e-8.")
    return value


# ------------------------------------------------------------------------------------------ RMSProp, Adam

@dataclasses.dataclass(frozen=True)
class RMSpropState:
    """State of :func:`rmsprop_step`: ``square_avg``, ``grad_avg`` (centered only), ``momentum_buffer``."""

    square_avg: np.ndarray
    grad_avg: np.ndarray | None
    momentum_buffer: np.ndarray | None


@dataclasses.dataclass(frozen=True)
class AdamState:
    """State of :func:`adam_step`: the step count ``step`` = t and the moments ``exp_avg``, ``exp_avg_sq``."""

    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


def rmsprop_step(params: np.ndarray, grads: np.ndarray, state: RMSpropState | None = None, *, lr: float = 1e-2,
                 alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> tuple[np.ndarray, RMSpropState]:
    r"""One RMSProp step, as ``torch.optim.RMSprop``.

    Parameters
    ----------
    params, grads : ndarray, shape (d,)
    state : RMSpropState or None
    lr : float
        >= 0.
    alpha : float
        Smoothing constant of the squared-gradient average, in [0, 1).
    eps : float
        > 0, added to the root (outside the square root, as in PyTorch).
    weight_decay, momentum : float
        As in :func:`mathdl.optim.sgd_step`.
    centered : bool
        Divide by an estimate of the gradient's standard deviation instead of its root mean square.

    Returns
    -------
    params : ndarray, shape (d,)
    state : RMSpropState

    Notes
    -----
    .. math:: v_t = \alpha v_{t-1} + (1 - \alpha) g_t^2, \quad
              \tilde v_t = v_t - \bar g_t^2 \ (\text{centered}), \quad
              u_t = \frac{g_t}{\sqrt{\tilde v_t} + \epsilon}, \quad
              b_t = \mu b_{t-1} + u_t, \quad p \leftarrow p - \eta\, b_t

    (:math:`b_t = u_t` when :math:`\mu = 0`), with :math:`v_0 = \bar g_0 = b_0 = 0`, squares entrywise.

    References
    ----------
    Book: Optimization, "Adaptive methods".

    Examples
    --------
    >>> rmsprop_step(np.array([1.0]), np.array([2.0]), lr=0.01, alpha=0.75)[0]   # v = 1, step 0.01 * 2 / 1
    array([0.98])
    """
    p, g = _params_grads(params, grads, "rmsprop_step")
    state = _state(state, RMSpropState, "rmsprop_step")
    return _rmsprop(p, g, state, *_rmsprop_hyper("rmsprop_step", lr, alpha, eps, weight_decay, momentum, centered))


def _rmsprop_hyper(func, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    return (_lr(lr, func), _unit(alpha, "alpha", func), _eps(eps, func), _decay(weight_decay, func),
            _unit(momentum, "momentum", func), bool(centered))


def _rmsprop(p, g, state, lr, alpha, eps, wd, mu, centered):
    """The update of :func:`rmsprop_step` on validated inputs."""
    if wd != 0:
        g = g + wd * p
    zeros = np.zeros_like(p)
    square_avg = alpha * (zeros if state is None else state.square_avg) + (1.0 - alpha) * g * g
    grad_avg = None
    if centered:
        previous = zeros if state is None or state.grad_avg is None else state.grad_avg
        grad_avg = alpha * previous + (1.0 - alpha) * g
        denom = np.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        denom = np.sqrt(square_avg) + eps
    update = g / denom
    buf = None
    if mu > 0:
        previous = zeros if state is None or state.momentum_buffer is None else state.momentum_buffer
        buf = mu * previous + update
        update = buf
    return p - lr * update, RMSpropState(square_avg, grad_avg, buf)


def adam_step(params: np.ndarray, grads: np.ndarray, state: AdamState | None = None, *, lr: float = 1e-3,
              betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
              weight_decay: float = 0.0) -> tuple[np.ndarray, AdamState]:
    r"""One Adam step (Kingma & Ba 2015), as ``torch.optim.Adam``.

    Parameters
    ----------
    params, grads : ndarray, shape (d,)
    state : AdamState or None
    lr : float
        >= 0.
    betas : (float, float)
        (beta1, beta2), each in [0, 1).
    eps : float
        > 0, added to the root of the second moment.
    weight_decay : float
        L2 coefficient added to the gradient (Adam, not AdamW).

    Returns
    -------
    params : ndarray, shape (d,)
    state : AdamState

    Notes
    -----
    .. math:: m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,
              \quad \hat m_t = \frac{m_t}{1 - \beta_1^t}, \quad \hat v_t = \frac{v_t}{1 - \beta_2^t},
              \quad p \leftarrow p - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`m_0 = v_0 = 0`. The divisions by :math:`1 - \beta^t` undo the bias towards the zero start.

    References
    ----------
    Book: Optimization, "Adam's bias correction" (claim ``optim.adam-bias-correction``). Kingma & Ba (2015).

    Examples
    --------
    >>> adam_step(np.array([1.0]), np.array([3.0]), lr=0.1, eps=1e-12)[0]   # first step: p - lr sign(g)
    array([0.9])
    """
    p, g = _params_grads(params, grads, "adam_step")
    state = _state(state, AdamState, "adam_step")
    return _adam(p, g, state, *_adam_hyper("adam_step", lr, betas, eps, weight_decay))


def _adam_hyper(func, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise ValueError(f"{func}: betas must be a pair (beta1, beta2); got {betas!r}.")
    return (_lr(lr, func), _unit(betas[0], "betas[0]", func), _unit(betas[1], "betas[1]", func),
            _eps(eps, func), _decay(weight_decay, func))


def _adam(p, g, state, lr, b1, b2, eps, wd):
    """The update of :func:`adam_step` on validated inputs."""
    if wd != 0:
        g = g + wd * p
    t = 1 if state is None else state.step + 1
    m_prev = np.zeros_like(p) if state is None else state.exp_avg
    v_prev = np.zeros_like(p) if state is None else state.exp_avg_sq
    m = b1 * m_prev + (1.0 - b1) * g
    v = b2 * v_prev + (1.0 - b2) * g * g
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), AdamState(t, m, v)


def adamw_step(params: np.ndarray, grads: np.ndarray, state: AdamState | None = None, *, lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 1e-2) -> tuple[np.ndarray, AdamState]:
    r"""One AdamW step (Loshchilov & Hutter 2019): Adam with *decoupled* weight decay, as ``torch.optim.AdamW``.

    Parameters
    ----------
    params, grads : ndarray, shape (d,)
        The parameters p and the gradient g of the loss (without any penalty) at p.
    state : AdamState or None
        None before the first step; the same state as :func:`adam_step` (step count and both moments).
    lr : float
        >= 0.
    betas : (float, float)
        (beta1, beta2), each in [0, 1).
    eps : float
        > 0, added to the root of the bias-corrected second moment (outside the square root).
    weight_decay : float
        >= 0, the decoupled decay coefficient lambda (PyTorch's default 1e-2).

    Returns
    -------
    params : ndarray, shape (d,)
    state : AdamState

    Raises
    ------
    ValueError
        For lr < 0, betas outside [0, 1), eps <= 0 or weight_decay < 0.

    Notes
    -----
    .. math:: p \leftarrow p - \eta\lambda\, p, \qquad
              m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2,
              \qquad p \leftarrow p - \eta\, \frac{m_t / (1 - \beta_1^t)}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}

    The decay multiplies the parameters by :math:`1 - \eta\lambda` **before** the Adam update and never enters
    the moments, so it is not divided by :math:`\sqrt{\hat v_t}`: unlike ``adam_step(..., weight_decay=lambda)``
    (an L2 penalty whose gradient Adam rescales per coordinate), every weight decays at the same relative rate.
    With ``weight_decay=0`` it is :func:`adam_step`.

    References
    ----------
    Book: Regularization and generalization, "Weight decay is not an L2 penalty for Adam" (claims
    ``regularization.adamw-decoupled``, ``regularization.adam-l2-not-decay``; for SGD the two coincide, claim
    ``regularization.sgd-weight-decay-equals-l2``). Loshchilov & Hutter (2019).

    Examples
    --------
    >>> adamw_step(np.array([1.0]), np.array([0.0]), lr=0.1, weight_decay=0.01)[0]   # only the decay acts
    array([0.999])
    """
    p, g = _params_grads(params, grads, "adamw_step")
    state = _state(state, AdamState, "adamw_step")
    lr, b1, b2, eps, wd = _adam_hyper("adamw_step", lr, betas, eps, weight_decay)
    return _adam(p * (1.0 - lr * wd), g, state, lr, b1, b2, eps, 0.0)   # torch: p.mul_(1 - lr * wd)


# ----------------------------------------------------------------------------------------------- AdaGrad

@dataclasses.dataclass(frozen=True)
class AdagradState:
    """State of :func:`adagrad_step`: the step count ``step`` = t and PyTorch's ``sum`` of squared gradients."""

    step: int
    sum: np.ndarray


def adagrad_step(params: np.ndarray, grads: np.ndarray, state: AdagradState | None = None, *, lr: float = 1e-2,
                 lr_decay: float = 0.0, weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10) -> tuple[np.ndarray, AdagradState]:
    r"""One AdaGrad step (Duchi, Hazan & Singer 2011), as ``torch.optim.Adagrad``.

    Parameters
    ----------
    params, grads : ndarray, shape (d,)
    state : AdagradState or None
        None before the first step.
    lr : float
        >= 0.
    lr_decay : float
        >= 0; the step t uses lr / (1 + (t - 1) lr_decay).
    weight_decay : float
        L2 coefficient added to the gradient.
    initial_accumulator_value : float
        >= 0, the starting value of the sum (used on the first step only).
    eps : float
        > 0, added to the root of the sum.

    Returns
    -------
    params : ndarray, shape (d,)
    state : AdagradState

    Raises
    ------
    ValueError
        For lr < 0, lr_decay < 0, weight_decay < 0, initial_accumulator_value < 0 or eps <= 0.

    Notes
    -----
    .. math:: G_t = G_{t-1} + g_t^2, \qquad p \leftarrow p - \frac{\eta}{1 + (t - 1)\,\delta}\,
              \frac{g_t}{\sqrt{G_t} + \epsilon}

    coordinatewise, with :math:`G_0` = ``initial_accumulator_value``. Each coordinate's step shrinks with its
    own gradient history: for a constant gradient g the t-th step is :math:`\eta\,\mathrm{sign}(g)/\sqrt t`
    (up to :math:`\epsilon`), independent of the scale of g.

    References
    ----------
    Book: Optimization, "AdaGrad" (claim ``optim.adagrad-step``). Duchi, Hazan & Singer (2011).

    Examples
    --------
    >>> p, s = adagrad_step(np.array([1.0]), np.array([4.0]), lr=0.1, eps=1e-12)   # 0.1 * 4 / sqrt(16)
    >>> p, s.sum
    (array([0.9]), array([16.]))
    >>> adagrad_step(p, np.array([4.0]), s, lr=0.1, eps=1e-12)[0]                   # 0.1 * 4 / sqrt(32)
    array([0.82928932])
    """
    func = "adagrad_step"
    p, g = _params_grads(params, grads, func)
    state = _state(state, AdagradState, func)
    lr_v, wd, eps_v = _lr(lr, func), _decay(weight_decay, func), _eps(eps, func)
    decay = _number(lr_decay, "lr_decay", func)
    init = _number(initial_accumulator_value, "initial_accumulator_value", func)
    if decay < 0 or init < 0:
        raise ValueError(f"{func}: lr_decay and initial_accumulator_value must be >= 0; got lr_decay={lr_decay!r}, "
                         f"initial_accumulator_value={initial_accumulator_value!r}.")
    if wd != 0:
        g = g + wd * p
    t = 1 if state is None else state.step + 1
    total = (np.full_like(p, init) if state is None else state.sum) + g * g
    clr = lr_v / (1.0 + (t - 1) * decay)
    return p - clr * g / (np.sqrt(total) + eps_v), AdagradState(t, total)

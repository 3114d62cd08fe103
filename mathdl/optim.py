"""Optimization for deep learning: SGD and Newton as pure step functions, minibatch gradients, and trajectories.

Every optimizer is a pure function ``step(params, grads, state, **hyper) -> (params, state)``; ``state`` is
``None`` before the first step. Hyper-parameter names and update conventions are those of PyTorch's
``torch.optim`` (``SGD`` with ``momentum``/``dampening``/``nesterov``; ``lr``, ``weight_decay``), so a reader can
compare with PyTorch line by line. This module holds :func:`sgd_step`, :func:`newton_step`,
:func:`minibatch_gradient` and the input checks shared by the optimizer modules; the adaptive methods
(RMSProp, Adam, AdamW, AdaGrad) live in :mod:`mathdl.optim_adaptive`. :func:`trajectory` runs any of
:data:`OPTIMIZERS` on an :class:`mathdl.objectives.Objective` and stops cleanly with a status
``"diverged at step k"`` instead of overflowing.

Book: ``book/optimization.ipynb``; the facts are named by the claim ids in :data:`CLAIMS`, which also serve
the chapter's :mod:`mathdl.optim_adaptive`, :mod:`mathdl.optim_schedules`, :mod:`mathdl.optim_stochastic`,
:mod:`mathdl.rates` (rates on a quadratic) and :mod:`mathdl.second_order` (Gauss-Newton, BFGS).
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

__all__ = [
    "CLAIMS",
    "OPTIMIZERS",
    "SGDState",
    "Trajectory",
    "minibatch_gradient",
    "newton_step",
    "sgd_step",
    "trajectory",
]

CLAIMS = {
    "optim.gd-quadratic-rate": "on f = x^T A x / 2 - b^T x, x_{k+1} - x* = (I - lr A)(x_k - x*); the error "
                               "contracts at rate max_i |1 - lr lambda_i|, (kappa - 1)/(kappa + 1) at lr = 2/(L + mu)",
    "optim.gd-step-condition": "gradient descent on a quadratic converges for every start iff 0 < lr < 2/L",
    "optim.heavy-ball-rate": "heavy ball with lr = 4/(sqrt L + sqrt mu)^2, "
                             "beta = ((sqrt kappa - 1)/(sqrt kappa + 1))^2 "
                             "has a double root at mu and L and contracts at rate (sqrt kappa - 1)/(sqrt kappa + 1)",
    "optim.nesterov-quadratic-rate": "on a quadratic, Nesterov's method with lr = 1/L and momentum "
                                     "(sqrt kappa - 1)/(sqrt kappa + 1) has at lambda = mu a discriminant exactly 0: "
                                     "a real double root 1 - 1/sqrt kappa, the rate of the slowest direction",
    "optim.momentum-convention": "PyTorch's v = mu v + g, p -= lr v is heavy ball "
                                 "p_{k+1} = p_k - lr g_k + mu (p_k - p_{k-1}); "
                                 "with nesterov=True it is Nesterov's method in the look-ahead variable",
    "optim.sgd-unbiased": "a minibatch gradient (sampled with or without replacement) "
                          "has expectation the full gradient (proved by enumeration for small n, B; measured)",
    "optim.sgd-variance": "its total variance is tr(Sigma)/B with replacement, tr(Sigma)/B (n - B)/(n - 1) without "
                          "(proved by enumeration for small n, B; measured)",
    "optim.adam-bias-correction": "for stationary g, E[m_t] = (1 - beta^t) E[g], so m_t / (1 - beta^t) is unbiased; "
                                  "without both corrections the first step would be lr (1 - beta1)/sqrt(1 - beta2) "
                                  "(sqrt(10) lr at betas (0.9, 0.999)): too large",
    "optim.gauss-newton-hessian": "the Hessian of |r|^2 / 2 is J^T J + sum_i r_i Hess(r_i); Gauss-Newton keeps J^T J",
    "optim.newton-quadratic": "one Newton step from any point lands on the minimizer of a positive-definite quadratic",
    "optim.bfgs-secant": "the BFGS update satisfies the secant condition B_{k+1} s_k = y_k, stays symmetric, and "
                         "stays positive definite when y_k^T s_k > 0",
    "optim.sgd-decreasing-rate": "SGD with lr_t = 1/(mu t) on a mu-strongly convex f with E|g|^2 <= G^2 has "
                                 "E|x_t - x*|^2 <= max(|x_1 - x*|^2, 2 G^2/mu^2)/t; on the noisy quadratic "
                                 "E|x_{t+1}|^2 = d sigma^2/(mu^2 t) exactly",
    "optim.sgd-noise-floor": "with a constant step the recursion a_{t+1} <= (1 - 2 mu lr) a_t + lr^2 G^2 settles at "
                             "lr G^2/(2 mu); on the noisy quadratic the stationary error is "
                             "lr sigma^2/(lambda (2 - lr lambda)): proportional to lr",
    "optim.nonconvex-stationarity": "gradient descent with lr = 1/L on an L-smooth (possibly non-convex) f has "
                                    "min_{t<T} |grad f(x_t)|^2 <= 2 L (f(x_0) - f*)/T",
    "optim.pl-linear-rate": "under the PL condition |grad f|^2/2 >= mu (f - f*), gradient descent with lr = 1/L "
                            "contracts f - f* by 1 - mu/L per step, without convexity",
    "optim.adagrad-step": "AdaGrad divides by the root of the summed squared gradients; for a constant gradient "
                          "its t-th step is lr sign(g)/sqrt(t) in each coordinate, whatever the gradient's scale",
    "optim.lr-schedules": "step decay lr gamma^floor(t/s), cosine annealing (mean (lr + lr_min)/2 over a cycle, "
                          "zero slope at both ends) and linear warm-up lr min(1, t/w), as torch.optim.lr_scheduler",
    "optim.adam-warmup-variance": "for i.i.d. Gaussian gradients Adam's corrected second moment is unbiased with "
                                  "relative variance 2 (1 - b)(1 + b^t)/((1 + b)(1 - b^t)): 2 at t = 1, "
                                  "2 (1 - b)/(1 + b) late; warm-up waits for it to fall",
    "optim.armijo-guarantee": "on an L-smooth f every lr <= 2 (1 - c)/L satisfies Armijo's condition, so "
                              "backtracking accepts lr >= min(lr0, 2 rho (1 - c)/L) and decreases f by c lr |g|^2",
}

#: Optimizer names accepted by :func:`trajectory`.
OPTIMIZERS = ("sgd", "rmsprop", "adam", "newton")


# ------------------------------------------------------------------------------------------ validation

def _vector(v: object, name: str, func: str) -> np.ndarray:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (np.ndarray, list, tuple, float, int)):
        raise TypeError(f"{func}: {name} must be a numpy array; got {type(v).__name__}.")
    arr = np.asarray(v)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: {name} must hold real numbers; got dtype {arr.dtype}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} contains NaN or infinity; stop the run before this step "
                         "(trajectory() does so and reports 'diverged at step k').")
    return arr.astype(float, copy=False)


def _params_grads(params: object, grads: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    p = _vector(params, "params", func)
    g = _vector(grads, "grads", func)
    if g.shape != p.shape:
        raise ValueError(f"{func}: grads must have the shape of params {p.shape}; got {g.shape}.")
    return p, g


def _number(v: object, name: str, func: str) -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
        raise ValueError(f"{func}: {name} must be a finite number; got {v!r}.")
    return float(v)


def _lr(lr: object, func: str) -> float:
    value = _number(lr, "lr", func)
    if value < 0:
        raise ValueError(f"{func}: lr must be >= 0 (a step against the gradient); got {lr!r}. Use a positive "
                         "learning rate such as 1e-2.")
    return value


def _unit(v: object, name: str, func: str, closed: bool = False) -> float:
    value = _number(v, name, func)
    if not (0.0 <= value < 1.0 or (closed and value == 1.0)):
        want = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{func}: {name} must lie in {want}; got {v!r}. Typical values: 0.9 (momentum, beta1), "
                         "0.99 (alpha), 0.999 (beta2).")
    return value


def _decay(weight_decay: object, func: str) -> float:
    wd = _number(weight_decay, "weight_decay", func)
    if wd < 0:
        raise ValueError(f"{func}: weight_decay must be >= 0; got {weight_decay!r}.")
    return wd


def _state(state: object, cls: type, func: str) -> Any:
    if state is not None and not isinstance(state, cls):
        raise TypeError(f"{func}: state must be None (first step) or the {cls.__name__} this function returned; "
                        f"got {type(state).__name__}.")
    return state


# ------------------------------------------------------------------------------------------ optimizers

@dataclasses.dataclass(frozen=True)
class SGDState:
    """State of :func:`sgd_step`: PyTorch's ``momentum_buffer`` (None without momentum)."""

    momentum_buffer: np.ndarray | None


def sgd_step(params: np.ndarray, grads: np.ndarray, state: SGDState | None = None, *, lr: float = 1e-3,
             momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0,
             nesterov: bool = False) -> tuple[np.ndarray, SGDState]:
    r"""One step of (stochastic) gradient descent with optional momentum, as ``torch.optim.SGD``.

    Parameters
    ----------
    params, grads : ndarray, shape (d,)
        The parameters p and the gradient g at p.
    state : SGDState or None
        None before the first step.
    lr : float
        Learning rate, >= 0.
    momentum : float
        The momentum coefficient mu in [0, 1) (PyTorch allows >= 1; such runs never converge).
    dampening : float
        In [0, 1]; scales the new gradient in the buffer, except on the first step (PyTorch's convention).
    weight_decay : float
        L2 coefficient: g <- g + weight_decay * p.
    nesterov : bool
        Nesterov's momentum; needs momentum > 0 and dampening = 0.

    Returns
    -------
    params : ndarray, shape (d,)
    state : SGDState

    Raises
    ------
    ValueError
        For lr < 0, momentum outside [0, 1), dampening outside [0, 1], or nesterov without momentum.

    Notes
    -----
    With :math:`g \leftarrow g + \lambda p` (weight decay),

    .. math:: v_1 = g_1, \qquad v_t = \mu v_{t-1} + (1 - \tau) g_t, \qquad
              p \leftarrow p - \eta\, d_t, \qquad
              d_t = \begin{cases} g_t + \mu v_t & \text{nesterov} \\ v_t & \text{otherwise,} \end{cases}

    and :math:`d_t = g_t` without momentum. Heavy ball :math:`p_{k+1} = p_k - \eta g_k + \mu (p_k - p_{k-1})`
    is the case :math:`\tau = 0`.

    References
    ----------
    Book: Optimization, "Momentum" (claims ``optim.momentum-convention``, ``optim.heavy-ball-rate``).
    Polyak (1964); Nesterov (1983).

    Examples
    --------
    >>> p, s = sgd_step(np.array([1.0]), np.array([2.0]), lr=0.1, momentum=0.9)
    >>> p, s.momentum_buffer
    (array([0.8]), array([2.]))
    >>> sgd_step(p, np.array([2.0]), s, lr=0.1, momentum=0.9)[0]     # v = 0.9 * 2 + 2 = 3.8
    array([0.42])
    """
    p, g = _params_grads(params, grads, "sgd_step")
    state = _state(state, SGDState, "sgd_step")
    return _sgd(p, g, state, *_sgd_hyper("sgd_step", lr, momentum, dampening, weight_decay, nesterov))


def _sgd_hyper(func, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    mu = _unit(momentum, "momentum", func)
    tau = _unit(dampening, "dampening", func, closed=True)
    if nesterov and (mu <= 0 or tau != 0):
        raise ValueError(f"{func}: nesterov=True needs momentum > 0 and dampening = 0; got momentum={momentum!r}, "
                         f"dampening={dampening!r}.")
    return _lr(lr, func), mu, tau, _decay(weight_decay, func), bool(nesterov)


def _sgd(p, g, state, lr, mu, tau, wd, nesterov):
    """The update of :func:`sgd_step` on validated inputs."""
    if wd != 0:
        g = g + wd * p
    if mu == 0:
        return p - lr * g, SGDState(None)
    buf = None if state is None else state.momentum_buffer
    buf = g.copy() if buf is None else mu * buf + (1.0 - tau) * g
    direction = g + mu * buf if nesterov else buf
    return p - lr * direction, SGDState(buf)


def newton_step(params: np.ndarray, grads: np.ndarray, hessian: np.ndarray, state: None = None, *,
                lr: float = 1.0) -> tuple[np.ndarray, None]:
    r"""One (damped) Newton step :math:`p \leftarrow p - \eta\, H^{-1} g`.

    Parameters
    ----------
    params, grads : ndarray, shape (d,)
    hessian : ndarray, shape (d, d)
        The Hessian H at ``params``.
    state : None
        Newton's method keeps no state (the argument keeps the step-function signature).
    lr : float
        Damping, >= 0; 1 is the pure Newton step.

    Returns
    -------
    params : ndarray, shape (d,)
    state : None

    Raises
    ------
    ValueError
        If H is not (d, d) or is singular (no Newton step exists).

    Notes
    -----
    On :math:`f = \tfrac12 x^\top A x - b^\top x` with A positive definite, :math:`x - A^{-1}(Ax - b) = A^{-1} b = x^*`
    from any x: one step is exact. Far from a minimum (H indefinite) the step can head for a saddle or a maximum.

    References
    ----------
    Book: Optimization, "Second-order methods" (claim ``optim.newton-quadratic``). Nocedal & Wright (2006), ch. 3.

    Examples
    --------
    >>> newton_step(np.array([3.0, -1.0]), np.array([3.0, -4.0]), np.diag([1.0, 4.0]))[0]
    array([0., 0.])
    """
    func = "newton_step"
    p, g = _params_grads(params, grads, func)
    H = _vector(hessian, "hessian", func)
    if H.shape != (p.size, p.size):
        raise ValueError(f"{func}: hessian must have shape ({p.size}, {p.size}); got {H.shape}.")
    lr = _lr(lr, func)
    try:
        direction = np.linalg.solve(H, g)
    except np.linalg.LinAlgError:
        raise ValueError(f"{func}: the Hessian is singular at params={p.tolist()}, so the Newton step does not "
                         "exist; start elsewhere or use a gradient method.") from None
    return p - lr * direction, None


# ------------------------------------------------------------------------------------------- minibatches

def minibatch_gradient(per_example: np.ndarray, batch_size: int, rng: np.random.Generator,
                       replace: bool = True) -> np.ndarray:
    r"""The mean of ``batch_size`` per-example gradients drawn uniformly, with or without replacement.

    Parameters
    ----------
    per_example : ndarray, shape (n, d)
        Row i is the gradient of the i-th example's loss; their mean is the full gradient.
    batch_size : int
        B, in 1..n (any B >= 1 with replacement).
    rng : numpy.random.Generator
    replace : bool
        Sample with replacement (indices i.i.d.) or without (a random subset).

    Returns
    -------
    ndarray, shape (d,)

    Notes
    -----
    :math:`E[g_B] = \nabla f` either way; :math:`E\lVert g_B - \nabla f\rVert^2 = \operatorname{tr}\Sigma / B`
    with replacement and :math:`\operatorname{tr}\Sigma / B \cdot (n - B)/(n - 1)` without, where
    :math:`\Sigma` is the covariance of one uniformly drawn row (divisor n).

    References
    ----------
    Book: Optimization, "Stochastic gradient descent" (claims ``optim.sgd-unbiased``, ``optim.sgd-variance``).
    """
    func = "minibatch_gradient"
    G = _vector(per_example, "per_example", func)
    if G.ndim != 2:
        raise ValueError(f"{func}: per_example must be 2-D (n, d); got shape {G.shape}.")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1 \
            or (not replace and batch_size > G.shape[0]):
        raise ValueError(f"{func}: batch_size must be an int in 1..{G.shape[0]}"
                         f"{'' if not replace else ' (or more, with replacement)'}; got {batch_size!r}.")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{func}: rng must be a numpy Generator; got {type(rng).__name__}. "
                        "Use numpy.random.default_rng(seed).")
    idx = rng.choice(G.shape[0], size=int(batch_size), replace=replace)
    return G[idx].mean(axis=0)


# ------------------------------------------------------------------------------------------- trajectories

@dataclasses.dataclass(frozen=True)
class Trajectory:
    """A run of an optimizer: the points visited, their losses, and how the run ended.

    Attributes
    ----------
    path : ndarray, shape (k + 1, d)
        Start point and the k points reached (fewer than requested if the run stopped).
    losses : ndarray, shape (k + 1,)
    status : str
        ``"ok"``, ``"diverged at step k"`` or ``"stopped at step k: singular Hessian"``.
    stopped_at : int or None
        The step that was not taken, or None.
    """

    path: np.ndarray
    losses: np.ndarray
    status: str
    stopped_at: int | None

    @property
    def diverged(self) -> bool:
        return self.status.startswith("diverged")


def _stepper(optimizer: str, hyper: dict, objective) -> Any:
    """The optimizer's update with its hyper-parameters validated once (TypeError/ValueError if bad)."""
    # A local import: mathdl.optim_adaptive imports this module's input checks at module level, so importing it
    # here at module level would be a cycle.
    from mathdl import optim_adaptive

    func = f"trajectory({optimizer!r})"
    try:
        if optimizer == "sgd":
            args = _sgd_hyper(func, **hyper)
            return lambda p, g, s: _sgd(p, g, s, *args)
        if optimizer == "rmsprop":
            args = optim_adaptive._rmsprop_hyper(func, **hyper)
            return lambda p, g, s: optim_adaptive._rmsprop(p, g, s, *args)
        if optimizer == "adam":
            args = optim_adaptive._adam_hyper(func, **hyper)
            return lambda p, g, s: optim_adaptive._adam(p, g, s, *args)
        if set(hyper) - {"lr"}:
            raise TypeError(f"unexpected hyper-parameters {sorted(set(hyper) - {'lr'})}")
        lr = _lr(hyper.get("lr", 1.0), func)
        return lambda p, g, s: newton_step(p, g, objective.hessian(p), s, lr=lr)
    except TypeError as error:
        raise ValueError(f"{func}: {error}. See the {optimizer} step function for its hyper-parameters.") from None


def trajectory(objective, optimizer: str, start: np.ndarray, steps: int, *, bound: float = 1e6,
               grad_noise: float = 0.0, seed: int = 0, **hyper: Any) -> Trajectory:
    r"""Run an optimizer from ``start`` for ``steps`` steps on an objective, stopping cleanly if it diverges.

    Parameters
    ----------
    objective : mathdl.objectives.Objective
        Anything with ``value``, ``grad`` (and ``hessian`` for Newton) taking an ndarray of shape (d,).
    optimizer : {"sgd", "rmsprop", "adam", "newton"}
    start : ndarray, shape (d,)
    steps : int
        Number of steps, >= 0.
    bound : float
        The run stops with ``"diverged at step k"`` as soon as a coordinate leaves [-bound, bound] or a value
        is not finite; the point is not evaluated, so nothing overflows.
    grad_noise : float
        Standard deviation of Gaussian noise added to every gradient (a model of minibatch noise), >= 0.
    seed : int
        Seed of that noise.
    **hyper
        The optimizer's hyper-parameters, named as in PyTorch (``lr``, ``momentum``, ``betas``...).

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        For an unknown optimizer, a bad hyper-parameter (checked before the first step), or a start outside
        the bound.

    References
    ----------
    Book: Optimization, "The gradient-descent explorer".

    Examples
    --------
    >>> from mathdl import objectives
    >>> run = trajectory(objectives.quadratic(10.0), "sgd", [1.0, 1.0], 50, lr=0.25)
    >>> run.status, run.path.shape      # y is multiplied by 1 - 0.25 * 10 = -1.5; 1.5**35 > 1e6
    ('diverged at step 35', (35, 2))
    """
    func = "trajectory"
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"{func}: optimizer must be one of {list(OPTIMIZERS)}; got {optimizer!r}. Gradient "
                         "descent is 'sgd' with momentum=0; heavy ball is 'sgd' with momentum > 0.")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"{func}: steps must be an int >= 0; got {steps!r}.")
    bound = _number(bound, "bound", func)
    noise = _number(grad_noise, "grad_noise", func)
    if bound <= 0 or noise < 0:
        raise ValueError(f"{func}: need bound > 0 and grad_noise >= 0; got bound={bound}, grad_noise={noise}.")
    p = _vector(start, "start", func)
    if p.ndim != 1 or np.max(np.abs(p), initial=0.0) > bound:
        raise ValueError(f"{func}: start must be 1-D inside [-bound, bound]; got {p.tolist()!r}.")
    step = _stepper(optimizer, hyper, objective)
    rng = np.random.default_rng(seed)
    path, losses = [p], [float(objective.value(p))]
    state, status, stopped = None, "ok", None
    for k in range(1, int(steps) + 1):
        g = np.asarray(objective.grad(p), dtype=float)
        if noise:
            g = g + noise * rng.standard_normal(p.shape)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                p_new, state = step(p, g, state)
        except ValueError:
            if optimizer != "newton" or not np.all(np.isfinite(g)):
                raise
            status, stopped = f"stopped at step {k}: singular Hessian", k
            break
        if not np.all(np.isfinite(p_new)) or np.max(np.abs(p_new)) > bound:
            status, stopped = f"diverged at step {k}", k
            break
        loss = float(objective.value(p_new))
        if not math.isfinite(loss):
            status, stopped = f"diverged at step {k}", k
            break
        p = p_new
        path.append(p)
        losses.append(loss)
    return Trajectory(np.array(path), np.array(losses), status, stopped)

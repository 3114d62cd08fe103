"""Figures and the live explorer of the chapter "Neurons" (activations and losses).

The explorer's update logic is :func:`depth_gradient_profile`, a plain function (settings -> data) tested
without a browser; :func:`explorer_figure` draws one state of it; :func:`live_explorer` only wires ipywidgets
controls to :func:`explorer_figure`. matplotlib and ipywidgets are imported inside the functions.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import numpy as np

from mathdl.activations_smooth import ELEMENTWISE

__all__ = [
    "ACTIVATION_NAMES",
    "DEFAULTS",
    "GradientProfile",
    "activation_gallery",
    "depth_gradient_profile",
    "explorer_figure",
    "live_explorer",
    "segment_loss_figure",
]

#: Activations offered by the explorer, in the order of the chapter.
ACTIVATION_NAMES = tuple(ELEMENTWISE)

#: The explorer's default state (what the rendered book shows).
DEFAULTS = {"activation": "sigmoid", "depth": 30, "width": 32, "gain": 1.0, "seed": 0}

#: Limits of the explorer's settings; values outside are rejected with a ValueError.
LIMITS = {"depth": (1, 300), "width": (1, 64), "gain": (1e-3, 1e3)}

#: Each activation's name in mathtext, for axis labels and legends.
TEX_NAMES = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{relu}", "leaky_relu": r"\mathrm{lrelu}_{0.01}",
             "softplus": r"\mathrm{softplus}", "gelu": r"\mathrm{gelu}"}

#: Font sizes (points) that stay legible when a 10-inch figure is scaled to the ~700 px text column.
TICK_SIZE, LABEL_SIZE, LEGEND_SIZE, TITLE_SIZE = 11, 12, 10.5, 11.5

#: A forward activation beyond this magnitude counts as overflow: the run stops and says so.
OVERFLOW_LIMIT = 1e150


@dataclasses.dataclass(frozen=True)
class GradientProfile:
    """How the gradient's size changes as it flows back through a random deep chain.

    Attributes
    ----------
    layers : ndarray of int, shape (m,)
        Number of layers the gradient has passed back through: 0, 1, ..., m - 1.
    log10_norm : ndarray, shape (m,)
        ``log10(||g_0|| / ||g_L||)`` after that many layers; ``-inf`` once the gradient is exactly 0.
    log10_bound : ndarray, shape (m,)
        ``log10`` of ``prod (max|psi'|) ||W_l||_2`` over the same layers -- an upper bound on the ratio
        (``+inf`` for an activation whose derivative is unbounded; none of ours is).
    stopped_at : int or None
        The layer at which forward activations overflowed (beyond :data:`OVERFLOW_LIMIT`), if they did.
    message : str
        A one-line statement of what happened ("gradient shrank by 10^-18.1 over 30 layers").
    """

    layers: np.ndarray
    log10_norm: np.ndarray
    log10_bound: np.ndarray
    stopped_at: int | None
    message: str


#: sup |psi'(x)| over x, for the bound: 1/4 for sigmoid (proved in the chapter); 1 for tanh, relu, leaky relu
#: (alpha < 1) and softplus (psi' = sigma < 1); gelu' = Phi + x phi peaks where gelu'' = phi (2 - x^2) = 0,
#: at x = sqrt(2): Phi(sqrt 2) + sqrt(2) phi(sqrt 2) = 1.1289...
MAX_DERIVATIVE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0, "softplus": 1.0,
                  "gelu": 1.0 - 0.5 * math.erfc(1.0) + math.exp(-1.0) / math.sqrt(math.pi)}


def _check_settings(activation: Any, depth: Any, width: Any, gain: Any, seed: Any, func: str) -> None:
    if activation not in ELEMENTWISE:
        raise ValueError(f"{func}: activation must be one of {list(ELEMENTWISE)}; got {activation!r}.")
    for name, value in (("depth", depth), ("width", width), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{func}: {name} must be an int; got {type(value).__name__}.")
    if isinstance(gain, bool) or not isinstance(gain, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: gain must be a real number; got {type(gain).__name__}.")
    for name, value in (("depth", depth), ("width", width), ("gain", gain)):
        low, high = LIMITS[name]
        if not (low <= value <= high):
            raise ValueError(f"{func}: {name} must be in [{low}, {high}]; got {value!r}.")
    if seed < 0:
        raise ValueError(f"{func}: seed must be a non-negative int; got {seed!r}.")


def depth_gradient_profile(activation: str = "sigmoid", depth: int = 30, width: int = 32, gain: float = 1.0,
                           seed: int = 0) -> GradientProfile:
    r"""Back-propagate a random gradient through ``depth`` random layers ``h_l = psi(h_{l-1} W_l)``.

    Parameters
    ----------
    activation : str
        A name in :data:`mathdl.activations_smooth.ELEMENTWISE`.
    depth : int in [1, 300]
        Number of layers L.
    width : int in [1, 64]
        Units per layer; ``width=1`` is a scalar chain, where the gradient is a product of numbers
        ``w_l psi'(a_l)``.
    gain : float in [1e-3, 1e3]
        Weight scale: entries of ``W_l`` are N(0, gain^2 / width).
    seed : int
        Seed of the input, the weights and the output gradient.

    Returns
    -------
    GradientProfile

    Notes
    -----
    Forward: :math:`a_l = h_{l-1} W_l`, :math:`h_l = \psi(a_l)`. Backward, from a random unit :math:`g_L`:
    :math:`g_{l-1} = (g_l \odot \psi'(a_l)) W_l^\top`, so
    :math:`\|g_{l-1}\| \le \max|\psi'|\,\|W_l\|_2\,\|g_l\|`. The gradient is renormalised at every layer and
    its log-norm accumulated, so it never underflows to 0 before its true size is below ``1e-308``; forward
    activations that exceed :data:`OVERFLOW_LIMIT` stop the run with a message instead of overflowing.

    References
    ----------
    Book: Neurons, "Vanishing and exploding gradients" (claim ``activations.vanishing-gradient``).

    Examples
    --------
    >>> prof = depth_gradient_profile("sigmoid", depth=20, width=16, gain=1.0, seed=0)
    >>> bool(prof.log10_norm[-1] < -10), bool(np.all(prof.log10_norm <= prof.log10_bound + 1e-9))
    (True, True)
    """
    _check_settings(activation, depth, width, gain, seed, "depth_gradient_profile")
    with np.errstate(under="ignore"):  # tiny activations and gradients rounding to 0 is the correct result
        return _profile(activation, depth, width, float(gain), seed)


def _profile(activation: str, depth: int, width: int, gain: float, seed: int) -> GradientProfile:
    f, f_vjp = ELEMENTWISE[activation]
    rng = np.random.default_rng(seed)
    h = rng.standard_normal((1, width))
    weights, pre = [], []
    stopped_at = None
    for layer in range(1, depth + 1):
        W = rng.standard_normal((width, width)) * (gain / math.sqrt(width))
        a = h @ W
        if not np.all(np.abs(a) <= OVERFLOW_LIMIT):
            stopped_at = layer
            break
        weights.append(W)
        pre.append(a)
        h = f(a)
    g = rng.standard_normal((1, width))
    g /= np.linalg.norm(g)
    log_norm, log_bound = [0.0], [0.0]
    for W, a in zip(reversed(weights), reversed(pre)):
        g = f_vjp(g, a) @ W.T
        size = float(np.linalg.norm(g))
        bound_step = math.log10(MAX_DERIVATIVE[activation] * float(np.linalg.norm(W, 2)))
        log_bound.append(log_bound[-1] + bound_step)
        if size == 0.0 or not math.isfinite(log_norm[-1]):
            log_norm.append(-math.inf)
            g = np.zeros_like(g)
            continue
        log_norm.append(log_norm[-1] + math.log10(size))
        g /= size
    layers = np.arange(len(log_norm))
    log_norm_arr, log_bound_arr = np.array(log_norm), np.array(log_bound)
    steps = len(log_norm) - 1
    if stopped_at is not None:
        message = (f"forward activations overflowed at layer {stopped_at} (|a| > {OVERFLOW_LIMIT:.0e}); "
                   f"showing the first {steps} layers")
    elif not math.isfinite(log_norm[-1]):
        first = int(np.argmax(~np.isfinite(log_norm_arr)))
        message = f"gradient became exactly 0 after {first} layers (every unit inactive)"
    else:
        verb = "shrank" if log_norm[-1] < 0 else "grew"
        message = f"gradient {verb} by 10^{log_norm[-1]:.1f} over {steps} layers"
    return GradientProfile(layers, log_norm_arr, log_bound_arr, stopped_at, message)


def _style(ax: Any) -> None:
    """Legible ticks and a light zero line; the figure itself gets a white face (readable in dark mode)."""
    ax.tick_params(labelsize=TICK_SIZE)
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)


def _tex_name(name: str) -> str:
    return TEX_NAMES.get(name, r"\mathrm{" + name.replace("_", r"\_") + "}")


def _magnitude_text(message: str) -> str:
    """The profile's message with its power of ten typeset (``10^-18.1`` -> ``$10^{-18.1}$``)."""
    return re.sub(r"10\^(-?[0-9.]+)", r"$10^{\1}$", message).replace("|a| > ", "$|a| >$ ")


def _curve(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    f, f_vjp = ELEMENTWISE[name]
    return f(x), f_vjp(np.ones_like(x), x)


def activation_gallery(names: tuple[str, ...] = ACTIVATION_NAMES,
                       x_range: tuple[float, float] = (-5.0, 5.0)) -> Any:
    """One panel per activation: the function and its derivative (from the mathdl VJP with g = 1).

    Parameters
    ----------
    names : tuple of str
        Activations to draw (names in :data:`mathdl.activations_smooth.ELEMENTWISE`).
    x_range : (float, float)
        Interval of the horizontal axis.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Neurons, "The activations side by side".
    """
    import matplotlib.pyplot as plt

    for name in names:
        if name not in ELEMENTWISE:
            raise ValueError(f"activation_gallery: unknown activation {name!r}; choose from {list(ELEMENTWISE)}.")
    x = np.linspace(*x_range, 401)
    cols = 3
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(10, 3.1 * rows), sharex=True, squeeze=False, facecolor="white")
    for ax, name in zip(axes.flat, names):
        y, dy = _curve(name, x)
        tex = _tex_name(name)
        ax.plot(x, y, label=f"${tex}(x)$")
        ax.plot(x, dy, "--", label=f"${tex}'(x)$")
        _style(ax)
        ax.set_title(f"${tex}$", fontsize=TITLE_SIZE)
        ax.set_xlabel("$x$", fontsize=LABEL_SIZE)
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left", framealpha=0.9)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def explorer_figure(activation: str = "sigmoid", depth: int = 30, width: int = 32, gain: float = 1.0,
                    seed: int = 0) -> Any:
    """The explorer's figure for one setting: the activation, its derivative, and the gradient vs depth.

    Parameters
    ----------
    activation, depth, width, gain, seed
        As in :func:`depth_gradient_profile`.

    Returns
    -------
    matplotlib.figure.Figure
        Left: psi and psi'. Right: log10 of the gradient-norm ratio against the number of layers passed,
        with the bound ``prod max|psi'| ||W_l||_2`` dashed; the title states what happened.

    References
    ----------
    Book: Neurons, "Vanishing and exploding gradients" (claim ``activations.vanishing-gradient``).
    """
    import matplotlib.pyplot as plt

    prof = depth_gradient_profile(activation, depth, width, gain, seed)
    x = np.linspace(-5.0, 5.0, 401)
    y, dy = _curve(activation, x)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.9), facecolor="white")
    tex = _tex_name(activation)
    left.plot(x, y, label=f"${tex}(x)$")
    left.plot(x, dy, "--", label=f"${tex}'(x)$")
    _style(left)
    left.set_xlabel("$x$", fontsize=LABEL_SIZE)
    left.set_title(f"${tex}$ and its derivative", fontsize=TITLE_SIZE)
    left.legend(fontsize=LEGEND_SIZE, loc="best", framealpha=0.9)
    finite = np.isfinite(prof.log10_norm)
    right.plot(prof.layers[finite], prof.log10_norm[finite], "o-", ms=3,
               label=r"$\log_{10}\,\Vert g_0\Vert / \Vert g_L\Vert$")
    right.plot(prof.layers, prof.log10_bound, ":", color="0.4", label=r"$\log_{10}$ of the bound")
    _style(right)
    right.set_xlabel("layers back-propagated through", fontsize=LABEL_SIZE)
    right.set_ylabel(r"$\log_{10}$ gradient-norm ratio", fontsize=LABEL_SIZE)
    right.set_title(_magnitude_text(prof.message), fontsize=TITLE_SIZE - 1.5)
    right.legend(fontsize=LEGEND_SIZE, loc="best", framealpha=0.9)
    fig.suptitle(f"width {width}, weights $N(0,\\, {gain:g}^2/{width})$, seed {seed}", fontsize=TITLE_SIZE - 1)
    fig.tight_layout()
    return fig


def segment_loss_figure(s: Any, loss: Any) -> Any:
    """The loss along the straight segment between two weight settings, against its chord.

    Parameters
    ----------
    s : ndarray, shape (m,)
        Positions on the segment :math:`(1 - s)\\theta_A + s\\theta_B`, from 0 to 1.
    loss : ndarray, shape (m,)
        The loss at each position.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``s`` and ``loss`` are not 1-D arrays of the same length (at least 2).

    References
    ----------
    Book: Neurons, "Not convex in the weights of a hidden layer" (claim ``losses.hidden-layer-nonconvex``).
    """
    import matplotlib.pyplot as plt

    s, loss = np.asarray(s, dtype=float), np.asarray(loss, dtype=float)
    if s.ndim != 1 or s.shape != loss.shape or s.size < 2:
        raise ValueError(f"segment_loss_figure: s and loss must be 1-D arrays of the same length >= 2; got shapes "
                         f"{s.shape} and {loss.shape}.")
    fig, ax = plt.subplots(figsize=(6.5, 3.4), facecolor="white")
    ax.plot(s, loss, label=r"$L((1-s)\,\theta_A + s\,\theta_B)$")
    ax.plot([s[0], s[-1]], [loss[0], loss[-1]], "--", color="0.4", label="chord")
    _style(ax)
    ax.set_xlabel(r"$s$", fontsize=LABEL_SIZE)
    ax.set_ylabel("mean squared error", fontsize=LABEL_SIZE)
    ax.legend(fontsize=LEGEND_SIZE, loc="upper right", framealpha=0.9)
    fig.tight_layout()
    return fig


def live_explorer() -> Any:
    """An ipywidgets explorer over :func:`explorer_figure` (needs a running Jupyter kernel).

    Returns
    -------
    ipywidgets.Widget

    References
    ----------
    Book: Neurons, "Vanishing and exploding gradients".
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def show(activation: str, depth: int, width: int, gain: float, seed: int) -> None:
        explorer_figure(activation, depth, width, gain, seed)
        plt.show()

    controls = {
        "activation": widgets.Dropdown(options=list(ACTIVATION_NAMES), value=DEFAULTS["activation"]),
        "depth": widgets.IntSlider(value=DEFAULTS["depth"], min=1, max=200, description="depth"),
        "width": widgets.IntSlider(value=DEFAULTS["width"], min=1, max=64, description="width"),
        "gain": widgets.FloatLogSlider(value=DEFAULTS["gain"], base=10, min=-1, max=1.5, step=0.05,
                                       description="gain"),
        "seed": widgets.IntSlider(value=DEFAULTS["seed"], min=0, max=20, description="seed"),
    }
    return widgets.interactive(show, **controls)


def smooth_activations_figure(x_range: tuple[float, float] = (-4.0, 3.0)) -> Any:
    """SiLU and ELU beside ReLU: the functions (left) and their derivatives (right), from mathdl.

    Parameters
    ----------
    x_range : (float, float)

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Neurons, "SiLU and ELU" (claims ``activations.silu-derivative``, ``activations.elu-derivative``).
    """
    import matplotlib.pyplot as plt

    from mathdl.activations import relu, relu_vjp
    from mathdl.activations_smooth import elu, elu_vjp, silu, silu_vjp

    x = np.linspace(*x_range, 701)
    one = np.ones_like(x)
    curves = [(r"$\mathrm{relu}$", relu(x), relu_vjp(one, x)), (r"$\mathrm{silu}$", silu(x), silu_vjp(one, x)),
              (r"$\mathrm{elu}_1$", elu(x), elu_vjp(one, x))]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), facecolor="white")
    for label, y, dy in curves:
        left.plot(x, y, label=label)
        right.plot(x, dy, label=label + "$'$")
    for ax, title in ((left, r"$\psi(x)$"), (right, r"$\psi'(x)$")):
        _style(ax)
        ax.set_xlabel("$x$", fontsize=LABEL_SIZE)
        ax.set_title(title, fontsize=TITLE_SIZE)
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left", framealpha=0.9)
    fig.tight_layout()
    return fig


def init_depth_figure(profiles: dict[str, Any], predicted: dict[str, float]) -> Any:
    """log10 of the pre-activations' mean square against depth, measured (solid) and predicted (dotted).

    Parameters
    ----------
    profiles : dict
        Label (mathtext allowed) -> measured mean squares, shape (depth + 1,), as returned by
        :func:`mathdl.initialization.second_moment_through_depth`.
    predicted : dict
        Label -> predicted per-layer gain (:func:`mathdl.initialization.predicted_gain`), same keys.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the keys differ or a profile is not a positive 1-D array.

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claim ``activations.init-depth``).
    """
    import matplotlib.pyplot as plt

    if set(profiles) != set(predicted) or not profiles:
        raise ValueError("init_depth_figure: profiles and predicted must have the same non-empty keys; got "
                         f"{sorted(profiles)} and {sorted(predicted)}.")
    fig, ax = plt.subplots(figsize=(7.5, 4.0), facecolor="white")
    for i, (label, prof) in enumerate(profiles.items()):
        prof = np.asarray(prof, dtype=float)
        if prof.ndim != 1 or prof.size < 2 or np.any(prof <= 0):
            raise ValueError(f"init_depth_figure: profile {label!r} must be a 1-D array of positive numbers, length "
                             ">= 2.")
        layers = np.arange(prof.size)
        color = f"C{i}"
        ax.plot(layers, np.log10(prof), "-", color=color, label=label)
        ax.plot(layers, np.log10(prof[0]) + layers * np.log10(predicted[label]), ":", color=color)
    _style(ax)
    ax.set_xlabel(r"layer $l$", fontsize=LABEL_SIZE)
    ax.set_ylabel(r"$\log_{10}\, E[a_l^2]$", fontsize=LABEL_SIZE)
    ax.legend(fontsize=LEGEND_SIZE, loc="lower left", framealpha=0.9)
    fig.tight_layout()
    return fig


def surrogate_losses_figure(delta: float = 1.0) -> Any:
    """Left: 0-1, hinge and logistic (base 2) losses against the margin y z. Right: squared vs Huber loss.

    Parameters
    ----------
    delta : float > 0
        Huber's threshold.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Neurons, "Huber and hinge losses" (claims ``losses.hinge-upper-bound``, ``losses.huber-gradient``).
    """
    import matplotlib.pyplot as plt

    from mathdl.activations import softplus
    from mathdl.losses import hinge, huber

    m = np.linspace(-3.0, 3.0, 601)
    hinge_curve = np.array([hinge(np.array([[v]]), np.array([[1.0]])) for v in m])
    zero_one = (m <= 0).astype(float)
    logistic2 = softplus(-m) / math.log(2.0)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), facecolor="white")
    left.plot(m, zero_one, label=r"$\mathbf{1}[yz \leq 0]$")
    left.plot(m, hinge_curve, label=r"$\max(0, 1 - yz)$")
    left.plot(m, logistic2, label=r"$\log_2(1 + e^{-yz})$")
    left.set_xlabel(r"margin $yz$", fontsize=LABEL_SIZE)
    r = np.linspace(-3.0, 3.0, 601)
    hub = np.array([huber(np.array([[v]]), np.zeros((1, 1)), delta) for v in r])
    right.plot(r, 0.5 * r * r, label=r"$\frac{1}{2}r^2$")
    right.plot(r, hub, label=rf"Huber, $\delta = {delta:g}$")
    right.set_xlabel(r"residual $r = \hat{y} - y$", fontsize=LABEL_SIZE)
    for ax in (left, right):
        _style(ax)
        ax.legend(fontsize=LEGEND_SIZE, loc="upper center", framealpha=0.9)
    fig.tight_layout()
    return fig


def reliability_figure(before: tuple[Any, Any, Any], after: tuple[Any, Any, Any],
                       labels: tuple[str, str] = ("before", "after")) -> Any:
    """Reliability diagram: accuracy against confidence per bin, before and after temperature scaling.

    Parameters
    ----------
    before, after : (confidence, accuracy, count)
        As returned by :func:`mathdl.softmax.calibration_bins`.
    labels : (str, str)

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Neurons, "Calibration" (claim ``activations.calibration``).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.2), facecolor="white")
    ax.plot([0, 1], [0, 1], ":", color="0.4", label="perfect calibration")
    for (conf, acc, count), label, marker in zip((before, after), labels, ("o", "s")):
        conf, acc, count = (np.asarray(a) for a in (conf, acc, count))
        keep = count > 0
        ax.plot(conf[keep], acc[keep], marker + "-", ms=5, label=label)
    ax.set_xlabel(r"confidence $\max_j\, p_j$", fontsize=LABEL_SIZE)
    ax.set_ylabel("accuracy", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=LEGEND_SIZE, loc="upper left", framealpha=0.9)
    fig.tight_layout()
    return fig

"""Part of the Neurons chapter: weight initialization from variance preservation (Glorot/Xavier and He/Kaiming).

A layer computes ``a = h @ W`` with ``W`` of shape (n_in, n_out). With independent zero-mean weights of variance
``v``, independent of the inputs, each pre-activation has second moment ``n_in * v * E[h^2]``. Keeping that
number constant from layer to layer gives the initialization scales derived in ``book/neurons.ipynb``:

* :func:`glorot_variance` -- ``2 / (n_in + n_out)``, the compromise between forward (``1 / n_in``) and backward
  (``1 / n_out``) preservation for linear or tanh-like units; :func:`glorot_uniform_limit` is the half-width
  ``sqrt(6 / (n_in + n_out))`` of the uniform distribution with that variance;
* :func:`he_variance` -- ``2 / n_in``, because a ReLU keeps half of a symmetric input's second moment;
* :func:`init_weights` draws a seeded weight matrix; :func:`second_moment_through_depth` measures the
  pre-activations' second moment layer by layer and :func:`predicted_gain` is the per-layer factor the
  derivation predicts.

The claim ids (``activations.glorot-init``, ``activations.he-init``, ``activations.init-depth``) are declared in
:data:`mathdl.activations.CLAIMS`; ``tests/test_initialization.py`` checks each one.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = [
    "ACTIVATION_FACTOR",
    "SCHEMES",
    "glorot_uniform_limit",
    "glorot_variance",
    "he_variance",
    "init_weights",
    "predicted_gain",
    "second_moment_through_depth",
]

#: E[psi(a)^2] / E[a^2] for a symmetric zero-mean a: 1 for the identity, 1/2 for ReLU.
ACTIVATION_FACTOR = {"linear": 1.0, "relu": 0.5}
#: The initialization schemes by name.
SCHEMES = ("glorot", "he")


def _fan(n: object, name: str, func: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{func}: {name} must be a positive integer (a layer width); got {type(n).__name__}.")
    if int(n) < 1:
        raise ValueError(f"{func}: {name} must be a positive integer (a layer width); got {n!r}.")
    return int(n)


def _choice(value: object, allowed: tuple[str, ...], name: str, func: str) -> str:
    if value not in allowed:
        raise ValueError(f"{func}: {name} must be one of {allowed}; got {value!r}.")
    return str(value)


def glorot_variance(n_in: int, n_out: int) -> float:
    r"""The Glorot (Xavier) weight variance ``2 / (n_in + n_out)``.

    Parameters
    ----------
    n_in, n_out : int >= 1
        Fan-in and fan-out of the layer (W has shape (n_in, n_out)).

    Returns
    -------
    float

    Notes
    -----
    Forward preservation asks :math:`n_\mathrm{in}\,\operatorname{Var} w = 1`, backward preservation
    :math:`n_\mathrm{out}\,\operatorname{Var} w = 1`; Glorot and Bengio take the harmonic mean of the two
    variances:

    .. math:: \operatorname{Var} w = \frac{2}{n_\mathrm{in} + n_\mathrm{out}} .

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claim ``activations.glorot-init``).

    Examples
    --------
    >>> glorot_variance(100, 300)
    0.005
    """
    n_in, n_out = _fan(n_in, "n_in", "glorot_variance"), _fan(n_out, "n_out", "glorot_variance")
    return 2.0 / (n_in + n_out)


def glorot_uniform_limit(n_in: int, n_out: int) -> float:
    r"""Half-width ``a`` of the uniform distribution U(-a, a) with the Glorot variance.

    Parameters
    ----------
    n_in, n_out : int >= 1

    Returns
    -------
    float

    Notes
    -----
    :math:`\operatorname{Var} U(-a, a) = a^2 / 3`, so :math:`a^2/3 = 2/(n_\mathrm{in} + n_\mathrm{out})` gives

    .. math:: a = \sqrt{\frac{6}{n_\mathrm{in} + n_\mathrm{out}}} .

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claim ``activations.glorot-init``).

    Examples
    --------
    >>> glorot_uniform_limit(100, 200)
    0.1414213562373095
    """
    n_in, n_out = _fan(n_in, "n_in", "glorot_uniform_limit"), _fan(n_out, "n_out", "glorot_uniform_limit")
    return math.sqrt(6.0 / (n_in + n_out))


def he_variance(n_in: int) -> float:
    r"""The He (Kaiming) weight variance for ReLU layers, ``2 / n_in``.

    Parameters
    ----------
    n_in : int >= 1
        Fan-in of the layer.

    Returns
    -------
    float

    Notes
    -----
    A ReLU keeps half of a symmetric pre-activation's second moment, :math:`E[\mathrm{relu}(a)^2] =
    \tfrac12 E[a^2]`, so :math:`n_\mathrm{in} \operatorname{Var} w \cdot \tfrac12 = 1` gives

    .. math:: \operatorname{Var} w = \frac{2}{n_\mathrm{in}} .

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claim ``activations.he-init``).

    Examples
    --------
    >>> he_variance(50)
    0.04
    """
    return 2.0 / _fan(n_in, "n_in", "he_variance")


def init_weights(n_in: int, n_out: int, scheme: str = "he", distribution: str = "normal",
                 seed: int = 0) -> np.ndarray:
    r"""A seeded weight matrix of shape (n_in, n_out) with the variance of ``scheme``.

    Parameters
    ----------
    n_in, n_out : int >= 1
    scheme : {"glorot", "he"}
    distribution : {"normal", "uniform"}
        Zero-mean normal with the scheme's variance, or U(-a, a) with ``a = sqrt(3 * variance)``.
    seed : int

    Returns
    -------
    ndarray, shape (n_in, n_out)

    Notes
    -----
    .. math:: W_{ij} \sim \mathcal N(0, v) \ \text{or}\ U(-\sqrt{3v}, \sqrt{3v}), \qquad
              v = \frac{2}{n_\mathrm{in} + n_\mathrm{out}} \ (\text{glorot}), \ \frac{2}{n_\mathrm{in}} \ (\text{he}).

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claims ``activations.glorot-init``,
    ``activations.he-init``).

    Examples
    --------
    >>> init_weights(3, 2, "glorot", "uniform", seed=0).shape
    (3, 2)
    """
    func = "init_weights"
    n_in, n_out = _fan(n_in, "n_in", func), _fan(n_out, "n_out", func)
    scheme = _choice(scheme, SCHEMES, "scheme", func)
    distribution = _choice(distribution, ("normal", "uniform"), "distribution", func)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{func}: seed must be an integer; got {type(seed).__name__}.")
    v = glorot_variance(n_in, n_out) if scheme == "glorot" else he_variance(n_in)
    rng = np.random.default_rng(int(seed))
    if distribution == "normal":
        return rng.normal(scale=math.sqrt(v), size=(n_in, n_out))
    a = math.sqrt(3.0 * v)
    return rng.uniform(-a, a, size=(n_in, n_out))


def predicted_gain(activation: str, scheme: str, n_in: int, n_out: int) -> float:
    r"""The factor by which one layer multiplies the pre-activations' second moment, as derived.

    Parameters
    ----------
    activation : {"linear", "relu"}
    scheme : {"glorot", "he"}
    n_in, n_out : int >= 1

    Returns
    -------
    float

    Notes
    -----
    .. math:: \frac{E[a_{l+1}^2]}{E[a_l^2]} = n_\mathrm{in}\, \operatorname{Var}(w)\, c, \qquad
              c = 1 \ (\text{linear}), \ \tfrac12 \ (\text{relu}).

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claim ``activations.init-depth``).

    Examples
    --------
    >>> predicted_gain("relu", "glorot", 64, 64)
    0.5
    """
    func = "predicted_gain"
    activation = _choice(activation, tuple(ACTIVATION_FACTOR), "activation", func)
    scheme = _choice(scheme, SCHEMES, "scheme", func)
    n_in, n_out = _fan(n_in, "n_in", func), _fan(n_out, "n_out", func)
    v = glorot_variance(n_in, n_out) if scheme == "glorot" else he_variance(n_in)
    return n_in * v * ACTIVATION_FACTOR[activation]


def second_moment_through_depth(activation: str = "relu", scheme: str = "he", depth: int = 50, width: int = 256,
                                n: int = 256, seed: int = 0) -> np.ndarray:
    r"""Measured mean square of the pre-activations at each layer of a random deep network.

    Parameters
    ----------
    activation : {"linear", "relu"}
    scheme : {"glorot", "he"}
    depth : int >= 1
        Number of layers.
    width : int >= 1
        Width of every layer (n_in = n_out = width).
    n : int >= 1
        Number of input examples, each entry N(0, 1).
    seed : int

    Returns
    -------
    ndarray, shape (depth + 1,)
        Entry 0 is the inputs' mean square (the layer-0 "pre-activation"); entry l the mean of :math:`a_l^2`.

    Notes
    -----
    .. math:: a_0 = x, \qquad a_{l+1} = \psi(a_l)\, W_{l+1}, \qquad
              \text{entry } l = \frac{1}{n\,d} \sum_{i,j} (a_l)_{ij}^2 .

    The derivation predicts entry l = entry 0 times :func:`predicted_gain` to the power l.

    References
    ----------
    Book: Neurons, "Initialization from variance preservation" (claim ``activations.init-depth``).

    Examples
    --------
    >>> m = second_moment_through_depth("relu", "he", depth=3, width=64, n=64)
    >>> m.shape
    (4,)
    """
    func = "second_moment_through_depth"
    activation = _choice(activation, tuple(ACTIVATION_FACTOR), "activation", func)
    scheme = _choice(scheme, SCHEMES, "scheme", func)
    depth, width, n = _fan(depth, "depth", func), _fan(width, "width", func), _fan(n, "n", func)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{func}: seed must be an integer; got {type(seed).__name__}.")
    rng = np.random.default_rng(int(seed))
    a = rng.standard_normal((n, width))
    out = [float(np.mean(a * a))]
    for layer in range(depth):
        h = a if activation == "linear" else np.maximum(a, 0.0)
        a = h @ init_weights(width, width, scheme, "normal", seed=int(seed) * 1000 + layer + 1)
        out.append(float(np.mean(a * a)))
    return np.array(out)

r"""Chapter "Neurons" — the smooth relatives of ReLU: GELU, SiLU, ELU and their vector-Jacobian products.

Each function sits beside the vector-Jacobian product derived for it in ``book/neurons.ipynb``
(``f_vjp(g, x)`` returns ``g * f'(x)``, ``g`` shaped like ``x``):

* :func:`gelu` :math:`= x\,\Phi(x)`, with the normal distribution function :func:`normal_cdf` accurate in both tails;
* :func:`silu` :math:`= x\,\sigma(x)`, built on :func:`mathdl.activations.sigmoid`;
* :func:`elu` :math:`= \alpha(e^x - 1)` for :math:`x \le 0`, with the saturation level ``alpha``.

:data:`ELEMENTWISE` is the registry of the elementwise activations of both modules by name; it is here because this
module imports :mod:`mathdl.activations` (the sigmoid and ReLU families, and the chapter's claim ids in
:data:`mathdl.activations.CLAIMS`), which does not import this one. ``tests/test_activations_smooth.py`` checks
every function; the same stability rules hold: float64 out, no overflow and no warning at ``|x| ~ 1e300``.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mathdl.activations import (
    leaky_relu,
    leaky_relu_vjp,
    relu,
    relu_vjp,
    sigmoid,
    sigmoid_vjp,
    softplus,
    softplus_vjp,
    tanh,
    tanh_vjp,
)
from mathdl.validate import cotangent as _cotangent
from mathdl.validate import real_array as _real

__all__ = [
    "ELEMENTWISE",
    "elu",
    "elu_vjp",
    "gelu",
    "gelu_vjp",
    "normal_cdf",
    "silu",
    "silu_vjp",
]


# ------------------------------------------------------------------------------------------------ GELU

_erfc = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    r"""The standard normal distribution function :math:`\Phi`, elementwise, accurate in both tails.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``, values in [0, 1]

    Notes
    -----
    .. math:: \Phi(x) = \tfrac12\bigl(1 + \operatorname{erf}(x/\sqrt2)\bigr) = \tfrac12 \operatorname{erfc}(-x/\sqrt2).

    The ``erfc`` form (``math.erfc`` elementwise) avoids the cancellation ``1 + erf`` suffers for
    :math:`x \ll 0`.

    References
    ----------
    Book: Neurons, "GELU" (claim ``activations.gelu-derivative``).

    Examples
    --------
    >>> normal_cdf(np.array([0.0])).item()
    0.5
    """
    x = _real(x, "x", "normal_cdf")
    with np.errstate(under="ignore"):
        return np.asarray(0.5 * _erfc(-x / math.sqrt(2.0)), dtype=np.float64).reshape(x.shape)


def gelu(x: np.ndarray) -> np.ndarray:
    r"""Gaussian error linear unit (exact form, with the normal distribution function).

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{gelu}(x) = x\,\Phi(x) = \frac{x}{2}\Bigl(1 + \operatorname{erf}\frac{x}{\sqrt2}\Bigr).

    References
    ----------
    Book: Neurons, "GELU" (claim ``activations.gelu-derivative``); Hendrycks & Gimpel (2016).

    Examples
    --------
    >>> gelu(np.array([-1.0, 0.0, 1.0])).round(6)
    array([-0.158655,  0.      ,  0.841345])
    """
    x = _real(x, "x", "gelu")
    return x * normal_cdf(x)


def gelu_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`gelu`: ``g * (Phi(x) + x phi(x))``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{gelu}'(x) = \Phi(x) + x\,\varphi(x), \qquad
              \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}} .

    References
    ----------
    Book: Neurons, "GELU" (claim ``activations.gelu-derivative``).

    Examples
    --------
    >>> gelu_vjp(np.ones(1), np.zeros(1))
    array([0.5])
    """
    x = _real(x, "x", "gelu_vjp")
    g = _cotangent(g, x, "gelu_vjp")
    t = np.minimum(np.abs(x), 40.0)  # phi(40) = e^{-800} / sqrt(2 pi) is 0 in float64; x*x could overflow
    with np.errstate(under="ignore"):
        pdf = np.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)
    return g * (normal_cdf(x) + x * pdf)


# ------------------------------------------------------------------------------------------- SiLU, ELU

def silu(x: np.ndarray) -> np.ndarray:
    r"""SiLU (Swish with beta = 1): the input weighted by its own sigmoid, ``x * sigmoid(x)``.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{silu}(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}} .

    Computed from the overflow-free :func:`sigmoid`; smooth, unbounded above, bounded below (minimum about
    -0.278 near x = -1.278), not monotone.

    References
    ----------
    Book: Neurons, "SiLU and ELU" (claim ``activations.silu-derivative``).

    Examples
    --------
    >>> silu(np.array([-1000.0, 0.0, 2.0])).round(6)
    array([-0.      ,  0.      ,  1.761594])
    """
    x = _real(x, "x", "silu")
    return x * sigmoid(x)


def silu_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`silu`: ``g * sigma(x) (1 + x (1 - sigma(x)))``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{silu}'(x) = \sigma(x) + x\,\sigma(x)(1 - \sigma(x))
              = \sigma(x)\bigl(1 + x\,\sigma(-x)\bigr),

    with :math:`1 - \sigma(x) = \sigma(-x)` evaluated without cancellation.

    References
    ----------
    Book: Neurons, "SiLU and ELU" (claim ``activations.silu-derivative``).

    Examples
    --------
    >>> silu_vjp(np.ones(2), np.array([0.0, -2.0])).round(6)
    array([ 0.5     , -0.090784])
    """
    x = _real(x, "x", "silu_vjp")
    g = _cotangent(g, x, "silu_vjp")
    return g * sigmoid(x) * (1.0 + x * sigmoid(-x))


def _elu_alpha(alpha: object, func: str) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: alpha must be a real number; got {type(alpha).__name__}.")
    if not (0.0 < float(alpha) < math.inf):
        raise ValueError(f"{func}: alpha (the negative saturation level) must be positive and finite; got {alpha!r}. "
                         "The usual value is 1.0.")
    return float(alpha)


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r"""Exponential linear unit: ``x`` for positive inputs, ``alpha (e^x - 1)`` for the others.

    Parameters
    ----------
    x : ndarray, any shape
    alpha : float > 0
        The negative saturation level: elu(x) -> -alpha as x -> -oo.

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{elu}_\alpha(x) = x \ (x > 0), \qquad \alpha\,(e^{x} - 1) \ (x \le 0).

    ``expm1`` keeps full relative accuracy near 0; ``e^x`` is only evaluated at ``x <= 0``.

    References
    ----------
    Book: Neurons, "SiLU and ELU" (claim ``activations.elu-derivative``).

    Examples
    --------
    >>> elu(np.array([-1000.0, 0.0, 3.0]))
    array([-1.,  0.,  3.])
    """
    x = _real(x, "x", "elu")
    alpha = _elu_alpha(alpha, "elu")
    with np.errstate(under="ignore"):
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_vjp(g: np.ndarray, x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`elu`: ``g * (1 if x > 0 else alpha e^x)``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape
    alpha : float > 0

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{elu}_\alpha'(x) = 1 \ (x > 0), \qquad \alpha e^{x}
              = \operatorname{elu}_\alpha(x) + \alpha \ (x < 0);

    at 0 we use the left derivative ``alpha`` (equal to the right one exactly when ``alpha = 1``).

    References
    ----------
    Book: Neurons, "SiLU and ELU" (claim ``activations.elu-derivative``).

    Examples
    --------
    >>> elu_vjp(np.ones(2), np.array([-1.0, 2.0])).round(6)
    array([0.367879, 1.      ])
    """
    x = _real(x, "x", "elu_vjp")
    g = _cotangent(g, x, "elu_vjp")
    alpha = _elu_alpha(alpha, "elu_vjp")
    with np.errstate(under="ignore"):
        return np.where(x > 0, g, g * alpha * np.exp(np.minimum(x, 0.0)))


_Forward = Callable[[np.ndarray], np.ndarray]
_VJP = Callable[[np.ndarray, np.ndarray], np.ndarray]
#: The elementwise activations of both modules by name: ``name -> (f, f_vjp)``, with ``f_vjp(g, x) = g * f'(x)``.
#: It lives here, not in :mod:`mathdl.activations`, because this module imports that one (not the reverse).
ELEMENTWISE: dict[str, tuple[_Forward, _VJP]] = {
    "sigmoid": (sigmoid, sigmoid_vjp),
    "tanh": (tanh, tanh_vjp),
    "relu": (relu, relu_vjp),
    "leaky_relu": (leaky_relu, leaky_relu_vjp),
    "softplus": (softplus, softplus_vjp),
    "gelu": (gelu, gelu_vjp),
}

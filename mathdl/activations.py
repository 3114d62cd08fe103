"""Chapter "Neurons" — activation functions and their vector-Jacobian products: the sigmoid and ReLU families.

A neuron computes ``psi(x @ w + b)``; this module holds the nonlinearities ``psi`` the chapter starts from, each
beside the vector-Jacobian product derived for it in ``book/neurons.ipynb``:

* elementwise: :func:`sigmoid`, :func:`tanh`, :func:`relu`, :func:`leaky_relu`, :func:`softplus` -- any shape;
  ``f_vjp(g, x)`` returns ``g * f'(x)`` (``g`` shaped like ``x``); and :func:`dead_unit_fraction`, the dying-ReLU
  diagnostic;
* the smooth relatives of ReLU -- :func:`~mathdl.activations_smooth.gelu` (with the normal distribution function
  :func:`~mathdl.activations_smooth.normal_cdf`), :func:`~mathdl.activations_smooth.silu`,
  :func:`~mathdl.activations_smooth.elu` and their VJPs -- live in :mod:`mathdl.activations_smooth`, which imports
  this module (SiLU is built on :func:`sigmoid`) and so also holds the registry
  :data:`~mathdl.activations_smooth.ELEMENTWISE` of all the elementwise activations by name;
* row-wise on logits of shape (n, k): :func:`~mathdl.softmax.logsumexp`, :func:`~mathdl.softmax.softmax`,
  :func:`~mathdl.softmax.log_softmax` and their VJPs live in :mod:`mathdl.softmax`.

Every function returns float64 and is written in a numerically stable form: no overflow, no overflow
warnings, for inputs as large as ``|x| ~ 1e300`` where the mathematics allows it. Claim ids in :data:`CLAIMS`
name the facts the book proves about them (the smooth and softmax ones included); ``tests/test_activations.py``,
``tests/test_activations_smooth.py`` and ``tests/test_softmax.py`` check each one.
"""
from __future__ import annotations

import numpy as np

from mathdl.validate import cotangent as _cotangent
from mathdl.validate import real_array as _real

__all__ = [
    "CLAIMS",
    "dead_unit_fraction",
    "leaky_relu",
    "leaky_relu_vjp",
    "relu",
    "relu_vjp",
    "sigmoid",
    "sigmoid_vjp",
    "softplus",
    "softplus_vjp",
    "tanh",
    "tanh_vjp",
]

#: The facts of this chapter's activation half, by claim id.
CLAIMS = {
    "activations.sigmoid-derivative": "sigma'(x) = sigma(x) (1 - sigma(x))",
    "activations.sigmoid-derivative-max": "sigma' has its unique maximum 1/4 at x = 0 and tends to 0 as |x| -> oo",
    "activations.tanh-derivative": "tanh'(x) = 1 - tanh(x)^2, and tanh(x) = 2 sigma(2x) - 1",
    "activations.relu-derivative": "relu'(x) = 1 for x > 0 and 0 for x < 0; at 0 the one-sided difference quotients "
                                   "are 1 and 0, so relu'(0) does not exist (relu_vjp uses the subgradient 0 there, "
                                   "a convention)",
    "activations.leaky-relu-derivative": "leaky_relu'(x) = 1 for x > 0 and alpha for x < 0 (leaky_relu_vjp uses the "
                                         "subgradient alpha at 0, a convention)",
    "activations.softplus-derivative": "softplus'(x) = sigma(x); softplus(x) = max(x, 0) + log(1 + e^{-|x|})",
    "activations.gelu-derivative": "gelu(x) = x Phi(x) and gelu'(x) = Phi(x) + x phi(x)",
    "activations.softmax-shift-invariance": "softmax(z + c 1) = softmax(z), so log-sum-exp may subtract max z",
    "activations.softmax-jacobian": "d softmax(z) / dz = diag(p) - p p^T",
    "activations.log-softmax-jacobian": "d log_softmax(z) / dz = I - 1 p^T",
    "activations.vanishing-gradient": "the gradient through k sigmoid layers is the product of the layers' "
                                      "derivatives (proved for three scalar layers), hence bounded by "
                                      "prod_l ||W_l|| / 4 (by hand; the bound is measured at every layer of random "
                                      "30-layer chains)",
    "activations.silu-derivative": "silu(x) = x sigma(x) has silu'(x) = sigma(x) (1 + x (1 - sigma(x))); it is not "
                                   "monotone (silu'(-2) < 0)",
    "activations.elu-derivative": "elu'(x) = 1 for x > 0 and alpha e^x = elu(x) + alpha for x < 0; the one-sided "
                                  "derivatives at 0 are 1 and alpha, equal exactly when alpha = 1",
    "activations.dying-relu": "a ReLU unit whose pre-activation is negative on every example receives exactly zero "
                              "gradient for its weights and bias, so gradient descent never revives it (measured: "
                              "dead fraction after a large negative bias shift; leaky ReLU and ELU still pass "
                              "gradient)",
    "activations.glorot-init": "Var(sum_i w_i x_i) = n_in Var(w) E[x^2] for independent zero-mean weights; preserving "
                               "the variance forward (n_in Var w = 1) and backward (n_out Var w = 1) is compromised "
                               "by Var(w) = 2 / (n_in + n_out), i.e. U(-a, a) with a = sqrt(6 / (n_in + n_out))",
    "activations.he-init": "for a ~ N(0, s^2), E[relu(a)^2] = s^2 / 2, so a ReLU layer preserves the second moment "
                           "when Var(w) = 2 / n_in",
    "activations.init-depth": "through L layers the pre-activation variance is multiplied by (n Var(w) c)^L with "
                              "c = 1 (linear) or 1/2 (ReLU): measured constant for He/ReLU and Glorot/linear, "
                              "halving per layer for Glorot-with-ReLU",
    "activations.proper-scoring-rule": "the expected log loss E_{y ~ Bernoulli(q)}[-y log p - (1 - y) log(1 - p)] "
                                       "is minimised exactly at p = q (strictly convex in p): cross-entropy rewards "
                                       "calibrated probabilities",
    "activations.calibration": "temperature scaling (softmax(z / T), T fitted by NLL on held-out data) lowers the "
                               "expected calibration error of an overconfident classifier without changing its "
                               "argmax predictions (measured)",
}


# --------------------------------------------------------------------------------------------- sigmoid

def sigmoid(x: np.ndarray) -> np.ndarray:
    r"""The logistic sigmoid, elementwise, without overflow.

    Parameters
    ----------
    x : ndarray, any shape
        Pre-activations.

    Returns
    -------
    ndarray, shape of ``x``, float64
        Values in [0, 1] (in exact arithmetic (0, 1); float64 rounds to 0 or 1 beyond ``|x| > 745`` / ``37``).

    Raises
    ------
    TypeError, ValueError
        Non-real or non-finite input.

    Notes
    -----
    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}} =
              \begin{cases} 1 / (1 + e^{-|x|}) & x \ge 0 \\ e^{-|x|} / (1 + e^{-|x|}) & x < 0 \end{cases}

    Both branches use :math:`e^{-|x|} \le 1`, so nothing overflows.

    References
    ----------
    Book: Neurons, "Sigmoid" (claims ``activations.sigmoid-derivative``, ``activations.sigmoid-derivative-max``).

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = _real(x, "x", "sigmoid")
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`sigmoid`: ``g * sigma'(x)``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
        Upstream gradient.
    x : ndarray, any shape
        The input at which :func:`sigmoid` was evaluated.

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \sigma'(x) = \sigma(x)\,(1 - \sigma(x)) = \frac{e^{-|x|}}{(1 + e^{-|x|})^2} \le \tfrac14 .

    The second form is even in ``x`` and keeps full relative accuracy in the tails. Since
    :math:`\sigma' \le 1/4`, each sigmoid layer shrinks a back-propagated gradient by at least 4 unless its
    weights stretch it back.

    References
    ----------
    Book: Neurons, "Sigmoid" (claims ``activations.sigmoid-derivative``, ``activations.sigmoid-derivative-max``);
    "Vanishing and exploding gradients" (claim ``activations.vanishing-gradient``).

    Examples
    --------
    >>> sigmoid_vjp(np.ones(3), np.array([-2.0, 0.0, 2.0])).round(6)
    array([0.104994, 0.25    , 0.104994])
    """
    x = _real(x, "x", "sigmoid_vjp")
    g = _cotangent(g, x, "sigmoid_vjp")
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        return g * (e / (1.0 + e) ** 2)


# ------------------------------------------------------------------------------------------------ tanh

def tanh(x: np.ndarray) -> np.ndarray:
    r"""Hyperbolic tangent, elementwise (``numpy.tanh``, which saturates to +-1 without overflow).

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``, values in [-1, 1]

    Notes
    -----
    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1 .

    References
    ----------
    Book: Neurons, "Tanh" (claim ``activations.tanh-derivative``).

    Examples
    --------
    >>> tanh(np.array([0.0, 1000.0]))
    array([0., 1.])
    """
    x = _real(x, "x", "tanh")
    return np.tanh(x)


def tanh_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`tanh`: ``g * (1 - tanh(x)^2)``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \tanh'(x) = 1 - \tanh^2(x) = \frac{4 e^{-2|x|}}{(1 + e^{-2|x|})^2} .

    The second form (used here) keeps relative accuracy where :math:`1 - \tanh^2` would cancel to 0.

    References
    ----------
    Book: Neurons, "Tanh" (claim ``activations.tanh-derivative``).

    Examples
    --------
    >>> tanh_vjp(np.ones(2), np.array([0.0, 1.0])).round(6)
    array([1.      , 0.419974])
    """
    x = _real(x, "x", "tanh_vjp")
    g = _cotangent(g, x, "tanh_vjp")
    with np.errstate(under="ignore"):
        e = np.exp(-2.0 * np.abs(x))
        return g * (4.0 * e / (1.0 + e) ** 2)


# ------------------------------------------------------------------------------------------------ ReLU

def relu(x: np.ndarray) -> np.ndarray:
    r"""Rectified linear unit, elementwise.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{relu}(x) = \max(x, 0) .

    References
    ----------
    Book: Neurons, "ReLU" (claim ``activations.relu-derivative``); Nair & Hinton (2010).

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    x = _real(x, "x", "relu")
    return np.maximum(x, 0.0)


def relu_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`relu`: ``g * 1[x > 0]``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{relu}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}

    ReLU is not differentiable at 0 (the one-sided derivatives are 0 and 1); any slope in its subdifferential
    [0, 1] is a valid subgradient, and like PyTorch we use 0 there -- a convention, not a derivative.

    References
    ----------
    Book: Neurons, "ReLU" (claim ``activations.relu-derivative``).

    Examples
    --------
    >>> relu_vjp(np.array([5.0, 5.0, 5.0]), np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 5.])
    """
    x = _real(x, "x", "relu_vjp")
    g = _cotangent(g, x, "relu_vjp")
    return np.where(x > 0, g, 0.0)


def _slope(alpha: object, func: str) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: alpha must be a real number; got {type(alpha).__name__}.")
    if not (0.0 <= float(alpha) < 1.0):
        raise ValueError(f"{func}: alpha (the negative slope) must be in [0, 1); got {alpha!r}. "
                         "Typical values are 0.01 to 0.2.")
    return float(alpha)


def leaky_relu(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: slope 1 for positive inputs, slope ``alpha`` for negative ones.

    Parameters
    ----------
    x : ndarray, any shape
    alpha : float in [0, 1)
        Negative slope.

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{lrelu}_\alpha(x) = \max(x, \alpha x) \quad (0 \le \alpha < 1).

    References
    ----------
    Book: Neurons, "ReLU and leaky ReLU" (claim ``activations.leaky-relu-derivative``).

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 3.0]), alpha=0.1)
    array([-0.2,  3. ])
    """
    x = _real(x, "x", "leaky_relu")
    alpha = _slope(alpha, "leaky_relu")
    return np.where(x > 0, x, alpha * x)


def leaky_relu_vjp(g: np.ndarray, x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`leaky_relu`: ``g * (1 if x > 0 else alpha)``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape
    alpha : float in [0, 1)

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{lrelu}_\alpha'(x) = 1 \ (x > 0), \quad \alpha \ (x < 0); \text{ we use } \alpha
              \text{ at } 0.

    References
    ----------
    Book: Neurons, "ReLU and leaky ReLU" (claim ``activations.leaky-relu-derivative``).

    Examples
    --------
    >>> leaky_relu_vjp(np.ones(2), np.array([-2.0, 3.0]), alpha=0.1)
    array([0.1, 1. ])
    """
    x = _real(x, "x", "leaky_relu_vjp")
    g = _cotangent(g, x, "leaky_relu_vjp")
    alpha = _slope(alpha, "leaky_relu_vjp")
    return np.where(x > 0, g, alpha * g)


# -------------------------------------------------------------------------------------------- softplus

def softplus(x: np.ndarray) -> np.ndarray:
    r"""Softplus, a smooth ReLU, without overflow for any finite input.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``, positive

    Notes
    -----
    .. math:: \operatorname{softplus}(x) = \log(1 + e^{x}) = \max(x, 0) + \log(1 + e^{-|x|}) .

    The naive form overflows at :math:`x \gtrsim 710`; the second never exponentiates a positive number.

    References
    ----------
    Book: Neurons, "Softplus" (claim ``activations.softplus-derivative``).

    Examples
    --------
    >>> softplus(np.array([-1000.0, 0.0, 1000.0])).round(6).tolist()
    [0.0, 0.693147, 1000.0]
    """
    x = _real(x, "x", "softplus")
    with np.errstate(under="ignore"):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softplus_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`softplus`: ``g * sigmoid(x)``.

    Parameters
    ----------
    g : ndarray, shape of ``x``
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    .. math:: \operatorname{softplus}'(x) = \frac{e^x}{1 + e^x} = \sigma(x) .

    References
    ----------
    Book: Neurons, "Softplus" (claim ``activations.softplus-derivative``).

    Examples
    --------
    >>> softplus_vjp(np.ones(1), np.zeros(1))
    array([0.5])
    """
    x = _real(x, "x", "softplus_vjp")
    g = _cotangent(g, x, "softplus_vjp")
    return g * sigmoid(x)


def dead_unit_fraction(a: np.ndarray) -> float:
    r"""Fraction of ReLU units that are dead on a batch: pre-activation <= 0 for every example.

    Parameters
    ----------
    a : ndarray, shape (n, d)
        Pre-activations of d units on n examples.

    Returns
    -------
    float in [0, 1]

    Notes
    -----
    Unit j is dead on the batch when :math:`a_{ij} \le 0` for all i: then
    :math:`\mathrm{relu}'(a_{ij}) = 0` for every example, and the gradients of the loss with respect to the unit's
    weights, :math:`\sum_i x_i\, g_{ij}\, \mathrm{relu}'(a_{ij})`, and bias are exactly zero.

    References
    ----------
    Book: Neurons, "Dying ReLU" (claim ``activations.dying-relu``).

    Examples
    --------
    >>> dead_unit_fraction(np.array([[-1.0, 2.0], [-3.0, -1.0]]))
    0.5
    """
    a = _real(a, "a", "dead_unit_fraction")
    if a.ndim != 2 or a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"dead_unit_fraction: a must be 2-D (n examples, d units) with n, d >= 1; got shape "
                         f"{a.shape}.")
    return float(np.mean(np.all(a <= 0.0, axis=0)))

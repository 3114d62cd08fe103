"""Part of the Neurons chapter: softmax, log-softmax and log-sum-exp, row-wise on logits, with their VJPs.

Softmax turns each row of logits ``z`` of shape (n, k) into a probability vector. This module holds
:func:`logsumexp`, :func:`log_softmax`, :func:`softmax`, the Jacobian :func:`softmax_jacobian` and the
vector-Jacobian products :func:`softmax_vjp` and :func:`log_softmax_vjp`, each derived in
``book/neurons.ipynb``. The elementwise activations live in :mod:`mathdl.activations`, which also holds the
chapter's :data:`~mathdl.activations.CLAIMS` (ids ``activations.softmax-shift-invariance``,
``activations.softmax-jacobian``, ``activations.log-softmax-jacobian``).

Every function returns float64 and is written in a numerically stable form (the log-sum-exp shift): no
overflow, no overflow warnings, for logits as large as ``|z| ~ 1e300``. ``tests/test_softmax.py`` checks
each claim.
"""
from __future__ import annotations

import numpy as np

from mathdl.activations import _cotangent
from mathdl.validate import real_array as _real

__all__ = [
    "log_softmax",
    "log_softmax_vjp",
    "logsumexp",
    "softmax",
    "softmax_jacobian",
    "softmax_vjp",
]


# ------------------------------------------------------------------------------------------ validation

def _logits(z: object, func: str) -> np.ndarray:
    z = _real(z, "z", func)
    if z.ndim != 2:
        hint = " Use z[None, :] for one example." if z.ndim == 1 else ""
        raise ValueError(f"{func}: z (the logits) must be 2-D (n, k); got shape {z.shape}.{hint}")
    if z.shape[1] < 1:
        raise ValueError(f"{func}: z must have at least one column (k >= 1); got shape {z.shape}.")
    return z


# ---------------------------------------------------------------------------------- softmax and friends

def logsumexp(z: np.ndarray) -> np.ndarray:
    r"""Row-wise :math:`\log\sum_j e^{z_{ij}}`, computed after subtracting the row maximum.

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Logits, one example per row.

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    .. math:: \operatorname{lse}(z) = m + \log \sum_j e^{z_j - m}, \qquad m = \max_j z_j .

    Every exponent is at most 0 and one term equals 1, so the sum lies in [1, k]: no overflow, no log 0.

    References
    ----------
    Book: Neurons, "Softmax" (claim ``activations.softmax-shift-invariance``).

    Examples
    --------
    >>> logsumexp(np.array([[1000.0, 1000.0]])).round(6)
    array([1000.693147])
    """
    z = _logits(z, "logsumexp")
    m = np.max(z, axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        return (m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True)))[:, 0]


def log_softmax(z: np.ndarray) -> np.ndarray:
    r"""Row-wise log-softmax, :math:`z - \operatorname{lse}(z)`, finite for any finite logits.

    Parameters
    ----------
    z : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)
        Log-probabilities; each row's exponentials sum to 1.

    Notes
    -----
    .. math:: \log \operatorname{softmax}(z)_j = z_j - \operatorname{lse}(z)
              = (z_j - m) - \log \sum_l e^{z_l - m}, \qquad m = \max_l z_l .

    The second form is the one computed. The first, ``z - logsumexp(z)``, subtracts two numbers of size
    :math:`|z|` whose difference is O(1): at logits :math:`\sim 10^{12}` it loses about five digits (relative
    error ~3e-5), because ``lse`` is rounded to the spacing of floats near :math:`10^{12}` (~1e-4) before the
    subtraction. Subtracting the row maximum first is exact whenever ``z_j`` and ``m`` are within a factor 2 of
    each other (Sterbenz's lemma), as large logits that differ by O(1) are, and the logarithm is then taken of a
    number in [1, k]. ``softmax``, its Jacobian, the VJPs and
    :func:`mathdl.losses.softmax_cross_entropy` inherit this accuracy.

    References
    ----------
    Book: Neurons, "Softmax" (claim ``activations.log-softmax-jacobian``).

    Examples
    --------
    >>> log_softmax(np.array([[0.0, 0.0]])).round(6)
    array([[-0.693147, -0.693147]])
    """
    z = _logits(z, "log_softmax")
    shifted = z - np.max(z, axis=1, keepdims=True)  # exact for the entries that matter; every entry <= 0
    with np.errstate(under="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    r"""Row-wise softmax, via the log-sum-exp shift.

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Logits, one example per row.

    Returns
    -------
    p : ndarray, shape (n, k)
        Probabilities: non-negative, each row sums to 1.

    Raises
    ------
    ValueError
        If ``z`` is not 2-D, or holds NaN or infinity.

    Notes
    -----
    .. math:: p_j = \frac{e^{z_j}}{\sum_l e^{z_l}} = e^{z_j - \operatorname{lse}(z)} .

    References
    ----------
    Book: Neurons, "Softmax" (claims ``activations.softmax-shift-invariance``, ``activations.softmax-jacobian``).

    Examples
    --------
    >>> softmax(np.array([[1000.0, 1000.0, -1000.0]]))
    array([[0.5, 0.5, 0. ]])
    """
    z = _logits(z, "softmax")
    with np.errstate(under="ignore"):
        return np.exp(log_softmax(z))


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    r"""The Jacobian of :func:`softmax` for every row: ``diag(p) - p p^T``.

    Parameters
    ----------
    z : ndarray, shape (n, k)

    Returns
    -------
    J : ndarray, shape (n, k, k)
        ``J[i] = d softmax(z_i) / d z_i``, symmetric, rows summing to 0.

    Notes
    -----
    .. math:: \frac{\partial p_j}{\partial z_l} = p_j(\delta_{jl} - p_l), \qquad J = \operatorname{diag}(p) - p p^\top .

    References
    ----------
    Book: Neurons, "Softmax" (claim ``activations.softmax-jacobian``).

    Examples
    --------
    >>> softmax_jacobian(np.zeros((1, 2)))
    array([[[ 0.25, -0.25],
            [-0.25,  0.25]]])
    """
    p = softmax(z)
    return np.einsum("ij,jk->ijk", p, np.eye(p.shape[1])) - p[:, :, None] * p[:, None, :]


def softmax_vjp(g: np.ndarray, z: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`softmax`, row by row, without forming the Jacobian.

    Parameters
    ----------
    g : ndarray, shape (n, k)
        Upstream gradient with respect to ``p = softmax(z)``.
    z : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: g^\top(\operatorname{diag}(p) - p p^\top) = p \odot (g - \langle g, p\rangle \mathbf 1).

    References
    ----------
    Book: Neurons, "Softmax" (claim ``activations.softmax-jacobian``).

    Examples
    --------
    >>> softmax_vjp(np.array([[1.0, 0.0]]), np.zeros((1, 2)))
    array([[ 0.25, -0.25]])
    """
    z = _logits(z, "softmax_vjp")
    g = _cotangent(g, z, "softmax_vjp")
    p = softmax(z)
    return p * (g - np.sum(g * p, axis=1, keepdims=True))


def log_softmax_vjp(g: np.ndarray, z: np.ndarray) -> np.ndarray:
    r"""Vector-Jacobian product of :func:`log_softmax`.

    Parameters
    ----------
    g : ndarray, shape (n, k)
        Upstream gradient with respect to the log-probabilities.
    z : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k)

    Notes
    -----
    .. math:: \frac{\partial \log p_j}{\partial z_l} = \delta_{jl} - p_l, \qquad
              g^\top (I - \mathbf 1 p^\top) = g - \bigl(\textstyle\sum_j g_j\bigr) p .

    References
    ----------
    Book: Neurons, "Softmax" (claim ``activations.log-softmax-jacobian``).

    Examples
    --------
    >>> log_softmax_vjp(np.array([[1.0, 0.0]]), np.zeros((1, 2)))
    array([[ 0.5, -0.5]])
    """
    z = _logits(z, "log_softmax_vjp")
    g = _cotangent(g, z, "log_softmax_vjp")
    return g - np.sum(g, axis=1, keepdims=True) * softmax(z)

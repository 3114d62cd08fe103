"""Part of the Neurons chapter: softmax, log-softmax and log-sum-exp, row-wise on logits, with their VJPs.

Softmax turns each row of logits ``z`` of shape (n, k) into a probability vector. This module holds
:func:`logsumexp`, :func:`log_softmax`, :func:`softmax`, the Jacobian :func:`softmax_jacobian` and the
vector-Jacobian products :func:`softmax_vjp` and :func:`log_softmax_vjp`, each derived in
``book/neurons.ipynb``. The elementwise activations live in :mod:`mathdl.activations` and
:mod:`mathdl.activations_smooth`; the first also holds the chapter's :data:`~mathdl.activations.CLAIMS` (ids
``activations.softmax-shift-invariance``, ``activations.softmax-jacobian``, ``activations.log-softmax-jacobian``).

Every function returns float64 and is written in a numerically stable form (the log-sum-exp shift): no
overflow, no overflow warnings, for logits as large as ``|z| ~ 1e300``. ``tests/test_softmax.py`` checks
each claim.
"""
from __future__ import annotations

import numpy as np

from mathdl.validate import cotangent as _cotangent
from mathdl.validate import real_array as _real

__all__ = [
    "calibration_bins",
    "expected_calibration_error",
    "fit_temperature",
    "log_softmax",
    "log_softmax_vjp",
    "logsumexp",
    "softmax",
    "softmax_jacobian",
    "softmax_vjp",
    "temperature_nll",
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


# ------------------------------------------------------------------------------------------ calibration

def _labels(labels: object, n: int, k: int, func: str) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu" or arr.shape != (n,):
        raise ValueError(f"{func}: labels must be integers of shape ({n},); got dtype {arr.dtype}, shape {arr.shape}.")
    if n and (arr.min() < 0 or arr.max() >= k):
        raise ValueError(f"{func}: labels must lie in 0..{k - 1}; got range {arr.min()}..{arr.max()}.")
    return arr.astype(np.int64)


def _bins(n_bins: object, func: str) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or int(n_bins) < 1:
        raise ValueError(f"{func}: n_bins must be a positive integer; got {n_bins!r}.")
    return int(n_bins)


def calibration_bins(p: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> tuple[np.ndarray, np.ndarray,
                                                                                    np.ndarray]:
    r"""Confidence, accuracy and count per equal-width confidence bin (a reliability diagram's data).

    Parameters
    ----------
    p : ndarray, shape (n, k)
        Predicted probabilities (rows sum to 1).
    labels : ndarray of int, shape (n,)
    n_bins : int >= 1

    Returns
    -------
    confidence, accuracy : ndarray, shape (n_bins,)
        Mean of :math:`\max_j p_{ij}` and fraction of correct argmax predictions in each bin (0 for empty bins).
    count : ndarray of int, shape (n_bins,)

    Notes
    -----
    Example i falls into bin :math:`b` when :math:`\max_j p_{ij} \in (b/B, (b+1)/B]` (bin 0 also takes 0).

    References
    ----------
    Book: Neurons, "Calibration" (claim ``activations.calibration``).

    Examples
    --------
    >>> conf, acc, cnt = calibration_bins(np.array([[0.9, 0.1], [0.3, 0.7]]), np.array([0, 0]), n_bins=2)
    >>> conf, acc, cnt
    (array([0. , 0.8]), array([0. , 0.5]), array([0, 2]))
    """
    func = "calibration_bins"
    p = _logits(p, func)
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-8, rtol=0):
        raise ValueError(f"{func}: p must hold probability rows (non-negative, summing to 1); "
                         "pass softmax(z), not the logits.")
    labels = _labels(labels, p.shape[0], p.shape[1], func)
    n_bins = _bins(n_bins, func)
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == labels).astype(float)
    which = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    count = np.bincount(which, minlength=n_bins)
    safe = np.maximum(count, 1)
    return (np.bincount(which, conf, n_bins) / safe, np.bincount(which, correct, n_bins) / safe, count)


def expected_calibration_error(p: np.ndarray, labels: np.ndarray, n_bins: int = 10) -> float:
    r"""Expected calibration error: the count-weighted mean gap between confidence and accuracy per bin.

    Parameters
    ----------
    p : ndarray, shape (n, k)
        Predicted probabilities.
    labels : ndarray of int, shape (n,)
    n_bins : int >= 1

    Returns
    -------
    float in [0, 1]

    Notes
    -----
    .. math:: \operatorname{ECE} = \sum_b \frac{|B_b|}{n}\,\bigl|\operatorname{acc}(B_b) -
              \operatorname{conf}(B_b)\bigr| .

    References
    ----------
    Book: Neurons, "Calibration" (claim ``activations.calibration``).

    Examples
    --------
    >>> round(expected_calibration_error(np.array([[0.9, 0.1], [0.3, 0.7]]), np.array([0, 0]), n_bins=2), 6)
    0.3
    """
    conf, acc, count = calibration_bins(p, labels, n_bins)
    return float(np.sum(count * np.abs(acc - conf)) / np.sum(count))


def temperature_nll(z: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    r"""Mean negative log-likelihood of ``labels`` under ``softmax(z / T)``.

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Logits.
    labels : ndarray of int, shape (n,)
    temperature : float > 0

    Returns
    -------
    float

    Notes
    -----
    .. math:: \operatorname{NLL}(T) = -\frac1n \sum_i \log \operatorname{softmax}(z_i / T)_{y_i} .

    As a function of :math:`\beta = 1/T` it is convex (the cross-entropy is convex in the logits and
    :math:`\beta z` is linear in :math:`\beta`), which is why :func:`fit_temperature` may search it by golden
    section.

    References
    ----------
    Book: Neurons, "Calibration" (claims ``activations.calibration``, ``activations.proper-scoring-rule``: the NLL
    is a strictly proper scoring rule, minimised in expectation by the true probabilities).

    Examples
    --------
    >>> round(temperature_nll(np.array([[2.0, 0.0]]), np.array([0]), 1.0), 6)
    0.126928
    """
    func = "temperature_nll"
    z = _logits(z, func)
    labels = _labels(labels, z.shape[0], z.shape[1], func)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.integer, np.floating)) \
            or not (0.0 < float(temperature) < np.inf):
        raise ValueError(f"{func}: temperature must be a positive finite number; got {temperature!r}.")
    lp = log_softmax(z / float(temperature))
    return float(-np.mean(lp[np.arange(z.shape[0]), labels]))


def fit_temperature(z: np.ndarray, labels: np.ndarray, low: float = 0.05, high: float = 20.0,
                    iterations: int = 80) -> float:
    r"""The temperature T in [low, high] that minimises :func:`temperature_nll` (golden section in log T).

    Parameters
    ----------
    z : ndarray, shape (n, k)
        Held-out logits.
    labels : ndarray of int, shape (n,)
    low, high : float, 0 < low < high
    iterations : int >= 1

    Returns
    -------
    float

    Notes
    -----
    NLL is convex in :math:`\beta = 1/T`, hence unimodal in :math:`\log T = -\log\beta`; golden-section search
    shrinks the bracket by :math:`(\sqrt5 - 1)/2` per iteration. Dividing all logits by the same T > 0 never
    changes a row's argmax, so the accuracy is unchanged.

    References
    ----------
    Book: Neurons, "Calibration" (claim ``activations.calibration``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> zz = rng.normal(size=(2000, 3)); yy = np.array([rng.choice(3, p=row) for row in softmax(zz)])
    >>> abs(fit_temperature(3.0 * zz, yy) - 3.0) < 0.5
    True
    """
    func = "fit_temperature"
    z = _logits(z, func)
    labels = _labels(labels, z.shape[0], z.shape[1], func)
    if not (0.0 < float(low) < float(high) < np.inf):
        raise ValueError(f"{func}: need 0 < low < high < inf; got low={low!r}, high={high!r}.")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError(f"{func}: iterations must be a positive integer; got {iterations!r}.")
    r = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = np.log(float(low)), np.log(float(high))
    c, d = b - r * (b - a), a + r * (b - a)
    fc, fd = temperature_nll(z, labels, float(np.exp(c))), temperature_nll(z, labels, float(np.exp(d)))
    for _ in range(int(iterations)):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - r * (b - a)
            fc = temperature_nll(z, labels, float(np.exp(c)))
        else:
            a, c, fc = c, d, fd
            d = a + r * (b - a)
            fd = temperature_nll(z, labels, float(np.exp(d)))
    return float(np.exp((a + b) / 2.0))

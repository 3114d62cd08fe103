r"""The normalization op family of the autodiff engine: dropout, batch normalization, layer normalization.

Each primitive is a numpy ``forward`` beside its vector-Jacobian product ``forward_vjp`` (the VJP docstring's first
paragraph is its formula), wrapped by :func:`mathdl.autodiff.ops.make_op` into :data:`OPS`; the Tensor-level
functions (:func:`dropout`, :func:`batch_norm`, :func:`batch_norm_eval`, :func:`layer_norm`) validate their
arguments and call :func:`mathdl.autodiff.engine.apply`. Rows are examples: ``x`` has shape (n, d).

=========================  ===========================================================================
primitive                  forward
=========================  ===========================================================================
``dropout_forward``        :math:`y = m \odot x / (1 - p)` with an explicit 0/1 mask ``m`` (inverted dropout)
``batch_norm_forward``     :math:`y = \gamma \odot (x - \mu_B) / \sqrt{\sigma_B^2 + \epsilon} + \beta`, batch
                           statistics over the rows (training mode)
``batch_norm_eval_forward`` the same with fixed running statistics (evaluation mode: an affine map)
``layer_norm_forward``     the same statistics taken over each row's features instead of over the batch
=========================  ===========================================================================

The mask of dropout is an argument, not drawn inside the op, so a forward pass is deterministic and
gradcheckable; :func:`dropout_mask` draws one from a seed. :func:`update_running_stats` is PyTorch's running
estimate (``momentum`` weighs the new batch; the running variance uses the unbiased batch variance).

Book: Regularization and generalization, "Dropout", "Batch normalization", "Layer normalization" (claims
``regularization.dropout-vjp``, ``regularization.batchnorm-backward``, ``regularization.layernorm-vjp``,
``regularization.batchnorm-running-stats``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from mathdl.autodiff.engine import Tensor, apply
from mathdl.autodiff.ops import Grads, make_op

__all__ = [
    "OPS",
    "batch_norm",
    "batch_norm_eval",
    "batch_norm_eval_forward",
    "batch_norm_eval_forward_vjp",
    "batch_norm_forward",
    "batch_norm_forward_vjp",
    "dropout",
    "dropout_forward",
    "dropout_forward_vjp",
    "dropout_mask",
    "layer_norm",
    "layer_norm_forward",
    "layer_norm_forward_vjp",
    "update_running_stats",
]

_ALL3 = (True, True, True)


# ----------------------------------------------------------------------------------------------- dropout

def dropout_forward(x: np.ndarray, mask: np.ndarray | None = None, p: float = 0.5) -> np.ndarray:
    """Inverted dropout with a given mask: ``x * mask / (1 - p)``."""
    return x * mask / (1.0 - p)


def dropout_forward_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, mask: np.ndarray | None = None,
                        p: float = 0.5, wants: tuple[bool, ...] = (True,)) -> Grads:
    r"""dropout VJP: :math:`\bar x = \bar y \odot m / (1 - p)` (the same mask as the forward pass).

    The op is linear in :math:`x` with the diagonal Jacobian :math:`\operatorname{diag}(m)/(1 - p)`; a dropped unit
    (:math:`m_i = 0`) passes no gradient back (claim ``regularization.dropout-vjp``).
    """
    return (g * mask / (1.0 - p),)


def dropout_mask(shape: tuple[int, ...], p: float, seed: int = 0) -> np.ndarray:
    r"""A dropout mask: independent Bernoulli(1 - p) entries, 1 = kept, 0 = dropped, from a seed.

    Parameters
    ----------
    shape : tuple of int
        Shape of the activations to drop from, e.g. (n, d).
    p : float
        Drop probability in [0, 1).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    ndarray of float64, shape ``shape``
        Entries 0.0 or 1.0.

    References
    ----------
    Book: Regularization and generalization, "Dropout" (claim ``regularization.dropout-unbiased``).

    Examples
    --------
    >>> dropout_mask((2, 3), 0.5, seed=1)
    array([[1., 1., 0.],
           [1., 0., 0.]])
    """
    p = _probability(p, "dropout_mask")
    if not (isinstance(shape, tuple) and all(isinstance(s, (int, np.integer)) and s >= 0 for s in shape)):
        raise ValueError(f"dropout_mask: shape must be a tuple of ints >= 0; got {shape!r}.")
    return (np.random.default_rng(seed).random(shape) >= p).astype(np.float64)


def _probability(p: Any, func: str) -> float:
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.number)) or not 0.0 <= float(p) < 1.0:
        raise ValueError(f"{func}: p (the drop probability) must be a number in [0, 1); got {p!r}. p = 1 would drop "
                         "every unit and divide by zero.")
    return float(p)


def _tensor_value(x: Any, func: str, name: str) -> np.ndarray:
    value = x.value if isinstance(x, Tensor) else x
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (np.ndarray, list, tuple, float, int)):
        raise TypeError(f"{func}: {name} must be a Tensor or a numpy array; got {type(x).__name__}.")
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: {name} must hold real numbers; got dtype {arr.dtype}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} contains NaN or infinity; stop before this step.")
    return arr


def dropout(x: Any, mask: np.ndarray, p: float) -> Tensor:
    r"""Inverted dropout :math:`y = m \odot x / (1 - p)` as an engine op, with an explicit 0/1 mask.

    Parameters
    ----------
    x : Tensor or ndarray, any shape
    mask : ndarray, shape of ``x``
        0/1 entries (1 = kept), e.g. from :func:`dropout_mask`; a constant of the op.
    p : float
        Drop probability in [0, 1) used to draw the mask; the kept units are scaled by :math:`1/(1 - p)`.

    Returns
    -------
    Tensor, shape of ``x``

    Raises
    ------
    ValueError
        ``p`` outside [0, 1), a mask of another shape or with entries other than 0 and 1.

    Notes
    -----
    .. math:: y_i = \frac{m_i x_i}{1 - p}, \quad m_i \sim \text{Bernoulli}(1 - p), \qquad
              \mathbb E[y_i] = x_i, \quad \operatorname{Var}[y_i] = \frac{p}{1 - p}\, x_i^2 .

    At evaluation time dropout is the identity (no mask, no scaling): the scaling during training already makes
    the expected activation equal to the evaluation-time one.

    References
    ----------
    Book: Regularization and generalization, "Dropout" (claims ``regularization.dropout-unbiased``,
    ``regularization.dropout-vjp``). Srivastava et al. (2014).

    Examples
    --------
    >>> dropout(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 1.0]), 0.5).value
    array([2., 0., 6.])
    """
    p = _probability(p, "dropout")
    value = _tensor_value(x, "dropout", "x")
    m = _tensor_value(mask, "dropout", "mask")
    if m.shape != value.shape:
        raise ValueError(f"dropout: mask must have the shape of x {value.shape}; got {m.shape}. Draw it with "
                         "dropout_mask(x.shape, p, seed).")
    if not np.all((m == 0) | (m == 1)):
        raise ValueError("dropout: mask entries must be 0 (dropped) or 1 (kept); the 1/(1 - p) scaling is applied "
                         "by the op.")
    return apply(OPS["dropout_forward"], (x,), mask=m.astype(np.float64), p=p)


# ----------------------------------------------------------------------------------- batch normalization

def _normalize(x: np.ndarray, axis: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    mu = x.mean(axis=axis, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    return (x - mu) * inv_std, inv_std


def _norm_vjp(g: np.ndarray, x: np.ndarray, gamma: np.ndarray, eps: float, axis: int,
              wants: tuple[bool, ...]) -> Grads:
    """The shared backward pass of batch norm (axis 0) and layer norm (axis 1)."""
    xhat, inv_std = _normalize(x, axis, eps)
    m = x.shape[axis]
    gx = None
    if wants[0]:
        gh = g * gamma
        gx = inv_std / m * (m * gh - gh.sum(axis=axis, keepdims=True)
                            - xhat * (gh * xhat).sum(axis=axis, keepdims=True))
    # gamma and beta are per feature in both ops: their cotangents sum over the rows
    return (gx, (g * xhat).sum(axis=0) if wants[1] else None, g.sum(axis=0) if wants[2] else None)


def batch_norm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Batch normalization in training mode: statistics over the batch (axis 0), then ``gamma * xhat + beta``."""
    return gamma * _normalize(x, 0, eps)[0] + beta


def batch_norm_forward_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                           eps: float = 1e-5, wants: tuple[bool, ...] = _ALL3) -> Grads:
    r"""batch_norm VJP: :math:`\bar x_{i} = \frac{1}{n\sigma}\bigl(n\hat g_i - \sum_k \hat g_k - \hat x_i
    \sum_k \hat g_k \hat x_k\bigr)` per feature, with :math:`\hat g = \bar y \odot \gamma`, :math:`\sigma =
    \sqrt{\sigma_B^2 + \epsilon}`; :math:`\bar\gamma = \sum_i \bar y_i \hat x_i`, :math:`\bar\beta = \sum_i \bar y_i`.

    Derived in the chapter for a batch of three with SymPy and checked for every shape by gradcheck (claim
    ``regularization.batchnorm-backward``). The sums run over the batch axis, once per feature.
    """
    return _norm_vjp(g, x, gamma, eps, 0, wants)


def batch_norm_eval_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray | None = None,
                            running_var: np.ndarray | None = None, eps: float = 1e-5) -> np.ndarray:
    """Batch normalization in evaluation mode: fixed running statistics, an affine map of ``x``."""
    return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta


def batch_norm_eval_forward_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                                running_mean: np.ndarray | None = None, running_var: np.ndarray | None = None,
                                eps: float = 1e-5, wants: tuple[bool, ...] = _ALL3) -> Grads:
    r"""batch_norm_eval VJP: :math:`\bar x = \bar y \odot \gamma / \sqrt{v + \epsilon}`, :math:`\bar\gamma = \sum_i
    \bar y_i (x_i - \mu)/\sqrt{v + \epsilon}`, :math:`\bar\beta = \sum_i \bar y_i` (running mean :math:`\mu`, variance
    :math:`v` are constants).
    """
    inv = 1.0 / np.sqrt(running_var + eps)
    return (g * gamma * inv if wants[0] else None,
            (g * (x - running_mean) * inv).sum(axis=0) if wants[1] else None,
            g.sum(axis=0) if wants[2] else None)


def _norm_args(func: str, x: Any, gamma: Any, beta: Any, eps: Any, axis: int) -> tuple[np.ndarray, float]:
    value = _tensor_value(x, func, "x")
    if value.ndim != 2:
        raise ValueError(f"{func}: x must be 2-D (n, d), rows are examples; got shape {value.shape}. Reshape an image "
                         "batch to (n, c*h*w) first.")
    d = value.shape[1]
    for name, v in (("gamma", gamma), ("beta", beta)):
        arr = _tensor_value(v, func, name)
        if arr.shape != (d,):
            raise ValueError(f"{func}: {name} must have shape ({d},), one per feature; got {arr.shape}.")
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (int, float, np.number)) or not 0 <= eps < math.inf:
        raise ValueError(f"{func}: eps must be a finite number >= 0; got {eps!r}. PyTorch's default is 1e-5.")
    m = value.shape[axis]
    if m < 2:
        which = "batch" if axis == 0 else "row"
        raise ValueError(f"{func}: the statistics need at least 2 entries per {which}; got {m}. A single example "
                         "has variance 0: use batch_norm_eval with running statistics instead.")
    if eps == 0 and np.any(value.var(axis=axis) == 0):
        raise ValueError(f"{func}: with eps = 0 a constant {'feature' if axis == 0 else 'row'} has variance 0 and "
                         "cannot be normalized; use eps > 0 (PyTorch's default is 1e-5).")
    return value, float(eps)


def batch_norm(x: Any, gamma: Any, beta: Any, eps: float = 1e-5) -> Tensor:
    r"""Batch normalization (training mode) as an engine op: normalize each feature over the batch.

    Parameters
    ----------
    x : Tensor or ndarray, shape (n, d)
        n >= 2 examples (rows) of d features.
    gamma, beta : Tensor or ndarray, shape (d,)
        Scale and shift.
    eps : float
        Added to the batch variance (>= 0; PyTorch's default 1e-5).

    Returns
    -------
    Tensor, shape (n, d)

    Raises
    ------
    ValueError
        ``x`` not 2-D, n < 2, wrong shapes of ``gamma``/``beta``, eps < 0, or a constant feature with eps = 0.

    Notes
    -----
    .. math:: \mu_B = \frac1n\sum_i x_i, \quad \sigma_B^2 = \frac1n\sum_i (x_i - \mu_B)^2, \quad
              \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \quad y_i = \gamma \odot \hat x_i + \beta,

    the biased variance (divided by n), as PyTorch normalizes. Its VJP (see :func:`batch_norm_forward_vjp`)
    satisfies :math:`\sum_i \bar x_i = 0` and, for :math:`\epsilon = 0`, :math:`\sum_i \bar x_i \hat x_i = 0`;
    with :math:`\epsilon = 0` the op is invariant to a positive rescaling of ``x``.

    References
    ----------
    Book: Regularization and generalization, "Batch normalization" (claims ``regularization.batchnorm-backward``,
    ``regularization.batchnorm-identities``, ``regularization.batchnorm-scale-invariance``). Ioffe & Szegedy (2015).

    Examples
    --------
    >>> y = batch_norm(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1), eps=0.0)
    >>> y.value.ravel()
    array([-1.,  1.])
    """
    _, eps = _norm_args("batch_norm", x, gamma, beta, eps, 0)
    return apply(OPS["batch_norm_forward"], (x, gamma, beta), eps=eps)


def batch_norm_eval(x: Any, gamma: Any, beta: Any, running_mean: np.ndarray, running_var: np.ndarray,
                    eps: float = 1e-5) -> Tensor:
    r"""Batch normalization in evaluation mode, with the running statistics of training (an affine map).

    Parameters
    ----------
    x : Tensor or ndarray, shape (n, d)
        Any n >= 1.
    gamma, beta : Tensor or ndarray, shape (d,)
    running_mean, running_var : ndarray, shape (d,)
        From :func:`update_running_stats`; ``running_var`` >= 0.
    eps : float
        >= 0; ``running_var + eps`` must be > 0.

    Returns
    -------
    Tensor, shape (n, d)

    Notes
    -----
    .. math:: y_i = \gamma \odot \frac{x_i - \hat\mu}{\sqrt{\hat v + \epsilon}} + \beta

    with the running mean :math:`\hat\mu` and running (unbiased) variance :math:`\hat v`: one example's output no
    longer depends on the others in its batch.

    References
    ----------
    Book: Regularization and generalization, "Batch normalization: train and eval modes" (claim
    ``regularization.batchnorm-running-stats``).

    Examples
    --------
    >>> batch_norm_eval(np.array([[3.0]]), np.ones(1), np.zeros(1), np.array([1.0]), np.array([4.0]), eps=0.0).value
    array([[1.]])
    """
    value = _tensor_value(x, "batch_norm_eval", "x")
    if value.ndim != 2:
        raise ValueError(f"batch_norm_eval: x must be 2-D (n, d); got shape {value.shape}.")
    d = value.shape[1]
    arrays = {}
    for name, v in (("gamma", gamma), ("beta", beta), ("running_mean", running_mean), ("running_var", running_var)):
        arr = _tensor_value(v, "batch_norm_eval", name)
        if arr.shape != (d,):
            raise ValueError(f"batch_norm_eval: {name} must have shape ({d},); got {arr.shape}.")
        arrays[name] = arr
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (int, float, np.number)) or not 0 <= eps < math.inf:
        raise ValueError(f"batch_norm_eval: eps must be a finite number >= 0; got {eps!r}.")
    if np.any(arrays["running_var"] + eps <= 0):
        raise ValueError("batch_norm_eval: running_var + eps must be > 0 in every feature; got a zero or negative "
                         "value. Use eps > 0.")
    return apply(OPS["batch_norm_eval_forward"], (x, gamma, beta), running_mean=arrays["running_mean"],
                 running_var=arrays["running_var"], eps=float(eps))


def update_running_stats(running_mean: np.ndarray, running_var: np.ndarray, x: np.ndarray,
                         momentum: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    r"""PyTorch's running statistics of batch normalization after one training batch.

    Parameters
    ----------
    running_mean, running_var : ndarray, shape (d,)
        The current estimates (PyTorch starts them at 0 and 1).
    x : ndarray, shape (n, d)
        The batch, n >= 2.
    momentum : float
        In [0, 1]; the weight of the new batch (PyTorch's default 0.1).

    Returns
    -------
    running_mean, running_var : ndarray, shape (d,)

    Notes
    -----
    .. math:: \hat\mu \leftarrow (1 - m)\,\hat\mu + m\,\mu_B, \qquad
              \hat v \leftarrow (1 - m)\,\hat v + m\,\frac{n}{n - 1}\,\sigma_B^2 ,

    PyTorch's convention: ``momentum`` multiplies the **new** statistic (the opposite of an optimizer's momentum),
    and the running variance takes the **unbiased** batch variance although the forward pass normalizes with the
    biased one.

    References
    ----------
    Book: Regularization and generalization, "Batch normalization: train and eval modes" (claim
    ``regularization.batchnorm-running-stats``).

    Examples
    --------
    >>> update_running_stats(np.zeros(1), np.ones(1), np.array([[1.0], [3.0]]))
    (array([0.2]), array([1.1]))
    """
    func = "update_running_stats"
    xv = _tensor_value(x, func, "x")
    if xv.ndim != 2 or xv.shape[0] < 2:
        raise ValueError(f"{func}: x must be 2-D (n, d) with n >= 2 (the unbiased variance divides by n - 1); got "
                         f"shape {xv.shape}.")
    rm = _tensor_value(running_mean, func, "running_mean")
    rv = _tensor_value(running_var, func, "running_var")
    if rm.shape != (xv.shape[1],) or rv.shape != (xv.shape[1],):
        raise ValueError(f"{func}: running_mean and running_var must have shape ({xv.shape[1]},); got {rm.shape} and "
                         f"{rv.shape}.")
    if isinstance(momentum, (bool, np.bool_)) or not isinstance(momentum, (int, float, np.number)) \
            or not 0.0 <= momentum <= 1.0:
        raise ValueError(f"{func}: momentum must lie in [0, 1] (the weight of the new batch); got {momentum!r}.")
    m = float(momentum)
    return (1.0 - m) * rm + m * xv.mean(axis=0), (1.0 - m) * rv + m * xv.var(axis=0, ddof=1)


# ----------------------------------------------------------------------------------- layer normalization

def layer_norm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Layer normalization: statistics over each row's features (axis 1), then ``gamma * xhat + beta``."""
    return gamma * _normalize(x, 1, eps)[0] + beta


def layer_norm_forward_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                           eps: float = 1e-5, wants: tuple[bool, ...] = _ALL3) -> Grads:
    r"""layer_norm VJP: :math:`\bar x_{ij} = \frac{1}{d\sigma_i}\bigl(d\hat g_{ij} - \sum_k \hat g_{ik} - \hat x_{ij}
    \sum_k \hat g_{ik}\hat x_{ik}\bigr)` with :math:`\hat g = \bar y \odot \gamma`; :math:`\bar\gamma = \sum_i \bar
    y_i \odot \hat x_i`, :math:`\bar\beta = \sum_i \bar y_i`.

    The batch-norm formula with the roles of the axes exchanged: the sums run over a row's d features (claim
    ``regularization.layernorm-vjp``).
    """
    return _norm_vjp(g, x, gamma, eps, 1, wants)


def layer_norm(x: Any, gamma: Any, beta: Any, eps: float = 1e-5) -> Tensor:
    r"""Layer normalization as an engine op: normalize each example (row) over its d features.

    Parameters
    ----------
    x : Tensor or ndarray, shape (n, d)
        d >= 2 features per row.
    gamma, beta : Tensor or ndarray, shape (d,)
    eps : float
        >= 0 (PyTorch's default 1e-5).

    Returns
    -------
    Tensor, shape (n, d)

    Notes
    -----
    .. math:: \mu_i = \frac1d \sum_j x_{ij}, \quad \sigma_i^2 = \frac1d\sum_j (x_{ij} - \mu_i)^2, \quad
              y_{ij} = \gamma_j \frac{x_{ij} - \mu_i}{\sqrt{\sigma_i^2 + \epsilon}} + \beta_j .

    No batch statistics: training and evaluation compute the same thing. The Jacobian of one row's
    :math:`\hat x` is :math:`\frac1\sigma (I - \tfrac1d \mathbf 1\mathbf 1^\top - \tfrac1d \hat x\hat x^\top)`,
    of rank :math:`d - 2` for :math:`\epsilon = 0` and :math:`d - 1` for :math:`\epsilon > 0`.

    References
    ----------
    Book: Regularization and generalization, "Layer normalization" (claims ``regularization.layernorm-vjp``,
    ``regularization.layernorm-jacobian-rank``). Ba, Kiros & Hinton (2016).

    Examples
    --------
    >>> layer_norm(np.array([[1.0, 3.0]]), np.ones(2), np.zeros(2), eps=0.0).value
    array([[-1.,  1.]])
    """
    _, eps = _norm_args("layer_norm", x, gamma, beta, eps, 1)
    return apply(OPS["layer_norm_forward"], (x, gamma, beta), eps=eps)


#: The family's primitives by name: forward function, VJP, and the VJP's formula (from its docstring).
OPS = {op.name: op for op in (
    make_op(dropout_forward, dropout_forward_vjp),
    make_op(batch_norm_forward, batch_norm_forward_vjp),
    make_op(batch_norm_eval_forward, batch_norm_eval_forward_vjp),
    make_op(layer_norm_forward, layer_norm_forward_vjp),
)}

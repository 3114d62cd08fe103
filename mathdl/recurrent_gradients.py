r"""Gradients of recurrent networks: BPTT written out by hand, Jacobian norms across a lag, clipping by norm.

Split from :mod:`mathdl.recurrent` (whose ``CLAIMS`` declare the claim ids named here) and re-exported by it:
``mathdl.recurrent.bptt_grads`` is :func:`bptt_grads`.

Book: Recurrent networks, "Backpropagation through time", "Vanishing and exploding gradients" and "Gradient
clipping".
"""
from __future__ import annotations

from typing import Any

import numpy as np

from mathdl.autodiff import recurrent as rops
from mathdl.recurrent import _array, _positive_int

__all__ = ["bptt_grads", "clip_by_norm", "jacobian_norms", "spectral_radius", "tanh_jacobian_bound"]


# ------------------------------------------------------------------------------------------ BPTT by hand

def bptt_grads(X: np.ndarray, params: dict[str, np.ndarray], dh: np.ndarray, h0: np.ndarray | None = None, *,
               activation: str = "tanh", truncate: int | None = None) -> dict[str, np.ndarray]:
    r"""Gradients of :math:`L = \sum_t \langle \bar h_t, h_t \rangle` for the vanilla RNN, by BPTT in numpy.

    Parameters
    ----------
    X : ndarray, shape (T, n, d)
    params : dict
        ``init_params("rnn", ...)``.
    dh : ndarray, shape (T, n, H)
        :math:`\bar h_t = \partial L / \partial h_t` held fixed (the loss's direct cotangents).
    h0 : ndarray, shape (n, H), optional
    activation : {"tanh", "relu", "linear"}
    truncate : int, optional
        Truncated BPTT: the cotangent of step :math:`t` flows back at most ``truncate`` steps (through
        :math:`a_t, \dots, a_{t-k+1}`). None: full BPTT.

    Returns
    -------
    dict
        ``W_hh``, ``W_ih``, ``b`` (the gradient of either bias), ``h0``, and ``delta`` (T, n, H), the total
        :math:`\delta_t` (full BPTT only).

    Notes
    -----
    .. math:: \delta_T = \bar h_T,\quad \delta_t = \bar h_t + (\delta_{t+1} \odot \phi'(a_{t+1})) W_{hh}^\top,
              \quad \frac{\partial L}{\partial W_{hh}} = \sum_{t=1}^T h_{t-1}^\top (\delta_t \odot \phi'(a_t))

    References
    ----------
    Book: Recurrent networks, "Backpropagation through time" (claims ``recurrent.bptt``,
    ``recurrent.truncated-bptt``).
    """
    X = _array(X, "X", "bptt_grads", 3)
    dh = _array(dh, "dh", "bptt_grads", 3)
    rops._activation(activation, "bptt_grads")
    w_ih, w_hh = params["W_ih"], params["W_hh"]
    steps, n = X.shape[:2]
    hidden = w_hh.shape[0]
    if dh.shape != (steps, n, hidden):
        raise ValueError(f"bptt_grads: dh must have shape {(steps, n, hidden)}; got {dh.shape}.")
    h0 = np.zeros((n, hidden)) if h0 is None else _array(h0, "h0", "bptt_grads", 2)
    if truncate is not None:
        truncate = _positive_int(truncate, "truncate", "bptt_grads")
    hs = rops.rnn_sequence(X @ w_ih + params["b_ih"] + params["b_hh"], h0, w_hh, activation)
    h_prev = np.concatenate([h0[None], hs[:-1]], axis=0)
    dphi = rops._dphi(hs, activation)
    da = np.zeros(hs.shape)                                    # dL/da_t
    delta = None
    if truncate is None:
        delta = np.empty(hs.shape)
        carry = np.zeros((n, hidden))
        for t in range(steps - 1, -1, -1):
            delta[t] = dh[t] + carry
            da[t] = delta[t] * dphi[t]
            carry = da[t] @ w_hh.T
        dh0 = carry
    else:
        dh0 = np.zeros((n, hidden))
        for s in range(steps):                                 # the loss term at step s ...
            g = dh[s]
            for t in range(s, max(s - truncate, -1), -1):       # ... flows back `truncate` steps
                da[t] += g * dphi[t]
                g = (g * dphi[t]) @ w_hh.T
                if t == 0:
                    dh0 += g
    out = {"W_hh": np.einsum("tni,tnj->ij", h_prev, da), "W_ih": np.einsum("tni,tnj->ij", X, da),
           "b": da.sum(axis=(0, 1)), "h0": dh0}
    if delta is not None:
        out["delta"] = delta
    return out


# ------------------------------------------------------------------------------------------ gradient flow

def spectral_radius(W: np.ndarray) -> float:
    r""":math:`\rho(W) = \max_i |\lambda_i(W)|`.

    References
    ----------
    Book: Recurrent networks, "Vanishing and exploding gradients" (claim ``recurrent.linear-jacobian``).

    Examples
    --------
    >>> round(spectral_radius(np.array([[0.0, -2.0], [2.0, 0.0]])), 12)   # eigenvalues +-2i
    2.0
    """
    W = _array(W, "W", "spectral_radius", 2)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"spectral_radius: W must be square; got shape {W.shape}.")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def jacobian_norms(W: np.ndarray, steps: int, *, activation: str = "tanh", h0: np.ndarray | None = None,
                   inputs: np.ndarray | None = None) -> np.ndarray:
    r"""Spectral norms :math:`\lVert \partial h_T / \partial h_t \rVert_2` for :math:`t = 0, \dots, T` of the
    autonomous RNN :math:`h_t = \phi(h_{t-1} W + u_t)` (one example).

    Parameters
    ----------
    W : ndarray, shape (H, H)
    steps : int
        :math:`T`.
    activation : {"tanh", "relu", "linear"}
    h0 : ndarray, shape (H,), optional
        Zero by default.
    inputs : ndarray, shape (T, H), optional
        The drive :math:`u_t` (zero by default).

    Returns
    -------
    ndarray, shape (T + 1,)
        Entry :math:`t` is :math:`\lVert J_{t+1} \cdots J_T \rVert_2` with :math:`J_s = \partial h_s/\partial h_{s-1}
        = W\, \mathrm{diag}(\phi'(a_s))` in the row convention; entry :math:`T` is 1.

    Notes
    -----
    Linear: :math:`\partial h_T/\partial h_t = W^{T-t}`. tanh: :math:`\lVert \cdot \rVert \le (\gamma
    \lVert W \rVert_2)^{T-t}` with :math:`\gamma = 1`.

    References
    ----------
    Book: Recurrent networks, "Vanishing and exploding gradients" (claims ``recurrent.linear-jacobian``,
    ``recurrent.tanh-bound``).

    Examples
    --------
    >>> jacobian_norms(0.5 * np.eye(2), 3, activation="linear")
    array([0.125, 0.25 , 0.5  , 1.   ])
    """
    W = _array(W, "W", "jacobian_norms", 2)
    steps = _positive_int(steps, "steps", "jacobian_norms")
    rops._activation(activation, "jacobian_norms")
    size = W.shape[0]
    h = np.zeros(size) if h0 is None else np.asarray(h0, dtype=float)
    u = np.zeros((steps, size)) if inputs is None else _array(inputs, "inputs", "jacobian_norms", 2)
    jac = []
    for t in range(steps):
        h = rops._phi(h @ W + u[t], activation)
        jac.append(W * rops._dphi(h, activation)[None, :])    # row convention: dh_t = dh_{t-1} W diag(phi')
    norms = np.empty(steps + 1)
    norms[steps] = 1.0
    prod = np.eye(size)
    for t in range(steps - 1, -1, -1):                         # dh_T/dh_t = J_{t+1} J_{t+2} ... J_T
        prod = jac[t] @ prod
        norms[t] = np.linalg.norm(prod, 2)
    return norms


def tanh_jacobian_bound(W: np.ndarray, steps: int) -> float:
    r"""The bound :math:`(\gamma \lVert W \rVert_2)^T` on :math:`\lVert \partial h_T/\partial h_0 \rVert_2` for
    :math:`\phi = \tanh` (:math:`\gamma = \sup|\tanh'| = 1`), Pascanu, Mikolov & Bengio (2013).

    References
    ----------
    Book: Recurrent networks, "Vanishing and exploding gradients" (claim ``recurrent.tanh-bound``).

    Examples
    --------
    >>> tanh_jacobian_bound(2.0 * np.eye(3), 4)
    16.0
    """
    W = _array(W, "W", "tanh_jacobian_bound", 2)
    return float(np.linalg.norm(W, 2) ** _positive_int(steps, "steps", "tanh_jacobian_bound"))


def clip_by_norm(grads: Any, max_norm: float) -> tuple[Any, float]:
    r"""Clip gradients by their global norm: :math:`g \leftarrow \min(1, \tau / \lVert g \rVert)\, g`.

    Parameters
    ----------
    grads : ndarray or list of ndarray
        One array or several (their global norm is taken over all entries together).
    max_norm : float
        :math:`\tau > 0`.

    Returns
    -------
    clipped : same structure as ``grads``
    norm : float
        :math:`\lVert g \rVert` before clipping.

    Notes
    -----
    The factor is positive, so the direction :math:`g / \lVert g \rVert` is unchanged and the new norm is
    :math:`\min(\lVert g \rVert, \tau)`. (``torch.nn.utils.clip_grad_norm_`` uses :math:`\tau / (\lVert g
    \rVert + 10^{-6})`.)

    References
    ----------
    Book: Recurrent networks, "Gradient clipping" (claim ``recurrent.clip-direction``).

    Examples
    --------
    >>> clip_by_norm(np.array([3.0, 4.0]), 1.0)
    (array([0.6, 0.8]), 5.0)
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float, np.floating)) or not max_norm > 0 \
            or not np.isfinite(max_norm):
        raise ValueError(f"clip_by_norm: max_norm must be a positive finite number; got {max_norm!r}.")
    single = isinstance(grads, np.ndarray)
    arrays = [grads] if single else list(grads) if isinstance(grads, (list, tuple)) else None
    if arrays is None or not arrays or not all(isinstance(g, np.ndarray) for g in arrays):
        raise TypeError(f"clip_by_norm: grads must be an ndarray or a non-empty list of ndarrays; got "
                        f"{type(grads).__name__}.")
    for g in arrays:
        if not np.all(np.isfinite(g)):
            raise ValueError("clip_by_norm: a gradient contains NaN or infinity; clipping cannot repair it. "
                             "Lower the learning rate or find the overflow.")
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in arrays)))
    scale = 1.0 if norm <= max_norm else max_norm / norm
    clipped = [g * scale for g in arrays]
    return (clipped[0] if single else clipped), norm

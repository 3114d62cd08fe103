r"""Recurrent op family: fused RNN, LSTM and GRU cells and whole-sequence recurrences, each beside its VJP.

Rows are examples. A cell receives the **input projection** ``gx`` (:math:`x_t W_{ih} + b`, computed for all
time steps at once by one matrix product outside the cell), the previous state and the recurrent weight, and
returns its new state. The gates of the LSTM are ordered :math:`i, f, g, o` and those of the GRU :math:`r, z, n`,
exactly as PyTorch lays out ``weight_ih_l0`` / ``weight_hh_l0`` (transposed: our weights are ``(d_in, k H)``,
so a layer computes ``x @ W``).

=====================  ===============================================================================
op                     output
=====================  ===============================================================================
``lstm_cell``          ``(n, 6H)``: :math:`[h_t \mid c_t \mid i_t \mid f_t \mid g_t \mid o_t]`
``gru_cell``           ``(n, 4H)``: :math:`[h_t \mid r_t \mid z_t \mid n_t]`
``rnn_sequence``       ``(T, n, H)``: :math:`h_1, \dots, h_T`
``lstm_sequence``      ``(T, n, 6H)``: the LSTM cell's output at every step
``gru_sequence``       ``(T, n, 4H)``: the GRU cell's output at every step
=====================  ===============================================================================

The cells return their gates as well as their state, so the backward pass reuses them instead of recomputing
(and a reader can look at :math:`f_t`); the VJPs accept cotangents for every returned column, so each op is an
ordinary differentiable function that gradcheck can test as a whole. The sequence ops run the cell forward for
:math:`t = 1, \dots, T` and its VJP backwards for :math:`t = T, \dots, 1` -- backpropagation through time, with
the recurrent weight's gradient collected in one matrix product at the end,
:math:`\bar W_{hh} = \sum_t h_{t-1}^\top \bar a_t`.

Book: Recurrent networks, "Backpropagation through time", "LSTM" and "GRU" (claims ``recurrent.bptt``,
``recurrent.lstm-cell-vjp``, ``recurrent.gru-cell-vjp``); gradchecked in ``tests/test_autodiff_recurrent.py``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from mathdl.autodiff.engine import Tensor, apply
from mathdl.autodiff.ops import Grads, make_op

__all__ = ["ACTIVATIONS", "OPS", "gru_cell", "gru_cell_op", "gru_cell_vjp", "gru_sequence", "gru_sequence_op",
           "gru_sequence_vjp", "lstm_cell", "lstm_cell_op", "lstm_cell_vjp", "lstm_sequence", "lstm_sequence_op",
           "lstm_sequence_vjp", "rnn_sequence", "rnn_sequence_op", "rnn_sequence_vjp"]

#: The nonlinearities of the vanilla RNN: value and derivative written through the value h = phi(a).
ACTIVATIONS = ("tanh", "relu", "linear")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """sigma(x) = (1 + tanh(x/2)) / 2: one ufunc pass, no overflow for any x."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _phi(a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(a)
    if activation == "relu":
        return np.maximum(a, 0.0)
    return a


def _dphi(h: np.ndarray, activation: str) -> np.ndarray:
    """phi'(a) written through h = phi(a): 1 - h^2 (tanh), [h > 0] (relu), 1 (linear)."""
    if activation == "tanh":
        return 1.0 - h * h
    if activation == "relu":
        return (h > 0).astype(float)
    return np.ones_like(h)


# ------------------------------------------------------------------------------------------ vanilla RNN

def rnn_sequence(gx: np.ndarray, h0: np.ndarray, w_hh: np.ndarray, activation: str = "tanh") -> np.ndarray:
    r"""All hidden states of a vanilla RNN: :math:`h_t = \phi(h_{t-1} W_{hh} + gx_t)`, ``(T, n, H)``."""
    out = np.empty(gx.shape)
    h = h0
    for t in range(gx.shape[0]):
        h = _phi(h @ w_hh + gx[t], activation)
        out[t] = h
    return out


def rnn_sequence_vjp(g: np.ndarray, ans: np.ndarray, gx: np.ndarray, h0: np.ndarray, w_hh: np.ndarray,
                     activation: str = "tanh", wants: tuple[bool, ...] = (True, True, True)) -> Grads:
    r"""rnn_sequence VJP: :math:`\delta_t = \bar h_t + (\delta_{t+1} \odot \phi'(a_{t+1})) W_{hh}^\top`,
    :math:`\bar{gx}_t = \delta_t \odot \phi'(a_t)`, :math:`\bar h_0 = \bar{gx}_1 W_{hh}^\top`,
    :math:`\bar W_{hh} = \sum_t h_{t-1}^\top \bar{gx}_t`.

    Backpropagation through time (book: Recurrent networks, "Backpropagation through time", claim
    ``recurrent.bptt``): :math:`\delta_t = \partial L/\partial h_t` is the total derivative, the cotangent the
    loss puts on :math:`h_t` directly plus what flows back from :math:`h_{t+1}`.
    """
    steps = gx.shape[0]
    dgx = np.empty(gx.shape)
    carry = np.zeros(h0.shape)
    for t in range(steps - 1, -1, -1):
        delta = g[t] + carry                                   # delta_t = dL/dh_t (total)
        dgx[t] = delta * _dphi(ans[t], activation)             # dL/da_t
        carry = dgx[t] @ w_hh.T                                # what h_{t-1} receives through a_t
    dw = None
    if wants[2]:
        h_prev = np.concatenate([h0[None], ans[:-1]], axis=0)
        dw = h_prev.reshape(-1, h0.shape[1]).T @ dgx.reshape(-1, h0.shape[1])
    return (dgx if wants[0] else None, carry if wants[1] else None, dw)


# ------------------------------------------------------------------------------------------------- LSTM

def lstm_cell(gx: np.ndarray, h: np.ndarray, c: np.ndarray, w_hh: np.ndarray) -> np.ndarray:
    r"""One LSTM step (gates i, f, g, o): returns :math:`[h_t \mid c_t \mid i \mid f \mid g \mid o]`, ``(n, 6H)``.

    :math:`a = gx + h_{t-1} W_{hh}`; :math:`i, f, o = \sigma(a_i), \sigma(a_f), \sigma(a_o)`, :math:`g =
    \tanh a_g`; :math:`c_t = f \odot c_{t-1} + i \odot g`; :math:`h_t = o \odot \tanh c_t`.
    """
    hidden = h.shape[1]
    a = gx + h @ w_hh
    out = np.empty((h.shape[0], 6 * hidden))
    out[:, 2 * hidden:4 * hidden] = _sigmoid(a[:, :2 * hidden])           # i, f
    gate_g = out[:, 4 * hidden:5 * hidden]
    np.tanh(a[:, 2 * hidden:3 * hidden], out=gate_g)                     # g
    out[:, 5 * hidden:] = _sigmoid(a[:, 3 * hidden:])                    # o
    i, f, o = out[:, 2 * hidden:3 * hidden], out[:, 3 * hidden:4 * hidden], out[:, 5 * hidden:]
    c_new = f * c + i * gate_g
    out[:, hidden:2 * hidden] = c_new
    out[:, :hidden] = o * np.tanh(c_new)
    return out


def _lstm_cell_grads(g: np.ndarray, ans: np.ndarray, c: np.ndarray, gates: bool = True
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(dL/da, dL/dc_{t-1}) of one LSTM step from the cotangent g of its (n, 6H) output.

    ``gates=False`` promises that the gate columns of ``g`` are zero (only h_t and c_t are used downstream, the
    usual case): the same formulas without adding those zeros.
    """
    hidden = c.shape[1]
    gh, gc = g[:, :hidden], g[:, hidden:2 * hidden]
    c_new = ans[:, hidden:2 * hidden]
    i, f, gate_g, o = (ans[:, k * hidden:(k + 1) * hidden] for k in range(2, 6))
    tc = np.tanh(c_new)
    dc = gc + gh * o * (1.0 - tc * tc)                         # dL/dc_t (total)
    da = np.empty((c.shape[0], 4 * hidden))
    if gates:
        da[:, :hidden] = (dc * gate_g + g[:, 2 * hidden:3 * hidden]) * i * (1.0 - i)
        da[:, hidden:2 * hidden] = (dc * c + g[:, 3 * hidden:4 * hidden]) * f * (1.0 - f)
        da[:, 2 * hidden:3 * hidden] = (dc * i + g[:, 4 * hidden:5 * hidden]) * (1.0 - gate_g * gate_g)
        da[:, 3 * hidden:] = (gh * tc + g[:, 5 * hidden:]) * o * (1.0 - o)
    else:
        da[:, :hidden] = dc * gate_g * i * (1.0 - i)
        da[:, hidden:2 * hidden] = dc * c * f * (1.0 - f)
        da[:, 2 * hidden:3 * hidden] = dc * i * (1.0 - gate_g * gate_g)
        da[:, 3 * hidden:] = gh * tc * o * (1.0 - o)
    return da, dc * f                                          # dc_t/dc_{t-1} = diag(f_t)


def lstm_cell_vjp(g: np.ndarray, ans: np.ndarray, gx: np.ndarray, h: np.ndarray, c: np.ndarray,
                  w_hh: np.ndarray, wants: tuple[bool, ...] = (True,) * 4) -> Grads:
    r"""lstm_cell VJP: :math:`\bar c = \bar c_t + \bar h_t \odot o \odot (1 - \tanh^2 c_t)`,
    :math:`\bar a = [(\bar c \odot g + \bar\imath)\, i(1-i) \mid (\bar c \odot c_{t-1} + \bar f)\, f(1-f) \mid
    (\bar c \odot i + \bar g)(1-g^2) \mid (\bar h_t \odot \tanh c_t + \bar o)\, o(1-o)]`,
    :math:`\bar{gx} = \bar a`, :math:`\bar h_{t-1} = \bar a W_{hh}^\top`, :math:`\bar c_{t-1} = \bar c \odot f`,
    :math:`\bar W_{hh} = h_{t-1}^\top \bar a`.

    Derived in the book (Recurrent networks, "LSTM", claims ``recurrent.lstm-cell-vjp`` and
    ``recurrent.lstm-carousel``: the cell-state path :math:`\partial c_t/\partial c_{t-1} = \mathrm{diag}(f_t)`).
    """
    da, dc_prev = _lstm_cell_grads(g, ans, c)
    return (da if wants[0] else None, da @ w_hh.T if wants[1] else None, dc_prev if wants[2] else None,
            h.T @ da if wants[3] else None)


def lstm_sequence(gx: np.ndarray, h0: np.ndarray, c0: np.ndarray, w_hh: np.ndarray) -> np.ndarray:
    r"""The LSTM cell run over ``gx`` of shape ``(T, n, 4H)`` from :math:`(h_0, c_0)`: ``(T, n, 6H)``."""
    hidden = h0.shape[1]
    out = np.empty(gx.shape[:2] + (6 * hidden,))
    h, c = h0, c0
    for t in range(gx.shape[0]):
        out[t] = lstm_cell(gx[t], h, c, w_hh)
        h, c = out[t, :, :hidden], out[t, :, hidden:2 * hidden]
    return out


def lstm_sequence_vjp(g: np.ndarray, ans: np.ndarray, gx: np.ndarray, h0: np.ndarray, c0: np.ndarray,
                      w_hh: np.ndarray, wants: tuple[bool, ...] = (True,) * 4) -> Grads:
    r"""lstm_sequence VJP: the lstm_cell VJP applied for :math:`t = T, \dots, 1` with
    :math:`\bar h_{t-1} \mathrel{+}= \bar a_t W_{hh}^\top`, :math:`\bar c_{t-1} \mathrel{+}= \bar c_t \odot f_t`,
    and :math:`\bar W_{hh} = \sum_t h_{t-1}^\top \bar a_t` in one product.

    Backpropagation through time for the LSTM (book: Recurrent networks, "LSTM", claim
    ``recurrent.lstm-cell-vjp``).
    """
    steps, hidden = gx.shape[0], h0.shape[1]
    dgx = np.empty(gx.shape)
    dh, dc = np.zeros(h0.shape), np.zeros(c0.shape)
    gates = bool(np.any(g[..., 2 * hidden:]))  # usually only h_t (and c_t) are used downstream: skip the zeros
    gt = np.empty(g.shape[1:] if gates else g.shape[1:2] + (2 * hidden,))
    for t in range(steps - 1, -1, -1):
        gt[...] = g[t] if gates else g[t, :, :2 * hidden]
        gt[:, :hidden] += dh
        gt[:, hidden:2 * hidden] += dc
        c_prev = ans[t - 1, :, hidden:2 * hidden] if t > 0 else c0
        dgx[t], dc = _lstm_cell_grads(gt, ans[t], c_prev, gates)
        dh = dgx[t] @ w_hh.T
    dw = None
    if wants[3]:
        h_prev = np.concatenate([h0[None], ans[:-1, :, :hidden]], axis=0)
        dw = h_prev.reshape(-1, hidden).T @ dgx.reshape(-1, 4 * hidden)
    return (dgx if wants[0] else None, dh if wants[1] else None, dc if wants[2] else None, dw)


# -------------------------------------------------------------------------------------------------- GRU

def gru_cell(gx: np.ndarray, h: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    r"""One GRU step (PyTorch's convention, gates r, z, n): :math:`[h_t \mid r \mid z \mid n]`, ``(n, 4H)``.

    :math:`s = h_{t-1} W_{hh} + b_{hh}`; :math:`r = \sigma(gx_r + s_r)`, :math:`z = \sigma(gx_z + s_z)`,
    :math:`n = \tanh(gx_n + r \odot s_n)` (``r`` multiplies :math:`h_{t-1} W_{hn} + b_{hn}`),
    :math:`h_t = (1 - z) \odot n + z \odot h_{t-1}`.
    """
    hidden = h.shape[1]
    s = h @ w_hh + b_hh
    out = np.empty((h.shape[0], 4 * hidden))
    out[:, hidden:3 * hidden] = _sigmoid(gx[:, :2 * hidden] + s[:, :2 * hidden])
    r, z = out[:, hidden:2 * hidden], out[:, 2 * hidden:3 * hidden]
    n = np.tanh(gx[:, 2 * hidden:] + r * s[:, 2 * hidden:])
    out[:, 3 * hidden:] = n
    out[:, :hidden] = (1.0 - z) * n + z * h
    return out


def _gru_cell_grads(g: np.ndarray, ans: np.ndarray, h: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dL/dgx, dL/ds, direct dL/dh_{t-1}) of one GRU step."""
    hidden = h.shape[1]
    gh = g[:, :hidden]
    r, z, n = ans[:, hidden:2 * hidden], ans[:, 2 * hidden:3 * hidden], ans[:, 3 * hidden:]
    s_n = h @ w_hh[:, 2 * hidden:] + b_hh[2 * hidden:]
    da_n = (gh * (1.0 - z) + g[:, 3 * hidden:]) * (1.0 - n * n)
    dgx = np.empty((h.shape[0], 3 * hidden))
    dgx[:, :hidden] = (da_n * s_n + g[:, hidden:2 * hidden]) * r * (1.0 - r)
    dgx[:, hidden:2 * hidden] = (gh * (h - n) + g[:, 2 * hidden:3 * hidden]) * z * (1.0 - z)
    dgx[:, 2 * hidden:] = da_n
    ds = dgx.copy()
    ds[:, 2 * hidden:] = da_n * r
    return dgx, ds, gh * z                                     # direct path: diag(z_t)... times gh


def gru_cell_vjp(g: np.ndarray, ans: np.ndarray, gx: np.ndarray, h: np.ndarray, w_hh: np.ndarray,
                 b_hh: np.ndarray, wants: tuple[bool, ...] = (True,) * 4) -> Grads:
    r"""gru_cell VJP: :math:`\bar a_n = (\bar h_t \odot (1 - z) + \bar n)(1 - n^2)`,
    :math:`\bar a_r = (\bar a_n \odot s_n + \bar r)\, r(1-r)`, :math:`\bar a_z = (\bar h_t \odot (h_{t-1} - n) +
    \bar z)\, z(1-z)`; :math:`\bar{gx} = [\bar a_r \mid \bar a_z \mid \bar a_n]`, :math:`\bar s = [\bar a_r \mid
    \bar a_z \mid \bar a_n \odot r]`, :math:`\bar h_{t-1} = \bar h_t \odot z + \bar s W_{hh}^\top`,
    :math:`\bar W_{hh} = h_{t-1}^\top \bar s`, :math:`\bar b_{hh} = \sum_{\text{rows}} \bar s`.

    Derived in the book (Recurrent networks, "GRU", claims ``recurrent.gru-cell-vjp`` and
    ``recurrent.gru-direct-path``).
    """
    dgx, ds, direct = _gru_cell_grads(g, ans, h, w_hh, b_hh)
    return (dgx if wants[0] else None, direct + ds @ w_hh.T if wants[1] else None,
            h.T @ ds if wants[2] else None, ds.sum(axis=0) if wants[3] else None)


def gru_sequence(gx: np.ndarray, h0: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    r"""The GRU cell run over ``gx`` of shape ``(T, n, 3H)`` from :math:`h_0`: ``(T, n, 4H)``."""
    hidden = h0.shape[1]
    out = np.empty(gx.shape[:2] + (4 * hidden,))
    h = h0
    for t in range(gx.shape[0]):
        out[t] = gru_cell(gx[t], h, w_hh, b_hh)
        h = out[t, :, :hidden]
    return out


def gru_sequence_vjp(g: np.ndarray, ans: np.ndarray, gx: np.ndarray, h0: np.ndarray, w_hh: np.ndarray,
                     b_hh: np.ndarray, wants: tuple[bool, ...] = (True,) * 4) -> Grads:
    r"""gru_sequence VJP: the gru_cell VJP applied for :math:`t = T, \dots, 1`, carrying
    :math:`\bar h_{t-1} = \bar h_t \odot z_t + \bar s_t W_{hh}^\top`; :math:`\bar W_{hh} = \sum_t h_{t-1}^\top
    \bar s_t`, :math:`\bar b_{hh} = \sum_t \sum_{\text{rows}} \bar s_t`.

    Backpropagation through time for the GRU (book: Recurrent networks, "GRU", claim ``recurrent.gru-cell-vjp``).
    """
    steps, hidden = gx.shape[0], h0.shape[1]
    dgx, ds_all = np.empty(gx.shape), np.empty(gx.shape)
    dh = np.zeros(h0.shape)
    gt = np.empty(g.shape[1:])
    for t in range(steps - 1, -1, -1):
        gt[...] = g[t]
        gt[:, :hidden] += dh
        h_prev = ans[t - 1, :, :hidden] if t > 0 else h0
        dgx[t], ds_all[t], direct = _gru_cell_grads(gt, ans[t], h_prev, w_hh, b_hh)
        dh = direct + ds_all[t] @ w_hh.T
    dw = db = None
    if wants[2]:
        h_prev = np.concatenate([h0[None], ans[:-1, :, :hidden]], axis=0)
        dw = h_prev.reshape(-1, hidden).T @ ds_all.reshape(-1, 3 * hidden)
    if wants[3]:
        db = ds_all.sum(axis=(0, 1))
    return (dgx if wants[0] else None, dh if wants[1] else None, dw, db)


OPS = {op.name: op for op in (
    make_op(rnn_sequence, rnn_sequence_vjp), make_op(lstm_cell, lstm_cell_vjp),
    make_op(lstm_sequence, lstm_sequence_vjp), make_op(gru_cell, gru_cell_vjp),
    make_op(gru_sequence, gru_sequence_vjp),
)}


# ---------------------------------------------------------------------------------- Tensor-level functions

def _val(x: Any) -> Any:
    return x.value if isinstance(x, Tensor) else x


def _check(func: str, arrays: dict[str, tuple[Any, tuple[int | None, ...]]]) -> dict[str, int]:
    """Check that each argument is a Tensor or float64 array with the named shape; return the sizes."""
    sizes: dict[str, int] = {}
    for name, (x, dims) in arrays.items():
        v = _val(x)
        if not isinstance(v, np.ndarray) or v.dtype != np.float64:
            got = type(v).__name__ + (f" of dtype {v.dtype}" if isinstance(v, np.ndarray) else "")
            raise TypeError(f"{func}: {name} must be a Tensor or a float64 numpy array; got {got}. "
                            "Use numpy.asarray(x, dtype=numpy.float64).")
        if v.ndim != len(dims):
            raise ValueError(f"{func}: {name} must have {len(dims)} axes {dims}; got shape {v.shape}.")
        for size, dim in zip(v.shape, dims):
            if isinstance(dim, str):
                mult, key = (int(dim[0]), dim[1:]) if dim[0].isdigit() else (1, dim)
                if key in sizes and size != mult * sizes[key]:
                    raise ValueError(f"{func}: {name} has shape {v.shape}, but its axis '{dim}' must be "
                                     f"{mult * sizes[key]} (from the other arguments).")
                if key not in sizes:
                    if size % mult:
                        raise ValueError(f"{func}: {name} has shape {v.shape}; axis '{dim}' must be a multiple "
                                         f"of {mult}.")
                    sizes[key] = size // mult
    return sizes


def _activation(activation: Any, func: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{func}: activation must be one of {ACTIVATIONS}; got {activation!r}.")
    return activation


def rnn_sequence_op(gx: Any, h0: Any, w_hh: Any, activation: str = "tanh") -> Tensor:
    r"""All hidden states :math:`h_t = \phi(h_{t-1} W_{hh} + gx_t)`, ``(T, n, H)``, as one engine op (BPTT VJP).

    Parameters
    ----------
    gx : Tensor or ndarray, shape (T, n, H)
        Input projections :math:`x_t W_{xh} + b` of every step.
    h0 : Tensor or ndarray, shape (n, H)
    w_hh : Tensor or ndarray, shape (H, H)
    activation : {"tanh", "relu", "linear"}

    Returns
    -------
    Tensor, shape (T, n, H)

    References
    ----------
    Book: Recurrent networks, "Backpropagation through time" (claim ``recurrent.bptt``).
    """
    _check("rnn_sequence", {"gx": (gx, ("T", "n", "H")), "h0": (h0, ("n", "H")), "w_hh": (w_hh, ("H", "H"))})
    return apply(OPS["rnn_sequence"], (gx, h0, w_hh), activation=_activation(activation, "rnn_sequence"))


def lstm_cell_op(gx: Any, h: Any, c: Any, w_hh: Any) -> Tensor:
    r"""One LSTM step as an engine op: ``(n, 6H)`` = :math:`[h_t \mid c_t \mid i \mid f \mid g \mid o]`.

    Parameters
    ----------
    gx : Tensor or ndarray, shape (n, 4H)
        :math:`x_t W_{ih} + b_{ih} + b_{hh}`, gates in the order i, f, g, o.
    h, c : Tensor or ndarray, shape (n, H)
    w_hh : Tensor or ndarray, shape (H, 4H)

    References
    ----------
    Book: Recurrent networks, "LSTM" (claim ``recurrent.lstm-cell-vjp``).
    """
    _check("lstm_cell", {"h": (h, ("n", "H")), "gx": (gx, ("n", "4H")), "c": (c, ("n", "H")),
                         "w_hh": (w_hh, ("H", "4H"))})
    return apply(OPS["lstm_cell"], (gx, h, c, w_hh))


def lstm_sequence_op(gx: Any, h0: Any, c0: Any, w_hh: Any) -> Tensor:
    r"""The LSTM over a sequence as one engine op: ``(T, n, 6H)`` (see :func:`lstm_cell_op`).

    References
    ----------
    Book: Recurrent networks, "LSTM" (claim ``recurrent.lstm-cell-vjp``).
    """
    _check("lstm_sequence", {"h0": (h0, ("n", "H")), "gx": (gx, ("T", "n", "4H")), "c0": (c0, ("n", "H")),
                             "w_hh": (w_hh, ("H", "4H"))})
    return apply(OPS["lstm_sequence"], (gx, h0, c0, w_hh))


def gru_cell_op(gx: Any, h: Any, w_hh: Any, b_hh: Any) -> Tensor:
    r"""One GRU step as an engine op: ``(n, 4H)`` = :math:`[h_t \mid r \mid z \mid n]`.

    Parameters
    ----------
    gx : Tensor or ndarray, shape (n, 3H)
        :math:`x_t W_{ih} + b_{ih}`, gates in the order r, z, n.
    h : Tensor or ndarray, shape (n, H)
    w_hh : Tensor or ndarray, shape (H, 3H)
    b_hh : Tensor or ndarray, shape (3H,)

    References
    ----------
    Book: Recurrent networks, "GRU" (claim ``recurrent.gru-cell-vjp``).
    """
    _check("gru_cell", {"h": (h, ("n", "H")), "gx": (gx, ("n", "3H")), "w_hh": (w_hh, ("H", "3H")),
                        "b_hh": (b_hh, ("3H",))})
    return apply(OPS["gru_cell"], (gx, h, w_hh, b_hh))


def gru_sequence_op(gx: Any, h0: Any, w_hh: Any, b_hh: Any) -> Tensor:
    r"""The GRU over a sequence as one engine op: ``(T, n, 4H)`` (see :func:`gru_cell_op`).

    References
    ----------
    Book: Recurrent networks, "GRU" (claim ``recurrent.gru-cell-vjp``).
    """
    _check("gru_sequence", {"h0": (h0, ("n", "H")), "gx": (gx, ("T", "n", "3H")), "w_hh": (w_hh, ("H", "3H")),
                            "b_hh": (b_hh, ("3H",))})
    return apply(OPS["gru_sequence"], (gx, h0, w_hh, b_hh))

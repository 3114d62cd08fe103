r"""Recurrent networks: RNN, LSTM and GRU layers, backpropagation through time, gradient flow and clipping.

Rows are examples. A layer reads a sequence ``X`` of shape ``(T, n, d)`` (time first) and computes

.. math:: h_t = \phi(h_{t-1} W_{hh} + x_t W_{ih} + b), \qquad t = 1, \dots, T,

for the vanilla RNN; the LSTM (gates :math:`i, f, g, o`) and the GRU (gates :math:`r, z, n`, with :math:`r_t`
multiplying :math:`h_{t-1} W_{hn} + b_{hn}`) follow PyTorch's documented equations, with our weights the
transposes of PyTorch's (``W_ih`` is ``(d, kH)`` where PyTorch's ``weight_ih_l0`` is ``(kH, d)``). The input
projection :math:`X W_{ih}` is one matrix product over all time steps; the LSTM's four gates come out of one
product. The cells and sequence recurrences are engine ops with derived VJPs in
:mod:`mathdl.autodiff.recurrent`; :mod:`mathdl.recurrent_gradients` (re-exported here) writes BPTT out by hand
and measures gradient flow; :mod:`mathdl.recurrent_tasks` trains the layers on a memory task and on characters.

Book: Recurrent networks.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from mathdl import autodiff as ad
from mathdl.autodiff import recurrent as rops

__all__ = [
    "CLAIMS", "GATES", "KINDS", "Sequence", "bptt_grads", "clip_by_norm", "gru_step", "init_params",
    "jacobian_norms", "lstm_step", "orthogonal", "parameter_count", "perplexity", "pytorch_shapes", "run",
    "sequence_nll", "spectral_radius", "tanh_jacobian_bound",
]

CLAIMS: dict[str, str] = {
    "recurrent.tied-weights": "the gradient with respect to a tied weight equals the sum of the gradients of its "
                              "untied copies in the unrolled network",
    "recurrent.bptt": "BPTT: delta_t = dL/dh_t + (delta_{t+1} * phi'(a_{t+1})) W_hh^T and dL/dW_hh = "
                      "sum_t h_{t-1}^T (delta_t * phi'(a_t)) (row convention)",
    "recurrent.linear-jacobian": "for a linear RNN dh_T/dh_0 = W^T, so ||dh_T/dh_0||^(1/T) tends to the spectral "
                                 "radius rho(W)",
    "recurrent.tanh-bound": "for phi = tanh, ||dh_T/dh_0||_2 <= (gamma ||W||_2)^T with gamma = sup|phi'| = 1",
    "recurrent.orthogonal-norm": "an orthogonal W keeps norms: ||h W|| = ||h||, ||W^t||_2 = 1",
    "recurrent.clip-direction": "clipping by norm multiplies g by min(1, tau/||g||) > 0: the direction is kept and "
                                "the norm becomes min(||g||, tau)",
    "recurrent.truncated-bptt": "truncated BPTT drops the terms of lag > k; with all lags it equals BPTT, and its "
                                "bias shrinks as k grows",
    "recurrent.pytorch-conventions": "the LSTM (gates i, f, g, o) and GRU cells compute PyTorch's documented "
                                     "equations",
    "recurrent.parameter-counts": "parameter counts equal PyTorch's: k (H d + H^2 + 2H) with k = 1, 4, 3",
    "recurrent.lstm-carousel": "LSTM cell path: dc_t/dc_{t-1} = diag(f_t) (constant error carousel)",
    "recurrent.lstm-cell-vjp": "the fused LSTM cell and sequence VJPs equal central differences",
    "recurrent.gru-direct-path": "GRU in PyTorch's convention h_t = (1 - z_t) n_t + z_t h_{t-1}: dh_t/dh_{t-1} = "
                                 "diag(z_t) + diag(1 - z_t) dn_t/dh_{t-1} + diag(h_{t-1} - n_t) dz_t/dh_{t-1}; "
                                 "the direct term is diag(z_t) (diag(1 - z_t) in Chung et al.'s convention)",
    "recurrent.gru-cell-vjp": "the fused GRU cell and sequence VJPs equal central differences",
    "recurrent.sequence-nll": "chain rule of probability: -log p(x_1..x_T) = sum_t -log p(x_t | x_<t); "
                              "perplexity = exp(mean NLL)",
    "recurrent.memory-task": "on the recall-after-a-lag task every model solves the short lags; at the longest "
                             "lag the gradient reaching t = 1 at initialisation is orders of magnitude smaller "
                             "for the vanilla RNN than for the LSTM",
    "recurrent.char-model": "a character-level LSTM trained on the chapter's text reaches a perplexity below the "
                            "unigram perplexity",
}

#: Number of gate blocks per kind: W_ih is (d, k H), W_hh is (H, k H).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
KINDS = tuple(GATES)


def _kind(kind: Any, func: str) -> str:
    if kind not in GATES:
        raise ValueError(f"{func}: kind must be one of {KINDS}; got {kind!r}.")
    return kind


def _positive_int(v: Any, name: str, func: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{func}: {name} must be a positive integer; got {v!r}.")
    return int(v)


def _array(x: Any, name: str, func: str, ndim: int) -> np.ndarray:
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"{func}: {name} must be a float64 numpy array; got {type(x).__name__}. "
                        "Use numpy.asarray(x, dtype=numpy.float64).")
    if x.ndim != ndim:
        raise ValueError(f"{func}: {name} must have {ndim} axes; got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{func}: {name} contains NaN or infinity.")
    return x


# ------------------------------------------------------------------------------------------ parameters

def pytorch_shapes(kind: str, d_in: int, hidden: int) -> dict[str, tuple[int, ...]]:
    """Shapes of PyTorch's ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` (one layer) parameters, as documented.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    d_in, hidden : int

    Returns
    -------
    dict
        ``weight_ih_l0`` (kH, d), ``weight_hh_l0`` (kH, H), ``bias_ih_l0`` (kH,), ``bias_hh_l0`` (kH,).

    References
    ----------
    Book: Recurrent networks, "Parameter counts" (claim ``recurrent.parameter-counts``).

    Examples
    --------
    >>> pytorch_shapes("lstm", 3, 5)["weight_ih_l0"]
    (20, 3)
    """
    k = GATES[_kind(kind, "pytorch_shapes")]
    d, h = _positive_int(d_in, "d_in", "pytorch_shapes"), _positive_int(hidden, "hidden", "pytorch_shapes")
    return {"weight_ih_l0": (k * h, d), "weight_hh_l0": (k * h, h), "bias_ih_l0": (k * h,), "bias_hh_l0": (k * h,)}


def parameter_count(kind: str, d_in: int, hidden: int) -> int:
    r"""Number of parameters of one layer: :math:`k(Hd + H^2 + 2H)`, :math:`k = 1, 4, 3` for RNN, LSTM, GRU.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    d_in, hidden : int

    Returns
    -------
    int

    References
    ----------
    Book: Recurrent networks, "Parameter counts" (claim ``recurrent.parameter-counts``).

    Examples
    --------
    >>> parameter_count("lstm", 64, 128)
    99328
    """
    k = GATES[_kind(kind, "parameter_count")]
    d, h = _positive_int(d_in, "d_in", "parameter_count"), _positive_int(hidden, "hidden", "parameter_count")
    return k * (h * d + h * h + 2 * h)


def orthogonal(n: int, seed: int = 0) -> np.ndarray:
    r"""A random orthogonal matrix ``(n, n)`` (QR of a Gaussian matrix, signs fixed so it is Haar-distributed).

    References
    ----------
    Book: Recurrent networks, "Orthogonal initialization" (claim ``recurrent.orthogonal-norm``).

    Examples
    --------
    >>> Q = orthogonal(4)
    >>> bool(np.allclose(Q @ Q.T, np.eye(4)))
    True
    """
    n = _positive_int(n, "n", "orthogonal")
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def init_params(kind: str, d_in: int, hidden: int, *, seed: int = 0, orthogonal_hh: bool = False,
                forget_bias: float = 0.0) -> dict[str, np.ndarray]:
    r"""Parameters of one layer, drawn as PyTorch does: every entry uniform on :math:`(-1/\sqrt H, 1/\sqrt H)`.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    d_in, hidden : int
    seed : int
    orthogonal_hh : bool
        Replace each ``(H, H)`` block of ``W_hh`` by a random orthogonal matrix.
    forget_bias : float
        Added to the LSTM's forget-gate bias ``b_ih[H:2H]`` (1 is a common choice; ignored for RNN and GRU).

    Returns
    -------
    dict
        ``W_ih`` (d, kH), ``W_hh`` (H, kH), ``b_ih`` (kH,), ``b_hh`` (kH,); the total size is
        :func:`parameter_count`.

    References
    ----------
    Book: Recurrent networks, "Parameter counts" (claim ``recurrent.parameter-counts``).

    Examples
    --------
    >>> sum(v.size for v in init_params("gru", 10, 20).values()) == parameter_count("gru", 10, 20)
    True
    """
    k = GATES[_kind(kind, "init_params")]
    d, h = _positive_int(d_in, "d_in", "init_params"), _positive_int(hidden, "hidden", "init_params")
    rng = np.random.default_rng(seed)
    bound = 1.0 / np.sqrt(h)
    params = {"W_ih": rng.uniform(-bound, bound, (d, k * h)), "W_hh": rng.uniform(-bound, bound, (h, k * h)),
              "b_ih": rng.uniform(-bound, bound, k * h), "b_hh": rng.uniform(-bound, bound, k * h)}
    if orthogonal_hh:
        params["W_hh"] = np.concatenate([orthogonal(h, seed + 1 + j) for j in range(k)], axis=1)
    if kind == "lstm":
        params["b_ih"][h:2 * h] += float(forget_bias)
    return params


# ------------------------------------------------------------------------------------------ layers

class Sequence(NamedTuple):
    """Output of :func:`run`: all hidden states ``(T, n, H)`` and, when unrolled, the per-step Tensors."""

    hidden: ad.Tensor
    steps: list | None


def run(kind: str, X: np.ndarray, params: dict[str, Any], h0: np.ndarray | None = None, *,
        activation: str = "tanh", unrolled: bool = False) -> Sequence:
    r"""Run an RNN, LSTM or GRU layer over a sequence with the autodiff engine.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    X : ndarray, shape (T, n, d)
        The inputs, time first (data: no gradient is taken with respect to them).
    params : dict of Tensor or ndarray
        ``W_ih`` (d, kH), ``W_hh`` (H, kH), ``b_ih`` (kH,), ``b_hh`` (kH,) as from :func:`init_params`.
    h0 : ndarray, shape (n, H), optional
        Initial state (zeros by default; the LSTM's :math:`c_0` is zero).
    activation : {"tanh", "relu", "linear"}
        The vanilla RNN's nonlinearity.
    unrolled : bool
        False: the input projection :math:`X W_{ih}` as one product over all steps and the recurrence as one
        fused op (fast). True: one engine node per step and per operation, so that every :math:`h_t` is a
        Tensor whose ``.grad`` after ``backward`` is :math:`\delta_t = \partial L/\partial h_t`.

    Returns
    -------
    Sequence
        ``hidden`` (T, n, H) and, when unrolled, ``steps`` (the list of :math:`h_t` Tensors).

    Notes
    -----
    RNN: :math:`h_t = \phi(h_{t-1} W_{hh} + x_t W_{ih} + b_{ih} + b_{hh})`. LSTM:
    :math:`[a_i|a_f|a_g|a_o] = x_t W_{ih} + b_{ih} + h_{t-1} W_{hh} + b_{hh}`, :math:`c_t = \sigma(a_f) \odot
    c_{t-1} + \sigma(a_i) \odot \tanh(a_g)`, :math:`h_t = \sigma(a_o) \odot \tanh c_t`. GRU:
    :math:`r, z = \sigma(\cdot)`, :math:`n_t = \tanh(x_t W_{in} + b_{in} + r_t \odot (h_{t-1} W_{hn} + b_{hn}))`,
    :math:`h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}`.

    References
    ----------
    Book: Recurrent networks, "Backpropagation through time" (claims ``recurrent.bptt``,
    ``recurrent.tied-weights``, ``recurrent.pytorch-conventions``).

    Examples
    --------
    >>> X = np.random.default_rng(0).standard_normal((5, 2, 3))
    >>> run("lstm", X, init_params("lstm", 3, 4)).hidden.shape
    (5, 2, 4)
    """
    kind = _kind(kind, "run")
    X = _array(X, "X", "run", 3)
    if not isinstance(params, dict) or not {"W_ih", "W_hh", "b_ih", "b_hh"} <= set(params):
        raise ValueError("run: params must be a dict with W_ih, W_hh, b_ih, b_hh (use init_params).")
    k = GATES[kind]
    steps_n, n, d = X.shape
    w_ih, w_hh, b_ih, b_hh = (params[key] for key in ("W_ih", "W_hh", "b_ih", "b_hh"))
    hidden = np.shape(rops._val(w_hh))[0]
    if np.shape(rops._val(w_ih)) != (d, k * hidden) or np.shape(rops._val(w_hh)) != (hidden, k * hidden):
        raise ValueError(f"run: for {kind} with d = {d}, H = {hidden}, W_ih must be {(d, k * hidden)} and W_hh "
                         f"{(hidden, k * hidden)}; got {np.shape(rops._val(w_ih))} and {np.shape(rops._val(w_hh))}.")
    h0 = np.zeros((n, hidden)) if h0 is None else _array(h0, "h0", "run", 2)
    bias = b_ih if kind == "gru" else b_ih + b_hh              # the GRU keeps b_hn inside r_t * (...)
    if not unrolled:
        gx = (ad.Tensor(X.reshape(steps_n * n, d), requires_grad=False) @ w_ih + bias).reshape(steps_n, n, k * hidden)
        if kind == "rnn":
            return Sequence(rops.rnn_sequence_op(gx, h0, w_hh, activation), None)
        if kind == "lstm":
            out = rops.lstm_sequence_op(gx, h0, np.zeros((n, hidden)), w_hh)
        else:
            out = rops.gru_sequence_op(gx, h0, w_hh, b_hh)
        return Sequence(out[:, :, :hidden], None)
    rops._activation(activation, "run")
    h, c, hs = h0, np.zeros((n, hidden)), []
    for t in range(steps_n):
        gx = ad.matmul(X[t], w_ih) + bias
        if kind == "rnn":
            a = ad.matmul(h, w_hh) + gx
            h = {"tanh": ad.tanh, "relu": ad.relu, "linear": lambda v: v}[activation](a)
        elif kind == "lstm":
            out = rops.lstm_cell_op(gx, h, c, w_hh)
            h, c = out[:, :hidden], out[:, hidden:2 * hidden]
        else:
            h = rops.gru_cell_op(gx, h, w_hh, b_hh)[:, :hidden]
        hs.append(h)
    return Sequence(ad.stack(hs, axis=0), hs)


def lstm_step(x: np.ndarray, h: np.ndarray, c: np.ndarray, params: dict[str, np.ndarray]
              ) -> tuple[np.ndarray, np.ndarray]:
    r"""One LSTM step in numpy, ``(h_t, c_t)``, with PyTorch's gate order i, f, g, o.

    Parameters
    ----------
    x : ndarray, shape (n, d)
    h, c : ndarray, shape (n, H)
    params : dict
        As from :func:`init_params` ("lstm").

    Notes
    -----
    .. math:: i = \sigma(x W_{ii} + b_{ii} + h W_{hi} + b_{hi}),\ f = \sigma(\cdots),\ g = \tanh(\cdots),\
              o = \sigma(\cdots),\ c_t = f \odot c + i \odot g,\ h_t = o \odot \tanh c_t

    References
    ----------
    Book: Recurrent networks, "LSTM" (claim ``recurrent.pytorch-conventions``).
    """
    x, h, c = (_array(v, name, "lstm_step", 2) for v, name in ((x, "x"), (h, "h"), (c, "c")))
    hidden = h.shape[1]
    out = rops.lstm_cell(x @ params["W_ih"] + params["b_ih"] + params["b_hh"], h, c, params["W_hh"])
    return out[:, :hidden], out[:, hidden:2 * hidden]


def gru_step(x: np.ndarray, h: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
    r"""One GRU step in numpy, :math:`h_t`, in PyTorch's convention.

    Parameters
    ----------
    x : ndarray, shape (n, d)
    h : ndarray, shape (n, H)
    params : dict
        As from :func:`init_params` ("gru").

    Notes
    -----
    .. math:: r = \sigma(x W_{ir} + b_{ir} + h W_{hr} + b_{hr}),\ z = \sigma(x W_{iz} + b_{iz} + h W_{hz} + b_{hz}),
              \ n = \tanh(x W_{in} + b_{in} + r \odot (h W_{hn} + b_{hn})),\ h_t = (1 - z) \odot n + z \odot h

    References
    ----------
    Book: Recurrent networks, "GRU" (claim ``recurrent.pytorch-conventions``).
    """
    x, h = _array(x, "x", "gru_step", 2), _array(h, "h", "gru_step", 2)
    return rops.gru_cell(x @ params["W_ih"] + params["b_ih"], h, params["W_hh"], params["b_hh"])[:, :h.shape[1]]


# ------------------------------------------------------------------------------------------ likelihood

def sequence_nll(logits: Any, targets: np.ndarray) -> ad.Tensor:
    r"""Mean negative log-likelihood per symbol, :math:`-\frac{1}{nT}\sum_{t,i} \log p(x_{t,i} \mid x_{<t,i})`.

    Parameters
    ----------
    logits : Tensor or ndarray, shape (T, n, V)
        Unnormalized log-probabilities of the next symbol.
    targets : ndarray of int, shape (T, n)

    Returns
    -------
    Tensor
        A single number; :func:`perplexity` of it is :math:`e^{\text{NLL}}`.

    Notes
    -----
    :math:`-\log p(x_t \mid x_{<t}) = \operatorname{logsumexp}(\ell_t) - \ell_{t, x_t}`; summed over :math:`t` it
    is :math:`-\log p(x_1, \dots, x_T)` by the chain rule of probability.

    References
    ----------
    Book: Recurrent networks, "Sequence likelihood" (claim ``recurrent.sequence-nll``).

    Examples
    --------
    >>> float(sequence_nll(np.zeros((2, 1, 4)), np.array([[0], [3]])).value)   # uniform over 4: log 4
    1.3862943611198906
    """
    lv = logits.value if isinstance(logits, ad.Tensor) else logits
    if np.ndim(lv) != 3:
        raise ValueError(f"sequence_nll: logits must be (T, n, V); got shape {np.shape(lv)}.")
    if not isinstance(targets, np.ndarray) or targets.dtype.kind not in "iu" or targets.shape != np.shape(lv)[:2]:
        raise ValueError(f"sequence_nll: targets must be an integer array of shape {np.shape(lv)[:2]}; got "
                         f"{getattr(targets, 'shape', type(targets).__name__)}.")
    steps, n, vocab = np.shape(lv)
    if targets.size and (targets.min() < 0 or targets.max() >= vocab):
        raise ValueError(f"sequence_nll: targets must lie in [0, {vocab}); got [{targets.min()}, {targets.max()}].")
    flat = ad.reshape(logits, (steps * n, vocab))
    picked = flat[np.arange(steps * n), targets.reshape(-1)]
    return ad.mean(ad.logsumexp(flat, axis=1) - picked)


def perplexity(mean_nll: float) -> float:
    r"""Perplexity :math:`e^{\text{mean NLL}}` (nats): the effective number of equally likely next symbols.

    References
    ----------
    Book: Recurrent networks, "Sequence likelihood" (claim ``recurrent.sequence-nll``).

    Examples
    --------
    >>> round(perplexity(np.log(27.0)), 10)
    27.0
    """
    if isinstance(mean_nll, bool) or not isinstance(mean_nll, (int, float, np.floating)) or not np.isfinite(mean_nll) \
            or mean_nll < 0:
        raise ValueError(f"perplexity: mean_nll must be a finite number >= 0; got {mean_nll!r}.")
    return float(np.exp(mean_nll))


# The gradient-flow half of the chapter (BPTT by hand, Jacobian norms, clipping) lives in its own module; its
# names are part of this one's interface.
from mathdl.recurrent_gradients import (  # noqa: E402
    bptt_grads,
    clip_by_norm,
    jacobian_norms,
    spectral_radius,
    tanh_jacobian_bound,
)

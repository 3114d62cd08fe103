r"""The convolution family of engine primitives: ``conv2d``, ``max_pool2d``, ``avg_pool2d``, each beside its VJP.

Images are NCHW (batch, channels, height, width) and kernels are OIHW (out channels, in channels, height,
width), PyTorch's layout. ``conv2d`` follows PyTorch's convention: it is a **cross-correlation** (no kernel
flip),

.. math:: y_{n o i j} = \sum_{c, a, b} w_{o c a b}\, \tilde x_{n c,\, s i + d a,\, s j + d b},

with :math:`\tilde x` the input zero-padded by :math:`p` on each side, stride :math:`s` and dilation :math:`d`.

Forward: **im2col** -- :func:`numpy.lib.stride_tricks.sliding_window_view` exposes every receptive field as a
view (no copy), one reshape copies them into the matrix of patches, and **one matrix product** with the kernel
matrix (O, C k_h k_w) computes every output. Backward: the kernel gradient is the product of the output
gradient with the same patch matrix (a correlation of input and output gradient); the input gradient is the
output gradient times the kernel matrix, folded back onto the image by **col2im** (a loop over the
:math:`k_h k_w` kernel offsets adding strided slices) -- a transposed convolution, i.e. a convolution with the
flipped kernel. The chapter "Convolutional networks" derives both VJPs; ``tests/test_autodiff_convolution.py``
gradchecks them (claims ``convolution.conv2d-vjp``, ``convolution.pool-vjp``).

>>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
>>> w = Tensor(np.ones((1, 1, 2, 2)))
>>> y = conv2d(x, w, stride=2)
>>> y.value[0, 0]
array([[10., 18.],
       [42., 50.]])
>>> y.sum().backward()
>>> w.grad[0, 0]
array([[20., 24.],
       [36., 40.]])
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mathdl.autodiff.engine import Tensor, apply
from mathdl.autodiff.ops import Op, make_op

__all__ = ["OPS", "avg_pool2d", "col2im", "conv2d", "conv2d_forward", "conv2d_forward_vjp", "conv2d_output_shape",
           "im2col", "max_pool2d", "pool2d_avg", "pool2d_avg_vjp", "pool2d_max", "pool2d_max_vjp"]

Grads = tuple[np.ndarray | None, ...]


# ------------------------------------------------------------------------------------------ im2col / col2im

def _out(n: int, k: int, stride: int, padding: int, dilation: int) -> int:
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def conv2d_output_shape(x_shape: tuple[int, ...], w_shape: tuple[int, ...], stride: int = 1, padding: int = 0,
                        dilation: int = 1) -> tuple[int, int, int, int]:
    r"""Shape (N, O, H_out, W_out) of ``conv2d`` for inputs of shapes ``x_shape`` (NCHW) and ``w_shape`` (OIHW).

    Notes
    -----
    :math:`H_{out} = \lfloor (H + 2p - d(k_h - 1) - 1)/s \rfloor + 1`, the same for the width (claim
    ``convolution.output-size``).

    Examples
    --------
    >>> conv2d_output_shape((2, 3, 32, 32), (16, 3, 3, 3), stride=2, padding=1)
    (2, 16, 16, 16)
    """
    n, _, h, w_ = x_shape
    o, _, kh, kw = w_shape
    return (n, o, _out(h, kh, stride, padding, dilation), _out(w_, kw, stride, padding, dilation))


def im2col(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    r"""The patch matrix of ``x``: one row per output position, one column per (channel, kernel offset).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    kh, kw : int
        Kernel height and width.
    stride, padding, dilation : int

    Returns
    -------
    ndarray, shape (N * H_out * W_out, C * kh * kw)
        Row :math:`(n, i, j)`, column :math:`(c, a, b)` holds :math:`\tilde x_{n c, s i + d a, s j + d b}`.

    Examples
    --------
    >>> im2col(np.arange(9.0).reshape(1, 1, 3, 3), 2, 2)
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    win = sliding_window_view(x, (span_h, span_w), axis=(2, 3))          # (N, C, H', W', span_h, span_w), a view
    win = win[:, :, ::stride, ::stride, ::dilation, ::dilation]         # (N, C, Ho, Wo, kh, kw), still a view
    n, c, ho, wo = win.shape[:4]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)   # the one copy


def col2im(cols: np.ndarray, x_shape: tuple[int, int, int, int], kh: int, kw: int, stride: int = 1,
           padding: int = 0, dilation: int = 1) -> np.ndarray:
    r"""Fold a patch matrix back onto the image, adding overlapping contributions (the adjoint of :func:`im2col`).

    Parameters
    ----------
    cols : ndarray, shape (N * H_out * W_out, C * kh * kw)
    x_shape : (N, C, H, W)
    kh, kw, stride, padding, dilation : int

    Returns
    -------
    ndarray, shape (N, C, H, W)
        :math:`x_{n c h w} = \sum_{(i, a):\, s i + d a = h + p} \sum_{(j, b):\, s j + d b = w + p} \mathrm{cols}`.

    Notes
    -----
    :math:`\langle \mathrm{im2col}(x), P\rangle = \langle x, \mathrm{col2im}(P)\rangle` for every ``x`` and
    ``P``: the two maps are adjoint (claim ``convolution.adjoint``).

    Examples
    --------
    >>> col2im(np.ones((4, 4)), (1, 1, 3, 3), 2, 2)[0, 0]      # how many patches cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    n, c, h, w = x_shape
    ho, wo = _out(h, kh, stride, padding, dilation), _out(w, kw, stride, padding, dilation)
    p6 = cols.reshape(n, ho, wo, c, kh, kw)
    out = np.zeros((n, c, h + 2 * padding, w + 2 * padding))
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dilation, a * dilation + stride * (ho - 1) + 1, stride)
            cols_ = slice(b * dilation, b * dilation + stride * (wo - 1) + 1, stride)
            out[:, :, rows, cols_] += p6[:, :, :, :, a, b].transpose(0, 3, 1, 2)
    if padding:
        out = out[:, :, padding:padding + h, padding:padding + w]
    return out


# ------------------------------------------------------------------------------------------ conv2d

def conv2d_forward(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    r"""Cross-correlation of NCHW ``x`` with OIHW ``w``: im2col and one matrix product.

    Notes
    -----
    .. math:: y_{n o i j} = \sum_{c, a, b} w_{o c a b}\, \tilde x_{n c,\, s i + d a,\, s j + d b}
              = (\mathrm{im2col}(x)\, W^\top)_{(n i j),\, o}, \qquad W = w.\mathrm{reshape}(O, C k_h k_w).

    Book: Convolutional networks, "Implementation: im2col" (claim ``convolution.conv2d-vjp``).
    """
    n = x.shape[0]
    o, _, kh, kw = w.shape
    _, _, ho, wo = conv2d_output_shape(x.shape, w.shape, stride, padding, dilation)
    cols = im2col(x, kh, kw, stride, padding, dilation)
    y = cols @ w.reshape(o, -1).T                                          # (N Ho Wo, O): the one product
    return y.reshape(n, ho, wo, o).transpose(0, 3, 1, 2)


def conv2d_forward_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, w: np.ndarray,
                       wants: tuple[bool, ...] = (True, True), stride: int = 1, padding: int = 0,
                       dilation: int = 1) -> Grads:
    r"""conv2d VJP: :math:`\bar w_{ocab} = \sum_{n i j} \bar y_{noij} \tilde x_{nc, si+da, sj+db}` (a correlation
    of input and output gradient), :math:`\bar x = \mathrm{col2im}(\bar Y W)` (the transposed convolution: a
    convolution of the dilated output gradient with the flipped kernel).

    In matrix form, with :math:`P = \mathrm{im2col}(x)` and :math:`\bar Y` the output gradient as an
    (N H_out W_out, O) matrix: :math:`\bar W = \bar Y^\top P` and :math:`\bar P = \bar Y W`. Book: Convolutional
    networks, "The backward pass" (claims ``convolution.conv2d-vjp``, ``convolution.vjp-input-flipped``,
    ``convolution.vjp-kernel-correlation``).
    """
    o, _, kh, kw = w.shape
    g2 = g.transpose(0, 2, 3, 1).reshape(-1, o)                            # (N Ho Wo, O)
    gx = gw = None
    if wants[1]:
        gw = (g2.T @ im2col(x, kh, kw, stride, padding, dilation)).reshape(w.shape)
    if wants[0]:
        gx = col2im(g2 @ w.reshape(o, -1), x.shape, kh, kw, stride, padding, dilation)
    return gx, gw


# ------------------------------------------------------------------------------------------ pooling

def _windows(x: np.ndarray, k: int, stride: int) -> np.ndarray:
    return sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]   # (N, C, Ho, Wo, k, k)


def _scatter(contrib: np.ndarray, x_shape: tuple[int, ...], k: int, stride: int) -> np.ndarray:
    """Add ``contrib`` (N, C, Ho, Wo, k, k) back onto an image of ``x_shape``: the adjoint of :func:`_windows`."""
    out = np.zeros(x_shape)
    ho, wo = contrib.shape[2:4]
    for a in range(k):
        for b in range(k):
            out[:, :, a: a + stride * (ho - 1) + 1: stride, b: b + stride * (wo - 1) + 1: stride] += contrib[..., a, b]
    return out


def pool2d_max(x: np.ndarray, kernel: int = 2, stride: int = 2) -> np.ndarray:
    r"""Max pooling: :math:`y_{ncij} = \max_{0 \le a, b < k} x_{nc,\, s i + a,\, s j + b}`."""
    return _windows(x, kernel, stride).max(axis=(4, 5))


def pool2d_max_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,),
                   kernel: int = 2, stride: int = 2) -> Grads:
    r"""max_pool2d VJP: :math:`\bar x_{nchw} = \sum_{(i, j):\ (h, w) = \operatorname{argmax}} \bar y_{ncij}` (each
    output gradient goes to its window's first maximal entry; overlapping windows add).

    Book: Convolutional networks, "Pooling" (claim ``convolution.pool-vjp``).
    """
    win = _windows(x, kernel, stride)
    n, c, ho, wo = win.shape[:4]
    first = win.reshape(n, c, ho, wo, kernel * kernel).argmax(axis=4)    # PyTorch: the first maximum wins ties
    onehot = np.zeros((n, c, ho, wo, kernel * kernel))
    np.put_along_axis(onehot, first[..., None], 1.0, axis=4)
    return (_scatter(onehot.reshape(win.shape) * g[..., None, None], x.shape, kernel, stride),)


def pool2d_avg(x: np.ndarray, kernel: int = 2, stride: int = 2) -> np.ndarray:
    r"""Average pooling: :math:`y_{ncij} = k^{-2} \sum_{0 \le a, b < k} x_{nc,\, s i + a,\, s j + b}`."""
    return _windows(x, kernel, stride).mean(axis=(4, 5))


def pool2d_avg_vjp(g: np.ndarray, ans: np.ndarray, x: np.ndarray, wants: tuple[bool, ...] = (True,),
                   kernel: int = 2, stride: int = 2) -> Grads:
    r"""avg_pool2d VJP: :math:`\bar x_{nchw} = k^{-2} \sum_{(i, j):\ (h, w) \in \text{window}(i, j)} \bar y_{ncij}`.

    Book: Convolutional networks, "Pooling" (claim ``convolution.pool-vjp``).
    """
    contrib = np.broadcast_to((g / (kernel * kernel))[..., None, None], g.shape + (kernel, kernel))
    return (_scatter(contrib, x.shape, kernel, stride),)


#: The family's primitives, by name.
OPS: dict[str, Op] = {op.name: op for op in (
    make_op(conv2d_forward, conv2d_forward_vjp), make_op(pool2d_max, pool2d_max_vjp),
    make_op(pool2d_avg, pool2d_avg_vjp),
)}


# ------------------------------------------------------------------------------------------ Tensor level

def _shape(x: Any, func: str, name: str, ndim: int) -> tuple[int, ...]:
    value = x.value if isinstance(x, Tensor) else x
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{func}: {name} must be a Tensor or a float64 numpy array; got {type(x).__name__}. "
                        "Use numpy.asarray(x, dtype=numpy.float64).")
    if value.dtype != np.float64:
        raise TypeError(f"{func}: {name} must be float64; got dtype {value.dtype}. Use x.astype(numpy.float64).")
    if value.ndim != ndim:
        layout = "NCHW (batch, channels, height, width)" if name == "x" else "OIHW (out, in, height, width)"
        raise ValueError(f"{func}: {name} must be {ndim}-D {layout}; got shape {value.shape}. "
                         "Use x[None, None] for a single 2-D image.")
    if value.size and not np.all(np.isfinite(value)):
        raise ValueError(f"{func}: {name} contains NaN or infinity; clean the input first.")
    return value.shape


def _positive_int(v: Any, func: str, name: str, low: int = 1) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < low:
        raise ValueError(f"{func}: {name} must be an integer >= {low}; got {v!r}.")
    return int(v)


def conv2d(x: Any, w: Any, *, stride: int = 1, padding: int = 0, dilation: int = 1) -> Tensor:
    r"""2-D convolution layer (PyTorch's cross-correlation), recorded in the autodiff graph.

    Parameters
    ----------
    x : Tensor or ndarray, shape (N, C, H, W)
    w : Tensor or ndarray, shape (O, C, k_h, k_w)
    stride : int >= 1
    padding : int >= 0
        Zeros added on each side of both spatial axes.
    dilation : int >= 1
        Spacing between kernel taps.

    Returns
    -------
    Tensor, shape (N, O, H_out, W_out)
        :math:`H_{out} = \lfloor (H + 2p - d(k_h - 1) - 1)/s \rfloor + 1` (and the same for the width).

    Raises
    ------
    TypeError, ValueError
        Not float64, wrong dimensions, channels that do not match, or a kernel larger than the padded input.

    Notes
    -----
    .. math:: y_{n o i j} = \sum_{c, a, b} w_{o c a b}\, \tilde x_{n c,\, s i + d a,\, s j + d b}.

    References
    ----------
    Book: Convolutional networks, "Implementation: im2col" (claims ``convolution.conv2d-vjp``,
    ``convolution.output-size``). Equals ``torch.nn.functional.conv2d(x, w, stride=s, padding=p, dilation=d)``.

    Examples
    --------
    >>> conv2d(np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3)), padding=1).shape
    (1, 3, 5, 5)
    """
    xs, ws = _shape(x, "conv2d", "x", 4), _shape(w, "conv2d", "w", 4)
    stride = _positive_int(stride, "conv2d", "stride")
    padding = _positive_int(padding, "conv2d", "padding", 0)
    dilation = _positive_int(dilation, "conv2d", "dilation")
    if xs[1] != ws[1]:
        raise ValueError(f"conv2d: x has {xs[1]} channels but w expects {ws[1]} (w is OIHW: "
                         f"got w.shape = {ws}). Give w shape (O, {xs[1]}, k_h, k_w).")
    _, _, ho, wo = conv2d_output_shape(xs, ws, stride, padding, dilation)
    if ho < 1 or wo < 1:
        raise ValueError(f"conv2d: the dilated kernel ({ws[2]}x{ws[3]}, dilation {dilation}) is larger "
                         f"than the padded input ({xs[2] + 2 * padding}x{xs[3] + 2 * padding}); "
                         "increase padding or use a smaller kernel.")
    return apply(OPS["conv2d_forward"], (x, w), stride=stride, padding=padding, dilation=dilation)


def _pool(x: Any, kernel: int, stride: int | None, func: str, op: str) -> Tensor:
    xs = _shape(x, func, "x", 4)
    kernel = _positive_int(kernel, func, "kernel")
    stride = kernel if stride is None else _positive_int(stride, func, "stride")
    if kernel > min(xs[2], xs[3]):
        raise ValueError(f"{func}: kernel {kernel} is larger than the image ({xs[2]}x{xs[3]}).")
    return apply(OPS[op], (x,), kernel=kernel, stride=stride)


def max_pool2d(x: Any, kernel: int = 2, stride: int | None = None) -> Tensor:
    r"""Max pooling over k×k windows (stride defaults to k), recorded in the autodiff graph.

    Parameters
    ----------
    x : Tensor or ndarray, shape (N, C, H, W)
    kernel : int >= 1
    stride : int >= 1, optional
        Default ``kernel`` (non-overlapping windows).

    Returns
    -------
    Tensor, shape (N, C, floor((H - k)/s) + 1, floor((W - k)/s) + 1)

    Notes
    -----
    :math:`y_{ncij} = \max_{a, b < k} x_{nc, si+a, sj+b}`; the gradient goes to the first maximum of each window
    (claim ``convolution.pool-vjp``). Book: Convolutional networks, "Pooling".

    Examples
    --------
    >>> max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4)).value[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool(x, kernel, stride, "max_pool2d", "pool2d_max")


def avg_pool2d(x: Any, kernel: int = 2, stride: int | None = None) -> Tensor:
    r"""Average pooling over k×k windows (stride defaults to k), recorded in the autodiff graph.

    Parameters
    ----------
    x : Tensor or ndarray, shape (N, C, H, W)
    kernel : int >= 1
    stride : int >= 1, optional

    Returns
    -------
    Tensor, shape (N, C, floor((H - k)/s) + 1, floor((W - k)/s) + 1)

    Notes
    -----
    :math:`y_{ncij} = k^{-2}\sum_{a, b < k} x_{nc, si+a, sj+b}` (claim ``convolution.pool-vjp``). Book:
    Convolutional networks, "Pooling".

    Examples
    --------
    >>> avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4)).value[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    return _pool(x, kernel, stride, "avg_pool2d", "pool2d_avg")

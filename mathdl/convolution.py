r"""Convolution as a linear map: kernel flip, Toeplitz and circulant matrices, sizes, equivariance, p4, checkerboards.

The chapter "Convolutional networks" builds on four modules:

=================================  ================================================================================
module                             contents
=================================  ================================================================================
``mathdl.convolution``             1-D correlation and convolution, their Toeplitz / circulant matrices, output
                                   sizes, receptive fields, parameter counts, shifts and equivariance, the p4
                                   lifting correlation, overlap counts of transposed convolutions; :data:`CLAIMS`
``mathdl.convolution_fourier``     the DFT, the convolution theorem, FFT convolution and its cost
``mathdl.convolution_scattering``  Gabor filter banks, the Littlewood–Paley sum, the wavelet-modulus operator, a
                                   two-layer 1-D scattering transform, deformations
``mathdl.convolution_network``     the CNN on the 8×8 digits and its MLP baseline, trained with mathdl.autodiff
``mathdl.autodiff.convolution``    the engine primitives ``conv2d``, ``max_pool2d``, ``avg_pool2d`` with VJPs
=================================  ================================================================================

Conventions: ``correlate1d`` (and ``conv2d``) slide the kernel **without** flipping it, as PyTorch does;
``convolve1d`` and ``circular_convolve`` are convolutions in the mathematical sense (kernel flipped).
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from mathdl.autodiff.convolution import col2im, conv2d_forward
from mathdl.validate import real_array

__all__ = [
    "CLAIMS", "circulant_matrix", "circular_convolve", "conv2d_matrix", "conv2d_naive", "conv_parameters",
    "convolve1d", "correlate1d", "dense_parameters", "lifting_correlation", "output_size", "receptive_field",
    "shift", "toeplitz_matrix", "transposed_overlap", "zero_padded_correlate",
]

CLAIMS: dict[str, str] = {
    "convolution.flip": "convolution is cross-correlation with the flipped kernel (1-D and 2-D)",
    "convolution.toeplitz": "zero-padded correlation is multiplication by a Toeplitz matrix (2-D: doubly block "
                            "Toeplitz), built explicitly for small sizes",
    "convolution.circulant": "circular convolution is multiplication by the circulant matrix C[i, m] = w[(i-m) mod n]",
    "convolution.output-size": "output size floor((n + 2p - d(k-1) - 1)/s) + 1, checked against conv2d's shapes",
    "convolution.receptive-field": "receptive field 1 + sum (k_l - 1) d_l prod_{j<l} s_j; dilations 1, 2, 4, ... "
                                   "give 2^{L+1} - 1",
    "convolution.parameter-count": "a k×k conv layer has c_out (c_in k^2 + 1) parameters, independent of the image "
                                   "size",
    "convolution.convolution-theorem": "DFT(x ⊛ w) = DFT(x) · DFT(w) for circular convolution",
    "convolution.circulant-diagonalized": "the DFT diagonalizes every circulant matrix: F C F^{-1} = diag(F w)",
    "convolution.fft-crossover": "FFT convolution beats the direct sum beyond a kernel length (counted and measured)",
    "convolution.translation-equivariance": "circular convolution commutes with circular shifts",
    "convolution.border-effects": "zero padding breaks exact equivariance only near the borders",
    "convolution.nonlinearity-equivariance": "pointwise nonlinearities keep translation equivariance",
    "convolution.pooling-invariance": "pooling is locally invariant; strided pooling breaks exact equivariance",
    "convolution.p4-equivariance": "the p4 lifting correlation turns a 90° rotation of the input into a rotation "
                                   "of each map and a cyclic shift of the rotation axis",
    "convolution.vjp-input-flipped": "the input gradient of a correlation is a full convolution of the output "
                                     "gradient with the kernel (a correlation with the flipped kernel)",
    "convolution.vjp-kernel-correlation": "the kernel gradient is the correlation of the input with the output "
                                          "gradient",
    "convolution.conv2d-vjp": "conv2d's VJP (im2col / col2im) matches central differences and the direct loop",
    "convolution.pool-vjp": "max and average pooling VJPs match central differences",
    "convolution.adjoint": "<Kx, y> = <x, K^T y>: the transpose of the conv matrix is the input VJP",
    "convolution.checkerboard": "a transposed convolution with k mod s != 0 covers pixels unevenly (checkerboard)",
    "convolution.fourier-modulus-invariance": "|DFT(shift x)| = |DFT x|: the Fourier modulus is shift invariant",
    "convolution.fourier-modulus-unstable": "the Fourier modulus moves by O(1) under a small dilation of a "
                                            "high-frequency signal",
    "convolution.parseval": "Parseval: sum |x_m|^2 = (1/n) sum |X_k|^2",
    "convolution.littlewood-paley": "the normalized Gabor filter bank satisfies |phi|^2 + sum_j |psi_j|^2 <= 1",
    "convolution.wavelet-nonexpansive": "the wavelet-modulus operator is non-expansive: ||Ux - Uy|| <= ||x - y||",
    "convolution.scattering-stability": "the scattering transform is shift invariant at its scale and stable to "
                                        "small dilations, unlike the raw signal and the Fourier modulus",
    "convolution.cnn-digits": "a small CNN trained with mathdl reaches >= 95% test accuracy on the 8×8 digits",
    "convolution.mlp-comparison": "an MLP with about as many parameters, trained the same way, is compared",
}


# ------------------------------------------------------------------------------------------ validation

def _vector(x: Any, name: str, func: str, min_len: int = 1) -> np.ndarray:
    arr = real_array(x, name, func)
    if arr.ndim != 1 or arr.size < min_len:
        raise ValueError(f"{func}: {name} must be a 1-D array of length >= {min_len}; got shape {arr.shape}.")
    return arr


def _int(v: Any, name: str, func: str, low: int) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < low:
        raise ValueError(f"{func}: {name} must be an integer >= {low}; got {v!r}.")
    return int(v)


# ------------------------------------------------------------------------------------------ 1-D maps

def correlate1d(x: Any, w: Any) -> np.ndarray:
    r"""Valid cross-correlation (what deep-learning libraries call convolution): :math:`y_i = \sum_a w_a x_{i+a}`.

    Parameters
    ----------
    x : array_like, shape (n,)
    w : array_like, shape (k,), k <= n

    Returns
    -------
    ndarray, shape (n - k + 1,)

    Notes
    -----
    .. math:: (x \star w)_i = \sum_{a=0}^{k-1} w_a\, x_{i+a}, \qquad i = 0, \dots, n - k.

    References
    ----------
    Book: Convolutional networks, "Convolution and cross-correlation" (claim ``convolution.flip``).

    Examples
    --------
    >>> correlate1d([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, -1.0])
    array([-2., -2.])
    """
    x, w = _vector(x, "x", "correlate1d"), _vector(w, "w", "correlate1d")
    if w.size > x.size:
        raise ValueError(f"correlate1d: the kernel (length {w.size}) is longer than x (length {x.size}); "
                         "pad x first (zero_padded_correlate).")
    k = w.size
    return np.array([np.dot(w, x[i:i + k]) for i in range(x.size - k + 1)])


def convolve1d(x: Any, w: Any) -> np.ndarray:
    r"""Valid convolution, the kernel flipped: :math:`y_i = \sum_a w_a x_{i+k-1-a}` (``numpy.convolve(x, w, "valid")``).

    Parameters
    ----------
    x : array_like, shape (n,)
    w : array_like, shape (k,), k <= n

    Returns
    -------
    ndarray, shape (n - k + 1,)

    Notes
    -----
    :math:`(x * w)_i = \sum_a w_a x_{i + k - 1 - a} = (x \star \mathrm{flip}(w))_i`: convolution is
    cross-correlation with the flipped kernel (claim ``convolution.flip``). Book: Convolutional networks,
    "Convolution and cross-correlation".

    Examples
    --------
    >>> convolve1d([1.0, 2.0, 3.0, 4.0], [1.0, 0.0, -1.0])
    array([2., 2.])
    """
    x, w = _vector(x, "x", "convolve1d"), _vector(w, "w", "convolve1d")
    if w.size > x.size:
        raise ValueError(f"convolve1d: the kernel (length {w.size}) is longer than x (length {x.size}).")
    k = w.size
    return np.array([sum(w[a] * x[i + k - 1 - a] for a in range(k)) for i in range(x.size - k + 1)])


def zero_padded_correlate(x: Any, w: Any, padding: int) -> np.ndarray:
    r"""Cross-correlation of ``x`` padded with ``padding`` zeros on each side.

    Returns
    -------
    ndarray, shape (n + 2p - k + 1,)

    Notes
    -----
    Equals :func:`toeplitz_matrix` ``(w, n, p) @ x`` (claim ``convolution.toeplitz``); with ``p = (k-1)/2`` the
    output has the input's length ("same" padding). Book: Convolutional networks, "Convolution as a matrix".

    Examples
    --------
    >>> zero_padded_correlate([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], 1)
    array([3., 6., 5.])
    """
    x = _vector(x, "x", "zero_padded_correlate")
    p = _int(padding, "padding", "zero_padded_correlate", 0)
    return correlate1d(np.pad(x, p), w)


def toeplitz_matrix(w: Any, n: int, padding: int = 0) -> np.ndarray:
    r"""The matrix of zero-padded cross-correlation with ``w`` on inputs of length ``n``.

    Parameters
    ----------
    w : array_like, shape (k,)
    n : int
        Input length.
    padding : int
        Zeros on each side.

    Returns
    -------
    ndarray, shape (n + 2p - k + 1, n)
        :math:`T_{im} = w_{m - i + p}` when :math:`0 \le m - i + p < k`, else 0: constant along diagonals
        (Toeplitz), banded, and mostly zeros.

    References
    ----------
    Book: Convolutional networks, "Convolution as a matrix" (claim ``convolution.toeplitz``).

    Examples
    --------
    >>> toeplitz_matrix([1.0, 2.0], 3)
    array([[1., 2., 0.],
           [0., 1., 2.]])
    """
    w = _vector(w, "w", "toeplitz_matrix")
    n = _int(n, "n", "toeplitz_matrix", 1)
    p = _int(padding, "padding", "toeplitz_matrix", 0)
    rows = n + 2 * p - w.size + 1
    if rows < 1:
        raise ValueError(f"toeplitz_matrix: kernel length {w.size} exceeds the padded input {n + 2 * p}.")
    T = np.zeros((rows, n))
    for i in range(rows):
        for m in range(n):
            if 0 <= m - i + p < w.size:
                T[i, m] = w[m - i + p]
    return T


def circulant_matrix(w: Any, n: int) -> np.ndarray:
    r"""The circulant matrix of circular convolution with ``w`` (zero-extended to length ``n``).

    Returns
    -------
    ndarray, shape (n, n)
        :math:`C_{im} = w_{(i - m) \bmod n}`: each row is the previous one rotated right by one.

    References
    ----------
    Book: Convolutional networks, "Convolution as a matrix" (claims ``convolution.circulant``,
    ``convolution.circulant-diagonalized``).

    Examples
    --------
    >>> circulant_matrix([1.0, 2.0], 3)
    array([[1., 0., 2.],
           [2., 1., 0.],
           [0., 2., 1.]])
    """
    w = _vector(w, "w", "circulant_matrix")
    n = _int(n, "n", "circulant_matrix", 1)
    if w.size > n:
        raise ValueError(f"circulant_matrix: kernel length {w.size} exceeds n = {n}.")
    wz = np.zeros(n)
    wz[:w.size] = w
    idx = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n
    return wz[idx]


def circular_convolve(x: Any, w: Any) -> np.ndarray:
    r"""Circular convolution :math:`(x \circledast w)_i = \sum_j w_j\, x_{(i - j) \bmod n}` by the direct sum.

    Parameters
    ----------
    x : array_like, shape (n,) or (..., n)
        Convolved along the last axis.
    w : array_like, shape (k,), k <= n

    Returns
    -------
    ndarray, shape of ``x``

    Notes
    -----
    Equals ``circulant_matrix(w, n) @ x`` (claim ``convolution.circulant``); commutes with :func:`shift` (claim
    ``convolution.translation-equivariance``). Book: Convolutional networks, "Convolution as a matrix".

    Examples
    --------
    >>> circular_convolve([1.0, 0.0, 0.0, 0.0], [1.0, 2.0])
    array([1., 2., 0., 0.])
    """
    x = real_array(x, "x", "circular_convolve")
    w = _vector(w, "w", "circular_convolve")
    if x.ndim < 1 or w.size > x.shape[-1]:
        raise ValueError(f"circular_convolve: x must have a last axis of length >= len(w) = {w.size}; "
                         f"got shape {x.shape}.")
    return sum(w[j] * np.roll(x, j, axis=-1) for j in range(w.size))


def shift(x: Any, s: int | Sequence[int]) -> np.ndarray:
    r"""Circular shift by ``s`` along the last axis (or ``(s_h, s_w)`` along the last two): :math:`(T_s x)_i = x_{i-s}`.

    Pointwise nonlinearities commute with it, :math:`\sigma(T_s x) = T_s \sigma(x)` (claim
    ``convolution.nonlinearity-equivariance``); strided pooling commutes with it only when the stride divides
    ``s`` (claim ``convolution.pooling-invariance``).

    Examples
    --------
    >>> shift([1.0, 2.0, 3.0], 1)
    array([3., 1., 2.])

    References
    ----------
    Book: Convolutional networks, "Equivariance" (claim ``convolution.translation-equivariance``).
    """
    x = real_array(x, "x", "shift")
    if isinstance(s, (tuple, list)):
        if len(s) != 2 or x.ndim < 2:
            raise ValueError(f"shift: a 2-D shift needs (s_h, s_w) and x with >= 2 axes; got {s!r}, shape {x.shape}.")
        return np.roll(x, (int(s[0]), int(s[1])), axis=(-2, -1))
    if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
        raise TypeError(f"shift: s must be an int or a pair of ints; got {s!r}.")
    return np.roll(x, int(s), axis=-1)


# ------------------------------------------------------------------------------------------ 2-D reference

def conv2d_naive(x: Any, w: Any, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    r"""conv2d by its definition, seven nested loops: the reference the im2col engine op is tested against.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    w : array_like, shape (O, C, k_h, k_w)
    stride, padding, dilation : int

    Returns
    -------
    ndarray, shape (N, O, H_out, W_out)

    Notes
    -----
    .. math:: y_{noij} = \sum_{c, a, b} w_{ocab}\, \tilde x_{nc,\, si + da,\, sj + db}

    References
    ----------
    Book: Convolutional networks, "Implementation: im2col" (claim ``convolution.conv2d-vjp``).

    Examples
    --------
    >>> conv2d_naive(np.arange(9.0).reshape(1, 1, 3, 3), np.ones((1, 1, 2, 2)))[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    """
    x, w = real_array(x, "x", "conv2d_naive"), real_array(w, "w", "conv2d_naive")
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError(f"conv2d_naive: x must be NCHW and w OIHW with equal C; got {x.shape} and {w.shape}.")
    s, p, d = (_int(stride, "stride", "conv2d_naive", 1), _int(padding, "padding", "conv2d_naive", 0),
               _int(dilation, "dilation", "conv2d_naive", 1))
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    n, c, _, _ = x.shape
    o, _, kh, kw = w.shape
    ho, wo = output_size(x.shape[2], kh, s, p, d), output_size(x.shape[3], kw, s, p, d)
    y = np.zeros((n, o, ho, wo))
    for b_ in range(n):
        for oc in range(o):
            for i in range(ho):
                for j in range(wo):
                    acc = 0.0
                    for ch in range(c):
                        for a in range(kh):
                            for b in range(kw):
                                acc += w[oc, ch, a, b] * xp[b_, ch, s * i + d * a, s * j + d * b]
                    y[b_, oc, i, j] = acc
    return y


def conv2d_matrix(w: Any, in_shape: tuple[int, int, int], stride: int = 1, padding: int = 0,
                  dilation: int = 1) -> np.ndarray:
    r"""The matrix K of ``conv2d`` on one image: ``K @ x.ravel() == conv2d(x, w).ravel()``.

    Parameters
    ----------
    w : array_like, shape (O, C, k_h, k_w)
    in_shape : (C, H, W)
    stride, padding, dilation : int

    Returns
    -------
    ndarray, shape (O H_out W_out, C H W)
        Column :math:`m` is the output for the :math:`m`-th basis image; for one channel it is doubly block
        Toeplitz (Toeplitz blocks arranged in a Toeplitz pattern).

    References
    ----------
    Book: Convolutional networks, "Convolution as a matrix" and "The backward pass" (claims
    ``convolution.toeplitz``, ``convolution.adjoint``).

    Examples
    --------
    >>> conv2d_matrix(np.ones((1, 1, 2, 2)), (1, 2, 3))
    array([[1., 1., 0., 1., 1., 0.],
           [0., 1., 1., 0., 1., 1.]])
    """
    w = real_array(w, "w", "conv2d_matrix")
    if w.ndim != 4 or len(in_shape) != 3 or w.shape[1] != in_shape[0]:
        raise ValueError(f"conv2d_matrix: w must be OIHW and in_shape (C, H, W) with C = w.shape[1]; got {w.shape} "
                         f"and {in_shape}.")
    size = int(np.prod(in_shape))
    basis = np.eye(size).reshape((size, *in_shape))
    return conv2d_forward(basis, w, stride, padding, dilation).reshape(size, -1).T


# ------------------------------------------------------------------------------------------ sizes and counts

def output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    r"""Output length of a convolution: :math:`\lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1`.

    Raises
    ------
    ValueError
        Non-integer or out-of-range arguments, or a dilated kernel longer than the padded input.

    References
    ----------
    Book: Convolutional networks, "Sizes, receptive fields, parameters" (claim ``convolution.output-size``).

    Examples
    --------
    >>> output_size(32, 3, stride=2, padding=1)
    16
    >>> output_size(8, 3, dilation=2)
    4
    """
    n, k = _int(n, "n", "output_size", 1), _int(k, "k", "output_size", 1)
    s, p = _int(stride, "stride", "output_size", 1), _int(padding, "padding", "output_size", 0)
    d = _int(dilation, "dilation", "output_size", 1)
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(f"output_size: the dilated kernel spans {span} > padded input {n + 2 * p}; add padding.")
    return (n + 2 * p - span) // s + 1


def receptive_field(kernels: Sequence[int], strides: Sequence[int] | None = None,
                    dilations: Sequence[int] | None = None) -> int:
    r"""Receptive field of a stack of convolutions: :math:`r = 1 + \sum_l (k_l - 1)\, d_l \prod_{j < l} s_j`.

    Parameters
    ----------
    kernels : sequence of int
        :math:`k_1, \dots, k_L`.
    strides, dilations : sequence of int, optional
        Default all 1.

    Returns
    -------
    int

    Notes
    -----
    With :math:`k_l = 3`, :math:`s_l = 1`, :math:`d_l = 2^{l-1}`: :math:`r = 1 + 2\sum_{l<L} 2^l = 2^{L+1} - 1`,
    exponential in depth (claim ``convolution.receptive-field``).

    References
    ----------
    Book: Convolutional networks, "Sizes, receptive fields, parameters".

    Examples
    --------
    >>> receptive_field([3, 3, 3])
    7
    >>> receptive_field([3, 3, 3], dilations=[1, 2, 4])
    15
    """
    if isinstance(kernels, (str, bytes)) or not isinstance(kernels, Sequence) or not kernels:
        raise ValueError(f"receptive_field: kernels must be a non-empty sequence of ints; got {kernels!r}.")
    L = len(kernels)
    strides = [1] * L if strides is None else list(strides)
    dilations = [1] * L if dilations is None else list(dilations)
    if len(strides) != L or len(dilations) != L:
        raise ValueError(f"receptive_field: strides and dilations need {L} entries; got {len(strides)} and "
                         f"{len(dilations)}.")
    r, jump = 1, 1
    for k, s, d in zip(kernels, strides, dilations):
        k, s, d = (_int(k, "kernels", "receptive_field", 1), _int(s, "strides", "receptive_field", 1),
                   _int(d, "dilations", "receptive_field", 1))
        r += (k - 1) * d * jump
        jump *= s
    return r


def conv_parameters(c_in: int, c_out: int, k: int, bias: bool = True) -> int:
    r"""Parameters of a k×k convolution layer: :math:`c_{out}(c_{in} k^2 + 1)` (no bias: :math:`c_{out} c_{in} k^2`).

    References
    ----------
    Book: Convolutional networks, "Sizes, receptive fields, parameters" (claim ``convolution.parameter-count``).

    Examples
    --------
    >>> conv_parameters(3, 16, 3)
    448
    """
    c_in, c_out = _int(c_in, "c_in", "conv_parameters", 1), _int(c_out, "c_out", "conv_parameters", 1)
    k = _int(k, "k", "conv_parameters", 1)
    return c_out * (c_in * k * k + int(bool(bias)))


def dense_parameters(d_in: int, d_out: int, bias: bool = True) -> int:
    r"""Parameters of a dense layer: :math:`d_{out}(d_{in} + 1)` (claim ``convolution.parameter-count``).

    Examples
    --------
    >>> dense_parameters(3 * 32 * 32, 16 * 32 * 32)
    50348032
    """
    d_in, d_out = _int(d_in, "d_in", "dense_parameters", 1), _int(d_out, "d_out", "dense_parameters", 1)
    return d_out * (d_in + int(bool(bias)))


# ------------------------------------------------------------------------------------------ p4 and transposes

def lifting_correlation(x: Any, w: Any) -> np.ndarray:
    r"""The p4 lifting correlation: the valid correlation of an image with the four 90° rotations of a kernel.

    Parameters
    ----------
    x : array_like, shape (H, W)
    w : array_like, shape (k, k)

    Returns
    -------
    ndarray, shape (4, H - k + 1, W - k + 1)
        :math:`y_r = x \star R^r w`, :math:`R` = ``numpy.rot90`` (counter-clockwise).

    Notes
    -----
    Equivariance: :math:`y_r[Rx] = R\, y_{r-1}[x]` (indices mod 4) -- rotating the input rotates each map and
    cyclically shifts the rotation axis (claim ``convolution.p4-equivariance``). Integer inputs give integer
    outputs, so the identity can be checked exactly. Book: Convolutional networks, "Rotations: a group convolution".

    Examples
    --------
    >>> lifting_correlation(np.eye(3), np.array([[1.0, 0.0], [0.0, 0.0]]))[:, 0, 0]
    array([1., 0., 1., 0.])
    """
    x, w = real_array(x, "x", "lifting_correlation"), real_array(w, "w", "lifting_correlation")
    if x.ndim != 2 or w.ndim != 2 or w.shape[0] != w.shape[1] or w.shape[0] > min(x.shape):
        raise ValueError(f"lifting_correlation: x must be 2-D and w square and smaller; got {x.shape}, {w.shape}.")
    kernels = np.stack([np.rot90(w, r) for r in range(4)])[:, None]     # (4, 1, k, k)
    return conv2d_forward(x[None, None], kernels)[0]


def transposed_overlap(n: int, k: int, stride: int) -> np.ndarray:
    r"""How many (input position, kernel tap) pairs a transposed convolution adds into each output pixel (1-D).

    Parameters
    ----------
    n : int
        Input length of the transposed convolution (the strided convolution's output length).
    k, stride : int

    Returns
    -------
    ndarray of int, shape (s (n - 1) + k,)
        :math:`c_h = \#\{(i, a) : s i + a = h\}`; in the interior it alternates between
        :math:`\lceil k/s \rceil` and :math:`\lfloor k/s \rfloor` unless :math:`s \mid k`, the checkerboard of
        upsampling by transposed convolution (claim ``convolution.checkerboard``).

    References
    ----------
    Book: Convolutional networks, "The backward pass".

    Examples
    --------
    >>> transposed_overlap(4, 3, 2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    >>> transposed_overlap(4, 4, 2)
    array([1, 1, 2, 2, 2, 2, 2, 2, 1, 1])
    """
    n, k = _int(n, "n", "transposed_overlap", 1), _int(k, "k", "transposed_overlap", 1)
    s = _int(stride, "stride", "transposed_overlap", 1)
    length = s * (n - 1) + k
    counts = col2im(np.ones((n, k)), (1, 1, 1, length), 1, k, stride=s)
    return np.rint(counts[0, 0, 0]).astype(int)

r"""The Fourier picture of convolution: the DFT, the convolution theorem, FFT convolution and its cost.

Book: Convolutional networks, "The Fourier picture" (claims ``convolution.convolution-theorem``,
``convolution.circulant-diagonalized``, ``convolution.fft-crossover``, ``convolution.parseval``,
``convolution.fourier-modulus-invariance``). The sign convention is numpy's:
:math:`X_k = \sum_m x_m e^{-2\pi i k m / n}`.
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from mathdl.validate import real_array

__all__ = ["conv_cost_direct", "conv_cost_fft", "cost_crossover", "dft_matrix", "fft_circular_convolve",
           "fft_convolve", "fourier_modulus", "time_crossover"]


def _int(v: Any, name: str, func: str, low: int) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < low:
        raise ValueError(f"{func}: {name} must be an integer >= {low}; got {v!r}.")
    return int(v)


def _vector(x: Any, name: str, func: str) -> np.ndarray:
    arr = real_array(x, name, func)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{func}: {name} must be a non-empty 1-D array; got shape {arr.shape}.")
    return arr


def dft_matrix(n: int) -> np.ndarray:
    r"""The DFT matrix :math:`F_{km} = e^{-2\pi i k m / n}` (``F @ x == numpy.fft.fft(x)``).

    Returns
    -------
    ndarray of complex128, shape (n, n)

    Notes
    -----
    :math:`F^{-1} = \bar F / n`; :math:`F C F^{-1} = \mathrm{diag}(F w)` for the circulant matrix of ``w``
    (claim ``convolution.circulant-diagonalized``).

    Examples
    --------
    >>> np.round(dft_matrix(2).real)
    array([[ 1.,  1.],
           [ 1., -1.]])
    """
    n = _int(n, "n", "dft_matrix", 1)
    k = np.arange(n)
    return np.exp(-2j * np.pi * np.outer(k, k) / n)


def fft_circular_convolve(x: Any, w: Any) -> np.ndarray:
    r"""Circular convolution through the convolution theorem: :math:`x \circledast w = F^{-1}(Fx \cdot Fw)`.

    Parameters
    ----------
    x : array_like, shape (n,)
    w : array_like, shape (k,), k <= n (zero-extended to n)

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    Book: Convolutional networks, "The Fourier picture" (claim ``convolution.convolution-theorem``).

    Examples
    --------
    >>> np.round(fft_circular_convolve([1.0, 0.0, 0.0, 0.0], [1.0, 2.0]), 12)
    array([1., 2., 0., 0.])
    """
    x, w = _vector(x, "x", "fft_circular_convolve"), _vector(w, "w", "fft_circular_convolve")
    if w.size > x.size:
        raise ValueError(f"fft_circular_convolve: kernel length {w.size} exceeds n = {x.size}.")
    return np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(w, x.size), x.size)


def fft_convolve(x: Any, w: Any) -> np.ndarray:
    r"""Full linear convolution (``numpy.convolve(x, w)``) by zero-padding both to a power of two
    :math:`N \ge n + k - 1` and multiplying spectra.

    Returns
    -------
    ndarray, shape (n + k - 1,)

    References
    ----------
    Book: Convolutional networks, "The Fourier picture" (claim ``convolution.fft-crossover``).

    Examples
    --------
    >>> np.round(fft_convolve([1.0, 2.0, 3.0], [0.0, 1.0]), 12)
    array([0., 1., 2., 3.])
    """
    x, w = _vector(x, "x", "fft_convolve"), _vector(w, "w", "fft_convolve")
    m = x.size + w.size - 1
    N = 1 << (m - 1).bit_length()
    return np.fft.irfft(np.fft.rfft(x, N) * np.fft.rfft(w, N), N)[:m]


def conv_cost_direct(n: int, k: int) -> int:
    r"""Real multiplications of the direct full convolution of lengths n and k: :math:`nk` (every pair once).

    Examples
    --------
    >>> conv_cost_direct(1024, 3)
    3072

    References
    ----------
    Book: Convolutional networks, "The Fourier picture" (claim ``convolution.fft-crossover``).
    """
    return _int(n, "n", "conv_cost_direct", 1) * _int(k, "k", "conv_cost_direct", 1)


def conv_cost_fft(n: int, k: int) -> int:
    r"""Real multiplications of radix-2 FFT convolution: three FFTs of size :math:`N = 2^{\lceil \log_2(n+k-1) \rceil}`,
    each :math:`(N/2)\log_2 N` complex products of 4 real ones, plus :math:`N` complex products of the spectra.

    Notes
    -----
    .. math:: \mathrm{cost} = 3 \cdot 4 \cdot \tfrac N2 \log_2 N + 4N = 6 N \log_2 N + 4 N.

    (Real-input FFTs halve this; the crossover moves but the shape of the comparison does not.) Claim
    ``convolution.fft-crossover``.

    Examples
    --------
    >>> conv_cost_fft(1024, 3)
    143360
    """
    n, k = _int(n, "n", "conv_cost_fft", 1), _int(k, "k", "conv_cost_fft", 1)
    N = 1 << (n + k - 2).bit_length()
    return 6 * N * int(math.log2(N)) + 4 * N


def cost_crossover(n: int) -> int:
    r"""Smallest kernel length ``k <= n`` at which :func:`conv_cost_fft` is below :func:`conv_cost_direct`.

    Examples
    --------
    >>> cost_crossover(1024)
    141

    References
    ----------
    Book: Convolutional networks, "The Fourier picture" (claim ``convolution.fft-crossover``).
    """
    n = _int(n, "n", "cost_crossover", 2)
    for k in range(1, n + 1):
        if conv_cost_fft(n, k) < conv_cost_direct(n, k):
            return k
    raise ValueError(f"cost_crossover: the FFT never wins for n = {n}; use a longer signal.")


def time_crossover(n: int, kernels: Any, repeats: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Median seconds of ``numpy.convolve`` (direct) and :func:`fft_convolve` for each kernel length (a measurement).

    Returns
    -------
    direct, fft : ndarray, shape (len(kernels),)

    References
    ----------
    Book: Convolutional networks, "The Fourier picture" (claim ``convolution.fft-crossover``).
    """
    n = _int(n, "n", "time_crossover", 2)
    repeats = _int(repeats, "repeats", "time_crossover", 1)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    direct, fast = [], []
    for k in kernels:
        w = rng.standard_normal(_int(k, "kernels", "time_crossover", 1))
        for store, fn in ((direct, np.convolve), (fast, fft_convolve)):
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                fn(x, w)
                times.append(time.perf_counter() - t0)
            store.append(float(np.median(times)))
    return np.array(direct), np.array(fast)


def fourier_modulus(x: Any) -> np.ndarray:
    r"""The modulus of the DFT, :math:`|X_k|`, along the last axis: exactly invariant to circular shifts.

    Notes
    -----
    :math:`\mathrm{DFT}(T_s x)_k = e^{-2\pi i k s/n} X_k`, a unit-modulus factor (claim
    ``convolution.fourier-modulus-invariance``); but a small dilation moves high frequencies by a lot (claim
    ``convolution.fourier-modulus-unstable``). Book: Convolutional networks, "Stability to deformations".

    Examples
    --------
    >>> np.round(fourier_modulus([1.0, 0.0, 0.0, 0.0]), 12)
    array([1., 1., 1., 1.])
    """
    x = real_array(x, "x", "fourier_modulus")
    if x.ndim < 1 or x.shape[-1] == 0:
        raise ValueError(f"fourier_modulus: x must have a non-empty last axis; got shape {x.shape}.")
    return np.abs(np.fft.fft(x, axis=-1))

r"""Stability to deformations: a Gabor filter bank, the Littlewood–Paley sum, wavelet modulus, 1-D scattering.

Signals are real, of length n, treated as periodic; filters are defined by their DFT on the frequencies
:math:`\omega_k = 2\pi\,\mathrm{fftfreq}(n)_k \in [-\pi, \pi)`:

.. math:: \hat\psi_j(\omega) = c\, e^{-(\omega - \xi_j)^2 / (2\sigma_j^2)}, \quad \xi_j = \tfrac34\pi\, 2^{-j},
          \quad \sigma_j = \rho\, \xi_j, \qquad \hat\phi(\omega) = c\, e^{-\omega^2/(2\sigma_\phi^2)},

for :math:`j = 0, \dots, J-1` (analytic band-pass filters one octave apart, and a low-pass of scale
:math:`\approx 2^J`), with :math:`c` chosen so that the Littlewood–Paley sum
:math:`A(\omega) = |\hat\phi(\omega)|^2 + \sum_j |\hat\psi_j(\omega)|^2` has maximum 1. Then the
wavelet-modulus operator :math:`Ux = (x * \phi, |x * \psi_j|)_j` is non-expansive (Parseval plus
:math:`||a| - |b|| \le |a - b|`), and so is the scattering transform built by iterating it (Bruna & Mallat 2013).

Book: Convolutional networks, "Stability to deformations" (claims ``convolution.littlewood-paley``,
``convolution.wavelet-nonexpansive``, ``convolution.scattering-stability``, ``convolution.parseval``).
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from mathdl.validate import real_array

__all__ = ["FilterBank", "filter_bank", "gabor_signal", "littlewood_paley", "relative_distance", "scattering1d",
           "wavelet_modulus"]


class FilterBank(NamedTuple):
    """DFTs of the filters: ``psi`` (J, n) band-pass, ``phi`` (n,) low-pass, and the centre frequencies ``xi`` (J,)."""

    psi: np.ndarray
    phi: np.ndarray
    xi: np.ndarray


def _int(v: Any, name: str, func: str, low: int) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < low:
        raise ValueError(f"{func}: {name} must be an integer >= {low}; got {v!r}.")
    return int(v)


def filter_bank(n: int, J: int, rho: float = 0.35, phi_width: float = 0.5) -> FilterBank:
    r"""The normalized Gabor filter bank described in the module docstring.

    Parameters
    ----------
    n : int
        Signal length, >= 8.
    J : int
        Number of octaves, 1 <= J <= log2(n) - 1.
    rho : float
        Relative bandwidth :math:`\sigma_j/\xi_j`, in (0, 1).
    phi_width : float
        :math:`\sigma_\phi / \xi_{J-1}`, in (0, 2).

    Returns
    -------
    FilterBank

    Notes
    -----
    Normalized so that :math:`\max_\omega A(\omega) = 1` (claim ``convolution.littlewood-paley``).

    Examples
    --------
    >>> bank = filter_bank(64, 3)
    >>> bank.psi.shape, bank.phi.shape, bool(abs(littlewood_paley(bank).max() - 1.0) < 1e-12)
    ((3, 64), (64,), True)
    """
    n = _int(n, "n", "filter_bank", 8)
    J = _int(J, "J", "filter_bank", 1)
    if J > int(math.log2(n)) - 1:
        raise ValueError(f"filter_bank: J = {J} octaves do not fit in n = {n} samples; use J <= log2(n) - 1.")
    if not 0.0 < float(rho) < 1.0 or not 0.0 < float(phi_width) < 2.0:
        raise ValueError(f"filter_bank: need 0 < rho < 1 and 0 < phi_width < 2; got {rho!r}, {phi_width!r}.")
    omega = 2.0 * np.pi * np.fft.fftfreq(n)
    xi = 0.75 * np.pi * 2.0 ** -np.arange(J)
    psi = np.exp(-(omega[None, :] - xi[:, None]) ** 2 / (2.0 * (rho * xi[:, None]) ** 2))
    phi = np.exp(-omega ** 2 / (2.0 * (phi_width * xi[-1]) ** 2))
    c = 1.0 / math.sqrt(float(np.max(phi ** 2 + np.sum(psi ** 2, axis=0))))
    return FilterBank(c * psi, c * phi, xi)


def littlewood_paley(bank: FilterBank) -> np.ndarray:
    r"""The Littlewood–Paley sum :math:`A(\omega_k) = |\hat\phi(\omega_k)|^2 + \sum_j |\hat\psi_j(\omega_k)|^2`.

    Returns
    -------
    ndarray, shape (n,)
        At most 1 for :func:`filter_bank`'s output (claim ``convolution.littlewood-paley``).

    Examples
    --------
    >>> bool(littlewood_paley(filter_bank(32, 2)).max() <= 1.0 + 1e-12)
    True
    """
    if not isinstance(bank, FilterBank):
        raise TypeError(f"littlewood_paley: bank must be a FilterBank from filter_bank(); got {type(bank).__name__}.")
    return np.abs(bank.phi) ** 2 + np.sum(np.abs(bank.psi) ** 2, axis=0)


def _signal(x: Any, bank: FilterBank, func: str) -> np.ndarray:
    x = real_array(x, "x", func)
    if not isinstance(bank, FilterBank):
        raise TypeError(f"{func}: bank must be a FilterBank from filter_bank(); got {type(bank).__name__}.")
    if x.ndim != 1 or x.size != bank.phi.size:
        raise ValueError(f"{func}: x must be 1-D of the bank's length {bank.phi.size}; got shape {x.shape}.")
    return x


def wavelet_modulus(x: Any, bank: FilterBank) -> tuple[np.ndarray, np.ndarray]:
    r"""The wavelet-modulus operator :math:`Ux = (x * \phi,\ |x * \psi_j|_{j < J})` (circular convolutions).

    Parameters
    ----------
    x : array_like, shape (n,)
    bank : FilterBank

    Returns
    -------
    low : ndarray, shape (n,)
        :math:`x * \phi` (real: :math:`\hat\phi` is real and even).
    high : ndarray, shape (J, n)
        :math:`|x * \psi_j|`.

    Notes
    -----
    By Parseval, :math:`\|x*\phi\|^2 + \sum_j \|x * \psi_j\|^2 = \frac1n \sum_k A(\omega_k) |\hat x_k|^2 \le \|x\|^2`
    when :math:`A \le 1`; with :math:`||a|-|b|| \le |a-b|` this gives :math:`\|Ux - Uy\| \le \|x - y\|` (claims
    ``convolution.parseval``, ``convolution.wavelet-nonexpansive``).

    Examples
    --------
    >>> low, high = wavelet_modulus(np.zeros(32), filter_bank(32, 2))
    >>> low.shape, high.shape
    ((32,), (2, 32))
    """
    x = _signal(x, bank, "wavelet_modulus")
    X = np.fft.fft(x)
    low = np.fft.ifft(X * bank.phi).real
    high = np.abs(np.fft.ifft(X[None, :] * bank.psi, axis=1))
    return low, high


def scattering1d(x: Any, bank: FilterBank) -> np.ndarray:
    r"""Two-layer scattering transform: the low-passed signal and first- and second-order modulus paths.

    Parameters
    ----------
    x : array_like, shape (n,)
    bank : FilterBank

    Returns
    -------
    ndarray, shape (1 + J + J(J-1)/2, n)
        Rows :math:`x*\phi`, then :math:`|x*\psi_{j_1}|*\phi`, then :math:`||x*\psi_{j_1}|*\psi_{j_2}|*\phi` for
        :math:`j_1 < j_2` (a coarser second wavelet: only those paths carry energy).

    Notes
    -----
    Each layer is the wavelet-modulus operator, so :math:`S` is non-expansive; it commutes with shifts and the
    final :math:`*\phi` averages over :math:`\approx 2^J` samples, which makes it nearly invariant to shifts
    smaller than that and stable to small dilations (claim ``convolution.scattering-stability``). Book:
    Convolutional networks, "Stability to deformations".

    Examples
    --------
    >>> scattering1d(np.zeros(64), filter_bank(64, 3)).shape
    (7, 64)
    """
    x = _signal(x, bank, "scattering1d")
    J = bank.psi.shape[0]
    low, u1 = wavelet_modulus(x, bank)
    first, second = [low], []
    for j1 in range(J):
        l1, u2 = wavelet_modulus(u1[j1], bank)
        first.append(l1)
        second += [np.fft.ifft(np.fft.fft(u2[j2]) * bank.phi).real for j2 in range(j1 + 1, J)]
    return np.stack(first + second)


def gabor_signal(n: int, eps: float = 0.0, shift: float = 0.0, omega: float = 0.6 * np.pi,
                 width: float = 20.0) -> np.ndarray:
    r"""A Gabor atom centred at n/2, dilated by :math:`1 - \varepsilon` and shifted: :math:`x(t) = g(u)\cos(\omega u)`.

    Parameters
    ----------
    n : int
    eps : float
        Dilation :math:`\tau(t) = \varepsilon t`, :math:`|\varepsilon| < 0.5` (the deformation :math:`x(t - \tau(t))`).
    shift : float
        Translation :math:`s`.
    omega, width : float
        Carrier frequency in (0, π) and envelope width (> 0).

    Returns
    -------
    ndarray, shape (n,)
        :math:`u = (1-\varepsilon)(t - n/2 - s)`, :math:`g(u) = e^{-u^2/(2\,\mathrm{width}^2)}`.

    Examples
    --------
    >>> float(gabor_signal(64)[32])
    1.0

    References
    ----------
    Book: Convolutional networks, "Stability to deformations" (claims ``convolution.fourier-modulus-unstable``,
    ``convolution.scattering-stability``).
    """
    n = _int(n, "n", "gabor_signal", 8)
    if not abs(float(eps)) < 0.5 or not 0.0 < float(omega) < np.pi or not float(width) > 0.0:
        raise ValueError(f"gabor_signal: need |eps| < 0.5, 0 < omega < pi, width > 0; got {eps!r}, {omega!r}, "
                         f"{width!r}.")
    u = (1.0 - eps) * (np.arange(n) - n / 2 - shift)
    return np.exp(-u ** 2 / (2.0 * width ** 2)) * np.cos(omega * u)


def relative_distance(a: Any, b: Any) -> float:
    r""":math:`\|a - b\| / \|a\|` (Frobenius norms), the measure of change used for stability.

    Examples
    --------
    >>> relative_distance([3.0, 4.0], [3.0, 4.0])
    0.0

    References
    ----------
    Book: Convolutional networks, "Stability to deformations" (claim ``convolution.scattering-stability``).
    """
    a, b = real_array(a, "a", "relative_distance"), real_array(b, "b", "relative_distance")
    if a.shape != b.shape:
        raise ValueError(f"relative_distance: a and b must have the same shape; got {a.shape} and {b.shape}.")
    norm = float(np.linalg.norm(a))
    if norm == 0.0:
        raise ValueError("relative_distance: a is zero, so the relative distance is undefined.")
    return float(np.linalg.norm(a - b)) / norm

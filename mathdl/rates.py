r"""Part of the Optimization chapter: convergence rates on a quadratic, predicted in closed form and measured.

On :math:`f = \tfrac12 x^\top A x - b^\top x` with the spectrum of A in [mu, L], gradient descent and heavy
ball are linear iterations on the error :math:`x_k - x^*`. Their contraction factors (:func:`gd_rate`,
:func:`heavy_ball_rate`, through the 2x2 :func:`heavy_ball_matrix`) and the parameters that minimize them
(:func:`gd_optimal_lr`, Polyak's :func:`heavy_ball_optimal`) are closed forms, and so is Nesterov's 2x2
matrix (:func:`nesterov_matrix`, :func:`nesterov_rate`); :func:`measured_rate` reads
the rate off a run of :func:`mathdl.optim.trajectory`, so prediction and simulation can be compared.

The chapter's claim ids (``optim.*``) are declared in :data:`mathdl.optim.CLAIMS`; these functions are checked
in ``book/optimization.ipynb`` and ``tests/test_rates.py``.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl.optim import _lr, _number, _unit, _vector

__all__ = [
    "gd_optimal_lr",
    "gd_rate",
    "heavy_ball_matrix",
    "heavy_ball_optimal",
    "heavy_ball_rate",
    "measured_rate",
    "nesterov_matrix",
    "nesterov_rate",
]


def gd_rate(lr: float, eigenvalues: np.ndarray) -> float:
    r"""Contraction factor of gradient descent on a quadratic: :math:`\max_i |1 - \eta \lambda_i|`.

    It is < 1, so gradient descent converges, iff 0 < lr < 2 / max(eigenvalues).

    Book: Optimization, "Gradient descent on a quadratic" (claims ``optim.gd-quadratic-rate``,
    ``optim.gd-step-condition``).

    Examples
    --------
    >>> gd_rate(gd_optimal_lr(1.0, 9.0), [1.0, 9.0])   # (kappa - 1) / (kappa + 1) = 0.8
    0.8
    """
    lam = _vector(eigenvalues, "eigenvalues", "gd_rate")
    return float(np.max(np.abs(1.0 - _lr(lr, "gd_rate") * lam)))


def gd_optimal_lr(mu: float, L: float) -> float:
    r"""The step :math:`2/(L + \mu)` that minimizes :func:`gd_rate` over the spectrum [mu, L]."""
    mu, L = _number(mu, "mu", "gd_optimal_lr"), _number(L, "L", "gd_optimal_lr")
    if not 0 < mu <= L:
        raise ValueError(f"gd_optimal_lr: need 0 < mu <= L; got mu={mu}, L={L}.")
    return 2.0 / (L + mu)


def heavy_ball_matrix(lr: float, momentum: float, lam: float) -> np.ndarray:
    r"""The 2x2 iteration matrix of heavy ball along an eigen-direction with eigenvalue lambda.

    :math:`(e_{k+1}, e_k)^\top = \begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0\end{pmatrix}
    (e_k, e_{k-1})^\top`. Book: Optimization, "Momentum" (claim ``optim.heavy-ball-rate``).
    """
    lr, beta = _lr(lr, "heavy_ball_matrix"), _unit(momentum, "momentum", "heavy_ball_matrix")
    return np.array([[1.0 + beta - lr * _number(lam, "lam", "heavy_ball_matrix"), -beta], [1.0, 0.0]])


def heavy_ball_rate(lr: float, momentum: float, eigenvalues: np.ndarray) -> float:
    """Spectral radius of heavy ball on a quadratic: the largest |root| over the eigenvalues' 2x2 matrices."""
    lam = _vector(eigenvalues, "eigenvalues", "heavy_ball_rate")
    return float(max(np.max(np.abs(np.linalg.eigvals(heavy_ball_matrix(lr, momentum, float(v))))) for v in lam))


def heavy_ball_optimal(mu: float, L: float) -> tuple[float, float, float]:
    r"""Polyak's optimal heavy-ball parameters on the spectrum [mu, L]: (lr, momentum, rate).

    .. math:: \eta = \frac{4}{(\sqrt L + \sqrt\mu)^2}, \quad
              \beta = \Bigl(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Bigr)^2, \quad
              \rho = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}, \quad \kappa = L/\mu.

    Book: Optimization, "Momentum" (claim ``optim.heavy-ball-rate``). Polyak (1964).

    Examples
    --------
    >>> [round(v, 12) for v in heavy_ball_optimal(1.0, 9.0)]
    [0.25, 0.25, 0.5]
    """
    mu, L = _number(mu, "mu", "heavy_ball_optimal"), _number(L, "L", "heavy_ball_optimal")
    if not 0 < mu <= L:
        raise ValueError(f"heavy_ball_optimal: need 0 < mu <= L; got mu={mu}, L={L}.")
    root = math.sqrt(L / mu)
    rate = (root - 1.0) / (root + 1.0)
    return 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rate**2, rate


def nesterov_matrix(lr: float, momentum: float, lam: float) -> np.ndarray:
    r"""The 2x2 iteration matrix of Nesterov's method along an eigen-direction with eigenvalue lambda.

    With :math:`x_{k+1} = y_k - \eta\lambda y_k` and :math:`y_k = x_k + \beta (x_k - x_{k-1})` (errors, x* = 0),
    :math:`(x_{k+1}, x_k)^\top = \begin{pmatrix} (1 - \eta\lambda)(1 + \beta) & -\beta (1 - \eta\lambda) \\
    1 & 0\end{pmatrix} (x_k, x_{k-1})^\top`. Book: Optimization, "Momentum" (claim ``optim.nesterov-quadratic-rate``).

    Examples
    --------
    >>> nesterov_matrix(0.5, 0.5, 1.0)       # 1 - lr lambda = 0.5
    array([[ 0.75, -0.25],
           [ 1.  ,  0.  ]])
    """
    lr, beta = _lr(lr, "nesterov_matrix"), _unit(momentum, "momentum", "nesterov_matrix")
    shrink = 1.0 - lr * _number(lam, "lam", "nesterov_matrix")
    return np.array([[shrink * (1.0 + beta), -beta * shrink], [1.0, 0.0]])


def nesterov_rate(lr: float, momentum: float, eigenvalues: np.ndarray) -> float:
    r"""Spectral radius of Nesterov's method on a quadratic: the largest |root| over the eigenvalues' matrices.

    With lr = 1/L and momentum :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)` it is :math:`1 - 1/\sqrt\kappa`, a real
    double root at lambda = mu (claim ``optim.nesterov-quadratic-rate``); a double root is computed only to about
    the square root of the machine epsilon.

    Examples
    --------
    >>> round(nesterov_rate(1 / 9, 0.5, [1.0, 9.0]), 6)     # kappa = 9: 1 - 1/3
    0.666667
    """
    lam = _vector(eigenvalues, "eigenvalues", "nesterov_rate")
    return float(max(np.max(np.abs(np.linalg.eigvals(nesterov_matrix(lr, momentum, float(v))))) for v in lam))


def measured_rate(errors: np.ndarray, window: int = 20, floor: float = 1e-140) -> float:
    r"""The geometric rate of a decaying error sequence, read from the envelope of its second half.

    With u the number of errors above ``floor`` and s = u // 2, the rate is
    :math:`(\max e_{[u-w, u)} / \max e_{[u-w-s, u-s)})^{1/s}`. For a geometric sequence this is its ratio
    exactly; for an oscillating one (complex roots) the window maxima follow the envelope, and the bounded phase
    factor is damped by the power 1/s. ``floor``: a Euclidean norm below about 1e-154 is computed from squares
    that underflow, which would spoil the ratio.

    References
    ----------
    Book: Optimization (claims ``optim.gd-quadratic-rate``, ``optim.heavy-ball-rate``).

    Examples
    --------
    >>> round(measured_rate(0.5 ** np.arange(100.0)), 12)
    0.5
    >>> k = np.arange(400.0)
    >>> round(measured_rate(0.9 ** k * np.abs(np.cos(0.3 * k))), 2)    # oscillating: the envelope's rate
    0.9
    """
    e = _vector(errors, "errors", "measured_rate")
    if e.ndim != 1 or np.any(e < 0):
        raise ValueError(f"measured_rate: errors must be a 1-D sequence of norms >= 0; got shape {e.shape}.")
    usable = int(np.argmax(e < floor)) if np.any(e < floor) else e.size
    span = usable // 2
    if span < window:
        raise ValueError(f"measured_rate: need at least 2 * window = {2 * window} errors above {floor:g}; got "
                         f"{usable}. Run more steps or lower the window.")
    late = np.max(e[usable - window:usable])
    early = np.max(e[usable - window - span:usable - span])
    return float((late / early) ** (1.0 / span))

"""Part of the Linear algebra chapter: eigendecomposition, singular values, norms, and the spectral norm as the
Lipschitz constant of a linear layer (power iteration computes it).

Rows are examples, as everywhere in mathdl: the layer ``x -> xW`` acts on row vectors. The chapter's claim ids
(``linalg.*``) are declared in :data:`mathdl.linalg.CLAIMS`; every function here is checked in
``book/linear_algebra.ipynb`` and ``tests/test_spectral.py``.
"""
from __future__ import annotations

import math

import numpy as np

from mathdl.linalg import _array, _matrix, _positive_int

__all__ = [
    "lipschitz_ratio",
    "power_iteration",
    "singular_values",
    "singular_values_2x2",
    "spectral_norm",
    "symmetric_eig",
    "unit_circle_image",
]


# ------------------------------------------------------------------------------------- spectral theory

def symmetric_eig(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Eigendecomposition :math:`A = Q \Lambda Q^\top` of a real symmetric matrix, eigenvalues ascending.

    Parameters
    ----------
    A : ndarray, shape (d, d)
        Symmetric (``A == A.T`` to within 1e-12 relative).

    Returns
    -------
    eigenvalues : ndarray, shape (d,)
        Ascending.
    Q : ndarray, shape (d, d)
        Orthonormal eigenvectors as columns; each column's largest entry is made positive so the result is
        reproducible.

    Raises
    ------
    ValueError
        ``A`` is not square or not symmetric (use :func:`singular_values` for a general matrix).

    References
    ----------
    Book: Linear algebra, "Eigendecomposition" (claim ``linalg.symmetric-eig-2x2``).

    Examples
    --------
    >>> vals, Q = symmetric_eig(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> np.round(vals, 12)
    array([1., 3.])
    """
    A = _matrix(A, "A", "symmetric_eig")
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"symmetric_eig: A must be square; got shape {A.shape}.")
    scale = max(1.0, float(np.max(np.abs(A), initial=0.0)))
    if np.max(np.abs(A - A.T), initial=0.0) > 1e-12 * scale:
        raise ValueError("symmetric_eig: A must be symmetric; got A != A.T. For a general matrix use "
                         "singular_values, or symmetrise with (A + A.T) / 2 if that is what you mean.")
    vals, Q = np.linalg.eigh(A)
    pivot = np.argmax(np.abs(Q), axis=0)
    signs = np.sign(Q[pivot, np.arange(Q.shape[1])])
    return vals, Q * signs


def singular_values(A: np.ndarray) -> np.ndarray:
    """Singular values of ``A``, descending.

    Parameters
    ----------
    A : ndarray, shape (m, n)

    Returns
    -------
    ndarray, shape (min(m, n),)

    References
    ----------
    Book: Linear algebra, "The singular value decomposition" (claim ``linalg.frobenius-singular``).
    """
    A = _matrix(A, "A", "singular_values")
    return np.linalg.svd(A, compute_uv=False)


def singular_values_2x2(A: np.ndarray) -> np.ndarray:
    r"""Closed-form singular values of a 2x2 matrix, descending.

    Parameters
    ----------
    A : ndarray, shape (2, 2)

    Returns
    -------
    ndarray, shape (2,)

    Notes
    -----
    With :math:`s = \lVert A\rVert_F^2` and :math:`\delta = \det A`,

    .. math:: \sigma_{1,2} = \sqrt{\tfrac{1}{2}\left(s \pm \sqrt{s^2 - 4\delta^2}\right)} .

    The smaller one is computed as :math:`|\delta| / \sigma_1` (their product is :math:`|\det A|`), which
    avoids cancellation when the matrix is nearly singular.

    References
    ----------
    Book: Linear algebra, "The singular value decomposition" (claim ``linalg.singular-values-2x2``).
    """
    A = _matrix(A, "A", "singular_values_2x2")
    if A.shape != (2, 2):
        raise ValueError(f"singular_values_2x2: A must have shape (2, 2); got {A.shape}. "
                         "Use singular_values for other shapes.")
    s = float(np.sum(A * A))
    det = float(A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0])
    disc = math.sqrt(max(s * s - 4.0 * det * det, 0.0))
    s1 = math.sqrt(0.5 * (s + disc))
    s2 = abs(det) / s1 if s1 > 0 else 0.0
    return np.array([s1, s2])


def spectral_norm(W: np.ndarray) -> float:
    r"""The spectral norm :math:`\lVert W\rVert_2 = \sigma_{\max}(W)`, the Lipschitz constant of ``x -> xW``.

    Parameters
    ----------
    W : ndarray, shape (d_in, d_out)

    Returns
    -------
    float

    References
    ----------
    Book: Linear algebra, "The spectral norm is a Lipschitz constant" (claim ``linalg.spectral-lipschitz``).
    """
    return float(singular_values(W)[0])


def lipschitz_ratio(W: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    r"""How much the layer ``v -> vW`` stretches the pair (x, y): :math:`\lVert xW - yW\rVert / \lVert x - y\rVert`.

    Parameters
    ----------
    W : ndarray, shape (d_in, d_out)
    x, y : ndarray, shape (d_in,)
        Distinct points.

    Returns
    -------
    float
        At most :func:`spectral_norm` of ``W``.

    References
    ----------
    Book: Linear algebra, "The spectral norm is a Lipschitz constant" (claim ``linalg.spectral-lipschitz``).
    """
    W = _matrix(W, "W", "lipschitz_ratio")
    x = _array(x, "x", "lipschitz_ratio", 1)
    y = _array(y, "y", "lipschitz_ratio", 1)
    if x.shape != (W.shape[0],) or y.shape != (W.shape[0],):
        raise ValueError(f"lipschitz_ratio: x and y must have shape ({W.shape[0]},); got {x.shape} and {y.shape}.")
    gap = float(np.linalg.norm(x - y))
    if gap == 0.0:
        raise ValueError("lipschitz_ratio: x and y are equal, so the ratio is 0/0; pass two distinct points.")
    return float(np.linalg.norm((x - y) @ W)) / gap


def power_iteration(W: np.ndarray, iters: int = 1000, tol: float = 1e-12, seed: int = 0
                    ) -> tuple[float, np.ndarray, int]:
    r"""Largest singular value of ``W`` by power iteration on :math:`W^\top W`.

    Parameters
    ----------
    W : ndarray, shape (m, n)
    iters : int
        Maximum number of iterations.
    tol : float
        Stop when the estimate changes by less than ``tol`` relative.
    seed : int
        Seed of the random starting vector.

    Returns
    -------
    sigma : float
        The estimate of :math:`\sigma_{\max}(W)`.
    v : ndarray, shape (n,)
        The estimate of the top right singular vector (unit norm).
    steps : int
        Iterations used.

    Notes
    -----
    :math:`v_{t+1} = W^\top W v_t / \lVert W^\top W v_t\rVert`, :math:`\sigma_t = \lVert W v_t\rVert`. Writing
    :math:`v_0` in the right singular basis, the component along :math:`v^{(i)}` is multiplied by
    :math:`\sigma_i^2` each step, so the direction error shrinks like :math:`(\sigma_2/\sigma_1)^{2t}` and the
    error of :math:`\sigma_t`, quadratic in it, like :math:`(\sigma_2/\sigma_1)^{4t}`.

    References
    ----------
    Book: Linear algebra, "Power iteration" (claim ``linalg.power-iteration``).

    Examples
    --------
    >>> sigma, v, steps = power_iteration(np.diag([3.0, 1.0]))
    >>> round(sigma, 10)
    3.0
    """
    W = _matrix(W, "W", "power_iteration")
    iters = _positive_int(iters, "iters", "power_iteration")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"power_iteration: tol must be a positive number; got {tol!r}.")
    if not np.any(W):
        return 0.0, np.zeros(W.shape[1]), 0
    v = np.random.default_rng(seed).standard_normal(W.shape[1])
    v /= np.linalg.norm(v)
    sigma = float(np.linalg.norm(W @ v))
    for step in range(1, iters + 1):
        u = W.T @ (W @ v)
        norm = float(np.linalg.norm(u))
        if norm == 0.0:  # the start was orthogonal to the row space: restart along a row of W
            u = W[np.argmax(np.linalg.norm(W, axis=1))]
            norm = float(np.linalg.norm(u))
        v = u / norm
        new = float(np.linalg.norm(W @ v))
        if abs(new - sigma) <= tol * new:
            return new, v, step
        sigma = new
    return sigma, v, iters


# ------------------------------------------------------------------------------------------------ figures

def unit_circle_image(A: np.ndarray, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    r"""Points of the unit circle and their images under the row-vector map ``x -> xA``.

    Parameters
    ----------
    A : ndarray, shape (2, 2)
    points : int

    Returns
    -------
    circle : ndarray, shape (points, 2)
    image : ndarray, shape (points, 2)
        An ellipse whose semi-axes are the singular values of ``A``.

    References
    ----------
    Book: Linear algebra, "The singular value decomposition" (figure).
    """
    A = _matrix(A, "A", "unit_circle_image")
    if A.shape != (2, 2):
        raise ValueError(f"unit_circle_image: A must have shape (2, 2); got {A.shape}.")
    points = _positive_int(points, "points", "unit_circle_image")
    t = np.linspace(0.0, 2.0 * np.pi, points)
    circle = np.column_stack([np.cos(t), np.sin(t)])
    return circle, circle @ A

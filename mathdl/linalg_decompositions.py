"""Part of the Linear algebra chapter: rank and null space, orthogonal matrices and QR, PCA and the best rank-k
approximation (Eckart--Young), the condition number, and the vec/Kronecker/einsum language of tensor shapes.

Rows are examples, as everywhere in mathdl: a layer is ``x -> xW`` on row vectors. Jacobians are in *numerator
layout*: for ``f: R^n -> R^m`` the Jacobian is ``(m, n)``, and a gradient of a scalar is stored with the shape of
its argument (the transpose of the one-row Jacobian). The claim ids (``linalg.*``) are declared in
:data:`mathdl.linalg.CLAIMS`; every function here is checked in ``book/linear_algebra.ipynb`` and
``tests/test_linalg_decompositions.py``.
"""
from __future__ import annotations

import numpy as np

from mathdl.linalg import _array, _matrix, _positive_int

__all__ = [
    "best_rank_k",
    "collapse_linear",
    "condition_number",
    "dense_jacobian",
    "einsum_shape",
    "householder",
    "householder_qr",
    "lstsq_qr",
    "null_space",
    "numerical_rank",
    "pca",
    "unvec",
    "vec",
]


def _rtol(A: np.ndarray, rtol: object, func: str) -> float:
    if rtol is None:
        return max(A.shape) * np.finfo(float).eps
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0 <= rtol < 1:
        raise ValueError(f"{func}: rtol must be a float in [0, 1); got {rtol!r}.")
    return float(rtol)


# ------------------------------------------------------------------------------------- rank, null space

def collapse_linear(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    r"""The single affine layer equal to two stacked affine layers without an activation between them.

    Parameters
    ----------
    W1 : ndarray, shape (d_0, d_1)
    b1 : ndarray, shape (d_1,)
    W2 : ndarray, shape (d_1, d_2)
    b2 : ndarray, shape (d_2,)

    Returns
    -------
    W : ndarray, shape (d_0, d_2)
    b : ndarray, shape (d_2,)

    Raises
    ------
    ValueError
        If the shapes do not chain.

    Notes
    -----
    .. math:: (x W_1 + b_1^\top) W_2 + b_2^\top = x (W_1 W_2) + (b_1^\top W_2 + b_2^\top).

    References
    ----------
    Book: Linear algebra, "Rank and null space" (claim ``linalg.linear-composition``).

    Examples
    --------
    >>> W, b = collapse_linear(np.eye(2), np.ones(2), 2 * np.eye(2), np.zeros(2))
    >>> W.tolist(), b.tolist()
    ([[2.0, 0.0], [0.0, 2.0]], [2.0, 2.0])
    """
    W1, W2 = _matrix(W1, "W1", "collapse_linear"), _matrix(W2, "W2", "collapse_linear")
    b1, b2 = _array(b1, "b1", "collapse_linear", 1), _array(b2, "b2", "collapse_linear", 1)
    if W1.shape[1] != W2.shape[0]:
        raise ValueError(f"collapse_linear: W1 has {W1.shape[1]} columns but W2 has {W2.shape[0]} rows; "
                         f"they must chain. Got W1 {W1.shape}, W2 {W2.shape}.")
    if b1.shape != (W1.shape[1],) or b2.shape != (W2.shape[1],):
        raise ValueError(f"collapse_linear: b1 must be ({W1.shape[1]},) and b2 ({W2.shape[1]},); "
                         f"got {b1.shape} and {b2.shape}.")
    return W1 @ W2, b1 @ W2 + b2


def numerical_rank(A: np.ndarray, rtol: float | None = None) -> int:
    r"""The number of singular values above ``rtol * sigma_1``: the rank up to rounding error.

    Parameters
    ----------
    A : ndarray, shape (m, n)
    rtol : float, optional
        Relative threshold; default ``max(m, n) * machine epsilon``.

    Returns
    -------
    int

    Notes
    -----
    .. math:: \operatorname{rank}_\tau A = \#\{i : \sigma_i > \tau\,\sigma_1\}.

    References
    ----------
    Book: Linear algebra, "Rank and null space" (claim ``linalg.rank-nullity``).

    Examples
    --------
    >>> numerical_rank(np.outer([1.0, 2.0], [3.0, 4.0, 5.0]))
    1
    """
    A = _matrix(A, "A", "numerical_rank")
    tol = _rtol(A, rtol, "numerical_rank")
    s = np.linalg.svd(A, compute_uv=False)
    if s.size == 0 or s[0] == 0:
        return 0
    return int(np.sum(s > tol * s[0]))


def null_space(W: np.ndarray, rtol: float | None = None) -> np.ndarray:
    r"""An orthonormal basis of the inputs a layer ``x -> xW`` sends to zero, one basis vector per row.

    Parameters
    ----------
    W : ndarray, shape (d_in, d_out)
    rtol : float, optional
        Threshold of :func:`numerical_rank`.

    Returns
    -------
    N : ndarray, shape (d_in - rank W, d_in)
        Rows orthonormal, ``N @ W`` zero up to rounding.

    Notes
    -----
    With :math:`W = U\Sigma V^\top`, the rows :math:`u_i^\top` for :math:`i > r` satisfy :math:`u_i^\top W = 0`,
    and :math:`r + (d_\text{in} - r) = d_\text{in}` (rank--nullity).

    References
    ----------
    Book: Linear algebra, "Rank and null space" (claim ``linalg.rank-nullity``).

    Examples
    --------
    >>> null_space(np.array([[1.0], [1.0]])).round(6).tolist()
    [[-0.707107, 0.707107]]
    """
    W = _matrix(W, "W", "null_space")
    r = numerical_rank(W, rtol)
    U = np.linalg.svd(W, full_matrices=True)[0]
    N = U[:, r:].T
    # a deterministic sign: the largest-magnitude entry of each row is positive
    signs = np.sign(N[np.arange(N.shape[0]), np.argmax(np.abs(N), axis=1)])
    return N * signs[:, None]


# ------------------------------------------------------------------------------------ orthogonal and QR

def householder(v: np.ndarray) -> np.ndarray:
    r"""The Householder reflection :math:`H = I - 2 v v^\top / (v^\top v)`, symmetric and orthogonal.

    Parameters
    ----------
    v : ndarray, shape (d,)
        Normal of the mirror; must not be zero.

    Returns
    -------
    H : ndarray, shape (d, d)

    Notes
    -----
    :math:`H^\top H = I` and :math:`Hv = -v`; :math:`Hx = x` for :math:`x \perp v`.

    References
    ----------
    Book: Linear algebra, "Orthogonal matrices and QR" (claim ``linalg.orthogonal-isometry``).

    Examples
    --------
    >>> householder(np.array([1.0, 0.0])).tolist()
    [[-1.0, 0.0], [0.0, 1.0]]
    """
    v = _array(v, "v", "householder", 1)
    vv = float(v @ v)
    if vv == 0.0:
        raise ValueError("householder: v must be non-zero (it is the mirror's normal); got the zero vector.")
    return np.eye(v.size) - 2.0 * np.outer(v, v) / vv


def householder_qr(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Reduced QR factorization by Householder reflections: ``A = Q R``.

    Parameters
    ----------
    A : ndarray, shape (m, n), m >= n

    Returns
    -------
    Q : ndarray, shape (m, n)
        Orthonormal columns, :math:`Q^\top Q = I_n`.
    R : ndarray, shape (n, n)
        Upper triangular with a non-negative diagonal.

    Notes
    -----
    Column :math:`j` is reflected onto :math:`\lVert a\rVert e_1` by :math:`H_j = I - 2vv^\top/v^\top v` with
    :math:`v = a + \operatorname{sign}(a_1)\lVert a\rVert e_1`;
    :math:`R = H_n\cdots H_1 A` and :math:`Q = H_1\cdots H_n` (first n columns).

    References
    ----------
    Book: Linear algebra, "Orthogonal matrices and QR" (claim ``linalg.householder-qr``).

    Examples
    --------
    >>> Q, R = householder_qr(np.array([[3.0], [4.0]]))
    >>> Q.round(6).tolist(), R.round(6).tolist()
    ([[0.6], [0.8]], [[5.0]])
    """
    A = _matrix(A, "A", "householder_qr")
    m, n = A.shape
    if m < n or n == 0:
        raise ValueError(f"householder_qr: A must have at least as many rows as columns (m >= n >= 1); got "
                         f"shape {A.shape}. Factor A.T for a wide matrix.")
    R = A.copy()
    Q = np.eye(m)
    for j in range(n):
        a = R[j:, j]
        norm = np.linalg.norm(a)
        if norm == 0.0:
            continue
        v = a.copy()
        v[0] += (1.0 if a[0] >= 0 else -1.0) * norm
        H = householder(v)
        R[j:, :] = H @ R[j:, :]
        Q[:, j:] = Q[:, j:] @ H
    Q, R = Q[:, :n], np.triu(R[:n, :])
    signs = np.where(np.diag(R) < 0, -1.0, 1.0)
    return Q * signs, R * signs[:, None]


def lstsq_qr(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""Least squares :math:`\min_W \lVert XW - Y\rVert_F` through QR, without forming :math:`X^\top X`.

    Parameters
    ----------
    X : ndarray, shape (n, d), n >= d, full column rank
    Y : ndarray, shape (n, k)

    Returns
    -------
    W : ndarray, shape (d, k)

    Raises
    ------
    ValueError
        If shapes do not match or X is rank-deficient (a zero on R's diagonal).

    Notes
    -----
    With :math:`X = QR`, the normal equations :math:`X^\top X W = X^\top Y` become :math:`R W = Q^\top Y`,
    solved by back substitution; the conditioning is :math:`\kappa(X)`, not :math:`\kappa(X)^2`.

    References
    ----------
    Book: Linear algebra, "Orthogonal matrices and QR" (claim ``linalg.qr-least-squares``); used for the best
    affine fit to XOR in "Rank and null space" (claim ``linalg.affine-xor``).

    Examples
    --------
    >>> lstsq_qr(np.array([[1.0], [1.0]]), np.array([[1.0], [3.0]])).tolist()
    [[2.0]]
    """
    X, Y = _matrix(X, "X", "lstsq_qr"), _matrix(Y, "Y", "lstsq_qr", "Use y[:, None] for one target.")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"lstsq_qr: X and Y need the same number of rows; got X {X.shape}, Y {Y.shape}.")
    Q, R = householder_qr(X)
    diag = np.abs(np.diag(R))
    if np.any(diag <= X.shape[0] * np.finfo(float).eps * max(diag.max(), 1e-300)):
        raise ValueError("lstsq_qr: X is rank-deficient (R has a zero on its diagonal); the least-squares "
                         "solution is not unique. Drop dependent columns or add a ridge penalty.")
    B = Q.T @ Y
    d = R.shape[0]
    W = np.zeros((d, Y.shape[1]))
    for i in range(d - 1, -1, -1):
        W[i] = (B[i] - R[i, i + 1:] @ W[i + 1:]) / R[i, i]
    return W


def condition_number(A: np.ndarray) -> float:
    r"""The condition number :math:`\kappa(A) = \sigma_{\max} / \sigma_{\min}` (2-norm), ``inf`` if singular.

    Parameters
    ----------
    A : ndarray, shape (m, n)

    Returns
    -------
    float
        In :math:`[1, \infty]`; ``inf`` when the smallest of the min(m, n) singular values is 0.

    Notes
    -----
    :math:`\kappa(X^\top X) = \kappa(X)^2`, and for :math:`Ax = b` a relative change of :math:`b` is amplified
    in :math:`x` by at most :math:`\kappa(A)`, attained along the singular vectors.

    References
    ----------
    Book: Linear algebra, "The condition number" (claim ``linalg.condition-number``).

    Examples
    --------
    >>> condition_number(np.diag([4.0, 0.5]))
    8.0
    """
    A = _matrix(A, "A", "condition_number")
    if A.size == 0:
        raise ValueError(f"condition_number: A must be non-empty; got shape {A.shape}.")
    s = np.linalg.svd(A, compute_uv=False)
    if s[-1] == 0.0:
        return float("inf")
    return float(s[0] / s[-1])


# ----------------------------------------------------------------------------- PCA and Eckart--Young

def best_rank_k(A: np.ndarray, k: int) -> np.ndarray:
    r"""The truncated SVD :math:`A_k = \sum_{i \le k} \sigma_i u_i v_i^\top`, the best rank-k approximation.

    Parameters
    ----------
    A : ndarray, shape (m, n)
    k : int, 1 <= k <= min(m, n)

    Returns
    -------
    A_k : ndarray, shape (m, n)

    Notes
    -----
    Eckart--Young: :math:`\lVert A - A_k\rVert_F^2 = \sum_{i > k}\sigma_i^2 \le \lVert A - B\rVert_F^2` for
    every B of rank at most k.

    References
    ----------
    Book: Linear algebra, "PCA and the best rank-k approximation" (claim ``linalg.eckart-young``).

    Examples
    --------
    >>> best_rank_k(np.diag([3.0, 1.0]), 1).tolist()
    [[3.0, 0.0], [0.0, 0.0]]
    """
    A = _matrix(A, "A", "best_rank_k")
    k = _positive_int(k, "k", "best_rank_k")
    if k > min(A.shape):
        raise ValueError(f"best_rank_k: k must be at most min(m, n) = {min(A.shape)}; got {k}.")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return (U[:, :k] * s[:k]) @ Vt[:k]


def pca(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Principal component analysis as the SVD of the centred data.

    Parameters
    ----------
    X : ndarray, shape (n, d), n >= 2
        Data, one example per row.
    k : int, 1 <= k <= min(n, d)

    Returns
    -------
    components : ndarray, shape (k, d)
        Orthonormal rows :math:`v_1^\top, \dots, v_k^\top` (sign: largest entry positive).
    variances : ndarray, shape (k,)
        :math:`\sigma_i^2 / (n - 1)`, the variance of the data along each component (descending).
    mean : ndarray, shape (d,)

    Notes
    -----
    With :math:`X_c = X - \mathbf 1\bar x^\top = U\Sigma V^\top`, the sample covariance is
    :math:`C = X_c^\top X_c/(n-1) = V \tfrac{\Sigma^2}{n-1} V^\top`: its eigenvectors are the right singular vectors.

    References
    ----------
    Book: Linear algebra, "PCA and the best rank-k approximation" (claim ``linalg.pca-svd``).

    Examples
    --------
    >>> comps, var, mean = pca(np.array([[0.0, 0.0], [2.0, 0.0]]), 1)
    >>> comps.tolist(), var.round(12).tolist(), mean.tolist()
    ([[1.0, 0.0]], [2.0], [1.0, 0.0])
    """
    X = _matrix(X, "X", "pca")
    k = _positive_int(k, "k", "pca")
    n, d = X.shape
    if n < 2:
        raise ValueError(f"pca: X needs at least 2 rows (examples) for a covariance; got shape {X.shape}.")
    if k > min(n, d):
        raise ValueError(f"pca: k must be at most min(n, d) = {min(n, d)}; got {k}.")
    mean = X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    comps = Vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    return comps * signs[:, None], s[:k] ** 2 / (n - 1), mean


# --------------------------------------------------------------------------- vec, Kronecker, einsum

def vec(X: np.ndarray) -> np.ndarray:
    r"""Stack the columns of ``X`` into one vector (column-major, the convention of vec(AXB) = (Bᵀ ⊗ A) vec X).

    Parameters
    ----------
    X : ndarray, shape (m, n)

    Returns
    -------
    ndarray, shape (m n,)

    Notes
    -----
    :math:`\operatorname{vec}(X)_{i + m j} = X_{ij}` (0-based); numpy's default ``ravel`` stacks rows instead.

    References
    ----------
    Book: Linear algebra, "vec, Kronecker products and einsum" (claim ``linalg.vec-kronecker``).

    Examples
    --------
    >>> vec(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 3.0, 2.0, 4.0]
    """
    return _matrix(X, "X", "vec").ravel(order="F")


def unvec(v: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    r"""The inverse of :func:`vec`: refill an ``(m, n)`` matrix column by column.

    Parameters
    ----------
    v : ndarray, shape (m n,)
    shape : (int, int)

    Returns
    -------
    ndarray, shape (m, n)

    References
    ----------
    Book: Linear algebra, "vec, Kronecker products and einsum" (claim ``linalg.vec-kronecker``).

    Examples
    --------
    >>> unvec(np.array([1.0, 3.0, 2.0, 4.0]), (2, 2)).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    v = _array(v, "v", "unvec", 1)
    if not (isinstance(shape, tuple) and len(shape) == 2):
        raise ValueError(f"unvec: shape must be a pair (m, n); got {shape!r}.")
    m, n = (_positive_int(s, "shape", "unvec") for s in shape)
    if v.size != m * n:
        raise ValueError(f"unvec: v has {v.size} entries but shape {shape} needs {m * n}.")
    return v.reshape((m, n), order="F")


def dense_jacobian(X: np.ndarray, d_out: int) -> np.ndarray:
    r"""Numerator-layout Jacobian of :math:`\operatorname{vec}(XW)` with respect to :math:`\operatorname{vec}(W)`.

    Parameters
    ----------
    X : ndarray, shape (n, d_in)
    d_out : int
        Number of columns of W.

    Returns
    -------
    J : ndarray, shape (n d_out, d_in d_out)
        :math:`J = I_{d_\text{out}} \otimes X`; row = output entry, column = weight (numerator layout).

    Notes
    -----
    :math:`\operatorname{vec}(X W I) = (I \otimes X)\operatorname{vec}(W)`, and the vector--Jacobian product
    :math:`J^\top \operatorname{vec}(G) = \operatorname{vec}(X^\top G)` is the weight gradient of the dense layer.

    References
    ----------
    Book: Linear algebra, "vec, Kronecker products and einsum" (claim ``linalg.layout``).

    Examples
    --------
    >>> dense_jacobian(np.array([[2.0]]), 2).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    X = _matrix(X, "X", "dense_jacobian")
    d_out = _positive_int(d_out, "d_out", "dense_jacobian")
    return np.kron(np.eye(d_out), X)


def einsum_shape(spec: str, *shapes: tuple[int, ...]) -> tuple[int, ...]:
    r"""The output shape of ``np.einsum(spec, *operands)`` from the operand shapes, or a clear error.

    Parameters
    ----------
    spec : str
        Explicit einsum specification ``"ij,jk->ik"`` (letters only, no ellipsis).
    *shapes : tuple of int
        One shape per operand.

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        Wrong number of operands or indices, a letter bound to two different sizes, or an output letter that
        appears in no input.

    Notes
    -----
    Every letter names one axis size; letters absent from the output are summed over:
    :math:`C_{ik} = \sum_j A_{ij}B_{jk}` for ``"ij,jk->ik"``.

    References
    ----------
    Book: Linear algebra, "vec, Kronecker products and einsum" (claim ``linalg.einsum-shapes``).

    Examples
    --------
    >>> einsum_shape("bij,bjk->bik", (8, 2, 3), (8, 3, 5))
    (8, 2, 5)
    """
    if not isinstance(spec, str) or spec.count("->") != 1:
        raise ValueError(f"einsum_shape: spec must be an explicit string like 'ij,jk->ik'; got {spec!r}.")
    inputs, output = spec.replace(" ", "").split("->")
    terms = inputs.split(",")
    if not all(t.isalpha() or t == "" for t in terms + [output]):
        raise ValueError(f"einsum_shape: spec may contain only letters, ',' and '->'; got {spec!r}.")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum_shape: spec {spec!r} has {len(terms)} operands but {len(shapes)} shapes came.")
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes):
        shape = tuple(shape)
        if len(term) != len(shape):
            raise ValueError(f"einsum_shape: operand {term!r} has {len(term)} indices but shape {shape}.")
        for letter, size in zip(term, shape):
            if sizes.setdefault(letter, int(size)) != size:
                raise ValueError(f"einsum_shape: index {letter!r} is bound to sizes {sizes[letter]} and {size}; "
                                 "axes sharing a letter must have equal length.")
    missing = [c for c in output if c not in sizes]
    if missing or len(set(output)) != len(output):
        raise ValueError(f"einsum_shape: output {output!r} must use distinct letters that occur in the inputs.")
    return tuple(sizes[c] for c in output)

"""Chapter 1 — Linear algebra for deep learning.

Rows are examples: ``X`` has shape (n, d) and a layer computes ``X @ W + b`` with ``W`` of shape
(d_in, d_out), the sources' X_k = psi(X_{k-1} W_k). Every function here implements a formula derived in
``book/linear_algebra.ipynb`` and is checked against it in ``tests/test_linalg.py``; the claim ids in
:data:`CLAIMS` name those facts (for this module and for :mod:`mathdl.spectral`, which holds the chapter's
eigendecomposition, singular values, norms and power iteration).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mathdl.validate import real_array

__all__ = [
    "CLAIMS",
    "ACTIVATIONS",
    "chain_matmul_flops",
    "dense",
    "dense_vjp",
    "frobenius_loss",
    "frobenius_loss_grad",
    "jl_min_dim",
    "matmul_flops",
    "max_distortion",
    "pairwise_sq_distances",
    "quadratic_trace",
    "quadratic_trace_grad",
    "random_projection",
    "trace_inner",
    "two_layer_network",
]

#: The facts of this chapter, by claim id. The book, the tests and the ledger use these ids.
CLAIMS = {
    "linalg.layer-shapes": "X (n, d_in) @ W (d_in, d_out) + b (d_out,) has shape (n, d_out); row i is x_i W + b",
    "linalg.dense-vjp": "for Z = XW + b: dX = G W^T, dW = X^T G, db = column sums of G",
    "linalg.matmul-cost": "an (n, k) @ (k, m) product costs n k m multiplications and n (k - 1) m additions",
    "linalg.trace-inner": "tr(A^T B) = sum_ij A_ij B_ij (the Frobenius inner product)",
    "linalg.frobenius-gradient": "d||XW - Y||_F^2 / dW = 2 X^T (XW - Y)",
    "linalg.quadratic-trace-gradient": "d tr(W^T A W) / dW = (A + A^T) W",
    "linalg.symmetric-eig-2x2": "eigenvalues of [[a, b], [b, c]] are (a+c)/2 -+ sqrt(((a-c)/2)^2 + b^2)",
    "linalg.singular-values-2x2": "sigma_1,2^2 = (||A||_F^2 +- sqrt(||A||_F^4 - 4 det(A)^2)) / 2",
    "linalg.frobenius-singular": "||A||_F^2 = tr(A^T A) = sum_i sigma_i^2",
    "linalg.spectral-lipschitz": "||xW - yW|| <= sigma_max(W) ||x - y||, with equality along the top singular vector"
                                 " (from sigma_1^2 ||h||^2 - ||hW||^2 = sum_i c_i^2 (sigma_1^2 - sigma_i^2))",
    "linalg.power-iteration": "power iteration on W^T W: the direction error shrinks like (sigma_2/sigma_1)^(2t) and "
                              "the error of sigma_hat_t = ||W v_t|| like (sigma_2/sigma_1)^(4t) (exact closed form "
                              "proved for two singular values; the rate for a general spectrum is measured)",
    "linalg.johnson-lindenstrauss": "given the Gaussian tail bound 2 exp(-k (eps^2/2 - eps^3/3) / 2) per pair (cited, "
                                    "not proved), k >= 4 ln n / (eps^2/2 - eps^3/3) dims keeps each squared distance "
                                    "within 1 +- eps except with probability <= 2/n^2, all pairs with probability "
                                    ">= 1/n; the distortion of random_projection is measured",
    # rank, QR, PCA, conditioning, vec/Kronecker/einsum: implemented in mathdl.linalg_decompositions
    "linalg.linear-composition": "two affine layers without an activation are one affine layer: "
                                 "(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2); rank(W1 W2) <= min(rank W1, rank W2)",
    "linalg.affine-xor": "no affine map f(x) = x w + b fits XOR: f(0,0) + f(1,1) = f(1,0) + f(0,1) for every w, b "
                         "(XOR's two sums are 0 and 2); the least-squares affine fit predicts 1/2 on all four inputs",
    "linalg.rank-nullity": "for x -> xW with W (d_in, d_out): rank W + dim{x : xW = 0} = d_in; inputs differing by a "
                           "null-space vector give the same output",
    "linalg.orthogonal-isometry": "an orthogonal Q (rotation or Householder reflection I - 2vv^T/v^Tv) has Q^T Q = I "
                                  "and keeps lengths: ||xQ|| = ||x||",
    "linalg.householder-qr": "Householder QR gives A = QR with Q^T Q = I and R upper triangular",
    "linalg.qr-least-squares": "with X = QR the least-squares solution solves R W = Q^T Y; its error grows with "
                               "kappa(X), the normal equations' with kappa(X)^2 (measured)",
    "linalg.condition-number": "kappa(A) = sigma_max / sigma_min; kappa(X^T X) = kappa(X)^2; a relative change of b "
                               "changes the solution of Ax = b by at most kappa(A) times as much, attained along the "
                               "singular vectors",
    "linalg.pca-svd": "PCA: the right singular vectors of the centred data are the eigenvectors of the sample "
                      "covariance, with variances sigma_i^2 / (n - 1)",
    "linalg.eckart-young": "the truncated SVD A_k is a best rank-k approximation: ||A - A_k||_F^2 = sum_{i>k} "
                           "sigma_i^2 <= ||A - B||_F^2 for every B of rank <= k",
    "linalg.vec-kronecker": "vec(A X B) = (B^T kron A) vec(X) with column-stacking vec",
    "linalg.layout": "numerator layout: the Jacobian of vec(XW) in vec(W) is I kron X (outputs by inputs), and the "
                     "gradient (denominator layout, shaped like W) is its transpose applied to vec(G): X^T G",
    "linalg.einsum-shapes": "einsum: each index letter names one axis size, repeated letters are summed; the output "
                            "shape follows from the letters",
}

#: Hidden and output activations accepted by :func:`two_layer_network`, by name.
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda z: z,
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # = 1 / (1 + exp(-z)), without overflow
    "relu": lambda z: np.maximum(z, 0.0),
}


# ------------------------------------------------------------------------------------------ validation

def _array(x: object, name: str, func: str, ndim: int | tuple[int, ...], hint: str = "") -> np.ndarray:
    arr = real_array(x, name, func)
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in dims:
        want = " or ".join(f"{k}-D" for k in dims)
        raise ValueError(f"{func}: {name} must be {want}; got shape {arr.shape}.{(' ' + hint) if hint else ''}")
    return arr


def _matrix(x: object, name: str, func: str, hint: str = "") -> np.ndarray:
    return _array(x, name, func, 2, hint)


def _positive_int(k: object, name: str, func: str) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{func}: {name} must be a positive int; got {k!r}.")
    return int(k)


# ---------------------------------------------------------------------------------------------- layers

def dense(X: np.ndarray, W: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    r"""A linear (affine) layer, one row per example.

    Parameters
    ----------
    X : ndarray, shape (n, d_in)
        Inputs, one example per row.
    W : ndarray, shape (d_in, d_out)
        Weights.
    b : ndarray, shape (d_out,), optional
        Bias, added to every row.

    Returns
    -------
    Z : ndarray, shape (n, d_out)

    Raises
    ------
    ValueError
        If the shapes do not chain (``X.shape[1] != W.shape[0]``) or ``b`` is not (d_out,).

    Notes
    -----
    .. math:: Z = X W + \mathbf{1} b^\top, \qquad Z_{ij} = \sum_k X_{ik} W_{kj} + b_j .

    References
    ----------
    Book: Linear algebra, "A layer is a linear map" (claim ``linalg.layer-shapes``).

    Examples
    --------
    >>> dense(np.ones((2, 3)), np.ones((3, 4)), np.arange(4.0))
    array([[3., 4., 5., 6.],
           [3., 4., 5., 6.]])
    """
    X = _matrix(X, "X", "dense", "Use X[None, :] for one example.")
    W = _matrix(W, "W", "dense")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"dense: X has {X.shape[1]} columns but W has {W.shape[0]} rows; W must be "
                         f"(d_in, d_out) = ({X.shape[1]}, ...). Got X {X.shape}, W {W.shape}.")
    Z = X @ W
    if b is not None:
        b = _array(b, "b", "dense", 1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"dense: b must have shape ({W.shape[1]},) to match W's columns; got {b.shape}.")
        Z = Z + b
    return Z


def dense_vjp(G: np.ndarray, X: np.ndarray, W: np.ndarray, b: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Vector-Jacobian product of :func:`dense`: pull a cotangent ``G`` back to ``X``, ``W`` (and ``b``).

    Parameters
    ----------
    G : ndarray, shape (n, d_out)
        Cotangent of the output, :math:`\partial L / \partial Z`.
    X : ndarray, shape (n, d_in)
    W : ndarray, shape (d_in, d_out)
    b : ndarray, shape (d_out,), optional
        If given, its gradient is returned too.

    Returns
    -------
    dX : ndarray, shape (n, d_in)
    dW : ndarray, shape (d_in, d_out)
    db : ndarray, shape (d_out,)
        Only when ``b`` is given.

    Notes
    -----
    .. math:: \frac{\partial L}{\partial X} = G W^\top, \quad
              \frac{\partial L}{\partial W} = X^\top G, \quad
              \frac{\partial L}{\partial b} = \mathbf{1}^\top G .

    References
    ----------
    Book: Linear algebra, "Matrix calculus" (claim ``linalg.dense-vjp``).
    """
    Z = dense(X, W, b)
    G = _matrix(G, "G", "dense_vjp")
    if G.shape != Z.shape:
        raise ValueError(f"dense_vjp: G must have the output's shape {Z.shape}; got {G.shape}.")
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    if b is None:
        return G @ W.T, X.T @ G
    return G @ W.T, X.T @ G, G.sum(axis=0)


def two_layer_network(X: np.ndarray, W1: np.ndarray, W2: np.ndarray, hidden: str = "tanh",
                      output: str = "identity") -> np.ndarray:
    r"""The network of Figure 1 of source 000: :math:`Y = \psi_2(\psi_1(X W_1) W_2)`.

    Parameters
    ----------
    X : ndarray, shape (n, D)
        Inputs (D = 3 in the figure).
    W1 : ndarray, shape (D, d_1)
        First-layer weights (d_1 = 4 hidden units in the figure).
    W2 : ndarray, shape (d_1, d_2)
        Second-layer weights (d_2 = 2 outputs in the figure).
    hidden, output : {"identity", "tanh", "sigmoid", "relu"}
        The activations psi_1 and psi_2, applied entrywise.

    Returns
    -------
    Y : ndarray, shape (n, d_2)

    Raises
    ------
    ValueError
        Unknown activation name or shapes that do not chain.

    References
    ----------
    Book: Linear algebra, "A layer is a linear map" (claim ``linalg.layer-shapes``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> two_layer_network(rng.standard_normal((5, 3)), rng.standard_normal((3, 4)),
    ...                   rng.standard_normal((4, 2))).shape
    (5, 2)
    """
    for name, value in (("hidden", hidden), ("output", output)):
        if value not in ACTIVATIONS:
            raise ValueError(f"two_layer_network: {name} must be one of {sorted(ACTIVATIONS)}; got {value!r}.")
    H = ACTIVATIONS[hidden](dense(X, W1))
    try:
        return ACTIVATIONS[output](dense(H, W2))
    except ValueError as err:
        raise ValueError(f"two_layer_network: W2 must be (d_1, d_2) with d_1 = W1.shape[1] = "
                         f"{np.shape(W1)[1]}; got W2 of shape {np.shape(W2)}.") from err


# ------------------------------------------------------------------------------------------------ cost

def matmul_flops(a_shape: tuple[int, int], b_shape: tuple[int, int]) -> tuple[int, int]:
    """Multiplications and additions in the product of an (n, k) and a (k, m) matrix.

    Parameters
    ----------
    a_shape, b_shape : (int, int)
        Shapes ``(n, k)`` and ``(k, m)``.

    Returns
    -------
    (multiplications, additions) : (int, int)
        ``(n*k*m, n*(k-1)*m)``: each of the n*m outputs is a k-term dot product.

    References
    ----------
    Book: Linear algebra, "What a matrix product costs" (claim ``linalg.matmul-cost``).

    Examples
    --------
    >>> matmul_flops((256, 784), (784, 10))
    (2007040, 2004480)
    """
    for name, shape in (("a_shape", a_shape), ("b_shape", b_shape)):
        if not (isinstance(shape, tuple) and len(shape) == 2):
            raise ValueError(f"matmul_flops: {name} must be a pair (rows, cols); got {shape!r}.")
        for k in shape:
            _positive_int(k, name, "matmul_flops")
    (n, k), (k2, m) = a_shape, b_shape
    if k != k2:
        raise ValueError(f"matmul_flops: inner dimensions differ: {a_shape} @ {b_shape}.")
    return n * k * m, n * (k - 1) * m


def chain_matmul_flops(shapes: list[tuple[int, int]], order: str = "left") -> int:
    """Multiplications in the product ``A_1 A_2 ... A_p`` evaluated left-to-right or right-to-left.

    Parameters
    ----------
    shapes : list of (int, int)
        Shapes of the factors; consecutive ones must chain.
    order : {"left", "right"}
        ``"left"`` computes ``((A_1 A_2) A_3) ...``, ``"right"`` computes ``A_1 (A_2 (A_3 ...))``.

    Returns
    -------
    int

    References
    ----------
    Book: Linear algebra, "What a matrix product costs" (claim ``linalg.matmul-cost``): backpropagation is the
    right-to-left order applied to a row vector.

    Examples
    --------
    >>> chain_matmul_flops([(1, 100), (100, 100), (100, 100)], "left")
    20000
    >>> chain_matmul_flops([(1, 100), (100, 100), (100, 100)], "right")
    1010000
    """
    if order not in ("left", "right"):
        raise ValueError(f"chain_matmul_flops: order must be 'left' or 'right'; got {order!r}.")
    if not shapes:
        raise ValueError("chain_matmul_flops: shapes must hold at least one (rows, cols) pair; got [].")
    seq = list(shapes) if order == "left" else list(reversed(shapes))
    total = 0
    acc = seq[0]
    for nxt in seq[1:]:
        a, b = (acc, nxt) if order == "left" else (nxt, acc)
        total += matmul_flops(a, b)[0]
        acc = (a[0], b[1])
    return total


# ------------------------------------------------------------------------------------- matrix calculus

def trace_inner(A: np.ndarray, B: np.ndarray) -> float:
    r"""The Frobenius inner product :math:`\operatorname{tr}(A^\top B) = \sum_{ij} A_{ij} B_{ij}`.

    Parameters
    ----------
    A, B : ndarray, shape (m, n)

    Returns
    -------
    float

    References
    ----------
    Book: Linear algebra, "The trace trick" (claim ``linalg.trace-inner``).

    Examples
    --------
    >>> trace_inner(np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]]))
    5.0
    """
    A = _matrix(A, "A", "trace_inner")
    B = _matrix(B, "B", "trace_inner")
    if A.shape != B.shape:
        raise ValueError(f"trace_inner: A and B must have the same shape; got {A.shape} and {B.shape}.")
    return float(np.sum(A * B))


def _regression(X: object, W: object, Y: object, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = _matrix(X, "X", func)
    W = _matrix(W, "W", func)
    Y = _matrix(Y, "Y", func)
    if X.shape[1] != W.shape[0] or Y.shape != (X.shape[0], W.shape[1]):
        raise ValueError(f"{func}: need X (n, d), W (d, k), Y (n, k); got X {X.shape}, W {W.shape}, "
                         f"Y {Y.shape}.")
    return X, W, Y


def frobenius_loss(X: np.ndarray, W: np.ndarray, Y: np.ndarray) -> float:
    r"""Squared Frobenius error of a linear model, :math:`\lVert XW - Y \rVert_F^2`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    W : ndarray, shape (d, k)
    Y : ndarray, shape (n, k)

    Returns
    -------
    float

    Notes
    -----
    .. math:: L(W) = \lVert XW - Y\rVert_F^2 = \operatorname{tr}\big((XW - Y)^\top (XW - Y)\big).

    References
    ----------
    Book: Linear algebra, "Matrix calculus" (claim ``linalg.frobenius-gradient``).
    """
    X, W, Y = _regression(X, W, Y, "frobenius_loss")
    R = X @ W - Y
    return float(np.sum(R * R))


def frobenius_loss_grad(X: np.ndarray, W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`frobenius_loss` with respect to ``W``.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    W : ndarray, shape (d, k)
    Y : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (d, k)

    Notes
    -----
    .. math:: \frac{\partial}{\partial W} \lVert XW - Y\rVert_F^2 = 2 X^\top (XW - Y).

    References
    ----------
    Book: Linear algebra, "Matrix calculus" (claim ``linalg.frobenius-gradient``).
    """
    X, W, Y = _regression(X, W, Y, "frobenius_loss_grad")
    return 2.0 * X.T @ (X @ W - Y)


def _quadratic(W: object, A: object, func: str) -> tuple[np.ndarray, np.ndarray]:
    W = _matrix(W, "W", func)
    A = _matrix(A, "A", func)
    if A.shape != (W.shape[0], W.shape[0]):
        raise ValueError(f"{func}: A must be square ({W.shape[0]}, {W.shape[0]}) to match W {W.shape}; "
                         f"got {A.shape}.")
    return W, A


def quadratic_trace(W: np.ndarray, A: np.ndarray) -> float:
    r"""The quadratic form :math:`\operatorname{tr}(W^\top A W)`.

    Parameters
    ----------
    W : ndarray, shape (d, k)
    A : ndarray, shape (d, d)

    Returns
    -------
    float

    References
    ----------
    Book: Linear algebra, "The trace trick" (claim ``linalg.quadratic-trace-gradient``).
    """
    W, A = _quadratic(W, A, "quadratic_trace")
    return float(np.sum(W * (A @ W)))


def quadratic_trace_grad(W: np.ndarray, A: np.ndarray) -> np.ndarray:
    r"""Gradient of :func:`quadratic_trace` with respect to ``W``: :math:`(A + A^\top) W`.

    Parameters
    ----------
    W : ndarray, shape (d, k)
    A : ndarray, shape (d, d)

    Returns
    -------
    ndarray, shape (d, k)

    References
    ----------
    Book: Linear algebra, "The trace trick" (claim ``linalg.quadratic-trace-gradient``).
    """
    W, A = _quadratic(W, A, "quadratic_trace_grad")
    return (A + A.T) @ W


# ---------------------------------------------------------------------------------- random projections

def random_projection(X: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    r"""Project the rows of ``X`` to ``k`` dimensions with a Gaussian matrix scaled by :math:`1/\sqrt{k}`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    k : int
        Target dimension.
    seed : int

    Returns
    -------
    ndarray, shape (n, k)
        :math:`X R` with :math:`R_{ij} \sim \mathcal{N}(0, 1/k)`, so
        :math:`\mathbb{E}\lVert xR\rVert^2 = \lVert x\rVert^2`.

    References
    ----------
    Book: Linear algebra, "Random projections preserve distances" (claim ``linalg.johnson-lindenstrauss``).
    """
    X = _matrix(X, "X", "random_projection")
    k = _positive_int(k, "k", "random_projection")
    R = np.random.default_rng(seed).standard_normal((X.shape[1], k)) / math.sqrt(k)
    return X @ R


def pairwise_sq_distances(X: np.ndarray) -> np.ndarray:
    r"""Squared Euclidean distances between all pairs of rows, :math:`D_{ij} = \lVert x_i - x_j\rVert^2`.

    Parameters
    ----------
    X : ndarray, shape (n, d)

    Returns
    -------
    ndarray, shape (n, n)
        Computed directly from differences (not from the Gram matrix, which loses precision for close points).
    """
    X = _matrix(X, "X", "pairwise_sq_distances")
    diff = X[:, None, :] - X[None, :, :]
    return np.einsum("ijk,ijk->ij", diff, diff)


def max_distortion(X: np.ndarray, Y: np.ndarray) -> float:
    r"""Worst relative change of a squared pairwise distance:
    :math:`\max_{i<j} |\,\lVert y_i-y_j\rVert^2 / \lVert x_i-x_j\rVert^2 - 1|`.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Original points (distinct rows).
    Y : ndarray, shape (n, k)
        Their images.

    Returns
    -------
    float

    References
    ----------
    Book: Linear algebra, "Random projections preserve distances" (claim ``linalg.johnson-lindenstrauss``).
    """
    X = _matrix(X, "X", "max_distortion")
    Y = _matrix(Y, "Y", "max_distortion")
    if X.shape[0] != Y.shape[0] or X.shape[0] < 2:
        raise ValueError(f"max_distortion: X and Y need the same number (>= 2) of rows; got {X.shape[0]} and "
                         f"{Y.shape[0]}.")
    i, j = np.triu_indices(X.shape[0], k=1)
    dx = pairwise_sq_distances(X)[i, j]
    if np.any(dx == 0):
        raise ValueError("max_distortion: X has repeated rows, so some distance ratio is 0/0; drop duplicates.")
    return float(np.max(np.abs(pairwise_sq_distances(Y)[i, j] / dx - 1.0)))


def jl_min_dim(n: int, eps: float) -> int:
    r"""Dimension that the Johnson–Lindenstrauss lemma asks for:
    :math:`k \ge 4 \ln n / (\varepsilon^2/2 - \varepsilon^3/3)`.

    Parameters
    ----------
    n : int
        Number of points (>= 2).
    eps : float
        Allowed distortion of squared distances, in (0, 1).

    Returns
    -------
    int

    References
    ----------
    Johnson & Lindenstrauss (1984); the constant is from Dasgupta & Gupta (2003).
    Book: Linear algebra, "Random projections preserve distances" (claim ``linalg.johnson-lindenstrauss``).

    Examples
    --------
    >>> jl_min_dim(100, 0.5)
    222
    """
    n = _positive_int(n, "n", "jl_min_dim")
    if n < 2:
        raise ValueError(f"jl_min_dim: n must be at least 2 points; got {n}.")
    if not (isinstance(eps, (int, float)) and 0 < eps < 1):
        raise ValueError(f"jl_min_dim: eps must be in (0, 1); got {eps!r}.")
    return math.ceil(4.0 * math.log(n) / (eps ** 2 / 2 - eps ** 3 / 3))

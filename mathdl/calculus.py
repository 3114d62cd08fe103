r"""Chapter "Calculus and backpropagation": the chain rule, backpropagation, finite differences, a first training run.

* Figure 1 of Nandyala et al. (2024), :math:`\hat Y = \psi_2(\psi_1(X W_1) W_2)` with D = 3 inputs, 4 hidden units and 2
  outputs: its loss (:func:`figure1_loss`), its gradients by the layer-by-layer backward recursion written in
  numpy (:func:`figure1_backprop`) and in SymPy (:func:`figure1_symbolic_backprop`), and by the autodiff
  engine (:func:`figure1_engine_gradients`). The book proves all of them equal to SymPy's own derivative.
* Finite differences and their error: :func:`forward_difference`, :func:`central_difference`, the error
  model :func:`difference_error_model` and its minimiser :func:`optimal_step`.
* What derivatives cost: :func:`jacobian_cost` counts the multiplications of forward mode (JVPs) and
  reverse mode (VJPs).
* Forward mode (dual numbers, JVPs), Hessian-vector products and Taylor remainders live in
  :mod:`mathdl.calculus_forward`; the cheap-gradient principle and checkpointing in :mod:`mathdl.calculus_cost`.
  Their claim ids are declared here.
* The first network trained by the engine (:func:`~mathdl.mlp.two_moons`, :func:`~mathdl.mlp.train_mlp`,
  :func:`~mathdl.mlp.mlp_predict`) lives in :mod:`mathdl.mlp`.

The engine itself lives in :mod:`mathdl.autodiff`. Shapes follow the book: rows are examples, a layer is
``X @ W`` with ``W`` of shape (d_in, d_out).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

from mathdl import activations, linalg, softmax
from mathdl import autodiff as ad

__all__ = [
    "CLAIMS",
    "HIDDEN",
    "LOSSES",
    "MACHINE_EPS",
    "UNIT_ROUNDOFF",
    "central_difference",
    "difference_error_model",
    "difference_errors",
    "figure1_backprop",
    "figure1_engine_gradients",
    "figure1_forward",
    "figure1_loss",
    "figure1_symbolic_backprop",
    "figure1_symbolic_loss",
    "figure1_symbols",
    "forward_difference",
    "jacobian_cost",
    "optimal_step",
    "symbolic_gradient",
]

#: The facts of this chapter, by claim id. The book, the tests and the ledger use these ids.
CLAIMS = {
    "calculus.chain-rule": "(f o g)'(x) = f'(g(x)) g'(x)",
    "calculus.jacobian-chain-rule": "J_{f o g}(x) = J_f(g(x)) J_g(x): Jacobians of a composition multiply",
    "calculus.vjp-cost": "the full Jacobian of f_K o ... o f_1 (widths d_0..d_K) costs d_K C by VJPs and d_0 C by "
                         "JVPs, C = sum_k d_k d_{k-1}; a scalar loss needs one reverse pass",
    "calculus.backprop-figure1": "for Figure 1, delta_2 = dL/dZ_2, delta_1 = (delta_2 W_2^T) * psi_1'(Z_1), "
                                 "dL/dW_k = X_{k-1}^T delta_k equal SymPy's gradient entry by entry",
    "calculus.softmax-ce-delta": "for softmax outputs and cross-entropy with targets summing to 1, "
                                 "dL/dZ_2 = softmax(Z_2) - Y",
    "calculus.broadcast-reduction": "the cotangent of a broadcast input is the output cotangent summed over "
                                    "the broadcast axes",
    "calculus.op-vjps": "each primitive VJP of the autodiff engine is ybar^T J of its forward function: derived for "
                        "matmul, divide, logsumexp and repeated indexing at stated shapes, and checked against "
                        "central differences for every primitive",
    "calculus.engine-matches-sympy": "the autodiff engine's gradients of the Figure-1 loss equal SymPy's",
    "calculus.central-difference-error": "(f(x+h) - f(x-h)) / 2h = f'(x) + f'''(x) h^2 / 6 + O(h^4), while the "
                                         "forward difference has error f''(x) h / 2 + O(h^2)",
    "calculus.optimal-step": "with round-off eps |f|, the error bound is minimised at h = 2 sqrt(eps |f| / |f''|) "
                             "(forward) and h = (3 eps |f| / |f'''|)^(1/3) (central)",
    "calculus.taylor-hessian": "f(x + h) = f(x) + grad f(x)^T h + h^T H(x) h / 2 + O(|h|^3): exact up to the cubic "
                               "part for a cubic in 2 variables; remainders of order 2 and 3 measured",
    "calculus.dual-numbers": "dual arithmetic (a + b eps)(c + d eps) = ac + (ad + bc) eps with eps^2 = 0 (as 2x2 "
                             "matrices a I + b N), and p(a + b eps) = p(a) + p'(a) b eps for a polynomial p",
    "calculus.jvp-vjp-duality": "forward mode with dual numbers gives J v, reverse mode gives J^T u, and "
                                "<u, J v> = <J^T u, v>: dual JVPs agree with the engine's VJPs",
    "calculus.hvp-central-difference": "(grad f(x + h v) - grad f(x - h v)) / 2h = H(x) v exactly for a cubic f, "
                                       "and agrees with the explicit Hessian times v up to O(h^2)",
    "calculus.cheap-gradient": "an MLP's backward pass costs 2F - n d_0 d_1 multiplications for a forward pass of "
                               "F, so the gradient costs < 3 forward passes; the engine's measured time ratio is a "
                               "small constant",
    "calculus.checkpoint-memory": "reverse mode holds K + 1 activations of a K-layer chain; checkpoints every s "
                                  "layers hold ceil(K/s) + s, minimised near s = sqrt K (K/s + s >= 2 sqrt K), at "
                                  "the price of one extra forward pass",
    "calculus.checkpoint-gradients": "the checkpointed backward pass returns the same gradients as plain reverse "
                                     "mode",
}

#: Hidden activations psi_1 of the Figure-1 network: numpy forward and VJP, from :mod:`mathdl.activations`.
HIDDEN: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    "sigmoid": (activations.sigmoid, activations.sigmoid_vjp),
    "tanh": (activations.tanh, activations.tanh_vjp),
}
#: How far a row of cross-entropy targets may be from summing to 1 in :func:`figure1_backprop`.
TARGET_SUM_ATOL = 1e-9
#: Losses of the Figure-1 network: squared error with identity output, cross-entropy with softmax output.
LOSSES = ("squared", "cross-entropy")
#: Machine epsilon of float64, 2^-52: the spacing of floats at 1 (twice the unit round-off). The error model's
#: default bound on the relative error of one evaluation of ``f`` (a library function such as ``numpy.exp`` is
#: accurate to about one unit in the last place).
MACHINE_EPS = float(np.finfo(np.float64).eps)
#: Unit round-off of float64, 2^-53: the largest relative error of one correctly rounded operation.
UNIT_ROUNDOFF = MACHINE_EPS / 2


# ------------------------------------------------------------------------------------------ validation

def _matrix(x: object, name: str, func: str, shape: tuple[int | None, int | None] = (None, None)) -> np.ndarray:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (np.ndarray, list, tuple)):
        raise TypeError(f"{func}: {name} must be a numpy array; got {type(x).__name__}.")
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: {name} must hold real numbers; got dtype {arr.dtype}.")
    if arr.ndim != 2:
        fix = f" Use {name}[None, :] for one example." if arr.ndim == 1 else ""
        raise ValueError(f"{func}: {name} must be 2-D; got shape {arr.shape}.{fix}")
    for axis, want in enumerate(shape):
        if want is not None and arr.shape[axis] != want:
            raise ValueError(f"{func}: {name} must have {want} {'rows' if axis == 0 else 'columns'} to chain "
                             f"with the other arguments; got shape {arr.shape}.")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} contains NaN or infinity; clean the input first.")
    return arr.astype(np.float64, copy=False)


def _network_args(X: object, W1: object, W2: object, Y: object | None, hidden: str, loss: str, func: str
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    if hidden not in HIDDEN:
        raise ValueError(f"{func}: hidden must be one of {sorted(HIDDEN)}; got {hidden!r}.")
    if loss not in LOSSES:
        raise ValueError(f"{func}: loss must be one of {list(LOSSES)}; got {loss!r}.")
    X = _matrix(X, "X", func)
    W1 = _matrix(W1, "W1", func, (X.shape[1], None))
    W2 = _matrix(W2, "W2", func, (W1.shape[1], None))
    if Y is not None:
        Y = _matrix(Y, "Y", func, (X.shape[0], W2.shape[1]))
    return X, W1, W2, Y


# ----------------------------------------------------------------------------------- Figure-1 network

def figure1_forward(X: np.ndarray, W1: np.ndarray, W2: np.ndarray, hidden: str = "sigmoid",
                    loss: str = "squared") -> dict[str, np.ndarray]:
    r"""Forward pass of the Figure-1 network, keeping every intermediate the backward pass needs.

    Parameters
    ----------
    X : ndarray, shape (n, D)
        Inputs, one example per row (D = 3 in the figure).
    W1 : ndarray, shape (D, d_1)
    W2 : ndarray, shape (d_1, d_2)
    hidden : {"sigmoid", "tanh"}
        The hidden activation :math:`\psi_1`.
    loss : {"squared", "cross-entropy"}
        Selects the output activation :math:`\psi_2`: identity for squared error, softmax for cross-entropy.

    Returns
    -------
    dict with keys ``"Z1"`` (n, d_1), ``"X1"`` (n, d_1), ``"Z2"`` (n, d_2), ``"Yhat"`` (n, d_2)
        :math:`Z_1 = X W_1`, :math:`X_1 = \psi_1(Z_1)`, :math:`Z_2 = X_1 W_2`, :math:`\hat Y = \psi_2(Z_2)`.

    References
    ----------
    Book: Calculus and backpropagation, "Backpropagation derived" (claim ``calculus.backprop-figure1``).
    """
    X, W1, W2, _ = _network_args(X, W1, W2, None, hidden, loss, "figure1_forward")
    Z1 = X @ W1
    X1 = HIDDEN[hidden][0](Z1)
    Z2 = X1 @ W2
    Yhat = Z2 if loss == "squared" else softmax.softmax(Z2)
    return {"Z1": Z1, "X1": X1, "Z2": Z2, "Yhat": Yhat}


def figure1_loss(X: np.ndarray, W1: np.ndarray, W2: np.ndarray, Y: np.ndarray, hidden: str = "sigmoid",
                 loss: str = "squared") -> float:
    r"""The loss of the Figure-1 network, summed over the examples.

    Parameters
    ----------
    X : ndarray, shape (n, D)
    W1 : ndarray, shape (D, d_1)
    W2 : ndarray, shape (d_1, d_2)
    Y : ndarray, shape (n, d_2)
        Targets; for cross-entropy, rows of probabilities (each summing to 1).
    hidden : {"sigmoid", "tanh"}
    loss : {"squared", "cross-entropy"}

    Returns
    -------
    float

    Notes
    -----
    .. math:: L_{\text{sq}} = \tfrac12 \lVert Z_2 - Y \rVert_F^2, \qquad
              L_{\text{ce}} = -\sum_{i,j} Y_{ij} \log \operatorname{softmax}(Z_2)_{ij} .

    References
    ----------
    Book: Calculus and backpropagation, "Backpropagation derived" (claim ``calculus.backprop-figure1``).

    Examples
    --------
    >>> X, Y = np.ones((1, 3)), np.zeros((1, 2))
    >>> figure1_loss(X, np.zeros((3, 4)), np.ones((4, 2)), Y, hidden="tanh")
    0.0
    """
    X, W1, W2, Y = _network_args(X, W1, W2, Y, hidden, loss, "figure1_loss")
    Z2 = figure1_forward(X, W1, W2, hidden, loss)["Z2"]
    if loss == "squared":
        return 0.5 * float(np.sum((Z2 - Y) ** 2))
    return -float(np.sum(Y * softmax.log_softmax(Z2)))


def figure1_backprop(X: np.ndarray, W1: np.ndarray, W2: np.ndarray, Y: np.ndarray, hidden: str = "sigmoid",
                     loss: str = "squared") -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients of :func:`figure1_loss` by the backward recursion, written out in numpy.

    Parameters
    ----------
    X : ndarray, shape (n, D)
    W1 : ndarray, shape (D, d_1)
    W2 : ndarray, shape (d_1, d_2)
    Y : ndarray, shape (n, d_2)
    hidden : {"sigmoid", "tanh"}
    loss : {"squared", "cross-entropy"}

    Returns
    -------
    dW1 : ndarray, shape (D, d_1)
    dW2 : ndarray, shape (d_1, d_2)

    Raises
    ------
    ValueError
        Bad shapes or names, or (cross-entropy) a row of ``Y`` that does not sum to 1.

    Notes
    -----
    .. math::
        \delta_2 = \frac{\partial L}{\partial Z_2} = \hat Y - Y, \qquad
        \delta_1 = (\delta_2 W_2^\top) \odot \psi_1'(Z_1), \qquad
        \frac{\partial L}{\partial W_k} = X_{k-1}^\top \delta_k ,

    with :math:`X_0 = X`, :math:`X_1 = \psi_1(Z_1)`. The first formula holds for both losses: squared error
    with identity output, and cross-entropy with softmax output when each row of ``Y`` sums to 1 (claim
    ``calculus.softmax-ce-delta``).

    References
    ----------
    Book: Calculus and backpropagation, "Backpropagation derived" (claim ``calculus.backprop-figure1``);
    Werbos (1974); Rumelhart, Hinton & Williams (1986).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, W1, W2, Y = (rng.standard_normal(s) for s in [(1, 3), (3, 4), (4, 2), (1, 2)])
    >>> [g.shape for g in figure1_backprop(X, W1, W2, Y)]
    [(3, 4), (4, 2)]
    """
    X, W1, W2, Y = _network_args(X, W1, W2, Y, hidden, loss, "figure1_backprop")
    if loss == "cross-entropy" and Y.size and np.max(np.abs(Y.sum(axis=1) - 1.0)) > TARGET_SUM_ATOL:
        sums = Y.sum(axis=1)
        raise ValueError("figure1_backprop: for cross-entropy every row of Y must sum to 1 (delta_2 = softmax(Z_2) - "
                         f"Y needs it); got row sums from {sums.min():.6g} to {sums.max():.6g}. Normalise the rows, "
                         "or use figure1_engine_gradients, which needs no such condition.")
    fwd = figure1_forward(X, W1, W2, hidden, loss)
    delta2 = fwd["Yhat"] - Y
    delta1 = HIDDEN[hidden][1](delta2 @ W2.T, fwd["Z1"])
    return X.T @ delta1, fwd["X1"].T @ delta2


def _engine_loss(X: np.ndarray, W1: ad.Tensor, W2: ad.Tensor, Y: np.ndarray, hidden: str, loss: str) -> ad.Tensor:
    act = ad.sigmoid if hidden == "sigmoid" else ad.tanh
    Z2 = act(X @ W1) @ W2
    if loss == "squared":
        return 0.5 * ((Z2 - Y) ** 2).sum()
    return (Y * (ad.logsumexp(Z2, axis=1, keepdims=True) - Z2)).sum()


def figure1_engine_gradients(X: np.ndarray, W1: np.ndarray, W2: np.ndarray, Y: np.ndarray,
                             hidden: str = "sigmoid", loss: str = "squared") -> tuple[np.ndarray, np.ndarray]:
    r"""Gradients of :func:`figure1_loss` computed by the autodiff engine (no hand-written backward pass).

    Parameters and returns as in :func:`figure1_backprop`.

    Notes
    -----
    The loss is written once, forward, with :mod:`mathdl.autodiff` operations; ``backward()`` applies the
    VJP of each primitive in reverse order. Cross-entropy uses
    :math:`-\log\operatorname{softmax}(z)_j = \operatorname{logsumexp}(z) - z_j`.

    References
    ----------
    Book: Calculus and backpropagation, "An automatic differentiation engine" (claim
    ``calculus.engine-matches-sympy``).
    """
    X, W1, W2, Y = _network_args(X, W1, W2, Y, hidden, loss, "figure1_engine_gradients")
    return ad.grad(lambda a, b: _engine_loss(X, a, b, Y, hidden, loss))(W1, W2)


# ------------------------------------------------------------------------------- Figure-1 in SymPy

def figure1_symbols() -> tuple[sp.ImmutableMatrix, sp.ImmutableMatrix, sp.ImmutableMatrix, sp.ImmutableMatrix]:
    r"""Symbolic matrices of the Figure-1 network for one example: x (1x3), W1 (3x4), W2 (4x2), y (1x2).

    Entries are named ``x_1 .. x_3``, ``w^{(1)}_{ij}``, ``w^{(2)}_{ij}``, ``y_1, y_2`` (real symbols), so
    they print as in the text. The matrices are immutable, hence hashable (usable as keys of
    :func:`mathdl.verify.agree`'s ``domain`` mapping).

    Examples
    --------
    >>> x, W1, W2, y = figure1_symbols()
    >>> x.shape, W1.shape, W2.shape, y.shape
    ((1, 3), (3, 4), (4, 2), (1, 2))
    """
    x = sp.ImmutableMatrix(1, 3, lambda i, j: sp.Symbol(f"x_{j + 1}", real=True))
    W1 = sp.ImmutableMatrix(3, 4, lambda i, j: sp.Symbol(f"w^{{(1)}}_{{{i + 1}{j + 1}}}", real=True))
    W2 = sp.ImmutableMatrix(4, 2, lambda i, j: sp.Symbol(f"w^{{(2)}}_{{{i + 1}{j + 1}}}", real=True))
    y = sp.ImmutableMatrix(1, 2, lambda i, j: sp.Symbol(f"y_{j + 1}", real=True))
    return x, W1, W2, y


def _symbolic_hidden(hidden: str) -> tuple[Callable[[sp.Expr], sp.Expr], Callable[[sp.Expr], sp.Expr]]:
    """psi_1 and the formula for psi_1' used by the recursion (from the chapter on activations)."""
    if hidden == "sigmoid":
        def sigma(z: sp.Expr) -> sp.Expr:
            return 1 / (1 + sp.exp(-z))
        return sigma, lambda z: sigma(z) * (1 - sigma(z))
    if hidden == "tanh":
        return sp.tanh, lambda z: 1 - sp.tanh(z) ** 2
    raise ValueError(f"figure1_symbolic_loss: hidden must be one of {sorted(HIDDEN)}; got {hidden!r}.")


def _probability_targets(y: sp.Matrix, loss: str) -> sp.Matrix:
    """For cross-entropy the targets are a probability vector: the last entry is 1 minus the others."""
    if loss == "squared":
        return y
    return sp.Matrix(1, y.shape[1], lambda i, j: y[j] if j < y.shape[1] - 1 else 1 - sum(y[:-1]))


def figure1_symbolic_loss(x: sp.Matrix, W1: sp.Matrix, W2: sp.Matrix, y: sp.Matrix, hidden: str = "sigmoid",
                          loss: str = "squared") -> sp.Expr:
    r"""The Figure-1 loss of one example as a SymPy expression in all the entries.

    Parameters
    ----------
    x, W1, W2, y : sympy.Matrix
        As from :func:`figure1_symbols` (shapes (1, D), (D, d_1), (d_1, d_2), (1, d_2)).
    hidden : {"sigmoid", "tanh"}
    loss : {"squared", "cross-entropy"}
        For cross-entropy the last target is replaced by 1 minus the others (targets are probabilities).

    Returns
    -------
    sympy expression

    References
    ----------
    Book: Calculus and backpropagation, "Backpropagation derived" (claim ``calculus.backprop-figure1``).
    """
    if loss not in LOSSES:
        raise ValueError(f"figure1_symbolic_loss: loss must be one of {list(LOSSES)}; got {loss!r}.")
    psi, _ = _symbolic_hidden(hidden)
    Z2 = (x * W1).applyfunc(psi) * W2
    t = _probability_targets(y, loss)
    if loss == "squared":
        return sp.Rational(1, 2) * sum((Z2[j] - t[j]) ** 2 for j in range(Z2.shape[1]))
    lse = sp.log(sum(sp.exp(z) for z in Z2))
    return -sum(t[j] * (Z2[j] - lse) for j in range(Z2.shape[1]))


def symbolic_gradient(L: sp.Expr, W: sp.Matrix, evaluate: bool = True) -> sp.Matrix:
    r"""The matrix :math:`\partial L / \partial W` of SymPy derivatives, entry by entry, same shape as ``W``.

    Parameters
    ----------
    L : sympy expression
    W : sympy Matrix of symbols
    evaluate : bool
        With ``False`` the entries are unevaluated ``Derivative`` objects (an immutable matrix): the statement
        "the derivative", to start a derivation that proves what it equals.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> symbolic_gradient(a**2 * b, sp.Matrix([[a, b]]))
    Matrix([[2*a*b, a**2]])
    >>> symbolic_gradient(a**2 * b, sp.Matrix([[a, b]]), evaluate=False)
    Matrix([[Derivative(a**2*b, a), Derivative(a**2*b, b)]])
    """
    if not isinstance(W, sp.MatrixBase):
        raise TypeError(f"symbolic_gradient: W must be a sympy Matrix of symbols; got {type(W).__name__}.")
    if not evaluate:
        return sp.ImmutableMatrix(W.shape[0], W.shape[1], lambda i, j: sp.Derivative(L, W[i, j]))
    return W.applyfunc(lambda w: sp.diff(L, w))


def figure1_symbolic_backprop(x: sp.Matrix, W1: sp.Matrix, W2: sp.Matrix, y: sp.Matrix, hidden: str = "sigmoid",
                              loss: str = "squared") -> dict[str, sp.Matrix]:
    r"""The backward recursion of :func:`figure1_backprop`, carried out on symbolic matrices.

    Parameters as in :func:`figure1_symbolic_loss`.

    Returns
    -------
    dict with keys ``"delta2"`` (1, d_2), ``"delta1"`` (1, d_1), ``"dW1"`` (D, d_1), ``"dW2"`` (d_1, d_2)

    Notes
    -----
    :math:`\delta_2 = \hat y - y`, :math:`\delta_1 = (\delta_2 W_2^\top) \odot \psi_1'(Z_1)` with
    :math:`\sigma' = \sigma(1 - \sigma)` or :math:`\tanh' = 1 - \tanh^2`, :math:`\partial L/\partial W_1 =
    x^\top \delta_1`, :math:`\partial L/\partial W_2 = X_1^\top \delta_2`. Nothing here differentiates: the
    book proves these matrices equal :func:`symbolic_gradient` of the loss.

    References
    ----------
    Book: Calculus and backpropagation, "Backpropagation derived" (claim ``calculus.backprop-figure1``).
    """
    if loss not in LOSSES:
        raise ValueError(f"figure1_symbolic_backprop: loss must be one of {list(LOSSES)}; got {loss!r}.")
    psi, dpsi = _symbolic_hidden(hidden)
    Z1 = x * W1
    X1 = Z1.applyfunc(psi)
    Z2 = X1 * W2
    t = _probability_targets(y, loss)
    if loss == "squared":
        yhat = Z2
    else:
        total = sum(sp.exp(z) for z in Z2)
        yhat = Z2.applyfunc(lambda z: sp.exp(z) / total)
    delta2 = yhat - t
    delta1 = (delta2 * W2.T).multiply_elementwise(Z1.applyfunc(dpsi))
    return {"delta2": delta2, "delta1": delta1, "dW1": x.T * delta1, "dW2": X1.T * delta2}


# --------------------------------------------------------------------------------- finite differences

def _difference_args(f: object, x: object, h: object, func: str) -> tuple[float, np.ndarray]:
    if not callable(f):
        raise TypeError(f"{func}: f must be a callable R -> R; got {type(f).__name__}.")
    if isinstance(x, bool) or not isinstance(x, (int, float, np.floating, np.integer)) or not math.isfinite(x):
        raise ValueError(f"{func}: x must be a finite real number; got {x!r}.")
    hs = np.asarray(h, dtype=float)
    if hs.size == 0 or not np.all(np.isfinite(hs)) or np.any(hs <= 0):
        raise ValueError(f"{func}: h must be positive and finite (a number or an array of steps); got {h!r}.")
    return float(x), hs


def forward_difference(f: Callable[[np.ndarray], np.ndarray], x: float, h: float | np.ndarray) -> np.ndarray:
    r"""The forward difference :math:`(f(x + h) - f(x)) / h`, for one step or an array of steps.

    Parameters
    ----------
    f : callable
        A numpy function of one real variable (vectorised: ``f(array)`` works).
    x : float
    h : float or ndarray
        Step size(s), positive.

    Returns
    -------
    ndarray, shape of ``h``

    Notes
    -----
    Taylor: :math:`f(x+h) = f(x) + h f'(x) + \tfrac{h^2}{2} f''(\xi)`, so the truncation error is
    :math:`\tfrac h2 |f''|` (claim ``calculus.central-difference-error``).

    Examples
    --------
    >>> float(forward_difference(lambda t: t**2, 3.0, 0.5))
    6.5
    """
    x, h = _difference_args(f, x, h, "forward_difference")
    xh = x + h
    return (f(xh) - f(np.full_like(h, x))) / h


def central_difference(f: Callable[[np.ndarray], np.ndarray], x: float, h: float | np.ndarray) -> np.ndarray:
    r"""The central difference :math:`(f(x + h) - f(x - h)) / 2h`, for one step or an array of steps.

    Parameters
    ----------
    f : callable
        Vectorised numpy function of one real variable.
    x : float
    h : float or ndarray
        Step size(s), positive.

    Returns
    -------
    ndarray, shape of ``h``

    Notes
    -----
    The even Taylor terms cancel: :math:`\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4)`
    (claim ``calculus.central-difference-error``). This is the difference :func:`mathdl.verify.gradcheck` uses.

    Examples
    --------
    >>> float(central_difference(lambda t: t**2, 3.0, 0.5))
    6.0
    """
    x, h = _difference_args(f, x, h, "central_difference")
    return (f(x + h) - f(x - h)) / (2.0 * h)


def difference_error_model(h: float | np.ndarray, kind: str, M: float, f_scale: float,
                           eps: float = MACHINE_EPS) -> np.ndarray:
    r"""Bound on the error of a finite difference: truncation plus round-off.

    Parameters
    ----------
    h : float or ndarray
        Step size(s), positive.
    kind : {"forward", "central"}
    M : float
        :math:`|f''(x)|` for forward, :math:`|f'''(x)|` for central (positive).
    f_scale : float
        :math:`|f(x)|`, the size of the values whose rounding the difference amplifies (positive).
    eps : float
        Bound on the relative rounding error of one evaluation of ``f`` (default: float64's machine epsilon
        :math:`2^{-52}`, twice the unit round-off :math:`2^{-53}`: about one unit in the last place).

    Returns
    -------
    ndarray, shape of ``h``

    Notes
    -----
    .. math:: E_{\text{fwd}}(h) = \frac{M h}{2} + \frac{2 \varepsilon |f|}{h}, \qquad
              E_{\text{cen}}(h) = \frac{M h^2}{6} + \frac{\varepsilon |f|}{h} .

    Each evaluation of ``f`` is off by at most :math:`\varepsilon |f|`; the difference of two is off by
    :math:`2\varepsilon|f|`, divided by :math:`h` or :math:`2h`.

    References
    ----------
    Book: Calculus and backpropagation, "Checking gradients" (claim ``calculus.optimal-step``).
    """
    M, f_scale, eps = _error_model_args(kind, M, f_scale, eps, "difference_error_model")
    h = np.asarray(h, dtype=float)
    if h.size == 0 or np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ValueError(f"difference_error_model: h must be positive and finite; got {h!r}.")
    if kind == "forward":
        return M * h / 2 + 2 * eps * f_scale / h
    return M * h ** 2 / 6 + eps * f_scale / h


def _error_model_args(kind: object, M: object, f_scale: object, eps: object, func: str
                      ) -> tuple[float, float, float]:
    if kind not in ("forward", "central"):
        raise ValueError(f"{func}: kind must be 'forward' or 'central'; got {kind!r}.")
    out = []
    for name, v in (("M", M), ("f_scale", f_scale), ("eps", eps)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not (0 < v < math.inf):
            raise ValueError(f"{func}: {name} must be a positive finite number; got {v!r}.")
        out.append(float(v))
    return out[0], out[1], out[2]


def optimal_step(kind: str, M: float, f_scale: float, eps: float = MACHINE_EPS) -> float:
    r"""The step that minimises :func:`difference_error_model`.

    Parameters
    ----------
    kind : {"forward", "central"}
    M, f_scale, eps : float
        As in :func:`difference_error_model`.

    Returns
    -------
    float

    Notes
    -----
    Setting :math:`E'(h) = 0`:

    .. math:: h^*_{\text{fwd}} = 2\sqrt{\varepsilon |f| / M} \sim \varepsilon^{1/2}, \qquad
              h^*_{\text{cen}} = (3 \varepsilon |f| / M)^{1/3} \sim \varepsilon^{1/3} .

    References
    ----------
    Book: Calculus and backpropagation, "Checking gradients" (claim ``calculus.optimal-step``).

    Examples
    --------
    >>> f"{optimal_step('central', 1.0, 1.0):.2e}"
    '8.73e-06'
    """
    M, f_scale, eps = _error_model_args(kind, M, f_scale, eps, "optimal_step")
    if kind == "forward":
        return 2.0 * math.sqrt(eps * f_scale / M)
    return (3.0 * eps * f_scale / M) ** (1.0 / 3.0)


def difference_errors(f: Callable[[np.ndarray], np.ndarray], dfdx: float, x: float, h: np.ndarray
                      ) -> dict[str, np.ndarray]:
    r"""Measured errors :math:`|D_h f(x) - f'(x)|` of the forward and central differences at the steps ``h``.

    Parameters
    ----------
    f : callable
        Vectorised function of one real variable.
    dfdx : float
        The exact derivative :math:`f'(x)`.
    x : float
    h : ndarray
        Positive steps.

    Returns
    -------
    dict with keys ``"forward"`` and ``"central"``, each an ndarray shaped like ``h``

    References
    ----------
    Book: Calculus and backpropagation, "Checking gradients" (claim ``calculus.optimal-step``).
    """
    if isinstance(dfdx, bool) or not isinstance(dfdx, (int, float, np.floating)) or not math.isfinite(dfdx):
        raise ValueError(f"difference_errors: dfdx must be a finite real number; got {dfdx!r}.")
    return {"forward": np.abs(forward_difference(f, x, h) - dfdx),
            "central": np.abs(central_difference(f, x, h) - dfdx)}


# ---------------------------------------------------------------------------------- cost of derivatives

def jacobian_cost(widths: Sequence[int], mode: str) -> int:
    r"""Multiplications needed for the full Jacobian of a chain of linear maps, by JVPs or by VJPs.

    Parameters
    ----------
    widths : sequence of int
        :math:`d_0, d_1, \dots, d_K`: :math:`f = f_K \circ \dots \circ f_1` with :math:`f_k:
        \mathbb{R}^{d_{k-1}} \to \mathbb{R}^{d_k}` and Jacobian :math:`J_k` of shape :math:`d_k \times d_{k-1}`.
    mode : {"forward", "reverse"}
        ``"forward"``: one JVP :math:`J_K \cdots J_1 v` (right to left) per input direction, :math:`d_0` of
        them. ``"reverse"``: one VJP :math:`u^\top J_K \cdots J_1` (left to right) per output, :math:`d_K`.

    Returns
    -------
    int
        Counted by :func:`mathdl.linalg.chain_matmul_flops` on the actual chain of shapes.

    Notes
    -----
    With :math:`C = \sum_k d_k d_{k-1}`, forward mode costs :math:`d_0 C` and reverse mode :math:`d_K C`.
    For a scalar loss (:math:`d_K = 1`) one reverse pass gives the whole gradient.

    References
    ----------
    Book: Calculus and backpropagation, "Why reverse mode" (claim ``calculus.vjp-cost``);
    Griewank & Walther (2008).

    Examples
    --------
    >>> jacobian_cost([784, 256, 10, 1], "reverse"), jacobian_cost([784, 256, 10, 1], "forward")
    (203274, 159366816)
    """
    if mode not in ("forward", "reverse"):
        raise ValueError(f"jacobian_cost: mode must be 'forward' or 'reverse'; got {mode!r}.")
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or len(widths) < 2:
        raise ValueError(f"jacobian_cost: widths must be a sequence d_0, ..., d_K of at least two ints; "
                         f"got {widths!r}.")
    for w in widths:
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1:
            raise ValueError(f"jacobian_cost: every width must be a positive int; got {widths!r}.")
    jacobians = [(int(widths[k]), int(widths[k - 1])) for k in range(len(widths) - 1, 0, -1)]  # J_K ... J_1
    if mode == "reverse":
        one_pass = linalg.chain_matmul_flops([(1, int(widths[-1]))] + jacobians, "left")
        return int(widths[-1]) * one_pass
    one_pass = linalg.chain_matmul_flops(jacobians + [(int(widths[0]), 1)], "right")
    return int(widths[0]) * one_pass

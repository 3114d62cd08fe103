r"""Part of the "Regularization and generalization" chapter: capacity, bias and variance.

Polynomial features in the Legendre basis (:func:`poly_features`) and the simulation of the bias-variance
decomposition over many training sets (:func:`bias_variance`). The claim ids are declared in
:data:`mathdl.regularization.CLAIMS`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from mathdl.regularization import _count, _nonneg
from mathdl.validate import real_array

__all__ = ["bias_variance", "poly_features"]


# ------------------------------------------------------------------------------------ bias and variance

def poly_features(x: Any, degree: int) -> np.ndarray:
    r"""Polynomial features :math:`[P_0(x), \dots, P_{\text{degree}}(x)]` with Legendre polynomials :math:`P_k`.

    Legendre polynomials are orthogonal on [-1, 1], so high degrees stay well conditioned (monomials
    :math:`x^k` would not); the fitted functions are the same polynomials.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Points, typically in [-1, 1].
    degree : int
        >= 0.

    Returns
    -------
    ndarray, shape (n, degree + 1)

    References
    ----------
    Book: Regularization and generalization, "Overfitting made visible" (claim
    ``regularization.polynomial-overfitting``).

    Examples
    --------
    >>> poly_features(np.array([0.5]), 2)
    array([[ 1.   ,  0.5  , -0.125]])
    """
    x = real_array(x, "x", "poly_features")
    if x.ndim != 1:
        raise ValueError(f"poly_features: x must be 1-D (n,); got shape {x.shape}.")
    degree = _count(degree, "degree", "poly_features", low=0)
    return np.polynomial.legendre.legvander(x, degree)


def bias_variance(degree: int, *, n_train: int = 20, noise: float = 0.3, n_sets: int = 200, lam: float = 0.0,
                  seed: int = 0, n_test: int = 200) -> dict[str, float]:
    r"""Bias-variance decomposition of polynomial least squares (or ridge) on :math:`y = \sin(\pi x) + \varepsilon`,
    by simulation over ``n_sets`` training sets.

    Parameters
    ----------
    degree : int
        Polynomial degree >= 0.
    n_train : int
        Points per training set (uniform on [-1, 1]), >= 1.
    noise : float
        Standard deviation :math:`\sigma` of the label noise, >= 0.
    n_sets : int
        Number of independent training sets, >= 2.
    lam : float
        Ridge strength (0: least squares).
    seed : int
    n_test : int
        Test points on a fixed grid of [-1, 1].

    Returns
    -------
    dict
        ``bias2`` (mean over x of :math:`(f - \bar f)^2`), ``variance`` (mean over x of the variance of
        :math:`\hat f` across sets, divided by ``n_sets - 1``), ``noise`` (:math:`\sigma^2`), ``test_mse`` (mean
        squared error against fresh noisy labels, averaged over sets and x), ``train_mse``.

    Notes
    -----
    .. math:: \mathbb E_{D,\varepsilon}\,(y - \hat f_D(x))^2 = \sigma^2 + (f(x) - \mathbb E_D \hat f_D(x))^2
              + \operatorname{Var}_D \hat f_D(x) .

    References
    ----------
    Book: Regularization and generalization, "The bias-variance decomposition" (claims
    ``regularization.bias-variance``, ``regularization.polynomial-overfitting``).

    Examples
    --------
    >>> r = bias_variance(1, n_sets=20, seed=0)
    >>> sorted(r)
    ['bias2', 'noise', 'test_mse', 'train_mse', 'variance']
    """
    degree = _count(degree, "degree", "bias_variance", low=0)
    n_train = _count(n_train, "n_train", "bias_variance")
    n_sets = _count(n_sets, "n_sets", "bias_variance", low=2)
    n_test = _count(n_test, "n_test", "bias_variance")
    noise = _nonneg(noise, "noise", "bias_variance")
    lam = _nonneg(lam, "lam", "bias_variance")
    rng = np.random.default_rng(seed)
    x_test = np.linspace(-1.0, 1.0, n_test)
    f_test = np.sin(np.pi * x_test)
    P_test = poly_features(x_test, degree)
    preds = np.empty((n_sets, n_test))
    train_mse = np.empty(n_sets)
    for s in range(n_sets):
        x = rng.uniform(-1.0, 1.0, n_train)
        y = np.sin(np.pi * x) + noise * rng.standard_normal(n_train)
        P = poly_features(x, degree)
        if lam > 0:
            w = np.linalg.solve(P.T @ P + lam * np.eye(degree + 1), P.T @ y)
        else:
            w = np.linalg.lstsq(P, y, rcond=None)[0]
        preds[s] = P_test @ w
        train_mse[s] = np.mean((P @ w - y) ** 2)
    y_fresh = f_test + noise * rng.standard_normal((n_sets, n_test))
    mean_pred = preds.mean(axis=0)
    return {"bias2": float(np.mean((f_test - mean_pred) ** 2)),
            "variance": float(np.mean(preds.var(axis=0, ddof=1))),
            "noise": noise**2,
            "test_mse": float(np.mean((y_fresh - preds) ** 2)),
            "train_mse": float(np.mean(train_mse))}

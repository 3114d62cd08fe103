"""Tests of mathdl.regularization and mathdl.regularization_training, against SymPy forms, closed forms,
enumeration, simulation and scikit-learn's Ridge and Lasso as independent references.

Claim ids name the facts checked; they are shown in book/regularization.ipynb.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, Ridge

from mathdl import optim, optim_adaptive
from mathdl import regularization as reg
from mathdl import regularization_capacity as cap
from mathdl import regularization_noise as noise
from mathdl import regularization_training as rt
from mathdl.verify import agree, derive

#: Two float64 computations of the same formula in different orders.
FORMULA_RTOL = 1e-10
#: scikit-learn's solvers against ours (both direct, or ISTA run to convergence).
SKLEARN_RTOL = 1e-6
#: Monte Carlo: about 5 standard errors.
MC_RTOL = 0.05


@pytest.fixture
def rng():
    return np.random.default_rng(1970)


def _data(rng, n=12, d=4):
    return rng.standard_normal((n, d)), rng.standard_normal(n)


# ------------------------------------------------------------------------------------------ penalties, L1

def test_penalties(rng):
    w = rng.standard_normal(5)
    assert reg.l1_penalty(w) == pytest.approx(np.abs(w).sum(), rel=FORMULA_RTOL)
    assert reg.l2_penalty(w) == pytest.approx(w @ w, rel=FORMULA_RTOL)


def test_soft_threshold_is_the_prox(rng):
    """claim regularization.soft-threshold-prox: S(v) minimizes (x - v)^2/2 + lam |x| (dense grid search)."""
    grid = np.linspace(-5, 5, 200_001)
    for v, lam in [(2.5, 1.0), (-0.3, 0.5), (0.7, 0.7), (-4.0, 1.5)]:
        best = grid[np.argmin(0.5 * (grid - v) ** 2 + lam * np.abs(grid))]
        assert abs(reg.soft_threshold(np.array([v]), lam)[0] - best) < 1e-4
    v = sp.Symbol("v", real=True)
    lam = sp.Symbol("lambda", positive=True)
    form = sp.Piecewise((v - lam, v > lam), (v + lam, v < -lam), (0, True))
    agree(form, lambda a, b: reg.soft_threshold(np.array(a), b), [v, lam], domain={0: (-3, 3), 1: (0.1, 2)},
          claim="regularization.soft-threshold-prox")


@settings(max_examples=50, deadline=None)
@given(st.floats(-10, 10), st.floats(0, 5))
def test_soft_threshold_subgradient_condition(v, lam):
    """claim regularization.soft-threshold-prox: v - x is in lam * subdifferential of |x| at x = S(v)."""
    x = reg.soft_threshold(np.array([v]), lam)[0]
    if x != 0:
        assert v - x == pytest.approx(lam * np.sign(x), abs=1e-12)
    else:
        assert abs(v) <= lam + 1e-12


def test_ista_matches_sklearn_lasso(rng):
    """claim regularization.ista-lasso: ISTA converges to scikit-learn's Lasso (alpha = lam / n), with exact zeros,
    and its objective never increases."""
    X, _ = _data(rng, 40, 8)
    w_true = np.array([2.0, -1.5, 0, 0, 0, 0.8, 0, 0])
    y = X @ w_true + 0.1 * rng.standard_normal(40)
    lam = 4.0
    w, obj = reg.ista(X, y, lam, steps=3000)
    ref = Lasso(alpha=lam / 40, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(w, ref, rtol=SKLEARN_RTOL, atol=1e-8)
    assert np.sum(w == 0) >= 3                                   # exact zeros, not small numbers
    assert np.all(np.diff(obj) <= 1e-12)
    assert obj[-1] == pytest.approx(reg.lasso_objective(X, y, w, lam), rel=FORMULA_RTOL)
    assert reg.lasso_objective(X, y, w, lam) == pytest.approx(
        0.5 * np.sum((y - X @ w) ** 2) + lam * np.abs(w).sum(), rel=FORMULA_RTOL)


# ------------------------------------------------------------------------------------------------- ridge

def test_ridge_matches_sklearn_and_the_symbolic_form(rng):
    """claim regularization.ridge-closed-form: against scikit-learn's Ridge and the SymPy closed form."""
    X, y = _data(rng)
    for lam in (0.01, 1.0, 30.0):
        ref = Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(X, y).coef_
        np.testing.assert_allclose(reg.ridge(X, y, lam), ref, rtol=SKLEARN_RTOL)
        np.testing.assert_allclose(reg.ridge_svd(X, y, lam)[0], ref, rtol=SKLEARN_RTOL)
    Xs = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"x{i}{j}", real=True))
    ys = sp.Matrix(3, 1, lambda i, j: sp.Symbol(f"y{i}", real=True))
    lam = sp.Symbol("lambda", positive=True)
    closed = (Xs.T * Xs + lam * sp.eye(2)).inv() * Xs.T * ys
    agree(closed, lambda A, b, lam_v: reg.ridge(A, b.ravel(), lam_v).reshape(2, 1), [Xs, ys, lam],
          domain={2: (0.1, 3.0)}, claim="regularization.ridge-closed-form")


def test_ridge_gradient_vanishes(rng):
    """claim regularization.ridge-closed-form: 2 X^T (X w - y) + 2 lam w = 0 at the closed form."""
    X, y = _data(rng)
    w = reg.ridge(X, y, 0.7)
    np.testing.assert_allclose(X.T @ (X @ w - y) + 0.7 * w, 0.0, atol=1e-12)


def test_ridge_svd_shrinkage(rng):
    """claim regularization.ridge-svd-shrinkage: X w = sum_j d_j^2/(d_j^2 + lam) u_j u_j^T y."""
    X, y = _data(rng)
    lam = 0.9
    w, d, shrink = reg.ridge_svd(X, y, lam)
    U, d_ref, _ = np.linalg.svd(X, full_matrices=False)
    np.testing.assert_allclose(d, d_ref, rtol=FORMULA_RTOL)
    np.testing.assert_allclose(shrink, d_ref**2 / (d_ref**2 + lam), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(X @ w, U @ (shrink * (U.T @ y)), rtol=1e-9)
    np.testing.assert_allclose(reg.ridge_filter(d**2, lam), shrink, rtol=FORMULA_RTOL)


def test_effective_dof(rng):
    """claim regularization.ridge-effective-dof: trace of the hat matrix; limits 0 and rank."""
    X, _ = _data(rng)
    for lam in (0.1, 2.0):
        H = X @ np.linalg.solve(X.T @ X + lam * np.eye(4), X.T)
        assert reg.effective_dof(X, lam) == pytest.approx(np.trace(H), rel=FORMULA_RTOL)
    assert reg.effective_dof(X, 1e-12) == pytest.approx(4.0, rel=1e-9)
    assert reg.effective_dof(X, 1e12) < 1e-9


# ---------------------------------------------------------------------------------------- early stopping

def test_early_stopping_filter_is_gradient_descent(rng):
    """claim regularization.early-stopping-filter: GD from 0 = eigendirection-wise filter of least squares."""
    X, y = _data(rng, 15, 4)
    lr, steps = 0.02, 37
    path = reg.gd_least_squares(X, y, lr, steps)
    evals, V = np.linalg.eigh(X.T @ X)
    w_ls = np.linalg.solve(X.T @ X, X.T @ y)
    predicted = V @ (reg.early_stopping_filter(evals, lr, steps) * (V.T @ w_ls))
    np.testing.assert_allclose(path[-1], predicted, rtol=1e-9)
    assert np.all(path[0] == 0)
    np.testing.assert_allclose(path[1], lr * X.T @ y, rtol=FORMULA_RTOL)
    lam_s, eta_s, tau_s = reg.lam, reg.eta, reg.tau
    agree(reg.EARLY_STOPPING_FILTER.subs(tau_s, 5), lambda a, b: reg.early_stopping_filter(np.array(a), b, 5),
          [lam_s, eta_s], domain={0: (0.0, 3.0), 1: (0.01, 0.3)}, claim="regularization.early-stopping-filter")


def test_early_stopping_vs_ridge():
    """claim regularization.early-stopping-ridge: alpha = 1/(eta tau); the filters agree at both ends of the
    spectrum and differ by at most about 0.2 in between."""
    assert reg.equivalent_alpha(0.01, 50) == pytest.approx(2.0, rel=FORMULA_RTOL)
    lr, steps = 1e-3, 1000
    eigs = np.logspace(-4, 2, 2000)
    es, rf = reg.early_stopping_filter(eigs, lr, steps), reg.ridge_filter(eigs, reg.equivalent_alpha(lr, steps))
    gap = np.max(np.abs(es - rf))
    assert 0.19 < gap < 0.21                     # 1 - exp(-x) - x/(1 + x) peaks at about 0.2
    assert abs(es[0] - rf[0]) < 1e-3 and abs(es[-1] - rf[-1]) < 2e-2
    a = sp.Symbol("a", positive=True)
    agree(reg.RIDGE_FILTER.subs(reg.alpha, a), lambda x, y: reg.ridge_filter(np.array(x), y), [reg.lam, a],
          domain={0: (0.0, 5.0), 1: (0.01, 5.0)}, claim="regularization.early-stopping-ridge")


# ---------------------------------------------------------------------------------------- noise, dropout

def test_gaussian_noise_expectation(rng):
    """claim regularization.gaussian-noise-tikhonov: closed form vs Monte Carlo over noisy inputs."""
    X, y = _data(rng, 6, 3)
    w, sigma = rng.standard_normal(3), 0.4
    noisy = X[None] + sigma * rng.standard_normal((100_000, 6, 3))
    mc = np.mean(np.sum((y - noisy @ w) ** 2, axis=1))
    closed = noise.gaussian_noise_expected_loss(X, y, w, sigma)
    assert closed == pytest.approx(np.sum((y - X @ w) ** 2) + 6 * sigma**2 * (w @ w), rel=FORMULA_RTOL)
    assert mc == pytest.approx(closed, rel=MC_RTOL / 5)


def test_input_dropout_exact_by_enumeration(rng):
    """claim regularization.input-dropout-linear: the closed form equals the sum over all 2^d masks."""
    for d in (1, 3, 5):
        X, y = _data(rng, 7, d)
        w = rng.standard_normal(d)
        for q in (0.0, 0.3, 0.8, 1.0):
            assert noise.dropout_expected_loss(X, y, w, q) == pytest.approx(
                noise.dropout_loss_enumerated(X, y, w, q), rel=1e-12, abs=1e-12)
    X, y = _data(rng, 7, 3)
    w = rng.standard_normal(3)
    manual = sum(0.6 ** sum(m) * 0.4 ** (3 - sum(m)) * np.sum((y - X @ (np.array(m) * w)) ** 2)
                 for m in itertools.product((0, 1), repeat=3))
    assert noise.dropout_loss_enumerated(X, y, w, 0.6) == pytest.approx(manual, rel=FORMULA_RTOL)


def test_inverted_dropout_moments(rng):
    """claim regularization.dropout-unbiased: mean x, variance p x^2/(1 - p); symbolic and Monte Carlo."""
    x = rng.standard_normal(4)
    mean, var = noise.inverted_dropout_moments(x, 0.3)
    np.testing.assert_allclose(mean, x, rtol=FORMULA_RTOL)
    np.testing.assert_allclose(var, 0.3 / 0.7 * x**2, rtol=1e-10)
    m = (rng.random((400_000, 4)) >= 0.3) * x / 0.7
    np.testing.assert_allclose(m.mean(axis=0), x, rtol=MC_RTOL / 5)
    np.testing.assert_allclose(m.var(axis=0), var, rtol=MC_RTOL / 5)
    p, xs = sp.Symbol("p", positive=True), sp.Symbol("x", real=True)
    derive((1 - p) * (xs / (1 - p)) ** 2 - xs**2, (p * xs**2 / (1 - p), "common denominator"),
           domain=[p < 1], claim="regularization.dropout-unbiased")


def test_dropout_weight_scaling_linear_exact(rng):
    """claim regularization.dropout-weight-scaling: for a linear layer the ensemble mean over all masks equals the
    weight-scaled network exactly (the nonlinear case is measured in the chapter)."""
    x, W = rng.standard_normal(5), rng.standard_normal((5, 2))
    p = 0.4
    ens = sum((1 - p) ** sum(m) * p ** (5 - sum(m)) * ((np.array(m) * x / (1 - p)) @ W)
              for m in itertools.product((0, 1), repeat=5))
    np.testing.assert_allclose(ens, x @ W, rtol=1e-12)


# ----------------------------------------------------------------------------------------- label smoothing

def test_label_smoothing(rng):
    """claim regularization.label-smoothing: targets on the simplex; smoothed CE = (1-eps) CE + eps KL + eps log K."""
    labels = np.array([0, 2, 1, 2])
    q = noise.label_smoothing(labels, 3, 0.1)
    np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=FORMULA_RTOL)
    np.testing.assert_allclose(q[0], [0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3], rtol=FORMULA_RTOL)
    z = rng.standard_normal((4, 3))
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    parts = noise.label_smoothing_decomposition(probs, labels, 0.1)
    np.testing.assert_allclose(parts["smoothed_ce"], -(q * np.log(probs)).sum(axis=1), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(parts["ce"], -np.log(probs[np.arange(4), labels]), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(parts["kl_uniform"], np.sum(np.log((1 / 3) / probs) / 3, axis=1), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(parts["log_k"], math.log(3), rtol=FORMULA_RTOL)
    np.testing.assert_allclose(parts["smoothed_ce"],
                               0.9 * parts["ce"] + 0.1 * parts["kl_uniform"] + 0.1 * parts["log_k"], rtol=1e-12)


# ------------------------------------------------------------------------------------- bias and variance

def test_poly_features_are_legendre():
    x = np.array([-1.0, 0.3, 1.0])
    P = cap.poly_features(x, 3)
    np.testing.assert_allclose(P[:, 2], (3 * x**2 - 1) / 2, rtol=FORMULA_RTOL)
    np.testing.assert_allclose(P[:, 3], (5 * x**3 - 3 * x) / 2, rtol=FORMULA_RTOL)
    np.testing.assert_allclose(P[:, 0], 1.0)


def test_bias_variance_decomposition_adds_up():
    """claim regularization.bias-variance: noise + bias^2 + variance = test error (up to simulation error);
    claim regularization.polynomial-overfitting: training error falls with the degree, test error is U-shaped."""
    res = {d: cap.bias_variance(d, n_train=30, n_sets=300, seed=1) for d in (1, 3, 9)}
    for r in res.values():
        total = r["noise"] + r["bias2"] + r["variance"]
        assert r["test_mse"] == pytest.approx(total, rel=MC_RTOL)
        assert r["noise"] == pytest.approx(0.09, rel=FORMULA_RTOL)
    assert res[1]["train_mse"] > res[3]["train_mse"] > res[9]["train_mse"]
    assert res[3]["test_mse"] < res[1]["test_mse"] and res[3]["test_mse"] < res[9]["test_mse"]
    assert res[1]["bias2"] > res[3]["bias2"] and res[9]["variance"] > res[3]["variance"]
    ridge = cap.bias_variance(9, n_train=30, n_sets=300, seed=1, lam=1e-2)
    assert ridge["variance"] < res[9]["variance"]


def test_bias_variance_single_set_values():
    """The simulation's pieces against a direct computation for a small case."""
    r = cap.bias_variance(0, n_train=5, n_sets=3, seed=4, n_test=7, noise=0.0)
    rng = np.random.default_rng(4)
    preds = []
    train = []
    for _ in range(3):
        x = rng.uniform(-1, 1, 5)
        y = np.sin(np.pi * x) + 0.0 * rng.standard_normal(5)        # the noise draw, scaled to 0
        preds.append(np.full(7, y.mean()))
        train.append(np.mean((y - y.mean()) ** 2))
    preds = np.array(preds)
    f = np.sin(np.pi * np.linspace(-1, 1, 7))
    assert r["bias2"] == pytest.approx(np.mean((f - preds.mean(axis=0)) ** 2), rel=FORMULA_RTOL)
    assert r["variance"] == pytest.approx(np.mean(preds.var(axis=0, ddof=1)), rel=FORMULA_RTOL, abs=1e-15)
    assert r["train_mse"] == pytest.approx(np.mean(train), rel=FORMULA_RTOL)
    assert r["test_mse"] == pytest.approx(np.mean((f - preds) ** 2), rel=FORMULA_RTOL)
    assert r["noise"] == 0.0


# ------------------------------------------------------------------------------------- weight decay, Adam

def test_sgd_weight_decay_equals_l2_step(rng):
    """claim regularization.sgd-weight-decay-equals-l2: p - lr (g + lam p) = (1 - lr lam) p - lr g."""
    p, g, lr, lam = rng.standard_normal(5), rng.standard_normal(5), 0.1, 0.01
    l2, _ = optim.sgd_step(p, g, lr=lr, weight_decay=lam)
    np.testing.assert_allclose(l2, (1 - lr * lam) * p - lr * g, rtol=1e-14)


def test_adam_l2_is_not_decoupled_decay():
    """claim regularization.adam-l2-not-decay: at g = 0 Adam + L2 moves by lr sign(p) for any lam, AdamW by lr lam p."""
    p = np.array([1.0, -3.0])
    for lam in (1e-4, 1e-2, 1.0):
        adam, _ = optim_adaptive.adam_step(p, np.zeros(2), lr=0.1, eps=1e-300, weight_decay=lam)
        adamw, _ = optim_adaptive.adamw_step(p, np.zeros(2), lr=0.1, eps=1e-300, weight_decay=lam)
        np.testing.assert_allclose(adam, p - 0.1 * np.sign(p), rtol=1e-12)
        np.testing.assert_allclose(adamw, p * (1 - 0.1 * lam), rtol=1e-12)


# --------------------------------------------------------------------------------------- digits experiment

def test_early_stopping_epoch():
    assert rt.early_stopping_epoch(np.array([0.1, 0.5, 0.7, 0.6, 0.7, 0.65])) == 2
    assert rt.early_stopping_epoch(np.array([0.1, 0.5, 0.4, 0.3, 0.9]), patience=2) == 1
    assert rt.early_stopping_epoch(np.array([0.1, 0.5, 0.4, 0.3, 0.9])) == 4
    with pytest.raises(ValueError, match="patience"):
        rt.early_stopping_epoch(np.array([0.1, 0.2]), patience=0)
    with pytest.raises(ValueError, match="non-empty"):
        rt.early_stopping_epoch(np.array([]))


def test_digits_experiment_small():
    """claim regularization.digits-experiment: each method trains (train accuracy rises well above chance), runs
    are seeded, early stopping keeps the best-validation epoch of the unregularized run."""
    kw = dict(n_train=60, n_val=40, n_test=100, epochs=6, hidden=16)
    runs = {m: rt.train_digits(m, **kw) for m in rt.METHODS}
    for name, run in runs.items():
        assert run.train_acc.shape == (7,) and run.test_loss.shape == (7,)
        assert run.train_acc[-1] > 0.3, name                     # chance is 0.1
        assert run.train_loss[-1] < run.train_loss[0]
        assert run.final_test == run.test_acc[run.stop]
        assert run.final_train == run.train_acc[run.stop]
    np.testing.assert_array_equal(runs["early"].test_acc, runs["none"].test_acc)
    assert runs["early"].stop == rt.early_stopping_epoch(runs["none"].val_acc)
    again = rt.train_digits("dropout", **kw)
    np.testing.assert_array_equal(again.test_acc, runs["dropout"].test_acc)
    assert len(runs["batchnorm"].weights) == 6 and len(runs["l2"].weights) == 4
    # the recorded loss and accuracy of the kept weights, recomputed by hand (ReLU MLP, mean cross-entropy)
    from mathdl.data import digits
    data = digits(100, 100, seed=0)
    W1, b1, W2, b2 = runs["none"].weights
    Z = np.maximum(data.X_test @ W1 + b1, 0) @ W2 + b2
    lse = np.log(np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1)) + Z.max(axis=1)
    assert runs["none"].test_loss[-1] == pytest.approx(np.mean(lse - Z[np.arange(100), data.y_test]), rel=1e-12)
    assert runs["none"].test_acc[-1] == pytest.approx(np.mean(np.argmax(Z, axis=1) == data.y_test), rel=1e-12)
    # the L2 run's weights are smaller than the unregularized run's
    l2_norm = sum(np.sum(w**2) for w in runs["l2"].weights[::2][:2])
    none_norm = sum(np.sum(w**2) for w in runs["none"].weights[::2][:2])
    assert l2_norm < none_norm


# --------------------------------------------------------------------------------------------- bad input

def test_bad_input():
    X, y = np.ones((3, 2)), np.ones(3)
    with pytest.raises(ValueError, match="lam must be a finite number >= 0"):
        reg.soft_threshold(np.ones(2), -1.0)
    with pytest.raises(ValueError, match="must be 2-D"):
        reg.ridge(np.ones(3), y, 1.0)
    with pytest.raises(ValueError, match="y must have shape"):
        reg.ridge(X, np.ones(2), 1.0)
    with pytest.raises(ValueError, match="singular"):
        reg.ridge(X, y, 0.0)
    with pytest.raises(ValueError, match="> 0"):
        reg.ridge_svd(X, y, 0.0)
    with pytest.raises(ValueError, match="lr must be <="):
        reg.ista(X, y, 1.0, lr=10.0)
    with pytest.raises(ValueError, match="X is zero"):
        reg.ista(np.zeros((3, 2)), y, 1.0)
    with pytest.raises(ValueError, match="eigs must be >= 0"):
        reg.ridge_filter(np.array([-1.0]), 1.0)
    with pytest.raises(ValueError, match="eigs must be >= 0"):
        reg.early_stopping_filter(np.array([-1.0]), 0.1, 3)
    with pytest.raises(ValueError, match="steps must be an int"):
        reg.early_stopping_filter(np.array([1.0]), 0.1, 2.5)
    with pytest.raises(ValueError, match="overflowed"):
        reg.gd_least_squares(10 * np.eye(2), np.ones(2), 1.0, 2000)
    with pytest.raises(ValueError, match="w must have shape"):
        noise.dropout_expected_loss(X, y, np.ones(3), 0.5)
    with pytest.raises(ValueError, match="keep probability"):
        noise.dropout_expected_loss(X, y, np.ones(2), 1.5)
    with pytest.raises(ValueError, match="keep probability"):
        noise.dropout_loss_enumerated(X, y, np.ones(2), -0.1)
    with pytest.raises(ValueError, match="too many"):
        noise.dropout_loss_enumerated(np.ones((2, 17)), np.ones(2), np.ones(17), 0.5)
    with pytest.raises(ValueError, match="p must lie"):
        noise.inverted_dropout_moments(np.ones(2), 1.0)
    with pytest.raises(ValueError, match="labels must be"):
        noise.label_smoothing(np.array([3]), 3, 0.1)
    with pytest.raises(ValueError, match="rows summing to 1"):
        noise.label_smoothing_decomposition(np.ones((1, 2)), np.array([0]), 0.1)
    with pytest.raises(ValueError, match="1-D"):
        cap.poly_features(np.ones((2, 2)), 2)
    with pytest.raises(ValueError, match="n_sets"):
        cap.bias_variance(2, n_sets=1)
    with pytest.raises(ValueError, match="method must be"):
        rt.train_digits("l3")
    with pytest.raises(ValueError, match="epochs"):
        rt.train_digits("none", epochs=0)
    with pytest.raises(TypeError, match="real numbers"):
        reg.l1_penalty(np.array(["a"]))
    with pytest.raises(ValueError, match="NaN"):
        reg.l2_penalty(np.array([np.nan]))


def test_dropout_ensemble(rng):
    """claim regularization.dropout-weight-scaling: the normalized geometric mean of the 2^n sub-networks equals the
    weight-scaled network; the arithmetic mean differs; Monte Carlo converges to it."""
    X, W1, W2 = rng.standard_normal((5, 3)), rng.standard_normal((3, 6)), rng.standard_normal((6, 4))
    b1, b2 = rng.standard_normal(6), rng.standard_normal(4)
    out = noise.dropout_ensemble(X, W1, b1, W2, b2, 0.5, samples=20_000, seed=2)
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    scaled = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(out["scaled"], scaled, rtol=1e-12)
    np.testing.assert_allclose(out["geometric"], scaled, rtol=1e-10)
    manual = np.zeros_like(scaled)
    for m in itertools.product((0, 1), repeat=6):
        z = (np.array(m) * H / 0.5) @ W2 + b2
        manual += 0.5**6 * np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(out["ensemble"], manual, rtol=1e-12)
    assert np.max(np.abs(out["ensemble"] - scaled)) > 1e-3
    assert np.max(np.abs(out["monte_carlo"] - out["ensemble"])) < 0.02
    assert "monte_carlo" not in noise.dropout_ensemble(X, W1, b1, W2, b2, 0.5)
    with pytest.raises(ValueError, match="shapes must chain"):
        noise.dropout_ensemble(X, W1, b1, W2.T, b2, 0.5)
    with pytest.raises(ValueError, match="too many"):
        noise.dropout_ensemble(np.ones((1, 2)), np.ones((2, 17)), np.ones(17), np.ones((17, 2)), np.ones(2), 0.5)

r"""Part of the "Regularization and generalization" chapter: the digits experiment.

One small MLP, ``64 -> hidden -> 10`` with a ReLU hidden layer, trained on a small training set of scikit-learn's
8x8 digits (:func:`mathdl.data.digits`) so that it overfits, five ways: without regularization, with an L2 penalty
(SGD's ``weight_decay``), with dropout on the hidden layer, with batch normalization of the hidden
pre-activations, and with early stopping (the unregularized run, stopped at the epoch of best validation accuracy).
Gradients come from :mod:`mathdl.autodiff` (with the ops of :mod:`mathdl.autodiff.normalization`), updates from
:func:`mathdl.optim.sgd_step`; everything is seeded.

Book: Regularization and generalization, "A training experiment on digits" (claim
``regularization.digits-experiment``).
"""
from __future__ import annotations

import dataclasses

import numpy as np
from threadpoolctl import threadpool_limits

from mathdl import autodiff as ad
from mathdl import optim
from mathdl.autodiff import normalization as norm
from mathdl.data import digits
from mathdl.mlp import mlp_loss

__all__ = ["METHODS", "DigitsRun", "early_stopping_epoch", "train_digits"]

#: The regularizers of the experiment ("early" reuses the "none" run and stops it).
METHODS = ("none", "l2", "dropout", "batchnorm", "early")


@dataclasses.dataclass(frozen=True)
class DigitsRun:
    """Accuracies per epoch (index 0 = before training) of one training run, and where it stopped.

    Attributes
    ----------
    method : str
    train_acc, val_acc, test_acc : ndarray, shape (epochs + 1,)
    train_loss, test_loss : ndarray, shape (epochs + 1,)
        Mean cross-entropy of the evaluation-mode network.
    stop : int
        The epoch whose weights are kept: the last one, or for ``"early"`` the best validation epoch.
    weights : list of ndarray
        The kept parameters ``[W1, b1, W2, b2]`` (and ``gamma, beta`` for batch norm).
    """

    method: str
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    stop: int
    weights: list

    @property
    def final_test(self) -> float:
        """Test accuracy of the kept weights."""
        return float(self.test_acc[self.stop])

    @property
    def final_train(self) -> float:
        """Training accuracy of the kept weights."""
        return float(self.train_acc[self.stop])


def early_stopping_epoch(val_acc: np.ndarray, patience: int | None = None) -> int:
    """The epoch with the best validation accuracy (the first of ties), optionally stopping after ``patience``
    epochs without improvement.

    Parameters
    ----------
    val_acc : ndarray, shape (epochs + 1,)
    patience : int, optional
        >= 1; None scans the whole run.

    Returns
    -------
    int

    References
    ----------
    Book: Regularization and generalization, "A training experiment on digits" (claim
    ``regularization.digits-experiment``).

    Examples
    --------
    >>> early_stopping_epoch(np.array([0.1, 0.5, 0.7, 0.6, 0.7, 0.65]))
    2
    >>> early_stopping_epoch(np.array([0.1, 0.5, 0.4, 0.3, 0.9]), patience=2)
    1
    """
    v = np.asarray(val_acc, dtype=float)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)):
        raise ValueError("early_stopping_epoch: val_acc must be a non-empty 1-D array of finite numbers.")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, int) or patience < 1):
        raise ValueError(f"early_stopping_epoch: patience must be an int >= 1 or None; got {patience!r}.")
    best, since = 0, 0
    for k in range(1, v.size):
        if v[k] > v[best]:
            best, since = k, 0
        else:
            since += 1
            if patience is not None and since >= patience:
                break
    return best


def _forward(params, X, method, *, train, mask=None, p=0.0, stats=None, eps=1e-5):
    W1, b1, W2, b2 = params[:4]
    Z = X @ W1 + b1
    if method == "batchnorm":
        gamma, beta = params[4], params[5]
        Z = norm.batch_norm(Z, gamma, beta, eps) if train else norm.batch_norm_eval(Z, gamma, beta, *stats, eps)
    H = ad.relu(Z)
    if method == "dropout" and train:
        H = norm.dropout(H, mask, p)
    return H @ W2 + b2


def _evaluate(params, X, y, method, stats, splits) -> list[tuple[float, float]]:
    """(accuracy, mean cross-entropy) of the evaluation-mode network (no dropout, running statistics) on each part
    of the stacked data ``X`` cut at ``splits`` (one forward pass for all parts: evaluation mode is per example)."""
    logits = _forward([ad.Tensor(q, requires_grad=False) for q in params], X, method, train=False, stats=stats).value
    out = []
    for Z, t in zip(np.split(logits, splits), np.split(y, splits)):
        shift = Z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(Z - shift).sum(axis=1)) + shift[:, 0]
        out.append((float(np.mean(np.argmax(Z, axis=1) == t)), float(np.mean(lse - Z[np.arange(t.size), t]))))
    return out


def train_digits(method: str, *, n_train: int = 150, n_val: int = 150, n_test: int = 500, hidden: int = 48,
                 epochs: int = 60, batch: int = 25, lr: float = 0.05, momentum: float = 0.9,
                 weight_decay: float = 3e-3, p: float = 0.5, seed: int = 0) -> DigitsRun:
    r"""Train the chapter's MLP on digits with one regularizer and record accuracies per epoch.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    n_train, n_val, n_test : int
        Sizes of the training, validation (for early stopping) and test sets, drawn by :func:`mathdl.data.digits`.
    hidden : int
        Width of the hidden layer.
    epochs, batch : int
        Passes over the training set and minibatch size.
    lr, momentum : float
        Of :func:`mathdl.optim.sgd_step` (PyTorch's SGD with momentum).
    weight_decay : float
        The L2 coefficient of ``"l2"`` (SGD's ``weight_decay``: :math:`g \leftarrow g + \lambda p`, the gradient of
        :math:`\tfrac\lambda2\lVert p\rVert^2`), on the weight matrices only.
    p : float
        Drop probability of ``"dropout"`` on the hidden units.
    seed : int
        Seeds the data split, the initial weights, the minibatch order and the dropout masks.

    Returns
    -------
    DigitsRun

    Notes
    -----
    Loss: mean cross-entropy :func:`mathdl.mlp.mlp_loss`. Batch norm acts on the hidden pre-activations
    :math:`XW_1 + b_1` (in training mode on each minibatch, in evaluation mode with running statistics updated by
    :func:`mathdl.autodiff.normalization.update_running_stats`). Dropout is inverted dropout with masks drawn from
    the seed, off at evaluation.

    References
    ----------
    Book: Regularization and generalization, "A training experiment on digits" (claim
    ``regularization.digits-experiment``).

    Examples
    --------
    >>> run = train_digits("none", epochs=2, n_train=50, n_val=20, n_test=50)
    >>> run.train_acc.shape, run.stop
    ((3,), 2)
    """
    if method not in METHODS:
        raise ValueError(f"train_digits: method must be one of {METHODS}; got {method!r}.")
    # The matrices are small: one BLAS thread is faster (no thread synchronization per product) and makes the
    # floating-point results independent of the machine's thread count.
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(method, n_train, n_val, n_test, hidden, epochs, batch, lr, momentum, weight_decay, p, seed)


def _train(method, n_train, n_val, n_test, hidden, epochs, batch, lr, momentum, weight_decay, p, seed) -> DigitsRun:
    """The body of :func:`train_digits` (arguments as there)."""
    for name, v in (("n_train", n_train), ("n_val", n_val), ("n_test", n_test), ("hidden", hidden),
                    ("epochs", epochs), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"train_digits: {name} must be a positive int; got {v!r}.")
    if not 0.0 <= p < 1.0:
        raise ValueError(f"train_digits: p must lie in [0, 1); got {p!r}.")
    data = digits(n_train + n_val, n_test, seed=seed)
    X_tr, y_tr = data.X_train[:n_train], data.y_train[:n_train]
    X_val, y_val = data.X_train[n_train:], data.y_train[n_train:]
    rng = np.random.default_rng([seed, 1])
    d_in = X_tr.shape[1]
    params = [rng.standard_normal((d_in, hidden)) * np.sqrt(2.0 / d_in), np.zeros(hidden),
              rng.standard_normal((hidden, 10)) / np.sqrt(hidden), np.zeros(10)]
    kind = "none" if method == "early" else method
    if kind == "batchnorm":
        params += [np.ones(hidden), np.zeros(hidden)]
    stats = (np.zeros(hidden), np.ones(hidden))
    states = [None] * len(params)
    decay = [weight_decay if (kind == "l2" and i in (0, 2)) else 0.0 for i in range(len(params))]
    hist: dict[str, list] = {k: [] for k in ("train", "val", "test", "train_loss", "test_loss")}

    X_all = np.vstack([X_tr, X_val, data.X_test])
    y_all = np.concatenate([y_tr, y_val, data.y_test])
    splits = [n_train, n_train + n_val]

    def evaluate():
        for name, (acc, loss) in zip(("train", "val", "test"), _evaluate(params, X_all, y_all, kind, stats, splits)):
            hist[name].append(acc)
            if name != "val":
                hist[name + "_loss"].append(loss)

    evaluate()
    kept = [list(params)]
    for _ in range(epochs):
        order = rng.permutation(n_train)
        for start in range(0, n_train, batch):
            idx = order[start:start + batch]
            if idx.size < 2:
                continue
            Xb, yb = X_tr[idx], y_tr[idx]
            mask = norm.dropout_mask((idx.size, hidden), p, seed=int(rng.integers(2**31))) if kind == "dropout" \
                else None
            if kind == "batchnorm":
                Zb = Xb @ params[0] + params[1]
                stats = norm.update_running_stats(*stats, Zb)
            _, grads = ad.value_and_grad(lambda *q: mlp_loss(_forward(q, Xb, kind, train=True, mask=mask, p=p),
                                                             yb))(*params)
            new = []
            for i, (q, g) in enumerate(zip(params, grads)):
                q, states[i] = optim.sgd_step(q, g, states[i], lr=lr, momentum=momentum, weight_decay=decay[i])
                new.append(q)
            params = new
        evaluate()
        kept.append(list(params))
    val = np.array(hist["val"])
    stop = early_stopping_epoch(val) if method == "early" else epochs
    return DigitsRun(method, np.array(hist["train"]), val, np.array(hist["test"]), np.array(hist["train_loss"]),
                     np.array(hist["test_loss"]), stop, kept[stop])

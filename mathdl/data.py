"""Data the chapters train on: scikit-learn's bundled 8×8 digits, split by a seed (nothing is downloaded).

The 1,797 handwritten digits of :func:`sklearn.datasets.load_digits` (UCI's "Optical Recognition of
Handwritten Digits", shipped inside scikit-learn) are 8×8 images with integer intensities 0..16. The book
scales them to [0, 1] and splits them by a seeded permutation, stratified by class, so every chapter that
uses them (regularization, convolution, generative models) sees the same, reproducible split.

Book: Regularization, Convolutional networks, Generative models.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Digits", "digits"]

#: Number of images in scikit-learn's bundled set, and the largest raw intensity.
N_DIGITS, MAX_INTENSITY = 1797, 16.0


class Digits(NamedTuple):
    """A train/test split: images in [0, 1] and integer labels 0..9."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _load() -> tuple[np.ndarray, np.ndarray]:
    try:
        from sklearn.datasets import load_digits
    except ImportError:  # pragma: no cover - scikit-learn is in requirements.txt
        raise ImportError("mathdl.data.digits: scikit-learn is needed for its bundled digits; "
                          "install it with `pip install scikit-learn` (requirements.txt lists it).") from None
    bunch = load_digits()
    return bunch.data.astype(np.float64) / MAX_INTENSITY, bunch.target.astype(np.int64)


def digits(n_train: int = 1000, n_test: int | None = None, *, seed: int = 0, images: bool = False) -> Digits:
    """The bundled 8×8 digits, scaled to [0, 1], split into a training and a test set by a seeded permutation.

    Parameters
    ----------
    n_train : int
        Training examples, 10 <= n_train < 1797. The split is stratified: each class gets its share
        (rounded), so a small training set still holds every digit.
    n_test : int or None
        Test examples, taken from the images not used for training; None uses all of them.
    seed : int
        Seed of the permutation (``numpy.random.default_rng(seed)``).
    images : bool
        False: rows of 64 pixels, shape (n, 64). True: NCHW images, shape (n, 1, 8, 8).

    Returns
    -------
    Digits
        ``(X_train, y_train, X_test, y_test)``, float64 pixels in [0, 1] and int64 labels.

    Examples
    --------
    >>> d = digits(200, 100, seed=0)
    >>> d.X_train.shape, d.y_train.shape, d.X_test.shape
    ((200, 64), (200,), (100, 64))
    >>> sorted(set(d.y_train.tolist())) == list(range(10))
    True
    >>> digits(50, 10, images=True).X_train.shape
    (50, 1, 8, 8)
    """
    for name, v in (("n_train", n_train), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"digits: {name} must be an int; got {type(v).__name__} {v!r}.")
    if not 10 <= n_train < N_DIGITS:
        raise ValueError(f"digits: n_train must be in [10, {N_DIGITS}); got {n_train}.")
    rest = N_DIGITS - n_train
    if n_test is None:
        n_test = rest
    if isinstance(n_test, bool) or not isinstance(n_test, (int, np.integer)) or not 1 <= n_test <= rest:
        raise ValueError(f"digits: n_test must be an int in [1, {rest}] (the images left after n_train = "
                         f"{n_train}), or None for all of them; got {n_test!r}.")
    X, y = _load()
    rng = np.random.default_rng(seed)
    order = rng.permutation(N_DIGITS)
    # stratified: the first n_train of the permutation, taken class by class in proportion to class sizes
    counts = np.bincount(y, minlength=10)
    quota = np.floor(counts * n_train / N_DIGITS).astype(int)
    for c in np.argsort(-(counts * n_train / N_DIGITS - quota), kind="stable")[: n_train - quota.sum()]:
        quota[c] += 1
    taken = np.zeros(10, dtype=int)
    train = []
    for i in order:
        if taken[y[i]] < quota[y[i]]:
            train.append(i)
            taken[y[i]] += 1
    train_idx = np.array(train)
    test_idx = order[~np.isin(order, train_idx)][:n_test]  # the rest, in permutation order
    shape = (-1, 1, 8, 8) if images else (-1, 64)
    return Digits(X[train_idx].reshape(shape), y[train_idx], X[test_idx].reshape(shape), y[test_idx])

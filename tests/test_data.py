"""Tests of mathdl.data: the bundled digits, scaled and split by a seed."""
from __future__ import annotations

import numpy as np
import pytest

from mathdl import data


def test_split_is_disjoint_stratified_and_scaled():
    d = data.digits(300, 200, seed=3)
    assert d.X_train.shape == (300, 64) and d.X_test.shape == (200, 64)
    assert d.X_train.min() == 0.0 and d.X_train.max() == 1.0
    # no image in both sets (rows are distinct images; compare as bytes)
    train = {r.tobytes() for r in d.X_train}
    assert not any(r.tobytes() in train for r in d.X_test)
    counts = np.bincount(d.y_train, minlength=10)
    full = np.bincount(data._load()[1], minlength=10)
    assert counts.sum() == 300 and np.all(np.abs(counts - full * 300 / data.N_DIGITS) < 1)


def test_seeded_and_images_layout():
    a, b = data.digits(100, 50, seed=1), data.digits(100, 50, seed=1)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = data.digits(100, 50, seed=2)
    assert not np.array_equal(a.y_train, c.y_train)
    im = data.digits(100, 50, seed=1, images=True)
    assert im.X_train.shape == (100, 1, 8, 8) and np.array_equal(im.X_train.reshape(100, 64), a.X_train)
    assert data.digits(1000).X_test.shape == (797, 64)


@pytest.mark.parametrize("kwargs, err", [
    ({"n_train": 5}, ValueError), ({"n_train": 1797}, ValueError), ({"n_train": 100.0}, TypeError),
    ({"n_train": 100, "n_test": 0}, ValueError), ({"n_train": 1700, "n_test": 98}, ValueError),
    ({"n_train": 100, "seed": "a"}, TypeError),
])
def test_bad_arguments(kwargs, err):
    with pytest.raises(err, match="digits"):
        data.digits(**kwargs)

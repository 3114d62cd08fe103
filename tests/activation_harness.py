"""Checks shared by ``test_activations.py`` and ``test_activations_smooth.py``: one test file per module (the
mutation check runs a module's own file), one copy of what both files check the same way."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

AGREE_TOL = 1e-10       # lambdified SymPy vs numpy, relative max-norm
TAIL_TOL = 1e-12        # relative error in the tails against 50-digit reference values
AGREE_DOMAIN = (-4.0, 4.0)
TAIL_POINTS = (-600.0, -200.0, -37.0, -12.0, -6.0, 6.0, 12.0, 37.0, 200.0, 600.0)


def vjp_as_function(f_vjp: Callable) -> Callable:
    """x -> f'(x), read off the VJP with a unit cotangent."""
    return lambda v: f_vjp(np.ones_like(np.asarray(v, dtype=float)), v)


def check_tails(name: str, f: Callable, f_vjp: Callable, reference: Callable[[str, float], tuple]) -> None:
    """f and f' at large |x| keep full relative accuracy against ``reference(name, x) = (f(x), f'(x))`` computed
    at 50 digits (where float64 textbook forms cancel)."""
    pts = np.array(TAIL_POINTS)
    expected = np.array([reference(name, v) for v in TAIL_POINTS])
    np.testing.assert_allclose(f(pts), expected[:, 0], rtol=TAIL_TOL, atol=0, err_msg=name)
    np.testing.assert_allclose(vjp_as_function(f_vjp)(pts), expected[:, 1], rtol=TAIL_TOL, atol=0,
                               err_msg=f"{name}'")


def check_bad_input(name: str, f: Callable, f_vjp: Callable) -> None:
    """NaN, complex numbers, a non-array and a cotangent of the wrong shape each get a message naming the function."""
    import pytest

    with pytest.raises(ValueError, match=rf"{name}: x contains NaN or infinity"):
        f(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match=rf"{name}: x must hold real numbers"):
        f(np.array([1 + 2j]))
    with pytest.raises(TypeError, match=rf"{name}: x must be a numpy array"):
        f("1.0")
    with pytest.raises(ValueError, match=rf"{name}_vjp: g \(the upstream gradient\) must have x's shape \(3,\)"):
        f_vjp(np.ones(2), np.ones(3))

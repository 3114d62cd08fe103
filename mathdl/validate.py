"""Input validation shared by the chapter modules: one place that turns bad input into a clear error.

Every public function of :mod:`mathdl` validates its arguments at entry and raises ``TypeError`` or
``ValueError`` whose message names the function, the argument, what was expected, what arrived and, where there
is one, the fix -- never an ``assert``, a silent reshape or a NaN that spreads.
"""
from __future__ import annotations

import numpy as np

__all__ = ["cotangent", "real_array"]


def real_array(x: object, name: str, func: str) -> np.ndarray:
    """``x`` as a float64 array of any shape; rejects bools, strings, complex and object data, NaN and infinity.

    Parameters
    ----------
    x : array_like
        The argument to check (a numpy array, a nested list/tuple of numbers, or a number).
    name : str
        The argument's name, for the message.
    func : str
        The public function's name, for the message.

    Returns
    -------
    ndarray of float64

    Raises
    ------
    TypeError
        ``x`` is not array-like or does not hold real numbers.
    ValueError
        ``x`` contains NaN or infinity.

    Examples
    --------
    >>> real_array([1, 2], "x", "demo")
    array([1., 2.])
    >>> real_array([1.0, float("nan")], "x", "demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: x contains NaN or infinity (1 non-finite entries); clean the input first.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (np.ndarray, list, tuple, int, float, np.number)):
        raise TypeError(f"{func}: {name} must be a numpy array of real numbers; got {type(x).__name__}. "
                        "Use numpy.asarray(...) first.")
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{func}: {name} must hold real numbers; got dtype {arr.dtype}.")
    arr = arr.astype(np.float64, copy=False)
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: {name} contains NaN or infinity ({int(np.sum(~np.isfinite(arr)))} non-finite "
                         "entries); clean the input first.")
    return arr


def cotangent(g: object, x: np.ndarray, func: str) -> np.ndarray:
    """The upstream gradient ``g`` of a vector-Jacobian product, checked like :func:`real_array` and for ``x``'s shape.

    Parameters
    ----------
    g : array_like, shape of ``x``
        The cotangent (upstream gradient) passed to ``f_vjp(g, x)``.
    x : ndarray
        The already-validated input of ``f``.
    func : str
        The public function's name, for the message.

    Returns
    -------
    ndarray of float64, shape of ``x``

    Raises
    ------
    TypeError, ValueError
        As :func:`real_array`; ``ValueError`` also when ``g``'s shape is not ``x``'s.

    Examples
    --------
    >>> cotangent([1, 2], np.zeros(2), "demo")
    array([1., 2.])
    >>> cotangent([1.0], np.zeros(2), "demo_vjp")
    Traceback (most recent call last):
    ...
    ValueError: demo_vjp: g (the upstream gradient) must have x's shape (2,); got (1,).
    """
    g = real_array(g, "g", func)
    if g.shape != x.shape:
        raise ValueError(f"{func}: g (the upstream gradient) must have x's shape {x.shape}; got {g.shape}.")
    return g

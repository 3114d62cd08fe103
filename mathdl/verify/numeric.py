"""``agree`` and ``gradcheck``: numeric checks of implementations (part of :mod:`mathdl.verify`)."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from mathdl.verify.ledger import (
    AGREE_RTOL,
    GRADCHECK_RTOL,
    AgreementError,
    GradcheckError,
    Report,
    _record,
    _validate_claim,
)
from mathdl.verify.proofs import Derivation, _as_sympy, _free

Domain = tuple[float, float] | Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def _symbols_of(x: Any) -> tuple[list[sp.Symbol], tuple[int, ...]]:
    if isinstance(x, sp.MatrixBase):
        flat = list(x)
        if not all(isinstance(s, sp.Symbol) for s in flat):
            raise TypeError("agree: a Matrix input must hold only symbols (e.g. sympy.Matrix(3, 2, symbols))")
        return flat, tuple(x.shape)
    if isinstance(x, sp.Symbol):
        return [x], ()
    raise TypeError(f"agree: each input must be a sympy Symbol or a Matrix of Symbols; got {type(x).__name__}.")


#: Values smaller than this are compared absolutely: |a - b| / max(|a|, |b|, REL_FLOOR) (pointwise).
REL_FLOOR = 1e-6


def _rel_err(a: np.ndarray, b: np.ndarray, floor: float = REL_FLOOR) -> float:
    """Worst pointwise relative error max_i |a_i - b_i| / max(|a_i|, |b_i|, floor); inf if any value is not finite.

    Pointwise, so a wrong small entry next to a large one is not hidden by the large one's scale; the floor stops
    a value that should be 0 (and is 1e-17) from counting as a 100% error.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return math.inf
    if a.size == 0:
        return 0.0
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / scale))


def _fmt_bound(worst: float, tol: float) -> str:
    return f"max pointwise relative error < {tol:.0e}: {worst < tol}"


def agree(symbolic: Any, numeric: Callable[..., Any], inputs: Sequence[Any], *,
          domain: Domain | Mapping[Any, Domain] = (-2.0, 2.0), points: int = 20, seed: int = 0,
          rtol: float = AGREE_RTOL, claim: str | None = None, check: bool = True) -> Report:
    """Compare a symbolic result with its numpy implementation at seeded random points.

    Parameters
    ----------
    symbolic : sympy expression, Matrix, or Derivation
        The formula (a Derivation contributes its ``result``).
    numeric : callable
        The mathdl function; called with one numpy array per input (a float for a Symbol input, an array of
        the Matrix's shape for a Matrix input), in the order of ``inputs``.
    inputs : sequence of Symbol or Matrix of Symbols
        The free variables, in the numeric function's argument order.
    domain : (low, high), callable, or mapping
        Where to draw points: uniform on ``(low, high)``, or ``sampler(rng, shape) -> array``; a mapping from
        input position (or, for a Symbol input, the symbol) to one of those gives each input its own domain.
    points : int
        Number of random points.
    seed : int
        Seed of ``numpy.random.default_rng``.
    rtol : float
        Largest worst-case relative error accepted (max-norm, relative to the larger side).
    claim : str, optional
        Claim id recorded in the ledger.
    check : bool
        Raise :class:`AgreementError` on failure (default). With ``False`` the report is returned either way,
        for demonstrating a failure.

    Returns
    -------
    Report
        Prints as ``agree <claim>: 20 points, max relative error < 1e-10: True``.

    Raises
    ------
    AgreementError
        The worst relative error exceeds ``rtol`` or a value is not finite.

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> x = sp.Symbol("x")
    >>> agree(sp.sin(x)**2 + sp.cos(x)**2, lambda v: np.ones_like(v), [x])
    agree: 20 points, max pointwise relative error < 1e-10: True
    """
    if isinstance(symbolic, Derivation):
        symbolic = symbolic.result
    symbolic = _as_sympy(symbolic, "agree(symbolic)")
    if not callable(numeric):
        raise TypeError(f"agree: numeric must be callable (the mathdl function); got {type(numeric).__name__}.")
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"agree: points must be a positive int; got {points!r}.")
    inputs = list(inputs)
    specs = [_symbols_of(x) for x in inputs]
    flat = [s for syms, _ in specs for s in syms]
    missing = set(_free(symbolic)) - set(flat)
    if missing:
        raise ValueError(f"agree: the formula has free symbols {sorted(map(str, missing))} that are not among "
                         "the inputs; add them to inputs.")
    f = sp.lambdify(flat, symbolic, modules="numpy")
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(points):
        values = []
        for position, (x, (syms, shape)) in enumerate(zip(inputs, specs)):
            dom = domain
            if isinstance(domain, Mapping):
                dom = domain.get(position, (-2.0, 2.0))
                if isinstance(x, sp.Symbol):  # symbols may also be keys; Matrix inputs are looked up by position
                    dom = domain.get(x, dom)
            if callable(dom):
                value = np.asarray(dom(rng, shape), dtype=float)
                if value.shape != shape:
                    raise ValueError(f"agree: the sampler for input {position} returned shape {value.shape}; "
                                     f"expected {shape}.")
            else:
                low, high = dom
                value = rng.uniform(low, high, size=shape)
            values.append(value)
        sym_value = np.asarray(f(*[v for value in values for v in np.ravel(value)]), dtype=float)
        num_args = [float(v) if v.shape == () else v for v in values]
        num_value = np.asarray(numeric(*num_args), dtype=float)
        if sym_value.size == num_value.size and sym_value.shape != num_value.shape:
            sym_value = sym_value.reshape(num_value.shape) if sym_value.ndim != num_value.ndim else sym_value
        if sym_value.shape != num_value.shape:
            raise AgreementError(f"agree{' ' + claim if claim else ''}: shapes differ: symbolic "
                                 f"{sym_value.shape}, numeric {num_value.shape}.")
        worst = max(worst, _rel_err(sym_value, num_value))
    passed = worst < rtol
    report = _record(Report("agree", _validate_claim(claim, "agree"), passed,
                            f"{points} points, {_fmt_bound(worst, rtol)}", worst))
    if check and not passed:
        raise AgreementError(f"{report} (worst relative error {worst:.3e}).")
    return report


# ----------------------------------------------------------------------------------------------- gradcheck

def _as_inputs(inputs: Any) -> list[np.ndarray]:
    if isinstance(inputs, np.ndarray):
        inputs = [inputs]
    out = []
    for i, x in enumerate(inputs):
        arr = np.asarray(x)
        if arr.dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} must be float64 (finite differences need it); got {arr.dtype}. "
                            "Use x.astype(numpy.float64).")
        out.append(arr)
    return out


def gradcheck(f: Callable[..., Any], vjp: Callable[..., Any], inputs: Any, *, wrt: Sequence[int] | None = None,
              seed: int = 0, directions: int = 5, full_jacobian: bool | None = None, h: float | None = None,
              rtol: float = GRADCHECK_RTOL, claim: str | None = None, check: bool = True,
              domain: Callable[..., bool] | Sequence[tuple[float, float] | None] | None = None) -> Report:
    """Check a vector-Jacobian product against central differences.

    Let ``y = f(*inputs)``. For a cotangent ``u`` shaped like ``y``, ``vjp(u, *inputs)`` must return
    ``u^T dF/dx_i`` for each input ``i`` in ``wrt``. The check compares, for random ``u`` and random
    directions ``v``, the number ``sum_i <vjp(u)_i, v_i>`` with the central difference
    ``(<u, f(x + h v)> - <u, f(x - h v)>) / (2h)``; for small inputs (at most 64 numbers in all, and at most
    64 outputs) it also builds the full Jacobian column by column and compares it with the VJP applied to
    every output basis vector.

    Parameters
    ----------
    f : callable
        ``f(*inputs) -> array``, float64.
    vjp : callable
        ``vjp(u, *inputs) -> array or tuple of arrays``: one gradient per input in ``wrt`` (a bare array when
        ``wrt`` has one element).
    inputs : ndarray or sequence of ndarray
        The point at which to check, float64.
    wrt : sequence of int, optional
        Which inputs the VJP differentiates (default: all).
    seed : int
        Seed of the random cotangents and directions.
    directions : int
        Number of random (u, v) pairs.
    full_jacobian : bool, optional
        Force (or skip) the full-Jacobian comparison; default: only when small.
    h : float, optional
        Finite-difference step; default ``eps**(1/3) * max(1, |x|_inf)``, which balances truncation error
        O(h^2) against round-off O(eps/h).
    rtol : float
        Largest relative error accepted.
    claim : str, optional
        Claim id recorded in the ledger.
    check : bool
        Raise :class:`GradcheckError` on failure (default); ``False`` returns the report either way.
    domain : callable or sequence of (low, high), optional
        Where ``f`` is defined: ``inside(*inputs) -> bool``, or one open interval (or ``None``) per input that
        every entry must lie in. A finite-difference step that leaves the domain is refused (GradcheckError,
        naming the input) instead of differencing values from outside it; a step at which ``f`` is not finite is
        refused the same way.

    Notes
    -----
    Errors are pointwise: each Jacobian entry ``|J_vjp - J_fd| / max(|J_vjp|, |J_fd|, floor)`` with
    ``floor = 1e-3 * max(1, max |J_fd|)`` (central differences carry an absolute error of about
    ``eps**(2/3) * |f|``); each directional product relative to the larger side. A non-finite value anywhere is
    a failure, never a pass.

    Returns
    -------
    Report
        Prints as ``gradcheck <claim>: 5 directions + full Jacobian, max relative error < 1e-06: True``.

    Raises
    ------
    GradcheckError
        The VJP disagrees with central differences, or returns the wrong shapes.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.3, -1.2])
    >>> gradcheck(np.sin, lambda u, x: u * np.cos(x), [x])
    gradcheck: 5 directions + full Jacobian, max pointwise relative error < 1e-06: True
    >>> gradcheck(np.sin, lambda u, x: u * np.sin(x), [x], check=False).passed
    False
    """
    xs = _as_inputs(inputs)
    idx = list(range(len(xs))) if wrt is None else list(wrt)
    for i in idx:
        if not (isinstance(i, int) and 0 <= i < len(xs)):
            raise ValueError(f"gradcheck: wrt holds {i!r}, not an index of the {len(xs)} inputs.")
    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):  # a non-finite value is reported below, in words
        y = np.asarray(f(*xs), dtype=float)
    if not np.all(np.isfinite(y)):
        raise GradcheckError("gradcheck: f is not finite at the given point; choose a point inside its domain.")

    def grads(u: np.ndarray) -> list[np.ndarray]:
        g = vjp(u, *xs)
        g = [g] if len(idx) == 1 and not isinstance(g, (tuple, list)) else list(g)
        if len(g) != len(idx):
            raise GradcheckError(f"gradcheck: vjp returned {len(g)} gradients; expected {len(idx)} (one per wrt).")
        out = []
        for i, gi in zip(idx, g):
            gi = np.asarray(gi, dtype=float)
            if gi.shape != xs[i].shape:
                raise GradcheckError(f"gradcheck: vjp gradient for input {i} has shape {gi.shape}; "
                                     f"expected {xs[i].shape} (the input's shape).")
            out.append(gi)
        return out

    def step_size() -> float:
        if h is not None:
            return h
        return min(np.cbrt(np.finfo(float).eps) * max(1.0, float(np.max(np.abs(xs[i]), initial=0.0))) for i in idx)

    if domain is not None and not callable(domain):
        bounds = list(domain)
        if len(bounds) != len(xs):
            raise ValueError(f"gradcheck: domain needs one (low, high) or None per input ({len(xs)}); "
                             f"got {len(bounds)}.")

        def inside(*arrays: np.ndarray) -> bool:
            return all(b is None or bool(np.all((a > b[0]) & (a < b[1]))) for a, b in zip(arrays, bounds))
    else:
        inside = domain
    if inside is not None and not inside(*xs):
        raise GradcheckError("gradcheck: the point itself is outside the declared domain.")

    def difference(vs: list[np.ndarray]) -> np.ndarray:
        """Central difference (f(x + h v) - f(x - h v)) / 2h, the directional derivative J v."""
        step = step_size()

        def shifted(sign: float) -> np.ndarray:
            moved = list(xs)
            for i, v in zip(idx, vs):
                moved[i] = xs[i] + sign * step * v
            if inside is not None and not inside(*moved):
                raise GradcheckError(
                    f"gradcheck{' ' + claim if claim else ''}: the finite-difference step h = {step:.2e} leaves the "
                    "function's declared domain; check at a point farther from the boundary or pass a smaller h.")
            with np.errstate(all="ignore"):
                value = np.asarray(f(*moved), dtype=float)
            if not np.all(np.isfinite(value)):
                raise GradcheckError(
                    f"gradcheck{' ' + claim if claim else ''}: f is not finite at x {'+' if sign > 0 else '-'} h v "
                    f"(h = {step:.2e}): the step left the function's domain. Declare domain= and check at a point "
                    "farther from its boundary, or pass a smaller h.")
            return value

        return (shifted(1.0) - shifted(-1.0)) / (2 * step)

    def directional(u: np.ndarray, vs: list[np.ndarray]) -> float:
        return float(np.sum(u * difference(vs)))

    worst = 0.0
    for _ in range(directions):
        u = rng.standard_normal(y.shape)
        vs = [rng.standard_normal(xs[i].shape) for i in idx]
        analytic = sum(float(np.sum(g * v)) for g, v in zip(grads(u), vs))
        numeric = directional(u, vs)
        if not (math.isfinite(analytic) and math.isfinite(numeric)):
            worst = math.inf  # NaN or inf is a failure, never a pass (max(0, nan) would keep 0)
            continue
        scale = max(abs(analytic), abs(numeric), 1e-8)
        worst = max(worst, abs(analytic - numeric) / scale)

    n_in = sum(xs[i].size for i in idx)
    do_full = full_jacobian if full_jacobian is not None else (n_in <= 64 and y.size <= 64)
    if do_full:
        jac_fd = np.zeros((y.size, n_in))
        col = 0
        for k, i in enumerate(idx):
            for j in range(xs[i].size):
                vs = [np.zeros_like(xs[m]) for m in idx]
                vs[k].flat[j] = 1.0
                jac_fd[:, col] = difference(vs).ravel()
                col += 1
        jac_vjp = np.zeros_like(jac_fd)
        for r in range(y.size):
            u = np.zeros(y.shape)
            u.flat[r] = 1.0
            jac_vjp[r] = np.concatenate([g.ravel() for g in grads(u)])
        floor = 1e-3 * max(1.0, float(np.max(np.abs(jac_fd), initial=0.0)))
        worst = max(worst, _rel_err(jac_fd, jac_vjp, floor=floor))
    passed = worst < rtol
    how = f"{directions} directions" + (" + full Jacobian" if do_full else "")
    report = _record(Report("gradcheck", _validate_claim(claim, "gradcheck"), passed,
                            f"{how}, {_fmt_bound(worst, rtol)}", worst))
    if check and not passed:
        raise GradcheckError(f"{report} (worst relative error {worst:.3e}). The VJP does not match the "
                             "function: re-derive it, or check that f is differentiable at this point.")
    return report

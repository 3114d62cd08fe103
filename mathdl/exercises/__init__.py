r"""Self-checks for the book's exercises: ``check("ex-id", answer)`` says right or not yet, never the solution.

Each chapter's exercises carry a stable id (their label in the book, ``ex-<chapter>-<name>``). Those with a
self-check are registered here, one file per chapter (``mathdl/exercises/<chapter>.py``), with the answer the
solution derives and the exercise's domain. A reader calls

>>> from mathdl.exercises import check
>>> check("ex-generative-baseline", 10)
✓ ex-generative-baseline: correct (|answer − solution| ≤ 1e-09 relative)

and gets a verdict. How an answer is judged depends on the kind of exercise:

``expression``
    A SymPy expression (or a string, parsed with the exercise's symbols). Correct when SymPy **proves** it equal
    to the solution for every value of the symbols allowed by their assumptions — the same sound equivalence as
    :func:`mathdl.verify.derive` (so ``sqrt(x**2)`` is not ``x`` unless the exercise says ``x > 0``). The
    reader's symbols are matched to the exercise's by name. If SymPy cannot decide but the two agree to 12 digits
    at random points, the verdict says so and is not a ✓.
``number``
    A number, or a tuple of numbers; correct within the exercise's relative tolerance.
``function``
    A Python function; correct when it agrees with the solution pointwise (relative error ≤ ``rtol``) at seeded
    random inputs of the stated shapes.
``vjp``
    A vector-Jacobian product ``vjp(g, *inputs)``; correct when it equals the solution's VJP at random cotangents
    and inputs (the solution's VJP is itself gradchecked in ``tests/test_exercises.py``).

A wrong answer gets a hint where one can be computed without giving the solution away: wrong sign, off by a
factor 2 (or another constant factor), correct up to an additive constant, correct only on part of the domain
(``x > 0``), transposed, wrong shape, and where the answer and the solution differ. A malformed answer (wrong
type, a symbol the exercise does not define, a function that raises) gets a message saying what was expected.

Book: the introduction ("Exercises that check your answer") and every chapter's exercises; the index of
exercises lists which have a self-check.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

__all__ = ["Exercise", "Verdict", "check", "exercises", "register"]

KINDS = ("expression", "number", "function", "vjp")
#: Default relative tolerance of number, function and vjp answers.
RTOL = 1e-9
#: Random points at which expression answers are compared when SymPy cannot decide (and to locate a difference).
SAMPLES = 8
#: Two values computed at 30 digits (compared as doubles) are "the same" within this relative difference.
TIE = 1e-12


@dataclass(frozen=True)
class Exercise:
    """One exercise with a self-check.

    Attributes
    ----------
    id : str
        The exercise's label in the book, ``ex-<chapter>-<name>``.
    chapter : str
        The chapter's notebook name (``regularization``).
    title : str
        The exercise's title in the book.
    kind : str
        One of :data:`KINDS`.
    solution : Any
        The answer the written solution derives (never shown by :func:`check`): a SymPy expression, a number or
        a tuple of numbers, or a function.
    symbols : tuple of sympy.Symbol
        Expression exercises: the symbols an answer may use, with the exercise's assumptions.
    shapes : tuple of tuple of int
        Function and vjp exercises: the shapes of the inputs (a vjp's cotangent is shaped like the output).
    forward : callable or None
        Vjp exercises: the function whose VJP is asked for.
    rtol : float or tuple of float
        Relative tolerance for number, function and vjp answers; a number exercise asking for several numbers may
        give one per number (an exact count beside a rounded fraction: ``rtol=(1e-12, 1e-2)``).
    conditions : tuple of sympy relationals
        Expression exercises: where the formula is asked for beyond the symbols' assumptions (``eta*lam < 1``);
        the random points that locate a difference are drawn there.
    low, high : float or tuple of float
        Function and vjp exercises: inputs are drawn uniformly from [low, high]; a tuple gives one bound per input
        (a positive sigma beside a real x: ``low=(-2, -2, 0.5)``).
    asks : str
        What the answer is, in one line (shown in the index and in messages).
    """

    id: str
    chapter: str
    title: str
    kind: str
    solution: Any
    asks: str
    symbols: tuple[sp.Symbol, ...] = ()
    shapes: tuple[tuple[int, ...], ...] = ()
    forward: Callable[..., Any] | None = None
    rtol: float | tuple[float, ...] = RTOL
    conditions: tuple[Any, ...] = ()
    low: float | tuple[float, ...] = -2.0
    high: float | tuple[float, ...] = 2.0


@dataclass
class Verdict:
    """The result of :func:`check`: ``correct`` and a message (a hint when it can give one)."""

    exercise: str
    correct: bool
    message: str
    hint: str | None = field(default=None)

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        mark = "✓" if self.correct else "✗"
        hint = f" Hint: {self.hint}" if self.hint else ""
        return f"{mark} {self.exercise}: {self.message}{hint}"

    __repr__ = __str__


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (each chapter's file does this at import).

    Raises
    ------
    ValueError
        A malformed id, an unknown kind, an id registered twice, or a kind without what it needs.
    """
    ex = exercise
    if not (isinstance(ex.id, str) and ex.id.startswith(f"ex-{ex.chapter}-")):
        raise ValueError(f"register: exercise id {ex.id!r} must start with 'ex-{ex.chapter}-' (its book label).")
    if ex.kind not in KINDS:
        raise ValueError(f"register: {ex.id}: kind must be one of {KINDS}; got {ex.kind!r}.")
    if ex.id in _REGISTRY:
        raise ValueError(f"register: exercise {ex.id!r} is registered twice.")
    if ex.kind == "expression" and not isinstance(ex.solution, sp.Basic):
        raise ValueError(f"register: {ex.id}: an expression exercise needs a SymPy solution.")
    if ex.kind in ("function", "vjp") and (not callable(ex.solution) or not ex.shapes):
        raise ValueError(f"register: {ex.id}: a {ex.kind} exercise needs a callable solution and input shapes.")
    if ex.kind == "vjp" and not callable(ex.forward):
        raise ValueError(f"register: {ex.id}: a vjp exercise needs the forward function.")
    if isinstance(ex.rtol, tuple) and (ex.kind != "number" or np.size(ex.solution) != len(ex.rtol)):
        raise ValueError(f"register: {ex.id}: a tuple rtol gives one tolerance per number of a number exercise; "
                         f"got {len(ex.rtol)} for a {ex.kind} exercise.")
    for name in ("low", "high"):
        bound = getattr(ex, name)
        if isinstance(bound, tuple) and len(bound) != len(ex.shapes):
            raise ValueError(f"register: {ex.id}: {name} has {len(bound)} bounds for {len(ex.shapes)} inputs; give "
                             "one per input or a single number.")
    _REGISTRY[ex.id] = ex
    return ex


def exercises(chapter: str | None = None) -> list[Exercise]:
    """The registered exercises (of one chapter), in registration order."""
    return [e for e in _REGISTRY.values() if chapter is None or e.chapter == chapter]


def _get(exercise_id: Any) -> Exercise:
    if not isinstance(exercise_id, str):
        raise TypeError(f"check: the exercise id must be a string like 'ex-regularization-half'; got "
                        f"{type(exercise_id).__name__} {exercise_id!r}.")
    if exercise_id not in _REGISTRY:
        near = [k for k in _REGISTRY if k.split("-")[1:2] == exercise_id.split("-")[1:2]] or sorted(_REGISTRY)
        raise KeyError(f"check: no self-check for exercise {exercise_id!r}. Exercises with one: {', '.join(near)}.")
    return _REGISTRY[exercise_id]


def check(exercise_id: str, answer: Any) -> Verdict:
    """Check a reader's answer to an exercise, without revealing the solution.

    Parameters
    ----------
    exercise_id : str
        The exercise's label, as printed under it in the book (``"ex-regularization-half"``).
    answer : Any
        A SymPy expression or a string (expression exercises), a number or tuple of numbers (number exercises),
        a function (function and vjp exercises).

    Returns
    -------
    Verdict
        Truthy when correct; its text says why not, with a hint where one can be computed.

    Raises
    ------
    KeyError
        If the exercise has no self-check (the message lists those that do).

    Examples
    --------
    >>> import sympy as sp
    >>> a, b = sp.symbols("a b", real=True)
    >>> check("ex-generative-w1-points", sp.sqrt((a - b)**2)).correct
    True
    >>> check("ex-generative-w1-points", a - b)
    ✗ ex-generative-w1-points: not yet. Hint: correct only where a - b > 0; the exercise allows every real a, b.
    """
    ex = _get(exercise_id)
    return {"expression": _check_expression, "number": _check_number, "function": _check_function,
            "vjp": _check_vjp}[ex.kind](ex, answer)


# ------------------------------------------------------------------------------------------- expressions

def _parse(ex: Exercise, answer: Any) -> sp.Expr | Verdict:
    names = {s.name: s for s in ex.symbols}
    allowed = ", ".join(sorted(names)) or "none"
    if isinstance(answer, str):
        try:
            answer = sp.parse_expr(answer, local_dict=dict(names))
        except Exception as err:  # noqa: BLE001 - any parse failure is the reader's input, reported as such
            return Verdict(ex.id, False, f"could not read {answer!r} as a formula ({type(err).__name__}). Write "
                           f"it in Python syntax, e.g. 'log(2)/log(1 - eta*lam)', using the symbols {allowed}.")
    if isinstance(answer, numbers.Number) and not isinstance(answer, bool):
        answer = sp.nsimplify(answer) if isinstance(answer, float) else sp.Integer(answer)
    if not isinstance(answer, sp.Expr):
        return Verdict(ex.id, False, f"expected a SymPy expression or a string; got {type(answer).__name__}. "
                       f"This exercise asks for {ex.asks}.")
    unknown = sorted(s.name for s in answer.free_symbols if s.name not in names)
    if unknown:
        return Verdict(ex.id, False, f"the answer uses {', '.join(unknown)}, which this exercise does not define; "
                       f"use only {allowed}.")
    # the reader's symbols (maybe without assumptions) become the exercise's, matched by name
    return answer.xreplace({s: names[s.name] for s in answer.free_symbols})


def _proved_zero(e: sp.Expr) -> bool:
    from mathdl.verify.proofs import _zero  # the derivation core's own equality prover (never sampling)

    return bool(_zero(e, None))


def _sample(ex: Exercise, seed: int) -> list[dict[sp.Symbol, sp.Float]]:
    """Random points of the exercise's domain (assumptions and conditions), at 50 digits."""
    rng = np.random.default_rng(seed)
    points: list[dict[sp.Symbol, sp.Float]] = []
    for _ in range(200 * SAMPLES):
        values = {}
        for s in ex.symbols:
            v = rng.uniform(0.1, 1.9)
            if not (s.is_positive or s.is_nonnegative) and rng.random() < 0.5:
                v = -v
            values[s] = sp.Float(v, 50)
        if all(bool(c.xreplace(values)) for c in ex.conditions):
            points.append(values)
            if len(points) == SAMPLES:
                break
    return points


def _values(e: sp.Expr, points: list[dict]) -> list[complex | None]:
    out = []
    for p in points:
        try:
            v = complex(sp.N(e.xreplace(p), 30))
            out.append(v if math.isfinite(abs(v)) else None)
        except (TypeError, ValueError, ZeroDivisionError):
            out.append(None)
    return out


def _check_expression(ex: Exercise, answer: Any) -> Verdict:
    parsed = _parse(ex, answer)
    if isinstance(parsed, Verdict):
        return parsed
    sol = ex.solution
    points = _sample(ex, seed=1)
    a, b = _values(parsed, points), _values(sol, points)
    same = all(x is not None and y is not None and abs(x - y) <= TIE * max(1.0, abs(y)) for x, y in zip(a, b))
    # only an answer that agrees numerically is worth a proof (a proof attempt on a wrong answer can be slow)
    if same and _proved_zero(parsed - sol):
        return Verdict(ex.id, True, "correct (SymPy proves it equal to the solution on the exercise's domain)")
    if same:
        return Verdict(ex.id, False, "SymPy could not prove your answer equal to the solution, but they agree to 12 "
                       f"digits at {SAMPLES} random points: probably right; try simplifying it.")
    hint = _expression_hint(ex, parsed, sol)
    if hint is None:
        for p, x, y in zip(points, a, b):
            if x is not None and y is not None and abs(x - y) > 1e-12 * max(1.0, abs(y)):
                at = ", ".join(f"{s} = {float(v):.3g}" for s, v in p.items())
                hint = f"it differs from the solution at {at} (your answer gives {_fmt(x)})."
                break
    return Verdict(ex.id, False, "not yet.", hint)


def _fmt(z: complex) -> str:
    return f"{z.real:.6g}" if abs(z.imag) < 1e-12 * max(1.0, abs(z)) else f"{z:.6g}"


def _constant(values: list[complex | None]) -> complex | None:
    """The common value of a list of numbers, if they are all (numerically) equal."""
    if not values or any(v is None for v in values):
        return None
    first = values[0]
    return first if all(abs(v - first) <= TIE * max(1.0, abs(first)) for v in values) else None


def _expression_hint(ex: Exercise, ans: sp.Expr, sol: sp.Expr) -> str | None:
    """A hint found numerically at 30 digits first (cheap), then proved by SymPy before it is given."""
    points = _sample(ex, seed=2)
    a, b = _values(ans, points), _values(sol, points)
    if any(v is None for v in a + b):
        return None
    ratio = _constant([x / y for x, y in zip(a, b)]) if all(abs(y) > TIE for y in b) else None
    if ratio is not None and abs(ratio.imag) < TIE:
        c = sp.nsimplify(round(ratio.real, 12))
        if c == -1 and _proved_zero(ans + sol):
            return "the sign is wrong."
        if c in (2, sp.Rational(1, 2)) and _proved_zero(ans - c * sol):
            return "off by a factor 2."
        if c != 1 and _proved_zero(ans - c * sol):
            return f"off by a constant factor ({c})."
    shift = _constant([x - y for x, y in zip(a, b)])
    if shift is not None and abs(shift.imag) < TIE:
        d = sp.nsimplify(round(shift.real, 12))
        if d != 0 and _proved_zero(ans - sol - d):
            return "correct up to an additive constant."
    for s in ex.symbols:  # right on part of the domain: a positivity the exercise does not grant
        if s.is_positive or s.is_nonnegative:
            continue
        on = [x is not None and y is not None and abs(x - y) <= TIE * max(1.0, abs(y))
              for p, x, y in zip(points, a, b) if p[s] > 0]
        if on and all(on):
            pos = sp.Dummy(s.name, positive=True)
            if _proved_zero((ans - sol).xreplace({s: pos})):
                return f"correct only for {s} > 0; the exercise allows every real {s}."
    for i, s in enumerate(ex.symbols):  # ... or only where s > t (|a - b|)
        for t in ex.symbols[i + 1:]:
            on = [abs(x - y) <= TIE * max(1.0, abs(y)) for p, x, y in zip(points, a, b) if p[s] > p[t]]
            if on and all(on):
                d = sp.Dummy("d", positive=True)
                if _proved_zero((ans - sol).xreplace({s: t + d})):
                    return f"correct only where {s} - {t} > 0; the exercise allows every real {s}, {t}."
    return None


# ------------------------------------------------------------------------------------------------ numbers

def _as_floats(x: Any) -> np.ndarray | None:
    try:
        arr = np.asarray(x, dtype=np.complex128)
    except (TypeError, ValueError):
        return None
    if arr.dtype == object or not np.all(np.isfinite(arr)):
        return None
    return arr


def _ratio_hint(mine: np.ndarray, sol: np.ndarray) -> str | None:
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.allclose(mine, -sol, rtol=1e-9, atol=0) and np.any(sol != 0):
            return "the sign is wrong."
        nz = sol != 0
        if not np.any(nz) or np.any(mine[~nz] != 0):  # a factor relates the two only if zeros stay zeros
            return None
        r = mine[nz] / sol[nz]
    if np.allclose(r, r.flat[0], rtol=1e-9) and abs(r.flat[0]) > 0:
        c = r.flat[0].real
        for k, say in ((2.0, "off by a factor 2 (too large)."), (0.5, "off by a factor 2 (too small)."),
                       (-2.0, "off by a factor -2."), (-0.5, "off by a factor -1/2.")):
            if abs(c - k) < 1e-9:
                return say
        e = math.log10(abs(c)) if c else 0.0
        if abs(e - round(e)) < 1e-9 and round(e) != 0:
            return f"off by a factor 10^{round(e)} — check units or a power of ten."
        if abs(c - 1) < 0.05:
            return "close, but outside the tolerance: keep more digits (or compute it exactly)."
        return "off by a constant factor." if mine.size > 1 else None
    if mine.size > 1 and np.all(np.abs(r.imag) < 1e-12) and abs(r.flat[0]) > 0 and \
            np.allclose(r.real, r.real.flat[0], rtol=1e-3):
        return f"off by a constant factor, about {r.real.flat[0]:.4g} (a unit, or a convention?)."
    return None


def _check_number(ex: Exercise, answer: Any) -> Verdict:
    sol = np.atleast_1d(np.asarray(ex.solution, dtype=np.complex128))
    if isinstance(answer, (str, bool)) or callable(answer):
        return Verdict(ex.id, False, f"expected {'a number' if sol.size == 1 else f'{sol.size} numbers'}; got "
                       f"{type(answer).__name__}. This exercise asks for {ex.asks}.")
    if isinstance(answer, sp.Basic):
        if answer.free_symbols:
            return Verdict(ex.id, False, "expected a number; the answer still has symbols "
                           f"({', '.join(sorted(s.name for s in answer.free_symbols))}).")
        answer = complex(sp.N(answer, 30))
    mine = _as_floats(answer)
    if mine is None:
        return Verdict(ex.id, False, f"expected finite numbers; got {answer!r}. This exercise asks for {ex.asks}.")
    mine = np.atleast_1d(mine)
    if mine.shape != sol.shape:
        return Verdict(ex.id, False, f"expected {sol.size} number(s) ({ex.asks}); got {mine.size}.")
    rtol = np.broadcast_to(np.asarray(ex.rtol, dtype=float), sol.shape)
    tol = rtol * np.where(sol == 0, 1.0, np.abs(sol))  # relative, absolute where the solution is 0
    ok = bool(np.all(np.abs(mine - sol) <= tol))
    if ok:
        return Verdict(ex.id, True, f"correct (|answer − solution| ≤ {np.max(rtol):.0e} relative)")
    if sol.size > 1:
        wrong = [i + 1 for i in range(sol.size) if abs(mine[i] - sol[i]) > tol[i]]
        detail = _ratio_hint(mine, sol)
        if detail is None and len(wrong) == 1:  # one number off: the single-number hints apply to it
            i = wrong[0] - 1
            detail = _ratio_hint(mine[i:i + 1], sol[i:i + 1])
        if detail is None and all(sol[i - 1] != 0 and abs(mine[i - 1] / sol[i - 1] - 1) < 0.05 for i in wrong):
            detail = "close, but outside the tolerance: keep more digits (or compute it exactly)."
        entries = [ex.solution[i - 1] for i in wrong] if isinstance(ex.solution, tuple) else []
        if detail and detail.startswith("close") and entries and _whole(tuple(entries)):
            detail = ("It is a whole number and must be exact." if len(wrong) == 1 else
                      "They are whole numbers and must be exact.")
        detail = detail[0].upper() + detail[1:] if detail else detail
        which = f"number {wrong[0]} of {sol.size} is" if len(wrong) == 1 else \
            f"numbers {', '.join(map(str, wrong))} of {sol.size} are"
        return Verdict(ex.id, False, "not yet.", f"{which} off." + (f" {detail}" if detail else ""))
    hint = _ratio_hint(mine, sol)
    if _whole(ex.solution) and hint and hint.startswith("close"):
        hint = "close, but this answer is a whole number and must be exact: check rounding up or down."
    return Verdict(ex.id, False, "not yet.", hint)


def _whole(solution: Any) -> bool:
    """A count: the solution is an integer (or a tuple of integers), so "more digits" is no advice."""
    values = solution if isinstance(solution, tuple) else (solution,)
    return all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values)


# ---------------------------------------------------------------------------------- functions and VJPs

def _inputs(ex: Exercise, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    n = len(ex.shapes)
    low = ex.low if isinstance(ex.low, tuple) else (ex.low,) * n
    high = ex.high if isinstance(ex.high, tuple) else (ex.high,) * n
    # a scalar input (shape ()) is a Python float, as a reader would pass one
    return [float(rng.uniform(lo, hi)) if s == () else rng.uniform(lo, hi, size=s)
            for s, lo, hi in zip(ex.shapes, low, high)]


def _copies(args: Sequence[Any]) -> list[Any]:
    """Fresh copies of the inputs: a reader's function that writes into its arguments cannot change the solution's."""
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _call(ex: Exercise, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[np.ndarray | None, str | None]:
    try:
        out = fn(*args)
    except Exception as err:  # noqa: BLE001 - the reader's function failed: report it, do not crash
        return None, f"your function raised {type(err).__name__}: {err}"
    arr = _as_floats(out)
    if arr is None:
        return None, f"your function returned {type(out).__name__}, not finite numbers."
    return arr, None


def _compare(ex: Exercise, mine: np.ndarray, sol: np.ndarray) -> Verdict | None:
    if mine.shape != sol.shape:
        if mine.T.shape == sol.shape and mine.ndim == 2:
            return Verdict(ex.id, False, "not yet.", f"the result has shape {mine.shape}, the transpose of the "
                           f"expected {sol.shape}: a transpose is missing or extra.")
        return Verdict(ex.id, False, "not yet.", f"the result has shape {mine.shape}; expected {sol.shape}.")
    err = np.abs(mine - sol) / np.maximum(np.abs(sol), 1e-6)
    if np.max(err) > ex.rtol:
        hint = _ratio_hint(mine, sol)
        if hint is None and mine.ndim == 2 and mine.shape[0] == mine.shape[1] and np.allclose(mine.T, sol):
            hint = "the result is the transpose of the expected one."
        if hint is None:
            wrong = np.argwhere(err > ex.rtol)
            hint = f"largest relative error {np.max(err):.2g}"
            if mine.size > 1:
                first = tuple(int(i) for i in wrong[0])
                where = first[0] if len(first) == 1 else first
                verb = "is" if len(wrong) == 1 else "are"
                hint += (f"; {len(wrong)} of {mine.size} entries {verb} off, the first at index {where}" if
                         len(wrong) < mine.size else "; every entry is off")
            hint += "."
        return Verdict(ex.id, False, "not yet.", hint)
    return None


def _check_function(ex: Exercise, answer: Any) -> Verdict:
    if not callable(answer):
        return Verdict(ex.id, False, f"expected a Python function; got {type(answer).__name__}. This exercise "
                       f"asks for {ex.asks}.")
    verdicts = []
    for seed in range(5):
        args = _inputs(ex, seed)
        mine, problem = _call(ex, answer, _copies(args))
        if problem:
            return Verdict(ex.id, False, problem)
        verdicts.append(_compare(ex, mine, np.asarray(ex.solution(*args), dtype=np.complex128)))
    return _overall(ex, verdicts, "agrees with the solution at 5 random inputs")


def _overall(ex: Exercise, verdicts: list[Verdict | None], what: str) -> Verdict:
    """Correct if every random input agreed; right at some inputs only is said as such (a hint from one input
    would mislead: "keep more digits" for an answer right on part of the domain)."""
    bad = [v for v in verdicts if v is not None]
    if not bad:
        return Verdict(ex.id, True, f"correct ({what}, rtol {ex.rtol:.0e})")
    if len(bad) < len(verdicts):
        return Verdict(ex.id, False, "not yet.", f"it agrees with the solution at {len(verdicts) - len(bad)} of "
                       f"{len(verdicts)} random inputs but not at the others: right on part of the domain only?")
    return bad[0]


def _check_vjp(ex: Exercise, answer: Any) -> Verdict:
    if not callable(answer):
        return Verdict(ex.id, False, f"expected a function vjp(g, *inputs); got {type(answer).__name__}.")
    verdicts = []
    for seed in range(5):
        args = _inputs(ex, seed)
        y = np.asarray(ex.forward(*args))
        g = np.random.default_rng(100 + seed).standard_normal(y.shape)
        mine, problem = _call(ex, answer, [g.copy(), *_copies(args)])
        if problem:
            return Verdict(ex.id, False, problem)
        verdicts.append(_compare(ex, mine, np.asarray(ex.solution(g, *args), dtype=np.complex128)))
    return _overall(ex, verdicts, "equals the solution's VJP at 5 random points and cotangents")


def _register_chapters() -> None:
    """Import every chapter file of this package (``mathdl/exercises/<chapter>.py``), which registers its exercises.

    Discovered, not listed, so a chapter's self-checks live in its own file alone."""
    import importlib
    import pkgutil
    from pathlib import Path

    folder = str(Path(__file__).resolve().parent)   # not __path__: tools may load this file as a plain module
    for info in sorted(pkgutil.iter_modules([folder]), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"mathdl.exercises.{info.name}")


_register_chapters()

"""The verification core: ``derive``, ``agree``, ``gradcheck`` and claim ids.

Every statement the book makes about a formula is checked by one of three machines:

``derive``
    A chain of SymPy expressions, each step proved equal to the previous one by SymPy. A step SymPy cannot
    prove raises :class:`ProofError` showing the step -- unless it is explicitly marked ``numeric=True``, in
    which case it is checked at random points and rendered as *checked numerically only*.
``agree``
    The symbolic result (lambdified) against the hand-written numpy function in :mod:`mathdl`, at seeded
    random points inside the formula's domain; reports the worst relative error.
``gradcheck``
    A vector-Jacobian product against central differences along random directions (and the full Jacobian
    for small inputs), in float64; reports the worst relative error.

Each check may carry a **claim id** (``"linalg.frobenius-gradient"``): the name by which the book text, the
tests and the ledger (:func:`ledger`) refer to one checked fact. Claim ids are declared by the chapter
modules in their ``CLAIMS`` dictionaries; :func:`claims` collects them.

Book: Introduction, "How the book checks itself".
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

__all__ = [
    "AGREE_RTOL",
    "GRADCHECK_RTOL",
    "NUMERIC_STEP_RTOL",
    "AgreementError",
    "Derivation",
    "GradcheckError",
    "ProofError",
    "Report",
    "VerificationError",
    "agree",
    "claims",
    "derive",
    "gradcheck",
    "ledger",
    "summary",
]

#: Worst relative error allowed between a lambdified SymPy result and a numpy implementation.
AGREE_RTOL = 1e-10
#: Worst relative error allowed between a VJP and central differences (float64, h = eps**(1/3) scale).
GRADCHECK_RTOL = 1e-6
#: Worst relative error allowed for a derivation step that is checked numerically only.
NUMERIC_STEP_RTOL = 1e-9

_CLAIM_ID = re.compile(r"^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9-]*)+$")


class VerificationError(AssertionError):
    """A check of the book failed: a derivation step, an agreement or a gradient check."""


class ProofError(VerificationError):
    """SymPy could not prove a derivation step."""


class AgreementError(VerificationError):
    """A numpy implementation disagrees with its symbolic formula."""


class GradcheckError(VerificationError):
    """A vector-Jacobian product disagrees with central differences."""


# ----------------------------------------------------------------------------------------------- claims & ledger

@dataclasses.dataclass(frozen=True)
class Report:
    """One check that ran: what kind, which claim, whether it passed, and a stable one-line summary."""

    kind: str
    claim: str | None
    passed: bool
    detail: str
    worst: float | None = None

    def __str__(self) -> str:
        name = f" {self.claim}" if self.claim else ""
        return f"{self.kind}{name}: {self.detail}"

    def __repr__(self) -> str:  # what a notebook cell shows
        return str(self)


_LEDGER: list[Report] = []


def _validate_claim(claim: str | None, where: str) -> str | None:
    if claim is None:
        return None
    if not isinstance(claim, str) or not _CLAIM_ID.match(claim):
        raise ValueError(
            f"{where}: claim must be an id like 'chapter.short-name' (lower case, dot-separated); "
            f"got {claim!r}."
        )
    return claim


def claims() -> dict[str, str]:
    """All claim ids declared by the chapter modules, mapped to their statements.

    Returns
    -------
    dict of str to str
        ``{"linalg.frobenius-gradient": "d||XW - Y||_F^2 / dW = 2 X^T (XW - Y)", ...}``, sorted by id.

    Raises
    ------
    ValueError
        If two modules declare the same id, or an id is malformed.
    """
    from mathdl import CHAPTER_MODULES  # late import: the chapter modules import this one

    found: dict[str, str] = {}
    for module in CHAPTER_MODULES:
        for cid, statement in getattr(module, "CLAIMS", {}).items():
            _validate_claim(cid, f"claims ({module.__name__}.CLAIMS)")
            if cid in found:
                raise ValueError(f"claims: id {cid!r} is declared twice (again in {module.__name__}).")
            found[cid] = statement
    return dict(sorted(found.items()))


def _record(report: Report) -> Report:
    _LEDGER.append(report)
    return report


def ledger(claim_prefix: str = "") -> list[Report]:
    """The checks run so far in this Python process, optionally only those whose claim starts with a prefix."""
    return [r for r in _LEDGER if (r.claim or "").startswith(claim_prefix)]


def summary(claim_prefix: str = "") -> str:
    """A stable one-paragraph account of the checks run so far (for the last cell of a chapter).

    Examples
    --------
    >>> isinstance(summary(), str)
    True
    """
    reports = ledger(claim_prefix)
    kinds: dict[str, int] = {}
    for r in reports:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    failed = [r for r in reports if not r.passed]
    counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "no checks"
    ids = sorted({r.claim for r in reports if r.claim})
    status = "all passed" if not failed else f"{len(failed)} FAILED"
    return f"{counts}; {len(ids)} claim ids; {status}."


# -------------------------------------------------------------------------------------------------- derive

def _is_matrix(expr: Any) -> bool:
    return isinstance(expr, (sp.MatrixBase, sp.MatrixExpr))


def _evaluated(expr: Any) -> Any:
    """Carry out unevaluated derivatives/integrals/sums (kept unevaluated only for display)."""
    if isinstance(expr, sp.Derivative):
        return sp.diff(expr.expr, *expr.variable_count)
    if isinstance(expr, sp.Trace) and not expr.atoms(sp.MatrixSymbol):  # explicit matrix: evaluate
        return expr.doit()
    if isinstance(expr, sp.Basic) and expr.has(sp.Derivative, sp.Integral, sp.Sum, sp.Product):
        return expr.doit()
    return expr


def _as_sympy(expr: Any, where: str) -> sp.Basic:
    if isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return expr
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        return sp.sympify(expr)
    raise TypeError(
        f"{where}: expected a SymPy expression or Matrix; got {type(expr).__name__}. "
        "Build it from sympy symbols (e.g. x = sympy.Symbol('x'))."
    )


def _zero(diff: Any, hint: Callable[[Any], Any] | None) -> bool:
    """True only if SymPy *proves* ``diff == 0`` (never by numeric sampling)."""
    if isinstance(diff, sp.MatrixBase):
        return all(_zero(entry, hint) for entry in diff)
    if isinstance(diff, sp.MatrixExpr):  # symbolic matrices of any shape (MatrixSymbol algebra)
        for attempt in (lambda e: e, sp.expand, sp.simplify, lambda e: sp.simplify(sp.expand(e.doit()))):
            reduced = attempt(hint(diff) if hint is not None else diff)
            if reduced == 0 or isinstance(reduced, sp.ZeroMatrix):
                return True
        return False
    diff = sp.sympify(diff)
    if diff.has(sp.Integral, sp.Derivative, sp.Sum, sp.Product):
        diff = diff.doit()
    if hint is not None:
        diff = hint(diff)
    if diff == 0:
        return True
    attempts: tuple[Callable[[Any], Any], ...] = (
        sp.expand,
        sp.cancel,
        lambda e: sp.expand(sp.expand_trig(e)),
        sp.simplify,
        lambda e: sp.simplify(e.rewrite(sp.exp)),
    )
    for attempt in attempts:
        try:
            if attempt(diff) == 0:
                return True
        except (TypeError, ValueError, NotImplementedError, AttributeError):  # pragma: no cover - SymPy gaps
            continue
    return False


def _free(expr: Any) -> list[sp.Symbol]:
    return sorted(expr.free_symbols, key=lambda s: s.name)


def _numeric_zero(diff: Any, seed: int, points: int) -> float:
    """Worst |diff| / scale at random real points honouring each symbol's positivity assumption."""
    rng = np.random.default_rng(seed)
    symbols = _free(diff)
    f = sp.lambdify(symbols, diff, modules="numpy")
    worst = 0.0
    for _ in range(points):
        vals = [rng.uniform(0.1, 2.0) if s.is_positive else rng.uniform(-2.0, 2.0) for s in symbols]
        value = np.abs(np.asarray(f(*vals), dtype=complex))
        worst = max(worst, float(np.max(value)) if value.size else 0.0)
    return worst


def _latex(expr: Any) -> str:
    return sp.latex(expr)


class Derivation:
    """A chain of expressions, each proved equal to the one before it.

    Build one with :func:`derive`, extend it with :meth:`step`; every step is proved the moment it is added.
    In a notebook the derivation displays as an aligned LaTeX block, one line per step with its
    justification, and a final line saying how each step was checked.

    Attributes
    ----------
    result : sympy expression
        The last expression of the chain: what the derivation established equals the first one.
    steps : list of (expr, why, how)
        ``how`` is ``"proved"`` (by SymPy) or ``"numeric"`` (checked at random points only).
    """

    def __init__(self, start: Any, *, title: str | None = None, claim: str | None = None,
                 lhs: Any = None):
        self.start = _as_sympy(start, "derive")
        if lhs is not None and not isinstance(lhs, str):
            lhs = _latex(_as_sympy(lhs, "derive(lhs=)"))
        self.lhs = lhs  # LaTeX of the name of what is derived (displayed, not proved)
        self.title = title
        self.claim = _validate_claim(claim, "derive")
        self.steps: list[tuple[Any, str, str]] = []

    @property
    def result(self) -> Any:
        return self.steps[-1][0] if self.steps else self.start

    def step(self, expr: Any, why: str, *, hint: Callable[[Any], Any] | None = None,
             numeric: bool = False, seed: int = 0) -> "Derivation":
        """Add ``expr`` as the next line, proving it equals the current result.

        Parameters
        ----------
        expr : sympy expression or Matrix
            The next line of the derivation.
        why : str
            The justification shown beside it ("chain rule", "sigma' = sigma (1 - sigma)").
        hint : callable, optional
            A SymPy rewrite applied to ``previous - expr`` before the standard simplifications, for steps
            SymPy proves only with a nudge (e.g. ``lambda e: e.rewrite(sympy.exp)``). It must be an
            equivalence-preserving SymPy transformation; it is shown nowhere and proves nothing by itself.
        numeric : bool
            Mark the step as *checked numerically only*: it is evaluated at random real points instead of
            proved, and rendered with that label. Use it only when SymPy cannot prove the step, and say why.
        seed : int
            Seed of the random points for a numeric step.

        Returns
        -------
        Derivation
            ``self``, so steps chain: ``derive(a).step(b, "..").step(c, "..")``.

        Raises
        ------
        ProofError
            SymPy could not prove the step (or, for ``numeric=True``, the step failed at a random point).
        """
        expr = _as_sympy(expr, "Derivation.step")
        if not isinstance(why, str) or not why.strip():
            raise ValueError("Derivation.step: why must be a non-empty justification string; "
                             f"got {why!r}.")
        previous = _evaluated(self.result)
        if _is_matrix(previous) != _is_matrix(expr) or (_is_matrix(expr) and previous.shape != expr.shape):
            raise ProofError(self._failure(self.result, expr, why, "the two sides have different shapes"))
        diff = previous - _evaluated(expr)
        if numeric:
            worst = _numeric_zero(diff, seed=seed, points=25)
            scale = max(1.0, _numeric_zero(previous, seed=seed, points=25))
            if not (worst / scale <= NUMERIC_STEP_RTOL):
                raise ProofError(self._failure(self.result, expr, why,
                                               f"numeric check failed: worst difference {worst:.3e}"))
            how = "numeric"
        else:
            if not _zero(diff, hint):
                raise ProofError(self._failure(self.result, expr, why, "SymPy could not prove it"))
            how = "proved"
        self.steps.append((expr, why, how))
        _record(Report("derive", self.claim, True,
                       f"step {len(self.steps)} {'proved by SymPy' if how == 'proved' else 'checked numerically only'}"))
        return self

    def _failure(self, previous: Any, expr: Any, why: str, reason: str) -> str:
        title = f" ({self.title})" if self.title else ""
        claim = f" [{self.claim}]" if self.claim else ""
        return (
            f"derive{title}{claim}: step {len(self.steps) + 1} ({why}) failed: {reason}.\n"
            f"  previous: {previous}\n"
            f"  step:     {expr}\n"
            "Check the algebra; if the step is true but beyond SymPy, pass hint= or mark it numeric=True "
            "and say so in the text."
        )

    # -- display ---------------------------------------------------------------------------------------
    def _lines(self) -> list[str]:
        first = _latex(self.start) if self.lhs is None else f"{self.lhs} &= {_latex(self.start)}"
        lines = [first if self.lhs is not None else f"& {first}"]
        for expr, why, how in self.steps:
            label = r"\checkmark" if how == "proved" else r"\approx\ \text{numerically only}"
            lines.append(f"&= {_latex(expr)} && \\text{{{_escape_text(why)}}}\\ {label}")
        return lines

    def _repr_latex_(self) -> str:
        body = r" \\ ".join(self._lines())
        return f"$$\\begin{{aligned}} {body} \\end{{aligned}}$$"

    def __repr__(self) -> str:
        n = len(self.steps)
        proved = sum(1 for _, _, how in self.steps if how == "proved")
        numeric = n - proved
        name = f" {self.claim}" if self.claim else ""
        tail = f", {numeric} checked numerically only" if numeric else ""
        return f"<derivation{name}: {n} steps, {proved} proved by SymPy{tail}>"


def _escape_text(text: str) -> str:
    return (text.replace("\\", r"\backslash ").replace("{", r"\{").replace("}", r"\}")
            .replace("_", r"\_").replace("%", r"\%").replace("&", r"\&").replace("#", r"\#"))


def derive(start: Any, *steps: tuple[Any, str], title: str | None = None, claim: str | None = None,
           lhs: Any = None) -> Derivation:
    """Start a derivation at ``start`` and prove each ``(expression, justification)`` step.

    Parameters
    ----------
    start : sympy expression or Matrix
        The first line.
    *steps : (expr, why) pairs
        Steps to prove at once; more can be added with :meth:`Derivation.step`.
    title : str, optional
        Shown in error messages.
    claim : str, optional
        The claim id this derivation establishes.
    lhs : str or sympy expression, optional
        A left-hand side displayed as ``lhs = start = ...`` (not proved: it names what is being derived). A str is
        taken as LaTeX, e.g. ``r"\\frac{\\partial L}{\\partial W}"``.

    Returns
    -------
    Derivation

    Raises
    ------
    ProofError
        A step SymPy could not prove, with the step shown.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> d = derive((x + 1)**2, (x**2 + 2*x + 1, "expand the square"))
    >>> d
    <derivation: 1 steps, 1 proved by SymPy>
    >>> derive(x**2, (2*x, "wrong on purpose"))
    Traceback (most recent call last):
    ...
    mathdl.verify.ProofError: derive: step 1 (wrong on purpose) failed: SymPy could not prove it.
      previous: x**2
      step:     2*x
    Check the algebra; if the step is true but beyond SymPy, pass hint= or mark it numeric=True and say so in the text.
    """
    d = Derivation(start, title=title, claim=claim, lhs=lhs)
    for item in steps:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise TypeError(f"derive: each step must be a pair (expression, justification); got {item!r}.")
        d.step(*item)
    return d


# --------------------------------------------------------------------------------------------------- agree

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


def _rel_err(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    diff = float(np.max(np.abs(a - b), initial=0.0))
    if diff == 0.0:
        return 0.0
    if not math.isfinite(diff):
        return math.inf
    return diff / max(scale, np.finfo(float).tiny)


def _fmt_bound(worst: float, tol: float) -> str:
    return f"max relative error < {tol:.0e}: {worst < tol}"


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
        input (by position or by the object itself) to one of those gives each input its own domain.
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
    agree: 20 points, max relative error < 1e-10: True
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
                dom = domain.get(x, domain.get(position, (-2.0, 2.0)))
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
              rtol: float = GRADCHECK_RTOL, claim: str | None = None, check: bool = True) -> Report:
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
    gradcheck: 5 directions + full Jacobian, max relative error < 1e-06: True
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

    def difference(vs: list[np.ndarray]) -> np.ndarray:
        """Central difference (f(x + h v) - f(x - h v)) / 2h, the directional derivative J v."""
        step = step_size()

        def shifted(sign: float) -> np.ndarray:
            moved = list(xs)
            for i, v in zip(idx, vs):
                moved[i] = xs[i] + sign * step * v
            return np.asarray(f(*moved), dtype=float)

        return (shifted(1.0) - shifted(-1.0)) / (2 * step)

    def directional(u: np.ndarray, vs: list[np.ndarray]) -> float:
        return float(np.sum(u * difference(vs)))

    worst = 0.0
    for _ in range(directions):
        u = rng.standard_normal(y.shape)
        vs = [rng.standard_normal(xs[i].shape) for i in idx]
        analytic = sum(float(np.sum(g * v)) for g, v in zip(grads(u), vs))
        numeric = directional(u, vs)
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
        worst = max(worst, _rel_err(jac_fd, jac_vjp))
    passed = worst < rtol
    how = f"{directions} directions" + (" + full Jacobian" if do_full else "")
    report = _record(Report("gradcheck", _validate_claim(claim, "gradcheck"), passed,
                            f"{how}, {_fmt_bound(worst, rtol)}", worst))
    if check and not passed:
        raise GradcheckError(f"{report} (worst relative error {worst:.3e}). The VJP does not match the "
                             "function: re-derive it, or check that f is differentiable at this point.")
    return report

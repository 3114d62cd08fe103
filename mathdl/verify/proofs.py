"""``derive``: derivations whose every step SymPy proves (part of :mod:`mathdl.verify`)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from mathdl.verify.ledger import NUMERIC_STEP_RTOL, ProofError, Report, _record, _validate_claim


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
        method = "proved by SymPy" if how == "proved" else "checked numerically only"
        _record(Report("derive", self.claim, True, f"step {len(self.steps)} {method}"))
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



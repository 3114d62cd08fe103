"""``derive``: derivations whose every step SymPy proves on a declared domain (part of :mod:`mathdl.verify`).

Three safeguards make a ✓ mean what it says:

1. **No free callables.** A step SymPy needs help with names a rewrite from :data:`REWRITES` (``"expand_log"``,
   ``"together"``, ...), each equivalence-preserving on the domain and none with ``force=True``; the rewrite is
   shown beside the step.
2. **Requirements.** Every line is checked against the domain: each denominator nonzero, each logarithm's
   argument positive, each non-integer power's base nonnegative, each inverted matrix invertible, each kink
   avoided (:func:`mathdl.verify.domain.requirements`). A requirement the domain does not imply refuses the step
   and names the condition to add.
3. **An independent re-check.** Every proved step is evaluated with mpmath at 50 significant digits at random
   points of the domain, including points near its boundaries; a step SymPy "proved" that fails there is
   reported as an error in SymPy, the rewrite or the domain.
"""
from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from mathdl.verify.domain import Domain, _escape, instantiate, requirements
from mathdl.verify.ledger import ProofError, _record_derivation, _validate_claim

#: Digits of the independent re-check of every step.
RECHECK_DIGITS = 50
#: Random points of the domain at which each step is re-checked (half of them near the domain's boundaries).
RECHECK_POINTS = 6
#: Points for a step that is only checked numerically.
NUMERIC_POINTS = 24
#: A re-checked difference must be below this, relative to max(1, |line|), at 50 digits.
RECHECK_RTOL = sp.Float("1e-30")


def _rewrite_exp(e: Any) -> Any:
    return e.rewrite(sp.exp)


def _rewrite_erf(e: Any) -> Any:
    """erfc, erfi, ... written with erf (erfc z = 1 − erf z)."""
    return sp.expand(e.rewrite(sp.erf))


def _expand_trig(e: Any) -> Any:
    return sp.expand(sp.expand_trig(e))


def _expand_log(e: Any) -> Any:
    return sp.expand(sp.expand_log(e))


def _logcombine(e: Any) -> Any:
    return sp.expand(sp.logcombine(e))


def _doit(e: Any) -> Any:
    return e.doit()


def _linearity_of_sums(e: Any) -> Any:
    """Linearity of finite sums: ``Sum(a_i + c b_i + k) = Sum(a_i) + c Sum(b_i) + n k`` (logs expanded only where
    the symbols' assumptions allow it: no ``force``)."""

    def linear(s: sp.Sum) -> Any:
        indices = [limit[0] for limit in s.limits]
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(s.function)):
            const, rest = term.as_independent(*indices, as_Add=False)
            out += const * sp.Sum(rest, *s.limits).doit()
        return out

    return sp.expand(sp.expand(sp.expand_log(e)).replace(lambda n: isinstance(n, sp.Sum), linear))


#: The named, equivalence-preserving rewrites a step may use (none with ``force=True``).
REWRITES: dict[str, Any] = {
    "expand": sp.expand,
    "factor": lambda e: sp.factor(e, deep=True),
    "cancel": sp.cancel,
    "together": sp.together,
    "simplify": sp.simplify,
    "trigsimp": sp.trigsimp,
    "expand_trig": _expand_trig,
    "expand_log": _expand_log,
    "logcombine": _logcombine,
    "powsimp": sp.powsimp,
    "powdenest": sp.powdenest,
    "rewrite_exp": _rewrite_exp,
    "rewrite_erf": _rewrite_erf,
    "doit": _doit,
    "linearity_of_sums": _linearity_of_sums,
}


def _is_matrix(expr: Any) -> bool:
    return isinstance(expr, (sp.MatrixBase, sp.MatrixExpr))


def _evaluated(expr: Any) -> Any:
    """Carry out unevaluated derivatives/integrals/sums (kept unevaluated only for display)."""
    if isinstance(expr, sp.Derivative):
        return sp.diff(expr.expr, *expr.variable_count)
    if isinstance(expr, sp.Trace) and not expr.atoms(sp.MatrixSymbol):  # explicit matrix: evaluate
        return expr.doit()
    if isinstance(expr, sp.Basic) and expr.has(sp.Derivative, sp.Integral, sp.Sum, sp.Product, sp.Subs, sp.Limit):
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


def _zero(diff: Any, rewrite: Any | None) -> bool:
    """True only if SymPy *proves* ``diff == 0`` (never by numeric sampling)."""
    if isinstance(diff, sp.MatrixBase):
        return all(_zero(entry, rewrite) for entry in diff)
    if isinstance(diff, sp.MatrixExpr):  # symbolic matrices of any shape (MatrixSymbol algebra)
        for attempt in (lambda e: e, sp.expand, sp.simplify, lambda e: sp.simplify(sp.expand(e.doit()))):
            reduced = attempt(rewrite(diff) if rewrite is not None else diff)
            if reduced == 0 or isinstance(reduced, sp.ZeroMatrix):
                return True
        return False
    diff = sp.sympify(diff)
    if diff.has(sp.Integral, sp.Derivative, sp.Sum, sp.Product):
        diff = diff.doit()
    if rewrite is not None:
        diff = rewrite(diff)
    if diff == 0:
        return True
    attempts = (
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


def _latex(expr: Any) -> str:
    return sp.latex(expr)


def _magnitude(value: Any) -> float:
    """|value| at high precision (max over a matrix); inf for anything not a finite number."""
    if isinstance(value, sp.MatrixBase):
        return max((_magnitude(v) for v in value), default=0.0)
    try:
        number = sp.N(value, RECHECK_DIGITS)
        if number.free_symbols or number.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return float("inf")
        return float(abs(complex(number)))
    except (TypeError, ValueError):
        return float("inf")


def _difference(a: Any, b: Any) -> tuple[float, float]:
    """(|a - b|, max(1, |a|, |b|)) evaluated at 50 digits; (inf, 1) if either is not a finite number."""
    with mpmath.workdps(RECHECK_DIGITS + 10):
        ma, mb = _magnitude(a), _magnitude(b)
        if not (np.isfinite(ma) and np.isfinite(mb)):
            return float("inf"), 1.0
        a, b = _comparable(a), _comparable(b)
        if isinstance(a, sp.MatrixBase) != isinstance(b, sp.MatrixBase):
            if (isinstance(a, sp.MatrixBase) and b == 0) or (isinstance(b, sp.MatrixBase) and a == 0):
                return max(ma, mb), max(1.0, ma, mb)
            return float("inf"), 1.0
        return _magnitude(a - b), max(1.0, ma, mb)


def _comparable(v: Any) -> Any:
    """A 1x1 matrix compares as its entry; a matrix expression as an explicit matrix."""
    if isinstance(v, sp.MatrixExpr):
        v = v.as_explicit()
    if isinstance(v, sp.MatrixBase) and v.shape == (1, 1):
        return v[0, 0]
    return v


class Derivation:
    """A chain of expressions on a declared domain, each proved equal to the one before it.

    Build one with :func:`derive`, extend it with :meth:`step`; every step is proved the moment it is added, its
    requirements are checked against the domain, and it is re-checked at 50 digits at random points of the
    domain. In a notebook the derivation displays as an aligned block, one line per step with its justification
    and kind (✓ proved, ≈ checked numerically), the domain underneath, and an anchor the claim ledger links to.

    Attributes
    ----------
    result : sympy expression
        The last expression of the chain: what the derivation established equals the first one.
    steps : list of (expr, why, how)
        ``how`` is ``"proved"`` (by SymPy) or ``"numeric"`` (checked at random points only).
    domain : Domain
        Extra conditions; symbol assumptions are read from the symbols themselves.
    instance : str or None
        For a derivation proved for a stated instance only ("k = 3"): the instance.
    """

    _counter: dict[str, int] = {}

    def __init__(self, start: Any, *, title: str | None = None, claim: str | None = None, lhs: Any = None,
                 domain: Any = (), instance: str | None = None, seed: int = 0):
        self.start = _as_sympy(start, "derive")
        self.domain = domain if isinstance(domain, Domain) else Domain(domain)
        self.title = title
        self.claim = _validate_claim(claim, "derive")
        if instance is not None and (not isinstance(instance, str) or not instance.strip()):
            raise ValueError(f"derive: instance must be a non-empty description such as 'k = 3'; got {instance!r}.")
        self.instance = instance
        self.seed = seed
        self.steps: list[tuple[Any, str, str]] = []
        self.rewrites: list[str | None] = []
        self.worst = 0.0
        self.points = 0
        self._check_requirements(self.start, "the first line")
        self.lhs_kind = None
        self.lhs = None
        if lhs is not None:
            if isinstance(lhs, str):
                self.lhs, self.lhs_kind = lhs, "definition"
            else:
                lhs = _as_sympy(lhs, "derive(lhs=)")
                self._check_requirements(lhs, "the left-hand side")
                if _is_matrix(lhs) != _is_matrix(self.start):
                    raise ProofError(self._failure(lhs, self.start, "left-hand side", "the left-hand side and the "
                                                   "first line differ in shape (pass a string to present the "
                                                   "left-hand side as a name, ≔)"))
                if not _zero(_evaluated(lhs) - _evaluated(self.start), None):
                    raise ProofError(self._failure(lhs, self.start, "left-hand side",
                                                   "SymPy could not prove the left-hand side equal to the first line"
                                                   " (pass a string to present it as a definition, ≔)"))
                self._recheck(lhs, self.start, "left-hand side")
                self.lhs, self.lhs_kind = _latex(lhs), "proved"
        key = self.claim or "unnamed"
        Derivation._counter[key] = Derivation._counter.get(key, 0) + 1
        self.anchor = f"derivation-{key.replace('.', '-')}-{Derivation._counter[key]}"
        _record_derivation(self)

    @property
    def result(self) -> Any:
        return self.steps[-1][0] if self.steps else self.start

    @property
    def kind(self) -> str:
        """``proved`` (in general), ``instance`` (proved for a stated instance) or ``numeric``."""
        if any(how == "numeric" for _, _, how in self.steps):
            return "numeric"
        return "instance" if self.instance else "proved"

    def _check_requirements(self, expr: Any, where: str) -> None:
        for kind, e, why in requirements(expr):
            if kind == "nonzero" and isinstance(e, sp.Basic) and e.is_number and e.is_zero:
                raise ProofError(f"derive{self._where()}: {where} is evaluated exactly where it is undefined: {why} "
                                 "is 0 there. No domain can fix that: state the result off that point (one-sided "
                                 "limits, a subgradient) instead.")
            if not self.domain.implies(kind, e):
                words = {"nonzero": "≠ 0", "positive": "> 0", "nonnegative": "≥ 0", "invertible": "invertible"}
                add = {"nonzero": f"sympy.Ne({e}, 0)", "positive": f"{e} > 0", "nonnegative": f"{e} >= 0",
                       "invertible": f"sympy.Q.invertible({e})"}[kind]
                raise ProofError(
                    f"derive{self._where()}: {where} needs {e} {words[kind]} ({why}), which the domain does not "
                    f"imply. Add the condition to the domain (domain=[..., {add}]) or give the symbols assumptions "
                    "that imply it -- and say so in the text.")

    def _where(self) -> str:
        title = f" ({self.title})" if self.title else ""
        claim = f" [{self.claim}]" if self.claim else ""
        return title + claim

    def _recheck(self, previous: Any, expr: Any, why: str, points: int = RECHECK_POINTS) -> float:
        """Evaluate previous - expr at 50 digits at random points of the domain; return the worst relative gap."""
        rng = np.random.default_rng([self.seed, len(self.steps), 7])
        a, b = _evaluated(previous), _evaluated(expr)
        worst = 0.0
        for k in range(points):
            inst = instantiate([a, b], self.domain, rng, near=k % 2 == 1)
            if inst is None:
                raise ProofError(self._failure(previous, expr, why, "no random point satisfying the domain's "
                                               "conditions was found for the independent re-check; state the "
                                               "domain with symbol assumptions a sampler can honour"))
            gap, scale = _difference(*inst)
            if not np.isfinite(gap):
                raise ProofError(self._failure(previous, expr, why, "a line is not a finite number at a random "
                                               f"point of the domain ({inst[0]} vs {inst[1]}); the domain is "
                                               "larger than where the lines are defined"))
            worst = max(worst, gap / scale)
        return worst

    def step(self, expr: Any, why: str, *, rewrite: str | None = None, numeric: bool = False,
             hint: Any = None, **kwargs: Any) -> "Derivation":
        """Add ``expr`` as the next line, proving it equals the current result on the domain.

        Parameters
        ----------
        expr : sympy expression or Matrix
            The next line of the derivation.
        why : str
            The justification shown beside it ("chain rule", "σ' = σ(1 − σ)"); plain Unicode text.
        rewrite : str, optional
            A named rewrite from :data:`REWRITES` applied to ``previous - expr`` before the standard
            simplifications, for steps SymPy proves only with a nudge; it is shown beside the justification.
        numeric : bool
            Mark the step as *checked numerically only*: it is evaluated at 50 digits at random points of the
            domain instead of proved, and rendered with that label. Use it only when SymPy cannot prove the step,
            and say why in the text.

        Returns
        -------
        Derivation
            ``self``, so steps chain: ``derive(a).step(b, "..").step(c, "..")``.

        Raises
        ------
        ProofError
            SymPy could not prove the step; a line needs a condition the domain does not give; the independent
            re-check found a difference; or (``numeric=True``) the step failed at a random point.
        TypeError
            ``hint=`` (free callables are refused) or an unknown keyword such as ``force``.
        """
        if hint is not None:
            raise TypeError("Derivation.step: hint= is refused -- a free callable can return 0 for anything and is "
                            "shown nowhere. Name a rewrite instead: rewrite='" + "' | '".join(REWRITES) + "'.")
        if kwargs:
            bad = ", ".join(sorted(kwargs))
            why_force = (" force=True rewrites ignore the assumptions that make them valid (log(xy) = log x + log y"
                         " is false for x, y < 0)." if "force" in kwargs else "")
            raise TypeError(f"Derivation.step: unexpected keyword(s) {bad}.{why_force}")
        if rewrite is not None and rewrite not in REWRITES:
            raise ValueError(f"Derivation.step: rewrite must be one of {', '.join(REWRITES)}; got {rewrite!r}.")
        expr = _as_sympy(expr, "Derivation.step")
        if not isinstance(why, str) or not why.strip():
            raise ValueError("Derivation.step: why must be a non-empty justification string; "
                             f"got {why!r}.")
        if expr == self.result:
            raise ProofError(self._failure(self.result, expr, why, "the step repeats the previous line verbatim; it "
                                           "proves nothing (a tautology): drop it or state what it shows"))
        self._check_requirements(expr, f"step {len(self.steps) + 1}")
        previous = _evaluated(self.result)
        if _is_matrix(previous) != _is_matrix(expr) or (_is_matrix(expr) and previous.shape != expr.shape):
            raise ProofError(self._failure(self.result, expr, why, "the two sides have different shapes"))
        if numeric:
            worst = self._recheck(self.result, expr, why, points=NUMERIC_POINTS)
            if not worst <= float(RECHECK_RTOL):
                raise ProofError(self._failure(self.result, expr, why,
                                               f"numeric check failed: worst relative difference {worst:.3e}"))
            how = "numeric"
            self.points += NUMERIC_POINTS
        else:
            diff = previous - _evaluated(expr)
            if not _zero(diff, REWRITES[rewrite] if rewrite else None):
                raise ProofError(self._failure(self.result, expr, why, "SymPy could not prove it"))
            worst = self._recheck(self.result, expr, why)
            if not worst <= float(RECHECK_RTOL):
                raise ProofError(self._failure(
                    self.result, expr, why,
                    f"SymPy proved it, but the independent 50-digit re-check found a relative difference of "
                    f"{worst:.3e} at a point of the domain -- an error in SymPy, the rewrite or the domain"))
            how = "proved"
            self.points += RECHECK_POINTS
        self.worst = max(self.worst, worst)
        self.steps.append((expr, why, how))
        self.rewrites.append(rewrite)
        return self

    def _failure(self, previous: Any, expr: Any, why: str, reason: str) -> str:
        return (
            f"derive{self._where()}: step {len(self.steps) + 1} ({why}) failed: {reason}.\n"
            f"  previous: {previous}\n"
            f"  step:     {expr}\n"
            "Check the algebra and the domain; if the step is true but beyond SymPy, name a rewrite (rewrite=...) "
            "or mark it numeric=True and say so in the text."
        )

    # -- display ---------------------------------------------------------------------------------------
    def domain_parts(self, split: bool = False) -> list[str]:
        """The domain as LaTeX pieces (each free symbol group's set, each extra condition; with ``split``, the
        symbols of a group one by one)."""
        symbols: set[Any] = set()
        for e in [self.start, *(s for s, _, _ in self.steps)]:
            if isinstance(e, (sp.Basic, sp.MatrixBase)):
                symbols |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
                if isinstance(e, sp.Basic):
                    symbols |= e.atoms(sp.MatrixSymbol)
        return self.domain.describe(symbols, split=split)

    def domain_latex(self) -> str:
        """The domain as one LaTeX string: every free symbol's set and every extra condition."""
        parts = self.domain_parts()
        return ",\\ ".join(parts) if parts else r"\text{no free symbols}"

    def kind_text(self) -> str:
        n = len(self.steps)
        numeric = sum(1 for _, _, how in self.steps if how == "numeric")
        if numeric:
            return f"{n - numeric} of {n} steps proved by SymPy, {numeric} checked numerically only"
        if self.instance:
            return f"proved by SymPy for the instance {self.instance} (not in general)"
        return f"every step proved by SymPy, re-checked at {RECHECK_DIGITS} digits at {self.points} random points"

    def _lines(self) -> list[str]:
        if self.lhs is None:
            lines = [f"& {_latex(self.start)}"]
        elif self.lhs_kind == "definition":
            lines = [f"{self.lhs} &\\mathrel{{:=}} {_latex(self.start)} && \\text{{definition}}"]
        else:
            lines = [f"{self.lhs} &= {_latex(self.start)} && \\checkmark"]
        for (expr, why, how), rewrite in zip(self.steps, self.rewrites):
            label = r"\checkmark" if how == "proved" else r"\approx\ \text{numerically}"
            used = f" [{rewrite.replace('_', ' ')}]" if rewrite else ""
            lines.append(f"&= {_latex(expr)} && \\text{{{_escape(why + used)}}}\\ {label}")
        return lines

    def _repr_latex_(self) -> str:
        body = r" \\ ".join(self._lines())
        return (f"$$\\begin{{aligned}} {body} \\end{{aligned}}$$"
                f"\n\n$\\text{{for }} {self.domain_latex()}$ — {self.kind_text()}")

    def _rows(self) -> list[tuple[str, str, str, str]]:
        """(LaTeX of the line, justification text, mark, mark's meaning) per displayed line."""
        rows = []
        if self.lhs is None:
            rows.append((_latex(self.start), "", "", ""))
        elif self.lhs_kind == "definition":
            rows.append((f"{self.lhs} \\mathrel{{:=}} {_latex(self.start)}", "definition", "≔",
                         "a definition: nothing to prove"))
        else:
            rows.append((f"{self.lhs} = {_latex(self.start)}", "", "✓", "proved by SymPy"))
        for (expr, why, how), rewrite in zip(self.steps, self.rewrites):
            text = why + (f" [{rewrite.replace('_', ' ')}]" if rewrite else "")
            if how == "proved":
                rows.append((f"= {_latex(expr)}", text, "✓", "proved by SymPy on the domain below"))
            else:
                rows.append((f"= {_latex(expr)}", text, "≈", "checked numerically only, not proved"))
        return rows

    def _repr_html_(self) -> str:
        """A derivation a reader can follow at any width: one step per row, the expression in its own scrollable
        box, the justification beside it (under it on a narrow screen), the mark always visible."""
        rows = []
        for latex, why, mark, meaning in self._rows():
            said = html.escape(meaning)
            mark_html = (f'<span class="mathdl-mark" title="{said}" aria-label="{said}">{mark}</span>' if mark
                         else '<span class="mathdl-mark"></span>')
            rows.append(f'<div class="mathdl-step"><div class="mathdl-expr">\\(\\displaystyle '
                        f'{html.escape(latex, quote=False)}\\)</div>'
                        f'<div class="mathdl-why">{html.escape(why)}</div>{mark_html}</div>')
        claim = f'<code class="mathdl-claim">{self.claim}</code> · ' if self.claim else ""
        # one inline formula per condition, so a long domain wraps between conditions on a narrow screen
        domain = ", ".join(f"\\({html.escape(part, quote=False)}\\)" for part in self.domain_parts(split=True)) \
            or "no free symbols"
        return (f'{_STYLE}<div class="mathdl-derivation mathdl-{self.kind} tex2jax_process mathjax_process" '
                f'id="{self.anchor}"><div class="mathdl-rows">{"".join(rows)}</div>'
                f'<p class="mathdl-domain">{claim}for {domain} — '
                f'{html.escape(self.kind_text())}</p></div>')

    def __repr__(self) -> str:
        n = len(self.steps)
        proved = sum(1 for _, _, how in self.steps if how == "proved")
        numeric = n - proved
        name = f" {self.claim}" if self.claim else ""
        tail = f", {numeric} checked numerically only" if numeric else ""
        inst = f" for the instance {self.instance}" if self.instance else ""
        return f"<derivation{name}: {n} step{'' if n == 1 else 's'}, {proved} proved by SymPy{inst}{tail}>"


#: The derivation display's layout, carried by every derivation so it reads the same in Jupyter and in the book.
_STYLE = (
    "<style>"
    ".mathdl-derivation{margin:0.6em 0;max-width:100%}"
    ".mathdl-step{display:grid;grid-template-columns:minmax(0,1fr) 11em 1.6em;grid-template-areas:'expr why mark';"
    "column-gap:0.8em;align-items:center;margin:0.1em 0}"
    ".mathdl-expr{grid-area:expr;overflow-x:auto;overflow-y:hidden;min-width:0;padding:0.1em 0}"
    ".mathdl-why{grid-area:why;font-size:0.9em;opacity:0.85}"
    ".mathdl-mark{grid-area:mark;font-weight:bold;text-align:center}"
    ".mathdl-proved .mathdl-mark,.mathdl-instance .mathdl-mark{color:#2e7d32}"
    ".mathdl-numeric .mathdl-mark{color:#b26a00}"
    ".mathdl-domain{font-size:0.88em;margin:0.3em 0 0 0;opacity:0.9}"
    "@media (max-width:720px){.mathdl-step{grid-template-columns:minmax(0,1fr) 1.6em;"
    "grid-template-areas:'expr mark' 'why why'}.mathdl-why{padding-left:1.5em}}"
    "</style>"
)


def derive(start: Any, *steps: tuple[Any, ...], title: str | None = None, claim: str | None = None,
           lhs: Any = None, domain: Iterable[Any] | Domain = (), instance: str | None = None,
           seed: int = 0) -> Derivation:
    """Start a derivation at ``start`` and prove each ``(expression, justification[, rewrite])`` step.

    Parameters
    ----------
    start : sympy expression or Matrix
        The first line.
    *steps : (expr, why) or (expr, why, rewrite) tuples
        Steps to prove at once; more can be added with :meth:`Derivation.step`.
    title : str, optional
        Shown in error messages.
    claim : str, optional
        The claim id this derivation establishes.
    lhs : str or sympy expression, optional
        A sympy expression is *proved* equal to ``start`` and shown as ``lhs = start``. A str is LaTeX for a name
        and is shown as a definition, ``lhs ≔ start`` (nothing to prove).
    domain : iterable or Domain
        Conditions beyond the symbols' assumptions (see :class:`mathdl.verify.Domain`): ``[x < 1,
        sympy.Ne(y, 0), sympy.Q.invertible(A), ("p on the simplex", p1 + p2 < 1)]``. Shown under the derivation.
    instance : str, optional
        The derivation proves a stated instance only ("k = 3", "n = 4"); shown, and recorded as such.
    seed : int
        Seed of the random points of the re-check.

    Returns
    -------
    Derivation

    Raises
    ------
    ProofError
        A step SymPy could not prove, a requirement the domain does not give, or a failed re-check.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> derive((x + 1)**2, (x**2 + 2*x + 1, "expand the square"))
    <derivation: 1 step, 1 proved by SymPy>
    >>> derive((x**2 - 1) / (x - 1), (x + 1, "cancel x - 1"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathdl.verify.ProofError: derive: the first line needs x - 1 ≠ 0 (a denominator), which the domain does not ...
    >>> derive((x**2 - 1) / (x - 1), (x + 1, "cancel x - 1"), domain=[sp.Ne(x, 1)])
    <derivation: 1 step, 1 proved by SymPy>
    """
    d = Derivation(start, title=title, claim=claim, lhs=lhs, domain=domain, instance=instance, seed=seed)
    for item in steps:
        if not (isinstance(item, tuple) and len(item) in (2, 3)):
            raise TypeError("derive: each step must be a pair (expression, justification) or a triple "
                            f"(expression, justification, rewrite name); got {item!r}.")
        if len(item) == 3:
            d.step(item[0], item[1], rewrite=item[2])
        else:
            d.step(*item)
    return d

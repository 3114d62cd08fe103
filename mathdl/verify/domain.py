"""Domains of derivations: what is assumed, what a step needs, and where to sample (part of :mod:`mathdl.verify`).

A derivation holds on a **domain**: the assumptions carried by its symbols (``Symbol("x", positive=True)``) and
extra conditions (``x < 1``, ``Ne(x, 1)``, ``Q.invertible(A)``, ``("p on the simplex", p1 + p2 < 1)``).
:class:`Domain` does three things with them:

* it **renders** them, so a reader sees "for x > 0, x ≠ 1" next to the derivation;
* it decides whether a line's **requirements** are implied -- every denominator nonzero, every logarithm's argument
  positive, every non-integer power's base nonnegative, every matrix inverted declared invertible, every kink
  (Heaviside, sign, the derivative of Abs/Max/Min/Piecewise) avoided. A requirement the domain does not imply is
  refused by :func:`mathdl.verify.derive`, naming the condition to add;
* it **samples** points of the domain (including points near its boundaries) for the independent high-precision
  re-check of every step.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["Domain", "requirements"]


def _is_matrix(expr: Any) -> bool:
    return isinstance(expr, (sp.MatrixBase, sp.MatrixExpr))


class Domain:
    """Symbol assumptions plus extra conditions, rendered, checked and sampled.

    Parameters
    ----------
    conditions : iterable
        Each item is a SymPy relational (``x < 1``, ``sympy.Ne(x, 1)``, ``a + b < 1``), a SymPy assumption
        predicate on a matrix (``sympy.Q.invertible(A)``, ``sympy.Q.positive_definite(A)``,
        ``sympy.Q.symmetric(A)``, ``sympy.Q.orthogonal(A)``), or a pair ``(text, condition)`` whose text
        is shown instead of the condition's LaTeX (``("p on the simplex", p1 + p2 < 1)``); the condition of
        a pair may itself be a list.

    Raises
    ------
    TypeError
        An item that is none of these.
    """

    _PREDICATES = {"invertible", "positive_definite", "symmetric", "orthogonal"}

    def __init__(self, conditions: Iterable[Any] = ()):
        if isinstance(conditions, Domain):
            conditions = conditions.items
        if isinstance(conditions, (sp.Basic, tuple)) and not isinstance(conditions, list):
            conditions = [conditions] if not (isinstance(conditions, tuple) and len(conditions) == 2
                                              and isinstance(conditions[0], str)) else [conditions]
        self.items: list[tuple[str | None, list[Any]]] = []
        self.relations: list[sp.Rel] = []
        self.predicates: list[Any] = []
        for item in conditions:
            text, conds = (item if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                           else (None, item))
            conds = list(conds) if isinstance(conds, (list, tuple)) else [conds]
            for c in conds:
                self._add(c)
            self.items.append((text, conds))
        self.positives: list[sp.Expr] = []
        self.nonnegatives: list[sp.Expr] = []
        self.nonzeros: list[sp.Expr] = []
        for r in self.relations:
            gap = sp.expand(r.lhs - r.rhs)
            if isinstance(r, sp.StrictGreaterThan):
                self.positives.append(gap)
            elif isinstance(r, sp.StrictLessThan):
                self.positives.append(-gap)
            elif isinstance(r, sp.GreaterThan):
                self.nonnegatives.append(gap)
            elif isinstance(r, sp.LessThan):
                self.nonnegatives.append(-gap)
            elif isinstance(r, sp.Unequality):
                self.nonzeros.append(gap)

    def _add(self, c: Any) -> None:
        if isinstance(c, bool) or c is sp.true:
            raise TypeError(f"Domain: the condition evaluated to {c!r} before the domain saw it; write it so that "
                            "it keeps its symbols (sympy.Ne(x, 1), x < 1).")
        if isinstance(c, (sp.StrictGreaterThan, sp.StrictLessThan, sp.GreaterThan, sp.LessThan, sp.Unequality)):
            self.relations.append(c)
        elif isinstance(c, sp.assumptions.assume.AppliedPredicate) and c.function.name in self._PREDICATES:
            self.predicates.append(c)
        else:
            raise TypeError(
                f"Domain: a condition must be a strict or non-strict inequality, sympy.Ne(a, b), or one of "
                f"Q.{', Q.'.join(sorted(self._PREDICATES))} applied to a matrix; got {c!r} "
                f"({type(c).__name__}). Equalities are definitions: substitute them instead.")

    # -- what the domain implies -----------------------------------------------------------------------
    def _assumed(self) -> Any:
        return sp.And(*self.predicates) if self.predicates else True

    def implies(self, kind: str, e: Any) -> bool:
        """Whether the domain implies ``e > 0`` (``positive``), ``e >= 0``, ``e != 0`` or ``e`` invertible."""
        if kind == "invertible":
            if e in [p.arguments[0] for p in self.predicates if p.function.name in ("invertible", "orthogonal",
                                                                                       "positive_definite")]:
                return True
            try:
                return bool(sp.ask(sp.Q.invertible(e), self._assumed()))
            except Exception:  # pragma: no cover - SymPy's ask gaps
                return False
        e = sp.sympify(e)
        if kind == "positive":
            return self._positive(e)
        if kind == "nonnegative":
            return self._nonnegative(e)
        if kind == "nonzero":
            return self._nonzero(e)
        raise ValueError(f"Domain.implies: unknown kind {kind!r}")

    def _positive(self, e: sp.Expr, depth: int = 0) -> bool:
        if e.is_positive:
            return True
        if e.is_positive is False or depth > 6:
            return False
        ex = sp.expand(e)
        for s in self.positives:
            if any(sp.expand(ex - c * s).is_nonnegative for c in _multipliers(ex, s)):
                return True
        for s in self.nonnegatives:
            if any(sp.expand(ex - c * s).is_positive for c in _multipliers(ex, s)):
                return True
        if isinstance(e, sp.Mul):
            return all(self._positive(f, depth + 1) for f in e.args)
        if isinstance(e, sp.Add):
            return (all(self._nonnegative(t, depth + 1) for t in e.args)
                    and any(self._positive(t, depth + 1) for t in e.args))
        if isinstance(e, sp.Pow):
            if e.exp.is_real and self._positive(e.base, depth + 1):
                return True
            if e.exp.is_even and self._nonzero(e.base, depth + 1):
                return True
        if isinstance(e, sp.exp):
            return bool(e.args[0].is_real)
        return False

    def _nonnegative(self, e: sp.Expr, depth: int = 0) -> bool:
        if e.is_nonnegative:
            return True
        if depth > 6:
            return False
        if self._positive(e, depth):
            return True
        ex = sp.expand(e)
        if any(sp.expand(ex - s).is_nonnegative for s in self.nonnegatives):
            return True
        if isinstance(e, sp.Mul):
            return all(self._nonnegative(f, depth + 1) for f in e.args)
        if isinstance(e, sp.Add):
            return all(self._nonnegative(t, depth + 1) for t in e.args)
        if isinstance(e, sp.Pow):
            return bool(e.exp.is_even) or (bool(e.exp.is_real) and self._nonnegative(e.base, depth + 1))
        return False

    def _nonzero(self, e: sp.Expr, depth: int = 0) -> bool:
        if e.is_zero is False:
            return True
        if e.is_zero or depth > 6:
            return False
        if self._positive(e, depth) or self._positive(-e, depth):
            return True
        ex = sp.expand(e)
        if any(sp.expand(ex - s) == 0 or sp.expand(ex + s) == 0 for s in self.nonzeros):
            return True
        if isinstance(e, sp.Mul):
            return all(self._nonzero(f, depth + 1) for f in e.args)
        if isinstance(e, sp.Pow):
            return bool(e.exp.is_real) and self._nonzero(e.base, depth + 1)
        if isinstance(e, sp.Abs):
            return self._nonzero(e.args[0], depth + 1)
        if isinstance(e, sp.exp):
            return bool(e.args[0].is_finite)
        return False

    # -- display ---------------------------------------------------------------------------------------
    def describe(self, symbols: Iterable[Any], split: bool = False) -> list[str]:
        """LaTeX pieces, one per assumption or condition: ``x > 0``, ``n \\in \\mathbb{Z}_{\\ge 1}``, ...

        With ``split``, a group of symbols sharing a set is given name by name (``w_{11}``, ``w_{12}``, ...,
        ``w_{34} \\in \\mathbb{R}``), so a page can typeset each piece on its own and wrap between them.
        """
        parts: list[str] = []
        groups: dict[str, list[str]] = {}
        for s in sorted(symbols, key=lambda s: sp.latex(s)):
            groups.setdefault(_assumption_text(s), []).append(sp.latex(s))
        for text, names in groups.items():
            if text and split:
                parts.extend(names[:-1])
                parts.append(text.replace("{}", names[-1]))
            elif text:
                parts.append(text.replace("{}", ", ".join(names)))
        for text, conds in self.items:
            if text is not None:
                parts.append(r"\text{" + _escape(text) + "}")
                continue
            for c in conds:
                if isinstance(c, sp.assumptions.assume.AppliedPredicate):
                    name = c.function.name.replace("_", " ")
                    parts.append(sp.latex(c.arguments[0]) + r"\ \text{" + name + "}")
                else:
                    parts.append(sp.latex(c))
        return parts

    # -- sampling --------------------------------------------------------------------------------------
    def holds(self, values: dict) -> bool:
        """Whether the relational conditions hold at ``values`` (a substitution dict)."""
        known = {k for k in values if isinstance(k, sp.Basic)}
        for r in self.relations:
            if not r.free_symbols <= known:
                continue  # a condition on symbols these lines do not contain constrains nothing here
            v = r.xreplace(values)
            if v not in (sp.true, True):
                if v in (sp.false, False):
                    return False
                try:
                    if not bool(v.doit()):
                        return False
                except TypeError:
                    return False
        return True


def _multipliers(e: sp.Expr, s: sp.Expr) -> list[sp.Expr]:
    """Positive numbers c to try in ``e = c s + rest``: 1, and the ratio of e's to s's coefficient of each symbol
    (so 3 - 2ε > 0 follows from 1 - ε > 0 with c = 2 and rest = 1)."""
    out = [sp.Integer(1)]
    for v in s.free_symbols:
        a, b = e.coeff(v), s.coeff(v)
        if b != 0 and a != 0:
            c = sp.simplify(a / b)
            if c.is_number and c.is_positive and c not in out:
                out.append(c)
    return out


def _escape(text: str) -> str:
    """Plain text for ``\\text{...}``: MathJax shows text-mode characters literally, so no TeX escapes (which
    would print as backslashes); only characters that would end the group, split a column or start a comment
    are replaced."""
    return (text.replace("\\", "∖").replace("{", "(").replace("}", ")").replace("&", "and")
            .replace("%", " per cent").replace("#", "no. "))


def _assumption_text(s: Any) -> str:
    """The set a symbol ranges over, as LaTeX with ``{}`` for its name."""
    if isinstance(s, sp.MatrixSymbol):
        return r"{} \in \mathbb{R}^{" + sp.latex(s.shape[0]) + r"\times " + sp.latex(s.shape[1]) + "}"
    if s.is_integer:
        if s.is_positive:
            return r"{} \in \mathbb{Z}_{\ge 1}"
        if s.is_nonnegative:
            return r"{} \in \mathbb{Z}_{\ge 0}"
        return r"{} \in \mathbb{Z}"
    if s.is_positive:
        return "{} > 0"
    if s.is_negative:
        return "{} < 0"
    if s.is_nonnegative:
        return r"{} \ge 0"
    if s.is_real and s.is_nonzero:
        return r"{} \in \mathbb{R} \setminus \{0\}"
    if s.is_real:
        return r"{} \in \mathbb{R}"
    return r"{} \in \mathbb{C}"


# ----------------------------------------------------------------------------------------------- requirements

_KINKS = (sp.Heaviside, sp.sign, sp.DiracDelta)
_NONSMOOTH = (sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign)


def requirements(expr: Any) -> list[tuple[str, Any, str]]:
    """What ``expr`` needs to be defined: ``(kind, expression, why)`` triples.

    ``kind`` is ``nonzero`` (a denominator, a kink's argument), ``positive`` (a logarithm's argument),
    ``nonnegative`` (the base of a non-integer power) or ``invertible`` (a matrix inverted).
    """
    out: list[tuple[str, Any, str]] = []
    _collect(expr, out)
    unique: list[tuple[str, Any, str]] = []
    for r in out:
        if not any(r[0] == u[0] and r[1] == u[1] for u in unique):
            unique.append(r)
    return unique


def _collect(e: Any, out: list) -> None:
    if isinstance(e, sp.MatrixBase):
        for entry in e:
            _collect(entry, out)
        return
    if not isinstance(e, sp.Basic):
        return
    if isinstance(e, sp.Subs):
        inner: list = []
        _collect(e.expr.doit() if e.expr.has(sp.Derivative) else e.expr, inner)
        _nonsmooth_under_derivative(e.expr, inner)
        mapping = dict(zip(e.variables, e.point))
        for kind, x, why in inner:
            at = x.xreplace(mapping) if isinstance(x, sp.Basic) else x
            out.append((kind, at, why + " (at the point substituted)"))
        for p in e.point:
            _collect(p, out)
        return
    if isinstance(e, (sp.Integral, sp.Sum, sp.Product, sp.Limit)):
        # the integrand is needed only where the bound variables range: keep requirements free of them
        if isinstance(e, sp.Limit):
            inner = []
            _collect(e.args[0], inner)
            out.extend(r for r in inner if not (isinstance(r[1], sp.Basic) and e.args[1] in r[1].free_symbols))
            _collect(e.args[2], out)
            return
        bound = set(e.variables)
        inner = []
        _collect(e.function, inner)
        out.extend(r for r in inner if not (isinstance(r[1], sp.Basic) and r[1].free_symbols & bound))
        for lim in e.limits:
            for b in lim[1:]:
                _collect(b, out)
        return
    if isinstance(e, sp.Derivative):
        _nonsmooth_under_derivative(e.expr, out)
    if isinstance(e, sp.Pow) and not _is_matrix(e):
        base, ex = e.base, e.exp
        if ex.is_number and ex.is_negative or (ex.is_negative is True):
            out.append(("nonzero", base, "a denominator"))
        if ex.is_integer is not True and base is not sp.E:
            out.append(("nonnegative", base, "the base of a non-integer power"))
    elif isinstance(e, sp.log):
        out.append(("positive", e.args[0], "the argument of a logarithm"))
    elif isinstance(e, _KINKS):
        out.append(("nonzero", e.args[0], f"the argument of {type(e).__name__} (its kink is at 0)"))
    elif isinstance(e, sp.Inverse) or (isinstance(e, sp.MatPow) and e.exp.is_negative):
        out.append(("invertible", e.args[0], "a matrix inverted"))
    for a in e.args:
        _collect(a, out)


def _nonsmooth_under_derivative(e: Any, out: list) -> None:
    """A derivative of Abs/Max/Min/Piecewise exists only off their kinks."""
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.Abs):
            out.append(("nonzero", node.args[0], "a derivative of |·| (kink at 0)"))
        elif isinstance(node, (sp.Max, sp.Min)):
            args = node.args
            for i in range(len(args)):
                for j in range(i + 1, len(args)):
                    out.append(("nonzero", args[i] - args[j], f"a derivative of {type(node).__name__} (kink where "
                                "its arguments are equal)"))
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                if isinstance(cond, sp.core.relational.Relational):
                    out.append(("nonzero", cond.lhs - cond.rhs, "a derivative of a Piecewise (kink at a boundary)"))


# ----------------------------------------------------------------------------------------------- sampling

def _draw(s: Any, rng: np.random.Generator, near: bool) -> Any:
    """One random value for a scalar symbol (or Indexed) honouring its assumptions; exact rationals."""
    if s.is_integer:
        if s.is_positive:
            return sp.Integer(int(rng.integers(1, 5)))
        if s.is_nonnegative:
            return sp.Integer(int(rng.integers(0, 5)))
        return sp.Integer(int(rng.integers(-4, 5)))
    magnitude = 10 ** rng.uniform(-4, -2) if near else 10 ** rng.uniform(-1.3, 0.5)
    if near and rng.random() < 0.3:
        magnitude = 10 ** rng.uniform(1, 1.5)
    value = sp.Float(repr(float(magnitude)), 60)
    if s.is_positive or s.is_nonnegative:
        return value
    if s.is_negative or s.is_nonpositive:
        return -value
    sign = 1 if rng.random() < 0.5 else -1
    if s.is_real:
        return sign * value
    imag = sp.Float(repr(float(rng.uniform(-2, 2))), 60)
    return sign * value + sp.I * imag


def _random_matrix(shape: tuple[int, int], rng: np.random.Generator, kind: set[str]) -> sp.Matrix:
    r, c = shape
    a = rng.standard_normal((r, c))
    if "orthogonal" in kind and r == c:
        a, _ = np.linalg.qr(a)
    elif "positive_definite" in kind and r == c:
        a = a @ a.T + np.eye(r)
    elif "symmetric" in kind and r == c:
        a = (a + a.T) / 2
    return sp.Matrix(r, c, [sp.Float(repr(float(v)), 60) for v in a.ravel()])


def instantiate(exprs: list[Any], domain: Domain, rng: np.random.Generator, near: bool,
                sizes: dict | None = None) -> list[Any] | None:
    """Replace every free symbol, matrix symbol, indexed symbol and undefined function by a random value.

    Returns the expressions evaluated with ``doit()``, or ``None`` if no point satisfying the domain's
    conditions was found in 200 tries.
    """
    free: set[Any] = set()
    for e in exprs:
        if isinstance(e, (sp.Basic, sp.MatrixBase)):
            free |= e.free_symbols
    ints = sorted((s for s in free if isinstance(s, sp.Symbol) and s.is_integer), key=str)
    mats = sorted({s for e in exprs for s in _atoms(e, sp.MatrixSymbol)}, key=str)
    funcs = sorted({f.func for e in exprs for f in _atoms(e, AppliedUndef)}, key=str)
    dims = sorted({s for m in mats for d in m.shape for s in sp.sympify(d).free_symbols}, key=str)
    # the label of an IndexedBase is a plain Symbol among the free symbols: its entries get values, not the label
    labels = {i.base.label for e in exprs for i in _atoms(e, sp.Indexed)}
    for _ in range(200):
        values: dict[Any, Any] = {}
        for s in ints:
            values[s] = sp.Integer(sizes[s]) if sizes and s in sizes else _draw(s, rng, near)
        for s in dims:  # matrix sizes: small positive integers
            values[s] = sp.Integer(sizes[s]) if sizes and s in sizes else sp.Integer(int(rng.integers(1, 5)))
        for m in mats:
            shape = (int(sp.sympify(m.shape[0]).xreplace(values)), int(sp.sympify(m.shape[1]).xreplace(values)))
            kinds = {p.function.name for p in domain.predicates if p.arguments[0] == m}
            values[m] = _random_matrix(shape, rng, kinds)
        for f in funcs:
            nargs = max(len(a.args) for e in exprs for a in _atoms(e, AppliedUndef) if a.func == f)
            dummies = sp.symbols(f"_t0:{nargs}")
            coeffs = [sp.Float(repr(float(v)), 60) for v in rng.uniform(-1, 1, 1 + 2 * nargs + nargs ** 2)]
            k = iter(coeffs)
            poly = next(k) + sum(next(k) * t for t in dummies) + sum(next(k) * t**2 for t in dummies)
            poly += sum(next(k) * a * b for a in dummies for b in dummies)
            values[f] = sp.Lambda(dummies, poly)
        reals = sorted((s for s in free if isinstance(s, sp.Symbol) and s not in values and s not in labels),
                       key=str)
        for s in reals:
            values[s] = _draw(s, rng, near and rng.random() < 0.5)
        try:
            staged = [_substitute(e, values) for e in exprs]
        except (TypeError, ValueError):
            continue
        # Indexed atoms appear only once the sums are expanded
        indexed = sorted({a for e in staged if isinstance(e, (sp.Basic, sp.MatrixBase)) for a in
                          _atoms(e, sp.Indexed)}, key=str)
        extra = {a: _draw(a, rng, near and rng.random() < 0.5) for a in indexed}
        if extra:
            staged = [_substitute(e, extra) for e in staged]
            values.update(extra)
        if domain.holds(values):
            return staged
    return None


def _atoms(e: Any, kind: type) -> set:
    if isinstance(e, sp.MatrixBase):
        return set().union(*(entry.atoms(kind) for entry in e)) if e else set()
    return e.atoms(kind) if isinstance(e, sp.Basic) else set()


def _derivatives_as_subs(e: Any) -> Any:
    """Derivative(f(g(t)), g(t)) -> Subs(Derivative(f(u), u), u, g(t)), so g can be replaced by a function."""
    def fix(d: sp.Derivative) -> Any:
        out = d.expr
        for v, count in d.variable_count:
            if isinstance(v, sp.Symbol):
                out = sp.Derivative(out, (v, count))
            else:
                u = sp.Dummy("u")
                out = sp.Subs(sp.Derivative(out.xreplace({v: u}), (u, count)), u, v)
        return out

    return e.replace(lambda n: isinstance(n, sp.Derivative) and any(not isinstance(v, sp.Symbol)
                                                                   for v, _ in n.variable_count), fix)


def _substitute(e: Any, values: dict) -> Any:
    funcs = {k: v for k, v in values.items() if isinstance(k, sp.FunctionClass)}
    plain = {k: v for k, v in values.items() if not isinstance(k, sp.FunctionClass)}
    if isinstance(e, sp.MatrixBase):
        return e.applyfunc(lambda entry: _substitute(entry, values))
    if not isinstance(e, sp.Basic):
        return e
    if funcs:
        e = _derivatives_as_subs(e)
        e = e.replace(lambda node: isinstance(node, AppliedUndef) and node.func in funcs,
                      lambda node: funcs[node.func](*node.args)).doit()
    if e.has(sp.Derivative, sp.Subs):  # differentiate before the variables become numbers
        e = e.doit()
    e = e.xreplace(plain)
    e = e.doit()
    if isinstance(e, sp.MatrixExpr):
        e = e.as_explicit()
    return e


class Named(sp.Subs):
    """A name for a block of a derivation: printed as the name, evaluated (``doit``) as the block it stands for.

    Long lines read better with recurring blocks named (𝔼X, z₁, 𝓕(q)); a ``Named`` keeps every displayed line
    proved, since :func:`mathdl.verify.derive` evaluates it to its definition before proving a step and re-checks
    the definition numerically. A name takes the sign and realness of what it stands for, so domain checks see it.

    Parameters
    ----------
    tex : str
        LaTeX of the name (``r"\\mathbb{E}X"``).
    definition : sympy expression
        What the name stands for.
    order : str
        Where SymPy prints the name among other terms (names sort as strings; ``"1"`` first).
    grouped : bool
        Parenthesise the name under a power, (𝔼X)², as for a compound name; a letter such as z₁ is not.

    Examples
    --------
    >>> import sympy as sp
    >>> from mathdl.verify import derive
    >>> a = sp.Symbol("a", positive=True)
    >>> s = Named("s", a**2 + 1)
    >>> sp.latex(2 * s)
    '2 s'
    >>> derive(2 * s, (2 * a**2 + 2, "definition of s", "expand"))
    <derivation: 1 step, 1 proved by SymPy>
    """

    def __new__(cls, tex: str, definition, order: str = "5", grouped: bool = False):
        if isinstance(tex, sp.Symbol):  # SymPy rebuilding the node from its args: (name, (name,), (definition,))
            return super().__new__(cls, tex, definition, order)
        if not isinstance(tex, str) or not tex.strip():
            raise ValueError(f"Named: tex must be the LaTeX of a name; got {tex!r}.")
        name = sp.Symbol(f"{order}|{int(grouped)}|{tex}")
        return super().__new__(cls, name, name, sp.sympify(definition))

    @property
    def precedence(self):
        return 50 if self.expr.name.split("|")[1] == "1" else 1000

    def _latex(self, printer):
        return self.expr.name.split("|", 2)[2]

    def _eval_is_positive(self):
        return self.point[0].is_positive

    def _eval_is_nonnegative(self):
        return self.point[0].is_nonnegative

    def _eval_is_real(self):
        return self.point[0].is_real

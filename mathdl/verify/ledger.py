"""Tolerances, errors, check reports and the ledger of claim ids (part of :mod:`mathdl.verify`)."""
from __future__ import annotations

import dataclasses
import math
import re

#: Worst relative error allowed between a lambdified SymPy result and a numpy implementation.
AGREE_RTOL = 1e-10
#: Worst relative error allowed between a VJP and central differences (float64, h = eps**(1/3) scale).
GRADCHECK_RTOL = 1e-6

_CLAIM_ID = re.compile(r"^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9-]*)+$")


class VerificationError(AssertionError):
    """A check of the book failed: a derivation step, an agreement or a gradient check."""

    __module__ = "mathdl.verify"


class ProofError(VerificationError):
    """SymPy could not prove a derivation step."""

    __module__ = "mathdl.verify"


class AgreementError(VerificationError):
    """A numpy implementation disagrees with its symbolic formula."""

    __module__ = "mathdl.verify"


class GradcheckError(VerificationError):
    """A vector-Jacobian product disagrees with central differences."""

    __module__ = "mathdl.verify"


# ----------------------------------------------------------------------------------------------- claims & ledger

#: How a claim was checked, strongest first, as the ledger and the chapter summaries name it.
HOW = {
    "proved": "proved in general",
    "instance": "proved for a stated instance",
    "numeric": "checked numerically",
    "measured": "measured",
}


@dataclasses.dataclass(frozen=True)
class Report:
    """One check that ran: what kind, which claim, whether it passed, and a stable one-line summary.

    ``how`` is one of :data:`HOW`: a derivation is ``proved`` (every step, in general), ``instance`` (proved for a
    stated instance) or ``numeric`` (some step only checked numerically); ``agree`` and ``gradcheck`` are
    ``numeric``; :func:`measured` is ``measured``.
    """

    kind: str
    claim: str | None
    passed: bool
    detail: str
    worst: float | None = None
    how: str = "numeric"
    domain: str | None = None
    anchor: str | None = None
    domain_parts: tuple[str, ...] | None = None

    def __str__(self) -> str:
        name = f" {self.claim}" if self.claim else ""
        return f"{self.kind}{name}: {self.detail}"

    def __repr__(self) -> str:  # what a notebook cell shows
        return str(self)

    def as_record(self) -> dict:
        """A JSON-ready dict with a stable (decade-rounded) worst error."""
        worst = None
        if self.worst is not None:
            worst = "0" if self.worst == 0 else (f"< 1e{math.ceil(math.log10(self.worst))}"
                                                 if math.isfinite(self.worst) else "inf")
        record = {"claim": self.claim, "check": self.kind, "how": self.how, "passed": self.passed,
                  "detail": self.detail, "domain": self.domain, "anchor": self.anchor, "worst": worst}
        if self.domain_parts is not None:
            record["domain_parts"] = list(self.domain_parts)
        return record


_LEDGER: list = []  # Reports and Derivations, in the order they ran


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


def _record_derivation(derivation) -> None:
    _LEDGER.append(derivation)


def _as_report(item) -> Report:
    if isinstance(item, Report):
        return item
    d = item  # a Derivation: report it as it stands now (steps are added after it is recorded)
    n = len(d.steps)
    return Report("derive", d.claim, True, f"{n} step{'' if n == 1 else 's'}; {d.kind_text()}", d.worst, d.kind,
                  d.domain_latex(), d.anchor, tuple(d.domain_parts(split=True)))


def ledger(claim_prefix: str = "") -> list[Report]:
    """The checks run so far in this Python process, optionally only those whose claim starts with a prefix.

    A derivation with no steps (a definition displayed, nothing proved) is not a check and is left out.
    """
    out = []
    for item in _LEDGER:
        if not isinstance(item, Report) and not item.steps and item.lhs_kind != "proved":
            continue
        r = _as_report(item)
        if (r.claim or "").startswith(claim_prefix):
            out.append(r)
    return out


def measured(value: float, *, claim: str, statement: str, expected: float | None = None,
             within: float | None = None) -> Report:
    """Record a measurement: a number obtained by running something (a rate, a count), not a proof.

    Parameters
    ----------
    value : float
        What was measured.
    claim : str
        The claim id the measurement supports.
    statement : str
        What was measured, in words ("slope of log RMSE against log n").
    expected, within : float, optional
        If given, the measurement passes only when ``|value - expected| <= within``.

    Returns
    -------
    Report
        ``how == "measured"``; prints as ``measured <claim>: <statement> = 0.501 (expected 0.5 ± 0.05): True``.

    Raises
    ------
    VerificationError
        The measurement is not finite, or is outside ``expected ± within``.
    """
    _validate_claim(claim, "measured")
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"measured: statement must say what was measured; got {statement!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise VerificationError(f"measured {claim}: {statement} is not finite ({value}).")
    passed = True
    detail = f"{statement} = {value:.3g}"
    if expected is not None:
        if within is None or not within > 0:
            raise ValueError(f"measured: give a positive within= with expected=; got {within!r}.")
        passed = bool(abs(float(value) - float(expected)) <= float(within))
        detail += f" (expected {expected:.3g} ± {within:.2g}): {passed}"
    report = _record(Report("measured", claim, passed, detail, None, "measured"))
    if not passed:
        raise VerificationError(f"{report}")
    return report


def summary(claim_prefix: str = "") -> str:
    """A stable account of the checks run so far, separated by how they checked (for a chapter's last cell).

    Examples
    --------
    >>> isinstance(summary(), str)
    True
    """
    reports = ledger(claim_prefix)
    if not reports:
        return "no checks."
    parts = []
    for how, words in HOW.items():
        group = [r for r in reports if r.how == how]
        if not group:
            continue
        kinds: dict[str, int] = {}
        for r in group:
            kinds[r.kind] = kinds.get(r.kind, 0) + 1
        counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        ids = sorted({r.claim for r in group if r.claim})
        parts.append(f"{words}: {counts} ({len(ids)} claim ids)")
    failed = [r for r in reports if not r.passed]
    ids = sorted({r.claim for r in reports if r.claim})
    status = "all passed" if not failed else f"{len(failed)} FAILED"
    return "; ".join(parts) + f"; {len(ids)} claim ids in all; {status}."


#: The MIME type under which a chapter's last cell stores the checks that ran (read by the claim-ledger page).
LEDGER_MIME = "application/vnd.mathdl.ledger+json"


class ChapterRecord:
    """What a chapter's last cell displays: the summary, and the records the claim-ledger page is built from."""

    def __init__(self, claim_prefixes: tuple[str, ...]):
        self.reports = [r for r in ledger() if any((r.claim or "").startswith(p) for p in claim_prefixes)]
        self.prefixes = claim_prefixes

    def _repr_mimebundle_(self, include=None, exclude=None):
        lines = [summary(p) if p else summary() for p in self.prefixes]
        return {"text/plain": "\n".join(lines),
                LEDGER_MIME: {"records": [r.as_record() for r in self.reports if r.claim]}}


def record(*claim_prefixes: str) -> ChapterRecord:
    """The chapter's record of checks: display it in the last cell (``record("linalg.", "spectral.")``).

    Its text is the :func:`summary` per prefix, separated into proved, instance-proved, numeric and measured; its
    :data:`LEDGER_MIME` data lists every check with its claim id, kind, domain and anchor. The notebook stores
    it, strict nbval re-checks it, and the claim-ledger page of the book is generated from it.
    """
    if not claim_prefixes:
        raise ValueError("record: name the claim prefixes of the chapter, e.g. record('linalg.', 'spectral.').")
    return ChapterRecord(claim_prefixes)


class LedgerMimeRender:
    """myst-nb plugin (entry point ``myst_nb.mime_renderers``): the stored record renders as nothing in the book.

    The record is data for the claim-ledger page, not something to show twice; the cell's text summary is what a
    reader sees. Without this, myst-nb warns about an unknown MIME type (an error under ``-W``).
    """

    mime_priority_overrides = [("*", LEDGER_MIME, None)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == LEDGER_MIME else None


def exact(got, expected, *, claim: str, statement: str, instance: str) -> Report:
    """Record an exact check of a stated instance: an integer identity, a count, a table (``got == expected``).

    Parameters
    ----------
    got, expected : int, tuple of int, or anything compared exactly with ``==``
        What was computed and what the formula says. Floats are refused: compare them with ``agree``.
    claim : str
        The claim id.
    statement : str
        What is compared, in words ("operations SymPy counts in A B vs n k m").
    instance : str
        The instance(s) checked ("(n, k, m) = (2, 3, 4)").

    Returns
    -------
    Report
        ``how == "instance"``; prints as ``exact <claim>: <statement> for <instance>: True``.

    Raises
    ------
    TypeError
        A float anywhere in ``got`` or ``expected``.
    VerificationError
        ``got != expected``.
    """
    _validate_claim(claim, "exact")
    for name, value in (("got", got), ("expected", expected)):
        flat = value if isinstance(value, (tuple, list)) else (value,)
        if any(isinstance(v, float) for v in flat):
            raise TypeError(f"exact: {name} holds a float ({value!r}); exact checks are for integers and rationals. "
                            "Compare floats with agree(...) and a tolerance.")
    if not isinstance(instance, str) or not instance.strip():
        raise ValueError(f"exact: instance must say which instance was checked; got {instance!r}.")
    passed = bool(got == expected)
    report = _record(Report("exact", claim, passed, f"{statement} for {instance}: {passed}", None, "instance"))
    if not passed:
        raise VerificationError(f"{report} (got {got!r}, expected {expected!r})")
    return report

"""Tolerances, errors, check reports and the ledger of claim ids (part of :mod:`mathdl.verify`)."""
from __future__ import annotations

import dataclasses
import re

#: Worst relative error allowed between a lambdified SymPy result and a numpy implementation.
AGREE_RTOL = 1e-10
#: Worst relative error allowed between a VJP and central differences (float64, h = eps**(1/3) scale).
GRADCHECK_RTOL = 1e-6
#: Worst relative error allowed for a derivation step that is checked numerically only.
NUMERIC_STEP_RTOL = 1e-9

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



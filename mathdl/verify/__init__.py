"""The verification core: ``derive``, ``agree``, ``gradcheck`` and claim ids.

Every statement the book makes about a formula is checked by one of three machines:

``derive``
    A chain of SymPy expressions on a declared domain, each step proved equal to the previous one by SymPy
    (helped only by a named rewrite from :data:`REWRITES`, never a free callable or ``force=True``), each line's
    requirements (denominators, logarithms, inverses, kinks) implied by the domain, and each step re-checked
    at 50 digits at random points of the domain. A step that fails any of these raises :class:`ProofError` --
    unless it is explicitly marked ``numeric=True``, in which case it is checked at random points only and
    rendered as *checked numerically*.
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
from mathdl.verify.domain import Domain, Named
from mathdl.verify.ledger import (
    AGREE_RTOL,
    GRADCHECK_RTOL,
    HOW,
    LEDGER_MIME,
    AgreementError,
    GradcheckError,
    ProofError,
    Report,
    VerificationError,
    claims,
    exact,
    ledger,
    measured,
    record,
    summary,
)
from mathdl.verify.numeric import REL_FLOOR, agree, gradcheck
from mathdl.verify.proofs import RECHECK_DIGITS, RECHECK_POINTS, REWRITES, Derivation, derive

__all__ = [
    "AGREE_RTOL",
    "Domain",
    "Named",
    "HOW",
    "LEDGER_MIME",
    "RECHECK_DIGITS",
    "RECHECK_POINTS",
    "REL_FLOOR",
    "REWRITES",
    "exact",
    "measured",
    "record",
    "GRADCHECK_RTOL",
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


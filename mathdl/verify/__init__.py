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
from mathdl.verify.ledger import (
    AGREE_RTOL,
    GRADCHECK_RTOL,
    NUMERIC_STEP_RTOL,
    AgreementError,
    GradcheckError,
    ProofError,
    Report,
    VerificationError,
    claims,
    ledger,
    summary,
)
from mathdl.verify.numeric import agree, gradcheck
from mathdl.verify.proofs import Derivation, derive

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


"""mathdl: the companion package of the book *The Mathematics of Deep Learning, Executed*.

One module per chapter implements, in plain numpy, every formula that chapter derives in SymPy; the
verification core :mod:`mathdl.verify` checks each implementation against its derivation.

=================  ===========================================  =================================
module             chapter                                      claim-id prefix
=================  ===========================================  =================================
``verify``         how the book checks itself (introduction)    --
``linalg``         1. Linear algebra for deep learning          ``linalg.``
=================  ===========================================  =================================
"""
from mathdl import linalg, verify
from mathdl.verify import agree, derive, gradcheck

__version__ = "0.1.0"

#: The chapter modules, in book order; each declares its claim ids in a ``CLAIMS`` dict.
CHAPTER_MODULES = (linalg,)

__all__ = ["CHAPTER_MODULES", "agree", "derive", "gradcheck", "linalg", "verify"]

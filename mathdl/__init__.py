"""mathdl: the companion package of the book *The Mathematics of Deep Learning, Executed*.

One module per chapter implements, in plain numpy, every formula that chapter derives in SymPy; the
verification core :mod:`mathdl.verify` checks each implementation against its derivation.

====================  =============================================  ==============================
module                chapter                                        claim-id prefix
====================  =============================================  ==============================
``verify``            how the book checks itself (introduction)      --
``validate``          input checks shared by every module            --
``linalg``            Linear algebra for deep learning               ``linalg.``
``spectral``          Linear algebra: eigenvalues, SVD, norms        (declared in ``linalg``)
``calculus``          Calculus and backpropagation                   ``calculus.``
``autodiff``          (the reverse-mode engine of that chapter)      --
``probability``       Probability and statistics                     ``probability.``
``activations``       Neurons: activation functions                  ``activations.``
``losses``            Neurons: loss functions                        ``losses.``
``optim``             Optimization (optimizers as step functions)    ``optim.``
``objectives``        Optimization (the explorer's objectives)       ``objectives.``
``info``              Information theory                             ``info.``
====================  =============================================  ==============================
"""
from mathdl import activations, calculus, info, linalg, losses, objectives, optim, probability, spectral, verify
from mathdl.verify import agree, derive, gradcheck

__version__ = "0.1.0"

#: The chapter modules, in book order; each declares its claim ids in a ``CLAIMS`` dict.
CHAPTER_MODULES = (linalg, calculus, probability, activations, losses, optim, objectives, info)

__all__ = ["CHAPTER_MODULES", "activations", "agree", "calculus", "derive", "gradcheck", "info", "linalg", "losses",
           "objectives", "optim", "probability", "spectral", "verify"]

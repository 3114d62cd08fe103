"""mathdl: the companion package of the book *The Mathematics of Deep Learning, Executed*.

One module per chapter implements, in plain numpy, every formula that chapter derives in SymPy; the
verification core :mod:`mathdl.verify` checks each implementation against its derivation.

======================  ===============================================  =====================
module                  chapter and contents                             claim ids declared in
======================  ===============================================  =====================
``verify``              the verification core (introduction)             --
``validate``            input checks shared by every module              --
``data``                the bundled 8x8 digits, split by a seed          --
``exercises``           self-checks of the exercises: ``check(id, ans)``  --
``linalg``              Linear algebra: layers, cost, matrix calculus    ``linalg``
``spectral``            Linear algebra: eigenvalues, SVD, norms          ``linalg``
``calculus``            Calculus and backpropagation                     ``calculus``
``autodiff``            the reverse-mode engine (``engine``, ``ops``)    ``calculus``
                        and its op families (``normalization``,
                        ``convolution``, ``recurrent``)                  (their chapters)
``mlp``                 the first network trained with the engine        ``calculus``
``probability``         Probability: densities, likelihoods, Bayes       ``probability``
``estimation``          Probability: MLE, MAP, evidence, Monte Carlo     ``probability``
``activations``         Neurons: elementwise activation functions        ``activations``
``softmax``             Neurons: softmax, log-softmax, log-sum-exp       ``activations``
``losses``              Neurons: loss functions                          ``losses``
``optim``               Optimization: optimizers as step functions       ``optim``
``rates``               Optimization: convergence rates on a quadratic   ``optim``
``second_order``        Optimization: Gauss-Newton, BFGS                 ``optim``
``objectives``          Optimization: the explorer's objectives          ``objectives``
``regularization``      Regularization and generalization                ``regularization``
``convolution``         Convolutional networks                           ``convolution``
``recurrent``           Recurrent networks                               ``recurrent``
``generative``          Generative models                                ``generative``
``info``                Information theory: entropy, KL, eqs (1)-(2)     ``info``
``bottleneck``          Information theory: IB, info dropout, VIB        ``info``
======================  ===============================================  =====================
"""
from mathdl import (
    activations,
    autodiff,
    bottleneck,
    calculus,
    convolution,
    data,
    estimation,
    generative,
    info,
    linalg,
    losses,
    mlp,
    objectives,
    optim,
    probability,
    rates,
    recurrent,
    regularization,
    second_order,
    softmax,
    spectral,
    verify,
)
from mathdl.verify import agree, derive, gradcheck

__version__ = "0.1.0"

#: The chapter modules, in book order; each declares its claim ids in a ``CLAIMS`` dict.
CHAPTER_MODULES = (linalg, calculus, probability, activations, losses, optim, objectives, regularization, convolution,
                   recurrent, generative, info)

__all__ = ["CHAPTER_MODULES", "activations", "agree", "autodiff", "bottleneck", "calculus", "convolution", "data",
           "derive", "estimation", "generative", "gradcheck", "info", "linalg", "losses", "mlp", "objectives", "optim",
           "probability", "rates", "recurrent", "regularization", "second_order", "softmax", "spectral", "verify"]

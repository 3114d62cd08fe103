"""The reverse-mode autodiff engine, as a small package whose files name the op families.

=====================  ===================================================================================
file                   contents
=====================  ===================================================================================
``engine.py``          :class:`Tensor`, the backward pass, :func:`grad`, :func:`value_and_grad`,
                       :func:`apply` (how every op, of any family, enters the graph), :func:`gradcheck_op`
``ops.py``             the elementary primitives (arithmetic, ``matmul``, ``exp``/``log``, activations,
                       reductions, shapes), each forward function beside its VJP; :data:`OPS`
=====================  ===================================================================================

An op family (normalization, convolution, recurrence, ...) is one more file here: numpy ``forward`` /
``forward_vjp`` pairs wrapped by :func:`mathdl.autodiff.ops.make_op` into the family's own ``OPS`` table, and
Tensor-level functions that validate their arguments and call :func:`apply`. Each VJP is derived in its chapter
and gradchecked in its test module.

``from mathdl import autodiff as ad`` gives the engine's names (``ad.Tensor``, ``ad.grad``, ``ad.tanh``, ...).
"""
from mathdl.autodiff import ops
from mathdl.autodiff.engine import *  # noqa: F403 - the engine's public names are the package's
from mathdl.autodiff.engine import __all__ as _engine_all

__all__ = [*_engine_all, "ops"]

"""Self-checks of the exercises of the chapter "Convolutional networks" (``book/convolution.ipynb``)."""
from __future__ import annotations

import numpy as np

from mathdl.exercises import Exercise, register

register(Exercise(
    "ex-convolution-sizes", "convolution", "Output sizes by hand", "number", (112, 56, 4),
    "three numbers: the size after the convolution, after the pooling, and the 'same' padding"))

register(Exercise(
    "ex-convolution-receptive", "convolution", "Receptive field with strides", "number", (15, 9),
    "two numbers: the receptive field with strides 2, 2, 1, and the number of dilated layers for r >= 1000"))

register(Exercise(
    "ex-convolution-params", "convolution", "Parameter counts of the chapter's CNN", "number", (1898, 25),
    "two numbers: the CNN's parameter count and the MLP's hidden width"))

_W = np.array([0.5, -1.0, 2.0])


def _correlate_valid(x: np.ndarray) -> np.ndarray:
    return np.correlate(x, _W, mode="valid")


def _correlate_valid_vjp(g: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.convolve(g, _W, mode="full")


register(Exercise(
    "ex-convolution-transpose", "convolution", "The transpose of a convolution, by hand", "vjp",
    _correlate_valid_vjp, "vjp(g, x): the input gradient of y = numpy.correlate(x, w, 'valid') with "
    "w = (0.5, -1, 2), for x of length 5 (the result has length 5)",
    shapes=((5,),), forward=_correlate_valid))

"""Figures and live explorers, one module per chapter.

These modules import matplotlib and ipywidgets only inside their functions, so ``import mathdl`` stays light.
Each explorer's update logic is a plain function (settings -> figure) tested without a browser; the
ipywidgets layer only wires sliders to it.
"""

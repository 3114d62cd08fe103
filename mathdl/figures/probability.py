"""Figures of the chapter "Probability and statistics for deep learning".

matplotlib is imported inside the functions, so importing this module stays light. Each function takes the data
computed by :mod:`mathdl.estimation` and returns the figure; the notebook calls ``plt.show()``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["plot_monte_carlo_rate", "plot_variance_estimators"]


def plot_variance_estimators(mle: np.ndarray, unbiased: np.ndarray, sigma: float, n: int):
    r"""Histograms of the MLE and the unbiased variance over many samples of size ``n``, with their means.

    Parameters
    ----------
    mle, unbiased : ndarray, shape (trials,)
        From :func:`mathdl.estimation.sample_variance_estimates`.
    sigma : float
        The true standard deviation.
    n : int
        The sample size (for the line at :math:`\frac{n-1}{n}\sigma^2`).

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Probability, "The bias of the MLE variance" (claim ``probability.mle-variance-bias``).
    """
    import matplotlib.pyplot as plt

    mle = np.asarray(mle, dtype=float)
    unbiased = np.asarray(unbiased, dtype=float)
    if mle.ndim != 1 or unbiased.shape != mle.shape:
        raise ValueError("plot_variance_estimators: mle and unbiased must be 1-D arrays of one shape; got "
                         f"{mle.shape} and {unbiased.shape}.")
    fig, ax = plt.subplots(figsize=(6.5, 3.6), facecolor="white")
    bins = np.linspace(0.0, float(np.quantile(unbiased, 0.995)), 60)
    ax.hist(mle, bins=bins, alpha=0.55, label=r"MLE $\hat\sigma^2$ (divide by $n$)")
    ax.hist(unbiased, bins=bins, alpha=0.55, label=r"unbiased $s^2$ (divide by $n-1$)")
    ax.axvline(sigma**2, color="k", lw=1.5, label=r"true $\sigma^2$")
    ax.axvline((n - 1) / n * sigma**2, color="C0", ls="--", lw=1.5, label=r"$\frac{n-1}{n}\sigma^2$")
    ax.axvline(float(mle.mean()), color="C0", ls=":", lw=2, label=r"mean of the $\hat\sigma^2$")
    ax.axvline(float(unbiased.mean()), color="C1", ls=":", lw=2, label=r"mean of the $s^2$")
    ax.set_xlabel(rf"variance estimate (samples of size $n = {n}$)")
    ax.set_ylabel(r"number of samples")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=8.5, loc="upper right", framealpha=0.9)
    fig.tight_layout()
    return fig


def plot_monte_carlo_rate(ns: np.ndarray, rmse: np.ndarray, sigma_f: float, slope: float):
    r"""Log–log plot of the Monte Carlo RMSE against the sample size, with the law :math:`\sigma_f/\sqrt n`.

    Parameters
    ----------
    ns : ndarray, shape (m,)
    rmse : ndarray, shape (m,)
        From :func:`mathdl.estimation.monte_carlo_rmse`.
    sigma_f : float
        Standard deviation of the integrand.
    slope : float
        The fitted slope, shown in the legend.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Probability, "Monte Carlo" (claim ``probability.monte-carlo-rate``).
    """
    import matplotlib.pyplot as plt

    ns = np.asarray(ns, dtype=float)
    rmse = np.asarray(rmse, dtype=float)
    if ns.ndim != 1 or rmse.shape != ns.shape:
        raise ValueError(f"plot_monte_carlo_rate: ns and rmse must be 1-D of one shape; got {ns.shape}, {rmse.shape}.")
    fig, ax = plt.subplots(figsize=(5.5, 3.5), facecolor="white")
    ax.loglog(ns, rmse, "o", label=rf"measured RMSE (fitted slope ${slope:.2f}$)")
    ax.loglog(ns, sigma_f / np.sqrt(ns), "-", label=r"$\sigma_f/\sqrt{n}$ (slope $-1/2$)")
    ax.set_xlabel(r"number of samples $n$")
    ax.set_ylabel(r"RMSE of $\bar f_n$")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig

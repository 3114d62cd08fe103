"""Figures of the chapter "Probability and statistics for deep learning".

matplotlib is imported inside the functions, so importing this module stays light. Each function takes the data
computed by :mod:`mathdl.estimation` and returns the figure; the notebook calls ``plt.show()``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["plot_change_of_variables", "plot_hoeffding", "plot_limit_theorems", "plot_monte_carlo_rate",
           "plot_variance_estimators"]


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


def plot_limit_theorems(running: np.ndarray, mu: float, ns: np.ndarray, ks: np.ndarray, z: np.ndarray, n_hist: int):
    r"""Three panels: running means (law of large numbers), a histogram of standardised means against the normal
    density, and the Kolmogorov distance to :math:`\Phi` against :math:`n` (central limit theorem).

    Parameters
    ----------
    running : ndarray, shape (paths, n)
        Running means of several independent sequences (:func:`mathdl.probability_limits.running_mean`).
    mu : float
        Their common expectation.
    ns : ndarray, shape (k,)
        Sample sizes of the CLT measurement.
    ks : ndarray, shape (k,)
        Kolmogorov distances (:func:`mathdl.probability_limits.clt_ks_distances`).
    z : ndarray, shape (trials,)
        Standardised means at sample size ``n_hist``.
    n_hist : int

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Probability, "The law of large numbers" and "The central limit theorem" (claims
    ``probability.law-of-large-numbers``, ``probability.central-limit``).
    """
    import matplotlib.pyplot as plt

    running = np.asarray(running, dtype=float)
    ns = np.asarray(ns, dtype=float)
    ks = np.asarray(ks, dtype=float)
    z = np.asarray(z, dtype=float)
    if running.ndim != 2 or ns.ndim != 1 or ks.shape != ns.shape or z.ndim != 1:
        raise ValueError("plot_limit_theorems: running must be 2-D, ns and ks 1-D of one shape, z 1-D; got "
                         f"{running.shape}, {ns.shape}, {ks.shape}, {z.shape}.")
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4), facecolor="white")
    k = np.arange(1, running.shape[1] + 1)
    for path in running:
        axes[0].semilogx(k, path, lw=1)
    axes[0].axhline(mu, color="k", ls="--", lw=1.2, label=r"$\mu$")
    axes[0].set_xlabel(r"number of draws $n$")
    axes[0].set_ylabel(r"running mean $\bar x_n$")
    axes[0].legend(fontsize=9)
    grid = np.linspace(-4.0, 4.0, 200)
    axes[1].hist(z, bins=np.linspace(-4.0, 4.0, 61), density=True, alpha=0.6, label=rf"$n = {n_hist}$")
    axes[1].plot(grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), "k-", lw=1.5, label=r"$\mathcal{N}(0, 1)$")
    axes[1].set_xlabel(r"$\sqrt{n}(\bar x_n - \mu)/\sigma$")
    axes[1].set_ylabel(r"density")
    axes[1].legend(fontsize=9)
    axes[2].loglog(ns, ks, "o", label=r"measured $\sup|F_n - \Phi|$")
    axes[2].loglog(ns, ks[0] / np.sqrt(ns / ns[0]), "-", label=r"$\propto 1/\sqrt{n}$")
    axes[2].set_xlabel(r"number of draws $n$")
    axes[2].set_ylabel(r"Kolmogorov distance to $\Phi$")
    axes[2].legend(fontsize=9)
    for ax in axes:
        ax.tick_params(labelsize=9)
    fig.tight_layout()
    return fig


def plot_hoeffding(ns: np.ndarray, frequency: np.ndarray, hoeffding: np.ndarray, chebyshev: np.ndarray, t: float):
    r"""Measured tail frequency :math:`P(|\bar x_n - \mu|\ge t)` against Hoeffding's and Chebyshev's bounds.

    Parameters
    ----------
    ns : ndarray, shape (k,)
    frequency, hoeffding, chebyshev : ndarray, shape (k,)
        From :func:`mathdl.probability_limits.tail_frequency`, ``hoeffding_bound`` and ``chebyshev_bound``.
    t : float
        The deviation.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Probability, "Concentration: Hoeffding's inequality" (claim ``probability.hoeffding``).
    """
    import matplotlib.pyplot as plt

    arrays = [np.asarray(a, dtype=float) for a in (ns, frequency, hoeffding, chebyshev)]
    if any(a.ndim != 1 or a.shape != arrays[0].shape for a in arrays):
        raise ValueError("plot_hoeffding: ns, frequency, hoeffding and chebyshev must be 1-D of one shape; got "
                         f"{[a.shape for a in arrays]}.")
    ns, frequency, hoeffding, chebyshev = arrays
    fig, ax = plt.subplots(figsize=(6.0, 3.6), facecolor="white")
    ax.semilogy(ns, np.minimum(chebyshev, 1.0), "s--", label=r"Chebyshev $\sigma^2/(nt^2)$")
    ax.semilogy(ns, np.minimum(hoeffding, 1.0), "^-", label=r"Hoeffding $2e^{-2nt^2}$")
    shown = frequency > 0
    ax.semilogy(ns[shown], frequency[shown], "o", color="k", label=r"measured frequency")
    ax.set_xlabel(r"number of draws $n$")
    ax.set_ylabel(rf"$P(|\bar x_n - \mu| \geq {t:g})$")
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9, loc="lower left")
    fig.tight_layout()
    return fig


def plot_change_of_variables(samples_y: np.ndarray, grid: np.ndarray, density_y: np.ndarray,
                             samples_exp: np.ndarray, rate: float):
    r"""Two panels: a histogram of :math:`e^X` against the log-normal density from the change of variables, and a
    histogram of inverse-CDF exponential samples against :math:`\lambda e^{-\lambda x}`.

    Parameters
    ----------
    samples_y : ndarray, shape (m,)
        Draws of :math:`Y = e^X`.
    grid, density_y : ndarray, shape (g,)
        Where and what the change-of-variables density is.
    samples_exp : ndarray, shape (m2,)
        Inverse-CDF draws of the exponential.
    rate : float
        Its :math:`\lambda`.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Book: Probability, "Change of variables and sampling" (claims
    ``probability.change-of-variables``, ``probability.inverse-cdf-sampling``).
    """
    import matplotlib.pyplot as plt

    samples_y, grid, density_y, samples_exp = (np.asarray(a, dtype=float) for a in
                                               (samples_y, grid, density_y, samples_exp))
    if grid.shape != density_y.shape or grid.ndim != 1:
        raise ValueError(f"plot_change_of_variables: grid and density_y must be 1-D of one shape; got {grid.shape}, "
                         f"{density_y.shape}.")
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.4), facecolor="white")
    # weights 1/(m * width): a density of all m draws, also those beyond the plotted range
    bins_y = np.linspace(0.0, float(grid.max()), 80)
    axes[0].hist(samples_y, bins=bins_y,
                 weights=np.full(samples_y.size, 1.0 / (samples_y.size * (bins_y[1] - bins_y[0]))),
                 alpha=0.6, label=r"histogram of $e^{x}$")
    axes[0].plot(grid, density_y, "k-", lw=1.5, label=r"$\mathcal{N}(\log y;\mu,\sigma^2)/y$")
    axes[0].set_xlabel(r"$y$")
    axes[0].set_ylabel(r"density $p_Y(y)$")
    axes[0].legend(fontsize=9)
    top = float(np.quantile(samples_exp, 0.995))
    xs = np.linspace(0.0, top, 200)
    bins_x = np.linspace(0.0, top, 60)
    axes[1].hist(samples_exp, bins=bins_x,
                 weights=np.full(samples_exp.size, 1.0 / (samples_exp.size * (bins_x[1] - bins_x[0]))), alpha=0.6,
                 label=r"$-\log(1-u)/\lambda$, $u$ uniform")
    axes[1].plot(xs, rate * np.exp(-rate * xs), "k-", lw=1.5, label=r"$\lambda e^{-\lambda x}$")
    axes[1].set_xlabel(r"$x$")
    axes[1].set_ylabel(r"density")
    axes[1].legend(fontsize=9)
    for ax in axes:
        ax.tick_params(labelsize=9)
    fig.tight_layout()
    return fig

"""Figures and the live gradient-descent explorer of the Optimization chapter.

The update logic is :func:`explorer_view`, a plain function from the explorer's settings (objective,
condition number, optimizer, learning rate, momentum/beta, steps, start) to the run it draws.
:class:`ExplorerFigure` draws a view once and then only updates its artists' data; :class:`GDExplorer` wires
ipywidgets to both. The same settings drive the book's offline JavaScript explorer
(:mod:`mathdl.figures.optimization_explorer`), whose labels and hyper-parameter mapping come from this module.
"""
from __future__ import annotations

import dataclasses
import io

import numpy as np

from mathdl import objectives, optim

__all__ = [
    "BETA_OPTIMIZERS",
    "DEFAULTS",
    "EXPLORER_OPTIMIZERS",
    "LR_LABEL",
    "OBJECTIVE_DEFAULTS",
    "ExplorerFigure",
    "ExplorerView",
    "GDExplorer",
    "contour_levels",
    "draw_explorer",
    "draw_nonconvex_guarantees",
    "draw_runs",
    "draw_schedules_warmup",
    "draw_sgd_rates",
    "explorer_hyperparameters",
    "explorer_view",
    "gd_explorer",
    "loss_gaps",
    "objective_defaults",
    "uses_beta",
]

#: The explorer's optimizers: label -> what the menu shows.
EXPLORER_OPTIMIZERS = {
    "gd": "gradient descent",
    "momentum": "heavy ball (momentum)",
    "nesterov": "Nesterov",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "newton": "Newton",
}

#: The optimizers that read the momentum / beta slider (heavy ball's and Nesterov's momentum, RMSProp's alpha,
#: Adam's beta1). Gradient descent and Newton ignore it, so both explorers disable that slider for them.
BETA_OPTIMIZERS = ("momentum", "nesterov", "rmsprop", "adam")

#: Each objective's default learning rate (as log10 eta, a point of the log-slider grid) and momentum / beta,
#: applied whenever the objective changes, in the ipywidgets explorer and the JavaScript one alike (the JavaScript
#: table is printed from this one). Gradient descent is stable with each: quadratic (kappa = 10) 0.178 < 2/L = 0.2;
#: Rosenbrock 1e-3 (its curvature near the start is ~ 1000: 0.178 diverges at step 2); saddle 0.1; wells 0.0316.
OBJECTIVE_DEFAULTS = {
    "quadratic": {"log10_lr": -0.75, "beta": 0.9},
    "rosenbrock": {"log10_lr": -3.0, "beta": 0.9},
    "saddle": {"log10_lr": -1.0, "beta": 0.5},
    "wells": {"log10_lr": -1.5, "beta": 0.9},
}

#: The label of the learning-rate slider: the slider moves on a log scale, its readout shows eta itself.
LR_LABEL = "learning rate η (log scale)"

#: The explorer's default state: what the rendered book shows and the live explorer starts from. The learning
#: rate 10**-0.75 ~ 0.178 lies on the log-slider grid and zigzags along y (factor 1 - 10 lr ~ -0.78).
DEFAULTS = {"objective": "quadratic", "kappa": 10.0, "optimizer": "gd",
            "lr": 10 ** OBJECTIVE_DEFAULTS["quadratic"]["log10_lr"], "beta": OBJECTIVE_DEFAULTS["quadratic"]["beta"],
            "steps": 60, "start": (-1.8, 1.0)}

#: Slider ranges shared by the ipywidgets and the JavaScript explorers.
LOG10_LR_RANGE = (-4.0, 0.5)
BETA_RANGE = (0.0, 0.99)
STEPS_RANGE = (1, 500)
KAPPA_RANGE = (1.0, 100.0)

#: Smallest loss gap f - f* drawn on the log-scale loss curve.
GAP_FLOOR = 1e-16
#: Number of contour levels; level j is f* + span / 2**j (log-spaced towards the minimum).
CONTOUR_LEVELS = 14
#: Grid points per axis for the contour plot.
CONTOUR_GRID = 80


def objective_defaults(name: str) -> dict:
    """The learning rate and momentum / beta the explorer switches to when objective ``name`` is chosen.

    Examples
    --------
    >>> objective_defaults("rosenbrock")
    {'lr': 0.001, 'beta': 0.9}
    """
    if name not in OBJECTIVE_DEFAULTS:
        raise ValueError(f"objective_defaults: name must be one of {list(OBJECTIVE_DEFAULTS)}; got {name!r}.")
    d = OBJECTIVE_DEFAULTS[name]
    return {"lr": 10.0 ** d["log10_lr"], "beta": d["beta"]}


def uses_beta(optimizer: str) -> bool:
    """Whether the explorer's ``optimizer`` reads the momentum / beta slider (not gradient descent, not Newton).

    Examples
    --------
    >>> uses_beta("adam"), uses_beta("gd"), uses_beta("newton")
    (True, False, False)
    """
    if optimizer not in EXPLORER_OPTIMIZERS:
        raise ValueError(f"uses_beta: optimizer must be one of {list(EXPLORER_OPTIMIZERS)}; got {optimizer!r}.")
    return optimizer in BETA_OPTIMIZERS


def explorer_hyperparameters(optimizer: str, lr: float, beta: float) -> tuple[str, dict]:
    """Map the explorer's (optimizer, lr, beta) to a :func:`mathdl.optim.trajectory` optimizer and hyper-parameters.

    ``beta`` is heavy ball's / Nesterov's momentum, RMSProp's ``alpha``, or Adam's ``beta1`` (``beta2`` = 0.999);
    Nesterov with zero momentum is plain gradient descent. The JavaScript explorer uses the same mapping.

    Examples
    --------
    >>> explorer_hyperparameters("adam", 0.01, 0.9)
    ('adam', {'lr': 0.01, 'betas': (0.9, 0.999)})
    """
    if optimizer not in EXPLORER_OPTIMIZERS:
        raise ValueError(f"explorer_hyperparameters: optimizer must be one of {list(EXPLORER_OPTIMIZERS)}; "
                         f"got {optimizer!r}.")
    lr, beta = float(lr), float(beta)
    if optimizer == "gd" or (optimizer == "nesterov" and beta == 0.0):
        return "sgd", {"lr": lr}
    if optimizer == "momentum":
        return "sgd", {"lr": lr, "momentum": beta}
    if optimizer == "nesterov":
        return "sgd", {"lr": lr, "momentum": beta, "nesterov": True}
    if optimizer == "rmsprop":
        return "rmsprop", {"lr": lr, "alpha": beta}
    if optimizer == "adam":
        return "adam", {"lr": lr, "betas": (beta, 0.999)}
    return "newton", {"lr": lr}


@dataclasses.dataclass(frozen=True)
class ExplorerView:
    """One state of the explorer: the settings, the objective and the run."""

    objective: objectives.Objective
    optimizer: str
    lr: float
    beta: float
    steps: int
    run: optim.Trajectory

    @property
    def message(self) -> str:
        """The status line under the plot: divergence, or the final loss gap."""
        if self.run.status != "ok":
            return self.run.status
        steps = len(self.run.losses) - 1
        return f"after {steps} steps: f - f* = {self.run.losses[-1] - self.objective.minimum:.3e}"


def loss_gaps(view: ExplorerView) -> np.ndarray:
    """f(x_k) - f*, floored at :data:`GAP_FLOOR` so that it can be drawn on a log scale."""
    return np.maximum(view.run.losses - view.objective.minimum, GAP_FLOOR)


def explorer_view(objective: str = DEFAULTS["objective"], kappa: float = DEFAULTS["kappa"],
                  optimizer: str = DEFAULTS["optimizer"], lr: float | None = DEFAULTS["lr"],
                  beta: float | None = DEFAULTS["beta"], steps: int = DEFAULTS["steps"],
                  start: tuple[float, float] | None = DEFAULTS["start"]) -> ExplorerView:
    """The explorer's update logic: settings -> the run to draw (never raises for a too-large step).

    ``start=None`` uses the objective's default start; ``lr=None`` and ``beta=None`` use the objective's defaults
    (:func:`objective_defaults`). A divergent run ends with status ``"diverged at step k"``.

    Examples
    --------
    >>> explorer_view(lr=0.25).message          # above 2/L = 0.2 for kappa = 10
    'diverged at step 35'
    """
    obj = objectives.get(objective, kappa=kappa) if objective == "quadratic" else objectives.get(objective)
    defaults = objective_defaults(objective)
    lr = defaults["lr"] if lr is None else lr
    beta = defaults["beta"] if beta is None else beta
    name, hyper = explorer_hyperparameters(optimizer, lr, beta)
    x0 = obj.start if start is None else start
    run = optim.trajectory(obj, name, np.array(x0, dtype=float), int(steps), **hyper)
    return ExplorerView(objective=obj, optimizer=optimizer, lr=float(lr), beta=float(beta), steps=int(steps),
                        run=run)


def contour_levels(objective: objectives.Objective, values: np.ndarray) -> np.ndarray:
    """Increasing levels f* + span / 2**j, j = 0..CONTOUR_LEVELS-1, span = max(values) - f*."""
    span = float(np.max(values)) - objective.minimum
    return objective.minimum + span * 0.5 ** np.arange(CONTOUR_LEVELS - 1, -1, -1.0)


def _grid(objective: objectives.Objective) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = objective.box
    X, Y = np.meshgrid(np.linspace(x0, x1, CONTOUR_GRID), np.linspace(y0, y1, CONTOUR_GRID))
    return X, Y, objective.value(np.stack([X, Y], axis=-1))


def _title(view: ExplorerView, tex: bool = True) -> str:
    """The settings line: mathtext for matplotlib (``tex=True``), Unicode for the widget's HTML."""
    obj = view.objective
    k, e, b = (r"$\kappa$", r"$\eta$", r"$\beta$") if tex else ("κ", "η", "β")
    extra = f", {k} = {obj.params['kappa']:g}" if "kappa" in obj.params else ""
    beta = f", {b} = {view.beta:g}" if uses_beta(view.optimizer) else ""
    return f"{obj.name}{extra}: {EXPLORER_OPTIMIZERS[view.optimizer]}, {e} = {view.lr:.3g}{beta}"


def _mark_minimizers(ax, objective: objectives.Objective, **kwargs) -> list:
    """The global minimizer (``objective.minimizers[0]``) as a large gold star, other local minima as open
    circles, so a reader can tell them apart."""
    m = np.asarray(objective.minimizers)
    glob = ax.plot(m[:1, 0], m[:1, 1], "*", ms=15, mfc="gold", mec="k", mew=1.0, ls="none", zorder=5,
                   label="global minimum", **kwargs)
    handles = list(glob)
    if len(m) > 1:
        handles += ax.plot(m[1:, 0], m[1:, 1], "o", ms=9, mfc="white", mec="k", mew=1.5, ls="none", zorder=5,
                           label="local minima", **kwargs)
    return handles


class ExplorerFigure:
    """The explorer's figure: contours with the trajectory, and the loss gap per step (log scale).

    ``annotate=False`` leaves the title and status line out of the figure (the live explorer shows them as text
    beside it, which is faster than rasterizing glyphs). Created once. The static layer (axes, ticks, contours) is
    drawn only when the objective or the number of steps changes and is kept as a bitmap; every other update
    restores that bitmap and draws just the trajectory, the loss curve and the two texts (blitting), so a redraw
    costs a few milliseconds.
    """

    def __init__(self, view: ExplorerView, figsize: tuple[float, float] = (10.0, 4.2), dpi: int = 72,
                 annotate: bool = True, live: bool = True):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.live = live
        if live:
            self.fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
            FigureCanvasAgg(self.fig)
        else:  # a pyplot figure that a notebook shows with plt.show()
            import matplotlib.pyplot as plt

            self.fig = plt.figure(figsize=figsize, facecolor="white")
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.24)
        self.ax, self.loss_ax = self.fig.subplots(1, 2, width_ratios=(1.0, 1.1))
        self._contours = None
        self._static_key = None
        self._background = None
        self.full_draws = 0
        (self.path_line,) = self.ax.plot([], [], "-o", color="C3", ms=2.5, lw=1.2, label="trajectory",
                                         animated=live)
        (self.start_dot,) = self.ax.plot([], [], "o", color="k", ms=5, label="start", animated=live)
        (self.min_dots,) = self.ax.plot([], [], "*", ms=13, mfc="gold", mec="k", ls="none", zorder=5,
                                        label="global minimum")
        (self.local_dots,) = self.ax.plot([], [], "o", ms=7, mfc="white", mec="k", mew=1.2, ls="none", zorder=5,
                                          label="local minima")
        (self.loss_line,) = self.loss_ax.plot([], [], color="C0", lw=1.5, animated=live)
        self.status = self.loss_ax.text(0.98, 0.96, "", transform=self.loss_ax.transAxes, ha="right", va="top",
                                        fontsize=9, color="C3", animated=live)
        self.title = self.fig.text(0.06, 0.95, "", fontsize=10, animated=live)
        from matplotlib.ticker import LogLocator, MaxNLocator

        for axis in (self.ax, self.loss_ax):
            axis.tick_params(labelsize=10)
        self.ax.set_xlabel(r"$x$", fontsize=11)
        self.ax.set_ylabel(r"$y$", fontsize=11)
        self.legend = None
        self.loss_ax.set_yscale("log")
        self.loss_ax.set_ylim(GAP_FLOOR / 10.0, 1e8)
        self.loss_ax.yaxis.set_major_locator(LogLocator(base=10.0, numticks=7))
        self.loss_ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        self.loss_ax.set_xlabel(r"step $k$", fontsize=11)
        self.loss_ax.set_ylabel(r"$f(x_k) - f^*$", fontsize=11)
        self.annotate = annotate
        self.view = view
        self.update(view)

    def _legend(self, with_local: bool) -> None:
        """The contour panel's legend; "local minima" only for an objective that has some."""
        if self.legend is not None:
            self.legend.remove()
        handles = [self.path_line, self.start_dot, self.min_dots] + ([self.local_dots] if with_local else [])
        self.legend = self.ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9)

    @property
    def dynamic_artists(self) -> tuple:
        texts = (self.status, self.title) if self.annotate else ()
        return (self.path_line, self.start_dot, self.loss_line) + texts

    def update(self, view: ExplorerView) -> None:
        """Show ``view``: redraw the static layer only if the objective or the step count changed."""
        obj = view.objective
        key = (obj.name, tuple(sorted(obj.params.items())), view.steps)
        if key != self._static_key:
            if key[:2] != (self._static_key or (None, None))[:2]:
                if self._contours is not None:
                    self._contours.remove()
                X, Y, Z = _grid(obj)
                self._contours = self.ax.contour(X, Y, Z, levels=contour_levels(obj, Z), colors="0.6",
                                                 linestyles="solid", linewidths=0.7)
                (xa, xb), (ya, yb) = obj.box
                self.ax.set_xlim(xa, xb)
                self.ax.set_ylim(ya, yb)
                self.min_dots.set_data(obj.minimizers[:1, 0], obj.minimizers[:1, 1])
                self.local_dots.set_data(obj.minimizers[1:, 0], obj.minimizers[1:, 1])
                self._legend(len(obj.minimizers) > 1)
            self.loss_ax.set_xlim(0, max(1, view.steps))
            if self.live:
                self.fig.canvas.draw()               # the static layer (animated artists are skipped)
                self._background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
            self._static_key = key
            self.full_draws += 1
        path = view.run.path
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.start_dot.set_data(path[:1, 0], path[:1, 1])
        gaps = loss_gaps(view)
        self.loss_line.set_data(np.arange(gaps.size), gaps)
        self.status.set_text(view.message)
        self.title.set_text(_title(view))
        if self.live:
            self.fig.canvas.restore_region(self._background)
            for artist in self.dynamic_artists:
                self.fig.draw_artist(artist)
        self.view = view

    def rgba(self) -> np.ndarray:
        """The rendered figure as an (height, width, 4) uint8 array."""
        return np.asarray(self.fig.canvas.buffer_rgba())

    def image_bytes(self, fmt: str = "png") -> bytes:
        """The rendered figure encoded as ``"png"`` (for the book) or ``"jpeg"`` (quality 92; the live explorer
        uses it: encoding takes about 1 ms where PNG takes about 14 ms on the reference machine)."""
        from PIL import Image

        buffer = io.BytesIO()
        image = Image.fromarray(self.rgba())
        if fmt == "jpeg":
            image.convert("RGB").save(buffer, format="jpeg", quality=92)
        elif fmt == "png":
            image.save(buffer, format="png")
        else:
            raise ValueError(f"ExplorerFigure.image_bytes: fmt must be 'png' or 'jpeg'; got {fmt!r}.")
        return buffer.getvalue()


def draw_explorer(view: ExplorerView | None = None):
    """A static (pyplot) figure of one explorer state, the default state if ``view`` is None."""
    return ExplorerFigure(explorer_view() if view is None else view, dpi=100, live=False).fig


def draw_runs(objective: objectives.Objective, runs: dict, ax=None, loss_ax=None, run_legend: bool = True):
    """Contours of ``objective`` with several labelled runs (``{label: Trajectory}``), and their loss gaps.

    The global minimizer is a gold star, other local minima open circles. The legend sits outside the axes (to
    the right of the last panel), so it covers no curve; ``run_legend=False`` lists only the minima (for many
    unlabelled runs).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        if loss_ax is None and not run_legend:
            _, ax = plt.subplots(figsize=(6.5, 4.6), layout="constrained", facecolor="white")
        else:
            _, (ax, loss_ax) = plt.subplots(1, 2, figsize=(11.0, 4.4), layout="constrained", facecolor="white")
    X, Y, Z = _grid(objective)
    ax.contour(X, Y, Z, levels=contour_levels(objective, Z), colors="0.6", linestyles="solid", linewidths=0.7)
    run_handles = []
    for i, (label, run) in enumerate(runs.items()):
        run_handles += ax.plot(run.path[:, 0], run.path[:, 1], "-o", ms=2, lw=1.1, color=f"C{i % 10}", label=label)
        if loss_ax is not None:
            gaps = np.maximum(run.losses - objective.minimum, GAP_FLOOR)
            loss_ax.semilogy(gaps, color=f"C{i % 10}", label=label)
    min_handles = _mark_minimizers(ax, objective)
    (xa, xb), (ya, yb) = objective.box
    ax.set_xlim(xa, xb)
    ax.set_ylim(ya, yb)
    ax.set_xlabel(r"$x$", fontsize=11)
    ax.set_ylabel(r"$y$", fontsize=11)
    ax.tick_params(labelsize=10)
    handles = (run_handles if run_legend else []) + min_handles
    host = loss_ax if loss_ax is not None else ax
    host.legend(handles=handles, fontsize=9, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    if loss_ax is not None:
        loss_ax.set_xlabel(r"step $k$", fontsize=11)
        loss_ax.set_ylabel(r"$f(x_k) - f^*$", fontsize=11)
        loss_ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        loss_ax.tick_params(labelsize=10)
    return ax, loss_ax


class GDExplorer:
    """The live explorer: ipywidgets controls driving one :class:`ExplorerFigure` shown as a PNG image.

    ``redraw()`` runs on every control change: it recomputes the view with :func:`explorer_view`, updates the
    figure's artists and renders it into the image widget. Set a control's ``value`` programmatically and the
    figure follows, which is how the tests drive it without a browser.
    """

    def __init__(self):
        import ipywidgets as widgets

        d = DEFAULTS
        style = {"description_width": "initial"}
        self.objective = widgets.Dropdown(options=list(objectives.NAMES), value=d["objective"],
                                          description="objective")
        self.kappa = widgets.FloatSlider(value=d["kappa"], min=KAPPA_RANGE[0], max=KAPPA_RANGE[1], step=1.0,
                                         description="condition number κ", style=style)
        self.optimizer = widgets.Dropdown(options=[(v, k) for k, v in EXPLORER_OPTIMIZERS.items()],
                                          value=d["optimizer"], description="optimizer")
        self.lr = widgets.FloatLogSlider(value=d["lr"], base=10, min=LOG10_LR_RANGE[0], max=LOG10_LR_RANGE[1],
                                         step=0.01, readout_format=".3g", description=LR_LABEL, style=style)
        self.beta = widgets.FloatSlider(value=d["beta"], min=BETA_RANGE[0], max=BETA_RANGE[1], step=0.01,
                                        description="momentum / β", style=style,
                                        disabled=not uses_beta(d["optimizer"]))
        self.steps = widgets.IntSlider(value=d["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                                       description="steps")
        self.x0 = widgets.FloatSlider(value=d["start"][0], min=-2.0, max=2.0, step=0.05, description="start x")
        self.y0 = widgets.FloatSlider(value=d["start"][1], min=-1.5, max=1.5, step=0.05, description="start y")
        self.image = widgets.Image(format="jpeg")
        self.title = widgets.HTML()
        self.status = widgets.HTML()
        self.figure = ExplorerFigure(self.view(), annotate=False)
        self._resetting = False
        self.objective.observe(self._objective_changed, names="value")
        self.optimizer.observe(self._optimizer_changed, names="value")
        for control in (self.kappa, self.lr, self.beta, self.steps, self.x0, self.y0):
            control.observe(self.redraw, names="value")
        self.redraw()
        self.widget = widgets.VBox([
            widgets.HBox([self.objective, self.optimizer, self.kappa]),
            widgets.HBox([self.lr, self.beta, self.steps]),
            widgets.HBox([self.x0, self.y0]),
            self.title,
            self.image,
            self.status,
        ])

    def view(self) -> ExplorerView:
        return explorer_view(self.objective.value, self.kappa.value, self.optimizer.value, self.lr.value,
                             self.beta.value, self.steps.value, (self.x0.value, self.y0.value))

    def _optimizer_changed(self, _=None) -> None:
        """A new optimizer: enable the momentum / beta slider only if the optimizer reads it, then redraw."""
        self.beta.disabled = not uses_beta(self.optimizer.value)
        self.redraw()

    def _objective_changed(self, _=None) -> None:
        """A new objective: apply its default learning rate and beta (:data:`OBJECTIVE_DEFAULTS`), move the start
        sliders to its window and default start, then redraw once."""
        obj = objectives.get(self.objective.value)
        (xa, xb), (ya, yb) = obj.box
        defaults = objective_defaults(self.objective.value)
        self._resetting = True
        try:
            self.lr.value = defaults["lr"]
            self.beta.value = defaults["beta"]
            for slider, (lo, hi), value in ((self.x0, (xa, xb), obj.start[0]), (self.y0, (ya, yb), obj.start[1])):
                slider.min, slider.max = min(lo, slider.min), max(hi, slider.max)
                slider.value = value
                slider.min, slider.max = lo, hi
            self.kappa.disabled = self.objective.value != "quadratic"
        finally:
            self._resetting = False
        self.redraw()

    def redraw(self, _=None) -> None:
        if self._resetting:
            return
        view = self.view()
        self.figure.update(view)
        self.image.value = self.figure.image_bytes("jpeg")
        self.title.value = f"<b>{_title(view, tex=False)}</b>"
        colour = "#c0392b" if view.run.status != "ok" else "#333"
        self.status.value = f'<span style="color:{colour}">{view.message}</span>'


    def _ipython_display_(self):  # pragma: no cover - needs a Jupyter front end
        from IPython.display import display

        display(self.widget)


def gd_explorer() -> GDExplorer:  # pragma: no cover - needs a Jupyter front end; the logic is tested directly
    """The live gradient-descent explorer (run the chapter in Jupyter to use it)."""
    return GDExplorer()




# ------------------------------------------------------------------------------------------ guarantees

def _two_panels(width: float = 11.0, height: float = 4.0):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(width, height), layout="constrained", facecolor="white")
    for ax in axes:
        ax.tick_params(labelsize=10)
    return fig, axes


def draw_sgd_rates(decreasing: np.ndarray, predicted: np.ndarray, constant: dict, floors: dict):
    r"""SGD on the noisy quadratic: the :math:`O(1/t)` decay with :math:`\eta_t = 1/(\mu t)` and constant-step floors.

    Parameters
    ----------
    decreasing, predicted : ndarray, shape (T,)
        Measured and predicted :math:`\mathbb E\lVert x_{t+1}\rVert^2`, t = 1..T (log-log, left panel).
    constant : dict
        ``{lr: ndarray}``, measured mean squared errors per step with a constant step (right panel).
    floors : dict
        ``{lr: float}``, the predicted stationary errors (dashed lines).

    Returns
    -------
    matplotlib Figure

    References
    ----------
    Book: Optimization, "SGD with decreasing steps" (claims ``optim.sgd-decreasing-rate``, ``optim.sgd-noise-floor``).
    """
    fig, (ax, ax2) = _two_panels()
    ts = np.arange(1, len(decreasing) + 1)
    ax.loglog(ts, decreasing, color="C0", lw=1.2, label=r"measured, $\eta_t = 1/(\mu t)$")
    ax.loglog(ts, predicted, "k--", lw=0.9, label=r"$d\sigma^2/(\mu^2 t)$")
    ax.set_xlabel(r"step $t$", fontsize=11)
    ax.set_ylabel(r"$\mathbb{E}\,\|x_{t+1} - x^*\|^2$", fontsize=11)
    ax.legend(fontsize=9)
    for i, (lr, curve) in enumerate(constant.items()):
        ax2.semilogy(np.arange(len(curve)), curve, color=f"C{i + 1}", lw=0.9, label=rf"$\eta = {lr:g}$")
        ax2.axhline(floors[lr], color=f"C{i + 1}", ls="--", lw=0.9)
    ax2.set_xlabel(r"step $t$", fontsize=11)
    ax2.set_ylabel(r"$\mathbb{E}\,e_t^2$ (dashed: $\eta\sigma^2/(\lambda(2 - \eta\lambda))$)", fontsize=11)
    ax2.legend(fontsize=9, loc="upper right")
    return fig


def draw_nonconvex_guarantees(min_grad_sq: np.ndarray, bounds: np.ndarray, pl_gaps: np.ndarray, pl_rate: float):
    r"""Left: :math:`\min_{t<T}\lVert\nabla f\rVert^2` against :math:`2L(f(x_0) - f^*)/T`; right: PL's linear rate.

    Parameters
    ----------
    min_grad_sq, bounds : ndarray, shape (T,)
        The running minimum of the squared gradient norm and the bound, for T = 1, 2, ...
    pl_gaps : ndarray, shape (K,)
        :math:`f(x_k) - f^*` of gradient descent on a PL function.
    pl_rate : float
        The guaranteed contraction :math:`1 - \mu/L`: the dashed envelope :math:`(1 - \mu/L)^k (f(x_0) - f^*)`.

    Returns
    -------
    matplotlib Figure

    References
    ----------
    Book: Optimization, "Non-convex objectives" (claims ``optim.nonconvex-stationarity``, ``optim.pl-linear-rate``).
    """
    fig, (ax, ax2) = _two_panels()
    ts = np.arange(1, len(min_grad_sq) + 1)
    ax.loglog(ts, np.maximum(min_grad_sq, GAP_FLOOR), color="C0", lw=1.2,
              label=r"$\min_{t<T} \|\nabla f(x_t)\|^2$")
    ax.loglog(ts, bounds, "k--", lw=0.9, label=r"$2L\,(f(x_0) - f^*)/T$")
    ax.set_xlabel(r"steps $T$", fontsize=11)
    ax.set_ylabel(r"squared gradient norm", fontsize=11)
    ax.legend(fontsize=9, loc="lower left")
    ks = np.arange(len(pl_gaps))
    ax2.semilogy(ks, np.maximum(pl_gaps, GAP_FLOOR), color="C1", lw=1.2, label=r"$f(x_k) - f^*$")
    ax2.semilogy(ks, pl_gaps[0] * pl_rate**ks, "k--", lw=0.9, label=r"$(1 - \mu/L)^k\,(f(x_0) - f^*)$")
    ax2.set_ylim(GAP_FLOOR, 10 * pl_gaps[0])
    ax2.set_xlabel(r"step $k$", fontsize=11)
    ax2.set_ylabel(r"$f(x_k) - f^*$", fontsize=11)
    ax2.legend(fontsize=9, loc="upper right")
    return fig


def draw_schedules_warmup(steps: np.ndarray, schedules: dict, var_steps: np.ndarray, measured_var: np.ndarray,
                          predicted_var: np.ndarray, warmup: float):
    r"""Left: learning-rate schedules; right: the relative variance of Adam's :math:`\hat v_t`, measured and predicted.

    Parameters
    ----------
    steps : ndarray, shape (T,)
        The steps at which the schedules are drawn.
    schedules : dict
        ``{label: ndarray shape (T,)}``.
    var_steps, measured_var, predicted_var : ndarray, shape (K,)
        Steps t and :math:`\operatorname{Var}\hat v_t / \mathbb E[g^2]^2` (markers: measured; line: formula).
    warmup : float
        The warm-up length :math:`2/(1 - \beta_2)`, a dotted vertical line.

    Returns
    -------
    matplotlib Figure

    References
    ----------
    Book: Optimization, "Learning-rate schedules" (claims ``optim.lr-schedules``, ``optim.adam-warmup-variance``).
    """
    fig, (ax, ax2) = _two_panels()
    for i, (label, values) in enumerate(schedules.items()):
        ax.plot(steps, values, color=f"C{i}", lw=1.3, label=label)
    ax.set_xlabel(r"step $t$", fontsize=11)
    ax.set_ylabel(r"learning rate $\eta_t$", fontsize=11)
    ax.legend(fontsize=9, loc="upper right")
    ax2.loglog(var_steps, predicted_var, "k-", lw=1.0,
               label=r"$\frac{2(1-\beta_2)(1+\beta_2^t)}{(1+\beta_2)(1-\beta_2^t)}$")
    ax2.loglog(var_steps, measured_var, "o", color="C3", ms=5, label="measured (adam_step)")
    ax2.axvline(warmup, color="0.5", ls=":", label=r"$2/(1-\beta_2)$")
    ax2.set_xlabel(r"step $t$", fontsize=11)
    ax2.set_ylabel(r"$\mathrm{Var}\,\hat v_t\,/\,\mathbb{E}[g^2]^2$", fontsize=11)
    ax2.legend(fontsize=9, loc="lower left")
    return fig

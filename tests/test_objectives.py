"""Tests of mathdl.objectives: each numpy value/gradient/Hessian against the SymPy expression it comes from."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from mathdl import objectives
from mathdl.objectives import kappa, x, y
from mathdl.verify import agree

#: Worst relative error between a stationary point's gradient and zero, relative to the gradient's scale.
STATIONARY_ATOL = 1e-12
#: Points drawn for each agreement.
POINTS = 30

CLAIM_OF = {name: f"objectives.{name}-derivatives" for name in objectives.NAMES}


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


def _instance(name: str, k: float = 7.0) -> objectives.Objective:
    return objectives.get(name, kappa=k) if name == "quadratic" else objectives.get(name)


@pytest.mark.parametrize("name", objectives.NAMES)
def test_value_gradient_hessian_agree_with_sympy(name):
    """claims objectives.quadratic-derivatives, objectives.rosenbrock-derivatives,
    objectives.saddle-derivatives, objectives.wells-derivatives: numpy == SymPy at random points."""
    k = 7.0
    obj = _instance(name, k)
    f = objectives.EXPRESSIONS[name].subs(kappa, k)
    grad = objectives.symbolic_gradient(name).subs(kappa, k)
    hess = objectives.symbolic_hessian(name).subs(kappa, k)
    claim = CLAIM_OF[name]
    assert agree(f, lambda a, b: obj.value(np.array([a, b])), [x, y], points=POINTS, claim=claim).passed
    assert agree(grad, lambda a, b: obj.grad(np.array([a, b])), [x, y], points=POINTS, claim=claim).passed
    assert agree(hess, lambda a, b: obj.hessian(np.array([a, b])), [x, y], points=POINTS, claim=claim).passed


def test_gradient_is_derivative_of_value(rng):
    """Central differences of the numpy value match the numpy gradient (independent of SymPy)."""
    h = 1e-6
    for name in objectives.NAMES:
        obj = _instance(name)
        for _ in range(5):
            p = rng.uniform(-1.5, 1.5, size=2)
            fd = np.array([(obj.value(p + h * e) - obj.value(p - h * e)) / (2 * h) for e in np.eye(2)])
            assert np.allclose(fd, obj.grad(p), rtol=1e-6, atol=1e-6), name


def test_value_on_grid_matches_pointwise(rng):
    obj = objectives.rosenbrock()
    pts = rng.uniform(-2, 2, size=(4, 3, 2))
    grid = obj.value(pts)
    assert grid.shape == (4, 3)
    assert grid[2, 1] == obj.value(pts[2, 1])


def test_quadratic_condition_number_is_kappa():
    """claim objectives.quadratic-derivatives: the Hessian's eigenvalue ratio is kappa."""
    for k in (1.0, 10.0, 250.0):
        eig = np.linalg.eigvalsh(objectives.quadratic(k).hessian(np.zeros(2)))
        assert eig[-1] / eig[0] == pytest.approx(k, rel=1e-14)
    H = objectives.symbolic_hessian("quadratic")
    assert set(H.eigenvals()) == {1, kappa}      # mu = 1, L = kappa, so L / mu = kappa


@pytest.mark.parametrize("name", objectives.NAMES)
def test_minimizers_are_stationary_with_positive_definite_hessian(name):
    """claims objectives.*-derivatives: every listed minimizer has zero gradient and a PD Hessian."""
    obj = _instance(name)
    for m in obj.minimizers:
        assert np.max(np.abs(obj.grad(m))) < STATIONARY_ATOL, (name, m)
        assert np.all(np.linalg.eigvalsh(obj.hessian(m)) > 0), (name, m)
    assert obj.value(obj.minimizers[0]) == pytest.approx(obj.minimum)


def test_rosenbrock_has_one_stationary_point():
    """claim objectives.rosenbrock-derivatives: SymPy solves grad f = 0 exactly: only (1, 1)."""
    grad = objectives.symbolic_gradient("rosenbrock")
    solutions = sp.solve(list(grad), [x, y], dict=True)
    assert solutions == [{x: 1, y: 1}]


def test_saddle_structure():
    """claim objectives.saddle-derivatives: stationary points (0, 0) (mixed-sign Hessian) and (0, +-1)."""
    grad = objectives.symbolic_gradient("saddle")
    points = {(s[x], s[y]) for s in sp.solve(list(grad), [x, y], dict=True)}
    assert points == {(0, 0), (0, 1), (0, -1)}
    H0 = objectives.symbolic_hessian("saddle").subs({x: 0, y: 0})
    assert sorted(H0.eigenvals()) == [-1, 1]
    obj = objectives.saddle()
    assert obj.minimum == -0.25


def test_wells_four_minima_one_global():
    """claim objectives.wells-derivatives: four local minima; the (-, -) well is the unique global one."""
    obj = objectives.wells()
    assert obj.minimizers.shape == (4, 2)
    values = [float(obj.value(m)) for m in obj.minimizers]
    assert values[0] < min(values[1:]) - 0.1
    assert np.all(obj.minimizers[0] < 0)
    # nine stationary points in all: 3 roots of 4t^3 - 4t + c per coordinate
    for c in (sp.Rational(3, 10), sp.Rational(1, 5)):
        assert len(sp.real_roots(4 * x**3 - 4 * x + c)) == 3


def test_expression_property_substitutes_kappa():
    assert objectives.quadratic(3.0).expression == (x**2 + 3.0 * y**2) / 2


def test_bad_inputs():
    with pytest.raises(ValueError, match="kappa .* must be a finite number >= 1"):
        objectives.quadratic(0.5)
    with pytest.raises(ValueError, match="kappa"):
        objectives.quadratic(float("nan"))
    with pytest.raises(ValueError, match="name must be one of"):
        objectives.get("himmelblau")
    with pytest.raises(ValueError, match="has no parameters"):
        objectives.get("rosenbrock", kappa=3.0)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        objectives.rosenbrock().grad(np.zeros(3))
    with pytest.raises(TypeError, match="numpy array"):
        objectives.saddle().hessian("origin")
    with pytest.raises(ValueError, match="name must be one of"):
        objectives.symbolic_gradient("nope")

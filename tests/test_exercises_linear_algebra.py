"""Self-checks of the linear-algebra chapter's exercises: each registered solution recomputed independently (from
mathdl, the autodiff engine, SymPy or a search), and the usual wrong answers rejected with the hint they should get."""
from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

from mathdl import autodiff as ad
from mathdl import linalg, spectral
from mathdl.exercises import _get, check, exercises
from mathdl.figures.linalg import svd_view

ROOT = Path(__file__).resolve().parent.parent
OURS = exercises("linear_algebra")
IDS = {e.id for e in OURS}


def test_the_chapter_registers_its_self_checks():
    assert IDS == {"ex-linear_algebra-svd-collapse", "ex-linear_algebra-power-steps", "ex-linear_algebra-jl-dims",
                   "ex-linear_algebra-gram-vjp", "ex-linear_algebra-backward-bug"}
    assert {e.kind for e in OURS} == {"expression", "number", "function", "vjp"}


def _exercise_blocks() -> list[tuple[str, str]]:
    nb = json.loads((ROOT / "book" / "linear_algebra.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)\n:class: (kind-\w+)\n", text)


def test_every_exercise_has_a_kind_and_a_solution():
    blocks = _exercise_blocks()
    labels = [label for label, _ in blocks]
    assert len(blocks) >= 9 and len(set(labels)) == len(labels)
    assert {kind for _, kind in blocks} == {"kind-derive", "kind-compute", "kind-prove", "kind-explore", "kind-bug"}
    assert IDS <= set(labels)
    nb = json.loads((ROOT / "book" / "linear_algebra.ipynb").read_text())
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for label in labels:
        assert f"```{{solution}} {label}\n:class: dropdown\n" in md, label
        assert f"# {label}: " in code, f"{label}: no check cell comment"


# -- the registered solutions, recomputed -----------------------------------------------------------------------

def test_svd_collapse_is_what_the_explorer_and_lapack_show():
    A = np.array([[1.0, 2.0], [0.5, 1.0]])
    sol = _get("ex-linear_algebra-svd-collapse").solution
    assert np.allclose(spectral.singular_values(A), sol, rtol=0, atol=1e-12)
    assert np.allclose(svd_view(1.0, 2.0, 0.5, 1.0).sigma, sol, rtol=0, atol=1e-12)
    # the largest stretch over a fine grid of unit inputs
    theta = np.linspace(0, np.pi, 100_001)
    stretch = np.linalg.norm(np.stack([np.cos(theta), np.sin(theta)], 1) @ A, axis=1)
    assert stretch.max() == pytest.approx(sol[0], rel=1e-9)
    assert stretch.min() == pytest.approx(sol[1], abs=1e-4)


def test_power_steps_solves_rho_to_the_4n_equal_eps():
    ex = _get("ex-linear_algebra-power-steps")
    eps, rho = ex.symbols
    n = sp.Symbol("n", positive=True)
    roots = [r for r in sp.solve(sp.Eq(rho ** (4 * n), eps), n) if not r.has(sp.I)]   # SymPy also lists complex roots
    assert len(roots) == 1 and sp.simplify(roots[0] - ex.solution) == 0
    # and the exact two-value error of the chapter, at 50 digits and large t, shrinks by eps over that many steps
    with mpmath.workdps(50):
        r, g = mpmath.mpf("0.8"), mpmath.mpf("0.7")

        def err(t):
            return g * r ** (4 * t) * (1 - r**2) / (1 + g * r ** (4 * t))

        steps = mpmath.mpf(str(sp.N(ex.solution.subs({eps: sp.Rational(1, 10**6), rho: sp.Rational(4, 5)}), 50)))
        assert float(err(200 + steps) / err(200)) == pytest.approx(1e-6, rel=1e-12)


def test_power_steps_on_a_real_power_iteration():
    """From step 5 on, 16 steps gain six digits on diag(3, 2.4) and 15 do not (ln(1e-6)/(4 ln 0.8) = 15.5)."""
    e = {t: 1 - (spectral.power_iteration(np.diag([3.0, 2.4]), iters=t, tol=1e-300, seed=0)[0] / 3) ** 2
         for t in (5, 20, 21)}
    assert e[21] / e[5] <= 1e-6 < e[20] / e[5]
    ex = _get("ex-linear_algebra-power-steps")
    assert int(np.ceil(float(ex.solution.subs(dict(zip(ex.symbols, (1e-6, 0.8))))))) == 16


def test_jl_dims_by_exact_search():
    """Smallest k with k (eps^2/2 - eps^3/3) >= 4 ln n, in exact rationals and 40-digit logarithms."""
    def smallest(n, eps):
        rate = Fraction(eps) ** 2 / 2 - Fraction(eps) ** 3 / 3
        need = 4 * mpmath.log(n)
        k = int(need / mpmath.mpf(rate.numerator) * rate.denominator) - 2
        while k * mpmath.mpf(rate.numerator) / rate.denominator < need:
            k += 1
        return k

    cases = ((10**4, 0.1), (10**8, 0.1), (10**4, 0.05))
    with mpmath.workdps(40):
        expected = tuple(smallest(n, e) for n, e in cases)
    assert _get("ex-linear_algebra-jl-dims").solution == expected
    assert expected == tuple(linalg.jl_min_dim(n, e) for n, e in cases)


def test_gram_vjp_equals_the_engines_backward(rng):
    ex = _get("ex-linear_algebra-gram-vjp")
    X, G = rng.standard_normal((5, 3)), rng.standard_normal((3, 3))
    grad = ad.grad(lambda x: ((x.T @ x) * G).sum())(X)            # d/dX of <G, XᵀX>, by reverse mode
    assert np.allclose(ex.solution(G, X), grad, rtol=1e-12)
    assert np.allclose(ex.forward(X), X.T @ X)


def test_backward_bug_solution_is_dense_vjp(rng):
    ex = _get("ex-linear_algebra-backward-bug")
    X, W, G = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    assert np.allclose(ex.solution(X, G), linalg.dense_vjp(G, X, W)[1], rtol=1e-12)


# -- the usual mistakes get their hint ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer, hint", [
    ((-2.5, 0.0), "sign"),
    ((5.0, 0.0), "factor 2"),
    ((2.5, 0.5), "number 2 of 2 is off"),
])
def test_svd_collapse_hints(answer, hint):
    v = check("ex-linear_algebra-svd-collapse", answer)
    assert not v.correct and hint in v.hint, v


def test_svd_collapse_wants_two_numbers():
    assert "expected 2 number(s)" in check("ex-linear_algebra-svd-collapse", 2.5).message


@pytest.mark.parametrize("answer, hint", [
    ("log(eps)/(2*log(rho))", "factor 2"),             # the rate of the direction, not of sigma_hat
    ("log(1/eps)/(4*log(rho))", "sign"),
    ("log(eps)/log(rho)", "constant factor (4)"),
])
def test_power_steps_hints(answer, hint):
    v = check("ex-linear_algebra-power-steps", answer)
    assert not v.correct and hint in v.hint, v


def test_power_steps_accepts_equivalent_forms_and_refuses_foreign_symbols():
    assert check("ex-linear_algebra-power-steps", "log(1/eps)/log(rho**(-4))").correct
    assert check("ex-linear_algebra-power-steps", "-log(eps)/(4*log(1/rho))").correct
    assert "does not define" in check("ex-linear_algebra-power-steps", "log(eps)/(4*log(sigma))").message


def test_jl_dims_hints():
    v = check("ex-linear_algebra-jl-dims", (7895, 15790, 2 * 7895))    # halving eps taken as doubling k
    assert not v.correct and "number 3 of 3 is off" in v.hint
    unrounded = tuple(4 * np.log(n) / (e**2 / 2 - e**3 / 3) for n, e in ((10**4, 0.1), (10**8, 0.1), (10**4, 0.05)))
    assert not check("ex-linear_algebra-jl-dims", unrounded).correct   # k is an integer: round up
    assert "factor 2" in check("ex-linear_algebra-jl-dims", (2 * 7895, 2 * 15790, 2 * 30490)).hint


def test_gram_vjp_hints():
    assert not check("ex-linear_algebra-gram-vjp", lambda G, X: 2 * X @ G).correct      # right for symmetric G only
    assert not check("ex-linear_algebra-gram-vjp", lambda G, X: X @ G).correct
    assert "factor 2 (too small)" in check("ex-linear_algebra-gram-vjp", lambda G, X: X @ (G + G.T) / 2).hint
    assert "raised ValueError" in check("ex-linear_algebra-gram-vjp", lambda G, X: G @ X).message
    assert check("ex-linear_algebra-gram-vjp", lambda G, X: X @ G + X @ G.T).correct


def test_backward_bug_hints():
    assert "transpose of the expected" in check("ex-linear_algebra-backward-bug", lambda X, G: G.T @ X).hint
    assert "expected (3, 3)" in check("ex-linear_algebra-backward-bug", lambda X, G: X @ G.T).hint
    assert "expected a Python function" in check("ex-linear_algebra-backward-bug", np.eye(3)).message

"""Tests of the exercises of the chapter "Probability and statistics" (``book/probability.ipynb``).

Every registered solution is recomputed independently (exact fractions, the chapter's ``mathdl`` functions,
SciPy's distributions, finite differences, SymPy from the definitions), typical wrong answers get the expected
hint, and the notebook's exercises are complete: at least nine, each with a kind, a solution and a check."""
from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from mathdl import probability
from mathdl import probability_families as families
from mathdl import probability_limits as limits
from mathdl.exercises import _get, check, exercises

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = json.loads((ROOT / "book" / "probability.ipynb").read_text())
MARKDOWN = "\n".join("".join(c["source"]) for c in NOTEBOOK["cells"] if c["cell_type"] == "markdown")
CODE = "\n".join("".join(c["source"]) for c in NOTEBOOK["cells"] if c["cell_type"] == "code")
KINDS = ("derive", "compute", "prove", "explore", "bug")
EXERCISES = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)\n:class: kind-(\w+)\n", MARKDOWN)


# -- the solutions, recomputed ------------------------------------------------------------------------------

def test_three_tests_by_counting_and_by_bayes_posterior():
    # a population counted in exact fractions: ill and three positives vs healthy and three positives
    ill = Fraction(1, 100) * Fraction(95, 100) ** 3
    healthy = Fraction(99, 100) * Fraction(5, 100) ** 3
    exact = ill / (ill + healthy)
    assert exact == Fraction(6859, 6958)
    belief = np.array([0.01, 0.99])
    for _ in range(3):
        belief = probability.bayes_posterior(belief, np.array([0.95, 0.05]))
    sol = _get("ex-probability-three-tests").solution
    assert sol == pytest.approx(float(exact), rel=1e-15) and belief[0] == pytest.approx(sol, rel=1e-12)


def test_crossover_by_scanning_the_two_bounds():
    ns = np.arange(1, 3001)
    smaller = [limits.hoeffding_bound(int(n), 0.1) < limits.chebyshev_bound(int(n), 0.1, 0.25) for n in ns]
    last_not = max(n for n, s in zip(ns, smaller) if not s)
    assert _get("ex-probability-crossover").solution == last_not + 1 == 108
    assert all(smaller[last_not:])


def test_lognormal_variance_against_scipy():
    ex = _get("ex-probability-lognormal-variance")
    mu, sigma = ex.symbols
    for m, s in [(0.3, 0.8), (-1.2, 0.25), (2.0, 1.5)]:
        ref = stats.lognorm(s=s, scale=np.exp(m)).var()
        assert float(ex.solution.subs({mu: m, sigma: s})) == pytest.approx(ref, rel=1e-12)


def test_lognormal_variance_by_quadrature_of_the_mathdl_density():
    ex = _get("ex-probability-lognormal-variance")
    mu, sigma = ex.symbols
    y = np.geomspace(1e-9, 1e4, 400_001)
    p = np.exp(families.lognormal_log_density(y, 0.3, 0.8))
    mean = np.trapezoid(y * p, y)
    assert np.trapezoid((y - mean) ** 2 * p, y) == pytest.approx(float(ex.solution.subs({mu: 0.3, sigma: 0.8})),
                                                                 rel=1e-6)


def test_score_solution_is_the_mathdl_vjp_and_the_finite_difference(rng):
    score = _get("ex-probability-score-bug").solution
    for n in (1, 3, 8):
        x, mu, sigma = rng.normal(size=n), 0.4, 1.3
        _, dmu, dsigma = probability.gaussian_log_likelihood_vjp(1.0, x, mu, sigma)
        assert np.allclose(score(x, np.array(mu), np.array(sigma)), [dmu, dsigma], rtol=1e-12)
        h = 1e-6
        ll = probability.gaussian_log_likelihood
        fd = [(ll(x, mu + h, sigma) - ll(x, mu - h, sigma)) / (2 * h),
              (ll(x, mu, sigma + h) - ll(x, mu, sigma - h)) / (2 * h)]
        assert np.allclose(score(x, np.array(mu), np.array(sigma)), fd, rtol=1e-6)


def test_bernoulli_curvature_from_the_definition_and_by_differences():
    ex = _get("ex-probability-bernoulli-curvature")
    (eta,) = ex.symbols
    assert sp.simplify(sp.diff(sp.log(1 + sp.exp(eta)), eta, 2) - ex.solution) == 0
    e = np.array([-5.0, -0.3, 0.0, 1.1, 4.0])
    h = 1e-4
    second = (families.bernoulli_log_partition(e + h) - 2 * families.bernoulli_log_partition(e)
              + families.bernoulli_log_partition(e - h)) / h**2
    values = np.array([float(ex.solution.subs(eta, v)) for v in e])
    assert np.allclose(second, values, atol=1e-6)


# -- typical wrong answers get the expected hint ------------------------------------------------------------

@pytest.mark.parametrize("exercise, answer, hint", [
    ("ex-probability-three-tests", 0.9858, "more digits"),
    ("ex-probability-three-tests", -6859 / 6958, "sign"),
    ("ex-probability-crossover", 216, "factor 2"),
    ("ex-probability-lognormal-variance", "-(exp(sigma**2) - 1)*exp(2*mu + sigma**2)", "sign"),
    ("ex-probability-lognormal-variance", "exp(2*mu + 2*sigma**2) - exp(2*mu + sigma**2) + 1", "additive constant"),
    ("ex-probability-lognormal-variance", "exp(2*mu + 2*sigma**2)", "differs from the solution"),
    ("ex-probability-bernoulli-curvature", "exp(eta)/(1 + exp(eta))", "differs from the solution"),
    ("ex-probability-bernoulli-curvature", "2*exp(eta)/(1 + exp(eta))**2", "factor 2"),
])
def test_wrong_answers_get_hints(exercise, answer, hint):
    v = check(exercise, answer)
    assert not v.correct and hint in (v.hint or ""), v


def test_the_buggy_score_is_rejected_and_the_fix_accepted():
    def buggy(x, mu, sigma):
        return np.array([np.sum(x - mu) / sigma**2, np.sum((x - mu) ** 2) / sigma**3 - 1 / sigma])

    def fixed(x, mu, sigma):
        return np.array([np.sum(x - mu) / sigma**2, -len(x) / sigma + np.sum((x - mu) ** 2) / sigma**3])

    v = check("ex-probability-score-bug", buggy)
    assert not v.correct and "relative error" in v.hint, v
    assert "sign" in check("ex-probability-score-bug", lambda x, m, s: -fixed(x, m, s)).hint
    assert check("ex-probability-score-bug", fixed).correct


def test_equivalent_forms_are_accepted():
    assert check("ex-probability-three-tests", sp.Rational(6859, 6958)).correct
    assert check("ex-probability-three-tests", 0.985772).correct                 # 6 significant digits
    assert check("ex-probability-lognormal-variance", "exp(2*mu + 2*sigma**2) - exp(2*mu + sigma**2)").correct
    s = "1/(1 + exp(-eta))"
    assert check("ex-probability-bernoulli-curvature", f"{s}*(1 - {s})").correct


def test_sigma_is_positive_and_mu_is_any_real():
    # sqrt(exp(2*mu)) is exp(mu) for real mu; a variance in sigma**2 only needs no |sigma|
    assert check("ex-probability-lognormal-variance", "(exp(sigma**2) - 1)*sqrt(exp(4*mu))*exp(sigma**2)").correct
    assert "does not define" in check("ex-probability-lognormal-variance", "tau**2").message


# -- the notebook's exercises ------------------------------------------------------------------------------

def test_at_least_nine_exercises_of_every_kind():
    labels = [label for label, _ in EXERCISES]
    assert len(labels) >= 9 and len(set(labels)) == len(labels)
    assert {kind for _, kind in EXERCISES} == set(KINDS)
    assert len(re.findall(r"```\{exercise\}", MARKDOWN)) == len(labels)  # every exercise has a kind


def test_every_exercise_has_a_solution_and_a_check():
    for label, _ in EXERCISES:
        assert f"```{{solution}} {label}\n:class: dropdown\n" in MARKDOWN, label
        assert re.search(rf"^# {re.escape(label)}\b", CODE, flags=re.M), f"{label}: no check in the notebook"


def test_self_checks_are_exercises_and_show_what_to_pass():
    registered = exercises("probability")
    assert len(registered) >= 5 and {e.kind for e in registered} >= {"expression", "number", "function"}
    for ex in registered:
        assert ex.id in dict(EXERCISES), ex.id
        line = (f'**Check your answer** in Jupyter: `from mathdl.exercises import check; check("{ex.id}", answer)`, '
                "where `answer` is " + ex.asks.replace("**", r"\*\*") + ".")   # Markdown would read ** as bold
        assert line in MARKDOWN, ex.id

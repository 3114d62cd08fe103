"""The verification core checks what it claims to check -- and each check can fail."""
from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import verify
from mathdl.verify import AgreementError, GradcheckError, ProofError, agree, derive, gradcheck

x, y = sp.symbols("x y", real=True)


# ------------------------------------------------------------------------------------------------ derive

def test_a_true_chain_is_proved_step_by_step():
    d = derive((x + y) ** 2, (x**2 + 2 * x * y + y**2, "expand"), (x * (x + 2 * y) + y**2, "factor x"))
    assert [how for _, _, how in d.steps] == ["proved", "proved"]
    assert sp.expand(d.result - (x + y) ** 2) == 0
    assert repr(d) == "<derivation: 2 steps, 2 proved by SymPy>"


def test_a_wrong_step_fails_and_shows_the_step():
    with pytest.raises(ProofError, match=r"step 2 \(oops\) failed: SymPy could not prove it") as err:
        derive((x + y) ** 2, (x**2 + 2 * x * y + y**2, "expand"), (x**2 + y**2, "oops"))
    assert "x**2 + y**2" in str(err.value)


def test_a_step_that_is_off_by_a_tiny_constant_fails():
    with pytest.raises(ProofError):
        derive(sp.sin(x) ** 2 + sp.cos(x) ** 2, (1 + sp.Rational(1, 10**12), "nearly"))


def test_numeric_steps_are_labelled_and_can_fail():
    d = derive(sp.sin(x) ** 2, (1 - sp.cos(x) ** 2, "Pythagoras"))
    assert d.steps[0][2] == "proved"
    labelled = verify.Derivation(x).step(x + 0 * y, "trivially", numeric=True)
    assert labelled.steps[0][2] == "numeric"
    assert "numerically only" in labelled._repr_latex_()
    assert "1 checked numerically only" in repr(labelled)
    with pytest.raises(ProofError, match="numeric check failed"):
        verify.Derivation(sp.sin(x)).step(x, "small-angle", numeric=True)


def test_matrix_symbol_identities_of_any_shape():
    n, d, k = sp.symbols("n d k", positive=True, integer=True)
    X, W = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("W", d, k)
    derive((X * W).T, (W.T * X.T, "transpose of a product"))
    with pytest.raises(ProofError):
        derive((X * W).T, (2 * W.T * X.T, "wrong factor"))


def test_shape_mismatch_is_reported():
    with pytest.raises(ProofError, match="different shapes"):
        derive(sp.Matrix([x, y]), (x + y, "collapse"))


def test_latex_shows_every_step_with_its_justification():
    d = derive(x * (x + 1), (x**2 + x, "distribute"), lhs="f(x)")
    latex = d._repr_latex_()
    assert latex.startswith("$$\\begin{aligned} f(x) &= ")
    assert r"\text{distribute}\ \checkmark" in latex


def test_bad_arguments_are_clear():
    with pytest.raises(TypeError, match="expected a SymPy expression"):
        derive("x + 1")
    with pytest.raises(ValueError, match="justification"):
        derive(x, (x, ""))
    with pytest.raises(ValueError, match="claim must be an id"):
        derive(x, claim="Not An Id")


@settings(max_examples=30, deadline=None)
@given(st.integers(-5, 5), st.integers(-5, 5), st.integers(1, 4))
def test_polynomial_identities_are_proved_and_perturbations_are_not(a, b, m):
    derive((x + a) ** m * (x + b), (sp.expand((x + a) ** m * (x + b)), "expand"))
    with pytest.raises(ProofError):
        derive((x + a) ** m * (x + b), (sp.expand((x + a) ** m * (x + b)) + 1, "off by one"))


# ------------------------------------------------------------------------------------------------- agree

def test_agree_passes_for_a_correct_implementation():
    report = agree(sp.exp(x) * sp.sin(y), lambda a, b: np.exp(a) * np.sin(b), [x, y], claim="verify.demo-agree")
    assert report.passed and report.worst < verify.AGREE_RTOL
    assert str(report) == "agree verify.demo-agree: 20 points, max relative error < 1e-10: True"


def test_agree_fails_for_a_wrong_implementation():
    with pytest.raises(AgreementError, match="max relative error < 1e-10: False"):
        agree(sp.exp(x), lambda a: np.exp(a) * (1 + 1e-8), [x])
    report = agree(sp.exp(x), lambda a: np.exp(a) + 1e-3, [x], check=False)
    assert not report.passed


def test_agree_with_matrix_inputs_and_domains():
    A = sp.Matrix(2, 2, sp.symbols("a:4"))
    agree(A.det(), np.linalg.det, [A])
    agree(sp.log(x), np.log, [x], domain=(0.1, 5.0))
    agree(sp.log(x), np.log, [x], domain={x: lambda rng, shape: rng.uniform(1, 2, size=shape)})
    agree(sp.log(A.det()), lambda M: np.log(np.linalg.det(M)), [A],
          domain={0: lambda rng, shape: np.eye(2) + 0.1 * rng.uniform(0, 1, size=shape)})


def test_agree_rejects_missing_symbols_and_shape_mismatch():
    with pytest.raises(ValueError, match="not among the inputs"):
        agree(x + y, lambda a: a, [x])
    with pytest.raises(AgreementError, match="shapes differ"):
        agree(sp.Matrix([x, x]), lambda a: np.array([a, a, a]), [x])


def test_agree_treats_nan_as_failure():
    with pytest.raises(AgreementError):
        agree(x, lambda a: np.nan, [x])


# --------------------------------------------------------------------------------------------- gradcheck

def test_gradcheck_passes_for_the_right_vjp(rng):
    A = rng.standard_normal((3, 4))
    report = gradcheck(lambda v: np.tanh(A @ v), lambda u, v: A.T @ (u * (1 - np.tanh(A @ v) ** 2)),
                       [rng.standard_normal(4)])
    assert report.passed and "full Jacobian" in str(report)


def test_gradcheck_fails_for_a_wrong_vjp(rng):
    A = rng.standard_normal((3, 4))
    with pytest.raises(GradcheckError, match="re-derive it"):
        gradcheck(lambda v: np.tanh(A @ v), lambda u, v: A.T @ u, [rng.standard_normal(4)])


def test_gradcheck_catches_a_transposed_gradient(rng):
    X = rng.standard_normal((3, 3))
    with pytest.raises(GradcheckError):
        gradcheck(lambda W: np.sum((X @ W) ** 2), lambda u, W: u * 2 * (X @ W).T @ X, [rng.standard_normal((3, 3))])


def test_gradcheck_reused_input_and_wrt(rng):
    a = rng.standard_normal(5)
    # f(x, y) = x * y at x = y: both gradients needed and correct
    gradcheck(lambda p, q: p * q, lambda u, p, q: (u * q, u * p), [a, a.copy()])
    gradcheck(lambda p, q: p * q, lambda u, p, q: u * p, [a, rng.standard_normal(5)], wrt=[1])


def test_gradcheck_on_large_inputs_uses_directions_only(rng):
    big = rng.standard_normal((20, 20))
    report = gradcheck(lambda m: np.sum(m**3), lambda u, m: u * 3 * m**2, [big])
    assert "full Jacobian" not in str(report)


def test_gradcheck_bad_input():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(np.sin, lambda u, v: u * np.cos(v), [np.array([1, 2])])
    with pytest.raises(GradcheckError, match="shape"):
        gradcheck(np.sin, lambda u, v: np.cos(v)[:1], [np.array([0.1, 0.2])])
    with pytest.raises(GradcheckError, match="not finite"):
        gradcheck(np.log, lambda u, v: u / v, [np.array([-1.0])])


# ------------------------------------------------------------------------------------------------ ledger

def test_ledger_records_claims_and_summary_counts_them():
    before = len(verify.ledger("verify.ledger-demo"))
    agree(x, lambda a: a, [x], claim="verify.ledger-demo")
    assert len(verify.ledger("verify.ledger-demo")) == before + 1
    assert re.match(r"^\d+ agree(, \d+ \w+)*; \d+ claim ids; all passed\.$", verify.summary("verify.ledger-demo"))


def test_summary_reports_failures():
    agree(x, lambda a: a + 1, [x], claim="verify.failure-demo", check=False)
    assert "1 FAILED" in verify.summary("verify.failure-demo")

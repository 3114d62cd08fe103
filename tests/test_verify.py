"""The verification core checks what it claims to check -- and each check can fail."""
from __future__ import annotations

import re
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mathdl import verify
from mathdl.verify import AgreementError, GradcheckError, ProofError, agree, derive, gradcheck

x, y = sp.symbols("x y", real=True)
p_, q_ = sp.symbols("p q", positive=True)


@pytest.fixture(autouse=True)
def fresh_ledger(monkeypatch):
    """Each test sees an empty record of checks, so counts do not depend on what ran before (or how often)."""
    monkeypatch.setattr(sys.modules["mathdl.verify.ledger"], "_LEDGER", [])


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
    assert d.steps[0][2] == "proved" and d.kind == "proved"
    labelled = verify.Derivation(sp.sin(x) ** 2 + sp.cos(x) ** 2).step(sp.Integer(1), "Pythagoras", numeric=True)
    assert labelled.steps[0][2] == "numeric" and labelled.kind == "numeric"
    assert r"\approx\ \text{numerically}" in labelled._repr_latex_()
    assert "checked numerically only" in labelled._repr_html_()
    assert "1 checked numerically only" in repr(labelled)
    with pytest.raises(ProofError, match="numeric check failed"):
        verify.Derivation(sp.sin(x)).step(x, "small-angle", numeric=True)


def test_matrix_symbol_identities_of_any_shape():
    n, d, k = sp.symbols("n d k", positive=True, integer=True)
    X, W = sp.MatrixSymbol("X", n, d), sp.MatrixSymbol("W", d, k)
    derive(sp.Transpose(X * W), (W.T * X.T, "transpose of a product"))
    with pytest.raises(ProofError):
        derive(sp.Transpose(X * W), (2 * W.T * X.T, "wrong factor"))


def test_shape_mismatch_is_reported():
    with pytest.raises(ProofError, match="different shapes"):
        derive(sp.Matrix([x, y]), (x + y, "collapse"))


def test_latex_shows_every_step_with_its_justification_and_domain():
    d = derive(x * (x + 1), (x**2 + x, "distribute"), lhs="f(x)")
    latex = d._repr_latex_()
    assert latex.startswith("$$\\begin{aligned} f(x) &\\mathrel{:=} ")  # a name is a definition, not a claim
    assert r"\text{distribute}\ \checkmark" in latex
    assert r"\text{for } x \in \mathbb{R}" in latex
    html = d._repr_html_()
    assert f'id="{d.anchor}"' in html and "for \\(x \\in \\mathbb{R}\\)" in html


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
    if (x + a) ** m * (x + b) != sp.expand((x + a) ** m * (x + b)):  # else the step would repeat the line
        derive((x + a) ** m * (x + b), (sp.expand((x + a) ** m * (x + b)), "expand"))
    with pytest.raises(ProofError):
        derive((x + a) ** m * (x + b), (sp.expand((x + a) ** m * (x + b)) + 1, "off by one"))


# ------------------------------------------------------------------------------------------------- agree

def test_agree_passes_for_a_correct_implementation():
    report = agree(sp.exp(x) * sp.sin(y), lambda a, b: np.exp(a) * np.sin(b), [x, y], claim="verify.demo-agree")
    assert report.passed and report.worst < verify.AGREE_RTOL
    assert str(report) == "agree verify.demo-agree: 20 points, max pointwise relative error < 1e-10: True"


def test_agree_fails_for_a_wrong_implementation():
    with pytest.raises(AgreementError, match="max pointwise relative error < 1e-10: False"):
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
    assert re.match(r"^checked numerically: \d+ agree \(1 claim ids\); 1 claim ids in all; all passed\.$",
                    verify.summary("verify.ledger-demo"))


def test_summary_reports_failures():
    agree(x, lambda a: a + 1, [x], claim="verify.failure-demo", check=False)
    assert "1 FAILED" in verify.summary("verify.failure-demo")


def test_summary_separates_proved_instance_numeric_and_measured():
    derive((x + 1) ** 2, (x**2 + 2 * x + 1, "expand"), claim="verify.kinds-demo")
    derive((1 + x + x**2) * (x - 1), (x**3 - 1, "geometric sum, n = 3"), claim="verify.kinds-demo", instance="n = 3")
    agree(x, lambda a: a, [x], claim="verify.kinds-demo")
    verify.measured(0.5, claim="verify.kinds-demo", statement="slope", expected=0.5, within=0.01)
    text = verify.summary("verify.kinds-demo")
    for words in ("proved in general: 1 derive", "proved for a stated instance: 1 derive",
                  "checked numerically: 1 agree", "measured: 1 measured"):
        assert words in text


def test_record_stores_every_check_with_kind_domain_and_anchor():
    d = derive(sp.exp(2 * x) + sp.exp(x), (sp.exp(x) * (sp.exp(x) + 1), "factor eˣ"), claim="verify.record-demo")
    bundle = verify.record("verify.record-demo")._repr_mimebundle_()
    records = bundle[verify.LEDGER_MIME]["records"]
    assert records[-1]["anchor"] == d.anchor and records[-1]["how"] == "proved"
    assert records[-1]["domain"] == r"x \in \mathbb{R}" and re.fullmatch(r"0|< 1e-\d+", records[-1]["worst"])
    assert "proved in general: 1 derive" in bundle["text/plain"]
    with pytest.raises(ValueError, match="claim prefixes"):
        verify.record()


def test_measured_can_fail_and_refuses_nan():
    with pytest.raises(verify.VerificationError, match="expected 0.5"):
        verify.measured(0.7, claim="verify.measure-demo", statement="slope", expected=0.5, within=0.05)
    with pytest.raises(verify.VerificationError, match="not finite"):
        verify.measured(float("nan"), claim="verify.measure-demo", statement="slope")


# -------------------------------------------------- the audit's holes, one false "proof" per class, each refused

A_, B_ = sp.MatrixSymbol("A", 3, 3), sp.MatrixSymbol("B", 3, 3)


def test_free_hint_callables_are_refused():
    with pytest.raises(TypeError, match="hint= is refused"):
        verify.Derivation(x**2).step(2 * x, "anything", hint=lambda e: 0)
    with pytest.raises(ValueError, match="rewrite must be one of"):
        verify.Derivation(x**2).step(2 * x, "anything", rewrite="zero")


def test_force_is_refused_with_the_reason():
    with pytest.raises(TypeError, match="force=True rewrites ignore the assumptions"):
        verify.Derivation(sp.log(p_ * q_)).step(sp.log(p_) + sp.log(q_), "split", force=True)


def test_log_of_a_product_splits_only_for_positive_factors():
    with pytest.raises(ProofError, match=r"needs x\*y > 0 \(the argument of a logarithm\)"):
        derive(sp.log(x * y), (sp.log(x) + sp.log(y), "split the log", "expand_log"))
    d = derive(sp.log(p_ * q_), (sp.log(p_) + sp.log(q_), "split the log", "expand_log"))
    assert "[expand log]" in d._repr_latex_() and "p, q > 0" in d.domain_latex()


def test_sqrt_of_a_square_is_the_symbol_only_when_it_is_positive_and_the_page_says_so():
    with pytest.raises(ProofError, match="could not prove|needs"):
        derive(sp.sqrt(x**2 + 2 * x * y + y**2), (x + y, "root of a square"))
    d = derive(sp.sqrt(p_**2 + 2 * p_ * q_ + q_**2), (p_ + q_, "root of a square", "factor"))
    assert "p, q > 0" in d._repr_latex_()


def test_a_left_hand_side_is_proved_or_shown_as_a_definition():
    with pytest.raises(ProofError, match="left-hand side"):
        derive(2 * x, lhs=sp.Derivative(x**3, x))  # "d/dx x^3 = 2x"
    d = derive(3 * x**2, lhs=sp.Derivative(x**3, x))
    assert d.lhs_kind == "proved" and r"\checkmark" in d._repr_latex_().split(r"\\")[0]
    named = derive(2 * x, lhs="g(x)")
    assert named.lhs_kind == "definition" and r"\mathrel{:=}" in named._repr_latex_()


def test_a_removable_singularity_needs_the_point_excluded():
    with pytest.raises(ProofError, match=r"needs x - 1 ≠ 0 \(a denominator\)"):
        derive((x**2 - 1) / (x - 1), (x + 1, "cancel"))
    d = derive((x**2 - 1) / (x - 1), (x + 1, "cancel"), domain=[sp.Ne(x, 1)])
    assert r"x \neq 1" in d.domain_latex()


@pytest.mark.parametrize("value", [sp.Integer(0), sp.Rational(1, 2), sp.Integer(1)])
def test_relu_derivative_at_the_kink_is_refused_whatever_value_is_claimed(value):
    at_kink = sp.Subs(sp.Derivative(sp.Max(0, x), x), x, 0)
    with pytest.raises(ProofError, match="kink|undefined"):
        derive(at_kink, (value, "relu'(0)"))


def test_relu_derivative_off_the_kink_is_proved():
    derive(sp.Derivative(sp.Max(0, p_), p_), (sp.Integer(1), "relu' = 1 for x > 0"))


def test_inverse_of_a_product_needs_invertible_factors():
    with pytest.raises(ProofError, match="invertible"):
        derive(sp.Inverse(A_ * B_), (B_.inverse() * A_.inverse(), "reverse the order"))
    d = derive(sp.Inverse(A_ * B_), (B_.inverse() * A_.inverse(), "reverse the order"),
               domain=[sp.Q.invertible(A_), sp.Q.invertible(B_)])
    assert r"A\ \text{invertible}" in d.domain_latex()


def test_the_independent_recheck_catches_a_wrong_rewrite(monkeypatch):
    monkeypatch.setitem(verify.REWRITES, "expand", lambda e: sp.Integer(0))  # a broken rewrite "proves" anything
    with pytest.raises(ProofError, match="independent 50-digit re-check"):
        derive(x**2, (2 * x, "a false step", "expand"))


def test_the_recheck_samples_the_domain_and_reports_where_lines_are_undefined():
    # sqrt(x) is defined for x >= 0 only: a real-symbol derivation with sqrt is refused before any proof
    with pytest.raises(ProofError, match="non-integer power"):
        derive(sp.sqrt(4 * x + 4 * y), (2 * sp.sqrt(x + y), "take out the 4"))
    derive(sp.sqrt(4 * p_ + 4 * q_), (2 * sp.sqrt(p_ + q_), "take out the 4"))


def test_instance_proofs_are_labelled():
    d = derive((1 + x + x**2) * (x - 1), (x**3 - 1, "geometric sum, n = 3"), instance="n = 3")
    assert d.kind == "instance" and "for the instance n = 3" in d._repr_latex_()
    with pytest.raises(ValueError, match="instance"):
        derive(x, instance="")


def test_agree_is_pointwise_a_wrong_small_entry_beside_a_large_one_fails():
    formula = sp.Matrix([1e6 * sp.exp(x), sp.exp(x) / 1000])
    with pytest.raises(AgreementError):
        agree(formula, lambda a: np.array([1e6 * np.exp(a), 1.01 * np.exp(a) / 1000]).reshape(2, 1), [x])


def test_agree_refuses_infinity():
    with pytest.raises(AgreementError):
        agree(x, lambda a: np.inf, [x])


def test_gradcheck_refuses_an_all_nan_vjp_on_large_inputs(rng):
    big = rng.standard_normal((20, 20))
    with pytest.raises(GradcheckError):
        gradcheck(lambda m: np.sum(m**3), lambda u, m: np.full_like(m, np.nan), [big])
    with pytest.raises(GradcheckError):
        gradcheck(lambda m: m**3, lambda u, m: np.full_like(m, np.nan), [big[:3, :3]])


def test_gradcheck_refuses_a_step_that_leaves_the_domain():
    x0 = np.array([1e-7, 1.0])
    with pytest.raises(GradcheckError, match="leaves the function's declared domain"):
        gradcheck(np.log, lambda u, v: u / v, [x0], domain=[(0.0, np.inf)])
    with pytest.raises(GradcheckError, match="not finite at x"):
        gradcheck(np.log, lambda u, v: u / v, [x0])
    gradcheck(np.log, lambda u, v: u / v, [np.array([0.5, 1.0])], domain=[(0.0, np.inf)])


def test_gradcheck_is_pointwise_on_the_jacobian(rng):
    scale = np.array([1e4, 1e-2])
    wrong = np.array([1.0, 1.05])  # the small output's gradient is 5% off
    with pytest.raises(GradcheckError):
        gradcheck(lambda v: scale * v**2, lambda u, v: u * scale * 2 * v * wrong, [np.array([0.7, 0.9])])


def test_a_step_that_repeats_the_previous_line_is_refused():
    with pytest.raises(ProofError, match="repeats the previous line"):
        derive(x**2 + 1, (x**2 + 1, "restate"))


def test_erf_rewrite_is_named_and_shown():
    d = derive(x * sp.erfc(-x / sp.sqrt(2)) / 2,
               (x * (1 + sp.erf(x / sp.sqrt(2))) / 2, "erfc = 1 − erf", "rewrite_erf"))
    assert "[rewrite erf]" in d._repr_latex_()


def test_limits_are_evaluated_so_a_derivative_can_be_proved_from_its_definition():
    h = sp.Symbol("h", real=True)
    derive(sp.Limit(((x + h) ** 3 - x**3) / h, h, 0), (3 * x**2, "limit of the difference quotient"))


def test_nonzero_symbols_and_abs_are_understood():
    g = sp.Symbol("g", real=True, nonzero=True)
    d = derive(g / sp.Abs(g) * g**2, (sp.sign(g) * g**2, "g/|g| = sign g"))
    assert r"g \in \mathbb{R} \setminus \{0\}" in d.domain_latex()
    derive(x**2 / sp.Abs(x), (sp.Abs(x), "x² = |x|²"), domain=[sp.Ne(x, 0)])
    with pytest.raises(ProofError, match="Abs"):
        derive(x**2 / sp.Abs(x), (sp.Abs(x), "x² = |x|²"))


def test_conditions_on_symbols_absent_from_the_lines_do_not_block_the_recheck():
    derive((x + 1) ** 2, (x**2 + 2 * x + 1, "expand"), domain=[y > 0, x + y < 3])


def test_sums_over_real_indexed_symbols_are_rechecked_with_real_entries():
    j, n = sp.symbols("j n", integer=True, positive=True)
    w = sp.IndexedBase("w", real=True)
    d = derive(sp.Sum(sp.log(2 * sp.exp(-w[j] ** 2)), (j, 1, n)),
               (n * sp.log(2) - sp.Sum(w[j] ** 2, (j, 1, n)), "log of each term", "linearity_of_sums"))
    assert d.worst < 1e-40


def test_exact_checks_record_an_instance_and_can_fail():
    r = verify.exact((24, 16), (2 * 3 * 4, 2 * 2 * 4), claim="verify.exact-demo", statement="ops",
                     instance="(2, 3, 4)")
    assert r.how == "instance" and str(r) == "exact verify.exact-demo: ops for (2, 3, 4): True"
    with pytest.raises(verify.VerificationError, match="got"):
        verify.exact(25, 24, claim="verify.exact-demo", statement="ops", instance="(2, 3, 4)")
    with pytest.raises(TypeError, match="float"):
        verify.exact(24.0, 24, claim="verify.exact-demo", statement="ops", instance="(2, 3, 4)")


def test_a_named_block_prints_as_its_name_and_is_proved_as_its_definition():
    s = verify.Named(r"s", p_**2 + 1)
    assert sp.latex(3 * s) == "3 s" and s.is_positive
    derive(3 * s, (3 * p_**2 + 3, "definition of s", "expand"))
    with pytest.raises(ProofError):
        derive(3 * s, (3 * p_**2 + 4, "off by one", "expand"))
    with pytest.raises(ValueError, match="LaTeX of a name"):
        verify.Named("", p_)
    rebuilt = s.func(*s.args)  # SymPy rebuilds nodes from their args (subs, xreplace)
    assert rebuilt == s and sp.latex(rebuilt) == "s"
    assert (s * q_).xreplace({q_: 2}) == 2 * s


# ------------------------------------------------------------- what the reports say, to the digit (mutation check)

def test_pointwise_relative_error_is_exact():
    from mathdl.verify.numeric import _rel_err

    assert _rel_err(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 2.2, rel=1e-12)
    assert _rel_err(np.array([0.0]), np.array([1e-9]), floor=1e-6) == pytest.approx(1e-3, rel=1e-12)
    assert _rel_err(np.array([1.0]), np.array([np.nan])) == float("inf")
    assert _rel_err(np.zeros(0), np.zeros(0)) == 0.0


def test_agree_and_gradcheck_report_the_worst_error_they_saw(rng):
    report = agree(sp.exp(x), lambda a: np.exp(a) * (1 + 1e-9), [x], check=False)
    assert report.worst == pytest.approx(1e-9 / (1 + 1e-9), rel=1e-4)
    A = rng.standard_normal((3, 4))
    off = gradcheck(lambda v: A @ v, lambda u, v: (A.T @ u) * (1 + 1e-4), [rng.standard_normal(4)], check=False)
    assert off.worst == pytest.approx(1e-4, rel=1e-2) and not off.passed


def test_empty_summary_report_repr_and_the_record_renderer():
    assert verify.summary("verify.nothing-ran") == "no checks."
    r = agree(x, lambda a: a, [x], claim="verify.repr-demo")
    assert repr(r) == str(r) == "agree verify.repr-demo: 20 points, max pointwise relative error < 1e-10: True"
    from mathdl.verify.ledger import LedgerMimeRender

    class Data:
        def __init__(self, mime):
            self.mime_type = mime

    assert LedgerMimeRender.handle_mime(None, Data(verify.LEDGER_MIME), False) == []
    assert LedgerMimeRender.handle_mime(None, Data("text/plain"), False) is None


def test_claims_collects_every_chapter_module_id():
    ids = verify.claims()
    assert "linalg.frobenius-gradient" in ids and list(ids) == sorted(ids)


@pytest.mark.parametrize("name", sorted(verify.REWRITES))
def test_every_named_rewrite_preserves_the_value_of_what_it_rewrites(name):
    """Each whitelisted rewrite is an identity: the rewritten expression equals the original at random points."""
    t = sp.Symbol("t", positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    samples = [
        sp.sin(2 * t) + sp.cos(t) ** 2, sp.log(t**2 * (t + 1)), sp.log(t) + sp.log(t + 2),
        (t**2 - 1) / (t - 1), sp.exp(t) * sp.exp(2 * t), sp.sqrt(t**2 + 2 * t + 1), sp.erfc(t),
        sp.Integral(t * sp.Symbol("s"), (sp.Symbol("s"), 0, 1)), sp.Sum(2 * i + t, (i, 1, 3)) + n * 0,
        sp.cosh(t) ** 2,
    ]
    rewrite = verify.REWRITES[name]
    for e in samples:
        out = rewrite(e)
        for value in (sp.Rational(3, 10), sp.Rational(17, 10)):
            before = complex(sp.N(e.subs(t, value).doit(), 30))
            after = complex(sp.N(out.subs(t, value).doit(), 30))
            assert abs(before - after) <= 1e-20 * max(1.0, abs(before)), (name, e, out)


def test_the_recheck_arithmetic_is_exact():
    from mathdl.verify.proofs import _difference, _magnitude

    assert _magnitude(sp.Matrix([1, -4])) == 4.0 and _magnitude(sp.Integer(-3)) == 3.0
    assert _magnitude(sp.Symbol("free")) == float("inf") and _magnitude(sp.nan) == float("inf")
    assert _difference(sp.Integer(3), sp.Integer(1)) == (2.0, 3.0)
    assert _difference(sp.Matrix([[5]]), sp.Integer(2)) == (3.0, 5.0)  # a 1x1 matrix compares as its entry
    assert _difference(sp.Matrix([1, 2]), sp.Integer(0)) == (2.0, 2.0)
    assert _difference(sp.zoo, sp.Integer(1)) == (float("inf"), 1.0)
    assert _difference(sp.Matrix([1, 2]), sp.Integer(5)) == (float("inf"), 1.0)

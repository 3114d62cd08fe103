"""Tests of mathdl.exercises: every self-check accepts its own solution and rejects wrong answers with the right
hint; malformed answers get a message; each registered id is an exercise of its chapter; and each solution is
recomputed independently (from mathdl or SymPy), so a wrong registered solution fails here."""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from mathdl import convolution as cv
from mathdl import exercises as E
from mathdl import recurrent as rec
from mathdl.exercises import check
from mathdl.verify import gradcheck

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import exercise_index as index  # noqa: E402  (the book's own reader of exercise blocks)

ALL = E.exercises()
CHAPTERS = index.chapters_in_order()
BLOCKS = {nb.stem: index.chapter_exercises(nb) for nb in CHAPTERS}
EVERY = [b for blocks in BLOCKS.values() for b in blocks]
#: Each chapter's minimum: exercises (issue 15), and how many of them check a reader's answer.
MIN_EXERCISES, MIN_SELF_CHECKS = 8, 3


def _wrong_answers(ex: E.Exercise) -> list:
    """Two or more answers that must be rejected: the solution scaled by 2, just outside its tolerance, negated."""
    if ex.kind == "expression":
        return [2 * ex.solution, -ex.solution, ex.solution + 1]
    if ex.kind == "number":   # off by a factor 2, and by just more than the tolerance (1 % where it is tight)
        sol = np.atleast_1d(np.asarray(ex.solution, dtype=float))
        near = max(1.01, 1 + 1.5 * float(np.max(ex.rtol)))
        return [tuple(2 * sol) if sol.size > 1 else 2 * sol[0], tuple(near * sol) if sol.size > 1 else near * sol[0]]
    return [lambda *a, f=ex.solution: 2 * np.asarray(f(*a)), lambda *a, f=ex.solution: 1.001 * np.asarray(f(*a)),
            lambda *a, f=ex.solution: -np.asarray(f(*a))]


# -- the exercises of the book, read from the notebooks ------------------------------------------------------

def test_the_reader_of_exercise_blocks_sees_what_myst_sees():
    """Nested fences (a code block inside a four-backtick exercise) and a stray fence that swallows a solution."""
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "````{exercise} Bug\n:label: ex-t-a\n:class: kind-bug\n\n```python\nx = 1\n```\n````\n\n",
        "```{solution} ex-t-a\n:class: dropdown\n\nFix it.\n```\n\n",
        "```{exercise} Two\n:label: ex-t-b\n:class: kind-prove kind-derive\n\nShow.\n```\n```\n\n",
        "```{solution} ex-t-b\n:class: dropdown\n\nSwallowed by the stray fence above.\n```\n"]},
        {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": ["# ex-t-a: checked\n"]},
        {"cell_type": "code", "metadata": {}, "source": ["# ex-t-b: a visible cell is not a check cell\n"]}]}
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.ipynb"
        path.write_text(json.dumps(nb))
        a, b = index.chapter_exercises(path)
    assert (a.label, a.title, a.kinds, a.dropdown, a.in_code) == ("ex-t-a", "Bug", ("kind-bug",), True, True)
    assert "x = 1" in a.body and a.solution == "Fix it."
    assert b.kinds == ("kind-prove", "kind-derive") and b.solution is None and not b.in_code


@pytest.mark.parametrize("chapter", [nb.stem for nb in CHAPTERS])
def test_every_chapter_has_enough_exercises_of_every_kind(chapter):
    blocks = BLOCKS[chapter]
    assert len(blocks) >= MIN_EXERCISES, f"{chapter}: {len(blocks)} exercises, at least {MIN_EXERCISES} expected"
    kinds = {k for b in blocks for k in b.kinds}
    assert kinds == set(index.KINDS), f"{chapter}: no exercise of kind {sorted(set(index.KINDS) - kinds)}"
    checked = [e for e in ALL if e.chapter == chapter]
    assert len(checked) >= MIN_SELF_CHECKS, f"{chapter}: {len(checked)} self-checks, {MIN_SELF_CHECKS} expected"


@pytest.mark.parametrize("block", EVERY, ids=[b.label or b.title for b in EVERY])
def test_every_exercise_has_a_kind_a_collapsed_solution_and_a_checked_solution(block):
    assert block.label.startswith(f"ex-{block.chapter}-"), f"{block.title}: label {block.label!r}"
    assert len(block.kinds) == 1, f"{block.label}: exactly one of :class: {sorted(index.KINDS)}, got {block.kinds}"
    assert block.solution, f"{block.label}: no {{solution}} block (or a stray fence swallowed it)"
    assert block.dropdown, f"{block.label}: the solution must be collapsed (:class: dropdown)"
    assert block.in_code, f"{block.label}: no hide-input code cell names it: its solution is checked nowhere"


def test_exercise_ids_are_unique_and_every_self_check_is_an_exercise():
    labels = [b.label for b in EVERY]
    assert len(labels) == len(set(labels)), sorted(x for x in labels if labels.count(x) > 1)
    assert {e.id for e in ALL} <= set(labels), sorted({e.id for e in ALL} - set(labels))


@pytest.mark.parametrize("ex", ALL, ids=[e.id for e in ALL])
def test_accepts_its_own_solution_and_rejects_wrong_ones(ex):
    own = ex.solution if ex.kind != "number" else ex.solution
    assert check(ex.id, own).correct, check(ex.id, own)
    wrong = _wrong_answers(ex)
    verdicts = [check(ex.id, w) for w in wrong]
    assert len(wrong) >= 2 and not any(v.correct for v in verdicts), verdicts


@pytest.mark.parametrize("ex", ALL, ids=[e.id for e in ALL])
def test_every_self_check_is_an_exercise_of_its_chapter_that_shows_the_call(ex):
    block = next((b for b in BLOCKS.get(ex.chapter, []) if b.label == ex.id), None)
    assert block, f"{ex.id}: no such exercise in book/{ex.chapter}.ipynb"
    assert f'check("{ex.id}", answer)' in block.body, f"{ex.id}: the exercise does not say how to check an answer"
    # ... and says what to pass in the words check() uses in its messages (Markdown would read ** as bold)
    assert "where `answer` is " + ex.asks.replace("**", r"\*\*") in block.body, f"{ex.id}: the book's asks differ"
    assert block.title == ex.title, f"{ex.id}: registered title {ex.title!r}, the book says {block.title!r}"


@pytest.mark.parametrize("answer, hint", [
    ((sp.Symbol("a", real=True) - sp.Symbol("b", real=True)), "correct only where a - b > 0"),
    ("-Abs(a - b)", "sign"),
    ("2*Abs(a - b)", "factor 2"),
])
def test_expression_hints(answer, hint):
    v = check("ex-generative-w1-points", answer)
    assert not v.correct and hint in (v.hint or ""), v


def test_sqrt_of_square_needs_the_domain():
    a, b = sp.symbols("a b")                       # the reader's plain symbols are matched by name
    assert check("ex-generative-w1-points", sp.sqrt((a - b) ** 2)).correct       # |a - b| for real a, b
    x = sp.Symbol("x")
    assert not check("ex-generative-kl-grad", "exp(2*rho) - 1 + 0*mu").hint       # a correct answer, no hint
    assert check("ex-generative-kl-grad", "exp(2*rho) - 1 + 0*mu").correct
    v = check("ex-generative-kl-grad", sp.exp(2 * sp.Symbol("rho")) + 5)
    assert "additive constant" in v.hint
    assert "does not define" in check("ex-generative-kl-grad", x + 1).message


def test_number_hints_and_malformed_answers():
    assert "sign" in check("ex-generative-baseline", -10).hint
    assert "factor 2" in check("ex-generative-baseline", 20).hint
    assert "factor 10^1" in check("ex-generative-baseline", 100).hint
    assert "more digits" in check("ex-recurrent-forget-bias", 4.955).hint
    assert check("ex-recurrent-forget-bias", 4.97).correct                          # 3 significant digits
    assert "expected a number" in check("ex-generative-baseline", "ten").message
    assert "expected finite" in check("ex-generative-baseline", float("nan")).message
    assert "expected 3 number(s)" in check("ex-convolution-sizes", 112).message
    assert "number 3 of 3 is off" in check("ex-convolution-sizes", (112, 56, 8)).hint
    assert check("ex-generative-baseline", sp.Integer(10)).correct
    assert "still has symbols" in check("ex-generative-baseline", sp.Symbol("q")).message


def test_function_and_vjp_hints():
    w = np.array([0.5, -1.0, 2.0])
    unflipped = check("ex-convolution-transpose", lambda g, x: np.correlate(np.pad(g, 2), w, "valid"))
    assert not unflipped.correct                                                     # the classic missing flip
    assert "shape (3,)" in check("ex-convolution-transpose", lambda g, x: g).hint
    assert "raised ZeroDivisionError" in check("ex-convolution-transpose", lambda g, x: 1 / 0).message
    assert "expected a Python function" in check("ex-regularization-prior-mean", 3).message
    no_prior = check("ex-regularization-prior-mean",
                     lambda X, y, lam, w0: np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y))
    assert not no_prior.correct


def test_unknown_ids_and_bad_registrations():
    with pytest.raises(KeyError, match="no self-check"):
        check("ex-regularization-nope", 1)
    with pytest.raises(TypeError, match="string"):
        check(3, 1)
    with pytest.raises(ValueError, match="must start with"):
        E.register(E.Exercise("bad", "regularization", "t", "number", 1, "a number"))
    with pytest.raises(ValueError, match="twice"):
        E.register(E._get("ex-generative-baseline"))
    with pytest.raises(ValueError, match="kind"):
        E.register(E.Exercise("ex-generative-zz", "generative", "t", "essay", 1, "words"))


# -- every registered solution recomputed independently ----------------------------------------------------

def test_solutions_recomputed_from_mathdl_and_sympy():
    sol = {e.id: e.solution for e in ALL}
    # convolution: sizes, receptive fields and parameter counts from the chapter's functions
    after_conv = cv.output_size(224, 7, stride=2, padding=3)
    assert sol["ex-convolution-sizes"] == (after_conv, cv.output_size(after_conv, 3, stride=2, padding=1), 4)
    assert cv.output_size(32, 5, padding=4, dilation=2) == 32                       # 'same' with p = 4
    L = next(n for n in range(1, 20) if cv.receptive_field([3] * n, dilations=[2 ** i for i in range(n)]) >= 1000)
    assert sol["ex-convolution-receptive"] == (cv.receptive_field([3, 3, 3], strides=[2, 2, 1]), L)
    cnn = cv.conv_parameters(1, 8, 3) + cv.conv_parameters(8, 16, 3) + cv.dense_parameters(64, 10)
    h = min(range(1, 100), key=lambda h: abs(cv.dense_parameters(64, h) + cv.dense_parameters(h, 10) - cnn))
    assert sol["ex-convolution-params"] == (cnn, h)
    # recurrent: PyTorch's counts and the largest GRU width within the LSTM's budget
    counts = tuple(rec.parameter_count(k, 300, 512) for k in ("rnn", "gru", "lstm"))
    H = max(H for H in range(1, 1000) if rec.parameter_count("gru", 300, H) <= counts[2])
    assert sol["ex-recurrent-params"] == (*counts, H)
    b = sol["ex-recurrent-forget-bias"]
    assert math.isclose((1 / (1 + math.exp(-b))) ** 100, 0.5, rel_tol=1e-12)
    # generative: E[((e^2 - 1) e)^2] for e ~ N(0, 1), by SymPy's moments
    e = sp.Symbol("e", real=True)
    density = sp.exp(-e ** 2 / 2) / sp.sqrt(2 * sp.pi)
    assert sp.integrate(((e ** 2 - 1) * e) ** 2 * density, (e, -sp.oo, sp.oo)) == sol["ex-generative-baseline"]
    mu, rho = sp.symbols("mu rho", real=True)
    kl = (mu ** 2 + sp.exp(2 * rho) - 1 - 2 * rho) / 2
    assert sp.simplify(sp.diff(kl, rho) - sol["ex-generative-kl-grad"]) == 0
    # regularization: the half-way step count solves 1 - (1 - eta lam)^tau = 1/2; label smoothing's logit gap
    eta, lam = sp.symbols("eta lam", positive=True)
    tau = sol["ex-regularization-half"]
    assert sp.N((1 - (1 - eta * lam) ** tau).subs({eta: 0.01, lam: 0.3}), 30) == pytest.approx(0.5, rel=1e-12)
    K, eps = 10, 0.1
    q = np.full(K, eps / K)
    q[0] += 1 - eps
    assert sol["ex-regularization-ls-optimum"] == pytest.approx(np.log(q[0] / q[1]), rel=1e-14)


def test_running_variance_solution_by_enumeration():
    """The biased batch variance's mean over all batches of n = 3 draws from {-1, 0, 2} (uniform)."""
    import itertools
    vals = np.array([-1.0, 0.0, 2.0])
    s2 = vals.var()
    n = 3
    mean_biased = np.mean([np.var(b) for b in itertools.product(vals, repeat=n)])
    ex = E._get("ex-regularization-running-bug")
    nn, ss = ex.symbols
    assert float(ex.solution.subs({nn: n, ss: sp.sqrt(s2)})) == pytest.approx(mean_biased, rel=1e-12)


def test_prior_mean_solution_is_the_stacked_least_squares(rng):
    X, y, w0 = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.standard_normal(3)
    lam = 0.7
    A = np.vstack([X, np.sqrt(lam) * np.eye(3)])
    rhs = np.concatenate([y, np.sqrt(lam) * w0])
    ref = np.linalg.lstsq(A, rhs, rcond=None)[0]
    assert np.allclose(E._get("ex-regularization-prior-mean").solution(X, y, np.array(lam), w0), ref, rtol=1e-10)


def test_vjp_solutions_pass_gradcheck(rng):
    """Each VJP solution against central differences: the cotangent of every input (a tuple), or of the only one."""
    vjps = [e for e in ALL if e.kind == "vjp"]
    assert vjps
    for ex in vjps:
        inputs = [rng.uniform(lo, hi, size=shape) for shape, lo, hi in
                  zip(ex.shapes, *(b if isinstance(b, tuple) else (b,) * len(ex.shapes) for b in (ex.low, ex.high)))]
        gradcheck(ex.forward, lambda u, *xs, ex=ex: ex.solution(u, *xs), inputs)


def test_bptt_solution_is_the_derivative():
    ex = E._get("ex-recurrent-bptt-two")
    w, u1, u2, h0, c1, c2 = ex.symbols
    h1 = sp.tanh(w * h0 + u1)
    L = c1 * h1 + c2 * sp.tanh(w * h1 + u2)
    point = {w: 0.7, u1: -0.3, u2: 0.4, h0: 0.9, c1: 1.3, c2: -0.6}
    assert float(ex.solution.subs(point)) == pytest.approx(float(sp.diff(L, w).subs(point)), rel=1e-12)


def test_whole_number_answers_are_exact_and_say_so():
    v = check("ex-recurrent-params", (416_768, 1_250_304, 1_667_072, 608))
    assert not v.correct and "number 4 of 4 is off" in v.hint
    whole = E.Exercise("ex-generative-zz-count", "generative", "t", "number", 108, "a count")
    assert E._whole(whole.solution) and not E._whole(108.0) and not E._whole(True)
    E._REGISTRY[whole.id] = whole
    try:
        v = check(whole.id, 107)
        assert not v.correct and "whole number" in v.hint and "more digits" not in v.hint
        assert check(whole.id, 108.0).correct
    finally:
        del E._REGISTRY[whole.id]


def test_function_answers_say_which_entries_are_off():
    w = np.array([0.5, -1.0, 2.0])
    right = lambda g, x: np.correlate(np.pad(g, 2), w[::-1], "valid")        # noqa: E731 - the true VJP
    v = check("ex-convolution-transpose", lambda g, x: np.r_[right(g, x)[:4], 0.0])
    assert not v.correct and "1 of 5 entries is off, the first at index 4" in v.hint, v
    assert check("ex-convolution-transpose", right).correct


def test_each_input_may_have_its_own_range():
    ex = E.Exercise("ex-generative-zz-ranges", "generative", "t", "function", lambda x, s: x / s, "f(x, s)",
                    shapes=((4,), (4,)), low=(-3.0, 0.5), high=(3.0, 1.0))
    x, s = E._inputs(ex, 0)
    assert np.all(s >= 0.5) and np.all(s <= 1.0) and np.any(x < 0)
    with pytest.raises(ValueError, match="one per input"):
        E.register(E.Exercise("ex-generative-zz-bad", "generative", "t", "function", lambda x: x, "f(x)",
                              shapes=((2,),), low=(0.0, 1.0)))


def test_several_numbers_may_each_have_their_own_tolerance():
    ex = E.Exercise("ex-generative-zz-tuple", "generative", "t", "number", (120, 1 / 3), "a count and a fraction",
                    rtol=(0.0, 1e-2))
    E._REGISTRY[ex.id] = ex
    try:
        assert check(ex.id, (120, 0.333)).correct
        v = check(ex.id, (120, 0.32))
        assert not v.correct and "number 2 of 2 is off" in v.hint and "more digits" in v.hint, v
        v = check(ex.id, (119, 1 / 3))
        assert not v.correct and "whole number" in v.hint, v
    finally:
        del E._REGISTRY[ex.id]
    with pytest.raises(ValueError, match="one tolerance per number"):
        E.register(E.Exercise("ex-generative-zz-rt", "generative", "t", "number", (1, 2), "two", rtol=(0.1,)))


def test_function_answers_right_on_part_of_the_domain_and_scalar_inputs():
    ex = E.Exercise("ex-generative-zz-abs", "generative", "t", "function", lambda x, s: abs(x) * s, "f(x, s)",
                    shapes=((), ()), low=(-2.0, 0.5), high=(2.0, 1.0))
    E._REGISTRY[ex.id] = ex
    try:
        seen = []
        assert check(ex.id, lambda x, s: seen.append((type(x), type(s))) or abs(x) * s).correct
        assert set(seen) == {(float, float)}                          # scalars arrive as Python floats
        v = check(ex.id, lambda x, s: x * s)                          # right where x > 0 only
        assert not v.correct and "of 5 random inputs but not at the others" in v.hint, v
        assert "more digits" not in v.hint
    finally:
        del E._REGISTRY[ex.id]


def test_several_numbers_off_by_a_rounded_constant_factor():
    ex = E.Exercise("ex-generative-zz-units", "generative", "t", "number", (1.0, 0.5), "two entropies in bits")
    E._REGISTRY[ex.id] = ex
    try:
        v = check(ex.id, (0.6931, 0.3466))                            # nats, rounded
        assert not v.correct and "about 0.6931" in v.hint, v
    finally:
        del E._REGISTRY[ex.id]


def test_newer_chapters_added_solutions_recomputed_independently():
    """df(lambda) = 10 from the eigenvalues of X^T X and a root finder; the biased dropout mean by enumerating the
    mask; the explorer's transient from W's powers; the ELBO at the prior in closed form and log p(x) by SciPy;
    JS of two far-apart Gaussians by quadrature."""
    from scipy import integrate, optimize, stats

    from mathdl.data import digits
    from mathdl.figures import recurrent_explorer as rnn_js

    sol = {e.id: e.solution for e in ALL}
    X = digits(300, 10, seed=0).X_train
    d2 = np.linalg.eigvalsh(X.T @ X)
    lam = optimize.brentq(lambda t: np.sum(d2 / (d2 + t)) - 10, 1e-3, 1e5, xtol=1e-12)
    assert sol["ex-regularization-dof"] == pytest.approx(lam, rel=1e-6)

    p, x = E._get("ex-regularization-dropout-bug").symbols
    mean = (1 - p) * (x * 1 * (1 - p)) + p * (x * 0 * (1 - p))       # mask = 1 with probability 1 - p
    assert sp.simplify(mean - sol["ex-regularization-dropout-bug"]) == 0

    W = sp.lambdify([rnn_js.rho, rnn_js.theta, rnn_js.shear], rnn_js.EXPRESSIONS["W"])(0.9, 0.3, 3.0)
    norms = [np.linalg.norm(np.linalg.matrix_power(np.asarray(W, dtype=float), t), 2) for t in range(61)]
    first = next(t for t in range(1, 61) if norms[t] < 1)
    assert sol["ex-recurrent-transient"] == (pytest.approx(max(norms), rel=1e-9), first)

    xo, w, sigma = np.array([1.5, -0.5, 2.0]), np.array([1.0, 0.3, 1.2]), 0.6
    elbo = -1.5 * np.log(2 * np.pi * sigma**2) - (xo @ xo + w @ w) / (2 * sigma**2)   # E_z[log N(x; wz, s^2 I)]
    log_px = stats.multivariate_normal(np.zeros(3), np.outer(w, w) + sigma**2 * np.eye(3)).logpdf(xo)
    assert sol["ex-generative-prior-elbo"] == (pytest.approx(elbo, rel=1e-12), pytest.approx(log_px - elbo, rel=1e-9))

    def js(m1, m2):
        p1, p2 = stats.norm(m1, 1).pdf, stats.norm(m2, 1).pdf
        f = lambda t: sum(0.5 * q(t) * np.log(q(t) / (0.5 * p1(t) + 0.5 * p2(t))) for q in (p1, p2) if q(t) > 0)  # noqa: E731
        return sum(integrate.quad(f, a, b, limit=200)[0] for a, b in ((-40, 0), (0, 40)))
    assert js(-6, 6) == pytest.approx(sol["ex-generative-explore"], rel=1e-6)
    assert js(-1, 1) < js(-3, 3) < sol["ex-generative-explore"]


def test_every_kind_of_malformed_answer_gets_a_message_that_says_what_is_expected():
    assert "could not read" in check("ex-generative-kl-grad", "exp(2*rho) +* 1").message
    assert "expected a SymPy expression or a string" in check("ex-generative-kl-grad", [1, 2]).message
    assert check("ex-generative-kl-grad", sp.Integer(0) + sp.exp(2 * sp.Symbol("rho")) - 1).correct
    v = check("ex-convolution-transpose", lambda g, x: "a string")
    assert not v.correct and "not finite numbers" in v.message
    v = check("ex-convolution-transpose", lambda g, x: np.full(5, np.nan))
    assert not v.correct and "not finite numbers" in v.message
    assert "expected a function vjp(g, *inputs)" in check("ex-convolution-transpose", 3.0).message
    assert "expected a Python function" in check("ex-regularization-prior-mean", "w = ...").message


def test_expression_hints_beyond_a_factor_two():
    rho = sp.Symbol("rho", real=True)
    assert "constant factor (3)" in check("ex-generative-kl-grad", 3 * (sp.exp(2 * rho) - 1)).hint
    assert "factor 2" in check("ex-generative-kl-grad", (sp.exp(2 * rho) - 1) / 2).hint
    v = check("ex-generative-kl-grad", sp.exp(rho))                 # no simple relation: where they differ
    assert not v.correct and "differs from the solution at" in v.hint


def test_a_transposed_matrix_answer_is_named():
    ex = E.Exercise("ex-generative-zz-matrix", "generative", "t", "function", lambda a: a @ np.diag([1.0, 2.0, 3.0]),
                    "f(A) of shape (2, 3)", shapes=((2, 3),))
    E._REGISTRY[ex.id] = ex
    try:
        v = check(ex.id, lambda a: (a @ np.diag([1.0, 2.0, 3.0])).T)
        assert not v.correct and "transpose" in v.hint, v
        assert check(ex.id, lambda a: a * np.array([1.0, 2.0, 3.0])).correct
    finally:
        del E._REGISTRY[ex.id]


def test_a_verdict_reads_as_a_line_and_as_a_truth_value(monkeypatch):
    right, wrong = check("ex-generative-baseline", 10), check("ex-generative-baseline", -10)
    assert bool(right) and not bool(wrong)
    assert str(right).startswith("✓ ex-generative-baseline: correct")
    assert str(wrong) == "✗ ex-generative-baseline: not yet. Hint: the sign is wrong."
    # when SymPy cannot decide, agreement at random points is reported as "probably right", never as a ✓
    monkeypatch.setattr(E, "_proved_zero", lambda e: False)
    v = check("ex-generative-kl-grad", "exp(2*rho) - 1")
    assert not v.correct and "could not prove" in v.message and "probably right" in v.message

"""Tests of the self-checks of the chapter "Information theory": every registered solution recomputed
independently (root finding on mathdl's functions, SymPy from the definition, central differences), the hints that
typical wrong answers get, and the shape of the chapter's exercise section (kinds, solutions, checks)."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from scipy import integrate, optimize

from mathdl import exercises as E
from mathdl import info, info_estimation
from mathdl.exercises import check
from mathdl.softmax import softmax
from mathdl.verify import gradcheck

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("kind-derive", "kind-compute", "kind-prove", "kind-explore", "kind-bug")


def _sol(exercise_id: str):
    return E._get(exercise_id).solution


# -- the registered solutions, recomputed ------------------------------------------------------------------

def test_asymmetry_solution_is_kl_by_quadrature():
    ex = E._get("ex-information-asymmetry")
    for sigma in (0.4, 1.0, 2.0, 2.9):
        q = lambda t, s=sigma: math.exp(-t * t / (2 * s * s)) / (s * math.sqrt(2 * math.pi))  # noqa: E731
        log_ratio = lambda t, s=sigma: -t * t / (2 * s * s) - math.log(s) + t * t / 2   # log q(t) - log p(t)  # noqa: E731
        kl_qp = integrate.quad(lambda t: q(t) * log_ratio(t), -40 * sigma, 40 * sigma, limit=200)[0]
        assert float(ex.solution.subs(ex.symbols[0], sigma)) == pytest.approx(kl_qp, rel=1e-8, abs=1e-12)


def test_dpi_solution_by_enumerating_the_chain():
    flip = 0.1
    joint_xy, joint_xz = np.zeros((2, 2)), np.zeros((2, 2))
    for x in (0, 1):
        for y in (0, 1):
            for z in (0, 1):
                pr = 0.5 * (flip if y != x else 1 - flip) * (flip if z != y else 1 - flip)
                joint_xy[x, y] += pr
                joint_xz[x, z] += pr

    def mi_bits(j):
        outer = np.outer(j.sum(axis=1), j.sum(axis=0))
        return float(np.sum(j * np.log2(j / outer)))

    assert _sol("ex-information-dpi") == pytest.approx((mi_bits(joint_xy), mi_bits(joint_xz)), rel=1e-12)
    assert mi_bits(joint_xz) < mi_bits(joint_xy)


def test_kl_explorer_solution_is_the_root_of_kl_minus_one():
    d = optimize.brentq(lambda t: float(info.kl_gaussian(0.0, 1.0, t, 2.0)) - 1.0, 0.0, 4.0, xtol=1e-14)
    assert _sol("ex-information-kl-explorer") == pytest.approx(d, rel=1e-10)
    assert d <= 4.0                                              # reachable with the explorer's mean slider


def test_exponential_entropy_from_the_definition():
    x, lam = sp.Symbol("x", positive=True), sp.Symbol("lam", positive=True)
    f = lam * sp.exp(-lam * x)
    h = sp.integrate(sp.expand_log(-f * sp.log(f)), (x, 0, sp.oo))      # x, lam > 0: log splits
    sol = _sol("ex-information-exponential")
    assert sp.simplify(h - sol) == 0
    for rate in (0.3, 1.0, 4.0):                                 # and by quadrature
        num = integrate.quad(lambda v: -rate * np.exp(-rate * v) * (math.log(rate) - rate * v), 0, np.inf)[0]
        assert float(sol.subs(E._get("ex-information-exponential").symbols[0], rate)) == pytest.approx(num, rel=1e-8)


def test_one_bit_solution_by_root_finding_and_search():
    rho = optimize.brentq(lambda r: float(info_estimation.gaussian_mutual_information(r, base=2)) - 1.0,
                          0.0, 0.9999, xtol=1e-15)
    mi = float(info_estimation.gaussian_mutual_information(0.999))
    k = next(k for k in range(1, 10_000) if math.log(k) >= mi)
    sol = _sol("ex-information-one-bit")
    assert sol[0] == pytest.approx(rho, rel=1e-12) and sol[1] == k == 23


def test_entropy_from_logits_solution_is_the_entropy_of_the_softmax(rng):
    fn = _sol("ex-information-logits-bug")
    for z in rng.standard_normal((20, 7)) * 4:
        assert fn(z) == pytest.approx(info.entropy(softmax(z[None, :])[0]), rel=1e-12)
    big = np.array([1000.0, 999.0, 990.0])
    assert fn(big) == pytest.approx(info.entropy(softmax((big - 1000.0)[None, :])[0]), rel=1e-12)
    assert fn(np.zeros(5)) == pytest.approx(math.log(5), rel=1e-14)


def test_infonce_grad_solution_is_the_gradient(rng):
    ex = E._get("ex-information-infonce-grad")
    for k in (1, 3, 6):
        S = rng.standard_normal((k, k)) * 2
        assert ex.forward(S) == pytest.approx(info_estimation.infonce(S), rel=1e-12, abs=1e-15)
        assert np.allclose(ex.solution(0.8, S), info_estimation.infonce_vjp(0.8, S), rtol=1e-12, atol=1e-15)
        gradcheck(info_estimation.infonce, lambda u, s: ex.solution(u, s), [S])


# -- typical wrong answers and their hints -------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id, answer, hint", [
    ("ex-information-asymmetry", "log(sigma) - sigma**2/2 + 1/2", "sign"),
    ("ex-information-asymmetry", "-log(sigma) + sigma**2/2", "additive constant"),        # the -1/2 forgotten
    ("ex-information-dpi", tuple(math.log(2) * np.asarray(_sol("ex-information-dpi"))), "constant factor"),  # nats
    ("ex-information-dpi", (0.531, 0.531), "number 2 of 2 is off"),                         # no loss in the chain
    ("ex-information-kl-explorer", -math.sqrt(11 - 8 * math.log(2)), "sign"),
    ("ex-information-kl-explorer", 2.3, "keep more digits"),                     # read off the slider too coarsely
    ("ex-information-exponential", "-log(lam)", "additive constant"),            # the mean term forgotten
    ("ex-information-exponential", "log(lam) - 1", "sign"),
    ("ex-information-one-bit", (math.sqrt(1 - math.exp(-2)), 23), "number 1 of 2 is off"),   # 1 nat, not 1 bit
    ("ex-information-one-bit", (math.sqrt(3) / 2, 22), "number 2 of 2 is off"),               # log K < I at K = 22
    ("ex-information-logits-bug", lambda z: -float(info.entropy(softmax(z[None, :])[0])), "sign"),
    ("ex-information-infonce-grad", lambda g, S: g * (np.eye(len(S)) - softmax(S)), "constant factor"),  # no 1/K
    ("ex-information-infonce-grad", lambda g, S: (g * (np.eye(len(S)) - softmax(S)) / len(S)).T, "transpose"),
])
def test_typical_wrong_answers_get_their_hint(exercise_id, answer, hint):
    v = check(exercise_id, answer)
    assert not v.correct and hint in (v.hint or ""), v


def test_the_buggy_implementations_are_rejected():
    def buggy(z):
        p = np.exp(z) / np.exp(z).sum()
        return -np.sum(p * z)

    assert not check("ex-information-logits-bug", buggy).correct
    assert not check("ex-information-one-bit", (0.866, 23)).correct           # 3 digits are not enough
    assert check("ex-information-kl-explorer", 2.34).correct                   # 3 significant digits are
    assert check("ex-information-exponential", "log(E/lam)").correct
    assert "does not define" in check("ex-information-exponential", "1 - log(x)").message
    assert not check("ex-information-asymmetry", "log(sigma) + 1/(2*sigma**2) - 1/2").correct   # KL(p || q)


# -- the chapter's exercise section ----------------------------------------------------------------------------

def _notebook():
    nb = json.loads((ROOT / "book" / "information.ipynb").read_text())
    md = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return md, code


def test_every_exercise_has_a_kind_a_solution_and_a_check():
    md, code = _notebook()
    blocks = re.findall(r"`{3,4}\{exercise\}[^\n]*\n:label: (\S+)\n(?::class: (\S+)\n)?", md)
    assert len(blocks) >= 9
    assert all(kind in KINDS for _, kind in blocks), blocks
    assert {kind for _, kind in blocks} == set(KINDS)
    for label, _ in blocks:
        assert f"```{{solution}} {label}\n:class: dropdown\n" in md, label
        assert re.search(rf"^# {re.escape(label)}\b.*:", code, flags=re.M), f"{label}: no check in the notebook"
    registered = {e.id for e in E.exercises("information")}
    assert len(registered) >= 5 and registered <= {label for label, _ in blocks}
    assert {e.kind for e in E.exercises("information")} >= {"expression", "number", "function", "vjp"}

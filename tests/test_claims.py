"""Claim ids tie the book together: every declared fact is shown in a chapter and re-checked by a test, and
every id the chapters or tests name is declared by a module. A newcomer can go from a claim id to its proof
(the notebook), its code (the module's docstring) and its test in one search each."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import mathdl
from mathdl import verify

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
TESTS = sorted((ROOT / "tests").glob("test_*.py"))
USED = re.compile(r"""claim\s*=\s*["']([a-z0-9.-]+)["']|claim `([a-z0-9.-]+)`""")
DEMO_PREFIX = "verify."  # ids the core's own tests invent to exercise the ledger


def notebook_text(path: Path) -> str:
    nb = json.loads(path.read_text())
    return "\n".join("".join(cell["source"]) for cell in nb["cells"])


def used_ids(text: str) -> set[str]:
    return {a or b for a, b in USED.findall(text)}


@pytest.fixture(scope="module")
def declared() -> dict[str, str]:
    return verify.claims()


def test_chapter_modules_declare_claims(declared):
    assert declared, "no claim ids declared"
    for module in mathdl.CHAPTER_MODULES:
        prefix = module.__name__.split(".")[-1] + "."
        ids = getattr(module, "CLAIMS", {})
        assert ids, f"{module.__name__} declares no CLAIMS"
        assert all(cid.startswith(prefix) for cid in ids), f"{module.__name__} ids must start with {prefix!r}"


def test_every_claim_is_shown_in_a_chapter(declared):
    books = "\n".join(notebook_text(p) for p in NOTEBOOKS)
    missing = [cid for cid in declared if cid not in books]
    assert not missing, f"claims no chapter shows: {missing}"


def test_every_claim_is_rechecked_by_a_test(declared):
    tests = "\n".join(p.read_text() for p in TESTS if p.name != "test_claims.py")
    missing = [cid for cid in declared if cid not in tests]
    assert not missing, f"claims no test re-checks: {missing}"


def test_every_claim_is_named_in_its_implementation(declared):
    # the chapter modules and the code they build on (the autodiff engine implements calculus claims)
    sources = "\n".join(p.read_text() for p in (ROOT / "mathdl").rglob("*.py"))
    for cid in declared:
        # the declaration itself is one occurrence; a docstring reference is the second
        assert sources.count(cid) >= 2, f"no function docstring names {cid}"


def test_every_named_claim_is_declared(declared):
    unknown = {}
    for path in NOTEBOOKS:
        for cid in used_ids(notebook_text(path)) - set(declared):
            unknown.setdefault(cid, []).append(path.name)
    for path in TESTS:
        if path.name == "test_claims.py":
            continue
        for cid in used_ids(path.read_text()) - set(declared):
            if not cid.startswith(DEMO_PREFIX):
                unknown.setdefault(cid, []).append(path.name)
    assert not unknown, f"undeclared claim ids: {unknown}"


def test_the_scan_can_fail():
    assert used_ids('agree(a, b, [x], claim="linalg.nope") and claim `linalg.other`') == {"linalg.nope",
                                                                                            "linalg.other"}

"""Sphinx extension: the ``claim-ledger`` directive, every claim id with its proof, code and tests.

For each id declared in a chapter module's ``CLAIMS`` (see :func:`mathdl.verify.claims`) the ledger lists the
statement, the chapter page(s) whose notebook checks it, the mathdl functions whose docstrings name it, and the
test functions that re-check it. It is computed from the sources at build time, so it cannot go stale, and a
claim with no chapter, no code reference or no test shows a visible gap (and fails ``tests/test_claims.py``).
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]


def _functions_naming(path: Path, ids: set[str]) -> dict[str, list[str]]:
    """Map claim id -> qualified names of functions/classes in ``path`` whose docstring or body names it."""
    found: dict[str, list[str]] = {}
    source = path.read_text()
    tree = ast.parse(source)
    lines = source.splitlines()

    def visit(node, prefix=""):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                text = "\n".join(lines[child.lineno - 1:child.end_lineno])
                for cid in ids:
                    if re.search(rf"(?<![\w.-]){re.escape(cid)}(?![\w-])", text):
                        found.setdefault(cid, []).append(name)
                if isinstance(child, ast.ClassDef):
                    visit(child, prefix=f"{name}.")

    visit(tree)
    return found


def ledger_rows() -> list[tuple[str, str, list[str], list[str], list[str]]]:
    from mathdl import verify

    declared = verify.claims()
    ids = set(declared)
    chapters: dict[str, list[str]] = {}
    for nb_path in sorted((ROOT / "book").glob("*.ipynb")):
        text = "\n".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"])
        for cid in ids:
            if re.search(rf"(?<![\w.-]){re.escape(cid)}(?![\w-])", text):
                chapters.setdefault(cid, []).append(nb_path.stem)
    code: dict[str, list[str]] = {}
    for py in sorted((ROOT / "mathdl").rglob("*.py")):
        module = ".".join(py.relative_to(ROOT).with_suffix("").parts)
        for cid, names in _functions_naming(py, ids).items():
            code.setdefault(cid, []).extend(f"{module}.{n}" for n in names)
    tests: dict[str, list[str]] = {}
    for py in sorted((ROOT / "tests").glob("test_*.py")):
        if py.name == "test_claims.py":
            continue
        for cid, names in _functions_naming(py, ids).items():
            tests.setdefault(cid, []).extend(f"{py.name}::{n}" for n in names)
    return [(cid, statement, chapters.get(cid, []), code.get(cid, []), tests.get(cid, []))
            for cid, statement in declared.items()]


def _joined(items: list[nodes.Node]) -> list[nodes.Node]:
    if not items:
        return [nodes.strong(text="missing")]
    out: list[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(nodes.Text(", "))
        out.append(item)
    return out


class ClaimLedger(SphinxDirective):
    has_content = False

    def _doc_link(self, docname: str) -> nodes.Node:
        return addnodes.pending_xref("", nodes.inline(text=docname), refdomain="std", reftype="doc",
                                     reftarget=docname, refexplicit=False, refdoc=self.env.docname,
                                     refwarn=True)

    def run(self):
        for path in [*(ROOT / "mathdl").rglob("*.py"), *(ROOT / "tests").glob("test_*.py"),
                     *(ROOT / "book").glob("*.ipynb")]:
            self.env.note_dependency(str(path))
        rows = ledger_rows()
        container = nodes.container(classes=["claim-ledger"])
        container += nodes.paragraph(text=f"{len(rows)} claims declared by the chapter modules.")
        prefix = None
        items = None
        for cid, statement, chapters, code, tests in rows:
            if cid.split(".")[0] != prefix:  # one list per declaring module
                prefix = cid.split(".")[0]
                container += nodes.rubric(text=f"{prefix}.*  (declared in mathdl.{prefix}.CLAIMS)")
                items = nodes.bullet_list()
                container += items
            head = nodes.paragraph()
            head += nodes.strong("", "", nodes.literal(text=cid))
            head += nodes.Text(f" — {statement}")
            parts = nodes.bullet_list()
            for label, children in (("proof: ", _joined([self._doc_link(c) for c in chapters])),
                                    ("code: ", _joined([nodes.literal(text=n) for n in code])),
                                    ("tests: ", _joined([nodes.literal(text=n) for n in tests]))):
                line = nodes.paragraph()
                line += nodes.emphasis(text=label)
                line.extend(children)
                parts += nodes.list_item("", line)
            items += nodes.list_item("", head, parts)
        return [container]


def setup(app):
    app.add_directive("claim-ledger", ClaimLedger)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

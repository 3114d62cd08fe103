"""Sphinx extension: the ``claim-ledger`` directive, every claim id with how it was checked, its code and tests.

For each id declared in a chapter module's ``CLAIMS`` (see :func:`mathdl.verify.claims`) the ledger lists the
statement; **how it was checked** -- read from the records each chapter's last cell stores when the notebook runs
(``mathdl.verify.record``: every derivation, agreement, gradient check and measurement with its kind, domain and
anchor), not from the text -- with a link to each derivation; the mathdl functions whose docstrings name it; and
the test functions that re-check it. Strict nbval re-runs every notebook and compares the stored records, so the
page describes checks that ran. A claim with no recorded check is a build warning (an error under ``-W``).
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

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


#: Strongest first: a claim's headline kind is the strongest kind among its recorded checks.
KINDS = ("proved", "instance", "numeric", "measured")
KIND_WORDS = {"proved": "proved in general", "instance": "proved for a stated instance",
              "numeric": "checked numerically", "measured": "measured"}


def executed_records() -> dict[str, list[tuple[str, dict]]]:
    """claim id -> [(chapter stem, record)] from the ledger records stored in the notebooks' outputs."""
    from mathdl.verify import LEDGER_MIME

    found: dict[str, list[tuple[str, dict]]] = {}
    for nb_path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(nb_path.read_text())["cells"]:
            for out in cell.get("outputs", []):
                data = out.get("data", {}).get(LEDGER_MIME)
                if not data:
                    continue
                for rec in data["records"]:
                    found.setdefault(rec["claim"], []).append((nb_path.stem, rec))
    return found


def headline(records: list[tuple[str, dict]]) -> str | None:
    kinds = {rec["how"] for _, rec in records if rec.get("passed")}
    return next((k for k in KINDS if k in kinds), None)


def ledger_rows() -> list[tuple[str, str, list[tuple[str, dict]], list[str], list[str]]]:
    from mathdl import verify

    declared = verify.claims()
    ids = set(declared)
    records = executed_records()
    chapters = {cid: records.get(cid, []) for cid in ids}
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

    def _check_item(self, chapter: str, rec: dict) -> nodes.Node:
        para = nodes.paragraph()
        docname = f"book/{chapter}"
        uri = self.env.app.builder.get_relative_uri(self.env.docname, docname)
        if rec.get("anchor") and rec["check"] == "derive":
            uri += "#" + rec["anchor"]
        para += nodes.reference("", "", nodes.inline(text=f"{chapter}: {rec['check']}"), refuri=uri,
                                internal=True)
        para += nodes.Text(f" — {KIND_WORDS.get(rec['how'], rec['how'])}; {rec['detail']}")
        if rec.get("domain"):
            para += nodes.Text("; for ")
            for i, part in enumerate(rec.get("domain_parts") or [rec["domain"]]):  # one formula a piece: it wraps
                if i:
                    para += nodes.Text(", ")
                para += nodes.math(text=part)
        return nodes.list_item("", para)

    def run(self):
        for path in [*(ROOT / "mathdl").rglob("*.py"), *(ROOT / "tests").glob("test_*.py"),
                     *(ROOT / "book").glob("*.ipynb")]:
            self.env.note_dependency(str(path))
        rows = ledger_rows()
        container = nodes.container(classes=["claim-ledger"])
        counts = {k: 0 for k in KINDS}
        for _, _, records, _, _ in rows:
            kind = headline(records)
            if kind:
                counts[kind] += 1
        container += nodes.paragraph(text=f"{len(rows)} claims declared by the chapter modules: "
                                          + ", ".join(f"{counts[k]} {KIND_WORDS[k]}" for k in KINDS) + ".")
        prefix = None
        items = None
        for cid, statement, records, code, tests in rows:
            if cid.split(".")[0] != prefix:  # one list per declaring module
                prefix = cid.split(".")[0]
                container += nodes.rubric(text=f"{prefix}.*  (declared in mathdl.{prefix}.CLAIMS)")
                items = nodes.bullet_list()
                container += items
            kind = headline(records)
            if kind is None:
                logger.warning(f"claim-ledger: claim {cid!r} has no check recorded by any chapter notebook "
                               "(derive/agree/gradcheck/measured with claim=..., and record(...) in the last cell)",
                               location=self.get_location())
            head = nodes.paragraph(ids=[f"claim-{cid.replace('.', '-')}"])
            head += nodes.strong("", "", nodes.literal(text=cid))
            head += nodes.Text(f" — {statement} ")
            head += nodes.emphasis(text=f"[{KIND_WORDS[kind]}]" if kind else "[no check recorded]")
            parts = nodes.bullet_list()
            checks = nodes.bullet_list()
            for chapter, rec in sorted(records, key=lambda r: (KINDS.index(r[1]["how"]), r[0])):
                checks += self._check_item(chapter, rec)
            line = nodes.paragraph()
            line += nodes.emphasis(text="checked: ")
            if not records:
                line += nodes.strong(text="missing")
            parts += nodes.list_item("", line, *([checks] if records else []))
            for label, children in (("code: ", _joined([nodes.literal(text=n) for n in code])),
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

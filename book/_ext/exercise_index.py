"""Sphinx extension: the ``exercise-index`` directive, every exercise of the book with its kind and self-check.

The exercises are read from the chapter notebooks themselves (their ``{exercise}`` and ``{solution}`` blocks,
parsed with the same markdown-it fence rules MyST uses), in the order of ``_toc.yml``; the self-checks from
:func:`mathdl.exercises.exercises`. For each chapter the page lists every exercise's number (a link to it), title and
stable id, its kind (the ``:class: kind-…`` option of the block), and whether ``mathdl.exercises.check`` can check
a reader's answer and in what form. An exercise without a kind, without a solution, or with a self-check whose id
is no exercise is a build warning (an error under ``-W``); ``tests/test_exercises.py`` checks the same through
:func:`chapter_exercises`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]

#: The ``:class:`` an exercise carries to say what it asks for, and how the index names it.
KINDS = {"kind-derive": "derive", "kind-compute": "compute", "kind-prove": "prove",
         "kind-explore": "explore", "kind-bug": "find the bug"}


@dataclass(frozen=True)
class ExerciseBlock:
    """One ``{exercise}`` block of a chapter notebook, with what its ``{solution}`` block and code cells say."""

    chapter: str
    label: str
    title: str
    kinds: tuple[str, ...]        # the block's classes that are kinds (exactly one when well formed)
    body: str
    solution: str | None          # the solution block's text, None if the exercise has none
    dropdown: bool                # the solution is collapsed (``:class: dropdown``)
    in_code: bool                 # a hide-input code cell names the label (the check of its solution)


def _fences(markdown: str) -> list[tuple[str, str]]:
    """(info, content) of every fenced block, with MyST's fence rules (nested fences, colon fences)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin

    md = MarkdownIt("commonmark").use(colon_fence_plugin)
    return [(t.info.strip(), t.content) for t in md.parse(markdown) if t.type in ("fence", "colon_fence")]


def _options(content: str) -> tuple[dict[str, str], str]:
    """Split a directive's leading ``:name: value`` lines from its body."""
    options: dict[str, str] = {}
    lines = content.split("\n")
    while lines and (m := re.match(r"^:([\w-]+):\s*(.*)$", lines[0])):
        options[m.group(1)] = m.group(2).strip()
        lines.pop(0)
    return options, "\n".join(lines).strip()


def chapter_exercises(notebook: Path) -> list[ExerciseBlock]:
    """The exercises of one chapter notebook, in the order they appear."""
    cells = json.loads(notebook.read_text())["cells"]
    markdown = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    # the cells that check solutions: hidden code cells (the reader sees their outputs under the exercises)
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"
                     and "hide-input" in c.get("metadata", {}).get("tags", []))
    blocks = _fences(markdown)
    solutions: dict[str, tuple[str, dict[str, str]]] = {}
    for info, content in blocks:
        if info.startswith("{solution}"):
            opts, body = _options(content)
            solutions[info.split(None, 1)[1].strip() if " " in info else ""] = (body, opts)
    found = []
    for info, content in blocks:
        if not info.startswith("{exercise}"):
            continue
        opts, body = _options(content)
        label = opts.get("label", "")
        classes = opts.get("class", "").split()
        sol = solutions.get(label)
        found.append(ExerciseBlock(
            chapter=notebook.stem, label=label, title=info[len("{exercise}"):].strip(),
            kinds=tuple(c for c in classes if c in KINDS), body=body,
            solution=sol[0] if sol else None, dropdown=bool(sol and "dropdown" in sol[1].get("class", "").split()),
            in_code=bool(label) and re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", code) is not None))
    return found


def chapters_in_order() -> list[Path]:
    """The chapter notebooks in the order of ``_toc.yml``."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [ch["file"] for part in toc.get("parts", []) for ch in part.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


class ExerciseIndex(SphinxDirective):
    has_content = False

    def _number(self, label: str) -> nodes.Node:
        """'Exercise 6.3', resolved by Sphinx like {numref}, linking to the exercise."""
        ref = addnodes.pending_xref("", refdomain="std", reftype="numref", reftarget=label, refexplicit=False,
                                    refwarn=True, refdoc=self.env.docname)
        ref += nodes.inline(text=label)
        return ref

    def run(self):
        from mathdl.exercises import exercises

        for path in [*(ROOT / "mathdl" / "exercises").glob("*.py"), *(ROOT / "book").glob("*.ipynb")]:
            self.env.note_dependency(str(path))
        checks = {e.id: e for e in exercises()}
        chapters = chapters_in_order()
        per = {nb: chapter_exercises(nb) for nb in chapters}
        everything = [b for blocks in per.values() for b in blocks]
        labels = {b.label for b in everything}
        for cid in sorted(set(checks) - labels):
            logger.warning(f"exercise-index: self-check {cid!r} is registered but no chapter has that exercise",
                           location=self.get_location())
        total_checks = sum(b.label in checks for b in everything)
        container = nodes.container(classes=["exercise-index"])
        container += nodes.paragraph(text=f"{len(everything)} exercises in {len(chapters)} chapters; "
                                          f"{total_checks} of them check your answer in Jupyter.")
        for nb, blocks in per.items():
            if not blocks:
                continue
            title = nodes.paragraph()
            link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/book/{nb.stem}",
                                         refexplicit=False, refwarn=True, refdoc=self.env.docname)
            link += nodes.inline(text=nb.stem)
            title += nodes.strong("", "", link)
            n_checks = sum(b.label in checks for b in blocks)
            title += nodes.Text(f" — {len(blocks)} exercises, {n_checks} with a self-check")
            container += title
            table = nodes.table(classes=["exercise-index-table"])
            group = nodes.tgroup(cols=3)
            table += group
            for width in (60, 16, 24):
                group += nodes.colspec(colwidth=width)
            head = nodes.thead()
            row = nodes.row()
            for text in ("Exercise", "Kind", "Self-check"):
                row += nodes.entry("", nodes.paragraph(text=text))
            head += row
            group += head
            body = nodes.tbody()
            for b in blocks:
                problems = [p for p, bad in (("no kind (:class: kind-…)", len(b.kinds) != 1),
                                             ("no solution block", b.solution is None),
                                             ("a solution that is not collapsed", b.solution is not None
                                              and not b.dropdown)) if bad]
                if problems:
                    logger.warning(f"exercise-index: {b.label or b.title!r} in {nb.name} has "
                                   + ", ".join(problems), location=self.get_location())
                ex = checks.get(b.label)
                row = nodes.row()
                # the number (a link, resolved like {numref}) and title; the id, the name check() takes, below
                name = nodes.paragraph("", "", self._number(b.label), nodes.Text(f" {b.title}"))
                label = nodes.paragraph("", "", nodes.literal(text=b.label), classes=["exercise-index-id"])
                row += nodes.entry("", name, label)
                row += nodes.entry("", nodes.paragraph(text=", ".join(KINDS[k] for k in b.kinds) or "?"))
                row += nodes.entry("", nodes.paragraph(text=f"✓ {ex.kind}" if ex else "—"))
                body += row
            group += body
            container += table
        return [container]


def setup(app):
    app.add_directive("exercise-index", ExerciseIndex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

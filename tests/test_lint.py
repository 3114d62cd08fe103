"""The code passes the project's lint configuration (``[tool.ruff]`` in ``pyproject.toml``)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_passes():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "mathdl", "tests", "benchmarks", "book/_ext"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"


def _broken_inline_math(markdown: str) -> list[str]:
    """Lines that start with '+ ', '- ' or '1) ' / '1. ' while an inline formula ($...$) is still open: Markdown reads
    such a line as a list item, which cuts the formula in two and prints the rest as raw TeX."""
    import re

    found, open_dollars = [], 0
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            open_dollars = 0
        elif i and open_dollars % 2 == 1 and re.match(r"^([+*-]|1[.)]) ", line):
            found.append(f"{lines[i - 1][-40:]!r} / {line[:40]!r}")
        open_dollars += len(re.findall(r"(?<!\$)\$(?!\$)", line))
    return found


def test_no_inline_formula_is_cut_by_a_line_that_markdown_reads_as_a_list_item():
    import json

    assert _broken_inline_math("the sum $a\n+ b$ of two") and not _broken_inline_math("the sum $a +\nb$ of two")
    assert _broken_inline_math("$(t +\n1) = y$")                 # an ordered list may start a line too
    assert not _broken_inline_math("$$\nx\n+ y\n$$") and not _broken_inline_math("text\n- a list item")
    sources = {p.name: [json.loads(p.read_text())] for p in (ROOT / "book").glob("*.ipynb")}
    found = {}
    for name, (nb,) in sources.items():
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                found.setdefault(name, []).extend(_broken_inline_math("".join(cell["source"])))
    for page in (ROOT / "book").glob("*.md"):
        found.setdefault(page.name, []).extend(_broken_inline_math(page.read_text()))
    assert not {k: v for k, v in found.items() if v}, found

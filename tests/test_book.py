"""The built book: it builds with warnings as errors, and nothing in it loads from outside the book.

Any URL with a scheme or a protocol-relative ``//`` in an attribute that makes the browser *load* something
(script, stylesheet, image, frame, media, font, CSS ``url()``/``@import``) is a failure: the book must read with
no network. Plain outgoing links (``<a href="https://doi.org/...">`` in the references) load nothing and are
allowed.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, TEST_BUILD

pytestmark = pytest.mark.book

# (tag, attribute) pairs whose URL the browser fetches by itself.
LOADING_ATTRIBUTES = {
    ("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
    ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"), ("audio", "src"),
    ("embed", "src"), ("object", "data"), ("image", "href"), ("use", "href"), ("input", "src"),
}
EXTERNAL = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
ALLOWED_SCHEMES = ("data:", "blob:", "about:", "javascript:", "mailto:")
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)[^'")\s]*)""")


class _LoadScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in LOADING_ATTRIBUTES or (tag, name.split(":")[-1]) in LOADING_ATTRIBUTES:
                for url in value.split(","):
                    url = url.strip().split(" ")[0]
                    if EXTERNAL.match(url) and not url.lower().startswith(ALLOWED_SCHEMES):
                        self.found.append(f"<{tag} {name}={url!r}>")
            if name == "style":
                self.found += [f"style url {u}" for u in CSS_URL.findall(value)]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += [f"<style> url {u}" for u in CSS_URL.findall(data)]


def external_loads_in_html(text: str) -> list[str]:
    scanner = _LoadScanner()
    scanner.feed(text)
    return scanner.found


def test_scanner_catches_external_loads():
    """The scanner itself can fail: each of these must be reported."""
    page = """<html><head><script src="https://cdn.example.org/x.js"></script>
    <link rel="stylesheet" href="//fonts.example.org/css"><style>@import "https://a.example/b.css";</style>
    </head><body><img src="http://example.org/i.png"><div style="background: url('https://e.example/p.png')"></div>
    <a href="https://doi.org/10.1/x">a plain link is fine</a><script src="_static/local.js"></script></body></html>"""
    found = external_loads_in_html(page)
    assert len(found) == 5, found


def test_book_builds_without_warnings(book_html: Path):
    log = (TEST_BUILD / "build.log").read_text()
    assert "build succeeded" in log
    assert "WARNING" not in log
    assert (book_html / "index.html").exists()


def test_every_chapter_in_the_toc_was_rendered(book_html: Path):
    toc = (ROOT / "_toc.yml").read_text()
    files = re.findall(r"file:\s*(\S+)", toc)
    assert files, "no chapters in _toc.yml"
    for name in files:
        assert (book_html / f"{name}.html").exists(), f"{name} is in _toc.yml but was not rendered"


def test_no_page_loads_anything_from_outside_the_book(book_html: Path):
    offenders = {}
    for page in sorted(book_html.rglob("*.html")):
        found = external_loads_in_html(page.read_text(errors="replace"))
        if found:
            offenders[str(page.relative_to(book_html))] = found
    for sheet in sorted(book_html.rglob("*.css")):
        found = CSS_URL.findall(sheet.read_text(errors="replace"))
        found = [u for u in found if not u.lower().startswith(ALLOWED_SCHEMES)]
        if found:
            offenders[str(sheet.relative_to(book_html))] = found
    assert not offenders, f"pages load external resources: {offenders}"


def test_mathjax_is_served_by_the_book(book_html: Path):
    page = (book_html / "book" / "linear_algebra.html").read_text()
    match = re.search(r'<script[^>]*src="([^"]*tex-chtml\.js)[^"]*"', page)
    assert match, "no MathJax script on the chapter page"
    assert not EXTERNAL.match(match.group(1)), match.group(1)
    assert (book_html / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert any((book_html / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff")), \
        "MathJax fonts are missing from the book"


def test_widget_cells_show_no_frozen_controls(book_html: Path):
    """A live explorer cannot run without a kernel, so no page shows a frozen widget or its repr."""
    frozen = re.compile(r"application/vnd\.jupyter\.widget-(view|state)\+json|(?:VBox|HBox|FloatSlider|IntSlider|"
                        r"Dropdown|interactive)\(children=|FloatSlider\(value=")
    pages = sorted((book_html / "book").glob("*.html"))
    assert len(pages) >= 8
    offenders = {p.name: frozen.findall(p.read_text()) for p in pages}
    assert not {k: v for k, v in offenders.items() if v}, offenders
    # ... and each chapter with a live explorer says how to run it
    for chapter in ("linear_algebra", "neurons", "optimization", "regularization", "convolution", "recurrent",
                    "generative", "information"):
        assert "Jupyter" in (book_html / "book" / f"{chapter}.html").read_text()


def test_claim_ledger_lists_every_claim_with_no_gap(book_html: Path):
    """The ledger page names every declared claim id, and no row has a missing proof, implementation or test."""
    from mathdl import verify

    page = (book_html / "book" / "ledger.html").read_text()
    missing = [cid for cid in verify.claims() if f">{cid}<" not in page]
    assert not missing, f"claim ids absent from the ledger page: {missing[:5]}"
    ledger = page[page.index('class="claim-ledger'):]
    assert "<strong>missing</strong>" not in ledger
    assert 'href="linear_algebra.html"' in page  # the "proved in" column links to the chapter


def test_the_index_of_exercises_lists_every_exercise_with_its_kind_and_self_check(book_html: Path):
    """One row per exercise of every chapter, numbered like the chapter (``Exercise 6.3``), with the kind its block
    declares and the form of its self-check where one is registered."""
    import sys

    from mathdl.exercises import exercises

    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import exercise_index as index

    page = (book_html / "book" / "exercises.html").read_text()
    table = page[page.index('class="exercise-index'):]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    def text(cell: str) -> str:  # the cell's text, with Sphinx's typographic quotes made plain again
        plain = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", cell))).strip()
        return plain.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))

    cells = [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)] for r in rows]
    cells = [c for c in cells if c]                                   # header rows have <th>, not <td>
    checks = {e.id: e.kind for e in exercises()}
    expected = [b for nb in index.chapters_in_order() for b in index.chapter_exercises(nb)]
    assert len(cells) == len(expected) > 0
    for chapter_number, nb in enumerate(index.chapters_in_order(), start=1):
        numbers = iter(range(1, 1000))
        for b in index.chapter_exercises(nb):
            exercise, kind, check = cells.pop(0)
            assert exercise == f"Exercise {chapter_number}.{next(numbers)} {b.title} {b.label}", exercise
            assert kind == index.KINDS[b.kinds[0]]
            assert check == (f"✓ {checks[b.label]}" if b.label in checks else "—"), b.label

"""Read the built book in a real browser: math is typeset, nothing leaves 127.0.0.1, screenshots are kept.

Screenshots go to ``_build/screenshots/`` for people to look at.
"""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import BUILD, ROOT, page_errors, requested_urls

pytestmark = [pytest.mark.browser, pytest.mark.book]

NETWORK_SCHEMES = ("http", "https", "ws", "wss", "ftp")
#: The intro, the notation page and every chapter (one notebook each).
PAGES_WITH_MATH = ["book/intro.html", "book/notation.html",
                   *(f"book/{nb.stem}.html" for nb in sorted((ROOT / "book").glob("*.ipynb")))]

# Text nodes outside code, scripts and rendered math that still hold TeX delimiters: math MathJax did not typeset.
RAW_TEX_JS = r"""
const skip = new Set(["SCRIPT", "STYLE", "PRE", "CODE", "MJX-CONTAINER", "TEXTAREA"]);
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  let node = walker.currentNode, el = node.parentElement, skipped = false;
  while (el) { if (skip.has(el.tagName) || el.classList.contains("highlight")) { skipped = true; break; } el = el.parentElement; }
  if (skipped) continue;
  const t = node.textContent;
  if (t.includes("$$") || t.includes("\\[") || t.includes("\\begin{") || t.includes("\\(")) out.push(t.slice(0, 120));
}
return out;
"""  # noqa: E501 (JavaScript)


def _wait_for_mathjax(browser, timeout=60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = browser.execute_script(
            "return !!(window.MathJax && MathJax.startup && MathJax.startup.promise && "
            "document.querySelectorAll('mjx-container').length > 0 && "
            "document.querySelectorAll('.math:not(:has(mjx-container))').length === 0)")
        if done:
            return
        time.sleep(0.25)
    raise AssertionError("MathJax did not typeset the page within the time limit")


@pytest.mark.parametrize("page", PAGES_WITH_MATH)
def test_math_is_typeset_offline(browser, book_url, page):
    requested_urls(browser)  # drop earlier entries
    browser.get_log("browser")
    browser.get(book_url + page)
    _wait_for_mathjax(browser)
    console = page_errors(browser)
    assert not console, f"JavaScript errors on {page}: {console}"
    count = browser.execute_script("return document.querySelectorAll('mjx-container').length")
    assert count > 0
    raw = browser.execute_script(RAW_TEX_JS)
    assert not raw, f"untypeset TeX on {page}: {raw[:5]}"
    errors = browser.execute_script("return document.querySelectorAll('mjx-merror, .MathJax_Error').length")
    assert errors == 0, f"{errors} MathJax errors on {page}"

    shots = BUILD / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(shots / (Path(page).stem + ".png")))

    # Network requests only: Chromium's own chrome:// pages, data: and blob: URLs never leave the machine.
    urls = [u for u in requested_urls(browser) if urlparse(u).scheme in NETWORK_SCHEMES]
    assert any(u.startswith(book_url) and "mathjax" in u for u in urls), \
        "the performance log did not record the page's own MathJax request: the check would be vacuous"
    outside = [u for u in urls if urlparse(u).hostname != "127.0.0.1"]
    assert not outside, f"{page} requested resources outside the book: {outside}"


def test_derivations_render_step_by_step_with_their_marks_and_domains(browser, book_url):
    browser.get(book_url + "book/linear_algebra.html")
    _wait_for_mathjax(browser)
    marks = browser.execute_script(
        "return [...document.querySelectorAll('.mathdl-derivation .mathdl-mark')].filter(m => m.textContent === '✓')"
        ".length")
    assert marks >= 10, f"expected the proved derivation steps to show check marks; found {marks}"
    domains = browser.execute_script(
        "return document.querySelectorAll('.mathdl-derivation .mathdl-domain mjx-container').length")
    assert domains >= 5, "every derivation shows its domain, typeset"
    anchors = browser.execute_script("return [...document.querySelectorAll('.mathdl-derivation')].map(d => d.id)")
    assert all(a.startswith("derivation-") for a in anchors) and len(set(anchors)) == len(anchors)


# ---------------------------------------------------------------------------------------------- layout and reading

ALL_PAGES = [*PAGES_WITH_MATH, "book/ledger.html", "book/exercises.html", "book/references.html",
             "book/contributing.html"]
WIDTHS = (1280, 390)

# Every math element (and derivation row) must fit its container, or sit in a scrollable box whose whole scroll
# width the reader can reach; nothing may be cut off by an ancestor with overflow hidden/clip.
CLIPPING_JS = r"""
const out = [];
const scrollable = (el) => { const s = getComputedStyle(el).overflowX; return s === "auto" || s === "scroll"; };
const clips = (el) => { const s = getComputedStyle(el).overflowX; return s === "hidden" || s === "clip"; };
// the page's content (the side bars' tables of contents are off-canvas drawers on a phone)
const main = document.querySelector("article.bd-article") || document.querySelector('[role="main"]') || document.body;
for (const el of main.querySelectorAll("mjx-container, .mathdl-expr")) {
  const r = el.getBoundingClientRect();
  if (r.width === 0) continue;
  let a = el.parentElement, handled = false;
  while (a && a !== document.body) {
    const ar = a.getBoundingClientRect();
    if (scrollable(a) && a.scrollWidth > a.clientWidth + 1) {
      a.scrollLeft = a.scrollWidth;                       // can the reader reach the far end?
      if (a.scrollLeft + a.clientWidth < a.scrollWidth - 1) out.push("unreachable scroll: " + el.textContent.slice(0, 60));
      a.scrollLeft = 0; handled = true; break;
    }
    if (clips(a) && (r.right > ar.right + 1 || r.left < ar.left - 1)) {
      out.push("clipped by overflow hidden: " + el.textContent.slice(0, 60)); handled = true; break;
    }
    if (a === main) break;
    a = a.parentElement;
  }
  if (!handled) {
    const mr = main.getBoundingClientRect();
    if (r.right > mr.right + 1) out.push(`wider than the text column by ${Math.round(r.right - mr.right)} px: ` +
                                         el.textContent.slice(0, 60));
  }
}
return out;
"""  # noqa: E501 (JavaScript)

MARKS_JS = r"""
const out = [];
for (const m of document.querySelectorAll(".mathdl-mark")) {
  if (!m.textContent.trim()) continue;
  const r = m.getBoundingClientRect();
  if (r.left < 0 || r.right > window.innerWidth) out.push(m.textContent + " at x=" + Math.round(r.left));
}
return [document.querySelectorAll(".mathdl-mark").length, out];
"""

LITERAL_TEX_JS = r"""
const skip = new Set(["SCRIPT", "STYLE", "PRE", "CODE", "TEXTAREA"]);
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  let el = walker.currentNode.parentElement, skipped = false;
  while (el) { if (skip.has(el.tagName) || el.classList.contains("highlight")) { skipped = true; break; } el = el.parentElement; }
  if (skipped) continue;
  const t = walker.currentNode.textContent;
  if (t.includes("\\_") || t.includes("\\text")) out.push(t.slice(0, 80));
  // a $ left in the text is inline math Markdown did not parse (a line starting "+ " inside it became a list)
  else if (t.includes("$")) out.push("unparsed $: " + t.slice(Math.max(0, t.indexOf("$") - 30), t.indexOf("$") + 50));
}
// a backslash typeset inside math (MathJax CHTML draws U+005C as mjx-c.mjx-c5C) is a TeX escape shown literally
const slashes = document.querySelectorAll("mjx-c.mjx-c5C").length;
if (slashes) out.push(`${slashes} literal backslash(es) inside typeset math`);
return out;
"""  # noqa: E501 (JavaScript)


# An inline formula that scrolls in its own box must be one wider than its line: a scroll bar under a formula that
# fits (MathJax's screen-reader copy, an italic overhang of a pixel or two) is clutter under every formula.
NEEDLESS_SCROLL_JS = r"""
const out = [];
for (const el of document.querySelectorAll("mjx-container:not([display])")) {
  const st = getComputedStyle(el);
  if (!(st.overflowX === "auto" || st.overflowX === "scroll") || el.scrollWidth <= el.clientWidth) continue;
  const line = el.parentElement.getBoundingClientRect().width;
  if (el.getBoundingClientRect().width < line - 2) out.push(`${el.scrollWidth}/${el.clientWidth} px: ` + el.textContent.slice(0, 40));
}
return out;
"""  # noqa: E501 (JavaScript)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_math_is_clipped_and_every_mark_is_visible(browser, book_url, page, width):
    browser.set_window_size(width, 1000)
    try:
        browser.get(book_url + page)
        if browser.execute_script("return document.querySelectorAll('.math, .mathdl-derivation').length > 0"):
            _wait_for_mathjax(browser)
        clipped = browser.execute_script(CLIPPING_JS)
        assert not clipped, f"{page} at {width} px: {len(clipped)} math elements cut off: {clipped[:5]}"
        browser.execute_async_script(  # after mathdl-math.js has settled the typeset page
            "const done = arguments[arguments.length - 1];"
            "(window.MathJax && MathJax.startup && MathJax.startup.promise ? MathJax.startup.promise"
            " : Promise.resolve()).then(() => setTimeout(done, 0));")
        needless = browser.execute_script(NEEDLESS_SCROLL_JS)
        assert not needless, f"{page} at {width} px: scroll bars under formulas that fit: {needless[:5]}"
        literal = browser.execute_script(LITERAL_TEX_JS)
        assert not literal, f"{page} at {width} px: literal TeX in the rendered text: {literal[:5]}"
        page_width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert page_width[0] <= page_width[1] + 1, f"{page} at {width} px scrolls sideways: {page_width}"
        count, outside = browser.execute_script(MARKS_JS)
        if width >= 1024:
            assert not outside, f"{page} at {width} px: derivation marks outside the window: {outside[:5]}"
        shots = BUILD / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(shots / f"{Path(page).stem}-{width}.png"))
    finally:
        browser.set_window_size(1280, 1600)


def test_the_layout_checks_can_fail(browser, book_url):
    """The scripts above see a clipped equation, a literal backslash and a mark pushed off screen."""
    browser.get(book_url + "book/intro.html")
    browser.execute_script(r"""
      const box = document.createElement("div");
      box.style.overflow = "hidden"; box.style.width = "100px";
      box.innerHTML = '<mjx-container style="display:inline-block;width:900px">x</mjx-container>' +
                      '<p><mjx-container style="display:inline-block;overflow-x:auto;width:50px">' +
                      '<span style="display:inline-block;width:53px">y</span></mjx-container></p>' +
                      '<p>a\\_b</p><p>cut $\\bar x</p>' +
                      '<span class="mathdl-mark" style="position:absolute;left:5000px">✓</span>';
      (document.querySelector("article.bd-article") || document.body).prepend(box);
    """)
    assert browser.execute_script(CLIPPING_JS)
    literal = browser.execute_script(LITERAL_TEX_JS)
    assert any("a\\_b" in t for t in literal) and any(t.startswith("unparsed $") for t in literal), literal
    assert browser.execute_script(MARKS_JS)[1]
    assert browser.execute_script(NEEDLESS_SCROLL_JS)


def _search(browser, book_url, query: str, timeout: float = 30.0) -> list[tuple[str, str]]:
    """(link, summary text) of each result of the book's own search page."""
    browser.get(book_url + "search.html?q=" + query)
    deadline = time.time() + timeout
    results: list = []
    while time.time() < deadline:
        results = browser.execute_script(
            "return [...document.querySelectorAll('#search-results li')].map(li => "
            "[li.querySelector('a').getAttribute('href'), (li.querySelector('p.context') || {}).textContent || ''])")
        done = browser.execute_script("return !!document.querySelector('#search-results p.search-summary')")
        if done and all(summary for _, summary in results):
            break
        time.sleep(0.25)
    return results


def test_searching_a_claim_id_finds_the_chapter_that_proves_it(browser, book_url):
    results = _search(browser, book_url, "linalg.frobenius-gradient")
    pages = [href for href, _ in results]
    assert any("linear_algebra" in p for p in pages), f"the linear algebra chapter is not among {pages}"


def test_search_summaries_are_text_not_raw_tex(browser, book_url):
    results = _search(browser, book_url, "gradient")
    assert results, "searching 'gradient' found nothing"
    summaries = " ".join(summary for _, summary in results)
    for raw in ("\\(", "\\frac", "\\begin", ".ipynb"):
        assert raw not in summaries, f"search summaries show {raw!r}: {summaries[:300]}"


def test_one_search_box_and_a_favicon_that_needs_no_request(browser, book_url):
    browser.set_window_size(1280, 1000)
    try:
        requested_urls(browser)
        browser.get(book_url + "book/intro.html")
        visible = browser.execute_script(
            "return [...document.querySelectorAll('.search-button-field, .search-button__button, input[type=search]')]"
            ".filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && "
            "getComputedStyle(e).visibility !== 'hidden'; }).length")
        assert visible == 1, f"{visible} search boxes are visible at 1280 px; the book shows one"
        icon = browser.execute_script("const l = document.querySelector('link[rel=icon]'); return l && l.href")
        assert icon and icon.startswith("data:image/svg+xml"), icon
        assert not [u for u in requested_urls(browser) if "favicon" in u]
    finally:
        browser.set_window_size(1280, 1600)

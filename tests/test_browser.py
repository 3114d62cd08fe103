"""Read the built book in a real browser: math is typeset, nothing leaves 127.0.0.1, screenshots are kept.

Screenshots go to ``_build/screenshots/`` for people to look at.
"""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import BUILD, page_errors, requested_urls

pytestmark = [pytest.mark.browser, pytest.mark.book]

NETWORK_SCHEMES = ("http", "https", "ws", "wss", "ftp")
PAGES_WITH_MATH = ["book/intro.html", "book/notation.html", "book/linear_algebra.html", "book/calculus.html",
                   "book/probability.html", "book/neurons.html", "book/optimization.html", "book/information.html"]

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


def test_derivations_render_as_aligned_blocks(browser, book_url):
    browser.get(book_url + "book/linear_algebra.html")
    _wait_for_mathjax(browser)
    checkmarks = browser.execute_script(
        "return document.querySelectorAll('mjx-container mjx-c.mjx-c2713').length")
    assert checkmarks >= 10, f"expected the proved derivation steps to show check marks; found {checkmarks}"

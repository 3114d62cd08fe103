"""The exercises in the built book, in a real browser with no network: every solution is collapsed, opens on a
click and closes again, at desktop and phone widths; the index of exercises links to every exercise."""
from __future__ import annotations

import sys
import time
from urllib.parse import urlparse

import pytest

from conftest import ROOT, page_errors, requested_urls

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import exercise_index as index  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.book]

CHAPTERS = [nb.stem for nb in index.chapters_in_order()]

# Each solution of the page: is its body shown, and the state of its toggle button.
SOLUTIONS_JS = r"""
return [...document.querySelectorAll("div.solution")].map(s => {
  const body = [...s.children].filter(c => !c.classList.contains("admonition-title"));
  const shown = body.some(c => c.getBoundingClientRect().height > 0 && getComputedStyle(c).visibility !== "hidden");
  const button = s.querySelector(".admonition-title .toggle-button");
  return {id: s.id, dropdown: s.classList.contains("dropdown"), shown: shown,
          expanded: button ? button.getAttribute("aria-expanded") : null,
          target: (s.querySelector(".admonition-title a") || {}).hash || null};
});
"""


def _solutions(browser, timeout: float = 20.0) -> list[dict]:
    """The page's solutions once sphinx-togglebutton has given each its button."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = browser.execute_script(SOLUTIONS_JS)
        if found and all(s["expanded"] is not None for s in found):
            return found
        time.sleep(0.2)
    raise AssertionError(f"the solutions never got their toggle button: {browser.execute_script(SOLUTIONS_JS)[:3]}")


def _click_title(browser, solution_id: str) -> None:
    from selenium.webdriver.common.by import By

    title = browser.find_element(By.CSS_SELECTOR, f'[id="{solution_id}"] > .admonition-title')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", title)
    title.find_element(By.CSS_SELECTOR, ".toggle-button").click()   # a real click, where the reader clicks


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_solution_is_collapsed_and_opens_offline(browser, book_url, chapter):
    """At 1280 px every solution opens on a click on its toggle; at 390 px (the same page, narrowed) each closes
    again on a second click, and one reopens."""
    expected = [b.label for b in index.chapter_exercises(ROOT / "book" / f"{chapter}.ipynb")]
    browser.set_window_size(1280, 1000)
    try:
        requested_urls(browser)
        browser.get_log("browser")
        browser.get(book_url + f"book/{chapter}.html")
        before = _solutions(browser)
        # one collapsed solution per exercise, each titled with a link to its exercise
        assert [s["target"] for s in before] == [f"#{label}" for label in expected], (chapter, before)
        assert all(s["dropdown"] and not s["shown"] and s["expanded"] == "false" for s in before), before
        for s in before:
            _click_title(browser, s["id"])
        opened = _solutions(browser)
        assert all(s["shown"] and s["expanded"] == "true" for s in opened), \
            [s["target"] for s in opened if not s["shown"]]
        browser.set_window_size(390, 900)
        for s in before:
            _click_title(browser, s["id"])
        closed = _solutions(browser)
        assert not any(s["shown"] for s in closed), [s["target"] for s in closed if s["shown"]]
        _click_title(browser, before[-1]["id"])
        assert _solutions(browser)[-1]["shown"], "at 390 px the last solution did not open"
        assert not page_errors(browser)
        urls = [u for u in requested_urls(browser) if urlparse(u).scheme in ("http", "https", "ws", "wss")]
        assert urls and not [u for u in urls if urlparse(u).hostname != "127.0.0.1"], urls
    finally:
        browser.set_window_size(1280, 1600)


def test_the_index_links_to_every_exercise(browser, book_url):
    """Each row of the index links to an exercise that exists on its chapter's page."""
    browser.get(book_url + "book/exercises.html")
    links = browser.execute_script(
        "return [...document.querySelectorAll('table.exercise-index-table td:first-child a')].map(a => a.href)")
    expected = [(c, b.label) for c in CHAPTERS for b in index.chapter_exercises(ROOT / "book" / f"{c}.ipynb")]
    assert len(links) == len(expected)
    for (chapter, label), href in zip(expected, links):
        assert href.endswith(f"book/{chapter}.html#{label}"), (label, href)
    browser.get(links[-1])
    assert browser.execute_script("return !!document.getElementById(location.hash.slice(1))"), links[-1]

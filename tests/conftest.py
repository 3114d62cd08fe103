"""Shared fixtures: a seeded rng, the built book, a loopback server for it, and headless Chromium.

The book is built once per test session (``jupyter-book build . -W -n --keep-going``, notebooks executed through
the jupyter-cache in ``_build/.jupyter_cache``), served on 127.0.0.1 by a thread of this process, and opened in
Debian's Chromium through Selenium. Tests that need them are marked ``book`` / ``browser``.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

# Property tests draw the same examples on every run (no example database, no random seed per run): a red CI run
# is reproducible, and a green one does not turn red because Hypothesis happened upon a new corner that day. To
# draw fresh examples locally: pytest --hypothesis-profile=explore.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, max_examples=1000)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
# The test copy of the book: built from the notebooks' stored outputs (which strict nbval re-executes and compares
# in the same run), away from _build/html so a book being served is never deleted under its reader.
TEST_BUILD = BUILD / "test"
HTML = TEST_BUILD / "_build" / "html"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--disable-default-apps", "--disable-extensions", "--window-size=1280,1600",
)


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed for every test."""
    return np.random.default_rng(20261121)


@pytest.fixture
def strict_floats():
    """Run a test with numpy overflow / invalid / divide-by-zero raising and every warning an error.

    Modules whose functions promise "no overflow warnings, no NaN" opt in with
    ``pytestmark = pytest.mark.usefixtures("strict_floats")``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield


def test_config() -> Path:
    """_config.yml with notebook execution off: the pages show the stored outputs strict nbval verifies."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    local = config.get("sphinx", {}).get("local_extensions", {})  # resolved against the config file's folder
    for name, folder in local.items():
        local[name] = str(ROOT / folder)
    TEST_BUILD.mkdir(parents=True, exist_ok=True)
    path = TEST_BUILD / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _run_id(config) -> str:
    """One id for the whole test run, shared by the pytest-xdist workers (one per process otherwise)."""
    workerinput = getattr(config, "workerinput", None)
    return workerinput["testrunuid"] if workerinput else f"local-{os.getpid()}"


@pytest.fixture(scope="session")
def book_html(request) -> Path:
    """Build the book with warnings as errors into ``_build/test/_build/html`` and return that path.

    The notebooks are not executed again: the build shows their stored outputs, which strict nbval re-executes
    and compares in the same test run. With pytest-xdist the test files that need the book may run on several
    workers: the first to get here builds, under a file lock, and the others reuse that build. The build log is
    kept in ``_build/test/build.log``; a failed build fails every test that needs the book, with the log's tail.
    """
    import fcntl

    TEST_BUILD.mkdir(parents=True, exist_ok=True)
    stamp, run = TEST_BUILD / ".built-for-run", _run_id(request.config)
    with open(TEST_BUILD / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and stamp.read_text().split("\n")[0] == run):
            if HTML.exists():
                shutil.rmtree(HTML)  # a clean HTML tree: stale pages must not satisfy the scans
            jb = Path(sys.executable).with_name("jupyter-book")
            cmd = [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--config", str(test_config()),
                   "--path-output", str(TEST_BUILD)]
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
            (TEST_BUILD / "build.log").write_text(proc.stdout + proc.stderr)
            stamp.write_text(f"{run}\n{proc.returncode}")
        returncode = int(stamp.read_text().split("\n")[1])
    if returncode != 0:
        log = (TEST_BUILD / "build.log").read_text()
        pytest.fail(f"jupyter-book build failed (exit {returncode}); last lines:\n{log[-4000:]}")
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def book_url(book_html: Path):
    """Base URL (``http://127.0.0.1:PORT/``) of a loopback server for the built book."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        pytest.fail("headless Chromium is needed: install Debian's packages with "
                    "`apt-get install chromium chromium-driver` (.ci/run does this).")
    return browser, driver


@pytest.fixture(scope="session")
def browser():
    """Selenium WebDriver on Debian's headless Chromium, with performance logging to see every request."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _chromium_paths()
    profile = tempfile.mkdtemp(prefix="mathdl-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """Every URL the page asked the network for since the last call (from Chrome's performance log)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def page_errors(driver) -> list[str]:
    """Uncaught JavaScript errors and failed loads since the last call (a missing favicon counts: every page has one).

    Messages a library logs on purpose with ``console.error`` (the theme's "invalid theme mode" notice on a fresh
    profile) are not errors of the page.
    """
    return [e["message"] for e in driver.get_log("browser")
            if e["level"] == "SEVERE" and e.get("source") in ("javascript", "network")]


def pytest_collection_modifyitems(config, items):
    # Fast unit tests first, then nbval notebooks, then the book build and browser tests.
    def rank(item) -> int:
        if item.get_closest_marker("browser"):
            return 3
        if item.get_closest_marker("book"):
            return 2
        if str(item.fspath).endswith(".ipynb"):
            return 1
        return 0

    items.sort(key=rank)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

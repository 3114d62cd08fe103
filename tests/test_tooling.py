"""The Makefile's reader-facing targets work as documented in the README: `make lab` (as root too, with PORT and
LAB_ARGS) really serves JupyterLab, and `make serve` serves the built book on the chosen port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.book  # slow-ish: starts servers; runs with the book tests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float = 90.0) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"nothing answered at {url} within {timeout} s")


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(["make", "--no-print-directory", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _stop(proc: subprocess.Popen) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out


def test_make_lab_serves_jupyterlab_on_the_chosen_port_even_as_root():
    port = _free_port()
    proc = _start(["lab", f"PORT={port}",
                   "LAB_ARGS=--no-browser --ServerApp.token= --ServerApp.password= --ServerApp.ip=127.0.0.1"])
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/lab") == 200
    finally:
        out = _stop(proc)
    assert "Running as root is not recommended" not in out or "--allow-root" in out
    if os.getuid() == 0:
        assert "--allow-root" in out, "as root, make lab must pass --allow-root"


def test_make_serve_serves_the_book_on_the_chosen_port(book_html: Path):
    port = _free_port()
    proc = _start(["serve", f"PORT={port}", f"HTML_DIR={book_html}"])  # the test build; readers serve _build/html
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/index.html") == 200
    finally:
        out = _stop(proc)
    assert f"http://127.0.0.1:{port}" in out

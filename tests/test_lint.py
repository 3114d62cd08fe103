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

"""`make bench`: print timings of the book's build and checks, and each chapter benchmark's figures.

Figures, not pass/fail: speed targets live here so that no test flakes on a busy machine.
  - cold book build (empty jupyter-cache: every notebook executed) and warm rebuild (cache hit)
  - strict nbval over every notebook
  - each notebook's top-to-bottom execution time
  - every benchmarks/bench_*.py module's main()
"""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}")
    return elapsed


def notebook_seconds(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    print(f"mathdl benchmarks (python {sys.version.split()[0]}, {shutil.os.cpu_count()} cores)\n")
    notebooks = sorted((ROOT / "book").glob("*.ipynb"))
    print("notebook execution (top to bottom, fresh kernel):")
    for nb in notebooks:
        runs = [notebook_seconds(nb) for _ in range(2)]
        print(f"  {nb.name:32s} {min(runs):6.1f} s (best of 2)")

    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    build = [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going"]
    print(f"\ncold book build (executes every notebook): {timed(build):6.1f} s")
    (ROOT / "book" / "intro.md").touch()
    print(f"warm rebuild after an edit (cache hit):     {timed(build):6.1f} s")
    nbval = [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
             "--nbval-sanitize-with", "book/sanitize.cfg", "book"]
    print(f"strict nbval over {len(notebooks)} notebooks:            {timed(nbval):6.1f} s")

    for bench in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(bench.stem, bench)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"\n{bench.stem}:")
        module.main()


if __name__ == "__main__":
    main()

"""`make bench`: print timings of the book's build and checks, and each chapter benchmark's figures.

Figures, not pass/fail: speed targets live here so that no test flakes on a busy machine.
  - each notebook's top-to-bottom execution time
  - cold book build (empty jupyter-cache: every notebook executed) and warm rebuild (cache hit), in a temporary
    directory: the reader's _build (its execution cache, screenshots and served HTML) is never touched
  - strict nbval over every notebook
  - every benchmarks/bench_*.py module's main()

BLAS runs on one thread (threadpoolctl, and the *_NUM_THREADS variables for subprocesses), so a ratio measured
side by side is not skewed by a second core that happens to be busy; the header reports the threads and the
machine's load average at the start and the end.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Pin BLAS threads before numpy is imported anywhere, here and in every subprocess (kernels, builds).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def progress(message: str) -> None:
    print(f"  ... {message}", file=sys.stderr, flush=True)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


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
    import numpy  # noqa: F401 - load numpy's BLAS so threadpoolctl can see (and pin) it
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(1)
    blas = ", ".join(f"{p['internal_api']} {p['num_threads']} thread(s)" for p in threadpool_info()) or "none found"
    print(f"mathdl benchmarks (python {sys.version.split()[0]}; BLAS pinned: {blas})")
    print(f"machine at start: {load()}\n", flush=True)
    notebooks = sorted((ROOT / "book").glob("*.ipynb"))
    print("notebook execution (top to bottom, fresh kernel):")
    for nb in notebooks:
        progress(f"running {nb.name} twice")
        runs = [notebook_seconds(nb) for _ in range(2)]
        print(f"  {nb.name:32s} {min(runs):6.1f} s (best of 2)", flush=True)

    with tempfile.TemporaryDirectory(prefix="mathdl-bench-") as out:
        build = [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", out]
        progress("cold book build in a temporary directory (executes every notebook; about a minute)")
        print(f"\ncold book build (executes every notebook): {timed(build):6.1f} s", flush=True)
        (ROOT / "book" / "intro.md").touch()
        progress("warm rebuild")
        print(f"warm rebuild after an edit (cache hit):     {timed(build):6.1f} s", flush=True)
    nbval = [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
             "--nbval-sanitize-with", "book/sanitize.cfg", "book"]
    progress("strict nbval over every notebook")
    print(f"strict nbval over {len(notebooks)} notebooks:            {timed(nbval):6.1f} s", flush=True)

    for bench in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(bench.stem, bench)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        progress(f"{bench.stem}")
        print(f"\n{bench.stem}:", flush=True)
        module.main()
    print(f"\nmachine at the end: {load()}")


if __name__ == "__main__":
    main()

"""Mutation check: would the fast tests notice if a formula in mathdl were wrong?

Two kinds of mutant, applied one at a time to the functions of a module:

* **perturbation** -- one ``return <expr>`` of a function returns ``<expr>`` with every float in it (a float, a
  float array, or floats inside a tuple/list/dict) multiplied by 1.001;
* **operator** (with ``--operators``) -- one ``+``/``-``, ``*``/``/`` or ``<``/``<=``/``>``/``>=`` flipped.

A mutant is *killed* when the module's test file fails with it: ``tests/test_<module>.py``; for
``mathdl/figures/<x>.py`` ``tests/test_figures_<x>.py``; for the engine (``mathdl/autodiff/engine.py``,
``ops.py``) ``tests/test_autodiff.py``, for an op family ``mathdl/autodiff/<x>.py`` ``tests/test_autodiff_<x>.py``.
A perturbation that the tests reach but that changes no float (the function returns a string, an int, None
or only zeros there) is *not applicable*; one the tests never reach *survives*, since an untested formula is
exactly what this check exists to find. The mutant is applied in memory (the function's code object is
swapped), never by editing files, so it is safe to run beside other work.

Usage::

    python tests/mutation.py mathdl/linalg.py [mathdl/spectral.py ...] [--operators] [--tests tests/test_x.py]
    make mutation                      # every module, perturbations only; prints the kill rate per module

This is not part of ``make test``: it runs each module's tests once per mutant (minutes, not seconds).
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import io
import os
import sys
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FACTOR = 1.001


class _Tracker:
    reached = False
    changed = False


def _perturb(value, _depth=0):
    """``value`` with every float in it multiplied by FACTOR (ints, bools, strings untouched)."""
    _Tracker.reached = True
    if _depth > 3:
        return value
    if isinstance(value, bool) or isinstance(value, (int, str, bytes)) or value is None:
        return value
    if isinstance(value, float):
        _Tracker.changed |= value != 0 and np.isfinite(value)  # 0 * 1.001 is no mutant at all
        return value * FACTOR
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating) and value.size:
        _Tracker.changed |= bool(np.any((value != 0) & np.isfinite(value)))
        return value * FACTOR
    if isinstance(value, np.floating):
        _Tracker.changed |= bool(value != 0 and np.isfinite(value))
        return type(value)(value * FACTOR)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_perturb(v, _depth + 1) for v in value)
    if isinstance(value, tuple):  # namedtuple
        return type(value)(*(_perturb(v, _depth + 1) for v in value))
    if isinstance(value, list):
        return [_perturb(v, _depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _perturb(v, _depth + 1) for k, v in value.items()}
    return value


class _ReturnMutator(ast.NodeTransformer):
    def __init__(self, target: int):
        self.count = 0
        self.target = target

    def visit_Return(self, node: ast.Return):
        if node.value is None:
            return node
        if self.count == self.target:
            node.value = ast.Call(func=ast.Name("__mathdl_perturb__", ast.Load()), args=[node.value], keywords=[])
        self.count += 1
        return node


_FLIPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
          ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}


class _OperatorMutator(ast.NodeTransformer):
    def __init__(self, target: int):
        self.count = 0
        self.target = target
        self.description = ""

    def _maybe(self, op):
        flip = _FLIPS.get(type(op))
        if flip is None:
            return op
        if self.count == self.target:
            self.description = f"{type(op).__name__} -> {flip.__name__}"
            op = flip()
        self.count += 1
        return op

    def visit_BinOp(self, node):
        self.generic_visit(node)
        node.op = self._maybe(node.op)
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        node.ops = [self._maybe(op) for op in node.ops]
        return node


def _functions(module: types.ModuleType, tree: ast.Module):
    """(qualified name, function object, FunctionDef) for top-level functions and methods defined in the module."""
    out = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            obj = module.__dict__.get(node.name)
            if (isinstance(obj, types.FunctionType) and obj.__code__.co_name == node.name
                    and not obj.__code__.co_freevars):
                out.append((node.name, obj, node))
        elif isinstance(node, ast.ClassDef):
            cls = module.__dict__.get(node.name)
            for sub in node.body:
                if isinstance(sub, ast.FunctionDef) and cls is not None:
                    obj = cls.__dict__.get(sub.name)
                    if isinstance(obj, (staticmethod, classmethod)):
                        obj = obj.__func__
                    if isinstance(obj, property):
                        obj = obj.fget
                    if (isinstance(obj, types.FunctionType) and obj.__code__.co_name == sub.name
                            and not obj.__code__.co_freevars):
                        out.append((f"{node.name}.{sub.name}", obj, sub))
    return out


def _compile(fn_node: ast.FunctionDef, filename: str) -> types.CodeType:
    node = ast.fix_missing_locations(ast.Module(body=[fn_node], type_ignores=[]))
    code = compile(node, filename, "exec")
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and const.co_name == fn_node.name:
            return const
    raise RuntimeError(f"no code object for {fn_node.name}")


def _count(node: ast.AST, mutator_cls) -> int:
    m = mutator_cls(-1)
    m.visit(_copy(node))
    return m.count


def _copy(node):
    return ast.parse(ast.unparse(node)).body[0]


def _run_tests(tests: list[str]) -> bool:
    """True if the tests pass (the mutant survives)."""
    import pytest

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-W",
                            "ignore::pytest.PytestAssertRewriteWarning", *tests])
    return code == 0


def _tests_for(path: Path) -> list[str]:
    """tests/test_<module>.py, or else the test files that import the module by name."""
    rel = path.resolve().relative_to(ROOT)
    parts = rel.with_suffix("").parts
    if parts[1] == "verify":
        return [str(ROOT / "tests" / "test_verify.py")]
    if parts[1] == "autodiff" and parts[-1] in ("engine", "ops"):  # the engine's own tests
        return [str(ROOT / "tests" / "test_autodiff.py")]
    candidate = ROOT / "tests" / f"test_{'_'.join(parts[1:])}.py"
    if candidate.exists():
        return [str(candidate)]
    dotted = ".".join(parts)
    leaf = parts[-1]
    users = []
    for test in sorted((ROOT / "tests").glob("test_*.py")):
        text = test.read_text()
        if dotted in text or f"import {leaf}" in text or f"{leaf}." in text and f"from {'.'.join(parts[:-1])}" in text:
            users.append(str(test))
    return users


def mutate_module(path: Path, tests: list[str], operators: bool) -> dict:
    rel = path.resolve().relative_to(ROOT)
    parts = rel.with_suffix("").parts
    modname = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)   # a package is its __init__.py
    module = importlib.import_module(modname)
    module.__dict__["__mathdl_perturb__"] = _perturb
    tree = ast.parse(path.read_text())
    result = {"module": modname, "perturb": [0, 0, 0], "operator": [0, 0], "survivors": []}
    if not _run_tests(tests):
        print(f"{modname}: the tests {tests} fail without any mutant; fix them first (module skipped).",
              file=sys.stderr)
        result["skipped"] = True
        return result
    for qualname, fn, node in _functions(module, tree):
        original = fn.__code__
        kinds = [("perturb", _ReturnMutator)] + ([("operator", _OperatorMutator)] if operators else [])
        for kind, mutator_cls in kinds:
            for k in range(_count(node, mutator_cls)):
                mutant_node = _copy(node)
                mutator = mutator_cls(k)
                mutator.visit(mutant_node)
                try:
                    fn.__code__ = _compile(mutant_node, str(path))
                except (ValueError, RuntimeError, SyntaxError):
                    continue
                _Tracker.reached = _Tracker.changed = False
                try:
                    survived = _run_tests(tests)
                finally:
                    fn.__code__ = original
                label = f"{qualname} return #{k + 1}" if kind == "perturb" else \
                    f"{qualname} operator #{k + 1} ({mutator.description})"
                if kind == "perturb":
                    if survived and _Tracker.reached and not _Tracker.changed:
                        result["perturb"][2] += 1  # not applicable: returns no float where the tests reach it
                        continue
                    result["perturb"][1] += 1
                    if not survived:
                        result["perturb"][0] += 1
                    else:
                        result["survivors"].append(label + ("" if _Tracker.reached else " (never reached)"))
                else:
                    result["operator"][1] += 1
                    if not survived:
                        result["operator"][0] += 1
                    else:
                        result["survivors"].append(label)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="mathdl/*.py files (default: every chapter module)")
    parser.add_argument("--operators", action="store_true", help="also flip arithmetic/comparison operators")
    parser.add_argument("--tests", action="append", help="test files to run (default: tests/test_<module>.py)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / "tests"))
    paths = [Path(m) for m in args.modules] or sorted(
        p for p in (ROOT / "mathdl").rglob("*.py") if p.name != "__init__.py" and _tests_for(p))
    total_killed = total = 0
    rows = []
    for path in paths:
        tests = args.tests or _tests_for(path)
        if not tests:
            print(f"{path}: no test file found; pass --tests", file=sys.stderr)
            continue
        r = mutate_module(path, tests, args.operators)
        if r.get("skipped"):
            continue
        killed, n, na = r["perturb"]
        total_killed += killed
        total += n
        rate = f"{100 * killed / n:.1f}%" if n else "n/a"
        op = f"; operators {r['operator'][0]}/{r['operator'][1]} killed" if args.operators else ""
        rows.append(f"{r['module']:<32} perturbations {killed}/{n} killed ({rate}), {na} not applicable{op}")
        print(rows[-1], flush=True)
        for s in r["survivors"]:
            print(f"    survives: {s}", flush=True)
    if total:
        print(f"\nall modules: {total_killed}/{total} return-value perturbations killed "
              f"({100 * total_killed / total:.1f}%; target >= 98%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

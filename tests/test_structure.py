"""Module structure: a one-directional import graph, optional extras that say how to install them,
SentencePiece silenced without touching the process's file descriptors."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import awal

SOURCE = Path(awal.__file__).parent


def _imports() -> dict[str, set[str]]:
    """``module -> awal modules it imports`` (anywhere in the file, function bodies included)."""
    graph = {}
    for path in SOURCE.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("awal."):
                found.add(node.module.split(".")[1])
        graph[path.stem] = found - {path.stem}
    return graph


def test_import_graph_has_no_cycle():
    graph = _imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            pytest.fail("import cycle: " + " -> ".join(path[path.index(module) :] + (module,)))
        if module in done or module not in graph:
            return
        for other in sorted(graph[module]):
            visit(other, path + (module,))
        done.add(module)

    for module in sorted(graph):
        if module != "__init__":
            visit(module, ())


@pytest.mark.parametrize(
    "module, call",
    [
        ("tokenizers", lambda: awal.Normalizer("default").to_hf_normalizer()),
        ("sentencepiece", lambda: __import__("awal.export").export.sentencepiece_normalize("x.tsv", ["a"])),
        ("pyarrow", lambda: __import__("awal.arrow").arrow.pyarrow()),
    ],
)
def test_missing_extra_says_what_to_install(monkeypatch, module, call):
    monkeypatch.setitem(sys.modules, module, None)  # import of it raises ImportError
    extra = {"tokenizers": "subword", "sentencepiece": "subword", "pyarrow": "arrow"}[module]
    with pytest.raises(ImportError, match=rf"pip install 'awal\[{extra}\]'"):
        call()


def test_sentencepiece_charsmap_leaves_stderr_alone(monkeypatch):
    pytest.importorskip("sentencepiece")
    from awal import export

    calls = []
    real = os.dup2
    monkeypatch.setattr(os, "dup2", lambda *args, **kwargs: calls.append(args) or real(*args, **kwargs))
    export._charsmap.cache_clear()
    built = export._charsmap((("a", "b"), ("ﻻ", "لا")))
    monkeypatch.undo()
    assert built and calls == []  # no file descriptor redirected for the whole process


def test_sentencepiece_info_logs_are_silenced():
    pytest.importorskip("sentencepiece")
    code = "import awal.export as e; e._charsmap(((chr(97), chr(98)),))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "builder.cc" not in run.stderr, run.stderr


def _redefined(body: list[ast.stmt]) -> list[str]:
    """Names a module or class body defines twice with ``def``/``class``: the second hides the first
    (a test so hidden never runs). ``typing.overload`` signatures are the one intended case."""
    implemented: set[str] = set()  # names defined by something else than an overload signature
    twice = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not any("overload" in ast.unparse(d) for d in getattr(node, "decorator_list", [])):
                if node.name in implemented:
                    twice.append(node.name)
                implemented.add(node.name)
            if isinstance(node, ast.ClassDef):
                twice += [f"{node.name}.{name}" for name in _redefined(node.body)]
    return twice


def test_no_function_or_test_is_defined_twice():
    """Round 11 merged a test with the name of an earlier parametrised one, which then silently stopped running."""
    files = [*SOURCE.rglob("*.py"), *Path(__file__).parent.glob("*.py")]
    found = {str(p): twice for p in files if (twice := _redefined(ast.parse(p.read_text(encoding="utf-8")).body))}
    assert found == {}

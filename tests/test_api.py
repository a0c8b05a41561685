"""Conventions of the public API: `mypy --strict` on a user's script infers each result's type, the package
type-checks, one version source, `py.typed` in the wheel, a light `import awal` (modules imported on use)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import awal

REPO = Path(__file__).resolve().parents[1]

# Each line: an expression a user writes, and the type mypy must infer for it.
EXPECTED = {
    'awal.normalize("ﻻ")': "str",
    'awal.normalize(texts, profile="search")': "list[str]",
    "awal.normalize(tuple(texts))": "tuple[str, ...]",
    "awal.normalize(arrow)": "pyarrow.__lib_pxi.array.StringArray",
    "awal.normalize(chunked)": "pyarrow.__lib_pxi.table.ChunkedArray[pyarrow.__lib_pxi.scalar.StringScalar]",
    "awal.normalize(series)": "pandas.core.series.Series[str]",
    "awal.normalize(array)": "numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.str_]]",
    'awal.Normalizer("search")(texts)': "list[str]",
    'awal.Normalizer("search")(series)': "pandas.core.series.Series[str]",
    'awal.transliterate("كتاب", "ar2bw")': "str",
    'awal.transliterate(texts, "ar2bw")': "list[str]",
    'awal.transliterate(series, "arabizi2ar")': "pandas.core.series.Series[str]",
    'awal.Transliterator("ar2bw")(arrow)': "pyarrow.__lib_pxi.array.StringArray",
    'awal.Transliterator("ar2bw").candidates("كتاب")': "list[tuple[str, float]]",
    'awal.tokenize("a b")': "list[str]",
    "awal.tokenize(texts, split_digits=True)": "list[list[str]]",
    "awal.tokenize(series)": "pandas.core.series.Series[Any]",
    "awal.tokenize(arrow)": "pyarrow.__lib_pxi.array.Array[Any]",
    "awal.tokenize(chunked)": "pyarrow.__lib_pxi.table.ChunkedArray[Any]",
    "awal.tokenize(array)": "numpy.ndarray[tuple[Any, ...], numpy.dtype[numpy.object_]]",
    'awal.tokenize_with_offsets("a b")': "list[tuple[str, int, int]]",
    "awal.tokenize_with_offsets(texts)": "list[list[tuple[str, int, int]]]",
    'awal.dominant_script("a")': "str",
    "awal.dominant_script(texts)": "list[str]",
    "awal.dominant_script(series)": "pandas.core.series.Series[str]",
    "awal.dominant_script(arrow)": "pyarrow.__lib_pxi.array.Array[Any]",
    'awal.script_spans("a")': "list[tuple[int, int, str]]",
    "awal.script_spans(texts)": "list[list[tuple[int, int, str]]]",
    "awal.profiles()": "list[str]",
    "awal.__version__": "str",
}

SCRIPT = """\
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

import awal

texts: list[str] = ["ﻻ", "كتاب"]
arrow = pa.array(texts, type=pa.string())
chunked = pa.chunked_array([arrow])
series = pd.Series(texts)
array: npt.NDArray[np.str_] = np.array(texts)


def clean(column: "pd.Series[str]") -> "pd.Series[str]":
    return awal.normalize(column, profile="search")  # no cast needed under --strict


"""


def test_mypy_strict_infers_the_container_types(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    script = tmp_path / "user_script.py"
    script.write_text(SCRIPT + "\n".join(f"reveal_type({expr})" for expr in EXPECTED) + "\n", encoding="utf-8")
    cache = request.config.cache.mkdir("mypy") if hasattr(request.config, "cache") else tmp_path / "cache"
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "--no-color-output", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    # NumPy < 2.3 (the last on Python 3.10) spells an array's unknown shape tuple[int, ...]
    revealed = [t.replace("ndarray[tuple[int, ...]", "ndarray[tuple[Any, ...]") for t in re.findall(r'Revealed type is "(.*)"', run.stdout)]
    assert dict(zip(EXPECTED, revealed)) == EXPECTED, run.stdout
    assert run.returncode == 0 and "error:" not in run.stdout, run.stdout


def test_wrong_argument_type_is_a_mypy_error(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    script = tmp_path / "wrong.py"
    script.write_text("import awal\n\nawal.normalize(3)\nawal.tokenize(b'bytes')\n", encoding="utf-8")
    cache = request.config.cache.mkdir("mypy") if hasattr(request.config, "cache") else tmp_path / "cache"
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), str(script)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert re.search(r"wrong\.py:3: error: No overload variant of \"normalize\"", run.stdout), run.stdout
    assert re.search(r"wrong\.py:4: error: No overload variant of \"tokenize\"", run.stdout), run.stdout


@pytest.mark.skipif(
    tuple(int(part) for part in importlib.metadata.version("numpy").split(".")[:2]) < (2, 3),
    reason="NumPy < 2.3 (the last on Python 3.10) types array shapes differently; checked where NumPy is newer",
)
def test_the_package_type_checks(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """``mypy`` with the settings of pyproject.toml finds no error in awal's own code."""
    cache = request.config.cache.mkdir("mypy-package") if hasattr(request.config, "cache") else tmp_path / "cache"
    package = Path(awal.__file__).parent
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-color-output", str(package)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_one_version_source() -> None:
    """``__version__`` is written once (src/awal/__init__.py); the package metadata is built from it."""
    assert importlib.metadata.version("awal") == awal.__version__
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^dynamic = \[\"version\"\]", pyproject, re.M)
    assert not re.search(r"^version\s*=", pyproject, re.M)


def test_import_awal_stays_light() -> None:
    """The type-only imports (pandas, pyarrow, numpy.typing, mypy) are not made at run time."""
    code = textwrap.dedent(
        """
        import sys, awal
        awal.normalize(["x"]); awal.tokenize("x y"); awal.dominant_script("x")
        print(sorted(m for m in ("pandas", "pyarrow", "mypy", "awal.typing") if m in sys.modules))
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def _modules_after(code: str) -> list[str]:
    """The modules of awal, NumPy and the optional or heavy dependencies a fresh process has imported after ``code``."""
    watched = ("awal", "numpy", "pandas", "pyarrow", "regex", "multiprocessing")
    code += f"\nimport sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {watched!r}))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(run.stdout.strip().splitlines()[-1])


def test_import_awal_imports_only_normalisation() -> None:
    """``import awal`` loads NumPy and normalisation (what every function builds on, so a first call pays
    for tables, not imports); tokenisation, transliteration, quality, language identification, ``regex``
    and the optional pyarrow and pandas are imported when first used."""
    loaded = set(_modules_after("import awal; awal.normalize('x', 'camel')"))
    assert {"numpy", "awal.normalize", "awal.batch"} <= loaded
    assert not {"awal.lid", "awal.tokenize", "awal.quality", "awal.translit", "awal.scripts", "pandas", "pyarrow", "regex"} & loaded
    assert "awal.translit" in _modules_after("import awal; awal.transliterate('x', 'ar2bw')")


def test_the_command_imports_only_what_it_runs(tmp_path: Path) -> None:
    """``awal normalize`` on JSONL imports neither language identification, tokenisation, pyarrow, pandas, ``regex``
    (before Python 3.11 the JSONL reader's patterns need it) nor (with one worker) ``multiprocessing``."""
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "أَهْلاً"}\n', encoding="utf-8")
    code = f"from awal.cli import main; main(['normalize', '--profile', 'camel', {str(source)!r}, '--field', 'text', '--workers', '1'])"
    loaded = set(_modules_after(code))
    assert {"awal.cli", "awal.io.jsonl", "awal.utf8map", "numpy"} <= loaded
    unneeded = {"awal.lid", "awal.tokenize", "awal.quality", "awal.arabizi", "pandas", "pyarrow", "multiprocessing"}
    assert not (unneeded | ({"regex"} if sys.version_info >= (3, 11) else set())) & loaded


def test_api_names_stay_functions_when_their_modules_are_imported() -> None:
    """``awal.tokenize`` (``normalize``, ``quality``...) is the function even after ``import awal.tokenize``
    or a module that imports it; submodules are still reachable as attributes."""
    code = "import awal.quality, awal.tokenize, awal.normalize; print(awal.tokenize('a b'), awal.quality.__module__, awal.batch.__name__)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["['a',", "'b']", "awal.quality", "awal.batch"]
    assert set(awal.__all__) <= set(dir(awal)) and callable(awal.shingles) and callable(awal.sentences)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        awal.nothing_here  # noqa: B018
    for name in ("", "lid.model", "..x", "a.b"):  # round 9: awal itself, a submodule, ImportError, ModuleNotFoundError
        assert not hasattr(awal, name)


def test_wheel_ships_py_typed(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(REPO)],
        capture_output=True,
        check=True,
    )
    (wheel,) = tmp_path.glob("awal-*.whl")
    assert wheel.name.startswith(f"awal-{awal.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "awal/py.typed" in names
    assert "awal/typing.py" in names

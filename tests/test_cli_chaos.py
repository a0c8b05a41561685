"""The ``awal`` command against every kind of input and output path and every way a run can fail.

Each case asserts the exit code, a one-line message (never a traceback) and that every file in the
temporary directory other than the one asked for is byte-identical (content, mode, link target) to
what it was before. Nothing here points awal at a system path: FIFOs, links, device nodes and
read-only files are made inside ``tmp_path``.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from awal.cli import EXIT_DATA, EXIT_SYSTEM, EXIT_USAGE, main
from test_cli import _started

SRC = Path(__file__).resolve().parents[1] / "src"
LINES = ["أَهْلاً وَسَهْلاً", "ﻻ إِلَهَ", "wach nta mzyan?", "ⴰⵣⵓⵍ"]
SEARCHED = ["اهلا وسهلا", "لا اله", "wach nta mzyan?", "ⴰⵣⵓⵍ"]


def snapshot(directory: Path) -> dict[str, tuple]:
    """Everything about every entry under ``directory``: type and mode, and content or link target."""
    state = {}
    for path in sorted(directory.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            what: object = os.readlink(path)
        elif stat.S_ISREG(info.st_mode):
            what = path.read_bytes()
        else:
            what = None
        state[str(path.relative_to(directory))] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), what)
    return state


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def call(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def one_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err and err.startswith("awal: ")


def spawn(*args: str, preexec=None, timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run(
        [sys.executable, "-m", "awal", *args], capture_output=True, env=env, preexec_fn=preexec, timeout=timeout, cwd=cwd
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A txt input and an unrelated file that must survive every run."""
    (tmp_path / "in.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    (tmp_path / "keep.jsonl").write_bytes(b'{"text": "unrelated"}\n')
    return tmp_path / "in.txt"


# ---------------------------------------------------------------- output kinds
@pytest.mark.parametrize("workers", ["1", "2"])  # 2: batches come back through spool files, copied by the kernel
def test_fifo_output_is_streamed_and_stays_a_fifo(corpus, capsys, workers):
    fifo = corpus.parent / "pipe"
    os.mkfifo(fifo)
    before = snapshot(corpus.parent)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, err = call(capsys, "normalize", "--profile", "search", str(corpus), "-o", str(fifo), "--workers", workers, "--batch-size", "1")
    reader.join(timeout=30)
    assert code == 0, err
    assert received == ["".join(t + "\n" for t in SEARCHED).encode()]
    assert changed(before, snapshot(corpus.parent)) == set()  # the FIFO is still a FIFO, nothing else touched


def _device(directory: Path, name: str, minor: int) -> Path:
    """A character device node of our own (the kernel's null or full device numbers)."""
    node = directory / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        os.close(os.open(node, os.O_WRONLY))  # nodev mounts refuse to open device nodes
    except OSError as e:
        node.unlink(missing_ok=True)
        pytest.skip(f"cannot make and open a device node here ({e.strerror}): needs root and a mount without nodev")
    return node


def test_character_device_output_is_streamed_not_replaced(corpus, capsys):
    null = _device(corpus.parent, "null", 3)
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(null))
    assert code == 0, err
    assert changed(before, snapshot(corpus.parent)) == set()  # still the same device node


@pytest.mark.parametrize("workers", ["1", "2"])
def test_full_device_gives_one_line_and_exit_3(corpus, capsys, workers):
    full = _device(corpus.parent, "full", 7)  # every write: ENOSPC
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(full), "--workers", workers, "--batch-size", "1")
    assert code == EXIT_SYSTEM and one_line(err) and str(full) in err and "No space left" in err
    assert changed(before, snapshot(corpus.parent)) == set()


def test_symlink_output_replaces_the_target_and_keeps_the_link(corpus, capsys):
    target = corpus.parent / "real.txt"
    target.write_text("old\n")
    target.chmod(0o640)
    link = corpus.parent / "link.txt"
    link.symlink_to("real.txt")
    dangling = corpus.parent / "dangling.txt"
    dangling.symlink_to("created.txt")
    before = snapshot(corpus.parent)
    assert call(capsys, "normalize", "--profile", "search", str(corpus), "-o", str(link))[0] == 0
    assert call(capsys, "normalize", "--profile", "search", str(corpus), "-o", str(dangling))[0] == 0
    after = snapshot(corpus.parent)
    assert changed(before, after) == {"real.txt", "created.txt"}
    assert target.read_text(encoding="utf-8").splitlines() == SEARCHED and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.readlink(link) == "real.txt" and (corpus.parent / "created.txt").read_text(encoding="utf-8").splitlines() == SEARCHED


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_a_file_nobody_may_write_is_refused_even_for_root(corpus, capsys, mode):
    out = corpus.parent / "out.txt"
    out.write_text("precious\n")
    out.chmod(mode)
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(out))
    assert code == EXIT_SYSTEM and one_line(err) and str(out) in err and "read-only" in err
    assert changed(before, snapshot(corpus.parent)) == set()


def test_a_writable_file_is_replaced_keeping_its_mode(corpus, capsys):
    out = corpus.parent / "out.txt"
    out.write_text("old\n")
    out.chmod(0o604)
    assert call(capsys, "normalize", str(corpus), "-o", str(out))[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o604 and out.read_text(encoding="utf-8") != "old\n"


def test_a_directory_output_is_refused_before_any_work(corpus, capsys):
    (corpus.parent / "bad.jsonl").write_text("not json\n")
    before = snapshot(corpus.parent)
    # the input is bad: reading it first would give exit 1; the output is checked first
    code, err = call(capsys, "normalize", str(corpus.parent / "bad.jsonl"), "-o", str(corpus.parent))
    assert code == EXIT_USAGE and one_line(err) and "is a directory" in err
    assert changed(before, snapshot(corpus.parent)) == set()


def test_missing_output_directory(corpus, capsys):
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(corpus.parent / "no" / "out.txt"))
    assert code == EXIT_USAGE and one_line(err) and "does not exist" in err
    assert changed(before, snapshot(corpus.parent)) == set()


@pytest.mark.parametrize("error", [errno.EROFS, errno.EACCES, errno.ENOSPC, errno.EDQUOT])
def test_refusals_to_create_the_output_are_one_line_exit_3(corpus, capsys, monkeypatch, error):
    """A read-only filesystem, a directory we may not write... (simulated: root ignores permissions,
    and mounting a read-only filesystem needs privileges a test must not use)."""
    from awal.io import output

    def refuse(*args, **kwargs):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(output, "_unnamed_files_work", lambda directory: False)
    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(corpus.parent / "out.txt"))
    assert code == EXIT_SYSTEM and one_line(err) and f"cannot write {corpus.parent / 'out.txt'}: {os.strerror(error)}" in err
    assert changed(before, snapshot(corpus.parent)) == set()


def test_an_input_we_may_not_read_is_one_line_exit_3(corpus, capsys, monkeypatch):
    from awal.io import inputs

    def refuse(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(inputs, "open", refuse, raising=False)  # (root reads any file: simulated)
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(corpus.parent / "out.txt"))
    assert code == EXIT_SYSTEM and one_line(err) and f"{corpus}: Permission denied" in err
    assert changed(before, snapshot(corpus.parent)) == set()


def test_file_too_large_gives_one_line_and_no_output(corpus):
    big = corpus.parent / "big.txt"
    big.write_text("ﻻ إِلَهَ\n" * 20_000, encoding="utf-8")
    out = corpus.parent / "out.txt"
    out.write_text("previous\n")
    before = snapshot(corpus.parent)
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))  # noqa: E731
    result = spawn("normalize", str(big), "-o", str(out), "--workers", "1", preexec=limit)
    err = result.stderr.decode()
    assert result.returncode == EXIT_SYSTEM and one_line(err) and str(out) in err and "too large" in err
    assert changed(before, snapshot(corpus.parent)) == set()


@pytest.mark.parametrize("closed, args, name", [(1, ["in.txt"], "stdout"), (0, [], "stdin")])
def test_closed_standard_streams_give_one_line(corpus, closed, args, name):
    """``>&-`` / ``<&-``: never a traceback, and never another file that took the descriptor's number."""
    before = snapshot(corpus.parent)
    result = spawn("normalize", *args, preexec=lambda: os.close(closed), cwd=corpus.parent)
    err = result.stderr.decode()
    assert result.returncode == EXIT_SYSTEM and one_line(err) and "is not open" in err and name in err
    assert changed(before, snapshot(corpus.parent)) == set()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the child's open files")
def test_sigkill_midway_leaves_the_previous_output_byte_identical(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"text": "previous run"}\n')
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen([sys.executable, "-m", "awal", "normalize", "--field", "text", "--batch-size", "10", "--workers", "1", "-o", str(out)],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)  # fmt: skip
    proc.stdin.write(b'{"text": "\xd9\xbb"}\n' * 100)
    proc.stdin.flush()
    before = snapshot(tmp_path)
    _started(proc, tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.stdin.close()
    proc.wait(timeout=20)
    leftover = {name for name in changed(before, snapshot(tmp_path)) if not name.endswith(".awal-tmp")}
    assert proc.returncode == -9 and leftover == set()


# ---------------------------------------------------------------- input kinds
def test_directory_input_is_not_called_missing(corpus, capsys):
    code, err = call(capsys, "normalize", str(corpus.parent))
    assert code == EXIT_USAGE and one_line(err) and "is a directory" in err and "no such file" not in err


def test_fifo_input_is_read_as_a_stream(corpus, capsys):
    fifo = corpus.parent / "in.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(corpus.read_bytes()))
    writer.start()
    code, err = call(capsys, "normalize", "--profile", "search", "--format", "txt", str(fifo), "-o", str(corpus.parent / "o.txt"))
    writer.join(timeout=30)
    assert code == 0, err
    assert (corpus.parent / "o.txt").read_text(encoding="utf-8").splitlines() == SEARCHED


def test_fifo_profile_file_is_refused_not_waited_on(corpus):
    fifo = corpus.parent / "profile.toml"
    os.mkfifo(fifo)
    result = spawn("normalize", str(corpus), "--profile-file", str(fifo), timeout=30)
    err = result.stderr.decode()
    assert result.returncode == EXIT_USAGE and one_line(err) and "not a regular file" in err


@pytest.mark.parametrize("toml", ["drop = 5\n", 'extends = ["default"]\n', "a = " + "[" * 3000 + "]" * 3000 + "\n", "rules = 3\n"])
def test_bad_profile_files_give_one_line_and_exit_2(corpus, capsys, toml):
    profile = corpus.parent / "p.toml"
    profile.write_text(toml)
    code, err = call(capsys, "normalize", str(corpus), "--profile-file", str(profile), "-o", str(corpus.parent / "o.txt"))
    assert code == EXIT_USAGE and one_line(err) and "p.toml" in err
    assert not (corpus.parent / "o.txt").exists()


def test_parquet_without_pyarrow_is_a_message(corpus, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as on a core-only install
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    data = corpus.parent / "in.parquet"
    data.write_bytes(b"PAR1")
    code, err = call(capsys, "normalize", str(data), "-o", str(corpus.parent / "o.parquet"))
    assert code == EXIT_USAGE and one_line(err) and "awal[arrow]" in err


def test_truncated_parquet_is_a_message(corpus, capsys):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    data = corpus.parent / "in.parquet"
    pq.write_table(pa.table({"text": LINES * 100}), data)
    data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    before = snapshot(corpus.parent)
    code, err = call(capsys, "normalize", str(data), "-o", str(corpus.parent / "o.parquet"))
    assert code == EXIT_DATA and one_line(err) and str(data) in err and "Parquet" in err
    assert changed(before, snapshot(corpus.parent)) == set()


# ---------------------------------------------------------------- text framing: BOM, CRLF, line separators
BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("name, data, expected", [
    ("a.txt", BOM + "ﻻ\n".encode(), BOM + "لا\n".encode()),
    ("a.jsonl", BOM + '{"text": "ﻻ"}\n'.encode(), BOM + '{"text": "لا"}\n'.encode()),
    ("a.csv", BOM + 'text,id\r\n"ﻻ",1\r\n"a\r\nb",2\r\n'.encode(), BOM + 'text,id\r\nلا,1\r\n"a\r\nb",2\r\n'.encode()),
    ("a.tsv", BOM + "text\tid\nﻻ\t1\n".encode(), BOM + "text\tid\nلا\t1\n".encode()),
])  # fmt: skip
def test_a_bom_is_accepted_and_kept_and_crlf_stays(tmp_path, capsys, name, data, expected):
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / f"out-{name}"
    code, err = call(capsys, "normalize", "--profile", "search", str(src), "-o", str(out))
    assert code == 0, err
    assert out.read_bytes() == expected


def test_a_bom_with_workers_reading_their_own_slices(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_bytes(BOM + "".join(f'{{"id": {i}, "text": "ﻻ {i}"}}\n' for i in range(50)).encode())
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"o{workers}.jsonl"
        assert call(capsys, "normalize", str(src), "-o", str(out), "--workers", workers, "--batch-size", "7")[0] == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].startswith(BOM) and outs[0].count(BOM) == 1 and outs[0].count(b"\n") == 50


def test_txt_line_separators_do_not_split_lines(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text("a\u2028b\nc\u2029d\re\x85f\n", encoding="utf-8")
    out = tmp_path / "o.txt"
    assert call(capsys, "normalize", "--profile", "search", str(src), "-o", str(out))[0] == 0
    assert out.read_bytes().count(b"\n") == 2 and out.read_bytes().split(b"\n")[0] == b"a b"


# ---------------------------------------------------------------- JSONL that json reads but cannot write back
@pytest.mark.parametrize("line, message", [
    ('{"text": "x", "n": 1e400}', "beyond the range of a double"),
    ('{"text": "x", "n": -1E999}', "beyond the range of a double"),
    ('{"text": "x", "n": 2.5e-400}', "below the range of a double"),
    ('{"text": "x", "n": NaN}', "NaN is not JSON"),
    ('{"text": "x", "n": Infinity}', "Infinity is not JSON"),
    ('{"text": "x", "a": {"k": 1, "k": 2}}', "'k' occurs twice"),
    ('{"text": 1, "text": "ﻻ"}', "'text' occurs twice"),
])  # fmt: skip
def test_jsonl_that_would_not_come_back_is_an_error_with_line_and_offset(tmp_path, capsys, line, message):
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "ok"}\n' + line + "\n", encoding="utf-8")
    before = snapshot(tmp_path)
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.jsonl"))
    assert code == EXIT_DATA and one_line(err) and "line 2, byte offset 15" in err and message in err
    assert changed(before, snapshot(tmp_path)) == set()
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.jsonl"), "--errors", "skip")
    assert code == 0 and "1 line: not JSON that can be written back (skipped)" in err
    assert (tmp_path / "o.jsonl").read_text() == '{"text": "ok"}\n'


def test_jsonl_numbers_and_lone_surrogates_come_back_as_json(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_bytes(b'{"text": "\\ud800\xef\xbb\xbb", "big": 123456789012345678901234567890, "f": 1.5}\n{"text": "a\\udfff", "k\\ud801": 0}\n')
    out = tmp_path / "o.jsonl"
    assert call(capsys, "normalize", "--profile", "search", str(src), "-o", str(out))[0] == 0
    data = out.read_bytes()
    data.decode("utf-8")  # valid UTF-8
    records = [json.loads(line) for line in data.splitlines()]
    assert records[0] == {"text": "\ud800\ufefb", "big": 123456789012345678901234567890, "f": 1.5} or records[0]["text"].startswith("\ud800")
    assert b"\\ud800" in data and b"\\udfff" in data and b'"k\\ud801": 0' in data
    assert records[0]["big"] == 123456789012345678901234567890


def test_output_field_under_a_non_object_and_over_other_kinds(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text('{"text": "a", "x": "s", "n": 5, "tok": ["a"]}\n', encoding="utf-8")
    for field, message in [("x.y", "'x' is a JSON string, not an object"), ("n", "already holds a JSON number"),
                           ("tok", "already holds a JSON array")]:  # fmt: skip
        code, err = call(capsys, "normalize", str(src), "--output-field", field, "--replace-output-field", "-o", str(tmp_path / "o.jsonl"))
        assert code == EXIT_DATA and one_line(err) and message in err and "line 1, byte offset 0" in err
    assert call(capsys, "tokenize", str(src), "--output-field", "tok", "--replace-output-field", "-o", str(tmp_path / "o.jsonl"))[0] == 0
    code, err = call(capsys, "normalize", str(src), "--output-field", "x", "-o", str(tmp_path / "o.jsonl"))
    assert code == EXIT_DATA and "'x' exists already" in err  # a string, not replaced unless asked:
    assert call(capsys, "normalize", str(src), "--output-field", "x", "--replace-output-field", "-o", str(tmp_path / "o.jsonl"))[0] == 0


def test_parquet_output_column_of_another_type_is_refused(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"text": ["ﻻ"], "n": [5]}), tmp_path / "a.parquet")
    code, err = call(capsys, "normalize", str(tmp_path / "a.parquet"), "--output-field", "n", "--replace-output-field", "-o", str(tmp_path / "o.parquet"))
    assert code == EXIT_DATA and one_line(err) and "'n' exists with type int64" in err


# ---------------------------------------------------------------- csv/tsv records
def test_csv_skip_drops_exactly_the_record_with_bad_utf8(tmp_path, capsys):
    src = tmp_path / "a.csv"
    src.write_bytes(b'id,text\n1,"one"\n2,"two\n\xff bad\nstill two"\n3,three\n4,"fo\nur"\n5,five\n')
    out = tmp_path / "o.csv"
    code, err = call(capsys, "normalize", str(src), "--errors", "skip", "-o", str(out))
    assert code == 0 and "1 line: invalid UTF-8 (skipped)" in err
    assert out.read_text(encoding="utf-8") == 'id,text\n1,one\n3,three\n4,"fo\nur"\n5,five\n'
    code, err = call(capsys, "normalize", str(src), "--errors", "replace", "-o", str(out))
    assert code == 0 and [r[0] for r in _rows(out)] == ["id", "1", "2", "3", "4", "5"]


def _rows(path: Path) -> list[list[str]]:
    import csv

    return list(csv.reader(path.read_text(encoding="utf-8").splitlines(keepends=True)))


@pytest.mark.parametrize("errors", ["strict", "skip"])
def test_csv_unbalanced_quote_is_reported(tmp_path, capsys, errors):
    src = tmp_path / "a.csv"
    src.write_text('id,text\n1,one\n2,"two\n3,three\n4,four\n', encoding="utf-8")
    code, err = call(capsys, "normalize", str(src), "--errors", errors, "-o", str(tmp_path / "o.csv"))
    if errors == "strict":
        assert code == EXIT_DATA and one_line(err) and "line 3" in err and "never closed" in err
    else:
        assert code == 0 and "1 line: malformed csv (skipped)" in err
        assert (tmp_path / "o.csv").read_text() == "id,text\n1,one\n"


# ---------------------------------------------------------------- conventions
def test_version_and_python_dash_m():
    import awal

    result = spawn("--version")
    assert result.returncode == 0 and result.stdout.decode().strip() == f"awal {awal.__version__}"


@pytest.mark.parametrize("args, suggestion", [
    (["normalise"], "did you mean 'normalize'?"),
    (["normalize", "--profile", "serch"], "did you mean 'search'?"),
    (["transliterate", "--scheme", "ar2bww"], "did you mean 'ar2bw'?"),
])  # fmt: skip
def test_mistyped_names_get_a_suggestion(capsys, args, suggestion):
    try:
        code = main(args)
    except SystemExit as e:  # argparse's own errors
        code = e.code
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and suggestion in err and "Traceback" not in err


def test_train_tokenizer_options_all_have_help():
    from awal.cli import build_parser

    parser = build_parser()
    train = parser._subparsers._group_actions[0].choices["train-tokenizer"]  # noqa: SLF001 (argparse has no public way)
    assert all(action.help for action in train._actions)  # noqa: SLF001


def test_internal_errors_are_one_line_and_debug_shows_the_traceback(corpus, capsys, monkeypatch):
    from awal import cli

    monkeypatch.setattr(cli.Job, "__call__", lambda self, chunk: 1 / 0)
    code, err = call(capsys, "normalize", str(corpus), "-o", str(corpus.parent / "o.txt"))
    assert code == 70 and one_line(err) and "ZeroDivisionError" in err and "--debug" in err
    code, err = call(capsys, "--debug", "normalize", str(corpus), "-o", str(corpus.parent / "o.txt"))
    assert code == 70 and "Traceback" in err
    assert not (corpus.parent / "o.txt").exists()


# ---------------------------------------------------------------- train-tokenizer writes files too
def test_train_tokenizer_follows_links_and_refuses_what_it_cannot_replace(corpus, capsys):
    pytest.importorskip("tokenizers")
    corpus.write_text("\n".join(LINES * 20) + "\n", encoding="utf-8")
    real = corpus.parent / "real.json"
    real.write_text("{}")
    real.chmod(0o640)
    (corpus.parent / "tok.json").symlink_to("real.json")
    train = ["train-tokenizer", str(corpus), "--vocab-size", "200", "-o"]
    assert call(capsys, *train, str(corpus.parent / "tok.json"))[0] == 0
    assert os.readlink(corpus.parent / "tok.json") == "real.json" and json.loads(real.read_text())["model"]
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    os.mkfifo(corpus.parent / "fifo.json")
    (corpus.parent / "ro.json").write_text("{}")
    (corpus.parent / "ro.json").chmod(0o444)
    before = snapshot(corpus.parent)
    for name, code, message in [("fifo.json", EXIT_USAGE, "not a regular file"), ("ro.json", EXIT_SYSTEM, "read-only"),
                                (".", EXIT_USAGE, "is a directory")]:  # fmt: skip
        status, err = call(capsys, *train, str(corpus.parent / name))
        assert status == code and one_line(err) and message in err, err
    assert changed(before, snapshot(corpus.parent)) == set()


def test_a_failed_run_called_in_process_leaves_the_callers_stdout_working(tmp_path, capfd):
    """main() is a function too: round 9 pointed file descriptor 1 at /dev/null on every failure (and
    leaked a descriptor), so whatever the calling program printed afterwards was lost."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"salam\n\xff\n")
    free = _lowest_free_descriptor()
    assert main(["normalize", str(bad), "-o", str(tmp_path / "out.txt")]) == EXIT_DATA
    assert main(["normalize", str(tmp_path / "missing.txt")]) == EXIT_USAGE
    print("still here", flush=True)
    out, err = capfd.readouterr()
    assert out == "still here\n" and "line 2, byte offset 6" in err
    assert _lowest_free_descriptor() == free and not (tmp_path / "out.txt").exists()


def _lowest_free_descriptor() -> int:
    fd = os.dup(2)
    os.close(fd)
    return fd


def test_identify_scores_and_tokens_together_is_a_usage_error(tmp_path, capsys):
    """Round 9 gave the tokens and dropped --scores without a word."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text": "salam"}\n')
    with pytest.raises(SystemExit) as exit:
        main(["identify", str(corpus), "--scores", "--tokens", "-o", str(tmp_path / "out.jsonl")])
    assert exit.value.code == EXIT_USAGE and "not allowed with argument --scores" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl"]

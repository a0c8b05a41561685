"""The ``awal`` command: every format, every error path, workers, signals, atomic output."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import examples

import awal
from awal import cli
from awal.cli import EXIT_DATA, EXIT_USAGE, Operation, Progress, build_parser, main
from awal.io import DataError

SRC = Path(__file__).resolve().parents[1] / "src"
ARABIC = ["أَهْلاً وَسَهْلاً", "ﻻ إِلَهَ", "", "wach nta mzyan? l7amdolillah", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ!", "إلى المدرسة"]


def search(texts):
    return awal.normalize(texts, "search")


def awal_process(*args: str, **kwargs) -> subprocess.Popen:
    """The command in a child process (``python -m awal.cli``), pipes on stdin/stdout/stderr."""
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, "-m", "awal.cli", *args], env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_default_sigint, **kwargs,
    )


def _default_sigint() -> None:
    """Give the child Ctrl-C's default action even when the suite runs as a background job
    (a non-interactive shell starts background jobs with SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_awal(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    proc = awal_process(*args)
    out, err = proc.communicate(stdin, timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, out, err.decode())


def call(capsys, *args: str) -> tuple[int, str]:
    """``main(args)`` in this process; returns (exit code, stderr)."""
    code = main(list(args))
    return code, capsys.readouterr().err


def jsonl(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# ---------------------------------------------------------------- formats
def test_txt_stdin_to_stdout_keeps_crlf():
    result = run_awal("normalize", "--profile", "search", stdin="\r\n".join(ARABIC).encode() + b"\r\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "".join(t + "\r\n" for t in search(ARABIC))
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_txt_file_to_file(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(ARABIC) + "\n", encoding="utf-8")
    assert call(capsys, "normalize", str(src), "-o", str(tmp_path / "out.txt"), "--profile", "search")[0] == 0
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").split("\n")[:-1] == search(ARABIC)
    assert leftovers(tmp_path) == []


def test_several_txt_inputs_are_concatenated(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("ﻻ\n", encoding="utf-8")
    b.write_text("إلى\n", encoding="utf-8")
    assert call(capsys, "normalize", str(a), str(b), "-o", str(tmp_path / "o.txt"), "--profile", "search")[0] == 0
    assert (tmp_path / "o.txt").read_text(encoding="utf-8") == "لا\nالي\n"


def test_jsonl_nested_field_output_field_nulls_and_blank_lines(tmp_path, capsys):
    records = [{"id": i, "meta": {"text": t, "lang": "ar"}} for i, t in enumerate(ARABIC)] + [{"id": 99, "meta": {"text": None}}]
    src = jsonl(tmp_path / "in.jsonl", records)
    src.write_text(src.read_text(encoding="utf-8") + "\n  \n", encoding="utf-8")  # blank lines are ignored
    out = tmp_path / "out.jsonl"
    code, _ = call(capsys, "normalize", str(src), "--field", "meta.text", "--output-field", "meta.norm", "-o", str(out), "--profile", "search")
    assert code == 0
    got = read_jsonl(out)
    assert [r["meta"]["norm"] for r in got] == search(ARABIC) + [None]
    assert [r["meta"]["text"] for r in got] == ARABIC + [None]  # the input field is kept
    assert got[0]["meta"]["lang"] == "ar" and got[0]["id"] == 0


def test_jsonl_field_replaced_by_default_and_stdin_is_jsonl_with_field():
    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in ARABIC).encode()
    result = run_awal("normalize", "--field", "text", "--profile", "search", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert [json.loads(l)["text"] for l in result.stdout.decode().splitlines()] == search(ARABIC)


def test_tokenize_jsonl_gives_json_lists_and_txt_spaces(tmp_path, capsys):
    src = jsonl(tmp_path / "in.jsonl", [{"text": t} for t in ARABIC])
    assert call(capsys, "tokenize", str(src), "-o", str(tmp_path / "t.jsonl"))[0] == 0
    assert [r["text"] for r in read_jsonl(tmp_path / "t.jsonl")] == awal.tokenize(ARABIC)
    txt = tmp_path / "in.txt"
    txt.write_text("\n".join(ARABIC) + "\n", encoding="utf-8")
    assert call(capsys, "tokenize", str(txt), "-o", str(tmp_path / "t.txt"))[0] == 0
    assert (tmp_path / "t.txt").read_text(encoding="utf-8").split("\n")[:-1] == [" ".join(t) for t in awal.tokenize(ARABIC)]


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_with_quoted_newlines(tmp_path, capsys, fmt, delimiter):
    texts = ARABIC + ["سطر أَوَّل\nسطر ثانٍ, مع فاصلة", 'quote "inside"']
    src = tmp_path / f"in.{fmt}"
    with open(src, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["id", "body"])
        writer.writerows([i, t] for i, t in enumerate(texts))
    out = tmp_path / f"out.{fmt}"
    code, _ = call(capsys, "normalize", str(src), "--field", "body", "--output-field", "norm", "--profile", "search", "-o", str(out), "--batch-size", "3")
    assert code == 0
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    assert rows[0] == ["id", "body", "norm"]
    assert [r[1] for r in rows[1:]] == texts
    assert [r[2] for r in rows[1:]] == search(texts)


def test_csv_replaces_the_column_by_default(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("text,n\nﻻ,1\nإلى,2\n", encoding="utf-8")
    assert call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.csv"), "--profile", "search")[0] == 0
    assert (tmp_path / "o.csv").read_text(encoding="utf-8") == "text,n\nلا,1\nالي,2\n"


def test_parquet_normalize_and_tokenize(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = ARABIC + [None]
    pq.write_table(pa.table({"id": list(range(len(texts))), "text": texts}), tmp_path / "in.parquet")
    code, _ = call(capsys, "normalize", str(tmp_path / "in.parquet"), "--output-field", "norm", "--profile", "search", "-o", str(tmp_path / "n.parquet"), "--batch-size", "2", "--workers", "2")
    assert code == 0
    table = pq.read_table(tmp_path / "n.parquet")
    assert table.column_names == ["id", "text", "norm"]
    assert table.column("norm").to_pylist() == search(ARABIC) + [None]
    assert call(capsys, "tokenize", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "t.parquet"))[0] == 0
    tokens = pq.read_table(tmp_path / "t.parquet").column("text")
    assert pa.types.is_list(tokens.type)
    assert tokens.to_pylist() == awal.tokenize(ARABIC) + [None]


def test_empty_inputs(tmp_path, capsys):
    for name in ("e.txt", "e.jsonl"):
        (tmp_path / name).write_bytes(b"")
        assert call(capsys, "normalize", str(tmp_path / name), "-o", str(tmp_path / f"o{name}"))[0] == 0
        assert (tmp_path / f"o{name}").read_bytes() == b""


@pytest.mark.parametrize("command, feature", [("transliterate", "transliterate"), ("detect", "dominant_script")])
def test_commands_waiting_for_their_module(tmp_path, capsys, command, feature):
    """transliterate/detect work when their module exists, else exit 2 with a clear message."""
    src = jsonl(tmp_path / "in.jsonl", [{"text": t} for t in ARABIC])
    args = [command, str(src), "-o", str(tmp_path / "o.jsonl")] + (["--scheme", "ar2bw"] if command == "transliterate" else [])
    try:
        function = getattr(awal, feature)
    except (AttributeError, ImportError):
        code, err = call(capsys, *args)
        assert code == EXIT_USAGE and f"awal.{feature} is not available" in err
        assert not (tmp_path / "o.jsonl").exists()
        return
    assert call(capsys, *args)[0] == 0
    got = read_jsonl(tmp_path / "o.jsonl")
    if command == "detect":
        assert [r["script"] for r in got] == function(ARABIC) and [r["text"] for r in got] == ARABIC
    else:
        assert [r["text"] for r in got] == function(ARABIC, "ar2bw")


def test_train_tokenizer_and_report(tmp_path, capsys):
    pytest.importorskip("tokenizers")
    corpus = tmp_path / "ar.txt"
    corpus.write_text("\n".join(ARABIC * 20) + "\n", encoding="utf-8")
    tokenizer = tmp_path / "tok.json"
    assert call(capsys, "train-tokenizer", str(corpus), "--vocab-size", "300", "-o", str(tokenizer))[0] == 0
    assert tokenizer.is_file() and leftovers(tmp_path) == []
    assert main(["tokenizer-report", "--tokenizer", str(tokenizer), str(corpus), "--reference", "ar"]) == 0
    table = capsys.readouterr().out
    assert "tok/word" in table and "\nar " in table


@pytest.mark.parametrize("command", [["train-tokenizer", "-o", "tok.json"], ["tokenizer-report", "--tokenizer", "tok.json"]])
def test_subword_commands_without_the_extra(tmp_path, capsys, monkeypatch, command):
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # as if awal[subword] were not installed
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text("كلمة\n", encoding="utf-8")
    code, err = call(capsys, *command, "in.txt")
    assert code == EXIT_USAGE and "pip install 'awal[subword]'" in err
    assert not (tmp_path / "tok.json").exists() and leftovers(tmp_path) == []


def test_demo(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "== profile 'search'" in out and "in : " in out and "out: " in out


def test_help_has_examples_and_exit_codes():
    """The exit codes and formats are in ``awal --help``; each command's help is short, with its own examples."""
    result = run_awal("--help")
    assert result.returncode == 0
    help_text = result.stdout.decode()
    assert "exit codes:" in help_text and "130" in help_text and "symbolic link" in help_text
    for command, example in [("normalize", "awal normalize corpus.jsonl --field text"), ("tokenize", "awal tokenize sentences.txt"),
                             ("train-tokenizer", "awal train-tokenizer corpus.txt"), ("detect", "awal detect corpus.parquet")]:
        result = run_awal(command, "--help")
        own = result.stdout.decode()
        assert result.returncode == 0 and "examples:" in own and example in own
        assert "\nexit codes:" not in own and "awal --help" in own and len(own.splitlines()) < len(help_text.splitlines())
        assert "awal tokenize sentences.txt" not in own or command == "tokenize"  # its own examples, not all of them


# ---------------------------------------------------------------- bad input
def test_invalid_utf8_strict_names_file_line_and_offset(tmp_path, capsys):
    src = tmp_path / "bad.txt"
    src.write_bytes("ok\nأيضا\n".encode() + b"x\xff\xfey\n" + b"fine\n")
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.txt"))
    assert code == EXIT_DATA
    offset = len("ok\nأيضا\n".encode()) + 1
    assert f"{src}: line 3, byte offset {offset}: invalid UTF-8" in err
    assert not (tmp_path / "o.txt").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "csv"])
def test_invalid_utf8_replace_and_skip_report_counts(tmp_path, capsys, fmt):
    good = {"txt": b"ok", "jsonl": b'{"text": "ok"}', "csv": b"ok"}[fmt]
    bad = {"txt": b"b\xffd", "jsonl": b'{"text": "b\xffd"}', "csv": b"b\xffd"}[fmt]
    src = tmp_path / f"in.{fmt}"
    src.write_bytes((b"text\n" if fmt == "csv" else b"") + b"\n".join([good, bad, good, bad]) + b"\n")
    for policy, expected in (("replace", ["ok", "b\ufffdd", "ok", "b\ufffdd"]), ("skip", ["ok", "ok"])):
        out = tmp_path / f"o-{policy}.{fmt}"
        code, err = call(capsys, "normalize", str(src), "--errors", policy, "-o", str(out))
        assert code == 0
        assert f"2 lines: invalid UTF-8 ({'replaced' if policy == 'replace' else 'skipped'})" in err
        lines = out.read_text(encoding="utf-8").splitlines()
        got = [json.loads(l)["text"] for l in lines] if fmt == "jsonl" else lines[fmt == "csv" :]
        assert got == expected


def test_malformed_json_strict_and_skip(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "ﻻ"}\n{"text": "a",\n{"text": "إلى"}\n[1, 2]\n', encoding="utf-8")
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.jsonl"))
    assert code == EXIT_DATA and f"{src}: line 2, byte offset 29: malformed JSON" in err
    assert not (tmp_path / "o.jsonl").exists()
    code, err = call(capsys, "normalize", str(src), "--errors", "skip", "-o", str(tmp_path / "o.jsonl"), "--profile", "search")
    assert code == 0
    assert "1 line: malformed JSON (skipped)" in err and "1 line: no field 'text' (skipped)" in err
    assert [r["text"] for r in read_jsonl(tmp_path / "o.jsonl")] == ["لا", "الي"]


@pytest.mark.parametrize("record, message", [({"id": 3}, "no field 'meta.text' (keys: id)"), ({"meta": {"text": 5}}, "field 'meta.text' is a JSON number, not a string")])
def test_missing_or_wrong_field_names_the_line(tmp_path, capsys, record, message):
    src = jsonl(tmp_path / "in.jsonl", [{"meta": {"text": "a"}}, record])
    code, err = call(capsys, "normalize", str(src), "--field", "meta.text", "-o", str(tmp_path / "o.jsonl"))
    assert code == EXIT_DATA and f"{src}: line 2, byte offset 24: {message}" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_csv_missing_column_and_short_row(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,a\n2\n", encoding="utf-8")
    code, err = call(capsys, "normalize", str(src), "--field", "body")
    assert code == EXIT_DATA and "line 1, the header: no column 'body' (columns: id, text)" in err
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.csv"))
    assert code == EXIT_DATA and f"{src}: line 3, byte offset 12: the row has 1 columns" in err
    assert not (tmp_path / "o.csv").exists()


def test_error_in_a_late_batch_leaves_no_output(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "ﻻ"}\n' * 5000 + "oops\n", encoding="utf-8")
    for workers in ("1", "2"):
        code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.jsonl"), "--batch-size", "100", "--workers", workers)
        assert code == EXIT_DATA and "line 5001, byte offset 80000: malformed JSON" in err
        assert not (tmp_path / "o.jsonl").exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["normalize", "nope.txt"], "no such file: nope.txt"),
        (["normalize", "--field", "a", "--format", "txt"], "need a structured format"),
        (["identify", "--replace-output-field", "--format", "txt"], "need a structured format"),  # was silently ignored
        (["normalize", "--format", "parquet", "-o", "o.parquet"], "parquet cannot be read from stdin"),
        (["normalize", "--format", "parquet"], "parquet output needs a file"),
        (["normalize", "--profile-file", "missing.toml"], "missing.toml"),
    ],
)
def test_usage_errors_exit_2(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, err = call(capsys, *args)
    assert code == EXIT_USAGE and message in err


def test_argparse_errors_exit_2():
    result = run_awal("normalize", "--profile", "nope")
    assert result.returncode == 2 and "invalid choice" in result.stderr


# ---------------------------------------------------------------- workers
def test_workers_keep_order_and_give_identical_output(tmp_path, capsys):
    texts = [f"{i} {ARABIC[i % len(ARABIC)]}" for i in range(3000)]
    src = jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"o{workers}.jsonl"
        assert call(capsys, "normalize", str(src), "--profile", "search", "--batch-size", "97", "--workers", workers, "-o", str(out))[0] == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert [r["id"] for r in read_jsonl(tmp_path / "o2.jsonl")] == list(range(3000))
    assert [r["text"] for r in read_jsonl(tmp_path / "o2.jsonl")] == search(texts)


def _dies_at_item_3(x: int) -> int:
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does to a worker
    return x


@pytest.fixture
def no_hang():
    """Fail the test (instead of hanging the suite) if it is still running after 60 s."""
    def hung(signum, frame):
        raise TimeoutError("still waiting after 60 s: a dead worker was not noticed")
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_dead_worker_fails_the_map_instead_of_hanging_it(no_hang):
    with pytest.raises(cli.WorkerLost, match="killed by SIGKILL"):
        list(cli.ordered_map(_dies_at_item_3, range(8), workers=2))


class JobDyingOnTheThirdBatch(cli.Job):
    """A job whose worker is killed at line 11 (a module-level class: workers import it by name)."""

    def __call__(self, chunk):
        if chunk.first_line == 11:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().__call__(chunk)


def test_a_dead_worker_fails_the_run_with_no_output(tmp_path, capsys, monkeypatch, no_hang):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"text": f"سطر {i}"}) + "\n" for i in range(40)), encoding="utf-8")
    monkeypatch.setattr(cli, "Job", JobDyingOnTheThirdBatch)
    code, err = call(capsys, "normalize", str(src), "-o", str(out), "--batch-size", "5", "--workers", "2")
    assert code == cli.EXIT_SYSTEM
    assert "a worker process died (killed by SIGKILL)" in err and err.count("\n") == 1
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_workers_come_from_a_fork_server_not_from_this_threaded_process():
    assert cli.worker_context().get_start_method() == "forkserver"


def test_workers_to_a_pipe_and_from_stdin_give_identical_output(tmp_path):
    records = [{"id": i, "text": f"{i} {ARABIC[i % len(ARABIC)]}"} for i in range(2000)]
    src = jsonl(tmp_path / "in.jsonl", records)
    runs = [run_awal("normalize", str(src), "--batch-size", "50", "--workers", w) for w in ("1", "2")]
    runs.append(run_awal("normalize", "--field", "text", "--batch-size", "50", "--workers", "2", stdin=src.read_bytes()))
    assert all(r.returncode == 0 and r.stderr == "" for r in runs), [r.stderr for r in runs]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert len(runs[0].stdout.splitlines()) == 2000


def test_spool_folders_of_dead_runs_are_removed(tmp_path, capsys):
    import tempfile

    from awal.cli import SPOOL_PREFIX

    dead = Path(tempfile.gettempdir()) / f"{SPOOL_PREFIX}{2**22 + 7}-abc"  # above any pid_max: never alive
    dead.mkdir(exist_ok=True)
    (dead / "x").write_bytes(b"left by a killed run")
    mine = Path(tempfile.gettempdir()) / f"{SPOOL_PREFIX}{os.getpid()}-keep"
    mine.mkdir(exist_ok=True)
    src = jsonl(tmp_path / "in.jsonl", [{"text": t} for t in ARABIC * 10])
    assert call(capsys, "normalize", str(src), "--batch-size", "5", "--workers", "2", "-o", str(tmp_path / "o.jsonl"))[0] == 0
    assert not dead.exists() and mine.exists()
    mine.rmdir()
    assert not [p for p in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}{os.getpid()}-*")]  # its own is gone


def test_spooled_output_reaches_files_pipes_and_buffers(tmp_path):
    from awal.io import FileSlice, Spooled

    data = b"x" * 100_000 + "ⴰⵡⴰⵍ\n".encode()
    into_file = tmp_path / "out"
    with open(into_file, "wb") as f:
        f.write(b"head ")
        Spooled.write(data, str(tmp_path)).move_to(f)
    assert into_file.read_bytes() == b"head " + data
    buffer = io.BytesIO()
    Spooled.write(data, str(tmp_path)).move_to(buffer)
    assert buffer.getvalue() == data
    read_end, write_end = os.pipe()
    reader = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read())"],
                              stdin=read_end, stdout=subprocess.PIPE)
    os.close(read_end)
    with open(write_end, "wb") as pipe:
        Spooled.write(data, str(tmp_path)).move_to(pipe)
    assert reader.communicate(timeout=30)[0] == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # spool files are deleted
    with pytest.raises(DataError, match="changed while being read"):
        FileSlice(str(into_file), 10, 10**6).read()


# ---------------------------------------------------------------- signals
def _started(proc: subprocess.Popen, directory: Path, timeout: float = 20) -> None:
    """Wait until the child has opened its output in ``directory`` (so the kill lands mid-run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            targets = [os.readlink(f"/proc/{proc.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{proc.pid}/fd")]
        except OSError:
            targets = []
        if any(t.startswith(str(directory)) for t in targets):
            return
        if not Path(f"/proc/{proc.pid}").exists():
            break
        time.sleep(0.05)
    pytest.fail(f"the run did not open its output: {proc.stderr.read() if proc.poll() is not None else ''}")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the child's open files")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_killed_midway_leaves_no_output(tmp_path, sig, code, workers):
    out = tmp_path / "out.jsonl"
    proc = awal_process("normalize", "--field", "text", "--batch-size", "10", "--workers", workers, "-o", str(out))
    proc.stdin.write(b'{"text": "\xd9\xbb"}\n' * 100)  # some input, then the pipe stays open: the run is mid-way
    proc.stdin.flush()
    _started(proc, tmp_path)
    time.sleep(0.3)
    proc.send_signal(sig)
    proc.stdin.close()
    proc.wait(timeout=20)
    assert proc.returncode == code, proc.stderr.read()
    assert not out.exists()
    if sig != signal.SIGKILL:  # a SIGKILLed run cannot clean up: only a hidden temporary file may remain
        assert leftovers(tmp_path) == []


# ---------------------------------------------------------------- progress
class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal():
    quiet = io.StringIO()
    bar = Progress(stream=quiet, interval=0)
    bar.update(10, 1000)
    bar.close()
    assert quiet.getvalue() == ""
    tty = FakeTerminal()
    bar = Progress(total_bytes=2000, stream=tty, interval=0)
    bar.update(10, 1_000_000)
    bar.close()
    assert "10 rows" in tty.getvalue() and "1.0 MB" in tty.getvalue() and "MB/s" in tty.getvalue()
    assert tty.getvalue().endswith("\n")


# ---------------------------------------------------------------- jsonl fast path
def _jsonl_variants() -> list[bytes]:
    """Lines of many shapes: canonical (the fast paths) and not (the general path), mixed."""
    texts = ARABIC + ['quote " and \\ back', "tab\there", "new\nline", "nul\x00", "é/ü", "😀 \u2028", "", "ends in \\", 'a", "b', "\\\\"]
    lines = []
    for i, t in enumerate(texts):
        canonical = {"id": i, "text": t}
        lines += [
            json.dumps(canonical, ensure_ascii=False),                                 # the field last
            json.dumps({"text": t, "id": i, "ok": True, "s": 'a, "b": c'}, ensure_ascii=False),  # members after
            json.dumps({"a": None, "b": -3, "c": "x", "text": t}, ensure_ascii=False),  # several before
            json.dumps(canonical),                                                     # \\u escapes (not canonical)
            json.dumps(canonical, ensure_ascii=False, separators=(",", ":")),          # other spacing
            json.dumps({"id": 1.5, "text": t}, ensure_ascii=False),                    # a float
            json.dumps({"meta": {"k": 1}, "text": t}, ensure_ascii=False),             # nested
            json.dumps(canonical, ensure_ascii=False) + " \r",                         # trailing blanks
            '{"id": 1, "id": 2, "text": %s}' % json.dumps(t, ensure_ascii=False),     # duplicate keys
            '{"text": "x", "text": %s}' % json.dumps(t, ensure_ascii=False),          # duplicate field
            '{"id": -0, "text": %s}' % json.dumps(t, ensure_ascii=False),             # -0 is written 0
            '{"norm": 1, "text": %s}' % json.dumps(t, ensure_ascii=False),            # output field exists
        ]
    lines += ['{"text": null}', "", "   "]
    lines += ['{"id": 1, "text": "odd backslash\\"}', '{"id": 2, "text": ", "x"}']  # malformed: must not pair up
    return [line.encode() for line in lines]


@pytest.mark.parametrize("output", [None, ("norm",)])
def test_jsonl_fast_path_gives_the_bytes_of_the_general_path(output):
    from awal.io import Chunk, JsonlCodec

    variants = _jsonl_variants()
    batches = [b"\n".join(variants) + b"\n"]  # everything mixed
    batches += [b"\n".join(v for v in variants[k::12] if v.strip()) + b"\n" for k in range(12)]  # one shape per batch
    results = [
        Operation("normalize", "search"),
        lambda texts: [None if t is None else t + ' "q" \\ \t\x01' for t in texts],  # results needing escapes
        lambda texts: [None if t is None else t.split() for t in texts],  # lists (tokenize)
    ]
    spliced = 0
    for data in batches:
        for make in results:
            outs = []
            for splice in (True, False):
                codec = JsonlCodec(("text",), output, splice=splice)
                parsed = codec.parse(Chunk("t", 1, 0, data), "skip")
                outs.append(codec.render(parsed, make(parsed.texts)))
                spliced += splice and not isinstance(parsed.items, list)
            assert outs[0] == outs[1], data
    assert spliced >= 6  # the fast paths were taken


def test_jsonl_fast_path_keeps_errors_and_line_numbers(tmp_path, capsys):
    good = json.dumps({"id": 1, "text": "ﻻ"}, ensure_ascii=False)
    src = tmp_path / "in.jsonl"
    src.write_text(f"{good}\n{good}\n" + '{"id": 3, "text": "raw\ttab"}\n', encoding="utf-8")
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.jsonl"))
    assert code == EXIT_DATA and "line 3" in err and "malformed JSON" in err
    code, err = call(capsys, "normalize", str(src), "-o", str(tmp_path / "o.jsonl"), "--errors", "skip", "--profile", "search")
    assert code == 0 and "1 line: malformed JSON (skipped)" in err
    assert (tmp_path / "o.jsonl").read_text(encoding="utf-8") == (json.dumps({"id": 1, "text": "لا"}, ensure_ascii=False) + "\n") * 2


# ---------------------------------------------------------------- stale temporary files
def test_next_run_removes_stale_temporaries_of_its_own_output_only(tmp_path, capsys):
    src = jsonl(tmp_path / "in.jsonl", [{"text": t} for t in ARABIC])
    stale = tmp_path / ".out.jsonl.ab12_x9z.awal-tmp"  # what a SIGKILLed run leaves (no O_TMPFILE)
    other = tmp_path / ".other.jsonl.ab12_x9z.awal-tmp"  # another output's
    fresh = tmp_path / ".out.jsonl.zz99zz99.awal-tmp"  # written after this process started (a run in progress)
    lookalike = tmp_path / ".out.jsonl.toolongname.awal-tmp"  # not the pattern
    for path in (stale, other, fresh, lookalike):
        path.write_bytes(b"partial")
    old = time.time() - 3600
    for path in (stale, other, lookalike):
        os.utime(path, (old, old))
    os.utime(fresh, (time.time() + 3600, time.time() + 3600))
    assert call(capsys, "normalize", str(src), "-o", str(tmp_path / "out.jsonl"))[0] == 0
    assert not stale.exists() and other.exists() and fresh.exists() and lookalike.exists()


def test_help_documents_the_sigkill_leftover():
    text = " ".join(build_parser().format_help().split())
    assert ".awal-tmp" in text and "kill -9" in text and "next run" in text


# ---------------------------------------------------------------- reading in blocks
class _ReadOnly:
    """A stream with ``read`` only (no ``read1``), returning at most 3 bytes per call."""

    def __init__(self, data: bytes):
        self.stream = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(min(size, 3) if size >= 0 else 3)


@examples(200)
@given(
    lines=st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    last_newline=st.booleans(),
    batch_size=st.integers(1, 4),
    block=st.integers(1, 16),
    read_only=st.booleans(),
)
def test_line_chunks_cut_whole_lines_and_count_them(lines, last_newline, batch_size, block, read_only):
    from awal import io as awal_io

    data = b"\n".join(lines) + (b"\n" if lines and last_newline else b"")
    stream = _ReadOnly(data) if read_only else io.BytesIO(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(awal_io.chunks, "CHUNK_BYTES", block)
        chunks = list(awal_io.line_chunks(stream, "s", batch_size))
    assert b"".join(c.payload for c in chunks) == data
    line = offset = 0
    for i, chunk in enumerate(chunks):
        assert chunk.payload and chunk.nbytes == len(chunk.payload)
        assert (chunk.first_line, chunk.offset) == (line + 1, offset)
        assert chunk.payload.count(b"\n") <= batch_size
        assert chunk.payload.endswith(b"\n") or i == len(chunks) - 1
        line, offset = line + chunk.payload.count(b"\n"), offset + len(chunk.payload)


def test_freed_memory_is_kept_for_the_next_batch_with_glibc():
    """The command tunes glibc's allocator where there is one (main and every worker call this), and
    changes nothing elsewhere."""
    import platform

    from awal import cli

    assert cli.reuse_freed_memory() == (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")


def test_workers_default_to_every_cpu_and_start_only_for_two_batches(monkeypatch):
    import multiprocessing

    from awal import cli

    assert build_parser().parse_args(["normalize"]).workers == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["normalize", "--workers", "-1"])
    assert 1 <= cli.auto_workers() <= cli.MAX_AUTO_WORKERS
    started = []
    monkeypatch.setattr(multiprocessing, "get_context", lambda *method: started.append(1) or pytest.fail("no pool for one batch"))
    assert list(cli.ordered_map(abs, [-3], workers=4)) == [3]
    assert list(cli.ordered_map(abs, [], workers=4)) == []
    assert started == []


@pytest.mark.parametrize("scheme", ["ar2bw", "ar2hsb", "ar2safebw", "ar2xmlbw"])
@pytest.mark.parametrize("kind", ["txt", "jsonl"])
def test_table_schemes_on_bytes_write_what_decoding_writes(tmp_path, capsys, monkeypatch, scheme, kind):
    """``transliterate`` with a scheme of 2-byte characters to ASCII or 2-byte ones maps the bytes
    of a chunk (no decoding, as ``normalize --profile camel``): the same file as the decoding path."""
    lines = [*ARABIC, "قَالَ \"لا\"\t\\ ـ ڭ", "ٱلْحَمْدُ لِلَّهِ ٣٫٥ 😀"]
    src = tmp_path / f"in.{kind}"
    if kind == "txt":
        src.write_text("\r\n".join(lines) + "\n", encoding="utf-8")
    else:
        jsonl(src, [{"id": i, "text": text} for i, text in enumerate(lines)])
    assert Operation("transliterate", scheme).utf8_map() is not None
    taken = []
    mapped = cli.Job.__call__

    def spy(job, chunk):
        taken.append(job.codec.map_bytes(chunk.loaded(), job.operation.utf8_map()) is not None)
        return mapped(job, chunk)

    monkeypatch.setattr(cli.Job, "__call__", spy)
    assert call(capsys, "transliterate", "--scheme", scheme, str(src), "-o", str(tmp_path / "bytes"))[0] == 0
    assert taken and all(taken)
    monkeypatch.setattr(cli.Job, "__call__", mapped)
    monkeypatch.setattr(Operation, "utf8_map", lambda self: None)
    assert call(capsys, "transliterate", "--scheme", scheme, str(src), "-o", str(tmp_path / "decoded"))[0] == 0
    assert (tmp_path / "bytes").read_bytes() == (tmp_path / "decoded").read_bytes()
    want = awal.transliterate(lines, scheme)
    got = (tmp_path / "bytes").read_bytes().decode("utf-8")
    assert got == "\r\n".join(want) + "\n" if kind == "txt" else [json.loads(line)["text"] for line in got.splitlines()] == want


def test_model_and_expanding_schemes_are_not_byte_maps():
    assert Operation("transliterate", "arabizi2ar").utf8_map() is None
    assert Operation("transliterate", "bw2ar").utf8_map() is None
    assert Operation("tokenize").utf8_map() is None

"""The ``awal`` command: normalise, transliterate, tokenise and detect scripts in files or pipes.

Every text subcommand is the same streaming runner (:func:`run`) parameterised
by an :class:`Operation`: input is read in batches, each batch is parsed,
processed and rendered (in ``--workers`` processes, order kept) and written
to stdout or, atomically, to ``-o FILE``.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # (multiprocessing is imported when a run starts worker processes)
    import multiprocessing.context
    import multiprocessing.pool
    import multiprocessing.process

from . import __version__
from .arrow import FeatureUnavailable, detect_array, feature, identify_array, normalize_array, normalizer, pyarrow, tokenize_array, transliterate_array
from .io import (
    ERROR_POLICIES,
    FORMATS,
    STDIO,
    Chunk,
    Codec,
    DataError,
    OutputFailed,
    Sink,
    Spooled,
    UsageError,
    guess_format,
    open_input,
    open_output,
    replaceable,
)
from .normalize import profiles
from .rules import RuleError, data_dir

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_SYSTEM, EXIT_BUG = 0, 1, 2, 3, 70
EXIT_INTERRUPTED, EXIT_PIPE, EXIT_TERMINATED = 130, 141, 143

EPILOG = """\
examples:
  echo "ﻻ إِلَهَ" | awal normalize --profile search
  awal normalize corpus.jsonl --field text -o clean.jsonl    # every CPU (--workers 1: one)
  awal transliterate --scheme ar2bw names.csv --field name --output-field name_bw
  awal tokenize corpus.jsonl --field text    # a JSON list of tokens per record
  awal detect corpus.parquet --field text -o scripts.parquet   # adds a "script" column
  awal identify comments.jsonl --field text   # adds "lang": ary_Arab, ary_Latn, fra_Latn, und...
  awal COMMAND --help                        # the options and examples of one command

formats (from the file extension, or --format): txt (a text per line; only \\n
ends a line), jsonl (--field, a dotted path such as meta.text), csv/tsv
(--field: a column of the header), parquet (needs pip install 'awal[arrow]').
Output has the input's format: the field is replaced, or --output-field added
(one that exists already is an error, unless --replace-output-field: then it is
replaced if it holds null or the kind of value the command writes; a csv column
always). A UTF-8 byte order mark is never part of
the text: it is kept at the head of the output, except in the txt output of
detect and identify (codes, not text); csv CRLF line endings are kept. JSONL that Python reads but that is not JSON or would not come
back unchanged (NaN, 1e400, a key twice) is bad input; a lone surrogate escape
("\\ud800") is written back as that escape, so the output is always UTF-8.
Stdin is txt, or jsonl when --field is given.

output (-o): a regular file is replaced atomically, keeping its mode; a file
nobody may write (chmod a-w) is refused, also for root. A symbolic link is
followed (its target is replaced, the link stays). A FIFO, a device, /dev/stdout
or /dev/fd/N (process substitution >(...)) is written as a stream. A directory
is refused before any work.

exit codes:
  0    success
  1    bad input data (invalid UTF-8, malformed JSON or CSV, missing field); the
       message names the file, line and byte offset
  2    usage error (bad option, unknown profile or scheme, missing file, a
       directory, a feature or optional extra that is not installed)
  3    the system refused to read or write (permission denied, read-only
       filesystem, disk full, file too large, stdout closed); the message names
       the path. Also a worker process killed in the middle of a run (out of
       memory): the run stops at once instead of waiting for its batch
  70   internal error (a bug in awal: please report it; --debug shows where)
  130  interrupted (Ctrl-C);  143 terminated (SIGTERM);  141 output pipe closed
A run that fails or is interrupted leaves no output file behind and every other
file as it was. The output is written to an unnamed file (Linux O_TMPFILE) or,
on filesystems without it (overlayfs, macOS...), to a hidden
.NAME.XXXXXXXX.awal-tmp next to -o NAME, renamed on success; only kill -9
(SIGKILL) can leave that hidden file behind, and the next run writing the same
output removes it. Worker processes read their lines from the input file and
hand results back through a private folder in $TMPDIR (awal-spool-PID-*),
removed at the end, or by the next run with workers if kill -9 left it.
"""

COMMAND_EXAMPLES = {
    "normalize": """\
  echo "ﻻ إِلَهَ" | awal normalize --profile search
  awal normalize corpus.jsonl --field text -o clean.jsonl
  awal normalize data.jsonl --field meta.text --output-field meta.norm --errors skip""",
    "transliterate": """\
  awal transliterate --scheme ar2bw names.csv --field name --output-field name_bw
  echo "salam 3likom" | awal transliterate --scheme arabizi2ar""",
    "tokenize": """\
  awal tokenize sentences.txt                # tokens joined by spaces
  awal tokenize corpus.jsonl --field text    # a JSON list of tokens per record""",
    "detect": """\
  awal detect corpus.parquet --field text -o scripts.parquet   # adds a "script" column
  awal detect comments.jsonl --output-field lang_script""",
    "identify": """\
  awal identify comments.jsonl --field text   # adds "lang": ary_Arab, ary_Latn, fra_Latn, und...
  awal identify --scores comments.txt         # ary_Latn:0.9812 fra_Latn:0.0101 ...
  awal identify --tokens comments.txt         # salam/ary_Latn je/fra_Latn ...""",
    "train-tokenizer": """\
  awal train-tokenizer corpus.txt --vocab-size 8000 -o tokenizer.json
  awal train-tokenizer corpus.jsonl --field text --library sentencepiece --kind unigram -o ar.model""",
    "tokenizer-report": """\
  awal tokenizer-report --tokenizer tokenizer.json flores/*.dev --reference fra_Latn""",
}
MORE = "formats, output rules and exit codes: awal --help"


# ---------------------------------------------------------------- operations
_LIST_FUNCTIONS: dict[str, Callable[[list[str], Any], list[Any]]] = {
    "normalize": lambda texts, profile: normalizer(profile)(texts),
    "transliterate": lambda texts, scheme: feature("transliterate")(texts, scheme),
    "tokenize": lambda texts, _: feature("tokenize")(texts),
    "detect": lambda texts, _: feature("dominant_script")(texts),
    "identify": lambda texts, mode: _identify(texts, mode),
}
_ARRAY_FUNCTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "normalize": normalize_array,
    "transliterate": transliterate_array,
    "tokenize": lambda array, _: tokenize_array(array),
    "detect": lambda array, _: detect_array(array),
    "identify": lambda array, mode: identify_array(array) if mode == "label" else _identify_lists(array, mode),
}
_FEATURES = {"transliterate": "transliterate", "tokenize": "tokenize", "detect": "dominant_script", "identify": "Identifier"}
_DEFAULT_OUTPUT_FIELD = {"detect": "script", "identify": "lang"}  # a code should not overwrite the text


def _identify(texts: list[str], mode: str) -> list[Any]:
    """``identify``'s result per text: the label, the three best ``label:probability``,
    or every token as ``token/label``."""
    idf = feature("Identifier")()
    if mode == "scores":
        return [[f"{label}:{p:.4f}" for label, p in best] for best in idf.top_k(texts, k=3)]  # und: none (top_k's [])
    if mode == "tokens":
        from .lid import identify_tokens

        return [[f"{token}/{label}" for token, _, _, label in tokens] for tokens in identify_tokens(texts, idf)]
    return idf.identify(texts)


def _identify_lists(array: Any, mode: str) -> Any:
    """:func:`_identify` on an Arrow column: a ``list<string>`` column, nulls kept."""
    pa = pyarrow()
    texts = array.to_pylist()
    present = iter(_identify([t for t in texts if t is not None], mode))
    return pa.array([None if t is None else next(present) for t in texts], type=pa.list_(pa.string()))


@dataclass(frozen=True)
class Operation:
    """A text operation by name (``normalize``, ``transliterate``, ``tokenize``, ``detect``) and its
    argument (profile name or file, scheme). Picklable; the work is looked up in each process.

    >>> Operation("normalize", "search")(["أَهْلاً", None])
    ['اهلا', None]
    """

    name: str
    argument: Any = None

    def __call__(self, texts: Any) -> Any:
        if not isinstance(texts, list):  # an Arrow column (parquet)
            return _ARRAY_FUNCTIONS[self.name](texts, self.argument)
        if None not in texts:
            return _LIST_FUNCTIONS[self.name](texts, self.argument) if texts else []
        present = [t for t in texts if t is not None]
        results = iter(self(present))
        return [None if t is None else next(results) for t in texts]

    def utf8_map(self) -> Any:
        """The operation as a character map on UTF-8 bytes (:class:`awal.utf8map.Utf8Map`: ``normalize``
        with a profile of 2-byte characters to 2-byte characters or nothing, such as ``camel``, or
        ``transliterate`` with such a table scheme, 2-byte characters to ASCII ones such as ``ar2bw``), or None."""
        if self.name == "normalize":
            return normalizer(self.argument).list_mode.utf8
        return feature("Transliterator")(self.argument).list_mode.utf8 if self.name == "transliterate" else None

    def check(self) -> None:
        """Fail early (:class:`UsageError`) on an unknown profile or scheme, before reading any input;
        then warm the compiled tables up, so forked workers share them instead of each compiling its own."""
        try:
            if self.name == "normalize":
                normalizer(self.argument)
            else:
                feature(_FEATURES[self.name])
            if self.name == "transliterate" and self.argument not in (schemes := feature("schemes")()):
                raise UsageError(f"unknown scheme {self.argument!r}{did_you_mean(self.argument, schemes)}; available: {', '.join(schemes)}")
            self(["awal ⴰⵡⴰⵍ"])
        except (ValueError, TypeError, RecursionError, RuleError, OSError) as e:  # all of it about the profile or scheme
            where = f"{self.argument}: " if isinstance(self.argument, Path) else ""
            raise UsageError(f"{where}{str(e) or type(e).__name__}") from None


@dataclass(frozen=True)
class Job:
    """Parse, process and render one chunk (runs in a worker process when ``--workers`` > 1)."""

    codec: Codec
    operation: Operation
    errors: str
    spool: str | None = None  # in a worker process, rendered bytes go back through a file here

    def __call__(self, chunk: Chunk) -> tuple[Any, int, int, Counter]:
        chunk = chunk.loaded()
        utf8 = self.operation.utf8_map()
        mapped = self.codec.map_bytes(chunk, utf8) if utf8 is not None else None  # no decoding where the bytes allow
        counts: Counter[str]
        if mapped is not None:
            (rendered, rows), counts = mapped, Counter()
        else:
            parsed = self.codec.parse(chunk, self.errors)
            try:
                results = self.operation(parsed.texts)
            except (DataError, UsageError):
                raise
            except (ValueError, TypeError) as e:
                raise DataError(f"{chunk.source}: batch starting at line {chunk.first_line}: {e}") from None
            rendered, rows, counts = self.codec.render(parsed, results), len(parsed.texts), parsed.counts
        if self.spool is not None and isinstance(rendered, bytes) and _in_worker():
            return Spooled.write(rendered, self.spool), rows, chunk.nbytes, counts
        return rendered, rows, chunk.nbytes, counts


def _in_worker() -> bool:
    """Whether this process is a worker of the pool (multiprocessing is imported: there is a pool)."""
    import multiprocessing

    return multiprocessing.parent_process() is not None


SPOOL_PREFIX = "awal-spool-"


@contextmanager
def spool_directory(workers: int) -> Iterator[str | None]:
    """With worker processes, a private temporary folder through which they hand rendered batches back
    (removed on exit; folders left by killed runs are removed first). ``None`` without workers."""
    if workers <= 1:
        yield None
        return
    for stale in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*-*"):
        pid = stale.name[len(SPOOL_PREFIX) :].split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{SPOOL_PREFIX}{os.getpid()}-") as folder:
        yield folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_init() -> None:
    reuse_freed_memory()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def reuse_freed_memory() -> bool:
    """Have glibc's allocator keep the memory a batch frees for the next batch, instead of giving it back
    to the system and faulting every page of it in again: each batch allocates and frees tens of MB of
    buffers, and by default most of them come from fresh pages (on 100 MB of JSONL: 90,000 -> 13,000 page
    faults, ~0.2 s less system CPU time). Blocks up to 32 MB come from the heap, which keeps up to
    128 MB free at its top. Whether it applied (False without glibc: nothing is changed)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) & bool(mallopt(_M_TRIM_THRESHOLD, 128 << 20))


MAX_AUTO_WORKERS = 8  # --workers 0 (the default) uses one process per available CPU, up to this many


def auto_workers() -> int:
    """Processes for ``--workers 0``: the CPUs this process may run on, at most :data:`MAX_AUTO_WORKERS`."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, MAX_AUTO_WORKERS))


def worker_context() -> multiprocessing.context.BaseContext:
    """Where worker processes come from: a fork server that has imported awal and runs no other thread.

    A plain ``fork`` copies the calling process with the locks its other threads held at that moment
    (pyarrow's thread pool, the pool's own result thread): a worker could wait on one forever. The
    fork server is started once per process; platforms without it use their default.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["awal.cli"])  # each worker starts with the command imported
    return context


def ordered_map(function: Callable[[Any], Any], items: Iterable[Any], workers: int) -> Iterator[Any]:
    """``map(function, items)`` over ``workers`` processes, in order, with at most
    ``2 * workers`` batches in flight (memory stays bounded however long the input).

    The pool starts only when there is a second item: a one-batch input runs here, at no start-up cost.

    >>> list(ordered_map(abs, [-1, 2], workers=2))
    [1, 2]
    """
    items = iter(items)
    first = list(islice(items, 2))
    if workers <= 1 or len(first) < 2:
        yield from map(function, chain(first, items))
        return
    import multiprocessing

    others = set(multiprocessing.active_children())
    with worker_context().Pool(workers, initializer=_worker_init) as pool:  # exit terminates it
        watched = set(multiprocessing.active_children()) - others  # the pool's own processes
        pending: deque = deque()
        for item in chain(first, items):
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= 2 * workers:
                yield _result(pending.popleft(), watched)
        while pending:
            yield _result(pending.popleft(), watched)


class WorkerLost(OSError):
    """A worker process died in the middle of a run (killed by a signal, out of memory): its batch is lost."""


WATCH_INTERVAL = 0.5  # seconds between checks that every worker process is still alive


def _result(pending: multiprocessing.pool.AsyncResult, workers: set[multiprocessing.process.BaseProcess]) -> Any:
    """The value of ``pending``, or :class:`WorkerLost` as soon as a worker has died.

    ``multiprocessing.Pool`` replaces a dead worker but never finishes the batch it held, so a bare
    ``get()`` would wait forever: the run fails instead (exit 3), leaving no output behind.
    """
    import multiprocessing

    while True:
        try:
            return pending.get(WATCH_INTERVAL)
        except multiprocessing.TimeoutError:
            for worker in workers:
                if worker.exitcode is not None:
                    raise WorkerLost(f"a worker process died ({_death(worker.exitcode)}), so its batch is lost; "
                                     "nothing was written (out of memory? try a smaller --batch-size or fewer --workers)") from None


def _death(exitcode: int) -> str:
    """How a process ended, from its exit code: ``'killed by SIGKILL'``, ``'exit code 1'``."""
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


# ---------------------------------------------------------------- progress
class Progress:
    """Rows, megabytes and MB/s on one line of stderr, only when stderr is a terminal."""

    def __init__(self, total_bytes: int | None = None, stream: TextIO | None = None, interval: float = 0.2):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.total, self.interval = total_bytes, interval
        self.rows = self.bytes = 0
        self.start = self.shown = time.monotonic()
        self.drawn = False

    def update(self, rows: int, nbytes: int) -> None:
        self.rows += rows
        self.bytes += nbytes
        if self.enabled and time.monotonic() - self.shown >= self.interval:
            self._draw()

    def _draw(self) -> None:
        self.shown = time.monotonic()
        elapsed = max(self.shown - self.start, 1e-9)
        done = f"{100 * self.bytes / self.total:5.1f}%  " if self.total else ""
        self.stream.write(f"\r{done}{self.rows:,} rows  {self.bytes / 1e6:,.1f} MB  {self.bytes / 1e6 / elapsed:,.1f} MB/s ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self._draw()
            self.stream.write("\n")


# ---------------------------------------------------------------- runners
def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the known name closest to a mistyped one, else ``""``.

    >>> did_you_mean("serch", ["default", "search"]), did_you_mean("zzz", ["default"])
    ("; did you mean 'search'?", '')
    """
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _existing_input(path: str, what: str = "input") -> os.stat_result:
    """``os.stat`` of an input path, or a :class:`UsageError` saying why it cannot be one."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path} is a directory, not a file ({what})")
    return info


def _regular(path: str) -> bool:
    return path != STDIO and stat.S_ISREG(os.stat(path).st_mode)


def _inputs(args: argparse.Namespace) -> tuple[list[str], str]:
    paths = args.inputs or [STDIO]
    for path in paths:
        if path != STDIO:
            _existing_input(path)  # a FIFO or /dev/fd/N (process substitution) is read as a stream
    formats = {args.format or guess_format(p, args.field) for p in paths}
    if len(formats) > 1:
        raise UsageError(f"inputs of different formats ({', '.join(sorted(formats))}): run them separately")
    fmt = formats.pop()
    if len(paths) > 1 and fmt not in ("txt", "jsonl"):
        raise UsageError(f"{fmt} takes one input file at a time")
    return paths, fmt


def run(args: argparse.Namespace, operation: Operation) -> int:
    """The one runner behind every text subcommand: read, process in batches, write."""
    if getattr(args, "profile_file", None) is not None:  # a regular file: a FIFO would block, a directory cannot be read
        if not stat.S_ISREG(_existing_input(str(args.profile_file), "--profile-file").st_mode):
            raise UsageError(f"--profile-file {args.profile_file} is not a regular file")
    operation.check()
    paths, fmt = _inputs(args)
    if fmt == "parquet" and args.output == STDIO:
        raise UsageError("parquet output needs a file: pass -o FILE.parquet")
    output_field = args.output_field or (_DEFAULT_OUTPUT_FIELD.get(operation.name) if fmt != "txt" else None)
    if args.replace_output_field and output_field is None and fmt != "txt":  # (txt: the input's error says it needs a structured format)
        raise UsageError(f"--replace-output-field needs --output-field: {operation.name} writes into --field by default, replacing nothing else")
    if output_field == (args.field or "text") and operation.name in _DEFAULT_OUTPUT_FIELD and not args.replace_output_field:
        raise UsageError(f"--output-field {output_field} is the field read: {operation.name} would write its codes over the texts; "
                         "pass --replace-output-field to do so")  # fmt: skip
    regular = all(map(_regular, paths))
    progress = Progress(sum(os.path.getsize(p) for p in paths) if regular and fmt != "parquet" else None)
    problems: Counter = Counter()
    result = list if operation.name == "tokenize" else str
    with open_output(args.output) as file, spool_directory(args.workers) as spool:
        sink = None
        try:
            for path in paths:
                with open_input(path, fmt, args.field, output_field, args.errors, args.batch_size, result, args.replace_output_field) as source:
                    codes = fmt == "txt" and operation.name in _DEFAULT_OUTPUT_FIELD  # labels, not the input's text: no BOM
                    sink = sink or Sink(file, fmt, b"" if codes else source.header, args.output)
                    job = Job(source.codec, operation, args.errors, spool)
                    chunks = source.chunks
                    if spool is not None and _regular(path) and fmt in ("txt", "jsonl"):
                        chunks = (chunk.by_reference() for chunk in chunks)  # workers read their lines themselves
                    for rendered, rows, nbytes, counts in ordered_map(job, chunks, args.workers):
                        sink.write(rendered)
                        problems.update(counts)
                        progress.update(rows, nbytes)
                    problems.update(source.counts)
        except BaseException:
            if sink is not None:
                sink.discard()
            raise
        if sink is not None:
            sink.close()
    progress.close()
    for problem, count in sorted(problems.items()):
        print(f"awal: {count:,} line{'s' if count != 1 else ''}: {problem}", file=sys.stderr)
    return EXIT_OK


def iter_texts(args: argparse.Namespace, path: str, fmt: str) -> Iterator[str]:
    """Every (non-null) text of one input, in order, read with the same readers as :func:`run`."""
    with open_input(path, fmt, args.field, None, args.errors, args.batch_size) as source:
        for chunk in source.chunks:
            texts = source.codec.parse(chunk, args.errors).texts
            yield from (t for t in (texts if isinstance(texts, list) else texts.to_pylist()) if t is not None)


def _subword(task: Callable[[Any], Any]) -> Any:
    """Run ``task(awal.subword)``, turning a missing module or extra into a clear :class:`FeatureUnavailable`."""
    try:
        subword = importlib.import_module("awal.subword")
        return task(subword)
    except ImportError as e:
        raise FeatureUnavailable(f"subword tokenizers need the subword extra: pip install 'awal[subword]' ({e})") from None


def _train_tokenizer(args: argparse.Namespace) -> int:
    target, _ = replaceable(args.output)  # a directory, a FIFO, a read-only file: refused before training
    paths, fmt = _inputs(args)
    texts = [t for path in paths for t in iter_texts(args, path, fmt)]
    if not any(map(str.strip, texts)):  # (awal.subword.train's ValueError would be an internal error here)
        names = ", ".join("<stdin>" if p == STDIO else p for p in paths)
        raise DataError(f"{names}: no text to train on (every text is blank or missing)")
    profile = None if args.profile == "none" else args.profile
    # train into a scratch folder next to the target, move the files only on success
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as scratch:
        try:
            _subword(lambda subword: subword.train(
                texts, kind=args.kind, library=args.library, vocab_size=args.vocab_size, profile=profile, output=Path(scratch) / target.name
            ))  # fmt: skip
        except RuntimeError as e:  # the library refused the options for this corpus (a vocabulary too small for its characters)
            raise UsageError(f"{args.library} cannot train this: {str(e).rsplit('] ', 1)[-1]}") from None
        produced = sorted(Path(scratch).iterdir())  # tokenizer.json, or x.model + x.vocab + x.rules.tsv
        moves = [(file, *replaceable(str(target.parent / file.name))) for file in produced]  # every one checked first
        for file, destination, existing in moves:
            if existing is not None:
                os.chmod(file, stat.S_IMODE(existing.st_mode))
            os.replace(file, destination)
            print(f"awal: wrote {destination}", file=sys.stderr)
    return EXIT_OK


def _tokenizer_report(args: argparse.Namespace) -> int:
    try:
        tokenizer = _subword(lambda subword: subword.load_tokenizer(args.tokenizer))
    except (FileNotFoundError, ValueError) as e:
        raise UsageError(f"--tokenizer {e}") from None
    paths, fmt = _inputs(args)
    names = ["stdin" if p == STDIO else Path(p).stem for p in paths]
    if args.reference is not None and args.reference not in names:  # (parity would be "-" on every row)
        raise UsageError(f"--reference {args.reference} is not an input's name{did_you_mean(args.reference, names)}; inputs: {', '.join(names)}")
    corpora = {name: list(iter_texts(args, p, fmt)) for name, p in zip(names, paths)}
    rows = _subword(lambda subword: subword.evaluate(tokenizer, corpora, reference=args.reference or "fra_Latn"))
    print(_subword(lambda subword: subword.report_table(rows)))
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    """``awal audit``, imported on use: the other commands never load the report code."""
    from . import audit

    return audit.run(args)


def _demo(args: argparse.Namespace) -> int:
    """Print a before/after of the bundled samples with each built-in profile."""
    text = (data_dir() / "samples" / "mixed.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    for name in ("default", "search", "darija"):
        print(f"== profile {name!r}")
        for before, after in zip(lines, normalizer(name)(lines)):
            print(f"  in : {before}")
            print(f"  out: {after}" if after != before else "  out: (unchanged)")
    return EXIT_OK


# ---------------------------------------------------------------- parser
def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:  # (argparse would say "invalid parse value", after this function's name)
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return number

    return parse


_positive = _at_least(1)


def _name(value: str) -> str:
    """A field or column name: never empty (``--field ''`` read stdin as txt, ``--output-field ''`` replaced --field)."""
    if not value:
        raise argparse.ArgumentTypeError("an empty name: give a field or column name")
    return value


def _reading_options() -> _Parser:
    parent = _Parser(add_help=False)
    parent.add_argument("inputs", nargs="*", metavar="FILE", help="input files (default: stdin; '-' is stdin; a FIFO or <(...) is read as a stream)")
    parent.add_argument("--format", choices=FORMATS, help="input format (default: from the file extension)")
    parent.add_argument("--field", type=_name, help="jsonl: field path (a.b.c), csv/tsv/parquet: column (default: text)")
    parent.add_argument(
        "--errors", choices=ERROR_POLICIES, default="strict",
        help="bad lines: stop with an error (strict), replace invalid UTF-8 with U+FFFD (replace), "
        "or drop bad lines (skip); replace/skip report counts on stderr",
    )
    parent.add_argument("--batch-size", type=_positive, default=10_000, metavar="N", help="at most N lines per batch (default: 10000; a batch of a line format also stops near 4 MB)")
    return parent


def _writing_options() -> _Parser:
    parent = _Parser(add_help=False)
    parent.add_argument("-o", "--output", default=STDIO, metavar="FILE", help="output file (default: stdout): a regular file is replaced atomically (mode kept, a link followed); "
        "a FIFO, device or /dev/fd/N is written as a stream; see awal --help")
    parent.add_argument("--output-field", type=_name, metavar="FIELD", help="write the result here instead of replacing --field (a field or column "
        "that exists already is an error, unless --replace-output-field)")
    parent.add_argument("--replace-output-field", action="store_true", help="let the result replace an existing --output-field "
        "(of the kind the command writes, or null)")
    parent.add_argument(
        "--workers", type=_at_least(0), default=0, metavar="N",
        help=f"processes working on batches in parallel, order kept (default 0: one per CPU, at most {MAX_AUTO_WORKERS}, "
        "when the input has more than one batch; 1: no worker processes)",
    )
    return parent


class _Parser(argparse.ArgumentParser):
    """argparse with a "did you mean" for a mistyped choice (subcommand, profile, format...)."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        choice = re.search(r"invalid choice: '?([^'(]*?)'? \(choose from (.*)\)", message)
        if choice:
            message += did_you_mean(choice[1], (c.strip(" '") for c in choice[2].split(",")))
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="awal", description=__doc__.split("\n\n")[0], epilog=EPILOG, formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"awal {__version__}")
    parser.add_argument("--debug", action="store_true", help="on an internal error, print the whole traceback")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reading, writing = _reading_options(), _writing_options()

    def command(name: str, help: str, parents: list[_Parser]) -> argparse.ArgumentParser:
        """A subcommand with its own short description and examples (the long text is in ``awal --help``)."""
        epilog = f"examples:\n{COMMAND_EXAMPLES[name]}\n\n{MORE}" if name in COMMAND_EXAMPLES else MORE
        return sub.add_parser(name, help=help, description=help, parents=parents, epilog=epilog, formatter_class=formatter)

    def text_command(name: str, help: str, argument: Callable[[Any], Any] = lambda args: None) -> argparse.ArgumentParser:
        parser = command(name, help, [reading, writing])
        parser.set_defaults(run=lambda args: run(args, Operation(name, argument(args))))
        return parser

    norm = text_command("normalize", "normalise text with a profile", argument=lambda a: a.profile_file or a.profile)
    norm.add_argument("--profile", default="default", choices=profiles(), help="built-in profile (default: default)")
    norm.add_argument("--profile-file", type=Path, metavar="TOML", help="a profile file of your own (overrides --profile)")
    text_command("transliterate", "transliterate text with a scheme", argument=lambda a: a.scheme).add_argument(
        "--scheme", required=True, help="scheme name, e.g. ar2bw, arabizi2ar, tfng2latn (see awal.schemes())"
    )
    text_command("tokenize", "split text into word tokens (jsonl: a JSON list; txt/csv: space-joined)")
    text_command("detect", "dominant script of each text (Arab, Latn, Tfng...); structured formats get a 'script' field")
    ident = text_command(
        "identify", "language of each text (ary_Arab, ary_Latn, arb_Arab, zgh_Tfng, fra_Latn..., und); structured formats get a 'lang' field",
        argument=lambda a: "tokens" if a.tokens else "scores" if a.scores else "label",
    )  # fmt: skip
    modes = ident.add_mutually_exclusive_group()
    modes.add_argument("--scores", action="store_true", help="the three best labels with their probability (label:p); "
        "none for a text without letters (label und: nothing to measure), as Identifier.top_k gives []")
    modes.add_argument("--tokens", action="store_true", help="every token with its language (token/label)")

    train = command("train-tokenizer", "train a BPE/Unigram subword tokenizer with awal's normalisation inside (needs awal[subword])", [reading])
    train.add_argument("-o", "--output", required=True, metavar="FILE", help="tokenizer.json (hf) or NAME.model (sentencepiece; NAME.vocab and NAME.rules.tsv are written beside it)")
    train.add_argument("--kind", choices=("bpe", "unigram"), default="bpe", help="subword model: byte-pair encoding or unigram language model (default: bpe)")
    train.add_argument("--library", choices=("hf", "sentencepiece"), default="hf", help="trainer: Hugging Face tokenizers (hf) or SentencePiece (default: hf)")
    train.add_argument("--vocab-size", type=_positive, default=16_000, metavar="N", help="number of subword units to learn (default: 16000)")
    train.add_argument("--profile", default="default", choices=[*profiles(), "none"], help="normaliser built into the tokenizer, applied before splitting (default: default; none: no normalisation)")
    train.set_defaults(run=_train_tokenizer)
    report = command("tokenizer-report", "fertility and parity of a tokenizer, one row per input file (needs awal[subword])", [reading])
    report.add_argument("--tokenizer", required=True, metavar="FILE", help="tokenizer.json or a SentencePiece .model")
    report.add_argument("--reference", help="input (file stem) that parity is relative to (default: fra_Latn, when it is one)")
    report.set_defaults(run=_tokenizer_report)

    audit = sub.add_parser(
        "audit", help="one self-contained HTML report on a JSONL corpus (scripts, lengths, rules, duplicates, quality)",
        description="Audit a corpus: awal audit corpus.jsonl --field text -o report.html",
    )  # fmt: skip
    audit.add_argument("input", help="JSONL file (or .txt: one document per line)")
    audit.add_argument("--field", type=_name, default="text", help="JSON field holding the text, a path a.b for a nested one (default: text)")
    audit.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML report to write")
    audit.add_argument("--variety", default="default", help="quality thresholds and stop words (ary, arb, zgh, kab, ...)")
    audit.add_argument("--strict", action="store_true", help="stop at the first bad line instead of counting it")
    audit.set_defaults(run=_audit)
    command("demo", "normalise the bundled samples and show before/after", []).set_defaults(run=_demo)
    return parser


class Terminated(Exception):
    """SIGTERM arrived: unwind (removing any temporary output) and exit 143."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``awal`` command; returns the exit code (see ``awal --help``).
    Every failure is one line on stderr (``--debug``: with the traceback of an internal error)."""
    args = build_parser().parse_args(argv)
    reuse_freed_memory()
    if getattr(args, "workers", 1) == 0:
        args.workers = auto_workers()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.run(args)
    except DataError as e:
        return _fail(f"error: {e}", EXIT_DATA)
    except (UsageError, FeatureUnavailable) as e:
        return _fail(f"{args.command}: {e}", EXIT_USAGE)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED, newline=True)
    except Terminated:
        return _fail("terminated", EXIT_TERMINATED)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except OutputFailed as e:
        return _fail(str(e), EXIT_SYSTEM)
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        return _fail(f"{where}{e.strerror or e}", EXIT_SYSTEM)
    except Exception as e:  # a bug: one line, the traceback only with --debug
        if args.debug:
            traceback.print_exc()
        return _fail(f"internal error: {type(e).__name__}: {e} (a bug in awal; --debug shows the traceback)", EXIT_BUG)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fail(message: str, code: int, newline: bool = False) -> int:
    try:
        print(f"{chr(10) if newline else ''}awal: {message}", file=sys.stderr)
    except (OSError, AttributeError, ValueError):  # stderr closed too: the exit code still says it
        pass
    if code != EXIT_OK:
        try:  # what is left for stdout goes now: a program calling main() keeps its stdout
            sys.stdout.flush()
        except (OSError, AttributeError, ValueError):  # it cannot be written (closed pipe, full disk)
            _silence_stdout()
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises no second error (closed pipe, full disk)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


if __name__ == "__main__":  # ``python -m awal.cli`` runs as ``python -m awal`` does
    # (a worker of the fork server then finds ``awal.__main__`` as the main module and does not
    # run a second copy of this one over the ``awal.cli`` it preloaded)
    import runpy

    runpy.run_module("awal", run_name="__main__", alter_sys=True)

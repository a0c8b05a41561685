"""The ``awal`` command: normalise, transliterate, tokenise and detect scripts in files or pipes.

Every text subcommand is the same streaming runner (:func:`run`) parameterised
by an :class:`Operation`: input is read in batches, each batch is parsed,
processed and rendered (in ``--workers`` processes, order kept) and written
to stdout or, atomically, to ``-o FILE``.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, TextIO

from . import audit
from .arrow import FeatureUnavailable, detect_array, feature, normalize_array, normalizer, tokenize_array, transliterate_array
from .io import (
    ERROR_POLICIES,
    FORMATS,
    STDIO,
    Chunk,
    Codec,
    DataError,
    Sink,
    Spooled,
    UsageError,
    atomic_output,
    guess_format,
    open_input,
)
from .normalize import profiles
from .rules import RuleError, data_dir

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE, EXIT_TERMINATED = 0, 1, 2, 130, 141, 143

EPILOG = """\
examples:
  echo "ﻻ إِلَهَ" | awal normalize --profile search
  awal normalize corpus.jsonl --field text -o clean.jsonl    # every CPU (--workers 1: one)
  awal normalize data.jsonl --field meta.text --output-field meta.norm --errors skip
  awal transliterate --scheme ar2bw names.csv --field name --output-field name_bw
  awal tokenize sentences.txt                # tokens joined by spaces
  awal tokenize corpus.jsonl --field text    # a JSON list of tokens per record
  awal detect corpus.parquet --field text -o scripts.parquet   # adds a "script" column
  awal train-tokenizer corpus.txt --vocab-size 8000 -o tokenizer.json
  awal tokenizer-report --tokenizer tokenizer.json flores/*.dev --reference fra_Latn
  awal demo

formats (from the file extension, or --format): txt (a text per line), jsonl
(--field, a dotted path such as meta.text), csv/tsv (--field: a column of the
header), parquet (needs pip install 'awal[arrow]'). Output has the input's
format: the field is replaced, or --output-field added. Stdin is txt, or
jsonl when --field is given.

exit codes:
  0    success
  1    bad input data (invalid UTF-8, malformed JSON, missing field); the
       message names the file, line and byte offset
  2    usage error (bad option, unknown profile or scheme, missing file,
       a feature or optional extra that is not installed)
  130  interrupted (Ctrl-C);  143 terminated (SIGTERM);  141 output pipe closed
A run that fails or is interrupted leaves no output file behind. The output is
written to an unnamed file (Linux O_TMPFILE) or, on filesystems without it
(overlayfs, macOS...), to a hidden .NAME.XXXXXXXX.awal-tmp next to -o NAME,
renamed on success; only kill -9 (SIGKILL) can leave that hidden file behind,
and the next run writing the same output removes it. Worker processes read
their lines from the input file and hand results back through a private
folder in $TMPDIR (awal-spool-PID-*), removed at the end, or by the next run
with workers if kill -9 left it.
"""


# ---------------------------------------------------------------- operations
_LIST_FUNCTIONS: dict[str, Callable[[list[str], Any], list[Any]]] = {
    "normalize": lambda texts, profile: normalizer(profile)(texts),
    "transliterate": lambda texts, scheme: feature("transliterate")(texts, scheme),
    "tokenize": lambda texts, _: feature("tokenize")(texts),
    "detect": lambda texts, _: feature("dominant_script")(texts),
}
_ARRAY_FUNCTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "normalize": normalize_array,
    "transliterate": transliterate_array,
    "tokenize": lambda array, _: tokenize_array(array),
    "detect": lambda array, _: detect_array(array),
}
_FEATURES = {"transliterate": "transliterate", "tokenize": "tokenize", "detect": "dominant_script"}
_DEFAULT_OUTPUT_FIELD = {"detect": "script"}  # a script code should not overwrite the text


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

    def check(self) -> None:
        """Fail early (:class:`UsageError`) on an unknown profile or scheme, before reading any input;
        then warm the compiled tables up, so forked workers share them instead of each compiling its own."""
        try:
            if self.name == "normalize":
                normalizer(self.argument)
            else:
                feature(_FEATURES[self.name])
            if self.name == "transliterate" and self.argument not in (schemes := feature("schemes")()):
                raise UsageError(f"unknown scheme {self.argument!r}; available: {', '.join(schemes)}")
            self(["awal ⴰⵡⴰⵍ"])
        except (ValueError, RuleError, OSError) as e:
            raise UsageError(str(e)) from None


@dataclass(frozen=True)
class Job:
    """Parse, process and render one chunk (runs in a worker process when ``--workers`` > 1)."""

    codec: Codec
    operation: Operation
    errors: str
    spool: str | None = None  # in a worker process, rendered bytes go back through a file here

    def __call__(self, chunk: Chunk) -> tuple[Any, int, int, Counter]:
        chunk = chunk.loaded()
        parsed = self.codec.parse(chunk, self.errors)
        try:
            results = self.operation(parsed.texts)
        except (DataError, UsageError):
            raise
        except (ValueError, TypeError) as e:
            raise DataError(f"{chunk.source}: batch starting at line {chunk.first_line}: {e}") from None
        rendered = self.codec.render(parsed, results)
        if self.spool is not None and isinstance(rendered, bytes) and multiprocessing.parent_process() is not None:
            rendered = Spooled.write(rendered, self.spool)
        return rendered, len(parsed.texts), chunk.nbytes, parsed.counts


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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


MAX_AUTO_WORKERS = 8  # --workers 0 (the default) uses one process per available CPU, up to this many


def auto_workers() -> int:
    """Processes for ``--workers 0``: the CPUs this process may run on, at most :data:`MAX_AUTO_WORKERS`."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cpus, MAX_AUTO_WORKERS))


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
    with multiprocessing.get_context().Pool(workers, initializer=_worker_init) as pool:  # exit terminates it
        pending: deque = deque()
        for item in chain(first, items):
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


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
def _inputs(args: argparse.Namespace) -> tuple[list[str], str]:
    paths = args.inputs or [STDIO]
    for path in paths:
        if path != STDIO and not os.path.isfile(path):
            raise UsageError(f"no such file: {path}")
    formats = {args.format or guess_format(p, args.field) for p in paths}
    if len(formats) > 1:
        raise UsageError(f"inputs of different formats ({', '.join(sorted(formats))}): run them separately")
    fmt = formats.pop()
    if len(paths) > 1 and fmt not in ("txt", "jsonl"):
        raise UsageError(f"{fmt} takes one input file at a time")
    return paths, fmt


def run(args: argparse.Namespace, operation: Operation) -> int:
    """The one runner behind every text subcommand: read, process in batches, write."""
    operation.check()
    paths, fmt = _inputs(args)
    if fmt == "parquet" and args.output == STDIO:
        raise UsageError("parquet output needs a file: pass -o FILE.parquet")
    output_field = args.output_field or (_DEFAULT_OUTPUT_FIELD.get(operation.name) if fmt != "txt" else None)
    progress = Progress(sum(os.path.getsize(p) for p in paths) if STDIO not in paths and fmt != "parquet" else None)
    problems: Counter = Counter()
    with atomic_output(args.output) as file, spool_directory(args.workers) as spool:
        sink = None
        for path in paths:
            with open_input(path, fmt, args.field, output_field, args.errors, args.batch_size) as source:
                sink = sink or Sink(file, fmt, source.header)
                job = Job(source.codec, operation, args.errors, spool)
                chunks = source.chunks
                if spool is not None and path != STDIO and fmt in ("txt", "jsonl"):
                    chunks = (chunk.by_reference() for chunk in chunks)  # workers read their lines themselves
                for rendered, rows, nbytes, counts in ordered_map(job, chunks, args.workers):
                    sink.write(rendered)
                    problems.update(counts)
                    progress.update(rows, nbytes)
                problems.update(source.counts)
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
    paths, fmt = _inputs(args)
    texts = [t for path in paths for t in iter_texts(args, path, fmt)]
    target = Path(args.output).absolute()
    profile = None if args.profile == "none" else args.profile
    # train into a scratch folder next to the target, move the files only on success
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as scratch:
        _subword(lambda subword: subword.train(
            texts, kind=args.kind, library=args.library, vocab_size=args.vocab_size, profile=profile, output=Path(scratch) / target.name
        ))  # fmt: skip
        for produced in sorted(Path(scratch).iterdir()):  # tokenizer.json, or x.model + x.vocab + x.rules.tsv
            os.replace(produced, target.parent / produced.name)
            print(f"awal: wrote {target.parent / produced.name}", file=sys.stderr)
    return EXIT_OK


def _tokenizer_report(args: argparse.Namespace) -> int:
    paths, fmt = _inputs(args)
    corpora = {("stdin" if p == STDIO else Path(p).stem): list(iter_texts(args, p, fmt)) for p in paths}
    rows = _subword(lambda subword: subword.evaluate(args.tokenizer, corpora, reference=args.reference))
    print(_subword(lambda subword: subword.report_table(rows)))
    return EXIT_OK


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
        number = int(value)
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return number

    return parse


_positive = _at_least(1)


def _reading_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("inputs", nargs="*", metavar="FILE", help="input files (default: stdin; '-' is stdin)")
    parent.add_argument("--format", choices=FORMATS, help="input format (default: from the file extension)")
    parent.add_argument("--field", help="jsonl: field path (a.b.c), csv/tsv/parquet: column (default: text)")
    parent.add_argument(
        "--errors", choices=ERROR_POLICIES, default="strict",
        help="bad lines: stop with an error (strict), replace invalid UTF-8 with U+FFFD (replace), "
        "or drop bad lines (skip); replace/skip report counts on stderr",
    )
    parent.add_argument("--batch-size", type=_positive, default=10_000, metavar="N", help="at most N lines per batch (default: 10000; a batch of a line format also stops near 4 MB)")
    return parent


def _writing_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-o", "--output", default=STDIO, metavar="FILE", help="output file (default: stdout)")
    parent.add_argument("--output-field", metavar="FIELD", help="write the result here instead of replacing --field")
    parent.add_argument(
        "--workers", type=_at_least(0), default=0, metavar="N",
        help=f"processes working on batches in parallel, order kept (default 0: one per CPU, at most {MAX_AUTO_WORKERS}, "
        "when the input has more than one batch; 1: no worker processes)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="awal", description=__doc__.split("\n\n")[0], epilog=EPILOG, formatter_class=formatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    reading, writing = _reading_options(), _writing_options()

    def text_command(name: str, help: str, argument: Callable[[Any], Any] = lambda args: None) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help, description=help, parents=[reading, writing], epilog=EPILOG, formatter_class=formatter)
        command.set_defaults(run=lambda args: run(args, Operation(name, argument(args))))
        return command

    norm = text_command("normalize", "normalise text with a profile", argument=lambda a: a.profile_file or a.profile)
    norm.add_argument("--profile", default="default", choices=profiles(), help="built-in profile (default: default)")
    norm.add_argument("--profile-file", type=Path, metavar="TOML", help="a profile file of your own (overrides --profile)")
    text_command("transliterate", "transliterate text with a scheme", argument=lambda a: a.scheme).add_argument(
        "--scheme", required=True, help="scheme name, e.g. ar2bw, arabizi2ar, tfng2latn (see awal.schemes())"
    )
    text_command("tokenize", "split text into word tokens (jsonl: a JSON list; txt/csv: space-joined)")
    text_command("detect", "dominant script of each text (Arab, Latn, Tfng...); structured formats get a 'script' field")

    train = sub.add_parser(
        "train-tokenizer", help="train a BPE/Unigram subword tokenizer with awal's normalisation inside (needs awal[subword])",
        parents=[reading], epilog=EPILOG, formatter_class=formatter,
    )  # fmt: skip
    train.add_argument("-o", "--output", required=True, metavar="FILE", help="tokenizer.json (hf) or NAME.model (sentencepiece)")
    train.add_argument("--kind", choices=("bpe", "unigram"), default="bpe")
    train.add_argument("--library", choices=("hf", "sentencepiece"), default="hf")
    train.add_argument("--vocab-size", type=_positive, default=16_000)
    train.add_argument("--profile", default="default", choices=[*profiles(), "none"], help="normaliser built into the tokenizer")
    train.set_defaults(run=_train_tokenizer)
    report = sub.add_parser(
        "tokenizer-report", help="fertility and parity of a tokenizer, one row per input file (needs awal[subword])",
        parents=[reading], epilog=EPILOG, formatter_class=formatter,
    )  # fmt: skip
    report.add_argument("--tokenizer", required=True, metavar="FILE", help="tokenizer.json or a SentencePiece .model")
    report.add_argument("--reference", default="fra_Latn", help="input (file stem) that parity is relative to")
    report.set_defaults(run=_tokenizer_report)

    audit.add_command(sub)
    sub.add_parser("demo", help="normalise the bundled samples and show before/after").set_defaults(run=_demo)
    return parser


class Terminated(Exception):
    """SIGTERM arrived: unwind (removing any temporary output) and exit 143."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``awal`` command; returns the exit code (see ``awal --help``)."""
    args = build_parser().parse_args(argv)
    if getattr(args, "workers", 1) == 0:
        args.workers = auto_workers()
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.run(args)
    except DataError as e:
        print(f"awal: error: {e}", file=sys.stderr)
        return EXIT_DATA
    except (UsageError, FeatureUnavailable) as e:
        print(f"awal: {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nawal: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("awal: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_PIPE
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of ``awal normalize`` on JSONL: time per MB, peak memory, and camel-tools in a Python loop.

Builds JSONL files of the requested sizes (``{"id": n, "text": line}`` from
``../shared/data/arabic/corpus_bench.txt`` and the FLORES dev files, cycled) in
a temporary folder, runs ``awal normalize FILE --field text --profile camel -o OUT``
with 1 and 2 workers, and the camel-tools loop (``json.loads`` →
``camel_normalize_fn()`` → ``json.dumps`` per line, see ``peers.py``) and polars, each in
a child process whose whole process tree is sampled for RSS (psutil).

Run in ``benchmarks/.venv`` (camel-tools lives only there)::

    benchmarks/.venv/bin/python benchmarks/cli_bench.py              # 10 MB and 100 MB
    benchmarks/.venv/bin/python benchmarks/cli_bench.py --sizes 10,100,1000
    benchmarks/.venv/bin/python benchmarks/cli_bench.py --scheme ar2bw    # awal transliterate instead

With ``--scheme``, awal runs ``awal transliterate --scheme NAME`` (a table scheme), the camel-tools
loop its ``CharMapper`` of the same name, and polars ``replace_many`` with the scheme's pairs.

Child processes get a bytecode cache in the temporary folder (``PYTHONPYCACHEPREFIX``), filled
by the start-up runs, as a pip-installed package has one (``--no-bytecode``: every run compiles
the modules from source, which costs awal ~0.05 s of start-up and polars nothing).

The fixed start-up cost (imports, profile compilation, worker pool, first use of
the JSONL reader) is measured on a two-record input cut into two batches
(``--batch-size 1``, so the pool starts as it does on a big file) and subtracted, so "s/MB net" compares sizes fairly; wall and
CPU seconds are both reported (on a shared machine wall time includes waiting
for a core). The camel-tools loop runs up to ``--camel-max`` MB (default 100).
Prints a Markdown table (see benchmarks/CLI.md).

CPU seconds are the children's rusage, which counts only processes the benchmark waits for. awal's
worker processes (``--workers 2``) come from a multiprocessing fork server that outlives awal by a
moment and is never waited for by it; so on Linux the benchmark makes itself the child subreaper of
its descendants (``prctl(PR_SET_CHILD_SUBREAPER)``), and waits for the fork server once awal has
exited: its CPU time and that of the workers it waited for are counted. Where that is not
available, the output says that the CPU of ``--workers`` above 1 leaves out the workers.

The polars pipeline (``pl.read_ndjson`` → ``str.replace_many`` with the camel
rules → ``write_ndjson``) is what a dataframe user writes instead.

Targets: peak RSS ≤ 400 MB; net s/MB flat (within 20%) from the smallest to the
largest size; awal ≥ 5× the camel-tools loop; ``--workers 1`` ≥ 1.5× the polars
pipeline in CPU time (issue 12).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE))
from corpus import data_dir  # noqa: E402

CAMEL_LOOP = """
import json, sys
sys.path.insert(0, {here!r})
from peers import camel_charmap, camel_normalize_fn
normalize = {function}
with open({src!r}, encoding="utf-8") as fin, open({dst!r}, "w", encoding="utf-8") as fout:
    for line in fin:
        record = json.loads(line)
        record["text"] = normalize(record["text"])
        fout.write(json.dumps(record, ensure_ascii=False) + "\\n")
"""

# polars, as a user would write it: the camel profile's rules (all one-character: dediac_ar deletes
# U+064B..U+0652 and U+0670, three maps) as one str.replace_many over the "text" column.
POLARS_PIPELINE = """
import polars as pl
deleted = [chr(c) for c in [*range(0x064B, 0x0653), 0x0670]]
sources = deleted + ["إ", "أ", "ٱ", "آ", "ى", "ة"]
targets = [""] * len(deleted) + ["ا", "ا", "ا", "ا", "ي", "ه"]
frame = pl.read_ndjson({src!r})
frame.with_columns(pl.col("text").str.replace_many(sources, targets)).write_ndjson({dst!r})
"""
# the same for a table scheme of one character to one: its pairs, as awal's table has them (ar2bw: 51)
POLARS_SCHEME = """
import polars as pl
from awal.translit import _table_scheme
pairs = _table_scheme({scheme!r}).steps[0].mapping
frame = pl.read_ndjson({src!r})
frame.with_columns(pl.col("text").str.replace_many(list(pairs), list(pairs.values()))).write_ndjson({dst!r})
"""


def source_lines() -> list[str]:
    """Benchmark corpus lines plus every FLORES dev line (Arabic, Darija, Latin, Tifinagh)."""
    data = data_dir()
    lines = (data / "arabic" / "corpus_bench.txt").read_text(encoding="utf-8").splitlines()
    for path in sorted((data / "flores200" / "dev").glob("*.dev")):
        lines += path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def build_jsonl(path: Path, megabytes: int, lines: list[str]) -> int:
    """Write ``{"id", "text"}`` records until the file has ``megabytes`` MB; returns the byte size."""
    target, size = megabytes * 1_000_000, 0
    with open(path, "w", encoding="utf-8") as f:
        for n, line in enumerate(cycle(lines)):
            record = json.dumps({"id": n, "text": line}, ensure_ascii=False) + "\n"
            f.write(record)
            size += len(record.encode("utf-8"))
            if size >= target:
                return size
    raise AssertionError("unreachable")


PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux): awal's fork server, left
    behind when awal exits, is re-parented here, so :func:`reap_orphans` can wait for it and its CPU
    time reaches ``RUSAGE_CHILDREN``. False where the call is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float = 60.0) -> None:
    """Wait for every descendant re-parented to this process (a fork server and its workers) to exit."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _, _ = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:  # none left
            return
        if pid == 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"descendants of a finished run still running after {timeout:.0f} s")
            time.sleep(0.005)


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """Run ``command``; (wall seconds, CPU seconds of the whole tree, peak RSS of the whole tree in MB,
    peak RSS of one process in MB). CPU time matters on a shared machine: wall time there includes
    waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    peak_tree = peak_one = 0
    while proc.poll() is None:
        try:
            rss = [p.memory_info().rss for p in [parent, *parent.children(recursive=True)]]
        except psutil.Error:
            rss = [0]
        peak_tree, peak_one = max(peak_tree, sum(rss)), max(peak_one, max(rss))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    reap_orphans()  # (nothing to wait for unless this process is a subreaper and the run left a fork server)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode:
        raise RuntimeError(f"{command[:4]} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return wall, cpu, peak_tree / 1e6, peak_one / 1e6


def awal_command(src: Path, dst: Path, workers: int, *options: str, scheme: str | None = None) -> list[str]:
    operation = ["normalize", "--profile", "camel"] if scheme is None else ["transliterate", "--scheme", scheme]
    return [sys.executable, "-m", "awal", *operation, str(src), "--field", "text",
            "-o", str(dst), "--workers", str(workers), *options]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100", help="comma-separated sizes in MB (default: 10,100; full: 10,100,1000)")
    parser.add_argument("--workers", default="1,2", help="worker counts for awal (default: 1,2)")
    parser.add_argument("--camel-max", type=int, default=100, help="run the camel-tools loop up to this size in MB (default: 100)")
    parser.add_argument("--no-camel", action="store_true", help="skip the camel-tools loop")
    parser.add_argument("--no-polars", action="store_true", help="skip the polars pipeline (read_ndjson, replace_many, write_ndjson)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds below 1000 MB, every case once a round; the median CPU run is kept (default: 1)")
    parser.add_argument("--scheme", help="benchmark `awal transliterate --scheme SCHEME` (a table scheme such as ar2bw) instead of normalize camel")
    parser.add_argument("--dir", help="where to build the files (default: a temporary folder)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module from source in every run (PYTHONDONTWRITEBYTECODE as set in the environment)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    reaper = become_subreaper()
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    lines = source_lines()
    rows = []  # (MB, name, wall, cpu, tree MB, max one MB)
    startup: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="awal-cli-bench-") as folder:
        if not args.no_bytecode:  # as installed packages run: pip writes their bytecode at install time
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")  # written by the first (start-up) runs
        tiny, dst = Path(folder) / "tiny.jsonl", Path(folder) / "out.jsonl"
        tiny.write_text("".join(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n" for n, t in enumerate(lines[:2])), encoding="utf-8")
        for w in workers:  # the fixed cost of one run: start-up (imports, profile, pool, first batch) on a tiny input
            startup[w] = min((measure(awal_command(tiny, dst, w, "--batch-size", "1", scheme=args.scheme), env)[:2] for _ in range(3)), key=lambda r: r[0])
            print(f"  start-up, --workers {w}: {startup[w][0]:.2f} s wall, {startup[w][1]:.2f} s CPU", file=sys.stderr, flush=True)
        for mb in sizes:
            src = Path(folder) / f"in-{mb}.jsonl"
            nbytes = build_jsonl(src, mb, lines)
            runs = [(f"awal --workers {w}", awal_command(src, dst, w, scheme=args.scheme)) for w in workers]
            if not args.no_camel and mb <= args.camel_max:
                function = "camel_normalize_fn()" if args.scheme is None else f"camel_charmap({args.scheme!r})"
                loop = CAMEL_LOOP.format(here=str(HERE), src=str(src), dst=str(dst), function=function)
                runs.append(("camel-tools loop", [sys.executable, "-c", loop]))
            if not args.no_polars:
                pipeline = POLARS_PIPELINE if args.scheme is None else POLARS_SCHEME
                runs.append(("polars ndjson", [sys.executable, "-c", pipeline.format(src=str(src), dst=str(dst), scheme=args.scheme)]))
            results: dict[str, list] = {name: [] for name, _ in runs}
            for _ in range(args.repeat if mb < 1000 else 1):  # in alternation: load changes hit every run alike
                for name, command in runs:
                    results[name].append(measure(command, env))
                    wall, cpu, tree, _ = results[name][-1]
                    print(f"  {mb:>5} MB  {name:<18} {wall:8.2f} s wall {cpu:8.2f} s CPU  {tree:5.0f} MB", file=sys.stderr, flush=True)
            for name, _ in runs:
                wall, cpu, tree, one = sorted(results[name], key=lambda r: r[1])[len(results[name]) // 2]  # the median CPU run
                rows.append((nbytes / 1e6, name, wall, cpu, tree, one))
            src.unlink()
    fixed = {f"awal --workers {w}": startup[w] for w in workers}
    camel = {round(mb): (wall, cpu) for mb, name, wall, cpu, _, _ in rows if name == "camel-tools loop"}
    polars = {round(mb): (wall, cpu) for mb, name, wall, cpu, _, _ in rows if name == "polars ndjson"}
    print("| size | run | wall s | CPU s | MB/s (wall) | MB/s net of start-up | s/MB net | peak RSS tree MB | max 1 process MB | vs camel (wall) | vs camel (CPU) | vs polars (CPU) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    net, net_cpu = {}, {}
    for mb, name, wall, cpu, tree, one in rows:
        base = fixed.get(name, (0.0, 0.0))[0]
        spm = (wall - base) / mb
        net[(name, round(mb))] = spm
        net_cpu[(name, round(mb))] = (cpu - fixed.get(name, (0.0, 0.0))[1]) / mb
        vs_wall = f"{camel[round(mb)][0] / wall:.1f}×" if round(mb) in camel and name in fixed else "-"
        vs_cpu = f"{camel[round(mb)][1] / cpu:.1f}×" if round(mb) in camel and name in fixed else "-"
        vs_polars = f"{polars[round(mb)][1] / cpu:.2f}×" if round(mb) in polars and name in fixed else "-"
        print(f"| {mb:,.0f} MB | {name} | {wall:.2f} | {cpu:.2f} | {mb / wall:.1f} | {1 / spm if name in fixed else mb / wall:.1f} | "
              f"{spm:.4f} | {tree:.0f} | {one:.0f} | {vs_wall} | {vs_cpu} | {vs_polars} |")  # fmt: skip
    for w, (wall, cpu) in startup.items():
        print(f"\nstart-up (two records in two batches), --workers {w}: {wall:.2f} s wall, {cpu:.2f} s CPU", end="")
    print()
    if max(workers) > 1:
        print("CPU s of --workers above 1: awal, its fork server and its workers (this process is their subreaper)" if reaper else
              "CPU s of --workers above 1 leave out the worker processes (no child subreaper on this platform)")  # fmt: skip
    for w in workers:
        per_mb = [(mb, spm) for (name, mb), spm in net.items() if name == f"awal --workers {w}"]
        if len(per_mb) > 1:
            for mb, spm in per_mb[1:]:
                print(f"awal --workers {w}: net s/MB at {mb} MB is {spm / per_mb[0][1]:.2f}x that at {per_mb[0][0]} MB (target within 1.20x)")
            cpu_per_mb = [(mb, net_cpu[(f"awal --workers {w}", mb)]) for mb, _ in per_mb]
            for mb, spm in cpu_per_mb[1:]:
                print(f"awal --workers {w}: net CPU s/MB at {mb} MB is {spm / cpu_per_mb[0][1]:.2f}x that at {cpu_per_mb[0][0]} MB")
    if len(workers) > 1:
        for mb in sizes:
            one, two = net.get((f"awal --workers {workers[0]}", mb)), net.get((f"awal --workers {workers[-1]}", mb))
            if one and two:
                print(f"{mb} MB: --workers {workers[-1]} is {one / two:.2f}x the MB/s of --workers {workers[0]} (net of start-up)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

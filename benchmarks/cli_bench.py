"""Benchmark of ``awal normalize`` on JSONL: time per MB, peak memory, and camel-tools in a Python loop.

Builds JSONL files of the requested sizes (``{"id": n, "text": line}`` from
``../shared/data/arabic/corpus_bench.txt`` and the FLORES dev files, cycled) in
a temporary folder, runs ``awal normalize FILE --field text --profile camel -o OUT``
with 1 and 2 workers, and the camel-tools loop (``json.loads`` →
``camel_normalize_fn()`` → ``json.dumps`` per line, see ``peers.py``), each in
a child process whose whole process tree is sampled for RSS (psutil).

Run in ``benchmarks/.venv`` (camel-tools lives only there)::

    benchmarks/.venv/bin/python benchmarks/cli_bench.py              # 10 MB and 100 MB
    benchmarks/.venv/bin/python benchmarks/cli_bench.py --sizes 10,100,1000

Targets: peak RSS ≤ 400 MB; s/MB flat (within 20%) from the smallest to the
largest size; awal ≥ 5× the camel-tools loop.
"""

from __future__ import annotations

import argparse
import json
import os
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
from peers import camel_normalize_fn
normalize = camel_normalize_fn()
with open({src!r}, encoding="utf-8") as fin, open({dst!r}, "w", encoding="utf-8") as fout:
    for line in fin:
        record = json.loads(line)
        record["text"] = normalize(record["text"])
        fout.write(json.dumps(record, ensure_ascii=False) + "\\n")
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


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``command``; (wall seconds, peak RSS of the whole tree in MB, peak RSS of one process in MB)."""
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
    if proc.returncode:
        raise RuntimeError(f"{command[:4]} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return wall, peak_tree / 1e6, peak_one / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100", help="comma-separated sizes in MB (default: 10,100; full: 10,100,1000)")
    parser.add_argument("--workers", default="1,2", help="worker counts for awal (default: 1,2)")
    parser.add_argument("--no-camel", action="store_true", help="skip the camel-tools loop")
    parser.add_argument("--dir", help="where to build the files (default: a temporary folder)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    lines = source_lines()
    rows = []
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="awal-cli-bench-") as folder:
        for mb in sizes:
            src, dst = Path(folder) / f"in-{mb}.jsonl", Path(folder) / f"out-{mb}.jsonl"
            nbytes = build_jsonl(src, mb, lines)
            runs = [(f"awal --workers {w}", [sys.executable, "-m", "awal.cli", "normalize", str(src), "--field", "text",
                     "--profile", "camel", "-o", str(dst), "--workers", str(w)]) for w in workers]  # fmt: skip
            if not args.no_camel:
                runs.append(("camel-tools loop", [sys.executable, "-c", CAMEL_LOOP.format(here=str(HERE), src=str(src), dst=str(dst))]))
            for name, command in runs:
                wall, tree, one = measure(command, env)
                rows.append((mb, name, wall, wall / (nbytes / 1e6), tree, one))
                print(f"  {mb:>5} MB  {name:<18} {wall:8.2f} s", file=sys.stderr, flush=True)
            src.unlink()
    camel = {mb: spm for mb, name, _, spm, _, _ in rows if name == "camel-tools loop"}
    print(f"{'size':>7}  {'run':<18} {'wall s':>8} {'s/MB':>7} {'MB/s':>7} {'RSS tree MB':>11} {'RSS max 1 MB':>12} {'vs camel':>8}")
    for mb, name, wall, spm, tree, one in rows:
        speedup = f"{camel[mb] / spm:7.1f}x" if mb in camel else "       -"
        print(f"{mb:>4} MB  {name:<18} {wall:8.2f} {spm:7.4f} {1 / spm:7.1f} {tree:11.0f} {one:12.0f} {speedup:>8}")
    for w in workers:
        per_mb = [spm for mb, name, _, spm, _, _ in rows if name == f"awal --workers {w}"]
        if len(per_mb) > 1:
            print(f"awal --workers {w}: s/MB at {sizes[-1]} MB is {per_mb[-1] / per_mb[0]:.2f}x that at {sizes[0]} MB (target within 1.20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

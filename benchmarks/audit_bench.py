"""Speed and memory of ``awal audit`` on a JSONL corpus of a given size, one core.

Usage (from the repository root; any venv with awal installed)::

    benchmarks/.venv/bin/python benchmarks/audit_bench.py --mb 100

The corpus is built in a temporary folder from the shared LID text (documents of 1-12
random lines of Darija, Arabic, Kabyle, French and Tifinagh; seed 1), written as JSONL.
``awal audit`` runs as a child process pinned to one core (``taskset -c 0`` when present);
the table gives MB of input per CPU second (user + system of the child, the project's
convention on a shared machine), per wall second, and the child's peak RSS.
Exits non-zero below 20 MB/s (CPU) or above 400 MB RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import shared_dir  # noqa: E402

LID = shared_dir() / "data" / "lid"
SOURCES = ("ary_Arab.afrisenti.txt", "ary_Latn.afrisenti.txt", "arb_Arab.wikipedia2017.txt", "kab_Latn.kabyletexts.txt",
           "fra_Latn.ud-gsd.txt", "zgh_Tfng.commonvoice.txt")  # fmt: skip


def build(path: Path, megabytes: int) -> int:
    rng = random.Random(1)
    lines = [line for name in SOURCES for line in (LID / name).read_text(encoding="utf-8").splitlines()]
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        i = 0
        while written < megabytes * 1_000_000:
            record = json.dumps({"id": i, "text": "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 12)))}, ensure_ascii=False) + "\n"
            out.write(record)
            written += len(record.encode("utf-8"))
            i += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="corpus size in MB (default 100)")
    args = parser.parse_args()
    awal = shutil.which("awal", path=str(Path(sys.executable).parent)) or "awal"
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        size = build(corpus, args.mb)
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*pin, awal, "audit", str(corpus), "--field", "text", "-o", str(Path(folder) / "report.html")], check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rss = after.ru_maxrss / 1024  # Linux: KiB
        report = (Path(folder) / "report.html").stat().st_size
    mb = size / 1e6
    print("| corpus | CPU s | MB/s (CPU) | wall s | MB/s (wall) | peak RSS | report |\n|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {mb:.0f} MB | {cpu:.2f} | {mb / cpu:.1f} | {wall:.2f} | {mb / wall:.1f} | {rss:.0f} MB | {report / 1e3:.0f} kB |")
    return 0 if mb / cpu >= 20 and rss <= 400 else 1


if __name__ == "__main__":
    sys.exit(main())

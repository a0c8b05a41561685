"""Near-duplicate recall on spelling-variant copies of FLORES dev, and shingling speed: awal vs datatrove.

Usage (benchmark venv, from the repository root)::

    benchmarks/.venv/bin/python benchmarks/dedup_bench.py

Copies are made by ``tests/dedup_scoring.py`` (fixed seed). Rows: awal.shingles(n=5) with no
normalisation, with the ``search`` profile and with ``dedup`` (the default); datatrove's
``MinhashDedupSignature.get_shingles`` (its ``simplify_text`` + the word tokenizer it assigns to
the language: spaCy Arabic for ary_Arab and arb_Arab, whitespace for Tifinagh), the shingles its MinHash
dedup uses. Speed: MB/s of UTF-8 input per CPU second over originals and copies of all sets.
Exits non-zero if awal (dedup) is below 90% recall or has a false merge on any set.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from datatrove.pipeline.dedup.minhash import MinhashDedupSignature  # noqa: E402
from dedup_scoring import SEED, evaluate, variant  # noqa: E402

import awal  # noqa: E402
from corpus import shared_dir  # noqa: E402

FLORES = shared_dir() / "data" / "flores200" / "dev"
LANGUAGES = ("ary_Arab", "arb_Arab", "tzm_Tfng", "taq_Tfng")


def datatrove_shingler(language: str):
    signer = MinhashDedupSignature(output_folder=tempfile.mkdtemp(), language=language)
    return lambda texts: [signer.get_shingles(t).ravel() for t in texts]


def main() -> int:
    rows = {
        "awal, no normalisation": lambda lang: (lambda texts: awal.shingles(texts, profile=None)),
        "awal, search profile": lambda lang: (lambda texts: awal.shingles(texts, profile="search")),
        "awal, dedup profile": lambda lang: (lambda texts: awal.shingles(texts)),
        "datatrove get_shingles": datatrove_shingler,
    }
    awal.shingles("warm-up: compiles the dedup profile")
    print("| shingles (n=5) | " + " | ".join(f"{lang} recall / false merges" for lang in LANGUAGES) + " |")
    print("|---|" + "---:|" * len(LANGUAGES))
    failed = []
    for name, make in rows.items():
        cells = []
        for lang in LANGUAGES:
            lines = (FLORES / f"{lang}.dev").read_text(encoding="utf-8").splitlines()
            result = evaluate(lines, make(lang))
            cells.append(f"{100 * result['recall']:.1f}% / {result['false_merges']}")
            if name == "awal, dedup profile" and (result["recall"] < 0.9 or result["false_merges"]):
                failed.append(lang)
        print(f"| {name} | " + " | ".join(cells) + " |")

    texts = []
    for lang in LANGUAGES:
        lines = [s for s in (FLORES / f"{lang}.dev").read_text(encoding="utf-8").splitlines() if s.strip()]
        texts += lines + [variant(s, SEED + i) for i, s in enumerate(lines)]
    texts *= 5
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    timings = {}
    for name, shingle in (("awal (dedup profile included)", lambda t: awal.shingles(t)), ("datatrove get_shingles", datatrove_shingler("arb_Arab"))):
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            shingle(texts)
            best = min(best, time.process_time() - start)
        timings[name] = best
    print(f"\n| shingling {mb:.1f} MB ({len(texts)} texts) | MB/s (CPU, best of 3) | ratio |\n|---|---:|---:|")
    first = next(iter(timings.values()))
    for name, seconds in timings.items():
        print(f"| {name} | {mb / seconds:.1f} | {seconds / first:.1f}x |")
    if failed:
        print(f"\nawal dedup below 90% recall or with false merges on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

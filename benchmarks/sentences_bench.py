"""Sentence-boundary F1 and speed: awal.sentence_spans vs spaCy's sentencizer and pysbd, same documents.

Usage (benchmark venv, from the repository root)::

    benchmarks/.venv/bin/python benchmarks/sentences_bench.py

Documents are built by ``tests/sentence_scoring.py`` (UD Arabic-PUD dev sentences grouped by
article; FLORES-200 dev in paragraphs of 5 lines, joined by a space). Peers get the language
they support that fits best: spaCy ``blank(ar|fr|en)`` else ``blank("xx")`` plus its
``sentencizer`` (default punctuation list); pysbd ``Segmenter(language=ar|fr|en, char_span=True)``,
English rules for the other sets. Speed is MB/s of UTF-8 input per CPU second over all sets.
Exits non-zero if awal's F1 is below either peer's on any set, or below 0.97 on UD Arabic-PUD.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import pysbd  # noqa: E402
import spacy  # noqa: E402
from sentence_scoring import corpora, score  # noqa: E402

import awal  # noqa: E402
from corpus import shared_dir  # noqa: E402

DATA = shared_dir() / "data"


def peer_language(name: str, supported: tuple[str, ...], default: str) -> str:
    code = {"ud_ar_pud": "ar", "flores_arb_Arab": "ar", "flores_ary_Arab": "ar", "flores_fra_Latn": "fr", "flores_eng_Latn": "en"}.get(name, "")
    return code if code in supported else default


def spacy_starts(name: str, texts: list[str]) -> list[list[int]]:
    nlp = spacy.blank(peer_language(name, ("ar", "fr", "en"), "xx"))
    nlp.add_pipe("sentencizer")
    return [[sent.start_char for sent in doc.sents] for doc in nlp.pipe(texts)]


def pysbd_starts(name: str, texts: list[str]) -> list[list[int]]:
    segmenter = pysbd.Segmenter(language=peer_language(name, ("ar", "fr", "en"), "en"), clean=False, char_span=True)
    return [[span.start for span in segmenter.segment(text)] for text in texts]


def awal_starts(name: str, texts: list[str]) -> list[list[int]]:
    return [[start for start, _ in spans] for spans in awal.sentence_spans(texts)]


SPLITTERS = {"awal": awal_starts, "spacy sentencizer": spacy_starts, "pysbd": pysbd_starts}


def main() -> int:
    sets = corpora(DATA)
    awal.sentence_spans("warm-up: builds the character tables once.")
    print(f"awal {awal.__version__}, spaCy {spacy.__version__}, pysbd {pysbd.__version__ if hasattr(pysbd, '__version__') else '0.3.4'}")
    print("| set | documents | boundaries | " + " | ".join(f"{name} F1" for name in SPLITTERS) + " |")
    print("|---|---:|---:|" + "---:|" * len(SPLITTERS))
    seconds = dict.fromkeys(SPLITTERS, 0.0)
    failed = []
    total_bytes = 0
    for set_name, docs in sets.items():
        texts = [text for text, _ in docs]
        gold = [g for _, g in docs]
        total_bytes += sum(len(t.encode("utf-8")) for t in texts)
        f1 = {}
        for name, split in SPLITTERS.items():
            start = time.process_time()
            predicted = split(set_name, texts)
            seconds[name] += time.process_time() - start
            f1[name] = score(gold, predicted)["f1"]
        print(f"| {set_name} | {len(docs)} | {sum(map(len, gold))} | " + " | ".join(f"{f1[n]:.4f}" for n in SPLITTERS) + " |")
        if f1["awal"] < max(f1["spacy sentencizer"], f1["pysbd"]) or (set_name == "ud_ar_pud" and f1["awal"] < 0.97):
            failed.append(set_name)
    mb = total_bytes / 1e6
    print("\n| splitter | MB/s (CPU) | awal speed ratio |\n|---|---:|---:|")
    for name, s in seconds.items():
        print(f"| {name} | {mb / s:.2f} | {s / seconds['awal']:.1f}x |")
    if failed:
        print(f"\nawal below a peer (or below 0.97 on Arabic) on: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

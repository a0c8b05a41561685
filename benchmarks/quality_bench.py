"""awal.quality vs datatrove's Gopher, Gopher repetition and FineWeb filters: same values, speed ratio.

Usage (benchmark venv, from the repository root)::

    benchmarks/.venv/bin/python benchmarks/quality_bench.py

Documents: FLORES-200 dev, 10 consecutive lines per document, for eng_Latn, fra_Latn,
arb_Arab, ary_Arab, tzm_Tfng and kab_Latn, plus the same documents made repetitive (lines
and paragraphs repeated, a bulleted copy, an ellipsis-ended copy) so that every signal varies.

1. Values. datatrove's filters return keep/drop, not values; the values are computed here
   with datatrove 0.10.1's own helpers and the expressions of its filters' ``filter`` methods
   (``split_into_words``, ``PUNCTUATION_SET``, ``TERMINAL_PUNCTUATION``, ``find_duplicates``,
   ``get_n_grams``, ``find_top_duplicate``, ``find_all_duplicate``), with awal's tokenizer
   registered in datatrove so both sides see the same words. Each signal prints the share
   of documents where awal's value equals datatrove's, and where they differ, why.
2. Decisions. datatrove's filter classes themselves run on every document at their default
   thresholds; awal's ``explain`` with the same thresholds must keep/drop the same documents.
3. Speed. The three datatrove filters with the word tokenizer datatrove assigns each language
   (spaCy for eng/fra/arb/ary, whitespace for Tifinagh, spaCy xx for Kabyle), thresholds set so
   that no check stops early (every signal computed), vs one ``awal.quality`` call per set
   (all its signals). MB/s of UTF-8 per CPU second, best of 3.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS
from datatrove.pipeline.filters.gopher_repetition_filter import find_all_duplicate, find_duplicates, find_top_duplicate, get_n_grams
from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION, split_into_words
from datatrove.utils.word_tokenizers import load_word_tokenizer

import awal
from awal.datatrove import register_tokenizers
from corpus import shared_dir
from awal.quality import explain, quality

ROOT = Path(__file__).resolve().parents[1]
FLORES = shared_dir() / "data" / "flores200" / "dev"
SETS = {"eng_Latn": "eng", "fra_Latn": "fra", "arb_Arab": "arb", "ary_Arab": "ary", "tzm_Tfng": "tzm", "kab_Latn": "kab"}
AWAL_KEY = {code: f"awal_{code}" for code in SETS.values()}  # datatrove keys under which awal's tokenizer is registered


def documents(language: str) -> list[str]:
    lines = [s for s in (FLORES / f"{language}.dev").read_text(encoding="utf-8").splitlines() if s.strip()]
    docs = ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)]
    made = []
    for k, doc in enumerate(docs[:40]):
        parts = doc.split("\n")
        made.append("\n".join(parts[:5] + parts[:3] + parts[5:]))  # repeated lines
        made.append("\n\n".join(parts[:4] * 2))  # repeated paragraphs
        made.append("\n".join("- " + p for p in parts))  # bullets
        made.append("\n".join(p.rstrip(".") + "..." for p in parts[: 4 + k % 3]))  # ellipses
        made.append(" ".join(parts[:2] * (2 + k % 3)))  # repeated n-grams on one line
    return docs + made


def datatrove_values(text: str, language: str) -> dict[str, float]:
    """The numbers datatrove's filters compare with their thresholds (datatrove 0.10.1 expressions)."""
    words = split_into_words(text, language)
    n_words = len(words)
    non_symbol_words = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    lines = text.splitlines()
    out = {
        "words": len(non_symbol_words),
        "mean_word_length": float(np.mean([len(w) for w in non_symbol_words])) if non_symbol_words else math.nan,
        "hash_word_ratio": text.count("#") / n_words,
        "ellipsis_word_ratio": (text.count("...") + text.count("…")) / n_words,
        "bullet_lines_ratio": sum(s.lstrip().startswith("•") or s.lstrip().startswith("-") for s in lines) / len(lines),
        "ellipsis_lines_ratio": sum(s.rstrip().endswith("...") or s.rstrip().endswith("…") for s in lines) / len(lines),
        "alpha_words_ratio": sum([any((c.isalpha() for c in w)) for w in words]) / n_words,
        "stop_words": len(set(STOP_WORDS).intersection(set(words))),
    }
    import re

    paragraphs = re.compile(r"\n{2,}").split(text.strip())
    dup, chars = find_duplicates(paragraphs)
    out["dup_para_frac"], out["dup_para_char_frac"] = dup / len(paragraphs), chars / len(text)
    rep_lines = re.compile("\n+").split(text)
    dup, chars = find_duplicates(rep_lines)
    out["dup_line_frac"], out["dup_line_char_frac"] = dup / len(rep_lines), chars / len(text)
    for n in (2, 3, 4):
        grams = get_n_grams(words, n)
        out[f"top_{n}_gram_char_frac"] = find_top_duplicate(grams) / len(text) if grams else 0.0
    for n in (5, 6, 7, 8, 9, 10):
        out[f"dup_{n}_gram_char_frac"] = find_all_duplicate(words, n) / len(text)
    fw_lines = [line for line in text.split("\n") if line.strip() != ""]
    out["line_punct_ratio"] = sum(1 for line in fw_lines if line.endswith(tuple(TERMINAL_PUNCTUATION))) / len(fw_lines)
    out["short_line_ratio"] = sum(1 for line in fw_lines if len(line) <= 30) / len(fw_lines)
    out["char_dup_ratio"] = find_duplicates(fw_lines)[1] / len(text.replace("\n", ""))
    out["list_ratio"] = text.count("\n") / len(words)
    return out


WHY = {
    "words": "datatrove's punctuation list lacks ، ؛ ٪ ° × £ ‘ (words there; awal: Unicode P/S/C/Z are symbols)",
    "mean_word_length": "follows from words",
    "stop_words": "awal lower-cases and folds before matching (The/the); datatrove matches exactly",
    "line_punct_ratio": "awal adds ⵰ (and Unicode 16 Sentence_Terminal) to datatrove's list",
    "dup_5_gram_char_frac": "datatrove compares n-grams joined without spaces (ab+c == a+bc); awal compares token sequences",
}


def equal(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def compare_values(sets: dict[str, list[str]]) -> list[str]:
    print("## 1. Values (awal tokenizer registered in datatrove for both sides)\n")
    print("| signal | documents equal | where different |\n|---|---:|---|")
    totals: dict[str, list[int]] = {}
    for language, docs in sets.items():
        code = SETS[language]
        ours = quality(docs, "eng")  # Gopher's English stop words on both sides
        for i, doc in enumerate(docs):
            theirs = datatrove_values(doc, AWAL_KEY[code])
            for name, value in theirs.items():
                ok = equal(float(ours[name][i]), float(value))
                totals.setdefault(name, [0, 0])
                totals[name][0] += ok
                totals[name][1] += 1
    differing = []
    for name, (ok, total) in totals.items():
        print(f"| {name} | {ok}/{total} ({100 * ok / total:.1f}%) | {WHY.get(name, '') if ok < total else ''} |")
        if ok < total and name not in WHY:
            differing.append(name)
    return differing


def compare_decisions(sets: dict[str, list[str]]) -> list[str]:
    print("\n## 2. Keep/drop decisions at datatrove's default thresholds\n")
    print("| filter | documents | same decision |\n|---|---:|---:|")
    filters = {
        "GopherQualityFilter": (GopherQualityFilter, {"words", "mean_word_length", "hash_word_ratio", "ellipsis_word_ratio", "bullet_lines_ratio", "ellipsis_lines_ratio", "alpha_words_ratio", "stop_words"}),
        "GopherRepetitionFilter": (GopherRepetitionFilter, {"dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac", "top_2_gram_char_frac", "top_3_gram_char_frac", "top_4_gram_char_frac", *(f"dup_{n}_gram_char_frac" for n in range(5, 11))}),
        "FineWebQualityFilter": (FineWebQualityFilter, {"line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio"}),
    }
    failed = []
    for name, (cls, signals) in filters.items():
        same = total = 0
        for language, docs in sets.items():
            step = cls(language=AWAL_KEY[SETS[language]])
            reasons = explain(quality(docs, "eng"), "eng")
            for doc, why in zip(docs, reasons):
                result = step.filter(Document(text=doc, id="x"))
                theirs = result is True
                ours = not any(r.split(" ", 1)[0] in signals for r in why)
                same += theirs == ours
                total += 1
        print(f"| {name} | {total} | {same} ({100 * same / total:.1f}%) |")
        if same < total:
            failed.append(name)
    return failed


def speed(sets: dict[str, list[str]]) -> None:
    never = 1e18
    mb = sum(len(d.encode("utf-8")) for docs in sets.values() for d in docs) / 1e6
    steps = {
        language: [
            GopherQualityFilter(min_doc_words=-1, max_doc_words=never, min_avg_word_length=-1, max_avg_word_length=never,
                                max_symbol_word_ratio=never, max_bullet_lines_ratio=never, max_ellipsis_lines_ratio=never,
                                max_non_alpha_words_ratio=-1, min_stop_words=-1, language=language),
            GopherRepetitionFilter(dup_line_frac=never, dup_para_frac=never, dup_line_char_frac=never, dup_para_char_frac=never,
                                   top_n_grams=((2, never), (3, never), (4, never)),
                                   dup_n_grams=tuple((n, never) for n in range(5, 11)), language=language),
            FineWebQualityFilter(line_punct_thr=-1, short_line_thr=never, char_duplicates_ratio=never, new_line_ratio=never, language=language),
        ]  # fmt: skip
        for language in sets
    }
    for language in sets:
        load_word_tokenizer(language).word_tokenize("warm up")

    def run_datatrove() -> None:
        for language, docs in sets.items():
            for doc in docs:
                for step in steps[language]:
                    assert step.filter(Document(text=doc, id="x")) is True

    def run_awal() -> None:
        for language, docs in sets.items():
            quality(docs, SETS[language])

    timings = {}
    for name, fn in (("awal.quality (all signals)", run_awal), ("datatrove Gopher + repetition + FineWeb", run_datatrove)):
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
        timings[name] = best
    print(f"\n## 3. Speed on {mb:.1f} MB ({sum(map(len, sets.values()))} documents)\n")
    print("| implementation | MB/s (CPU, best of 3) | time ratio |\n|---|---:|---:|")
    first = timings["awal.quality (all signals)"]
    for name, seconds in timings.items():
        print(f"| {name} | {mb / seconds:.2f} | {seconds / first:.1f}x |")


def main() -> int:
    register_tokenizers()  # the Arabic/Amazigh keys, for the pipeline users get
    from awal.datatrove import AwalWordTokenizer
    from datatrove.utils.word_tokenizers import load_tokenizer_assignments

    factories = load_tokenizer_assignments()
    for code, key in AWAL_KEY.items():
        factories[key] = lambda code=code: AwalWordTokenizer(code)
    load_word_tokenizer.cache_clear()
    sets = {language: documents(language) for language in SETS}
    awal.quality(["warm up"])
    print(f"awal {awal.__version__}, datatrove 0.10.1\n")
    differing = compare_values(sets)
    failed = compare_decisions(sets)
    speed(sets)
    if differing or failed:
        print(f"\nunexplained differences: {differing + failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

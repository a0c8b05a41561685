"""Rebuild ``data/schemes/darija_bigrams.tsv``: Arabic-script Darija word counts for arabizi2ar's context.

Reads licence-clean Arabic-script Moroccan Darija from ``../shared/data`` (or
``$AWAL_SHARED/data``) and writes unigram counts of every word and bigram counts of
the pairs where one side is a reading of an ambiguous spelling in
``data/schemes/darija_lexicon.tsv``; short sentences written for awal around those
spellings (``data/samples/darija_context.txt``) are counted too. Sources and licences are listed in
``data/schemes/darija_bigrams.NOTICE.md`` (no DODa, no NC/ND data).

    PYTHONPATH=src python3 benchmarks/build_darija_bigrams.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
OWN = "data/samples/darija_context.txt"  # short sentences written for awal around ambiguous spellings
SOURCES = {  # path under the shared data directory -> licence
    "lid/ary_Arab.afrisenti.txt": "CC BY 4.0 (AfriSenti-SemEval 2023, Moroccan tweets)",
    "flores200/dev/ary_Arab.dev": "CC BY-SA 4.0 (FLORES-200 dev, Moroccan Arabic)",
}
_MARKS = regex.compile(r"[\u064B-\u0652\u0670\u0640]")


def sentences(text: str) -> list[list[str]]:
    """Arabic words of each line, split at sentence punctuation, without harakat or tatweel."""
    out = []
    for line in text.splitlines():
        for part in regex.split(r"[.!?؟،,:;\n]+", _MARKS.sub("", line)):
            words = regex.findall(r"\p{Arabic}+", part)
            if words:
                out.append(words)
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from awal.arabizi import _read_lexicon
    from awal.arabizi_context import WordContext
    from corpus import shared_dir

    shared = shared_dir() / "data"
    lexicon = _read_lexicon(ROOT / "data" / "schemes" / "darija_lexicon.tsv")
    keep = {a for readings in lexicon.values() if len(readings) > 1 for a in readings}
    sents = [s for rel in SOURCES for s in sentences((shared / rel).read_text(encoding="utf-8"))]
    sents += sentences((ROOT / OWN).read_text(encoding="utf-8"))
    ctx = WordContext.count(sents, keep)
    header = "\n".join(
        ["Arabic-script Moroccan Darija word counts (word<TAB>count) and bigram counts (word<TAB>word<TAB>count)",
         "for arabizi2ar's word context. Built by benchmarks/build_darija_bigrams.py from:"]
        + [f"  {rel}: {lic}" for rel, lic in SOURCES.items()]
        + [f"  {OWN}: written for awal (the project's licence)"]
        + ["See darija_bigrams.NOTICE.md for attribution and licences."]
    )
    out = ROOT / "data" / "schemes" / "darija_bigrams.tsv"
    ctx.write(out, header)
    print(f"{out}: {len(ctx.unigrams)} words, {len(ctx.bigrams)} bigrams from {len(sents)} sentences")


if __name__ == "__main__":
    main()

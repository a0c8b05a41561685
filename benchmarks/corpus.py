"""Loaders for the real-world data in ``../shared/data`` (see its SOURCES.md).

The data is read in place and never copied into the repository. The shared
directory is ``$AWAL_SHARED`` if set, else ``<repo>/../shared``; only its
``data`` folder is read.

Standard library only (no peers, no awal); NumPy is used when present to make
``stripped`` fast. Importable anywhere.
"""

from __future__ import annotations

import csv
import os
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = [
    "shared_dir",
    "data_dir",
    "whole_corpus",
    "short_strings",
    "stripped",
    "utf8_mb",
    "read_tsv",
    "doda_pairs",
    "doda_words",
    "doda_sentences",
    "narabizi_tokens",
    "flores",
    "cldr_pairs",
]

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """``$AWAL_SHARED`` or ``<repo>/../shared``."""
    env = os.environ.get("AWAL_SHARED")
    return Path(env).resolve() if env else (REPO.parent / "shared").resolve()


def data_dir() -> Path:
    """``<shared>/data``; raises FileNotFoundError with a hint if absent."""
    d = shared_dir() / "data"
    if not d.is_dir():
        raise FileNotFoundError(
            f"shared data not found at {d}; set AWAL_SHARED to the shared/ directory"
        )
    return d


# --------------------------------------------------------------------------- Arabic corpus

@lru_cache(maxsize=None)
def whole_corpus() -> str:
    """``arabic/corpus_bench.txt`` as one str (24 MB UTF-8, diacritised)."""
    return (data_dir() / "arabic" / "corpus_bench.txt").read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def _short_strings(n: int, width: int) -> tuple[str, ...]:
    text = whole_corpus()
    if not text:
        raise ValueError("empty corpus")
    need = n * width
    if len(text) < need:  # cycle the corpus to reach n strings
        text = text * (need // len(text) + 1)
    return tuple(text[i:i + width] for i in range(0, need, width))


def short_strings(n: int = 200_000, width: int = 200) -> list[str]:
    """The corpus cut into ``n`` consecutive strings of ``width`` characters
    (code points), cycling over the corpus when it is too short.

    Cuts are blind (a string may start with a combining mark or contain '\\n'),
    which is what a list of short real strings looks like to a normaliser.
    Returns a fresh list each call (the strings themselves are cached).
    """
    return list(_short_strings(n, width))


@lru_cache(maxsize=None)
def _mn_codepoints() -> tuple[int, ...]:
    return tuple(c for c in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(c)) == "Mn")


@lru_cache(maxsize=None)
def _mn_table():
    """(bool NumPy table over all code points, or None) and a translate dict."""
    drop = dict.fromkeys(_mn_codepoints())
    try:
        import numpy as np
    except ImportError:
        return None, drop
    tbl = np.zeros(sys.maxunicode + 1, dtype=bool)
    tbl[list(drop)] = True
    return tbl, drop


def _stripped_list(xs: list[str]) -> list[str]:
    tbl, drop = _mn_table()
    if tbl is None:  # no NumPy: plain str.translate (about 3x slower)
        return [s.translate(drop) for s in xs]
    import numpy as np

    cp = np.frombuffer("".join(xs).encode("utf-32-le"), dtype=np.uint32)
    keep = ~tbl[cp]
    ends = np.cumsum(np.fromiter(map(len, xs), dtype=np.int64, count=len(xs)))
    kept = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    new_ends = kept[ends].tolist()
    out = str(cp[keep].tobytes(), "utf-32-le")
    res, start = [], 0
    for e in new_ends:
        res.append(out[start:e])
        start = e
    return res


def stripped(x):
    """``x`` (a str or an iterable of str) with every combining mark of
    Unicode category Mn removed; returns the same shape (str or list).
    Uses NumPy when available (200k x 200 chars in ~2 s), else str.translate."""
    if isinstance(x, str):
        return _stripped_list([x])[0]
    return _stripped_list(list(x))


def utf8_mb(x) -> float:
    """Size of a str or a list of str in MB (10**6 bytes) of UTF-8."""
    if isinstance(x, str):
        return len(x.encode("utf-8")) / 1e6
    return sum(len(s.encode("utf-8")) for s in x) / 1e6


# --------------------------------------------------------------------------- TSV data

def read_tsv(relpath: str) -> list[dict[str, str]]:
    """Rows of a TSV under shared/data (UTF-8, header line) as dicts."""
    with open(data_dir() / relpath, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def doda_pairs(name: str = "words") -> list[tuple[str, str]]:
    """(latin, arabic) pairs of ``darija/doda_<name>_dev.tsv``;
    name in {'words', 'sentences', 'ongoing', 'mit_imagenet'}.
    'ongoing' Arabic is rule-generated, NOT gold (speed/robustness only)."""
    rows = read_tsv(f"darija/doda_{name}_dev.tsv")
    return [(r["latin"], r["arabic"]) for r in rows]


def doda_words() -> list[tuple[str, str]]:
    """31,348 curated DODa word pairs (latin, arabic)."""
    return doda_pairs("words")


def doda_sentences() -> list[tuple[str, str]]:
    """512 DODa phrase pairs (latin, arabic)."""
    return doda_pairs("sentences")


def narabizi_tokens() -> list[tuple[str, str, str]]:
    """(token, lang, sent_id) of the NArabizi code-switching set, in order."""
    return [(r["token"], r["lang"], r["sent_id"])
            for r in read_tsv("darija/narabizi_token_lang_dev.tsv")]


def flores(lang: str) -> list[str]:
    """FLORES-200 dev lines for e.g. 'arb_Arab', 'ary_Arab', 'tzm_Tfng'."""
    p = data_dir() / "flores200" / "dev" / f"{lang}.dev"
    return p.read_text(encoding="utf-8").splitlines()


def cldr_pairs(name: str = "shi_Tfng__shi_Latn") -> list[tuple[str, str, str]]:
    """(key, left, right) of ``amazigh/cldr/cldr_<name>_dev.tsv``; name one of
    'shi_Tfng__shi_Latn' (a true transliteration pair), 'zgh__shi_Latn',
    'zgh__tzm_Latn' (different varieties: not a transliteration pair)."""
    rows = read_tsv(f"amazigh/cldr/cldr_{name}_dev.tsv")
    if not rows:
        return []
    k, a, b = list(rows[0].keys())[:3]
    return [(r[k], r[a], r[b]) for r in rows]

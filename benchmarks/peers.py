"""Thin wrappers around the peer libraries that awal is benchmarked against.

Every wrapper takes a ``str`` and returns a ``str`` (or a list of tokens / spans),
and imports its peer lazily, so this module imports with none of them installed.
The peers live only in ``benchmarks/.venv`` (see ``benchmarks/requirements.txt``);
they are never dependencies of awal.

Calls follow ``../shared/reference/anchors.md``:

* camel-tools 1.6.0: ``dediac_ar`` + ``normalize_alef_ar`` + ``normalize_alef_maksura_ar``
  + ``normalize_teh_marbuta_ar`` (delete U+064B..U+0652 and U+0670; أ إ آ ٱ -> ا;
  ى -> ي; ة -> ه), its ``CharMapper.builtin_mapper`` maps, ``simple_word_tokenize``.
* pyarabic 0.6.15: ``strip_tashkeel`` + ``strip_tatweel`` + ``normalize_hamza``
  (its own pipeline, NOT byte-identical to the one above).
* arabizikit 1.0.0: ``transliterate(word, dialect_hint='maghrebi').text``.
* tokenizers: ``BertPreTokenizer().pre_tokenize_str``.
* regex: UAX#29 word boundaries (``(?wV1)\\b``).

For timing loops, prefer the ``*_fn()`` factories: they return the bare peer
callable (no wrapper overhead per call).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

__all__ = [
    "CAMEL_CHARMAPS",
    "camel_dediac",
    "camel_normalize",
    "camel_normalize_fn",
    "camel_charmap",
    "camel_word_tokenize",
    "pyarabic_normalize",
    "pyarabic_normalize_fn",
    "pyarabic_ar2bw",
    "pyarabic_bw2ar",
    "pyarabic_tokenize",
    "arabizikit_to_arabic",
    "hf_bert_pretokenize",
    "hf_bert_pretokenize_spans",
    "uax29_words",
    "uax29_spans",
    "whitespace_split",
    "peer_versions",
]

# --------------------------------------------------------------------------- camel-tools

CAMEL_CHARMAPS = (
    "ar2bw", "bw2ar",
    "ar2safebw", "safebw2ar",
    "ar2xmlbw", "xmlbw2ar",
    "ar2hsb", "hsb2ar",
)


@lru_cache(maxsize=None)
def camel_normalize_fn():
    """Return camel-tools' normaliser as one plain function of a str.

    dediac_ar  : re.sub('[\\u064b-\\u0652\\u0670]', '')   (AR_DIAC_CHARSET)
    alef       : re.sub('[\\u0625\\u0623\\u0671\\u0622]', '\\u0627')
    alef maksura: str.replace('\\u0649', '\\u064a')
    teh marbuta : str.replace('\\u0629', '\\u0647')
    """
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    def camel_normalize(s: str) -> str:
        return normalize_teh_marbuta_ar(
            normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(s)))
        )

    return camel_normalize


def camel_normalize(s: str) -> str:
    """camel-tools: dediac_ar, normalize_alef_ar, normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar, in that order (anchors.md)."""
    return camel_normalize_fn()(s)


def camel_dediac(s: str) -> str:
    """camel-tools ``dediac_ar``: delete U+064B..U+0652 and U+0670 only."""
    from camel_tools.utils.dediac import dediac_ar

    return dediac_ar(s)


@lru_cache(maxsize=None)
def camel_charmap(name: str):
    """Return the callable ``CharMapper.builtin_mapper(name)`` (e.g. 'ar2bw').

    The maps are 1:1 character dictionaries (``<site-packages>/camel_tools/utils/
    charmaps/<name>_map.json``); unmapped characters pass through unchanged.
    """
    if name not in CAMEL_CHARMAPS:
        raise ValueError(f"unknown camel charmap {name!r}; one of {CAMEL_CHARMAPS}")
    from camel_tools.utils.charmap import CharMapper

    return CharMapper.builtin_mapper(name)










def camel_word_tokenize(s: str, split_digits: bool = False) -> list[str]:
    """camel-tools ``simple_word_tokenize``: whitespace split, then every Unicode
    P*/S* character and emoji sequence becomes its own token."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    return simple_word_tokenize(s, split_digits=split_digits)


# --------------------------------------------------------------------------- pyarabic

@lru_cache(maxsize=None)
def pyarabic_normalize_fn(method: str = "uniform"):
    """Return pyarabic's own pipeline as a plain function of a str:
    strip_tashkeel -> strip_tatweel -> normalize_hamza(method).

    strip_tashkeel removes U+064B..U+0652 (8 str.replace), but only if the text
    contains a haraka (its is_vocalized check); U+0670 is kept.
    strip_tatweel removes U+0640.  normalize_hamza 'uniform': a leading آ becomes
    ءا or ءء, every other آ -> ءء, then ء ؤ ئ أ إ U+0654 U+0655 -> ء.
    """
    from pyarabic.araby import normalize_hamza, strip_tashkeel, strip_tatweel

    def pyarabic_normalize(s: str) -> str:
        return normalize_hamza(strip_tatweel(strip_tashkeel(s)), method=method)

    return pyarabic_normalize


def pyarabic_normalize(s: str, method: str = "uniform") -> str:
    """pyarabic 0.6.15: strip_tashkeel + strip_tatweel + normalize_hamza (anchors.md)."""
    return pyarabic_normalize_fn(method)(s)


def pyarabic_ar2bw(s: str) -> str:
    """pyarabic ``trans.utf82tim`` (Tim Buckwalter transliteration)."""
    from pyarabic.trans import utf82tim

    return utf82tim(s)


def pyarabic_bw2ar(s: str) -> str:
    """pyarabic ``trans.tim2utf8`` (Buckwalter -> Arabic)."""
    from pyarabic.trans import tim2utf8

    return tim2utf8(s)


def pyarabic_tokenize(s: str) -> list[str]:
    """pyarabic ``araby.tokenize``."""
    from pyarabic.araby import tokenize

    return tokenize(s)


# --------------------------------------------------------------------------- arabizikit

def arabizikit_to_arabic(word: str, dialect_hint: str = "maghrebi") -> str:
    """arabizikit 1.0.0: Arabizi (Latin) -> Arabic script, top-1 text.

    ``arabizikit.transliterate(text, dialect_hint='maghrebi').text``; works on a
    word or a phrase (non-Latin runs and spacing are kept). Rule-based, offline:
    no LLM call unless ``arabizikit.llm_transliterate`` is used.
    """
    from arabizikit import transliterate

    return transliterate(word, dialect_hint=dialect_hint).text


# --------------------------------------------------------------------------- tokenizers

@lru_cache(maxsize=None)
def _bert_pre():
    from tokenizers.pre_tokenizers import BertPreTokenizer

    return BertPreTokenizer()


def hf_bert_pretokenize_spans(s: str) -> list[tuple[str, tuple[int, int]]]:
    """HF tokenizers ``BertPreTokenizer().pre_tokenize_str``: (token, (start, end))
    with code-point offsets into ``s``."""
    return _bert_pre().pre_tokenize_str(s)


def hf_bert_pretokenize(s: str) -> list[str]:
    """HF tokenizers BertPreTokenizer: whitespace split + every punctuation char alone."""
    return [t for t, _ in _bert_pre().pre_tokenize_str(s)]


# --------------------------------------------------------------------------- regex / baseline

@lru_cache(maxsize=None)
def _uax29_re():
    import regex

    return regex.compile(r"(?wV1)\b")


def uax29_spans(s: str) -> list[tuple[int, int]]:
    """UAX#29 word segments (``regex`` module, WORD flag), whitespace-only
    segments dropped; (start, end) code-point spans."""
    spans = []
    prev = 0
    for m in _uax29_re().finditer(s):
        i = m.start()
        if i > prev:
            if not s[prev:i].isspace():
                spans.append((prev, i))
            prev = i
    if prev < len(s) and not s[prev:].isspace():
        spans.append((prev, len(s)))
    return spans


def uax29_words(s: str) -> list[str]:
    """UAX#29 word segments as strings (keeps ٣٫٥ whole, splits punctuation)."""
    return [s[a:b] for a, b in uax29_spans(s)]


def whitespace_split(s: str) -> list[str]:
    """Baseline: ``str.split()``."""
    return s.split()


# --------------------------------------------------------------------------- versions

def peer_versions() -> dict[str, str | None]:
    """Installed versions of the peers (None when absent)."""
    out = {}
    for dist in ("camel-tools", "pyarabic", "arabizikit", "tokenizers",
                 "sentencepiece", "regex", "pyarrow", "numpy", "emoji"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out

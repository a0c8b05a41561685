"""A normalisation profile exported to the subword tokenizer libraries, with the same output.

* :func:`hf_normalizer` turns a :class:`~awal.Normalizer` into a HF ``tokenizers``
  normaliser with the same output: a ``Sequence`` of ``Replace`` and ``NFC`` steps, each
  big character map compiled into one SentencePiece charsmap (``Precompiled``).
* :func:`sentencepiece_rules` writes a SentencePiece ``normalization_rule_tsv``
  (one greedy longest-match pass: exact for the character rules, an approximation
  for context rules and run collapsing, see the function).

A normaliser here is anything with ``rules``, ``steps`` and a call (a Normalizer): this
module sits below :mod:`awal.normalize`, which imports it for ``to_hf_normalizer``.
``tokenizers`` and ``sentencepiece`` are imported on first use (extra ``awal[subword]``).

Where the HF export cannot be identical
---------------------------------------
* Run collapsing inside a hashtag: awal leaves every ASCII letter of a hashtag alone, the
  export only those before its first non-ASCII character (``#مبروك_Maroooc``).
* Text containing the Unicode noncharacter U+FDD0, which the character-map export
  uses as a private grapheme separator (never valid in interchanged text).
* NFC is the ``unicode-normalization`` crate's, awal's is CPython's: characters
  assigned in a Unicode version only one of them knows can differ.
* A small character map (up to four replacement values, written as literal
  ``Replace`` steps) whose rules form a cycle (a -> b and b -> a in one fused
  pass): :func:`hf_normalizer` raises ``NotImplementedError`` (no built-in profile
  has one; bigger maps go through ``Precompiled``, which is simultaneous).
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from .extras import optional
from .kernels import UNICODE_SIZE
from .patterns import PROTECT_PATTERNS
from .rules import CONDITIONS, CharStep, CollapseStep, ContextStep, NfcStep, ReplaceStep, class_mask

__all__ = ["hf_normalizer", "sentencepiece_rules", "sentencepiece_normalize"]

_PLACEHOLDER = 0xFDD0  # a noncharacter: the grapheme separator of the charsmap export


# ------------------------------------------------------------------ regex text
def _esc(ch: str) -> str:
    return f"\\x{{{ord(ch):X}}}"


def _class_from_mask(mask: np.ndarray) -> str:
    """An Oniguruma character class ``[...]`` listing exactly the code points set in ``mask``."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return "[^\\x{0}-\\x{10FFFF}]"  # matches nothing
    breaks = np.flatnonzero(np.diff(idx) != 1)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    parts = [f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in zip(starts.tolist(), ends.tolist())]
    return "[" + "".join(parts) + "]"


def _class_from_chars(chars: Iterable[str]) -> str:
    mask = np.zeros(UNICODE_SIZE, dtype=bool)
    mask[[ord(c) for c in chars]] = True
    return _class_from_mask(mask)


def _literal(s: str) -> str:
    return "".join(_esc(c) for c in s)


def _mask_of(chars: Iterable[str]) -> np.ndarray:
    mask = np.zeros(UNICODE_SIZE, dtype=bool)
    cps = [ord(c) for c in chars]
    if cps:
        mask[cps] = True
    return mask


# ------------------------------------------------------------------ HF export
def _ordered_groups(mapping: dict[str, str]) -> list[tuple[str, list[str]]]:
    """``(replacement, keys)`` groups in an order where sequential literal replaces equal one simultaneous map.

    A group whose replacement contains a key of another group must run after
    that group (else its output would be rewritten again).
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for k, v in mapping.items():
        if k != v:
            groups[v].append(k)
    owner = {k: v for v, ks in groups.items() for k in ks}
    after: dict[str, set[str]] = {v: {owner[c] for c in v if c in owner and owner[c] != v} for v in groups}
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(v: str, path: tuple[str, ...]) -> None:
        if state.get(v) == 2:
            return
        if state.get(v) == 1:
            raise NotImplementedError(f"character map has a cycle through replacements {path!r}; cannot export as sequential Replace")
        state[v] = 1
        for w in sorted(after[v]):
            visit(w, (*path, w))
        state[v] = 2
        order.append(v)

    for v in sorted(groups):
        visit(v, (v,))
    return [(v, sorted(groups[v])) for v in order]


def _replace(normalizers, Regex, pattern: str, content: str):
    return normalizers.Replace(Regex(pattern), content)


_SENTINEL = chr(_PLACEHOLDER)
_FEW_GROUPS = 4  # up to this many replacement values, plain Replace steps are cheaper than a charsmap


def proto_fields(buf: bytes):
    """``(field number, value)`` of a serialised protobuf message: ints for varints, bytes otherwise (no protobuf dependency)."""
    i, n = 0, len(buf)

    def varint() -> int:
        nonlocal i
        out = shift = 0
        while True:
            b = buf[i]
            i += 1
            out |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return out

    while i < n:
        tag = varint()
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            yield number, varint()
        elif wire == 2:
            size = varint()
            yield number, bytes(buf[i : i + size])
            i += size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            yield number, bytes(buf[i : i + size])
            i += size
        else:  # pragma: no cover
            raise ValueError(f"unexpected protobuf wire type {wire}")


@lru_cache(maxsize=32)
def _charsmap(items: tuple[tuple[str, str], ...]) -> bytes:
    """SentencePiece's ``precompiled_charsmap`` (double-array trie + targets) for a character map."""
    spm = optional("sentencepiece")
    spm.set_min_log_level(1)  # its builder logs every compilation at INFO level; warnings still show
    spec = spm.SentencePieceNormalizer(norm_map=list(items)).serialized_normalizer_spec()
    return next(v for f, v in proto_fields(spec) if f == 2)  # NormalizerSpec.precompiled_charsmap


def _precompiled_map(mapping: dict[str, str], normalizers, Regex) -> list:
    """One simultaneous single-character map as ``Replace(insert sentinel) + Precompiled + Replace(drop sentinel)``.

    ``Precompiled`` maps per grapheme: a grapheme shorter than 6 bytes whose first
    character is a key is replaced *whole* by that key's target (a following
    haraka would be lost); other graphemes are mapped character by character. A
    sentinel noncharacter (U+FDD0, grapheme-break property Other) inserted after
    every key ends each key's grapheme right there, so every key is mapped on its
    own: exactly the per-character map. (A Prepend key glues to the sentinel; that
    grapheme is then replaced whole by the key's target, the sentinel with it.)
    """
    items = tuple(sorted(mapping.items()))
    for k, v in items:
        if len(k) != 1 or "\x00" in k + v or _SENTINEL in k + v:
            raise NotImplementedError(f"cannot put {k!r} -> {v!r} in a precompiled character map")
    keys = _class_from_chars(mapping)
    return [
        normalizers.Replace(Regex(keys + "\\K"), _SENTINEL),
        normalizers.Precompiled(_charsmap(items)),
        normalizers.Replace(_SENTINEL, ""),
    ]


def _char_step(step: CharStep, normalizers, Regex) -> list:
    mapping = {k: v for k, v in step.mapping.items() if k != v}
    if len(set(mapping.values())) <= _FEW_GROUPS:
        # a single key is a plain string pattern (cheaper than a regex class)
        return [normalizers.Replace(ks[0], v) if len(ks) == 1 else _replace(normalizers, Regex, _class_from_chars(ks), v) for v, ks in _ordered_groups(mapping)]
    return _precompiled_map(mapping, normalizers, Regex)


def _context_step(step: ContextStep, rule, normalizers, Regex) -> list:
    keys = dict(rule.mapping)
    skip = _mask_of(keys) | (class_mask(rule.skip) if rule.skip else False)
    skip_cls = _class_from_mask(skip)
    conds = []
    for cond, cls in rule.context:
        member = class_mask(cls) & ~skip  # the nearest non-skipped character
        m = _class_from_mask(member)
        sides, negated = CONDITIONS[cond]
        conds.append((sides, negated, m, class_mask(cls)))
    # sequential per-target replaces equal one simultaneous pass when a converted
    # character keeps every condition's answer for its neighbours (see docs)
    targets = set(keys.values())
    if len(targets) > 1:
        for t in targets:
            if t in keys:
                raise NotImplementedError(f"context rule {rule.name!r}: a target is also a source")
            if skip[ord(t)]:
                continue
            for _, negated, _, full in conds:
                if bool(full[ord(t)]) == negated:
                    raise NotImplementedError(f"context rule {rule.name!r}: target {t!r} changes its neighbours' context")
    pieces = []
    for sides, negated, m, _ in conds:
        alts = []
        for side in sides:
            alts.append(f"(?={skip_cls}*+{m})" if side > 0 else f"(?<={m}{skip_cls}*)")
        if negated:
            pieces.append("".join(f"(?!{a[3:-1]})" if a.startswith("(?=") else f"(?<!{a[4:-1]})" for a in alts))
        else:
            pieces.append(alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")")
    groups = defaultdict(list)
    for k, v in keys.items():
        groups[v].append(k)
    out = []
    for v, ks in sorted(groups.items()):
        # every lookaround goes after the key, so the regex tests the key first (fast);
        # a lookbehind there looks back past the key itself, which is in the skip class
        out.append(_replace(normalizers, Regex, _class_from_chars(ks) + "".join(pieces), v))
    return out


def _collapse_step(step: CollapseStep, normalizers, Regex) -> list:
    """One ``Replace`` per (limit, min_run): a protected piece (matched first, emptied by
    ``\\K``, so the scan jumps past it) or a long enough run whose tail is deleted."""
    protect = [f"(?:{PROTECT_PATTERNS[kind]})" for kind in step.protect if kind != "hashtag"]
    if "hashtag" in step.protect:  # the ASCII letters at the start of a hashtag (see the module docstring)
        protect.append(r"(?<![\w#&])#[0-9A-Za-z_]*")
    skip = f"(?:{'|'.join(protect)})\\K|" if protect else ""
    out = []
    pairs = np.stack([step.limit, step.min_run], axis=1)[step.limit > 0]
    for limit, min_run in sorted(set(map(tuple, pairs.tolist()))):
        cls = _class_from_mask((step.limit == limit) & (step.min_run == min_run))
        back = "\\1" * (limit - 1)
        # the first `limit` characters of a run, then \K: the rest of the run (long enough) is the match
        out.append(_replace(normalizers, Regex, f"{skip}({cls}){back}\\K\\1{{{min_run - limit},}}", ""))
    return out


def hf_normalizer(normalizer) -> Any:
    """A ``tokenizers.normalizers.Normalizer`` whose output equals ``normalizer(text)``.

    >>> import awal
    >>> hf = hf_normalizer(awal.Normalizer("search"))
    >>> hf.normalize_str("أَهْلاً بِكُمْ")
    'اهلا بكم'
    """
    tokenizers = optional("tokenizers")
    Regex, normalizers = tokenizers.Regex, tokenizers.normalizers

    by_name = {r.name: r for r in normalizer.rules}
    parts: list = []
    for step in normalizer.steps:
        if isinstance(step, CharStep):
            parts += _char_step(step, normalizers, Regex)
        elif isinstance(step, ContextStep):
            parts += _context_step(step, by_name[step.names[0]], normalizers, Regex)
        elif isinstance(step, CollapseStep):
            parts += _collapse_step(step, normalizers, Regex)
        elif isinstance(step, NfcStep):
            parts.append(normalizers.NFC())
        elif isinstance(step, ReplaceStep):
            rule = by_name[step.names[0]]
            # one alternation, longest keys first = greedy longest match, all found on the input
            for v, ks in _ordered_groups(rule.mapping) if all(len(k) == 1 for k in rule.mapping) else []:
                parts.append(_replace(normalizers, Regex, _class_from_chars(ks), v))
            if not all(len(k) == 1 for k in rule.mapping):
                parts += _multi_replace(rule.mapping, normalizers, Regex)
        else:  # pragma: no cover
            raise NotImplementedError(f"cannot export step {type(step).__name__}")
    return normalizers.Sequence(parts)


def _multi_replace(mapping: dict[str, str], normalizers, Regex) -> list:
    """Greedy longest-match multi-character replace as sequential literal replaces.

    Exact when no replacement contains (part of) another key; otherwise raises.
    """
    for v in mapping.values():
        for k in mapping:
            if k in v and k != v:
                raise NotImplementedError(f"replacement {v!r} contains key {k!r}: not exportable as sequential Replace")
    # each key may only match where the greedy scan would start it: a longest-first
    # alternation is applied once per key group via lookarounds is not expressible
    # with literal contents, so require keys to be free of overlaps
    keys = sorted(mapping, key=len, reverse=True)
    for a in keys:
        for b in keys:
            if a != b and any(a.endswith(b[:i]) for i in range(1, len(b))) or (a != b and b in a):
                raise NotImplementedError(f"overlapping replace keys {a!r} and {b!r}: not exportable as sequential Replace")
    return [_replace(normalizers, Regex, _literal(k), mapping[k]) for k in keys]


# ----------------------------------------------------------- SentencePiece
def _hex(s: str) -> str:
    return " ".join(f"{ord(c):X}" for c in s)


# combining marks whose out-of-order pairs get a reordering rule: Latin/Greek/Cyrillic
# diacritics, Arabic harakat and Quranic marks, the Tifinagh consonant joiner
_REORDER_BLOCKS = ((0x300, 0x36F), (0x483, 0x487), (0x610, 0x61A), (0x64B, 0x65F), (0x670, 0x670), (0x6D6, 0x6ED),
                   (0x8D3, 0x8FF), (0x1DC0, 0x1DFF), (0x20D0, 0x20F0), (0x2D7F, 0x2D7F), (0xFE20, 0xFE2F))  # fmt: skip


def _arabic(c: str) -> bool:
    return 0x600 <= ord(c) <= 0x6FF or 0x750 <= ord(c) <= 0x77F


def sentencepiece_rules(normalizer, path: str | os.PathLike, max_run: int = 12) -> Path:
    """Write a SentencePiece ``normalization_rule_tsv`` approximating ``normalizer``.

    SentencePiece applies the rules in one greedy longest-match pass over the
    input, so the pipeline is enumerated on short inputs; each source's target is
    awal's own output for that source on its own:

    * every character any character-level rule, context rule or NFC changes
      (exact for the character rules);
    * canonical decompositions (base + marks) so NFC composes them, and every pair
      of common combining marks (Latin, Arabic, Tifinagh joiner) out of canonical
      order so NFC's reordering happens (longer mis-ordered runs are missed);
    * for context rules: each key followed by / preceded by the letters of its
      context class in the Arabic, Latin and Tifinagh blocks, key + one mark +
      letter and key + two harakat + letter (context looked for past other runs
      of marks is missed);
    * for run collapsing: runs of 3..``max_run`` of each collapsible character
      (longer runs are cut in pieces: a run of 30 leaves 2 per piece).

    Train with ``normalization_rule_tsv=path``, ``remove_extra_whitespaces=False``
    (awal keeps spaces) and ``add_dummy_prefix`` as you like (it adds a ``▁``
    that decoding removes). Identity rates are measured in the tests/report.
    """
    from .rules import class_mask as cm

    sources: set[str] = set()
    for rule in normalizer.rules:
        if rule.kind in ("map", "delete", "casefold"):
            sources.update(rule.char_map())
        elif rule.kind == "replace":
            sources.update(rule.mapping)
    blocks = np.zeros(UNICODE_SIZE, dtype=bool)
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x250, 0x2AF), (0x1E00, 0x1EFF), (0x600, 0x6FF),
                   (0x750, 0x77F), (0x2D30, 0x2D7F), (0x370, 0x3FF)):  # fmt: skip
        blocks[lo : hi + 1] = True
    # marks looked past by context rules: Arabic keys one Arabic mark or two core harakat,
    # other keys one Latin diacritic (context past other runs of marks is missed)
    harakat = [chr(c) for c in range(0x64B, 0x653)] + ["\u0670", "\u06E1"]
    arabic_marks = harakat + [chr(c) for c in (*range(0x653, 0x660), *range(0x6D6, 0x6DD), *range(0x6DF, 0x6E5), 0x6E7, 0x6E8, *range(0x6EA, 0x6EE))]
    arabic_marks += [a + b for a in harakat for b in harakat if a != b]
    latin_marks = [chr(c) for c in (*range(0x300, 0x309), 0x30C, 0x323, 0x331)]
    for rule in normalizer.rules:
        if rule.kind == "context":
            sources.update(rule.mapping)
            for cond, cls in rule.context:
                near = [chr(c) for c in np.flatnonzero(cm(cls) & blocks)]
                sides, _ = CONDITIONS[cond]
                for k in rule.mapping:
                    for ch in near:
                        if +1 in sides or cond in ("not_next",):
                            sources.add(k + ch)
                            if rule.skip == "mark":
                                sources.update(k + m + ch for m in (arabic_marks if _arabic(k) else latin_marks) if _arabic(k) == _arabic(ch))
                        if -1 in sides:
                            sources.add(ch + k)
        elif rule.kind == "nfc":
            for cp in range(UNICODE_SIZE):
                if 0xD800 <= cp <= 0xDFFF:
                    continue
                ch = chr(cp)
                d = unicodedata.normalize("NFD", ch)
                if d != ch and unicodedata.normalize("NFC", d) == ch:
                    sources.add(d)
            # canonical reordering: two marks out of combining-class order (shadda + fatha -> fatha + shadda)
            ordered = [c for lo, hi in _REORDER_BLOCKS for c in map(chr, range(lo, hi + 1)) if unicodedata.combining(c)]
            sources.update(a + b for a in ordered for b in ordered if unicodedata.combining(a) > unicodedata.combining(b))
        elif rule.kind == "collapse":
            chars = rule.chars or [chr(c) for c in np.flatnonzero(cm("letter") & blocks)]
            for ch in chars:
                sources.update(ch * n for n in range(rule.limit + 1, max_run + 1))
    listed = sorted(s for s in sources if s)
    targets = normalizer(listed)
    path = Path(path)
    lines = [f"{_hex(s)}\t{_hex(t)}" for s, t in zip(listed, targets) if s != t]
    # SentencePiece drops rules with an empty target? it accepts them (deletion)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def sentencepiece_normalize(rule_tsv: str | os.PathLike, texts: list[str]) -> list[str]:
    """Normalise with only a rule TSV, as a SentencePiece model trained with it would (spaces kept)."""
    spm = optional("sentencepiece")

    sn = spm.SentencePieceNormalizer(rule_tsv=str(rule_tsv), add_dummy_prefix=False, remove_extra_whitespaces=False, escape_whitespaces=False)
    return [sn.normalize(t) for t in texts]

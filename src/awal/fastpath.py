"""One short string without NumPy: compiled steps turned into ``str.translate`` and ``re`` calls.

The batch kernels pay tens of microseconds of NumPy calls per batch, whatever its
size; a user who calls ``awal.normalize(s)`` once per string (``df.text.map``)
pays that for 40 characters. :func:`text_function` turns the compiled steps of a
profile or table scheme into a plain function on one ``str`` that gives exactly
the batch output (tests compare them on arbitrary Unicode):

* :class:`~awal.rules.CharStep` → ``str.translate`` with a ``{code point: text}`` dict;
* :class:`~awal.rules.ReplaceStep` → one ``re`` alternation of its keys of 2+ characters,
  longest first (the greedy longest match), with the gaps between matches translated
  by the one-character keys (they consume one character either way, so the scan is the same);
* :class:`~awal.rules.ContextStep` → a search for its source characters, and for each
  hit a walk to the neighbours the batch kernel looks at;
* :class:`~awal.rules.CollapseStep` → one ``re`` search for a run long enough to cut; only a
  string with one goes through the step's own kernel;
* :class:`~awal.rules.NfcStep` → ``unicodedata.normalize("NFC")``.

A step of any other kind, or one whose fields differ from those this module
knows, gives ``None``: the caller keeps the batch path, so new rule kinds stay correct.

>>> from awal.rules import CharStep, ReplaceStep
>>> from awal.kernels import Matcher
>>> f = text_function([ReplaceStep(("x",), Matcher.from_pairs([("ab", "X"), ("b", "yy")]))])
>>> f("abcab"), f("bb")
('XcX', 'yyyy')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from operator import methodcaller
from typing import Callable, Iterable, TypeGuard

import numpy as np

from .batch import text_of
from .kernels import UNICODE_SIZE, Matcher
from .rules import CharStep, CollapseStep, ContextStep, NfcStep, ReplaceStep, Step

TextFunction = Callable[[str], str]


def _char_class(chars: Iterable[str]) -> str:
    """A ``re`` class of ``chars`` as ranges; BMP and astral parts apart (``re`` tests a BMP-only
    class with one bitmap lookup, a class with astral members range by range)."""
    cps = sorted({ord(c) for c in chars})
    parts: dict[bool, list[str]] = {False: [], True: []}
    start = 0
    for i in range(1, len(cps) + 1):
        if i == len(cps) or cps[i] != cps[i - 1] + 1:
            lo, hi = re.escape(chr(cps[start])), re.escape(chr(cps[i - 1]))
            parts[cps[start] > 0xFFFF].append(lo if lo == hi else f"{lo}-{hi}")
            start = i
    return "|".join(f"[{''.join(p)}]" for p in parts.values() if p) or "(?!)"


def _translation_table(mapping: dict[str, str]) -> dict[int, str] | list:
    """For ``str.translate``: a list indexed by code point when every key is in the BMP
    (a third faster than a dict), else a dict."""
    table = {ord(k): v for k, v in mapping.items()}
    if not table or max(table) > 0xFFFF:
        return table
    dense: list = list(range(max(table) + 1))
    for cp, value in table.items():
        dense[cp] = value
    return dense


CHAINED_KEYS = 16  # a character map this small runs as chained str.replace: a C search per key, no per-character work


def _translate(step: CharStep) -> TextFunction:
    mapping = step.mapping
    translate = methodcaller("translate", _translation_table(mapping))
    if len(mapping) <= CHAINED_KEYS and not any(ch in mapping for value in mapping.values() for ch in value):
        pairs = tuple(mapping.items())  # no replacement holds a key: the order of the replaces is free

        def chained(text: str) -> str:
            for key, value in pairs:
                text = text.replace(key, value)
            return text

        return chained
    present = re.compile(_char_class(mapping)).search

    def translate_if_present(text: str) -> str:
        return translate(text) if present(text) else text

    return translate_if_present


def _matcher_pairs(m: Matcher) -> tuple[dict[str, str], dict[str, str]]:
    """A Matcher's keys back as text: ``(one-character keys, longer keys)`` with their replacements."""
    bounds = m.value_offsets.tolist()
    text = text_of(m.values)
    value = [text[a:b] for a, b in zip(bounds, bounds[1:])]
    singles = {chr(cp): value[vid] for cp, vid in zip(*(a.tolist() for a in (np.flatnonzero(m.single >= 0), m.single[m.single >= 0])))}
    longer = {}
    for keys, vids in zip(m.keys, m.key_values):
        for key, vid in zip(keys.tolist(), vids.tolist()):
            longer["".join(map(chr, key))] = value[vid]
    return singles, longer


def _replace(step: ReplaceStep) -> TextFunction:
    singles, longer = _matcher_pairs(step.matcher)
    table = _translation_table(singles)
    if not longer:
        return methodcaller("translate", table)
    pattern = re.compile("(" + "|".join(re.escape(k) for k in sorted(longer, key=len, reverse=True)) + ")", re.DOTALL)
    split = pattern.split

    def replace(text: str) -> str:
        pieces = split(text)  # gap, match, gap, ..., gap
        pieces[0::2] = [gap.translate(table) for gap in pieces[0::2]]
        pieces[1::2] = [longer[match] for match in pieces[1::2]]
        return "".join(pieces)

    return replace


def _mask_bytes(mask: np.ndarray) -> bytes:
    return np.asarray(mask, dtype=np.uint8).tobytes()


def _context(step: ContextStep) -> TextFunction:
    changed = np.flatnonzero(step.table != np.arange(UNICODE_SIZE, dtype=step.table.dtype))
    target = {chr(cp): chr(int(step.table[cp])) for cp in changed.tolist()}
    if not target:
        return str
    finder = re.compile(_char_class(target))
    skip = _mask_bytes(step.skip) if step.skip is not None else bytes(UNICODE_SIZE)
    conditions = [(sides, _mask_bytes(member), negated) for sides, member, negated in step.conditions]

    def holds(text: str, at: int) -> bool:
        n = len(text)
        for sides, member, negated in conditions:
            hit = False
            for side in sides:
                j = at + side
                while 0 <= j < n and skip[ord(text[j])]:
                    j += side
                if 0 <= j < n and member[ord(text[j])]:
                    hit = True
                    break
            if hit == negated:
                return False
        return True

    def context(text: str) -> str:
        if not finder.search(text):
            return text
        chars = list(text)  # conditions read the input, as the batch kernel does
        for match in finder.finditer(text):
            at = match.start()
            if holds(text, at):
                chars[at] = target[text[at]]
        return "".join(chars)

    return context


def _one_string_batch(step: object) -> TextFunction:
    """``step`` run by its own batch kernel on one string (for the rare string it may change)."""

    def run(text: str) -> str:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        out = step.apply(cps, np.array([0, len(cps)], dtype=np.int64), align=False)[0]  # type: ignore[attr-defined]
        return text_of(out)

    return run


def _collapse(step: CollapseStep) -> TextFunction:
    """Only a run at least as long as the shortest run the step may cut can change anything: a
    string without one is left as it is, one with one goes through the step's own kernel
    (which also knows what ``protect`` leaves alone)."""
    collapsible = step.limit > 0
    if not collapsible.any():
        return str
    shortest = int(np.maximum(step.limit[collapsible] + 1, step.min_run[collapsible]).min())
    any_run = re.compile(r"(.)\1{%d}" % (shortest - 1), re.DOTALL).search
    batch = _one_string_batch(step)
    return lambda text: batch(text) if any_run(text) else text


def _nfc(step: NfcStep) -> TextFunction:
    return lambda text: unicodedata.normalize("NFC", text)


_COMPILERS: dict[type, Callable] = {
    CharStep: _translate,
    ReplaceStep: _replace,
    ContextStep: _context,
    CollapseStep: _collapse,
    NfcStep: _nfc,
}
# the fields each compiler reads: a step class that gains one (a new option) is not compiled
_FIELDS = {
    CharStep: {"names", "mapping", "_charmap"},
    ReplaceStep: {"names", "matcher"},
    ContextStep: {"names", "table", "conditions", "skip"},
    CollapseStep: {"names", "limit", "min_run", "protect"},
    NfcStep: {"names"},
}


def known_step(step: object) -> TypeGuard[Step]:
    """Whether ``step`` is of a kind this module compiles, with exactly the fields it reads
    (a kind that gained an option is not known until its compiler reads it)."""
    kind = type(step)
    return kind in _FIELDS and {f.name for f in fields(step)} == _FIELDS[kind]  # type: ignore[arg-type]


def text_function(steps: Iterable[object]) -> TextFunction | None:
    """One ``str`` → ``str`` function giving the output of ``steps``; None if a step has no fast form."""
    functions = []
    for step in steps:
        kind = type(step)
        if not known_step(step):
            return None
        function = _COMPILERS[kind](step)
        if function is not str:
            functions.append(function)
    if len(functions) == 1:
        return functions[0]

    def run(text: str) -> str:
        for function in functions:
            text = function(text)
        return text

    return run



LONGEST = 2048  # longer strings go to the batch kernels, which win from about there (benchmarks/run.py)
SMALL_LIST = 8  # lists of up to this many strings go string by string (measured crossover, benchmarks/run.py)


def run_fast(x: object, function: Callable[[str], object], longest: int = LONGEST, small_list: int = SMALL_LIST) -> object:
    """``function`` over one ``str`` of up to ``longest`` characters, or a list or tuple of up
    to ``small_list`` of them (same container out); None for anything else (the batch path).

    >>> run_fast(["ab", "c"], str.upper), run_fast("x" * (LONGEST + 1), str.upper)
    (['AB', 'C'], None)
    """
    kind = type(x)
    if kind is str:
        return function(x) if len(x) <= longest else None  # type: ignore[arg-type]
    if (kind is not list and kind is not tuple) or len(x) > small_list:  # type: ignore[arg-type]
        return None
    if not all(type(s) is str and len(s) <= longest for s in x):  # type: ignore[attr-defined]
        return None
    out = [function(s) for s in x]  # type: ignore[attr-defined]
    return out if kind is list else tuple(out)

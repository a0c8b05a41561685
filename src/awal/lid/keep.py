"""Transliterate only the Darija of code-switched text: what else a text holds stays as written.

A token with letters stays when the identifier's scores in context (see
:mod:`awal.lid.tokens`) put at least ``exp(MARGIN)`` times as much probability on the
Latin-script languages other than Arabic in Latin script (French, English, Spanish,
Kabyle... together) as on Arabic in Latin script: a French word split between French and
Spanish still stays, and a word in doubt leans to staying (a French word turned into Arabic
letters is lost; a Darija word left in Latin letters is still readable). Any other token
stays when it is a URL, e-mail, @mention or #hashtag, or a unit after
a number (``200 dh``, ``3,5 km``, ``50%``). Everything between such tokens goes to the
converter in one batched call.

>>> from awal.lid.model import Identifier
>>> idf = Identifier().fit(["kayn bzaf dyal nas wach", "il y a des gens je suis"] * 3,
...                        ["ary_Latn", "fra_Latn"] * 3, epochs=5)
>>> convert_darija(["wach kayn des gens? 200 dh www.x.ma"], lambda ts: [t.upper() for t in ts], idf)
['WACH KAYN des gens? 200 dh www.x.ma']
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import regex

from ..batch import TextBatch
from .model import Identifier
from .tokens import token_scores

ARABIC_IN_LATIN = ("ary_Latn", "arq_Latn", "arb_Latn", "aeb_Latn")  # converted; other *_Latn labels stay
SPECIAL = regex.compile(r"(?i)^(?:https?://|www\.|@|#)|^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
UNIT = regex.compile(
    r"(?i)^(?:\d+(?:[.,]\d+)?)?(?:dh|dhs|drh|dirhams?|mad|da|dzd|eur|euros?|usd|\$|€|%|km|m|cm|mm|kg|g|mg|l|cl|ml|h|min|s|go|mo|gb|mb|kb|k|ko)$"
)
NUMBER = regex.compile(r"^\d+(?:[.,:/]\d+)*$")
MARGIN = -0.5  # log-odds by which the foreign labels must outweigh Arabic in Latin script (benchmarks/evaluate_lid.py sweeps it)


def _log_mass(score: np.ndarray) -> np.ndarray:
    """log of the summed exp of each row (minus infinity for no columns)."""
    if score.shape[1] == 0:
        return np.full(len(score), -np.inf)
    peak = score.max(axis=1, keepdims=True)
    return (peak + np.log(np.exp(score - peak).sum(axis=1, keepdims=True)))[:, 0]


def kept_tokens(batch: TextBatch, idf: Identifier, margin: float = MARGIN) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, text index)`` of the tokens to leave as written, in order (``margin``: see :data:`MARGIN`)."""
    starts, ends, token_offsets, score, word = token_scores(batch, idf)
    names = idf.labels
    foreign = np.array([name.endswith("_Latn") and name not in ARABIC_IN_LATIN for name in names])
    arabic = np.isin(names, ARABIC_IN_LATIN)
    keep = word & (_log_mass(score[:, foreign]) > _log_mass(score[:, arabic]) + margin)
    text = batch.joined()
    tokens = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
    for j, token in enumerate(tokens):
        if keep[j]:
            continue
        if SPECIAL.search(token):
            keep[j] = True
        elif UNIT.match(token) and (token[0].isdigit() or (j > 0 and text_of[j - 1] == text_of[j] and NUMBER.match(tokens[j - 1]))):
            keep[j] = True
    picked = np.flatnonzero(keep)
    return starts[picked], ends[picked], text_of[picked]


def convert_darija(texts: list[str], convert: Callable[[list[str]], list[str]], idf: Identifier | None = None, margin: float = MARGIN) -> list[str]:
    """``convert`` applied to every stretch of ``texts`` between kept tokens (see module doc)."""
    idf = idf or Identifier()
    batch = TextBatch.from_strings(texts)
    starts, ends, text_of = kept_tokens(batch, idf, margin)
    local_starts = (starts - batch.offsets[text_of]).tolist()
    local_ends = (ends - batch.offsets[text_of]).tolist()
    by_text: dict[int, list[tuple[int, int]]] = {}
    for i, a, b in zip(text_of.tolist(), local_starts, local_ends):
        by_text.setdefault(i, []).append((a, b))
    pieces: list[str] = []  # stretches to convert
    layout: list[list[tuple[bool, str | int]]] = []  # per text: (converted?, piece index or kept text)
    for i, text in enumerate(texts):
        parts: list[tuple[bool, str | int]] = []
        cursor = 0
        for a, b in by_text.get(i, ()):
            if a > cursor:
                parts.append((True, len(pieces)))
                pieces.append(text[cursor:a])
            parts.append((False, text[a:b]))
            cursor = b
        if cursor < len(text) or not parts:
            parts.append((True, len(pieces)))
            pieces.append(text[cursor:])
        layout.append(parts)
    converted = convert(pieces) if pieces else []
    return ["".join(converted[p] if is_converted else p for is_converted, p in parts) for parts in layout]

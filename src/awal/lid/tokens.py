"""Language per token, in the context of its sentence, and the runs of one language.

Every token of awal's tokenizer is scored on its own by the identifier; a token with
letters then takes the label maximising its own log-probability plus
``SENTENCE_WEIGHT`` times its text's and ``NEIGHBOUR_WEIGHT`` times the mean of its
word neighbours' (the word before and after): a French word inside an Arabizi comment
stays French when it is clearly French, an ambiguous short word follows its context.
Tokens without letters (punctuation, numbers, emoji) are ``und``.

>>> from awal.lid.model import Identifier
>>> idf = Identifier().fit(["kayn bzaf dyal nas wach", "il y a des gens je suis"] * 3,
...                        ["ary_Latn", "fra_Latn"] * 3, epochs=5)
>>> [label for *_, label in identify_tokens("wach kayn des gens !", idf)]
['ary_Latn', 'ary_Latn', 'fra_Latn', 'fra_Latn', 'und']
>>> language_spans("wach kayn des gens !", idf)
[(0, 9, 'ary_Latn'), (10, 20, 'fra_Latn')]
>>> round(mixedness("wach kayn des gens", idf), 2)
0.47
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..batch import TextBatch, per_input, string_list_type
from ..columns import accepts_columns
from ..kernels import ranges
from ..tokenize import token_spans
from .model import UNDETERMINED, Identifier

SENTENCE_WEIGHT = 0.0  # chosen by the grouped cross-validation in benchmarks/evaluate_lid.py: a whole
NEIGHBOUR_WEIGHT = 0.7  # code-switched comment reads as Arabizi, so its label pulls French words into it


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def token_scores(
    batch: TextBatch, idf: Identifier, sentence_weight: float = SENTENCE_WEIGHT, neighbour_weight: float = NEIGHBOUR_WEIGHT
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, token_offsets, scores, word)`` for every token of the batch: ``scores``
    ``(tokens, labels)`` are the context-smoothed log-scores, ``word`` says which tokens have letters."""
    starts, ends, token_offsets = token_spans(batch)
    lengths = ends - starts
    tokens = TextBatch(batch.codepoints[ranges(starts, lengths)], np.r_[0, np.cumsum(lengths)].astype(np.int64))
    z_tokens, letters = idf.logits(tokens.to_list())
    own = _log_softmax(z_tokens) if len(z_tokens) else z_tokens
    text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
    word = letters > 0
    words = np.flatnonzero(word)
    score = own.copy()
    if len(words):
        if sentence_weight:
            score[words] += sentence_weight * _log_softmax(idf.logits(batch.to_list())[0])[text_of[words]]
        w_own, w_text = own[words], text_of[words]
        same_before = np.r_[False, w_text[1:] == w_text[:-1]]
        same_after = np.r_[w_text[1:] == w_text[:-1], False]
        before = np.where(same_before[:, None], np.roll(w_own, 1, axis=0), 0.0)
        after = np.where(same_after[:, None], np.roll(w_own, -1, axis=0), 0.0)
        count = (same_before.astype(float) + same_after)[:, None]
        score[words] += neighbour_weight * (before + after) / np.maximum(count, 1)
    return starts, ends, token_offsets, score, word


def token_labels(
    batch: TextBatch, idf: Identifier, sentence_weight: float = SENTENCE_WEIGHT, neighbour_weight: float = NEIGHBOUR_WEIGHT
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, token_offsets, label index)`` for every token of the batch;
    the index ``len(idf.labels)`` means ``und``."""
    starts, ends, token_offsets, score, word = token_scores(batch, idf, sentence_weight, neighbour_weight)
    label = np.where(word, score.argmax(axis=1) if len(score) else 0, len(idf.labels))
    return starts, ends, token_offsets, label


def _one_text(text: Any) -> TextBatch:
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    return TextBatch.from_strings([text], kind="str")


@accepts_columns
def identify_tokens(x: Any, idf: Identifier | None = None) -> Any:
    """``(token, start, end, label)`` for every token of ``x``; ``text[start:end] == token``.

    A list of texts gives a list of such lists (scored as one batch: much faster than a loop),
    a pandas Series or NumPy array the same container of lists, a pyarrow string array a
    ``list<struct<token, start, end, label>>`` array (nulls and chunks kept)."""
    idf = idf or Identifier()
    single = isinstance(x, str)
    batch = _one_text(x) if single else TextBatch.from_input(x)
    starts, ends, token_offsets, label = token_labels(batch, idf)
    names = np.array(idf.labels + [UNDETERMINED], dtype=object)[label].tolist()
    text = batch.joined()
    tokens = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    local = starts - np.repeat(batch.offsets[:-1], np.diff(token_offsets))
    rows = list(zip(tokens, local.tolist(), (local + ends - starts).tolist(), names))
    if single:
        return rows
    bounds = token_offsets.tolist()
    return per_input(batch, [rows[a:b] for a, b in zip(bounds, bounds[1:])], _token_rows_type(batch))


def _token_rows_type(batch: TextBatch) -> Any:
    """``list<struct<token, start, end, label>>`` for an Arrow batch, else None."""
    if batch.kind != "arrow":
        return None
    import pyarrow as pa

    token = string_list_type(batch).value_type
    fields = [("token", token), ("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())]
    return pa.list_(pa.struct(fields))


def language_spans(text: str, idf: Identifier | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` runs of one language; punctuation and numbers join the run
    before them (or after, at the start); a text without letters is one ``und`` run."""
    idf = idf or Identifier()
    starts, ends, _, label = token_labels(_one_text(text), idf)
    if not len(starts):
        return []
    und = len(idf.labels)
    known = np.flatnonzero(label != und)
    if not len(known):
        return [(int(starts[0]), int(ends[-1]), UNDETERMINED)]
    filled = label[known][np.clip(np.searchsorted(known, np.arange(len(label)), side="right") - 1, 0, None)]
    change = np.flatnonzero(np.r_[True, filled[1:] != filled[:-1]])
    last = np.r_[change[1:] - 1, len(filled) - 1]
    names = idf.labels
    return [(int(starts[a]), int(ends[b]), names[filled[a]]) for a, b in zip(change.tolist(), last.tolist())]


def mixedness(x: Any, idf: Identifier | None = None) -> Any:
    """Share of a text's letters in words of other languages than its most frequent one
    (0: one language; 0.5: half and half). A float per text (``str`` -> float)."""
    idf = idf or Identifier()
    single = isinstance(x, str)
    batch = TextBatch.from_strings([x] if single else list(x))
    starts, ends, token_offsets, label = token_labels(batch, idf)
    und = len(idf.labels)
    text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
    word = label != und
    size = np.zeros((len(batch), und + 1))
    np.add.at(size, (text_of[word], label[word]), (ends - starts)[word])
    total = size.sum(axis=1)
    out = np.where(total > 0, 1.0 - size.max(axis=1) / np.maximum(total, 1), 0.0)
    return float(out[0]) if single else out.tolist()

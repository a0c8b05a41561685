"""Language per token, in the context of its sentence, and the runs of one language.

Every token of awal's tokenizer is scored on its own by the identifier; a token with
letters then takes the best label of the model's context layer
(:class:`awal.lid.context.Context`) over its own scores, its neighbours' and its
text's: a French word inside an Arabizi comment stays French when it is clearly French,
an ambiguous short word (``la``, ``ma``, ``si``) follows its context. A token without
letters (punctuation, numbers, emoji) takes the label of the word before it in its text
(after it, at the start), as code-switching corpora tag them (NArabizi); it is ``und``
only in a text without words.

>>> from awal.lid.model import Identifier
>>> idf = Identifier().fit(["kayn bzaf dyal nas wach", "il y a des gens je suis"] * 3,
...                        ["ary_Latn", "fra_Latn"] * 3, epochs=5)
>>> [label for *_, label in identify_tokens("wach kayn des gens !", idf)]
['ary_Latn', 'ary_Latn', 'fra_Latn', 'fra_Latn', 'fra_Latn']
>>> [label for *_, label in identify_tokens("2024 !", idf)]
['und', 'und']
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
from .context import UNFLOORED_UNKNOWN, log_softmax
from .model import UNDETERMINED, Identifier

Spans = tuple[np.ndarray, np.ndarray, np.ndarray]  # (starts, ends, token_offsets) of awal.tokenize.token_spans


def own_scores(batch: TextBatch, idf: Identifier, spans: Spans | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """``(starts, ends, token_offsets, own, local, letters)`` for every token of the batch: ``own``
    ``(tokens, labels)`` are the log-probabilities of each token scored alone, ``local`` those
    of the token model (``None`` without one; labels as ``idf``'s), ``letters`` the number of
    letters of each token (words are the tokens with some). Both are floored at the context layer's
    :attr:`~awal.lid.context.Context.floor` (:data:`~awal.lid.context.SCORE_FLOOR`, also the token
    model's score of a label it does not have; a layer saved before round 11 reads them unfloored):
    below it a log-probability only says "not this label", and how far below is noise the context
    layer would read (a Latin word's Arabic-script labels sit at -5 to -14, set by n-grams never
    seen in that script and moved by the Darija/MSA layer: round 10's change to that layer took the
    grouped-CV token macro-F1 from 0.711 to 0.645, benchmarks/README.md). ``spans``: the batch's
    :func:`~awal.tokenize.token_spans`, when the caller has them."""
    starts, ends, token_offsets = token_spans(batch) if spans is None else spans
    lengths = ends - starts
    tokens = TextBatch(batch.codepoints[ranges(starts, lengths)], np.r_[0, np.cumsum(lengths)].astype(np.int64))
    z_tokens, letters = idf.logits(tokens)
    floor = idf.context.floor
    lowest = -np.inf if floor is None else floor
    local = None
    if idf.token_model is not None:
        names = idf.token_model.labels
        local = np.full(z_tokens.shape, UNFLOORED_UNKNOWN if floor is None else floor)
        local[:, [idf.labels.index(name) for name in names]] = np.maximum(log_softmax(idf.token_model.logits(tokens)[0]), lowest)
    return starts, ends, token_offsets, np.maximum(log_softmax(z_tokens), lowest), local, letters


def token_scores(batch: TextBatch, idf: Identifier, spans: Spans | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, token_offsets, scores, word)`` for every token of the batch: ``scores``
    ``(tokens, labels)`` are the context log-probabilities (own ones for tokens without letters),
    ``word`` says which tokens have letters (``spans``: as :func:`own_scores`)."""
    starts, ends, token_offsets, score, local, letters = own_scores(batch, idf, spans)
    word = letters > 0
    words = np.flatnonzero(word)
    if len(words):
        text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
        score[words] = idf.context.scores(score[words], text_of[words], None if local is None else local[words], letters[words])
    return starts, ends, token_offsets, score, word


def token_labels(batch: TextBatch, idf: Identifier) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, ends, token_offsets, label index)`` for every token of the batch; the index
    ``len(idf.labels)`` means ``und`` (every token without letters: see :func:`carried`)."""
    starts, ends, token_offsets, score, word = token_scores(batch, idf)
    label = np.where(word, score.argmax(axis=1) if len(score) else 0, len(idf.labels))
    return starts, ends, token_offsets, label


def carried(label: np.ndarray, token_offsets: np.ndarray, und: int) -> np.ndarray:
    """``label`` with every ``und`` token given the label of the closest known token before it in
    its text (after it, when none is before); ``und`` stays in a text without known tokens.

    >>> carried(np.array([9, 0, 9, 1, 9, 9]), np.array([0, 4, 5, 6]), 9).tolist()
    [0, 0, 0, 1, 9, 9]
    """
    n = len(label)
    if not n:
        return label
    index = np.arange(n)
    known = label != und
    text_of = np.repeat(np.arange(len(token_offsets) - 1), np.diff(token_offsets))
    before = np.maximum.accumulate(np.where(known, index, -1))
    after = np.minimum.accumulate(np.where(known, index, n)[::-1])[::-1]
    from_before = before >= token_offsets[text_of]
    from_after = after < token_offsets[text_of + 1]
    return np.where(from_before, label[np.maximum(before, 0)], np.where(from_after, label[np.minimum(after, n - 1)], und))


def _identifier(idf: Any) -> Identifier:
    """``idf``, or the bundled model for None; a ``TypeError`` for anything else (``idf or Identifier()``
    took a 0 or "" for the bundled model and failed deep inside on any other value)."""
    if idf is None:
        return Identifier()
    if not isinstance(idf, Identifier):
        raise TypeError(f"idf must be an awal.Identifier (None: the bundled model), got {type(idf).__name__}")
    return idf


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
    idf = _identifier(idf)
    single = isinstance(x, str)
    batch = _one_text(x) if single else TextBatch.from_input(x)
    starts, ends, token_offsets, label = token_labels(batch, idf)
    names = np.array(idf.labels + [UNDETERMINED], dtype=object)[carried(label, token_offsets, len(idf.labels))].tolist()
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


@accepts_columns
def language_spans(x: Any, idf: Identifier | None = None) -> Any:
    """``(start, end, label)`` runs of one language; punctuation and numbers join the run
    before them (or after, at the start); a text without letters is one ``und`` run, a text
    without tokens none. A list of texts (or a pandas Series, a NumPy array) gives a list of
    such lists, scored as one batch; a pyarrow string array a ``list<struct<start, end, label>>``
    array (nulls and chunks kept).

    >>> language_spans(["", "2024 !"])
    [[], [(0, 6, 'und')]]
    """
    idf = _identifier(idf)
    single = isinstance(x, str)
    batch = _one_text(x) if single else TextBatch.from_input(x)
    starts, ends, token_offsets, label = token_labels(batch, idf)
    filled = carried(label, token_offsets, len(idf.labels))
    text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
    change = np.flatnonzero(np.r_[True, (filled[1:] != filled[:-1]) | (text_of[1:] != text_of[:-1])][: len(filled)])
    last = np.append(change[1:], len(filled))[: len(change)] - 1  # each run's last token
    base = batch.offsets[:-1][text_of[change]]
    names = np.array(idf.labels + [UNDETERMINED], dtype=object)[filled[change]].tolist()
    runs = list(zip((starts[change] - base).tolist(), (ends[last] - base).tolist(), names))
    if single:
        return runs
    bounds = np.r_[0, np.cumsum(np.bincount(text_of[change], minlength=len(batch)))].tolist()
    return per_input(batch, [runs[a:b] for a, b in zip(bounds, bounds[1:])], _arrow_type(batch, "spans"))


def _arrow_type(batch: TextBatch, kind: str) -> Any:
    """The Arrow type of :func:`language_spans` (``kind`` "spans") or :func:`mixedness` ("shares") for an Arrow batch, else None."""
    if batch.kind != "arrow":
        return None
    import pyarrow as pa

    return pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string())])) if kind == "spans" else pa.float64()


@accepts_columns
def mixedness(x: Any, idf: Identifier | None = None) -> Any:
    """Share of a text's letters in words of other languages than its most frequent one
    (0: one language; 0.5: half and half). A float per text (``str`` -> float; a list, pandas
    Series or NumPy array -> the same container of floats; a pyarrow string array -> a ``double`` array)."""
    idf = _identifier(idf)
    single = isinstance(x, str)
    batch = _one_text(x) if single else TextBatch.from_input(x)
    starts, ends, token_offsets, label = token_labels(batch, idf)
    und = len(idf.labels)
    text_of = np.repeat(np.arange(len(batch)), np.diff(token_offsets))
    word = label != und
    size = np.zeros((len(batch), und + 1))
    np.add.at(size, (text_of[word], label[word]), (ends - starts)[word])
    total = size.sum(axis=1)
    out = np.where(total > 0, 1.0 - size.max(axis=1) / np.maximum(total, 1), 0.0)
    return float(out[0]) if single else per_input(batch, out.tolist(), _arrow_type(batch, "shares"))

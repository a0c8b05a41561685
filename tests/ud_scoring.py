"""Word-token span F1 on a UD treebank, as ``../shared/reference/anchors.md`` defines it.

Gold tokens are the token lines of each sentence, except that a run of
non-punctuation tokens (UPOS not PUNCT/SYM) joined by ``SpaceAfter=No`` is
merged back into one token (undoing clitic splitting: ل + أوباما → لأوباما),
and a multiword-token line (``3-4``) gives the surface form of the words it
covers. Each gold token is located in the ``# text =`` line left to right.
The score is micro precision/recall/F1 over exact ``(start, end)`` code-point
spans, as in the CoNLL 2018 shared task.

Standard library only; the benchmarks import this file by path.

>>> sentence = [("ل", "ADP", True), ("أوباما", "PROPN", True), (".", "PUNCT", False)]
>>> gold_spans("لأوباما.", sentence)
[(0, 7), (7, 8)]
>>> score([[(0, 7), (7, 8)]], [[(0, 1), (1, 7), (7, 8)]])
{'precision': 33.333333333333336, 'recall': 50.0, 'f1': 40.0, 'gold': 2, 'predicted': 3, 'correct': 1}
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

Span = tuple[int, int]
Unit = tuple[str, str, bool]  # (surface form, UPOS or "" for a multiword token, SpaceAfter=No)


def read_conllu(path: str | Path) -> list[tuple[str, list[Unit]]]:
    """``(text, units)`` per sentence: the surface units, each multiword token counted once."""
    sentences: list[tuple[str, list[Unit]]] = []
    text: str | None = None
    units: list[Unit] = []
    covered_until = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                text = line[len("# text = ") :]
            elif not line:
                if text is not None:
                    sentences.append((text, units))
                text, units, covered_until = None, [], 0
            elif not line.startswith("#"):
                cols = line.split("\t")
                if len(cols) != 10:
                    raise ValueError(f"{path}:{number}: expected 10 tab-separated columns, got {len(cols)}")
                tid, form, upos, misc = cols[0], cols[1], cols[3], cols[9]
                no_space = "SpaceAfter=No" in misc.split("|")
                if "-" in tid:
                    covered_until = int(tid.split("-")[1])
                    units.append((form, "", no_space))
                elif "." in tid or int(tid) <= covered_until:
                    continue  # empty node, or a word inside a multiword token
                else:
                    units.append((form, upos, no_space))
    if text is not None:
        sentences.append((text, units))
    return sentences


def gold_spans(text: str, units: Sequence[Unit]) -> list[Span]:
    """Merge glued non-punctuation runs, then locate each token in ``text`` left to right."""
    tokens: list[str] = []
    glue = False
    for form, upos, no_space in units:
        punct = upos in ("PUNCT", "SYM")
        if tokens and glue and not punct:
            tokens[-1] += form
        else:
            tokens.append(form)
        glue = no_space and not punct
    spans, cursor = [], 0
    for token in tokens:
        start = text.find(token, cursor)
        if start < 0:
            raise ValueError(f"gold token {token!r} not found after offset {cursor} in {text!r}")
        spans.append((start, start + len(token)))
        cursor = start + len(token)
    return spans


def score(gold: Iterable[Sequence[Span]], predicted: Iterable[Sequence[Span]]) -> dict[str, float]:
    """Micro precision, recall and F1 (in %) over exact spans, sentence by sentence."""
    n_gold = n_pred = correct = 0
    for g, p in zip(gold, predicted, strict=True):
        n_gold += len(g)
        n_pred += len(p)
        correct += len(set(g) & set(p))
    precision = 100 * correct / n_pred if n_pred else 0.0
    recall = 100 * correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": n_gold, "predicted": n_pred, "correct": correct}


def evaluate(path: str | Path, spans_of: Callable[[list[str]], list[list[Span]]]) -> dict[str, float]:
    """Score a tokenizer given as ``texts -> spans per text`` on the treebank at ``path``."""
    sentences = read_conllu(path)
    texts = [text for text, _ in sentences]
    gold = [gold_spans(text, units) for text, units in sentences]
    return score(gold, spans_of(texts))

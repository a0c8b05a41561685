"""Sentence-boundary F1 on documents made by joining gold sentences with a space.

Documents: UD Arabic-PUD dev sentences grouped by their ``# newdoc id`` (the
article they come from), and FLORES-200 dev sentences of one language in
paragraphs of :data:`PARAGRAPH` consecutive lines (FLORES keeps an article's
sentences together). A boundary is the start offset (code points) of every
sentence but the first; the score is micro precision/recall/F1 over
``(document, offset)`` pairs.

Standard library only; the benchmarks import this file by path.

>>> docs = documents([["Salam.", "Labas?"], ["ⴰⵣⵓⵍ⵰"]])
>>> docs[0]
('Salam. Labas?', [7])
>>> score([[7], []], [[7, 3], []])
{'precision': 0.5, 'recall': 1.0, 'f1': 0.6666666666666666, 'gold': 1, 'predicted': 2, 'correct': 1}
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

PARAGRAPH = 5  # FLORES sentences per document
FLORES_LANGUAGES = ("arb_Arab", "ary_Arab", "arb_Latn", "tzm_Tfng", "taq_Tfng", "kab_Latn", "fra_Latn", "eng_Latn")


def documents(groups: Sequence[Sequence[str]]) -> list[tuple[str, list[int]]]:
    """Each group of sentences joined by one space, with the gold boundaries (starts but the first)."""
    out = []
    for group in groups:
        parts = [s.strip() for s in group if s.strip()]
        starts, position = [], 0
        for part in parts:
            starts.append(position)
            position += len(part) + 1
        out.append((" ".join(parts), starts[1:]))
    return out


def pud_documents(path: str | Path) -> list[tuple[str, list[int]]]:
    """UD Arabic-PUD: the ``# text`` lines grouped by their ``# newdoc id`` (the article)."""
    groups: dict[str, list[str]] = {}
    document = ""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc id = "):
            document = line[len("# newdoc id = ") :]
        elif line.startswith("# text = "):
            groups.setdefault(document, []).append(line[len("# text = ") :])
    return documents(list(groups.values()))


def flores_documents(path: str | Path) -> list[tuple[str, list[int]]]:
    """FLORES-200 dev lines in paragraphs of :data:`PARAGRAPH` consecutive sentences."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return documents([lines[i : i + PARAGRAPH] for i in range(0, len(lines), PARAGRAPH)])


def corpora(data: str | Path) -> dict[str, list[tuple[str, list[int]]]]:
    """Every evaluation set by name: ``ud_ar_pud`` and one per FLORES language."""
    data = Path(data)
    sets = {"ud_ar_pud": pud_documents(data / "ud" / "ar_pud-dev-half.conllu")}
    for language in FLORES_LANGUAGES:
        sets[f"flores_{language}"] = flores_documents(data / "flores200" / "dev" / f"{language}.dev")
    return sets


def score(gold: Sequence[Sequence[int]], predicted: Sequence[Sequence[int]]) -> dict[str, float]:
    """Micro precision, recall and F1 of predicted boundaries (0 is ignored: it is never a boundary)."""
    correct = n_gold = n_predicted = 0
    for g, p in zip(gold, predicted):
        g_set, p_set = set(g) - {0}, set(p) - {0}
        correct += len(g_set & p_set)
        n_gold += len(g_set)
        n_predicted += len(p_set)
    precision = correct / n_predicted if n_predicted else 1.0
    recall = correct / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": n_gold, "predicted": n_predicted, "correct": correct}

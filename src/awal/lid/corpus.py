"""The training corpora of the bundled model, read from ``../shared/data`` (never shipped).

Every example is ``(text, label, group)``; the group keeps related texts together in
cross-validation: the source file for ``lid/``, the sentence number for FLORES-200
(translations of one sentence share it), the comment id for NArabizi.

Sources and licences are listed in ``data/models/NOTICE.md``; DODa (CC BY-NC) is
never read here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# NArabizi token tags -> labels (tags with no label here, e.g. "_" or "de", are skipped).
# Algerian Arabizi is labelled ary_Latn ("Maghrebi Arabic in Latin script"): with NArabizi as
# the only arq_Latn data, an arq_Latn label took 44% of DODa's Moroccan Arabizi sentences.
NARABIZI_TAGS = {"ar_dz": "ary_Latn", "fr": "fra_Latn", "en": "eng_Latn", "es": "spa_Latn", "msa": "arb_Latn", "ar_msa": "arb_Latn"}


@dataclass
class Examples:
    """Parallel lists of texts, labels and groups."""

    texts: list[str]
    labels: list[str]
    groups: list[str]

    def __add__(self, other: "Examples") -> "Examples":
        return Examples(self.texts + other.texts, self.labels + other.labels, self.groups + other.groups)

    def __len__(self) -> int:
        return len(self.texts)


def lid_files(root: Path) -> Examples:
    """``lid/<label>.<source>.txt``: one text per line, grouped by file."""
    out = Examples([], [], [])
    for path in sorted((root / "lid").glob("*.txt")):
        label = path.name.split(".")[0]
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out += Examples(lines, [label] * len(lines), [path.name] * len(lines))
    return out


def flores(root: Path) -> Examples:
    """FLORES-200 dev: every language file, grouped by sentence number."""
    out = Examples([], [], [])
    for path in sorted((root / "flores200" / "dev").glob("*.dev")):
        lines = path.read_text(encoding="utf-8").splitlines()
        out += Examples([line.strip() for line in lines], [path.stem] * len(lines), [f"flores:{i}" for i in range(len(lines))])
    return out


def narabizi_tokens(root: Path) -> list[tuple[str, list[str], list[str]]]:
    """NArabizi comments as ``(comment id, tokens, tags)``, in file order."""
    comments: dict[str, tuple[list[str], list[str]]] = {}
    with open(root / "darija" / "narabizi_token_lang_dev.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            tokens, tags = comments.setdefault(f"narabizi:{row['sent_id']}:{row['source'].rsplit(':', 1)[-1]}", ([], []))
            tokens.append(row["token"])
            tags.append(row["lang"])
    return [(key, tokens, tags) for key, (tokens, tags) in comments.items()]


def narabizi(root: Path) -> Examples:
    """NArabizi: each comment as Arabizi (``ary_Latn``, see :data:`NARABIZI_TAGS`) and each tagged token on its own."""
    out = Examples([], [], [])
    for key, tokens, tags in narabizi_tokens(root):
        out += Examples([" ".join(tokens)], ["ary_Latn"], [key])
        kept = [(token, NARABIZI_TAGS[tag]) for token, tag in zip(tokens, tags) if tag in NARABIZI_TAGS]
        out += Examples([t for t, _ in kept], [label for _, label in kept], [key] * len(kept))
    return out


def windows(examples: Examples, seed: int = 13) -> Examples:
    """Short pieces of every text of three words or more: one word and a run of two or three
    words, chosen with a fixed seed, same label and group. Without them single words and
    short posts would only be seen in the labels that have token data (NArabizi)."""
    rng = np.random.default_rng(seed)
    out = Examples([], [], [])
    for text, label, group in zip(examples.texts, examples.labels, examples.groups):
        words = text.split()
        if len(words) < 3:
            continue
        one = int(rng.integers(len(words)))
        size = int(rng.integers(2, 4))
        start = int(rng.integers(len(words) - size + 1))
        out.texts += [words[one], " ".join(words[start : start + size])]
        out.labels += [label, label]
        out.groups += [group, group]
    return out


def originals(root: Path) -> Examples:
    """Every corpus text as it is (what evaluation scores)."""
    return lid_files(root) + flores(root) + narabizi(root)


def with_windows(examples: Examples) -> Examples:
    """``examples`` plus :func:`windows` of those that are not NArabizi (already tokens)."""
    sentences = [i for i, g in enumerate(examples.groups) if not g.startswith("narabizi:")]
    picked = Examples([examples.texts[i] for i in sentences], [examples.labels[i] for i in sentences], [examples.groups[i] for i in sentences])
    return examples + windows(picked)

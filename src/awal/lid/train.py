"""Rebuild the bundled model from ``../shared/data``: ``python -m awal.lid train``.

Deterministic: the same data gives the same files. The temperature is fitted on the
fifth of the groups (see :mod:`awal.lid.corpus`) held out from a first model, then the
shipped model is trained on everything with that temperature.
"""

from __future__ import annotations

import argparse
import zlib
from pathlib import Path

import numpy as np

from .corpus import Examples, everything
from .model import Identifier

FLORES_SHARE = 0.5  # of a label's weight, where the label has FLORES sentences and other texts
SOURCES = [
    {"data": "../shared/data/lid/*.txt (AfriSenti ma/dz, Arabic and Egyptian Wikipedia via egy-arb-dialect-id, ArSarcasm-v2, UD Arabic-PUD, UD English-EWT, Common Voice fr and zgh, UD French-GSD and ParisStories, Kabyletexts, CLiGS textbox, UD Spanish-GSD/PUD/COSER, UDHR zgh)",
     "licences": "CC BY 4.0, CC BY-SA 3.0/4.0, MIT, CC0, public domain"},
    {"data": "FLORES-200 dev (arb_Arab, arb_Latn, ary_Arab, tzm_Tfng, taq_Tfng, kab_Latn, fra_Latn, eng_Latn)", "licences": "CC BY-SA 4.0"},
    {"data": "NArabizi (UD_Maghrebi_Arabic_French-Arabizi) dev token tags", "licences": "CC BY-SA 4.0"},
]  # fmt: skip


def sample_weights(examples: Examples) -> np.ndarray:
    """Every label weighs the same in total; in a label with FLORES sentences they carry
    :data:`FLORES_SHARE` of its weight, so "FLORES style" says nothing about the label
    (otherwise thin labels, mostly FLORES, would claim every translated news sentence)."""
    names, y = np.unique(examples.labels, return_inverse=True)
    is_flores = np.char.startswith(np.array(examples.groups), "flores:")
    weight = np.zeros(len(y))
    for label in range(len(names)):
        members = y == label
        from_flores = members & is_flores
        rest = members & ~is_flores
        share = FLORES_SHARE if from_flores.any() and rest.any() else float(from_flores.any())
        if from_flores.any():
            weight[from_flores] = share / from_flores.sum()
        if rest.any():
            weight[rest] = (1 - share) / rest.sum()
    return weight * (len(weight) / weight.sum())


def held_out(groups: list[str], fold: int = 0, folds: int = 5) -> np.ndarray:
    """Mask of the examples whose group hashes to ``fold`` (stable across runs and machines);
    lines of a ``lid/`` file (a group of its own) are spread over the folds one by one."""
    keys = [g if ":" in g else f"{g}#{i}" for i, g in enumerate(groups)]
    return np.array([zlib.crc32(k.encode("utf-8")) % folds == fold for k in keys])


def subset(examples: Examples, mask: np.ndarray) -> Examples:
    picked = np.flatnonzero(mask).tolist()
    return Examples([examples.texts[i] for i in picked], [examples.labels[i] for i in picked], [examples.groups[i] for i in picked])


def build(root: Path, out: Path, epochs: int = 3) -> Identifier:
    """Train the shipped model from the corpora under ``root`` and save it to ``out``."""
    examples = everything(root)
    test = held_out(examples.groups)
    first, calibration = subset(examples, ~test), subset(examples, test)
    temperature = Identifier().fit(first.texts, first.labels, sample_weight=sample_weights(first), epochs=epochs,
                                   calibration=(calibration.texts, calibration.labels)).state["temperature"]  # fmt: skip
    model = Identifier().fit(examples.texts, examples.labels, sample_weight=sample_weights(examples), epochs=epochs, sources=SOURCES)
    model.state["temperature"] = temperature
    model.save(out)
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m awal.lid", description="Language identification model tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="rebuild the bundled model from ../shared/data")
    train.add_argument("--data", type=Path, default=Path("../shared/data"), help="corpora folder (default ../shared/data)")
    train.add_argument("--out", type=Path, default=Path("data/models/lid"), help="model folder (default data/models/lid)")
    train.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    model = build(args.data, args.out, args.epochs)
    print(f"wrote {args.out}: {len(model.labels)} labels, temperature {model.state['temperature']:.3f}")

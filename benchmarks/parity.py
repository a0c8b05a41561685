"""Token-cost parity across the FLORES-200 dev languages, with and without awal's normalisation.

Trains 16k-vocabulary tokenizers on the FLORES dev text of all eight languages
(997 parallel sentences each) and measures them on the same sentences:

* HF ``tokenizers`` byte-level BPE (byte fallback), ``profile="default"`` and ``profile=None``;
* SentencePiece BPE and unigram (``--spm``, byte fallback), same two settings.

Prints one table per tokenizer (fertility, tokens/char, tokens/byte, parity vs
``fra_Latn``, unknown/byte-fallback rate, continued-word rate), a summary of the
issue's two thresholds (tzm_Tfng <= 1.05x and ary_Arab <= 0.95x the French
token count) and writes a PNG chart of parity.

    python benchmarks/parity.py [--data ../shared/data] [--spm] [--png benchmarks/out/parity.png] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from awal import subword
from corpus import shared_dir

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = shared_dir() / "data"
LIMITS = {"tzm_Tfng": 1.05, "ary_Arab": 0.95}


def load_flores(data: Path) -> dict[str, list[str]]:
    folder = data / "flores200" / "dev"
    return {f.stem: f.read_text(encoding="utf-8").splitlines() for f in sorted(folder.glob("*.dev"))}


def run(name: str, texts: dict[str, list[str]], **train_kwargs) -> list[dict]:
    corpus = [line for lines in texts.values() for line in lines]
    t0 = time.perf_counter()
    tok = subword.train(corpus, **train_kwargs)
    t1 = time.perf_counter()
    rows = subword.evaluate(tok, texts, reference="fra_Latn")
    t2 = time.perf_counter()
    print(f"\n## {name}   (train {t1 - t0:.1f} s, evaluate {t2 - t1:.1f} s)")
    print(subword.report_table(rows))
    return rows


def chart(results: dict[str, list[dict]], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(results)
    langs = [r["language"] for r in results[names[0]]]
    x = np.arange(len(langs))
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(11, 4.2))
    for i, name in enumerate(names):
        ax.bar(x + (i - (len(names) - 1) / 2) * width, [r["parity"] for r in results[name]], width, label=name)
    ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    for lang, limit in LIMITS.items():
        if lang in langs:
            j = langs.index(lang)
            ax.hlines(limit, j - 0.45, j + 0.45, colors="red", linewidth=1.2)
    ax.set_xticks(x, langs, rotation=30, ha="right")
    ax.set_ylabel("tokens / tokens of fra_Latn")
    ax.set_title("Token parity on FLORES-200 dev (16k vocab trained on all 8 languages); red: issue limits")
    ax.legend(fontsize=8, loc="lower center", ncol=3, framealpha=0.9)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--vocab", type=int, default=16000)
    ap.add_argument("--spm", action="store_true", help="also train SentencePiece BPE and unigram models")
    ap.add_argument("--png", type=Path, default=Path(__file__).resolve().parent / "out" / "parity.png")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    texts = load_flores(args.data)
    if "fra_Latn" not in texts:
        sys.exit(f"no FLORES dev text under {args.data}")
    print(f"FLORES dev: {len(texts)} languages x {len(next(iter(texts.values())))} lines; vocab {args.vocab}")
    configs = {
        "BPE bytes, awal default": dict(kind="bpe", profile="default"),
        "BPE bytes, no normalisation": dict(kind="bpe", profile=None),
    }
    if args.spm:
        configs["SPM BPE, awal default"] = dict(kind="bpe", library="sentencepiece", profile="default")
        configs["SPM BPE, no normalisation"] = dict(kind="bpe", library="sentencepiece", profile=None)
        configs["SPM unigram, awal default"] = dict(kind="unigram", library="sentencepiece", profile="default")
        configs["SPM unigram, no normalisation"] = dict(kind="unigram", library="sentencepiece", profile=None)
    results = {name: run(name, texts, vocab_size=args.vocab, **kw) for name, kw in configs.items()}

    print("\n## Issue thresholds (parity vs fra_Latn)")
    print("tokenizer".ljust(32) + "".join(f"{lang} (<= {lim})".rjust(22) for lang, lim in LIMITS.items()))
    for name, rows in results.items():
        by = {r["language"]: r for r in rows}
        cells = [f"{by[lang]['parity']:.3f} {'ok' if by[lang]['parity'] <= lim else 'MISS'}".rjust(22) for lang, lim in LIMITS.items()]
        print(name.ljust(32) + "".join(cells))
    chart(results, args.png)
    print(f"\nchart: {args.png}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Arabizi -> Arabic: awal (shipped rules, fitted) against peers on the DODa dev files.

Reads ``../shared/data/darija`` (or ``$AWAL_SHARED/data/darija``); nothing from it is
copied into the repository. Scoring follows ``../shared/reference/anchors.md``: exact
word accuracy and CER (edit distance / reference length, summed over the set) after
deleting harakat incl. shadda (U+064B-0652, U+0670), tatweel and punctuation from
both sides and folding أ إ آ ٱ -> ا.

    PYTHONPATH=src python3 benchmarks/evaluate_arabizi.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
_DROP = regex.compile(r"[\u064B-\u0652\u0670\u0640\p{P}]")
_FOLD = str.maketrans("أإآٱ", "اااا")


def shared_dir() -> Path:
    """The shared data directory: $AWAL_SHARED or ../shared next to the project."""
    return Path(os.environ.get("AWAL_SHARED", ROOT.parent / "shared"))


def load_pairs(name: str) -> list[tuple[str, str]]:
    """(latin, arabic) rows of ``data/darija/<name>`` (TSV with a header line)."""
    path = shared_dir() / "data" / "darija" / name
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(c[0], c[1]) for c in (ln.split("\t") for ln in lines) if len(c) >= 2]


def norm(text: str) -> str:
    """The scoring normalisation (see module docstring); whitespace runs become one space."""
    return " ".join(_DROP.sub("", text).translate(_FOLD).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def score(preds: list[str], refs: list[str]) -> tuple[float, float]:
    """(exact accuracy %, CER %) after :func:`norm` on both sides."""
    p = [norm(x) for x in preds]
    r = [norm(x) for x in refs]
    acc = 100.0 * sum(a == b for a, b in zip(p, r)) / max(1, len(r))
    cer = 100.0 * sum(edit_distance(a, b) for a, b in zip(p, r)) / max(1, sum(map(len, r)))
    return acc, cer


def grouped_split(pairs: list[tuple[str, str]], test: float = 0.2, seed: int = 0):
    """Split pairs so that no (normalised) Arabic form is in both parts."""
    forms = sorted({norm(a) for _, a in pairs})
    random.Random(seed).shuffle(forms)
    held = set(forms[: int(len(forms) * test)])
    train = [p for p in pairs if norm(p[1]) not in held]
    dev = [p for p in pairs if norm(p[1]) in held]
    return train, dev


def speed_words(n: int = 100_000) -> list[str]:
    """``n`` words of real Latin Darija text (with its natural repeats)."""
    words = [w for lat, _ in load_pairs("doda_ongoing_dev.tsv") for w in lat.split()]
    return (words * (n // max(1, len(words)) + 1))[:n]


def words_per_second(fn, words: list[str]) -> float:
    t = time.perf_counter()
    fn(words)
    return len(words) / (time.perf_counter() - t)


def awal_words_per_second(words: list[str], runs: int = 3) -> float:
    """Median speed of ``transliterate`` over ``runs`` fresh shipped models (cold word cache)."""
    from awal.arabizi import ArabiziModel

    speeds = []
    for _ in range(runs):
        model = ArabiziModel.default()
        speeds.append(words_per_second(model.transliterate, words))
    return sorted(speeds)[len(speeds) // 2]


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from awal.arabizi import ArabiziModel

    words = load_pairs("doda_words_dev.tsv")
    phrases = load_pairs("doda_sentences_dev.tsv")
    train, dev = grouped_split(words)
    rows = []

    shipped = ArabiziModel.default()
    w_acc, w_cer = score(shipped.transliterate([lat for lat, _ in words]), [a for _, a in words])
    p_acc, p_cer = score(shipped.transliterate([lat for lat, _ in phrases]), [a for _, a in phrases])
    t = time.perf_counter()
    fitted = ArabiziModel.default().fit(train)
    fit_s = time.perf_counter() - t
    f_acc, f_cer = score(fitted.transliterate([lat for lat, _ in dev]), [a for _, a in dev])
    text = speed_words()
    wps = awal_words_per_second(text)
    rows.append(("awal shipped rules", f"{w_acc:.1f} / {w_cer:.1f}", f"{p_acc:.1f} / {p_cer:.1f}", f"{wps:,.0f}"))
    rows.append((f"awal fitted (80% split, {fit_s:.0f} s)", f"{f_acc:.1f} / {f_cer:.1f}", "", ""))

    try:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from peers import arabizikit_to_arabic

        arabizikit_to_arabic("salam")
    except ImportError:
        print("(arabizikit not importable: peer row skipped)")
    else:
        def peer(texts: list[str]) -> list[str]:
            return [" ".join(arabizikit_to_arabic(w) for w in t.split()) for t in texts]

        k_acc, k_cer = score(peer([lat for lat, _ in words]), [a for _, a in words])
        kd_acc, kd_cer = score(peer([lat for lat, _ in dev]), [a for _, a in dev])
        kp_acc, kp_cer = score(peer([lat for lat, _ in phrases]), [a for _, a in phrases])
        kwps = words_per_second(peer, text)  # the same words as awal, one call a word
        rows.append(("arabizikit maghrebi", f"{k_acc:.1f} / {k_cer:.1f} (split {kd_acc:.1f} / {kd_cer:.1f})",
                     f"{kp_acc:.1f} / {kp_cer:.1f}", f"{kwps:,.0f}"))
        rows.append(("speed ratio awal / arabizikit (same words, same run)", "", "", f"{wps / kwps:.1f}x"))

    print(f"DODa dev: {len(words)} words (fitted: {len(train)} train / {len(dev)} test pairs,"
          f" grouped by Arabic form), {len(phrases)} phrases, speed on {len(text):,} words"
          f" ({len(set(text)):,} distinct) of doda_ongoing_dev.tsv, awal: median of 3 fresh models\n")
    print("| system | words acc / CER % | phrases acc / CER % | words/s |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()

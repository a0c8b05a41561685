"""Amazigh transliteration: CLDR Tachelhit pairs, FLORES round trips and speed.

Reads ``../shared/data`` (or ``$AWAL_SHARED/data``); nothing from it is copied into the
repository.

* CLDR Tachelhit (``amazigh/cldr/cldr_shi_Tfng__shi_Latn_dev.tsv``, columns key,
  shi_Tfng, shi_Latn): exact match and CER in both directions, after NFC.
  Tifinagh has no case, so ``tfng2latn`` is compared with the Latin side lowercased, and
  CLDR's Greek ε (U+03B5) is read as ɛ (U+025B), the IRCAM letter; the raw comparison
  is printed too. ``latn2tfng`` is compared exactly (it accepts uppercase and ε itself).
  About 8 of the 369 CLDR pairs disagree with themselves, so ~98% is the ceiling.
* Round trip Tifinagh -> Latin -> Tifinagh on FLORES-200 dev (tzm_Tfng, taq_Tfng):
  exact, and "folded" (Tuareg glyph variants such as ⴾ ⵗ read back as the IRCAM letter
  by design; see ``data/schemes/tifinagh_latin.tsv``).
* Speed: ``tfng2latn`` on the FLORES tzm_Tfng lines repeated to ~10 MB of UTF-8, against
  a pure-Python table (``str.translate`` with a dict built from the same scheme file,
  escapes included), outputs checked identical; as a list of lines and as one string.

    PYTHONPATH=src python3 benchmarks/evaluate_amazigh.py
"""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import shared_dir  # noqa: E402
from evaluate_arabizi import edit_distance  # noqa: E402  (one Levenshtein for every evaluation)

ROOT = Path(__file__).resolve().parents[1]
SCHEME_FILE = ROOT / "data" / "schemes" / "tifinagh_latin.tsv"

# Tuareg / Berber Academy glyph variants -> the IRCAM letter latn2tfng gives back.
FOLD = str.maketrans("ⵁⵂⴾⵆⵈⵗⵘⵌⵋⵤ", "ⵀⵀⴽⵅⵇⵖⵖⵊⵊⵣ")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def latin_gold(text: str) -> str:
    """CLDR shi_Latn as tfng2latn can produce it: NFC, lowercase, Greek ε -> ɛ."""
    return nfc(text).replace("\u03b5", "\u025b").lower()


def load_cldr(shared: Path | None = None) -> list[tuple[str, str, str]]:
    """(key, shi_Tfng, shi_Latn) rows."""
    path = (shared or shared_dir() / "data") / "amazigh" / "cldr" / "cldr_shi_Tfng__shi_Latn_dev.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(c[0], c[1], c[2]) for c in (ln.split("\t") for ln in lines) if len(c) >= 3]


def load_flores(name: str, shared: Path | None = None) -> list[str]:
    path = (shared or shared_dir() / "data") / "flores200" / "dev" / f"{name}.dev"
    return path.read_text(encoding="utf-8").splitlines()


def score(outputs: list[str], golds: list[str]) -> dict[str, float]:
    """Exact-match rate and CER (summed edit distance / summed reference length)."""
    exact = sum(o == g for o, g in zip(outputs, golds)) / len(golds)
    cer = sum(edit_distance(o, g) for o, g in zip(outputs, golds)) / max(1, sum(map(len, golds)))
    return {"exact": exact, "cer": cer, "n": len(golds)}


def cldr_scores(shared: Path | None = None) -> dict[str, dict[str, float]]:
    """Scores of tfng2latn and latn2tfng on the CLDR Tachelhit pairs."""
    import awal

    rows = load_cldr(shared)
    tfng, latn = [r[1] for r in rows], [r[2] for r in rows]
    to_latn = [nfc(x) for x in awal.transliterate(tfng, "tfng2latn")]
    to_tfng = [nfc(x) for x in awal.transliterate(latn, "latn2tfng")]
    return {
        "tfng2latn": score(to_latn, [latin_gold(x) for x in latn]),
        "tfng2latn (raw gold)": score(to_latn, [nfc(x) for x in latn]),
        "latn2tfng": score(to_tfng, [nfc(x) for x in tfng]),
    }


def round_trip(lines: list[str]) -> dict[str, float]:
    """Share of lines that survive tfng2latn -> latn2tfng exactly, and up to glyph-variant folding."""
    import awal

    back = awal.transliterate(awal.transliterate(lines, "tfng2latn"), "latn2tfng")
    n = max(1, len(lines))
    return {
        "exact": sum(a == b for a, b in zip(lines, back)) / n,
        "folded": sum(a.translate(FOLD) == b for a, b in zip(lines, back)) / n,
        "n": len(lines),
    }


def translate_table() -> dict[int, str]:
    """tfng2latn as a ``str.translate`` dict, read from the same scheme file (escapes included)."""
    from awal.rules import read_table
    from awal.translit import _directives

    rows = read_table(SCHEME_FILE)
    escape = _directives(SCHEME_FILE)["escape"]
    table = {ord(left): right for left, right, direction, _ in rows if direction in ("<>", ">")}
    if any(len(left) != 1 for left, _, direction, _ in rows if direction in ("<>", ">")):
        raise ValueError("tfng2latn has a multi-character source key; the baseline needs str.replace for it")
    alphabet = {ch for _, right, direction, _ in rows if direction in ("<>", "<") for ch in right} | {escape}
    table.update({ord(ch): escape + ch for ch in alphabet})
    return table


def _best(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def speed(lines: list[str], target_bytes: float = 10e6) -> dict[str, dict[str, float]]:
    """awal vs ``str.translate`` on ``lines`` repeated to ~target_bytes of UTF-8."""
    import awal

    size = len("\n".join(lines).encode("utf-8")) + 1
    big = lines * max(1, round(target_bytes / size))
    table = translate_table()
    megabytes = sum(len(s.encode("utf-8")) + 1 for s in big) / 1e6
    awal.transliterate("ⴰ", "tfng2latn")  # compile the scheme outside the timing
    results = {}
    for label, data, baseline in (
        ("list of lines", big, lambda: [s.translate(table) for s in big]),
        ("one string", "\n".join(big), lambda: "\n".join(big).translate(table)),
    ):
        t_awal, out = _best(lambda: awal.transliterate(data, "tfng2latn"))
        t_py, ref = _best(baseline)
        if out != ref:
            raise AssertionError(f"awal and the str.translate baseline disagree ({label})")
        results[label] = {"MB": megabytes, "awal_s": t_awal, "python_s": t_py, "ratio": t_py / t_awal}
    return results


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    shared = shared_dir() / "data"
    print("CLDR Tachelhit shi_Tfng <-> shi_Latn (dev), after NFC")
    print(f"{'direction':<22} {'n':>5} {'exact':>8} {'CER':>8}")
    for name, s in cldr_scores(shared).items():
        print(f"{name:<22} {s['n']:>5} {s['exact']:>8.4f} {s['cer']:>8.4f}")
    print("  tfng2latn is scored against the Latin side lowercased with ε -> ɛ (Tifinagh has no case);")
    print("  '(raw gold)' compares with CLDR's Latin exactly as written.")
    print()
    print("Round trip Tifinagh -> Latin -> Tifinagh (FLORES-200 dev, lines)")
    print(f"{'file':<10} {'n':>5} {'exact':>8} {'folded':>8}")
    for name in ("tzm_Tfng", "taq_Tfng"):
        r = round_trip(load_flores(name, shared))
        print(f"{name:<10} {r['n']:>5} {r['exact']:>8.4f} {r['folded']:>8.4f}")
    print("  folded: Tuareg glyph variants (ⴾ ⵂ ⵆ ⵈ ⵗ ...) read back as the IRCAM letter, by design.")
    print()
    print("Speed: tfng2latn on FLORES tzm_Tfng repeated, vs str.translate with a dict (outputs identical)")
    print(f"{'input':<14} {'MB':>6} {'awal s':>8} {'python s':>9} {'awal MB/s':>10} {'ratio':>7}")
    ok = True
    for label, s in speed(load_flores("tzm_Tfng", shared)).items():
        print(f"{label:<14} {s['MB']:>6.1f} {s['awal_s']:>8.3f} {s['python_s']:>9.3f} "
              f"{s['MB'] / s['awal_s']:>10.1f} {s['ratio']:>6.1f}x")
        ok &= s["ratio"] >= 10
    print(f"  target: >= 10x the pure-Python table: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

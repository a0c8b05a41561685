"""What camel-tools, PyArabic and awal each do with every rule group, tested on examples.

Run in the benchmark environment (where the peers are installed)::

    benchmarks/.venv/bin/python benchmarks/compare_rules.py

It prints a Markdown table: for each rule group an example input and each
tool's actual output, marked ✓ when the output is the expected normal form.
The README's comparison table is this output.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import awal  # noqa: E402
import peers  # noqa: E402

# (rule group, input, expected normal form for search/matching)
GROUPS = [
    ("diacritics (harakat, shadda, tanween)", "كَتَبَ مُدَرِّسٌ", "كتب مدرس"),
    ("dagger alef / Quranic marks", "الرَّحْمَٰنِ ذَٰلِكَ ۖ", "الرحمن ذلك "),
    ("tatweel", "كـــتاب", "كتاب"),
    ("alef variants أ إ آ ٱ", "أحمد إلى آخر ٱلعلم", "احمد الي اخر العلم"),
    ("alef maksura ى", "على", "علي"),
    ("teh marbuta ة", "مدرسة", "مدرسه"),
    ("hamza carriers ؤ ئ", "مسؤول قائد", "مسوول قايد"),
    ("presentation forms / lam-alef ligature", "ﻻ ﺑﺴﻢ", "لا بسم"),
    ("Allah ligature ﷲ", "ﷲ", "الله"),
    ("Persian kaf ک, Farsi yeh ی by position", "کتاب فی فیها", "كتاب في فيها"),
    ("Darija letters ڭ گ ڤ پ", "ڭال گال ڤيديو پاپا", "كال كال فيديو بابا"),
    ("elongation (3+ repeats)", "بزااااف ههههه", "بزااف هه"),
    ("Eastern Arabic / Persian digits", "١٢٣ ۴۵", "123 45"),
    ("Arabic punctuation", "نعم، لا؛ ماذا؟", "نعم, لا; ماذا?"),
    ("invisible / bidi controls", "a\u200fب\u200bc\ufeff", "abc".replace("b", "ب")),
    ("Latin case", "Bonjour ÉTÉ", "bonjour été"),
    ("Latin Amazigh look-alikes (Greek ε γ)", "ayεni γer", "ayɛni ɣer"),
    ("Tifinagh labialisation ʷ → ⵯ", "ⴳʷ ⴽ°", "ⴳⵯ ⴽⵯ"),
    ("Tifinagh kept intact (no NFKC)", "ⴰⴳⵯⵎⵎⴰⵔ", "ⴰⴳⵯⵎⵎⴰⵔ"),
]


def main() -> None:
    camel = peers.camel_normalize_fn()
    pyarabic = peers.pyarabic_normalize_fn()
    tools = {"camel-tools": camel, "PyArabic": pyarabic, "awal search": lambda s: awal.normalize(s, "search")}
    print("| rule group | input | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for group, text, expected in GROUPS:
        cells = []
        for fn in tools.values():
            out = fn(text)
            mark = "✓" if out == expected else ("unchanged" if out == text else "✗")
            cells.append(f"`{out}` {mark}")
        print(f"| {group} | `{text}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

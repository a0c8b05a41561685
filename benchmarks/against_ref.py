"""List rows of this checkout against another checkout's awal, in one process, in alternation.

Usage (from the repository root, inside the benchmark venv)::

    benchmarks/.venv/bin/python benchmarks/against_ref.py /work/main

The other checkout's ``src/awal`` (and its ``data/``) is copied to a temporary folder as the
package ``awal_ref`` (its absolute ``awal`` imports renamed), so both versions run in the same
process and every row times them in turn (median of 7 rounds, outputs compared). Prints a
Markdown table of MB/s of UTF-8 input and the reference's time over this checkout's.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import corpus
from usage import alternate


def import_reference(checkout: Path):
    """The other checkout's awal, imported as ``awal_ref`` from a renamed copy."""
    folder = Path(tempfile.mkdtemp(prefix="awal-ref-"))
    package = folder / "awal_ref"
    shutil.copytree(checkout / "src" / "awal", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(checkout / "data", package / "data")
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\bfrom awal([. ])", r"from awal_ref\1", text)
        path.write_text(re.sub(r"\bimport awal\b", "import awal_ref as awal", text), encoding="utf-8")
    sys.path.insert(0, str(folder))
    import awal_ref

    return awal_ref


def main(checkout: str) -> None:
    import awal

    reference = import_reference(Path(checkout))
    xs = corpus.short_strings(100_000)
    bw = awal.transliterate(xs[:50_000], "ar2bw")
    tifinagh = corpus.flores("taq_Tfng") * 20
    one = "\n".join(xs[:20_000])
    mixed = [line for lang in ("arb_Arab", "arb_Latn", "ary_Arab", "eng_Latn", "fra_Latn", "kab_Latn", "taq_Tfng", "tzm_Tfng")
             for line in corpus.flores(lang)] * 10  # as usage.list_rows
    rows = [
        ("normalize(list, camel)", lambda a: a.normalize(xs, "camel"), xs),
        ("normalize(list, search)", lambda a: a.normalize(xs, "search"), xs),
        ("normalize(one 4 MB str, search)", lambda a: a.normalize(one, "search"), one),
        ("normalize(FLORES 8 languages x10, camel)", lambda a: a.normalize(mixed, "camel"), mixed),
        ("transliterate(list, ar2bw)", lambda a: a.transliterate(xs, "ar2bw"), xs),
        ("transliterate(list, bw2ar)", lambda a: a.transliterate(bw, "bw2ar"), bw),
        ("transliterate(FLORES taq_Tfng x20, tfng2latn)", lambda a: a.transliterate(tifinagh, "tfng2latn"), tifinagh),
        ("tokenize(list), 30k strings", lambda a: a.tokenize(xs[:30_000]), xs[:30_000]),
    ]
    print(f"| list row | {checkout} | this checkout | reference time / this time |\n|---|---:|---:|---:|")
    only = sys.argv[2:]  # names containing one of these words, or every row
    for name, run, data in rows:
        if only and not any(word in name for word in only):
            continue
        mb = corpus.utf8_mb(data)
        (t_this, out_this), (t_ref, out_ref) = alternate([lambda: run(awal), lambda: run(reference)], rounds=7)
        same = "" if out_this == out_ref else " (outputs differ)"
        print(f"| {name}{same} | {mb / t_ref:.1f} | {mb / t_this:.1f} | {t_ref / t_this:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../main")

"""Language identification speed: awal against pycld2 and py3langid, same lines, same process.

Rows (CPU time, ``time.process_time``; sentences: median of ``--repeat`` rounds in which awal
and the peers run in alternation, so load changes on a shared machine hit every side of a ratio;
tokens and model load: best of ``--repeat``):

* sentences: every line of the eight FLORES-200 dev files (7,976 lines, ~125 characters),
  ``awal.identify(list)`` vs ``pycld2.detect`` and ``py3langid.classify`` per line
  (neither peer has a batch call), the median of alternated rounds;
* one call per line (``df.text.map(awal.identify)``, a Python loop): ``awal.identify(str)``,
  which scores one short text in plain Python (:mod:`awal.lid.one`), its word and n-gram
  caches emptied before each round (a new corpus), against the same peers and against the
  batch path called on each line alone (what ``identify(str)`` ran before), in the same rounds;
* a longer stream, one call per line: the 123k lines of ``../shared/data/lid`` (tweets,
  Wikipedia, books), ``awal.identify(str)`` from empty caches (they fill and drop their oldest
  half on the way) against ``pycld2.detect`` per line and ``awal.identify(list)``;
* tokens: NArabizi comments (Algerian Arabizi/French), ``awal.identify_tokens(list)``,
  tokens per second;
* model load: ``Identifier.load`` of the bundled model, and the CPU time of a fresh interpreter's
  first ``awal.identify`` after ``import awal`` (importing awal.lid and loading the model).

Also printed, for context: the share of each FLORES file each tool labels as the right
language (peers' codes mapped: ar -> arb/ary, fr -> fra, en -> eng; neither peer knows
Darija or Tamazight, see issue 11). awal's model is trained on FLORES dev, so its column
there is training accuracy; held-out figures come from ``benchmarks/evaluate_lid.py``.

    benchmarks/.venv/bin/python benchmarks/bench_lid.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import awal  # noqa: E402
from awal.lid.corpus import narabizi_tokens  # noqa: E402
from awal.lid.model import Identifier, model_dir  # noqa: E402
from corpus import shared_dir  # noqa: E402

DATA = shared_dir() / "data"


def best_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times)


def fresh_first_call() -> float:
    """CPU seconds a new interpreter spends in its first ``awal.identify`` after ``import awal``
    (importing awal.lid and loading the model included), median of 3."""
    code = "import time, awal; t = time.process_time(); awal.identify('salam'); print(0, time.process_time() - t)"
    runs = sorted(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[1]) for _ in range(3))
    return runs[1]


def first_pass(idf: Identifier, lines: list[str]) -> list[str]:
    """``idf.identify`` once per line, the one-text scorer's caches emptied first (a new corpus)."""
    idf.state.pop("one", None)
    return [idf.identify(s) for s in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import py3langid
    import usage

    usage.installed_bytecode()  # the fresh interpreter of the first-identify row finds compiled bytecode
    import pycld2

    files = sorted((DATA / "flores200" / "dev").glob("*.dev"))
    per_file = {path.stem: path.read_text(encoding="utf-8").splitlines() for path in files}
    lines = [line for texts in per_file.values() for line in texts]
    idf = Identifier()
    idf.identify(lines[:10])
    py3langid.classify("warm up")
    rows = {  # name: (function, rounds): the slow ones run in the first rounds only
        "awal.identify (list)": (lambda: idf.identify(lines), args.repeat),
        "pycld2.detect (per line)": (lambda: [pycld2.detect(s) for s in lines], args.repeat),
        "py3langid.classify (per line)": (lambda: [py3langid.classify(s) for s in lines], 3),
        "awal.identify (per line, first pass)": (lambda: first_pass(idf, lines), args.repeat),
        "awal batch path per line (identify(str) before)": (lambda: [idf.probabilities([s]) for s in lines], 3),
    }
    times: dict[str, list[float]] = {name: [] for name in rows}
    for round_ in range(args.repeat):  # in alternation: a change in the machine's load hits every side
        for name, (function, rounds) in rows.items():
            if round_ < rounds:
                gc.collect()
                started = time.process_time()
                function()
                times[name].append(time.process_time() - started)
    speed = {name: len(lines) / statistics.median(spent) for name, spent in times.items()}
    mb = sum(len(s.encode()) for s in lines) / 1e6
    print(f"## Sentence level: {len(lines)} FLORES-200 dev lines ({mb:.2f} MB), CPU time, median of {args.repeat} "
          "alternated rounds (py3langid and the batch path per line: 3)\n")  # fmt: skip
    print("| method | lines/s | MB/s | awal (list) ÷ this | awal per line ÷ this |\n|---|---:|---:|---:|---:|")
    ours, per_line = speed["awal.identify (list)"], speed["awal.identify (per line, first pass)"]
    for name, value in speed.items():
        print(f"| {name} | {value:,.0f} | {value * mb / len(lines):.2f} | {ours / value:.2f}× | {per_line / value:.2f}× |")

    stream = [line for path in sorted((DATA / "lid").glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    stream_rows = {
        "awal.identify (per line, first pass)": lambda: first_pass(idf, stream),
        "pycld2.detect (per line)": lambda: [pycld2.detect(s) for s in stream],
        "awal.identify (list)": lambda: idf.identify(stream),
    }
    spent = {name: [] for name in stream_rows}
    for _ in range(3):
        for name, function in stream_rows.items():
            gc.collect()
            started = time.process_time()
            function()
            spent[name].append(time.process_time() - started)
    stream_mb = sum(len(s.encode()) for s in stream) / 1e6
    print(f"\n## A longer stream: the {len(stream):,} lines of every ../shared/data/lid file ({stream_mb:.1f} MB: tweets, "
          "Wikipedia, books, UD), one pass each, CPU time, median of 3 alternated rounds\n")  # fmt: skip
    print("| method | lines/s | awal per line, first pass ÷ this |\n|---|---:|---:|")
    first = len(stream) / statistics.median(spent["awal.identify (per line, first pass)"])
    for name, times_ in spent.items():
        value = len(stream) / statistics.median(times_)
        print(f"| {name} | {value:,.0f} | {first / value:.2f}× |")

    comments = [" ".join(tokens) for _, tokens, _ in narabizi_tokens(DATA)]
    n_tokens = sum(len(t) for t in awal.tokenize(comments))
    token_time = best_time(lambda: awal.identify_tokens(comments), args.repeat)
    print(f"\n## Token level: {len(comments)} NArabizi comments, {n_tokens} tokens\n")
    print(f"awal.identify_tokens(list): {n_tokens / token_time:,.0f} tokens/s (CPU time, best of {args.repeat})")

    load = best_time(lambda: Identifier.load(model_dir()), args.repeat)
    size = sum(p.stat().st_size for p in model_dir().rglob("*") if p.is_file()) / 1e6
    print(f"\n## Model load\n\nIdentifier.load (bundled, {size:.1f} MB): {load * 1000:.1f} ms CPU; "
          f"first awal.identify in a fresh interpreter (after import awal): {fresh_first_call() * 1000:.0f} ms CPU")  # fmt: skip

    print("\n## Share of each FLORES dev file labelled with its language (awal was TRAINED on these lines:"
          " its column is not a held-out figure; see benchmarks/evaluate_lid.py)\n")  # fmt: skip
    cld2_map = {"ar": {"arb_Arab", "ary_Arab"}, "fr": {"fra_Latn"}, "en": {"eng_Latn"}}
    lid_map = {"ar": {"arb_Arab", "ary_Arab"}, "fr": {"fra_Latn"}, "en": {"eng_Latn"}, "kab": {"kab_Latn"}}
    print("| file | awal | pycld2 | py3langid |\n|---|---:|---:|---:|")
    for name, texts in per_file.items():
        ours_right = sum(label == name for label in idf.identify(texts)) / len(texts)
        cld2_right = sum(name in cld2_map.get(pycld2.detect(s)[2][0][1], set()) for s in texts) / len(texts)
        lid_right = sum(name in lid_map.get(py3langid.classify(s)[0], set()) for s in texts) / len(texts)
        print(f"| {name} | {ours_right:.3f} | {cld2_right:.3f} | {lid_right:.3f} |")
    print("\n(pycld2 and py3langid have no Darija label: their 'ar' is counted right for both arb_Arab and ary_Arab.)")


if __name__ == "__main__":
    main()

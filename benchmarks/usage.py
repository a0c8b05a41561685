"""Section E of benchmarks/run.py: awal where users actually call it (issue 12).

One short string per call, the first call in a fresh process, Arrow arrays next to
polars, one huge string, the list rows issue 12 adds, and a "floor" row. Every
timed pair runs in alternation (one timing of each side per round) and the row
keeps the **median** of the rounds (at least 5), so load changes on the shared
machine hit both sides of a ratio. Outputs are compared wherever both sides
compute the same function.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import regex

import corpus

HERE = Path(__file__).resolve().parent
BYTECODE = HERE / "out" / "bytecode"


def installed_bytecode() -> None:
    """Child interpreters started from now on write awal's compiled bytecode to ``benchmarks/out/bytecode``
    and reuse it, as a pip-installed package has it (pip compiles at install time). Without this, a
    session that sets PYTHONDONTWRITEBYTECODE compiles every module in every fresh process, and the
    first-call and import rows time the compiler (cli_bench.py does the same in its own folder). The
    package is compiled here first, as pip does, so that no timed child is the one that compiles
    the modules changed since the last run."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    import importlib.util

    package = importlib.util.find_spec("awal").submodule_search_locations[0]
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True, env=os.environ)
ROUNDS = 7


def alternate(fns, *args, rounds: int = ROUNDS, loops: int = 1) -> list[tuple[float, object]]:
    """``[(median CPU seconds of one call, output), ...]``: each round times every function once
    (``loops`` calls in a row), in turn."""
    times = [[] for _ in fns]
    outs = [None] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t0 = time.process_time()
            for _ in range(loops):
                outs[i] = fn(*args)
            times[i].append((time.process_time() - t0) / loops)
    return [(max(statistics.median(t), 1e-12), out) for t, out in zip(times, outs)]


def short_strings(count: int = 400) -> list[str]:
    """``count`` strings of 20 to 60 characters cut from the Arabic corpus at word boundaries."""
    text = corpus.whole_corpus()[:200_000].replace("\n", " ")
    words = text.split(" ")
    rng = np.random.default_rng(12)
    out, i = [], 0
    while len(out) < count:
        want = int(rng.integers(20, 61))
        piece = ""
        while len(piece) < want and i < len(words):
            piece = (piece + " " + words[i]).strip()
            i += 1
        out.append(piece[:60])
    return out


CAMEL_REPLACES = [(chr(c), "") for c in [*range(0x064B, 0x0653), 0x0670]] + [
    ("إ", "ا"), ("أ", "ا"), ("ٱ", "ا"), ("آ", "ا"), ("ى", "ي"), ("ة", "ه"),
]  # fmt: skip  # camel-tools' four functions as 15 str.replace


def chained_replace(s: str) -> str:
    for key, value in CAMEL_REPLACES:
        s = s.replace(key, value)
    return s


def per_call(strings, function):
    """One call per string, as ``df.text.map(function)`` does."""
    return [function(s) for s in strings]


def section(xs, h) -> None:
    """Rows of section E; ``h`` holds run.py's helpers (row, skip, header, guard, same, PurePythonProfile)."""
    import awal

    h.header("E. Where users call awal (issue 12): one string, first call, Arrow, one huge string")
    strings = short_strings()
    calls = len(strings)

    def one_string_row(name, awal_fn, peer_fn, peer_name, target, compare=True, target_text=""):
        awal_fn(strings[0]), peer_fn(strings[0])
        (t_a, out_a), (t_p, out_p) = alternate([lambda: per_call(strings, awal_fn), lambda: per_call(strings, peer_fn)], loops=20)
        note = h.same(name, out_a, out_p, strings) if compare else "different rules"
        h.row("E", name, calls / t_a / 1e3, calls / t_p / 1e3, peer_name, target, note, unit="k calls/s", target_text=target_text)

    with h.guard("E", "one string, camel"):
        one_string_row('one string: normalize(s, "camel") vs 15 str.replace', lambda s: awal.normalize(s, "camel"),
                       chained_replace, "15 chained str.replace", 1 / 1.5, target_text="≤ 1.5× time")
        camel = h.peers.camel_normalize_fn()
        one_string_row('one string: normalize(s, "camel") vs camel-tools', lambda s: awal.normalize(s, "camel"),
                       camel, "camel-tools 4 functions", 1)
    with h.guard("E", "one string, search"):
        pure = h.PurePythonProfile("search")
        one_string_row('one string: normalize(s, "search") vs pure Python', lambda s: awal.normalize(s, "search"),
                       pure, "translate+regex+NFC (run.py)", 1 / 1.5, target_text="≤ 1.5× time")
    with h.guard("E", "one string, tokenize"):
        rx = regex.compile(r"\w+|[^\w\s]")
        one_string_row("one string: tokenize(s) vs regex.findall", awal.tokenize, rx.findall,
                       r"regex \w+|[^\w\s]", 1 / 1.5, compare=False, target_text="≤ 1.5× time")
    with h.guard("E", "one string, ar2bw"):
        ar2bw = h.peers.camel_charmap("ar2bw")
        one_string_row("one string: transliterate(s, ar2bw) vs camel CharMapper", lambda s: awal.transliterate(s, "ar2bw"),
                       ar2bw, "camel-tools ar2bw", None, compare=False)
    with h.guard("E", "small lists"):
        eight = [strings[i : i + 8] for i in range(0, calls, 8)]
        (t_a, out_a), (t_p, out_p) = alternate(
            [lambda: [awal.normalize(x, "camel") for x in eight], lambda: [[chained_replace(s) for s in x] for x in eight]], loops=10)
        note = h.same("lists of 8", [s for x in out_a for s in x], [s for x in out_p for s in x])
        h.row("E", 'lists of 8 strings: normalize(x, "camel") vs str.replace', calls / t_a / 1e3, calls / t_p / 1e3,
              "15 chained str.replace per string", None, note, unit="k str/s")

    with h.guard("E", "first call"):
        first_call_rows(h)
    with h.guard("E", "Arrow"):
        arrow_rows(xs, h)
    with h.guard("E", "one huge string"):
        huge_string_rows(h)
    with h.guard("E", "lists"):
        list_rows(xs, h)


# ------------------------------------------------------------------ first call
FIRST_CALLS = {
    **{f'normalize(s, "{p}")': f'awal.normalize("قَالَ الرَّئِيسُ إِنَّ", "{p}")' for p in ("default", "search", "camel", "darija")},
    "tokenize(s)": 'awal.tokenize("قال: ما عندي والو")',
    'transliterate(s, "arabizi2ar")': 'awal.transliterate("salam 3likom", "arabizi2ar")',
    'transliterate(s, "ar2bw")': 'awal.transliterate("قال", "ar2bw")',
}
FIRST_CALL_CODE = """
import time, awal
t = time.process_time()
{call}
print(time.process_time() - t)
"""


def first_call_rows(h) -> None:
    """CPU time of the first call after ``import awal`` in a fresh process (median of 5), with the
    user cache already filled (a first run fills it; that run is reported in the note)."""
    for name, call in FIRST_CALLS.items():
        code = FIRST_CALL_CODE.format(call=call)
        runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
                for _ in range(6)]
        cold, warm = runs[0], statistics.median(runs[1:])
        h.row("E", f"first call: {name}", warm, 0.150, "target", None, f"first run in this benchmark (may fill the cache): {cold * 1e3:.0f} ms",
              unit="s", no_ratio=True, passed=warm <= 0.150, target_text="≤ 0.150 s CPU")


# ------------------------------------------------------------------ Arrow
def arrow_rows(xs, h) -> None:
    import pyarrow as pa
    import polars as pl

    import awal
    from awal.arrow import normalize_array, tokenize_array

    mb = corpus.utf8_mb(xs)
    array = pa.array(xs, type=pa.large_string())
    series = pl.Series(array)
    keys, values = [k for k, _ in CAMEL_REPLACES], [v for _, v in CAMEL_REPLACES]
    (t_a, out_a), (t_p, out_p), (t_l, out_l) = alternate([
        lambda: normalize_array(array, "camel"),
        lambda: series.str.replace_many(keys, values),
        lambda: awal.normalize(xs, "camel"),
    ], rounds=5)  # fmt: skip
    note = h.same("normalize_array(camel) vs polars", out_a.to_pylist(), out_p.to_list())
    h.row("E", 'Arrow: normalize_array(camel) vs polars replace_many', mb / t_a, mb / t_p, "polars str.replace_many", 2, note)
    h.same("normalize_array(camel) vs list path", out_a.to_pylist(), out_l)
    h.row("E", 'Arrow: normalize_array(camel) vs awal list path', mb / t_a, mb / t_l, 'awal.normalize(list, "camel")', 1, note)
    other = [line for lang in ("eng_Latn", "fra_Latn", "kab_Latn", "tzm_Tfng", "taq_Tfng") for line in corpus.flores(lang)] * 4
    other_array, other_mb = pa.array(other, type=pa.large_string()), corpus.utf8_mb(other)
    other_series = pl.Series(other_array)
    (t_a, out_a), (t_p, out_p) = alternate(
        [lambda: normalize_array(other_array, "camel"), lambda: other_series.str.replace_many(keys, values)], rounds=5)
    note = h.same("normalize_array(camel) vs polars, no Arabic", out_a.to_pylist(), out_p.to_list())
    h.row("E", f"Arrow: normalize_array(camel), FLORES Latin+Tifinagh ({len(other):,} rows, no Arabic)", other_mb / t_a,
          other_mb / t_p, "polars str.replace_many", None, f"{note}; slices without a source byte are kept as they are")
    from awal.arrow import transliterate_array
    from awal.translit import _table_scheme

    bw = _table_scheme("ar2bw").steps[0].mapping  # Arabic to Buckwalter: one character to one ASCII character
    (t_a, out_a), (t_p, out_p), (t_l, out_l) = alternate([
        lambda: transliterate_array(array, "ar2bw"),
        lambda: series.str.replace_many(list(bw), list(bw.values())),
        lambda: awal.transliterate(xs, "ar2bw"),
    ], rounds=5)  # fmt: skip
    note = h.same("transliterate_array(ar2bw) vs polars", out_a.to_pylist(), out_p.to_list())
    h.row("E", "Arrow: transliterate_array(ar2bw) vs polars replace_many", mb / t_a, mb / t_p, "polars str.replace_many (51 pairs)", None, note)
    h.same("transliterate_array(ar2bw) vs list path", out_a.to_pylist(), out_l)
    h.row("E", "Arrow: transliterate_array(ar2bw) vs awal list path", mb / t_a, mb / t_l, 'awal.transliterate(list, "ar2bw")', None, note)
    pattern = r"\w+|[^\w\s]"
    (t_a, out_a), (t_p, out_p) = alternate([lambda: tokenize_array(array), lambda: series.str.extract_all(pattern)], rounds=5)
    n_a, n_p = len(out_a.flatten()), int(out_p.list.len().sum())
    h.row("E", "Arrow: tokenize_array vs polars extract_all", mb / t_a, mb / t_p, r"polars str.extract_all(\w+|[^\w\s])", 1.5,
          f"different rules: {n_a:,} vs {n_p:,} tokens")
    (t_a, out_t), (t_p, _) = alternate([lambda: awal.tokenize(array), lambda: series.str.extract_all(pattern)], rounds=5)
    note = h.same("awal.tokenize(array) vs tokenize_array", out_t.to_pylist(), out_a.to_pylist())
    h.row("E", "Arrow: awal.tokenize(array) vs polars extract_all", mb / t_a, mb / t_p, r"polars str.extract_all(\w+|[^\w\s])",
          1.5, f"{note}; same tokens as tokenize_array")


# ------------------------------------------------------------------ one huge string
HUGE_SIZES = (1_000_000, 10_000_000, 100_000_000)
HUGE_CODE = """
import gc, json, re, sys, time
sys.path.insert(0, {here!r})
import corpus, awal

def status(key):  # kB
    return int(re.search(key + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1))

text = corpus.whole_corpus()
text = text * ({size} * 2 // len(text.encode()) + 1)
text = text[: len(text) * {size} // len(text.encode())]
mb = len(text.encode()) / 1e6
gc.collect()
awal.normalize(corpus.whole_corpus()[:300_000], "{profile}")  # the same warm-up at every size, just before the call
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the peak resident memory (VmHWM) starts again from the memory in use now
before = status("VmRSS")
t = time.process_time()
out = awal.normalize(text, "{profile}")
cpu = time.process_time() - t
print(json.dumps({{"ms_per_mb": cpu * 1e3 / mb, "extra": (status("VmHWM") - before) * 1024 / (mb * 1e6)}}))
"""


def huge_string_rows(h) -> None:
    """CPU ms per MB for one str of 1, 10 and 100 MB, and the peak resident memory of the call
    above the memory in use before it (the text already built).

    Every call is the first of its size in a fresh process, right after the same warm-up (one
    call on 300,000 characters: tables built and in cache, modules loaded), so no size finds
    memory of its own size to reuse; rounds take the sizes in turn (each round starting one size later) and a row keeps
    the median of :data:`ROUNDS` rounds per size. The peak is Linux's VmHWM, reset just before the
    call through ``/proc/self/clear_refs``: exact, where sampling missed the peak of a 2 ms call.
    """
    for profile in ("camel", "search"):
        runs: dict[int, list[dict]] = {size: [] for size in HUGE_SIZES}
        for round_ in range(ROUNDS):
            turn = round_ % len(HUGE_SIZES)
            for size in HUGE_SIZES[turn:] + HUGE_SIZES[:turn]:
                code = HUGE_CODE.format(here=str(HERE), profile=profile, size=size)
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
                runs[size].append(json.loads(out))
        per_mb = {size: statistics.median(r["ms_per_mb"] for r in rs) for size, rs in runs.items()}
        extras = {size: statistics.median(r["extra"] for r in rs) for size, rs in runs.items()}
        spread = max(per_mb.values()) / min(per_mb.values())
        detail = ", ".join(
            f"{s // 1_000_000} MB: {v:.2f} ms/MB (rounds {min(r['ms_per_mb'] for r in runs[s]):.2f}-"
            f"{max(r['ms_per_mb'] for r in runs[s]):.2f}), peak RSS - before = {extras[s]:.2f}x input"
            for s, v in per_mb.items())  # fmt: skip
        h.row("E", f'one huge str, "{profile}": ms/MB spread 1-100 MB', spread, 1.25, "max/min ms/MB", None, detail,
              unit="x", no_ratio=True, passed=spread <= 1.25, target_text="≤ 1.25")
        worst = max(extras.values())
        h.row("E", f'one huge str, "{profile}": peak RSS - input', worst, 2.0, "x input", None, detail,
              unit="x input", no_ratio=True, passed=worst <= 2.0, target_text="≤ 2× input")


# ------------------------------------------------------------------ lists, floor
_TABLE16, _TABLE32 = np.arange(0x10000, dtype=np.uint16), np.arange(0x110000, dtype=np.uint32)


def _gather_slice(joined: str) -> str:
    from awal.kernels import map_table

    try:
        units = np.frombuffer(joined.encode("utf-16-le"), dtype=np.uint16)
    except UnicodeEncodeError:  # a lone surrogate
        units = None
    if units is not None and len(units) == len(joined):
        return str(memoryview(map_table(units, _TABLE16)), "utf-16-le")
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return str(memoryview(map_table(cps, _TABLE32)), "utf-32-le", "surrogatepass")


def list_floor(strings: list[str]) -> list[str]:
    """The floor of a list -> list character map in NumPy: what it must do at least, with every
    conversion trick awal's list path has (slices of 2,048 strings joined by NUL, UTF-16 code units
    and a uint16 table when a slice is BMP-only without lone surrogates, else UTF-32), one gather
    through an identity table, and no work. Gives its input back."""
    out: list[str] = []
    for start in range(0, len(strings), 2048):
        out += _gather_slice("\x00".join(strings[start : start + 2048])).split("\x00")
    return out


def list_rows(xs, h) -> None:
    import awal

    mb = corpus.utf8_mb(xs)
    rx = regex.compile(r"\w+|[^\w\s]")
    sub = xs[:50_000]
    mb_sub = corpus.utf8_mb(sub)
    (t_a, out_a), (t_p, out_p) = alternate([
        lambda: awal.tokenize_with_offsets(sub),
        lambda: [[(m.group(), m.start(), m.end()) for m in rx.finditer(s)] for s in sub],
    ], rounds=5)  # fmt: skip
    h.row("E", f"tokenize_with_offsets (list, {len(sub):,} str) vs regex.finditer", mb_sub / t_a, mb_sub / t_p,
          r"regex.finditer(\w+|[^\w\s]) spans", 1.5,
          f"different rules: {sum(map(len, out_a)):,} vs {sum(map(len, out_p)):,} tokens")

    mixed = [line for lang in ("arb_Arab", "arb_Latn", "ary_Arab", "eng_Latn", "fra_Latn", "kab_Latn", "taq_Tfng", "tzm_Tfng")
             for line in corpus.flores(lang)]
    mixed = mixed * 10
    mb_mixed = corpus.utf8_mb(mixed)
    (t_a, out_a), (t_p, out_p) = alternate([lambda: awal.normalize(mixed, "camel"), lambda: [chained_replace(s) for s in mixed]], rounds=5)
    note = h.same("camel on FLORES", out_a, out_p, mixed)
    h.row("E", f"camel on FLORES, 8 languages, 3 scripts ({len(mixed):,} lines)", mb_mixed / t_a, mb_mixed / t_p,
          "15 chained str.replace", 3, note)

    (t_a, out_a), (t_p, out_p) = alternate([lambda: awal.normalize(xs, "camel"), lambda: list_floor(xs)], rounds=5)
    assert out_p == xs, "the floor must give its input back"
    h.row("E", 'floor: normalize(list, "camel") vs join+encode+gather+decode+split', mb / t_a, mb / t_p,
          "floor (one gather, no work)", None,
          "how close the list path is to the limit of the list -> list round trip: slices of 2,048 strings, UTF-16, one gather")

"""Side-by-side speed of awal and its peers, same data, same process.

Usage (from the repository root, inside the benchmark venv that ``make bench`` builds)::

    benchmarks/.venv/bin/python benchmarks/run.py            # everything (~5-10 min on 2 cores)
    benchmarks/.venv/bin/python benchmarks/run.py --quick    # 20k strings instead of 200k
    benchmarks/.venv/bin/python benchmarks/run.py --only normalize   # or A/B/C/D, kernels, translit, tokenize

Speed is MB/s of UTF-8 *input* per second of CPU time (``time.process_time``);
awal and the peer of a target row run in alternation (``race``: one call each per
round, the median of at least 5 rounds), so load changes on a shared machine hit
both sides of a ratio; reference rows without a peer in the same timing take the
best of ``--repeat`` runs (``bench``). Every
row converts in and out of Python objects (list in, list out): awal's numbers
include converting in and out (``awal.batch.map_text``, slices of 2,048 strings). Where a peer computes the
same function, the outputs are compared element by element; a row prints
``identical`` or the first difference, and the run ends with a non-zero exit
status if any comparison failed. Absolute MB/s drift on a shared machine;
compare the ratios within one run.

Sections (the issues' must-show lines):

A  kernels     awal.kernels on a TextBatch vs str.translate / re.sub / regex.sub;
               TextBatch round trip; ``import awal`` time
B  normalize   profile "camel" vs camel-tools; profile "search" vs the fastest
               pure-Python implementation of the same rules (built below from
               awal's own compiled profile); pyarabic for reference
C  translit    ar2bw / bw2ar vs camel-tools CharMapper; arabizi2ar vs arabizikit;
               tfng2latn vs a pure-Python table
D  tokenize    awal.tokenize vs regex.findall; token_spans vs camel-tools
               simple_word_tokenize and HF BertPreTokenizer
E  usage       one short string per call, first call in a fresh process, Arrow
               next to polars, one huge string, tokenize_with_offsets and FLORES
               lists, and the list "floor" (benchmarks/usage.py; medians of
               alternating rounds)
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import regex  # noqa: E402

import corpus  # noqa: E402
import peers  # noqa: E402

SECTIONS = {"A": "kernels", "B": "normalize", "C": "translit", "D": "tokenize", "E": "usage"}


# ============================================================================ harness
@dataclass
class Row:
    section: str
    name: str
    awal: float | None  # MB/s (or the unit in `unit`)
    peer: float | None
    peer_name: str
    target: float | None  # minimum awal/peer ratio; None = reference only
    note: str = ""
    unit: str = "MB/s"
    ratio: float | None = None  # when not awal/peer (e.g. import time)
    passed: bool | None = None
    no_ratio: bool = False  # absolute rows (import time): no awal/peer ratio
    target_text: str = ""

    def __post_init__(self):
        if self.ratio is None and self.awal and self.peer and not self.no_ratio:
            self.ratio = self.awal / self.peer
        if self.passed is None and self.target is not None and self.ratio is not None:
            self.passed = self.ratio >= self.target


ROWS: list[Row] = []
MISMATCHES: list[str] = []
ERRORS: list[str] = []
ARGS: argparse.Namespace


def bench(fn, *args, repeat: int | None = None, budget: float = 25.0):
    """Best CPU time of ``fn(*args)`` over ``repeat`` runs.

    Slow calls stop early once ``budget`` CPU seconds are spent; fast ones run
    up to 10 times until 1 s is spent, so that a noisy neighbour on a shared
    machine does not decide a row.
    """
    repeat = repeat or ARGS.repeat
    best, spent, out, runs = float("inf"), 0.0, None, 0
    while True:
        out = None
        gc.collect()
        t0 = time.process_time()
        out = fn(*args)
        dt = time.process_time() - t0
        best, spent, runs = min(best, dt), spent + dt, runs + 1
        if runs >= repeat and (spent >= 1.0 or runs >= 10 or repeat == 1):
            break
        if spent > budget:
            break
    return max(best, 1e-9), out


def race(fns, *args, repeat: int | None = None, budget: float = 90.0) -> list[tuple[float, object]]:
    """``[(median CPU time, output), ...]`` of each of ``fns(*args)``, run in alternation.

    One call of each function per round, :data:`RACE_ROUNDS` rounds (``repeat`` rounds when a
    reference row asks for fewer), as section E does: a change in the load of the shared machine
    hits awal and its peer alike, and the median of the rounds, not one lucky run, decides a
    row. Rounds stop early (after at least 3) once ``budget`` CPU seconds are spent.
    """
    rounds = repeat or max(RACE_ROUNDS, ARGS.repeat)
    times: list[list[float]] = [[] for _ in fns]
    outs: list[object] = [None] * len(fns)
    spent = 0.0
    for round_ in range(rounds):
        for i, fn in enumerate(fns):
            outs[i] = None
            gc.collect()
            t0 = time.process_time()
            outs[i] = fn(*args)
            dt = time.process_time() - t0
            times[i].append(dt)
            spent += dt
        if spent > budget and round_ >= 2:
            break
    return [(max(statistics.median(t), 1e-9), out) for t, out in zip(times, outs)]


RACE_ROUNDS = 5


def mbs(seconds: float, mb: float) -> float:
    return mb / seconds


def same(label: str, got, want, inputs=None) -> str:
    """Compare two equal-length outputs; record and describe the first difference."""
    if got == want:
        print(f"      {label}: identical ({len(want):,} items)" if isinstance(want, list) else f"      {label}: identical")
        return "identical"
    if isinstance(want, list) and isinstance(got, list) and len(got) == len(want):
        bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
        i = bad[0]
        detail = f"{len(bad):,} of {len(want):,} differ; first #{i}: awal {got[i]!r:.120} vs peer {want[i]!r:.120}"
        if inputs is not None:
            detail += f" (input {inputs[i]!r:.120})"
    elif isinstance(want, str) and isinstance(got, str):
        i = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        detail = f"lengths {len(got):,} vs {len(want):,}; first difference at {i}: awal {got[i-20:i+40]!r} vs peer {want[i-20:i+40]!r}"
    else:
        detail = f"different shapes: {type(got).__name__} vs {type(want).__name__}"
    msg = f"{label}: NOT IDENTICAL: {detail}"
    print("      " + msg)
    MISMATCHES.append(msg)
    return "DIFFERENT"


def row(section, name, awal_mbs, peer_mbs, peer_name, target, note="", **kw):
    r = Row(section, name, awal_mbs, peer_mbs, peer_name, target, note, **kw)
    ROWS.append(r)
    status = "" if r.passed is None else ("PASS" if r.passed else "FAIL")
    ratio = f"{r.ratio:6.2f}x" if r.ratio is not None else "   -  "
    a = f"{r.awal:9.1f}" if r.awal is not None else "        -"
    p = f"{r.peer:9.1f}" if r.peer is not None else "        -"
    tgt = r.target_text or (f">= {r.target:g}x" if r.target is not None else "ref")
    print(f"  {name:<44} awal {a} {r.unit:<7} {peer_name:<30} {p}  ratio {ratio} ({tgt}) {status}", flush=True)
    if note and not note.startswith("identical") or "; " in note:
        print(f"      note: {note}", flush=True)
    return r


def skip(section, name, why):
    print(f"  {name:<44} SKIPPED: {why}", flush=True)
    ROWS.append(Row(section, name, None, None, "", None, f"skipped: {why}"))


def header(title):
    print(f"\n== {title}", flush=True)


class guard:
    """Run one block of rows; an exception (e.g. awal mid-edit) becomes an ERROR row, not a crash."""

    def __init__(self, section: str, what: str):
        self.section, self.what = section, what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or not isinstance(exc, Exception) or isinstance(exc, AssertionError):
            return False
        import traceback

        where = traceback.extract_tb(tb)[-1]
        msg = f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
        print(f"  {self.what:<44} ERROR: {msg}", flush=True)
        ROWS.append(Row(self.section, self.what, None, None, "", None, f"error: {msg}"))
        ERRORS.append(f"{self.section} {self.what}: {msg}")
        return True


# ============================================================================ A. kernels
def section_kernels(xs: list[str]):
    from awal import kernels
    from awal.batch import TextBatch, map_text

    header(f"A. Kernels (issue 2): {len(xs):,} strings of 200 chars, list in -> list out")
    mb = corpus.utf8_mb(xs)

    def run_kernel(kernel):
        """List in, list out the way awal runs its own steps: map_text converts and
        processes the list in slices of strings, so buffers stay in cache."""
        def go(strings):
            return map_text(strings, lambda b: b.replace(*kernel(b.codepoints, b.offsets)))
        return go

    # --- 1:1 map: Arabic letters U+0621..U+064A -> A..Z a..p
    with guard('A', '1:1 map: Arabic letters U+0621..U+064A -> A..Z a..p'):
        letters = [chr(c) for c in range(0x0621, 0x064B)]
        targets = [chr(c) for c in [*range(0x41, 0x5B), *range(0x61, 0x7B)]][: len(letters)]
        tr = {ord(a): ord(b) for a, b in zip(letters, targets)}
        table = kernels.identity_table()
        table[list(tr)] = list(tr.values())
        f_awal = run_kernel(lambda c, o: (kernels.map_table(c, table), o))
        (t_a, out_a), (t_p, out_p) = race([f_awal, lambda s: [x.translate(tr) for x in s]], xs)
        note = same("map", out_a, out_p)
        row("A", "1:1 map (map_table) vs str.translate", mbs(t_a, mb), mbs(t_p, mb), "str.translate(dict)", 10, note)

    # --- deletion of harakat U+064B..U+0652
    with guard('A', 'deletion of harakat U+064B..U+0652'):
        drop = np.zeros(kernels.UNICODE_SIZE, dtype=bool)
        drop[0x064B:0x0653] = True
        rx = re.compile("[\u064b-\u0652]")
        f_awal = run_kernel(lambda c, o: kernels.delete(c, o, drop)[:2])
        (t_a, out_a), (t_p, out_p) = race([f_awal, lambda s: [rx.sub("", x) for x in s]], xs)
        note = same("delete", out_a, out_p)
        row("A", "deletion (delete) vs re.sub", mbs(t_a, mb), mbs(t_p, mb), "re.sub", 3, note)

    # --- run collapsing, limit 2, on Arabic letters U+0620..U+064A and ASCII letters
    with guard('A', 'run collapsing, limit 2, on Arabic letters U+0620..U+064A and ASCII letters'):
        limit = np.zeros(kernels.UNICODE_SIZE, dtype=np.int64)
        limit[0x0620:0x064B] = 2
        limit[ord("a"):ord("z") + 1] = 2
        limit[ord("A"):ord("Z") + 1] = 2
        rx = re.compile(r"([\u0620-\u064aa-zA-Z])\1{2,}")
        f_awal = run_kernel(lambda c, o: kernels.collapse_runs(c, o, limit, align=False)[:2])
        (t_a, out_a), (t_p, out_p) = race([f_awal, lambda s: [rx.sub(r"\1\1", x) for x in s]], xs)
        note = same("collapse", out_a, out_p)
        changed = sum(a != b for a, b in zip(out_a, xs))
        row("A", "run collapse (collapse_runs) vs re.sub", mbs(t_a, mb), mbs(t_p, mb), r"re.sub((.)\1{2,})", 4,
            f"{note}; {changed:,} strings changed")

    # --- greedy longest-match replacement, 30 keys of 1-4 code points
    with guard('A', 'greedy longest-match replacement, 30 keys of 1-4 code points'):
        pairs = [
            ("الله", "ALLH"), ("لله", "LLH"), ("ال", "AL"), ("لا", "LA"), ("لأ", "L>"), ("لإ", "L<"),
            ("لآ", "L|"), ("ة", "p"), ("ى", "Y"), ("ء", "'"), ("ئ", "}"), ("ؤ", "&"),
            ("وال", "WAL"), ("بال", "BAL"), ("فال", "FAL"), ("كال", "KAL"), ("لل", "LL"),
            ("ين", "YN"), ("ون", "WN"), ("ات", "AT"), ("ية", "YP"), ("هم", "HM"), ("كم", "KM"),
            ("تم", "TM"), ("من", "MN"), ("في", "FY"), ("على", "ElY"), ("إلى", "<lY"), ("عن", "En"),
            ("ّ", "~"),
        ]
        matcher = kernels.Matcher.from_pairs(pairs)
        lookup = dict(pairs)
        alternation = regex.compile("|".join(regex.escape(k) for k in sorted(lookup, key=len, reverse=True)))
        f_awal = run_kernel(lambda c, o: kernels.replace_longest(c, o, matcher, align=False)[:2])
        (t_a, out_a), (t_p, out_p) = race([f_awal, lambda s: [alternation.sub(lambda m: lookup[m.group()], x) for x in s]], xs)
        note = same("replace_longest", out_a, out_p)
        row("A", f"greedy replace ({len(pairs)} keys) vs regex.sub", mbs(t_a, mb), mbs(t_p, mb),
            "regex.sub(alternation, dict)", 3, note)

    # --- TextBatch round trip
    with guard('A', 'TextBatch round trip'):
        def manual_round_trip(strings):
            joined = "".join(strings)
            cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
            offsets = np.zeros(len(strings) + 1, dtype=np.int64)
            np.cumsum(np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)), out=offsets[1:])
            text = cps.tobytes().decode("utf-32-le")
            bounds = offsets.tolist()
            return [text[a:b] for a, b in zip(bounds, bounds[1:])]

        (t_a, out_a), (t_p, out_p) = race([lambda s: TextBatch.from_input(s).to_output(), manual_round_trip], xs)
        note = same("round trip", out_a, out_p)
        assert out_a == xs
        row("A", "TextBatch round trip vs join+encode+decode", mbs(t_a, mb), mbs(t_p, mb), "join/utf-32/frombuffer/slice", 0.95,
            note + "; awal encodes and decodes through UTF-16 where the text allows (BMP, no lone surrogate), the baseline through UTF-32; within 5% would count as at least as fast",
            target_text="≥ 1× (±5%)")

    # --- import time: CPU time of a fresh interpreter, numpy alone vs awal
    with guard('A', 'import time: CPU time of a fresh interpreter, numpy alone vs awal'):
        def child_cpu(code: str) -> float:
            best = float("inf")
            for _ in range(7):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run([sys.executable, "-c", code], check=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                best = min(best, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
            return best

        def child_wall(code: str) -> float:
            best = float("inf")
            for _ in range(7):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], check=True)
                best = min(best, time.perf_counter() - t0)
            return best

        cpu_np, cpu_awal = child_cpu("import numpy"), child_cpu("import awal")
        wall_np, wall_awal = child_wall("import numpy"), child_wall("import awal")
        extra = cpu_awal - cpu_np
        heavy = subprocess.run(
            [sys.executable, "-c", "import sys, awal; print(' '.join(m for m in ('pyarrow','tokenizers','sentencepiece','pandas','regex','unicodedata') if m in sys.modules))"],
            capture_output=True, text=True, check=True).stdout.strip()
        row("A", "import awal minus import numpy (CPU s)", cpu_awal, cpu_np, "import numpy", None,
            f"+{extra:.3f} s CPU, +{wall_awal - wall_np:.3f} s wall (target < 0.3 s); modules loaded: {heavy or '-'}",
            unit="s", passed=extra < 0.3, no_ratio=True, target_text="< 0.3 s")


# ============================================================================ B. normalisation
def _ranges_class(mask: np.ndarray) -> str:
    """A regex character class body for a boolean code-point mask."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return ""
    breaks = np.flatnonzero(np.diff(idx) != 1)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]

    def esc(c):
        return f"\\U{c:08x}"

    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in zip(starts.tolist(), ends.tolist()))


class PurePythonProfile:
    """The fastest pure-Python twin of an awal profile we could write, built from awal's own rules.

    * consecutive character rules (map / delete / casefold) are composed into
      one ``str.translate`` table (a dense list over all code points: ~2x faster
      than a sparse dict, which raises a KeyError per unmapped character);
      small maps (<= 8 keys) become chained ``str.replace`` guarded by ``in``;
    * context rules become one ``regex`` pattern with possessive look-arounds over
      the same character classes (taken from awal's own class masks), run only
      when the string holds one of the rule's characters;
    * NFC is ``unicodedata.normalize`` (CPython's quick check makes it ~free on
      NFC text); run collapsing is one ``regex.search`` per rule, and for strings with
      a run of ``min_run``+ a ``regex.sub`` that keeps the runs inside protected
      pieces (awal.patterns.protected_in on the whitespace-free stretch around each
      run, as awal does);
    * fast path: when a string holds no character that could reach a context
      rule, every character rule before the first NFC/collapse is applied as ONE
      translate, then the stages after it.
    """

    def __init__(self, profile: str):
        import awal
        from awal.rules import class_mask

        self.class_mask = class_mask
        rules = list(awal.Normalizer(profile).rules)
        self.stages = []  # ("chars", mapping) | ("context", rule) | ("nfc",) | ("collapse", rule)
        run: list = []

        def flush():
            if run:
                fused: dict[str, str] = {}
                for rule in run:
                    step = rule.char_map()
                    fused = {k: "".join(step.get(c, c) for c in v) for k, v in fused.items()}
                    for k, v in step.items():
                        fused.setdefault(k, v)
                self.stages.append(("chars", {k: v for k, v in fused.items() if v != k}))
                run.clear()

        for rule in rules:
            if rule.kind in ("map", "delete", "casefold"):
                run.append(rule)
                continue
            flush()
            if rule.kind in ("context", "collapse", "nfc"):
                self.stages.append((rule.kind, rule))
            else:
                raise NotImplementedError(f"rule kind {rule.kind!r} ({rule.name})")
        flush()
        self.funcs = [self._compile(stage) for stage in self.stages]
        self._fast_path()

    # ---------------------------------------------------------------- compile
    @staticmethod
    def _translate(mapping: dict[str, str]):
        if len(mapping) <= 8 and all(len(k) == 1 for k in mapping):
            items = list(mapping.items())

            def chained(s: str) -> str:
                for k, v in items:
                    if k in s:
                        s = s.replace(k, v)
                return s
            return chained
        dense: list = list(range(0x110000))
        for k, v in mapping.items():
            dense[ord(k)] = ord(v) if len(v) == 1 else (v or None)
        return lambda s: s.translate(dense)

    def _compile(self, stage):
        kind = stage[0]
        if kind == "chars":
            return self._translate(stage[1])
        rule = stage[1]
        if kind == "nfc":
            return lambda s: unicodedata.normalize("NFC", s)
        if kind == "collapse":
            from awal.patterns import protected_in

            mask = np.zeros(0x110000, dtype=bool)
            if rule.chars:
                mask[[ord(c) for c in rule.chars]] = True
            else:
                mask = self.class_mask("letter").copy()
            runs = regex.compile(f"([{_ranges_class(mask)}])\\1{{{rule.min_run - 1},}}")
            limit, kinds = rule.limit, rule.protect

            space_before, space_after = regex.compile(r"(?r)\p{White_Space}"), regex.compile(r"\p{White_Space}")

            def cut(m: regex.Match) -> str:
                if kinds:  # the pieces of the whitespace-free stretch around the run, as awal does
                    s = m.string
                    before, after = space_before.search(s, 0, m.start()), space_after.search(s, m.end())
                    a, b = before.end() if before else 0, after.start() if after else len(s)
                    pieces = protected_in(s[a:b], kinds)
                    if any(a + x < m.end() and m.start() < a + y for x, y in pieces):
                        return m.group()
                return m.group()[:limit]

            def collapse(s: str) -> str:
                return s if runs.search(s) is None else runs.sub(cut, s)  # most strings: one scan

            return collapse
        # context: keys whose nearest neighbour past `skip` satisfies every condition
        keys = rule.mapping
        skip = np.zeros(0x110000, dtype=bool)
        skip[[ord(k) for k in keys]] = True
        if rule.skip:
            skip |= self.class_mask(rule.skip)
        s_cls = _ranges_class(skip)
        key_mask = np.zeros(0x110000, dtype=bool)
        key_mask[[ord(k) for k in keys]] = True
        parts = []
        for condition, cls in rule.context:
            target = _ranges_class(self.class_mask(cls) & ~skip)  # the first non-skipped character decides
            ahead = f"[{s_cls}]*+[{target}]"
            behind = f"(?<=[{target}][{s_cls}]*+)"
            parts.append({"next": f"(?={ahead})", "not_next": f"(?!{ahead})", "prev": behind,
                          "near": f"(?:{behind}|(?={ahead}))"}[condition])
        rx = regex.compile(f"[{_ranges_class(key_mask)}]" + "".join(parts))
        key_list = list(keys)

        def context(s: str) -> str:
            for k in key_list:
                if k in s:
                    return rx.sub(lambda m: keys[m.group()], s)
            return s
        return context

    def _fast_path(self):
        """One translate for strings no context rule can touch."""
        order = [kind for kind, *_ in self.stages]
        cut = next((i for i, k in enumerate(order) if k in ("nfc", "collapse")), len(order))
        ctx_keys = {k for kind, *rest in self.stages if kind == "context" for k in rest[0].mapping}
        composed: dict[int, str] = {}
        trigger = np.zeros(0x110000, dtype=bool)
        chars = [m for kind, *rest in self.stages[:cut] if kind == "chars" for m in rest]
        if not chars or "context" in order[cut:]:
            self.fast = None
            return
        sources = set().union(*[set(m) for m in chars]) | ctx_keys
        for c in sources:
            s = c
            for m in chars:  # character stages in order, watching for context keys
                if set(s) & ctx_keys:
                    trigger[ord(c)] = True
                s = "".join(m.get(ch, ch) for ch in s)
            if set(s) & ctx_keys:
                trigger[ord(c)] = True
            if s != c:
                composed[c] = s
        self.trigger = re.compile(f"[{_ranges_class(trigger)}]")
        self.fast = self._translate(composed)
        self.rest = self.funcs[cut:]  # the stages from the first NFC/collapse on, in order

    def __call__(self, s: str) -> str:
        if self.fast is not None and self.trigger.search(s) is None:
            s = self.fast(s)
            for f in self.rest:
                s = f(s)
            return s
        for f in self.funcs:
            s = f(s)
        return s


def section_normalize(xs: list[str]):
    import awal

    header(f"B. Normalisation (issue 3): {len(xs):,} strings of 200 chars")
    mb = corpus.utf8_mb(xs)

    # --- camel profile vs camel-tools
    with guard('B', 'camel profile vs camel-tools'):
        camel = peers.camel_normalize_fn()
        awal.normalize(xs[:10], "camel")  # compile the profile outside the timing
        from usage import list_floor

        (t_a, out_a), (t_p, out_p), (t_f, out_f) = race(
            [lambda s: awal.normalize(s, "camel"), lambda s: [camel(x) for x in s], list_floor], xs)
        note = same("camel", out_a, out_p, xs)
        row("B", 'normalize(x, "camel") vs camel-tools', mbs(t_a, mb), mbs(t_p, mb), "camel-tools 4 functions", 20, note)
        assert out_f == xs, "the floor must give its input back"
        row("B", "  floor of any list path (no work) vs camel-tools", mbs(t_f, mb), mbs(t_p, mb), "camel-tools 4 functions", None,
            "join + UTF-16 encode + one gather + decode + split, 2,048 strings at a time (usage.list_floor), same rounds")

        lines = corpus.whole_corpus().split("\n")
        mb_lines = corpus.utf8_mb(lines)
        (t_a, out_a), (t_p, out_p) = race([lambda s: awal.normalize(s, "camel"), lambda s: [camel(x) for x in s]], lines, repeat=1)
        note = same(f"camel, all {len(lines):,} lines of corpus_bench.txt", out_a, out_p, lines)
        row("B", '  same, all corpus lines (1 run)', mbs(t_a, mb_lines), mbs(t_p, mb_lines), "camel-tools", None,
            note + f" on {len(lines):,} lines")

        import pyarrow

        column = pyarrow.array(xs, pyarrow.large_string())  # what Dask, Spark, Ray and HF datasets hand over
        (t_a, out_a), (t_p, out_p) = race([
            lambda c: awal.normalize(c, "camel"),
            lambda c: pyarrow.array([camel(x) for x in c.to_pylist()], pyarrow.large_string()),
        ], column)  # fmt: skip
        note = same("camel on Arrow", out_a.to_pylist(), out_p.to_pylist(), xs)
        row("B", '  same, Arrow large_string in and out', mbs(t_a, mb), mbs(t_p, mb), "camel-tools over to_pylist", None,
            f"{note}; UTF-8 decode and encode of the column are in both timings")

    # --- search profile vs pure Python
    with guard('B', 'search profile vs pure Python'):
        baseline = PurePythonProfile("search")
        awal.normalize(xs[:10], "search")
        (t_a, out_a), (t_p, out_p) = race([lambda s: awal.normalize(s, "search"), lambda s: [baseline(x) for x in s]], xs)
        note = same("search", out_a, out_p, xs)
        row("B", 'normalize(x, "search") vs pure Python', mbs(t_a, mb), mbs(t_p, mb), "translate+regex+NFC (run.py)", 3, note)

        text = corpus.whole_corpus() if not ARGS.quick else "".join(xs)
        mb_text = corpus.utf8_mb(text)
        (t_a, out_a), (t_p, out_p) = race([lambda s: awal.normalize(s, "search"), baseline], text)
        note = same("search, whole corpus", out_a, out_p)
        row("B", '  same, whole corpus as one string', mbs(t_a, mb_text), mbs(t_p, mb_text), "translate+regex+NFC (run.py)", 2,
            note + f" ({mb_text:.1f} MB)")

    # --- pyarabic, for reference (its own rules: NOT the same output)
    with guard('B', 'pyarabic, for reference (its own rules: NOT the same output)'):
        pa = peers.pyarabic_normalize_fn()
        t_p, _ = bench(lambda s: [pa(x) for x in s], xs)
        t_a, _ = bench(lambda s: awal.normalize(s, "search"), xs)
        row("B", '  reference: pyarabic (different rules)', mbs(t_a, mb), mbs(t_p, mb), "pyarabic strip+hamza", None,
            "not compared: pyarabic's own pipeline (keeps U+0670, folds hamza differently)")


# ============================================================================ C. transliteration
def _camel_comparable(xs: list[str], scheme: str) -> list[bool]:
    """Strings whose every character awal and camel treat alike (no ASCII letters/symbols that
    awal escapes, no letters only awal maps)."""
    import awal

    cm = peers.camel_charmap(scheme)
    chars = sorted(set("".join(xs)))
    got = awal.transliterate(chars, scheme)
    want = [cm(c) for c in chars]
    bad = {c for c, g, w in zip(chars, got, want) if g != w}
    if bad:
        rx = re.compile(f"[{''.join(re.escape(c) for c in bad)}]")
        return [rx.search(x) is None for x in xs], bad
    return [True] * len(xs), bad


def section_translit(xs: list[str]):
    import awal

    header(f"C. Transliteration (issue 4): {len(xs):,} strings of 200 chars")
    mb = corpus.utf8_mb(xs)

    ar2bw = peers.camel_charmap("ar2bw")
    bw2ar = peers.camel_charmap("bw2ar")
    awal.transliterate(xs[:10], "ar2bw")
    awal.transliterate(xs[:10], "bw2ar")
    (t_a, out_a), (t_p, out_p) = race([lambda s: awal.transliterate(s, "ar2bw"), lambda s: [ar2bw(x) for x in s]], xs)
    ok, bad = _camel_comparable(xs, "ar2bw")
    sel = [i for i, k in enumerate(ok) if k]
    note = same(f"ar2bw on the {len(sel):,} comparable strings", [out_a[i] for i in sel], [out_p[i] for i in sel],
                [xs[i] for i in sel])
    row("C", "ar2bw vs camel CharMapper", mbs(t_a, mb), mbs(t_p, mb), "camel-tools ar2bw", 10,
        f"{note} on {len(sel):,}/{len(xs):,} strings (others hold one of {len(bad)} chars treated differently: "
        f"{''.join(sorted(bad))[:40]!r})")

    bw = out_p  # camel's own Buckwalter as input
    mb_bw = corpus.utf8_mb(bw)
    (t_a, back_a), (t_p, back_p) = race([lambda s: awal.transliterate(s, "bw2ar"), lambda s: [bw2ar(x) for x in s]], bw)
    note = same(f"bw2ar on the same {len(sel):,} strings", [back_a[i] for i in sel], [back_p[i] for i in sel],
                [bw[i] for i in sel])
    row("C", "bw2ar vs camel CharMapper (camel's BW in)", mbs(t_a, mb_bw), mbs(t_p, mb_bw), "camel-tools bw2ar", 10,
        f"{note} on {len(sel):,}/{len(xs):,} strings")

    # --- Arabizi words
    with guard('C', 'Arabizi words'):
        words = [w for latin, _ in corpus.doda_pairs("ongoing") for w in latin.split()]
        words = words[: 10_000 if ARGS.quick else 100_000]
        n_sub = 2_000 if ARGS.quick else 20_000
        sub = list(dict.fromkeys(words))[:n_sub]  # distinct words: no repeat read from awal's word cache
        from awal.translit import Transliterator

        tr = Transliterator("arabizi2ar")
        tr(["salam"])  # load the model (and the language identifier) outside the timing
        bare = Transliterator("arabizi2ar", keep_foreign=False)
        bare(["salam"])

        def cold(t):
            def run(ws):
                cache = getattr(t.model, "_cache", None)
                if isinstance(cache, dict):
                    cache.clear()  # no warm cache from the previous repeat
                return t(ws)
            return run

        # in alternation: a change in the machine's load hits all three alike
        (t_a, out_a), (t_b, _), (t_p, out_p) = race(
            [cold(tr), cold(bare), lambda ws: [peers.arabizikit_to_arabic(w) for w in ws]], sub)
        agree = sum(a == b for a, b in zip(out_a, out_p)) / len(sub)
        row("C", f"arabizi2ar vs arabizikit ({len(sub):,} distinct words)", len(sub) / t_a, len(sub) / t_p,
            "arabizikit maghrebi", 20,
            f"different models, outputs agree on {agree:.0%} of words; cache cleared before each awal run", unit="words/s")
        row("C", "  same, keep_foreign=False (no language identification)", len(sub) / t_b, len(sub) / t_p,
            "arabizikit maghrebi", None, "the Darija model alone", unit="words/s")
        t_a, _ = bench(cold(tr), words)
        uniq = len(set(words))
        row("C", f"arabizi2ar throughput ({len(words):,} words)", len(words) / t_a, 50_000, "target words/s", 1,
            f"{uniq:,} distinct words; {corpus.utf8_mb(words) / t_a:.2f} MB/s", unit="words/s")

    # --- Tifinagh -> Latin
    with guard('C', 'Tifinagh -> Latin'):
        if "tfng2latn" not in awal.schemes():
            skip("C", "tfng2latn vs pure-Python table", "no tfng2latn scheme in data/schemes yet")
            return
        try:
            from awal.translit import _catalogue, _pairs

            path, directives = _catalogue()["tfng2latn"]
            pairs = _pairs(path, directives)["tfng2latn"]
        except Exception as e:  # private helpers moved: say so instead of guessing the table
            skip("C", "tfng2latn vs pure-Python table", f"cannot read the scheme's pairs ({e!r})")
            return
        if "compose" in directives:
            skip("C", "tfng2latn vs pure-Python table", "composed scheme")
            return
        lookup = dict(pairs)
        lines = corpus.flores("tzm_Tfng") + corpus.flores("taq_Tfng")
        reps = max(1, (len(xs) * 200) // max(1, sum(map(len, lines))))
        lines = lines * reps
        mbt = corpus.utf8_mb(lines)
        if not all(len(k) == 1 for k in lookup):
            skip("C", "tfng2latn vs pure-Python table", "the scheme has multi-character keys")
            return
        # The usual pure-Python table approach: str.translate with a dict of the scheme's pairs
        # (target row). A dense list indexed by code point is the fastest str.translate can go
        # (reference row, stricter than what people write).
        as_dict = {ord(k): v for k, v in lookup.items()}
        dense: list = list(range(0x110000))
        for k, v in lookup.items():
            dense[ord(k)] = ord(v) if len(v) == 1 else (v or None)
        awal.transliterate(lines[:5], "tfng2latn")
        from usage import list_floor

        (t_a, out_a), *peer_runs, (t_f, out_f) = race([
            lambda s: awal.transliterate(s, "tfng2latn"),
            lambda ls: [x.translate(as_dict) for x in ls],
            lambda ls: [x.translate(dense) for x in ls],
            list_floor,
        ], lines)  # fmt: skip
        for (how, target), (t_p, out_p) in zip((("str.translate(dict)", 10), ("str.translate(dense list)", None)), peer_runs):
            note = same("tfng2latn", out_a, out_p, lines)
            row("C", f"tfng2latn vs {how}", mbs(t_a, mbt), mbs(t_p, mbt), how, target,
                f"{note}; FLORES tzm_Tfng+taq_Tfng dev x{reps} ({len(lines):,} lines)")
        assert out_f == lines, "the floor must give its input back"
        row("C", "  floor of any list path (no work) vs str.translate(dict)", mbs(t_f, mbt), mbs(peer_runs[0][0], mbt),
            "str.translate(dict)", None, "join + UTF-16 encode + one gather + decode + split (usage.list_floor), same rounds")


# ============================================================================ D. tokenisation
def section_tokenize(xs: list[str]):
    import awal

    header(f"D. Tokenisation (issue 5): {len(xs):,} strings of 200 chars")
    try:
        tok = awal.tokenize  # the function: resolve it before importing the submodule by name
        from awal.tokenize import token_spans
        if not callable(tok):
            raise AttributeError("awal.tokenize is the submodule, not the function")
    except (ImportError, AttributeError) as e:
        skip("D", "tokenize", f"awal.tokenize not available yet ({e})")
        return
    from awal.batch import TextBatch

    mb = corpus.utf8_mb(xs)
    with guard("D", "tokenize vs regex.findall"):
        tok(xs[:10])
        rx = regex.compile(r"\w+|[^\w\s]")
        (t_a, out_a), (t_p, out_p) = race([tok, lambda s: [rx.findall(x) for x in s]], xs)
        n_a, n_p = sum(map(len, out_a)), sum(map(len, out_p))
        same_lists = sum(a == b for a, b in zip(out_a, out_p)) / len(xs)
        row("D", "tokenize (list -> list of lists) vs regex.findall", mbs(t_a, mb), mbs(t_p, mb), r"regex \w+|[^\w\s]", 2,
            f"different rules: {n_a:,} vs {n_p:,} tokens, {same_lists:.0%} of strings tokenised alike")

    with guard("D", "token_spans vs camel / HF Bert"):
        def spans(s):
            b = TextBatch.from_input(s)
            return token_spans(b)

        sub = xs[: max(1, len(xs) // 10)]
        mb_sub = corpus.utf8_mb(sub)
        t_a, (st, en, _) = bench(spans, sub)
        t_a_full, _ = bench(spans, xs)
        camel_tok = peers.camel_word_tokenize
        t_p, out_c = bench(lambda s: [camel_tok(x) for x in s], sub, repeat=1)
        row("D", f"token_spans (offset arrays) vs camel ({len(sub):,} str)", mbs(t_a, mb_sub), mbs(t_p, mb_sub),
            "camel simple_word_tokenize", 10,
            f"different rules: {len(st):,} vs {sum(map(len, out_c)):,} tokens; camel gives no offsets; "
            f"awal on all {len(xs):,} strings: {mbs(t_a_full, mb):.1f} MB/s")
        pre = peers._bert_pre()
        t_p, out_b = bench(lambda s: [pre.pre_tokenize_str(x) for x in s], sub)
        row("D", f"token_spans (offset arrays) vs HF Bert ({len(sub):,} str)", mbs(t_a, mb_sub), mbs(t_p, mb_sub),
            "HF BertPreTokenizer", 3, f"different rules: {len(st):,} vs {sum(map(len, out_b)):,} tokens")


# ============================================================================ E. where users call awal
def section_usage(xs: list[str]):
    import types

    import usage

    helpers = types.SimpleNamespace(row=row, skip=skip, header=header, guard=guard, same=same, peers=peers,
                                    PurePythonProfile=PurePythonProfile)
    usage.section(xs, helpers)


# ============================================================================ main
def machine() -> list[str]:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = peers.peer_versions()
    try:
        versions["awal"] = metadata.version("awal")
    except metadata.PackageNotFoundError:
        versions["awal"] = "?"
    return [
        f"machine: {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {cpu}, {platform.system()} {platform.release()}",
        f"python {platform.python_version()}; " + ", ".join(f"{k} {v}" for k, v in versions.items()),
        f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
    ]


def summary() -> str:
    out = ["| section | row | awal | peer | peer value | ratio | target | result |", "|---|---|---:|---|---:|---:|---|---|"]
    for r in ROWS:
        tgt = r.target_text or (f"≥ {r.target:g}×" if r.target is not None else "ref")
        res = "skipped" if r.awal is None else ("" if r.passed is None else ("PASS" if r.passed else "**FAIL**"))
        a = "-" if r.awal is None else (f"{r.awal:,.3f} {r.unit}" if r.unit == "s" else f"{r.awal:,.1f} {r.unit}")
        p = "-" if r.peer is None else (f"{r.peer:,.3f} {r.unit}" if r.unit == "s" else f"{r.peer:,.1f}")
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}×"
        cells = [r.section, r.name.strip(), a, r.peer_name, p, ratio, tgt, res]
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    notes = [f"- {r.section} {r.name.strip()}: {r.note}" for r in ROWS if r.note and r.note != "identical"]
    return "\n".join(out) + ("\n\nNotes:\n" + "\n".join(notes) if notes else "")


def main(argv=None) -> int:
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="20k strings instead of 200k (about a minute)")
    ap.add_argument("--only", action="append", metavar="SECTION",
                    help="A|B|C|D|E or kernels|normalize|translit|tokenize|usage (repeatable)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per row, best kept (default 3)")
    ap.add_argument("-n", type=int, default=None, help="number of 200-char strings (default 200000, --quick 20000)")
    ARGS = ap.parse_args(argv)
    wanted = set()
    for item in ARGS.only or SECTIONS:
        key = item.strip()
        match = [k for k, v in SECTIONS.items() if key.upper() == k or key.lower() == v]
        if not match:
            ap.error(f"unknown section {item!r}; one of {', '.join(f'{k}/{v}' for k, v in SECTIONS.items())}")
        wanted.add(match[0])
    n = ARGS.n or (20_000 if ARGS.quick else 200_000)
    import usage

    usage.installed_bytecode()  # fresh interpreters (import and first-call rows) find compiled bytecode
    for line in machine():
        print(line)
    wall0 = time.perf_counter()
    xs = corpus.short_strings(n, 200)
    print(f"data: {n:,} strings x 200 chars of arabic/corpus_bench.txt = {corpus.utf8_mb(xs):.1f} MB UTF-8")
    funcs = {"A": section_kernels, "B": section_normalize, "C": section_translit, "D": section_tokenize, "E": section_usage}
    for key in "ABCDE":
        if key in wanted:
            with guard(key, f"section {key} ({SECTIONS[key]})"):
                funcs[key](xs)
    print(f"\n== Summary ({time.perf_counter() - wall0:.0f} s wall)\n")
    print(summary())
    fails = [r for r in ROWS if r.passed is False]
    print(f"\n{sum(r.passed is True for r in ROWS)} PASS, {len(fails)} FAIL, {sum(r.awal is None for r in ROWS)} skipped; "
          f"{len(MISMATCHES)} output mismatches, {len(ERRORS)} errors")
    for e in ERRORS:
        print(f"ERROR {e}")
    assert not MISMATCHES, "outputs differ:\n" + "\n".join(MISMATCHES)
    if ERRORS:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

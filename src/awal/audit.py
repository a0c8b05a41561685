"""``awal audit``: one self-contained HTML page describing a corpus, read as a stream.

Every document goes through the cheap vectorised counts (scripts, lengths, invisible and
bidi characters, elongation, diacritics, exact duplicates by hash); a seeded random sample
of at most :data:`SAMPLE_BYTES` of text gets the costly ones (which normalisation rules
fire, quality signals against the variety's thresholds, near duplicates by MinHash on
:func:`awal.shingles`), and the page says so. Memory stays bounded: text is held one batch of
about :data:`BATCH_BYTES` at a time plus the sample; per document only 16 bytes are kept
(length, word count, a 64-bit hash for exact duplicates): 16 MB for a million documents.
Charts are SVG drawn here, embedded as ``data:`` images: no plotting library needed.

Bad input is counted and shown, not fatal (``strict=True`` makes it fatal): a line that is
not JSON, a record without the field or whose field is not text, invalid UTF-8 (replaced
with U+FFFD). An empty corpus gives a page that says it is empty.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "c.jsonl").write_text('{"text": "سلام عليكم"}\\n{"other": 1}\\n', encoding="utf-8")
>>> stats = audit(folder / "c.jsonl", "text")
>>> stats.documents, stats.missing_field
(1, 1)
>>> "<img" in render(stats)
True
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import os
import sys
import time
import unicodedata
from collections import Counter
import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import numpy as np

import awal

from .batch import TextBatch, _segment_sums
from .io import DataError, UsageError, atomic_output
from .io.chunks import read_bom
from .io.jsonl import json_type, path_get
from .kernels import map_table
from .normalize import Normalizer
from .quality import SIGNALS, explain, load_variety, quality
from .rules import compile_rule
from .shingles import shingles
from .unicode import SCRIPTS, category_mask, script_table

BATCH_BYTES = 4 << 20
SAMPLE_BYTES = 2 << 20
SEED = 13
BANDS, ROWS = 12, 8  # MinHash LSH: pairs with shingle Jaccard >= ~0.73 share a bucket
INVISIBLE = [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060,
             0x2066, 0x2067, 0x2068, 0x2069, 0x061C, 0xFEFF, 0x00AD, 0x180E]  # fmt: skip
SHOWN_SIGNALS = ("words", "mean_word_length", "alpha_words_ratio", "stop_word_ratio", "dup_line_frac", "top_2_gram_char_frac",
                 "dup_5_gram_char_frac", "line_punct_ratio", "short_line_ratio", "arabizi_digit_ratio",
                 "elongation_ratio", "diacritic_ratio")  # fmt: skip
MAX_PROBLEMS = 5  # locations shown per kind of bad input


@dataclass
class Stats:
    """Everything the report shows, accumulated batch by batch."""

    path: str
    field: str
    variety: str
    bytes: int = 0
    lines: int = 0
    documents: int = 0
    empty: int = 0
    missing_field: int = 0
    not_text: int = 0
    bad_json: int = 0
    bad_utf8: int = 0
    problems: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    chars: list[np.ndarray] = dataclasses.field(default_factory=list)
    words: list[np.ndarray] = dataclasses.field(default_factory=list)
    hashes: list[np.ndarray] = dataclasses.field(default_factory=list)
    script_letters: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(len(SCRIPTS), np.int64))
    dominant: Counter = dataclasses.field(default_factory=Counter)
    invisible: Counter = dataclasses.field(default_factory=Counter)
    invisible_docs: int = 0
    letters: int = 0
    elongated: int = 0
    arabic_letters: int = 0
    diacritics: int = 0
    sample: list[str] = dataclasses.field(default_factory=list)
    sample_bytes: int = 0
    rule_changes: Counter = dataclasses.field(default_factory=Counter)
    rule_docs: Counter = dataclasses.field(default_factory=Counter)
    rule_example: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0

    def input_problems(self) -> list[tuple[str, int]]:
        """``(kind, count)`` of every kind of bad input, in the report's order."""
        return [("records without the field", self.missing_field), ("field not text", self.not_text),
                ("lines that are not JSON", self.bad_json), ("lines with invalid UTF-8", self.bad_utf8), ("empty texts", self.empty)]  # fmt: skip

    def problem(self, kind: str, where: str) -> None:
        shown = self.problems.setdefault(kind, [])
        if len(shown) < MAX_PROBLEMS:
            shown.append(where)


# ------------------------------------------------------------------ reading
def _records(stream: BinaryIO, stats: Stats, strict: bool, jsonl: bool) -> Iterator[list[str]]:
    """Batches of texts from a JSONL (or plain text) stream; bad lines counted in ``stats``. A UTF-8 byte
    order mark at the start is skipped, as every command skips it (byte offsets still count it)."""
    bom, head = read_bom(stream)
    offset, path = len(bom), tuple(stats.field.split("."))  # (a nested field a.b as every command reads it)
    while True:
        lines = stream.readlines(BATCH_BYTES)
        if head:  # (not a BOM: the bytes read_bom took start the first line)
            lines, head = io.BytesIO(head + b"".join(lines)).readlines(), b""
        if not lines:
            return
        if jsonl:
            fast = _block(lines, stats, path)
            if fast is not None:
                offset += sum(map(len, lines))
                stats.bytes = offset
                yield fast
                continue
        texts: list[str] = []
        for raw in lines:
            stats.lines += 1
            start, offset = offset, offset + len(raw)
            where = f"line {stats.lines}, byte offset {start}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                if strict:
                    raise DataError(f"{stats.path}: line {stats.lines}, byte offset {start + e.start}: invalid UTF-8 ({e.reason})") from None
                stats.bad_utf8 += 1
                stats.problem("invalid UTF-8 (replaced by U+FFFD)", where)
                line = raw.decode("utf-8", "replace")
            if not jsonl:
                texts.append(line.rstrip("\r\n"))
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line.rstrip("\r\n"))  # (JSON's own line and column: of this line)
            except json.JSONDecodeError as e:
                if strict:
                    at = start + len(line[: e.pos].encode("utf-8", "surrogatepass"))
                    raise DataError(f"{stats.path}: line {stats.lines}, byte offset {at}: malformed JSON ({e.msg} at column {e.colno})") from None
                stats.bad_json += 1
                stats.problem("not JSON", where)
                continue
            try:
                value = path_get(record, path)
            except KeyError:
                if strict:
                    raise DataError(f"{stats.path}: {where}: no field {stats.field!r}") from None
                stats.missing_field += 1
                stats.problem(f"no field {stats.field!r}", where)
                continue
            if not isinstance(value, str):
                if strict:
                    raise DataError(f"{stats.path}: {where}: field {stats.field!r} is a JSON {json_type(value)}, not a string")
                stats.not_text += 1
                stats.problem(f"field {stats.field!r} not text", where)
            else:
                texts.append(value)
        stats.bytes = offset
        yield texts


def _block(lines: list[bytes], stats: Stats, path: tuple[str, ...]) -> list[str] | None:
    """The texts of a block of JSONL lines parsed as one JSON array (one C call), or None when some
    line is bad (invalid UTF-8, not JSON, not an object with a text field): the caller then goes
    line by line to count and locate the problems."""
    try:
        records = json.loads(b"[" + b",".join(line for line in lines if line.strip()) + b"]")
        texts = [path_get(record, path) for record in records]
    except (ValueError, TypeError, KeyError):
        return None
    if not all(isinstance(t, str) for t in texts):
        return None
    stats.lines += len(lines)
    return texts


# ---------------------------------------------------------------- counting
LETTER, SPACE, INVISIBLE_BIT, DIACRITIC = 16, 32, 64, 128  # bits above the script index (low 4 bits)


@lru_cache(maxsize=None)
def code_table() -> np.ndarray:
    """uint8 per code point: script index in the low 4 bits, then letter, space, invisible, diacritic bits."""
    table = script_table().astype(np.uint8)
    table[category_mask("L")] |= LETTER
    space = category_mask("Z")
    space[[9, 10, 11, 12, 13, 0x85]] = True
    table[space] |= SPACE
    table[INVISIBLE] |= INVISIBLE_BIT
    table[np.r_[0x064B:0x0660, 0x0670]] |= DIACRITIC
    return table


def _count(batch: TextBatch, stats: Stats) -> None:
    """The per-document and corpus-wide counts of one batch (one table lookup, then masks)."""
    cps, offsets = batch.codepoints, batch.offsets
    lengths = np.diff(offsets)
    n, docs = len(cps), len(lengths)
    stats.documents += docs
    stats.empty += int((lengths == 0).sum())
    stats.chars.append(lengths.astype(np.int32))
    code = map_table(cps, code_table())
    first = np.zeros(n + 1, dtype=bool)
    first[offsets[:-1]] = True
    space = (code & SPACE) != 0
    word_start = ~space
    word_start[1:] &= space[:-1] | first[1:n]
    stats.words.append(_segment_sums(word_start.view(np.uint8), offsets).astype(np.int32))
    letter = (code & LETTER) != 0
    stats.script_letters += np.bincount(code[letter] & 15, minlength=len(SCRIPTS))
    main = ("Arab", "Latn", "Tfng")
    per_doc = np.stack([_segment_sums((code == (LETTER | SCRIPTS.index(name))).view(np.uint8), offsets) for name in main]
                       + [_segment_sums(letter.view(np.uint8), offsets)], axis=1)  # fmt: skip
    per_doc[:, -1] -= per_doc[:, :-1].sum(axis=1)  # letters of other scripts
    labels = np.array([*main, "other", "no letters"])
    dominant = np.where(per_doc.sum(axis=1) > 0, per_doc.argmax(axis=1), len(main) + 1)
    stats.dominant.update(dict(zip(labels[np.arange(len(labels))].tolist(), np.bincount(dominant, minlength=len(labels)).tolist())))
    invisible = np.flatnonzero(code & INVISIBLE_BIT)
    if len(invisible):
        stats.invisible.update(dict(zip(*(x.tolist() for x in np.unique(cps[invisible], return_counts=True)))))
        stats.invisible_docs += len(np.unique(np.searchsorted(offsets, invisible, side="right")))
    stats.letters += int(letter.sum())
    # elongation: a letter equal to the two before it (same string) is the 3rd+ of a run;
    # each run reaching 3 also counts its first two letters
    third = letter[2:] & (cps[2:] == cps[1:-1]) & (cps[1:-1] == cps[:-2]) & ~first[1 : n - 1] & ~first[2:n]
    starts = int(third[0]) + int((third[1:] & ~third[:-1]).sum()) if len(third) else 0
    stats.elongated += int(third.sum()) + 2 * starts
    stats.arabic_letters += int(((code & (LETTER | 15)) == (LETTER | SCRIPTS.index("Arab"))).sum())
    stats.diacritics += int(np.count_nonzero(code & DIACRITIC))


def _exact_hashes(texts: list[str]) -> np.ndarray:
    return np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))


def _rules(steps: list[tuple[str, Any]], texts: list[str], stats: Stats) -> None:
    """How often each rule (``(name, compiled step)``) changes something in ``texts``, rule by rule as ``explain`` does."""
    batch = TextBatch.from_input(texts)
    cps, offsets = batch.codepoints, batch.offsets
    for name, step in steps:
        new, new_offsets, s, e = step.apply(cps, offsets)
        if s is None:
            changed = np.flatnonzero(new != cps) if len(new) == len(cps) else np.zeros(0, np.int64)
        else:
            covered = np.zeros(len(cps) + 1, dtype=np.int64)
            np.add.at(covered, s, 1)
            np.add.at(covered, e, -1)
            deleted = np.flatnonzero(np.cumsum(covered)[: len(cps)] == 0)
            replaced = s[((e - s) != 1) | (np.take(cps, s, mode="clip") != new)]
            changed = np.union1d(deleted, replaced)
        if len(changed):
            owners = np.searchsorted(offsets, changed, side="right") - 1
            stats.rule_changes[name] += len(changed)
            stats.rule_docs[name] += len(np.unique(owners))
            if name not in stats.rule_example:
                text = texts[int(owners[0])]
                at = int(changed[0] - offsets[owners[0]])
                stats.rule_example[name] = text[max(0, at - 20) : at + 20]
        cps, offsets = new, new_offsets


def audit(path: str | os.PathLike, field: str = "text", variety: str = "default", strict: bool = False, progress: bool = False) -> Stats:
    """Read ``path`` (JSONL with ``field``; ``.txt``: one document per line) and count everything."""
    load_variety(variety)  # an unknown name fails before reading
    stats = Stats(str(path), field, variety)
    started = time.perf_counter()
    try:
        size = os.path.getsize(path)
        stream = open(path, "rb")
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    fraction = min(1.0, SAMPLE_BYTES / max(size, 1))
    rng = np.random.default_rng(SEED)
    steps = [(rule.name, compile_rule(rule)) for rule in Normalizer("default").rules]
    jsonl = not str(path).endswith(".txt")
    with stream:
        for texts in _records(stream, stats, strict, jsonl):
            if texts:
                batch = TextBatch.from_strings(texts)
                _count(batch, stats)
                stats.hashes.append(_exact_hashes(texts))
                picked = [texts[i] for i in np.flatnonzero(rng.random(len(texts)) < fraction).tolist()]
                if picked and stats.sample_bytes < SAMPLE_BYTES:
                    stats.sample += picked
                    stats.sample_bytes += sum(map(len, picked))
                    _rules(steps, picked, stats)
            if progress:
                _progress(stats.bytes, size, started)
    if progress:
        print(file=sys.stderr)
    stats.seconds = time.perf_counter() - started
    return stats


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9) / 1e6
    share = done / total if total else 1.0
    bar = "#" * int(30 * share)
    print(f"\raudit [{bar:<30}] {100 * share:5.1f}%  {done / 1e6:,.0f} MB  {rate:,.1f} MB/s", end="", file=sys.stderr, flush=True)


# ---------------------------------------------------------- near duplicates
def near_duplicates(texts: list[str]) -> np.ndarray:
    """Which texts have a near duplicate among ``texts`` (MinHash LSH on :func:`awal.shingles`)."""
    keys = shingles(texts)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    flat = np.concatenate(keys) if len(keys) else np.zeros(0, np.uint64)
    rng = np.random.default_rng(SEED)
    a = rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
    full = lengths > 0
    signature = np.zeros((len(texts), BANDS * ROWS), dtype=np.uint64)
    starts = (np.cumsum(lengths) - lengths)[full]
    if len(starts):
        for k in range(0, BANDS * ROWS, 16):  # 16 hash functions at a time, over slices of documents
            for lo in range(0, len(starts), 4096):
                part = starts[lo : lo + 4096]
                end = starts[lo + 4096] if lo + 4096 < len(starts) else len(flat)
                hashed = flat[part[0] : end, None] * a[None, k : k + 16] + b[None, k : k + 16]
                signature[np.flatnonzero(full)[lo : lo + 4096], k : k + 16] = np.minimum.reduceat(hashed, part - part[0], axis=0)
    found = np.zeros(len(texts), dtype=bool)
    for band in range(BANDS):
        rows = signature[full][:, band * ROWS : (band + 1) * ROWS]
        bucket = rows @ (np.arange(1, ROWS + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        _, inverse, counts = np.unique(bucket, return_inverse=True, return_counts=True)
        found[np.flatnonzero(full)[counts[inverse] > 1]] = True
    return found


# ------------------------------------------------------------------ report
def _svg_bars(labels: list[str], values: list[float], title: str, thresholds: tuple[float | None, ...] = (), edges: np.ndarray | None = None) -> str:
    """A bar chart as an ``<img>`` with an SVG data URI; ``thresholds`` are drawn as red lines on ``edges``."""
    width, height, left, bottom = 560, 220, 40, 40
    top = max(values) if values and max(values) > 0 else 1
    bar = (width - left - 10) / max(len(values), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="10">',
             f'<text x="{left}" y="12" font-size="12">{html.escape(title)}</text>']  # fmt: skip
    for i, (label, value) in enumerate(zip(labels, values)):
        h = (height - bottom - 20) * value / top
        x = left + i * bar
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}" fill="#4a7ab5"/>')
        if len(labels) <= 12 or i % max(1, len(labels) // 8) == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 12}" transform="rotate(30 {x:.1f} {height - bottom + 12})">{html.escape(label)}</text>')
    if edges is not None:
        for t in thresholds:
            if t is None or not (edges[0] <= t <= edges[-1]):
                continue
            x = left + bar * float(np.interp(t, edges, np.arange(len(edges))))  # right for log bins too
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="16" y2="{height - bottom}" stroke="#c0392b" stroke-width="2"/>')
    parts.append(f'<text x="2" y="{height - bottom}">0</text><text x="2" y="26">{top:,.0f}</text></svg>')
    data = base64.b64encode("".join(parts).encode()).decode()
    return f'<img alt="{html.escape(title)}" src="data:image/svg+xml;base64,{data}">'


def _histogram(values: np.ndarray, title: str, thresholds: tuple[float | None, ...] = (), log: bool = False) -> str:
    values = values[np.isfinite(values)]
    if not len(values):
        return f"<p>{html.escape(title)}: nothing to measure.</p>"
    low, high = float(values.min()), float(np.percentile(values, 99.5))
    high = max(high, *(t for t in thresholds if t is not None and t < 10 * max(high, 1)), low + 1e-9)
    if log:
        edges = np.unique(np.geomspace(max(low, 1), max(high, 2), 25).round())
    else:
        edges = np.linspace(low, high, 26)
    counts, edges = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    labels = [f"{e:,.3g}" for e in edges[:-1]]
    return _svg_bars(labels, counts.tolist(), title, thresholds, edges)


def _table(rows: list[tuple[Any, ...]], header: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _percent(part: int | float, whole: int | float) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "n/a"


def render(stats: Stats) -> str:
    """The HTML page for ``stats``."""
    out = [f"<h1>awal audit: {html.escape(Path(stats.path).name)}</h1>",
           f"<p>{stats.bytes:,} bytes, {stats.lines:,} lines, {stats.documents:,} documents (field <code>{html.escape(stats.field)}</code>), "
           f"read in {stats.seconds:.1f} s; thresholds of variety <code>{html.escape(stats.variety)}</code>; awal {awal.__version__}.</p>"]  # fmt: skip
    out.append("<h2>Input problems</h2>" + _table([(k, f"{v:,}") for k, v in stats.input_problems()], ("problem", "count")))
    for kind, where in stats.problems.items():
        out.append(f"<p>{html.escape(kind)}: {html.escape(', '.join(where))}{' …' if len(where) == MAX_PROBLEMS else ''}</p>")
    if not stats.documents:
        out.append('<p class="empty"><strong>The corpus is empty: no document to describe.</strong></p>')
        return _page(out)
    chars, words = np.concatenate(stats.chars), np.concatenate(stats.words)
    hashes = np.concatenate(stats.hashes)
    exact = stats.documents - len(np.unique(hashes))
    out.append("<h2>Scripts and languages</h2>")
    labels, counts = zip(*[(k, c) for k, c in stats.dominant.most_common() if c])
    out.append(_svg_bars(list(labels), list(counts), "documents by dominant script"))
    total_letters = int(stats.script_letters.sum())
    out.append(_table([(SCRIPTS[i], f"{int(c):,}", _percent(int(c), total_letters)) for i, c in enumerate(stats.script_letters) if c],
                      ("script", "letters", "share")))  # fmt: skip
    if hasattr(awal, "identify"):
        labels_sample = Counter(awal.identify(stats.sample))
        names, counts = zip(*labels_sample.most_common(15))
        out.append(_svg_bars(list(names), list(counts), f"languages (awal.identify, sample of {len(stats.sample):,})"))
    else:
        out.append("<p>Language mix: awal.identify is not part of this awal version yet; scripts only.</p>")
    out.append("<h2>Lengths</h2>" + _histogram(chars.astype(float), "characters per document", log=True)
               + _histogram(words.astype(float), "words per document", log=True))  # fmt: skip
    out.append(_table([("characters", int(np.median(chars)), int(chars.mean()), int(chars.max())),
                       ("words", int(np.median(words)), int(words.mean()), int(words.max()))], ("per document", "median", "mean", "max")))  # fmt: skip
    out.append(f"<h2>Normalisation rules that fire</h2><p>Profile <code>default</code>, on a sample of {len(stats.sample):,} documents.</p>")
    out.append(_table([(name, f"{stats.rule_changes[name]:,}", f"{stats.rule_docs[name]:,}", _percent(stats.rule_docs[name], len(stats.sample)),
                        stats.rule_example.get(name, "")) for name, _ in stats.rule_changes.most_common()],
                      ("rule", "changes", "documents", "share of sample", "example (context)")))  # fmt: skip
    out.append("<h2>Invisible and bidi characters</h2>")
    out.append(f"<p>{stats.invisible_docs:,} documents ({_percent(stats.invisible_docs, stats.documents)}) contain some.</p>")
    out.append(_table([(f"U+{cp:04X}", unicodedata.name(chr(cp), "?"), f"{c:,}") for cp, c in stats.invisible.most_common()], ("code point", "name", "count")))
    out.append("<h2>Elongation and diacritics</h2>" + _table([
        ("letters in runs of 3+ identical letters", f"{stats.elongated:,}", _percent(stats.elongated, stats.letters) + " of letters"),
        ("Arabic diacritics", f"{stats.diacritics:,}", _percent(stats.diacritics, stats.arabic_letters) + " of Arabic letters")], ("", "count", "rate")))  # fmt: skip
    near = near_duplicates(stats.sample)
    out.append("<h2>Duplicates</h2>" + _table([
        ("exact duplicates (all documents)", f"{exact:,}", _percent(exact, stats.documents)),
        (f"with a near duplicate (MinHash on dedup shingles, Jaccard ≳ 0.73; sample of {len(stats.sample):,})", f"{int(near.sum()):,}", _percent(int(near.sum()), len(stats.sample)))],
        ("", "documents", "rate")))  # fmt: skip
    signals = quality(stats.sample, stats.variety)
    reasons = explain(signals, stats.variety)
    dropped = sum(bool(r) for r in reasons)
    why = Counter(r.split(" ", 1)[0] for rs in reasons for r in rs)
    spec = load_variety(stats.variety).thresholds
    out.append(f"<h2>Quality signals</h2><p>Sample of {len(stats.sample):,} documents; red lines: thresholds of <code>{html.escape(stats.variety)}</code>. "
               f"{dropped:,} ({_percent(dropped, len(stats.sample))}) would be dropped.</p>")  # fmt: skip
    out.append(_table([(k, f"{v:,}") for k, v in why.most_common()], ("failed threshold", "documents")))
    for name in SHOWN_SIGNALS:
        low, high, _ = spec.get(name, (None, None, ""))
        out.append(_histogram(np.asarray(signals[name], dtype=float), name, (low, high), log=name == "words"))
    assert set(SHOWN_SIGNALS) <= set(SIGNALS)
    return _page(out)


def _page(body: list[str]) -> str:
    style = ("body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}img{margin:.5em;vertical-align:top}")  # fmt: skip
    check = ("<script>window.addEventListener('load',function(){var i=document.images,ok=0;"
             "for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)ok++}"
             "document.body.setAttribute('data-images',ok+'/'+i.length)})</script>")  # fmt: skip
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>awal audit</title><style>{style}</style>{check}</head><body>{"".join(body)}</body></html>'


# --------------------------------------------------------------------- CLI
def run(args: argparse.Namespace) -> int:
    """``awal audit`` (its options are in :func:`awal.cli.build_parser`)."""
    if _same_file(args.input, args.output):
        raise UsageError(f"{args.output}: the report would replace its input (give another file name)")
    try:
        stats = audit(args.input, args.field, args.variety, args.strict, progress=sys.stderr.isatty())
    except ValueError as e:
        if isinstance(e, DataError):
            raise
        raise UsageError(str(e)) from None
    page = render(stats)
    with atomic_output(args.output) as out:
        out.write(page.encode("utf-8"))
    problems = "".join(f", {count:,} {kind}" for kind, count in stats.input_problems() if count)
    print(f"awal audit: {stats.documents:,} documents{problems} -> {args.output}", file=sys.stderr)
    return 0


def _same_file(a: str, b: str) -> bool:
    """Whether the paths ``a`` and ``b`` name one existing file (through links, or two spellings)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False

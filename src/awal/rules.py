"""Rule files (TOML profiles, TSV tables) and their compilation into kernel steps.

A profile is a list of named rules. Character-level rules (1:1 maps,
deletions, 1→N expansions, case folding) next to each other fuse into one
table pass; multi-character replacements, context rules, run collapsing and
NFC are steps of their own. A malformed file raises :class:`RuleError`
naming the file and line.

A profile file looks like this::

    description = "my corpus clean-up"
    extends = "default"            # optional: start from a built-in profile
    drop = ["collapse-elongation"] # optional: built-in rules to leave out

    [[rule]]
    name = "fold-alef"
    kind = "map"                   # map | delete | replace | context | collapse | nfc | casefold
    map = { "أ" = "ا", "إ" = "ا" }
    lossy = true
    comment = "hamza on alef is dropped"

    [[rule]]
    name = "elongation"
    kind = "collapse"              # runs of one repeated character
    chars = "ههه"                  # optional (default: every letter)
    limit = 2                      # runs are cut to this length...
    min_run = 3                    # ...when at least this long (default: limit + 1)
    protect = ["url", "email", "hashtag", "number", "roman"]  # left alone (default: all of them)

Collapse rules next to each other on different characters, with the same ``protect``,
run as one pass. Values are checked (types, ranges, names): a wrong one raises
:class:`RuleError` naming the file, the rule and the key.

>>> rules = parse_profile('[[rule]]\\nname = "x"\\nkind = "delete"\\nchars = "ـ"\\n', "inline")[1]
>>> [r.name for r in rules], rules[0].kind
(['x'], 'delete')
"""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser as a package (a dependency only there)
    import tomli as tomllib

from . import kernels
from .batch import TextBatch
from .cache import cached_table, source_key
from .kernels import UNICODE_SIZE, CharMap, Matcher
from .names import did_you_mean
from .patterns import PROTECT_KINDS, prepare, protected
from .unicode import SCRIPTS, category_mask, script_table
from .utf8map import Utf8Map

KINDS = ("map", "delete", "replace", "context", "collapse", "nfc", "casefold")
CHAR_KINDS = ("map", "delete", "casefold")


class RuleError(ValueError):
    """A rule or rule file is malformed; the message says which file and line."""


def data_dir() -> Path:
    """The ``data/`` folder: inside the installed wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    return packaged if packaged.is_dir() else here.parents[1] / "data"


# ------------------------------------------------------------------- rule model
@dataclass(frozen=True)
class Rule:
    """One named normalisation rule, as written in a profile file."""

    name: str
    kind: str
    mapping: dict[str, str] = field(default_factory=dict)  # map / replace / context
    chars: frozenset[str] = frozenset()  # delete
    context: tuple[tuple[str, str], ...] = ()  # context: (condition, class), condition in CONDITIONS
    skip: str = ""  # context: class of characters looked past (e.g. "mark")
    limit: int = 0  # collapse: the length runs are cut to
    min_run: int = 0  # collapse: runs shorter than this are left alone (0: every run longer than limit)
    protect: tuple[str, ...] = ()  # collapse: pieces left alone, names in awal.patterns.PROTECT_KINDS
    before: str = ""  # in a profile that extends another: the base rule this one goes before
    lossy: bool = False
    comment: str = ""
    source: str = ""  # "file:line" for error messages

    def char_map(self) -> dict[str, str]:
        """This character-level rule as ``{char: replacement}`` (deletion = empty string)."""
        if self.kind == "delete":
            return dict.fromkeys(self.chars, "")
        if self.kind == "casefold":
            return _casefold_map()
        return self.mapping


@lru_cache(maxsize=None)
def _casefold_map() -> dict[str, str]:
    """Full case folding of Latin, Greek, Cyrillic and Armenian letters (derived from ``str.casefold``)."""
    rows = cached_table("casefold", source_key(__file__), _casefold_rows)
    return {chr(row[0]): "".join(map(chr, row[1 : 1 + int(np.count_nonzero(row[1:]))])) for row in rows.tolist()}


def _casefold_rows() -> np.ndarray:
    """``[code point, folded code points..., 0 padding]`` for every character case folding changes.

    A fold is written composed (NFC), which is canonically equivalent to ``str.casefold``: a
    lower-case letter whose full folding only decomposes it (``ῖ`` → ``ι`` + U+0342) is not
    changed, so ``explain`` never reports a change that NFC undoes."""
    every = np.arange(UNICODE_SIZE, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    rows = []
    for start in range(0, UNICODE_SIZE, 256):  # most blocks of 256 have nothing to fold: one C call each
        block = every[start : start + 256]
        if block.casefold() != block:
            folds = ((ch, unicodedata.normalize("NFC", ch.casefold())) for ch in block)
            rows += [[ord(ch), *map(ord, fold)] for ch, fold in folds if fold != ch]
    width = max(map(len, rows))
    return np.array([row + [0] * (width - len(row)) for row in rows], dtype=np.uint32)  # a fold never holds NUL


# -------------------------------------------------------------------- char sets
CLASSES = ("letter", "word", "mark", "arabic", "latin", "tifinagh")
# condition -> (neighbours looked at, negated); "near" means before or after
CONDITIONS = {"next": ((+1,), False), "not_next": ((+1,), True), "prev": ((-1,), False), "near": ((-1, +1), False)}


@lru_cache(maxsize=None)
def class_mask(name: str) -> np.ndarray:
    """Dense boolean table for a named character class used by context and collapse rules.

    letter: general category L*; word: L*, M*, Nd; mark: M*; arabic, latin,
    tifinagh: letters of that script.
    """
    if name == "letter":
        return category_mask("L")
    if name == "word":
        return category_mask("L", "M", "Nd")
    if name == "mark":
        return category_mask("M")
    if name in ("arabic", "latin", "tifinagh"):
        code = {"arabic": "Arab", "latin": "Latn", "tifinagh": "Tfng"}[name]
        return category_mask("L") & (script_table() == SCRIPTS.index(code))
    raise RuleError(f"unknown character class {name!r}; known: {', '.join(CLASSES)}")


def _parse_codepoint(token: str, where: str) -> int:
    token = token.strip()
    if token.upper().startswith("U+"):
        try:
            return int(token[2:], 16)
        except ValueError:
            pass
    raise RuleError(f"{where}: bad code point {token!r}, expected U+XXXX")


def expand_chars(spec: Any, where: str) -> str:
    """Characters from a string, or a list of strings and ``"U+0600..U+06FF"`` ranges."""
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, list):
        raise RuleError(f"{where}: expected a string or a list of characters/ranges, got {type(spec).__name__}")
    out: list[str] = []
    for item in spec:
        if not isinstance(item, str):
            raise RuleError(f"{where}: range items must be strings, got {item!r}")
        if ".." in item:
            lo, hi = (_parse_codepoint(p, where) for p in item.split(".."))
            if hi < lo or hi >= UNICODE_SIZE:
                raise RuleError(f"{where}: bad range {item!r}")
            out.extend(map(chr, range(lo, hi + 1)))
        elif item.upper().startswith("U+"):
            out.append(chr(_parse_codepoint(item, where)))
        else:
            out.append(item)
    return "".join(out)


def _generated_map(how: str, chars: str, where: str) -> dict[str, str]:
    """Maps computed from Unicode data instead of typed by hand (e.g. presentation forms)."""
    if how == "nfkc":
        return {c: unicodedata.normalize("NFKC", c) for c in chars if unicodedata.normalize("NFKC", c) != c}
    if how == "nfd-base":  # strip the marks a character decomposes into
        out = {}
        for c in chars:
            base = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch))
            if base != c:
                out[c] = base
        return out
    raise RuleError(f"{where}: unknown generator {how!r}; known: nfkc, nfd-base")


# ---------------------------------------------------------------------- parsing
def _line_of(text: str, needle: str, default: int = 1) -> int:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else default


_TOML_STRINGS_AND_COMMENTS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*')
MAX_NESTING = 32  # arrays and inline tables a rule file may nest (the built-in ones use 2)


def toml_nesting(text: str) -> int:
    """How deeply the arrays and inline tables of TOML ``text`` nest (brackets in strings and
    comments do not count). Checked before parsing: a parser that recurses to Python's limit
    may leave a second message on stderr from a finaliser run at that depth.

    >>> toml_nesting('a = [[1], {b = "]]]"}]  # [[['), toml_nesting("[[rule]]")
    (2, 2)
    """
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", _TOML_STRINGS_AND_COMMENTS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_profile(text: str, path: str) -> tuple[dict[str, Any], list[Rule]]:
    """Parse a profile's TOML text into its header fields and rules."""
    if toml_nesting(text) > MAX_NESTING:
        raise RuleError(f"{path}: arrays or tables nested more than {MAX_NESTING} deep")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"{path}: {e}") from None
    except RecursionError:
        raise RuleError(f"{path}: arrays or tables nested too deeply") from None
    header = {k: v for k, v in doc.items() if k != "rule"}
    unknown = set(header) - set(_HEADER_TYPES)
    if unknown:
        raise RuleError(f"{path}:{_line_of(text, sorted(unknown)[0])}: unknown field {sorted(unknown)[0]!r}")
    for key, value in header.items():
        _check_type(value, _HEADER_TYPES[key], f"{path}:{_line_of(text, key)}", key)
    raw_rules = doc.get("rule", [])
    if not isinstance(raw_rules, list):
        raise RuleError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    # line numbers of each [[rule]] header, for messages
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.strip().startswith("[[rule]]")]
    rules = [_parse_rule(raw, f"{path}:{lines[i] if i < len(lines) else '?'}") for i, raw in enumerate(raw_rules)]
    return header, rules


@dataclass(frozen=True)
class ListOf:
    """Type of a field holding a list of ``item`` values."""

    item: type


# what each field of a profile file holds
_HEADER_TYPES: dict[str, Any] = {"description": str, "extends": str, "drop": ListOf(str), "insert_before": str}
_RULE_TYPES: dict[str, Any] = {
    "name": str, "kind": str, "map": dict, "chars": (str, list), "generate": str, "skip": str, "limit": int,
    "min_run": int, "protect": ListOf(str), "before": str, "lossy": bool, "comment": str, **dict.fromkeys(CONDITIONS, str),
}  # fmt: skip
_RULE_FIELDS = set(_RULE_TYPES)
MAX_RUN = 1 << 30  # largest collapse limit / min_run
MAX_EXPANSION = 1 << 12  # longest replacement of one character after fusing rules
_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", dict: "a table", list: "a list"}


def _check_type(value: Any, expected: Any, where: str, key: str) -> None:
    """Raise a RuleError naming ``where``, ``key`` and the expected type unless ``value`` has it.

    >>> _check_type(5, ListOf(str), "p.toml:2", "drop")
    Traceback (most recent call last):
    ...
    awal.rules.RuleError: p.toml:2: 'drop' must be a list of strings, got 5
    """
    if isinstance(expected, ListOf):
        ok = isinstance(value, list) and all(isinstance(item, expected.item) for item in value)
        wanted = f"a list of {_TYPE_NAMES[expected.item][2:]}s"
    else:
        types = expected if isinstance(expected, tuple) else (expected,)
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)  # true is not a number
        wanted = " or ".join(_TYPE_NAMES[t] for t in types)
    if not ok:
        raise RuleError(f"{where}: {key!r} must be {wanted}, got {value!r:.60}")


def _parse_rule(raw: dict[str, Any], where: str) -> Rule:
    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        raise RuleError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_RULE_FIELDS))}")
    for key, value in raw.items():
        _check_type(value, _RULE_TYPES[key], where, key)
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}: every rule needs a name")
    if kind not in KINDS:
        raise RuleError(f"{where}: rule {name!r} has kind {kind!r}; known kinds: {', '.join(KINDS)}")
    where = f"{where} (rule {name!r})"
    common = {
        "name": name, "kind": kind, "lossy": bool(raw.get("lossy", False)), "comment": str(raw.get("comment", "")),
        "before": str(raw.get("before", "")), "source": where,
    }  # fmt: skip
    mapping = raw.get("map", {})
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise RuleError(f"{where}: 'map' must be a table of strings")
    if "generate" in raw:
        mapping = {**_generated_map(raw["generate"], expand_chars(raw.get("chars", ""), where), where), **mapping}
    if kind == "delete":
        chars = expand_chars(raw.get("chars", ""), where)
        if not chars:
            raise RuleError(f"{where}: a delete rule needs 'chars'")
        return Rule(chars=frozenset(chars), **common)
    if kind in ("map", "context"):
        if not mapping:
            raise RuleError(f"{where}: a {kind} rule needs 'map' (or 'generate' with 'chars')")
        bad = [k for k in mapping if len(k) != 1]
        if bad:
            raise RuleError(f"{where}: {kind} keys must be single characters, got {bad[0]!r} (use kind = \"replace\")")
        if kind == "context":
            context = tuple((c, raw[c]) for c in CONDITIONS if c in raw)
            if not context:
                raise RuleError(f"{where}: a context rule needs one of {', '.join(CONDITIONS)}")
            for _, cls in (*context, *([("skip", raw["skip"])] if "skip" in raw else [])):
                if cls not in CLASSES:
                    raise RuleError(f"{where}: unknown class {cls!r}; known: {', '.join(CLASSES)}")
            if any(len(v) != 1 for v in mapping.values()):
                raise RuleError(f"{where}: context values must be single characters")
            return Rule(mapping=mapping, context=context, skip=raw.get("skip", ""), **common)
        return Rule(mapping=mapping, **common)
    if kind == "replace":
        if not mapping:
            raise RuleError(f"{where}: a replace rule needs 'map'")
        if "" in mapping:
            raise RuleError(f"{where}: replace keys cannot be empty")
        return Rule(mapping=mapping, **common)
    if kind == "collapse":
        limit = raw.get("limit")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_RUN:
            raise RuleError(f"{where}: a collapse rule needs 'limit', a whole number from 1 to {MAX_RUN}, got {limit!r}")
        min_run = raw.get("min_run", limit + 1)
        if not limit < min_run <= MAX_RUN + 1:
            raise RuleError(f"{where}: 'min_run' must be a whole number from limit + 1 ({limit + 1}) to {MAX_RUN + 1}, got {min_run!r}")
        protect = raw.get("protect", list(PROTECT_KINDS))
        strangers = [p for p in protect if p not in PROTECT_KINDS]
        if strangers:
            raise RuleError(f"{where}: unknown 'protect' name {strangers[0]!r}; known: {', '.join(PROTECT_KINDS)}")
        chars = expand_chars(raw.get("chars", []), where) if "chars" in raw else ""
        return Rule(chars=frozenset(chars), limit=limit, min_run=min_run, protect=tuple(dict.fromkeys(protect)), **common)
    return Rule(**common)  # nfc, casefold


def read_rule_file(path: str | Path, what: str = "profile file") -> str:
    """The UTF-8 text of a regular file, without a byte order mark (an editor's, never part of a rule);
    anything else (a FIFO, a device, a folder) is refused without waiting for a writer. Errors are
    :class:`RuleError` naming the file (and the line and byte offset of invalid UTF-8)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO opens at once, then is refused
    except OSError as e:
        raise RuleError(f"{path}: cannot read {what} ({e.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RuleError(f"{path}: not a regular file; a {what} must be a file")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read()
    except OSError as e:
        raise RuleError(f"{path}: cannot read {what} ({e.strerror})") from None
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise RuleError(f"{path}: line {line}, byte offset {e.start}: invalid UTF-8 ({e.reason})") from None


def load_profile_file(path: str | Path, resolve_builtin) -> tuple[str, list[Rule]]:
    """Read a profile file; ``extends`` is resolved with ``resolve_builtin(name) -> rules``."""
    text = read_rule_file(path)
    header, rules = parse_profile(text, str(path))
    try:
        base = resolve_builtin(header["extends"]) if "extends" in header else []
    except ValueError as e:
        raise RuleError(f"{path}:{_line_of(text, 'extends')}: extends: {e}") from None
    return str(header.get("description", "")), extend(base, rules, header, str(path))


def extend(base: list[Rule], rules: list[Rule], header: dict[str, Any], where: str) -> list[Rule]:
    """A built-in rule list extended by a profile file's rules.

    A rule with a base rule's name replaces it in place; names in ``drop``
    are removed; other rules go, in file order, before the base rule named by
    their own ``before`` field or the file's ``insert_before`` (e.g. folds
    that must run before run collapsing), or else at the end.
    """
    known = [r.name for r in base]
    drop, default_anchor = header.get("drop", []), header.get("insert_before", "")
    anchors = [r.before for r in rules if r.before] + ([default_anchor] if default_anchor else [])
    for name in [*drop, *anchors]:
        if name not in known:
            raise RuleError(f"{where}: no rule {name!r} in the base profile; {did_you_mean(name, known)}rules: {', '.join(known)}")
    own = {r.name: r for r in rules}
    out = [own.get(r.name, r) for r in base if r.name not in drop]
    for rule in rules:
        if rule.name in known:
            continue
        anchor = rule.before or default_anchor
        at = next((i for i, r in enumerate(out) if r.name == anchor), len(out)) if anchor else len(out)
        # after rules already inserted before the same anchor, to keep file order
        out.insert(at, rule)
    return out


def read_table(path: str | Path) -> list[tuple[str, str, str, int]]:
    """Rows of a TSV table: ``left<TAB>right[<TAB>direction][<TAB>note]`` → (left, right, direction, line).

    Lines starting with ``#`` and blank lines are skipped; the first other
    line is a header. ``\\t``, ``\\n``, ``\\\\`` and ``\\uXXXX`` escapes are
    decoded; an empty right side means deletion. direction is ``<>`` (both,
    the default), ``>`` (forward only) or ``<`` (reverse only).
    """
    path = Path(path)
    rows = []
    text = read_rule_file(path, "table")
    header_seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise RuleError(f"{path}:{number}: expected at least 2 tab-separated columns, got {len(cells)}")
        direction = cells[2].strip() if len(cells) > 2 and cells[2].strip() else "<>"
        if direction not in ("<>", ">", "<"):
            raise RuleError(f"{path}:{number}: direction must be <>, > or <, got {direction!r}")
        left, right = (_unescape(c, f"{path}:{number}") for c in cells[:2])
        if not left:
            raise RuleError(f"{path}:{number}: the left column is empty")
        rows.append((left, right, direction, number))
    return rows


def _unescape(cell: str, where: str) -> str:
    if "\\" not in cell:
        return cell
    try:
        return cell.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError as e:
        raise RuleError(f"{where}: bad escape in {cell!r} ({e.reason})") from None


# -------------------------------------------------------------------- compiling
# A compiled step turns (codepoints, offsets) into new ones plus exact spans
# into its own input: ``start``/``end`` per output code point, or ``None``
# when the step keeps every position where it was (a pure 1:1 map). With
# ``align=False`` a step may skip work that only the spans need.
StepResult = tuple[np.ndarray, np.ndarray, "np.ndarray | None", "np.ndarray | None"]


@dataclass(frozen=True)
class CharStep:
    """Fused character-level rules: one table lookup (1:1 and deletions), 1→N only where needed."""

    names: tuple[str, ...]
    mapping: dict[str, str]  # only the characters that change
    _charmap: list = field(default_factory=list, repr=False, compare=False)  # the CharMap, once built

    @classmethod
    def build(cls, names: tuple[str, ...], mapping: dict[str, str]) -> "CharStep":
        return cls(names, mapping)

    @property
    def charmap(self) -> CharMap:
        """The dense tables, built on the first batch (one short string never needs them);
        lock-free like ``Normalizer._compile``: two threads may both build the same."""
        if not self._charmap:
            self._charmap.append(CharMap.from_mapping(self.mapping))
        return self._charmap[0]

    def apply(self, cps: np.ndarray, offsets: np.ndarray, align: bool = True) -> StepResult:
        out, new_offsets, source = kernels.expand(cps, offsets, self.charmap, align)
        return out, new_offsets, source, None if source is None else source + 1


@dataclass(frozen=True)
class ReplaceStep:
    """Greedy longest-match replacement of multi-character keys."""

    names: tuple[str, ...]
    matcher: Matcher

    def apply(self, cps: np.ndarray, offsets: np.ndarray, align: bool = True) -> StepResult:
        return kernels.replace_longest(cps, offsets, self.matcher, align)


@dataclass(frozen=True)
class ContextStep:
    """A 1:1 map applied only where every condition on the neighbouring characters holds.

    Neighbours are looked for past the ``skip`` class and past the rule's own
    source characters, so a run of them (Greek εε next to Latin) converts whole.
    """

    names: tuple[str, ...]
    table: np.ndarray
    conditions: tuple[tuple[tuple[int, ...], np.ndarray, bool], ...]  # (neighbours, class mask, negated)
    skip: np.ndarray | None

    def apply(self, cps: np.ndarray, offsets: np.ndarray, align: bool = True) -> StepResult:
        at = np.flatnonzero(kernels.map_table(cps, self.table) != cps)
        if not len(at):
            return cps, offsets, None, None
        where = np.ones(len(at), dtype=bool)
        for sides, member, negated in self.conditions:
            hit = np.zeros(len(at), dtype=bool)
            for side in sides:
                hit |= kernels.neighbour_in(cps, offsets, member, side, self.skip, at)
            where &= ~hit if negated else hit
        out = cps.copy()
        out[at[where]] = self.table[cps[at[where]]]
        return out, offsets, None, None


@dataclass(frozen=True)
class CollapseStep:
    """Runs of one repeated character of at least ``min_run[cp]`` shortened to ``limit[cp]``,
    except inside the pieces named by ``protect`` (see :mod:`awal.patterns`)."""

    names: tuple[str, ...]
    limit: np.ndarray
    min_run: np.ndarray
    protect: tuple[str, ...] = ()

    def apply(self, cps: np.ndarray, offsets: np.ndarray, align: bool = True) -> StepResult:
        def keep_runs(starts: np.ndarray) -> np.ndarray:
            return protected(cps, offsets, starts, self.protect)

        out, offs, source = kernels.collapse_runs(cps, offsets, self.limit, align, self.min_run, keep_runs if self.protect else None)
        return out, offs, source, None if source is None else source + 1


@dataclass(frozen=True)
class NfcStep:
    """Unicode NFC, run by CPython only on the strings that contain a code point NFC could change."""

    names: tuple[str, ...]

    def apply(self, cps: np.ndarray, offsets: np.ndarray, align: bool = True) -> StepResult:
        from .nfc import nfc

        return nfc(cps, offsets, align)


Step = CharStep | ReplaceStep | ContextStep | CollapseStep | NfcStep


def run_steps(steps: Iterable[Step], batch: TextBatch, triggers: np.ndarray | None = None) -> TextBatch:
    """Every step over a batch, in cache-sized slices, without alignment. With ``triggers`` (see
    :func:`awal.needs.step_triggers`) a slice runs only the steps its code points may set off."""
    steps = tuple(steps)

    def run(cps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        wanted = int(np.bitwise_or.reduce(kernels.map_table(cps, triggers))) if triggers is not None else -1
        for k, step in enumerate(steps):
            if wanted >> k & 1:
                cps, offsets, _, _ = step.apply(cps, offsets, align=False)
        return cps, offsets

    return batch.map_chunks(run)


LIST_SEPARATOR = "\x00"


class ListMode(NamedTuple):
    """How :func:`awal.batch.map_text` may run a list through steps (see :func:`list_mode`)."""

    separator: str | None
    utf16: bool
    changes: tuple[int, int] | None = None
    leads: bytes | None = None
    utf8: Utf8Map | None = None


MOST_LEADS = 8  # an Arrow slice is searched for at most this many lead bytes (see list_mode)


def list_mode(steps: Iterable[Step]) -> ListMode:
    """How :func:`awal.batch.map_text` may run a list or an Arrow array through ``steps``:
    ``(separator, utf16, changes, leads)``.

    ``separator`` is :data:`LIST_SEPARATOR` when every step maps characters one by one
    wherever they are (:class:`CharStep`) and never touches or produces it, so a list may be
    run as one string joined by it; else None. ``utf16`` is true when those maps also accept
    uint16 code units (their BMP replacements stay in the BMP, see :class:`awal.kernels.CharMap`).
    ``changes`` is ``(first, last)``: every code point those maps change is in that range (None
    unless every step is one); text with nothing in it comes out as it went in.
    ``leads`` are the first UTF-8 bytes of those code points, when there are at most
    :data:`MOST_LEADS` of them: an Arrow slice whose value bytes hold none comes out as it went in.
    ``utf8`` is the one map on UTF-8 bytes (:class:`awal.utf8map.Utf8Map`) when the steps are
    one map of 2-byte characters to 2-byte characters or nothing (Arabic through ``camel``).

    >>> mode = list_mode([CharStep.build(("x",), {"ـ": "", "ى": "ي"})])
    >>> mode.separator, mode.utf16, mode.changes, mode.leads
    ('\\x00', True, (1600, 1609), b'\\xd9')
    >>> list_mode([CharStep.build(("x",), {"ى": "ي", "ة": "ه", "a": ""})]).leads
    b'a\\xd8\\xd9'
    >>> list_mode([CharStep.build(("x",), {"\\x00": ""})]).separator is None
    True
    """
    steps = tuple(steps)
    maps = [step.mapping for step in steps if isinstance(step, CharStep)]
    char_maps = len(maps) == len(steps)
    untouched = char_maps and all(
        LIST_SEPARATOR not in mapping and not any(LIST_SEPARATOR in value for value in mapping.values())
        for mapping in maps
    )
    utf16 = char_maps and all(kernels.fits_utf16(mapping) for mapping in maps)  # without building the tables
    keys = np.array([ord(key) for mapping in maps for key in mapping] if char_maps else [], dtype=np.int64)
    changes = leads = None
    if len(keys):
        changes = (int(keys.min()), int(keys.max()))
        firsts = {chr(key).encode("utf-8", "surrogatepass")[0] for key in keys.tolist()}
        leads = bytes(sorted(firsts)) if len(firsts) <= MOST_LEADS else None
    utf8 = Utf8Map.from_mapping(maps[0]) if len(steps) == 1 and char_maps else None
    return ListMode(LIST_SEPARATOR if untouched else None, utf16, changes, leads, utf8)


def fuse(rules: Iterable[Rule]) -> CharStep:
    """Compose consecutive character-level rules into one ``{char: string}`` map.

    Applying the result once equals applying the rules one after another.
    """
    fused: dict[str, str] = {}
    names = []
    for rule in rules:
        step = rule.char_map()
        fused = {k: "".join(step.get(c, c) for c in v) for k, v in fused.items()}
        for k, v in step.items():
            fused.setdefault(k, v)
        names.append(rule.name)
        # each value was at most MAX_EXPANSION long before this rule, so this stays bounded too
        if max(map(len, fused.values()), default=0) > MAX_EXPANSION:
            raise RuleError(f"{rule.source or rule.name}: after rules {', '.join(names)}, one character would "
                            f"become more than {MAX_EXPANSION} characters")  # fmt: skip
    return CharStep.build(tuple(names), {k: v for k, v in fused.items() if v != k})


def compile_rule(rule: Rule) -> Step:
    """One rule as one step (used by ``explain`` and for the rules that never fuse)."""
    names = (rule.name,)
    if rule.kind in CHAR_KINDS:
        return fuse([rule])
    if rule.kind == "replace":
        return ReplaceStep(names, Matcher.from_pairs(rule.mapping.items()))
    if rule.kind == "context":
        table = kernels.identity_table()
        for k, v in rule.mapping.items():
            table[ord(k)] = ord(v)
        conditions = tuple((CONDITIONS[c][0], class_mask(cls), CONDITIONS[c][1]) for c, cls in rule.context)
        skip = np.zeros(UNICODE_SIZE, dtype=bool)  # look past the rule's own characters too, so runs convert whole
        skip[[ord(k) for k in rule.mapping]] = True
        return ContextStep(names, table, conditions, skip | class_mask(rule.skip) if rule.skip else skip)
    if rule.kind == "collapse":
        return collapse_step([rule])
    return NfcStep(names)


def collapse_step(rules: list[Rule]) -> CollapseStep:
    """Collapse rules on disjoint characters with the same ``protect`` as one pass."""
    limit = np.zeros(UNICODE_SIZE, dtype=np.int64)
    min_run = np.zeros(UNICODE_SIZE, dtype=np.int64)
    for rule in rules:
        at = np.array([ord(c) for c in rule.chars], dtype=np.int64) if rule.chars else class_mask("letter")
        limit[at] = rule.limit
        min_run[at] = rule.min_run
    prepare(rules[0].protect)
    return CollapseStep(tuple(r.name for r in rules), limit, min_run, rules[0].protect)


def _joins_collapse(group: list[Rule], rule: Rule) -> bool:
    """Whether ``rule`` may run in the same pass as the collapse rules of ``group`` (a run of one
    character is shortened by one rule only, so rules on different characters are independent)."""
    if not group or group[0].kind != "collapse" or rule.kind != "collapse" or rule.protect != group[0].protect:
        return False
    return all(r.chars and rule.chars and not (r.chars & rule.chars) for r in group)


def plan(rules: list[Rule]) -> list[Step]:
    """The fewest passes for a rule list: runs of character-level rules fused, other rules kept."""
    steps: list[Step] = []
    run: list[Rule] = []
    collapses: list[Rule] = []
    for rule in rules:
        if collapses and not _joins_collapse(collapses, rule):
            steps.append(collapse_step(collapses))
            collapses = []
        if rule.kind == "collapse":
            collapses.append(rule)
        if rule.kind not in CHAR_KINDS and run:
            steps.append(fuse(run))
            run = []
        if rule.kind in CHAR_KINDS:
            run.append(rule)
        elif rule.kind != "collapse":
            steps.append(compile_rule(rule))
    if collapses:
        steps.append(collapse_step(collapses))
    if run:
        steps.append(fuse(run))
    return steps

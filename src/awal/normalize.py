"""Normalizer: named profiles of rules, applied to whole batches, with alignment and explanations.

>>> n = Normalizer("search")
>>> n("أَهْلاً بِكُمْ")
'اهلا بكم'
>>> out, spans = n.normalize_with_alignment("أَهْلاً")
>>> out, spans.tolist()
('اهلا', [[0, 2], [2, 4], [4, 5], [5, 7]])
>>> n.explain("أَهْلاً")[-1]
('alef-variants', (0, 1), 'أ', 'ا')
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from . import kernels
from .batch import TextBatch, map_text
from .columns import TextMap
from .export import hf_normalizer, sentencepiece_rules
from .fastpath import LONGEST, TextFunction, run_fast, text_function
from .names import unknown_name
from .needs import step_triggers
from .rules import ListMode, Rule, RuleError, Step, compile_rule, data_dir, list_mode, load_profile_file, plan, run_steps
from .slices import SLICE, CutRule, cut_rule, run_long

if TYPE_CHECKING:
    from .typing import ArrayT, ArrowT, SeriesT


def profiles() -> list[str]:
    """Names of the built-in profiles (files in ``data/profiles``)."""
    return sorted(p.stem for p in (data_dir() / "profiles").glob("*.toml"))


@lru_cache(maxsize=None)
def _builtin(name: str) -> tuple[str, tuple[Rule, ...]]:
    if not isinstance(name, str):
        raise TypeError(f"profile must be a str name, got {type(name).__name__}")
    if name not in profiles():
        raise unknown_name("profile", name, profiles())
    description, rules = load_profile_file(data_dir() / "profiles" / f"{name}.toml", lambda base: list(_builtin(base)[1]))
    return description, tuple(rules)


class Normalizer(TextMap):
    """A compiled normalisation profile: call it on ``str``, ``list[str]``, a pyarrow string array,
    a pandas Series or a NumPy array of text."""

    def __init__(self, profile: str = "default"):
        description, rules = _builtin(profile)
        self._setup(profile, description, rules)
        self._builtin = True  # compiled tables are shared by every Normalizer of this profile

    def _shared(self) -> "Normalizer":
        """The instance that compiles this profile: the process-wide one of a built-in profile
        (``Normalizer("search")`` in a loop compiles once), else ``self``."""
        return _normalizer(self.name) if self._builtin else self

    def _setup(self, name: str, description: str, rules: tuple[Rule, ...]) -> None:
        self.name, self.description = name, description
        self.rules: tuple[Rule, ...] = rules
        self._compiled: tuple[list[Step], ListMode, TextFunction | None] | None = None
        self._cut_rule: tuple[CutRule | None] | None = None  # where a long string may be cut (awal.slices)
        self._per_rule: list[Step] | None = None  # one step per rule, for explain
        self._triggers: tuple[np.ndarray | None] | None = None  # the steps each code point may set off (awal.needs)
        self._builtin = False

    @classmethod
    def from_file(cls, path: str | Path) -> "Normalizer":
        """A user's profile file (same TOML format as ``data/profiles``; may ``extends`` a built-in)."""
        self = cls.__new__(cls)
        description, rules = load_profile_file(path, lambda base: list(_builtin(base)[1]))
        if not rules:
            raise RuleError(f"{path}: the profile has no rules")
        self._setup(str(path), description, tuple(rules))
        return self

    def __repr__(self) -> str:
        return f"Normalizer({self.name!r}, rules={len(self.rules)})"

    def _compile(self) -> tuple[list[Step], ListMode, TextFunction | None]:
        """``(steps, list mode, one-string function)``.

        Built on first use and stored in one assignment, without a lock: two threads may both
        build (same result), and a process forked meanwhile never waits for a lock whose
        holder does not exist in it (functools.cached_property locks on Python < 3.12).
        """
        compiled = self._compiled
        if compiled is None:
            shared = self._shared()
            if shared is not self:
                compiled = shared._compile()
            else:
                steps = plan(list(self.rules))
                compiled = (steps, list_mode(steps), text_function(steps))
            self._compiled = compiled
        return compiled

    @property
    def steps(self) -> list[Step]:
        """The compiled passes (character rules fused into single table lookups)."""
        return self._compile()[0]

    @property
    def list_mode(self) -> ListMode:
        """How lists, Arrow arrays and byte chunks may run through the steps (:func:`awal.rules.list_mode`),
        computed once with them."""
        return self._compile()[1]

    # -------------------------------------------------------------- batches
    def normalize_batch(self, batch: TextBatch) -> TextBatch:
        """Run every pass over a whole batch (in cache-sized slices), skipping those that no code
        point of a slice may set off (:mod:`awal.needs`)."""
        shared = self._shared()
        if shared._triggers is None:  # built on the first batch, lock-free as _compile
            shared._triggers = (step_triggers(self.steps),)
        return run_steps(self.steps, batch, shared._triggers[0])

    def align_batch(self, batch: TextBatch) -> tuple[TextBatch, np.ndarray, np.ndarray]:
        """Run every pass, composing spans: output code point ``j`` came from input ``[start[j], end[j])``."""
        cps, offsets = batch.codepoints, batch.offsets
        start = np.arange(len(cps), dtype=np.int64)
        end = start + 1
        for step in self.steps:
            cps, offsets, s, e = step.apply(cps, offsets)
            if s is not None and e is not None:  # both or neither: None when nothing moved
                start, end = kernels.compose(start, end, s, e)
        start, end = kernels.tile(start, end, batch.offsets, offsets)
        return batch.replace(cps, offsets), start, end

    def apply(self, x: Any) -> Any:
        """The profile over ``str``, a list/tuple of ``str`` or a pyarrow string array (see :class:`TextMap`)."""
        steps, mode, function = self._compile()
        if function is not None:  # one short string or a few: no NumPy (awal.fastpath)
            if type(x) is str and len(x) <= LONGEST:
                return function(x)
            out = run_fast(x, function)
            if out is not None:
                return out
        if type(x) is str and len(x) > SLICE:  # a book as one string: in slices (awal.slices)
            if self._cut_rule is None:
                self._cut_rule = (cut_rule(steps),)  # built on first use, lock-free as _compile
            long = run_long(x, self._cut_rule[0], self.normalize_batch, mode)
            if long is not None:
                return long
        return map_text(x, self.normalize_batch, *mode)

    # ------------------------------------------------------------- exports
    def to_hf_normalizer(self):
        """A ``tokenizers.normalizers.Normalizer`` giving this profile's output (needs ``awal[subword]``)."""
        return hf_normalizer(self)

    def to_sentencepiece_rules(self, path: str | Path) -> Path:
        """Write a SentencePiece ``normalization_rule_tsv`` for this profile (needs ``awal[subword]``)."""
        return sentencepiece_rules(self, path)

    # ---------------------------------------------------------- single texts
    def normalize_with_alignment(self, text: str) -> tuple[str, np.ndarray]:
        """``(output, spans)``: ``spans[i] = (start, end)`` in ``text`` for output character ``i``.

        Spans are monotone and cover the input: deleted characters belong to
        the output character before them.
        """
        if not isinstance(text, str):
            raise TypeError(f"expected str, got {type(text).__name__}")
        out, start, end = self.align_batch(TextBatch.from_input(text))
        return out.to_output(), np.stack([start, end], axis=1).reshape(-1, 2)

    def explain(self, text: str) -> list[tuple[str, tuple[int, int], str, str]]:
        """Every change, rule by rule: ``(rule_name, (start, end) in text, before, after)``."""
        if not isinstance(text, str):
            raise TypeError(f"expected str, got {type(text).__name__}")
        batch = TextBatch.from_input(text)
        cps, offsets = batch.codepoints, batch.offsets
        start = np.arange(len(cps), dtype=np.int64)
        end = start + 1
        changes = []
        shared = self._shared()
        if shared._per_rule is None:  # compiled once per profile (lock-free, see _compile)
            shared._per_rule = [compile_rule(rule) for rule in self.rules]
        for rule, step in zip(self.rules, shared._per_rule):
            new, new_offsets, s, e = step.apply(cps, offsets)
            if s is None or e is None:  # both or neither: None when nothing moved
                s = np.arange(len(new), dtype=np.int64)
                e = s + 1
            changes += [(rule.name, span, before, after) for span, before, after in _diff(cps, new, s, e, start, end, text)]
            if len(s):
                start, end = kernels.compose(start, end, s, e)
            else:
                start, end = s, e
            cps, offsets = new, new_offsets
        return changes


def _diff(old, new, s, e, start, end, text):
    """Changed pieces of one step: groups of output sharing a source span, plus deleted input."""
    covered = np.zeros(len(old) + 1, dtype=np.int64)
    np.add.at(covered, s, 1)
    np.add.at(covered, e, -1)
    deleted = np.flatnonzero(np.cumsum(covered)[: len(old)] == 0)
    pieces = [(int(i), int(i) + 1, "") for i in deleted]
    if len(new):
        group = np.flatnonzero(np.r_[True, (s[1:] != s[:-1]) | (e[1:] != e[:-1])])
        bounds = np.r_[group, len(new)].tolist()
        for a, b in zip(bounds, bounds[1:]):
            lo, hi = int(s[a]), int(e[a])
            after = "".join(map(chr, new[a:b]))
            if after != "".join(map(chr, old[lo:hi])):
                pieces.append((lo, hi, after))
    out = []
    for lo, hi, after in sorted(pieces):
        span = (int(start[lo]), int(end[hi - 1]))
        out.append((span, text[span[0] : span[1]], after))
    return out


@overload
def normalize(x: str, profile: str = ...) -> str: ...
@overload
def normalize(x: list[str], profile: str = ...) -> list[str]: ...
@overload
def normalize(x: tuple[str, ...], profile: str = ...) -> tuple[str, ...]: ...
@overload
def normalize(x: ArrowT, profile: str = ...) -> ArrowT: ...
@overload
def normalize(x: SeriesT, profile: str = ...) -> SeriesT: ...
@overload
def normalize(x: ArrayT, profile: str = ...) -> ArrayT: ...
def normalize(x: Any, profile: str = "default") -> Any:
    """Normalise ``str``, ``list[str]``, a pyarrow string array, a pandas Series or a NumPy array of text
    with a built-in profile; the result has the input's type (see :mod:`awal.columns`).

    >>> normalize("ﻻ إله", profile="search")
    'لا اله'
    """
    normalizer = _BUILT.get(profile) if type(profile) is str else None  # a dict lookup: cheaper than the lru_cache
    return (normalizer or _normalizer(profile))(x)


_BUILT: dict[str, Normalizer] = {}


@lru_cache(maxsize=32)
def _normalizer(profile: str) -> Normalizer:
    normalizer = _BUILT[profile] = Normalizer(profile)
    return normalizer

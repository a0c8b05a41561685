"""Transliteration between scripts: table schemes from ``data/schemes`` and the Arabizi model.

A scheme file is a TSV table (see :func:`awal.rules.read_table`) with
directives on ``#!`` lines::

    #! forward: ar2bwx       name of the left -> right scheme
    #! reverse: bwx2ar       name of the right -> left scheme (optional)
    #! include: other.tsv    the rows of another scheme file come first (optional)
    #! escape: \\            escape character for reversible schemes (optional)
    #! compose: a b          a scheme that runs scheme a, then scheme b (no rows)

Every scheme is compiled into one greedy longest-match table. With an escape
character, characters of the target alphabet that are already in the input
are written escaped (``A`` -> ``\\A`` in ``ar2bwx``) so that the reverse
scheme restores the input exactly. Characters a table does not list pass
through unchanged; nothing is deleted.

``ar2bw``/``bw2ar`` (and ``safebw``, ``xmlbw``) are the standard schemes, identical to
camel-tools' maps: Latin already in the text is read as Buckwalter. ``ar2bwx``/``bwx2ar``
(``safebwx``, ``xmlbwx``) extend them with more letters and escapes, and round-trip any text.

>>> transliterate("كتاب", "ar2bw")
'ktAb'
>>> transliterate("#Almgrb x = 5", "bw2ar")
'#المغرب خ = 5'
>>> transliterate("ktAb \\\\A", "bwx2ar")
'كتاب A'
>>> transliterate(transliterate("كتاب Arabic", "ar2bwx"), "bwx2ar")
'كتاب Arabic'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, overload

from .batch import TextBatch, map_strings, map_text
from .columns import TextMap
from .fastpath import TextFunction, run_fast, text_function
from .kernels import Matcher
from .names import check_flag, check_whole, unknown_name
from .rules import CharStep, ListMode, ReplaceStep, RuleError, data_dir, list_mode, read_rule_file, read_table, run_steps
from .slices import SLICE, CutRule, cut_rule, run_long

if TYPE_CHECKING:
    from .typing import ArrayT, ArrowT, SeriesT

MODEL_SCHEMES = ("arabizi2ar", "ar2arabizi")


@dataclass(frozen=True)
class TableScheme:
    """A compiled table scheme (or a chain of them)."""

    name: str
    steps: tuple[CharStep | ReplaceStep, ...]
    source: str
    list_mode: ListMode = ListMode(None, False)  # how lists may run: see awal.rules.list_mode
    text_function: TextFunction | None = None  # the same on one str without NumPy (awal.fastpath)

    @classmethod
    def build(cls, name: str, steps: tuple[CharStep | ReplaceStep, ...], source: str) -> "TableScheme":
        return cls(name, steps, source, list_mode(steps), text_function(steps))

    def apply(self, batch: TextBatch) -> TextBatch:
        return run_steps(self.steps, batch)


def _directives(path: Path) -> dict[str, str]:
    out = {}
    for number, line in enumerate(read_rule_file(path, "scheme file").splitlines(), 1):
        if line.startswith("#!"):
            key, sep, value = line[2:].partition(":")
            if not sep:
                raise RuleError(f"{path}:{number}: a directive looks like '#! key: value'")
            out[key.strip()] = value.strip()
    return out


def _pairs(path: Path, directives: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Forward and reverse ``(key, value)`` lists of one scheme file, escapes included."""
    rows = read_table(path)
    if "include" in directives:
        included = path.parent / directives["include"]
        rows = read_table(included) + rows
    forward = [(left, right) for left, right, direction, _ in rows if direction in ("<>", ">")]
    reverse = [(right, left) for left, right, direction, _ in rows if direction in ("<>", "<")]
    escape = directives.get("escape")
    if escape:
        if len(escape) != 1:
            raise RuleError(f"{path}: the escape must be one character, got {escape!r}")
        alphabet = {ch for key, _ in reverse for ch in key} | {escape}
        clash = sorted(alphabet & {key for key, _ in forward})
        if clash:
            raise RuleError(f"{path}: {clash[0]!r} is both a source and a target character; it cannot be escaped")
        forward += [(ch, escape + ch) for ch in sorted(alphabet)]
        reverse += [(escape + ch, ch) for ch in sorted(alphabet)]
    schemes = {directives["forward"]: forward}
    if "reverse" in directives:
        schemes[directives["reverse"]] = reverse
    return schemes


@lru_cache(maxsize=None)
def _catalogue() -> dict[str, tuple[Path, dict[str, str]]]:
    """Scheme name -> (file, directives), from every ``data/schemes/*.tsv`` with a ``#! forward`` line."""
    out = {}
    for path in sorted((data_dir() / "schemes").glob("*.tsv")):
        directives = _directives(path)
        for role in ("forward", "reverse"):
            if role in directives:
                out[directives[role]] = (path, directives)
    return out


def schemes() -> list[str]:
    """Names of the available schemes."""
    return sorted([*_catalogue(), *MODEL_SCHEMES])


@lru_cache(maxsize=None)
def _table_scheme(name: str) -> TableScheme:
    path, directives = _catalogue()[name]
    if "compose" in directives:
        parts = directives["compose"].split()
        chained = [step for part in parts for step in _table_scheme(part).steps]
        return TableScheme.build(name, tuple(chained), str(path))
    pairs = dict(_pairs(path, directives)[name])
    if all(len(key) == 1 for key in pairs):  # a character table: one lookup, expansions spliced in
        return TableScheme.build(name, (CharStep.build((name,), pairs),), str(path))
    return TableScheme.build(name, (ReplaceStep((name,), Matcher.from_pairs(pairs.items())),), str(path))


@lru_cache(maxsize=None)
def _cut_rule(name: str) -> CutRule | None:
    """Where a long string may be cut into slices for a table scheme (see :mod:`awal.slices`)."""
    return cut_rule(_table_scheme(name).steps)


def _check_name(scheme: Any) -> str:
    if not isinstance(scheme, str):
        raise TypeError(f"scheme must be a str name, got {type(scheme).__name__}")
    if scheme not in schemes():
        raise unknown_name("scheme", scheme, schemes())
    return scheme


class Transliterator(TextMap):
    """One scheme, ready to run on ``str``, ``list[str]`` or Arrow arrays.

    For ``arabizi2ar``, ``keep_foreign=True`` (the default) leaves as written the tokens the
    language identifier labels French, English or another Latin-script language in their
    sentence (in a text of one or two words, Kabyle only when plainly Kabyle: alone, ``nemla`` is
    converted), URLs, mentions and units after numbers (``200 dh``): see :mod:`awal.lid.keep`.

    >>> Transliterator("ar2bw").candidates("كتاب")
    [('ktAb', 0.0)]
    """

    def __init__(self, scheme: str, model: Any = None, keep_foreign: bool = True):
        self.scheme = _check_name(scheme)
        self._model = model
        self._shipped = model is None  # the shipped Arabizi model: pickled by name (see __getstate__)
        self.keep_foreign = check_flag("keep_foreign", keep_foreign)

    def __getstate__(self) -> dict:
        """What pickle stores: the shipped Arabizi model is left out and built again where it is unpickled
        (Spark, Dask and multiprocessing ship a transliterator to every worker); a fitted one travels as
        what it is made of (see ``ArabiziModel.__getstate__``)."""
        state = dict(self.__dict__)
        if self._shipped:
            state["_model"] = None
        return state

    def __repr__(self) -> str:
        return f"Transliterator({self.scheme!r})"

    @property
    def model(self):
        """The Arabizi model behind ``arabizi2ar`` (shipped rules unless fitted)."""
        if self._model is None and self.scheme == "arabizi2ar":
            from .arabizi import ArabiziModel

            self._model = ArabiziModel.default()
        return self._model

    @property
    def list_mode(self) -> ListMode:
        """How lists, Arrow arrays and byte chunks may run through the scheme (:func:`awal.rules.list_mode`;
        a model scheme: one string at a time). ``list_mode.utf8`` is the scheme as a map on UTF-8 bytes, if it is one.

        >>> Transliterator("ar2bw").list_mode.utf8 is not None, Transliterator("bw2ar").list_mode.utf8
        (True, None)
        """
        return ListMode(None, False) if self.scheme in MODEL_SCHEMES else _table_scheme(self.scheme).list_mode

    def _run_strings(self) -> Callable[[list[str]], list[str]]:
        if self.scheme == "arabizi2ar":
            if not self.keep_foreign:
                return self.model.transliterate
            from functools import partial

            from .lid.keep import convert_darija

            return partial(convert_darija, convert=self.model.transliterate)
        from .arabizi import romanize

        return romanize

    def apply(self, x: Any) -> Any:
        """The scheme over ``str``, a list/tuple of ``str`` or a pyarrow string array (see :class:`TextMap`)."""
        if self.scheme in MODEL_SCHEMES:
            return map_strings(x, self._run_strings())
        scheme = _table_scheme(self.scheme)
        if scheme.text_function is not None:  # one short string or a few: no NumPy (awal.fastpath)
            out = run_fast(x, scheme.text_function)
            if out is not None:
                return out
        long = run_long(x, _cut_rule(self.scheme), scheme.apply, scheme.list_mode) if type(x) is str and len(x) > SLICE else None
        return long if long is not None else map_text(x, scheme.apply, *scheme.list_mode)

    def candidates(self, word: str, n: int = 5, before: str = "", after: str = "") -> list[tuple[str, float]]:
        """Ranked alternatives ``(text, score)``, best first; table schemes have exactly one.

        ``before`` and ``after`` (the text around the word) rank an Arabizi spelling
        that stands for several words by its neighbours.
        """
        for name, value in (("word", word), ("before", before), ("after", after)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        n = check_whole("n", n, 0)
        if self.scheme == "arabizi2ar":
            return self.model.candidates(word, n, before=before, after=after)
        return [(self(word), 0.0)]

    def fit(self, pairs) -> "Transliterator":
        """A new ``arabizi2ar`` transliterator whose model is fitted on ``(latin, arabic)`` pairs."""
        if self.scheme != "arabizi2ar":
            raise ValueError(f"only arabizi2ar learns from examples, not {self.scheme!r}")
        pairs = [pairs] if isinstance(pairs, str) else list(pairs)
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(side, str) for side in pair)):
                raise TypeError(f"pair {i} is {pair!r}: expected (latin, arabic), two str")
        if not pairs:
            raise ValueError("fit needs at least one (latin, arabic) pair")
        return Transliterator(self.scheme, self.model.fit(pairs), self.keep_foreign)


@overload
def transliterate(x: str, scheme: str, keep_foreign: bool = ...) -> str: ...
@overload
def transliterate(x: list[str], scheme: str, keep_foreign: bool = ...) -> list[str]: ...
@overload
def transliterate(x: tuple[str, ...], scheme: str, keep_foreign: bool = ...) -> tuple[str, ...]: ...
@overload
def transliterate(x: ArrowT, scheme: str, keep_foreign: bool = ...) -> ArrowT: ...
@overload
def transliterate(x: SeriesT, scheme: str, keep_foreign: bool = ...) -> SeriesT: ...
@overload
def transliterate(x: ArrayT, scheme: str, keep_foreign: bool = ...) -> ArrayT: ...
def transliterate(x: Any, scheme: str, keep_foreign: bool = True) -> Any:
    """Transliterate ``str``, ``list[str]``, a pyarrow string array, a pandas Series or a NumPy array
    of text with a named scheme; the result has the input's type (``keep_foreign``: see :class:`Transliterator`)."""
    if keep_foreign is not True and keep_foreign is not False:  # (inline: a short string takes ~2 us in all)
        keep_foreign = check_flag("keep_foreign", keep_foreign)
    return _transliterator(_check_name(scheme), keep_foreign)(x)


@lru_cache(maxsize=None)
def _transliterator(scheme: str, keep_foreign: bool = True) -> Transliterator:
    return Transliterator(scheme, keep_foreign=keep_foreign)

"""Errors for unknown names (profiles, schemes, rules) that suggest the closest known ones.

>>> print(unknown_name("profile", "defualt", ["camel", "default", "search"]))
unknown profile 'defualt'; did you mean 'default'? (available: camel, default, search)
"""

from __future__ import annotations

import difflib
from numbers import Integral
from typing import Iterable, Mapping

import numpy as np


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` with up to three close names (difflib), or ``""``.

    >>> did_you_mean("tatwel", ["tatweel", "nfc"])
    "did you mean 'tatweel'? "
    """
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""


def column_problem(names: list[str], column: str, output: str | None = None) -> str | None:
    """Why ``column`` of a table with columns ``names`` (a csv header, an Arrow schema) cannot be read, or the
    ``output`` column replaced: missing (close names suggested), or there more than once (an ``output`` not
    there is added: no problem); ``None`` when each is there once.

    >>> column_problem(["id", "text"], "txt")
    "no column 'txt' (did you mean 'text'? columns: id, text)"
    >>> column_problem(["text", "id", "id"], "text", output="id")
    "column 'id' occurs 2 times (columns 2, 3): awal cannot tell which one is meant"
    """
    for name in (column, output) if output in names else (column,):
        at = [number for number, known in enumerate(names, 1) if known == name]
        if not at:
            return f"no column {name!r} ({did_you_mean(str(name), names)}columns: {', '.join(names)})"
        if len(at) > 1:
            return f"column {name!r} occurs {len(at)} times (columns {', '.join(map(str, at))}): awal cannot tell which one is meant"
    return None


def unknown_name(what: str, name: str, known: Iterable[str]) -> ValueError:
    """A ``ValueError`` saying ``name`` is not a known ``what``, with close names first."""
    known = sorted(known)
    return ValueError(f"unknown {what} {name!r}; {did_you_mean(name, known)}(available: {', '.join(known)})")


def check_flag(name: str, value: object) -> bool:
    """``value`` if it is ``True`` or ``False`` (a NumPy bool too), else a ``TypeError``: a string such as
    ``"no"`` is truthy, so taking it as a flag would silently do the opposite of what was meant.

    >>> check_flag("keep_foreign", "no")
    Traceback (most recent call last):
    TypeError: keep_foreign must be True or False, got 'no'
    """
    if value is True or value is False:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {value!r}")


def check_flags(options: Mapping[str, object], known: Iterable[str]) -> None:
    """Every key of ``options`` a known flag name (close names suggested) and every value a bool.

    >>> check_flags({"split_digit": True}, ["split_digits", "keep_punctuation"])
    Traceback (most recent call last):
    TypeError: unknown option 'split_digit'; did you mean 'split_digits'? (available: keep_punctuation, split_digits)
    """
    for name, value in options.items():
        if name not in known:
            raise TypeError(str(unknown_name("option", name, known)))
        check_flag(name, value)


def check_whole(name: str, value: object, minimum: int) -> int:
    """``value`` as an ``int`` if it is a whole number (a NumPy integer too) of at least ``minimum``, else a
    ``ValueError`` (``True`` is not a count, ``"3"`` and ``2.5`` are not whole numbers).

    >>> check_whole("n", True, 1)
    Traceback (most recent call last):
    ValueError: n must be a whole number from 1, got True
    """
    if type(value) is bool or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number from {minimum}, got {value!r}")
    return int(value)

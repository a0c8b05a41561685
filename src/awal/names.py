"""Errors for unknown names (profiles, schemes, rules) that suggest the closest known ones.

>>> print(unknown_name("profile", "defualt", ["camel", "default", "search"]))
unknown profile 'defualt'; did you mean 'default'? (available: camel, default, search)
"""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"did you mean 'x'? "`` with up to three close names (difflib), or ``""``.

    >>> did_you_mean("tatwel", ["tatweel", "nfc"])
    "did you mean 'tatweel'? "
    """
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""


def unknown_name(what: str, name: str, known: Iterable[str]) -> ValueError:
    """A ``ValueError`` saying ``name`` is not a known ``what``, with close names first."""
    known = sorted(known)
    return ValueError(f"unknown {what} {name!r}; {did_you_mean(name, known)}(available: {', '.join(known)})")

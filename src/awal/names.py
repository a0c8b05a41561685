"""Errors for unknown names (profiles, schemes, rules) that suggest the closest known ones.

>>> print(unknown_name("profile", "defualt", ["camel", "default", "search"]))
unknown profile 'defualt'; did you mean 'default'? (available: camel, default, search)
"""

from __future__ import annotations

import difflib
from typing import Iterable


def unknown_name(what: str, name: str, known: Iterable[str]) -> ValueError:
    """A ``ValueError`` saying ``name`` is not a known ``what``, with close names (difflib) first."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return ValueError(f"unknown {what} {name!r}; {hint}(available: {', '.join(known)})")

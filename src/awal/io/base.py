"""The vocabulary shared by awal's readers and writers: errors, stdin/stdout, and the :class:`Codec` protocol."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .chunks import Chunk

STDIO = "-"  # stdin as an input, stdout as the output


REPLACE_HINT = "choose another --output-field, or pass --replace-output-field to replace it"


class DataError(ValueError):
    """The input data is bad (invalid UTF-8, malformed JSON, missing field); the message says where."""

    __module__ = "awal.io"


class UsageError(ValueError):
    """The command was asked for something impossible (unknown format, no such column...)."""

    __module__ = "awal.io"


@dataclass
class Parsed:
    """What :meth:`Codec.parse` found: the texts to process and what is needed to write them back."""

    texts: Any  # list[str | None] or a pyarrow array
    items: Any  # per output item: a txt line ending, a JSON record, a csv row... (or a jsonl Spliced batch)
    counts: Counter = field(default_factory=Counter)


def _text(value: Any) -> str:
    """A result as one line of text: tokens joined by spaces, null as empty."""
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else value


class Codec:
    """How one format turns a chunk into texts and results back into output."""

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        raise NotImplementedError

    def render(self, parsed: Parsed, results: Any) -> Any:
        raise NotImplementedError

    def map_bytes(self, chunk: Chunk, utf8: Any) -> tuple[bytes, int] | None:
        """``(rendered output, number of texts)`` of a chunk whose texts all go through ``utf8`` (a
        character map on UTF-8 bytes, :class:`awal.utf8map.Utf8Map`) where they are, never decoded;
        None when the chunk must be parsed (the default; a format overrides it where its bytes allow)."""
        return None


@dataclass
class Input:
    """An opened input: its codec, its chunks, and the header to write first (csv)."""

    codec: Codec
    chunks: Iterator[Chunk]
    header: bytes = b""
    counts: Counter = field(default_factory=Counter)  # problems found while reading (csv decoding)

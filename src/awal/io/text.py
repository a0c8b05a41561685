"""The txt format: one text per line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .base import Codec, Parsed, _text
from .chunks import Chunk, _newlines, decode_lines


@dataclass(frozen=True)
class TxtCodec(Codec):
    """One text per line: only ``\\n`` ends a line (a ``\\r\\n`` ending is kept; U+2028, U+2029,
    U+0085 are characters of the line). Output line N is input line N: a line break a result holds
    (a profile maps U+2028 to ``\\n``) is written as a space.

    >>> codec = TxtCodec()
    >>> parsed = codec.parse(Chunk("-", 1, 0, "a\\u2028b\\r\\nc\\n".encode()), "strict")
    >>> parsed.texts, codec.render(parsed, ["a\\nb", "c"])
    (['a\\u2028b', 'c'], b'a b\\r\\nc\\n')
    """

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        counts: Counter = Counter()
        lines = decode_lines(chunk, errors, counts)
        texts = [t[:-1] if t.endswith("\r") else t for _, t in lines]
        endings = ["\r\n" if t.endswith("\r") else "\n" for _, t in lines]
        return Parsed(texts, endings, counts)

    def render(self, parsed: Parsed, results: Any) -> bytes:
        texts = [_text(r) for r in results]
        if "\n" in "".join(texts):
            texts = [t.replace("\n", " ") for t in texts]
        return "".join(map(str.__add__, texts, parsed.items)).encode("utf-8")

    def map_bytes(self, chunk: Chunk, utf8: Any) -> tuple[bytes, int] | None:
        """Every line through ``utf8`` at once (it never touches ``\\r`` or ``\\n``); a last line without
        ``\\n`` gets one, as :meth:`render` gives it. None for bytes that are not UTF-8 (the error policy).

        >>> from awal.utf8map import Utf8Map
        >>> TxtCodec().map_bytes(Chunk("-", 1, 0, "مَا\\r\\n\\nىَ".encode()), Utf8Map.from_mapping({"َ": "", "ى": "ي"}))[0].decode()
        'ما\\r\\n\\nي\\n'
        """
        data: bytes = chunk.payload
        out = utf8.map_text(data)
        if out is None:
            return None
        if not data.endswith(b"\n"):
            out += b"\n"
        return out, _newlines(out)

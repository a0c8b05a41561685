"""The txt format: one text per line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .base import Codec, Parsed, _text
from .chunks import Chunk, decode_lines


@dataclass(frozen=True)
class TxtCodec(Codec):
    """One text per line; a ``\\r\\n`` ending is kept, every output line ends with a newline."""

    def parse(self, chunk: Chunk, errors: str) -> Parsed:
        counts: Counter = Counter()
        lines = decode_lines(chunk, errors, counts)
        texts = [t[:-1] if t.endswith("\r") else t for _, t in lines]
        endings = ["\r\n" if t.endswith("\r") else "\n" for _, t in lines]
        return Parsed(texts, endings, counts)

    def render(self, parsed: Parsed, results: Any) -> bytes:
        return "".join(_text(r) + end for r, end in zip(results, parsed.items)).encode("utf-8", "surrogatepass")


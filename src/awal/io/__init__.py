"""Readers and writers for the ``awal`` command: txt, jsonl, csv/tsv and parquet.

Input is cut into :class:`Chunk` s in the main process (cheap: raw lines,
parsed CSV rows or Arrow record batches); a :class:`Codec` turns a chunk into
the texts to process (:meth:`Codec.parse`) and the results back into output
(:meth:`Codec.render`) in whatever process runs the batch. Codecs are small
frozen dataclasses, so they pickle cheaply to worker processes.

Bad input is never dropped silently: with ``errors="strict"`` a
:class:`DataError` names the file, line and byte offset; ``"replace"``
(invalid UTF-8 only) and ``"skip"`` count what they did in ``Parsed.counts``.

One idea per module: :mod:`.base` (errors, the codec protocol), :mod:`.chunks` (cutting input
into batches, UTF-8 policy, byte order mark), :mod:`.text`, :mod:`.jsonl`, :mod:`.delimited`
(csv/tsv) and :mod:`.parquet` (the formats), :mod:`.inputs` (opening an input),
:mod:`.output` (what ``-o PATH`` does with each kind of path) and :mod:`.workers` (batches
handed back from worker processes through spool files).

>>> codec = JsonlCodec(field=("meta", "text"), output=("norm",))
>>> chunk = Chunk("<stdin>", 1, 0, b'{"meta": {"text": "Hi"}}\\n')
>>> parsed = codec.parse(chunk, "strict")
>>> parsed.texts
['Hi']
>>> codec.render(parsed, ["hi"])
b'{"meta": {"text": "Hi"}, "norm": "hi"}\\n'
"""

from .base import STDIO, Codec, DataError, Input, Parsed, UsageError
from .chunks import CHUNK_BYTES, Chunk, FileSlice, decode_lines, line_chunks, split_lines
from .delimited import CsvCodec
from .inputs import ERROR_POLICIES, FORMATS, guess_format, open_input
from .jsonl import JsonlCodec
from .output import OutputFailed, Sink, atomic_output, inherited_descriptor, open_output, remove_stale_temporaries, replaceable
from .parquet import ArrowCodec
from .text import TxtCodec
from .workers import Spooled

__all__ = [
    "CHUNK_BYTES", "ERROR_POLICIES", "FORMATS", "STDIO", "ArrowCodec", "Chunk", "Codec", "CsvCodec", "DataError",
    "FileSlice", "Input", "JsonlCodec", "OutputFailed", "Parsed", "Sink", "Spooled", "TxtCodec", "UsageError",
    "atomic_output", "inherited_descriptor", "open_output", "replaceable",
    "decode_lines", "guess_format", "line_chunks", "open_input", "remove_stale_temporaries", "split_lines",
]

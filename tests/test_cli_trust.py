"""The command line on the inputs round 11's trust pass found mishandled: scores of text without
letters, a byte order mark, an output field that already exists, Arrow/Parquet edge cases."""

from __future__ import annotations

import json

import pytest

import awal
from awal.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """``main(args)`` in this process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scores_of_a_text_without_letters_are_none_as_top_k_gives(tmp_path, capsys):
    # was "und:1.0000": a probability nothing measured, while scores gives 0 and top_k []
    texts = ["salam khoya", "123 !!", ""]
    (tmp_path / "in.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "identify", "--scores", str(tmp_path / "in.txt"))
    lines = out.split("\n")[:-1]
    assert code == 0 and len(lines) == 3 and lines[1:] == ["", ""]
    assert awal.Identifier().top_k(texts)[1:] == [[], []]
    (tmp_path / "in.jsonl").write_text('{"text": "123"}\n', encoding="utf-8")
    code, out, _ = run(capsys, "identify", "--scores", str(tmp_path / "in.jsonl"))
    assert json.loads(out) == {"text": "123", "lang": []}

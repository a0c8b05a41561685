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


BOM = "\ufeff"
COMMANDS = [["normalize"], ["transliterate", "--scheme", "ar2bw"], ["tokenize"], ["detect"], ["identify"], ["identify", "--scores"], ["identify", "--tokens"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["txt", "jsonl", "csv"])
def test_a_byte_order_mark_is_never_text_and_is_kept_only_where_the_output_is_text(tmp_path, capsys, command, fmt):
    # identify/detect on txt echoed the BOM before the first label
    texts = ["salam khoya", "بسم الله"]
    body = {"txt": "\n".join(texts), "jsonl": "\n".join(json.dumps({"text": t}) for t in texts), "csv": "text\n" + "\n".join(texts)}[fmt]
    plain, marked = tmp_path / f"plain.{fmt}", tmp_path / f"marked.{fmt}"
    plain.write_text(body + "\n", encoding="utf-8")
    marked.write_text(BOM + body + "\n", encoding="utf-8")
    code, without, _ = run(capsys, *command, str(plain))
    assert code == 0
    code, out, _ = run(capsys, *command, str(marked))
    kept = not (fmt == "txt" and command[0] in ("detect", "identify"))
    assert code == 0 and out == (BOM + without if kept else without)


def test_audit_skips_a_byte_order_mark(tmp_path, capsys):
    # audit counted a BOM-led JSONL line as not JSON, and a BOM-led txt line as holding an invisible character
    from awal.audit import audit

    for name, body in [("a.jsonl", '{"text": "salam"}\n{"text": "labas"}\n'), ("a.txt", "salam\nlabas\n")]:
        (tmp_path / name).write_text(BOM + body, encoding="utf-8")
        (tmp_path / ("plain" + name)).write_text(body, encoding="utf-8")
        marked, plain = audit(tmp_path / name), audit(tmp_path / ("plain" + name))
        assert marked.documents == plain.documents == 2 and marked.bad_json == 0
        assert marked.invisible == plain.invisible


def _table(path, rows):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.Table.from_pylist(rows), path)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("command", [["identify"], ["normalize", "--output-field", "lang"]], ids=" ".join)
def test_an_existing_output_field_is_refused_unless_replacing_is_asked(tmp_path, capsys, fmt, command):
    # csv replaced the column silently, JSONL and parquet a value of the same kind (identify's default "lang" too)
    rows = [{"text": "salam khoya", "lang": "mine"}, {"text": "labas", "lang": "also mine"}]
    source = tmp_path / f"in.{fmt}"
    if fmt == "jsonl":
        source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif fmt == "csv":
        source.write_text("text,lang\n" + "".join(f"{r['text']},{r['lang']}\n" for r in rows), encoding="utf-8")
    else:
        _table(source, rows)
    before = source.read_bytes()
    target = tmp_path / f"out.{fmt}"
    code, _, err = run(capsys, *command, str(source), "-o", str(target))
    assert code != 0 and "'lang' exists already" in err and "--replace-output-field" in err
    assert not target.exists() and source.read_bytes() == before
    code, _, err = run(capsys, *command, str(source), "-o", str(target), "--replace-output-field")
    assert code == 0, err
    assert target.exists()


def test_map_table_never_replaces_another_column_by_surprise():
    pa = pytest.importorskip("pyarrow")
    from awal import arrow

    table = pa.table({"text": ["ﻻ"], "norm": ["keep me"]})
    with pytest.raises(ValueError, match="'norm' exists already"):
        arrow.normalize_table(table, "text", output="norm")
    assert arrow.normalize_table(table, "text", output="norm", replace=True).column("norm").to_pylist() == ["لا"]
    assert arrow.normalize_table(table, "text").column("text").to_pylist() == ["لا"]  # the column itself: in place

"""awal audit: counts, bad input, empty corpus, the CLI, and the page rendered by headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import awal
from awal import audit
from awal.cli import main
from awal.io import DataError

REPO = Path(__file__).resolve().parents[1]


def write_jsonl(path: Path, records: list, raw: bytes = b"") -> Path:
    path.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records) + raw)
    return path


def test_counts(tmp_path):
    texts = ["سلاااام عليكم\u200f", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ", "wach labas 3lik", "wach labas 3lik", "كَتَبَ"]
    stats = audit.audit(write_jsonl(tmp_path / "c.jsonl", [{"text": t} for t in texts]), "text")
    assert stats.documents == 5 and stats.missing_field == stats.bad_json == 0
    assert stats.dominant["Arab"] == 2 and stats.dominant["Tfng"] == 1 and stats.dominant["Latn"] == 2
    assert stats.invisible[0x200F] == 1 and stats.invisible_docs == 1
    assert stats.elongated == 4 and stats.diacritics == 3
    assert stats.rule_changes["invisible-controls"] == 1 and stats.rule_changes["collapse-elongation"] == 2
    page = audit.render(stats)
    assert "exact duplicates (all documents)</td><td>1</td>" in page
    assert page.count("<img") >= 10 and "data:image/svg+xml;base64," in page
    if hasattr(awal, "identify"):
        assert "languages (awal.identify, sample of 5)" in page


def test_bad_records_are_counted_and_located(tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"text": "ok"}, {"body": "no text field"}, {"text": 3}], b"{not json\n\xff\xfe\n")
    stats = audit.audit(path, "text")
    assert (stats.documents, stats.missing_field, stats.not_text, stats.bad_json, stats.bad_utf8) == (1, 1, 1, 2, 1)
    assert stats.problems["no field 'text'"] == ["line 2, byte offset 15"]
    page = audit.render(stats)
    assert "records without the field</td><td>1</td>" in page and "line 4, byte offset" in page
    with pytest.raises(DataError, match=r"bad.jsonl: line 2, byte offset 15: no field 'text'"):
        audit.audit(path, "text", strict=True)


@pytest.mark.parametrize(
    "raw, message",
    [  # round 12: "line 2 (byte 13): invalid UTF-8 at byte 23", "not JSON: Expecting ',' delimiter: line 2 column 1 (char 12)"
        (b'{"text": "b\xff"}\n', "line 2, byte offset 29: invalid UTF-8 (invalid start byte)"),
        (b'{"text": "b"\n', "line 2, byte offset 30: malformed JSON (Expecting ',' delimiter at column 13)"),
        (b'{"text": 3}\n', "line 2, byte offset 18: field 'text' is a JSON number, not a string"),
    ],
)
def test_strict_errors_say_what_and_where_as_the_other_commands_do(tmp_path, capsys, raw, message):
    from awal.cli import main

    path = write_jsonl(tmp_path / "in.jsonl", [{"text": "salam"}], raw)
    assert main(["audit", str(path), "--strict", "-o", str(tmp_path / "r.html")]) == 1
    assert f"in.jsonl: {message}" in capsys.readouterr().err and not (tmp_path / "r.html").exists()
    if b"3}" not in raw:  # the same words and offset as normalize's
        assert main(["normalize", str(path), "--field", "text"]) == 1 and f"in.jsonl: {message}" in capsys.readouterr().err


def test_a_nested_field_is_read_as_every_command_reads_it(tmp_path):
    """Round 12 looked ``meta.text`` up as one key: every record counted as without the field."""
    path = write_jsonl(tmp_path / "in.jsonl", [{"meta": {"text": "salam khoya"}}, {"meta": {"text": "wach"}}, {"meta": {}}])
    stats = audit.audit(path, "meta.text")
    assert (stats.documents, stats.missing_field) == (2, 1)


def test_empty_corpus_says_so(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    page = audit.render(audit.audit(tmp_path / "empty.jsonl", "text"))
    assert "The corpus is empty" in page


def test_cli(tmp_path, capsys):
    corpus = write_jsonl(tmp_path / "c.jsonl", [{"text": "Salam! Labas?"}, {"id": 2}])
    out = tmp_path / "report.html"
    assert main(["audit", str(corpus), "--field", "text", "-o", str(out)]) == 0
    assert "records without the field</td><td>1</td>" in out.read_text(encoding="utf-8")
    failed = tmp_path / "failed.html"
    assert main(["audit", str(corpus), "--strict", "-o", str(failed)]) != 0
    assert not failed.exists()  # a failed run leaves no partial output
    assert "line 2" in capsys.readouterr().err
    assert main(["audit", str(corpus), "--variety", "aryy", "-o", str(failed)]) != 0
    assert "did you mean" in capsys.readouterr().err and not failed.exists()


def test_bundled_samples_report(tmp_path):
    """What `make demo` shows."""
    out = tmp_path / "samples.html"
    assert main(["audit", str(REPO / "data" / "samples" / "mixed.txt"), "-o", str(out)]) == 0
    assert "Tfng" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists(), reason="no Chromium installed")
def test_renders_in_headless_chromium(tmp_path):
    stats = audit.audit(write_jsonl(tmp_path / "c.jsonl", [{"text": t} for t in ["سلام عليكم", "ⴰⵣⵓⵍ", "wach labas"] * 5]), "text")
    page = tmp_path / "report.html"
    page.write_text(audit.render(stats), encoding="utf-8")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    loaded = re.search(r'data-images="(\d+)/(\d+)"', dom)
    assert loaded, "the page's load handler did not run"
    shown, total = map(int, loaded.groups())
    assert total >= 10 and shown == total


def test_audit_never_writes_its_report_over_its_input(tmp_path, capsys):
    """Round 9 replaced the corpus with the HTML report (exit 0) when -o named the input, directly or through a link."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(b'{"text": "salam"}\n{"other": 1}\n')
    before = corpus.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(corpus)
    for output in (corpus, tmp_path / "link.jsonl", tmp_path / "." / "c.jsonl"):
        assert main(["audit", str(corpus), "-o", str(output)]) == 2
        assert "would replace its input" in capsys.readouterr().err
    assert corpus.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "link.jsonl"]
    assert main(["audit", str(corpus), "-o", str(tmp_path / "r.html")]) == 0
    assert "1 documents, 1 records without the field ->" in capsys.readouterr().err  # the counts, not only in the report

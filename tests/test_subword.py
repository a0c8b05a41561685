"""Subword export/training/evaluation: HF normaliser identical to awal, SentencePiece rules, train/save/load, evaluate."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import examples

import awal
from awal import subword

# realistic text: the scripts and troublemakers this project meets, no random astral noise
REALISTIC = (
    "اأإآٱءؤئىيیكکگڭݣڤپچةهہەۀـًٌٍَُِّْٰٕٓٔ٠١٩۰۹،؛؟ﻻﻼﷲﺍﺑﺒ"
    "ⴰⴱⴳⵯⴽⵡⵖⵛⵥ⵿ʷ°ᵂεɛγɣΕΓəǝğǧĞḍṭṛṣẓḥ"
    "abcdeghkqrstuwxyzABCDHSTÉéßẞİı0123456789 \t\n-_.,:;!?'\"()"
    "\u00a0\u200b\u200c\u200d\u200e\u200f\u2028\ufeff\u00ad\u0300\u0301\u0323\U0001f600"
)
realistic = st.text(alphabet=st.sampled_from(REALISTIC), max_size=40)


@pytest.fixture(scope="module", params=["default", "search"])
def pair(request):
    n = awal.Normalizer(request.param)
    return n, subword.hf_normalizer(n)


@examples(300)
@given(text=realistic)
def test_hf_normalizer_identical_default(text):
    _check("default", text)


@examples(300)
@given(text=realistic)
def test_hf_normalizer_identical_search(text):
    _check("search", text)


_CACHE: dict = {}


def _hf(profile):
    if profile not in _CACHE:
        n = awal.Normalizer(profile)
        _CACHE[profile] = (n, subword.hf_normalizer(n))
    return _CACHE[profile]


def _check(profile, text):
    n, hf = _hf(profile)
    assert hf.normalize_str(text) == n(text)


@pytest.mark.parametrize(
    "profile,text,expected",
    [
        ("default", "بیت", "بيت"),  # Farsi yeh inside a word
        ("default", "علیٰ", "علىٰ"),  # word-final past a mark
        ("default", "εγa", "ɛɣa"),  # Greek lookalikes next to Latin convert whole
        ("default", "εγ", "εγ"),  # Greek text untouched
        ("default", "ⴰʷ", "ⴰⵯ"),
        ("default", "هههههه bzzzzaf", "هه bzzaf"),
        ("search", "Straße ΣΑΣ ꭰ", "strasse σασ Ꭰ"),
        ("search", "أَهْلاً بِكُمْ", "اهلا بكم"),
    ],
)
def test_hf_normalizer_examples(profile, text, expected):
    n, hf = _hf(profile)
    assert n(text) == expected
    assert hf.normalize_str(text) == expected


def _mismatches(args):
    profile, lines = args
    n, hf = _hf(profile)
    got = hf.normalize_str("\x00".join(lines)).split("\x00")  # \x00 is touched by no rule and is no letter/mark
    assert len(got) == len(lines)
    return [(x, g, w) for x, g, w in zip(lines, got, n(lines)) if g != w]


def _shared_lines(shared_data: Path) -> list[str]:
    lines = []
    for f in sorted((shared_data / "flores200" / "dev").iterdir()):
        lines += f.read_text(encoding="utf-8").splitlines()
    with open(shared_data / "arabic" / "corpus_bench.txt", encoding="utf-8") as fh:
        lines += [next(fh).rstrip("\n") for _ in range(10_000)]
    assert not any("\x00" in x for x in lines)
    return lines


@pytest.mark.shared
def test_hf_normalizer_identical_on_corpora(shared_data):
    """100% of FLORES dev lines (8 languages) and 10,000 benchmark lines, both profiles.

    Each HF step costs O(length), so the lines are split across processes.
    """
    lines = _shared_lines(shared_data)
    chunk = 4500
    jobs = [(p, lines[i : i + chunk]) for p in ("default", "search") for i in range(0, len(lines), chunk)]
    with ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as ex:
        bad = [m for ms in ex.map(_mismatches, jobs) for m in ms]
    assert bad == []


@pytest.mark.parametrize("profile", ["default", "search"])
def test_hf_charsmap_keys_followed_by_marks(profile):
    """Every key of a character map, alone and followed by what can extend its grapheme (Precompiled maps per grapheme)."""
    from awal.rules import CharStep

    n, hf = _hf(profile)
    keys = sorted({k for s in n.steps if isinstance(s, CharStep) for k in s.mapping})
    followers = ["", "\u064e", "\u0651\u064e", "\u0301", "\u200d", "\u200c", "\ufe0f", "\U0001f3fb", "\n", "b", "\u0628", "\u2d30"]
    texts = [f"a{k}{f}" for k in keys for f in followers] + ["\r\n", "\u06dd\u0661", "\u08e2\u0628", "\u0600\u0661\u064e"]
    assert not any("\x00" in t for t in texts)
    got = hf.normalize_str("\x00".join(texts)).split("\x00")
    assert [t for t, g, w in zip(texts, got, n(texts)) if g != w] == []
    # few steps: character maps are one Precompiled charsmap each, not one Replace per value
    from tokenizers import Tokenizer, models

    tok = Tokenizer(models.BPE())
    tok.normalizer = hf
    import json

    assert len(json.loads(tok.to_str())["normalizer"]["normalizers"]) <= 25


# --------------------------------------------------------------- SentencePiece
def test_sentencepiece_rules_char_level(tmp_path):
    n = awal.Normalizer("default")
    path = subword.sentencepiece_rules(n, tmp_path / "rules.tsv")
    line = path.read_text(encoding="utf-8").splitlines()[0]
    src, tgt = line.split("\t")
    assert all(int(h, 16) >= 0 for h in src.split())
    texts = ["ﻻ بیت", "علیٰ", "هههه", "ⴰʷ", "a\u200bb\u00a0c", "كتاب"]
    assert subword.sentencepiece_normalize(path, texts) == n(texts)


# identity rate of the SentencePiece rules on FLORES dev (8 languages) + 10,000 benchmark
# lines, measured: default 98.72% (FLORES 100%), search 99.91%; misses are context rules
# looking past longer runs of Quranic marks, and runs of letters that only become equal
# after mapping (collapsing)
_SPM_IDENTITY = {"default": 0.980, "search": 0.997}


@pytest.mark.shared
@pytest.mark.parametrize("profile", ["default", "search"])
def test_sentencepiece_rules_identity_rate(shared_data, tmp_path, profile):
    n = awal.Normalizer(profile)
    lines = _shared_lines(shared_data)
    path = subword.sentencepiece_rules(n, tmp_path / "rules.tsv")
    got = subword.sentencepiece_normalize(path, lines)
    rate = sum(g == w for g, w in zip(got, n(lines))) / len(lines)
    flores = len(lines) - 10_000
    rate_flores = sum(g == w for g, w in zip(got[:flores], n(lines[:flores]))) / flores
    assert rate >= _SPM_IDENTITY[profile], rate
    assert rate_flores >= 0.998, rate_flores


# -------------------------------------------------------------------- training
@pytest.fixture(scope="module")
def small_corpus():
    root = Path(os.environ.get("AWAL_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "flores200" / "dev"
    if root.is_dir():
        return [line for f in ("ary_Arab.dev", "fra_Latn.dev", "tzm_Tfng.dev") for line in (root / f).read_text(encoding="utf-8").splitlines()[:120]]
    return ["بیت الكتاب هههههه", "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ", "bonjour à tous", "ﻻ شكرا"] * 50


def test_train_hf_bpe_roundtrip(tmp_path, small_corpus):
    tok = subword.train(small_corpus, kind="bpe", vocab_size=600)
    path = tmp_path / "tokenizer.json"
    tok.save(str(path))
    from tokenizers import Tokenizer

    again = Tokenizer.from_file(str(path))
    sample = small_corpus[::37] + ["", "ﻻ بیت ههههه"]
    assert [e.ids for e in tok.encode_batch(sample)] == [e.ids for e in again.encode_batch(sample)]
    n = awal.Normalizer("default")
    for text in sample:
        assert tok.decode(tok.encode(text).ids) == n(text)  # byte-level: lossless after normalisation
    assert tok.encode("").ids == []
    # combining marks stay with their letters in pre-tokenisation
    pieces = [p for p, _ in tok.pre_tokenizer.pre_tokenize_str("بِكُمْ")]
    assert len(pieces) == 1


def test_train_unigram_and_sentencepiece(tmp_path, small_corpus):
    uni = subword.train(small_corpus, kind="unigram", vocab_size=400)
    assert uni.encode("bonjour").ids
    model = subword.train(small_corpus, library="sentencepiece", kind="bpe", vocab_size=1000, output=tmp_path / "sp")
    sp = subword.load(model)
    import sentencepiece as spm

    again = spm.SentencePieceProcessor(model_file=str(model))
    text = "بیت ﻻ bonjour ⴰⵣⵓⵍ"
    assert sp.encode(text) == again.encode(text)
    assert sp.decode(sp.encode(text)) == awal.normalize(text)


def test_train_empty_corpus():
    with pytest.raises(ValueError, match="empty corpus"):
        subword.train([])
    with pytest.raises(ValueError, match="empty corpus"):
        subword.train(["", "   "])


# ------------------------------------------------------------------ evaluation
def test_evaluate_and_reports(tmp_path, small_corpus):
    tok = subword.train(small_corpus, vocab_size=500)
    path = tmp_path / "tok.json"
    tok.save(str(path))
    data = {"fra_Latn": ["le chat dort", "bonjour"], "ary_Arab": ["القط ناعس", "سلام"], "empty": []}
    for t in (tok, str(path)):
        rows = subword.evaluate(t, data, reference="fra_Latn")
        by = {r["language"]: r for r in rows}
        assert by["fra_Latn"]["parity"] == 1.0
        assert by["fra_Latn"]["words"] == 4
        assert by["ary_Arab"]["fertility"] >= 1.0
        assert 0.0 <= by["ary_Arab"]["continued_word_rate"] <= 1.0
        assert by["ary_Arab"]["unknown_rate"] == 0.0
        assert by["empty"]["tokens"] == 0
    table = subword.report_table(rows)
    assert "fra_Latn" in table and "parity" in table
    png = subword.report_chart(rows, tmp_path / "parity.png")
    assert png.stat().st_size > 0


@pytest.mark.shared
def test_parity_flores_16k_bpe(shared_data):
    """The issue's must-show: a 16k byte-level BPE trained with awal's default profile on the
    FLORES dev text of all 8 languages, measured on the same sentences (as the issue specifies):
    Tifinagh <= 1.05x and Moroccan Arabic <= 0.95x the tokens of French (measured 0.905 / 0.802)."""
    folder = shared_data / "flores200" / "dev"
    texts = {f.stem: f.read_text(encoding="utf-8").splitlines() for f in sorted(folder.glob("*.dev"))}
    assert len(texts) == 8 and all(len(v) == 997 for v in texts.values())
    tok = subword.train([x for v in texts.values() for x in v], kind="bpe", vocab_size=16000, profile="default")
    assert tok.get_vocab_size() == 16000
    rows = {r["language"]: r for r in subword.evaluate(tok, texts, reference="fra_Latn")}
    assert rows["tzm_Tfng"]["parity"] <= 1.05
    assert rows["ary_Arab"]["parity"] <= 0.95
    assert all(r["unknown_rate"] == 0.0 for r in rows.values())  # byte-level: nothing unknown


def test_load_names_the_file_and_why(tmp_path):
    bad_json = tmp_path / "tokenizer.json"
    bad_json.write_text("garbage", encoding="utf-8")
    with pytest.raises(ValueError, match=r"tokenizer\.json: cannot load a tokenizers tokenizer\.json: "):
        subword.load(bad_json)
    bad_model = tmp_path / "m.model"
    bad_model.write_bytes(b"x")
    with pytest.raises(ValueError, match=r"m\.model: cannot load a SentencePiece \.model"):
        subword.load(bad_model)
    with pytest.raises(FileNotFoundError, match="missing.json: no such tokenizer file"):
        subword.load(tmp_path / "missing.json")


"""Run collapsing: only elongation is shortened, never URLs, e-mails, hashtags, numbers or Roman numerals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import awal
from awal import Normalizer, RuleError, kernels, reference
from awal.batch import TextBatch
from awal.patterns import PROTECT_KINDS
from awal.rules import Rule, collapse_step
from strategies import characters

# pieces that make runs, protected shapes and their edges likely
PIECES = ["aaaa", "ooo", "iii", "XIII", "xviiie", "MMM", "ccc", "ههههه", "ⵣⵣⵣⵣ", "https://", "www.", "ex.com/", "@", "#",
          "0x", "fff", "111", "e5", ".", ",", "_", " ", "\n", "\u00a0", "ـ", "é", "ⵯ"]  # fmt: skip
run_texts = st.lists(st.one_of(st.sampled_from(PIECES), characters), max_size=16).map("".join)
LIMIT = {"a": 2, "o": 1, "i": 2, "x": 2, "c": 2, "m": 2, "M": 2, "f": 2, "1": 2, "ه": 2, "ⵣ": 3, "e": 2}
MIN_RUN = {"a": 4, "o": 2, "i": 3, "x": 3, "c": 3, "m": 3, "M": 3, "f": 3, "1": 3, "ه": 3, "ⵣ": 4, "e": 5}


def _tables():
    limit = np.zeros(kernels.UNICODE_SIZE, dtype=np.int64)
    min_run = np.zeros(kernels.UNICODE_SIZE, dtype=np.int64)
    for ch, value in LIMIT.items():
        limit[ord(ch)], min_run[ord(ch)] = value, MIN_RUN[ch]
    return limit, min_run


@given(st.lists(run_texts, max_size=6))
def test_collapse_kernel_with_min_run_equals_reference(texts):
    b = TextBatch.from_input(texts)
    limit, min_run = _tables()
    cps, offsets, source = kernels.collapse_runs(b.codepoints, b.offsets, limit, True, min_run)
    out = b.replace(cps, offsets).to_list()
    expected = [reference.collapse_runs(t, lambda c: LIMIT.get(c, 0), lambda c: MIN_RUN.get(c, 0)) for t in texts]
    assert out == [text for text, _ in expected]
    starts = b.offsets[:-1]
    kept = [(source[a:z] - starts[i]).tolist() for i, (a, z) in enumerate(zip(offsets[:-1], offsets[1:]))]
    assert kept == [indices for _, indices in expected]


@pytest.mark.parametrize("kinds", [PROTECT_KINDS, ("url",), ("hashtag", "roman"), ("number",)])
@given(texts=st.lists(run_texts, max_size=6))
def test_protected_collapse_equals_reference_on_whole_text(kinds, texts):
    """The step searches only the whitespace-free stretches around runs; the twin searches whole strings."""
    rules = [Rule(name=ch, kind="collapse", chars=frozenset(ch), limit=LIMIT[ch], min_run=MIN_RUN[ch], protect=kinds) for ch in LIMIT]
    step = collapse_step(rules)
    b = TextBatch.from_input(texts)
    cps, offsets, _, _ = step.apply(b.codepoints, b.offsets)
    expected = []
    for t in texts:
        inside = reference.protected_indices(t, kinds)
        expected.append(reference.collapse_runs(t, lambda c: LIMIT.get(c, 0), lambda c: MIN_RUN.get(c, 0), inside.__contains__)[0])
    assert b.replace(cps, offsets).to_list() == expected


KEPT = [
    "https://www.example.com/aaa",  # the URL
    "http://ex.ma/هههه/ⵣⵣⵣⵣ?q=zzzz",
    "www.shoooop.ma",
    "wrote to salaaam@exaaample.com",
    "#Maroooc",
    "0xFFFFFF and 0xfffff",
    "Louis XIII",
    "XVIIIe siècle, xiiie, le XXXIIIe",
    "chapitre iii, MMM",
]


@pytest.mark.parametrize("profile", ["default", "search", "darija"])
@pytest.mark.parametrize("text", KEPT)
def test_protected_pieces_are_never_collapsed(profile, text):
    out = awal.normalize(text, profile)
    folded = awal.normalize(text.casefold(), "search") if profile == "search" else text
    assert out == (folded if profile == "search" else text), out


@pytest.mark.parametrize(
    "profile, text, expected",
    [
        ("default", "ههههههه والله", "هه والله"),  # Arabic: 3+ is elongation
        ("default", "زوييين بزااااف", "زويين بزااف"),
        ("default", "ⴰⵣⵓⵍⵍⵍⵍ", "ⴰⵣⵓⵍⵍ"),  # Tifinagh
        ("default", "bzzzzzaf", "bzzaf"),  # Latin: 4+ in default
        ("default", "sooo good", "sooo good"),  # three Latin letters may be spelling (Schifffahrt): kept in default
        ("default", "Schifffahrt", "Schifffahrt"),
        ("search", "sooo good", "soo good"),  # search folds three too
        ("search", "Louis XIII", "louis xiii"),
        ("search", "XVIIIe", "xviiie"),
        ("default", "#مبرووووك", "#مبرووك"),  # hashtags protect their ASCII letters only
        ("default", "https://ex.ma/aaa ههههه", "https://ex.ma/aaa هه"),
    ],
)
def test_real_examples(profile, text, expected):
    assert awal.normalize(text, profile) == expected


def test_alignment_and_explain_see_protection():
    n = Normalizer("default")
    out, spans = n.normalize_with_alignment("XIII هههه")
    assert out == "XIII هه" and spans[-2:].tolist() == [[5, 6], [6, 9]]  # the cut letters join the last kept one
    changes = n.explain("https://x.ma/aaaa bzzzzaf")
    assert {c[0] for c in changes} == {"collapse-latin-elongation"} and all(start >= 18 for _, (start, _), _, _ in changes)


def test_protect_and_min_run_are_data(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('extends = "default"\n\n[[rule]]\nname = "collapse-latin-elongation"\nkind = "collapse"\n'
                    'limit = 1\nmin_run = 3\nchars = "a"\nprotect = []\n')  # fmt: skip
    assert Normalizer.from_file(path)("https://ex.com/aaa aa") == "https://ex.com/a aa"


@pytest.mark.parametrize(
    "body, words",
    [
        ("limit = 2\nmin_run = 2", ["min_run", "limit + 1"]),
        ("limit = 2\nprotect = [\"urls\"]", ["protect", "urls", "url"]),
        ("limit = 2\nprotect = \"url\"", ["protect", "list of strings"]),
    ],
)
def test_bad_collapse_fields(tmp_path, body, words):
    path = tmp_path / "p.toml"
    path.write_text(f'[[rule]]\nname = "c"\nkind = "collapse"\n{body}\n')
    with pytest.raises(RuleError) as e:
        Normalizer.from_file(path)
    assert all(w in str(e.value) for w in [str(path), *words]), str(e.value)


_HF_PIECES = [p for p in PIECES if p != "#"] + list("abxiéه ⵣ.-/:@_1")
hf_texts = st.lists(st.sampled_from(_HF_PIECES), max_size=16).map("".join)


@pytest.mark.parametrize("profile", ["default", "search"])
@given(text=hf_texts)
def test_hf_export_protects_the_same_pieces(profile, text):
    pytest.importorskip("tokenizers")
    hf = _hf(profile)
    assert hf.normalize_str(text) == awal.normalize(text, profile)


@pytest.mark.parametrize("text", [*KEPT, "#Maroooc #مبرووووك", "ههههه #zzzzz"])  # not #مبروك_Maroooc: see awal.export
def test_hf_export_on_real_examples(text):
    pytest.importorskip("tokenizers")
    for profile in ("default", "search"):
        assert _hf(profile).normalize_str(text) == awal.normalize(text, profile)


_HF: dict = {}


def _hf(profile):
    if profile not in _HF:
        _HF[profile] = Normalizer(profile).to_hf_normalizer()
    return _HF[profile]

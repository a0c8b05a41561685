"""Training and evaluating subword tokenizers with awal's normalisation inside.

* :func:`train` trains a BPE or Unigram model (HF ``tokenizers`` or SentencePiece).
* :func:`evaluate`, :func:`report_table`, :func:`report_chart` measure fertility and
  parity across languages.
* :func:`hf_normalizer` and :func:`sentencepiece_rules` (from :mod:`awal.export`) turn
  a profile into the libraries' own normalisers.

``tokenizers`` and ``sentencepiece`` are imported on first use (extra ``awal[subword]``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .export import proto_fields, hf_normalizer, sentencepiece_normalize, sentencepiece_rules
from .extras import optional
from .normalize import Normalizer

__all__ = ["hf_normalizer", "sentencepiece_rules", "sentencepiece_normalize", "train", "evaluate", "load_tokenizer", "report_table", "report_chart", "PRE_TOKENIZER_PATTERN"]

# GPT-2 style split, but letters keep their combining marks (harakat, Tifinagh/Latin
# diacritics) so vocalised Arabic is not cut at every haraka.
PRE_TOKENIZER_PATTERN = r" ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+"


# ----------------------------------------------------------------- training
def _read_texts(texts_or_files) -> list[str]:
    if isinstance(texts_or_files, (str, os.PathLike)):
        texts_or_files = [texts_or_files]
    out: list[str] = []
    for item in texts_or_files:
        if isinstance(item, Path) or (isinstance(item, str) and "\n" not in item and len(item) < 4096 and os.path.isfile(item)):
            out += Path(item).read_text(encoding="utf-8").splitlines()
        elif isinstance(item, str):
            out.append(item)
        else:
            raise TypeError(f"expected texts (str) or file paths, got {type(item).__name__}")
    return out


def _pre_tokenizer(byte_level: bool):
    tokenizers = optional("tokenizers")
    pre_tokenizers = tokenizers.pre_tokenizers
    split = pre_tokenizers.Split(tokenizers.Regex(PRE_TOKENIZER_PATTERN), behavior="isolated")
    if byte_level:
        return pre_tokenizers.Sequence([split, pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    return split


def train(
    texts_or_files,
    kind: str = "bpe",
    library: str = "hf",
    vocab_size: int = 16000,
    profile: Any = "default",
    byte_fallback: bool = True,
    output: str | os.PathLike | None = None,
    min_frequency: int = 2,
    special_tokens: list[str] | None = None,
):
    """Train a subword tokenizer whose normaliser is awal's ``profile``.

    ``library="hf"`` returns a ``tokenizers.Tokenizer`` (save with ``.save(path)``,
    reload with ``Tokenizer.from_file``). With ``byte_fallback=True`` the model
    works on UTF-8 bytes (byte-level BPE/Unigram: never unknown); otherwise on
    characters with ``<unk>``. The pre-tokenizer keeps combining marks with their
    letters. ``library="sentencepiece"`` returns the path of the trained
    ``.model`` (``output`` prefix, or a temporary folder), with awal's rules
    compiled in as ``normalization_rule_tsv``. ``profile=None`` trains without
    normalisation (NFC only for SentencePiece's sake: none at all for HF).
    """
    if kind not in ("bpe", "unigram"):
        raise ValueError(f"kind must be 'bpe' or 'unigram', got {kind!r}")
    if library not in ("hf", "sentencepiece"):
        raise ValueError(f"library must be 'hf' or 'sentencepiece', got {library!r}")
    texts = [t for t in _read_texts(texts_or_files) if t.strip()]
    if not texts:
        raise ValueError("cannot train a tokenizer on an empty corpus (no non-blank lines)")
    norm = None if profile is None else (profile if isinstance(profile, Normalizer) else Normalizer(profile))
    specials = list(special_tokens or ["<unk>", "<s>", "</s>", "<pad>"])
    if library == "sentencepiece":
        return _train_spm(texts, kind, vocab_size, norm, byte_fallback, output)

    tokenizers = optional("tokenizers")
    Tokenizer, decoders, models, pre_tokenizers, trainers = (
        tokenizers.Tokenizer, tokenizers.decoders, tokenizers.models, tokenizers.pre_tokenizers, tokenizers.trainers
    )  # fmt: skip
    if kind == "bpe":
        model = models.BPE(unk_token=None if byte_fallback else "<unk>")
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=specials,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet() if byte_fallback else [], show_progress=False,
        )  # fmt: skip
    else:
        model = models.Unigram()
        trainer = trainers.UnigramTrainer(
            vocab_size=vocab_size, special_tokens=specials, unk_token="<unk>",
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet() if byte_fallback else [], show_progress=False,
        )  # fmt: skip
    tok = Tokenizer(model)
    if norm is not None:
        tok.normalizer = hf_normalizer(norm)
    tok.pre_tokenizer = _pre_tokenizer(byte_fallback)
    tok.decoder = decoders.ByteLevel() if byte_fallback else decoders.Fuse()
    tok.train_from_iterator(texts, trainer=trainer, length=len(texts))
    if output is not None:
        tok.save(str(output))
    return tok


def _train_spm(texts, kind, vocab_size, norm, byte_fallback, output):
    spm = optional("sentencepiece")

    folder = Path(output).parent if output else Path(tempfile.mkdtemp(prefix="awal-spm-"))
    prefix = str(output) if output else str(folder / "awal")
    if prefix.endswith(".model"):
        prefix = prefix[: -len(".model")]
    folder.mkdir(parents=True, exist_ok=True)
    kwargs = dict(
        sentence_iterator=iter(texts), model_prefix=prefix, vocab_size=vocab_size, model_type=kind,
        byte_fallback=byte_fallback, character_coverage=0.9995 if byte_fallback else 1.0,
        remove_extra_whitespaces=False, add_dummy_prefix=True, hard_vocab_limit=False,
        split_by_unicode_script=True, max_sentence_length=1 << 20, minloglevel=2,
    )  # fmt: skip
    if norm is not None:
        kwargs["normalization_rule_tsv"] = str(sentencepiece_rules(norm, prefix + ".rules.tsv"))
    else:
        kwargs["normalization_rule_name"] = "identity"
    spm.SentencePieceTrainer.train(**kwargs)
    return prefix + ".model"


# --------------------------------------------------------------- evaluation
def load_tokenizer(path: str | os.PathLike) -> Any:
    """A ``tokenizers.Tokenizer`` from a tokenizer.json, or a ``SentencePieceProcessor`` from a ``.model`` file;
    a path that is not such a file is a ``FileNotFoundError`` or ``ValueError`` naming it (the libraries' own
    errors name no file: ``Exception: No such file or directory (os error 2)``)."""
    path = str(path)
    sentencepiece = path.endswith(".model")
    library = optional("sentencepiece" if sentencepiece else "tokenizers")  # (a missing extra: its ImportError first)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such tokenizer file" + (" (it is a directory)" if os.path.isdir(path) else ""))
    try:
        return library.SentencePieceProcessor(model_file=path) if sentencepiece else library.Tokenizer.from_file(path)
    except Exception as e:  # (both libraries raise a bare Exception or RuntimeError)
        kind = "a SentencePiece .model" if sentencepiece else "a tokenizers JSON file"
        raise ValueError(f"{path}: not {kind} ({e})") from None


class _Encoder:
    """Uniform view of HF and SentencePiece tokenizers: tokens with character offsets."""

    def __init__(self, tokenizer):
        self.sp = self.hf = None
        if isinstance(tokenizer, (str, os.PathLike)):
            tokenizer = load_tokenizer(tokenizer)
        if type(tokenizer).__name__ == "SentencePieceProcessor":
            self.sp = tokenizer
        elif hasattr(tokenizer, "encode_batch"):
            self.hf = tokenizer
        elif hasattr(tokenizer, "backend_tokenizer"):  # transformers fast tokenizer
            self.hf = tokenizer.backend_tokenizer
        else:
            raise TypeError(f"unsupported tokenizer {type(tokenizer).__name__}: pass a tokenizers.Tokenizer, a tokenizer.json path or a .model path")
        if self.hf is not None:
            vocab = self.hf.get_vocab()
            unk = {"<unk>", "[UNK]", "<UNK>"}
            self.unknown = {i for t, i in vocab.items() if t in unk or (len(t) == 6 and t.startswith("<0x") and t.endswith(">"))}

    def encode(self, texts: list[str]) -> list[tuple[list[int], list[tuple[int, int]], int]]:
        """Per text: token ids, char offsets, count of unknown/byte-fallback tokens."""
        out = []
        if self.hf is not None:
            for enc in self.hf.encode_batch(texts, add_special_tokens=False):
                out.append((enc.ids, enc.offsets, sum(i in self.unknown for i in enc.ids)))
            return out
        for t in texts:
            # SentencePieceText: 2 = repeated SentencePiece {2 id, 4 begin, 5 end} (byte offsets)
            pieces = [dict(proto_fields(v)) for f, v in proto_fields(self.sp.encode(t, out_type="serialized_proto")) if f == 2]
            ids = [p.get(2, 0) for p in pieces]
            # begin/end are byte offsets into the input: convert to characters
            b2c = np.zeros(len(t.encode("utf-8")) + 1, dtype=np.int64)
            pos = 0
            for i, ch in enumerate(t):
                n = len(ch.encode("utf-8"))
                b2c[pos : pos + n] = i
                pos += n
            b2c[pos] = len(t)
            offs = [(int(b2c[p.get(4, 0)]), int(b2c[p.get(5, 0)])) for p in pieces]
            unk = sum(self.sp.is_unknown(i) or self.sp.is_byte(i) for i in ids)
            out.append((ids, offs, unk))
        return out


def _word_spans(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(r"\S+", text)]


def evaluate(tokenizer, texts_by_language: dict[str, list[str]], reference: str = "fra_Latn") -> list[dict[str, Any]]:
    """Token-cost statistics per language.

    Each row: ``language, lines, words, chars, bytes, tokens, fertility`` (tokens
    per whitespace word), ``tokens_per_char``, ``tokens_per_byte``, ``parity``
    (total tokens / the reference language's total, meaningful on parallel text;
    ``None`` without the reference), ``unknown_rate`` (share of tokens that are
    unknown or byte-fallback pieces) and ``continued_word_rate`` (share of words
    covered by 2+ tokens, from token offsets).
    """
    enc = _Encoder(tokenizer)
    rows: list[dict[str, Any]] = []
    for lang, texts in texts_by_language.items():
        texts = list(texts)
        encoded = enc.encode(texts) if texts else []
        words = tokens = unknown = chars = nbytes = split_words = 0
        for text, (ids, offsets, unk) in zip(texts, encoded):
            tokens += len(ids)
            unknown += unk
            chars += len(text)
            nbytes += len(text.encode("utf-8", "surrogatepass"))
            spans = _word_spans(text)
            words += len(spans)
            if spans and offsets:
                starts = np.array([s for s, e in offsets if e > s], dtype=np.int64)
                ends = np.array([e for s, e in offsets if e > s], dtype=np.int64)
                ws = np.array(spans, dtype=np.int64)
                # tokens overlapping each word
                lo = np.searchsorted(ends, ws[:, 0], side="right")
                hi = np.searchsorted(starts, ws[:, 1], side="left")
                split_words += int(np.sum((hi - lo) >= 2))
        rows.append({
            "language": lang, "lines": len(texts), "words": words, "chars": chars, "bytes": nbytes, "tokens": tokens,
            "fertility": tokens / words if words else 0.0,
            "tokens_per_char": tokens / chars if chars else 0.0,
            "tokens_per_byte": tokens / nbytes if nbytes else 0.0,
            "unknown_rate": unknown / tokens if tokens else 0.0,
            "continued_word_rate": split_words / words if words else 0.0,
        })  # fmt: skip
    ref = next((r for r in rows if r["language"] == reference), None)
    for r in rows:
        r["parity"] = r["tokens"] / ref["tokens"] if ref and ref["tokens"] else None
    return rows


_COLUMNS = ("language", "lines", "tokens", "fertility", "tokens_per_char", "tokens_per_byte", "parity", "unknown_rate", "continued_word_rate")


def report_table(rows: list[dict[str, Any]]) -> str:
    """A fixed-width text table of :func:`evaluate` rows."""
    head = ["language", "lines", "tokens", "tok/word", "tok/char", "tok/byte", "parity", "unk", "split words"]
    body = []
    for r in rows:
        cells = []
        for c in _COLUMNS:
            v = r.get(c)
            cells.append("-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v))
        body.append(cells)
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([fmt(head), fmt(["-" * w for w in widths]), *map(fmt, body)])


def report_chart(rows: list[dict[str, Any]], png_path: str | os.PathLike, metric: str = "parity") -> Path:
    """Bar chart of one metric per language (matplotlib, Agg backend), written to ``png_path``."""
    optional("matplotlib").use("Agg")
    plt = optional("matplotlib.pyplot")

    labels = [r["language"] for r in rows]
    values = [r.get(metric) or 0.0 for r in rows]
    fig, ax = plt.subplots(figsize=(max(4, 0.8 * len(rows) + 2), 3.5))
    ax.bar(labels, values, color="#3b7dd8")
    if metric == "parity":
        ax.axhline(1.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title(f"{metric.replace('_', ' ')} by language")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(str(png_path), dpi=120)
    plt.close(fig)
    return Path(png_path)


def load(path: str | os.PathLike):
    """Reload a saved tokenizer in its plain library: ``tokenizer.json`` → ``tokenizers.Tokenizer``, ``.model`` → SentencePieceProcessor."""
    p = str(path)
    if not os.path.isfile(p):
        raise FileNotFoundError(f"{p}: no such tokenizer file")
    try:
        if p.endswith(".model"):
            return optional("sentencepiece").SentencePieceProcessor(model_file=p)
        return optional("tokenizers").Tokenizer.from_file(p)
    except ImportError:
        raise
    except Exception as e:  # the libraries raise bare Exception/RuntimeError with no file name
        kind = "a SentencePiece .model" if p.endswith(".model") else "a tokenizers tokenizer.json"
        raise ValueError(f"{p}: cannot load {kind}: {e}") from None

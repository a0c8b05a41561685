"""Rebuild the bundled model from ``../shared/data``: ``python -m awal.lid train``.

Deterministic: the same data gives the same files. Five models are first trained on the
folds of a grouped split (:func:`folds_of`), each without one fifth; their scores on the
fifth they did not see give the temperature, the Darija/MSA layer (:mod:`awal.lid.dialect`)
and the token context layer (:mod:`awal.lid.context`), learnt on NArabizi's tagged tokens
and on the words of monolingual lines. The shipped model is then trained on everything and
given the three, and the sums of the most frequent words of the ``lid/`` files
(:mod:`awal.lid.vocabulary`).
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..batch import TextBatch
from ..tokenize import token_spans
from .context import Context
from .dialect import Dialect
from .features import FeatureSpec
from .keep import ARABIC_IN_LATIN
from .corpus import NARABIZI_TAGS, Examples, narabizi_tokens, originals, windows, with_windows
from .learn import fit_temperature
from .model import Identifier
from .vocabulary import Vocabulary

FLORES_SHARE = 0.5  # of a label's weight, where the label has FLORES sentences and other texts
EPOCHS = 6
LABEL_OFFSETS = {"ary_Arab": 0.25, "arq_Arab": -1.5, "ary_Latn": -1.125}  # added to calibrated log-scores, chosen on the grouped CV (benchmarks/README.md; arq_Arab -1.0 -> -1.5 in round 9, ary_Latn -1.0 -> -1.125 in round 13)
DIALECT_PAIR = ("ary_Arab", "arb_Arab")  # the labels the dialect layer (awal.lid.dialect) splits
DIALECT_FLORES_SHARE = 0.8  # of its training weight (the rest: lid/ texts), chosen on the grouped CV
DIALECT_WINDOW_SHARE = 0.2  # of its training weight on short windows (1-3 words) of the texts, chosen on the grouped CV
NGRAM_BITS = 16  # the sentence model's hashed n-gram table: 2^16 buckets (1 MB of rows, in a core's L2; round 13, benchmarks/README.md)
VOCABULARY_SIZE = 100_000  # frequent words of the lid/ files whose sums the model carries (awal.lid.vocabulary; 50,000 until round 13)
LINES_PER_LABEL = 300  # monolingual lines per label whose words teach the context layer
TOKEN_BITS, TOKEN_EPOCHS = 16, 12  # the token model: 2^16 buckets, 12 epochs (see TOKEN_LINE_WORDS)
TOKEN_LINE_WORDS = 150_000  # words of the other texts of each of its labels the token model also learns from (round 6: 20,000 words, 6 epochs;
# round 7: 60,000 and 12 epochs; round 8: 150,000, every word of the thinner labels; grouped CV in benchmarks/README.md)
TOKEN_BALANCE = 0.3  # how far the context layer evens out NArabizi's languages (0: as tagged, 1: all alike), chosen on the grouped CV
TOKEN_LINE_SHARE = 0.5  # of each label's weight in the token model, on those words (the rest: NArabizi's tagged tokens)
SOURCES = [
    {"data": "../shared/data/lid/*.txt (AfriSenti ma/dz, Arabic and Egyptian Wikipedia via egy-arb-dialect-id, ArSarcasm-v2, UD Arabic-PUD, UD English-EWT, Common Voice fr and zgh, UD French-GSD and ParisStories, Kabyletexts, CLiGS textbox, UD Spanish-GSD/PUD/COSER, UDHR zgh)",
     "licences": "CC BY 4.0, CC BY-SA 3.0/4.0, MIT, CC0, public domain"},
    {"data": "FLORES-200 dev (arb_Arab, arb_Latn, ary_Arab, tzm_Tfng, taq_Tfng, kab_Latn, fra_Latn, eng_Latn)", "licences": "CC BY-SA 4.0"},
    {"data": "NArabizi (UD_Maghrebi_Arabic_French-Arabizi) dev token tags", "licences": "CC BY-SA 4.0"},
]  # fmt: skip


def sample_weights(examples: Examples) -> np.ndarray:
    """Every label weighs the same in total; in a label with FLORES sentences they carry
    :data:`FLORES_SHARE` of its weight, so "FLORES style" says nothing about the label
    (otherwise thin labels, mostly FLORES, would claim every translated news sentence)."""
    names, y = np.unique(examples.labels, return_inverse=True)
    is_flores = np.char.startswith(np.array(examples.groups), "flores:")
    weight = np.zeros(len(y))
    for label in range(len(names)):
        members = y == label
        from_flores = members & is_flores
        rest = members & ~is_flores
        share = FLORES_SHARE if from_flores.any() and rest.any() else float(from_flores.any())
        if from_flores.any():
            weight[from_flores] = share / from_flores.sum()
        if rest.any():
            weight[rest] = (1 - share) / rest.sum()
    return weight * (len(weight) / weight.sum())


def folds_of(examples: Examples, folds: int = 5) -> np.ndarray:
    """The fold of every example, grouped so no near-copy of a test text is trained on:
    FLORES by sentence number (the translations of one sentence share a fold), ``lid/`` by
    source file where a label has several files (a whole source is held out), by line for
    labels with one source, NArabizi by comment."""
    files_of: dict[str, list[str]] = {}
    for group, label in zip(examples.groups, examples.labels):
        if ":" not in group and group not in files_of.setdefault(label, []):
            files_of[label].append(group)
    file_fold = {f: i % folds for files in files_of.values() if len(files) > 1 for i, f in enumerate(sorted(files))}
    out = np.empty(len(examples), dtype=np.int64)
    for i, group in enumerate(examples.groups):
        if group.startswith("flores:"):
            out[i] = int(group.split(":")[1]) % folds
        elif group in file_fold:
            out[i] = file_fold[group]
        else:
            key = group if ":" in group else f"{group}#{i}"
            out[i] = zlib.crc32(key.encode()) % folds
    return out


def subset(examples: Examples, mask: np.ndarray) -> Examples:
    picked = np.flatnonzero(mask).tolist()
    return Examples([examples.texts[i] for i in picked], [examples.labels[i] for i in picked], [examples.groups[i] for i in picked])


def fit(examples: Examples, epochs: int = EPOCHS, sources: list[dict] | None = None) -> Identifier:
    """A model trained on ``examples`` (with their short windows) as the shipped one is."""
    train = with_windows(examples)
    return Identifier().fit(train.texts, train.labels, spec=FeatureSpec(bits=NGRAM_BITS), sample_weight=sample_weights(train), epochs=epochs, sources=sources)


@dataclass
class TokenTable:
    """Words of tagged texts scored by a model that did not see them: ``own`` log-probabilities,
    ``local`` those of its token model, ``text`` (a number per text, ascending), ``gold`` label index (-1: none), ``weight``, ``fold``,
    ``letters`` (of each word)."""

    own: np.ndarray
    local: np.ndarray
    text: np.ndarray
    gold: np.ndarray
    weight: np.ndarray
    fold: np.ndarray
    letters: np.ndarray

    def without(self, fold: int) -> "TokenTable":
        keep = self.fold != fold
        return TokenTable(*(getattr(self, name)[keep] for name in ("own", "local", "text", "gold", "weight", "fold", "letters")))

    def context(self) -> Context:
        return Context.fit(self.own, self.text, self.local, self.gold, self.weight, letters=self.letters)


def tagged_texts(root: Path, examples: Examples, fold: np.ndarray) -> list[tuple[int, str, list[tuple[int, str]], str]]:
    """``(fold, text, [(start, label)...], kind)`` of the texts teaching the context layer:
    NArabizi comments with their tagged tokens (kind ``narabizi``) and up to
    :data:`LINES_PER_LABEL` lines of every label of ``examples`` whose words all take the
    line's label (kind ``lines``)."""
    first = {group: i for i, group in reversed(list(enumerate(examples.groups)))}
    out = []
    for key, tokens, tags in narabizi_tokens(root):
        starts = np.r_[0, np.cumsum([len(t) + 1 for t in tokens])][:-1].tolist()
        gold = [(s, NARABIZI_TAGS[tag]) for s, tag in zip(starts, tags) if tag in NARABIZI_TAGS]
        out.append((int(fold[first[key]]), " ".join(tokens), gold, "narabizi"))
    lines = [i for i, g in enumerate(examples.groups) if not g.startswith("narabizi:")]
    for label in sorted(set(examples.labels)):
        members = [i for i in lines if examples.labels[i] == label]
        for i in members[:: max(1, len(members) // LINES_PER_LABEL)][:LINES_PER_LABEL]:
            text = examples.texts[i]
            out.append((int(fold[i]), text, [(-1, label)], "lines"))
    return out


def token_table(models: list[Identifier], tagged: list[tuple[int, str, list[tuple[int, str]], str]]) -> TokenTable:
    """The :class:`TokenTable` of ``tagged`` texts, each scored by the model of its fold
    (``models[k]`` did not see fold ``k``); NArabizi and the lines weigh half each, and among
    NArabizi's tokens a language with ``n`` of ``N`` tokens weighs ``(N / n) ** TOKEN_BALANCE`` per
    token (Arabic in Latin script as one language)."""
    from .tokens import own_scores

    names = models[0].labels
    parts = []
    for k, model in enumerate(models):
        picked = [t for t in tagged if t[0] == k]
        batch = TextBatch.from_strings([text for _, text, _, _ in picked])
        starts, _, token_offsets, own, local, letters = own_scores(batch, model)
        assert local is not None, "the fold models carry a token model"
        word = letters > 0
        text_of = np.repeat(np.arange(len(picked)), np.diff(token_offsets))
        in_text = starts - batch.offsets[text_of]
        gold = np.full(len(starts), -1)
        for i, (_, _, tags, _) in enumerate(picked):
            span = slice(token_offsets[i], token_offsets[i + 1])
            if tags and tags[0][0] == -1:  # the whole line
                gold[span] = names.index(tags[0][1])
            else:
                index = {s: names.index(label) for s, label in tags}
                gold[span] = [index.get(s, -1) for s in in_text[span].tolist()]
        kind = np.array([picked[i][3] == "narabizi" for i in range(len(picked))])[text_of]
        parts.append((own[word], local[word], text_of[word] + 10**9 * k, gold[word], kind[word], np.full(int(word.sum()), k), letters[word]))
    own, local, text, gold, narabizi, fold, letters = (np.concatenate(column) for column in zip(*parts))
    scored = gold >= 0
    language = np.array([ARABIC_IN_LATIN[0] if name in ARABIC_IN_LATIN else name for name in names])[np.maximum(gold, 0)]
    weight = np.zeros(len(gold))
    narabizi_scored = narabizi & scored
    for name in np.unique(language[narabizi_scored]).tolist():  # rare languages of NArabizi count more (see TOKEN_BALANCE)
        members = narabizi_scored & (language == name)
        weight[members] = (narabizi_scored.sum() / members.sum()) ** TOKEN_BALANCE
    weight[narabizi_scored] *= 0.5 / weight[narabizi_scored].sum()
    weight[~narabizi] = 0.5 / max(int(np.sum(~narabizi & scored)), 1)
    return TokenTable(own, local, text, gold, weight, fold, letters)


@dataclass
class DialectTable:
    """Texts of the :data:`DIALECT_PAIR` labels, and short windows of them, scored by a model
    that did not see them (calibrated log-scores before the dialect layer, ``z``, and the layer's
    ``evidence``, see :mod:`awal.lid.dialect`)."""

    pair: tuple[int, int]
    z: np.ndarray
    evidence: np.ndarray
    is_first: np.ndarray
    flores: np.ndarray
    window: np.ndarray
    fold: np.ndarray

    def fit(self, without: int | None = None) -> Dialect:
        """The layer from the texts the base scores put in the pair (of every fold but ``without``):
        windows carry :data:`DIALECT_WINDOW_SHARE` of the weight, whole texts the rest; in each,
        FLORES sentences carry :data:`DIALECT_FLORES_SHARE`; both labels weigh the same."""
        first, second = self.pair
        use = np.isin(self.z.argmax(axis=1), self.pair) & (self.fold != without)
        weight = np.zeros(len(use))
        for window, part in ((False, 1 - DIALECT_WINDOW_SHARE), (True, DIALECT_WINDOW_SHARE)):
            for flores, share in ((True, DIALECT_FLORES_SHARE), (False, 1 - DIALECT_FLORES_SHARE)):
                members = use & (self.window == window) & (self.flores == flores)
                weight[members] = part * share / max(members.sum(), 1)
        for side in (True, False):
            members = use & (self.is_first == side)
            weight[members] *= 0.5 / max(weight[members].sum(), 1e-12)
        return Dialect.fit(first, second, self.z[use], self.evidence[use], self.is_first[use], weight[use])


def dialect_table(models: list[Identifier], examples: Examples, fold: np.ndarray) -> DialectTable:
    """Every text of the :data:`DIALECT_PAIR` labels, and its :func:`~awal.lid.corpus.windows`,
    scored by the (calibrated) model of its fold."""
    names = models[0].labels
    pair = (names.index(DIALECT_PAIR[0]), names.index(DIALECT_PAIR[1]))
    in_pair = np.isin(examples.labels, DIALECT_PAIR)
    parts = []
    for k, model in enumerate(models):
        texts = subset(examples, in_pair & (fold == k))
        for windowed, scored in ((False, texts), (True, windows(texts))):
            z, _, evidence = model.base_logits(scored.texts, pair)
            flores = np.char.startswith(np.array(scored.groups, dtype=str), "flores:")
            is_first = np.array(scored.labels, dtype=str) == DIALECT_PAIR[0]
            parts.append((z.reshape(-1, len(names)), evidence, is_first, flores, np.full(len(z), windowed), np.full(len(z), k)))
    z, evidence, is_first, flores, window, fold_of = (np.concatenate(column) for column in zip(*parts))
    return DialectTable(pair, z, evidence, is_first, flores, window, fold_of)


def calibrate(model: Identifier, temperature: float) -> Identifier:
    """Give ``model`` its temperature and the :data:`LABEL_OFFSETS` (in its bias)."""
    offsets = np.array([LABEL_OFFSETS.get(label, 0.0) for label in model.labels])
    model.state["temperature"] = temperature
    model.state["bias"] = model.state["bias"] + temperature * offsets
    return model


def line_words(examples: Examples, labels: set[str], per_label: int = TOKEN_LINE_WORDS) -> Examples:
    """Up to ``per_label`` word tokens (with letters, as awal's tokenizer cuts them) of the
    texts of each of ``labels`` among ``examples`` other than NArabizi, taken evenly through
    the texts (deterministic), each with its text's label and group."""
    out = Examples([], [], [])  # filled in place: adding one-word Examples would copy the lists each time
    for label in sorted(labels):
        members = [i for i, (lab, g) in enumerate(zip(examples.labels, examples.groups)) if lab == label and not g.startswith("narabizi:")]
        if not members or per_label <= 0:
            continue
        batch = TextBatch.from_strings([examples.texts[i] for i in members])
        starts, ends, token_offsets = token_spans(batch)
        text = batch.joined()
        owner = np.repeat(np.arange(len(members)), np.diff(token_offsets))
        lettered = [j for j, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())) if any(ch.isalpha() for ch in text[a:b])]
        for j in lettered[:: max(1, len(lettered) // per_label)][:per_label]:
            out.texts.append(text[starts[j] : ends[j]])
            out.labels.append(label)
            out.groups.append(examples.groups[members[owner[j]]])
    return out


def fit_tokens(examples: Examples, line_words_per_label: int = TOKEN_LINE_WORDS) -> Identifier:
    """The token model (see :attr:`awal.lid.model.Identifier.token_model`) trained on the single
    tokens among ``examples`` (NArabizi's tagged tokens: in-domain code-switched words) and on
    words of the other texts of the same labels (:func:`line_words`: English and Spanish have
    few tagged tokens), which carry :data:`TOKEN_LINE_SHARE` of each label's weight."""
    tokens = subset(examples, np.array([g.startswith("narabizi:") and " " not in t for t, g in zip(examples.texts, examples.groups)]))
    words = line_words(examples, set(tokens.labels), line_words_per_label)
    both = tokens + words
    names, y = np.unique(both.labels, return_inverse=True)
    from_lines = np.r_[np.zeros(len(tokens), dtype=bool), np.ones(len(words), dtype=bool)]
    weight = np.zeros(len(both))
    for label in range(len(names)):
        for part, share in ((from_lines, TOKEN_LINE_SHARE), (~from_lines, 1 - TOKEN_LINE_SHARE)):
            members = (y == label) & part
            weight[members] = share / max(members.sum(), 1)
    return Identifier().fit(both.texts, both.labels, spec=FeatureSpec(bits=TOKEN_BITS), sample_weight=weight * (len(weight) / weight.sum()), epochs=TOKEN_EPOCHS)


def fold_models(examples: Examples, fold: np.ndarray, epochs: int = EPOCHS, log=None, keep: Path | None = None) -> list[Identifier]:
    """One model per fold (with its token model), trained on the other folds. ``keep``: a folder
    where fold ``k``'s model is saved (or read from, when a previous run saved it there: the
    same data, code and epochs give the same model; empty the folder after changing either)."""
    models = []
    started = time.time()
    for k in range(int(fold.max()) + 1):
        saved = None if keep is None else keep / f"{int(fold.max()) + 1}folds-{epochs}epochs" / str(k)
        if saved is not None and (saved / "model.json").exists():
            models.append(Identifier.load(saved))
            continue
        models.append(fit(subset(examples, fold != k), epochs))
        models[-1].state["tokens"] = fit_tokens(subset(examples, fold != k))
        if saved is not None:
            models[-1].save(saved)
        if log:
            print(f"fold {k}: {time.time() - started:.0f} s", file=log)
    return models


def build(root: Path, out: Path, epochs: int = EPOCHS, keep_folds: Path | None = None) -> Identifier:
    """Train the shipped model from the corpora under ``root`` and save it to ``out``
    (``keep_folds``: see :func:`fold_models`)."""
    examples = originals(root)
    fold = folds_of(examples)
    models = fold_models(examples, fold, epochs, log=sys.stderr, keep=keep_folds)
    z = np.zeros((len(examples), len(models[0].labels)))
    for k, model in enumerate(models):
        z[fold == k] = model.logits([examples.texts[i] for i in np.flatnonzero(fold == k)])[0]
    temperature = fit_temperature(z, np.array([models[0].labels.index(label) for label in examples.labels]))
    for model in models:
        calibrate(model, temperature)
    dialect = dialect_table(models, examples, fold).fit()
    for model in models:
        model.state["dialect"] = dialect
    context = token_table(models, tagged_texts(root, examples, fold)).context()
    model = calibrate(fit(examples, epochs, SOURCES), temperature)
    model.state["dialect"] = dialect
    model.state["context"] = context
    model.state["tokens"] = fit_tokens(examples)
    lid_texts = [text for text, group in zip(examples.texts, examples.groups) if ":" not in group]
    model.state["vocabulary"] = Vocabulary.build(model.state, lid_texts, VOCABULARY_SIZE)
    model.save(out)
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m awal.lid", description="Language identification model tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="rebuild the bundled model from ../shared/data")
    train.add_argument("--data", type=Path, default=Path("../shared/data"), help="corpora folder (default ../shared/data)")
    train.add_argument("--out", type=Path, default=Path("data/models/lid"), help="model folder (default data/models/lid)")
    train.add_argument("--epochs", type=int, default=EPOCHS)
    train.add_argument("--keep-folds", type=Path, default=None, help="save the cross-validation fold models there (benchmarks/evaluate_lid.py --fold-models reads them)")
    args = parser.parse_args(argv)
    model = build(args.data, args.out, args.epochs, args.keep_folds)
    print(f"wrote {args.out}: {len(model.labels)} labels, temperature {model.state['temperature']:.3f}")

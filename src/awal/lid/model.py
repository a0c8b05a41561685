"""The language identifier: a hashed n-gram linear model with calibrated scores.

A model is two files in one folder: ``model.json`` (format version, labels, feature
spec, temperature, where the training data came from) and ``weights.npz`` (weights as
int8 levels with a scale per label, exactly what scoring uses, biases and the symbol
alphabet). Nothing is pickled.

>>> idf = Identifier().fit(["kayn bzaf dyal nas", "wach nta labas", "il y a des gens", "je suis là"],
...                        ["ary_Latn", "ary_Latn", "fra_Latn", "fra_Latn"], epochs=5)
>>> idf.identify(["bzaf dyal", "des gens", "2024 !", ""])
['ary_Latn', 'fra_Latn', 'und', 'und']
>>> [label for label, _ in idf.top_k("wach labas", k=2)]
['ary_Latn', 'fra_Latn']
"""

from __future__ import annotations

import json
import os
import re
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..batch import TextBatch
from ..columns import accepts_columns
from ..kernels import ranges
from .features import Alphabet, FeatureSpec, pad, symbols, word_columns, words
from .learn import fit_temperature, train
from .packed import MAX_FEATURES, PackedWeights

FORMAT = "awal-lid"
VERSION = 2  # 1: float16 weights
UNDETERMINED = "und"
SLICE = 2048  # texts scored per batch
LABEL = re.compile(r"^[a-z]{2,3}_[A-Z][a-z]{3}$")  # ISO 639 code _ ISO 15924 script
KNOWN_LABELS = (
    "ary_Arab", "ary_Latn", "arb_Arab", "arb_Latn", "arz_Arab", "arq_Arab", "arq_Latn", "aeb_Arab", "aeb_Latn",
    "zgh_Tfng", "tzm_Tfng", "taq_Tfng", "kab_Tfng", "kab_Latn", "shi_Latn", "shi_Tfng", "tzm_Latn", "rif_Latn",
    "fra_Latn", "eng_Latn", "spa_Latn",
)  # fmt: skip


class ModelError(ValueError):
    """A model folder that cannot be read: missing file, wrong format or version."""


def check_labels(labels: Sequence[str]) -> list[str]:
    """``labels`` as a list, or a ``ValueError`` naming the first one that is not ``lang_Script``.

    >>> check_labels(["ary_Arab", "fra_Latn"])
    ['ary_Arab', 'fra_Latn']
    >>> check_labels(["ary_arab"])
    Traceback (most recent call last):
    ...
    ValueError: label 1 'ary_arab' is not of the form lang_Script (e.g. 'ary_Arab'); did you mean 'ary_Arab'?
    """
    out = list(labels)
    for number, label in enumerate(out, 1):
        if not isinstance(label, str) or not LABEL.match(label) or label == UNDETERMINED:
            close = get_close_matches(str(label), KNOWN_LABELS, n=1, cutoff=0.6) if isinstance(label, str) else []
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"label {number} {label!r} is not of the form lang_Script (e.g. 'ary_Arab'){hint}")
    return out


class Identifier:
    """Calibrated language scores per text; ``Identifier()`` is the bundled model.

    ``threshold``: a text whose best probability is below it is ``und``.
    ``priors``: ``{label: factor}`` multiplying a label's probability before renormalising,
    for a corpus whose mix differs from the model's (uniform) one, e.g. Moroccan text where
    Algerian is rare: ``Identifier(priors={"arq_Arab": 0.1})``.
    """

    def __init__(self, threshold: float = 0.0, priors: dict[str, float] | None = None, _state: dict | None = None):
        self.threshold = float(threshold)
        self.priors = dict(priors or {})
        self._state = _state
        self._log_prior = None

    # ------------------------------------------------------------ the model
    @property
    def state(self) -> dict:
        if self._state is None:
            self._state = _bundled()._state
        return self._state

    @property
    def labels(self) -> list[str]:
        """The labels this model can give (``und`` besides)."""
        return list(self.state["labels"])

    def __repr__(self) -> str:
        return f"Identifier(labels={len(self.labels)}, source={self.state.get('path', 'fitted')!r})"

    # ----------------------------------------------------------- inference
    def logits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated log-scores ``(texts, labels)`` and the number of letters of each text."""
        state = self.state
        out, letters = [], []
        for start in range(0, len(texts), SLICE):
            batch = TextBatch.from_strings(texts[start : start + SLICE], first_index=start)
            sums, counts, n_letters = word_sums(state, batch.codepoints, batch.offsets)
            out.append((sums / np.sqrt(np.maximum(counts, 1))[:, None] + state["bias"]) / state["temperature"])
            letters.append(n_letters)
        if not out:
            return np.zeros((0, len(self.labels))), np.zeros(0, dtype=np.int64)
        return np.concatenate(out), np.concatenate(letters)

    def log_prior(self) -> np.ndarray:
        """The log of :attr:`priors` per label (0 for labels not named)."""
        if self._log_prior is None:
            unknown = sorted(set(self.priors) - set(self.labels))
            if unknown:
                close = get_close_matches(unknown[0], self.labels, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"priors name labels the model does not have: {unknown}{hint}")
            if any(not factor > 0 for factor in self.priors.values()):
                raise ValueError(f"priors must be positive numbers, got {self.priors}")
            self._log_prior = np.log([float(self.priors.get(label, 1.0)) for label in self.labels])
        return self._log_prior

    def probabilities(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Softmax of :meth:`logits` (plus the log priors), with the letter counts."""
        z, letters = self.logits(texts)
        z = z + self.log_prior() - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True), letters

    def _labels_of(self, p: np.ndarray, letters: np.ndarray) -> list[str]:
        names = np.array(self.labels + [UNDETERMINED], dtype=object)
        best = p.argmax(axis=1) if len(p) else np.zeros(0, dtype=np.int64)
        unknown = (letters == 0) | (p.max(axis=1, initial=0) < self.threshold)
        return names[np.where(unknown, len(self.labels), best)].tolist()

    @accepts_columns
    def identify(self, x: Any) -> Any:
        """A label per text (``str`` -> ``str``; list, tuple, Arrow, pandas, NumPy -> the same kind,
        missing values kept as they were: see :mod:`awal.columns`)."""
        return _per_text(x, lambda texts: self._labels_of(*self.probabilities(texts)))

    __call__ = identify

    def scores(self, x: Any) -> Any:
        """Calibrated probabilities: a ``{label: p}`` dict for a ``str``, else a float array
        ``(texts, labels)`` whose columns follow :attr:`labels`. Text without letters scores 0 everywhere."""
        texts, single = _texts(x)
        p, letters = self.probabilities(texts)
        p[letters == 0] = 0.0
        return dict(zip(self.labels, p[0].tolist())) if single else p

    def top_k(self, x: Any, k: int = 3) -> Any:
        """The ``k`` best ``(label, probability)`` pairs, best first (a list of them per text for a list)."""
        texts, single = _texts(x)
        p, letters = self.probabilities(texts)
        names = self.labels
        order = np.argsort(-p, axis=1, kind="stable")[:, :k]
        out = [[] if n == 0 else [(names[j], float(row[j])) for j in best] for row, best, n in zip(p, order, letters)]
        return out[0] if single else out

    # ------------------------------------------------------------ training
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        spec: FeatureSpec | None = None,
        sample_weight: np.ndarray | None = None,
        epochs: int = 3,
        calibration: tuple[Sequence[str], Sequence[str]] | None = None,
        sources: list[dict] | None = None,
    ) -> "Identifier":
        """A new identifier trained on ``texts`` with their ``labels`` (``lang_Script`` names).

        ``calibration``: held-out ``(texts, labels)`` to fit the temperature on (else 1).
        """
        texts, _ = _texts(list(texts) if not isinstance(texts, str) else texts)
        labels = check_labels(labels)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        names = sorted(set(labels))
        if len(names) < 2:
            raise ValueError(f"fit needs at least two labels, got {names}")
        spec = spec or FeatureSpec()
        alphabet = Alphabet.build(texts)
        index = {name: i for i, name in enumerate(names)}
        y = np.array([index[label] for label in labels])
        weights, bias = train(alphabet, spec, texts, y, len(names), sample_weight=sample_weight, epochs=epochs)
        state = _state(names, spec, alphabet, PackedWeights.build(weights), bias, 1.0, sources or [])
        fitted = Identifier(self.threshold, self.priors, _state=state)
        if calibration is not None:
            held_texts, held_labels = calibration
            unknown = sorted(set(held_labels) - set(names))
            if unknown:
                raise ValueError(f"calibration labels {unknown} are not among the training labels")
            z, _ = fitted.logits(list(held_texts))
            state["temperature"] = fit_temperature(z, np.array([index[label] for label in held_labels]))
        return fitted

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model to the folder ``path`` (``model.json`` + ``weights.npz``)."""
        state = self.state
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "labels": state["labels"],
            "orders": list(state["spec"].orders),
            "bits": state["spec"].bits,
            "words": state["spec"].words,
            "temperature": state["temperature"],
            "sources": state["sources"],
        }
        alphabet = state["alphabet"]
        np.savez(
            folder / "weights.npz",
            levels=state["packed"].levels(),
            scale=state["packed"].scale,
            bias=np.asarray(state["bias"], dtype=np.float32),
            run_starts=alphabet.run_starts,
            run_ids=alphabet.run_ids,
            letter=alphabet.letter,
        )
        (folder / "model.json").write_text(json.dumps(header, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def load(cls, path: str | os.PathLike, threshold: float = 0.0, priors: dict[str, float] | None = None) -> "Identifier":
        """Read a model folder written by :meth:`save`; a clear :class:`ModelError` otherwise."""
        folder = Path(path)
        header_path = folder / "model.json"
        try:
            header = json.loads(header_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{header_path}: no such model file (a model is a folder with model.json and weights.npz)") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ModelError(f"{header_path}: not a JSON model header ({e})") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ModelError(f"{header_path}: not an awal language-identification model (format {header.get('format') if isinstance(header, dict) else None!r})")
        if header.get("version") != VERSION:
            raise ModelError(f"{header_path}: model version {header.get('version')!r}, this awal reads version {VERSION}")
        try:
            with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
                data = {name: arrays[name] for name in ("levels", "scale", "bias", "run_starts", "run_ids", "letter")}
        except (OSError, KeyError, ValueError) as e:
            raise ModelError(f"{folder / 'weights.npz'}: cannot read the weights ({e})") from None
        spec = FeatureSpec(tuple(header["orders"]), int(header["bits"]), bool(header["words"]))
        labels = check_labels(header["labels"])
        if data["levels"].shape != (spec.size + 1, len(labels)) or data["levels"].dtype != np.int8 or data["scale"].shape != (len(labels),):
            raise ModelError(f"{folder / 'weights.npz'}: weights of shape {data['levels'].shape} ({data['levels'].dtype}), expected int8 {(spec.size + 1, len(labels))}")
        alphabet = Alphabet(data["run_starts"], data["run_ids"], data["letter"])
        state = _state(labels, spec, alphabet, PackedWeights.from_levels(data["levels"], data["scale"]), data["bias"].astype(np.float64),
                       float(header["temperature"]), header.get("sources", []))  # fmt: skip
        state["path"] = str(folder)
        return cls(threshold, priors, _state=state)


def word_sums(state: dict, cps: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text: the sum of its feature weights, its number of features and of letters.

    N-grams never cross words, so each distinct word of the batch is scored once
    and texts add up their words' rows (the same sums as over all n-grams, far fewer of them)."""
    ids, offsets = symbols(state["table"], cps, offsets)
    found = words(ids, offsets)
    n_texts = len(offsets) - 1
    _, first, inverse = np.unique(found.hashes, return_index=True, return_inverse=True)
    spec = state["spec"]
    longest = MAX_FEATURES // (len(spec.orders) + spec.words) - 1  # a longer word counts by its first letters
    lengths = np.minimum(found.lengths[first], longest)
    padded, starts = pad(ids[ranges(found.starts[first], lengths)], np.r_[0, np.cumsum(lengths)])
    packed = state["packed"]
    total = np.zeros((len(first), packed.words), dtype=np.uint64)
    unique_counts = np.zeros(len(first), dtype=np.int64)
    for buckets, count in word_columns(spec, padded, starts[:-1], lengths):  # order by order
        total += packed.segment_totals(buckets, np.r_[0, np.cumsum(count)])
        unique_counts += count
    word_rows = packed.decode(total)
    bounds = np.searchsorted(found.text, np.arange(n_texts + 1))
    sums = np.zeros((n_texts, len(state["labels"])))
    counts = np.zeros(n_texts, dtype=np.int64)
    filled = bounds[1:] > bounds[:-1]  # texts with words (reduceat would give the others their next word)
    if filled.any():
        sums[filled] = np.add.reduceat(np.take(word_rows, inverse, axis=0), bounds[:-1][filled], axis=0)
        counts[filled] = np.add.reduceat(unique_counts[inverse], bounds[:-1][filled])
    letter_before = np.r_[0, np.cumsum(np.take(state["alphabet"].letter, ids))]
    return sums, counts, np.diff(letter_before[offsets])


def _state(labels, spec, alphabet, packed, bias, temperature, sources) -> dict:
    return {
        "labels": list(labels), "spec": spec, "alphabet": alphabet, "table": alphabet.table(),
        "packed": packed, "bias": bias, "temperature": temperature, "sources": sources,
    }  # fmt: skip


def model_dir() -> Path:
    """The folder of the bundled model (inside the wheel, or ``data/models/lid`` of a checkout)."""
    from ..rules import data_dir

    return data_dir() / "models" / "lid"


_BUNDLED: list[Identifier] = []


def _bundled() -> Identifier:
    if not _BUNDLED:
        _BUNDLED.append(Identifier.load(model_dir()))
    return _BUNDLED[0]


def _texts(x: Any) -> tuple[list[str], bool]:
    """``x`` as a list of strings (nulls as empty text) and whether it was a single ``str``."""
    if isinstance(x, str):
        return [x], True
    if isinstance(x, (list, tuple)):
        return list(x), False
    if type(x).__module__.startswith(("pandas", "numpy")):  # missing values score as empty text
        return ["" if not isinstance(s, str) else s for s in x.tolist()], False
    return TextBatch.from_input(x).to_list(), False


def _per_text(x: Any, fn) -> Any:
    """``fn`` (list of texts -> list of labels) on a ``str``, list, tuple or Arrow array; the result
    has ``x``'s kind of container (pandas and NumPy: :func:`~awal.columns.accepts_columns`)."""
    if isinstance(x, str):
        return fn([x])[0]
    if isinstance(x, (list, tuple)):
        out = fn(list(x)) if all(isinstance(s, str) for s in x) else fn(TextBatch.from_strings(x).to_list())
        return tuple(out) if isinstance(x, tuple) else out
    batch = TextBatch.from_input(x)  # Arrow: labels as a string array, nulls kept
    labels = fn(batch.to_list())
    import pyarrow as pa

    valid = batch.meta.get("valid")
    values = pa.array(labels, mask=None if valid is None else ~valid, type=pa.string())
    chunks = batch.meta.get("chunks")
    if chunks is None:
        return values
    bounds = np.concatenate([[0], np.cumsum(chunks)]).tolist()
    return pa.chunked_array([values.slice(a, b - a) for a, b in zip(bounds, bounds[1:])], type=pa.string())

"""The language identifier: a hashed n-gram linear model with calibrated scores.

A model is two files in one folder: ``model.json`` (format version, labels, feature
spec, temperature, where the training data came from) and ``weights.npz`` (weights as
int8 levels with a scale per label, exactly what scoring uses, biases, the symbol
alphabet, the token context layer of :mod:`awal.lid.context` and the sums of frequent
words of :mod:`awal.lid.vocabulary`), and optionally a ``tokens/`` sub-folder: a model of
the same kind for single tokens of code-switched text. Nothing is pickled.

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
import stat
from difflib import get_close_matches
from numbers import Real
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ..batch import TextBatch, code_points, utf16_units
from ..columns import accepts_columns, column_strings, plain_strings
from ..fastpath import run_fast
from ..names import check_whole
from .context import BLOCKS, SCORE_FLOOR, Context
from .dialect import EVIDENCE, Dialect, in_pair
from ..kernels import UNICODE_SIZE, ranges
from .features import DROP, MAX_SYMBOLS, Alphabet, FeatureSpec, marked_symbols, pair_buckets, words
from .learn import fit_temperature, train
from .markers import KINDS, Markers, openers
from .one import LONGEST, SMALL_LIST, one_text
from .packed import LANES, LEVELS, PackedWeights, pack32, unpack32
from .vocabulary import Vocabulary, difference, distinct, grouped_totals

FORMAT = "awal-lid"
VERSION = 6  # 1: float16 weights; 2: no word pairs, no context layer; 3: no dialect layer; 4: no short-word blocks; 5: no score floor
READS = (3, 4, 5, 6)  # a version 3 file is a model without a dialect layer, a version 3 or 4 file one without short-word blocks in its context layer
# a file before version 6 does not say the context layer's score floor: round 11's saves (version 5 with a save stamp) used SCORE_FLOOR, older ones none
UNDETERMINED = "und"
NEAR = 1e-9  # log-scores closer than this to a text's best are compared as probabilities (see Identifier._labels)
SLICE_CHARS = 1 << 18  # characters scored per batch: temporaries stay in cache and reuse the same memory (larger
# batches took fresh pages from the OS on every call: 4M characters ran ~10% slower on FLORES); a word repeated across batches is scored in each
TOKEN_MODEL = "tokens"  # sub-folder of a model folder holding its token model, if it has one
ARRAYS = ("levels", "scale", "bias", "run_starts", "run_ids", "letter", "context_weights", "context_bias",
          "vocabulary_hashes", "vocabulary_totals", "vocabulary_counts")  # of weights.npz  # fmt: skip
STORED = ("labels", "spec", "alphabet", "packed", "bias", "temperature", "sources", "context", "vocabulary",
          "dialect", "path", "tokens")  # a model state's parts that its files hold (a pickle too); the others are built from them  # fmt: skip
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
    return [str(label) for label in out]  # (a NumPy array's labels are np.str_)


class Identifier:
    """Calibrated language scores per text; ``Identifier()`` is the bundled model.

    ``threshold``: a probability, 0 to 1; a text whose best probability is below it is ``und``.
    ``priors``: ``{label: factor}`` multiplying a label's probability before renormalising,
    for a corpus whose mix differs from the model's (uniform) one, e.g. Moroccan text where
    Algerian is rare: ``Identifier(priors={"arq_Arab": 0.1})``.
    """

    def __init__(self, threshold: float = 0.0, priors: dict[str, float] | None = None, _state: dict | None = None):
        if not (type(threshold) in (float, int) or isinstance(threshold, Real) and type(threshold) is not bool) or not 0 <= threshold <= 1:
            raise ValueError(f"threshold must be a number from 0 to 1 (a probability), got {threshold!r}")  # (the ABC check is slow: last; NaN fails the range)
        if priors is not None and not isinstance(priors, Mapping):
            raise TypeError(f"priors must be a dict {{label: factor}}, got {type(priors).__name__}")
        self.threshold = float(threshold)
        self.priors = dict(priors or {})
        self._state = _state
        self._bundled = _state is None  # the bundled model: pickled by name (see __getstate__)
        self._log_prior: np.ndarray | None = None

    def __getstate__(self) -> dict:
        """What pickle stores (Spark, Dask and multiprocessing ship an identifier to every worker):
        the bundled model's ~20 MB of arrays are left out and loaded again where it is unpickled;
        another model travels as what its files store (:data:`STORED`), never the tables built from them on use."""
        state = dict(self.__dict__)
        if self._bundled:
            state["_state"] = None
        elif self._state is not None:
            state["_state"] = _stored(self._state)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self._state is not None:
            self._state = _with_tables(self._state)

    # ------------------------------------------------------------ the model
    @property
    def state(self) -> dict:
        if self._state is None:
            self._state = _bundled().state
        return self._state

    @property
    def context(self) -> Context:
        """The layer labelling tokens in context (see :mod:`awal.lid.tokens`)."""
        return self.state["context"]

    @property
    def token_model(self) -> "Identifier | None":
        """A model of single tokens of code-switched text whose scores the context layer also reads, if any."""
        return self.state.get("tokens")

    @property
    def labels(self) -> list[str]:
        """The labels this model can give (``und`` besides)."""
        return list(self.state["labels"])

    def __repr__(self) -> str:
        return f"Identifier(labels={len(self.labels)}, source={self.state.get('path', 'fitted')!r})"

    # ----------------------------------------------------------- inference
    @property
    def dialect(self) -> Dialect | None:
        """The layer splitting a pair of labels' probability (Darija/MSA, see :mod:`awal.lid.dialect`), if any."""
        return self.state.get("dialect")

    def logits(self, texts: list[str] | TextBatch) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated log-scores ``(texts, labels)`` and the number of letters of each text
        (``texts``: a list of ``str`` or a :class:`~awal.batch.TextBatch`)."""
        layer = self.dialect
        z, letters, evidence = self.base_logits(texts, None if layer is None else (layer.first, layer.second))
        return (z if layer is None else layer.apply(z, evidence)), letters

    def base_logits(self, texts: list[str] | TextBatch, pair: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`logits` before the dialect layer, the letters, and per text the dialect layer's
        evidence for the labels of index ``pair`` (see :func:`word_sums`; zeros without a pair, and for the
        texts whose best label here is not one of the pair: the layer splits the pair's mass in the others only)."""
        state = self.state
        out, letters, evidences = [], [], []
        for cps, offsets in _slices(texts):
            sums, counts, n_letters, evidence_of = slice_sums(state, cps, offsets, pair)
            sums /= np.sqrt(np.maximum(counts, 1))[:, None]  # in place: (sums / root + bias) / temperature
            sums += state["bias"]
            sums /= state["temperature"]
            out.append(sums)
            letters.append(n_letters)
            evidences.append(evidence_of(None if pair is None else in_pair(sums, *pair)))  # what the layer reads
            del evidence_of  # the slice's words: freed before the next slice (a peak twice as high costs fresh pages)
        if len(out) < 2:
            return (out[0], letters[0], evidences[0]) if out else (np.zeros((0, len(self.labels))), np.zeros(0, dtype=np.int64), np.zeros((0, EVIDENCE)))
        return np.concatenate(out), np.concatenate(letters), np.concatenate(evidences)

    def log_prior(self) -> np.ndarray:
        """The log of :attr:`priors` per label (0 for labels not named)."""
        if self._log_prior is None:
            unknown = sorted(set(self.priors) - set(self.labels))
            if unknown:
                close = get_close_matches(unknown[0], self.labels, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"priors name labels the model does not have: {unknown}{hint}")
            if any(not isinstance(factor, Real) or type(factor) is bool or not 0 < factor < float("inf") for factor in self.priors.values()):
                raise ValueError(f"priors must be positive finite numbers, got {self.priors}")
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

    def _labels(self, texts: list[str]) -> list[str]:
        """:meth:`_labels_of` the :meth:`probabilities` of ``texts``, read from the log-scores where that
        gives the same labels: the best log-score's label, unless another one is within :data:`NEAR`
        of it (their probabilities could round to a tie) or a threshold is set."""
        if self.threshold > 0:
            return self._labels_of(*self.probabilities(texts))
        logits, letters = self.logits(texts)
        z = logits + self.log_prior() if self.priors else logits
        best = z.argmax(axis=1) if len(z) else np.zeros(0, dtype=np.int64)
        near = _near_ties(z, best)
        if len(near):  # as probabilities computes them: a tie goes to the first label
            p = np.exp(logits[near] + self.log_prior() - logits[near].max(axis=1, keepdims=True))
            best[near] = (p / p.sum(axis=1, keepdims=True)).argmax(axis=1)
        names = np.array(self.labels + [UNDETERMINED], dtype=object)
        return names[np.where(letters == 0, len(self.labels), best)].tolist()

    def _one(self, x: Any) -> Any:
        """``(probabilities, letters)`` of one short ``str`` or each of a few (:mod:`awal.lid.one`,
        no NumPy: the batch path's numbers), or ``None`` for the batch path."""
        one = one_text(self.state)
        if one is None:
            return None
        log_prior = self.log_prior().tolist() if self.priors else None
        out: Any = run_fast(x, lambda text: one.probabilities(text, log_prior), LONGEST, SMALL_LIST)
        return None if out is None or (type(x) is not str and None in out) else out

    def _label_one(self, p: list[float], letters: int) -> str:
        """:meth:`_labels_of` for the probabilities of one text."""
        best = max(p)
        return UNDETERMINED if letters == 0 or best < self.threshold else self.state["labels"][p.index(best)]

    @accepts_columns
    def identify(self, x: Any) -> Any:
        """A label per text (``str`` -> ``str``; list, tuple, Arrow, pandas, NumPy -> the same kind,
        missing values kept as they were: see :mod:`awal.columns`)."""
        one = self._one(x)
        if one is not None:
            return self._label_one(*one) if type(x) is str else type(one)(self._label_one(*item) for item in one)
        return _per_text(x, self._labels)

    __call__ = identify

    def scores(self, x: Any) -> Any:
        """Calibrated probabilities: a ``{label: p}`` dict for a ``str``, else a float array
        ``(texts, labels)`` whose columns follow :attr:`labels`. Text without letters scores 0 everywhere."""
        one = self._one(x) if type(x) is str else None
        if one is not None:
            p, letters = one
            return dict(zip(self.labels, p if letters else [0.0] * len(p)))
        texts, single = _texts(plain_strings(x))
        p, letters = self.probabilities(texts)
        p[letters == 0] = 0.0
        return dict(zip(self.labels, p[0].tolist())) if single else p

    @accepts_columns
    def top_k(self, x: Any, k: int = 3) -> Any:
        """The ``k`` best ``(label, probability)`` pairs, best first (a list of them per text for a list;
        a tuple, pandas Series or NumPy array: the same container of such lists)."""
        k = check_whole("k", k, 0)
        names = self.labels
        one = self._one(x) if type(x) is str else None
        if one is not None:
            one_p, one_letters = one
            ranked = sorted(range(len(one_p)), key=lambda j: -one_p[j])[:k]
            return [(names[j], one_p[j]) for j in ranked] if one_letters else []
        texts, single = _texts(x)
        p, letters = self.probabilities(texts)
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
        if not all(isinstance(text, str) for text in texts):
            TextBatch.from_strings(texts)  # raises, naming the first item that is not a str
        labels = check_labels(labels)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if sample_weight is not None and np.shape(sample_weight) != (len(texts),):
            raise ValueError(f"{len(texts)} texts but sample_weight of shape {np.shape(sample_weight)}")
        check_whole("epochs", epochs, 1)
        names = sorted(set(labels))
        if len(names) < 2:
            raise ValueError(f"fit needs at least two labels, got {names}")
        spec = FeatureSpec() if spec is None else spec
        alphabet = Alphabet.build(texts)
        index = {name: i for i, name in enumerate(names)}
        y = np.array([index[label] for label in labels])
        weights, bias = train(alphabet, spec, texts, y, len(names), sample_weight=sample_weight, epochs=epochs)
        bias = bias.astype(np.float32).astype(np.float64)  # as a model file stores it: a saved model scores the same
        packed = PackedWeights.build(weights)
        state = _state(names, spec, alphabet, packed, bias, 1.0, sources or [], Context.rule(len(names)), _no_vocabulary(packed))
        fitted = Identifier(self.threshold, self.priors, _state=state)
        if calibration is not None:
            held_texts, held_labels = calibration
            if len(held_texts) != len(held_labels):
                raise ValueError(f"calibration: {len(held_texts)} texts but {len(held_labels)} labels")
            unknown = sorted(set(held_labels) - set(names))
            if unknown:
                raise ValueError(f"calibration labels {unknown} are not among the training labels")
            z, _ = fitted.logits(list(held_texts))
            state["temperature"] = fit_temperature(z, np.array([index[label] for label in held_labels]))
        return fitted

    def save(self, path: str | os.PathLike) -> Path:
        """Write the model to the folder ``path`` (``model.json`` + ``weights.npz``, and its token model in
        the sub-folder ``tokens``). Each file is replaced whole; the token model first, ``model.json`` last,
        all stamped with one save id (a digest of their content: the same model gives the same files), so
        a folder whose save was cut short between two files is a :class:`ModelError` at load, never a mixed model."""
        from ..io.output import atomic_output  # (the CLI's file handling: not loaded to identify)

        state = self.state
        folder = _folder(path)
        folder.mkdir(parents=True, exist_ok=True)
        tokens = state.get("tokens")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "labels": state["labels"],
            "orders": list(state["spec"].orders),
            "bits": state["spec"].bits,
            "words": state["spec"].words,
            "pairs": state["spec"].pairs,
            "temperature": state["temperature"],
            "score_floor": state["context"].floor,
            "dialect": None if state.get("dialect") is None else state["dialect"].to_json(state["labels"]),
            "sources": state["sources"],
            "tokens": None if tokens is None else _save_id(tokens.save(folder / TOKEN_MODEL)),  # (just written: not None)
        }
        alphabet = state["alphabet"]
        arrays = {
            "levels": state["packed"].levels(),
            "scale": state["packed"].scale,
            "bias": np.asarray(state["bias"], dtype=np.float32),
            "run_starts": alphabet.run_starts,
            "run_ids": alphabet.run_ids,
            "letter": alphabet.letter,
            "context_weights": state["context"].weights,
            "context_bias": state["context"].bias,
            "vocabulary_hashes": state["vocabulary"].hashes,
            "vocabulary_totals": state["vocabulary"].totals,
            "vocabulary_counts": state["vocabulary"].counts.astype(np.int16),
        }
        header["save"] = _digest(header, arrays)
        with atomic_output(str(folder / "weights.npz")) as out:  # each file appears whole or not at all
            np.savez(out, **arrays, save=np.array(header["save"]))
        with atomic_output(str(folder / "model.json")) as out:
            out.write((json.dumps(header, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
        return folder

    @classmethod
    def load(cls, path: str | os.PathLike, threshold: float = 0.0, priors: dict[str, float] | None = None) -> "Identifier":
        """Read a model folder written by :meth:`save`; a clear :class:`ModelError` otherwise."""
        import zipfile  # (NumPy reads .npz files with it)

        folder = _folder(path)
        header_path = folder / "model.json"
        try:
            header = json.loads(_model_file(header_path).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ModelError(f"{header_path}: not a JSON model header ({e})") from None
        except OSError as e:
            raise ModelError(f"{header_path}: cannot read the model header ({e.strerror or e})") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ModelError(f"{header_path}: not an awal language-identification model (format {header.get('format') if isinstance(header, dict) else None!r})")
        if header.get("version") not in READS:
            raise ModelError(f"{header_path}: model version {header.get('version')!r}, this awal reads versions {', '.join(map(str, READS))}")
        try:
            spec = FeatureSpec(tuple(header["orders"]), int(header["bits"]), bool(header["words"]), bool(header["pairs"]))
            labels = check_labels(header["labels"])
            temperature = float(header["temperature"])
            floor = _score_floor(header)
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"{header_path}: bad model header ({type(e).__name__}: {e})") from None
        if not 0 < temperature < float("inf"):
            raise ModelError(f"{header_path}: bad model header (temperature {temperature}, expected a positive number)")
        if len(set(labels)) < len(labels):  # (two columns of one label: its texts split between them)
            twice = next(label for label in labels if labels.count(label) > 1)
            raise ModelError(f"{header_path}: bad model header (label {twice!r} occurs {labels.count(twice)} times)")
        weights_path = _model_file(folder / "weights.npz")
        try:
            with np.load(weights_path, allow_pickle=False) as arrays:
                data = {name: arrays[name] for name in ARRAYS}
                stamp = str(arrays["save"]) if "save" in arrays.files else None
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile) as e:
            raise ModelError(f"{weights_path}: cannot read the weights ({e})") from None
        if header.get("save") is not None and stamp != header["save"]:  # (files saved before round 11 have no stamp)
            raise ModelError(f"{weights_path}: not from the save that wrote {header_path} (a save cut short?): save the model again")
        sets = 2 if header["version"] >= 5 else 1  # the context layer's sets of blocks (awal.lid.context)
        _check_shapes(weights_path, data, spec, len(labels), sets)
        alphabet = Alphabet(data["run_starts"], data["run_ids"], data["letter"])
        weights = np.vstack([data["context_weights"], np.zeros(((2 - sets) * len(BLOCKS) * len(labels), len(labels)))])  # zeros: no word is short
        context = Context(weights.astype(np.float64), data["context_bias"].astype(np.float64), floor)
        packed = PackedWeights.from_levels(data["levels"], data["scale"])
        vocabulary = Vocabulary(data["vocabulary_hashes"], data["vocabulary_totals"], data["vocabulary_counts"].astype(np.int64))
        state = _state(labels, spec, alphabet, packed, data["bias"].astype(np.float64),
                       temperature, header.get("sources", []), context, vocabulary)  # fmt: skip
        if header.get("dialect"):
            try:
                state["dialect"] = Dialect.from_json(header["dialect"], labels)
            except (KeyError, TypeError, ValueError) as e:
                raise ModelError(f"{header_path}: bad dialect layer ({e})") from None
        state["path"] = str(folder)
        state["tokens"] = _token_model(cls, folder, header.get("tokens", ...), header_path)
        return cls(threshold, priors, _state=state)


def _folder(path: str | os.PathLike) -> Path:
    """``path`` as a ``Path``; an empty one is a ``ValueError`` (``Path("")`` is the current folder: an unset
    variable would have saved a model there, or read one from it)."""
    if os.fspath(path) in ("", b""):
        raise ValueError("the model folder's path is empty")
    return Path(path)


def _score_floor(header: dict) -> float | None:
    """The lowest log-probability the context layer of a model file was trained to read (``None``: unfloored)."""
    if "score_floor" in header:
        floor = header["score_floor"]
        if floor is not None and (type(floor) not in (int, float) or not -float("inf") < floor < 0):
            raise ValueError(f"score_floor {floor!r}, expected a negative number or null")
        return None if floor is None else float(floor)
    if header["version"] >= 6:
        raise KeyError("score_floor")
    return SCORE_FLOOR if header["version"] == 5 and header.get("save") is not None else None


def _digest(header: dict, arrays: dict[str, np.ndarray]) -> str:
    """The save id of a model: a digest of its header and arrays (the same model, the same id)."""
    import hashlib

    digest = hashlib.sha256(json.dumps(header, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for name, array in sorted(arrays.items()):
        digest.update(f"{name} {array.dtype.str} {array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:32]


def _save_id(folder: Path) -> str | None:
    """The save id in ``folder/model.json`` (None for a model saved before round 11)."""
    save = json.loads((folder / "model.json").read_text(encoding="utf-8")).get("save")
    return None if save is None else str(save)


def _token_model(cls: type[Identifier], folder: Path, expected: Any, header_path: Path) -> Identifier | None:
    """The token model in ``folder/tokens`` that ``model.json`` names by its save id (``expected``; None: it has
    none, whatever the folder holds); ``...`` for a header from before round 11: the sub-folder's model, if any."""
    sub = folder / TOKEN_MODEL
    if expected is ...:
        return cls.load(sub) if (sub / "model.json").exists() else None
    if expected is None:
        return None
    tokens = cls.load(sub)
    if _save_id(sub) != expected:
        raise ModelError(f"{sub}: not the token model {header_path} was saved with (a save cut short?): save the model again")
    return tokens


def _model_file(path: Path) -> Path:
    """``path`` if it is a regular file (a link followed), else a :class:`ModelError` (a FIFO would block the read)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ModelError(f"{path}: no such model file (a model is a folder with model.json and weights.npz)") from None
    except OSError as e:
        raise ModelError(f"{path}: cannot read the model file ({e.strerror or e})") from None
    if not stat.S_ISREG(mode):
        raise ModelError(f"{path}: not a regular file (a model is a folder with model.json and weights.npz)")
    return path


def _check_shapes(path: Path, data: dict[str, np.ndarray], spec: FeatureSpec, labels: int, sets: int) -> None:
    """A :class:`ModelError` naming the first array of ``data`` (read from ``path``) whose shape or type does
    not fit a model of ``labels`` labels with features ``spec`` and ``sets`` sets of context blocks."""
    runs, words = len(data["run_starts"]), len(data["vocabulary_hashes"])
    expected = {
        "levels": (np.int8, (spec.size + 1, labels)), "scale": (None, (labels,)), "bias": (None, (labels,)),
        "run_starts": (None, (runs,)), "run_ids": (np.uint16, (runs,)), "letter": (np.bool_, (MAX_SYMBOLS,)),
        "context_weights": (None, (sets * len(BLOCKS) * labels, labels)), "context_bias": (None, (labels,)),
        "vocabulary_hashes": (np.uint64, (words,)), "vocabulary_totals": (np.uint64, (words, -(-labels // LANES))),
        "vocabulary_counts": (None, (words,)),
    }  # fmt: skip
    for name, (dtype, shape) in expected.items():
        array = data[name]
        numeric = array.dtype.kind in "biuf" if dtype is None else array.dtype == dtype
        if array.shape != shape or not numeric:
            want = f"{'numbers' if dtype is None else np.dtype(dtype).name} {shape}"
            raise ModelError(f"{path}: {name} of shape {array.shape} ({array.dtype}), expected {want}")
    starts = data["run_starts"].astype(np.int64)
    if not runs or starts[0] != 0 or (np.diff(starts) <= 0).any() or starts[-1] >= UNICODE_SIZE:
        raise ModelError(f"{path}: run_starts must rise from 0 below {UNICODE_SIZE}")
    ids = data["run_ids"]
    if ((ids >= MAX_SYMBOLS) & (ids != DROP)).any():
        raise ModelError(f"{path}: run_ids must lie below {MAX_SYMBOLS} (or be {DROP}, a dropped code point)")


def _near_ties(z: np.ndarray, best: np.ndarray) -> np.ndarray:
    """The rows of ``z`` where a label besides ``best`` (each row's argmax) is within :data:`NEAR` of it
    (the labels' comparisons packed 8 to a word: no reduction along the short label axis).

    >>> _near_ties(np.array([[0.0, 1.0, 1.0 - 1e-12], [2.0, 0.0, 1.0], [0.0, 0.0, 0.0]]), np.array([1, 0, 0])).tolist()
    [0, 2]
    """
    rows = np.arange(len(z))
    close = np.zeros((len(z), -(-z.shape[1] // 8) * 8), dtype=bool)
    np.greater_equal(z, (z[rows, best] - NEAR)[:, None], out=close[:, : z.shape[1]])
    close[rows, best] = False
    words = close.view(np.uint64)
    for column in range(1, words.shape[1]):
        words[:, 0] |= words[:, column]
    return np.flatnonzero(words[:, 0])


def _slices(texts: list[str] | TextBatch) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(code points, offsets)`` of runs of ``texts`` of about :data:`SLICE_CHARS` characters each
    (a longer text alone)."""
    if isinstance(texts, TextBatch):
        offsets = texts.offsets
    else:
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        try:
            np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=offsets[1:])
        except TypeError:  # not all strings: TextBatch.from_strings says which one
            offsets = TextBatch.from_strings(texts).offsets
    size = int(offsets[-1] - offsets[0])
    cuts = np.searchsorted(offsets[1:] - offsets[0], np.arange(1, size // SLICE_CHARS + 1) * SLICE_CHARS, side="right")
    bounds = sorted({0, len(offsets) - 1, *cuts.tolist()})
    for start, end in zip(bounds, bounds[1:]):
        if isinstance(texts, TextBatch):
            yield texts.codepoints[offsets[start] : offsets[end]], offsets[start : end + 1] - offsets[start]
            continue
        try:
            joined = "".join(texts[start:end])
        except TypeError:  # names the item that is not a str
            TextBatch.from_strings(texts[start:end], first_index=start)
            raise
        units = utf16_units(joined)  # text in the BMP (nearly all): its UTF-16 units are its code points
        yield (code_points(joined) if units is None else units), offsets[start : end + 1] - offsets[start]


def word_sums(state: dict, cps: np.ndarray, offsets: np.ndarray, pair: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per text: the sum of its feature weights, its number of features and of letters, and the
    evidence of the dialect layer (:mod:`awal.lid.dialect`) for the labels of index ``pair`` (zeros
    without): its peak word difference and its number of words of each kind of :mod:`awal.lid.markers`
    (see :func:`slice_sums`)."""
    sums, counts, letters, evidence_of = slice_sums(state, cps, offsets, pair)
    return sums, counts, letters, evidence_of(None)


def slice_sums(state: dict, cps: np.ndarray, offsets: np.ndarray, pair: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, Callable[[np.ndarray | None], np.ndarray]]:
    """:func:`word_sums`, the evidence as a function of the texts it is wanted for (their indices
    in ascending order, ``None`` for all; the other texts' rows are zeros): the dialect layer reads
    it only for the texts whose best label is one of its pair, known once the sums are.

    N-grams never cross words, so a text's sums are its words' sums: every word of the
    batch is looked up among the model's frequent words (see :mod:`awal.lid.vocabulary`),
    each distinct other word is scored once from its n-grams, and texts add up their
    words' rows of integer levels (exactly: the same sums as over all n-grams), every
    label's lane at once (:func:`~awal.lid.packed.pack32`)."""
    ids, offsets, digits = marked_symbols(state["marked"], cps, offsets)
    found = words(ids, offsets)
    n_texts = len(offsets) - 1
    spec, packed, vocabulary = state["spec"], state["packed"], state["vocabulary"]
    labels = packed.labels
    grouped = found.grouped  # the words by length: hashes, distinct words and their sums in that order
    firsts, inverse = distinct(grouped.hashes)  # each distinct word is looked up or scored once
    known, position = vocabulary.find(grouped.hashes.take(firsts, mode="wrap"))
    table = vocabulary.rows(labels)  # each distinct word's level sums, then its count, in int16 lanes
    if len(table):  # every word's row from the frequent words: the others' are replaced below
        lanes = table.take(position, mode="wrap").view(np.int16).reshape(len(firsts), table.dtype.itemsize // 2)
    else:
        lanes = np.zeros((len(firsts), table.dtype.itemsize // 2), dtype=np.int16)
    unknown = (~known).nonzero()[0]
    if len(unknown):
        scored = grouped_totals(state, ids, found.starts, grouped, firsts.take(unknown, mode="wrap"))
        if scored.shape[1] == lanes.shape[1]:  # whole rows at once (their lanes past the count are zeros)
            lanes.view(table.dtype).ravel()[unknown] = scored.view(table.dtype).ravel()
        else:
            lanes[unknown, : labels + 1] = scored[:, : labels + 1]
    inverse = grouped.in_text_order(inverse)
    rows = pack32(lanes[:, : 2 * (labels // 2 + 1)])
    width = rows.shape[1]
    rows = rows.view(np.dtype((np.void, 8 * width))).ravel().take(inverse, mode="wrap").view(np.int64).reshape(len(inverse), width)  # per word of the batch
    bounds = found.bounds
    widest = int(np.diff(offsets).max(initial=0)) + 1
    if widest * (len(spec.orders) + 2) * LEVELS < 2**31:  # no lane of a text's sum leaves 32 bits
        text_lanes = unpack32(_per_segment(np.add, rows, bounds))
    else:  # a text of millions of characters: every lane in 64 bits
        text_lanes = _per_segment(np.add, unpack32(rows), bounds)
    sums = text_lanes[:, :labels] * packed.scale
    counts = text_lanes[:, labels]

    def evidence_of(texts: np.ndarray | None) -> np.ndarray:
        evidence = np.zeros((n_texts, EVIDENCE))
        if pair is None or (texts is not None and not len(texts)):
            return evidence
        if len(table):
            differences = vocabulary.differences(packed.scale, pair).take(position, mode="wrap")
        else:
            differences = np.zeros(len(firsts))
        if len(unknown):
            differences[unknown] = difference(scored[:, :labels], scored[:, labels], packed.scale, pair)
        chosen, chosen_bounds = inverse, found.bounds  # every text's words
        rows_of: slice | np.ndarray = slice(None)  # their rows of the evidence
        if texts is not None and len(texts) < n_texts:  # the words of these texts alone
            sizes = np.diff(found.bounds).take(texts, mode="wrap")
            chosen = inverse.take(ranges(found.bounds.take(texts, mode="wrap"), sizes), mode="wrap")
            chosen_bounds, rows_of = np.r_[0, np.cumsum(sizes)], texts
        evidence[rows_of, 0] = _per_segment(np.maximum, differences.take(chosen, mode="wrap"), chosen_bounds)
        evidence[rows_of, 1:] = _marker_counts(state, ids, found, firsts, chosen, chosen_bounds)
        return evidence

    if spec.pairs:
        pair_rows, pair_text = _pair_rows(spec, packed, found)
        if len(pair_text):  # pairs come in text order
            bounds = np.searchsorted(pair_text, np.arange(n_texts + 1))
            sums += _per_segment(np.add, pair_rows, bounds)
            counts = counts + np.diff(bounds)
    letters = _per_segment(np.add, found.lengths, found.bounds)  # the symbols of its words (all letters or digits), less its digits
    if len(digits):
        letters -= np.bincount(np.searchsorted(offsets, digits, side="right") - 1, minlength=n_texts)
    return sums, counts, letters, evidence_of


def _marker_counts(state: dict, ids: np.ndarray, found, firsts: np.ndarray, inverse: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Per text, its number of words of each kind of :mod:`awal.lid.markers`: the texts' words are the distinct
    words ``inverse`` (``firsts``: the distinct words among ``found``, :func:`~awal.lid.features.words` of ``ids``, as
    :func:`slice_sums` finds them), text ``i``'s at ``bounds[i]:bounds[i + 1]``. Only the distinct words that open
    with an Arabic letter can be marker words: the kinds are read for them alone."""
    grouped = found.grouped
    n_texts = len(bounds) - 1
    opens = openers(state)
    at = grouped.order.take(firsts, mode="wrap")  # each distinct word's place among the words
    arabic = opens.take(ids.take(found.starts.take(at, mode="wrap"), mode="wrap")).nonzero()[0]
    if not len(arabic):
        return np.zeros((n_texts, len(KINDS)))
    picked = firsts.take(arabic, mode="wrap")
    kinds = Markers.of(state).kinds(ids, found.starts.take(at.take(arabic, mode="wrap"), mode="wrap"),
                                    grouped.lengths.take(picked, mode="wrap"), grouped.hashes.take(picked, mode="wrap"))  # fmt: skip
    listed = kinds.nonzero()[0]
    kind_of = np.zeros(len(firsts), dtype=np.int8)  # per distinct word
    kind_of[arabic.take(listed, mode="wrap")] = kinds.take(listed, mode="wrap")
    kind = kind_of.take(inverse, mode="wrap")
    marked = kind.nonzero()[0]  # count each text's marker words: few words, found from their kinds
    text = np.searchsorted(bounds, marked, side="right") - 1
    return np.bincount(text * len(KINDS) + kind.take(marked) - 1, minlength=n_texts * len(KINDS)).reshape(n_texts, len(KINDS))


def _per_segment(ufunc: np.ufunc, values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``ufunc`` reduced over ``values[bounds[i]:bounds[i + 1]]`` (along the first axis) for each ``i``, 0 for an empty segment
    (``reduceat`` alone would give it the next value).

    >>> _per_segment(np.add, np.array([1, 2, 3]), np.array([0, 2, 2, 3])).tolist()
    [3, 0, 3]
    """
    filled = bounds[1:] > bounds[:-1]
    if filled.all():
        return ufunc.reduceat(values, bounds[:-1], axis=0)
    out = np.zeros((len(bounds) - 1, *values.shape[1:]), dtype=values.dtype)
    if filled.any():
        out[filled] = ufunc.reduceat(values, bounds[:-1][filled], axis=0)
    return out


def _pair_rows(spec: FeatureSpec, packed: PackedWeights, found) -> tuple[np.ndarray, np.ndarray]:
    """The weight rows of the word pairs of a batch and the text of each pair."""
    same = found.text[1:] == found.text[:-1]
    buckets = pair_buckets(found.hashes[:-1][same], found.hashes[1:][same], np.uint64(64 - spec.bits))
    return packed.segment_sums(buckets, np.arange(len(buckets) + 1)), found.text[1:][same]


def _state(labels, spec, alphabet, packed, bias, temperature, sources, context, vocabulary) -> dict:
    return _with_tables({
        "labels": list(labels), "spec": spec, "alphabet": alphabet, "packed": packed,
        "bias": bias, "temperature": temperature, "sources": sources, "context": context, "vocabulary": vocabulary,
    })  # fmt: skip


def _with_tables(stored: dict) -> dict:
    """A model state from its :data:`STORED` parts: with its alphabet's lookup tables (built here, 4 MB)."""
    return {**stored, "table": stored["alphabet"].table(), "marked": stored["alphabet"].table(marked=True)}


def _stored(state: dict) -> dict:
    """The :data:`STORED` parts of a model ``state``, without what was built from them on use (the
    one-text scorer, marker lists, the frequent words' index: ~11 MB more once a model has run)."""
    from dataclasses import replace

    stored = {name: state[name] for name in STORED if name in state}
    stored["vocabulary"] = replace(state["vocabulary"])  # (its lazy index and rows left behind)
    return stored


def _no_vocabulary(packed: PackedWeights) -> Vocabulary:
    return Vocabulary(np.zeros(0, dtype=np.uint64), np.zeros((0, packed.words), dtype=np.uint64), np.zeros(0, dtype=np.int64))


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
    if type(x).__module__.startswith(("pandas", "numpy")):  # missing values score as empty text, others raise
        strings, present = column_strings(x)
        if present is None:
            return strings, False
        filled = np.full(len(present), "", dtype=object)
        filled[present] = strings
        return filled.tolist(), False
    return TextBatch.from_input(x).to_list(), False


def _per_text(x: Any, fn) -> Any:
    """``fn`` (list of texts -> list of labels) on a ``str``, list, tuple or Arrow array; the result
    has ``x``'s kind of container (pandas and NumPy: :func:`~awal.columns.accepts_columns`)."""
    if isinstance(x, str):
        return fn([x])[0]
    if isinstance(x, (list, tuple)):
        out = fn(list(x)) if set(map(type, x)) <= {str} else fn(TextBatch.from_strings(x).to_list())
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

"""awal inside datatrove pipelines (``pip install 'awal[datatrove]'``).

* :func:`register_tokenizers` makes awal's word tokenizer and sentence splitter the ones
  datatrove uses for Moroccan Darija, Standard Arabic and Amazigh (``ary``, ``arb``, ``zgh``,
  ``tzm``, ``shi``, ``kab``, ``rif``, with and without script suffix), where it would
  otherwise use spaCy's Arabic, Stanza's Maltese, spaCy ``xx`` or whitespace splitting.
* :class:`AwalNormalizer`, :class:`AwalLanguageFilter`, :class:`AwalQualityFilter` are
  pipeline steps; they work on batches of documents, not one at a time.
* :class:`AwalMinhashDedupSignature` is datatrove's MinHash signature step with awal's
  ``dedup`` shingles (:func:`awal.shingles`) instead of its own text simplification.

A whole recipe, JSONL in and out::

    from datatrove.executor import LocalPipelineExecutor
    from awal.datatrove import recipe
    for stage, tasks in recipe("in/", "work/", "out/", languages=["ary_Arab", "zgh_Tfng"]):
        LocalPipelineExecutor(pipeline=stage, tasks=tasks).run()

``AwalLanguageFilter`` calls :func:`awal.identify`; until that function is part of the
installed awal, the step raises a clear error and :func:`recipe` leaves it out
(``identify=False``) with a warning.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.dedup.minhash import (
    MinhashBuildIndex,  # noqa: F401  (re-exported for recipes)
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.batching import batched
from datatrove.utils.word_tokenizers import WordTokenizer, load_tokenizer_assignments, load_word_tokenizer

import awal

from .normalize import Normalizer
from .quality import explain, load_variety, quality
from .shingles import shingles

LANGUAGES = {
    "ary": ("Arab", "Latn"),
    "arb": ("Arab", "Latn"),
    "zgh": ("Tfng",),
    "tzm": ("Tfng", "Latn"),
    "shi": ("Tfng", "Latn"),
    "kab": ("Latn", "Tfng"),
    "rif": ("Latn", "Tfng"),
}
BATCH = 1024  # documents per awal call


class AwalWordTokenizer(WordTokenizer):
    """datatrove's ``WordTokenizer`` interface on :func:`awal.tokenize` and :func:`awal.sentence_spans`."""

    def word_tokenize(self, text: str) -> list[str]:
        return awal.tokenize(text)

    def sent_tokenize(self, text: str) -> list[str]:
        return awal.sentences(text)

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return awal.sentence_spans(text)


def register_tokenizers(languages: Iterable[str] = LANGUAGES) -> list[str]:
    """Make awal the word tokenizer datatrove loads for ``languages`` (codes with and without script);
    returns the keys registered.

    >>> "ary_Arab" in register_tokenizers()
    True
    """
    factories = load_tokenizer_assignments()  # datatrove's cached table: changed in place
    keys = []
    for code in languages:
        scripts = LANGUAGES.get(code, ())
        for key in (code, *(f"{code}_{script}" for script in scripts)):
            factories[key] = lambda code=code: AwalWordTokenizer(code)
            keys.append(key)
    load_word_tokenizer.cache_clear()
    from datatrove.utils.text import split_into_parts

    split_into_parts.cache_clear()
    return keys


class AwalNormalizer(PipelineStep):
    """Normalises ``doc.text`` with an awal profile (``"default"``, ``"dedup"``, a file...), in batches."""

    name = "awal normalize"
    type = "✂️ - FORMAT"

    def __init__(self, profile: str = "default"):
        super().__init__()
        self.profile = profile

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        normalizer = Normalizer(self.profile)
        for batch in batched(data, BATCH):
            with self.track_time("batch"):
                texts = normalizer([doc.text for doc in batch])
            for doc, text in zip(batch, texts):
                doc.text = text
                self.stat_update("normalized")
                yield doc


class AwalLanguageFilter(BaseFilter):
    """Keeps documents whose :func:`awal.identify` label is in ``languages``; the label goes to
    ``doc.metadata["language"]`` (the key datatrove's own language filter uses)."""

    name = "awal identify"

    def __init__(self, languages: Iterable[str], exclusion_writer: Any = None):
        super().__init__(exclusion_writer, batch_size=BATCH)
        self.languages = set(languages)

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        identify = getattr(awal, "identify", None)
        if identify is None:
            raise RuntimeError("AwalLanguageFilter needs awal.identify, which this installed awal does not have yet")
        labels = identify([doc.text for doc in batch])
        results: list[bool | tuple[bool, str]] = []
        for doc, label in zip(batch, labels):
            doc.metadata["language"] = label
            results.append(True if label in self.languages else (False, f"language_{label}"))
        return results


class AwalQualityFilter(BaseFilter):
    """Drops documents that fail their variety's thresholds (:func:`awal.quality_filter`).

    ``variety`` is a name of ``data/quality`` (``"ary"``, ``"zgh"``...) or ``"auto"``: each
    document's ``metadata["language"]`` (set by :class:`AwalLanguageFilter`), falling back to
    ``"default"``. The signals go to ``doc.metadata["quality"]`` when ``keep_signals``; the
    first failed threshold is the drop reason, all of them are in ``metadata["quality_reasons"]``.
    """

    name = "awal quality"

    def __init__(self, variety: str = "auto", keep_signals: bool = False, exclusion_writer: Any = None):
        super().__init__(exclusion_writer, batch_size=BATCH)
        if variety != "auto":
            load_variety(variety)  # fails early on an unknown name
        self.variety = variety
        self.keep_signals = keep_signals

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def _variety_of(self, doc: Document) -> str:
        if self.variety != "auto":
            return self.variety
        label = doc.metadata.get("language", "default")
        try:
            return load_variety(label).name
        except ValueError:
            return "default"

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        groups: dict[str, list[int]] = {}
        for i, doc in enumerate(batch):
            groups.setdefault(self._variety_of(doc), []).append(i)
        results: list[bool | tuple[bool, str]] = [True] * len(batch)
        for name, members in groups.items():
            signals = quality([batch[i].text for i in members], name)
            for row, (i, reasons) in enumerate(zip(members, explain(signals, name))):
                if self.keep_signals:
                    batch[i].metadata["quality"] = {k: float(v[row]) for k, v in signals.items()}
                if reasons:
                    batch[i].metadata["quality_reasons"] = reasons
                    results[i] = (False, reasons[0].split(" ", 1)[0])
        return results


class AwalMinhashDedupSignature(MinhashDedupSignature):
    """MinHash signatures from awal's shingles: ``dedup`` profile, word n-grams, FNV-1a 64 keys."""

    def __init__(self, *args: Any, profile: str = "dedup", **kwargs: Any):
        kwargs.setdefault("language", "ary")  # only used by the parent's own shingling, which is replaced
        super().__init__(*args, **kwargs)
        self.profile = profile

    def get_shingles(self, text: str) -> Any:
        return shingles(text, n=self.config.n_grams, profile=self.profile).reshape(-1, 1)


def recipe(
    input_folder: str,
    work_folder: str,
    output_folder: str,
    languages: Iterable[str] | None = None,
    identify: bool | None = None,
    profile: str = "default",
    variety: str = "auto",
    config: MinhashConfig | None = None,
) -> list[tuple[list[Any], int]]:
    """The stages of a JSONL → identify → normalise → quality filter → MinHash dedup → JSONL recipe,
    as ``(pipeline, tasks)``: run each with a datatrove executor, in order (see the module docstring);
    the bucket stage needs one task per MinHash bucket. ``identify``
    (default: when ``awal.identify`` exists) keeps ``languages`` only; without it, quality uses
    ``variety`` for every document (``"auto"`` then means the default thresholds).
    """
    if identify is None:
        identify = hasattr(awal, "identify")
        if not identify:
            warnings.warn("awal.identify is not available in this awal: the recipe runs without language identification", stacklevel=2)
    config = MinhashConfig() if config is None else config
    first: list[Any] = [JsonlReader(input_folder)]
    if identify:
        first.append(AwalLanguageFilter(languages or []))
    first += [
        AwalNormalizer(profile),
        AwalQualityFilter(variety),
        JsonlWriter(f"{work_folder}/filtered"),
    ]
    signatures = [
        JsonlReader(f"{work_folder}/filtered"),
        AwalMinhashDedupSignature(output_folder=f"{work_folder}/signatures", config=config),
    ]
    buckets = [MinhashDedupBuckets(input_folder=f"{work_folder}/signatures", output_folder=f"{work_folder}/buckets", config=config)]
    clusters = [MinhashDedupCluster(input_folder=f"{work_folder}/buckets", output_folder=f"{work_folder}/remove_ids", config=config)]
    final = [
        JsonlReader(f"{work_folder}/filtered"),
        MinhashDedupFilter(input_folder=f"{work_folder}/remove_ids"),
        JsonlWriter(output_folder),
    ]
    return [(first, 1), (signatures, 1), (buckets, config.num_buckets), (clusters, 1), (final, 1)]

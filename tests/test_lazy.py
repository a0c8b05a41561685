"""Values built on first use (awal.lazy): no lock, so neither a fork nor threads can wait on one."""

from __future__ import annotations

import functools
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import awal.lid
import awal.scripts
import awal.slices
import awal.tokenize
import awal.translit
from awal.lid import Identifier
from awal.lid import vocabulary as vocabulary_module
from awal.lid.model import model_dir
from forking import in_forked_child


def test_no_class_of_awal_uses_functools_cached_property():
    """On Python < 3.12 it locks, with one lock for every instance of the class (round 10: awal.lid had 6): a process
    forked while another thread builds a value must not inherit a held lock (tests/test_rule_files.py forks so)."""
    modules = [m for name, m in list(sys.modules.items()) if name == "awal" or name.startswith("awal.")]
    assert len(modules) > 20
    for module in modules:
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                assert not any(isinstance(v, functools.cached_property) for v in vars(cls).values()), cls


def _vocabulary(seed: int) -> vocabulary_module.Vocabulary:
    hashes = np.unique(np.random.default_rng(seed).integers(1, 2**63, 50, dtype=np.uint64))
    return vocabulary_module.Vocabulary(hashes, np.zeros((len(hashes), 1), np.uint64), np.ones(len(hashes), np.int64))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_fork_while_another_thread_builds_a_lazy_value_does_not_hang(monkeypatch):
    """With functools.cached_property on Python 3.11 the child waited forever for the lock the other thread held."""
    inside, release = threading.Event(), threading.Event()
    real = vocabulary_module._slot_count

    def slow(words: int) -> int:
        if threading.current_thread() is not threading.main_thread():
            inside.set()
            release.wait(30)
        return real(words)

    monkeypatch.setattr(vocabulary_module, "_slot_count", slow)
    builder = threading.Thread(target=lambda: _vocabulary(1).slots)
    builder.start()
    try:
        assert inside.wait(10)
        in_forked_child(lambda: _vocabulary(2).slots, seconds=10)  # the same kind of value for another instance
    finally:
        release.set()
        builder.join()


def test_threads_identifying_at_once_on_a_fresh_identifier_agree_with_one_thread():
    texts = ["wach nta labas", "السلام عليكم ورحمة الله", "كيداير لباس عليك", "je suis très content", "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ", "123", ""]
    expected = Identifier.load(model_dir())
    labels, spans = expected.identify(texts), [awal.lid.identify_tokens(t, expected) for t in texts]
    fresh = Identifier.load(model_dir())  # nothing built yet: every thread races to build the lazy parts

    def work(i: int):
        text = texts[i % len(texts)]
        return fresh.identify(text), fresh.identify(texts), awal.lid.identify_tokens(text, fresh), fresh.scores(texts).round(12).tolist()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(32)))
    scores = expected.scores(texts).round(12).tolist()
    for i, (one, batch, tokens, p) in enumerate(results):
        assert one == labels[i % len(texts)] and batch == labels and tokens == spans[i % len(texts)] and p == scores

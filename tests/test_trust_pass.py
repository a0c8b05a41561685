"""Round 12's adversarial pass (the Trust issue's standard: a pipeline can hand awal its files and objects):
each test failed on round 11's code."""

from __future__ import annotations


from awal.lid import Identifier


class _Falsy(Identifier):
    """An identifier that is false as a truth value (a ``__len__`` of 0) and counts its calls."""

    calls = 0

    def __len__(self) -> int:
        return 0

    def logits(self, texts):
        type(self).calls += 1
        return super().logits(texts)


def test_an_identifier_given_is_used_even_if_it_is_falsy():
    """``convert_darija`` took ``idf or Identifier()``: an identifier that is falsy was replaced by the bundled one, silently."""
    from awal.lid.keep import convert_darija

    idf = _Falsy(_state=Identifier().state)
    out = convert_darija(["wach kayn des gens"], lambda pieces: [p.upper() for p in pieces], idf)
    assert _Falsy.calls > 0 and out == convert_darija(["wach kayn des gens"], lambda pieces: [p.upper() for p in pieces])

"""Language identification for Moroccan and neighbouring text, per text and per token.

Labels are ``lang_Script`` (ISO 639-3 and ISO 15924): Darija ``ary_Arab`` / ``ary_Latn``
(Arabizi; Algerian Arabizi too, see ``data/models/NOTICE.md``), MSA ``arb_Arab`` / ``arb_Latn``,
Egyptian ``arz_Arab``, Algerian ``arq_Arab``, Amazigh ``zgh_Tfng`` / ``tzm_Tfng`` / ``taq_Tfng`` / ``kab_Latn``,
``fra_Latn``, ``eng_Latn``, ``spa_Latn``, and ``und`` for text without letters (or below
the identifier's threshold). Per token, punctuation and numbers take the label of the word
before them. The bundled model loads on first use.

>>> identify(["wach nta mzyan? ana bikhir", "Le chat dort sur le canapé.", "ⴰⵣⵓⵍ ⴼⵍⴰⵡⵏ", "123 !"])
['ary_Latn', 'fra_Latn', 'zgh_Tfng', 'und']
>>> [label for *_, label in identify_tokens("salam khoya, je suis vraiment content")]
['ary_Latn', 'ary_Latn', 'ary_Latn', 'fra_Latn', 'fra_Latn', 'fra_Latn', 'fra_Latn']
"""

from __future__ import annotations

from typing import Any

from .model import Identifier, ModelError
from .tokens import identify_tokens, language_spans, mixedness

__all__ = ["Identifier", "ModelError", "identify", "identify_tokens", "language_spans", "mixedness"]


def identify(x: Any, threshold: float = 0.0, priors: dict[str, float] | None = None) -> Any:
    """The language label of each text (``str`` -> ``str``; list, Arrow, pandas, NumPy -> the same kind);
    ``threshold`` and ``priors`` as in :class:`Identifier`."""
    return Identifier(threshold, priors).identify(x)

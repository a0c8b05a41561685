"""Hypothesis strategies for arbitrary text, weighted toward this project's scripts."""

from __future__ import annotations

import os

from hypothesis import settings
from hypothesis import strategies as st

# Characters a normaliser or transliterator is most likely to trip on.
INTERESTING = (
    "اأإآٱءؤئىيیكکگڭݣڤپچةهہەۀـًٌٍَُِّْٰٕٓٔ٠١٩۰۹،؛؟"
    "ⴰⴱⴳⵯⴽⵡⵖⵛⵥ⵿ʷ°ᵂεɛγɣəǝğǧḍṭṛṣẓḥ"
    "abcdeghkqrstuwxyzABCDHST0123456789 \t\n-_.,:;!?'\"{}<>*|~`$&+=/\\"
    "\u00a0\u200b\u200c\u200d\u200e\u200f\u2028\u2029\ufeff\u00ad\u0300\u0301\u0306\u030c\u0323"
    "ﻻﻼﷲﺍﺑﺒ\x00\U0001f600\U0001f1f2\U0001f1e6\U00010000"
)

characters = st.one_of(
    st.sampled_from(INTERESTING),
    st.characters(codec=None),  # anything, surrogates and astral planes included
)
texts = st.text(alphabet=characters, max_size=40)
batches = st.lists(texts, max_size=8)


def examples(n: int) -> settings:
    """``@examples(n)``: a costly property runs ``n`` examples in `make test`, and the fuzz
    profile's count (10^5) under `make fuzz`, like every other property."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
        return settings()
    return settings(max_examples=n)

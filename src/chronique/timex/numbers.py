"""Numbers written in words or digits: "vingt-deux", "soixante-dix-sept", "quatre-vingts", "twenty-one".

The words and their values are data (`[[number]]` in `lang/<iso>/timex.toml`); composition is the same
for French and English: a word smaller than the previous one is added ("vingt-deux" = 20 + 2,
"soixante-dix" = 60 + 10), "cent"/"hundred" and "mille"/"thousand" multiply, and 20 after a small
number multiplies ("quatre-vingts" = 4 × 20).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["parse_number"]

_SPLIT = re.compile(r"[\s-]+")
_JOINERS = frozenset({"et", "and"})


def parse_number(phrase: str, words: Mapping[str, float]) -> float | None:
    """The value of `phrase` ("12", "7,5", "vingt et un"), or None when a word is not a number."""
    phrase = phrase.strip().lower()
    if not phrase:
        return None
    if phrase in words:  # a phrase of its own: "a couple of"
        return words[phrase]
    digits = phrase.replace(",", ".")
    half = re.fullmatch(r"(\d+)(?: 1/2|½)", digits)  # "5 1/2"
    if half:
        return int(half[1]) + 0.5
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits)
    total = 0.0
    current = 0.0
    previous = 0.0
    for token in _SPLIT.split(phrase):
        if not token or token in _JOINERS:
            continue
        value = words.get(token)
        if value is None:
            return None
        if value >= 1000:
            total += max(current, 1) * value
            current = 0
        elif value == 100:
            current = max(current, 1) * value
        elif value == 20 and 1 < previous < 10:
            current += previous * 19  # quatre-vingts, mil neuf cent quatre-vingt-dix: the 4 was × 20
        else:
            current += value
        previous = value
    return total + current

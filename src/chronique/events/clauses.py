"""Regions of a sentence that tell of something else than its main clause (#4).

"… signed the Panmunjom Declaration, in which they pledged …, a formal end to the war, which stopped
in 1953": the year belongs to the war's relative clause, not to the signing. "their first encounter
since their meeting in Singapore last June": the place and the month belong to the other meeting. A
region opens at a relative pronoun or at a preposition that names another event ("after", "since",
"depuis", "après", language data `[[clause]]`) and runs to the next punctuation of the sentence; a
time expression alone between commas (", this year,") does not close it. Parentheses, quotations and
what follows a colon after a clause are regions too. A duration just before the
preposition opens the region with it: "[un an et demi après leur rencontre à Moscou], ils se sont
retrouvés à Sotchi" dates the Moscow meeting, not the one in Sochi.

A time expression or a place dates or places a trigger only when both stand in the same region (or
both outside every region), or when the region is a relative clause on the trigger itself ("the
earthquake that struck Haiti on Tuesday"), or, for a "where" clause, when the place is its antecedent
("à Sotchi, où ils se sont rencontrés").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chronique.model import Span

__all__ = ["Region", "regions", "same_region"]

# Punctuation that ends a region (and the sentence end).
_BOUNDARY = re.compile(r"[,;:()\[\]—–«»\"“”]|\s-\s")
# How many words may stand between a trigger and the pronoun of a relative clause on it: none ("the
# earthquake that struck", "le séisme qui a frappé"); with one, "signed a declaration, in which" would
# hang the clause on the signing (the examples' Panmunjom Declaration).
ANTECEDENT_WORDS = 0
# Characters that may stand before the time expression of an interjection (", en novembre 2015,"): one
# preposition.
INTERJECTION_LEAD = 3


@dataclass(frozen=True, slots=True)
class Region:
    """`[start, end)` of a clause that tells of something else; `antecedent` ends the words before it."""

    start: int
    end: int
    kind: str  # "relative", "where", "other_event", "aside" (in parentheses), "quote" or "explanation"
    antecedent: int
    # The pieces of one explanation (after a colon, around the regions inside it) share a number.
    part: int = -1


def _interjection(text: str, start: int, timexes: Sequence[Span]) -> int | None:
    """End of ", this year," when the piece after the comma at `start` is a time expression alone."""
    for timex in timexes:
        # The time expression, after at most a preposition: ", this year,", ", en novembre 2015,".
        lead = text[start + 1 : timex.start] if timex.start > start else "x" * 9
        if len(lead.strip()) <= INTERJECTION_LEAD and timex.end < len(text):
            after = re.match(r"\s*,", text[timex.end :])
            if after:
                return timex.end + after.end()
    return None


def _elapsed_start(text: str, begin: int, timexes: Sequence[Span]) -> int:
    """Start of "un an et demi après leur rencontre": the time between the other event and the
    sentence's belongs to the other event's region, not to the main clause."""
    for timex in timexes:
        if timex.label == "DURATION" and timex.end <= begin and not text[timex.end : begin].strip():
            return timex.start
    return begin


def regions(
    text: str, sentence: Span, openers: Sequence[tuple[str, re.Pattern[str]]], timexes: Sequence[Span]
) -> list[Region]:
    """The regions of `sentence`, in text order, none overlapping another.

    A colon after a clause opens an explanation that runs to the end of the sentence ("La rencontre
    avait été improvisée : samedi, Donald Trump avait proposé …": Saturday is the proposal's, not the
    meeting's); the regions inside it keep their own kinds, the rest of it is one explanation.
    """
    colon = _explanation_start(text, sentence)
    if colon is None:
        return _regions(text, sentence, openers, timexes)
    before = _regions(text, Span(sentence.start, colon, sentence.label), openers, timexes)
    inner = _regions(text, Span(colon, sentence.end, sentence.label), openers, timexes)
    pieces: list[Region] = []
    position = colon
    for region in [*inner, Region(sentence.end, sentence.end, "end", sentence.end)]:
        if region.start > position:
            pieces.append(Region(position, region.start, "explanation", colon, part=colon))
        position = max(position, region.end)
    return sorted([*before, *inner, *pieces], key=lambda r: r.start)


# Words a sentence must have before a colon for it to end a clause ("Hanoï : Pyongyang conteste …" is a
# headline's label, not a clause).
EXPLANATION_MIN_WORDS = 4


def _explanation_start(text: str, sentence: Span) -> int | None:
    """Where the first colon that follows a clause of the sentence stands (outside quotations)."""
    quotes = _quotations(text, sentence)
    for match in re.finditer(r"\s:\s|:\s", text[sentence.start : sentence.end]):
        start = sentence.start + match.start()
        if any(lo < start < hi for lo, hi in quotes.items()):
            continue
        if len(text[sentence.start : start].split()) >= EXPLANATION_MIN_WORDS:
            return start
    return None


def _regions(
    text: str, sentence: Span, openers: Sequence[tuple[str, re.Pattern[str]]], timexes: Sequence[Span]
) -> list[Region]:
    starts: list[tuple[int, int, str]] = []  # (opener start, word start, kind)
    for kind, pattern in openers:
        for match in pattern.finditer(text, sentence.start, sentence.end):
            begin = match.start("open") if "open" in pattern.groupindex else match.start()
            if kind == "other_event" and any(
                t.start <= match.end() + 1 and t.end > match.end() for t in timexes
            ):
                continue  # "after Friday", "depuis mars 2011": a time phrase, not another event
            if kind == "other_event":
                begin = _elapsed_start(text, begin, timexes)
            starts.append((begin, match.start(), kind))
    for match in re.finditer(r"\(", text[sentence.start : sentence.end]):
        # "(22 h 53 à Paris)": an aside, whatever the language.
        starts.append((sentence.start + match.start(), sentence.start + match.start(), "aside"))
    # Words quoted are what someone said: a time or a place in them is not that of the saying ("« Nous
    # nous verrons le 12 juin à Singapour », a déclaré Donald Trump"), nor of an event outside them.
    quotes = _quotations(text, sentence)
    starts = [s for s in starts if not any(lo < s[0] < hi for lo, hi in quotes.items())]
    starts += [(lo, lo, "quote") for lo in quotes]
    starts.sort()
    found: list[Region] = []
    for n, (begin, _, kind) in enumerate(starts):
        if found and begin < found[-1].end:
            continue
        if kind == "quote":
            antecedent = len(text[:begin].rstrip(" ,\t\n"))
            found.append(Region(begin, quotes[begin], kind, antecedent))
            continue
        # Words quoted inside the clause are part of it ("in which Kim reaffirmed his "firm commitment,"
        # while Trump committed to …"): the clause runs on after them.
        limit = next((b for b, _, k in starts[n + 1 :] if k != "quote"), sentence.end)
        end = begin
        while True:
            boundary = _BOUNDARY.search(text, end + 1, limit)
            if boundary is None:
                end = limit
                break
            if boundary.start() in quotes:
                end = quotes[boundary.start()] - 1
                continue
            skip = _interjection(text, boundary.start(), timexes) if boundary.group() == "," else None
            if skip is None or skip >= limit:
                end = boundary.start()
                break
            end = skip - 1
        antecedent = len(text[:begin].rstrip(" ,\t\n"))
        found.append(Region(begin, max(end, begin + 1), kind, antecedent))
    return found


_QUOTE_PAIRS = (("«", "»"), ("“", "”"))


def _quotations(text: str, sentence: Span) -> dict[int, int]:
    """Start → end (after the closing mark) of the sentence's quotations: «…», “…” and "…" in pairs; one
    left open runs to the end of the sentence."""
    found: dict[int, int] = {}
    for opening, closing in _QUOTE_PAIRS:
        position = sentence.start
        while (start := text.find(opening, position, sentence.end)) >= 0:
            stop = text.find(closing, start + 1, sentence.end)
            end = stop + 1 if stop >= 0 else sentence.end
            found[start] = end
            position = end
    marks = [sentence.start + m.start() for m in re.finditer('"', text[sentence.start : sentence.end])]
    for start, stop in zip(marks[::2], [*marks[1::2], sentence.end - 1], strict=False):
        found[start] = stop + 1
    # Nested or overlapping ones: the outer quotation.
    kept: dict[int, int] = {}
    for start in sorted(found):
        if not any(lo <= start < hi for lo, hi in kept.items()):
            kept[start] = found[start]
    return kept


def _region_of(position: int, found: Sequence[Region]) -> Region | None:
    return next((r for r in found if r.start <= position < r.end), None)


def same_region(
    text: str, position: int, end: int, triggers: Sequence[tuple[int, int]], found: Sequence[Region]
) -> bool:
    """True when the words at `[position, end)` may date or place an event with these triggers."""
    home = _region_of(position, found)
    for start, stop in triggers:
        own = _region_of(start, found)
        if own is home or (own is not None and home is not None and own.part == home.part >= 0):
            return True
        if home is not None and home.kind in ("relative", "where") and own is None:
            # A relative clause on the trigger itself: "the earthquake that struck Haiti on Tuesday".
            between = text[stop : home.antecedent] if stop <= home.antecedent else "x " * 9
            if len(between.split()) <= ANTECEDENT_WORDS:
                return True
        # "à Sotchi, où ils se sont rencontrés": the place the clause hangs on is its place.
        where = own is not None and own.kind == "where" and home is None
        if where and own is not None and end <= own.start and not text[end : own.start].strip(" ,"):
            return True
    return False

"""Finding time expressions: every pattern of the grammar over the text, longest match wins, guards veto.

`detect` fills `parts` (the calendar fields written in the text) and `recipe` (what `resolve` needs:
relative offsets, cue, day part, unit and amount …) but no anchored value.
"""

from __future__ import annotations

import re
from typing import Any

from chronique.model import Span
from chronique.timex.grammar import Grammar, Pattern, grammar
from chronique.timex.numbers import parse_number

__all__ = ["detect_spans"]

_TRAILING = " \t\n,;:"
# Two-digit years: "octobre 98" is 1998, "mars 21" is 2021 (pivot chosen for news archives 1930-2029).
_YEAR2_PIVOT = 30


def _day(raw: str) -> int | None:
    digits = re.match(r"\d+", raw)
    if digits:
        return int(digits[0])
    return 1 if raw.lower() == "premier" else None


def _year_in_words(g: Grammar, phrase: str) -> int | None:
    """ "nineteen ninety-six" → 1996, "two thousand and five" → 2005 (None when it is no year)."""
    words = g.lexicons.get("number", {})
    head, _, rest = phrase.lower().partition(" ")
    if head in ("nineteen", "twenty") and not rest.startswith(("thousand", "hundred")):
        tail = parse_number(rest, words)
        if tail is not None and 10 <= tail < 100 and tail == int(tail):
            return (19 if head == "nineteen" else 20) * 100 + int(tail)
        return None
    value = parse_number(phrase, words)
    return int(value) if value is not None and 1900 <= value < 2100 and value == int(value) else None


def _year(gd: dict[str, str], g: Grammar) -> int | None:
    if "yearwords" in gd:
        return _year_in_words(g, gd["yearwords"])
    if "year" in gd:
        return int(gd["year"])
    if "year2" in gd:
        value = int(gd["year2"].lstrip("'"))
        return value + (1900 if value >= _YEAR2_PIVOT else 2000)
    return None


def _amount(g: Grammar, gd: dict[str, str]) -> float | None:
    """How many units: the number, times a fraction ("un quart de"), plus one ("et demi"); None if vague."""
    if "vague" in gd or "for_vague" in gd:
        return None
    amount = 1.0
    if "num" in gd:
        value = parse_number(gd["num"], g.lexicons.get("number", {}))
        if value is None:
            return None
        amount = value
    if "fraction_before" in gd:
        amount *= float(g.lookup("fraction", gd["fraction_before"]) or 1)
    if "fraction_after" in gd:
        amount += float(g.lookup("fraction", gd["fraction_after"]) or 0)
    return amount


def _interpret(g: Grammar, pattern: Pattern, m: re.Match[str]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(TIMEX3 type, parts, recipe) of one match."""
    gd: dict[str, str] = {}
    for key, found in m.groupdict().items():
        if found is not None:
            gd.setdefault(key.split("__")[0], found)
    kind = pattern.kind
    parts: dict[str, Any] = {
        "year": None,
        "month": None,
        "day": None,
        "weekday": None,
        "hour": None,
        "minute": None,
    }
    recipe: dict[str, Any] = {"kind": kind}
    if "day" in gd:
        parts["day"] = _day(gd["day"])
    if "month" in gd:
        parts["month"] = g.lookup("month", gd["month"])
    for key in ("month_num", "month_num2"):
        if key in gd:
            parts["month"] = int(gd[key])
    parts["year"] = _year(gd, g)
    if "weekday" in gd:
        parts["weekday"] = g.lookup("weekday", gd["weekday"])
    for hour_key, minute_key in (("hour", "minute"), ("hour2", "minute2")):
        if hour_key in gd:
            parts["hour"] = int(gd[hour_key])
            parts["minute"] = int(gd[minute_key]) if minute_key in gd else 0
    if "clockword" in gd:
        clock = str(g.lookup("clockword", gd["clockword"]) or "12:00")
        parts["hour"], parts["minute"] = (int(x) for x in clock.split(":"))
    for key in ("relday", "narrday", "cue", "daypart", "mod", "season", "unit", "this", "every", "holiday"):
        if key in gd:
            recipe[key] = g.lookup(key, gd[key])
    if "this" in gd:
        recipe["cue"] = recipe.pop("this")
    if "weekof" in gd:  # "the week of March 6": the week, not the day
        recipe["unit"] = "W"
    if "definite" in gd:  # "the summer": one summer, the one nearest the document date
        recipe["definite"] = True
    if "distal" in gd:  # "ce soir-là": that evening of the story, not this one
        recipe.pop("cue", None)
    if "reldaypart" in gd:  # "last night", "tonight": a day and a part of it in one word
        offset, daypart = str(g.lookup("reldaypart", gd["reldaypart"])).split(":")
        recipe["relday"], recipe["daypart"] = int(offset), daypart
    if "approx" in gd:
        recipe["mod"] = g.lookup("approx", gd["approx"])
    if "after" in gd or "before" in gd:
        recipe["direction"] = "future" if "after" in gd else "past"
    elif pattern.direction in ("past", "future"):
        recipe["direction"] = pattern.direction
    if kind in ("duration", "offset") or (kind == "set" and "num" in gd):
        recipe["amount"] = _amount(g, gd)
        approximate = g.settings.get("approximate_number")
        if "num" in gd and approximate and re.search(str(approximate), gd["num"], re.IGNORECASE):
            recipe.setdefault("mod", "APPROX")  # "une quinzaine de jours": about fifteen
    if "pm" in gd and parts["hour"] is not None and parts["hour"] < 12:
        parts["hour"] += 12  # "3 p.m."
    if parts["hour"] is not None and parts["hour"] < 12 and recipe.get("daypart") in ("AF", "EV"):
        parts["hour"] += 12  # "8 heures du soir"
        recipe.pop("daypart")
    if kind == "decade":
        if "decadeword" in gd:
            recipe["decade"] = int(g.lookup("decadeword", gd["decadeword"]))
        else:
            digits = int(gd["decade_digits"])
            recipe["decade"] = digits // 10 if digits >= 1000 else 190 + digits // 10
    if "ordinal" in gd:
        recipe["ordinal"] = g.lookup("ordinal", gd["ordinal"])
    if "lasthalf" in gd:  # "the last half of 1989"
        recipe["ordinal"] = 2
    if "yearago" in gd:
        recipe["years_back"] = 1
    if "yearcue" in gd:  # "July last year", "janvier de cette année": the year counted from the dct
        recipe["yearcue"] = g.lookup("cue", gd["yearcue"]) or g.lookup("this", gd["yearcue"])
    if kind == "century":
        if "roman" in gd:
            recipe["century"] = _roman(gd["roman"])
        elif "century_num" in gd:
            recipe["century"] = int(gd["century_num"])
        elif "centuryword" in gd:
            recipe["century"] = int(g.lookup("centuryword", gd["centuryword"]))
    for key in ("setword", "durword", "ref"):
        if key in gd:
            recipe["value"] = g.lookup(key, gd[key])
    if kind in ("duration", "durword"):
        label = "DURATION"
    elif kind in ("set", "setword"):
        label = "SET"
    elif kind == "ref":
        label = str(g.settings.get("ref_type", "DATE"))
    elif kind in ("calendar", "range") and (parts["hour"] is not None or "daypart" in recipe):
        daypart_type = g.settings.get("daypart_type", "TIME")
        if parts["weekday"] is None and parts["day"] is None:  # "this morning", "yesterday afternoon"
            daypart_type = g.settings.get("daypart_alone_type", daypart_type)
        label = "TIME" if parts["hour"] is not None else str(daypart_type)
    else:
        label = "DATE"
    return label, parts, recipe


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for char, following in zip(numeral.upper(), [*numeral.upper()[1:], ""], strict=True):
        value = values[char]
        total += -value if following and values[following] > value else value
    return total


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    while start < end and text[start] in _TRAILING:
        start += 1
    return start, end


def detect_spans(text: str, lang: str) -> list[Span]:
    """Time expressions of `text` in `lang`, with parts and recipe but no anchored value."""
    g = grammar(lang)
    if not g.patterns:
        return []
    norm = text.replace("’", "'")
    vetoes = [(m.start(), m.end()) for guard in g.guards for m in guard.finditer(norm)]
    candidates: list[tuple[int, int, int, re.Match[str]]] = []
    for index, pattern in enumerate(g.patterns):
        for m in pattern.regex.finditer(norm):
            start, end = _trim(norm, m.start(), m.end())
            # a guard vetoes what it overlaps, unless the candidate holds all of it ("March 3-5")
            if end <= start or any(
                s < end and start < e and not (start <= s and e <= end) for s, e in vetoes
            ):
                continue
            if m.groupdict().get("yearwords") and _year_in_words(g, m["yearwords"]) is None:
                continue  # "nineteen people"
            candidates.append((start, end, index, m))
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken: list[tuple[int, int]] = []
    spans: list[Span] = []
    for start, end, index, m in candidates:
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        pattern = g.patterns[index]
        label, parts, recipe = _interpret(g, pattern, m)
        pieces = [(start, end)]
        found = m.groupdict()
        if pattern.kind == "range":
            # "du 3 au 5 mars", "1914-1918": two expressions sharing month and year.
            second = next((k for k in ("day2", "year2_full", "weekday2") if found.get(k)), None)
            if second:
                first = {"day2": "day", "year2_full": "year", "weekday2": "weekday"}[second]
                pieces = [_trim(norm, start, m.end(first)), _trim(norm, m.start(second), end)]
        for piece_index, (s, e) in enumerate(pieces):
            piece_parts = dict(parts)
            if piece_index == 1:
                if found.get("year2_full"):
                    piece_parts["year"] = _full_year(int(found["year2_full"]), parts["year"])
                elif found.get("day2"):
                    piece_parts["day"] = _day(found["day2"])
            piece_recipe = dict(recipe)
            if piece_index == 0 and found.get("weekday2"):
                ends = (g.lookup("weekday", found["weekday"]), g.lookup("weekday", found["weekday2"]))
                piece_recipe["range_days"] = (int(ends[1]) - int(ends[0])) % 7
            if piece_index == 1 and found.get("weekday2"):
                # "du lundi au vendredi": the second weekday is the first one on or after the first
                piece_parts["weekday"] = g.lookup("weekday", found["weekday2"])
                piece_recipe["range_end"] = True
            attrs = {"rule": pattern.concept, "parts": piece_parts, "recipe": piece_recipe}
            spans.append(Span(s, e, label, attrs))
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


def _full_year(value: int, first: int | None) -> int:
    if value >= 1000 or first is None:
        return value
    return first - first % 100 + value

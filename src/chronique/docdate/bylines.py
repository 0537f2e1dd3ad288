"""Bylines and datelines: the lines that say when an article was published (`lang/<iso>/bylines.toml`).

"Publié le …", "Dernière mise à jour à 09h50 le 29/09", "France 24 • 05/03/2020 à 20:22", "Saturday 11
March 2023" alone on its line, "MOSCOW, March 12 (Reuters) —", agency photo captions, tweet sign-offs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chronique.docdate.grammar import CalendarDate, Grammar, Rule, find_in, grammar_for, grammars, text_lines
from chronique.lang import register_checker

__all__ = ["BYLINE_ORDER", "Byline", "find_bylines"]

# Where bylines sit: the first lines of the text, and its last lines (credits such as "AFP - 2015-12-13").
HEAD_LINES = 12
TAIL_LINES = 4
# Byline concepts, most trusted first when several lines disagree; `embed` (a tweet's date) only says
# that the article is not older, so it goes to the content part.
BYLINE_ORDER = ("published", "dateline", "standalone", "caption", "updated")


@dataclass(frozen=True, slots=True)
class Byline:
    """A line that says when the article was published, updated or filed."""

    rule: str
    concept: str
    date: CalendarDate | None
    confidence: float
    start: int
    end: int
    line: str


def _other_words(g: Grammar, rest: str) -> int:
    """How many words a line holds besides its dates, times and filler ("Lecture : 3 min")."""
    for filler in g.filler:
        rest = filler.sub(" ", rest)
    return len(re.findall(r"\w[\w.'’-]*", rest))


def _byline_in_line(g: Grammar, rule: Rule, line: str) -> tuple[CalendarDate | None, bool]:
    """(date, matched) of one rule over one line."""
    if len(line) > rule.max_chars:
        return None, False
    if rule.kind == "standalone":
        found = [f for f in find_in(g, line) if f[2].day is not None]
        if not found:
            return None, False
        rest = line
        for start, end, _ in reversed(found):  # "20:22 05.03.2020 (mis à jour 20:25 05.03.2020)"
            rest = rest[:start] + " " + rest[end:]
        if _other_words(g, rest) > rule.max_other_words:
            return None, False
        return found[0][2], True
    if rule.regex is None:
        return None, False
    if rule.kind == "cue":
        m = rule.regex.search(line)
        if not m:
            return None, False
        dates = [d for _, _, d in find_in(g, line[m.end() :]) if d.day is not None]
        return (dates[0], True) if dates else (None, False)
    if rule.kind == "line":
        if not rule.regex.search(line):
            return None, False
        dates = [d for _, _, d in find_in(g, line) if d.day is not None and d.year is not None]
        return (dates[-1], True) if dates else (None, False)
    if rule.kind == "dateline":
        m = rule.regex.match(line)
        if not m:
            return None, False
        rest = m.groupdict().get("rest") or ""
        dates = [d for _, _, d in find_in(g, rest) if d.day is not None]
        return (dates[0] if dates else None), True
    return None, False


def find_bylines(text: str, *, lang: str | None = None) -> list[Byline]:
    """Bylines and datelines of `text`, in the order of the lines (rules of `lang/<iso>/bylines.toml`).

    A line gets the reading of the first rule that finds a date in it; a rule that recognises the line
    but finds no date ("MOSCOW —") is kept only when no rule finds one.
    """
    lines = text_lines(text)
    regions = {
        "head": set(range(min(HEAD_LINES, len(lines)))),
        "edges": {i for i in range(len(lines)) if i < HEAD_LINES or i >= len(lines) - TAIL_LINES},
    }
    found: list[Byline] = []
    for index, (offset, line) in enumerate(lines):
        dateless: Byline | None = None
        for g, rule in [(grammar, rule) for grammar in grammars(lang, others=True) for rule in grammar.rules]:
            if rule.where != "any" and index not in regions[rule.where]:
                continue
            if lang and g.lang != lang and rule.concept != "embed":
                continue  # a French page may embed a tweet dated "May 3, 2017", not an English byline
            date, matched = _byline_in_line(g, rule, line)
            if not matched:
                continue
            byline = Byline(rule.id, rule.concept, date, rule.confidence, offset, offset + len(line), line)
            if date is not None:
                found.append(byline)
                break
            dateless = dateless or byline
        else:
            if dateless is not None:
                found.append(dateless)
    return found


def _check_byline_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    text = str(example["text"])
    found = [b for b in find_bylines(text, lang=lang) if b.rule == rule["id"]]
    if example.get("match", True) is False:
        if found:
            raise AssertionError(f"{lang} byline {rule['id']!r} wrongly takes {text!r}: {found}")
        return
    if not found:
        raise AssertionError(f"{lang} byline {rule['id']!r} misses {text!r}")
    expected = str(example.get("date", ""))
    got = found[0].date.value if found[0].date else ""
    if got != expected:
        raise AssertionError(f"{lang} byline {rule['id']!r} reads {text!r} as {got!r}, not {expected!r}")


def _check_cue_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    g = grammar_for(lang)
    if g is None:
        raise AssertionError(f"no bylines data for {lang!r}")
    text = str(example["text"])
    matched = g.cues[str(rule["concept"])].search(text) is not None
    if matched is not bool(example["match"]):
        raise AssertionError(f"{lang} cue {rule['id']!r} on {text!r}: matched={matched}")


@register_checker("bylines")
def check_bylines_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """Checker of `bylines.toml` examples (run by tests/test_lang_examples.py)."""
    if "kind" in rule:
        _check_byline_example(lang, rule, example)
    else:
        _check_cue_example(lang, rule, example)

"""Calendar words of each language (`lang/<iso>/bylines.toml`, `[names]`) and the dates they write.

`find_in` reads the dates of a byline or of running text ("05/03/2020", "Thursday, March 5, 2020",
"14 déc. 2015", "2015-12-13", "29/09") as `CalendarDate`s, with the fields the text leaves out missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from chronique.lang import available_languages, load_rules

__all__ = [
    "CalendarDate",
    "Grammar",
    "Rule",
    "find_dates",
    "find_in",
    "grammar_for",
    "grammars",
    "guess_language",
    "text_lines",
    "valid_date",
]

# A byline line is short; rules may say otherwise (`max_chars`: photo captions are long).
BYLINE_MAX_CHARS = 160
# Specific rules before the catch-all standalone line: a tweet's sign-off is also a short dated line.
KIND_ORDER = ("cue", "line", "dateline", "standalone")
DEFAULT_WHERE = {"cue": "any", "line": "any", "dateline": "head", "standalone": "edges"}


@dataclass(frozen=True, slots=True)
class CalendarDate:
    """Calendar fields as written: any may be missing ("29/09" has no year)."""

    year: int | None
    month: int | None
    day: int | None = None
    weekday: int | None = None  # ISO, 1 = Monday

    @property
    def value(self) -> str:
        """TIMEX3-like text: `2017-09-28`, `XXXX-09-28`, `2017-09`."""
        year = f"{self.year:04d}" if self.year else "XXXX"
        if self.month is None:
            return year
        if self.day is None:
            return f"{year}-{self.month:02d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    def as_date(self) -> dt.date | None:
        if self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None

    def with_year(self, year: int) -> CalendarDate:
        return replace(self, year=year)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    concept: str
    kind: str
    regex: re.Pattern[str] | None
    confidence: float
    max_other_words: int
    max_chars: int
    where: str  # "head" (first lines), "edges" (first and last lines) or "any"


@dataclass(frozen=True, slots=True)
class Grammar:
    lang: str
    months: dict[str, int]
    weekdays: dict[str, int]
    numeric_order: tuple[str, ...]
    capitalised: bool
    dates: tuple[re.Pattern[str], ...]
    weekday_re: re.Pattern[str]
    filler: tuple[re.Pattern[str], ...]
    function_words: frozenset[str]
    rules: tuple[Rule, ...]
    cues: dict[str, re.Pattern[str]]
    anchored_cues: dict[str, re.Pattern[str]]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.cache
def grammar_for(lang: str) -> Grammar | None:
    data = load_rules(lang, "bylines")
    if not data:
        return None
    names: dict[str, Any] = data.get("names", {})
    months = {str(k).lower(): int(v) for k, v in names.get("months", {}).items()}
    weekdays = {str(k).lower(): int(v) for k, v in names.get("weekdays", {}).items()}
    mon, wd = _alternation(months), _alternation(weekdays)
    ordinal = names.get("ordinal_suffix", "(?!)")
    before_day, before_month = names.get("before_day", ""), names.get("before_month", "")
    year = r"(?P<y>1[89]\d\d|20\d\d)(?![\w])"
    day = rf"(?P<d>[0-3]?\d)(?:{ordinal})?(?![\w])"
    dates = (
        # Thursday, March 5, 2020 / Sept. 29 / mercredi 3 mai
        rf"(?<![\w])(?:(?P<wd>{wd})\.?,?\s+)?(?P<m>{mon})(?![\w])\.?\s+{day}(?:,?\s+{year})?",
        # samedi 12 décembre 2015 / 14 déc. 2015 / 1er février
        rf"(?<![\w])(?:(?P<wd>{wd})\.?,?\s+{before_day})?{day}\s+{before_month}(?P<m>{mon})(?![\w])\.?(?:,?\s+{year})?",
        # novembre 2015 / March 2020
        rf"(?<![\w])(?P<m>{mon})(?![\w])\.?\s+{year}",
        # 2015-12-13
        r"(?<![\w-])(?P<y>(?:19|20)\d\d)-(?P<mn>[01]\d)-(?P<d>[0-3]\d)(?![\d])",
        # 12/12/2016, 29/09, 05.03.20
        r"(?<![\w/.,])(?P<a>[0-3]?\d)[/.](?P<b>[0-3]?\d)(?:[/.](?P<y>(?:19|20)\d\d|\d\d))?(?![\w/]|[.,]\d|\s*%)",
    )
    rules = []
    for raw in data.get("byline", []):
        kind = str(raw["kind"])
        pattern = raw.get("pattern") or raw.get("cue")
        if kind == "cue":  # a cue opens the line or follows a separator ("Par X | Publié le")
            pattern = r"(?:^|[|•·—–]\s*)\W{0,3}(?:" + pattern + ")"
        rules.append(
            Rule(
                id=str(raw["id"]),
                concept=str(raw["concept"]),
                kind=kind,
                # A dateline's place is in capitals: its pattern keeps its case.
                regex=re.compile(pattern, 0 if kind == "dateline" else re.IGNORECASE) if pattern else None,
                confidence=float(raw.get("confidence", 0.8)),
                max_other_words=int(raw.get("max_other_words", 4)),
                max_chars=int(raw.get("max_chars", BYLINE_MAX_CHARS)),
                where=str(raw.get("where", DEFAULT_WHERE[kind])),
            )
        )
    cues = {str(c["concept"]): re.compile(c["pattern"], re.IGNORECASE) for c in data.get("cue", [])}
    return Grammar(
        lang=lang,
        months=months,
        weekdays=weekdays,
        numeric_order=tuple(names.get("numeric_order", ["dmy"])),
        capitalised=bool(names.get("capitalised", False)),
        dates=tuple(re.compile(p, re.IGNORECASE) for p in dates),
        weekday_re=re.compile(rf"(?<![\w])(?P<wd>{wd})(?![\w])", re.IGNORECASE),
        filler=tuple(re.compile(p, re.IGNORECASE) for p in names.get("filler", [])),
        function_words=frozenset(names.get("function_words", [])),
        # Specific rules before the catch-all standalone line: a tweet's sign-off is also a short dated line.
        rules=tuple(sorted(rules, key=lambda r: KIND_ORDER.index(r.kind))),
        cues=cues,
        # The same cues, anchored at the end of a window: "hier" must be the last word before the date.
        anchored_cues={
            name: re.compile(f"(?:{c.pattern})" + r"[\s,:–—-]*$", re.IGNORECASE) for name, c in cues.items()
        },
    )


@functools.cache
def languages() -> tuple[str, ...]:
    return tuple(available_languages())


def grammars(lang: str | None, *, others: bool = False) -> list[Grammar]:
    """The grammar of `lang` (every language's when unknown); with `others`, the rest after it."""
    langs = sorted(languages(), key=lambda code: code != lang)
    if lang and not others and grammar_for(lang) is not None:
        langs = [lang]
    return [g for g in (grammar_for(code) for code in langs) if g is not None]


def guess_language(text: str) -> str | None:
    """The language whose function words are the most frequent in `text` (for untagged input only)."""
    words = re.findall(r"\w+", text[:3000].lower())
    best, best_count = None, 0
    for g in grammars(None):
        count = sum(1 for w in words if w in g.function_words)
        if count > best_count:
            best, best_count = g.lang, count
        elif count == best_count:
            best = None  # a tie is no guess
    return best


def valid_date(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    return 1 <= day <= calendar.monthrange(year or 2000, month)[1]  # 2000: leap, so 29/02 is allowed


def _interpret(g: Grammar, m: re.Match[str]) -> CalendarDate | None:
    gd = {k: v for k, v in m.groupdict().items() if v is not None}
    year = int(gd["y"]) if "y" in gd else None
    if year is not None and year < 100:
        year += 2000  # "05/03/20": two-digit years only occur in recent bylines
    if "a" in gd:  # numeric day/month
        first, second = int(gd["a"]), int(gd["b"])
        readings = {
            (second, first) if order == "dmy" else (first, second)
            for order in g.numeric_order
            if valid_date(year, *((second, first) if order == "dmy" else (first, second)))
        }
        if len(readings) != 1:
            return None  # invalid, or ambiguous between 03/05 and 05/03
        numeric_month, numeric_day = readings.pop()
        return CalendarDate(year, numeric_month, numeric_day)
    if "mn" in gd:
        month = int(gd["mn"])
    else:
        word = gd["m"]
        if g.capitalised and word[0].islower():
            return None
        month = g.months[word.lower()]
    day = int(gd["d"]) if "d" in gd else None
    if not valid_date(year, month, day):
        return None
    weekday = g.weekdays[gd["wd"].lower()] if "wd" in gd else None
    if weekday is not None and g.capitalised and gd["wd"][0].islower():
        weekday = None
    date = CalendarDate(year, month, day, weekday)
    full = date.as_date()
    if full is not None and weekday is not None and full.isoweekday() != weekday:
        return None  # "mercredi 28 septembre 2017" was a Thursday: a typo, not evidence
    return date


def find_in(g: Grammar, text: str) -> list[tuple[int, int, CalendarDate]]:
    found: list[tuple[int, int, CalendarDate]] = []
    for pattern in g.dates:
        for m in pattern.finditer(text):
            date = _interpret(g, m)
            if date is not None:
                found.append((m.start(), m.end(), date))
    # Longest match wins: "5 mars 2020" over "mars 2020".
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, CalendarDate]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def find_dates(text: str, *, lang: str | None = None) -> list[tuple[int, int, CalendarDate]]:
    """(start, end, date) of every calendar date written in `text` (bylines grammar of `lang`)."""
    found: list[tuple[int, int, CalendarDate]] = []
    for g in grammars(lang):
        found.extend(find_in(g, text))
    return sorted(set(found), key=lambda f: (f[0], f[1]))


def text_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of the non-blank lines of `text`."""
    out, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset, line))
        offset += len(line) + 1
    return out

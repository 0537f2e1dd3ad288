"""A date for every document (#3 item 4): stage `docdate` and the pure `date_document`.

Evidence is weighed in this order, each kind refining the one before when it agrees with it:

1. metadata (HTML meta, JSONL `published`, RSS) and the crawler's ` date YYYY-MM` prefix, which the
   readers put in `doc.published`;
2. the URL (`/2017/09/28/`, `/20210929-`, `/2019-04-15/`, `/2017/0929/`, a long numeric id that starts
   with a date, at a lower confidence);
3. bylines and datelines (`lang/<iso>/bylines.toml`: "Publié le …", "Dernière mise à jour … le 29/09",
   "France 24 • 05/03/2020 à 20:22", "MOSCOW, March 12 (Reuters) —" …);
4. the content: a date the article speaks of as its own day ("ce mercredi 29 septembre", "ce 12 janvier
   2011"), a weekday–date pair that pins a yearless date to the years where it fits, and the latest full
   date it reports (month level only: reporting a day does not make it the day of publication).

A day is never invented: a result has the granularity the evidence supports, a confidence, and the
evidence it rests on; below `MIN_CONFIDENCE` the document stays undated.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chronique.lang import available_languages, load_rules, register_checker
from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span
from chronique.pipeline import StageFn, register_stage
from chronique.readers import apply_date_prefix
from chronique.settings import Settings

__all__ = [
    "Byline",
    "CalendarDate",
    "date_document",
    "find_bylines",
    "find_dates",
    "guess_language",
    "make_docdate",
    "url_date",
]

# Confidences. Tuned on ../shared/corpus/dev (34 articles) and the seeds: the URL and byline figures
# reflect that every day read from them was right there; content heuristics were set so that a lone
# "latest date in the text" stays well under a byline, and a year pinned by a weekday fit loses a fifth.
URL_DAY_CONFIDENCE = 0.9
URL_ID_CONFIDENCE = 0.75  # "/201807151037211704-…": an id that merely starts with a date
URL_MONTH_CONFIDENCE = 0.85
DEMONSTRATIVE_CONFIDENCE = 0.8  # "ce mercredi 29 septembre", "ce 12 janvier 2011"
WEEKDAY_ECHO_CONFIDENCE = 0.7  # "ce mercredi" beside a dated tweet or a full date of that Wednesday
LEAD_WEEKDAY_CONFIDENCE = 0.6  # "a annoncé vendredi 8 décembre" in the lead, past tense per the tagger
LATEST_DATE_CONFIDENCE = 0.6  # the month of the latest full date the article reports
# ... when that date sits in the top of the article (dev: the two such dates were at 100 and 330).
LATEST_DATE_MAX_OFFSET = 800
YEAR_PIN_FACTOR = 0.8  # the year came from a weekday fit or the neighbouring dates, not the text
# Under this the document stays undated: a confident wrong date is the worst error (#3).
MIN_CONFIDENCE = 0.5
# A yearless "mardi 9 août" is pinned to the first fitting year at most this many years after the
# latest year the article mentions; news speaks of recent years (dev: gap 0-1 everywhere).
MAX_YEAR_GAP = 2
# "ce même 11 décembre" takes the year of the latest full date when it falls at most this many days
# after it ("11 décembre 2017" in an embedded tweet); farther, the year is left unknown.
YEARLESS_WINDOW_DAYS = 31
# Where bylines sit: the first lines of the text, and its last lines (credits such as "AFP - 2015-12-13").
HEAD_LINES = 12
TAIL_LINES = 4
# A byline line is short; rules may say otherwise (`max_chars`: photo captions are long).
BYLINE_MAX_CHARS = 160
URL_YEARS = (1990, 2099)
# The lead is the first line of at least this many words (titles and bylines are shorter).
LEAD_MIN_WORDS = 12
# Byline concepts, most trusted first when several lines disagree; `embed` (a tweet's date) only says
# that the article is not older, so it goes to the content part.
_BYLINE_ORDER = ("published", "dateline", "standalone", "caption", "updated")
_KIND_ORDER = ("cue", "line", "dateline", "standalone")
# Cues of bylines.toml that name a day relative to the article's, and the days from that day to it.
_DAY_CUES = {"demonstrative": 0, "today": 0, "yesterday": 1, "tomorrow": -1}
_DEFAULT_WHERE = {"cue": "any", "line": "any", "dateline": "head", "standalone": "edges"}


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
class Byline:
    """A line that says when the article was published, updated or filed."""

    rule: str
    concept: str
    date: CalendarDate | None
    confidence: float
    start: int
    end: int
    line: str


@dataclass(frozen=True, slots=True)
class _Mention:
    """A date the article mentions, with what surrounds it."""

    start: int
    end: int
    text: str
    date: CalendarDate
    future: bool
    past: bool
    # Days from the mentioned date to the article's: 0 for "ce mercredi 29", 1 for "hier 8 décembre";
    # None when the mention does not name the article's day.
    shift: int | None
    strength: float = 0.0  # confidence of a day read from it, when it names the article's own day
    embed: bool = False  # the sign-off date of an embedded tweet

    @property
    def demonstrative(self) -> bool:
        return self.shift is not None


# --------------------------------------------------------------------------- language data


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    concept: str
    kind: str
    regex: re.Pattern[str] | None
    confidence: float
    max_other_words: int
    max_chars: int
    where: str  # "head" (first lines), "edges" (first and last lines) or "any"


@dataclass(frozen=True, slots=True)
class _Grammar:
    lang: str
    months: dict[str, int]
    weekdays: dict[str, int]
    numeric_order: tuple[str, ...]
    capitalised: bool
    dates: tuple[re.Pattern[str], ...]
    weekday_re: re.Pattern[str]
    filler: tuple[re.Pattern[str], ...]
    function_words: frozenset[str]
    rules: tuple[_Rule, ...]
    cues: dict[str, re.Pattern[str]]
    anchored_cues: dict[str, re.Pattern[str]]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.cache
def _grammar(lang: str) -> _Grammar | None:
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
        r"(?<![\w/.,])(?P<a>[0-3]?\d)[/.](?P<b>[01]?\d)(?:[/.](?P<y>(?:19|20)\d\d|\d\d))?(?![\w/]|[.,]\d|\s*%)",
    )
    rules = []
    for raw in data.get("byline", []):
        kind = str(raw["kind"])
        pattern = raw.get("pattern") or raw.get("cue")
        if kind == "cue":  # a cue opens the line or follows a separator ("Par X | Publié le")
            pattern = r"(?:^|[|•·—–]\s*)\W{0,3}(?:" + pattern + ")"
        rules.append(
            _Rule(
                id=str(raw["id"]),
                concept=str(raw["concept"]),
                kind=kind,
                # A dateline's place is in capitals: its pattern keeps its case.
                regex=re.compile(pattern, 0 if kind == "dateline" else re.IGNORECASE) if pattern else None,
                confidence=float(raw.get("confidence", 0.8)),
                max_other_words=int(raw.get("max_other_words", 4)),
                max_chars=int(raw.get("max_chars", BYLINE_MAX_CHARS)),
                where=str(raw.get("where", _DEFAULT_WHERE[kind])),
            )
        )
    cues = {str(c["concept"]): re.compile(c["pattern"], re.IGNORECASE) for c in data.get("cue", [])}
    return _Grammar(
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
        rules=tuple(sorted(rules, key=lambda r: _KIND_ORDER.index(r.kind))),
        cues=cues,
        # The same cues, anchored at the end of a window: "hier" must be the last word before the date.
        anchored_cues={
            name: re.compile(f"(?:{c.pattern})" + r"[\s,:–—-]*$", re.IGNORECASE) for name, c in cues.items()
        },
    )


@functools.cache
def _languages() -> tuple[str, ...]:
    return tuple(available_languages())


def _grammars(lang: str | None, *, others: bool = False) -> list[_Grammar]:
    """The grammar of `lang` (every language's when unknown); with `others`, the rest after it."""
    langs = sorted(_languages(), key=lambda code: code != lang)
    if lang and not others and _grammar(lang) is not None:
        langs = [lang]
    return [g for g in (_grammar(code) for code in langs) if g is not None]


def guess_language(text: str) -> str | None:
    """The language whose function words are the most frequent in `text` (for untagged input only)."""
    words = re.findall(r"\w+", text[:3000].lower())
    best, best_count = None, 0
    for g in _grammars(None):
        count = sum(1 for w in words if w in g.function_words)
        if count > best_count:
            best, best_count = g.lang, count
        elif count == best_count:
            best = None  # a tie is no guess
    return best


# --------------------------------------------------------------------------- dates in a string


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    return 1 <= day <= calendar.monthrange(year or 2000, month)[1]  # 2000: leap, so 29/02 is allowed


def _interpret(g: _Grammar, m: re.Match[str]) -> CalendarDate | None:
    gd = {k: v for k, v in m.groupdict().items() if v is not None}
    year = int(gd["y"]) if "y" in gd else None
    if year is not None and year < 100:
        year += 2000  # "05/03/20": two-digit years only occur in recent bylines
    if "a" in gd:  # numeric day/month
        first, second = int(gd["a"]), int(gd["b"])
        readings = {
            (second, first) if order == "dmy" else (first, second)
            for order in g.numeric_order
            if _valid(year, *((second, first) if order == "dmy" else (first, second)))
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
    if not _valid(year, month, day):
        return None
    weekday = g.weekdays[gd["wd"].lower()] if "wd" in gd else None
    if weekday is not None and g.capitalised and gd["wd"][0].islower():
        weekday = None
    date = CalendarDate(year, month, day, weekday)
    full = date.as_date()
    if full is not None and weekday is not None and full.isoweekday() != weekday:
        return None  # "mercredi 28 septembre 2017" was a Thursday: a typo, not evidence
    return date


def _find(g: _Grammar, text: str) -> list[tuple[int, int, CalendarDate]]:
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
    for g in _grammars(lang):
        found.extend(_find(g, text))
    return sorted(set(found), key=lambda f: (f[0], f[1]))


# --------------------------------------------------------------------------- URL


_URL_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?=/|\.|-|_|$)"), URL_DAY_CONFIDENCE),  # /2017/09/28/
    (re.compile(r"/(\d{4})-(\d{2})-(\d{2})(?=/|\.|-|_|$)"), URL_DAY_CONFIDENCE),  # /2019-04-15/
    (re.compile(r"/(\d{4})/(\d{2})(\d{2})(?=/)"), URL_DAY_CONFIDENCE),  # /2017/0929/
    (re.compile(r"/(\d{4})(\d{2})(\d{2})(?=[-_/.]|$)"), URL_DAY_CONFIDENCE),  # /20210929-…, /20170928/
    (re.compile(r"[/_-](\d{4})(\d{2})(\d{2})\d{4,}(?=[-_/.]|$)"), URL_ID_CONFIDENCE),  # /201807151037…
)
_URL_MONTH = re.compile(r"/(\d{4})/(\d{1,2})(?=/)")
_URL_MONTH_NAME = re.compile(r"/(\d{4})/([a-z]{3,9})/(\d{1,2})(?=/)", re.IGNORECASE)


def _url_candidates(path: str) -> Iterator[tuple[int, int, int | None, float, str]]:
    """(year, month, day or None, confidence, evidence) for each date-like part of a URL path, best first."""
    for pattern, confidence in _URL_PATTERNS:
        for m in pattern.finditer(path):
            yield int(m[1]), int(m[2]), int(m[3]), confidence, m[0]
    for m in _URL_MONTH_NAME.finditer(path):  # /2020/mar/05/
        month = next((g.months[m[2].lower()] for g in _grammars(None) if m[2].lower() in g.months), None)
        if month is not None:
            yield int(m[1]), month, int(m[3]), URL_DAY_CONFIDENCE, m[0]
    for m in _URL_MONTH.finditer(path):
        yield int(m[1]), int(m[2]), None, URL_MONTH_CONFIDENCE, m[0]


def url_date(url: str | None) -> FuzzyDate | None:
    """The date written in a URL's path, at day or month level (slug words such as "12-decembre-2015"
    name the topic, not the day, and are left alone)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip(), flags=re.IGNORECASE).split("?")[0].split("#")[0]
    for year, month, day, confidence, evidence in _url_candidates(path):
        if not (URL_YEARS[0] <= year <= URL_YEARS[1] and _valid(year, month, day)):
            continue
        if day is None:
            return FuzzyDate(
                f"{year:04d}-{month:02d}", Granularity.MONTH, Provenance.URL, confidence, evidence
            )
        return FuzzyDate.from_date(
            dt.date(year, month, day), provenance=Provenance.URL, confidence=confidence, evidence=evidence
        )
    return None


# --------------------------------------------------------------------------- bylines


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of the non-blank lines of `text`."""
    out, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((offset, line))
        offset += len(line) + 1
    return out


def _other_words(g: _Grammar, rest: str) -> int:
    """How many words a line holds besides its dates, times and filler ("Lecture : 3 min")."""
    for filler in g.filler:
        rest = filler.sub(" ", rest)
    return len(re.findall(r"\w[\w.'’-]*", rest))


def _byline_in_line(g: _Grammar, rule: _Rule, line: str) -> tuple[CalendarDate | None, bool]:
    """(date, matched) of one rule over one line."""
    if len(line) > rule.max_chars:
        return None, False
    if rule.kind == "standalone":
        found = [f for f in _find(g, line) if f[2].day is not None]
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
        dates = [d for _, _, d in _find(g, line[m.end() :]) if d.day is not None]
        return (dates[0], True) if dates else (None, False)
    if rule.kind == "line":
        if not rule.regex.search(line):
            return None, False
        dates = [d for _, _, d in _find(g, line) if d.day is not None and d.year is not None]
        return (dates[-1], True) if dates else (None, False)
    if rule.kind == "dateline":
        m = rule.regex.match(line)
        if not m:
            return None, False
        rest = m.groupdict().get("rest") or ""
        dates = [d for _, _, d in _find(g, rest) if d.day is not None]
        return (dates[0] if dates else None), True
    return None, False


def find_bylines(text: str, *, lang: str | None = None) -> list[Byline]:
    """Bylines and datelines of `text`, in the order of the lines (rules of `lang/<iso>/bylines.toml`).

    A line gets the reading of the first rule that finds a date in it; a rule that recognises the line
    but finds no date ("MOSCOW —") is kept only when no rule finds one.
    """
    lines = _lines(text)
    regions = {
        "head": set(range(min(HEAD_LINES, len(lines)))),
        "edges": {i for i in range(len(lines)) if i < HEAD_LINES or i >= len(lines) - TAIL_LINES},
    }
    found: list[Byline] = []
    for index, (offset, line) in enumerate(lines):
        dateless: Byline | None = None
        for g, rule in [
            (grammar, rule) for grammar in _grammars(lang, others=True) for rule in grammar.rules
        ]:
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
    g = _grammar(lang)
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


# --------------------------------------------------------------------------- content


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end): from the last . ! ? or line break before, to the next one."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    return text[left : min(rights) if rights else len(text)]


def _mention(
    g: _Grammar, text: str, start: int, end: int, date: CalendarDate, direction: str | None
) -> _Mention:
    sentence = _sentence(text, start, end)
    # "ce mercredi 29 septembre", "aujourd'hui 12 mars", "hier 8 décembre": a cue right before the date
    # (or opening the tagger's span) names the article's own day, or the day before or after it.
    ends = [start] + [
        start + i + 1 for i, ch in enumerate(text[start : min(end, start + 16)]) if ch.isspace()
    ]
    shift: int | None = None
    for concept, days in _DAY_CUES.items():
        cue = g.anchored_cues.get(concept)
        if cue is None or (concept != "demonstrative" and date.day is None):
            continue
        if any(cue.search(text[max(0, start - 25) : e]) for e in ends):
            shift = days
            break
    if direction is None:
        future = "future" in g.cues and bool(g.cues["future"].search(sentence))
        past = False
    else:
        future, past = direction == "future", direction == "past"
    return _Mention(
        start,
        end,
        text[start:end],
        date,
        future,
        past,
        shift,
        DEMONSTRATIVE_CONFIDENCE if shift is not None else 0.0,
    )


def _parts_date(span: Span) -> CalendarDate | None:
    """The calendar fields of a timex span: its `parts`, or its value when the value is not anchored."""
    parts = span.attrs.get("parts") or {}
    year, month, day, weekday = (parts.get(k) for k in ("year", "month", "day", "weekday"))
    if month is None and weekday is None and not span.attrs.get("anchored"):
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(span.attrs.get("value", "")))
        if m and m[2]:
            year, month, day = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
    if month is None and weekday is None and year is None:
        return None
    if month is not None and not _valid(year, int(month), day):
        return None
    return CalendarDate(year, month, day, weekday)


def _mentions(g: _Grammar, text: str, timexes: Sequence[Span] | None) -> list[_Mention]:
    """Dates the text mentions: the tagger's spans when given, and the explicit dates it may have missed.

    A bare weekday is kept only after a demonstrative ("ce mercredi", "this Wednesday").
    """
    mentions: list[_Mention] = []
    for span in timexes or ():
        if span.label not in ("DATE", "TIME"):
            continue
        date = _parts_date(span)
        if date is not None:
            direction = span.attrs.get("direction")
            mentions.append(
                _mention(g, text, span.start, span.end, date, str(direction) if direction else None)
            )
    taken = [(m.start, m.end) for m in mentions]
    extra = [(s, e, d) for s, e, d in _find(g, text) if d.month is not None]
    extra += [
        (m.start(), m.end(), CalendarDate(None, None, None, g.weekdays[m["wd"].lower()]))
        for m in g.weekday_re.finditer(text)
    ]
    for start, end, date in sorted(extra, key=lambda f: (f[0], -f[1])):
        if any(s < end and start < e for s, e in taken):
            continue
        mention = _mention(g, text, start, end, date, None)
        if date.month is None and not mention.demonstrative:
            continue
        mentions.append(mention)
        taken.append((start, end))
    mentions = [m for m in mentions if not (g.capitalised and m.date.month is None and m.text[:1].islower())]
    return sorted(mentions, key=lambda m: m.start)


def _first_of(date: CalendarDate) -> dt.date:
    return dt.date(date.year or 1, date.month or 1, date.day or 1)


def _pin_year(
    date: CalendarDate, bound: FuzzyDate | None, floor: dt.date | None
) -> tuple[CalendarDate, float] | None:
    """A yearless day–month given a year: from the bound's years, or the first year after `floor` in
    which the weekday fits. (date, confidence factor) or None."""
    if date.year is not None:
        return date, 1.0
    if date.month is None or date.day is None:
        return None
    if bound is not None:
        lo, hi = bound.interval()
        fits = [
            date.with_year(y)
            for y in range(lo.year, hi.year + 1)
            if _valid(y, date.month, date.day)
            and bound.contains(dt.date(y, date.month, date.day))
            and (date.weekday is None or dt.date(y, date.month, date.day).isoweekday() == date.weekday)
        ]
        return (fits[0], 1.0) if len(fits) == 1 else None
    if floor is None:
        return None
    for year in range(floor.year, floor.year + MAX_YEAR_GAP + 1):
        if not _valid(year, date.month, date.day):
            continue
        day = dt.date(year, date.month, date.day)
        if day < floor:
            continue
        if date.weekday is None:  # no weekday to check: only right after the latest dated fact
            return (
                (date.with_year(year), YEAR_PIN_FACTOR)
                if (day - floor).days <= YEARLESS_WINDOW_DAYS
                else None
            )
        if day.isoweekday() == date.weekday:
            return date.with_year(year), YEAR_PIN_FACTOR
    return None


def _content_date(
    mentions: Sequence[_Mention], bound: FuzzyDate | None, *, lead_end: int, retrospective: bool
) -> FuzzyDate | None:
    """The date the mentions support, inside `bound` (a coarser date already known) when there is one."""
    # The article is not older than the dates it reports (years included: "depuis 2016", "Euro 2020").
    explicit = [m for m in mentions if m.date.year is not None and not m.future]
    floor = max((_first_of(m.date) for m in explicit), default=None)
    # Every day-level mention with a year (written, or pinned), kept when inside the bound.
    days: list[tuple[_Mention, dt.date, float]] = []
    for m in mentions:
        pinned = _pin_year(m.date, bound, floor)
        if pinned is None:
            continue
        day = pinned[0].as_date()
        if day is None or (bound is not None and not bound.contains(day)):
            continue
        days.append((m, day, pinned[1]))
    candidates: list[FuzzyDate] = []
    for m, day, factor in days:
        if m.shift == 0 and not m.future:
            candidates.append(_content(day, m.strength * factor, f"{m.text!r} names its own day"))
        elif m.shift:
            own = day + dt.timedelta(days=m.shift)
            if bound is None or bound.contains(own):
                candidates.append(
                    _content(own, m.strength * factor, f"{m.text!r} is {m.shift:+d} day(s) away")
                )
        elif bound is not None and not retrospective and m.past and m.date.weekday and m.start < lead_end:
            # Only to refine a known month ("a annoncé vendredi 8 décembre" in a December article):
            # alone, a reported day is the event's, not the article's.
            candidates.append(_content(day, LEAD_WEEKDAY_CONFIDENCE * factor, f"{m.text!r} in the lead"))
    # "ce mercredi" beside a full date that was a Wednesday (a dated tweet, a caption).
    echoes = [
        m for m in mentions if m.shift == 0 and not m.future and m.date.month is None and m.date.weekday
    ]
    reported = [
        (m, day) for m, day, factor in days if not m.future and factor == 1.0 and m.date.year is not None
    ]
    if echoes and reported:
        m, day = max(reported, key=lambda r: r[1])
        for echo in echoes:
            # The full date must be a tweet's or carry that weekday itself: a bare coincidence of
            # weekdays with an old date would be a one-in-seven guess.
            if echo.date.weekday == day.isoweekday() and (m.embed or m.date.weekday == echo.date.weekday):
                evidence = f"{echo.text!r} and {m.text!r}"
                candidates.append(_content(day, WEEKDAY_ECHO_CONFIDENCE, evidence))
    if candidates:
        best = max(candidates, key=lambda c: c.confidence)
        rivals = [c for c in candidates if c.value != best.value and c.confidence >= best.confidence]
        if not rivals:
            return best
    # The month of the latest full date reported, when no bound says more already and the article
    # does not look back on its dates ("il y a dix ans, le 12 janvier 2010").
    if reported and not retrospective and (bound is None or bound.granularity.rank > Granularity.MONTH.rank):
        m, day = max(reported, key=lambda r: r[1])
        if m.start > LATEST_DATE_MAX_OFFSET:
            return None  # a date far down the article is background more often than news
        value = FuzzyDate(
            day.isoformat()[:7],
            Granularity.MONTH,
            Provenance.CONTENT,
            LATEST_DATE_CONFIDENCE,
            f"latest date reported: {m.text!r}",
        )
        if bound is None or bound.contains(value):
            return value
    return None


def _content(day: dt.date, confidence: float, evidence: str) -> FuzzyDate:
    return FuzzyDate.from_date(day, provenance=Provenance.CONTENT, confidence=confidence, evidence=evidence)


# --------------------------------------------------------------------------- putting it together


def _refine(coarse: FuzzyDate | None, fine: FuzzyDate | None) -> FuzzyDate | None:
    """`fine` when it is more precise than `coarse` and inside it, else `coarse`.

    The confidence stays that of `fine`: a month that agrees says nothing about the day.
    """
    if fine is None:
        return coarse
    if coarse is None:
        return fine
    if not (fine.is_finer_than(coarse) and coarse.contains(fine)):
        return coarse
    return replace(fine, evidence=f"{coarse.evidence} + {fine.evidence}")


def _byline_dates(bylines: Sequence[Byline], bound: FuzzyDate | None) -> list[FuzzyDate]:
    """Dates read from bylines, most trusted first; a yearless one takes its year from `bound`."""
    out = []
    ranked = sorted(
        (b for b in bylines if b.date is not None and b.concept in _BYLINE_ORDER),
        key=lambda b: (_BYLINE_ORDER.index(b.concept), b.start),
    )
    for b in ranked:
        if b.date is None:
            continue
        pinned = _pin_year(b.date, bound, None)
        day = pinned[0].as_date() if pinned else None
        if day is not None:
            out.append(
                FuzzyDate.from_date(
                    day, provenance=Provenance.BYLINE, confidence=b.confidence, evidence=b.line.strip()
                )
            )
    return out


def _date_text(
    byline_text: str,
    text: str,
    *,
    url: str | None,
    lang: str | None,
    published: FuzzyDate | None,
    timexes: Sequence[Span] | None,
) -> FuzzyDate | None:
    if published is not None and published.granularity is Granularity.DAY:
        return published
    lang = lang if lang and _grammar(lang) is not None else guess_language(text)
    g = _grammar(lang) if lang else None
    date = _refine(published, url_date(url))
    if date is not None and date.granularity is Granularity.DAY:
        return date
    bylines = find_bylines(byline_text, lang=lang)
    for candidate in _byline_dates(bylines, date):
        if date is None or (candidate.is_finer_than(date) and date.contains(candidate)):
            date = _refine(date, candidate)
            break
    if g is not None and (date is None or date.granularity is not Granularity.DAY):
        if timexes is None:
            timexes = _detect(text, g.lang)
        mentions = _mentions(g, text, timexes)
        mentions += _embedded(g, bylines, byline_text)
        mentions += _yearless_bylines(g, bylines, byline_text)
        retrospective = "retrospective" in g.cues and bool(g.cues["retrospective"].search(text))
        date = _refine(
            date, _content_date(mentions, date, lead_end=_lead_end(text), retrospective=retrospective)
        )
    if date is None or date.confidence < MIN_CONFIDENCE:
        return None
    return date


def _lead_end(text: str) -> int:
    """End of the lead: the first line long enough to be a paragraph rather than a title or a byline."""
    for offset, line in _lines(text):
        if len(line.split()) >= LEAD_MIN_WORDS:
            return offset + len(line)
    return 0


def _embedded(g: _Grammar, bylines: Sequence[Byline], text: str) -> list[_Mention]:
    """Tweet dates: reported dates with a year, never the article's own day by themselves."""
    return [
        _Mention(b.start, b.end, b.line.strip(), b.date, False, False, None, embed=True)
        for b in bylines
        if b.concept == "embed" and b.date is not None and b.date.year is not None
    ]


def _yearless_bylines(g: _Grammar, bylines: Sequence[Byline], text: str) -> list[_Mention]:
    """ "Mis à jour le 29/09": the article's own day and month, waiting for a year."""
    return [
        _Mention(b.start, b.end, b.line.strip(), b.date, False, False, 0, b.confidence)
        for b in bylines
        if b.concept in _BYLINE_ORDER and b.date is not None and b.date.year is None
    ]


def _detect(text: str, lang: str) -> list[Span] | None:
    """Time expressions of `text` from the tagger, or None while it is not installed."""
    try:
        from chronique import timex
    except ImportError:
        return None
    detect = getattr(timex, "detect", None)
    if detect is None:
        return None
    spans: list[Span] = detect(text, lang=lang)
    return spans


def date_document(
    text: str,
    *,
    url: str | None = None,
    lang: str | None = None,
    published: FuzzyDate | None = None,
    timexes: Sequence[Span] | None = None,
) -> FuzzyDate | None:
    """The publication date of one article, or None when nothing supports one.

    `text` may still begin with the crawler's ` date YYYY-MM` line: it is removed and used (a
    `published` given by the caller wins over it). `timexes` are the tagger's spans over `text` (after
    the prefix); without them the tagger runs here when it is installed.
    """
    body, prefix_date, _ = apply_date_prefix(text)
    if timexes is not None and len(body) != len(text):
        cut = len(text) - len(body)
        timexes = [replace(s, start=s.start - cut, end=s.end - cut) for s in timexes if s.start >= cut]
    return _date_text(body, body, url=url, lang=lang, published=published or prefix_date, timexes=timexes)


@register_stage("docdate", requires=("text", "lang", "timex"), assigns=("published",))
def make_docdate(settings: Settings) -> StageFn:
    """Stage `docdate`: sets `doc.published`, and re-resolves `timex` when the date became finer."""

    def docdate(doc: Document) -> Document:
        before = doc.published
        # Bylines are read in `raw`: the cleaner may have removed them from `text` as page furniture.
        date = _date_text(
            doc.raw, doc.text, url=doc.url, lang=doc.lang, published=before, timexes=doc.layer("timex")
        )
        if date is None or date == before:
            return doc
        doc.published = date
        lang = doc.lang or ""
        if before is None or date.is_finer_than(before):
            from chronique import timex

            doc.set_layer("timex", timex.resolve(doc.text, doc.layer("timex"), lang=lang, dct=date))
        return doc

    return docdate

"""What the dates an article mentions say of its own date (#3 item 4, content evidence).

A date it names as its own day ("ce mercredi 29 septembre", "ce 12 janvier 2011", "aujourd'hui 12 mars",
"hier, vendredi 8 décembre" → the 9th), a weekday–date pair that pins a missing year, "ce mercredi"
beside a tweet dated that Wednesday, and — at month level only — the latest full date it reports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chronique.docdate.bylines import BYLINE_ORDER, Byline
from chronique.docdate.grammar import CalendarDate, Grammar, find_in, text_lines, valid_date
from chronique.model import FuzzyDate, Granularity, Provenance, Span

__all__ = [
    "MAX_TIED_SPAN_DAYS",
    "DateInterval",
    "Mention",
    "best_fitting_day",
    "byline_mentions",
    "content_date",
    "content_interval",
    "detect_timexes",
    "find_mentions",
    "lead_end",
    "own_day_month",
    "pin_year",
]

# Confidences, tuned on ../shared/corpus/dev (34 articles) and the seeds so that content evidence stays
# under bylines and URLs, a lone "latest date in the text" gives a month at most, and a year pinned by a
# weekday fit (not written) loses a fifth. Each was checked against the dev dates it decides.
DEMONSTRATIVE_CONFIDENCE = 0.8  # "ce mercredi 29 septembre", "ce 12 janvier 2011"
WEEKDAY_ECHO_CONFIDENCE = 0.7  # "ce mercredi" beside a dated tweet or a full date of that Wednesday
LEAD_WEEKDAY_CONFIDENCE = 0.6  # "a annoncé vendredi 8 décembre" in the lead, past tense per the tagger
LATEST_DATE_CONFIDENCE = 0.6  # the month of the latest full date the article reports
# ... when that date sits in the top of the article (dev: the two such dates were at 100 and 330).
LATEST_DATE_MAX_OFFSET = 800
YEAR_PIN_FACTOR = 0.8  # the year came from a weekday fit or the neighbouring dates, not the text
# A yearless "mardi 9 août" is pinned to the first fitting year at most this many years after the
# latest year the article mentions; news speaks of recent years (dev: gap 0-1 everywhere).
MAX_YEAR_GAP = 2
# "ce même 11 décembre" takes the year of the latest full date when it falls at most this many days
# after it ("11 décembre 2017" in an embedded tweet); farther, the year is left unknown.
YEARLESS_WINDOW_DAYS = 31
# "se rend, jeudi 28 septembre, en Turquie": a day announced with its weekday lies in the coming week, so
# the article is from the WEEKDAY_WINDOW_DAYS days before it (the convention link/dating.py reads bare
# weekdays with). Checked on the seeds and dev: every future "weekday + day" was 1-6 days ahead.
WEEKDAY_WINDOW_DAYS = 6
# Confidence of such a window (times YEAR_PIN_FACTOR when the year came from the weekday fit): a window
# is not a day, it only gives a month when it lies inside one.
WEEKDAY_WINDOW_CONFIDENCE = 0.7
# The weekdays an article writes may fit several days of its window equally well ("lundi" past and
# "jeudi 28" coming fit 25, 26 and 27 September alike): a day is given only when those days span at
# most this many days, so that their middle is within one day of each; else the window gives a month.
MAX_TIED_SPAN_DAYS = 2
# Longest interval narrowed to a day by the weekdays written (the week a bare weekday reaches).
WEEKDAY_FIT_MAX_DAYS = 7
# The lead is the first line of at least this many words (titles and bylines are shorter).
LEAD_MIN_WORDS = 12
# Cues of bylines.toml that name a day relative to the article's, and the days from that day to it.
_DAY_CUES = {"demonstrative": 0, "today": 0, "yesterday": 1, "tomorrow": -1}


@dataclass(frozen=True, slots=True)
class Mention:
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


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around [start, end): from the last . ! ? or line break before, to the next one."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    return text[left : min(rights) if rights else len(text)]


def _mention(
    g: Grammar, text: str, start: int, end: int, date: CalendarDate, direction: str | None
) -> Mention:
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
    return Mention(
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
        if m:
            year = int(m[1])
            month, day = (int(m[2]) if m[2] else None), (int(m[3]) if m[3] else None)
    if month is None and weekday is None and year is None:
        return None
    if month is not None and not valid_date(year, int(month), day):
        return None
    return CalendarDate(year, month, day, weekday)


def find_mentions(g: Grammar, text: str, timexes: Sequence[Span] | None) -> list[Mention]:
    """Dates the text mentions: the tagger's spans when given, and the explicit dates it may have missed.

    A bare weekday is kept only after a demonstrative ("ce mercredi", "this Wednesday").
    """
    mentions: list[Mention] = []
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
    extra = [(s, e, d) for s, e, d in find_in(g, text) if d.month is not None]
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


@dataclass(frozen=True, slots=True)
class DateInterval:
    """Days the publication may fall on (inclusive; None: unbounded), and the day and month it gives as
    its own without a year ("le 29/09"), when no single day is known (#3 item 4).

    Stored in `doc.meta["published_interval"]` (`to_dict()`); cross-document dating narrows it.
    """

    earliest: dt.date | None
    latest: dt.date | None
    confidence: float
    evidence: str
    month_day: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "month_day": list(self.month_day) if self.month_day else None,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: object) -> DateInterval | None:
        """The interval stored in a document's meta, or None when absent or malformed."""
        if not isinstance(data, dict):
            return None
        try:
            earliest, latest, month_day = data.get("earliest"), data.get("latest"), data.get("month_day")
            return cls(
                dt.date.fromisoformat(str(earliest)) if earliest else None,
                dt.date.fromisoformat(str(latest)) if latest else None,
                float(data.get("confidence", 0.0)),
                str(data.get("evidence", "")),
                (int(month_day[0]), int(month_day[1])) if month_day else None,
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def day(self, mentions: Sequence[Mention]) -> FuzzyDate | None:
        """The day of a short interval that the weekdays the article writes on both sides fit best
        ("lundi" past and "jeudi 28 septembre" coming, in 22-27 September: 25-27 fit alike, the 26th is
        within a day of each), or None."""
        if self.earliest is None or self.latest is None:
            return None
        if (self.latest - self.earliest).days + 1 > WEEKDAY_FIT_MAX_DAYS:
            return None
        refs = [
            (m.date.weekday, "future" if m.future else "past" if m.past else "")
            for m in mentions
            if m.date.weekday and m.date.year is None
        ]
        if not {"past", "future"} <= {direction for _, direction in refs}:
            return None  # weekdays on one side only pull to an edge of the interval: no day
        day = best_fitting_day(self.earliest, self.latest, refs)
        if day is None:
            return None
        return FuzzyDate.from_date(
            day,
            provenance=Provenance.CONTENT,
            confidence=self.confidence,
            evidence=f"{self.evidence}; the weekdays written fit {day.isoformat()}",
        )

    def month(self) -> FuzzyDate | None:
        """The month the whole interval lies in, as a content date, or None."""
        if self.earliest is None or self.latest is None:
            return None
        if (self.earliest.year, self.earliest.month) != (self.latest.year, self.latest.month):
            return None
        return FuzzyDate(
            self.earliest.isoformat()[:7],
            Granularity.MONTH,
            Provenance.CONTENT,
            self.confidence,
            self.evidence,
        )


def _fit_cost(day: dt.date, refs: Sequence[tuple[int, str]]) -> int:
    """Days between `day` and the weekdays the article writes, each read in its direction."""
    cost = 0
    for weekday, direction in refs:
        back = (day.isoweekday() - weekday) % 7
        ahead = (weekday - day.isoweekday()) % 7
        cost += back if direction == "past" else ahead if direction == "future" else min(back, ahead)
    return cost


def best_fitting_day(lo: dt.date, hi: dt.date, refs: Sequence[tuple[int, str]]) -> dt.date | None:
    """The day of [lo, hi] that best fits the weekdays written (`refs`: (isoweekday, direction), each
    read as the nearest such day in its direction), or None when the days that fit best span more than
    `MAX_TIED_SPAN_DAYS`: then their middle, which is within one day of each, is given."""
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    if not days:
        return None
    costs = {d: _fit_cost(d, refs) for d in days}
    best = [d for d in days if costs[d] == min(costs.values())]
    if (best[-1] - best[0]).days > MAX_TIED_SPAN_DAYS:
        return None
    return best[len(best) // 2]


def _first_of(date: CalendarDate) -> dt.date:
    return dt.date(date.year or 1, date.month or 1, date.day or 1)


def pin_year(
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
            if valid_date(y, date.month, date.day)
            and bound.contains(dt.date(y, date.month, date.day))
            and (date.weekday is None or dt.date(y, date.month, date.day).isoweekday() == date.weekday)
        ]
        return (fits[0], 1.0) if len(fits) == 1 else None
    if floor is None:
        return None
    for year in range(floor.year, floor.year + MAX_YEAR_GAP + 1):
        if not valid_date(year, date.month, date.day):
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


def content_date(
    mentions: Sequence[Mention], bound: FuzzyDate | None, *, lead_end: int, retrospective: bool
) -> FuzzyDate | None:
    """The date the mentions support, inside `bound` (a coarser date already known) when there is one."""
    # The article is not older than the dates it reports (years included: "depuis 2016", "Euro 2020").
    explicit = [m for m in mentions if m.date.year is not None and not m.future]
    floor = max((_first_of(m.date) for m in explicit), default=None)
    # Every day-level mention with a year (written, or pinned), kept when inside the bound.
    days: list[tuple[Mention, dt.date, float]] = []
    for m in mentions:
        pinned = pin_year(m.date, bound, floor)
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


def content_interval(
    mentions: Sequence[Mention], bound: FuzzyDate | None, *, lead_end: int, retrospective: bool
) -> DateInterval | None:
    """The days the article may date from, by the days it names with their weekday as coming ("se rend,
    jeudi 28 septembre": the six days before) or, in the lead, as just past ("a annoncé vendredi 8
    décembre": the six days after). None when no such day, or when they disagree."""
    explicit = [m for m in mentions if m.date.year is not None and not m.future]
    floor = max((_first_of(m.date) for m in explicit), default=None)
    window = dt.timedelta(days=WEEKDAY_WINDOW_DAYS)
    lows: list[dt.date] = []
    highs: list[dt.date] = []
    evidence: list[str] = []
    confidence = WEEKDAY_WINDOW_CONFIDENCE
    for m in mentions:
        if m.shift is not None or not m.date.weekday or m.date.day is None:
            continue
        if not (m.future or (m.past and m.start < lead_end and not retrospective)):
            continue
        pinned = pin_year(m.date, bound, floor)
        day = pinned[0].as_date() if pinned else None
        if pinned is None or day is None:
            continue
        if m.future:
            lows.append(day - window)
            highs.append(day - dt.timedelta(days=1))
        else:
            lows.append(day)
            highs.append(day + window)
        confidence = min(confidence, WEEKDAY_WINDOW_CONFIDENCE * pinned[1])
        evidence.append(f"{m.text!r} = {day.isoformat()} ({'coming' if m.future else 'just past'})")
    if not lows:
        return None
    lo, hi = max(lows), min(highs)
    if bound is not None:
        lo, hi = max(lo, bound.start), min(hi, bound.end)
    if lo > hi:
        return None
    return DateInterval(lo, hi, confidence, "; ".join(evidence))


def own_day_month(mentions: Sequence[Mention]) -> tuple[int, int, str] | None:
    """The day and month the article gives as its own without a year ("ce mercredi 29 septembre",
    "Dernière mise à jour … le 29/09", "hier 8 décembre" → 9 December): (month, day, evidence), or None
    when it gives none or several. Cross-document dating finds the year."""
    found: set[tuple[int, int]] = set()
    evidence = ""
    for m in mentions:
        if m.shift is None or m.future or m.date.year is not None:
            continue
        if m.date.month is None or m.date.day is None:
            continue
        # A leap year, so that 29 February stays a day; the weekday is not checked without the year.
        own = dt.date(2000, m.date.month, m.date.day) + dt.timedelta(days=m.shift)
        found.add((own.month, own.day))
        evidence = m.text
    if len(found) != 1:
        return None
    month, day = found.pop()
    return month, day, evidence


def _content(day: dt.date, confidence: float, evidence: str) -> FuzzyDate:
    return FuzzyDate.from_date(day, provenance=Provenance.CONTENT, confidence=confidence, evidence=evidence)


def lead_end(text: str) -> int:
    """End of the lead: the first line long enough to be a paragraph rather than a title or a byline."""
    for offset, line in text_lines(text):
        if len(line.split()) >= LEAD_MIN_WORDS:
            return offset + len(line)
    return 0


def byline_mentions(bylines: Sequence[Byline]) -> list[Mention]:
    """Dates of bylines that the content part weighs: a tweet's sign-off (a reported date, never the
    article's own day by itself) and a yearless byline ("Mis à jour le 29/09": the article's own day and
    month, waiting for a year)."""
    out = []
    for b in bylines:
        if b.date is None:
            continue
        if b.concept == "embed" and b.date.year is not None:
            out.append(Mention(b.start, b.end, b.line.strip(), b.date, False, False, None, embed=True))
        elif b.concept in BYLINE_ORDER and b.date.year is None:
            out.append(Mention(b.start, b.end, b.line.strip(), b.date, False, False, 0, b.confidence))
    return out


def detect_timexes(text: str, lang: str) -> list[Span] | None:
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

"""Cross-document dating: an undated or month-dated document takes its date from the events it shares
with dated documents (#5).

Each mention linked to an event that other sources date gives a window for the publication date,
read from how the document wrote the event's time:

- a weekday ("lundi", "on Thursday"): the publication lies in the six days before the event when it is
  announced, the six days after when it is reported, and in the same week after "ce"/"this";
- a day without a year ("le 28 septembre"): the publication follows the event (or precedes a planned
  one) within half a year;
- an offset ("il y a un an et demi", `P18M`): the publication is the event date plus the offset;
- no time expression, or a full date: only a bound (reported after it happened, announced before).

The windows are intersected (with the document's own date when it has one it can trust). A window of
at most `DAY_WINDOW_DAYS` days gives a day: the one that best fits every weekday the document writes
("a annoncé vendredi" in the week before a Monday visit is that Friday); a window inside one month
gives the month. The date has provenance `corpus` and its evidence names the linked events.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chronique.lang import load_rules
from chronique.link.cluster import Linker, resolve_date
from chronique.link.mentions import EventMention, TimexRef, is_day
from chronique.model import FuzzyDate, Granularity, Provenance

__all__ = [
    "DAY_WINDOW_DAYS",
    "Window",
    "choose_date",
    "needs_date",
    "redate_mentions",
    "same_week_words",
    "windows_for",
]

# Longest window (days) still narrowed to one day. A weekday constraint spans 7 days; two sources
# intersect to fewer. Wider windows (a yearless day gives half a year) only bound the date.
DAY_WINDOW_DAYS = 7
# How far before the event a planned one is announced, or after it a past one is reported, when the
# document writes a day without its year. News rarely reports a dated day more than months old without
# its year; tuned on the seeds (002 writes "le 28 septembre" the next day) and kept generous.
YEARLESS_WINDOW_DAYS = 183
# A document date from these provenances, or this confident, is kept; the corpus only refines it.
TRUSTED_PROVENANCES = frozenset({Provenance.METADATA, Provenance.PREFIX, Provenance.URL, Provenance.BYLINE})
TRUSTED_CONFIDENCE = 0.5
# Confidence of a borrowed day, by the width of the window it was chosen in (1, ≤ 3, ≤ 7 days), and of
# a borrowed month. Borrowed dates are never more confident than the sources they come from.
_DAY_CONFIDENCE = ((1, 0.8), (3, 0.7), (DAY_WINDOW_DAYS, 0.6))
_MONTH_CONFIDENCE = 0.6
# A month around the middle of a window of up to three months, and the first day of a wider window:
# guesses, under the 0.5 that `chronique eval timeline` counts as confident.
_GUESS_CONFIDENCE = 0.4
_EARLIEST_CONFIDENCE = 0.3
# Tolerance of an offset in months or years ("un an et demi" may be said of 16 to 20 months).
_LOOSE_OFFSET_DAYS = 31
_DURATION = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$"
)


@dataclass(frozen=True, slots=True)
class Window:
    """Days the publication may fall on, from one linked mention; `tight` when both ends are finite."""

    lo: dt.date | None
    hi: dt.date | None
    cluster_id: str
    expression: str
    event_date: str

    @property
    def tight(self) -> bool:
        return self.lo is not None and self.hi is not None

    def evidence(self) -> dict[str, str]:
        return {"cluster": self.cluster_id, "expression": self.expression, "event_date": self.event_date}


def same_week_words(lang: str) -> frozenset[str]:
    words: set[str] = set()
    for cue in load_rules(lang, "timeline").get("cue", []):
        if cue.get("concept") == "same_week":
            words.update(str(w).lower() for w in cue.get("words", []))
    return frozenset(words)


def is_same_week(text: str, lang: str) -> bool:
    """True when the expression names a weekday of the publication's own week ("ce mercredi")."""
    first = text.strip().split(" ", 1)[0].lower() if text.strip() else ""
    return first in same_week_words(lang)


def _direction(m: EventMention) -> str:
    if m.timex is not None and m.timex.direction in ("past", "future"):
        return m.timex.direction
    return {"planned": "future", "happened": "past"}.get(m.status, "")


def _duration_days(value: str) -> tuple[float, bool] | None:
    """Days of a TIMEX3 duration (`P18M`, `P1.5Y`, `P2W`) and whether it is loose (months, years)."""
    match = _DURATION.match(value)
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (float(g) if g else 0.0 for g in match.groups())
    return years * 365.25 + months * 30.44 + weeks * 7 + days, bool(years or months)


def _window(m: EventMention, event: FuzzyDate, cluster_id: str) -> Window | None:
    lo_e, hi_e = event.interval()
    direction = _direction(m)
    timex = m.date_timex
    text = timex.text if timex is not None else ""

    def make(lo: dt.date | None, hi: dt.date | None) -> Window:
        return Window(lo, hi, cluster_id, text or m.sentence_text[:80], event.value)

    duration = _duration_days(timex.offset or timex.value) if timex is not None else None
    if timex is not None and duration is not None and direction in ("past", "future"):
        days, loose = duration
        offset = dt.timedelta(days=round(days))
        slack = dt.timedelta(days=_LOOSE_OFFSET_DAYS if loose else 0)
        if direction == "past":  # "il y a un an et demi": publication = event + offset
            return make(lo_e + offset - slack, hi_e + offset + slack)
        return make(lo_e - offset - slack, hi_e - offset + slack)
    if timex is not None and not timex.fits(event):
        return None  # the expression does not fit the date the others give: one of them is wrong
    if timex is None or (timex.has_year and not timex.weekday_only):
        if direction == "past":
            return make(lo_e, None)
        if direction == "future":
            return make(None, hi_e)
        return None
    if timex.weekday_only:
        if not is_day(event):
            return None
        day = lo_e
        if is_same_week(timex.text, m.lang):
            monday = day - dt.timedelta(days=day.isoweekday() - 1)
            lo, hi = monday, monday + dt.timedelta(days=6)
            if direction == "future":
                hi = day
            elif direction == "past":
                lo = day
            return make(lo, hi)
        if direction == "future":
            return make(day - dt.timedelta(days=6), day)
        if direction == "past":
            return make(day, day + dt.timedelta(days=6))
        return make(day - dt.timedelta(days=6), day + dt.timedelta(days=6))
    if timex.yearless and is_day(event):
        span = dt.timedelta(days=YEARLESS_WINDOW_DAYS)
        if direction == "future":
            return make(hi_e - span, hi_e)
        return make(lo_e, hi_e + span)
    return None


def windows_for(mentions: Iterable[EventMention], linker: Linker) -> list[Window]:
    """The publication windows a document's linked mentions give, from the dates other sources give."""
    windows = []
    for m in mentions:
        cluster_id = linker.cluster_of.get(m.key)
        if cluster_id is None:
            continue
        cluster = linker.clusters[cluster_id]
        if all(other.doc_id == m.doc_id for other in cluster.members):
            continue
        event, _ = resolve_date(cluster.members, exclude_doc=m.doc_id)
        if event is None:
            continue
        window = _window(m, event, cluster_id)
        if window is not None:
            windows.append(window)
    return windows


def needs_date(published: FuzzyDate | None) -> bool:
    """Undated, coarser than a day, or only guessed: the corpus may date it."""
    if published is None:
        return True
    return published.granularity is not Granularity.DAY or not _trusted(published)


def _trusted(published: FuzzyDate) -> bool:
    return published.provenance in TRUSTED_PROVENANCES or published.confidence >= TRUSTED_CONFIDENCE


def _weekday_refs(timexes: Sequence[TimexRef]) -> list[tuple[int, str]]:
    return [(int(t.parts["weekday"]), t.direction) for t in timexes if t.weekday_only]


def _fit_cost(day: dt.date, refs: Sequence[tuple[int, str]]) -> int:
    """Days between `day` and the weekdays the document writes, each read in its direction."""
    cost = 0
    for weekday, direction in refs:
        back = (day.isoweekday() - weekday) % 7
        ahead = (weekday - day.isoweekday()) % 7
        cost += back if direction == "past" else ahead if direction == "future" else min(back, ahead)
    return cost


def choose_date(
    windows: Sequence[Window], published: FuzzyDate | None, timexes: Sequence[TimexRef] = ()
) -> FuzzyDate | None:
    """The publication date the windows allow, or None when they say too little or disagree."""
    if not any(w.tight for w in windows):
        return None
    lows = [w.lo for w in windows if w.lo is not None]
    highs = [w.hi for w in windows if w.hi is not None]
    if published is not None and _trusted(published):
        lows.append(published.start)
        highs.append(published.end)
    lo, hi = max(lows), min(highs)
    if lo > hi:
        return None
    evidence = "; ".join(
        f"{w.expression!r} = {w.event_date} (event {w.cluster_id})" for w in windows if w.tight
    )
    width = (hi - lo).days + 1
    if width <= DAY_WINDOW_DAYS:
        refs = _weekday_refs(timexes)
        days = [lo + dt.timedelta(days=i) for i in range(width)]
        day = min(days, key=lambda d: (_fit_cost(d, refs), d))
        confidence = next(c for limit, c in _DAY_CONFIDENCE if width <= limit)
        return FuzzyDate.from_date(
            day, provenance=Provenance.CORPUS, confidence=confidence, evidence=evidence
        )
    if (lo.year, lo.month) == (hi.year, hi.month):
        return FuzzyDate.parse(
            f"{lo.year:04d}-{lo.month:02d}",
            provenance=Provenance.CORPUS,
            confidence=_MONTH_CONFIDENCE,
            evidence=evidence,
        )
    middle = lo + (hi - lo) / 2
    if (hi - lo).days <= 2 * _LOOSE_OFFSET_DAYS + 31:
        # An offset in months ("il y a un an et demi") gives the month around its middle, less sure.
        return FuzzyDate.parse(
            f"{middle.year:04d}-{middle.month:02d}",
            provenance=Provenance.CORPUS,
            confidence=_GUESS_CONFIDENCE,
            evidence=evidence,
        )
    # Only "after the 28 September it reports": news is published soon after what it reports, so the
    # first day allowed is the best guess, and said to be one.
    return FuzzyDate.from_date(
        lo, provenance=Provenance.CORPUS, confidence=_EARLIEST_CONFIDENCE, evidence=evidence
    )


def _resolve_weekday(timex: TimexRef, dct: dt.date) -> FuzzyDate | None:
    """A weekday or a yearless day read against `dct` (used when the time tagger is not installed)."""
    if timex.weekday_only:
        weekday = int(timex.parts["weekday"])
        back = (dct.isoweekday() - weekday) % 7
        ahead = (weekday - dct.isoweekday()) % 7
        delta = (
            -back
            if timex.direction == "past"
            else ahead
            if timex.direction == "future"
            else (-back if back <= ahead else ahead)
        )
        return FuzzyDate.from_date(dct + dt.timedelta(days=delta), provenance=Provenance.TIMEX)
    if timex.yearless:
        month, day = int(timex.parts["month"]), int(timex.parts["day"])
        years = [dct.year - 1, dct.year, dct.year + 1]
        options = []
        for year in years:
            try:
                options.append(dt.date(year, month, day))
            except ValueError:
                continue
        if not options:
            return None
        best = min(options, key=lambda d: abs((d - dct).days))
        return FuzzyDate.from_date(best, provenance=Provenance.TIMEX)
    return None


def _shifted(published: FuzzyDate, timex: TimexRef) -> FuzzyDate | None:
    """The date an offset ("il y a un an et demi") points to from a publication date, at month level
    when either is coarser than a day or the offset is in months or years."""
    duration = _duration_days(timex.offset)
    if duration is None or timex.direction not in ("past", "future"):
        return None
    days, loose = duration
    sign = -1 if timex.direction == "past" else 1
    day = published.start + (published.end - published.start) / 2 + sign * dt.timedelta(days=round(days))
    if loose or not is_day(published):
        return FuzzyDate.parse(f"{day.year:04d}-{day.month:02d}", provenance=Provenance.TIMEX, confidence=0.5)
    return FuzzyDate.from_date(day, provenance=Provenance.TIMEX, evidence=timex.text)


def redate_mentions(
    mentions: Iterable[EventMention],
    published: FuzzyDate,
    resolved_values: Mapping[tuple[int, int], str] | None = None,
) -> list[EventMention]:
    """The document's mentions with dates re-read against its new publication date.

    `resolved_values` maps timex spans to their values as the time tagger re-resolved them; without it
    weekdays and yearless days are read here. Only mentions whose date came from an expression that
    depends on the publication date (or that had no date of their own) change.
    """
    changed = []
    for m in mentions:
        timex = m.date_timex
        new: FuzzyDate | None = None
        if timex is not None and (timex.anchored or timex.weekday_only or timex.yearless):
            value = (resolved_values or {}).get((timex.start, timex.end))
            if value:
                try:
                    new = FuzzyDate.parse(value, provenance=Provenance.TIMEX, evidence=timex.text)
                except ValueError:
                    new = None
            if new is None and is_day(published):
                new = _resolve_weekday(timex, published.start)
        if new is None and timex is not None and timex.offset:
            new = _shifted(published, timex)
        elif new is None and m.date is None and published.confidence >= _GUESS_CONFIDENCE:
            # What the events stage does for an event without a date of its own: about the document's
            # date, at month level (the day of an event the text does not date is not known).
            around = published.coarsen(Granularity.MONTH) if is_day(published) else published
            new = FuzzyDate(around.value, around.granularity, Provenance.CORPUS, _GUESS_CONFIDENCE, "")
        if new is not None and (m.date is None or new.value != m.date.value):
            changed.append(m.with_date(new, published))
        elif m.published != published:
            changed.append(m.with_date(m.date, published))
    return changed

"""Cross-document dating: an undated or month-dated document takes its date from the events it shares
with dated documents (#5).

Each mention linked to an event that other sources date gives a window for the publication date,
read from how the document wrote the event's time:

- a weekday ("lundi", "on Thursday"): the publication lies in the six days before the event when it is
  announced, the six days after when it is reported, and in the same week after "ce"/"this";
- a day without a year ("le 28 septembre"): the publication follows the event (or precedes a planned
  one) within half a year;
- an offset ("il y a un an et demi", `P18M`): the publication is the event date plus the offset;
- "last week", "le mois dernier", "last year", "hier": the week, month, year or day after the event's;
- no time expression, or a full date: only a bound (reported after it happened, announced before);
  for the news of the lead, also a guess: the few days after it (`MAIN_NEWS_LAG_DAYS`).

The windows are intersected (with the document's own date when it has one it can trust). A window of
at most `DAY_WINDOW_DAYS` days gives a day: the one that best fits every weekday the document writes
("a annoncé vendredi" in the week before a Monday visit is that Friday); a window inside one month
gives the month. The date has provenance `corpus` and its evidence names the linked events. Mentions
that may each be one of several events are settled together by `joint_windows`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chronique.docdate.content import best_fitting_day
from chronique.lang import load_rules
from chronique.link.cluster import Linker, resolve_date
from chronique.link.mentions import EventMention, TimexRef, is_day, refine_date
from chronique.model import FuzzyDate, Granularity, Provenance

__all__ = [
    "DAY_WINDOW_DAYS",
    "Window",
    "choose_date",
    "event_window",
    "joint_windows",
    "needs_date",
    "redate_mentions",
    "same_week_words",
    "windows_for",
]

# Longest window (days) still narrowed to one day. A weekday constraint spans 7 days; two sources
# intersect to fewer. Wider windows (a yearless day gives half a year) only bound the date.
DAY_WINDOW_DAYS = 7
# News reports its main event within this many days when it says nothing of when (dev and seeds: 0-2
# days for every main event told without a time expression). Gives the middle day at guess confidence.
MAIN_NEWS_LAG_DAYS = 2
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
# A day from the day and month the document gives as its own ("le 29/09") and the year the windows
# allow: bounded on both sides, or on one side only (the half-year a yearless date reaches).
_OWN_DAY_CONFIDENCE = 0.8
_OWN_DAY_ONE_SIDED_CONFIDENCE = 0.6
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
    # A guess rather than a reading: the few days after a main event the document reports without any
    # time expression (news follows its main event). Only a month comes of guesses alone.
    prior: bool = False

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


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() - 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _relative_window(recipe: Mapping[str, Any], event: FuzzyDate) -> tuple[dt.date, dt.date] | None:
    """Publication days from an expression counted from the publication in days, weeks or months.

    "hier", "aujourd'hui", "demain" (`relday`) of a day-level event: that day minus the offset. "la
    semaine dernière", "last week" of an event of week W: the week after it; "cette semaine": that week;
    "le mois dernier", "earlier this month": likewise by months; "last year": the year after the event's.
    """
    lo_e, hi_e = event.interval()
    relday = recipe.get("relday")
    if recipe.get("kind") == "calendar" and isinstance(relday, int) and is_day(event):
        day = lo_e - dt.timedelta(days=relday)
        return day, day
    if recipe.get("kind") != "relunit" or recipe.get("mod"):
        return None
    step = {"past": 1, "this": 0, "future": -1}.get(str(recipe.get("cue")))
    if step is None:
        return None
    if recipe.get("unit") == "W" and (hi_e - lo_e).days < 7 and _monday(lo_e) == _monday(hi_e):
        first = _monday(lo_e) + dt.timedelta(days=7 * step)
        return first, first + dt.timedelta(days=6)
    if recipe.get("unit") == "M" and (lo_e.year, lo_e.month) == (hi_e.year, hi_e.month):
        first = _add_months(lo_e, step)
        return first, _add_months(first, 1) - dt.timedelta(days=1)
    if recipe.get("unit") == "Y" and lo_e.year == hi_e.year:  # "last year": the year after the event's
        year = lo_e.year + step
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


def _window(
    m: EventMention, event: FuzzyDate, cluster_id: str, recipe: Mapping[str, Any] | None = None
) -> Window | None:
    timex = m.date_timex
    if timex is not None and not is_day(event):
        # "lundi 15 avril" told of a fire the other sources date to April 2019: that Monday.
        event = refine_date(event, None, timex) or event
    lo_e, hi_e = event.interval()
    direction = _direction(m)
    text = timex.text if timex is not None else ""

    def make(lo: dt.date | None, hi: dt.date | None) -> Window:
        return Window(lo, hi, cluster_id, text or m.sentence_text[:80], event.value)

    relative = _relative_window(recipe, event) if timex is not None and recipe else None
    if relative is not None:
        return make(*relative)

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
    # The news of the lead, told without a time or with its full date ("on July 11, 2021"): reported
    # in the few days after it, a guess that firmer windows override (`choose_date`).
    told = timex is None or (timex.has_year and not timex.weekday_only and is_day(m.date))
    if told and m.main and direction == "past" and is_day(event):
        lag = dt.timedelta(days=MAIN_NEWS_LAG_DAYS)
        expression = text or m.sentence_text[:80]
        return Window(lo_e, hi_e + lag, cluster_id, expression, event.value, prior=True)
    if timex is None or (timex.has_year and not timex.weekday_only):
        if direction == "past":
            return make(lo_e, None)
        if direction == "future":
            return make(None, hi_e)
        return None
    if timex.weekday_only or (timex.yearless and timex.parts.get("weekday")):
        # "mercredi 3 mai" names its weekday as "mercredi" does: a day of the week around the publication.
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


def event_window(
    m: EventMention, event: FuzzyDate, cluster_id: str, recipe: Mapping[str, Any] | None = None
) -> Window | None:
    """The publication window `m` gives if it tells the event dated `event` (see `_window`)."""
    return _window(m, event, cluster_id, recipe)


def windows_for(
    mentions: Iterable[EventMention],
    linker: Linker,
    recipes: Mapping[tuple[int, int], Mapping[str, Any]] | None = None,
) -> list[Window]:
    """The publication windows a document's linked mentions give, from the dates other sources give.

    `recipes` maps the document's time expressions (start, end) to their `recipe` in the `timex` layer,
    which tells "hier" from "aujourd'hui" and "last week" from "this week".
    """
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
        timex = m.date_timex
        recipe = (recipes or {}).get((timex.start, timex.end)) if timex is not None else None
        window = _window(m, event, cluster_id, recipe)
        if window is not None:
            windows.append(window)
    return windows


# Most choices of events weighed for one document's lone mentions (the product of their options).
_MAX_CHOICES = 512


def joint_windows(
    options: Sequence[Sequence[Window]], fixed: Sequence[Window] = ()
) -> list[Window | None] | None:
    """One window per lone mention (or None: it stays apart), chosen among the events each may be so
    that the most mentions agree on one publication window, when a single choice does.

    "Russia's Putin hosted Erdogan on Wednesday in Sochi … Last year, Turkey and Russia reached a
    ceasefire": the Wednesday may be the 2017 or the 2021 meeting in Sochi, the ceasefire one of several;
    only the 2021 meeting and the 2020 ceasefire fit one publication. `fixed` are the windows of the
    document's mentions already linked: every choice must agree with them, and each counts as one
    mention that agrees. None when fewer than two mentions agree, or when two different choices agree
    as well.
    """
    total = 1
    for choices in options:
        total *= len(choices) + 1
    if total > _MAX_CHOICES or not options:
        return None
    best: list[list[Window | None]] = []
    best_count = 2  # two mentions at least must agree
    for picks in itertools.product(*[[*choices, None] for choices in options]):
        chosen = [*fixed, *(w for w in picks if w is not None)]
        if len(chosen) < best_count or len(chosen) == len(fixed):
            continue
        lows = [w.lo for w in chosen if w.lo is not None]
        highs = [w.hi for w in chosen if w.hi is not None]
        if lows and highs and max(lows) > min(highs):
            continue
        if len(chosen) > best_count:
            best, best_count = [], len(chosen)
        best.append(list(picks))
    if len(best) != 1:
        return None  # nothing links two mentions, or two choices do as well
    return best[0]


def needs_date(published: FuzzyDate | None) -> bool:
    """Undated, coarser than a day, or only guessed: the corpus may date it."""
    if published is None:
        return True
    return published.granularity is not Granularity.DAY or not _trusted(published)


def _trusted(published: FuzzyDate) -> bool:
    return published.provenance in TRUSTED_PROVENANCES or published.confidence >= TRUSTED_CONFIDENCE


def _weekday_refs(timexes: Sequence[TimexRef]) -> list[tuple[int, str]]:
    """The weekdays the document writes without a year ("lundi", "jeudi 28 septembre"), with their
    direction: each one is read as the nearest such day in its direction."""
    return [
        (int(t.parts["weekday"]), t.direction)
        for t in timexes
        if t.parts.get("weekday") and not t.parts.get("year")
    ]


def choose_date(
    windows: Sequence[Window],
    published: FuzzyDate | None,
    timexes: Sequence[TimexRef] = (),
    *,
    interval: tuple[dt.date | None, dt.date | None] | None = None,
    own_day: tuple[int, int] | None = None,
) -> FuzzyDate | None:
    """The publication date the windows allow, or None when they say too little or disagree.

    `interval` is the document's own (earliest, latest) when its text bounds its date without a day
    (`docdate.DateInterval`: "se rend, jeudi 28 septembre" → 22–27 September), `own_day` the (month,
    day) it gives as its own without a year ("le 29/09"): the windows only have to find the year.
    """
    if not windows:
        return None  # the document's own interval alone is what docdate already said
    firm = [w for w in windows if not w.prior]
    guessed = not any(w.tight for w in firm) and interval is None and own_day is None
    if not guessed and own_day is None and _guess_fits(windows, published, interval):
        guessed = True  # "last year" allows a whole year: the days after the event it reports say more
    elif not guessed:  # a guess only keeps the bound it rests on: reported after the event
        windows = [w if not w.prior else replace(w, hi=None, prior=False) for w in windows]
    lows, highs = _bounds(windows, published, interval)
    # The windows that bound the date: a finite window, or the bound that ends up binding.
    lo_all, hi_all = max(lows, default=None), min(highs, default=None)
    evidence = "; ".join(
        f"{w.expression!r} = {w.event_date} (event {w.cluster_id})"
        for w in windows
        if w.tight or (w.lo is not None and w.lo == lo_all) or (w.hi is not None and w.hi == hi_all)
    )
    if interval is not None and interval[0] is not None and interval[1] is not None:
        evidence += f"; own text: {interval[0].isoformat()} to {interval[1].isoformat()}"
    evidence = evidence.lstrip("; ")
    if own_day is not None:
        day_events = any(len(w.event_date) == 10 for w in windows)
        return _own_day_date(lo_all, hi_all, own_day, day_events, evidence)
    if not lows or not highs or not (any(w.tight for w in windows) or interval is not None):
        return None
    lo, hi = max(lows), min(highs)
    if lo > hi:
        return None
    if guessed:
        # News follows its main event within a few days: the middle of those days is at most a day or
        # two from the truth, said to be a guess (under the confidence counted as sure).
        middle = lo + (hi - lo) / 2
        return FuzzyDate.from_date(
            middle,
            provenance=Provenance.CORPUS,
            confidence=_GUESS_CONFIDENCE,
            evidence=f"{evidence} (reported within {MAIN_NEWS_LAG_DAYS} days: the middle day, a guess)",
        )
    width = (hi - lo).days + 1
    if width <= DAY_WINDOW_DAYS:
        day = best_fitting_day(lo, hi, _weekday_refs(timexes))
        if day is not None:
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
    # first day allowed is the best guess, and said to be one. Not when that first day is only half a year
    # before an announced one ("Sept. 29" planned): nothing says how long before it the news came.
    if not any(w.lo == lo and w.event_date == lo.isoformat() for w in windows):
        return None
    return FuzzyDate.from_date(
        lo, provenance=Provenance.CORPUS, confidence=_EARLIEST_CONFIDENCE, evidence=evidence
    )


def _guess_fits(
    windows: Sequence[Window],
    published: FuzzyDate | None,
    interval: tuple[dt.date | None, dt.date | None] | None,
) -> bool:
    """True when the days after a reported main event (the guesses) fit what the firm windows allow."""
    if not any(w.prior for w in windows):
        return False
    lows, highs = _bounds(windows, published, interval)
    return bool(lows and highs) and max(lows) <= min(highs)


def _bounds(
    windows: Sequence[Window],
    published: FuzzyDate | None,
    interval: tuple[dt.date | None, dt.date | None] | None,
) -> tuple[list[dt.date], list[dt.date]]:
    """The lower and upper bounds the windows, a trusted own date and the own interval put on the date."""
    lows = [w.lo for w in windows if w.lo is not None]
    highs = [w.hi for w in windows if w.hi is not None]
    if published is not None and _trusted(published):
        lows.append(published.start)
        highs.append(published.end)
    if interval is not None:
        lows += [interval[0]] if interval[0] is not None else []
        highs += [interval[1]] if interval[1] is not None else []
    return lows, highs


def _own_day_date(
    lo: dt.date | None, hi: dt.date | None, own_day: tuple[int, int], day_events: bool, evidence: str
) -> FuzzyDate | None:
    """The one day of the window with the day and month the document gives as its own ("le 29/09").

    A bound on one side only is taken to reach `YEARLESS_WINDOW_DAYS` (a yearless date names the current
    half-year, as in `_window`), and only from events dated to the day.
    """
    span = dt.timedelta(days=YEARLESS_WINDOW_DAYS)
    both = lo is not None and hi is not None
    if lo is not None:
        first, last = lo, hi if hi is not None else lo + span
    elif hi is not None:
        first, last = hi - span, hi
    else:
        return None
    if not both and not day_events:
        return None
    month, day = own_day
    fits = []
    for year in range(first.year, last.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if first <= candidate <= last:
            fits.append(candidate)
    if len(fits) != 1:
        return None
    confidence = _OWN_DAY_CONFIDENCE if both else _OWN_DAY_ONE_SIDED_CONFIDENCE
    return FuzzyDate.from_date(
        fits[0], provenance=Provenance.CORPUS, confidence=confidence, evidence=f"{evidence}; own day"
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
        # Expressions read from the document date: "lundi", "le 28 septembre", "last year" (`XXXX`).
        relative = timex is not None and "X" in timex.value
        if timex is not None and (timex.anchored or timex.weekday_only or timex.yearless or relative):
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

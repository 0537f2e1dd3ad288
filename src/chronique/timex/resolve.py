"""Anchoring: TIMEX3 values from the parts and recipe that `detect` found, a document date and the narrative.

- Relative days ("hier", "yesterday") and units ("la semaine dernière") count from the document date.
- "la veille", "le lendemain", "the next day" count from the last day-level date of the narrative, and
  a clock time from the day it is told with ("Vers 0 h 40, jeudi").
- A weekday, a month or a day without a year takes its direction from a cue word ("dernier", "next"),
  else from the tense cue nearest to it in its clause (futur, "doit", "est prévue" → ahead; passé
  composé, imparfait → behind), else the news default: the most recent one.
- A day of the month with a weekday ("jeudi 28 septembre") takes the year in which they agree.
- Against a coarse document date (a month, a year: the crawler's ` date 2017-05` prefix), an expression
  gets what that date determines and nothing finer: each is resolved against the first and the last day
  the document date may be, and where the two values agree ("cette année", "le mois dernier", "le
  3 mai", "il y a deux ans") that is the value; where they differ, the period that holds both, when it
  is no coarser than the document date ("lundi" told in the past in May 2017, which began on a Monday,
  is 2017-05); otherwise the value stays underspecified ("hier" in May 2017: 30 April to 30 May). Every
  resolution used here moves forward with the document date, so agreeing ends mean agreement between.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from chronique.model import FuzzyDate, Granularity, Span
from chronique.timex.grammar import Grammar

__all__ = ["direction_of", "resolve_spans"]

# How far around an expression tense cues are looked for, in characters, within its sentence. Tuned on
# the French TimeBank dev half and the seeds: a clause is rarely longer; wider windows picked up the
# verb of the next clause.
CUE_WINDOW = 90
# A day or month without a year goes to the candidate year nearest the document date, distances
# weighted: one against the tense of its clause counts TENSE_FACTOR times ("by Jan. 14" said on 6 January
# in the past tense is still next week), one ahead with no tense cue UNTOLD_FUTURE_FACTOR times (news
# mostly tells what happened). Tuned on TempEval-3 train and the French TimeBank dev half.
TENSE_FACTOR = 4
UNTOLD_FUTURE_FACTOR = 2
# How far (years) a weekday-date pair that fits no year beside the document date looks for one that fits.
WEEKDAY_YEARS = 6
# A text that names quarters this often reports quarterly results; then "a year earlier" is a quarter
# (TempEval-3 train value F1 with 1, 2, 3 mentions: 0.7644, 0.7638, 0.7601).
QUARTERLY_MENTIONS = 1
_SENTENCE_END = re.compile(r"(?<=[a-zà-ÿ\d»\")\]])[.!?](?=\s)|\n|``|''|[\"«»“”]")
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_YEAR_STEP = {"past": -1, "this": 0, "future": 1}
_TIME_UNITS = {"H": "H", "TM": "M", "S": "S"}
# A clock time this close before a date (", " or " le ") takes that date.
_CLOCK_GAP = 4


_WORD_BEFORE = re.compile(r"(\w+)$")


def _sentence_ends(text: str, lo: int, hi: int, abbreviations: frozenset[str]) -> list[re.Match[str]]:
    """Sentence ends between `lo` and `hi`; the full stop of an abbreviation ("Mr.", "vs.") is none."""
    ends = []
    for m in _SENTENCE_END.finditer(text, lo, hi):
        if m.group(0) == "." and abbreviations:
            word = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            if word and word[1] in abbreviations:
                continue
        ends.append(m)
    return ends


def _clause(text: str, start: int, end: int, abbreviations: frozenset[str] = frozenset()) -> tuple[int, int]:
    lo = max(0, start - CUE_WINDOW)
    hi = min(len(text), end + CUE_WINDOW)
    for m in _sentence_ends(text, lo, start, abbreviations):
        lo = m.end()
    stops = _sentence_ends(text, end, hi, abbreviations)
    if stops:
        hi = stops[0].start()
    return lo, hi


def direction_of(text: str, span: Span, g: Grammar) -> str | None:
    """`past`, `future` or None from the tense cues nearest to `span` in its clause."""
    lo, hi = _clause(text, span.start, span.end, frozenset(g.settings.get("abbreviations", ())))
    found: list[tuple[float, int, int, str]] = []  # weighted distance, priority, start, concept
    futures: list[tuple[int, int]] = []
    for cue in g.tenses:
        for m in cue.regex.finditer(text, lo, hi):
            if m.start() < span.end and span.start < m.end():
                continue
            if m.group(0) in cue.exclude:
                continue
            if cue.concept == "future":
                futures.append((m.start(), m.end()))
            distance = span.start - m.end() if m.end() <= span.start else m.start() - span.end
            found.append((distance * cue.weight, 0 if cue.concept == "future" else 1, m.start(), cue.concept))
    # "est prévue" is a passé composé in form only: a past cue that overlaps a future one does not count.
    found = [f for f in found if f[3] == "future" or not any(s <= f[2] < e for s, e in futures)]
    if not found:
        return None
    return min(found)[3]


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


_SMALLER = {"Y": ("M", 12), "W": ("D", 7), "D": ("H", 24), "H": ("TM", 60), "TM": ("S", 60)}


def _duration(amount: float | None, unit: str, *, combined: bool = False) -> str:
    """P18M, PT30.4S, PXY …; a fraction goes down one unit: "un an et demi" is P18M, or P1Y6M when
    `combined` (the TempEval-3 English convention: "5 1/2 hours" is PT5H30M)."""
    if unit == "DE":
        unit, amount = "Y", None if amount is None else amount * 10
    elif unit == "CE":
        unit, amount = "Y", None if amount is None else amount * 100
    if amount is not None and amount != int(amount) and unit in _SMALLER:
        smaller, factor = _SMALLER[unit]
        rest = (amount - int(amount)) * factor
        if rest == int(rest):
            if combined and amount >= 1:
                whole = f"{int(amount)}{_TIME_UNITS.get(unit, unit)}"
                part = f"{int(rest)}{_TIME_UNITS.get(smaller, smaller)}"
                if unit in _TIME_UNITS:
                    return f"PT{whole}{part}"
                return f"P{whole}T{part}" if smaller in _TIME_UNITS else f"P{whole}{part}"
            if (amount * factor) == int(amount * factor):
                unit, amount = smaller, amount * factor
    count = "X" if amount is None else _number(amount)
    if unit in _TIME_UNITS:
        return f"PT{count}{_TIME_UNITS[unit]}"
    return f"P{count}{unit}"


def _at_granularity(day: dt.date, unit: str) -> str:
    if unit in ("Y", "DE", "CE"):
        return f"{day.year:04d}"
    if unit == "Q":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if unit == "M":
        return f"{day.year:04d}-{day.month:02d}"
    if unit == "W":
        return _week(day)
    if unit == "WE":
        return _week(day) + "-WE"
    return day.isoformat()


def _unknown(unit: str) -> str:
    """The underspecified value of a period relative to an unknown date ("la semaine dernière")."""
    return {"Y": "XXXX", "DE": "XXXX", "CE": "XXXX", "Q": "XXXX-QX", "M": "XXXX-XX", "W": "XXXX-WXX"}.get(
        unit, "XXXX-XX-XX"
    )


def _move(day: dt.date, amount: float, unit: str) -> tuple[dt.date, str]:
    """`day` moved by `amount` units (negative: back), with the unit that gives its granularity."""
    if unit in ("Y", "DE", "CE", "Q", "M"):
        months = amount * {"Y": 12, "DE": 120, "CE": 1200, "Q": 3, "M": 1}[unit]
        granularity = unit if months == int(months) and (unit != "Y" or months % 12 == 0) else "M"
        return _shift_months(day, round(months)), granularity
    days = amount * {"W": 7, "WE": 7, "D": 1, "H": 1 / 24, "TM": 1 / 1440, "S": 1 / 86400}.get(unit, 1)
    granularity = "W" if unit in ("W", "WE") and days % 7 == 0 else "D"
    return day + dt.timedelta(days=round(days)), granularity


def _weekday_date(dct: dt.date, weekday: int, cue: str | None, direction: str | None) -> dt.date:
    delta = weekday - dct.isoweekday()
    if cue == "this" and direction is None:
        return dct + dt.timedelta(days=delta)
    if cue == "future" or (cue != "past" and direction == "future"):
        ahead = delta % 7
        if cue == "future" and ahead == 0:
            ahead = 7
        return dct + dt.timedelta(days=ahead)
    back = (-delta) % 7
    if cue == "past" and back == 0:
        back = 7
    return dct - dt.timedelta(days=back)


def _pick_year(
    dct: dt.date, month: int, day: int | None, weekday: int | None, direction: str | None, cue: str | None
) -> int:
    """The year of a yearless date: weekday agreement first, then the cue, then nearness and tense."""

    def on(year: int) -> dt.date | None:
        try:
            return dt.date(year, month, day or 15)
        except ValueError:
            return None

    def agrees(when: dt.date) -> bool:
        return weekday is None or day is None or when.isoweekday() == weekday

    year = _nearest_year(dct, on, direction, cue, agrees, month_level=day is None)
    when = on(year)
    if when is not None and not agrees(when):
        # "lundi 3 mars" fits no year around the document date: the nearest year where it does
        fits = [
            y
            for y in range(dct.year - WEEKDAY_YEARS, dct.year + WEEKDAY_YEARS + 1)
            if (w := on(y)) and agrees(w)
        ]
        year = min(fits, key=lambda y: (abs(y - dct.year), y > dct.year), default=year)
    return year


def _nearest_year(
    dct: dt.date,
    on: Callable[[int], dt.date | None],
    direction: str | None,
    cue: str | None,
    agrees: Callable[[dt.date], bool] = lambda when: True,
    *,
    month_level: bool = False,
) -> int:
    """Among last, this and next year, the one whose date `on(year)` best fits the document date."""
    best: tuple[float, int] | None = None
    for year in (dct.year - 1, dct.year, dct.year + 1):
        when = on(year)
        if when is None:
            continue
        delta = (when - dct).days
        if month_level and year == dct.year and when.month == dct.month:
            delta = 0
        cost = abs(delta)
        if not agrees(when):
            cost += 10_000
        if cue == "this":
            cost += 0 if year == dct.year else 5_000
        if (cue == "past" and delta > 0) or (cue == "future" and delta < 0):
            cost += 5_000  # "septembre dernier", "next March": the cue word decides
        elif (direction == "past" and delta > 0) or (direction == "future" and delta < 0):
            cost *= TENSE_FACTOR
        elif direction is None and delta > 0:
            cost *= UNTOLD_FUTURE_FACTOR
        if best is None or cost < best[0]:
            best = (cost, year)
    return best[1] if best else dct.year


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def holiday_date(rule: str, year: int) -> dt.date | None:
    """The day of a holiday rule in `year`: "12-25" (fixed), "11-W4-4" (4th Thursday of November),
    "05-WL-1" (last Monday of May), "EASTER+1" (days after Easter Sunday); "+n" after a weekday rule
    counts days from it ("11-W1-1+1": the Tuesday after the first Monday of November)."""
    try:
        if rule.startswith("EASTER"):
            return _easter(year) + dt.timedelta(days=int(rule[6:] or 0))
        shifted = re.fullmatch(r"(\d\d-W[\dL]-\d)([+-]\d+)", rule)
        if shifted:
            day = holiday_date(shifted[1], year)
            return None if day is None else day + dt.timedelta(days=int(shifted[2]))
        if "-W" in rule:
            month_text, nth, weekday_text = rule.split("-")
            month, weekday = int(month_text), int(weekday_text)
            if nth == "WL":
                last = dt.date(year, month, calendar.monthrange(year, month)[1])
                return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)
            first = dt.date(year, month, 1)
            return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (int(nth[1:]) - 1))
        month_text, day_text = rule.split("-")
        return dt.date(year, int(month_text), int(day_text))
    except ValueError:
        return None


def _month_of_weekday_day(dct: dt.date, day: int, weekday: int, direction: str | None) -> dt.date | None:
    """The date nearest `dct` (within two months, after the tense) that is this day and weekday."""
    best: tuple[float, dt.date] | None = None
    for shift in range(-2, 3):
        first = _shift_months(dct.replace(day=1), shift)
        try:
            when = first.replace(day=day)
        except ValueError:
            continue
        if when.isoweekday() != weekday:
            continue
        delta = (when - dct).days
        cost = abs(delta) * (TENSE_FACTOR if direction == "past" and delta > 0 else 1)
        if best is None or cost < best[0]:
            best = (cost, when)
    return best[1] if best else None


def _time_suffix(parts: Mapping[str, Any], recipe: Mapping[str, Any]) -> str:
    if parts.get("hour") is not None:
        return f"T{int(parts['hour']):02d}:{int(parts.get('minute') or 0):02d}"
    if recipe.get("daypart"):
        return f"T{recipe['daypart']}"
    return ""


def _season_middle(season: str) -> Callable[[int], dt.date]:
    """The middle day of the season of a year (winter 1998 is December 1998 to February 1999)."""
    month = _SEASON_START[season] + 1
    return lambda year: dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 15)


def _season_year(dct: dt.date, season: str, cue: str | None) -> int:
    start = _SEASON_START[season]
    if cue == "past":
        return dct.year if start + 2 < dct.month else dct.year - 1
    if cue == "future":
        return dct.year if start > dct.month else dct.year + 1
    return dct.year


class _Resolver:
    def __init__(
        self, text: str, g: Grammar, dct: dt.date | None, directions: dict[tuple[int, int], str | None]
    ) -> None:
        self.text = text
        self.g = g
        self.dct = dct
        self.anchor: dt.date | None = None  # last day-level date of the narrative
        self.told: tuple[dt.date, str] | None = None  # last date with a year, and its unit (Y, M, D)
        self.previous: dt.date | None = None  # the day of the span just resolved, if it was a day
        self.quarterly: bool | None = None
        self.directions = directions  # tense directions by span, shared by the resolvers of one text

    def value(self, span: Span) -> tuple[str, bool, str | None]:
        """(TIMEX3 value, anchored, direction) of one span."""
        found = self._value(span)
        day = re.match(r"(\d{4})-(\d\d)-(\d\d)", found[0])
        self.previous = dt.date(int(day[1]), int(day[2]), int(day[3])) if day else None
        return found

    def _value(self, span: Span) -> tuple[str, bool, str | None]:
        recipe: Mapping[str, Any] = span.attrs.get("recipe", {})
        parts: Mapping[str, Any] = span.attrs.get("parts", {})
        kind = recipe.get("kind", "calendar")
        cue = recipe.get("cue")
        # "the following Monday", "the previous Friday": counted from the day being told (a weekday),
        # else ahead or behind the document date
        anaphoric = cue in ("following", "preceding")
        if anaphoric and kind != "relunit":
            cue = "future" if cue == "following" else "past"
        direction = recipe.get("direction") or (cue if cue in ("past", "future") else None)
        if direction is None and kind in ("calendar", "relunit", "holiday", "range", "half"):
            key = (span.start, span.end)
            if key not in self.directions:
                self.directions[key] = direction_of(self.text, span, self.g)
            direction = self.directions[key]
        if kind in ("ref", "setword", "durword"):
            return str(recipe.get("value")), False, direction
        if kind == "duration":
            combined = bool(self.g.settings.get("combined_durations"))
            value = _duration(recipe.get("amount"), str(recipe.get("unit")), combined=combined)
            return value, False, direction
        if kind == "set":
            return self._set(parts, recipe), False, direction
        if kind == "decade":
            return f"{recipe['decade']}X", False, direction
        if kind == "century":
            return f"{int(recipe['century']) - 1:02d}", False, direction
        if kind == "offset":
            return self._offset(recipe, direction)
        if kind == "relunit":
            return self._relunit(recipe, cue, direction)
        if kind == "quarter":
            return self._quarter(parts, recipe, cue, direction)
        if kind == "half":
            return self._half(parts, recipe, direction)
        if kind == "holiday":
            return self._holiday(parts, recipe, cue, direction)
        return self._calendar(parts, recipe, cue, direction, anaphoric=anaphoric)

    def _set(self, parts: Mapping[str, Any], recipe: Mapping[str, Any]) -> str:
        if parts.get("weekday"):
            return f"XXXX-WXX-{parts['weekday']}" + _time_suffix(parts, recipe)
        if parts.get("month"):
            return f"XXXX-{int(parts['month']):02d}"
        return _duration(recipe.get("amount") or 1, str(recipe.get("unit") or "D"))

    def _offset(self, recipe: Mapping[str, Any], direction: str | None) -> tuple[str, bool, str | None]:
        """ "il y a deux semaines", "two years ago", "dans cinq jours": the document date moved."""
        amount, unit, base = recipe.get("amount"), str(recipe.get("unit")), self.dct
        sign = -1 if direction == "past" else 1
        if amount is None:
            return ("PAST_REF" if sign < 0 else "FUTURE_REF"), False, direction
        if base is None:
            return _unknown(unit), False, direction
        moved, granularity = _move(base, sign * float(amount), unit)
        if granularity == "Y" and unit == "Y" and float(amount) == 1 and self._about_quarters():
            # "a year earlier" in a quarterly report: the reported quarter, that many years back
            index = self._reported_quarter(base) - 4 * round(float(amount))
            return f"{index // 4:04d}-Q{index % 4 + 1}", True, direction
        return _at_granularity(moved, granularity), True, direction

    @staticmethod
    def _reported_quarter(day: dt.date) -> int:
        """Index (year × 4 + quarter − 1) of the quarter a results story of `day` reports: the previous
        one during the two months after a quarter ends, else the current one."""
        index = day.year * 4 + (day.month - 1) // 3
        return index - 1 if day.month % 3 != 0 else index

    def _about_quarters(self) -> bool:
        """True when the text reports quarterly results (then "a year earlier" is a quarter)."""
        if self.quarterly is None:
            context = self.g.settings.get("quarter_context")
            found = len(re.findall(str(context), self.text)) if context else 0
            self.quarterly = found >= QUARTERLY_MENTIONS
        return self.quarterly

    def _relunit(
        self, recipe: Mapping[str, Any], cue: Any, direction: str | None
    ) -> tuple[str, bool, str | None]:
        unit = str(recipe.get("unit"))
        step = {"past": -1, "future": 1}.get(str(cue), 0)
        told = self.told
        shift = {"that": 0, "following": 1, "preceding": -1}.get(str(cue))
        if shift is not None and unit in ("Y", "M") and told and (unit == "Y" or told[1] != "Y"):
            # "later that year", "the following month", "the previous year": from the period told last (#3)
            moved, _ = _move(told[0], shift, unit)
            return _at_granularity(moved, unit), True, direction
        if cue == "that" and self.anchor is not None:
            # "that day", "that week": the period of the day being told, not the document's
            return _at_granularity(self.anchor, unit), True, direction
        if cue in ("following", "preceding"):
            step = 1 if cue == "following" else -1
        if self.dct is None:
            return _unknown(unit), False, direction
        if unit == "DE":
            return f"{(self.dct.year // 10 + step)}X", True, direction
        if unit == "CE":
            return f"{self.dct.year // 100 + step:02d}", True, direction
        if unit == "WE" and cue in ("this", None) and direction == "past" and self.dct.isoweekday() < 6:
            step = -1  # "ce week-end" told in the past tense on a weekday is the one just gone
        moved, _ = _move(self.dct, step, unit)
        return _at_granularity(moved, unit), True, direction

    def _quarter(
        self, parts: Mapping[str, Any], recipe: Mapping[str, Any], cue: Any, direction: str | None
    ) -> tuple[str, bool, str | None]:
        """ "the third quarter", "the latest quarter", "the year-earlier quarter" → YYYY-Qn."""
        dct, ordinal, year = self.dct, recipe.get("ordinal"), parts.get("year")
        if dct is None:
            return f"{year or 'XXXX'}-Q{ordinal or 'X'}", False, direction
        current = (dct.month - 1) // 3 + 1
        if recipe.get("yearcue"):  # "last year's third quarter", "last year's quarter"
            year = dct.year + _YEAR_STEP.get(str(recipe["yearcue"]), 0)
            quarter = int(ordinal) if ordinal else self._reported_quarter(dct) % 4 + 1
        elif ordinal:
            quarter = int(ordinal)
            if year is None:
                year = dct.year if quarter <= current or cue == "future" else dct.year - 1
        else:
            step = {"past": -1, "future": 1, "this": 0}.get(str(cue))
            index = self._reported_quarter(dct) if step is None else dct.year * 4 + current - 1 + step
            year = year or index // 4
            quarter = index % 4 + 1
        year = int(year) - int(recipe.get("years_back", 0))
        return f"{year:04d}-Q{quarter}", True, direction

    def _half(
        self, parts: Mapping[str, Any], recipe: Mapping[str, Any], direction: str | None
    ) -> tuple[str, bool, str | None]:
        """ "le premier semestre 2017", "the last half of 1989" → YYYY-H1, YYYY-H2."""
        half, year = int(recipe.get("ordinal") or 1), parts.get("year")
        if year is not None:
            return f"{int(year):04d}-H{half}", False, direction
        if self.dct is None:
            return f"XXXX-H{half}", False, direction
        year = self.dct.year
        if half == 2 and self.dct.month <= 6 and direction == "past":
            year -= 1  # "au second semestre, les ventes ont reculé" told in spring: last year's
        return f"{year:04d}-H{half}", True, direction

    def _holiday(
        self, parts: Mapping[str, Any], recipe: Mapping[str, Any], cue: Any, direction: str | None
    ) -> tuple[str, bool, str | None]:
        """ "Thanksgiving", "Noël", "Pâques": the holiday in the year given, else the one nearest."""
        rule, year = str(recipe.get("holiday")), parts.get("year")
        anchored = False
        if year is None:
            if self.dct is None:
                fixed = re.fullmatch(r"\d\d-\d\d", rule)
                return (f"XXXX-{rule}" if fixed else "XXXX-XX-XX"), False, direction
            year = _nearest_year(self.dct, lambda y: holiday_date(rule, y), direction, cue)
            anchored = True
        day = holiday_date(rule, int(year))
        if day is None:
            return "XXXX-XX-XX", False, direction
        self.anchor = day
        return day.isoformat(), anchored, direction

    def _calendar(
        self,
        parts: Mapping[str, Any],
        recipe: Mapping[str, Any],
        cue: Any,
        direction: str | None,
        *,
        anaphoric: bool = False,
    ) -> tuple[str, bool, str | None]:
        dct = self.dct
        year, month, day, weekday = (
            parts.get("year"),
            parts.get("month"),
            parts.get("day"),
            parts.get("weekday"),
        )
        time = _time_suffix(parts, recipe)
        anchored = False
        base: dt.date | None = None
        if year is None and recipe.get("yearcue") and month is not None and dct is not None:
            year, anchored = dct.year + _YEAR_STEP.get(str(recipe["yearcue"]), 0), True
        if recipe.get("relday") is not None:
            if dct is None:
                return "XXXX-XX-XX" + time, False, direction
            base, anchored = dct + dt.timedelta(days=int(recipe["relday"])), True
        elif recipe.get("narrday") is not None:
            start = self.anchor or dct
            if start is None:
                return "XXXX-XX-XX" + time, False, direction
            base, anchored = start + dt.timedelta(days=int(recipe["narrday"])), True
        elif day is not None and month is not None:
            if year is None:
                if dct is None:
                    return f"XXXX-{month:02d}-{day:02d}" + time, False, direction
                year, anchored = _pick_year(dct, month, day, weekday, direction, cue), True
            try:
                base = dt.date(year, month, day)
            except ValueError:
                return f"{year:04d}-{month:02d}" + time, anchored, direction
        elif day is not None:
            # "vendredi 29": the month near the document date in which the 29th is a Friday
            found = _month_of_weekday_day(dct, int(day), weekday, direction) if dct and weekday else None
            if found is None:
                return f"XXXX-XX-{day:02d}" + time, False, direction
            base, anchored = found, True
        elif month is not None:
            if year is None:
                if dct is None:
                    return f"XXXX-{month:02d}", False, direction
                year, anchored = _pick_year(dct, month, None, None, direction, cue), True
            self.told = (dt.date(year, month, 1), "M")
            return f"{year:04d}-{month:02d}", anchored, direction
        elif recipe.get("season"):
            season = str(recipe["season"])
            if year is None:
                if dct is not None and cue is None and recipe.get("definite"):
                    # "the summer": the one nearest the document date, after the tense (#3)
                    year, anchored = _nearest_year(dct, _season_middle(season), direction, None), True
                elif dct is None or cue is None:
                    return f"XXXX-{season}", False, direction
                else:
                    year, anchored = _season_year(dct, season, cue), True
            return f"{year:04d}-{season}", anchored, direction
        elif year is not None:
            self.told = (dt.date(year, 1, 1), "Y")
            return f"{year:04d}", False, direction
        elif weekday is not None and recipe.get("range_end") and self.previous is not None:
            # "du lundi au vendredi": the end of the range is on or after its start
            base, anchored = (
                self.previous + dt.timedelta(days=(weekday - self.previous.isoweekday()) % 7),
                True,
            )
        elif weekday is not None and anaphoric and self.anchor is not None:
            # "the previous Friday": the one before the day being told (#3)
            base, anchored = _weekday_date(self.anchor, int(weekday), cue, None), True
        elif weekday is not None:
            if dct is None:
                return f"XXXX-WXX-{weekday}" + time, False, direction
            # a range told in the past ends by the document date: "a neigé de mardi à jeudi"
            end_by = dct - dt.timedelta(days=int(recipe.get("range_days", 0))) if direction == "past" else dct
            base, anchored = _weekday_date(end_by, int(weekday), cue, direction), True
        else:
            # a day part or a clock time alone: "ce soir" is today, "la nuit" the day being told
            start = dct if cue == "this" or self.anchor is None else self.anchor
            if start is None:
                return "XXXX-XX-XX" + time, False, direction
            base, anchored = start, True
        if recipe.get("unit") == "W":  # "the week of March 6"
            self.told = (base, "D")
            return _week(base), anchored, direction
        self.anchor = base
        self.told = (base, "D")
        return base.isoformat() + time, anchored, direction


def _clock_only(span: Span) -> bool:
    parts = span.attrs.get("parts", {})
    recipe = span.attrs.get("recipe", {})
    return (
        recipe.get("kind") == "calendar"
        and parts.get("hour") is not None
        and not any(parts.get(k) for k in ("year", "month", "day", "weekday"))
        and recipe.get("relday") is None
        and recipe.get("narrday") is None
    )


def resolve_spans(text: str, spans: list[Span], g: Grammar, dct: dt.date | FuzzyDate | None) -> list[Span]:
    """The spans with `value`, `anchored` and, where decided, `direction` and `mod` set.

    `dct` is a day, or a coarser `FuzzyDate` (a month, a year …) resolved as the module docstring says.
    """
    norm = text.replace("’", "'")
    directions: dict[tuple[int, int], str | None] = {}
    coarse: tuple[_Resolver, _Resolver, _Resolver, Granularity] | None = None
    if isinstance(dct, FuzzyDate):
        if dct.granularity is Granularity.DAY:
            dct = dct.start
        else:
            lo, hi = dct.interval()
            ends = (_Resolver(norm, g, lo, directions), _Resolver(norm, g, hi, directions))
            coarse = (*ends, _Resolver(norm, g, None, directions), dct.granularity)
            dct = None
    resolver = _Resolver(norm, g, dct, directions)
    out = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    for index, span in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        clock_day = following is not None and _clock_only(span) and following.start - span.end <= _CLOCK_GAP
        if coarse is None:
            if clock_day and following is not None:
                # "Vers 0 h 40, jeudi, …": the day that follows the clock time is its day
                resolver.value(following)
            value, anchored, direction = resolver.value(span)
        else:
            first, last, unknown, granularity = coarse
            if clock_day and following is not None:
                for each in (first, last, unknown):
                    each.value(following)
            at_first, at_last = first.value(span), last.value(span)
            blank = unknown.value(span)
            recipe = span.attrs.get("recipe", {})
            if (
                recipe.get("kind") == "quarter"
                and not recipe.get("ordinal")
                and first.dct is not None
                and last.dct is not None
                and _Resolver._reported_quarter(first.dct) != _Resolver._reported_quarter(last.dct)
            ):
                # "the 1988 period" is the quarter a results story reports: it cycles with the date, so
                # ends that agree say nothing of the days between
                value, anchored, direction = blank
            else:
                value, anchored, direction = _coarse_value(at_first, at_last, blank, granularity)
        attrs = {k: v for k, v in span.attrs.items() if k not in ("value", "anchored", "direction", "mod")}
        attrs["value"] = value
        attrs["anchored"] = anchored
        if direction:
            attrs["direction"] = direction
        mod = span.attrs.get("recipe", {}).get("mod")
        if mod:
            attrs["mod"] = mod
        out.append(Span(span.start, span.end, span.label, attrs))
    return out


_CALENDAR_VALUE = re.compile(
    r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|W(\d{2})(-WE)?|Q([1-4])|(SP|SU|FA|WI)|H([12])))?"
)


def _value_interval(value: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a calendar value (`2017-05-03T10:00`, `2017-W18-WE`, `2017-Q2` …)."""
    m = _CALENDAR_VALUE.fullmatch(value.split("T", 1)[0])
    if not m:
        return None
    year = int(m[1])
    try:
        if m[3]:
            day = dt.date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            month = int(m[2])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if m[4]:
            monday = dt.date.fromisocalendar(year, int(m[4]), 1)
            return (monday + dt.timedelta(days=5) if m[5] else monday), monday + dt.timedelta(days=6)
        if m[6]:
            first = dt.date(year, 3 * int(m[6]) - 2, 1)
            return first, _shift_months(first, 3) - dt.timedelta(days=1)
        if m[7]:
            return FuzzyDate.parse(f"{year:04d}-{m[7]}").interval()
        if m[8]:
            return (
                (dt.date(year, 1, 1), dt.date(year, 6, 30))
                if m[8] == "1"
                else (dt.date(year, 7, 1), dt.date(year, 12, 31))
            )
    except ValueError:
        return None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _coarse_value(
    first: tuple[str, bool, str | None],
    last: tuple[str, bool, str | None],
    unknown: tuple[str, bool, str | None],
    granularity: Granularity,
) -> tuple[str, bool, str | None]:
    """One span's value against a coarse document date, from its values against the date's first and
    last days (and without a date): what they agree on, else the week, month or year holding both when
    that is no coarser than the document date, else the underspecified value."""
    if first[0] == last[0]:
        return first
    lo, hi = _value_interval(first[0]), _value_interval(last[0])
    if lo is None or hi is None:
        return unknown
    start, end = lo[0], hi[1]
    if granularity.rank >= Granularity.WEEK.rank and start.isocalendar()[:2] == end.isocalendar()[:2]:
        return _week(start), True, first[2]
    if granularity.rank >= Granularity.MONTH.rank and (start.year, start.month) == (end.year, end.month):
        return f"{start.year:04d}-{start.month:02d}", True, first[2]
    if granularity.rank >= Granularity.YEAR.rank and start.year == end.year:
        return f"{start.year:04d}", True, first[2]
    return unknown

"""Event mentions: what the linker keeps of one span of a document's `events` layer (#5).

A mention carries what coreference needs (type family, canonical participants, place, date) and what
cross-document dating needs: the time expression of its clause as written (`TimexRef`), so that a
weekday, a yearless day or an "il y a un an et demi" can be turned back into a publication date once
the event is dated by other sources.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span

__all__ = [
    "TYPE_FAMILIES",
    "EventMention",
    "Participant",
    "TimexRef",
    "family_of",
    "mentions_of",
    "refine_date",
    "timex_ref",
]

# Event types that may describe one real-world event in different words: a "visit" of Putin to Ankara
# is the "meeting" with Erdogan there, and a "summit" of three leaders is a meeting of each pair. A
# phone call is never a meeting, an agreement is a fact of its own (it often comes out of a meeting).
TYPE_FAMILIES: Mapping[str, str] = {
    "meeting": "meeting",
    "visit": "meeting",
    "summit": "meeting",
    "casualties": "attack",
}


def family_of(event_type: str) -> str:
    return TYPE_FAMILIES.get(event_type, event_type)


@dataclass(frozen=True, slots=True)
class Participant:
    """A canonical entity: `entity_id` and canonical (English) `name`, with its type when known."""

    entity_id: str
    name: str
    kind: str = ""
    # Names a document's language gave it, for made-up groups and places the gazetteer does not know
    # ({"fr": "frontière syrienne"} for "Syrian border"): (language, name) pairs.
    names: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def name_in(self, lang: str) -> str | None:
        return next((name for code, name in self.names if code == lang), None)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"entity_id": self.entity_id, "name": self.name, "kind": self.kind}
        if self.names:
            data["names"] = dict(self.names)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], kind: str = "") -> Participant:
        name = str(data.get("name") or data.get("entity_id") or "")
        names = tuple(sorted((str(k), str(v)) for k, v in dict(data.get("names") or {}).items()))
        return cls(str(data.get("entity_id") or name), name, str(data.get("kind") or kind), names)


@dataclass(frozen=True, slots=True)
class TimexRef:
    """The time expression of a mention's clause, as the `timex` layer gave it."""

    text: str
    value: str
    label: str = "DATE"
    anchored: bool = False
    direction: str = ""
    parts: Mapping[str, Any] = field(default_factory=dict)
    start: int = 0
    end: int = 0
    offset: str = ""  # TIMEX3 duration of an "il y a …" / "dans …" expression (`P18M`), whatever its value

    @property
    def weekday_only(self) -> bool:
        """A weekday with no calendar day ("lundi", "ce mercredi", "on Thursday")."""
        p = self.parts
        return bool(p.get("weekday")) and not p.get("day") and not p.get("month") and not p.get("year")

    @property
    def yearless(self) -> bool:
        """A calendar day without a year ("le 28 septembre")."""
        p = self.parts
        return bool(p.get("day")) and bool(p.get("month")) and not p.get("year")

    @property
    def has_year(self) -> bool:
        return bool(self.parts.get("year")) or bool(re.match(r"^\d{4}", self.value))

    def matches(self, day: dt.date) -> bool:
        """True when `day` fits what the expression says of itself (weekday, day, month, year)."""
        p = self.parts
        checks = (
            ("weekday", day.isoweekday()),
            ("day", day.day),
            ("month", day.month),
            ("year", day.year),
        )
        return all(not p.get(name) or int(p[name]) == actual for name, actual in checks)

    def fits(self, date: FuzzyDate) -> bool:
        """True when some day of `date` fits what the expression says of itself."""
        lo, hi = date.interval()
        if (hi - lo).days > 62:
            years = self.parts.get("year")
            return not years or lo.year <= int(years) <= hi.year
        return any(self.matches(lo + dt.timedelta(days=i)) for i in range((hi - lo).days + 1))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": self.value,
            "label": self.label,
            "anchored": self.anchored,
            "direction": self.direction,
            "parts": dict(self.parts),
            "start": self.start,
            "end": self.end,
            "offset": self.offset,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimexRef:
        return cls(
            str(data.get("text", "")),
            str(data.get("value", "")),
            str(data.get("label", "DATE")),
            bool(data.get("anchored", False)),
            str(data.get("direction") or ""),
            {k: v for k, v in dict(data.get("parts") or {}).items() if v is not None},
            int(data.get("start", 0)),
            int(data.get("end", 0)),
            str(data.get("offset") or ""),
        )


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event as one document tells it."""

    doc_id: str
    start: int  # trigger span in the document's text
    end: int
    type: str
    participants: tuple[Participant, ...]
    place: Participant | None
    date: FuzzyDate | None
    status: str
    main: bool
    sentence: tuple[int, int]
    sentence_text: str
    lang: str
    published: FuzzyDate | None
    url: str | None = None
    timex: TimexRef | None = None
    # For the news of the lead: the entities its whole document names (what the article is about), which
    # tell apart events of the same people that nothing else does (`Linker.by_topic`).
    topics: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.start}"

    @property
    def family(self) -> str:
        return family_of(self.type)

    @property
    def participant_ids(self) -> frozenset[str]:
        return frozenset(p.entity_id for p in self.participants)

    @property
    def own_date(self) -> bool:
        """True when the date comes from the mention's own time expression, not from the document date."""
        return self.date is not None and (self.timex is not None or self.date.provenance is Provenance.TIMEX)

    @property
    def date_timex(self) -> TimexRef | None:
        """The clause's time expression when it agrees with the mention's date (else it dates something else:
        "Euro 2020" in a sentence about a final played in 2021)."""
        if self.timex is None or self.date is None or self.timex.fits(self.date):
            return self.timex
        return None

    def with_date(self, date: FuzzyDate | None, published: FuzzyDate | None) -> EventMention:
        return replace(self, date=date, published=published)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "participants": [p.to_dict() for p in self.participants],
            "place": self.place.to_dict() if self.place else None,
            "date": self.date.to_dict() if self.date else None,
            "status": self.status,
            "main": self.main,
            "sentence": list(self.sentence),
            "sentence_text": self.sentence_text,
            "lang": self.lang,
            "published": self.published.to_dict() if self.published else None,
            "url": self.url,
            "timex": self.timex.to_dict() if self.timex else None,
            "topics": sorted(self.topics),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventMention:
        place = data.get("place")
        timex = data.get("timex")
        return cls(
            doc_id=str(data["doc_id"]),
            start=int(data["start"]),
            end=int(data["end"]),
            type=str(data["type"]),
            participants=tuple(Participant.from_dict(p) for p in data.get("participants") or ()),
            place=Participant.from_dict(place) if place else None,
            date=_fuzzy(data.get("date")),
            status=str(data.get("status") or "happened"),
            main=bool(data.get("main", False)),
            sentence=(int(data["sentence"][0]), int(data["sentence"][1])),
            sentence_text=str(data.get("sentence_text", "")),
            lang=str(data.get("lang") or ""),
            published=_fuzzy(data.get("published")),
            url=data.get("url"),
            timex=TimexRef.from_dict(timex) if timex else None,
            topics=frozenset(str(t) for t in data.get("topics") or ()),
        )


def _fuzzy(data: Any) -> FuzzyDate | None:
    if not data:
        return None
    if isinstance(data, str):
        try:
            return FuzzyDate.parse(data)
        except ValueError:
            return None
    try:
        return FuzzyDate.from_dict(data)
    except (KeyError, ValueError):
        return None


def _entity_kinds(doc: Document) -> dict[str, str]:
    """entity_id -> type label (person, country, city …), from the document's `entities` layer."""
    kinds: dict[str, str] = {}
    for span in doc.layer("entities"):
        entity_id = span.attrs.get("entity_id")
        if entity_id and entity_id not in kinds:
            kinds[str(entity_id)] = span.label
    return kinds


# When the events stage names no time expression for a mention, the nearest DATE expression of its
# sentence within this many characters of the trigger is taken ("se rend, jeudi 28 septembre, en
# Turquie", "un entretien téléphonique avec M. Erdogan lundi": both within 45 characters on the seeds).
_TIMEX_REACH = 60


def _names_a_day(span: Span) -> bool:
    """A DATE, or a TIME that names its day ("Friday morning", "jeudi soir", "hier soir"): not "à 16h"."""
    if span.label == "DATE":
        return True
    if span.label != "TIME":
        return False
    parts = span.attrs.get("parts") or {}
    recipe = span.attrs.get("recipe") or {}
    return bool(parts.get("weekday") or parts.get("day")) or isinstance(recipe.get("relday"), int)


def _nearest_timex(doc: Document, trigger: Span, sentence: tuple[int, int]) -> TimexRef | None:
    from chronique.events.mentions import year_in_name

    best: tuple[int, Span] | None = None
    for span in doc.layer("timex"):
        if not _names_a_day(span) or not (sentence[0] <= span.start and span.end <= sentence[1]):
            continue
        if year_in_name(doc.text, span):
            continue  # "Italy have won Euro 2020": a name, not the final's date
        distance = max(span.start - trigger.end, trigger.start - span.end, 0)
        if distance <= _TIMEX_REACH and (best is None or distance < best[0]):
            best = (distance, span)
    return timex_ref(doc, best[1]) if best is not None else None


def _timex_at(doc: Document, bounds: Any) -> TimexRef | None:
    if not bounds:
        return None
    start, end = int(bounds[0]), int(bounds[1])
    best: Span | None = None
    for span in doc.layer("timex"):
        if span.start < end and start < span.end and (best is None or span.start == start):
            best = span
    return None if best is None else timex_ref(doc, best)


_OFFSET_UNITS = frozenset("YMWD")


def timex_ref(doc: Document, span: Span) -> TimexRef:
    """What the linker keeps of one span of the `timex` layer."""
    attrs = span.attrs
    offset = ""
    recipe = attrs.get("recipe")
    if isinstance(recipe, Mapping) and recipe.get("kind") == "offset" and recipe.get("unit") in _OFFSET_UNITS:
        amount = recipe.get("amount")
        if isinstance(amount, (int, float)) and amount > 0:
            months = float(amount) * 12 if recipe["unit"] == "Y" else None
            offset = f"P{months:g}M" if months is not None else f"P{float(amount):g}{recipe['unit']}"
    elif str(attrs.get("value", "")).startswith("P"):
        offset = str(attrs["value"])
    return TimexRef(
        text=span.text_of(doc.text),
        value=str(attrs.get("value", "")),
        label=span.label,
        anchored=bool(attrs.get("anchored", False)),
        direction=str(attrs.get("direction") or ""),
        parts={k: v for k, v in dict(attrs.get("parts") or {}).items() if v is not None},
        start=span.start,
        end=span.end,
        offset=offset,
    )


def _participant(data: Any, kinds: Mapping[str, str]) -> Participant | None:
    if not isinstance(data, Mapping) or not (data.get("entity_id") or data.get("name")):
        return None
    participant = Participant.from_dict(data)
    return replace(participant, kind=kinds.get(participant.entity_id, participant.kind))


def refine_date(
    date: FuzzyDate | None, published: FuzzyDate | None, timex: TimexRef | None
) -> FuzzyDate | None:
    """A mention's date made as precise as its own expression allows within what is known.

    "jeudi 28 septembre" with a date of 2017-09 (or in a document of September 2017) is 2017-09-28: the
    one day of that month that fits. A weekday alone in a month fits four days and stays a month.
    """
    if timex is None or (date is not None and date.granularity is Granularity.DAY):
        return date
    base = date if date is not None and timex.fits(date) else None
    if base is None and date is None and published is not None and timex.yearless:
        year = published.start.year
        options = [
            FuzzyDate.parse(f"{y:04d}-{int(timex.parts['month']):02d}") for y in (year - 1, year, year + 1)
        ]
        base = min(options, key=lambda o: abs((o.start - published.start).days))
    if base is None:
        return date
    lo, hi = base.interval()
    if (hi - lo).days > 62:
        return date
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    fitting = [d for d in days if timex.matches(d)]
    if len(fitting) != 1:
        return date
    return FuzzyDate.from_date(fitting[0], provenance=Provenance.TIMEX, evidence=timex.text)


def mentions_of(doc: Document) -> Iterator[EventMention]:
    """The event mentions of one document's `events` layer (spans without a type are skipped)."""
    kinds = _entity_kinds(doc)
    for span in doc.layer("events"):
        attrs = span.attrs
        participants: dict[str, Participant] = {}
        for data in attrs.get("participants") or ():
            participant = _participant(data, kinds)
            if participant is not None:
                participants.setdefault(participant.entity_id, participant)
        sentence = attrs.get("sentence") or _sentence_bounds(doc, span.start)
        sent = (int(sentence[0]), int(sentence[1]))
        timex = _timex_at(doc, attrs.get("timex")) or _nearest_timex(doc, span, sent)
        date = refine_date(_fuzzy(attrs.get("date")), doc.published, timex)
        yield EventMention(
            doc_id=doc.id,
            start=span.start,
            end=span.end,
            type=span.label,
            participants=tuple(participants.values()),  # in the order the events stage gave them
            place=_participant(attrs.get("place"), kinds),
            date=date,
            status=str(attrs.get("status") or "happened"),
            main=bool(attrs.get("main", False)),
            sentence=sent,
            sentence_text=" ".join(doc.text[sent[0] : sent[1]].split()),
            lang=doc.lang or "",
            published=doc.published,
            url=doc.url,
            timex=timex,
            topics=frozenset(kinds) if attrs.get("main") else frozenset(),
        )


def _sentence_bounds(doc: Document, offset: int) -> tuple[int, int]:
    sentence = doc.sentence_of(offset)
    if sentence is not None:
        return sentence.start, sentence.end
    start = doc.text.rfind("\n", 0, offset) + 1
    end = doc.text.find("\n", offset)
    return start, len(doc.text) if end < 0 else end


def is_day(date: FuzzyDate | None) -> bool:
    return date is not None and date.granularity is Granularity.DAY

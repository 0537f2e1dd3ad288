"""The data model: `Document` with character-offset `Span` layers, and `FuzzyDate`.

Offsets: every layer indexes `Document.text` (the cleaned text), except the `removed` layer, which
indexes `Document.raw` (the text as read, before cleaning) because what it points at is no longer in
`text`. `Document.text_offset_in_raw` maps back.

Layers and their `attrs` (one name per concept, kept everywhere):

- `removed`    Span(label=reason) over `raw`; attrs: `text`, `rule`
- `paragraphs` Span(label="paragraph")
- `sentences`  Span(label="sentence"); attrs: `paragraph` (index)
- `timex`      Span(label=TIMEX3 type: DATE, TIME, DURATION, SET); attrs: `value`, `rule`,
               optional `mod`, `anchor` (value it was resolved against), `direction`
- `entities`   Span(label=entity type); attrs: `entity_id`, `name` (canonical), `source` (ner|gazetteer)
- `events`     Span(label=event type) over the trigger; attrs: `participants` (list of
               {entity_id, name}), `place` ({entity_id, name} or None), `date` (FuzzyDate.to_dict() or
               None), `status` (happened|planned|denied), `main` (bool), `sentence` ([start, end])
- `quotes`     Span(label="quote") over the quoted words; attrs: `speaker` ({entity_id, name} or None)
- `figures`    Span(label=what is counted); attrs: `value` (float), `approx` (bool), `unit`
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "Document",
    "FuzzyDate",
    "Granularity",
    "Provenance",
    "Span",
    "content_id",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character range `[start, end)` with JSON-serialisable attributes."""

    start: int
    end: int
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def text_of(self, text: str) -> str:
        """The characters of `text` this span covers."""
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "attrs": dict(self.attrs)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        return cls(int(data["start"]), int(data["end"]), str(data["label"]), dict(data.get("attrs") or {}))


class Granularity(StrEnum):
    """How precise a date is; ordered from finest to coarsest by `rank`."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"

    @property
    def rank(self) -> int:
        return _GRANULARITY_RANK[self]


_GRANULARITY_RANK = {g: i for i, g in enumerate(Granularity)}


class Provenance(StrEnum):
    """Where a document date came from, most trusted first."""

    METADATA = "metadata"  # HTML meta, JSONL `published`, RSS pubDate
    PREFIX = "prefix"  # the crawler's ` date YYYY-MM` first line
    URL = "url"
    FILENAME = "filename"  # a date in the name of the file read ("2019-07-01-panmunjom.txt")
    BYLINE = "byline"  # "Publié le …", "Dernière mise à jour …"
    CONTENT = "content"  # inferred from the dates the article mentions
    CORPUS = "corpus"  # borrowed from linked documents
    TIMEX = "timex"  # a time expression's own value (events)
    UNKNOWN = "unknown"


_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}  # WI runs into next year
_VALUE_PATTERNS: list[tuple[re.Pattern[str], Granularity]] = [
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), Granularity.DAY),
    (re.compile(r"^\d{4}-W\d{2}$"), Granularity.WEEK),
    (re.compile(r"^\d{4}-\d{2}$"), Granularity.MONTH),
    (re.compile(r"^\d{4}-(SP|SU|FA|WI)$"), Granularity.SEASON),
    (re.compile(r"^\d{4}$"), Granularity.YEAR),
    (re.compile(r"^\d{3}X$"), Granularity.DECADE),
    (re.compile(r"^\d{2}XX$"), Granularity.CENTURY),
]


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to some granularity, with where it came from and how sure we are.

    `value` is the TIMEX3 text form (`2017-09-28`, `2015-11`, `2015-FA`, `2017-W38`, `196X`, `19XX`);
    a month-level fact is never given a made-up day.
    """

    value: str
    granularity: Granularity
    provenance: Provenance = Provenance.UNKNOWN
    confidence: float = 1.0
    evidence: str = ""

    @classmethod
    def parse(
        cls,
        value: str,
        *,
        provenance: Provenance | str = Provenance.UNKNOWN,
        confidence: float = 1.0,
        evidence: str = "",
    ) -> FuzzyDate:
        """Build from a TIMEX3 date value; raises ValueError for values that are not calendar dates."""
        value = value.strip()
        for pattern, granularity in _VALUE_PATTERNS:
            if pattern.match(value):
                date = cls(value, granularity, Provenance(provenance), confidence, evidence)
                date.interval()  # validates month/day ranges
                return date
        raise ValueError(f"not a calendar TIMEX3 value: {value!r}")

    @classmethod
    def from_date(
        cls,
        day: dt.date,
        *,
        provenance: Provenance | str = Provenance.UNKNOWN,
        confidence: float = 1.0,
        evidence: str = "",
    ) -> FuzzyDate:
        return cls(day.isoformat(), Granularity.DAY, Provenance(provenance), confidence, evidence)

    def interval(self) -> tuple[dt.date, dt.date]:
        """First and last day this date may stand for (inclusive)."""
        v, g = self.value, self.granularity
        if g is Granularity.DAY:
            d = dt.date.fromisoformat(v)
            return d, d
        if g is Granularity.WEEK:
            year, week = int(v[:4]), int(v[6:])
            first = dt.date.fromisocalendar(year, week, 1)
            return first, first + dt.timedelta(days=6)
        if g is Granularity.MONTH:
            year, month = int(v[:4]), int(v[5:7])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if g is Granularity.SEASON:
            year = int(v[:4])
            first_month, last_month = _SEASON_MONTHS[v[5:]]
            last_year = year + (last_month - 1) // 12
            last_month = (last_month - 1) % 12 + 1
            return (
                dt.date(year, first_month, 1),
                dt.date(last_year, last_month, calendar.monthrange(last_year, last_month)[1]),
            )
        if g is Granularity.YEAR:
            return dt.date(int(v), 1, 1), dt.date(int(v), 12, 31)
        if g is Granularity.DECADE:
            start = int(v[:3]) * 10
            return dt.date(start, 1, 1), dt.date(start + 9, 12, 31)
        start = int(v[:2]) * 100
        return dt.date(max(start, 1), 1, 1), dt.date(start + 99, 12, 31)

    @property
    def start(self) -> dt.date:
        return self.interval()[0]

    @property
    def end(self) -> dt.date:
        return self.interval()[1]

    def contains(self, other: FuzzyDate | dt.date) -> bool:
        """True when `other` lies wholly inside this date's interval."""
        lo, hi = self.interval()
        if isinstance(other, dt.date):
            return lo <= other <= hi
        olo, ohi = other.interval()
        return lo <= olo and ohi <= hi

    def compatible(self, other: FuzzyDate) -> bool:
        """True when the two intervals overlap (they may describe the same moment)."""
        lo, hi = self.interval()
        olo, ohi = other.interval()
        return lo <= ohi and olo <= hi

    def is_finer_than(self, other: FuzzyDate) -> bool:
        return self.granularity.rank < other.granularity.rank

    def coarsen(self, granularity: Granularity) -> FuzzyDate:
        """The same date at a coarser granularity (day → month → year)."""
        if granularity.rank < self.granularity.rank:  # a decade "coarsened" to a year would invent a year
            raise ValueError(f"cannot coarsen {self.granularity} to the finer {granularity}")
        if granularity is Granularity.MONTH and self.granularity is Granularity.DAY:
            value = self.value[:7]
        elif granularity is Granularity.YEAR:
            value = f"{self.start.year:04d}"
        elif granularity is self.granularity:
            return self
        else:
            raise ValueError(f"cannot coarsen {self.granularity} to {granularity}")
        return FuzzyDate(value, granularity, self.provenance, self.confidence, self.evidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "granularity": self.granularity.value,
            "provenance": self.provenance.value,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FuzzyDate:
        return cls(
            str(data["value"]),
            Granularity(data["granularity"]),
            Provenance(data.get("provenance", "unknown")),
            float(data.get("confidence", 1.0)),
            str(data.get("evidence", "")),
        )

    def __str__(self) -> str:
        return self.value


def content_id(*parts: str) -> str:
    """A stable 16-hex-digit id from content (sqlite-utils' `hash_id` idea): same input, same id."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Document:
    """One article: its raw text, cleaned text, metadata, publication date and annotation layers."""

    raw: str
    source: str
    url: str | None = None
    title: str | None = None
    lang: str | None = None
    text: str = ""
    published: FuzzyDate | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, list[Span]] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            # The id hashes what was read, not the cleaned text, so that a better cleaner in a later
            # version does not turn a stored document into a new one (DESIGN said cleaned text; #2).
            self.id = content_id(self.source, self.raw)
        if not self.text:
            self.text = self.raw

    def layer(self, name: str) -> list[Span]:
        """The spans of one layer (empty when the layer was never assigned)."""
        return self.layers.get(name, [])

    def set_layer(self, name: str, spans: Iterable[Span]) -> None:
        self.layers[name] = sorted(spans, key=lambda s: (s.start, s.end))

    def sentence_of(self, offset: int) -> Span | None:
        """The sentence that contains character `offset` of `text`."""
        for sentence in self.layer("sentences"):
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "lang": self.lang,
            "published": self.published.to_dict() if self.published else None,
            "meta": self.meta,
            "raw": self.raw,
            "text": self.text,
            "layers": {name: [s.to_dict() for s in spans] for name, spans in self.layers.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        published = data.get("published")
        return cls(
            raw=str(data["raw"]),
            source=str(data["source"]),
            url=data.get("url"),
            title=data.get("title"),
            lang=data.get("lang"),
            text=str(data.get("text") or data["raw"]),
            published=FuzzyDate.from_dict(published) if published else None,
            meta=dict(data.get("meta") or {}),
            layers={
                name: [Span.from_dict(s) for s in spans] for name, spans in (data.get("layers") or {}).items()
            },
            id=str(data.get("id") or ""),
        )

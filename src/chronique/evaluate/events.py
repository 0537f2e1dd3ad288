"""Event extraction scored against annotated events: the dev articles' `events`, the seeds' gold.json.

Each reference document runs through the per-document pipeline (`Pipeline.default`, whatever stages
are installed). A gold event is *found* when an extracted event of the same document has the same
type family (meeting, visit and summit are one family; casualties and attack another), shares a
participant (canonical names, accents and case folded; a gold event without participants needs
none), and does not contradict the gold date or place. Gold and extracted events are paired one to
one, best fit first. Then each field of the pairs is scored: type, date, place, participants (same
set) and status.

Dates: the seeds are scored against `date_in_doc` with `dct_for_eval` as document date; the dev
articles against `date`, dated by the pipeline itself. An extracted date is right when it has the
gold value, or when it is the document date given for main news without a date of its own and lies
within a month-level gold date (the seeds accept the publication day for a meeting the text does not
date, and a day is what the document date gives).

Main events: the gold does not mark them; the first event of each document's list is its headline
event in both files, and is taken as its main event.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronique.errors import InputError
from chronique.events.mentions import family
from chronique.model import Document, FuzzyDate, Provenance, Span
from chronique.pipeline import Pipeline
from chronique.settings import Settings

__all__ = [
    "EventCase",
    "EventScores",
    "GoldEvent",
    "article_cases",
    "evaluate_events",
    "load_article_cases",
    "load_seed_cases",
    "score_document",
    "summary_rows",
]


def _fold(name: str | None) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    return " ".join(
        "".join(c for c in text if not unicodedata.combining(c)).lower().replace("-", " ").split()
    )


@dataclass(frozen=True, slots=True)
class GoldEvent:
    type: str
    date: str | None
    place: str | None
    participants: tuple[str, ...]
    status: str | None = None
    main: bool = False
    evidence: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, main: bool, seeds: bool) -> GoldEvent:
        date = data.get("date_in_doc") if seeds else data.get("date")
        return cls(
            str(data["type"]),
            str(date) if date else None,
            data.get("place") or None,
            tuple(data.get("participants") or ()),
            data.get("status"),
            main,
            str(data.get("evidence", "")),
        )


@dataclass(slots=True)
class EventCase:
    """A document to run and the events it must give."""

    id: str
    doc: Document
    gold: list[GoldEvent]
    group: str = ""


@dataclass(slots=True)
class Pair:
    gold: GoldEvent
    span: Span

    def _date(self) -> FuzzyDate | None:
        data = self.span.attrs.get("date")
        return FuzzyDate.from_dict(data) if data else None

    @property
    def type_ok(self) -> bool:
        return self.span.label == self.gold.type

    @property
    def date_ok(self) -> bool:
        got = self._date()
        if self.gold.date is None or got is None:
            return self.gold.date is None and got is None
        if got.value == self.gold.date:
            return True
        gold = FuzzyDate.parse(self.gold.date)
        return got.evidence == "document date" and gold.granularity.value == "month" and gold.contains(got)

    @property
    def place_ok(self) -> bool:
        place = self.span.attrs.get("place")
        return _fold(place.get("name") if place else None) == _fold(self.gold.place)

    @property
    def participants_ok(self) -> bool:
        return _names(self.span) == {_fold(n) for n in self.gold.participants}

    @property
    def status_ok(self) -> bool | None:
        return None if self.gold.status is None else self.span.attrs.get("status") == self.gold.status


def _names(span: Span) -> set[str]:
    return {_fold(p.get("name")) for p in span.attrs.get("participants") or ()}


def _fits(gold: GoldEvent, span: Span) -> float | None:
    """How well an extracted event fits a gold one, or None when it cannot be that event."""
    if family(span.label) != family(gold.type):
        return None
    names = _names(span)
    wanted = {_fold(n) for n in gold.participants}
    if wanted and not names & wanted:
        return None
    data = span.attrs.get("date")
    if gold.date and data and not FuzzyDate.parse(gold.date).compatible(FuzzyDate.from_dict(data)):
        return None
    place = span.attrs.get("place")
    if gold.place and place and _fold(place.get("name")) != _fold(gold.place):
        return None
    pair = Pair(gold, span)
    overlap = len(names & wanted) / len(names | wanted) if names | wanted else 1.0
    return overlap + pair.type_ok + pair.date_ok + pair.place_ok


@dataclass(slots=True)
class DocumentResult:
    case: EventCase
    pairs: list[Pair]
    missed: list[GoldEvent]
    extra: list[Span]


def score_document(case: EventCase, spans: Sequence[Span]) -> DocumentResult:
    """Pair one document's gold events with its extracted events (best fit first, one to one)."""
    options = sorted(
        (
            (fit, g, s)
            for g, gold in enumerate(case.gold)
            for s, span in enumerate(spans)
            if (fit := _fits(gold, span)) is not None
        ),
        key=lambda o: -o[0],
    )
    used_gold: set[int] = set()
    used_span: set[int] = set()
    pairs: list[tuple[int, Pair]] = []
    for _, g, s in options:
        if g in used_gold or s in used_span:
            continue
        used_gold.add(g)
        used_span.add(s)
        pairs.append((g, Pair(case.gold[g], spans[s])))
    return DocumentResult(
        case,
        [p for _, p in sorted(pairs, key=lambda x: x[0])],
        [g for n, g in enumerate(case.gold) if n not in used_gold],
        [s for n, s in enumerate(spans) if n not in used_span],
    )


@dataclass(slots=True)
class EventScores:
    results: list[DocumentResult] = field(default_factory=list)

    def add(self, result: DocumentResult) -> None:
        self.results.append(result)

    @property
    def pairs(self) -> list[Pair]:
        return [p for r in self.results for p in r.pairs]

    @property
    def gold(self) -> int:
        return sum(len(r.case.gold) for r in self.results)

    @property
    def extracted(self) -> int:
        return sum(len(r.pairs) + len(r.extra) for r in self.results)

    @property
    def recall(self) -> float:
        return len(self.pairs) / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        """Extracted events that are gold events (a lower bound: the gold does not list every event)."""
        return len(self.pairs) / self.extracted if self.extracted else 0.0

    def right(self, name: str) -> int:
        """How many found events have field `name` right (a count: it cannot fall as recall rises)."""
        return sum(1 for p in self.pairs if getattr(p, f"{name}_ok") is True)

    def accuracy(self, name: str) -> float | None:
        """Share of found events whose field `name` (type, date, place, participants, status) is right.

        None when no found event has that field in the gold (the dev articles give no status).
        """
        values = [getattr(p, f"{name}_ok") for p in self.pairs]
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    @property
    def all_right(self) -> float:
        """Share of gold events found with every field right."""
        right = [
            p
            for p in self.pairs
            if p.type_ok and p.date_ok and p.place_ok and p.participants_ok and p.status_ok is not False
        ]
        return len(right) / self.gold if self.gold else 0.0

    @property
    def main_date_place(self) -> float:
        """Share of gold main events found with the right date and place."""
        mains = [g for r in self.results for g in r.case.gold if g.main]
        right = [p for p in self.pairs if p.gold.main and p.date_ok and p.place_ok]
        return len(right) / len(mains) if mains else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": len(self.results),
            "gold": self.gold,
            "extracted": self.extracted,
            "found": len(self.pairs),
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            **{name: _round(self.accuracy(name)) for name in _FIELDS},
            **{f"{name}_right": self.right(name) for name in _FIELDS},
            "all_right": round(self.all_right, 4),
            "main_date_place": round(self.main_date_place, 4),
        }


_FIELDS = ("type", "date", "place", "participants", "status")


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def load_seed_cases(folder: Path) -> list[EventCase]:
    """The seeds with their gold events; `dct_for_eval` is given as the document date."""
    from chronique.readers import read_text

    gold_file = folder / "gold.json"
    if not gold_file.is_file():
        raise InputError(str(folder), "no gold.json in this folder", "pass the seeds folder of ../shared")
    documents = json.loads(gold_file.read_text(encoding="utf-8"))["documents"]
    cases = []
    for name, gold in sorted(documents.items()):
        if not gold.get("events"):
            continue
        dct = FuzzyDate.parse(gold["dct_for_eval"], provenance=Provenance.METADATA, evidence="dct_for_eval")
        doc = read_text((folder / name).read_text(encoding="utf-8"), name, lang=gold.get("lang"))
        doc.published = dct
        events = [GoldEvent.from_dict(e, main=n == 0, seeds=True) for n, e in enumerate(gold["events"])]
        cases.append(EventCase(name, doc, events, "seeds"))
    return cases


def load_article_cases(path: Path) -> list[EventCase]:
    """Dev articles (JSONL: `id`, `text`, `url`, `lang`, `events`); the pipeline dates them itself."""
    cases = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}", f"not JSON ({exc.msg})") from exc
            cases += article_cases([record], source=f"{path}:{number}")
    return cases


def article_cases(records: Iterable[dict[str, Any]], *, source: str = "record") -> list[EventCase]:
    """Cases from parsed article records (`text`, `events`, and `id`, `url`, `lang` when known)."""
    from chronique.readers import read_text

    cases = []
    for number, record in enumerate(records, 1):
        try:
            case_id = str(record.get("id") or f"{source}#{number}")
            doc = read_text(str(record["text"]), case_id, url=record.get("url"), lang=record.get("lang"))
            events = [
                GoldEvent.from_dict(e, main=n == 0, seeds=False)
                for n, e in enumerate(record.get("events") or [])
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                source, f"not an annotated article ({exc})", "each line needs text and events"
            ) from exc
        cases.append(EventCase(case_id, doc, events, str(record.get("group") or "")))
    return cases


def evaluate_events(cases: Iterable[EventCase], *, settings: Settings | None = None) -> EventScores:
    """Run the per-document pipeline on every case and score its `events` layer."""
    pipeline = Pipeline.default(settings)
    scores = EventScores()
    for case in cases:
        doc = pipeline(case.doc)
        scores.add(score_document(case, doc.layer("events")))
    return scores


def summary_rows(runs: Sequence[tuple[str, EventScores]]) -> list[dict[str, Any]]:
    """One row per run (the `chronique eval events` table)."""
    return [{"set": name, **scores.as_dict()} for name, scores in runs]

"""Figures across sources: one quantity reported with different values (#5).

Two figures count the same quantity when they count the same thing (the `figures` label and unit: deaths,
refugees …), about the same place (the countries, regions and cities named in their sentences share
one), and are of the same order of magnitude (a death toll of 330,000 and of "des centaines de
milliers" are one quantity; 33 soldiers killed in Idlib is another). A quantity given with different
values by different documents is a conflict, shown side by side with each source and its date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chronique.model import Document, FuzzyDate, content_id

__all__ = ["FigureConflict", "FigureMention", "figure_conflicts", "figures_of"]

# Figures whose values differ by less than this ratio are the same value ("près d'un million" and
# "1 million"); a ratio above MAX_RATIO is another quantity. Tuned by hand on the seeds' death tolls.
SAME_VALUE_RATIO = 1.05
MAX_RATIO = 4.0
_PLACE_KINDS = frozenset({"country", "region", "city"})


@dataclass(frozen=True, slots=True)
class FigureMention:
    doc_id: str
    label: str
    unit: str
    value: float
    approx: bool
    text: str
    sentence: str
    start: int
    end: int
    places: tuple[str, ...]
    published: FuzzyDate | None
    url: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "value": self.value,
            "approx": self.approx,
            "text": self.text,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "published": self.published.value if self.published else None,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class FigureConflict:
    """One quantity, several values."""

    id: str
    quantity: str
    unit: str
    place: str
    values: tuple[FigureMention, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "quantity": self.quantity,
            "unit": self.unit,
            "place": self.place,
            "values": [v.to_dict() for v in self.values],
        }


def figures_of(doc: Document) -> list[FigureMention]:
    """The figures of one document with the places named in their sentences."""
    places_by_sentence: dict[tuple[int, int], set[str]] = defaultdict(set)
    entity_spans = [s for s in doc.layer("entities") if s.label in _PLACE_KINDS]
    figures = []
    for span in doc.layer("figures"):
        attrs = span.attrs
        try:
            value = float(attrs.get("value"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        bounds = attrs.get("sentence") or [span.start, span.end]
        sent = (int(bounds[0]), int(bounds[1]))
        if sent not in places_by_sentence:
            places_by_sentence[sent] = {
                str(e.attrs.get("name") or e.attrs.get("entity_id"))
                for e in entity_spans
                if sent[0] <= e.start and e.end <= sent[1]
            }
        figures.append(
            FigureMention(
                doc.id,
                span.label,
                str(attrs.get("unit") or ""),
                value,
                bool(attrs.get("approx", False)),
                span.text_of(doc.text),
                " ".join(doc.text[sent[0] : sent[1]].split()),
                span.start,
                span.end,
                tuple(sorted(places_by_sentence[sent])),
                doc.published,
                doc.url,
            )
        )
    return figures


def figure_conflicts(
    figures: Iterable[FigureMention], published: Mapping[str, FuzzyDate | None] | None = None
) -> list[FigureConflict]:
    """Quantities that several documents give with different values."""
    groups: dict[tuple[str, str, str], list[FigureMention]] = defaultdict(list)
    for figure in figures:
        for place in figure.places:
            groups[(figure.label, figure.unit, place)].append(figure)
    conflicts: dict[str, FigureConflict] = {}
    for (label, unit, place), members in sorted(groups.items()):
        members.sort(key=lambda f: (f.value, f.doc_id, f.start))
        runs: list[list[FigureMention]] = []
        for figure in members:
            if runs and figure.value <= runs[-1][-1].value * MAX_RATIO:
                runs[-1].append(figure)
            else:
                runs.append([figure])
        for run in runs:
            if len({f.doc_id for f in run}) < 2 or run[-1].value <= run[0].value * SAME_VALUE_RATIO:
                continue
            key = content_id("figures", label, unit, *sorted(f"{f.doc_id}:{f.start}" for f in run))
            if key not in conflicts:
                values = tuple(_with_published(f, (published or {}).get(f.doc_id)) for f in run)
                conflicts[key] = FigureConflict(key, label, unit, place, values)
    return sorted(conflicts.values(), key=lambda c: (c.quantity, c.place, c.id))


def _with_published(figure: FigureMention, published: FuzzyDate | None) -> FigureMention:
    if published is None or published == figure.published:
        return figure
    return FigureMention(
        figure.doc_id,
        figure.label,
        figure.unit,
        figure.value,
        figure.approx,
        figure.text,
        figure.sentence,
        figure.start,
        figure.end,
        figure.places,
        published,
        figure.url,
    )

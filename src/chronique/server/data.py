"""The server's read side: timeline entries, documents and their filters, over one open store (#6).

The timeline itself comes from `chronique.timeline` (the same call as `chronique timeline`); this module
only adds what the web page needs around it (a source filter, grouping by date, lookups by id).
"""

from __future__ import annotations

import importlib
import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chronique.errors import StoreError
from chronique.model import Document, FuzzyDate
from chronique.search import document_filters, entity_index
from chronique.server.render import headline, outlet
from chronique.store import Store

__all__ = [
    "EVENT_TYPES",
    "Entry",
    "TimelineFilters",
    "borrowed_date",
    "entity_entries",
    "entries_of_document",
    "export",
    "find_entry",
    "get_document",
    "group_by_year",
    "involves",
    "list_documents",
    "outlets",
    "source_paths",
    "story_of",
    "timeline_entries",
]

# The event types of docs/architecture.md, in the order the filter menu shows them.
EVENT_TYPES = (
    "meeting",
    "visit",
    "phone_call",
    "summit",
    "agreement",
    "statement",
    "attack",
    "casualties",
    "election",
    "disaster",
    "trial",
    "sport",
    "economy",
    "other",
)


class Entry(Protocol):
    """A timeline entry as `chronique.timeline` gives it."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class TimelineFilters:
    """The filters of `chronique timeline`, plus `source` (part of a source path or URL)."""

    entities: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    main_only: bool = False
    lang: str | None = None

    def params(self) -> dict[str, Any]:
        """The query parameters that give these filters back."""
        return {
            "entity": list(self.entities),
            "type": list(self.types),
            "from": self.date_from,
            "to": self.date_to,
            "source": self.source,
            "main_only": "true" if self.main_only else None,
            "lang": self.lang,
        }

    @property
    def active(self) -> bool:
        return bool(
            self.entities or self.types or self.date_from or self.date_to or self.source or self.main_only
        )


def _timeline_module() -> Any:
    try:
        return importlib.import_module("chronique.timeline")
    except ImportError as exc:
        raise StoreError(f"the timeline is not available in this installation ({exc})") from exc


def timeline_entries(store: Store, filters: TimelineFilters) -> list[Entry]:
    """`chronique.timeline.timeline` with these filters, then the source filter."""
    kwargs: dict[str, Any] = {
        "entities": filters.entities,
        "types": filters.types,
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "main_only": filters.main_only,
    }
    if filters.lang:  # otherwise the timeline's own default, as `chronique timeline` without --lang
        kwargs["lang"] = filters.lang
    entries: list[Entry] = list(_timeline_module().timeline(store, **kwargs))
    if filters.source:
        where, params = document_filters(source=filters.source)
        wanted = {
            r[0] for r in store.connection.execute("SELECT d.id FROM documents d WHERE " + where[0], params)
        }
        entries = [
            e for e in entries if any(s.get("doc_id") in wanted for s in e.to_dict().get("sources", []))
        ]
    return entries


def export(entries: Sequence[Entry], fmt: str) -> str:
    """The entries in one of the timeline's export formats (json, csv, md, timelinejs)."""
    text: str = _timeline_module().export(list(entries), fmt)
    return text


def find_entry(store: Store, entry_id: str, *, lang: str | None = None) -> Entry | None:
    for entry in timeline_entries(store, TimelineFilters(lang=lang)):
        if entry.to_dict().get("id") == entry_id:
            return entry
    return None


def entries_of_document(store: Store, doc_id: str, *, lang: str | None = None) -> list[dict[str, Any]]:
    """The timeline entries one of whose sources is this document."""
    try:
        entries = timeline_entries(store, TimelineFilters(lang=lang))
    except StoreError:
        return []
    found = []
    for entry in entries:
        entry_dict = entry.to_dict()
        if any(s.get("doc_id") == doc_id for s in entry_dict.get("sources", [])):
            found.append(entry_dict)
    return found


def entity_entries(store: Store, entity_id: str, *, lang: str | None = None) -> list[dict[str, Any]]:
    """The timeline entries with this entity as a participant or place (none when there is no timeline)."""
    try:
        entries = timeline_entries(store, TimelineFilters(entities=(entity_id,), lang=lang))
    except StoreError:
        return []
    return [d for d in (e.to_dict() for e in entries) if involves(d, entity_id)]


def involves(entry: dict[str, Any], entity_id: str) -> bool:
    place = entry.get("place") or {}
    return any(p.get("id") == entity_id for p in entry.get("participants", [])) or (
        isinstance(place, dict) and place.get("id") == entity_id
    )


def group_by_year(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{year, dates: [{value, granularity, entries}]}] in the entries' order; undated ones last."""
    years: list[dict[str, Any]] = []
    undated: list[dict[str, Any]] = []
    for entry in entries:
        value = entry.get("date")
        if not value:
            undated.append(entry)
            continue
        year = str(value)[:4]
        if not years or years[-1]["year"] != year:
            years.append({"year": year, "dates": []})
        dates = years[-1]["dates"]
        if not dates or dates[-1]["value"] != value:
            dates.append({"value": value, "granularity": entry.get("granularity"), "entries": []})
        dates[-1]["entries"].append(entry)
    if undated:
        years.append({"year": None, "dates": [{"value": None, "granularity": None, "entries": undated}]})
    return years


def list_documents(
    store: Store,
    *,
    source: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    entity: str | None = None,
    lang: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of document rows (newest first, undated last) and the number of matching documents."""
    entity_ids = entity_index(store).lookup(entity) if entity else None
    where, params = document_filters(
        date_from=date_from, date_to=date_to, entity_ids=entity_ids, source=source, lang=lang
    )
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    conn = store.connection
    total = int(conn.execute(f"SELECT count(*) FROM documents d{clause}", params).fetchone()[0])
    ids = [
        r[0]
        for r in conn.execute(
            f"SELECT d.id FROM documents d{clause} "
            "ORDER BY d.published_start IS NULL, d.published_start DESC, d.seq LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    ]
    rows = []
    for doc in store.iter_documents(ids, layers=False):
        rows.append(
            {
                "id": doc.id,
                "title": doc.title,
                "headline": headline(doc.title, doc.text),
                "url": doc.url,
                "source": doc.source,
                "lang": doc.lang,
                "published": doc.published.to_dict() if doc.published else None,
                "chars": len(doc.text),
            }
        )
    return rows, total


def outlets(store: Store, *, limit: int = 200) -> list[str]:
    """The sites (or folders' files) the documents come from, most frequent first, for the source filter."""
    counts: Counter[str] = Counter(
        outlet(url, source) for url, source in store.connection.execute("SELECT url, source FROM documents")
    )
    return [name for name, _ in counts.most_common(limit)]


def source_paths(store: Store, entries: Sequence[dict[str, Any]]) -> dict[str, str]:
    """doc_id → source path of every document the entries cite (to name sources that have no URL)."""
    ids = {s.get("doc_id") for e in entries for s in e.get("sources", [])}
    ids |= {
        v.get("doc_id")
        for e in entries
        for f in (e.get("conflicts") or {}).get("figures", [])
        for v in f.get("values", [])
    }
    ids.discard(None)
    found: dict[str, str] = {}
    ordered = sorted(str(i) for i in ids)
    for lo in range(0, len(ordered), 500):  # SQLite's parameter limit
        chunk = ordered[lo : lo + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(
            store.connection.execute(f"SELECT id, source FROM documents WHERE id IN ({marks})", chunk)
        )
    return found


def borrowed_date(store: Store, doc_id: str) -> FuzzyDate | None:
    """The date the linker gave a document from the documents it links to (#5), if any."""
    try:
        row = store.connection.execute(
            "SELECT date_json FROM borrowed_dates WHERE doc_id = ?", (doc_id,)
        ).fetchone()
    except sqlite3.OperationalError:  # a store that was never linked
        return None
    return FuzzyDate.from_dict(json.loads(row[0])) if row else None


def story_of(store: Store, doc_id: str) -> dict[str, Any]:
    """The document's story (duplicate group): its id, the document it duplicates, the other members."""
    story_id, duplicate_of, similarity = store.connection.execute(
        "SELECT story_id, duplicate_of, similarity FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    others = [
        r[0]
        for r in store.connection.execute(
            "SELECT id FROM documents WHERE story_id = ? AND id != ? ORDER BY seq LIMIT 50",
            (story_id, doc_id),
        )
    ]
    return {"id": story_id, "duplicate_of": duplicate_of, "similarity": similarity, "others": others}


def get_document(store: Store, doc_id: str) -> Document | None:
    """The stored document (full id, or an unambiguous prefix of at least 4 hex digits), or None."""
    if not store.contains(doc_id):
        try:
            doc_id = store.resolve(doc_id)
        except StoreError:
            return None
    return store.get(doc_id)

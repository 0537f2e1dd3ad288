"""The store's entity tables: canonical entities seen in the corpus, their aliases and counts (#4)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chronique.entities.gazetteer import registry
from chronique.errors import StoreError
from chronique.model import Document

if TYPE_CHECKING:
    from chronique.store import Store

__all__ = ["EntityRow", "index_entities", "list_entities"]


@dataclass(frozen=True, slots=True)
class EntityRow:
    """One canonical entity of the store, with the aliases seen and how often."""

    id: str
    name: str
    type: str
    known: bool
    mentions: int
    documents: int
    aliases: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "known": self.known,
            "mentions": self.mentions,
            "documents": self.documents,
            "aliases": self.aliases,
        }


def _missing_table(store: Store, exc: sqlite3.Error) -> StoreError:
    return StoreError(
        f"{store.path}: no entity tables ({exc}); open the database once for writing with this chronique "
        "to migrate it"
    )


def index_entities(store: Store, docs: Iterable[Document]) -> int:
    """Record the `entities` layer of `docs` (already stored) in the entity tables; returns mentions indexed.

    Call it after `Store.add` or `Store.update` with the same documents; re-indexing replaces a
    document's rows.
    """
    known = registry()
    total = 0
    try:
        with store.transaction() as conn:
            for doc in docs:
                conn.execute("DELETE FROM entity_mentions WHERE doc_id = ?", (doc.id,))
                counts: Counter[tuple[str, str]] = Counter()
                for span in doc.layer("entities"):
                    entity_id = str(span.attrs.get("entity_id") or "")
                    if not entity_id:
                        continue
                    conn.execute(
                        "INSERT INTO entities (id, name, type, known) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT(id) DO UPDATE SET known = max(known, excluded.known)",
                        (
                            entity_id,
                            str(span.attrs.get("name") or entity_id),
                            span.label,
                            int(known.get(entity_id) is not None),
                        ),
                    )
                    counts[(entity_id, " ".join(doc.text[span.start : span.end].split()))] += 1
                conn.executemany(
                    "INSERT INTO entity_mentions (doc_id, entity_id, alias, lang, count) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(doc.id, e, alias, doc.lang or "", n) for (e, alias), n in counts.items()],
                )
                total += sum(counts.values())
    except sqlite3.OperationalError as exc:
        raise _missing_table(store, exc) from exc
    return total


def list_entities(store: Store, *, type: str | None = None, limit: int | None = None) -> list[EntityRow]:
    """Canonical entities of the store, most mentioned first, with their aliases and counts.

    Read from the entity tables; a store whose documents were never indexed is read from their
    `entities` layers instead (same answer, slower).
    """
    try:
        rows = store.connection.execute(
            "SELECT m.doc_id, e.id, e.name, e.type, e.known, m.alias, m.count "
            "FROM entities e JOIN entity_mentions m ON m.entity_id = e.id"
        ).fetchall()
    except sqlite3.OperationalError:
        rows = []
    if not rows:
        known = registry()
        for doc in store.iter_documents():
            for span in doc.layer("entities"):
                entity_id = str(span.attrs.get("entity_id") or "")
                if entity_id:
                    alias = " ".join(doc.text[span.start : span.end].split())
                    name = str(span.attrs.get("name") or entity_id)
                    rows.append(
                        (doc.id, entity_id, name, span.label, known.get(entity_id) is not None, alias, 1)
                    )
    grouped: dict[str, dict[str, Any]] = {}
    for doc_id, entity_id, name, kind, is_known, alias, count in rows:
        if type and kind != type:
            continue
        entry = grouped.setdefault(
            entity_id,
            {"name": name, "type": kind, "known": bool(is_known), "aliases": Counter(), "docs": set()},
        )
        entry["aliases"][alias] += int(count)
        entry["docs"].add(doc_id)
    found = [
        EntityRow(
            id=entity_id,
            name=e["name"],
            type=e["type"],
            known=e["known"],
            mentions=sum(e["aliases"].values()),
            documents=len(e["docs"]),
            aliases=dict(sorted(e["aliases"].items(), key=lambda kv: (-kv[1], kv[0]))),
        )
        for entity_id, e in grouped.items()
    ]
    found.sort(key=lambda r: (-r.mentions, r.name))
    return found[:limit] if limit else found

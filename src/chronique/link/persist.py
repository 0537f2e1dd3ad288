"""The linker's tables in the store (migration 0020): load what earlier runs linked, link the documents
added since, write back what changed, in one transaction.

Loading rebuilds the clusters and their block index from the stored mentions (linear, no comparison);
only the new documents' mentions are compared, each with the few clusters its block keys find.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from chronique.errors import StoreError
from chronique.link import LinkReport, LinkState, link_documents
from chronique.link.cluster import Cluster, Linker, block_keys, dated_by_itself
from chronique.link.figures import FigureConflict, figures_of
from chronique.link.mentions import EventMention
from chronique.model import Document, FuzzyDate

__all__ = ["BATCH_DOCUMENTS", "StoredLinker", "cluster_record", "link_store", "load_state"]

# Documents read and linked at a time: bounds memory on large stores; clusters carry over batches.
BATCH_DOCUMENTS = 500
_TABLES = (
    "event_mentions",
    "event_clusters",
    "cluster_keys",
    "borrowed_dates",
    "figure_conflicts",
    "linked_documents",
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _connection(store: Any) -> sqlite3.Connection:
    conn = getattr(store, "connection", store)
    if not isinstance(conn, sqlite3.Connection):
        raise StoreError(f"{store!r} is not a chronique store; open one with chronique.store.open_store")
    try:
        conn.execute("SELECT 1 FROM event_clusters LIMIT 1")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            "the store has no linking tables (migration 0020); open it once for writing "
            "(e.g. `chronique add`) to migrate it"
        ) from exc
    return conn


def load_state(store: Any) -> LinkState:
    """Clusters, borrowed dates and document dates as the last linking run left them."""
    conn = _connection(store)
    state = LinkState()
    members: defaultdict[str, list[EventMention]] = defaultdict(list)
    for cluster_id, data in conn.execute(
        "SELECT cluster_id, data FROM event_mentions ORDER BY cluster_id, key"
    ):
        members[cluster_id].append(EventMention.from_dict(json.loads(data)))
    for cluster_id, mentions in members.items():
        state.linker.restore(cluster_id, mentions)
    for (data,) in conn.execute("SELECT data FROM event_clusters"):
        for entity_id, names in json.loads(data).get("aliases", {}).items():
            state.aliases[entity_id].update(names)
    for doc_id, published in conn.execute(
        "SELECT d.id, d.published_json FROM documents d JOIN linked_documents l ON l.doc_id = d.id"
    ):
        state.published[doc_id] = FuzzyDate.from_dict(json.loads(published)) if published else None
    for doc_id, date_json, evidence in conn.execute("SELECT doc_id, date_json, evidence FROM borrowed_dates"):
        state.borrowed[doc_id] = FuzzyDate.from_dict(json.loads(date_json))
        state.borrowed_evidence[doc_id] = json.loads(evidence)
    return state


def load_figure_conflicts(store: Any) -> list[dict[str, Any]]:
    conn = _connection(store)
    return [
        json.loads(data)
        for (data,) in conn.execute("SELECT data FROM figure_conflicts ORDER BY quantity, id")
    ]


# SQLite's default limit of host parameters is 999 (older builds): ids are fetched in chunks below it.
_CHUNK = 500


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class StoredLinker(Linker):
    """A linker that loads stored clusters on demand: those filed under the keys new mentions look up,
    and those of documents being dated again; the rest of the store is never read."""

    def __init__(self, conn: sqlite3.Connection, state: LinkState) -> None:
        super().__init__()
        self._conn = conn
        self._state = state
        self._fetched: set[tuple[str, str, str]] = set()
        self._docs_fetched: set[str] = set()
        self._all_documents = False  # the dates of every linked document read in (`documents`)

    def _load(self, cluster_ids: Iterable[str]) -> None:
        wanted = sorted({c for c in cluster_ids if c not in self.clusters and c not in self.gone})
        members: defaultdict[str, list[EventMention]] = defaultdict(list)
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for cluster_id, data in self._conn.execute(
                f"SELECT cluster_id, data FROM event_mentions WHERE cluster_id IN ({marks}) "
                "ORDER BY cluster_id, key",
                chunk,
            ):
                members[cluster_id].append(EventMention.from_dict(json.loads(data)))
            for (data,) in self._conn.execute(
                f"SELECT data FROM event_clusters WHERE id IN ({marks})", chunk
            ):
                for entity_id, names in json.loads(data).get("aliases", {}).items():
                    self._state.aliases[entity_id].update(names)
        for cluster_id, mentions in members.items():
            self.restore(cluster_id, mentions)
        self._load_documents(sorted({m.doc_id for ms in members.values() for m in ms}))

    def _load_documents(self, doc_ids: list[str]) -> None:
        """The dates of documents whose mentions were loaded: their own, and borrowed ones."""
        state = self._state
        missing = [d for d in doc_ids if d not in state.published]
        for chunk in _chunks(missing):
            marks = ",".join("?" * len(chunk))
            for doc_id, published in self._conn.execute(
                f"SELECT id, published_json FROM documents WHERE id IN ({marks})", chunk
            ):
                state.published[doc_id] = FuzzyDate.from_dict(json.loads(published)) if published else None
            for doc_id, date_json, evidence in self._conn.execute(
                f"SELECT doc_id, date_json, evidence FROM borrowed_dates WHERE doc_id IN ({marks})", chunk
            ):
                state.borrowed.setdefault(doc_id, FuzzyDate.from_dict(json.loads(date_json)))
                state.borrowed_evidence.setdefault(doc_id, json.loads(evidence))

    def _filed_under(self, family: str, key: str, bucket: str) -> set[str]:
        if (family, key, bucket) not in self._fetched:
            self._fetched.add((family, key, bucket))
            rows = self._conn.execute(
                "SELECT cluster_id FROM cluster_keys WHERE family = ? AND key = ? AND bucket = ?",
                (family, key, bucket),
            )
            self._load(r[0] for r in rows)
        return super()._filed_under(family, key, bucket)

    def _load_key(self, family: str, key: str) -> None:
        """Load every stored cluster filed under `key` (once)."""
        if (family, key, "") not in self._fetched:
            self._fetched.add((family, key, ""))
            rows = self._conn.execute(
                "SELECT DISTINCT cluster_id FROM cluster_keys WHERE family = ? AND key = ?", (family, key)
            )
            self._load(r[0] for r in rows)

    def _every(self, family: str, key: str) -> set[str]:
        self._load_key(family, key)
        return super()._every(family, key)

    def _count(self, family: str, key: str) -> int:
        self._load_key(family, key)
        return super()._count(family, key)

    def documents(self, published: Mapping[str, FuzzyDate | None]) -> list[str]:
        """Every document linked so far: their own and borrowed dates are read in once."""
        if not self._all_documents:
            self._all_documents = True
            state = self._state
            for doc_id, published_json in self._conn.execute(
                "SELECT d.id, d.published_json FROM documents d JOIN linked_documents l ON l.doc_id = d.id"
            ):
                if doc_id not in state.published:
                    state.published[doc_id] = (
                        FuzzyDate.from_dict(json.loads(published_json)) if published_json else None
                    )
            for doc_id, date_json, evidence in self._conn.execute(
                "SELECT doc_id, date_json, evidence FROM borrowed_dates"
            ):
                state.borrowed.setdefault(doc_id, FuzzyDate.from_dict(json.loads(date_json)))
                state.borrowed_evidence.setdefault(doc_id, json.loads(evidence))
        return super().documents(published)

    def keys_of_doc(self, doc_id: str) -> set[str]:
        """Read from the stored mentions, without loading their clusters."""
        if doc_id in self._docs_fetched:
            return super().keys_of_doc(doc_id)
        rows = self._conn.execute("SELECT data FROM event_mentions WHERE doc_id = ?", (doc_id,))
        mentions = [EventMention.from_dict(json.loads(data)) for (data,) in rows]
        stored = {key for m in mentions if not dated_by_itself(m) for key in block_keys(m)}
        return stored | super().keys_of_doc(doc_id)  # with those linked in this run

    def mentions_of_doc(self, doc_id: str) -> list[EventMention]:
        if doc_id not in self._docs_fetched:
            self._docs_fetched.add(doc_id)
            rows = self._conn.execute(
                "SELECT DISTINCT cluster_id FROM event_mentions WHERE doc_id = ?", (doc_id,)
            )
            self._load(r[0] for r in rows)
        return super().mentions_of_doc(doc_id)


def cluster_record(cluster: Cluster, aliases: dict[str, set[str]]) -> dict[str, Any]:
    """The merged facts of a cluster, as stored in `event_clusters.data` (readable with any SQLite tool)."""
    place = cluster.place
    return {
        "type": cluster.type,
        "date": cluster.date.to_dict() if cluster.date else None,
        "conflicts": [c.to_dict() for c in cluster.conflicts],
        "participants": [p.to_dict() for p in cluster.participants],
        "place": place.to_dict() if place else None,
        "status": cluster.status,
        "main": cluster.main,
        "sources": cluster.doc_ids,
        "aliases": {
            pid: sorted(aliases.get(pid, ()))
            for pid in sorted(cluster.participant_ids | {p.entity_id for p in cluster.places})
            if aliases.get(pid)
        },
    }


def _batches(store: Any, ids: list[str]) -> Iterator[list[Document]]:
    for i in range(0, len(ids), BATCH_DOCUMENTS):
        yield list(store.iter_documents(ids[i : i + BATCH_DOCUMENTS]))


def link_store(store: Any, *, relink: bool = False) -> LinkReport:
    """Link the documents not linked yet (all with `relink`) and write the result back."""
    conn = _connection(store)
    if relink:
        with store.transaction():
            for table in _TABLES:
                conn.execute(f"DELETE FROM {table}")
    stored = conn.execute("SELECT 1 FROM event_clusters LIMIT 1").fetchone() is not None
    indexed = conn.execute("SELECT 1 FROM cluster_keys LIMIT 1").fetchone() is not None
    if stored and not indexed:
        # Linked before the stored index existed (migration 0021): load everything once, write it.
        state = load_state(store)
        backfill = set(state.linker.clusters)
    else:
        state = LinkState()
        state.linker = StoredLinker(conn, state)
        backfill = set()
    new_ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM linked_documents) ORDER BY seq"
        )
    ]
    touched: set[str] = set(backfill)
    redated: set[str] = set()
    undated: set[str] = set()
    mentions = 0
    for batch in _batches(store, new_ids):
        result = link_documents(batch, state=state, load=lambda ids: store.iter_documents(ids), figures=())
        touched |= result.touched
        redated |= result.redated
        undated |= result.undated
        mentions += sum(len(doc.layer("events")) for doc in batch)
    conflicts = _figure_conflicts(store, conn, state) if new_ids else None
    with store.transaction():
        _write(conn, state, touched, redated - (undated - set(state.borrowed)), new_ids, conflicts)
        conn.executemany(
            "DELETE FROM borrowed_dates WHERE doc_id = ?",
            [(d,) for d in sorted(undated) if d not in state.borrowed],
        )
    return LinkReport(
        documents=len(new_ids),
        mentions=mentions,
        clusters=int(conn.execute("SELECT count(*) FROM event_clusters").fetchone()[0]),
        touched=len(touched),
        borrowed=len(redated),
        figure_conflicts=len(conflicts) if conflicts is not None else 0,
    )


def _figure_conflicts(store: Any, conn: sqlite3.Connection, state: LinkState) -> list[FigureConflict]:
    from chronique.link.figures import figure_conflicts

    ids = [r[0] for r in conn.execute("SELECT doc_id FROM layers WHERE name = 'figures' AND spans != '[]'")]
    figures = [f for batch in _batches(store, ids) for doc in batch for f in figures_of(doc)]
    borrowed = {
        doc_id: FuzzyDate.from_dict(json.loads(date_json))
        for doc_id, date_json in conn.execute("SELECT doc_id, date_json FROM borrowed_dates")
    }
    borrowed.update(state.borrowed)  # this run's, not written yet
    return figure_conflicts(figures, {f.doc_id: borrowed.get(f.doc_id) or f.published for f in figures})


def _write(
    conn: sqlite3.Connection,
    state: LinkState,
    touched: set[str],
    redated: set[str],
    new_ids: list[str],
    conflicts: list[FigureConflict] | None,
) -> None:
    linker = state.linker
    for cluster_id in sorted(touched):
        conn.execute("DELETE FROM event_mentions WHERE cluster_id = ?", (cluster_id,))
        conn.execute("DELETE FROM cluster_keys WHERE cluster_id = ?", (cluster_id,))
        cluster = linker.clusters.get(cluster_id)
        if cluster is None:  # its only mention moved to another cluster
            conn.execute("DELETE FROM event_clusters WHERE id = ?", (cluster_id,))
            continue
        conn.executemany(
            "INSERT OR IGNORE INTO cluster_keys (family, key, bucket, cluster_id) VALUES (?, ?, ?, ?)",
            [(family, key, bucket, cluster_id) for family, key, bucket in linker.filed(cluster_id)],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO event_mentions (key, doc_id, cluster_id, data) VALUES (?, ?, ?, ?)",
            [(m.key, m.doc_id, cluster_id, _dumps(m.to_dict())) for m in cluster.members],
        )
        start, end = cluster.date.interval() if cluster.date else (None, None)
        conn.execute(
            "INSERT OR REPLACE INTO event_clusters (id, family, type, date, date_start, date_end, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                cluster_id,
                cluster.family,
                cluster.type,
                cluster.date.value if cluster.date else None,
                start.isoformat() if start else None,
                end.isoformat() if end else None,
                _dumps(cluster_record(cluster, state.aliases)),
            ),
        )
    for doc_id in sorted(redated):
        date = state.borrowed[doc_id]
        conn.execute(
            "INSERT OR REPLACE INTO borrowed_dates (doc_id, value, date_json, evidence) VALUES (?, ?, ?, ?)",
            (doc_id, date.value, _dumps(date.to_dict()), _dumps(state.borrowed_evidence.get(doc_id, []))),
        )
    conn.executemany("INSERT OR IGNORE INTO linked_documents (doc_id) VALUES (?)", [(d,) for d in new_ids])
    if conflicts is not None:
        conn.execute("DELETE FROM figure_conflicts")
        conn.executemany(
            "INSERT INTO figure_conflicts (id, quantity, data) VALUES (?, ?, ?)",
            [(c.id, c.quantity, _dumps(c.to_dict())) for c in conflicts],
        )

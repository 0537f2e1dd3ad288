"""The SQLite store: documents, layers, stories (duplicate groups) and full-text search (#2).

One file, WAL, schema version in `PRAGMA user_version`, migrations as numbered SQL files in
`chronique/migrations/NNNN_name.sql` applied in order when the store is opened for writing. Writes
happen in one transaction per batch, so a crash never leaves half a document. Corpus stages that add
their own tables use `Store.connection` inside `Store.transaction()`.

    with open_store("news.db") as store:
        counts = store.add(docs)
        for row in store.documents(lang="fr", search="sécurité"):
            print(row.id, row.title)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

from chronique import dedup
from chronique.clean import SourceLines, source_key, template_candidates
from chronique.errors import QueryError, StoreError
from chronique.model import Document, FuzzyDate, Span
from chronique.settings import Settings, load_settings

__all__ = ["AddCounts", "DocumentRow", "Migration", "Store", "migrations", "open_store"]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Ids shown to users are 16 hex digits; `chronique show` accepts a prefix of at least this many.
MIN_ID_PREFIX = 4
# The migration that creates the template line statistics: documents stored before it are counted
# when it is applied.
_TEMPLATE_MIGRATION = 22
# Host parameters per `IN (…)` query: well under SQLite's limit (32,766 since 3.32, 999 before).
_SQL_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped in `chronique/migrations`, in order."""
    found = []
    for entry in resources.files("chronique").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    return found


@dataclass(frozen=True, slots=True)
class AddCounts:
    """What `Store.add` did with a batch."""

    added: int = 0
    skipped: int = 0  # already stored (same id)
    duplicates: int = 0  # added, but joined the story of a stored document


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One line of a document listing (no text, no layers)."""

    id: str
    source: str
    url: str | None
    title: str | None
    lang: str | None
    published: FuzzyDate | None
    story_id: str
    duplicate_of: str | None
    similarity: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.published.value if self.published else None,
            "lang": self.lang,
            "source": self.source,
            "title": self.title,
            "url": self.url,
            "story": self.story_id,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "published": self.published.to_dict() if self.published else None,
        }


_ROW_COLUMNS = "id, source, url, title, lang, published_json, story_id, duplicate_of, similarity"


def _row(values: Sequence[Any]) -> DocumentRow:
    published = FuzzyDate.from_dict(json.loads(values[5])) if values[5] else None
    return DocumentRow(values[0], values[1], values[2], values[3], values[4], published, *values[6:9])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class Store:
    """An open chronique database. Use `open_store`; close it (or use `with`) when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly
        self._depth = 0

    # -- opening -------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> Store:
        """Open (and, for writing, create and migrate) the database at `path`; ':memory:' works too."""
        path = Path(path)
        memory = str(path) == ":memory:"
        try:
            if readonly:
                if memory or not path.is_file():
                    raise StoreError(
                        f"{path}: no such database; create it with `chronique add FILES --db {path}`"
                    )
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            else:
                if not memory:
                    path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(path), isolation_level=None)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
        except sqlite3.Error as exc:
            raise StoreError(
                f"{path}: cannot open the database ({exc}); check the path and its permissions"
            ) from exc
        store = cls(conn, path, readonly=readonly)
        try:
            store._migrate()
        except BaseException:
            conn.close()
            raise
        return store

    def _migrate(self) -> None:
        current = self.schema_version
        known = migrations()
        latest = known[-1].version if known else 0
        if current > latest:
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this chronique knows ({latest}); "
                "upgrade chronique"
            )
        pending = [m for m in known if m.version > current]
        if not pending:
            return
        if self.readonly:
            raise StoreError(
                f"{self.path}: schema version {current} is older than {latest}; open it once for writing "
                "(e.g. `chronique add`) to migrate it"
            )
        for migration in pending:
            try:
                # One script, one transaction: a failed migration leaves the previous version intact.
                self._conn.executescript(
                    f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: migration {migration.name} failed ({exc})") from exc
        if current and any(m.version == _TEMPLATE_MIGRATION for m in pending):
            self._count_stored_template_lines()

    def _count_stored_template_lines(self) -> None:
        """Line statistics of the documents stored before they were kept (migration 0022)."""
        with self.transaction() as conn:
            rows = conn.execute("SELECT id, source, url, raw FROM documents ORDER BY seq").fetchall()
            for doc_id, source, url, raw in rows:
                self._count_template_lines(Document(raw=raw, source=source, url=url, text=" ", id=doc_id))

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for corpus stages with their own tables (write inside `transaction()`)."""
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all; nested uses join the outer transaction."""
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; open it without readonly=True to write")
        outer = self._depth == 0
        savepoint = f"sp{self._depth}"
        try:
            self._conn.execute("BEGIN IMMEDIATE" if outer else f"SAVEPOINT {savepoint}")
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: cannot start a write ({exc}); is another process writing?"
            ) from exc
        self._depth += 1
        try:
            yield self._conn
        except BaseException:
            self._depth -= 1
            self._conn.execute("ROLLBACK" if outer else f"ROLLBACK TO {savepoint}")
            if not outer:
                self._conn.execute(f"RELEASE {savepoint}")
            raise
        self._depth -= 1
        try:
            self._conn.execute("COMMIT" if outer else f"RELEASE {savepoint}")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot commit ({exc})") from exc

    def add(self, docs: Iterable[Document]) -> AddCounts:
        """Store new documents in one transaction, grouping duplicates into stories; known ids are skipped."""
        batch = list(docs)
        added = skipped = duplicates = 0
        # Hash before taking the write lock, so that other writers wait only for the inserts.
        signed = [(doc, dedup.signature(doc.text)) for doc in batch if not self.contains(doc.id)]
        try:
            with self.transaction() as conn:
                for doc, sig in signed:
                    if self.contains(doc.id):  # twice in this batch, or stored meanwhile by another process
                        skipped += 1
                        continue
                    match = dedup.find_duplicate(conn, sig)
                    if match is None:
                        conn.execute("INSERT INTO stories (id, title) VALUES (?, ?)", (doc.id, doc.title))
                        story_id = doc.id
                    else:
                        story_id = match.story_id
                        duplicates += 1
                    self._insert(doc, story_id, match)
                    dedup.index(conn, doc.id, sig)
                    self._count_template_lines(doc)
                    added += 1
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: cannot store the batch ({exc}); nothing of it was written"
            ) from exc
        return AddCounts(added, skipped + len(batch) - len(signed), duplicates)

    def _insert(self, doc: Document, story_id: str, match: dedup.Duplicate | None) -> None:
        published = doc.published
        self._conn.execute(
            "INSERT INTO documents (id, source, url, title, lang, published, published_start, published_end, "
            "published_json, raw, text, meta, story_id, duplicate_of, similarity) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                doc.source,
                doc.url,
                doc.title,
                doc.lang,
                *self._published_columns(published),
                doc.raw,
                doc.text,
                _dumps(doc.meta),
                story_id,
                match.doc_id if match else None,
                round(match.similarity, 3) if match else None,
            ),
        )
        self._write_layers(doc.id, doc.layers)

    @staticmethod
    def _published_columns(published: FuzzyDate | None) -> tuple[str | None, ...]:
        if published is None:
            return (None, None, None, None)
        start, end = published.interval()
        return (published.value, start.isoformat(), end.isoformat(), _dumps(published.to_dict()))

    def _write_layers(self, doc_id: str, layers: Mapping[str, Sequence[Span]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO layers (doc_id, name, spans) VALUES (?, ?, ?)",
            [(doc_id, name, _dumps([s.to_dict() for s in spans])) for name, spans in layers.items()],
        )

    def _count_template_lines(self, doc: Document) -> None:
        key = source_key(doc)
        self._conn.execute("INSERT INTO template_documents (doc_id, source_key) VALUES (?, ?)", (doc.id, key))
        self._conn.execute(
            "INSERT INTO template_sources (source_key, documents) VALUES (?, 1) "
            "ON CONFLICT (source_key) DO UPDATE SET documents = documents + 1",
            (key,),
        )
        self._conn.executemany(
            "INSERT INTO template_lines (source_key, line_hash, documents) VALUES (?, ?, 1) "
            "ON CONFLICT (source_key, line_hash) DO UPDATE SET documents = documents + 1",
            [(key, line) for line in template_candidates(doc.raw)],
        )

    def template_stats(self, wanted: Mapping[str, Iterable[int]]) -> dict[str, SourceLines]:
        """The stored line statistics of each source of `wanted`, for the lines (`clean.line_key`)
        asked for; sources with no stored document are left out."""
        found: dict[str, SourceLines] = {}
        for key, lines in wanted.items():
            row = self._conn.execute(
                "SELECT documents FROM template_sources WHERE source_key = ?", (key,)
            ).fetchone()
            if row is None:
                continue
            stats = found[key] = SourceLines(int(row[0]))
            asked = sorted(set(lines))
            for first in range(0, len(asked), _SQL_CHUNK):
                chunk = asked[first : first + _SQL_CHUNK]
                stats.lines.update(
                    self._conn.execute(
                        "SELECT line_hash, documents FROM template_lines WHERE source_key = ? "
                        f"AND line_hash IN ({', '.join('?' * len(chunk))})",
                        (key, *chunk),
                    ).fetchall()
                )
        return found

    def template_documents(self, key: str) -> list[str]:
        """Ids of the stored documents counted in the line statistics of source `key`, in insertion order."""
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT t.doc_id FROM template_documents t JOIN documents d ON d.id = t.doc_id "
                "WHERE t.source_key = ? ORDER BY d.seq",
                (key,),
            )
        ]

    def replace_layers(self, doc_id: str, layers: Mapping[str, Sequence[Span]]) -> None:
        """Replace the named layers of one stored document (other layers are kept)."""
        with self.transaction():
            self._require(doc_id)
            self._write_layers(doc_id, layers)

    def update(self, doc: Document) -> None:
        """Rewrite a stored document's cleaned text, language, date, title, meta and all its layers."""
        with self.transaction() as conn:
            self._require(doc.id)
            conn.execute(
                "UPDATE documents SET title = ?, lang = ?, published = ?, published_start = ?, "
                "published_end = ?, published_json = ?, text = ?, meta = ? WHERE id = ?",
                (
                    doc.title,
                    doc.lang,
                    *self._published_columns(doc.published),
                    doc.text,
                    _dumps(doc.meta),
                    doc.id,
                ),
            )
            conn.execute("DELETE FROM layers WHERE doc_id = ?", (doc.id,))
            self._write_layers(doc.id, doc.layers)

    # -- reading -------------------------------------------------------------------------------------

    def contains(self, doc_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def _require(self, doc_id: str) -> None:
        if not self.contains(doc_id):
            raise StoreError(f"{self.path}: no document {doc_id!r}; list ids with `chronique docs`")

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def resolve(self, prefix: str) -> str:
        """The full id of the one document whose id starts with `prefix`."""
        prefix = prefix.strip().lower()
        if len(prefix) < MIN_ID_PREFIX or not re.fullmatch(r"[0-9a-f]+", prefix):
            raise QueryError(
                f"{prefix!r}: give at least {MIN_ID_PREFIX} hex digits of an id from `chronique docs`"
            )
        ids = [
            r[0]
            for r in self._conn.execute(
                "SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 3",
                (prefix, prefix + "g"),
            )
        ]
        if not ids:
            raise StoreError(
                f"{self.path}: no document id starts with {prefix!r}; list ids with `chronique docs`"
            )
        if len(ids) > 1:
            raise StoreError(f"{prefix!r} is ambiguous ({', '.join(ids)}…); give more digits")
        return str(ids[0])

    def row(self, doc_id: str) -> DocumentRow:
        """The listing row of one document (story, duplicate link); raises StoreError when absent."""
        found = self._conn.execute(f"SELECT {_ROW_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if found is None:
            raise StoreError(f"{self.path}: no document {doc_id!r}; list ids with `chronique docs`")
        return _row(found)

    def get(self, doc_id: str) -> Document:
        """The stored document with its layers; raises StoreError when absent."""
        for doc in self.iter_documents(ids=[doc_id]):
            return doc
        raise StoreError(f"{self.path}: no document {doc_id!r}; list ids with `chronique docs`")

    def iter_documents(self, ids: Iterable[str] | None = None, *, layers: bool = True) -> Iterator[Document]:
        """Full documents (all of them in insertion order, or those of `ids` in that order)."""
        columns = "id, source, url, title, lang, published_json, raw, text, meta"
        if ids is None:
            rows: Iterable[Sequence[Any]] = self._conn.execute(
                f"SELECT {columns} FROM documents ORDER BY seq"
            )
        else:
            rows = (
                row
                for doc_id in ids
                for row in self._conn.execute(f"SELECT {columns} FROM documents WHERE id = ?", (doc_id,))
            )
        for row in rows:
            doc = Document(
                raw=row[6],
                source=row[1],
                url=row[2],
                title=row[3],
                lang=row[4],
                text=row[7],
                published=FuzzyDate.from_dict(json.loads(row[5])) if row[5] else None,
                meta=json.loads(row[8]),
                id=row[0],
            )
            if layers:
                for name, spans in self._conn.execute(
                    "SELECT name, spans FROM layers WHERE doc_id = ? ORDER BY name", (doc.id,)
                ):
                    doc.layers[name] = [Span.from_dict(s) for s in json.loads(spans)]
            yield doc

    def layer_names(self, doc_id: str) -> list[str]:
        return [
            r[0]
            for r in self._conn.execute("SELECT name FROM layers WHERE doc_id = ? ORDER BY name", (doc_id,))
        ]

    def documents(
        self,
        *,
        lang: str | None = None,
        source: str | None = None,
        story: str | None = None,
        since: str | None = None,
        until: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[DocumentRow]:
        """Documents in insertion order, filtered.

        `source` matches a prefix of the source path; `since`/`until` (ISO days) keep documents whose
        date may fall in that range; `search` is an FTS5 query over title and text, accents folded.
        """
        for name, day in (("since", since), ("until", until)):
            if day is not None:
                try:
                    dt.date.fromisoformat(day)
                except ValueError as exc:
                    raise QueryError(f"{name} {day!r}: give a day as YYYY-MM-DD") from exc
        where: list[str] = []
        params: list[Any] = []
        if lang is not None:
            where.append("d.lang = ?")
            params.append(lang)
        if source is not None:
            where.append("substr(d.source, 1, ?) = ?")
            params += [len(source), source]
        if story is not None:
            where.append("d.story_id = ?")
            params.append(story)
        if since is not None:
            where.append("d.published_end >= ?")
            params.append(since)
        if until is not None:
            where.append("d.published_start <= ?")
            params.append(until)
        if search is not None:
            try:  # FTS5 reports a bad query only when it runs: try it alone to tell it from other errors
                self._conn.execute("SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?", (search,)).fetchone()
            except sqlite3.OperationalError as exc:
                raise QueryError(
                    f"search {search!r}: {exc}; put words with punctuation in double quotes"
                ) from exc
            where.append("d.seq IN (SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?)")
            params.append(search)
        sql = f"SELECT {', '.join('d.' + c for c in _ROW_COLUMNS.split(', '))} FROM documents d"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY d.seq LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, offset]
        return [_row(r) for r in self._conn.execute(sql, params)]


def open_store(
    path: Path | str | None = None, *, settings: Settings | None = None, readonly: bool = False
) -> Store:
    """Open the store at `path`, or `settings.db` (chronique.toml, $CHRONIQUE_DB, or ./chronique.db)."""
    if path is None:
        path = (settings or load_settings()).db
    return Store.open(path, readonly=readonly)

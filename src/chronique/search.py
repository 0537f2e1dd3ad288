"""Full-text search over the store, and the entity index that search, questions and the web page share (#6).

A query is never passed raw to FTS5: it is cut into words, quoted phrases, `-excluded` words,
`prefix*` words and `OR`, French elision and English possessives are dropped by the rules of
`lang/<iso>/search.toml`, and the MATCH expression is rebuilt from quoted tokens. Apostrophes and quotes
therefore never raise a syntax error, and "l'economie" finds "l'économie" (the index folds accents).

    hits = search(store, "l'economie d'Idlib", date_from="2017-01-01", limit=10)
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronique.errors import QueryError
from chronique.lang import available_languages, load_rules, register_checker
from chronique.model import FuzzyDate
from chronique.store import Store

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_QUERY_CHARS",
    "EntityIndex",
    "EntitySummary",
    "SearchHit",
    "SearchResults",
    "entity_index",
    "fold",
    "match_expression",
    "query_terms",
    "search",
]

# Longer queries are refused: nobody types 500 characters into a search box, and FTS5's cost grows
# with the number of terms.
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_PAGE_SIZE = 200
# Words of context on each side of a hit in a snippet (FTS5 counts tokens; 16 reads as one sentence).
SNIPPET_TOKENS = 16
# bm25 weights of the indexed columns (title, text): a word of the title counts twice. A reading choice,
# not tuned: there are no relevance judgements to tune it on.
COLUMN_WEIGHTS = (2.0, 1.0)
_HIT_OPEN, _HIT_CLOSE = "\x02", "\x03"
_APOSTROPHES = "'’ʼ‘`"
_WORD = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r'"([^"]*)"?|(\S+)')
# Typographic quotes delimit a phrase like straight double quotes ("« accord d'Astana »").
_QUOTES = str.maketrans(dict.fromkeys("«»“”„", '"'))


def fold(text: str) -> str:
    """Lower case without accents, as the index sees words ("Économie" → "economie")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _elision_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for lang in available_languages():
        for rule in load_rules(lang, "search").get("elision", []):
            prefixes.update(rule.get("prefixes", []))
            suffixes.update(rule.get("suffixes", []))
    apostrophe = f"[{_APOSTROPHES}]"

    def alternation(words: set[str]) -> str:
        return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) or "(?!)"

    return (
        re.compile(rf"^(?:{alternation(prefixes)}){apostrophe}", re.IGNORECASE),
        re.compile(rf"{apostrophe}(?:{alternation(suffixes)})?$", re.IGNORECASE),
    )


def _word_term(chunk: str) -> str:
    """The tokens of one typed word without its elided article or possessive, space-joined."""
    prefix, suffix = _elision_patterns()
    chunk = suffix.sub("", prefix.sub("", chunk))
    return " ".join(_WORD.findall(chunk))


def query_terms(query: str) -> list[str]:
    """The search terms of a query after elision (a multi-token term is a phrase)."""
    terms = []
    for match in _CHUNK.finditer(query.translate(_QUOTES)):
        phrase, word = match.group(1), match.group(2)
        term = " ".join(_WORD.findall(phrase)) if phrase is not None else _word_term(word.strip("-*"))
        if term:
            terms.append(term)
    return terms


def match_expression(query: str) -> str:
    """A safe FTS5 MATCH expression for what a user typed; raises QueryError when nothing is left."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"search query of {len(query)} characters: keep it under {MAX_QUERY_CHARS}")
    groups: list[list[str]] = []  # AND of OR-groups
    excluded: list[str] = []
    join_next = False
    for match in _CHUNK.finditer(query.translate(_QUOTES)):
        phrase, word = match.group(1), match.group(2)
        if word == "OR":
            join_next = bool(groups)
            continue
        negative = word is not None and word.startswith("-") and len(word) > 1
        prefix = word is not None and word.endswith("*")
        term = " ".join(_WORD.findall(phrase)) if phrase is not None else _word_term(word.strip("-*"))
        if not term:
            continue
        quoted = f'"{term}"' + ("*" if prefix else "")
        if negative:
            excluded.append(quoted)
        elif join_next:
            groups[-1].append(quoted)
        else:
            groups.append([quoted])
        join_next = False
    if sum(len(g) for g in groups) + len(excluded) > MAX_TERMS:
        raise QueryError(f"search query {query[:60]!r}…: more than {MAX_TERMS} terms; use fewer words")
    if not groups:
        raise QueryError(f"search query {query!r} has no word to look for: type at least one word")
    expression = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)
    if excluded:
        expression = f"({expression}) NOT ({' OR '.join(excluded)})"
    return expression


@register_checker("search")
def _check_elision(lang: str, rule: dict[str, Any], example: Any) -> None:
    got = query_terms(example["query"])
    if got != example["terms"]:
        raise AssertionError(f"[{lang}] {example['query']!r} → {got}, expected {example['terms']}")


# -- search ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching document, with a snippet whose `highlights` are [start, end) ranges into it."""

    doc_id: str
    title: str | None
    url: str | None
    source: str
    lang: str | None
    published: FuzzyDate | None
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "lang": self.lang,
            "published": self.published.to_dict() if self.published else None,
            "snippet": self.snippet,
            "highlights": [list(h) for h in self.highlights],
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    expression: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "expression": self.expression,
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
        }


def _unmark(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    plain: list[str] = []
    highlights = []
    length = 0
    start = 0
    for piece in re.split(f"([{_HIT_OPEN}{_HIT_CLOSE}])", snippet):
        if piece == _HIT_OPEN:
            start = length
        elif piece == _HIT_CLOSE:
            highlights.append((start, length))
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), tuple(highlights)


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def document_filters(
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    entity_ids: Sequence[str] | None = None,
    source: str | None = None,
    lang: str | None = None,
) -> tuple[list[str], list[Any]]:
    """SQL conditions on `documents d` and their parameters (dates are ISO days)."""
    where: list[str] = []
    params: list[Any] = []
    if date_from:
        where.append("d.published_end >= ?")
        params.append(date_from)
    if date_to:
        where.append("d.published_start <= ?")
        params.append(date_to)
    if source:
        where.append("(d.source LIKE ? ESCAPE '\\' OR coalesce(d.url, '') LIKE ? ESCAPE '\\')")
        params += [_like(source), _like(source)]
    if lang:
        where.append("d.lang = ?")
        params.append(lang)
    if entity_ids is not None:
        marks = ", ".join("?" for _ in entity_ids) or "NULL"
        where.append(
            "EXISTS (SELECT 1 FROM layers l, json_each(l.spans) j WHERE l.doc_id = d.id "
            f"AND l.name = 'entities' AND json_extract(j.value, '$.attrs.entity_id') IN ({marks}))"
        )
        params += list(entity_ids)
    return where, params


def search(
    store: Store,
    query: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    entity: str | None = None,
    source: str | None = None,
    lang: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Documents matching `query`, best first; `entity` is an id or any name or alias of one."""
    if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
        raise QueryError(f"limit must be 1–{MAX_PAGE_SIZE} and offset ≥ 0 (got {limit}, {offset})")
    expression = match_expression(query)
    entity_ids = entity_index(store).lookup(entity) if entity else None
    where, params = document_filters(
        date_from=date_from, date_to=date_to, entity_ids=entity_ids, source=source, lang=lang
    )
    condition = " AND ".join(["docs_fts MATCH ?", *where])
    joined = "FROM docs_fts JOIN documents d ON d.seq = docs_fts.rowid WHERE " + condition
    rank = f"bm25(docs_fts, {COLUMN_WEIGHTS[0]}, {COLUMN_WEIGHTS[1]})"
    conn = store.connection
    try:
        total = int(conn.execute(f"SELECT count(*) {joined}", [expression, *params]).fetchone()[0])
        rows = conn.execute(
            "SELECT d.id, d.title, d.url, d.source, d.lang, d.published_json, "
            f"snippet(docs_fts, -1, char(2), char(3), '…', {SNIPPET_TOKENS}), {rank} "
            f"{joined} ORDER BY {rank}, d.seq LIMIT ? OFFSET ?",
            [expression, *params, limit, offset],
        ).fetchall()
    except sqlite3.OperationalError as exc:  # defensive: the expression is built from quoted tokens
        raise QueryError(f"search query {query!r} could not be run ({exc}); simplify it") from exc
    hits = []
    for doc_id, title, url, source_, lang_, published, snippet, score in rows:
        text, highlights = _unmark(snippet or "")
        hits.append(
            SearchHit(
                doc_id,
                title,
                url,
                source_,
                lang_,
                FuzzyDate.from_dict(json.loads(published)) if published else None,
                text,
                highlights,
                -float(score),
            )
        )
    return SearchResults(query, expression, total, hits)


# -- entities ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class EntitySummary:
    """One canonical entity as the stored `entities` layers know it."""

    id: str
    name: str
    type: str
    mentions: int = 0
    documents: int = 0
    aliases: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "mentions": self.mentions,
            "documents": self.documents,
            "aliases": [alias for alias, _ in self.aliases.most_common()],
        }


class EntityIndex:
    """Every entity of the store, and a lookup from any name, alias or id (accents and case folded)."""

    def __init__(self, entities: Iterable[EntitySummary]) -> None:
        self.entities = {e.id: e for e in entities}
        by_key: defaultdict[str, set[str]] = defaultdict(set)
        for entity in self.entities.values():
            for key in {entity.id, entity.name, *entity.aliases}:
                by_key[_key(key)].add(entity.id)
        self._by_key = dict(by_key)  # a plain dict: the index is shared by the server's threads

    def lookup(self, name: str) -> list[str]:
        """Ids of the entities `name` names: an id, the canonical name, an alias, or words of the name."""
        key = _key(name)
        if not key:
            return []
        found = self._by_key.get(key)
        if found:
            return sorted(found)
        # "Tayyip Erdogan" or "erdogan" (words of a longer name): every entity whose name has them all.
        words = set(key.split())
        return sorted(
            e.id
            for e in self.entities.values()
            if any(words <= set(_key(n).split()) for n in (e.name, *e.aliases))
        )

    def names(self) -> dict[str, set[str]]:
        """Folded name or alias → entity ids (for finding entities inside a question)."""
        return self._by_key

    def ranked(self) -> list[EntitySummary]:
        return sorted(self.entities.values(), key=lambda e: (-e.documents, -e.mentions, e.name))


def _key(name: str) -> str:
    return " ".join(_WORD.findall(fold(name)))


# Entity indexes of the last databases read, keyed by path and file version (size, mtime).
_INDEX_CACHE: dict[tuple[str, tuple[int, ...]], EntityIndex] = {}
_INDEX_CACHE_SIZE = 8


def entity_index(store: Store) -> EntityIndex:
    """The entity index of `store`, rebuilt only when the database file changes."""
    version = _db_version(store.path)
    key = (str(store.path), version)
    cached = _INDEX_CACHE.get(key)
    if cached is None:
        cached = build_entity_index(store.connection)
        if version:
            if len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
                _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
            _INDEX_CACHE[key] = cached
    return cached


def _db_version(path: Path) -> tuple[int, ...]:
    """Sizes and modification times of the database and its WAL (empty for in-memory stores)."""
    parts: list[int] = []
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            stat = candidate.stat()
        except OSError:
            continue
        parts += [stat.st_mtime_ns, stat.st_size]
    return tuple(parts)


def build_entity_index(conn: sqlite3.Connection) -> EntityIndex:
    """Read every `entities` layer: canonical ids, names, types, mention counts and surface aliases."""
    entities: dict[str, EntitySummary] = {}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    rows = conn.execute(
        "SELECT d.text, l.spans FROM layers l JOIN documents d ON d.id = l.doc_id WHERE l.name = 'entities'"
    )
    for text, spans in rows:
        seen: set[str] = set()
        for span in json.loads(spans):
            attrs = span.get("attrs") or {}
            entity_id = attrs.get("entity_id")
            if not entity_id:
                continue
            entity = entities.get(entity_id)
            if entity is None:
                entity = entities[entity_id] = EntitySummary(entity_id, attrs.get("name") or entity_id, "")
            entity.mentions += 1
            labels[entity_id][span.get("label", "other")] += 1
            surface = " ".join(text[span["start"] : span["end"]].split())
            if surface:
                entity.aliases[surface] += 1
            if entity_id not in seen:
                seen.add(entity_id)
                entity.documents += 1
    for entity_id, entity in entities.items():
        entity.type = labels[entity_id].most_common(1)[0][0]
    return EntityIndex(entities.values())

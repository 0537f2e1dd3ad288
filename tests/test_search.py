"""Full-text search: safe MATCH expressions, accent folding, elision, filters, entity index (#6)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from chronique.errors import QueryError
from chronique.model import Document, FuzzyDate, Span
from chronique.search import (
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    build_entity_index,
    match_expression,
    query_terms,
    search,
)
from chronique.store import Store


def _doc(
    text: str, source: str, *, date: str | None, entities: Sequence[tuple[str, str, str, str]] = ()
) -> Document:
    doc = Document(
        raw=text, source=source, url=f"https://{source}/article", lang="fr", title=text.split(".")[0]
    )
    doc.published = FuzzyDate.parse(date, provenance="metadata") if date else None
    spans = []
    for surface, entity_id, name, label in entities:
        start = text.index(surface)
        spans.append(Span(start, start + len(surface), label, {"entity_id": entity_id, "name": name}))
    doc.set_layer("entities", spans)
    return doc


DOCS = [
    _doc(
        "L'économie turque ralentit. Recep Tayyip Erdogan promet des réformes à Ankara.",
        "eco.example",
        date="2017-09-28",
        entities=[
            ("Recep Tayyip Erdogan", "erdogan", "Recep Tayyip Erdogan", "person"),
            ("Ankara", "ankara", "Ankara", "city"),
        ],
    ),
    _doc(
        "Vladimir Poutine a reçu Erdogan à Sotchi. Les deux présidents parlent d'économie et de sécurité.",
        "news.example",
        date="2021-09-29",
        entities=[
            ("Vladimir Poutine", "putin", "Vladimir Putin", "person"),
            ("Erdogan", "erdogan", "Recep Tayyip Erdogan", "person"),
            ("Sotchi", "sochi", "Sochi", "city"),
        ],
    ),
    _doc("Putin's visit to Turkey was short. The economy was not on the agenda.", "en.example", date=None),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "search.db"
    with Store.open(path) as writer:
        writer.add(DOCS)
    with Store.open(path, readonly=True) as reader:
        yield reader


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("l'economie", '"economie"'),
        ("L’Économie d'Idlib", '"Économie" AND "Idlib"'),
        ('"Poutine Erdogan" -Trump', '("Poutine Erdogan") NOT ("Trump")'),
        ("turc OR turque ankara", '("turc" OR "turque") AND "ankara"'),
        ("econom*", '"econom"*'),
        ("Erdogan's visit", '"Erdogan" AND "visit"'),
        ("« accord d'Astana » 2017", '"accord d Astana" AND "2017"'),
    ],
)
def test_match_expression_is_built_from_quoted_tokens(query: str, expression: str) -> None:
    assert match_expression(query) == expression


@pytest.mark.parametrize(
    "query",
    [
        "'",
        '"',
        "l'",
        "\"l'économie",
        "a\"b'c",
        "NEAR(a b)",
        "col:value",
        "x AND",
        "(((",
        "^start",
        "a*b*",
        "- -",
        "{}",
    ],
)
def test_hostile_queries_never_raise_an_fts_syntax_error(store: Store, query: str) -> None:
    try:
        results = search(store, query)
    except QueryError as exc:  # nothing left to look for is a clear 4xx, not an FTS5 error
        assert "no word" in str(exc)
    else:
        assert results.total >= 0


def test_elision_and_accent_folding_find_the_same_documents(store: Store) -> None:
    found = {q: {h.doc_id for h in search(store, q).hits} for q in ("l'economie", "L’ÉCONOMIE", "économie")}
    assert found["l'economie"] == found["L’ÉCONOMIE"] == found["économie"] == {DOCS[0].id, DOCS[1].id}


def test_english_possessive_is_dropped(store: Store) -> None:
    assert [h.doc_id for h in search(store, "Putin's").hits] == [DOCS[2].id]


def test_snippet_highlights_the_matching_words(store: Store) -> None:
    hit = search(store, "sécurité").hits[0]
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["sécurité"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"date_from": "2018-01-01"}, {1}),
        ({"date_to": "2017-12-31"}, {0}),
        ({"entity": "Poutine"}, {1}),  # an alias seen in the text
        ({"entity": "Vladimir Putin"}, {1}),  # the canonical name
        ({"entity": "erdogan"}, {0, 1}),  # an id
        ({"entity": "Nobody Known"}, set()),
        ({"source": "eco.example"}, {0}),
        ({"source": "100%_"}, set()),  # LIKE wildcards are literal
    ],
)
def test_filters(store: Store, filters: dict[str, str], expected: set[int]) -> None:
    hits = search(store, "economie OR economy", **filters).hits  # type: ignore[arg-type]
    assert {h.doc_id for h in hits} == {DOCS[i].id for i in expected}


@pytest.mark.parametrize(
    "kwargs",
    [{"limit": 0}, {"limit": MAX_PAGE_SIZE + 1}, {"offset": -1}],
)
def test_page_limits(store: Store, kwargs: dict[str, int]) -> None:
    with pytest.raises(QueryError):
        search(store, "economie", **kwargs)  # type: ignore[arg-type]


def test_long_queries_are_refused() -> None:
    with pytest.raises(QueryError, match="characters"):
        match_expression("mot " * (MAX_QUERY_CHARS // 4 + 1))


def test_query_terms_keep_words_with_inner_apostrophes_as_phrases() -> None:
    assert query_terms("aujourd'hui l'accord") == ["aujourd hui", "accord"]


def test_entity_index_counts_and_aliases(store: Store) -> None:
    index = build_entity_index(store.connection)
    erdogan = index.entities["erdogan"]
    assert (erdogan.documents, erdogan.mentions, erdogan.type) == (2, 2, "person")
    assert set(erdogan.aliases) == {"Recep Tayyip Erdogan", "Erdogan"}
    assert index.lookup("tayyip erdogan") == ["erdogan"]  # words of a longer name
    assert index.lookup("POUTINE") == ["putin"]
    assert index.ranked()[0].id == "erdogan"


def test_readonly_store_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    with Store.open(path) as writer:
        writer.add(DOCS[:1])
    with Store.open(path, readonly=True) as reader:
        search(reader, "economie")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.connection.execute("DELETE FROM documents")

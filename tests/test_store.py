"""The SQLite store: round trips, idempotent adds, FTS with accents, filters, migrations, read-only (#2)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chronique.clean import line_key
from chronique.errors import QueryError, StoreError
from chronique.model import Document, FuzzyDate, Span
from chronique.store import Store, migrations, open_store

SINGAPORE = (
    "Le président américain Donald Trump et le dirigeant nord-coréen Kim Jong-un se sont serré la main "
    "mardi à Singapour. La sécurité était renforcée autour de l’hôtel Capella, sur l’île de Sentosa."
)
HANOI = (
    "The second summit between Donald Trump and Kim Jong-un ended abruptly in Hanoi on Thursday, with no "
    "agreement on sanctions relief or on the dismantling of the Yongbyon nuclear complex."
)
DMZ = (
    "Donald Trump a franchi dimanche la ligne de démarcation à Panmunjom et fait quelques pas en Corée du "
    "Nord, une première pour un président américain en exercice, avant un entretien avec Kim Jong-un."
)


def doc(text: str, source: str, **fields: object) -> Document:
    return Document(raw=text, source=source, **fields)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "news.db") as opened:
        yield opened  # type: ignore[misc]


def test_new_store_is_migrated_and_in_wal_mode(store: Store) -> None:
    assert store.schema_version == migrations()[-1].version
    assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in store.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "layers", "stories", "docs_fts", "dedup_signatures", "dedup_bands"} <= tables


def test_round_trip_with_layers_date_and_meta(store: Store) -> None:
    original = doc(
        SINGAPORE,
        "wire/singapore.txt",
        url="https://wire.example/1",
        title="Poignée de main à Singapour",
        lang="fr",
        published=FuzzyDate.parse("2018-06", provenance="prefix", confidence=0.95),
        meta={"date_prefix": "2018-06", "external_id": 7},
    )
    original.set_layer(
        "sentences", [Span(0, 97, "sentence", {"paragraph": 0}), Span(98, len(SINGAPORE), "sentence")]
    )
    original.set_layer("removed", [])
    assert store.add([original]).added == 1
    loaded = store.get(original.id)
    assert loaded.to_dict() == original.to_dict()


def test_adding_twice_adds_nothing(store: Store) -> None:
    docs = [doc(SINGAPORE, "a.txt"), doc(HANOI, "b.txt")]
    first = store.add(docs)
    again = store.add([doc(SINGAPORE, "a.txt"), doc(HANOI, "b.txt")])
    assert (first.added, first.skipped) == (2, 0)
    assert (again.added, again.skipped, again.duplicates) == (0, 2, 0)
    assert store.count() == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("securite", ["sg"]),  # accents folded: sécurité
        ("sécurité", ["sg"]),
        ("HOTEL", ["sg"]),  # case folded: hôtel
        ("demarcation", ["dmz"]),
        ("kim", ["sg", "hanoi", "dmz"]),
        ("singapour OR hanoi", ["sg", "hanoi"]),
        ('"ligne de demarcation"', ["dmz"]),
        ("title:handshake", ["hanoi"]),
        ("pyongyang", []),
    ],
)
def test_full_text_search_folds_accents(store: Store, query: str, expected: list[str]) -> None:
    docs = {
        "sg": doc(SINGAPORE, "sg.txt"),
        "hanoi": doc(HANOI, "hanoi.txt", title="No handshake deal in Hanoi"),
        "dmz": doc(DMZ, "dmz.txt"),
    }
    store.add(docs.values())
    names = {d.id: name for name, d in docs.items()}
    assert [names[r.id] for r in store.documents(search=query)] == expected


def test_bad_search_query_is_a_query_error(store: Store) -> None:
    store.add([doc(SINGAPORE, "sg.txt")])
    with pytest.raises(QueryError, match="double quotes"):
        store.documents(search='"unbalanced')


def test_listing_filters(store: Store) -> None:
    store.add(
        [
            doc(SINGAPORE, "fr/sg.txt", lang="fr", published=FuzzyDate.parse("2018-06")),
            doc(HANOI, "en/hanoi.txt", lang="en", published=FuzzyDate.parse("2019-02-28")),
            doc(DMZ, "fr/dmz.txt", lang="fr"),
        ]
    )
    assert [r.source for r in store.documents(lang="fr")] == ["fr/sg.txt", "fr/dmz.txt"]
    assert [r.source for r in store.documents(source="en/")] == ["en/hanoi.txt"]
    assert [r.source for r in store.documents(since="2018-06-30")] == ["fr/sg.txt", "en/hanoi.txt"]
    assert [r.source for r in store.documents(since="2018-07-01", until="2019-12-31")] == ["en/hanoi.txt"]
    assert [r.source for r in store.documents(limit=1, offset=1)] == ["en/hanoi.txt"]
    row = store.documents(lang="en")[0]
    assert row.to_dict()["date"] == "2019-02-28" and row.story_id == row.id


def test_resolve_an_id_prefix(store: Store) -> None:
    store.add(
        [
            doc(SINGAPORE, "sg.txt", id="abcd000000000001"),
            doc(HANOI, "hanoi.txt", id="abcd000000000002"),
            doc(DMZ, "dmz.txt", id="ef01000000000003"),
        ]
    )
    assert store.resolve("ef01") == "ef01000000000003"
    assert store.resolve("ABCD000000000002") == "abcd000000000002"
    with pytest.raises(StoreError, match="ambiguous"):
        store.resolve("abcd")
    with pytest.raises(StoreError, match="no document"):
        store.resolve("9999")
    for bad in ("abc", "xyz!", ""):
        with pytest.raises(QueryError):
            store.resolve(bad)


def test_get_unknown_id(store: Store) -> None:
    with pytest.raises(StoreError, match="chronique docs"):
        store.get("0123456789abcdef")


def test_replace_layers_and_update(store: Store) -> None:
    original = doc(SINGAPORE, "sg.txt")
    original.set_layer("sentences", [Span(0, 10, "sentence")])
    original.set_layer("removed", [Span(0, 3, "share", {"text": "Le ", "rule": "x"})])
    store.add([original])
    store.replace_layers(original.id, {"sentences": [Span(0, 20, "sentence")], "timex": [Span(5, 9, "DATE")]})
    loaded = store.get(original.id)
    assert loaded.layer("sentences") == [Span(0, 20, "sentence")]
    assert loaded.layer("removed")[0].label == "share"  # untouched
    assert [s.label for s in loaded.layer("timex")] == ["DATE"]
    loaded.lang = "fr"
    loaded.published = FuzzyDate.parse("2018-06-12", provenance="content")
    loaded.layers = {"sentences": []}
    store.update(loaded)
    again = store.get(original.id)
    assert again.lang == "fr" and again.published is not None and again.published.value == "2018-06-12"
    assert store.layer_names(original.id) == ["sentences"]
    assert [r.id for r in store.documents(since="2018-06-12", until="2018-06-12")] == [original.id]
    with pytest.raises(StoreError):
        store.replace_layers("0123456789abcdef", {"timex": []})


def test_a_failed_batch_writes_nothing(store: Store) -> None:
    store.add([doc(SINGAPORE, "kept.txt")])
    with pytest.raises(RuntimeError), store.transaction():
        store.add([doc(HANOI, "lost.txt")])  # nested: joins the outer transaction
        raise RuntimeError("crash in the middle of a batch")
    assert [r.source for r in store.documents()] == ["kept.txt"]
    assert store.documents(search="yongbyon") == []


def test_bad_document_rolls_back_its_batch(store: Store) -> None:
    bad = doc(HANOI, "bad.txt")
    bad.layers["sentences"] = [object()]  # type: ignore[list-item]  # not a Span: fails mid-batch
    with pytest.raises(AttributeError):
        store.add([doc(SINGAPORE, "first.txt"), bad])
    assert store.count() == 0


def test_migration_from_an_older_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first = migrations()[0]
    conn = sqlite3.connect(path)
    conn.executescript(f"{first.sql}\nPRAGMA user_version = {first.version};")
    conn.execute("INSERT INTO stories (id, title) VALUES ('0000000000000001', 'Vieux')")
    conn.execute(
        "INSERT INTO documents (id, source, raw, text, story_id) VALUES (?, ?, ?, ?, ?)",
        ("0000000000000001", "old.txt", SINGAPORE, SINGAPORE, "0000000000000001"),
    )
    conn.commit()
    conn.close()
    with open_store(path) as store:
        assert store.schema_version == migrations()[-1].version
        assert [r.id for r in store.documents(search="securite")] == ["0000000000000001"]  # FTS rebuilt
        assert store.add([doc(HANOI, "new.txt")]).added == 1
        assert store.count() == 2


def test_a_failing_migration_keeps_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chronique import store as store_module

    path = tmp_path / "x.db"
    open_store(path).close()
    version = migrations()[-1].version
    broken = store_module.Migration(
        version + 1, f"{version + 1:04d}_broken.sql", "CREATE TABLE t (a); SELEKT;"
    )
    monkeypatch.setattr(store_module, "migrations", lambda: [*migrations(), broken])
    with pytest.raises(StoreError, match=r"_broken\.sql"):
        open_store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone()[0] == 0
    conn.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 9999")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_read_only_mode_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with open_store(path) as store:
        store.add([doc(SINGAPORE, "sg.txt")])
    with open_store(path, readonly=True) as reader:
        assert reader.count() == 1
        assert reader.documents(search="singapour")[0].source == "sg.txt"
        with pytest.raises(StoreError, match="read-only"):
            reader.add([doc(HANOI, "hanoi.txt")])
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.connection.execute("DELETE FROM documents")
    with open_store(path) as store:
        assert store.count() == 1


def test_read_only_needs_an_existing_migrated_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="chronique add"):
        open_store(tmp_path / "absent.db", readonly=True)
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript(f"{migrations()[0].sql}\nPRAGMA user_version = 1;")
    conn.close()
    with pytest.raises(StoreError, match="migrate"):
        open_store(old, readonly=True)


def test_default_path_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHRONIQUE_DB", str(tmp_path / "from-env.db"))
    with open_store() as store:
        assert store.path == tmp_path / "from-env.db"
    assert (tmp_path / "from-env.db").is_file()


def test_memory_store(tmp_path: Path) -> None:
    with Store.open(":memory:") as store:
        assert store.add([doc(SINGAPORE, "sg.txt")]).added == 1


def test_template_statistics_count_documents_stored_before_them(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    furniture = "Le Veilleur, l'info autrement"
    with open_store(path) as store:
        store.add([doc(f"{furniture}\n\n{text}", f"site/{n}.txt") for n, text in enumerate((SINGAPORE, DMZ))])
    conn = sqlite3.connect(path)  # as a store written before migration 0022 left it
    conn.executescript(
        "DROP TABLE template_documents; DROP TABLE template_lines; DROP TABLE template_sources; "
        "PRAGMA user_version = 21;"
    )
    conn.close()
    with open_store(path) as store:
        stats = store.template_stats({"site": [line_key(furniture), line_key("absent")]})
        assert (stats["site"].documents, stats["site"].lines) == (2, {line_key(furniture): 2})
        assert len(store.template_documents("site")) == 2
        store.add([doc(f"{furniture}\n\n{HANOI}", "site/2.txt")])
        assert store.template_stats({"site": [line_key(furniture)]})["site"].lines == {line_key(furniture): 3}

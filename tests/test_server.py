"""The REST API and the web page, called in-process through the ASGI app (#6)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chronique.cli import app as cli_app
from chronique.errors import StoreError
from chronique.server import create_app
from chronique.store import Store
from chronique.timeline import export, timeline

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def client(linked_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(linked_db)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def entries(client: TestClient) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = client.get("/timeline.json").json()
    return data


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the timeline --------------------------------------------------------------------------------------


def test_timeline_json_is_the_python_api_output(client: TestClient, linked_db: Path) -> None:
    with Store.open(linked_db, readonly=True) as store:
        expected = export(timeline(store), "json")
    response = client.get("/timeline.json")
    assert response.status_code == 200
    assert response.text == expected
    assert [e["date"] for e in response.json()] == ["2017-09-28", "2021-09-29"]


@pytest.mark.parametrize(
    ("args", "query"),
    [
        ([], ""),
        (["--entity", "Poutine", "--from", "2018"], "?entity=Poutine&from=2018"),
        (["--type", "call"], "?type=call"),
    ],
)
def test_timeline_json_equals_the_cli(
    client: TestClient, linked_db: Path, args: list[str], query: str
) -> None:
    if not any(c.name == "timeline" for c in cli_app.registered_commands):
        pytest.skip("`chronique timeline` is not registered yet (#5)")
    result = CliRunner().invoke(cli_app, ["timeline", "--db", str(linked_db), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == client.get(f"/timeline.json{query}").text


@pytest.mark.parametrize(
    ("query", "dates"),
    [
        ("entity=Poutine", ["2017-09-28", "2021-09-29"]),
        ("entity=Sochi", ["2021-09-29"]),
        ("from=2018", ["2021-09-29"]),
        ("to=2017-12", ["2017-09-28"]),
        ("type=phone_call", []),
        ("source=euronews", ["2021-09-29"]),
        ("main_only=true", ["2017-09-28", "2021-09-29"]),
    ],
)
def test_timeline_filters(client: TestClient, query: str, dates: list[str]) -> None:
    response = client.get(f"/timeline.json?{query}")
    assert response.status_code == 200, response.text
    assert [e["date"] for e in response.json()] == dates
    assert response.headers["x-total-count"] == str(len(dates))


def test_timeline_page_groups_by_year_and_shows_sources(
    client: TestClient, entries: list[dict[str, Any]]
) -> None:
    page = client.get("/timeline", headers=HTML).text
    assert page.index('<h2 id="y-2017">2017</h2>') < page.index('<h2 id="y-2021">2021</h2>')
    assert '<time datetime="2021-09-29">29 septembre 2021</time>' in page
    sochi = next(e for e in entries if e["date"] == "2021-09-29")
    for source in sochi["sources"]:
        assert f'<mark class="evidence">{source["sentence"]}</mark>' in page
        assert f"/documents/{source['doc_id']}?hl={source['start']}-{source['end']}#evidence" in page
    assert 'href="/timeline.csv' in page and 'href="/timeline.timelinejs' in page
    assert '<option value="rfi.fr">' in page  # the source filter proposes the sites


def test_interface_language_switch(client: TestClient) -> None:
    english = client.get("/timeline?lang=en", headers=HTML)
    assert '<html lang="en">' in english.text and "September 29, 2021" in english.text
    assert english.cookies.get("chronique_lang") == "en"
    french = client.get("/timeline?lang=fr", headers=HTML)
    assert '<html lang="fr">' in french.text and "Chronologie" in french.text


@pytest.mark.parametrize(
    ("fmt", "media", "check"),
    [
        ("csv", "text/csv", lambda body: body.splitlines()[0].count(",") >= 3),
        ("md", "text/markdown", lambda body: "Sotchi" in body),
        ("timelinejs", "application/json", lambda body: len(json.loads(body)["events"]) == 2),
    ],
)
def test_exports(client: TestClient, fmt: str, media: str, check: Any) -> None:
    response = client.get(f"/timeline.{fmt}?entity=Erdogan")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert check(response.text)


def test_one_event_with_its_sources(client: TestClient, entries: list[dict[str, Any]]) -> None:
    entry = entries[1]
    assert client.get(f"/events/{entry['id']}.json").json() == entry
    page = client.get(f"/events/{entry['id']}", headers=HTML).text
    assert entry["title"] in page and "<details open>" in page


# -- documents and entities ------------------------------------------------------------------------------


def test_document_list_and_paging(client: TestClient) -> None:
    first = client.get("/documents.json?limit=2").json()
    second = client.get("/documents.json?limit=2&offset=2").json()
    assert first["total"] == 3 and len(first["documents"]) == 2 and len(second["documents"]) == 1
    assert first["documents"][0]["published"]["value"] == "2021-09-29"  # newest first
    assert 'rel="next"' in client.get("/documents?limit=2", headers=HTML).text


def test_document_view_marks_layers_and_strikes_removed_lines(
    client: TestClient, entries: list[dict[str, Any]]
) -> None:
    source = next(s for s in entries[1]["sources"] if s["url"].endswith("/a"))
    doc = client.get(f"/documents/{source['doc_id']}.json").json()
    assert set(doc["layers"]) >= {"removed", "entities", "timex", "events", "sentences"}
    assert doc["story"]["id"] and doc["borrowed_date"] is None
    page = client.get(
        f"/documents/{source['doc_id']}?hl={source['start']}-{source['end']}", headers=HTML
    ).text
    assert '<del class="removed" title="consent: test">Accepter les cookies</del>' in page
    assert '<span class="m m-timex" title="DATE 2021-09-29">29 septembre 2021</span>' in page
    assert 'href="/entities/sochi" class="m m-entity"' in page
    assert '<span class="m m-event"' in page
    assert page.count('id="evidence"') == 1
    assert "<td>29 septembre 2021</td><td><code>2021-09-29</code></td>" in page  # the time expressions table
    # The removed line sits where it was: before the first kept sentence.
    text = page[page.index('class="doc-text"') :]
    assert text.index("Accepter les cookies") < text.index("29 septembre") < text.index("était au menu")


def test_document_prefix_id(client: TestClient, entries: list[dict[str, Any]]) -> None:
    doc_id = entries[0]["sources"][0]["doc_id"]
    assert client.get(f"/documents/{doc_id[:8]}.json").json()["id"] == doc_id


def test_entities_and_one_entity_with_its_timeline(client: TestClient) -> None:
    listing = client.get("/entities.json").json()
    assert listing["entities"][0]["id"] in {"vladimir-putin", "recep-tayyip-erdogan"}
    sochi = client.get("/entities/sochi.json").json()
    assert sochi["entity"]["aliases"] == ["Sotchi"]
    assert [e["date"] for e in sochi["timeline"]] == ["2021-09-29"]
    assert len(sochi["documents"]) == 2
    assert "<h1>Sochi</h1>" in client.get("/entities/sochi?lang=en", headers=HTML).text
    french = client.get("/entities/sochi?lang=fr", headers=HTML).text  # the gazetteer's French name
    assert "<h1>Sotchi</h1>" in french


# -- search and questions --------------------------------------------------------------------------------


def test_search_with_elision(client: TestClient) -> None:
    results = client.get("/search.json", params={"q": "l'economie"}).json()
    assert results["total"] == 1 and results["hits"][0]["url"] == "https://www.rfi.fr/a"
    page = client.get("/search", params={"q": "l'economie", "entity": "Sotchi"}, headers=HTML).text
    assert "<mark>économie</mark>" in page
    assert 'id="s-entity" name="entity" value="Sotchi"' in page  # the filters stay filled in


def test_ask(client: TestClient) -> None:
    answer = client.get(
        "/ask.json", params={"q": "Quand Poutine et Erdogan se sont-ils rencontrés à Sotchi ?"}
    ).json()
    assert answer["answered"] and [e["date"] for e in answer["evidence"]] == ["2021-09-29"]
    assert len(answer["evidence"][0]["sources"]) == 2
    follow = client.get(
        "/ask.json", params={"q": "Combien de fois se sont-ils rencontrés ?", "context": answer["context"]}
    ).json()
    assert follow["count"] == 2
    page = client.get("/ask", params={"q": "When did Putin and Erdogan meet in Sochi?"}, headers=HTML).text
    assert "September 29, 2021" in page


# -- errors and safety ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/timeline.json?from=2017-13", 400),
        ("/timeline.json?to=yesterday", 400),
        ("/timeline.json?from=2017-02-30", 400),
        ("/timeline.json?main_only=maybe", 400),
        ("/timeline.json?limit=0", 400),
        ("/timeline.json?limit=99999999", 400),
        ("/timeline.json?offset=-1", 400),
        ("/timeline.json?lang=de", 400),
        ("/timeline.json?" + "&".join(["entity=x"] * 11), 400),
        ("/timeline.xml", 400),
        ("/documents.json?limit=abc", 400),
        ("/documents.json?limit=100000", 400),
        ("/documents.json?offset=-5", 400),
        ("/documents/ffffffffffffffff.json", 404),
        ("/documents/%27%3B%20DROP%20TABLE%20documents.json", 400),
        ("/documents/abcd.json?hl=a-b", 400),
        ("/entities/nobody.json", 404),
        ("/events/0000000000000000.json", 404),
        ("/search.json", 400),
        ("/search.json?q=%22%27%22", 400),
        ("/search.json?q=" + "a" * 600, 400),
        ("/search.json?q=x&from=2020-99", 400),
        ("/ask.json", 400),
        ("/ask.json?q=" + "a" * 400, 400),
        ("/nowhere", 404),
    ],
)
def test_bad_parameters_get_a_4xx_with_a_message(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["message"] and body["error"]


def test_html_errors_are_pages(client: TestClient) -> None:
    response = client.get("/timeline?from=nonsense", headers=HTML)
    assert response.status_code == 400
    assert "from=&#39;nonsense&#39; is not a date" in response.text and "<html" in response.text


def test_openapi_documents_every_json_twin(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/timeline.json",
        "/documents.json",
        "/documents/{doc_id}.json",
        "/entities/{entity_id}.json",
        "/events/{entry_id}.json",
        "/search.json",
        "/ask.json",
    ):
        assert path in paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text  # Swagger UI served by the app
    assert "default-src 'self'" in client.get("/timeline", headers=HTML).headers["content-security-policy"]


def test_read_only_by_default(linked_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(linked_db.read_bytes())
    before = _digest(copy)
    with TestClient(create_app(copy)) as test_client:
        for url in (
            "/timeline",
            "/timeline.json",
            "/documents",
            "/entities",
            "/search?q=Sotchi",
            "/ask?q=Quand+?",
        ):
            assert test_client.get(url, headers=HTML).status_code == 200
        assert test_client.get("/health.json").json()["writable"] is False
    assert _digest(copy) == before
    # SQLite readers of a WAL database may create an empty -wal file beside it; nothing is written to it.
    wal = tmp_path / "copy.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        create_app(tmp_path / "absent.db")


@pytest.mark.parametrize(
    "body",
    [[], [{"url": "https://x.example"}], [{"text": ""}], [{"text": "x", "lang": "français"}], {"text": "x"}],
)
def test_posting_bad_articles_is_a_400(linked_db: Path, tmp_path: Path, body: Any) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(linked_db.read_bytes())
    with TestClient(create_app(copy, writable=True)) as test_client:
        response = test_client.post("/documents.json", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"]


@pytest.mark.slow  # runs every stage (spaCy) on the posted article
def test_writes_only_when_writable(linked_db: Path, tmp_path: Path, client: TestClient) -> None:
    article = {
        "text": "Vladimir Poutine a reçu Recep Tayyip Erdogan à Moscou le 5 mars 2020 pour parler d'Idlib.",
        "url": "https://example.org/moscou",
        "published": "2020-03-05",
    }
    refused = client.post("/documents.json", json=[article])
    assert refused.status_code == 403 and "--writable" in refused.json()["message"]
    assert client.get("/documents.json").json()["total"] == 3

    copy = tmp_path / "copy.db"
    copy.write_bytes(linked_db.read_bytes())
    with TestClient(create_app(copy, writable=True)) as writer:
        response = writer.post("/documents.json", json=[article])
        assert response.status_code == 201, response.text
        assert response.json()["add"]["added"] == 1
        assert writer.get("/documents.json").json()["total"] == 4
        assert writer.get("/search.json", params={"q": "Moscou"}).json()["total"] == 1


def test_document_dated_by_the_corpus(linked_db: Path, tmp_path: Path, entries: list[dict[str, Any]]) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(linked_db.read_bytes())
    doc_id = entries[0]["sources"][0]["doc_id"]
    borrowed = {
        "value": "2017-09",
        "granularity": "month",
        "provenance": "corpus",
        "confidence": 0.8,
        "evidence": "x",
    }
    with Store.open(copy) as writer, writer.transaction() as conn:
        conn.execute(
            "INSERT INTO borrowed_dates (doc_id, value, date_json, evidence) VALUES (?, ?, ?, '[]')",
            (doc_id, "2017-09", json.dumps(borrowed)),
        )
    with TestClient(create_app(copy)) as test_client:
        assert test_client.get(f"/documents/{doc_id}.json").json()["borrowed_date"]["value"] == "2017-09"
        assert "daté par les documents liés" in test_client.get(f"/documents/{doc_id}", headers=HTML).text


FUZZ_PATHS = (
    "/timeline",
    "/timeline.json",
    "/timeline.csv",
    "/documents.json",
    "/entities",
    "/search.json",
    "/ask.json",
    "/events/x.json",
    "/documents/abcd",
    "/entities/sochi.json",
)
FUZZ_PARAMS = (
    "q",
    "entity",
    "type",
    "from",
    "to",
    "source",
    "main_only",
    "lang",
    "limit",
    "offset",
    "hl",
    "context",
)
FUZZ_VALUES = (
    "",
    "'",
    '"',
    "-1",
    "0",
    "1e9",
    "9" * 30,
    "2017-02-30",
    "NaN",
    "<script>",
    "\x00",
    "l'économie",
    "a" * 600,
    "true",
    "de",
    "1-2",
    "OR",
    "NEAR(",
    "../../etc/passwd",
    "😀",
)


def test_no_parameter_ever_gets_a_500(linked_db: Path) -> None:
    """A deterministic sweep of odd values over every endpoint: 2xx or 4xx, never 5xx."""
    import random

    rng = random.Random(6)
    with TestClient(create_app(linked_db), raise_server_exceptions=False) as test_client:
        for _ in range(300):
            params = {rng.choice(FUZZ_PARAMS): rng.choice(FUZZ_VALUES) for _ in range(rng.randint(1, 3))}
            url = rng.choice(FUZZ_PATHS)
            response = test_client.get(url, params=params, headers=rng.choice([HTML, {}]))
            assert response.status_code < 500, (url, params, response.text[:300])


# -- rendering helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        ("2017-09-28", "fr", "28 septembre 2017"),
        ("2017-09-28", "en", "September 28, 2017"),
        ("2017-12", "fr", "décembre 2017"),
        ("2015-FA", "en", "autumn 2015"),
        ("2017-W51", "fr", "semaine 51 de 2017"),
        ("2017", "en", "2017"),
        ("196X", "en", "the 1960s"),
        ("XXXX-09-28", "fr", "XXXX-09-28"),  # underspecified: shown as it is
        (None, "en", "undated"),
    ],
)
def test_format_date(value: str | None, lang: str, expected: str) -> None:
    from chronique.server.render import format_date, strings

    assert format_date(value, None, strings(lang)) == expected


def test_overlapping_marks_nest_and_misplaced_removed_lines_are_listed_apart() -> None:
    from chronique.model import Document, Span
    from chronique.server.render import mark_document

    doc = Document(raw="Menu\nPoutine a vu Erdogan lundi.", source="x", text="Poutine a vu Erdogan lundi!")
    doc.set_layer("removed", [Span(0, 4, "widget", {"rule": "menu"})])  # text is not raw minus the line
    doc.set_layer("entities", [Span(0, 7, "person", {"entity_id": "putin", "name": "Vladimir Putin"})])
    doc.set_layer("events", [Span(0, 12, "meeting", {"status": "happened"})])  # overlaps the mention
    doc.set_layer("timex", [Span(21, 26, "DATE", {"value": "XXXX-WXX-1"})])
    marked = mark_document(doc, evidence=(8, 12))
    assert marked.removed_apart == [("widget", "Menu")]
    html = str(marked.html)
    assert html.startswith('<span class="m m-event" title="meeting · happened"><a href="/entities/putin"')
    assert '<mark id="evidence" tabindex="-1" class="m m-evidence"><span class="m m-event"' in html
    assert html.count("<span") == html.count("</span>") and html.count("<mark") == html.count("</mark>")
    assert '<span class="m m-timex" title="DATE XXXX-WXX-1">lundi</span>!' in html


def test_highlight_escapes_text() -> None:
    from chronique.server.render import highlight

    assert str(highlight("a <b> c", [(2, 5)])) == "a <mark>&lt;b&gt;</mark> c"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.rfi.fr/a", "https://www.rfi.fr/a"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:x", None),
        (None, None),
    ],
)
def test_only_web_addresses_become_links(url: str | None, expected: str | None) -> None:
    from chronique.server.render import web_url

    assert web_url(url) == expected


def test_entry_card_shows_conflicts_with_their_sources() -> None:
    from chronique.server.app import templates
    from chronique.server.render import strings

    figure = {
        "doc_id": "d1",
        "value": 330000.0,
        "approx": True,
        "text": "330 000 morts",
        "start": 5,
        "end": 18,
        "published": "2017-12",
        "url": "https://www.rfi.fr/x",
    }
    entry = {
        "id": "e1",
        "date": "2017-12-11",
        "granularity": "day",
        "type": "meeting",
        "title": "Rencontre",
        "participants": [],
        "place": None,
        "summary": "",
        "status": "happened",
        "confidence": 0.5,
        "main": False,
        "flags": ["conflicting_dates", "conflicting_figures"],
        "conflicts": {
            "dates": [{"doc_id": "d2", "value": "2017-12-08", "evidence": "vendredi"}],
            "figures": [
                {
                    "quantity": "deaths",
                    "place": "Syria",
                    "values": [figure, {**figure, "value": 350000.0, "doc_id": "d3", "url": None}],
                }
            ],
        },
        "sources": [
            {
                "doc_id": "d1",
                "url": "javascript:alert(1)",
                "published": "2017-12",
                "sentence": "S.",
                "start": 0,
                "end": 2,
            }
        ],
    }
    macros = templates().get_template("_macros.html").make_module({"t": strings("fr"), "lang": "fr"})
    html = str(macros.entry_card(entry))
    assert html.count("⚠") == 4  # two flags in the summary, two boxes of details
    assert '<time datetime="2017-12-08">8 décembre 2017</time>' in html and "« vendredi »" in html
    assert "<strong>330 000</strong> ≈ « 330 000 morts »" in html and "<strong>350 000</strong>" in html
    assert 'href="/documents/d1?hl=5-18#evidence">rfi.fr</a>' in html
    assert "javascript:" not in html
    assert "Contexte" in html  # background news

"""Timeline entries, titles, filters, exports and the summarisation mode, on hand-built documents (#5)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

import pytest

from chronique.link import link, link_documents
from chronique.link.mentions import Participant
from chronique.model import Document, FuzzyDate, Provenance, Span
from chronique.store import open_store
from chronique.timeline import (
    FORMATS,
    entries_from,
    export,
    format_title,
    place_phrase,
    timeline,
    tls,
    tls_text,
)

PUTIN = {"entity_id": "vladimir-putin", "name": "Vladimir Putin"}
ERDOGAN = {"entity_id": "recep-tayyip-erdogan", "name": "Recep Tayyip Erdogan"}
MICHEL = {"entity_id": "charles-michel", "name": "Charles Michel"}
SOCHI = {"entity_id": "sochi", "name": "Sochi"}
ANKARA = {"entity_id": "ankara", "name": "Ankara"}

STABLE_KEYS = {
    "id", "date", "granularity", "type", "title", "participants", "place", "summary", "status", "confidence",
    "flags", "sources",
}  # fmt: skip
SOURCE_KEYS = {"doc_id", "url", "published", "sentence", "start", "end"}


def article(
    text: str, source: str, *, event: dict[str, Any], lang: str = "fr", published: str = "2021-09-29"
) -> Document:
    doc = Document(
        raw=text,
        source=source,
        url=f"https://example.org/{source}",
        lang=lang,
        published=FuzzyDate.parse(published, provenance=Provenance.METADATA),
    )
    start = text.index(event["trigger"])
    doc.set_layer("sentences", [Span(0, len(text), "sentence", {"paragraph": 0})])
    doc.set_layer(
        "entities",
        [Span(start, start + 1, "person", p) for p in event.get("participants", [PUTIN, ERDOGAN])]
        + ([Span(start, start + 1, "city", event["place"])] if event.get("place") else [])
        + [
            Span(text.index(w), text.index(w) + len(w), "person", PUTIN)
            for w in ("Poutine", "Putin")
            if w in text
        ],
    )
    doc.set_layer(
        "events",
        [
            Span(
                start,
                start + len(event["trigger"]),
                event.get("type", "meeting"),
                {
                    "participants": event.get("participants", [PUTIN, ERDOGAN]),
                    "place": event.get("place"),
                    "date": FuzzyDate.parse(event["date"], provenance="timex").to_dict(),
                    "status": event.get("status", "happened"),
                    "main": event.get("main", True),
                    "sentence": [0, len(text)],
                    "timex": None,
                },
            )
        ],
    )
    return doc


@pytest.fixture
def corpus() -> list[Document]:
    return [
        article(
            "Vladimir Poutine a reçu mercredi Recep Tayyip Erdogan à Sotchi pour parler de la Syrie.",
            "rfi",
            event={"trigger": "reçu", "place": SOCHI, "date": "2021-09-29"},
        ),
        article(
            "Russia's Putin hosted Turkey's Erdogan in Sochi on Wednesday for talks on Syria.",
            "national",
            lang="en",
            event={"trigger": "hosted", "place": SOCHI, "date": "2021-09-29"},
        ),
        article(
            "Charles Michel a rencontré Erdogan à Ankara la semaine passée, selon la présidence.",
            "michel",
            published="2020-03-06",
            event={
                "trigger": "rencontré",
                "participants": [MICHEL, ERDOGAN],
                "place": ANKARA,
                "date": "2020-03-04",
                "main": False,
            },
        ),
    ]


def test_entries_have_the_stable_json_form(corpus: list[Document]) -> None:
    entries = entries_from(link_documents(corpus), lang="fr")
    assert [e.date.value if e.date else None for e in entries] == ["2020-03-04", "2021-09-29"]
    data = entries[1].to_dict()
    assert set(data) >= STABLE_KEYS
    assert all(set(s) >= SOURCE_KEYS for s in data["sources"])
    assert data["granularity"] == "day"
    assert data["title"] == "Rencontre Vladimir Poutine – Recep Tayyip Erdogan à Sotchi"
    assert {p["id"] for p in data["participants"]} == {"vladimir-putin", "recep-tayyip-erdogan"}
    assert data["place"] == {"id": "sochi", "name": "Sochi"}
    assert len(data["sources"]) == 2
    # The summary is chosen among the sources, in the timeline's language.
    assert data["summary"].startswith("Vladimir Poutine a reçu")
    source = data["sources"][0]
    doc = next(d for d in corpus if d.id == source["doc_id"])
    assert doc.text[source["start"] : source["end"]] == source["sentence"]
    assert entries[1].confidence > entries[0].confidence  # two sources agree


def test_titles_follow_the_language(corpus: list[Document]) -> None:
    (entry,) = entries_from(link_documents(corpus), lang="en", types=["meeting"], date_from="2021")
    assert entry.title == "Meeting Vladimir Putin – Recep Tayyip Erdogan in Sochi"
    assert entry.summary.startswith("Russia's Putin hosted")


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({}, 2),
        ({"entities": ["Poutine"]}, 1),  # an alias
        ({"entities": ["Putin", "Erdogan"]}, 1),
        ({"entities": ["Erdogan"]}, 2),
        ({"entities": ["Charles Michel", "Poutine"]}, 0),  # all of them
        ({"types": ["phone_call"]}, 0),
        ({"types": ["visit"]}, 0),
        ({"date_from": "2021-01-01"}, 1),
        ({"date_to": "2020-03"}, 1),
        ({"date_from": "2020-03-05", "date_to": "2021-09-28"}, 0),
        ({"main_only": True}, 1),
    ],
)
def test_filters(corpus: list[Document], filters: dict[str, Any], count: int) -> None:
    assert len(entries_from(link_documents(corpus), **filters)) == count


@pytest.mark.parametrize(
    ("event_type", "participants", "place", "lang", "expected"),
    [
        ("meeting", ["A", "B", "C", "D", "E"], None, "en", "Meeting A – B – C – D – …"),
        ("unknown_type", ["A"], None, "fr", "Événement A"),
        ("visit", ["A"], "in Ankara", "xx", "Visit A in Ankara"),  # a language without data: English
    ],
)
def test_format_title(
    event_type: str, participants: list[str], place: str | None, lang: str, expected: str
) -> None:
    assert format_title(event_type, participants, place, lang) == expected


@pytest.mark.parametrize(
    ("entity_id", "name", "lang", "expected"),
    [
        ("singapore", "Singapore", "fr", "à Singapour"),
        ("vietnam", "Vietnam", "fr", "au Vietnam"),
        ("sochi", "Sochi", "fr", "à Sotchi"),
        ("united-states", "United States", "en", "in the United States"),
    ],
)
def test_titles_take_the_locative_of_the_place(entity_id: str, name: str, lang: str, expected: str) -> None:
    assert place_phrase(Participant(entity_id, name), lang) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports(corpus: list[Document], fmt: str) -> None:
    entries = entries_from(link_documents(corpus), lang="fr")
    text = export(entries, fmt, title="Syrie <test>")
    if fmt == "json":
        assert [e["id"] for e in json.loads(text)] == [e.id for e in entries]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["date"] for r in rows] == ["2020-03-04", "2021-09-29"]
        assert rows[1]["place"] == "Sochi"
    elif fmt == "timelinejs":
        data = json.loads(text)
        assert data["events"][1]["start_date"] == {"year": 2021, "month": 9, "day": 29}
        assert data["title"]["text"]["headline"] == "Syrie &lt;test&gt;"
    elif fmt == "html":
        assert text.startswith("<!doctype html>") and "Syrie &lt;test&gt;" in text
        assert "<script" not in text and "https://example.org/rfi" in text
    else:
        assert "## 2021-09-29 — Rencontre Vladimir Poutine – Recep Tayyip Erdogan à Sotchi" in text
        assert "(contexte)" in text  # the Michel meeting is not the article's main news (French export)


def test_unknown_format_is_refused(corpus: list[Document]) -> None:
    with pytest.raises(ValueError, match="unknown timeline format"):
        export([], "pdf")


def test_month_dates_stay_months_in_timelinejs() -> None:
    doc = article(
        "Rencontre à Sotchi en septembre.",
        "m",
        event={"trigger": "Rencontre", "place": SOCHI, "date": "2021-09"},
    )
    data = json.loads(export(entries_from(link_documents([doc])), "timelinejs"))
    assert data["events"][0]["start_date"] == {"year": 2021, "month": 9}


def test_timeline_reads_the_linked_store(tmp_path: Any, corpus: list[Document]) -> None:
    with open_store(tmp_path / "t.db") as store:
        store.add(corpus)
        link(store)
        entries = timeline(store, lang="en", entities=["Erdogan"])
    memory = entries_from(link_documents(corpus), lang="en", entities=["Erdogan"])
    assert [e.to_dict() for e in entries] == [e.to_dict() for e in memory]


def test_tls_picks_the_most_referred_days() -> None:
    def dated(text: str, source: str, day: str) -> Document:
        doc = Document(raw=text, source=source, lang="en", published=FuzzyDate.parse(day))
        doc.set_layer("sentences", [Span(0, len(text), "sentence", {})])
        return doc

    docs = [
        dated("Putin and Erdogan met in Sochi to talk about the Syrian war.", "a", "2021-09-29"),
        dated(
            "The Syrian war was at the centre of the Sochi talks between Putin and Erdogan.",
            "b",
            "2021-09-29",
        ),
        dated(
            "Erdogan spoke about Syria with Putin by phone on that day, the Kremlin said.", "c", "2020-03-12"
        ),
        dated(
            "Italy won the European football championship at Wembley on Sunday evening.", "d", "2021-07-11"
        ),
    ]
    summary = tls(docs, "Syria Syrian", max_dates=1, sentences=1)
    assert [day for day, _ in summary] == ["2021-09-29"]
    assert len(summary[0][1]) == 1
    text = tls_text(summary)
    assert text.startswith("2021-09-29\n") and text.rstrip().endswith("-" * 32)


def test_commands(tmp_path: Any, corpus: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from chronique.cli import app
    from chronique.pipeline import Pipeline

    runner = CliRunner()
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.add(corpus)
    result = runner.invoke(app, ["link", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 3
    result = runner.invoke(app, ["timeline", "--db", str(db), "--format", "json", "--entity", "Poutine"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert entry["title"] == "Rencontre Vladimir Poutine – Recep Tayyip Erdogan à Sotchi"
    out = tmp_path / "t.html"
    result = runner.invoke(app, ["timeline", "--db", str(db), "--format", "html", "--output", str(out)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!doctype html>")
    result = runner.invoke(app, ["timeline", "--db", str(db), "--format", "pdf"])
    assert result.exit_code == 1 and "unknown format 'pdf'" in result.output
    result = runner.invoke(app, ["timeline", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no such database" in result.output
    # build: add (no stages here: the readers' documents) and link, in one command
    monkeypatch.setattr(Pipeline, "default", classmethod(lambda cls, settings=None, **_: cls((), settings)))
    (tmp_path / "a.txt").write_text("Poutine et Erdogan se sont vus à Sotchi.", encoding="utf-8")
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["add"]["added"], report["link"]["documents"]) == (1, 1)


@pytest.mark.parametrize(
    ("lang", "status", "main", "marker"),
    [
        ("fr", "denied", False, "(démenti, contexte)"),
        ("fr", "planned", True, "(prévu)"),
        ("en", "denied", True, "(denied)"),
        ("en", "happened", False, "(background)"),
    ],
)
def test_exports_mark_status_and_background(
    corpus: list[Document], lang: str, status: str, main: bool, marker: str
) -> None:
    entry = dataclasses.replace(entries_from(link_documents(corpus))[0], status=status, main=main)
    heading = next(line for line in export([entry], "md", lang=lang).splitlines() if line.startswith("## "))
    assert marker in heading
    assert marker.strip("()").split(", ")[0] in export([entry], "html", lang=lang)


def test_a_happened_main_entry_has_no_marker(corpus: list[Document]) -> None:
    entry = dataclasses.replace(entries_from(link_documents(corpus))[0], status="happened", main=True)
    heading = next(line for line in export([entry], "md", lang="fr").splitlines() if line.startswith("## "))
    assert not heading.endswith(")")


def test_a_title_names_a_leader_or_the_state_he_leads_not_both() -> None:
    from chronique.timeline import _named

    people_and_states = [
        Participant("turkey", "Turkey"),
        Participant("recep-tayyip-erdogan", "Recep Tayyip Erdogan"),
        Participant("russia", "Russia"),
        Participant("vladimir-putin", "Vladimir Putin"),
        Participant("iran", "Iran"),
    ]
    assert [p.name for p in _named(people_and_states, "meeting")] == [
        "Recep Tayyip Erdogan",
        "Vladimir Putin",
        "Iran",
    ]
    # An agreement is named by the states that made it.
    assert [p.name for p in _named(people_and_states, "agreement")] == ["Turkey", "Russia", "Iran"]


def test_a_made_up_place_is_named_as_the_sources_of_the_language_named_it() -> None:
    from chronique.timeline import _display, place_phrase

    border = Participant.from_dict(
        {"entity_id": "syrian-border", "name": "Syrian border", "names": {"fr": "la frontière syrienne"}}
    )
    assert place_phrase(border, "fr") == "à la frontière syrienne"
    assert _display(border, "fr") == "la frontière syrienne"
    assert _display(border, "en") == "Syrian border"  # the canonical name
    assert Participant.from_dict(border.to_dict()) == border and Participant.from_dict(border.to_dict()).names

"""The event scorer behind `chronique eval events`, on gold and spans written here (#4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronique.cli import app
from chronique.evaluate.events import EventCase, EventScores, GoldEvent, score_document
from chronique.model import Document, Span

GOLD = GoldEvent("meeting", "2023-05-09", "Berlin", ("Emmanuel Macron", "Olaf Scholz"), "happened", main=True)


def event(
    label: str = "meeting", date: str | None = "2023-05-09", place: str | None = "Berlin", **attrs: Any
) -> Span:
    people = attrs.pop("participants", ["Emmanuel Macron", "Olaf Scholz"])
    return Span(
        0,
        5,
        label,
        {
            "participants": [{"entity_id": n.lower(), "name": n} for n in people],
            "place": {"entity_id": place.lower(), "name": place} if place else None,
            "date": {
                "value": date,
                "granularity": "day" if len(date) == 10 else "month",
                "evidence": attrs.pop("evidence", ""),
            }
            if date
            else None,
            "status": attrs.pop("status", "happened"),
            **attrs,
        },
    )


def score(*spans: Span, gold: GoldEvent = GOLD) -> EventScores:
    scores = EventScores()
    scores.add(score_document(EventCase("doc", Document(raw="x", source="t"), [gold]), list(spans)))
    return scores


def test_a_perfect_event() -> None:
    got = score(event()).as_dict()
    assert (got["recall"], got["precision"], got["all_right"], got["main_date_place"]) == (1, 1, 1, 1)


@pytest.mark.parametrize(
    ("span", "found"),
    [
        (event(label="visit"), True),  # visit and meeting are one family
        (event(label="phone_call"), False),
        (event(participants=["Joe Biden"]), False),
        (event(participants=["Olaf Scholz"]), True),  # one shared participant is enough to be found…
        (event(date="2023-06-01"), False),  # …but not a contradicting date
        (event(place="Madrid"), False),
        (event(date=None, place=None), True),  # silence contradicts nothing
    ],
)
def test_what_counts_as_found(span: Span, found: bool) -> None:
    assert score(span).recall == (1.0 if found else 0.0)


def test_fields_of_a_found_event_are_scored_one_by_one() -> None:
    scores = score(event(label="visit", participants=["Olaf Scholz"], date=None, status="planned"))
    assert scores.accuracy("type") == 0 and scores.accuracy("participants") == 0
    assert scores.accuracy("date") == 0 and scores.accuracy("place") == 1 and scores.accuracy("status") == 0
    assert scores.all_right == 0


def test_document_date_is_accepted_inside_a_month_level_gold_date() -> None:
    gold = GoldEvent("meeting", "2023-05", "Berlin", ("Emmanuel Macron",), main=True)
    assert score(event(date="2023-05-09", evidence="document date"), gold=gold).accuracy("date") == 1
    assert score(event(date="2023-05-09"), gold=gold).accuracy("date") == 0  # a day from nowhere


def test_pairs_are_one_to_one_and_extra_events_lower_precision() -> None:
    scores = score(event(), event(), event(label="attack", participants=["France"]))
    assert scores.recall == 1 and scores.extracted == 3 and scores.precision == pytest.approx(1 / 3)


def test_accuracy_of_a_field_the_gold_lacks_is_none() -> None:
    gold = GoldEvent("meeting", "2023-05-09", "Berlin", ("Emmanuel Macron",))
    assert score(event(), gold=gold).accuracy("status") is None


def test_cli_eval_events_on_own_files(tmp_path: Path) -> None:
    text = "Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi 9 mai 2023."
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(text, encoding="utf-8")
    gold_event = {
        "type": "meeting",
        "date_in_doc": "2023-05-09",
        "place": "Berlin",
        "participants": ["Emmanuel Macron", "Olaf Scholz"],
        "status": "happened",
    }
    gold = {"documents": {"a.txt": {"lang": "fr", "dct_for_eval": "2023-05-10", "events": [gold_event]}}}
    (seeds / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    articles = tmp_path / "articles.jsonl"
    record = {
        "id": "a",
        "lang": "fr",
        "text": " date 2023-05 " + text,
        "events": [{**gold_event, "date": "2023-05-09"}],
    }
    articles.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["eval", "events", str(articles), "--seeds", str(seeds), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = {row["set"]: row for row in json.loads(result.output)}
    assert set(rows) == {"seeds", "articles.jsonl"}
    assert rows["seeds"]["recall"] == 1.0
    assert rows["articles.jsonl"]["gold"] == 1


def test_cli_eval_events_names_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "events", str(bad), "--seeds", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "gold.json" in result.output or "bad.jsonl" in result.output

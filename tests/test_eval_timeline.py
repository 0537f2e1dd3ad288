"""The timeline scorer on small hand-made inputs: what counts as found, dated, merged or split (#5)."""

from __future__ import annotations

from typing import Any

import pytest

from chronique.evaluate.timeline import score_corpus_dating, score_dev_events, score_seed_timeline
from chronique.link import link_documents
from chronique.model import Document, FuzzyDate, Provenance, Span

GOLD: dict[str, Any] = {
    "documents": {"a.txt": {}, "b.txt": {}},
    "timeline": {
        "entries": [
            {
                "date": "2017-12-11",
                "date_seeds_only": "2017-12",
                "type": "meeting",
                "place": "Ankara",
                "sources": ["a.txt"],
            },
            {
                "date": "2015-11",
                "date_seeds_only": "2015-11",
                "type": "attack",
                "sources": ["a.txt", "b.txt"],
            },
        ]
    },
}


def entry(
    eid: str, date: str | None, etype: str, sources: list[str], place: str | None = None
) -> dict[str, Any]:
    return {
        "id": eid,
        "date": date,
        "type": etype,
        "place": {"id": place.lower(), "name": place} if place else None,
        "participants": [
            {"id": "vladimir-putin", "name": "Vladimir Putin"},
            {"id": "recep-tayyip-erdogan", "name": "Recep Tayyip Erdogan"},
        ],
        "sources": [{"doc_id": s, "source": s} for s in sources],
    }


@pytest.mark.parametrize(
    ("date", "with_dev", "ok"),
    [
        ("2017-12", False, True),  # as precise as date_seeds_only
        ("2017-12-11", False, True),  # more precise and right
        ("2017-12-12", False, False),  # against the real date
        ("2017", False, False),  # coarser than date_seeds_only
        ("2017-12", True, False),  # with the dev articles the exact day is due
        ("2017-12-11", True, True),
    ],
)
def test_seed_dates(date: str, with_dev: bool, ok: bool) -> None:
    entries = [
        entry("1", date, "visit", ["a.txt"], "Ankara"),
        entry("2", "2015-11", "attack", ["a.txt", "b.txt"]),
    ]
    scores = score_seed_timeline(entries, GOLD, with_dev=with_dev)
    assert (scores.found, scores.type_ok, scores.sources_exact) == (2, 2, 2)
    assert scores.date_ok == 1 + ok
    assert scores.place_ok == 1


def test_seed_extras_and_misses_are_counted() -> None:
    entries = [
        entry("1", "2017-12", "meeting", ["a.txt"], "Ankara"),
        entry(
            "2", "2017-09", "meeting", ["b.txt"], "Sochi"
        ),  # a Putin–Erdogan meeting the gold does not list
        entry("3", "2015-11", "attack", ["b.txt"]),  # found, but one source short
    ]
    scores = score_seed_timeline(entries, GOLD)
    assert (scores.found, scores.sources_exact, scores.extra_putin_erdogan) == (2, 1, 1)


def _doc(source: str, events: list[tuple[str, str, str]], published: str | None = None) -> Document:
    text = " ".join(f"{trigger}." for trigger, _, _ in events)
    doc = Document(
        raw=text, source=source, lang="fr", published=FuzzyDate.parse(published) if published else None
    )
    spans = []
    for trigger, date, place in events:
        start = text.index(trigger)
        spans.append(
            Span(
                start,
                start + len(trigger),
                "meeting",
                {
                    "participants": [
                        {"entity_id": "vladimir-putin", "name": "Vladimir Putin"},
                        {"entity_id": "recep-tayyip-erdogan", "name": "Recep Tayyip Erdogan"},
                    ],
                    "place": {"entity_id": place, "name": place.title()},
                    "date": FuzzyDate.parse(date, provenance=Provenance.TIMEX).to_dict(),
                    "status": "happened",
                    "main": True,
                    "sentence": [start, start + len(trigger) + 1],
                    "timex": None,
                },
            )
        )
    doc.set_layer("events", spans)
    return doc


def _gold(doc_id: str, date: str, place: str) -> dict[str, Any]:
    return {
        "id": doc_id,
        "events": [
            {
                "type": "meeting",
                "date": date,
                "place": place,
                "participants": ["Vladimir Putin", "Recep Tayyip Erdogan"],
            }
        ],
    }


def test_merge_and_split_errors() -> None:
    # Two real meetings; the predicted clusters split the first (different places given) and are
    # otherwise right.
    docs = [
        _doc("x", [("Rencontre", "2020-03-05", "moscow")]),
        _doc("y", [("Meeting", "2020-03-05", "ankara")]),  # a wrong place: a split
        _doc("z", [("Sommet", "2021-09-29", "sochi")]),
    ]
    gold = [
        _gold("x", "2020-03-05", "Moscow"),
        _gold("y", "2020-03-05", "Moscow"),
        _gold("z", "2021-09-29", "Sochi"),
    ]
    scores = score_dev_events(link_documents(docs), docs, gold)
    assert (scores.real_events, scores.matched_events, scores.merge_errors, scores.split_errors) == (
        2,
        3,
        0,
        1,
    )
    assert scores.putin_erdogan_meetings == 2


def test_corpus_dating_counts() -> None:
    docs = [
        _doc("day", [("A", "2017-12-11", "ankara")], published="2017-12-08"),
        _doc("near", [("B", "2017-12-11", "ankara")], published="2017-12-09"),
        _doc("month", [("C", "2017-12-11", "ankara")], published="2017-12"),
        _doc("wrong", [("D", "2017-12-11", "ankara")], published="2018-03-01"),
        _doc("none", [("E", "2017-12-11", "ankara")]),
    ]
    gold = {
        "day": "2017-12-08",
        "near": "2017-12-08",
        "month": "2017-12-08",
        "wrong": "2017-12-08",
        "none": "2017-12",
    }
    scores = score_corpus_dating(link_documents(docs, resolver=None), docs, gold)
    assert (scores.documents, scores.day_golds) == (5, 4)
    # "none" borrows the month of its main event (told without a time expression), a guess under 0.5.
    assert (scores.within_one_day, scores.right_month, scores.confident_wrong) == (2, 4, 1)

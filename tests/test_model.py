"""The data model: FuzzyDate granularities and intervals, Span, Document ids and round trips (#2)."""

from __future__ import annotations

import datetime as dt

import pytest

from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span, content_id

D = dt.date


@pytest.mark.parametrize(
    ("value", "granularity", "first", "last"),
    [
        ("2018-06-12", Granularity.DAY, D(2018, 6, 12), D(2018, 6, 12)),
        ("2019-W26", Granularity.WEEK, D(2019, 6, 24), D(2019, 6, 30)),
        ("2019-02", Granularity.MONTH, D(2019, 2, 1), D(2019, 2, 28)),
        ("2020-02", Granularity.MONTH, D(2020, 2, 1), D(2020, 2, 29)),
        ("2018-SU", Granularity.SEASON, D(2018, 6, 1), D(2018, 8, 31)),
        ("2018-WI", Granularity.SEASON, D(2018, 12, 1), D(2019, 2, 28)),  # winter runs into next year
        ("2019", Granularity.YEAR, D(2019, 1, 1), D(2019, 12, 31)),
        ("201X", Granularity.DECADE, D(2010, 1, 1), D(2019, 12, 31)),
        ("19XX", Granularity.CENTURY, D(1900, 1, 1), D(1999, 12, 31)),
    ],
)
def test_parse_and_interval(value: str, granularity: Granularity, first: dt.date, last: dt.date) -> None:
    date = FuzzyDate.parse(f" {value} ", provenance="prefix", confidence=0.5)
    assert (date.value, date.granularity, date.provenance) == (value, granularity, Provenance.PREFIX)
    assert date.interval() == (first, last) and (date.start, date.end) == (first, last)
    assert str(date) == value


@pytest.mark.parametrize(
    "value", ["2018-13", "2019-02-29", "2018-06-31", "2019-W54", "18-06", "XXXX-06-12", "P3D"]
)
def test_parse_refuses_what_is_not_a_calendar_date(value: str) -> None:
    with pytest.raises(ValueError):
        FuzzyDate.parse(value)


def test_granularity_order() -> None:
    assert [g.rank for g in Granularity] == sorted(g.rank for g in Granularity)
    assert Granularity.DAY.rank < Granularity.MONTH.rank < Granularity.YEAR.rank
    assert FuzzyDate.parse("2018-06-12").is_finer_than(FuzzyDate.parse("2018-06"))
    assert not FuzzyDate.parse("2018").is_finer_than(FuzzyDate.parse("2018-06"))


@pytest.mark.parametrize(
    ("outer", "inner", "contains", "compatible"),
    [
        ("2018-06", "2018-06-12", True, True),
        ("2018-06-12", "2018-06", False, True),
        ("2018", "2018-WI", False, True),  # December 2018 to February 2019
        ("2018-06", "2019-06", False, False),
        ("201X", "2019-02-28", True, True),
    ],
)
def test_contains_and_compatible(outer: str, inner: str, contains: bool, compatible: bool) -> None:
    a, b = FuzzyDate.parse(outer), FuzzyDate.parse(inner)
    assert a.contains(b) is contains
    assert a.compatible(b) is compatible and b.compatible(a) is compatible


def test_contains_a_plain_date() -> None:
    assert FuzzyDate.parse("2019-02").contains(D(2019, 2, 28))
    assert not FuzzyDate.parse("2019-02").contains(D(2019, 3, 1))


@pytest.mark.parametrize(
    ("value", "granularity", "expected"),
    [
        ("2018-06-12", Granularity.MONTH, "2018-06"),
        ("2018-06-12", Granularity.YEAR, "2018"),
        ("2018-06", Granularity.YEAR, "2018"),
        ("2018-06", Granularity.MONTH, "2018-06"),
    ],
)
def test_coarsen(value: str, granularity: Granularity, expected: str) -> None:
    date = FuzzyDate.parse(value, provenance="metadata", confidence=0.9)
    coarse = date.coarsen(granularity)
    assert (coarse.value, coarse.granularity, coarse.provenance, coarse.confidence) == (
        expected,
        granularity,
        Provenance.METADATA,
        0.9,
    )


@pytest.mark.parametrize(("value", "granularity"), [("201X", Granularity.YEAR), ("2018", Granularity.MONTH)])
def test_coarsen_never_makes_a_date_finer(value: str, granularity: Granularity) -> None:
    with pytest.raises(ValueError):
        FuzzyDate.parse(value).coarsen(granularity)


def test_fuzzy_date_dict_round_trip() -> None:
    date = FuzzyDate.parse("2019-06-30", provenance="content", confidence=0.7777, evidence="dimanche")
    data = date.to_dict()
    assert data == {
        "value": "2019-06-30",
        "granularity": "day",
        "provenance": "content",
        "confidence": 0.778,
        "evidence": "dimanche",
    }
    assert FuzzyDate.from_dict(data).value == "2019-06-30"
    assert FuzzyDate.from_date(D(2019, 6, 30), provenance="timex").granularity is Granularity.DAY


def test_span() -> None:
    text = "Kim Jong-un à Hanoï"
    span = Span(14, 19, "city", {"entity_id": "hanoi"})
    assert span.text_of(text) == "Hanoï"
    assert span.overlaps(Span(18, 30, "x")) and not span.overlaps(Span(0, 14, "x"))
    assert Span.from_dict(span.to_dict()) == span


def test_content_id_is_stable_and_separates_parts() -> None:
    assert content_id("a.txt", "texte") == content_id("a.txt", "texte")
    assert len(content_id("x")) == 16
    assert content_id("ab", "c") != content_id("a", "bc")


def test_document_id_hashes_source_and_raw() -> None:
    doc = Document(raw="Kim est arrivé.", source="a.txt")
    assert doc.id == content_id("a.txt", "Kim est arrivé.")
    assert doc.text == doc.raw
    assert Document(raw="Kim est arrivé.", source="b.txt").id != doc.id
    cleaned = Document(raw="Kim est arrivé.", source="a.txt", text="Kim.")
    assert cleaned.id == doc.id  # a better cleaner does not make a new document


def test_layers_are_sorted_and_sentence_lookup() -> None:
    doc = Document(raw="Un. Deux. Trois.", source="t")
    doc.set_layer("sentences", [Span(10, 16, "sentence"), Span(0, 3, "sentence"), Span(4, 9, "sentence")])
    assert [s.start for s in doc.layer("sentences")] == [0, 4, 10]
    assert doc.sentence_of(5) == Span(4, 9, "sentence")
    assert doc.sentence_of(3) is None
    assert doc.layer("timex") == []


def test_document_dict_round_trip() -> None:
    doc = Document(
        raw=" Kim à Hanoï.",
        source="jsonl#1",
        url="https://x.example",
        title="Hanoï",
        lang="fr",
        text="Kim à Hanoï.",
        published=FuzzyDate.parse("2019-02", provenance="prefix"),
        meta={"external_id": "1"},
    )
    doc.set_layer("entities", [Span(6, 11, "city", {"entity_id": "hanoi", "name": "Hanoi"})])
    assert Document.from_dict(doc.to_dict()).to_dict() == doc.to_dict()

"""The corpus stage `link` on hand-built documents: coreference, cluster dates, cross-document dating,
figure conflicts, incremental linking in the store (#5)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from chronique.link import LinkResult, LinkState, link, link_documents
from chronique.link.cluster import Linker, places_compatible
from chronique.link.dating import choose_date, windows_for
from chronique.link.mentions import EventMention, Participant, TimexRef, mentions_of, refine_date
from chronique.model import Document, FuzzyDate, Provenance, Span
from chronique.store import open_store

PUTIN = {"entity_id": "vladimir-putin", "name": "Vladimir Putin"}
ERDOGAN = {"entity_id": "recep-tayyip-erdogan", "name": "Recep Tayyip Erdogan"}
MICHEL = {"entity_id": "charles-michel", "name": "Charles Michel"}
SOCHI = {"entity_id": "sochi", "name": "Sochi"}
ANKARA = {"entity_id": "ankara", "name": "Ankara"}
MOSCOW = {"entity_id": "moscow", "name": "Moscow"}
TURKEY = {"entity_id": "turkey", "name": "Turkey"}


def _date(value: str | None, provenance: str = "timex") -> dict[str, Any] | None:
    return FuzzyDate.parse(value, provenance=provenance).to_dict() if value else None


def doc(
    text: str,
    *,
    source: str,
    events: list[dict[str, Any]],
    published: str | None = None,
    lang: str = "fr",
    timexes: list[tuple[str, dict[str, Any]]] = (),  # type: ignore[assignment]
    names: list[tuple[str, dict[str, str], str]] = (),  # type: ignore[assignment]
) -> Document:
    """A document with an `events` layer: each event names its trigger word, and optionally the
    time expression of its clause (`timex`: the words, as in `timexes`); `names` are other entities
    the text names (words, entity, kind)."""
    document = Document(
        raw=text,
        source=source,
        lang=lang,
        published=FuzzyDate.parse(published, provenance=Provenance.METADATA) if published else None,
    )
    timex_spans = []
    for words, attrs in timexes:
        start = text.index(words)
        timex_spans.append(Span(start, start + len(words), "DATE", attrs))
    document.set_layer("timex", timex_spans)
    spans = []
    for event in events:
        start = text.index(event["trigger"])
        timex = None
        if event.get("timex"):
            t_start = text.index(event["timex"])
            timex = [t_start, t_start + len(event["timex"])]
        spans.append(
            Span(
                start,
                start + len(event["trigger"]),
                event.get("type", "meeting"),
                {
                    "participants": event.get("participants", [PUTIN, ERDOGAN]),
                    "place": event.get("place"),
                    "date": _date(event.get("date"), event.get("provenance", "timex")),
                    "status": event.get("status", "happened"),
                    "main": event.get("main", True),
                    "sentence": [0, len(text)],
                    "timex": timex,
                },
            )
        )
    document.set_layer("events", spans)
    entities = []
    for event in events:
        place = event.get("place")
        if place:
            start = text.index(event["trigger"])
            kind = "country" if place["entity_id"] == "turkey" else "city"
            entities.append(Span(start, start + 1, kind, place))
    for words, entity, kind in names:
        start = text.index(words)
        entities.append(Span(start, start + len(words), kind, entity))
    document.set_layer("entities", entities)
    return document


def weekday(day: int, direction: str) -> dict[str, Any]:
    return {"value": f"XXXX-WXX-{day}", "parts": {"weekday": day}, "direction": direction, "anchored": False}


def _clusters(result: Any) -> list[list[str]]:
    return sorted(sorted(m.doc_id for m in c.members) for c in result.clusters.values())


def test_same_meeting_across_languages_and_statuses_is_one_cluster() -> None:
    planned = doc(
        "Vladimir Poutine doit rencontrer lundi Recep Tayyip Erdogan à Sotchi.",
        source="fr",
        events=[{"trigger": "rencontrer", "place": SOCHI, "date": "2021-09-27", "status": "planned"}],
    )
    happened = doc(
        "Putin and Erdogan met on Monday in Sochi.",
        source="en",
        lang="en",
        events=[{"trigger": "met", "place": SOCHI, "date": "2021-09-27"}],
    )
    result = link_documents([planned, happened])
    assert _clusters(result) == [sorted([planned.id, happened.id])]
    (cluster,) = result.clusters.values()
    assert cluster.date is not None and cluster.date.value == "2021-09-27"
    assert cluster.status == "happened"


def test_two_meetings_sharing_one_leader_stay_apart() -> None:
    moscow = doc(
        "Erdogan et Poutine se sont rencontrés à Moscou.",
        source="a",
        events=[{"trigger": "rencontrés", "place": MOSCOW, "date": "2020-03-05"}],
    )
    ankara = doc(
        "Charles Michel a rencontré Erdogan à Ankara.",
        source="b",
        events=[
            {"trigger": "rencontré", "participants": [MICHEL, ERDOGAN], "place": ANKARA, "date": "2020-03"}
        ],
    )
    assert len(link_documents([moscow, ankara]).clusters) == 2


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (ANKARA, TURKEY, True),  # a city and its country
        (SOCHI, TURKEY, False),  # a city and another country
        (ANKARA, MOSCOW, False),  # two cities
        (ANKARA, ANKARA, True),
    ],
)
def test_places_compatible(a: dict[str, str], b: dict[str, str], same: bool) -> None:
    pa = Participant(a["entity_id"], a["name"], "country" if a is TURKEY else "city")
    pb = Participant(b["entity_id"], b["name"], "country" if b is TURKEY else "city")
    assert places_compatible(pa, pb) is same


def test_month_mention_attaches_to_the_day_and_disagreement_is_flagged() -> None:
    day = doc(
        "Ils se sont vus jeudi 5 mars à Moscou.",
        source="a",
        events=[{"trigger": "vus", "place": MOSCOW, "date": "2020-03-05"}],
    )
    again = doc(
        "Meeting in Moscow on 5 March.",
        source="b",
        lang="en",
        events=[{"trigger": "Meeting", "place": MOSCOW, "date": "2020-03-05"}],
    )
    month = doc(
        "Il y a un an, à Moscou, la rencontre.",
        source="c",
        events=[{"trigger": "rencontre", "place": MOSCOW, "date": "2020-03"}],
    )
    wrong = doc(
        "Le 6 mars à Moscou, la rencontre.",
        source="d",
        events=[{"trigger": "rencontre", "place": MOSCOW, "date": "2020-03-06"}],
    )
    result = link_documents([day, again, month, wrong])
    by_size = sorted(result.clusters.values(), key=lambda c: -len(c.members))
    main = by_size[0]
    assert {m.doc_id for m in main.members} == {day.id, again.id, month.id}
    assert main.date is not None and main.date.value == "2020-03-05"
    # One document's "6 mars" is another day: not merged into the 5 March meeting by day dates …
    assert wrong.id not in {m.doc_id for m in main.members}


def test_conflicting_days_of_one_event_are_flagged_with_each_value() -> None:
    linker = Linker()
    base = dict(
        start=0,
        end=4,
        type="meeting",
        status="happened",
        main=True,
        sentence=(0, 10),
        sentence_text="x",
        lang="fr",
        published=None,
        place=Participant("sochi", "Sochi", "city"),
        participants=(
            Participant("vladimir-putin", "Vladimir Putin"),
            Participant("recep-tayyip-erdogan", "Erdogan"),
        ),
    )
    month = EventMention(doc_id="m", date=FuzzyDate.parse("2021-09", provenance="timex"), **base)  # type: ignore[arg-type]
    linker.add([month])
    (cluster,) = linker.clusters.values()
    cluster.members += [
        EventMention(doc_id="a", date=FuzzyDate.parse("2021-09-29", provenance="timex"), **base),  # type: ignore[arg-type]
        EventMention(doc_id="b", date=FuzzyDate.parse("2021-09-29", provenance="timex"), **base),  # type: ignore[arg-type]
        EventMention(doc_id="c", date=FuzzyDate.parse("2021-10-02", provenance="timex"), **base),  # type: ignore[arg-type]
    ]
    cluster.resolve()
    assert cluster.date is not None and cluster.date.value == "2021-09-29"
    assert [(c.doc_id, c.value) for c in cluster.conflicts] == [("c", "2021-10-02")]


def test_a_document_date_does_not_outvote_an_expression() -> None:
    own = doc(
        "Rencontre le 28 septembre 2017 à Ankara.",
        source="a",
        events=[{"trigger": "Rencontre", "place": ANKARA, "date": "2017-09-28"}],
    )
    fallback = doc(
        "La rencontre à Ankara.",
        source="b",
        published="2017-09-29",
        events=[{"trigger": "rencontre", "place": ANKARA}],
    )
    fallback.layers["events"] = [
        Span(s.start, s.end, s.label, {**s.attrs, "date": _date("2017-09-29", "metadata")})
        for s in fallback.layer("events")
    ]
    result = link_documents([own, fallback])
    (cluster,) = result.clusters.values()
    assert cluster.date is not None and cluster.date.value == "2017-09-28"
    assert cluster.conflicts == []


def test_blocking_compares_a_mention_with_few_clusters() -> None:
    docs = [
        doc(
            f"Rencontre {i}.",
            source=f"s{i}",
            events=[
                {
                    "trigger": "Rencontre",
                    "participants": [
                        {"entity_id": f"p{i}", "name": f"P{i}"},
                        {"entity_id": f"q{i}", "name": f"Q{i}"},
                    ],
                    "date": (dt.date(2020, 1, 1) + dt.timedelta(days=i)).isoformat(),
                }
            ],
        )
        for i in range(300)
    ]
    result = link_documents(docs)
    assert len(result.clusters) == 300
    assert result.state.linker.comparisons == 0  # no two share a participant: nothing to compare


@pytest.mark.parametrize("split", [1, 2, 3])
def test_incremental_linking_gives_the_same_clusters(split: int) -> None:
    docs = [
        doc(
            "Poutine reçoit Erdogan à Sotchi.",
            source="1",
            events=[{"trigger": "reçoit", "place": SOCHI, "date": "2021-09-29"}],
        ),
        doc(
            "Putin hosts Erdogan in Sochi.",
            source="2",
            lang="en",
            events=[{"trigger": "hosts", "place": SOCHI, "date": "2021-09-29"}],
        ),
        doc(
            "Poutine et Erdogan à Moscou.",
            source="3",
            events=[{"trigger": "Moscou", "place": MOSCOW, "date": "2020-03-05"}],
        ),
        doc(
            "Rencontre à Sotchi en septembre.",
            source="4",
            events=[{"trigger": "Rencontre", "place": SOCHI, "date": "2021-09"}],
        ),
    ]
    whole = _clusters(link_documents(docs))
    state = LinkState()
    link_documents(docs[:split], state=state)
    result = link_documents(docs[split:], state=state)
    assert _clusters(result) == whole


def test_weekday_and_a_dated_source_date_the_document() -> None:
    # Seed 004's shape: "doit effectuer lundi une visite …, a annoncé vendredi", dated only to the month,
    # while another source dates the visit on Monday 11 December 2017.
    text = (
        "Il doit effectuer lundi une visite à Ankara, a annoncé vendredi la présidence. "
        "L'armée a affirmé jeudi."
    )
    undated = doc(
        text,
        source="month",
        published="2017-12",
        events=[
            {"trigger": "visite", "place": ANKARA, "date": "2017-12", "status": "planned", "timex": "lundi"}
        ],
        timexes=[
            ("lundi", weekday(1, "future")),
            ("vendredi", weekday(5, "past")),
            ("jeudi", weekday(4, "past")),
        ],
    )
    undated.published = FuzzyDate.parse("2017-12", provenance=Provenance.PREFIX)
    dated = doc(
        "Visite à Ankara le 11 décembre 2017.",
        source="day",
        events=[{"trigger": "Visite", "place": ANKARA, "date": "2017-12-11"}],
    )
    result = link_documents([undated, dated], resolver=None)
    date = result.borrowed[undated.id]
    assert (date.value, date.granularity.value, date.provenance) == ("2017-12-08", "day", Provenance.CORPUS)
    assert "lundi" in date.evidence
    # The document's mentions are re-read against it: its Monday is the 11th.
    (mention,) = result.state.linker.mentions_of_doc(undated.id)
    assert mention.date is not None and mention.date.value == "2017-12-11"


@pytest.mark.parametrize(
    ("words", "recipe", "expected"),
    [
        # "last week" of a meeting on Thursday 5 March: the week of 9-15 March, where "Thursday" is the 12th.
        ("last week", {"kind": "relunit", "cue": "past", "unit": "W"}, "2020-03-12"),
        ("this week", {"kind": "relunit", "cue": "this", "unit": "W"}, "2020-03-05"),
        ("yesterday", {"kind": "calendar", "relday": -1}, "2020-03-06"),  # the day after, whatever else
        ("earlier this month", {"kind": "relunit", "cue": "this", "unit": "M"}, "2020-03"),
        ("last year", {"kind": "relunit", "cue": "past", "unit": "Y"}, None),  # a year dates no day
    ],
)
def test_relative_expressions_date_the_document(
    words: str, recipe: dict[str, Any], expected: str | None
) -> None:
    text = f"They met {words} in Moscow. Putin spoke by phone on Thursday."
    value = {"relunit": "XXXX-WXX", "calendar": "XXXX-XX-XX"}[recipe["kind"]]
    undated = doc(
        text,
        source="later",
        lang="en",
        events=[{"trigger": "met", "place": MOSCOW, "timex": words}],
        timexes=[
            (words, {"value": value, "direction": "past", "anchored": True, "recipe": recipe}),
            ("Thursday", weekday(4, "past")),
        ],
    )
    dated = doc(
        "Putin and Erdogan met in Moscow on 5 March 2020.",
        source="day",
        lang="en",
        events=[{"trigger": "met", "place": MOSCOW, "date": "2020-03-05"}],
    )
    result = link_documents([undated, dated], resolver=None)
    date = result.borrowed.get(undated.id)
    assert (date.value if date is not None else None) == expected
    if date is not None:
        assert date.provenance is Provenance.CORPUS and words in date.evidence


def test_a_lone_weekday_rejoins_the_event_once_a_source_dates_it_at_its_place() -> None:
    # At first the one dated visit is placed in Turkey only: "jeudi à Ankara" in an undated article is not
    # sure enough. Once an article that says "à Ankara le 28 septembre" joins the visit, it is.
    country = doc(
        "Poutine se rend en Turquie le 28 septembre 2017.",
        source="country",
        events=[{"trigger": "se rend", "place": TURKEY, "date": "2017-09-28", "status": "planned"}],
    )
    yearless = doc(
        "Poutine s'est entretenu avec Erdogan à Ankara le 28 septembre.",
        source="yearless",
        events=[{"trigger": "entretenu", "place": ANKARA, "timex": "le 28 septembre"}],
        timexes=[("le 28 septembre", {"value": "XXXX-09-28", "parts": {"month": 9, "day": 28}})],
    )
    weekday_only = doc(
        "Poutine est arrivé à Ankara jeudi.",
        source="weekday",
        events=[{"trigger": "arrivé", "place": ANKARA, "timex": "jeudi"}],
        timexes=[("jeudi", weekday(4, "past"))],
    )
    first = link_documents([country, weekday_only], resolver=None)
    assert weekday_only.id not in first.borrowed
    earlier = {d.id: d for d in (country, weekday_only)}
    result = link_documents(
        [yearless], state=first.state, resolver=None, load=lambda ids: [earlier[i] for i in ids]
    )
    assert _clusters(result) == [sorted([country.id, yearless.id, weekday_only.id])]
    date = result.borrowed[weekday_only.id]
    assert (date.value, date.provenance) == ("2017-09-28", Provenance.CORPUS)


@pytest.mark.parametrize(
    ("event_date", "expected"),
    [
        ("2020-03-05", "2020-03-06"),  # told without a time expression: the middle of the days after
        ("2020-03-31", "2020-04-01"),  # across the end of a month as well
    ],
)
def test_a_main_event_told_without_time_gives_a_day_guess(event_date: str, expected: str | None) -> None:
    undated = doc(
        "Erdogan et Poutine ont eu un tête-à-tête de trois heures à Moscou.",
        source="undated",
        events=[{"trigger": "tête-à-tête", "place": MOSCOW}],
    )
    dated = doc(
        "Putin and Erdogan met in Moscow.",
        source="day",
        lang="en",
        events=[{"trigger": "met", "place": MOSCOW, "date": event_date}],
    )
    result = link_documents([dated, undated], resolver=None)
    date = result.borrowed[undated.id]
    assert date.value == expected
    assert date.confidence < 0.5 and "guess" in date.evidence  # never counted as a sure date


def test_a_yearless_day_with_its_weekday_is_read_as_a_weekday() -> None:
    # "mercredi 3 mai" (past) names a day of the week before the publication, as "mercredi" would; without
    # its weekday, "le 3 mai" only says "within half a year after" (a first-day guess).
    timexes = {
        "mercredi 3 mai": {"value": "XXXX-05-03", "parts": {"weekday": 3, "month": 5, "day": 3}},
        "le 3 mai": {"value": "XXXX-05-03", "parts": {"month": 5, "day": 3}},
    }
    dated = doc(
        "Poutine et Erdogan à Sotchi le 3 mai 2017.",
        source="day",
        events=[{"trigger": "Poutine", "place": SOCHI, "date": "2017-05-03"}],
    )
    confidences = {}
    for words, attrs in timexes.items():
        undated = doc(
            f"Poutine et Erdogan ont tenu {words} une conférence à Sotchi.",
            source=words,
            events=[{"trigger": "conférence", "place": SOCHI, "timex": words}],
            timexes=[(words, {**attrs, "direction": "past"})],
        )
        date = link_documents([dated, undated], resolver=None).borrowed[undated.id]
        assert date.value == "2017-05-03"
        confidences[words] = date.confidence
    assert confidences["le 3 mai"] < 0.5 <= confidences["mercredi 3 mai"]


def test_an_offset_dates_the_document_to_the_month() -> None:
    text = "Il y a un an et demi, Poutine et Erdogan s'étaient retrouvés à Moscou."
    offset = {"value": "P18M", "direction": "past", "recipe": {"kind": "offset", "unit": "Y", "amount": 1.5}}
    undated = doc(
        text,
        source="u",
        events=[{"trigger": "retrouvés", "place": MOSCOW, "timex": "Il y a un an et demi"}],
        timexes=[("Il y a un an et demi", offset)],
    )
    dated = doc(
        "Rencontre à Moscou le 5 mars 2020.",
        source="d",
        events=[{"trigger": "Rencontre", "place": MOSCOW, "date": "2020-03-05"}],
    )
    result = link_documents([undated, dated], resolver=None)
    date = result.borrowed[undated.id]
    assert date.granularity.value == "month" and date.value == "2021-09"
    assert date.confidence < 0.5


def test_a_yearless_day_takes_its_year_from_the_linked_event() -> None:
    text = "À la suite d'un entretien avec Erdogan le 28 septembre à Ankara, Poutine a parlé."
    yearless = {"value": "XXXX-09-28", "parts": {"month": 9, "day": 28}, "direction": "past"}
    undated = doc(
        text,
        source="u",
        events=[{"trigger": "entretien", "place": ANKARA, "timex": "le 28 septembre"}],
        timexes=[("le 28 septembre", yearless)],
    )
    dated = doc(
        "Poutine à Ankara le 28 septembre 2017.",
        source="d",
        events=[{"trigger": "Poutine", "place": ANKARA, "date": "2017-09-28"}],
    )
    december = doc(
        "Poutine à Ankara le 11 décembre 2017.",
        source="e",
        events=[{"trigger": "Poutine", "place": ANKARA, "date": "2017-12-11"}],
    )
    result = link_documents([undated, dated, december], resolver=None)
    assert len(result.clusters) == 2  # the 28 September fits only the September visit
    date = result.borrowed[undated.id]
    assert date.value == "2017-09-28" and date.confidence < 0.5


@pytest.mark.parametrize(
    ("windows_lo_hi", "expected"),
    [
        # No weekday written: seven days fit alike, no day is pinned, the month is (#5).
        ([("2017-12-05", "2017-12-11")], "2017-12"),
        ([("2017-12-05", "2017-12-07")], "2017-12-06"),  # three days: the middle is within one of each
        ([("2017-12-01", "2018-02-01")], None),  # too wide to say
        ([("2017-12-05", "2017-12-20"), ("2017-12-22", "2017-12-30")], None),  # sources disagree
    ],
)
def test_choose_date(windows_lo_hi: list[tuple[str, str]], expected: str | None) -> None:
    from chronique.link.dating import Window

    windows = [
        Window(dt.date.fromisoformat(lo), dt.date.fromisoformat(hi), "c", "x", "e")
        for lo, hi in windows_lo_hi
    ]
    date = choose_date(windows, None)
    got = date.value if date is not None and date.confidence >= 0.5 else None
    assert got == expected


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        # Seed 000: "jeudi 28 septembre" coming and "lundi" past fit Monday to Wednesday alike: the middle.
        ([(4, 28, "future"), (1, None, "past")], "2017-09-26"),
        ([(1, None, "past")], "2017-09-25"),  # the nearest Monday back
        ([], "2017-09"),  # nothing to choose among six days: the month
    ],
)
def test_choose_date_reads_every_weekday_written(
    refs: list[tuple[int, int | None, str]], expected: str
) -> None:
    from chronique.link.dating import Window

    window = Window(None, dt.date(2017, 9, 28), "c", "jeudi 28 septembre", "2017-09-28")
    timexes = [
        TimexRef("x", "XXXX", direction=d, parts={"weekday": w, **({"day": n, "month": 9} if n else {})})
        for w, n, d in refs
    ]
    date = choose_date([window], None, timexes, interval=(dt.date(2017, 9, 22), dt.date(2017, 9, 27)))
    assert date is not None and date.value == expected


@pytest.mark.parametrize(
    ("lo", "hi", "event_date", "expected"),
    [
        ("2017-09-28", "2017-10-04", "2017-09-28", "2017-09-29"),  # "jeudi" past, "le 29/09": the 29th
        ("2017-09-28", None, "2017-09-28", "2017-09-29"),  # after a day-dated event: the first 29/09
        ("2017-09-30", "2017-10-04", "2017-09-28", None),  # no 29 September in the window: they disagree
        ("2015-11-01", None, "2015-11", None),  # only after a month-level fact: which year is unknown
    ],
)
def test_choose_date_with_a_yearless_own_day(
    lo: str, hi: str | None, event_date: str, expected: str | None
) -> None:
    from chronique.link.dating import Window

    window = Window(
        dt.date.fromisoformat(lo), dt.date.fromisoformat(hi) if hi else None, "c", "jeudi", event_date
    )
    date = choose_date([window], None, own_day=(9, 29))
    assert (date.value if date else None) == expected
    if date is not None:
        assert date.provenance is Provenance.CORPUS and "own day" in date.evidence


@pytest.mark.parametrize(
    ("words", "attrs", "expected"),
    [
        ("jeudi soir", {"value": "XXXX-WXX-4TEV", "parts": {"weekday": 4}}, "jeudi soir"),
        ("hier soir", {"value": "XXXX-XX-XXTEV", "recipe": {"kind": "calendar", "relday": -1}}, "hier soir"),
        ("à 20h", {"value": "XXXX-XX-XXT20:00", "parts": {"hour": 20}}, None),  # an hour names no day
    ],
)
def test_a_time_that_names_its_day_dates_the_mention(
    words: str, attrs: dict[str, Any], expected: str | None
) -> None:
    text = f"Poutine est arrivé à Ankara {words}."
    document = doc(text, source="t", events=[{"trigger": "arrivé", "place": ANKARA}])
    start = text.index(words)
    document.set_layer("timex", [Span(start, start + len(words), "TIME", attrs)])
    (mention,) = mentions_of(document)
    assert (mention.timex.text if mention.timex else None) == expected


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        ("2017-09-28", "2018-03-30", "2017-09-28"),  # after a reported 28 September: its first day, a guess
        ("2017-03-29", "2017-09-28", None),  # before an announced one: how long before, nothing says
    ],
)
def test_first_day_guess_only_after_a_reported_day(lo: str, hi: str, expected: str | None) -> None:
    from chronique.link.dating import Window

    window = Window(
        dt.date.fromisoformat(lo), dt.date.fromisoformat(hi), "c", "le 28 septembre", "2017-09-28"
    )
    date = choose_date([window], None)
    assert (date.value if date else None) == expected
    assert date is None or date.confidence < 0.5


def test_refine_date_uses_the_expression() -> None:
    timex = TimexRef("jeudi 28 septembre", "XXXX-09-28", parts={"weekday": 4, "month": 9, "day": 28})
    month = FuzzyDate.parse("2017-09")
    assert refine_date(month, None, timex) == FuzzyDate.parse(
        "2017-09-28", provenance="timex", evidence="jeudi 28 septembre"
    )
    monday = TimexRef("lundi", "XXXX-WXX-1", parts={"weekday": 1})
    assert refine_date(month, None, monday) == month  # four Mondays: stays a month


def test_windows_ignore_clusters_of_one_document() -> None:
    alone = doc(
        "Rencontre lundi à Sotchi.",
        source="a",
        events=[{"trigger": "Rencontre", "place": SOCHI, "timex": "lundi"}],
        timexes=[("lundi", weekday(1, "future"))],
    )
    result = link_documents([alone], resolver=None)
    assert windows_for(mentions_of(alone), result.state.linker) == []
    assert result.borrowed == {}


def test_figure_conflicts_put_one_quantity_side_by_side() -> None:
    def with_figure(text: str, words: str, value: float, source: str) -> Document:
        document = Document(raw=text, source=source, lang="fr", published=FuzzyDate.parse("2017-12"))
        start = text.index(words)
        syria = text.index("syrien")
        document.set_layer(
            "entities", [Span(syria, syria + 6, "country", {"entity_id": "syria", "name": "Syria"})]
        )
        document.set_layer(
            "figures",
            [
                Span(
                    start,
                    start + len(words),
                    "deaths",
                    {"value": value, "approx": True, "unit": "", "sentence": [0, len(text)]},
                )
            ],
        )
        return document

    a = with_figure("Le conflit syrien a fait plus de 330 000 morts.", "plus de 330 000 morts", 330000, "a")
    b = with_figure("Le conflit syrien a fait 500 000 morts selon l'OSDH.", "500 000 morts", 500000, "b")
    c = with_figure("Trente soldats ont été tués dans le conflit syrien.", "Trente soldats", 30, "c")
    result = link_documents([a, b, c])
    (conflict,) = result.figure_conflicts
    assert conflict.quantity == "deaths"
    assert sorted(v.value for v in conflict.values) == [330000, 500000]


def test_link_store_is_incremental_and_idempotent(tmp_path: Any) -> None:
    first = doc(
        "Poutine reçoit Erdogan à Sotchi.",
        source="1",
        events=[{"trigger": "reçoit", "place": SOCHI, "date": "2021-09-29"}],
    )
    second = doc(
        "Putin hosts Erdogan in Sochi.",
        source="2",
        lang="en",
        events=[{"trigger": "hosts", "place": SOCHI, "date": "2021-09-29"}],
    )
    with open_store(tmp_path / "t.db") as store:
        store.add([first])
        report = link(store)
        assert (report.documents, report.clusters) == (1, 1)
        assert link(store).documents == 0  # nothing new: nothing read
        store.add([second])
        report = link(store)
        assert (report.documents, report.clusters, report.touched) == (1, 1, 1)
        rows = store.connection.execute(
            "SELECT cluster_id, count(*) FROM event_mentions GROUP BY cluster_id"
        ).fetchall()
        assert [r[1] for r in rows] == [2]
        relinked = link(store, relink=True)
        assert (relinked.documents, relinked.clusters) == (2, 1)


def test_link_store_keeps_borrowed_dates(tmp_path: Any) -> None:
    text = "Il doit effectuer lundi une visite à Ankara, a annoncé vendredi la présidence."
    undated = doc(
        text,
        source="month",
        events=[{"trigger": "visite", "place": ANKARA, "status": "planned", "timex": "lundi"}],
        timexes=[("lundi", weekday(1, "future")), ("vendredi", weekday(5, "past"))],
    )
    dated = doc(
        "Visite à Ankara le 11 décembre 2017.",
        source="day",
        events=[{"trigger": "Visite", "place": ANKARA, "date": "2017-12-11"}],
    )
    with open_store(tmp_path / "t.db") as store:
        store.add([dated])
        link(store)
        # "lundi" in an undated article says nothing of which Monday until the one visit it fits is known;
        # then "vendredi" past and "lundi" coming fit Friday 8 to Monday 11 alike: the month, no day.
        store.add([undated])
        assert link(store).borrowed == 1
        (value,) = store.connection.execute("SELECT value FROM borrowed_dates").fetchone()
        assert value == "2017-12"


@pytest.mark.shared
def test_stored_linking_loads_what_it_needs_and_changes_nothing(
    tmp_path: Any, seeds_dir: Any, seed_gold: dict[str, Any], dev_articles: list[dict[str, Any]]
) -> None:
    """Linking batch by batch in the store (clusters loaded on demand through the stored block index)
    gives the clusters and borrowed dates of linking the same batches in memory."""
    from chronique.evaluate.timeline import oracle_documents
    from chronique.link.persist import load_state

    docs = oracle_documents(seeds_dir, seed_gold, dev_articles)
    batches = [docs[i::3] for i in range(3)]
    by_id = {doc.id: doc for doc in docs}
    state = LinkState()
    for batch in batches:
        link_documents(batch, state=state, load=lambda ids: [by_id[i] for i in ids])
    with open_store(tmp_path / "t.db") as store:
        for batch in batches:
            store.add(batch)
            link(store)
        stored = load_state(store)
        loaded = store.connection.execute("SELECT count(*) FROM cluster_keys").fetchone()[0]
    assert loaded > 0

    def clusters(s: LinkState) -> set[frozenset[str]]:
        return {frozenset(m.key for m in c.members) for c in s.linker.clusters.values()}

    assert clusters(stored) == clusters(state)
    assert {d: v.value for d, v in stored.borrowed.items()} == {d: v.value for d, v in state.borrowed.items()}


def test_a_day_written_in_one_source_makes_a_month_dated_event_a_day() -> None:
    month = doc(
        "Erdogan et Poutine se sont retrouvés à Moscou.",
        source="month",
        events=[{"trigger": "retrouvés", "place": MOSCOW, "date": "2020-03"}],
    )
    yearless = doc(
        "Erdogan et Poutine se sont retrouvés jeudi 5 mars à Moscou.",
        source="yearless",
        events=[{"trigger": "retrouvés", "place": MOSCOW, "timex": "jeudi 5 mars"}],
        timexes=[("jeudi 5 mars", {"value": "XXXX-03-05", "parts": {"weekday": 4, "day": 5, "month": 3}})],
    )
    result = link_documents([month, yearless], resolver=None)
    [cluster] = result.clusters.values()
    assert cluster.date is not None and cluster.date.value == "2020-03-05"  # the one Thursday 5 March
    # A weekday alone fits four days of the month: the event stays a month.
    weekday = doc(
        "Erdogan et Poutine se sont retrouvés jeudi à Moscou.",
        source="weekday",
        events=[{"trigger": "retrouvés", "place": MOSCOW, "timex": "jeudi"}],
        timexes=[("jeudi", {"value": "XXXX-WXX-4", "parts": {"weekday": 4}})],
    )
    result = link_documents([month, weekday], resolver=None)
    assert [c.date.value for c in result.clusters.values() if c.date] == ["2020-03"]


def test_a_year_in_a_name_dates_nothing() -> None:
    from chronique.events.mentions import year_in_name

    text = "Italy have won Euro 2020 at Wembley. En 2015, la Turquie a abattu un avion."
    euro = Span(text.index("2020"), text.index("2020") + 4, "DATE", {"value": "2020"})
    opening = Span(text.index("2015"), text.index("2015") + 4, "DATE", {"value": "2015"})
    assert year_in_name(text, euro)
    assert not year_in_name(text, opening)  # "En" opens the sentence: a date
    headline = "La Turquie et la Russie\nEn 2015, la Turquie a abattu un avion."
    start = headline.index("2015")
    assert not year_in_name(headline, Span(start, start + 4, "DATE", {"value": "2015"}))


RUSSIA = {"entity_id": "russia", "name": "Russia"}


LAST_YEAR = {"kind": "relunit", "cue": "past", "unit": "Y"}


def _sochi_story() -> tuple[list[Document], Document]:
    """Two meetings in Sochi that fell on a Wednesday, a ceasefire, and an undated report that only the
    ceasefire tells which of the two meetings it reports."""

    def meeting(date: str) -> Document:
        return doc(
            "Putin and Erdogan met in Sochi.",
            source=date,
            lang="en",
            events=[{"trigger": "met", "place": SOCHI, "date": date}],
        )

    ceasefire = doc(
        "Russia and Turkey agreed a ceasefire in Moscow.",
        source="ceasefire",
        lang="en",
        events=[
            {"trigger": "agreed", "type": "agreement", "participants": [RUSSIA, TURKEY], "date": "2020-03-05"}
        ],
    )
    undated = doc(
        "Putin hosted Erdogan on Wednesday in Sochi. Last year, Turkey and Russia reached a ceasefire.",
        source="undated",
        lang="en",
        events=[
            {"trigger": "hosted", "place": SOCHI, "timex": "Wednesday"},
            {
                "trigger": "reached",
                "type": "agreement",
                "participants": [TURKEY, RUSSIA],
                "timex": "Last year",
            },
        ],
        timexes=[
            ("Wednesday", weekday(3, "past")),
            ("Last year", {"value": "XXXX", "direction": "past", "recipe": LAST_YEAR}),
        ],
    )
    return [meeting("2017-05-03"), meeting("2021-09-29"), ceasefire], undated


def test_ambiguous_mentions_are_settled_together_by_one_publication_window() -> None:
    (spring, autumn, ceasefire), undated = _sochi_story()
    # Both meetings in Sochi fell on a Wednesday: the meeting alone cannot tell which it is.
    result = link_documents([spring, autumn, ceasefire, undated], resolver=None)
    date = result.borrowed[undated.id]
    assert (date.value, date.provenance) == ("2021-09-29", Provenance.CORPUS)
    hosted = f"{undated.id}:{undated.text.index('hosted')}"
    members = result.clusters[result.state.linker.cluster_of[hosted]].members
    assert sorted(m.doc_id for m in members) == sorted([autumn.id, undated.id])
    # Without the ceasefire nothing tells the two Wednesdays apart: no date.
    alone = link_documents([spring, autumn, undated], resolver=None)
    assert undated.id not in alone.borrowed


def test_joint_windows_keep_the_one_choice_that_links_most() -> None:
    from chronique.link.dating import Window, joint_windows

    def window(lo: str, hi: str, cluster: str) -> Window:
        return Window(dt.date.fromisoformat(lo), dt.date.fromisoformat(hi), cluster, "", lo)

    wednesday = [window("2017-05-03", "2017-05-09", "a"), window("2021-09-29", "2021-10-05", "b")]
    last_year = [window("2021-01-01", "2021-12-31", "c")]
    assert [w.cluster_id if w else None for w in joint_windows([wednesday, last_year]) or []] == ["b", "c"]
    # Two choices that agree as well: none is taken.
    assert joint_windows([wednesday, [window("2017-01-01", "2021-12-31", "d")]]) is None
    # One mention alone, however few its options, is not settled: two must agree.
    assert joint_windows([wednesday[:1], []]) is None
    # A mention already linked counts, and every choice must agree with it.
    picks = joint_windows([wednesday], fixed=last_year)
    assert [w.cluster_id if w else None for w in picks or []] == ["b"]


def test_an_agreement_of_the_leaders_is_the_agreement_of_their_states() -> None:
    leaders = doc(
        "Putin and Erdogan agreed a ceasefire in Moscow.",
        source="leaders",
        lang="en",
        events=[{"trigger": "agreed", "type": "agreement", "place": MOSCOW, "date": "2020-03-05"}],
    )
    states = doc(
        "Russia and Turkey agreed a ceasefire in Moscow.",
        source="states",
        lang="en",
        events=[
            {
                "trigger": "agreed",
                "type": "agreement",
                "participants": [RUSSIA, TURKEY],
                "place": MOSCOW,
                "date": "2020-03-05",
            }
        ],
    )
    assert _clusters(link_documents([leaders, states], resolver=None)) == [sorted([leaders.id, states.id])]


def test_the_news_told_with_its_full_date_is_reported_in_the_days_after_it() -> None:
    full = {"value": "2020-03-05", "parts": {"year": 2020, "month": 3, "day": 5}, "direction": "past"}
    undated = doc(
        "Putin and Erdogan met in Moscow on March 5, 2020.",
        source="undated",
        lang="en",
        events=[{"trigger": "met", "place": MOSCOW, "date": "2020-03-05", "timex": "March 5, 2020"}],
        timexes=[("March 5, 2020", full)],
    )
    dated = doc(
        "Putin and Erdogan met in Moscow.",
        source="day",
        lang="en",
        events=[{"trigger": "met", "place": MOSCOW, "date": "2020-03-05"}],
    )
    date = link_documents([dated, undated], resolver=None).borrowed[undated.id]
    assert date.value == "2020-03-06" and date.confidence < 0.5 and "guess" in date.evidence
    # Background told with its full date ("main": False) only bounds the date: no day is guessed.
    background = doc(
        "In Moscow on March 5, 2020, Putin and Erdogan met.",
        source="background",
        lang="en",
        events=[
            {"trigger": "met", "place": MOSCOW, "date": "2020-03-05", "timex": "March 5, 2020", "main": False}
        ],
        timexes=[("March 5, 2020", full)],
    )
    assert background.id not in link_documents([dated, background], resolver=None).borrowed


def test_an_event_dated_to_its_year_finds_the_event_dated_to_a_day_of_it() -> None:
    day = doc(
        "Putin and Erdogan agreed a ceasefire in Moscow.",
        source="day",
        lang="en",
        events=[{"trigger": "agreed", "type": "agreement", "place": MOSCOW, "date": "2020-03-05"}],
    )
    year = doc(
        "In 2020 Putin and Erdogan agreed a ceasefire.",
        source="year",
        lang="en",
        events=[{"trigger": "agreed", "type": "agreement", "date": "2020"}],
    )
    assert _clusters(link_documents([day, year], resolver=None)) == [sorted([day.id, year.id])]


def test_an_undated_lead_is_the_event_its_article_speaks_of() -> None:
    """Two dated meetings of the same leaders in Ankara; an undated report of one names neither place
    nor time, only what its article speaks of: it is the meeting whose reports speak of that too."""
    idlib = {"entity_id": "idlib", "name": "Idlib"}
    jerusalem = {"entity_id": "jerusalem", "name": "Jerusalem"}

    def report(date: str, about: str, entity: dict[str, str]) -> Document:
        return doc(
            f"Poutine et Erdogan se sont entretenus à Ankara de {about}.",
            source=date,
            events=[{"trigger": "entretenus", "place": ANKARA, "date": date}],
            names=[(about, entity, "city")],
        )

    def undated(about: str, entities: list[dict[str, str]]) -> Document:
        text = f"À l'issue d'un entretien avec Poutine, Erdogan a parlé de {about}."
        words = about.split(" et ")
        return doc(
            text,
            source="undated",
            events=[{"trigger": "entretien"}],
            names=[(w, e, "city") for w, e in zip(words, entities, strict=True)],
        )

    reports = [report("2017-09-28", "Idleb", idlib), report("2017-12-11", "Jérusalem", jerusalem)]
    told = undated("Jérusalem", [jerusalem])
    result = link_documents([*reports, told], resolver=None)
    date = result.borrowed[told.id]
    # The days after the meeting it reports: the middle one, a guess.
    assert (date.value, date.provenance, date.confidence < 0.5) == ("2017-12-12", Provenance.CORPUS, True)
    # Speaking of what both reports speak of, or of neither, tells nothing: no date.
    for other in (undated("Idleb et Jérusalem", [idlib, jerusalem]), undated("Moscou", [MOSCOW])):
        assert other.id not in link_documents([*reports, other], resolver=None).borrowed


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_linking_one_document_at_a_time_gives_what_linking_all_at_once_gives(order: tuple[int, ...]) -> None:
    """Linked first, the undated report is placed at the one meeting in Sochi known then; when the
    documents that tell it apart come, it is linked again with them."""
    dated, undated = _sochi_story()
    docs = [*dated, undated]
    whole = link_documents(docs, resolver=None)
    assert whole.borrowed[undated.id].value == "2021-09-29"
    by_id = {d.id: d for d in docs}
    state = LinkState()
    for index in order:
        link_documents([docs[index]], state=state, load=lambda ids: [by_id[i] for i in ids], resolver=None)
    assert _clusters(LinkResult(state, set(), set(), [])) == _clusters(whole)
    assert {d: v.value for d, v in state.borrowed.items()} == {d: v.value for d, v in whole.borrowed.items()}


def test_a_document_linked_again_in_the_store_loses_the_date_it_no_longer_has(tmp_path: Any) -> None:
    """The undated report, stored first beside the 2017 meeting, borrows its date; once the 2021 meeting
    is stored, the report may be either (no ceasefire tells them apart): its stored date is removed."""
    (spring, autumn, _), undated = _sochi_story()
    with open_store(tmp_path / "t.db") as store:
        store.add([spring, undated])
        link(store)
        (value,) = store.connection.execute("SELECT value FROM borrowed_dates").fetchone()
        assert value.startswith("2017-05")
        store.add([autumn])
        link(store)
        assert store.connection.execute("SELECT value FROM borrowed_dates").fetchall() == []
        members = store.connection.execute(
            "SELECT cluster_id, count(*) FROM event_mentions GROUP BY cluster_id"
        ).fetchall()
        assert sorted(count for _, count in members) == [1, 1, 1, 1]  # the report's two events apart


def test_a_report_dated_by_its_document_joins_the_event_of_the_days_before_across_a_month() -> None:
    """The summit ended on 28 February; a report of 1 March tells it without a date of its own (the
    events stage gives it the document's date): the same summit, not one of March."""
    hanoi = {"entity_id": "hanoi", "name": "Hanoi"}
    summit = doc(
        "Poutine et Erdogan ont clos leur sommet à Hanoï le 28 février.",
        source="summit",
        published="2019-02-28",
        events=[{"trigger": "sommet", "place": hanoi, "date": "2019-02-28"}],
    )
    report = doc(
        "Quelques heures après la fin du sommet de Poutine et Erdogan à Hanoï, une conférence.",
        source="report",
        published="2019-03-01",
        events=[{"trigger": "sommet", "place": hanoi, "date": "2019-03-01", "provenance": "metadata"}],
    )
    result = link_documents([summit, report], resolver=None)
    (cluster,) = result.clusters.values()
    assert cluster.date is not None and cluster.date.value == "2019-02-28"
    # A report of a month later is another event.
    later = doc(
        "Poutine et Erdogan au sommet de Hanoï.",
        source="later",
        published="2019-04-01",
        events=[{"trigger": "sommet", "place": hanoi, "date": "2019-04-01", "provenance": "metadata"}],
    )
    assert len(link_documents([summit, later], resolver=None).clusters) == 2


def test_one_persons_journey_is_a_meeting_of_several_only_where_they_met() -> None:
    seoul = {"entity_id": "seoul", "name": "Seoul"}
    journey = doc(
        "Poutine doit se rendre à Séoul dans l'après-midi.",
        source="journey",
        published="2019-06-29",
        events=[
            {
                "trigger": "rendre",
                "type": "visit",
                "participants": [PUTIN],
                "place": seoul,
                "date": "2019-06-29",
            }
        ],
    )
    meeting = doc(
        "Putin and Erdogan met at the border.",
        source="meeting",
        lang="en",
        published="2019-06-30",
        events=[{"trigger": "met", "date": "2019-06-30", "provenance": "metadata"}],
    )
    assert len(link_documents([journey, meeting], resolver=None).clusters) == 2
    # Where the meeting took place, the journey there is the same event.
    there = doc(
        "Putin and Erdogan met in Seoul.",
        source="there",
        lang="en",
        published="2019-06-30",
        events=[{"trigger": "met", "place": seoul, "date": "2019-06-30", "provenance": "metadata"}],
    )
    assert len(link_documents([journey, there], resolver=None).clusters) == 1

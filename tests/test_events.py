"""Stage `events` on hand-built documents: text, sentences, timex and entities written here (#4)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chronique.events import extract_events, find_triggers
from chronique.events.merge import DOCUMENT_DATE_CONFIDENCE
from chronique.model import Document, FuzzyDate, Span
from chronique.timex import tag

# Canonical names of the mentions the tests use: surface → (type, canonical English name).
ENTITIES = {
    "Emmanuel Macron": ("person", "Emmanuel Macron"),
    "M. Macron": ("person", "Emmanuel Macron"),
    "Macron": ("person", "Emmanuel Macron"),
    "Olaf Scholz": ("person", "Olaf Scholz"),
    "Scholz": ("person", "Olaf Scholz"),
    "Pedro Sánchez": ("person", "Pedro Sánchez"),
    "Joe Biden": ("person", "Joe Biden"),
    "Biden": ("person", "Joe Biden"),
    "Xi Jinping": ("person", "Xi Jinping"),
    "Berlin": ("city", "Berlin"),
    "Madrid": ("city", "Madrid"),
    "Lyon": ("city", "Lyon"),
    "Naples": ("city", "Naples"),
    "Bali": ("region", "Bali"),
    "Amatrice": ("place", "Amatrice"),  # a location the gazetteer does not know
    "Richter": ("place", "Richter"),  # a misread name
    "Paris": ("city", "Paris"),
    "G20": ("organisation", "G20"),
    "OTAN": ("organisation", "NATO"),
    "Pékin": ("city", "Beijing"),
    "Allemagne": ("country", "Germany"),
    "Espagne": ("country", "Spain"),
    "France": ("country", "France"),
    "Italie": ("country", "Italy"),
    "Chine": ("country", "China"),
    "Germany": ("country", "Germany"),
    "Italy": ("country", "Italy"),
}


def build(
    text: str,
    *,
    lang: str = "fr",
    dct: str | None = "2023-05-10",
    timex: dict[str, str] | None = None,
    tagged: bool = False,
) -> Document:
    """A document with sentences, entities (from ENTITIES) and timex (surface → value) set by hand."""
    doc = Document(raw=text, source="test", lang=lang)
    doc.published = FuzzyDate.parse(dct, provenance="metadata") if dct else None
    sentences = [
        Span(m.start(), m.end(), "sentence")
        for m in re.finditer(r"[^.!?\n]+[.!?]?", text)
        if m.group().strip()
    ]
    doc.set_layer("sentences", sentences)
    entities: list[Span] = []
    for surface in sorted(ENTITIES, key=len, reverse=True):
        for match in re.finditer(rf"\b{re.escape(surface)}\b", text):
            if any(e.start <= match.start() < e.end for e in entities):
                continue
            label, name = ENTITIES[surface]
            slug = name.lower().replace(" ", "-")
            entities.append(Span(match.start(), match.end(), label, {"entity_id": slug, "name": name}))
    doc.set_layer("entities", entities)
    if timex is None and tagged:  # the time tagger's own spans, with their recipes
        doc.set_layer("timex", tag(text, lang=lang, dct=doc.published))
        return extract_events(doc)
    spans = []
    for surface, value in (timex or {}).items():
        start = text.index(surface)
        label = "DURATION" if value.startswith("P") else "DATE"
        spans.append(Span(start, start + len(surface), label, {"value": value, "rule": "test"}))
    doc.set_layer("timex", spans)
    return extract_events(doc)


def events(doc: Document) -> list[dict[str, Any]]:
    return [
        {
            "type": e.label,
            "participants": sorted(p["name"] for p in e.attrs["participants"]),
            "place": e.attrs["place"]["name"] if e.attrs["place"] else None,
            "date": e.attrs["date"]["value"] if e.attrs["date"] else None,
            "status": e.attrs["status"],
            "main": e.attrs["main"],
        }
        for e in doc.layer("events")
    ]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Macron a rencontré Scholz.", "fr", "meeting"),
        ("Les deux hommes ont eu un tête-à-tête.", "fr", "meeting"),
        ("Il s'est entretenu avec le chancelier.", "fr", "meeting"),
        ("lors d'un entretien téléphonique mardi", "fr", "phone_call"),
        ("Il a parlé par téléphone au président.", "fr", "phone_call"),
        ("Ils ont signé un accord.", "fr", "agreement"),
        ("Le séisme a frappé la ville.", "fr", "disaster"),
        ("Biden spoke by phone with Xi.", "en", "phone_call"),
        ("They are expected to meet in Bali.", "en", "meeting"),
        ("The bank collapsed on Friday.", "en", "economy"),
    ],
)
def test_trigger_types(text: str, lang: str, expected: str) -> None:
    assert expected in {t.type for t in find_triggers(text, lang)}


def test_planned_visit_for_talks_is_a_meeting_with_place_and_date() -> None:
    doc = build(
        "Le président Emmanuel Macron se rend, vendredi 12 mai, en Allemagne pour des discussions avec "
        "le chancelier Olaf Scholz. Les deux dirigeants parleront de l'énergie.",
        timex={"vendredi 12 mai": "2023-05-12"},
    )
    assert events(doc) == [
        {
            "type": "meeting",
            "participants": ["Emmanuel Macron", "Olaf Scholz"],
            "place": "Germany",
            "date": "2023-05-12",
            "status": "planned",
            "main": True,
        }
    ]
    assert len(doc.layer("events")[0].attrs["mentions"]) >= 2  # "les deux dirigeants parleront" joined it


def test_two_events_of_one_sentence_keep_their_own_dates_and_subject() -> None:
    doc = build(
        "Après avoir rencontré Olaf Scholz à Berlin mardi, Emmanuel Macron a parlé mercredi par téléphone "
        "à Pedro Sánchez.",
        timex={"mardi": "2023-05-09", "mercredi": "2023-05-10"},
    )
    got = {e["type"]: e for e in events(doc)}
    assert got["meeting"]["participants"] == ["Emmanuel Macron", "Olaf Scholz"]
    assert got["meeting"]["place"] == "Berlin"
    assert got["meeting"]["date"] == "2023-05-09"
    assert got["phone_call"]["participants"] == ["Emmanuel Macron", "Pedro Sánchez"]
    assert got["phone_call"]["place"] is None  # a phone call has no single place
    assert got["phone_call"]["date"] == "2023-05-10"


def test_demonyms_name_the_actors_of_an_attack_and_the_border_its_place() -> None:
    doc = build(
        "La crise a suivi la destruction, en mars 2019, d'un drone français par la chasse italienne "
        "à la frontière espagnole.",
        timex={"mars 2019": "2019-03"},
    )
    assert events(doc) == [
        {
            "type": "attack",
            "participants": ["France", "Italy"],
            "place": "Spanish border",
            "date": "2019-03",
            "status": "happened",
            "main": True,
        }
    ]


def test_capitals_acting_stand_for_their_countries() -> None:
    doc = build(
        "Paris et Berlin, alliés de Madrid, ont annoncé le 2 mai à Naples un accord sur le gaz.",
        timex={"le 2 mai": "2023-05-02"},
    )
    [event] = events(doc)
    assert event["type"] == "agreement"
    assert event["participants"] == ["France", "Germany"]  # Madrid is a genitive, not an actor
    assert event["place"] == "Naples"
    assert event["date"] == "2023-05-02"


def test_an_anaphoric_mention_joins_its_event_without_arguments() -> None:
    doc = build(
        "Emmanuel Macron doit effectuer lundi une visite à Madrid pour des entretiens avec Pedro Sánchez. "
        "Cette visite survient alors que la Chine et l'Italie négocient à Pékin.",
        timex={"lundi": "2023-05-15"},
    )
    [event] = doc.layer("events")
    assert event.label == "meeting"
    assert event.attrs["place"]["name"] == "Madrid"
    assert {p["name"] for p in event.attrs["participants"]} == {"Emmanuel Macron", "Pedro Sánchez"}
    assert len(event.attrs["mentions"]) >= 3  # visite, entretiens, cette visite


def test_a_new_meeting_is_not_the_past_one() -> None:
    doc = build(
        "Il y a un an, Emmanuel Macron et Olaf Scholz s'étaient retrouvés à Berlin. "
        "Une nouvelle rencontre aura lieu à Lyon jeudi.",
        timex={"Il y a un an": "2022-05", "jeudi": "2023-05-11"},
    )
    got = sorted((e["place"], e["date"], e["status"]) for e in events(doc))
    assert got == [("Berlin", "2022-05", "happened"), ("Lyon", "2023-05-11", "planned")]


@pytest.mark.parametrize(
    ("text", "duration", "date"),
    [
        ("Il y a deux ans, Emmanuel Macron avait rencontré Olaf Scholz à Berlin.", "deux ans", "2021"),
        (
            "Il y a très exactement six mois, Emmanuel Macron rencontrait Olaf Scholz à Berlin.",
            "six mois",
            "2022-11",
        ),
        ("Emmanuel Macron a rencontré Olaf Scholz à Berlin il y a dix jours.", "dix jours", "2023-04-30"),
        ("Emmanuel Macron a rencontré Olaf Scholz à Berlin pendant deux jours.", "deux jours", None),
    ],
)
def test_durations_counted_back_date_the_event(text: str, duration: str, date: str | None) -> None:
    [event] = events(build(text, dct="2023-05-10", timex={duration: duration_value(duration)}))
    assert event["date"] == (date or "2023-05-10")  # without "il y a", the main news takes the document date


def duration_value(words: str) -> str:
    """The TIMEX3 value of "deux ans", "six mois", "dix jours"."""
    number, unit = words.split()
    return f"P{ {'deux': 2, 'six': 6, 'dix': 10}[number] }{ {'ans': 'Y', 'mois': 'M', 'jours': 'D'}[unit] }"


def test_main_news_without_a_date_takes_the_document_date_never_finer() -> None:
    doc = build("Emmanuel Macron et Olaf Scholz ont eu un tête-à-tête à Berlin.", dct="2023-05")
    [event] = doc.layer("events")
    assert event.attrs["main"] is True
    assert event.attrs["date"]["value"] == "2023-05"  # a month-level document date stays a month
    assert event.attrs["date"]["confidence"] <= DOCUMENT_DATE_CONFIDENCE
    assert event.attrs["timex"] is None


def test_background_event_without_a_date_stays_undated() -> None:
    doc = build(
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi. Macron avait aussi rencontré Pedro Sánchez "
        "à Madrid.",
        timex={"mardi": "2023-05-09"},
    )
    background = [e for e in events(doc) if e["place"] == "Madrid"]
    assert background == [
        {
            "type": "meeting",
            "participants": ["Emmanuel Macron", "Pedro Sánchez"],
            "place": "Madrid",
            "date": None,
            "status": "happened",
            "main": False,
        }
    ]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Emmanuel Macron doit rencontrer Olaf Scholz à Berlin.", "planned"),
        ("Emmanuel Macron a rencontré Olaf Scholz à Berlin.", "happened"),
        ("L'Élysée a démenti toute rencontre entre Emmanuel Macron et Olaf Scholz à Berlin.", "denied"),
    ],
)
def test_status(text: str, status: str) -> None:
    assert [e["status"] for e in events(build(text))] == [status]


@pytest.mark.parametrize(
    "text",
    [
        "La rencontre a duré trois heures.",  # no participant, no place
        "Emmanuel Macron a déclaré que la situation était grave.",  # an undated statement is not news
        "Le conflit a fait des centaines de milliers de morts en France.",  # an undated toll is a figure
    ],
)
def test_no_event_without_enough_evidence(text: str) -> None:
    assert events(build(text)) == []


def test_english_without_a_parse_uses_the_sentence() -> None:
    doc = build(
        "Joe Biden hosted Olaf Scholz for talks on Friday in the Baltic resort of Naples.",
        lang="en",
        timex={"Friday": "2023-05-12"},
    )
    assert events(doc) == [
        {
            "type": "meeting",
            "participants": ["Joe Biden", "Olaf Scholz"],
            "place": "Naples",
            "date": "2023-05-12",
            "status": "planned",
            "main": True,
        }
    ]


def test_spans_follow_the_contract() -> None:
    doc = build("Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi.", timex={"mardi": "2023-05-09"})
    [event] = doc.layer("events")
    assert doc.text[event.start : event.end] == "rencontré"
    assert set(event.attrs) >= {
        "participants",
        "place",
        "date",
        "status",
        "main",
        "sentence",
        "timex",
        "mentions",
    }
    start, end = event.attrs["sentence"]
    assert doc.text[start:end].startswith("Emmanuel Macron")
    assert doc.text[slice(*event.attrs["timex"])] == "mardi"
    FuzzyDate.from_dict(event.attrs["date"])  # a valid FuzzyDate
    assert all(set(p) == {"entity_id", "name"} for p in event.attrs["participants"])


def test_a_language_without_rules_gives_an_empty_layer() -> None:
    assert build("Der Kanzler traf den Präsidenten.", lang="de").layer("events") == []


def test_python_api_and_cli_extract_agree(tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    import chronique
    from chronique.cli import app

    text = (
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi. "
        "« Nous avons parlé de l'énergie », a dit Olaf Scholz."
    )
    doc = chronique.extract(text, lang="fr", dct="2023-05-10")
    assert [(e.label, e.attrs["place"]["name"], e.attrs["date"]["value"]) for e in doc.layer("events")] == [
        ("meeting", "Berlin", "2023-05-09")
    ]
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path), "--dct", "2023-05-10", "--lang", "fr", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert [e["label"] for e in printed["events"]] == ["meeting"]
    assert printed["events"][0]["text"] == "rencontré"
    assert printed["quotes"][0]["attrs"]["speaker"]["name"] == "Olaf Scholz"
    assert {"entities", "figures", "published"} <= set(printed)
    bad = CliRunner().invoke(app, ["extract", str(path), "--dct", "mardi"])
    assert bad.exit_code == 1 and "--dct" in bad.output


def test_a_counted_group_of_states_is_a_participant() -> None:
    doc = build("Un accord a été adopté samedi à Paris par 195 pays.", timex={"samedi": "2023-05-06"})
    assert [(e["type"], e["participants"], e["place"]) for e in events(doc)] == [
        ("agreement", ["195 countries"], "Paris")
    ]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Un incendie a ravagé mardi une usine à Amatrice.", "Amatrice"),  # unknown place after "à"
        ("Un séisme de magnitude 6 sur l'échelle de Richter a frappé Naples mardi.", "Naples"),
    ],
)
def test_disaster_places(text: str, place: str) -> None:
    [event] = events(build(text, timex={"mardi": "2023-05-09"}))
    assert (event["type"], event["place"], event["date"]) == ("disaster", place, "2023-05-09")


@pytest.mark.parametrize(
    ("text", "lang", "timex", "date"),
    [
        # A year in a relative clause on another noun dates that clause, not the signing (#4).
        (
            "Emmanuel Macron and Olaf Scholz signed a declaration, in which they pledged to seek, this "
            "year, a formal end to the war, which stopped in 1953 with an armistice.",
            "en",
            {"this year": "2023", "1953": "1953"},
            "2023-05-10",  # main news without its own date: the document date, not 1953 nor 2023
        ),
        (
            "Emmanuel Macron et Olaf Scholz ont signé une déclaration sur la fin de la guerre, qui s'était "
            "arrêtée en 1953.",
            "fr",
            {"1953": "1953"},
            "2023-05-10",
        ),
        # "after those of 2000 and 2007" names other summits.
        (
            "The meeting of Joe Biden and Xi Jinping was their third summit, after those of 2000 and 2007.",
            "en",
            {"2000": "2000", "2007": "2007"},
            "2023-05-10",  # main news without its own date: the document date
        ),
        # A relative clause on the trigger itself is the trigger's.
        (
            "The summit that Joe Biden held with Xi Jinping on Tuesday ended.",
            "en",
            {"Tuesday": "2023-05-09"},
            "2023-05-09",
        ),
        # After a colon, another clause: Saturday is the proposal's, not the meeting's.
        (
            "La rencontre de Joe Biden et Xi Jinping avait été improvisée : samedi, Joe Biden avait "
            "proposé de serrer la main du président chinois.",
            "fr",
            {"samedi": "2023-05-06"},
            "2023-05-10",  # main news without its own date: the document date
        ),
        (
            "The meeting of Joe Biden and Xi Jinping was arranged in a day: Joe Biden floated the idea "
            "on Saturday.",
            "en",
            {"Saturday": "2023-05-06"},
            "2023-05-10",
        ),
        # A headline's label before a colon is no clause: the date after it is the meeting's.
        ("Bali : Joe Biden a rencontré Xi Jinping samedi.", "fr", {"samedi": "2023-05-06"}, "2023-05-06"),
    ],
)
def test_a_time_expression_of_another_clause_does_not_date_the_event(
    text: str, lang: str, timex: dict[str, str], date: str
) -> None:
    got = [
        e
        for e in events(build(text, lang=lang, timex=timex))
        if e["type"] in ("agreement", "summit", "meeting")
    ]
    assert [e["date"] for e in got][:1] == [date]


@pytest.mark.parametrize(
    ("text", "lang", "place"),
    [
        # The place of the meeting named in "since their meeting in X" is that meeting's (#4).
        (
            "Joe Biden and Xi Jinping met on Tuesday, their first encounter since their meeting in Bali.",
            "en",
            None,
        ),
        (
            "Joe Biden et Xi Jinping se sont rencontrés mardi, une première depuis leur sommet à Bali.",
            "fr",
            None,
        ),
        # A time expression is no place, however the entities stage labels it.
        ("Joe Biden met Xi Jinping in Richter.", "en", None),
        # An aside in parentheses places nothing: "(22 h 53 à Paris)".
        ("Un séisme a dévasté Naples mardi à 16 h 53 (22 h 53 à Paris).", "fr", "Naples"),
        # "où": the place the clause hangs on is the place of the event told in it.
        ("Joe Biden s'est rendu à Berlin, où il a rencontré Olaf Scholz.", "fr", "Berlin"),
    ],
)
def test_a_place_of_another_clause_does_not_place_the_event(text: str, lang: str, place: str | None) -> None:
    timex = {"Richter": "2023-02"} if "Richter" in text else {}
    got = events(build(text, lang=lang, timex=timex))
    assert got and got[0]["place"] == place


def test_an_agreement_signed_by_the_sponsors_of_these_talks_was_signed_where_they_took_place() -> None:
    doc = build(
        "Le 4 mai, Emmanuel Macron et Olaf Scholz, parrains de ces pourparlers, ont signé un accord. "
        "Une nouvelle série de pourparlers entre la France et l'Allemagne a eu lieu le 3 mai à Berlin.",
        timex={"Le 4 mai": "2023-05-04", "le 3 mai": "2023-05-03"},
    )
    agreement = next(e for e in events(doc) if e["type"] == "agreement")
    assert (agreement["place"], agreement["date"]) == ("Berlin", "2023-05-04")


def test_a_trigger_after_a_comma_stays_in_the_clause_of_its_verb() -> None:
    doc = build(
        "Emmanuel Macron a annoncé mardi qu'il retrouverait Olaf Scholz le 12 mai à Berlin, pour leur "
        "deuxième sommet.",
        timex={"mardi": "2023-05-09", "le 12 mai": "2023-05-12"},
    )
    summit = next(e for e in events(doc) if e["type"] == "summit")
    assert (summit["date"], summit["place"], summit["status"]) == ("2023-05-12", "Berlin", "planned")


def test_y_and_il_stand_for_the_place_and_the_person_named_before() -> None:
    doc = build(
        "Olaf Scholz a ensuite rejoint Berlin en voiture. Il doit y retrouver Emmanuel Macron mercredi pour "
        "leur deuxième sommet.",
        timex={"mercredi": "2023-05-10"},
    )
    [summit] = events(doc)
    assert (summit["place"], summit["participants"]) == ("Berlin", ["Emmanuel Macron", "Olaf Scholz"])


def test_there_stands_for_the_place_named_before() -> None:
    doc = build(
        "Joe Biden flew to Naples on Monday. He will meet Olaf Scholz there on Wednesday.",
        lang="en",
        timex={"Monday": "2023-05-08", "Wednesday": "2023-05-10"},
    )
    meeting = next(e for e in events(doc) if e["type"] == "meeting")
    assert (meeting["place"], meeting["participants"]) == ("Naples", ["Joe Biden", "Olaf Scholz"])


@pytest.mark.parametrize(
    "text",
    [
        # Discussing a country is no meeting in it (#4: "revenus sur les dossiers de la Syrie").
        "Emmanuel Macron et Olaf Scholz ont tenu des discussions sur la France mardi.",
        "Lors de leur rencontre mardi, Macron et Scholz sont revenus sur les dossiers de la Chine.",
    ],
)
def test_a_topic_is_no_place(text: str) -> None:
    [meeting] = events(build(text, timex={"mardi": "2023-05-09"}))
    assert (meeting["type"], meeting["place"], meeting["date"]) == ("meeting", None, "2023-05-09")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The summit of Joe Biden and Xi Jinping ended on Tuesday without a deal.", "agreement"),
        ("The second summit between President Joe Biden and Xi Jinping collapsed on Tuesday.", "economy"),
        ("Joe Biden has agreed to meet Xi Jinping in Naples, an aide said on Tuesday.", "agreement"),
    ],
)
def test_what_did_not_happen_or_is_something_else_is_no_such_event(text: str, absent: str) -> None:
    got = events(build(text, lang="en", timex={"Tuesday": "2023-05-09"}))
    assert got and absent not in {e["type"] for e in got}


def test_a_planned_event_is_not_dated_by_the_report_of_it() -> None:
    doc = build(
        "Joe Biden has agreed to meet Xi Jinping, an aide told reporters on Tuesday.",
        lang="en",
        timex={"Tuesday": "2023-05-09"},
    )
    [meeting] = events(doc)
    assert (meeting["status"], meeting["date"]) == ("planned", None)


def test_unable_to_agree_is_denied() -> None:
    doc = build(
        "Joe Biden and Xi Jinping were unable to agree on Tuesday.",
        lang="en",
        timex={"Tuesday": "2023-05-09"},
    )
    assert [e["status"] for e in events(doc) if e["type"] == "agreement"] == ["denied"]


def test_the_terms_of_the_agreement_are_the_agreement_told_before() -> None:
    doc = build(
        "Emmanuel Macron et Olaf Scholz ont signé un accord mardi à Berlin. Selon les termes de l'accord, "
        "la France et l'Allemagne effectueront des patrouilles.",
        timex={"mardi": "2023-05-09"},
    )
    [agreement] = events(doc)
    assert (agreement["date"], agreement["place"]) == ("2023-05-09", "Berlin")
    assert [doc.text.index("accord,"), doc.text.index("accord,") + 6] in doc.layer("events")[0].attrs[
        "mentions"
    ]


def test_a_toll_in_quoted_words_is_what_was_said() -> None:
    doc = build(
        "Hier soir, Emmanuel Macron a évoqué « plus de 100 000 morts » en France.",
        timex={"Hier soir": "2023-05-09"},
    )
    assert [(e["type"], e["participants"]) for e in events(doc)] == [("statement", ["Emmanuel Macron"])]


def test_a_journey_to_someone_told_in_one_sentence_is_a_meeting_with_both() -> None:
    doc = build(
        "Emmanuel Macron est arrivé à Berlin mardi, après quoi son cortège s'est rendu à la résidence "
        "d'Olaf Scholz.",
        timex={"mardi": "2023-05-09"},
    )
    [meeting] = events(doc)
    assert (meeting["type"], meeting["participants"]) == ("meeting", ["Emmanuel Macron", "Olaf Scholz"])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Four French soldiers were killed in an attack in Naples on Tuesday.", "en"),
        ("Quatre soldats français ont été tués dans une attaque à Naples mardi.", "fr"),
    ],
)
def test_soldiers_of_a_country_are_one_participant(text: str, lang: str) -> None:
    got = events(
        build(text, lang=lang, timex={"Tuesday": "2023-05-09"} if lang == "en" else {"mardi": "2023-05-09"})
    )
    assert [e["participants"] for e in got if e["type"] == "attack"] == [["French soldiers"]]


def test_an_agreement_out_of_talks_was_reached_where_they_took_place_not_where_it_applies() -> None:
    doc = build(
        "Emmanuel Macron a annoncé mardi à l'issue d'entretiens à Berlin avec Olaf Scholz un cessez-le-feu "
        "dans la région de Naples.",
        timex={"mardi": "2023-05-09"},
    )
    agreement = next(e for e in events(doc) if e["type"] == "agreement")
    assert agreement["place"] == "Berlin"


def test_without_a_parse_the_speaker_reports_the_event_and_takes_no_part() -> None:
    doc = build(
        "Joe Biden has agreed to meet Xi Jinping by May, Olaf Scholz told reporters on Tuesday.",
        lang="en",
        timex={"Tuesday": "2023-05-09"},
    )
    assert [e["participants"] for e in events(doc)] == [["Joe Biden", "Xi Jinping"]]


def test_a_country_talks_are_about_takes_no_part() -> None:
    doc = build(
        "L'Allemagne et la France ont tenu mardi à Berlin des pourparlers sur l'Italie.",
        timex={"mardi": "2023-05-09"},
    )
    [meeting] = events(doc)
    assert (meeting["participants"], meeting["place"]) == (["France", "Germany"], "Berlin")


@pytest.mark.parametrize(
    ("text", "lang", "dct", "place"),
    [
        (
            "Italy won the final at Wembley Stadium on Sunday evening, beating England on penalties.",
            "en",
            "2021-07-12",
            "London",
        ),
        (
            "Un violent incendie a ravagé lundi la cathédrale Notre-Dame de Paris, en travaux.",
            "fr",
            "2019-04-16",
            "Paris",
        ),
    ],
)
def test_an_event_at_a_venue_takes_place_in_its_city(text: str, lang: str, dct: str, place: str) -> None:
    import chronique

    doc = chronique.extract(text, lang=lang, dct=dct)
    assert [(e.attrs["place"] or {}).get("name") for e in doc.layer("events")] == [place]


# An undated article that tells two meetings of the same two leaders, placed in time only relative to
# its own unknown date (the shape of seed 001, in words of our own).
UNDATED_TWO_MEETINGS = (
    "Un nouveau tête-à-tête entre Macron et Scholz. "
    "Il y a deux ans, Emmanuel Macron et Olaf Scholz s'étaient retrouvés à Madrid pour parler d'énergie. "
    "La question sera au centre d'une nouvelle rencontre à Berlin ce jeudi."
)


def test_without_a_document_date_relative_times_keep_two_meetings_apart() -> None:
    doc = build(UNDATED_TWO_MEETINGS, dct=None, tagged=True)
    found = {e["place"]: e for e in events(doc) if e["type"] == "meeting"}
    assert set(found) == {"Madrid", "Berlin"}
    assert found["Berlin"]["participants"] == ["Emmanuel Macron", "Olaf Scholz"]  # from the headline
    assert (found["Madrid"]["status"], found["Berlin"]["status"]) == ("happened", "planned")
    # Each keeps the expression that places it, for the linker to date the document from.
    timexes = {doc.text[t.start : t.end] for t in doc.layer("timex")}
    kept = {doc.text[slice(*e.attrs["timex"])] for e in doc.layer("events") if e.attrs["timex"]}
    assert {"Il y a deux ans", "ce jeudi"} <= kept <= timexes


def test_relative_days_read_an_expression_from_any_document_date() -> None:
    from chronique.events.mentions import relative_days

    text = "Il y a un an et demi, hier, ce mercredi, le 28 septembre."
    spans = {text[s.start : s.end]: s for s in tag(text, lang="fr")}
    lo, hi = relative_days(text, spans["Il y a un an et demi"], "fr") or (0, 0)
    assert -580 < lo < hi < -500
    assert relative_days(text, spans["hier"], "fr") == (-1, -1)
    assert relative_days(text, spans["le 28 septembre"], "fr") is None  # needs a calendar, not an offset


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Deux ans après leur rencontre à Madrid, Emmanuel Macron et Olaf Scholz se sont retrouvés à "
            "Berlin ce mercredi.",
            "fr",
        ),
        ("Two years after their meeting in Madrid, Emmanuel Macron and Olaf Scholz met in Berlin.", "en"),
    ],
)
def test_a_meeting_dated_by_the_time_elapsed_since_is_an_event_of_its_own(text: str, lang: str) -> None:
    doc = build(text, lang=lang, tagged=True)  # published 2023-05-10
    found = {e["place"]: e for e in events(doc) if e["type"] == "meeting"}
    assert found["Madrid"]["participants"] == ["Emmanuel Macron", "Olaf Scholz"]
    assert found["Madrid"]["date"] == "2021"  # two years before the document date
    assert found["Berlin"]["date"] != "2021"  # the elapsed time dates the other meeting only


def test_the_region_a_ceasefire_covers_is_not_where_it_was_agreed() -> None:
    doc = build(
        "L'Allemagne et la France ont convenu mardi à Berlin d'un cessez-le-feu dans la région de Bali.",
        timex={"mardi": "2023-05-09"},
    )
    [agreement] = [e for e in events(doc) if e["type"] == "agreement"]
    assert agreement["place"] == "Berlin"
    doc = build(
        "L'Allemagne et la France ont convenu mardi d'un cessez-le-feu dans la région de Bali.",
        timex={"mardi": "2023-05-09"},
    )
    assert [e["place"] for e in events(doc) if e["type"] == "agreement"] == [None]


def test_a_relative_clause_on_the_trigger_tells_the_event_whatever_the_main_verb() -> None:
    # "aurait fait" is a conditional: without the relative clause the earthquake would be hypothetical.
    doc = build(
        "Le violent séisme qui a frappé l'Italie mardi aurait fait des centaines de morts.",
        timex={"mardi": "2023-05-09"},
    )
    assert [(e["type"], e["status"], e["date"]) for e in events(doc) if e["type"] == "disaster"] == [
        ("disaster", "happened", "2023-05-09")
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("En marge du sommet du G20 mardi, Emmanuel Macron a proposé à Olaf Scholz de le retrouver.", "fr"),
        ("On the sidelines of the G20 summit on Tuesday, Emmanuel Macron asked Olaf Scholz to meet.", "en"),
    ],
)
def test_a_summit_an_organisation_holds_is_the_organisations(text: str, lang: str) -> None:
    doc = build(text, lang=lang, timex={"mardi": "2023-05-09"} if lang == "fr" else {"Tuesday": "2023-05-09"})
    summits = [e for e in events(doc) if e["type"] == "summit"]
    assert summits and summits[0]["participants"] == ["G20"]  # Macron and Scholz only attend it


def test_a_speaker_before_a_speech_verb_hosts_nothing() -> None:
    doc = build(
        "Emmanuel Macron met Olaf Scholz in Berlin, the OTAN said on Tuesday.",
        lang="en",
        timex={"Tuesday": "2023-05-09"},
    )
    meetings = [e for e in events(doc) if e["type"] == "meeting"]
    assert meetings and meetings[0]["participants"] == ["Emmanuel Macron", "Olaf Scholz"]


def test_a_place_made_of_a_demonym_keeps_its_french_words() -> None:
    doc = build(
        "Un avion allemand a été abattu mardi à la frontière espagnole.", timex={"mardi": "2023-05-09"}
    )
    [attack] = [e for e in doc.layer("events") if e.label == "attack"]
    assert attack.attrs["place"]["name"] == "Spanish border"
    assert attack.attrs["place"]["names"] == {"fr": "la frontière espagnole"}


def test_an_undated_article_keeps_the_yearless_day_of_its_event_for_later() -> None:
    doc = build(
        "Ce 12 mars, Emmanuel Macron et Olaf Scholz se sont entretenus par téléphone.", dct=None, tagged=True
    )
    [call] = [e for e in doc.layer("events") if e.label == "phone_call"]
    assert call.attrs["date"] is None  # no year to give it
    assert doc.text[slice(*call.attrs["timex"])] == "Ce 12 mars"  # read again once the article is dated


def test_an_undated_event_keeps_the_day_a_later_sentence_gives_it() -> None:
    """In an undated article the headline tells the signing without a time and a later sentence gives
    its day without a year: the event keeps that day for the linker to find its year; another day is
    another event."""
    text = (
        "La France et l'Allemagne ont signé un accord sur l'énergie à Berlin. "
        "Le 4 mai, la France et l'Allemagne ont signé le texte. "
        "Le 6 mai, la France et l'Allemagne ont signé un autre accord."
    )
    doc = build(text, dct=None, tagged=True)
    agreements = [e for e in doc.layer("events") if e.label == "agreement"]
    kept = [doc.text[slice(*e.attrs["timex"])] if e.attrs["timex"] else None for e in agreements]
    assert kept == ["Le 4 mai", "Le 6 mai"]


def test_an_event_dated_by_the_time_elapsed_since_is_not_the_news_of_its_sentence() -> None:
    """Their third meeting, "four months after the summit in Hanoi": the summit is another event, and
    neither it nor the meeting told before takes the other's words."""
    text = (
        "Joe Biden et Xi Jinping se sont entretenus pendant une heure. "
        "C'était leur troisième rencontre, quatre mois après l'échec du sommet de Naples."
    )
    doc = build(text, tagged=True)
    found = events(doc)
    meeting = next(e for e in found if e["type"] == "meeting")
    assert meeting["participants"] == ["Joe Biden", "Xi Jinping"]
    assert meeting["date"] == "2023-05-10"  # the news: the document's date, not four months before


def test_a_time_and_a_place_in_quoted_words_are_not_those_of_the_saying() -> None:
    text = "« Nous nous verrons le 12 juin à Berlin », a déclaré Emmanuel Macron à Paris mardi."
    doc = build(text, timex={"le 12 juin": "2023-06-12", "mardi": "2023-05-09"})
    statements = [e for e in events(doc) if e["type"] == "statement"]
    assert [(e["date"], e["place"]) for e in statements] == [("2023-05-09", "Paris")]


def test_two_pairs_that_share_one_person_are_two_meetings() -> None:
    text = (
        "Emmanuel Macron et Olaf Scholz se sont rencontrés à Berlin mardi. "
        "Ce sommet prépare une rencontre entre Olaf Scholz et Joe Biden."
    )
    doc = build(text, timex={"mardi": "2023-05-09"})
    meetings = sorted(e["participants"] for e in events(doc) if e["type"] in ("meeting", "summit"))
    assert meetings == [["Emmanuel Macron", "Olaf Scholz"], ["Joe Biden", "Olaf Scholz"]]


def test_words_quoted_inside_a_clause_do_not_end_it() -> None:
    text = (
        'Joe Biden and Xi Jinping signed a declaration in which Biden reaffirmed his "firm commitment," '
        "while Xi committed to provide guarantees to Germany."
    )
    (agreement,) = [e for e in events(build(text, lang="en")) if e["type"] == "agreement"]
    assert agreement["place"] is None  # Germany is in the clause on the declaration, not the signing's

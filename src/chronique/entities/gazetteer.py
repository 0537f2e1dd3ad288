"""Canonical entities: the shipped gazetteer, pycountry's countries, a user's own file, and lookups (#4).

`Registry.resolve("Poutine", "fr")`, `resolve("Putin", "en")` and `resolve("vladimir poutine", "fr")`
give the same `Entity`; accents, case and punctuation are folded before lookup, and misspelt people
("Reccep Tayyip Erdogan") are matched with rapidfuzz above named thresholds.

Role nouns ("le président russe", "Russian President") name an office, not a person: the lang files
map them to an office (`head_of_state` of `RU`), and the gazetteer lists who held which office from
when to when, so `Registry.holders("head_of_state", "RU", on=date)` is Putin in 2017 and Medvedev in
2010. That is why an `Entity` carries `offices` with periods rather than plain role aliases: a role
alias without a period ("président russe" → Putin) would be wrong for any article before 2012.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from chronique.errors import SettingsError
from chronique.lang import LANG_DIR, available_languages, load_rules
from chronique.settings import Settings

__all__ = [
    "ENTITY_TYPES",
    "GAZETTEER_PATH",
    "Entity",
    "Office",
    "Registry",
    "fold",
    "name_key",
    "registry",
    "slug",
]

GAZETTEER_PATH = LANG_DIR / "gazetteer.toml"
ENTITY_TYPES = (
    "person",
    "country",
    "city",
    "region",
    "place",
    "venue",
    "organisation",
    "equipment",
    "group",
    "other",
)
# `venue`: a building or site that events take place at (stadium, palace, cathedral, conference centre);
# its `located_in` names the city (#4).

# A misspelt full name ("Reccip Teyyep Erdogan", "Recep Tayipp Erdogan") is taken for a gazetteer person
# when rapidfuzz's ratio of the folded names reaches FUZZY_NAME_MIN and its last name alone reaches
# FUZZY_LAST_NAME_MIN. Tuned on the dev articles' misspellings (scores 83-95) against the closest
# wrong pairs among the gazetteer's people (e.g. "Ali Khamenei"/"Ali Akbar Velayati" stays under 70).
FUZZY_NAME_MIN = 80.0
FUZZY_LAST_NAME_MIN = 75.0

_FOLD_SPECIAL = {
    "ı": "i",
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "‐": "-",
    "‑": "-",
}


def _fold_char(char: str) -> str:
    if char in _FOLD_SPECIAL:
        return _FOLD_SPECIAL[char]
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    return lower if len(lower) == 1 else base


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, keeping its length (offsets stay valid)."""
    return "".join(_fold_char(c) for c in text)


_KEY_SPLIT = re.compile(r"[^\w]+|_")


def name_key(name: str) -> str:
    """The lookup key of a name: folded, punctuation to spaces ("Recep T. Erdoğan" → "recep t erdogan")."""
    return " ".join(t for t in _KEY_SPLIT.split(fold(name)) if t)


def slug(name: str) -> str:
    """A stable id from a name: "Vladimir Putin" → "vladimir-putin"."""
    return name_key(name).replace(" ", "-")


@dataclass(frozen=True, slots=True)
class Office:
    """An office held from `start` to `end` (None: still held): of a `country` (ISO code) or an `org` (id)."""

    office: str
    country: str | None = None
    org: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def overlaps(self, lo: dt.date, hi: dt.date) -> bool:
        return (self.start is None or self.start <= hi) and (self.end is None or lo <= self.end)


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity: English `name`, its `names` per language, any-language `aliases`."""

    id: str
    name: str
    type: str
    names: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 code: the country itself, or where a place or person belongs
    capital: bool = False  # a seat of government, whose name may stand for that government
    offices: tuple[Office, ...] = ()
    # A country's "leader" by period: which office the press means by "le dirigeant turc", "his Turkish
    # counterpart" (Turkey: head of government until 2014-08-28, head of state since). Two offices for
    # one period mean the press names either, so the role noun needs a holder named in the text (#4).
    leaders: tuple[Office, ...] = ()
    # Locative preposition per language when the language's rule gets it wrong ("à Singapour", not
    # "en Singapour"); see `Registry.locative`.
    locatives: Mapping[str, str] = field(default_factory=dict)
    institution: str | None = None  # the concept of a country's institution ("army"), made from lang data
    # The id of the place this one lies in: a venue's city ("wembley-stadium" → "london"), a suburb's
    # city ("le-bourget" → "paris"), a seat of power's ("kremlin" → "moscow"); see `Registry.city_of`.
    located_in: str | None = None
    # What news calls a person once named in full, when it is no name of its own elsewhere ("Kim" for Kim
    # Jong Un, whose family name many bear): only taken in a document that names the person in full and
    # no one else by it (`entities.extract`).
    short: tuple[str, ...] = ()

    def display_name(self, lang: str | None) -> str:
        return self.names.get(lang or "", self.name)

    def all_names(self) -> list[str]:
        return list(dict.fromkeys([self.name, *self.names.values(), *self.aliases]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "names": dict(self.names),
            "aliases": list(self.aliases),
            "country": self.country,
            "located_in": self.located_in,
        }


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _plural(form: str) -> str:
    return form if form.endswith(("s", "x")) else form + "s"


class Registry:
    """Every canonical entity, the indexes to find one by any name, and each language's entity rules."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: dict[str, Entity] = {}
        for entity in entities:
            self._entities[entity.id] = entity
        self._build()

    # -- indexes ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        # key → [(entity id, language of the name or None for a language-neutral alias)]
        self._keys: dict[str, list[tuple[str, str | None]]] = {}
        self._acronym_keys: set[str] = set()  # keys written only in capitals ("US", "UN")
        self._lower_keys: set[str] = set()  # keys with a lower-case spelling ("mer Noire", "talibans")
        self._by_country: dict[str, str] = {}
        self._persons: dict[str, str] = {}  # multi-word person name key → id, for fuzzy matching
        self._by_last: dict[str, list[str]] = {}
        cased: dict[str, list[str]] = {}
        for entity in self._entities.values():
            spellings: list[tuple[str, str | None]] = [(entity.name, "en")]
            spellings += [(n, lang) for lang, n in entity.names.items()]
            spellings += [(a, None) for a in entity.aliases]
            for spelling, lang in spellings:
                key = name_key(spelling)
                if not key:
                    continue
                entry = (entity.id, lang)
                bucket = self._keys.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)
                cased.setdefault(key, []).append(spelling)
                if entity.type == "person" and " " in key:
                    self._persons.setdefault(key, entity.id)
                    last = key.rsplit(" ", 1)[1]
                    if entity.id not in self._by_last.get(last, []):
                        self._by_last.setdefault(last, []).append(entity.id)
            if entity.type == "country" and entity.country:
                self._by_country[entity.country] = entity.id
        for key, written in cased.items():
            if all(s.isupper() and len(name_key(s).replace(" ", "")) >= 2 for s in written):
                self._acronym_keys.add(key)
            if any(s[:1].islower() for s in written):
                self._lower_keys.add(key)
        self.max_key_tokens = max((k.count(" ") + 1 for k in self._keys), default=1)
        self._institutions = {
            (e.institution, e.country): e.id for e in self._entities.values() if e.institution and e.country
        }
        self._offices: list[tuple[Office, str]] = [
            (office, e.id) for e in self._entities.values() for office in e.offices
        ]

    # -- lookups ----------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Any:
        return iter(self._entities.values())

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self._entities.get(entity_id)

    def display_name(self, entity_id: str, lang: str | None) -> str:
        """The entity's name in `lang` ("Vladimir Poutine" in French), its English name otherwise."""
        entity = self._entities.get(entity_id)
        return entity.display_name(lang) if entity else entity_id

    def country(self, code: str) -> Entity | None:
        """The country entity of an ISO 3166-1 alpha-2 code."""
        entity_id = self._by_country.get(code.upper())
        return self._entities.get(entity_id) if entity_id else None

    def lookup_key(self, key: str, lang: str | None = None) -> Entity | None:
        """Exact lookup of a `name_key`; same-language names first, then aliases, then other languages."""
        entries = self._keys.get(key)
        if not entries:
            return None

        def rank(entry: tuple[str, str | None]) -> tuple[int, int]:
            entity = self._entities[entry[0]]
            lang_rank = 0 if entry[1] == lang else 1 if entry[1] is None else 2
            return lang_rank, _TYPE_PRIORITY.get(entity.type, 9)

        return self._entities[min(entries, key=rank)[0]]

    def case_ok(self, key: str, surface: str) -> bool:
        """Whether `surface` is written as a name ("Turkey", "US") rather than a word ("turkey", "us")."""
        if key in self._acronym_keys:
            letters = [c for c in surface if c.isalpha()]
            return bool(letters) and all(c.isupper() for c in letters)
        first = surface[:1]
        return first.isupper() or first.isdigit() or key in self._lower_keys

    def resolve(
        self, name: str, lang: str | None = None, *, fuzzy: bool = True, surname: bool = False
    ) -> Entity | None:
        """The entity any alias or spelling of `name` stands for, or None.

        Exact (folded) names first; then a person's name with initials or a missing middle name
        ("Recep T. Erdogan", "Recep Erdogan"); then, with `fuzzy`, misspelt people's names. With
        `surname` (the caller knows `name` is a person: "Mme Borne"), a lone last name that exactly
        one person of the gazetteer bears.
        """
        key = name_key(name)
        if not key:
            return None
        entity = self.lookup_key(key, lang)
        if entity is not None:
            return entity
        tokens = key.split()
        if len(tokens) < 2:
            bearers = self._by_last.get(key, [])
            return self._entities[bearers[0]] if surname and len(bearers) == 1 else None
        candidates = [
            self._entities[i] for i in self._by_last.get(tokens[-1], []) if self._entities[i].type == "person"
        ]
        matches = {
            c.id
            for c in candidates
            if any(names_compatible(tokens, name_key(n).split()) for n in c.all_names())
        }
        if len(matches) == 1:
            return self._entities[matches.pop()]
        if fuzzy:
            return self._fuzzy_person(key)
        return None

    def _fuzzy_person(self, key: str) -> Entity | None:
        found = process.extractOne(key, list(self._persons), scorer=fuzz.ratio, score_cutoff=FUZZY_NAME_MIN)
        if found is None:
            return None
        best = str(found[0])
        if fuzz.ratio(key.rsplit(" ", 1)[-1], best.rsplit(" ", 1)[-1]) < FUZZY_LAST_NAME_MIN:
            return None
        return self._entities[self._persons[best]]

    def _tenures(
        self, offices: Iterable[str], country: str | None, org: str | None, on: tuple[dt.date, dt.date] | None
    ) -> list[tuple[Entity, dt.date | None, dt.date | None]]:
        """(holder, start, end) of every tenure of `offices` overlapping `on`, clipped to the periods in
        which the office counts (a country's `leaders` for `leader`) and to `on`."""
        windows: list[tuple[str, dt.date | None, dt.date | None]] = []
        for office in dict.fromkeys(offices):
            if office != "leader":
                windows.append((office, None, None))
                continue
            state = self.country(country) if country else None
            if state is not None and state.leaders:
                windows += [(o.office, o.start, o.end) for o in state.leaders]
            else:  # no data for this country: whichever office, and a holder named in the text decides
                windows += [("head_of_state", None, None), ("head_of_government", None, None)]
        lo, hi = on if on is not None else (None, None)
        found = []
        for held, entity_id in self._offices:
            if held.country != country or held.org != org:
                continue
            for office, w_start, w_end in windows:
                if held.office != office:
                    continue
                start = max((d for d in (held.start, w_start, lo) if d is not None), default=None)
                end = min((d for d in (held.end, w_end, hi) if d is not None), default=None)
                if start is None or end is None or start <= end:
                    found.append((self._entities[entity_id], start, end))
        return found

    def holders(
        self,
        office: str | Iterable[str],
        *,
        country: str | None = None,
        org: str | None = None,
        on: tuple[dt.date, dt.date] | None = None,
    ) -> list[Entity]:
        """Who held `office` (of a country or an organisation), during the period `on` when given.

        The office `leader` is the one the press calls the country's leader in that period (the
        country's `leader` data), else head of state or head of government. Several offices: any.
        """
        offices = (office,) if isinstance(office, str) else tuple(office)
        found = {e.id: e for e, _, _ in self._tenures(offices, country, org, on)}
        return list(found.values())

    def sole_holder(
        self,
        office: str | Iterable[str],
        *,
        country: str | None = None,
        org: str | None = None,
        on: tuple[dt.date, dt.date],
    ) -> Entity | None:
        """The one person who held `office` over the whole period `on`, or None.

        None when the holder changed within `on` (a month-level date in a month of handover) and when
        the gazetteer's holders do not cover all of `on` (it may not list whoever held the office in
        the gap): a role noun is never resolved across a possible change of holder (#4).
        """
        offices = (office,) if isinstance(office, str) else tuple(office)
        tenures = self._tenures(offices, country, org, on)
        if len({e.id for e, _, _ in tenures}) != 1:
            return None
        reached = on[0] - dt.timedelta(days=1)  # covered up to this day
        for _, start, end in sorted(tenures, key=lambda t: t[1] or dt.date.min):
            if start is not None and start > reached + dt.timedelta(days=1):
                return None
            reached = max(reached, end or dt.date.max)
        return tenures[0][0] if reached >= on[1] else None

    def offices_of(self, entity_id: str, *, on: tuple[dt.date, dt.date] | None = None) -> list[Office]:
        """The country offices `entity_id` held during `on` (all of them without `on`)."""
        entity = self._entities.get(entity_id)
        if entity is None:
            return []
        return [o for o in entity.offices if o.country and (on is None or o.overlaps(*on))]

    def city_of(self, entity_id: str) -> Entity | None:
        """The city an entity lies in: a city itself, else the first city up its `located_in` chain.

        "wembley-stadium" → London, "kremlin" → Moscow, "le-bourget" → Le Bourget (a city of its own,
        located in Paris); None for a country, a person, or a venue whose city the gazetteer lacks.
        """
        seen: set[str] = set()
        entity = self._entities.get(entity_id)
        while entity is not None and entity.id not in seen:
            if entity.type == "city":
                return entity
            seen.add(entity.id)
            entity = self._entities.get(entity.located_in) if entity.located_in else None
        return None

    def locative(self, entity_id: str, lang: str, *, name: str | None = None) -> str:
        """The place with its locative preposition: "à Sotchi", "en Turquie", "au Vietnam", "aux
        États-Unis", "à Singapour", "au Caire"; English "in Sochi", "in the United States".

        The preposition is the entity's own (`locative` in the gazetteer) else the language's rule
        (`locative` in `lang/<iso>/entities.toml`) applied to its name and type. An id the registry does
        not know is read as a place of unknown kind named `name` (else the id).
        """
        entity = self._entities.get(entity_id)
        display = entity.display_name(lang) if entity else (name or entity_id)
        kind = entity.type if entity else "place"
        own = entity.locatives.get(lang) if entity else None
        return _locative_phrase(display, kind, lang, own)

    # -- language data ----------------------------------------------------------------------------------
    def demonym(self, word: str, lang: str) -> Entity | None:
        """The country a demonym stands for: demonym("turque", "fr") → Turkey."""
        code = _demonyms(lang).get(name_key(word))
        return self.country(code) if code else None

    def institution(self, concept: str, country: str) -> Entity | None:
        """A country's institution: institution("army", "TR") → the Turkish army."""
        entity_id = self._institutions.get((concept, country))
        return self._entities.get(entity_id) if entity_id else None

    def demonym_forms(self, lang: str) -> dict[str, str]:
        """Folded demonym form → ISO code, for `lang`."""
        return dict(_demonyms(lang))


_TYPE_PRIORITY = {"country": 0, "person": 1, "organisation": 2, "city": 3, "region": 4, "group": 5}


@functools.cache
def _demonyms(lang: str) -> dict[str, str]:
    forms: dict[str, str] = {}
    for table in load_rules(lang, "entities").get("demonym", []):
        for item in table.get("forms", []):
            for form in {item.get("m"), item.get("f")} - {None}:
                forms[name_key(str(form))] = str(item["country"])
                if lang == "fr":  # French adjectives agree in number; English ones do not
                    forms[name_key(_plural(str(form)))] = str(item["country"])
    return forms


@functools.cache
def _locative_rule(lang: str) -> dict[str, Any]:
    tables = load_rules(lang, "entities").get("locative", [])
    return dict(tables[0]) if tables else {}


_SEGMENT = re.compile(r"[\s-]+")


def _locative_phrase(display: str, kind: str, lang: str, own: str | None) -> str:
    """`display` after its locative preposition by the rule of `lang` (see `Registry.locative`)."""
    rule = _locative_rule(lang)
    if own:
        return f"{own} {display}"
    words = display.split(" ")
    nouns = {fold(str(k)): str(v) for k, v in dict(rule.get("nouns") or {}).items()}
    if fold(words[-1]) in nouns:  # a place named by a common noun: "on the Syrian border"
        return f"{nouns[fold(words[-1])]} {display}"
    articles = {fold(str(k)): str(v) for k, v in dict(rule.get("articles") or {}).items()}
    if len(words) > 1 and fold(words[0]) in articles:  # "Le Caire" → "au Caire"
        return f"{articles[fold(words[0])]} {' '.join(words[1:])}"
    default = str(rule.get("place", ""))
    if kind not in ("country", "region") or not default:
        return f"{default} {display}".strip()
    segments = [fold(w) for w in _SEGMENT.split(display) if w]
    if segments[0] in {fold(str(w)) for w in rule.get("bare", [])}:  # "à Saint-Marin"
        return f"{default} {display}"
    the_words = {fold(str(w)) for w in rule.get("the", [])}
    if the_words & set(segments):  # "in the United States"
        return f"{rule['the_form']} {display}"
    if "plural" in rule and any(w.endswith(("s", "x")) for w in (segments[0], segments[-1])):
        return f"{rule['plural']} {display}"
    if "vowel" in rule and segments[0][:1] in "aeiou":
        return f"{rule['vowel']} {display}"
    if "feminine" in rule and segments[0].endswith("e"):
        return f"{rule['feminine']} {display}"
    return f"{rule.get('masculine', default)} {display}"


# -- loading ------------------------------------------------------------------------------------------


def _leaders(items: Iterable[Mapping[str, Any]]) -> tuple[Office, ...]:
    """`leader = [{ office = "head_of_government", to = "2014-08-28" }, …]`; `office` may be a list."""
    found = []
    for item in items:
        offices = item["office"] if isinstance(item["office"], list) else [item["office"]]
        found += [Office(str(o), start=_date(item.get("from")), end=_date(item.get("to"))) for o in offices]
    return tuple(found)


def _locatives(data: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(data.get("locative") or {}).items()}


def _entity_from(data: Mapping[str, Any], *, where: str) -> Entity:
    try:
        name = str(data["name"])
        kind = str(data["type"])
    except KeyError as exc:
        raise SettingsError(
            f"{where}: an entity lacks {exc.args[0]!r}; every entity needs a name and a type"
        ) from exc
    if kind not in ENTITY_TYPES:
        raise SettingsError(
            f"{where}: entity {name!r} has type {kind!r}; use one of {', '.join(ENTITY_TYPES)}"
        )
    names = {"en": name}
    for lang in available_languages():
        if lang in data:
            names[lang] = str(data[lang])
    names.update({str(k): str(v) for k, v in dict(data.get("names") or {}).items()})
    offices = tuple(
        Office(
            str(o["office"]),
            country=o.get("country"),
            org=o.get("org"),
            start=_date(o.get("from")),
            end=_date(o.get("to")),
        )
        for o in data.get("offices", [])
    )
    return Entity(
        id=str(data.get("id") or slug(name)),
        name=name,
        type=kind,
        names=names,
        aliases=tuple(str(a) for a in data.get("aliases", [])),
        country=data.get("country"),
        capital=bool(data.get("capital", False)),
        offices=offices,
        leaders=_leaders(data.get("leader", [])),
        locatives=_locatives(data),
        located_in=str(data["located_in"]) if data.get("located_in") else None,
        short=tuple(str(a) for a in data.get("short", [])),
    )


def _short(name: str) -> str:
    # ISO's inverted forms: "Russie, Fédération de" → "Russie"; "Korea, Republic of" → "Korea"
    return name.split(",", 1)[0].strip()


def _countries(overrides: Mapping[str, Mapping[str, Any]]) -> list[Entity]:
    import pycountry  # loaded on first use: its JSON files take a moment

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    found = []
    for record in pycountry.countries:
        code = record.alpha_2
        extra = overrides.get(code, {})
        common = getattr(record, "common_name", None)
        english = str(extra.get("name") or _short(common or record.name))
        fr = str(extra.get("fr") or _short(french.gettext(common or record.name)))
        aliases = [record.name, *extra.get("aliases", [])]
        for formal in (getattr(record, "official_name", None), record.name):
            if formal:
                aliases += [formal, french.gettext(formal)]
        aliases = [a for a in dict.fromkeys(aliases) if a not in (english, fr)]
        found.append(
            Entity(
                id=str(extra.get("id") or slug(english)),
                name=english,
                type="country",
                names={"en": english, "fr": fr},
                aliases=tuple(aliases),
                country=code,
                offices=(),
                leaders=_leaders(extra.get("leader", [])),
                locatives=_locatives(extra),
            )
        )
    return found


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise SettingsError(f"gazetteer {path}: no such file; fix the `gazetteer` setting") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"gazetteer {path}: {exc}; fix the file") from exc


def _entities_of(data: Mapping[str, Any], *, where: str) -> tuple[list[Entity], dict[str, dict[str, Any]]]:
    entities = [_entity_from(item, where=where) for item in data.get("entity", [])]
    entities += [_entity_from({"type": "city", **item}, where=where) for item in data.get("city", [])]
    countries = {str(c["code"]).upper(): dict(c) for c in data.get("country", [])}
    return entities, countries


def _merge(base: Entity, extra: Entity, raw: Mapping[str, Any]) -> Entity:
    """A user's entry over a shipped one: its given fields win, aliases add up."""
    changes: dict[str, Any] = {"aliases": tuple(dict.fromkeys([*base.aliases, *extra.aliases]))}
    if "name" in raw:
        changes["name"] = extra.name
    if "type" in raw:
        changes["type"] = extra.type
    changes["names"] = {**base.names, **{k: v for k, v in extra.names.items() if k != "en" or "name" in raw}}
    for attr, key in (
        ("country", "country"),
        ("capital", "capital"),
        ("offices", "offices"),
        ("leaders", "leader"),
        ("locatives", "locative"),
        ("located_in", "located_in"),
        ("short", "short"),
    ):
        if key in raw:
            changes[attr] = getattr(extra, attr)
    return replace(base, **changes)


def _institutions(countries: Iterable[Entity]) -> list[Entity]:
    """One organisation per institution concept of the lang files and country with an English demonym.

    "l'armée turque", "the Turkish army": `[[institution]]` tables give each language's name with the
    country's demonym (`{adj}` English, `{m}`/`{f}` French masculine/feminine); the id is the slug of
    the English name (`turkish-army`), as the events stage names the same groups.
    """
    names: dict[str, dict[str, str]] = {}  # concept → lang → name template
    adjectives: dict[str, dict[str, dict[str, str]]] = {}  # lang → code → {"m": …, "f": …}, first listed
    for lang in available_languages():
        data = load_rules(lang, "entities")
        for table in data.get("institution", []):
            names.setdefault(str(table["concept"]), {})[lang] = str(table["name"])
        for table in data.get("demonym", []):
            for item in table.get("forms", []):
                forms = {"m": str(item["m"]), "f": str(item.get("f") or item["m"])}
                adjectives.setdefault(lang, {}).setdefault(str(item["country"]), forms)
    found = []
    for country in countries:
        code = country.country
        english = adjectives.get("en", {}).get(code or "")
        if code is None or english is None:
            continue
        for concept, templates in names.items():
            if "en" not in templates:
                continue
            by_lang = {}
            for lang, template in templates.items():
                adjective = adjectives.get(lang, {}).get(code)
                if adjective is not None:
                    by_lang[lang] = template.format(adj=adjective["m"], m=adjective["m"], f=adjective["f"])
            name = by_lang["en"]
            found.append(Entity(slug(name), name, "organisation", by_lang, country=code, institution=concept))
    return found


def _apply_locatives(by_id: dict[str, Entity], data: Mapping[str, Any], *, where: str) -> None:
    """`[locative.<lang>]`: preposition → the ISO codes or ids whose name's form does not tell it."""
    countries = {e.country: e.id for e in by_id.values() if e.type == "country" and e.country}
    for lang, table in dict(data.get("locative") or {}).items():
        for preposition, keys in table.items():
            for key in keys:
                entity_id = countries.get(key, key)
                entity = by_id.get(entity_id)
                if entity is None:
                    raise SettingsError(
                        f"{where}: [locative.{lang}] names {key!r}, no entity's id or ISO code"
                    )
                by_id[entity_id] = replace(entity, locatives={**entity.locatives, lang: str(preposition)})


def load_registry(user_file: Path | None = None) -> Registry:
    """The shipped gazetteer and pycountry's countries, with `user_file` merged over them.

    A user's entry with the id of a shipped one may give only what it changes (`id` and `aliases`).
    """
    shipped = _load_toml(GAZETTEER_PATH)
    entities, country_overrides = _entities_of(shipped, where=str(GAZETTEER_PATH))
    user_items: list[Mapping[str, Any]] = []
    user_data: dict[str, Any] = {}
    if user_file is not None:
        user_data = data = _load_toml(user_file)
        for item in data.get("country", []):
            country_overrides.setdefault(str(item["code"]).upper(), {}).update(item)
        user_items = [*data.get("entity", []), *({"type": "city", **c} for c in data.get("city", []))]
    countries = _countries(country_overrides)
    capitals = {str(v["capital"]): code for code, v in country_overrides.items() if v.get("capital")}
    by_id: dict[str, Entity] = {e.id: e for e in countries}
    for entity in entities:
        by_id[entity.id] = entity
    for raw in user_items:
        base = by_id.get(str(raw.get("id") or slug(str(raw.get("name", "")))))
        if base is None:
            entity = _entity_from(raw, where=str(user_file))
            by_id[entity.id] = entity
        else:
            entity = _entity_from({"name": base.name, "type": base.type, **raw}, where=str(user_file))
            by_id[base.id] = _merge(base, entity, raw)
    for entity in _institutions([e for e in countries if e.country]):
        by_id.setdefault(entity.id, entity)
    _apply_locatives(by_id, shipped, where=str(GAZETTEER_PATH))
    if user_file is not None:
        _apply_locatives(by_id, user_data, where=str(user_file))
    for entity_id, code in capitals.items():
        if entity_id in by_id:
            by_id[entity_id] = replace(
                by_id[entity_id], capital=True, country=by_id[entity_id].country or code
            )
    for entity in by_id.values():
        if entity.located_in and entity.located_in not in by_id:
            raise SettingsError(
                f"gazetteer: {entity.name!r} is located_in {entity.located_in!r}, no entity's id; "
                "give the id of a city or place of the gazetteer"
            )
    return Registry(by_id.values())


@functools.cache
def _cached_registry(user_file: Path | None) -> Registry:
    return load_registry(user_file)


def registry(settings: Settings | None = None) -> Registry:
    """The registry for these settings (shipped gazetteer + `settings.gazetteer`), built once per process."""
    settings = settings or Settings()
    return _cached_registry(settings.gazetteer)


def names_compatible(mention: list[str], full: list[str]) -> bool:
    """Whether name tokens `mention` can be a shorter form of `full`.

    Same last name, and every other token of `mention` is, in order, a token of `full` or its initial:
    "recep t erdogan" and "recep erdogan" fit "recep tayyip erdogan"; "tayyip recep erdogan" does not.
    """
    if not mention or not full or mention[-1] != full[-1] or len(mention) > len(full):
        return False
    position = 0
    for token in mention[:-1]:
        while position < len(full) - 1 and not (
            full[position] == token or (len(token) == 1 and full[position].startswith(token))
        ):
            position += 1
        if position >= len(full) - 1:
            return False
        position += 1
    return True

"""Entities: mentions of people, places and organisations, resolved to canonical entities (#4).

    reg = registry(settings)
    reg.resolve("Poutine", "fr").id          # 'vladimir-putin'
    reg.display_name("vladimir-putin", "fr") # 'Vladimir Poutine'
    extract_entities("M. Poutine a reçu M. Erdogan.", lang="fr")

The stage `entities` writes the `entities` layer (label = type; attrs `entity_id`, `name` canonical
English, `source`, and `role="government"` on a country or capital that acts). `index_entities`
records the canonical entities and the aliases seen in stored documents (table of migration 0010).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from chronique.entities.extract import extract_entities
from chronique.entities.gazetteer import (
    ENTITY_TYPES,
    Entity,
    Office,
    Registry,
    fold,
    load_registry,
    name_key,
    registry,
    slug,
)
from chronique.entities.index import EntityRow, index_entities, list_entities
from chronique.lang import register_checker
from chronique.model import Document, FuzzyDate, Span
from chronique.pipeline import StageFn, register_stage
from chronique.settings import Settings

__all__ = [
    "ENTITY_TYPES",
    "Entity",
    "EntityRow",
    "Office",
    "Registry",
    "entity_at",
    "extract_entities",
    "fold",
    "index_entities",
    "list_entities",
    "load_registry",
    "make_entities",
    "name_key",
    "recent_people",
    "registry",
    "slug",
]


@register_stage("entities", requires=("text", "lang", "sentences"), assigns=("entities",))
def make_entities(settings: Settings) -> StageFn:
    """The `entities` stage: mentions resolved against the gazetteer, the document and its date."""
    registry(settings)  # build the gazetteer once, before the first document

    def entities(doc: Document) -> Document:
        doc.set_layer(
            "entities",
            extract_entities(
                doc.text,
                lang=doc.lang,
                published=doc.published,
                settings=settings,
                sentences=doc.layer("sentences"),
            ),
        )
        return doc

    return entities


def entity_at(doc: Document, start: int, end: int) -> Span | None:
    """The entity mention that overlaps characters [start, end) of `doc.text`, if any."""
    for span in doc.layer("entities"):
        if span.start < end and start < span.end:
            return span
    return None


def recent_people(doc: Document, offset: int, count: int = 2) -> list[Span]:
    """The last `count` distinct people mentioned before `offset`, most recent last.

    A helper for "les deux dirigeants", "the two leaders": events decide when to use it.
    """
    seen: dict[str, Span] = {}
    for span in doc.layer("entities"):
        if span.start >= offset:
            break
        if span.label == "person":
            seen.pop(str(span.attrs["entity_id"]), None)
            seen[str(span.attrs["entity_id"])] = span
    return list(seen.values())[-count:]


@register_checker("entities")
def check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """Run one example of `lang/<lang>/entities.toml` (see the header of that file)."""
    if "word" in example:
        country = registry().demonym(example["word"], lang)
        found = country.name if country else None
        if found != example["country"]:
            raise AssertionError(
                f"demonym {example['word']!r} ({lang}): expected {example['country']}, got {found}"
            )
        return
    if "locative" in example:
        got = registry().locative(example["entity"], lang, name=example.get("name"))
        if got != example["locative"]:
            raise AssertionError(
                f"locative of {example['entity']!r} ({lang}): expected {example['locative']!r}, got {got!r}"
            )
        return
    text = example["text"]
    published = FuzzyDate.from_date(dt.date.fromisoformat(example["date"])) if "date" in example else None
    spans = extract_entities(text, lang=lang, published=published)
    names = {str(s.attrs["name"]) for s in spans}
    missing = [n for n in example.get("expect", []) if n not in names]
    missing += [f"not {n}" for n in example.get("absent_names", []) if n in names]
    covered = [w for w in example.get("absent", []) if any(w in text[s.start : s.end] for s in spans)]
    government = {text[s.start : s.end] for s in spans if s.attrs.get("role") == "government"}
    not_marked = [w for w in example.get("government", []) if w not in government]
    wrongly_marked = [w for w in example.get("not_government", []) if w in government]
    # `city`: the mention's surface → the name of the city it lies in ("Wembley Stadium" → "London")
    cities = {text[s.start : s.end]: (s.attrs.get("city") or {}).get("name") for s in spans}
    missing += [f"{w} in {c}" for w, c in dict(example.get("city", {})).items() if cities.get(w) != c]
    if missing or covered or not_marked or wrongly_marked:
        found_text = ", ".join(f"{text[s.start : s.end]!r}→{s.attrs['name']}" for s in spans)
        raise AssertionError(
            f"{text!r} ({lang}): missing {missing}, boilerplate taken {covered}, "
            f"not government {not_marked}, wrongly government {wrongly_marked}; found {found_text}"
        )

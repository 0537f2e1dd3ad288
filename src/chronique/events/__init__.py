"""Stage `events`: who met whom, where, when, and whether it happened (issue #4).

Triggers per language are data (`lang/<iso>/events.toml`); each clause with a trigger becomes a
mention with participants (from the `entities` layer, the parse, coordination, "les deux dirigeants",
demonyms and capitals as countries), a place, a date (its clause's time expression, or for the main
news the document date, never finer) and a status; mentions of one event are merged
(`merge.merge_mentions`). A mention needs a trigger and at least one participant or a place.

    >>> doc = extract_events(doc)            # doc has text, lang, sentences, timex, entities
    >>> [(e.label, e.attrs["date"]) for e in doc.layer("events")]
"""

from __future__ import annotations

import re
from typing import Any

from chronique.events.mentions import Mention, ParsedText, Ref, family, sentence_mentions
from chronique.events.merge import Event, merge_mentions, to_span
from chronique.events.rules import EVENT_TYPES, EventRules, event_rules, find_triggers
from chronique.model import Document, Span
from chronique.nlp import parse
from chronique.pipeline import StageFn, register_stage
from chronique.settings import Settings

__all__ = ["EVENT_TYPES", "Event", "extract_events", "find_triggers", "make_events"]


def _gazetteer(settings: Settings | None) -> Any | None:
    """The entity registry (an optional neighbour: without it, countries are named by their name)."""
    try:
        from chronique.entities import registry
    except ImportError:
        return None
    return registry(settings)


def _country_ref(doc: Document, name: str, gazetteer: Any | None) -> Ref:
    """A country as the document's entities name it, else as the gazetteer knows it, else by name."""
    for span in doc.layer("entities"):
        if span.attrs.get("name") == name:
            return {"entity_id": span.attrs.get("entity_id"), "name": name}
    found = gazetteer.resolve(name, "en") if gazetteer is not None else None
    if found is not None:
        return {"entity_id": found.id, "name": found.name}
    return {"entity_id": re.sub(r"[^\w]+", "-", name.lower()).strip("-"), "name": name}


def _country_of(place: Ref, gazetteer: Any | None) -> list[Ref]:
    """The country a place lies in ([] when unknown or itself a country)."""
    entity = gazetteer.resolve(str(place.get("name") or ""), "en") if gazetteer is not None else None
    if entity is None or entity.type == "country" or not entity.country:
        return []
    country = gazetteer.country(entity.country)  # type: ignore[union-attr]
    return [{"entity_id": country.id, "name": country.name}] if country is not None else []


def _with_ago(text: str, timexes: list[Span], rules: EventRules) -> list[Span]:
    """The timex layer with "il y a un an", "two weeks ago" durations marked `ago` (copies, the layer
    is left as it is): the events stage dates them back from the document date."""
    marked = []
    for timex in timexes:
        if timex.label == "DURATION" and rules.ago(text, timex.start, timex.end):
            timex = Span(timex.start, timex.end, timex.label, {**timex.attrs, "ago": True})
        marked.append(timex)
    return marked


def _recall_venues(mentions: list[Mention]) -> None:
    """An agreement told with "ces pourparlers" and no place of its own was reached at those talks: the
    latest meeting told before it with a place, else the first told after (a lead may name the talks
    only further down)."""
    for mention in mentions:
        if not mention.recalls or mention.place is not None:
            continue
        talks = [m for m in mentions if family(m.type) == "meeting" and not m.anaphoric and m.place]
        before = [m for m in talks if m.start < mention.start]
        after = [m for m in talks if m.start > mention.start]
        found = before[-1] if before else after[0] if after else None
        if found is not None and found.place is not None:
            mention.place = dict(found.place)


def extract_events(doc: Document, *, settings: Settings | None = None) -> Document:
    """Fill `doc.layers["events"]` from the text, sentences, timex and entities layers."""
    rules = event_rules(doc.lang)
    if not rules.triggers:
        doc.set_layer("events", [])
        return doc
    parsed = ParsedText(parse(doc.text, doc.lang, settings))
    entities = doc.layer("entities")
    timexes = _with_ago(doc.text, doc.layer("timex"), rules)
    sentences = doc.layer("sentences") or [Span(0, len(doc.text), "sentence")]
    gazetteer = _gazetteer(settings)
    mentions: list[Mention] = []

    def pair(offset: int) -> list[Ref]:
        # "les deux dirigeants": the people of the latest mention with two, else the last two named.
        for mention in reversed(mentions):
            if mention.persons >= 2:
                return [dict(r) for r in mention.participants][:2]
        people: list[Ref] = []
        for span in reversed([e for e in entities if e.label == "person" and e.start < offset]):
            ref = {"entity_id": span.attrs.get("entity_id"), "name": span.attrs.get("name") or ""}
            if ref not in people:
                people.append(ref)
        return people[:2] if len(people) >= 2 else []

    for sentence in sentences:
        mentions += sentence_mentions(
            doc,
            sentence,
            rules,
            parsed,
            entities=entities,
            timexes=timexes,
            country_ref=lambda name: _country_ref(doc, name, gazetteer),
            country_of=lambda place: _country_of(place, gazetteer),
            pair=pair,
        )
    _recall_venues(mentions)
    # An event with no one taking part and no date, outside the news of the lead, is no fact the
    # timeline can hold ("les attaques à Idleb avaient cessé", "un accord sur la Syrie").
    events = [e for e in merge_mentions(mentions, doc, rules) if e.participants or e.date or e.main]
    doc.set_layer("events", [to_span(event, doc, rules) for event in events])
    return doc


@register_stage(
    "events", requires=("text", "lang", "sentences", "timex", "entities", "published"), assigns=("events",)
)
def make_events(settings: Settings) -> StageFn:
    def run(doc: Document) -> Document:
        return extract_events(doc, settings=settings)

    return run

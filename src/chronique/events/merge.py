"""One event per real-world event of a document: mentions merged, main news marked, dates filled in.

Seed 003 tells one Moscow meeting as "tête-à-tête", "rencontre" and "entretien": the `events` layer
holds that meeting once, with every trigger in its `mentions` attribute (the linking stage reads one
event per document and event, docs/architecture.md).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chronique.events.clauses import regions
from chronique.events.mentions import PLACELESS_TYPES, SITE_TYPES, Mention, Ref, family
from chronique.events.rules import EventRules, find_triggers
from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span

__all__ = ["Event", "acts_for", "merge_mentions"]

# Offices whose holder acts for the state (in agreements, meetings): not ministers, who act for it in
# their field only and are named as themselves in the gold.
LEADER_OFFICES = frozenset({"head_of_state", "head_of_government"})
# Confidence of an event date read off the document date rather than from its own time expression:
# the lead of a news article usually tells what happened on the day of publication, not always.
DOCUMENT_DATE_CONFIDENCE = 0.5
# How well an undated, unplaced mention fits an event when only one of them names participants: less
# than any event sharing one of at most MAX_PARTICIPANTS * 2 names (1/8), more than one sharing none.
NO_PARTICIPANTS_FIT = 0.1


# The lead ends with the first sentence of at least this many words that ends like a sentence: the
# headline, a byline and page furniture before it are no sentences (seeds and dev articles: every lead
# sentence has 15 words or more, no headline ends with a full stop).
LEAD_MIN_WORDS = 12
_YEARLESS_DAY = re.compile(r"XXXX-\d{2}-\d{2}")


@dataclass(slots=True)
class Event:
    mentions: list[Mention] = field(default_factory=list)
    main: bool = False

    def best(self) -> Mention:
        dated = [m for m in self.mentions if m.date is not None and m.participants]
        placed_in_time = [m for m in self.mentions if m.relative is not None and m.participants]
        return (dated or placed_in_time or [m for m in self.mentions if m.participants] or self.mentions)[0]

    def timed(self) -> Mention:
        """The mention that places the event in time: the best one, unless another has the date or
        the relative expression it lacks ("une nouvelle rencontre à Sotchi ce mercredi" under a
        headline that names the two leaders)."""
        best = self.best()
        if best.date is not None or best.relative is not None:
            return best
        placed = next((m for m in self.mentions if m.date is not None or m.relative is not None), None)
        if placed is not None:
            return placed
        # In an undated article, "Le 4 mai, les chefs des délégations … ont signé un mémorandum" under a
        # headline that tells the signing without a time: the day the linking stage reads a year for.
        return next((m for m in self.mentions if _yearless_day(m) is not None), best)

    @property
    def relative(self) -> tuple[int, int] | None:
        """Days from the document date the event may lie at, as its mentions' relative expressions
        say when the document has no date (`Mention.relative`)."""
        return next((m.relative for m in self.mentions if m.relative is not None), None)

    @property
    def participants(self) -> list[Ref]:
        """The best mention's participants, with those of the mentions that share one of them."""
        best = self.best()
        seen: dict[str, Ref] = {_key(r): r for r in best.participants}
        core = set(seen)
        # A pair is complete: "Italy beat Denmark" does not join Denmark to Italy's final with England.
        needed = min(len(core), 2)
        for mention in self.mentions:
            keys = {_key(r) for r in mention.participants}
            # "Poutine est arrivé à Ankara, après quoi il s'est rendu à la résidence du dirigeant turc":
            # one journey told in one sentence, a person named in each clause.
            journey = family(best.type) == "meeting" and mention.sentence == best.sentence
            if len(_shared(keys, core)) >= needed or journey:
                for ref in mention.participants:
                    seen.setdefault(_key(ref), ref)
        return list(seen.values())

    @property
    def place(self) -> Ref | None:
        # An undated definite mention joined to a dated event ("un mécanisme de surveillance du
        # cessez-le-feu en Syrie" after "le 4 mai … ont signé un mémorandum") may name another instance.
        dated = any(m.date is not None for m in self.mentions)
        trusted = [m for m in self.mentions if not (dated and m.definite and m.date is None)]
        return next((m.place for m in trusted if m.place is not None), None)

    @property
    def date(self) -> FuzzyDate | None:
        dates = [m.date for m in self.mentions if m.date is not None]
        return min(dates, key=lambda d: d.granularity.rank) if dates else None

    def type(self, rules: EventRules) -> str:
        types = {m.type for m in self.mentions if not m.anaphoric} or {m.type for m in self.mentions}
        told_once = sum(m.persons for m in self.mentions if m.sentence == self.best().sentence)
        if "visit" in types and (told_once >= 2 or any(m.persons >= 2 for m in self.mentions)):
            types = (types - {"visit"}) | {"meeting"}
        return min(types, key=rules.rank)


def _key(ref: Ref) -> str:
    return str(ref.get("entity_id") or ref.get("name"))


@functools.cache
def acts_for(entity_id: str) -> frozenset[str]:
    """The entity and the states it leads or led, from the gazetteer's offices: an agreement told as
    signed by "Poutine et Erdogan" and by "la Russie et la Turquie" is one agreement."""
    try:
        from chronique.entities import registry
    except ImportError:  # the entities stage is optional for this module
        return frozenset({entity_id})
    entity = registry().get(entity_id)
    keys = {entity_id}
    for office in entity.offices if entity is not None else ():
        if office.office in LEADER_OFFICES and office.country:
            country = registry().country(office.country)
            if country is not None:
                keys.add(country.id)
    return frozenset(keys)


def _shared(ours: set[str], theirs: set[str]) -> set[str]:
    """Participants in common, a leader standing for the state he leads."""
    return {key for key in ours for other in theirs if acts_for(key) & acts_for(other)}


def _nested(ours: set[str], theirs: set[str]) -> bool:
    """True when one group of participants holds the other (a leader standing for his state)."""
    return len(_shared(ours, theirs)) == len(ours) or len(_shared(theirs, ours)) == len(theirs)


def _compatible(event: Event, mention: Mention) -> bool:
    if family(mention.type) not in {family(m.type) for m in event.mentions}:
        return False
    # "C'était leur troisième rencontre, quatre mois après l'échec du sommet de Hanoï": the summit told in
    # the dated phrase is another event than the meeting of the main clause, and than those that join it.
    if not mention.apart and all(m.apart for m in event.mentions):
        return False
    if any(m.apart != mention.apart and m.sentence == mention.sentence for m in event.mentions):
        return False
    if mention.apart and event.date is None and not all(m.apart for m in event.mentions):
        return False  # dated by the time elapsed since: not an event whose time nothing tells
    ours = {_key(r) for r in event.participants}
    theirs = {_key(r) for r in mention.participants}
    same_sentence = any(m.sentence == mention.sentence for m in event.mentions)
    # "Poutine est arrivé à Ankara, après quoi il s'est rendu à la résidence du dirigeant turc": one
    # visit told in one sentence with a different person named in each clause.
    # "l'incendie", "the meeting": a definite mention names the event already told, whoever is around it.
    if ours and theirs and not _shared(ours, theirs) and not same_sentence and not mention.definite:
        return False
    if len(ours) >= 2 and len(theirs) >= 2 and not same_sentence and not _nested(ours, theirs):
        # "a summit of Kim and Moon … preparing the ground for a meeting between Kim and Trump": two
        # pairs that share one person are two events.
        return False
    date = event.date
    if date is not None and mention.date is not None and not date.compatible(mention.date):
        return False
    if not _overlap(event.relative, mention.relative):
        return False  # "il y a un an et demi … à Moscou" and "ce mercredi": two meetings
    days = {_yearless_day(m) for m in event.mentions} - {None}
    if _yearless_day(mention) is not None and days and _yearless_day(mention) not in days:
        return False  # "le 3 mai" and "le 4 mai" in an undated article: two days, whatever the year
    place = event.place
    return not (place is not None and mention.place is not None and _key(place) != _key(mention.place))


def _yearless_day(mention: Mention) -> str | None:
    """The day without a year ("XXXX-05-04") a mention of an undated article is placed at, if any."""
    if mention.date is not None or mention.timex is None:
        return None
    value = str(mention.timex.attrs.get("value") or "").split("T", 1)[0]
    return value if _YEARLESS_DAY.fullmatch(value) else None


def _closeness(mention: Mention, event: Event, published: FuzzyDate | None) -> tuple[float, float]:
    """How well an undated, unplaced mention fits an event: shared participants, then time to the dct."""
    ours = {_key(r) for r in event.participants}
    theirs = {_key(r) for r in mention.participants}
    if ours and theirs:
        overlap = len(_shared(ours, theirs)) / len(ours | theirs)
    else:  # an event without participants fits a mention with some less than one sharing them
        overlap = NO_PARTICIPANTS_FIT if ours or theirs else 0.5
    date = event.date
    relative = event.relative
    if date is None and relative is not None:  # no document date: days from it, as far as they are known
        return overlap, -float(0 if relative[0] <= 0 <= relative[1] else min(map(abs, relative)))
    if date is None:
        return overlap, float("-inf")
    if published is None:
        return overlap, 0.0
    return overlap, -float(abs((date.start - published.start).days))


def _overlap(ours: tuple[int, int] | None, theirs: tuple[int, int] | None) -> bool:
    """True unless both relative spans are known and share no day."""
    return ours is None or theirs is None or (ours[0] <= theirs[1] and theirs[0] <= ours[1])


def _past(event: Event, published: FuzzyDate | None) -> bool:
    date = event.date
    if date is None and event.relative is not None:
        return event.relative[1] < 0
    return date is not None and published is not None and date.end < published.start


def merge_mentions(mentions: list[Mention], doc: Document, rules: EventRules) -> list[Event]:
    """Group the mentions of one document into events (text order of first mention)."""
    events: list[Event] = []
    # 1. Mentions with a date or a place found events or join a compatible one.
    for mention in mentions:
        if not mention.anchored or mention.anaphoric:
            continue
        match = next((e for e in events if _compatible(e, mention)), None)
        if match is None:
            events.append(Event([mention]))
        else:
            match.mentions.append(mention)
    # 2. Mentions with participants only join the compatible event nearest to the document date.
    for mention in mentions:
        if mention.anchored or mention.anaphoric:
            continue
        candidates = [e for e in events if _compatible(e, mention)]
        if mention.novel or mention.status == "planned":
            # "une nouvelle rencontre", "discuteront": not the meeting of last year.
            candidates = [e for e in candidates if not _past(e, doc.published)]
        if candidates:
            max(candidates, key=lambda e: _closeness(mention, e, doc.published)).mentions.append(mention)
        else:
            events.append(Event([mention]))
    # 3. "Cette visite", "la rencontre": the latest event told before it, of the same family.
    for mention in mentions:
        if not mention.anaphoric:
            continue
        before = [e for e in events if e.mentions[0].start < mention.start and _compatible(e, mention)]
        if before:
            max(
                before, key=lambda e: max(m.start for m in e.mentions if m.start < mention.start)
            ).mentions.append(mention)
        elif mention.participants or mention.place is not None:
            events.append(Event([mention]))
    for event in events:
        event.mentions.sort(key=lambda m: m.start)
    events.sort(key=lambda e: e.mentions[0].start)
    _mark_main(events, doc)
    return events


def _lead_end(doc: Document) -> int:
    """End of the lead: every line up to the first real sentence (headline, bylines, its own text)."""
    sentences = doc.layer("sentences")
    for sentence in sentences:
        words = doc.text[sentence.start : sentence.end].split()
        if len(words) >= LEAD_MIN_WORDS and words[-1][-1:] in '.!?…»"”':
            return sentence.end
    return sentences[0].end if sentences else 0


def _mark_main(events: list[Event], doc: Document) -> None:
    lead_end = _lead_end(doc)
    for event in events:
        event.main = any(m.start < lead_end for m in event.mentions if not m.anaphoric)
    if events and not any(e.main for e in events):
        max(events, key=lambda e: (len(e.mentions), -e.mentions[0].start)).main = True


def event_date(event: Event, doc: Document) -> FuzzyDate | None:
    """The event's own date, or for the main news without one, the document date (never finer)."""
    date = event.date
    if date is not None or not event.main or doc.published is None:
        return date
    if event.best().status != "happened":
        return None
    published = doc.published
    if published.granularity.rank > Granularity.MONTH.rank:
        return None  # a year-level document date says nothing useful about the event
    return FuzzyDate(
        published.value,
        published.granularity,
        Provenance(published.provenance),
        min(published.confidence, DOCUMENT_DATE_CONFIDENCE),
        "document date",
    )


def event_place(event: Event, doc: Document, rules: EventRules) -> Ref | None:
    """The event's own place, or for the main news without one, the place its lead names.

    The lead (headline, dateline, lead sentence) names one city with a locative: "Avec notre envoyé
    spécial à Saint-Pétersbourg", "headquarters in Santa Clara". A disaster without one happened where
    the article names a city most often: Port-au-Prince for a Haitian earthquake.
    """
    place = event.place
    event_type = event.type(rules)
    if place is not None or not event.main or event_type in PLACELESS_TYPES:
        return place
    cities = [e for e in doc.layer("entities") if e.label == "city"]
    lead_end = _lead_end(doc)
    named = {
        str(e.attrs.get("entity_id")): e
        for e in cities
        if e.start < lead_end
        and rules.locative(doc.text, max(0, e.start - 60), e.start)
        and not _elsewhere(doc, e, rules, family(event_type))
    }
    if len(named) == 1:
        found = next(iter(named.values()))
        return {"entity_id": found.attrs.get("entity_id"), "name": found.attrs.get("name")}
    if event_type in SITE_TYPES and cities:
        ranked = Counter(str(e.attrs.get("entity_id")) for e in cities).most_common(2)
        best = ranked[0][0]
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:  # no tie
            found = next(e for e in cities if str(e.attrs.get("entity_id")) == best)
            return {"entity_id": found.attrs.get("entity_id"), "name": found.attrs.get("name")}
    return None


def _elsewhere(doc: Document, entity: Span, rules: EventRules, kind: str) -> bool:
    """True when `entity` stands in a clause that tells of something else, such as another event of the
    same family ("after briefing the president on his talks in Pyongyang"): it is not the place of the
    news. "après leur rencontre à Moscou, ils conviennent d'un cessez-le-feu": an agreement reached
    after a meeting was reached where the meeting took place (as `sentence_mentions` reads a clause)."""
    for sentence in doc.layer("sentences"):
        if sentence.start <= entity.start < sentence.end:
            timexes = [t for t in doc.layer("timex") if sentence.start <= t.start < sentence.end]
            for region in regions(doc.text, sentence, rules.clauses, timexes):
                if region.start <= entity.start < region.end:
                    told = {
                        family(t.type) for t in find_triggers(doc.text, rules.lang, region.start, region.end)
                    }
                    return region.kind != "other_event" or not told or kind in told
    return False


def to_span(event: Event, doc: Document, rules: EventRules) -> Span:
    best = event.best()
    timed = event.timed()
    trigger = best.triggers[0]
    date = event_date(event, doc)
    statuses = [m.status for m in event.mentions if not m.anaphoric] or [best.status]
    status = "denied" if "denied" in statuses else timed.status
    if date is not None and doc.published is not None and status != "denied":
        if date.start > doc.published.end:
            status = "planned"
        elif date.end < doc.published.start:
            status = "happened"
    attrs: dict[str, Any] = {
        "participants": event.participants,
        "place": event_place(event, doc, rules),
        "date": date.to_dict() if date is not None else None,
        "status": status,
        "main": event.main,
        "sentence": [best.sentence.start, best.sentence.end],
        "timex": [timed.timex.start, timed.timex.end] if timed.timex is not None else None,
        "mentions": [[t.start, t.end] for m in event.mentions for t in m.triggers],
        "trigger": doc.text[trigger.start : trigger.end],
    }
    return Span(trigger.start, trigger.end, event.type(rules), attrs)

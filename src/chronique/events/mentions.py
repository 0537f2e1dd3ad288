"""Event mentions of one sentence: triggers grouped by clause, with participants, place, date, status.

A sentence may tell several events ("Après avoir rencontré Erdogan à Ankara mercredi, Charles Michel a
parlé jeudi par téléphone à Poutine"). With a dependency parse, each trigger belongs to the clause of
its nearest verb, and every word of the sentence goes to the clause that governs it; without a parse
(a language without a model), each word goes to the nearest trigger.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chronique.events.anaphora import subject_person, there_place
from chronique.events.clauses import Region, regions, same_region
from chronique.events.rules import EventRules, Trigger, find_triggers
from chronique.figures import find_figures
from chronique.model import Document, FuzzyDate, Granularity, Span

__all__ = ["Mention", "ParsedText", "Ref", "relative_days", "sentence_mentions", "year_in_name"]

Ref = dict[str, Any]  # {"entity_id": …, "name": …}

PERSON = "person"
# "place": what the entities stage calls a location its gazetteer does not know ("Bali", "Rouen").
PLACE_TYPES = frozenset({"country", "city", "region", "place"})
AGENT_TYPES = frozenset({"country", "organisation", "group"})
# Types whose participants are countries, teams or organisations before people: in "l'armée turque a
# perdu 33 soldats" or "France – Croatie" the actors are not the people named around them.
GROUP_FIRST_TYPES = frozenset({"attack", "casualties", "disaster", "economy", "election", "sport"})
# Types whose actors may be named by a demonym alone ("un bombardier russe par la chasse turque").
DEMONYM_TYPES = GROUP_FIRST_TYPES | {"agreement"}
# How far from its trigger a demonym still names an actor: "la destruction, en novembre 2015, d'un
# bombardier russe par la chasse turque" is 70 characters; "coopérer sur le dossier syrien" at the end
# of a long sentence is not the attack's. Read off the seeds.
DEMONYM_WINDOW = 80
# Characters before a trigger where a status cue applies when there is no parse ("are expected to meet",
# "will travel to"): the width of an auxiliary chain. Read off the English dev articles.
STATUS_WINDOW = 30
# Types that may tell one real-world event ("visite" then "rencontre"; a toll and its attack), as the
# linking stage reads them (link.mentions.TYPE_FAMILIES); a clause with a meeting and an agreement
# tells two events.
TYPE_FAMILIES = {"visit": "meeting", "summit": "meeting", "casualties": "attack"}


def family(event_type: str) -> str:
    return TYPE_FAMILIES.get(event_type, event_type)


# Types whose clause makes its meeting words theirs: a "rencontre" in a match, an "entretien" by phone.
ABSORB_MEETINGS = ("phone_call", "sport")
# Types whose place may be named without a preposition: "un séisme a dévasté Port-au-Prince".
SITE_TYPES = frozenset({"disaster"})
# Types agreed in a city or a country, that name the region they apply to: "un cessez-le-feu dans la
# région d'Idleb" was agreed in Moscow.
SCOPE_TYPES = frozenset({"agreement"})
_PLACE_RANK = {"city": 0, "place": 1, "region": 2, "country": 3}
# Gatherings an organisation holds ("le sommet du G20", "the NATO summit"), and how far after the trigger
# its genitive may name it ("sommet de l'|OTAN": 8 characters).
HOSTED_TYPES = frozenset({"summit", "meeting"})
GENITIVE_REACH = 10
# Types whose participants are people: without one, "la rencontre" refers to a meeting told before.
PERSON_TYPES = frozenset({"meeting", "visit", "phone_call"})
# Characters before a trigger where the words that make it refer to an event told before are looked
# for (patterns anchored at the trigger): "cette |visite", "selon les termes de l'|accord" (22).
REFERENCE_WINDOW = 30
# Types whose "sur X" / "on X" is a target that takes part, not a topic.
TARGET_TYPES = frozenset({"attack", "casualties", "disaster", "sport"})
# Characters between a name and the speech verb right after it that make it the speaker ("Putin said").
SPEAKER_GAP = 1
# Types told with "y", "there" and "il" for a place and a person named before: meetings and journeys.
ANAPHORA_TYPES = frozenset({"meeting", "visit", "summit"})
# A phone call joins two places; the city in the dateline is not its place.
PLACELESS_TYPES = frozenset({"phone_call"})
# At most this many participants per mention: more means the clause is a list, not the event's cast
# (read off the seeds and dev articles, where no gold event has more than three).
MAX_PARTICIPANTS = 4


@dataclass(slots=True)
class Mention:
    """One event as one clause tells it."""

    triggers: list[Trigger]
    type: str
    sentence: Span
    participants: list[Ref] = field(default_factory=list)
    place: Ref | None = None
    timex: Span | None = None
    date: FuzzyDate | None = None
    status: str = "happened"
    anaphoric: bool = False  # "cette visite", "la rencontre": refers to an event told elsewhere
    definite: bool = False  # "l'incendie", "the meeting": may refer to an event told before
    novel: bool = False  # "une nouvelle rencontre": not an event told as past
    persons: int = 0  # how many participants are people
    recalls: bool = False  # "parrains de ces pourparlers": reached at talks told elsewhere in the document
    # Told in a dated phrase on another event ("quatre mois après l'échec du sommet de Hanoï"): an event
    # other than the one of its sentence's main clause.
    apart: bool = False
    # Days from the document date to what the clause's time expression names, when that expression is
    # relative and the document has no date to resolve it against ("il y a un an et demi": about
    # -565 to -535; "ce mercredi": 0 to 6). Tells two undated events apart (`merge.py`).
    relative: tuple[int, int] | None = None

    @property
    def start(self) -> int:
        return self.triggers[0].start

    @property
    def anchored(self) -> bool:
        return self.date is not None or self.place is not None or self.relative is not None


class ParsedText:
    """The dependency parse of a document, addressed by character offsets of `doc.text`."""

    def __init__(self, parsed: Sequence[tuple[int, Any]]) -> None:
        self.tokens: list[Any] = []
        self.starts: list[int] = []
        self.offsets: dict[int, int] = {}  # id(spacy Doc) → paragraph offset
        for offset, sdoc in parsed:
            self.offsets[id(sdoc)] = offset
            for token in sdoc:
                self.tokens.append(token)
                self.starts.append(offset + token.idx)

    def __bool__(self) -> bool:
        return bool(self.tokens)

    def at(self, char: int) -> Any | None:
        """The token covering character `char` (or the last one starting before it)."""
        index = bisect.bisect_right(self.starts, char) - 1
        return self.tokens[index] if index >= 0 else None

    def start_of(self, token: Any) -> int:
        return int(self.offsets[id(token.doc)] + token.idx)


def _clause_head(parsed: ParsedText, trigger: Trigger) -> Any | None:
    found = (parsed.at(c) for c in range(trigger.start, trigger.end))
    tokens: list[Any] = list(dict.fromkeys(t for t in found if t is not None))
    if not tokens:
        return None
    for token in tokens:
        if token.pos_ == "VERB":
            return token
    token = tokens[0]
    for _ in range(12):  # walk up to the nearest verb
        if token.pos_ == "VERB" or token.dep_ == "ROOT" or token.head.i == token.i:
            return token
        # "le séisme qui a frappé Haïti mardi aurait fait …": a relative clause on the noun tells it.
        relative = next((c for c in token.children if c.dep_ == "acl:relcl" and c.pos_ == "VERB"), None)
        if relative is not None:
            return relative
        token = token.head
    return token


def _owner(token: Any, heads: dict[int, int]) -> int | None:
    """The group whose clause head governs `token` most closely."""
    seen = 0
    while seen < 40:
        if token.i in heads:
            return heads[token.i]
        if token.head.i == token.i:
            return None
        token = token.head
        seen += 1
    return None


@dataclass(slots=True)
class _Group:
    triggers: list[Trigger]
    head: Any | None = None
    tokens: list[Any] = field(default_factory=list)  # the words of its clause (parse only)
    starts: set[int] = field(default_factory=set)  # their offsets in the text
    # The phrase it has to itself: a dated phrase on another event, "un an et demi après leur rencontre".
    region: Region | None = None

    @property
    def apart(self) -> bool:
        return self.region is not None

    @property
    def start(self) -> int:
        return self.triggers[0].start

    @property
    def end(self) -> int:
        return self.triggers[-1].end


def _group(
    sentence: Span, triggers: list[Trigger], parsed: ParsedText, referring: Any, apart: Any = None
) -> list[_Group]:
    """Triggers of one clause make one group; each word goes to the group whose clause governs it.

    `referring(trigger)` tells an anaphoric trigger ("cette visite"): its group takes no words, since
    what surrounds it tells of other things. `apart(trigger)` gives the region of a dated phrase on
    another event ("un an et demi après leur rencontre à Moscou"): its trigger makes a group that owns
    the region's words.
    """
    if not parsed:  # without a parse, one sentence tells one event, and each dated phrase on another
        regions_ = {t.start: apart(t) for t in triggers} if apart is not None else {}
        rest = [t for t in triggers if regions_.get(t.start) is None]
        own = [_Group([t], region=regions_[t.start]) for t in triggers if regions_.get(t.start) is not None]
        return own + ([_Group(rest)] if rest else [])
    groups: dict[int, _Group] = {}
    for trigger in triggers:
        region = apart(trigger) if apart is not None else None
        if region is not None:
            # "un an et demi après leur rencontre à Moscou": the noun heads an event of its own.
            alone = groups.setdefault(-1 - trigger.start, _Group([], parsed.at(trigger.start), region=region))
            alone.triggers.append(trigger)
            continue
        head = _clause_head(parsed, trigger)
        key = head.i if head is not None else -1 - trigger.start
        groups.setdefault(key, _Group([], head)).triggers.append(trigger)
    result = list(groups.values())
    owners = [n for n, g in enumerate(result) if not referring(g.triggers[0])] or list(range(len(result)))
    if len(result) > 1:
        heads = {g.head.i: n for n, g in enumerate(result) if g.head is not None and n in owners}
        first = bisect.bisect_left(parsed.starts, sentence.start)
        last = bisect.bisect_left(parsed.starts, sentence.end)
        for index in range(first, last):
            token, position = parsed.tokens[index], parsed.starts[index]
            owner = next(
                (n for n, g in enumerate(result) if g.region and g.region.start <= position < g.region.end),
                None,
            )
            owner = owner if owner is not None else _owner(token, heads)
            if owner is None:
                owner = min(owners, key=lambda n: _distance(position, result[n]))
            result[owner].tokens.append(token)
            result[owner].starts.add(position)
    return result


def _distance(position: int, group: _Group) -> int:
    """Characters from `position` to the nearest trigger of `group`."""
    return min(
        (t.start - position if position < t.start else max(0, position - t.end) for t in group.triggers),
        default=0,
    )


def _in_group(position: int, group: _Group, groups: list[_Group], parsed: ParsedText) -> bool:
    if len(groups) == 1:
        return True
    if parsed:
        index = bisect.bisect_right(parsed.starts, position) - 1
        return index >= 0 and parsed.starts[index] in group.starts
    own = next(
        (g for g in groups if g.region is not None and g.region.start <= position < g.region.end), None
    )
    if own is not None:
        return own is group
    return (
        min((g for g in groups if g.region is None), key=lambda g: _distance(position, g), default=None)
        is group
    )


def _ref(span: Span) -> Ref:
    return {"entity_id": span.attrs.get("entity_id"), "name": span.attrs.get("name") or ""}


def sentence_mentions(
    doc: Document,
    sentence: Span,
    rules: EventRules,
    parsed: ParsedText,
    *,
    entities: Sequence[Span],
    timexes: Sequence[Span],
    country_ref: Any,
    country_of: Any,
    pair: Any,
) -> list[Mention]:
    """The event mentions of one sentence.

    From the document come `country_ref(name)` (a country's reference), `country_of(ref)` (the country
    a place lies in, as a list of none or one reference), and `pair(offset)` (the two people last named
    before `offset`).
    """
    text = doc.text
    triggers = find_triggers(text, rules.lang, sentence.start, sentence.end)
    if not triggers:
        return []

    def _demonstrative(trigger: Trigger) -> bool:
        start = max(sentence.start, trigger.start - REFERENCE_WINDOW)
        return any(p.search(text, start, trigger.start) for p in rules.anaphor)

    def referring(trigger: Trigger) -> bool:
        start = max(sentence.start, trigger.start - REFERENCE_WINDOW)
        return any(p.search(text, start, trigger.start) for p in (*rules.anaphor, *rules.time_reference))

    clauses = regions(
        text, sentence, rules.clauses, [t for t in timexes if sentence.start <= t.start < sentence.end]
    )

    def apart(trigger: Trigger) -> Region | None:
        # A trigger in a phrase that tells of another event and dates it: that event, on its own.
        region = next((r for r in clauses if r.start <= trigger.start < r.end), None)
        if region is None or region.kind != "other_event":
            return None
        dated = any(region.start <= t.start < region.end for t in timexes if t.attrs.get("ago"))
        return region if dated else None

    groups = _group(sentence, triggers, parsed, referring, apart)
    mentions: list[Mention] = []
    for group in groups:
        if any(t.type == "statement" for t in group.triggers):
            # "a évoqué « plus de 100 000 morts »": a toll in the words quoted is what was said.
            group.triggers = [
                t for t in group.triggers if t.type != "casualties" or not _quoted(text, sentence, t)
            ]
        # "à l'issue d'entretiens à Moscou … l'entrée en vigueur d'un cessez-le-feu": one clause, a meeting
        # and an agreement. Speech verbs only report, and a visit is the meeting's own journey.
        families: dict[str, list[Trigger]] = {}
        for trigger in group.triggers:
            if referring(trigger) and len(group.triggers) > 1:
                continue  # "ont signé un mémorandum … parrains de ces pourparlers": told before
            if trigger.type not in ("statement", "visit") or len(group.triggers) == 1:
                families.setdefault(family(trigger.type), []).append(trigger)
        told = [t for t in group.triggers if not referring(t)] or group.triggers
        for kind in ABSORB_MEETINGS:
            if kind in families or any(t.type == kind for t in group.triggers):
                # "les deux équipes se rencontrent … de cette Coupe du Monde" is a match; "s'était
                # entretenu avec Donald Trump par téléphone" a phone call.
                absorbed = [replace(t, type=kind) for t in families.pop("meeting", [])]
                families[kind] = families.get(kind, []) + absorbed
                told = [replace(t, type=kind) if t.type == "meeting" else t for t in told]
                families = {k: v for k, v in families.items() if v}
        siblings: list[Mention] = []
        for told_together in families.values() if len(families) > 1 else [told]:
            rivals = (
                [t for f in families.values() if f is not told_together for t in f]
                if len(families) > 1
                else []
            )
            mention = _mention(
                doc,
                sentence,
                group,
                groups,
                rules,
                parsed,
                entities,
                timexes,
                types=told_together,
                rivals=rivals,
                clauses=clauses,
                country_ref=country_ref,
                country_of=country_of,
                pair=pair,
            )
            if mention is not None:
                siblings.append(mention)
        # "reached agreement …, Erdogan said after talks with Putin in Moscow": an agreement out of a
        # meeting of the same clause was reached where the meeting took place.
        venue = next((m.place for m in siblings if m.type == "meeting" and m.place), None)
        recalls = any(family(t.type) == "meeting" and _demonstrative(t) for t in group.triggers)
        for mention in siblings:
            if mention.type == "agreement" and venue is not None:
                # "a annoncé à l'issue d'entretiens à Moscou … un cessez-le-feu dans la province d'Idleb":
                # agreed in Moscow, for Idlib.
                mention.place = venue
            elif mention.type == "agreement" and mention.place is None:
                # "les chefs des délégations – parrains de ces pourparlers – ont signé un mémorandum":
                # signed at the talks the document tells (extract_events gives it their place).
                mention.recalls = recalls and venue is None
        mentions += siblings
    # A dated statement that reports another event of its sentence is that event's source, not news.
    others = [m for m in mentions if m.type != "statement" and not m.anaphoric]
    if others:
        mentions = [m for m in mentions if m.type != "statement" or not _reports(m, others, parsed)]
    return mentions


def _quoted(text: str, sentence: Span, trigger: Trigger) -> bool:
    """True when `trigger` stands between quotation marks of its sentence."""
    before = text[sentence.start : trigger.start]
    return before.count("«") > before.count("»") or before.count("“") > before.count("”")


def _reports(statement: Mention, others: list[Mention], parsed: ParsedText) -> bool:
    if not parsed:
        return True
    verb = _clause_head(parsed, statement.triggers[0])
    if verb is None:
        return True
    subtree = {t.i for t in verb.subtree}
    for other in others:
        token = parsed.at(other.start)
        if token is not None and token.doc is verb.doc and token.i in subtree:
            return True
    return False


def _mention(
    doc: Document,
    sentence: Span,
    group: _Group,
    groups: list[_Group],
    rules: EventRules,
    parsed: ParsedText,
    entities: Sequence[Span],
    timexes: Sequence[Span],
    *,
    types: list[Trigger],
    rivals: list[Trigger],
    clauses: Sequence[Region],
    country_ref: Any,
    country_of: Any,
    pair: Any,
) -> Mention | None:
    text = doc.text
    event_type = min((t.type for t in types), key=rules.rank)
    mention = Mention(types, event_type, sentence, apart=group.apart)
    first = types[0]
    before = max(sentence.start, first.start - REFERENCE_WINDOW)
    mention.anaphoric = any(p.search(text, before, first.start) for p in rules.anaphor)
    referred = any(p.search(text, before, first.start) for p in rules.time_reference)
    mention.novel = any(p.search(text, before, first.start) for p in rules.novelty)
    mention.definite = rules.before(rules.definite, text, first.start - 8, first.start)
    # "riposterait à toute attaque": no particular event; "a démenti toute rencontre" is one, denied.
    window = max(sentence.start, first.start - 20)
    generic = any(p.search(text, window, first.start) for p in rules.generic)
    if generic and rules.status_cue(text[max(sentence.start, first.start - 40) : first.start]) != "denied":
        return None
    own = _Group(types, group.head, group.tokens, group.starts)
    others = _Group(rivals or types)

    def inside(position: int) -> bool:
        return sentence.start <= position < sentence.end and _in_group(position, group, groups, parsed)

    # Where the mention stands among the sentence's clauses: the trigger of its type, and with a parse the
    # verb that governs it ("qu'il retrouverait Kim …, pour leur deuxième sommet").
    typed = next(t for t in types if t.type == event_type)  # "a affirmé … après leur rencontre": the meeting
    anchors = [(typed.start, typed.end)]
    if parsed and group.head is not None:
        head = parsed.start_of(group.head)
        anchors.append((head, head + len(group.head.text)))

    def nearest(position: int, end: int | None = None) -> bool:
        # A clause with a meeting and an agreement: the place and the date go to the nearer trigger;
        # never from a clause that tells of something else ("the war, which stopped in 1953").
        return (
            inside(position)
            and _distance(position, own) <= _distance(position, others)
            and same_region(text, position, end or position + 1, anchors, clauses)
        )

    sentence_entities = [e for e in entities if sentence.start <= e.start < sentence.end]
    local = [e for e in sentence_entities if inside(e.start)]
    # Place: a place name after a locative preposition, nearest to the trigger.
    consumed: set[tuple[int, int]] = set()
    if event_type not in PLACELESS_TYPES:
        mention.place = _place(
            text, sentence, own, event_type, rules, parsed, local, timexes, nearest, consumed
        )
    # A capital or a country of another clause acts in nothing here: "(22 h 53 à Paris)".
    local = [
        e for e in local if e.label not in PLACE_TYPES or same_region(text, e.start, e.end, anchors, clauses)
    ]
    mention.participants = _participants(
        text,
        sentence,
        group,
        groups,
        rules,
        parsed,
        local,
        sentence_entities,
        inside,
        country_ref,
        country_of,
        pair,
        mention,
        consumed,
    )
    if group.apart and not mention.participants and rules.before(rules.their, text, before, first.start):
        # "un an et demi après leur rencontre à Moscou, Poutine et Erdogan se sont retrouvés": theirs.
        mention.participants = [
            {**_ref(e), "type": PERSON}
            for e in sentence_entities
            if e.label == PERSON and not inside(e.start)
        ][:MAX_PARTICIPANTS]
    if event_type in ANAPHORA_TYPES:
        _resolve_anaphora(doc, sentence, types, rules, entities, mention)
    mention.persons = sum(1 for p in mention.participants if p.get("type") == PERSON)
    for p in mention.participants:
        p.pop("type", None)
    # Date: the nearest dated time expression of the clause.
    mention.timex = _timex(text, sentence, own, rules, timexes, nearest, doc.published)
    if mention.timex is not None:
        mention.date = _date_of(mention.timex, doc.published)
        if mention.date is None:
            mention.relative = relative_days(text, mention.timex, rules.lang)
    published = doc.published
    if mention.date is not None and published is not None and mention.date.end < published.start:
        # "Trump has agreed to meet Kim by May, Chung told reporters on Thursday": an event told as
        # planned lies ahead; a past date of its sentence is the report's.
        own_clause = _Group(types, group.head, group.tokens, group.starts)
        if _clause_cue(text, sentence, own_clause, rules) == "planned":
            mention.timex, mention.date = None, None
    if mention.date is None and all(t.rule.needs_timex for t in group.triggers if t.type == event_type):
        return None  # an undated "a déclaré que", "des centaines de milliers de morts": not news events
    mention.status = _status(text, sentence, own, rules, mention, doc)
    if mention.status == "hypothetical":
        return None
    if mention.type in PERSON_TYPES and not mention.persons and mention.definite:
        # "l'un des enjeux de la rencontre … entre forces turques et russes": the meeting told before.
        mention.participants, mention.place, mention.anaphoric = [], None, True
        return mention
    if mention.type == "visit" and mention.persons >= 2:
        mention.type = "meeting"  # a leader visiting another for talks is a meeting in the gold (#4)
    # "après leur rencontre à Moscou" names a meeting told elsewhere, unless its own words date it
    # ("un an et demi après leur rencontre").
    mention.anaphoric = mention.anaphoric or (referred and mention.date is None and mention.relative is None)
    if mention.anaphoric:
        # "Cette visite survient sur fond de…": the words around it tell of other things.
        mention.participants, mention.place, mention.persons = [], None, 0
        mention.timex, mention.date = None, None
        return mention
    if not mention.participants and mention.place is None:
        # "La rencontre a duré trois heures": the meeting told elsewhere, else no event.
        mention.anaphoric = mention.definite
        return mention if mention.definite else None
    return mention


def _resolve_anaphora(
    doc: Document,
    sentence: Span,
    types: list[Trigger],
    rules: EventRules,
    entities: Sequence[Span],
    mention: Mention,
) -> None:
    """ "Il doit y retrouver Donald Trump": the place of "y" and the person of "il" (events/anaphora.py)."""
    for trigger in types:
        if mention.place is None and mention.type not in PLACELESS_TYPES:
            mention.place = there_place(doc, sentence, trigger, rules, entities)
        person = subject_person(doc, sentence, trigger, rules, entities)
        known = {str(p.get("entity_id") or p.get("name")) for p in mention.participants}
        if person is not None and str(person.get("entity_id") or person.get("name")) not in known:
            mention.participants.insert(0, {**person, "type": PERSON})


def _place(
    text: str,
    sentence: Span,
    group: _Group,
    event_type: str,
    rules: EventRules,
    parsed: ParsedText,
    local: list[Span],
    timexes: Sequence[Span],
    inside: Any,
    consumed: set[tuple[int, int]],
) -> Ref | None:
    candidates: list[tuple[int, int, Ref]] = []
    trigger_tokens = (
        {_token_key(parsed.at(c)) for t in group.triggers for c in range(t.start, t.end)} if parsed else set()
    )
    for entity in local:
        # A venue, landmark or seat of power ("at Wembley Stadium", "au Kremlin") places the event in its
        # city.
        city = entity.attrs.get("city")
        if city is None and (
            entity.label not in PLACE_TYPES
            or (event_type in SITE_TYPES and entity.label == "country")
            or (event_type in SCOPE_TYPES and entity.label == "region")
        ):
            # The country a disaster strikes is its participant ("le séisme qui a frappé Haïti"); the
            # region a ceasefire covers is not where it was agreed ("a ceasefire in Idlib province").
            continue
        if not inside(entity.start, entity.end):
            continue
        if any(t.start <= entity.start < t.end for t in timexes):
            continue  # "in 1953", "in February": a time, however the entities stage labelled it
        if re.match(r"['’]s\b", text[entity.end : entity.end + 3]):
            continue  # "in Syria's northwestern Idlib province": Syria qualifies another place
        found = rules.locative(text, max(sentence.start, entity.start - 60), entity.start)
        if found is None and (event_type not in SITE_TYPES or entity.label == "place"):
            continue  # without a preposition only a known city or region ("l'échelle de Richter" is none)
        # A fire in "une usine à Amatrice" burns in Amatrice: a disaster's site is where what it hit is.
        checked = (
            found is not None and parsed and not rules.names_place(found) and event_type not in SITE_TYPES
        )
        if checked and not _hangs_on_event(parsed, found.start(), trigger_tokens, timexes, local, rules):  # type: ignore[union-attr]
            continue
        if city is not None:
            if entity.label not in ("other", "venue"):  # a burning cathedral stays what the fire struck
                consumed.add((entity.start, entity.end))
            candidates.append((_PLACE_RANK["city"], _distance(entity.start, group), dict(city)))
            continue
        consumed.add((entity.start, entity.end))
        candidates.append((_PLACE_RANK.get(entity.label, 9), _distance(entity.start, group), _ref(entity)))
    for phrase in rules.demonym_phrases:
        if phrase.role != "place":
            continue
        for match in phrase.pattern.finditer(text, sentence.start, sentence.end):
            country = rules.demonym(match.group("demonym"))
            if country and inside(match.start()):
                consumed.add(match.span("demonym"))
                name = f"{country[1]} {phrase.english}"
                said = _said(text, match.start(), match.end(), rules, article=True)
                ref = {"entity_id": _slug(name), "name": name, "names": said}
                candidates.append((0, _distance(match.start(), group), ref))
    if not candidates:
        return None
    # The most precise place, then the nearest: "in the Black Sea resort of Sochi" is in Sochi.
    return min(candidates, key=lambda c: (c[0], c[1]))[2]


def _token_key(token: Any) -> tuple[int, int]:
    """spaCy makes a new Token object at each access: compare tokens by (doc, index)."""
    return (id(token.doc), token.i) if token is not None else (0, -1)


def _hangs_on_event(
    parsed: ParsedText,
    preposition: int,
    trigger_tokens: set[tuple[int, int]],
    timexes: Sequence[Span],
    entities: Sequence[Span],
    rules: EventRules,
) -> bool:
    """False when the place phrase qualifies something else than the event.

    "la situation à Idlib": it follows a noun that is no trigger, place noun or time word. "des zones,
    comme les a appelées Vladimir Poutine, en Syrie": it follows an aside; after a comma it must follow
    a trigger, a date ("se rend, jeudi 28 septembre, en Turquie") or a place ("à Sotchi, en Russie").
    """
    token = parsed.at(preposition)
    if token is None or token.i == 0:
        return True
    previous = token.doc[token.i - 1]

    def in_timex(word: Any) -> bool:
        start = parsed.start_of(word)
        return any(t.start <= start < t.end for t in timexes)

    def in_place(word: Any) -> bool:
        start = parsed.start_of(word)
        return any(e.start <= start < e.end for e in entities if e.label in PLACE_TYPES)

    if previous.text == "," and token.i >= 2:
        before = token.doc[token.i - 2]
        return _token_key(before) in trigger_tokens or in_timex(before) or in_place(before)
    if previous.pos_ != "NOUN" or _token_key(previous) in trigger_tokens:
        return True
    if previous.lemma_.lower() in rules.place_nouns or previous.text.lower() in rules.place_nouns:
        return True
    return in_timex(previous)  # "reçu ce mercredi dans sa résidence"


def _participants(
    text: str,
    sentence: Span,
    group: _Group,
    groups: list[_Group],
    rules: EventRules,
    parsed: ParsedText,
    local: list[Span],
    sentence_entities: list[Span],
    inside: Any,
    country_ref: Any,
    country_of: Any,
    pair: Any,
    mention: Mention,
    consumed: set[tuple[int, int]],
) -> list[Ref]:
    pool = list(local)
    if mention.type == "statement" and parsed and group.head is not None:
        # The speaker is the subject of the speech verb.
        subject = {t.i for c in group.head.children if c.dep_.startswith("nsubj") for t in c.subtree}
        pool = [e for e in local if (tok := parsed.at(e.start)) is not None and tok.i in subject]
    elif parsed and group.head is not None and len(groups) > 1 and group.head.dep_ in ("advcl", "xcomp"):
        # "Après avoir rencontré Erdogan, Charles Michel a parlé…": the infinitive's subject is the main one.
        head = group.head
        infinitive = "Inf" in head.morph.get("VerbForm") or any(
            "Inf" in c.morph.get("VerbForm") for c in head.children if c.dep_.startswith("aux")
        )
        if infinitive:
            parent = head.head
            subject = {t.i for c in parent.children if c.dep_.startswith("nsubj") for t in c.subtree}
            pool += [
                e
                for e in sentence_entities
                if e not in pool
                and (tok := parsed.at(e.start)) is not None
                and tok.doc is parent.doc
                and tok.i in subject
            ]
    host = _host(text, group, local, rules) if mention.type in HOSTED_TYPES else None
    if host is not None:
        # "le sommet du G20", "the NATO summit": the organisation's; those around it only attend it.
        return [{**_ref(host), "type": host.label}]
    people: list[Ref] = []
    groups_: list[Ref] = []
    # Without a parse, the one who speaks ("Chung Eui-yong told reporters", "Putin said") reports the
    # event; with one, the speech verb's clause is its own.
    speech = [t.start for t in group.triggers if t.type == "statement"] if not parsed else []
    for entity in pool:
        if (entity.start, entity.end) in consumed:
            continue
        if mention.type != "statement" and any(
            0 <= start - entity.end <= SPEAKER_GAP and not text[entity.end : start].strip()
            for start in speech
        ):
            continue
        if entity.label == PERSON:
            people.append({**_ref(entity), "type": PERSON})
            continue
        if rules.before(rules.genitive, text, max(sentence.start, entity.start - 10), entity.start):
            continue
        topic = rules.before(rules.topic, text, max(sentence.start, entity.start - 10), entity.start)
        if topic and mention.type not in TARGET_TYPES:
            continue  # "des pourparlers sur la Syrie" are about it; "des frappes sur la Syrie" hit it
        name = str(entity.attrs.get("name") or "")
        if name in rules.metonyms:
            groups_.append({**country_ref(rules.metonyms[name]), "type": "country"})
        elif mention.type == "sport" and entity.label not in ("country", "group"):
            continue  # teams play; "Loujniki" is where
        elif entity.label in AGENT_TYPES or (
            entity.label in ("other", "venue") and mention.type in SITE_TYPES | {"economy"}
        ):
            groups_.append({**_ref(entity), "type": entity.label})  # "other": a cathedral on fire, a club
    for phrase in rules.demonym_phrases:
        if phrase.role != "participant":
            continue
        for match in phrase.pattern.finditer(text, sentence.start, sentence.end):
            found = rules.demonym(match.group("demonym"))
            if found and inside(match.start()):
                consumed.add(match.span("demonym"))
                name = f"{found[1]} {phrase.english}"
                said = _said(text, match.start(), match.end(), rules)
                groups_.append({"entity_id": _slug(name), "name": name, "names": said, "type": "group"})
    if mention.type in DEMONYM_TYPES:
        # "adopté samedi à Paris par 195 pays": a counted group of states acts as one participant.
        for figure in find_figures(text, rules.lang, start=sentence.start, end=sentence.end):
            if figure.kind == "countries" and figure.value.is_integer() and inside(figure.start):
                name = f"{int(figure.value)} countries"
                said = _said(text, figure.start, figure.end, rules)
                groups_.append({"entity_id": _slug(name), "name": name, "names": said, "type": "group"})
        for match in re.finditer(r"[\w-]+", text[sentence.start : sentence.end]):
            position = sentence.start + match.start()
            span = (position, sentence.start + match.end())
            if _distance(position, group) > DEMONYM_WINDOW:
                continue
            if span in consumed or not inside(position) or any(e.start <= position < e.end for e in local):
                continue
            found = rules.demonym(match.group())
            if found:
                groups_.append({**country_ref(found[0]), "type": "country"})
    if any(p.search(text, sentence.start, sentence.end) for p in rules.pair):
        people += [{**ref, "type": PERSON} for ref in pair(sentence.start)]
    if mention.type in SITE_TYPES:
        if not groups_ and mention.place is not None:
            groups_ = [{**ref, "type": "country"} for ref in country_of(mention.place)]
        chosen = groups_  # an earthquake has no people among its actors ("l'échelle de Richter")
    elif mention.type in GROUP_FIRST_TYPES:
        chosen = groups_ or people
    else:
        chosen = people or groups_
    return _unique(chosen)[:MAX_PARTICIPANTS]


def _host(text: str, group: _Group, local: Sequence[Span], rules: EventRules) -> Span | None:
    """The organisation a gathering belongs to: named right after its trigger in the genitive ("sommet du
    G20", "summit of the G20") or right before it ("the G20 summit")."""
    for trigger in group.triggers:
        if trigger.type not in HOSTED_TYPES:
            continue  # "the Kremlin said": a speaker, not a host
        for entity in local:
            if entity.label != "organisation":
                continue
            after = 0 <= entity.start - trigger.end <= GENITIVE_REACH and rules.before(
                rules.genitive, text, trigger.end, entity.start
            )
            before = 0 <= trigger.start - entity.end <= 1 and not text[entity.end : trigger.start].strip()
            if after or before:
                return entity
    return None


def _unique(refs: list[Ref]) -> list[Ref]:
    seen: set[str] = set()
    result = []
    for ref in refs:
        key = str(ref.get("entity_id") or ref.get("name"))
        if key and key not in seen:
            seen.add(key)
            result.append(ref)
    return result


def _said(text: str, start: int, end: int, rules: EventRules, *, article: bool = False) -> dict[str, str]:
    """How the document's language names a group or place it made up from `text[start:end]` ("frontière
    syrienne", "195 pays"; with its article for a place: "la frontière syrienne", `articles` in the
    language's `[[place]]` data). The English name is the canonical one."""
    if rules.lang == "en":
        return {}
    words = " ".join(text[start:end].split())
    words = words[:1].lower() + words[1:]
    before = re.search(r"([\w'’]+)\s*$", text[max(0, start - 4) : start])
    det = before.group(1).lower() if article and before is not None else ""
    if det in rules.articles:
        words = f"{det}{words}" if det.endswith(("'", "’")) else f"{det} {words}"
    return {rules.lang: words}


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")


def _timex(
    text: str,
    sentence: Span,
    group: _Group,
    rules: EventRules,
    timexes: Sequence[Span],
    inside: Any,
    published: FuzzyDate | None,
) -> Span | None:
    candidates = []
    for timex in timexes:
        if (timex.label not in ("DATE", "TIME") and not timex.attrs.get("ago")) or not inside(timex.start):
            continue
        if _date_of(timex, published) is None and not _placed_later(text, timex, rules.lang):
            continue
        before = text[max(sentence.start, timex.start - 12) : timex.start]
        if any(p.search(before) for p in rules.not_event_date):
            continue
        if year_in_name(text, timex):
            continue  # "Euro 2020": a year in a name
        candidates.append(timex)
    if not candidates:
        return None
    # A duration counted back wins ("Ce 12 janvier 2011, il y a un an qu'un séisme": the date is its
    # now); then the finest date of the clause, then the nearest ("la Coupe du monde 2018 … ce dimanche
    # 15 juillet"); an expression that only says how far from the document date comes after any date.
    return min(
        candidates,
        key=lambda t: (not t.attrs.get("ago"), _rank(t, published), _distance(t.start, group)),
    )


# One week of reference days: a relative expression is read from each weekday of publication, so that
# "ce mercredi" spans every day it may name.
_REFERENCE_DAYS = tuple(dt.date(2001, 1, 1) + dt.timedelta(days=k) for k in range(7))


def _placed_later(text: str, timex: Span, lang: str) -> bool:
    """An expression that dates nothing yet but will once the document is dated: "ce mercredi", "il y a
    un an et demi" (`relative_days`), or a day without its year ("ce 12 mars") in an undated article."""
    parts = timex.attrs.get("parts") or {}
    return bool(parts.get("day") and parts.get("month")) or relative_days(text, timex, lang) is not None


def _counts_from_publication(timex: Span) -> bool:
    """An expression counted from the document date alone: "il y a un an et demi", "dans deux
    semaines", "la semaine dernière", "hier", "ce mercredi" (not "le 28 septembre", "la veille")."""
    if timex.attrs.get("ago"):
        return True
    recipe = timex.attrs.get("recipe") or {}
    kind = recipe.get("kind")
    if kind in ("offset", "relunit"):
        return True
    if kind != "calendar":
        return False
    parts = {k for k, v in (timex.attrs.get("parts") or {}).items() if v is not None}
    return isinstance(recipe.get("relday"), int) or (
        "weekday" in parts and parts <= {"weekday", "hour", "minute"}
    )


def relative_days(text: str, timex: Span, lang: str) -> tuple[int, int] | None:
    """Days from the document date to the first and last day `timex` may name, whatever that date is:
    (-565, -535) for "il y a un an et demi", (0, 6) for "ce mercredi" announced, (-1, -1) for "hier".
    None for an expression that needs a calendar ("le 28 septembre") or the narrative ("la veille")."""
    if not _counts_from_publication(timex):
        return None
    from chronique.timex import resolve  # the tagger resolves its own recipes

    lo: int | None = None
    hi: int | None = None
    for day in _REFERENCE_DAYS:
        if timex.attrs.get("ago"):
            counted = _ago(str(timex.attrs.get("value") or ""), FuzzyDate.from_date(day))
            value = counted.value if counted is not None else ""
        else:
            resolved = resolve(text, [timex], lang=lang, dct=day)
            value = str(resolved[0].attrs.get("value", "")).split("T", 1)[0] if resolved else ""
        try:
            first, last = FuzzyDate.parse(value).interval()
        except ValueError:
            return None
        lo = min((first - day).days, lo if lo is not None else (first - day).days)
        hi = max((last - day).days, hi if hi is not None else (last - day).days)
    return (lo, hi) if lo is not None and hi is not None else None


_YEAR = re.compile(r"\d{4}")
_DURATION = re.compile(r"P(\d+(?:\.\d+)?)([YMWD])")


def _ago(duration: str, published: FuzzyDate | None) -> FuzzyDate | None:
    """ "il y a un an" before a document of 2011-01-12: 2010, a year-level date (never a made-up day).

    Years give a year, months (and a year and a half) a month, weeks and days a day; only against a
    document date at least as fine.
    """
    found = _DURATION.fullmatch(duration)
    if found is None or published is None:
        return None
    amount, unit = float(found.group(1)), found.group(2)
    anchor = published.start
    evidence = f"{duration} before the document date"
    if unit == "Y" and amount.is_integer():
        return FuzzyDate.parse(f"{anchor.year - int(amount):04d}", provenance="timex", evidence=evidence)
    if unit in "YM" and published.granularity.rank <= Granularity.MONTH.rank:
        months = round(amount * 12) if unit == "Y" else int(amount)
        total = anchor.year * 12 + anchor.month - 1 - months
        return FuzzyDate.parse(
            f"{total // 12:04d}-{total % 12 + 1:02d}", provenance="timex", evidence=evidence
        )
    if unit in "WD" and published.granularity is Granularity.DAY and amount.is_integer():
        days = int(amount) * (7 if unit == "W" else 1)
        return FuzzyDate.from_date(anchor - dt.timedelta(days=days), provenance="timex", evidence=evidence)
    return None


_NAME_BEFORE = re.compile(r"\b[A-Z][\w-]*\s+$")


def year_in_name(text: str, timex: Span) -> bool:
    """A bare year right after a capitalised word within a sentence names something: "Euro 2020",
    "Paris 2024". "En 2015, …" opens its sentence with a date."""
    if not _YEAR.fullmatch(str(timex.attrs.get("value"))):
        return False
    found = _NAME_BEFORE.search(text, max(0, timex.start - 30), timex.start)
    if found is None:
        return False
    before = text[: found.start()].rstrip()
    if "\n" in text[len(before) : found.start()]:
        return False  # the word opens a line: "En 2015, …" under a headline
    return bool(before) and before[-1] not in '.!?:«"“—'


def _rank(timex: Span, published: FuzzyDate | None) -> int:
    date = _date_of(timex, published)
    return date.granularity.rank if date is not None else 99


_YEARLESS = re.compile(r"XXXX-(\d{2})-(\d{2})")


def _date_of(timex: Span, published: FuzzyDate | None = None) -> FuzzyDate | None:
    """The calendar date of a time expression; a yearless day takes the year that puts it nearest the
    document date (and falls on the weekday written, when one is), never a guess without that date."""
    value = str(timex.attrs.get("value") or "").split("T", 1)[0]
    evidence = str(timex.attrs.get("rule", ""))
    if timex.attrs.get("ago"):
        return _ago(value, published)
    yearless = _YEARLESS.fullmatch(value)
    if yearless and published is not None:
        lo, hi = published.interval()
        weekday = (timex.attrs.get("parts") or {}).get("weekday")
        options = []
        for year in (lo.year - 1, lo.year, lo.year + 1):
            try:
                day = dt.date(year, int(yearless.group(1)), int(yearless.group(2)))
            except ValueError:
                continue
            if weekday and day.isoweekday() != weekday:
                continue
            options.append((0 if lo <= day <= hi else min(abs((day - lo).days), abs((day - hi).days)), day))
        if not options:
            return None
        value, evidence = min(options)[1].isoformat(), "year from the document date"
    try:
        return FuzzyDate.parse(value, provenance="timex", evidence=evidence)
    except ValueError:
        return None


def _clause_cue(text: str, sentence: Span, group: _Group, rules: EventRules) -> str | None:
    """`planned` or `denied` when the clause of `group` holds a cue for it."""
    if group.tokens:  # the words of its clause, when the parse split the sentence into several
        clause = " ".join(t.text for t in sorted(group.tokens, key=lambda t: t.i))
    else:
        # Otherwise cues are looked for next to the trigger: "are expected to meet", not the "will" of
        # another clause of the sentence.
        clause = text[max(sentence.start, group.start - STATUS_WINDOW) : min(sentence.end, group.end + 10)]
    return rules.status_cue(clause)


def _status(
    text: str, sentence: Span, group: _Group, rules: EventRules, mention: Mention, doc: Document
) -> str:
    cue = _clause_cue(text, sentence, group, rules)
    if cue == "denied":
        return "denied"
    published = doc.published
    if mention.date is not None and published is not None:
        if mention.date.start > published.end:
            return "planned"
        if mention.date.end < published.start:
            return "happened"
    if mention.relative is not None and (mention.relative[0] > 0 or mention.relative[1] < 0):
        return "planned" if mention.relative[0] > 0 else "happened"
    if cue == "planned":
        return "planned"
    head = group.head
    # A copula carries the tense of a nominal predicate: "la question sera au centre d'une rencontre".
    verbs = (
        [head, *(c for c in head.children if c.dep_.startswith("aux") or c.dep_ == "cop")]
        if head is not None
        else []
    )
    if any("Cnd" in v.morph.get("Mood") for v in verbs) and mention.date is None:
        return "hypothetical"  # "une offensive précipiterait…": no event (dropped by the caller)
    if any("Fut" in v.morph.get("Tense") or "Cnd" in v.morph.get("Mood") for v in verbs):
        return "planned"
    return "happened"

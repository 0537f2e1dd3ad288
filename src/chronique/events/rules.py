"""The event rules of one language, compiled from `lang/<iso>/events.toml`, and the `events` checker."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chronique.lang import load_rules, register_checker

__all__ = ["EVENT_TYPES", "EventRules", "Trigger", "TriggerRule", "event_rules", "find_triggers"]

# DESIGN's event types; `precedence` in the data orders them when triggers share a clause.
EVENT_TYPES = (
    "meeting", "visit", "phone_call", "summit", "agreement", "statement", "attack", "casualties",
    "election", "disaster", "trial", "sport", "economy", "other",
)  # fmt: skip


# Characters before a trigger where its rule's `not_after` words are looked for: the subject of the
# verb ("The second summit between U.S. President Donald Trump and North Korean leader Kim Jong Un
# collapsed" is 100).
NOT_AFTER_WINDOW = 150


@dataclass(frozen=True, slots=True)
class TriggerRule:
    type: str
    concept: str
    pattern: re.Pattern[str]
    needs_timex: bool
    not_after: re.Pattern[str] | None = None  # the words before it that make it no trigger


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger match in the text: `[start, end)` and the event type it signals."""

    start: int
    end: int
    type: str
    rule: TriggerRule


@dataclass(frozen=True, slots=True)
class DemonymPhrase:
    role: str  # "place" or "participant"
    pattern: re.Pattern[str]
    english: str


@dataclass(frozen=True, slots=True)
class EventRules:
    lang: str
    triggers: tuple[TriggerRule, ...]
    precedence: tuple[str, ...]
    status: tuple[tuple[str, re.Pattern[str]], ...]
    pair: tuple[re.Pattern[str], ...]
    their: tuple[re.Pattern[str], ...]  # "leur |rencontre": the event of people named elsewhere
    anaphor: tuple[re.Pattern[str], ...]
    time_reference: tuple[re.Pattern[str], ...]
    ago_before: tuple[re.Pattern[str], ...]
    ago_after: tuple[re.Pattern[str], ...]
    definite: tuple[re.Pattern[str], ...]
    genitive: tuple[re.Pattern[str], ...]
    topic: tuple[re.Pattern[str], ...]  # "sur la |Syrie": what talks are about
    novelty: tuple[re.Pattern[str], ...]
    generic: tuple[re.Pattern[str], ...]
    place: tuple[re.Pattern[str], ...]
    place_nouns: frozenset[str]
    determiners: frozenset[str]
    articles: frozenset[str]  # definite articles a common-noun place keeps ("la frontière syrienne")
    not_event_date: tuple[re.Pattern[str], ...]
    clauses: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, opener) of events/clauses.py
    there: tuple[tuple[bool, re.Pattern[str]], ...]  # (after the trigger?, "y" / "there" cue)
    pronoun: tuple[re.Pattern[str], ...]  # a subject pronoun before a trigger ("il doit y retrouver")
    demonym_phrases: tuple[DemonymPhrase, ...]
    demonyms: tuple[tuple[re.Pattern[str], str, str], ...]  # (pattern, country, adjective)
    metonyms: dict[str, str]  # canonical name → country
    demonyms_capitalised: bool  # English writes "Turkish", so "us" is no demonym

    def rank(self, event_type: str) -> int:
        """Precedence of a type when several triggers share a clause (lower wins)."""
        try:
            return self.precedence.index(event_type)
        except ValueError:
            return len(self.precedence)

    def ago(self, text: str, start: int, end: int) -> bool:
        """True when the duration `text[start:end]` counts back ("il y a deux ans", "two years ago")."""
        return any(p.search(text, max(0, start - 30), start) for p in self.ago_before) or any(
            p.match(text, end, min(len(text), end + 10)) for p in self.ago_after
        )

    def before(self, patterns: tuple[re.Pattern[str], ...], text: str, start: int, end: int) -> bool:
        """True when one of `patterns` (anchored at their end) matches `text[start:end]`."""
        return any(p.search(text, max(0, start), end) for p in patterns)

    def status_cue(self, text: str) -> str | None:
        """`planned` or `denied` when `text` holds a cue for it (denial wins)."""
        found = {status for status, pattern in self.status if pattern.search(text)}
        for status in ("denied", "planned"):
            if status in found:
                return status
        return None

    def locative(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """The place preposition ending right at `end` ("à ", "dans sa résidence de "), if any.

        Words between it and the name must be determiners or include a place noun.
        """
        # From the preposition nearest to the name leftwards: in "à l'issue d'entretiens à Moscou" the
        # place phrase is "à Moscou", not "à l'issue d'entretiens à".
        for word in reversed(list(re.finditer(r"\b\w", text[start:end]))):
            for pattern in self.place:
                match = pattern.match(text, start + word.start(), end)
                if match is None:
                    continue
                words = self._between(match)
                topic = "noun" in match.re.groupindex and match.group("noun") is not None  # "sur la Syrie"
                if (not words and not topic) or any(w.strip("'’") in self.place_nouns for w in words):
                    return match
        return None

    def _between(self, match: re.Match[str]) -> list[str]:
        between = " ".join(g for g in match.groups() if g)
        return [w for w in re.findall(r"[\w-]+['’]?", between.lower()) if w not in self.determiners]

    def names_place(self, match: re.Match[str]) -> bool:
        """True when a `locative` match holds a place noun ("à la cathédrale …", "in the resort of")."""
        return any(w.strip("'’") in self.place_nouns for w in self._between(match))

    def demonym(self, word: str) -> tuple[str, str] | None:
        """(country, English adjective) for a demonym such as `turque`: this file's, else the gazetteer's."""
        for pattern, country, adjective in self.demonyms:
            if pattern.fullmatch(word):
                return country, adjective
        if self.demonyms_capitalised and not word[:1].isupper():
            return None  # "us", "turkish delight": English demonyms are capitalised
        return _gazetteer_demonym(word, self.lang)


@functools.cache
def _gazetteer_demonym(word: str, lang: str) -> tuple[str, str] | None:
    try:
        from chronique.entities import registry
    except ImportError:  # the entities stage is optional for this module
        return None
    found = registry().demonym(word, lang)
    if found is None or not found.country:
        return None
    english = sorted(
        (f for f, code in registry().demonym_forms("en").items() if code == found.country), key=len
    )
    adjective = next((f for f in english if " " not in f and len(f) > 3), found.name)
    return found.name, adjective.title()


def _compile(pattern: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE if ignore_case else 0)


@functools.cache
def event_rules(lang: str | None) -> EventRules:
    """The compiled rules of `lang` (empty rules for a language without an events.toml)."""
    data = load_rules(lang or "", "events")
    case_sensitive = bool(data.get("demonyms_capitalised"))
    return EventRules(
        lang=lang or "",
        triggers=tuple(
            TriggerRule(
                rule["type"],
                rule.get("concept", ""),
                _compile(rule["pattern"]),
                bool(rule.get("needs_timex")),
                _compile(rule["not_after"]) if rule.get("not_after") else None,
            )
            for rule in data.get("trigger", [])
        ),
        precedence=tuple(data.get("precedence", EVENT_TYPES)),
        status=tuple((rule["status"], _compile(rule["pattern"])) for rule in data.get("status", [])),
        pair=tuple(_compile(rule["pattern"]) for rule in data.get("pair", [])),
        their=tuple(_compile(rule["pattern"]) for rule in data.get("their", [])),
        anaphor=tuple(_compile(rule["pattern"]) for rule in data.get("anaphor", [])),
        time_reference=tuple(_compile(rule["pattern"]) for rule in data.get("time_reference", [])),
        ago_before=tuple(
            _compile(rule["pattern"]) for rule in data.get("ago", []) if rule.get("side") == "before"
        ),
        ago_after=tuple(
            _compile(rule["pattern"]) for rule in data.get("ago", []) if rule.get("side") == "after"
        ),
        definite=tuple(_compile(rule["pattern"]) for rule in data.get("definite", [])),
        genitive=tuple(_compile(rule["pattern"]) for rule in data.get("genitive", [])),
        topic=tuple(_compile(rule["pattern"]) for rule in data.get("topic", [])),
        novelty=tuple(_compile(rule["pattern"]) for rule in data.get("novelty", [])),
        generic=tuple(_compile(rule["pattern"]) for rule in data.get("generic", [])),
        place=tuple(_compile(rule["pattern"]) for rule in data.get("place", [])),
        place_nouns=frozenset(noun for rule in data.get("place", []) for noun in rule.get("nouns", [])),
        determiners=frozenset(word for rule in data.get("place", []) for word in rule.get("determiners", [])),
        articles=frozenset(word for rule in data.get("place", []) for word in rule.get("articles", [])),
        not_event_date=tuple(_compile(rule["pattern"]) for rule in data.get("not_event_date", [])),
        clauses=tuple((rule["kind"], _compile(rule["pattern"])) for rule in data.get("clause", [])),
        there=tuple((bool(rule.get("follows")), _compile(rule["pattern"])) for rule in data.get("there", [])),
        pronoun=tuple(_compile(rule["pattern"]) for rule in data.get("pronoun", [])),
        demonym_phrases=tuple(
            DemonymPhrase(
                rule["role"], _compile(rule["pattern"], ignore_case=not case_sensitive), rule["english"]
            )
            for rule in data.get("demonym_phrase", [])
        ),
        demonyms=tuple(
            (_compile(rule["pattern"], ignore_case=not case_sensitive), rule["country"], rule["adjective"])
            for rule in data.get("demonym", [])
        ),
        metonyms={
            name: country for rule in data.get("metonym", []) for name, country in rule["countries"].items()
        },
        demonyms_capitalised=case_sensitive,
    )


def find_triggers(text: str, lang: str | None, start: int = 0, end: int | None = None) -> list[Trigger]:
    """Non-overlapping trigger matches in `text[start:end]`, longest first where they overlap."""
    rules = event_rules(lang)
    end = len(text) if end is None else end
    found: list[Trigger] = []
    for rule in rules.triggers:
        for match in rule.pattern.finditer(text, start, end):
            before = max(start, match.start() - NOT_AFTER_WINDOW)
            if rule.not_after is not None and rule.not_after.search(text, before, match.start()):
                continue
            found.append(Trigger(match.start(), match.end(), rule.type, rule))
    found.sort(key=lambda t: (t.start, -(t.end - t.start), rules.rank(t.type)))
    kept: list[Trigger] = []
    for trigger in found:
        if kept and trigger.start < kept[-1].end:
            if trigger.end - trigger.start > kept[-1].end - kept[-1].start:
                kept[-1] = trigger
            continue
        kept.append(trigger)
    return kept


@register_checker("events")
def check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """Each kind of rule in events.toml states what its examples must show."""
    rules = event_rules(lang)
    if "type" in rule and isinstance(example, dict):  # {"no": …}: a text where the rule finds nothing
        found = [t for t in find_triggers(example["no"], lang) if t.rule.concept == rule.get("concept")]
        assert not found, f"{lang} trigger {rule.get('concept')!r}: found in {example['no']!r}"
    elif "type" in rule:  # a trigger
        types = [t.type for t in find_triggers(example, lang) if t.rule.concept == rule.get("concept")]
        assert types, (
            f"{lang} trigger {rule.get('concept')!r}: no {rule['type']} trigger found in {example!r}"
        )
    elif "status" in rule:
        assert rules.status_cue(example) == rule["status"], f"{lang}: {example!r} should be {rule['status']}"
    elif "countries" in rule:
        assert rules.metonyms.get(example["name"]) == example["country"], f"{lang}: metonym {example!r}"
    elif "country" in rule:
        words = re.findall(r"[\w-]+", example)
        assert any(rules.demonym(w) == (rule["country"], rule["adjective"]) for w in words), (
            f"{lang}: no demonym of {rule['country']} in {example!r}"
        )
    elif "kind" in rule:  # a clause: the example marks the region with [brackets]
        from chronique.events.clauses import regions
        from chronique.model import Span

        text = example.replace("[", "").replace("]", "")
        start = example.index("[")
        wanted = text[start : example.index("]") - 1]
        found = [
            text[r.start : r.end] for r in regions(text, Span(0, len(text), "sentence"), rules.clauses, [])
        ]
        assert wanted in found, f"{lang} clause {rule['concept']}: {wanted!r} not in {found}"
    elif rule.get("follows"):  # a cue after the trigger, written "the trigger|what follows it"
        after = example.split("|", 1)[1]
        assert _compile(rule["pattern"]).match(after), f"{lang} {rule.get('concept')}: {example!r}"
    elif "side" in rule:  # written "il y a |un an" (cue before the duration) or "two weeks| ago"
        left, _, right = example.partition("|")
        start, end = (len(left), len(example) - 1) if rule["side"] == "before" else (0, len(left))
        assert rules.ago(left + right, start, end), f"{lang}: {example!r} should count back"
    elif "role" in rule:
        match = _compile(rule["pattern"], ignore_case=not rules.demonyms_capitalised).search(example)
        assert match and rules.demonym(match.group("demonym")), (
            f"{lang}: {rule['concept']} not in {example!r}"
        )
    else:  # pair, their, anaphor, time_reference, definite, genitive, novelty, generic, place,
        # not_event_date: anchored patterns; their examples read "what comes before|the word"
        before = example.split("|")[0] if "|" in example else example
        assert _compile(rule["pattern"]).search(before), f"{lang} {rule.get('concept')}: {example!r}"

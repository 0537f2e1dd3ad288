"""Questions answered from the structured timeline, with the evidence (#6).

`ask(store, "Quand Poutine et Erdogan se sont-ils rencontrés à Sotchi ?")` understands what is asked
(when, where, who, how many times, what), the kind of event, the year, the place and the people, with
the patterns of `lang/<iso>/questions.toml`; finds the people and the place among the entities of the
stored documents (any alias: "Poutine", "Putin"); keeps the timeline entries that fit; and answers with
every entry's sources. When nothing fits, the answer says so ("Pas de réponse dans ces documents") and
what it understood, rather than guessing.

A follow-up question without names ("Combien de fois se sont-ils rencontrés en 2017 ?") takes the people
of the previous question, passed as `context`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chronique.errors import QueryError, StoreError
from chronique.lang import available_languages, load_rules, register_checker
from chronique.model import FuzzyDate
from chronique.search import EntityIndex, entity_index, fold
from chronique.server.render import display_name, format_date, strings
from chronique.store import Store

__all__ = ["Answer", "Question", "ask", "parse_question"]

MAX_QUESTION_CHARS = 300
# Entity names are looked for as runs of up to this many words of the question ("Recep Tayyip Erdogan").
MAX_NAME_WORDS = 4
# Aliases shorter than this are not looked for in questions: "il", "Le", "M." would match everywhere.
MIN_NAME_CHARS = 3
# Entity types that a place constraint may name (docs/architecture.md, entities layer labels).
PLACE_TYPES = frozenset({"city", "country", "region"})
# Entries with these statuses did not happen; a question about what happened leaves them out.
NOT_HAPPENED = frozenset({"planned", "denied"})
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class _Rules:
    kinds: list[tuple[str, list[re.Pattern[str]]]]
    events: list[tuple[str, tuple[str, ...], list[re.Pattern[str]]]]
    years: list[re.Pattern[str]]
    places: list[re.Pattern[str]]
    pronouns: list[re.Pattern[str]]
    answers: Mapping[str, str]


@functools.cache
def _rules(lang: str) -> _Rules:
    data = load_rules(lang, "questions")

    def compiled(rule: Mapping[str, Any], flags: int = re.IGNORECASE) -> list[re.Pattern[str]]:
        return [re.compile(p, flags) for p in rule.get("patterns", [])]

    return _Rules(
        kinds=[(r["concept"], compiled(r)) for r in data.get("kind", [])],
        events=[
            (r["concept"], tuple(r.get("types", [r["concept"]])), compiled(r)) for r in data.get("event", [])
        ],
        years=[p for r in data.get("year", []) for p in compiled(r)],
        places=[p for r in data.get("place", []) for p in compiled(r, 0)],  # a place is capitalised
        pronouns=[p for r in data.get("pronoun", []) for p in compiled(r)],
        answers=data.get("answers", {}),
    )


def _languages() -> list[str]:
    return [lang for lang in available_languages() if load_rules(lang, "questions")]


@dataclass(frozen=True, slots=True)
class Question:
    """What was understood of a question."""

    text: str
    lang: str
    kind: str
    event: str | None = None
    types: tuple[str, ...] = ()
    year: int | None = None
    place: str | None = None
    pronoun: bool = False
    # Each name found in the question with the ids of the entities it may stand for.
    people: tuple[tuple[str, tuple[str, ...]], ...] = ()
    place_ids: tuple[str, ...] = ()
    # Capitalised words that name no known entity ("Macron", "Notre-Dame"): an entry must mention them.
    keywords: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "event": self.event,
            "types": list(self.types),
            "year": self.year,
            "place": self.place,
            "place_ids": list(self.place_ids),
            "people": [{"name": name, "ids": list(ids)} for name, ids in self.people],
            "pronoun": self.pronoun,
            "keywords": list(self.keywords),
            "lang": self.lang,
        }


def _score(text: str, rules: _Rules) -> int:
    groups = [p for _, ps in rules.kinds for p in ps] + [p for _, _, ps in rules.events for p in ps]
    return sum(1 for p in groups if p.search(text))


def _detect_lang(text: str) -> str:
    languages = _languages()
    if not languages:
        raise QueryError("no question patterns are installed (lang/<iso>/questions.toml)")
    # Most pattern hits wins; French first on a tie (the project's first language).
    ranked = sorted(languages, key=lambda lang: (-_score(text, _rules(lang)), lang != "fr", lang))
    return ranked[0]


def _find_names(text: str, index: EntityIndex | None) -> list[tuple[str, tuple[str, ...], int]]:
    """(surface, entity ids, start offset) of each entity name in `text`, longest names first."""
    if index is None:
        return []
    words = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    keys = [" ".join(_WORD.findall(fold(w).replace("’", "'"))) for w, _ in words]
    names = index.names()
    found = []
    used: set[int] = set()
    for size in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            span = range(i, i + size)
            if used.intersection(span):
                continue
            key = " ".join(keys[i : i + size])
            if len(key) < MIN_NAME_CHARS or key not in names:
                continue
            first, last = words[i], words[i + size - 1]
            if not any(w[0][:1].isupper() for w in words[i : i + size]):
                continue  # names are capitalised; "sommet" or "accord" are not entity mentions here
            found.append((text[first[1] : last[1] + len(last[0])], tuple(sorted(names[key])), first[1]))
            used.update(span)
    # A capitalised word that is one word of a longer name ("Poutine" of "Vladimir Poutine").
    for i, (word, start) in enumerate(words):
        if i not in used and word[:1].isupper() and len(keys[i]) >= MIN_NAME_CHARS:
            ids = index.lookup(word)
            if ids:
                found.append((word, tuple(ids), start))
    return sorted(found, key=lambda f: f[2])


def parse_question(text: str, lang: str | None = None, *, index: EntityIndex | None = None) -> Question:
    """Understand a question: its kind, event type, year, place and the people it names."""
    text = " ".join(text.split())
    if not text:
        raise QueryError(
            "the question is empty: ask e.g. « Quand Poutine et Erdogan se sont-ils rencontrés ? »"
        )
    if len(text) > MAX_QUESTION_CHARS:
        raise QueryError(f"the question has {len(text)} characters: keep it under {MAX_QUESTION_CHARS}")
    lang = lang or _detect_lang(text)
    if lang not in _languages():
        raise QueryError(f"no question patterns for language {lang!r}: use one of {', '.join(_languages())}")
    rules = _rules(lang)
    kind = next((k for k, ps in rules.kinds if any(p.search(text) for p in ps)), "what")
    event, types = next(((c, t) for c, t, ps in rules.events if any(p.search(text) for p in ps)), (None, ()))
    year = next((int(m.group("year")) for p in rules.years if (m := p.search(text))), None)
    place_match = next((m for p in rules.places if (m := p.search(text))), None)
    place = place_match.group("place") if place_match else None
    pronoun = any(p.search(text) for p in rules.pronouns)

    people: list[tuple[str, tuple[str, ...]]] = []
    place_ids: tuple[str, ...] = ()
    covered: list[tuple[int, int]] = [place_match.span("place")] if place_match else []
    for surface, ids, start in _find_names(text, index):
        covered.append((start, start + len(surface)))
        in_place = place_match is not None and place_match.start("place") <= start < place_match.end("place")
        if in_place and index is not None and not any(index.entities[i].type in PLACE_TYPES for i in ids):
            in_place = False  # "talk to Putin": a person after a place preposition
            if place is not None and fold(place) == fold(surface):
                place = None
        if in_place:
            place_ids = tuple(sorted(set(place_ids) | set(ids)))
        else:
            people.append((surface, ids))
    if place and not place_ids and index is not None:
        place_ids = tuple(index.lookup(place))
    keywords = tuple(
        m.group()
        for m in list(_WORD.finditer(text))[1:]  # the first word is capitalised anyway
        if m.group()[:1].isupper() and not any(lo <= m.start() < hi for lo, hi in covered)
    )
    return Question(text, lang, kind, event, types, year, place, pronoun, tuple(people), place_ids, keywords)


@register_checker("questions")
def _check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    question = parse_question(example["question"], lang)
    got = question.to_dict()
    for key in ("kind", "event", "year", "place", "pronoun"):
        if key in example and got[key] != example[key]:
            raise AssertionError(
                f"[{lang}] {example['question']!r}: {key} is {got[key]!r}, expected {example[key]!r}"
            )


# -- answering ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Answer:
    """The answer to one question: a sentence, and the timeline entries that show it."""

    question: Question
    answered: bool
    text: str
    count: int = 0
    evidence: list[dict[str, Any]] = field(default_factory=list)
    # The question whose people a follow-up question ("se sont-ils …") refers to.
    question_context: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question.text,
            "lang": self.question.lang,
            "answered": self.answered,
            "answer": self.text,
            "count": self.count,
            "understood": self.question.to_dict(),
            "evidence": self.evidence,
            "context": self.question_context,
        }


def _names_match(name: str, wanted: str) -> bool:
    a, b = set(fold(name).split()), set(fold(wanted).split())
    return bool(a and b) and (a <= b or b <= a)


def _has_entity(items: Sequence[Mapping[str, Any]], surface: str, ids: Sequence[str]) -> bool:
    return any(item.get("id") in ids or _names_match(str(item.get("name") or ""), surface) for item in items)


def _in_year(entry: Mapping[str, Any], year: int) -> bool:
    try:
        date = FuzzyDate.parse(str(entry.get("date") or ""))
    except ValueError:
        return False
    return date.start.year == year and date.end.year == year


def _fits(
    entry: Mapping[str, Any], question: Question, people: Sequence[tuple[str, tuple[str, ...]]]
) -> bool:
    if entry.get("status") in NOT_HAPPENED:
        return False
    if question.types and entry.get("type") not in question.types:
        return False
    if question.year is not None and not _in_year(entry, question.year):
        return False
    participants = list(entry.get("participants") or [])
    place = entry.get("place")
    place_items = [place] if isinstance(place, Mapping) else ([{"name": place}] if place else [])
    for surface, ids in people:
        # A country named as a participant ("la Turquie") may be the place of the entry instead.
        if not _has_entity(participants, surface, ids) and not _has_entity(place_items, surface, ids):
            return False
    if question.place and not _has_entity(place_items, question.place, question.place_ids):
        return False
    if question.keywords:
        words = " ".join(
            [str(entry.get("title") or ""), str(entry.get("summary") or "")]
            + [str(s.get("sentence") or "") for s in entry.get("sources") or []]
        )
        folded = fold(words)
        return all(fold(k) in folded for k in question.keywords)
    return True


def _timeline(store: Store, lang: str) -> list[dict[str, Any]]:
    try:
        module = importlib.import_module("chronique.timeline")
    except ImportError as exc:
        raise StoreError(f"questions need the timeline, which is not available here ({exc})") from exc
    return [entry.to_dict() for entry in module.timeline(store, lang=lang)]


def _join(items: Sequence[str], and_: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + and_ + items[-1]


def ask(store: Store, question: str, *, context: str | None = None, lang: str | None = None) -> Answer:
    """Answer `question` from the timeline of `store`; `context` is the previous question, if any."""
    index = entity_index(store)
    parsed = parse_question(question, lang, index=index)
    people = list(parsed.people)
    used_context = question if people else ""
    if not people and context:
        previous = parse_question(context, parsed.lang, index=index)
        people = list(previous.people)
        used_context = context if people else ""
        if people:
            # "Combien de fois en 2017 ?" after "Quand se sont-ils rencontrés ?": same people, same event.
            inherited: dict[str, Any] = (
                {"types": previous.types, "event": previous.event} if not parsed.types else {}
            )
            parsed = dataclasses.replace(parsed, people=tuple(people), **inherited)
    entries = [e for e in _timeline(store, parsed.lang) if _fits(e, parsed, people)]
    return _compose(parsed, entries, used_context)


def _compose(question: Question, entries: list[dict[str, Any]], context: str) -> Answer:
    t = strings(question.lang)
    say = _rules(question.lang).answers
    and_ = str(say.get("and", ", "))

    def date_of(entry: Mapping[str, Any]) -> str:
        return format_date(entry.get("date"), entry.get("granularity"), t)

    def item(entry: Mapping[str, Any]) -> str:
        return str(say["item"]).format(date=date_of(entry), title=entry.get("title") or "")

    evidence = [
        {
            "entry_id": e.get("id"),
            "date": e.get("date"),
            "granularity": e.get("granularity"),
            "type": e.get("type"),
            "title": e.get("title"),
            "place": e.get("place"),
            "participants": e.get("participants"),
            "sources": e.get("sources") or [],
        }
        for e in entries
    ]
    n = len(entries)
    items = "; ".join(item(e) for e in entries)
    if question.kind == "how_many":
        key = "how_many_zero" if n == 0 else "how_many_one" if n == 1 else "how_many_many"
        text = str(say[key]).format(n=n, items=items, understood=_understood(question, say, t))
        return Answer(question, n > 0 or bool(question.people), text, n, evidence, context)
    if n == 0:
        text = str(say["no_answer_because"]).format(understood=_understood(question, say, t))
        return Answer(question, False, text, 0, [], context)
    one = n == 1
    first = entries[0]
    if question.kind == "when":
        text = str(say["when_one" if one else "when_many"]).format(
            n=n, date=date_of(first), title=first.get("title") or "", items=items
        )
    elif question.kind == "where":
        placed = [e for e in entries if e.get("place")]
        if not placed:
            text = str(say["where_unknown"]).format(items=items)
            return Answer(question, False, text, n, evidence, context)
        place = first.get("place")
        text = str(say["where_one" if len(placed) == 1 else "where_many"]).format(
            n=len(placed),
            place=display_name(place, question.lang) if isinstance(place, Mapping) else place,
            date=date_of(first),
            title=first.get("title") or "",
            items="; ".join(item(e) for e in placed),
        )
    elif question.kind == "who":
        asked = {i for _, ids in question.people for i in ids}
        counts: Counter[str] = Counter()
        for entry in entries:
            for p in entry.get("participants") or []:
                if p.get("id") not in asked:
                    counts[display_name(p, question.lang)] += 1
        people = _join([name for name, _ in counts.most_common()], and_) or "?"
        text = str(say["who_one" if one else "who_many"]).format(
            people=people, n=n, date=date_of(first), title=first.get("title") or "", items=items
        )
    else:
        text = str(say["what_one" if one else "what_many"]).format(
            n=n, date=date_of(first), title=first.get("title") or "", items=items
        )
    return Answer(question, True, text, n, evidence, context)


def _understood(question: Question, say: Mapping[str, str], t: Any) -> str:
    parts = []
    if question.people:
        parts.append(
            str(say["understood_participants"]).format(names=", ".join(s for s, _ in question.people))
        )
    if question.place:
        parts.append(str(say["understood_place"]).format(place=question.place))
    if question.year is not None:
        parts.append(str(say["understood_year"]).format(year=question.year))
    if question.types:
        names = ", ".join(t.type_name(tp) for tp in question.types)
        parts.append(str(say["understood_event"]).format(types=names))
    parts += question.keywords
    return "; ".join(parts) or "—"

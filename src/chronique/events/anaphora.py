""" "y", "there", "il", "he": a place or a person named before, for a meeting told without naming it (#4).

"Le dirigeant nord-coréen a ensuite rejoint Hanoï. Il doit y retrouver Donald Trump mercredi": the
meeting is in Hanoi (the place "y" stands for) and Kim Jong Un ("il") is one of its participants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chronique.events.rules import EventRules, Trigger
from chronique.model import Document, Span

__all__ = ["subject_person", "there_place"]

PLACE_LABELS = frozenset({"city", "region", "place", "country"})


def _ref(span: Span) -> dict[str, Any]:
    return {"entity_id": span.attrs.get("entity_id"), "name": span.attrs.get("name") or ""}


def _previous(doc: Document, sentence: Span) -> Span | None:
    before = [s for s in doc.layer("sentences") if s.end <= sentence.start]
    return before[-1] if before else None


def there_place(
    doc: Document, sentence: Span, trigger: Trigger, rules: EventRules, entities: Sequence[Span]
) -> dict[str, Any] | None:
    """The place "y" / "there" next to `trigger` stands for: the last place named before it in this
    sentence, else in the previous one (None when the trigger has no such word)."""
    text = doc.text
    cue = None
    for follows, pattern in rules.there:
        if follows:
            cue = pattern.match(text, trigger.end, sentence.end)
        else:
            cue = pattern.search(text, max(sentence.start, trigger.start - 30), trigger.start)
        if cue is not None:
            break
    if cue is None:
        return None
    previous = _previous(doc, sentence)
    start = previous.start if previous is not None else sentence.start
    named = [e for e in entities if e.label in PLACE_LABELS and start <= e.start and e.end <= cue.start()]
    return _ref(named[-1]) if named else None


def subject_person(
    doc: Document, sentence: Span, trigger: Trigger, rules: EventRules, entities: Sequence[Span]
) -> dict[str, Any] | None:
    """The person a subject pronoun before `trigger` stands for ("il doit y retrouver", "qu'il
    retrouverait"): the first person named earlier in the sentence, else the first of the previous
    sentence (the subject, as French and English news put it first)."""
    text = doc.text
    cue = next(
        (
            m
            for p in rules.pronoun
            if (m := p.search(text, max(sentence.start, trigger.start - 40), trigger.start))
        ),
        None,
    )
    if cue is None:
        return None
    people = [e for e in entities if e.label == "person"]
    if any(cue.end() <= e.start < trigger.start for e in people):
        return None  # "il a dit que Poutine rencontrerait": the pronoun is not the meeting's subject
    here = [e for e in people if sentence.start <= e.start < cue.start()]
    if here:
        return _ref(here[0])
    previous = _previous(doc, sentence)
    there = [e for e in people if previous is not None and previous.start <= e.start < previous.end]
    return _ref(there[0]) if there else None

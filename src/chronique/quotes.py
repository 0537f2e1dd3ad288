"""Stage `quotes`: quoted words and who said them (issue #4).

A quote is the text between a pair of quote marks of `lang/<iso>/quotes.toml`, with at least
`MIN_QUOTE_WORDS` words (shorter ones are scare quotes: « zones de désescalade »). Its speaker is the
entity nearest to a speech verb after the quote in its sentence ("», a dit Vladimir Poutine",
'," Putin said'), else before it ("X a déclaré : «"), else the source of a "selon X" in the sentence.
People are preferred over organisations; an entity after "à"/"to" is the one spoken to.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from chronique.lang import load_rules, register_checker
from chronique.model import Document, Span
from chronique.pipeline import StageFn, register_stage
from chronique.settings import Settings

__all__ = ["extract_quotes", "find_quotes", "make_quotes"]

# Quotes shorter than this are scare quotes or titles ("totalement libéré", « zones de désescalade »);
# read off the seeds, where every quote of a statement has five words or more.
MIN_QUOTE_WORDS = 4
# Longest quote looked for, in characters: a lost closing mark must not swallow an article.
MAX_QUOTE_CHARS = 1200
# How far after a quote its speech verb may be ("», a indiqué à l'Agence France Presse le secrétaire
# général de l'Otan, Jens Stoltenberg" is 90 characters).
SPEAKER_WINDOW = 120
# A speech verb this close after the quote is its own ("», a dit X", '," Putin said'); farther, the
# verb may belong to another clause ("– alors que la Turquie dit refuser"). Read off the seeds.
IMMEDIATE_VERB_CHARS = 40
SPEAKER_TYPES = ("person", "organisation", "group", "country", "city")


@dataclass(frozen=True, slots=True)
class _Rules:
    marks: tuple[tuple[str, str], ...]
    speech: re.Pattern[str]
    source: re.Pattern[str]
    addressee: re.Pattern[str]


@functools.cache
def _rules(lang: str | None) -> _Rules | None:
    data = load_rules(lang or "", "quotes")
    if not data:
        return None
    speech = "|".join(f"(?:{r['pattern']})" for r in data.get("speech_verb", [])) or r"(?!)"
    source = "|".join(f"(?:{r['pattern']})" for r in data.get("source_cue", [])) or r"(?!)"
    addressee = "|".join(f"(?:{r['pattern']})" for r in data.get("addressee", [])) or r"(?!)"
    return _Rules(
        tuple((m["open"], m["close"]) for m in data.get("mark", [])),
        re.compile(speech, re.IGNORECASE),
        re.compile(source, re.IGNORECASE),
        re.compile(addressee, re.IGNORECASE),
    )


def find_quotes(text: str, lang: str | None) -> list[tuple[int, int]]:
    """[start, end) of the quoted words of each quote in `text` (marks excluded), in order."""
    rules = _rules(lang)
    if rules is None:
        return []
    found: list[tuple[int, int]] = []
    for opening, closing in rules.marks:
        position = 0
        while True:
            start = text.find(opening, position)
            if start < 0:
                break
            end = text.find(closing, start + 1)
            if end < 0:
                break
            inner = text[start + 1 : end]
            position = end + 1
            if len(inner) > MAX_QUOTE_CHARS or "\n\n" in inner:
                position = start + 1  # an unpaired mark: try the next one
                continue
            if len(inner.split()) < MIN_QUOTE_WORDS:
                continue
            lo = start + 1 + (len(inner) - len(inner.lstrip()))
            hi = end - (len(inner) - len(inner.rstrip()))
            if not any(lo < h and f < hi for f, h in found):
                found.append((lo, hi))
    return sorted(found)


def _speaker_near(
    rules: _Rules, entities: list[Span], text: str, anchor: int, lo: int, hi: int
) -> Span | None:
    candidates = [
        e
        for e in entities
        if lo <= e.start < hi
        and e.label in SPEAKER_TYPES
        and not rules.addressee.search(text, max(0, e.start - 8), e.start)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e.label != "person", abs(e.start - anchor)))


def _speaker(
    doc: Document, rules: _Rules, quote: tuple[int, int], sentence: Span, entities: list[Span]
) -> Span | None:
    text = doc.text
    after_start = quote[1] + 1
    after_end = min(len(text), after_start + SPEAKER_WINDOW)
    end_of_sentence = doc.sentence_of(after_start)
    if end_of_sentence is not None:
        after_end = min(after_end, end_of_sentence.end)
    verb = rules.speech.search(text, after_start, after_end)
    if verb is not None and verb.start() - after_start <= IMMEDIATE_VERB_CHARS:
        found = _speaker_near(rules, entities, text, verb.end(), after_start, after_end)
        if found is not None:
            return found
    before_start = max(sentence.start, quote[0] - SPEAKER_WINDOW)
    verbs = list(rules.speech.finditer(text, before_start, quote[0]))
    if verbs:
        found = _speaker_near(rules, entities, text, verbs[-1].start(), before_start, verbs[-1].start())
        if found is not None:
            return found
    for cue in rules.source.finditer(text, sentence.start, sentence.end):
        found = _speaker_near(rules, entities, text, cue.end(), cue.end(), min(sentence.end, cue.end() + 60))
        if found is not None:
            return found
    return None


def extract_quotes(doc: Document) -> Document:
    """Fill `doc.layers["quotes"]` from the text, sentences and entities layers."""
    rules = _rules(doc.lang)
    if rules is None:
        doc.set_layer("quotes", [])
        return doc
    entities = doc.layer("entities")
    spans = []
    for start, end in find_quotes(doc.text, doc.lang):
        sentence = (
            doc.sentence_of(max(0, start - 1)) or doc.sentence_of(start) or Span(start, end, "sentence")
        )
        speaker = _speaker(doc, rules, (start, end), sentence, entities)
        spans.append(
            Span(
                start,
                end,
                "quote",
                {
                    "speaker": {
                        "entity_id": speaker.attrs.get("entity_id"),
                        "name": speaker.attrs.get("name"),
                    }
                    if speaker is not None
                    else None,
                    "sentence": [sentence.start, sentence.end],
                },
            )
        )
    doc.set_layer("quotes", spans)
    return doc


@register_stage("quotes", requires=("text", "lang", "sentences", "entities"), assigns=("quotes",))
def make_quotes(settings: Settings) -> StageFn:
    del settings
    return extract_quotes


@register_checker("quotes")
def check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """Marks must yield a quote; speech verbs and source cues must match."""
    rules = _rules(lang)
    assert rules is not None
    if "open" in rule:
        assert find_quotes(example, lang), f"{lang}: no quote found in {example!r}"
    elif "addressee" in str(rule.get("concept")):
        before = example.split("|")[0]
        assert rules.addressee.search(before), f"{lang}: no addressee cue in {example!r}"
    elif rule.get("concept") == "according-to":
        assert rules.source.search(example), f"{lang}: no source cue in {example!r}"
    else:
        assert rules.speech.search(example), f"{lang}: no speech verb in {example!r}"

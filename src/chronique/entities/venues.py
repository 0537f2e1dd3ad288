"""Where a mention lies: the city of a venue, a landmark, a suburb or a seat of power (#4).

A gazetteer entity's city follows its `located_in` chain (`Registry.city_of`: Wembley Stadium →
London, the Kremlin → Moscow). A venue the gazetteer does not know is recognised by a venue noun of
the language ("stade", "cathédrale", "Stadium": `[[venue]]` in `lang/<iso>/entities.toml`) right
before it or as its first or last word, and its city is a gazetteer city named inside it ("London
Stadium", "la cathédrale Notre-Dame de Port-au-Prince").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chronique.entities.gazetteer import Entity, Registry, fold, name_key

__all__ = ["Whereabouts", "of_another_city", "whereabouts"]

_OF = re.compile(r"\s+(?:de|d'|d’|of)\s*")
_WORD = re.compile(r"\w+(?:-\w+)*")
# A city's name inside a venue's has at most this many words ("Rio de Janeiro", "Port-au-Prince" is one).
_CITY_MAX_WORDS = 3


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """`venue`: the mention names a venue; `city`: the city it lies in (None when unknown)."""

    venue: bool
    city: Entity | None


def whereabouts(
    text: str, start: int, end: int, entity: Entity | None, reg: Registry, venue_nouns: frozenset[str]
) -> Whereabouts:
    """The venue flag and city of the mention `text[start:end]`, resolved to `entity` when known."""
    if entity is not None:
        city = reg.city_of(entity.id) if entity.type != "city" else None
        return Whereabouts(entity.type == "venue", city)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    before = list(_WORD.finditer(text, max(0, start - 30), start))
    noun_before = (
        bool(before)
        and fold(before[-1].group()) in venue_nouns
        and not text[before[-1].end() : start].strip(" ")
    )
    edges = {fold(text[s:e]) for s, e in (words[:1] + words[-1:])}
    if not (noun_before or edges & venue_nouns):
        return Whereabouts(False, None)
    for size in range(_CITY_MAX_WORDS, 0, -1):
        for i in range(len(words) - size + 1):
            surface = text[words[i][0] : words[i + size - 1][1]]
            found = reg.lookup_key(name_key(surface))
            if found is not None and found.type == "city" and reg.case_ok(name_key(surface), surface):
                return Whereabouts(True, found)
    return Whereabouts(True, None)


def of_another_city(
    text: str, end: int, entity: Entity | None, next_start: int, following: Entity | None, reg: Registry
) -> bool:
    """Whether a known venue or landmark ending at `end` is followed by "de"/"of" and another city than
    its own (`following`, the entity starting at `next_start`): "la cathédrale Notre-Dame de
    Port-au-Prince" is no Notre-Dame de Paris."""
    home = reg.city_of(entity.id) if entity is not None and entity.type != "city" else None
    return (
        home is not None
        and following is not None
        and following.type == "city"
        and following != home
        and _OF.fullmatch(text, end, next_start) is not None
    )

"""Finding mentions in a text and resolving them to canonical entities (#4).

Candidates come from five sources, most trusted first: role nouns ("le président russe"), gazetteer
names, titles before names ("M. Poutine", "MM. Poutine et Erdogan"), spaCy's named entities, and,
without a spaCy model, cue rules over runs of capitalised words. Overlaps keep the longest candidate
(the more trusted one on a tie). Then, within the document, short names join the full name seen in it
("Poutine" → "Vladimir Poutine", "Akar" → "Hulusi Akar"), role nouns take the office holder of the
document's date that the article names, and places that act or speak are marked as governments.

Types are the gazetteer's when the gazetteer knows the name (spaCy calls "Recep Tayyip Erdogan" MISC
and "Bachar el-Assad" a place); boilerplate words (cookie banners, share widgets) never become
entities, whatever the model says.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chronique.entities.gazetteer import Entity, Registry, fold, name_key, names_compatible, registry, slug
from chronique.entities.venues import of_another_city, whereabouts
from chronique.lang import load_rules
from chronique.model import FuzzyDate, Span
from chronique.nlp import parse
from chronique.settings import Settings

__all__ = ["extract_entities"]

# Trust of each source when two candidates cover the same characters (longer candidates win first).
_PRIORITY = {"role": 5, "gazetteer": 4, "title": 3, "ner": 2, "rule": 1}

# spaCy labels (French and English models) → our types; MISC and NORP only count when the gazetteer
# knows the name.
_NER_TYPES = {
    "PER": "person",
    "PERSON": "person",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
    "ORG": "organisation",
    "MISC": "",
    "NORP": "",
    "PRODUCT": "",
    "EVENT": "",
}

# Lower-case words that may sit inside a name ("Bachar el-Assad", "Ursula von der Leyen", "Jean de La
# Fontaine"); a run of capitalised words never starts or ends with one.
_PARTICLES = frozenset(
    {
        "de",
        "du",
        "des",
        "del",
        "della",
        "da",
        "dos",
        "van",
        "von",
        "der",
        "den",
        "bin",
        "ben",
        "ibn",
        "al",
        "el",
        "di",
        "la",
        "le",
    }
)
# Words split at apostrophes ("l'Otan" → "l", "Otan") but not at hyphens ("el-Assad", "S-400").
_WORD = re.compile(r"\w+(?:-\w+)*")
_GAP_IN_NAME = re.compile(r"[ \t\u00a0]{1,3}|[ \t\u00a0]*-[ \t\u00a0]*|['’]")


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    type: str
    source: str
    entity: Entity | None = None
    name: str = ""
    role: tuple[str, str | None, str | None] | None = None  # (office, country code, org id)
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        first = self.text[0]
        if first.isupper() or first.isdigit():
            return True
        # "el-Assad", "al-Qaïda": a lower-case particle glued to a name
        head, _, rest = self.text.partition("-")
        return head in _PARTICLES and rest[:1].isupper()


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[_Token]:
    return [
        _Token(m.start(), m.end(), m.group())
        for m in _WORD.finditer(text, start, len(text) if end is None else end)
    ]


# -- language rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LangRules:
    titles: dict[str, bool]  # folded title → plural
    title_max_tokens: int
    roles: list[
        tuple[re.Pattern[str], str, str | None, str | None]
    ]  # regex on folded text, office, country, org
    institutions: list[tuple[re.Pattern[str], str]]  # regex on folded text, concept ("army")
    # ", turc", " et turque" after a noun and its demonym: "les armées russe et turque" names two armies
    coordinated: re.Pattern[str]
    stop_words: frozenset[str]
    stop_phrases: tuple[str, ...]
    cues: dict[str, dict[str, frozenset[str]]]  # kind → after/before/verbs → folded words
    speech_before: tuple[str, ...]
    determiners: frozenset[str]
    contractions: dict[str, str]  # folded contraction → the article it holds ("du" → "le")
    demonyms_capitalised: bool  # English: a demonym starts with a capital ("us" is no demonym)
    descriptor_suffixes: tuple[str, ...]  # "US-based": a leading word so ending describes the name after it
    descriptor_nouns: frozenset[str]  # "banque (américaine)", "(Swiss) lender": with a demonym, a description
    calendar: frozenset[str]  # month and weekday names: with numbers, never a name on their own
    venue_nouns: frozenset[str]  # "stade", "Stadium": a name after or around one is a venue


def _expand(pattern: str, adjectives: str, countries: str) -> str:
    parts = re.split(r"(\{adj\}|\{country\})", fold(pattern))
    out = []
    for part in parts:
        if part == "{adj}":
            out.append(f"(?P<adj>{adjectives})")
        elif part == "{country}":
            out.append(f"(?:(?:de la|de l'|du|des|de|d'|the)\\s*)?(?P<country>{countries})")
        else:
            out.append(r"\s+".join(re.escape(w) for w in part.split(" ")).replace(r"'\s+", "'"))
    return r"(?<!\w)" + "".join(out) + r"(?!\w)"


@functools.cache
def _lang_rules(lang: str, reg: Registry) -> _LangRules:
    data = load_rules(lang, "entities")
    titles: dict[str, bool] = {}
    for table in data.get("title", []):
        for form in table.get("forms", []):
            titles[fold(str(form))] = bool(table.get("plural", False))
    demonyms = sorted(reg.demonym_forms(lang), key=len, reverse=True)
    adjectives = "|".join(r"[\s-]+".join(re.escape(w) for w in d.split(" ")) for d in demonyms) or "(?!)"
    country_names = sorted(
        {fold(e.display_name(lang)) for e in reg if e.type == "country"}, key=len, reverse=True
    )
    countries = "|".join(re.escape(n) for n in country_names)
    roles = []
    for table in data.get("role", []):
        for pattern in table.get("patterns", []):
            regex = re.compile(_expand(str(pattern), adjectives, countries))
            roles.append((regex, str(table["office"]), table.get("country"), table.get("org")))
        # plural role nouns only count coordinated ("les dirigeants russe et turc": two people; "les
        # dirigeants turcs" is no one in particular)
        for pattern in table.get("coordinated", []):
            regex = re.compile(_expand(str(pattern), adjectives, countries) + r"(?=\s*(?:,|et|and)\s)")
            roles.append((regex, str(table["office"]), table.get("country"), table.get("org")))
    institutions = [
        (re.compile(_expand(str(pattern), adjectives, countries)), str(table["concept"]))
        for table in data.get("institution", [])
        for pattern in table.get("patterns", [])
    ]
    stop_words: set[str] = set()
    stop_phrases: list[str] = []
    for table in data.get("stopword", []):
        for form in table.get("forms", []):
            key = name_key(str(form))
            (stop_phrases.append(key) if " " in key else stop_words.add(key))
    cues: dict[str, dict[str, frozenset[str]]] = {}
    for table in data.get("cue", []):
        cues[str(table["kind"])] = {
            k: frozenset(fold(str(w)) for w in table.get(k, [])) for k in ("after", "before", "verbs")
        }
    speech_before = tuple(fold(str(w)) for t in data.get("metonymy", []) for w in t.get("before", []))
    return _LangRules(
        titles=titles,
        title_max_tokens=max((len(_tokens(t)) for t in titles), default=1),
        roles=roles,
        institutions=institutions,
        coordinated=re.compile(rf"(?:\s*,\s*|\s+(?:et|and)\s+)(?P<adj>{adjectives})(?!\w)"),
        stop_words=frozenset(stop_words),
        stop_phrases=tuple(stop_phrases),
        cues=cues,
        speech_before=speech_before,
        determiners=frozenset(fold(str(w)) for w in data.get("determiners", [])),
        contractions={fold(str(k)): fold(str(v)) for k, v in data.get("contractions", {}).items()},
        demonyms_capitalised=bool(data.get("demonyms_capitalised", False)),
        descriptor_suffixes=tuple(
            fold(str(w)) for t in data.get("descriptor", []) for w in t.get("suffixes", [])
        ),
        descriptor_nouns=frozenset(
            fold(str(w)) for t in data.get("descriptor", []) for w in t.get("nouns", [])
        ),
        calendar=frozenset(fold(str(w)) for t in data.get("calendar", []) for w in t.get("words", [])),
        venue_nouns=frozenset(fold(str(w)) for t in data.get("venue", []) for w in t.get("nouns", [])),
    )


# -- candidates ---------------------------------------------------------------------------------------------


def _gazetteer_candidates(
    text: str, folded: str, tokens: Sequence[_Token], reg: Registry, lang: str, rules: _LangRules
) -> list[_Candidate]:
    found = []
    for i, first in enumerate(tokens):
        # "du Bourget" is "de" + "Le Bourget": after a contraction, look the name up with its article
        article = rules.contractions.get(fold(first.text))
        begin = i + 1 if article and i + 1 < len(tokens) else i
        end_index = begin
        for j in range(begin, min(len(tokens), begin + reg.max_key_tokens)):
            if j > begin and not _joinable(text, tokens[j - 1], tokens[j], loose=True):
                break
            end_index = j
        for j in range(end_index, begin - 1, -1):
            start, end = tokens[begin].start, tokens[j].end
            if end < len(text) and text[end] == "." and len(tokens[j].text) == 1:
                end += 1  # "U.S." and initials keep their dot
            key = name_key(folded[start:end])
            entity = reg.lookup_key(key, lang)
            if entity is None and article:
                entity = reg.lookup_key(f"{article} {key}", lang)
            # the case of a name is read after its article ("Paris-le Bourget")
            cased = (
                text[tokens[begin + 1].start : end]
                if fold(tokens[begin].text) in rules.determiners and j > begin
                else text[start:end]
            )
            if entity is not None and reg.case_ok(key, cased):
                found.append(_Candidate(start, end, entity.type, "gazetteer", entity))
                break
    return found


def _joinable(text: str, left: _Token, right: _Token, *, loose: bool = False) -> bool:
    gap = text[left.end : right.start]
    if _GAP_IN_NAME.fullmatch(gap):
        return True
    # "U.S.", "Recep T. Erdogan", "Washington, D.C." only with `loose`
    return loose and gap in (".", ". ", ", ") and (len(left.text) == 1 or gap == ".")


def _name_run(text: str, tokens: Sequence[_Token], index: int, *, limit: int = 5) -> int:
    """Index past the run of capitalised tokens starting at `index` (particles allowed inside)."""
    if index >= len(tokens) or not tokens[index].capitalised:
        return index
    end = index + 1
    while end < len(tokens) and end - index < limit:
        prev, token = tokens[end - 1], tokens[end]
        initial = len(prev.text) == 1 and text[prev.end : token.start] == ". "
        if not (_joinable(text, prev, token) or initial):
            break
        if token.capitalised:
            end += 1
        elif token.text in _PARTICLES and end + 1 < len(tokens) and tokens[end + 1].capitalised:
            if not _joinable(text, token, tokens[end + 1]):
                break
            end += 2
        else:
            break
    return end


def _span_end(text: str, token: _Token) -> int:
    # keep the dot of an initial ("T.") when the run ends on one
    return token.end + 1 if len(token.text) == 1 and text[token.end : token.end + 1] == "." else token.end


def _title_at(text: str, tokens: Sequence[_Token], index: int, rules: _LangRules) -> tuple[int, bool] | None:
    """(index after the title, plural) when a title starts at token `index`."""
    for size in range(rules.title_max_tokens, 0, -1):
        if index + size > len(tokens):
            continue
        start, end = tokens[index].start, tokens[index + size - 1].end
        if end < len(text) and text[end] == ".":
            with_dot = fold(text[start : end + 1])
            if with_dot in rules.titles:
                return index + size, rules.titles[with_dot]
        key = fold(text[start:end])
        if key in rules.titles:
            return index + size, rules.titles[key]
    return None


def _title_candidates(text: str, tokens: Sequence[_Token], rules: _LangRules) -> list[_Candidate]:
    found: list[_Candidate] = []
    i = 0
    while i < len(tokens):
        title = _title_at(text, tokens, i, rules)
        if title is None:
            i += 1
            continue
        j, plural = title
        names = []
        while True:
            end = _name_run(text, tokens, j, limit=4)
            # the name must follow the title closely ("M. Poutine", not "M.\n\nPoutine")
            if end == j or len(text[tokens[j - 1].end : tokens[j].start]) > 3:
                break
            names.append((tokens[j].start, _span_end(text, tokens[end - 1])))
            if not plural or end >= len(tokens):
                break
            gap = fold(text[tokens[end - 1].end : tokens[end].start]).strip()
            if gap == "," and end < len(tokens):
                j = end
            elif gap == "" and fold(tokens[end].text) in ("et", "and") and end + 1 < len(tokens):
                j = end + 1
            else:
                break
        found += [_Candidate(s, e, "person", "title") for s, e in names]
        i = max(j, i + 1)
    return found


def _role_candidates(text: str, folded: str, rules: _LangRules, reg: Registry, lang: str) -> list[_Candidate]:
    found = []
    forms = reg.demonym_forms(lang)
    for regex, office, country, org in rules.roles:
        for match in regex.finditer(folded):
            adj_start = match.start("adj") if "adj" in regex.groupindex else -1
            if rules.demonyms_capitalised and adj_start >= 0 and not text[adj_start].isupper():
                continue
            code = country
            groups = match.groupdict()
            if groups.get("adj"):
                code = forms.get(name_key(groups["adj"]))
            elif groups.get("country"):
                entity = reg.resolve(groups["country"], lang, fuzzy=False)
                code = entity.country if entity else None
            if code is None and org is None:
                continue
            found.append(_Candidate(match.start(), match.end(), "person", "role", role=(office, code, org)))
            if groups.get("adj"):
                for start, end, adj in _coordinated(folded, match, rules):
                    role = (office, forms.get(name_key(adj)), org)
                    found.append(_Candidate(start, end, "person", "role", role=role))
    return found


def _coordinated(folded: str, match: re.Match[str], rules: _LangRules) -> list[tuple[int, int, str]]:
    """The demonyms coordinated after a match that ends on its demonym: "armées russe et turque"."""
    if match.end("adj") != match.end():
        return []
    found = []
    position = match.end()
    while (more := rules.coordinated.match(folded, position)) is not None:
        found.append((more.start("adj"), more.end("adj"), more.group("adj")))
        position = more.end()
    return found


def _institution_candidates(
    text: str, folded: str, rules: _LangRules, reg: Registry, lang: str
) -> list[_Candidate]:
    """A country's institution named by a noun and a demonym: "l'armée turque", "the Russian military"."""
    found = []
    forms = reg.demonym_forms(lang)
    for regex, concept in rules.institutions:
        for match in regex.finditer(folded):
            if rules.demonyms_capitalised and not text[match.start("adj")].isupper():
                continue
            code = forms.get(name_key(match.group("adj")))
            entity = reg.institution(concept, code) if code else None
            if entity is not None:
                # an entity of the registry, made from the lang data: as trusted as a gazetteer name
                found.append(_Candidate(match.start(), match.end(), entity.type, "gazetteer", entity))
            for start, end, adj in _coordinated(folded, match, rules):
                code = forms.get(name_key(adj))
                other = reg.institution(concept, code) if code else None
                if other is not None:
                    found.append(_Candidate(start, end, other.type, "gazetteer", other))
    return found


def _ner_candidates(text: str, parsed: Sequence[tuple[int, Any]], rules: _LangRules) -> list[_Candidate]:
    found = []
    for offset, sdoc in parsed:
        for ent in sdoc.ents:
            kind = _NER_TYPES.get(ent.label_, "")
            start = offset + ent.start_char
            tokens = _tokens(text, start, offset + ent.end_char)
            # leading determiners and titles are not part of the name ("le Kremlin", "M. Poutine")
            while tokens and (fold(tokens[0].text) in rules.determiners or _title_at(text, tokens, 0, rules)):
                title = _title_at(text, tokens, 0, rules)
                tokens = tokens[title[0] if title else 1 :]
            if not tokens:
                continue
            has_proper_noun = any(t.pos_ in ("PROPN", "X") for t in ent)
            end = _name_run(text, tokens, 0, limit=6)
            if end == 0:
                continue
            found.append(
                _Candidate(
                    tokens[0].start,
                    _span_end(text, tokens[end - 1]),
                    kind,
                    "ner",
                    attrs={"ner": ent.label_, "proper": has_proper_noun},
                )
            )
    return found


def _cue_candidates(
    text: str, tokens: Sequence[_Token], rules: _LangRules, sentence_starts: set[int]
) -> list[_Candidate]:
    """Typed runs of capitalised words, for languages without a spaCy model."""
    found = []
    i = 0
    while i < len(tokens):
        title = _title_at(text, tokens, i, rules)
        if title is not None:  # "Ms Jane Whitfield": the title rule has the name
            i = title[0]
            continue
        # "in February Kim went": a run starts after its determiner and after a date's words
        if fold(tokens[i].text) in rules.determiners or _is_calendar_word(tokens[i].text, rules):
            i += 1
            continue
        end = _name_run(text, tokens, i, limit=5)
        # "On Tuesday Moon said": a date's words end a run
        end = next((k for k in range(i + 1, end) if _is_calendar_word(tokens[k].text, rules)), end)
        if end == i:
            i += 1
            continue
        run = tokens[i:end]
        kind = _cue_kind(text, tokens, i, end, rules)
        if kind and not (len(run) == 1 and run[0].start in sentence_starts):
            found.append(_Candidate(run[0].start, run[-1].end, kind, "rule"))
        i = end
    return found


def _cue_kind(text: str, tokens: Sequence[_Token], i: int, end: int, rules: _LangRules) -> str:
    last = fold(tokens[end - 1].text)
    before = fold(tokens[i - 1].text) if i > 0 else ""
    after = fold(tokens[end].text) if end < len(tokens) else ""
    organisation, place, person = (
        rules.cues.get("organisation", {}),
        rules.cues.get("place", {}),
        rules.cues.get("person", {}),
    )
    if last in organisation.get("after", ()) and end - i > 1:
        return "organisation"
    if last in place.get("after", ()) and end - i > 1:
        return "place"
    if after in person.get("verbs", ()) and 2 <= end - i <= 3:
        return "person"
    if before in place.get("before", ()):
        return "place"
    return ""


# -- filtering and overlaps ------------------------------------------------------------------------------


def _is_boilerplate(text: str, cand: _Candidate, rules: _LangRules) -> bool:
    surface = text[cand.start : cand.end]
    key = name_key(surface)
    words = key.split()
    if any(w in rules.stop_words for w in words) or any(p in key for p in rules.stop_phrases):
        return True
    for token in _tokens(surface):
        # glued widget words: "surTelegram", "AccepterTout"
        for k in range(1, len(token.text)):
            if token.text[k - 1].islower() and token.text[k].isupper():
                left, right = token.text[:k], token.text[k:]
                if (
                    left[0].islower()
                    or name_key(left) in rules.stop_words
                    or name_key(right) in rules.stop_words
                ):
                    return True
    return False


# A number as written: "1953", "3", "1er", "21st", "2019-2020", "3,7".
_NUMBER = re.compile(r"\d[\d.,-]*(?:er|re|e|ème|st|nd|rd|th|s)?")


def _is_calendar_word(word: str, rules: _LangRules) -> bool:
    return fold(word) in rules.calendar or _NUMBER.fullmatch(fold(word)) is not None


def _is_calendar(text: str, cand: _Candidate, rules: _LangRules) -> bool:
    """A mention made only of numbers, month and weekday names ("1953", "February", "Mardi 3 Mars") is a
    time, never a place or a person, whatever the cue or the model says (#4)."""
    tokens = _tokens(text, cand.start, cand.end)
    return bool(tokens) and all(_is_calendar_word(t.text, rules) for t in tokens)


def _strip_description(text: str, cand: _Candidate, rules: _LangRules, demonyms: dict[str, str]) -> bool:
    """Leave a leading description out of a name ("US-based Silicon Valley Bank"); False when nothing of a
    name is left."""
    tokens = _tokens(text, cand.start, cand.end)
    i = 0
    while i < len(tokens) - 1:
        word, following = fold(tokens[i].text), fold(tokens[i + 1].text)
        if rules.descriptor_suffixes and word.endswith(rules.descriptor_suffixes):
            i += 1
        elif (word in rules.descriptor_nouns and following in demonyms) or (
            word in demonyms and following in rules.descriptor_nouns
        ):
            i += 2
        elif i > 0 and word in rules.determiners:
            i += 1
        else:
            break
    if i == 0:
        return True
    if i >= len(tokens) or not tokens[i].capitalised:
        return False
    cand.start = tokens[i].start
    return True


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates: longest first, then the most trusted source."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-c.length, -_PRIORITY[c.source], c.start)):
        if all(cand.end <= c.start or c.end <= cand.start for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


# -- resolution ---------------------------------------------------------------------------------------------


def _period(published: FuzzyDate | dt.date | None) -> tuple[dt.date, dt.date] | None:
    if published is None:
        return None
    if isinstance(published, dt.date):
        return published, published
    return published.interval()


def _resolve_names(text: str, chosen: list[_Candidate], reg: Registry, lang: str) -> list[_Candidate]:
    kept = []
    for cand in chosen:
        if cand.source in ("role", "gazetteer"):
            kept.append(cand)
            continue
        surface = text[cand.start : cand.end]
        person = cand.type == "person"
        entity = reg.resolve(surface, lang, fuzzy=person or not cand.type, surname=person)
        if entity is not None:
            cand.entity, cand.type = entity, entity.type
        elif not cand.type or (cand.source == "ner" and not cand.attrs.get("proper")):
            continue  # MISC/NORP unknown to the gazetteer, or a common noun the model took for a name
        cand.name = " ".join(surface.split())
        kept.append(cand)
    _chain_people(text, kept, lang)
    return kept


def _chain_people(text: str, cands: list[_Candidate], lang: str) -> None:
    """Short or partial names take the identity of a fuller name of the same document."""
    people = [c for c in cands if c.type == "person" and c.source != "role"]
    full: list[tuple[list[str], _Candidate]] = []
    for cand in sorted(
        people, key=lambda c: -len(name_key(c.entity.name if c.entity else text[c.start : c.end]))
    ):
        tokens = name_key(text[cand.start : cand.end]).split()
        if cand.entity is None:
            match = next((f for toks, f in full if names_compatible(tokens, toks)), None)
            if match is not None:
                cand.entity, cand.name = match.entity, match.name
                cand.source = "alias" if cand.source != "title" else cand.source
                continue
            cand.name = " ".join(text[cand.start : cand.end].split())
        names = [cand.entity.name, *cand.entity.all_names()] if cand.entity else [cand.name]
        for name in names:
            if len(name_key(name).split()) > 1:
                full.append((name_key(name).split(), cand))


def _short_names(text: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """The short name of a person the document names in full ("Kim" after "Kim Jong Un": `Entity.short`),
    where it stands alone ("Kim Yong Chol" is someone else) and the document names no one else by it."""
    found = {c.entity.id: c.entity for c in chosen if c.entity is not None and c.entity.short}
    added: list[_Candidate] = []
    for entity in found.values():
        for short in entity.short:
            own = [name_key(n) for n in entity.all_names()]
            words = re.compile(rf"\b{re.escape(short)}\b(?:[ \t-]+(\w[\w'’.-]*))?")
            spots = []
            for match in words.finditer(text):
                followed = bool(match.group(1)) and match.group(1)[0].isupper()  # by a name's next word
                name = name_key(text[match.start() : match.end()])
                if followed and not any(o.startswith(name) for o in own):
                    break  # "Kim Yong Chol": another person the document names so
                if not followed:
                    spots.append((match.start(), match.start() + len(short)))
            else:
                for start, end in spots:
                    over = [c for c in [*chosen, *added] if c.start < end and start < c.end]
                    if not over:
                        added.append(_Candidate(start, end, "person", "alias", entity, entity.name))
                    elif [(c.start, c.end, c.type, c.entity) for c in over] == [(start, end, "person", None)]:
                        # the model's "Kim", an unknown person: him
                        over[0].entity, over[0].name, over[0].source = entity, entity.name, "alias"
    return sorted([*chosen, *added], key=lambda c: c.start)


# Offices a counterpart holds in its own country when the other person of its sentence holds them:
# Putin is president, so "son homologue turc" is the Turkish president (#4).
_COUNTERPART_OFFICES = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister")


_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\bM[rM])(?<!\bMrs)(?<!\bDr)(?<!\bSt)[.!?»]\s+|\n\s*")


def _sentence_bounds(text: str, sentences: Sequence[Span]) -> list[tuple[int, int]]:
    if sentences:
        return [(s.start, s.end) for s in sentences]
    # without the `sentences` layer: no cut after an initial or a title ("M. Poutine", "Mr. Putin")
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    return list(itertools.pairwise(cuts))


def _counterpart_anchor(
    cands: list[_Candidate], index: int, bounds: tuple[int, int], country: str | None, reg: Registry
) -> _Candidate | None:
    """The other person of the sentence: the nearest named before the role noun, else the first after."""
    cand = cands[index]

    def fits(other: _Candidate) -> bool:
        if other.type != "person" or other.entity is None or other is cand:
            return False
        if other.role is not None and other.role[0] == "counterpart":
            return False
        if not (bounds[0] <= other.start < bounds[1]):
            return False
        # "Erdogan a reçu Poutine, son homologue russe": Putin is the counterpart, not its anchor
        return all(o.country != country for o in reg.offices_of(other.entity.id)) or other.role is not None

    before = [c for c in cands[:index] if fits(c)]
    after = [c for c in cands[index + 1 :] if fits(c)]
    return before[-1] if before else after[0] if after else None


def _resolve_roles(
    cands: list[_Candidate],
    reg: Registry,
    period: tuple[dt.date, dt.date] | None,
    sentences: Sequence[tuple[int, int]],
) -> list[_Candidate]:
    """Role nouns take the office holder the article names, else the sole holder over the document's
    whole date (`Registry.sole_holder`: never across a change of holder); counterparts the office of
    the other person of their sentence. Without a date, only a holder the article names."""
    dropped: set[int] = set()
    counterparts = []
    for index, cand in enumerate(cands):
        if cand.role is None:
            continue
        office, country, org = cand.role
        if office == "counterpart":
            counterparts.append(index)
            continue
        if not _resolve_role(cands, index, (office,), country, org, reg, period, named_only=False):
            dropped.add(index)
    for index in counterparts:
        cand = cands[index]
        _, country, org = cand.role or ("", None, None)
        bounds = next(((a, b) for a, b in sentences if a <= cand.start < b), (0, cand.end))
        anchor = _counterpart_anchor(cands, index, bounds, country, reg)
        offices: tuple[str, ...] = ()
        if anchor is not None and anchor.role is not None and anchor.role[0] in _COUNTERPART_OFFICES:
            offices = (anchor.role[0],)
        elif anchor is not None and anchor.entity is not None:
            held = reg.offices_of(anchor.entity.id, on=period)
            offices = tuple(dict.fromkeys(o.office for o in held if o.office in _COUNTERPART_OFFICES))
        # an anchor of unknown office ("le ministre Jean Dupuis et son homologue turc"): only a leader the
        # article names
        named_only = not offices
        offices = offices or ("leader",)
        if not _resolve_role(cands, index, offices, country, org, reg, period, named_only=named_only):
            dropped.add(index)
    return [c for i, c in enumerate(cands) if i not in dropped]


def _resolve_role(
    cands: list[_Candidate],
    index: int,
    offices: tuple[str, ...],
    country: str | None,
    org: str | None,
    reg: Registry,
    period: tuple[dt.date, dt.date] | None,
    *,
    named_only: bool,
) -> bool:
    cand = cands[index]
    holders = {e.id for e in reg.holders(offices, country=country, org=org, on=period)}
    named = [c.entity for c in cands if c.entity is not None and c.role is None and c.entity.id in holders]
    if named:
        # the holder named nearest before the role noun, else the first named after it
        before = [c.entity for c in cands[:index] if c.entity and c.entity.id in holders and c.role is None]
        cand.entity = before[-1] if before else named[0]
    elif period is not None and not named_only:
        cand.entity = reg.sole_holder(offices, country=country, org=org, on=period)
    return cand.entity is not None


def _mark_governments(
    text: str, cands: list[_Candidate], parsed: Sequence[tuple[int, Any]], rules: _LangRules
) -> None:
    """Countries and capitals that act or speak stand for their government ("Ankara a affirmé")."""
    heads: dict[int, Any] = {}
    for offset, sdoc in parsed:
        for token in sdoc:
            heads[offset + token.idx] = token
    speech_verbs = rules.cues.get("person", {}).get("verbs", frozenset())
    for cand in cands:
        entity = cand.entity
        if entity is None or not (entity.type == "country" or entity.capital):
            continue
        before = fold(text[max(0, cand.start - 20) : cand.start]).rstrip()
        acting = any(before.endswith(cue) for cue in rules.speech_before)
        token = heads.get(cand.start)
        if token is not None and not acting:
            while token.dep_ in ("conj", "flat:name", "appos") and token.head is not token:
                token = token.head
            acting = token.dep_ in ("nsubj", "nsubj:pass", "nsubjpass") and token.head.pos_ in ("VERB", "AUX")
        elif token is None and not acting:
            following = _tokens(text, cand.end, min(len(text), cand.end + 30))
            acting = bool(following) and fold(following[0].text) in speech_verbs
        if acting:
            cand.attrs["role"] = "government"
    # "Moscou et Téhéran ont annoncé": the parse makes only the last one the subject; an enumeration
    # of countries and capitals acts together
    for left, right in itertools.pairwise(cands):
        if text[left.end : right.start].strip() in ("", ",", "et", "and"):
            pair = [c for c in (left, right) if c.entity and (c.entity.type == "country" or c.entity.capital)]
            if len(pair) == 2 and any("role" in c.attrs for c in pair):
                for c in pair:
                    c.attrs["role"] = "government"


def _venues_of_other_cities(text: str, cands: list[_Candidate], reg: Registry) -> list[_Candidate]:
    """A venue of the gazetteer followed by another city ("la cathédrale Notre-Dame de Port-au-Prince")
    is no venue of the gazetteer: an unknown venue of that city (#4)."""
    kept: list[_Candidate] = []
    for cand in cands:
        last = kept[-1] if kept else None
        if last is not None and of_another_city(text, last.end, last.entity, cand.start, cand.entity, reg):
            last.end, last.entity, last.type = cand.end, None, "venue"
            last.name = " ".join(text[last.start : last.end].split())
            continue
        kept.append(cand)
    return kept


# -- entry point ---------------------------------------------------------------------------------------------


def extract_entities(
    text: str,
    *,
    lang: str | None,
    published: FuzzyDate | dt.date | None = None,
    settings: Settings | None = None,
    sentences: Iterable[Span] = (),
) -> list[Span]:
    """Entity mentions of `text` as `entities` layer spans (label = type; attrs entity_id, name, source).

    `published` (the document date) picks the holder of an office for role nouns ("le président
    russe" is Medvedev in 2010); without it a role noun resolves only to a holder the text names.
    """
    settings = settings or Settings()
    reg = registry(settings)
    sentences = list(sentences)
    lang = lang or "und"
    rules = _lang_rules(lang, reg)
    folded = fold(text)
    tokens = _tokens(text)
    parsed = parse(text, lang, settings) if lang in settings.models else []
    candidates = _gazetteer_candidates(text, folded, tokens, reg, lang, rules)
    candidates += _role_candidates(text, folded, rules, reg, lang)
    candidates += _institution_candidates(text, folded, rules, reg, lang)
    candidates += _title_candidates(text, tokens, rules)
    if parsed:
        candidates += _ner_candidates(text, parsed, rules)
    else:
        starts = (
            {s.start for s in sentences} | {0} | {m.end() for m in re.finditer(r"(?:[.!?:]\s+|\n\s*)", text)}
        )
        candidates += _cue_candidates(text, tokens, rules, starts)
    candidates = [
        c
        for c in candidates
        if c.source in ("gazetteer", "role")
        or not (_is_boilerplate(text, c, rules) or _is_calendar(text, c, rules))
    ]
    demonyms = reg.demonym_forms(lang)
    candidates = [
        c
        for c in candidates
        if c.source in ("gazetteer", "role") or _strip_description(text, c, rules, demonyms)
    ]
    chosen = _resolve_names(text, _select(candidates), reg, lang)
    chosen = _short_names(text, chosen)
    chosen = _resolve_roles(chosen, reg, _period(published), _sentence_bounds(text, sentences))
    _mark_governments(text, chosen, parsed, rules)
    spans = []
    for cand in _venues_of_other_cities(text, chosen, reg):
        entity = cand.entity
        attrs: dict[str, Any] = {
            "entity_id": entity.id if entity else slug(cand.name),
            "name": entity.name if entity else cand.name,
            "source": cand.source,
        }
        if "role" in cand.attrs:
            attrs["role"] = cand.attrs["role"]
        if not attrs["entity_id"]:
            continue
        label = entity.type if entity else cand.type
        where = whereabouts(text, cand.start, cand.end, entity, reg, rules.venue_nouns)
        if where.venue and cand.type in ("place", ""):
            label = "venue"  # "London Stadium", "stade Loujniki": a venue whatever the cue or model said
        if where.city is not None and label != "person":
            attrs["city"] = {"entity_id": where.city.id, "name": where.city.name}
        spans.append(Span(cand.start, cand.end, label, attrs))
    return spans

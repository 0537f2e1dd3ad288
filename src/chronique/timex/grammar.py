"""Rule data (`lang/<iso>/timex.toml`) compiled into lexicons and regexes, once per language.

Lexicon tables map words to concepts; a `[[pattern]]` regex names a lexicon as `{month}` and gets a
named group matching every word of it (`{day2}` is a second group over the same words,
`{fraction_before}` the words of the `fraction` rules whose concept is `before`). A placeholder used
twice in one pattern (in two branches) gets groups `name`, `name__2` …, which `detect` reads as one.
A few placeholders are language-neutral and defined here (`{day}`, `{year}`, `{hour}`, `{num}` …).
Matching runs over the text with ’ turned into ' (same length, so offsets do not move).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chronique.lang import load_rules

__all__ = ["Grammar", "Pattern", "TenseCue", "grammar", "normalise"]

# Language-neutral placeholders. Years run 1000-2099: older ones are too rare in news to be worth the
# false dates ("1500 manifestants"); a two-digit year is only taken right after a month name.
_BUILTIN: dict[str, str] = {
    "day": r"(?:1er|1st|2nd|3rd|[23]?1st|2[23](?:nd|rd)|(?:[12]\d|3[01]|0?[1-9])(?:th)?)(?!\d)",
    "month_num": r"(?:0?[1-9]|1[0-2])",
    "month_num2": r"(?:0[1-9]|1[0-2])",
    "year": r"(?<![\d.,])(?:1\d\d\d|20\d\d)(?![\d]|[.,]\d)",
    "year2": r"'?\d\d(?!\d)",
    "year2_full": r"(?:1\d\d\d|20\d\d|\d\d)(?!\d)",
    "hour": r"(?:[01]?\d|2[0-4])",
    "minute": r"(?:[0-5]\d)",
    "decade_digits": r"(?:1\d\d0|20\d0|\d0)(?!\d)",
    "roman": r"(?:X{0,2}(?:IX|IV|V?I{0,3}))(?=[eè])",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+\d?(?:_[a-z]+)?)\}")


def normalise(phrase: str) -> str:
    """Lookup key of a matched word: lower case, one space, straight apostrophe."""
    return re.sub(r"\s+", " ", phrase.replace("’", "'").strip().lower())


@dataclass(frozen=True, slots=True)
class Pattern:
    concept: str
    kind: str
    regex: re.Pattern[str]
    direction: str | None


@dataclass(frozen=True, slots=True)
class TenseCue:
    """A `[[tense]]` rule: its direction, its regex, words it must not take, and its weight (a cue's
    distance to an expression is multiplied by it: weak cues such as any "-ed" word count less)."""

    concept: str
    regex: re.Pattern[str]
    exclude: frozenset[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Grammar:
    lang: str
    lexicons: Mapping[str, Mapping[str, Any]]
    patterns: tuple[Pattern, ...]
    tenses: tuple[TenseCue, ...]
    guards: tuple[re.Pattern[str], ...]
    settings: Mapping[str, Any]

    def lookup(self, kind: str, phrase: str) -> Any:
        """The concept of `phrase` in lexicon `kind` (None when absent)."""
        return self.lexicons.get(kind, {}).get(normalise(phrase))


def _escape(word: str) -> str:
    return re.escape(word.replace("’", "'")).replace(r"\ ", r"\s+").replace(" ", r"\s+")


def _alternation(words: list[str], case_sensitive: set[str], edge: str = r"\w") -> str:
    """One group matching any of `words` as whole words (a hyphen may join them to others: "mi-mars").

    Words are grouped by their edges so that each group has one boundary test, not one per word: the
    tagger runs these on every document, and per-word lookarounds made it several times slower.
    """
    groups: dict[tuple[bool, bool, bool], list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        key = (word[:1].isalnum(), word[-1:].isalnum(), word in case_sensitive)
        groups.setdefault(key, []).append(_escape(word))
    alts = []
    for (starts_word, ends_word, sensitive), escaped in groups.items():
        body = "(?:" + "|".join(escaped) + ")"
        if starts_word:
            body = r"(?<!\w)" + body
        if ends_word:
            body += rf"(?!{edge})"
        alts.append(f"(?-i:{body})" if sensitive else body)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


# Articles count as one ("a year", "un an") but never start a compound ("a two-year", "two and a half").
_ARTICLES = frozenset({"a", "an"})


def _number_regex(words: list[str]) -> str:
    word = _alternation([w for w in words if w not in _ARTICLES], set())
    article = _alternation([w for w in words if w in _ARTICLES], set()) if _ARTICLES & set(words) else ""
    compound = rf"{word}(?:(?:-|\s+et\s+|\s+and\s+(?!a\s)|\s+){word})*"
    # "5 1/2" is five and a half; a number never starts inside another or a fraction ("1/2" of "5 1/2").
    digits = r"(?<![\d/.,])\d+(?:[.,]\d+)?(?: 1/2|½)?(?![\d/])"
    return rf"(?:{digits}|{compound}" + (f"|{article})" if article else ")")


@functools.cache
def grammar(lang: str) -> Grammar:
    """The compiled grammar of `lang` (empty for a language with no `timex.toml`)."""
    data = load_rules(lang, "timex")
    settings: dict[str, Any] = dict(data.get("settings", {}))
    lexicons: dict[str, dict[str, Any]] = {}
    words_of: dict[str, list[str]] = {}  # by lexicon, and by lexicon_concept ({fraction_before})
    case_sensitive: dict[str, set[str]] = {}
    reserved = {"pattern", "tense", "guard", "settings"}
    for kind, rules in data.items():
        if kind in reserved or not isinstance(rules, list):
            continue
        lexicon = lexicons.setdefault(kind, {})
        for rule in rules:
            words = rule.get("words", [])
            pairs = words.items() if isinstance(words, dict) else ((w, rule.get("concept")) for w in words)
            for word, concept in pairs:
                lexicon[normalise(word)] = concept
                words_of.setdefault(kind, []).append(word)
                words_of.setdefault(f"{kind}_{rule.get('concept')}", []).append(word)
                if rule.get("case_sensitive"):
                    case_sensitive.setdefault(kind, set()).add(word)

    used: dict[str, int] = {}

    def expand(match: re.Match[str]) -> str:
        name = match[1]
        # A placeholder repeated in two branches gets a suffixed group ("ordinal__2"); `detect` merges.
        used[name] = used.get(name, 0) + 1
        group = name if used[name] == 1 else f"{name}__{used[name]}"
        base = name if name in _BUILTIN or name in words_of else name.rstrip("0123456789")
        if base == "num":
            body = _number_regex(words_of.get("number", []))
        elif base in _BUILTIN:
            body = _BUILTIN[base]
        elif base in words_of:
            body = _alternation(words_of[base], case_sensitive.get(base.split("_")[0], set()))
        else:
            raise ValueError(f"lang/{lang}/timex.toml: unknown placeholder {{{name}}}")
        return f"(?P<{group}>{body})"

    flags = re.IGNORECASE
    patterns = []
    for rule in data.get("pattern", []):
        used.clear()
        try:
            regex = re.compile(_PLACEHOLDER.sub(expand, rule["regex"]), flags)
        except re.error as exc:
            raise ValueError(f"lang/{lang}/timex.toml pattern {rule['concept']!r}: {exc}") from exc
        patterns.append(Pattern(rule["concept"], rule["kind"], regex, rule.get("direction")))
    # Tense cues are case-sensitive on purpose: "Ankara" is no future tense.
    tenses = tuple(
        TenseCue(
            rule["concept"],
            re.compile(rule["regex"]),
            frozenset(rule.get("exclude", [])),
            rule.get("weight", 1),
        )
        for rule in data.get("tense", [])
    )
    guards = tuple(re.compile(rule["regex"], flags) for rule in data.get("guard", []))
    return Grammar(lang, lexicons, tuple(patterns), tenses, guards, settings)

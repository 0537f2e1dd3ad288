"""Stage `figures`: numbers with what they count ("plus de 330 000 morts" → deaths, 330000, approx).

A figure is a number (digits, number words, "une trentaine", "3,7 millions") followed within two
words by a counted noun from `lang/<iso>/figures.toml`. What counts nothing (years, percentages,
ages, scores) is left out because no counted noun follows it; numbers inside a time expression are
left out when the `timex` layer is there.
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

__all__ = ["Figure", "extract_figures", "find_figures", "make_figures"]

# Words allowed between the number and the counted noun ("33 de ses soldats", "four Turkish soldiers").
MAX_GAP_WORDS = 2


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    kind: str
    value: float
    approx: bool
    unit: str


@dataclass(frozen=True, slots=True)
class _Rules:
    pattern: re.Pattern[str]
    money: re.Pattern[str]  # "$2 billion": a currency sign needs no counted noun
    words: dict[str, tuple[float, bool]]
    scales: dict[str, float]
    approx: tuple[re.Pattern[str], ...]
    not_a_count: tuple[re.Pattern[str], ...]
    counted: tuple[tuple[str, re.Pattern[str], dict[str, str]], ...]
    decimal: str
    thousands: tuple[str, ...]
    plural_determiners: frozenset[str]  # "des centaines": an indefinite plural is approximate


def _alternation(words: Any) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _rules(lang: str | None) -> _Rules | None:
    data = load_rules(lang or "", "figures")
    if not data:
        return None
    words: dict[str, tuple[float, bool]] = {}
    for rule in data.get("number_word", []):
        for word, value in rule["values"].items():
            words[word] = (float(value), bool(rule.get("approx")))
    scales = {w: float(v) for rule in data.get("scale", []) for w, v in rule["values"].items()}
    fmt = data.get("number_format", {})
    decimal = re.escape(fmt.get("decimal", "."))
    thousands = "".join(re.escape(t) for t in fmt.get("thousands", [","]))
    digits = rf"\d{{1,3}}(?:[{thousands}]\d{{3}})+(?:{decimal}\d+)?|\d+(?:{decimal}\d+)?"
    counted = tuple(
        (rule["kind"], re.compile(rule["pattern"], re.IGNORECASE), dict(rule.get("unit_of", {})))
        for rule in data.get("counted", [])
    )
    nouns = "|".join(f"(?:{rule[1].pattern})" for rule in counted)
    # "des centaines", "une trentaine", "a million"; "3,7 millions de réfugiés", "33 de ses soldats".
    determiners = _alternation(fmt.get("determiners", [])) or r"(?!)"
    of = _alternation(fmt.get("of", [])) or r"(?!)"
    pattern = re.compile(
        rf"(?P<currency>[$€£]\s?)?"
        rf"(?:\b(?P<det>{determiners})\s+)?"
        rf"(?P<number>(?<![\d.,])(?:{digits})|\b(?:{_alternation(words)})\b)"
        rf"(?:\s+(?:(?:{of})\s*)?(?P<scale>\b(?:{_alternation(scales)})\b))?"
        rf"(?P<gap>(?:\s+(?:{of}))?(?:\s*[\w’'-]+){{0,{MAX_GAP_WORDS}}}?)\s*"
        rf"(?P<noun>{nouns})",
        re.IGNORECASE,
    )
    money = re.compile(
        rf"(?P<currency>[$€£])\s?(?P<number>{digits})(?:\s+(?P<scale>\b(?:{_alternation(scales)})\b))?",
        re.IGNORECASE,
    )
    return _Rules(
        pattern,
        money,
        words,
        scales,
        tuple(re.compile(rule["pattern"], re.IGNORECASE) for rule in data.get("approx", [])),
        tuple(re.compile(rule["pattern"], re.IGNORECASE) for rule in data.get("not_a_count", [])),
        counted,
        fmt.get("decimal", "."),
        tuple(fmt.get("thousands", [","])),
        frozenset(fmt.get("plural_determiners", [])),
    )


def _number(text: str, rules: _Rules) -> tuple[float, bool] | None:
    key = text.lower()
    if key in rules.words:
        return rules.words[key]
    for separator in rules.thousands:
        text = text.replace(separator, "")
    try:
        return float(text.replace(rules.decimal, ".")), False
    except ValueError:
        return None


def find_figures(text: str, lang: str | None, *, start: int = 0, end: int | None = None) -> list[Figure]:
    """The figures of `text[start:end]`, in order."""
    rules = _rules(lang)
    if rules is None:
        return []
    end = len(text) if end is None else end
    figures = _find(text, rules, start, end)
    for match in rules.money.finditer(text, start, end):
        if any(f.start <= match.start() < f.end for f in figures):
            continue
        found = _number(match.group("number"), rules)
        if found is not None:
            value = found[0] * (rules.scales[match.group("scale").lower()] if match.group("scale") else 1)
            unit = next((u.get(match.group("currency"), "") for k, _, u in rules.counted if k == "money"), "")
            figures.append(Figure(match.start(), match.end(), "money", value, False, unit))
    return sorted(figures, key=lambda f: f.start)


def _find(text: str, rules: _Rules, start: int, end: int) -> list[Figure]:
    figures: list[Figure] = []
    position = start
    while True:
        match = rules.pattern.search(text, position, end)
        if match is None:
            break
        position = match.start("number") + 1
        gap = match.group("gap")
        if re.search(r"[.;:!?]", gap) or (figures and match.start("number") < figures[-1].end):
            continue
        found = _number(match.group("number"), rules)
        if found is None:
            continue
        value, approx = found
        scale = match.group("scale")
        if scale:
            value *= rules.scales[scale.lower()]
        elif re.fullmatch(r"\d{4}", match.group("number")) and 1800 <= value <= 2100:
            continue  # a year before a noun ("2011 morts" is not written; "en 2015 des soldats" is)
        number_start = match.start("currency") if match.group("currency") else match.start("number")
        before = text[max(start, number_start - 25) : number_start]
        if not scale and (
            value < 2
            or any(p.search(text, max(start, match.start() - 12), match.start()) for p in rules.not_a_count)
        ):
            continue  # "un pays", "les deux hommes": things, not a count
        det = (match.group("det") or "").lower()
        if det in rules.plural_determiners or any(p.search(before) for p in rules.approx):
            approx = True
        noun = match.group("noun")
        kind, unit = "other", noun
        for name, pattern, units in rules.counted:
            if pattern.fullmatch(noun):
                kind, unit = name, units.get(noun.lower(), noun)
                break
        if match.group("currency"):
            kind = "money"
            unit = next(
                (u.get(match.group("currency").strip(), "") for k, _, u in rules.counted if k == "money"), ""
            )
        figures.append(Figure(match.start(), match.end(), kind, value, approx, unit))
        position = match.end()
    return figures


def extract_figures(doc: Document) -> Document:
    """Fill `doc.layers["figures"]`; numbers inside time expressions are skipped."""
    timexes = doc.layer("timex")
    sentences = doc.layer("sentences") or [Span(0, len(doc.text), "sentence")]
    spans = []
    for sentence in sentences:
        for figure in find_figures(doc.text, doc.lang, start=sentence.start, end=sentence.end):
            if any(
                t.start < figure.end and figure.start < t.end for t in timexes if _inside_number(t, figure)
            ):
                continue
            spans.append(
                Span(
                    figure.start,
                    figure.end,
                    figure.kind,
                    {
                        "value": figure.value,
                        "approx": figure.approx,
                        "unit": figure.unit,
                        "sentence": [sentence.start, sentence.end],
                    },
                )
            )
    doc.set_layer("figures", spans)
    return doc


def _inside_number(timex: Span, figure: Figure) -> bool:
    # A time expression that covers the figure's first character: "12 janvier" read as "12 …".
    return timex.start <= figure.start < timex.end


@register_stage("figures", requires=("text", "lang", "sentences"), assigns=("figures",))
def make_figures(settings: Settings) -> StageFn:
    del settings
    return extract_figures


@register_checker("figures")
def check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """An example is a text whose first figure has the stated value, approximation and kind."""
    if isinstance(example, str):  # a cue written "cue|rest": approximate, or no figure at all
        before, _, after = example.partition("|")
        figures = find_figures(before + after, lang)
        if "not_a_count" in str(rule.get("concept")) or rule.get("concept") == "definite":
            assert not figures, f"{lang}: {example!r} should give no figure"
        else:
            assert figures and figures[0].approx, f"{lang}: {example!r} should give an approximate figure"
        return
    figures = find_figures(example["text"], lang)
    assert figures, f"{lang}: no figure in {example['text']!r}"
    got = figures[0]
    assert (got.value, got.approx, got.kind) == (example["value"], example["approx"], example["kind"]), (
        f"{lang}: {example['text']!r} gave {got.value} approx={got.approx} {got.kind}"
    )

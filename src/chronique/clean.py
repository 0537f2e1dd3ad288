"""Stage `clean`: boilerplate lines out of already-extracted plain text (#2).

Extractors such as trafilatura leave page furniture inside the text they return: cookie banners,
"Suivez … sur Telegram", "Lire aussi" links, error widgets, photo credits, pull quotes. The cleaner
removes whole lines only, so that `doc.text` is `doc.raw` with the removed spans cut out, and every
removed line stays in the `removed` layer (offsets into `raw`, label = reason, attrs `text`, `rule`).

Four kinds of evidence, applied in this order:

1. phrases: per-language rules in `lang/<iso>/boilerplate.toml` (regex or glued UI labels);
2. template lines: lines repeated across the documents of one source, found by
   `mark_template_lines(docs)` and passed in `doc.meta["template_lines"]`;
3. repeats: a line that repeats an earlier one (`duplicate`), or whose words all appear elsewhere in
   the kept text: a pull quote standing alone beside the paragraph that quotes it (`pullquote`: the
   stand-alone copy goes, the paragraph stays), a truncated teaser of the first paragraphs;
4. structure: short lines wedged between removed lines ("OK" between two consent paragraphs), and the
   text of an embedded post just before its link.

Lines that `keep` rules recognise (bylines, datelines) are content or metadata and never fall to
evidence 2 to 4; an explicit phrase rule still wins over them.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from chronique.lang import available_languages, load_rules, register_checker
from chronique.model import Document, Span
from chronique.pipeline import StageFn, register_stage
from chronique.settings import Settings

__all__ = [
    "TEMPLATE_MIN_DOCS",
    "BoilerplateRule",
    "SourceLines",
    "clean_document",
    "clean_text",
    "is_navigation",
    "line_key",
    "mark_template_lines",
    "normalise_line",
    "rules_for",
    "source_key",
    "template_candidates",
    "template_lines_of",
]

# A line is a template line of a source when it appears in at least this many documents of the
# source. 3 rather than 2: two articles of one site may share a real sentence (a syndicated
# background paragraph), three seldom do; the seeds and the dev set have no source with 3 shared
# lines of content.
TEMPLATE_MIN_DOCS = 3
# Template lines longer than this are left to the phrase rules: a long repeated paragraph is more
# likely background text a site reuses (content) than furniture. Furniture lines in the seeds and
# the dev set are all under 25 words, cookie banners aside (which the phrase rules catch).
TEMPLATE_MAX_WORDS = 30
# ... and in at least this share of the source's documents. Furniture is on every page of a site;
# a sentence of wire copy or a wire headline is shared by the few articles on one story. Matters
# most when documents are grouped by folder (several outlets, one story, no URLs).
TEMPLATE_MIN_SHARE = 0.5

# A pull quote is recognised only when its words are at least this long: shorter lines ("Empêcher
# une escalade", a 21-character subhead) occur inside paragraphs by chance. The seeds' pull quotes
# are 110 and 120 characters; the longest subhead of the seeds and dev set that also appears inside
# a paragraph is 21 characters, so 40 leaves a wide margin both ways.
PULLQUOTE_MIN_CHARS = 40
# Exact duplicate lines shorter than this are left alone ("Vladimir Poutine:" speaker labels).
DUPLICATE_MIN_CHARS = 20
# Looking for a line's words in the rest of the text costs lines × characters: documents with more
# kept lines than this (a book, a dump; no news article comes near: the longest seed or dev text has
# 37) only get the exact-duplicate check, so that a 50 MB input cannot stall a batch.
REPEATS_MAX_LINES = 2000

# Structure: a run of at most STRUCTURE_MAX_LINES kept lines with a removed line on each side goes
# when each of its lines has at most STRUCTURE_MAX_WORDS words and no sentence-final punctuation.
# Tuned on the seeds: "Raconter l'actualité" (2 words) and "OK" go; subheads after a junk line ("Une
# volonté de mettre fin …" after "Lire aussi") stay because a kept paragraph follows them, and a
# headline has nothing before it. 6 words and 2 lines keep the rule to widget-sized text; on the dev
# texts it removes nothing (bylines wedged between credits and share widgets are `keep` lines).
STRUCTURE_MAX_WORDS = 6
STRUCTURE_MAX_LINES = 2

_BULLETS = "•·►▶▸‣◦*"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u200b]+")
_QUOTES = "\"'«»“”„‘’ "
_SENTENCE_END = re.compile(r"[.!?…:;][\"'»”’)\]]*$")
_WORD = re.compile(r"[^\w\s]*\w\S*")  # a whitespace-separated token with a letter or digit
_HASHTAG = re.compile(r"(?:^|\s)[#@]\w")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


@dataclass(frozen=True, slots=True)
class BoilerplateRule:
    """One rule of a `boilerplate.toml` file, compiled."""

    id: str
    concept: str
    lang: str
    regex: re.Pattern[str]
    max_words: int | None = None

    @property
    def keeps(self) -> bool:
        return self.concept == "keep"

    def matches(self, line: str, words: int | None = None) -> bool:
        """True when the normalised `line` (of `words` words, counted if not given) is what this rule
        describes."""
        if self.max_words is not None:
            if words is None:
                words = _word_count(line)
            if words > self.max_words:
                return False
        return self.regex.search(line) is not None


def is_navigation(line: str, *, lang: str | None = None) -> bool:
    """True when a `navigation` rule (a breadcrumb, "Skip to content" …) recognises `line`."""
    norm = normalise_line(line)
    return bool(norm) and any(r.concept == "navigation" and r.matches(norm) for r in rules_for(lang))


def _word_count(line: str) -> int:
    return len(_WORD.findall(line))


def normalise_line(line: str) -> str:
    """The line as the rules see it: bullets and indentation gone, spaces and apostrophes plain."""
    line = unicodedata.normalize("NFC", line).replace("’", "'").replace("ʼ", "'")
    line = _SPACES.sub(" ", line).strip()
    return line.lstrip(_BULLETS + " ").rstrip()


def _compile(lang: str, data: dict[str, Any]) -> BoilerplateRule:
    rule_id = str(data.get("id") or data.get("concept"))
    if "labels" in data:
        labels = sorted((str(label) for label in data["labels"]), key=len, reverse=True)
        alternatives = "|".join(r"\s*".join(re.escape(word) for word in label.split()) for label in labels)
        pattern = rf"^(?:(?:{alternatives})[\s|·•/,:-]*)+$"
    else:
        pattern = str(data["pattern"])
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"lang/{lang}/boilerplate.toml, rule {rule_id!r}: bad pattern ({exc})") from exc
    max_words = data.get("max_words")
    return BoilerplateRule(
        rule_id, str(data["concept"]), lang, regex, int(max_words) if max_words is not None else None
    )


@functools.cache
def _language_rules(lang: str) -> tuple[BoilerplateRule, ...]:
    return tuple(_compile(lang, data) for data in load_rules(lang, "boilerplate").get("rule", []))


@functools.cache
def rules_for(lang: str | None = None) -> tuple[BoilerplateRule, ...]:
    """Every language's rules, those of `lang` first.

    All languages apply to every text because scraped pages mix languages in their furniture (a
    French article under English "Close Button" and "Copy to clipboard" labels); `lang` only decides
    which rule is credited when two match.
    """
    langs = available_languages()
    ordered = ([lang] if lang in langs else []) + [other for other in langs if other != lang]
    return tuple(rule for code in ordered for rule in _language_rules(code))


@dataclass(slots=True)
class _Line:
    start: int
    stop: int  # end, newline included
    text: str
    norm: str
    reason: str | None = None
    rule: str = ""
    protected: bool = False

    @property
    def blank(self) -> bool:
        return not self.norm

    @property
    def kept(self) -> bool:
        return self.reason is None and bool(self.norm)

    def remove(self, reason: str, rule: str) -> None:
        self.reason, self.rule = reason, rule


def _split_lines(raw: str) -> list[_Line]:
    lines = []
    for match in _LINE.finditer(raw):
        body = match.group().rstrip("\n").rstrip("\r")
        lines.append(_Line(match.start(), match.end(), body, normalise_line(body)))
    return lines


def _template_key(norm: str) -> str:
    return norm.casefold()


def _apply_phrases(lines: list[_Line], rules: Sequence[BoilerplateRule]) -> None:
    for line in lines:
        if line.blank:
            continue
        words = _word_count(line.norm)
        for rule in rules:
            if rule.keeps:
                if not line.protected and rule.matches(line.norm, words):
                    line.protected = True
            elif line.reason is None and rule.matches(line.norm, words):
                line.remove(rule.concept, rule.id)


def _apply_template(lines: list[_Line], template_lines: Iterable[str]) -> None:
    keys = {_template_key(normalise_line(t)) for t in template_lines}
    if not keys:
        return
    headline = next((line for line in lines if not line.blank), None)
    for line in lines:
        # The first line is the headline (content), even when a wire headline recurs across a folder.
        if line.kept and not line.protected and line is not headline and _template_key(line.norm) in keys:
            line.remove("template", "template")


def _quote_core(norm: str) -> str:
    return norm.strip(_QUOTES).rstrip(".…").strip(_QUOTES).casefold()


def _apply_repeats(lines: list[_Line]) -> None:
    seen: set[str] = set()
    for line in lines:
        if not line.kept or line.protected:
            continue
        key = line.norm.casefold()
        if len(key) >= DUPLICATE_MIN_CHARS and key in seen:
            line.remove("duplicate", "duplicate-line")
        seen.add(key)
    # A line whose words all appear elsewhere in the kept text (inside a longer paragraph, or across
    # two: a truncated teaser) goes; lines are taken in order and each removal updates the text, so
    # one copy of the words always stays.
    if sum(line.kept for line in lines) > REPEATS_MAX_LINES:
        return
    joined = _joined(lines)
    for line in lines:
        if not line.kept or line.protected:
            continue
        core = _quote_core(line.norm)
        if len(core) >= PULLQUOTE_MIN_CHARS and joined.count(core) > line.norm.casefold().count(core):
            quoted = line.norm[:1] in _QUOTES
            line.remove(*(("pullquote", "quote-repeated") if quoted else ("duplicate", "line-repeated")))
            joined = _joined(lines)


def _joined(lines: list[_Line]) -> str:
    return " ".join(line.norm.casefold() for line in lines if line.kept)


def _neighbour(lines: list[_Line], index: int, step: int) -> _Line | None:
    index += step
    while 0 <= index < len(lines):
        if not lines[index].blank:
            return lines[index]
        index += step
    return None


def _is_short(line: _Line) -> bool:
    return _word_count(line.norm) <= STRUCTURE_MAX_WORDS and not _SENTENCE_END.search(line.norm)


def _apply_structure(lines: list[_Line]) -> None:
    # The text of an embedded post comes just before its link or attribution line.
    for index, line in enumerate(lines):
        after = _neighbour(lines, index, 1)
        if (
            line.kept
            and not line.protected
            and after is not None
            and after.reason == "embed"
            and _HASHTAG.search(line.norm)
        ):
            line.remove("embed", "embed-text")
    # Runs of short kept lines with removed lines on both sides.
    run: list[_Line] = []
    before_run: _Line | None = None
    decisions: list[list[_Line]] = []
    for line in lines:
        if line.blank:
            continue
        if line.kept:
            run.append(line)
            continue
        if run and before_run is not None and before_run.reason is not None:
            decisions.append(run)
        run, before_run = [], line
    for candidate in decisions:
        if len(candidate) <= STRUCTURE_MAX_LINES and all(
            _is_short(line) and not line.protected for line in candidate
        ):
            for line in candidate:
                line.remove("structure", "short-between-removed")


def _spans(lines: list[_Line]) -> list[Span]:
    """Removed spans, each swallowing the blank lines its removal would leave doubled or dangling.

    A block is a maximal run of blank and removed lines holding at least one removed line. From the
    first to the last removed line everything goes; of the blank lines around, the block keeps as
    many as the wider side had (none at either end of the document), so a removal never leaves a
    wider gap than the text already had, nor glues two paragraphs.
    """
    spans: list[Span] = []
    index = 0
    while index < len(lines):
        if lines[index].reason is None:
            index += 1
            continue
        first = index
        while first > 0 and lines[first - 1].blank and lines[first - 1].reason is None:
            first -= 1
        end = index
        while end < len(lines) and (lines[end].blank or lines[end].reason is not None):
            end += 1
        removed = [i for i in range(index, end) if lines[i].reason is not None]
        lead, trail = removed[0] - first, end - 1 - removed[-1]
        at_edge = first == 0 or end == len(lines)
        excess = lead + trail - (0 if at_edge else max(lead, trail))
        drop_trail = min(trail, excess)
        start_line, stop_line = removed[0] - (excess - drop_trail), removed[-1] + drop_trail
        for number, i in enumerate(removed):
            start = lines[start_line].start if number == 0 else lines[i].start
            stop = lines[removed[number + 1]].start if number + 1 < len(removed) else lines[stop_line].stop
            spans.append(_removed_span(start, stop, lines[i]))
        index = end
    return spans


def _removed_span(start: int, stop: int, line: _Line) -> Span:
    return Span(start, stop, line.reason or "", {"text": line.text, "rule": line.rule})


def clean_text(
    raw: str, *, lang: str | None = None, template_lines: Iterable[str] = ()
) -> tuple[str, list[Span]]:
    """`raw` without its boilerplate lines, and the `removed` spans (offsets into `raw`)."""
    lines = _split_lines(raw)
    _apply_phrases(lines, rules_for(lang))
    _apply_template(lines, template_lines)
    _apply_repeats(lines)
    _apply_structure(lines)
    spans = _spans(lines)
    pieces, position = [], 0
    for span in spans:
        pieces.append(raw[position : span.start])
        position = span.end
    pieces.append(raw[position:])
    return "".join(pieces), spans


def clean_document(doc: Document) -> Document:
    """Assign `doc.text` and the `removed` layer; consumes `doc.meta["template_lines"]`."""
    template_lines = doc.meta.pop("template_lines", None) or ()
    doc.text, removed = clean_text(doc.raw, lang=doc.lang, template_lines=template_lines)
    doc.set_layer("removed", removed)
    return doc


def source_key(doc: Document) -> str:
    """What groups documents of one source: URL host, else parent folder, else the source itself."""
    if doc.url:
        host = urlsplit(doc.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    source = doc.source.split("#", 1)[0]
    if "/" in source:
        return str(PurePosixPath(source).parent)
    return source


@dataclass(slots=True)
class SourceLines:
    """Line statistics of one source: how many documents it has, and in how many of them each short
    line (by `line_key`) occurs. The store keeps one per source across runs (#2)."""

    documents: int = 0
    lines: dict[int, int] = field(default_factory=dict)

    def threshold(self, min_docs: int = TEMPLATE_MIN_DOCS) -> int:
        """Documents a line must occur in to be a template line of this source."""
        return max(min_docs, math.ceil(TEMPLATE_MIN_SHARE * self.documents))

    def template(self, min_docs: int = TEMPLATE_MIN_DOCS) -> set[int]:
        """The keys of this source's template lines."""
        if self.documents < min_docs:
            return set()
        needed = self.threshold(min_docs)
        return {line for line, count in self.lines.items() if count >= needed}

    def count(self, keys: Iterable[int]) -> None:
        """Count one more document, holding the lines `keys`."""
        self.documents += 1
        for key in keys:
            self.lines[key] = self.lines.get(key, 0) + 1


def line_key(norm: str) -> int:
    """A stable 63-bit hash of a normalised line, as template statistics store it."""
    digest = hashlib.blake2b(_template_key(norm).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def template_candidates(raw: str) -> dict[int, str]:
    """The lines of `raw` that may be template lines (short, not blank), by `line_key`."""
    found: dict[int, str] = {}
    for line in raw.splitlines():
        norm = normalise_line(line)
        if norm and _word_count(norm) <= TEMPLATE_MAX_WORDS:
            found.setdefault(line_key(norm), norm)
    return found


def template_lines_of(raw: str, stats: SourceLines, *, min_docs: int = TEMPLATE_MIN_DOCS) -> list[str]:
    """The lines of `raw` that `stats` (its source's statistics, this document counted) make template
    lines."""
    if stats.documents < min_docs:
        return []
    needed = stats.threshold(min_docs)
    return sorted(
        norm for line, norm in template_candidates(raw).items() if stats.lines.get(line, 0) >= needed
    )


def mark_template_lines(
    docs: Sequence[Document],
    *,
    min_docs: int = TEMPLATE_MIN_DOCS,
    stored: Mapping[str, SourceLines] | None = None,
) -> dict[str, SourceLines]:
    """Put in `doc.meta["template_lines"]` the lines repeated in ≥ `min_docs` documents of its source
    (and in at least `TEMPLATE_MIN_SHARE` of them); return the statistics of each source, `docs`
    counted.

    `stored` gives the statistics of documents seen before, by `source_key` (the store's, so that a
    source added over several runs still shows its template); `docs` must not be counted in it.
    """
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        groups[source_key(doc)].append(doc)
    totals: dict[str, SourceLines] = {}
    for key, group in groups.items():
        before = (stored or {}).get(key)
        stats = totals[key] = SourceLines(before.documents, dict(before.lines)) if before else SourceLines()
        for doc in group:
            stats.count(template_candidates(doc.raw))
        for doc in group:
            mine = template_lines_of(doc.raw, stats, min_docs=min_docs)
            if mine:
                doc.meta["template_lines"] = mine
    return totals


@register_stage("clean", requires=("raw",), assigns=("text", "removed"))
def make_clean(settings: Settings) -> StageFn:
    """The `clean` stage (no settings yet: the rules are data)."""
    return clean_document


@register_checker("boilerplate")
def check_boilerplate_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """A string example must match its rule (and be removed, or kept for `keep` rules); a table
    `{text, match = false}` must not match."""
    compiled = _compile(lang, rule)
    if isinstance(example, dict):
        text, expect = str(example["text"]), bool(example.get("match", True))
    else:
        text, expect = str(example), True
    norm = normalise_line(text)
    if compiled.matches(norm) != expect:
        raise AssertionError(f"rule {compiled.id!r} {'should' if expect else 'should not'} match {text!r}")
    if expect:
        cleaned, removed = clean_text(text, lang=lang)
        if compiled.keeps and removed:
            raise AssertionError(f"keep rule {compiled.id!r}: {text!r} was removed as {removed[0].label}")
        if not compiled.keeps and cleaned.strip():
            raise AssertionError(f"rule {compiled.id!r}: {text!r} matched but was not removed")

"""What the web page needs beyond the data: interface strings, readable dates, marked-up documents (#6)."""

from __future__ import annotations

import functools
import itertools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from chronique.model import Document, FuzzyDate, Granularity, Span

__all__ = [
    "INTERFACE_LANGUAGES",
    "MarkedDocument",
    "Strings",
    "display_name",
    "format_date",
    "headline",
    "highlight",
    "mark_document",
    "outlet",
    "strings",
    "web_url",
]

INTERFACE_LANGUAGES = ("fr", "en")
# The layers the document view marks, outermost first (a mention inside an event trigger nests in it).
MARKED_LAYERS = ("events", "timex", "entities")


class Strings:
    """Interface strings of one language: `t("key", n=3)`, falling back to English, then to the key."""

    def __init__(self, lang: str, table: Mapping[str, Any], fallback: Mapping[str, Any]) -> None:
        self.lang = lang
        self._table = table
        self._fallback = fallback

    def get(self, key: str) -> Any:
        return self._table.get(key, self._fallback.get(key, key))

    def __call__(self, key: str, **values: Any) -> str:
        text = str(self.get(key))
        return text.format(**values) if values else text

    def count(self, key: str, n: int) -> str:
        """`key` with n ("{n} sources"), or `<key>_one` when n is 1 and the language has it ("1 source")."""
        if n == 1 and f"{key}_one" in self._table:
            return self(f"{key}_one")
        return self(key, n=n)

    def type_name(self, event_type: str, table: str = "type_names") -> str:
        """The name of an event type (or, with table="entity_type_names", of an entity type)."""
        names = self.get(table)
        fallback = event_type.replace("_", " ")
        return str(names.get(event_type, fallback)) if isinstance(names, dict) else fallback


@functools.cache
def _tables() -> dict[str, dict[str, Any]]:
    path = resources.files("chronique").joinpath("web/templates/strings.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def strings(lang: str) -> Strings:
    tables = _tables()
    return Strings(lang, tables.get(lang, tables["en"]), tables["en"])


def format_date(value: str | None, granularity: str | None, t: Strings) -> str:
    """'28 septembre 2017', 'September 2017', 'autumn 2015' … ; the TIMEX3 value when it is unusual."""
    if not value:
        return t("undated")
    try:
        date = FuzzyDate.parse(value) if granularity is None else FuzzyDate(value, Granularity(granularity))
        start = date.start
    except (ValueError, KeyError):
        return value
    months = t.get("month_names")
    month = months[start.month - 1] if isinstance(months, list) and len(months) == 12 else str(start.month)
    g = date.granularity
    if g is Granularity.DAY:
        return t("day_format", day=start.day, month=month, year=start.year)
    if g is Granularity.MONTH:
        return t("month_format", month=month, year=start.year)
    if g is Granularity.YEAR:
        return str(start.year)
    if g is Granularity.SEASON:
        seasons = t.get("season_names")
        season = seasons.get(value[5:], value[5:]) if isinstance(seasons, dict) else value[5:]
        return f"{season} {start.year}"
    if g is Granularity.WEEK:
        return t("week_label", week=int(value[6:]), year=value[:4])
    if g is Granularity.DECADE:
        return t("decade_label", decade=value[:3] + "0")
    return value


# Characters of the first line shown as the headline of a document that has no title.
HEADLINE_CHARS = 100


def headline(title: str | None, text: str) -> str:
    """The title, else the first non-empty line of the text, shortened at a word."""
    if title and title.strip():
        return title.strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= HEADLINE_CHARS:
        return first
    return first[:HEADLINE_CHARS].rsplit(" ", 1)[0] + "…"


def display_name(entity: Mapping[str, Any], lang: str) -> str:
    """An entity ({id, name}) named in `lang` when the gazetteer knows it ("Vladimir Poutine", "Moscou")."""
    name = str(entity.get("name") or entity.get("id"))
    try:
        from chronique.entities import registry
    except ImportError:  # the entities stage is optional for the web page
        return name
    known = registry().get(str(entity.get("id")))
    return known.display_name(lang) if known is not None else name


def web_url(url: str | None) -> str | None:
    """`url` when it is an http(s) address, else None: a `javascript:` URL in an article is no link."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def outlet(url: str | None, source: str) -> str:
    """A short name for where a document comes from: the web site, else the file name."""
    if url:
        host = urlsplit(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return source.replace("\\", "/").rsplit("/", 1)[-1] or source


# -- the document view -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: a Span's attrs are a dict
class _Mark:
    span: Span
    layer: str


def _title(mark: _Mark) -> str:
    attrs = mark.span.attrs
    if mark.layer == "timex":
        return f"{mark.span.label} {attrs.get('value', '')}".strip()
    if mark.layer == "entities":
        return f"{attrs.get('name') or ''} ({mark.span.label})".strip()
    if mark.layer == "events":
        date = attrs.get("date") or {}
        parts = [mark.span.label, str(attrs.get("status") or ""), str(date.get("value") or "")]
        return " · ".join(p for p in parts if p)
    return mark.span.label


def _open(mark: _Mark) -> str:
    css = {"timex": "m-timex", "entities": "m-entity", "events": "m-event"}.get(mark.layer, "m-evidence")
    attrs = (
        f' class="m {css}" title="{escape(_title(mark))}"'
        if mark.layer != "evidence"
        else ' class="m m-evidence"'
    )
    if mark.layer == "entities" and mark.span.attrs.get("entity_id"):
        return f'<a href="/entities/{escape(mark.span.attrs["entity_id"])}"{attrs}>'
    if mark.layer == "evidence":
        return f"<mark{attrs}>"
    return f"<span{attrs}>"


def _close(mark: _Mark) -> str:
    if mark.layer == "entities" and mark.span.attrs.get("entity_id"):
        return "</a>"
    return "</mark>" if mark.layer == "evidence" else "</span>"


def _marked_text(text: str, marks: Sequence[_Mark]) -> str:
    """`text` escaped, each mark wrapped; overlapping marks are split at every boundary and re-opened."""
    bounds = sorted({0, len(text), *(m.span.start for m in marks), *(m.span.end for m in marks)})
    order = {m: i for i, m in enumerate(marks)}
    out: list[str] = []
    for lo, hi in itertools.pairwise(bounds):
        if lo >= hi or lo < 0 or hi > len(text):
            continue
        active = sorted((m for m in marks if m.span.start <= lo and hi <= m.span.end), key=order.__getitem__)
        for m in active:
            tag = _open(m)
            if m.layer == "evidence" and lo == m.span.start:  # the anchor the page scrolls to, once
                tag = tag.replace("<mark", '<mark id="evidence" tabindex="-1"', 1)
            out.append(tag)
        out.append(str(escape(text[lo:hi])))
        out += [_close(m) for m in reversed(active)]
    return "".join(out)


def _removed_positions(doc: Document) -> list[tuple[int, Span]] | None:
    """Where each removed line of `raw` was in `text`, or None when `text` is not `raw` minus those lines."""
    removed = sorted(doc.layer("removed"), key=lambda s: s.start)
    for extend in (0, 1):  # spans over the line only, or the line and its newline
        pieces, positions, cut, pos = [], [], 0, 0
        for span in removed:
            end = span.end + extend if doc.raw[span.end : span.end + extend] == "\n" else span.end
            if span.start < pos:
                break
            pieces.append(doc.raw[pos : span.start])
            positions.append((span.start - cut, span))
            cut += end - span.start
            pos = end
        else:
            pieces.append(doc.raw[pos:])
            if "".join(pieces) == doc.text:
                return positions
    return None


@dataclass(frozen=True, slots=True)
class MarkedDocument:
    html: Markup  # the text with its marks, removed lines struck out in place
    removed_apart: list[tuple[str, str]]  # (reason, line) when they could not be placed in the text


def mark_document(doc: Document, *, evidence: tuple[int, int] | None = None) -> MarkedDocument:
    """The document's text as HTML: time expressions, entities and events marked, boilerplate struck out."""
    marks = [
        _Mark(span, layer)
        for layer in MARKED_LAYERS
        for span in doc.layer(layer)
        if 0 <= span.start < span.end <= len(doc.text)
    ]
    if evidence and 0 <= evidence[0] < evidence[1] <= len(doc.text):
        marks.insert(0, _Mark(Span(evidence[0], evidence[1], "evidence"), "evidence"))
    positions = _removed_positions(doc)
    if positions is None:
        apart = [
            (s.label, str(s.attrs.get("text") or doc.raw[s.start : s.end])) for s in doc.layer("removed")
        ]
        return MarkedDocument(Markup(_marked_text(doc.text, marks)), apart)
    # Cut the text where removed lines were, mark each piece, and put the struck-out lines between.
    out: list[str] = []
    pos = 0
    for where, span in [*positions, (len(doc.text), None)]:
        piece_marks = [
            _Mark(
                Span(max(m.span.start, pos) - pos, min(m.span.end, where) - pos, m.span.label, m.span.attrs),
                m.layer,
            )
            for m in marks
            if m.span.start < where and m.span.end > pos
        ]
        out.append(_marked_text(doc.text[pos:where], piece_marks))
        if span is not None:
            line = doc.raw[span.start : span.end]
            rule = span.attrs.get("rule")
            title = f"{span.label}: {rule}" if rule else span.label
            out.append(f'<del class="removed" title="{escape(title)}">{escape(line)}</del>')
        pos = where
    return MarkedDocument(Markup("".join(out)), [])


def highlight(text: str, ranges: Sequence[Sequence[int]]) -> Markup:
    """`text` escaped, with each [start, end) range in a <mark>."""
    out: list[str] = []
    pos = 0
    for start, end in sorted((int(r[0]), int(r[1])) for r in ranges):
        if start < pos or end > len(text):
            continue
        out += [str(escape(text[pos:start])), "<mark>", str(escape(text[start:end])), "</mark>"]
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))

"""Time expressions in French and English text → TIMEX3 spans (the `timex` stage, issue #3).

    >>> from chronique.timex import tag
    >>> [(s.label, s.attrs["value"]) for s in tag("Il arrivera lundi.", lang="fr", dct="2017-09-26")]
    [('DATE', '2017-10-02')]

`detect` finds expressions and their written `parts`; `resolve` anchors them on a document creation
time (`dct`) and on the narrative; `tag` does both. Rules are data: `lang/<iso>/timex.toml`. No parse,
no model: the tagger is a few compiled regexes per language, fast enough to run on every document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from chronique.lang import register_checker
from chronique.model import Document, FuzzyDate, Granularity, Span
from chronique.pipeline import StageFn, register_stage
from chronique.settings import Settings
from chronique.timex.detect import detect_spans
from chronique.timex.grammar import grammar
from chronique.timex.resolve import resolve_spans

__all__ = ["TimexDate", "detect", "resolve", "tag", "tag_timex", "to_timeml"]

TimexDate = FuzzyDate | dt.date | dt.datetime | str | None


def _dct_date(dct: TimexDate) -> dt.date | None:
    """A day-level document date, or None."""
    date = _dct(dct)
    return date if isinstance(date, dt.date) else None


def _dct(dct: TimexDate) -> dt.date | FuzzyDate | None:
    """The document date as a day, or as a coarser `FuzzyDate` ("2017-05", "2017"), which anchors what
    it determines ("cette année", "le 3 mai") and nothing finer (#3)."""
    if dct is None:
        return None
    if isinstance(dct, dt.datetime):
        return dct.date()
    if isinstance(dct, dt.date):
        return dct
    if isinstance(dct, str):
        try:
            if re.match(r"\d{4}-\d{2}-\d{2}", dct):  # "2017-09-26", "2017-09-26T10:00"
                return dt.date.fromisoformat(dct[:10])
            return FuzzyDate.parse(dct)
        except ValueError:
            raise ValueError(
                f"document date {dct!r} is not a date: give it as YYYY-MM-DD (or YYYY-MM, YYYY)"
            ) from None
    if dct.granularity is Granularity.DAY:
        return dct.start
    return dct


def detect(text: str, *, lang: str) -> list[Span]:
    """Time expressions of `text`, with `parts` filled and values left underspecified."""
    return resolve(text, detect_spans(text, lang), lang=lang, dct=None)


def resolve(text: str, spans: Iterable[Span], *, lang: str, dct: TimexDate = None) -> list[Span]:
    """The spans of `detect` given values against `dct` (a day, or a month or year: then only what it
    determines, "cette année" but not "lundi"; without it relative values stay X'd)."""
    return resolve_spans(text, list(spans), grammar(lang), _dct(dct))


def tag(text: str, *, lang: str, dct: TimexDate = None) -> list[Span]:
    """Detect and resolve in one call."""
    return resolve_spans(text, detect_spans(text, lang), grammar(lang), _dct(dct))


def tag_timex(text: str, *, lang: str, dct: TimexDate = None) -> list[dict[str, Any]]:
    """What `chronique timex --format json` prints: start, end, text, type, value (and mod, if any)."""
    rows = []
    for span in tag(text, lang=lang, dct=dct):
        row: dict[str, Any] = {
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "type": span.label,
            "value": span.attrs["value"],
        }
        if span.attrs.get("mod"):
            row["mod"] = span.attrs["mod"]
        rows.append(row)
    return rows


def to_timeml(text: str, spans: Iterable[Span], *, dct: TimexDate = None, doc_id: str = "") -> str:
    """An ISO-TimeML document: the text with TIMEX3 tags (and the DCT, when there is one)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<TimeML>"]
    if doc_id:
        out.append(f"<DOCID>{escape(doc_id)}</DOCID>")
    day = _dct_date(dct)
    if day:
        out.append(
            f'<DCT><TIMEX3 tid="t0" type="DATE" value="{day.isoformat()}" '
            f'functionInDocument="CREATION_TIME">{day.isoformat()}</TIMEX3></DCT>'
        )
    body: list[str] = []
    position = 0
    for index, span in enumerate(sorted(spans, key=lambda s: s.start), 1):
        if span.start < position:
            continue
        attrs = f'tid="t{index}" type="{span.label}" value={quoteattr(str(span.attrs.get("value", "")))}'
        if span.attrs.get("mod"):
            attrs += f" mod={quoteattr(str(span.attrs['mod']))}"
        body.append(escape(text[position : span.start]))
        body.append(f"<TIMEX3 {attrs}>{escape(text[span.start : span.end])}</TIMEX3>")
        position = span.end
    body.append(escape(text[position:]))
    out.append("<TEXT>" + "".join(body) + "</TEXT>")
    out.append("</TimeML>")
    return "\n".join(out) + "\n"


@register_stage("timex", requires=("text", "lang"), assigns=("timex",))
def make_timex(settings: Settings) -> StageFn:
    """The `timex` stage: tags `doc.text`, resolving against `doc.published` when it has one."""

    def timex_stage(doc: Document) -> Document:
        lang = doc.lang or ""
        if not grammar(lang).patterns:
            doc.set_layer("timex", [])
            return doc
        doc.set_layer("timex", tag(doc.text, lang=lang, dct=doc.published))
        return doc

    return timex_stage


@register_checker("timex")
def check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """An example of `timex.toml`: the text gives a timex with that value (and span), or none if ""."""
    text, expected = example["text"], example["value"]
    spans = tag(text, lang=lang, dct=example.get("dct"))
    found = [(text[s.start : s.end], s.attrs["value"]) for s in spans]
    where = f"lang/{lang}/timex.toml {rule.get('concept')!r}: {text!r}"
    if expected == "":
        if found:
            raise AssertionError(f"{where}: expected no time expression, got {found}")
        return
    wanted_span = example.get("span")
    if not any(value == expected and (wanted_span is None or got == wanted_span) for got, value in found):
        on = f" on {wanted_span!r}" if wanted_span else ""
        raise AssertionError(f"{where}: expected {expected!r}{on}, got {found}")

"""A date for every document (#3 item 4): stage `docdate` and the pure `date_document`.

Evidence is weighed in this order, each kind refining the one before when it agrees with it:

1. metadata (HTML meta, JSONL `published`, RSS) and the crawler's ` date YYYY-MM` prefix, which the
   readers put in `doc.published` (`date_document` also reads a text that still starts with it);
2. the URL (`url.py`: `/2017/09/28/`, `/20210929-`, `/2019-04-15/`, `/2017/0929/`, a long numeric id
   that starts with a date, at a lower confidence), then the name of the file the article was read
   from ("2019-07-01-panmunjom.txt", `meta["file_name"]`, provenance `filename`, less sure still);
3. bylines and datelines (`bylines.py`, rules in `lang/<iso>/bylines.toml`: "Publié le …", "Dernière
   mise à jour … le 29/09", "France 24 • 05/03/2020 à 20:22", "MOSCOW, March 12 (Reuters) —" …);
4. the content (`content.py`): a date the article speaks of as its own day ("ce mercredi 29 septembre",
   "ce 12 janvier 2011"), a weekday–date pair that pins a missing year, and the latest full date it
   reports (month level only: reporting a day does not make it the day of publication).

A day is never invented: a result has the granularity the evidence supports, a confidence, and the
evidence it rests on; below `MIN_CONFIDENCE` the document stays undated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from chronique.docdate.bylines import BYLINE_ORDER, Byline, find_bylines
from chronique.docdate.content import (
    WEEKDAY_WINDOW_CONFIDENCE,
    DateInterval,
    byline_mentions,
    content_date,
    content_interval,
    detect_timexes,
    find_mentions,
    lead_end,
    own_day_month,
    pin_year,
)
from chronique.docdate.grammar import CalendarDate, find_dates, grammar_for, guess_language
from chronique.docdate.url import file_date, url_date
from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span
from chronique.pipeline import StageFn, register_stage
from chronique.readers import apply_date_prefix
from chronique.settings import Settings

__all__ = [
    "INTERVAL_KEY",
    "MIN_CONFIDENCE",
    "Byline",
    "CalendarDate",
    "DateInterval",
    "date_document",
    "date_interval",
    "find_bylines",
    "find_dates",
    "guess_language",
    "make_docdate",
    "url_date",
]

# `doc.meta` key of the interval of days a document may date from when no day is known (`DateInterval`).
INTERVAL_KEY = "published_interval"
# Under this the document stays undated: a confident wrong date is the worst error (#3). The weakest
# evidence that passes is the month of the latest date reported (0.6) or a day pinned by a weekday fit.
MIN_CONFIDENCE = 0.5


def _refine(coarse: FuzzyDate | None, fine: FuzzyDate | None) -> FuzzyDate | None:
    """`fine` when it is more precise than `coarse`, inside it and sure enough, else `coarse`.

    The confidence stays that of `fine`: a month that agrees says nothing about the day.
    """
    if fine is None or fine.confidence < MIN_CONFIDENCE:
        return coarse
    if coarse is None:
        return fine
    if not (fine.is_finer_than(coarse) and coarse.contains(fine)):
        return coarse
    return replace(fine, evidence=f"{coarse.evidence} + {fine.evidence}")


def _byline_dates(bylines: Sequence[Byline], bound: FuzzyDate | None) -> list[FuzzyDate]:
    """Dates read from bylines, most trusted first; a yearless one takes its year from `bound`."""
    out = []
    ranked = sorted(
        (b for b in bylines if b.date is not None and b.concept in BYLINE_ORDER),
        key=lambda b: (BYLINE_ORDER.index(b.concept), b.start),
    )
    for b in ranked:
        if b.date is None:
            continue
        pinned = pin_year(b.date, bound, None)
        day = pinned[0].as_date() if pinned else None
        if day is not None:
            out.append(
                FuzzyDate.from_date(
                    day, provenance=Provenance.BYLINE, confidence=b.confidence, evidence=b.line.strip()
                )
            )
    return out


def _date_text(
    byline_text: str,
    text: str,
    *,
    url: str | None,
    lang: str | None,
    published: FuzzyDate | None,
    timexes: Sequence[Span] | None,
    file_name: str | None = None,
) -> tuple[FuzzyDate | None, DateInterval | None]:
    """The date, and the interval of days the content allows when it gives no day."""
    if published is not None and published.granularity is Granularity.DAY:
        return published, None
    lang = lang if lang and grammar_for(lang) is not None else guess_language(text)
    g = grammar_for(lang) if lang else None
    date = _refine(published, url_date(url))
    if date is None or date.granularity is not Granularity.DAY:
        date = _refine(date, file_date(file_name))
    if date is not None and date.granularity is Granularity.DAY:
        return date, None
    bylines = find_bylines(byline_text, lang=lang)
    for candidate in _byline_dates(bylines, date):
        if date is None or (candidate.is_finer_than(date) and date.contains(candidate)):
            date = _refine(date, candidate)
            break
    if g is not None and (date is None or date.granularity is not Granularity.DAY):
        if timexes is None:
            timexes = detect_timexes(text, g.lang)
        mentions = find_mentions(g, text, timexes)
        mentions += byline_mentions(bylines)
        retrospective = "retrospective" in g.cues and bool(g.cues["retrospective"].search(text))
        end = lead_end(text)
        date = _refine(date, content_date(mentions, date, lead_end=end, retrospective=retrospective))
        if date is None or date.granularity is not Granularity.DAY:
            interval = content_interval(mentions, date, lead_end=end, retrospective=retrospective)
            own = own_day_month(mentions)
            if own is not None:  # "le 29/09": the day, waiting for a year (cross-document dating)
                interval = interval or DateInterval(None, None, WEEKDAY_WINDOW_CONFIDENCE, "")
                evidence = "; ".join(e for e in (interval.evidence, f"{own[2]!r} names its own day") if e)
                interval = replace(interval, month_day=(own[0], own[1]), evidence=evidence)
            if interval is not None:
                # "se rend, jeudi 28 septembre" (2017 by the weekday): from 22 to 27 September, a month,
                # and the 26th when "lundi" (past) is written too.
                return _refine(date, interval.day(mentions) or interval.month()), interval
    return date, None


def date_document(
    text: str,
    *,
    url: str | None = None,
    lang: str | None = None,
    published: FuzzyDate | None = None,
    timexes: Sequence[Span] | None = None,
    file_name: str | None = None,
) -> FuzzyDate | None:
    """The publication date of one article, or None when nothing supports one.

    `text` may still begin with the crawler's ` date YYYY-MM` line: it is removed and used (a
    `published` given by the caller wins over it). `timexes` are the tagger's spans over `text` (after
    the prefix); without them the tagger runs here when it is installed. `file_name` is the name of the
    file the article was read from ("2019-07-01-panmunjom.txt").
    """
    found = date_interval(text, url=url, lang=lang, published=published, timexes=timexes, file_name=file_name)
    return found[0]


def date_interval(
    text: str,
    *,
    url: str | None = None,
    lang: str | None = None,
    published: FuzzyDate | None = None,
    timexes: Sequence[Span] | None = None,
    file_name: str | None = None,
) -> tuple[FuzzyDate | None, DateInterval | None]:
    """`date_document`, with the interval of days the content allows when it pins no day (or None)."""
    body, prefix_date, _ = apply_date_prefix(text)
    if timexes is not None and len(body) != len(text):
        cut = len(text) - len(body)
        timexes = [replace(s, start=s.start - cut, end=s.end - cut) for s in timexes if s.start >= cut]
    return _date_text(
        body,
        body,
        url=url,
        lang=lang,
        published=published or prefix_date,
        timexes=timexes,
        file_name=file_name,
    )


@register_stage("docdate", requires=("text", "lang", "timex"), assigns=("published",))
def make_docdate(settings: Settings) -> StageFn:
    """Stage `docdate`: sets `doc.published`, and re-resolves `timex` when the date became finer."""

    def docdate(doc: Document) -> Document:
        before = doc.published
        # Bylines are read in `raw`: the cleaner may have removed them from `text` as page furniture.
        # A document not built by the readers may still carry the crawler's prefix there.
        raw, prefix_date, _ = apply_date_prefix(doc.raw)
        date, interval = _date_text(
            raw,
            doc.text,
            url=doc.url,
            lang=doc.lang,
            published=before or prefix_date,
            timexes=doc.layer("timex"),
            file_name=doc.meta.get("file_name"),
        )
        if interval is not None:
            doc.meta[INTERVAL_KEY] = interval.to_dict()
        if date is None or date == before:
            return doc
        doc.published = date
        lang = doc.lang or ""
        if before is None or date.is_finer_than(before):
            from chronique import timex

            doc.set_layer("timex", timex.resolve(doc.text, doc.layer("timex"), lang=lang, dct=date))
        return doc

    return docdate

"""Dates written in a URL's path: `/2017/09/28/`, `/20210929-`, `/2019-04-15/`, `/2017/0929/`,
`/2020/mar/05/`; words such as `12-decembre-2015` name the topic and are left alone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from chronique.docdate.grammar import grammars, valid_date
from chronique.model import FuzzyDate, Granularity, Provenance

__all__ = ["file_date", "url_date"]

# Every day read from a URL of the dev articles was right; an id that merely starts with a date
# ("/201807151037211704-…") was right too but is weaker evidence.
URL_DAY_CONFIDENCE = 0.9
URL_ID_CONFIDENCE = 0.75
URL_MONTH_CONFIDENCE = 0.85
URL_YEARS = (1990, 2099)

_URL_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?=/|\.|-|_|$)"), URL_DAY_CONFIDENCE),  # /2017/09/28/
    (re.compile(r"/(\d{4})-(\d{2})-(\d{2})(?=/|\.|-|_|$)"), URL_DAY_CONFIDENCE),  # /2019-04-15/
    (re.compile(r"/(\d{4})/(\d{2})(\d{2})(?=/)"), URL_DAY_CONFIDENCE),  # /2017/0929/
    (re.compile(r"/(\d{4})(\d{2})(\d{2})(?=[-_/.]|$)"), URL_DAY_CONFIDENCE),  # /20210929-…, /20170928/
    (re.compile(r"[/_-](\d{4})(\d{2})(\d{2})\d{4,}(?=[-_/.]|$)"), URL_ID_CONFIDENCE),  # /201807151037…
)
# A file name may carry the day the article was saved rather than published: less sure than a URL.
FILE_DAY_CONFIDENCE = 0.7
_FILE_DAY = (
    re.compile(r"(?:^|[-_ .])(\d{4})-(\d{2})-(\d{2})(?=[-_ .]|$)"),  # 2019-07-01-panmunjom.txt
    re.compile(r"(?:^|[-_ .])(\d{4})(\d{2})(\d{2})(?=[-_ .])"),  # 20190701_panmunjom.txt
)
_URL_MONTH = re.compile(r"/(\d{4})/(\d{1,2})(?=/)")
_URL_MONTH_NAME = re.compile(r"/(\d{4})/([a-z]{3,9})/(\d{1,2})(?=/)", re.IGNORECASE)


def _url_candidates(path: str) -> Iterator[tuple[int, int, int | None, float, str]]:
    """(year, month, day or None, confidence, evidence) for each date-like part of a URL path, best first."""
    for pattern, confidence in _URL_PATTERNS:
        for m in pattern.finditer(path):
            yield int(m[1]), int(m[2]), int(m[3]), confidence, m[0]
    for m in _URL_MONTH_NAME.finditer(path):  # /2020/mar/05/
        month = next((g.months[m[2].lower()] for g in grammars(None) if m[2].lower() in g.months), None)
        if month is not None:
            yield int(m[1]), month, int(m[3]), URL_DAY_CONFIDENCE, m[0]
    for m in _URL_MONTH.finditer(path):
        yield int(m[1]), int(m[2]), None, URL_MONTH_CONFIDENCE, m[0]


def url_date(url: str | None) -> FuzzyDate | None:
    """The date written in a URL's path, at day or month level (slug words such as "12-decembre-2015"
    name the topic, not the day, and are left alone)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip(), flags=re.IGNORECASE).split("?")[0].split("#")[0]
    for year, month, day, confidence, evidence in _url_candidates(path):
        if not (URL_YEARS[0] <= year <= URL_YEARS[1] and valid_date(year, month, day)):
            continue
        if day is None:
            return FuzzyDate(
                f"{year:04d}-{month:02d}", Granularity.MONTH, Provenance.URL, confidence, evidence
            )
        return FuzzyDate.from_date(
            dt.date(year, month, day), provenance=Provenance.URL, confidence=confidence, evidence=evidence
        )
    return None


def file_date(name: str | None) -> FuzzyDate | None:
    """The day written in a file's name ("2019-07-01-panmunjom.txt", "20190701_dmz.html")."""
    if not name:
        return None
    for pattern in _FILE_DAY:
        for m in pattern.finditer(name):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            if URL_YEARS[0] <= year <= URL_YEARS[1] and valid_date(year, month, day):
                return FuzzyDate.from_date(
                    dt.date(year, month, day),
                    provenance=Provenance.FILENAME,
                    confidence=FILE_DAY_CONFIDENCE,
                    evidence=f"file name {name}",
                )
    return None

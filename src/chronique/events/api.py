"""`chronique.extract`: the per-document pipeline on one text, as `chronique extract` runs it."""

from __future__ import annotations

import datetime as dt

from chronique.model import Document, FuzzyDate, Provenance
from chronique.pipeline import Pipeline
from chronique.settings import Settings

__all__ = ["extract"]


def _dct(dct: FuzzyDate | dt.date | str) -> FuzzyDate:
    if isinstance(dct, FuzzyDate):
        return dct
    if isinstance(dct, dt.date):
        return FuzzyDate.from_date(dct, provenance=Provenance.METADATA, evidence="given")
    return FuzzyDate.parse(dct, provenance=Provenance.METADATA, evidence="given")


def extract(
    text: str,
    *,
    lang: str | None = None,
    dct: FuzzyDate | dt.date | str | None = None,
    source: str = "<text>",
    url: str | None = None,
    settings: Settings | None = None,
) -> Document:
    """Run every installed per-document stage on `text`: entities, events, quotes, figures and more.

    `dct` is the document date when known (`"2017-09-26"`, a `datetime.date` or a `FuzzyDate`); it
    resolves "jeudi" and dates the events. A ` date YYYY-MM` first line is read as the reader does.

        >>> doc = extract("Vladimir Poutine a rencontré Recep Tayyip Erdogan à Sotchi.", dct="2017-05-03")
        >>> [(e.label, e.attrs["place"]) for e in doc.layer("events")]
    """
    from chronique.readers import read_text

    doc = read_text(text, source, url=url, lang=lang)
    if dct is not None:
        doc.published = _dct(dct)
    return Pipeline.default(settings)(doc)

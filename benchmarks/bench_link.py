"""Linking benchmark: the corpus stage on up to 10,000 documents generated from the team's examples (#5).

The examples are read and run through every installed stage once. Copies of them are then made, copy
`i` shifted `7 * i` days (dates of the document and of its events alike, so weekdays still fit), so that
each copy tells a new set of events that the copies of one week link among themselves. Linking is
timed in memory (`link_documents`) for growing corpus sizes, to see that its cost grows near-linearly
(the block index compares a mention only with the clusters of its participants and months), and once
into a SQLite store (`link(store)`, incremental, in batches).

    .venv/bin/python benchmarks/bench_link.py [--sizes 1000,2000,5000,10000] [--store]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from chronique.link import link, link_documents
from chronique.model import Document, FuzzyDate, Granularity, Span, content_id

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _shift(date: FuzzyDate | None, days: int) -> FuzzyDate | None:
    if date is None:
        return None
    start = date.start + dt.timedelta(days=days)
    if date.granularity is Granularity.DAY:
        value = start.isoformat()
    elif date.granularity in (Granularity.MONTH, Granularity.WEEK):
        value = f"{start.year:04d}-{start.month:02d}"
    else:
        value = f"{start.year:04d}"
    return FuzzyDate.parse(value, provenance=date.provenance, confidence=date.confidence)


def _copy(doc: Document, index: int) -> Document:
    days = 7 * index
    events = []
    for span in doc.layer("events"):
        attrs: dict[str, Any] = dict(span.attrs)
        date = _shift(FuzzyDate.from_dict(attrs["date"]), days) if attrs.get("date") else None
        attrs["date"] = date.to_dict() if date else None
        events.append(Span(span.start, span.end, span.label, attrs))
    copy = Document(
        raw=doc.raw,
        source=f"{doc.source}#{index}",
        url=doc.url,
        lang=doc.lang,
        text=doc.text,
        published=_shift(doc.published, days),
        layers={**doc.layers, "events": events},
        id=content_id(doc.id, str(index)),
    )
    return copy


def base_documents() -> list[Document]:
    """The examples, read and run through every installed per-document stage."""
    from chronique.evaluate.timeline import pipeline_documents

    return pipeline_documents([EXAMPLES])


def corpus(base: list[Document], size: int) -> list[Document]:
    return [_copy(base[i % len(base)], i // len(base)) for i in range(size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--store", action="store_true", help="Also link the largest corpus in a store.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    base = base_documents()
    mentions = sum(len(d.layer("events")) for d in base)
    seconds = time.perf_counter() - started
    print(f"{len(base)} example documents, {mentions} event mentions, processed in {seconds:.1f} s")
    header = ("documents", "mentions", "clusters", "comparisons", "seconds", "µs/doc")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (10, 9, 9, 12, 8, 8), strict=True)))
    for size in sizes:
        docs = corpus(base, size)
        started = time.perf_counter()
        result = link_documents(docs, resolver=None)
        seconds = time.perf_counter() - started
        linker = result.state.linker
        count = sum(len(c.members) for c in linker.clusters.values())
        print(
            f"{size:>10} {count:>9} {len(linker.clusters):>9} {linker.comparisons:>12} {seconds:>8.2f} "
            f"{seconds / size * 1e6:>8.0f}"
        )
    if args.store:
        from chronique.store import open_store

        size = max(sizes)
        docs = corpus(base, size)
        with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.db") as store:
            store.add(docs)
            started = time.perf_counter()
            report = link(store)
            seconds = time.perf_counter() - started
            extra = corpus(base, size + len(base))[size:]
            store.add(extra)
            started = time.perf_counter()
            again = link(store)
            incremental = time.perf_counter() - started
        print(
            f"store: linked {report.documents} documents in {seconds:.1f} s; "
            f"{again.documents} more afterwards in {incremental:.2f} s (incremental)"
        )


if __name__ == "__main__":
    main()

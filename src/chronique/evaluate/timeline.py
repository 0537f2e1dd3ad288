"""The scorer behind `chronique eval timeline` and the timeline gate (#5).

Three measures:

- **seed timeline**: the timeline of the five seeds against `gold.json`'s `timeline` — each gold entry
  found (type family and sources), its place, its sources merged, its date at least as precise as
  `date_seeds_only` and never against `date` (seeds alone), or exactly `date` (with the dev articles);
  plus the Putin–Erdogan meetings and calls the gold does not list (seeds alone).
- **dev events**: one entry per real event. The gold events of every document (dev articles and seeds)
  are grouped into real events (same type family, same date, participants in common, compatible
  places); each predicted mention is matched to a gold event of its document; a cluster holding mentions
  of several real events counts merge errors, a real event spread over several clusters split errors.
- **corpus dating**: each document's date (its own, or borrowed) against the gold publication date:
  within one day of day-level golds, the right month for all, and confident dates wrong by over a month.

Documents come either from the real pipeline (`pipeline_documents`) or from an **oracle**
(`oracle_documents`): gold events written into hand-built `events` layers, with the time tagger's
`timex` layer when it is installed, to score linking on its own, whatever the extraction's quality.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronique.link import LinkResult, link_documents
from chronique.link.cluster import places_compatible
from chronique.link.mentions import Participant, family_of
from chronique.model import Document, FuzzyDate, Provenance, Span

__all__ = [
    "DatingScores",
    "DevScores",
    "SeedScores",
    "TimelineScores",
    "evaluate",
    "oracle_documents",
    "pipeline_documents",
    "score_corpus_dating",
    "score_dev_events",
    "score_seed_timeline",
]

PUTIN, ERDOGAN = "Vladimir Putin", "Recep Tayyip Erdogan"
# A borrowed or own date at least this confident counts as "confident" for the wrong-by-a-month count.
CONFIDENT = 0.5


# -- entity names ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).lower()
    return "".join(c for c in text if not unicodedata.combining(c))


def _entity(name: str, lang: str = "en") -> Participant:
    """The canonical entity of a gold name (through the gazetteer when installed)."""
    try:
        from chronique.entities.gazetteer import registry

        entity = registry().resolve(name, lang) or registry().resolve(name, "en")
    except ImportError:
        entity = None
    if entity is not None:
        return Participant(entity.id, entity.name, entity.type)
    return Participant(re.sub(r"[^a-z0-9]+", "-", _fold(name)).strip("-"), name, "")


# -- oracle documents --------------------------------------------------------------------------------


def _find(text: str, evidence: str) -> tuple[int, int] | None:
    """Where the first piece of a gold evidence string is in `text` (quotes and case folded)."""
    evidence = re.sub(r"\([^)]*\)", "", evidence)
    folded = _fold(text)
    for piece in re.split(r"\.\.\.|…", evidence):
        piece = _fold(piece).strip(' .,"«»')
        if len(piece) < 4:
            continue
        index = folded.find(piece)
        if index >= 0:
            return index, index + len(piece)
    return None


def _sentence(text: str, start: int) -> tuple[int, int]:
    lo = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    ends = [i for i in (text.find(". ", start), text.find("\n", start)) if i >= 0]
    return lo, (min(ends) + 1 if ends else len(text))


def _timex_layer(doc: Document) -> list[Span]:
    try:
        from chronique import timex
    except ImportError:
        return []
    return list(timex.tag(doc.text, lang=doc.lang or "fr", dct=doc.published))


def _docdate(doc: Document) -> Document:
    """The `docdate` stage on one document (it re-resolves the `timex` layer when the date became finer)."""
    try:
        from chronique.docdate import make_docdate
    except ImportError:
        return doc
    from chronique.settings import Settings

    return make_docdate(Settings())(doc)


def _oracle_event(doc: Document, event: Mapping[str, Any], date: FuzzyDate | None, main: bool) -> Span | None:
    found = _find(doc.text, str(event.get("evidence", "")))
    if found is None:
        return None
    start, end = found
    sent = _sentence(doc.text, start)
    timex = next(
        (s for s in doc.layer("timex") if s.start < end and start < s.end and s.label == "DATE"), None
    )
    if timex is None:
        timex = next((s for s in doc.layer("timex") if sent[0] <= s.start and s.end <= sent[1]), None)
    place = _entity(event["place"]).to_dict() if event.get("place") else None
    return Span(
        start,
        end,
        str(event["type"]),
        {
            "participants": [_entity(p).to_dict() for p in event.get("participants", [])],
            "place": place,
            "date": date.to_dict() if date else None,
            "status": event.get("status", "happened"),
            "main": main,
            "sentence": list(sent),
            "timex": [timex.start, timex.end] if timex is not None else None,
        },
    )


def _entities_layer(doc: Document) -> list[Span]:
    """Entity spans for the places and participants of the oracle events (their kinds matter)."""
    spans = []
    for event in doc.layer("events"):
        for data in [*event.attrs["participants"], event.attrs["place"]]:
            if data:
                spans.append(Span(event.start, event.end, data.get("kind") or "other", data))
    return spans


def _own_date(doc: Document, timex: Span | None, gold_in_doc: str | None) -> FuzzyDate | None:
    """The date per-document extraction can give: the timex value, or the document's date."""
    if timex is not None:
        value = str(timex.attrs.get("value", ""))
        parts = timex.attrs.get("parts") or {}
        if (
            value.startswith("XXXX-")
            and doc.published is not None
            and parts.get("month")
            and parts.get("day")
        ):
            # What the events stage does with a month-level document date: the year comes from it.
            value = f"{doc.published.start.year:04d}-{int(parts['month']):02d}-{int(parts['day']):02d}"
        try:
            return FuzzyDate.parse(value, provenance=Provenance.TIMEX)
        except ValueError:
            pass
    if doc.published is not None and gold_in_doc:
        gold = FuzzyDate.parse(gold_in_doc)
        if doc.published.compatible(gold):
            return FuzzyDate(
                doc.published.value, doc.published.granularity, doc.published.provenance, 0.5, "document date"
            )
    return None


def oracle_documents(
    seeds_dir: Path, gold: Mapping[str, Any], dev_articles: Sequence[Mapping[str, Any]] = ()
) -> list[Document]:
    """Seeds (and dev articles) with gold events as their `events` layer, to score linking alone.

    Seeds keep only what one document tells: the date prefix as their date, refined by what their own
    text says (the `docdate` stage: seed 000's "lundi" and "jeudi 28 septembre" give 26 September), each
    event's date from its own time expression (as the tagger resolves it) or else the document's date.
    Dev articles get their gold publication date and event dates (a perfect upstream).
    """
    from chronique.readers import read_text

    docs = []
    for name, info in sorted(gold["documents"].items()):
        doc = read_text((seeds_dir / name).read_text(encoding="utf-8"), name, lang=info.get("lang", "fr"))
        doc.set_layer("timex", _timex_layer(doc))
        doc = _docdate(doc)  # what its own text says of its date, as the pipeline's `docdate` stage
        events = []
        for index, event in enumerate(info.get("events", [])):
            span = _oracle_event(doc, event, None, index == 0)
            if span is None:
                continue
            timex = next((s for s in doc.layer("timex") if span.attrs["timex"] == [s.start, s.end]), None)
            date = _own_date(doc, timex, event.get("date_in_doc"))
            events.append(
                Span(
                    span.start, span.end, span.label, {**span.attrs, "date": date.to_dict() if date else None}
                )
            )
        doc.set_layer("events", events)
        doc.set_layer("entities", _entities_layer(doc))
        docs.append(doc)
    for article in dev_articles:
        doc = read_text(
            str(article["text"]),
            str(article["id"]),
            url=article.get("url"),
            lang=article.get("lang"),
            published=FuzzyDate.parse(str(article["gold_pub_date"]), provenance=Provenance.METADATA),
        )
        doc.set_layer("timex", _timex_layer(doc))
        events = []
        for index, event in enumerate(article.get("events", [])):
            date = (
                FuzzyDate.parse(str(event["date"]), provenance=Provenance.TIMEX)
                if event.get("date")
                else None
            )
            span = _oracle_event(doc, event, date, index == 0)
            if span is not None:
                events.append(span)
        doc.set_layer("events", events)
        doc.set_layer("entities", _entities_layer(doc))
        docs.append(doc)
    return docs


def pipeline_documents(
    paths: Iterable[str | Path],
    *,
    dev_articles: Sequence[Mapping[str, Any]] = (),
    strip_prefix: bool = False,
    drop_urls: bool = False,
) -> list[Document]:
    """Documents read and run through every installed stage, as `chronique build` does."""
    from chronique.ingest import process
    from chronique.pipeline import Pipeline
    from chronique.readers import read, read_text

    pipeline = Pipeline.default()
    inputs: list[Document] = [r for r in read(list(paths)) if isinstance(r, Document)]
    for article in dev_articles:
        text = str(article["text"])
        if strip_prefix:
            text = re.sub(r"^\s*date \d{4}-\d{2}(-\d{2})?\s*", "", text)
        inputs.append(
            read_text(
                text,
                str(article["id"]),
                url=None if drop_urls else article.get("url"),
                lang=article.get("lang"),
            )
        )
    docs = []
    for doc in inputs:
        if strip_prefix and doc.published is not None and doc.published.provenance is Provenance.PREFIX:
            doc.published = None
            doc.meta.pop("date_prefix", None)
        out = process(doc, pipeline)
        if isinstance(out, Document):
            docs.append(out)
    return docs


# -- scores ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class SeedScores:
    entries: int = 0  # gold entries
    found: int = 0
    type_ok: int = 0
    place_ok: int = 0
    places: int = 0  # gold entries with a place
    sources_exact: int = 0
    date_ok: int = 0
    extra_putin_erdogan: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class DevScores:
    gold_events: int = 0
    matched_events: int = 0
    mentions: int = 0
    merge_errors: int = 0
    split_errors: int = 0
    right_date: int = 0
    real_events: int = 0
    putin_erdogan_meetings: int = 0
    putin_erdogan_meetings_ok: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class DatingScores:
    documents: int = 0
    dated: int = 0
    day_golds: int = 0
    within_one_day: int = 0
    right_month: int = 0
    confident_wrong: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class TimelineScores:
    seeds: SeedScores
    dev: DevScores | None = None
    dating: DatingScores | None = None

    def to_dict(self) -> dict[str, Any]:
        def plain(obj: Any) -> dict[str, Any]:
            return {k: getattr(obj, k) for k in obj.__slots__}

        return {
            "seeds": plain(self.seeds),
            "dev": plain(self.dev) if self.dev else None,
            "dating": plain(self.dating) if self.dating else None,
        }


def _entry_sources(entry: Mapping[str, Any]) -> set[str]:
    return {str(s.get("source") or s.get("doc_id")) for s in entry["sources"]}


def score_seed_timeline(
    entries: Sequence[Mapping[str, Any]], gold: Mapping[str, Any], *, with_dev: bool = False
) -> SeedScores:
    """Entries (`TimelineEntry.to_dict()` with each source's `source` name) against gold's timeline."""
    seed_names = set(gold["documents"])
    scores = SeedScores()
    used: set[str] = set()
    for gold_entry in gold["timeline"]["entries"]:
        scores.entries += 1
        gold_sources = set(gold_entry["sources"])
        family = family_of(gold_entry["type"])
        best: tuple[int, Mapping[str, Any]] | None = None
        for entry in entries:
            if family_of(entry["type"]) != family or entry["id"] in used:
                continue
            overlap = len(_entry_sources(entry) & gold_sources)
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, entry)
        detail: dict[str, Any] = {
            "gold": f"{gold_entry['date']} {gold_entry['type']} {gold_entry.get('place')}"
        }
        scores.details.append(detail)
        if gold_entry.get("place"):
            scores.places += 1
        if best is None:
            detail["found"] = None
            continue
        entry = best[1]
        used.add(entry["id"])
        scores.found += 1
        scores.type_ok += entry["type"] == gold_entry["type"] or family == family_of(entry["type"])
        place = (entry.get("place") or {}).get("name")
        if (
            gold_entry.get("place")
            and place
            and _entity(place).entity_id == _entity(gold_entry["place"]).entity_id
        ):
            scores.place_ok += 1
        scores.sources_exact += (_entry_sources(entry) & seed_names) == gold_sources
        predicted = FuzzyDate.parse(entry["date"]) if entry.get("date") else None
        real = FuzzyDate.parse(gold_entry["date"])
        if with_dev:
            ok = predicted is not None and predicted.value == real.value
        else:
            floor = FuzzyDate.parse(gold_entry["date_seeds_only"])
            ok = (
                predicted is not None
                and predicted.granularity.rank <= floor.granularity.rank
                and predicted.contains(real.start)
                and predicted.contains(real.end)
            )
        scores.date_ok += ok
        detail["found"] = {
            "date": entry.get("date"),
            "place": place,
            "sources": sorted(_entry_sources(entry)),
        }
    if not with_dev:
        for entry in entries:
            names = {p["name"] for p in entry["participants"]}
            if (
                entry["id"] not in used
                and family_of(entry["type"]) in ("meeting", "phone_call")
                and {PUTIN, ERDOGAN} <= names
            ):
                scores.extra_putin_erdogan += 1
    return scores


@dataclass(frozen=True, slots=True)
class _GoldEvent:
    doc: str
    family: str
    date: FuzzyDate | None
    participants: frozenset[str]
    place: Participant | None


def _gold_events(
    gold: Mapping[str, Any] | None, dev_articles: Sequence[Mapping[str, Any]]
) -> list[_GoldEvent]:
    events = []
    sources: list[tuple[str, list[Mapping[str, Any]]]] = [
        (str(a["id"]), a.get("events", [])) for a in dev_articles
    ]
    if gold is not None:
        sources += [(name, info.get("events", [])) for name, info in gold["documents"].items()]
    for doc, doc_events in sources:
        for event in doc_events:
            events.append(
                _GoldEvent(
                    doc,
                    family_of(event["type"]),
                    FuzzyDate.parse(event["date"]) if event.get("date") else None,
                    frozenset(_entity(p).entity_id for p in event.get("participants", [])),
                    _entity(event["place"]) if event.get("place") else None,
                )
            )
    return events


def _same_real_event(a: _GoldEvent, b: _GoldEvent) -> bool:
    """Gold events of one real event: same family and date, and compatible places or (when one names no
    place) a participant in common.

    Deliberately looser than the linker's rule (which wants two shared participants when both name
    two): the gold's annotators name the COP21 agreement's parties differently from one article to
    the next, and a linker that splits them should be counted wrong.
    """
    if a.family != b.family or a.date is None or b.date is None or a.date.value != b.date.value:
        return False
    if a.place is not None and b.place is not None:
        return places_compatible(a.place, b.place)
    return bool(a.participants & b.participants)


def score_dev_events(
    result: LinkResult,
    docs: Sequence[Document],
    dev_articles: Sequence[Mapping[str, Any]],
    gold: Mapping[str, Any] | None = None,
) -> DevScores:
    """Merge and split errors of the clusters against the real events of the gold."""
    scores = DevScores()
    events = _gold_events(gold, dev_articles)
    real: list[int] = list(range(len(events)))  # union-find over gold events: one root per real event

    def root(i: int) -> int:
        while real[i] != i:
            real[i] = real[real[i]]
            i = real[i]
        return i

    for i, a in enumerate(events):
        for j in range(i):
            if _same_real_event(a, events[j]):
                real[root(i)] = root(j)
    for i, a in enumerate(events):
        # A month-level gold event ("il y a un an et demi … à Moscou") is the one day-level event of
        # that month it can be, when there is exactly one (the gold's notes say so for seed 001).
        if a.date is None or a.date.granularity.value == "day":
            continue
        days = {
            root(j)
            for j, b in enumerate(events)
            if b.date is not None
            and b.date.granularity.value == "day"
            and a.date.contains(b.date)
            and _same_real_event(a, dataclasses.replace(b, date=a.date))
        }
        if len(days) == 1:
            real[root(i)] = days.pop()
    scores.gold_events = len(events)
    scores.real_events = len({root(i) for i in range(len(events))})
    source_of = {doc.id: Path(doc.source).name for doc in docs}
    by_doc: defaultdict[str, list[int]] = defaultdict(list)
    for i, event in enumerate(events):
        by_doc[event.doc].append(i)
    clusters_of_real: defaultdict[int, set[str]] = defaultdict(set)
    reals_of_cluster: defaultdict[str, set[int]] = defaultdict(set)
    matched: set[int] = set()
    for cluster in result.clusters.values():
        for m in cluster.members:
            candidates = by_doc.get(source_of.get(m.doc_id, ""), [])
            best: tuple[int, int] | None = None
            for i in candidates:
                event = events[i]
                if event.family != m.family:
                    continue
                shared = len(event.participants & m.participant_ids)
                if shared < min(1, len(event.participants)):
                    continue
                # Another real event the gold left out ("un an et demi après leur rencontre à Moscou" in
                # an article on the Sochi meeting): its own date says it is not this one. (A wrong place
                # alone is an extraction error on this event: it counts as a split.)
                if m.date is not None and event.date is not None and not m.date.compatible(event.date):
                    continue
                score = shared + (
                    2
                    if m.date is not None and event.date is not None and m.date.compatible(event.date)
                    else 0
                )
                if best is None or score > best[0]:
                    best = (score, i)
            scores.mentions += 1
            if best is None:
                continue
            matched.add(best[1])
            r = root(best[1])
            clusters_of_real[r].add(cluster.id)
            reals_of_cluster[cluster.id].add(r)
    scores.matched_events = len(matched)
    scores.merge_errors = sum(len(reals) - 1 for reals in reals_of_cluster.values())
    scores.split_errors = sum(len(ids) - 1 for ids in clusters_of_real.values())

    def describe(r: int) -> str:
        event = events[r]
        return f"{event.family} {event.date} {sorted(event.participants)} {event.place and event.place.name}"

    scores.details += [
        {"merged": [describe(r) for r in sorted(reals)], "cluster": cid}
        for cid, reals in sorted(reals_of_cluster.items())
        if len(reals) > 1
    ]
    scores.details += [
        {"split": describe(r), "clusters": len(ids)}
        for r, ids in sorted(clusters_of_real.items())
        if len(ids) > 1
    ]
    pe = {_entity(PUTIN).entity_id, _entity(ERDOGAN).entity_id}
    for r in sorted({root(i) for i in range(len(events))}):
        event = events[r]
        cluster_ids = clusters_of_real.get(r, set())
        one = result.clusters[next(iter(cluster_ids))] if len(cluster_ids) == 1 else None
        date = one.date if one is not None else None
        right = date is not None and event.date is not None and date.value == event.date.value
        scores.right_date += right
        if (
            event.family == "meeting"
            and pe <= event.participants
            and event.date
            and event.date.granularity.value == "day"
        ):
            scores.putin_erdogan_meetings += 1
            place = one.place if one is not None else None
            place_ok = event.place is None or (place is not None and places_compatible(place, event.place))
            scores.putin_erdogan_meetings_ok += right and place_ok
    return scores


def score_corpus_dating(
    result: LinkResult,
    docs: Sequence[Document],
    gold_dates: Mapping[str, str],
) -> DatingScores:
    """Each document's final date against its gold publication date (`gold_dates`: source → ISO date)."""
    scores = DatingScores()
    for doc in docs:
        gold_value = gold_dates.get(Path(doc.source).name)
        if gold_value is None:
            continue
        scores.documents += 1
        gold_date = FuzzyDate.parse(gold_value)
        date = result.state.date_of(doc.id)
        detail = {"source": doc.source, "gold": gold_value, "date": date.to_dict() if date else None}
        scores.details.append(detail)
        is_day_gold = gold_date.granularity.value == "day"
        scores.day_golds += is_day_gold
        if date is None:
            continue
        scores.dated += 1
        lo, hi = date.interval()
        if is_day_gold and date.granularity.value == "day":
            scores.within_one_day += abs((lo - gold_date.start).days) <= 1
        month = (gold_date.start.year, gold_date.start.month)
        scores.right_month += (lo.year, lo.month) == month == (hi.year, hi.month) or (
            date.granularity.value == "day"
            and abs((lo - gold_date.start).days) <= 1
            and gold_date.granularity.value == "day"
        )
        off = max(0, (gold_date.start - hi).days, (lo - gold_date.end).days)
        scores.confident_wrong += off > 31 and date.confidence >= CONFIDENT
    return scores


def _gold_dates(gold: Mapping[str, Any] | None, dev_articles: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    dates = {str(a["id"]): str(a["gold_pub_date"]) for a in dev_articles}
    if gold is not None:
        for name, info in gold["documents"].items():
            lo, hi = info["pub_date_range"]
            # A range of two or three days: its middle day is within one day of every day in it.
            first = dt.date.fromisoformat(lo)
            last = dt.date.fromisoformat(hi)
            dates[name] = (first + (last - first) / 2).isoformat()
    return dates


def evaluate(
    seeds_dir: Path,
    gold: Mapping[str, Any],
    dev_articles: Sequence[Mapping[str, Any]] = (),
    *,
    oracle: bool = False,
    lang: str = "en",
) -> TimelineScores:
    """Build, link and score: the seed timeline, and with dev articles the events and the dating."""
    from chronique.timeline import entries_from

    if oracle:
        docs = oracle_documents(seeds_dir, gold, dev_articles)
    else:
        docs = pipeline_documents([seeds_dir], dev_articles=dev_articles)
    result = link_documents(docs)
    source_of = {doc.id: Path(doc.source).name for doc in docs}
    entries = []
    for entry in entries_from(result, lang=lang):
        data = entry.to_dict()
        for source in data["sources"]:
            source["source"] = source_of.get(source["doc_id"], source["doc_id"])
        entries.append(data)
    scores = TimelineScores(score_seed_timeline(entries, gold, with_dev=bool(dev_articles)))
    if dev_articles:
        scores.dev = score_dev_events(result, docs, dev_articles, gold)
        if not oracle:
            # Corpus dating is measured from the texts alone: date prefixes removed, no URLs (#5).
            docs = pipeline_documents(
                [seeds_dir], dev_articles=dev_articles, strip_prefix=True, drop_urls=True
            )
            result = link_documents(docs)
        scores.dating = score_corpus_dating(result, docs, _gold_dates(gold, dev_articles))
    return scores


def load_dev_articles(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

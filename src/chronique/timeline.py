"""Timeline entries from the linked clusters: dates, titles per language, summaries, sources, flags,
filters and exports (md, json, csv, TimelineJS, standalone html), and the timeline-summarisation mode
of the research benchmarks (#5).

    entries = timeline(store, entities=["Poutine"], lang="fr")
    print(export(entries, "md"))

The JSON form of an entry (`TimelineEntry.to_dict()`) is stable and documented in the README.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chronique.lang import load_rules, register_checker
from chronique.link import LinkResult, LinkState
from chronique.link.cluster import Cluster
from chronique.link.figures import FigureConflict
from chronique.link.mentions import EventMention, Participant, family_of
from chronique.model import Document, FuzzyDate

__all__ = [
    "FORMATS",
    "Source",
    "TimelineEntry",
    "entries_from",
    "export",
    "format_title",
    "timeline",
    "tls",
    "tls_text",
]

FORMATS = ("md", "json", "csv", "timelinejs", "html")
# Participants named in a title; more are cut with "…" (a summit of twenty leaders is not a title).
TITLE_MAX_PARTICIPANTS = 4
# A summary sentence between these lengths reads as one; shorter ones are headlines, longer ones lists.
SUMMARY_MIN_CHARS, SUMMARY_MAX_CHARS = 40, 400
# Confidence of an entry told by one source with a sure date; each further document halves the doubt.
_ONE_SOURCE_CONFIDENCE = 0.5
_CONFLICT_PENALTY = 0.2


@dataclass(frozen=True, slots=True)
class Source:
    """One document telling the event, with the sentence it tells it in."""

    doc_id: str
    url: str | None
    published: str | None
    sentence: str
    start: int
    end: int
    lang: str
    date: str | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "url": self.url,
            "published": self.published,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "lang": self.lang,
            "date": self.date,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One real-world event as the timeline shows it."""

    id: str
    date: FuzzyDate | None
    type: str
    title: str
    participants: tuple[Participant, ...]
    place: Participant | None
    summary: str
    status: str
    confidence: float
    flags: tuple[str, ...]
    sources: tuple[Source, ...]
    main: bool
    conflicts: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form (README, "Timeline")."""
        return {
            "id": self.id,
            "date": self.date.value if self.date else None,
            "granularity": self.date.granularity.value if self.date else None,
            "type": self.type,
            "title": self.title,
            "participants": [{"id": p.entity_id, "name": p.name} for p in self.participants],
            "place": {"id": self.place.entity_id, "name": self.place.name} if self.place else None,
            "summary": self.summary,
            "status": self.status,
            "confidence": round(self.confidence, 2),
            "flags": list(self.flags),
            "main": self.main,
            "conflicts": dict(self.conflicts),
            "sources": [s.to_dict() for s in self.sources],
        }


# -- names and titles --------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).lower()
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _display(participant: Participant, lang: str) -> str:
    try:
        from chronique.entities.gazetteer import registry
    except ImportError:  # entities not installed: the canonical (English) name
        return participant.name
    entity = registry().get(participant.entity_id)
    if entity is not None:
        return entity.display_name(lang)
    return participant.name_in(lang) or participant.name  # "frontière syrienne", as the sources said


def format_title(event_type: str, participants: Sequence[str], place: str | None, lang: str) -> str:
    """A title from the language's templates: "Rencontre Vladimir Poutine – Recep Tayyip Erdogan à Sotchi".

    `place` is the place with its locative preposition ("à Sotchi", "en Turquie"), see `place_phrase`.
    """
    rules = load_rules(lang, "timeline") or load_rules("en", "timeline")
    templates = {str(t["type"]): t for t in rules.get("title", [])}
    template = templates.get(event_type) or templates.get(family_of(event_type)) or templates.get("other", {})
    names = list(participants[:TITLE_MAX_PARTICIPANTS]) + (
        ["…"] if len(participants) > TITLE_MAX_PARTICIPANTS else []
    )
    pattern = str(template.get("with_place" if place else "without_place", "{participants} {place}"))
    title = pattern.format(participants=" – ".join(names), place=place or "")
    return " ".join(title.split()).rstrip(" :")


def place_phrase(place: Participant, lang: str) -> str:
    """The place with the preposition its name takes: "à Singapour", "au Vietnam", "in the United States"."""
    try:
        from chronique.entities.gazetteer import registry
    except ImportError:  # entities not installed: the bare name
        return place.name
    return registry().locative(place.entity_id, lang, name=place.name_in(lang) or place.name)


@register_checker("timeline")
def check_example(lang: str, rule: dict[str, Any], example: Any) -> None:
    """Examples of lang/<iso>/timeline.toml: titles, and the same-week cue words."""
    from chronique.link.dating import is_same_week

    got: str | bool
    if "type" in rule:
        got = format_title(rule["type"], example["participants"], example.get("place"), lang)
    else:
        got = is_same_week(example["text"], lang)
    if got != example["expected"]:
        raise AssertionError(f"{lang} {rule.get('type') or rule.get('concept')}: {example!r} gave {got!r}")


# -- entries -----------------------------------------------------------------------------------------


def _summary(members: Sequence[EventMention], lang: str) -> str:
    def rank(m: EventMention) -> tuple[Any, ...]:
        length = len(m.sentence_text)
        return (
            m.lang != lang,
            not m.main,
            m.status != "happened",
            not m.own_date,
            not SUMMARY_MIN_CHARS <= length <= SUMMARY_MAX_CHARS,
            length,
            m.doc_id,
            m.start,
        )

    return min(members, key=rank).sentence_text if members else ""


def _confidence(cluster: Cluster) -> float:
    documents = len(cluster.doc_ids)
    agreement = 1.0 - (1.0 - _ONE_SOURCE_CONFIDENCE) ** documents
    date_confidence = cluster.date.confidence if cluster.date is not None else _ONE_SOURCE_CONFIDENCE
    penalty = _CONFLICT_PENALTY if cluster.conflicts else 0.0
    return max(0.05, min(1.0, agreement * date_confidence - penalty))


def _sources(cluster: Cluster, state: LinkState) -> tuple[Source, ...]:
    seen: dict[tuple[str, int, int], Source] = {}
    for m in sorted(cluster.members, key=lambda m: (m.doc_id, m.sentence)):
        published = state.date_of(m.doc_id) or m.published
        key = (m.doc_id, *m.sentence)
        seen.setdefault(
            key,
            Source(
                m.doc_id,
                m.url,
                published.value if published else None,
                m.sentence_text,
                m.sentence[0],
                m.sentence[1],
                m.lang,
                m.date.value if m.date else None,
                m.status,
            ),
        )
    return tuple(sorted(seen.values(), key=lambda s: (s.published or "9999", s.doc_id, s.start)))


def _named(participants: Sequence[Participant], event_type: str = "") -> list[Participant]:
    """The participants a title names when the sources named both a leader and the state he leads: the
    states for an agreement ("Russia – Iran – Turkey"), the leaders otherwise ("Putin – Erdogan", not
    "Turkey – Erdogan – Russia – Putin")."""
    try:
        from chronique.events.merge import acts_for
    except ImportError:  # the events stage is optional here: every participant is named
        return list(participants)
    ids = {p.entity_id for p in participants}
    states = {p.entity_id: acts_for(p.entity_id) - {p.entity_id} for p in participants}
    if family_of(event_type) == "agreement":
        return [p for p in participants if not (states[p.entity_id] & ids)]
    led = {state for found in states.values() for state in found}
    return [p for p in participants if p.entity_id not in led]


def _figure_index(conflicts: Iterable[FigureConflict]) -> dict[str, list[tuple[int, FigureConflict]]]:
    index: defaultdict[str, list[tuple[int, FigureConflict]]] = defaultdict(list)
    for conflict in conflicts:
        for figure in conflict.values:
            index[figure.doc_id].append((figure.start, conflict))
    return index


def _entry(
    cluster: Cluster,
    state: LinkState,
    figures: Mapping[str, list[tuple[int, FigureConflict]]],
    lang: str,
) -> TimelineEntry:
    participants = tuple(cluster.participants)
    place = cluster.place
    title = format_title(
        cluster.type,
        [_display(p, lang) for p in _named(participants, cluster.type)],
        place_phrase(place, lang) if place else None,
        lang,
    )
    sources = _sources(cluster, state)
    figure_conflicts: dict[str, FigureConflict] = {}
    for source in sources:
        for start, conflict in figures.get(source.doc_id, []):
            if source.start <= start < source.end:
                figure_conflicts[conflict.id] = conflict
    flags = []
    if cluster.conflicts:
        flags.append("conflicting_dates")
    if figure_conflicts:
        flags.append("conflicting_figures")
    if cluster.date is None:
        flags.append("undated")
    conflicts: dict[str, Any] = {}
    if cluster.conflicts:
        conflicts["dates"] = [c.to_dict() for c in cluster.conflicts]
    if figure_conflicts:
        conflicts["figures"] = [c.to_dict() for c in figure_conflicts.values()]
    return TimelineEntry(
        id=cluster.id,
        date=cluster.date,
        type=cluster.type,
        title=title,
        participants=participants,
        place=place,
        summary=_summary(cluster.members, lang),
        status=cluster.status,
        confidence=_confidence(cluster),
        flags=tuple(flags),
        sources=sources,
        main=cluster.main,
        conflicts=conflicts,
    )


def _as_date(value: str | dt.date | None, *, end: bool) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    date = FuzzyDate.parse(str(value))
    return date.end if end else date.start


def _entity_ids(names: Iterable[str], state: LinkState, lang: str) -> list[set[str]]:
    """For each name, the entity ids it may stand for: gazetteer names and aliases, and names seen."""
    wanted = []
    for name in names:
        ids: set[str] = set()
        key = _fold(name)
        try:
            from chronique.entities.gazetteer import registry

            entity = registry().resolve(name, lang)
            if entity is not None:
                ids.add(entity.id)
        except ImportError:
            pass
        for entity_id, aliases in state.aliases.items():
            if key == _fold(entity_id) or any(key == _fold(a) for a in aliases):
                ids.add(entity_id)
        ids.add(key)
        wanted.append(ids)
    return wanted


def entries_from(
    source: LinkResult | LinkState,
    *,
    figure_conflicts: Iterable[FigureConflict] | None = None,
    entities: Iterable[str] = (),
    types: Iterable[str] = (),
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    main_only: bool = False,
    lang: str = "fr",
) -> list[TimelineEntry]:
    """The timeline of linked clusters, filtered, in date order (undated entries last)."""
    state = source.state if isinstance(source, LinkResult) else source
    if figure_conflicts is None:
        figure_conflicts = source.figure_conflicts if isinstance(source, LinkResult) else ()
    figures = _figure_index(figure_conflicts)
    wanted_ids = _entity_ids(entities, state, lang)
    wanted_types = {t.strip() for t in types if t.strip()}
    lo, hi = _as_date(date_from, end=False), _as_date(date_to, end=True)
    entries = []
    for cluster in state.linker.clusters.values():
        if main_only and not cluster.main:
            continue
        if wanted_types and not wanted_types & {cluster.type, cluster.family}:
            continue
        if lo is not None or hi is not None:
            if cluster.date is None:
                continue
            start, end = cluster.date.interval()
            if (lo is not None and end < lo) or (hi is not None and start > hi):
                continue
        if wanted_ids:
            ids = cluster.participant_ids | {p.entity_id for p in cluster.places}
            if not all(ids & wanted for wanted in wanted_ids):
                continue
        entries.append(_entry(cluster, state, figures, lang))
    return sorted(
        entries,
        key=lambda e: (
            e.date is None,
            e.date.start if e.date else dt.date.max,
            e.date.granularity.rank if e.date else 0,
            e.title,
            e.id,
        ),
    )


def timeline(
    store: Any,
    *,
    entities: Iterable[str] = (),
    types: Iterable[str] = (),
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    main_only: bool = False,
    lang: str = "fr",
) -> list[TimelineEntry]:
    """The timeline of a linked store (run `chronique.link(store)` after adding documents)."""
    from chronique.link.figures import FigureMention
    from chronique.link.persist import load_figure_conflicts, load_state

    state = load_state(store)
    conflicts = []
    for data in load_figure_conflicts(store):
        values = tuple(
            FigureMention(
                v["doc_id"],
                data["quantity"],
                data["unit"],
                float(v["value"]),
                bool(v["approx"]),
                v["text"],
                v["sentence"],
                int(v["start"]),
                int(v["end"]),
                (data["place"],),
                FuzzyDate.parse(v["published"]) if v.get("published") else None,
                v.get("url"),
            )
            for v in data["values"]
        )
        conflicts.append(FigureConflict(data["id"], data["quantity"], data["unit"], data["place"], values))
    return entries_from(
        state,
        figure_conflicts=conflicts,
        entities=entities,
        types=types,
        date_from=date_from,
        date_to=date_to,
        main_only=main_only,
        lang=lang,
    )


# -- exports -----------------------------------------------------------------------------------------


def _date_label(entry: TimelineEntry) -> str:
    return entry.date.value if entry.date else "?"


def _markers(entry: TimelineEntry, lang: str) -> list[str]:
    """What a reader must know beside the title: planned or denied, background news (#4 status)."""
    labels = (load_rules(lang, "timeline") or load_rules("en", "timeline")).get("markers", {})
    markers = [str(labels.get(entry.status, entry.status))] if entry.status != "happened" else []
    if not entry.main:
        markers.append(str(labels.get("background", "background")))
    return markers


def _markdown(entries: Sequence[TimelineEntry], title: str, lang: str) -> str:
    lines = [f"# {title}", ""]
    for entry in entries:
        flags = f" ⚠ {', '.join(entry.flags)}" if entry.flags else ""
        markers = _markers(entry, lang)
        marker = f" ({', '.join(markers)})" if markers else ""
        lines.append(f"## {_date_label(entry)} — {entry.title}{marker}{flags}")
        lines.append("")
        lines.append(f"{entry.summary}")
        lines.append("")
        for source in entry.sources:
            where = source.url or source.doc_id
            lines.append(f"- {source.published or '?'} · {where}: “{source.sentence}”")
        for conflict in entry.conflicts.get("dates", []):
            lines.append(f"- date given as {conflict['value']} by {conflict['doc_id']}")
        for conflict in entry.conflicts.get("figures", []):
            values = "; ".join(
                f"{v['value']:g} ({v['published'] or '?'}, {v['doc_id']})" for v in conflict["values"]
            )
            lines.append(f"- {conflict['quantity']}: {values}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSV_COLUMNS = (
    "id",
    "date",
    "granularity",
    "type",
    "title",
    "participants",
    "place",
    "status",
    "confidence",
    "flags",
    "sources",
    "summary",
)


def _csv(entries: Sequence[TimelineEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for entry in entries:
        data = entry.to_dict()
        writer.writerow(
            [
                data["id"],
                data["date"] or "",
                data["granularity"] or "",
                data["type"],
                data["title"],
                "; ".join(p["name"] for p in data["participants"]),
                (data["place"] or {}).get("name", ""),
                data["status"],
                data["confidence"],
                " ".join(data["flags"]),
                " ".join(s["url"] or s["doc_id"] for s in data["sources"]),
                data["summary"],
            ]
        )
    return out.getvalue()


def _timelinejs(entries: Sequence[TimelineEntry], title: str) -> dict[str, Any]:
    """TimelineJS3's JSON: one slide per dated entry, month-level dates without a day."""
    events = []
    for entry in entries:
        if entry.date is None:
            continue
        start = entry.date.start
        date: dict[str, Any] = {"year": start.year}
        if entry.date.granularity.value in ("day", "week", "month"):
            date["month"] = start.month
        if entry.date.granularity.value == "day":
            date["day"] = start.day
        sources = "".join(
            f'<li><a href="{html.escape(s.url or "")}">{html.escape(s.published or s.doc_id)}</a>: '
            f"{html.escape(s.sentence)}</li>"
            for s in entry.sources
        )
        events.append(
            {
                "unique_id": entry.id,
                "start_date": date,
                "display_date": entry.date.value,
                "group": entry.type,
                "text": {
                    "headline": html.escape(entry.title),
                    "text": f"<p>{html.escape(entry.summary)}</p><ul>{sources}</ul>",
                },
            }
        )
    return {"title": {"text": {"headline": html.escape(title), "text": ""}}, "events": events}


_HTML_STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "ol{list-style:none;padding:0;border-left:3px solid #ccd;margin-left:.5rem}"
    "li.entry{margin:0 0 1.5rem 1rem}time{font-weight:bold;color:#446}"
    ".background{opacity:.75}.flag{background:#fe9;border-radius:3px;padding:0 .3rem;font-size:.8rem}"
    "ul.sources{font-size:.9rem;color:#444}"
)


def _html(entries: Sequence[TimelineEntry], title: str, lang: str) -> str:
    """A standalone page (no script, no network): the entries with their sources."""
    items = []
    for entry in entries:
        flags = "".join(
            f' <span class="flag">{html.escape(f)}</span>' for f in (*_markers(entry, lang), *entry.flags)
        )
        sources = "".join(
            f"<li>{html.escape(s.published or '?')} · "
            + (f'<a href="{html.escape(s.url)}">{html.escape(s.url)}</a>' if s.url else html.escape(s.doc_id))
            + f": “{html.escape(s.sentence)}”</li>"
            for s in entry.sources
        )
        items.append(
            f'<li class="entry{"" if entry.main else " background"}" id="{entry.id}">'
            f"<time>{html.escape(_date_label(entry))}</time> "
            f"<strong>{html.escape(entry.title)}</strong>{flags}"
            f'<p>{html.escape(entry.summary)}</p><ul class="sources">{sources}</ul></li>'
        )
    return (
        f'<!doctype html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_HTML_STYLE}</style></head>\n"
        f"<body><h1>{html.escape(title)}</h1>\n<ol>\n" + "\n".join(items) + "\n</ol></body></html>\n"
    )


def export(entries: Sequence[TimelineEntry], fmt: str, *, title: str = "Timeline", lang: str = "fr") -> str:
    """The entries as `md`, `json` (the stable form), `csv`, `timelinejs` or `html`."""
    if fmt == "json":
        return json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return _markdown(entries, title, lang)
    if fmt == "csv":
        return _csv(entries)
    if fmt == "timelinejs":
        return json.dumps(_timelinejs(entries, title), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return _html(entries, title, lang)
    raise ValueError(f"unknown timeline format {fmt!r}: use one of {', '.join(FORMATS)}")


# -- timeline summarisation (news-tls / tilse) -------------------------------------------------------

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(_fold(text)) if len(w) > 2]


def _dated_sentences(doc: Document, published: FuzzyDate | None) -> Iterable[tuple[dt.date, str, bool]]:
    """(day, sentence, said-by-an-expression) for the sentences of a document that a day can be given."""
    timexes = [s for s in doc.layer("timex") if s.label == "DATE"]
    bounds = [(s.start, s.end) for s in doc.layer("sentences")] or [
        (m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]?", doc.text)
    ]
    for start, end in bounds:
        text = " ".join(doc.text[start:end].split())
        if len(text) < SUMMARY_MIN_CHARS:
            continue
        day = None
        for timex in timexes:
            if start <= timex.start < end:
                try:
                    date = FuzzyDate.parse(str(timex.attrs.get("value", "")))
                except ValueError:
                    continue
                if date.granularity.value == "day":
                    day = date.start
                    break
        if day is not None:
            yield day, text, True
        elif published is not None and published.granularity.value == "day":
            yield published.start, text, False


def tls(
    docs: Iterable[Document],
    query: str,
    *,
    max_dates: int,
    sentences: int,
    dates: Mapping[str, FuzzyDate | None] | None = None,
) -> list[tuple[str, list[str]]]:
    """A dated summary in the news-tls / tilse form: the `max_dates` days most referred to, each with the
    `sentences` sentences that best fit the query and the day's other sentences.

    Days are ranked by how many sentences refer to them (a time expression counts fully, a publication
    date half), as the date-wise baselines of the benchmark do.
    """
    query_words = set(_words(query))
    by_day: defaultdict[dt.date, list[str]] = defaultdict(list)
    weight: defaultdict[dt.date, float] = defaultdict(float)
    for doc in docs:
        published = (dates or {}).get(doc.id) or doc.published
        for day, text, explicit in _dated_sentences(doc, published):
            if query_words and not query_words & set(_words(text)):
                continue
            by_day[day].append(text)
            weight[day] += 1.0 if explicit else 0.5
    chosen = sorted(sorted(weight, key=lambda d: (-weight[d], d))[:max_dates])
    result = []
    for day in chosen:
        texts = list(dict.fromkeys(by_day[day]))
        centroid = Counter(w for t in texts for w in set(_words(t)))
        scores = {t: _sentence_score(set(_words(t)), query_words, centroid) for t in texts}
        picked: list[str] = []
        for text in sorted(texts, key=lambda t: (-scores[t], t)):
            if all(len(set(_words(text)) & set(_words(p))) < 0.7 * len(set(_words(text))) for p in picked):
                picked.append(text)
            if len(picked) >= sentences:
                break
        result.append((day.isoformat(), picked))
    return result


def _sentence_score(words: set[str], query_words: set[str], centroid: Counter[str]) -> float:
    """Query words count double; the rest is how typical the sentence's words are of its day."""
    return len(words & query_words) * 2 + sum(centroid[w] for w in words) / (1 + len(words))


def tls_text(summary: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The tilse / news-tls text form: a date line, its sentences, a line of dashes."""
    blocks = [f"{day}\n" + "\n".join(texts) + "\n" + "-" * 32 for day, texts in summary]
    return "\n".join(blocks) + ("\n" if blocks else "")

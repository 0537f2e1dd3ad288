"""Corpus stage `link` (#5): event coreference across documents and languages, cluster-level dates,
cross-document dating and conflicting figures.

    result = link_documents(docs)            # in memory, for tests and evaluation
    report = link(store)                     # incremental, over the documents added since the last run

The flow: each document's `events` layer gives mentions (`mentions.py`); the `Linker` files them into
clusters through a block index (`cluster.py`); documents without a trusted day get one from the events
they share with dated documents, and their relative dates are re-read against it (`dating.py`), which
may refine the clusters' dates, for a few rounds; figures that disagree across sources are collected
(`figures.py`). `persist.py` keeps it all in the store, so that adding documents only links the new ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronique.link.cluster import Cluster, DateConflict, Linker, block_keys, resolve_date
from chronique.link.dating import (
    Window,
    choose_date,
    event_window,
    joint_windows,
    needs_date,
    redate_mentions,
    windows_for,
)
from chronique.link.figures import FigureConflict, FigureMention, figure_conflicts, figures_of
from chronique.link.mentions import EventMention, Participant, TimexRef, family_of, mentions_of, timex_ref
from chronique.model import Document, FuzzyDate

if TYPE_CHECKING:
    from chronique.docdate import DateInterval

__all__ = [
    "BuildReport",
    "Cluster",
    "DateConflict",
    "EventMention",
    "FigureConflict",
    "LinkReport",
    "LinkResult",
    "LinkState",
    "Linker",
    "Participant",
    "build",
    "family_of",
    "link",
    "link_documents",
    "resolve_date",
]

# Rounds of "date documents, re-read their dates, re-date clusters": a document dated in one round can
# date another in the next (seed 004 from the dev articles, then its own "vendredi"). Four is enough for
# the chains seen in the dev corpus (the Moscow meeting dates RFI's Sochi article, which dates the Sochi
# meeting, which settles The National's "Wednesday", whose date re-reads its "Last year").
MAX_DATING_ROUNDS = 4


@dataclass(slots=True)
class LinkState:
    """What linking knows: clusters, borrowed dates, the documents' own dates and entity aliases."""

    linker: Linker = field(default_factory=Linker)
    borrowed: dict[str, FuzzyDate] = field(default_factory=dict)
    borrowed_evidence: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    published: dict[str, FuzzyDate | None] = field(default_factory=dict)  # as the documents gave it
    aliases: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def date_of(self, doc_id: str) -> FuzzyDate | None:
        """The document's date: borrowed from the corpus when that is better than its own."""
        return self.borrowed.get(doc_id) or self.published.get(doc_id)


@dataclass(slots=True)
class LinkResult:
    """The outcome of one linking run."""

    state: LinkState
    touched: set[str]
    redated: set[str]
    figure_conflicts: list[FigureConflict]
    undated: set[str] = field(default_factory=set)  # documents that lost the date they had borrowed

    @property
    def clusters(self) -> dict[str, Cluster]:
        return self.state.linker.clusters

    @property
    def borrowed(self) -> dict[str, FuzzyDate]:
        return self.state.borrowed


@dataclass(frozen=True, slots=True)
class LinkReport:
    """What `link(store)` did, for the command's summary."""

    documents: int
    mentions: int
    clusters: int
    touched: int
    borrowed: int
    figure_conflicts: int

    def to_dict(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "mentions": self.mentions,
            "clusters": self.clusters,
            "touched": self.touched,
            "borrowed": self.borrowed,
            "figure_conflicts": self.figure_conflicts,
        }


Loader = Callable[[list[str]], Iterable[Document]]
Resolver = Callable[[Document, FuzzyDate], Mapping[tuple[int, int], str]]


def tagger_resolver(doc: Document, dct: FuzzyDate) -> dict[tuple[int, int], str]:
    """The document's time expressions re-resolved by the time tagger against a new date."""
    try:
        from chronique import timex
    except ImportError:  # the tagger is optional here: dating.py reads weekdays itself
        return {}
    spans = timex.resolve(doc.text, doc.layer("timex"), lang=doc.lang or "fr", dct=dct)
    return {(s.start, s.end): str(s.attrs.get("value", "")) for s in spans}


def _collect_aliases(doc: Document, aliases: defaultdict[str, set[str]]) -> None:
    for span in doc.layer("entities"):
        entity_id = span.attrs.get("entity_id")
        if entity_id:
            aliases[str(entity_id)].add(" ".join(span.text_of(doc.text).split()))
            if span.attrs.get("name"):
                aliases[str(entity_id)].add(str(span.attrs["name"]))


def link_documents(
    docs: Iterable[Document],
    *,
    state: LinkState | None = None,
    load: Loader | None = None,
    resolver: Resolver | None = tagger_resolver,
    figures: Iterable[FigureMention] | None = None,
) -> LinkResult:
    """Link new documents into `state` (a fresh one by default) and date what the links allow.

    `load` fetches documents linked earlier (for their time expressions) when one of them may now be
    dated; `figures` are the figures of the whole corpus (default: those of `docs`).
    """
    state = state or LinkState()
    docs = list(docs)
    by_id = {doc.id: doc for doc in docs}
    new_mentions: list[EventMention] = []
    for doc in docs:
        _collect_aliases(doc, state.aliases)
        new_mentions.extend(mentions_of(doc))
    again, touched = _unsettle(state, new_mentions, by_id, load)
    for doc_id in again:
        new_mentions.extend(mentions_of(by_id[doc_id]))
    for doc in docs:
        state.published[doc.id] = doc.published
    touched |= state.linker.add(new_mentions)
    redated = _date_documents(state, touched, by_id, load, resolver)
    all_figures = list(figures) if figures is not None else [f for doc in docs for f in figures_of(doc)]
    published = {f.doc_id: state.date_of(f.doc_id) for f in all_figures}
    undated = {doc_id for doc_id in again if doc_id not in state.borrowed}  # no longer dated by the corpus
    return LinkResult(state, touched, redated, figure_conflicts(all_figures, published), undated)


def _unsettle(
    state: LinkState, new_mentions: list[EventMention], by_id: dict[str, Document], load: Loader | None
) -> tuple[list[str], set[str]]:
    """Take out of their clusters the documents linked before that have no date of their own and tell
    events of the new mentions' participants or places, to link them again with the new ones as if all
    had come at once: an undated report of talks in Sochi, placed at the one meeting there known then,
    may be the one a new document tells. Returns those documents and the clusters they left."""
    linker = state.linker
    keys = {key for m in new_mentions for key in block_keys(m)}
    new_ids = {m.doc_id for m in new_mentions}
    if not keys:
        return [], set()
    known = linker.documents(state.published)
    undated = [d for d in known if d not in new_ids and needs_date(state.published.get(d))]
    wave = [d for d in undated if linker.keys_of_doc(d) & keys]
    again: list[str] = []
    touched: set[str] = set()
    while wave:
        missing = [d for d in wave if d not in by_id]
        if missing and load is not None:
            by_id.update((doc.id, doc) for doc in load(missing))
        wave = [d for d in wave if d in by_id]  # without its text, a document cannot be read again
        left: set[str] = set()
        for doc_id in wave:
            left |= linker.forget(doc_id)
            state.borrowed.pop(doc_id, None)
            state.borrowed_evidence.pop(doc_id, None)
        again += wave
        touched |= left
        # The documents that borrowed their dates from the events these left: dated again, too.
        wave = sorted(
            doc_id
            for doc_id, evidence in state.borrowed_evidence.items()
            if doc_id not in new_ids and any(e.get("cluster") in left for e in evidence)
        )
    return again, touched


def _own_interval(doc: Document | None) -> DateInterval | None:
    """The interval of days the document's own text allows (`docdate.DateInterval`), if any."""
    from chronique.docdate import INTERVAL_KEY, DateInterval

    return DateInterval.from_dict(doc.meta.get(INTERVAL_KEY)) if doc is not None else None


def _date_documents(
    state: LinkState,
    touched: set[str],
    by_id: dict[str, Document],
    load: Loader | None,
    resolver: Resolver | None,
) -> set[str]:
    """Borrow dates for the documents of the touched clusters; returns the documents re-dated."""
    linker = state.linker
    redated: set[str] = set()
    frontier = set(touched)
    new = set(touched)  # clusters the undated documents have not been looked at against yet
    for _ in range(MAX_DATING_ROUNDS):
        doc_ids = sorted(
            {m.doc_id for c in frontier if c in linker.clusters for m in linker.clusters[c].members}
        )
        doc_ids = [d for d in doc_ids if needs_date(state.published.get(d))]
        missing = [d for d in doc_ids if d not in by_id]
        if missing and load is not None:
            by_id.update((doc.id, doc) for doc in load(missing))
        frontier = set()
        for doc_id in doc_ids:
            doc = by_id.get(doc_id)
            mentions = linker.mentions_of_doc(doc_id)
            spans = doc.layer("timex") if doc else []
            recipes = {(s.start, s.end): s.attrs["recipe"] for s in spans if "recipe" in s.attrs}
            windows = windows_for(mentions, linker, recipes)
            timexes: list[TimexRef] = [timex_ref(doc, s) for s in doc.layer("timex")] if doc else []
            own = state.published.get(doc_id)
            interval = _own_interval(doc)
            date = choose_date(
                windows,
                own,
                timexes,
                interval=(interval.earliest, interval.latest) if interval is not None else None,
                own_day=interval.month_day if interval is not None else None,
            )
            if date is None or (
                own is not None and not date.is_finer_than(own) and own.confidence >= date.confidence
            ):
                continue
            previous = state.borrowed.get(doc_id)
            if previous is not None and previous.value == date.value:
                continue
            state.borrowed[doc_id] = date
            state.borrowed_evidence[doc_id] = [w.evidence() for w in windows]  # what it rests on
            redated.add(doc_id)
            values = resolver(doc, date) if (doc is not None and resolver is not None) else {}
            before = {m.key: m.date for m in mentions}
            for mention in redate_mentions(mentions, date, values):
                vague_alone = mention.date is None and mention.timex is None and linker.is_alone(mention)
                if mention.date != before[mention.key] or vague_alone:
                    # A new date, or for a mention that says nothing of when a document date to look
                    # around: it may now find its event.
                    frontier |= linker.move(mention)
                else:
                    frontier.add(linker.replace_mention(mention))
        frontier |= _rejoin_undated(state, frontier, new, lambda d: _recipes(by_id, load, d))
        new = set()
        touched |= frontier
        if not frontier:
            break
    return redated


def _recipes(by_id: dict[str, Document], load: Loader | None, doc_id: str) -> dict[tuple[int, int], Any]:
    """The `recipe` of each time expression of a document, by span (loaded when not at hand)."""
    if doc_id not in by_id and load is not None:
        by_id.update((doc.id, doc) for doc in load([doc_id]))
    doc = by_id.get(doc_id)
    spans = doc.layer("timex") if doc is not None else []
    return {(s.start, s.end): s.attrs["recipe"] for s in spans if "recipe" in s.attrs}


def _settle(state: LinkState, doc_id: str, recipes: Mapping[tuple[int, int], Any]) -> set[str]:
    """Join an undated document's lone mentions to the dated events they may be, when one choice of
    events fits one publication window better than any other (`dating.joint_windows`)."""
    linker = state.linker
    mentions = linker.mentions_of_doc(doc_id)
    lone = [m for m in mentions if m.date is None and linker.is_alone(m)]
    if not lone:
        return set()
    touched: set[str] = set()
    for m in lone:
        # The news of the lead that may be one of several events: the one its article speaks of.
        chosen = linker.by_topic(m, linker.fitting_events(m))
        if chosen is not None:
            touched |= linker.join(m, chosen)
    lone = [m for m in lone if linker.is_alone(m)]
    linked = [m for m in mentions if not linker.is_alone(m)]
    fixed = [w for w in windows_for(linked, linker, recipes) if w.tight]
    options: list[list[Window]] = []
    for m in lone:
        timex = m.date_timex
        recipe = recipes.get((timex.start, timex.end)) if timex is not None else None
        choices = []
        for cluster_id in linker.fitting_events(m):
            cluster = linker.clusters[cluster_id]
            event, _ = resolve_date(cluster.members, exclude_doc=doc_id)
            window = event_window(m, event, cluster_id, recipe) if event is not None else None
            if window is None or not window.tight:
                continue
            if window.prior and (m.place is None or m.place.entity_id not in cluster.place_ids):
                continue  # told without a time: only at the very place of the event is it that one
            choices.append(window)
        options.append(choices)
    picks = joint_windows(options, fixed)
    for m, window in zip(lone, picks or [], strict=False):
        if window is not None:
            touched |= linker.join(m, window.cluster_id)
    return touched


def _rejoin_undated(
    state: LinkState,
    frontier: set[str],
    new: set[str],
    recipes: Callable[[str], Mapping[tuple[int, int], Any]],
) -> set[str]:
    """Re-file the lone, undated mentions of undated documents that share a participant with the
    clusters just (re)dated or just made: "jeudi" in an undated article finds the Thursday visit once
    another source dates it; several that may each be one of several events are settled together (an
    undated article linked after the events it tells, too). Returns the clusters touched."""
    linker = state.linker
    keys = {
        p
        for c in frontier | new
        if c in linker.clusters and (linker.clusters[c].date is not None or c in new)
        for p in linker.clusters[c].participant_ids
    }
    touched: set[str] = set()
    if not keys:
        return touched
    for doc_id, published in sorted(state.published.items(), key=lambda item: item[0]):
        if published is not None or doc_id in state.borrowed:
            continue
        mentions = linker.mentions_of_doc(doc_id)
        if not any(m.participant_ids & keys for m in mentions):
            continue
        for mention in mentions:
            if mention.date is None and mention.participant_ids & keys:
                touched |= linker.rejoin(mention)
        touched |= _settle(state, doc_id, recipes(doc_id))
    return touched


def link(store: Any, *, relink: bool = False) -> LinkReport:
    """Link the documents added to `store` since the last run (all of them with `relink`)."""
    from chronique.link.persist import link_store

    return link_store(store, relink=relink)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What `build` did: the add report and the link report."""

    added: Any  # chronique.ingest.AddReport
    linked: LinkReport

    @property
    def ok(self) -> bool:
        return bool(self.added.ok)

    def to_dict(self) -> dict[str, Any]:
        return {"add": self.added.to_dict(), "link": self.linked.to_dict()}


def build(
    paths: str | Path | Iterable[str | Path],
    *,
    settings: Any = None,
    store: Any = None,
    progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Add `paths` to the store (every per-document stage) and link what was added."""
    from chronique.ingest import add
    from chronique.settings import load_settings
    from chronique.store import open_store

    settings = settings or load_settings()
    target = store if store is not None else open_store(settings=settings)
    try:
        added = add(paths, settings=settings, store=target, progress=progress)
        linked = link(target)
    finally:
        if store is None:
            target.close()
    return BuildReport(added, linked)

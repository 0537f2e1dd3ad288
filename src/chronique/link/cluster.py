"""Event coreference: mentions of one real-world event, across documents and languages, in one cluster.

Candidates are found through a block index, never by comparing all pairs. A cluster is filed under
(type family, key, bucket) for each of its participants and places (the keys) and each bucket its date
may fall in: months ("2017-09", and the month of any year "--09" for yearless days), years for dates
coarser than two months, "*" for coarser still; an undated cluster is filed around its documents'
dates. A new mention looks at the clusters of its own keys and buckets, and at those of its own
document's other mentions, then checks each for compatible participants, place and date. A mention that
says nothing of when joins only its document's story or the one event it fits. Clusters grow
incrementally: adding documents files their mentions into the existing clusters.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chronique.link.mentions import EventMention, Participant, is_day, refine_date
from chronique.model import FuzzyDate, Granularity, Provenance, content_id

__all__ = [
    "Cluster",
    "DateConflict",
    "Linker",
    "block_keys",
    "dated_by_itself",
    "places_compatible",
    "resolve_date",
]

# A date whose interval spans more days than this is filed under its years rather than its months. Two
# months keeps a month-level date (and one that straddles two months) in month buckets.
_MONTH_BUCKET_MAX_DAYS = 62
# Weight of a date that a mention took from its document's date rather than from its own expression
# (the events stage falls back to the publication date): it may fill a gap, never outvote.
_FALLBACK_DATE_WEIGHT = 0.4
# How far from its document's date an undated mention is looked for (days).
_UNDATED_REACH_DAYS = 31
# How many days before a document's date the news it reports without a date of its own may lie (the
# date taken from the document then stands for its month or those days).
REPORT_LAG_DAYS = 7
# Events of the same people past which a mention that says nothing of when cannot be settled: it would
# be a guess among hundreds (and comparing with each would make linking quadratic).
_MAX_CANDIDATES = 256


@dataclass(frozen=True, slots=True)
class DateConflict:
    """A source whose date for the event disagrees with the merged date."""

    doc_id: str
    value: str
    evidence: str

    def to_dict(self) -> dict[str, str]:
        return {"doc_id": self.doc_id, "value": self.value, "evidence": self.evidence}


@dataclass(slots=True)
class Cluster:
    """One real-world event and the mentions that tell it."""

    id: str
    family: str
    members: list[EventMention] = field(default_factory=list)
    date: FuzzyDate | None = None
    conflicts: list[DateConflict] = field(default_factory=list)
    # Kept up to date by `resolve()`, which runs whenever the members change: compared for every candidate.
    participant_ids: frozenset[str] = frozenset()
    place_ids: frozenset[str] = frozenset()
    windows: set[str] = field(default_factory=set)  # index buckets of its members' dates (undated: filed so)
    # Members by mention key, rebuilt when `members` is replaced or grows (see `member`).
    _by_key: dict[str, EventMention] = field(default_factory=dict, repr=False, compare=False)
    # The list and length `_by_key` was built from (the list itself is held, so that no other list can
    # take its place at the same address and pass for it).
    _by_key_of: tuple[list[EventMention] | None, int] = field(default=(None, -1), repr=False, compare=False)

    def member(self, key: str) -> EventMention | None:
        """The member with this mention key (a lookup, however large the cluster)."""
        built, size = self._by_key_of
        if built is not self.members or size != len(self.members):
            self._by_key = {m.key: m for m in self.members}
            self._by_key_of = (self.members, len(self.members))
        return self._by_key.get(key)

    @property
    def doc_ids(self) -> list[str]:
        return sorted({m.doc_id for m in self.members})

    @property
    def type(self) -> str:
        """The members' most frequent type (ties: the family name, then alphabetical)."""
        counts = Counter(m.type for m in self.members)
        return min(counts, key=lambda t: (-counts[t], t != self.family, t))

    @property
    def participants(self) -> list[Participant]:
        """Participants named by the members, most often named first."""
        counts: Counter[str] = Counter()
        positions: Counter[str] = Counter()  # summed positions in the mentions' lists: who is named first
        first: dict[str, Participant] = {}
        for m in self.members:
            for index, p in enumerate(m.participants):
                counts[p.entity_id] += 1
                positions[p.entity_id] += index
                first.setdefault(p.entity_id, p)

        def order(pid: str) -> tuple[int, float, str]:
            return (-counts[pid], positions[pid] / counts[pid], first[pid].name)

        names = _names(p for m in self.members for p in m.participants)
        return [_named_in(first[pid], names) for pid in sorted(counts, key=order)]

    @property
    def places(self) -> list[Participant]:
        seen: dict[str, Participant] = {}
        for m in self.members:
            if m.place is not None:
                seen.setdefault(m.place.entity_id, m.place)
        names = _names(m.place for m in self.members if m.place is not None)
        return [_named_in(p, names) for p in seen.values()]

    @property
    def place(self) -> Participant | None:
        """The most precise place the sources agree on: a city before the country it lies in."""
        counts = Counter(m.place.entity_id for m in self.members if m.place is not None)
        if not counts:
            return None
        places = {p.entity_id: p for p in self.places}
        return places[min(counts, key=lambda pid: (places[pid].kind == "country", -counts[pid], pid))]

    @property
    def status(self) -> str:
        """happened when any source reports it done, planned when all announce it, else denied."""
        statuses = {m.status for m in self.members}
        for status in ("happened", "planned", "denied"):
            if status in statuses:
                return status
        return "happened"

    @property
    def main(self) -> bool:
        return any(m.main for m in self.members)

    def append(self, m: EventMention) -> None:
        """Add a member and merge the dates again (participants and places are updated, not recomputed)."""
        self.members.append(m)
        self.participant_ids |= m.participant_ids
        if m.place is not None:
            self.place_ids |= {m.place.entity_id}
        self.windows |= set(_window(m) or ())
        self.date, self.conflicts = resolve_date(self.members)

    def resolve(self) -> None:
        """Merge the members' dates, and recompute the participants, places and windows compared."""
        self.date, self.conflicts = resolve_date(self.members)
        self.participant_ids = frozenset(pid for m in self.members for pid in m.participant_ids)
        self.place_ids = frozenset(m.place.entity_id for m in self.members if m.place is not None)
        self.windows = {b for m in self.members for b in (_window(m) or ())}


@functools.cache
def _place_entity(entity_id: str) -> tuple[str, str | None] | None:
    """(type, ISO country) of a gazetteer place, or None when the gazetteer does not know it."""
    try:
        from chronique.entities.gazetteer import registry
    except ImportError:  # entities not installed: places are compared by kind alone
        return None
    entity = registry().get(entity_id)
    return None if entity is None else (entity.type, entity.country)


def _names(participants: Iterable[Participant]) -> dict[str, dict[str, str]]:
    """entity id → {language: name} the sources gave (the first name of each language)."""
    found: dict[str, dict[str, str]] = {}
    for p in participants:
        for lang, name in p.names:
            found.setdefault(p.entity_id, {}).setdefault(lang, name)
    return found


def _named_in(participant: Participant, names: dict[str, dict[str, str]]) -> Participant:
    merged = names.get(participant.entity_id)
    if not merged:
        return participant
    return replace(participant, names=tuple(sorted(merged.items())))


@functools.cache
def _country_id(code: str | None) -> str | None:
    """The gazetteer id of the country with this ISO code."""
    if not code:
        return None
    try:
        from chronique.entities.gazetteer import registry
    except ImportError:
        return None
    country = registry().country(code)
    return country.id if country is not None else None


def places_compatible(a: Participant, b: Participant) -> bool:
    """True when two places may be where one event happened: the same, or a city and its country.

    Unknown to the gazetteer, a city and a country may be one place, two cities never are.
    """
    if a.entity_id == b.entity_id:
        return True
    ea, eb = _place_entity(a.entity_id), _place_entity(b.entity_id)
    if ea is not None and eb is not None:
        (kind_a, country_a), (kind_b, country_b) = ea, eb
        if kind_a == "country" and kind_b != "country":
            return country_b is not None and country_a == country_b
        if kind_b == "country" and kind_a != "country":
            return country_a is not None and country_a == country_b
        return False
    return a.kind != b.kind


def _weight(m: EventMention) -> float:
    if m.date is None:
        return 0.0
    return m.date.confidence * (1.0 if m.own_date else _FALLBACK_DATE_WEIGHT)


def _fits(m: EventMention, candidate: FuzzyDate) -> bool:
    if m.date is not None and not m.date.compatible(candidate):
        return False
    timex = m.date_timex
    return timex is None or timex.fits(candidate)


def resolve_date(
    members: Iterable[EventMention], *, exclude_doc: str | None = None
) -> tuple[FuzzyDate | None, list[DateConflict]]:
    """The most specific date consistent with the sources, and the sources that disagree with it.

    Dates the mentions read from their own expressions vote; dates taken from a document's date vote
    only when no source has its own. Each candidate date scores the weight of the sources it agrees
    with; the best score wins, the finer date on a tie.
    """
    pool = [m for m in members if m.date is not None and m.doc_id != exclude_doc]
    voters = [m for m in pool if m.own_date] or pool
    if not voters:
        return None, []
    candidates: dict[str, FuzzyDate] = {}
    for date in (m.date for m in voters):
        if date is not None:
            candidates.setdefault(date.value, date)
    # Voters with the same date and expression vote alike: weigh them once (large clusters stay cheap).
    groups: dict[tuple[Any, ...], tuple[EventMention, float]] = {}
    for m in voters:
        timex = m.date_timex
        key = (m.date, tuple(sorted(timex.parts.items())) if timex is not None else None)
        first, weight = groups.get(key, (m, 0.0))
        groups[key] = (first, weight + _weight(m))
    scored = []
    for value, candidate in candidates.items():
        support = sum(weight for m, weight in groups.values() if _fits(m, candidate))
        scored.append((-round(support, 6), candidate.granularity.rank, value))
    scored.sort()
    best = candidates[scored[0][2]]
    sources = [m for m in voters if m.date is not None and m.date.value == best.value]
    confidence = max(m.date.confidence for m in sources if m.date is not None)
    conflicts = [
        DateConflict(m.doc_id, m.date.value, m.sentence_text)
        for m in voters
        if m.date is not None and m.own_date and not m.date.compatible(best)
    ]
    merged = FuzzyDate(best.value, best.granularity, best.provenance, confidence, best.evidence)
    if not is_day(merged):
        merged = _refined(merged, [m for m in members if m.doc_id != exclude_doc])
    return merged, sorted(set(conflicts), key=lambda c: (c.value, c.doc_id))


def _refined(date: FuzzyDate, members: Iterable[EventMention]) -> FuzzyDate:
    """A coarse cluster date made a day when a source writes the one day of it that fits: "lundi 15
    avril" in an undated article, told of a fire another source dates to April 2019."""
    days = {
        refined.value: (refined, m)
        for m in members
        if m.timex is not None
        and (refined := refine_date(date, None, m.timex)) is not None
        and is_day(refined)
    }
    if len(days) != 1:
        return date
    day, m = next(iter(days.values()))
    evidence = f"{m.timex.text!r} in {date.value}" if m.timex is not None else date.value
    return FuzzyDate(day.value, day.granularity, Provenance.CORPUS, date.confidence, evidence)


def _shared(ours: frozenset[str], theirs: frozenset[str]) -> int:
    """Participants in common, a leader standing for the state he leads: an agreement signed by "Putin
    and Erdogan" in one source and by "Russia and Turkey" in another is one agreement."""
    common = len(ours & theirs)
    if common == min(len(ours), len(theirs)):
        return common
    return sum(1 for key in ours if any(_acts_for(key) & _acts_for(other) for other in theirs))


def _about(date: FuzzyDate) -> tuple[dt.date, dt.date]:
    """The days a date taken from a document's date stands for: "about then", its month or the few days
    before it (a report of 1 March on a summit that ended on 28 February)."""
    lo, hi = date.interval()
    if not is_day(date):
        return lo, hi
    month_lo, month_hi = date.coarsen(Granularity.MONTH).interval()
    return min(month_lo, lo - dt.timedelta(days=REPORT_LAG_DAYS)), month_hi


def _days(m: EventMention) -> tuple[dt.date, dt.date] | None:
    """The days a mention's event may lie on: its own date's, or about its document's."""
    if m.date is None:
        return None
    return m.date.interval() if m.own_date else _about(m.date)


def _buckets(lo: dt.date, hi: dt.date, *, max_days: int = _MONTH_BUCKET_MAX_DAYS) -> list[str] | None:
    """Index buckets of a span of days: its months ("YYYY-MM") when it spans `max_days` at most, its
    years ("YYYY") when it spans two years at most, None when it is coarser (a decade)."""
    if (hi - lo).days <= max_days:
        months = []
        day = dt.date(lo.year, lo.month, 1)
        while day <= hi:
            months.append(f"{day.year:04d}-{day.month:02d}")
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months
    if hi.year - lo.year <= 1:
        return [f"{year:04d}" for year in range(lo.year, hi.year + 1)]
    return None


def _window(m: EventMention) -> list[str] | None:
    """The buckets in which a mention's event may lie: its date's, or those around its document's date.

    An undated mention is looked for within a month of its document's date; an older background fact
    without a date of its own is found only through its document's story.
    """
    days = _days(m)
    if days is not None:
        return _buckets(*days, max_days=_MONTH_BUCKET_MAX_DAYS)
    if m.published is None:
        return None
    reach = dt.timedelta(days=_UNDATED_REACH_DAYS)
    lo, hi = m.published.interval()
    return _buckets(lo - reach, hi + reach, max_days=_MONTH_BUCKET_MAX_DAYS + 2 * _UNDATED_REACH_DAYS)


def _says_nothing_of_when(m: EventMention) -> bool:
    """No date, and no expression that places it either ("la rencontre"; "lundi" in an undated article)."""
    if m.date is not None:
        return False
    timex = m.timex
    if timex is None:
        return True
    return _window(m) is None and not timex.offset and not timex.parts.get("month")


def dated_by_itself(m: EventMention) -> bool:
    """True when the mention's own words date it to the day, whatever its document's date ("le 28
    septembre 2017"; not "lundi", "hier" or "le 28 septembre", read from a date that may change)."""
    if not (m.own_date and is_day(m.date)):
        return False
    timex = m.timex
    return timex is None or (bool(timex.parts.get("year")) and not timex.anchored)


def _unique(items: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _acts_for(entity_id: str) -> frozenset[str]:
    try:
        from chronique.events.merge import acts_for
    except ImportError:  # the events stage is optional here: names are compared as they are
        return frozenset({entity_id})
    return acts_for(entity_id)


def _stands_for(ids: Iterable[str]) -> set[str]:
    """The participants and the states their leaders act for: a Putin–Erdogan agreement is filed under
    Russia and Turkey as well."""
    return {key for pid in ids for key in _acts_for(pid)}


def block_keys(m: EventMention) -> list[str]:
    """Block keys of a mention: its participants (and the states they lead), or its place when it names
    nobody."""
    if m.participants:
        return sorted(_stands_for(m.participant_ids))
    if m.place is not None:
        return ["@" + m.place.entity_id]
    return []


def _specificity(m: EventMention) -> tuple[int, str, str, int]:
    # Day-dated mentions first, so that vaguer ones attach to the clusters they form.
    rank = m.date.granularity.rank if m.date is not None else len(Granularity)
    return (rank, m.date.value if m.date is not None else "", m.doc_id, m.start)


class Linker:
    """Clusters of event mentions, with the block index that finds a new mention's candidates."""

    def __init__(self) -> None:
        self.clusters: dict[str, Cluster] = {}
        self.cluster_of: dict[str, str] = {}  # mention key -> cluster id
        # (family, key, bucket) -> cluster ids; buckets are months, years, or "*" (coarser or unknown)
        self._index: defaultdict[tuple[str, str, str], set[str]] = defaultdict(set)
        self._all: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
        self._filed: dict[str, list[tuple[str, str, str]]] = {}
        self._keys_of: dict[str, list[tuple[str, str]]] = {}  # cluster id -> its entries in `_all`
        self._doc_mentions: defaultdict[str, list[str]] = defaultdict(list)  # doc id -> mention keys
        self.gone: set[str] = set()  # clusters emptied by `move` (their stored rows are stale)
        self.comparisons = 0  # candidate checks made, for the benchmark

    # -- the index ------------------------------------------------------------------------------------

    def _file(self, cluster: Cluster) -> None:
        self._unfile(cluster.id)
        if cluster.date is not None:
            # Where its mentions look for it: about a date taken from a document's date (`_about`).
            exact = cluster.date.provenance is Provenance.TIMEX
            buckets = _buckets(*(cluster.date.interval() if exact else _about(cluster.date))) or ["*"]
        else:
            # Undated: filed about its documents' dates, so that mentions of that time find it; with no
            # date at all, only in `_all` (searched by mentions that have no date either), never under
            # "*", which every mention of the key searches.
            buckets = sorted(cluster.windows)
        buckets += sorted({f"--{b[5:7]}" for b in buckets if len(b) == 7})  # month of any year
        keys = _stands_for(cluster.participant_ids) | {"@" + pid for pid in cluster.place_ids}
        if not cluster.place_ids:  # "key@": the events of a key that name no place
            keys |= {f"{key}@" for key in _stands_for(cluster.participant_ids)}
        filed = [(cluster.family, key, bucket) for key in keys for bucket in buckets]
        for entry in filed:
            self._index[entry].add(cluster.id)
        for key in keys:
            self._all[(cluster.family, key)].add(cluster.id)
        self._filed[cluster.id] = filed
        self._keys_of[cluster.id] = [(cluster.family, key) for key in keys]

    def _unfile(self, cluster_id: str) -> None:
        for family, key, bucket in self._filed.pop(cluster_id, []):
            self._index[(family, key, bucket)].discard(cluster_id)
        # Apart from its buckets: a cluster with no date and no window is filed under no bucket at all.
        for entry in self._keys_of.pop(cluster_id, []):
            self._all[entry].discard(cluster_id)

    # Lookups: a subclass backed by the store loads the clusters filed under a key before answering.

    def _filed_under(self, family: str, key: str, bucket: str) -> set[str]:
        return set(self._index.get((family, key, bucket), ()))

    def _every(self, family: str, key: str) -> set[str]:
        return set(self._all.get((family, key), ()))

    def _count(self, family: str, key: str) -> int:
        """How many clusters `_every` would give, without copying them."""
        return len(self._all.get((family, key), ()))

    def filed(self, cluster_id: str) -> list[tuple[str, str, str]]:
        """The (family, key, bucket) entries a cluster is filed under (stored for lazy loading)."""
        return list(self._filed.get(cluster_id, []))

    def _candidates(self, m: EventMention) -> set[str]:
        """Clusters sharing a block key and a time bucket with `m`."""
        found: set[str] = set()
        buckets = _window(m)
        timex = m.timex
        if buckets is None and timex is not None and timex.parts.get("month"):
            buckets = [f"--{int(timex.parts['month']):02d}"]  # "le 28 septembre" in an undated article
        for key in block_keys(m):
            if buckets is None:
                if timex is not None and timex.offset:
                    # "il y a un an et demi" in an undated article: any event of the key may be the one
                    found |= self._every(m.family, key)
                continue  # a weekday alone says nothing until the document is dated (then re-filed)
            found |= self._filed_under(m.family, key, "*")
            for bucket in buckets:
                found |= self._filed_under(m.family, key, bucket)
            if len(buckets[0]) == 7:  # month buckets: the years hold the clusters dated to a year
                for year in {b[:4] for b in buckets}:
                    found |= self._filed_under(m.family, key, year)
            elif len(buckets[0]) == 4:  # year buckets ("last year"): the months of those years
                for year in buckets:
                    for month in range(1, 13):
                        found |= self._filed_under(m.family, key, f"{year}-{month:02d}")
        return found

    # -- compatibility --------------------------------------------------------------------------------

    def _score(self, m: EventMention, cluster: Cluster) -> float | None:
        """How well `m` fits `cluster`, or None when it cannot be the same event."""
        self.comparisons += 1
        if cluster.family != m.family:
            return None
        if (
            cluster.date is None
            and not cluster.place_ids
            and all(o.doc_id != m.doc_id and _says_nothing_of_when(o) for o in cluster.members)
        ):
            # Told with neither a time nor a place ("Trump accepts invitation to meet Kim"): it may join
            # the one event it fits (`_vague_fits`), whichever came first; nothing joins it.
            return None
        ids, cluster_ids = m.participant_ids, cluster.participant_ids
        shared = _shared(ids, cluster_ids)
        need = min(2, len(ids), len(cluster_ids))
        same_place = m.place is not None and m.place.entity_id in cluster.place_ids
        if need == 0 and not same_place:
            return None  # nobody in common to tell: only the same place links a mention naming nobody
        if shared < need:
            return None
        if not self._journey_fits(m, cluster):
            return None
        place = m.place
        if (
            place is not None
            and not same_place
            and not all(places_compatible(place, o) for o in cluster.places)
        ):
            return None
        score = 2.0 * shared + (3.0 if same_place else 0.0)
        if cluster.date is not None:
            # A day taken from a document's date only says "about then" (`_about`).
            exact = cluster.date.provenance is Provenance.TIMEX
            days = _days(m)
            if days is not None:
                lo, hi = cluster.date.interval() if exact else _about(cluster.date)
                if not (days[0] <= hi and lo <= days[1]):
                    return None
                score += 2.0 if m.own_date and is_day(m.date) and exact and is_day(cluster.date) else 1.0
            timex = m.date_timex
            if timex is not None and exact and not timex.fits(cluster.date):
                return None
        if m.date is not None and m.own_date and is_day(m.date):
            day = m.date.value
            # One document does not tell two different days of one event.
            if any(
                o.doc_id == m.doc_id and is_day(o.date) and o.date and o.date.value != day
                for o in cluster.members
            ):
                return None
        return score + 0.001 * min(len(cluster.members), 100)

    @staticmethod
    def _journey_fits(m: EventMention, cluster: Cluster) -> bool:
        """One person's journey ("doit se rendre à Séoul") is a meeting of several only where they met:
        `m` needs a member of its own kind, or one of the other kind at its very place."""

        def lone(o: EventMention) -> bool:
            return o.type == "visit" and len(o.participants) == 1

        if m.place is not None and m.place.entity_id in cluster.place_ids:
            return True
        kind = lone(m)
        return any(lone(o) == kind for o in cluster.members)

    # -- adding ---------------------------------------------------------------------------------------

    def _own_story(self, m: EventMention) -> set[str]:
        """The clusters that hold other mentions of `m`'s document."""
        return {
            self.cluster_of[key]
            for key in self._doc_mentions.get(m.doc_id, ())
            if key in self.cluster_of and key != m.key
        }

    def _fits(
        self, m: EventMention, candidates: Iterable[str], *, limit: int | None = None
    ) -> list[tuple[float, str]]:
        fits = []
        for cluster_id in candidates:
            score = self._score(m, self.clusters[cluster_id])
            if score is not None:
                fits.append((score, cluster_id))
                if limit is not None and len(fits) >= limit:
                    break
        return fits

    def _vague_fits(self, m: EventMention) -> list[tuple[float, str]]:
        """Candidates for a mention that says nothing of when ("la rencontre des deux dirigeants", or
        "lundi" in an undated article).

        Its own document's story tells which of several meetings of the same pair it is; failing that, the
        one event it fits around its document's date, or, in an undated document, the one event at that
        very place, or at a place the event's sources do not name (a dated one for a weekday).
        Otherwise it stays apart. The search stops at a second
        event that fits: the mention is ambiguous then, however many more there are.
        """
        same_doc = self._fits(m, sorted(c for c in self._own_story(m) if self.clusters[c].family == m.family))
        if same_doc or m.place is None:
            return same_doc
        windowed = _window(m) is not None
        if windowed:
            candidates: Iterable[str] = self._candidates(m)
        else:  # an undated mention of an undated document: any event of its keys at its place may be it
            # (not one that names neither a time nor a place: it tells nothing either way)
            candidates = [
                c
                for c in self._at_place(m) or []
                if self.clusters[c].date is not None or self.clusters[c].place_ids
            ]
            if m.timex is not None:
                # "jeudi" in an undated article: only a dated event can say which Thursday it was
                candidates = (c for c in candidates if self.clusters[c].date is not None)
        fits = self._fits(m, candidates, limit=2)
        if len(fits) != 1:
            return []
        place_ids = self.clusters[fits[0][1]].place_ids
        if not windowed and place_ids and m.place.entity_id not in place_ids:
            return []  # at any time, in the country of the one event it fits: not sure enough
        return fits

    def add(self, mentions: Iterable[EventMention]) -> set[str]:
        """File new mentions into clusters (new ones when nothing fits); returns the clusters touched."""
        touched: set[str] = set()
        for m in sorted(mentions, key=_specificity):
            if m.key in self.cluster_of:
                continue
            if _says_nothing_of_when(m):
                fits = self._vague_fits(m)
            else:
                fits = self._fits(m, sorted(self._candidates(m) | self._own_story(m)))
            best = max(fits, key=lambda f: (f[0], f[1])) if fits else None
            if best is None:
                cluster = Cluster(self._new_id(m), m.family)
                self.clusters[cluster.id] = cluster
            else:
                cluster = self.clusters[best[1]]
            cluster.append(m)
            self.cluster_of[m.key] = cluster.id
            self._doc_mentions[m.doc_id].append(m.key)
            self._file(cluster)
            touched.add(cluster.id)
        return touched

    def _new_id(self, m: EventMention) -> str:
        """The id of a cluster `m` founds: from its key, and another when the cluster it founded before
        lives on without it (it moved, or its document is linked again)."""
        cluster_id = content_id("cluster", m.key)
        again = 0
        while cluster_id in self.clusters:
            again += 1
            cluster_id = content_id("cluster", m.key, str(again))
        return cluster_id

    def restore(self, cluster_id: str, mentions: Iterable[EventMention]) -> None:
        """Put back a stored cluster as it was (no comparison)."""
        members = list(mentions)
        if not members:
            return
        cluster = self.clusters.get(cluster_id) or Cluster(cluster_id, members[0].family)
        self.clusters[cluster_id] = cluster
        for m in members:
            cluster.members.append(m)
            self.cluster_of[m.key] = cluster_id
            self._doc_mentions[m.doc_id].append(m.key)
        cluster.resolve()
        self._file(cluster)

    def move(self, mention: EventMention) -> set[str]:
        """Re-file a stored mention whose date changed: out of its cluster, then added anew.

        Returns the clusters touched (the one it left, which may now be gone, and the one it joined).
        """
        left = self._leave(mention)
        self.cluster_of.pop(mention.key)
        self._doc_mentions[mention.doc_id].remove(mention.key)
        return {left} | self.add([mention])

    def _leave(self, mention: EventMention) -> str:
        """Take a mention out of its cluster (gone when it was the last member); returns that cluster."""
        old = self.clusters[self.cluster_of[mention.key]]
        old.members = [m for m in old.members if m.key != mention.key]
        if old.members:
            old.resolve()
            self._file(old)
        else:
            self._unfile(old.id)
            del self.clusters[old.id]
            self.gone.add(old.id)
        return old.id

    def rejoin(self, mention: EventMention) -> set[str]:
        """Re-file a mention that says nothing of when and sits alone, when it now fits one dated event
        (a cluster dated since it was filed: "jeudi" in an undated article once the Thursday visit to
        Ankara is dated by another source). Returns the clusters touched (none when nothing changed)."""
        if not self.is_alone(mention) or not _says_nothing_of_when(mention):
            return set()
        own = self.cluster_of[mention.key]
        fits = [f for f in self._vague_fits(mention) if f[1] != own]
        if len(fits) != 1:
            return set()
        return self.move(mention)

    def _at_place(self, m: EventMention) -> list[str] | None:
        """The events of `m`'s keys at its place or at no place told (all of its keys' without a place),
        or None when there are more than `_MAX_CANDIDATES`."""
        kind = _place_entity(m.place.entity_id) if m.place is not None else None
        if m.place is None or kind is None or kind[0] == "country":
            # Nowhere, or in a country: events in any of its cities may be the one.
            keys = block_keys(m)
        else:  # in a city: events there, in its country, or told without a place
            country = _country_id(kind[1])
            keys = [
                "@" + m.place.entity_id,
                *([f"@{country}"] if country else []),
                *(f"{k}@" for k in block_keys(m)),
            ]
        if sum(self._count(m.family, key) for key in keys) > _MAX_CANDIDATES * len(keys):
            return None  # hundreds of events, whichever it is: too many to tell
        found = set().union(*(self._every(m.family, key) for key in keys))
        return sorted(found) if len(found) <= _MAX_CANDIDATES else None

    def fitting_events(self, m: EventMention, *, limit: int = 8) -> list[str]:
        """The dated events of other documents that a lone mention may be, when what it says of itself
        cannot tell which ("Wednesday", in Sochi, in an undated article: the 2017 or the 2021 meeting).
        At most `limit`; more means it says too little to be placed at all (so does a mention with more
        than `_MAX_CANDIDATES` events to choose from)."""
        candidates = sorted(self._candidates(m)) if _window(m) is not None else self._at_place(m)
        if candidates is None or len(candidates) > _MAX_CANDIDATES:
            return []
        own = self.cluster_of.get(m.key)
        found = []
        for cluster_id in candidates:
            cluster = self.clusters[cluster_id]
            others = any(o.doc_id != m.doc_id for o in cluster.members)
            if cluster_id == own or cluster.date is None or not others:
                continue
            if self._score(m, cluster) is not None:
                found.append(cluster_id)
                if len(found) > limit:
                    return []
        return found

    def by_topic(self, m: EventMention, cluster_ids: Iterable[str]) -> str | None:
        """The one event among `cluster_ids` whose lead sources name what `m`'s article names and no other
        candidate's sources do: an undated report of a Putin–Erdogan meeting that speaks of Jerusalem
        is the December 2017 visit to Ankara, not the September one. None when `m` is not its article's
        lead, or when no candidate, or more than one, is told so (`EventMention.topics`)."""
        candidates = sorted(set(cluster_ids))
        if not m.main or not m.topics or len(candidates) < 2:
            return None
        # What the mention itself names says nothing more: every candidate shares it already.
        own = m.topics - _stands_for(m.participant_ids) - ({m.place.entity_id} if m.place else set())
        named: dict[str, frozenset[str]] = {}
        for cluster_id in candidates:
            leads = [o for o in self.clusters[cluster_id].members if o.doc_id != m.doc_id and o.main]
            named[cluster_id] = own & frozenset().union(*(o.topics for o in leads))
        told = [
            cluster_id
            for cluster_id, names in named.items()
            if names - frozenset().union(*(n for c, n in named.items() if c != cluster_id))
        ]
        return told[0] if len(told) == 1 else None

    def documents(self, published: Mapping[str, FuzzyDate | None]) -> list[str]:
        """The documents linked so far (`published`: what the caller knows of them), in id order."""
        return sorted(published)

    def keys_of_doc(self, doc_id: str) -> set[str]:
        """The block keys of a document's mentions that its own words do not date to the day (those
        that others may settle: a weekday, a yearless day, a time told of nothing)."""
        return {key for m in self.mentions_of_doc(doc_id) if not dated_by_itself(m) for key in block_keys(m)}

    def forget(self, doc_id: str) -> set[str]:
        """Take a document's mentions out of their clusters; returns the clusters they left."""
        left = set()
        for mention in self.mentions_of_doc(doc_id):
            left.add(self._leave(mention))
            del self.cluster_of[mention.key]
        self._doc_mentions.pop(doc_id, None)
        return left

    def join(self, mention: EventMention, cluster_id: str) -> set[str]:
        """Move a mention into a chosen cluster; returns the clusters touched."""
        left = self._leave(mention)
        target = self.clusters[cluster_id]
        target.append(mention)
        self.cluster_of[mention.key] = cluster_id
        self._file(target)
        return {left, cluster_id}

    def is_alone(self, mention: EventMention) -> bool:
        """True when the mention is the only member of its cluster."""
        return len(self.clusters[self.cluster_of[mention.key]].members) == 1

    def replace_mention(self, mention: EventMention) -> str:
        """Swap in a re-dated version of a stored mention; returns its cluster id."""
        cluster = self.clusters[self.cluster_of[mention.key]]
        cluster.members = [mention if m.key == mention.key else m for m in cluster.members]
        cluster.resolve()
        self._file(cluster)
        return cluster.id

    def mentions_of_doc(self, doc_id: str) -> list[EventMention]:
        found = []
        for key in self._doc_mentions.get(doc_id, []):
            member = self.clusters[self.cluster_of[key]].member(key)
            if member is not None:
                found.append(member)
        return found

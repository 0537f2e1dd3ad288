"""Fixtures every test module shares: paths to ../shared (skipped when absent) and hand-built docs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chronique.model import Document, FuzzyDate, Span

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
DEV_ARTICLES = SHARED / "corpus" / "dev" / "articles.jsonl"
TIMEBANK_FR = SHARED / "eval" / "timebank-fr-dev"
TEMPEVAL_EN = SHARED / "eval" / "tempeval3-train"
EXAMPLES = ROOT / "examples"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the team's shared data in place (../shared)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SEEDS)


@pytest.fixture(scope="session")
def seed_gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_need(SEEDS / "gold.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def dev_articles() -> list[dict[str, Any]]:
    path = _need(DEV_ARTICLES)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def timebank_fr_dir() -> Path:
    return _need(TIMEBANK_FR)


@pytest.fixture(scope="session")
def tempeval_en_dir() -> Path:
    return _need(TEMPEVAL_EN)


@pytest.fixture
def make_doc() -> Any:
    """Build a Document by hand: make_doc("text", lang="fr", layers={...})."""

    def build(text: str, **fields: Any) -> Document:
        fields.setdefault("source", "test")
        return Document(raw=text, **fields)

    return build


# -- a small linked database, built by hand (the server, search and questions tests share it, #6) ----

_PUTIN = ("Vladimir Poutine", "vladimir-putin", "Vladimir Putin", "person")
_ERDOGAN = ("Recep Tayyip Erdogan", "recep-tayyip-erdogan", "Recep Tayyip Erdogan", "person")
_SOCHI = ("Sotchi", "sochi", "Sochi", "city")
_ANKARA = ("Ankara", "ankara", "Ankara", "city")


def _linked_article(
    raw: str,
    *,
    removed: tuple[str, ...],
    source: str,
    url: str,
    date: str,
    names: tuple[tuple[str, str, str, str], ...],
    place: tuple[str, str, str, str],
    trigger: str,
    when: str,
    event_type: str = "meeting",
) -> Document:
    """One article with every layer the server shows: removed lines, sentences, entities, timex, event."""
    text = "\n".join(line for line in raw.split("\n") if line not in removed)
    doc = Document(raw=raw, source=source, url=url, title=text.split("\n")[0], lang="fr", text=text)
    doc.published = FuzzyDate.parse(date, provenance="metadata")
    doc.set_layer(
        "removed",
        [Span(raw.index(r), raw.index(r) + len(r), "consent", {"rule": "test", "text": r}) for r in removed],
    )
    sentences, pos = [], 0
    for number, line in enumerate(text.split("\n")):
        if line:
            sentences.append(Span(pos, pos + len(line), "sentence", {"paragraph": number}))
        pos += len(line) + 1
    doc.set_layer("sentences", sentences)
    doc.set_layer(
        "entities",
        [
            Span(
                text.index(s),
                text.index(s) + len(s),
                label,
                {"entity_id": eid, "name": name, "source": "gazetteer"},
            )
            for s, eid, name, label in (*names, place)
        ],
    )
    at = text.index(when)
    doc.set_layer("timex", [Span(at, at + len(when), "DATE", {"value": date, "rule": "test"})])
    start = text.index(trigger)
    sentence = doc.sentence_of(start)
    assert sentence is not None
    attrs = {
        "participants": [{"entity_id": eid, "name": name} for _, eid, name, _ in names],
        "place": {"entity_id": place[1], "name": place[2]},
        "date": FuzzyDate.parse(date).to_dict(),
        "status": "happened",
        "main": True,
        "sentence": [sentence.start, sentence.end],
        "timex": [at, at + len(when)],
    }
    doc.set_layer("events", [Span(start, start + len(trigger), event_type, attrs)])
    return doc


LINKED_ARTICLES = (
    dict(
        raw="Accepter les cookies\n"
        "Vladimir Poutine a rencontré Recep Tayyip Erdogan à Sotchi le 29 septembre 2021.\n"
        "L'économie était au menu.",
        removed=("Accepter les cookies",),
        source="a.txt",
        url="https://www.rfi.fr/a",
        date="2021-09-29",
        names=(_PUTIN, _ERDOGAN),
        place=_SOCHI,
        trigger="rencontré",
        when="29 septembre 2021",
    ),
    dict(
        raw="Vladimir Poutine et Recep Tayyip Erdogan se sont rencontrés à Sotchi le 29 septembre 2021.\n"
        "Partager",
        removed=("Partager",),
        source="b.txt",
        url="https://fr.euronews.com/b",
        date="2021-09-29",
        names=(_PUTIN, _ERDOGAN),
        place=_SOCHI,
        trigger="rencontrés",
        when="29 septembre 2021",
    ),
    dict(
        raw="Vladimir Poutine est arrivé à Ankara le 28 septembre 2017 pour rencontrer Recep Tayyip Erdogan.",
        removed=(),
        source="c.txt",
        url="https://fr.sputniknews.africa/c",
        date="2017-09-28",
        names=(_PUTIN, _ERDOGAN),
        place=_ANKARA,
        trigger="rencontrer",
        when="28 septembre 2017",
    ),
)


@pytest.fixture(scope="session")
def linked_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A linked SQLite store of three hand-made articles: two tell one Sochi meeting, one an Ankara one."""
    from chronique.link import link
    from chronique.store import Store

    path = tmp_path_factory.mktemp("linked") / "linked.db"
    with Store.open(path) as store:
        store.add([_linked_article(**fields) for fields in LINKED_ARTICLES])  # type: ignore[arg-type]
        link(store)
    return path

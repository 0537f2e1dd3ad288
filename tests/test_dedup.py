"""Exact and near-duplicates grouped as one story; incremental detection; the threshold on real texts (#2)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest

from chronique import dedup
from chronique.model import Document
from chronique.store import Store, open_store

ARTICLE = (
    "Le président américain Donald Trump et le dirigeant nord-coréen Kim Jong-un se sont retrouvés mercredi "
    "soir à Hanoï pour leur deuxième sommet, huit mois après leur rencontre historique de Singapour.\n\n"
    "Les deux hommes ont dîné à l’hôtel Metropole avant une journée de discussions prévue jeudi. « Nous "
    "avons fait beaucoup de progrès », a déclaré Donald Trump devant la presse.\n\n"
    "Washington réclame le démantèlement du complexe nucléaire de Yongbyon ; Pyongyang demande une levée "
    "des sanctions qui pèsent sur son économie depuis 2016."
)
OTHER = (
    "Donald Trump a franchi dimanche la ligne de démarcation militaire à Panmunjom et fait une vingtaine de "
    "pas en Corée du Nord, une première pour un président américain en exercice. Il s’est ensuite entretenu "
    "pendant près d’une heure avec Kim Jong-un dans la Maison de la liberté, côté sud de la zone "
    "démilitarisée, et les deux dirigeants ont convenu de relancer des négociations de travail."
)
BOILERPLATE = (
    "Accepter les cookies\n\nLire aussi : notre dossier Corée du Nord\n\nPartager sur Facebook Twitter\n\n"
    "Publicité\n\nAbonnez-vous à notre newsletter"
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "news.db") as opened:
        yield opened  # type: ignore[misc]


def story_of(store: Store, doc: Document) -> str:
    return store.row(doc.id).story_id


def test_exact_duplicate_from_another_source_joins_the_story(store: Store) -> None:
    first = Document(raw=ARTICLE, source="lemonde/hanoi.txt")
    copy = Document(raw=ARTICLE.replace("\n\n", "\n\n\n").upper(), source="yahoo/hanoi.txt")  # same words
    counts = store.add([first, copy])
    assert (counts.added, counts.duplicates) == (2, 1)
    row = store.row(copy.id)
    assert (row.story_id, row.duplicate_of, row.similarity) == (first.id, first.id, 1.0)
    assert {r.source for r in store.documents(story=first.id)} == {"lemonde/hanoi.txt", "yahoo/hanoi.txt"}


@pytest.mark.parametrize(
    "variant",
    [
        BOILERPLATE + "\n\n" + ARTICLE + "\n\n" + BOILERPLATE,  # scraped with the site's junk
        ARTICLE.split("\n\n", 1)[1],  # lead paragraph dropped
        ARTICLE.replace("mercredi soir", "mercredi 27 février au soir").replace("2016", "2016, selon l’AFP"),
    ],
)
def test_near_duplicate_joins_the_story(store: Store, variant: str) -> None:
    first = Document(raw=ARTICLE, source="afp/hanoi.txt")
    near = Document(raw=variant, source="reprise/hanoi.txt")
    store.add([first])
    counts = store.add([near])
    assert counts.duplicates == 1
    row = store.row(near.id)
    assert row.story_id == first.id and row.similarity is not None
    assert dedup.NEAR_DUPLICATE_THRESHOLD <= row.similarity < 1.0


def test_a_shortened_copy_joins_the_story(store: Store) -> None:
    first = Document(raw=ARTICLE + "\n\n" + OTHER, source="afp/long.txt")
    teaser = Document(raw="\n\n".join(ARTICLE.split("\n\n")[:2]), source="rss/1")  # first two paragraphs
    store.add([first, teaser])
    row = store.row(teaser.id)
    assert row.story_id == first.id
    assert row.similarity is not None and row.similarity < dedup.NEAR_DUPLICATE_THRESHOLD  # not by Jaccard


@pytest.mark.parametrize(
    ("jaccard", "sizes", "expected"),
    [(1.0, (100, 100), 1.0), (0.5, (100, 50), 1.0), (0.25, (300, 100), 0.8), (0.0, (10, 10), 0.0)],
)
def test_containment(jaccard: float, sizes: tuple[int, int], expected: float) -> None:
    assert dedup.containment(jaccard, *sizes) == pytest.approx(expected)


def test_different_articles_are_different_stories(store: Store) -> None:
    a, b = Document(raw=ARTICLE, source="a.txt"), Document(raw=OTHER, source="b.txt")
    assert store.add([a, b]).duplicates == 0
    assert story_of(store, a) != story_of(store, b)


def test_short_texts_are_only_compared_exactly(store: Store) -> None:
    a = Document(raw="Kim Jong-un est arrivé à Hanoï en train.", source="a.txt")
    b = Document(raw="Kim Jong-un est arrivé à Hanoï en voiture.", source="b.txt")
    c = Document(raw="Kim Jong-un est arrivé à Hanoï en train !", source="c.txt")
    store.add([a, b, c])
    assert story_of(store, b) == b.id
    assert story_of(store, c) == a.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Kim, Jong-un!  l’hôtel", ["kim", "jong", "un", "l", "hôtel"]), ("", [])],
)
def test_words(text: str, expected: list[str]) -> None:
    assert dedup.words(text) == expected


def test_signature_is_deterministic() -> None:
    one, two = dedup.signature(ARTICLE), dedup.signature(ARTICLE)
    assert one.text_key == two.text_key and one.blob() == two.blob()
    assert len(one.band_keys()) == dedup.BANDS
    assert all(0 <= key < 2**63 for key in one.band_keys())


def _random_article(rng: random.Random, vocabulary: list[str]) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(120))


def test_adding_one_document_compares_it_with_few_stored_ones(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(0)
    vocabulary = [f"mot{i}" for i in range(3000)]
    store.add(Document(raw=_random_article(rng, vocabulary), source=f"{i}.txt") for i in range(300))
    signed: list[str] = []
    real_signature = dedup.signature
    monkeypatch.setattr(dedup, "signature", lambda text: signed.append(text) or real_signature(text))
    loaded: list[str] = []
    store.connection.set_trace_callback(lambda sql: loaded.append(sql) if "s.minhash" in sql else None)
    new = Document(raw=_random_article(rng, vocabulary), source="new.txt")
    assert store.add([new]).added == 1
    store.connection.set_trace_callback(None)
    assert signed == [new.text]  # the stored documents are not hashed again
    assert len(loaded) < 10  # signatures read: only LSH candidates, not 300


def _pairs_above_threshold(texts: dict[str, str]) -> list[tuple[float, str, str]]:
    sigs = {name: dedup.signature(text) for name, text in texts.items()}
    found = []
    for a, b in itertools.combinations(sigs, 2):
        ma, mb = sigs[a].minhash, sigs[b].minhash
        if ma is not None and mb is not None:
            score = dedup.similarity(ma, mb)
            contained = dedup.containment(score, sigs[a].size, sigs[b].size)
            if score >= dedup.NEAR_DUPLICATE_THRESHOLD or (
                score >= dedup.CONTAINMENT_MIN_JACCARD and contained >= dedup.CONTAINMENT_THRESHOLD
            ):
                found.append((score, a, b))
    return found


def test_threshold_keeps_real_distinct_articles_apart(
    dev_articles: list[dict[str, Any]], seeds_dir: Path
) -> None:
    texts = {article["id"]: article["text"] for article in dev_articles}
    texts.update({path.name: path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))})
    # Several outlets report the same events here (Sochi, Hanoi-like pairs): none is a copy of another.
    assert _pairs_above_threshold(texts) == []


def test_threshold_groups_real_articles_with_added_boilerplate(dev_articles: list[dict[str, Any]]) -> None:
    missed = []
    for article in dev_articles:
        if len(dedup.words(article["text"])) < dedup.MIN_WORDS:
            continue
        texts = {"original": article["text"], "scraped": BOILERPLATE + "\n\n" + article["text"]}
        if not _pairs_above_threshold(texts):
            missed.append(article["id"])
    assert missed == []

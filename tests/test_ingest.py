"""The `add` flow: read → pipeline → store in batches, idempotent, bad input reported, worker pool (#2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chronique.clean import line_key
from chronique.errors import BinaryInputError, EmptyInputError, MalformedRecordError, StoreError
from chronique.ingest import AddReport, add, reclean
from chronique.model import Document
from chronique.pipeline import register_stage
from chronique.settings import Settings
from chronique.store import Store, open_store

ARTICLES = {
    "singapour.txt": " date 2018-06 Donald Trump et Kim Jong-un se sont serré la main mardi à Singapour.",
    "hanoi.txt": "Le sommet de Hanoï s’est achevé jeudi sans accord, a annoncé la Maison Blanche.",
    "dmz.txt": "Donald Trump a fait dimanche quelques pas en Corée du Nord, à Panmunjom.",
}


@register_stage("test_explode", requires=("raw",), assigns=("lang",))
def _make_explode(settings: Settings) -> object:
    """A stage that breaks on documents containing BOOM (tests that one bad document fails alone)."""

    def explode(doc: Document) -> Document:
        if "BOOM" in doc.raw:
            raise ValueError("stage bug")
        doc.lang = "xx"
        return doc

    return explode


def make_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "news.db")


def test_add_stores_and_adding_again_changes_nothing(tmp_path: Path, settings: Settings) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    first = add([corpus], settings=settings, stages=())
    assert (first.added, first.skipped, first.failed) == (3, 0, [])
    with open_store(settings.db) as store:
        before = [(d.id, d.text) for d in store.iter_documents()]
    second = add([corpus], settings=settings, stages=())
    assert (second.added, second.skipped, second.duplicates, second.ok) == (0, 3, 0, True)
    with open_store(settings.db) as store:
        assert [(d.id, d.text) for d in store.iter_documents()] == before
        dated = [d for d in store.iter_documents() if d.published]
        assert [d.published.value for d in dated if d.published] == ["2018-06"]


def test_bad_inputs_are_reported_and_the_rest_is_stored(tmp_path: Path, settings: Settings) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    lines = [
        json.dumps({"id": "ok", "text": "Kim Jong-un est rentré à Pyongyang en train."}),
        '{"id": "cut", "te',
    ]
    (corpus / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = add([corpus], settings=settings, stages=())
    assert report.added == 4 and not report.ok
    assert {Path(e.source).name: type(e) for e in report.failed} == {
        "photo.txt": BinaryInputError,
        "empty.txt": EmptyInputError,
        "wire.jsonl:2": MalformedRecordError,
    }
    assert "4 added" in report.summary() and "3 failed" in report.summary()
    assert [f["kind"] for f in report.to_dict()["failed"]].count("EmptyInputError") == 1


def test_failures_never_lose_what_was_stored(tmp_path: Path, settings: Settings) -> None:
    add([make_corpus(tmp_path / "good")], settings=settings, stages=())
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("", encoding="utf-8")
    report = add([bad, tmp_path / "missing"], settings=settings, stages=())
    assert len(report.failed) == 2 and report.added == 0
    with open_store(settings.db) as store:
        assert store.count() == 3


def test_a_stage_failing_on_one_document_fails_only_that_one(tmp_path: Path, settings: Settings) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    (corpus / "boom.txt").write_text("This article makes the stage go BOOM.", encoding="utf-8")
    report = add([corpus], settings=settings, stages=("test_explode",))
    assert report.added == 3
    [error] = report.failed
    assert Path(error.source).name == "boom.txt" and "ValueError: stage bug" in error.reason
    with open_store(settings.db) as store:
        assert {d.lang for d in store.iter_documents()} == {"xx"}


def test_batches_bound_memory_and_progress_counts_every_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(11):
        (corpus / f"{i:02d}.txt").write_text(f"Dépêche numéro {i} sur le sommet.", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    batches: list[int] = []
    real_add = Store.add

    def spy(self: Store, docs: list[Document]) -> object:
        batches.append(len(docs))
        return real_add(self, docs)

    monkeypatch.setattr(Store, "add", spy)
    ticks: list[int] = []
    report = add(
        [corpus], settings=Settings(db=tmp_path / "x.db", batch_size=4), stages=(), progress=ticks.append
    )
    assert report.added == 11
    assert max(batches) <= 4 and sum(batches) == 11
    assert sum(ticks) == 12  # 11 documents and one failure


def test_an_open_store_can_be_passed_in(tmp_path: Path, settings: Settings) -> None:
    with open_store(tmp_path / "other.db") as store:
        report = add([make_corpus(tmp_path / "c")], settings=settings, store=store, stages=())
        assert report.added == store.count() == 3
    assert not settings.db.exists()


def test_worker_processes_give_the_same_store(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    serial = Settings(db=tmp_path / "serial.db")
    parallel = Settings(db=tmp_path / "parallel.db", workers=2)
    assert add([corpus], settings=serial, stages=("test_explode",)).added == 3
    report = add([corpus], settings=parallel, stages=("test_explode",))
    assert report.added == 3 and report.ok
    with open_store(serial.db) as a, open_store(parallel.db) as b:
        assert [d.to_dict() for d in a.iter_documents()] == [d.to_dict() for d in b.iter_documents()]


def test_report_summary() -> None:
    report = AddReport(added=5, skipped=2, duplicates=1)
    assert report.summary() == "5 added (1 joined the story of a stored document), 2 already stored, 0 failed"


@pytest.mark.slow
def test_the_examples_ingest_through_every_installed_stage(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    report = add([examples], settings=Settings(db=tmp_path / "demo.db"))
    assert report.failed == [] and report.added == 15 and report.duplicates == 1
    with open_store(tmp_path / "demo.db") as store:
        rows = {r.source.split("examples/", 1)[-1]: r for r in store.documents()}
        wire, copy = rows["global-wire/singapore-summit.txt"], rows["daily-courier/singapore-summit.txt"]
        assert wire.story_id == copy.story_id  # the same wire story, published twice
        singapore = store.get(rows["echo-du-matin/2018-06-12-singapour.txt"].id)
        assert singapore.meta["date_prefix"] == "2018-06" and singapore.published is not None
        assert singapore.published.value.startswith("2018-06")
        assert not singapore.raw.startswith(" date")


# A site's furniture that no phrase rule knows: only the line statistics of the source can find it.
SITE_HEADER = "Le Veilleur — raconter le monde autrement"
SITE_FOOTER = "Une rédaction indépendante depuis 1998"
WIRE_SENTENCE = "Les deux dirigeants ne s'étaient jamais rencontrés avant cette année-là."


def _site_article(number: int) -> str:
    body = f"Article numéro {number} : le conseil municipal a voté {number * 3} délibérations mardi soir."
    wire = f"\n\n{WIRE_SENTENCE}" if number in (7, 8, 9) else ""
    return f"Titre du jour numéro {number}\n\n{SITE_HEADER}\n\n{body}{wire}\n\n{SITE_FOOTER}\n"


def _write_site(folder: Path, numbers: range) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in numbers:
        path = folder / f"article-{number:02}.txt"
        path.write_text(_site_article(number), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("sizes", [(2, 4, 6)])
def test_template_lines_found_across_runs_and_batches(
    tmp_path: Path, settings: Settings, sizes: tuple[int, int, int]
) -> None:
    site = tmp_path / "le-veilleur"
    first, second, third = sizes
    runs = [
        _write_site(site, range(0, first)),
        _write_site(site, range(first, first + second)),
        _write_site(site, range(first + second, first + second + third)),
    ]
    small_batches = Settings(db=settings.db, batch_size=2)
    reports = [add(paths, settings=small_batches, stages=("clean",)) for paths in runs]
    assert [r.added for r in reports] == list(sizes)
    key = str(site)
    # Run 1: two documents, too few to tell furniture. Run 2 finds it, and says that the two documents
    # of run 1 hold it; run 3 finds nothing new.
    assert [r.stale for r in reports] == [{}, {key: first}, {}]
    with open_store(settings.db) as store:
        texts = {Path(d.source).name: d.text for d in store.iter_documents()}
    stale = {f"article-{n:02}.txt" for n in range(first)}
    for name, text in texts.items():
        assert (SITE_HEADER in text) == (name in stale), name
        assert (SITE_FOOTER in text) == (name in stale), name
    # Three articles of twelve share a wire sentence: content, not furniture.
    assert sum(WIRE_SENTENCE in text for text in texts.values()) == 3

    recleaned = reclean(key, settings=settings, stages=("clean",))
    assert (recleaned.documents, recleaned.changed, recleaned.failed) == (sum(sizes), first, [])
    with open_store(settings.db) as store:
        docs = list(store.iter_documents())
    assert not any(SITE_HEADER in d.text or SITE_FOOTER in d.text for d in docs)
    assert sum(WIRE_SENTENCE in d.text for d in docs) == 3
    assert {d.title for d in docs} == {f"Titre du jour numéro {n}" for n in range(sum(sizes))}
    # Re-cleaning again changes nothing.
    assert reclean(key, settings=settings, stages=("clean",)).changed == 0


def test_template_statistics_count_each_document_once(tmp_path: Path, settings: Settings) -> None:
    paths = _write_site(tmp_path / "site", range(4))
    add(paths, settings=settings, stages=("clean",))
    add(paths + paths[:1], settings=settings, stages=("clean",))  # stored already, and twice in one batch
    with open_store(settings.db) as store:
        stats = store.template_stats({str(tmp_path / "site"): [line_key(SITE_HEADER)]})
    assert stats[str(tmp_path / "site")].documents == 4
    assert stats[str(tmp_path / "site")].lines == {line_key(SITE_HEADER): 4}


def test_reclean_unknown_source_says_what_to_give(tmp_path: Path, settings: Settings) -> None:
    add(_write_site(tmp_path / "site", range(1)), settings=settings, stages=("clean",))
    with pytest.raises(StoreError, match="no stored document of source 'elsewhere'"):
        reclean("elsewhere", settings=settings, stages=("clean",))

"""The `add` flow: read → template lines → per-document pipeline → store, in batches (#2).

    report = add(["examples/"], settings=load_settings(db="news.db"))
    print(report.summary())

Inputs are read lazily, `settings.batch_size` documents at a time, so a folder of 10,000 files is never
held in memory at once. Each batch is stored in one transaction: a crash loses at most the batch being
written, never what was stored before. Documents already stored (same id) are not processed again.
With `settings.workers > 1` the per-document stages run in a pool of spawned processes, each building
its own pipeline (and loading its own models) once.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from chronique.errors import ChroniqueError, InputError, PipelineError, StoreError
from chronique.model import Document, Provenance
from chronique.pipeline import Pipeline
from chronique.readers import ReadResult, apply_date_prefix, headline, read
from chronique.settings import Settings, load_settings
from chronique.store import Store, open_store

__all__ = ["AddReport", "ProgressFn", "RecleanReport", "add", "process", "reclean"]

# Called with the number of inputs (documents or failures) handled since the last call.
ProgressFn = Callable[[int], None]


@dataclass(slots=True)
class AddReport:
    """What `add` did: documents added, already stored, joined to an existing story, and failures."""

    added: int = 0
    skipped: int = 0
    duplicates: int = 0
    failed: list[InputError] = field(default_factory=list)
    # Sources (`clean.source_key`) with template lines found in this run that documents stored in
    # earlier runs hold, and how many such documents at least: `reclean(source)` re-cleans them.
    stale: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        text = f"{self.added} added"
        if self.duplicates:
            text += f" ({self.duplicates} joined the story of a stored document)"
        text += f", {self.skipped} already stored, {len(self.failed)} failed"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "stale": dict(self.stale),
            "failed": [
                {"source": e.source, "reason": e.reason, "kind": type(e).__name__} for e in self.failed
            ],
        }


def _batches(items: Iterable[ReadResult], size: int) -> Iterator[tuple[list[Document], list[InputError]]]:
    docs: list[Document] = []
    errors: list[InputError] = []
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
        else:
            docs.append(item)
        if len(docs) >= size:
            yield docs, errors
            docs, errors = [], []
    if docs or errors:
        yield docs, errors


def _cleaner() -> Any:
    """The `chronique.clean` module when the cleaner is installed, else None."""
    try:
        from chronique import clean
    except ModuleNotFoundError as exc:
        if exc.name != "chronique.clean":
            raise
        return None
    return clean


def _entity_indexer() -> Callable[[Store, list[Document]], Any]:
    """`chronique.entities.index_entities` (the entities stage is installed when this is asked)."""
    from chronique.entities import index_entities

    return index_entities


def _keep(result: Document | InputError, failed: list[InputError], kept: list[Document]) -> None:
    """Record a document that failed, or give a processed one its headline and keep it."""
    if isinstance(result, InputError):
        failed.append(result)
        return
    if result.title is None:
        result.title = headline(result.text)
    kept.append(result)


def process(doc: Document, pipeline: Pipeline) -> Document | InputError:
    """Run the pipeline on one document; a stage that breaks on it fails this document, not the batch."""
    try:
        return pipeline(doc)
    except InputError as exc:
        return exc
    except ChroniqueError:  # a missing model or a broken pipeline: every document would fail the same way
        raise
    except Exception as exc:
        return InputError(
            doc.source,
            f"processing failed ({type(exc).__name__}: {exc})",
            "this is a bug in chronique: please report it with the file",
        )


# -- worker processes --------------------------------------------------------------------------------

_worker_pipeline: Pipeline | None = None


def _init_worker(names: Sequence[str], modules: Sequence[str], settings: Settings) -> None:
    global _worker_pipeline
    for module in modules:  # a spawned process starts empty: register the stages (a user's own too)
        importlib.import_module(module)
    _worker_pipeline = Pipeline(names, settings)


def _work(doc: Document) -> Document | InputError:
    if _worker_pipeline is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker started without its pipeline")
    return process(doc, _worker_pipeline)


class _Runner:
    """Runs the pipeline over batches, in this process or in a pool of spawned ones."""

    def __init__(self, pipeline: Pipeline, workers: int) -> None:
        self.pipeline = pipeline
        self.workers = workers
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        if workers > 1:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(tuple(pipeline.names), tuple(s.module for s in pipeline.specs), pipeline.settings),
            )

    def __enter__(self) -> _Runner:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def run(self, docs: list[Document]) -> Iterator[Document | InputError]:
        if self.pool is None:
            for doc in docs:
                yield process(doc, self.pipeline)
            return
        chunk = max(1, len(docs) // (self.workers * 4))
        yield from self.pool.map(_work, docs, chunksize=chunk)


def _mark_template_lines(clean: Any, store: Store, docs: list[Document], report: AddReport) -> None:
    """Template lines from the store's statistics of each source plus this batch (#2); note the
    sources whose new template lines are held by documents stored before."""
    wanted: dict[str, set[int]] = {}
    for doc in docs:
        wanted.setdefault(clean.source_key(doc), set()).update(clean.template_candidates(doc.raw))
    stored = store.template_stats(wanted)
    totals = clean.mark_template_lines(docs, stored=stored)
    for key, before in stored.items():
        found = totals[key].template() - before.template()
        held = max((before.lines.get(line, 0) for line in found), default=0)
        if held:
            report.stale[key] = max(report.stale.get(key, 0), held)


# -- the flow --------------------------------------------------------------------------------------


def add(
    paths: str | Path | Iterable[str | Path],
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    progress: ProgressFn | None = None,
    stages: Sequence[str] | None = None,
) -> AddReport:
    """Read `paths`, run the per-document stages (`stages`, default: every installed one), store.

    `store` defaults to `settings.db`, opened and closed here. Bad inputs end up in `report.failed`.
    """
    settings = settings or load_settings()
    pipeline = Pipeline.default(settings) if stages is None else Pipeline(stages, settings)
    clean = _cleaner() if "clean" in pipeline.names else None
    # The canonical-entity tables are filled from the `entities` layer as documents are stored (#4).
    index_entities = _entity_indexer() if "entities" in pipeline.names else None
    report = AddReport()
    own_store = store is None
    target = store if store is not None else open_store(settings=settings)
    try:
        with _Runner(pipeline, settings.workers) as runner:
            for docs, errors in _batches(read(paths, settings=settings), settings.batch_size):
                report.failed.extend(errors)
                if progress and errors:
                    progress(len(errors))
                new: list[Document] = []
                ids: set[str] = set()
                for doc in docs:  # the same article twice in one batch is processed once
                    if doc.id not in ids and not target.contains(doc.id):
                        new.append(doc)
                    ids.add(doc.id)
                report.skipped += len(docs) - len(new)
                if progress and len(docs) > len(new):
                    progress(len(docs) - len(new))
                if clean is not None and new:
                    _mark_template_lines(clean, target, new, report)
                processed: list[Document] = []
                for result in runner.run(new):
                    _keep(result, report.failed, processed)
                    if progress:
                        progress(1)
                counts = target.add(processed)
                if index_entities is not None and processed:
                    index_entities(target, processed)
                report.added += counts.added
                report.skipped += counts.skipped
                report.duplicates += counts.duplicates
    finally:
        if own_store:
            target.close()
    return report


@dataclass(slots=True)
class RecleanReport:
    """What `reclean` did: documents of the source read, re-processed because their text changed."""

    source: str
    documents: int = 0
    changed: int = 0
    failed: list[InputError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.documents} stored document(s), {self.changed} cleaned again and "
            f"re-processed, {len(self.failed)} failed"
        )


def _as_read(doc: Document) -> Document:
    """A stored document as the readers gave it: no later stage's text, layers, date or guessed title."""
    published = doc.published
    if published is not None and published.provenance not in (Provenance.METADATA, Provenance.PREFIX):
        published = None  # found by `docdate` in the old text: let it look again
        prefix = doc.meta.get("date_prefix")
        if prefix:
            _, published, _ = apply_date_prefix(f" date {prefix}\n")
    meta = {key: value for key, value in doc.meta.items() if key != "lang_detected"}
    title = None if doc.title == headline(doc.text) else doc.title
    return Document(
        raw=doc.raw,
        source=doc.source,
        url=doc.url,
        title=title,
        lang=doc.lang,
        published=published,
        meta=meta,
        id=doc.id,
    )


def reclean(
    source: str,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    progress: ProgressFn | None = None,
    stages: Sequence[str] | None = None,
) -> RecleanReport:
    """Clean the stored documents of `source` (a `clean.source_key`: URL host or folder) again with
    the template lines the store knows now; those whose text changes go through the per-document
    stages again and are rewritten (#2).

    The first documents of a new source are stored before its template lines are known (a line is a
    template line once it repeats in enough documents); `add` reports such sources in
    `AddReport.stale`. Links made by `chronique link` from the old text stay until `link --relink`.
    """
    settings = settings or load_settings()
    pipeline = Pipeline.default(settings) if stages is None else Pipeline(stages, settings)
    clean = _cleaner()
    if clean is None or "clean" not in pipeline.names:
        raise PipelineError("reclean needs the `clean` stage; install chronique with its cleaner")
    index_entities = _entity_indexer() if "entities" in pipeline.names else None
    own_store = store is None
    target = store if store is not None else open_store(settings=settings)
    try:
        ids = target.template_documents(source)
        if not ids:
            raise StoreError(
                f"{target.path}: no stored document of source {source!r}; a source is a URL host "
                "(example.org) or a folder (news/site), as `chronique add` reports it"
            )
        report = RecleanReport(source, len(ids))
        for first in range(0, len(ids), settings.batch_size):
            docs = list(target.iter_documents(ids[first : first + settings.batch_size], layers=False))
            lines = {line for doc in docs for line in clean.template_candidates(doc.raw)}
            stats = target.template_stats({source: lines}).get(source, clean.SourceLines())
            changed: list[Document] = []
            for doc in docs:
                template_lines = clean.template_lines_of(doc.raw, stats)
                text, _ = clean.clean_text(doc.raw, lang=doc.lang, template_lines=template_lines)
                if text == doc.text:
                    if progress:
                        progress(1)
                    continue
                fresh = _as_read(doc)
                fresh.meta["template_lines"] = template_lines
                _keep(process(fresh, pipeline), report.failed, changed)
                if progress:
                    progress(1)
            with target.transaction():
                for doc in changed:
                    target.update(doc)
                if index_entities is not None and changed:
                    index_entities(target, changed)
            report.changed += len(changed)
    finally:
        if own_store:
            target.close()
    return report

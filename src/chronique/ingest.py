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

from chronique.errors import ChroniqueError, InputError
from chronique.model import Document
from chronique.pipeline import Pipeline
from chronique.readers import ReadResult, headline, read
from chronique.settings import Settings, load_settings
from chronique.store import Store, open_store

__all__ = ["AddReport", "ProgressFn", "add", "process"]

# Called with the number of inputs (documents or failures) handled since the last call.
ProgressFn = Callable[[int], None]


@dataclass(slots=True)
class AddReport:
    """What `add` did: documents added, already stored, joined to an existing story, and failures."""

    added: int = 0
    skipped: int = 0
    duplicates: int = 0
    failed: list[InputError] = field(default_factory=list)

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


def _template_marker() -> Callable[[list[Document]], Any] | None:
    """`chronique.clean.mark_template_lines` when the cleaner is installed."""
    try:
        from chronique import clean
    except ModuleNotFoundError as exc:
        if exc.name != "chronique.clean":
            raise
        return None
    marker: Callable[[list[Document]], Any] | None = getattr(clean, "mark_template_lines", None)
    return marker


def _entity_indexer() -> Callable[[Store, list[Document]], Any]:
    """`chronique.entities.index_entities` (the entities stage is installed when this is asked)."""
    from chronique.entities import index_entities

    return index_entities


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
    mark_template_lines = _template_marker() if "clean" in pipeline.names else None
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
                if mark_template_lines is not None and docs:
                    # Template lines repeat across the documents of one source: look at the whole batch,
                    # stored documents included, before leaving those out.
                    mark_template_lines(docs)
                new = [doc for doc in docs if not target.contains(doc.id)]
                report.skipped += len(docs) - len(new)
                if progress and len(docs) > len(new):
                    progress(len(docs) - len(new))
                processed: list[Document] = []
                for result in runner.run(new):
                    if isinstance(result, InputError):
                        report.failed.append(result)
                    else:
                        if result.title is None:
                            result.title = headline(result.text)
                        processed.append(result)
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

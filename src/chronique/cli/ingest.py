"""`chronique add`, `chronique docs`, `chronique show`: sources into the store, and what it holds (#2)."""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from chronique.cli.common import (
    DbOption,
    FormatOption,
    QuietOption,
    app,
    fail,
    open_readonly,
    print_rows,
    settings_from,
)
from chronique.errors import ChroniqueError
from chronique.ingest import add
from chronique.model import Document, FuzzyDate

__all__ = ["add_command", "docs_command", "progress_bar", "show_command"]

DOC_COLUMNS = ("id", "date", "lang", "source", "title", "story")

R = TypeVar("R")


@app.command("add")
def add_command(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH...", help="Files, folders (read recursively), globs, or - for stdin."),
    ],
    db: DbOption = None,
    quiet: QuietOption = False,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="Processes for the per-document stages.", min=1)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Read news articles (txt, HTML, JSONL, WARC, RSS/Atom) into the store.

    Documents already stored are skipped, duplicates join the story of the document they repeat, and a
    file that cannot be read is reported and skipped; the exit code is 1 if any input failed.

    Example: chronique add examples/ feed.xml --db news.db
    """
    settings = settings_from(db, workers=workers)
    report = with_progress(
        "adding documents",
        quiet=quiet,
        work=lambda progress: add(paths, settings=settings, progress=progress),
    )
    for error in report.failed:
        typer.echo(f"failed: {error}", err=True)
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "db": str(settings.db)}, ensure_ascii=False, indent=2))
    elif not quiet:
        typer.echo(f"{report.summary()} ({settings.db})")
    if not quiet:
        for source, count in report.stale.items():
            typer.echo(
                f"note: {source}: template lines found in this run are in {count}+ document(s) stored "
                f"before; clean them again with `chronique clean --db {settings.db} --reclean {source}`",
                err=True,
            )
    if not report.ok:
        raise typer.Exit(1)


def progress_bar(desc: str, *, quiet: bool) -> Any:
    """A tqdm counter of documents on stderr, off with --quiet or when stderr is not a terminal."""
    from tqdm import tqdm

    # A terminal that reports a size of 0 × 0 (a pty without a size: `script`, some CI runners) makes
    # tqdm hide the bar (its row count is taken as -1); shutil falls back to $COLUMNS/$LINES, then 80 × 24.
    size = shutil.get_terminal_size()
    return tqdm(
        unit="",
        desc=desc,
        file=sys.stderr,
        ncols=size.columns,
        nrows=size.lines,
        disable=quiet or not sys.stderr.isatty(),
    )


def with_progress(desc: str, *, quiet: bool, work: Callable[[Callable[[int], None]], R]) -> R:
    """Run `work(progress)` under a progress bar; a ChroniqueError ends the command with its message."""
    bar = progress_bar(desc, quiet=quiet)
    try:
        return work(lambda n: bar.update(n))
    except ChroniqueError as exc:
        fail(str(exc))
    finally:
        bar.close()


@app.command("docs")
def docs_command(
    db: DbOption = None,
    fmt: FormatOption = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Same as --format csv.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Only documents in this language.")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Full-text query (accents ignored).")
    ] = None,
    story: Annotated[
        str | None, typer.Option("--story", help="Only the documents of this story (an id or its start).")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only sources starting with this.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Dated on or after this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Dated on or before this day.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="At most this many.", min=1)] = None,
) -> None:
    """List the stored documents: id, date, language, source, title and story.

    Example: chronique docs --db news.db --search "sommet de Singapour" --since 2018-06-01 --csv
    """
    fmt = "json" if as_json else "csv" if as_csv else fmt
    with open_readonly(db) as store:
        try:
            story_id = store.resolve(story) if story else None
            rows = store.documents(
                lang=lang, search=search, story=story_id, source=source, since=since, until=until, limit=limit
            )
        except ChroniqueError as exc:
            fail(str(exc))
    print_rows([row.to_dict() for row in rows], DOC_COLUMNS, fmt)


def _layer_summary(doc: Document) -> dict[str, Any]:
    return {
        name: {"spans": len(spans), "labels": dict(Counter(s.label for s in spans).most_common())}
        for name, spans in sorted(doc.layers.items())
    }


def _describe_date(date: FuzzyDate) -> str:
    """'2018-05 (month; prefix "date 2018-05", confidence 0.95)': how precise and how known."""
    evidence = f' "{date.evidence}"' if date.evidence else ""
    return f"{date.value} ({date.granularity}; {date.provenance}{evidence}, confidence {date.confidence:g})"


@app.command("show")
def show_command(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="A document id, or its first digits.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="The whole document as JSON.")] = False,
) -> None:
    """Show one stored document: metadata, cleaned text, removed lines with their reasons, layers.

    Example: chronique show 3f2a --db news.db
    """
    with open_readonly(db) as store:
        try:
            doc = store.get(store.resolve(doc_id))
            story_id = store.row(doc.id).story_id
        except ChroniqueError as exc:
            fail(str(exc))
        siblings = [r for r in store.documents(story=story_id) if r.id != doc.id]
    if as_json:
        data = doc.to_dict()
        data["story"] = {"id": story_id, "documents": [r.id for r in siblings]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out = sys.stdout
    date = _describe_date(doc.published) if doc.published else "-"
    for label, value in (
        ("id", doc.id),
        ("source", doc.source),
        ("url", doc.url),
        ("title", doc.title),
        ("lang", doc.lang),
        ("date", date),
        (
            "story",
            story_id + (f" (+{len(siblings)}: {', '.join(r.id for r in siblings)})" if siblings else ""),
        ),
    ):
        out.write(f"{label:7} {value or '-'}\n")
    out.write("\n" + doc.text.rstrip() + "\n")
    removed = doc.layer("removed")
    if removed:
        out.write(f"\nremoved lines ({len(removed)}):\n")
        for span in removed:
            line = str(span.attrs.get("text") or span.text_of(doc.raw)).strip()
            out.write(f"  [{span.label}] {line}\n")
    out.write("\nlayers:\n")
    for name, info in _layer_summary(doc).items():
        labels = ", ".join(f"{label} {n}" for label, n in list(info["labels"].items())[:6])
        out.write(f"  {name:11} {info['spans']:4}  {labels}".rstrip() + "\n")
    if not doc.layers:
        out.write("  (none: no stage has run on this document)\n")

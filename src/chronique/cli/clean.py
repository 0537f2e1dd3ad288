"""`chronique clean` (boilerplate out of one article or a batch) and `chronique eval clean` (#2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from chronique.clean import clean_document, mark_template_lines
from chronique.cli.common import (
    DbOption,
    FormatOption,
    QuietOption,
    app,
    eval_app,
    fail,
    print_rows,
    settings_from,
)
from chronique.errors import InputError
from chronique.model import Document

__all__ = ["clean_command", "eval_clean_command"]

EXPLAIN_COLUMNS = ("line", "reason", "rule", "text")


def _line_of(raw: str, offset: int) -> int:
    # The removed span may start with the blank lines it swallows; report the line it stands for.
    while offset < len(raw) and raw[offset].isspace():
        offset += 1
    return raw.count("\n", 0, offset) + 1


def _explain_rows(doc: Document, *, with_source: bool) -> list[dict[str, Any]]:
    rows = []
    for span in doc.layer("removed"):
        row = {
            "line": _line_of(doc.raw, span.start),
            "reason": span.label,
            "rule": span.attrs.get("rule", ""),
            "text": str(span.attrs.get("text", "")).strip(),
        }
        rows.append({"source": doc.source, **row} if with_source else row)
    return rows


@app.command("clean")
def clean_command(
    path: Annotated[
        str | None, typer.Argument(metavar="FILE", help="An article (txt, HTML, JSONL …), or - for stdin.")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Print each removed line with its reason and rule instead.")
    ] = False,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the text (fr, en); its rules are tried first.")
    ] = None,
    fmt: FormatOption = "table",
    reclean: Annotated[
        str | None,
        typer.Option(
            "--reclean",
            metavar="SOURCE",
            help="Instead of FILE: clean the stored documents of SOURCE (a folder or URL host) again with "
            "the template lines the store knows now, and re-process those that change.",
        ),
    ] = None,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Print an article without its boilerplate lines (cookie banners, share links, widgets …).

    Lines repeated across several articles of one site in the same file count as boilerplate too.
    With --explain, print what was removed: line number, reason, rule and text. With --reclean, clean
    stored documents again: `chronique add` names the sources whose first documents were stored before
    their site's template lines were known.

    Example: chronique clean article.txt --explain

    Example: chronique clean --db news.db --reclean examples/echo-du-matin
    """
    if reclean is not None:
        if path is not None:
            fail("give FILE or --reclean SOURCE, not both")
        _reclean(reclean, db, quiet=quiet)
        return
    if path is None:
        fail("give a FILE to clean (or - for stdin), or --reclean SOURCE with --db")
    from chronique.readers import read

    docs: list[Document] = []
    failed = 0
    for item in read([path]):
        if isinstance(item, InputError):
            typer.echo(f"failed: {item}", err=True)
            failed += 1
        else:
            docs.append(item)
    if not docs:
        fail(f"{path}: no article could be read" if failed else f"{path}: no article found")
    mark_template_lines(docs)
    several = len(docs) > 1
    rows: list[dict[str, Any]] = []
    for doc in docs:
        if lang:
            doc.lang = lang
        clean_document(doc)
        if explain:
            rows.extend(_explain_rows(doc, with_source=several))
        else:
            if several:
                typer.echo(f"# {doc.source}")
            typer.echo(doc.text.rstrip("\n"))
            if several:
                typer.echo("")
    if explain:
        print_rows(rows, (("source",) if several else ()) + EXPLAIN_COLUMNS, fmt)
    if failed:
        raise typer.Exit(1)


def _reclean(source: str, db: Path | None, *, quiet: bool) -> None:
    from chronique.cli.ingest import with_progress
    from chronique.ingest import reclean

    settings = settings_from(db)
    report = with_progress(
        "cleaning documents",
        quiet=quiet,
        work=lambda progress: reclean(source, settings=settings, progress=progress),
    )
    for error in report.failed:
        typer.echo(f"failed: {error}", err=True)
    if not quiet:
        typer.echo(f"{report.summary()} ({settings.db})")
        if report.changed:
            typer.echo(
                f"events linked from the old text stay until `chronique link --db {settings.db} --relink`",
                err=True,
            )
    if report.failed:
        raise typer.Exit(1)


@eval_app.command("clean")
def eval_clean_command(
    seeds: Annotated[Path, typer.Argument(help="Folder with the seed articles and their gold.json.")] = Path(
        "../shared/corpus/seeds"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score the cleaner on annotated articles: junk lines removed, content kept, pull quotes once.

    Example: chronique eval clean ../shared/corpus/seeds
    """
    from chronique.evaluate.clean import score_seeds

    if not (seeds / "gold.json").is_file():
        fail(f"{seeds}: no gold.json here; give the folder of the annotated seeds")
    scores = score_seeds(seeds).to_dict()
    if as_json:
        typer.echo(json.dumps(scores, ensure_ascii=False, indent=2))
        return
    for key in ("junk_recall", "content_kept", "pullquotes_once", "line_accuracy"):
        typer.echo(f"{key:16} {scores[key]:.4f}")
    for error in scores["errors"]:
        typer.echo(f"  {error}")

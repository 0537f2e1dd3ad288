"""`chronique build`, `chronique link`, `chronique timeline`, `chronique eval timeline` (#5)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from chronique.cli.common import DbOption, QuietOption, app, eval_app, fail, open_readonly, settings_from
from chronique.errors import ChroniqueError
from chronique.store import open_store

__all__ = ["build_command", "eval_timeline_command", "link_command", "timeline_command"]


@app.command("build")
def build_command(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH...", help="Files, folders (read recursively), globs, or -.")
    ],
    db: DbOption = None,
    quiet: QuietOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Add articles to the store (every stage) and link them into events: the timeline is then ready.

    Example: chronique build ../shared/corpus/seeds --db seeds.db && chronique timeline --db seeds.db
    """
    from chronique.link import build

    settings = settings_from(db)
    try:
        report = build(paths, settings=settings)
    except ChroniqueError as exc:
        fail(str(exc))
    for error in report.added.failed:
        typer.echo(f"failed: {error}", err=True)
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "db": str(settings.db)}, ensure_ascii=False, indent=2))
    elif not quiet:
        linked = report.linked
        typer.echo(
            f"{report.added.summary()}; linked {linked.documents} document(s): {linked.mentions} event "
            f"mention(s) in {linked.clusters} event(s), {linked.borrowed} date(s) borrowed, "
            f"{linked.figure_conflicts} figure conflict(s) ({settings.db})"
        )
    if not report.ok:
        raise typer.Exit(1)


@app.command("link")
def link_command(
    db: DbOption = None,
    relink: Annotated[
        bool, typer.Option("--relink", help="Forget earlier links and link everything.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Link the stored documents not linked yet (`build` does it after adding).

    Example: chronique link --db news.db --relink
    """
    from chronique.link import link

    settings = settings_from(db)
    try:
        with open_store(settings.db) as store:
            report = link(store, relink=relink)
    except ChroniqueError as exc:
        fail(str(exc))
    typer.echo(
        json.dumps(report.to_dict())
        if as_json
        else ", ".join(f"{k}: {v}" for k, v in report.to_dict().items())
    )


@app.command("timeline")
def timeline_command(
    db: DbOption = None,
    entity: Annotated[
        list[str] | None,
        typer.Option(
            "--entity", "-e", help="Only events with this entity (any alias); repeat for all of several."
        ),
    ] = None,
    event_type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only this event type (or family); repeatable.")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Only events that may fall on or after D (YYYY[-MM[-DD]]).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Only events that may fall on or before D.")
    ] = None,
    main_only: Annotated[bool, typer.Option("--main-only", help="Only the articles' main news.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of titles: fr or en.")] = "fr",
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, json, csv, timelinejs or html.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    tls: Annotated[
        bool, typer.Option("--tls", help="Timeline summarisation (news-tls / tilse output).")
    ] = False,
    query: Annotated[str, typer.Option("--query", help="--tls: words the sentences must contain.")] = "",
    max_dates: Annotated[int, typer.Option("--max-dates", help="--tls: number of dates.", min=1)] = 10,
    sentences: Annotated[int, typer.Option("--sentences", help="--tls: sentences per date.", min=1)] = 1,
) -> None:
    """Print the timeline of the linked store: one entry per real-world event, with every source.

    With --tls, print a dated summary of the documents matching --query instead (news-tls / tilse form:
    text, or JSON [[date, [sentences]], …] with --format json).

    Example: chronique timeline --db news.db --entity Poutine --entity Erdogan --from 2017 --format json
    """
    from chronique.timeline import FORMATS, export, timeline, tls_text
    from chronique.timeline import tls as summarise

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    with open_readonly(db) as store:
        try:
            if tls:
                from chronique.link.persist import load_state

                search = " OR ".join(f'"{w}"' for w in query.split()) or None
                ids = [row.id for row in store.documents(search=search)]
                summary = summarise(
                    store.iter_documents(ids),
                    query,
                    max_dates=max_dates,
                    sentences=sentences,
                    dates=load_state(store).borrowed,
                )
                text = (
                    json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
                    if fmt == "json"
                    else tls_text(summary)
                )
            else:
                entries = timeline(
                    store,
                    entities=entity or (),
                    types=event_type or (),
                    date_from=date_from,
                    date_to=date_to,
                    main_only=main_only,
                    lang=lang,
                )
                text = export(entries, fmt, lang=lang, title="Chronique")
        except (ChroniqueError, ValueError) as exc:
            fail(str(exc))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@eval_app.command("timeline")
def eval_timeline_command(
    seeds: Annotated[Path, typer.Argument(help="Folder with the seed articles and their gold.json.")] = Path(
        "../shared/corpus/seeds"
    ),
    dev: Annotated[
        Path | None, typer.Option("--dev", help="Dev articles (JSONL with gold events and dates) to add.")
    ] = None,
    oracle: Annotated[
        bool, typer.Option("--oracle", help="Use the gold events as the extraction: score linking alone.")
    ] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the titles.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores (with details) as JSON.")] = False,
) -> None:
    """Score the timeline against gold.json's timeline, and with --dev merge/split errors and dating.

    Without --dev the seeds are built with their date prefixes; with --dev the prefixes and URLs are
    removed (corpus dating is measured), unless --oracle.

    Example: chronique eval timeline ../shared/corpus/seeds --dev ../shared/corpus/dev/articles.jsonl --oracle
    """
    from chronique.evaluate.timeline import evaluate, load_dev_articles

    if not (seeds / "gold.json").is_file():
        fail(f"{seeds}: no gold.json here; give the folder of the annotated seeds")
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    articles = load_dev_articles(dev) if dev is not None else []
    scores = evaluate(seeds, gold, articles, oracle=oracle, lang=lang).to_dict()
    if as_json:
        typer.echo(json.dumps(scores, ensure_ascii=False, indent=2))
        return
    for area, values in scores.items():
        if not values:
            continue
        for key, value in values.items():
            if key != "details":
                typer.echo(f"{area}.{key:24} {value}")

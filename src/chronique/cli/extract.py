"""`chronique extract` (entities, events, quotes, figures of articles) and `chronique eval events` (#4)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from chronique.cli.common import FormatOption, app, eval_app, fail, print_rows, settings_from
from chronique.errors import ChroniqueError, InputError
from chronique.model import Document, FuzzyDate, Provenance

__all__ = ["eval_events", "extract_command"]

LAYERS = ("entities", "events", "quotes", "figures")
_SEEDS = Path("..") / "shared" / "corpus" / "seeds"


def _spans(doc: Document, name: str) -> list[dict[str, Any]]:
    return [{"text": doc.text[s.start : s.end], **s.to_dict()} for s in doc.layer(name)]


def document_json(doc: Document) -> dict[str, Any]:
    """What `chronique extract --json` prints for one document."""
    return {
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "lang": doc.lang,
        "published": doc.published.to_dict() if doc.published else None,
        "text": doc.text,
        **{name: _spans(doc, name) for name in LAYERS},
    }


def _rows(doc: Document) -> list[dict[str, Any]]:
    rows = []
    for name in LAYERS:
        for span in doc.layer(name):
            attrs = span.attrs
            if name == "events":
                what = ", ".join(p.get("name", "") for p in attrs.get("participants") or [])
                place = (attrs.get("place") or {}).get("name")
                date = (attrs.get("date") or {}).get("value")
                detail = f"{what} | {place or '-'} | {date or '-'} | {attrs.get('status')}"
                detail += " | main" if attrs.get("main") else ""
            elif name == "quotes":
                detail = (attrs.get("speaker") or {}).get("name") or "-"
            elif name == "figures":
                detail = f"{'~' if attrs.get('approx') else ''}{attrs.get('value'):g} {attrs.get('unit', '')}"
            else:
                detail = str(attrs.get("name") or "")
            rows.append(
                {
                    "layer": name,
                    "label": span.label,
                    "start": span.start,
                    "end": span.end,
                    "text": doc.text[span.start : span.end],
                    "detail": detail,
                }
            )
    return rows


@app.command("extract")
def extract_command(
    files: Annotated[list[str], typer.Argument(help="Articles: files, folders, globs, or - for stdin.")],
    dct: Annotated[
        str | None, typer.Option("--dct", help="Document date (YYYY-MM-DD or YYYY-MM) when it is known.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language (fr, en); detected when left out.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per document, with offsets.")
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """Entities, events, quotes and figures of each article, with character offsets.

    Example: chronique extract ../shared/corpus/seeds/000_8833cc1fb73df897.txt --dct 2017-09-26 --json
    """
    from chronique.pipeline import Pipeline
    from chronique.readers import read

    settings = settings_from()
    try:
        given = FuzzyDate.parse(dct, provenance=Provenance.METADATA, evidence="--dct") if dct else None
    except ValueError:
        fail(f"--dct {dct!r} is not a date: write YYYY-MM-DD or YYYY-MM")
    pipeline = Pipeline.default(settings)
    failures = 0
    for item in read(files, settings=settings):
        if isinstance(item, InputError):
            typer.echo(f"Error: {item}", err=True)
            failures += 1
            continue
        doc = item
        if lang:
            doc.lang = lang
        if given is not None:
            doc.published = given
        try:
            doc = pipeline(doc)
        except ChroniqueError as exc:
            typer.echo(f"Error: {doc.source}: {exc}", err=True)
            failures += 1
            continue
        if as_json or fmt == "json":
            sys.stdout.write(json.dumps(document_json(doc), ensure_ascii=False) + "\n")
        else:
            typer.echo(f"# {doc.source} ({doc.lang}, {doc.published or 'undated'})")
            print_rows(_rows(doc), ["layer", "label", "start", "end", "text", "detail"], fmt)
    if failures:
        raise typer.Exit(1)


@eval_app.command("events")
def eval_events(
    articles: Annotated[
        list[Path] | None,
        typer.Argument(help="JSONL files of annotated articles (id, text, url, lang, events)."),
    ] = None,
    seeds: Annotated[
        Path | None,
        typer.Option("--seeds", help="Folder of seeds with gold.json (default: ../shared/corpus/seeds)."),
    ] = None,
    show: Annotated[bool, typer.Option("--show", help="List every missed and unmatched event.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Score event extraction against annotated events: recall, precision, accuracy of each field.

    Example: chronique eval events ../shared/corpus/dev/articles.jsonl --seeds ../shared/corpus/seeds
    """
    from chronique.evaluate.events import evaluate_events, load_article_cases, load_seed_cases, summary_rows

    settings = settings_from()
    runs = []
    try:
        folder = seeds if seeds is not None else (_SEEDS if _SEEDS.is_dir() else None)
        if folder is not None:
            runs.append(("seeds", evaluate_events(load_seed_cases(folder), settings=settings)))
        for path in articles or []:
            runs.append((path.name, evaluate_events(load_article_cases(path), settings=settings)))
    except (OSError, InputError) as exc:
        fail(f"{exc}; pass annotated JSONL files and/or --seeds DIR")
    if not runs:
        fail("nothing to score: pass annotated JSONL files and/or --seeds DIR")
    rows = summary_rows(runs)
    print_rows(rows, list(rows[0]), fmt)
    if show:
        for name, scores in runs:
            for result in scores.results:
                for gold in result.missed:
                    typer.echo(
                        f"{name}\t{result.case.id}\tmissed\t{gold.type}\t{gold.date}\t{gold.place}\t"
                        f"{', '.join(gold.participants)}"
                    )
                for span in result.extra:
                    attrs = span.attrs
                    date = (attrs.get("date") or {}).get("value")
                    typer.echo(
                        f"{name}\t{result.case.id}\tunmatched\t{span.label}\t{date}"
                        f"\t{(attrs.get('place') or {}).get('name')}\t"
                        f"{', '.join(p.get('name', '') for p in attrs.get('participants') or [])}"
                    )

"""`chronique serve`, `chronique search`, `chronique ask`: the web page and API, search, questions (#6)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from chronique.cli.common import DbOption, app, fail, open_readonly, print_rows, settings_from
from chronique.errors import ChroniqueError

__all__ = ["ask_command", "search_command", "serve"]


@app.command("serve")
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port to listen on.")] = 8000,
    writable: Annotated[
        bool, typer.Option("--writable", help="Open the database for writing (read-only by default).")
    ] = False,
) -> None:
    """Serve the timeline as a web page and a REST API (JSON twin of every page, OpenAPI at /docs).

    The database is opened read-only unless --writable is given.

    Example: chronique serve --db news.db --port 8000   (then open http://127.0.0.1:8000)
    """
    import uvicorn

    from chronique.server import create_app

    settings = settings_from(db)
    try:
        application = create_app(settings.db, writable=writable)
    except ChroniqueError as exc:
        fail(str(exc))
    typer.echo(f"chronique: serving {settings.db} on http://{host}:{port} (Ctrl-C to stop)", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='Words, "a phrase", -excluded, prefix*, OR.')],
    db: DbOption = None,
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", "-e", help="Any name or alias of an entity.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Part of the source path or URL.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="Number of results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Full-text search of the stored articles: accents folded, French elision ("l'economie").

    Example: chronique search "l'economie turque" --from 2017 --entity Erdogan
    """
    from chronique.model import FuzzyDate
    from chronique.search import search

    def day(value: str | None, name: str, end: bool) -> str | None:
        if value is None:
            return None
        try:
            date = FuzzyDate.parse(value)
        except ValueError:
            fail(f"{name} {value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        return (date.end if end else date.start).isoformat()

    lo, hi = day(date_from, "--from", False), day(date_to, "--to", True)
    with open_readonly(db) as store:
        try:
            results = search(
                store, query, date_from=lo, date_to=hi, entity=entity, source=source, limit=limit
            )
        except ChroniqueError as exc:
            fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps(results.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    rows = [
        {
            "id": hit.doc_id,
            "date": hit.published.value if hit.published else "",
            "title": hit.title or "",
            "snippet": hit.snippet.replace("\n", " "),
        }
        for hit in results.hits
    ]
    print_rows(rows, ["id", "date", "title", "snippet"])
    typer.echo(f"{results.total} documents match {results.expression}", err=True)


@app.command("ask")
def ask_command(
    questions: Annotated[
        list[str], typer.Argument(help="One question, or several: each may refer to the people of the last.")
    ],
    db: DbOption = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="fr or en (guessed when absent).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
) -> None:
    """Answer a question from the timeline, with the sentences that show it.

    Example: chronique ask "Quand Poutine et Erdogan se sont-ils rencontrés à Sotchi ?"
    Example: chronique ask "Quand Poutine et Erdogan se sont-ils rencontrés ?" "Combien de fois en 2017 ?"
    """
    from chronique.ask import ask

    answers = []
    context: str | None = None
    with open_readonly(db) as store:
        for question in questions:
            try:
                answer = ask(store, question, context=context, lang=lang)
            except ChroniqueError as exc:
                fail(str(exc))
            context = answer.question_context or context
            answers.append(answer)
    if as_json:
        payload: Any = [a.to_dict() for a in answers] if len(answers) > 1 else answers[0].to_dict()
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for answer in answers:
        if len(answers) > 1:
            typer.echo(f"? {answer.question.text}")
        typer.echo(answer.text)
        for item in answer.evidence:
            typer.echo(f"  {item['date'] or '?':<10}  {item['title']}")
            for src in item["sources"]:
                where = src.get("url") or src.get("doc_id")
                typer.echo(f"      « {src['sentence']} » — {where}")

"""`chronique entities`: canonical entities with their aliases and counts (#4)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from chronique.cli.common import DbOption, FormatOption, app, fail, print_rows, settings_from
from chronique.entities import ENTITY_TYPES, list_entities, registry
from chronique.errors import ChroniqueError
from chronique.store import open_store

COLUMNS = ("id", "name", "type", "mentions", "documents", "aliases")
GAZETTEER_COLUMNS = ("id", "name", "type", "country", "names", "aliases")


@app.command("entities")
def entities_command(
    db: DbOption = None,
    kind: Annotated[
        str | None, typer.Option("--type", "-t", help=f"Only this type: {', '.join(ENTITY_TYPES)}.")
    ] = None,
    fmt: FormatOption = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Same as --format csv.")] = False,
    gazetteer: Annotated[
        bool, typer.Option("--gazetteer", help="List the gazetteer (shipped + your own file), not the store.")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="At most this many.", min=1)] = None,
) -> None:
    """List canonical entities with the aliases seen in the stored documents and how often.

    Example: chronique entities --db news.db --type person --csv
    """
    fmt = "json" if as_json else "csv" if as_csv else fmt
    if kind is not None and kind not in ENTITY_TYPES:
        fail(f"unknown type {kind!r}: use one of {', '.join(ENTITY_TYPES)}")
    settings = settings_from(db)
    if gazetteer:
        try:
            entities = [e for e in registry(settings) if kind is None or e.type == kind]
        except ChroniqueError as exc:
            fail(str(exc))
        entities.sort(key=lambda e: (e.type, e.name))
        rows: list[dict[str, Any]] = [e.to_dict() for e in entities[:limit] if e]
        print_rows(rows, GAZETTEER_COLUMNS, fmt)
        return
    try:
        with open_store(settings.db, readonly=True) as store:
            found = list_entities(store, type=kind, limit=limit)
    except ChroniqueError as exc:
        fail(str(exc))
    rows = [r.to_dict() for r in found]
    if fmt == "table":  # "Poutine ×12, Vladimir Poutine ×3" reads better than a JSON object in a cell
        for row in rows:
            row["aliases"] = ", ".join(f"{a} ×{n}" for a, n in row["aliases"].items())
    print_rows(rows, COLUMNS, fmt)

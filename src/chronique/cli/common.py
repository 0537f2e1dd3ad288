"""What every command shares: the Typer apps, common options, output in table / JSON / CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from chronique.errors import ChroniqueError
from chronique.settings import Settings, load_settings

if TYPE_CHECKING:
    from chronique.store import Store

__all__ = [
    "DbOption",
    "FormatOption",
    "QuietOption",
    "app",
    "eval_app",
    "fail",
    "open_readonly",
    "print_rows",
    "settings_from",
]

app = typer.Typer(
    name="chronique",
    help="Turn raw news articles into a trustworthy, dated, deduplicated timeline of events.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(
    help="Score chronique on annotated data (the evaluation gate runs these).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(eval_app, name="eval")

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="SQLite file (default: ./chronique.db, or $CHRONIQUE_DB).", envvar="CHRONIQUE_DB"
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


def settings_from(db: Path | None = None, **overrides: Any) -> Settings:
    """Settings from chronique.toml and the environment, with the command line on top."""
    try:
        return load_settings(db=db, **overrides)
    except ChroniqueError as exc:
        fail(str(exc))


def open_readonly(db: Path | None) -> Store:
    """The store of `--db` (or the settings) opened read-only, or exit with the store's error."""
    from chronique.store import open_store

    settings = settings_from(db)
    try:
        return open_store(settings.db, readonly=True)
    except ChroniqueError as exc:
        fail(str(exc))


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` on stderr and exit with `code`."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def print_rows(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str = "table", *, out: Any = None
) -> None:
    """Print rows as an aligned table, a JSON list, or CSV with a header."""
    out = out or sys.stdout
    if fmt == "json":
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    elif fmt == "table":
        cells = [[_cell(row.get(c)) for c in columns] for row in rows]
        widths = [min(60, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
        out.write("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
        for r in cells:
            out.write(
                "  ".join(
                    (v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(r, widths, strict=True)
                ).rstrip()
                + "\n"
            )
    else:
        fail(f"unknown format {fmt!r}: use table, json or csv")


def iter_jsonl(path: Path | str) -> Iterable[tuple[int, dict[str, Any] | None, str]]:
    """(line number, parsed object or None, error) for each non-empty line of a JSONL file or '-'."""
    handle = sys.stdin if str(path) == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not JSON ({exc.msg} at column {exc.colno})"
                continue
            if not isinstance(value, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, value, ""
    finally:
        if handle is not sys.stdin:
            handle.close()

"""`chronique timex` (tag a text or a JSONL batch) and `chronique eval timex` (TempEval-3 scores)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from chronique.cli.common import app, eval_app, fail, iter_jsonl, print_rows
from chronique.errors import InputError
from chronique.evaluate.timeml import evaluate_timex
from chronique.timex import tag, tag_timex, to_timeml

__all__ = ["eval_timex", "timex"]


def _check_lang(lang: str) -> None:
    from chronique.timex.grammar import grammar

    if not grammar(lang).patterns:
        fail(f"no time-expression rules for language {lang!r}: use fr or en")


@app.command("timex")
def timex(
    file: Annotated[str | None, typer.Argument(help="Text file to tag, or - for stdin.")] = None,
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the text: fr or en.")] = "fr",
    dct: Annotated[
        str | None,
        typer.Option(
            "--dct",
            help="Document creation date YYYY-MM-DD, to anchor 'lundi', 'hier' (YYYY-MM or YYYY: "
            "only what it determines, 'cette année', 'le 3 mai').",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, timeml or table.")] = "json",
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='JSONL input, one {"id","text","dct","lang"} a line; - for stdin.'),
    ] = None,
) -> None:
    """Find the time expressions of a text and give their TIMEX3 values.

    Example: chronique timex article.txt --lang fr --dct 2017-09-26

    Example: chronique timex --jsonl articles.jsonl > timexes.jsonl

    Example: echo "Cette année, il est parti lundi." | chronique timex - --dct 2017-05
    """
    if jsonl is not None:
        _timex_jsonl(jsonl, lang)
        return
    if file is None:
        fail("give a FILE (or - for stdin), or --jsonl IN.jsonl")
    _check_lang(lang)
    try:
        text = sys.stdin.read() if file == "-" else Path(str(file)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot read it as UTF-8 text ({exc})")
    try:
        tag(text[:0], lang=lang, dct=dct)  # checks --dct before any output
    except ValueError as exc:
        fail(f"--dct: {exc}")
    if fmt == "timeml":
        sys.stdout.write(to_timeml(text, tag(text, lang=lang, dct=dct), dct=dct, doc_id=str(file)))
    elif fmt == "json":
        sys.stdout.write(json.dumps(tag_timex(text, lang=lang, dct=dct), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "table":
        print_rows(tag_timex(text, lang=lang, dct=dct), ["start", "end", "text", "type", "value"])
    else:
        fail(f"unknown format {fmt!r}: use json, timeml or table")


def _timex_jsonl(path: Path, default_lang: str) -> None:
    errors = 0
    for number, record, error in iter_jsonl(path):
        if record is None or not isinstance(record.get("text"), str):
            errors += 1
            typer.echo(f"{path}:{number}: skipped: {error or 'no text field'}", err=True)
            continue
        lang = str(record.get("lang") or default_lang)
        try:
            found = tag_timex(record["text"], lang=lang, dct=record.get("dct"))
        except ValueError as exc:
            errors += 1
            typer.echo(f"{path}:{number}: skipped: {exc}", err=True)
            continue
        rows = [{k: row[k] for k in ("start", "end", "text", "type", "value")} for row in found]
        sys.stdout.write(json.dumps({"id": record.get("id"), "timexes": rows}, ensure_ascii=False) + "\n")
    if errors:
        typer.echo(f"{errors} line(s) skipped", err=True)


@eval_app.command("timex")
def eval_timex(
    directory: Annotated[
        Path, typer.Argument(help="Folder of ISO-TimeML .tml files (searched recursively).")
    ],
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the files: fr or en.")] = "fr",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    misses: Annotated[bool, typer.Option("--misses", help="Also list every miss and wrong value.")] = False,
) -> None:
    """Score the tagger on TimeML files: strict and relaxed span F1, value F1, type F1 (TempEval-3).

    Example: chronique eval timex ../shared/eval/timebank-fr-dev --lang fr
    """
    _check_lang(lang)
    try:
        documents, scores = evaluate_timex(directory, lang=lang)
    except InputError as exc:
        fail(str(exc))
    figures = scores.figures()
    if fmt == "json":
        sys.stdout.write(
            json.dumps(
                {"documents": documents, "gold": scores.gold, "system": scores.system, **figures}, indent=2
            )
            + "\n"
        )
    else:
        rows = [
            {
                "measure": name,
                "P": figures[f"{name}_p"],
                "R": figures[f"{name}_r"],
                "F1": figures[f"{name}_f1"],
            }
            for name in ("strict", "relaxed", "value", "type")
        ]
        typer.echo(f"{documents} documents, {scores.gold} gold and {scores.system} system expressions")
        print_rows(rows, ["measure", "P", "R", "F1"])
    if misses:
        for name, gold, system in scores.misses:
            g = f"{gold.text!r} {gold.type} {gold.value}" if gold else "-"
            s = f"{system.text!r} {system.type} {system.value}" if system else "-"
            typer.echo(f"{name}\tgold: {g}\tsystem: {s}")

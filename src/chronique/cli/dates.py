"""`chronique date` (date one article or a JSONL batch) and `chronique eval dates` (#3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from chronique.cli.common import FormatOption, app, eval_app, fail, iter_jsonl, print_rows
from chronique.docdate import date_document
from chronique.errors import InputError
from chronique.evaluate.dates import evaluate_dates, load_cases, summary_rows
from chronique.model import FuzzyDate

__all__ = ["date", "eval_dates"]

_COLUMNS = ["id", "date", "granularity", "source", "confidence", "evidence"]


def _row(doc_id: Any, date: FuzzyDate | None) -> dict[str, Any]:
    """The output line of one document: `source` is the provenance; all null when undated."""
    if date is None:
        return {
            "id": doc_id,
            "date": None,
            "granularity": None,
            "source": None,
            "confidence": None,
            "evidence": "",
        }
    return {
        "id": doc_id,
        "date": date.value,
        "granularity": date.granularity.value,
        "source": date.provenance.value,
        "confidence": round(date.confidence, 3),
        "evidence": date.evidence,
    }


def _date_file(file: str, url: str | None, lang: str | None) -> FuzzyDate | None:
    if file.lower().endswith((".html", ".htm")):
        from chronique.readers import read_bytes

        try:
            doc = read_bytes(Path(file).read_bytes(), file, html=True, url=url)
        except (OSError, InputError) as exc:
            fail(f"{file}: cannot read it ({exc})")
        return date_document(
            doc.raw,
            url=url or doc.url,
            lang=lang or doc.lang,
            published=doc.published,
            file_name=Path(file).name,
        )
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot read it as UTF-8 text ({exc})")
    return date_document(text, url=url, lang=lang, file_name=None if file == "-" else Path(file).name)


@app.command("date")
def date(
    file: Annotated[str | None, typer.Argument(help="Text (or .html) file to date, or - for stdin.")] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="The article's URL (its path may hold the date).")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="fr or en (guessed when absent).")] = None,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help='JSONL input, one {"id","text","url"?,"lang"?} a line; - for stdin.'),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Give the publication date of an article: day, month or year, with its source and evidence.

    The crawler's ` date YYYY-MM` first line is used when present. Undated articles get an empty date.

    \b
    Example: chronique date article.txt --url https://www.rfi.fr/fr/europe/20210929-poutine-erdogan
    Example: chronique date --jsonl articles.jsonl > dates.jsonl
    """
    if jsonl is not None:
        _date_jsonl(jsonl, lang)
        return
    if file is None:
        fail("give a FILE (or - for stdin), or --jsonl IN.jsonl")
    print_rows([_row(file, _date_file(str(file), url, lang))], _COLUMNS, fmt)


def _date_jsonl(path: Path, default_lang: str | None) -> None:
    errors = 0
    try:
        for number, record, error in iter_jsonl(path):
            if record is None or not isinstance(record.get("text"), str):
                errors += 1
                typer.echo(f"{path}:{number}: skipped: {error or 'no text field'}", err=True)
                continue
            found = date_document(
                record["text"], url=record.get("url") or None, lang=record.get("lang") or default_lang
            )
            sys.stdout.write(json.dumps(_row(record.get("id"), found), ensure_ascii=False) + "\n")
    except OSError as exc:
        fail(f"{path}: cannot read it ({exc})")
    if errors:
        typer.echo(f"{errors} line(s) skipped", err=True)


@eval_app.command("dates")
def eval_dates(
    articles: Annotated[
        Path, typer.Argument(help="JSONL with gold_pub_date, or a seeds folder with gold.json.")
    ],
    strip_prefix: Annotated[
        bool, typer.Option("--strip-prefix", help="Remove the ` date YYYY-MM` line unread (text alone).")
    ] = False,
    no_url: Annotated[bool, typer.Option("--no-url", help="Hide the URLs.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the scores (and each document) as JSON.")
    ] = False,
    details: Annotated[bool, typer.Option("--details", help="Also list every document's date.")] = False,
) -> None:
    """Score document dating: coverage, accuracy at the claimed granularity, day- and month-exact rates.

    Example: chronique eval dates ../shared/corpus/dev/articles.jsonl --strip-prefix --no-url
    """
    try:
        cases = load_cases(articles)
    except (OSError, ValueError) as exc:
        fail(f"{exc}; give a JSONL file of articles with gold_pub_date, or a seeds folder with gold.json")
    scores = evaluate_dates(cases, strip_prefix=strip_prefix, use_url=not no_url)
    if as_json:
        out = {**scores.to_dict(), "documents_detail": [r.to_dict() for r in scores.results]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    if details:
        print_rows(
            [r.to_dict() for r in scores.results], ["id", "gold", "date", "source", "confidence", "correct"]
        )
        typer.echo("")
    mode = ("text without prefix" if strip_prefix else "text with prefix") + (
        ", no URL" if no_url else ", URL"
    )
    rows = summary_rows([(mode, scores)])
    columns = ["run", "documents", "given", "coverage", "accuracy", "confident_wrong"]
    columns += ["day_exact_rate", "month_exact_rate"]
    print_rows(rows, columns)

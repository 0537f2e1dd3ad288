"""Scoring of document dates and the `chronique date` / `chronique eval dates` commands (#3)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronique.cli import app
from chronique.evaluate.dates import DateCase, DateResult, DateScores, evaluate_dates, load_cases
from chronique.model import FuzzyDate

runner = CliRunner()


def _case(gold: str) -> DateCase:
    first, last = FuzzyDate.parse(gold).interval()
    return DateCase("x", "", gold, first, last)


@pytest.mark.parametrize(
    ("gold", "predicted", "correct", "day_exact", "month_exact"),
    [
        ("2017-09-28", "2017-09-28", True, True, True),
        ("2017-09-28", "2017-09", True, False, True),  # coarser and containing: right, not day-exact
        ("2017-09-28", "2017", True, False, False),
        ("2017-09-28", "2017-09-27", False, False, True),
        ("2017-05", "2017-05-03", True, False, True),  # finer than a month-level gold: as far as it can tell
        ("2017-05", "2017-06-03", False, False, False),
        ("2017-05", None, None, False, False),
    ],
)
def test_result(
    gold: str, predicted: str | None, correct: bool | None, day_exact: bool, month_exact: bool
) -> None:
    result = DateResult(_case(gold), FuzzyDate.parse(predicted) if predicted else None)
    assert (result.correct, result.day_exact, result.month_exact) == (correct, day_exact, month_exact)


def test_scores_count_confident_errors_apart() -> None:
    scores = DateScores()
    scores.add(DateResult(_case("2017-09-28"), FuzzyDate.parse("2017-09-27", confidence=0.9)))
    scores.add(DateResult(_case("2017-09-28"), FuzzyDate.parse("2017-09-26", confidence=0.55)))
    scores.add(DateResult(_case("2017-09-28"), FuzzyDate.parse("2017-09-28", confidence=0.9)))
    scores.add(DateResult(_case("2017-05"), None))
    assert (scores.given, scores.correct, scores.confident_wrong) == (3, 1, 1)
    assert scores.coverage == pytest.approx(0.75)
    assert scores.accuracy == pytest.approx(1 / 3)
    assert scores.day_exact_rate == pytest.approx(1 / 3)


ARTICLES = [
    {
        "id": "a",
        "text": " date 2020-03 Publié le 5 mars 2020\nTexte.",
        "gold_pub_date": "2020-03-05",
        "lang": "fr",
    },
    {"id": "b", "text": " date 2017-05 Rien de daté ici.", "gold_pub_date": "2017-05", "lang": "fr"},
    {"id": "c", "text": "Rien.", "url": "https://example.org/2021/09/29/x", "gold_pub_date": "2021-09-29"},
]


@pytest.fixture
def articles_file(tmp_path: Path) -> Path:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    return path


def test_modes(articles_file: Path) -> None:
    cases = load_cases(articles_file)
    assert [c.first for c in cases] == [dt.date(2020, 3, 5), dt.date(2017, 5, 1), dt.date(2021, 9, 29)]
    full = evaluate_dates(cases)
    assert (full.given, full.correct) == (3, 3)
    text_only = evaluate_dates(cases, strip_prefix=True, use_url=False)
    assert [r.predicted.value if r.predicted else None for r in text_only.results] == [
        "2020-03-05",
        None,
        None,
    ]


def test_seed_folder(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(
        " date 2017-09 Le président se rendra jeudi en Turquie.", encoding="utf-8"
    )
    gold = {
        "documents": {"s.txt": {"pub_date_range": ["2017-09-26", "2017-09-28"], "date_prefix": "2017-09"}}
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    scores = evaluate_dates(load_cases(tmp_path))
    assert scores.correct == 1 and scores.results[0].predicted is not None
    assert scores.results[0].predicted.value == "2017-09"


def test_bad_reference_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:1"):
        load_cases(path)


def test_cli_eval_dates(articles_file: Path) -> None:
    result = runner.invoke(app, ["eval", "dates", str(articles_file), "--strip-prefix", "--no-url", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["documents"], out["given"], out["accuracy"]) == (3, 1, 1.0)
    table = runner.invoke(app, ["eval", "dates", str(articles_file)])
    assert table.exit_code == 0 and "COVERAGE" in table.output and "100.0%" in table.output


def test_cli_eval_dates_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "dates", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1 and "gold_pub_date" in result.output


def test_cli_date_jsonl(articles_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(articles_file.read_text(encoding="utf-8") + "not json\n", encoding="utf-8")
    result = runner.invoke(app, ["date", "--jsonl", str(path)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["date"], r["source"]) for r in rows] == [
        ("a", "2020-03-05", "byline"),
        ("b", "2017-05", "prefix"),
        ("c", "2021-09-29", "url"),
    ]
    assert set(rows[0]) == {"id", "date", "granularity", "source", "confidence", "evidence"}
    assert "1 line(s) skipped" in result.stderr


def test_cli_date_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Rien de daté.", encoding="utf-8")
    result = runner.invoke(
        app, ["date", str(path), "--url", "https://example.org/2019-04-15/x", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert (row["date"], row["granularity"], row["source"]) == ("2019-04-15", "day", "url")

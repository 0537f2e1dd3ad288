"""`chronique add`, `docs`, `show` through the command line, in-process (#2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronique.cli import app
from chronique.pipeline import Pipeline

runner = CliRunner()

ARTICLES = {
    "singapour.txt": (
        " date 2018-06 Donald Trump et Kim Jong-un se sont serré la main mardi à Singapour, sur l’île de "
        "Sentosa. La sécurité était maximale autour de l’hôtel Capella."
    ),
    "hanoi.txt": "The Hanoi summit between Donald Trump and Kim Jong-un ended on Thursday without a deal.",
}


@pytest.fixture(autouse=True)
def no_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the commands: store what the readers give, without the stages' models."""
    monkeypatch.setattr(Pipeline, "default", classmethod(lambda cls, settings=None, **_: cls((), settings)))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "news.db")


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_add_then_again(corpus: Path, db: str) -> None:
    code, out, _ = run("add", str(corpus), "--db", db)
    assert code == 0 and out.startswith("2 added") and "0 failed" in out
    code, out, _ = run("add", str(corpus), "--db", db, "--quiet")
    assert code == 0 and out == ""
    code, out, _ = run("add", str(corpus), "--db", db, "--json")
    assert json.loads(out)["skipped"] == 2 and json.loads(out)["added"] == 0


def test_add_reports_failures_and_exits_1(corpus: Path, db: str) -> None:
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    code, out, err = run("add", str(corpus), str(corpus / "absent.txt"), "--db", db)
    assert code == 1
    assert "2 added" in out and "2 failed" in out
    assert "empty.txt: empty file" in err and "absent.txt: no such file" in err


def test_add_from_stdin(db: str) -> None:
    code, out, _ = run("add", "-", "--db", db, stdin=" date 2019-06 Donald Trump est entré en Corée du Nord.")
    assert code == 0 and out.startswith("1 added")
    code, out, _ = run("docs", "--db", db, "--json")
    [row] = json.loads(out)
    assert (row["source"], row["date"]) == ("<stdin>", "2019-06")


def test_db_from_the_environment(corpus: Path, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHRONIQUE_DB", db)
    assert run("add", str(corpus), "-q")[0] == 0
    assert Path(db).is_file()


def test_docs_formats(corpus: Path, db: str) -> None:
    run("add", str(corpus), "--db", db)
    code, out, _ = run("docs", "--db", db)
    header, *lines = out.splitlines()
    assert code == 0 and header.split() == ["ID", "DATE", "LANG", "SOURCE", "TITLE", "STORY"]
    assert len(lines) == 2 and "2018-06" not in lines[0] and "2018-06" in lines[1]  # hanoi, then singapour
    rows = json.loads(run("docs", "--db", db, "--json")[1])
    assert [Path(r["source"]).name for r in rows] == ["hanoi.txt", "singapour.txt"]
    assert {"id", "date", "lang", "source", "title", "story"} <= set(rows[0])
    table = list(csv.DictReader(io.StringIO(run("docs", "--db", db, "--format", "csv")[1])))
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    assert run("docs", "--db", db, "--csv")[1] == run("docs", "--db", db, "-f", "csv")[1]
    found = json.loads(run("docs", "--db", db, "--json", "--search", "securite")[1])
    assert [Path(r["source"]).name for r in found] == ["singapour.txt"]
    dated = json.loads(run("docs", "--db", db, "--json", "--since", "2018-06-30", "--until", "2018-07-31")[1])
    assert [Path(r["source"]).name for r in dated] == ["singapour.txt"]  # the month 2018-06 may end then
    story = json.loads(run("docs", "--db", db, "--json", "--story", found[0]["id"][:6])[1])
    assert [r["id"] for r in story] == [found[0]["id"]]
    by_source = json.loads(run("docs", "--db", db, "--json", "--source", rows[1]["source"][:-4])[1])
    assert [r["id"] for r in by_source] == [rows[1]["id"]]
    code, _, err = run("docs", "--db", db, "--since", "June")
    assert code == 1 and "YYYY-MM-DD" in err


def test_docs_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    code, _, err = run("docs", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "chronique add" in err
    assert not (tmp_path / "none.db").exists()


def test_show_by_prefix(corpus: Path, db: str) -> None:
    run("add", str(corpus), "--db", db)
    rows = json.loads(run("docs", "--db", db, "--json")[1])
    singapore = next(r for r in rows if r["source"].endswith("singapour.txt"))
    code, out, _ = run("show", singapore["id"][:6], "--db", db)
    assert code == 0
    assert f"id      {singapore['id']}" in out
    assert 'date    2018-06 (month; prefix "date 2018-06", confidence 0.95)' in out
    assert "Donald Trump et Kim Jong-un se sont serré la main" in out and "layers:" in out
    data = json.loads(run("show", singapore["id"], "--db", db, "--json")[1])
    assert data["id"] == singapore["id"] and data["meta"]["date_prefix"] == "2018-06"
    assert data["story"] == {"id": singapore["id"], "documents": []}


def test_add_names_sources_to_clean_again_and_clean_reclean_does(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        Pipeline, "default", classmethod(lambda cls, settings=None, **_: cls(("clean",), settings))
    )
    site = tmp_path / "site"
    site.mkdir()

    def write(number: int) -> None:
        text = f"Titre {number}\n\nLe Veilleur, l'info autrement\n\nTexte numéro {number} du jour.\n"
        (site / f"article-{number}.txt").write_text(text, encoding="utf-8")

    for number in range(2):
        write(number)
    code, _, err = run("add", str(site), "--db", db)
    assert code == 0 and "--reclean" not in err  # two documents: no template yet
    for number in range(2, 5):
        write(number)
    code, out, err = run("add", str(site), "--db", db)
    assert code == 0 and out.startswith("3 added")
    assert f"{site}: template lines found in this run are in 2+ document(s) stored before" in err
    assert f"chronique clean --db {db} --reclean {site}" in err
    code, out, err = run("clean", "--db", db, "--reclean", str(site))
    assert code == 0 and out.startswith(f"{site}: 5 stored document(s), 2 cleaned again")
    assert "--relink" in err
    assert run("clean", "--db", db, "--reclean", str(site), "--quiet") == (0, "", "")
    shown = [
        run("show", row["id"], "--db", db)[1] for row in json.loads(run("docs", "--db", db, "--json")[1])
    ]
    assert all("[template] Le Veilleur, l'info autrement" in page for page in shown)
    code, _, err = run("clean", "--db", db, "--reclean", "nowhere")
    assert code == 1 and "no stored document of source 'nowhere'" in err


@pytest.mark.parametrize(
    ("doc_id", "message"), [("0000", "no document id starts with"), ("zz", "hex digits")]
)
def test_show_unknown_id(corpus: Path, db: str, doc_id: str, message: str) -> None:
    run("add", str(corpus), "--db", db)
    code, _, err = run("show", doc_id, "--db", db)
    assert code == 1 and message in err


@pytest.mark.parametrize("command", ["add", "docs", "show"])
def test_every_help_has_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and f"Example: chronique {command}" in out

"""Questions answered from the timeline, French and English, with the evidence (#6)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronique.ask import ask, parse_question
from chronique.cli import app as cli_app
from chronique.errors import QueryError
from chronique.model import FuzzyDate
from chronique.search import entity_index
from chronique.store import Store


@pytest.fixture(scope="module")
def store(linked_db: Path) -> Iterator[Store]:
    with Store.open(linked_db, readonly=True) as opened:
        yield opened


@pytest.mark.parametrize(
    ("question", "kind", "people", "place", "year"),
    [
        (
            "Quand Poutine et Erdogan se sont-ils rencontrés à Sotchi ?",
            "when",
            {"Poutine", "Erdogan"},
            "Sotchi",
            None,
        ),
        ("When did Putin and Erdogan meet in Sochi?", "when", {"Putin", "Erdogan"}, "Sochi", None),
        (
            "Où Vladimir Poutine a-t-il vu Recep Tayyip Erdogan en 2017 ?",
            "where",
            {"Vladimir Poutine", "Recep Tayyip Erdogan"},
            None,
            2017,
        ),
        ("Who did Erdogan meet in 2021?", "who", {"Erdogan"}, None, 2021),
    ],
)
def test_parse_finds_people_place_and_year(
    store: Store, question: str, kind: str, people: set[str], place: str | None, year: int | None
) -> None:
    parsed = parse_question(question, index=entity_index(store))
    assert parsed.kind == kind
    assert {name for name, _ in parsed.people} == people
    assert parsed.place == place and parsed.year == year
    if place:
        assert parsed.place_ids == ("sochi",)


def test_a_person_after_a_place_preposition_is_a_person(store: Store) -> None:
    parsed = parse_question("When did Erdogan talk to Putin?", "en", index=entity_index(store))
    assert {ids for _, ids in parsed.people} == {("recep-tayyip-erdogan",), ("vladimir-putin",)}
    assert parsed.place is None


@pytest.mark.parametrize("question", ["", "   ", "x" * 400])
def test_unusable_questions_are_refused(store: Store, question: str) -> None:
    with pytest.raises(QueryError):
        ask(store, question)


def _dates(answer: Any) -> list[str]:
    return [item["date"] for item in answer.evidence]


def test_when_with_place(store: Store) -> None:
    answer = ask(store, "Quand Poutine et Erdogan se sont-ils rencontrés à Sotchi ?")
    assert answer.answered and _dates(answer) == ["2021-09-29"]
    assert answer.text.startswith("Le 29 septembre 2021")
    assert {s["url"] for s in answer.evidence[0]["sources"]} == {
        "https://www.rfi.fr/a",
        "https://fr.euronews.com/b",
    }


def test_english_question_over_french_articles(store: Store) -> None:
    answer = ask(store, "When did Putin and Erdogan meet in Ankara?")
    assert answer.question.lang == "en"
    assert _dates(answer) == ["2017-09-28"] and answer.text.startswith("On September 28, 2017")


def test_how_many_with_a_follow_up(store: Store) -> None:
    first = ask(store, "Quand Poutine et Erdogan se sont-ils rencontrés ?")
    assert _dates(first) == ["2017-09-28", "2021-09-29"]
    follow = ask(store, "Combien de fois se sont-ils rencontrés en 2021 ?", context=first.question_context)
    assert follow.count == 1 and follow.text.startswith("Une fois")
    also = ask(store, "Et combien de fois en 2017 ?", context=first.question_context)  # event inherited too
    assert also.count == 1 and also.question.types == first.question.types


def test_where_and_who(store: Store) -> None:
    where = ask(store, "Où Poutine et Erdogan se sont-ils vus en 2017 ?")
    assert where.text.startswith("À Ankara")
    who = ask(store, "Who did Erdogan meet in Sochi?")
    assert "Vladimir Putin" in who.text and "Erdogan" not in who.text.split("(")[0]


@pytest.mark.parametrize(
    "question",
    [
        "Quand Macron et Erdogan se sont-ils rencontrés ?",  # a name no document mentions
        "Quand Poutine et Erdogan se sont-ils téléphoné ?",  # no phone call in these documents
        "Quand Poutine et Erdogan se sont-ils rencontrés à Moscou ?",
        "When did Putin and Erdogan meet in 2019?",
    ],
)
def test_honest_no_answer(store: Store, question: str) -> None:
    answer = ask(store, question)
    assert not answer.answered and answer.evidence == []
    assert answer.text.startswith(("Pas de réponse dans ces documents", "No answer in these documents"))


def test_cli_ask_json_and_text(linked_db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["ask", "--db", str(linked_db), "Quand Poutine et Erdogan se sont-ils vus ?"]
    )
    assert result.exit_code == 0, result.output
    assert "28 septembre 2017" in result.stdout and "https://www.rfi.fr/a" in result.stdout
    result = runner.invoke(
        cli_app,
        [
            "ask",
            "--db",
            str(linked_db),
            "--json",
            "When did Putin and Erdogan meet?",
            "How many times in 2021?",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"count": 1' in result.stdout


# -- the issue's two questions on the seeds and the dev articles (upstream quality shows here) ----------

SOCHI_MEETINGS = ("2017-05-03", "2017-11-22", "2021-09-29")  # gold: meetings and the summit at Sochi
MEETINGS_2017 = ("2017-05-03", "2017-09-28", "2017-11-22", "2017-12-11")


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Iterator[Store]:
    """The seeds and the dev articles, added and linked (about 25 s)."""
    from chronique import ingest
    from chronique.link import link

    dev = seeds_dir.parent / "dev" / "articles.jsonl"
    if not dev.is_file():
        pytest.skip(f"{dev} is absent: this test reads the team's shared data in place (../shared)")
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Store.open(path) as writer:
        ingest.add([seeds_dir, dev], store=writer)
        link(writer)
    with Store.open(path, readonly=True) as reader:
        yield reader


def _found(answer: Any, gold: tuple[str, ...]) -> set[str]:
    """The gold days that some answered entry's date contains."""
    found = set()
    for day in gold:
        for date in _dates(answer):
            if date and FuzzyDate.parse(date).contains(FuzzyDate.parse(day)):
                found.add(day)
    return found


@pytest.mark.shared
@pytest.mark.slow
def test_the_issue_questions_on_seeds_and_dev_articles(corpus_store: Store) -> None:
    when = ask(corpus_store, "Quand Poutine et Erdogan se sont-ils rencontrés à Sotchi ?")
    assert when.answered and all(item["sources"] for item in when.evidence)
    assert _found(when, SOCHI_MEETINGS) == set(SOCHI_MEETINGS), when.text
    assert all(item["place"]["id"] == "sochi" for item in when.evidence)

    count = ask(
        corpus_store, "Combien de fois se sont-ils rencontrés en 2017 ?", context=when.question_context
    )
    assert all(str(date).startswith("2017") for date in _dates(count))
    # Every real 2017 meeting is counted; a cluster split upstream (#5) adds entries, shown in the text.
    assert _found(count, MEETINGS_2017) == set(MEETINGS_2017), count.text
    assert count.count >= len(MEETINGS_2017)

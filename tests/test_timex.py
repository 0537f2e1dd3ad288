"""The timex stage: values, spans, direction, false dates, seeds, the stage contract and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronique.cli.common import app
from chronique.evaluate.timeml import read_timeml, read_timeml_dir
from chronique.lang import load_rules
from chronique.model import FuzzyDate, Provenance, Span
from chronique.pipeline import registered_stages
from chronique.settings import Settings
from chronique.timex import detect, resolve, tag, tag_timex, to_timeml
from chronique.timex.grammar import grammar
from chronique.timex.resolve import _value_interval


def values(text: str, lang: str = "fr", dct: Any = None) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], str(s.attrs["value"])) for s in tag(text, lang=lang, dct=dct)]


@pytest.mark.parametrize(
    ("lang", "text", "dct", "expected"),
    [
        # direction from the tense of the clause
        ("fr", "Le ministre doit se rendre lundi à Berlin.", "2017-12-08", ("lundi", "2017-12-11")),
        ("fr", "Le ministre s'est rendu lundi à Berlin.", "2017-12-08", ("lundi", "2017-12-04")),
        ("fr", "Le sommet se tiendra samedi à Sotchi.", "2021-09-28", ("samedi", "2021-10-02")),
        ("fr", "Il a déclaré samedi que rien ne changerait.", "2021-09-28", ("samedi", "2021-09-25")),
        # cue words win over tense
        ("fr", "Il viendra mardi prochain.", "2017-09-26", ("mardi prochain", "2017-10-03")),
        ("fr", "Il est venu mardi dernier.", "2017-09-26", ("mardi dernier", "2017-09-19")),
        # weekday and date agree: the year follows
        ("fr", "Rendez-vous le vendredi 29.", "2017-08-01", ("le vendredi 29", "2017-09-29")),
        ("fr", "RDV vendredi 29 septembre", "2017-08-01", ("vendredi 29 septembre", "2017-09-29")),
        ("fr", "jeudi 28 septembre", "2018-01-10", ("jeudi 28 septembre", "2017-09-28")),
        # relative days and parts of days
        ("fr", "Il est arrivé hier soir.", "2017-09-26", ("hier soir", "2017-09-25TEV")),
        ("fr", "Demain matin, il partira.", "2017-09-26", ("Demain matin", "2017-09-27TMO")),
        # numbers in words
        ("fr", "Il y a deux semaines, on a voté.", "2017-09-26", ("Il y a deux semaines", "2017-W37")),
        ("fr", "Il y a un an et demi, ils s'étaient vus.", "2021-09-28", ("Il y a un an et demi", "2020-03")),
        ("fr", "dans vingt-cinq jours", "2017-09-26", ("dans vingt-cinq jours", "2017-10-21")),
        # periods and modifiers
        ("fr", "Les travaux finiront fin février.", "2017-09-26", ("fin février", "2018-02")),
        ("fr", "les années 60", None, ("les années 60", "196X")),
        ("fr", "un mandat de trois ans", None, ("trois ans", "P3Y")),
        ("fr", "tous les jeudis", None, ("tous les jeudis", "XXXX-WXX-4")),
        # English
        ("en", "He will speak next Monday.", "1998-08-07", ("next Monday", "1998-08-10")),
        ("en", "The bombs exploded Friday.", "1998-08-07", ("Friday", "1998-08-07")),
        ("en", "Profit rose in the third quarter.", "1989-10-25", ("the third quarter", "1989-Q3")),
        ("en", "two years ago", "1998-08-07", ("two years ago", "1996")),
        ("en", "in the 1990s", None, ("the 1990s", "199X")),
    ],
)
def test_values(lang: str, text: str, dct: str | None, expected: tuple[str, str]) -> None:
    assert expected in values(text, lang, dct)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le chômage a reculé de 7,5 % sur un an.", "fr"),
        ("Le plan coûte 3,5 milliards d'euros.", "fr"),
        ("Le PSG et l'OM ont fait match nul 1-1.", "fr"),
        ("Appelez le 03 84 21 45 00 pour réserver.", "fr"),
        ("Le score était de 03/04 a la mi-temps.", "fr"),
        ("Il compte 2016 habitants et 1 999 électeurs.", "fr"),
        ("Un chauffeur de bus de 38 ans a été agressé.", "fr"),
        ("Unemployment fell 7.5 percent to 2000 people.", "en"),
        ("It may rain; they march on.", "en"),
    ],
)
def test_no_false_dates(text: str, lang: str) -> None:
    assert [v for _, v in values(text, lang, "2017-09-26") if v[:1].isdigit() and "P" not in v] == []


def test_narrative_anchor_for_la_veille() -> None:
    text = "Le sommet s'est ouvert le 3 mars 2015 à Genève. La veille, les ministres avaient dîné ensemble."
    assert ("La veille", "2015-03-02") in values(text, "fr", "2015-03-10")


def test_without_dct_values_stay_underspecified_and_parts_are_filled() -> None:
    text = "Il arrivera jeudi 28 septembre, puis lundi."
    spans = detect(text, lang="fr")
    by_text = {text[s.start : s.end]: s for s in spans}
    assert by_text["jeudi 28 septembre"].attrs["value"] == "XXXX-09-28"
    assert by_text["jeudi 28 septembre"].attrs["parts"]["weekday"] == 4
    assert by_text["jeudi 28 septembre"].attrs["parts"]["month"] == 9
    assert by_text["lundi"].attrs["value"] == "XXXX-WXX-1"
    resolved = resolve(text, spans, lang="fr", dct=FuzzyDate.parse("2017-09-26"))
    assert [s.attrs["value"] for s in resolved] == ["2017-09-28", "2017-10-02"]
    assert all(s.attrs["anchored"] for s in resolved)
    assert resolved[1].attrs["direction"] == "future"


@pytest.mark.parametrize(
    ("lang", "text", "dct", "expected"),
    [
        # what a month determines, at its own granularity
        ("fr", "Cette année, le chômage a baissé.", "2017-05", ("Cette année", "2017")),
        ("en", "This year sales rose.", "2017-05", ("This year", "2017")),
        ("fr", "L'an dernier, il avait gagné.", "2017-05", ("L'an dernier", "2016")),
        ("fr", "Le mois dernier, il a plu.", "2017-05", ("Le mois dernier", "2017-04")),
        ("fr", "Il y a deux ans, il avait gagné.", "2017-05", ("Il y a deux ans", "2015")),
        ("fr", "Il y a trois mois, il avait gagné.", "2017-05", ("Il y a trois mois", "2017-02")),
        # a day of the known month, the weekday agreeing
        ("fr", "Il est arrivé mercredi 3 mai à Paris.", "2017-05", ("mercredi 3 mai", "2017-05-03")),
        ("fr", "Il est arrivé le 3 mai à Paris.", "2017-05", ("le 3 mai", "2017-05-03")),
        ("en", "He arrived May 3 in Paris.", "2017-05", ("May 3", "2017-05-03")),
        # a yearless day of another month: the year by the tense
        ("fr", "Il avait été arrêté le 28 décembre.", "2017-05", ("le 28 décembre", "2016-12-28")),
        ("fr", "Le procès s'ouvrira le 28 décembre.", "2017-05", ("le 28 décembre", "2017-12-28")),
        # the narrative anchors on a day the month gave
        ("fr", "Le 3 mai, il est arrivé. La veille, il avait plu.", "2017-05", ("La veille", "2017-05-02")),
        # a day unknown within the month: the month when every possible day is in it (May 2017 began
        # on a Monday, so a Monday told in the past is in May), else underspecified
        ("fr", "Il est parti lundi.", "2017-05", ("lundi", "2017-05")),
        ("fr", "Il partira lundi.", "2017-05", ("lundi", "XXXX-WXX-1")),
        ("fr", "Il est parti lundi.", "2017-09", ("lundi", "XXXX-WXX-1")),
        ("fr", "Il est parti hier.", "2017-05", ("hier", "XXXX-XX-XX")),
        ("fr", "Il y a deux semaines, il a gagné.", "2017-05", ("Il y a deux semaines", "XXXX-WXX")),
        ("fr", "la semaine dernière", "2017-05", ("la semaine dernière", "XXXX-WXX")),
        # a year-level date
        ("fr", "Cette année et l'an dernier.", "2017", ("l'an dernier", "2016")),
        ("fr", "Il est arrivé le 3 mai.", "2017", ("le 3 mai", "XXXX-05-03")),
        ("fr", "Le mois dernier, il a plu.", "2017", ("Le mois dernier", "XXXX-XX")),
        # explicit dates do not depend on it
        ("fr", "Le 3 mars 2015, il a parlé.", "2017", ("Le 3 mars 2015", "2015-03-03")),
        # the quarter a results story reports cycles with the date: a month tells it, a year does not
        ("en", "Profit rose from the 1988 period.", "1989-10", ("the 1988 period", "1988-Q3")),
        ("en", "Profit rose from the 1988 period.", "1989", ("the 1988 period", "1988-QX")),
    ],
)
def test_coarse_document_date(lang: str, text: str, dct: str, expected: tuple[str, str]) -> None:
    assert expected in values(text, lang, FuzzyDate.parse(dct, provenance=Provenance.PREFIX))
    assert expected in values(text, lang, dct)  # the same from a string


@pytest.mark.shared
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_coarse_values_hold_the_day_values(lang: str, timebank_fr_dir: Path, tempeval_en_dir: Path) -> None:
    """On real files, a value resolved against the month (or year) of the document date always holds the
    value resolved against the day: a coarse date never gives a wrong value, only a coarser one."""
    wrong = []
    for doc in read_timeml_dir(timebank_fr_dir if lang == "fr" else tempeval_en_dir):
        if doc.dct is None:
            continue
        day = {(s.start, s.end): str(s.attrs["value"]) for s in tag(doc.text, lang=lang, dct=doc.dct)}
        for coarse in (doc.dct.isoformat()[:7], doc.dct.isoformat()[:4]):
            for span in tag(doc.text, lang=lang, dct=coarse):
                if not span.attrs["anchored"] or span.attrs["value"] == day[(span.start, span.end)]:
                    continue
                outer = _value_interval(str(span.attrs["value"]))
                inner = _value_interval(day[(span.start, span.end)])
                if not (outer and inner and outer[0] <= inner[0] and inner[1] <= outer[1]):
                    wrong.append((doc.name, coarse, doc.text[span.start : span.end], span.attrs["value"]))
    assert wrong == []


def test_coarse_document_date_anchors_only_what_it_determines() -> None:
    text = "Cette année, il est parti hier."
    spans = tag(text, lang="fr", dct=FuzzyDate.parse("2017-05"))
    assert [(s.attrs["value"], s.attrs["anchored"]) for s in spans] == [("2017", True), ("XXXX-XX-XX", False)]
    # re-resolved when the date becomes a day
    again = resolve(text, spans, lang="fr", dct="2017-05-10")
    assert [s.attrs["value"] for s in again] == ["2017", "2017-05-09"]


@pytest.mark.parametrize(
    ("seed", "dct", "mention", "value"),
    [
        ("000", "2017-09-26", "M. Erdogan lundi", "2017-09-25"),
        ("000", "2017-09-26", "jeudi 28 septembre", "2017-09-28"),
        ("004", "2017-12-08", "effectuer lundi", "2017-12-11"),
        ("001", "2021-09-28", "ce mercredi", "2021-09-29"),
    ],
)
def test_seeds(seeds_dir: Path, seed: str, dct: str, mention: str, value: str) -> None:
    text = next(seeds_dir.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    at = text.index(mention)
    inside = [s for s in tag(text, lang="fr", dct=dct) if at <= s.start < at + len(mention)]
    assert inside, f"nothing tagged in {mention!r}"
    assert inside[-1].attrs["value"] == value


def test_stage_on_a_hand_built_document(make_doc: Any) -> None:
    assert "timex" in registered_stages()
    doc = make_doc("Le président se rendra jeudi à Ankara.", lang="fr")
    doc.published = FuzzyDate.parse("2017-09-26", provenance=Provenance.METADATA)
    doc = registered_stages()["timex"].factory(Settings())(doc)
    (span,) = doc.layer("timex")
    assert isinstance(span, Span)
    assert (span.text_of(doc.text), span.label, span.attrs["value"]) == ("jeudi", "DATE", "2017-09-28")
    assert span.attrs["rule"] and span.attrs["anchored"] is True


def test_stage_without_rules_for_the_language(make_doc: Any) -> None:
    doc = make_doc("Am Montag", lang="de")
    doc = registered_stages()["timex"].factory(Settings())(doc)
    assert doc.layer("timex") == []


def test_to_timeml_reads_back(tmp_path: Path) -> None:
    text = "Le 3 mars 2015, il a parlé <fort> & hier."
    path = tmp_path / "doc.tml"
    tml = to_timeml(text, tag(text, lang="fr", dct="2015-03-10"), dct="2015-03-10")
    path.write_text(tml, encoding="utf-8")
    back = read_timeml(path)
    assert back.text == text
    assert str(back.dct) == "2015-03-10"
    found = [(t.text, t.value) for t in back.timexes]
    assert found == [("Le 3 mars 2015", "2015-03-03"), ("hier", "2015-03-09")]


def test_python_api_rows() -> None:
    rows = tag_timex("Il est parti hier.", lang="fr", dct="2017-09-26")
    assert rows == [{"start": 13, "end": 17, "text": "hier", "type": "DATE", "value": "2017-09-25"}]


def test_cli_file_and_jsonl(tmp_path: Path) -> None:
    runner = CliRunner()
    article = tmp_path / "a.txt"
    article.write_text("Il arrivera lundi.", encoding="utf-8")
    result = runner.invoke(app, ["timex", str(article), "--lang", "fr", "--dct", "2017-09-26"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["value"] == "2017-10-02"
    result = runner.invoke(app, ["timex", str(article), "--dct", "2017-09-26", "--format", "timeml"])
    assert '<TIMEX3 tid="t1" type="DATE" value="2017-10-02">lundi</TIMEX3>' in result.output
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "text": "He left yesterday.", "dct": "1998-08-07", "lang": "en"})
        + "\nnot json\n"
        + json.dumps({"id": "c", "text": "hier", "dct": "hier"})
        + "\n"
        + json.dumps({"id": "b", "text": "hier", "dct": "2017-09-26", "lang": "fr"})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["timex", "--jsonl", str(batch)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    yesterday = {"start": 8, "end": 17, "text": "yesterday", "type": "DATE", "value": "1998-08-06"}
    hier = {"start": 0, "end": 4, "text": "hier", "type": "DATE", "value": "2017-09-25"}
    assert lines == [{"id": "a", "timexes": [yesterday]}, {"id": "b", "timexes": [hier]}]
    assert "skipped" in result.stderr


def test_bad_document_date() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        tag("hier", lang="fr", dct="le 3 mars")
    result = CliRunner().invoke(app, ["timex", "-", "--dct", "26/09/2017"], input="hier")
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in result.output


def test_cli_unknown_language() -> None:
    result = CliRunner().invoke(app, ["timex", "-", "--lang", "xx"], input="Montag")
    assert result.exit_code == 1
    assert "fr or en" in result.output


KINDS = {"calendar", "range", "relunit", "offset", "duration", "set", "setword", "durword", "ref", "decade"}
KINDS |= {"century", "quarter", "holiday", "half"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_timex_data_schema(lang: str) -> None:
    data = load_rules(lang, "timex")
    grammar(lang)  # every pattern compiles, every placeholder names a lexicon
    for table, rules in data.items():
        if table == "settings":
            continue
        for rule in rules:
            where = f"lang/{lang}/timex.toml [[{table}]] {rule.get('concept')!r}"
            assert rule.get("examples"), f"{where}: a rule needs examples"
            assert "concept" in rule, f"{where}: a rule needs a concept"
            if table == "pattern":
                assert rule["kind"] in KINDS, f"{where}: unknown kind {rule['kind']!r}"
            elif table in ("tense", "guard"):
                assert "regex" in rule, f"{where}: needs a regex"
            else:
                assert rule.get("words"), f"{where}: a lexicon rule needs words"

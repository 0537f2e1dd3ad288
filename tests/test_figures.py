"""Stage `figures`: numbers with what they count, on texts written here (#4)."""

from __future__ import annotations

import pytest

from chronique.figures import extract_figures, find_figures
from chronique.model import Document, Span


@pytest.mark.parametrize(
    ("text", "lang", "value", "approx", "kind"),
    [
        ("L'inondation a fait une quarantaine de morts.", "fr", 40, True, "deaths"),
        ("près d'un million de personnes ont fui", "fr", 1_000_000, True, "people"),
        ("le conflit a fait plus de 120 000 morts", "fr", 120_000, True, "deaths"),
        ("le pays accueille 2,4 millions de réfugiés", "fr", 2_400_000, False, "refugees"),
        ("12 soldats ont été blessés", "fr", 12, False, "soldiers"),
        ("plus de 300 blessés", "fr", 300, True, "injured"),
        ("un plan de 3 milliards d'euros", "fr", 3_000_000_000, False, "money"),
        ("des dizaines de civils", "fr", 10, True, "people"),
        ("nearly 2.5 million refugees", "en", 2_500_000, True, "refugees"),
        ("more than 12,000 people", "en", 12_000, True, "people"),
        ("dozens of soldiers", "en", 12, True, "soldiers"),
        ("a $40 billion rescue", "en", 40_000_000_000, False, "money"),
    ],
)
def test_figure_values(text: str, lang: str, value: float, approx: bool, kind: str) -> None:
    [figure] = find_figures(text, lang)
    assert (figure.value, figure.approx, figure.kind) == (value, approx, kind)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("en 2015, la ville a changé", "fr"),  # a year
        ("les deux pays ont signé", "fr"),  # known things, not a count
        ("un pays voisin", "fr"),
        ("le chômage a baissé de 3 %", "fr"),  # a percentage counts nothing
        ("Italy won 3-2 on penalties", "en"),  # a score
        ("the two leaders met", "en"),
    ],
)
def test_not_figures(text: str, lang: str) -> None:
    assert find_figures(text, lang) == []


def test_layer_spans_and_time_expressions() -> None:
    text = "Le 12 janvier, 300 personnes ont manifesté. Environ 40 soldats sont arrivés."
    doc = Document(raw=text, source="test", lang="fr")
    doc.set_layer("sentences", [Span(0, 43, "sentence"), Span(44, len(text), "sentence")])
    doc.set_layer("timex", [Span(3, 13, "DATE", {"value": "XXXX-01-12"})])
    spans = extract_figures(doc).layer("figures")
    assert [(doc.text[s.start : s.end], s.label, s.attrs["value"], s.attrs["approx"]) for s in spans] == [
        ("300 personnes", "people", 300, False),
        ("40 soldats", "soldiers", 40, True),
    ]
    assert spans[1].attrs["sentence"] == [44, len(text)]


def test_language_without_data() -> None:
    assert find_figures("300 Menschen", "de") == []


def test_a_number_is_read_whole() -> None:
    """Les 195 pays: known things, no count; and its tail, 95 pays, is no number of its own."""
    assert find_figures("Les 195 pays ont adopté l'accord.", "fr") == []

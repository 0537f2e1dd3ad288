"""Stage `quotes`: quoted words and their speakers, on texts written here (#4)."""

from __future__ import annotations

import re

import pytest

from chronique.model import Document, Span
from chronique.quotes import extract_quotes, find_quotes

PEOPLE = {
    "Olaf Scholz": "person",
    "Emmanuel Macron": "person",
    "Kremlin": "organisation",
    "AFP": "organisation",
}


def build(text: str, lang: str = "fr") -> Document:
    doc = Document(raw=text, source="test", lang=lang)
    doc.set_layer("sentences", [Span(m.start(), m.end(), "sentence") for m in re.finditer(r"[^\n]+", text)])
    entities = []
    for name, label in PEOPLE.items():
        for match in re.finditer(re.escape(name), text):
            entities.append(
                Span(match.start(), match.end(), label, {"entity_id": name.lower(), "name": name})
            )
    doc.set_layer("entities", entities)
    return extract_quotes(doc)


def quotes(doc: Document) -> list[tuple[str, str | None]]:
    return [(doc.text[q.start : q.end], (q.attrs["speaker"] or {}).get("name")) for q in doc.layer("quotes")]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "« Nous avons trouvé un terrain d'entente », a déclaré Olaf Scholz jeudi.",
            "fr",
            [("Nous avons trouvé un terrain d'entente", "Olaf Scholz")],
        ),
        (
            '"Le dialogue doit continuer avec nos voisins", a indiqué à l\'AFP le chancelier, Olaf Scholz.',
            "fr",
            [("Le dialogue doit continuer avec nos voisins", "Olaf Scholz")],
        ),
        (
            "Emmanuel Macron a dit : « la France ne reculera pas sur ce point ».",
            "fr",
            [("la France ne reculera pas sur ce point", "Emmanuel Macron")],
        ),
        (
            "Selon le Kremlin, les deux hommes ont évoqué “des mesures pour réduire les tensions”.",
            "fr",
            [("des mesures pour réduire les tensions", "Kremlin")],
        ),
        (
            '"We agreed on a joint document," Olaf Scholz said.',
            "en",
            [("We agreed on a joint document,", "Olaf Scholz")],
        ),
        ("Une phrase sans aucun guillemet.", "fr", []),
        ("Les « zones de désescalade » sont prévues.", "fr", []),  # scare quotes are not quotes
        (
            "« Personne ne sait où nous allons maintenant », peut-on lire.",
            "fr",
            [("Personne ne sait où nous allons maintenant", None)],
        ),
    ],
)
def test_quotes_and_speakers(text: str, lang: str, expected: list[tuple[str, str | None]]) -> None:
    assert quotes(build(text, lang)) == expected


def test_unpaired_mark_does_not_swallow_the_text() -> None:
    text = "Il a dit « bonjour.\n\nUn autre paragraphe commence ici et continue encore » plus loin."
    assert find_quotes(text, "fr") == []


def test_spans_follow_the_contract() -> None:
    doc = build("« Nous avons trouvé un terrain d'entente », a déclaré Olaf Scholz jeudi.")
    [quote] = doc.layer("quotes")
    assert quote.label == "quote"
    assert quote.attrs["speaker"] == {"entity_id": "olaf scholz", "name": "Olaf Scholz"}
    assert quote.attrs["sentence"] == [0, len(doc.text)]

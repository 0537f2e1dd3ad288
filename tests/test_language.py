"""The `language` stage: lingua among the configured languages, `und` otherwise, reader's choice kept (#2)."""

from __future__ import annotations

from typing import Any

import pytest

from chronique.language import UNDETERMINED, detect_document, detect_language, make_language
from chronique.model import Document
from chronique.pipeline import registered_stages
from chronique.settings import Settings


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le président russe a reçu son homologue turc à Sotchi pour parler de la Syrie.", "fr"),
        ("Empêcher une escalade", "fr"),
        ("The Russian president hosted his Turkish counterpart in Sochi to discuss Syria.", "en"),
        ("Silicon Valley Bank shuttered", "en"),
        # short headlines: decided among the configured languages
        ("Poutine et Erdogan à Sotchi", "fr"),
        ("Idlib : cessez-le-feu", "fr"),
        ("Notre-Dame en feu", "fr"),
        ("Putin meets Erdogan in Sochi", "en"),
        ("Italy win Euro 2020", "en"),
        ("Erdogan in Moskau eingetroffen", UNDETERMINED),
        ("Der russische Präsident hat seinen türkischen Amtskollegen in Sotschi empfangen.", UNDETERMINED),
        ("El presidente ruso recibió ayer a su homólogo turco en Sochi para hablar de Siria.", UNDETERMINED),
        ("Президент России принял турецкого коллегу в Сочи.", UNDETERMINED),
        ("OK", UNDETERMINED),  # too short to say
        ("12/03/2020 — 14:05", UNDETERMINED),
        ("", UNDETERMINED),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_configured_languages_decide() -> None:
    german = "Der russische Präsident hat seinen türkischen Amtskollegen in Sotschi empfangen."
    assert detect_language(german, languages=("fr", "en", "de")) == "de"
    assert (
        detect_language("The president hosted his counterpart in Sochi.", languages=("fr",)) == UNDETERMINED
    )


def test_reader_language_is_kept_and_disagreement_noted(make_doc: Any) -> None:
    doc = make_doc(
        "The Russian president hosted his Turkish counterpart in Sochi to discuss Syria.", lang="fr"
    )
    detect_document(doc)
    assert doc.lang == "fr"
    assert doc.meta["lang_detected"] == "en"
    agreeing = detect_document(make_doc("Le président russe a reçu son homologue turc à Sotchi.", lang="fr"))
    assert "lang_detected" not in agreeing.meta


def test_stage_contract_and_settings() -> None:
    spec = registered_stages()["language"]
    assert (spec.requires, spec.assigns) == ({"text"}, {"lang"})
    stage = make_language(Settings(languages=("fr",)))
    doc = stage(Document(raw="The president hosted his counterpart in Sochi to discuss Syria.", source="t"))
    assert doc.lang == UNDETERMINED


@pytest.mark.shared
def test_dev_texts_and_seeds(dev_articles: list[dict[str, Any]], seeds_dir: Any) -> None:
    for article in dev_articles:
        assert detect_language(article["text"]) == article["lang"], article["id"]
    for path in sorted(seeds_dir.glob("*.txt")):
        assert detect_language(path.read_text(encoding="utf-8")) == "fr", path.name

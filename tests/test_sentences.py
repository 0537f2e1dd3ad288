"""The `sentences` stage: paragraphs, then sentences inside each, with abbreviation data (#2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chronique.clean import clean_text
from chronique.lang import available_languages, load_rules
from chronique.model import Document
from chronique.pipeline import Pipeline, registered_stages
from chronique.readers import read_text
from chronique.sentences import abbreviations, split_sentences, split_text


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "M. Poutine a reçu MM. Poutine et Erdogan. Mme Merkel a salué l'accord.",
            "fr",
            ["M. Poutine a reçu MM. Poutine et Erdogan.", "Mme Merkel a salué l'accord."],
        ),
        (
            "Après avoir rencontré Recep T. Erdogan à Ankara, il est parti.",
            "fr",
            ["Après avoir rencontré Recep T. Erdogan à Ankara, il est parti."],
        ),
        (
            "The U.S. bank failed on Jan. 5 in St. Petersburg, Florida. Regulators moved in.",
            "en",
            ["The U.S. bank failed on Jan. 5 in St. Petersburg, Florida.", "Regulators moved in."],
        ),
        # the closing quote belongs to the sentence, French spacing or not
        (
            "Il a dit : « C'est fini. » Puis il est parti.",
            "fr",
            ["Il a dit : « C'est fini. »", "Puis il est parti."],
        ),
        (
            '"We agreed a joint document." Putin smiled.',
            "en",
            ['"We agreed a joint document."', "Putin smiled."],
        ),
        (
            "«Spasibo», a dit le dirigeant. Ensuite, il a souri.",
            "fr",
            ["«Spasibo», a dit le dirigeant.", "Ensuite, il a souri."],
        ),
        ("Oops ! Une erreur est survenue.", "fr", ["Oops !", "Une erreur est survenue."]),
        (
            "Le bilan : 400 morts. 3 millions de sans-abri.",
            "fr",
            ["Le bilan : 400 morts.", "3 millions de sans-abri."],
        ),
        ("The regime... is to blame. Nobody else.", "en", ["The regime... is to blame.", "Nobody else."]),
        (
            "« Je n'entends pas d'objection (…) Je déclare l'accord adopté. »",
            "fr",
            ["« Je n'entends pas d'objection (…) Je déclare l'accord adopté. »"],
        ),
        ("Il vit à 3,7 km. il pleut.", "fr", ["Il vit à 3,7 km. il pleut."]),  # lower case goes on
        (
            "allié russe.Peut-on encore éviter l'escalade ?",
            "fr",
            ["allié russe.", "Peut-on encore éviter l'escalade ?"],
        ),
        # a line break ends a sentence unless the next line goes on in lower case
        (
            "Dernière mise à jour le 29/09\nLe président est arrivé.",
            "fr",
            ["Dernière mise à jour le 29/09", "Le président est arrivé."],
        ),
        (
            "Le président est arrivé à Ankara jeudi et a parlé\navec son homologue.",
            "fr",
            ["Le président est arrivé à Ankara jeudi et a parlé\navec son homologue."],
        ),
        (
            "Pic at pic.twitter.com/abc and fr.news-front.su today.",
            "en",
            ["Pic at pic.twitter.com/abc and fr.news-front.su today."],
        ),
    ],
)
def test_split(text: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(text, lang=lang) == expected


def test_paragraphs_and_offsets() -> None:
    text = "Titre\n\nPremière phrase. Deuxième phrase.\n\n\nTroisième phrase !\n"
    paragraphs, sentences = split_text(text, lang="fr")
    assert [p.text_of(text) for p in paragraphs] == [
        "Titre",
        "Première phrase. Deuxième phrase.",
        "Troisième phrase !",
    ]
    assert [(s.text_of(text), s.attrs["paragraph"]) for s in sentences] == [
        ("Titre", 0),
        ("Première phrase.", 1),
        ("Deuxième phrase.", 1),
        ("Troisième phrase !", 2),
    ]
    assert all(s.label == "sentence" for s in sentences) and all(p.label == "paragraph" for p in paragraphs)


def test_abbreviations_come_from_data() -> None:
    assert {"M", "MM", "Mme"} <= abbreviations("fr")
    assert {"Mr", "Jan", "St"} <= abbreviations("en")
    assert abbreviations(None) >= abbreviations("fr") | abbreviations("en")


def test_stage_contract_and_pipeline() -> None:
    spec = registered_stages()["sentences"]
    assert (spec.requires, spec.assigns) == ({"text", "lang"}, {"paragraphs", "sentences"})
    doc = Pipeline(["clean", "language", "sentences"])(
        Document(raw="Le président est arrivé. M. Erdogan l'attendait.\n\nPublicité\n", source="t")
    )
    assert [s.text_of(doc.text) for s in doc.layer("sentences")] == [
        "Le président est arrivé.",
        "M. Erdogan l'attendait.",
    ]
    assert len(doc.layer("paragraphs")) == 1


# A sentence of the seeds ends with terminal punctuation (and closing quotes), or ends a line (a
# headline, a subhead, a paragraph the scrape cut short).
_ENDED = re.compile(r"[.!?…][\s\"'»”’)\]]*$")


@pytest.mark.shared
@pytest.mark.parametrize("name", [f"00{i}" for i in range(5)])
def test_seed_sentences(name: str, seeds_dir: Path) -> None:
    (path,) = seeds_dir.glob(f"{name}_*.txt")
    text, _ = clean_text(read_text(path.read_text(encoding="utf-8"), path.name).raw)
    lines = {line.strip() for line in text.splitlines()}
    for sentence in split_sentences(text, lang="fr"):
        assert _ENDED.search(sentence) or any(line.endswith(sentence) for line in lines), sentence
        assert not re.search(r"\b(M|MM|T)\.$", sentence), f"split after an abbreviation: {sentence!r}"
        assert not sentence.startswith(("»", ",", '" ')), f"a quote or comma cut off: {sentence!r}"


@pytest.mark.shared
def test_dev_sentences_start_well(dev_articles: list[dict[str, Any]]) -> None:
    for article in dev_articles:
        text = read_text(article["text"], article["id"]).raw
        for sentence in split_sentences(text, lang=article["lang"]):
            assert not sentence[0].islower() or sentence[0] in "«“", f"{article['id']}: {sentence[:60]!r}"
            assert not re.search(r"\b(M|MM|Mr|Dr|St|Mme)\.$", sentence), f"{article['id']}: {sentence!r}"


@pytest.mark.parametrize("lang", available_languages())
def test_sentences_file_schema(lang: str) -> None:
    data = load_rules(lang, "sentences")
    assert set(data) <= {"abbreviation", "boundary"}, f"lang/{lang}/sentences.toml: unknown tables"
    for rule in data.get("abbreviation", []):
        assert set(rule) <= {"id", "words", "examples"}, rule
        assert all(isinstance(word, str) and word and not word.endswith(".") for word in rule["words"]), rule[
            "id"
        ]
        assert rule["examples"], f"{rule['id']} has no examples"

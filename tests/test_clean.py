"""The `clean` stage: phrases, template lines, repeats, structure; offsets; the seeds line by line (#2)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import chronique.cli.clean  # noqa: F401  registers `chronique clean` and `chronique eval clean`
from chronique.clean import (
    TEMPLATE_MIN_DOCS,
    clean_document,
    clean_text,
    mark_template_lines,
    source_key,
)
from chronique.cli.common import app
from chronique.evaluate.clean import removed_lines, score_document
from chronique.lang import available_languages, load_rules
from chronique.model import Document, Span
from chronique.pipeline import Pipeline, registered_stages
from chronique.readers import read_text


def _rebuilt(raw: str, spans: list[Span]) -> str:
    pieces, position = [], 0
    for span in spans:
        assert span.start >= position, "removed spans overlap or are out of order"
        pieces.append(raw[position : span.start])
        position = span.end
    return "".join(pieces) + raw[position:]


def _check_invariants(raw: str, text: str, spans: list[Span]) -> None:
    assert _rebuilt(raw, spans) == text
    for span in spans:
        assert span.attrs["text"] in raw[span.start : span.end]
        assert span.attrs["rule"]
    if "\n\n\n" not in raw:
        assert "\n\n\n" not in text


# One junk line inside a small article: (line, expected reason, lang).
JUNK_LINES = [
    ("Suivez RT en français surTelegram", "follow", "fr"),
    ("  • Oops !", "widget", "fr"),
    ("    Une erreur est survenue.", "widget", "fr"),
    ("·3\u00a0min de lecture", "widget", "fr"),
    ("Dans cet article:", "widget", "fr"),
    ("► À lire aussi : Le Kremlin confirme la visite", "read-more", "fr"),
    ("Tout AccepterTout refuserParamétrer vos choix", "consent", "fr"),
    ("Publicité", "ad", "fr"),
    ("PUBLICITÉ", "ad", "fr"),
    ("Partager cet articleClose Button", "share", "fr"),
    ("Il vous reste 85% à découvrir. Inscrivez vous pour lire la suite de cet article.", "paywall", "fr"),
    ("Nous utilisons des cookies pour mesurer l'audience.", "consent", "fr"),
    ("Read more: The summit in Sochi", "read-more", "en"),
    ("Advertisement", "ad", "en"),
    ("Photo credit: Jane Doe | AFP", "credit", "en"),
    ("Powered by automated translation", "widget", "en"),
    ("— Jane Doe (@janedoe) May 3, 2017", "embed", "en"),
    ("https://example.org/some/page", "link", "en"),
]


@pytest.mark.parametrize(("junk", "reason", "lang"), JUNK_LINES)
def test_phrase_rules_remove_a_junk_line(junk: str, reason: str, lang: str) -> None:
    raw = f"Headline\n\nFirst paragraph of the story.\n\n{junk}\n\nSecond paragraph of the story.\n"
    text, spans = clean_text(raw, lang=lang)
    assert [span.label for span in spans] == [reason]
    assert junk not in text
    assert text == "Headline\n\nFirst paragraph of the story.\n\nSecond paragraph of the story.\n"
    _check_invariants(raw, text, spans)


CONTENT_LINES = [
    "Empêcher une escalade",  # a subhead
    "Officialiser l'achat de S-400 à la Russie",
    "Dernière mise à jour à 09h50 le 29/09",  # a dateline
    "Par Patrick Saint-Pré",  # a byline
    "Lire entre les lignes est devenu un sport national à Moscou.",
    "Les régies publicitaires utilisent des cookies, selon un rapport de la CNIL publié mardi qui "
    "détaille les pratiques de dizaines de sites d'information et recommande aux éditeurs de simplifier "
    "le refus et de publier la liste de leurs partenaires commerciaux.",
    "Follow the money on Wall Street, he said, and you will find the culprits.",
]


@pytest.mark.parametrize("line", CONTENT_LINES)
def test_content_lines_stay(line: str) -> None:
    raw = f"Un titre\n\nUn premier paragraphe de l'article.\n\n{line}\n\nUn second paragraphe.\n"
    text, spans = clean_text(raw)
    assert spans == []
    assert text == raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # junk at the start: no blank line left at the top
        ("Publicité\n\nLe texte.\n", "Le texte.\n"),
        # junk at the end, without a final newline
        ("Le texte.\n\nPublicité", "Le texte.\n"),
        # a block of junk between paragraphs leaves one blank line
        ("A.\n\nPublicité\n\nNewsletter\n\nB.\n", "A.\n\nB.\n"),
        # junk inside a paragraph leaves the paragraph whole
        ("A.\nPublicité\nB.\n", "A.\nB.\n"),
        # the gap that was there stays as wide, never wider
        ("A.\n\n\nPublicité\n\nB.\n", "A.\n\n\nB.\n"),
    ],
)
def test_blank_lines_stay_sane(raw: str, expected: str) -> None:
    text, spans = clean_text(raw)
    assert text == expected
    _check_invariants(raw, text, spans)


@pytest.mark.parametrize(
    ("breadcrumb", "headline"),
    [
        ("World | Asia", "Trump and Kim pledge to work toward denuclearization"),
        ("Accueil > Monde > Asie", "Poignée de main historique à Singapour"),
        ("Home / News / World", "Summit in Singapore"),
    ],
)
def test_breadcrumbs_go_headlines_stay(breadcrumb: str, headline: str) -> None:
    raw = f"{breadcrumb}\n\n{headline}\n\nThe first paragraph of the article, a full sentence.\n"
    text, spans = clean_text(raw)
    assert [(s.label, s.attrs["text"]) for s in spans] == [("navigation", breadcrumb)]
    assert text.startswith(headline)
    _check_invariants(raw, text, spans)


def test_structure_removes_short_lines_between_removed_lines_only() -> None:
    raw = (
        "Le titre de l'article\n\nSuivez RT en français surTelegram\n\nLe premier paragraphe.\n\n"
        "Lire aussi : autre chose\n\nUn intertitre court\n\nLe paragraphe suivant.\n\n"
        "Lire aussi : encore autre chose\n\nRaconter l'actualité\n\nSuivez RT en français surTelegram\n"
    )
    text, spans = clean_text(raw)
    by_text = {span.attrs["text"]: span.label for span in spans}
    assert by_text["Raconter l'actualité"] == "structure"
    assert "Le titre de l'article" in text  # a headline next to junk has text on one side only
    assert "Un intertitre court" in text  # a subhead after junk, before a paragraph
    _check_invariants(raw, text, spans)


def test_structure_spares_bylines() -> None:
    raw = "Titre\n\nTous droits réservés\nPar Euronews\nPartager cet articleDiscussion\n\nLe texte.\n"
    text, spans = clean_text(raw)
    assert "Par Euronews" in text
    assert len(spans) == 2


@pytest.mark.parametrize("quote_first", [True, False])
def test_pull_quote_standing_alone_goes_and_its_words_stay_once(quote_first: bool) -> None:
    quote = "Nous devons discuter de toute la situation pour que rien de tel ne se reproduise"
    pull = f'"{quote}."'
    body = f'"{quote}", a dit Vladimir Poutine en ouverture de l\'entretien. Il a ajouté un mot.'
    parts = [pull, body] if quote_first else [body, pull]
    raw = "Titre\n\n" + "\n\n".join(parts) + "\n\nFin de l'article.\n"
    text, spans = clean_text(raw)
    assert [(span.label, span.attrs["text"]) for span in spans] == [("pullquote", pull)]
    assert text.count(quote) == 1
    assert body in text
    _check_invariants(raw, text, spans)


def test_exact_duplicate_keeps_the_first_copy() -> None:
    headline = "Erdogan et Poutine annoncent un projet commun"
    raw = f"{headline}\n\n{headline}\n\nTexte.\n"
    text, spans = clean_text(raw)
    assert [span.label for span in spans] == ["duplicate"]
    assert text == f"{headline}\n\nTexte.\n"


def test_truncated_teaser_repeating_the_paragraphs_goes() -> None:
    first = "Le président turc était ce mercredi à Sotchi à l'invitation de son homologue russe"
    second = "Après de longues discussions, Poutine assure que les relations sont restaurées."
    raw = f"{first} Après de longues discussions, Poutine assure\n\n{first}\n\n{second}\n"
    text, spans = clean_text(raw)
    assert text == f"{first}\n\n{second}\n"
    assert spans[0].label == "duplicate"


def _site_doc(number: int, host: str = "example.org", extra: str = "") -> Document:
    raw = f"Titre {number}\n\nRaconter l'actualité autrement\n\nUn texte propre au numéro {number}.\n{extra}"
    return Document(raw=raw, source=f"batch.jsonl#{number}", url=f"https://www.{host}/a/{number}")


def test_template_lines_repeat_across_one_source() -> None:
    docs = [_site_doc(n) for n in range(TEMPLATE_MIN_DOCS)] + [_site_doc(9, host="other.net")]
    mark_template_lines(docs)
    assert docs[0].meta["template_lines"] == ["Raconter l'actualité autrement"]
    assert "template_lines" not in docs[-1].meta  # alone on its site
    doc = clean_document(docs[0])
    assert "template_lines" not in doc.meta
    assert [(s.label, s.attrs["rule"]) for s in doc.layer("removed")] == [("template", "template")]
    assert "Raconter" not in doc.text


def test_template_lines_need_enough_documents() -> None:
    docs = [_site_doc(n) for n in range(TEMPLATE_MIN_DOCS - 1)]
    mark_template_lines(docs)
    assert all("template_lines" not in doc.meta for doc in docs)


def test_template_lines_need_a_share_of_the_source() -> None:
    wire = "Turkey and Russia agree on a ceasefire in Idlib from midnight"
    docs = [_site_doc(n, host="one.org", extra=wire + "\n") for n in range(TEMPLATE_MIN_DOCS)]
    docs += [_site_doc(n, host="one.org") for n in range(10, 10 + TEMPLATE_MIN_DOCS + 1)]
    mark_template_lines(docs)
    assert docs[0].meta["template_lines"] == ["Raconter l'actualité autrement"]  # 3 of 7 for the wire line


def test_template_lines_spare_the_headline() -> None:
    docs = [Document(raw=f"Wire headline\n\nText number {n}.\n", source=f"folder/{n}.txt") for n in range(4)]
    mark_template_lines(docs)
    assert docs[0].meta["template_lines"] == ["Wire headline"]
    assert clean_document(docs[0]).text.startswith("Wire headline")


def test_template_lines_spare_protected_lines() -> None:
    docs = [_site_doc(n, extra="Par la rédaction\n") for n in range(TEMPLATE_MIN_DOCS)]
    mark_template_lines(docs)
    assert "Par la rédaction" in docs[0].meta["template_lines"]
    assert "Par la rédaction" in clean_document(docs[0]).text


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"url": "https://www.rfi.fr/fr/europe/x", "source": "a.jsonl#1"}, "rfi.fr"),
        ({"url": None, "source": "corpus/lemonde/a.txt"}, "corpus/lemonde"),
        ({"url": None, "source": "feed.xml#3"}, "feed.xml"),
    ],
)
def test_source_key(fields: dict[str, Any], key: str) -> None:
    assert source_key(Document(raw="x", **fields)) == key


def test_stage_contract_and_pipeline() -> None:
    spec = registered_stages()["clean"]
    assert spec.requires == {"raw"}
    assert spec.assigns == {"text", "removed"}
    doc = Pipeline(["clean"])(Document(raw="Le texte.\n\nPublicité\n", source="t"))
    assert doc.text == "Le texte.\n"
    assert doc.layer("removed")[0].label == "ad"


# -- the seeds, line by line against gold.json --------------------------------------------------------


SEED_NAMES = [
    "000_8833cc1fb73df897.txt",
    "001_434794cdf416e28e.txt",
    "002_9a0c6cb84afdada7.txt",
    "003_69783e8ce28d6574.txt",
    "004_3325c8de5cc5614f.txt",
]


@pytest.mark.shared
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_lines_against_gold(name: str, seeds_dir: Path, seed_gold: dict[str, Any]) -> None:
    annotation = seed_gold["documents"][name]
    doc = read_text((seeds_dir / name).read_text(encoding="utf-8"), name)
    text, spans = clean_text(doc.raw, lang="fr")
    _check_invariants(doc.raw, text, spans)
    removed = removed_lines(doc.raw, spans)
    junk = set(annotation["junk_lines"])
    pullquotes = set(annotation.get("pullquote_lines", []))
    for number, line in enumerate(doc.raw.split("\n"), 1):
        if not line.strip():
            continue
        if number in junk or number in pullquotes:
            assert number in removed, f"{name}:{number} should be removed: {line!r}"
        else:
            assert number not in removed, f"{name}:{number} is content: {line!r} ({removed[number]})"
    score = score_document(name, doc.raw, annotation, lang="fr")
    assert score.pullquotes_once == score.pullquotes


# -- the dev texts: what must go, and how much may go -----------------------------------------------

# Page furniture seen in the dev texts; none may survive cleaning.
DEV_JUNK = re.compile(
    r"Partager cet article|^PUBLICITÉ$|Tous droits réservés|t\.co/|pic\.twitter\.com|"
    r"RÉSERVÉ AUX INSCRITS|Powered by automated translation|Photo credit|© Sputnik|Getty Images$",
    re.MULTILINE,
)
# No dev text is mostly furniture: the largest share removed is 43% (a euronews page: share widgets,
# two embedded tweets, a teaser); the next is 17% (an rt.com page with an embedded tweet).
DEV_MAX_REMOVED_SHARE = 0.5


@pytest.mark.shared
def test_dev_texts(dev_articles: list[dict[str, Any]]) -> None:
    docs = [read_text(a["text"], a["id"], url=a["url"], lang=a["lang"]) for a in dev_articles]
    mark_template_lines(docs)
    for doc in docs:
        raw = doc.raw
        clean_document(doc)
        _check_invariants(raw, doc.text, doc.layer("removed"))
        assert not DEV_JUNK.search(doc.text), f"{doc.source}: {DEV_JUNK.search(doc.text)}"
        share = 1 - len(doc.text) / len(raw)
        assert share <= DEV_MAX_REMOVED_SHARE, f"{doc.source}: {share:.0%} removed"
        for kept in ("Dernière mise à jour", "Publié le", "Par Euronews", "By  AFP", "14 déc. 2015"):
            if kept in raw:
                assert kept in doc.text, f"{doc.source}: {kept!r} was removed"


# -- the command line --------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_clean_prints_text_and_explains(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text("Titre\n\nLe texte.\n\nLire aussi : autre chose\n", encoding="utf-8")
    result = runner.invoke(app, ["clean", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Titre\n\nLe texte.\n"
    result = runner.invoke(app, ["clean", str(path), "--explain", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"reason": "read-more"' in result.stdout
    assert '"line": 5' in result.stdout


def test_cli_clean_reads_stdin() -> None:
    result = runner.invoke(app, ["clean", "-"], input="Le texte.\n\nPublicité\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Le texte.\n"


def test_cli_clean_reports_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["clean", str(tmp_path / "absent.txt")])
    assert result.exit_code == 1
    assert "absent.txt" in result.output


@pytest.mark.shared
def test_cli_eval_clean(seeds_dir: Path) -> None:
    result = runner.invoke(app, ["eval", "clean", str(seeds_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert '"junk_recall"' in result.stdout


# -- whole scrapes written for these tests, in the style of French and English news sites ----------

FRENCH_SCRAPE = """\
Aller au contenu principal
Accueil > International > Europe
Sommet de Bruxelles : les Vingt-Sept s'accordent sur l'aide à l'Ukraine
Le Quotidien avec AFP
Publié le 12 mars 2024 à 10h05, modifié le 12 mars 2024 à 11h30
Temps de Lecture 2 min.
Offrir l’article
Lire plus tard
Partager
Les dirigeants européens se sont mis d'accord jeudi soir sur une enveloppe de 50 milliards d'euros.
« C'est un signal fort », a déclaré M. Michel à l'issue de la réunion.
Lire aussi | Article réservé à nos abonnés Ukraine : la contre-offensive marque le pas
Un accord arraché après dix heures de négociations
La Hongrie, qui bloquait le texte depuis décembre, a finalement levé son veto.
Publicité
Voir les 12 commentaires
Facebook Twitter LinkedIn E-mail Copier le lien
"""
FRENCH_JUNK = [1, 2, 6, 7, 8, 9, 12, 15, 16, 17]

ENGLISH_SCRAPE = """\
Skip to main content
EU leaders agree on Ukraine aid package
By Jane Doe and John Roe
March 12, 2024 10:05 AM UTC Updated 2 hours ago
Listen to this article
European Union leaders agreed on Thursday to a 50 billion euro aid package for Ukraine.
Advertisement · Scroll to continue
"This is a strong signal," Mr. Michel told reporters in Brussels.
Read more: Ukraine's counter-offensive stalls
Hungary lifted its veto after ten hours of talks.
Reporting by Jane Doe; Editing by John Roe
Our Standards: The Thomson Reuters Trust Principles.
Share Tweet Email
"""
ENGLISH_JUNK = [1, 5, 7, 9, 12, 13]


@pytest.mark.parametrize(
    ("raw", "junk", "lang"), [(FRENCH_SCRAPE, FRENCH_JUNK, "fr"), (ENGLISH_SCRAPE, ENGLISH_JUNK, "en")]
)
def test_a_whole_scrape(raw: str, junk: list[int], lang: str) -> None:
    text, spans = clean_text(raw, lang=lang)
    assert sorted(removed_lines(raw, spans)) == junk
    _check_invariants(raw, text, spans)


def test_a_line_repeating_itself_is_not_a_repeat() -> None:
    raw = "Allez les Bleus, allez les Bleus, allez les Bleus, allez les Bleus !\n\nFin du match.\n"
    assert clean_text(raw) == (raw, [])


def test_a_long_input_stays_fast() -> None:
    paragraphs = [
        f"Paragraphe numéro {n} d'un très long texte, avec assez de mots pour compter." for n in range(5000)
    ]
    raw = "\n\n".join([*paragraphs, "Publicité"])
    start = time.perf_counter()
    _, spans = clean_text(raw)
    assert time.perf_counter() - start < 5
    assert [span.label for span in spans] == ["ad"]


# -- the data files ----------------------------------------------------------------------------------

REASONS = {
    "consent", "share", "follow", "read-more", "widget", "navigation", "comments", "ad", "paywall", "credit",
    "embed", "link", "keep",
}  # fmt: skip


@pytest.mark.parametrize("lang", available_languages())
def test_boilerplate_file_schema(lang: str) -> None:
    rules = load_rules(lang, "boilerplate").get("rule", [])
    assert rules, f"lang/{lang}/boilerplate.toml has no [[rule]]"
    ids = [rule.get("id") for rule in rules]
    assert len(ids) == len(set(ids)), f"duplicate rule ids in lang/{lang}/boilerplate.toml"
    for rule in rules:
        assert set(rule) <= {"id", "concept", "pattern", "labels", "max_words", "examples"}, rule["id"]
        assert rule["concept"] in REASONS, rule["id"]
        assert ("pattern" in rule) != ("labels" in rule), f"{rule['id']}: a pattern or labels, not both"
        assert rule.get("examples"), f"{rule['id']} has no examples"

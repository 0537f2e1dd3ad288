"""Readers: each format on small files written here, bad inputs, folders, globs, stdin (#2)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import pytest

from chronique.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    MalformedRecordError,
    TooLargeError,
)
from chronique.model import Document, Granularity, Provenance
from chronique.readers import apply_date_prefix, headline, parse_published, read
from chronique.settings import Settings

ARTICLE_FR = (
    "Donald Trump et Kim Jong-un se sont serré la main mardi à Singapour.\n\n"
    "Les deux dirigeants ont signé une déclaration commune sur la dénucléarisation."
)
PAGE = """<!DOCTYPE html><html lang="en"><head>
<title>Trump and Kim meet at the DMZ | Example Wire</title>
<meta property="og:title" content="Trump and Kim meet at the DMZ">
<meta property="article:published_time" content="2019-06-30T16:00:00+09:00">
<link rel="canonical" href="https://wire.example/2019/06/30/dmz">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Trump and Kim meet at the DMZ</h1>
<p>Donald Trump became the first sitting US president to set foot in North Korea on Sunday, stepping
across the concrete line at Panmunjom to shake hands with Kim Jong-un.</p>
<p>The two leaders then talked for nearly an hour in the Freedom House on the southern side of the
demilitarised zone, and agreed to restart working-level negotiations within weeks.</p>
</article><footer>© Example Wire. All rights reserved.</footer></body></html>"""


def only_docs(items: list[Any]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def only_errors(items: list[Any]) -> list[InputError]:
    return [item for item in items if isinstance(item, InputError)]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# -- plain text and the date prefix ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "granularity", "raw_start"),
    [
        (" date 2018-06 Donald Trump et Kim Jong-un.\n\nSuite.", "2018-06", Granularity.MONTH, "Donald"),
        (" date 2019-02-28 Talks in Hanoi ended.\n\nMore.", "2019-02-28", Granularity.DAY, "Talks"),
        (" date 2019-06\nLe président américain.\n", "2019-06", Granularity.MONTH, "\nLe président"),
    ],
)
def test_date_prefix_becomes_published_and_keeps_line_numbers(
    text: str, value: str, granularity: Granularity, raw_start: str
) -> None:
    raw, date, prefix = apply_date_prefix(text)
    assert date is not None and prefix == value
    assert (date.value, date.granularity, date.provenance) == (value, granularity, Provenance.PREFIX)
    assert raw.startswith(raw_start)
    assert raw.count("\n") == text.count("\n")


@pytest.mark.parametrize(
    "text",
    [
        "Le sommet de Singapour a eu lieu en juin.",
        " date 2017-13 not a month",  # not a calendar date, so not the crawler's prefix
        "Intro\n date 2018-06 on a later line is content",
        " date 2018-06x glued to a word",
    ],
)
def test_text_without_a_prefix_is_left_alone(text: str) -> None:
    assert apply_date_prefix(text) == (text, None, None)


def test_text_file_with_prefix(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", " date 2018-06 " + ARTICLE_FR)
    [doc] = only_docs(list(read([path])))
    assert doc.raw == ARTICLE_FR and doc.text == ARTICLE_FR
    assert doc.published is not None and doc.published.value == "2018-06"
    assert doc.meta["date_prefix"] == "2018-06"
    assert doc.source.endswith("a.txt")


@pytest.mark.parametrize(
    ("encoded", "name"),
    [
        (ARTICLE_FR.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + ARTICLE_FR.encode("utf-8"), "utf-8 with BOM"),
        (ARTICLE_FR.encode("utf-16"), "utf-16 with BOM"),
        ((ARTICLE_FR + "\n\nLa sécurité était renforcée, a précisé l’agence.").encode("cp1252"), "cp1252"),
        (ARTICLE_FR.replace("\n", "\r\n").encode("utf-8"), "CRLF"),
    ],
)
def test_text_encodings(tmp_path: Path, encoded: bytes, name: str) -> None:
    [doc] = only_docs(list(read([write(tmp_path / "a.txt", encoded)])))
    assert doc.raw.startswith(
        "Donald Trump et Kim Jong-un se sont serré la main mardi à Singapour.\n\nLes"
    ), name
    assert "\r" not in doc.raw and not doc.raw.startswith("\ufeff")


def test_mostly_utf8_with_a_stray_byte_is_not_read_as_cp1252(tmp_path: Path) -> None:
    data = ARTICLE_FR.encode("utf-8") + b"\n\nCaf\xe9 offert." + "\n\nLa sécurité était renforcée.".encode()
    [doc] = only_docs(list(read([write(tmp_path / "a.txt", data)])))
    assert doc.raw.startswith(ARTICLE_FR) and "La sécurité était renforcée." in doc.raw
    assert "Caf\ufffd offert." in doc.raw


def test_same_file_same_id(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE_FR)
    first = only_docs(list(read([path])))[0]
    again = only_docs(list(read([str(path)])))[0]
    assert first.id == again.id


def test_source_is_relative_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "corpus" / "a.txt", ARTICLE_FR)
    monkeypatch.chdir(tmp_path)
    [doc] = only_docs(list(read(["corpus"])))
    assert doc.source == "corpus/a.txt"


# -- HTML --------------------------------------------------------------------------------------------


def test_html_page(tmp_path: Path) -> None:
    [doc] = only_docs(list(read([write(tmp_path / "dmz.html", PAGE)])))
    assert doc.title == "Trump and Kim meet at the DMZ"
    assert "first sitting US president to set foot in North Korea" in doc.raw
    assert "All rights reserved" not in doc.raw and "Home" not in doc.raw
    assert "\n\n" in doc.raw  # one paragraph per block
    assert doc.published is not None
    assert (doc.published.value, doc.published.provenance) == ("2019-06-30", Provenance.METADATA)
    assert doc.url == "https://wire.example/2019/06/30/dmz"


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    [error] = list(
        read([write(tmp_path / "blank.html", "<html><head><title>x</title></head><body></body></html>")])
    )
    assert isinstance(error, EmptyInputError)


# -- JSONL -------------------------------------------------------------------------------------------


def test_jsonl_fields_meta_and_broken_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "w-1",
                "url": "https://a.example/1",
                "text": ARTICLE_FR,
                "lang": "fr",
                "title": "Sommet",
                "published": "2018-06-12T09:30:00+08:00",
                "group": "A",
            }
        ),
        '{"id": "w-2", "text": "broken',
        json.dumps({"id": "w-3", "html": PAGE, "published": "Sun, 30 Jun 2019 18:00:00 +0900"}),
        json.dumps({"id": "w-4", "title": "no body"}),
        json.dumps({"text": " date 2019-02 Hanoi summit collapsed.", "published": "sometime"}),
        "[1, 2]",
    ]
    path = write(tmp_path / "wire.jsonl", "\n".join(lines) + "\n")
    items = list(read([path]))
    docs, errors = only_docs(items), only_errors(items)
    assert [d.meta.get("external_id") for d in docs] == ["w-1", "w-3", None]
    first, page, undated = docs
    assert (first.url, first.lang, first.title) == ("https://a.example/1", "fr", "Sommet")
    assert first.published is not None and first.published.value == "2018-06-12"  # the writer's day, not UTC
    assert first.meta["group"] == "A"
    assert first.source.endswith("wire.jsonl#w-1")
    assert "Panmunjom" in page.raw and page.published is not None and page.published.value == "2019-06-30"
    assert page.url == "https://wire.example/2019/06/30/dmz"  # no `url` field: the page's canonical link
    # an unparseable `published` is kept in meta; the prefix gives the date instead
    assert undated.published is not None and undated.published.provenance == Provenance.PREFIX
    assert undated.meta["published_unparsed"] == "sometime"
    assert undated.source.endswith("wire.jsonl#line5")
    kinds = {(type(e), e.source.rsplit(":", 1)[-1]) for e in errors}
    assert kinds == {(MalformedRecordError, "2"), (EmptyInputError, "4"), (MalformedRecordError, "6")}
    assert all(e.source.rsplit(":", 1)[0].endswith("/wire.jsonl") for e in errors)


def test_jsonl_field_aliases(tmp_path: Path) -> None:
    record = {
        "link": "https://b.example/2",
        "content": "Kim Jong-un a quitté Hanoï en train.",
        "headline": "Retour en train",
        "language": "fr",
        "published_at": "2019-03-02T08:00:00Z",
        "date": "2020-01-01",  # ambiguous (often the crawl date): kept in meta only
        "text": "",
    }
    [doc] = only_docs(list(read([write(tmp_path / "x.jsonl", json.dumps(record))])))
    assert (doc.url, doc.title, doc.lang, doc.raw) == (
        "https://b.example/2",
        "Retour en train",
        "fr",
        "Kim Jong-un a quitté Hanoï en train.",
    )
    assert doc.published is not None and doc.published.value == "2019-03-02"
    assert doc.meta == {"date": "2020-01-01", "text": ""}


def test_jsonl_line_not_utf8(tmp_path: Path) -> None:
    data = json.dumps({"text": "é"}).encode("utf-8") + b"\n" + b'{"text": "caf\xe9"}\n'
    items = list(read([write(tmp_path / "x.jsonl", data)]))
    assert len(only_docs(items)) == 1
    assert [type(e) for e in only_errors(items)] == [DecodeError]


def test_dev_corpus_reads_with_prefix_dates(tmp_path: Path, dev_articles: list[dict[str, Any]]) -> None:
    path = write(tmp_path / "dev.jsonl", "\n".join(json.dumps(a, ensure_ascii=False) for a in dev_articles))
    docs = only_docs(list(read([path])))
    assert len(docs) == len(dev_articles)
    for article, doc in zip(dev_articles, docs, strict=True):
        assert doc.meta["external_id"] == article["id"]
        assert "gold_pub_date" in doc.meta and "events" in doc.meta
        if article["text"].startswith(" date "):
            assert doc.published is not None and doc.published.provenance == Provenance.PREFIX
            assert not doc.raw.startswith(" date ")
            assert article["gold_pub_date"].startswith(doc.published.value[:7])
        else:
            assert doc.published is None


def test_seeds_get_their_month_level_date(seeds_dir: Path, seed_gold: dict[str, Any]) -> None:
    docs = {Path(d.source).name: d for d in only_docs(list(read([seeds_dir])))}
    assert set(docs) == set(seed_gold["documents"])
    for name, gold in seed_gold["documents"].items():
        doc = docs[name]
        original = (seeds_dir / name).read_text(encoding="utf-8")
        assert doc.raw.count("\n") == original.count("\n")  # gold line numbers still point right
        if gold.get("date_prefix"):
            assert doc.published is not None
            assert (doc.published.value, doc.published.granularity) == (
                gold["date_prefix"],
                Granularity.MONTH,
            )
        else:
            assert doc.published is None


# -- WARC ----------------------------------------------------------------------------------------------


def make_warc(path: Path, pages: list[tuple[str, str, str]], *, gz: bool) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for url, content_type, body in pages:
            status = "404 Not Found" if url.endswith("missing") else "200 OK"
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode("utf-8")), http_headers=headers
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio buffers the payload in a temporary file
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses(tmp_path: Path, gz: bool) -> None:
    pages = [
        ("https://wire.example/dmz", "text/html; charset=utf-8", PAGE),
        ("https://wire.example/logo.png", "image/png", "not html"),
        ("https://wire.example/missing", "text/html", "<html><body><p>Not found</p></body></html>"),
        ("https://wire.example/dmz2", "text/html", PAGE.replace("Sunday", "Sunday afternoon")),
    ]
    path = make_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), pages, gz=gz)
    items = list(read([path]))
    assert not only_errors(items)
    docs = only_docs(items)
    assert [d.url for d in docs] == ["https://wire.example/dmz", "https://wire.example/dmz2"]
    assert docs[0].source.endswith("#https://wire.example/dmz")
    assert "crawled" in docs[0].meta and "Panmunjom" in docs[0].raw


def test_truncated_warc_gz_keeps_the_records_before(tmp_path: Path) -> None:
    pages = [
        (f"https://wire.example/{i}", "text/html", PAGE.replace("Sunday", f"Sunday {i}")) for i in range(3)
    ]
    path = make_warc(tmp_path / "crawl.warc.gz", pages, gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])
    items = list(read([path]))
    assert 1 <= len(only_docs(items)) < 3
    [error] = only_errors(items)
    assert isinstance(error, MalformedRecordError) and "crawl.warc.gz" in str(error)


# -- feeds ---------------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Fil</title><language>fr-FR</language>
<item><title>Sommet de Singapour</title><link>https://fil.example/1</link><guid>fil-1</guid>
<pubDate>Tue, 12 Jun 2018 08:10:00 +0800</pubDate>
<description><![CDATA[<p>Donald Trump et <b>Kim Jong-un</b> se sont rencontrés.</p>
<p>Une déclaration a été signée.</p>]]>
</description></item>
<item><title>Sans date</title><link>https://fil.example/2</link>
<description>Texte brut sans balise.</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Hanoi summit ends</title><id>urn:wire:7</id><link href="https://wire.example/7"/>
<updated>2019-02-28T17:00:00+07:00</updated>
<content type="html">&lt;p&gt;The summit ended without a deal.&lt;/p&gt;</content></entry></feed>"""


def test_rss_entries(tmp_path: Path) -> None:
    items = list(read([write(tmp_path / "fil.xml", RSS)]))
    first, second = only_docs(items)
    assert first.raw == "Donald Trump et Kim Jong-un se sont rencontrés.\n\nUne déclaration a été signée."
    assert first.published is not None and first.published.value == "2018-06-12"
    assert (first.title, first.url, first.lang) == ("Sommet de Singapour", "https://fil.example/1", "fr")
    assert first.source.endswith("fil.xml#fil-1") and first.meta["feed"] == "Le Fil"
    assert second.raw == "Texte brut sans balise." and second.published is None


def test_atom_entries(tmp_path: Path) -> None:
    [doc] = only_docs(list(read([write(tmp_path / "wire.atom", ATOM)])))
    assert doc.raw == "The summit ended without a deal."
    assert doc.published is not None and doc.published.value == "2019-02-28"


def test_broken_feed(tmp_path: Path) -> None:
    [error] = list(
        read([write(tmp_path / "bad.xml", "<?xml version='1.0'?><rss><channel><title>Fil</title><ite")])
    )
    assert isinstance(error, MalformedRecordError)


# -- bad input, folders, globs, stdin ------------------------------------------------------------------


def test_bad_files_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    write(tmp_path / "a_good.txt", ARTICLE_FR)
    write(tmp_path / "b_empty.txt", "")
    write(tmp_path / "c_blank.txt", "  \n\n ")
    write(tmp_path / "d_image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path / "e_noise.txt", bytes((i * 37) % 128 + 128 for i in range(900)))
    write(tmp_path / "f_huge.txt", "mot " * 400)
    (tmp_path / "g_dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    write(tmp_path / "h_truncated.txt.gz", gzip.compress(ARTICLE_FR.encode() * 50)[:60])
    write(tmp_path / "z_good.html", PAGE)
    items = list(read([tmp_path], settings=Settings(max_file_bytes=1000)))
    assert [Path(d.source).name for d in only_docs(items)] == ["a_good.txt", "z_good.html"]
    found = {Path(e.source).name: type(e) for e in only_errors(items)}
    assert found == {
        "b_empty.txt": EmptyInputError,
        "c_blank.txt": EmptyInputError,
        "d_image.txt": BinaryInputError,
        "e_noise.txt": DecodeError,
        "f_huge.txt": TooLargeError,
        "g_dangling.txt": InputError,
        "h_truncated.txt.gz": MalformedRecordError,
    }
    assert all(e.reason for e in only_errors(items))


def test_gzipped_text(tmp_path: Path) -> None:
    [doc] = only_docs(list(read([write(tmp_path / "a.txt.gz", gzip.compress(ARTICLE_FR.encode()))])))
    assert doc.raw == ARTICLE_FR


def test_folder_walk_is_recursive_sorted_and_skips_non_articles(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "Deuxième article sur le sommet.")
    write(tmp_path / "sub" / "a.txt", "Premier article sur le sommet.")
    write(tmp_path / "sub" / "noext", "Un fichier sans extension est lu.")
    write(tmp_path / ".hidden.txt", "caché")
    write(tmp_path / ".git" / "x.txt", "caché")
    write(tmp_path / "README.md", "# Not an article")
    write(tmp_path / "make.py", "print('not an article')")
    names = [Path(d.source).relative_to(tmp_path).as_posix() for d in only_docs(list(read([tmp_path])))]
    assert names == ["b.txt", "sub/a.txt", "sub/noext"]


def test_a_file_named_explicitly_is_read_whatever_its_extension(tmp_path: Path) -> None:
    [doc] = only_docs(list(read([write(tmp_path / "notes.md", "Kim Jong-un a quitté Hanoï.")])))
    assert doc.raw == "Kim Jong-un a quitté Hanoï."


def test_globs_and_missing_paths(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Un.")
    write(tmp_path / "b.txt", "Deux.")
    write(tmp_path / "c.html", PAGE)
    items = list(read([str(tmp_path / "*.txt"), str(tmp_path / "nothing-*.txt"), str(tmp_path / "gone.txt")]))
    assert [d.raw for d in only_docs(items)] == ["Un.", "Deux."]
    assert [Path(e.source).name for e in only_errors(items)] == ["nothing-*.txt", "gone.txt"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b" date 2019-06 Rencontre dans la DMZ.", "Rencontre dans la DMZ."),
        (json.dumps({"id": "s1", "text": "Depuis stdin."}).encode() + b"\n", "Depuis stdin."),
        (PAGE.encode(), "Trump and Kim meet at the DMZ\n\nDonald Trump became"),
        (gzip.compress(b"Compressed stdin.", mtime=0), "Compressed stdin."),
    ],
)
def test_stdin(data: bytes, expected: str) -> None:
    [doc] = only_docs(list(read(["-"], stdin=io.BytesIO(data))))
    assert doc.raw.startswith(expected)
    assert doc.source.startswith("<stdin>")


def test_read_is_lazy(tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path / f"{i}.txt", f"Article {i}.")
    items = read([tmp_path])
    first = next(items)
    assert isinstance(first, Document) and first.raw == "Article 0."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-02-27", "2019-02-27"),
        ("2019-02-27T23:30:00-05:00", "2019-02-27"),
        ("2019-02-27 10:00", "2019-02-27"),
        ("2019-02", "2019-02"),
        ("2019", "2019"),
        ("Wed, 27 Feb 2019 10:00:00 GMT", "2019-02-27"),
        (1551312000, "2019-02-28"),  # Unix timestamp, UTC day
        (1551312000.5, "2019-02-28"),
        (2019, None),  # a bare number is not taken for a year or a timestamp
        ("1551312000", None),
        ("2019-02-30", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(value: str | float | None, expected: str | None) -> None:
    date = parse_published(value)
    assert (date.value if date else None) == expected


@pytest.mark.parametrize("gz", [False, True])
def test_stdin_jsonl_is_streamed_past_the_size_limit(gz: bool) -> None:
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"Dépêche numéro {i}."}) + "\n" for i in range(20))
    data = lines.encode()
    assert len(data) > 500
    items = list(
        read(
            ["-"],
            stdin=io.BytesIO(gzip.compress(data) if gz else data),
            settings=Settings(max_file_bytes=500),
        )
    )
    assert [d.raw for d in only_docs(items)] == [f"Dépêche numéro {i}." for i in range(20)]
    assert only_errors(items) == []


def test_stdin_single_article_over_the_limit() -> None:
    [error] = list(read(["-"], stdin=io.BytesIO(b"mot " * 200), settings=Settings(max_file_bytes=500)))
    assert isinstance(error, TooLargeError) and error.source == "<stdin>"


def test_a_single_path_string_is_one_path_not_its_characters(tmp_path: Path) -> None:
    article = tmp_path / "one.txt"
    article.write_text("Une seule dépêche, lue une seule fois.\n", encoding="utf-8")
    results = list(read(str(article)))
    assert [r.source for r in results if isinstance(r, Document)] == [str(article)]
    assert len(list(read(article))) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Trump and Kim meet in Singapore\n\nThe two leaders shook hands.\n",
            "Trump and Kim meet in Singapore",
        ),
        # A breadcrumb is navigation, never the headline (#2).
        (
            "World | Asia\n\nTrump and Kim meet in Singapore\n\nThe two men met.\n",
            "Trump and Kim meet in Singapore",
        ),
        (
            "Accueil > Monde > Asie\nKim Jong-un à Singapour\n\nLe dirigeant est arrivé.\n",
            "Kim Jong-un à Singapour",
        ),
        ("Home / News / World\n\nThe two leaders shook hands on Tuesday.\n", None),  # no headline after it
        ("World | Asia\n", None),
        ("The two leaders shook hands on Tuesday.\n\nMore text.\n", None),
    ],
)
def test_headline_guess_passes_over_navigation(text: str, expected: str | None) -> None:
    assert headline(text) == expected

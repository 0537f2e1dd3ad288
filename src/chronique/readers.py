"""Readers: files, folders, globs and stdin in; `Document` or `InputError` out, one at a time (#2).

    for item in read(["corpus/", "feed.xml", "-"]):
        if isinstance(item, InputError): print(item)
        else: store.add([item])

Formats, chosen by extension and else by a look at the first bytes:

- plain text (`.txt`): UTF-8, UTF-8 with BOM, or a legacy encoding found by charset-normalizer. A first
  line starting with ` date YYYY-MM` (or ` date YYYY-MM-DD`) is the crawler's date: it becomes
  `doc.published` (provenance `prefix`), `meta["date_prefix"]`, and is cut from `raw` together with the
  space after it, so that the line numbers of the text do not shift.
- HTML (`.html`, `.htm`): main text, title, url and date with trafilatura (htmldate for the date).
- JSONL (`.jsonl`, `.ndjson`): one article a line: `id` (kept as `meta["external_id"]`), `url`,
  `text` or `html`, `published`, `lang`, `title`; other fields go to `meta`.
- WARC (`.warc`, `.warc.gz`): the HTML response records.
- RSS / Atom (`.xml`, `.rss`, `.atom`): each entry's content or summary, with its date.

Any of them may be gzipped (`.txt.gz`, `.jsonl.gz` …). Bad input never raises out of `read`: an
empty, binary, unreadable, undecodable or too large file, a broken JSONL line, a broken feed or a
truncated `.gz` is yielded as an `InputError` naming the file (and line) and the reason, and reading
goes on. Containers (JSONL, WARC, feeds) are streamed, and `max_file_bytes` applies to each of their
records rather than to the whole file.

`Document.source` is the file path (relative to the working directory when inside it), with
`#<record>` for an article inside a container; the document id hashes it, so re-reading the same files
gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import glob
import gzip
import io
import json
import os
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, cast

from chronique.errors import (
    BinaryInputError,
    DecodeError,
    EmptyInputError,
    InputError,
    MalformedRecordError,
    TooLargeError,
)
from chronique.model import Document, FuzzyDate, Provenance
from chronique.settings import Settings

__all__ = [
    "ARTICLE_SUFFIXES",
    "ReadResult",
    "apply_date_prefix",
    "decode",
    "headline",
    "parse_published",
    "read",
    "read_bytes",
    "read_html",
    "read_text",
]

ReadResult = Document | InputError

# How much we trust each kind of date: the crawler's prefix was right on every dated seed and dev
# article (16 of 16 in ../shared), page metadata is sometimes a modification date.
PREFIX_CONFIDENCE = 0.95
METADATA_CONFIDENCE = 0.9
# A text whose first 8 KiB hold a NUL byte, or more than this share of other control characters, is
# binary (images, PDFs, archives); real articles, even badly encoded ones, stay far below.
BINARY_CONTROL_SHARE = 0.05
_SNIFF_BYTES = 8192
# Text that is not valid UTF-8 is still read as UTF-8 when its valid non-ASCII characters outnumber
# the invalid bytes this many times (a cp1252 text has almost no valid UTF-8 sequence).
UTF8_MAJORITY = 4
# A cp1252 reading is kept when this share of its non-ASCII characters are accented letters or
# typographic signs, and they are at most this share of all letters (French prose: ~4%, Russian
# misread as cp1252: ~100%).
WESTERN_SHARE = 0.9
WESTERN_HIGH_LETTERS = 0.3
_WESTERN_SIGNS = frozenset("’‘“”«»–—…€œŒ\u00a0°§£©®")
# Numbers read as Unix timestamps of a publication: 1973-03-03 to 2286-11-20 (seconds).
EPOCH_RANGE = (1e8, 1e10)
# A plain text's first line is taken as its title when it is at most this long (news headlines run
# 40-120 characters; the seeds' first paragraphs are 200+) and stands alone before a blank line.
HEADLINE_MAX_CHARS = 160
# Navigation lines (breadcrumbs) passed over before the headline: pages put one, rarely two (a
# breadcrumb and a "Skip to content"); beyond three the text is not an article's top.
HEADLINE_SKIP_LINES = 3
# htmldate drops dates after "today" unless told a bound; a fixed one keeps reading deterministic.
_HTMLDATE_MAX = "2099-12-31"

_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".arc": "warc",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
# What a folder walk picks up (plus files without an extension); other files (README.md, scripts,
# images) beside a corpus are not articles and are passed over, while a file named explicitly is read
# whatever its name.
ARTICLE_SUFFIXES = frozenset(_FORMATS) | {".gz"}

_PREFIX = re.compile(r"\A ?date (\d{4}-\d{2}(?:-\d{2})?)(?: |(?=\n)|\Z)")
_ISO_DATE = re.compile(r"^\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*$")
_GLOB_CHARS = re.compile(r"[*?\[]")


# -- entry point -----------------------------------------------------------------------------------


def read(
    paths: str | Path | Iterable[str | Path],
    *,
    settings: Settings | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[ReadResult]:
    """Every article under `paths` (files, folders read recursively, globs, `-` for stdin), lazily."""
    settings = settings or Settings()
    # One path given as a string must not be iterated character by character ("/" is the whole disk).
    for item in [paths] if isinstance(paths, str | Path) else paths:
        name = str(item)
        if name == "-":
            yield from _read_stream(stdin or sys.stdin.buffer, "<stdin>", settings)
            continue
        for file in _expand(name):
            if isinstance(file, InputError):
                yield file
            else:
                yield from _read_file(file, settings)


def _expand(name: str) -> Iterator[Path | InputError]:
    """The files a command-line path stands for: itself, a folder's articles, or a glob's matches."""
    path = Path(name)
    if path.exists() or path.is_symlink():
        matches = [path]
    elif _GLOB_CHARS.search(name):
        matches = [Path(match) for match in sorted(glob.glob(name, recursive=True))]
        if not matches:
            yield InputError(name, "no file matches this pattern", "check the pattern and quote it")
    else:
        yield InputError(name, "no such file or folder", "check the path")
        return
    for match in matches:
        if match.is_dir():
            yield from _walk(match)
        else:
            yield match


def _walk(folder: Path) -> Iterator[Path]:
    """Article files under `folder`, recursively, in a stable order, hidden ones left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            suffix = Path(name).suffix.lower()
            if not name.startswith(".") and (suffix in ARTICLE_SUFFIXES or not suffix):
                yield Path(root) / name


def _source_name(path: Path) -> str:
    """The path as stored in `Document.source`: relative to the working directory when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _format_of(name: str) -> tuple[str | None, bool]:
    """(format or None when unknown, gzipped?) from a file name."""
    lower = name.lower()
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    return _FORMATS.get(Path(lower).suffix), gzipped


def _read_file(path: Path, settings: Settings) -> Iterator[ReadResult]:
    source = _source_name(path)
    kind, gzipped = _format_of(path.name)
    try:
        size = path.stat().st_size
        if size == 0:
            yield EmptyInputError(source, "empty file")
            return
        if kind in ("jsonl", "warc", "feed"):
            yield from _read_container(path, source, kind, gzipped, settings)
            return
        if size > settings.max_file_bytes and not gzipped:
            yield _too_large(source, size, settings)
            return
        with open(path, "rb") as handle:
            data = _gunzip(handle.read(), source, settings) if gzipped else handle.read()
    except InputError as exc:
        yield exc
        return
    except OSError as exc:
        yield InputError(source, f"cannot read the file ({exc.strerror or exc})", "check its permissions")
        return
    for result in _read_payload(data, source, kind, settings):
        if isinstance(result, Document):
            # "2019-07-01-panmunjom.txt": a name the docdate stage may read a date from.
            result.meta["file_name"] = path.name
        yield result


class _Rejoined(io.RawIOBase):
    """A stream whose first bytes were already read: `head`, then the rest of `rest`."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(view))
        view[: len(data)] = data
        return len(data)


def _read_stream(stream: IO[bytes], source: str, settings: Settings) -> Iterator[ReadResult]:
    """Standard input: JSONL, WARC and feeds are streamed like files, one article is read whole."""
    try:
        head = stream.read(_SNIFF_BYTES)
        handle: IO[bytes] = cast(IO[bytes], io.BufferedReader(_Rejoined(head, stream)))
        if head[:2] == b"\x1f\x8b":
            handle = cast(IO[bytes], gzip.GzipFile(fileobj=handle))
            head = handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]  # type: ignore[attr-defined]
        kind = _sniff(head)
        if kind in ("jsonl", "warc", "feed"):
            yield from _read_container_stream(handle, source, kind, settings)
            return
        data = handle.read(settings.max_file_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield MalformedRecordError(source, f"truncated or corrupt gzip data ({exc})")
        return
    except OSError as exc:
        yield InputError(source, f"cannot read ({exc})")
        return
    if len(data) > settings.max_file_bytes:
        yield _too_large(source, len(data), settings)
        return
    yield from _read_payload(data, source, kind, settings)


def _read_payload(data: bytes, source: str, kind: str | None, settings: Settings) -> Iterator[ReadResult]:
    """One file's bytes, whose format is `kind` or found by sniffing."""
    kind = kind or _sniff(data)
    if kind in ("jsonl", "warc", "feed"):
        yield from _read_container_bytes(data, source, kind, settings)
        return
    try:
        yield read_bytes(data, source, html=kind == "html")
    except InputError as exc:
        yield exc


def _too_large(source: str, size: int, settings: Settings) -> TooLargeError:
    return TooLargeError(
        source,
        f"{size:,} bytes, over the limit of {settings.max_file_bytes:,}",
        "raise max_file_bytes in chronique.toml if this really is one article",
    )


def _gunzip(data: bytes, source: str, settings: Settings) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(settings.max_file_bytes + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise MalformedRecordError(
            source, f"truncated or corrupt gzip data ({exc})", "re-download the file"
        ) from exc
    if len(out) > settings.max_file_bytes:
        raise _too_large(source, len(out), settings)
    return out


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"warc/"):
        return "warc"
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<"):
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
        return "html"
    return "text"


# -- one article -----------------------------------------------------------------------------------


def _check_binary(data: bytes, source: str) -> None:
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs but is text
        return
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > BINARY_CONTROL_SHARE * len(head):
        raise BinaryInputError(source, "binary data, not text", "give text, HTML, JSONL, WARC or RSS files")


def decode(data: bytes, source: str) -> str:
    """Text from bytes: UTF-8 (BOM or not), UTF-16 with BOM, else the encoding charset-normalizer finds."""
    _check_binary(data, source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError(source, f"broken UTF-16 ({exc.reason})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few stray bytes (a scrape that glued two encodings): keep the UTF-8 reading,
    # the stray bytes become U+FFFD; read as cp1252 it would turn every "é" into "Ã©".
    mostly = data.decode("utf-8-sig", errors="replace")
    stray = mostly.count("\ufffd")
    if sum(1 for c in mostly if ord(c) > 127) - stray >= UTF8_MAJORITY * stray:
        return mostly
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = ""
    if western and _looks_western(western):
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError(source, "cannot tell the text encoding", "convert the file to UTF-8")
    return str(best)


def _looks_western(text: str) -> bool:
    """True when `text`, decoded as cp1252, reads like a Western European language.

    charset-normalizer alone reads a short French text in cp1252 as a Baltic or Central European code
    page ("serré" came out "serrť"): check the Western reading first. Its non-ASCII characters must be
    accented Latin letters or typographic signs, and a minority of the letters, as in French, Spanish
    or German; Cyrillic or Greek text misread as cp1252 is nearly all high letters and fails.
    """
    high = [c for c in text if ord(c) > 127]
    if not high:
        return True
    western = sum(1 for c in high if "\u00c0" <= c <= "\u00ff" or c in _WESTERN_SIGNS)
    letters = sum(1 for c in text if c.isalpha())
    return western >= WESTERN_SHARE * len(high) and len(high) <= WESTERN_HIGH_LETTERS * max(letters, 1)


def _normalise(text: str) -> str:
    """One newline convention and composed accents (NFC), so offsets and searches are stable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def apply_date_prefix(text: str) -> tuple[str, FuzzyDate | None, str | None]:
    """(text without the crawler's ` date YYYY-MM` prefix, its date, the prefix value) — or the text as is."""
    match = _PREFIX.match(text)
    if not match:
        return text, None, None
    try:
        date = FuzzyDate.parse(
            match.group(1),
            provenance=Provenance.PREFIX,
            confidence=PREFIX_CONFIDENCE,
            evidence=match.group(0).strip(),
        )
    except ValueError:  # " date 2017-13": not a date, so not the crawler's prefix
        return text, None, None
    return text[match.end() :], date, match.group(1)


def read_text(
    text: str,
    source: str,
    *,
    url: str | None = None,
    title: str | None = None,
    lang: str | None = None,
    published: FuzzyDate | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Document:
    """A Document from already decoded plain text (date prefix handled, newlines normalised)."""
    text = _normalise(text)
    raw, prefix_date, prefix = apply_date_prefix(text)
    if not raw.strip():
        raise EmptyInputError(source, "no text" if prefix is None else "nothing after the date prefix")
    doc_meta = dict(meta or {})
    if prefix is not None:
        doc_meta["date_prefix"] = prefix
    return Document(
        raw=raw,
        source=source,
        url=url or None,
        title=title or None,
        lang=lang or None,
        published=published or prefix_date,
        meta=doc_meta,
    )


def headline(text: str) -> str | None:
    """The first line as a title, when it reads as a headline: short, alone, not ending a sentence.

    A guess for plain text, which has no title field; `add` applies it to the cleaned text, so that a
    cookie banner on the first line is not taken for the title. The line stays in the text (content).
    Navigation lines before it (a breadcrumb "World | Asia" the cleaner did not see) are passed over.
    """
    from chronique.clean import is_navigation

    rest = text
    for _ in range(HEADLINE_SKIP_LINES + 1):
        first, _, rest = rest.lstrip("\n").partition("\n")
        first = first.strip()
        if not is_navigation(first):
            break
    else:
        return None
    if (
        first
        and len(first) <= HEADLINE_MAX_CHARS
        and not first.endswith((".", "!", "?", ":", ";", ",", "…"))
        and (not rest or rest.startswith("\n"))
    ):
        return first
    return None


def read_bytes(data: bytes, source: str, *, html: bool = False, url: str | None = None) -> Document:
    """A Document from the bytes of one plain-text or HTML article; raises InputError."""
    if not data.strip():
        raise EmptyInputError(source, "empty file")
    text = decode(data, source)
    if html:
        return read_html(text, source, url=url)
    return read_text(text, source)


def read_html(html: str, source: str, *, url: str | None = None) -> Document:
    """The main text, title, url, site and date of an HTML page (trafilatura, htmldate)."""
    import trafilatura

    extracted: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True, "max_date": _HTMLDATE_MAX},
    )
    if extracted is None:  # no main content found: the page's whole text, if any
        extracted = trafilatura.settings.Document()
        extracted.text = trafilatura.html2txt(html)
    # One paragraph per extracted block, separated by blank lines as in the crawled text files.
    paragraphs = [line.strip() for line in _normalise(extracted.text or "").split("\n") if line.strip()]
    if not paragraphs:
        raise EmptyInputError(source, "no text in this HTML page")
    published = None
    if extracted.date:
        published = parse_published(extracted.date, provenance=Provenance.METADATA, evidence="html metadata")
    return read_text(
        "\n\n".join(paragraphs),
        source,
        url=url or extracted.url,
        title=extracted.title,
        published=published,
        meta={"site": extracted.sitename} if extracted.sitename else {},
    )


def parse_published(
    value: Any, *, provenance: Provenance | str = Provenance.METADATA, evidence: str = ""
) -> FuzzyDate | None:
    """A publication date from metadata: ISO (`2019-02-27`, `2019-02`, `2019-02-27T10:00Z`) or RFC 2822.

    The date is kept as written, in the writer's time zone: a day is not shifted to UTC.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):  # a Unix timestamp: its day in UTC, the zone is not known
        if not EPOCH_RANGE[0] <= value <= EPOCH_RANGE[1]:
            return None
        utc_day = dt.datetime.fromtimestamp(value, dt.UTC).date().isoformat()
        return FuzzyDate.parse(
            utc_day, provenance=provenance, confidence=METADATA_CONFIDENCE, evidence=str(value)
        )
    text = str(value).strip()
    if not text:
        return None
    match = _ISO_DATE.match(text)
    day: str | None = match.group(1) if match else None
    if day is None:
        try:
            day = email.utils.parsedate_to_datetime(text).date().isoformat()
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return FuzzyDate.parse(
            day, provenance=provenance, confidence=METADATA_CONFIDENCE, evidence=evidence or text
        )
    except ValueError:
        return None


# -- containers: JSONL, WARC, feeds ----------------------------------------------------------------


def _read_container(
    path: Path, source: str, kind: str, gzipped: bool, settings: Settings
) -> Iterator[ReadResult]:
    # warcio reads gzipped WARC itself, record by record, which lets it keep the records before a cut.
    unzip = gzipped and kind != "warc"
    handle = cast(IO[bytes], gzip.open(path, "rb") if unzip else open(path, "rb"))  # noqa: SIM115
    with handle:
        yield from _read_container_stream(handle, source, kind, settings)


def _read_container_bytes(data: bytes, source: str, kind: str, settings: Settings) -> Iterator[ReadResult]:
    yield from _read_container_stream(io.BytesIO(data), source, kind, settings)


def _read_container_stream(
    handle: IO[bytes], source: str, kind: str, settings: Settings
) -> Iterator[ReadResult]:
    reader = {"jsonl": _jsonl_records, "warc": _warc_records, "feed": _feed_entries}[kind]
    try:
        yield from reader(handle, source, settings)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield MalformedRecordError(
            source, f"truncated or corrupt gzip data ({exc}); the records before were read"
        )


def _jsonl_records(handle: IO[bytes], source: str, settings: Settings) -> Iterator[ReadResult]:
    for number, line in enumerate(handle, 1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        if len(line) > settings.max_file_bytes:
            yield _too_large(where, len(line), settings)
            continue
        try:
            record = json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            yield DecodeError(where, f"not UTF-8 ({exc.reason})", "JSONL files must be UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield MalformedRecordError(where, f"broken JSON line ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield MalformedRecordError(where, "not a JSON object")
            continue
        try:
            yield _jsonl_document(record, source, number)
        except InputError as exc:
            yield exc


# The JSONL fields chronique reads, each with the names other tools give it (first present wins).
# A bare `date` is not among them: in scraped datasets it is as often the crawl date.
_JSONL_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "url": ("url", "link"),
    "text": ("text", "content", "body"),
    "html": ("html", "raw_html"),
    "published": ("published", "published_at", "publish_date", "pubDate", "datePublished"),
    "lang": ("lang", "language"),
    "title": ("title", "headline"),
}


def _jsonl_document(record: Mapping[str, Any], source: str, number: int) -> Document:
    fields: dict[str, Any] = {}
    used: set[str] = set()
    for name, aliases in _JSONL_ALIASES.items():
        present = [alias for alias in aliases if record.get(alias) not in (None, "")]
        fields[name] = record[present[0]] if present else None
        used.update(present[:1])
    external_id = fields["id"]
    doc_source = f"{source}#{external_id if external_id is not None else f'line{number}'}"
    meta = {k: v for k, v in record.items() if k not in used}
    if external_id is not None:
        meta["external_id"] = external_id
    url, title, lang = (_str_or_none(fields[name]) for name in ("url", "title", "lang"))
    published = parse_published(fields["published"], evidence="jsonl published")
    if fields["published"] is not None and published is None:
        meta["published_unparsed"] = fields["published"]
    text, html = fields["text"], fields["html"]
    if isinstance(text, str) and text.strip():
        doc = read_text(text, doc_source, url=url, title=title, lang=lang)
    elif isinstance(html, str) and html.strip():
        doc = read_html(html, doc_source, url=url)
        doc.title = title or doc.title
        doc.lang = lang
    else:
        raise EmptyInputError(f"{source}:{number}", "no `text` or `html` field with content")
    doc.meta = {**meta, **doc.meta}
    if published is not None:  # explicit metadata wins over a prefix or the page's own date
        doc.published = published
    return doc


def _str_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _warc_records(handle: IO[bytes], source: str, settings: Settings) -> Iterator[ReadResult]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        records = iter(ArchiveIterator(handle))
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            where = f"{source}#{url or record.rec_headers.get_header('WARC-Record-ID')}"
            if record.http_headers is not None:
                status = record.http_headers.get_statuscode()
                content_type = record.http_headers.get_header("Content-Type") or ""
                if status and not status.startswith("2"):
                    continue
            else:
                content_type = record.rec_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            payload = record.content_stream().read(settings.max_file_bytes + 1)
            if len(payload) > settings.max_file_bytes:
                yield _too_large(where, len(payload), settings)
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than the record announced
                yield MalformedRecordError(where, "truncated record; the records before were read")
                return
            try:
                doc = read_bytes(payload, where, html=True, url=url or None)
            except InputError as exc:
                yield exc
                continue
            crawled = record.rec_headers.get_header("WARC-Date")
            if crawled:
                doc.meta["crawled"] = crawled
            yield doc
    except ArchiveLoadFailed as exc:
        yield MalformedRecordError(
            source, f"not a readable WARC file ({exc})", "check that the file is complete"
        )


def _feed_entries(handle: IO[bytes], source: str, settings: Settings) -> Iterator[ReadResult]:
    import feedparser

    data = handle.read()
    feed = feedparser.parse(data)
    if not feed.entries:
        reason = (
            f"not a readable feed ({feed.get('bozo_exception')})" if feed.bozo else "a feed without entries"
        )
        yield MalformedRecordError(source, reason)
        return
    site = feed.feed.get("title")
    for index, entry in enumerate(feed.entries, 1):
        key = entry.get("id") or entry.get("link") or f"entry{index}"
        where = f"{source}#{key}"
        contents = entry.get("content") or []
        body = contents[0].get("value", "") if contents else entry.get("summary", "")
        if len(body) > settings.max_file_bytes:
            yield _too_large(where, len(body), settings)
            continue
        text = _fragment_text(body)
        raw_date = entry.get("published") or entry.get("updated")
        published = parse_published(raw_date, evidence="feed pubDate") if raw_date else None
        meta: dict[str, Any] = {"feed": site} if site else {}
        try:
            yield read_text(
                text,
                where,
                url=entry.get("link"),
                title=entry.get("title"),
                lang=_feed_lang(feed, entry),
                published=published,
                meta=meta,
            )
        except InputError as exc:
            yield exc


def _feed_lang(feed: Any, entry: Any) -> str | None:
    lang = entry.get("language") or feed.feed.get("language")
    return str(lang).split("-")[0].lower() if lang else None


_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|h[1-6]|li|blockquote|section|article|tr)\s*>")


def _fragment_text(fragment: str) -> str:
    """Plain text of a feed's HTML fragment, one paragraph per block element."""
    if "<" not in fragment:
        return fragment
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{_BLOCK_END.sub(chr(10) * 2, fragment)}</div>")
    except (lxml.etree.ParserError, ValueError):  # markup lxml cannot parse: strip the tags instead
        return re.sub(r"<[^>]+>", " ", fragment)
    text = root.text_content()
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)

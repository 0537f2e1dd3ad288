"""The FastAPI app: every page with its JSON twin, over one chronique database (#6).

Every HTML page has a JSON twin at the same path with `.json` (`/timeline` and `/timeline.json`,
`/documents/{id}` and `/documents/{id}.json` …); the JSON of `/timeline.json` is byte for byte the output
of `chronique timeline --format json` with the same filters. The database is opened read-only
(SQLite `mode=ro`) for every request unless the app is created with `writable=True`. Bad parameters
get a 400 (unknown ids a 404) with a JSON `{"error", "message"}` body, or an error page for HTML.

    uvicorn.run(create_app("news.db"), port=8000)
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from chronique import __version__
from chronique.errors import ChroniqueError, QueryError, StoreError
from chronique.model import FuzzyDate
from chronique.search import MAX_PAGE_SIZE, MAX_QUERY_CHARS, entity_index, search
from chronique.server import data
from chronique.server.render import (
    INTERFACE_LANGUAGES,
    Strings,
    display_name,
    format_date,
    headline,
    highlight,
    mark_document,
    outlet,
    strings,
    web_url,
)
from chronique.store import Store

__all__ = ["create_app"]

# Default and largest page sizes of the listings. The timeline JSON is not paged by default (it must
# equal the CLI's output) but stops at MAX_TIMELINE_ENTRIES: ask for pages with limit/offset beyond that.
DEFAULT_PAGE_SIZE = 50
MAX_TIMELINE_ENTRIES = 5000
LANG_COOKIE = "chronique_lang"
# The pages load nothing but the app's own files and run no inline script: say so to the browser.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_ID = re.compile(r"[0-9A-Za-z_.:\-]{1,200}")


class NotFound(ChroniqueError):
    """An id that names nothing in this database (404)."""


class ReadOnly(ChroniqueError):
    """A write asked of a server started without --writable (403)."""


# Articles one POST may add, and the characters one article may have (a batch, not a crawl).
MAX_POSTED_ARTICLES = 100
MAX_POSTED_CHARS = 1_000_000


class NewArticle(BaseModel):
    """One article to add, as a line of a JSONL input (see the readers)."""

    text: str = Field(min_length=1, max_length=MAX_POSTED_CHARS)
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=1000)
    lang: str | None = Field(default=None, pattern="^[a-z]{2,3}$")
    published: str | None = Field(default=None, max_length=40, description="ISO date or date-time")


@dataclass(frozen=True, slots=True)
class _Config:
    db_path: Path
    writable: bool


@dataclass(slots=True)
class Page:
    """What every HTML page gets: the request, its interface language and strings, its JSON twin."""

    request: Request
    lang: str
    t: Strings
    json_url: str = ""

    def url(self, path: str, **params: Any) -> str:
        """`path` with `params` (None and empty values dropped; lists repeat the key)."""
        pairs = [
            (k, v)
            for k, value in params.items()
            for v in (value if isinstance(value, list | tuple) else [value])
            if v not in (None, "", False)
        ]
        return path + ("?" + urlencode(pairs) if pairs else "")

    def with_params(self, **changes: Any) -> str:
        """This page's address with some query parameters replaced."""
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k not in changes]
        params += [(k, str(v)) for k, v in changes.items() if v is not None]
        return self.request.url.path + ("?" + urlencode(params) if params else "")

    def switch_lang(self, lang: str) -> str:
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return self.request.url.path + "?" + urlencode([*params, ("lang", lang)])


def _json_path(request: Request) -> bool:
    return request.url.path.endswith(".json")


def _iso_day(value: str | None, name: str, *, end: bool) -> str | None:
    """`2017`, `2017-09` or `2017-09-28` as the first (or last) ISO day it stands for."""
    if value is None or not value.strip():
        return None
    try:
        date = FuzzyDate.parse(value)
    except ValueError:
        raise QueryError(f"{name}={value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD") from None
    return (date.end if end else date.start).isoformat()


def _check_id(value: str, what: str) -> str:
    if not _ID.fullmatch(value):
        raise QueryError(f"{what} {value[:40]!r} is not an id: ids are letters, digits, '-', '_', '.' or ':'")
    return value


def _check_lang(lang: str | None) -> str | None:
    if lang is not None and lang not in INTERFACE_LANGUAGES:
        raise QueryError(f"lang={lang!r}: use one of {', '.join(INTERFACE_LANGUAGES)}")
    return lang


def _open_store(request: Request) -> Iterator[Store]:
    """One store per request (SQLite connections are not shared across threads), read-only by default."""
    config: _Config = request.app.state.config
    store = Store.open(config.db_path, readonly=not config.writable)
    try:
        yield store
    finally:
        store.close()


StoreDep = Annotated[Store, Depends(_open_store)]
Lang = Annotated[str | None, Query(description="Interface and title language: fr or en.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"Page size, 1–{MAX_PAGE_SIZE}.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
From = Annotated[str | None, Query(alias="from", max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")]
To = Annotated[str | None, Query(alias="to", max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")]
Source = Annotated[str | None, Query(max_length=200, description="Part of the source path or URL.")]


def timeline_filters(
    entity: Annotated[
        list[str] | None, Query(max_length=200, description="Name or alias; repeat for several.")
    ] = None,
    type: Annotated[
        list[str] | None, Query(max_length=40, description="Event type; repeat for several.")
    ] = None,
    date_from: From = None,
    date_to: To = None,
    source: Source = None,
    main_only: Annotated[bool, Query(description="Main news only, no background.")] = False,
    lang: Lang = None,
) -> data.TimelineFilters:
    if len(entity or []) > 10 or len(type or []) > 20:
        raise QueryError("at most 10 entity and 20 type filters")
    _iso_day(date_from, "from", end=False)
    _iso_day(date_to, "to", end=True)
    return data.TimelineFilters(
        entities=tuple(e for e in entity or [] if e.strip()),
        types=tuple(t for t in type or [] if t.strip()),
        date_from=date_from or None,
        date_to=date_to or None,
        source=source or None,
        main_only=main_only,
        lang=_check_lang(lang),
    )


Filters = Annotated[data.TimelineFilters, Depends(timeline_filters)]


def templates() -> Environment:
    """The Jinja environment of the pages (`web/templates`), with the helpers they call."""
    env = Environment(
        loader=PackageLoader("chronique", "web/templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        format_date=format_date,
        display_name=display_name,
        headline=headline,
        outlet=outlet,
        doc_sources={},
        highlight=highlight,
        version=__version__,
        web_url=web_url,
    )
    return env


def create_app(db_path: Path | str, *, writable: bool = False) -> FastAPI:
    """The FastAPI app serving the database at `db_path` (read-only unless `writable`)."""
    config = _Config(Path(db_path), writable)
    # Fail now, with the store's message, rather than on the first request.
    Store.open(config.db_path, readonly=not writable).close()

    # FastAPIOffline: /docs and /redoc load Swagger UI and ReDoc from the app itself, not from a CDN.
    app = FastAPIOffline(
        title="chronique",
        version=__version__,
        description="A dated, deduplicated timeline of events from news articles; every fact with its "
        "source sentence. Every HTML page has a `.json` twin; the JSON is stable within a major version.",
    )
    app.state.config = config
    env = templates()
    static_dir = resources.files("chronique").joinpath("web/static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    def page(request: Request, lang: str | None) -> Page:
        chosen = _check_lang(lang) or request.cookies.get(LANG_COOKIE)
        if chosen not in INTERFACE_LANGUAGES:
            accept = request.headers.get("accept-language", "")
            chosen = "en" if accept[:2].lower() == "en" else "fr"
        json_url = request.url.path + ".json"
        if request.url.query:
            json_url += "?" + request.url.query
        return Page(request, chosen, strings(chosen), json_url)

    def render(template: str, pg: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(page=pg, t=pg.t, lang=pg.lang, **context)
        response = HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
        if pg.request.query_params.get("lang") in INTERFACE_LANGUAGES:
            response.set_cookie(LANG_COOKIE, pg.lang, max_age=365 * 86400, samesite="lax")
        return response

    def error(request: Request, status: int, kind: str, message: str) -> Response:
        if _json_path(request) or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"error": kind, "message": message}, status_code=status)
        try:
            pg = page(request, None)
        except QueryError:
            pg = Page(request, "fr", strings("fr"))
        return render("error.html", pg, status_code=status, status=status, kind=kind, message=message)

    @app.exception_handler(QueryError)
    async def _bad_query(request: Request, exc: QueryError) -> Response:
        return error(request, 400, "bad parameter", str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return error(request, 404, "not found", str(exc))

    @app.exception_handler(ReadOnly)
    async def _read_only(request: Request, exc: ReadOnly) -> Response:
        return error(request, 403, "read-only", str(exc))

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> Response:
        return error(request, 503, "database unavailable", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for item in exc.errors():
            where = ".".join(str(p) for p in item.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        return error(request, 400, "bad parameter", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        kind = "not found" if exc.status_code == 404 else "error"
        message = f"no page at {request.url.path}" if exc.status_code == 404 else str(exc.detail)
        return error(request, exc.status_code, kind, message)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/timeline")

    # -- timeline ------------------------------------------------------------------------------------

    # Export formats of `chronique.timeline.export` offered besides json, with their media types.
    EXPORTS = {
        "csv": "text/csv; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "timelinejs": "application/json",
    }

    # Each page's `.json` twin is the decorator nearer the function: decorators apply bottom-up, so it is
    # registered first and `/documents/{doc_id}` never swallows `/documents/x.json`.
    @app.get("/timeline", response_class=HTMLResponse, summary="The timeline page")
    @app.get("/timeline.json", summary="The timeline (same JSON as `chronique timeline --format json`)")
    def timeline_view(
        request: Request,
        store: StoreDep,
        filters: Filters,
        limit: Annotated[int | None, Query(ge=1, le=MAX_TIMELINE_ENTRIES)] = None,
        offset: Offset = 0,
    ) -> Response:
        as_json = _json_path(request)
        pg = page(request, filters.lang)
        if not as_json and filters.lang is None:
            filters = dataclasses.replace(filters, lang=pg.lang)  # titles in the interface's language
        entries = data.timeline_entries(store, filters)
        total = len(entries)
        if total > MAX_TIMELINE_ENTRIES and limit is None:
            raise QueryError(f"{total} entries: page with limit (≤ {MAX_TIMELINE_ENTRIES}) and offset")
        window = entries[offset : offset + limit] if limit else entries[offset:]
        if as_json:
            body = data.export(window, "json")
            return Response(body, media_type="application/json", headers={"X-Total-Count": str(total)})
        dicts = [e.to_dict() for e in window]
        return render(
            "timeline.html",
            pg,
            groups=data.group_by_year(dicts),
            doc_sources=data.source_paths(store, dicts),
            total=total,
            filters=filters,
            event_types=data.EVENT_TYPES,
            entity_names=[e.name for e in entity_index(store).ranked()[:300]],
            outlets=data.outlets(store),
            exports={name: pg.url(f"/timeline.{name}", **filters.params()) for name in ("json", *EXPORTS)},
        )

    @app.get("/timeline.{fmt}", summary="The timeline exported: csv, md or timelinejs")
    def timeline_export(fmt: str, store: StoreDep, filters: Filters) -> Response:
        if fmt not in EXPORTS:
            raise QueryError(f"no export {fmt!r}: use json, {', '.join(EXPORTS)}")
        body = data.export(data.timeline_entries(store, filters), fmt)
        extension = "json" if fmt == "timelinejs" else fmt
        return Response(
            body,
            media_type=EXPORTS[fmt],
            headers={"Content-Disposition": f'attachment; filename="timeline.{extension}"'},
        )

    @app.get("/events/{entry_id}", response_class=HTMLResponse, summary="One event page")
    @app.get("/events/{entry_id}.json", summary="One event with all its sources")
    def event_view(request: Request, entry_id: str, store: StoreDep, lang: Lang = None) -> Response:
        _check_id(entry_id, "event")
        entry = data.find_entry(store, entry_id, lang=_check_lang(lang))
        if entry is None:
            raise NotFound(f"no event {entry_id!r} in this timeline; see /timeline.json for the ids")
        if _json_path(request):
            return JSONResponse(entry.to_dict())
        entry_dict = entry.to_dict()
        doc_sources = data.source_paths(store, [entry_dict])
        return render("event.html", page(request, lang), entry=entry_dict, doc_sources=doc_sources)

    # -- documents -----------------------------------------------------------------------------------

    @app.get("/documents", response_class=HTMLResponse, summary="The documents page")
    @app.get("/documents.json", summary="Documents, newest first, filtered and paged")
    def documents_view(
        request: Request,
        store: StoreDep,
        source: Source = None,
        date_from: From = None,
        date_to: To = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        doc_lang: Annotated[
            str | None, Query(alias="doc_lang", max_length=8, description="Document language.")
        ] = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
        lang: Lang = None,
    ) -> Response:
        rows, total = data.list_documents(
            store,
            source=source,
            date_from=_iso_day(date_from, "from", end=False),
            date_to=_iso_day(date_to, "to", end=True),
            entity=entity,
            lang=doc_lang,
            limit=limit,
            offset=offset,
        )
        payload: dict[str, Any] = {"total": total, "limit": limit, "offset": offset, "documents": rows}
        if _json_path(request):
            return JSONResponse(payload)
        return render("documents.html", page(request, lang), **payload, source=source, entity=entity)

    @app.post(
        "/documents.json", status_code=201, summary="Add articles (only with --writable): read, process, link"
    )
    def add_documents(
        store: StoreDep,
        articles: Annotated[list[NewArticle], Body(min_length=1, max_length=MAX_POSTED_ARTICLES)],
    ) -> JSONResponse:
        if not config.writable:
            raise ReadOnly(
                "this server is read-only: start it with `chronique serve --writable` to add articles"
            )
        from chronique.link import build

        # The posted articles go through the JSONL reader, so that they are read like any input.
        with tempfile.TemporaryDirectory(prefix="chronique-post-") as folder:
            path = Path(folder) / "posted.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for article in articles:
                    handle.write(json.dumps(article.model_dump(exclude_none=True), ensure_ascii=False) + "\n")
            report = build([path], store=store)
        return JSONResponse(report.to_dict(), status_code=201)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, summary="One document, marked up")
    @app.get("/documents/{doc_id}.json", summary="One document with its annotation layers")
    def document_view(
        request: Request,
        doc_id: str,
        store: StoreDep,
        hl: Annotated[
            str | None, Query(max_length=24, pattern=r"^\d+-\d+$", description="start-end to highlight")
        ] = None,
        lang: Lang = None,
    ) -> Response:
        _check_id(doc_id, "document")
        doc = data.get_document(store, doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id!r}; list them at /documents.json")
        borrowed = data.borrowed_date(store, doc.id)
        story = data.story_of(store, doc.id)
        if _json_path(request):
            extra = {"borrowed_date": borrowed.to_dict() if borrowed else None, "story": story}
            return JSONResponse(doc.to_dict() | extra)
        evidence = tuple(int(n) for n in hl.split("-")) if hl else None
        marked = mark_document(doc, evidence=(evidence[0], evidence[1]) if evidence else None)
        return render(
            "document.html",
            page(request, lang),
            doc=doc,
            borrowed=borrowed,
            story=story,
            marked=marked,
            entries=data.entries_of_document(store, doc.id, lang=_check_lang(lang)),
        )

    # -- entities ------------------------------------------------------------------------------------

    @app.get("/entities", response_class=HTMLResponse, summary="The entities page")
    @app.get("/entities.json", summary="Entities, most cited first")
    def entities_view(
        request: Request,
        store: StoreDep,
        type: Annotated[str | None, Query(max_length=40)] = None,
        limit: Limit = MAX_PAGE_SIZE,
        offset: Offset = 0,
        lang: Lang = None,
    ) -> Response:
        ranked = [e for e in entity_index(store).ranked() if type is None or e.type == type]
        payload: dict[str, Any] = {
            "total": len(ranked),
            "limit": limit,
            "offset": offset,
            "entities": [e.to_dict() for e in ranked[offset : offset + limit]],
        }
        if _json_path(request):
            return JSONResponse(payload)
        return render("entities.html", page(request, lang), **payload)

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, summary="One entity page")
    @app.get("/entities/{entity_id}.json", summary="One entity with its timeline")
    def entity_view(request: Request, entity_id: str, store: StoreDep, lang: Lang = None) -> Response:
        _check_id(entity_id, "entity")
        entity = entity_index(store).entities.get(entity_id)
        if entity is None:
            raise NotFound(f"no entity {entity_id!r}; list them at /entities.json")
        entries = data.entity_entries(store, entity.id, lang=_check_lang(lang))
        rows, total = data.list_documents(store, entity=entity.id, limit=DEFAULT_PAGE_SIZE, offset=0)
        payload: dict[str, Any] = {"entity": entity.to_dict(), "timeline": entries, "documents": rows}
        if _json_path(request):
            return JSONResponse(payload)
        return render(
            "entity.html",
            page(request, lang),
            **payload,
            total_documents=total,
            groups=data.group_by_year(payload["timeline"]),
            doc_sources=data.source_paths(store, payload["timeline"]),
        )

    # -- search and questions ------------------------------------------------------------------------

    @app.get("/search", response_class=HTMLResponse, summary="The search page")
    @app.get("/search.json", summary="Full-text search (accents folded, French elision)")
    def search_view(
        request: Request,
        store: StoreDep,
        q: Annotated[
            str, Query(max_length=MAX_QUERY_CHARS, description='Words, "a phrase", -excluded, prefix*, OR')
        ] = "",
        date_from: From = None,
        date_to: To = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        source: Source = None,
        doc_lang: Annotated[str | None, Query(alias="doc_lang", max_length=8)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
        offset: Offset = 0,
        lang: Lang = None,
    ) -> Response:
        if not q.strip() and not _json_path(request):
            return render(
                "search.html", page(request, lang), search_q=q, results=None, limit=limit, offset=offset
            )
        results = search(
            store,
            q,
            date_from=_iso_day(date_from, "from", end=False),
            date_to=_iso_day(date_to, "to", end=True),
            entity=entity,
            source=source,
            lang=doc_lang,
            limit=limit,
            offset=offset,
        )
        if _json_path(request):
            return JSONResponse(results.to_dict() | {"limit": limit, "offset": offset})
        return render(
            "search.html", page(request, lang), q=q, search_q=q, results=results, limit=limit, offset=offset
        )

    @app.get("/ask", response_class=HTMLResponse, summary="The question page")
    @app.get("/ask.json", summary="A question answered from the timeline, with the evidence")
    def ask_view(
        request: Request,
        store: StoreDep,
        q: Annotated[str, Query(max_length=300, description="A question in French or English")] = "",
        context: Annotated[str | None, Query(max_length=300, description="The previous question")] = None,
        lang: Lang = None,
    ) -> Response:
        from chronique.ask import ask

        if not q.strip() and not _json_path(request):
            return render("ask.html", page(request, lang), q=q, answer=None, context=context)
        answer = ask(store, q, context=context or None, lang=_check_lang(lang))
        if _json_path(request):
            return JSONResponse(answer.to_dict())
        doc_sources = data.source_paths(store, answer.evidence)
        return render(
            "ask.html", page(request, lang), q=q, answer=answer, context=context, doc_sources=doc_sources
        )

    @app.get("/health.json", include_in_schema=False)
    def health(store: StoreDep) -> dict[str, Any]:
        return {"ok": True, "documents": store.count(), "writable": config.writable}

    return app

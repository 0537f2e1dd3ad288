"""The web page in a real headless Chromium: timeline, entity filter, an entry, its source document (#6).

Debian's `chromium` (installed by `make browser`) is driven by Playwright with its executable path;
Playwright's own browser download is not used. The database is built from the seeds (../shared), or
from the team's `examples/` when ../shared is absent. Screenshots go to `test-artifacts/`.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
EXAMPLES = ROOT / "examples"
# The alias typed in the entity filter, and the names a filtered title may show: a person of the
# corpus the database is built from (the seeds when ../shared is there, else the team's examples).
ENTITY_FILTER = ("Poutine", ("Poutine", "Putin")) if SEEDS.is_dir() else ("Trump", ("Trump",))
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Seconds to wait for the server to start and for a page to load (a cold Chromium on 2 busy cores).
STARTUP_TIMEOUT = 30.0
PAGE_TIMEOUT_MS = 30_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _chromium() -> str:
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        pytest.skip("chromium is not installed: run `make browser` (or `sudo apt-get install chromium`)")
    return path


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds (or the examples) added and linked, as `chronique build` does."""
    from chronique import ingest
    from chronique.link import link
    from chronique.store import Store

    source = SEEDS if SEEDS.is_dir() else EXAMPLES
    if not any(source.glob("*")):
        pytest.skip(f"neither {SEEDS} nor {EXAMPLES} has articles to build a database from")
    path = tmp_path_factory.mktemp("browser") / "seeds.db"
    with Store.open(path) as store:
        ingest.add([source], store=store)
        link(store)
    return path


@pytest.fixture(scope="module")
def base_url(corpus_db: Path) -> Iterator[str]:
    """The app served by uvicorn in a thread, on a free port of 127.0.0.1."""
    import uvicorn

    from chronique.server import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(corpus_db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"the server did not start on port {port} within {STARTUP_TIMEOUT} s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_page(base_url: str) -> Iterator[Any]:
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="fr-FR")
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        errors: list[str] = []
        requests: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("request", lambda request: requests.append(request.url))
        page.errors = errors
        page.requests = requests
        yield page
        browser.close()


def test_timeline_filter_entry_and_source_document(browser_page: Any, base_url: str) -> None:
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{base_url}/timeline")
    entries = page.locator("li.entry")
    assert entries.count() > 0, "the timeline of the seeds is empty"
    everything = entries.count()
    assert page.locator("button.toggle-all").is_visible()  # app.js ran, under the page's CSP
    page.screenshot(path=str(ARTIFACTS / "timeline.png"), full_page=True)

    # Filter by an entity, by one of its aliases, through the form.
    alias, names = ENTITY_FILTER
    page.fill("#f-entity", alias)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"**/timeline?*entity={alias}*")
    filtered = page.locator("li.entry")
    assert 0 < filtered.count() <= everything
    for title in filtered.locator(".entry-title").all_inner_texts():
        assert any(name in title for name in names), title

    # Open the first entry: its sources appear with their evidence sentences highlighted.
    first = filtered.first
    first.locator("summary").click()
    evidence = first.locator("mark.evidence").first
    assert evidence.is_visible()
    sentence = evidence.inner_text().strip()
    assert sentence
    page.screenshot(path=str(ARTIFACTS / "timeline-entry.png"), full_page=False)

    # Follow the source to its document view: the same sentence is marked there, in context.
    first.locator("a.open-doc").first.click()
    page.wait_for_url("**/documents/*")
    marked = page.locator("#evidence")
    assert marked.is_visible()
    assert page.locator(".doc-text").inner_text().find(sentence[:40]) >= 0
    assert page.locator(".doc-text .m-entity").count() > 0
    assert page.locator(".doc-text .m-timex").count() > 0
    page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=True)

    assert page.errors == [], page.errors


def test_language_switch_and_search(browser_page: Any, base_url: str) -> None:
    page = browser_page
    page.goto(f"{base_url}/timeline")
    page.click(".langs a[hreflang=en]")
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Timeline"
    page.fill("#site-q", "l'economie OR Sotchi")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search?*")
    assert page.locator("ol.doc-list > li").count() > 0
    assert page.locator("html").get_attribute("lang") == "en"  # the choice is remembered
    page.goto(f"{base_url}/timeline?lang=fr")


def test_api_docs_render_offline(browser_page: Any, base_url: str) -> None:
    page = browser_page
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".opblock", timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".opblock").count() >= 10  # one block per endpoint
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    # Everything every page of these tests loaded came from the app itself: no CDN, no font service.
    outside = [url for url in page.requests if not url.startswith((base_url, "data:", "blob:"))]
    assert outside == []

